# Copied from generators/python/runtime/langchain.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""LangChain integration (`pip install agenttrustid[langchain]`): a callback handler that runs
every LangChain tool call through an `ATIGuard`.

    guard = ATIGuard(client, agent_id=agent.id)
    handler = AgentTrustCallbackHandler(guard, effects={"db_delete": "destructive"})
    agent.invoke({"input": "..."}, config={"callbacks": [handler]})

Before a tool runs, `guard.check(tool_name, input_summary=<the tool input>)` (the summary leaves
the process only if the guard has `log_inputs=True`); a denial raises out of the tool call, so
the tool never runs. After it, `guard.report()` records success or the exception's class name."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from uuid import UUID

from .guard import ActionEffect, ATIGuard

if TYPE_CHECKING:
    from ._client import AgentTrustClient

try:
    from langchain_core.callbacks import BaseCallbackHandler
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "agenttrustid.langchain needs langchain-core: pip install 'agenttrustid[langchain]'"
    ) from e

__all__ = ["AgentTrustCallbackHandler"]


class AgentTrustCallbackHandler(BaseCallbackHandler):
    """Checks each tool call with Guardian before it runs and reports it after.

    Args:
        guard: The `ATIGuard` to check and report with, or an `AgentTrustClient` with `agent_id`
            (and any `ATIGuard` option), as the official handler takes them.
        effects: The action effect to declare per tool name (default: Guardian classifies).
    """

    # LangChain swallows callback errors unless this is set: a denial must stop the tool.
    raise_error = True

    def __init__(
        self,
        guard: ATIGuard | AgentTrustClient,
        agent_id: str | None = None,
        *,
        effects: dict[str, ActionEffect | str] | None = None,
        **guard_options: Any,
    ) -> None:
        super().__init__()
        if isinstance(guard, ATIGuard):
            if agent_id is not None or guard_options:
                raise TypeError("pass agent_id and guard options to the ATIGuard, not with one")
            self.guard = guard
        else:
            # The official handler's form, `AgentTrustCallbackHandler(client, agent_id=...,
            # session_id=..., block_on_deny=..., fail_open=..., log_inputs=...)`: it owns its guard.
            if not agent_id:
                raise TypeError("AgentTrustCallbackHandler(client, agent_id=...) needs an agent_id")
            guard_options.pop("max_input_chars", None)  # summaries are always capped at 200 code points
            self.guard = ATIGuard(guard, agent_id=agent_id, **guard_options)
        self.effects = dict(effects or {})
        self._started: dict[UUID, tuple[str, float]] = {}

    def close(self) -> None:
        """Flushes the guard's telemetry and stops it (the official handler's `close()`)."""
        self.guard.close()

    def on_tool_start(
        self,
        serialized: dict[str, Any],
        input_str: str,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        name = str((serialized or {}).get("name") or kwargs.get("name") or "unknown_tool")
        self.guard.check(name, input_summary=input_str, action_effect=self.effects.get(name))
        self._started[run_id] = (name, time.perf_counter())

    def on_tool_end(
        self, output: Any, *, run_id: UUID, parent_run_id: UUID | None = None, **kwargs: Any
    ) -> Any:
        started = self._started.pop(run_id, None)
        if started is not None:
            name, at = started
            self.guard.report(name, True, (time.perf_counter() - at) * 1000)

    def on_tool_error(
        self, error: BaseException, *, run_id: UUID, parent_run_id: UUID | None = None, **kwargs: Any
    ) -> Any:
        started = self._started.pop(run_id, None)
        if started is not None:
            name, at = started
            self.guard.report(name, False, (time.perf_counter() - at) * 1000, type(error).__name__)

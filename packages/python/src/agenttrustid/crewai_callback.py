# Copied from generators/python/runtime/crewai_callback.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""CrewAI integration (`pip install 'agenttrustid[crewai]'`), with the official module's names.

    guard = agenttrust_protect_crew(crew, client=client, agent_id=agent.id)  # every tool guarded
    result = crew.kickoff()
    guard.close()  # sends the last telemetry

`AgentTrustCrewAIToolWrapper(tool, client=..., agent_id=...)` is a CrewAI `BaseTool` that runs
`tool` through an `ATIGuard`: a check before each call (a call Guardian does not allow never
runs), a report after it (success, or the exception's class name). CrewAI sees the tool's own
name, description and argument schema. `AgentTrustCrewAICallback` records task and step events
(`Crew(step_callback=cb.step_callback, task_callback=cb.task_callback)`, or its `on_*` methods).

Differences from the official module, on purpose: tool inputs stay in the process unless
`log_inputs=True` (the official wrapper sends the first 200 characters of the arguments by
default; this SDK is private by default, as its LangChain handler and guard are); a denial raises
`ActionDeniedError` / `ElevationRequiredError` (subclasses of `AgentTrustError` with the same
codes); an unreachable Guardian raises `GuardianUnavailableError` unless `fail_open=True`.

Importing this module imports CrewAI; without it, `IntegrationUnavailableError` (an
`ImportError` and a `ConfigurationError`) names the extra to install. `import agenttrustid`
never imports CrewAI."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import TYPE_CHECKING, Any

from pydantic import PrivateAttr

from ._integration import IntegrationUnavailableError, guard_for, input_summary, require
from ._telemetry import TelemetryBatcher
from .guard import ActionEffect, ATIGuard, FailedOpenDecision

if TYPE_CHECKING:
    from ._client import AgentTrustClient

_tools = require("crewai.tools", "crewai", "agenttrustid.crewai_callback")
_BaseTool: Any = _tools.BaseTool

__all__ = [
    "AgentTrustCrewAICallback",
    "AgentTrustCrewAIToolWrapper",
    "IntegrationUnavailableError",
    "agenttrust_protect_crew",
]

_GUARD_OPTIONS = ("session_id", "block_on_deny", "fail_open", "log_inputs")


def _denial_message(tool: str, decision: Any) -> str:
    reason = getattr(decision, "reason", None)
    return f"Tool '{tool}' denied by AgentTrust ID Guardian" + (f": {reason}" if reason else "")


class AgentTrustCrewAIToolWrapper(_BaseTool):  # type: ignore[misc]
    """A CrewAI tool that checks each call with Guardian before it runs and reports it after.

    Args:
        tool: The CrewAI `BaseTool` to guard.
        client: An `AgentTrustClient` (with `agent_id`), as the official wrapper takes them.
        agent_id: The agent whose calls are checked.
        guard: An `ATIGuard` to share instead of `client`/`agent_id` (one session and one
            telemetry queue for many tools; `agenttrust_protect_crew` does this).
        session_id, block_on_deny, fail_open, log_inputs: the `ATIGuard` options (defaults: a
            new session, True, False, False).
        max_input_chars: Cut the input summary shorter than the guard's 200 code points.
        action_effect: The effect to declare for this tool (default: Guardian classifies).

    With `block_on_deny=False` a denied call returns a message for the agent instead of raising;
    the tool still does not run.
    """

    _agenttrust: Any = PrivateAttr(default=None)

    def __init__(
        self,
        tool: Any,
        client: AgentTrustClient | None = None,
        agent_id: str | None = None,
        session_id: str | None = None,
        block_on_deny: bool = True,
        fail_open: bool = False,
        max_input_chars: int = 200,
        *,
        guard: ATIGuard | None = None,
        log_inputs: bool = False,
        action_effect: ActionEffect | str | None = None,
    ) -> None:
        if not isinstance(tool, _BaseTool):
            raise TypeError("AgentTrustCrewAIToolWrapper wraps a crewai.tools.BaseTool")
        options: dict[str, Any] = {}
        if guard is None:
            options = {
                "session_id": session_id,
                "block_on_deny": block_on_deny,
                "fail_open": fail_open,
                "log_inputs": log_inputs,
            }
        the_guard = guard_for("AgentTrustCrewAIToolWrapper", client, agent_id, guard, options)
        super().__init__(
            name=tool.name,
            description=tool.description,
            args_schema=tool.args_schema,
            result_schema=getattr(tool, "result_schema", None),
            result_as_answer=getattr(tool, "result_as_answer", False),
            max_usage_count=getattr(tool, "max_usage_count", None),
            cache_function=tool.cache_function,
        )
        # A private attribute: out of the tool's fields, its schema and its serialization.
        self._agenttrust = (tool, the_guard, max_input_chars, action_effect)

    @property
    def tool(self) -> Any:
        """The wrapped CrewAI tool."""
        return self._agenttrust[0]

    @property
    def guard(self) -> ATIGuard:
        """The `ATIGuard` this tool checks and reports with."""
        guard: ATIGuard = self._agenttrust[1]
        return guard

    @property
    def agent_id(self) -> str:
        return self.guard.agent_id

    @property
    def session_id(self) -> str:
        return self.guard.session_id

    def _check(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        """Checks the call; returns a denial message when it must not run and the guard does
        not raise (block_on_deny=False)."""
        _tool, guard, max_chars, effect = self._agenttrust
        summary = input_summary(args, kwargs, max_chars) if guard.log_inputs else None
        decision = guard.check(self.name, summary, effect)
        if decision.allowed or isinstance(decision, FailedOpenDecision):
            return None
        return _denial_message(self.name, decision)

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        denied = self._check(args, kwargs)
        if denied is not None:
            return denied
        tool, guard = self._agenttrust[0], self._agenttrust[1]
        start = time.perf_counter()
        try:
            result = tool._run(*args, **kwargs)
            if asyncio.iscoroutine(result):  # an async-only tool, as BaseTool.run handles it
                result = asyncio.run(result)
        except BaseException as error:
            guard.report(self.name, False, (time.perf_counter() - start) * 1000, type(error).__name__)
            raise
        guard.report(self.name, True, (time.perf_counter() - start) * 1000)
        return result

    async def _arun(self, *args: Any, **kwargs: Any) -> Any:
        # The guard's client is synchronous: the check runs in a worker thread, not on the loop.
        denied = await asyncio.to_thread(self._check, args, kwargs)
        if denied is not None:
            return denied
        tool, guard = self._agenttrust[0], self._agenttrust[1]
        start = time.perf_counter()
        try:
            result = await tool._arun(*args, **kwargs)
        except BaseException as error:
            guard.report(self.name, False, (time.perf_counter() - start) * 1000, type(error).__name__)
            raise
        guard.report(self.name, True, (time.perf_counter() - start) * 1000)
        return result

    def close(self) -> None:
        """Flushes the guard's telemetry and stops it (shared guards: once is enough)."""
        self.guard.close()

    def __enter__(self) -> AgentTrustCrewAIToolWrapper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AgentTrustCrewAICallback:
    """Task and step telemetry for a crew (the official callback's `on_task_start`,
    `on_task_end`, `on_step_start`, `on_step_end`), plus `step_callback` and `task_callback` to
    pass to `Crew(...)`. Events are queued and sent in batches in the background, like the
    guard's reports: recording never blocks or raises. Only names travel (a task's `name`, a
    step's tool name), never descriptions, inputs or outputs.

    Args:
        client: An `AgentTrustClient`.
        agent_id: The agent the events belong to.
        session_id: Correlates the events (default: a new UUID; pass the guard's to join them).
    """

    def __init__(
        self,
        client: AgentTrustClient,
        agent_id: str,
        session_id: str | None = None,
        *,
        flush_interval: float | None = None,
    ) -> None:
        if not hasattr(client, "telemetry") or not agent_id:
            raise TypeError("AgentTrustCrewAICallback needs an AgentTrustClient and an agent_id")
        self.client = client
        self.agent_id = agent_id
        self.session_id = session_id or str(uuid.uuid4())
        self._telemetry = (
            TelemetryBatcher(self._send, agent_id, self.session_id)
            if flush_interval is None
            else TelemetryBatcher(self._send, agent_id, self.session_id, flush_interval=flush_interval)
        )
        self._step_starts: dict[str, float] = {}

    # The batcher queues (name, success, duration, error_type); the event type rides in the
    # error_type slot behind a NUL (no class name has one) and is put back here.
    def _send(self, events: list[dict[str, Any]]) -> object:
        for event in events:
            kind = event.get("error_type")
            if isinstance(kind, str) and kind.startswith("\x00"):
                event["event_type"] = kind[1:]
                del event["error_type"]
        return self.client.telemetry.report(self.agent_id, self.session_id, events)

    def _record(self, event_type: str, name: str, success: bool = True, duration_ms: float = 0) -> None:
        self._telemetry.push(name or "unknown", success, duration_ms, "\x00" + event_type)

    def on_task_start(self, task_name: str) -> None:
        self._record("task_start", task_name)

    def on_task_end(self, task_name: str, success: bool = True) -> None:
        self._record("task_end", task_name, success)

    def on_step_start(self, step_id: str, step_name: str = "") -> None:
        if len(self._step_starts) >= 1000:  # steps that never ended: keep memory bounded
            self._step_starts.clear()
        self._step_starts[step_id] = time.perf_counter()
        self._record("step_start", step_name or step_id)

    def on_step_end(self, step_id: str, step_name: str = "", success: bool = True) -> None:
        start = self._step_starts.pop(step_id, None)
        duration = (time.perf_counter() - start) * 1000 if start is not None else 0
        self._record("step_end", step_name or step_id, success, duration)

    def step_callback(self, step: Any) -> None:
        """For `Crew(step_callback=...)`: a `step_end` named after the step's tool (or its kind)."""
        name = getattr(step, "tool", None) or type(step).__name__
        self._record("step_end", str(name), not bool(getattr(step, "error", None)))

    def task_callback(self, output: Any) -> None:
        """For `Crew(task_callback=...)`: a `task_end` named after the task's `name` (or "task")."""
        self._record("task_end", str(getattr(output, "name", None) or "task"))

    def flush(self, timeout: float | None = None) -> bool:
        return self._telemetry.flush(timeout)

    def close(self, timeout: float | None = None) -> bool:
        return self._telemetry.close(timeout)

    def stats(self) -> Any:
        return self._telemetry.stats()

    def __enter__(self) -> AgentTrustCrewAICallback:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def agenttrust_protect_crew(
    crew: Any,
    client: AgentTrustClient | None = None,
    agent_id: str | None = None,
    session_id: str | None = None,
    block_on_deny: bool = True,
    fail_open: bool = False,
    max_input_chars: int = 200,
    *,
    guard: ATIGuard | None = None,
    log_inputs: bool = False,
    effects: dict[str, ActionEffect | str] | None = None,
) -> ATIGuard:
    """Guards every tool of a crew in place: each agent's and each task's tools become
    `AgentTrustCrewAIToolWrapper`s sharing one `ATIGuard` (one session, one telemetry queue),
    which is returned: `close()` it when the crew is done. Tools already wrapped are left as they
    are. `effects` declares an action effect per tool name."""
    if guard is None:
        options = {
            "session_id": session_id,
            "block_on_deny": block_on_deny,
            "fail_open": fail_open,
            "log_inputs": log_inputs,
        }
        guard = guard_for("agenttrust_protect_crew", client, agent_id, None, options)
    else:
        guard = guard_for("agenttrust_protect_crew", client, agent_id, guard, {})
    effects = dict(effects or {})

    def protect(tools: Any) -> list[Any] | None:
        if not tools:
            return None
        return [
            tool
            if isinstance(tool, AgentTrustCrewAIToolWrapper)
            else AgentTrustCrewAIToolWrapper(
                tool, guard=guard, max_input_chars=max_input_chars, action_effect=effects.get(tool.name)
            )
            for tool in tools
        ]

    for owner in [*(getattr(crew, "agents", None) or []), *(getattr(crew, "tasks", None) or [])]:
        wrapped = protect(getattr(owner, "tools", None))
        if wrapped is not None:
            owner.tools = wrapped
    return guard

# Copied from generators/python/runtime/autogen_callback.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""AutoGen integration (`pip install 'agenttrustid[autogen]'` for Microsoft AutoGen's
`autogen-agentchat`, `'agenttrustid[ag2]'` for AG2), with the official module's names.

    @agenttrust_wrap_tool(client=client, agent_id=agent.id)
    def web_search(query: str) -> str: ...

    assistant = AssistantAgent("assistant", model_client, tools=[web_search])      # autogen-agentchat
    agenttrust_register_tool(ag2_assistant, web_search_fn, client=client, agent_id=agent.id,
                             executor=user_proxy)                                  # AG2

A wrapped tool checks each call with Guardian before it runs (a call Guardian does not allow
never runs) and reports it after (success, or the exception's class name). Wrapped functions
keep their name, docstring and signature, so AutoGen builds the same tool schema. Coroutine
functions stay coroutine functions: with an `AsyncAgentTrustClient` the check is awaited
(`AsyncATIGuard`); with a sync client it runs in a worker thread, never on the event loop.

Differences from the official module, on purpose: tool inputs stay in the process unless
`log_inputs=True` (the official wrappers send the first 200 characters of the arguments by
default); a denial raises `ActionDeniedError` / `ElevationRequiredError` (`AgentTrustError`s with
the same codes); an unreachable Guardian raises `GuardianUnavailableError` unless
`fail_open=True`. This module imports without AutoGen; `agenttrust_register_tool` for an
agent that is neither AG2's `ConversableAgent` nor given an `executor` needs `autogen-core`, and
raises `IntegrationUnavailableError` (an `ImportError`) naming the extra when it is missing."""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
from typing import TYPE_CHECKING, Any, Callable, TypeVar, Union

from ._integration import IntegrationUnavailableError, input_summary, require
from .async_guard import AsyncATIGuard
from .exceptions import ValidationError
from .guard import ActionEffect, ATIGuard, FailedOpenDecision

if TYPE_CHECKING:
    from ._client import AgentTrustClient, AsyncAgentTrustClient

__all__ = [
    "AgentTrustAutoGenMiddleware",
    "AgentTrustAutoGenToolWrapper",
    "IntegrationUnavailableError",
    "agenttrust_register_tool",
    "agenttrust_wrap_tool",
]

F = TypeVar("F", bound=Callable[..., Any])
AnyGuard = Union[ATIGuard, AsyncATIGuard]
Client = Union["AgentTrustClient", "AsyncAgentTrustClient"]


def _guard(
    owner: str,
    client: Client | AnyGuard | None,
    agent_id: str | None,
    guard: AnyGuard | None,
    options: dict[str, Any],
) -> AnyGuard:
    """The guard given (shared), else one on `client` for `agent_id`: an `AsyncATIGuard` for an
    `AsyncAgentTrustClient`, an `ATIGuard` otherwise."""
    if isinstance(client, (ATIGuard, AsyncATIGuard)):
        guard, client = client, None
    if guard is not None:
        if client is not None or agent_id is not None:
            raise TypeError(f"{owner}: pass client and agent_id to the guard, not with one")
        if not isinstance(guard, (ATIGuard, AsyncATIGuard)):
            raise TypeError(f"{owner}: guard must be an ATIGuard or AsyncATIGuard")
        return guard
    if client is None or not agent_id:
        raise TypeError(f"{owner} needs client= and agent_id= (or guard=)")
    if inspect.iscoroutinefunction(getattr(getattr(client, "actions", None), "check", None)):
        return AsyncATIGuard(client, agent_id, **options)  # type: ignore[arg-type]
    return ATIGuard(client, agent_id, **options)  # type: ignore[arg-type]


def _denial(tool: str, decision: Any) -> str:
    reason = getattr(decision, "reason", None)
    return f"Tool '{tool}' denied by AgentTrust ID Guardian" + (f": {reason}" if reason else "")


class AgentTrustAutoGenToolWrapper:
    """A tool function run through a guard: `wrapper(*args, **kwargs)` checks, calls `func`,
    reports. For a coroutine function, call it with `await` (or pass `wrapper.function`, a real
    `async def`, to AutoGen).

    Args:
        func: The tool function (plain or `async def`).
        client: An `AgentTrustClient` or `AsyncAgentTrustClient` (with `agent_id`).
        agent_id: The agent whose calls are checked.
        tool_name: The name checked and reported (default: `func.__name__`).
        session_id, block_on_deny, fail_open, log_inputs: the guard's options.
        max_input_chars: Cut the input summary shorter than the guard's 200 code points.
        guard: An `ATIGuard` / `AsyncATIGuard` to share instead of `client`/`agent_id`.
        action_effect: The effect to declare (default: Guardian classifies).

    With `block_on_deny=False` a denied call returns a message instead of raising; `func` still
    does not run.
    """

    def __init__(
        self,
        func: Callable[..., Any],
        client: Client | None = None,
        agent_id: str | None = None,
        tool_name: str | None = None,
        session_id: str | None = None,
        block_on_deny: bool = True,
        fail_open: bool = False,
        max_input_chars: int = 200,
        *,
        guard: AnyGuard | None = None,
        log_inputs: bool = False,
        action_effect: ActionEffect | str | None = None,
    ) -> None:
        if not callable(func):
            raise TypeError("AgentTrustAutoGenToolWrapper wraps a function")
        options: dict[str, Any] = {}
        if guard is None:
            options = {
                "session_id": session_id,
                "block_on_deny": block_on_deny,
                "fail_open": fail_open,
                "log_inputs": log_inputs,
            }
        self.guard: AnyGuard = _guard("AgentTrustAutoGenToolWrapper", client, agent_id, guard, options)
        self.is_async = inspect.iscoroutinefunction(func)
        if isinstance(self.guard, AsyncATIGuard) and not self.is_async:
            raise ValidationError(
                "VALIDATION_ERROR",
                "an AsyncAgentTrustClient guards coroutine functions only: use AgentTrustClient for a plain one",
                details={"field": "func"},
            )
        self._func = func
        self.tool_name = tool_name or getattr(func, "__name__", None) or "unknown_tool"
        self.max_input_chars = max_input_chars
        self.action_effect = action_effect
        functools.update_wrapper(self, func)
        self.function: Callable[..., Any] = self._as_function()
        """A real function (`def` or `async def`, per `func`) with `func`'s metadata and
        signature, for frameworks that inspect what they are given."""

    @property
    def agent_id(self) -> str:
        return self.guard.agent_id

    @property
    def session_id(self) -> str:
        return self.guard.session_id

    @property
    def block_on_deny(self) -> bool:
        return self.guard.block_on_deny

    @property
    def fail_open(self) -> bool:
        return self.guard.fail_open

    def _summary(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        return input_summary(args, kwargs, self.max_input_chars) if self.guard.log_inputs else None

    def _verdict(self, decision: Any) -> str | None:
        if decision.allowed or isinstance(decision, FailedOpenDecision):
            return None
        return _denial(self.tool_name, decision)

    def _call(self, *args: Any, **kwargs: Any) -> Any:
        guard = self.guard
        assert isinstance(guard, ATIGuard)
        denied = self._verdict(guard.check(self.tool_name, self._summary(args, kwargs), self.action_effect))
        if denied is not None:
            return denied
        start = time.perf_counter()
        try:
            result = self._func(*args, **kwargs)
        except BaseException as error:
            guard.report(self.tool_name, False, (time.perf_counter() - start) * 1000, type(error).__name__)
            raise
        guard.report(self.tool_name, True, (time.perf_counter() - start) * 1000)
        return result

    async def _acall(self, *args: Any, **kwargs: Any) -> Any:
        guard = self.guard
        summary = self._summary(args, kwargs)
        if isinstance(guard, AsyncATIGuard):
            decision = await guard.check(self.tool_name, summary, self.action_effect)
        else:
            decision = await asyncio.to_thread(guard.check, self.tool_name, summary, self.action_effect)
        denied = self._verdict(decision)
        if denied is not None:
            return denied
        start = time.perf_counter()
        try:
            result = await self._func(*args, **kwargs)
        except BaseException as error:
            guard.report(self.tool_name, False, (time.perf_counter() - start) * 1000, type(error).__name__)
            raise
        guard.report(self.tool_name, True, (time.perf_counter() - start) * 1000)
        return result

    def _as_function(self) -> Callable[..., Any]:
        if self.is_async:

            @functools.wraps(self._func)
            async def guarded_async(*args: Any, **kwargs: Any) -> Any:
                return await self._acall(*args, **kwargs)

            guarded_async.__name__ = self.tool_name
            return guarded_async

        @functools.wraps(self._func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            return self._call(*args, **kwargs)

        guarded.__name__ = self.tool_name
        return guarded

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)

    def close(self) -> Any:
        """Flushes and stops the guard's telemetry (for an `AsyncATIGuard`, returns the
        `aclose()` coroutine to await)."""
        if isinstance(self.guard, AsyncATIGuard):
            return self.guard.aclose()
        return self.guard.close()

    def __enter__(self) -> AgentTrustAutoGenToolWrapper:
        return self

    def __exit__(self, *exc: object) -> None:
        if isinstance(self.guard, ATIGuard):
            self.guard.close()


class AgentTrustAutoGenMiddleware:
    """Check-and-report hooks for code that runs AutoGen tool calls itself (the official
    middleware): `on_tool_call(name, input)` before (True when allowed; raises on a denial with
    `block_on_deny`, returns False without), `on_tool_result(name, success, duration_ms,
    error_type)` after. `tool_input` leaves the process only with `log_inputs=True`."""

    def __init__(
        self,
        client: AgentTrustClient | None = None,
        agent_id: str | None = None,
        session_id: str | None = None,
        block_on_deny: bool = True,
        fail_open: bool = False,
        max_input_chars: int = 200,
        *,
        guard: ATIGuard | None = None,
        log_inputs: bool = False,
    ) -> None:
        options: dict[str, Any] = {}
        if guard is None:
            options = {
                "session_id": session_id,
                "block_on_deny": block_on_deny,
                "fail_open": fail_open,
                "log_inputs": log_inputs,
            }
        chosen = _guard("AgentTrustAutoGenMiddleware", client, agent_id, guard, options)
        if not isinstance(chosen, ATIGuard):
            raise TypeError("AgentTrustAutoGenMiddleware takes an AgentTrustClient (or an ATIGuard)")
        self.guard: ATIGuard = chosen
        self.max_input_chars = max_input_chars

    @property
    def agent_id(self) -> str:
        return self.guard.agent_id

    @property
    def session_id(self) -> str:
        return self.guard.session_id

    def on_tool_call(
        self, tool_name: str, tool_input: str = "", action_effect: ActionEffect | str | None = None
    ) -> bool:
        summary = tool_input[: max(0, self.max_input_chars)] or None if self.guard.log_inputs else None
        decision = self.guard.check(tool_name, summary, action_effect)
        return bool(decision.allowed)

    def on_tool_result(
        self,
        tool_name: str,
        success: bool = True,
        duration_ms: int | float = 0,
        error_type: str | None = None,
    ) -> None:
        self.guard.report(tool_name, success, duration_ms, error_type)

    def flush(self, timeout: float | None = None) -> bool:
        return self.guard.flush(timeout)

    def close(self) -> None:
        self.guard.close()

    def __enter__(self) -> AgentTrustAutoGenMiddleware:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def agenttrust_wrap_tool(
    client: Client | None = None,
    agent_id: str | None = None,
    tool_name: str | None = None,
    session_id: str | None = None,
    block_on_deny: bool = True,
    fail_open: bool = False,
    max_input_chars: int = 200,
    *,
    guard: AnyGuard | None = None,
    log_inputs: bool = False,
    action_effect: ActionEffect | str | None = None,
) -> Callable[[F], F]:
    """Decorator form: the decorated function is replaced by a real function (`def` or `async
    def`, as it was) that checks, runs and reports; it keeps name, docstring and signature, and
    carries `.close()` and `.guard`. Pass it to `AssistantAgent(tools=[...])` or AG2's
    `register_function`."""

    def decorate(func: F) -> F:
        wrapper = AgentTrustAutoGenToolWrapper(
            func,
            client,
            agent_id,
            tool_name,
            session_id,
            block_on_deny,
            fail_open,
            max_input_chars,
            guard=guard,
            log_inputs=log_inputs,
            action_effect=action_effect,
        )
        function = wrapper.function
        function.close = wrapper.close  # type: ignore[attr-defined]
        function.guard = wrapper.guard  # type: ignore[attr-defined]
        return function  # type: ignore[return-value]

    return decorate


def agenttrust_register_tool(
    agent: Any,
    func: Callable[..., Any],
    client: Client | None = None,
    agent_id: str | None = None,
    tool_name: str | None = None,
    session_id: str | None = None,
    block_on_deny: bool = True,
    fail_open: bool = False,
    max_input_chars: int = 200,
    description: str | None = None,
    *,
    executor: Any = None,
    guard: AnyGuard | None = None,
    log_inputs: bool = False,
    action_effect: ActionEffect | str | None = None,
) -> Any:
    """Wraps `func` and registers it, as the official helper does:

    - AG2 / AutoGen 0.2 (`ConversableAgent`): `agent.register_for_llm(...)` proposes it and
      `executor.register_for_execution(...)` (default: `agent` itself) runs it; returns the
      `AgentTrustAutoGenToolWrapper`.
    - autogen-agentchat (0.4+), whose agents take tools at construction: returns an
      `autogen_core.tools.FunctionTool` of the guarded function, for `AssistantAgent(tools=[...])`
      (`agent` may be None).

    Registration errors propagate (the official helper logged and went on, leaving a tool
    the model could call unguarded or not at all)."""
    wrapper = AgentTrustAutoGenToolWrapper(
        func,
        client,
        agent_id,
        tool_name,
        session_id,
        block_on_deny,
        fail_open,
        max_input_chars,
        guard=guard,
        log_inputs=log_inputs,
        action_effect=action_effect,
    )
    desc = description or inspect.getdoc(func) or wrapper.tool_name
    if agent is not None and hasattr(agent, "register_for_llm"):
        agent.register_for_llm(name=wrapper.tool_name, description=desc)(wrapper.function)
        runner = executor if executor is not None else agent
        runner.register_for_execution(name=wrapper.tool_name)(wrapper.function)
        return wrapper
    tools = require("autogen_core.tools", "autogen", "agenttrust_register_tool for autogen-agentchat")
    return tools.FunctionTool(wrapper.function, description=desc, name=wrapper.tool_name)

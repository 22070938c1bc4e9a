"""`AsyncATIGuard`: the guard for `AsyncAgentTrustClient` and asyncio agents.

    async with AsyncATIGuard(client, agent_id=agent.id) as guard:
        await guard.check("web_search", input_summary="AI news", action_effect="read")
        ...
        guard.report("web_search", success=True, duration_ms=412)

The same rules as `ATIGuard`, by the same code where it holds no I/O (argument checks, the
circuit breaker, fail-open, enforcement, counters): a denial raises `ActionDeniedError`, a
destructive or admin call without an approval `ElevationRequiredError`, an unreachable Guardian
`GuardianUnavailableError` unless `fail_open=True`; input summaries leave the process only with
`log_inputs=True`, capped at 200 code points. `report()` stays synchronous and never raises;
batches go out from an asyncio task of the running loop (no thread). `await guard.aclose()` (or
leaving `async with`) sends what is queued."""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Literal, TypeVar

from . import _facts
from ._async_telemetry import AsyncTelemetryBatcher
from ._breaker import CircuitBreaker
from .exceptions import (
    AgentTrustError,
    ApprovalDeniedError,
    ApprovalExpiredError,
    ApprovalTimeoutError,
    GuardianUnavailableError,
)
from .guard import (
    _EFFECTS,
    _EFFECTS_TEXT,
    _MAX_SESSION_ID,
    _MAX_TOOL_NAME,
    _RETRYABLE_RULES,
    ActionEffect,
    ATIGuard,
    CheckStats,
    FailedOpenDecision,
    GuardStats,
    _invalid,
    _is_unavailability,
    _rule,
    effect_of,
)
from ._truncate import truncate_summary
from .identity import AgentCredentials
from .types import ActionCheckResult

if TYPE_CHECKING:
    from ._client import AsyncAgentTrustClient

__all__ = ["AsyncATIGuard", "AsyncAgentTrustGuard"]

AF = TypeVar("AF", bound=Callable[..., Awaitable[Any]])


class AsyncATIGuard:
    """`ATIGuard` for `AsyncAgentTrustClient`: `await check()` before a tool call, `report()`
    after it, `await aclose()` at the end (or `async with`). Takes the same options as `ATIGuard`
    (see its documentation); `credentials` may be `AgentCredentials` of the async client."""

    # The sync guard's rules, shared as its own code (they do no I/O): argument checks of a
    # digest, the counters, fail-open, and enforcement of a decision.
    # (Typed loosely: mypy would want `self` to be an ATIGuard; the attributes they read are set
    # below under the same names.)
    _digest: Callable[..., str | None] = ATIGuard._digest
    _count: Callable[..., None] = ATIGuard._count
    _unavailable: Callable[..., FailedOpenDecision] = ATIGuard._unavailable
    _enforce: Callable[..., None] = ATIGuard._enforce

    def __init__(
        self,
        client: AsyncAgentTrustClient,
        agent_id: str,
        *,
        session_id: str | None = None,
        block_on_deny: bool = True,
        fail_open: bool = False,
        log_inputs: bool = False,
        action_effect: ActionEffect | str | None = None,
        check_timeout: float | None = None,
        check_max_retries: int | None = None,
        batch_size: int = _facts.TELEMETRY_BATCH_SIZE,
        queue_capacity: int = _facts.TELEMETRY_CAPACITY,
        flush_interval: float = _facts.TELEMETRY_FLUSH_INTERVAL_MS / 1000,
        breaker: dict[str, Any] | Literal[False] | None = None,
        credentials: AgentCredentials | None = None,
    ) -> None:
        actions = getattr(client, "actions", None)
        if actions is None or not hasattr(client, "telemetry"):
            raise _invalid("AsyncATIGuard needs an AsyncAgentTrustClient as its first argument", "client")
        if not inspect.iscoroutinefunction(getattr(actions, "check", None)):
            raise _invalid(
                "AsyncATIGuard needs an AsyncAgentTrustClient (for AgentTrustClient use ATIGuard)", "client"
            )
        if not isinstance(agent_id, str) or not agent_id:
            raise _invalid("AsyncATIGuard needs a non-empty agent_id", "agent_id")
        if session_id is not None and (
            not isinstance(session_id, str) or not session_id or len(session_id) > _MAX_SESSION_ID
        ):
            raise _invalid(
                f"session_id must be a non-empty string of at most {_MAX_SESSION_ID} characters", "session_id"
            )
        if action_effect is not None and action_effect not in _EFFECTS:
            raise _invalid(f"action_effect must be one of {_EFFECTS_TEXT}", "action_effect")
        if credentials is not None and not isinstance(credentials, AgentCredentials):
            raise _invalid("credentials must be AgentCredentials", "credentials")
        if credentials is not None and credentials.agent_id != agent_id:
            raise _invalid("credentials belong to another agent than agent_id", "credentials")
        self._client = client
        self.agent_id = agent_id
        self.session_id = session_id or str(uuid.uuid4())
        self.block_on_deny = block_on_deny
        self.fail_open = fail_open
        self.log_inputs = log_inputs
        self.action_effect = action_effect
        options: dict[str, Any] = {}
        if check_timeout is not None:
            options["timeout"] = check_timeout
        if check_max_retries is not None:
            options["max_retries"] = check_max_retries
        if credentials is not None:
            options["credentials"] = credentials
        self._request_options = options or None
        try:
            self._breaker = None if breaker is False else CircuitBreaker(**(breaker or {}))
            self._telemetry = AsyncTelemetryBatcher(
                self._send_batch,
                agent_id,
                self.session_id,
                batch_size=batch_size,
                capacity=queue_capacity,
                flush_interval=flush_interval,
            )
        except (TypeError, ValueError) as e:
            raise _invalid(str(e), "options") from None
        self._counts: CheckStats = {
            "total": 0,
            "allowed": 0,
            "denied": 0,
            "elevation_required": 0,
            "failed_open": 0,
            "unavailable": 0,
        }
        # _count (the sync guard's) takes this lock; uncontended within one loop, and it keeps
        # counts right when checks run from several loops or threads.
        self._counts_lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"AsyncATIGuard(agent_id={self.agent_id!r}, session_id={self.session_id!r}, "
            f"fail_open={self.fail_open})"
        )

    # --- checks -------------------------------------------------------------------------------

    async def check(
        self,
        tool: str,
        input_summary: str | None = None,
        action_effect: ActionEffect | str | None = None,
        *,
        input: Any = None,
        input_digest: str | None = None,
    ) -> ActionCheckResult | FailedOpenDecision:
        """`ATIGuard.check`, awaited: the decision when Guardian allows the call (or, with
        `block_on_deny=False`, always); raises `ActionDeniedError`, `ElevationRequiredError` or
        `GuardianUnavailableError` (unless `fail_open`)."""
        digest = self._digest(input, input_digest)
        decision = await self._decide(tool, input_summary, action_effect, digest)
        if self.block_on_deny:
            self._enforce(tool, decision, action_effect)
        return decision

    async def check_or_wait_for_approval(
        self,
        tool: str,
        input_summary: str | None = None,
        action_effect: ActionEffect | str | None = None,
        *,
        input: Any = None,
        input_digest: str | None = None,
        timeout: float = 600.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        on_approval_required: Callable[[dict[str, Any]], Any] | None = None,
    ) -> ActionCheckResult | FailedOpenDecision:
        """`ATIGuard.check_or_wait_for_approval`, awaited: on ELEVATION_REQUIRED calls
        `on_approval_required` (a function or a coroutine function), polls `approvals.get` with
        `asyncio.sleep` until a human decides, then checks again."""
        for name, value in (
            ("timeout", timeout),
            ("poll_interval", poll_interval),
            ("max_poll_interval", max_poll_interval),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise _invalid(f"{name} must be a number >= 0", name)
        digest = self._digest(input, input_digest)
        first = await self._decide(tool, input_summary, action_effect, digest)
        if first.allowed or not first.elevation_required or not first.approval_id:
            if self.block_on_deny:
                self._enforce(tool, first, action_effect)
            return first
        approval_id = first.approval_id
        if on_approval_required is not None:
            outcome = on_approval_required(
                {
                    "approval_id": approval_id,
                    "tool_name": tool,
                    "action_effect": effect_of(first, action_effect or self.action_effect),
                    "check_id": first.check_id,
                    "reason": first.reason,
                    "agent_id": self.agent_id,
                    "session_id": self.session_id,
                    **({"tool_input_digest": digest} if digest else {}),
                }
            )
            if inspect.isawaitable(outcome):
                await outcome
        started = time.monotonic()
        delay = poll_interval
        details = {"approval_id": approval_id, "tool_name": tool}
        while True:
            left = timeout - (time.monotonic() - started)
            if left <= 0:
                waited = round((time.monotonic() - started) * 1000)
                raise ApprovalTimeoutError(
                    "APPROVAL_TIMEOUT",
                    f"No decision on the elevation for {tool} within {timeout:g} s",
                    details={**details, "waited_ms": waited},
                )
            await asyncio.sleep(min(delay, left))
            delay = min(delay * 1.5, max_poll_interval)
            try:
                approval = await self._client.approvals.get(approval_id)
            except AgentTrustError as error:
                if _is_unavailability(error) or error.status == 429:
                    continue
                raise
            if approval.status == "denied":
                by = f" by {approval.decided_by}" if approval.decided_by else ""
                raise ApprovalDeniedError(
                    "APPROVAL_DENIED",
                    f"The elevation for {tool} was denied{by}",
                    details={**details, "decided_by": approval.decided_by},
                )
            if approval.status == "expired":
                raise ApprovalExpiredError(
                    "APPROVAL_EXPIRED",
                    f"The elevation request for {tool} expired before anyone decided",
                    details=details,
                )
            if approval.status != "pending":
                break
        second = await self._decide(tool, input_summary, action_effect, digest)
        if self.block_on_deny:
            self._enforce(tool, second, action_effect)
        return second

    async def _decide(
        self, tool: str, summary: str | None, effect: str | None, digest: str | None
    ) -> ActionCheckResult | FailedOpenDecision:
        if not isinstance(tool, str) or not tool or len(tool) > _MAX_TOOL_NAME:
            raise _invalid(f"tool must be a non-empty string of at most {_MAX_TOOL_NAME} characters", "tool")
        effect = effect if effect is not None else self.action_effect
        if effect is not None and effect not in _EFFECTS:
            raise _invalid(f"action_effect must be one of {_EFFECTS_TEXT}", "action_effect")
        if summary is not None and not isinstance(summary, str):
            raise _invalid("input_summary must be a string", "input_summary")
        self._count("total")
        breaker = self._breaker
        if breaker is not None and not breaker.acquire():
            snapshot = breaker.snapshot()
            return self._unavailable(
                GuardianUnavailableError(
                    "GUARDIAN_UNAVAILABLE",
                    "Guardian is unavailable: the circuit breaker is open after repeated failures",
                    details={"tool_name": tool, "breaker": snapshot["state"]},
                )
            )
        try:
            result = await self._client.actions.check(
                agent_id=self.agent_id,
                tool_name=tool,
                session_id=self.session_id,
                action_effect=effect,
                tool_input_summary=truncate_summary(summary) if self.log_inputs and summary else None,
                request_options=self._request_options,  # type: ignore[arg-type]
            )
        except asyncio.CancelledError:
            # The caller gave up, so Guardian neither failed nor answered; but a half-open
            # breaker's probe (perhaps this call) would stay out forever: re-open it instead.
            if breaker is not None and breaker.state == "half_open":
                breaker.on_failure()
            raise
        except Exception as error:
            if not _is_unavailability(error):
                if breaker is not None:
                    breaker.on_success()
                raise
            if breaker is not None:
                breaker.on_failure()
            details: dict[str, Any] = {"tool_name": tool, "breaker": breaker.state if breaker else "closed"}
            if isinstance(error, AgentTrustError):
                details["cause_code"] = error.code.value
                details["status"] = error.status
            message = error.message if isinstance(error, AgentTrustError) else type(error).__name__
            unavailable = GuardianUnavailableError(
                "GUARDIAN_UNAVAILABLE", f"Guardian is unavailable: {message}", details=details
            )
            unavailable.__cause__ = error
            return self._unavailable(unavailable)
        if breaker is not None:
            breaker.on_success()
        if result.allowed:
            self._count("allowed")
        elif result.elevation_required:
            self._count("elevation_required")
        else:
            self._count("denied")
        if not result.allowed and "retryable" not in (result.model_extra or {}):
            retryable = bool(result.elevation_required) or _rule(result) in _RETRYABLE_RULES
            setattr(result, "retryable", retryable)  # noqa: B010 (an extra field: not in the model's type)
        return result

    # --- telemetry ----------------------------------------------------------------------------

    def report(
        self, tool: str, success: bool, duration_ms: int | float, error_type: str | None = None
    ) -> None:
        """Records one finished tool call. Synchronous, cheap, never raises: bad arguments or a
        full queue drop the report and count it in `stats()`. `error_type` is a class name."""
        self._telemetry.push(tool, success, duration_ms, error_type)

    async def _send_batch(self, events: list[dict[str, Any]]) -> object:
        return await self._client.telemetry.report(self.agent_id, self.session_id, events)

    async def flush(self, timeout: float | None = None) -> bool:
        """Sends queued reports; True when all went out (False on a failed batch or timeout)."""
        return await self._telemetry.flush(timeout)

    async def aclose(self, timeout: float | None = None) -> bool:
        """Flushes and stops telemetry; later reports are dropped and counted. Checks keep working."""
        return await self._telemetry.aclose(timeout)

    def close(self) -> bool:
        """Stops telemetry without sending (no loop to send from here): queued reports are
        dropped and counted. Prefer `await aclose()`."""
        return self._telemetry.close()

    async def __aenter__(self) -> AsyncATIGuard:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def stats(self) -> GuardStats:
        with self._counts_lock:
            checks: CheckStats = {**self._counts}
        return {
            "session_id": self.session_id,
            "telemetry": self._telemetry.stats(),
            "checks": checks,
            "breaker": self._breaker.snapshot() if self._breaker else None,
        }

    # --- decorator ----------------------------------------------------------------------------

    def wrap(self, tool: str, *, action_effect: ActionEffect | str | None = None) -> Callable[[AF], AF]:
        """Decorates a coroutine function as the tool `tool`: awaits a check before each call (a
        call Guardian does not allow never runs, whatever `block_on_deny` says), reports success
        or the exception's class name after it, and re-raises the function's own exceptions.
        A plain function is refused (VALIDATION_ERROR): use `ATIGuard.wrap` for those."""

        def decorate(fn: AF) -> AF:
            if not inspect.iscoroutinefunction(fn):
                raise _invalid("AsyncATIGuard.wrap takes a coroutine function (async def)", "fn")

            @functools.wraps(fn)
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                decision = await self.check(tool, None, action_effect)
                self._enforce(tool, decision, action_effect)
                start = time.perf_counter()
                try:
                    result = await fn(*args, **kwargs)
                except BaseException as error:
                    self.report(tool, False, (time.perf_counter() - start) * 1000, type(error).__name__)
                    raise
                self.report(tool, True, (time.perf_counter() - start) * 1000)
                return result

            return wrapper  # type: ignore[return-value]

        return decorate


AsyncAgentTrustGuard = AsyncATIGuard
"""The name that pairs with `AgentTrustGuard` (the official sync guard's name)."""

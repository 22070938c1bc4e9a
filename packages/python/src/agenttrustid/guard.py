# Copied from generators/python/runtime/guard.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""`ATIGuard`: check before each tool call, report after it, close at the end (guide section 7).

    with ATIGuard(client, agent_id=agent.id, fail_open=False) as guard:
        guard.check("web_search", input_summary="AI news", action_effect="read")
        ...
        guard.report("web_search", success=True, duration_ms=412)

Semantics match the TypeScript `AgentTrustGuard`: a denial raises `ActionDeniedError`
(ACTION_DENIED), a destructive or admin call without an approval raises `ElevationRequiredError`
(ELEVATION_REQUIRED, `details["approval_id"]`); when Guardian cannot be asked, `check` raises
`GuardianUnavailableError` unless `fail_open=True`. Input summaries leave the process only with
`log_inputs=True`, capped at 200 code points. `report()` never raises or blocks."""

from __future__ import annotations

import functools
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal, TypedDict, TypeVar

from . import _facts
from ._breaker import BreakerSnapshot, CircuitBreaker
from ._digest import digest_tool_input
from ._logging import log
from ._telemetry import TelemetryBatcher, TelemetryStats
from ._truncate import truncate_summary
from .exceptions import (
    ActionDeniedError,
    AgentTrustError,
    ApprovalDeniedError,
    ApprovalExpiredError,
    ApprovalTimeoutError,
    ElevationRequiredError,
    GuardianUnavailableError,
    ValidationError,
)
from .identity import AgentCredentials
from .types import ActionCheckResult

if TYPE_CHECKING:
    from ._client import AgentTrustClient

__all__ = ["ATIGuard", "AgentTrustGuard", "FailedOpenDecision", "GuardStats", "digest_tool_input"]

ActionEffect = Literal["read", "mutating", "destructive", "admin"]
_EFFECTS = frozenset(_facts.ACTION_EFFECT_VALUES)
_EFFECTS_TEXT = ", ".join(_facts.ACTION_EFFECT_VALUES)
_MAX_TOOL_NAME = _facts.MAX_TOOL_NAME
_MAX_SESSION_ID = _facts.MAX_SESSION_ID
# The wire's decision has no `retryable`: a suspended agent can be reactivated, a pending
# elevation approved; every other denial stands until the policy changes.
_RETRYABLE_RULES = frozenset({"agent_suspended", "elevation_required"})
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class FailedOpenDecision:
    """Guardian could not be asked and `fail_open=True` let the call through."""

    reason: str
    cause: GuardianUnavailableError = field(repr=False)
    allowed: Literal[True] = True
    failed_open: Literal[True] = True
    elevation_required: Literal[False] = False
    approval_id: None = None
    check_id: None = None


class CheckStats(TypedDict):
    total: int
    allowed: int
    denied: int
    elevation_required: int
    failed_open: int
    unavailable: int


class GuardStats(TypedDict):
    session_id: str
    telemetry: TelemetryStats
    checks: CheckStats
    breaker: BreakerSnapshot | None


def _invalid(message: str, field_name: str) -> ValidationError:
    return ValidationError("VALIDATION_ERROR", message, details={"field": field_name})


def _rule(decision: ActionCheckResult) -> str | None:
    return decision.rule.value if decision.rule is not None else None


def _is_unavailability(error: BaseException) -> bool:
    """Network failure, timeout, 5xx after retries, or an unreadable answer: Guardian cannot decide."""
    if not isinstance(error, AgentTrustError):
        return True
    if error.code in ("NETWORK_ERROR", "TIMEOUT", "INVALID_RESPONSE"):
        return True
    return error.status is not None and error.status >= 500


class ATIGuard:
    """Wraps an agent's tool calls: `check()` before, `report()` after, `close()` at the end.

    Args:
        client: An `AgentTrustClient`.
        agent_id: The agent whose calls are checked.
        session_id: Correlates checks and telemetry (default: a new UUID); at most 128 characters,
            the check's limit, else VALIDATION_ERROR here.
        block_on_deny: Raise on a denial (default True); False returns the decision instead.
        fail_open: When Guardian cannot be asked: False (default) raises GUARDIAN_UNAVAILABLE,
            True allows the call and returns a `FailedOpenDecision`.
        log_inputs: Send the input summary, capped at 200 code points (default False: none leaves).
        action_effect: The effect used when a check names none (default: Guardian classifies).
        check_timeout: Seconds per check attempt (default: the client's timeout).
        check_max_retries: Retries per check (default: the client's).
        batch_size: Telemetry events per request (default 10, at most 1000, the gateway's limit).
        queue_capacity: Reports held at most; past it new ones are dropped and counted (1000).
        flush_interval: Seconds a partial telemetry batch waits (default 5.0).
        breaker: Circuit breaker settings (`failure_threshold`, `window`, `cooldown` in seconds;
            defaults 5 failures in 10 s open it for 30 s), or False for none.
        credentials: The agent's `AgentCredentials`: every check then carries its WIMSE token and
            a DPoP proof, as an organization that requires proof of possession demands.
    """

    def __init__(
        self,
        client: AgentTrustClient,
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
        if not hasattr(client, "actions") or not hasattr(client, "telemetry"):
            raise _invalid("ATIGuard needs an AgentTrustClient as its first argument", "client")
        if not isinstance(agent_id, str) or not agent_id:
            raise _invalid("ATIGuard needs a non-empty agent_id", "agent_id")
        if session_id is not None and (
            not isinstance(session_id, str) or not session_id or len(session_id) > _MAX_SESSION_ID
        ):
            # A longer id would make every check a 400 (the check's `session_id` maxLength).
            raise _invalid(
                f"session_id must be a non-empty string of at most {_MAX_SESSION_ID} characters", "session_id"
            )
        if action_effect is not None and action_effect not in _EFFECTS:
            raise _invalid(f"action_effect must be one of {_EFFECTS_TEXT}", "action_effect")
        if credentials is not None and not isinstance(credentials, AgentCredentials):
            raise _invalid("credentials must be AgentCredentials", "credentials")
        if credentials is not None and credentials.agent_id != agent_id:
            # The gateway would refuse every check (403): the token names another agent.
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
            self._telemetry = TelemetryBatcher(
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
        self._counts_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ATIGuard(agent_id={self.agent_id!r}, session_id={self.session_id!r}, fail_open={self.fail_open})"

    # --- checks -------------------------------------------------------------------------------

    def check(
        self,
        tool: str,
        input_summary: str | None = None,
        action_effect: ActionEffect | str | None = None,
        *,
        input: Any = None,
        input_digest: str | None = None,
    ) -> ActionCheckResult | FailedOpenDecision:
        """Asks Guardian whether `tool` may run and returns the decision when it may (or, with
        `block_on_deny=False`, always). Raises `ActionDeniedError`, `ElevationRequiredError`, or
        `GuardianUnavailableError` (unless `fail_open`); other errors (AUTH_FAILED, NOT_FOUND,
        VALIDATION_ERROR, ...) pass through. `input` is never sent (the gateway's check has no
        input field); its digest (or `input_digest`) is validated and handed to
        `check_or_wait_for_approval`'s callback, so a caller can tie an approval to one input."""
        digest = self._digest(input, input_digest)
        decision = self._decide(tool, input_summary, action_effect, digest)
        if self.block_on_deny:
            self._enforce(tool, decision, action_effect)
        return decision

    def check_or_wait_for_approval(
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
        on_approval_required: Callable[[dict[str, Any]], None] | None = None,
    ) -> ActionCheckResult | FailedOpenDecision:
        """`check()`, but on ELEVATION_REQUIRED: calls `on_approval_required` with the request
        (approval_id, tool_name, action_effect, check_id, reason, agent_id, session_id), polls
        `approvals.get` (backing off 1.5x up to `max_poll_interval`) until a human decides, then
        checks again (same tool and effect, in the same session: what the gateway binds the
        approval to). The request carries `tool_input_digest` when `input` or `input_digest` is given.
        Raises `ApprovalDeniedError`, `ApprovalExpiredError` or, after `timeout` seconds,
        `ApprovalTimeoutError`."""
        for name, value in (
            ("timeout", timeout),
            ("poll_interval", poll_interval),
            ("max_poll_interval", max_poll_interval),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise _invalid(f"{name} must be a number >= 0", name)
        digest = self._digest(input, input_digest)
        first = self._decide(tool, input_summary, action_effect, digest)
        if first.allowed or not first.elevation_required or not first.approval_id:
            if self.block_on_deny:
                self._enforce(tool, first, action_effect)
            return first
        approval_id = first.approval_id
        if on_approval_required is not None:
            on_approval_required(
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
            time.sleep(min(delay, left))
            delay = min(delay * 1.5, max_poll_interval)
            try:
                approval = self._client.approvals.get(approval_id)
            except AgentTrustError as error:
                # A blip while polling is retried on the next tick; an answer like 401 or 404 is final.
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
        # Approved: ask again within the elevation window, bound to the same call.
        second = self._decide(tool, input_summary, action_effect, digest)
        if self.block_on_deny:
            self._enforce(tool, second, action_effect)
        return second

    def _digest(self, value: Any, digest: str | None) -> str | None:
        if digest is not None:
            if (
                not isinstance(digest, str)
                or len(digest) != 64
                or any(c not in "0123456789abcdef" for c in digest)
            ):
                raise _invalid("input_digest must be 64 lowercase hex characters (SHA-256)", "input_digest")
            return digest
        if value is None:
            return None
        try:
            return digest_tool_input(value)
        except (TypeError, ValueError) as e:
            raise _invalid(f"input cannot be digested: {e}", "input") from None

    def _count(self, key: str) -> None:
        with self._counts_lock:
            self._counts[key] += 1  # type: ignore[literal-required]

    def _decide(
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
            result = self._client.actions.check(
                agent_id=self.agent_id,
                tool_name=tool,
                session_id=self.session_id,
                action_effect=effect,
                tool_input_summary=truncate_summary(summary) if self.log_inputs and summary else None,
                request_options=self._request_options,  # type: ignore[arg-type]
            )
        except Exception as error:
            if not _is_unavailability(error):
                # Guardian answered (401, 403, 404, 400...): it is up; the error is the caller's.
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
            # Kept as an extra field of the decision, so `to_dict()` shows it as the TS guard does.
            retryable = bool(result.elevation_required) or _rule(result) in _RETRYABLE_RULES
            setattr(result, "retryable", retryable)  # noqa: B010 (an extra field: not in the model's type)
        return result

    def _unavailable(self, error: GuardianUnavailableError) -> FailedOpenDecision:
        self._count("unavailable")
        if not self.fail_open:
            raise error
        self._count("failed_open")
        log.warning(
            "guard: %s allowed without a decision (fail_open): Guardian unavailable (%s)",
            error.details.get("tool_name"),
            error.details.get("cause_code", "no answer"),
        )
        return FailedOpenDecision(
            reason=f"Allowed without a decision (fail_open): {error.message}", cause=error
        )

    def _enforce(
        self, tool: str, decision: ActionCheckResult | FailedOpenDecision, effect: str | None = None
    ) -> None:
        if decision.allowed or isinstance(decision, FailedOpenDecision):
            return
        details = {
            "check_id": decision.check_id,
            "reason": decision.reason,
            "rule": _rule(decision),
            "tool_name": tool,
            "action_effect": effect_of(decision, effect or self.action_effect),
        }
        if decision.elevation_required and decision.approval_id:
            raise ElevationRequiredError(
                "ELEVATION_REQUIRED",
                f"{tool} needs an approved elevation (approval {decision.approval_id}): {decision.reason}",
                details={
                    "approval_id": decision.approval_id,
                    **details,
                    "retryable": True,
                },
            )
        raise ActionDeniedError(
            "ACTION_DENIED",
            f"Guardian denied {tool}: {decision.reason}",
            details={**details, "retryable": getattr(decision, "retryable", False) is True},
        )

    # --- telemetry ----------------------------------------------------------------------------

    def report(
        self, tool: str, success: bool, duration_ms: int | float, error_type: str | None = None
    ) -> None:
        """Records one finished tool call. Synchronous, cheap, thread-safe, never raises: bad
        arguments or a full queue drop the report and count it in `stats()`. `error_type` is a
        class name (e.g. `type(exc).__name__`), never a message."""
        self._telemetry.push(tool, success, duration_ms, error_type)

    def _send_batch(self, events: list[dict[str, Any]]) -> object:
        return self._client.telemetry.report(self.agent_id, self.session_id, events)

    def flush(self, timeout: float | None = None) -> bool:
        """Sends queued reports; True when all went out (False on a failed batch or timeout)."""
        return self._telemetry.flush(timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Flushes and stops telemetry; later reports are dropped and counted. Checks keep working."""
        return self._telemetry.close(timeout)

    def __enter__(self) -> ATIGuard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    def wrap(self, tool: str, *, action_effect: ActionEffect | str | None = None) -> Callable[[F], F]:
        """Decorates a function as the tool `tool`: checks before each call (a call Guardian does
        not allow never runs, whatever `block_on_deny` says), reports success or the exception's
        class name after it, and re-raises the function's own exceptions unchanged."""

        def decorate(fn: F) -> F:
            @functools.wraps(fn)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                decision = self.check(tool, None, action_effect)
                self._enforce(tool, decision, action_effect)
                start = time.perf_counter()
                try:
                    result = fn(*args, **kwargs)
                except BaseException as error:
                    self.report(tool, False, (time.perf_counter() - start) * 1000, type(error).__name__)
                    raise
                self.report(tool, True, (time.perf_counter() - start) * 1000)
                return result

            return wrapper  # type: ignore[return-value]

        return decorate


AgentTrustGuard = ATIGuard
"""The official client's name (`agenttrustid.guard.AgentTrustGuard`), kept for the upgrade path."""


def effect_of(decision: Any, asked: str | None) -> str | None:
    """The effect a decision was made for: the gateway's answer when it names one, else the one asked."""
    value = getattr(decision, "action_effect", None)
    if value is not None:
        return str(value.value if hasattr(value, "value") else value)
    return asked

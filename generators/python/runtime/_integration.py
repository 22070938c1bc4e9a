"""What the CrewAI and AutoGen integrations share: the typed error for a missing extra, the guard
an integration builds from the official keyword arguments, and the input summary it may send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .exceptions import ConfigurationError
from .guard import ATIGuard

if TYPE_CHECKING:
    from ._client import AgentTrustClient

__all__ = ["IntegrationUnavailableError", "guard_for", "input_summary", "require"]


class IntegrationUnavailableError(ConfigurationError, ImportError):
    """An integration's framework is not installed (code VALIDATION_ERROR, `details["extra"]`
    names the pip extra). Also an `ImportError`, so `except ImportError` keeps working."""


def require(module: str, extra: str, what: str) -> Any:
    """Imports `module`, or raises `IntegrationUnavailableError` naming the extra to install."""
    from importlib import import_module

    try:
        return import_module(module)
    except ImportError as e:
        raise IntegrationUnavailableError(
            "VALIDATION_ERROR",
            f"{what} needs the {extra} package: pip install 'agenttrustid[{extra}]' ({e})",
            details={"field": "extra", "extra": extra, "module": module},
        ) from None


def guard_for(
    owner: str,
    client: AgentTrustClient | ATIGuard | None,
    agent_id: str | None,
    guard: ATIGuard | None,
    options: dict[str, Any],
) -> ATIGuard:
    """The guard an integration checks and reports with: the one given (shared, so one session
    and one telemetry queue serve many tools), else a new one on `client` for `agent_id` with the
    official keyword arguments (`session_id`, `block_on_deny`, `fail_open`, `log_inputs`, ...)."""
    if isinstance(client, ATIGuard):
        guard, client = client, None
    if guard is not None:
        if client is not None or agent_id is not None or options:
            raise TypeError(f"{owner}: pass client, agent_id and guard options to the ATIGuard, not with one")
        if not isinstance(guard, ATIGuard):
            raise TypeError(f"{owner}: guard must be an ATIGuard")
        return guard
    if client is None or not agent_id:
        raise TypeError(f"{owner} needs client= and agent_id= (or guard=)")
    return ATIGuard(client, agent_id=agent_id, **options)


def input_summary(args: tuple[Any, ...], kwargs: dict[str, Any], max_chars: int) -> str | None:
    """The official integrations' summary of a call's arguments (positional values, then
    `key=value` pairs, space-separated), cut at `max_chars` code points. Built only when the
    guard will send it (`log_inputs=True`); the guard caps it at 200 code points in any case."""
    parts = [str(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items()]
    text = " ".join(parts)
    return text[: max(0, max_chars)] or None

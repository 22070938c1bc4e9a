"""The SDK's exceptions (guide section 12). Every failure is an `AgentTrustError` with a
machine-readable `code` (one of the spec's `ErrorCode` values), `message`, `details`, the HTTP
`status` when the gateway answered and its `request_id`. Messages never contain the API key."""

from __future__ import annotations

from typing import Any, Mapping

from . import _facts
from .types import ErrorCode

__all__ = [
    "AgentTrustError",
    "ActionDeniedError",
    "AgentRevokedError",
    "ApprovalDeniedError",
    "ApprovalError",
    "ApprovalExpiredError",
    "ApprovalTimeoutError",
    "AuthenticationError",
    "AuthorizationError",
    "ConfigurationError",
    "ConflictError",
    "ElevationRequiredError",
    "GuardianUnavailableError",
    "InternalServerError",
    "InvalidResponseError",
    "NetworkError",
    "NotFoundError",
    "RateLimitError",
    "RedirectError",
    "RequestTimeoutError",
    "ResponseTooLargeError",
    "TokenExpiredError",
    "ValidationError",
    "error_from_response",
    "error_from_rpc",
]


class AgentTrustError(Exception):
    """Base class of every error the SDK raises."""

    code: ErrorCode
    message: str
    details: dict[str, Any]
    status: int | None
    request_id: str | None

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: Mapping[str, Any] | None = None,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        self.details = dict(details) if details else {}
        self.status = status
        self.request_id = request_id

    def __str__(self) -> str:
        where = f" (HTTP {self.status}" if self.status is not None else ""
        if where:
            where += f", request {self.request_id})" if self.request_id else ")"
        return f"[{self.code.value}] {self.message}{where}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code.value!r}, message={self.message!r}, status={self.status!r})"

    def __reduce__(self) -> Any:
        # Pickles (multiprocessing, Celery) keep the code, details and status.
        return (
            _rebuild,
            (type(self), self.code.value, self.message, self.details, self.status, self.request_id),
        )


def _rebuild(
    cls: type[AgentTrustError],
    code: str,
    message: str,
    details: dict[str, Any],
    status: int | None,
    request_id: str | None,
) -> AgentTrustError:
    error = AgentTrustError.__new__(cls)
    AgentTrustError.__init__(error, code, message, details=details, status=status, request_id=request_id)
    return error


class AuthenticationError(AgentTrustError):
    """HTTP 401: the API key is missing or invalid (AUTH_FAILED)."""


class AuthorizationError(AgentTrustError):
    """HTTP 403: the key or agent may not do this (AUTH_DENIED, AGENT_SUSPENDED)."""


class NotFoundError(AgentTrustError):
    """HTTP 404: no such resource (NOT_FOUND)."""


class ValidationError(AgentTrustError):
    """HTTP 400, or bad arguments caught before sending (VALIDATION_ERROR); `details["field"]`."""


class ConfigurationError(ValidationError):
    """The client cannot be configured: a missing base URL or API key (VALIDATION_ERROR)."""


class ConflictError(AgentTrustError):
    """HTTP 409: the resource's state forbids the operation (CONFLICT)."""


class RateLimitError(AgentTrustError):
    """HTTP 429 after the retries (RATE_LIMITED)."""


class InternalServerError(AgentTrustError):
    """HTTP 5xx after the retries (INTERNAL_ERROR, GUARDIAN_UNAVAILABLE)."""


class TokenExpiredError(AuthenticationError):
    """A presented token has expired (TOKEN_EXPIRED)."""


class AgentRevokedError(AgentTrustError):
    """The agent is revoked (AGENT_REVOKED)."""


class NetworkError(AgentTrustError):
    """The gateway could not be reached: refused, reset, dropped, DNS (NETWORK_ERROR)."""


class RequestTimeoutError(NetworkError):
    """The gateway did not answer within the timeout (TIMEOUT)."""


class InvalidResponseError(AgentTrustError):
    """The gateway's answer is not JSON or does not match the spec (INVALID_RESPONSE)."""


class ResponseTooLargeError(InvalidResponseError):
    """The gateway's answer is larger than the client's `max_response_bytes` (INVALID_RESPONSE);
    reading stopped at the cap. `details["limit_bytes"]` is the cap."""


class RedirectError(InvalidResponseError):
    """The gateway answered with a redirect (3xx, INVALID_RESPONSE), which the SDK never follows:
    the API key would go to the `Location`, and the target's answer would become the result.
    `status` is the 3xx status; `location_host` the host (and port) it pointed to, never the full
    `Location`, which may carry secrets."""

    @property
    def location_host(self) -> str | None:
        value = self.details.get("location_host")
        return value if isinstance(value, str) else None


class ActionDeniedError(AgentTrustError):
    """Guardian denied the call (ACTION_DENIED); `details` carries check_id, reason, rule and
    retryable."""

    @property
    def check_id(self) -> str | None:
        value = self.details.get("check_id")
        return value if isinstance(value, str) else None

    @property
    def retryable(self) -> bool:
        """Whether asking again can change the answer (a suspended agent can be reactivated)."""
        return self.details.get("retryable") is True


class ElevationRequiredError(AgentTrustError):
    """The call needs an approved elevation first (ELEVATION_REQUIRED); see `approval_id`."""

    @property
    def approval_id(self) -> str:
        return str(self.details.get("approval_id", ""))

    @property
    def check_id(self) -> str | None:
        value = self.details.get("check_id")
        return value if isinstance(value, str) else None


class GuardianUnavailableError(AgentTrustError):
    """Guardian could not be asked (down, timing out, 5xx, breaker open) and fail_open is off."""


class ApprovalError(AgentTrustError):
    """Waiting for an approval ended without one (denied, expired or timed out)."""

    @property
    def approval_id(self) -> str:
        return str(self.details.get("approval_id", ""))


class ApprovalDeniedError(ApprovalError):
    """A human denied the elevation (APPROVAL_DENIED)."""


class ApprovalExpiredError(ApprovalError):
    """The approval expired before anyone decided (APPROVAL_EXPIRED)."""


class ApprovalTimeoutError(ApprovalError):
    """The caller's deadline passed while the approval was pending (APPROVAL_TIMEOUT)."""


def _error_class(name: str) -> type[AgentTrustError]:
    cls = globals().get(name)
    if not (isinstance(cls, type) and issubclass(cls, AgentTrustError)):
        raise ImportError(f"the spec's x-sdk names error class {name}, which exceptions.py lacks")
    return cls


_KNOWN_CODES = frozenset(_facts.ERROR_CODE_VALUES)
# The spec's mapping (root `x-sdk` errors), by class name in `_facts.py`, resolved once here.
_CLASS_BY_CODE = {code: _error_class(name) for code, name in _facts.ERROR_CLASS_BY_CODE.items()}
_CLASS_BY_STATUS = {status: _error_class(name) for status, name in _facts.ERROR_CLASS_BY_STATUS.items()}
_SERVER_ERROR_CLASS = _error_class(_facts.SERVER_ERROR_CLASS)


_MAX_MESSAGE = 1000


def clean_message(text: str) -> str:
    """A message from the gateway made safe to log: control characters (newlines, ANSI escapes,
    bidi overrides, line separators) are escaped as `\\xNN`/`\\uNNNN` and it is cut at 1000 characters,
    so a hostile gateway cannot forge log lines."""
    out = []
    for ch in text[:_MAX_MESSAGE]:
        o = ord(ch)
        if o < 0x20 or 0x7F <= o < 0xA0 or o in _UNSAFE_FORMAT:
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out) + ("..." if len(text) > _MAX_MESSAGE else "")


# Line and paragraph separators, and the bidi embedding/override/isolate characters.
_UNSAFE_FORMAT = frozenset([0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])


def error_from_response(status: int, body: Any, header_request_id: str | None) -> AgentTrustError:
    """The error for a non-2xx answer, from its parsed body (an `ErrorEnvelope` when the gateway
    wrote it). A specific code picks the class; otherwise the status does."""
    envelope = body if isinstance(body, dict) else {}
    raw_code = envelope.get("code")
    if isinstance(raw_code, str) and raw_code in _KNOWN_CODES:
        code = raw_code
    else:
        code = _facts.ERROR_CODE_BY_STATUS.get(
            status, _facts.OTHER_SERVER_ERROR_CODE if status >= 500 else _facts.OTHER_ERROR_CODE
        )
    # The gateway's message is `message`; some of its services answer `error` instead.
    raw_message = envelope.get("message") or envelope.get("error")
    message = (
        clean_message(raw_message)
        if isinstance(raw_message, str) and raw_message
        else f"Gateway answered HTTP {status}"
    )
    raw_details = envelope.get("details")
    details = raw_details if isinstance(raw_details, dict) else None
    body_request_id = envelope.get("request_id")
    request_id = header_request_id or (body_request_id if isinstance(body_request_id, str) else None)
    cls = _CLASS_BY_CODE.get(code) or _CLASS_BY_STATUS.get(status)
    if cls is None:
        cls = _SERVER_ERROR_CLASS if status >= 500 else AgentTrustError
    return cls(code, message, details=details, status=status, request_id=request_id)


# JSON-RPC 2.0 and A2A error codes (the gateway's `/a2a` answers) -> the SDK's ErrorCode.
_RPC_CODES = {
    -32700: "VALIDATION_ERROR",  # parse error
    -32600: "VALIDATION_ERROR",  # invalid request
    -32602: "VALIDATION_ERROR",  # invalid params
    -32601: "NOT_FOUND",  # method not found
    -32001: "NOT_FOUND",  # A2A: task not found
    -32002: "CONFLICT",  # A2A: task not cancelable
}


def error_from_rpc(error: Any, status: int, request_id: str | None) -> AgentTrustError:
    """The error for a JSON-RPC `error` member (the HTTP answer itself was a 2xx): its code maps
    to an ErrorCode (INTERNAL_ERROR for codes it does not know); `details` keeps `rpc_code` and
    `data`."""
    member = error if isinstance(error, dict) else {}
    rpc_code = member.get("code")
    code = _RPC_CODES.get(rpc_code, "INTERNAL_ERROR") if isinstance(rpc_code, int) else "INTERNAL_ERROR"
    raw_message = member.get("message")
    message = clean_message(raw_message) if isinstance(raw_message, str) and raw_message else "JSON-RPC error"
    details: dict[str, Any] = {"rpc_code": rpc_code}
    if member.get("data") is not None:
        details["data"] = member["data"]
    cls = _CLASS_BY_CODE.get(code) or _CODE_CLASSES.get(code, AgentTrustError)
    return cls(code, message, details=details, status=status, request_id=request_id)


_CODE_CLASSES: dict[str, type[AgentTrustError]] = {
    "VALIDATION_ERROR": ValidationError,
    "NOT_FOUND": NotFoundError,
    "CONFLICT": ConflictError,
    "INTERNAL_ERROR": InternalServerError,
}

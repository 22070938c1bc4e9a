# Copied from generators/python/runtime/_base_client.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The HTTP core: the one place that builds and sends a request, for the sync and the async
client alike. Base URL and API key (explicit, from the environment or a JSON config file),
the org key in `X-API-Key`, the base URLs of a split deployment (auth, audit), header
arguments, JSON-RPC and `x-sdk-unwrap` envelopes, switchable TLS verification, a user agent, a timeout, retries with exponential backoff and jitter on network errors, 408, 429
and 5xx honouring `Retry-After`, an `Idempotency-Key` on every POST (reused by its retries), the
gateway's request id kept on errors, validation of every answer against the spec, the
`AGENTTRUST_LOG` events (`_logging.py`) and the answers `with_raw_response` returns (`_response.py`)."""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import os
import random
import threading
import time
import uuid
import warnings
from typing import TYPE_CHECKING, Any, Generic, Literal, Mapping, NamedTuple, TypedDict, TypeVar, cast
from urllib.parse import quote, urljoin, urlsplit

import httpcore
import httpx
import pydantic
import pydantic_core

from . import _facts
from ._constants import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    RETRY_STATUSES,
)
from ._logging import log, setup_logging
from ._models import NOT_GIVEN, NotGiven, to_wire
from ._response import record as _record_response
from ._token_cache import TokenCache
from ._version import VERSION
from .exceptions import (
    AgentTrustError,
    ConfigurationError,
    InvalidResponseError,
    NetworkError,
    RedirectError,
    RequestTimeoutError,
    ResponseTooLargeError,
    ValidationError,
    clean_message,
    error_from_response,
    error_from_rpc,
)

if TYPE_CHECKING:
    from .identity import AgentCredentials, KeyStore

__all__ = ["AsyncAPIClient", "OperationSpec", "RequestOptions", "RpcSpec", "SyncAPIClient"]

USER_AGENT = f"agenttrustid-sdk-python/{VERSION}"
T = TypeVar("T")
B = TypeVar("B", bound="_BaseClient")


class RpcSpec(NamedTuple):
    """An operation whose body travels as JSON-RPC 2.0 (`x-sdk-rpc`). With `method`, the call's
    arguments are the `params` and the method returns `result`; without (a proxy), the caller's
    own `method` and `params` go out and the method returns `result`, or the whole answer when it
    has none. `id`: a number sent as is, or "counter" (a per-client counter sent as a string).
    `on_error`: a JSON-RPC `error` member raises ("raise") or is returned ("return")."""

    method: str | None
    id: int | str
    on_error: Literal["raise", "return"]


class OperationSpec(Generic[T]):
    """One spec operation, as the generated `_operations.py` describes it: `response` is the
    type its answer (after `unwrap` or JSON-RPC) is validated into (None for a 204); `service`
    the split-deployment service it goes to. `auth`: the API key is sent when the client has one;
    unless `key_optional` (a public endpoint that accepts a key), calling it without one is a
    `ConfigurationError` before anything is sent. The validator is built on first use, so
    importing the SDK does not compile a validator for every operation."""

    __slots__ = (
        "_adapter",
        "auth",
        "id",
        "key_optional",
        "method",
        "path",
        "response",
        "rpc",
        "service",
        "unwrap",
    )

    def __init__(
        self,
        id: str,
        method: str,
        path: str,
        auth: bool,
        response: Any,
        *,
        service: str | None = None,
        unwrap: str | None = None,
        rpc: RpcSpec | None = None,
        key_optional: bool = False,
    ) -> None:
        self.id = id
        self.key_optional = key_optional
        self.method = method
        self.path = path
        self.auth = auth
        self.response = response
        self.service = service
        self.unwrap = unwrap
        self.rpc = rpc
        self._adapter: pydantic.TypeAdapter[T] | None = None

    @property
    def adapter(self) -> pydantic.TypeAdapter[T] | None:
        if self.response is None:
            return None
        if self._adapter is None:
            self._adapter = pydantic.TypeAdapter(self.response)
        return self._adapter

    def __repr__(self) -> str:
        return f"OperationSpec({self.id!r}, {self.method} {self.path})"


class RequestOptions(TypedDict, total=False):
    """Per-call options, the `request_options` argument of every resource method."""

    timeout: float
    """Seconds per attempt, for the whole of it: connecting, sending and reading the full
    answer (default: the client's)."""
    max_retries: int
    """Retries after the first attempt (default: the client's, 2)."""
    headers: Mapping[str, str]
    """Extra headers for this call."""
    idempotency_key: str
    """The `Idempotency-Key` of a POST (default: a new UUID per call, reused by its retries)."""
    credentials: AgentCredentials
    """An agent's credentials: each attempt carries `Authorization: Bearer <WIMSE token>` and a
    fresh `DPoP` proof; a 401 is retried once with a new token."""


class _Prepared(NamedTuple):
    method: str
    url: str
    path: str
    content: bytes | None
    params: dict[str, Any] | None
    headers: dict[str, str]
    timeout: float
    max_retries: int
    credentials: Any = None


def _check_url(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ConfigurationError(
            "VALIDATION_ERROR", f"{name} must be an http:// or https:// URL", details={"field": name}
        )
    return value.rstrip("/")


def _service_url(name: str, explicit: str | None, base_url: str) -> str:
    """A split-deployment service's base URL: given, else from its environment variables, else
    derived from the gateway's (the official `:8081` -> `:8082`/`:8084` rule), else the gateway's."""
    env, derive = _facts.SERVICES[name]
    url = explicit or _from_env(env)
    if url:
        return _check_url(f"{name}_url", url)
    if derive is not None and derive[0] in base_url:
        return base_url.replace(derive[0], derive[1])
    return base_url


def _from_env(names: tuple[str, ...]) -> str | None:
    """The first of the variables `names` that is set and not empty."""
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def _check_number(
    name: str, value: Any, *, integer: bool, error: type[ValidationError] = ValidationError
) -> None:
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if not ok or isinstance(value, bool) or not math.isfinite(value) or value < 0:
        kind = "an integer" if integer else "a finite number"
        raise error("VALIDATION_ERROR", f"{name} must be {kind} >= 0", details={"field": name})


def _check_headers(headers: Mapping[str, Any], error: type[ValidationError]) -> dict[str, str]:
    """Extra headers, refused (without their values, which may be secrets) unless names and
    values are strings a header can carry: no CR/LF or other control characters, Latin-1 only."""
    out = {}
    for name, value in headers.items():
        if not (
            isinstance(name, str)
            and name
            and all("!" <= ch <= "~" and ch != ":" for ch in name)
            and isinstance(value, str)
            and all(ch == "\t" or " " <= ch <= "~" or "\xa0" <= ch <= "\xff" for ch in value)
        ):
            raise error(
                "VALIDATION_ERROR",
                "headers must map header names to Latin-1 text without control characters",
                details={"field": "headers"},
            )
        out[name] = value
    return out


def _check_api_key(api_key: str) -> str:
    """The key without surrounding whitespace (a key read from a file keeps its newline); it must
    then be printable ASCII, as an HTTP header value. The error never contains the key."""
    key = api_key.strip()
    if not key or not all("!" <= ch <= "~" for ch in key):
        raise ConfigurationError(
            "VALIDATION_ERROR",
            "api_key must be printable ASCII without spaces or control characters",
            details={"field": "api_key"},
        )
    return key


class _BaseClient:
    """Configuration and request building shared by the sync and async clients."""

    base_url: str
    timeout: float
    max_retries: int
    _http: Any  # the httpx.Client or httpx.AsyncClient of a subclass

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        service_urls: Mapping[str, str | None] | None = None,
        verify_tls: bool = True,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        key_store: KeyStore | None = None,
    ) -> None:
        setup_logging()
        self.base_url = _check_url("base_url", base_url or _from_env(BASE_URL_ENV) or DEFAULT_BASE_URL)
        given = dict(service_urls or {})
        unknown = sorted(set(given) - set(_facts.SERVICES))
        if unknown:
            raise ConfigurationError(
                "VALIDATION_ERROR", f"unknown services: {', '.join(unknown)}", details={"field": unknown[0]}
            )
        self.service_urls = {
            name: _service_url(name, given.get(name), self.base_url) for name in _facts.SERVICES
        }
        """The base URL of each split-deployment service (the gateway's unless configured)."""
        if not isinstance(verify_tls, bool):
            raise ConfigurationError(
                "VALIDATION_ERROR", "verify_tls must be a bool", details={"field": "verify_tls"}
            )
        self.verify_tls = verify_tls
        if not verify_tls:
            # Loud on purpose: without verification anyone on the path can read the API key.
            message = "TLS certificate verification is off (verify_tls=False): for local development only"
            warnings.warn(message, stacklevel=3)
            log.warning(message)
        if api_key is None:
            api_key = _from_env(API_KEY_ENV)
        if api_key is not None and (not isinstance(api_key, str) or not api_key):
            raise ConfigurationError(
                "VALIDATION_ERROR", "api_key must be a non-empty string", details={"field": "api_key"}
            )
        if api_key is not None:
            api_key = _check_api_key(api_key)
        _check_number("timeout", timeout, integer=False, error=ConfigurationError)
        _check_number("max_retries", max_retries, integer=True, error=ConfigurationError)
        _check_number("max_response_bytes", max_response_bytes, integer=True, error=ConfigurationError)
        self.timeout = float(timeout)
        self.max_retries = max_retries
        self.max_response_bytes = max_response_bytes
        """The largest answer read, in bytes (default 32 MiB); a larger one is an INVALID_RESPONSE."""
        # Name-mangled and left out of __repr__, so the key is never printed or logged.
        self.__api_key = api_key
        self._default_headers = _check_headers(default_headers or {}, ConfigurationError)
        self._token_cache = TokenCache()
        self._rpc_ids = 0
        self._rpc_lock = threading.Lock()
        from .identity import (  # here: identity imports the operations, which import this
            KeyStore,
            MemoryKeyStore,
        )

        if key_store is not None and not isinstance(key_store, KeyStore):
            raise ConfigurationError(
                "VALIDATION_ERROR", "key_store must have get, put and delete", details={"field": "key_store"}
            )
        self.key_store: KeyStore = key_store if key_store is not None else MemoryKeyStore()
        """Where agent key pairs live: `agents.create` stores the pair it generates here."""

    @classmethod
    def from_env(cls: type[B], **options: Any) -> B:
        """A client configured from the environment: the base URL from AGENTTRUST_URL, else
        AGENTTRUST_BASE_URL, else the default (http://localhost:8080); the key from
        AGENTTRUST_API_KEY, which must be set (unlike the constructor, which accepts no key):
        without it, a ConfigurationError (field `api_key`) names the variable. An empty variable
        counts as unset. `options` are the constructor's others."""
        base_url, api_key = cls._env_settings()
        return cast(Any, cls)(base_url=base_url, api_key=api_key, **options)  # type: ignore[no-any-return]

    @classmethod
    def from_config(cls: type[B], path: str | os.PathLike[str], **options: Any) -> B:
        """A client configured from a JSON file (the official client's format), e.g.
        `{"base_url": "http://localhost:8081", "auth_url": "...", "audit_url": "...", "api_key": "..."}`.
        Every key is optional (a missing one falls back as in the constructor); `options` are the
        constructor's others. Unknown keys are refused, so a typo does not go unnoticed."""
        try:
            with open(path, encoding="utf-8") as f:
                config = json.load(f)
        except (OSError, ValueError) as e:
            raise ConfigurationError(
                "VALIDATION_ERROR",
                f"cannot read the config file {os.fspath(path)!r}: {e}",
                details={"field": "path"},
            ) from None
        if not isinstance(config, dict):
            raise ConfigurationError(
                "VALIDATION_ERROR", "the config file must hold a JSON object", details={"field": "path"}
            )
        unknown = sorted(set(config) - set(_facts.CONFIG_FILE_KEYS))
        if unknown:
            raise ConfigurationError(
                "VALIDATION_ERROR",
                f"unknown keys in the config file: {', '.join(unknown)}"
                f" (known: {', '.join(_facts.CONFIG_FILE_KEYS)})",
                details={"field": unknown[0]},
            )
        settings = {k: v for k, v in config.items() if v is not None}
        return cast(Any, cls)(**settings, **options)  # type: ignore[no-any-return]

    def with_options(
        self: B,
        *,
        api_key: str | NotGiven | None = NOT_GIVEN,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> B:
        """A copy with other settings that shares this client's connection pool (closing the
        copy leaves the pool open)."""
        settings = self._settings()
        if not isinstance(api_key, NotGiven):
            settings["api_key"] = api_key
        if timeout is not None:
            settings["timeout"] = timeout
        if max_retries is not None:
            settings["max_retries"] = max_retries
        return cast(Any, type(self))(**settings, http_client=self._http)  # type: ignore[no-any-return]

    @staticmethod
    def _env_settings() -> tuple[str, str]:
        """The base URL (or the default) and the API key from the environment; a
        ConfigurationError naming the key's variable when it is missing."""
        base_url = _from_env(BASE_URL_ENV) or DEFAULT_BASE_URL
        api_key = _from_env(API_KEY_ENV)
        if not api_key:
            raise ConfigurationError(
                "VALIDATION_ERROR",
                f"from_env() needs an API key: set {' or '.join(API_KEY_ENV)}",
                details={"field": "api_key", "missing": list(API_KEY_ENV)},
            )
        return base_url, api_key

    @property
    def has_api_key(self) -> bool:
        return self.__api_key is not None

    def _settings(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "api_key": self.__api_key,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self._default_headers,
            # The generated clients take each service's URL as `<service>_url`.
            **{f"{name}_url": url for name, url in self.service_urls.items()},
            "verify_tls": self.verify_tls,
            "max_response_bytes": self.max_response_bytes,
            "key_store": self.key_store,
        }

    def __repr__(self) -> str:
        key = "set" if self.__api_key else "none"
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key=<{key}>)"

    def __getstate__(self) -> Any:
        raise TypeError(f"{type(self).__name__} cannot be pickled (it holds an API key and open connections)")

    def _prepare(
        self,
        op: OperationSpec[Any],
        path_params: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        body: Any,
        header_args: Mapping[str, Any] | None,
        options: RequestOptions | None,
    ) -> _Prepared:
        path = op.path
        if path_params:
            segments = {}
            for name, value in path_params.items():
                if not isinstance(value, str) or not value or value in (".", ".."):
                    # "." and ".." would be resolved away by the URL and reach another endpoint.
                    raise ValidationError(
                        "VALIDATION_ERROR",
                        f"{name} must be a non-empty string other than '.' and '..'",
                        details={"field": name},
                    )
                segments[name] = quote(value, safe="")
            path = path.format(**segments)
        params = None
        if query:
            params = {
                k: to_wire(v) for k, v in query.items() if v is not None and not isinstance(v, NotGiven)
            }
        content = None
        headers = {"accept": "application/json", "user-agent": USER_AGENT, **self._default_headers}
        for name, value in (header_args or {}).items():
            if value is None or isinstance(value, NotGiven):
                continue
            if not isinstance(value, str) or not value:
                raise ValidationError(
                    "VALIDATION_ERROR", f"{name} must be a non-empty string", details={"field": name}
                )
            headers[name.lower()] = value
        if op.rpc is not None:
            body = self._rpc_envelope(op.rpc, body)
        elif isinstance(body, Mapping) and not body:
            body = None  # as the official clients: a call without body fields sends no body
        if body is not None and not isinstance(body, NotGiven):
            try:
                content = pydantic_core.to_json(to_wire(body))
            except (pydantic_core.PydanticSerializationError, ValueError, RecursionError) as e:
                raise ValidationError(
                    "VALIDATION_ERROR", f"{op.id}: the request body is not JSON-serializable: {e}"
                ) from None
            headers["content-type"] = "application/json"
        options = options or {}
        if options.get("headers"):
            headers.update(_check_headers(options["headers"], ValidationError))
        if op.auth and self.__api_key:
            headers["x-api-key"] = self.__api_key
        elif op.auth and not op.key_optional:
            raise _missing_key()
        if op.method == "POST":
            headers["idempotency-key"] = options.get("idempotency_key") or str(uuid.uuid4())
        timeout = options.get("timeout", self.timeout)
        max_retries = options.get("max_retries", self.max_retries)
        _check_number("timeout", timeout, integer=False)
        _check_number("max_retries", max_retries, integer=True)
        base = self.service_urls[op.service] if op.service else self.base_url
        credentials = options.get("credentials")
        return _Prepared(
            op.method, base + path, path, content, params, headers, timeout, max_retries, credentials
        )

    def _rpc_envelope(self, rpc: RpcSpec, body: Any) -> dict[str, Any]:
        """The JSON-RPC 2.0 request: the arguments as `params` under `rpc.method`, or, for a proxy,
        the caller's `method` and `params` (already in `body`) with `jsonrpc` and `id` filled."""
        rpc_id: int | str = rpc.id
        if rpc.id == "counter":
            with self._rpc_lock:
                self._rpc_ids += 1
                rpc_id = str(self._rpc_ids)
        if rpc.method is None:
            return {**dict(body or {}), "jsonrpc": "2.0", "id": rpc_id}
        return {"jsonrpc": "2.0", "id": rpc_id, "method": rpc.method, "params": body or {}}

    @staticmethod
    def _retry_delay(attempt: int, response: httpx.Response | None) -> float:
        """Seconds before retry number `attempt` (1-based): Retry-After when the gateway gave one,
        else 0.5 s doubling up to 8 s, each shortened by up to 25% so clients spread out."""
        if response is not None:
            after = _parse_retry_after(response.headers.get("retry-after"))
            if after is not None:
                return min(after, MAX_RETRY_AFTER)
        delay: float = min(INITIAL_RETRY_DELAY * 2.0 ** (attempt - 1), MAX_RETRY_DELAY)
        return delay * (1 - random.random() * 0.25)

    @staticmethod
    def _network_error(p: _Prepared, error: httpx.TransportError | None) -> AgentTrustError:
        """The SDK's error for a transport failure (None: the whole-call deadline passed). It is
        raised `from None`: httpx's exception holds the request, API key header included, so it is
        not chained; its type and (escaped) text are in the message and `details["cause"]`."""
        if error is None or isinstance(error, httpx.TimeoutException):
            return RequestTimeoutError("TIMEOUT", f"{p.method} {p.path} timed out after {p.timeout:g} s")
        reason = clean_message(str(error) or type(error).__name__)
        return NetworkError(
            "NETWORK_ERROR", f"{p.method} {p.path} failed: {reason}", details={"cause": type(error).__name__}
        )

    def _too_large(self, p: _Prepared, response: httpx.Response) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            "INVALID_RESPONSE",
            f"{p.method} {p.path}: the gateway's answer is larger than {self.max_response_bytes} bytes",
            details={"limit_bytes": self.max_response_bytes},
            status=response.status_code,
            request_id=response.headers.get("x-request-id"),
        )

    def _declared_too_large(self, response: httpx.Response) -> bool:
        length = response.headers.get("content-length")
        return bool(length and length.isdigit() and int(length) > self.max_response_bytes)

    @staticmethod
    def _undecodable(p: _Prepared, response: httpx.Response) -> InvalidResponseError:
        return InvalidResponseError(
            "INVALID_RESPONSE",
            f"{p.method} {p.path}: the gateway's answer cannot be decoded (its Content-Encoding is false)",
            status=response.status_code,
            request_id=response.headers.get("x-request-id"),
        )

    @staticmethod
    def _finish(op: OperationSpec[T], p: _Prepared, response: httpx.Response) -> T:
        request_id = response.headers.get("x-request-id")
        status = response.status_code
        if 300 <= status < 400:
            raise _redirect_error(p, response)
        if not 200 <= status < 300:
            try:
                body = response.json()
            except ValueError:
                body = None
            raise error_from_response(status, body, request_id)
        adapter = op.adapter
        if adapter is None:
            return None  # type: ignore[return-value]  # a 204: OperationSpec[None]
        try:
            answer = _load_json(response.content)
        except (ValueError, RecursionError) as e:
            reason = f": {e}" if isinstance(e, _RefusedJSON) else ""
            raise InvalidResponseError(
                "INVALID_RESPONSE",
                f"{p.method} {p.path}: the gateway's answer is not valid JSON{reason}",
                status=status,
                request_id=request_id,
            ) from None
        if op.rpc is None and op.unwrap is None:
            # From the bytes: JSON-mode validation reads dates and enums as the wire has them.
            return _validate(p, adapter, response.content, status, request_id)
        if op.rpc is not None:
            if not isinstance(answer, dict) or answer.get("jsonrpc") != "2.0":
                raise InvalidResponseError(
                    "INVALID_RESPONSE",
                    f"{p.method} {p.path}: the gateway's answer is no JSON-RPC 2.0 response object",
                    status=status,
                    request_id=request_id,
                )
            error = answer.get("error")
            if error is not None and op.rpc.on_error == "raise":
                raise error_from_rpc(error, status, request_id)
            if op.rpc.on_error == "return" and (error is not None or "result" not in answer):
                # The whole answer is returned, so an error member must be JSON-RPC 2.0's.
                if "error" in answer and not (
                    isinstance(error, dict)
                    and type(error.get("code")) is int
                    and isinstance(error.get("message"), str)
                ):
                    raise InvalidResponseError(
                        "INVALID_RESPONSE",
                        f"{p.method} {p.path}: the JSON-RPC error member needs an integer code and a string message",
                        status=status,
                        request_id=request_id,
                    )
                return answer  # type: ignore[return-value]  # a proxy answers Any
            if "result" in answer:
                answer = answer["result"]
            elif op.rpc.method is not None:
                raise InvalidResponseError(
                    "INVALID_RESPONSE",
                    f"{p.method} {p.path}: the JSON-RPC answer has neither result nor error",
                    status=status,
                    request_id=request_id,
                )
        # The gateway wraps some answers ({"agents": [...]}); a bare body is accepted too.
        if op.unwrap is not None and isinstance(answer, dict) and op.unwrap in answer:
            answer = answer[op.unwrap]
        return _validate(p, adapter, answer, status, request_id, raw=False)


def _missing_key() -> ConfigurationError:
    return ConfigurationError(
        "VALIDATION_ERROR",
        f"no API key: pass api_key or set {' or '.join(API_KEY_ENV)}",
        details={"field": "api_key"},
    )


def _target(p: _Prepared) -> str:
    """The path and query of a log line (the base URL is the client's; no header, no body)."""
    return f"{p.path}?{httpx.QueryParams(p.params)}" if p.params else p.path


def _log_attempt(
    p: _Prepared,
    number: int,
    started: float,
    response: httpx.Response | None,
    failure: httpx.TransportError | None,
) -> None:
    """`debug`: one line per HTTP attempt."""
    if not log.isEnabledFor(logging.DEBUG):
        return
    elapsed = (time.monotonic() - started) * 1000
    if response is not None:
        request_id = response.headers.get("x-request-id")
        outcome = f"HTTP {response.status_code}"
        rid = clean_message(request_id[:128]) if request_id else "none"
    else:
        outcome = "timeout" if failure is None else type(failure).__name__
        rid = "none"
    log.debug(
        "%s %s -> %s in %.0f ms (attempt %d, request id %s)",
        p.method,
        _target(p),
        outcome,
        elapsed,
        number,
        rid,
    )


def _log_retry(p: _Prepared, retry: int, delay: float, reason: str) -> None:
    """`info`: a retry, with its delay and reason."""
    log.info(
        "retrying %s %s in %.3f s (retry %d of %d) after %s",
        p.method,
        p.path,
        delay,
        retry,
        p.max_retries,
        reason,
    )


def _log_failure(op: OperationSpec[Any], error: AgentTrustError) -> None:
    """`error`: a call's final failure: the error's class and code, never its details."""
    if not log.isEnabledFor(logging.ERROR):
        return
    where = f"HTTP {error.status}" if error.status is not None else "no answer"
    rid = clean_message(error.request_id[:128]) if error.request_id else "none"
    log.error(
        "%s %s failed: %s %s (%s, request id %s)",
        op.method,
        op.path,
        type(error).__name__,
        error.code.value,
        where,
        rid,
    )


class _RefusedJSON(ValueError):
    """Text that parsers read differently or that JSON has no value for (see `_load_json`)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RefusedJSON(f"duplicate key {clean_message(key[:64])!r} in one object")
            seen.add(key)
    return obj


def _no_constant(token: str) -> Any:
    raise _RefusedJSON(f"{token} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _RefusedJSON("a number beyond the range of a double")
    return value


def _load_json(content: bytes) -> Any:
    """The answer parsed strictly, before any validation: a key twice in one object is refused
    (parsers disagree on which one counts: `{"allowed": false, "allowed": true}` is a denial to
    some and an allow to Python's), and so are `NaN`, `Infinity` and numbers that overflow to
    infinity (`1e999`), which no JSON value is and which free-form fields would otherwise keep."""
    return json.loads(
        content, object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_float=_finite
    )


def _redirect_error(p: _Prepared, response: httpx.Response) -> RedirectError:
    """The error of a 3xx answer, naming only the host of its `Location` (resolved against the
    request), whose path or query may carry secrets."""
    location = response.headers.get("location")
    host = None
    if location:
        try:
            host = urlsplit(urljoin(p.url, location)).netloc.rpartition("@")[2][:255] or None
        except ValueError:
            host = None
    where = f"Location host {clean_message(host)!r}" if host else "no Location"
    return RedirectError(
        "INVALID_RESPONSE",
        f"{p.method} {p.path}: the gateway answered with a redirect (HTTP {response.status_code}, "
        f"{where}), which is not followed",
        details={"location_host": host} if host else None,
        status=response.status_code,
        request_id=response.headers.get("x-request-id"),
    )


def _validate(
    p: _Prepared,
    adapter: pydantic.TypeAdapter[T],
    value: Any,
    status: int,
    request_id: str | None,
    *,
    raw: bool = True,
) -> T:
    """The answer (raw JSON bytes, or an already parsed value) validated against the spec,
    strictly: no coercion (`"true"`, `1` or `"0.9"` is no boolean, `"5"` no number), the spec's
    numeric ranges, no NaN or Infinity; an unknown enum value is accepted only as a string."""
    try:
        return adapter.validate_json(value if raw else pydantic_core.to_json(value), strict=True)
    except pydantic.ValidationError as e:
        # Paths and pydantic's wording only: a value could be a secret (a token).
        problems = [
            f"{'.'.join(str(part) for part in err['loc']) or '(root)'}: {err['msg']}"
            for err in e.errors(include_url=False, include_input=False)[:5]
        ]
        raise InvalidResponseError(
            "INVALID_RESPONSE",
            f"{p.method} {p.path}: the gateway's answer does not match the spec: {'; '.join(problems)}",
            details={"problems": problems},
            status=status,
            request_id=request_id,
        ) from None


_call = threading.local()  # `deadline`: the monotonic time the current thread's attempt must end by


def _left(timeout: float | None, expired: type[Exception]) -> float | None:
    """The timeout of one socket operation: its own, cut to what is left of the attempt's deadline
    (`expired` is raised when nothing is left)."""
    deadline: float | None = getattr(_call, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the call's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the attempt's deadline, so
    a gateway that drips its headers or body one byte at a time cannot stretch a call."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend, its connections wrapped in `_DeadlineStream`."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _left(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(
            path, _left(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _deadline_client(verify_tls: bool) -> httpx.Client:
    """The sync client's own connection pool, with `_DeadlineBackend` (when this httpcore has the
    attribute; otherwise the deadline is checked between the chunks of the answer only)."""
    transport = httpx.HTTPTransport(verify=verify_tls)
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return httpx.Client(follow_redirects=False, verify=verify_tls, transport=transport)


class _DeadlinePassed(Exception):
    """An attempt's whole-call deadline passed while its answer was still arriving."""


_OK: Any = httpx.TransportError("ok")  # marks an attempt that got an answer


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class SyncAPIClient(_BaseClient):
    """The synchronous HTTP core; `AgentTrustClient` extends it with the resources."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        service_urls: Mapping[str, str | None] | None = None,
        verify_tls: bool = True,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        key_store: KeyStore | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            service_urls=service_urls,
            verify_tls=verify_tls,
            max_response_bytes=max_response_bytes,
            key_store=key_store,
        )
        self._owns_http = http_client is None
        self._http = http_client or _deadline_client(verify_tls)

    def _request(
        self,
        op: OperationSpec[T],
        *,
        path_params: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
    ) -> T:
        try:
            return self._attempts(op, self._prepare(op, path_params, query, body, headers, options))
        except AgentTrustError as error:
            _log_failure(op, error)
            raise

    def _attempts(self, op: OperationSpec[T], p: _Prepared) -> T:
        attempt = 0
        renewed = False
        while True:
            sent = p
            if p.credentials is not None:
                from .identity import credential_headers_sync

                # Per attempt: a DPoP proof is single-use, so a retry needs a new one.
                sent = p._replace(
                    headers={**p.headers, **credential_headers_sync(p.credentials, p.method, p.url)}
                )
            failure: httpx.TransportError | None = None
            started = time.monotonic()
            try:
                response = self._send(sent)
            except _DeadlinePassed:
                pass
            except httpx.TransportError as e:
                failure = e
            else:
                failure = _OK
            _log_attempt(
                p, attempt + int(renewed) + 1, started, response if failure is _OK else None, failure
            )
            if failure is not _OK:
                # Raised out here, so not even `__context__` keeps httpx's exception (and its
                # request, API key header included).
                if failure is None or isinstance(failure, httpx.TimeoutException) or attempt >= p.max_retries:
                    raise self._network_error(p, failure)
                attempt += 1
                delay = self._retry_delay(attempt, None)
                _log_retry(p, attempt, delay, type(failure).__name__)
                time.sleep(delay)
                continue
            if response.status_code in RETRY_STATUSES and attempt < p.max_retries:
                attempt += 1
                delay = self._retry_delay(attempt, response)
                _log_retry(p, attempt, delay, f"HTTP {response.status_code}")
                time.sleep(delay)
                continue
            if response.status_code == 401 and p.credentials is not None and not renewed:
                # A token revoked or expired early: once more with a new one.
                renewed = True
                p.credentials.invalidate()
                _log_retry(p, attempt + 1, 0, "HTTP 401 with agent credentials: a new token")
                continue
            result = self._finish(op, p, response)
            _record_response(response)
            return result

    def _send(self, p: _Prepared) -> httpx.Response:
        """One attempt, read in full: streamed, stopped past `max_response_bytes`, and given up
        (`_DeadlinePassed`) once `p.timeout` has passed since it began, however the gateway
        drips its answer: every socket operation of the client's own pool ends by the deadline (with
        an `http_client` of the caller's, it is checked between the chunks of the answer)."""
        deadline = time.monotonic() + p.timeout
        _call.deadline = deadline
        try:
            return self._read(p, deadline)
        finally:
            _call.deadline = None

    def _read(self, p: _Prepared, deadline: float) -> httpx.Response:
        response: httpx.Response = self._http.send(
            self._http.build_request(
                p.method, p.url, content=p.content, params=p.params, headers=p.headers, timeout=p.timeout
            ),
            stream=True,
            follow_redirects=False,  # also when the caller's own http_client follows redirects
        )
        try:
            if time.monotonic() > deadline:
                raise _DeadlinePassed
            if self._declared_too_large(response):
                raise self._too_large(p, response)
            chunks: list[bytes] = []
            size = 0
            undecodable = False
            try:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_response_bytes:
                        raise self._too_large(p, response)
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise _DeadlinePassed
            except httpx.DecodingError:
                undecodable = True  # raised below, out of this handler: httpx's error holds the request
            if undecodable:
                raise self._undecodable(p, response)
            response._content = b"".join(chunks)
            return response
        finally:
            response.close()

    def close(self) -> None:
        """Closes the connection pool (when the client created it)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncAPIClient(_BaseClient):
    """The asynchronous HTTP core; `AsyncAgentTrustClient` extends it with the resources."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        service_urls: Mapping[str, str | None] | None = None,
        verify_tls: bool = True,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        key_store: KeyStore | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            service_urls=service_urls,
            verify_tls=verify_tls,
            max_response_bytes=max_response_bytes,
            key_store=key_store,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(follow_redirects=False, verify=verify_tls)

    async def _request(
        self,
        op: OperationSpec[T],
        *,
        path_params: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
    ) -> T:
        try:
            return await self._attempts(op, self._prepare(op, path_params, query, body, headers, options))
        except AgentTrustError as error:
            _log_failure(op, error)
            raise

    async def _attempts(self, op: OperationSpec[T], p: _Prepared) -> T:
        attempt = 0
        renewed = False
        while True:
            sent = p
            if p.credentials is not None:
                from .identity import credential_headers_async

                # Per attempt: a DPoP proof is single-use, so a retry needs a new one.
                extra = await credential_headers_async(p.credentials, p.method, p.url)
                sent = p._replace(headers={**p.headers, **extra})
            failure: httpx.TransportError | None = None
            started = time.monotonic()
            try:
                response = await asyncio.wait_for(self._send(sent), p.timeout)
            except asyncio.TimeoutError:
                pass
            except httpx.TransportError as e:
                failure = e
            else:
                failure = _OK
            _log_attempt(
                p, attempt + int(renewed) + 1, started, response if failure is _OK else None, failure
            )
            if failure is not _OK:
                # Raised out here, so not even `__context__` keeps httpx's exception (and its
                # request, API key header included).
                if failure is None or isinstance(failure, httpx.TimeoutException) or attempt >= p.max_retries:
                    raise self._network_error(p, failure)
                attempt += 1
                delay = self._retry_delay(attempt, None)
                _log_retry(p, attempt, delay, type(failure).__name__)
                await asyncio.sleep(delay)
                continue
            if response.status_code in RETRY_STATUSES and attempt < p.max_retries:
                attempt += 1
                delay = self._retry_delay(attempt, response)
                _log_retry(p, attempt, delay, f"HTTP {response.status_code}")
                await asyncio.sleep(delay)
                continue
            if response.status_code == 401 and p.credentials is not None and not renewed:
                # A token revoked or expired early: once more with a new one.
                renewed = True
                p.credentials.invalidate()
                _log_retry(p, attempt + 1, 0, "HTTP 401 with agent credentials: a new token")
                continue
            result = self._finish(op, p, response)
            _record_response(response)
            return result

    async def _send(self, p: _Prepared) -> httpx.Response:
        """One attempt, read in full: streamed and stopped past `max_response_bytes`; the caller
        bounds the whole of it by `p.timeout`."""
        response: httpx.Response = await self._http.send(
            self._http.build_request(
                p.method, p.url, content=p.content, params=p.params, headers=p.headers, timeout=p.timeout
            ),
            stream=True,
            follow_redirects=False,  # also when the caller's own http_client follows redirects
        )
        try:
            if self._declared_too_large(response):
                raise self._too_large(p, response)
            chunks: list[bytes] = []
            size = 0
            undecodable = False
            try:
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self.max_response_bytes:
                        raise self._too_large(p, response)
                    chunks.append(chunk)
            except httpx.DecodingError:
                undecodable = True  # raised below, out of this handler: httpx's error holds the request
            if undecodable:
                raise self._undecodable(p, response)
            response._content = b"".join(chunks)
            return response
        finally:
            await response.aclose()

    async def close(self) -> None:
        """Closes the connection pool (when the client created it)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: T) -> T:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

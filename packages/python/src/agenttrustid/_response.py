# Copied from generators/python/runtime/_response.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The raw answer of a successful call, without a second request: `client.with_raw_response.<resource>.<method>(...)`
(and the same on the async client) runs the call as usual and returns a `RawResponse` with
the typed value (`parse()`), the HTTP status, the answer's headers and the gateway's request id.

The call records its answer into a context variable the wrapper sets, so nothing else changes
on the way; a method that sends several requests (a proof of possession fetches a challenge
first) records the last one. A `RawResponse` keeps copies of the answer's status and headers,
never the request (whose headers hold the API key and agent credentials) or its body."""

from __future__ import annotations

import functools
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, Generic, ParamSpec, TypeVar

import httpx

__all__ = ["RawResponse", "async_to_raw_response_wrapper", "to_raw_response_wrapper"]

T = TypeVar("T")
P = ParamSpec("P")

_sink: ContextVar[list[httpx.Response] | None] = ContextVar("agenttrustid_raw_response", default=None)


def capturing() -> bool:
    """Whether the current call was made through `with_raw_response` (a cache must not answer it)."""
    return _sink.get() is not None


def record(response: httpx.Response) -> None:
    """Called by the HTTP core with each successful answer."""
    sink = _sink.get()
    if sink is not None:
        sink.append(response)


class RawResponse(Generic[T]):
    """A successful call's answer: `parse()` returns what the plain call would have returned."""

    __slots__ = ("_value", "headers", "method", "request_id", "status_code", "url")

    status_code: int
    """The HTTP status (200, 201, 204...)."""
    headers: httpx.Headers
    """The answer's headers (a case-insensitive mapping)."""
    request_id: str | None
    """The gateway's `X-Request-Id` answer header, or None when it sent none."""
    method: str
    url: str
    """The request's method and URL, query included."""

    def __init__(self, response: httpx.Response, value: T) -> None:
        self.status_code = response.status_code
        self.headers = httpx.Headers(response.headers)
        self.request_id = response.headers.get("x-request-id")
        self.method = response.request.method
        self.url = str(response.request.url)
        self._value = value

    def parse(self) -> T:
        """The typed value (validated against the spec, as the plain call returns it)."""
        return self._value

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] {self.method} request_id={self.request_id!r}>"


def _raw(value: Any, sink: list[httpx.Response], name: str) -> RawResponse[Any]:
    if not sink:  # every method sends a request when raw; this is a bug, not a user error
        raise RuntimeError(f"{name} sent no request, so there is no raw response")
    return RawResponse(sink[-1], value)


def to_raw_response_wrapper(func: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """`func` (a sync method), returning a `RawResponse` of what it returns."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        sink: list[httpx.Response] = []
        token = _sink.set(sink)
        try:
            value = func(*args, **kwargs)
        finally:
            _sink.reset(token)
        return _raw(value, sink, func.__name__)

    return wrapped


def async_to_raw_response_wrapper(func: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """`func` (an async method), returning a `RawResponse` of what it returns."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        sink: list[httpx.Response] = []
        token = _sink.set(sink)
        try:
            value = await func(*args, **kwargs)
        finally:
            _sink.reset(token)
        return _raw(value, sink, func.__name__)

    return wrapped

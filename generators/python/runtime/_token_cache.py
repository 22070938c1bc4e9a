"""The client-side cache of answers the spec's `x-sdk-cache` rules name (today: issued tokens,
"SDKs cache issued tokens per (agent, scopes, audience) by default"), the same policy as the
TypeScript SDK's: a bounded LRU, an answer replaced shortly before it expires, one request per
key however many callers wait for it, and entries evicted by the operations the rules name
(revoking the token, or the agent it was issued to)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from ._response import capturing

__all__ = ["TokenCache"]

Key = tuple[Hashable, tuple[Any, ...]]


T = TypeVar("T", bound=BaseModel)


def _key_part(value: Any) -> Any:
    # A list argument is a set (scope order does not matter); None and [] are the same.
    if value is None:
        return ()
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(sorted(set(value)))
    return value


class _Entry:
    __slots__ = ("answer", "args", "refresh_at")

    def __init__(self, answer: Any, args: Mapping[str, Any], refresh_at: float) -> None:
        self.answer = answer
        self.args = args
        self.refresh_at = refresh_at


class TokenCache:
    def __init__(
        self,
        max_entries: int = 256,
        refresh_before_expiry: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max(1, max_entries)
        self.refresh_before_expiry = refresh_before_expiry
        self._clock = clock
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Key, threading.Lock] = {}
        self._inflight: dict[Key, asyncio.Future[Any]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def key(operation: Hashable, args: Mapping[str, Any]) -> Key:
        """The cache key of a call: the operation and its key arguments (`x-sdk-cache` store.key)."""
        return (operation, tuple(_key_part(args[name]) for name in args))

    def _fresh(self, key: Key) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._clock() >= entry.refresh_at:
                return None
            self._entries.move_to_end(key)
            return cast(BaseModel, entry.answer).model_copy()

    def _store(
        self, key: Key, args: Mapping[str, Any], answer: Any, asked_at: float, expires: str, issued: str | None
    ) -> None:
        expires_at = getattr(answer, expires, None)
        if not isinstance(expires_at, datetime):
            return
        # With an issue time in the answer, the lifetime comes from the gateway's own two
        # timestamps, so clock skew between client and gateway does not matter.
        start = getattr(answer, issued, None) if issued else None
        if not isinstance(start, datetime):
            start = datetime.now(timezone.utc)
        lifetime = (expires_at - start).total_seconds()
        if lifetime <= 0:
            return
        refresh_at = asked_at + lifetime - min(self.refresh_before_expiry, lifetime / 10)
        with self._lock:
            self._entries[key] = _Entry(answer, dict(args), refresh_at)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get(
        self,
        operation: Hashable,
        args: Mapping[str, Any],
        issue: Callable[[], T],
        *,
        expires: str,
        issued: str | None = None,
    ) -> T:
        """The cached answer for `args`, or a new one from `issue()` (one call per key at a
        time), kept until shortly before its `expires` field."""
        key = self.key(operation, args)
        if capturing():
            # `with_raw_response` wants this call's own answer: not read from the cache, stored in it.
            asked_at = self._clock()
            answer = issue()
            self._store(key, args, answer, asked_at, expires, issued)
            return answer.model_copy()
        cached: T | None = self._fresh(key)
        if cached is not None:
            return cached
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            again: T | None = self._fresh(key)  # another thread may have issued it meanwhile
            if again is not None:
                return again
            asked_at = self._clock()
            answer = issue()
            self._store(key, args, answer, asked_at, expires, issued)
            return answer.model_copy()

    async def aget(
        self,
        operation: Hashable,
        args: Mapping[str, Any],
        issue: Callable[[], Awaitable[T]],
        *,
        expires: str,
        issued: str | None = None,
    ) -> T:
        key = self.key(operation, args)
        if capturing():
            # `with_raw_response` wants this call's own answer: not read from the cache, stored in it.
            fresh: T = await self._aissue_uncached(key, args, issue, expires, issued)
            return fresh.model_copy()
        cached: T | None = self._fresh(key)
        if cached is not None:
            return cached
        pending = self._inflight.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._aissue(key, args, issue, expires, issued))
            self._inflight[key] = pending
        answer: T = await asyncio.shield(pending)
        return answer.model_copy()

    async def _aissue_uncached(
        self,
        key: Key,
        args: Mapping[str, Any],
        issue: Callable[[], Awaitable[Any]],
        expires: str,
        issued: str | None,
    ) -> Any:
        asked_at = self._clock()
        answer = await issue()
        self._store(key, args, answer, asked_at, expires, issued)
        return answer

    async def _aissue(
        self,
        key: Key,
        args: Mapping[str, Any],
        issue: Callable[[], Awaitable[Any]],
        expires: str,
        issued: str | None,
    ) -> Any:
        try:
            asked_at = self._clock()
            answer = await issue()
            self._store(key, args, answer, asked_at, expires, issued)
            return answer
        finally:
            self._inflight.pop(key, None)

    def evict(self, operation: Hashable, value: Any, *, arg: str | None = None, attr: str | None = None) -> None:
        """Drops the entries of `operation` whose key argument `arg`, or whose cached answer's
        attribute `attr`, equals `value` (after the agent, or the token itself, was revoked)."""
        missing = object()
        with self._lock:
            stale = [
                key
                for key, entry in self._entries.items()
                if key[0] == operation
                and (
                    (arg is not None and entry.args.get(arg, missing) == value)
                    or (attr is not None and getattr(entry.answer, attr, missing) == value)
                )
            ]
            for key in stale:
                del self._entries[key]

# Copied from generators/python/runtime/_token_cache.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The client-side cache of issued tokens (the spec: "SDKs cache issued tokens per (agent,
scopes, audience) by default"), the same policy as the TypeScript SDK's: a bounded LRU, a token
replaced shortly before it expires, one request per key however many callers wait for it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar, cast

from pydantic import BaseModel

__all__ = ["TokenCache", "token_cache_key"]

Key = tuple[str, tuple[str, ...], tuple[str, ...]]


T = TypeVar("T", bound=BaseModel)


def token_cache_key(agent_id: str, scopes: Sequence[str], audience: Sequence[str] | None) -> Key:
    return (agent_id, tuple(sorted(set(scopes))), tuple(sorted(set(audience or ()))))


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
        self._entries: OrderedDict[Key, tuple[Any, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Key, threading.Lock] = {}
        self._inflight: dict[Key, asyncio.Future[Any]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def _fresh(self, key: Key) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._clock() >= entry[1]:
                return None
            self._entries.move_to_end(key)
            return cast(BaseModel, entry[0]).model_copy()

    def _store(self, key: Key, token: Any, asked_at: float) -> None:
        # The lifetime from the gateway's own two timestamps, so clock skew does not matter.
        lifetime = (token.expires_at - token.issued_at).total_seconds()
        if lifetime <= 0:
            return
        refresh_at = asked_at + lifetime - min(self.refresh_before_expiry, lifetime / 10)
        with self._lock:
            self._entries[key] = (token, refresh_at)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get(self, key: Key, issue: Callable[[], T]) -> T:
        """The cached token for `key`, or a new one from `issue()` (one call per key at a time)."""
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
            token = issue()
            self._store(key, token, asked_at)
            return token.model_copy()

    async def aget(self, key: Key, issue: Callable[[], Awaitable[T]]) -> T:
        cached: T | None = self._fresh(key)
        if cached is not None:
            return cached
        pending = self._inflight.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._aissue(key, issue))
            self._inflight[key] = pending
        token: T = await asyncio.shield(pending)
        return token.model_copy()

    async def _aissue(self, key: Key, issue: Callable[[], Awaitable[Any]]) -> Any:
        try:
            asked_at = self._clock()
            token = await issue()
            self._store(key, token, asked_at)
            return token
        finally:
            self._inflight.pop(key, None)

    def forget(self, token: str) -> None:
        """Drops every cached entry holding `token` (after it was revoked)."""
        with self._lock:
            for key in [k for k, (t, _) in self._entries.items() if t.token == token]:
                del self._entries[key]

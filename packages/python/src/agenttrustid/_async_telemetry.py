# Copied from generators/python/runtime/_async_telemetry.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""Telemetry batching for the async guard, without a thread: `push()` is synchronous, cheap and
never raises (the same checks and drop counting as `TelemetryBatcher.push`); an asyncio task of
the running loop sends batches of `batch_size` events, at once when a batch is full and after
`flush_interval` seconds for a partial one. After a failed batch it backs off as the threaded
batcher does (the interval doubling up to 12 of them, shortened by up to 25% at random), and
`flush()` / `aclose()` still send at once. Reports pushed while no loop runs wait for the next
`flush()` or for the first push made inside a loop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any, Awaitable, Callable

from . import _facts
from ._telemetry import TelemetryBatcher, TelemetryStats

AsyncSendBatch = Callable[[list[dict[str, Any]]], Awaitable[object]]


class AsyncTelemetryBatcher(TelemetryBatcher):
    """The threaded batcher's queue, checks, event shape, counters and backoff, with an asyncio
    task where that one has a thread."""

    def __init__(
        self,
        send: AsyncSendBatch,
        agent_id: str,
        session_id: str,
        *,
        batch_size: int = _facts.TELEMETRY_BATCH_SIZE,
        capacity: int = _facts.TELEMETRY_CAPACITY,
        flush_interval: float = _facts.TELEMETRY_FLUSH_INTERVAL_MS / 1000,
    ) -> None:
        super().__init__(
            lambda _batch: None,
            agent_id,
            session_id,
            batch_size=batch_size,
            capacity=capacity,
            flush_interval=flush_interval,
        )
        self._async_send = send
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._lock: asyncio.Lock | None = None
        self._failures = 0
        self._quiet_until = 0.0

    # TelemetryBatcher.push calls _start() while `_thread` is None, which stays so here: so on
    # every push, where this starts the sender task (once per loop) or wakes it for a full batch.
    # The parent's threading `_wake` is set too, and never waited on.
    def _start(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop here: the report waits in the queue for flush() or a later push
        if self._task is not None and not self._task.done() and self._loop is loop:
            if len(self._queue) >= self.batch_size and self._wakeup is not None:
                self._wakeup.set()
            return
        self._loop = loop
        self._wakeup = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task = loop.create_task(self._run_async(), name="agenttrustid-telemetry")

    async def _run_async(self) -> None:
        wakeup = self._wakeup
        assert wakeup is not None
        while not self._closed:
            quiet = self._quiet_until - time.monotonic()
            ticked = False
            try:
                await asyncio.wait_for(wakeup.wait(), quiet if quiet > 0 else self.flush_interval)
            except asyncio.TimeoutError:
                ticked = True
            wakeup.clear()
            if self._closed:
                return
            if time.monotonic() < self._quiet_until:
                continue
            # Full batches go at once; a partial one waits for the interval tick.
            while self._queue and (len(self._queue) >= self.batch_size or ticked):
                if not await self._send_locked():
                    break

    async def _send_locked(self) -> bool:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            return await self._send_async_one()

    async def _send_async_one(self) -> bool:
        batch = self._take_batch()
        if not batch:
            return True
        self._in_flight = True
        try:
            await self._async_send(batch)
            ok = True
        except BaseException as error:
            if isinstance(error, asyncio.CancelledError):
                self._dropped += len(batch)
                raise
            # Dropped and counted; the error (which may quote the request) is not logged.
            ok = False
        finally:
            self._in_flight = False
        if ok:
            self._sent += len(batch)
            self._failures = 0
            self._quiet_until = 0.0
            self._backing_off = False
        else:
            self._failed += 1
            self._dropped += len(batch)
            self._failures += 1
            self._quiet_until = time.monotonic() + self._backoff(self._failures)
            self._backing_off = True
        return ok

    def _take_batch(self) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        while len(batch) < self.batch_size:
            try:
                tool, success, duration, error, at = self._queue.popleft()
            except IndexError:
                break
            event: dict[str, Any] = {
                "event_type": "tool_end" if success else "tool_error",
                "tool_name": tool,
                "success": success,
                "duration_ms": duration,
                "timestamp": self._timestamp(at),
            }
            if error is not None:
                event["error_type"] = error
            batch.append(event)
        return batch

    async def flush(self, timeout: float | None = None) -> bool:  # type: ignore[override]
        """Sends what is queued now; True when all of it went out, False if a batch failed or
        `timeout` (seconds) passed first. Never raises (cancellation aside)."""

        async def drain() -> bool:
            ok = True
            while ok and self._queue:
                ok = await self._send_locked()
            return ok and not self._queue

        try:
            if timeout is None:
                return await drain()
            return await asyncio.wait_for(drain(), timeout)
        except asyncio.CancelledError:
            raise
        except Exception:
            return False

    async def aclose(self, timeout: float | None = None) -> bool:
        """Flushes, stops the task, and drops (counting them) reports it could not send or that
        arrive later."""
        ok = await self.flush(timeout)
        self._closed = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        left = len(self._queue)
        self._queue.clear()
        if left:
            self._dropped += left
        return ok and left == 0

    def close(self, timeout: float | None = None) -> bool:
        """Synchronous close: no further reports are kept; queued ones are dropped and counted
        (use `await aclose()` to send them first)."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
        left = len(self._queue)
        self._queue.clear()
        if left:
            self._dropped += left
        return left == 0

    def stats(self) -> TelemetryStats:
        return super().stats()

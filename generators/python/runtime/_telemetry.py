"""Background batching of tool-call reports (guide sections 7 and 13): `push()` is synchronous,
cheap and never raises; a daemon thread sends batches of `batch_size` events; memory is bounded
by `capacity`; what cannot be kept or sent is dropped and counted, never raised. Logged
(`AGENTTRUST_LOG`): each batch sent (`info`), a failed batch and the first drop after one went
through (`warn`), by counts and error class only. After a failed batch the thread backs off
(see `_run`), so a failing gateway is not hammered."""

from __future__ import annotations

import atexit
import random
import threading
import time
import weakref
from collections import deque
from datetime import datetime, timezone
from typing import Any, Callable, TypedDict

from . import _facts
from ._logging import log

MAX_BATCH = _facts.MAX_TELEMETRY_BATCH
"""The gateway's `maxItems` for one batch."""
MAX_TOOL_NAME = _facts.MAX_TOOL_NAME
MAX_ERROR_TYPE = _facts.MAX_ERROR_TYPE
MAX_BACKOFF_INTERVALS = 12
"""The longest wait after consecutive failed batches, in flush intervals (60 s at the default 5 s)."""
MIN_BACKOFF = 0.1
"""The first wait after a failed batch when the flush interval is shorter, in seconds."""

SendBatch = Callable[[list[dict[str, Any]]], object]


class TelemetryStats(TypedDict):
    sent: int
    """Events the gateway accepted."""
    dropped: int
    """Events dropped: queue full, failed batch, invalid report, or reported after close."""
    queued: int
    failed_batches: int
    in_flight: bool
    capacity: int
    batch_size: int


class TelemetryBatcher:
    def __init__(
        self,
        send: SendBatch,
        agent_id: str,
        session_id: str,
        *,
        batch_size: int = _facts.TELEMETRY_BATCH_SIZE,
        capacity: int = _facts.TELEMETRY_CAPACITY,
        flush_interval: float = _facts.TELEMETRY_FLUSH_INTERVAL_MS / 1000,
    ) -> None:
        if not isinstance(batch_size, int) or not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be an integer from 1 to {MAX_BATCH}")
        if not isinstance(capacity, int) or capacity < 1:
            raise ValueError("queue_capacity must be a positive integer")
        if flush_interval < 0:
            raise ValueError("flush_interval must be >= 0")
        self.batch_size = batch_size
        self.capacity = capacity
        self.flush_interval = flush_interval
        self._send = send
        self._agent_id = agent_id
        self._session_id = session_id
        # (tool, success, duration_ms, error_type, unix time); deque.append/popleft are atomic.
        self._queue: deque[tuple[str, bool, int, str | None, float]] = deque()
        self._wake = threading.Event()
        self._state = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._stopping = False
        self._in_flight = False
        self._requested = 0  # flush rounds asked for
        self._completed = 0  # flush rounds finished
        self._last_ok = True
        self._backing_off = False  # read by push(): no wake-ups for full batches meanwhile
        self._sent = 0
        self._dropped = 0
        self._drop_warned = False
        self._failed = 0
        self._ts_second = -1
        self._ts_prefix = ""

    # --- called from any thread -------------------------------------------------------------

    def push(self, tool: object, success: object, duration_ms: object, error_type: object) -> None:
        """Queues one report. Never raises; drops (and counts) what it cannot keep."""
        try:
            queue = self._queue
            if self._closed or len(queue) >= self.capacity or type(tool) is not str or not tool:
                self._drop(1)
                return
            if type(duration_ms) is int and 0 <= duration_ms < 2**53:
                duration = duration_ms  # the common case, checked first
            elif (
                isinstance(duration_ms, (int, float))
                and not isinstance(duration_ms, bool)
                and 0 < duration_ms < 2**53
            ):
                duration = round(duration_ms)
            else:
                duration = 0  # NaN, negatives and non-numbers: the spec wants an integer >= 0
            error = error_type[:MAX_ERROR_TYPE] if type(error_type) is str and error_type else None
            name = tool if len(tool) <= MAX_TOOL_NAME else tool[:MAX_TOOL_NAME]
            queue.append((name, success is True, duration, error, time.time()))
            if self._thread is None:
                self._start()
            # Event.set() takes a lock; reading the flag does not, and a set flag is enough.
            if len(queue) >= self.batch_size and not self._backing_off and not self._wake.is_set():
                self._wake.set()
        except Exception:
            self._drop(1)

    def flush(self, timeout: float | None = None) -> bool:
        """Sends what is queued now; True when all of it went out, False if a batch failed or
        `timeout` (seconds) passed first (sending goes on in the background). Never raises."""
        try:
            if self._thread is None:
                return not self._queue
            with self._state:
                self._requested += 1
                ticket = self._requested
                self._wake.set()
                done = self._state.wait_for(lambda: self._completed >= ticket, timeout)
                return done and self._last_ok and not self._queue
        except Exception:
            return False

    def close(self, timeout: float | None = None) -> bool:
        """Flushes, stops the thread, and drops (counting them) reports it could not send or
        that arrive later."""
        ok = self.flush(timeout)
        self._closed = True
        self._stopping = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout if timeout is not None else 5.0)
        left = len(self._queue)
        self._queue.clear()
        if left:
            self._drop(left)
        return ok and left == 0

    def stats(self) -> TelemetryStats:
        return {
            "sent": self._sent,
            "dropped": self._dropped,
            "queued": len(self._queue),
            "failed_batches": self._failed,
            "in_flight": self._in_flight,
            "capacity": self.capacity,
            "batch_size": self.batch_size,
        }

    # --- the sender thread ------------------------------------------------------------------

    def _drop(self, n: int) -> None:
        with self._state:
            self._dropped += n
            warn = not self._drop_warned
            self._drop_warned = True
        if warn:  # once until a batch goes through: a full queue must not flood the log
            log.warning("telemetry: dropped %d report(s) (queue full, closed, or invalid)", n)

    def _start(self) -> None:
        with self._state:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="agenttrustid-telemetry", daemon=True)
            self._thread.start()
        _live.add(self)

    def _backoff(self, failures: int) -> float:
        """The wait after `failures` consecutive failed batches (1, 2, ...): the interval doubling
        up to MAX_BACKOFF_INTERVALS of them, shortened by up to 25% at random so that many guards
        do not retry in step."""
        base = max(self.flush_interval, MIN_BACKOFF)
        # The exponent is bounded: a day-long outage must not overflow the float.
        delay: float = min(base * 2.0 ** min(failures - 1, 16), base * MAX_BACKOFF_INTERVALS)
        return delay * (1 - random.random() * 0.25)

    def _run(self) -> None:
        # After a failed batch nothing goes out until `quiet_until`, neither full batches nor the
        # tick: the wait doubles with each consecutive failure (`_backoff`) and the first batch
        # that goes through ends it. Reports keep queuing meanwhile (a full queue drops and
        # counts them); flush() and close() still send at once, as their caller asked.
        failures = 0
        quiet_until = 0.0
        while True:
            quiet = quiet_until - time.monotonic()
            ticked = not self._wake.wait(quiet if quiet > 0 else self.flush_interval)
            self._wake.clear()
            with self._state:
                ticket = self._requested
                flushing = ticket > self._completed or self._stopping
            ok = True
            if flushing or time.monotonic() >= quiet_until:
                sent = self._sent
                # Full batches go at once; a partial one waits for the interval tick or a flush.
                # The first failure stops the round, so a failing gateway costs one batch.
                while ok and self._queue and (len(self._queue) >= self.batch_size or ticked or flushing):
                    ok = self._send_one()
                if self._sent > sent:  # a batch went through (an empty round proves nothing)
                    failures = 0
                    quiet_until = 0.0
                    self._backing_off = False
                if not ok:
                    failures += 1
                    quiet_until = time.monotonic() + self._backoff(failures)
                    self._backing_off = True
            with self._state:
                if ticket > self._completed:
                    self._last_ok = ok
                    self._completed = ticket
                    self._state.notify_all()
            if self._stopping:
                return

    def _timestamp(self, at: float) -> str:
        # ISO 8601 UTC with milliseconds; the seconds part is formatted once per second.
        second = int(at)
        if second != self._ts_second:
            self._ts_second = second
            self._ts_prefix = datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._ts_prefix}.{int((at - second) * 1000):03d}Z"

    def _send_one(self) -> bool:
        batch: list[dict[str, Any]] = []
        while len(batch) < self.batch_size:
            try:
                tool, success, duration, error, at = self._queue.popleft()
            except IndexError:
                break
            # The agent and session travel once per batch (the report's envelope), not per event.
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
        if not batch:
            return True
        self._in_flight = True
        failure: BaseException | None = None
        try:
            self._send(batch)
            ok = True
        except BaseException as error:
            # Dropped and counted; only the error's class and code are logged (its message may quote the request).
            ok = False
            failure = error
        finally:
            self._in_flight = False
        with self._state:
            if ok:
                self._sent += len(batch)
                self._drop_warned = False
            else:
                self._failed += 1
                self._dropped += len(batch)
        if ok:
            log.info("telemetry: sent a batch of %d event(s)", len(batch))
        else:
            code = getattr(getattr(failure, "code", None), "value", None)
            log.warning(
                "telemetry: a batch of %d event(s) failed and was dropped: %s%s",
                len(batch),
                type(failure).__name__,
                f" {code}" if code else "",
            )
        return ok


_live: weakref.WeakSet[TelemetryBatcher] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    # A program that forgot close() still gets its last reports out, briefly.
    for batcher in list(_live):
        if not batcher._closed:
            batcher.flush(timeout=1.0)

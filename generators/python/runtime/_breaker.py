"""The circuit breaker in front of Guardian (the same state machine as the TypeScript SDK's)."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable, Literal, TypedDict

from . import _facts

BreakerState = Literal["closed", "open", "half_open"]


class BreakerSnapshot(TypedDict):
    state: BreakerState
    recent_failures: int
    retry_at: float | None
    opened: int


class CircuitBreaker:
    """Closed -> open after `failure_threshold` failures within `window` seconds; open ->
    half-open after `cooldown` seconds, when exactly one probe goes through: its success closes
    the breaker, its failure re-opens it. While open, `acquire()` says no, so checks fail fast
    instead of each waiting for a timeout from a gateway that is down. Thread-safe."""

    def __init__(
        self,
        failure_threshold: int = _facts.BREAKER_FAILURE_THRESHOLD,
        window: float = _facts.BREAKER_WINDOW_MS / 1000,
        cooldown: float = _facts.BREAKER_COOLDOWN_MS / 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not isinstance(failure_threshold, int) or failure_threshold < 1:
            raise ValueError("failure_threshold must be a positive integer")
        if window < 0 or cooldown < 0:
            raise ValueError("window and cooldown must be >= 0")
        self.failure_threshold = failure_threshold
        self.window = window
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._state: BreakerState = "closed"
        self._failures: deque[float] = deque(maxlen=failure_threshold)
        self._opened_at = 0.0
        self._probe_out = False
        self._opened = 0

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._current_state()

    def _current_state(self) -> BreakerState:
        if self._state == "open" and self._clock() - self._opened_at >= self.cooldown:
            return "half_open"
        return self._state

    def acquire(self) -> bool:
        """True if a request may go to Guardian now; in half-open, true once (the probe)."""
        with self._lock:
            if self._state == "closed":
                return True
            if self._state == "open":
                if self._clock() - self._opened_at < self.cooldown:
                    return False
                self._state = "half_open"
                self._probe_out = False
            if self._probe_out:
                return False
            self._probe_out = True
            return True

    def on_success(self) -> None:
        with self._lock:
            self._state = "closed"
            self._probe_out = False
            self._failures.clear()

    def on_failure(self) -> None:
        with self._lock:
            now = self._clock()
            if self._state == "half_open":
                self._trip(now)
                return
            if self._state == "open":
                return
            self._failures.append(now)
            if sum(1 for at in self._failures if now - at < self.window) >= self.failure_threshold:
                self._trip(now)

    def snapshot(self) -> BreakerSnapshot:
        with self._lock:
            state = self._current_state()
            now = self._clock()
            return {
                "state": state,
                "recent_failures": sum(1 for at in self._failures if now - at < self.window)
                if state == "closed"
                else 0,
                "retry_at": self._opened_at + self.cooldown if state == "open" else None,
                "opened": self._opened,
            }

    def _trip(self, now: float) -> None:
        self._state = "open"
        self._opened_at = now
        self._probe_out = False
        self._failures.clear()
        self._opened += 1

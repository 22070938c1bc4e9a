package ati

import (
	"sync"
	"time"
)

// BreakerState is the state of a guard's circuit breaker.
type BreakerState string

// The circuit breaker's states.
const (
	// BreakerClosed lets every check through to Guardian.
	BreakerClosed BreakerState = "closed"
	// BreakerOpen fails every check at once, without a request, until the cooldown ends.
	BreakerOpen BreakerState = "open"
	// BreakerHalfOpen lets exactly one probe through: its success closes the breaker, its
	// failure opens it for another cooldown.
	BreakerHalfOpen BreakerState = "half_open"
)

// breaker is closed -> open after threshold failures within window; open -> half-open after
// cooldown, when exactly one probe goes through. While open (and while the probe is out),
// acquire says no, so callers fail fast instead of waiting on timeouts to a gateway that is down.
type breaker struct {
	threshold int
	window    time.Duration
	cooldown  time.Duration
	now       func() time.Time

	mu       sync.Mutex
	state    BreakerState
	failures []time.Time // the last threshold failures, as a ring
	head     int
	openedAt time.Time
	probeOut bool
	opened   int
}

func newBreaker(threshold int, window, cooldown time.Duration, now func() time.Time) *breaker {
	return &breaker{threshold: threshold, window: window, cooldown: cooldown, now: now,
		state: BreakerClosed, failures: make([]time.Time, 0, threshold)}
}

// current is the state as a caller would see it now (an open breaker past its cooldown reads
// half-open). Callers hold b.mu.
func (b *breaker) current() BreakerState {
	if b.state == BreakerOpen && b.now().Sub(b.openedAt) >= b.cooldown {
		return BreakerHalfOpen
	}
	return b.state
}

// State returns the breaker's state now.
func (b *breaker) State() BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.current()
}

// acquire reports whether a request may go to Guardian now; in half-open, true once (the probe).
func (b *breaker) acquire() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case BreakerClosed:
		return true
	case BreakerOpen:
		if b.now().Sub(b.openedAt) < b.cooldown {
			return false
		}
		b.state = BreakerHalfOpen
		b.probeOut = false
	}
	if b.probeOut {
		return false
	}
	b.probeOut = true
	return true
}

// release hands back a probe slot that never reached Guardian (the caller's context ended).
func (b *breaker) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == BreakerHalfOpen {
		b.probeOut = false
	}
}

func (b *breaker) onSuccess() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.state = BreakerClosed
	b.probeOut = false
	b.failures = b.failures[:0]
	b.head = 0
}

func (b *breaker) onFailure() {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	switch b.state {
	case BreakerHalfOpen:
		b.trip(now)
		return
	case BreakerOpen:
		return
	}
	if len(b.failures) < b.threshold {
		b.failures = append(b.failures, now)
	} else {
		b.failures[b.head] = now
		b.head = (b.head + 1) % b.threshold
	}
	recent := 0
	for _, at := range b.failures {
		if now.Sub(at) < b.window {
			recent++
		}
	}
	if recent >= b.threshold {
		b.trip(now)
	}
}

func (b *breaker) trip(now time.Time) {
	b.state = BreakerOpen
	b.openedAt = now
	b.probeOut = false
	b.failures = b.failures[:0]
	b.head = 0
	b.opened++
}

// retryAt is when an open breaker lets its probe through, or the zero time.
func (b *breaker) retryAt() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.current() != BreakerOpen {
		return time.Time{}
	}
	return b.openedAt.Add(b.cooldown)
}

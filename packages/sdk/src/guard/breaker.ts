import { ValidationError } from '../core/errors.js';
import { BREAKER } from '../generated/facts.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Failures within `windowMs` that open the breaker. Default 5. */
  failureThreshold?: number;
  /** The window the failures must fall in, in ms. Default 10,000. */
  windowMs?: number;
  /** How long the breaker stays open before one probe is let through, in ms. Default 30,000. */
  cooldownMs?: number;
  /** Milliseconds clock; injectable for tests. Default `Date.now`. */
  clock?: () => number;
}

// The spec's defaults (facts.ts), typed as plain numbers as they always were.
export const BREAKER_DEFAULTS = Object.freeze<{
  failureThreshold: number;
  windowMs: number;
  cooldownMs: number;
}>({
  ...BREAKER,
});

export interface BreakerSnapshot {
  state: BreakerState;
  /** Failures counted in the current window (closed state). */
  recentFailures: number;
  /** When the open breaker lets its next probe through (ms on the breaker's clock), else null. */
  retryAt: number | null;
  /** How many times it has opened since the guard was created. */
  opened: number;
}

/**
 * Closed -> open after `failureThreshold` failures within `windowMs`; open -> half-open after
 * `cooldownMs`, when exactly one probe goes through: its success closes the breaker, its failure
 * re-opens it for another cooldown. While open (and while the probe is out), `acquire()` says no,
 * so callers fail fast instead of waiting on timeouts to a gateway that is down.
 */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly windowMs: number;
  readonly cooldownMs: number;
  private readonly clock: () => number;
  private _state: BreakerState = 'closed';
  // Timestamps of the last `failureThreshold` failures, as a ring.
  private readonly failures: number[] = [];
  private failureHead = 0;
  private openedAt = 0;
  private probeOut = false;
  private _opened = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = positiveInt(
      options.failureThreshold,
      BREAKER_DEFAULTS.failureThreshold,
      'failureThreshold',
    );
    this.windowMs = nonNegative(options.windowMs, BREAKER_DEFAULTS.windowMs, 'windowMs');
    this.cooldownMs = nonNegative(options.cooldownMs, BREAKER_DEFAULTS.cooldownMs, 'cooldownMs');
    this.clock = options.clock ?? Date.now;
  }

  get state(): BreakerState {
    if (this._state === 'open' && this.clock() - this.openedAt >= this.cooldownMs) return 'half_open';
    return this._state;
  }

  /** True if a request may go to Guardian now; in half-open, true once, for the probe. */
  acquire(): boolean {
    if (this._state === 'closed') return true;
    if (this._state === 'open') {
      if (this.clock() - this.openedAt < this.cooldownMs) return false;
      this._state = 'half_open';
      this.probeOut = false;
    }
    if (this.probeOut) return false;
    this.probeOut = true;
    return true;
  }

  /** Hands back a probe slot that never reached Guardian (e.g. the caller aborted first). */
  release(): void {
    if (this._state === 'half_open') this.probeOut = false;
  }

  onSuccess(): void {
    this._state = 'closed';
    this.probeOut = false;
    this.failures.length = 0;
    this.failureHead = 0;
  }

  onFailure(): void {
    const now = this.clock();
    if (this._state === 'half_open') {
      this.trip(now);
      return;
    }
    if (this._state === 'open') return;
    if (this.failures.length < this.failureThreshold) this.failures.push(now);
    else {
      this.failures[this.failureHead] = now;
      this.failureHead = (this.failureHead + 1) % this.failureThreshold;
    }
    if (this.recentFailures(now) >= this.failureThreshold) this.trip(now);
  }

  snapshot(): BreakerSnapshot {
    const state = this.state;
    return {
      state,
      recentFailures: state === 'closed' ? this.recentFailures(this.clock()) : 0,
      retryAt: state === 'open' ? this.openedAt + this.cooldownMs : null,
      opened: this._opened,
    };
  }

  private recentFailures(now: number): number {
    let n = 0;
    for (const at of this.failures) if (now - at < this.windowMs) n++;
    return n;
  }

  private trip(now: number): void {
    this._state = 'open';
    this.openedAt = now;
    this.probeOut = false;
    this.failures.length = 0;
    this.failureHead = 0;
    this._opened++;
  }
}

export function positiveInt(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError(
      'VALIDATION_ERROR',
      `${name} must be a positive integer, got ${String(value)}`,
      {
        details: { field: name },
      },
    );
  }
  return value;
}

export function nonNegative(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(
      'VALIDATION_ERROR',
      `${name} must be a finite number >= 0, got ${String(value)}`,
      {
        details: { field: name },
      },
    );
  }
  return value;
}

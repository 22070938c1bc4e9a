/** The gateway's notion of time. Every expiry (approvals, tokens, delegations, JWTs) reads it. */
export interface Clock {
  /** Milliseconds since the epoch, as the gateway sees them. */
  now(): number;
  /** Moves the clock forward by `ms` (never backwards) and returns the new time. */
  advance(ms: number): number;
  /** Sets the clock to an absolute time (milliseconds since the epoch). */
  set(ms: number): number;
  /** `now()` as an ISO 8601 string, the wire format of every timestamp. */
  iso(): string;
}

export interface ClockOptions {
  /**
   * Start time. When given, the clock is frozen there and moves only by `advance`/`set`, so
   * tests are deterministic. When omitted, it follows real time plus whatever was advanced.
   */
  start?: Date | number | string;
}

export function createClock(options: ClockOptions = {}): Clock {
  const frozen = options.start !== undefined;
  let base = frozen ? new Date(options.start as Date | number | string).getTime() : 0;
  if (Number.isNaN(base)) throw new TypeError(`mock-gateway: invalid clock start ${String(options.start)}`);
  // A real-time clock keeps an offset, so advancing it jumps ahead while time keeps flowing.
  const now = () => (frozen ? base : Date.now() + base);
  return {
    now,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError('clock.advance: ms must be a finite number >= 0');
      base += ms;
      return now();
    },
    set(ms: number) {
      if (!Number.isFinite(ms)) throw new RangeError('clock.set: ms must be finite');
      base = frozen ? ms : ms - Date.now();
      return now();
    },
    iso: () => new Date(now()).toISOString(),
  };
}

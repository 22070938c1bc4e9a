import { describe, expect, it } from 'vitest';
import { BREAKER_DEFAULTS, CircuitBreaker } from '../../src/guard/breaker.js';

function fakeClock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('CircuitBreaker', () => {
  it('documents its defaults: 5 failures in 10 s open it for 30 s', () => {
    expect(BREAKER_DEFAULTS).toEqual({ failureThreshold: 5, windowMs: 10_000, cooldownMs: 30_000 });
    const b = new CircuitBreaker();
    expect([b.failureThreshold, b.windowMs, b.cooldownMs]).toEqual([5, 10_000, 30_000]);
  });

  it('opens after the threshold of failures within the window', () => {
    const clock = fakeClock();
    const b = new CircuitBreaker({ clock: clock.now });
    for (let i = 0; i < 4; i++) {
      expect(b.acquire()).toBe(true);
      b.onFailure();
    }
    expect(b.state).toBe('closed');
    expect(b.snapshot().recentFailures).toBe(4);
    b.onFailure();
    expect(b.state).toBe('open');
    expect(b.acquire()).toBe(false);
    expect(b.snapshot()).toMatchObject({ state: 'open', retryAt: clock.now() + 30_000, opened: 1 });
  });

  it('does not open when the failures are spread beyond the window', () => {
    const clock = fakeClock();
    const b = new CircuitBreaker({ clock: clock.now });
    for (let i = 0; i < 20; i++) {
      b.onFailure();
      clock.advance(2_600); // at most 4 failures fall in any 10 s
    }
    expect(b.state).toBe('closed');
  });

  it('a success resets the count', () => {
    const clock = fakeClock();
    const b = new CircuitBreaker({ clock: clock.now });
    for (let i = 0; i < 4; i++) b.onFailure();
    b.onSuccess();
    for (let i = 0; i < 4; i++) b.onFailure();
    expect(b.state).toBe('closed');
  });

  it('lets exactly one probe through after the cooldown; its success closes the breaker', () => {
    const clock = fakeClock();
    const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1_000, clock: clock.now });
    b.onFailure();
    b.onFailure();
    expect(b.acquire()).toBe(false);
    clock.advance(999);
    expect(b.acquire()).toBe(false);
    clock.advance(1);
    expect(b.state).toBe('half_open');
    expect(b.acquire()).toBe(true);
    expect(b.acquire()).toBe(false); // the probe is out
    b.onSuccess();
    expect(b.state).toBe('closed');
    expect(b.acquire()).toBe(true);
  });

  it('a failed probe re-opens it for another cooldown', () => {
    const clock = fakeClock();
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, clock: clock.now });
    b.onFailure();
    clock.advance(1_000);
    expect(b.acquire()).toBe(true);
    b.onFailure();
    expect(b.state).toBe('open');
    expect(b.snapshot().opened).toBe(2);
    clock.advance(500);
    expect(b.acquire()).toBe(false);
  });

  it('a released probe slot can be taken again', () => {
    const clock = fakeClock();
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 10, clock: clock.now });
    b.onFailure();
    clock.advance(10);
    expect(b.acquire()).toBe(true);
    b.release();
    expect(b.acquire()).toBe(true);
  });

  it('rejects nonsense options with a clear error', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(
      /failureThreshold must be a positive integer/,
    );
    expect(() => new CircuitBreaker({ cooldownMs: -1 })).toThrow(/cooldownMs/);
    expect(() => new CircuitBreaker({ windowMs: Number.NaN })).toThrow(/windowMs/);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type OutgoingTelemetryEvent,
  TELEMETRY_DEFAULTS,
  TelemetryBatcher,
} from '../../src/guard/telemetry.js';

// These drive the batcher with a recording sender to pin down its queueing; the same behaviour
// against the mock gateway over the real client is in guard.test.ts.
function recorder(impl?: (events: OutgoingTelemetryEvent[]) => Promise<unknown>) {
  const batches: OutgoingTelemetryEvent[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = async (events: OutgoingTelemetryEvent[]) => {
    batches.push(events);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((r) => setTimeout(r, 1));
      return impl ? await impl(events) : { accepted: events.length };
    } finally {
      inFlight--;
    }
  };
  return { send, batches, maxInFlight: () => maxInFlight };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TelemetryBatcher', () => {
  it("applies the spec's defaults: batches of 10, capacity 1,000, 5 s interval", () => {
    expect(TELEMETRY_DEFAULTS).toEqual({ batchSize: 10, capacity: 1_000, flushIntervalMs: 5_000 });
    const b = new TelemetryBatcher(async () => {});
    expect([b.batchSize, b.capacity, b.flushIntervalMs]).toEqual([10, 1_000, 5_000]);
  });

  it('without flushIntervalMs a partial batch waits the 5 s default', async () => {
    vi.useFakeTimers();
    const r = recorder();
    const b = new TelemetryBatcher(r.send);
    b.push('t', true, 1, undefined);
    await vi.advanceTimersByTimeAsync(4_990);
    expect(r.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(20);
    expect(r.batches).toHaveLength(1);
  });

  it('sends a full batch without waiting for the interval, one request at a time', async () => {
    const r = recorder();
    const b = new TelemetryBatcher(r.send, { flushIntervalMs: 60_000 });
    for (let i = 0; i < 25; i++) b.push(`tool_${i}`, true, i, undefined);
    await vi.waitFor(() => expect(b.stats().sent).toBe(20));
    expect(r.batches.map((x) => x.length)).toEqual([10, 10]);
    expect(b.stats().queued).toBe(5);
    expect(r.maxInFlight()).toBe(1);
    expect(await b.flush()).toBe(true);
    expect(r.batches.map((x) => x.length)).toEqual([10, 10, 5]);
    expect(b.stats()).toMatchObject({ sent: 25, dropped: 0, queued: 0, failedBatches: 0, inFlight: false });
  });

  it('a queue smaller than a batch is sent as soon as it is full, not dropped until the interval', async () => {
    const r = recorder();
    const b = new TelemetryBatcher(r.send, { batchSize: 50, capacity: 5, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) b.push('t', true, 1, undefined);
    await vi.waitFor(() => expect(b.stats().sent).toBe(5));
    expect(r.batches.map((x) => x.length)).toEqual([5]);
    expect(b.stats().dropped).toBe(0);
  });

  it('sends a partial batch after flushIntervalMs', async () => {
    vi.useFakeTimers();
    const r = recorder();
    const b = new TelemetryBatcher(r.send, { flushIntervalMs: 500 });
    b.push('t', true, 1, undefined);
    await vi.advanceTimersByTimeAsync(499);
    expect(r.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(10);
    expect(r.batches).toHaveLength(1);
  });

  it('sends only the allowed fields (tool_end / tool_error), with an ISO timestamp, in report order', async () => {
    const r = recorder();
    const b = new TelemetryBatcher(r.send);
    const before = Date.now();
    b.push('web_search', true, 12.6, undefined);
    b.push('db_write', false, 3, 'TimeoutError');
    b.push('db_read', false, 4, undefined);
    await b.flush();
    const [first, second, third] = r.batches[0] as OutgoingTelemetryEvent[];
    // No agent or session per event: they are the batch's (telemetry.report's arguments).
    expect(Object.keys(first as object).sort()).toEqual(
      ['durationMs', 'eventType', 'success', 'timestamp', 'toolName'].sort(),
    );
    expect(first).toEqual({
      eventType: 'tool_end',
      toolName: 'web_search',
      success: true,
      durationMs: 13,
      timestamp: expect.any(String),
    });
    expect(second).toEqual({
      eventType: 'tool_error',
      toolName: 'db_write',
      success: false,
      durationMs: 3,
      errorType: 'TimeoutError',
      timestamp: expect.any(String),
    });
    // A failure without an error class is still a tool_error.
    expect(third).toMatchObject({ eventType: 'tool_error', success: false });
    expect(third).not.toHaveProperty('errorType');
    expect(Date.parse(first?.timestamp as string)).toBeGreaterThanOrEqual(before - 1);
    expect(first?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('never throws on garbage and drops what it cannot send', async () => {
    const r = recorder();
    const b = new TelemetryBatcher(r.send);
    const garbage: unknown[][] = [
      [undefined, true, 1],
      [42, true, 1],
      ['', true, 1],
      [null, null, null],
      [{ toString: () => 'x' }, 'yes', '12'],
    ];
    for (const args of garbage) expect(() => b.push(args[0], args[1], args[2], args[3])).not.toThrow();
    expect(b.stats().dropped).toBe(garbage.length);
    // Salvageable values are coerced to what the spec accepts.
    b.push('ok_tool', 'yes', Number.NaN, 42);
    b.push('ok_tool', true, -5, { name: 'Nope' });
    b.push('ok_tool', true, Number.POSITIVE_INFINITY, 'E'.repeat(500));
    b.push('t'.repeat(1000), true, 1, undefined);
    await b.flush();
    const events = r.batches.flat();
    expect(events.map((e) => e.durationMs)).toEqual([0, 0, 0, 1]);
    expect(events[0]).toMatchObject({ success: false });
    expect(events[0]?.errorType).toBeUndefined();
    expect(events[2]?.errorType).toHaveLength(128);
    expect(events[3]?.toolName).toHaveLength(256);
  });

  it('bounds the queue: past capacity new reports are dropped and counted', async () => {
    const r = recorder(() => new Promise(() => {})); // a gateway that never answers
    const b = new TelemetryBatcher(r.send, { capacity: 100, flushIntervalMs: 60_000 });
    for (let i = 0; i < 1_000; i++) b.push('t', true, 1, undefined);
    await vi.waitFor(() => expect(r.batches).toHaveLength(1));
    // 10 left in the one stuck request; the queue holds at most its capacity.
    const s = b.stats();
    expect(s.queued).toBeLessThanOrEqual(100);
    expect(s.queued + s.dropped + 10).toBe(1_000);
    expect(r.batches).toHaveLength(1); // still one request in flight, not one per batch
  });

  it('drops a failed batch and counts it, without retrying it', async () => {
    const r = recorder(async () => {
      throw new Error('gateway down: secret-looking payload');
    });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warns = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const b = new TelemetryBatcher(r.send, { flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) b.push('t', true, 1, undefined);
    await vi.waitFor(() => expect(b.stats().failedBatches).toBe(1));
    expect(b.stats()).toMatchObject({ sent: 0, dropped: 10, queued: 0 });
    await new Promise((r2) => setTimeout(r2, 20));
    expect(r.batches).toHaveLength(1);
    expect(errors).not.toHaveBeenCalled();
    expect(warns).not.toHaveBeenCalled();
  });

  it('flush stops at a failed batch and leaves the rest for the paced timer', async () => {
    const r = recorder(async () => {
      throw new Error('down');
    });
    const b = new TelemetryBatcher(r.send, { flushIntervalMs: 60_000 });
    b.flush(); // nothing queued: resolves at once
    for (let i = 0; i < 50; i++) b.push('t', true, 1, undefined);
    expect(await b.flush()).toBe(false);
    // One failed request (maybe two if the full-batch timer raced the flush), not five.
    expect(r.batches.length).toBeLessThanOrEqual(2);
    expect(b.stats().queued).toBeGreaterThanOrEqual(30);
  });

  describe('backoff after failed batches', () => {
    /** Pushes a full batch every 10 ms of fake time for `ms`; returns when each batch was sent. */
    async function run(ms: number, fail: (call: number) => boolean, random = 0) {
      vi.useFakeTimers();
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const times: number[] = [];
      const r = recorder(async () => {
        times.push(Date.now());
        if (fail(times.length)) throw new Error('503');
      });
      const b = new TelemetryBatcher(r.send, { flushIntervalMs: 100 });
      for (let t = 0; t < ms; t += 10) {
        for (let i = 0; i < 10; i++) b.push('t', true, 1, undefined);
        await vi.advanceTimersByTimeAsync(10);
      }
      vi.mocked(Math.random).mockRestore();
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      return { b, times, gaps };
    }

    it('waits double from one interval up to 12 intervals, not a batch per report', async () => {
      const { b, gaps } = await run(6_000, () => true);
      // 100, 200, 400, 800 ms, then the 1,200 ms cap (each plus the sender's own ~1 ms).
      const want = [100, 200, 400, 800, 1_200, 1_200, 1_200];
      expect(gaps.length).toBe(want.length);
      gaps.forEach((gap, i) => {
        expect(gap).toBeGreaterThanOrEqual(want[i]!);
        expect(gap).toBeLessThan(want[i]! + 20);
      });
      // The queue stays bounded and what it cannot hold is counted.
      expect(b.stats().queued).toBeLessThanOrEqual(1_000);
      expect(b.stats().dropped + b.stats().queued + b.stats().sent).toBe(6_000);
    });

    it('jitter shortens each wait by up to 25%', async () => {
      const { gaps } = await run(3_000, () => true, 0.999);
      const want = [75, 150, 300, 600, 900];
      gaps.slice(0, want.length).forEach((gap, i) => {
        expect(gap).toBeGreaterThanOrEqual(want[i]!);
        expect(gap).toBeLessThan(want[i]! + 20);
      });
    });

    it('the first success ends it: full batches go at once again', async () => {
      const { b, gaps } = await run(2_000, (call) => call <= 3);
      // Three failures (waits of 100, 200, 400 ms), then one full batch per push.
      expect(gaps.slice(0, 3).every((gap, i) => gap >= 100 * 2 ** i)).toBe(true);
      expect(gaps.slice(4).every((gap) => gap < 20)).toBe(true);
      expect(b.stats().failedBatches).toBe(3);
    });

    it('flush still sends at once during a backoff', async () => {
      const r = recorder(async () => {
        if (r.batches.length === 1) throw new Error('503');
      });
      const b = new TelemetryBatcher(r.send, { flushIntervalMs: 60_000 });
      for (let i = 0; i < 10; i++) b.push('t', true, 1, undefined);
      await vi.waitFor(() => expect(b.stats().failedBatches).toBe(1));
      b.push('t', true, 1, undefined);
      expect(await b.flush()).toBe(true);
      expect(b.stats()).toMatchObject({ sent: 1, dropped: 10 });
    });
  });

  it('flush(timeoutMs) gives up waiting but never rejects', async () => {
    const r = recorder(() => new Promise(() => {}));
    const b = new TelemetryBatcher(r.send);
    b.push('t', true, 1, undefined);
    const started = Date.now();
    expect(await b.flush(30)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('close flushes, then drops and counts later reports', async () => {
    const r = recorder();
    const b = new TelemetryBatcher(r.send);
    b.push('t', true, 1, undefined);
    expect(await b.close()).toBe(true);
    expect(b.stats().sent).toBe(1);
    b.push('t', true, 1, undefined);
    expect(b.stats()).toMatchObject({ dropped: 1, queued: 0 });
  });

  it('does not keep the process alive: its timer is unref-ed', async () => {
    const r = recorder();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const b = new TelemetryBatcher(r.send, { flushIntervalMs: 60_000 });
    b.push('t', true, 1, undefined);
    const timer = spy.mock.results.at(-1)?.value as NodeJS.Timeout;
    spy.mockRestore();
    expect(timer.hasRef()).toBe(false);
    await b.close();
  });

  it('rejects nonsense options', () => {
    const send = async () => {};
    expect(() => new TelemetryBatcher(send, { batchSize: 1_001 })).toThrow(/batchSize must be at most 1000/);
    expect(new TelemetryBatcher(send, { batchSize: 1_000 }).batchSize).toBe(1_000);
    expect(() => new TelemetryBatcher(send, { capacity: 0 })).toThrow(/queueCapacity/);
    expect(() => new TelemetryBatcher(send, { flushIntervalMs: -1 })).toThrow(/flushIntervalMs/);
  });
});

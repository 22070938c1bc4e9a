import { AgentTrustError, ValidationError } from '../core/errors.js';
import { type Log, SILENT } from '../core/log.js';
import { LIMITS, TELEMETRY } from '../generated/facts.js';
import type { TelemetryEvent } from '../generated/models.js';
import { nonNegative, positiveInt } from './breaker.js';

/**
 * One event as it leaves the process: exactly the fields the spec's `TelemetryEvent` allows
 * (`event_type` `tool_end` or `tool_error`, tool name, success, duration, error class name,
 * timestamp). The agent and session travel once per batch, as `telemetry.report`'s arguments.
 */
export type OutgoingTelemetryEvent = TelemetryEvent;

export interface TelemetryOptions {
  /** Events per request. Default 10 (the official guards'); the spec allows at most 1,000. */
  batchSize?: number;
  /** Events held while waiting to be sent; past it new reports are dropped and counted. Default 1,000. */
  capacity?: number;
  /** How long a partial batch waits before it is sent, in ms. Default 5,000. */
  flushIntervalMs?: number;
}

// The spec's defaults (facts.defaults.telemetry via facts.ts), typed as plain numbers.
export const TELEMETRY_DEFAULTS = Object.freeze<{
  batchSize: number;
  capacity: number;
  flushIntervalMs: number;
}>({
  ...TELEMETRY,
});

/** The longest wait after consecutive failed batches, in flush intervals (60 s at the default 5 s), as Go's. */
const MAX_BACKOFF_INTERVALS = 12;

/** The spec's `maxItems` for one batch. */
const MAX_BATCH = LIMITS.telemetryBatch;
const MAX_TOOL_NAME = LIMITS.toolName;
const MAX_ERROR_TYPE = LIMITS.errorType;

export interface TelemetryStats {
  /** Events the gateway accepted. */
  sent: number;
  /** Events dropped: queue full, failed batch, invalid report, or reported after close. */
  dropped: number;
  /** Events waiting to be sent. */
  queued: number;
  /** Batches that failed (their events are in `dropped`). */
  failedBatches: number;
  /** Whether a batch request is in flight now. */
  inFlight: boolean;
  capacity: number;
  batchSize: number;
}

/** Sends one batch, e.g. `(events) => client.telemetry.report(agentId, sessionId, events)`. */
export type SendBatch = (events: OutgoingTelemetryEvent[]) => Promise<unknown>;

/**
 * A bounded ring of tool-call reports, stored column-wise in preallocated arrays so `push()`
 * allocates nothing: no event object, no Date, no ISO string until a batch is built to be sent.
 * One request in flight at most; a failed batch is dropped and counted, not retried (the HTTP
 * client's own bounded retries apply), and its content is never logged. After a failed batch
 * nothing is sent until a backoff has passed: one flush interval, doubling with each consecutive
 * failure up to 12 intervals, each shortened by up to 25% at random so that many guards do not
 * come back in step; the first success ends it. `flush` and `close` still send at once.
 */
export class TelemetryBatcher {
  readonly batchSize: number;
  readonly capacity: number;
  readonly flushIntervalMs: number;
  private readonly tools: (string | undefined)[];
  private readonly errors: (string | undefined)[];
  private readonly ok: Uint8Array;
  private readonly durations: Float64Array;
  private readonly times: Float64Array;
  /** Queued events that make a batch worth sending at once: a full batch, or a full queue. */
  private readonly sendAt: number;
  private head = 0;
  private count = 0;
  private sentCount = 0;
  private droppedCount = 0;
  private failed = 0;
  private inFlight: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerImmediate = false;
  private closed = false;
  /** Consecutive failed batches, and the time (ms) before which the timers send nothing. */
  private failures = 0;
  private quietUntil = 0;

  /** Whether the queue-full warning was logged since the last batch went out. */
  private warnedFull = false;

  constructor(
    private readonly send: SendBatch,
    options: TelemetryOptions = {},
    /** `info`: each batch sent; `warn`: failed batches and a full queue. Never an event's content. */
    private readonly log: Log = SILENT,
  ) {
    this.batchSize = positiveInt(options.batchSize, TELEMETRY_DEFAULTS.batchSize, 'batchSize');
    if (this.batchSize > MAX_BATCH) {
      throw new ValidationError(
        'VALIDATION_ERROR',
        `batchSize must be at most ${MAX_BATCH} (the gateway's limit)`,
        {
          details: { field: 'batchSize' },
        },
      );
    }
    this.capacity = positiveInt(options.capacity, TELEMETRY_DEFAULTS.capacity, 'queueCapacity');
    this.flushIntervalMs = nonNegative(
      options.flushIntervalMs,
      TELEMETRY_DEFAULTS.flushIntervalMs,
      'flushIntervalMs',
    );
    // A queue smaller than a batch sends when it is full, instead of dropping until the interval.
    this.sendAt = Math.min(this.batchSize, this.capacity);
    this.tools = new Array(this.capacity).fill(undefined);
    this.errors = new Array(this.capacity).fill(undefined);
    this.ok = new Uint8Array(this.capacity);
    this.durations = new Float64Array(this.capacity);
    this.times = new Float64Array(this.capacity);
  }

  /** Queues one report. Never throws; drops (and counts) what it cannot keep. */
  push(toolName: unknown, success: unknown, durationMs: unknown, errorType: unknown): void {
    try {
      if (this.closed || this.count === this.capacity || typeof toolName !== 'string' || toolName === '') {
        this.droppedCount++;
        if (this.count === this.capacity && !this.closed && !this.warnedFull && this.log.level >= 2) {
          this.warnedFull = true;
          this.log.warn(
            `telemetry queue full (${this.capacity} events): new reports are dropped and counted until a batch is sent`,
          );
        }
        return;
      }
      const at = (this.head + this.count) % this.capacity;
      this.tools[at] = toolName.length > MAX_TOOL_NAME ? toolName.slice(0, MAX_TOOL_NAME) : toolName;
      this.ok[at] = success === true ? 1 : 0;
      // NaN, negatives, Infinity and non-numbers become 0: the spec wants a non-negative integer.
      this.durations[at] =
        typeof durationMs === 'number' && durationMs > 0 && durationMs <= Number.MAX_SAFE_INTEGER
          ? durationMs
          : 0;
      this.errors[at] = typeof errorType === 'string' && errorType !== '' ? errorType : undefined;
      this.times[at] = Date.now();
      this.count++;
      if (this.inFlight === null) {
        const quiet = this.quietUntil - Date.now();
        if (quiet > 0) {
          if (this.timer === null) this.schedule(quiet);
        } else if (this.count >= this.sendAt) this.schedule(0);
        else if (this.timer === null) this.schedule(this.flushIntervalMs);
      }
    } catch {
      // Unreachable in practice (every branch above is total); kept so report() can never throw.
      this.droppedCount++;
    }
  }

  stats(): TelemetryStats {
    return {
      sent: this.sentCount,
      dropped: this.droppedCount,
      queued: this.count,
      failedBatches: this.failed,
      inFlight: this.inFlight !== null,
      capacity: this.capacity,
      batchSize: this.batchSize,
    };
  }

  /**
   * Sends what is queued now, batch after batch. Resolves true when the queue is empty and
   * nothing is in flight; false if a batch failed (the rest stays queued for the paced timer, so
   * a flush against a gateway that is down costs one request, not one per batch) or `timeoutMs`
   * passed first (the sending goes on in the background). Never rejects.
   */
  async flush(timeoutMs?: number): Promise<boolean> {
    this.clearTimer();
    const drained = this.drain();
    if (timeoutMs === undefined) return drained;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timeout = setTimeout(() => resolve(false), Math.max(0, timeoutMs));
    });
    try {
      return await Promise.race([drained, timedOut]);
    } finally {
      clearTimeout(timeout);
    }
  }

  /**
   * Flushes, then refuses further reports (they count as dropped); what could not be sent is
   * dropped and counted too, so a closed batcher holds nothing.
   */
  async close(timeoutMs?: number): Promise<boolean> {
    const done = await this.flush(timeoutMs);
    this.closed = true;
    this.clearTimer();
    this.droppedCount += this.count;
    for (let i = 0; i < this.count; i++) {
      const at = (this.head + i) % this.capacity;
      this.tools[at] = undefined;
      this.errors[at] = undefined;
    }
    this.head = 0;
    this.count = 0;
    return done;
  }

  private async drain(): Promise<boolean> {
    for (;;) {
      if (this.inFlight) {
        await this.inFlight;
        continue;
      }
      if (this.count === 0) return true;
      if (!(await this.sendOne())) return false;
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null) {
      // Keep a pending timer unless this one must fire sooner (a full batch waiting on the interval).
      if (delayMs !== 0 || this.timerImmediate) return;
      clearTimeout(this.timer);
    }
    const timer = setTimeout(() => {
      this.timer = null;
      if (this.inFlight !== null || this.count === 0) return;
      // A timer set before a failure may fire inside its backoff: wait out the rest.
      const quiet = this.quietUntil - Date.now();
      if (quiet > 0) this.schedule(quiet);
      else void this.sendOne();
    }, delayMs);
    // A pending report must not keep a finished program alive (Node, Bun; absent in browsers).
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
    this.timerImmediate = delayMs === 0;
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Sends the oldest batch; resolves whether the gateway took it. */
  private sendOne(): Promise<boolean> {
    const n = Math.min(this.count, this.batchSize);
    const events: OutgoingTelemetryEvent[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const at = this.head;
      const ok = this.ok[at] === 1;
      const event: OutgoingTelemetryEvent = {
        eventType: ok ? 'tool_end' : 'tool_error',
        toolName: this.tools[at] as string,
        success: ok,
        durationMs: Math.round(this.durations[at] as number),
        timestamp: new Date(this.times[at] as number).toISOString(),
      };
      const errorType = this.errors[at];
      if (errorType !== undefined) {
        event.errorType = errorType.length > MAX_ERROR_TYPE ? errorType.slice(0, MAX_ERROR_TYPE) : errorType;
      }
      events[i] = event;
      this.tools[at] = undefined;
      this.errors[at] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.count--;
    }
    // `.then` callbacks always run later, so `inFlight` is set before it is cleared even when
    // `send` fails synchronously.
    const flight = Promise.resolve()
      .then(() => this.send(events))
      .then(
        () => true,
        // Dropped and counted; only the error's class and code are logged (its message may quote the request).
        (error: unknown) => {
          if (this.log.level >= 2) {
            const what = AgentTrustError.isInstance(error) ? `${error.name} ${error.code}` : 'an error';
            this.log.warn(`telemetry batch of ${n} events failed (${what}): dropped and counted`);
          }
          return false;
        },
      )
      .then((ok) => {
        if (ok) {
          this.log.info(`telemetry batch of ${n} events sent`);
          this.warnedFull = false;
          this.sentCount += n;
          this.failures = 0;
          this.quietUntil = 0;
        } else {
          this.failed++;
          this.droppedCount += n;
          const wait = this.flushIntervalMs * Math.min(2 ** this.failures, MAX_BACKOFF_INTERVALS);
          this.quietUntil = Date.now() + wait * (1 - Math.random() * 0.25);
          this.failures++;
        }
        this.inFlight = null;
        if (this.count > 0 && !this.closed) {
          // A full batch goes at once after a success, a partial one after the interval; after a
          // failure everything waits out the backoff, so a gateway that is down is not hammered.
          const quiet = this.quietUntil - Date.now();
          this.schedule(quiet > 0 ? quiet : this.count >= this.sendAt ? 0 : this.flushIntervalMs);
        }
        return ok;
      });
    this.inFlight = flight.then(() => undefined);
    return flight;
  }
}

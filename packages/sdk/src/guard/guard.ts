import { AgentTrustError, ValidationError } from '../core/errors.js';
import type { RequestCredentials } from '../core/http.js';
import { type Log, makeLog } from '../core/log.js';
import { ACTION_EFFECT_VALUES, LIMITS } from '../generated/facts.js';
import type { Approval } from '../generated/models.js';
import {
  type BreakerSnapshot,
  type BreakerState,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from './breaker.js';
import { digestToolInput } from './digest.js';
import {
  ActionDeniedError,
  ApprovalDeniedError,
  ApprovalExpiredError,
  ApprovalTimeoutError,
  ElevationRequiredError,
  GuardianUnavailableError,
} from './errors.js';
import { TelemetryBatcher, type TelemetryStats } from './telemetry.js';
import { truncateSummary } from './truncate.js';
import type { ActionEffect, GuardCheckResult, GuardClient, GuardRequestOptions } from './types.js';

export interface AgentTrustGuardOptions {
  /**
   * Sent as `session_id` on every check and telemetry batch; approvals are bound to it. Default: a
   * new UUID (`crypto.randomUUID()`), which the gateway treats as an implicit open session.
   */
  sessionId?: string;
  /** Throw `ActionDeniedError` / `ElevationRequiredError` on a denial. Default true; false returns the decision. */
  blockOnDeny?: boolean;
  /** When Guardian cannot be asked: false (default) throws GUARDIAN_UNAVAILABLE, true allows with `failedOpen: true`. */
  failOpen?: boolean;
  /** Send the input summary as `action_input_summary` (capped at 200 code points). Default false: no summary leaves the process. */
  logInputs?: boolean;
  /** Effect used when a check names none. Default: none (Guardian classifies the tool name). */
  actionEffect?: ActionEffect;
  /** Per-check timeout in ms, passed to the client. Default: the client's timeout. */
  checkTimeoutMs?: number;
  /** Retries per check, passed to the client. Default: the client's. */
  checkMaxRetries?: number;
  /** Telemetry events per request. Default 10, at most 1,000 (the spec's defaults and limit). */
  batchSize?: number;
  /** Reports held in memory at most; past it new ones are dropped and counted. Default 1,000. */
  queueCapacity?: number;
  /** How long a partial telemetry batch waits, in ms. Default 5,000. */
  flushIntervalMs?: number;
  /** Circuit breaker in front of Guardian (defaults: 5 failures in 10 s open it for 30 s), or false for none. */
  breaker?: Omit<CircuitBreakerOptions, 'clock'> | false;
  /** Called when a call needs a human's approval (by `checkOrWaitForApproval` and `wrap`). */
  onApprovalRequired?: (request: ApprovalRequest) => void | Promise<void>;
  /** Milliseconds clock for the breaker and approval deadlines; injectable for tests. Default `Date.now`. */
  clock?: () => number;
  /**
   * The agent's credentials (`new AgentCredentials(client, agentId)` from
   * `@agenttrustid/sdk/identity`): every check then carries a WIMSE bearer and a DPoP proof, as
   * an organization with `require_sender_constrained_tokens` demands. Default: none.
   */
  credentials?: RequestCredentials;
}

/** Per-call options of `check`. */
export interface CheckOptions {
  /**
   * The tool's full input. It never leaves the process, and neither does its digest: the
   * gateway's check has no input field, and binds an approval to agent, tool, effect and session
   * only. Its SHA-256 (`digestToolInput`) is validated and handed to `onApprovalRequired` as
   * `toolInputDigest`, so whoever approves can tie the approval to this one input.
   */
  input?: unknown;
  /** A precomputed `toolInputDigest` (64 lowercase hex characters); wins over `input`. */
  inputDigest?: string;
  /** Aborts the check (the error is the signal's reason, and the breaker does not count it). */
  signal?: AbortSignal;
}

export interface WaitForApprovalOptions extends CheckOptions {
  /** Give up after this long with APPROVAL_TIMEOUT, in ms. Default 600,000 (approvals expire after 5 minutes). */
  timeoutMs?: number;
  /** First wait between polls of `approvals.get`, in ms. Default 1,000. */
  pollIntervalMs?: number;
  /** Longest wait between polls, in ms; the wait grows by 1.5x from `pollIntervalMs`. Default 10,000. */
  maxPollIntervalMs?: number;
  /** Overrides the guard's `onApprovalRequired` for this call. */
  onApprovalRequired?: (request: ApprovalRequest) => void | Promise<void>;
}

/** What a human is asked to approve. */
export interface ApprovalRequest {
  approvalId: string;
  toolName: string;
  actionEffect: ActionEffect | undefined;
  checkId: string | undefined;
  reason: string | undefined;
  agentId: string;
  sessionId: string;
  /**
   * SHA-256 of the call's input, when the caller supplied it. Local only: the gateway's approval
   * is bound to agent, tool, effect and session, not to this digest.
   */
  toolInputDigest?: string;
}

/** Guardian's decision, marked as not failed-open. */
export type GuardianDecision = GuardCheckResult & { failedOpen: false };

/** Guardian could not be asked and `failOpen` let the call through. */
export interface FailedOpenDecision {
  allowed: true;
  failedOpen: true;
  reason: string;
  elevationRequired: false;
  approvalId: null;
  checkId: null;
  retryable: true;
  /** Why Guardian could not be asked. */
  cause: GuardianUnavailableError;
}

export type GuardDecision = GuardianDecision | FailedOpenDecision;

export interface WrapOptions<A extends unknown[]> {
  /** The effect to declare for every call. Default: the guard's `actionEffect`. */
  effect?: ActionEffect;
  /** Builds the summary from the arguments (sent only with `logInputs`). */
  summary?: (...args: A) => string;
  /**
   * The input whose digest `onApprovalRequired` receives (never sent): true digests the first
   * argument, a function digests what it returns. Default false.
   */
  bindInput?: boolean | ((...args: A) => unknown);
  /** On ELEVATION_REQUIRED wait for the approval (true, or the wait's options) instead of throwing. */
  waitForApproval?: boolean | Omit<WaitForApprovalOptions, 'input' | 'inputDigest' | 'signal'>;
}

export interface CheckStats {
  total: number;
  allowed: number;
  denied: number;
  elevationRequired: number;
  failedOpen: number;
  unavailable: number;
}

export interface GuardStats extends TelemetryStats {
  sessionId: string;
  checks: CheckStats;
  breaker: BreakerSnapshot | null;
}

const EFFECTS: ReadonlySet<string> = new Set(ACTION_EFFECT_VALUES);
// The wire's decision has no `retryable`: a suspended agent can be reactivated, a pending
// elevation approved; every other denial stands until the policy changes.
const RETRYABLE_RULES: ReadonlySet<string> = new Set(['agent_suspended', 'elevation_required']);
const DIGEST = /^[0-9a-f]{64}$/;
const MAX_TOOL_NAME = LIMITS.toolName;
const MAX_SESSION_ID = LIMITS.sessionId;

/**
 * One object that wraps every tool call of an agent: `check()` before, `report()` after,
 * `flush()`/`close()` at the end (guide section 7).
 */
export class AgentTrustGuard {
  readonly agentId: string;
  readonly sessionId: string;
  readonly blockOnDeny: boolean;
  readonly failOpen: boolean;
  readonly logInputs: boolean;
  readonly actionEffect: ActionEffect | undefined;
  private readonly client: GuardClient;
  private readonly breaker: CircuitBreaker | null;
  private readonly batcher: TelemetryBatcher;
  private readonly requestOptions: GuardRequestOptions | undefined;
  private readonly onApprovalRequired: AgentTrustGuardOptions['onApprovalRequired'];
  private readonly clock: () => number;
  /** The client's log (an AgentTrustClient's), else one from AGENTTRUST_LOG. */
  private readonly log: Log;
  private readonly counts: CheckStats = {
    total: 0,
    allowed: 0,
    denied: 0,
    elevationRequired: 0,
    failedOpen: 0,
    unavailable: 0,
  };

  constructor(client: GuardClient, agentId: string, options: AgentTrustGuardOptions = {}) {
    if (!client || typeof client !== 'object' || typeof client.actions?.check !== 'function') {
      throw validationError('AgentTrustGuard needs an AgentTrustClient as its first argument', 'client');
    }
    if (typeof agentId !== 'string' || agentId === '') {
      throw validationError('AgentTrustGuard needs a non-empty agentId', 'agentId');
    }
    if (
      options.sessionId !== undefined &&
      (typeof options.sessionId !== 'string' ||
        options.sessionId === '' ||
        codePoints(options.sessionId) > MAX_SESSION_ID)
    ) {
      // Longer ids would make every check a 400; the spec counts code points, as Python and Go do.
      throw validationError(
        `sessionId must be a non-empty string of at most ${MAX_SESSION_ID} characters`,
        'sessionId',
      );
    }
    if (options.actionEffect !== undefined && !EFFECTS.has(options.actionEffect)) {
      throw validationError('actionEffect must be one of read, mutating, destructive, admin', 'actionEffect');
    }
    this.client = client;
    this.log = (client as { _log?: Log })._log ?? makeLog(undefined, undefined);
    this.agentId = agentId;
    this.sessionId = options.sessionId ?? randomUuid();
    this.blockOnDeny = options.blockOnDeny ?? true;
    this.failOpen = options.failOpen ?? false;
    this.logInputs = options.logInputs ?? false;
    this.actionEffect = options.actionEffect;
    this.onApprovalRequired = options.onApprovalRequired;
    this.clock = options.clock ?? Date.now;
    this.breaker =
      options.breaker === false ? null : new CircuitBreaker({ ...options.breaker, clock: this.clock });
    const requestOptions: GuardRequestOptions = {};
    if (options.checkTimeoutMs !== undefined) requestOptions.timeout = options.checkTimeoutMs;
    if (options.checkMaxRetries !== undefined) requestOptions.maxRetries = options.checkMaxRetries;
    if (options.credentials !== undefined) requestOptions.credentials = options.credentials;
    this.requestOptions = Object.keys(requestOptions).length > 0 ? requestOptions : undefined;
    this.batcher = new TelemetryBatcher(
      (events) => this.client.telemetry.report(this.agentId, this.sessionId, events),
      {
        batchSize: options.batchSize,
        capacity: options.queueCapacity,
        flushIntervalMs: options.flushIntervalMs,
      },
      this.log,
    );
  }

  /** The circuit breaker's state: `closed`, `open`, `half_open`; `closed` when it is disabled. */
  get breakerState(): BreakerState {
    return this.breaker?.state ?? 'closed';
  }

  /**
   * Asks Guardian whether `toolName` may run. Resolves with the decision when allowed (or, with
   * `blockOnDeny: false`, always); otherwise throws `ActionDeniedError` (ACTION_DENIED) or
   * `ElevationRequiredError` (ELEVATION_REQUIRED, `details.approvalId`). When Guardian cannot be
   * asked: `GuardianUnavailableError` (GUARDIAN_UNAVAILABLE), or with `failOpen` an allowed
   * decision marked `failedOpen: true`. Other client errors (AUTH_FAILED, VALIDATION_ERROR, ...)
   * pass through unchanged.
   */
  async check(
    toolName: string,
    summary?: string,
    effect?: ActionEffect,
    options?: CheckOptions,
  ): Promise<GuardDecision> {
    // The digest is not sent and only `checkOrWaitForApproval` hands it on, but a bad one is a
    // VALIDATION_ERROR here too, as in every SDK. No input (the common case) skips the await.
    if (options && (options.inputDigest !== undefined || 'input' in options))
      await this.resolveDigest(options);
    const decision = await this.decide(toolName, summary, effect, options?.signal);
    if (this.blockOnDeny) this.enforce(toolName, decision);
    return decision;
  }

  /**
   * `check()`, but on ELEVATION_REQUIRED: tells `onApprovalRequired`, polls `approvals.get` with
   * backoff until the approval is decided, then checks again (same agent, tool, effect and session:
   * what the gateway binds the approval to) and returns that decision. Throws `ApprovalDeniedError`
   * (APPROVAL_DENIED), `ApprovalExpiredError` (APPROVAL_EXPIRED), `ApprovalTimeoutError`
   * (APPROVAL_TIMEOUT), or the signal's reason when aborted.
   */
  async checkOrWaitForApproval(
    toolName: string,
    summary?: string,
    effect?: ActionEffect,
    options: WaitForApprovalOptions = {},
  ): Promise<GuardDecision> {
    const signal = options.signal;
    const digest = await this.resolveDigest(options);
    const first = await this.decide(toolName, summary, effect, signal);
    if (first.allowed || !first.elevationRequired || first.approvalId == null) {
      if (this.blockOnDeny) this.enforce(toolName, first);
      return first;
    }
    const approvalId = first.approvalId;
    const notify = options.onApprovalRequired ?? this.onApprovalRequired;
    if (notify) {
      const request: ApprovalRequest = {
        approvalId,
        toolName,
        actionEffect: first.actionEffect,
        checkId: first.checkId,
        reason: first.reason,
        agentId: this.agentId,
        sessionId: this.sessionId,
      };
      if (digest !== undefined) request.toolInputDigest = digest;
      await notify(request);
    }
    const approval = await this.waitForDecision(approvalId, toolName, options);
    if (approval.status === 'denied') throw new ApprovalDeniedError(approvalId, toolName, approval.decidedBy);
    if (approval.status === 'expired') throw new ApprovalExpiredError(approvalId, toolName);
    // Approved: ask again, in the same binding (agent, tool, effect, session) the approval allows.
    const second = await this.decide(toolName, summary, effect, signal);
    if (this.blockOnDeny) this.enforce(toolName, second);
    return second;
  }

  /**
   * Records one finished tool call for telemetry. Synchronous, allocation-free, never throws:
   * bad arguments or a full queue drop the report and count it in `stats().dropped`.
   */
  report(toolName: string, success: boolean, durationMs: number, errorType?: string): void {
    this.batcher.push(toolName, success, durationMs, errorType);
  }

  /**
   * Wraps a tool: the returned function checks (or waits for approval), runs `fn`, times it,
   * reports success or the error's class name, and rethrows `fn`'s own error unchanged. A call
   * Guardian does not allow never runs, whatever `blockOnDeny` says.
   */
  wrap<A extends unknown[], R>(
    toolName: string,
    fn: (...args: A) => R | PromiseLike<R>,
    options: WrapOptions<A> = {},
  ): (...args: A) => Promise<Awaited<R>> {
    if (typeof fn !== 'function') throw validationError('guard.wrap needs a function to wrap', 'fn');
    assertToolName(toolName);
    return async (...args: A): Promise<Awaited<R>> => {
      const summary = options.summary ? options.summary(...args) : undefined;
      const checkOptions: CheckOptions = {};
      if (options.bindInput) {
        checkOptions.input = typeof options.bindInput === 'function' ? options.bindInput(...args) : args[0];
      }
      const effect = options.effect;
      const decision = options.waitForApproval
        ? await this.checkOrWaitForApproval(toolName, summary, effect, {
            ...(typeof options.waitForApproval === 'object' ? options.waitForApproval : {}),
            ...checkOptions,
          })
        : await this.check(toolName, summary, effect, checkOptions);
      this.enforce(toolName, decision);
      return this.measure(toolName, () => fn(...args));
    };
  }

  /**
   * Runs an already-authorized tool call: times it, reports success or the error's class name,
   * and returns its result or rethrows its own error unchanged. `wrap` and the framework
   * adapters use it after their check.
   */
  async measure<R>(toolName: string, run: () => R | PromiseLike<R>): Promise<Awaited<R>> {
    const start = now();
    let result: Awaited<R>;
    try {
      result = await run();
    } catch (error) {
      this.report(toolName, false, now() - start, errorTypeOf(error));
      throw error;
    }
    this.report(toolName, true, now() - start);
    return result;
  }

  /** Sends queued telemetry; resolves true when all of it went out (false on a failed batch or timeout). */
  flush(timeoutMs?: number): Promise<boolean> {
    return this.batcher.flush(timeoutMs);
  }

  /** Flushes and stops telemetry; later reports are dropped and counted. Checks keep working. */
  close(timeoutMs?: number): Promise<boolean> {
    return this.batcher.close(timeoutMs);
  }

  stats(): GuardStats {
    return {
      sessionId: this.sessionId,
      ...this.batcher.stats(),
      checks: { ...this.counts },
      breaker: this.breaker?.snapshot() ?? null,
    };
  }

  private async resolveDigest(options: CheckOptions | undefined): Promise<string | undefined> {
    if (options === undefined) return undefined;
    if (options.inputDigest !== undefined) {
      if (typeof options.inputDigest !== 'string' || !DIGEST.test(options.inputDigest)) {
        throw validationError(
          'inputDigest must be a SHA-256 digest: 64 lowercase hex characters',
          'inputDigest',
        );
      }
      return options.inputDigest;
    }
    if (!('input' in options)) return undefined;
    try {
      return await digestToolInput(options.input);
    } catch (error) {
      throw validationError(`input cannot be digested: ${(error as Error).message}`, 'input');
    }
  }

  /** One round trip to Guardian; a denial is a value here, unavailability is handled per failOpen. */
  private async decide(
    toolName: string,
    summary: string | undefined,
    effect: ActionEffect | undefined,
    signal: AbortSignal | undefined,
  ): Promise<GuardDecision> {
    assertToolName(toolName);
    const actionEffect = effect ?? this.actionEffect;
    if (actionEffect !== undefined && !EFFECTS.has(actionEffect)) {
      throw validationError(`effect must be one of read, mutating, destructive, admin`, 'effect');
    }
    if (summary !== undefined && typeof summary !== 'string') {
      throw validationError('summary must be a string', 'summary');
    }
    signal?.throwIfAborted();
    this.counts.total++;
    if (this.breaker && !this.breaker.acquire()) {
      const snapshot = this.breaker.snapshot();
      return this.unavailable(
        new GuardianUnavailableError(
          'Guardian is unavailable: the circuit breaker is open after repeated failures',
          { toolName, breaker: snapshot.state, retryAt: snapshot.retryAt },
        ),
      );
    }
    const params: Parameters<GuardClient['actions']['check']>[0] = {
      agentId: this.agentId,
      toolName,
      sessionId: this.sessionId,
    };
    if (actionEffect !== undefined) params.actionEffect = actionEffect;
    if (this.logInputs && summary) params.toolInputSummary = truncateSummary(summary);
    // No input and no digest: the gateway's check has no field for either.
    const requestOptions = signal ? { ...this.requestOptions, signal } : this.requestOptions;
    let result: GuardCheckResult;
    try {
      result = await this.client.actions.check(params, requestOptions);
    } catch (error) {
      if (signal?.aborted) {
        this.breaker?.release();
        throw signal.reason;
      }
      if (!isUnavailability(error)) {
        // Guardian answered (401, 403, 404, 400...): it is up, and the error is the caller's to see.
        this.breaker?.onSuccess();
        throw error;
      }
      this.breaker?.onFailure();
      const reason = error instanceof Error ? error.message : String(error);
      return this.unavailable(
        new GuardianUnavailableError(
          `Guardian is unavailable: ${reason}`,
          {
            toolName,
            breaker: this.breaker?.state ?? 'closed',
            ...(AgentTrustError.isInstance(error) ? { causeCode: error.code, status: error.status } : {}),
          },
          error,
        ),
      );
    }
    this.breaker?.onSuccess();
    if (result.allowed) this.counts.allowed++;
    else if (result.elevationRequired) this.counts.elevationRequired++;
    else this.counts.denied++;
    const decision: GuardianDecision = { ...result, failedOpen: false };
    if (actionEffect !== undefined) decision.actionEffect = actionEffect;
    if (!result.allowed && (result as GuardCheckResult).retryable === undefined) {
      decision.retryable = result.elevationRequired === true || RETRYABLE_RULES.has(result.rule ?? '');
    }
    return decision;
  }

  private unavailable(error: GuardianUnavailableError): GuardDecision {
    this.counts.unavailable++;
    if (!this.failOpen) throw error;
    this.counts.failedOpen++;
    const cause = AgentTrustError.isInstance(error.cause)
      ? ` after ${error.cause.name} ${error.cause.code}`
      : '';
    this.log.warn(
      `Guardian unavailable${cause}: allowed without a decision (failOpen), agent ${this.agentId}`,
    );
    return {
      allowed: true,
      failedOpen: true,
      reason: `Allowed without a decision (failOpen): ${error.message}`,
      elevationRequired: false,
      approvalId: null,
      checkId: null,
      retryable: true,
      cause: error,
    };
  }

  private enforce(toolName: string, decision: GuardDecision): void {
    if (decision.allowed) return;
    if (decision.elevationRequired && decision.approvalId != null) {
      throw new ElevationRequiredError(toolName, { ...decision, approvalId: decision.approvalId });
    }
    throw new ActionDeniedError(toolName, decision);
  }

  private async waitForDecision(
    approvalId: string,
    toolName: string,
    options: WaitForApprovalOptions,
  ): Promise<Approval> {
    const timeoutMs = options.timeoutMs ?? 600_000;
    let delay = options.pollIntervalMs ?? 1_000;
    const maxDelay = options.maxPollIntervalMs ?? 10_000;
    for (const [name, value] of [
      ['timeoutMs', timeoutMs],
      ['pollIntervalMs', delay],
      ['maxPollIntervalMs', maxDelay],
    ] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw validationError(`${name} must be a finite number >= 0`, name);
      }
    }
    const started = this.clock();
    const deadline = started + timeoutMs;
    const signal = options.signal;
    for (;;) {
      const left = deadline - this.clock();
      if (left <= 0) throw new ApprovalTimeoutError(approvalId, toolName, this.clock() - started);
      await sleep(Math.min(delay, left), signal);
      delay = Math.min(delay * 1.5, maxDelay);
      let approval: Approval;
      try {
        approval = await this.client.approvals.get(approvalId, signal ? { signal } : undefined);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        // A blip while polling is retried on the next tick; an answer like 401 or 404 is final.
        if (isUnavailability(error) || (AgentTrustError.isInstance(error) && error.status === 429)) continue;
        throw error;
      }
      if (approval.status !== 'pending') return approval;
    }
  }
}

/** Network failure, timeout, 5xx after retries, or an unreadable answer: Guardian cannot decide. */
function isUnavailability(error: unknown): boolean {
  if (!AgentTrustError.isInstance(error)) return true;
  if (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT' || error.code === 'INVALID_RESPONSE')
    return true;
  return typeof error.status === 'number' && error.status >= 500;
}

function assertToolName(toolName: unknown): void {
  if (typeof toolName !== 'string' || toolName === '' || toolName.length > MAX_TOOL_NAME) {
    throw validationError(
      `toolName must be a non-empty string of at most ${MAX_TOOL_NAME} characters`,
      'toolName',
    );
  }
}

function validationError(message: string, field: string): AgentTrustError {
  return new ValidationError('VALIDATION_ERROR', message, { details: { field } });
}

/** The error's class name, never its message (guide section 13). */
export function errorTypeOf(error: unknown): string {
  if (error === null || error === undefined) return String(error);
  if (typeof error !== 'object' && typeof error !== 'function') return typeof error;
  const ctor = (error as { constructor?: { name?: unknown } }).constructor;
  if (ctor && typeof ctor.name === 'string' && ctor.name !== '' && ctor.name !== 'Object') return ctor.name;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : 'Error';
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function randomUuid(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (!c?.randomUUID) throw new TypeError('crypto.randomUUID is not available: pass options.sessionId');
  return c.randomUUID();
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

// What every framework adapter shares: ask the guard, and turn a refusal into a tool result the
// model can read (instead of an exception that would end the agent's run).
import { AgentTrustError, type ErrorCode } from '../core/errors.js';
import type { AgentTrustGuard, GuardDecision, WaitForApprovalOptions } from '../guard/guard.js';
import type { ActionEffect } from '../guard/types.js';

export interface GuardedToolOptions<I = unknown> {
  /** The effect to declare. Default: the guard's `actionEffect`, else Guardian classifies the name. */
  effect?: ActionEffect;
  /**
   * With `waitForApproval`, hand the SHA-256 of the tool's input to `onApprovalRequired` as
   * `toolInputDigest` (neither the input nor the digest is sent). Default true.
   */
  bindInput?: boolean;
  /** A summary of the input (sent only when the guard has `logInputs`). */
  summary?: (input: I) => string;
  /**
   * On ELEVATION_REQUIRED, wait for a human's approval on the gateway (true, or the wait's
   * options) instead of answering the model that approval is pending. Default false.
   */
  waitForApproval?: boolean | Omit<WaitForApprovalOptions, 'input' | 'inputDigest' | 'signal'>;
}

/** The tool result a model receives when AgentTrust does not let a call run. */
export interface GuardDenial {
  /** Marks the result as a refusal by AgentTrust, not output of the tool. */
  agenttrust: 'denied' | 'approval_required' | 'unavailable';
  code: ErrorCode;
  tool: string;
  /** Guardian's reason (or why it could not be asked). */
  reason: string;
  /** Whether asking again later can succeed (after an approval, or once Guardian is back). */
  retryable: boolean;
  /** The pending approval a human must decide, when there is one. */
  approvalId?: string;
  /** One sentence for the model. */
  message: string;
}

const REFUSALS: ReadonlySet<string> = new Set([
  'ACTION_DENIED',
  'ELEVATION_REQUIRED',
  'GUARDIAN_UNAVAILABLE',
  'APPROVAL_DENIED',
  'APPROVAL_EXPIRED',
  'APPROVAL_TIMEOUT',
]);

/** The denial for a refusal error, or null for any other error (which the caller rethrows). */
export function denialFromError(tool: string, error: unknown): GuardDenial | null {
  if (!AgentTrustError.isInstance(error) || !REFUSALS.has(error.code)) return null;
  const details = error.details ?? {};
  const reason = typeof details.reason === 'string' ? details.reason : error.message;
  const approvalId = typeof details.approvalId === 'string' ? details.approvalId : undefined;
  switch (error.code) {
    case 'ELEVATION_REQUIRED':
      return denial('approval_required', error.code, tool, reason, true, approvalId);
    case 'GUARDIAN_UNAVAILABLE':
      return denial('unavailable', error.code, tool, error.message, true);
    case 'APPROVAL_TIMEOUT':
      return denial('approval_required', error.code, tool, error.message, true, approvalId);
    case 'APPROVAL_DENIED':
    case 'APPROVAL_EXPIRED':
      return denial('denied', error.code, tool, error.message, error.code === 'APPROVAL_EXPIRED', approvalId);
    default:
      return denial('denied', error.code, tool, reason, details.retryable === true, approvalId);
  }
}

function denial(
  kind: GuardDenial['agenttrust'],
  code: ErrorCode,
  tool: string,
  reason: string,
  retryable: boolean,
  approvalId?: string,
): GuardDenial {
  let message: string;
  if (kind === 'approval_required') {
    message = `The call to ${tool} needs a human's approval${approvalId ? ` (approval ${approvalId})` : ''}. Tell the user, and retry once it is approved.`;
  } else if (kind === 'unavailable') {
    message = `The call to ${tool} was blocked because AgentTrust could not be reached. Retrying later may help.`;
  } else {
    message = `AgentTrust denied the call to ${tool}: ${reason}. ${retryable ? 'Retrying later may help.' : 'Retrying will not help; do not try this call again.'}`;
  }
  const out: GuardDenial = { agenttrust: kind, code, tool, reason, retryable, message };
  if (approvalId !== undefined) out.approvalId = approvalId;
  return out;
}

/** A decision that did not allow (a guard with `blockOnDeny: false`) as a denial. */
function denialFromDecision(tool: string, decision: GuardDecision): GuardDenial {
  if (decision.elevationRequired && decision.approvalId != null) {
    return denial(
      'approval_required',
      'ELEVATION_REQUIRED',
      tool,
      decision.reason ?? '',
      true,
      decision.approvalId,
    );
  }
  return denial('denied', 'ACTION_DENIED', tool, decision.reason ?? '', decision.retryable === true);
}

/**
 * Asks the guard whether `tool` may run with `input`. Null when it may; a `GuardDenial` when
 * AgentTrust refuses; other errors (a wrong API key, bad arguments) are thrown.
 */
export async function authorize<I>(
  guard: AgentTrustGuard,
  tool: string,
  input: I,
  options: GuardedToolOptions<I>,
  signal?: AbortSignal,
): Promise<GuardDenial | null> {
  const summary = options.summary ? options.summary(input) : undefined;
  // The digest only reaches the approval callback, so it is computed only when waiting: a plain
  // check neither pays for it nor fails on an input it cannot represent (a BigInt, a cycle).
  const digestInput = options.waitForApproval && options.bindInput !== false && input !== undefined;
  const checkOptions = {
    ...(digestInput ? { input } : {}),
    ...(signal ? { signal } : {}),
  };
  try {
    const decision = options.waitForApproval
      ? await guard.checkOrWaitForApproval(tool, summary, options.effect, {
          ...(typeof options.waitForApproval === 'object' ? options.waitForApproval : {}),
          ...checkOptions,
        })
      : await guard.check(tool, summary, options.effect, checkOptions);
    return decision.allowed ? null : denialFromDecision(tool, decision);
  } catch (error) {
    const refused = denialFromError(tool, error);
    if (refused) return refused;
    throw error;
  }
}

/** Whether a tool result is an AgentTrust refusal (for apps that render them differently). */
export function isGuardDenial(value: unknown): value is GuardDenial {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as GuardDenial).agenttrust === 'string' &&
    typeof (value as GuardDenial).message === 'string'
  );
}

/** Pending approvals kept per tool call at most; a call the user never answered is forgotten. */
const MAX_PENDING = 1_000;

/** Remembers a tool call's pending approval, dropping the oldest past `MAX_PENDING`. */
export function remember(pending: Map<string, string>, callId: string, approvalId: string): void {
  pending.set(callId, approvalId);
  if (pending.size > MAX_PENDING) {
    const oldest = pending.keys().next().value;
    if (oldest !== undefined) pending.delete(oldest);
  }
}

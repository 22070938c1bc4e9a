import { AgentTrustError } from '../core/errors.js';
import type { GuardCheckResult } from './types.js';

/** What a refusal's `details` carry, from Guardian's decision. */
function decisionDetails(
  toolName: string,
  decision: GuardCheckResult,
  retryable: boolean,
): Record<string, unknown> {
  return {
    checkId: decision.checkId,
    reason: decision.reason,
    rule: decision.rule,
    toolName,
    actionEffect: decision.actionEffect,
    retryable,
  };
}

/** Guardian denied the call (code ACTION_DENIED). `details` carries the decision's check id and reason. */
export class ActionDeniedError extends AgentTrustError {
  static override readonly brand: string = 'ActionDeniedError';
  readonly checkId: string | undefined;
  readonly reason: string | undefined;
  /** Whether asking again can change the answer. */
  readonly retryable: boolean;
  readonly decision: GuardCheckResult;

  constructor(toolName: string, decision: GuardCheckResult) {
    super('ACTION_DENIED', `Guardian denied ${toolName}: ${decision.reason ?? 'no reason given'}`, {
      details: decisionDetails(toolName, decision, decision.retryable ?? false),
    });
    this.checkId = decision.checkId;
    this.reason = decision.reason;
    this.retryable = decision.retryable ?? false;
    this.decision = decision;
  }
}

/** The call needs an approved elevation first (code ELEVATION_REQUIRED, `details.approvalId`). */
export class ElevationRequiredError extends AgentTrustError {
  static override readonly brand: string = 'ElevationRequiredError';
  readonly approvalId: string;
  readonly checkId: string | undefined;
  readonly decision: GuardCheckResult;

  constructor(toolName: string, decision: GuardCheckResult & { approvalId: string }) {
    super(
      'ELEVATION_REQUIRED',
      `${toolName} needs an approved elevation (approval ${decision.approvalId})${decision.reason ? `: ${decision.reason}` : ''}`,
      {
        details: {
          approvalId: decision.approvalId,
          ...decisionDetails(toolName, decision, decision.retryable ?? true),
        },
      },
    );
    this.approvalId = decision.approvalId;
    this.checkId = decision.checkId;
    this.decision = decision;
  }
}

/** Guardian could not be asked (down, timing out, 5xx after retries, breaker open) and fail-open is off. */
export class GuardianUnavailableError extends AgentTrustError {
  static override readonly brand: string = 'GuardianUnavailableError';

  constructor(message: string, details: Record<string, unknown>, cause?: unknown) {
    super('GUARDIAN_UNAVAILABLE', message, { details, cause });
  }
}

export type ApprovalOutcomeCode = 'APPROVAL_DENIED' | 'APPROVAL_EXPIRED' | 'APPROVAL_TIMEOUT';

/** Waiting for an approval ended without one: denied, expired, or the caller's deadline passed. */
export class ApprovalError extends AgentTrustError {
  static override readonly brand: string = 'ApprovalError';
  readonly approvalId: string;

  constructor(
    code: ApprovalOutcomeCode,
    message: string,
    details: Record<string, unknown> & { approvalId: string },
  ) {
    super(code, message, { details });
    this.approvalId = details.approvalId;
  }
}

/** A human denied the elevation (code APPROVAL_DENIED). */
export class ApprovalDeniedError extends ApprovalError {
  static override readonly brand: string = 'ApprovalDeniedError';

  constructor(approvalId: string, toolName: string, decidedBy?: string | null) {
    super(
      'APPROVAL_DENIED',
      `The elevation for ${toolName} was denied${decidedBy ? ` by ${decidedBy}` : ''}`,
      {
        approvalId,
        toolName,
        decidedBy: decidedBy ?? null,
      },
    );
  }
}

/** Nobody decided before the approval expired on the gateway (code APPROVAL_EXPIRED). */
export class ApprovalExpiredError extends ApprovalError {
  static override readonly brand: string = 'ApprovalExpiredError';

  constructor(approvalId: string, toolName: string) {
    super('APPROVAL_EXPIRED', `The elevation request for ${toolName} expired before anyone decided`, {
      approvalId,
      toolName,
    });
  }
}

/** The caller's own deadline passed while the approval was still pending (code APPROVAL_TIMEOUT). */
export class ApprovalTimeoutError extends ApprovalError {
  static override readonly brand: string = 'ApprovalTimeoutError';

  constructor(approvalId: string, toolName: string, waitedMs: number) {
    super('APPROVAL_TIMEOUT', `No decision on the elevation for ${toolName} within ${waitedMs} ms`, {
      approvalId,
      toolName,
      waitedMs,
    });
  }
}

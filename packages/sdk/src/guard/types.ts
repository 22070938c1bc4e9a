/**
 * The slice of `AgentTrustClient` the guard uses, typed structurally so the guard can wrap any
 * object with these resources (the client, a client `withOptions(...)`, a test double).
 */
import type { components } from '@agenttrustid/spec/types';

export type ActionEffect = components['schemas']['ActionEffect'];
export type DecisionRule = components['schemas']['DecisionRule'];
export type ApprovalStatus = components['schemas']['ApprovalStatus'];

export interface GuardRequestOptions {
  signal?: AbortSignal;
  timeout?: number;
  maxRetries?: number;
}

export interface GuardCheckParams {
  agentId: string;
  toolName: string;
  toolInputSummary?: string;
  toolInputDigest?: string;
  sessionId?: string;
  actionEffect?: ActionEffect;
}

export interface GuardCheckResult {
  allowed: boolean;
  confidence: number;
  reason: string;
  rule: DecisionRule;
  checkId: string;
  actionEffect: ActionEffect;
  elevationRequired: boolean;
  approvalId: string | null;
  retryable?: boolean;
  sessionId?: string;
}

export interface GuardApproval {
  id: string;
  status: ApprovalStatus;
  expiresAt?: string | Date;
  decidedBy?: string | null;
  comment?: string | null;
}

export interface GuardClient {
  actions: {
    check(params: GuardCheckParams, options?: GuardRequestOptions): Promise<GuardCheckResult>;
  };
  approvals: {
    get(approvalId: string, options?: GuardRequestOptions): Promise<GuardApproval>;
  };
  telemetry: {
    send(
      batch: {
        events: {
          toolName: string;
          success: boolean;
          durationMs: number;
          errorType?: string;
          agentId: string;
          sessionId: string;
          timestamp: string;
        }[];
      },
      options?: GuardRequestOptions,
    ): Promise<unknown>;
  };
}

/**
 * The slice of `AgentTrustClient` the guard uses, typed structurally so the guard can wrap any
 * object with these resources (the client, a client with other options, a test double).
 */
import type { RequestOptions } from '../core/http.js';
import type { ActionCheckResult, ActionEffect, Approval, TelemetryEvent } from '../generated/models.js';
import type { ActionCheckParams } from '../generated/resources/actions.js';

export type { ActionEffect };
/**
 * Guardian's answer as the guard returns it: the gateway's decision, plus the effect the guard
 * declared (the gateway does not echo it) and whether asking again can change the answer.
 */
export type GuardCheckResult = ActionCheckResult & { actionEffect?: ActionEffect; retryable?: boolean };

export type GuardRequestOptions = Pick<RequestOptions, 'signal' | 'timeout' | 'maxRetries' | 'credentials'>;

export interface GuardClient {
  actions: {
    check(params: ActionCheckParams, options?: RequestOptions): Promise<ActionCheckResult>;
  };
  approvals: {
    get(approvalId: string, options?: RequestOptions): Promise<Approval>;
  };
  telemetry: {
    report(
      agentId: string,
      sessionId: string,
      events: TelemetryEvent[],
      options?: RequestOptions,
    ): Promise<unknown>;
  };
}

/**
 * The slice of `AgentTrustClient` the guard uses, typed structurally so the guard can wrap any
 * object with these resources (the client, a client with other options, a test double).
 */
import type { RequestOptions } from '../core/http.js';
import type {
  ActionCheckRequest,
  ActionCheckResult,
  ActionEffect,
  Approval,
  TelemetryBatch,
} from '../generated/models.js';

export type { ActionEffect };
export type GuardCheckResult = ActionCheckResult;

export type GuardRequestOptions = Pick<RequestOptions, 'signal' | 'timeout' | 'maxRetries'>;

export interface GuardClient {
  actions: {
    check(params: ActionCheckRequest, options?: RequestOptions): Promise<ActionCheckResult>;
  };
  approvals: {
    get(approvalId: string, options?: RequestOptions): Promise<Approval>;
  };
  telemetry: {
    send(batch: TelemetryBatch, options?: RequestOptions): Promise<unknown>;
  };
}

import type { RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource, segment } from '../core/resource.js';
import type { Approval, ApprovalStatus } from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { listApprovals, getApproval, approveApproval, denyApproval } = operations;

export interface ApprovalListParams {
  status?: ApprovalStatus;
  agentId?: string;
}

export interface ApprovalDecisionParams {
  /** A note kept with the decision. */
  comment?: string;
}

export class Approvals extends APIResource {
  /** Lists approvals, newest first, optionally by status or agent. */
  list(params: ApprovalListParams = {}, options?: RequestOptions): Promise<Approval[]> {
    return this._call(listApprovals, options, (c) =>
      api.listApprovals(toWire(params, listApprovals.query), c),
    );
  }

  get(approvalId: string, options?: RequestOptions): Promise<Approval> {
    return this._call(getApproval, options, (c) => api.getApproval(segment('approvalId', approvalId), c));
  }

  /** Approves a pending elevation; the agent's next matching check is allowed within the window. */
  approve(
    approvalId: string,
    decidedBy: string,
    params: ApprovalDecisionParams = {},
    options?: RequestOptions,
  ): Promise<Approval> {
    const body = toWire({ ...params, decidedBy }, approveApproval.body);
    return this._call(approveApproval, options, (c) =>
      api.approveApproval(segment('approvalId', approvalId), body, c),
    );
  }

  deny(
    approvalId: string,
    decidedBy: string,
    params: ApprovalDecisionParams = {},
    options?: RequestOptions,
  ): Promise<Approval> {
    const body = toWire({ ...params, decidedBy }, denyApproval.body);
    return this._call(denyApproval, options, (c) =>
      api.denyApproval(segment('approvalId', approvalId), body, c),
    );
  }
}

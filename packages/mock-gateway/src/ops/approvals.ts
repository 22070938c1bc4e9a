import {
  ApproveApprovalBody,
  ApproveApprovalParams,
  DenyApprovalBody,
  DenyApprovalParams,
  GetApprovalParams,
  ListApprovalsQueryParams,
} from '@agenttrustid/spec/zod';
import { conflict, notFound } from '../errors.js';
import { defineOp, json, type OpContext } from '../operation.js';
import { type Approval, newestFirst } from '../state.js';
import { approvalStatus, approvalView } from './common.js';

type DecisionCtx = OpContext<
  { approval_id: string },
  unknown,
  { decided_by: string; comment?: string | undefined }
>;

function findApproval(ctx: DecisionCtx | OpContext<{ approval_id: string }, unknown, unknown>): Approval {
  const approval = ctx.state.approvals.get(ctx.params.approval_id);
  if (!approval) throw notFound('approval', ctx.params.approval_id);
  return approval;
}

function decideApproval(ctx: DecisionCtx, status: 'approved' | 'denied') {
  const approval = findApproval(ctx);
  const current = approvalStatus(approval, ctx.clock.now());
  if (current !== 'pending') {
    throw conflict(`approval ${approval.id} is already ${current}`, { status: current });
  }
  approval.status = status;
  approval.decided_by = ctx.body.decided_by;
  approval.decided_at = ctx.clock.iso();
  approval.comment = ctx.body.comment ?? null;
  return json(200, approvalView(approval, ctx.clock.now()));
}

export const approvalOps = [
  defineOp({
    operationId: 'listApprovals',
    method: 'GET',
    path: '/v1/approvals',
    query: ListApprovalsQueryParams,
    handle: ({ query, state, clock }) => {
      const now = clock.now();
      const wanted = query.status ?? 'pending';
      const approvals = newestFirst(state.approvals.values())
        .filter((a) => approvalStatus(a, now) === wanted)
        .filter((a) => query.agent_id === undefined || a.agent_id === query.agent_id);
      return json(
        200,
        approvals.map((a) => approvalView(a, now)),
      );
    },
  }),
  defineOp({
    operationId: 'getApproval',
    method: 'GET',
    path: '/v1/approvals/{approval_id}',
    params: GetApprovalParams,
    handle: (ctx) => json(200, approvalView(findApproval(ctx), ctx.clock.now())),
  }),
  defineOp({
    operationId: 'approveApproval',
    method: 'POST',
    path: '/v1/approvals/{approval_id}/approve',
    params: ApproveApprovalParams,
    body: ApproveApprovalBody,
    bodyRequired: true,
    handle: (ctx) => decideApproval(ctx, 'approved'),
  }),
  defineOp({
    operationId: 'denyApproval',
    method: 'POST',
    path: '/v1/approvals/{approval_id}/deny',
    params: DenyApprovalParams,
    body: DenyApprovalBody,
    bodyRequired: true,
    handle: (ctx) => decideApproval(ctx, 'denied'),
  }),
];

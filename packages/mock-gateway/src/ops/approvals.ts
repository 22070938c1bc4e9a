import {
  ApproveApprovalBody,
  ApproveApprovalParams,
  DenyApprovalBody,
  DenyApprovalParams,
  GetApprovalParams,
} from '@agenttrustid/spec/zod';
import { conflict, notFound } from '../errors.js';
import { defineOp, json, type OpContext } from '../operation.js';
import type { Approval, GatewayState } from '../state.js';
import { approvalStatus, approvalView } from './common.js';

function findApproval(state: GatewayState, id: string): Approval {
  const approval = state.approvals.get(id);
  if (!approval) throw notFound('approval', id);
  return approval;
}

type DecisionCtx = OpContext<{ approval_id: string }, unknown, { decided_by: string }>;

/** Only a pending, unexpired approval can be decided; a decision is final. */
function decideApproval(ctx: DecisionCtx, status: 'approved' | 'denied') {
  const approval = findApproval(ctx.state, ctx.params.approval_id);
  const current = approvalStatus(approval, ctx.clock.now());
  if (current !== 'pending') {
    throw conflict(`approval ${approval.id} is already ${current}`, { status: current });
  }
  approval.status = status;
  approval.decided_by = ctx.body.decided_by;
  approval.decided_at = ctx.clock.iso();
  return json(200, approvalView(approval, ctx.clock.now()));
}

export const approvalOps = [
  defineOp({
    operationId: 'getApproval',
    method: 'GET',
    path: '/mcp/approvals/{approval_id}',
    params: GetApprovalParams,
    handle: ({ params, state, clock }) =>
      json(200, approvalView(findApproval(state, params.approval_id), clock.now())),
  }),
  defineOp({
    operationId: 'approveApproval',
    method: 'POST',
    path: '/mcp/approvals/{approval_id}/approve',
    params: ApproveApprovalParams,
    body: ApproveApprovalBody,
    bodyRequired: true,
    handle: (ctx) => decideApproval(ctx, 'approved'),
  }),
  defineOp({
    operationId: 'denyApproval',
    method: 'POST',
    path: '/mcp/approvals/{approval_id}/deny',
    params: DenyApprovalParams,
    body: DenyApprovalBody,
    bodyRequired: true,
    handle: (ctx) => decideApproval(ctx, 'denied'),
  }),
];

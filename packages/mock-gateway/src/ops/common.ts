/** Lookups and wire views shared by the operations. */
import type { components } from '@agenttrustid/spec/types';
import { GatewayError, notFound } from '../errors.js';
import type { OpContext } from '../operation.js';
import type { Agent, Approval, Delegation, GatewayState, McpServer, Session } from '../state.js';

type S = components['schemas'];
type Ctx = OpContext<unknown, unknown, unknown>;

export function findAgent(state: GatewayState, agentId: string): Agent {
  const agent = state.agents.get(agentId);
  if (!agent) throw notFound('agent', agentId);
  return agent;
}

/** Revoked and suspended agents may not act: 403 (or 409 where the spec says so). */
export function requireActive(agent: Agent, status: 403 | 409 = 403): void {
  if (agent.status === 'revoked') {
    throw new GatewayError(status, 'AGENT_REVOKED', `agent ${agent.id} is revoked`, { agent_id: agent.id });
  }
  if (agent.status === 'suspended') {
    throw new GatewayError(status, 'AGENT_SUSPENDED', `agent ${agent.id} is suspended`, {
      agent_id: agent.id,
    });
  }
}

/** A revoked agent is final: changing it is a 409 AGENT_REVOKED (`what`: "have its card published"). */
export function refuseRevoked(agent: Agent, what: string): void {
  if (agent.status === 'revoked') {
    throw new GatewayError(409, 'AGENT_REVOKED', `agent ${agent.id} is revoked and cannot ${what}`, {
      agent_id: agent.id,
      status: agent.status,
    });
  }
}

export function agentView(agent: Agent): S['Agent'] {
  const { seq: _, last_auth_at: __, ...wire } = agent;
  return structuredClone(wire);
}

export function sessionView(session: Session): S['Session'] {
  const { seq: _, implicit: __, allowed_calls: ___, ...wire } = session;
  return { ...structuredClone(wire), allowed_actions: [] };
}

/** A pending approval past its expiry reads as `expired`; nothing else changes by time. */
export function approvalStatus(approval: Approval, now: number): S['ApprovalStatus'] {
  if (approval.status === 'pending' && now >= Date.parse(approval.expires_at)) return 'expired';
  return approval.status;
}

export function approvalView(approval: Approval, now: number): S['Approval'] {
  return {
    id: approval.id,
    session_id: approval.session_id,
    agent_id: approval.agent_id,
    org_id: approval.org_id,
    action_name: approval.action_name,
    action_effect: approval.action_effect,
    status: approvalStatus(approval, now),
    created_at: approval.created_at,
    expires_at: approval.expires_at,
    decided_by: approval.decided_by,
  };
}

export type DelegationStatus = 'active' | 'expired' | 'revoked';

export function delegationStatus(delegation: Delegation, now: number): DelegationStatus {
  if (delegation.revoked_at !== undefined) return 'revoked';
  return now >= Date.parse(delegation.expires_at) ? 'expired' : 'active';
}

export function delegationView(delegation: Delegation): S['Delegation'] {
  const { seq: _, ...wire } = delegation;
  return structuredClone(wire);
}

export function serverView(server: McpServer): S['McpServer'] {
  const { seq: _, ...wire } = server;
  return structuredClone(wire);
}

/** A start and the instant `ms` later, from one clock reading so the span is exact. */
export function isoSpan(ctx: Ctx, ms: number): { start: string; end: string } {
  const now = ctx.clock.now();
  return { start: new Date(now).toISOString(), end: new Date(now + ms).toISOString() };
}

export function nextSeq(state: GatewayState): number {
  state.counter += 1;
  return state.counter;
}

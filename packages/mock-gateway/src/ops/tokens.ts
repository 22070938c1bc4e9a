import { IntrospectTokenBody, IssueTokenBody, RevokeTokenBody } from '@agenttrustid/spec/zod';
import { authDenied, notFound } from '../errors.js';
import { defineOp, json, noContent } from '../operation.js';
import { grantingCapability, uncovered } from '../policy.js';
import { type GatewayState, ORG_ID, type Token } from '../state.js';
import { findAgent, isoSpan, nextSeq, requireActive } from './common.js';

export type InactiveReason = 'unknown' | 'revoked' | 'expired' | 'agent_revoked' | 'agent_suspended';

/** Why a token may not be used now (checked in this order), or null when it may. */
export function tokenInactiveReason(
  state: GatewayState,
  token: Token | undefined,
  now: number,
): InactiveReason | null {
  if (!token) return 'unknown';
  if (token.revoked) return 'revoked';
  if (now >= Date.parse(token.expires_at)) return 'expired';
  const agent = state.agents.get(token.agent_id);
  if (!agent || agent.status === 'revoked') return 'agent_revoked';
  if (agent.status === 'suspended') return 'agent_suspended';
  return null;
}

const REASONING: Record<InactiveReason, string> = {
  unknown: 'token unknown',
  revoked: 'token revoked',
  expired: 'token expired',
  agent_revoked: "the token's agent is revoked",
  agent_suspended: "the token's agent is suspended",
};

export const tokenOps = [
  defineOp({
    operationId: 'issueToken',
    method: 'POST',
    path: '/api/v1/agent-tokens/issue',
    body: IssueTokenBody,
    bodyRequired: true,
    handle: (ctx) => {
      const { body, state, clock } = ctx;
      const agent = findAgent(state, body.agent_id);
      requireActive(agent);
      const missing = uncovered(agent.capabilities, body.scopes);
      if (missing.length > 0) {
        throw authDenied(`agent ${agent.id} does not hold scope ${missing[0]}`, {
          agent_id: agent.id,
          scope: missing[0],
        });
      }
      if (body.session_id !== undefined) {
        const session = state.sessions.get(body.session_id);
        if (session && session.agent_id !== agent.id)
          throw authDenied(`session ${body.session_id} belongs to another agent`, { field: 'session_id' });
      }
      agent.last_auth_at = clock.iso();
      const lifetime = isoSpan(ctx, (body.ttl ?? 300) * 1000);
      const token: Token = {
        seq: nextSeq(state),
        revoked: false,
        token: ctx.secret('at'),
        token_id: ctx.id('tok'),
        agent_id: agent.id,
        scopes: [...body.scopes],
        audience: [],
        session_id: body.session_id ?? null,
        issued_at: lifetime.start,
        expires_at: lifetime.end,
      };
      state.tokens.set(token.token, token);
      return json(201, {
        token: token.token,
        token_id: token.token_id,
        agent_id: token.agent_id,
        scopes: [...token.scopes],
        audience: [],
        issued_at: token.issued_at,
        expires_at: token.expires_at,
      });
    },
  }),
  defineOp({
    operationId: 'introspectToken',
    method: 'POST',
    path: '/api/v1/agent-tokens/introspect',
    body: IntrospectTokenBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: ({ body, state, clock }) => {
      const token = state.tokens.get(body.token);
      const inactive = tokenInactiveReason(state, token, clock.now());
      const base = { guard_tier: 'fast' as const, confidence: 1, latency_ms: 0 };
      if (inactive || !token)
        return json(200, { active: false, reasoning: REASONING[inactive ?? 'unknown'], ...base });
      const about = {
        agent_id: token.agent_id,
        org_id: ORG_ID,
        scopes: [...token.scopes],
        expires_at: token.expires_at,
        ...base,
      };
      const target = body.target ?? null;
      if (target !== null && token.audience.length > 0 && !token.audience.includes(target)) {
        return json(200, { active: false, ...about, reasoning: `audience does not include ${target}` });
      }
      const missing = (body.required_scopes ?? []).filter(
        (scope) => !grantingCapability(token.scopes, scope),
      );
      if (missing.length > 0) {
        return json(200, { active: false, ...about, reasoning: `insufficient scope: ${missing[0]}` });
      }
      return json(200, { active: true, ...about, reasoning: 'token active with the required scopes' });
    },
  }),
  defineOp({
    operationId: 'revokeToken',
    method: 'POST',
    path: '/api/v1/agent-tokens/revoke',
    body: RevokeTokenBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: ({ body, state }) => {
      const token = state.tokens.get(body.token);
      // The token itself is a secret: the error names neither it nor a prefix of it.
      if (!token) throw notFound('token', '[REDACTED]');
      token.revoked = true; // Revoking twice is harmless.
      return noContent();
    },
  }),
];

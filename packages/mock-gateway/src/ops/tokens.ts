import type { components } from '@agenttrustid/spec/types';
import { IntrospectTokenBody, IssueTokenBody, RevokeTokenBody } from '@agenttrustid/spec/zod';
import { authDenied, notFound } from '../errors.js';
import { defineOp, json, noContent } from '../operation.js';
import { uncovered } from '../policy.js';
import type { GatewayState, Token } from '../state.js';
import { findAgent, isoSpan, nextSeq, requireActive } from './common.js';

type Inactive = components['schemas']['InactiveReason'];

/** Why a token may not be used now (checked in this order), or null when it may. */
export function tokenInactiveReason(
  state: GatewayState,
  token: Token | undefined,
  now: number,
): Inactive | null {
  if (!token) return 'unknown';
  if (token.revoked) return 'revoked';
  if (now >= Date.parse(token.expires_at)) return 'expired';
  const agent = state.agents.get(token.agent_id);
  if (!agent || agent.status === 'revoked') return 'agent_revoked';
  if (agent.status === 'suspended') return 'agent_suspended';
  return null;
}

export const tokenOps = [
  defineOp({
    operationId: 'issueToken',
    method: 'POST',
    path: '/v1/tokens',
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
      agent.last_auth_at = clock.iso();
      const lifetime = isoSpan(ctx, (body.ttl_seconds ?? 3600) * 1000);
      const token: Token = {
        seq: nextSeq(state),
        revoked: false,
        token: ctx.secret('atk'),
        token_type: 'Bearer',
        agent_id: agent.id,
        scopes: [...body.scopes],
        audience: [...(body.audience ?? [])],
        issued_at: lifetime.start,
        expires_at: lifetime.end,
      };
      state.tokens.set(token.token, token);
      const { seq: _, revoked: __, ...wire } = token;
      return json(201, wire);
    },
  }),
  defineOp({
    operationId: 'introspectToken',
    method: 'POST',
    path: '/v1/tokens/introspect',
    body: IntrospectTokenBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: ({ body, state, clock }) => {
      const token = state.tokens.get(body.token);
      const inactive = tokenInactiveReason(state, token, clock.now());
      if (inactive || !token) return json(200, { active: false, reason: inactive ?? 'unknown' });
      if (body.target !== undefined && token.audience.length > 0 && !token.audience.includes(body.target)) {
        return json(200, { active: false, reason: 'audience_mismatch' });
      }
      // Required scopes are compared exactly (normalized), wildcards included, via the same rule
      // as capabilities: a `files:*` token satisfies `files:read`.
      if (uncovered(token.scopes, body.required_scopes ?? []).length > 0) {
        return json(200, { active: false, reason: 'insufficient_scope' });
      }
      return json(200, {
        active: true,
        agent_id: token.agent_id,
        scopes: [...token.scopes],
        audience: [...token.audience],
        expires_at: token.expires_at,
      });
    },
  }),
  defineOp({
    operationId: 'revokeToken',
    method: 'POST',
    path: '/v1/tokens/revoke',
    body: RevokeTokenBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: ({ body, state }) => {
      const token = state.tokens.get(body.token);
      // The 404 must not echo the secret it was given.
      if (!token) throw notFound('token', '[redacted]');
      token.revoked = true;
      return noContent();
    },
  }),
];

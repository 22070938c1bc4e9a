import { GetSessionParams, InitApiSessionBody, InitSessionBody } from '@agenttrustid/spec/zod';
import { authDenied, GatewayError, notFound, validation } from '../errors.js';
import { defineOp, json, type OpContext } from '../operation.js';
import { uncovered } from '../policy.js';
import type { Session } from '../state.js';
import { findAgent, nextSeq, requireActive, sessionView } from './common.js';
import { tokenInactiveReason } from './tokens.js';

type Ctx = OpContext<unknown, unknown, unknown>;

/** Creates and stores a session; every `init*Session` operation goes through here. */
export function openSession(
  ctx: Ctx,
  fields: Pick<Session, 'agent_id' | 'server_id' | 'mode' | 'scope_ceiling' | 'source'> &
    Partial<Pick<Session, 'delegation_id' | 'federated_subject' | 'federated_issuer'>>,
): Session {
  const session: Session = {
    seq: nextSeq(ctx.state),
    implicit: false,
    session_id: ctx.id('ses'),
    delegation_id: null,
    federated_subject: null,
    federated_issuer: null,
    ...fields,
    total_calls: 0,
    allowed_calls: 0,
    denied_calls: 0,
    created_at: ctx.clock.iso(),
    last_call_at: null,
  };
  ctx.state.sessions.set(session.session_id, session);
  return session;
}

export const sessionOps = [
  defineOp({
    operationId: 'initSession',
    method: 'POST',
    path: '/v1/sessions',
    body: InitSessionBody,
    bodyRequired: true,
    handle: (ctx) => {
      const { body, state } = ctx;
      const agent = findAgent(state, body.agent_id);
      requireActive(agent);
      const mode = body.mode ?? 'open';
      if (mode === 'restricted' && body.scope_ceiling === undefined) {
        throw validation('scope_ceiling', 'is required for a restricted session');
      }
      const ceiling = body.scope_ceiling ?? null;
      const outside = uncovered(agent.capabilities, ceiling ?? []);
      if (outside.length > 0) {
        throw authDenied(`scope ceiling exceeds the capabilities of agent ${agent.id}: ${outside[0]}`, {
          agent_id: agent.id,
          scope: outside[0],
        });
      }
      const session = openSession(ctx, {
        agent_id: agent.id,
        server_id: body.server_id,
        mode,
        scope_ceiling: ceiling ? [...ceiling] : null,
        source: 'sdk',
      });
      return json(201, sessionView(session));
    },
  }),
  defineOp({
    operationId: 'initApiSession',
    method: 'POST',
    path: '/v1/sessions/api',
    body: InitApiSessionBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: (ctx) => {
      const { body, state, clock } = ctx;
      const token = state.tokens.get(body.token);
      const inactive = tokenInactiveReason(state, token, clock.now());
      if (inactive === 'expired') throw new GatewayError(401, 'TOKEN_EXPIRED', 'the token has expired');
      if (inactive === 'unknown' || inactive === 'revoked' || !token) {
        throw new GatewayError(401, 'AUTH_FAILED', `the token is ${inactive ?? 'unknown'}`, {
          reason: inactive,
        });
      }
      requireActive(findAgent(state, token.agent_id));
      const session = openSession(ctx, {
        agent_id: token.agent_id,
        server_id: null,
        mode: 'restricted',
        scope_ceiling: [...token.scopes],
        source: 'api_token',
      });
      return json(201, sessionView(session));
    },
  }),
  defineOp({
    operationId: 'getSession',
    method: 'GET',
    path: '/v1/sessions/{session_id}',
    params: GetSessionParams,
    handle: ({ params, state }) => {
      const session = state.sessions.get(params.session_id);
      if (!session) throw notFound('session', params.session_id);
      return json(200, sessionView(session));
    },
  }),
];

import { GetSessionParams, InitApiSessionBody, InitSessionBody } from '@agenttrustid/spec/zod';
import { GatewayError, notFound } from '../errors.js';
import { defineOp, json, type OpContext } from '../operation.js';
import { ORG_ID, type Session } from '../state.js';
import { findAgent, nextSeq, requireActive, sessionView } from './common.js';
import { tokenInactiveReason } from './tokens.js';

type Ctx = OpContext<unknown, unknown, unknown>;

/** Creates and stores a session; every `init*Session` operation goes through here. */
export function openSession(
  ctx: Ctx,
  fields: Pick<Session, 'agent_id' | 'mode' | 'scope_ceiling' | 'source'> &
    Partial<Pick<Session, 'server_id' | 'delegation_id' | 'provider_id' | 'issuer' | 'trust_level'>>,
): Session {
  const session: Session = {
    seq: nextSeq(ctx.state),
    implicit: false,
    session_id: ctx.id('ses'),
    org_id: ORG_ID,
    server_id: '',
    delegation_id: '',
    provider_id: '',
    issuer: '',
    trust_level: '',
    ...fields,
    total_calls: 0,
    read_calls: 0,
    write_calls: 0,
    denied_calls: 0,
    allowed_calls: 0,
    created_at: ctx.clock.iso(),
    last_activity_at: ctx.clock.iso(),
  };
  ctx.state.sessions.set(session.session_id, session);
  return session;
}

export const sessionOps = [
  defineOp({
    operationId: 'initSession',
    method: 'POST',
    path: '/mcp/sessions/init',
    body: InitSessionBody,
    bodyRequired: true,
    handle: (ctx) => {
      const agent = findAgent(ctx.state, ctx.body.agent_id);
      requireActive(agent);
      const session = openSession(ctx, {
        agent_id: agent.id,
        server_id: ctx.body.server_id,
        mode: 'open',
        scope_ceiling: [],
        source: 'sdk',
      });
      return json(201, sessionView(session));
    },
  }),
  defineOp({
    operationId: 'getSession',
    method: 'GET',
    path: '/mcp/sessions/{session_id}',
    params: GetSessionParams,
    handle: ({ params, state }) => {
      const session = state.sessions.get(params.session_id);
      if (!session) throw notFound('session', params.session_id);
      return json(200, sessionView(session));
    },
  }),
  defineOp({
    operationId: 'initApiSession',
    method: 'POST',
    path: '/api/v1/agenttrust/api-sessions/init',
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
        mode: 'restricted',
        scope_ceiling: [...token.scopes],
        source: 'api_token',
      });
      return json(201, sessionView(session));
    },
  }),
];

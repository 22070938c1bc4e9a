import {
  CreateDelegationBody,
  InitDelegationSessionBody,
  InitDelegationSessionParams,
  ListDelegationsQueryParams,
  RevokeDelegationParams,
} from '@agenttrustid/spec/zod';
import { authDenied, conflict, notFound, validation } from '../errors.js';
import { defineOp, json } from '../operation.js';
import { uncovered } from '../policy.js';
import { type Delegation, type GatewayState, newestFirst } from '../state.js';
import {
  delegationStatus,
  delegationView,
  findAgent,
  isoSpan,
  nextSeq,
  requireActive,
  sessionView,
} from './common.js';
import { openSession } from './sessions.js';

function findDelegation(state: GatewayState, id: string): Delegation {
  const delegation = state.delegations.get(id);
  if (!delegation) throw notFound('delegation', id);
  return delegation;
}

export const delegationOps = [
  defineOp({
    operationId: 'createDelegation',
    method: 'POST',
    path: '/v1/delegations',
    body: CreateDelegationBody,
    bodyRequired: true,
    handle: (ctx) => {
      const { body, state, clock } = ctx;
      const from = findAgent(state, body.from_agent_id);
      const to = findAgent(state, body.to_agent_id);
      if (from.id === to.id) throw validation('to_agent_id', 'an agent cannot delegate to itself');
      requireActive(from);
      requireActive(to);
      // Delegation may only narrow: every scope must be granted by the delegator's capabilities.
      const missing = uncovered(from.capabilities, body.scope);
      if (missing.length > 0) {
        throw authDenied(`agent ${from.id} does not hold scope ${missing[0]} and cannot delegate it`, {
          agent_id: from.id,
          scope: missing[0],
        });
      }
      const lifetime = isoSpan(ctx, (body.ttl_seconds ?? 3600) * 1000);
      const delegation: Delegation = {
        seq: nextSeq(state),
        id: ctx.id('dlg'),
        from_agent_id: from.id,
        to_agent_id: to.id,
        scope: [...body.scope],
        status: 'active',
        created_at: lifetime.start,
        expires_at: lifetime.end,
        revoked_at: null,
      };
      state.delegations.set(delegation.id, delegation);
      return json(201, delegationView(delegation, clock.now()));
    },
  }),
  defineOp({
    operationId: 'listDelegations',
    method: 'GET',
    path: '/v1/delegations',
    query: ListDelegationsQueryParams,
    handle: ({ query, state, clock }) => {
      const now = clock.now();
      const delegations = newestFirst(state.delegations.values())
        .filter(
          (d) =>
            query.agent_id === undefined ||
            d.from_agent_id === query.agent_id ||
            d.to_agent_id === query.agent_id,
        )
        .filter((d) => query.status === undefined || delegationStatus(d, now) === query.status);
      return json(
        200,
        delegations.map((d) => delegationView(d, now)),
      );
    },
  }),
  defineOp({
    operationId: 'revokeDelegation',
    method: 'POST',
    path: '/v1/delegations/{delegation_id}/revoke',
    params: RevokeDelegationParams,
    handle: ({ params, state, clock }) => {
      const delegation = findDelegation(state, params.delegation_id);
      const status = delegationStatus(delegation, clock.now());
      if (status !== 'active') throw conflict(`delegation ${delegation.id} is already ${status}`, { status });
      delegation.status = 'revoked';
      delegation.revoked_at = clock.iso();
      return json(200, delegationView(delegation, clock.now()));
    },
  }),
  defineOp({
    operationId: 'initDelegationSession',
    method: 'POST',
    path: '/v1/delegations/{delegation_id}/sessions',
    params: InitDelegationSessionParams,
    body: InitDelegationSessionBody,
    handle: (ctx) => {
      const { params, body, state, clock } = ctx;
      const delegation = findDelegation(state, params.delegation_id);
      const status = delegationStatus(delegation, clock.now());
      if (status !== 'active') throw conflict(`delegation ${delegation.id} is ${status}`, { status });
      requireActive(findAgent(state, delegation.from_agent_id));
      requireActive(findAgent(state, delegation.to_agent_id));
      const ceiling = body?.scope_ceiling ?? delegation.scope;
      const outside = uncovered(delegation.scope, ceiling);
      if (outside.length > 0) {
        throw authDenied(`scope ceiling exceeds delegation ${delegation.id}: ${outside[0]}`, {
          delegation_id: delegation.id,
          scope: outside[0],
        });
      }
      const session = openSession(ctx, {
        agent_id: delegation.to_agent_id,
        server_id: null,
        mode: 'restricted',
        scope_ceiling: [...ceiling],
        source: 'delegation',
        delegation_id: delegation.id,
      });
      return json(201, sessionView(session));
    },
  }),
];

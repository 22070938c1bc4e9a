import {
  CreateDelegationBody,
  GetDelegationParams,
  InitDelegationSessionBody,
  InitDelegationSessionParams,
  RevokeDelegationParams,
} from '@agenttrustid/spec/zod';
import { authDenied, conflict, notFound, validation } from '../errors.js';
import { defineOp, json, noContent } from '../operation.js';
import { uncovered } from '../policy.js';
import { type Delegation, type GatewayState, newestFirst, ORG_ID } from '../state.js';
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
    path: '/api/v1/delegations',
    body: CreateDelegationBody,
    bodyRequired: true,
    handle: (ctx) => {
      const { body, state, clock } = ctx;
      const from = findAgent(state, body.from_agent_id);
      const to = findAgent(state, body.to_agent_id);
      if (from.id === to.id) throw validation('to_agent_id', 'an agent cannot delegate to itself');
      requireActive(from);
      requireActive(to);
      // Delegation only narrows: every scope must be held by the delegator, and by the parent.
      const missing = uncovered(from.capabilities, body.scope);
      if (missing.length > 0) {
        throw authDenied(`agent ${from.id} does not hold scope ${missing[0]} and cannot delegate it`, {
          agent_id: from.id,
          scope: missing[0],
        });
      }
      let chain: string[] = [];
      if (body.parent_delegation_id !== undefined) {
        const parent = findDelegation(state, body.parent_delegation_id);
        const status = delegationStatus(parent, clock.now());
        if (status !== 'active') throw conflict(`delegation ${parent.id} is ${status}`, { status });
        if (parent.to_agent_id !== from.id)
          throw validation(
            'parent_delegation_id',
            `delegation ${parent.id} was not made to agent ${from.id}`,
          );
        const wider = uncovered(parent.scope, body.scope);
        if (wider.length > 0)
          throw authDenied(`scope ${wider[0]} exceeds the parent delegation ${parent.id}`, {
            scope: wider[0],
          });
        chain = [...parent.delegation_chain, parent.id];
      }
      const lifetime = isoSpan(ctx, (body.ttl_seconds ?? 3600) * 1000);
      const delegation: Delegation = {
        seq: nextSeq(state),
        id: ctx.id('dlg'),
        from_agent_id: from.id,
        to_agent_id: to.id,
        org_id: ORG_ID,
        scope: [...body.scope],
        restrictions: structuredClone(body.restrictions ?? {}),
        delegation_chain: chain,
        created_at: lifetime.start,
        expires_at: lifetime.end,
      };
      state.delegations.set(delegation.id, delegation);
      return json(201, { delegation: delegationView(delegation) });
    },
  }),
  defineOp({
    operationId: 'listDelegations',
    method: 'GET',
    path: '/api/v1/delegations',
    handle: ({ state }) =>
      json(200, { delegations: newestFirst(state.delegations.values()).map(delegationView) }),
  }),
  defineOp({
    operationId: 'getDelegation',
    method: 'GET',
    path: '/api/v1/delegations/{delegation_id}',
    params: GetDelegationParams,
    handle: ({ params, state }) => json(200, delegationView(findDelegation(state, params.delegation_id))),
  }),
  defineOp({
    operationId: 'revokeDelegation',
    method: 'DELETE',
    path: '/api/v1/delegations/{delegation_id}',
    params: RevokeDelegationParams,
    handle: ({ params, state, clock }) => {
      const delegation = findDelegation(state, params.delegation_id);
      const status = delegationStatus(delegation, clock.now());
      if (status !== 'active') throw conflict(`delegation ${delegation.id} is already ${status}`, { status });
      delegation.revoked_at = clock.iso();
      return noContent();
    },
  }),
  defineOp({
    operationId: 'initDelegationSession',
    method: 'POST',
    path: '/api/v1/delegations/{delegation_id}/session',
    params: InitDelegationSessionParams,
    body: InitDelegationSessionBody,
    handle: (ctx) => {
      const { params, state, clock } = ctx;
      const delegation = findDelegation(state, params.delegation_id);
      const status = delegationStatus(delegation, clock.now());
      if (status !== 'active') throw conflict(`delegation ${delegation.id} is ${status}`, { status });
      requireActive(findAgent(state, delegation.to_agent_id));
      const session = openSession(ctx, {
        agent_id: delegation.to_agent_id,
        mode: 'restricted',
        scope_ceiling: [...delegation.scope],
        source: 'delegation',
        delegation_id: delegation.id,
      });
      return json(201, sessionView(session));
    },
  }),
];

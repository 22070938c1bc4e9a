import {
  ActivateAgentParams,
  CreateAgentBody,
  GetAgentParams,
  ListAgentsQueryParams,
  RevokeAgentBody,
  RevokeAgentParams,
  SuspendAgentParams,
} from '@agenttrustid/spec/zod';
import { conflict } from '../errors.js';
import { defineOp, json } from '../operation.js';
import { newestFirst } from '../state.js';
import { agentView, findAgent, nextSeq, refuseRevoked } from './common.js';

export const agentOps = [
  defineOp({
    operationId: 'createAgent',
    method: 'POST',
    path: '/v1/agents',
    body: CreateAgentBody,
    bodyRequired: true,
    handle: ({ body, state, clock, id }) => {
      const agent = {
        seq: nextSeq(state),
        id: id('agt'),
        name: body.name,
        framework: body.framework ?? '',
        capabilities: [...(body.capabilities ?? [])],
        metadata: structuredClone(body.metadata ?? {}),
        public_key: body.public_key ?? null,
        status: 'active' as const,
        created_at: clock.iso(),
        last_auth_at: null,
        revoked_at: null,
        revocation_reason: null,
      };
      state.agents.set(agent.id, agent);
      return json(201, agentView(agent));
    },
  }),
  defineOp({
    operationId: 'listAgents',
    method: 'GET',
    path: '/v1/agents',
    query: ListAgentsQueryParams,
    handle: ({ query, state }) => {
      const agents = newestFirst(state.agents.values()).filter(
        (a) => !query.status || a.status === query.status,
      );
      return json(200, agents.map(agentView));
    },
  }),
  defineOp({
    operationId: 'getAgent',
    method: 'GET',
    path: '/v1/agents/{agent_id}',
    params: GetAgentParams,
    handle: ({ params, state }) => json(200, agentView(findAgent(state, params.agent_id))),
  }),
  defineOp({
    operationId: 'revokeAgent',
    method: 'POST',
    path: '/v1/agents/{agent_id}/revoke',
    params: RevokeAgentParams,
    body: RevokeAgentBody,
    handle: ({ params, body, state, clock }) => {
      const agent = findAgent(state, params.agent_id);
      if (agent.status === 'revoked') {
        throw conflict(`agent ${agent.id} is already revoked`, { status: agent.status });
      }
      agent.status = 'revoked';
      agent.revoked_at = clock.iso();
      agent.revocation_reason = body?.reason ?? null;
      return json(200, agentView(agent));
    },
  }),
  defineOp({
    operationId: 'suspendAgent',
    method: 'POST',
    path: '/v1/agents/{agent_id}/suspend',
    params: SuspendAgentParams,
    handle: ({ params, state }) => {
      const agent = findAgent(state, params.agent_id);
      refuseRevoked(agent, 'be suspended');
      // Suspending a suspended agent is a no-op, so a retried request is harmless.
      agent.status = 'suspended';
      return json(200, agentView(agent));
    },
  }),
  defineOp({
    operationId: 'activateAgent',
    method: 'POST',
    path: '/v1/agents/{agent_id}/activate',
    params: ActivateAgentParams,
    handle: ({ params, state }) => {
      const agent = findAgent(state, params.agent_id);
      refuseRevoked(agent, 'be activated');
      agent.status = 'active';
      return json(200, agentView(agent));
    },
  }),
];

import {
  CreateAgentBody,
  GetAgentParams,
  ListAgentsQueryParams,
  RevokeAgentBody,
  RevokeAgentParams,
} from '@agenttrustid/spec/zod';
import { conflict } from '../errors.js';
import { defineOp, json } from '../operation.js';
import { type Agent, newestFirst, ORG_ID } from '../state.js';
import { agentView, findAgent, nextSeq } from './common.js';

export const agentOps = [
  defineOp({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    handle: () => json(200, { status: 'healthy', service: 'agenttrust-mock-gateway', version: '2.0.0' }),
  }),
  defineOp({
    operationId: 'createAgent',
    method: 'POST',
    path: '/api/v1/agents',
    body: CreateAgentBody,
    bodyRequired: true,
    handle: ({ body, state, clock, id }) => {
      const agent: Agent = {
        seq: nextSeq(state),
        id: id('agt'),
        name: body.name,
        org_id: body.org_id ?? ORG_ID,
        framework: body.framework ?? 'custom',
        public_key: body.public_key ?? '',
        status: 'active',
        capabilities: [...(body.capabilities ?? [])],
        metadata: structuredClone(body.metadata ?? {}),
        created_at: clock.iso(),
        last_auth_at: null,
      };
      state.agents.set(agent.id, agent);
      return json(201, { agent: agentView(agent) });
    },
  }),
  defineOp({
    operationId: 'listAgents',
    method: 'GET',
    path: '/api/v1/agents',
    query: ListAgentsQueryParams,
    handle: ({ query, state }) => {
      const agents = newestFirst(state.agents.values()).filter(
        (a) => !query.org_id || a.org_id === query.org_id,
      );
      return json(200, { agents: agents.map(agentView) });
    },
  }),
  defineOp({
    operationId: 'getAgent',
    method: 'GET',
    path: '/api/v1/agents/{agent_id}',
    params: GetAgentParams,
    handle: ({ params, state }) => json(200, agentView(findAgent(state, params.agent_id))),
  }),
  defineOp({
    operationId: 'revokeAgent',
    method: 'POST',
    path: '/api/v1/agents/{agent_id}/revoke',
    params: RevokeAgentParams,
    body: RevokeAgentBody,
    handle: ({ params, body, state, clock }) => {
      const agent = findAgent(state, params.agent_id);
      if (agent.status === 'revoked') {
        throw conflict(`agent ${agent.id} is already revoked`, { status: agent.status });
      }
      agent.status = 'revoked';
      agent.revoked_at = clock.iso();
      agent.revocation_reason = body?.reason ?? 'manual_revocation';
      return json(200, agentView(agent));
    },
  }),
];

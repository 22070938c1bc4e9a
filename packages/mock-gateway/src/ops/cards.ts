import type { components } from '@agenttrustid/spec/types';
import {
  GenerateAgentCardParams,
  GetPublicAgentCardParams,
  PublishAgentCardParams,
} from '@agenttrustid/spec/zod';
import { notFound } from '../errors.js';
import { defineOp, json, type OpContext } from '../operation.js';
import type { Agent, AgentCard } from '../state.js';
import { findAgent, refuseRevoked } from './common.js';

type Ctx = OpContext<{ agent_id: string }, unknown, unknown>;

function cardView(card: AgentCard): components['schemas']['AgentCard'] {
  const { generation: _, ...wire } = card;
  return structuredClone(wire);
}

/** Builds the card from the agent record; a rebuild bumps the patch version and keeps publication. */
function generate(ctx: Ctx, agent: Agent): AgentCard {
  const previous = ctx.state.cards.get(agent.id);
  const generation = (previous?.generation ?? 0) + 1;
  const card: AgentCard = {
    generation,
    agent_id: agent.id,
    name: agent.name,
    description: `${agent.framework ? `${agent.framework} agent` : 'agent'} ${agent.name}`,
    url: `${ctx.origin}/v1/a2a/agents/${encodeURIComponent(agent.id)}/messages`,
    version: `1.0.${generation - 1}`,
    protocol_version: '1.0',
    capabilities: [...agent.capabilities],
    skills: agent.capabilities.map((capability) => ({
      id: capability,
      name: capability,
      tags: [capability.split(/[:._\-/]/)[0] || capability],
    })),
    published: previous?.published ?? false,
    published_at: previous?.published_at ?? null,
  };
  ctx.state.cards.set(agent.id, card);
  return card;
}

export const cardOps = [
  defineOp({
    operationId: 'generateAgentCard',
    method: 'POST',
    path: '/v1/agents/{agent_id}/card',
    params: GenerateAgentCardParams,
    handle: (ctx) => {
      const agent = findAgent(ctx.state, ctx.params.agent_id);
      refuseRevoked(agent, 'have its card generated');
      return json(200, cardView(generate(ctx, agent)));
    },
  }),
  defineOp({
    operationId: 'publishAgentCard',
    method: 'POST',
    path: '/v1/agents/{agent_id}/card/publish',
    params: PublishAgentCardParams,
    handle: (ctx) => {
      const agent = findAgent(ctx.state, ctx.params.agent_id);
      refuseRevoked(agent, 'have its card published');
      const card = ctx.state.cards.get(agent.id) ?? generate(ctx, agent);
      if (!card.published) {
        card.published = true;
        card.published_at = ctx.clock.iso();
      }
      return json(200, cardView(card));
    },
  }),
  defineOp({
    operationId: 'getPublicAgentCard',
    method: 'GET',
    path: '/a2a/agents/{agent_id}/agent.json',
    public: true,
    params: GetPublicAgentCardParams,
    handle: ({ params, state }) => {
      const card = state.cards.get(params.agent_id);
      const agent = state.agents.get(params.agent_id);
      // Unpublished cards, and those of revoked agents, are not discoverable.
      if (!card?.published || !agent || agent.status === 'revoked')
        throw notFound('agent card', params.agent_id);
      return json(200, cardView(card));
    },
  }),
];

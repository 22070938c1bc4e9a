import type { components } from '@agenttrustid/spec/types';
import {
  GenerateAgentCardBody,
  GenerateAgentCardParams,
  GetAgentCardParams,
  GetPublicAgentCardParams,
  PublishAgentCardBody,
  PublishAgentCardParams,
} from '@agenttrustid/spec/zod';
import { notFound } from '../errors.js';
import { base64UrlEncode, ed25519RawFromPem } from '../keys.js';
import { defineOp, json, type OpContext } from '../operation.js';
import type { Agent, AgentCardRecord } from '../state.js';
import { findAgent, refuseRevoked } from './common.js';

type Card = components['schemas']['AgentCard'];
type Ctx = OpContext<{ agent_id: string }, unknown, unknown>;

export const TRUST_EXTENSION = 'https://agenttrust.id/ext/trust/v1';

/** A deterministic trust score: full for a fresh active agent, lower once it was denied often. */
function trustScore(ctx: Ctx, agent: Agent): number {
  const mine = ctx.state.checks.filter((c) => c.agent_id === agent.id);
  if (mine.length === 0) return 0.9;
  const allowed = mine.filter((c) => c.result.allowed).length;
  return Math.round((0.5 + 0.5 * (allowed / mine.length)) * 100) / 100;
}

/** Builds the A2A v1.0 card from the agent record; a rebuild bumps the patch version and keeps publication. */
async function generate(ctx: Ctx, agent: Agent): Promise<AgentCardRecord> {
  const previous = ctx.state.cards.get(agent.id);
  const generation = (previous?.generation ?? 0) + 1;
  const endpoint = `${ctx.origin}/a2a/agents/${agent.id}`;
  const rawKey = agent.public_key ? ed25519RawFromPem(agent.public_key) : null;
  const card: Card = {
    name: agent.name,
    description: `${agent.framework} agent ${agent.name}`,
    version: `1.0.${generation - 1}`,
    supportedInterfaces: [{ url: endpoint, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
    provider: { organization: agent.org_id, url: 'https://agenttrust.id' },
    capabilities: {
      streaming: false,
      pushNotifications: false,
      extendedAgentCard: false,
      extensions: [
        {
          uri: TRUST_EXTENSION,
          description: 'AgentTrust ID trust score and agent key',
          required: false,
          params: {
            ati_trust_score: trustScore(ctx, agent),
            ...(rawKey ? { ati_agent_key: { kty: 'OKP', crv: 'Ed25519', x: base64UrlEncode(rawKey) } } : {}),
            ati_guardian_tier: 'fast',
          },
        },
      ],
    },
    securitySchemes: { apiKey: { type: 'apiKey' }, bearer: { type: 'http', scheme: 'bearer' } },
    securityRequirements: [{ bearer: [] }],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain', 'application/json'],
    skills: agent.capabilities.map((capability) => ({
      id: capability,
      name: capability,
      description: `Capability ${capability}`,
      tags: [capability.split(/[:._\-/]/)[0] || capability],
    })),
    url: endpoint,
  };
  // A JWS (detached payload) over the card by the gateway's own key.
  const jws = await ctx.keys.signJwt({ card_sha: agent.id, version: card.version }, 'JOSE');
  const [protectedHeader, , signature] = jws.split('.');
  card.signatures = [{ protected: protectedHeader!, signature: signature! }];
  const record: AgentCardRecord = {
    agent_id: agent.id,
    generation,
    published: previous?.published ?? false,
    published_at: previous?.published_at ?? null,
    card,
  };
  ctx.state.cards.set(agent.id, record);
  return record;
}

export const cardOps = [
  defineOp({
    operationId: 'generateAgentCard',
    method: 'POST',
    path: '/api/v1/agents/{agent_id}/card',
    params: GenerateAgentCardParams,
    body: GenerateAgentCardBody,
    handle: async (ctx) => {
      const agent = findAgent(ctx.state, ctx.params.agent_id);
      refuseRevoked(agent, 'have its card generated');
      return json(200, structuredClone((await generate(ctx, agent)).card));
    },
  }),
  defineOp({
    operationId: 'getAgentCard',
    method: 'GET',
    path: '/api/v1/agents/{agent_id}/card',
    params: GetAgentCardParams,
    handle: ({ params, state }) => {
      findAgent(state, params.agent_id);
      const record = state.cards.get(params.agent_id);
      if (!record) throw notFound('agent card', params.agent_id);
      return json(200, structuredClone(record.card));
    },
  }),
  defineOp({
    operationId: 'publishAgentCard',
    method: 'PUT',
    path: '/api/v1/agents/{agent_id}/card/publish',
    params: PublishAgentCardParams,
    body: PublishAgentCardBody,
    handle: async (ctx) => {
      const agent = findAgent(ctx.state, ctx.params.agent_id);
      refuseRevoked(agent, 'have its card published');
      const record = ctx.state.cards.get(agent.id) ?? (await generate(ctx, agent));
      if (!record.published) {
        record.published = true;
        record.published_at = ctx.clock.iso();
      }
      return json(200, structuredClone(record.card));
    },
  }),
  defineOp({
    operationId: 'getPublicAgentCard',
    method: 'GET',
    path: '/a2a/agents/{agent_id}/agent.json',
    public: true,
    params: GetPublicAgentCardParams,
    handle: ({ params, state }) => {
      const record = state.cards.get(params.agent_id);
      const agent = state.agents.get(params.agent_id);
      // Unpublished cards, and those of revoked agents, are not discoverable.
      if (!record?.published || !agent || agent.status === 'revoked')
        throw notFound('agent card', params.agent_id);
      return json(200, structuredClone(record.card));
    },
  }),
];

// One entry per operation of the spec: how to reach it through the SDK's public surface, with
// whatever it needs created first, and what its happy path must return.
import { expect } from 'vitest';
import type { AgentTrustClient } from '../src/index.js';

export interface OperationCase {
  /** Creates what the call needs (through other operations). */
  setup?: (c: AgentTrustClient) => Promise<any>;
  call: (c: AgentTrustClient, ctx: any, options?: { maxRetries?: number }) => Promise<unknown>;
  check: (result: any, ctx: any) => void;
}

export const newAgent = (c: AgentTrustClient, name = 'research-bot') =>
  c.agents.create({
    name,
    framework: 'langchain',
    capabilities: ['web:search', 'files:read', 'db:delete', 'web_search'],
    metadata: { team: 'research' },
  });

const withAgent = async (c: AgentTrustClient) => ({ agent: await newAgent(c) });

/** An agent, and a pending approval from a destructive check it made. */
async function withApproval(c: AgentTrustClient) {
  const agent = await newAgent(c);
  const check = await c.actions.check({
    agentId: agent.id,
    toolName: 'db_delete',
    actionEffect: 'destructive',
  });
  expect(check.elevationRequired).toBe(true);
  return { agent, approvalId: check.approvalId as string };
}

async function withServer(c: AgentTrustClient) {
  const agent = await newAgent(c);
  const session = await c.sessions.initSession(agent.id, 'mcp-code-tools');
  const server = await c.mcp.registerServer({
    name: `code-tools-${Math.random().toString(36).slice(2, 8)}`,
    url: 'https://mcp-server.example.com',
    capabilities: ['web_search'],
  });
  return { agent, session, server };
}

async function withTwoAgents(c: AgentTrustClient) {
  return { a: await newAgent(c, 'agent-a'), b: await newAgent(c, 'agent-b') };
}

async function withDelegation(c: AgentTrustClient) {
  const { a, b } = await withTwoAgents(c);
  const delegation = await c.delegations.create({
    fromAgentId: a.id,
    toAgentId: b.id,
    scope: ['web:search'],
    ttlSeconds: 3600,
  });
  return { a, b, delegation };
}

async function withDestination(c: AgentTrustClient) {
  const destination = await c.streaming.create({
    name: 'Splunk HEC',
    destinationType: 'splunk',
    endpointUrl: 'https://splunk.example.com/services/collector',
    authToken: 'secret',
  });
  return { destination };
}

const ISO = /^\d{4}-\d\d-\d\dT/;

export const operationCases: Record<string, OperationCase> = {
  getHealth: {
    call: (c, _, o) => c.health(o),
    check: (health) => expect(health.status).toBe('healthy'),
  },
  createAgent: {
    call: (c, _, o) =>
      c.agents.create({ name: 'research-bot', capabilities: ['web:search'], metadata: { a_b: 1 } }, o),
    check: (agent) => {
      expect(agent).toMatchObject({
        name: 'research-bot',
        status: 'active',
        capabilities: ['web:search'],
        metadata: { a_b: 1 },
      });
      expect(agent.createdAt).toMatch(ISO);
    },
  },
  listAgents: {
    setup: withAgent,
    call: (c, _, o) => c.agents.list({}, o),
    check: (agents, { agent }) => expect(agents.map((a: any) => a.id)).toContain(agent.id),
  },
  getAgent: {
    setup: withAgent,
    call: (c, { agent }, o) => c.agents.get(agent.id, o),
    check: (got, { agent }) => expect(got.id).toBe(agent.id),
  },
  revokeAgent: {
    setup: withAgent,
    call: (c, { agent }, o) => c.agents.revoke(agent.id, 'compromised', o),
    check: (got) => expect(got.status).toBe('revoked'),
  },
  createAgentChallenge: {
    setup: withAgent,
    call: (c, { agent }, o) => c.wimse.challenge(agent.id, o),
    check: (got) => expect(typeof got.nonce).toBe('string'),
  },
  issueToken: {
    setup: withAgent,
    call: (c, { agent }, o) =>
      c.tokens.issue(
        { agentId: agent.id, scopes: ['files:read'], ttlSeconds: 300 },
        { ...o, useCache: false },
      ),
    check: (token, { agent }) => {
      expect(token).toMatchObject({ agentId: agent.id, scopes: ['files:read'] });
      expect(typeof token.token).toBe('string');
    },
  },
  introspectToken: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      return { agent, token: await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] }) };
    },
    call: (c, { token }, o) =>
      c.tokens.introspect(
        { token: token.token, target: 'mcp://filesystem', requiredScopes: ['files:read'] },
        o,
      ),
    check: (result, { agent }) => expect(result).toMatchObject({ active: true, agentId: agent.id }),
  },
  revokeToken: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      return { agent, token: await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] }) };
    },
    call: (c, { token }, o) => c.tokens.revoke(token.token, undefined, o),
    check: (result) => expect(result).toBeUndefined(),
  },
  checkAction: {
    setup: withAgent,
    call: (c, { agent }, o) =>
      c.actions.check(
        {
          agentId: agent.id,
          toolName: 'web_search',
          toolInputSummary: 'AI safety papers',
          actionEffect: 'read',
        },
        o,
      ),
    check: (result) => {
      expect(result).toMatchObject({ allowed: true });
      expect(result.elevationRequired ?? false).toBe(false);
    },
  },
  reportTelemetry: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      return { agent, session: await c.sessions.initSession(agent.id, 'mcp-code-tools') };
    },
    call: (c, { agent, session }, o) =>
      c.telemetry.report(
        agent.id,
        session.sessionId,
        [
          {
            eventType: 'tool_end',
            toolName: 'web_search',
            success: true,
            durationMs: 12,
            timestamp: new Date().toISOString(),
          },
        ],
        o,
      ),
    check: (result) => expect(result.accepted).toBe(true),
  },
  initSession: {
    setup: withAgent,
    call: (c, { agent }, o) => c.sessions.initSession(agent.id, 'mcp-code-tools', o),
    check: (session, { agent }) =>
      expect(session).toMatchObject({ agentId: agent.id, serverId: 'mcp-code-tools' }),
  },
  getSession: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      return { agent, session: await c.sessions.initSession(agent.id, 'mcp-code-tools') };
    },
    call: (c, { session }, o) => c.sessions.getSession(session.sessionId, o),
    check: (got, { session }) => expect(got.sessionId).toBe(session.sessionId),
  },
  initApiSession: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      return { agent, token: await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] }) };
    },
    call: (c, { token }, o) => c.sessions.initApiSession(token.token, o),
    check: (session, { agent }) => expect(session.agentId).toBe(agent.id),
  },
  getApproval: {
    setup: withApproval,
    call: (c, { approvalId }, o) => c.approvals.get(approvalId, o),
    check: (approval, { approvalId }) =>
      expect(approval).toMatchObject({ id: approvalId, status: 'pending' }),
  },
  approveApproval: {
    setup: withApproval,
    call: (c, { approvalId }, o) => c.approvals.approve(approvalId, 'admin@company.com', o),
    check: (approval) =>
      expect(approval).toMatchObject({ status: 'approved', decidedBy: 'admin@company.com' }),
  },
  denyApproval: {
    setup: withApproval,
    call: (c, { approvalId }, o) => c.approvals.deny(approvalId, 'security@company.com', o),
    check: (approval) =>
      expect(approval).toMatchObject({ status: 'denied', decidedBy: 'security@company.com' }),
  },
  listMcpServers: {
    setup: withServer,
    call: (c, _, o) => c.mcp.listServers(o),
    check: (servers, { server }) => expect(servers.map((s: any) => s.id)).toContain(server.id),
  },
  registerMcpServer: {
    call: (c, _, o) =>
      c.mcp.registerServer(
        { name: 'code-tools', url: 'https://mcp.example.com', capabilities: ['run_code'] },
        o,
      ),
    check: (server) => expect(server).toMatchObject({ name: 'code-tools', url: 'https://mcp.example.com' }),
  },
  getMcpServer: {
    setup: withServer,
    call: (c, { server }, o) => c.mcp.getServer(server.id, o),
    check: (got, { server }) => expect(got.id).toBe(server.id),
  },
  removeMcpServer: {
    setup: withServer,
    call: (c, { server }, o) => c.mcp.removeServer(server.id, o),
    check: (result) => expect(result).toBeUndefined(),
  },
  callMcpTool: {
    setup: withServer,
    call: (c, { server, agent, session }, o) =>
      c.mcp.callTool(
        server.id,
        agent.id,
        'tools/call',
        { name: 'web_search', arguments: { query_text: 'x' } },
        session.sessionId,
        o,
      ),
    check: (result) => expect(result).toEqual(expect.anything()),
  },
  getAgentCard: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      await c.agentCards.generate(agent.id);
      return { agent };
    },
    call: (c, { agent }, o) => c.agentCards.get(agent.id, o),
    check: (card, { agent }) => expect(card.name).toBe(agent.name),
  },
  generateAgentCard: {
    setup: withAgent,
    call: (c, { agent }, o) => c.agentCards.generate(agent.id, o),
    check: (card, { agent }) => expect(card.name).toBe(agent.name),
  },
  publishAgentCard: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      await c.agentCards.generate(agent.id);
      return { agent };
    },
    call: (c, { agent }, o) => c.agentCards.publish(agent.id, o),
    check: (card, { agent }) => expect(card.name).toBe(agent.name),
  },
  getPublicAgentCard: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      await c.agentCards.generate(agent.id);
      await c.agentCards.publish(agent.id);
      return { agent };
    },
    call: (c, { agent }, o) => c.agentCards.getPublic(agent.id, o),
    check: (card, { agent }) => expect(card.name).toBe(agent.name),
  },
  a2aTasksRpc: {
    setup: withTwoAgents,
    call: (c, { a, b }, o) =>
      c.a2a.sendTask(
        {
          sourceAgentId: a.id,
          targetAgentId: b.id,
          message: { role: 'user', parts: [{ kind: 'text', text: 'Search for AI safety papers' }] },
        },
        o,
      ),
    check: (task, { a, b }) => expect(task).toMatchObject({ sourceAgentId: a.id, targetAgentId: b.id }),
  },
  sendA2aMessage: {
    setup: withTwoAgents,
    call: (c, { b }, o) => c.a2a.sendMessage(b.id, { text: 'Search for recent AI safety papers' }, o),
    check: (task) => expect(typeof task.id).toBe('string'),
  },
  listDelegations: {
    setup: withDelegation,
    call: (c, _, o) => c.delegations.list(o),
    check: (list, { delegation }) => expect(list.map((d: any) => d.id)).toContain(delegation.id),
  },
  createDelegation: {
    setup: withTwoAgents,
    call: (c, { a, b }, o) =>
      c.delegations.create(
        { fromAgentId: a.id, toAgentId: b.id, scope: ['web:search'], ttlSeconds: 3600 },
        o,
      ),
    check: (delegation, { a, b }) => expect(delegation).toMatchObject({ fromAgentId: a.id, toAgentId: b.id }),
  },
  getDelegation: {
    setup: withDelegation,
    call: (c, { delegation }, o) => c.delegations.get(delegation.id, o),
    check: (got, { delegation }) => expect(got.id).toBe(delegation.id),
  },
  revokeDelegation: {
    setup: withDelegation,
    call: (c, { delegation }, o) => c.delegations.revoke(delegation.id, o),
    check: (result) => expect(result).toBeUndefined(),
  },
  initDelegationSession: {
    setup: withDelegation,
    call: (c, { delegation }, o) => c.delegations.initSession(delegation.id, o),
    check: (session, { delegation }) => expect(session.delegationId).toBe(delegation.id),
  },
  listFederationProviders: {
    setup: async (c) => ({ provider: await newProvider(c) }),
    call: (c, _, o) => c.federation.listProviders(o),
    check: (list, { provider }) => expect(list.map((p: any) => p.id)).toContain(provider.id),
  },
  registerFederationProvider: {
    call: (c, _, o) =>
      c.federation.registerProvider(
        { issuer: 'https://issuer.example.com', name: 'Workforce', trustLevel: 'high' },
        o,
      ),
    check: (provider) =>
      expect(provider).toMatchObject({ issuer: 'https://issuer.example.com', name: 'Workforce' }),
  },
  deleteFederationProvider: {
    setup: async (c) => ({ provider: await newProvider(c) }),
    call: (c, { provider }, o) => c.federation.deleteProvider(provider.id, o),
    check: (result) => expect(result).toBeUndefined(),
  },
  verifyFederatedToken: {
    call: (c, _, o) => c.federation.verifyToken({ token: 'eyJ.unknown.token' }, o),
    check: (result) => expect(typeof result.valid).toBe('boolean'),
  },
  introspectFederatedToken: {
    call: (c, _, o) => c.federation.introspectToken({ token: 'eyJ.unknown.token' }, o),
    check: (result) => expect(result).toEqual(expect.any(Object)),
  },
  issueFederatedToken: {
    setup: withAgent,
    call: (c, { agent }, o) => c.federation.issueIdToken(agent.id, { audience: 'https://rp.example.com' }, o),
    check: (result) => expect(result).toEqual(expect.any(Object)),
  },
  revokeFederatedToken: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      const issued = await c.federation.issueIdToken(agent.id);
      return { token: issued.idToken ?? issued.token };
    },
    call: (c, { token }, o) => c.federation.revokeToken(token, o),
    check: (result) => expect(result).toBeUndefined(),
  },
  initFederatedSession: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      const issued = await c.federation.issueIdToken(agent.id);
      return { token: issued.idToken ?? issued.token };
    },
    call: (c, { token }, o) => c.federation.initSession({ token }, o),
    check: (session) => expect(typeof session.sessionId).toBe('string'),
  },
  listSiemDestinations: {
    setup: withDestination,
    call: (c, _, o) => c.streaming.list(o),
    check: (list, { destination }) => expect(list.map((d: any) => d.id)).toContain(destination.id),
  },
  createSiemDestination: {
    call: (c, _, o) =>
      c.streaming.create(
        {
          name: 'Splunk HEC',
          destinationType: 'splunk',
          endpointUrl: 'https://splunk.example.com/c',
          authToken: 'secret',
        },
        o,
      ),
    check: (d) => expect(d).toMatchObject({ name: 'Splunk HEC', destinationType: 'splunk' }),
  },
  getSiemDestination: {
    setup: withDestination,
    call: (c, { destination }, o) => c.streaming.get(destination.id, o),
    check: (got, { destination }) => expect(got.id).toBe(destination.id),
  },
  updateSiemDestination: {
    setup: withDestination,
    call: (c, { destination }, o) =>
      c.streaming.update(destination.id, { name: 'Renamed', isActive: false }, o),
    check: (got) => expect(got).toMatchObject({ name: 'Renamed', isActive: false }),
  },
  deleteSiemDestination: {
    setup: withDestination,
    call: (c, { destination }, o) => c.streaming.delete(destination.id, o),
    check: (result) => expect(result).toBeUndefined(),
  },
  getSiemDeliveryLog: {
    setup: withDestination,
    call: (c, { destination }, o) => c.streaming.deliveryLog(destination.id, o),
    check: (logs) => expect(Array.isArray(logs)).toBe(true),
  },
  testSiemDestination: {
    setup: withDestination,
    call: (c, { destination }, o) => c.streaming.test(destination.id, o),
    check: (result) => expect(result).toEqual(expect.any(Object)),
  },
  issueWimseToken: {
    setup: withAgent,
    call: (c, { agent }, o) => c.wimse.issueToken({ agentId: agent.id }, o),
    check: (result) => expect(typeof result.token).toBe('string'),
  },
  verifyWimseToken: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      return { agent, wimse: await c.wimse.issueToken({ agentId: agent.id }) };
    },
    call: (c, { wimse }, o) => c.wimse.verifyToken({ token: wimse.token }, o),
    check: (result, { agent }) => expect(result).toMatchObject({ valid: true, agentId: agent.id }),
  },
  getOrgSecuritySettings: {
    call: (c, _, o) => c.orgs.getSecuritySettings(o),
    check: (s) => expect(typeof s.requireProofOfPossession).toBe('boolean'),
  },
  updateOrgSecuritySettings: {
    call: (c, _, o) => c.orgs.updateSecuritySettings({ requireProofOfPossession: false }, o),
    check: (s) => expect(s.requireProofOfPossession).toBe(false),
  },
};

const newProvider = (c: AgentTrustClient) =>
  c.federation.registerProvider({
    issuer: `https://issuer-${Math.random().toString(36).slice(2, 8)}.example.com`,
    name: 'Workforce',
  });

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
      expect(agent).toHaveProperty('revokedAt', null);
    },
  },
  listAgents: {
    setup: withAgent,
    call: (c, _, o) => c.agents.list({ status: 'active' }, o),
    check: (agents, { agent }) => expect(agents.map((a: any) => a.id)).toContain(agent.id),
  },
  getAgent: {
    setup: withAgent,
    call: (c, { agent }, o) => c.agents.get(agent.id, o),
    check: (got, { agent }) => expect(got).toEqual(agent),
  },
  revokeAgent: {
    setup: withAgent,
    call: (c, { agent }, o) => c.agents.revoke(agent.id, 'compromised', o),
    check: (got) => expect(got).toMatchObject({ status: 'revoked', revocationReason: 'compromised' }),
  },
  suspendAgent: {
    setup: withAgent,
    call: (c, { agent }, o) => c.agents.suspend(agent.id, o),
    check: (got) => expect(got.status).toBe('suspended'),
  },
  activateAgent: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      await c.agents.suspend(agent.id);
      return { agent };
    },
    call: (c, { agent }, o) => c.agents.activate(agent.id, o),
    check: (got) => expect(got.status).toBe('active'),
  },
  issueToken: {
    setup: withAgent,
    call: (c, { agent }, o) =>
      c.tokens.issue({ agentId: agent.id, scopes: ['files:read'], ttlSeconds: 300 }, { ...o, cache: false }),
    check: (token, { agent }) => {
      expect(token).toMatchObject({
        tokenType: 'Bearer',
        agentId: agent.id,
        scopes: ['files:read'],
        audience: [],
      });
      expect(typeof token.token).toBe('string');
      expect(Date.parse(token.expiresAt) - Date.parse(token.issuedAt)).toBe(300_000);
    },
  },
  introspectToken: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      return {
        agent,
        token: await c.tokens.issue({
          agentId: agent.id,
          scopes: ['files:read'],
          audience: ['mcp://filesystem'],
        }),
      };
    },
    call: (c, { token }, o) =>
      c.tokens.introspect(
        { token: token.token, target: 'mcp://filesystem', requiredScopes: ['files:read'] },
        o,
      ),
    check: (result, { agent }) =>
      expect(result).toMatchObject({ active: true, agentId: agent.id, scopes: ['files:read'] }),
  },
  revokeToken: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      return { agent, token: await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] }) };
    },
    call: (c, { token }, o) => c.tokens.revoke(token.token, o),
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
      expect(result).toMatchObject({
        allowed: true,
        elevationRequired: false,
        approvalId: null,
        actionEffect: 'read',
      });
      expect(result.checkId).toEqual(expect.any(String));
      expect(result.confidence).toBeGreaterThanOrEqual(0);
    },
  },
  ingestTelemetry: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      return { agent, session: await c.sessions.initSession(agent.id, 'mcp-code-tools') };
    },
    call: (c, { agent, session }, o) =>
      c.telemetry.send(
        {
          events: [
            {
              toolName: 'web_search',
              success: true,
              durationMs: 12,
              agentId: agent.id,
              sessionId: session.sessionId,
              timestamp: new Date().toISOString(),
            },
          ],
        },
        o,
      ),
    check: (result) => expect(result).toEqual({ accepted: 1 }),
  },
  initSession: {
    setup: withAgent,
    call: (c, { agent }, o) =>
      c.sessions.initSession(
        agent.id,
        'mcp-code-tools',
        { mode: 'restricted', scopeCeiling: ['web:search'] },
        o,
      ),
    check: (session, { agent }) =>
      expect(session).toMatchObject({
        agentId: agent.id,
        serverId: 'mcp-code-tools',
        mode: 'restricted',
        scopeCeiling: ['web:search'],
        source: 'sdk',
        totalCalls: 0,
      }),
  },
  initApiSession: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      return { agent, token: await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] }) };
    },
    call: (c, { token }, o) => c.sessions.initApiSession(token.token, o),
    check: (session, { agent }) => expect(session).toMatchObject({ agentId: agent.id, source: 'api_token' }),
  },
  getSession: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      const session = await c.sessions.initSession(agent.id, 'mcp-code-tools');
      await c.actions.check({ agentId: agent.id, toolName: 'web_search', sessionId: session.sessionId });
      return { agent, session };
    },
    call: (c, { session }, o) => c.sessions.getSession(session.sessionId, o),
    check: (session) => expect(session).toMatchObject({ totalCalls: 1, allowedCalls: 1, deniedCalls: 0 }),
  },
  listApprovals: {
    setup: withApproval,
    call: (c, { agent }, o) => c.approvals.list({ status: 'pending', agentId: agent.id }, o),
    check: (approvals, { approvalId }) => expect(approvals.map((a: any) => a.id)).toEqual([approvalId]),
  },
  getApproval: {
    setup: withApproval,
    call: (c, { approvalId }, o) => c.approvals.get(approvalId, o),
    check: (approval, { agent, approvalId }) =>
      expect(approval).toMatchObject({
        id: approvalId,
        agentId: agent.id,
        actionName: 'db_delete',
        actionEffect: 'destructive',
        status: 'pending',
        decidedBy: null,
      }),
  },
  approveApproval: {
    setup: withApproval,
    call: (c, { approvalId }, o) =>
      c.approvals.approve(approvalId, 'admin@company.com', { comment: 'ok' }, o),
    check: (approval) =>
      expect(approval).toMatchObject({ status: 'approved', decidedBy: 'admin@company.com', comment: 'ok' }),
  },
  denyApproval: {
    setup: withApproval,
    call: (c, { approvalId }, o) => c.approvals.deny(approvalId, 'security@company.com', {}, o),
    check: (approval) =>
      expect(approval).toMatchObject({ status: 'denied', decidedBy: 'security@company.com' }),
  },
  registerMcpServer: {
    call: (c, _, o) =>
      c.mcp.registerServer(
        { name: 'code-tools', url: 'https://mcp-server.example.com', capabilities: ['run_code', 'lint'] },
        o,
      ),
    check: (server) =>
      expect(server).toMatchObject({
        name: 'code-tools',
        url: 'https://mcp-server.example.com',
        capabilities: ['run_code', 'lint'],
      }),
  },
  listMcpServers: {
    setup: withServer,
    call: (c, _, o) => c.mcp.listServers(o),
    check: (servers, { server }) => expect(servers).toContainEqual(server),
  },
  removeMcpServer: {
    setup: withServer,
    call: (c, { server }, o) => c.mcp.removeServer(server.id, o),
    check: (result) => expect(result).toBeUndefined(),
  },
  callMcpTool: {
    setup: withServer,
    call: (c, { server, session }, o) =>
      c.mcp.callTool(
        server.id,
        'tools/call',
        { name: 'web_search', arguments: { query_text: 'x' } },
        session.sessionId,
        o,
      ),
    check: (response) => {
      expect(response.jsonrpc).toBe('2.0');
      expect(response.error ?? response.result).toBeDefined();
    },
  },
  generateAgentCard: {
    setup: withAgent,
    call: (c, { agent }, o) => c.agentCards.generate(agent.id, o),
    check: (card, { agent }) =>
      expect(card).toMatchObject({ agentId: agent.id, name: agent.name, published: false }),
  },
  publishAgentCard: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      await c.agentCards.generate(agent.id);
      return { agent };
    },
    call: (c, { agent }, o) => c.agentCards.publish(agent.id, o),
    check: (card) => expect(card.published).toBe(true),
  },
  getPublicAgentCard: {
    setup: async (c) => {
      const { agent } = await withAgent(c);
      await c.agentCards.generate(agent.id);
      await c.agentCards.publish(agent.id);
      return { agent };
    },
    call: (c, { agent }, o) => c.agentCards.getPublic(agent.id, o),
    check: (card, { agent }) => expect(card).toMatchObject({ agentId: agent.id, published: true }),
  },
  sendA2aMessage: {
    setup: withTwoAgents,
    call: (c, { a, b }, o) =>
      c.a2a.sendMessage(b.id, { text: 'Search for recent AI safety papers', sourceAgentId: a.id }, o),
    check: (task, { a, b }) => {
      expect(task).toMatchObject({ targetAgentId: b.id, sourceAgentId: a.id, protocolVersion: '1.0' });
      expect(task.status.state).toEqual(expect.any(String));
    },
  },
  sendA2aTask: {
    setup: withTwoAgents,
    call: (c, { a, b }, o) =>
      c.a2a.sendTask({ sourceAgentId: a.id, targetAgentId: b.id, message: 'summarize' }, o),
    check: (task, { b }) => expect(task).toMatchObject({ targetAgentId: b.id, protocolVersion: '0.3' }),
  },
  getA2aTask: {
    setup: async (c) => {
      const { a, b } = await withTwoAgents(c);
      return { task: await c.a2a.sendMessage(b.id, { text: 'hi', sourceAgentId: a.id }) };
    },
    call: (c, { task }, o) => c.a2a.getTask(task.id, o),
    check: (got, { task }) => expect(got.id).toBe(task.id),
  },
  cancelA2aTask: {
    setup: async (c) => {
      const { a, b } = await withTwoAgents(c);
      return { task: await c.a2a.sendMessage(b.id, { text: 'hi', sourceAgentId: a.id }) };
    },
    call: (c, { task }, o) => c.a2a.cancelTask(task.id, o),
    check: (got) => expect(got.status.state).toBe('canceled'),
  },
  createDelegation: {
    setup: withTwoAgents,
    call: (c, { a, b }, o) =>
      c.delegations.create(
        { fromAgentId: a.id, toAgentId: b.id, scope: ['web:search'], ttlSeconds: 3600 },
        o,
      ),
    check: (d, { a, b }) =>
      expect(d).toMatchObject({
        fromAgentId: a.id,
        toAgentId: b.id,
        scope: ['web:search'],
        status: 'active',
      }),
  },
  listDelegations: {
    setup: withDelegation,
    call: (c, { a }, o) => c.delegations.list({ agentId: a.id, status: 'active' }, o),
    check: (list, { delegation }) => expect(list).toContainEqual(delegation),
  },
  revokeDelegation: {
    setup: withDelegation,
    call: (c, { delegation }, o) => c.delegations.revoke(delegation.id, o),
    check: (d) => expect(d.status).toBe('revoked'),
  },
  initDelegationSession: {
    setup: withDelegation,
    call: (c, { delegation }, o) => c.delegations.initSession(delegation.id, {}, o),
    check: (session, { delegation, b }) =>
      expect(session).toMatchObject({ delegationId: delegation.id, agentId: b.id, source: 'delegation' }),
  },
  registerFederationProvider: {
    call: (c, _, o) =>
      c.federation.registerProvider(
        { issuer: 'https://issuer.example.com', name: 'Example Workforce', trustLevel: 'high' },
        o,
      ),
    check: (p) => expect(p).toMatchObject({ issuer: 'https://issuer.example.com', trustLevel: 'high' }),
  },
  verifyFederatedToken: {
    call: (c, _, o) => c.federation.verifyToken({ token: 'not-a-jwt' }, o),
    check: (v) => expect(v).toMatchObject({ valid: false, reason: 'malformed' }),
  },
  initFederatedSession: {
    setup: async (c) => {
      await c.federation.registerProvider({
        issuer: 'https://issuer.example.com',
        name: 'Example Workforce',
      });
      return { jwt: unsignedJwt({ iss: 'https://issuer.example.com', sub: 'alice', exp: 4102444800 }) };
    },
    call: (c, { jwt }, o) =>
      c.federation.initSession({ token: jwt, issuerHint: 'https://issuer.example.com' }, o),
    check: (s) => expect(s).toMatchObject({ source: 'federation', federatedSubject: 'alice' }),
  },
  createSiemDestination: {
    call: (c, _, o) =>
      c.streaming.create(
        {
          name: 'Splunk HEC',
          destinationType: 'splunk',
          endpointUrl: 'https://splunk.example.com/services/collector',
          authToken: 'secret',
        },
        o,
      ),
    check: (d) => {
      expect(d).toMatchObject({
        name: 'Splunk HEC',
        destinationType: 'splunk',
        hasAuthToken: true,
        enabled: true,
      });
      expect(d).not.toHaveProperty('authToken');
    },
  },
  listSiemDestinations: {
    setup: withDestination,
    call: (c, _, o) => c.streaming.list(o),
    check: (list, { destination }) => expect(list).toContainEqual(destination),
  },
  deleteSiemDestination: {
    setup: withDestination,
    call: (c, { destination }, o) => c.streaming.delete(destination.id, o),
    check: (r) => expect(r).toBeUndefined(),
  },
  getSiemDeliveryLog: {
    setup: async (c) => {
      const { destination } = await withDestination(c);
      await c.streaming.test(destination.id);
      return { destination };
    },
    call: (c, { destination }, o) => c.streaming.deliveryLog(destination.id, o),
    check: (log, { destination }) =>
      expect(log[0]).toMatchObject({ destinationId: destination.id, test: true }),
  },
  testSiemDestination: {
    setup: withDestination,
    call: (c, { destination }, o) => c.streaming.test(destination.id, o),
    check: (record, { destination }) =>
      expect(record).toMatchObject({ destinationId: destination.id, test: true }),
  },
};

/** A JWT-shaped token (the mock checks claims, not signatures). */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/**
 * Every operation of the spec: its happy path and each error it documents, in both modes, with
 * every answer checked against the spec by the harness. The last test asserts the grid is full:
 * each operation was seen answering each status the spec declares for it.
 */
import { afterAll, expect, it } from 'vitest';
import {
  type Answer,
  eachMode,
  type Harness,
  jwt,
  observed,
  READONLY_KEY,
  seedWorld,
  type World,
} from './harness.js';
import { specOperations } from './spec.js';

interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  key?: string | null;
  headers?: Record<string, string>;
}
interface ErrorCase {
  status: number;
  code: string;
  /** Builds the failing request; may first change state through the API. */
  req: (w: World, h: Harness) => Req | Promise<Req>;
  /** Extra assertions on the error answer. */
  check?: (answer: Answer) => void;
}
interface Case {
  happy: (w: World, h: Harness) => Req | Promise<Req>;
  /** Extra assertions on the happy answer. */
  check?: (answer: Answer, w: World) => void;
  errors: ErrorCase[];
}

const get = (path: string, key?: string | null): Req => ({
  method: 'GET',
  path,
  ...(key !== undefined ? { key } : {}),
});
const post = (path: string, body?: unknown, headers?: Record<string, string>): Req => ({
  method: 'POST',
  path,
  body,
  ...(headers ? { headers } : {}),
});
const put = (path: string, body?: unknown): Req => ({ method: 'PUT', path, body });
const del = (path: string): Req => ({ method: 'DELETE', path });
const field = (name: string) => (a: Answer) => expect(a.body.details.field).toBe(name);
/** An operation whose body is optional and empty still refuses a field it does not know. */
const unknownBodyField = (req: ErrorCase['req']): ErrorCase => ({
  status: 400,
  code: 'VALIDATION_ERROR',
  req,
  check: field('extra'),
});
const must = async (p: Promise<Answer>, status: number) => {
  const answer = await p;
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  return answer;
};
/** The mock-only admin call that suspends an agent (the wire has no suspend). */
const suspend = (h: Harness, id: string) =>
  must(h.call('POST', `/__mock/agents/${id}/status`, { key: null, body: { status: 'suspended' } }), 200);
const rpc = (method: string, params: unknown, id: unknown = 1) => ({ jsonrpc: '2.0', id, method, params });
const checkBody = (agentId: string, actionName: string, extra: Record<string, unknown> = {}) => ({
  agent_id: agentId,
  action_name: actionName,
  action_source: 'api',
  ...extra,
});

const ISSUER = 'https://issuer.example.com';
const idToken = (claims: Record<string, unknown> = {}) =>
  jwt({
    iss: ISSUER,
    sub: 'alice',
    scope: 'files:read',
    exp: Date.parse('2026-11-22T11:00:00Z') / 1000,
    ...claims,
  });
const message = (text: string) => ({ role: 'user', parts: [{ kind: 'text', text }], messageId: 'm-1' });

const cases: Record<string, Case> = {
  getHealth: {
    happy: () => get('/health'),
    check: (a) => expect(a.body).toMatchObject({ status: 'healthy' }),
    errors: [],
  },
  createAgent: {
    happy: () => post('/api/v1/agents', { name: 'research-bot', capabilities: ['web:search'] }),
    check: (a) =>
      expect(a.body.agent).toMatchObject({
        name: 'research-bot',
        framework: 'custom',
        status: 'active',
        metadata: {},
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/agents', { name: '' }),
        check: field('name'),
      },
    ],
  },
  listAgents: {
    happy: () => get('/api/v1/agents?org_id=org_mock'),
    check: (a, w) => expect(a.body.agents.map((x: any) => x.id)).toEqual([w.bob.id, w.alice.id]),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => get('/api/v1/agents?org_id='),
        check: field('org_id'),
      },
    ],
  },
  getAgent: {
    happy: (w) => get(`/api/v1/agents/${w.alice.id}`),
    check: (a, w) => expect(a.body).toEqual(w.alice),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => get('/api/v1/agents/agt_missing') }],
  },
  revokeAgent: {
    happy: (w) => post(`/api/v1/agents/${w.alice.id}/revoke`, { reason: 'compromised' }),
    check: (a) =>
      expect(a.body).toMatchObject({
        status: 'revoked',
        revocation_reason: 'compromised',
        revoked_at: '2026-11-22T10:00:00.000Z',
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post(`/api/v1/agents/${w.alice.id}/revoke`, { reason: 5 }),
        check: field('reason'),
      },
      { status: 404, code: 'NOT_FOUND', req: () => post('/api/v1/agents/agt_missing/revoke') },
      {
        status: 409,
        code: 'CONFLICT',
        req: async (w, h) => {
          await must(h.post(`/api/v1/agents/${w.alice.id}/revoke`), 200);
          return post(`/api/v1/agents/${w.alice.id}/revoke`);
        },
        check: (a) => expect(a.body.details.status).toBe('revoked'),
      },
    ],
  },
  createAgentChallenge: {
    happy: (w) => post(`/api/v1/agents/${w.alice.id}/challenge`),
    check: (a) =>
      expect(a.body).toMatchObject({
        nonce: expect.stringMatching(/^n_/),
        expires_at: '2026-11-22T10:01:00.000Z',
      }),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => post('/api/v1/agents/agt_missing/challenge', {}) },
      unknownBodyField((w) => post(`/api/v1/agents/${w.alice.id}/challenge`, { extra: 1 })),
    ],
  },
  issueToken: {
    happy: (w) =>
      post('/api/v1/agent-tokens/issue', { agent_id: w.alice.id, scopes: ['web_search'], ttl: 120 }),
    check: (a) => {
      expect(a.body.token).toMatch(/^at_[0-9a-f]{32}$/);
      expect(Date.parse(a.body.expires_at) - Date.parse(a.body.issued_at)).toBe(120_000);
    },
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post('/api/v1/agent-tokens/issue', { agent_id: w.alice.id, scopes: ['x'], ttl: 86401 }),
        check: field('ttl'),
      },
      {
        status: 403,
        code: 'AUTH_DENIED',
        req: (w) => post('/api/v1/agent-tokens/issue', { agent_id: w.bob.id, scopes: ['files:write'] }),
        check: (a) => expect(a.body.details.scope).toBe('files:write'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/api/v1/agent-tokens/issue', { agent_id: 'agt_missing', scopes: ['x'] }),
      },
    ],
  },
  introspectToken: {
    happy: (w) =>
      post('/api/v1/agent-tokens/introspect', { token: w.token.token, target: null, required_scopes: [] }),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        active: true,
        agent_id: w.alice.id,
        scopes: ['files:read'],
        expires_at: w.token.expires_at,
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/agent-tokens/introspect', {}),
        check: field('token'),
      },
    ],
  },
  revokeToken: {
    happy: (w) => post('/api/v1/agent-tokens/revoke', { token: w.token.token, reason: 'manual_revocation' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/agent-tokens/revoke', { token: '' }),
        check: field('token'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/api/v1/agent-tokens/revoke', { token: 'at_unknown' }),
        check: (a) => expect(a.text).not.toContain('at_unknown'),
      },
    ],
  },
  checkAction: {
    happy: (w) =>
      post('/api/v1/agenttrust/check', checkBody(w.alice.id, 'web_search', { action_effect: 'read' })),
    check: (a) => expect(a.body).toMatchObject({ allowed: true, rule: 'capability_granted', confidence: 1 }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post('/api/v1/agenttrust/check', { agent_id: w.alice.id, action_source: 'api' }),
        check: field('action_name'),
      },
      {
        // A WIMSE bearer of another agent than the checked one.
        status: 403,
        code: 'AUTH_DENIED',
        req: async (w, h) => {
          const wimse = await must(h.post('/api/v1/wimse/token', { agent_id: w.bob.id }), 200);
          return post('/api/v1/agenttrust/check', checkBody(w.alice.id, 'web_search'), {
            authorization: `Bearer ${wimse.body.token}`,
          });
        },
        check: field('agent_id'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/api/v1/agenttrust/check', checkBody('agt_missing', 'x')),
      },
    ],
  },
  reportTelemetry: {
    happy: (w) =>
      post('/api/v1/telemetry/report', {
        agent_id: w.alice.id,
        session_id: w.session.session_id,
        events: [
          {
            event_type: 'tool_end',
            tool_name: 'web_search',
            success: true,
            duration_ms: 12,
            timestamp: '2026-11-22T10:00:01Z',
          },
          // Go's omitempty drops success: false and duration_ms: 0.
          { event_type: 'tool_error', tool_name: 'db_delete', error_type: 'PermissionError' },
        ],
      }),
    check: (a) => expect(a.body).toEqual({ accepted: true, events_processed: 2 }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) =>
          post('/api/v1/telemetry/report', {
            agent_id: w.alice.id,
            session_id: 's',
            events: [{ event_type: 'tool_end' }],
          }),
        check: field('events.0.tool_name'),
      },
      {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        req: (w) =>
          post('/api/v1/telemetry/report', {
            agent_id: w.alice.id,
            session_id: 'x'.repeat(1024 * 1024),
            events: [],
          }),
      },
    ],
  },
  initSession: {
    happy: (w) => post('/mcp/sessions/init', { agent_id: w.alice.id, server_id: 'srv' }),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        agent_id: w.alice.id,
        server_id: 'srv',
        mode: 'open',
        source: 'sdk',
        scope_ceiling: [],
        total_calls: 0,
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post('/mcp/sessions/init', { agent_id: w.alice.id }),
        check: field('server_id'),
      },
      {
        status: 403,
        code: 'AGENT_SUSPENDED',
        req: async (w, h) => {
          await suspend(h, w.alice.id);
          return post('/mcp/sessions/init', { agent_id: w.alice.id, server_id: 'srv' });
        },
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/mcp/sessions/init', { agent_id: 'agt_missing', server_id: 'srv' }),
      },
    ],
  },
  getSession: {
    happy: (w) => get(`/mcp/sessions/${w.session.session_id}`),
    check: (a) =>
      expect(a.body).toMatchObject({ total_calls: 1, denied_calls: 1, write_calls: 1, read_calls: 0 }),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => get('/mcp/sessions/ses_missing') }],
  },
  initApiSession: {
    happy: (w) => post('/api/v1/agenttrust/api-sessions/init', { token: w.token.token }),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        agent_id: w.alice.id,
        source: 'api_token',
        mode: 'restricted',
        scope_ceiling: ['files:read'],
        server_id: '',
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/agenttrust/api-sessions/init', {}),
        check: field('token'),
      },
      {
        status: 401,
        code: 'TOKEN_EXPIRED',
        req: (w, h) => {
          h.gateway.clock.advance(300_000);
          return post('/api/v1/agenttrust/api-sessions/init', { token: w.token.token });
        },
      },
      {
        status: 403,
        code: 'AGENT_SUSPENDED',
        req: async (w, h) => {
          await suspend(h, w.alice.id);
          return post('/api/v1/agenttrust/api-sessions/init', { token: w.token.token });
        },
      },
    ],
  },
  getApproval: {
    happy: (w) => get(`/mcp/approvals/${w.approvalId}`),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        id: w.approvalId,
        session_id: w.session.session_id,
        status: 'pending',
        action_name: 'db_delete',
        action_effect: 'destructive',
        decided_by: null,
      }),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => get('/mcp/approvals/apr_missing') }],
  },
  approveApproval: {
    happy: (w) => post(`/mcp/approvals/${w.approvalId}/approve`, { decided_by: 'admin@company.com' }),
    check: (a) => expect(a.body).toMatchObject({ status: 'approved', decided_by: 'admin@company.com' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post(`/mcp/approvals/${w.approvalId}/approve`, {}),
        check: field('decided_by'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/mcp/approvals/apr_missing/approve', { decided_by: 'a' }),
      },
      {
        status: 409,
        code: 'CONFLICT',
        req: async (w, h) => {
          await must(h.post(`/mcp/approvals/${w.approvalId}/deny`, { decided_by: 'sec' }), 200);
          return post(`/mcp/approvals/${w.approvalId}/approve`, { decided_by: 'a' });
        },
        check: (a) => expect(a.body.details.status).toBe('denied'),
      },
    ],
  },
  denyApproval: {
    happy: (w) => post(`/mcp/approvals/${w.approvalId}/deny`, { decided_by: 'security@company.com' }),
    check: (a) => expect(a.body).toMatchObject({ status: 'denied', decided_by: 'security@company.com' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post(`/mcp/approvals/${w.approvalId}/deny`, { decided_by: 'x'.repeat(257) }),
        check: field('decided_by'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/mcp/approvals/apr_missing/deny', { decided_by: 'a' }),
      },
      {
        status: 409,
        code: 'CONFLICT',
        req: (w, h) => {
          h.gateway.clock.advance(5 * 60_000);
          return post(`/mcp/approvals/${w.approvalId}/deny`, { decided_by: 'a' });
        },
        check: (a) => expect(a.body.details.status).toBe('expired'),
      },
    ],
  },
  registerMcpServer: {
    happy: () => post('/mcp/servers', { name: 'fs', url: 'https://fs.example.com/mcp' }),
    check: (a) =>
      expect(a.body).toMatchObject({ name: 'fs', capabilities: [], id: expect.stringMatching(/^mcp_/) }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/mcp/servers', { name: 'fs' }),
        check: field('url'),
      },
      {
        status: 409,
        code: 'CONFLICT',
        req: () => post('/mcp/servers', { name: 'code-tools', url: 'https://x.example.com' }),
      },
    ],
  },
  listMcpServers: {
    happy: () => get('/mcp/servers'),
    check: (a, w) => expect(a.body).toEqual({ servers: [w.server] }),
    errors: [],
  },
  getMcpServer: {
    happy: (w) => get(`/mcp/servers/${w.server.id}`),
    check: (a, w) => expect(a.body).toEqual(w.server),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => get('/mcp/servers/mcp_missing') }],
  },
  removeMcpServer: {
    happy: (w) => del(`/mcp/servers/${w.server.id}`),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => del('/mcp/servers/mcp_missing') }],
  },
  callMcpTool: {
    happy: (w) =>
      post(
        `/mcp/${w.server.id}`,
        rpc('tools/call', { name: 'web_search', arguments: { q: 'AI', nested: { camelKey: 1 } } }),
        { 'x-agent-id': w.alice.id, 'x-session-id': w.session.session_id },
      ),
    check: (a) => {
      expect(a.body).toMatchObject({ jsonrpc: '2.0', id: 1 });
      expect(JSON.parse(a.body.result.content[0].text)).toEqual({
        tool: 'web_search',
        arguments: { q: 'AI', nested: { camelKey: 1 } },
      });
    },
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post(`/mcp/${w.server.id}`, rpc('tools/call', { name: 'web_search' })),
        check: field('X-Agent-ID'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: (w) => post('/mcp/mcp_missing', rpc('ping', {}), { 'x-agent-id': w.alice.id }),
      },
    ],
  },
  generateAgentCard: {
    happy: (w) => post(`/api/v1/agents/${w.alice.id}/card`),
    check: (a, w) => {
      expect(a.body).toMatchObject({ name: 'alice', version: '1.0.0' });
      expect(a.body.supportedInterfaces[0].url).toMatch(new RegExp(`/a2a/agents/${w.alice.id}$`));
      expect(a.body.skills.map((s: any) => s.id)).toEqual(w.alice.capabilities);
    },
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => post('/api/v1/agents/agt_missing/card', {}) },
      unknownBodyField((w) => post(`/api/v1/agents/${w.alice.id}/card`, { extra: 1 })),
      {
        status: 409,
        code: 'AGENT_REVOKED',
        req: async (w, h) => {
          await must(h.post(`/api/v1/agents/${w.alice.id}/revoke`), 200);
          return post(`/api/v1/agents/${w.alice.id}/card`);
        },
      },
    ],
  },
  getAgentCard: {
    happy: async (w, h) => {
      await must(h.post(`/api/v1/agents/${w.alice.id}/card`), 200);
      return get(`/api/v1/agents/${w.alice.id}/card`);
    },
    check: (a) => expect(a.body.version).toBe('1.0.0'),
    errors: [{ status: 404, code: 'NOT_FOUND', req: (w) => get(`/api/v1/agents/${w.alice.id}/card`) }],
  },
  publishAgentCard: {
    happy: (w) => put(`/api/v1/agents/${w.alice.id}/card/publish`),
    check: (a) => expect(a.body).toMatchObject({ name: 'alice', version: '1.0.0' }),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => put('/api/v1/agents/agt_missing/card/publish', {}) },
      unknownBodyField((w) => put(`/api/v1/agents/${w.alice.id}/card/publish`, { extra: 1 })),
      {
        status: 409,
        code: 'AGENT_REVOKED',
        req: async (w, h) => {
          await must(h.post(`/api/v1/agents/${w.alice.id}/revoke`), 200);
          return put(`/api/v1/agents/${w.alice.id}/card/publish`);
        },
      },
    ],
  },
  getPublicAgentCard: {
    happy: async (w, h) => {
      await must(h.put(`/api/v1/agents/${w.alice.id}/card/publish`), 200);
      return get(`/a2a/agents/${w.alice.id}/agent.json`, null);
    },
    check: (a) => expect(a.body).toMatchObject({ name: 'alice' }),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: (w) => get(`/a2a/agents/${w.alice.id}/agent.json`, null) },
    ],
  },
  a2aTasksRpc: {
    happy: (w) => post('/a2a', rpc('tasks/get', { id: w.task.id }, '7')),
    check: (a, w) =>
      expect(a.body).toMatchObject({ jsonrpc: '2.0', id: '7', result: { id: w.task.id, status: 'working' } }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/a2a', rpc('tasks/explode', {})),
        check: field('method'),
      },
      {
        status: 403,
        code: 'AGENT_REVOKED',
        req: async (w, h) => {
          await must(h.post(`/api/v1/agents/${w.alice.id}/revoke`), 200);
          return post(
            '/a2a',
            rpc('tasks/send', { source_agent_id: w.alice.id, target_agent_id: w.bob.id, message: 'x' }),
          );
        },
      },
    ],
  },
  sendA2aMessage: {
    happy: (w) =>
      post(
        `/a2a/agents/${w.bob.id}`,
        rpc(
          'message/send',
          {
            message: {
              role: 'user',
              parts: [
                { kind: 'text', text: 'hi' },
                { kind: 'data', data: { maxResults: 3 } },
              ],
              messageId: 'm-1',
              contextId: 'ctx_mine',
            },
          },
          '1',
        ),
      ),
    check: (a) => {
      expect(a.body).toMatchObject({
        id: '1',
        result: { contextId: 'ctx_mine', kind: 'task', status: { state: 'submitted' } },
      });
      expect(a.body.result.history[0].parts[1]).toEqual({ kind: 'data', data: { maxResults: 3 } });
    },
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) =>
          post(`/a2a/agents/${w.bob.id}`, rpc('message/send', { message: { role: 'user', parts: [] } })),
        check: field('params.message.parts'),
      },
      {
        status: 403,
        code: 'AGENT_SUSPENDED',
        req: async (w, h) => {
          await suspend(h, w.bob.id);
          return post(`/a2a/agents/${w.bob.id}`, rpc('message/send', { message: message('x') }));
        },
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/a2a/agents/agt_missing', rpc('message/send', { message: message('x') })),
      },
    ],
  },
  createDelegation: {
    happy: (w) =>
      post('/api/v1/delegations', {
        from_agent_id: w.alice.id,
        to_agent_id: w.bob.id,
        scope: ['web_search'],
        ttl_seconds: 60,
      }),
    check: (a, w) =>
      expect(a.body.delegation).toMatchObject({
        from_agent_id: w.alice.id,
        scope: ['web_search'],
        delegation_chain: [],
        expires_at: '2026-11-22T10:01:00.000Z',
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) =>
          post('/api/v1/delegations', { from_agent_id: w.alice.id, to_agent_id: w.bob.id, scope: [] }),
        check: field('scope'),
      },
      {
        status: 403,
        code: 'AUTH_DENIED',
        req: (w) =>
          post('/api/v1/delegations', {
            from_agent_id: w.bob.id,
            to_agent_id: w.alice.id,
            scope: ['files:read'],
          }),
        check: (a) => expect(a.body.details.scope).toBe('files:read'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: (w) =>
          post('/api/v1/delegations', {
            from_agent_id: w.alice.id,
            to_agent_id: 'agt_missing',
            scope: ['x'],
          }),
      },
    ],
  },
  listDelegations: {
    happy: () => get('/api/v1/delegations'),
    check: (a, w) => expect(a.body).toEqual({ delegations: [w.delegation] }),
    errors: [],
  },
  getDelegation: {
    happy: (w) => get(`/api/v1/delegations/${w.delegation.id}`),
    check: (a, w) => expect(a.body).toEqual(w.delegation),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => get('/api/v1/delegations/dlg_missing') }],
  },
  revokeDelegation: {
    happy: (w) => del(`/api/v1/delegations/${w.delegation.id}`),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => del('/api/v1/delegations/dlg_missing') },
      {
        status: 409,
        code: 'CONFLICT',
        req: async (w, h) => {
          await must(h.del(`/api/v1/delegations/${w.delegation.id}`), 204);
          return del(`/api/v1/delegations/${w.delegation.id}`);
        },
        check: (a) => expect(a.body.details.status).toBe('revoked'),
      },
    ],
  },
  initDelegationSession: {
    happy: (w) => post(`/api/v1/delegations/${w.delegation.id}/session`),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        agent_id: w.bob.id,
        source: 'delegation',
        delegation_id: w.delegation.id,
        mode: 'restricted',
        scope_ceiling: ['files:read'],
      }),
    errors: [
      unknownBodyField((w) => post(`/api/v1/delegations/${w.delegation.id}/session`, { extra: 1 })),
      {
        status: 403,
        code: 'AGENT_SUSPENDED',
        req: async (w, h) => {
          await suspend(h, w.bob.id);
          return post(`/api/v1/delegations/${w.delegation.id}/session`, {});
        },
      },
      { status: 404, code: 'NOT_FOUND', req: () => post('/api/v1/delegations/dlg_missing/session') },
      {
        status: 409,
        code: 'CONFLICT',
        req: (w, h) => {
          h.gateway.clock.advance(3600_000);
          return post(`/api/v1/delegations/${w.delegation.id}/session`);
        },
        check: (a) => expect(a.body.details.status).toBe('expired'),
      },
    ],
  },
  registerFederationProvider: {
    happy: () =>
      post('/api/v1/federation/providers', {
        issuer: 'https://login.example.org',
        name: 'Org',
        trust_level: 'high',
      }),
    check: (a) =>
      expect(a.body.provider).toMatchObject({
        trust_level: 'high',
        issuer: 'https://login.example.org',
        status: 'active',
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/federation/providers', { issuer: 'https://x.example.com' }),
        check: field('name'),
      },
      {
        status: 409,
        code: 'CONFLICT',
        req: () => post('/api/v1/federation/providers', { issuer: ISSUER, name: 'again' }),
      },
    ],
  },
  listFederationProviders: {
    happy: () => get('/api/v1/federation/providers'),
    check: (a, w) => expect(a.body).toEqual({ providers: [w.provider] }),
    errors: [],
  },
  deleteFederationProvider: {
    happy: (w) => del(`/api/v1/federation/providers/${w.provider.id}`),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => del('/api/v1/federation/providers/fedp_missing') }],
  },
  verifyFederatedToken: {
    happy: () => post('/api/v1/federation/tokens/verify', { token: idToken({ custom: { keepMe: true } }) }),
    check: (a) =>
      expect(a.body).toEqual({ valid: true, issuer: ISSUER, expires_at: '2026-11-22T11:00:00.000Z' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/federation/tokens/verify', { token: 'x', extra: 1 }),
        check: field('extra'),
      },
    ],
  },
  introspectFederatedToken: {
    happy: () => post('/api/v1/federation/tokens/introspect', { token: idToken(), issuer_hint: ISSUER }),
    check: (a) => expect(a.body).toMatchObject({ active: true, valid: true, issuer: ISSUER }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/federation/tokens/introspect', { token: '' }),
        check: field('token'),
      },
    ],
  },
  issueFederatedToken: {
    happy: (w) =>
      post('/api/v1/federation/tokens/issue', {
        agent_id: w.alice.id,
        audience: 'https://partner.example.com',
        scopes: [],
        ttl: 600,
      }),
    check: (a) =>
      expect(a.body).toEqual({
        id_token: expect.stringMatching(/^fed_/),
        expires_in: 600,
        expires_at: '2026-11-22T10:10:00.000Z',
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/federation/tokens/issue', {}),
        check: field('agent_id'),
      },
      {
        status: 403,
        code: 'AUTH_DENIED',
        req: (w) => post('/api/v1/federation/tokens/issue', { agent_id: w.bob.id, scopes: ['db:drop'] }),
        check: (a) => expect(a.body.details.scope).toBe('db:drop'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/api/v1/federation/tokens/issue', { agent_id: 'agt_missing' }),
      },
    ],
  },
  revokeFederatedToken: {
    happy: async (w, h) => {
      const issued = await must(h.post('/api/v1/federation/tokens/issue', { agent_id: w.alice.id }), 200);
      return post('/api/v1/federation/tokens/revoke', { token: issued.body.id_token });
    },
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/federation/tokens/revoke', { token: '' }),
        check: field('token'),
      },
    ],
  },
  initFederatedSession: {
    happy: () => post('/api/v1/federation/sessions/init', { token: idToken() }),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        source: 'federation',
        mode: 'restricted',
        scope_ceiling: ['files:read'],
        issuer: ISSUER,
        provider_id: w.provider.id,
        trust_level: 'standard',
        agent_id: expect.stringMatching(/^agt_fed_/),
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/federation/sessions/init', { token: '' }),
        check: field('token'),
      },
      {
        status: 401,
        code: 'AUTH_FAILED',
        req: () =>
          post('/api/v1/federation/sessions/init', { token: idToken({ iss: 'https://evil.example.com' }) }),
        check: (a) => expect(a.body.details.reason).toBe('unknown_issuer'),
      },
      {
        status: 403,
        code: 'AGENT_REVOKED',
        req: async (_w, h) => {
          const first = await must(h.post('/api/v1/federation/sessions/init', { token: idToken() }), 201);
          await must(h.post(`/api/v1/agents/${first.body.agent_id}/revoke`), 200);
          return post('/api/v1/federation/sessions/init', { token: idToken() });
        },
      },
    ],
  },
  createSiemDestination: {
    happy: () =>
      post('/api/v1/siem/destinations', {
        name: 'DD',
        destination_type: 'datadog',
        endpoint_url: 'https://dd.example.com',
      }),
    check: (a) => {
      expect(a.body).toMatchObject({
        is_active: true,
        batch_size: 100,
        flush_interval_seconds: 10,
        filter_event_types: [],
      });
      expect(a.body).not.toHaveProperty('auth_token');
    },
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/siem/destinations', { name: 'x', destination_type: 'splunk' }),
        check: field('endpoint_url'),
      },
    ],
  },
  listSiemDestinations: {
    happy: () => get('/api/v1/siem/destinations'),
    check: (a, w) => {
      expect(a.body).toEqual({ destinations: [w.destination], total: 1 });
      expect(a.text).not.toContain('splunk-secret');
    },
    errors: [],
  },
  getSiemDestination: {
    happy: (w) => get(`/api/v1/siem/destinations/${w.destination.id}`),
    check: (a, w) => expect(a.body).toEqual(w.destination),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => get('/api/v1/siem/destinations/dst_missing') }],
  },
  updateSiemDestination: {
    happy: (w) => put(`/api/v1/siem/destinations/${w.destination.id}`, { is_active: false }),
    check: (a) => expect(a.body).toMatchObject({ is_active: false, name: 'Splunk', auth_token: '********' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => put(`/api/v1/siem/destinations/${w.destination.id}`, { is_active: 'no' }),
        check: field('is_active'),
      },
      { status: 404, code: 'NOT_FOUND', req: () => put('/api/v1/siem/destinations/dst_missing', {}) },
    ],
  },
  deleteSiemDestination: {
    happy: (w) => del(`/api/v1/siem/destinations/${w.destination.id}`),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => del('/api/v1/siem/destinations/dst_missing') }],
  },
  getSiemDeliveryLog: {
    happy: async (w, h) => {
      await must(h.post(`/api/v1/siem/destinations/${w.destination.id}/test`), 200);
      return get(`/api/v1/siem/destinations/${w.destination.id}/logs`);
    },
    check: (a) =>
      expect(a.body).toMatchObject({
        logs: [{ status: 'success', status_code: 200, batch_size: 1 }],
        total: 1,
      }),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => get('/api/v1/siem/destinations/dst_missing/logs') },
    ],
  },
  testSiemDestination: {
    happy: (w) => post(`/api/v1/siem/destinations/${w.destination.id}/test`),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        destination_id: w.destination.id,
        status: 'success',
        status_code: 200,
        error_message: '',
      }),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => post('/api/v1/siem/destinations/dst_missing/test', {}) },
      unknownBodyField((w) => post(`/api/v1/siem/destinations/${w.destination.id}/test`, { extra: 1 })),
    ],
  },
  issueWimseToken: {
    happy: (w) =>
      post('/api/v1/wimse/token', { agent_id: w.alice.id, audience: ['mcp://fs'], ttl_seconds: 60 }),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        workload_id: `spiffe://ati/${w.alice.id}`,
        trust_domain: 'ati',
        expires_at: '2026-11-22T10:01:00.000Z',
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/wimse/token', {}),
        check: field('agent_id'),
      },
      {
        status: 401,
        code: 'AUTH_FAILED',
        req: async (w, h) => {
          await must(h.put('/api/v1/orgs/security-settings', { require_proof_of_possession: true }), 200);
          return post('/api/v1/wimse/token', { agent_id: w.alice.id });
        },
        check: field('proof'),
      },
      {
        status: 403,
        code: 'AGENT_SUSPENDED',
        req: async (w, h) => {
          await suspend(h, w.alice.id);
          return post('/api/v1/wimse/token', { agent_id: w.alice.id });
        },
      },
      { status: 404, code: 'NOT_FOUND', req: () => post('/api/v1/wimse/token', { agent_id: 'agt_missing' }) },
    ],
  },
  verifyWimseToken: {
    happy: async (w, h) => {
      const issued = await must(h.post('/api/v1/wimse/token', { agent_id: w.alice.id }), 200);
      return post('/api/v1/wimse/verify', { token: issued.body.token, trust_domain_filter: 'ati' });
    },
    check: (a, w) =>
      expect(a.body).toEqual({
        valid: true,
        agent_id: w.alice.id,
        workload_id: `spiffe://ati/${w.alice.id}`,
        trust_domain: 'ati',
        capabilities: w.alice.capabilities,
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/api/v1/wimse/verify', { token: 5 }),
        check: field('token'),
      },
    ],
  },
  getOrgSecuritySettings: {
    happy: () => get('/api/v1/orgs/security-settings'),
    check: (a) =>
      expect(a.body).toEqual({
        require_proof_of_possession: false,
        require_sender_constrained_tokens: false,
      }),
    // The settings are for an org admin's key: the read-only key is not one.
    errors: [
      { status: 403, code: 'AUTH_DENIED', req: () => get('/api/v1/orgs/security-settings', READONLY_KEY) },
    ],
  },
  updateOrgSecuritySettings: {
    happy: () => put('/api/v1/orgs/security-settings', { require_sender_constrained_tokens: true }),
    check: (a) =>
      expect(a.body).toEqual({ require_proof_of_possession: false, require_sender_constrained_tokens: true }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => put('/api/v1/orgs/security-settings', { require_proof_of_possession: 'yes' }),
        check: field('require_proof_of_possession'),
      },
    ],
  },
};

/** GETs the read-only key may not make (admin-only settings). */
const ADMIN_ONLY_READS = new Set(['getOrgSecuritySettings']);

const send = (h: Harness, req: Req, key?: string | null) =>
  h.call(req.method, req.path, {
    ...(req.body !== undefined ? { body: req.body } : {}),
    ...(req.headers ? { headers: req.headers } : {}),
    key: key !== undefined ? key : req.key !== undefined ? req.key : undefined,
  });

eachMode('every operation', (h) => {
  it('has a case for every operation of the spec, and nothing else', () => {
    expect(Object.keys(cases).sort()).toEqual(specOperations.map((op) => op.operationId).sort());
  });

  for (const op of specOperations) {
    const c = cases[op.operationId]!;
    it(`${op.operationId}: happy path and documented errors`, async () => {
      // Happy path.
      let w = await seedWorld(h());
      const happy = await c.happy(w, h());
      const ok = await send(h(), happy);
      expect(ok.status, JSON.stringify(ok.body)).toBe(op.success);
      c.check?.(ok, w);

      // Operation-specific errors, each on a fresh world.
      for (const error of c.errors) {
        h().gateway.reset();
        w = await seedWorld(h());
        const answer = await send(h(), await error.req(w, h()));
        expect([answer.status, answer.body?.code], JSON.stringify(answer.body)).toEqual([
          error.status,
          error.code,
        ]);
        expect(answer.body.message, 'the official clients read `message`').toEqual(expect.any(String));
        error.check?.(answer);
      }

      // Gateway-wide errors on the happy request.
      h().gateway.reset();
      w = await seedWorld(h());
      const req = await c.happy(w, h());
      if (!op.public) {
        for (const key of [null, 'sk_live_wrong']) {
          const denied = await send(h(), req, key);
          expect([denied.status, denied.body.code]).toEqual([401, 'AUTH_FAILED']);
        }
        const readonly = await send(h(), req, READONLY_KEY);
        if (op.method === 'GET' && !ADMIN_ONLY_READS.has(op.operationId))
          expect(readonly.status).toBe(op.success);
        else expect([readonly.status, readonly.body.code]).toEqual([403, 'AUTH_DENIED']);
      }
      for (const [status, code] of [
        [429, 'RATE_LIMITED'],
        [500, 'INTERNAL_ERROR'],
        [503, 'GUARDIAN_UNAVAILABLE'],
      ] as const) {
        if (!op.statuses.includes(status)) continue;
        h().gateway.faults.add({
          operation: op.operationId,
          kind: 'status',
          status,
          retryAfter: 2,
          times: 1,
        });
        const faulted = await send(h(), req);
        expect([faulted.status, faulted.body.code]).toEqual([status, code]);
        expect(faulted.headers.get('retry-after')).toBe('2');
      }
    });
  }

  it('saw every operation answer every status the spec declares for it', () => {
    const missing = specOperations.flatMap((op) =>
      op.statuses.filter((s) => !observed.get(op.operationId)?.has(s)).map((s) => `${op.operationId} ${s}`),
    );
    expect(missing).toEqual([]);
  });
});

afterAll(() => observed.clear());

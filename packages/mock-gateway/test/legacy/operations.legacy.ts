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
import { specOperations } from '../spec.js';

interface Req {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  key?: string | null;
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
const post = (path: string, body?: unknown): Req => ({ method: 'POST', path, body });
const del = (path: string): Req => ({ method: 'DELETE', path });
const field = (name: string) => (a: Answer) => expect(a.body.details.field).toBe(name);
const must = async (p: Promise<Answer>, status: number) => expect((await p).status).toBe(status);

const ISSUER = 'https://issuer.example.com';
const idToken = (claims: Record<string, unknown> = {}) =>
  jwt({
    iss: ISSUER,
    sub: 'alice',
    scope: 'files:read',
    exp: Date.parse('2026-11-22T11:00:00Z') / 1000,
    ...claims,
  });

const cases: Record<string, Case> = {
  createAgent: {
    happy: () => post('/v1/agents', { name: 'research-bot', capabilities: ['web:search'] }),
    check: (a) => expect(a.body).toMatchObject({ name: 'research-bot', framework: '', status: 'active' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/v1/agents', { name: '' }),
        check: field('name'),
      },
    ],
  },
  listAgents: {
    happy: () => get('/v1/agents?status=active'),
    check: (a, w) => expect(a.body.map((x: any) => x.id)).toEqual([w.bob.id, w.alice.id]),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => get('/v1/agents?status=asleep'),
        check: field('status'),
      },
    ],
  },
  getAgent: {
    happy: (w) => get(`/v1/agents/${w.alice.id}`),
    // The seed's token and check authenticated alice.
    check: (a, w) => expect(a.body).toEqual({ ...w.alice, last_auth_at: '2026-11-22T10:00:00.000Z' }),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => get('/v1/agents/agt_missing') }],
  },
  revokeAgent: {
    happy: (w) => post(`/v1/agents/${w.alice.id}/revoke`, { reason: 'compromised' }),
    check: (a) => expect(a.body).toMatchObject({ status: 'revoked', revocation_reason: 'compromised' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post(`/v1/agents/${w.alice.id}/revoke`, { reason: 5 }),
        check: field('reason'),
      },
      { status: 404, code: 'NOT_FOUND', req: () => post('/v1/agents/agt_missing/revoke') },
      {
        status: 409,
        code: 'CONFLICT',
        req: async (w, h) => {
          await must(h.post(`/v1/agents/${w.alice.id}/revoke`), 200);
          return post(`/v1/agents/${w.alice.id}/revoke`);
        },
      },
    ],
  },
  suspendAgent: {
    happy: (w) => post(`/v1/agents/${w.alice.id}/suspend`),
    check: (a) => expect(a.body.status).toBe('suspended'),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => post('/v1/agents/agt_missing/suspend') },
      {
        status: 409,
        code: 'AGENT_REVOKED',
        req: async (w, h) => {
          await must(h.post(`/v1/agents/${w.alice.id}/revoke`), 200);
          return post(`/v1/agents/${w.alice.id}/suspend`);
        },
      },
    ],
  },
  activateAgent: {
    happy: async (w, h) => {
      await must(h.post(`/v1/agents/${w.alice.id}/suspend`), 200);
      return post(`/v1/agents/${w.alice.id}/activate`);
    },
    check: (a) => expect(a.body.status).toBe('active'),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => post('/v1/agents/agt_missing/activate') },
      {
        status: 409,
        code: 'AGENT_REVOKED',
        req: async (w, h) => {
          await must(h.post(`/v1/agents/${w.alice.id}/revoke`), 200);
          return post(`/v1/agents/${w.alice.id}/activate`);
        },
      },
    ],
  },
  issueToken: {
    happy: (w) => post('/v1/tokens', { agent_id: w.alice.id, scopes: ['web_search'], ttl_seconds: 300 }),
    check: (a) => {
      expect(a.body.token).toMatch(/^atk_[0-9a-f]{32}$/);
      expect(Date.parse(a.body.expires_at) - Date.parse(a.body.issued_at)).toBe(300_000);
    },
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post('/v1/tokens', { agent_id: w.alice.id, scopes: [] }),
        check: field('scopes'),
      },
      {
        status: 403,
        code: 'AUTH_DENIED',
        req: (w) => post('/v1/tokens', { agent_id: w.bob.id, scopes: ['files:write'] }),
        check: (a) => expect(a.body.details.scope).toBe('files:write'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/v1/tokens', { agent_id: 'agt_missing', scopes: ['x'] }),
      },
    ],
  },
  introspectToken: {
    happy: (w) => post('/v1/tokens/introspect', { token: w.token.token, target: 'mcp://filesystem' }),
    check: (a, w) =>
      expect(a.body).toEqual({
        active: true,
        agent_id: w.alice.id,
        scopes: ['files:read'],
        audience: ['mcp://filesystem'],
        expires_at: w.token.expires_at,
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/v1/tokens/introspect', {}),
        check: field('token'),
      },
    ],
  },
  revokeToken: {
    happy: (w) => post('/v1/tokens/revoke', { token: w.token.token }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/v1/tokens/revoke', { token: '' }),
        check: field('token'),
      },
      { status: 404, code: 'NOT_FOUND', req: () => post('/v1/tokens/revoke', { token: 'atk_unknown' }) },
    ],
  },
  checkAction: {
    happy: (w) =>
      post('/v1/actions/check', { agent_id: w.alice.id, tool_name: 'web_search', action_effect: 'read' }),
    check: (a) =>
      expect(a.body).toMatchObject({ allowed: true, rule: 'capability_granted', effect_source: 'hint' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post('/v1/actions/check', { agent_id: w.alice.id }),
        check: field('tool_name'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/v1/actions/check', { agent_id: 'agt_missing', tool_name: 'x' }),
      },
    ],
  },
  ingestTelemetry: {
    happy: (w) =>
      post('/v1/telemetry', {
        events: [
          {
            tool_name: 'web_search',
            success: true,
            duration_ms: 12,
            agent_id: w.alice.id,
            session_id: 's1',
            timestamp: '2026-11-22T10:00:01Z',
          },
          {
            tool_name: 'db_delete',
            success: false,
            duration_ms: 3,
            error_type: 'PermissionError',
            agent_id: w.alice.id,
            session_id: 's1',
            timestamp: '2026-11-22T10:00:02Z',
          },
        ],
      }),
    check: (a) => expect(a.body).toEqual({ accepted: 2 }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/v1/telemetry', { events: [] }),
        check: field('events'),
      },
      {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        req: () => post('/v1/telemetry', { events: [], pad: 'x'.repeat(1024 * 1024) }),
      },
    ],
  },
  initSession: {
    happy: (w) =>
      post('/v1/sessions', {
        agent_id: w.alice.id,
        server_id: 'srv',
        mode: 'restricted',
        scope_ceiling: ['web:search'],
      }),
    check: (a) =>
      expect(a.body).toMatchObject({
        mode: 'restricted',
        scope_ceiling: ['web:search'],
        source: 'sdk',
        total_calls: 0,
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post('/v1/sessions', { agent_id: w.alice.id, server_id: 'srv', mode: 'restricted' }),
        check: field('scope_ceiling'),
      },
      {
        status: 403,
        code: 'AUTH_DENIED',
        req: (w) =>
          post('/v1/sessions', {
            agent_id: w.bob.id,
            server_id: 'srv',
            mode: 'restricted',
            scope_ceiling: ['db:drop'],
          }),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/v1/sessions', { agent_id: 'agt_missing', server_id: 'srv' }),
      },
    ],
  },
  initApiSession: {
    happy: (w) => post('/v1/sessions/api', { token: w.token.token }),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        agent_id: w.alice.id,
        source: 'api_token',
        mode: 'restricted',
        scope_ceiling: ['files:read'],
        server_id: null,
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/v1/sessions/api', {}),
        check: field('token'),
      },
      {
        status: 401,
        code: 'TOKEN_EXPIRED',
        req: (w, h) => {
          h.gateway.clock.advance(3600_000);
          return post('/v1/sessions/api', { token: w.token.token });
        },
      },
      {
        status: 403,
        code: 'AGENT_SUSPENDED',
        req: async (w, h) => {
          await must(h.post(`/v1/agents/${w.alice.id}/suspend`), 200);
          return post('/v1/sessions/api', { token: w.token.token });
        },
      },
    ],
  },
  getSession: {
    happy: (w) => get(`/v1/sessions/${w.session.session_id}`),
    check: (a) => expect(a.body).toMatchObject({ total_calls: 1, denied_calls: 1, allowed_calls: 0 }),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => get('/v1/sessions/ses_missing') }],
  },
  listApprovals: {
    happy: (w) => get(`/v1/approvals?agent_id=${w.alice.id}`),
    check: (a, w) => expect(a.body.map((x: any) => x.id)).toEqual([w.approvalId]),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => get('/v1/approvals?status=maybe'),
        check: field('status'),
      },
    ],
  },
  getApproval: {
    happy: (w) => get(`/v1/approvals/${w.approvalId}`),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        id: w.approvalId,
        status: 'pending',
        action_name: 'db_delete',
        action_effect: 'destructive',
      }),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => get('/v1/approvals/apr_missing') }],
  },
  approveApproval: {
    happy: (w) =>
      post(`/v1/approvals/${w.approvalId}/approve`, { decided_by: 'admin@company.com', comment: 'ok' }),
    check: (a) =>
      expect(a.body).toMatchObject({ status: 'approved', decided_by: 'admin@company.com', comment: 'ok' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post(`/v1/approvals/${w.approvalId}/approve`, { decided_by: '' }),
        check: field('decided_by'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/v1/approvals/apr_missing/approve', { decided_by: 'a' }),
      },
      {
        status: 409,
        code: 'CONFLICT',
        req: async (w, h) => {
          await must(h.post(`/v1/approvals/${w.approvalId}/deny`, { decided_by: 'sec' }), 200);
          return post(`/v1/approvals/${w.approvalId}/approve`, { decided_by: 'a' });
        },
        check: (a) => expect(a.body.details.status).toBe('denied'),
      },
    ],
  },
  denyApproval: {
    happy: (w) => post(`/v1/approvals/${w.approvalId}/deny`, { decided_by: 'security@company.com' }),
    check: (a) => expect(a.body).toMatchObject({ status: 'denied', decided_by: 'security@company.com' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post(`/v1/approvals/${w.approvalId}/deny`, {}),
        check: field('decided_by'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/v1/approvals/apr_missing/deny', { decided_by: 'a' }),
      },
      {
        status: 409,
        code: 'CONFLICT',
        req: (w, h) => {
          h.gateway.clock.advance(5 * 60_000);
          return post(`/v1/approvals/${w.approvalId}/deny`, { decided_by: 'a' });
        },
        check: (a) => expect(a.body.details.status).toBe('expired'),
      },
    ],
  },
  registerMcpServer: {
    happy: () => post('/v1/mcp/servers', { name: 'fs', url: 'https://fs.example.com/mcp' }),
    check: (a) => expect(a.body).toMatchObject({ name: 'fs', capabilities: [] }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/v1/mcp/servers', { name: 'fs', url: 'not a url' }),
        check: field('url'),
      },
      {
        status: 409,
        code: 'CONFLICT',
        req: () => post('/v1/mcp/servers', { name: 'code-tools', url: 'https://x.example.com' }),
      },
    ],
  },
  listMcpServers: {
    happy: () => get('/v1/mcp/servers'),
    check: (a, w) => expect(a.body).toEqual([w.server]),
    errors: [],
  },
  removeMcpServer: {
    happy: (w) => del(`/v1/mcp/servers/${w.server.id}`),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => del('/v1/mcp/servers/mcp_missing') }],
  },
  callMcpTool: {
    happy: (w) =>
      post(`/v1/mcp/servers/${w.server.id}/rpc`, {
        method: 'tools/call',
        params: { name: 'web_search', arguments: { q: 'AI', nested: { camelKey: 1 } } },
        session_id: w.session.session_id,
      }),
    check: (a) => {
      expect(a.body.check_id).toMatch(/^chk_/);
      expect(JSON.parse(a.body.result.content[0].text)).toEqual({
        tool: 'web_search',
        arguments: { q: 'AI', nested: { camelKey: 1 } },
      });
    },
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) =>
          post(`/v1/mcp/servers/${w.server.id}/rpc`, {
            method: 'tools/call',
            session_id: w.session.session_id,
          }),
        check: field('params.name'),
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () => post('/v1/mcp/servers/mcp_missing/rpc', { method: 'ping' }),
      },
    ],
  },
  generateAgentCard: {
    happy: (w) => post(`/v1/agents/${w.alice.id}/card`),
    check: (a, w) => {
      expect(a.body).toMatchObject({
        agent_id: w.alice.id,
        published: false,
        published_at: null,
        version: '1.0.0',
      });
      expect(a.body.skills[0]).toEqual({ id: 'web:search', name: 'web:search', tags: ['web'] });
    },
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => post('/v1/agents/agt_missing/card') },
      {
        status: 409,
        code: 'AGENT_REVOKED',
        req: async (w, h) => {
          await must(h.post(`/v1/agents/${w.alice.id}/revoke`), 200);
          return post(`/v1/agents/${w.alice.id}/card`);
        },
      },
    ],
  },
  publishAgentCard: {
    happy: (w) => post(`/v1/agents/${w.alice.id}/card/publish`),
    check: (a) => expect(a.body).toMatchObject({ published: true, published_at: '2026-11-22T10:00:00.000Z' }),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => post('/v1/agents/agt_missing/card/publish') },
      {
        status: 409,
        code: 'AGENT_REVOKED',
        req: async (w, h) => {
          await must(h.post(`/v1/agents/${w.alice.id}/revoke`), 200);
          return post(`/v1/agents/${w.alice.id}/card/publish`);
        },
      },
    ],
  },
  getPublicAgentCard: {
    happy: async (w, h) => {
      await must(h.post(`/v1/agents/${w.alice.id}/card/publish`), 200);
      return get(`/a2a/agents/${w.alice.id}/agent.json`, null);
    },
    check: (a, w) => expect(a.body).toMatchObject({ agent_id: w.alice.id, published: true }),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: (w) => get(`/a2a/agents/${w.alice.id}/agent.json`, null) },
    ],
  },
  sendA2aMessage: {
    happy: (w) =>
      post(`/v1/a2a/agents/${w.bob.id}/messages`, {
        message: {
          role: 'user',
          parts: [
            { kind: 'text', text: 'hi' },
            { kind: 'data', data: { maxResults: 3 } },
          ],
        },
        context_id: 'ctx_mine',
      }),
    check: (a) => {
      expect(a.body).toMatchObject({
        context_id: 'ctx_mine',
        protocol_version: '1.0',
        source_agent_id: null,
        status: { state: 'submitted' },
      });
      expect(a.body.history[0].parts[1]).toEqual({ kind: 'data', data: { maxResults: 3 } });
    },
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post(`/v1/a2a/agents/${w.bob.id}/messages`, { message: { role: 'user', parts: [] } }),
        check: field('message.parts'),
      },
      {
        status: 403,
        code: 'AGENT_SUSPENDED',
        req: async (w, h) => {
          await must(h.post(`/v1/agents/${w.bob.id}/suspend`), 200);
          return post(`/v1/a2a/agents/${w.bob.id}/messages`, {
            message: { role: 'user', parts: [{ kind: 'text', text: 'x' }] },
          });
        },
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: () =>
          post('/v1/a2a/agents/agt_missing/messages', {
            message: { role: 'user', parts: [{ kind: 'text', text: 'x' }] },
          }),
      },
    ],
  },
  sendA2aTask: {
    happy: (w) =>
      post('/v1/a2a/tasks/send', {
        source_agent_id: w.alice.id,
        target_agent_id: w.bob.id,
        message: 'find papers',
      }),
    check: (a) =>
      expect(a.body).toMatchObject({
        protocol_version: '0.3',
        history: [{ role: 'user', parts: [{ kind: 'text', text: 'find papers' }] }],
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post('/v1/a2a/tasks/send', { source_agent_id: w.alice.id, message: 'x' }),
        check: field('target_agent_id'),
      },
      {
        status: 403,
        code: 'AGENT_REVOKED',
        req: async (w, h) => {
          await must(h.post(`/v1/agents/${w.alice.id}/revoke`), 200);
          return post('/v1/a2a/tasks/send', {
            source_agent_id: w.alice.id,
            target_agent_id: w.bob.id,
            message: 'x',
          });
        },
      },
      {
        status: 404,
        code: 'NOT_FOUND',
        req: (w) =>
          post('/v1/a2a/tasks/send', {
            source_agent_id: w.alice.id,
            target_agent_id: 'agt_missing',
            message: 'x',
          }),
      },
    ],
  },
  getA2aTask: {
    happy: (w) => get(`/v1/a2a/tasks/${w.task.id}`),
    check: (a) => expect(a.body.status.state).toBe('working'),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => get('/v1/a2a/tasks/tsk_missing') }],
  },
  cancelA2aTask: {
    happy: (w) => post(`/v1/a2a/tasks/${w.task.id}/cancel`),
    check: (a) => expect(a.body.status.state).toBe('canceled'),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => post('/v1/a2a/tasks/tsk_missing/cancel') },
      {
        status: 409,
        code: 'CONFLICT',
        req: async (w, h) => {
          await must(h.post(`/v1/a2a/tasks/${w.task.id}/cancel`), 200);
          return post(`/v1/a2a/tasks/${w.task.id}/cancel`);
        },
        check: (a) => expect(a.body.details.state).toBe('canceled'),
      },
    ],
  },
  createDelegation: {
    happy: (w) =>
      post('/v1/delegations', {
        from_agent_id: w.alice.id,
        to_agent_id: w.bob.id,
        scope: ['web_search'],
        ttl_seconds: 60,
      }),
    check: (a) =>
      expect(a.body).toMatchObject({
        status: 'active',
        expires_at: '2026-11-22T10:01:00.000Z',
        revoked_at: null,
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post('/v1/delegations', { from_agent_id: w.alice.id, to_agent_id: w.bob.id, scope: [] }),
        check: field('scope'),
      },
      {
        status: 403,
        code: 'AUTH_DENIED',
        req: (w) =>
          post('/v1/delegations', {
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
          post('/v1/delegations', { from_agent_id: w.alice.id, to_agent_id: 'agt_missing', scope: ['x'] }),
      },
    ],
  },
  listDelegations: {
    happy: (w) => get(`/v1/delegations?agent_id=${w.bob.id}&status=active`),
    check: (a, w) => expect(a.body).toEqual([w.delegation]),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => get('/v1/delegations?status=paused'),
        check: field('status'),
      },
    ],
  },
  revokeDelegation: {
    happy: (w) => post(`/v1/delegations/${w.delegation.id}/revoke`),
    check: (a) => expect(a.body).toMatchObject({ status: 'revoked', revoked_at: '2026-11-22T10:00:00.000Z' }),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => post('/v1/delegations/dlg_missing/revoke') },
      {
        status: 409,
        code: 'CONFLICT',
        req: async (w, h) => {
          await must(h.post(`/v1/delegations/${w.delegation.id}/revoke`), 200);
          return post(`/v1/delegations/${w.delegation.id}/revoke`);
        },
      },
    ],
  },
  initDelegationSession: {
    happy: (w) => post(`/v1/delegations/${w.delegation.id}/sessions`),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        agent_id: w.bob.id,
        source: 'delegation',
        delegation_id: w.delegation.id,
        mode: 'restricted',
        scope_ceiling: ['files:read'],
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: (w) => post(`/v1/delegations/${w.delegation.id}/sessions`, { scope_ceiling: [''] }),
        check: field('scope_ceiling.0'),
      },
      {
        status: 403,
        code: 'AUTH_DENIED',
        req: (w) => post(`/v1/delegations/${w.delegation.id}/sessions`, { scope_ceiling: ['web:search'] }),
      },
      { status: 404, code: 'NOT_FOUND', req: () => post('/v1/delegations/dlg_missing/sessions') },
      {
        status: 409,
        code: 'CONFLICT',
        req: (w, h) => {
          h.gateway.clock.advance(3600_000);
          return post(`/v1/delegations/${w.delegation.id}/sessions`);
        },
        check: (a) => expect(a.body.details.status).toBe('expired'),
      },
    ],
  },
  registerFederationProvider: {
    happy: () =>
      post('/v1/federation/providers', {
        issuer: 'https://login.example.org',
        name: 'Org',
        trust_level: 'high',
      }),
    check: (a) => expect(a.body).toMatchObject({ trust_level: 'high', issuer: 'https://login.example.org' }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/v1/federation/providers', { issuer: 'nope', name: 'x' }),
        check: field('issuer'),
      },
      {
        status: 409,
        code: 'CONFLICT',
        req: () => post('/v1/federation/providers', { issuer: ISSUER, name: 'again' }),
      },
    ],
  },
  verifyFederatedToken: {
    happy: () => post('/v1/federation/verify', { token: idToken({ custom: { keepMe: true } }) }),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        valid: true,
        issuer: ISSUER,
        subject: 'alice',
        provider_id: w.provider.id,
        trust_level: 'medium',
        expires_at: '2026-11-22T11:00:00.000Z',
        claims: { custom: { keepMe: true } },
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/v1/federation/verify', { token: 'x', extra: 1 }),
        check: field('extra'),
      },
    ],
  },
  initFederatedSession: {
    happy: () => post('/v1/federation/sessions', { token: idToken() }),
    check: (a) =>
      expect(a.body).toMatchObject({
        source: 'federation',
        mode: 'restricted',
        scope_ceiling: ['files:read'],
        federated_subject: 'alice',
        federated_issuer: ISSUER,
      }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () => post('/v1/federation/sessions', { token: '' }),
        check: field('token'),
      },
      {
        status: 401,
        code: 'AUTH_FAILED',
        req: () => post('/v1/federation/sessions', { token: idToken({ iss: 'https://evil.example.com' }) }),
        check: (a) => expect(a.body.details.reason).toBe('unknown_issuer'),
      },
      {
        status: 403,
        code: 'AGENT_REVOKED',
        req: async (_w, h) => {
          const first = await h.post('/v1/federation/sessions', { token: idToken() });
          await must(h.post(`/v1/agents/${first.body.agent_id}/revoke`), 200);
          return post('/v1/federation/sessions', { token: idToken() });
        },
      },
    ],
  },
  createSiemDestination: {
    happy: () =>
      post('/v1/streaming/destinations', {
        name: 'DD',
        destination_type: 'datadog',
        endpoint_url: 'https://dd.example.com',
        enabled: false,
      }),
    check: (a) => expect(a.body).toMatchObject({ enabled: false, has_auth_token: false }),
    errors: [
      {
        status: 400,
        code: 'VALIDATION_ERROR',
        req: () =>
          post('/v1/streaming/destinations', {
            name: 'x',
            destination_type: 'syslog',
            endpoint_url: 'https://x.example.com',
          }),
        check: field('destination_type'),
      },
    ],
  },
  listSiemDestinations: {
    happy: () => get('/v1/streaming/destinations'),
    check: (a, w) => {
      expect(a.body).toEqual([w.destination]);
      expect(a.text).not.toContain('splunk-secret');
    },
    errors: [],
  },
  deleteSiemDestination: {
    happy: (w) => del(`/v1/streaming/destinations/${w.destination.id}`),
    errors: [{ status: 404, code: 'NOT_FOUND', req: () => del('/v1/streaming/destinations/dst_missing') }],
  },
  getSiemDeliveryLog: {
    happy: async (w, h) => {
      await must(h.post(`/v1/streaming/destinations/${w.destination.id}/test`), 200);
      return get(`/v1/streaming/destinations/${w.destination.id}/deliveries`);
    },
    check: (a) => expect(a.body).toMatchObject([{ status: 'delivered', test: true, event_count: 1 }]),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => get('/v1/streaming/destinations/dst_missing/deliveries') },
    ],
  },
  testSiemDestination: {
    happy: (w) => post(`/v1/streaming/destinations/${w.destination.id}/test`),
    check: (a, w) =>
      expect(a.body).toMatchObject({
        destination_id: w.destination.id,
        status: 'delivered',
        http_status: 200,
        error: null,
        test: true,
      }),
    errors: [
      { status: 404, code: 'NOT_FOUND', req: () => post('/v1/streaming/destinations/dst_missing/test') },
    ],
  },
};

const send = (h: Harness, req: Req, key?: string | null) =>
  h.call(req.method, req.path, {
    ...(req.body !== undefined ? { body: req.body } : {}),
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
        if (op.method === 'GET') expect(readonly.status).toBe(op.success);
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

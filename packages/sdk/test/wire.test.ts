// What goes on the wire and how answers are read, against a scripted fetch: the JSON-RPC envelope
// and its per-client id counter, JSON-RPC errors mapped to typed errors (or returned, for the MCP
// proxy), envelopes unwrapped with a bare body accepted too, no body on body-less calls, a fresh
// A2A messageId when the caller gives none, and error bodies read as the gateway sends them.
import { describe, expect, it } from 'vitest';
import {
  AgentRevokedError,
  AgentTrustClient,
  AgentTrustError,
  AuthenticationError,
  ConflictError,
  NotFoundError,
  ValidationError,
} from '../src/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The raw body text; undefined when none was sent. */
  text: string | undefined;
  body: any;
}

/** A client whose fetch records each request and answers from `answer` (JSON, status 200 by default). */
function scripted(answer: (sent: Sent) => unknown | { status: number; json: unknown }) {
  const sent: Sent[] = [];
  const client = new AgentTrustClient({
    baseUrl: 'http://gw.test',
    apiKey: 'sk_test_key',
    logLevel: 'off',
    maxRetries: 0,
    fetch: async (input) => {
      const request = input as Request;
      const text = request.body === null ? undefined : await request.text();
      const record: Sent = {
        method: request.method,
        path: new URL(request.url).pathname + new URL(request.url).search,
        headers: Object.fromEntries(request.headers),
        text,
        body: text === undefined || text === '' ? undefined : JSON.parse(text),
      };
      sent.push(record);
      const out = answer(record) as { status?: unknown; json?: unknown };
      if (out && typeof out === 'object' && typeof out.status === 'number' && 'json' in out)
        return Response.json(out.json, { status: out.status });
      return Response.json(out);
    },
  });
  return { client, sent };
}

const legacyTask = (id: string, status = 'working') => ({
  id,
  source_agent_id: 'agt_a',
  target_agent_id: 'agt_b',
  status,
  created_at: '2026-01-01T00:00:00Z',
});
const v1Task = { id: 'task_1', contextId: 'ctx_1', status: { state: 'submitted' }, kind: 'task' };
const agent = (id: string) => ({
  id,
  name: 'bot',
  org_id: 'org_1',
  framework: 'custom',
  public_key: '',
  status: 'active',
  capabilities: [],
  metadata: {},
  created_at: '2026-01-01T00:00:00Z',
});
const rpcResult = (sent: Sent, result: unknown) => ({ jsonrpc: '2.0', id: sent.body.id, result });

describe('JSON-RPC', () => {
  it('wraps the arguments as params of the method, with a per-client string id counter', async () => {
    const { client, sent } = scripted((s) =>
      s.path === '/a2a' ? rpcResult(s, legacyTask(s.body.params.id ?? 'task_9')) : rpcResult(s, v1Task),
    );
    const task = await client.a2a.getTask('task_1');
    expect(task).toEqual({
      id: 'task_1',
      sourceAgentId: 'agt_a',
      targetAgentId: 'agt_b',
      status: 'working',
      createdAt: '2026-01-01T00:00:00Z',
    });
    await client.a2a.cancelTask('task_1');
    await client.a2a.sendMessage('agt_b', { text: 'hi' });
    expect(sent.map((s) => [s.method, s.path])).toEqual([
      ['POST', '/a2a'],
      ['POST', '/a2a'],
      ['POST', '/a2a/agents/agt_b'],
    ]);
    expect(sent[0]!.body).toEqual({ jsonrpc: '2.0', id: '1', method: 'tasks/get', params: { id: 'task_1' } });
    expect(sent[1]!.body).toMatchObject({ id: '2', method: 'tasks/cancel', params: { id: 'task_1' } });
    // One counter per client, shared by every JSON-RPC method.
    expect(sent[2]!.body).toMatchObject({ jsonrpc: '2.0', id: '3', method: 'message/send' });
    const other = scripted((s) => rpcResult(s, legacyTask('task_1')));
    await other.client.a2a.getTask('task_1');
    expect(other.sent[0]!.body.id).toBe('1');
  });

  it('unwraps a tasks/list result envelope, and accepts a bare array', async () => {
    let wrapped = true;
    const { client, sent } = scripted((s) =>
      rpcResult(s, wrapped ? { tasks: [legacyTask('t1')] } : [legacyTask('t2')]),
    );
    expect((await client.a2a.listTasks({ limit: 50 })).map((t) => t.id)).toEqual(['t1']);
    wrapped = false;
    expect((await client.a2a.listTasks()).map((t) => t.id)).toEqual(['t2']);
    expect(sent[0]!.body).toMatchObject({ method: 'tasks/list', params: { limit: 50 } });
    expect(sent[1]!.body.params).toEqual({});
  });

  it.each([
    [{ code: -32001, message: 'task not found' }, NotFoundError, 'NOT_FOUND'],
    [{ code: -32002, message: 'task cannot be canceled' }, ConflictError, 'CONFLICT'],
    [{ code: -32602, message: 'bad params' }, ValidationError, 'VALIDATION_ERROR'],
    // `data.code`, when it is one of the spec's ErrorCodes, wins over the JSON-RPC code.
    [
      { code: -32000, message: 'agent revoked', data: { code: 'AGENT_REVOKED' } },
      AgentRevokedError,
      'AGENT_REVOKED',
    ],
    [{ code: -32099, message: 'odd' }, AgentTrustError, 'INTERNAL_ERROR'],
  ])('raises the error member %j as a typed error, with the HTTP status 200', async (member, type, code) => {
    const { client } = scripted((s) => ({ jsonrpc: '2.0', id: s.body.id, error: member }));
    const error = await client.a2a.getTask('task_1').catch((e) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ code, status: 200, message: member.message });
    expect(error.details).toMatchObject({ rpcCode: member.code });
  });

  it('an answer with neither result nor error is INVALID_RESPONSE', async () => {
    const { client } = scripted((s) => ({ jsonrpc: '2.0', id: s.body.id }));
    await expect(client.a2a.getTask('task_1')).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it("MCP proxy: the caller's method and params with jsonrpc and id 1; result returned, an error member returned whole", async () => {
    let fail = false;
    const { client, sent } = scripted(() =>
      fail
        ? {
            jsonrpc: '2.0',
            id: 1,
            error: { code: -32001, message: 'denied', data: { rule: 'no_capability' } },
          }
        : { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'ok' }] } },
    );
    const result = await client.mcp.callTool(
      'srv_1',
      'agt_1',
      'tools/call',
      { name: 'run', arguments: { a_b: 1 } },
      'sess_1',
    );
    expect(result).toEqual({ content: [{ type: 'text', text: 'ok' }] });
    expect(sent[0]!.path).toBe('/mcp/srv_1');
    expect(sent[0]!.body).toEqual({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'run', arguments: { a_b: 1 } },
    });
    expect(sent[0]!.headers).toMatchObject({ 'x-agent-id': 'agt_1', 'x-session-id': 'sess_1' });
    fail = true;
    const denied = await client.mcp.callTool('srv_1', 'agt_1', 'tools/list');
    expect(denied).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32001, message: 'denied', data: { rule: 'no_capability' } },
    });
    // The optional session header is left out, not sent empty.
    expect(sent[1]!.headers).not.toHaveProperty('x-session-id');
    expect(sent[1]!.body).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    // The agent header is required.
    await expect(client.mcp.callTool('srv_1', '', 'tools/list')).rejects.toBeInstanceOf(ValidationError);
    expect(sent).toHaveLength(2);
  });
});

describe('envelopes', () => {
  it('returns the envelope member, and a bare body as it is', async () => {
    let wrapped = true;
    const { client } = scripted((s) => {
      const body = s.method === 'GET' ? [agent('agt_1')] : agent('agt_2');
      return wrapped ? (s.method === 'GET' ? { agents: body } : { agent: body }) : body;
    });
    expect((await client.agents.list()).map((a) => a.id)).toEqual(['agt_1']);
    expect((await client.agents.create({ name: 'bot' })).orgId).toBe('org_1');
    wrapped = false;
    expect((await client.agents.list()).map((a) => a.id)).toEqual(['agt_1']);
    expect((await client.agents.create({ name: 'bot' })).id).toBe('agt_2');
  });

  it('checks the wrapped form against its envelope schema', async () => {
    const { client } = scripted(() => ({ agents: [{ id: 'agt_1' }] }));
    await expect(client.agents.list()).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });
});

describe('bodies', () => {
  it('sends no body (and no content-type) on the body-less POST and PUT calls', async () => {
    const { client, sent } = scripted((s) => {
      if (s.path.endsWith('/challenge')) return { nonce: 'n', expires_at: '2026-01-01T00:00:00Z' };
      if (s.path.includes('/card')) return { name: 'bot', description: 'd', version: '1' };
      if (s.path.endsWith('/session'))
        return {
          session_id: 's',
          agent_id: 'a',
          org_id: 'o',
          source: 'delegation',
          mode: 'delegated',
          scope_ceiling: [],
          total_calls: 0,
          denied_calls: 0,
          created_at: '2026-01-01T00:00:00Z',
        };
      return {
        id: 'dst_1',
        destination_id: 'dst_1',
        batch_size: 0,
        status: 'success',
        delivered_at: '2026-01-01T00:00:00Z',
      };
    });
    await client.wimse.challenge('agt_1').catch(() => {});
    await client.agentCards.generate('agt_1').catch(() => {});
    await client.agentCards.publish('agt_1').catch(() => {});
    await client.delegations.initSession('dlg_1').catch(() => {});
    await client.streaming.test('dst_1').catch(() => {});
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /api/v1/agents/agt_1/challenge',
      'POST /api/v1/agents/agt_1/card',
      'PUT /api/v1/agents/agt_1/card/publish',
      'POST /api/v1/delegations/dlg_1/session',
      'POST /api/v1/siem/destinations/dst_1/test',
    ]);
    for (const s of sent) {
      expect(s.text, `${s.method} ${s.path}`).toBeUndefined();
      expect(s.headers).not.toHaveProperty('content-type');
    }
  });

  it('an optional body is sent when it has fields; a required one is sent even empty', async () => {
    const { client, sent } = scripted(() => ({}));
    await client.streaming.update('dst_1').catch(() => {});
    await client.streaming.update('dst_1', { isActive: false }).catch(() => {});
    await client.agents.revoke('agt_1').catch(() => {});
    await client.agents.revoke('agt_1', 'compromised').catch(() => {});
    await client.orgs.updateSecuritySettings({}).catch(() => {});
    expect(sent.map((s) => s.text)).toEqual([
      undefined,
      '{"is_active":false}',
      undefined,
      '{"reason":"compromised"}',
      '{}',
    ]);
  });

  it("fills a left-out A2A messageId with a fresh UUID; keeps the caller's; never changes the caller's object", async () => {
    const { client, sent } = scripted((s) => rpcResult(s, v1Task));
    await client.a2a.sendMessage('agt_b', { message: 'hello' });
    await client.a2a.sendMessage('agt_b', { text: 'again' });
    const message = { role: 'user' as const, parts: [{ kind: 'text' as const, text: 'mine' }] };
    await client.a2a.sendMessage('agt_b', { message });
    await client.a2a.sendMessage('agt_b', { message: { ...message, messageId: 'msg-42' } });
    const ids = sent.map((s) => s.body.params.message.messageId);
    expect(ids[0]).toMatch(UUID);
    expect(ids[1]).toMatch(UUID);
    expect(ids[2]).toMatch(UUID);
    expect(new Set(ids.slice(0, 3)).size).toBe(3);
    expect(ids[3]).toBe('msg-42');
    expect(message).not.toHaveProperty('messageId');
    expect(sent[0]!.body.params.message).toMatchObject({
      role: 'user',
      parts: [{ kind: 'text', text: 'hello' }],
    });
  });
});

describe('errors as the gateway sends them', () => {
  it.each([
    // The message from `message`, else `error`; the code from `code` when it is a known one.
    [
      401,
      { message: 'invalid API key', code: 'AUTH_FAILED' },
      AuthenticationError,
      'AUTH_FAILED',
      'invalid API key',
    ],
    [404, { error: 'agent not found' }, NotFoundError, 'NOT_FOUND', 'agent not found'],
    [
      403,
      { message: 'agent is revoked', code: 'AGENT_REVOKED' },
      AgentRevokedError,
      'AGENT_REVOKED',
      'agent is revoked',
    ],
    // An unknown code falls back to the status's.
    [409, { message: 'exists', code: 'SOMETHING_NEW' }, ConflictError, 'CONFLICT', 'exists'],
    [500, 'not json', AgentTrustError, 'INTERNAL_ERROR', 'Gateway answered HTTP 500'],
  ])('HTTP %i %j', async (status, json, type, code, message) => {
    const { client } = scripted(() => ({ status, json }));
    const error = await client.agents.get('agt_1').catch((e) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ code, status, message });
  });

  it('sends the org key as X-API-Key only, never an Authorization header', async () => {
    const { client, sent } = scripted(() => agent('agt_1'));
    await client.agents.get('agt_1');
    expect(sent[0]!.headers['x-api-key']).toBe('sk_test_key');
    expect(sent[0]!.headers).not.toHaveProperty('authorization');
  });
});

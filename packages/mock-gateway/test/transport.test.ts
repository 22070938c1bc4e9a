/** API keys, request validation, bad input, fault injection and the `/__mock/` admin API, in both modes. */
import * as zod from '@agenttrustid/spec/zod';
import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createMockGateway } from '../src/index.js';
import { eachMode, type Harness, KEY, READONLY_KEY } from './harness.js';

const newAgent = async (h: Harness, capabilities: string[] = ['web:search']) => {
  const answer = await h.post('/api/v1/agents', { name: 'a', capabilities });
  expect(answer.status).toBe(201);
  return answer.body.agent.id as string;
};

eachMode('API keys', (h) => {
  it('full key does everything, read-only key only GETs, anything else is 401', async () => {
    expect((await h().get('/api/v1/agents')).status).toBe(200);
    expect((await h().get('/api/v1/agents', { key: READONLY_KEY })).status).toBe(200);
    const write = await h().post('/api/v1/agents', { name: 'x' }, { key: READONLY_KEY });
    expect([write.status, write.body.code]).toEqual([403, 'AUTH_DENIED']);
    for (const key of ['sk_live_real', `${KEY}x`, `Bearer ${KEY}`, '']) {
      const answer = await h().get('/api/v1/agents', { key });
      expect([answer.status, answer.body.code], key).toEqual([401, 'AUTH_FAILED']);
      // What the official clients read, never echoing the key.
      expect(answer.body.message).toMatch(/X-API-Key/);
      expect(answer.body.message).not.toContain('sk_');
    }
    // The key travels in X-API-Key only: a bearer Authorization is not a key.
    const bearer = await h().get('/api/v1/agents', {
      key: null,
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect([bearer.status, bearer.body.code]).toEqual([401, 'AUTH_FAILED']);
    expect((await h().get('/api/v1/agents', { key: ` ${KEY} ` })).status).toBe(200);
    expect((await h().get('/health', { key: READONLY_KEY })).status).toBe(200);
  });
});

eachMode('request validation', (h) => {
  const fieldOf = async (path: string, body: unknown) => {
    const answer = await h().post(path, body);
    expect([answer.status, answer.body.code], JSON.stringify(answer.body)).toEqual([400, 'VALIDATION_ERROR']);
    expect(answer.body.message).toContain(answer.body.details.field);
    return answer.body.details.field;
  };

  it('names the failing field by its snake_case wire path', async () => {
    const id = await newAgent(h());
    expect(await fieldOf('/api/v1/agents', { name: 'x', capabilities: ['ok', ''] })).toBe('capabilities.1');
    expect(await fieldOf('/api/v1/agents', { name: 5 })).toBe('name');
    expect(await fieldOf('/api/v1/agents', { name: 'x', public_key: '' })).toBe('public_key');
    expect(await fieldOf('/api/v1/agents', { name: 'x', camelCase: true })).toBe('camelCase');
    expect(await fieldOf('/api/v1/agents', { name: 'x', capabilities: Array(101).fill('a') })).toBe(
      'capabilities',
    );
    expect(await fieldOf('/api/v1/agent-tokens/issue', { agent_id: id, scopes: ['x'], ttl: 86401 })).toBe(
      'ttl',
    );
    const check = { agent_id: id, action_name: 'x', action_source: 'api' };
    // The SDK names are not the wire's: `tool_name` is an unknown field here.
    expect(
      await fieldOf('/api/v1/agenttrust/check', { agent_id: id, tool_name: 'x', action_source: 'api' }),
    ).toBe('action_name');
    expect(await fieldOf('/api/v1/agenttrust/check', { ...check, tool_name: 'x' })).toBe('tool_name');
    expect(await fieldOf('/api/v1/agenttrust/check', { ...check, action_source: 'cli' })).toBe(
      'action_source',
    );
    expect(
      await fieldOf('/api/v1/agenttrust/check', { ...check, action_input_summary: 'é'.repeat(201) }),
    ).toBe('action_input_summary');
    expect(await fieldOf('/api/v1/agenttrust/check', { ...check, action_effect: 'harmless' })).toBe(
      'action_effect',
    );
    const event = {
      event_type: 'tool_end',
      tool_name: 't',
      success: true,
      duration_ms: -1,
      timestamp: '2026-11-22T10:00:00Z',
    };
    const report = (events: unknown[]) => ({ agent_id: id, session_id: 's', events });
    expect(await fieldOf('/api/v1/telemetry/report', report([event]))).toBe('events.0.duration_ms');
    expect(
      await fieldOf('/api/v1/telemetry/report', report([{ ...event, duration_ms: 1, tool_input: 'secret' }])),
    ).toBe('events.0.tool_input');
    expect(
      await fieldOf(
        '/api/v1/telemetry/report',
        report([{ ...event, duration_ms: 1, timestamp: 'yesterday' }]),
      ),
    ).toBe('events.0.timestamp');
    expect(
      await fieldOf(
        '/api/v1/telemetry/report',
        report([{ ...event, duration_ms: 1, event_type: 'tool_maybe' }]),
      ),
    ).toBe('events.0.event_type');
    expect(
      await fieldOf(`/a2a/agents/${id}`, {
        jsonrpc: '2.0',
        id: 1,
        method: 'message/send',
        params: { message: { role: 'user', parts: [{ kind: 'image' }] } },
      }),
    ).toBe('params.message.parts.0.kind');
    expect(await fieldOf('/a2a', { jsonrpc: '1.0', id: 1, method: 'tasks/get', params: { id: 't' } })).toBe(
      'jsonrpc',
    );
    expect(await fieldOf('/a2a', { jsonrpc: '2.0', method: 'tasks/get', params: { id: 't' } })).toBe('id');
    expect(
      await fieldOf('/a2a', {
        jsonrpc: '2.0',
        id: 1,
        method: 'tasks/send',
        params: { source_agent_id: id, message: 'x' },
      }),
    ).toBe('params.target_agent_id');
    expect(await fieldOf('/a2a', { jsonrpc: '2.0', id: 1, method: 'tasks/list', params: { limit: 0 } })).toBe(
      'params.limit',
    );
    expect(await fieldOf('/api/v1/agents', [])).toBe('body');
    expect(await fieldOf('/api/v1/agents', undefined)).toBe('body');
  });

  it('counts string lengths in code points, as the spec does', async () => {
    const id = await newAgent(h());
    const emoji = '\u{1F600}'.repeat(200);
    const check = { agent_id: id, action_name: 'web_search', action_source: 'api' };
    const ok = await h().post('/api/v1/agenttrust/check', { ...check, action_input_summary: emoji });
    expect([ok.status, ok.body.allowed]).toEqual([200, true]);
    expect(h().gateway.requests.at(-1)!.body).toMatchObject({ action_input_summary: emoji });
    expect(await fieldOf('/api/v1/agenttrust/check', { ...check, action_input_summary: `${emoji}!` })).toBe(
      'action_input_summary',
    );
  });

  it('checks path and query parameters', async () => {
    // An id longer than the schema allows cannot exist: 404, which every such operation declares.
    const long = await h().get(`/api/v1/agents/${'x'.repeat(129)}`);
    expect([long.status, long.body.code, long.body.details.field]).toEqual([404, 'NOT_FOUND', 'agent_id']);
    const query = await h().get('/api/v1/agents?org_id=');
    expect([query.status, query.body.details.field]).toEqual([400, 'org_id']);
  });

  it('takes an optional body as absent', async () => {
    const id = await newAgent(h());
    const revoke = await h().post(`/api/v1/agents/${id}/revoke`);
    expect([revoke.status, revoke.body.revocation_reason]).toEqual([200, 'manual_revocation']);
    // Body-less POSTs of the official clients: no body, or `{}` (Java).
    expect((await h().post(`/api/v1/agents/${id}/challenge`)).status).toBe(200);
    expect((await h().post(`/api/v1/agents/${id}/challenge`, {})).status).toBe(200);
    // A field in an empty body is refused, a 400 the spec does not declare for these operations
    // (spec gap, reported): unchecked here.
    const extra = await h().post(`/api/v1/agents/${id}/challenge`, { nonce: 'mine' }, { unchecked: true });
    expect([extra.status, extra.body.details.field]).toEqual([400, 'nonce']);
  });

  it('answers bad input with an envelope: 415, invalid JSON, 413, unknown path, wrong method', async () => {
    const text = await h().call('POST', '/api/v1/agents', {
      raw: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect([text.status, text.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const vendor = await h().call('POST', '/api/v1/agents', {
      raw: '{"name":"x"}',
      headers: { 'content-type': 'application/vnd.agenttrust+json; charset=utf-8' },
    });
    expect(vendor.status).toBe(201);
    const broken = await h().call('POST', '/api/v1/agents', {
      raw: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect([broken.status, broken.body.code, broken.body.details.field]).toEqual([
      400,
      'VALIDATION_ERROR',
      'body',
    ]);
    const big = await h().post('/api/v1/agents', { name: 'x', metadata: { blob: 'x'.repeat(1024 * 1024) } });
    expect([big.status, big.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const unknown = await h().get('/api/v1/nothing-here');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    for (const path of [
      '/api/v1/agents/%E0%A4%A',
      '/api/v1/agents/%',
      '/a2a/agents/%FF/agent.json',
      '/__mock/%zz',
    ]) {
      const malformed = await h().get(path);
      expect([malformed.status, malformed.body.code, malformed.body.details.field], path).toEqual([
        400,
        'VALIDATION_ERROR',
        'path',
      ]);
    }
    const wrongMethod = await h().call('PUT', '/api/v1/agents/agt_1');
    expect([wrongMethod.status, wrongMethod.body.code, wrongMethod.headers.get('allow')]).toEqual([
      405,
      'NOT_FOUND',
      'GET',
    ]);
    expect(h().gateway.state.agents.size).toBe(1);
  });
});

eachMode('fault injection', (h) => {
  it('status faults hit the next N requests of one operation, with Retry-After, before any effect', async () => {
    h().gateway.faults.add({
      operation: 'createAgent',
      kind: 'status',
      status: 429,
      retryAfter: 3,
      times: 2,
    });
    for (let i = 0; i < 2; i++) {
      const limited = await h().post('/api/v1/agents', { name: 'x' });
      expect([limited.status, limited.body.code, limited.headers.get('retry-after')]).toEqual([
        429,
        'RATE_LIMITED',
        '3',
      ]);
    }
    expect(h().gateway.state.agents.size).toBe(0);
    expect((await h().get('/api/v1/agents')).status).toBe(200);
    expect((await h().post('/api/v1/agents', { name: 'x' })).status).toBe(201);
    expect(h().gateway.faults.list()).toEqual([]);
  });

  it('`*` hits every operation until cleared', async () => {
    h().gateway.faults.add({ operation: '*', kind: 'status', status: 503 });
    // listAgents does not declare 503: an injected fault may answer what the spec does not.
    expect((await h().get('/api/v1/agents', { unchecked: true })).status).toBe(503);
    expect(
      (await h().post('/api/v1/agenttrust/check', { agent_id: 'a', action_name: 'b', action_source: 'api' }))
        .body.code,
    ).toBe('GUARDIAN_UNAVAILABLE');
    h().gateway.faults.clear();
    expect((await h().get('/api/v1/agents')).status).toBe(200);
  });

  it('latency delays the normal answer', async () => {
    h().gateway.faults.add({ operation: 'listAgents', kind: 'latency', latencyMs: 150, times: 1 });
    const started = performance.now();
    expect((await h().get('/api/v1/agents')).status).toBe(200);
    // A lower bound only: the injected delay is a minimum, never a measured performance figure.
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drop fails the request at the transport, and the next one works', async () => {
    h().gateway.faults.add({ operation: 'listAgents', kind: 'drop', times: 1 });
    const error = await h().fails('GET', '/api/v1/agents');
    expect(error).toBeInstanceOf(TypeError);
    expect((await h().get('/api/v1/agents')).status).toBe(200);
  });

  it('malformed and wrong_type bodies fail the spec, so clients can test their handling', async () => {
    const id = await newAgent(h());
    h().gateway.faults.add({ operation: 'getAgent', kind: 'malformed', times: 1 });
    const malformed = await h().get(`/api/v1/agents/${id}`, { unchecked: true });
    expect(malformed.status).toBe(200);
    expect(malformed.headers.get('content-type')).toContain('application/json');
    expect(() => JSON.parse(malformed.text)).toThrow(SyntaxError);

    h().gateway.faults.add({ operation: 'getAgent', kind: 'wrong_type', times: 1 });
    const wrong = await h().get(`/api/v1/agents/${id}`, { unchecked: true });
    expect(wrong.status).toBe(200);
    expect(Object.keys(wrong.body).sort()).toEqual(
      Object.keys((await h().get(`/api/v1/agents/${id}`)).body).sort(),
    );
    expect(z.safeParse(zod.GetAgentResponse, wrong.body).success).toBe(false);

    h().gateway.faults.add({ operation: 'listAgents', kind: 'wrong_type', times: 1 });
    const list = await h().get('/api/v1/agents', { unchecked: true });
    expect(Array.isArray(list.body)).toBe(false);
  });

  it('a seeded fraction hits the same requests on every run', async () => {
    const run = async () => {
      h().gateway.faults.clear();
      h().gateway.faults.add({
        operation: 'listAgents',
        kind: 'status',
        status: 500,
        fraction: 0.5,
        seed: 42,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await h().get('/api/v1/agents')).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(3);
  });

  it('accepts the snake_case spelling of the HTTP form', async () => {
    h().gateway.faults.add({
      operation: 'listAgents',
      kind: 'status',
      status: 429,
      retry_after: 4,
      times: 1,
    });
    expect((await h().get('/api/v1/agents')).headers.get('retry-after')).toBe('4');
  });

  it('rejects an invalid fault with a TypeError naming the field', () => {
    expect(() => h().gateway.faults.add({ operation: 'nope', kind: 'drop' })).toThrow(/operation/);
    expect(() => h().gateway.faults.add({ operation: '*', kind: 'status' })).toThrow(/status/);
    expect(() => h().gateway.faults.add({ operation: '*', kind: 'drop', fraction: 2 })).toThrow(/fraction/);
    expect(() => h().gateway.faults.add({ operation: '*', kind: 'explode' as 'drop' })).toThrow(/kind/);
  });
});

eachMode('/__mock/ admin API', (h) => {
  const admin = (method: string, path: string, body?: unknown) =>
    h().call(method, `/__mock${path}`, { key: null, ...(body !== undefined ? { body } : {}) });

  it('resets state, moves the clock, and needs no key', async () => {
    await newAgent(h());
    expect((await admin('POST', '/reset')).status).toBe(204);
    expect(h().gateway.state.agents.size).toBe(0);
    const clock = await admin('POST', '/clock', { advance_ms: 90_000 });
    expect([clock.status, clock.body]).toEqual([200, { now: '2026-11-22T10:01:30.000Z' }]);
    expect((await admin('GET', '/clock')).body).toEqual({ now: '2026-11-22T10:01:30.000Z' });
    const bad = await admin('POST', '/clock', { advance_ms: -1 });
    expect([bad.status, bad.body.details.field]).toEqual([400, 'advance_ms']);
  });

  it('adds, lists and clears faults in snake_case', async () => {
    const added = await admin('POST', '/faults', {
      operation: 'listAgents',
      kind: 'status',
      status: 429,
      retry_after: 1,
      times: 1,
    });
    expect(added.status).toBe(201);
    expect(added.body.id).toMatch(/^flt_/);
    expect((await admin('GET', '/faults')).body).toMatchObject([
      { id: added.body.id, retry_after: 1, hits: 0 },
    ]);
    const limited = await h().get('/api/v1/agents');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    expect((await admin('GET', '/faults')).body).toEqual([]);

    const second = await admin('POST', '/faults', { operation: '*', kind: 'latency', latency_ms: 1 });
    expect((await admin('DELETE', `/faults/${second.body.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/faults/${second.body.id}`)).status).toBe(404);
    await admin('POST', '/faults', { kind: 'drop' });
    expect((await admin('DELETE', '/faults')).status).toBe(204);
    expect((await h().get('/api/v1/agents')).status).toBe(200);

    for (const [body, field] of [
      [{ operation: 'nope', kind: 'drop' }, 'operation'],
      [{ kind: 'boom' }, 'kind'],
      [{ kind: 'latency' }, 'latency_ms'],
      [{ kind: 'status', status: 200 }, 'status'],
      [{ kind: 'drop', times: 0 }, 'times'],
      [{ kind: 'drop', latencyMs: 5 }, 'latencyMs'],
    ] as const) {
      const answer = await admin('POST', '/faults', body);
      expect([answer.status, answer.body.details.field], JSON.stringify(body)).toEqual([400, field]);
    }
    const broken = await h().call('POST', '/__mock/faults', {
      key: null,
      raw: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect((await admin('GET', '/nothing')).status).toBe(404);
  });

  it('lists recorded requests with the API key and x-secret fields redacted', async () => {
    const id = await newAgent(h(), ['files:read']);
    const token = (await h().post('/api/v1/agent-tokens/issue', { agent_id: id, scopes: ['files:read'] }))
      .body.token as string;
    await h().post('/api/v1/agent-tokens/introspect', { token, target: 'mcp://fs' });
    await h().post('/api/v1/federation/tokens/verify', { token: 'eyJ.secret.jwt' });
    const log = (await admin('GET', '/requests')).body;
    expect(log.map((r: any) => r.operation_id)).toEqual([
      'createAgent',
      'issueToken',
      'introspectToken',
      'verifyFederatedToken',
    ]);
    expect(log[2]).toMatchObject({
      method: 'POST',
      path: '/api/v1/agent-tokens/introspect',
      body: { token: '[REDACTED]', target: 'mcp://fs' },
      at: '2026-11-22T10:00:00.000Z',
    });
    // The published test keys are kept (a journal shows which one was sent); nothing else is.
    expect(log[0].headers['x-api-key']).toBe(KEY);
    await h().get('/api/v1/agents', {
      key: 'sk_live_real_secret',
      headers: { authorization: 'Bearer eyJ.wimse.jwt', dpop: 'eyJ.dpop.jwt' },
    });
    const denied = (await admin('GET', '/requests')).body.at(-1);
    expect(denied.headers).toMatchObject({
      'x-api-key': '[REDACTED]',
      authorization: 'Bearer [REDACTED]',
      dpop: '[REDACTED]',
    });
    const text = JSON.stringify((await admin('GET', '/requests')).body);
    expect(text).not.toContain('sk_live_real_secret');
    expect(text).not.toContain('eyJ.wimse.jwt');
    expect(text).not.toContain('eyJ.dpop.jwt');
    expect(text).not.toContain(token);
    expect(text).not.toContain('eyJ.secret.jwt');
    expect(h().gateway.requests[2]!.operationId).toBe('introspectToken');
    await h().post('/api/v1/agents', { name: 'big', metadata: { blob: 'x'.repeat(70_000) } });
    expect(h().gateway.requests.at(-1)!.body).toMatch(/^\[body of \d+ characters\]$/);
    expect((await admin('DELETE', '/requests')).status).toBe(204);
    expect((await admin('GET', '/requests')).body).toEqual([]);
  });

  it('redacts Cookie and Proxy-Authorization, and secret bodies that are not a JSON object', async () => {
    // Invalid JSON, an array and a wrong content type: each once kept its raw text in the journal.
    for (const raw of ['{"token":"at_raw_secret_1",', '[{"token":"at_raw_secret_2"}]', '"at_raw_secret_3"']) {
      const answer = await h().call('POST', '/api/v1/agent-tokens/revoke', {
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status, raw).toBe(400);
    }
    const plain = await h().call('POST', '/api/v1/agent-tokens/introspect', {
      raw: '{"token":"at_raw_secret_4"}',
      headers: {
        'content-type': 'text/plain',
        cookie: 'sid=cookie_secret',
        'proxy-authorization': 'Basic cHJveHlfc2VjcmV0',
      },
    });
    expect(plain.status).toBe(415);
    const log = (await admin('GET', '/requests')).body;
    const text = JSON.stringify(log);
    for (const secret of ['at_raw_secret', 'cookie_secret', 'cHJveHlfc2VjcmV0'])
      expect(text).not.toContain(secret);
    expect(log[0].body).toBe('[REDACTED: 27 characters]');
    expect(log.at(-1).headers).toMatchObject({
      cookie: '[REDACTED]',
      'proxy-authorization': 'Basic [REDACTED]',
    });
    // Operations without secret fields still show their body as sent (the journal's purpose).
    await h().call('POST', '/api/v1/agents', {
      raw: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(h().gateway.requests.at(-1)!.body).toBe('{"name":');
  });
});

eachMode('hostile input', (h) => {
  it('answers a2a tasks/get with non-object params 400, not 500', async () => {
    for (const params of ['"AAA"', '[1]', '7']) {
      const answer = await h().call('POST', '/a2a', {
        raw: `{"jsonrpc":"2.0","id":"2","method":"tasks/get","params":${params}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect([answer.status, answer.body.details?.field], params).toEqual([400, 'params']);
    }
  });

  it('answers metadata nested 200k deep with a 400 naming the depth, not a 500', async () => {
    for (const depth of [5_000, 200_000]) {
      const raw = `{"name":"deep","metadata":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      const answer = await h().call('POST', '/api/v1/agents', {
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect([answer.status, answer.body.code, answer.body.details?.field], String(depth)).toEqual([
        400,
        'VALIDATION_ERROR',
        'body',
      ]);
      expect(answer.body.message).toMatch(/nested deeper than 128 levels/);
    }
    // Brackets inside strings do not count; 100 levels is fine.
    const fine = await h().post('/api/v1/agents', {
      name: 'ok',
      metadata: { s: '['.repeat(10_000), a: JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) },
    });
    expect(fine.status).toBe(201);
    // The journal still serializes (a 200k-deep body there would overflow JSON.stringify).
    expect(h().gateway.requests.some((r) => typeof r.body === 'string' && r.body.includes('deeper'))).toBe(
      true,
    );
    expect((await h().call('GET', '/__mock/requests')).status).toBe(200);
  });

  it('accepts a schema-valid telemetry duration_ms beyond 2^53 (JSON Schema integer has no bound)', async () => {
    const id = await newAgent(h());
    for (const duration of ['9007199254740993', '1e20', '123456789012345678901234567890']) {
      const raw = `{"agent_id":"${id}","session_id":"s1","events":[{"event_type":"tool_end","tool_name":"t","duration_ms":${duration},"success":true,"timestamp":"2026-11-22T10:00:01Z"}]}`;
      const answer = await h().call('POST', '/api/v1/telemetry/report', {
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status, duration).toBeLessThan(300);
    }
    expect(h().gateway.state.telemetry.at(-1)!.duration_ms).toBe(1.2345678901234568e29);
    // Still refused: negative and fractional values.
    for (const duration of ['-1', '1.5', '-9007199254740993']) {
      const raw = `{"agent_id":"${id}","session_id":"s1","events":[{"event_type":"tool_end","tool_name":"t","duration_ms":${duration},"success":true,"timestamp":"2026-11-22T10:00:01Z"}]}`;
      const answer = await h().call('POST', '/api/v1/telemetry/report', {
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect([answer.status, answer.body.details?.field], duration).toEqual([400, 'events.0.duration_ms']);
    }
  });

  it('answers undeclared methods on declared paths 405 with Allow (not 400)', async () => {
    for (const [method, path, allow] of [
      ['PATCH', '/api/v1/agents', 'POST, GET'],
      ['DELETE', '/api/v1/agents/agt_1', 'GET'],
      ['GET', '/api/v1/agenttrust/check', 'POST'],
      ['OPTIONS', '/health', 'GET'],
      ['PUT', '/mcp/approvals/apr_1/approve', 'POST'],
      // A literal path is its own resource, not also `/mcp/sessions/{session_id}` (GET).
      ['OPTIONS', '/mcp/sessions/init', 'POST'],
    ] as const) {
      const answer = await h().call(method, path, { unchecked: true });
      expect([answer.status, answer.headers.get('allow')], `${method} ${path}`).toEqual([405, allow]);
    }
  });

  it('answers a trailing slash where an id goes 404 (an empty id), not the collection path 405', async () => {
    const answer = await h().call('DELETE', '/api/v1/delegations/', { unchecked: true });
    expect([answer.status, answer.body.code, answer.headers.get('allow')]).toEqual([404, 'NOT_FOUND', null]);
    // The collection's own methods still take the slash.
    expect((await h().get('/api/v1/agents/', { unchecked: true })).status).toBe(200);
  });
});

describe('instances', () => {
  it('never share state, and a baseUrl restricts the handlers to that origin', async () => {
    const one = createMockGateway({ baseUrl: 'http://one.test' });
    const two = createMockGateway({ baseUrl: 'http://two.test/' });
    const create = (origin: string) =>
      new Request(`${origin}/api/v1/agents`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x' }),
      });
    expect((await one.fetch(create('http://one.test'))).status).toBe(201);
    expect(one.state.agents.size).toBe(1);
    expect(two.state.agents.size).toBe(0);
    expect(await getResponse(two.handlers, create('http://one.test'))).toBeUndefined();
    expect((await getResponse(two.handlers, create('http://two.test')))?.status).toBe(201);
    const prefixed = createMockGateway({ baseUrl: 'http://one.test/gateway' });
    expect((await prefixed.fetch(create('http://one.test/gateway'))).status).toBe(201);
    expect(await getResponse(prefixed.handlers, create('http://one.test'))).toBeUndefined();
    expect(one.requests).toHaveLength(1);
    expect(two.requests).toHaveLength(1);
  });

  it('a shared clock is honoured and a frozen start is validated', () => {
    const gateway = createMockGateway({ clock: { start: '2026-01-01T00:00:00Z' } });
    expect(gateway.clock.iso()).toBe('2026-01-01T00:00:00.000Z');
    expect(gateway.clock.advance(1000)).toBe(Date.parse('2026-01-01T00:00:01Z'));
    expect(() => gateway.clock.advance(-1)).toThrow(RangeError);
    expect(() => createMockGateway({ clock: { start: 'not a date' } })).toThrow(TypeError);
    const live = createMockGateway();
    const before = Date.now();
    live.clock.advance(60_000);
    expect(live.clock.now()).toBeGreaterThanOrEqual(before + 60_000);
  });
});

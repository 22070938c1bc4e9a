// The HTTP core against the in-process mock: retries (counted on the mock), idempotency keys,
// Retry-After, timeouts, aborts, and validation of what the gateway answers.
import { describe, expect, it } from 'vitest';
import { AgentTrustError, NetworkError, ValidationError, VERSION } from '../src/index.js';
import { KEY, useGateway } from './helpers.js';
import { newAgent } from './operations.js';

const { gateway, client } = useGateway();
const attempts = (operationId: string) => gateway.requests.filter((r) => r.operationId === operationId);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function agentId(): Promise<string> {
  return (await newAgent(client())).id;
}

describe('retries', () => {
  it('retries a 503 and reuses one idempotency key on every attempt', async () => {
    const id = await agentId();
    gateway.faults.add({ operation: 'checkAction', kind: 'status', status: 503, retryAfter: 0, times: 2 });
    const result = await client().actions.check({ agentId: id, toolName: 'web_search' });
    expect(result.allowed).toBe(true);
    const tries = attempts('checkAction');
    expect(tries).toHaveLength(3);
    const keys = new Set(tries.map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(UUID);
  });

  it('backs off exponentially without Retry-After (0.5 s then 1 s, less up to 25% jitter)', async () => {
    const id = await agentId();
    gateway.faults.add({ operation: 'checkAction', kind: 'status', status: 500, times: 2 });
    const started = Date.now();
    await client().actions.check({ agentId: id, toolName: 'web_search' });
    expect(attempts('checkAction')).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(0.75 * 1500 - 20);
  });

  it('gives each call its own key, or the one the caller passes', async () => {
    const id = await agentId();
    const c = client();
    await c.actions.check({ agentId: id, toolName: 'web_search' });
    await c.actions.check({ agentId: id, toolName: 'web_search' }, { idempotencyKey: 'my-key-1' });
    const keys = attempts('checkAction').map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(UUID);
    expect(keys[1]).toBe('my-key-1');
    await c.agents.get(id);
    expect(attempts('getAgent')[0]!.headers).not.toHaveProperty('idempotency-key');
  });

  it.each([408, 429, 500, 502, 503, 504])('retries %i up to maxRetries, then throws it', async (status) => {
    gateway.faults.add({ operation: 'listAgents', kind: 'status', status, retryAfter: 0 });
    const error = await client()
      .agents.list()
      .catch((e) => e);
    expect(attempts('listAgents')).toHaveLength(3);
    expect(error).toBeInstanceOf(AgentTrustError);
    expect(error.status).toBe(status);
    expect(error.requestId).toMatch(/^req_/);
  });

  it.each([400, 401, 403, 404, 409, 413])('does not retry %i', async (status) => {
    gateway.faults.add({ operation: 'listAgents', kind: 'status', status, retryAfter: 0 });
    await expect(client().agents.list()).rejects.toMatchObject({ status });
    expect(attempts('listAgents')).toHaveLength(1);
  });

  it('takes maxRetries from the client and from the call', async () => {
    gateway.faults.add({ operation: 'listAgents', kind: 'status', status: 500, retryAfter: 0 });
    await expect(client({ maxRetries: 1 }).agents.list()).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(attempts('listAgents')).toHaveLength(2);
    gateway.requests.length = 0;
    await expect(client({ maxRetries: 1 }).agents.list({}, { maxRetries: 0 })).rejects.toMatchObject({
      status: 500,
    });
    expect(attempts('listAgents')).toHaveLength(1);
  });

  it('honours Retry-After in seconds', async () => {
    gateway.faults.add({ operation: 'listAgents', kind: 'status', status: 429, retryAfter: 1, times: 1 });
    const started = Date.now();
    await client().agents.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(attempts('listAgents')).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    // HTTP dates have whole seconds: 2 s ahead is at least 1 s away.
    const at = new Date(Date.now() + 2_000).toUTCString();
    gateway.faults.add({ operation: 'listAgents', kind: 'status', status: 503, retryAfter: at, times: 1 });
    const started = Date.now();
    await client().agents.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(attempts('listAgents')).toHaveLength(2);
  });

  it('retries a dropped connection, then reports NETWORK_ERROR', async () => {
    gateway.faults.add({ operation: 'listAgents', kind: 'drop', times: 1 });
    await expect(client().agents.list()).resolves.toEqual([]);
    expect(attempts('listAgents')).toHaveLength(2);

    gateway.requests.length = 0;
    gateway.faults.add({ operation: 'listAgents', kind: 'drop' });
    const error = await client({ maxRetries: 1 })
      .agents.list()
      .catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.status).toBeUndefined();
    expect(attempts('listAgents')).toHaveLength(2);
  });
});

describe('timeouts and aborts', () => {
  it('fails with TIMEOUT after the client timeout, without retrying', async () => {
    gateway.faults.add({ operation: 'listAgents', kind: 'latency', latencyMs: 1_000 });
    const error = await client({ timeout: 100 })
      .agents.list()
      .catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'TIMEOUT', message: 'GET /api/v1/agents timed out after 100 ms' });
    expect(attempts('listAgents')).toHaveLength(1);
  });

  it('takes the timeout per call', async () => {
    gateway.faults.add({ operation: 'listAgents', kind: 'latency', latencyMs: 300 });
    await expect(client({ timeout: 5_000 }).agents.list({}, { timeout: 50 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    await expect(client({ timeout: 50 }).agents.list({}, { timeout: 5_000 })).resolves.toEqual([]);
  });

  it("rejects with the signal's reason when the caller aborts", async () => {
    gateway.faults.add({ operation: 'listAgents', kind: 'latency', latencyMs: 1_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await client()
      .agents.list({}, { signal: controller.signal })
      .catch((e) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe('AbortError');
  });

  it('an abort also ends the wait between retries', async () => {
    gateway.faults.add({ operation: 'listAgents', kind: 'status', status: 503, retryAfter: 30 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    const started = Date.now();
    await expect(client().agents.list({}, { signal: controller.signal })).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(attempts('listAgents')).toHaveLength(1);
  });
});

describe('responses', () => {
  it('a body that is not JSON is INVALID_RESPONSE with status and request id', async () => {
    gateway.faults.add({ operation: 'listAgents', kind: 'malformed' });
    const error = await client()
      .agents.list()
      .catch((e) => e);
    expect(error).toBeInstanceOf(AgentTrustError);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', status: 200 });
    expect(error.requestId).toMatch(/^req_/);
  });

  it('wrongly typed fields are INVALID_RESPONSE naming the fields', async () => {
    const id = await agentId();
    gateway.faults.add({ operation: 'getAgent', kind: 'wrong_type' });
    const error = await client()
      .agents.get(id)
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', status: 200 });
    expect(error.details.problems.join('\n')).toContain('.name');
  });

  /** A fetch that lets the gateway answer, then edits the JSON body (what a newer or broken gateway would send). */
  const editing =
    (edit: (body: any) => void): typeof fetch =>
    async (input, init) => {
      const response = await fetch(input, init);
      const body = await response.json();
      edit(body);
      return Response.json(body, { status: response.status, headers: response.headers });
    };

  it('keeps unknown fields and accepts enum values from a newer gateway', async () => {
    const id = await agentId();
    const c = client({
      fetch: editing((body) => {
        body.rule = 'risk_model_v2';
        body.guard_tier = 'ultra';
        body.risk_score = 0.3;
        body.explanation = { top_factor: 'tool_name' };
      }),
    });
    const result = await c.actions.check({ agentId: id, toolName: 'web_search' });
    expect(result).toMatchObject({ rule: 'risk_model_v2', guardTier: 'ultra', allowed: true });
    // Unknown fields are kept exactly as sent: the SDK does not guess their camelCase name.
    expect(result).toMatchObject({ risk_score: 0.3, explanation: { top_factor: 'tool_name' } });
  });

  it('a missing required field is INVALID_RESPONSE', async () => {
    const id = await agentId();
    const c = client({ fetch: editing((body) => delete body.allowed) });
    const error = await c.actions.check({ agentId: id, toolName: 'web_search' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', status: 200 });
    expect(error.message).toContain('allowed');
  });

  it('a list that is not an array is INVALID_RESPONSE', async () => {
    gateway.faults.add({ operation: 'listAgents', kind: 'wrong_type' });
    await expect(client().agents.list()).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });
});

describe('requests', () => {
  it('sends the org key in X-API-Key (no Authorization), a user-agent naming SDK and version, and JSON', async () => {
    await client().agents.create({ name: 'x' });
    const { headers } = attempts('createAgent')[0]!;
    // The gateway reads the organization key from X-API-Key only; a Bearer header would be the
    // WIMSE token of an action check, never the org key.
    expect(headers['x-api-key']).toBe(KEY);
    expect(headers).not.toHaveProperty('authorization');
    expect(headers['user-agent']).toBe(`agenttrustid-sdk-typescript/${VERSION}`);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(headers['content-type']).toBe('application/json');
    expect(headers.accept).toBe('application/json');
  });

  it.skipIf(!gateway.operations.some((op) => op.operationId === 'getPublicAgentCard'))(
    'fetches the public agent card with the key when there is one (as the official clients), and without',
    async () => {
      const c = client();
      const { id } = await newAgent(c);
      await c.agentCards.generate(id);
      await c.agentCards.publish(id);
      await c.agentCards.getPublic(id);
      expect(attempts('getPublicAgentCard')[0]!.headers['x-api-key']).toBe(KEY);
      // A client with no key at all (a discovering agent) reads it too.
      await client({ apiKey: undefined }).agentCards.getPublic(id);
      expect(attempts('getPublicAgentCard')[1]!.headers).not.toHaveProperty('x-api-key');
      expect(attempts('getPublicAgentCard')[1]!.headers).not.toHaveProperty('authorization');
    },
  );

  it('runs the user hooks and sends default and per-call headers', async () => {
    const seen: string[] = [];
    const c = client({
      defaultHeaders: { 'x-team': 'research' },
      hooks: {
        beforeRequest: [(request) => void request.headers.set('x-trace-id', 'trace-1')],
        afterResponse: [(_request, _options, response) => void seen.push(String(response.status))],
      },
    });
    await c.agents.list({}, { headers: { 'x-call': 'yes' } });
    expect(attempts('listAgents')[0]!.headers).toMatchObject({
      'x-team': 'research',
      'x-trace-id': 'trace-1',
      'x-call': 'yes',
    });
    expect(seen).toEqual(['200']);
  });

  it('rejects a header that cannot be sent, naming it, before anything is sent', async () => {
    const error = await client()
      .agents.list({}, { headers: { 'x-note': 'a\r\nx-injected: 1' } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('"x-note"');
    expect(error.details).toEqual({ field: 'headers', header: 'x-note' });
    expect(error.message).not.toContain('injected');
    expect(attempts('listAgents')).toHaveLength(0);
    expect(() => client({ defaultHeaders: { 'bad name': 'x' } })).toThrow(ValidationError);
  });

  it('sends one value per header name, the last source winning whatever its case', async () => {
    await client({ defaultHeaders: { 'X-Team': 'research' } }).agents.list(
      {},
      { headers: { 'x-team': 'ops' } },
    );
    expect(attempts('listAgents')[0]!.headers['x-team']).toBe('ops');
  });

  it('uses the fetch it is given', async () => {
    let calls = 0;
    const c = client({
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    await c.agents.list();
    expect(calls).toBe(1);
  });

  it('sends query parameters by their wire names', async () => {
    await client().agents.list({ orgId: 'org_1' });
    expect(attempts('listAgents')[0]!.path).toBe('/api/v1/agents?org_id=org_1');
  });
});

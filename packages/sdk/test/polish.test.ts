// Issue 15's defaults and polish, the same in every language: the base URL and key from the
// environment, the missing-key rule, AGENTTRUST_LOG with redaction, `.withResponse()` (the raw
// response and request id of a successful call), and the error classes per status.
import { API_KEYS } from '@agenttrustid/mock-gateway';
import { startMockGatewayServer } from '@agenttrustid/mock-gateway/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultFetch } from '../src/core/transport.node.js';
import { AgentCredentials } from '../src/identity/index.js';
import {
  AgentTrustClient,
  AgentTrustGuard,
  ConfigurationError,
  ConflictError,
  InternalServerError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from '../src/index.js';
import { BASE_URL, KEY, useGateway } from './helpers.js';

const { gateway, client } = useGateway();

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Every stderr line the SDK writes through console.error while `run` runs. */
async function stderrOf(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('base URL and API key', () => {
  it('argument, else AGENTTRUST_URL, else AGENTTRUST_BASE_URL, else http://localhost:8080 (empty = unset)', () => {
    vi.stubEnv('AGENTTRUST_URL', '');
    vi.stubEnv('AGENTTRUST_BASE_URL', '');
    expect(new AgentTrustClient().baseUrl).toBe('http://localhost:8080');
    vi.stubEnv('AGENTTRUST_BASE_URL', 'http://base.test');
    expect(new AgentTrustClient().baseUrl).toBe('http://base.test');
    vi.stubEnv('AGENTTRUST_URL', 'http://url.test');
    expect(new AgentTrustClient().baseUrl).toBe('http://url.test');
    expect(new AgentTrustClient({ baseUrl: 'http://arg.test' }).baseUrl).toBe('http://arg.test');
    vi.stubEnv('AGENTTRUST_API_KEY', KEY);
    expect(AgentTrustClient.fromEnv().baseUrl).toBe('http://url.test');
  });

  it('fromEnv() without AGENTTRUST_API_KEY is a ConfigurationError naming the variable', () => {
    vi.stubEnv('AGENTTRUST_API_KEY', '');
    const error = (() => {
      try {
        AgentTrustClient.fromEnv();
      } catch (e) {
        return e;
      }
    })() as ConfigurationError;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details).toEqual({ field: 'api_key' });
    expect(error.message).toContain('AGENTTRUST_API_KEY');
  });

  it('an explicit empty key is a ConfigurationError at construction', () => {
    expect(() => new AgentTrustClient({ baseUrl: BASE_URL, apiKey: '' })).toThrow(ConfigurationError);
  });

  it('without a key, an operation that needs it fails before anything is sent; public ones proceed', async () => {
    vi.stubEnv('AGENTTRUST_API_KEY', '');
    const keyed = client();
    const agent = await keyed.agents.create({ name: 'carded', capabilities: ['web:search'] });
    await keyed.agentCards.generate(agent.id);
    await keyed.agentCards.publish(agent.id);
    const before = gateway.requests.length;
    const c = client({ apiKey: undefined });
    const error = await c.agents.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toBe('no API key: pass apiKey or set AGENTTRUST_API_KEY');
    expect((error as ConfigurationError).details).toEqual({ field: 'api_key' });
    await expect(c.actions.check({ agentId: agent.id, toolName: 'web_search' })).rejects.toThrow(
      ConfigurationError,
    );
    expect(gateway.requests.length).toBe(before);
    // The public agent card needs no key.
    await expect(c.agentCards.getPublic(agent.id)).resolves.toMatchObject({ name: 'carded' });
    expect(gateway.requests.length).toBe(before + 1);
  });
});

describe('AGENTTRUST_LOG', () => {
  it('is off by default: nothing on stderr', async () => {
    vi.stubEnv('AGENTTRUST_LOG', '');
    const lines = await stderrOf(async () => {
      const c = new AgentTrustClient({ baseUrl: BASE_URL, apiKey: KEY });
      await c.agents.list();
      await c.agents.get('agt_missing').catch(() => undefined);
    });
    expect(lines).toEqual([]);
  });

  it('debug (any case) logs each attempt on stderr and none of the secrets, with agent credentials too', async () => {
    vi.stubEnv('AGENTTRUST_LOG', 'DeBuG');
    let bearer = '';
    let proof = '';
    const lines = await stderrOf(async () => {
      const c = new AgentTrustClient({ baseUrl: BASE_URL, apiKey: KEY });
      await c.orgs.updateSecuritySettings({
        requireProofOfPossession: true,
        requireSenderConstrainedTokens: true,
      });
      const agent = await c.agents.create({ name: 'bot', capabilities: ['web:search'] });
      const credentials = new AgentCredentials(c, agent.id);
      const headers = await credentials.headers('POST', `${BASE_URL}/api/v1/agenttrust/check`);
      bearer = headers.authorization!.slice('Bearer '.length);
      proof = headers.dpop!;
      await c.actions.check({ agentId: agent.id, toolName: 'web_search' }, { credentials });
      await c.agents.list({ orgId: 'org_x' });
    });
    const check = lines.find((l) => l.includes('POST /api/v1/agenttrust/check -> 200'));
    expect(check).toMatch(
      /^agenttrustid debug POST \/api\/v1\/agenttrust\/check -> 200 request id "[^"]+" in \d+ ms \(attempt 1\)$/,
    );
    expect(lines.some((l) => l.startsWith('agenttrustid debug GET /api/v1/agents?org_id=org_x -> 200'))).toBe(
      true,
    );
    expect(lines.every((l) => l.startsWith('agenttrustid '))).toBe(true);
    expect(bearer.length).toBeGreaterThan(20);
    for (const line of lines) {
      for (const secret of [KEY, bearer, proof, 'Bearer', 'PRIVATE KEY', 'web:search'])
        expect(line).not.toContain(secret);
    }
  });

  it('info logs a retry with its reason and wait; error a final failure by class and code', async () => {
    vi.stubEnv('AGENTTRUST_LOG', 'info');
    gateway.faults.add({ operation: 'listAgents', kind: 'status', status: 503, retryAfter: 0, times: 1 });
    const lines = await stderrOf(async () => {
      const c = new AgentTrustClient({ baseUrl: BASE_URL, apiKey: KEY });
      await c.agents.list();
      await c.agents.get('agt_missing').catch(() => undefined);
    });
    expect(lines[0]).toMatch(
      /^agenttrustid info retry 1 of GET \/api\/v1\/agents after HTTP 503, waited \d+ ms$/,
    );
    expect(lines[1]).toMatch(
      /^agenttrustid error GET \/api\/v1\/agents\/\{\} failed: NotFoundError NOT_FOUND, HTTP 404, request id "[^"]+"$/,
    );
    expect(lines).toHaveLength(2);
  });

  it('warn logs fail-open decisions', async () => {
    vi.stubEnv('AGENTTRUST_LOG', 'warn');
    gateway.faults.add({ operation: 'checkAction', kind: 'status', status: 503, retryAfter: 0 });
    const lines = await stderrOf(async () => {
      const c = new AgentTrustClient({ baseUrl: BASE_URL, apiKey: KEY, maxRetries: 0 });
      const guard = new AgentTrustGuard(c, 'agt_x', { failOpen: true });
      await guard.check('web_search');
      await guard.close();
    });
    expect(
      lines.some((l) =>
        /^agenttrustid warn Guardian unavailable after InternalServerError GUARDIAN_UNAVAILABLE: allowed without a decision \(failOpen\)/.test(
          l,
        ),
      ),
    ).toBe(true);
  });

  it('another value is off, with one warning naming the variable and the accepted values', async () => {
    vi.stubEnv('AGENTTRUST_LOG', 'verbose');
    const lines = await stderrOf(async () => {
      const c = new AgentTrustClient({ baseUrl: BASE_URL, apiKey: KEY });
      new AgentTrustClient({ baseUrl: BASE_URL, apiKey: KEY });
      await c.agents.get('agt_missing').catch(() => undefined);
    });
    expect(lines).toEqual([
      'agenttrustid warn AGENTTRUST_LOG="verbose" is not one of off, error, warn, info, debug: logging is off',
    ]);
  });

  it('goes to the logger option when given (the option level wins over the variable)', async () => {
    vi.stubEnv('AGENTTRUST_LOG', 'debug');
    const seen: string[] = [];
    const push = (m: string) => void seen.push(m);
    const c = new AgentTrustClient({
      baseUrl: BASE_URL,
      apiKey: KEY,
      logger: { debug: push, info: push, warn: push, error: push },
      logLevel: 'error',
    });
    const lines = await stderrOf(() => c.agents.get('agt_missing').catch(() => undefined));
    expect(lines).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^\[agenttrustid\] GET \/api\/v1\/agents\/\{\} failed: NotFoundError NOT_FOUND/);
    expect(() => new AgentTrustClient({ logLevel: 'loud' as 'off' })).toThrow(ConfigurationError);
  });
});

describe('.withResponse()', () => {
  it('gives the answer, the response and the request id of the one request', async () => {
    const c = client();
    const before = gateway.requests.length;
    const { data, response, requestId } = await c.agents
      .create({ name: 'raw', capabilities: ['web:search'] })
      .withResponse();
    expect(gateway.requests.length).toBe(before + 1);
    expect(data).toMatchObject({ name: 'raw', capabilities: ['web:search'] });
    expect(response.status).toBe(201);
    expect(requestId).toMatch(/\S/);
    expect(response.headers.get('x-request-id')).toBe(requestId);
    // Plain await is unchanged.
    const agent = await c.agents.get(data.id);
    expect(agent.id).toBe(data.id);
    // A call that returns nothing still has its response.
    const revoked = await c.agents.revoke(data.id).withResponse();
    expect(revoked.response.status).toBe(200);
  });

  it('rejects like the call when it fails', async () => {
    const error = await client()
      .agents.get('agt_missing')
      .withResponse()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).requestId).toMatch(/\S/);
  });

  it('gives a cached token with the response of the request that fetched it', async () => {
    const c = client();
    const agent = await c.agents.create({ name: 'bot', capabilities: ['files:read'] });
    const first = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] }).withResponse();
    const issues = gateway.requests.filter((r) => r.operationId === 'issueToken').length;
    const second = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] }).withResponse();
    expect(gateway.requests.filter((r) => r.operationId === 'issueToken').length).toBe(issues);
    expect(second.data).toEqual(first.data);
    expect(second.requestId).toBe(first.requestId);
  });
});

describe('.withResponse() over the Node transport (fast path)', () => {
  let server: Awaited<ReturnType<typeof startMockGatewayServer>>;
  beforeAll(async () => {
    server = await startMockGatewayServer();
  });
  afterAll(() => server.close());

  it('builds the headers of a 2xx answer on request', async () => {
    const c = new AgentTrustClient({ baseUrl: server.url, apiKey: API_KEYS.full, fetch: defaultFetch() });
    const { data, response, requestId } = await c.agents.list().withResponse();
    expect(data).toEqual([]);
    expect(response.status).toBe(200);
    expect(requestId).toMatch(/\S/);
    expect(response.headers.get('x-request-id')).toBe(requestId);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
  });
});

describe('error classes', () => {
  it.each([
    [409, ConflictError, 'CONFLICT'],
    [429, RateLimitError, 'RATE_LIMITED'],
    [500, InternalServerError, 'INTERNAL_ERROR'],
  ] as const)('HTTP %i is a %o', async (status, cls, code) => {
    gateway.faults.add({ operation: 'listAgents', kind: 'status', status, retryAfter: 0 });
    const error = await client({ maxRetries: 0 })
      .agents.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(cls);
    expect(error).toMatchObject({ status, code });
    expect((error as ConflictError).requestId).toMatch(/\S/);
  });

  it('a timeout is a TimeoutError, which is a NetworkError', async () => {
    gateway.faults.add({ operation: 'listAgents', kind: 'latency', latencyMs: 2_000 });
    const error = await client({ timeout: 50 })
      .agents.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
  });
});

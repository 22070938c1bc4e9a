import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { AgentTrustClient, type ClientOptions, ValidationError } from '../src/index.js';
import { BASE_URL, KEY, useGateway } from './helpers.js';

useGateway();

describe('AgentTrustClient', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('fromEnv reads AGENTTRUST_URL and AGENTTRUST_API_KEY', async () => {
    vi.stubEnv('AGENTTRUST_URL', BASE_URL);
    vi.stubEnv('AGENTTRUST_API_KEY', KEY);
    const c = AgentTrustClient.fromEnv({ logLevel: 'off' });
    expect(c.baseUrl).toBe(BASE_URL);
    await expect(c.agents.list()).resolves.toEqual([]);
  });

  it('fromEnv falls back to AGENTTRUST_BASE_URL, and the constructor to the environment', () => {
    vi.stubEnv('AGENTTRUST_URL', '');
    vi.stubEnv('AGENTTRUST_BASE_URL', 'http://other.test/');
    vi.stubEnv('AGENTTRUST_API_KEY', KEY);
    expect(AgentTrustClient.fromEnv().baseUrl).toBe('http://other.test');
    expect(new AgentTrustClient().baseUrl).toBe('http://other.test');
    expect(new AgentTrustClient({ baseUrl: 'https://gw.example.com' }).baseUrl).toBe(
      'https://gw.example.com',
    );
  });

  it('defaults to a local gateway', () => {
    vi.stubEnv('AGENTTRUST_URL', '');
    vi.stubEnv('AGENTTRUST_BASE_URL', '');
    expect(new AgentTrustClient().baseUrl).toBe('http://localhost:8080');
  });

  it('keeps a path prefix of the base URL', async () => {
    const urls: string[] = [];
    const c = new AgentTrustClient({
      baseUrl: `${BASE_URL}/prefix/`,
      apiKey: KEY,
      fetch: async (input) => {
        urls.push((input as Request).url);
        return Response.json([]);
      },
    });
    await c.agents.list({ orgId: 'org_1' });
    expect(urls).toEqual([`${BASE_URL}/prefix/api/v1/agents?org_id=org_1`]);
  });

  it.each([
    [{ baseUrl: 'not a url' }, 'baseUrl'],
    [{ baseUrl: 'ftp://x' }, 'baseUrl'],
    [{ timeout: 0 }, 'timeout'],
    [{ timeout: Number.NaN }, 'timeout'],
    [{ maxRetries: -1 }, 'maxRetries'],
    [{ maxRetries: 1.5 }, 'maxRetries'],
  ])('rejects bad options %j with a ValidationError', (options, field) => {
    let error: unknown;
    try {
      new AgentTrustClient({ baseUrl: BASE_URL, ...options });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual({ field });
  });

  it('withOptions returns a changed copy', () => {
    const c = new AgentTrustClient({ baseUrl: BASE_URL, apiKey: KEY, timeout: 1_000 });
    const d = c.withOptions({ maxRetries: 5 });
    expect(d).not.toBe(c);
    expect(d.toJSON()).toEqual({
      baseUrl: BASE_URL,
      services: { auth: BASE_URL, audit: BASE_URL },
      timeout: 1_000,
      maxRetries: 5,
    });
    // The service URLs carry over; a new baseUrl derives them again, except the given ones.
    const split = new AgentTrustClient({ baseUrl: 'http://gw:8081', authUrl: 'http://auth.test' });
    expect(split.withOptions({ timeout: 5 }).toJSON().services).toEqual({
      auth: 'http://auth.test',
      audit: 'http://gw:8084',
    });
    expect(split.withOptions({ baseUrl: 'http://other:8081' }).toJSON().services).toEqual({
      auth: 'http://auth.test',
      audit: 'http://other:8084',
    });
  });
});

/** A client whose fetch records each URL and answers `answer` (default: an empty object). */
function recording(options: ClientOptions = {}, answer: unknown = {}) {
  const urls: string[] = [];
  const client = new AgentTrustClient({
    apiKey: KEY,
    logLevel: 'off',
    maxRetries: 0,
    ...options,
    fetch: async (input) => {
      urls.push((input as Request).url);
      return Response.json(answer);
    },
  });
  return { client, urls };
}

describe('split deployment (auth and audit services)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('sends token and check calls to authUrl, telemetry to auditUrl, the rest to baseUrl', async () => {
    const { client, urls } = recording({
      baseUrl: 'http://gw.test',
      authUrl: 'http://auth.test/',
      auditUrl: 'http://audit.test',
    });
    await client.tokens.issue({ agentId: 'agt_1', scopes: ['web:search'] }).catch(() => {});
    await client.tokens.introspect({ token: 't' }).catch(() => {});
    await client.actions.check({ agentId: 'agt_1', toolName: 'web_search' }).catch(() => {});
    await client.telemetry.report('agt_1', 's', []).catch(() => {});
    await client.health().catch(() => {});
    expect(urls.map((u) => new URL(u).origin)).toEqual([
      'http://auth.test',
      'http://auth.test',
      'http://auth.test',
      'http://audit.test',
      'http://gw.test',
    ]);
  });

  it('derives the services from a base URL on :8081 (auth :8082, audit :8084)', () => {
    const c = new AgentTrustClient({ baseUrl: 'http://localhost:8081' });
    expect(c.toJSON().services).toEqual({ auth: 'http://localhost:8082', audit: 'http://localhost:8084' });
    // Any other port: one gateway serves everything.
    const one = new AgentTrustClient({ baseUrl: 'https://gw.example.com' });
    expect(one.toJSON().services).toEqual({
      auth: 'https://gw.example.com',
      audit: 'https://gw.example.com',
    });
    // A given URL wins over the rule.
    const given = new AgentTrustClient({ baseUrl: 'http://localhost:8081', auditUrl: 'http://logs.test' });
    expect(given.toJSON().services).toEqual({ auth: 'http://localhost:8082', audit: 'http://logs.test' });
  });

  it('reads AGENTTRUST_AUTH_URL and AGENTTRUST_AUDIT_URL (over the :8081 rule, under the options)', () => {
    vi.stubEnv('AGENTTRUST_AUTH_URL', 'http://auth.env');
    vi.stubEnv('AGENTTRUST_AUDIT_URL', 'http://audit.env');
    vi.stubEnv('AGENTTRUST_URL', 'http://localhost:8081');
    vi.stubEnv('AGENTTRUST_API_KEY', KEY);
    expect(AgentTrustClient.fromEnv().toJSON().services).toEqual({
      auth: 'http://auth.env',
      audit: 'http://audit.env',
    });
    expect(new AgentTrustClient().toJSON()).toMatchObject({
      baseUrl: 'http://localhost:8081',
      services: { auth: 'http://auth.env', audit: 'http://audit.env' },
    });
    expect(new AgentTrustClient({ authUrl: 'http://auth.opt' }).toJSON().services.auth).toBe(
      'http://auth.opt',
    );
  });

  it('rejects a service URL that is not http(s), naming the option', () => {
    expect(() => new AgentTrustClient({ baseUrl: BASE_URL, authUrl: 'ftp://x' })).toThrow(
      expect.objectContaining({ details: { field: 'authUrl' } }),
    );
  });
});

describe('verifyTls', () => {
  const logger = () => {
    const warnings: string[] = [];
    return { warnings, error() {}, warn: (m: string) => void warnings.push(m), info() {}, debug() {} };
  };

  it('false logs a warning once, at construction; the default and true do not', () => {
    const off = logger();
    new AgentTrustClient({ baseUrl: BASE_URL, verifyTls: false, logger: off });
    expect(off.warnings).toEqual([
      '[agenttrustid] TLS certificate verification is off (verifyTls: false): use this only with a local gateway',
    ]);
    const on = logger();
    new AgentTrustClient({ baseUrl: BASE_URL, logger: on });
    new AgentTrustClient({ baseUrl: BASE_URL, verifyTls: true, logger: on });
    expect(on.warnings).toEqual([]);
    // logLevel 'off' silences it like every other line.
    const quiet = logger();
    new AgentTrustClient({ baseUrl: BASE_URL, verifyTls: false, logger: quiet, logLevel: 'off' });
    expect(quiet.warnings).toEqual([]);
  });
});

describe('fromConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ati-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.unstubAllEnvs());
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('reads base_url, auth_url, audit_url and api_key; overrides win', async () => {
    const path = file('full.json', {
      base_url: BASE_URL,
      auth_url: 'http://auth.file',
      audit_url: 'http://audit.file',
      api_key: KEY,
      unknown_key: 'ignored',
    });
    const c = AgentTrustClient.fromConfig(path, { logLevel: 'off' });
    expect(c.toJSON()).toMatchObject({
      baseUrl: BASE_URL,
      services: { auth: 'http://auth.file', audit: 'http://audit.file' },
    });
    // The key from the file is the one sent (the mock accepts only known keys).
    await expect(c.agents.list()).resolves.toEqual([]);
    const o = AgentTrustClient.fromConfig(path, { authUrl: 'http://auth.opt', timeout: 7 });
    expect(o.toJSON()).toMatchObject({ services: { auth: 'http://auth.opt' }, timeout: 7 });
  });

  it('what the file lacks comes from the environment and the defaults (the :8081 rule too)', () => {
    vi.stubEnv('AGENTTRUST_URL', 'http://localhost:8081');
    vi.stubEnv('AGENTTRUST_AUDIT_URL', 'http://audit.env');
    const c = AgentTrustClient.fromConfig(file('partial.json', { api_key: KEY }));
    expect(c.toJSON()).toMatchObject({
      baseUrl: 'http://localhost:8081',
      services: { auth: 'http://localhost:8082', audit: 'http://audit.env' },
    });
  });

  it.each([
    ['a missing file', 'missing.json', 'path', /cannot read the config file/],
    ['bad JSON', ['bad.json', '{ nope'], 'path', /cannot read the config file/],
    ['a JSON array', ['array.json', '[]'], 'path', /is not a JSON object/],
    [
      'a key that is not a string',
      ['number.json', { api_key: 42 }],
      'api_key',
      /api_key .* must be a string/,
    ],
  ])('rejects %s with a ValidationError', (_what, spec, field, message) => {
    const path = Array.isArray(spec) ? file(spec[0] as string, spec[1]) : join(dir, spec);
    let error: unknown;
    try {
      AgentTrustClient.fromConfig(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual({ field });
    expect((error as Error).message).toMatch(message);
  });
});

describe('per-call options', () => {
  it.each([
    [{ timeout: -1 }, 'timeout'],
    [{ maxRetries: 0.5 }, 'maxRetries'],
  ])('rejects %j with a ValidationError, before sending', async (options, field) => {
    const c = new AgentTrustClient({ baseUrl: BASE_URL, apiKey: KEY });
    const error = await c.agents.list({}, options).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual({ field });
  });
});

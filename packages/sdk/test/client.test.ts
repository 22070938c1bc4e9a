import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentTrustClient, ValidationError } from '../src/index.js';
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
    await c.agents.list({ status: 'active' });
    expect(urls).toEqual([`${BASE_URL}/prefix/v1/agents?status=active`]);
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
    expect(d.toJSON()).toEqual({ baseUrl: BASE_URL, timeout: 1_000, maxRetries: 5 });
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

// The Node entry's transport (node:http keep-alive, the fast path) against the mock gateway
// served on 127.0.0.1: the same client behaviour as over fetch, on real sockets.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_KEYS } from '@agenttrustid/mock-gateway';
import { startMockGatewayServer } from '@agenttrustid/mock-gateway/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultFetch } from '../src/core/transport.node.js';
import { AgentTrustClient, type ClientOptions, NetworkError, NotFoundError } from '../src/index.js';

let server: Awaited<ReturnType<typeof startMockGatewayServer>>;
beforeAll(async () => {
  server = await startMockGatewayServer();
});
afterEach(() => server.gateway.reset());
afterAll(() => server.close());

const client = (options: ClientOptions = {}) =>
  new AgentTrustClient({
    baseUrl: server.url,
    apiKey: API_KEYS.full,
    fetch: defaultFetch(),
    logLevel: 'off',
    ...options,
  });
const attempts = (id: string) => server.gateway.requests.filter((r) => r.operationId === id);

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('node transport', () => {
  it('serves the URL of a 127.0.0.1 server', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('sends bodies, headers and queries; reads JSON, 204 and error envelopes', async () => {
    const c = client();
    const agent = await c.agents.create({
      name: 'bot',
      capabilities: ['web:search'],
      metadata: { a_b: { c_d: 1 } },
    });
    expect(agent.metadata).toEqual({ a_b: { c_d: 1 } });
    const create = attempts('createAgent')[0]!;
    expect(create.body).toMatchObject({ name: 'bot', metadata: { a_b: { c_d: 1 } } });
    expect(create.headers).toMatchObject({
      'x-api-key': API_KEYS.full,
      'content-type': 'application/json',
    });
    expect(create.headers).not.toHaveProperty('authorization');
    expect(create.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    // The {"agents": [...]} envelope unwrapped; the query by its wire name.
    expect(await c.agents.list({ orgId: agent.orgId })).toHaveLength(1);
    expect(await c.agents.list({ orgId: 'org_other' })).toHaveLength(0);
    expect(attempts('listAgents')[0]!.path).toBe(`/api/v1/agents?org_id=${agent.orgId}`);
    const result = await c.actions.check({ agentId: agent.id, toolName: 'web_search' });
    expect(result.allowed).toBe(true);
    const token = await c.tokens.issue({ agentId: agent.id, scopes: ['web:search'] });
    await expect(c.tokens.revoke(token.token)).resolves.toBeUndefined();
    const error = await c.agents.get('agt_missing').catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.requestId).toMatch(/^req_/);
  });

  it('retries with one idempotency key and honours Retry-After', async () => {
    const c = client();
    server.gateway.faults.add({
      operation: 'listAgents',
      kind: 'status',
      status: 503,
      retryAfter: 1,
      times: 1,
    });
    server.gateway.faults.add({
      operation: 'createAgent',
      kind: 'status',
      status: 500,
      retryAfter: 0,
      times: 2,
    });
    const started = Date.now();
    await c.agents.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    await c.agents.create({ name: 'x' });
    const keys = attempts('createAgent').map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
  });

  it('a dropped connection is retried, then NETWORK_ERROR', async () => {
    server.gateway.faults.add({ operation: 'listAgents', kind: 'drop' });
    const error = await client({ maxRetries: 1 })
      .agents.list()
      .catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('NETWORK_ERROR');
    expect(attempts('listAgents')).toHaveLength(2);
  });

  it('a refused connection is NETWORK_ERROR naming ECONNREFUSED', async () => {
    const c = client({ baseUrl: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 });
    const error = await c.agents.list().catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('times out, and aborts with the caller signal', async () => {
    server.gateway.faults.add({ operation: 'listAgents', kind: 'latency', latencyMs: 500 });
    await expect(client({ timeout: 50 }).agents.list()).rejects.toMatchObject({ code: 'TIMEOUT' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(client().agents.list({}, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('a malformed body is INVALID_RESPONSE', async () => {
    server.gateway.faults.add({ operation: 'listAgents', kind: 'malformed' });
    await expect(client().agents.list()).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
      status: 200,
      requestId: expect.stringMatching(/^req_/),
    });
  });

  it('sends one value per header name, the last source winning whatever its case', async () => {
    const c = client({ defaultHeaders: { 'X-Team': 'research', 'User-Agent': 'my-agent/1' } });
    await c.agents.list({}, { headers: { 'x-team': 'ops', 'x-role': 'host' } });
    const { headers } = attempts('listAgents')[0]!;
    expect(headers['x-team']).toBe('ops');
    expect(headers['user-agent']).toBe('my-agent/1');
    expect(headers.accept).toBe('application/json');
    expect(headers.host).toBe(new URL(server.url).host);
  });

  it('with user hooks the request and response are ordinary fetch objects', async () => {
    const bodies: string[] = [];
    const c = client({
      hooks: {
        beforeRequest: [async (request) => void bodies.push(await request.clone().text())],
        afterResponse: [async (_r, _o, response) => void bodies.push(await response.text())],
      },
    });
    await c.agents.create({ name: 'hooked' });
    // The body carries the public half of the key pair agents.create made.
    const sent = { name: 'hooked', public_key: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/) };
    expect(JSON.parse(bodies[0]!)).toEqual(sent);
    expect(JSON.parse(bodies[1]!)).toMatchObject({ agent: { name: 'hooked', status: 'active' } });
    expect(attempts('createAgent')[0]!.body).toEqual(sent);
  });

  describe('verifyTls', () => {
    // A gateway on 127.0.0.1 with a self-signed certificate (made by openssl for this test).
    let tls: { url: string; close: () => Promise<void> } | undefined;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ati-tls-'));
      try {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-keyout',
            join(dir, 'key.pem'),
            '-out',
            join(dir, 'cert.pem'),
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
          ],
          { stdio: 'ignore' },
        );
      } catch {
        return; // no openssl: the tests below are skipped
      }
      const https = createHttpsServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        (_req, res) => {
          res.setHeader('content-type', 'application/json');
          res.end('{"status":"ok"}');
        },
      );
      rmSync(dir, { recursive: true, force: true });
      await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
      const { port } = https.address() as { port: number };
      tls = {
        url: `https://127.0.0.1:${port}`,
        close: () => new Promise<void>((resolve) => https.close(() => resolve())),
      };
    });
    afterAll(() => tls?.close());

    it('verifies certificates by default: a self-signed one is a NETWORK_ERROR', async (ctx) => {
      if (!tls) return ctx.skip();
      const c = client({ baseUrl: tls.url, maxRetries: 0 });
      await expect(c.health()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    });

    it('verifyTls: false accepts it, and the client warns once that verification is off', async (ctx) => {
      if (!tls) return ctx.skip();
      const warnings: string[] = [];
      const logger = { error() {}, warn: (m: string) => void warnings.push(m), info() {}, debug() {} };
      const c = client({
        baseUrl: tls.url,
        maxRetries: 0,
        verifyTls: false,
        fetch: defaultFetch({ verifyTls: false }),
        logger,
        logLevel: 'warn',
      });
      await expect(c.health()).resolves.toEqual({ status: 'ok' });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/TLS certificate verification is off/);
    });
  });
});

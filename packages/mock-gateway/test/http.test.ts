/** What only the HTTP mode has: raw sockets, garbage, streamed bodies, the CLI process. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockGatewayServer, startMockGatewayServer } from '../src/node.js';
import { KEY } from './harness.js';

/** Writes raw bytes to the server and resolves with whatever came back (or the socket error). */
function raw(port: number, payload: string | Buffer, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (result: string) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(`timeout:${Buffer.concat(chunks).toString('latin1')}`));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => done(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', (error) => done(`error:${(error as NodeJS.ErrnoException).code}`));
    socket.on('connect', () => socket.end(payload));
  });
}

/** A seeded source of garbage, so a failing burst can be replayed. */
function garbage(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return state / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
  const auth = `X-API-Key: ${KEY}\r\n`;
  const paths = [
    '/api/v1/agents',
    '/api/v1/agenttrust/check',
    '/api/v1/telemetry/report',
    '/api/v1/agents/%00',
    '/api/v1/../etc/passwd',
    '/__mock/faults',
    '/a2a/agents/x/agent.json',
    `/${'a'.repeat(5000)}`,
  ];
  const makers: Array<() => string | Buffer> = [
    () => bytes(1 + Math.floor(next() * 300)),
    () => `GARBAGE ${pick(paths)} HTTP/1.1\r\n\r\n`,
    () =>
      `POST ${pick(paths)} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{"name": tru`,
    () =>
      `POST ${pick(paths)} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello`,
    () =>
      `POST /api/v1/telemetry/report HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 99999999\r\nConnection: close\r\n\r\n{"events":[`,
    () =>
      `POST /api/v1/agents HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n{"name":"trunc`,
    () => `GET ${pick(paths)} HTTP/1.1\r\nHost: x\r\nX-Long: ${'h'.repeat(20_000)}\r\n\r\n`,
    () =>
      `GET http://elsewhere.example.com/api/v1/agents HTTP/1.1\r\nHost: elsewhere.example.com\r\n${auth}Connection: close\r\n\r\n`,
    () =>
      `POST /api/v1/agenttrust/check HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    () => `PATCH /api/v1/agents HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`,
    () =>
      Buffer.concat([
        Buffer.from(
          `POST /api/v1/agents HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 40\r\nConnection: close\r\n\r\n`,
        ),
        bytes(40),
      ]),
    () => `GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nX-API-Key: \u00ff\u00fe\r\nConnection: close\r\n\r\n`,
  ];
  return () => pick(makers)();
}

describe('over HTTP', () => {
  let server: MockGatewayServer;
  let port: number;
  beforeAll(async () => {
    server = await startMockGatewayServer();
    port = Number(new URL(server.url).port);
  });
  afterAll(() => server.close());

  it('survives a bounded burst of 500 garbage requests and still answers', async () => {
    const next = garbage(7);
    const outcomes = new Map<string, number>();
    const total = 500;
    let sent = 0;
    // 25 sockets at a time: enough to overlap, bounded for a 2-core machine.
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        while (sent < total) {
          sent += 1;
          const answer = await raw(port, next());
          const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? answer.split(':')[0] ?? 'empty';
          outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
        }
      }),
    );
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(total);
    // Every answer that came back is an HTTP status the mock chose; none is a 500 from a crash.
    expect(outcomes.get('500') ?? 0).toBe(0);
    expect(outcomes.get('timeout') ?? 0).toBe(0);
    const after = await fetch(`${server.url}/api/v1/agents`, { headers: { 'x-api-key': KEY } });
    expect(after.status).toBe(200);
    console.info('garbage burst outcomes:', Object.fromEntries([...outcomes].sort()));
  });

  it('answers 413 to a streamed body over the cap without buffering it', async () => {
    server.gateway.config.maxBodyBytes = 1024;
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v1/telemetry/report',
            method: 'POST',
            headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        for (let i = 0; i < 8; i++) req.write('x'.repeat(512));
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      server.gateway.config.maxBodyBytes = 1024 * 1024;
    }
  });

  /**
   * A client that sends its whole body before it reads (Python's `requests`, schemathesis): the
   * socket is not read while it writes 5 MB, so an answer followed by a close with body bytes
   * still unread would reach it as a reset, its 413 lost. 4 runs of 4 must read the 413.
   */
  it('a 5 MB body sent before reading gets its 413, 4 runs of 4', async () => {
    const body = Buffer.alloc(5 * 1024 * 1024, 'a');
    const once = () =>
      new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        const chunks: Buffer[] = [];
        const done = (result: string) => {
          socket.destroy();
          resolve(result);
        };
        socket.setTimeout(10_000, () => done('timeout'));
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('end', () => done(Buffer.concat(chunks).toString('latin1').split('\r\n')[0]!));
        socket.on('error', (error) => done(`error:${(error as NodeJS.ErrnoException).code}`));
        socket.on('connect', () => {
          socket.pause();
          const head =
            `POST /api/v1/telemetry/report HTTP/1.1\r\nHost: x\r\nX-API-Key: ${KEY}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
          socket.write(head);
          socket.write(body, () => {
            // Written (into the kernel): only now start reading, as `requests` does.
            setTimeout(() => socket.resume(), 200);
          });
        });
      });
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) outcomes.push(await once());
    expect(outcomes).toEqual(Array(4).fill('HTTP/1.1 413 Payload Too Large'));
  });

  it('answers TRACE and CONNECT (which fetch cannot build) 405 with Allow on declared paths, 404 elsewhere', async () => {
    for (const [path, expected] of [
      ['/a2a', /^HTTP\/1\.1 405 [\s\S]*\r\nallow: POST\r\n/i],
      ['/api/v1/agents/agt_1', /^HTTP\/1\.1 405 [\s\S]*\r\nallow: GET\r\n/i],
      ['/api/v1/agent-tokens/introspect', /^HTTP\/1\.1 405 [\s\S]*\r\nallow: POST\r\n/i],
      ['/api/v1/nothing', /^HTTP\/1\.1 404 /],
    ] as const) {
      const answer = await raw(
        port,
        `TRACE ${path} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${KEY}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer, path).toMatch(expected);
    }
    expect(server.gateway.requests.at(-1)).toMatchObject({ method: 'TRACE', operationId: null });
    // CONNECT never reaches the request handler (Node's 'connect' event); it once got no answer.
    const connectAnswer = await raw(port, `CONNECT /a2a HTTP/1.1\r\nHost: x\r\nX-API-Key: ${KEY}\r\n\r\n`);
    expect(connectAnswer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*allow: POST\r\n/i);
    expect(await raw(port, 'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 404 /);
  });

  it('a drop fault destroys the socket mid-request', async () => {
    server.gateway.faults.add({ operation: 'listAgents', kind: 'drop', times: 1 });
    const answer = await raw(port, `GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nX-API-Key: ${KEY}\r\n\r\n`);
    expect(answer === '' || answer.startsWith('error:')).toBe(true);
    expect((await fetch(`${server.url}/api/v1/agents`, { headers: { 'x-api-key': KEY } })).status).toBe(200);
  });

  it('keeps connections alive across requests', async () => {
    const two = await raw(
      port,
      `GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nX-API-Key: ${KEY}\r\n\r\nGET /api/v1/agents HTTP/1.1\r\nHost: x\r\nX-API-Key: ${KEY}\r\nConnection: close\r\n\r\n`,
    );
    expect(two.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
  });
});

describe('the CLI', () => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

  async function start(args: string[] = []): Promise<{ child: ChildProcess; url: string; lines: string[] }> {
    expect(existsSync(cli), 'dist/cli.js exists (run `pnpm build` first)').toBe(true);
    const child = spawn(process.execPath, [cli, '--port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffer = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop()!;
        lines.push(...parts);
        if (lines.length > 0) resolve(lines[0]!);
      });
      child.on('exit', (code) => reject(new Error(`cli exited with ${code}`)));
    });
    return { child, url, lines };
  }

  const exit = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints its URL first, logs each request, and exits 0 on %s',
    async (signal) => {
      const { child, url, lines } = await start();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const created = await fetch(`${url}/api/v1/siem/destinations`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 's',
          destination_type: 'splunk',
          endpoint_url: 'https://s.example.com',
          auth_token: 'hec-secret',
        }),
      });
      expect(created.status).toBe(201);
      await fetch(`${url}/__mock/clock`, { method: 'POST', body: JSON.stringify({ advance_ms: 1000 }) });
      const big = await fetch(`${url}/api/v1/telemetry/report`, {
        method: 'POST',
        body: 'x'.repeat(1024 * 1024 + 1),
      });
      expect(big.status).toBe(413);
      await new Promise((r) => setTimeout(r, 100));
      const log = lines.slice(1).join('\n');
      expect(log).toMatch(/POST \/api\/v1\/siem\/destinations createSiemDestination -> 201 \d+ms req_/);
      // Refusals by the HTTP adapter itself are logged too.
      expect(log).toMatch(/POST \/api\/v1\/telemetry\/report - -> 413 \d+ms req_/);
      expect(log).not.toContain('hec-secret');
      expect(log).not.toContain(KEY);
      const exited = exit(child);
      child.kill(signal);
      expect(await exited).toBe(0);
    },
  );

  it('--quiet prints only the URL; a bad --port is a usage error', async () => {
    const { child, url, lines } = await start(['--quiet']);
    await fetch(`${url}/api/v1/agents`, { headers: { 'x-api-key': KEY } });
    await new Promise((r) => setTimeout(r, 100));
    expect(lines).toEqual([url]);
    const exited = exit(child);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const bad = spawn(process.execPath, [cli, '--port', 'abc'], { stdio: 'ignore' });
    expect(await exit(bad)).toBe(2);
  });
});

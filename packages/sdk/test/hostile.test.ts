// Issue 16: a hostile gateway and a careless caller. Each test here failed before its fix: an
// oversized answer, a Retry-After the SDK cannot read, a path id that moves the URL, a body JSON
// cannot carry, secrets in util.inspect, control characters in messages, lax enum decoding, and
// a body-less POST sent chunked, a redirect followed with the org key, and a body dripped past
// the timeout.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { retryAfterMs } from '../src/core/http.js';
import { defaultFetch } from '../src/core/transport.node.js';
import {
  AgentTrustClient,
  AgentTrustError,
  AgentTrustGuard,
  type ClientOptions,
  NetworkError,
  RedirectError,
  ValidationError,
} from '../src/index.js';
import { KEY, useGateway } from './helpers.js';
import { newAgent } from './operations.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A gateway on 127.0.0.1 that answers with `handler`; `seen` lists what reached it. */
async function hostile(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, seen };
}

const over = (url: string, transport: 'node' | 'fetch', options: ClientOptions = {}) =>
  new AgentTrustClient({
    baseUrl: url,
    apiKey: KEY,
    logLevel: 'off',
    ...(transport === 'node' ? { fetch: defaultFetch() } : { fetch: globalThis.fetch.bind(globalThis) }),
    ...options,
  });

/** Streams `total` bytes of a JSON-looking body in 64 KiB chunks, chunked (no Content-Length). */
function stream(total: number, status = 200): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('error', () => {});
    res.write('[');
    pump();
  };
}

const AGENT = {
  id: 'agt_1',
  name: 'bot',
  org_id: 'org_1',
  framework: 'custom',
  public_key: 'pk',
  status: 'active',
  capabilities: [],
  metadata: {},
  created_at: '2026-01-01T00:00:00Z',
};
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

describe('oversized answers', () => {
  for (const transport of ['node', 'fetch'] as const) {
    it(`a chunked answer over maxResponseBytes is INVALID_RESPONSE, read no further and not retried (${transport})`, async () => {
      const { url, seen } = await hostile(stream(8 * 1024 * 1024));
      const error = await over(url, transport, { maxResponseBytes: 1024 })
        .agents.list()
        .catch((e) => e);
      expect(error).toBeInstanceOf(AgentTrustError);
      expect(error.code).toBe('INVALID_RESPONSE');
      expect(error.message).toContain('maxResponseBytes (1024 bytes)');
      expect(seen).toHaveLength(1);
    });

    it(`a declared Content-Length over the cap is refused before reading (${transport})`, async () => {
      const body = JSON.stringify({ agents: [], pad: 'x'.repeat(4096) });
      const { url } = await hostile((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        res.end(body);
      });
      const error = await over(url, transport, { maxResponseBytes: 1024 })
        .agents.list()
        .catch((e) => e);
      expect(error.code).toBe('INVALID_RESPONSE');
    });

    it(`an error answer over the cap still gives the status's typed error (${transport})`, async () => {
      const { url, seen } = await hostile(stream(4 * 1024 * 1024, 404));
      const error = await over(url, transport, { maxResponseBytes: 1024 })
        .agents.get('agt_1')
        .catch((e) => e);
      expect(error).toBeInstanceOf(AgentTrustError);
      expect(['INVALID_RESPONSE', 'NOT_FOUND']).toContain(error.code);
      expect(seen).toHaveLength(1);
    });
  }

  for (const transport of ['node', 'fetch'] as const) {
    it(`a 600 MB answer stops at the default 32 MiB cap: INVALID_RESPONSE, no crash (${transport})`, async () => {
      const { url, seen } = await hostile(stream(600 * 1024 * 1024));
      const started = Date.now();
      const error = await over(url, transport)
        .agents.list()
        .catch((e) => e);
      expect(error).toBeInstanceOf(AgentTrustError);
      expect(error.code).toBe('INVALID_RESPONSE');
      expect(error.details).toEqual({ maxResponseBytes: 32 * 1024 * 1024 });
      expect(seen).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(5_000);
    }, 20_000);
  }

  it('answers under the default cap (32 MiB) are read as before', async () => {
    const { url } = await hostile(json(200, { agents: [AGENT], pad: 'x'.repeat(2 * 1024 * 1024) }));
    await expect(over(url, 'node').agents.list()).resolves.toHaveLength(1);
  });

  it('maxResponseBytes must be a positive integer', () => {
    expect(() => new AgentTrustClient({ maxResponseBytes: 0 })).toThrow(ValidationError);
    expect(() => new AgentTrustClient({ maxResponseBytes: Number.NaN })).toThrow(ValidationError);
  });
});

describe('Retry-After', () => {
  it('parses delay-seconds and HTTP dates only', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    for (const bad of ['garbage', '-1', '1.5e3', 'NaN', 'Infinity', '', '2026-01-01', '99999999999'])
      expect(retryAfterMs(bad, now)).toBeUndefined();
  });

  for (const value of ['garbage', '-5', 'Thu, 99 Foo 2026']) {
    it(`Retry-After: ${value} gets the normal backoff, not the 60 s cap`, async () => {
      let calls = 0;
      const { url, seen } = await hostile((req, res) => {
        calls += 1;
        if (calls === 1)
          return json(503, { code: 'INTERNAL_ERROR', message: 'busy' }, { 'retry-after': value })(
            req,
            res,
            '',
          );
        json(200, { agents: [] })(req, res, '');
      });
      const started = Date.now();
      await expect(over(url, 'node').agents.list()).resolves.toEqual([]);
      expect(seen).toHaveLength(2);
      // The first backoff: 0.5 s less up to 25% jitter.
      expect(Date.now() - started).toBeLessThan(3_000);
    }, 10_000);
  }
});

describe('path parameters', () => {
  const { gateway, client } = useGateway();

  for (const id of ['..', '.', '']) {
    it(`agents.revoke(${JSON.stringify(id)}) is a VALIDATION_ERROR and nothing is sent`, async () => {
      const error = await client()
        .agents.revoke(id)
        .catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.details).toEqual({ field: 'agentId' });
      expect(gateway.requests).toHaveLength(0);
    });
  }
});

describe('bodies JSON cannot carry', () => {
  const { gateway, client } = useGateway();
  const cases: [string, () => Record<string, unknown>, string][] = [
    [
      'circular',
      () => {
        const m: Record<string, unknown> = { a: 1 };
        m.self = m;
        return m;
      },
      'metadata.self',
    ],
    ['BigInt', () => ({ n: 10n }), 'metadata.n'],
    ['NaN', () => ({ list: [1, Number.NaN] }), 'metadata.list[1]'],
    ['Infinity', () => ({ x: { y: Number.POSITIVE_INFINITY } }), 'metadata.x.y'],
    [
      'nested 300 deep',
      () => {
        let m: Record<string, unknown> = {};
        const root = m;
        for (let i = 0; i < 300; i++) m = m.a = {} as Record<string, unknown>;
        return root;
      },
      'metadata',
    ],
  ];
  for (const [what, metadata, field] of cases) {
    it(`${what} metadata is a ValidationError naming the field; nothing is sent`, async () => {
      const error = await client()
        .agents.create({ name: 'bot', capabilities: [], metadata: metadata() })
        .catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code).toBe('VALIDATION_ERROR');
      expect(String(error.details.field)).toContain(field);
      expect(gateway.requests).toHaveLength(0);
    });
  }

  it('a BigInt in a cached call (tokens.issue) is a ValidationError too', async () => {
    const error = await client()
      .tokens.issue({ agentId: 'agt_1', scopes: ['files:read'], ttlSeconds: 10n as unknown as number })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual({ field: 'ttlSeconds' });
  });

  it('Dates and plain values are still sent', async () => {
    const agent = await client().agents.create({
      name: 'bot',
      capabilities: [],
      metadata: { when: new Date(0), n: 1.5, s: 'x', none: null } as never,
    });
    expect(agent.metadata).toEqual({ when: '1970-01-01T00:00:00.000Z', n: 1.5, s: 'x', none: null });
  });
});

describe('secrets and control characters', () => {
  const { client } = useGateway();

  it('util.inspect and console.log of an issued token do not show it', async () => {
    const c = client();
    const agent = await newAgent(c);
    const token = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] });
    expect(token.token).toMatch(/^at_/);
    const again = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] });
    const lines: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.map((a) => inspect(a)).join(' '));
    try {
      console.log(token);
      console.log({ again });
    } finally {
      console.log = original;
    }
    for (const text of [
      inspect(token),
      inspect(token, { showHidden: true, depth: 10 }),
      inspect([token]),
      ...lines,
      inspect(c, { showHidden: true, depth: 10 }),
    ]) {
      expect(text).not.toContain(token.token);
      expect(text).not.toContain(KEY);
    }
    expect(inspect(token)).toContain('[redacted]');
    expect(inspect(token)).toContain(agent.id);
    // The value itself is unchanged.
    expect(JSON.parse(JSON.stringify(token)).token).toBe(token.token);
  });
});

describe('hostile answers on 127.0.0.1 (no in-process mock)', () => {
  it('ids that only contain dots, or encode them, are sent as one segment', async () => {
    const { url, seen } = await hostile(json(404, { code: 'NOT_FOUND', message: 'no' }));
    const c = over(url, 'node', { maxRetries: 0 });
    for (const id of ['...', 'a..b', '%2e%2e', '../x']) await c.agents.get(id).catch(() => {});
    expect(seen.map((s) => s.url)).toEqual([
      '/api/v1/agents/...',
      '/api/v1/agents/a..b',
      '/api/v1/agents/%252e%252e',
      '/api/v1/agents/..%2Fx',
    ]);
  });

  it('control characters of a gateway error message are escaped in err.message', async () => {
    const message = 'denied\r\n2026-01-01 INFO forged line\u001b[31m\u202e\u0000';
    const { url } = await hostile(json(403, { code: 'AUTH_DENIED', message }));
    const error = await over(url, 'node')
      .agents.list()
      .catch((e) => e);
    expect(error.code).toBe('AUTH_DENIED');
    expect(error.message).toBe('denied\\u000d\\u000a2026-01-01 INFO forged line\\u001b[31m\\u202e\\u0000');
    expect([...error.message].some((c) => c.charCodeAt(0) < 0x20 || c === '\u202e')).toBe(false);
  });
});

describe('strict decoding of enum fields', () => {
  for (const [what, status] of [
    ['a number', 3],
    ['null', null],
    ['missing', undefined],
    ['an object', { v: 'active' }],
  ] as const) {
    it(`an Agent status that is ${what} is INVALID_RESPONSE`, async () => {
      const body: Record<string, unknown> = { ...AGENT, status };
      if (status === undefined) delete body.status;
      const { url } = await hostile(json(200, body));
      const error = await over(url, 'node')
        .agents.get('agt_1')
        .catch((e) => e);
      expect(error).toBeInstanceOf(AgentTrustError);
      expect(error.code).toBe('INVALID_RESPONSE');
      expect(error.message).toContain('status');
    });
  }

  it('an unknown status string is still accepted as a newer value', async () => {
    const { url } = await hostile(json(200, { ...AGENT, status: 'hibernating' }));
    await expect(over(url, 'node').agents.get('agt_1')).resolves.toMatchObject({ status: 'hibernating' });
  });
});

describe('keys an answer should not have', () => {
  // Found by the decoding fuzz (decode-fuzz.test.ts): the SDK's own camelCase name of a field,
  // sent as an extra key, replaced the field's validated value; `__proto__` and `constructor`
  // became a key named "undefined".
  const DENIAL =
    '{"allowed": false, "elevation_required": false, "elevationRequired": true, "approval_id": null,' +
    ' "approvalId": "apr_evil", "__proto__": {"reason": "injected"}, "constructor": 5, "check_id": "chk_1"}';
  const raw =
    (body: string): Handler =>
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    };

  it('an extra camelCase key never overrides the field it names, in either order', async () => {
    for (const body of [
      DENIAL,
      DENIAL.replace('"elevation_required": false, ', '').replace('{', '{"elevation_required": false, '),
    ]) {
      const { url } = await hostile(raw(body));
      const result = await over(url, 'node').actions.check({ agentId: 'agt_1', toolName: 'db_delete' });
      expect(result.allowed).toBe(false);
      expect(result.elevationRequired).toBe(false);
      expect(result.approvalId).toBeNull();
      expect(result.checkId).toBe('chk_1');
    }
  });

  it('__proto__ and constructor stay ordinary keys: no prototype, no "undefined" key', async () => {
    const { url } = await hostile(raw(DENIAL));
    const result = await over(url, 'node').actions.check({ agentId: 'agt_1', toolName: 'db_delete' });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(result.reason).toBeUndefined();
    expect(Object.keys(result)).not.toContain('undefined');
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ reason: 'injected' });
    expect((result as unknown as Record<string, unknown>).constructor).toBe(5);
  });

  it('a map entry under __proto__ is checked like any other (zod skips the key)', async () => {
    const card = {
      name: 'a',
      description: 'd',
      version: '1',
      supportedInterfaces: [],
      capabilities: {},
      defaultInputModes: [],
      defaultOutputModes: [],
      skills: [],
    };
    const answer = (schemes: string) =>
      raw(JSON.stringify(card).replace(/}$/, `,"securitySchemes":${schemes}}`));
    const bad = await hostile(answer('{"__proto__": []}'));
    const error = await over(bad.url, 'node')
      .agentCards.get('agt_1')
      .catch((e) => e);
    expect(error.code).toBe('INVALID_RESPONSE');
    const good = await hostile(answer('{"__proto__": {"type": "http"}}'));
    const ok = await over(good.url, 'node').agentCards.get('agt_1');
    expect(Object.getOwnPropertyDescriptor(ok.securitySchemes, '__proto__')?.value).toEqual({ type: 'http' });
  });

  it('a guard given such an answer denies; it does not ask for an approval', async () => {
    const { url } = await hostile(raw(DENIAL));
    const guard = new AgentTrustGuard(over(url, 'node'), 'agt_1', { breaker: false });
    const error = await guard.check('db_delete').catch((e) => e);
    expect(error.code).toBe('ACTION_DENIED');
  });
});

describe('body-less requests', () => {
  for (const transport of ['node', 'fetch'] as const) {
    it(`a POST without a body sends Content-Length: 0, not chunked (${transport})`, async () => {
      const { url, seen } = await hostile(json(200, { ...AGENT, status: 'revoked' }));
      await over(url, transport).agents.revoke('agt_1');
      expect(seen).toHaveLength(1);
      expect(seen[0]!.method).toBe('POST');
      expect(seen[0]!.headers['transfer-encoding']).toBeUndefined();
      expect(seen[0]!.headers['content-length']).toBe('0');
    });
  }
});

describe('redirects are never followed', () => {
  const ALLOW = { allowed: true, decision: 'allow', reason: 'redirected', risk_score: 0 };
  for (const transport of ['node', 'fetch'] as const) {
    for (const status of [301, 302, 307, 308]) {
      it(`HTTP ${status} to another server is a RedirectError naming its host; the key never goes there (${transport})`, async () => {
        const target = await hostile(json(200, ALLOW));
        const targetHost = new URL(target.url).host;
        const { url, seen } = await hostile((_req, res) => {
          res.writeHead(status, { location: `${target.url}/v1/elsewhere?token=s3cret` });
          res.end();
        });
        const error = await over(url, transport)
          .actions.check({ agentId: 'agt_1', toolName: 'web_search' })
          .catch((e) => e);
        expect(error).toBeInstanceOf(RedirectError);
        expect(error).toBeInstanceOf(AgentTrustError);
        expect(error.code).toBe('INVALID_RESPONSE');
        expect(error.status).toBe(status);
        expect(error.locationHost).toBe(targetHost);
        expect(error.message).toContain(JSON.stringify(targetHost));
        expect(error.message).not.toContain('s3cret');
        expect(error.message).not.toContain('/v1/elsewhere');
        expect(seen).toHaveLength(1);
        expect(target.seen).toHaveLength(0);
      });
    }

    it(`a relative Location names the gateway's own host; none says so (${transport})`, async () => {
      let location: string | undefined = '/elsewhere';
      const { url, seen } = await hostile((_req, res) => {
        res.writeHead(302, location ? { location } : {});
        res.end();
      });
      const relative = await over(url, transport)
        .agents.list()
        .catch((e) => e);
      expect(relative).toBeInstanceOf(RedirectError);
      expect(relative.locationHost).toBe(new URL(url).host);
      location = undefined;
      const none = await over(url, transport)
        .agents.list()
        .catch((e) => e);
      expect(none).toBeInstanceOf(RedirectError);
      expect(none.locationHost).toBeUndefined();
      expect(none.message).toContain('no Location');
      expect(seen).toHaveLength(2);
    });
  }

  it("a guard check answered with a redirect fails closed, not with the target's allow", async () => {
    const target = await hostile(json(200, ALLOW));
    const { url } = await hostile((_req, res) => {
      res.writeHead(307, { location: `${target.url}/api/v1/agenttrust/check` });
      res.end();
    });
    const guard = new AgentTrustGuard(over(url, 'fetch'), 'agt_1', { breaker: false });
    const error = await guard.check('web_search').catch((e) => e);
    expect(error).toBeInstanceOf(AgentTrustError);
    expect(error.code).toBe('GUARDIAN_UNAVAILABLE');
    expect(target.seen).toHaveLength(0);
  });
});

/** Answers with `body` one byte every `everyMs`, so no single read waits long. */
const drip =
  (status: number, body: string, everyMs = 300): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    let at = 0;
    const timer = setInterval(() => {
      if (at >= body.length) {
        clearInterval(timer);
        res.end();
      } else res.write(body[at++]);
    }, everyMs);
    res.on('close', () => clearInterval(timer));
  };

describe('timeout bounds the whole attempt, body included', () => {
  const slow = `{"agents":[]}${' '.repeat(40)}`;
  for (const transport of ['node', 'fetch'] as const) {
    for (const status of [200, 404]) {
      it(`a ${status} body dripped a byte every 300 ms ends at timeout: 1 s with TIMEOUT (${transport})`, async () => {
        const { url, seen } = await hostile(drip(status, slow));
        const started = Date.now();
        const error = await over(url, transport, { timeout: 1000 })
          .agents.list()
          .catch((e) => e);
        const took = Date.now() - started;
        expect(error).toBeInstanceOf(NetworkError);
        expect(error.code).toBe('TIMEOUT');
        expect(took).toBeGreaterThanOrEqual(900);
        expect(took).toBeLessThan(2_500);
        // A timeout is not retried.
        expect(seen).toHaveLength(1);
      }, 10_000);
    }

    it(`guard.close() against a dripping gateway returns within the client's timeout (${transport})`, async () => {
      const { url } = await hostile(drip(202, `{"accepted":1}${' '.repeat(40)}`));
      const guard = new AgentTrustGuard(over(url, transport, { timeout: 1000 }), 'agt_1');
      guard.report('web_search', true, 5);
      const started = Date.now();
      await expect(guard.close()).resolves.toBe(false);
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(guard.stats()).toMatchObject({ dropped: 1, failedBatches: 1 });
    }, 10_000);
  }
});

describe('telemetry against a failing gateway', () => {
  it('backs off instead of sending every full batch at once, and resumes when the gateway is back', async () => {
    let failing = true;
    const { url, seen } = await hostile((req, res, body) =>
      failing
        ? json(503, { code: 'INTERNAL_ERROR', message: 'down' })(req, res, body)
        : json(202, { accepted: true, events_processed: 10 })(req, res, body),
    );
    const guard = new AgentTrustGuard(over(url, 'node', { maxRetries: 0 }), 'agt_1', { flushIntervalMs: 20 });
    // One second of reports, far more than the gateway takes: 50 intervals.
    for (const end = Date.now() + 1_000; Date.now() < end; ) {
      for (let i = 0; i < 20; i++) guard.report('web_search', true, 1);
      await new Promise((r) => setTimeout(r, 1));
    }
    const failed = seen.length;
    // Waits of 20, 40, 80, 160 ms, then the 240 ms cap: about 8 requests (Go's test: 3 to 15).
    expect(failed).toBeGreaterThanOrEqual(3);
    expect(failed).toBeLessThanOrEqual(15);
    expect(guard.stats().queued).toBeLessThanOrEqual(1_000);
    failing = false;
    await vi.waitFor(
      () => {
        guard.report('web_search', true, 1);
        expect(guard.stats().sent).toBeGreaterThan(0);
      },
      { timeout: 3_000, interval: 5 },
    );
    await guard.close(1_000);
  }, 10_000);
});

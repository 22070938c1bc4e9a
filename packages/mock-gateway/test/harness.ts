/**
 * Runs the same test bodies against the mock in-process (MSW `setupServer`, global fetch) and
 * over HTTP (`startMockGatewayServer` on 127.0.0.1), and checks every answer against the spec:
 * the status is one the operation declares, the body parses with the generated zod response
 * schema (or `ErrorEnvelope`), and it carries no field the schema does not know.
 */
import * as zod from '@agenttrustid/spec/zod';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import * as z from 'zod/mini';
import { createMockGateway, type MockGateway } from '../src/index.js';
import { startMockGatewayServer } from '../src/node.js';
import { specOperationFor } from './spec.js';

export const KEY = 'sk_test_agenttrust';
export const READONLY_KEY = 'sk_test_readonly';
export type Mode = 'in-process' | 'http';
export const MODES: Mode[] = ['in-process', 'http'];

export interface CallOptions {
  body?: unknown;
  /** Raw body text (sent as given; `body` is ignored). */
  raw?: string;
  /** API key; `null` sends none. Default: the full key. */
  key?: string | null;
  headers?: Record<string, string>;
  /** Skip the spec check (for injected faults that corrupt answers on purpose). */
  unchecked?: boolean;
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Statuses seen per operation across a test file, for its coverage assertion. */
export const observed = new Map<string, Set<number>>();

/** Keys a response carries that its schema does not declare (free-form maps excepted). */
export function unknownKeys(schema: z.ZodMiniType, value: unknown, path = '$'): string[] {
  const def = (schema as any)._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'nonoptional':
      return value === null || value === undefined ? [] : unknownKeys(def.innerType, value, path);
    case 'pipe':
      return unknownKeys(def.in, value, path);
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, i) => unknownKeys(def.element, item, `${path}.${i}`))
        : [];
    case 'object': {
      if (!value || typeof value !== 'object') return [];
      const shape = def.shape as Record<string, z.ZodMiniType>;
      const extra = Object.keys(value)
        .filter((key) => !(key in shape))
        .map((key) => `${path}.${key}`);
      return extra.concat(
        Object.entries(shape).flatMap(([key, inner]) =>
          key in (value as object) ? unknownKeys(inner, (value as any)[key], `${path}.${key}`) : [],
        ),
      );
    }
    case 'union': {
      const matching = (def.options as z.ZodMiniType[]).filter(
        (option) => z.safeParse(option, value).success,
      );
      if (matching.length === 0) return [];
      return matching
        .map((option) => unknownKeys(option, value, path))
        .sort((a, b) => a.length - b.length)[0]!;
    }
    default:
      return [];
  }
}

const pascal = (id: string) => id[0]!.toUpperCase() + id.slice(1);

/** Asserts one answer matches the spec for the operation behind `method path`. */
export function checkAgainstSpec(method: string, path: string, answer: Answer, key?: string | null): void {
  const op = specOperationFor(method, path);
  const where = `${method} ${path} -> ${answer.status}`;
  expect(answer.headers.get('x-request-id'), `${where}: X-Request-Id`).toMatch(/^req_[0-9a-f]{16}$/);
  if (answer.status !== 204)
    expect(answer.headers.get('content-type'), `${where}: JSON`).toMatch(/^application\/json/);
  if (!op) {
    // Not an operation (unknown path, wrong method): still the error envelope.
    expect(answer.status, where).toBeGreaterThanOrEqual(400);
    expect(z.safeParse(zod.ErrorEnvelope, answer.body).success, where).toBe(true);
    return;
  }
  const statuses = observed.get(op.operationId) ?? new Set<number>();
  observed.set(op.operationId, statuses);
  statuses.add(answer.status);

  if (answer.status < 300) {
    expect(answer.status, where).toBe(op.success);
    const schema = (zod as Record<string, unknown>)[`${pascal(op.operationId)}Response`] as z.ZodMiniType;
    if (answer.status === 204) {
      expect(answer.text, `${where}: empty body`).toBe('');
      return;
    }
    const parsed = z.safeParse(schema, answer.body);
    expect(
      parsed.success ? 'ok' : JSON.stringify(parsed.error.issues),
      `${where}: body matches the spec`,
    ).toBe('ok');
    expect(unknownKeys(schema, answer.body), `${where}: fields not in the spec`).toEqual([]);
    return;
  }
  const parsed = z.safeParse(zod.ErrorEnvelope, answer.body);
  expect(parsed.success ? 'ok' : JSON.stringify(parsed.error.issues), `${where}: error envelope`).toBe('ok');
  expect(unknownKeys(zod.ErrorEnvelope, answer.body), `${where}: envelope fields`).toEqual([]);
  expect(answer.body.request_id, where).toBe(answer.headers.get('x-request-id'));
  // Gateway-wide answers the spec does not list per operation: the read-only key writing, an
  // oversized or non-JSON body, and a path (parameter) failing its schema or its encoding.
  const gatewayWide =
    (answer.status === 403 && key === READONLY_KEY && method !== 'GET') ||
    answer.status === 413 ||
    answer.status === 415 ||
    (answer.status === 400 && [...op.pathParams, 'path'].includes(answer.body.details?.field));
  if (!gatewayWide)
    expect(op.statuses, `${where}: status declared by ${op.operationId}`).toContain(answer.status);
}

export interface Harness {
  mode: Mode;
  gateway: MockGateway;
  baseUrl: string;
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<Answer<T>>;
  get<T = any>(path: string, options?: CallOptions): Promise<Answer<T>>;
  post<T = any>(path: string, body?: unknown, options?: CallOptions): Promise<Answer<T>>;
  put<T = any>(path: string, body?: unknown, options?: CallOptions): Promise<Answer<T>>;
  del<T = any>(path: string, options?: CallOptions): Promise<Answer<T>>;
  /** A request expected to fail at the transport (dropped connection). */
  fails(method: string, path: string, options?: CallOptions): Promise<unknown>;
}

async function send(baseUrl: string, method: string, path: string, options: CallOptions): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? KEY : options.key;
  if (key !== null) headers['x-api-key'] = key;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return fetch(`${baseUrl}${path}`, { method, headers, body });
}

function makeHarness(mode: Mode, gateway: MockGateway, baseUrl: string): Harness {
  const call = async (method: string, path: string, options: CallOptions = {}) => {
    const response = await send(baseUrl, method, path, options);
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const answer = { status: response.status, headers: response.headers, body, text } as Answer;
    // Proves which transport answered: only the node:http adapter sets this header.
    expect(answer.headers.get('server'), `${mode} transport`).toBe(
      mode === 'http' ? 'agenttrust-mock-gateway' : null,
    );
    if (!options.unchecked && !path.startsWith('/__mock/')) {
      checkAgainstSpec(method, path, answer, options.key);
    }
    return answer;
  };
  return {
    mode,
    gateway,
    baseUrl,
    call,
    get: (path, options) => call('GET', path, options),
    post: (path, body, options) => call('POST', path, { ...options, body }),
    put: (path, body, options) => call('PUT', path, { ...options, body }),
    del: (path, options) => call('DELETE', path, options),
    fails: async (method, path, options = {}) => {
      try {
        await send(baseUrl, method, path, options).then((r) => r.text());
      } catch (error) {
        return error;
      }
      throw new Error(`${method} ${path}: expected a transport failure`);
    },
  };
}

/**
 * Declares `body` once per mode. The gateway is created once per mode (frozen clock) and reset
 * before every test; the accessor gives the harness of the running mode.
 */
export function eachMode(
  name: string,
  body: (h: () => Harness) => void,
  options: { start?: string } = {},
): void {
  describe.each(MODES)(`${name} [%s]`, (mode) => {
    let harness: Harness | undefined;
    let stop: (() => Promise<void> | void) | undefined;
    beforeAll(async () => {
      const clock = { start: options.start ?? '2026-11-22T10:00:00.000Z' };
      if (mode === 'in-process') {
        const gateway = createMockGateway({ clock });
        const server = setupServer(...gateway.handlers);
        server.listen({ onUnhandledRequest: 'error' });
        harness = makeHarness(mode, gateway, 'http://gateway.test');
        stop = () => server.close();
      } else {
        const server = await startMockGatewayServer({ clock });
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        harness = makeHarness(mode, server.gateway, server.url);
        stop = () => server.close();
      }
    });
    afterAll(async () => {
      await stop?.();
    });
    beforeEach(() => {
      harness!.gateway.reset();
      harness!.gateway.clock.set(Date.parse(options.start ?? '2026-11-22T10:00:00.000Z'));
    });
    body(() => harness!);
  });
}

/** An unsigned JWT (`alg: none`) with these claims, as the mock's federation reads them. */
export function jwt(claims: Record<string, unknown>): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** A populated gateway: the ids every operation test needs, created through the API. */
export async function seedWorld(h: Harness) {
  const ok = <T = any>(answer: Answer<T>, status: number): T => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    return answer.body;
  };
  const alice = ok(
    await h.post('/api/v1/agents', {
      name: 'alice',
      framework: 'langchain',
      capabilities: ['web:search', 'files:read', 'db:*', 'admin_panel', 'notes_write'],
      metadata: { team: 'research', costCenter: 'R-42' },
    }),
    201,
  ).agent;
  const bob = ok(await h.post('/api/v1/agents', { name: 'bob', capabilities: ['web:search'] }), 201).agent;
  const token = ok(
    await h.post('/api/v1/agent-tokens/issue', { agent_id: alice.id, scopes: ['files:read'], ttl: 300 }),
    201,
  );
  const session = ok(
    await h.post('/mcp/sessions/init', { agent_id: alice.id, server_id: 'mcp-code-tools' }),
    201,
  );
  const check = ok(
    await h.post('/api/v1/agenttrust/check', {
      agent_id: alice.id,
      action_name: 'db_delete',
      action_source: 'api',
      session_id: session.session_id,
    }),
    200,
  );
  const server = ok(
    await h.post('/mcp/servers', {
      name: 'code-tools',
      url: 'https://mcp.example.com',
      capabilities: ['web_search'],
    }),
    201,
  );
  const task = ok(
    await h.post('/a2a', {
      jsonrpc: '2.0',
      id: 1,
      method: 'tasks/send',
      params: { source_agent_id: alice.id, target_agent_id: bob.id, message: 'find papers' },
    }),
    200,
  ).result;
  const delegation = ok(
    await h.post('/api/v1/delegations', {
      from_agent_id: alice.id,
      to_agent_id: bob.id,
      scope: ['files:read'],
    }),
    201,
  ).delegation;
  const provider = ok(
    await h.post('/api/v1/federation/providers', { issuer: 'https://issuer.example.com', name: 'Example' }),
    201,
  ).provider;
  const destination = ok(
    await h.post('/api/v1/siem/destinations', {
      name: 'Splunk',
      destination_type: 'splunk',
      endpoint_url: 'https://splunk.example.com/services/collector',
      auth_token: 'splunk-secret',
    }),
    201,
  );
  return {
    alice,
    bob,
    token,
    session,
    check,
    approvalId: check.approval_id as string,
    server,
    task,
    delegation,
    provider,
    destination,
  };
}
export type World = Awaited<ReturnType<typeof seedWorld>>;

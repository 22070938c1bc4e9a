/**
 * `createMockGateway`: the operations table turned into MSW handlers, sharing one pipeline:
 * record -> faults -> body size -> API key (`X-API-Key`) -> content type and JSON -> validation
 * (path, query, headers, body) -> operation.
 */

import { CODE_BY_STATUS, OTHER_CODE, OTHER_SERVER_CODE } from '@agenttrustid/spec/facts';
import { delay, getResponse, HttpResponse, http, type RequestHandler } from 'msw';
import * as z from 'zod/mini';
import { adminHandlers } from './admin.js';
import { API_KEYS } from './api-keys.js';
import { type Clock, type ClockOptions, createClock } from './clock.js';
import { errorResponse, GatewayError, newRequestId, randomId } from './errors.js';
import { createFaults, type Fault, type Faults } from './faults.js';
import { createKeys } from './keys.js';
import type { GatewayConfig, OpContext, Operation, OpResult } from './operation.js';
import { operations } from './ops/index.js';
import { clearState, createState, type GatewayState, pushBounded } from './state.js';

export { API_KEYS };

export interface MockGatewayOptions {
  /** Match only requests to this origin (e.g. `http://localhost:8080`); default: any origin. */
  baseUrl?: string;
  /** A `Clock` to share, or where a new one starts (a given start freezes it; see `Clock`). */
  clock?: Clock | ClockOptions;
  /** Overrides of the policy's time windows and the body size cap. */
  config?: Partial<GatewayConfig>;
  /** Called once per answered request (the CLI prints these). */
  onRequest?: (entry: RequestLogEntry) => void;
}

/** One request as the mock received it; the API key and `x-secret` body fields are redacted. */
export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string | null;
  headers: Record<string, string>;
  body: unknown;
  at: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  durationMs: number;
  requestId: string;
  faults: string[];
}

export interface MockGateway {
  /** MSW handlers for `setupServer(...gateway.handlers)` (or `setupWorker`). */
  handlers: RequestHandler[];
  /** The instance's in-memory state, for test assertions. */
  state: GatewayState;
  clock: Clock;
  faults: Faults;
  /** Every request received, oldest first (admin `/__mock/` calls excluded). */
  requests: RecordedRequest[];
  config: GatewayConfig;
  operations: readonly Operation[];
  /** Empties the state, the faults and the request log (the clock keeps its time). */
  reset(): void;
  /** Answers one request with these handlers (what the HTTP server calls). */
  fetch(request: Request): Promise<Response>;
  /**
   * Answers a method a fetch `Request` cannot carry (`TRACE`, `CONNECT`, `TRACK`), as the HTTP
   * server receives them: 405 with `Allow` on a declared path, else 404 (recorded like any other).
   */
  refuseMethod(method: string, url: string, headers: Headers): Response;
}

export const DEFAULT_CONFIG: GatewayConfig = {
  approvalTtlMs: 5 * 60_000,
  elevationWindowMs: 5 * 60_000,
  denialWindowMs: 5 * 60_000,
  maxBodyBytes: 1024 * 1024,
};

const enLocale = z.locales.en();

/** Bodies longer than this are logged as their size only (the log keeps 10,000 requests). */
const MAX_LOGGED_BODY = 64 * 1024;

/**
 * Deepest nesting of arrays and objects a body may have. Deeper bodies (metadata nested 200k
 * levels fits in 1 MiB) would overflow the stack in validation and serialization: 400 instead.
 */
export const MAX_JSON_DEPTH = 128;

/** True when `text`'s arrays and objects nest deeper than `max` (brackets in strings skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/** The first issue of a failed parse as a VALIDATION_ERROR naming its field path. */
function validationError(issues: readonly z.core.$ZodIssue[], prefix: string): GatewayError {
  const issue = issues[0]!;
  const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    path.push(issue.keys[0]!);
    return new GatewayError(400, 'VALIDATION_ERROR', `${path.join('.')}: unknown field`, {
      field: path.join('.'),
    });
  }
  const field = path.join('.') || 'body';
  return new GatewayError(400, 'VALIDATION_ERROR', `${field}: ${issue.message}`, { field });
}

const at = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], value);

function setAt(value: unknown, path: readonly PropertyKey[], replacement: unknown): void {
  const parent = at(value, path.slice(0, -1)) as Record<PropertyKey, unknown>;
  parent[path[path.length - 1]!] = replacement;
}

/**
 * A string-length failure the spec does not mean: JSON Schema counts `maxLength` in code points,
 * zod in UTF-16 units, so 200 emoji (400 units) fail zod but meet the spec.
 */
const isCodePointFalseAlarm = (issue: z.core.$ZodIssue, input: unknown) => {
  const value = at(input, issue.path);
  return (
    issue.code === 'too_big' &&
    issue.origin === 'string' &&
    typeof value === 'string' &&
    [...value].length <= Number(issue.maximum)
  );
};

/**
 * An integer-range failure the spec does not mean: zod's `int()` stops at 2^53 - 1 (its safe
 * range), JSON Schema's `integer` has no bound, so `duration_ms: 1e20` is schema-valid.
 */
const isSafeIntFalseAlarm = (issue: z.core.$ZodIssue, input: unknown) => {
  const value = at(input, issue.path);
  if (typeof value !== 'number' || !Number.isInteger(value)) return false;
  return (
    (issue.code === 'too_big' && Number(issue.maximum) === Number.MAX_SAFE_INTEGER) ||
    (issue.code === 'too_small' && Number(issue.minimum) === Number.MIN_SAFE_INTEGER)
  );
};

/** The in-range value parsed in place of a false alarm's (then put back). */
const standIn = (issue: z.core.$ZodIssue): unknown => {
  if (issue.code === 'too_big' && issue.origin === 'string') return 'x'.repeat(Number(issue.maximum));
  return issue.code === 'too_big' ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
};

function parseWith(schema: z.ZodMiniType | undefined, value: unknown, prefix: string): unknown {
  if (!schema) return undefined;
  const result = z.safeParse(schema, value, { error: enLocale.localeError });
  if (result.success) return result.data;
  const falseAlarms = result.error.issues.filter(
    (issue) => isCodePointFalseAlarm(issue, value) || isSafeIntFalseAlarm(issue, value),
  );
  if (falseAlarms.length === 0 || falseAlarms.length < result.error.issues.length) {
    throw validationError(
      result.error.issues.filter((issue) => !falseAlarms.includes(issue)),
      prefix,
    );
  }
  // Parse again with in-range stand-ins (so defaults still apply), then put the values back.
  const stand = structuredClone(value);
  for (const issue of falseAlarms) setAt(stand, issue.path, standIn(issue));
  const again = z.safeParse(schema, stand, { error: enLocale.localeError });
  if (!again.success) throw validationError(again.error.issues, prefix);
  for (const issue of falseAlarms) setAt(again.data, issue.path, at(value, issue.path));
  return again.data;
}

/**
 * Path parameters parsed by their schemas. An id the schema refuses (longer than its
 * `maxLength`) names nothing that can exist, so it is a 404 as for any unknown id, the status
 * every operation with a path parameter declares, rather than a 400 none of them does.
 */
function pathParamsOf(op: Operation, raw: Record<string, unknown>): unknown {
  try {
    return parseWith(op.params, raw, '');
  } catch (error) {
    if (!(error instanceof GatewayError) || error.status !== 400) throw error;
    const field = error.details?.field as string | undefined;
    throw new GatewayError(404, 'NOT_FOUND', `${field ?? 'path'}: no such resource (${error.message})`, {
      field,
    });
  }
}

const isJsonType = (contentType: string | null) => {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
};

/**
 * Headers as logged: `Authorization` and `Proxy-Authorization` keep only their scheme, `DPoP` and
 * `Cookie` are redacted; `X-API-Key` keeps the
 * mock's published test keys (so a journal shows which one was sent) and redacts anything else.
 */
function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  const known: string[] = Object.values(API_KEYS);
  headers.forEach((value, key) => {
    if (key === 'authorization' || key === 'proxy-authorization')
      out[key] = value.replace(/^(\S+\s+)?.*$/, (_, scheme = '') => `${scheme}[REDACTED]`);
    else if (key === 'dpop' || key === 'cookie') out[key] = '[REDACTED]';
    else if (key === 'x-api-key') out[key] = known.includes(value) ? value : '[REDACTED]';
    else out[key] = value;
  });
  return out;
}

function redactBody(body: unknown, secretFields: readonly string[] = []): unknown {
  if (secretFields.length === 0 || body === null) return body;
  // A body that is not a JSON object (invalid JSON kept as text, an array, an over-long body)
  // may still hold the secret: an operation with secret fields logs only its size then.
  if (typeof body === 'string' && /^\[body of \d+ characters( nested deeper than \d+ levels)?\]$/.test(body))
    return body;
  if (typeof body !== 'object' || Array.isArray(body))
    return `[REDACTED: ${typeof body === 'string' ? body.length : JSON.stringify(body).length} characters]`;
  const copy = { ...(body as Record<string, unknown>) };
  for (const field of secretFields) if (field in copy) copy[field] = '[REDACTED]';
  return copy;
}

/** Flips every value to a wrong JSON type, keeping the keys, so clients see a schema mismatch. */
function wrongTyped(body: unknown): unknown {
  const flip = (value: unknown): unknown => {
    if (typeof value === 'string') return 12345;
    if (typeof value === 'number') return String(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value === null) return false;
    if (Array.isArray(value)) return 'not-an-array';
    return ['not-an-object'];
  };
  if (Array.isArray(body)) return { items: body };
  if (body && typeof body === 'object') {
    return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, flip(value)]));
  }
  return ['unexpected'];
}

/**
 * The URL a client addressed: over HTTP the `Host` header it sent names the host (`localhost`
 * and `127.0.0.1` reach the same server); a `Host` that is not a host keeps the URL's own.
 */
function addressedUrl(url: URL, host: string | null): string {
  let origin = url.origin;
  if (host) {
    try {
      const addressed = new URL(`${url.protocol}//${host}`);
      if (addressed.pathname === '/' && !addressed.username && !addressed.password) origin = addressed.origin;
    } catch {
      // Not a host: the URL's own origin.
    }
  }
  return `${origin}${url.pathname}`;
}

export function createMockGateway(options: MockGatewayOptions = {}): MockGateway {
  const clock: Clock = options.clock && 'now' in options.clock ? options.clock : createClock(options.clock);
  const config: GatewayConfig = { ...DEFAULT_CONFIG, ...options.config };
  const state = createState();
  const requests: RecordedRequest[] = [];
  const faults = createFaults(new Set(operations.map((op) => op.operationId)));
  const keys = createKeys();
  const prefix = options.baseUrl ? options.baseUrl.replace(/\/+$/, '') : '*';

  const makeContext = (
    params: unknown,
    query: unknown,
    body: unknown,
    request: Request,
    url: URL,
  ): OpContext<any, any, any> => ({
    params,
    query,
    body,
    state,
    clock,
    config,
    origin: url.origin,
    method: request.method,
    target: addressedUrl(url, request.headers.get('host')),
    headers: request.headers,
    keys,
    id: (p) => randomId(p),
    secret: (p) => randomId(p, 16),
  });

  const log = (entry: RequestLogEntry) => {
    try {
      options.onRequest?.(entry);
    } catch {
      // A failing logger must not fail the request.
    }
  };

  async function run(op: Operation, request: Request, rawParams: Record<string, unknown>): Promise<Response> {
    const started = performance.now();
    const requestId = newRequestId();
    const url = new URL(request.url);
    let text = '';
    let readFailed = false;
    try {
      text = await request.text();
    } catch {
      readFailed = true;
    }
    let parsedForLog: unknown = text === '' ? null : text;
    if (text.length > MAX_LOGGED_BODY) parsedForLog = `[body of ${text.length} characters]`;
    else if (nestsDeeperThan(text, MAX_JSON_DEPTH))
      parsedForLog = `[body of ${text.length} characters nested deeper than ${MAX_JSON_DEPTH} levels]`;
    else {
      try {
        if (text !== '') parsedForLog = JSON.parse(text);
      } catch {
        // The log keeps the raw text of a body that is not JSON.
      }
    }
    pushBounded(requests, {
      method: request.method,
      path: url.pathname + url.search,
      operationId: op.operationId,
      headers: redactHeaders(request.headers),
      body: redactBody(parsedForLog, op.secretFields),
      at: clock.iso(),
    });

    const hits = faults.take(op.operationId);
    const finish = (response: Response) => {
      log({
        method: request.method,
        path: url.pathname,
        operationId: op.operationId,
        status: response.type === 'error' ? 0 : response.status,
        durationMs: Math.round(performance.now() - started),
        requestId,
        faults: hits.map((f) => f.kind),
      });
      return response;
    };

    for (const fault of hits) if (fault.kind === 'latency') await delay(fault.latencyMs ?? 0);
    const terminal: Fault | undefined = hits.find((f) => f.kind !== 'latency');
    if (terminal?.kind === 'drop') return finish(HttpResponse.error());
    if (terminal?.kind === 'status') {
      const status = terminal.status ?? 500;
      const headers: Record<string, string> = {};
      if (terminal.retryAfter !== undefined) headers['Retry-After'] = String(terminal.retryAfter);
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? OTHER_SERVER_CODE : OTHER_CODE);
      return finish(
        errorResponse(
          new GatewayError(status, code, `injected fault: HTTP ${status}`, undefined, headers),
          requestId,
        ),
      );
    }

    let result: OpResult;
    try {
      result = await execute(op, request, url, rawParams, text, readFailed);
    } catch (error) {
      if (error instanceof GatewayError) return finish(errorResponse(error, requestId));
      // Catch-all: a bug in an operation answers 500, it never escapes to the server.
      const message = error instanceof Error ? error.message : String(error);
      return finish(
        errorResponse(new GatewayError(500, 'INTERNAL_ERROR', `internal error: ${message}`), requestId),
      );
    }

    const headers: Record<string, string> = { 'X-Request-Id': requestId, ...result.headers };
    if (terminal?.kind === 'malformed') {
      headers['Content-Type'] = 'application/json';
      return finish(
        new Response('{"malformed": tru', { status: result.status === 204 ? 200 : result.status, headers }),
      );
    }
    if (terminal?.kind === 'wrong_type') {
      return finish(
        Response.json(wrongTyped(result.body), {
          status: result.status === 204 ? 200 : result.status,
          headers,
        }),
      );
    }
    if (result.body === undefined) return finish(new Response(null, { status: result.status, headers }));
    return finish(Response.json(result.body, { status: result.status, headers }));
  }

  async function execute(
    op: Operation,
    request: Request,
    url: URL,
    rawParams: Record<string, unknown>,
    text: string,
    readFailed: boolean,
  ): Promise<OpResult> {
    if (readFailed)
      throw new GatewayError(400, 'VALIDATION_ERROR', 'the request body could not be read', {
        field: 'body',
      });
    if (new TextEncoder().encode(text).length > config.maxBodyBytes) {
      throw new GatewayError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${config.maxBodyBytes} bytes`, {
        limit: config.maxBodyBytes,
      });
    }
    if (!op.public) {
      const key = request.headers.get('x-api-key')?.trim();
      if (key !== API_KEYS.full && key !== API_KEYS.readonly) {
        // The message never echoes the key that was sent.
        throw new GatewayError(
          401,
          'AUTH_FAILED',
          key ? 'invalid API key (X-API-Key)' : 'missing API key: send it in the X-API-Key header',
        );
      }
      if (key === API_KEYS.readonly && request.method !== 'GET') {
        throw new GatewayError(403, 'AUTH_DENIED', 'this API key may only read (GET)');
      }
    }
    let body: unknown;
    if (op.body) {
      if (text.trim() === '') {
        if (op.bodyRequired)
          throw new GatewayError(400, 'VALIDATION_ERROR', 'body: a JSON body is required', { field: 'body' });
      } else {
        if (!isJsonType(request.headers.get('content-type'))) {
          throw new GatewayError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the request body must be application/json', {
            content_type: request.headers.get('content-type'),
          });
        }
        if (nestsDeeperThan(text, MAX_JSON_DEPTH))
          throw new GatewayError(
            400,
            'VALIDATION_ERROR',
            `body: JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
            { field: 'body', max_depth: MAX_JSON_DEPTH },
          );
        try {
          body = JSON.parse(text);
        } catch {
          throw new GatewayError(400, 'VALIDATION_ERROR', 'body: invalid JSON', { field: 'body' });
        }
      }
    }
    const params = pathParamsOf(op, rawParams);
    const query = parseWith(op.query, Object.fromEntries(url.searchParams), '');
    for (const [name, required] of Object.entries(op.headerParams ?? {})) {
      const value = request.headers.get(name);
      const field = name
        .replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
        .replace('-Id', '-ID');
      if (value === null || value.trim() === '') {
        if (required)
          throw new GatewayError(400, 'VALIDATION_ERROR', `${field}: the header is required`, { field });
        // An empty optional header (a session id sent as "") counts as absent.
        if (value !== null) request.headers.delete(name);
      }
    }
    if (body !== undefined) op.precheck?.(body);
    const parsedBody = body === undefined ? undefined : parseWith(op.body, body, '');
    return op.handle(makeContext(params, query ?? {}, parsedBody, request, url));
  }

  // Each operation's handler matches with its own precompiled regex (an MSW custom predicate):
  // MSW would otherwise compile a path pattern per handler for every request.
  const base = options.baseUrl ? new URL(options.baseUrl) : null;
  const basePath = base ? base.pathname.replace(/\/+$/, '') : '';
  const pathCache = new WeakMap<Request, string | null>();
  /** The request's path relative to the gateway, or null when it is addressed elsewhere. */
  const gatewayPath = (request: Request): string | null => {
    const cached = pathCache.get(request);
    if (cached !== undefined) return cached;
    const url = new URL(request.url);
    let path: string | null = url.pathname;
    if (base) {
      const inside = url.origin === base.origin && (path === basePath || path.startsWith(`${basePath}/`));
      path = inside ? path.slice(basePath.length) : null;
    }
    pathCache.set(request, path);
    return path;
  };

  const opHandlers = operations.map((op) => {
    const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const source = op.path
      .split(/\{\w+\}/)
      .map((literal) => literal.replace(/[.*+?^$()[\]|\\]/g, '\\$&'))
      .join('([^/]+)');
    const pattern = new RegExp(`^${source}/?$`);
    const method = { GET: http.get, POST: http.post, PUT: http.put, DELETE: http.delete }[op.method];
    return method(
      ({ request }) => {
        const path = gatewayPath(request);
        const match = path === null ? null : pattern.exec(path);
        if (!match) return false;
        // Malformed percent-encoding never gets here: `malformedPath` answers it first.
        return {
          matches: true,
          params: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)])),
        };
      },
      ({ request, params }) => run(op, request, params),
    );
  });

  const templates = operations.map((op) => ({
    method: op.method,
    literal: !op.path.includes('{'),
    pattern: new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}/?$`),
  }));

  /** Answers a request no operation takes (and records and logs it like the others). */
  const unrouted = (request: Request, error: GatewayError): Response => {
    const url = new URL(request.url);
    const requestId = newRequestId();
    pushBounded(requests, {
      method: request.method,
      path: url.pathname + url.search,
      operationId: null,
      headers: redactHeaders(request.headers),
      body: null,
      at: clock.iso(),
    });
    const response = errorResponse(error, requestId);
    log({
      method: request.method,
      path: url.pathname,
      operationId: null,
      status: response.status,
      durationMs: 0,
      requestId,
      faults: [],
    });
    return response;
  };

  /** Unknown paths under the gateway's prefixes: 405 when another method exists, else 404. */
  const fallback = ({ request }: { request: Request }) => {
    const { pathname } = new URL(request.url);
    // `DELETE /api/v1/delegations/` is `DELETE /api/v1/delegations/{delegation_id}` with an empty
    // id, which names nothing: 404 as for any unknown id, not 405 for the collection's path.
    const emptyId = `${pathname}_`;
    if (
      pathname.endsWith('/') &&
      templates.some((t) => t.method === request.method && !t.literal && t.pattern.test(emptyId))
    ) {
      return unrouted(
        request,
        new GatewayError(404, 'NOT_FOUND', `${pathname}: an empty id names no resource`, { path: pathname }),
      );
    }
    const matching = templates.filter((t) => t.pattern.test(pathname));
    // A literal path is its own resource: `/mcp/sessions/init` (POST) is not also
    // `/mcp/sessions/{session_id}` (GET), so its `Allow` lists only its own methods.
    const literal = matching.filter((t) => t.literal);
    const allowed = (literal.length > 0 ? literal : matching).map((t) => t.method);
    if (allowed.length > 0) {
      const message = `method ${request.method} is not allowed on ${pathname}`;
      return unrouted(
        request,
        new GatewayError(405, 'NOT_FOUND', message, { allow: allowed }, { Allow: allowed.join(', ') }),
      );
    }
    return unrouted(
      request,
      new GatewayError(404, 'NOT_FOUND', `no route ${request.method} ${pathname}`, { path: pathname }),
    );
  };

  const ours = (url: URL) =>
    prefix === '*'
      ? /^\/(api|mcp|a2a|health|__mock)(\/|$)/.test(url.pathname)
      : url.href.startsWith(`${prefix}/`);

  /**
   * MSW decodes path parameters and throws on malformed percent-encoding (`/v1/agents/%E0`), so
   * this predicate handler, first in the list, answers those before any path is matched.
   */
  const malformedPath = http.all(
    ({ request }) => {
      const url = new URL(request.url);
      if (!ours(url)) return false;
      try {
        decodeURIComponent(url.pathname);
        return false;
      } catch {
        return true;
      }
    },
    ({ request }) =>
      unrouted(
        request,
        new GatewayError(400, 'VALIDATION_ERROR', 'path: malformed percent-encoding', { field: 'path' }),
      ),
  );

  const gateway: MockGateway = {
    handlers: [],
    state,
    clock,
    faults,
    requests,
    config,
    operations,
    reset() {
      clearState(state);
      faults.clear();
      requests.length = 0;
    },
    async fetch(request) {
      const response = await getResponse(gateway.handlers, request);
      return response ?? fallback({ request });
    },
    refuseMethod(method, url, headers) {
      // `unrouted` and `fallback` read only these three fields.
      return fallback({ request: { method, url, headers } as unknown as Request });
    },
  };
  gateway.handlers = [
    malformedPath,
    ...opHandlers,
    ...adminHandlers(gateway, prefix),
    ...(prefix === '*'
      ? [
          http.all('*/api/*', fallback),
          http.all('*/mcp/*', fallback),
          http.all('*/a2a/*', fallback),
          http.all('*/a2a', fallback),
          http.all('*/health', fallback),
        ]
      : [http.all(`${prefix}/*`, fallback)]),
  ];
  return gateway;
}

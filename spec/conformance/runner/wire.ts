// The wire check (spec/conformance/README.md, "Wire fixtures"): each fixture of
// spec/conformance/wire/fixtures/ records what the official clients send for one SDK call. The
// runner makes the driver perform the same call (arguments by wire name, taken from the fixture's
// path, query, headers and body through the model's params), reads the mock's request journal
// and compares the one request it recorded with the fixture. Fixed fields and JSON-RPC envelopes
// are not arguments: the SDK must add them itself, and the comparison proves it did.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiModel, Operation } from '../../../generators/src/model/index.ts';
import { modelFromFile } from '../../../generators/src/model/index.ts';
import { equal, type Json, show } from './match.ts';

const WIRE_DIR = new URL('../wire/fixtures/', import.meta.url);
const SPEC = new URL('../../openapi.yaml', import.meta.url);
/** What the mock's journal shows in place of an `x-secret` body field. */
const REDACTED = '[REDACTED]';

export interface WireCheck {
  /** `wire/<fixture file name without .json>`: its results and grid row. */
  id: string;
  fixture: Record<string, any>;
  op: Operation;
  call: string;
  args: Record<string, Json>;
}

interface Requester {
  request(body: Record<string, Json>): Promise<{ ok: boolean; result?: Json; error?: any; crash?: string }>;
}
interface MockLike {
  url: string;
  reset(): Promise<void>;
  admin(method: string, path: string, body?: Json): Promise<Json>;
}

const jsonType = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** The operation a fixture records: its operationId is the HTTP one (Operation.httpId). */
function operationFor(model: ApiModel, fixture: Record<string, any>): Operation {
  const candidates = model.operations.filter((op) => op.httpId === fixture.operation);
  const op =
    candidates.length > 1 ? candidates.find((o) => o.rpc?.method === fixture.rpc_method) : candidates[0];
  if (!op)
    throw new Error(
      `wire fixture ${fixture.operation}${fixture.rpc_method ? ` ${fixture.rpc_method}` : ''}: no such operation in the spec`,
    );
  return op;
}

/** Removes a dotted path from a value (used for the fixture's `ignore` paths inside arguments). */
function drop(value: Json, path: string[]): void {
  if (value === null || typeof value !== 'object' || path.length === 0) return;
  const [head, ...rest] = path;
  if (rest.length === 0) delete value[head!];
  else drop(value[head!], rest);
}

/**
 * The call's arguments by wire name: path params from the concrete path, query params from its
 * query string, header params (named by header name) from the headers, body params from the body
 * (for a JSON-RPC method: from `params`). A value the fixture marks `ignore` (a generated UUID) is
 * left out, so the SDK must generate it.
 */
export function deriveArgs(op: Operation, fixture: Record<string, any>): Record<string, Json> {
  const req = fixture.request;
  const url = new URL(req.path, 'http://wire.invalid');
  const names: string[] = [];
  const pattern = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  const m = new RegExp(`^${pattern}$`).exec(url.pathname);
  if (!m) throw new Error(`path ${url.pathname} does not match ${op.path}`);
  const pathValues = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
  const headers = Object.fromEntries(
    Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v as string]),
  );
  const rpcParams = op.rpc?.method !== undefined;
  const source: Record<string, Json> = (rpcParams ? req.body?.params : req.body) ?? {};
  const ignored = (fixture.ignore ?? [])
    .filter((p: string) => p.startsWith('body.'))
    .map((p: string) => p.split('.').slice(rpcParams ? 2 : 1));
  const args: Record<string, Json> = {};
  for (const p of op.params) {
    const wire = p.name.wire;
    let value: Json;
    if (p.location === 'path') value = pathValues[wire];
    else if (p.location === 'query') value = url.searchParams.get(wire) ?? undefined;
    else if (p.location === 'header') value = headers[wire.toLowerCase()];
    else value = clone(source[wire]);
    if (value === undefined) continue;
    for (const path of ignored) if (path[0] === wire && path.length > 1) drop(value, path.slice(1));
    if (ignored.some((path: string[]) => path.length === 1 && path[0] === wire)) continue;
    args[wire] = value;
  }
  return args;
}

export async function loadWireChecks(): Promise<WireCheck[]> {
  const model = await modelFromFile(fileURLToPath(SPEC));
  return readdirSync(WIRE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const fixture = JSON.parse(readFileSync(new URL(file, WIRE_DIR), 'utf8'));
      const op = operationFor(model, fixture);
      return {
        id: `wire/${file.replace(/\.json$/, '')}`,
        fixture,
        op,
        call: `${op.resource}.${op.name.wire}`,
        args: deriveArgs(op, fixture),
      };
    });
}

/** Differences between a journal body and an expected one; `ignore` paths compare JSON types. */
function compareBody(actual: Json, expected: Json, at: string, ignore: Set<string>, out: string[]): void {
  if (ignore.has(at)) {
    if (actual === undefined) out.push(`${at}: missing (expected a ${jsonType(expected)})`);
    else if (jsonType(actual) !== jsonType(expected))
      out.push(`${at}: expected a ${jsonType(expected)}, got ${show(actual)}`);
    return;
  }
  if (actual === undefined) {
    out.push(`${at}: missing (expected ${show(expected)})`);
    return;
  }
  // The mock redacts x-secret fields in its journal: the key was sent, its value stays private.
  if (actual === REDACTED && typeof expected === 'string') return;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${at}: expected ${show(expected)}, got ${show(actual)}`);
      return;
    }
    for (const [i, e] of expected.entries()) compareBody(actual[i], e, `${at}.${i}`, ignore, out);
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      out.push(`${at}: expected an object, got ${show(actual)}`);
      return;
    }
    for (const k of Object.keys(expected)) compareBody(actual[k], expected[k], `${at}.${k}`, ignore, out);
    for (const k of Object.keys(actual))
      if (!(k in expected))
        out.push(`${at}.${k}: sent ${show(actual[k])}, which the official clients do not send`);
    return;
  }
  if (!equal(actual, expected) && !sameInstant(actual, expected))
    out.push(`${at}: expected ${show(expected)}, got ${show(actual)}`);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
/** RFC 3339 date-times that name the same instant (`+00:00` and `Z`): the gateway reads them alike. */
const sameInstant = (a: Json, b: Json) =>
  typeof a === 'string' &&
  typeof b === 'string' &&
  DATE_TIME.test(a) &&
  DATE_TIME.test(b) &&
  Date.parse(a) === Date.parse(b);

const mediaType = (v: string | undefined) => v?.split(';')[0]?.trim().toLowerCase();

/** Problems with one journal entry against the fixture's request; `body` may be a variant's. */
function compare(
  entry: Record<string, any>,
  fixture: Record<string, any>,
  apiKey: string,
  body: Json,
): string[] {
  const req = fixture.request;
  const problems: string[] = [];
  if (entry.method !== req.method) problems.push(`method: expected ${req.method}, got ${entry.method}`);
  const want = new URL(req.path, 'http://wire.invalid');
  const got = new URL(entry.path, 'http://wire.invalid');
  const query = (u: URL) => [...u.searchParams.entries()].map(([k, v]) => `${k}=${v}`).sort();
  if (want.pathname !== got.pathname || !equal(query(want), query(got)))
    problems.push(`path: expected ${req.path}, got ${entry.path}`);
  const headers: Record<string, string> = entry.headers ?? {};
  for (const [name, value] of Object.entries(req.headers as Record<string, string>)) {
    const lower = name.toLowerCase();
    const actual = headers[lower];
    if (lower === 'content-type') {
      // Without a body a content type means nothing to the gateway; with one it must be JSON.
      if (req.body !== undefined && mediaType(actual) !== mediaType(value))
        problems.push(`header ${name}: expected ${value}, got ${show(actual ?? null)}`);
      continue;
    }
    const expected = lower === 'x-api-key' ? apiKey : value;
    if (actual !== expected)
      problems.push(`header ${name}: expected ${expected}, got ${show(actual ?? null)}`);
  }
  const sent = new Set(Object.keys(req.headers).map((h) => h.toLowerCase()));
  if (headers.authorization !== undefined && !sent.has('authorization'))
    problems.push(`header Authorization: sent (${headers.authorization}); the key belongs in X-API-Key`);
  if (body === undefined) {
    if (entry.body !== null && entry.body !== undefined)
      problems.push(`body: expected none, got ${show(entry.body)}`);
  } else {
    compareBody(entry.body ?? undefined, body, 'body', new Set(fixture.ignore ?? []), problems);
  }
  return problems;
}

/**
 * Runs one wire check through a driver; null when the recorded request matches the fixture (or
 * one of its variants with a body: the note says which), else why not.
 */
export async function runWireCheck(
  check: WireCheck,
  driver: Requester,
  mock: MockLike,
  apiKey: string,
): Promise<{ failure: string | null; note?: string }> {
  await mock.reset();
  // No retries: the journal must hold exactly the one request of this call.
  const client = { base_url: mock.url, api_key: apiKey, max_retries: 0 };
  const answer = await driver.request({ op: 'call', client, call: check.call, args: check.args });
  try {
    if (answer.crash !== undefined) return { failure: `the driver failed: ${answer.crash}` };
    const journal = (await mock.admin('GET', '/requests')) as Record<string, any>[];
    const outcome = answer.ok ? 'succeeded' : `failed with ${answer.error?.code}: ${answer.error?.message}`;
    if (journal.length !== 1)
      return {
        failure: `${check.call} ${show(check.args)} sent ${journal.length} requests (the call ${outcome})`,
      };
    const entry = journal[0]!;
    const problems = compare(entry, check.fixture, apiKey, check.fixture.request.body);
    if (problems.length === 0) return { failure: null };
    for (const v of check.fixture.variants ?? []) {
      const body =
        'body' in v
          ? v.body
          : v.body_adds && check.fixture.request.body
            ? { ...check.fixture.request.body, ...v.body_adds }
            : undefined;
      if (body === undefined) continue;
      if (compare(entry, check.fixture, apiKey, body).length === 0)
        return { failure: null, note: `sent the variant of ${v.client} (${v.difference})` };
    }
    return { failure: `${problems.join('; ')} (the call ${outcome})` };
  } finally {
    await driver.request({ op: 'reset' });
  }
}

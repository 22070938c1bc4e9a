// What every generated resource method does: build the request from the operation's descriptor
// (path, query, body in wire keys), send it through the HTTP core, validate the answer against
// the spec's zod schema, convert it to camelCase, and apply the operation's cache rule.
import type { GenerateRule, OperationDescriptor } from '../generated/operations.js';
import { APIPromise, type RawAnswer } from './api-promise.js';
import { AgentTrustError, errorFromRpc, ValidationError } from './errors.js';
import type { HttpCore, RequestOptions } from './http.js';
import { fromWire, toWire } from './keys.js';
import type { TokenCache } from './token-cache.js';

type Schemas = typeof import('../generated/schemas.js');
type Schema = Schemas[keyof Schemas];
let schemas: Schemas | undefined;
let loading: Promise<Schemas> | undefined;

// The zod schemas are built on the first response, not when the SDK is imported: importing
// stays cheap for programs that load the SDK but call it later (or never).
function loadSchemas(): Promise<Schemas> {
  loading ??= import('../generated/schemas.js').then((module) => {
    schemas = module;
    return module;
  });
  return loading;
}

const JSON_BODY = { 'content-type': 'application/json' };

export abstract class APIResource {
  /** @internal */
  protected readonly _core: HttpCore;
  /** @internal The client's token cache (absent when turned off). */
  protected readonly _cache: TokenCache | undefined;

  constructor(core: HttpCore, cache?: TokenCache) {
    this._core = core;
    this._cache = cache;
  }

  /**
   * @internal Sends one operation: `path` are the path parameters' values in order, `query` and
   * `body` camelCase objects; resolves with the validated, camelCased answer, and gives it with
   * its response through `.withResponse()`.
   */
  protected _request<T>(
    op: OperationDescriptor,
    path: readonly unknown[],
    query: object | undefined,
    body: object | undefined,
    options: RequestOptions | undefined,
    headers?: Record<string, string | undefined>,
  ): APIPromise<T> {
    const raw = this._answer<T>(op, path, query, body, options, headers);
    const log = this._core.log;
    // `error`: the call's final failure, by class and code (never its message: it may quote input).
    return new APIPromise(
      log.level >= 1
        ? raw.catch((error: unknown) => {
            if (AgentTrustError.isInstance(error)) {
              const status = error.status === undefined ? '' : `, HTTP ${error.status}`;
              const id =
                error.requestId === undefined ? '' : `, request id ${JSON.stringify(error.requestId)}`;
              log.error(`${op.method} ${op.path} failed: ${error.name} ${error.code}${status}${id}`);
            }
            throw error;
          })
        : raw,
    );
  }

  private _answer<T>(
    op: OperationDescriptor,
    path: readonly unknown[],
    query: object | undefined,
    body: object | undefined,
    options: RequestOptions | undefined,
    headers: Record<string, string | undefined> | undefined,
  ): Promise<RawAnswer<T>> {
    // A bad argument rejects the promise, and nothing is sent.
    try {
      if (headers) options = withHeaderArgs(op, headers, options);
      // Before the cache key or the body is built: both would throw a bare TypeError (circular,
      // BigInt) or send NaN/Infinity as null.
      if (body !== undefined) checkJson(body, '', 0, []);
    } catch (error) {
      return Promise.reject(error);
    }
    const cache = this._cache;
    const rule = op.cache;
    if (cache && rule) {
      if (rule.evict) {
        const { field, param } = rule.evict;
        const i = op.pathParams?.indexOf(param) ?? -1;
        const value =
          i >= 0
            ? path[i]
            : ((body as Record<string, unknown>)?.[param] ?? (query as Record<string, unknown>)?.[param]);
        cache.evict(field, value);
        // Again once answered: a request in flight may have stored what this call makes stale.
        return this._send<T>(op, path, query, body, options).then((answer) => {
          cache.evict(field, value);
          return answer;
        });
      }
      if (
        rule.store &&
        !(
          rule.store.optOut && (options as Record<string, unknown> | undefined)?.[rule.store.optOut] === false
        )
      ) {
        // The shared request is not tied to one caller's signal; each caller can still abort its own wait.
        const shared = options ? { ...options, signal: undefined } : undefined;
        const request = { ...(query as object), ...(body as object) } as Record<string, unknown>;
        // The cache hands out copies: each gets the inspect hook again.
        return withSignal(
          cache.get(rule.store, request, () => this._send<T>(op, path, query, body, shared)),
          options?.signal,
        ).then((raw) => {
          maskSecrets(raw.data);
          return raw;
        });
      }
    }
    return this._send<T>(op, path, query, body, options);
  }

  /** @internal Number of cached tokens (for tests). */
  get _cacheSize(): number {
    return this._cache?.size ?? 0;
  }

  private async _send<T>(
    op: OperationDescriptor,
    pathValues: readonly unknown[],
    query: object | undefined,
    body: object | undefined,
    options: RequestOptions | undefined,
  ): Promise<RawAnswer<T>> {
    let url = op.path;
    if (op.pathParams) {
      const parts = url.split('{}');
      url = parts[0]!;
      for (let i = 0; i < op.pathParams.length; i++)
        url += segment(op.pathParams[i]!, pathValues[i]) + parts[i + 1]!;
    }
    if (query) url += queryString(toWire(query, op.query));
    let payload: unknown;
    if (op.body) {
      let wire = toWire(body ?? {}, op.body) as Record<string, unknown>;
      if (op.fixed) Object.assign(wire, op.fixed);
      if (op.generate) wire = fillGenerated(wire, op.generate) as Record<string, unknown>;
      payload = wire;
      const rpc = op.rpc;
      if (rpc) {
        const id = rpc.id === 'counter' ? this._core.nextRpcId() : rpc.id;
        // With a method the arguments are its params; a proxy call carries the caller's own.
        payload =
          rpc.method === undefined
            ? { ...wire, id }
            : { jsonrpc: '2.0', id, method: rpc.method, params: wire };
      }
    }
    // As the official clients: an optional body with nothing in it is not sent at all.
    // (An argument left undefined is no field: JSON drops it.)
    if (op.optionalBody && isObject(payload) && Object.values(payload).every((v) => v === undefined))
      payload = undefined;
    const answer = await this._core.send(url, {
      method: op.method,
      ...(payload === undefined ? {} : { headers: JSON_BODY, body: JSON.stringify(payload) }),
      options,
      ...(op.auth === false ? { auth: false } : op.keyOptional ? { keyOptional: true } : {}),
      ...(op.service ? { service: op.service } : {}),
    });
    const { status, requestId, response } = answer;
    const done = (value: unknown): RawAnswer<T> => ({ data: value as T, response, requestId });
    let data = answer.data;
    if (!op.response) return done(undefined);
    const all = (schemas ?? (await loadSchemas())) as Record<string, Schema>;
    const schema = all[op.response]!;
    if (op.rpc) {
      const reply = isObject(data) ? data : undefined;
      if (op.rpc.method === undefined) {
        // A proxy call: the upstream's answer, checked as JSON-RPC, then returned untouched.
        validate(schema, data, status, requestId, '');
        if (op.void) return done(undefined);
        if (reply && 'error' in reply && reply.error != null) {
          if (op.rpc.onError === 'raise') throw errorFromRpc(reply.error, status, requestId);
          return done(data);
        }
        return done(reply && 'result' in reply ? reply.result : data);
      }
      if (reply && 'error' in reply && reply.error != null) {
        if (op.rpc.onError === 'raise') throw errorFromRpc(reply.error, status, requestId);
        return done(data);
      }
      if (!reply || !('result' in reply))
        throw invalid(status, requestId, ['(root): a JSON-RPC response has `result` or `error`']);
      data = reply.result;
    }
    if (op.unwrap && isObject(data) && op.unwrap in data) {
      // The wrapped form: checked against its envelope schema, then the member is the answer.
      validate(all[op.envelope!]!, data, status, requestId, '');
      data = data[op.unwrap];
      if (op.void) return done(undefined);
      return done(maskSecrets(fromWire(data, op.responseShape)));
    }
    if (op.list) {
      if (!Array.isArray(data)) throw invalid(status, requestId, ['(root): expected an array']);
      for (let i = 0; i < data.length; i++) validate(schema, data[i], status, requestId, `[${i}]`);
    } else {
      validate(schema, data, status, requestId, '');
    }
    if (op.void) return done(undefined);
    return done(maskSecrets(fromWire(data, op.responseShape)));
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The wire body with each `x-sdk-generate` field the caller left out (undefined or null) filled;
 * the objects on the way are copied, so the caller's own values are never changed.
 */
export function fillGenerated(value: unknown, rule: GenerateRule): unknown {
  if (Array.isArray(value)) return value.map((item) => fillGenerated(item, rule));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const key in rule) {
    const sub = rule[key]!;
    if (sub === 'uuid') {
      if (out[key] === undefined || out[key] === null) out[key] = newUuid();
    } else if (out[key] !== undefined && out[key] !== null) {
      out[key] = fillGenerated(out[key], sub);
    }
  }
  return out;
}

/** A random (v4) UUID: Node 18+, browsers, Deno, Bun and edge runtimes all have randomUUID. */
function newUuid(): string {
  return globalThis.crypto.randomUUID();
}

/** The call's header arguments merged into its options; a required one must be a non-empty string. */
function withHeaderArgs(
  op: OperationDescriptor,
  args: Record<string, string | undefined>,
  options: RequestOptions | undefined,
): RequestOptions {
  for (const name of op.requiredHeaders ?? []) {
    const value = args[name];
    if (typeof value !== 'string' || value.length === 0) {
      throw new ValidationError('VALIDATION_ERROR', `${name} must be a non-empty string`, {
        details: { field: name },
      });
    }
  }
  const headers: Record<string, string> = {};
  for (const name in args) if (args[name] !== undefined) headers[name] = args[name];
  return { ...options, headers: { ...headers, ...options?.headers } };
}

/** `?a=1&b=x` of the defined values (null as `null`, as the gateway reads it), or ''. */
function queryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const key in query) {
    const value = query[key];
    if (value !== undefined) params.append(key, value === null ? 'null' : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function invalid(status: number, requestId: string | undefined, problems: string[]): AgentTrustError {
  return new AgentTrustError(
    'INVALID_RESPONSE',
    `The gateway's answer does not match the spec: ${problems.join('; ')}`,
    {
      status,
      requestId,
      details: { problems },
    },
  );
}

/**
 * Accepts the answer when it matches the schema, or when every mismatch is an enum or constant
 * value this SDK does not know yet (a newer gateway); the value is then returned as sent. A
 * missing field or a wrong type is an INVALID_RESPONSE error. Unknown fields are kept because
 * the raw body, not zod's stripped output, is what gets returned.
 */
function validate(
  schema: Schema,
  data: unknown,
  status: number,
  requestId: string | undefined,
  at: string,
): void {
  // zod skips a record's `__proto__` key, whose value would then be returned unchecked: such keys
  // are renamed in a copy, so their values are checked like any other.
  const input = hasProtoKey(data, 0) ? renameProtoKeys(data) : data;
  const result = schema.safeParse(input);
  if (result.success) return;
  const issues = result.error.issues.filter((issue) => !isNewerValue(issue, input));
  if (issues.length === 0) return;
  // Paths and zod's wording only: a value could be a secret (a token), so none is quoted.
  throw invalid(
    status,
    requestId,
    issues
      .slice(0, 5)
      .map(
        (issue) => `${at}${issue.path.map((p) => `.${String(p)}`).join('') || '(root)'}: ${issue.message}`,
      ),
  );
}

/**
 * An enum or constant value this SDK does not know yet: only a real string is. A number,
 * `null`, or a missing required field fails the same zod check but is an invalid answer.
 */
function isNewerValue(
  issue: { code: string; note?: unknown; path: readonly PropertyKey[]; discriminator?: unknown },
  data: unknown,
): boolean {
  if (issue.code === 'invalid_value') return typeof valueAt(data, issue.path) === 'string';
  if (issue.code === 'invalid_union' && issue.note === 'No matching discriminator') {
    const at = valueAt(data, issue.path);
    const key = typeof issue.discriminator === 'string' ? issue.discriminator : undefined;
    // zod puts the path on the discriminator itself or on the union's object, by version.
    const value = key && issue.path.at(-1) !== key && isObject(at) ? at[key] : at;
    return typeof value === 'string';
  }
  return false;
}

/** Whether an own `__proto__` key (as JSON.parse makes it) sits anywhere in `value`. */
function hasProtoKey(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.some((item) => hasProtoKey(item, depth + 1));
  if (Object.hasOwn(value, '__proto__')) return true;
  for (const key in value) if (hasProtoKey((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

function renameProtoKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(renameProtoKeys);
  const out: Record<string, unknown> = {};
  for (const key in value)
    out[key === '__proto__' ? '__proto__ (renamed)' : key] = renameProtoKeys(
      (value as Record<string, unknown>)[key],
    );
  return out;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

// The deepest body the SDK serializes; JSON.stringify itself overflows the stack far deeper.
const MAX_DEPTH = 256;

/**
 * Throws a ValidationError naming the field when `value` is not what JSON can carry as given:
 * a BigInt, NaN or ±Infinity (JSON.stringify sends `null`), a circular reference, or nesting
 * deeper than MAX_DEPTH. Values with toJSON (Date) are taken as JSON makes them.
 */
function checkJson(value: unknown, path: string, depth: number, parents: object[]): void {
  const bad = (what: string) =>
    new ValidationError('VALIDATION_ERROR', `${path || 'body'} ${what}`, {
      details: { field: path || 'body' },
    });
  if (typeof value === 'bigint') throw bad('is a BigInt, which JSON cannot carry');
  if (typeof value === 'number' && !Number.isFinite(value)) throw bad(`is ${value}, which JSON cannot carry`);
  if (typeof value !== 'object' || value === null) return;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return;
  if (parents.includes(value)) throw bad('refers to itself (a circular reference)');
  if (depth >= MAX_DEPTH) throw bad(`is nested more than ${MAX_DEPTH} levels deep`);
  parents.push(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkJson(value[i], `${path}[${i}]`, depth + 1, parents);
  } else {
    for (const key of Object.keys(value))
      checkJson((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, depth + 1, parents);
  }
  parents.pop();
}

// Fields of an answer that hold a credential (camelCase, as the SDK returns them).
const SECRET_KEYS = new Set([
  'token',
  'agentToken',
  'accessToken',
  'refreshToken',
  'idToken',
  'authToken',
  'apiKey',
  'secret',
  'clientSecret',
  'privateKey',
  'password',
]);
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Gives every object of an answer that holds a credential a (non-enumerable) util.inspect hook
 * that shows it as `[redacted]`, so `console.log(token)` does not print the token. The value
 * itself, JSON.stringify and property access are unchanged.
 */
function maskSecrets<T>(value: T, depth = 0): T {
  if (depth > 32 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (const item of value) maskSecrets(item, depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  let secret = false;
  for (const key of Object.keys(record)) {
    if (SECRET_KEYS.has(key) && typeof record[key] === 'string') secret = true;
    else maskSecrets(record[key], depth + 1);
  }
  if (secret && Object.isExtensible(record)) {
    Object.defineProperty(record, INSPECT, {
      enumerable: false,
      configurable: true,
      value(_depth: number, options: object, inspect: (v: unknown, o: object) => string) {
        const shown: Record<string, unknown> = {};
        for (const key of Object.keys(record))
          shown[key] = SECRET_KEYS.has(key) && typeof record[key] === 'string' ? '[redacted]' : record[key];
        return inspect(shown, options);
      },
    });
  }
  return value;
}

/** Encodes one path segment, rejecting what cannot be an id before it reaches the wire. */
export function segment(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError('VALIDATION_ERROR', `${name} must be a non-empty string`, {
      details: { field: name },
    });
  }
  // `.` and `..` survive encoding (and `%2E%2E` is a dot segment to URL parsers too), so the
  // URL would move to another endpoint: `agents.revoke('..')` would POST /api/v1/agents/revoke.
  if (value === '.' || value === '..') {
    throw new ValidationError('VALIDATION_ERROR', `${name} must not be "." or ".."`, {
      details: { field: name },
    });
  }
  return encodeURIComponent(value);
}

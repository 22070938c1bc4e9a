/**
 * The `x-sdk*` extensions: how the SDK surface departs from the wire (argument order, methods
 * that return nothing, shorthands, the token cache) and the root `x-sdk` facts. Each is read
 * here once, checked, and handed to every emitter as plain model data.
 */
import { makeName, splitWords } from './casing';
import { SpecModelError } from './errors';
import type { CacheRule, JsonValue, Language, Name, Param, SdkShape, SpecFacts } from './types';

type Node = Record<string, any>;

export const LANGUAGES: readonly Language[] = ['typescript', 'python', 'go', 'java', 'rust'];

const WORDS = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** A `snake_words` value (`x-sdk-name`, class names in `x-sdk`) as a Name. */
export function wordsName(value: unknown, pointer: string): Name {
  if (typeof value !== 'string' || !WORDS.test(value))
    throw new SpecModelError(`expected snake_case words, got ${JSON.stringify(value)}`, pointer);
  return makeName(value);
}

/** `x-sdk-name` on a property or parameter: the words of its SDK name, when they differ from the wire key. */
export function sdkWords(node: Node | undefined, pointer: string): string[] | undefined {
  const raw = node?.['x-sdk-name'];
  return raw === undefined ? undefined : splitWords(wordsName(raw, `${pointer}/x-sdk-name`).wire);
}

function languageList(raw: unknown, pointer: string): Language[] {
  if (raw === true) return [...LANGUAGES];
  if (!Array.isArray(raw) || raw.some((l) => !LANGUAGES.includes(l)))
    throw new SpecModelError(`must be true or a list of languages (${LANGUAGES.join(', ')})`, pointer);
  return raw as Language[];
}

function wireList(raw: unknown, known: ReadonlySet<string>, pointer: string): string[] {
  if (!Array.isArray(raw)) throw new SpecModelError('must be a list of argument wire names', pointer);
  for (const [i, name] of raw.entries()) {
    if (typeof name !== 'string' || !known.has(name))
      throw new SpecModelError(`'${String(name)}' is not an argument of this operation`, `${pointer}/${i}`);
  }
  if (new Set(raw).size !== raw.length) throw new SpecModelError('lists an argument twice', pointer);
  return raw as string[];
}

/** The operation's `SdkShape`, and its params with their `x-sdk-shorthands` attached. */
export function sdkShape(op: Node, params: Param[], pathParams: Param[], pointer: string): SdkShape {
  const known = new Set(params.map((p) => p.name.wire));
  const fallback = pathParams.map((p) => p.name.wire);
  const args = Object.fromEntries(LANGUAGES.map((l) => [l, fallback])) as Record<Language, string[]>;
  const rawArgs = op['x-sdk-args'];
  if (Array.isArray(rawArgs)) {
    const list = wireList(rawArgs, known, `${pointer}/x-sdk-args`);
    for (const l of LANGUAGES) args[l] = list;
  } else if (rawArgs !== undefined) {
    if (typeof rawArgs !== 'object' || rawArgs === null)
      throw new SpecModelError('x-sdk-args must be a list or an object by language', `${pointer}/x-sdk-args`);
    const { default: all, ...byLanguage } = rawArgs as Record<string, unknown>;
    if (all !== undefined) {
      const list = wireList(all, known, `${pointer}/x-sdk-args/default`);
      for (const l of LANGUAGES) args[l] = list;
    }
    for (const [lang, list] of Object.entries(byLanguage)) {
      if (!LANGUAGES.includes(lang as Language))
        throw new SpecModelError(`unknown language '${lang}'`, `${pointer}/x-sdk-args`);
      args[lang as Language] = wireList(list, known, `${pointer}/x-sdk-args/${lang}`);
    }
  }
  for (const [lang, list] of Object.entries(args)) {
    const missing = fallback.filter((p) => !list.includes(p));
    if (missing.length)
      throw new SpecModelError(
        `path parameter '${missing[0]}' must stay positional (${lang})`,
        `${pointer}/x-sdk-args`,
      );
  }

  const shorthands = op['x-sdk-shorthands'];
  if (shorthands !== undefined) {
    if (typeof shorthands !== 'object' || shorthands === null)
      throw new SpecModelError('x-sdk-shorthands must be an object', `${pointer}/x-sdk-shorthands`);
    for (const [wire, rule] of Object.entries<Node>(shorthands)) {
      const at = `${pointer}/x-sdk-shorthands/${wire}`;
      const param = params.find((p) => p.name.wire === wire);
      if (!param) throw new SpecModelError(`'${wire}' is not an argument of this operation`, at);
      if (rule?.accepts !== 'string') throw new SpecModelError("accepts must be 'string'", at);
      if (!JSON.stringify(rule.builds ?? null).includes('"{value}"'))
        throw new SpecModelError('builds must contain the string "{value}"', at);
      param.shorthand = { accepts: 'string', builds: rule.builds as JsonValue };
    }
  }

  const shape: SdkShape = {
    args,
    void: op['x-sdk-void'] === undefined ? [] : languageList(op['x-sdk-void'], `${pointer}/x-sdk-void`),
  };
  if (op['x-sdk-cache'] !== undefined)
    shape.cache = cacheRule(op['x-sdk-cache'], known, `${pointer}/x-sdk-cache`);
  return shape;
}

function cacheRule(raw: Node, known: ReadonlySet<string>, pointer: string): CacheRule {
  if (raw?.store) {
    const { key, issued_at: issuedAt, expires_at: expiresAt, opt_out: optOut } = raw.store;
    return {
      kind: 'store',
      key: wireList(key, known, `${pointer}/store/key`),
      ...(issuedAt === undefined ? {} : { issuedAt: wordsName(issuedAt, `${pointer}/store/issued_at`).wire }),
      expiresAt: wordsName(expiresAt, `${pointer}/store/expires_at`).wire,
      optOut: wordsName(optOut, `${pointer}/store/opt_out`),
    };
  }
  if (raw?.evict) {
    const { field, param } = raw.evict;
    wireList([param], known, `${pointer}/evict/param`);
    return { kind: 'evict', field: wordsName(field, `${pointer}/evict/field`).wire, param };
  }
  throw new SpecModelError('x-sdk-cache must have store or evict', pointer);
}

// --- the root `x-sdk` facts --------------------------------------------------------------------

function num(node: Node, key: string, pointer: string): number {
  const v = node?.[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new SpecModelError(`${key} must be a non-negative number`, `${pointer}/${key}`);
  return v;
}

function obj(node: Node, key: string, pointer: string): Node {
  const v = node?.[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new SpecModelError(`${key} must be an object`, `${pointer}/${key}`);
  return v;
}

function strings(v: unknown, pointer: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string' || !s))
    throw new SpecModelError('must be a non-empty list of strings', pointer);
  return v as string[];
}

function status(v: string | number, pointer: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 400 || n > 599)
    throw new SpecModelError(`'${v}' is not an error status`, pointer);
  return n;
}

/** Reads the root `x-sdk` object; `codes` are the ErrorCode values every code must be one of. */
export function specFacts(doc: Node, codes: ReadonlySet<string>): SpecFacts {
  const at = '#/x-sdk';
  const root = obj(doc, 'x-sdk', '#');
  const code = (v: unknown, pointer: string): string => {
    if (typeof v !== 'string' || !codes.has(v))
      throw new SpecModelError(`'${String(v)}' is not an ErrorCode`, pointer);
    return v;
  };

  const d = obj(root, 'defaults', at);
  const dp = `${at}/defaults`;
  const env = obj(d, 'env', dp);
  const retry = obj(d, 'retry', dp);
  const statuses: number[] = [];
  const statusRanges: [number, number][] = [];
  for (const [i, s] of (Array.isArray(retry.statuses) ? retry.statuses : []).entries()) {
    const p = `${dp}/retry/statuses/${i}`;
    const range = /^(\d{3})-(\d{3})$/.exec(String(s));
    if (range) statusRanges.push([Number(range[1]), Number(range[2])]);
    else if (Number.isInteger(s)) statuses.push(s);
    else throw new SpecModelError(`'${s}' is neither a status nor a range like 500-599`, p);
  }
  const breaker = obj(d, 'breaker', dp);
  const telemetry = obj(d, 'telemetry', dp);
  if (typeof d.base_url !== 'string') throw new SpecModelError('base_url must be a string', `${dp}/base_url`);

  const l = obj(root, 'limits', at);
  const lp = `${at}/limits`;
  const id = obj(root, 'identity', at);
  const ip = `${at}/identity`;
  const dpop = obj(id, 'dpop', ip);
  const text = (o: Node, key: string, p: string): string => {
    if (typeof o[key] !== 'string') throw new SpecModelError(`${key} must be a string`, `${p}/${key}`);
    return o[key];
  };
  const e = obj(root, 'errors', at);
  const ep = `${at}/errors`;
  const classes = obj(e, 'classes', ep);
  const cp = `${ep}/classes`;

  return {
    defaults: {
      baseUrl: d.base_url,
      env: {
        baseUrl: strings(env.base_url, `${dp}/env/base_url`),
        apiKey: strings(env.api_key, `${dp}/env/api_key`),
      },
      timeoutMs: num(d, 'timeout_ms', dp),
      maxRetries: num(d, 'max_retries', dp),
      retry: {
        initialDelayMs: num(retry, 'initial_delay_ms', `${dp}/retry`),
        maxDelayMs: num(retry, 'max_delay_ms', `${dp}/retry`),
        maxRetryAfterMs: num(retry, 'max_retry_after_ms', `${dp}/retry`),
        statuses,
        statusRanges,
      },
      breaker: {
        failureThreshold: num(breaker, 'failure_threshold', `${dp}/breaker`),
        windowMs: num(breaker, 'window_ms', `${dp}/breaker`),
        cooldownMs: num(breaker, 'cooldown_ms', `${dp}/breaker`),
      },
      telemetry: {
        batchSize: num(telemetry, 'batch_size', `${dp}/telemetry`),
        capacity: num(telemetry, 'capacity', `${dp}/telemetry`),
        flushIntervalMs: num(telemetry, 'flush_interval_ms', `${dp}/telemetry`),
      },
      services: Object.entries<Node>(d.services ?? {}).map(([name, s]) => {
        const sp = `${dp}/services/${name}`;
        const derive = s?.derive;
        if (derive !== undefined && (typeof derive.from !== 'string' || typeof derive.to !== 'string'))
          throw new SpecModelError('derive needs from and to strings', `${sp}/derive`);
        return {
          name,
          env: strings(s?.env, `${sp}/env`),
          ...(derive ? { derive: { from: derive.from, to: derive.to } } : {}),
        };
      }),
      configFileKeys:
        d.config_file_keys === undefined ? [] : strings(d.config_file_keys, `${dp}/config_file_keys`),
    },
    identity: {
      popMessage: text(id, 'pop_message', ip),
      refreshBeforeMs: num(id, 'refresh_before_ms', ip),
      fallbackTtlMs: num(id, 'fallback_ttl_ms', ip),
      dpop: {
        typ: text(dpop, 'typ', `${ip}/dpop`),
        alg: text(dpop, 'alg', `${ip}/dpop`),
        maxAgeMs: num(dpop, 'max_age_ms', `${ip}/dpop`),
      },
      keychainService: text(id, 'keychain_service', ip),
    },
    limits: {
      toolName: num(l, 'tool_name', lp),
      summary: num(l, 'summary', lp),
      errorType: num(l, 'error_type', lp),
      sessionId: num(l, 'session_id', lp),
      telemetryBatch: num(l, 'telemetry_batch', lp),
    },
    errors: {
      codeByStatus: Object.entries(obj(e, 'code_by_status', ep)).map(([s, c]) => ({
        status: status(s, `${ep}/code_by_status/${s}`),
        code: code(c, `${ep}/code_by_status/${s}`),
      })),
      otherServerCode: code(e.other_server_code, `${ep}/other_server_code`),
      otherCode: code(e.other_code, `${ep}/other_code`),
      classes: {
        byCode: Object.entries(obj(classes, 'by_code', cp)).map(([c, name]) => ({
          code: code(c, `${cp}/by_code/${c}`),
          class: wordsName(name, `${cp}/by_code/${c}`),
        })),
        byStatus: Object.entries(obj(classes, 'by_status', cp)).map(([s, name]) => ({
          status: status(s, `${cp}/by_status/${s}`),
          class: wordsName(name, `${cp}/by_status/${s}`),
        })),
        serverError: wordsName(classes.server_error, `${cp}/server_error`),
      },
    },
  };
}

// Issue 16: property-based decoding. For every operation with an answer, fast-check builds valid
// answers from the spec's own schema, mutates them (a type swapped, null, a required field
// dropped, a number out of range or beyond a double, an enum value of another type, a huge string,
// an extra key such as `__proto__`) and decodes them through the real client. Decoding may only
// refuse with INVALID_RESPONSE, and whatever it accepts must be valid by the spec, checked by ajv
// against openapi.yaml (not by the zod schemas the SDK itself decodes with). The one rule the
// oracle shares with the SDK: an unknown enum or constant value is accepted when it is a string
// (a newer gateway); and an answer is valid in any form the spec allows for it (`x-sdk-unwrap`:
// the envelope or the bare result). What is accepted must also come back as sent: the returned
// value, keys mapped back to the wire, equals the answer's part it was decoded from. Seeded and bounded; `pnpm fuzz` (FAST_CHECK_RUNS=...) runs longer.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toWire } from '../src/core/keys.js';
import { operations } from '../src/generated/operations.js';
import { AgentTrustClient, AgentTrustError } from '../src/index.js';

const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 25);
const SEED = Number(process.env.FAST_CHECK_SEED ?? 16);
// Huge strings make a long run slow; vitest's own 15 s bound is for the default run.
const TIMEOUT = Math.max(15_000, RUNS * 100);
// Megabyte strings only in a long run: each costs milliseconds to encode, parse and check.
const HUGE = RUNS > 100 ? [10_000, 1_000_000] : [10_000, 100_000];

const spec = parse(readFileSync(new URL('../../../spec/openapi.yaml', import.meta.url), 'utf8'));
const components: Record<string, any> = spec.components.schemas;
const resolve = (schema: any): any =>
  schema?.$ref ? resolve(components[schema.$ref.split('/').pop()]) : schema;

// --- the oracle: ajv over the spec, with the newer-value rule --------------------------------

/** Discriminator property names, by the schema names their oneOf maps to. */
const discriminated = new Map<string, string>();
for (const schema of Object.values(components)) {
  if (!schema.discriminator) continue;
  for (const ref of Object.values<string>(schema.discriminator.mapping ?? {}))
    discriminated.set(ref.split('/').pop()!, schema.discriminator.propertyName);
}

/** A copy of a schema where an enum or const of strings takes any string (see the header). */
function relax(schema: any, keep?: string): any {
  if (Array.isArray(schema)) return schema.map((s) => relax(s));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties') {
      out.properties = {};
      for (const [name, sub] of Object.entries<any>(value as object))
        out.properties[name] = name === keep ? sub : relax(sub);
    } else out[key] = relax(value);
  }
  const strings = (values: unknown[]) => values.every((v) => typeof v === 'string' || v === null);
  if (Array.isArray(out.enum) && strings(out.enum)) {
    out.type = out.enum.includes(null) ? ['string', 'null'] : (out.type ?? 'string');
    delete out.enum;
  }
  if (typeof out.const === 'string') delete out.const;
  if (out.oneOf && out.discriminator) {
    // A discriminator value the SDK does not know yet: the object is taken as sent.
    const { propertyName, mapping } = out.discriminator;
    out.oneOf = [
      ...out.oneOf,
      {
        type: 'object',
        required: [propertyName],
        properties: { [propertyName]: { type: 'string', not: { enum: Object.keys(mapping) } } },
      },
    ];
  }
  return out;
}

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
const relaxed: Record<string, unknown> = {};
for (const [name, schema] of Object.entries(components))
  relaxed[name] = relax(schema, discriminated.get(name));
ajv.addSchema({ $id: 'spec', components: { schemas: relaxed } });
const validators = new Map<string, ValidateFunction>();
let lastErrors = '';
function specValid(schema: object, value: unknown): boolean {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    const rewrite = (s: any): any =>
      Array.isArray(s)
        ? s.map(rewrite)
        : typeof s === 'object' && s !== null
          ? Object.fromEntries(
              Object.entries(s).map(([k, v]) => [
                k,
                k === '$ref' ? (v as string).replace('#/', 'spec#/') : rewrite(v),
              ]),
            )
          : s;
    validate = ajv.compile(rewrite(schema));
    validators.set(key, validate);
  }
  const valid = validate(value) as boolean;
  lastErrors = valid ? '' : ajv.errorsText(validate.errors);
  return valid;
}

// --- valid answers from the spec's schemas ---------------------------------------------------

const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

function arbitrary(schema: any, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema) ?? {};
  if (s.oneOf) return fc.oneof(...s.oneOf.map((b: any) => arbitrary(b, depth + 1)));
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => arbitrary({ ...s, type }, depth)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({
        min: s.minimum ?? -1e6,
        max: s.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'string':
      if (s.format === 'date-time') return isoDate;
      return fc.string({
        minLength: s.minLength ?? 0,
        maxLength: Math.max(s.minLength ?? 0, Math.min(s.maxLength ?? 12, 12)),
      });
    case 'array':
      return fc.array(arbitrary(s.items, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, depth > 3 ? 0 : 3)),
      });
    case 'object': {
      const props: Record<string, any> = s.properties ?? {};
      if (Object.keys(props).length === 0) {
        const values =
          typeof s.additionalProperties === 'object'
            ? arbitrary(s.additionalProperties, depth + 1)
            : fc.jsonValue({ maxDepth: 1 });
        return fc.dictionary(fc.string({ maxLength: 6 }), values, { maxKeys: 3 });
      }
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, sub] of Object.entries(props)) shape[name] = arbitrary(sub, depth + 1);
      return fc.record(shape, { requiredKeys: s.required ?? [] });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// --- mutations -------------------------------------------------------------------------------

// JSON numbers a double cannot hold, written into the answer's text as they are.
const RAW = '\u0000raw:';
const rawNumber = (text: string) => `${RAW}${text}`;
const OUT_OF_RANGE = [-1, -0.5, 1.0000001, 2, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 1e21];
const RAW_NUMBERS = ['1e999', '-1e999', '1E400', '123456789012345678901234567890'];
const OTHER_TYPES: unknown[] = [
  0,
  1,
  -1,
  1.5,
  'x',
  '',
  'true',
  '1',
  true,
  false,
  [],
  {},
  ['x'],
  { a: 1 },
  null,
];
const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x'.repeat(1000)];

type Path = (string | number)[];
interface Mutation {
  kind: 'type' | 'null' | 'drop' | 'number' | 'enum' | 'huge' | 'extra' | 'case' | 'camel';
  at: number;
  pick: number;
  value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('type', 'null', 'drop', 'number', 'enum', 'huge', 'extra', 'case', 'camel'),
  at: fc.nat(),
  pick: fc.nat(),
  value: fc.jsonValue({ maxDepth: 2 }),
});

function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) paths(value[i], [...at, i], out);
  else if (typeof value === 'object' && value !== null)
    for (const key of Object.keys(value)) paths((value as any)[key], [...at, key], out);
  return out;
}

const get = (root: unknown, path: Path) => path.reduce<any>((v, k) => v?.[k], root);
/** Sets an own property, `__proto__` included (as JSON.parse would make it). */
const put = (target: any, key: string | number, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

/** Applies `m` to `root` (a fresh copy); returns the new root. */
function mutate(root: unknown, m: Mutation): unknown {
  const all = paths(root);
  const where = (keep: (v: unknown) => boolean) => {
    const some = all.filter((p) => keep(get(root, p)));
    return (some.length ? some : all)[m.at % (some.length || all.length)]!;
  };
  const replace = (path: Path, value: unknown) => {
    if (path.length === 0) return value;
    put(get(root, path.slice(0, -1)), path.at(-1)!, value);
    return root;
  };
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  switch (m.kind) {
    case 'type': {
      const path = where(() => true);
      const now = get(root, path);
      const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
      const others = OTHER_TYPES.filter((v) => kind(v) !== kind(now) && v !== null);
      return replace(path, structuredClone(others[m.pick % others.length]));
    }
    case 'null':
      return replace(
        where(() => true),
        null,
      );
    case 'drop': {
      const path = where(isObj);
      const target = get(root, path);
      const keys = isObj(target) ? Object.keys(target) : [];
      if (keys.length) delete target[keys[m.pick % keys.length]!];
      return root;
    }
    case 'number': {
      const choices = [...OUT_OF_RANGE, ...RAW_NUMBERS.map(rawNumber)];
      return replace(
        where((v) => typeof v === 'number'),
        choices[m.pick % choices.length],
      );
    }
    case 'enum': {
      const choices = [42, null, true, {}, [], 'newer_value', 0];
      return replace(
        where((v) => typeof v === 'string'),
        structuredClone(choices[m.pick % choices.length]),
      );
    }
    case 'huge': {
      const size = HUGE[m.pick % HUGE.length]!;
      return replace(
        where((v) => typeof v === 'string'),
        'x'.repeat(size),
      );
    }
    case 'extra': {
      const target = get(root, where(isObj));
      if (isObj(target)) put(target, EXTRA_KEYS[m.pick % EXTRA_KEYS.length]!, m.value);
      return root;
    }
    case 'case': {
      // A case variant of an existing key (`Allowed` next to `allowed`): JSON keeps both.
      const target = get(root, where(isObj));
      const keys = isObj(target) ? Object.keys(target) : [];
      if (keys.length) {
        const key = keys[m.pick % keys.length]!;
        put(target, key.toUpperCase() === key ? key.toLowerCase() : key.toUpperCase(), m.value);
      }
      return root;
    }
    case 'camel': {
      // The SDK's own name of a snake_case field (`elevationRequired` next to
      // `elevation_required`), or of one the answer left out.
      const target = get(root, where(isObj));
      const keys = isObj(target) ? Object.keys(target).filter((k) => k.includes('_')) : [];
      const key = keys.length ? keys[m.pick % keys.length]! : 'approval_id';
      if (isObj(target))
        put(
          target,
          key.replace(/_([a-z0-9])/g, (_x, c: string) => c.toUpperCase()),
          m.value,
        );
      return root;
    }
  }
}

const toText = (value: unknown) =>
  JSON.stringify(value).replace(/"\\u0000raw:([^"]*)"/g, (_m, text: string) => text);

// --- decoding through the real client --------------------------------------------------------

type Op = (typeof operations)[keyof typeof operations] & Record<string, any>;

/** The forms an operation's answer may take, each with the spec schema the SDK checks it against. */
function forms(op: Op): { name: string; schema: object; wrap: (v: unknown) => unknown }[] {
  const item = { $ref: `#/components/schemas/${op.response}` };
  const bare = op.list ? { type: 'array', items: item } : item;
  const rpc = op.rpc?.method !== undefined;
  const wrap = (v: unknown) => (rpc ? { jsonrpc: '2.0', id: '1', result: v } : v);
  const out = [{ name: op.list ? 'array' : 'bare', schema: bare, wrap }];
  if (op.unwrap)
    out.push({ name: 'envelope', schema: { $ref: `#/components/schemas/${op.envelope}` }, wrap });
  return out;
}

let answer = '';
const client = new AgentTrustClient({
  baseUrl: 'http://gateway.test',
  apiKey: 'atk_live_fuzz',
  logLevel: 'off',
  maxRetries: 0,
  tokenCache: false,
  fetch: async () => new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } }),
});
const resource = client.agents as unknown as {
  _request(
    op: Op,
    path: unknown[],
    query: undefined,
    body: object | undefined,
    options: undefined,
  ): Promise<unknown>;
};

let returned: unknown;
/** Decodes `text` as `op`'s answer: 'accepted' (the value in `returned`), 'refused' (INVALID_RESPONSE), or the other error. */
async function decode(op: Op, text: string): Promise<'accepted' | 'refused' | AgentTrustError | unknown> {
  answer = text;
  try {
    returned = await resource._request(
      op,
      (op.pathParams ?? []).map(() => 'id_1'),
      undefined,
      op.body ? {} : undefined,
      undefined,
    );
    return 'accepted';
  } catch (error) {
    if (error instanceof AgentTrustError && error.code === 'INVALID_RESPONSE') return 'refused';
    return error;
  }
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The part of an accepted answer (as parsed) that the method returns, with the SDK's keys. */
function returnedPart(op: Op, seen: unknown): unknown {
  if (op.void) return undefined;
  if (op.rpc && op.rpc.method === undefined)
    return isPlain(seen) && seen.error == null && 'result' in seen ? seen.result : seen;
  if (op.unwrap && isPlain(seen) && op.unwrap in seen) return seen[op.unwrap];
  return seen;
}

/**
 * JSON with sorted keys (own `__proto__` keys included), for comparing two decoded values; an
 * object whose prototype an answer replaced is marked.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlain(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}${Object.getPrototypeOf(value) === Object.prototype ? '' : '!proto'}`;
  return JSON.stringify(value) ?? 'undefined';
}

/** What `decode` returned, its keys mapped back to the wire. */
const returnedOnWire = (op: Op) =>
  op.rpc && op.rpc.method === undefined ? returned : toWire(returned, op.responseShape);

type Shape = Record<string, string | readonly [string, unknown]>;
/**
 * `value` less the keys the SDK drops: an unknown key that is the SDK's name of a known field
 * (`elevationRequired` next to `elevation_required`) never replaces that field (keys.ts).
 */
function withoutAliases(value: unknown, shape: Shape | undefined): unknown {
  if (!shape) return value;
  if (Array.isArray(value)) return value.map((item) => withoutAliases(item, shape));
  if (!isPlain(value)) return value;
  const names = new Set(Object.values(shape).map((e) => (typeof e === 'string' ? e : e[0])));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const entry = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (entry === undefined && names.has(key)) continue;
    const item =
      entry === undefined || typeof entry === 'string' || entry[1] === 0
        ? value[key]
        : withoutAliases(value[key], entry[1] as Shape);
    Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** What `op` must return for an accepted answer `seen`, on the wire. */
const expected = (op: Op, seen: unknown) =>
  op.rpc && op.rpc.method === undefined
    ? returnedPart(op, seen)
    : withoutAliases(returnedPart(op, seen), op.responseShape as Shape | undefined);

const totals = {
  cases: 0,
  accepted: 0,
  refused: 0,
  typedErrors: 0,
  crashes: 0,
  invalidAccepted: 0,
  changed: 0,
};
const withAnswers = Object.entries(operations as Record<string, Op>).filter(([, op]) => op.response);

afterAll(() => {
  console.log(
    `decode fuzz (seed ${SEED}, ${RUNS} runs per operation and form, ${withAnswers.length} operations): ` +
      `${totals.cases} mutated answers, ${totals.accepted} accepted, ${totals.refused} refused ` +
      `as INVALID_RESPONSE, ${totals.typedErrors} other typed errors, ${totals.crashes} crashes, ` +
      `${totals.invalidAccepted} spec-invalid accepted, ${totals.changed} returned other than sent`,
  );
});

describe('decoding mutated answers (fast-check, ajv over the spec)', () => {
  for (const [name, op] of withAnswers) {
    for (const form of forms(op)) {
      it(
        `${name} (${form.name}): a valid answer decodes`,
        async () => {
          await fc.assert(
            fc.asyncProperty(arbitrary(form.schema), async (value) => {
              expect(specValid(form.schema, value)).toBe(true);
              const outcome = await decode(op, toText(form.wrap(value)));
              const sent = JSON.parse(toText(value));
              // A proxied JSON-RPC error member may be raised as the typed error it names.
              if (op.rpc?.onError === 'raise' && isPlain(sent) && sent.error != null) {
                expect(outcome).toBeInstanceOf(AgentTrustError);
                return;
              }
              expect(outcome).toBe('accepted');
              expect(canonical(returnedOnWire(op))).toBe(canonical(expected(op, sent)));
            }),
            { seed: SEED, numRuns: Math.max(5, Math.round(RUNS / 4)) },
          );
        },
        TIMEOUT,
      );

      it(
        `${name} (${form.name}): a mutated answer is refused, or spec-valid`,
        async () => {
          await fc.assert(
            fc.asyncProperty(
              arbitrary(form.schema),
              fc.array(mutation, { minLength: 1, maxLength: 3 }),
              async (value, mutations) => {
                let mutated = structuredClone(value);
                for (const m of mutations) mutated = mutate(mutated, m);
                const text = toText(form.wrap(mutated));
                const seen = JSON.parse(toText(mutated));
                const outcome = await decode(op, text);
                totals.cases++;
                if (outcome === 'refused') {
                  totals.refused++;
                  return;
                }
                if (outcome !== 'accepted' && !(outcome instanceof AgentTrustError)) {
                  totals.crashes++;
                  throw new Error(`decoding threw ${String(outcome)} for ${text.slice(0, 300)}`);
                }
                if (outcome === 'accepted') {
                  totals.accepted++;
                  const back = returnedOnWire(op);
                  const want = expected(op, seen);
                  if (canonical(back) !== canonical(want)) {
                    totals.changed++;
                    throw new Error(
                      `returned ${canonical(back).slice(0, 300)} for ${canonical(want).slice(0, 300)} (answer ${text.slice(0, 300)})`,
                    );
                  }
                } else totals.typedErrors++;
                // x-sdk-unwrap: the envelope or the bare result, whichever the gateway sent.
                if (!forms(op).some((f) => specValid(f.schema, seen))) {
                  totals.invalidAccepted++;
                  throw new Error(`accepted a spec-invalid answer: ${text.slice(0, 300)} (${lastErrors})`);
                }
              },
            ),
            { seed: SEED, numRuns: RUNS },
          );
        },
        TIMEOUT,
      );
    }
  }
});

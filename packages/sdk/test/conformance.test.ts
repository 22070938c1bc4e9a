// The TypeScript runner of the language-neutral scenarios in spec/conformance/ (see its README):
// it reads every scenario file and drives the real SDK against the mock gateway CLI over HTTP,
// then writes spec/conformance/results/typescript.json for `pnpm conformance`. Nothing here
// knows a particular scenario. Owned by the generators/conformance issue, not the SDK's.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
// The generators' language-neutral model: which arguments are path parameters, and the
// operationId behind each `<tag>.<x-sdk-method>` name, from the spec itself.
import { type ApiModel, modelFromFile, type Operation } from '../../../generators/src/model/index';
import { fromWire, toWire } from '../src/core/keys.js';
import { operations as wireOps } from '../src/generated/operations.js';
import type { Shape } from '../src/generated/wire.js';
import { AgentTrustClient, AgentTrustError, AgentTrustGuard } from '../src/index.js';

const ROOT = new URL('../../../', import.meta.url);
const SCENARIOS = new URL('spec/conformance/scenarios/', ROOT);
const RESULTS = new URL('spec/conformance/results/', ROOT);
const MOCK_CLI = fileURLToPath(new URL('packages/mock-gateway/dist/cli.js', ROOT));
const API_KEY = 'sk_test_agenttrust';
const MISSING = Symbol('missing');
const REF = /\$\{([^}]+)\}/g;

type Json = any;
type Step = Record<string, any>;
interface Scenario {
  id: string;
  category: string;
  client?: ClientSettings;
  skip?: Record<string, string>;
  steps: Step[];
}
interface ClientSettings {
  api_key?: string | null;
  max_retries?: number;
  timeout_ms?: number;
}
interface Result {
  id: string;
  status: 'pass' | 'fail' | 'skip';
  duration_ms: number;
  message?: string;
}

class StepFailed extends Error {}

const files = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.json'))
  .sort();
const results: Result[] = [];
let model: ApiModel;
let mock: ChildProcess;
let baseUrl: string;

beforeAll(async () => {
  model = await modelFromFile(fileURLToPath(new URL('spec/openapi.yaml', ROOT)));
  mock = spawn(process.execPath, [MOCK_CLI, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: mock.stdout! });
  baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the mock gateway did not print its URL')), 20_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    mock.once('exit', (code) => reject(new Error(`the mock gateway exited (${code})`)));
  });
  // Keep reading its per-request log so the pipe never fills.
  lines.on('line', () => {});
}, 30_000);

afterAll(() => {
  mock?.kill('SIGTERM');
  mkdirSync(RESULTS, { recursive: true });
  const report = {
    language: 'typescript',
    generated_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    scenarios: [...results].sort((a, b) => a.id.localeCompare(b.id)),
  };
  writeFileSync(new URL('typescript.json', RESULTS), `${JSON.stringify(report, null, 2)}\n`);
});

describe('conformance', () => {
  for (const file of files) {
    const scenario: Scenario = JSON.parse(readFileSync(new URL(file, SCENARIOS), 'utf8'));
    it(scenario.id, async (ctx) => {
      const started = Date.now();
      const skip = scenario.skip?.typescript;
      if (skip) {
        results.push({ id: scenario.id, status: 'skip', duration_ms: 0, message: skip });
        ctx.skip();
        return;
      }
      try {
        await new Runner(scenario).run();
        results.push({ id: scenario.id, status: 'pass', duration_ms: Date.now() - started });
      } catch (error) {
        const message = String((error as Error).message ?? error).slice(0, 2000);
        results.push({ id: scenario.id, status: 'fail', duration_ms: Date.now() - started, message });
        throw error;
      }
    }, 60_000);
  }
});

// --- admin API of the mock -----------------------------------------------------------------------

async function admin(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new StepFailed(`mock ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

async function reset(): Promise<void> {
  await admin('POST', '/__mock/reset');
  await admin('DELETE', '/__mock/faults');
  await admin('DELETE', '/__mock/requests');
}

// --- values, paths, matchers ---------------------------------------------------------------------

function getPath(value: Json, path: string): Json {
  if (path === '') return value;
  let at: Json = value;
  for (const part of path.split('.')) {
    if (Array.isArray(at) && /^\d+$/.test(part) && Number(part) < at.length) at = at[Number(part)];
    else if (at !== null && typeof at === 'object' && !Array.isArray(at) && Object.hasOwn(at, part))
      at = at[part];
    else return MISSING;
  }
  return at;
}

function interpolate(value: Json, saved: Record<string, Json>): Json {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(value);
    if (whole) return lookup(whole[1]!, saved);
    return value.replace(REF, (_, ref: string) => {
      const found = lookup(ref, saved);
      return typeof found === 'string' ? found : JSON.stringify(found);
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, saved));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, saved)]));
  }
  return value;
}

function lookup(ref: string, saved: Record<string, Json>): Json {
  const [name, ...rest] = ref.split('.');
  if (!(name! in saved)) throw new StepFailed(`\${${ref}}: nothing was saved as ${name}`);
  const found = getPath(saved[name!], rest.join('.'));
  if (found === MISSING) throw new StepFailed(`\${${ref}}: no such path in the saved value`);
  return found;
}

function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function equal(a: Json, b: Json): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return equal(ka, kb) && ka.every((k) => equal(a[k], b[k]));
  }
  return a === b;
}

const codePoints = (s: string) => [...s].length;
const show = (v: Json) => (v === MISSING ? '<missing>' : JSON.stringify(v));

function match(actual: Json, expected: Json, where: string): string[] {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const keys = Object.keys(expected);
    if (keys.length === 1 && keys[0]!.startsWith('$'))
      return matcher(actual, keys[0]!, expected[keys[0]!], where);
  }
  if (expected === null)
    return actual === null || actual === MISSING ? [] : [`${where}: expected null, got ${show(actual)}`];
  if (actual === MISSING) return [`${where}: missing (expected ${show(expected)})`];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return [`${where}: expected ${show(expected)}, got ${show(actual)}`];
    return expected.flatMap((e, i) => match(actual[i], e, `${where}.${i}`));
  }
  if (typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return [`${where}: expected an object, got ${show(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) =>
      match(Object.hasOwn(actual, k) ? actual[k] : MISSING, v, `${where}.${k}`),
    );
  }
  return equal(actual, expected) ? [] : [`${where}: expected ${show(expected)}, got ${show(actual)}`];
}

function matcher(actual: Json, op: string, arg: Json, where: string): string[] {
  let ok: boolean;
  const absent = actual === MISSING || actual === null;
  if (op === '$absent') ok = absent === Boolean(arg);
  else if (op === '$present') ok = !absent === Boolean(arg);
  else if (actual === MISSING) return [`${where}: missing (expected ${op} ${show(arg)})`];
  else if (op === '$type')
    ok = jsonType(actual) === arg || (arg === 'number' && jsonType(actual) === 'integer');
  else if (op === '$len')
    ok =
      typeof actual === 'string'
        ? codePoints(actual) === arg
        : Array.isArray(actual)
          ? actual.length === arg
          : actual !== null && typeof actual === 'object' && Object.keys(actual).length === arg;
  else if (op === '$gte') ok = typeof actual === 'number' && actual >= arg;
  else if (op === '$lte') ok = typeof actual === 'number' && actual <= arg;
  else if (op === '$contains')
    ok =
      typeof actual === 'string'
        ? actual.includes(arg)
        : Array.isArray(actual) && actual.some((x) => equal(x, arg));
  else if (op === '$matches') ok = typeof actual === 'string' && new RegExp(arg).test(actual);
  else if (op === '$ne') ok = !equal(actual, arg);
  else return [`${where}: unknown matcher ${op}`];
  return ok ? [] : [`${where}: ${show(actual)} fails ${op} ${show(arg)}`];
}

// --- wire <-> SDK ------------------------------------------------------------------------------

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const snakeKey = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The SDK's camelCase result back in wire form, by the operation's response shape. */
function resultToWire(opId: string | undefined, value: Json): Json {
  if (value === undefined) return null;
  const shape = opId
    ? (wireOps as Record<string, { responseShape?: Shape }>)[opId]?.responseShape
    : undefined;
  return JSON.parse(JSON.stringify(shape ? toWire(value, shape) : value));
}

function errorToWire(error: AgentTrustError): Json {
  const details: Record<string, Json> = {};
  for (const [k, v] of Object.entries(error.details ?? {})) details[snakeKey(k)] = v;
  return {
    code: error.code,
    message: error.message,
    status: error.status ?? null,
    details,
    request_id: error.requestId ?? null,
  };
}

/** Calls `client.<resource>.<method>` with wire-named args, in the TS SDK's call shape. */
function callSdk(client: AgentTrustClient, op: Operation, args: Record<string, Json>): Promise<unknown> {
  const resource = (client as any)[op.resource];
  const fn = resource?.[op.name.wire]?.bind(resource);
  if (!fn) throw new StepFailed(`the SDK has no ${op.resource}.${op.name.wire}`);
  const meta = (wireOps as Record<string, { body?: Shape }>)[op.id];
  // Positional arguments as the spec gives them (`x-sdk-args`), the rest as one object.
  const positional = op.sdk.args.typescript;
  const rest: Record<string, Json> = {};
  for (const [k, v] of Object.entries(args)) if (!positional.includes(k)) rest[k] = v;
  const body = meta?.body
    ? fromWire(rest, meta.body)
    : Object.fromEntries(Object.entries(rest).map(([k, v]) => [camel(k), v]));
  const takesObject = op.params.some((p) => !positional.includes(p.name.wire));
  const values = positional.map((w) => args[w]);
  return takesObject ? fn(...values, body) : fn(...values);
}

// --- the runner ----------------------------------------------------------------------------------

class Runner {
  private readonly saved: Record<string, Json> = {};
  private readonly clients = new Map<string, AgentTrustClient>();
  private readonly defaults: ClientSettings;
  private guard: AgentTrustGuard | undefined;
  private readonly errors: AgentTrustError[] = [];

  constructor(private readonly scenario: Scenario) {
    this.defaults = { api_key: API_KEY, ...scenario.client };
  }

  client(overrides?: ClientSettings): AgentTrustClient {
    const settings = { ...this.defaults, ...overrides };
    const key = JSON.stringify(settings);
    let client = this.clients.get(key);
    if (!client) {
      client = new AgentTrustClient({
        baseUrl,
        apiKey: settings.api_key ?? undefined,
        ...(settings.max_retries !== undefined ? { maxRetries: settings.max_retries } : {}),
        ...(settings.timeout_ms !== undefined ? { timeout: settings.timeout_ms } : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  async run(): Promise<void> {
    await reset();
    try {
      for (const [index, step] of this.scenario.steps.entries()) {
        for (let n = 0; n < (step.repeat ?? 1); n++) {
          try {
            await this.step(step);
          } catch (error) {
            const kind = ['call', 'guard', 'mock'].find((k) => k in step);
            throw new StepFailed(
              `step ${index} (${kind} ${kind ? step[kind] : '?'}): ${(error as Error).message}`,
            );
          }
        }
      }
      for (const error of this.errors) {
        const text = [
          String(error),
          error.message,
          JSON.stringify(error.details ?? {}),
          JSON.stringify(error),
        ].join(' ');
        if (text.includes(API_KEY)) throw new StepFailed(`the API key appears in an error: ${error.name}`);
      }
    } finally {
      await this.guard?.close(5_000);
    }
  }

  async step(raw: Step): Promise<void> {
    const step: Step = {};
    for (const [k, v] of Object.entries(raw))
      step[k] = k === 'expect' || k === 'save' ? v : interpolate(v, this.saved);
    const started = performance.now();
    let result: Json;
    let error: AgentTrustError | undefined;
    try {
      result = await this.execute(step);
    } catch (e) {
      if (!AgentTrustError.isInstance(e)) throw e;
      error = e;
      this.errors.push(e);
    }
    const elapsed = performance.now() - started;
    const expectedError = raw.expect?.error;
    if (error && !expectedError)
      throw new StepFailed(`unexpected ${error.name} [${error.code}]: ${error.message}`);
    if (!error && expectedError)
      throw new StepFailed(`expected error ${expectedError.code}, got ${show(result)}`);
    const value = error ? errorToWire(error) : result;
    if (raw.save) this.saved[raw.save] = value;
    const expect = interpolate(raw.expect ?? {}, this.saved);
    const problems: string[] = [];
    if (error) {
      const e = expect.error;
      problems.push(...match(value.code, e.code, 'error.code'));
      if ('status' in e) problems.push(...match(value.status, e.status, 'error.status'));
      if (e.details) problems.push(...match(value.details, e.details, 'error.details'));
      if (e.message_contains && !value.message.includes(e.message_contains))
        problems.push(`error.message ${show(value.message)} lacks ${show(e.message_contains)}`);
    }
    for (const [path, expected] of Object.entries(expect.fields ?? {}))
      problems.push(...match(getPath(value, path), expected, path || '(result)'));
    if (expect.count !== undefined) problems.push(...match(value, { $len: expect.count }, '(result)'));
    if (expect.elapsed_ms) problems.push(...match(elapsed, expect.elapsed_ms, 'elapsed_ms'));
    if (problems.length) throw new StepFailed(problems.join('; '));
  }

  async execute(step: Step): Promise<Json> {
    if (step.call) {
      const op = model.operations.find((o) => `${o.resource}.${o.name.wire}` === step.call);
      if (!op) throw new StepFailed(`the spec has no ${step.call}`);
      const out = await callSdk(this.client(step.client), op, step.args ?? {});
      return resultToWire(op.id, out);
    }
    if (step.guard) return this.guardStep(step);
    return this.mockStep(step);
  }

  async guardStep(step: Step): Promise<Json> {
    if (step.guard === 'create') {
      await this.guard?.close(5_000);
      const o = step.options ?? {};
      this.guard = new AgentTrustGuard(this.client(), step.agent_id, {
        ...(o.session_id !== undefined ? { sessionId: o.session_id } : {}),
        ...(o.block_on_deny !== undefined ? { blockOnDeny: o.block_on_deny } : {}),
        ...(o.fail_open !== undefined ? { failOpen: o.fail_open } : {}),
        ...(o.log_inputs !== undefined ? { logInputs: o.log_inputs } : {}),
      });
      return null;
    }
    const guard = this.guard;
    if (!guard) throw new StepFailed('no guard: a `guard: create` step must come first');
    switch (step.guard) {
      case 'check': {
        const decision = await guard.check(step.tool, step.input_summary, step.action_effect);
        const { cause: _cause, ...rest } = decision as unknown as Record<string, unknown>;
        return resultToWire('checkAction', rest);
      }
      case 'report':
        guard.report(step.tool, step.success, step.duration_ms, step.error_type);
        return null;
      case 'flush':
        return guard.flush(30_000);
      case 'close':
        return guard.close(30_000);
      default:
        throw new StepFailed(`unknown guard step ${step.guard}`);
    }
  }

  async mockStep(step: Step): Promise<Json> {
    switch (step.mock) {
      case 'reset':
        return admin('POST', '/__mock/reset');
      case 'advance_clock':
        return admin('POST', '/__mock/clock', { advance_ms: step.ms });
      case 'fault':
        return admin('POST', '/__mock/faults', step.fault);
      case 'clear_faults':
        return admin('DELETE', '/__mock/faults');
      case 'clear_requests':
        return admin('DELETE', '/__mock/requests');
      case 'requests': {
        const all: Json[] = await admin('GET', '/__mock/requests');
        return step.operation ? all.filter((r) => r.operation_id === step.operation) : all;
      }
      default:
        throw new StepFailed(`unknown mock step ${step.mock}`);
    }
  }
}

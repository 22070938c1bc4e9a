// The conformance runner (spec/conformance/README.md): starts the mock gateway once, starts each
// language's driver (drivers.json), runs every vector and scenario through it one request at a
// time over stdio, and does everything a scenario asks for itself: resets, interpolation,
// matching, mock admin steps, the API-key leak check, results/<language>.json and the grid.
// Nothing here knows a particular scenario or SDK.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { equal, getPath, interpolate, type Json, match, StepFailed, show } from './match.ts';
import { type Prism, startPrism } from './prism.ts';
import { loadWireChecks, runWireCheck, type WireCheck } from './wire.ts';

const ROOT = new URL('../../../', import.meta.url);
const DIR = new URL('../', import.meta.url);
const MOCK_CLI = fileURLToPath(new URL('packages/mock-gateway/dist/cli.js', ROOT));
const API_KEY = 'sk_test_agenttrust';
const LANGUAGE_ORDER = ['typescript', 'python', 'go', 'java', 'rust'];
/** Longest a driver may take to answer one request (a step's own timeouts are far shorter). */
const ANSWER_TIMEOUT_MS = 90_000;

type Step = Record<string, any>;
interface Scenario {
  id: string;
  category: string;
  client?: Record<string, Json>;
  skip?: Record<string, string>;
  steps: Step[];
}
interface VectorFile {
  kind: 'digest' | 'truncate' | 'status' | 'roundtrip';
  cases: Record<string, any>[];
}
interface Result {
  id: string;
  status: 'pass' | 'fail' | 'skip';
  duration_ms: number;
  message?: string;
  /** Wire checks: which official variant matched, when it was not the fixture's own form. */
  note?: string;
}
interface Answer {
  ok: boolean;
  result?: Json;
  error?: {
    code: string;
    message: string;
    status: number | null;
    details: Json;
    request_id: Json;
    text: string;
  };
  crash?: string;
}

const readJson = (url: URL) => JSON.parse(readFileSync(url, 'utf8'));
const jsonFiles = (sub: string) =>
  readdirSync(new URL(sub, DIR))
    .filter((f) => f.endsWith('.json'))
    .sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- processes -----------------------------------------------------------------------------------

/** Starts the mock gateway CLI; resolves with its base URL (its first stdout line). */
async function startMock(): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [MOCK_CLI, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the mock gateway did not print its URL')), 20_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    proc.once('exit', (code) => reject(new Error(`the mock gateway exited (${code}); run pnpm build first`)));
  });
  lines.on('line', () => {}); // keep draining its request log
  return { url, proc };
}

/** One driver process: one JSON request per stdin line, one answer per stdout line, in order. */
class Driver {
  private proc!: ChildProcess;
  private nextId = 1;
  private waiting = new Map<number, (answer: Answer) => void>();
  private stderr: string[] = [];
  private exited: string | undefined;

  constructor(
    readonly language: string,
    private readonly spec: { cwd: string; command: string[] },
    private readonly mockUrl: string,
  ) {
    this.start();
  }

  private start(): void {
    const [cmd, ...args] = this.spec.command;
    this.exited = undefined;
    this.proc = spawn(cmd!, args, {
      cwd: fileURLToPath(new URL(this.spec.cwd, ROOT)),
      env: { ...process.env, AGENTTRUST_MOCK_URL: this.mockUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => this.onLine(line));
    createInterface({ input: this.proc.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > 40) this.stderr.shift();
      if (process.env.CONFORMANCE_VERBOSE) console.error(`[${this.language}] ${line}`);
    });
    this.proc.on('error', (e) => this.fail(`cannot start ${cmd}: ${e.message}`));
    this.proc.on('exit', (code, signal) => this.fail(`the driver exited (${code ?? signal})`));
  }

  private fail(why: string): void {
    this.exited = `${why}${this.stderr.length ? `; its stderr ends:\n${this.stderr.slice(-15).join('\n')}` : ''}`;
    for (const resolve of this.waiting.values()) resolve({ ok: false, crash: this.exited });
    this.waiting.clear();
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let answer: Answer & { id?: number };
    try {
      answer = JSON.parse(line);
    } catch {
      this.stderr.push(`(stdout, not JSON) ${line}`);
      return;
    }
    const resolve = this.waiting.get(answer.id!);
    this.waiting.delete(answer.id!);
    resolve?.(answer);
  }

  /** Sends one request. `raw` values (JSON text) are spliced in verbatim, so `1.0` stays `1.0`. */
  request(body: Record<string, Json>, raw: Record<string, string> = {}): Promise<Answer> {
    if (this.exited) return Promise.resolve({ ok: false, crash: this.exited });
    const id = this.nextId++;
    let line = JSON.stringify({
      id,
      ...body,
      ...Object.fromEntries(Object.keys(raw).map((k) => [k, `\0${k}`])),
    });
    for (const [k, text] of Object.entries(raw)) line = line.replace(JSON.stringify(`\0${k}`), () => text);
    return new Promise<Answer>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ ok: false, crash: `no answer within ${ANSWER_TIMEOUT_MS} ms` });
        this.restart();
      }, ANSWER_TIMEOUT_MS);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.proc.stdin!.write(`${line}\n`);
    });
  }

  /** After a crash or a hang: a fresh process for the next scenario. */
  restart(): void {
    if (!this.exited) this.proc.removeAllListeners('exit').kill('SIGKILL');
    this.waiting.clear();
    this.stderr = [];
    this.start();
  }

  get broken(): boolean {
    return this.exited !== undefined;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.exited) return resolve();
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
      this.proc.removeAllListeners('exit').once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.proc.stdin!.end();
    });
  }
}

// --- the mock's admin API and raw HTTP --------------------------------------------------------------

class Mock {
  /** `url`: the mock itself (admin and raw calls); `sdkUrl`: where SDKs send (Prism with `--prism`). */
  constructor(
    readonly url: string,
    readonly sdkUrl: string = url,
  ) {}

  async http(
    method: string,
    path: string,
    body?: Json,
    apiKey?: string | null,
    extra: Record<string, string> = {},
  ): Promise<{ status: number; body: Json }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    // The gateway's org key header (spec securitySchemes); never Authorization.
    if (apiKey) headers['x-api-key'] = apiKey;
    // A step's own headers (`Authorization` and `DPoP` from an identity `headers` step) win.
    for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: Json = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed };
  }

  async admin(method: string, path: string, body?: Json): Promise<Json> {
    const r = await this.http(method, `/__mock${path}`, body);
    if (r.status >= 300) throw new StepFailed(`mock ${method} ${path}: HTTP ${r.status} ${show(r.body)}`);
    return r.body;
  }

  async reset(): Promise<void> {
    await this.admin('POST', '/reset');
    await this.admin('DELETE', '/faults');
    await this.admin('DELETE', '/requests');
  }
}

// --- one scenario ---------------------------------------------------------------------------------

class ScenarioRun {
  private readonly saved: Record<string, Json> = {};
  private readonly errors: NonNullable<Answer['error']>[] = [];
  private readonly background: Promise<string | null>[] = [];
  private readonly defaults: Record<string, Json>;
  /** Tokens and DPoP proofs identity steps returned: no error may contain them. */
  private readonly identitySecrets = new Set<string>();

  constructor(
    private readonly scenario: Scenario,
    private readonly driver: Driver,
    private readonly mock: Mock,
    private readonly prism: Prism | null = null,
  ) {
    this.defaults = { base_url: mock.sdkUrl, api_key: API_KEY, ...scenario.client };
    // Predefined: where `mock http` steps go, so a step can name the URL a DPoP proof binds.
    this.saved.mock_url = mock.url;
  }

  async run(): Promise<void> {
    await this.mock.reset();
    try {
      for (const [index, step] of this.scenario.steps.entries()) {
        for (let n = 0; n < (step.repeat ?? 1); n++) {
          try {
            await this.step(step);
          } catch (error) {
            if (!(error instanceof StepFailed)) throw error;
            throw new StepFailed(`step ${index} (${describe(step)}): ${error.message}`);
          }
        }
      }
      for (const failure of await Promise.all(this.background)) if (failure) throw new StepFailed(failure);
      for (const e of this.errors) {
        const text = [e.message, e.text, JSON.stringify(e.details ?? null), JSON.stringify(e)].join(' ');
        if (text.includes(API_KEY))
          throw new StepFailed(`the API key appears in an error: ${e.code} ${e.text}`);
        if (text.includes('PRIVATE KEY'))
          throw new StepFailed(`a private key appears in an error: ${e.code}`);
        for (const secret of this.identitySecrets)
          if (text.includes(secret))
            throw new StepFailed(`a WIMSE token or DPoP proof appears in an error: ${e.code}`);
      }
    } finally {
      await Promise.allSettled(this.background);
      // Closes the scenario's guard and clients; a driver that cannot is restarted.
      const answer = await this.driver.request({ op: 'reset' });
      if (!answer.ok) this.driver.restart();
    }
  }

  private async step(raw: Step): Promise<void> {
    const step: Step = {};
    for (const [k, v] of Object.entries(raw))
      step[k] = k === 'expect' || k === 'save' || k === 'input_json' ? v : interpolate(v, this.saved);
    // A step expecting the gateway to refuse its request as malformed (400) or unauthenticated
    // (401) sends a request that breaks the spec on purpose.
    const breaksSpec = [400, 401].includes(raw.expect?.error?.status);
    if (breaksSpec) this.prism?.expectInvalidRequests(true);
    const started = performance.now();
    const answer = await this.execute(step);
    const elapsed = performance.now() - started;
    if (breaksSpec) {
      await this.prism?.settle();
      this.prism?.expectInvalidRequests(false);
    }
    if (answer.crash !== undefined) throw new StepFailed(`the driver failed: ${answer.crash}`);
    const error = answer.ok ? undefined : answer.error;
    if (!answer.ok && !error) throw new StepFailed(`the driver answered neither result nor error`);
    if (error) this.errors.push(error);
    const expectedError = raw.expect?.error;
    if (error && !expectedError)
      throw new StepFailed(`unexpected error ${error.code}: ${error.text || error.message}`);
    if (!error && expectedError)
      throw new StepFailed(`expected error ${expectedError.code}, got ${show(answer.result)}`);
    const value: Json = error
      ? {
          code: error.code,
          message: error.message,
          status: error.status ?? null,
          details: error.details ?? {},
          request_id: error.request_id ?? null,
        }
      : (answer.result ?? null);
    if (raw.identity && !error) this.rememberSecrets(value);
    if (raw.save) this.saved[raw.save] = value;
    const expect = interpolate(raw.expect ?? {}, this.saved);
    const problems: string[] = [];
    if (error) {
      const e = expect.error;
      problems.push(...match(value.code, e.code, 'error.code'));
      if ('status' in e) problems.push(...match(value.status, e.status, 'error.status'));
      if (e.details) problems.push(...match(value.details, e.details, 'error.details'));
      if (e.message_contains && !String(value.message).includes(e.message_contains))
        problems.push(`error.message ${show(value.message)} lacks ${show(e.message_contains)}`);
    }
    for (const [path, expected] of Object.entries(expect.fields ?? {}))
      problems.push(...match(getPath(value, path), expected, path || '(result)'));
    if (expect.count !== undefined) problems.push(...match(value, { $len: expect.count }, '(result)'));
    if (expect.elapsed_ms) problems.push(...match(elapsed, expect.elapsed_ms, 'elapsed_ms'));
    if (problems.length) throw new StepFailed(problems.join('; '));
  }

  /** The token of `issue_with_proof`, the bearer and proof of `headers`. */
  private rememberSecrets(result: Json): void {
    if (result === null || typeof result !== 'object') return;
    const bearer =
      typeof result.authorization === 'string' ? result.authorization.replace(/^\S+\s+/, '') : null;
    for (const value of [result.token, result.dpop, bearer])
      if (typeof value === 'string' && value.length >= 16) this.identitySecrets.add(value);
  }

  private client(overrides?: Record<string, Json>): Record<string, Json> {
    return { ...this.defaults, ...overrides };
  }

  private async execute(step: Step): Promise<Answer> {
    if (step.call) {
      return this.driver.request({
        op: 'call',
        client: this.client(step.client),
        call: step.call,
        args: step.args ?? {},
      });
    }
    if (step.identity) {
      const { identity: action, note: _n, repeat: _r, save: _s, expect: _e, client, ...fields } = step;
      return this.driver.request({ op: 'identity', action, client: this.client(client), ...fields });
    }
    if (step.guard) {
      const { guard: action, note: _n, repeat: _r, save: _s, expect: _e, input_json, ...fields } = step;
      const request: Record<string, Json> = { op: 'guard', action, ...fields };
      if (action === 'create') request.client = this.client();
      return this.driver.request(request, input_json === undefined ? {} : { input: input_json });
    }
    if (step.wait_ms !== undefined) {
      await sleep(step.wait_ms);
      return { ok: true, result: null };
    }
    try {
      return { ok: true, result: await this.mockStep(step) };
    } catch (error) {
      if (error instanceof StepFailed) throw error;
      throw new StepFailed(`mock step: ${(error as Error).message}`);
    }
  }

  private async mockStep(step: Step): Promise<Json> {
    const m = this.mock;
    switch (step.mock) {
      case 'reset':
        return m.admin('POST', '/reset');
      case 'advance_clock':
        return m.admin('POST', '/clock', { advance_ms: step.ms });
      case 'fault':
        return m.admin('POST', '/faults', step.fault);
      case 'clear_faults':
        return m.admin('DELETE', '/faults');
      case 'clear_requests':
        return m.admin('DELETE', '/requests');
      case 'requests': {
        const all: Json[] = await m.admin('GET', '/requests');
        return step.operation ? all.filter((r) => r.operation_id === step.operation) : all;
      }
      case 'http': {
        const key = step.api_key === undefined ? API_KEY : step.api_key;
        const send = () => m.http(step.method, step.path, step.body, key, step.headers);
        if (step.after_ms === undefined) return send();
        // In the background: the step returns at once, the scenario checks the answer at its end.
        this.background.push(
          sleep(step.after_ms)
            .then(send)
            .then(
              (r) =>
                r.status < 300
                  ? null
                  : `the scheduled ${step.method} ${step.path} answered ${r.status}: ${show(r.body)}`,
              (e) => `the scheduled ${step.method} ${step.path} failed: ${e.message}`,
            ),
        );
        return null;
      }
      default:
        throw new StepFailed(`unknown mock step ${step.mock}`);
    }
  }
}

function describe(step: Step): string {
  for (const kind of ['call', 'guard', 'identity', 'mock']) if (kind in step) return `${kind} ${step[kind]}`;
  return 'wait_ms' in step ? `wait_ms ${step.wait_ms}` : '?';
}

// --- vectors --------------------------------------------------------------------------------------

async function runVectorCase(
  driver: Driver,
  kind: VectorFile['kind'],
  c: Record<string, any>,
): Promise<string | null> {
  let answer: Answer;
  let expected: Json;
  switch (kind) {
    case 'digest':
      answer = await driver.request({ op: 'vector', kind }, { input: c.input_json });
      expected = c.digest;
      break;
    case 'truncate':
      answer = await driver.request({ op: 'vector', kind, text: c.text, limit: c.limit });
      expected = c.expect;
      break;
    case 'status':
      answer = await driver.request({ op: 'vector', kind, status: c.status, body: c.body });
      expected = c.expect;
      break;
    case 'roundtrip':
      answer = await driver.request({ op: 'vector', kind, type: c.type, value: c.value });
      expected = c.value;
      break;
  }
  if (answer.crash !== undefined) return `the driver failed: ${answer.crash}`;
  if (!answer.ok) return `error ${answer.error?.code}: ${answer.error?.text ?? answer.error?.message}`;
  if (kind === 'status') {
    const problems = match(answer.result, expected, '(result)');
    return problems.length ? problems.join('; ') : null;
  }
  return equal(answer.result, expected) ? null : `expected ${show(expected)}, got ${show(answer.result)}`;
}

// --- main -----------------------------------------------------------------------------------------

async function runLanguage(
  language: string,
  spec: { cwd: string; command: string[] },
  mock: Mock,
  only: string[],
  wireChecks: WireCheck[],
  prism: Prism | null,
) {
  const wanted = (id: string) => only.length === 0 || only.some((o) => id.includes(o));
  const driver = new Driver(language, spec, mock.url);
  const scenarios: Result[] = [];
  const vectors: Result[] = [];
  const wire: Result[] = [];
  try {
    for (const file of jsonFiles('vectors/')) {
      const doc: VectorFile = readJson(new URL(`vectors/${file}`, DIR));
      for (const c of doc.cases) {
        const id = `${doc.kind}/${c.id}`;
        if (!wanted(id)) continue;
        const started = performance.now();
        const failure = await runVectorCase(driver, doc.kind, c);
        if (driver.broken) driver.restart();
        vectors.push({
          id,
          status: failure ? 'fail' : 'pass',
          duration_ms: Math.round(performance.now() - started),
          ...(failure ? { message: failure.slice(0, 2000) } : {}),
        });
      }
    }
    for (const file of jsonFiles('scenarios/')) {
      const scenario: Scenario = readJson(new URL(`scenarios/${file}`, DIR));
      if (!wanted(scenario.id)) continue;
      const skip = scenario.skip?.[language] ?? (prism && unproxiable(scenario));
      if (skip) {
        scenarios.push({ id: scenario.id, status: 'skip', duration_ms: 0, message: skip });
        continue;
      }
      const started = performance.now();
      let failure: string | undefined;
      prism?.begin(
        `${language} ${scenario.id}`,
        scenario.steps.some((step) => step.mock === 'fault'),
      );
      try {
        await new ScenarioRun(scenario, driver, mock, prism).run();
      } catch (error) {
        failure = error instanceof StepFailed ? error.message : `runner: ${(error as Error).stack ?? error}`;
      }
      await prism?.settle();
      if (driver.broken) driver.restart();
      const result: Result = {
        id: scenario.id,
        status: failure ? 'fail' : 'pass',
        duration_ms: Math.round(performance.now() - started),
        ...(failure ? { message: failure.slice(0, 2000) } : {}),
      };
      scenarios.push(result);
      console.log(
        `${language.padEnd(10)} ${result.status === 'pass' ? 'pass' : result.status.toUpperCase()} ${scenario.id}`,
      );
    }
    for (const check of wireChecks) {
      if (!wanted(check.id)) continue;
      const started = performance.now();
      let outcome: { failure: string | null; note?: string };
      try {
        outcome = await runWireCheck(check, driver, mock, API_KEY);
      } catch (error) {
        outcome = {
          failure: error instanceof StepFailed ? error.message : `runner: ${(error as Error).stack ?? error}`,
        };
      }
      if (driver.broken) driver.restart();
      wire.push({
        id: check.id,
        status: outcome.failure ? 'fail' : 'pass',
        duration_ms: Math.round(performance.now() - started),
        ...(outcome.failure ? { message: outcome.failure.slice(0, 2000) } : {}),
        ...(outcome.note ? { note: outcome.note } : {}),
      });
    }
    if (wire.length) {
      const failed = wire.filter((w) => w.status === 'fail').length;
      console.log(`${language.padEnd(10)} wire: ${wire.length - failed}/${wire.length} pass`);
    }
  } finally {
    await driver.stop();
  }
  const failedVectors = vectors.filter((v) => v.status === 'fail').length;
  console.log(`${language.padEnd(10)} vectors: ${vectors.length - failedVectors}/${vectors.length} pass`);
  mkdirSync(new URL('results/', DIR), { recursive: true });
  const report = {
    language,
    generated_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    scenarios,
    vectors,
    wire,
  };
  writeFileSync(new URL(`results/${language}.json`, DIR), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** The language x scenario grid; vector files are one row each (pass when every case passes). */
function printGrid(reports: Awaited<ReturnType<typeof runLanguage>>[]): boolean {
  const rows = new Map<string, Map<string, Result[]>>();
  const add = (row: string, language: string, r: Result) => {
    if (!rows.has(row)) rows.set(row, new Map());
    const cell = rows.get(row)!;
    cell.set(language, [...(cell.get(language) ?? []), r]);
  };
  for (const report of reports) {
    for (const s of report.scenarios) add(s.id, report.language, s);
    for (const v of report.vectors) add(`vectors/${v.id.split('/')[0]}`, report.language, v);
    for (const w of report.wire) add(w.id, report.language, w);
  }
  const languages = reports.map((r) => r.language);
  const label = (rs: Result[] | undefined) => {
    if (!rs?.length) return '-';
    const failed = rs.filter((r) => r.status === 'fail').length;
    if (rs.length > 1) return failed ? `FAIL ${failed}/${rs.length}` : `pass ${rs.length}`;
    return { pass: 'pass', fail: 'FAIL', skip: 'skip' }[rs[0]!.status];
  };
  const idWidth = Math.max(8, ...[...rows.keys()].map((k) => k.length));
  const colWidth = Math.max(10, ...languages.map((l) => l.length));
  const line = (first: string, cells: string[]) =>
    `${first.padEnd(idWidth)} | ${cells.map((c) => c.padEnd(colWidth)).join(' | ')}`;
  const rule = `${'-'.repeat(idWidth)}-|-${languages.map(() => '-'.repeat(colWidth)).join('-|-')}`;
  console.log(`\n${line('scenario', languages)}\n${rule}`);
  for (const [row, cells] of rows)
    console.log(
      line(
        row,
        languages.map((l) => label(cells.get(l))),
      ),
    );
  console.log(rule);
  console.log(
    line(
      'passed',
      reports.map((r) => {
        const all = [...r.scenarios, ...r.vectors, ...r.wire];
        return `${all.filter((x) => x.status === 'pass').length}/${all.length}`;
      }),
    ),
  );
  let bad = false;
  for (const report of reports)
    for (const r of [...report.scenarios, ...report.vectors, ...report.wire]) {
      if (r.status === 'fail') {
        bad = true;
        console.log(`\n${report.language} ${r.id}: ${r.message}`);
      } else if (r.note) console.log(`\n${report.language} ${r.id} (pass): ${r.note}`);
    }
  return !bad;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      lang: { type: 'string', multiple: true },
      only: { type: 'string', multiple: true },
      drivers: { type: 'string' },
      'no-wire': { type: 'boolean' },
      prism: { type: 'boolean' },
    },
  });
  // --drivers FILE: another drivers.json (its `cwd`s may be absolute: a driver in another checkout).
  const drivers: Record<string, { cwd: string; command: string[] }> = values.drivers
    ? JSON.parse(readFileSync(values.drivers, 'utf8'))
    : readJson(new URL('drivers.json', DIR));
  const languages = values.lang?.length ? values.lang : Object.keys(drivers);
  for (const l of languages) if (!drivers[l]) throw new Error(`drivers.json has no driver for ${l}`);
  languages.sort((a, b) => (LANGUAGE_ORDER.indexOf(a) + 1 || 99) - (LANGUAGE_ORDER.indexOf(b) + 1 || 99));
  // Through Prism the request the mock records is Prism's re-sent copy, not the SDK's bytes, so
  // the wire checks (byte-level comparisons with the official clients' requests) run only directly.
  const wireChecks = values['no-wire'] || values.prism ? [] : await loadWireChecks();
  const { url, proc } = await startMock();
  const prism = values.prism ? await startPrism(url) : null;
  const mock = new Mock(url, prism?.url);
  const reports = [];
  try {
    for (const language of languages)
      reports.push(
        await runLanguage(language, drivers[language]!, mock, values.only ?? [], wireChecks, prism),
      );
  } finally {
    prism?.stop();
    proc.kill('SIGTERM');
  }
  const passed = printGrid(reports);
  const clean = !prism || printPrism(prism);
  return passed && clean ? 0 : 1;
}

/**
 * Why a scenario cannot run through a proxy, or undefined: Prism answers a dropped upstream
 * connection with its own 500 and re-serializes the body it forwards, so the SDK would never
 * see the dropped connection or the truncated JSON these faults make. A DPoP proof binds the URL
 * the SDK called (`htu`), the proxy's, which is not the one the gateway behind it receives.
 */
function unproxiable(scenario: Scenario): string | undefined {
  const kinds = scenario.steps.filter((s) => s.mock === 'fault').map((s) => s.fault?.kind);
  const kind = kinds.find((k) => k === 'drop' || k === 'malformed');
  if (kind) return `through Prism: a proxy does not pass a \`${kind}\` fault on to the SDK unchanged`;
  const identity = scenario.steps.some((s) => s.identity !== undefined || s.options?.credentials === true);
  return identity
    ? 'through Prism: agent identity is not proxied (a DPoP proof binds the URL the SDK called, the proxy, not the one the gateway receives)'
    : undefined;
}

/** Prism's findings; true when it saw traffic and no violation that counts. */
function printPrism(prism: Prism): boolean {
  const counted = prism.violations.filter((v) => !v.expected);
  const expected = prism.violations.length - counted.length;
  console.log(
    `\nprism: ${prism.requests} requests validated against the spec, ${counted.length} violations` +
      ` (${expected} more expected: requests made invalid on purpose, answers forged by injected faults)`,
  );
  for (const v of counted) console.log(`  ${v.scenario}: ${v.text}`);
  return prism.requests > 0 && counted.length === 0;
}

process.exitCode = await main();

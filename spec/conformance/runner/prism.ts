/**
 * `--prism`: the SDKs talk to the mock through Prism (`@stoplight/prism-cli`), a proxy that
 * validates every request and response against `spec/openapi.yaml` and logs each one that breaks
 * it. Prism only logs (no `--errors`), so what the SDK sees is what the mock answered. The runner
 * tells it which scenario is running; a violation is the scenario's. Two kinds are expected
 * rather than counted: a response violation in a scenario that injects faults (`mock: fault`,
 * answers forged on purpose) and a request violation of a step that expects the gateway to
 * refuse its request as malformed or unauthenticated. Admin and raw `mock: http` calls go to
 * the mock directly, never through Prism.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PRISM = fileURLToPath(new URL('../../node_modules/.bin/prism', import.meta.url));
const SPEC = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

export interface Violation {
  scenario: string;
  /** `request` (the SDK sent something the spec does not allow) or `response` (the mock did). */
  side: 'request' | 'response';
  /** Prism's line, from `Violation:` on. */
  text: string;
  /** Forged on purpose by the scenario (see above): expected, not counted. */
  expected: boolean;
}

export interface Prism {
  url: string;
  /** Attributes what follows to this scenario; `faults`: it injects forged answers. */
  begin(scenario: string, faults: boolean): void;
  /** While true, request violations are the step's purpose (it expects a 400 or 401). */
  expectInvalidRequests(on: boolean): void;
  /** Waits for Prism's log of the scenario's last exchange to arrive. */
  settle(): Promise<void>;
  readonly violations: Violation[];
  /** Requests Prism received. */
  readonly requests: number;
  stop(): void;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export async function startPrism(upstream: string): Promise<Prism> {
  const port = await freePort();
  const proc: ChildProcess = spawn(
    PRISM,
    ['proxy', SPEC, upstream, '--host', '127.0.0.1', '--port', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let scenario = '(start)';
  let faults = false;
  let invalidRequests = false;
  let requests = 0;
  const violations: Violation[] = [];
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    if (line.includes('Request received')) requests++;
    const found = /Violation: (request|response)\b.*$/.exec(line);
    if (found) {
      const side = found[1] as Violation['side'];
      const expected = side === 'response' ? faults : invalidRequests;
      violations.push({ scenario, side, text: found[0], expected });
    }
  };
  createInterface({ input: proc.stdout! }).on('line', onLine);
  createInterface({ input: proc.stderr! }).on('line', onLine);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Prism did not start in 60 s:\n${tail.join('\n')}`)),
      60_000,
    );
    const ready = (line: string) => {
      if (!line.includes('Prism is listening')) return;
      clearTimeout(timer);
      resolve();
    };
    createInterface({ input: proc.stdout! }).on('line', ready);
    proc.once('exit', (code) => reject(new Error(`Prism exited (${code}):\n${tail.join('\n')}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    begin(id, injects) {
      scenario = id;
      faults = injects;
    },
    expectInvalidRequests(on) {
      invalidRequests = on;
    },
    settle: () => new Promise((resolve) => setTimeout(resolve, 150)),
    violations,
    get requests() {
      return requests;
    },
    stop: () => proc.kill('SIGTERM'),
  };
}

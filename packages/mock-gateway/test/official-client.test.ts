/**
 * The official published Python client (`agenttrustid==0.4.0`, pinned by hash in
 * `official-client/requirements.lock`) runs the guide's flows (`official-client/flows.py`)
 * against the mock CLI. `run.sh` creates its own venv on first use (that needs python3 >= 3.8
 * and PyPI); the test is bounded by its timeout and fails, never hangs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  if (!existsSync(cli))
    throw new Error('build the package first (pnpm --filter @agenttrustid/mock-gateway build)');
  server = spawn(process.execPath, [cli, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the CLI printed no URL in 10 s')), 10_000);
    createInterface({ input: server.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    server.once('exit', (code) => reject(new Error(`the CLI exited with ${code}`)));
  });
});

afterAll(() => {
  server?.kill('SIGTERM');
});

it('the official client runs every flow of the guide against the mock CLI', async () => {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('bash', [`${here}official-client/run.sh`], {
      env: { ...process.env, AGENTTRUST_URL: url, AGENTTRUST_API_KEY: 'sk_test_agenttrust' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
  const summary = /^(\d+)\/(\d+) flows passed/m.exec(output);
  expect(summary, output).not.toBeNull();
  expect(
    output.split('\n').filter((l) => l.startsWith('FAIL')),
    output,
  ).toEqual([]);
  expect(summary![1], output).toBe(summary![2]);
  expect(Number(summary![2])).toBeGreaterThanOrEqual(39);
  expect(code, output).toBe(0);
}, 180_000);

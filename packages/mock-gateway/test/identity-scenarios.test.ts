/**
 * The identity conformance scenarios, end to end, before any SDK speaks them: the real runner
 * (`spec/conformance/run.mjs`, on the built CLI) drives `identity-driver.mjs`, a reference driver
 * made of `jose` and fetch, through every `identity-*` scenario. A scenario, a runner request or
 * the mock's enforcement that disagrees with the others fails here.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const runner = fileURLToPath(new URL('../../../spec/conformance/run.mjs', import.meta.url));
const scenarios = fileURLToPath(new URL('../../../spec/conformance/scenarios/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'identity-driver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('the reference driver passes every identity-* scenario through the conformance runner', async () => {
  const drivers = join(dir, 'drivers.json');
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const command = ['node', 'test/identity-driver.mjs'];
  writeFileSync(drivers, JSON.stringify({ 'identity-reference': { cwd, command } }));
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [runner, '--drivers', drivers, '--only', 'identity-', '--no-wire'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.stderr.on('data', (chunk) => (text += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('exit', (exit) => {
      clearTimeout(timer);
      resolve({ code: exit, output: text });
    });
  });
  const ids = readdirSync(scenarios)
    .filter((f) => /^identity-.*\.json$/.test(f))
    .map((f) => f.slice(0, -'.json'.length));
  expect(ids.length).toBeGreaterThanOrEqual(4);
  for (const id of ids) expect(output, output).toMatch(new RegExp(`identity-reference pass ${id}\\n`));
  expect(code, output).toBe(0);
}, 120_000);

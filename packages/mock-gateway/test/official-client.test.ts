/**
 * The official published Python client (`agenttrustid==0.4.0`, pinned by hash in
 * `official-client/requirements.lock`) runs the guide's flows (`official-client/flows.py`)
 * against the mock CLI. `run.sh` creates its own venv on first use (that needs python3 >= 3.8
 * and PyPI); the test is bounded by its timeout and fails, never hangs.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningCli, runScript, startCli } from './external.js';

const script = fileURLToPath(new URL('official-client/run.sh', import.meta.url));
let cli: RunningCli;

beforeAll(async () => {
  cli = await startCli();
});

afterAll(() => cli?.stop());

it('the official client runs every flow of the guide against the mock CLI', async () => {
  const { code, output } = await runScript(
    script,
    [],
    { AGENTTRUST_URL: cli.url, AGENTTRUST_API_KEY: 'sk_test_agenttrust' },
    170_000,
  );
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

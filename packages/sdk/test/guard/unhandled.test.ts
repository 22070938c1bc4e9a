import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

it('the test run fails on an unhandled rejection (vitest config does not ignore them)', () => {
  const vitest = resolve(root, 'node_modules/vitest/vitest.mjs');
  const run = spawnSync(
    process.execPath,
    [vitest, 'run', 'test/guard/fixtures/unhandled-rejection.test.ts'],
    {
      cwd: root,
      env: { ...process.env, AGENTTRUST_UNHANDLED_FIXTURE: '1', CI: '1', FORCE_COLOR: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const output = `${run.stdout}\n${run.stderr}`;
  expect(output).toMatch(/Unhandled Rejection/i);
  expect(output).toContain('deliberately unhandled');
  expect(run.status).not.toBe(0);
}, 70_000);

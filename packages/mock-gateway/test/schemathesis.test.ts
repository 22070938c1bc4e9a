/**
 * schemathesis (pinned by hash in `schemathesis/requirements.lock`) generates requests from
 * `spec/openapi.yaml` for every operation (examples, boundary cases, fuzzing, stateful chains)
 * and runs all of its checks on the mock CLI's answers: declared statuses, response schemas,
 * content types, negative data refused, schema-valid data accepted, created resources found.
 * `schemathesis/run.sh` creates its own venv on first use (PyPI); seed and volume are fixed in
 * `schemathesis/schemathesis.toml`, so the run is reproducible and takes about 25 s here.
 * A longer run by hand: `schemathesis/run.sh <url> --max-examples 100 --seed <n>`.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningCli, runScript, startCli } from './external.js';

const script = fileURLToPath(new URL('schemathesis/run.sh', import.meta.url));
let cli: RunningCli;

beforeAll(async () => {
  cli = await startCli();
});

afterAll(() => cli?.stop());

it('schemathesis finds no failure in any operation of the spec', async () => {
  const { code, output } = await runScript(script, [cli.url], {}, 230_000);
  const cases = /(\d+) generated, (\d+) passed/.exec(output);
  expect(cases, output).not.toBeNull();
  expect(cases![2], output).toBe(cases![1]);
  expect(Number(cases![1])).toBeGreaterThan(2000);
  const selected = /Selected: (\d+)\/(\d+)/.exec(output);
  expect(selected?.[1], output).toBe(selected?.[2]);
  expect(code, output).toBe(0);
}, 240_000);

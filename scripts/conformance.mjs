#!/usr/bin/env node
// `pnpm conformance`: runs every language's conformance runner against the mock gateway, then
// prints the language x scenario grid (scripts/conformance-grid.mjs). Each runner reads
// spec/conformance/scenarios/*.json and writes spec/conformance/results/<language>.json.
// TypeScript's runner is packages/sdk/test/conformance.test.ts; every other package joins by
// defining a `conformance` script (turbo runs them, one at a time).
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';

const results = new URL('../spec/conformance/results/', import.meta.url);
for (const f of readdirSync(results).filter((n) => n.endsWith('.json'))) rmSync(new URL(f, results));

const run = (label, cmd, args) => {
  console.log(`\n== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0)
    console.log(`== ${label}: exited ${r.status ?? r.signal} (the grid shows which scenarios failed)`);
  return r.status === 0;
};

run('build', 'pnpm', [
  'exec',
  'turbo',
  'run',
  'build',
  '--filter=@agenttrustid/mock-gateway',
  '--filter=@agenttrustid/sdk',
]);
run('typescript', 'pnpm', [
  '--filter',
  '@agenttrustid/sdk',
  'exec',
  'vitest',
  'run',
  'test/conformance.test.ts',
]);
run('other languages', 'pnpm', ['exec', 'turbo', 'run', 'conformance', '--concurrency=1', '--continue']);

console.log('');
const grid = spawnSync(
  'node',
  [new URL('conformance-grid.mjs', import.meta.url).pathname, '--languages', 'typescript,python,go'],
  {
    stdio: 'inherit',
  },
);
process.exitCode = grid.status ?? 1;

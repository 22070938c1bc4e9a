// Client benchmarks (`pnpm bench`): figures, never assertions. Needs `pnpm build` first.
//   1. actions.check latency (median, p99), sequential and at concurrency 64, as ratios to a raw
//      fetch of the same request, against one mock gateway on 127.0.0.1, in one run;
//   2. the main entry's size minified + gzipped, with everything it bundles, and what dominates;
//   3. cold import time above `node -e 0`.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const { AgentTrustClient, VERSION } = await import('@agenttrustid/sdk');
const API_KEY = 'sk_test_agenttrust';

const SEQ_ROUNDS = 20;
const SEQ_BLOCK = 100;
const CONC = 64;
const CONC_ROUNDS = 10;
const CONC_PER_WORKER = 8;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const us = (ms) => `${(ms * 1000).toFixed(0)} us`;

// --- 1. latency ----------------------------------------------------------------------------

// The gateway runs in its own process (the mock's CLI, --quiet), so the client under test does
// not share an event loop with the server.
const cli = fileURLToPath(new URL('../../mock-gateway/dist/cli.js', import.meta.url));
const child = spawn(process.execPath, [cli, '--port', '0', '--quiet'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const server = {
  url: await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`mock gateway exited with ${code}`)));
  }),
  close: () => child.kill('SIGTERM'),
};
const setup = new AgentTrustClient({ baseUrl: server.url, apiKey: API_KEY });
const agent = await setup.agents.create({ name: 'bench-agent', capabilities: ['web:search'] });

const url = `${server.url}/v1/actions/check`;
const body = JSON.stringify({ agent_id: agent.id, tool_name: 'web_search' });
// The same request the SDK sends: its headers too (the idempotency key is added per call).
const headers = {
  accept: 'application/json',
  'user-agent': `agenttrustid-sdk-typescript/${VERSION}`,
  authorization: `Bearer ${API_KEY}`,
  'content-type': 'application/json',
};

const variants = {
  'raw fetch': async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': crypto.randomUUID() },
      body,
    });
    const json = await res.json();
    if (!json.allowed) throw new Error('unexpected decision');
  },
  sdk: (() => {
    const client = new AgentTrustClient({ baseUrl: server.url, apiKey: API_KEY });
    return async () => {
      const r = await client.actions.check({ agentId: agent.id, toolName: 'web_search' });
      if (!r.allowed) throw new Error('unexpected decision');
    };
  })(),
  'sdk on fetch': (() => {
    const client = new AgentTrustClient({ baseUrl: server.url, apiKey: API_KEY, fetch: globalThis.fetch });
    return async () => {
      await client.actions.check({ agentId: agent.id, toolName: 'web_search' });
    };
  })(),
};

// Each round starts with the next variant, so each follows each other alike: a block pays for
// the garbage the block before it left, and undici's is heavier than the SDK's.
function rotated(round) {
  const list = Object.entries(variants);
  const k = round % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

async function timeOne(fn, into) {
  const t = performance.now();
  await fn();
  into.push(performance.now() - t);
}

// Variants run in alternating blocks of calls, many rounds: drift on a noisy machine hits each
// alike, and one variant's garbage is mostly collected inside its own block (call-by-call
// alternation would bill undici's GC pauses to the SDK). Client CPU per call is counted too.
async function sequential() {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(variants).map((k) => [k, 0]));
  for (const fn of Object.values(variants)) for (let i = 0; i < 300; i++) await fn(); // warm up
  for (let round = 0; round < SEQ_ROUNDS; round++) {
    for (const [name, fn] of rotated(round)) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < SEQ_BLOCK; i++) await timeOne(fn, samples[name]);
      const c = process.cpuUsage(c0);
      cpu[name] += c.user + c.system;
    }
  }
  samples.cpu = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / (SEQ_ROUNDS * SEQ_BLOCK)]));
  return samples;
}

async function concurrent() {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(variants).map((k) => [k, 0]));
  for (let round = 0; round < CONC_ROUNDS; round++) {
    for (const [name, fn] of rotated(round)) {
      const c0 = process.cpuUsage();
      await Promise.all(
        Array.from({ length: CONC }, async () => {
          for (let i = 0; i < CONC_PER_WORKER; i++) await timeOne(fn, samples[name]);
        }),
      );
      const c = process.cpuUsage(c0);
      cpu[name] += c.user + c.system;
    }
  }
  samples.cpu = Object.fromEntries(
    Object.entries(cpu).map(([k, v]) => [k, v / (CONC_ROUNDS * CONC * CONC_PER_WORKER)]),
  );
  return samples;
}

function table(title, { cpu, ...samples }) {
  const base = samples['raw fetch'];
  const bm = quantile(base, 0.5);
  const bp = quantile(base, 0.99);
  console.log(`\n${title} (${base.length} calls each)`);
  console.log('  variant        median      p99         median ratio  p99 ratio  client CPU/call (ratio)');
  for (const [name, xs] of Object.entries(samples)) {
    const m = quantile(xs, 0.5);
    const p = quantile(xs, 0.99);
    console.log(
      `  ${name.padEnd(14)} ${us(m).padEnd(11)} ${us(p).padEnd(11)} ${(m / bm).toFixed(2).padEnd(13)} ${(p / bp).toFixed(2).padEnd(10)} ${cpu[name].toFixed(0)} us (${(cpu[name] / cpu['raw fetch']).toFixed(2)})`,
    );
  }
}

console.log(`actions.check against the mock gateway at ${server.url} (Node ${process.version})`);
console.log(
  '  raw fetch: undici fetch + res.json(); sdk: the default (Node) export; sdk on fetch: the same with fetch: globalThis.fetch',
);
table('sequential', await sequential());
table(`concurrency ${CONC}`, await concurrent());
server.close();

// --- 2. size ---------------------------------------------------------------------------------

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
// One browser bundle of an entry, minified, with everything it imports; `stub` swaps a module
// for a stand-in, so a part's cost is what leaving it out saves (gzip is not additive per file).
async function bundle(contents, { splitting = false, stub } = {}) {
  const entry = `${pkgDir}/.size-entry.mjs`;
  writeFileSync(entry, contents);
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      splitting,
      outdir: `${pkgDir}/.size-out`,
      logLevel: 'silent',
      plugins: stub
        ? [
            {
              name: 'stub',
              setup: (b) => b.onLoad({ filter: stub.filter }, () => ({ contents: stub.contents })),
            },
          ]
        : [],
    });
    return result.outputFiles;
  } finally {
    rmSync(entry);
  }
}
const ALL = "export * from './dist/index.js';";
const full = gz((await bundle(ALL))[0].contents);
const clientOnly = gz(
  (await bundle("export { AgentTrustClient, AgentTrustError } from './dist/index.js';"))[0].contents,
);
const split = await bundle(ALL, { splitting: true });
const initial = gz(split.find((f) => f.path.endsWith('.size-entry.js')).contents);
const noKy = gz(
  (
    await bundle(ALL, {
      stub: {
        filter: /node_modules\/ky\/distribution\/index\.js$/,
        contents: 'export default {}; export class HTTPError {}; export class TimeoutError {}',
      },
    })
  )[0].contents,
);
// The response schemas and all of zod they use sit in one lazily imported chunk.
const noValidation = gz(
  (await bundle(ALL, { stub: { filter: /dist\/schemas-[\w-]+\.js$/, contents: 'export {}' } }))[0].contents,
);
console.log(
  '\nmain entry (dist/index.js, the default condition) bundled for the browser with everything it imports,',
);
console.log('minified and gzipped (target: under 25 kB):');
console.log(`  every export (client, errors, Guard):       ${kB(full)}`);
console.log(`  AgentTrustClient and errors (tree-shaken):  ${kB(clientOnly)}`);
console.log(
  `  loaded at import with code splitting:       ${kB(initial)} (ky, zod and the schemas come with the first request)`,
);
console.log('  what dominates, as what leaving each part out of the whole saves:');
const parts = [
  ['zod/mini and the response schemas (validation)', full - noValidation],
  ['Guard (src/guard, a separate issue, exported here by the guide)', full - clientOnly],
  ['ky', full - noKy],
];
parts.push([
  'the rest: client, 12 resources, HTTP core, errors, 41 operations, key maps',
  full - parts.reduce((n, [, b]) => n + b, 0),
]);
for (const [part, bytes] of parts) {
  console.log(`    ${part.padEnd(76)} ${kB(bytes).padStart(8)}  (${((100 * bytes) / full).toFixed(0)}%)`);
}

// --- 3. cold import --------------------------------------------------------------------------

function spawnMs(args) {
  const t = performance.now();
  execFileSync(process.execPath, args, { cwd: pkgDir, stdio: 'ignore' });
  return performance.now() - t;
}
const runs = { base: [], esm: [], cjs: [], first: [] };
for (let i = 0; i < 15; i++) {
  runs.base.push(spawnMs(['-e', '0']));
  runs.esm.push(spawnMs(['--input-type=module', '-e', "await import('@agenttrustid/sdk')"]));
  runs.cjs.push(spawnMs(['-e', "require('@agenttrustid/sdk')"]));
}
// For honesty about the lazy loading: import plus the first call's one-time setup (ky, Node's
// fetch classes, zod schemas), measured in-process against a closed port so no server time counts.
const firstCall = `const t = performance.now();
const { AgentTrustClient, VERSION } = await import('@agenttrustid/sdk');
const c = new AgentTrustClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', maxRetries: 0 });
await c.agents.list().catch(() => {});
process.stdout.write(String(performance.now() - t));`;
for (let i = 0; i < 9; i++) {
  runs.first.push(
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', firstCall], {
        cwd: pkgDir,
        encoding: 'utf8',
      }),
    ),
  );
}
const base = quantile(runs.base, 0.5);
console.log(`\ncold import, median of 15 (node -e 0 takes ${base.toFixed(0)} ms):`);
console.log(`  import('@agenttrustid/sdk')   +${(quantile(runs.esm, 0.5) - base).toFixed(0)} ms`);
console.log(`  require('@agenttrustid/sdk')  +${(quantile(runs.cjs, 0.5) - base).toFixed(0)} ms`);
console.log(
  `  import + first request's one-time setup, in-process: ${quantile(runs.first, 0.5).toFixed(0)} ms`,
);

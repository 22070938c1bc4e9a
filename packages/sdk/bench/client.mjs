// Client benchmarks (`pnpm bench`): figures, never assertions. Needs `pnpm build` first.
//   1. actions.check latency (median, p99), sequential and at concurrency 64, as ratios to a raw
//      fetch of the same request, against one mock gateway on 127.0.0.1, in one run;
//   2. the main entry's size minified + gzipped, with everything it bundles, and what dominates;
//   3. cold import time above `node -e 0`.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const url = `${server.url}/api/v1/agenttrust/check`;
// Exactly what the SDK sends for actions.check({ agentId, toolName }): the spec's action_name and
// the fixed action_source, the org key in X-API-Key, the SDK's user-agent, and an idempotency key
// per call (every POST has one). Checked against the mock's request log below, before timing.
const body = JSON.stringify({ agent_id: agent.id, action_name: 'web_search', action_source: 'api' });
const headers = {
  accept: 'application/json',
  'user-agent': `agenttrustid-sdk-typescript/${VERSION}`,
  'content-type': 'application/json',
  'x-api-key': API_KEY,
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

console.log(`actions.check against the mock gateway at ${server.url} (Node ${process.version})`);
console.log(
  '  raw fetch: undici fetch + res.json(); sdk: the default (Node) export; sdk on fetch: the same with fetch: globalThis.fetch',
);

// The baseline must send what the SDK sends: one call of each, compared in the mock's request log
// (fetch adds headers of its own, e.g. sec-fetch-mode, and the transports differ in connection
// headers; every header the SDK sets must be in the raw request with the same value).
{
  const admin = (path, init) => fetch(`${server.url}/__mock/${path}`, init);
  await admin('requests', { method: 'DELETE' });
  await variants.sdk();
  await variants['raw fetch']();
  const [sdkReq, rawReq] = (await (await admin('requests')).json()).slice(-2);
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const ignored = new Set(['host', 'connection', 'content-length', 'idempotency-key']);
  const missing = Object.entries(sdkReq.headers).filter(
    ([name, value]) => !ignored.has(name) && rawReq.headers[name] !== value,
  );
  if (
    sdkReq.method !== rawReq.method ||
    sdkReq.path !== rawReq.path ||
    !same(sdkReq.body, rawReq.body) ||
    missing.length > 0 ||
    !sdkReq.headers['idempotency-key'] ||
    !rawReq.headers['idempotency-key']
  ) {
    server.close();
    throw new Error(
      `the raw fetch baseline does not send what the SDK sends:\n${JSON.stringify({ sdkReq, rawReq, missing }, null, 2)}`,
    );
  }
  console.log(`  both send: POST ${sdkReq.path} ${JSON.stringify(sdkReq.body)}`);
  console.log(
    `  with headers: ${Object.keys(sdkReq.headers)
      .filter((h) => !ignored.has(h))
      .join(', ')}, idempotency-key`,
  );
}

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
// Counted from the generated sources, for the label of the remainder.
const RESOURCES = readdirSync(`${pkgDir}/src/generated/resources`).filter((f) => f !== 'index.ts').length;
const OPERATIONS = (
  readFileSync(`${pkgDir}/src/generated/operations.ts`, 'utf8').match(
    /^ {2}\/\*\* (GET|POST|PUT|PATCH|DELETE) /gm,
  ) ?? []
).length;
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
  `the rest: client, ${RESOURCES} resources, HTTP core, errors, ${OPERATIONS} operations, key maps`,
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

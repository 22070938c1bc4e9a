// Client benchmarks (`pnpm bench`): figures, never assertions. Needs `pnpm build` first.
//   1. actions.check latency (median, p99), sequential and at concurrency 64, as ratios to a raw
//      fetch of the same request, against one mock gateway on 127.0.0.1, in one run;
//   2. the main entry's size minified + gzipped, with everything it bundles, and what dominates;
//   3. cold import time above `node -e 0`.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startMockGatewayServer } from '@agenttrustid/mock-gateway/node';
import { build } from 'esbuild';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const { AgentTrustClient } = await import('@agenttrustid/sdk');
const API_KEY = 'sk_test_agenttrust';

const SEQ_ROUNDS = 10;
const SEQ_PER_ROUND = 200;
const CONC = 64;
const CONC_ROUNDS = 5;
const CONC_PER_WORKER = 20;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const us = (ms) => `${(ms * 1000).toFixed(0)} us`;

// --- 1. latency ----------------------------------------------------------------------------

const server = await startMockGatewayServer();
const setup = new AgentTrustClient({ baseUrl: server.url, apiKey: API_KEY });
const agent = await setup.agents.create({ name: 'bench-agent', capabilities: ['web:search'] });

const url = `${server.url}/v1/actions/check`;
const body = JSON.stringify({ agent_id: agent.id, tool_name: 'web_search' });
const headers = {
  authorization: `Bearer ${API_KEY}`,
  'content-type': 'application/json',
  accept: 'application/json',
};

const variants = {
  'raw fetch': async () => {
    const res = await fetch(url, { method: 'POST', headers, body });
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

async function timeOne(fn, into) {
  const t = performance.now();
  await fn();
  into.push(performance.now() - t);
}

async function sequential() {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const fn of Object.values(variants)) for (let i = 0; i < 300; i++) await fn(); // warm up
  // Rounds alternate between variants so drift on a noisy machine hits them alike.
  for (let round = 0; round < SEQ_ROUNDS; round++) {
    for (const [name, fn] of Object.entries(variants)) {
      for (let i = 0; i < SEQ_PER_ROUND; i++) await timeOne(fn, samples[name]);
    }
  }
  return samples;
}

async function concurrent() {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = 0; round < CONC_ROUNDS; round++) {
    for (const [name, fn] of Object.entries(variants)) {
      await Promise.all(
        Array.from({ length: CONC }, async () => {
          for (let i = 0; i < CONC_PER_WORKER; i++) await timeOne(fn, samples[name]);
        }),
      );
    }
  }
  return samples;
}

function table(title, samples) {
  const base = samples['raw fetch'];
  const bm = quantile(base, 0.5);
  const bp = quantile(base, 0.99);
  console.log(`\n${title} (${base.length} calls each)`);
  console.log('  variant        median      p99         median ratio  p99 ratio');
  for (const [name, xs] of Object.entries(samples)) {
    const m = quantile(xs, 0.5);
    const p = quantile(xs, 0.99);
    console.log(
      `  ${name.padEnd(14)} ${us(m).padEnd(11)} ${us(p).padEnd(11)} ${(m / bm).toFixed(2).padEnd(13)} ${(p / bp).toFixed(2)}`,
    );
  }
}

console.log(`actions.check against the mock gateway at ${server.url} (Node ${process.version})`);
console.log(
  '  raw fetch: undici fetch + res.json(); sdk: the default (Node) export; sdk on fetch: the same with fetch: globalThis.fetch',
);
table('sequential', await sequential());
table(`concurrency ${CONC}`, await concurrent());
await server.close();

// --- 2. size ---------------------------------------------------------------------------------

const result = await build({
  entryPoints: [`${pkgDir}/dist/index.js`],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  write: false,
  metafile: true,
  logLevel: 'silent',
});
const code = result.outputFiles[0].contents;
const gz = gzipSync(code, { level: 9 }).length;
console.log(
  `\nmain entry (dist/index.js, default condition) bundled with everything it imports, for the browser:`,
);
console.log(
  `  ${(code.length / 1024).toFixed(1)} kB minified, ${(gz / 1024).toFixed(1)} kB minified+gzipped`,
);
const byPart = {};
for (const [file, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
  const part = file.includes('node_modules/zod/')
    ? 'zod (zod/mini core)'
    : file.includes('node_modules/ky/')
      ? 'ky'
      : file.includes('generated/zod') || file.includes('spec/')
        ? '@agenttrustid/spec zod schemas'
        : 'sdk (client, resources, generated operations, guard)';
  byPart[part] = (byPart[part] ?? 0) + bytesInOutput;
}
console.log('  minified bytes by origin (before gzip):');
for (const [part, bytes] of Object.entries(byPart).sort((a, b) => b[1] - a[1])) {
  console.log(
    `    ${part.padEnd(52)} ${(bytes / 1024).toFixed(1)} kB  (${((100 * bytes) / code.length).toFixed(0)}%)`,
  );
}

// --- 3. cold import --------------------------------------------------------------------------

function spawnMs(args) {
  const t = performance.now();
  execFileSync(process.execPath, args, { cwd: pkgDir, stdio: 'ignore' });
  return performance.now() - t;
}
const runs = { base: [], esm: [], cjs: [] };
for (let i = 0; i < 15; i++) {
  runs.base.push(spawnMs(['-e', '0']));
  runs.esm.push(spawnMs(['--input-type=module', '-e', "await import('@agenttrustid/sdk')"]));
  runs.cjs.push(spawnMs(['-e', "require('@agenttrustid/sdk')"]));
}
const base = quantile(runs.base, 0.5);
console.log(`\ncold import, median of 15 (node -e 0 takes ${base.toFixed(0)} ms):`);
console.log(`  import('@agenttrustid/sdk')   +${(quantile(runs.esm, 0.5) - base).toFixed(0)} ms`);
console.log(`  require('@agenttrustid/sdk')  +${(quantile(runs.cjs, 0.5) - base).toFixed(0)} ms`);

// How much a call to the mock costs over loopback HTTP, as a ratio to a raw node:http server
// answering a fixed JSON body in the same run (these machines are noisy: only ratios compare).
// Usage: pnpm --filter @agenttrustid/mock-gateway bench   (after `pnpm build`)
import { Agent, createServer, request } from 'node:http';
import { createMockGateway } from '../dist/index.js';
import { startMockGatewayServer } from '../dist/node.js';

const N = Number(process.env.BENCH_N ?? 2000);
const WARMUP = 200;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const KEY = 'sk_test_agenttrust';

function call(url, method, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          'x-api-key': KEY,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function median(label, fn) {
  // A wrong path would time 404s: every measured call must answer 200.
  const status = await fn();
  if (status !== 200) throw new Error(`${label}: HTTP ${status}, expected 200`);
  for (let i = 0; i < WARMUP; i++) await fn();
  const times = [];
  for (let i = 0; i < N; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { label, median: times[Math.floor(N / 2)], p99: times[Math.floor(N * 0.99)] };
}

const fixed = JSON.stringify({
  allowed: true,
  check_id: 'chk_0123456789abcdef',
  confidence: 0.9,
  guard_tier: 'fast',
  latency_ms: 0,
  reason: 'x'.repeat(40),
  elevation_required: false,
  approval_id: null,
  rule: 'capability_granted',
});
const raw = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(fixed));
});
await new Promise((r) => raw.listen(0, '127.0.0.1', r));
const rawUrl = `http://127.0.0.1:${raw.address().port}`;

const server = await startMockGatewayServer({ gateway: createMockGateway() });
const { agent: created } = await fetch(`${server.url}/api/v1/agents`, {
  method: 'POST',
  headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench', capabilities: ['web:search', 'db:*'] }),
}).then((r) => r.json());
const check = {
  agent_id: created.id,
  action_name: 'web_search',
  action_source: 'api',
  session_id: 'bench-session',
};

const results = [
  await median('raw node:http, fixed JSON (baseline)', () =>
    call(`${rawUrl}/api/v1/agenttrust/check`, 'POST', check),
  ),
  await median('mock POST /api/v1/agenttrust/check (allowed)', () =>
    call(`${server.url}/api/v1/agenttrust/check`, 'POST', check),
  ),
  await median('mock GET /api/v1/agents/{id}', () =>
    call(`${server.url}/api/v1/agents/${created.id}`, 'GET'),
  ),
  await median('mock POST /api/v1/agenttrust/check (elevation pending)', () =>
    call(`${server.url}/api/v1/agenttrust/check`, 'POST', { ...check, action_name: 'db_delete' }),
  ),
];
const base = results[0].median;
console.log(
  `mock gateway over HTTP, ${N} sequential keep-alive calls each (median, p99, ratio of medians to the baseline)`,
);
for (const r of results) {
  console.log(
    `${r.label.padEnd(50)} ${(r.median * 1000).toFixed(0).padStart(6)} us  p99 ${(r.p99 * 1000).toFixed(0).padStart(6)} us  x${(r.median / base).toFixed(2)}`,
  );
}
agent.destroy();
raw.close();
await server.close();

// Guard benchmarks (`pnpm bench:guard`, part of `pnpm bench`): figures, never assertions.
//   1. report() cost per call, amortised, against pushing an event object into an array;
//   2. heap after 10 million reports with the gateway down (bounded by the queue capacity);
//   3. guard.check() latency as a ratio to a bare client.actions.check, same 127.0.0.1 server;
//   4. what a check pays for agent credentials: mintDPoPProof per call, and guard.check() with
//      AgentCredentials (WIMSE bearer + a fresh DPoP proof) as a ratio to one without, same run.
// The mock gateway runs as its CLI in a child process on 127.0.0.1. Run with --expose-gc for
// steadier heap figures. Loads the built package (run `pnpm build` first).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

const sdk = await import(process.env.AGENTTRUST_SDK_ENTRY ?? '@agenttrustid/sdk');
const { AgentTrustClient, AgentTrustGuard } = sdk;

const gc = globalThis.gc ?? (() => {});
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The mock gateway's CLI in its own process, so its work and memory are not in our figures. */
async function startGateway() {
  const pkg = createRequire(import.meta.url).resolve('@agenttrustid/mock-gateway/package.json');
  const child = spawn(process.execPath, [join(dirname(pkg), 'dist/cli.js'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`mock gateway exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      // The first line is the base URL; the per-request log lines after it are discarded.
      if (buffered === null) return;
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        resolve(buffered.slice(0, newline).trim());
        buffered = null;
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

const server = await startGateway();
const apiKey = 'sk_test_agenttrust';
const client = new AgentTrustClient({ baseUrl: server.url, apiKey });
const agent = await client.agents.create({ name: 'bench-agent', capabilities: ['*'] });
const downClient = new AgentTrustClient({
  baseUrl: `http://127.0.0.1:${await closedPort()}`,
  apiKey,
  maxRetries: 0,
});

console.log('guard benchmarks (Node %s, %s)', process.version, server.url);

// --- 1. report() per call --------------------------------------------------------------------
{
  const ROUND = 10_000; // the queue capacity set below: every report in a round is kept, none dropped
  const ROUNDS = 100;
  // Only the report() loop is timed. Between rounds the queue is drained into a sink that accepts
  // at once: draining a million events over HTTP to the mock would take minutes and measure the
  // mock, not report(). (Sections 2 and 3 use the real client over loopback.)
  const sink = {
    actions: client.actions,
    approvals: client.approvals,
    telemetry: {
      report: async (_agentId, _sessionId, events) => ({ accepted: true, eventsProcessed: events.length }),
    },
  };
  const guard = new AgentTrustGuard(sink, agent.id, { flushIntervalMs: 60_000, queueCapacity: ROUND });
  let reportNs = 0;
  let baselineNs = 0;
  let pushed = [];
  for (let r = 0; r < ROUNDS + 5; r++) {
    const warm = r < 5;
    let t = performance.now();
    for (let i = 0; i < ROUND; i++)
      guard.report('web_search', (i & 7) !== 0, i & 1023, (i & 7) === 0 ? 'TimeoutError' : undefined);
    const reportTime = performance.now() - t;
    // Baseline: what the issue compares against, an event object with a timestamp pushed into an array.
    t = performance.now();
    for (let i = 0; i < ROUND; i++) {
      pushed.push({
        toolName: 'web_search',
        success: (i & 7) !== 0,
        durationMs: i & 1023,
        errorType: (i & 7) === 0 ? 'TimeoutError' : undefined,
        timestamp: Date.now(),
      });
    }
    const baselineTime = performance.now() - t;
    if (!warm) {
      reportNs += reportTime * 1e6;
      baselineNs += baselineTime * 1e6;
    }
    pushed = [];
    // Drain between rounds (not timed), into the sink.
    await guard.flush();
  }
  const perReport = reportNs / (ROUND * ROUNDS);
  const perPush = baselineNs / (ROUND * ROUNDS);
  const stats = guard.stats();
  console.log(
    `report(): ${perReport.toFixed(1)} ns/call amortised over ${ROUND * ROUNDS} calls (target <= 200 ns)`,
  );
  console.log(
    `  baseline array.push({..., timestamp: Date.now()}): ${perPush.toFixed(1)} ns/call; ratio ${(perReport / perPush).toFixed(2)}`,
  );
  console.log(`  sent ${stats.sent}, dropped ${stats.dropped}, failed batches ${stats.failedBatches}`);
  await guard.close();
}

// --- 2. memory after 10 million reports with the gateway down (default queue capacity) --------------------------------
{
  const N = 10_000_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const guard = new AgentTrustGuard(downClient, agent.id, { flushIntervalMs: 100 });
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    guard.report('web_search', true, i & 1023);
    // Yield now and then so the (failing) batch sends really happen during the flood.
    if ((i & 0xfffff) === 0) await new Promise((r) => setImmediate(r));
  }
  const elapsed = performance.now() - t;
  gc();
  const after = process.memoryUsage().heapUsed;
  const s = guard.stats();
  console.log(
    `10,000,000 reports, gateway down: heap ${mb(before)} -> ${mb(after)} (+${mb(after - before)}); queue capacity ${s.capacity}`,
  );
  console.log(
    `  queued ${s.queued}, dropped ${s.dropped}, failed batches ${s.failedBatches}, ${((elapsed * 1e6) / N).toFixed(1)} ns/report incl. drops`,
  );
  await guard.close(1_000);
  // What an unbounded queue of the same events would hold, for scale: 1 million event objects.
  gc();
  const b2 = process.memoryUsage().heapUsed;
  const unbounded = [];
  for (let i = 0; i < 1_000_000; i++)
    unbounded.push({ toolName: 'web_search', success: true, durationMs: i & 1023, timestamp: Date.now() });
  gc();
  console.log(
    `  for scale: an unbounded array of 1,000,000 such events holds +${mb(process.memoryUsage().heapUsed - b2)}`,
  );
  unbounded.length = 0;
}

// --- 3. guard.check() vs client.actions.check() ------------------------------------------------
{
  const guard = new AgentTrustGuard(client, agent.id);
  const params = { agentId: agent.id, toolName: 'web_search', sessionId: guard.sessionId };
  const bare = () => client.actions.check(params);
  const guarded = () => guard.check('web_search');
  for (let i = 0; i < 300; i++) {
    await bare();
    await guarded();
  }
  // Per-call alternation (ABBA order) so the drift of a shared, noisy machine hits both alike;
  // medians of the per-call latencies, plus the trimmed means for a second view.
  const N = 3_000;
  const bareTimes = [];
  const guardTimes = [];
  const once = async (fn, into) => {
    const t = performance.now();
    await fn();
    into.push((performance.now() - t) * 1000);
  };
  for (let i = 0; i < N; i++) {
    if (i % 2 === 0) {
      await once(bare, bareTimes);
      await once(guarded, guardTimes);
    } else {
      await once(guarded, guardTimes);
      await once(bare, bareTimes);
    }
  }
  const trimmed = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const cut = Math.floor(sorted.length * 0.1);
    const kept = sorted.slice(cut, sorted.length - cut);
    return kept.reduce((a, b) => a + b, 0) / kept.length;
  };
  const b = median(bareTimes);
  const g = median(guardTimes);
  console.log(
    `guard.check(): median ${g.toFixed(1)} us/call vs bare client.actions.check ${b.toFixed(1)} us/call: ratio ${(g / b).toFixed(3)} (target <= 1.05; ${N} calls each, alternated)`,
  );
  console.log(
    `  10%-trimmed means: ${trimmed(guardTimes).toFixed(1)} vs ${trimmed(bareTimes).toFixed(1)} us: ratio ${(trimmed(guardTimes) / trimmed(bareTimes)).toFixed(3)}`,
  );
  await guard.close();
}

// --- 4. the cost of DPoP ----------------------------------------------------------------------
{
  const { AgentCredentials, mintDPoPProof } = await import(
    process.env.AGENTTRUST_SDK_IDENTITY_ENTRY ?? '@agenttrustid/sdk/identity'
  );
  const keyed = await client.agents.create({ name: 'bench-keyed', capabilities: ['web:search'] });
  const pair = await client.keyStore.get(keyed.id);
  const url = `${server.url}/api/v1/agenttrust/check`;
  const MINTS = 2_000;
  for (let i = 0; i < 200; i++) await mintDPoPProof(pair, 'POST', url, 'token');
  let t = performance.now();
  for (let i = 0; i < MINTS; i++) await mintDPoPProof(pair, 'POST', url, 'token');
  const mintUs = ((performance.now() - t) * 1000) / MINTS;

  const plain = new AgentTrustGuard(client, keyed.id);
  const withCredentials = new AgentTrustGuard(client, keyed.id, {
    credentials: new AgentCredentials(client, keyed.id),
  });
  for (let i = 0; i < 200; i++) {
    await plain.check('web_search');
    await withCredentials.check('web_search');
  }
  const N = 1_000;
  const plainTimes = [];
  const credTimes = [];
  for (let i = 0; i < N; i++) {
    const order = i % 2 === 0 ? [plain, withCredentials] : [withCredentials, plain];
    for (const g of order) {
      t = performance.now();
      await g.check('web_search');
      (g === plain ? plainTimes : credTimes).push((performance.now() - t) * 1000);
    }
  }
  const p = median(plainTimes);
  const c = median(credTimes);
  console.log(
    `DPoP: mintDPoPProof ${mintUs.toFixed(1)} us/call; guard.check() with credentials median ${c.toFixed(1)} us vs without ${p.toFixed(1)} us: ratio ${(c / p).toFixed(3)} (${N} calls each, alternated; the gateway verifies the bearer and proof too)`,
  );
  console.log(
    `  the client's share: proof minting per call / a check without credentials = ${(mintUs / p).toFixed(3)}`,
  );
  await plain.close();
  await withCredentials.close();
}

await server.close();

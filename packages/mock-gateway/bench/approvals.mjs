// Destructive checks against many stored approvals, in process (no HTTP), as a timed figure, not
// an assertion: each check looks up the approvals of its own binding (agent + action name +
// effect + session). Usage (after `pnpm build`): node bench/approvals.mjs [checks] [stored]
// e.g. `node bench/approvals.mjs 5000 15000`; prints the time with none stored and with `stored`.
// MOCK_DIST=/path/to/another/dist compares a build of another revision.
const { createMockGateway } = await import(
  process.env.MOCK_DIST ? `${process.env.MOCK_DIST}/index.js` : '../dist/index.js'
);

const CHECKS = Number(process.argv[2] ?? 5000);
const STORED = Number(process.argv[3] ?? 20000);
const KEY = 'sk_test_agenttrust';
const base = 'http://mock.test';

async function call(gateway, method, path, body) {
  const response = await gateway.fetch(
    new Request(base + path, {
      method,
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return response.json();
}

async function run(stored) {
  const gateway = createMockGateway();
  const { agent } = await call(gateway, 'POST', '/api/v1/agents', { name: 'bench', capabilities: ['*'] });
  // Each destructive check on a new binding stores one pending approval.
  for (let i = 0; i < stored; i++) {
    await call(gateway, 'POST', '/api/v1/agenttrust/check', {
      agent_id: agent.id,
      action_name: `seed_${i}`,
      action_effect: 'destructive',
      action_source: 'api',
    });
  }
  const count = gateway.state.approvals.size;
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < CHECKS; i++) {
    await call(gateway, 'POST', '/api/v1/agenttrust/check', {
      agent_id: agent.id,
      action_name: 'drop_table',
      action_effect: 'destructive',
      action_source: 'api',
    });
  }
  const used = process.cpuUsage(cpu);
  return {
    stored: count,
    ms: Math.round(performance.now() - started),
    cpuMs: Math.round((used.user + used.system) / 1000),
  };
}

for (const stored of [0, STORED]) {
  const { stored: count, ms, cpuMs } = await run(stored);
  // CPU time as well: on a shared machine the wall time says more about the neighbours.
  console.log(`${CHECKS} destructive checks with ${count} approvals stored: ${ms} ms (${cpuMs} ms CPU)`);
}

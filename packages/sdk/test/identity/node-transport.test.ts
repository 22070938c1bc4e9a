// Credentials over the Node entry's transport (the fast path: headers passed as a plain object)
// against the mock gateway on 127.0.0.1: each attempt of a retried check has its own DPoP proof.
import { createServer, request } from 'node:http';
import { API_KEYS } from '@agenttrustid/mock-gateway';
import { startMockGatewayServer } from '@agenttrustid/mock-gateway/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultFetch } from '../../src/core/transport.node.js';
import { AgentCredentials } from '../../src/identity/index.js';
import { AgentTrustClient } from '../../src/index.js';

let mock: Awaited<ReturnType<typeof startMockGatewayServer>>;
// A proxy in front of the mock that records each check's DPoP header (the mock's journal redacts it).
const proofs: string[] = [];
// The Host header goes through as sent, so the gateway sees the URL the SDK addressed (the proof's htu).
const proxy = createServer((req, res) => {
  if (req.url === '/api/v1/agenttrust/check') proofs.push(String(req.headers.dpop));
  const target = new URL(mock.url);
  const upstream = request(
    { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  req.pipe(upstream);
});
let url = '';
beforeAll(async () => {
  mock = await startMockGatewayServer();
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});
afterAll(async () => {
  proxy.close();
  await mock.close();
});

it('a retried check sends a new proof on each attempt', async () => {
  const client = new AgentTrustClient({
    baseUrl: url,
    apiKey: API_KEYS.full,
    fetch: defaultFetch(),
    logLevel: 'off',
  });
  const agent = await client.agents.create({ name: 'bot', capabilities: ['web:search'] });
  const credentials = new AgentCredentials(client, agent.id);
  mock.gateway.faults.add({ operation: 'checkAction', kind: 'status', status: 503, retryAfter: 0, times: 1 });
  expect(
    (await client.actions.check({ agentId: agent.id, toolName: 'web_search' }, { credentials })).allowed,
  ).toBe(true);
  expect(proofs).toHaveLength(2);
  expect(proofs[0]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(new Set(proofs).size).toBe(2);
});

import { createServer } from 'node:net';
import { AgentTrustGuard, type AgentTrustGuardOptions } from '../../src/guard/index.js';
import { createTestClient, type TestClientOptions } from '../../src/testing/index.js';

/** A mock gateway, a real client in front of it, an agent allowed every tool, and a guard for it. */
export async function setup(
  guardOptions: AgentTrustGuardOptions = {},
  clientOptions: TestClientOptions = {},
) {
  const t = createTestClient({ ...clientOptions, client: { maxRetries: 0, ...clientOptions.client } });
  const agent = await t.createAgent({ capabilities: ['*'] });
  const guard = new AgentTrustGuard(t.client, agent.id, guardOptions);
  const bodiesOf = (operationId: string) =>
    t.gateway.requests
      .filter((r) => r.operationId === operationId)
      .map((r) => r.body as Record<string, unknown>);
  return { ...t, agent, guard, bodiesOf };
}

/** A 127.0.0.1 port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

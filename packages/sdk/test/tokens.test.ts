import { describe, expect, it } from 'vitest';
import { useGateway } from './helpers.js';
import { newAgent } from './operations.js';

const { gateway, client } = useGateway();
const issued = () => gateway.requests.filter((r) => r.operationId === 'issueToken').length;

describe('token cache', () => {
  it('reuses an unexpired token for the same agent, scopes (in any order) and session', async () => {
    const c = client();
    const agent = await newAgent(c);
    const a = await c.tokens.issue({
      agentId: agent.id,
      scopes: ['files:read', 'web:search'],
      sessionId: 'sess_1',
    });
    const b = await c.tokens.issue({
      agentId: agent.id,
      scopes: ['web:search', 'files:read'],
      sessionId: 'sess_1',
    });
    expect(b.token).toBe(a.token);
    expect(issued()).toBe(1);
    const other = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] });
    expect(other.token).not.toBe(a.token);
    const otherSession = await c.tokens.issue({
      agentId: agent.id,
      scopes: ['files:read', 'web:search'],
      sessionId: 'sess_2',
    });
    expect(otherSession.token).not.toBe(a.token);
    expect(issued()).toBe(3);
    // The request in wire keys (the cache key fields among them).
    expect(gateway.requests.find((r) => r.operationId === 'issueToken')!.body).toEqual({
      agent_id: agent.id,
      scopes: ['files:read', 'web:search'],
      session_id: 'sess_1',
    });
  });

  it('sends one request however many callers ask at once', async () => {
    const c = client();
    const agent = await newAgent(c);
    gateway.faults.add({ operation: 'issueToken', kind: 'latency', latencyMs: 50 });
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] })),
    );
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(issued()).toBe(1);
  });

  it('replaces a token shortly before it expires, with a single request', async () => {
    let now = Date.now();
    const c = client({ tokenCache: { now: () => now, refreshBeforeExpiryMs: 30_000 } });
    const agent = await newAgent(c);
    const first = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'], ttlSeconds: 600 });
    // ttlSeconds goes out as the gateway's `ttl`.
    expect(gateway.requests.find((r) => r.operationId === 'issueToken')!.body).toMatchObject({ ttl: 600 });
    now += 560_000; // 40 s left: still reused
    expect((await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] })).token).toBe(first.token);
    now += 15_000; // 25 s left: inside the 30 s margin
    const again = await Promise.all(
      [1, 2, 3].map(() => c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] })),
    );
    expect(new Set(again.map((t) => t.token)).size).toBe(1);
    expect(again[0]!.token).not.toBe(first.token);
    expect(issued()).toBe(2);
  });

  it('does not cache a failure', async () => {
    const c = client();
    const agent = await newAgent(c);
    gateway.faults.add({ operation: 'issueToken', kind: 'status', status: 500, times: 1 });
    await expect(
      c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] }, { maxRetries: 0 }),
    ).rejects.toMatchObject({
      status: 500,
    });
    await expect(c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] })).resolves.toMatchObject({
      agentId: agent.id,
    });
    expect(issued()).toBe(2);
  });

  it('is bounded: the least recently used token goes first', async () => {
    const c = client({ tokenCache: { maxEntries: 2 } });
    const agent = await newAgent(c);
    const ask = (scope: string) => c.tokens.issue({ agentId: agent.id, scopes: [scope] });
    await ask('files:read');
    await ask('web:search');
    await ask('files:read'); // touch: web:search is now the oldest
    await ask('db:delete'); // evicts web:search
    expect(c.tokens._cacheSize).toBe(2);
    expect(issued()).toBe(3);
    await ask('files:read');
    expect(issued()).toBe(3);
    await ask('web:search');
    expect(issued()).toBe(4);
  });

  it('useCache: false on the call, or tokenCache: false on the client, always issues', async () => {
    const c = client();
    const agent = await newAgent(c);
    await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] }, { useCache: false });
    await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] }, { useCache: false });
    expect(issued()).toBe(2);
    const uncached = client({ tokenCache: false });
    await uncached.tokens.issue({ agentId: agent.id, scopes: ['files:read'] });
    await uncached.tokens.issue({ agentId: agent.id, scopes: ['files:read'] });
    expect(issued()).toBe(4);
  });

  it('drops a revoked token, and the tokens of a revoked agent', async () => {
    const c = client();
    const agent = await newAgent(c);
    const t1 = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] });
    await c.tokens.revoke(t1.token);
    const t2 = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] });
    expect(t2.token).not.toBe(t1.token);
    const other = await newAgent(c, 'other-bot');
    await c.tokens.issue({ agentId: other.id, scopes: ['files:read'] });
    expect(c.tokens._cacheSize).toBe(2);
    await c.agents.revoke(agent.id);
    // Only the revoked agent's token goes.
    expect(c.tokens._cacheSize).toBe(1);
    await c.agents.revoke(other.id, 'compromised');
    expect(c.tokens._cacheSize).toBe(0);
  });

  it("a caller's abort ends only its own wait", async () => {
    const c = client();
    const agent = await newAgent(c);
    gateway.faults.add({ operation: 'issueToken', kind: 'latency', latencyMs: 100 });
    const controller = new AbortController();
    const aborted = c.tokens.issue(
      { agentId: agent.id, scopes: ['files:read'] },
      { signal: controller.signal },
    );
    const waiting = c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await expect(waiting).resolves.toMatchObject({ agentId: agent.id });
    expect(issued()).toBe(1);
  });
});

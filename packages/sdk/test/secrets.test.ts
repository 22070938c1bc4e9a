// The API key and issued tokens never show in an error, a log line, JSON.stringify(client) or
// util.inspect(client).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AgentTrustClient } from '../src/index.js';
import { KEY, useGateway } from './helpers.js';
import { newAgent } from './operations.js';

const { gateway, client } = useGateway();

function capture() {
  const lines: string[] = [];
  const push = (...args: unknown[]) =>
    lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '));
  return { lines, logger: { error: push, warn: push, info: push, debug: push } };
}

describe('secrets', () => {
  it('are not in JSON.stringify(client) or util.inspect(client), even with a cached token', async () => {
    const c = client();
    const agent = await newAgent(c);
    const token = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] });
    for (const text of [
      JSON.stringify(c),
      inspect(c, { depth: 20, showHidden: true }),
      inspect(c.tokens, { depth: 20, showHidden: true }),
      inspect(c.actions, { depth: 20, showHidden: true }),
      String(c),
    ]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(token.token);
    }
    expect(JSON.parse(JSON.stringify(c))).toEqual({
      baseUrl: 'http://gateway.test',
      services: { auth: 'http://gateway.test', audit: 'http://gateway.test' },
      timeout: 30_000,
      maxRetries: 2,
    });
    expect(inspect(c)).toBe('AgentTrustClient { baseUrl: "http://gateway.test" }');
  });

  it('are not in error messages or serialized errors', async () => {
    const errors: unknown[] = [];
    const wrongKey = 'sk_live_0123456789abcdef';
    const bad = new AgentTrustClient({ baseUrl: 'http://gateway.test', apiKey: wrongKey, logLevel: 'off' });
    errors.push(await bad.agents.list().catch((e) => e));
    const c = client();
    const agent = await newAgent(c);
    const token = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'], ttlSeconds: 1 });
    gateway.clock.advance(2_000);
    errors.push(await c.sessions.initApiSession(token.token).catch((e) => e));
    gateway.faults.add({ operation: 'introspectToken', kind: 'wrong_type' });
    errors.push(await c.tokens.introspect({ token: token.token }).catch((e) => e));
    gateway.faults.add({ operation: 'getAgent', kind: 'drop' });
    errors.push(await c.agents.get(agent.id, { maxRetries: 0 }).catch((e) => e));
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      const text = [
        String(error),
        JSON.stringify(error),
        inspect(error, { depth: 20, showHidden: true }),
      ].join('\n');
      for (const secret of [wrongKey, KEY, token.token]) expect(text).not.toContain(secret);
    }
  });

  it('are not in log lines, at the most verbose level', async () => {
    const { lines, logger } = capture();
    const c = client({ logger, logLevel: 'debug' });
    const agent = await newAgent(c);
    gateway.faults.add({ operation: 'issueToken', kind: 'status', status: 503, retryAfter: 0, times: 1 });
    const token = await c.tokens.issue({ agentId: agent.id, scopes: ['files:read'] });
    await c.tokens.introspect({ token: token.token });
    await c.sessions.initApiSession(token.token);
    await c.agents.get('agt_missing').catch(() => {});
    expect(lines.some((l) => l.includes('retry 1 of POST /api/v1/agent-tokens/issue'))).toBe(true);
    expect(lines.some((l) => l.includes('GET /api/v1/agents/agt_missing -> 404'))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain(KEY);
      expect(line).not.toContain(token.token);
    }
  });
});

/**
 * A destructive check looks up the approvals of its own binding (agent + action name + effect +
 * session) in an index; it never scans every stored approval. Timed figures: bench/approvals.mjs.
 */
import { describe, expect, it } from 'vitest';
import { createMockGateway } from '../src/index.js';
import { KEY } from './harness.js';

const setup = async () => {
  const gateway = createMockGateway();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await gateway.fetch(
      new Request(`http://mock.test${path}`, {
        method,
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return (await response.json()) as any;
  };
  const { agent } = await call('POST', '/api/v1/agents', { name: 'a', capabilities: ['*'] });
  const check = (action_name: string, session_id?: string) =>
    call('POST', '/api/v1/agenttrust/check', {
      agent_id: agent.id,
      action_name,
      action_effect: 'destructive',
      action_source: 'api',
      ...(session_id ? { session_id } : {}),
    });
  return { gateway, call, check };
};

describe('approval lookups', () => {
  it('a destructive check does not scan every stored approval', async () => {
    const { gateway, check } = await setup();
    for (let i = 0; i < 300; i++) await check(`seed_${i}`);
    expect(gateway.state.approvals.size).toBe(300);
    let scans = 0;
    const values = gateway.state.approvals.values.bind(gateway.state.approvals);
    gateway.state.approvals.values = () => {
      scans += 1;
      return values();
    };
    const first = await check('drop_table');
    const again = await check('drop_table');
    expect(first.rule).toBe('elevation_required');
    // The same binding finds its pending approval, not a new one.
    expect(again.approval_id).toBe(first.approval_id);
    expect(scans).toBe(0);
  });

  it('keeps the binding: agent, exact action name, effect and session', async () => {
    const { gateway, call, check } = await setup();
    const pending = await check('drop_table', 'sess_1');
    await call('POST', `/mcp/approvals/${pending.approval_id}/approve`, { decided_by: 'ops' });
    expect((await check('drop_table', 'sess_1')).rule).toBe('elevation_granted');
    // Another session, no session, another name: each asks for its own approval.
    for (const [name, session] of [
      ['drop_table', 'sess_2'],
      ['drop_table', undefined],
      ['DROP_TABLE', 'sess_1'],
    ] as const) {
      const answer = await check(name, session);
      expect(answer.rule, `${name} ${session}`).toBe('elevation_required');
      expect(answer.approval_id).not.toBe(pending.approval_id);
    }
    // A reset empties the index with the approvals.
    gateway.reset();
    expect(gateway.state.approvalsByBinding.size).toBe(0);
  });

  it('finds approvals a test put straight into the state (the index is rebuilt)', async () => {
    const { gateway, check } = await setup();
    const agentId = [...gateway.state.agents.keys()][0]!;
    const now = gateway.clock.iso();
    gateway.state.approvals.set('apr_direct', {
      seq: 999,
      id: 'apr_direct',
      session_id: '',
      agent_id: agentId,
      org_id: 'org_mock',
      action_name: 'drop_table',
      action_effect: 'destructive',
      status: 'approved',
      created_at: now,
      expires_at: now,
      decided_by: 'ops',
      decided_at: now,
      check_id: 'chk_x',
      consumed_at: null,
    });
    const answer = await check('drop_table');
    expect([answer.rule, answer.approval_id]).toEqual(['elevation_granted', 'apr_direct']);
  });
});

/** Guardian's documented rules (README.md "Policy"), unit-level and through the API in both modes. */
import { describe, expect, it } from 'vitest';
import { classifyEffect, covers } from '../src/index.js';
import { eachMode, type Harness, jwt } from './harness.js';

describe('effect classification by tool name', () => {
  it.each([
    ['web_search', 'read'],
    ['getUser', 'read'],
    ['fs.read', 'read'],
    ['list-files', 'read'],
    ['db_delete', 'destructive'],
    ['deleteUser', 'destructive'],
    ['files:purge', 'destructive'],
    ['rm', 'destructive'],
    ['grant_role', 'admin'],
    ['sudo', 'admin'],
    ['update_config', 'admin'],
    ['send_email', 'mutating'],
    ['createIssue', 'mutating'],
    ['run_code', 'mutating'],
    ['frobnicate', 'mutating'],
    // The most dangerous class any word belongs to wins.
    ['read_then_delete', 'destructive'],
    ['get_permissions', 'admin'],
    ['search_and_update', 'mutating'],
  ])('%s is %s', (tool, effect) => {
    expect(classifyEffect(tool)).toBe(effect);
  });
});

describe('capability matching', () => {
  it.each([
    ['web:search', 'web_search', true],
    ['web:search', 'Web.Search', true],
    ['web:search', 'web-search', true],
    ['web:search', 'web/search', true],
    ['web_search', 'web:search', true],
    ['web:search', 'web_searcher', false],
    ['web:search', 'websearch', false],
    ['db:*', 'db_delete', true],
    ['db:*', 'db:read:rows', true],
    ['db:*', 'db', false],
    ['db:*', 'dbx_delete', false],
    ['*', 'anything_at_all', true],
    ['files:read', 'files:*', false],
    ['files:*', 'files:*', true],
  ])('%s grants %s: %s', (capability, tool, granted) => {
    expect(covers(capability, tool)).toBe(granted);
  });
});

async function agent(h: Harness, name: string, capabilities: string[]): Promise<string> {
  const a = await h.post('/api/v1/agents', { name, capabilities });
  expect(a.status).toBe(201);
  return a.body.agent.id;
}

/** The mock-only admin calls for what the wire cannot do: suspend, and session modes. */
async function setStatus(h: Harness, id: string, status: 'active' | 'suspended') {
  const answer = await h.call('POST', `/__mock/agents/${id}/status`, { key: null, body: { status } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}
async function openSession(h: Harness, agentId: string, admin?: { mode?: string; scope_ceiling?: string[] }) {
  const session = await h.post('/mcp/sessions/init', { agent_id: agentId, server_id: 'srv' });
  expect(session.status).toBe(201);
  if (admin) {
    const set = await h.call('POST', `/__mock/sessions/${session.body.session_id}`, {
      key: null,
      body: admin,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
  }
  return session.body.session_id as string;
}

const check = async (
  h: Harness,
  agentId: string,
  actionName: string,
  extra: Record<string, unknown> = {},
) => {
  const answer = await h.post('/api/v1/agenttrust/check', {
    agent_id: agentId,
    action_name: actionName,
    action_source: 'api',
    ...extra,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

const MIN = 60_000;

eachMode('Guardian', (h) => {
  it('allows a tool within the capabilities, with lower confidence for a classified effect', async () => {
    const id = await agent(h(), 'a', ['web:search']);
    expect(await check(h(), id, 'web_search', { action_effect: 'read' })).toMatchObject({
      allowed: true,
      rule: 'capability_granted',
      confidence: 1,
      elevation_required: false,
      approval_id: null,
      reason: "tool 'web_search' matches capability 'web:search'",
      check_id: expect.stringMatching(/^chk_/),
    });
    // The Python and TypeScript clients send empty session and summary: accepted as absent.
    expect(await check(h(), id, 'web_search', { session_id: '', action_input_summary: '' })).toMatchObject({
      allowed: true,
      confidence: 0.9,
    });
    expect(h().gateway.state.sessions.size).toBe(0);
  });

  it('denies a tool outside the capabilities before considering elevation', async () => {
    const id = await agent(h(), 'a', ['web:search']);
    expect(await check(h(), id, 'db_delete')).toMatchObject({
      allowed: false,
      rule: 'no_capability',
      elevation_required: false,
      approval_id: null,
      confidence: 1,
    });
    expect(h().gateway.state.approvals.size).toBe(0);
  });

  it('denies everything to revoked and suspended agents', async () => {
    const id = await agent(h(), 'a', ['*']);
    await setStatus(h(), id, 'suspended');
    expect((await h().get(`/api/v1/agents/${id}`)).body.status).toBe('suspended');
    expect(await check(h(), id, 'web_search')).toMatchObject({ allowed: false, rule: 'agent_suspended' });
    await setStatus(h(), id, 'active');
    expect(await check(h(), id, 'web_search')).toMatchObject({ allowed: true });
    expect((await h().post(`/api/v1/agents/${id}/revoke`, { reason: 'manual_revocation' })).status).toBe(200);
    expect(await check(h(), id, 'web_search')).toMatchObject({ allowed: false, rule: 'agent_revoked' });
    // Revocation is final: the admin call cannot bring it back.
    const back = await h().call('POST', `/__mock/agents/${id}/status`, {
      key: null,
      body: { status: 'active' },
    });
    expect([back.status, back.body.code]).toEqual([409, 'AGENT_REVOKED']);
  });

  it('requires elevation for destructive and admin calls, reusing the pending approval', async () => {
    const id = await agent(h(), 'a', ['db:*', 'iam:*']);
    const first = await check(h(), id, 'db_delete', { session_id: 'sess-1' });
    expect(first).toMatchObject({
      allowed: false,
      rule: 'elevation_required',
      elevation_required: true,
      confidence: 0.9,
    });
    expect(first.approval_id).toMatch(/^apr_/);
    const again = await check(h(), id, 'db_delete', { session_id: 'sess-1' });
    expect(again.approval_id).toBe(first.approval_id);
    const admin = await check(h(), id, 'iam_grant');
    expect(admin).toMatchObject({ rule: 'elevation_required' });
    expect(admin.approval_id).not.toBe(first.approval_id);
    expect(h().gateway.state.approvals.get(admin.approval_id)?.action_effect).toBe('admin');

    const approval = await h().get(`/mcp/approvals/${first.approval_id}`);
    expect(approval.body).toEqual({
      id: first.approval_id,
      agent_id: id,
      session_id: 'sess-1',
      org_id: 'org_mock',
      action_name: 'db_delete',
      action_effect: 'destructive',
      status: 'pending',
      created_at: '2026-11-22T10:00:00.000Z',
      expires_at: '2026-11-22T10:05:00.000Z',
      decided_by: null,
    });
    // A hint overrides classification, and mutating calls need no approval.
    expect(await check(h(), id, 'db_delete', { action_effect: 'mutating' })).toMatchObject({
      allowed: true,
      confidence: 1,
    });
  });

  it('allows the approved binding within the elevation window, and nothing else', async () => {
    const id = await agent(h(), 'a', ['db:*']);
    const asked = await check(h(), id, 'db_delete', { session_id: 's1', action_input_summary: 'rows 1-10' });
    await h().post(`/mcp/approvals/${asked.approval_id}/approve`, { decided_by: 'admin@company.com' });

    // The input summary is not part of the binding (it is not a digest of the input).
    const granted = await check(h(), id, 'db_delete', {
      session_id: 's1',
      action_input_summary: 'other rows',
    });
    expect(granted).toMatchObject({
      allowed: true,
      rule: 'elevation_granted',
      approval_id: asked.approval_id,
    });
    // Within the window it keeps allowing (outside supervised sessions).
    h().gateway.clock.advance(4 * MIN);
    expect(await check(h(), id, 'db_delete', { session_id: 's1' })).toMatchObject({ allowed: true });

    // Replaying the approval for another session, tool or effect is refused: each asks anew.
    for (const [tool, extra] of [
      ['db_delete', { session_id: 's2' }],
      ['db_delete', {}],
      ['db_drop', { session_id: 's1' }],
      ['db_delete', { session_id: 's1', action_effect: 'admin' }],
    ] as const) {
      const answer = await check(h(), id, tool, extra);
      expect(answer, JSON.stringify([tool, extra])).toMatchObject({
        allowed: false,
        rule: 'elevation_required',
      });
      expect(answer.approval_id).not.toBe(asked.approval_id);
    }

    // Five minutes after the decision the window closes.
    h().gateway.clock.advance(1 * MIN);
    const closed = await check(h(), id, 'db_delete', { session_id: 's1' });
    expect(closed).toMatchObject({ allowed: false, rule: 'elevation_required' });
    expect(closed.approval_id).not.toBe(asked.approval_id);
  });

  it('expires pending approvals after five minutes on the injected clock', async () => {
    const id = await agent(h(), 'a', ['db:*']);
    const asked = await check(h(), id, 'db_truncate');
    h().gateway.clock.advance(5 * MIN - 1);
    expect((await h().get(`/mcp/approvals/${asked.approval_id}`)).body.status).toBe('pending');
    // Over HTTP, through the admin clock.
    const moved = await h().call('POST', '/__mock/clock', { key: null, body: { advance_ms: 1 } });
    expect(moved.body).toEqual({ now: '2026-11-22T10:05:00.000Z' });
    expect((await h().get(`/mcp/approvals/${asked.approval_id}`)).body.status).toBe('expired');
    const approve = await h().post(`/mcp/approvals/${asked.approval_id}/approve`, { decided_by: 'late' });
    expect([approve.status, approve.body.code, approve.body.details]).toEqual([
      409,
      'CONFLICT',
      { status: 'expired' },
    ]);
    const fresh = await check(h(), id, 'db_truncate');
    expect(fresh.approval_id).not.toBe(asked.approval_id);
  });

  it('keeps a denial denied for its binding for five minutes', async () => {
    const id = await agent(h(), 'a', ['db:*']);
    const asked = await check(h(), id, 'db_delete');
    await h().post(`/mcp/approvals/${asked.approval_id}/deny`, { decided_by: 'security' });
    const denied = await check(h(), id, 'db_delete');
    expect(denied).toMatchObject({
      allowed: false,
      rule: 'elevation_denied',
      approval_id: asked.approval_id,
      elevation_required: false,
    });
    const reapprove = await h().post(`/mcp/approvals/${asked.approval_id}/approve`, { decided_by: 'x' });
    expect([reapprove.status, reapprove.body.details]).toEqual([409, { status: 'denied' }]);
    h().gateway.clock.advance(5 * MIN);
    expect((await h().get(`/mcp/approvals/${asked.approval_id}`)).body.status).toBe('denied');
    const anew = await check(h(), id, 'db_delete');
    expect(anew).toMatchObject({ rule: 'elevation_required' });
    expect(anew.approval_id).not.toBe(asked.approval_id);
  });

  it('spends an approval on one call in a supervised session', async () => {
    const id = await agent(h(), 'a', ['db:*']);
    const session = await openSession(h(), id, { mode: 'supervised' });
    expect((await h().get(`/mcp/sessions/${session}`)).body.mode).toBe('supervised');
    const asked = await check(h(), id, 'db_delete', { session_id: session });
    await h().post(`/mcp/approvals/${asked.approval_id}/approve`, { decided_by: 'admin' });
    expect(await check(h(), id, 'db_delete', { session_id: session })).toMatchObject({
      allowed: true,
      rule: 'elevation_granted',
    });
    const second = await check(h(), id, 'db_delete', { session_id: session });
    expect(second).toMatchObject({ allowed: false, rule: 'elevation_required' });
    expect(second.approval_id).not.toBe(asked.approval_id);
    // Every call of the session is in the audit log.
    expect(h().gateway.state.checks.filter((c) => c.session_id === session)).toHaveLength(3);
  });

  it('keeps a restricted session within its scope ceiling', async () => {
    const id = await agent(h(), 'a', ['web:search', 'files:read']);
    const session = await openSession(h(), id, { mode: 'restricted', scope_ceiling: ['web:search'] });
    expect((await h().get(`/mcp/sessions/${session}`)).body).toMatchObject({
      mode: 'restricted',
      scope_ceiling: ['web:search'],
    });
    expect(await check(h(), id, 'web_search', { session_id: session })).toMatchObject({ allowed: true });
    expect(await check(h(), id, 'files_read', { session_id: session })).toMatchObject({
      allowed: false,
      rule: 'outside_scope_ceiling',
    });
    // A ceiling never widens: outside the capabilities is still no_capability.
    expect(await check(h(), id, 'db_read', { session_id: session })).toMatchObject({ rule: 'no_capability' });
    expect(await check(h(), id, 'files_read')).toMatchObject({ allowed: true });
    const bad = await h().call('POST', `/__mock/sessions/${session}`, {
      key: null,
      body: { mode: 'strict' },
    });
    expect([bad.status, bad.body.details.field]).toEqual([400, 'mode']);
  });

  it('counts calls per session, and an unknown session id opens an implicit one', async () => {
    const id = await agent(h(), 'a', ['web:search', 'db:*']);
    const session = await openSession(h(), id);
    await check(h(), id, 'web_search', { session_id: session });
    h().gateway.clock.advance(1000);
    await check(h(), id, 'db_delete', { session_id: session });
    await check(h(), id, 'mail_send', { session_id: session });
    expect((await h().get(`/mcp/sessions/${session}`)).body).toMatchObject({
      total_calls: 3,
      read_calls: 1,
      write_calls: 2,
      denied_calls: 2,
      last_activity_at: '2026-11-22T10:00:01.000Z',
    });

    const guardId = '3f1c9a0e-7b2d-4c55-9e1a-0d6b8f2a4c77';
    expect(await check(h(), id, 'web_search', { session_id: guardId })).toMatchObject({ allowed: true });
    expect((await h().get(`/mcp/sessions/${guardId}`)).body).toMatchObject({
      session_id: guardId,
      agent_id: id,
      mode: 'open',
      source: 'sdk',
      server_id: '',
      total_calls: 1,
      denied_calls: 0,
    });
    const other = await agent(h(), 'b', ['web:search']);
    const mismatch = await h().post('/api/v1/agenttrust/check', {
      agent_id: other,
      action_name: 'web_search',
      action_source: 'api',
      session_id: guardId,
    });
    expect([mismatch.status, mismatch.body.code, mismatch.body.details.field]).toEqual([
      403,
      'AUTH_DENIED',
      'session_id',
    ]);
    // Without a session id nothing is counted.
    const before = h().gateway.state.sessions.size;
    await check(h(), id, 'web_search');
    expect(h().gateway.state.sessions.size).toBe(before);
    expect((await h().get(`/mcp/sessions/${guardId}`)).body.total_calls).toBe(1);
  });

  it('records when an agent last authenticated (state only: the wire has no field for it)', async () => {
    const id = await agent(h(), 'a', ['web:search']);
    expect(h().gateway.state.agents.get(id)?.last_auth_at).toBeNull();
    h().gateway.clock.advance(MIN);
    await check(h(), id, 'web_search');
    expect(h().gateway.state.agents.get(id)?.last_auth_at).toBe('2026-11-22T10:01:00.000Z');
  });
});

eachMode('tokens', (h) => {
  const introspect = async (body: Record<string, unknown>) =>
    (await h().post('/api/v1/agent-tokens/introspect', body)).body;

  it('expire by ttl, respect audience and required scopes, and die with their agent', async () => {
    const id = await agent(h(), 'a', ['files:*', 'web:search']);
    const token = (
      await h().post('/api/v1/agent-tokens/issue', { agent_id: id, scopes: ['files:*'], ttl: 60 })
    ).body;
    expect(token.token).toMatch(/^at_[0-9a-f]{32}$/);
    expect(await introspect({ token: token.token, target: null })).toMatchObject({
      active: true,
      scopes: ['files:*'],
    });
    expect(await introspect({ token: token.token, required_scopes: ['files:read'] })).toMatchObject({
      active: true,
    });
    expect(await introspect({ token: token.token, required_scopes: ['web:search'] })).toMatchObject({
      active: false,
      reasoning: 'insufficient scope: web:search',
    });
    expect(await introspect({ token: 'at_nope' })).toMatchObject({
      active: false,
      reasoning: 'token unknown',
    });
    // No official client sends an audience, so the wire never sets one; the rule still holds.
    h().gateway.state.tokens.get(token.token)!.audience = ['mcp://fs'];
    expect(await introspect({ token: token.token, target: 'mcp://fs' })).toMatchObject({ active: true });
    expect(await introspect({ token: token.token, target: 'mcp://other' })).toMatchObject({
      active: false,
      reasoning: 'audience does not include mcp://other',
    });

    await setStatus(h(), id, 'suspended');
    expect(await introspect({ token: token.token })).toMatchObject({
      active: false,
      reasoning: "the token's agent is suspended",
    });
    const refusedSuspended = await h().post('/api/v1/agent-tokens/issue', {
      agent_id: id,
      scopes: ['web_search'],
    });
    expect([refusedSuspended.status, refusedSuspended.body.code]).toEqual([403, 'AGENT_SUSPENDED']);
    await setStatus(h(), id, 'active');
    h().gateway.clock.advance(59_999);
    expect(await introspect({ token: token.token })).toMatchObject({ active: true });
    h().gateway.clock.advance(1);
    expect(await introspect({ token: token.token })).toMatchObject({
      active: false,
      reasoning: 'token expired',
    });

    const any = (await h().post('/api/v1/agent-tokens/issue', { agent_id: id, scopes: ['web_search'] })).body;
    expect(Date.parse(any.expires_at) - Date.parse(any.issued_at)).toBe(300_000);
    await h().post(`/api/v1/agents/${id}/revoke`);
    expect(await introspect({ token: any.token })).toMatchObject({
      active: false,
      reasoning: "the token's agent is revoked",
    });
    const refused = await h().post('/api/v1/agent-tokens/issue', { agent_id: id, scopes: ['web_search'] });
    expect([refused.status, refused.body.code]).toEqual([403, 'AGENT_REVOKED']);
  });

  it('a token bound to another agent’s session is refused', async () => {
    const a = await agent(h(), 'a', ['web:search']);
    const b = await agent(h(), 'b', ['web:search']);
    const session = await openSession(h(), b);
    const answer = await h().post('/api/v1/agent-tokens/issue', {
      agent_id: a,
      scopes: ['web:search'],
      session_id: session,
    });
    expect([answer.status, answer.body.code, answer.body.details.field]).toEqual([
      403,
      'AUTH_DENIED',
      'session_id',
    ]);
  });

  it('revoked tokens introspect inactive and cannot open sessions', async () => {
    const id = await agent(h(), 'a', ['files:read']);
    const token = (await h().post('/api/v1/agent-tokens/issue', { agent_id: id, scopes: ['files:read'] }))
      .body;
    expect(
      (await h().post('/api/v1/agent-tokens/revoke', { token: token.token, reason: 'manual_revocation' }))
        .status,
    ).toBe(204);
    // Revoking twice is harmless.
    expect((await h().post('/api/v1/agent-tokens/revoke', { token: token.token })).status).toBe(204);
    expect(await introspect({ token: token.token })).toMatchObject({
      active: false,
      reasoning: 'token revoked',
    });
    const session = await h().post('/api/v1/agenttrust/api-sessions/init', { token: token.token });
    expect([session.status, session.body.code, session.body.details.reason]).toEqual([
      401,
      'AUTH_FAILED',
      'revoked',
    ]);
  });

  it('an API-token session is bounded by the token scopes', async () => {
    const id = await agent(h(), 'a', ['files:read', 'web:search']);
    const token = (await h().post('/api/v1/agent-tokens/issue', { agent_id: id, scopes: ['files:read'] }))
      .body;
    const session = (await h().post('/api/v1/agenttrust/api-sessions/init', { token: token.token })).body;
    expect(await check(h(), id, 'web_search', { session_id: session.session_id })).toMatchObject({
      rule: 'outside_scope_ceiling',
    });
    expect(await check(h(), id, 'files_read', { session_id: session.session_id })).toMatchObject({
      allowed: true,
    });
  });
});

eachMode('delegations', (h) => {
  it('only narrow the delegator scope, expire, and stop their sessions when revoked', async () => {
    const alice = await agent(h(), 'alice', ['files:*', 'web:search']);
    const bob = await agent(h(), 'bob', ['web:search']);
    const wider = await h().post('/api/v1/delegations', {
      from_agent_id: alice,
      to_agent_id: bob,
      scope: ['db:read'],
    });
    expect([wider.status, wider.body.code, wider.body.details.scope]).toEqual([
      403,
      'AUTH_DENIED',
      'db:read',
    ]);
    const self = await h().post('/api/v1/delegations', {
      from_agent_id: alice,
      to_agent_id: alice,
      scope: ['web:search'],
    });
    expect([self.status, self.body.details.field]).toEqual([400, 'to_agent_id']);

    const d = (
      await h().post('/api/v1/delegations', {
        from_agent_id: alice,
        to_agent_id: bob,
        scope: ['files:read'],
        ttl_seconds: 600,
      })
    ).body.delegation;
    const session = (await h().post(`/api/v1/delegations/${d.id}/session`)).body.session_id;
    // Bob has no files capability of his own: the delegation grants it within its ceiling.
    expect(await check(h(), bob, 'files_read')).toMatchObject({ rule: 'no_capability' });
    expect(await check(h(), bob, 'files_read', { session_id: session })).toMatchObject({ allowed: true });
    expect(await check(h(), bob, 'web_search', { session_id: session })).toMatchObject({
      rule: 'outside_scope_ceiling',
    });

    await setStatus(h(), alice, 'suspended');
    expect(await check(h(), bob, 'files_read', { session_id: session })).toMatchObject({
      rule: 'delegation_inactive',
    });
    await setStatus(h(), alice, 'active');
    expect((await h().del(`/api/v1/delegations/${d.id}`)).status).toBe(204);
    expect(await check(h(), bob, 'files_read', { session_id: session })).toMatchObject({
      allowed: false,
      rule: 'delegation_inactive',
    });
    expect((await h().get(`/api/v1/delegations/${d.id}`)).body.revoked_at).toBe('2026-11-22T10:00:00.000Z');
    const revokedSession = await h().post(`/api/v1/delegations/${d.id}/session`);
    expect([revokedSession.status, revokedSession.body.details.status]).toEqual([409, 'revoked']);

    const short = (
      await h().post('/api/v1/delegations', {
        from_agent_id: alice,
        to_agent_id: bob,
        scope: ['files:read'],
        ttl_seconds: 60,
      })
    ).body.delegation;
    const shortSession = (await h().post(`/api/v1/delegations/${short.id}/session`, {})).body.session_id;
    h().gateway.clock.advance(60_000);
    expect(await check(h(), bob, 'files_read', { session_id: shortSession })).toMatchObject({
      rule: 'delegation_inactive',
    });
    const revokeExpired = await h().del(`/api/v1/delegations/${short.id}`);
    expect([revokeExpired.status, revokeExpired.body.details.status]).toEqual([409, 'expired']);
  });

  it('a chained delegation narrows its parent and records the chain', async () => {
    const alice = await agent(h(), 'alice', ['files:*']);
    const bob = await agent(h(), 'bob', []);
    const carol = await agent(h(), 'carol', []);
    const parent = (
      await h().post('/api/v1/delegations', {
        from_agent_id: alice,
        to_agent_id: bob,
        scope: ['files:read', 'files:write'],
      })
    ).body.delegation;
    // Bob holds no capability himself, so even a narrower re-delegation is beyond what he holds.
    const beyond = await h().post('/api/v1/delegations', {
      from_agent_id: bob,
      to_agent_id: carol,
      scope: ['files:read'],
      parent_delegation_id: parent.id,
    });
    expect([beyond.status, beyond.body.code]).toEqual([403, 'AUTH_DENIED']);
    const notMine = await h().post('/api/v1/delegations', {
      from_agent_id: alice,
      to_agent_id: carol,
      scope: ['files:read'],
      parent_delegation_id: parent.id,
    });
    expect([notMine.status, notMine.body.details.field]).toEqual([400, 'parent_delegation_id']);
  });
});

eachMode('A2A, cards, SIEM, federation, MCP', (h) => {
  const rpc = (method: string, params: unknown, id: unknown = 1) => ({ jsonrpc: '2.0', id, method, params });

  it('A2A tasks move submitted -> working -> completed, one step per read', async () => {
    const alice = await agent(h(), 'alice', []);
    const bob = await agent(h(), 'bob', []);
    const sent = (
      await h().post(
        '/a2a',
        rpc('tasks/send', {
          source_agent_id: alice,
          target_agent_id: bob,
          message: 'find papers',
          metadata: { k: 1 },
        }),
      )
    ).body;
    expect(sent).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { status: 'submitted', message: 'find papers', metadata: { k: 1 } },
    });
    const id = sent.result.id;
    // Python's integer id and `task_id`, the others' string id and `id`: both answered in kind.
    expect((await h().post('/a2a', rpc('tasks/get', { task_id: id }))).body).toMatchObject({
      id: 1,
      result: { status: 'working' },
    });
    const done = (await h().post('/a2a', rpc('tasks/get', { id }, '2'))).body;
    expect(done).toMatchObject({ id: '2', result: { status: 'completed' } });
    expect(done.result.artifacts[0]).toMatchObject({
      name: 'result',
      parts: [{ kind: 'text', text: 'bob completed: find papers' }],
    });
    expect((await h().post('/a2a', rpc('tasks/get', { id }))).body.result.status).toBe('completed');
    const cancel = (await h().post('/a2a', rpc('tasks/cancel', { id }))).body;
    expect(cancel.error).toMatchObject({ code: -32002 });
    expect((await h().post('/a2a', rpc('tasks/get', { id: 'tsk_missing' }))).body.error.code).toBe(-32001);
    const unknownTarget = (
      await h().post(
        '/a2a',
        rpc('tasks/send', { source_agent_id: alice, target_agent_id: 'agt_x', message: 'x' }),
      )
    ).body;
    expect(unknownTarget.error.code).toBe(-32602);
    const both = await h().post('/a2a', rpc('tasks/get', { id, task_id: id }));
    expect([both.status, both.body.details.field]).toEqual([400, 'params.id']);
    // Schema-valid params of another method (the spec's oneOf does not tie params to the method):
    // a JSON-RPC invalid-params error, as a JSON-RPC server answers, not an undeclared 400.
    const listParams = await h().post('/a2a', rpc('tasks/get', { limit: 499 }));
    expect([listParams.status, listParams.body.error.code]).toEqual([200, -32602]);

    const doomed = (
      await h().post(
        '/a2a',
        rpc('tasks/send', { source_agent_id: alice, target_agent_id: bob, message: 'x' }),
      )
    ).body.result;
    await setStatus(h(), bob, 'suspended');
    expect((await h().post('/a2a', rpc('tasks/get', { id: doomed.id }))).body.result.status).toBe('failed');
    const live = (await h().post('/a2a', rpc('tasks/list', { limit: 50 }))).body.result.tasks.map(
      (t: any) => t.id,
    );
    expect(live).toEqual([doomed.id, id]);
    const cancelled = await h().post(
      '/a2a',
      rpc('tasks/send', { source_agent_id: alice, target_agent_id: alice, message: 'x' }),
    );
    const c = (await h().post('/a2a', rpc('tasks/cancel', { id: cancelled.body.result.id }))).body;
    expect(c.result.status).toBe('canceled');
  });

  it('A2A v1.0 message/send creates a task and continues it by taskId', async () => {
    const bob = await agent(h(), 'bob', []);
    const send = (msg: Record<string, unknown>) =>
      h().post(
        `/a2a/agents/${bob}`,
        rpc('message/send', { message: { role: 'user', messageId: 'm', ...msg } }, 'x'),
      );
    const task = (await send({ parts: [{ kind: 'text', text: 'hello' }] })).body.result;
    expect(task).toMatchObject({
      kind: 'task',
      status: { state: 'submitted' },
      contextId: expect.stringMatching(/^ctx_/),
    });
    const more = (await send({ parts: [{ kind: 'text', text: 'more' }], taskId: task.id })).body.result;
    expect(more.history.map((m: any) => m.parts[0].text)).toEqual(['hello', 'more']);
    expect((await send({ parts: [{ kind: 'text', text: 'x' }], taskId: 'tsk_nope' })).body.error.code).toBe(
      -32001,
    );
  });

  it('the public agent card exists only once published, needs no key, and goes with revocation', async () => {
    const id = await agent(h(), 'alice', ['web:search']);
    expect((await h().get(`/a2a/agents/${id}/agent.json`, { key: null })).status).toBe(404);
    const generated = (await h().post(`/api/v1/agents/${id}/card`)).body;
    expect(generated.supportedInterfaces[0]).toEqual({
      url: `${h().baseUrl}/a2a/agents/${id}`,
      protocolBinding: 'JSONRPC',
      protocolVersion: '1.0',
    });
    expect(generated.skills).toEqual([
      { id: 'web:search', name: 'web:search', description: 'Capability web:search', tags: ['web'] },
    ]);
    expect((await h().get(`/a2a/agents/${id}/agent.json`, { key: null })).status).toBe(404);
    await h().put(`/api/v1/agents/${id}/card/publish`);
    const card = await h().get(`/a2a/agents/${id}/agent.json`, { key: null });
    expect([card.status, card.body.version]).toEqual([200, '1.0.0']);
    // A key sent anyway (the official clients do) is accepted, even a wrong one.
    expect((await h().get(`/a2a/agents/${id}/agent.json`, { key: 'sk_wrong' })).status).toBe(200);
    const rebuilt = (await h().post(`/api/v1/agents/${id}/card`)).body;
    expect(rebuilt.version).toBe('1.0.1');
    expect((await h().get(`/a2a/agents/${id}/agent.json`, { key: null })).body.version).toBe('1.0.1');
    await h().post(`/api/v1/agents/${id}/revoke`);
    expect((await h().get(`/a2a/agents/${id}/agent.json`, { key: null })).status).toBe(404);
  });

  it('SIEM auth_token is stored, never returned or logged; deliveries are simulated', async () => {
    const created = await h().post('/api/v1/siem/destinations', {
      name: 'hook',
      destination_type: 'webhook',
      endpoint_url: 'https://siem.invalid/hook',
      auth_token: 'super-secret-token',
    });
    expect(created.body.auth_token).toBe('********');
    expect(created.text).not.toContain('super-secret-token');
    expect((await h().get('/api/v1/siem/destinations')).text).not.toContain('super-secret-token');
    expect(JSON.stringify(h().gateway.requests)).not.toContain('super-secret-token');
    expect(h().gateway.state.destinations.get(created.body.id)?.auth_token).toBe('super-secret-token');

    const failed = (await h().post(`/api/v1/siem/destinations/${created.body.id}/test`)).body;
    expect(failed).toMatchObject({
      status: 'failed',
      status_code: 0,
      error_message: 'host of https://siem.invalid/hook does not resolve',
    });
    await h().put(`/api/v1/siem/destinations/${created.body.id}`, {
      endpoint_url: 'https://siem.example.com',
      is_active: false,
    });
    expect((await h().post(`/api/v1/siem/destinations/${created.body.id}/test`)).body.error_message).toBe(
      'destination is disabled',
    );
    // Python sends no body at all for an empty update.
    const empty = await h().call('PUT', `/api/v1/siem/destinations/${created.body.id}`);
    expect([empty.status, empty.body.is_active]).toEqual([200, false]);

    const live = (
      await h().post('/api/v1/siem/destinations', {
        name: 'dd',
        destination_type: 'datadog',
        endpoint_url: 'https://dd.example.com',
        filter_event_types: ['tool_end'],
      })
    ).body;
    const id = await agent(h(), 'a', []);
    await h().post('/api/v1/telemetry/report', {
      agent_id: id,
      session_id: 's',
      events: [
        { event_type: 'tool_end', tool_name: 't', success: true, duration_ms: 1 },
        { event_type: 'tool_start', tool_name: 't' },
      ],
    });
    expect(h().gateway.state.telemetry.at(-1)).toMatchObject({
      tool_name: 't',
      success: false,
      duration_ms: 0,
      agent_id: id,
    });
    expect((await h().get(`/api/v1/siem/destinations/${live.id}/logs`)).body).toMatchObject({
      logs: [{ status: 'success', batch_size: 1 }],
      total: 1,
    });
    // The disabled destination got nothing but its two tests.
    expect((await h().get(`/api/v1/siem/destinations/${created.body.id}/logs`)).body.total).toBe(2);
    expect((await h().del(`/api/v1/siem/destinations/${live.id}`)).status).toBe(204);
    expect((await h().get(`/api/v1/siem/destinations/${live.id}/logs`)).status).toBe(404);
  });

  it('federation checks iss against registered providers and exp/nbf against the clock', async () => {
    const iss = 'https://issuer.example.com';
    const provider = (
      await h().post('/api/v1/federation/providers', { issuer: iss, name: 'Example', trust_level: 'low' })
    ).body.provider;
    const now = Date.parse('2026-11-22T10:00:00Z') / 1000;
    const verify = async (token: string, hint?: string) =>
      (await h().post('/api/v1/federation/tokens/verify', { token, ...(hint ? { issuer_hint: hint } : {}) }))
        .body;
    expect(await verify('not-a-jwt')).toEqual({ valid: false, error: 'malformed token' });
    expect(await verify(jwt({ iss }))).toEqual({ valid: false, error: 'malformed token' });
    expect(await verify(jwt({ iss, sub: 'bob', exp: 'soon' }))).toEqual({
      valid: false,
      error: 'malformed token',
    });
    expect(await verify(jwt({ iss, sub: 'bob' }), 'https://other.example.com')).toMatchObject({
      valid: false,
      error: 'issuer does not match the hint',
    });
    expect(await verify(jwt({ iss: 'https://stranger.example.com', sub: 'bob' }))).toMatchObject({
      valid: false,
      error: 'unknown issuer',
    });
    expect(await verify(jwt({ iss, sub: 'bob', exp: now }))).toMatchObject({
      valid: false,
      error: 'token expired',
    });
    expect(await verify(jwt({ iss, sub: 'bob', nbf: now + 60 }))).toMatchObject({
      valid: false,
      error: 'token not yet valid',
    });
    expect(await verify(jwt({ iss, sub: 'bob', exp: now + 60 }), iss)).toEqual({
      valid: true,
      issuer: iss,
      expires_at: '2026-11-22T10:01:00.000Z',
    });
    // Python's path answers `active` and `valid` alike.
    const python = (
      await h().post('/api/v1/federation/tokens/introspect', { token: jwt({ iss, sub: 'bob' }) })
    ).body;
    expect(python).toMatchObject({ active: true, valid: true });

    const token = jwt({ iss, sub: 'bob', scope: 'files:read web:search', exp: now + 60 });
    const first = (await h().post('/api/v1/federation/sessions/init', { token })).body;
    const second = (await h().post('/api/v1/federation/sessions/init', { token })).body;
    // One shadow agent per (issuer, subject).
    expect(first.agent_id).toBe(second.agent_id);
    expect(first).toMatchObject({
      agent_id: expect.stringMatching(/^agt_fed_/),
      provider_id: provider.id,
      trust_level: 'low',
    });
    expect((await verify(token)).agent_id).toBe(first.agent_id);
    const shadow = (await h().get(`/api/v1/agents/${first.agent_id}`)).body;
    expect(shadow).toMatchObject({
      framework: 'federation',
      capabilities: ['files:read', 'web:search'],
      metadata: { federated_subject: 'bob', federated_issuer: iss },
    });
    expect(await check(h(), first.agent_id, 'files_read', { session_id: first.session_id })).toMatchObject({
      allowed: true,
    });
    expect(await check(h(), first.agent_id, 'db_read', { session_id: first.session_id })).toMatchObject({
      rule: 'no_capability',
    });

    h().gateway.clock.advance(60_000);
    const expired = await h().post('/api/v1/federation/sessions/init', { token });
    expect([expired.status, expired.body.code]).toEqual([401, 'TOKEN_EXPIRED']);
    const scp = jwt({ iss, sub: 'carol', scp: ['db:read'] });
    expect((await h().post('/api/v1/federation/sessions/init', { token: scp })).body.scope_ceiling).toEqual([
      'db:read',
    ]);
  });

  it('federation tokens the gateway issues verify until revoked or expired', async () => {
    const id = await agent(h(), 'a', ['files:read']);
    const issued = (
      await h().post('/api/v1/federation/tokens/issue', { agent_id: id, scopes: ['files:read'], ttl: 60 })
    ).body;
    const verify = async () =>
      (await h().post('/api/v1/federation/tokens/verify', { token: issued.id_token })).body;
    expect(await verify()).toMatchObject({ valid: true, agent_id: id });
    const session = (await h().post('/api/v1/federation/sessions/init', { token: issued.id_token })).body;
    expect(session).toMatchObject({ agent_id: id, source: 'federation', scope_ceiling: ['files:read'] });
    expect((await h().post('/api/v1/federation/tokens/revoke', { token: issued.id_token })).status).toBe(204);
    expect(await verify()).toMatchObject({ valid: false, error: 'token revoked' });
    // Revoking an unknown token is not an error (it must not tell which tokens exist).
    expect((await h().post('/api/v1/federation/tokens/revoke', { token: 'fed_nope' })).status).toBe(204);
    const again = (await h().post('/api/v1/federation/tokens/issue', { agent_id: id, ttl: 60 })).body;
    h().gateway.clock.advance(60_000);
    const late = await h().post('/api/v1/federation/sessions/init', { token: again.id_token });
    expect([late.status, late.body.code]).toEqual([401, 'TOKEN_EXPIRED']);
  });

  it('the MCP proxy checks tools/call with Guardian and answers denials as JSON-RPC errors', async () => {
    const id = await agent(h(), 'a', ['web:search', 'db:*']);
    const server = (
      await h().post('/mcp/servers', {
        name: 'tools',
        url: 'https://tools.example.com',
        capabilities: ['web_search', 'db_delete'],
      })
    ).body;
    const session = await openSession(h(), id);
    const call = (
      body: Record<string, unknown>,
      headers: Record<string, string> = { 'x-agent-id': id, 'x-session-id': session },
    ) => h().post(`/mcp/${server.id}`, { jsonrpc: '2.0', id: 1, ...body }, { headers });
    const denied = (await call({ method: 'tools/call', params: { name: 'db_delete', arguments: {} } })).body;
    expect(denied).toMatchObject({ jsonrpc: '2.0', id: 1 });
    expect(denied.error).toMatchObject({
      code: -32001,
      data: { allowed: false, rule: 'elevation_required' },
    });
    expect(denied.error.data.approval_id).toMatch(/^apr_/);
    expect((await call({ method: 'tools/list' })).body.result.tools.map((t: any) => t.name)).toEqual([
      'web_search',
      'db_delete',
    ]);
    expect((await call({ method: 'initialize', params: {} })).body.result.serverInfo.name).toBe('tools');
    expect((await call({ method: 'resources/list' })).body.error.code).toBe(-32601);
    expect((await h().get(`/mcp/sessions/${session}`)).body).toMatchObject({
      total_calls: 1,
      denied_calls: 1,
    });
    // Allowed by Guardian, but not a tool of this server.
    const agentWide = await agent(h(), 'b', ['*']);
    const notHere = (
      await call({ method: 'tools/call', params: { name: 'files_read' } }, { 'x-agent-id': agentWide })
    ).body;
    expect(notHere.error.code).toBe(-32602);
    // Without a session (or an empty one) the call is checked but not counted.
    const noSession = await call(
      { method: 'tools/call', params: { name: 'web_search' } },
      { 'x-agent-id': id, 'x-session-id': '' },
    );
    expect(noSession.body.result.isError).toBe(false);
    expect((await h().get(`/mcp/sessions/${session}`)).body.total_calls).toBe(1);
    const noName = await call({ method: 'tools/call', params: {} });
    expect([noName.status, noName.body.details.field]).toEqual([400, 'params.name']);
    const noAgent = await call({ method: 'ping' }, {});
    expect([noAgent.status, noAgent.body.details.field]).toEqual([400, 'X-Agent-ID']);
    const unknownAgent = await call({ method: 'ping' }, { 'x-agent-id': 'agt_nope' });
    expect(unknownAgent.status).toBe(404);
    await h().del(`/mcp/servers/${server.id}`);
    expect((await call({ method: 'ping' })).status).toBe(404);
  });
});

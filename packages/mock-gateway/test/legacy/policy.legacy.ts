/** Guardian's documented rules (README.md "Policy"), unit-level and through the API in both modes. */
import { describe, expect, it } from 'vitest';
import { classifyEffect, covers } from '../../src/index.js';
import { DIGEST_A, DIGEST_B, eachMode, type Harness, jwt } from '../harness.js';

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
  const a = await h.post('/v1/agents', { name, capabilities });
  expect(a.status).toBe(201);
  return a.body.id;
}

const check = async (h: Harness, body: Record<string, unknown>) => {
  const answer = await h.post('/v1/actions/check', body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

const MIN = 60_000;

eachMode('Guardian', (h) => {
  it('allows a tool within the capabilities, with lower confidence for a classified effect', async () => {
    const id = await agent(h(), 'a', ['web:search']);
    expect(await check(h(), { agent_id: id, tool_name: 'web_search', action_effect: 'read' })).toMatchObject({
      allowed: true,
      rule: 'capability_granted',
      effect_source: 'hint',
      confidence: 1,
      elevation_required: false,
      approval_id: null,
      reason: "tool 'web_search' matches capability 'web:search'",
    });
    expect(await check(h(), { agent_id: id, tool_name: 'web_search' })).toMatchObject({
      allowed: true,
      effect_source: 'classified',
      action_effect: 'read',
      confidence: 0.9,
    });
  });

  it('denies a tool outside the capabilities before considering elevation', async () => {
    const id = await agent(h(), 'a', ['web:search']);
    expect(await check(h(), { agent_id: id, tool_name: 'db_delete' })).toMatchObject({
      allowed: false,
      rule: 'no_capability',
      elevation_required: false,
      approval_id: null,
      action_effect: 'destructive',
    });
    expect(h().gateway.state.approvals.size).toBe(0);
  });

  it('denies everything to revoked and suspended agents', async () => {
    const id = await agent(h(), 'a', ['*']);
    await h().post(`/v1/agents/${id}/suspend`);
    expect(await check(h(), { agent_id: id, tool_name: 'web_search' })).toMatchObject({
      allowed: false,
      rule: 'agent_suspended',
      retryable: true,
    });
    await h().post(`/v1/agents/${id}/activate`);
    expect(await check(h(), { agent_id: id, tool_name: 'web_search' })).toMatchObject({ allowed: true });
    await h().post(`/v1/agents/${id}/revoke`);
    expect(await check(h(), { agent_id: id, tool_name: 'web_search' })).toMatchObject({
      allowed: false,
      rule: 'agent_revoked',
      retryable: false,
    });
  });

  it('requires elevation for destructive and admin calls, reusing the pending approval', async () => {
    const id = await agent(h(), 'a', ['db:*', 'iam:*']);
    const first = await check(h(), { agent_id: id, tool_name: 'db_delete', session_id: 'sess-1' });
    expect(first).toMatchObject({
      allowed: false,
      rule: 'elevation_required',
      elevation_required: true,
      retryable: true,
      action_effect: 'destructive',
      session_id: 'sess-1',
    });
    expect(first.approval_id).toMatch(/^apr_/);
    const again = await check(h(), { agent_id: id, tool_name: 'db_delete', session_id: 'sess-1' });
    expect(again.approval_id).toBe(first.approval_id);
    const admin = await check(h(), { agent_id: id, tool_name: 'iam_grant' });
    expect(admin).toMatchObject({ rule: 'elevation_required', action_effect: 'admin' });
    expect(admin.approval_id).not.toBe(first.approval_id);

    const approval = await h().get(`/v1/approvals/${first.approval_id}`);
    expect(approval.body).toMatchObject({
      agent_id: id,
      session_id: 'sess-1',
      check_id: first.check_id,
      action_name: 'db_delete',
      action_effect: 'destructive',
      tool_input_digest: null,
      status: 'pending',
      created_at: '2026-11-22T10:00:00.000Z',
      expires_at: '2026-11-22T10:05:00.000Z',
    });
    // A hint overrides classification, and mutating calls need no approval.
    expect(
      await check(h(), { agent_id: id, tool_name: 'db_delete', action_effect: 'mutating' }),
    ).toMatchObject({ allowed: true });
  });

  it('allows the approved binding within the elevation window, and nothing else', async () => {
    const id = await agent(h(), 'a', ['db:*']);
    const asked = await check(h(), { agent_id: id, tool_name: 'db_delete', tool_input_digest: DIGEST_A });
    await h().post(`/v1/approvals/${asked.approval_id}/approve`, { decided_by: 'admin@company.com' });

    const granted = await check(h(), { agent_id: id, tool_name: 'db_delete', tool_input_digest: DIGEST_A });
    expect(granted).toMatchObject({
      allowed: true,
      rule: 'elevation_granted',
      approval_id: asked.approval_id,
    });
    // Within the window it keeps allowing (outside supervised sessions).
    h().gateway.clock.advance(4 * MIN);
    expect(
      await check(h(), { agent_id: id, tool_name: 'db_delete', tool_input_digest: DIGEST_A }),
    ).toMatchObject({ allowed: true });

    // Replaying the approval for another input, tool or effect is refused: each asks anew.
    for (const other of [
      { tool_name: 'db_delete', tool_input_digest: DIGEST_B },
      { tool_name: 'db_delete' },
      { tool_name: 'db_drop', tool_input_digest: DIGEST_A },
      { tool_name: 'db_delete', tool_input_digest: DIGEST_A, action_effect: 'admin' },
    ]) {
      const answer = await check(h(), { agent_id: id, ...other });
      expect(answer, JSON.stringify(other)).toMatchObject({ allowed: false, rule: 'elevation_required' });
      expect(answer.approval_id).not.toBe(asked.approval_id);
    }

    // Five minutes after the decision the window closes.
    h().gateway.clock.advance(1 * MIN);
    const closed = await check(h(), { agent_id: id, tool_name: 'db_delete', tool_input_digest: DIGEST_A });
    expect(closed).toMatchObject({ allowed: false, rule: 'elevation_required' });
    expect(closed.approval_id).not.toBe(asked.approval_id);
  });

  it('expires pending approvals after five minutes', async () => {
    const id = await agent(h(), 'a', ['db:*']);
    const asked = await check(h(), { agent_id: id, tool_name: 'db_truncate' });
    h().gateway.clock.advance(5 * MIN - 1);
    expect((await h().get(`/v1/approvals/${asked.approval_id}`)).body.status).toBe('pending');
    h().gateway.clock.advance(1);
    expect((await h().get(`/v1/approvals/${asked.approval_id}`)).body.status).toBe('expired');
    expect((await h().get('/v1/approvals')).body).toEqual([]);
    expect((await h().get('/v1/approvals?status=expired')).body.map((a: any) => a.id)).toEqual([
      asked.approval_id,
    ]);
    const approve = await h().post(`/v1/approvals/${asked.approval_id}/approve`, { decided_by: 'late' });
    expect([approve.status, approve.body.details]).toEqual([409, { status: 'expired' }]);
    const fresh = await check(h(), { agent_id: id, tool_name: 'db_truncate' });
    expect(fresh.approval_id).not.toBe(asked.approval_id);
  });

  it('keeps a denial denied for its binding for five minutes', async () => {
    const id = await agent(h(), 'a', ['db:*']);
    const asked = await check(h(), { agent_id: id, tool_name: 'db_delete' });
    await h().post(`/v1/approvals/${asked.approval_id}/deny`, { decided_by: 'security', comment: 'no' });
    const denied = await check(h(), { agent_id: id, tool_name: 'db_delete' });
    expect(denied).toMatchObject({
      allowed: false,
      rule: 'elevation_denied',
      approval_id: asked.approval_id,
      elevation_required: false,
      retryable: false,
    });
    const reapprove = await h().post(`/v1/approvals/${asked.approval_id}/approve`, { decided_by: 'x' });
    expect([reapprove.status, reapprove.body.details]).toEqual([409, { status: 'denied' }]);
    h().gateway.clock.advance(5 * MIN);
    const anew = await check(h(), { agent_id: id, tool_name: 'db_delete' });
    expect(anew).toMatchObject({ rule: 'elevation_required' });
    expect(anew.approval_id).not.toBe(asked.approval_id);
  });

  it('spends an approval on one call in a supervised session', async () => {
    const id = await agent(h(), 'a', ['db:*']);
    const session = (await h().post('/v1/sessions', { agent_id: id, server_id: 'db', mode: 'supervised' }))
      .body;
    const asked = await check(h(), { agent_id: id, tool_name: 'db_delete', session_id: session.session_id });
    await h().post(`/v1/approvals/${asked.approval_id}/approve`, { decided_by: 'admin' });
    expect(
      await check(h(), { agent_id: id, tool_name: 'db_delete', session_id: session.session_id }),
    ).toMatchObject({
      allowed: true,
      rule: 'elevation_granted',
    });
    const second = await check(h(), { agent_id: id, tool_name: 'db_delete', session_id: session.session_id });
    expect(second).toMatchObject({ allowed: false, rule: 'elevation_required' });
    expect(second.approval_id).not.toBe(asked.approval_id);
    // Every call of the session is in the audit log.
    expect(h().gateway.state.checks.filter((c) => c.session_id === session.session_id)).toHaveLength(3);
  });

  it('keeps a restricted session within its scope ceiling', async () => {
    const id = await agent(h(), 'a', ['web:search', 'files:read']);
    const session = (
      await h().post('/v1/sessions', {
        agent_id: id,
        server_id: 's',
        mode: 'restricted',
        scope_ceiling: ['web:search'],
      })
    ).body;
    expect(
      await check(h(), { agent_id: id, tool_name: 'web_search', session_id: session.session_id }),
    ).toMatchObject({ allowed: true });
    expect(
      await check(h(), { agent_id: id, tool_name: 'files_read', session_id: session.session_id }),
    ).toMatchObject({
      allowed: false,
      rule: 'outside_scope_ceiling',
    });
    expect(await check(h(), { agent_id: id, tool_name: 'files_read' })).toMatchObject({ allowed: true });
  });

  it('counts calls per session, and an unknown session id opens an implicit one', async () => {
    const id = await agent(h(), 'a', ['web:search', 'db:*']);
    const session = (await h().post('/v1/sessions', { agent_id: id, server_id: 's' })).body;
    await check(h(), { agent_id: id, tool_name: 'web_search', session_id: session.session_id });
    h().gateway.clock.advance(1000);
    await check(h(), { agent_id: id, tool_name: 'db_delete', session_id: session.session_id });
    await check(h(), { agent_id: id, tool_name: 'mail_send', session_id: session.session_id });
    expect((await h().get(`/v1/sessions/${session.session_id}`)).body).toMatchObject({
      total_calls: 3,
      allowed_calls: 1,
      denied_calls: 2,
      last_call_at: '2026-11-22T10:00:01.000Z',
    });

    const guardId = '3f1c9a0e-7b2d-4c55-9e1a-0d6b8f2a4c77';
    expect(await check(h(), { agent_id: id, tool_name: 'web_search', session_id: guardId })).toMatchObject({
      allowed: true,
      session_id: guardId,
    });
    expect((await h().get(`/v1/sessions/${guardId}`)).body).toMatchObject({
      session_id: guardId,
      agent_id: id,
      mode: 'open',
      source: 'sdk',
      server_id: null,
      total_calls: 1,
      allowed_calls: 1,
    });
    const other = await agent(h(), 'b', ['web:search']);
    const mismatch = await h().post('/v1/actions/check', {
      agent_id: other,
      tool_name: 'web_search',
      session_id: guardId,
    });
    expect([mismatch.status, mismatch.body.details.field]).toEqual([400, 'session_id']);
    // Without a session id nothing is counted and the decision names no session.
    expect(await check(h(), { agent_id: id, tool_name: 'web_search' })).not.toHaveProperty('session_id');
  });

  it('records when an agent last authenticated', async () => {
    const id = await agent(h(), 'a', ['web:search']);
    expect((await h().get(`/v1/agents/${id}`)).body.last_auth_at).toBeNull();
    h().gateway.clock.advance(MIN);
    await check(h(), { agent_id: id, tool_name: 'web_search' });
    expect((await h().get(`/v1/agents/${id}`)).body.last_auth_at).toBe('2026-11-22T10:01:00.000Z');
  });
});

eachMode('tokens', (h) => {
  const introspect = async (body: Record<string, unknown>) =>
    (await h().post('/v1/tokens/introspect', body)).body;

  it('expire by ttl, respect audience and required scopes, and die with their agent', async () => {
    const id = await agent(h(), 'a', ['files:*', 'web:search']);
    const token = (
      await h().post('/v1/tokens', {
        agent_id: id,
        scopes: ['files:*'],
        audience: ['mcp://fs'],
        ttl_seconds: 60,
      })
    ).body;
    expect(await introspect({ token: token.token })).toMatchObject({ active: true, scopes: ['files:*'] });
    expect(
      await introspect({ token: token.token, target: 'mcp://fs', required_scopes: ['files:read'] }),
    ).toMatchObject({ active: true });
    expect(await introspect({ token: token.token, target: 'mcp://other' })).toEqual({
      active: false,
      reason: 'audience_mismatch',
    });
    expect(await introspect({ token: token.token, required_scopes: ['web:search'] })).toEqual({
      active: false,
      reason: 'insufficient_scope',
    });
    expect(await introspect({ token: 'atk_nope' })).toEqual({ active: false, reason: 'unknown' });

    await h().post(`/v1/agents/${id}/suspend`);
    expect(await introspect({ token: token.token })).toEqual({ active: false, reason: 'agent_suspended' });
    await h().post(`/v1/agents/${id}/activate`);
    h().gateway.clock.advance(59_999);
    expect(await introspect({ token: token.token })).toMatchObject({ active: true });
    h().gateway.clock.advance(1);
    expect(await introspect({ token: token.token })).toEqual({ active: false, reason: 'expired' });

    const any = (await h().post('/v1/tokens', { agent_id: id, scopes: ['web_search'] })).body;
    expect(await introspect({ token: any.token, target: 'anything' })).toMatchObject({
      active: true,
      audience: [],
    });
    expect(Date.parse(any.expires_at) - Date.parse(any.issued_at)).toBe(3600_000);
    await h().post(`/v1/agents/${id}/revoke`);
    expect(await introspect({ token: any.token })).toEqual({ active: false, reason: 'agent_revoked' });
    const refused = await h().post('/v1/tokens', { agent_id: id, scopes: ['web_search'] });
    expect([refused.status, refused.body.code]).toEqual([403, 'AGENT_REVOKED']);
  });

  it('revoked tokens introspect inactive and cannot open sessions', async () => {
    const id = await agent(h(), 'a', ['files:read']);
    const token = (await h().post('/v1/tokens', { agent_id: id, scopes: ['files:read'] })).body;
    expect((await h().post('/v1/tokens/revoke', { token: token.token })).status).toBe(204);
    expect(await introspect({ token: token.token })).toEqual({ active: false, reason: 'revoked' });
    const session = await h().post('/v1/sessions/api', { token: token.token });
    expect([session.status, session.body.code]).toEqual([401, 'AUTH_FAILED']);
  });

  it('an API-token session is bounded by the token scopes', async () => {
    const id = await agent(h(), 'a', ['files:read', 'web:search']);
    const token = (await h().post('/v1/tokens', { agent_id: id, scopes: ['files:read'] })).body;
    const session = (await h().post('/v1/sessions/api', { token: token.token })).body;
    expect(
      await check(h(), { agent_id: id, tool_name: 'web_search', session_id: session.session_id }),
    ).toMatchObject({
      rule: 'outside_scope_ceiling',
    });
  });
});

eachMode('delegations', (h) => {
  it('only narrow the delegator scope, expire, and stop their sessions when revoked', async () => {
    const alice = await agent(h(), 'alice', ['files:*', 'web:search']);
    const bob = await agent(h(), 'bob', ['web:search']);
    const wider = await h().post('/v1/delegations', {
      from_agent_id: alice,
      to_agent_id: bob,
      scope: ['db:read'],
    });
    expect([wider.status, wider.body.code, wider.body.details.scope]).toEqual([
      403,
      'AUTH_DENIED',
      'db:read',
    ]);
    const self = await h().post('/v1/delegations', {
      from_agent_id: alice,
      to_agent_id: alice,
      scope: ['web:search'],
    });
    expect([self.status, self.body.details.field]).toEqual([400, 'to_agent_id']);

    const d = (
      await h().post('/v1/delegations', {
        from_agent_id: alice,
        to_agent_id: bob,
        scope: ['files:read'],
        ttl_seconds: 600,
      })
    ).body;
    const session = (await h().post(`/v1/delegations/${d.id}/sessions`)).body;
    // Bob has no files capability of his own: the delegation grants it within its ceiling.
    expect(await check(h(), { agent_id: bob, tool_name: 'files_read' })).toMatchObject({
      rule: 'no_capability',
    });
    expect(
      await check(h(), { agent_id: bob, tool_name: 'files_read', session_id: session.session_id }),
    ).toMatchObject({ allowed: true });
    expect(
      await check(h(), { agent_id: bob, tool_name: 'web_search', session_id: session.session_id }),
    ).toMatchObject({
      rule: 'outside_scope_ceiling',
    });

    await h().post(`/v1/agents/${alice}/suspend`);
    expect(
      await check(h(), { agent_id: bob, tool_name: 'files_read', session_id: session.session_id }),
    ).toMatchObject({
      rule: 'delegation_inactive',
    });
    await h().post(`/v1/agents/${alice}/activate`);
    await h().post(`/v1/delegations/${d.id}/revoke`);
    expect(
      await check(h(), { agent_id: bob, tool_name: 'files_read', session_id: session.session_id }),
    ).toMatchObject({
      allowed: false,
      rule: 'delegation_inactive',
    });
    expect((await h().get('/v1/delegations?status=revoked')).body.map((x: any) => x.id)).toEqual([d.id]);

    const short = (
      await h().post('/v1/delegations', {
        from_agent_id: alice,
        to_agent_id: bob,
        scope: ['files:read'],
        ttl_seconds: 60,
      })
    ).body;
    const shortSession = (
      await h().post(`/v1/delegations/${short.id}/sessions`, { scope_ceiling: ['files_read'] })
    ).body;
    h().gateway.clock.advance(60_000);
    expect(
      (await h().get(`/v1/delegations?status=expired&agent_id=${alice}`)).body.map((x: any) => x.id),
    ).toEqual([short.id]);
    expect(
      await check(h(), { agent_id: bob, tool_name: 'files_read', session_id: shortSession.session_id }),
    ).toMatchObject({
      rule: 'delegation_inactive',
    });
    const revokeExpired = await h().post(`/v1/delegations/${short.id}/revoke`);
    expect([revokeExpired.status, revokeExpired.body.details.status]).toEqual([409, 'expired']);
  });
});

eachMode('A2A, cards, SIEM, federation, MCP', (h) => {
  const message = { role: 'user', parts: [{ kind: 'text', text: 'find papers' }] };

  it('A2A tasks move submitted -> working -> completed, one step per read', async () => {
    const bob = await agent(h(), 'bob', []);
    const task = (await h().post(`/v1/a2a/agents/${bob}/messages`, { message })).body;
    expect(task.status.state).toBe('submitted');
    expect(task.history[0].message_id).toMatch(/^msg_/);
    expect((await h().get(`/v1/a2a/tasks/${task.id}`)).body.status.state).toBe('working');
    const done = (await h().get(`/v1/a2a/tasks/${task.id}`)).body;
    expect(done.status.state).toBe('completed');
    expect(done.history.map((m: any) => m.role)).toEqual(['user', 'agent']);
    expect(done.artifacts[0]).toMatchObject({
      name: 'result',
      parts: [{ kind: 'text', text: 'bob completed: find papers' }],
    });
    expect((await h().get(`/v1/a2a/tasks/${task.id}`)).body.status.state).toBe('completed');
    const cancel = await h().post(`/v1/a2a/tasks/${task.id}/cancel`);
    expect([cancel.status, cancel.body.details.state]).toEqual([409, 'completed']);

    const doomed = (await h().post(`/v1/a2a/agents/${bob}/messages`, { message })).body;
    await h().post(`/v1/agents/${bob}/suspend`);
    expect((await h().get(`/v1/a2a/tasks/${doomed.id}`)).body.status.state).toBe('failed');
  });

  it('the public agent card exists only once published, needs no key, and goes with revocation', async () => {
    const id = await agent(h(), 'alice', ['web:search']);
    expect((await h().get(`/a2a/agents/${id}/agent.json`, { key: null })).status).toBe(404);
    const generated = (await h().post(`/v1/agents/${id}/card`)).body;
    expect(generated.url).toBe(`${h().baseUrl}/v1/a2a/agents/${id}/messages`);
    expect((await h().get(`/a2a/agents/${id}/agent.json`, { key: null })).status).toBe(404);
    h().gateway.clock.advance(MIN);
    await h().post(`/v1/agents/${id}/card/publish`);
    const card = await h().get(`/a2a/agents/${id}/agent.json`, { key: null });
    expect(card.body).toMatchObject({
      published: true,
      published_at: '2026-11-22T10:01:00.000Z',
      version: '1.0.0',
    });
    const rebuilt = (await h().post(`/v1/agents/${id}/card`)).body;
    expect(rebuilt).toMatchObject({ version: '1.0.1', published: true });
    await h().post(`/v1/agents/${id}/revoke`);
    expect((await h().get(`/a2a/agents/${id}/agent.json`, { key: null })).status).toBe(404);
  });

  it('SIEM auth_token is stored, never returned or logged; deliveries are simulated', async () => {
    const created = await h().post('/v1/streaming/destinations', {
      name: 'hook',
      destination_type: 'webhook',
      endpoint_url: 'https://siem.invalid/hook',
      auth_token: 'super-secret-token',
    });
    expect(created.body.has_auth_token).toBe(true);
    expect(created.text).not.toContain('super-secret-token');
    expect((await h().get('/v1/streaming/destinations')).text).not.toContain('super-secret-token');
    expect(JSON.stringify(h().gateway.requests)).not.toContain('super-secret-token');
    expect(h().gateway.state.destinations.get(created.body.id)?.auth_token).toBe('super-secret-token');

    const failed = (await h().post(`/v1/streaming/destinations/${created.body.id}/test`)).body;
    expect(failed).toMatchObject({
      status: 'failed',
      http_status: null,
      error: 'could not resolve host siem.invalid',
    });
    const live = (
      await h().post('/v1/streaming/destinations', {
        name: 'dd',
        destination_type: 'datadog',
        endpoint_url: 'https://dd.example.com',
      })
    ).body;
    const id = await agent(h(), 'a', []);
    await h().post('/v1/telemetry', {
      events: [
        {
          tool_name: 't',
          success: true,
          duration_ms: 1,
          agent_id: id,
          session_id: 's',
          timestamp: '2026-11-22T10:00:00Z',
        },
      ],
    });
    expect((await h().get(`/v1/streaming/destinations/${live.id}/deliveries`)).body).toMatchObject([
      { status: 'delivered', test: false, event_count: 1 },
    ]);
    expect(await h().del(`/v1/streaming/destinations/${live.id}`)).toMatchObject({ status: 204 });
    expect((await h().get(`/v1/streaming/destinations/${live.id}/deliveries`)).status).toBe(404);
  });

  it('federation checks iss against registered providers and exp/nbf against the clock', async () => {
    const iss = 'https://issuer.example.com';
    const provider = (
      await h().post('/v1/federation/providers', { issuer: iss, name: 'Example', trust_level: 'low' })
    ).body;
    const now = Date.parse('2026-11-22T10:00:00Z') / 1000;
    const verify = async (token: string, hint?: string) =>
      (await h().post('/v1/federation/verify', { token, ...(hint ? { issuer_hint: hint } : {}) })).body;
    expect(await verify('not-a-jwt')).toEqual({ valid: false, reason: 'malformed' });
    expect(await verify(jwt({ iss }))).toEqual({ valid: false, reason: 'malformed' });
    expect(await verify(jwt({ iss, sub: 'bob' }), 'https://other.example.com')).toMatchObject({
      valid: false,
      reason: 'issuer_mismatch',
    });
    expect(await verify(jwt({ iss: 'https://stranger.example.com', sub: 'bob' }))).toMatchObject({
      valid: false,
      reason: 'unknown_issuer',
    });
    expect(await verify(jwt({ iss, sub: 'bob', exp: now }))).toMatchObject({
      valid: false,
      reason: 'expired',
    });
    expect(await verify(jwt({ iss, sub: 'bob', nbf: now + 60 }))).toMatchObject({
      valid: false,
      reason: 'not_yet_valid',
    });
    expect(await verify(jwt({ iss, sub: 'bob', exp: now + 60 }), iss)).toMatchObject({
      valid: true,
      provider_id: provider.id,
      trust_level: 'low',
    });

    const token = jwt({ iss, sub: 'bob', scope: 'files:read web:search', exp: now + 60 });
    const first = (await h().post('/v1/federation/sessions', { token })).body;
    const second = (await h().post('/v1/federation/sessions', { token })).body;
    // One shadow agent per (issuer, subject).
    expect(first.agent_id).toBe(second.agent_id);
    expect(first.agent_id).toMatch(/^agt_fed_/);
    const shadow = (await h().get(`/v1/agents/${first.agent_id}`)).body;
    expect(shadow).toMatchObject({
      framework: 'federation',
      capabilities: ['files:read', 'web:search'],
      metadata: { federated_subject: 'bob', federated_issuer: iss },
    });
    expect(
      await check(h(), { agent_id: first.agent_id, tool_name: 'files_read', session_id: first.session_id }),
    ).toMatchObject({ allowed: true });
    expect(
      await check(h(), { agent_id: first.agent_id, tool_name: 'db_read', session_id: first.session_id }),
    ).toMatchObject({ rule: 'no_capability' });

    h().gateway.clock.advance(60_000);
    const expired = await h().post('/v1/federation/sessions', { token });
    expect([expired.status, expired.body.code]).toEqual([401, 'TOKEN_EXPIRED']);
  });

  it('the MCP proxy checks tools/call with Guardian and answers denials as JSON-RPC errors', async () => {
    const id = await agent(h(), 'a', ['web:search', 'db:*']);
    const server = (
      await h().post('/v1/mcp/servers', {
        name: 'tools',
        url: 'https://tools.example.com',
        capabilities: ['web_search', 'db_delete'],
      })
    ).body;
    const session = (await h().post('/v1/sessions', { agent_id: id, server_id: server.id })).body;
    const rpc = (body: Record<string, unknown>) =>
      h().post(`/v1/mcp/servers/${server.id}/rpc`, { session_id: session.session_id, ...body });
    const denied = (await rpc({ method: 'tools/call', params: { name: 'db_delete', arguments: {} } })).body;
    expect(denied.error).toMatchObject({
      code: -32001,
      data: { allowed: false, rule: 'elevation_required' },
    });
    expect(denied.check_id).toBe(denied.error.data.check_id);
    expect((await rpc({ method: 'tools/list' })).body.result.tools.map((t: any) => t.name)).toEqual([
      'web_search',
      'db_delete',
    ]);
    expect((await rpc({ method: 'resources/list' })).body.error.code).toBe(-32601);
    expect((await h().get(`/v1/sessions/${session.session_id}`)).body).toMatchObject({
      total_calls: 1,
      denied_calls: 1,
    });
    const noSession = await h().post(`/v1/mcp/servers/${server.id}/rpc`, {
      method: 'tools/call',
      params: { name: 'web_search' },
    });
    expect([noSession.status, noSession.body.details.field]).toEqual([400, 'session_id']);
    await h().del(`/v1/mcp/servers/${server.id}`);
    expect((await rpc({ method: 'ping' })).status).toBe(404);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentTrustClient } from '../../src/client.js';
import {
  AgentTrustError,
  AuthenticationError,
  AuthorizationError,
  NotFoundError,
  ValidationError,
} from '../../src/core/errors.js';
import {
  ActionDeniedError,
  AgentTrustGuard,
  ElevationRequiredError,
  GuardianUnavailableError,
  TELEMETRY_DEFAULTS,
} from '../../src/guard/index.js';
import { closedPort, fakeClock, setup } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('AgentTrustGuard options and defaults', () => {
  it('defaults: UUID session, blockOnDeny, fail-closed, no inputs logged, no effect hint, breaker on', async () => {
    const { guard, bodiesOf } = await setup();
    expect(guard.sessionId).toMatch(UUID);
    expect(guard.blockOnDeny).toBe(true);
    expect(guard.failOpen).toBe(false);
    expect(guard.logInputs).toBe(false);
    expect(guard.actionEffect).toBeUndefined();
    expect(guard.breakerState).toBe('closed');
    expect(guard.stats()).toMatchObject({ batchSize: 10, capacity: 1_000, sent: 0, dropped: 0, queued: 0 });
    const decision = await guard.check('web_search', 'AI safety papers');
    expect(decision).toMatchObject({ allowed: true, failedOpen: false, rule: 'capability_granted' });
    const [body] = bodiesOf('checkAction');
    // The real gateway's check: the tool as action_name, from the API; no summary without logInputs.
    expect(body).toEqual({
      agent_id: guard.agentId,
      action_name: 'web_search',
      action_source: 'api',
      session_id: guard.sessionId,
    });
    const { client } = await setup();
    expect(new AgentTrustGuard(client, 'agt_x').sessionId).not.toBe(guard.sessionId);
  });

  it('sessionId: used for checks and telemetry; the gateway knows it as a session', async () => {
    const { guard, bodiesOf, gateway, client } = await setup({ sessionId: 'sess-abc' });
    await guard.check('web_search');
    guard.report('web_search', true, 5);
    await guard.flush();
    expect(bodiesOf('checkAction')[0]?.session_id).toBe('sess-abc');
    expect(bodiesOf('reportTelemetry')[0]).toMatchObject({ agent_id: guard.agentId, session_id: 'sess-abc' });
    expect(gateway.state.telemetry[0]).toMatchObject({ session_id: 'sess-abc', agent_id: guard.agentId });
    // An id the gateway did not know opens an implicit open session of this agent.
    await expect(client.sessions.getSession('sess-abc')).resolves.toMatchObject({
      sessionId: 'sess-abc',
      agentId: guard.agentId,
      mode: 'open',
    });
  });

  it('blockOnDeny: true throws ACTION_DENIED with check id and reason; false returns the decision', async () => {
    const { client, createAgent } = await setup();
    const agent = await createAgent({ capabilities: ['web:search'] });
    const blocking = new AgentTrustGuard(client, agent.id);
    const error = await blocking.check('shell_exec').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionDeniedError);
    expect(error).toBeInstanceOf(AgentTrustError);
    const denied = error as ActionDeniedError;
    expect(denied.code).toBe('ACTION_DENIED');
    expect(denied.details).toMatchObject({
      checkId: expect.stringMatching(/^chk_/),
      reason: expect.stringContaining("no capability for 'shell_exec'"),
      rule: 'no_capability',
      retryable: false,
      toolName: 'shell_exec',
    });
    expect(denied.checkId).toBe(denied.details?.checkId);
    const lenient = new AgentTrustGuard(client, agent.id, { blockOnDeny: false });
    const decision = await lenient.check('shell_exec');
    expect(decision).toMatchObject({ allowed: false, failedOpen: false, rule: 'no_capability' });
  });

  it('a suspended agent is denied, and the denial says retrying later can help', async () => {
    const { guard, agent, setAgentStatus } = await setup();
    await setAgentStatus(agent.id, 'suspended');
    const error = await guard.check('web_search').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionDeniedError);
    expect((error as ActionDeniedError).details).toMatchObject({ rule: 'agent_suspended', retryable: true });
    expect(guard.breakerState).toBe('closed'); // a decision, not an outage
    await setAgentStatus(agent.id, 'active');
    await expect(guard.check('web_search')).resolves.toMatchObject({ allowed: true });
  });

  it('logInputs: off sends no summary; on sends it capped at 200 code points', async () => {
    const quiet = await setup();
    await quiet.guard.check('web_search', 'secret customer query');
    expect(quiet.bodiesOf('checkAction')[0]).not.toHaveProperty('action_input_summary');
    expect(JSON.stringify(quiet.gateway.requests)).not.toContain('secret customer query');

    const loud = await setup({ logInputs: true });
    const summary = `${'é'.repeat(150)}${'🙂'.repeat(100)}`; // 250 code points, 350 UTF-16 units
    await loud.guard.check('web_search', summary);
    const sent = loud.bodiesOf('checkAction')[0]?.action_input_summary as string;
    expect([...sent]).toHaveLength(200);
    expect(sent).toBe(`${'é'.repeat(150)}${'🙂'.repeat(50)}`);
    await loud.guard.check('web_search', 'short');
    expect(loud.bodiesOf('checkAction')[1]?.action_input_summary).toBe('short');
  });

  it('actionEffect: the guard default is sent, a per-call effect wins', async () => {
    const { guard, bodiesOf } = await setup({ actionEffect: 'read' });
    await guard.check('web_search');
    await guard.check('web_search', undefined, 'mutating');
    expect(bodiesOf('checkAction').map((b) => b.action_effect)).toEqual(['read', 'mutating']);
  });

  it('failOpen: false throws GUARDIAN_UNAVAILABLE, true allows and marks the decision', async () => {
    const closed = await setup();
    closed.gateway.faults.add({ operation: 'checkAction', kind: 'drop' });
    const error = await closed.guard.check('web_search').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardianUnavailableError);
    expect((error as AgentTrustError).code).toBe('GUARDIAN_UNAVAILABLE');
    expect((error as AgentTrustError).details).toMatchObject({ causeCode: 'NETWORK_ERROR' });

    const open = await setup({ failOpen: true });
    open.gateway.faults.add({ operation: 'checkAction', kind: 'drop' });
    const decision = await open.guard.check('web_search');
    expect(decision).toMatchObject({ allowed: true, failedOpen: true, checkId: null });
    if (decision.failedOpen) expect(decision.cause.code).toBe('GUARDIAN_UNAVAILABLE');
    expect(open.guard.stats().checks).toMatchObject({ failedOpen: 1, unavailable: 1 });
  });

  it('fail-open and fail-closed against a closed port (real TCP, default transport)', async () => {
    const port = await closedPort();
    const client = new AgentTrustClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: 'sk_test_agenttrust',
      maxRetries: 0,
    });
    const closed = new AgentTrustGuard(client, 'agt_1');
    await expect(closed.check('web_search')).rejects.toMatchObject({ code: 'GUARDIAN_UNAVAILABLE' });
    const open = new AgentTrustGuard(client, 'agt_1', { failOpen: true });
    await expect(open.check('web_search')).resolves.toMatchObject({ allowed: true, failedOpen: true });
  });

  it('5xx after retries is GUARDIAN_UNAVAILABLE; a retry that succeeds is not', async () => {
    const { guard, gateway } = await setup({ checkMaxRetries: 1 });
    gateway.faults.add({ operation: 'checkAction', kind: 'status', status: 503, retryAfter: 0, times: 1 });
    await expect(guard.check('web_search')).resolves.toMatchObject({ allowed: true });
    gateway.faults.add({ operation: 'checkAction', kind: 'status', status: 500, times: 2 });
    await expect(guard.check('web_search')).rejects.toMatchObject({
      code: 'GUARDIAN_UNAVAILABLE',
      details: { status: 500, causeCode: 'INTERNAL_ERROR' },
    });
  });

  it('checkTimeoutMs: a slow Guardian times out into GUARDIAN_UNAVAILABLE', async () => {
    const { guard, gateway } = await setup({ checkTimeoutMs: 50, checkMaxRetries: 0 });
    gateway.faults.add({ operation: 'checkAction', kind: 'latency', latencyMs: 400, times: 1 });
    await expect(guard.check('web_search')).rejects.toMatchObject({
      code: 'GUARDIAN_UNAVAILABLE',
      details: { causeCode: 'TIMEOUT' },
    });
  });

  it('a malformed answer counts as unavailable (fail-closed by default)', async () => {
    const { guard, gateway } = await setup();
    gateway.faults.add({ operation: 'checkAction', kind: 'malformed', times: 1 });
    await expect(guard.check('web_search')).rejects.toMatchObject({ code: 'GUARDIAN_UNAVAILABLE' });
  });

  it('answers that are not outages pass through unchanged: AUTH_FAILED, AUTH_DENIED, NOT_FOUND', async () => {
    const bad = await setup({}, { client: { apiKey: 'sk_test_wrong' } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AuthenticationError); // even registering the agent fails

    const { client, gateway, agent } = await setup();
    const readonly = new AgentTrustClient({
      baseUrl: client.baseUrl,
      apiKey: 'sk_test_readonly',
      maxRetries: 0,
      fetch: (input, init) => gateway.fetch(new Request(input, init)),
    });
    const guard = new AgentTrustGuard(readonly, agent.id);
    await expect(guard.check('web_search')).rejects.toSatisfy(
      (e) => e instanceof AuthorizationError && (e as AgentTrustError).code === 'AUTH_DENIED',
    );
    const ghost = new AgentTrustGuard(client, 'agt_does_not_exist');
    await expect(ghost.check('web_search')).rejects.toSatisfy(
      (e) => e instanceof NotFoundError && (e as AgentTrustError).code === 'NOT_FOUND',
    );
    expect(guard.breakerState).toBe('closed');
  });

  it('bad input is a VALIDATION_ERROR before anything is sent', async () => {
    const { guard, client, gateway } = await setup();
    const before = gateway.requests.length;
    for (const bad of ['', 42, 'x'.repeat(257), undefined]) {
      await expect(guard.check(bad as string)).rejects.toSatisfy(
        (e) => e instanceof ValidationError && (e as AgentTrustError).details?.field === 'toolName',
      );
    }
    await expect(guard.check('web_search', undefined, 'nuclear' as 'read')).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { field: 'effect' },
    });
    await expect(guard.check('web_search', 42 as unknown as string)).rejects.toMatchObject({
      details: { field: 'summary' },
    });
    await expect(
      guard.check('db_drop', undefined, 'destructive', { inputDigest: 'ABC' }),
    ).rejects.toMatchObject({
      details: { field: 'inputDigest' },
    });
    expect(gateway.requests.length).toBe(before);
    expect(() => new AgentTrustGuard(client, '')).toThrow(ValidationError);
    expect(() => new AgentTrustGuard({} as AgentTrustClient, 'a')).toThrow(/AgentTrustClient/);
    expect(() => new AgentTrustGuard(client, 'a', { sessionId: '' })).toThrow(/sessionId/);
    expect(() => new AgentTrustGuard(client, 'a', { sessionId: 's'.repeat(129) })).toThrow(/at most 128/);
    expect(new AgentTrustGuard(client, 'a', { sessionId: 's'.repeat(128) }).sessionId).toHaveLength(128);
    expect(() => new AgentTrustGuard(client, 'a', { actionEffect: 'x' as 'read' })).toThrow(/actionEffect/);
    expect(() => new AgentTrustGuard(client, 'a', { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new AgentTrustGuard(client, 'a', { queueCapacity: 1.5 })).toThrow(/queueCapacity/);
    expect(() => new AgentTrustGuard(client, 'a', { flushIntervalMs: -1 })).toThrow(/flushIntervalMs/);
    expect(() => new AgentTrustGuard(client, 'a', { breaker: { failureThreshold: 0 } })).toThrow(
      /failureThreshold/,
    );
  });

  it('an aborted check rejects with the signal reason and does not count as an outage', async () => {
    const { guard, gateway } = await setup({ breaker: { failureThreshold: 1 } });
    gateway.faults.add({ operation: 'checkAction', kind: 'latency', latencyMs: 300, times: 1 });
    const controller = new AbortController();
    const pending = guard.check('web_search', undefined, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 20);
    await expect(pending).rejects.toThrow('user gave up');
    expect(guard.breakerState).toBe('closed');
  });
});

describe('elevation (ELEVATION_REQUIRED)', () => {
  it('throws ElevationRequiredError with details.approvalId; after approval the retry is allowed', async () => {
    const { guard, client } = await setup();
    const error = await guard.check('db_delete', 'drop table users', 'destructive').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevationRequiredError);
    expect(error).toBeInstanceOf(AgentTrustError);
    const elevation = error as ElevationRequiredError;
    expect(elevation.code).toBe('ELEVATION_REQUIRED');
    expect(elevation.details?.approvalId).toMatch(/^apr_/);
    expect(elevation.approvalId).toBe(elevation.details?.approvalId);
    await client.approvals.approve(elevation.approvalId, 'admin@company.com');
    await expect(guard.check('db_delete', 'drop table users', 'destructive')).resolves.toMatchObject({
      allowed: true,
      rule: 'elevation_granted',
    });
  });

  it('with blockOnDeny: false the decision comes back with elevationRequired', async () => {
    const { guard } = await setup({ blockOnDeny: false });
    const decision = await guard.check('db_delete', undefined, 'destructive');
    expect(decision).toMatchObject({
      allowed: false,
      elevationRequired: true,
      approvalId: expect.stringMatching(/^apr_/),
    });
  });
});

describe('circuit breaker', () => {
  it('opens after 5 failures in 10 s, fails fast without a request, probes after 30 s, closes on success', async () => {
    const clock = fakeClock();
    const { guard, gateway } = await setup({ clock: clock.now });
    gateway.faults.add({ operation: 'checkAction', kind: 'drop' });
    for (let i = 0; i < 5; i++) {
      await expect(guard.check('web_search')).rejects.toMatchObject({ code: 'GUARDIAN_UNAVAILABLE' });
      clock.advance(1_000);
    }
    expect(guard.breakerState).toBe('open');
    const sent = gateway.requests.length;
    const fast = await guard.check('web_search').catch((e: unknown) => e);
    expect(fast).toMatchObject({ code: 'GUARDIAN_UNAVAILABLE', details: { breaker: 'open' } });
    expect(gateway.requests.length).toBe(sent); // failed fast: nothing reached the gateway
    expect(guard.stats().breaker).toMatchObject({ state: 'open', opened: 1 });

    clock.advance(30_000);
    expect(guard.breakerState).toBe('half_open');
    // The probe fails: open again for another cooldown.
    await expect(guard.check('web_search')).rejects.toMatchObject({ code: 'GUARDIAN_UNAVAILABLE' });
    expect(guard.breakerState).toBe('open');
    expect(gateway.requests.length).toBe(sent + 1);

    gateway.faults.clear();
    clock.advance(30_000);
    await expect(guard.check('web_search')).resolves.toMatchObject({ allowed: true });
    expect(guard.breakerState).toBe('closed');
  });

  it('while open, failOpen allows without asking', async () => {
    const clock = fakeClock();
    const { guard, gateway } = await setup({
      failOpen: true,
      clock: clock.now,
      breaker: { failureThreshold: 2 },
    });
    gateway.faults.add({ operation: 'checkAction', kind: 'drop' });
    await guard.check('web_search');
    await guard.check('web_search');
    const sent = gateway.requests.length;
    const decision = await guard.check('web_search');
    expect(decision).toMatchObject({ allowed: true, failedOpen: true });
    expect(gateway.requests.length).toBe(sent);
  });

  it('breaker: false sends every check', async () => {
    const { guard, gateway } = await setup({ breaker: false });
    gateway.faults.add({ operation: 'checkAction', kind: 'drop' });
    for (let i = 0; i < 8; i++)
      await expect(guard.check('web_search')).rejects.toBeInstanceOf(GuardianUnavailableError);
    expect(gateway.requests.filter((r) => r.operationId === 'checkAction')).toHaveLength(8);
    expect(guard.breakerState).toBe('closed');
    expect(guard.stats().breaker).toBeNull();
  });
});

describe('telemetry through the gateway', () => {
  it('batches by 10, sends only the allowed fields, and flush sends the rest', async () => {
    const { guard, gateway, bodiesOf } = await setup({ flushIntervalMs: 60_000 });
    for (let i = 0; i < 25; i++)
      guard.report(`tool_${i}`, i % 2 === 0, i, i % 2 ? 'TimeoutError' : undefined);
    await vi.waitFor(() => expect(guard.stats().sent).toBe(20));
    expect(await guard.flush()).toBe(true);
    const bodies = bodiesOf('reportTelemetry');
    expect(bodies.map((b) => (b.events as unknown[]).length)).toEqual([10, 10, 5]);
    // telemetry.report(agentId, sessionId, events): agent and session once per batch.
    for (const body of bodies) {
      expect(Object.keys(body).sort()).toEqual(['agent_id', 'events', 'session_id']);
      expect(body).toMatchObject({ agent_id: guard.agentId, session_id: guard.sessionId });
      for (const event of body.events as Record<string, unknown>[]) {
        for (const key of Object.keys(event)) {
          expect(['event_type', 'tool_name', 'success', 'duration_ms', 'error_type', 'timestamp']).toContain(
            key,
          );
        }
      }
    }
    expect(gateway.state.telemetry).toHaveLength(25);
    for (const event of gateway.state.telemetry as Record<string, unknown>[]) {
      for (const key of Object.keys(event)) {
        expect([
          'event_type',
          'tool_name',
          'success',
          'duration_ms',
          'error_type',
          'agent_id',
          'session_id',
          'timestamp',
        ]).toContain(key);
      }
    }
    expect(gateway.state.telemetry[0]).toMatchObject({
      event_type: 'tool_end',
      tool_name: 'tool_0',
      success: true,
    });
    expect(gateway.state.telemetry[1]).toMatchObject({
      event_type: 'tool_error',
      tool_name: 'tool_1',
      success: false,
      error_type: 'TimeoutError',
    });
    expect(guard.stats()).toMatchObject({ sent: 25, dropped: 0, queued: 0, failedBatches: 0 });
  });

  it('batchSize is configurable', async () => {
    const { guard, bodiesOf } = await setup({ batchSize: 3 });
    for (let i = 0; i < 7; i++) guard.report('t', true, 1);
    await guard.flush();
    expect(bodiesOf('reportTelemetry').map((b) => (b.events as unknown[]).length)).toEqual([3, 3, 1]);
  });

  it('a failed batch is dropped and counted, never logged', async () => {
    const { guard, gateway } = await setup({ flushIntervalMs: 60_000 });
    const log = vi.spyOn(console, 'log');
    const warn = vi.spyOn(console, 'warn');
    const err = vi.spyOn(console, 'error');
    gateway.faults.add({ operation: 'reportTelemetry', kind: 'status', status: 500, times: 1 });
    for (let i = 0; i < 10; i++) guard.report('secret_tool_name', true, 1);
    await vi.waitFor(() => expect(guard.stats().failedBatches).toBe(1));
    expect(guard.stats()).toMatchObject({ dropped: 10, sent: 0, queued: 0 });
    for (const spy of [log, warn, err]) {
      for (const call of spy.mock.calls) expect(JSON.stringify(call)).not.toContain('secret_tool_name');
    }
  });

  it('bounded memory: a flood of reports with the gateway down stays within the queue capacity', async () => {
    const { guard, gateway } = await setup({ queueCapacity: 1_000, flushIntervalMs: 50 });
    gateway.faults.add({ operation: 'reportTelemetry', kind: 'drop' });
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200_000; i++) guard.report('web_search', true, i);
    const stats = guard.stats();
    expect(stats.queued).toBeLessThanOrEqual(1_000);
    expect(stats.queued + stats.dropped + (stats.inFlight ? 10 : 0)).toBeGreaterThanOrEqual(200_000 - 10);
    // 200k retained events would be tens of MB; the ring is preallocated.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(8 * 1024 * 1024);
    expect(await guard.close(2_000)).toBe(false);
    expect(guard.stats().queued).toBe(0);
  });

  it('report() never throws, whatever it is given', async () => {
    const { guard } = await setup();
    const report = guard.report.bind(guard) as (...args: unknown[]) => void;
    expect(() => report()).not.toThrow();
    expect(() => report(null, null, null, null)).not.toThrow();
    expect(() => report(Symbol('x'), {}, [], () => {})).not.toThrow();
    expect(() => report('ok', true, 1n)).not.toThrow();
    expect(guard.stats().dropped).toBe(3);
    expect(guard.stats().queued).toBe(1);
    await guard.close();
  });

  it('close flushes and later reports are counted as dropped', async () => {
    const { guard, gateway } = await setup();
    guard.report('web_search', true, 3);
    expect(await guard.close()).toBe(true);
    expect(gateway.state.telemetry).toHaveLength(1);
    guard.report('web_search', true, 3);
    expect(guard.stats()).toMatchObject({ sent: 1, dropped: 1, queued: 0 });
    await expect(guard.check('web_search')).resolves.toMatchObject({ allowed: true });
  });

  it("applies the spec's telemetry defaults: batches of 10, capacity 1,000, a partial batch after 5 s", async () => {
    expect(TELEMETRY_DEFAULTS).toEqual({ batchSize: 10, capacity: 1_000, flushIntervalMs: 5_000 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { guard, bodiesOf } = await setup();
      expect(guard.stats()).toMatchObject({ batchSize: 10, capacity: 1_000 });
      guard.report('web_search', true, 3);
      await vi.advanceTimersByTimeAsync(4_900);
      expect(bodiesOf('reportTelemetry')).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(200);
      await vi.waitFor(() => expect(bodiesOf('reportTelemetry')).toHaveLength(1));
    } finally {
      vi.useRealTimers();
    }
  });
});

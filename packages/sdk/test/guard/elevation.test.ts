import { describe, expect, it, vi } from 'vitest';
import { AgentTrustError } from '../../src/core/errors.js';
import {
  ActionDeniedError,
  ApprovalDeniedError,
  ApprovalError,
  ApprovalExpiredError,
  type ApprovalRequest,
  ApprovalTimeoutError,
  digestToolInput,
  ElevationRequiredError,
} from '../../src/guard/index.js';
import { setup } from './helpers.js';

const fast = { pollIntervalMs: 5, maxPollIntervalMs: 20 };

describe('checkOrWaitForApproval', () => {
  it('approved: notifies, waits, re-checks and returns the allowed decision', async () => {
    const { guard, client, bodiesOf } = await setup();
    const requests: ApprovalRequest[] = [];
    const decision = await guard.checkOrWaitForApproval('db_delete', 'drop table users', 'destructive', {
      ...fast,
      onApprovalRequired: (request) => {
        requests.push(request);
        // A human approves a little later, while the guard is polling.
        setTimeout(() => void client.approvals.approve(request.approvalId, 'admin@company.com'), 30);
      },
    });
    expect(decision).toMatchObject({ allowed: true, rule: 'elevation_granted', failedOpen: false });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      toolName: 'db_delete',
      actionEffect: 'destructive',
      agentId: guard.agentId,
      sessionId: guard.sessionId,
      approvalId: expect.stringMatching(/^apr_/),
    });
    expect(bodiesOf('checkAction')).toHaveLength(2);
  });

  it('onApprovalRequired can be set once on the guard; a per-call callback overrides it', async () => {
    const { client, agent } = await setup();
    const { AgentTrustGuard } = await import('../../src/guard/index.js');
    const seen: string[] = [];
    const guard = new AgentTrustGuard(client, agent.id, {
      onApprovalRequired: async ({ approvalId, toolName }) => {
        seen.push(`guard:${toolName}`);
        await client.approvals.approve(approvalId, 'admin@company.com');
      },
    });
    await expect(
      guard.checkOrWaitForApproval('db_delete', undefined, 'destructive', fast),
    ).resolves.toMatchObject({
      allowed: true,
    });
    await expect(
      guard.checkOrWaitForApproval('user_admin', undefined, 'admin', {
        ...fast,
        onApprovalRequired: async ({ approvalId, toolName }) => {
          seen.push(`call:${toolName}`);
          await client.approvals.approve(approvalId, 'admin@company.com');
        },
      }),
    ).resolves.toMatchObject({ allowed: true });
    expect(seen).toEqual(['guard:db_delete', 'call:user_admin']);
  });

  it('an allowed call returns at once without polling', async () => {
    const { guard, gateway } = await setup();
    const notify = vi.fn();
    await expect(
      guard.checkOrWaitForApproval('web_search', undefined, 'read', { onApprovalRequired: notify }),
    ).resolves.toMatchObject({
      allowed: true,
    });
    expect(notify).not.toHaveBeenCalled();
    expect(gateway.requests.filter((r) => r.operationId === 'getApproval')).toHaveLength(0);
  });

  it('a plain denial is still ACTION_DENIED, not a wait', async () => {
    const { client, createAgent } = await setup();
    const agent = await createAgent({ capabilities: ['web:search'] });
    const { AgentTrustGuard } = await import('../../src/guard/index.js');
    const guard = new AgentTrustGuard(client, agent.id);
    await expect(
      guard.checkOrWaitForApproval('db_delete', undefined, 'destructive', fast),
    ).rejects.toBeInstanceOf(ActionDeniedError);
  });

  it('denied: APPROVAL_DENIED', async () => {
    const { guard, client } = await setup();
    const error = await guard
      .checkOrWaitForApproval('db_delete', undefined, 'destructive', {
        ...fast,
        onApprovalRequired: async ({ approvalId }) => {
          await client.approvals.deny(approvalId, 'security@company.com');
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApprovalDeniedError);
    expect(error).toBeInstanceOf(ApprovalError);
    expect(error).toBeInstanceOf(AgentTrustError);
    expect(error).toMatchObject({
      code: 'APPROVAL_DENIED',
      details: { decidedBy: 'security@company.com', toolName: 'db_delete' },
    });
  });

  it('expired: APPROVAL_EXPIRED once the mock clock passes 5 minutes', async () => {
    const { guard, gateway } = await setup();
    const error = await guard
      .checkOrWaitForApproval('db_delete', undefined, 'destructive', {
        ...fast,
        onApprovalRequired: () => {
          gateway.clock.advance(5 * 60_000 + 1);
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApprovalExpiredError);
    expect(error).toMatchObject({ code: 'APPROVAL_EXPIRED', approvalId: expect.stringMatching(/^apr_/) });
  });

  it('timeout: APPROVAL_TIMEOUT when nobody decides before the deadline', async () => {
    const { guard, gateway } = await setup();
    const error = await guard
      .checkOrWaitForApproval('db_delete', undefined, 'destructive', { ...fast, timeoutMs: 60 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApprovalTimeoutError);
    expect(error).toMatchObject({ code: 'APPROVAL_TIMEOUT' });
    // It polled with backoff meanwhile, but a bounded number of times.
    const polls = gateway.requests.filter((r) => r.operationId === 'getApproval').length;
    expect(polls).toBeGreaterThan(0);
    expect(polls).toBeLessThan(15);
  });

  it('abortable: rejects with the signal reason while waiting', async () => {
    const { guard } = await setup();
    const controller = new AbortController();
    const waiting = guard.checkOrWaitForApproval('db_delete', undefined, 'destructive', {
      ...fast,
      signal: controller.signal,
      onApprovalRequired: () => {
        setTimeout(() => controller.abort(new Error('agent cancelled')), 20);
      },
    });
    await expect(waiting).rejects.toThrow('agent cancelled');
  });

  it('keeps polling through a brief outage of approvals.get', async () => {
    const { guard, client, gateway } = await setup();
    const decision = await guard.checkOrWaitForApproval('db_delete', undefined, 'destructive', {
      ...fast,
      onApprovalRequired: ({ approvalId }) => {
        gateway.faults.add({ operation: 'getApproval', kind: 'drop', times: 2 });
        setTimeout(() => void client.approvals.approve(approvalId, 'admin@company.com'), 30);
      },
    });
    expect(decision.allowed).toBe(true);
  });

  it('rejects nonsense wait options', async () => {
    const { guard } = await setup();
    await expect(
      guard.checkOrWaitForApproval('db_delete', undefined, 'destructive', { timeoutMs: Number.NaN }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'timeoutMs' } });
  });
});

describe('approval binding: agent + tool + effect + session, and the input stays in the process', () => {
  it('neither the input nor its digest is sent; an approval does not allow another tool, effect or session', async () => {
    const { guard, client, agent, bodiesOf, gateway } = await setup();
    const users = { table: 'users_secret_table' };
    const first = (await guard
      .check('db_drop', undefined, 'destructive', { input: users })
      .catch((e: unknown) => e)) as ElevationRequiredError;
    expect(first).toBeInstanceOf(ElevationRequiredError);
    // The gateway's check has no input field: nothing about the input leaves the process.
    expect(bodiesOf('checkAction')[0]).toEqual({
      agent_id: guard.agentId,
      action_name: 'db_drop',
      action_source: 'api',
      action_effect: 'destructive',
      session_id: guard.sessionId,
    });
    const wire = JSON.stringify(gateway.requests);
    expect(wire).not.toContain('users_secret_table');
    expect(wire).not.toContain(await digestToolInput(users));
    await client.approvals.approve(first.approvalId, 'admin@company.com');
    await expect(client.approvals.get(first.approvalId)).resolves.toMatchObject({
      agentId: guard.agentId,
      actionName: 'db_drop',
      actionEffect: 'destructive',
      sessionId: guard.sessionId,
      status: 'approved',
    });

    // Same effect and session, another tool: refused, a new approval is asked for.
    const otherTool = (await guard
      .check('db_truncate', undefined, 'destructive')
      .catch((e: unknown) => e)) as ElevationRequiredError;
    expect(otherTool).toBeInstanceOf(ElevationRequiredError);
    expect(otherTool.approvalId).not.toBe(first.approvalId);
    // Same tool and session, another effect: refused.
    await expect(guard.check('db_drop', undefined, 'admin')).rejects.toBeInstanceOf(ElevationRequiredError);
    // Same agent and tool, another session (another guard): refused.
    const { AgentTrustGuard } = await import('../../src/guard/index.js');
    const otherSession = new AgentTrustGuard(client, agent.id);
    await expect(otherSession.check('db_drop', undefined, 'destructive')).rejects.toBeInstanceOf(
      ElevationRequiredError,
    );
    // The approved binding itself: allowed.
    await expect(guard.check('db_drop', undefined, 'destructive', { input: users })).resolves.toMatchObject({
      allowed: true,
      rule: 'elevation_granted',
    });
  });

  it('in an open session the approval covers its binding for the window, whatever the input (documented)', async () => {
    const { guard, client } = await setup();
    const first = (await guard
      .check('fs_delete', undefined, 'destructive', { input: { path: '/tmp/a' } })
      .catch((e: unknown) => e)) as ElevationRequiredError;
    await client.approvals.approve(first.approvalId, 'admin@company.com');
    // The gateway cannot tell inputs apart: the README ("Elevation and approval binding") says so, and names the remedy.
    await expect(
      guard.check('fs_delete', undefined, 'destructive', { input: { path: '/etc' } }),
    ).resolves.toMatchObject({ allowed: true, rule: 'elevation_granted' });
  });

  it('in a supervised session an approval allows exactly one call', async () => {
    const { guard, client, setSession } = await setup();
    const first = (await guard
      .check('fs_delete', undefined, 'destructive')
      .catch((e: unknown) => e)) as ElevationRequiredError;
    await setSession(guard.sessionId, { mode: 'supervised' });
    await client.approvals.approve(first.approvalId, 'admin@company.com');
    await expect(guard.check('fs_delete', undefined, 'destructive')).resolves.toMatchObject({
      allowed: true,
    });
    const again = (await guard
      .check('fs_delete', undefined, 'destructive')
      .catch((e: unknown) => e)) as ElevationRequiredError;
    expect(again).toBeInstanceOf(ElevationRequiredError);
    expect(again.approvalId).not.toBe(first.approvalId);
  });

  it('another agent cannot use the approval', async () => {
    const { guard, client, createAgent } = await setup();
    const first = (await guard
      .check('db_drop', undefined, 'destructive')
      .catch((e: unknown) => e)) as ElevationRequiredError;
    await client.approvals.approve(first.approvalId, 'admin@company.com');
    const other = await createAgent({ capabilities: ['*'] });
    const { AgentTrustGuard } = await import('../../src/guard/index.js');
    const otherGuard = new AgentTrustGuard(client, other.id);
    await expect(otherGuard.check('db_drop', undefined, 'destructive')).rejects.toBeInstanceOf(
      ElevationRequiredError,
    );
    await expect(guard.check('db_drop', undefined, 'destructive')).resolves.toMatchObject({ allowed: true });
  });

  it('checkOrWaitForApproval hands the input digest to the callback only, and re-checks the same binding', async () => {
    const { guard, client, bodiesOf, gateway } = await setup();
    const input = { path: '/var/data', recursive: true };
    const seen: ApprovalRequest[] = [];
    await guard.checkOrWaitForApproval('fs_delete', undefined, 'destructive', {
      ...fast,
      input,
      onApprovalRequired: async (request) => {
        seen.push(request);
        await client.approvals.approve(request.approvalId, 'admin@company.com');
      },
    });
    const digest = await digestToolInput(input);
    expect(seen[0]?.toolInputDigest).toBe(digest);
    const checks = bodiesOf('checkAction');
    expect(checks).toHaveLength(2);
    expect(checks[1]).toEqual(checks[0]);
    expect(JSON.stringify(gateway.requests)).not.toContain(digest);
    expect(JSON.stringify(gateway.requests)).not.toContain('/var/data');
    // Polled approvals.get (GET /mcp/approvals/{id}) for the decision.
    expect(gateway.requests.filter((r) => r.operationId === 'getApproval').length).toBeGreaterThan(0);
    const approval = await client.approvals.get(seen[0]?.approvalId as string);
    expect(approval).toMatchObject({
      actionName: 'fs_delete',
      actionEffect: 'destructive',
      agentId: guard.agentId,
      sessionId: guard.sessionId,
    });
    expect(approval).not.toHaveProperty('toolInputDigest');
  });
});

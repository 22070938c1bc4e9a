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

describe('approval binding: an approval cannot be replayed for another call', () => {
  it('the digest of the input is sent, and an approval for one input does not allow another', async () => {
    const { guard, client, bodiesOf } = await setup();
    const users = { table: 'users' };
    const orders = { table: 'orders' };
    const first = (await guard
      .check('db_drop', undefined, 'destructive', { input: users })
      .catch((e: unknown) => e)) as ElevationRequiredError;
    expect(first).toBeInstanceOf(ElevationRequiredError);
    expect(bodiesOf('checkAction')[0]?.tool_input_digest).toBe(await digestToolInput(users));
    expect(JSON.stringify(bodiesOf('checkAction')[0])).not.toContain('users'); // only the digest leaves
    await client.approvals.approve(first.approvalId, 'admin@company.com');

    // Same tool and effect, another input: refused, a new approval is asked for.
    const replay = (await guard
      .check('db_drop', undefined, 'destructive', { input: orders })
      .catch((e: unknown) => e)) as ElevationRequiredError;
    expect(replay).toBeInstanceOf(ElevationRequiredError);
    expect(replay.approvalId).not.toBe(first.approvalId);
    // Same input, another tool: refused too.
    await expect(
      guard.check('db_truncate', undefined, 'destructive', { input: users }),
    ).rejects.toBeInstanceOf(ElevationRequiredError);
    // Same input, another effect: refused.
    await expect(guard.check('db_drop', undefined, 'admin', { input: users })).rejects.toBeInstanceOf(
      ElevationRequiredError,
    );
    // Without the input (no digest): refused, the approval is bound to the digest.
    await expect(guard.check('db_drop', undefined, 'destructive')).rejects.toBeInstanceOf(
      ElevationRequiredError,
    );
    // The approved call itself: allowed, also with keys in another order.
    await expect(
      guard.check('db_drop', undefined, 'destructive', {
        inputDigest: await digestToolInput({ table: 'users' }),
      }),
    ).resolves.toMatchObject({ allowed: true, rule: 'elevation_granted' });
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

  it('checkOrWaitForApproval binds the wait and the re-check to the same input', async () => {
    const { guard, client, bodiesOf } = await setup();
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
    expect(bodiesOf('checkAction').map((b) => b.tool_input_digest)).toEqual([digest, digest]);
    const approval = await client.approvals.get(seen[0]?.approvalId as string);
    expect(approval).toMatchObject({
      toolInputDigest: digest,
      actionName: 'fs_delete',
      actionEffect: 'destructive',
    });
  });
});

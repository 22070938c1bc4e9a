import { describe, expect, it, vi } from 'vitest';
import {
  ActionDeniedError,
  digestToolInput,
  ElevationRequiredError,
  errorTypeOf,
} from '../../src/guard/index.js';
import { setup } from './helpers.js';

class QuotaExceeded extends Error {}

describe('guard.wrap', () => {
  it('checks, runs, times and reports success, passing arguments and result through', async () => {
    const { guard, gateway, bodiesOf } = await setup({ logInputs: true });
    const search = guard.wrap(
      'web_search',
      async (query: string, limit: number) => {
        await new Promise((r) => setTimeout(r, 15));
        return `${limit} results for ${query}`;
      },
      { effect: 'read', summary: (query) => `q=${query}` },
    );
    await expect(search('ai safety', 3)).resolves.toBe('3 results for ai safety');
    expect(bodiesOf('checkAction')[0]).toMatchObject({
      action_name: 'web_search',
      action_effect: 'read',
      action_input_summary: 'q=ai safety',
    });
    await guard.flush();
    const [event] = gateway.state.telemetry as Record<string, unknown>[];
    expect(event).toMatchObject({ event_type: 'tool_end', tool_name: 'web_search', success: true });
    expect(event?.duration_ms as number).toBeGreaterThanOrEqual(10);
    expect(event).not.toHaveProperty('error_type');
  });

  it("rethrows the tool's own error unchanged and reports its class name, never its message", async () => {
    const { guard, gateway } = await setup();
    const thrown = new QuotaExceeded('customer 42 over quota');
    const tool = guard.wrap('send_email', () => {
      throw thrown;
    });
    const caught = await tool().catch((e: unknown) => e);
    expect(caught).toBe(thrown);
    await guard.flush();
    expect(gateway.state.telemetry[0]).toMatchObject({
      event_type: 'tool_error',
      success: false,
      error_type: 'QuotaExceeded',
    });
    expect(JSON.stringify(gateway.requests)).not.toContain('customer 42');
  });

  it('never runs a denied tool, even with blockOnDeny: false', async () => {
    const { client, createAgent } = await setup();
    const agent = await createAgent({ capabilities: ['web:search'] });
    const { AgentTrustGuard } = await import('../../src/guard/index.js');
    const guard = new AgentTrustGuard(client, agent.id, { blockOnDeny: false });
    const fn = vi.fn();
    await expect(guard.wrap('shell_exec', fn)()).rejects.toBeInstanceOf(ActionDeniedError);
    const elevated = new AgentTrustGuard(client, agent.id, { blockOnDeny: false });
    await expect(elevated.wrap('web_search', fn, { effect: 'destructive' })()).rejects.toBeInstanceOf(
      ElevationRequiredError,
    );
    expect(fn).not.toHaveBeenCalled();
    expect(guard.stats().queued).toBe(0);
  });

  it('throws ELEVATION_REQUIRED by default, and waits for the approval with waitForApproval', async () => {
    const { guard, client, gateway } = await setup();
    const fn = vi.fn(async (table: string) => `dropped ${table}`);
    const drop = guard.wrap('db_drop', fn, { effect: 'destructive', bindInput: true });
    await expect(drop('users')).rejects.toBeInstanceOf(ElevationRequiredError);
    expect(fn).not.toHaveBeenCalled();
    const digests: (string | undefined)[] = [];
    const waiting = guard.wrap('db_drop', fn, {
      effect: 'destructive',
      bindInput: true,
      waitForApproval: {
        pollIntervalMs: 5,
        onApprovalRequired: ({ approvalId, toolInputDigest }) => {
          digests.push(toolInputDigest);
          void client.approvals.approve(approvalId, 'admin@company.com');
        },
      },
    });
    await expect(waiting('orders')).resolves.toBe('dropped orders');
    expect(fn).toHaveBeenCalledTimes(1);
    // bindInput: the approver is told which input (by digest); the gateway never sees it.
    expect(digests).toEqual([await digestToolInput('orders')]);
    expect(JSON.stringify(gateway.requests)).not.toContain('orders');
    expect(gateway.requests.some((r) => r.operationId === 'getApproval')).toBe(true);
  });

  it('rejects what it cannot wrap', async () => {
    const { guard } = await setup();
    expect(() => guard.wrap('t', 'nope' as unknown as () => void)).toThrow(/function/);
    expect(() => guard.wrap('', () => {})).toThrow(/toolName/);
  });
});

describe('errorTypeOf', () => {
  it('names the class, not the message', () => {
    expect(errorTypeOf(new QuotaExceeded('secret'))).toBe('QuotaExceeded');
    expect(errorTypeOf(new TypeError('x'))).toBe('TypeError');
    expect(errorTypeOf(Object.assign(Object.create(null), { name: 'Custom' }))).toBe('Custom');
    expect(errorTypeOf({ message: 'plain object' })).toBe('Error');
    expect(errorTypeOf('a string')).toBe('string');
    expect(errorTypeOf(undefined)).toBe('undefined');
  });
});

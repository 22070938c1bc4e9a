import { RunContext, tool } from '@openai/agents';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { guardAgentsTool, guardAgentsTools } from '../../../src/adapters/openai-agents.js';
import { AgentTrustGuard, digestToolInput } from '../../../src/guard/index.js';
import { setup } from '../helpers.js';

// Tool-level tests with the real @openai/agents `tool()`: the Runner calls exactly these two
// members (`needsApproval`, then `invoke`) for a function call.
const makeTools = () => {
  const remove = vi.fn(async ({ path }: { path: string }) => `deleted ${path}`);
  const search = vi.fn(async ({ query }: { query: string }) => `results for ${query}`);
  return {
    remove,
    search,
    searchTool: tool({
      name: 'web_search',
      description: 'search',
      parameters: z.object({ query: z.string() }),
      execute: search,
    }),
    deleteTool: tool({
      name: 'delete_file',
      description: 'delete',
      parameters: z.object({ path: z.string() }),
      execute: remove,
    }),
  };
};
const call = (callId: string, name: string, args: unknown) => ({
  toolCall: { type: 'function_call' as const, callId, name, arguments: JSON.stringify(args) },
});

describe('OpenAI Agents SDK adapter (@openai/agents)', () => {
  it('an allowed call runs, its arguments stay in the process, and it is reported', async () => {
    const { guard, gateway, bodiesOf } = await setup();
    const { searchTool, search } = makeTools();
    const [guarded] = guardAgentsTools(guard, [searchTool]);
    const ctx = new RunContext();
    expect(await guarded?.needsApproval(ctx, { query: 'x' }, 'c1')).toBe(false);
    const out = await guarded?.invoke(
      ctx,
      JSON.stringify({ query: 'x' }),
      call('c1', 'web_search', { query: 'x' }),
    );
    expect(out).toBe('results for x');
    expect(search).toHaveBeenCalledTimes(1);
    const checks = gateway.requests.filter((r) => r.operationId === 'checkAction');
    // needsApproval asked once, invoke once; neither sent the arguments or their digest.
    expect(checks).toHaveLength(2);
    for (const check of checks) {
      expect(check.body).toEqual({
        agent_id: guard.agentId,
        action_name: 'web_search',
        action_source: 'api',
        session_id: guard.sessionId,
      });
    }
    expect(JSON.stringify(gateway.requests)).not.toContain(await digestToolInput({ query: 'x' }));
    await guard.flush();
    expect(gateway.state.telemetry[0]).toMatchObject({
      event_type: 'tool_end',
      tool_name: 'web_search',
      success: true,
    });
    expect(bodiesOf('reportTelemetry')[0]).toMatchObject({
      agent_id: guard.agentId,
      session_id: guard.sessionId,
    });
  });

  it('a denial is the tool output, the tool never runs', async () => {
    const { client, createAgent } = await setup();
    const agent = await createAgent({ capabilities: ['web:search'] });
    const guard = new AgentTrustGuard(client, agent.id);
    const { deleteTool, remove } = makeTools();
    const guarded = guardAgentsTool(guard, deleteTool);
    const ctx = new RunContext();
    expect(await guarded.needsApproval(ctx, { path: '/d' }, 'c2')).toBe(false);
    const out = await guarded.invoke(
      ctx,
      JSON.stringify({ path: '/d' }),
      call('c2', 'delete_file', { path: '/d' }),
    );
    expect(out).toMatch(/AgentTrust denied the call to delete_file: .*Retrying will not help/);
    expect(remove).not.toHaveBeenCalled();
  });

  it('elevation is an interruption (needsApproval); after the user approves, onApproved records it and the call runs', async () => {
    const { guard, client } = await setup();
    const { deleteTool, remove } = makeTools();
    const onApproved = vi.fn(({ approvalId }: { approvalId: string }) =>
      client.approvals.approve(approvalId, 'user@app.example'),
    );
    const guarded = guardAgentsTool(guard, deleteTool, {
      effect: 'destructive',
      onApproved,
    });
    const ctx = new RunContext();
    expect(await guarded.needsApproval(ctx, { path: '/tmp/a' }, 'c3')).toBe(true);
    const out = await guarded.invoke(
      ctx,
      JSON.stringify({ path: '/tmp/a' }),
      call('c3', 'delete_file', { path: '/tmp/a' }),
    );
    expect(onApproved).toHaveBeenCalledWith(
      expect.objectContaining({ callId: 'c3', toolName: 'delete_file' }),
    );
    expect(out).toBe('deleted /tmp/a');
    expect(remove).toHaveBeenCalledTimes(1);
  });
});

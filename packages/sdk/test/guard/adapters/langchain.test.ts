import { ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { guardLangChainTool, guardLangChainTools } from '../../../src/adapters/langchain.js';
import { AgentTrustGuard } from '../../../src/guard/index.js';
import { setup } from '../helpers.js';

const makeTools = () => {
  const search = vi.fn(async ({ query }: { query: string }) => `results for ${query}`);
  const remove = vi.fn(async ({ path }: { path: string }) => `deleted ${path}`);
  return {
    search,
    remove,
    tools: [
      tool(search, {
        name: 'web_search',
        description: 'search the web',
        schema: z.object({ query: z.string() }),
      }),
      tool(remove, {
        name: 'delete_file',
        description: 'delete a file',
        schema: z.object({ path: z.string() }),
      }),
    ],
  };
};

describe('LangChain.js adapter (@langchain/core)', () => {
  it('keeps name, description and schema; an allowed call runs and is reported', async () => {
    const { guard, gateway } = await setup();
    const { tools, search } = makeTools();
    const [guardedSearch] = guardLangChainTools(guard, tools);
    expect(guardedSearch?.name).toBe('web_search');
    expect(guardedSearch?.description).toBe('search the web');
    await expect(guardedSearch?.invoke({ query: 'agents' })).resolves.toBe('results for agents');
    expect(search).toHaveBeenCalledTimes(1);
    await guard.flush();
    expect(gateway.state.telemetry[0]).toMatchObject({
      event_type: 'tool_end',
      tool_name: 'web_search',
      success: true,
    });
    // The check names the tool; the tool's input never leaves the process.
    const check = gateway.requests.find((r) => r.operationId === 'checkAction');
    expect(check?.body).toMatchObject({ action_name: 'web_search', action_source: 'api' });
    expect(check?.body).not.toHaveProperty('action_input_summary');
    expect(JSON.stringify(gateway.requests)).not.toContain('"agents"');
  });

  it('a denial is the tool output the model reads (also inside a ToolMessage for a tool call)', async () => {
    const { client, createAgent } = await setup();
    const agent = await createAgent({ capabilities: ['web:search'] });
    const guard = new AgentTrustGuard(client, agent.id);
    const { tools, remove } = makeTools();
    const [, guardedDelete] = guardLangChainTools(guard, tools);
    const output = await guardedDelete?.invoke({ path: '/data' });
    expect(output).toMatch(
      /AgentTrust denied the call to delete_file: .*no capability.*Retrying will not help/,
    );
    const message = await guardedDelete?.invoke({
      type: 'tool_call',
      id: 'call-1',
      name: 'delete_file',
      args: { path: '/data' },
    });
    expect(message).toBeInstanceOf(ToolMessage);
    expect(String((message as ToolMessage).content)).toMatch(/AgentTrust denied/);
    expect(remove).not.toHaveBeenCalled();
  });

  it('content_and_artifact tools get the GuardDenial as the artifact', async () => {
    const { guard } = await setup();
    const raw = tool(async () => ['ok', { rows: 1 }], {
      name: 'db_drop',
      description: 'drop a table',
      schema: z.object({ table: z.string() }),
      responseFormat: 'content_and_artifact',
    });
    const guarded = guardLangChainTool(guard, raw, { effect: 'destructive' });
    const message = (await guarded.invoke({
      type: 'tool_call',
      id: 'c1',
      name: 'db_drop',
      args: { table: 'users' },
    })) as ToolMessage;
    expect(String(message.content)).toMatch(/needs a human's approval/);
    expect(message.artifact).toMatchObject({
      agenttrust: 'approval_required',
      code: 'ELEVATION_REQUIRED',
      retryable: true,
    });
  });

  it('waitForApproval waits for the human, then runs the tool', async () => {
    const { guard, client } = await setup();
    const { tools, remove } = makeTools();
    const [, guardedDelete] = guardLangChainTools(guard, tools, {
      delete_file: {
        effect: 'destructive',
        waitForApproval: {
          pollIntervalMs: 5,
          onApprovalRequired: ({ approvalId }) =>
            void client.approvals.approve(approvalId, 'admin@company.com'),
        },
      },
    });
    await expect(guardedDelete?.invoke({ path: '/tmp/x' })).resolves.toBe('deleted /tmp/x');
    expect(remove).toHaveBeenCalledTimes(1);
  });

  it("the tool's own error propagates as LangChain's tool error and is reported by class name", async () => {
    const { guard, gateway } = await setup();
    class DiskFull extends Error {}
    const raw = tool(
      async () => {
        throw new DiskFull('secret');
      },
      { name: 'write_file', description: 'write', schema: z.object({ path: z.string() }) },
    );
    await expect(guardLangChainTool(guard, raw).invoke({ path: '/x' })).rejects.toBeInstanceOf(DiskFull);
    await guard.flush();
    expect(gateway.state.telemetry[0]).toMatchObject({ success: false, error_type: 'DiskFull' });
  });
});

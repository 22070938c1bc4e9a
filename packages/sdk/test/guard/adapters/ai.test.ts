import { generateText, type ModelMessage, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { guardTool, guardTools, isGuardDenial } from '../../../src/adapters/ai.js';
import { AgentTrustGuard } from '../../../src/guard/index.js';
import { setup } from '../helpers.js';

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

/** A model that calls one tool, then answers with text. */
function modelCalling(toolName: string, input: unknown) {
  const answers = [
    {
      content: [{ type: 'tool-call' as const, toolCallId: 'call-1', toolName, input: JSON.stringify(input) }],
      finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' },
      usage,
      warnings: [],
    },
    {
      content: [{ type: 'text' as const, text: 'done' }],
      finishReason: { unified: 'stop' as const, raw: 'stop' },
      usage,
      warnings: [],
    },
  ];
  // A function, not the array form: ai 6.0.0's mock skips the array's first answer.
  const model: MockLanguageModelV3 = new MockLanguageModelV3({
    doGenerate: async () => answers[Math.min(model.doGenerateCalls.length - 1, answers.length - 1)] as never,
  });
  return model;
}

const toolResult = (steps: readonly { content: readonly { type: string }[] }[]) =>
  steps.flatMap((s) => s.content).find((c) => c.type === 'tool-result') as { output: unknown } | undefined;

describe('Vercel AI SDK adapter (ai 6 and 7)', () => {
  it('an allowed tool runs and is reported', async () => {
    const { guard, gateway } = await setup();
    const execute = vi.fn(async ({ query }: { query: string }) => `results for ${query}`);
    const tools = guardTools(guard, {
      web_search: tool({ description: 'search', inputSchema: z.object({ query: z.string() }), execute }),
    });
    const result = await generateText({
      model: modelCalling('web_search', { query: 'agents' }),
      tools,
      prompt: 'go',
      stopWhen: stepCountIs(3),
    });
    expect(execute).toHaveBeenCalledTimes(1);
    expect(toolResult(result.steps)?.output).toBe('results for agents');
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

  it('a denial reaches the model as a readable tool result, not a crash', async () => {
    const { client, createAgent } = await setup();
    const agent = await createAgent({ capabilities: ['web:search'] });
    const guard = new AgentTrustGuard(client, agent.id);
    const execute = vi.fn(async () => 'sent');
    const tools = guardTools(guard, {
      send_email: tool({ description: 'mail', inputSchema: z.object({ to: z.string() }), execute }),
    });
    const model = modelCalling('send_email', { to: 'cfo@example.com' });
    const result = await generateText({ model, tools, prompt: 'go', stopWhen: stepCountIs(3) });
    expect(execute).not.toHaveBeenCalled();
    const output = toolResult(result.steps)?.output;
    expect(isGuardDenial(output)).toBe(true);
    expect(output).toMatchObject({ agenttrust: 'denied', code: 'ACTION_DENIED', retryable: false });
    expect((output as { message: string }).message).toMatch(/no capability for 'send_email'.*will not help/);
    // The model's second step saw the denial in its prompt.
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).toContain(
      'AgentTrust denied the call to send_email',
    );
    expect(result.text).toBe('done');
  });

  it("elevation goes through the AI SDK's approval flow, and onApproved records it on the gateway", async () => {
    const { guard, client } = await setup();
    const execute = vi.fn(async ({ table }: { table: string }) => `dropped ${table}`);
    const onApproved = vi.fn(({ approvalId }: { approvalId: string }) =>
      client.approvals.approve(approvalId, 'user@app.example'),
    );
    const tools = {
      db_drop: guardTool(
        guard,
        'db_drop',
        tool({ description: 'drop', inputSchema: z.object({ table: z.string() }), execute }),
        { effect: 'destructive', onApproved },
      ),
    };
    const model = modelCalling('db_drop', { table: 'users' });
    const first = await generateText({ model, tools, prompt: 'go', stopWhen: stepCountIs(3) });
    const request = first.content.find((c) => c.type === 'tool-approval-request');
    expect(request).toBeDefined();
    expect(execute).not.toHaveBeenCalled();

    // The user approves in the app; the conversation goes on with the AI SDK's approval response.
    const messages: ModelMessage[] = [
      { role: 'user', content: 'drop the users table' },
      ...first.response.messages,
      {
        role: 'tool',
        content: [
          {
            type: 'tool-approval-response',
            approvalId: (request as { approvalId: string }).approvalId,
            approved: true,
          },
        ],
      },
    ];
    const second = await generateText({
      model: modelCalling('unused', {}),
      tools,
      messages,
      stopWhen: stepCountIs(1),
    });
    expect(onApproved).toHaveBeenCalledWith(
      expect.objectContaining({ toolName: 'db_drop', approvalId: expect.stringMatching(/^apr_/) }),
    );
    expect(execute).toHaveBeenCalledTimes(1);
    expect(await execute.mock.results[0]?.value).toBe('dropped users');
    const approvalId = onApproved.mock.calls[0]?.[0].approvalId as string;
    await expect(client.approvals.get(approvalId)).resolves.toMatchObject({
      status: 'approved',
      decidedBy: 'user@app.example',
    });
    // ai 6 returns the approved call's result in response.messages, ai 7 in initialResponseMessages.
    const initial = (second as { initialResponseMessages?: unknown }).initialResponseMessages;
    expect(JSON.stringify([initial, second.response.messages])).toContain('dropped users');
  });

  it('without onApproved, a pending gateway approval is reported to the model as approval_required', async () => {
    const { guard } = await setup();
    const execute = vi.fn(async () => 'dropped');
    const tools = guardTools(
      guard,
      { db_drop: tool({ description: 'drop', inputSchema: z.object({ table: z.string() }), execute }) },
      { db_drop: { effect: 'destructive', frameworkApproval: false } },
    );
    const result = await generateText({
      model: modelCalling('db_drop', { table: 'users' }),
      tools,
      prompt: 'go',
      stopWhen: stepCountIs(3),
    });
    expect(execute).not.toHaveBeenCalled();
    expect(toolResult(result.steps)?.output).toMatchObject({
      agenttrust: 'approval_required',
      code: 'ELEVATION_REQUIRED',
      retryable: true,
      approvalId: expect.stringMatching(/^apr_/),
    });
  });

  it("the tool's own error stays the framework's tool error, and is reported by class name", async () => {
    const { guard, gateway } = await setup();
    class Boom extends Error {}
    const tools = guardTools(guard, {
      web_search: tool({
        description: 'search',
        inputSchema: z.object({ query: z.string() }),
        execute: async (): Promise<string> => {
          throw new Boom('secret detail');
        },
      }),
    });
    const result = await generateText({
      model: modelCalling('web_search', { query: 'x' }),
      tools,
      prompt: 'go',
      stopWhen: stepCountIs(3),
    });
    const error = result.steps.flatMap((s) => s.content).find((c) => c.type === 'tool-error') as {
      error: unknown;
    };
    expect(error.error).toBeInstanceOf(Boom);
    await guard.flush();
    expect(gateway.state.telemetry[0]).toMatchObject({ success: false, error_type: 'Boom' });
  });
});

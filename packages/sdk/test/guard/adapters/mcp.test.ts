import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it, vi } from 'vitest';
// zod's v3 API for the server's schemas: @modelcontextprotocol/sdk before 1.23 reads only zod 3
// schemas (the peers config runs this file against 1.20.0 too); later 1.x reads both.
import * as z from 'zod/v3';
import { guardMcpClient, isGuardDenial } from '../../../src/adapters/mcp.js';
import { AgentTrustGuard, digestToolInput } from '../../../src/guard/index.js';
import { setup } from '../helpers.js';

/** A real MCP server and client, linked in memory. */
async function mcpPair() {
  const server = new McpServer({ name: 'files', version: '1.0.0' });
  const removed: string[] = [];
  server.registerTool(
    'read_file',
    { description: 'read', inputSchema: { path: z.string() } },
    async ({ path }) => ({
      content: [{ type: 'text', text: `contents of ${path}` }],
    }),
  );
  server.registerTool(
    'delete_file',
    { description: 'delete', inputSchema: { path: z.string() } },
    async ({ path }) => {
      removed.push(path);
      return { content: [{ type: 'text', text: `deleted ${path}` }] };
    },
  );
  server.registerTool('flaky', { description: 'fails' }, async () => ({
    content: [{ type: 'text', text: 'disk full' }],
    isError: true,
  }));
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'agent', version: '1.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return { client, server, removed };
}

describe('MCP client adapter (@modelcontextprotocol/sdk)', () => {
  it('an allowed callTool goes through and is reported; other members pass through', async () => {
    const { guard, gateway } = await setup();
    const { client } = await mcpPair();
    const guarded = guardMcpClient(guard, client, { effect: 'read' });
    const result = await guarded.callTool({ name: 'read_file', arguments: { path: '/etc/motd' } });
    expect(result.content).toEqual([{ type: 'text', text: 'contents of /etc/motd' }]);
    const listed = await guarded.listTools();
    expect(listed.tools.map((t) => t.name)).toContain('delete_file');
    await guard.flush();
    expect(gateway.state.telemetry[0]).toMatchObject({
      event_type: 'tool_end',
      tool_name: 'read_file',
      success: true,
    });
    const check = gateway.requests.find((r) => r.operationId === 'checkAction')?.body;
    expect(check).toMatchObject({ action_name: 'read_file', action_effect: 'read', action_source: 'api' });
    // The arguments never leave the process, not even as a digest.
    expect(JSON.stringify(gateway.requests)).not.toContain('/etc/motd');
    expect(JSON.stringify(gateway.requests)).not.toContain(await digestToolInput({ path: '/etc/motd' }));
  });

  it('a denial comes back as an isError result the model can read; the server never sees the call', async () => {
    const { client: atClient, createAgent } = await setup();
    const agent = await createAgent({ capabilities: ['read_file'] });
    const guard = new AgentTrustGuard(atClient, agent.id);
    const { client, removed } = await mcpPair();
    const spy = vi.spyOn(client, 'callTool');
    const guarded = guardMcpClient(guard, client);
    const result = await guarded.callTool({ name: 'delete_file', arguments: { path: '/data' } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toMatch(
      /AgentTrust denied the call to delete_file/,
    );
    expect(isGuardDenial(result.structuredContent)).toBe(true);
    expect(result.structuredContent).toMatchObject({ code: 'ACTION_DENIED', retryable: false });
    expect(spy).not.toHaveBeenCalled();
    expect(removed).toEqual([]);
  });

  it('elevation: approval_required until approved; in a supervised session one approval, one call', async () => {
    const { guard, client: atClient, setSession } = await setup();
    const { client, removed } = await mcpPair();
    const spy = vi.spyOn(client, 'callTool');
    const guarded = guardMcpClient(guard, client, {
      effect: (name) => (name === 'delete_file' ? 'destructive' : 'read'),
    });
    const first = await guarded.callTool({ name: 'delete_file', arguments: { path: '/tmp/a' } });
    expect(first.isError).toBe(true);
    expect(first.structuredContent).toMatchObject({
      agenttrust: 'approval_required',
      code: 'ELEVATION_REQUIRED',
      retryable: true,
      approvalId: expect.stringMatching(/^apr_/),
    });
    expect(spy).not.toHaveBeenCalled();
    const approvalId = (first.structuredContent as { approvalId: string }).approvalId;
    await setSession(guard.sessionId, { mode: 'supervised' });
    await atClient.approvals.approve(approvalId, 'admin@company.com');
    const second = await guarded.callTool({ name: 'delete_file', arguments: { path: '/tmp/a' } });
    expect(second.isError).toBeFalsy();
    // The approval is spent: the next destructive call needs its own.
    const other = await guarded.callTool({ name: 'delete_file', arguments: { path: '/etc' } });
    expect(other.structuredContent).toMatchObject({ agenttrust: 'approval_required' });
    expect((other.structuredContent as { approvalId: string }).approvalId).not.toBe(approvalId);
    expect(removed).toEqual(['/tmp/a']);
  });

  it('waitForApproval: the approver gets the digest of the arguments, the call runs once approved', async () => {
    const { guard, client: atClient, gateway } = await setup();
    const { client, removed } = await mcpPair();
    const digests: (string | undefined)[] = [];
    const guarded = guardMcpClient(guard, client, {
      effect: 'destructive',
      waitForApproval: {
        pollIntervalMs: 5,
        onApprovalRequired: async ({ approvalId, toolInputDigest }) => {
          digests.push(toolInputDigest);
          await atClient.approvals.approve(approvalId, 'admin@company.com');
        },
      },
    });
    const result = await guarded.callTool({ name: 'delete_file', arguments: { path: '/tmp/b' } });
    expect(result.isError).toBeFalsy();
    expect(removed).toEqual(['/tmp/b']);
    expect(digests).toEqual([await digestToolInput({ path: '/tmp/b' })]);
    expect(JSON.stringify(gateway.requests)).not.toContain('/tmp/b');
  });

  it("a tool's own isError result is passed through and reported as a failure", async () => {
    const { guard, gateway } = await setup();
    const { client } = await mcpPair();
    const guarded = guardMcpClient(guard, client, { toolName: (name) => `files.${name}` });
    const result = await guarded.callTool({ name: 'flaky', arguments: {} });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'disk full' }] });
    await guard.flush();
    expect(gateway.state.telemetry[0]).toMatchObject({
      event_type: 'tool_error',
      tool_name: 'files.flaky',
      success: false,
      error_type: 'McpToolError',
    });
  });
});

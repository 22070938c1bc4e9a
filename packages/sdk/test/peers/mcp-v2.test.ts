// The MCP adapter with the v2 packages (@modelcontextprotocol/client and /server): a real server
// and client linked in memory. The peers config runs this file at both ends of the ^2 range.
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import * as z from 'zod';
import { guardCallTool, guardMcpClient, isGuardDenial } from '../../src/adapters/mcp.js';
import { AgentTrustGuard } from '../../src/guard/index.js';
import { setup } from '../guard/helpers.js';

async function mcpPair() {
  const server = new McpServer({ name: 'files', version: '1.0.0' });
  const removed: string[] = [];
  server.registerTool(
    'read_file',
    { description: 'read', inputSchema: z.object({ path: z.string() }) },
    async ({ path }) => ({
      content: [{ type: 'text', text: `contents of ${path}` }],
    }),
  );
  server.registerTool(
    'delete_file',
    { description: 'delete', inputSchema: z.object({ path: z.string() }) },
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
  return { client, removed };
}

describe('MCP client adapter (v2: @modelcontextprotocol/client)', () => {
  it('keeps the v2 client type: callTool stays typed, not any', async () => {
    const { guard } = await setup();
    const { client } = await mcpPair();
    const guarded = guardMcpClient(guard, client);
    expectTypeOf(guarded).toEqualTypeOf<Client>();
    expectTypeOf(guardCallTool(guard, client)).toEqualTypeOf<Client['callTool']>();
    expectTypeOf(guarded.callTool).parameter(0).toHaveProperty('name').toEqualTypeOf<string>();
  });

  it('an allowed callTool goes through and is reported; other members pass through', async () => {
    const { guard, gateway } = await setup();
    const { client } = await mcpPair();
    const guarded = guardMcpClient(guard, client, { effect: 'read' });
    const result = await guarded.callTool({ name: 'read_file', arguments: { path: '/etc/motd' } });
    expect(result.content).toEqual([{ type: 'text', text: 'contents of /etc/motd' }]);
    const listed = await guarded.listTools();
    expect(listed.tools.map((t) => t.name)).toContain('delete_file');
    await guard.flush();
    expect(gateway.state.telemetry[0]).toMatchObject({ tool_name: 'read_file', success: true });
    expect(JSON.stringify(gateway.requests)).not.toContain('/etc/motd');
  });

  it('a denial is an isError result; the server never sees the call', async () => {
    const { client: atClient, createAgent } = await setup();
    const agent = await createAgent({ capabilities: ['read_file'] });
    const guard = new AgentTrustGuard(atClient, agent.id);
    const { client, removed } = await mcpPair();
    const spy = vi.spyOn(client, 'callTool');
    const result = await guardMcpClient(guard, client).callTool({
      name: 'delete_file',
      arguments: { path: '/data' },
    });
    expect(result.isError).toBe(true);
    expect(isGuardDenial(result.structuredContent)).toBe(true);
    expect(result.structuredContent).toMatchObject({ code: 'ACTION_DENIED', retryable: false });
    expect(spy).not.toHaveBeenCalled();
    expect(removed).toEqual([]);
  });

  it("v2's request options (the second argument) reach the client, and their signal the guard", async () => {
    const { guard } = await setup();
    const { client } = await mcpPair();
    const spy = vi.spyOn(client, 'callTool');
    const guarded = guardMcpClient(guard, client, { effect: 'read' });
    const options = { timeout: 5_000 };
    await guarded.callTool({ name: 'read_file', arguments: { path: '/a' } }, options);
    expect(spy).toHaveBeenCalledWith({ name: 'read_file', arguments: { path: '/a' } }, options);
    const aborted = AbortSignal.abort();
    await expect(
      guarded.callTool({ name: 'read_file', arguments: { path: '/b' } }, { signal: aborted }),
    ).rejects.toThrow();
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("a tool's own isError result is passed through and reported as a failure", async () => {
    const { guard, gateway } = await setup();
    const { client } = await mcpPair();
    const result = await guardMcpClient(guard, client).callTool({ name: 'flaky', arguments: {} });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'disk full' }] });
    await guard.flush();
    expect(gateway.state.telemetry[0]).toMatchObject({ success: false, error_type: 'McpToolError' });
  });
});

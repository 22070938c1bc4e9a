// camelCase on the surface, snake_case on the wire, by the schema: user keys in free-form maps
// (agent metadata, MCP params, A2A data parts, delegation restrictions, JSON-RPC error data)
// cross both ways untouched, and the A2A v1 types, camelCase on the wire, stay as they are.
import { describe, expect, it } from 'vitest';
import { fromWire, toWire } from '../src/core/keys.js';
import { shapes } from '../src/generated/wire.js';
import { useGateway } from './helpers.js';

const { gateway, client } = useGateway();
const has = (id: string) => gateway.operations.some((op) => op.operationId === id);

const awkward = {
  snake_case: 1,
  camelCase: 2,
  'kebab-case': 3,
  PascalCase: { nested_key: [{ deep_key: true, deepKey: false }] },
  created_at: 'not a timestamp field here',
  '': 'empty key',
  'with space': null,
};

describe('metadata keys round trip', () => {
  it('through the mock: create, get, list return the exact keys', async () => {
    const c = client();
    const created = await c.agents.create({ name: 'meta-bot', metadata: awkward });
    expect(created.metadata).toEqual(awkward);
    const wire = gateway.requests.find((r) => r.operationId === 'createAgent')!.body as any;
    expect(wire.metadata).toEqual(awkward);
    expect((await c.agents.get(created.id)).metadata).toEqual(awkward);
    expect((await c.agents.list())[0]!.metadata).toEqual(awkward);
  });

  it.skipIf(!has('callMcpTool'))('MCP params and arguments go to the wire exactly', async () => {
    const c = client();
    const agent = await c.agents.create({ name: 'mcp-bot' });
    const server = await c.mcp.registerServer({ name: 'code-tools', url: 'https://mcp.example.com' });
    const params = { name: 'run_code', arguments: { source_code: 'x', maxLines: 2, nested_obj: { a_b: 1 } } };
    await c.mcp.callTool(server.id, agent.id, 'tools/call', params).catch(() => {});
    const call = gateway.requests.find((r) => r.operationId === 'callMcpTool')!;
    // The caller's method and params inside the JSON-RPC envelope the SDK completes.
    expect(call.body).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/call', params });
    expect(call.headers['x-agent-id']).toBe(agent.id);
  });
});

describe('schema-driven conversion', () => {
  it('renames known keys and leaves free-form values alone', () => {
    const wire = {
      session_id: 's',
      agent_id: 'a',
      scope_ceiling: ['files:read'],
      total_calls: 1,
    };
    expect(fromWire(wire, shapes.Session)).toEqual({
      sessionId: 's',
      agentId: 'a',
      scopeCeiling: ['files:read'],
      totalCalls: 1,
    });
  });

  it('A2A messages are camelCase on the wire: nothing renamed, data part keys untouched', () => {
    const message = {
      role: 'user',
      messageId: 'm1',
      contextId: 'ctx-1',
      parts: [
        { kind: 'text', text: 'hi' },
        { kind: 'data', data: { user_id: 7, camelKey: { inner_key: 1 } } },
      ],
    };
    const surface = fromWire(message, shapes.A2aMessage);
    expect(surface).toEqual(message);
    expect(toWire(surface, shapes.A2aMessage)).toEqual(message);
  });

  it('delegation restrictions and JSON-RPC error data and results pass through', () => {
    const d = fromWire(
      {
        id: 'dlg_1',
        from_agent_id: 'a',
        to_agent_id: 'b',
        restrictions: { max_calls: 5, 'x-y': { z_w: 1 } },
      },
      shapes.Delegation,
    );
    expect(d).toEqual({
      id: 'dlg_1',
      fromAgentId: 'a',
      toAgentId: 'b',
      restrictions: { max_calls: 5, 'x-y': { z_w: 1 } },
    });
    expect(
      toWire({ fromAgentId: 'a', restrictions: { max_calls: 5 } }, shapes.CreateDelegationRequest),
    ).toEqual({
      from_agent_id: 'a',
      restrictions: { max_calls: 5 },
    });
    const error = {
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32001, message: 'denied', data: { check_id: 'c', rule: 'x' } },
    };
    expect(fromWire(error, shapes.McpRpcResponse)).toEqual(error);
    const result = { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text_value: 'x' }] } };
    expect(fromWire(result, shapes.McpRpcResponse)).toEqual(result);
  });

  it('leaves null, arrays of primitives and unknown keys as they are', () => {
    expect(fromWire(null, shapes.Agent)).toBeNull();
    expect(fromWire({ revoked_at: null, brand_new_field: { x_y: 1 } }, shapes.Agent)).toEqual({
      revokedAt: null,
      brand_new_field: { x_y: 1 },
    });
    expect(toWire({ agentId: 'a', scopes: ['a_b'] }, shapes.IssueTokenRequest)).toEqual({
      agent_id: 'a',
      scopes: ['a_b'],
    });
  });
});

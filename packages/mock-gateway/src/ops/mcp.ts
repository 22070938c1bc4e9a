import {
  CallMcpToolBody,
  CallMcpToolParams,
  RegisterMcpServerBody,
  RemoveMcpServerParams,
} from '@agenttrustid/spec/zod';
import { conflict, notFound, validation } from '../errors.js';
import { defineOp, json, noContent } from '../operation.js';
import { type McpServer, newestFirst } from '../state.js';
import { nextSeq } from './common.js';
import { decide } from './guardian.js';

/** JSON-RPC error code of a Guardian denial, as the spec documents it. */
export const GUARDIAN_DENIED = -32001;

function findServer(servers: Map<string, McpServer>, id: string): McpServer {
  const server = servers.get(id);
  if (!server) throw notFound('mcp server', id);
  return server;
}

export const mcpOps = [
  defineOp({
    operationId: 'registerMcpServer',
    method: 'POST',
    path: '/v1/mcp/servers',
    body: RegisterMcpServerBody,
    bodyRequired: true,
    handle: ({ body, state, clock, id }) => {
      const taken = [...state.mcpServers.values()].find((s) => s.name === body.name);
      if (taken)
        throw conflict(`an MCP server named ${body.name} already exists`, { name: body.name, id: taken.id });
      const server: McpServer = {
        seq: nextSeq(state),
        id: id('mcp'),
        name: body.name,
        url: body.url,
        capabilities: [...(body.capabilities ?? [])],
        created_at: clock.iso(),
      };
      state.mcpServers.set(server.id, server);
      const { seq: _, ...wire } = server;
      return json(201, wire);
    },
  }),
  defineOp({
    operationId: 'listMcpServers',
    method: 'GET',
    path: '/v1/mcp/servers',
    handle: ({ state }) =>
      json(
        200,
        newestFirst(state.mcpServers.values()).map(({ seq: _, ...wire }) => structuredClone(wire)),
      ),
  }),
  defineOp({
    operationId: 'removeMcpServer',
    method: 'DELETE',
    path: '/v1/mcp/servers/{server_id}',
    params: RemoveMcpServerParams,
    handle: ({ params, state }) => {
      findServer(state.mcpServers, params.server_id);
      state.mcpServers.delete(params.server_id);
      return noContent();
    },
  }),
  defineOp({
    operationId: 'callMcpTool',
    method: 'POST',
    path: '/v1/mcp/servers/{server_id}/rpc',
    params: CallMcpToolParams,
    body: CallMcpToolBody,
    bodyRequired: true,
    handle: (ctx) => {
      const { params, body, state } = ctx;
      const server = findServer(state.mcpServers, params.server_id);
      const rpcId = ctx.id('rpc');
      const answer = (fields: Record<string, unknown>, checkId: string | null = null) =>
        json(200, { jsonrpc: '2.0', id: rpcId, ...fields, check_id: checkId });

      if (body.method !== 'tools/call') {
        // The upstream is simulated: it knows the MCP handshake and its own tool list.
        if (body.method === 'initialize') {
          return answer({
            result: {
              protocolVersion: '2025-06-18',
              serverInfo: { name: server.name, version: '1.0.0' },
              capabilities: { tools: {} },
            },
          });
        }
        if (body.method === 'ping') return answer({ result: {} });
        if (body.method === 'tools/list') {
          return answer({
            result: {
              tools: server.capabilities.map((name) => ({ name, inputSchema: { type: 'object' } })),
            },
          });
        }
        return answer({ error: { code: -32601, message: `method not found: ${body.method}` } });
      }

      const name = body.params?.name;
      if (typeof name !== 'string' || name === '')
        throw validation('params.name', 'a tools/call needs the tool name');
      if (body.session_id === undefined)
        throw validation('session_id', 'a tools/call needs the session to check against');
      const session = state.sessions.get(body.session_id);
      if (!session) throw notFound('session', body.session_id);
      const decision = decide(ctx, {
        agent_id: session.agent_id,
        tool_name: name,
        session_id: session.session_id,
      });
      if (!decision.allowed) {
        return answer(
          {
            error: {
              code: GUARDIAN_DENIED,
              message: `Guardian denied '${name}': ${decision.reason}`,
              data: decision,
            },
          },
          decision.check_id,
        );
      }
      if (server.capabilities.length > 0 && !server.capabilities.includes(name)) {
        return answer({ error: { code: -32602, message: `unknown tool: ${name}` } }, decision.check_id);
      }
      // The simulated upstream echoes the call; `arguments` pass through untouched.
      return answer(
        {
          result: {
            content: [
              { type: 'text', text: JSON.stringify({ tool: name, arguments: body.params?.arguments ?? {} }) },
            ],
            isError: false,
          },
        },
        decision.check_id,
      );
    },
  }),
];

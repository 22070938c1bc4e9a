import {
  CallMcpToolBody,
  CallMcpToolParams,
  GetMcpServerParams,
  RegisterMcpServerBody,
  RemoveMcpServerParams,
} from '@agenttrustid/spec/zod';
import { conflict, notFound, validation } from '../errors.js';
import { defineOp, json, noContent } from '../operation.js';
import { type McpServer, newestFirst, ORG_ID } from '../state.js';
import { findAgent, nextSeq, serverView } from './common.js';
import { decide } from './guardian.js';

/** JSON-RPC error code of a Guardian denial, as the spec documents it. */
export const GUARDIAN_DENIED = -32001;

function findServer(servers: Map<string, McpServer>, id: string): McpServer {
  const server = servers.get(id);
  if (!server) throw notFound('mcp server', id);
  return server;
}

/** Registration comes before the proxy: `POST /mcp/servers` would also match `/mcp/{server_id}`. */
export const mcpOps = [
  defineOp({
    operationId: 'registerMcpServer',
    method: 'POST',
    path: '/mcp/servers',
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
        org_id: ORG_ID,
        created_at: clock.iso(),
      };
      state.mcpServers.set(server.id, server);
      return json(201, serverView(server));
    },
  }),
  defineOp({
    operationId: 'listMcpServers',
    method: 'GET',
    path: '/mcp/servers',
    handle: ({ state }) => json(200, { servers: newestFirst(state.mcpServers.values()).map(serverView) }),
  }),
  defineOp({
    operationId: 'getMcpServer',
    method: 'GET',
    path: '/mcp/servers/{server_id}',
    params: GetMcpServerParams,
    handle: ({ params, state }) => json(200, serverView(findServer(state.mcpServers, params.server_id))),
  }),
  defineOp({
    operationId: 'removeMcpServer',
    method: 'DELETE',
    path: '/mcp/servers/{server_id}',
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
    path: '/mcp/{server_id}',
    params: CallMcpToolParams,
    body: CallMcpToolBody,
    bodyRequired: true,
    headerParams: { 'x-agent-id': true, 'x-session-id': false },
    handle: (ctx) => {
      const { params, body, state, headers } = ctx;
      const server = findServer(state.mcpServers, params.server_id);
      const agent = findAgent(state, headers.get('x-agent-id')!);
      const sessionId = headers.get('x-session-id') ?? '';
      const answer = (fields: Record<string, unknown>) =>
        json(200, { jsonrpc: '2.0', id: body.id ?? 1, ...fields });

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
            result: { tools: server.capabilities.map((name) => ({ name, inputSchema: { type: 'object' } })) },
          });
        }
        return answer({ error: { code: -32601, message: `method not found: ${body.method}` } });
      }

      const name = body.params?.name;
      if (typeof name !== 'string' || name === '')
        throw validation('params.name', 'a tools/call needs the tool name');
      const decision = decide(ctx, { agent_id: agent.id, action_name: name, session_id: sessionId });
      if (!decision.allowed) {
        return answer({
          error: {
            code: GUARDIAN_DENIED,
            message: `Guardian denied '${name}': ${decision.reason}`,
            data: decision,
          },
        });
      }
      if (server.capabilities.length > 0 && !server.capabilities.includes(name)) {
        return answer({ error: { code: -32602, message: `unknown tool: ${name}` } });
      }
      // The simulated upstream echoes the call; `arguments` pass through untouched.
      return answer({
        result: {
          content: [
            { type: 'text', text: JSON.stringify({ tool: name, arguments: body.params?.arguments ?? {} }) },
          ],
          isError: false,
        },
      });
    },
  }),
];

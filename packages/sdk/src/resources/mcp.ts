import type { RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource, segment } from '../core/resource.js';
import type { McpCallResponse, McpServer, RegisterMcpServerRequest } from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { registerMcpServer, listMcpServers, removeMcpServer, callMcpTool } = operations;

export class Mcp extends APIResource {
  registerServer(params: RegisterMcpServerRequest, options?: RequestOptions): Promise<McpServer> {
    return this._call(registerMcpServer, options, (c) =>
      api.registerMcpServer(toWire(params, registerMcpServer.body), c),
    );
  }

  listServers(options?: RequestOptions): Promise<McpServer[]> {
    return this._call(listMcpServers, options, (c) => api.listMcpServers(c));
  }

  removeServer(serverId: string, options?: RequestOptions): Promise<void> {
    return this._call(removeMcpServer, options, (c) => api.removeMcpServer(segment('serverId', serverId), c));
  }

  /**
   * Calls a JSON-RPC method on the server through the Guardian proxy. `params` (tool name and
   * arguments) are sent exactly as given; a Guardian denial comes back as `error`, not a throw.
   */
  callTool(
    serverId: string,
    method: string,
    params?: Record<string, unknown>,
    sessionId?: string,
    options?: RequestOptions,
  ): Promise<McpCallResponse> {
    const body = toWire({ method, params, sessionId }, callMcpTool.body);
    return this._call(callMcpTool, options, (c) => api.callMcpTool(segment('serverId', serverId), body, c));
  }
}

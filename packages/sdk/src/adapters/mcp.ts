/**
 * `@agenttrustid/sdk/mcp`: guards the MCP TypeScript SDK client's `callTool`.
 *
 *   const tools = guardMcpClient(guard, mcpClient, { effect: (name) => effects[name] });
 *   const result = await tools.callTool({ name: 'delete_file', arguments: { path } });
 *
 * Every `callTool` is checked first (its arguments never leave the process); a refusal comes
 * back as an MCP tool result with `isError: true`, a readable text, and the `GuardDenial` as
 * `structuredContent`, which is how MCP shows a failed tool call to a model. Everything else on
 * the client passes through.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type AgentTrustGuard, errorTypeOf } from '../guard/guard.js';
import type { ActionEffect } from '../guard/types.js';
import { authorize, type GuardDenial, type GuardedToolOptions } from './shared.js';

export { type GuardDenial, isGuardDenial } from './shared.js';

type CallToolParams = Parameters<Client['callTool']>[0];
type CallToolResult = Awaited<ReturnType<Client['callTool']>>;

export interface McpGuardOptions extends Omit<GuardedToolOptions<CallToolParams['arguments']>, 'effect'> {
  /** The effect of a tool: one for all, or per tool name (undefined lets Guardian classify it). */
  effect?: ActionEffect | ((toolName: string, args: CallToolParams['arguments']) => ActionEffect | undefined);
  /** The tool name Guardian sees, e.g. prefixed with the server's name. Default: the MCP name. */
  toolName?: (mcpToolName: string) => string;
}

/** The MCP result for a refusal: an error result the model can read. */
export function denialResult(denial: GuardDenial): CallToolResult {
  return {
    content: [{ type: 'text', text: denial.message }],
    structuredContent: { ...denial },
    isError: true,
  };
}

/** A `callTool` that asks the guard first. */
export function guardCallTool(
  guard: AgentTrustGuard,
  client: Pick<Client, 'callTool'>,
  options: McpGuardOptions = {},
): Client['callTool'] {
  return async (params, resultSchema, requestOptions) => {
    const args = params.arguments;
    const name = options.toolName ? options.toolName(params.name) : params.name;
    const effect = typeof options.effect === 'function' ? options.effect(params.name, args) : options.effect;
    const refused = await authorize(guard, name, args, { ...options, effect }, requestOptions?.signal);
    if (refused) return denialResult(refused);
    const started = performance.now();
    let result: CallToolResult;
    try {
      result = await client.callTool(params, resultSchema, requestOptions);
    } catch (error) {
      guard.report(name, false, performance.now() - started, errorTypeOf(error));
      throw error;
    }
    // An MCP tool reports its own failure in the result (`isError`), not by throwing.
    const failed = result.isError === true;
    guard.report(name, !failed, performance.now() - started, failed ? 'McpToolError' : undefined);
    return result;
  };
}

/** The client with `callTool` guarded; every other member is the client's own. */
export function guardMcpClient<C extends Pick<Client, 'callTool'>>(
  guard: AgentTrustGuard,
  client: C,
  options: McpGuardOptions = {},
): C {
  const callTool = guardCallTool(guard, client, options);
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'callTool') return callTool;
      const value = Reflect.get(target, property, receiver);
      // Methods run on the real client, so its private fields work.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

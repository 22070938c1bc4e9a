/**
 * `@agenttrustid/sdk/mcp`: guards the MCP TypeScript SDK client's `callTool`, v1
 * (`@modelcontextprotocol/sdk` `Client`) and v2 (`@modelcontextprotocol/client` `Client`) alike.
 *
 *   const tools = guardMcpClient(guard, mcpClient, { effect: (name) => effects[name] });
 *   const result = await tools.callTool({ name: 'delete_file', arguments: { path } });
 *
 * Every `callTool` is checked first (its arguments never leave the process); a refusal comes
 * back as an MCP tool result with `isError: true`, a readable text, and the `GuardDenial` as
 * `structuredContent`, which is how MCP shows a failed tool call to a model. Everything else on
 * the client passes through.
 */
import { type AgentTrustGuard, errorTypeOf } from '../guard/guard.js';
import type { ActionEffect } from '../guard/types.js';
import { authorize, type GuardDenial, type GuardedToolOptions } from './shared.js';

export { type GuardDenial, isGuardDenial } from './shared.js';

// No type is imported from either MCP package: v1 declares `callTool(params, resultSchema?,
// options?)`, v2 `callTool(params, options?)`, and a declaration naming one would not resolve (or
// would silently become `any`) for a user of the other. The guarded client keeps the user's own
// client type, so its `callTool` stays fully typed.

/** The arguments of a tool call, as both MCP majors type them. */
export type McpToolArguments = Record<string, unknown> | undefined;

/** What the adapter needs of an MCP client: any v1 or v2 `Client` fits. */
export interface McpToolCaller {
  callTool(params: { name: string; arguments?: McpToolArguments }, ...rest: never[]): Promise<object>;
}

/** The MCP tool result for a refusal (a `CallToolResult` in both MCP majors). */
export interface McpDenialResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent: { [key: string]: unknown } & GuardDenial;
  isError: true;
}

export interface McpGuardOptions extends Omit<GuardedToolOptions<McpToolArguments>, 'effect'> {
  /** The effect of a tool: one for all, or per tool name (undefined lets Guardian classify it). */
  effect?: ActionEffect | ((toolName: string, args: McpToolArguments) => ActionEffect | undefined);
  /** The tool name Guardian sees, e.g. prefixed with the server's name. Default: the MCP name. */
  toolName?: (mcpToolName: string) => string;
}

/** The MCP result for a refusal: an error result the model can read. */
export function denialResult(denial: GuardDenial): McpDenialResult {
  return {
    content: [{ type: 'text', text: denial.message }],
    structuredContent: { ...denial },
    isError: true,
  };
}

// The request options are the last argument in both majors (v1: third, v2: second).
function signalOf(rest: readonly unknown[]): AbortSignal | undefined {
  for (let i = rest.length - 1; i >= 0; i--) {
    const signal = (rest[i] as { signal?: unknown } | undefined)?.signal;
    if (signal instanceof AbortSignal) return signal;
  }
  return undefined;
}

/** A `callTool` that asks the guard first; same signature as the client's own. */
export function guardCallTool<C extends McpToolCaller>(
  guard: AgentTrustGuard,
  client: C,
  options: McpGuardOptions = {},
): C['callTool'] {
  const callTool = async (
    params: { name: string; arguments?: McpToolArguments },
    ...rest: never[]
  ): Promise<object> => {
    const args = params.arguments;
    const name = options.toolName ? options.toolName(params.name) : params.name;
    const effect = typeof options.effect === 'function' ? options.effect(params.name, args) : options.effect;
    const refused = await authorize(guard, name, args, { ...options, effect }, signalOf(rest));
    if (refused) return denialResult(refused);
    const started = performance.now();
    let result: object;
    try {
      result = await client.callTool(params, ...rest);
    } catch (error) {
      guard.report(name, false, performance.now() - started, errorTypeOf(error));
      throw error;
    }
    // An MCP tool reports its own failure in the result (`isError`), not by throwing.
    const failed = (result as { isError?: unknown }).isError === true;
    guard.report(name, !failed, performance.now() - started, failed ? 'McpToolError' : undefined);
    return result;
  };
  return callTool as C['callTool'];
}

/** The client with `callTool` guarded; every other member is the client's own. */
export function guardMcpClient<C extends McpToolCaller>(
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

/**
 * `@agenttrustid/sdk/langchain`: guards LangChain.js tools (`@langchain/core` 1.x).
 *
 *   const tools = guardLangChainTools(guard, [searchTool, deleteTool], { delete_file: { effect: 'destructive' } });
 *
 * Each guarded tool keeps its name, description and schema; when it is invoked the guard checks
 * first (the input never leaves the process). A refusal becomes the tool's output: the denial's
 * one-sentence message for the model, with the full `GuardDenial` as the artifact when the tool
 * uses `responseFormat: 'content_and_artifact'`. LangChain core has no approval mechanism of its
 * own (LangGraph's `interrupt` lives above it): use `waitForApproval` to wait for a human.
 */
import { DynamicStructuredTool, type StructuredToolInterface } from '@langchain/core/tools';
import type { AgentTrustGuard } from '../guard/guard.js';
import { authorize, type GuardedToolOptions } from './shared.js';

export { type GuardDenial, type GuardedToolOptions, isGuardDenial } from './shared.js';

/** One tool, guarded; the original runs only when Guardian allows. */
export function guardLangChainTool(
  guard: AgentTrustGuard,
  tool: StructuredToolInterface,
  options: GuardedToolOptions = {},
): DynamicStructuredTool {
  const artifact = (tool as { responseFormat?: string }).responseFormat === 'content_and_artifact';
  return new DynamicStructuredTool({
    name: tool.name,
    description: tool.description,
    schema: tool.schema as never,
    ...(artifact ? { responseFormat: 'content_and_artifact' as const } : {}),
    returnDirect: tool.returnDirect,
    func: async (input: unknown, _runManager, config) => {
      const refused = await authorize(guard, tool.name, input, options, config?.signal);
      if (refused) return artifact ? [refused.message, refused] : refused.message;
      return guard.measure(tool.name, () => tool.invoke(input as never, config));
    },
  });
}

/** Guards a list of tools; per-tool options by tool name, `all` for every tool. */
export function guardLangChainTools(
  guard: AgentTrustGuard,
  tools: readonly StructuredToolInterface[],
  options: Record<string, GuardedToolOptions> & { all?: GuardedToolOptions } = {},
): DynamicStructuredTool[] {
  return tools.map((tool) => guardLangChainTool(guard, tool, { ...options.all, ...options[tool.name] }));
}

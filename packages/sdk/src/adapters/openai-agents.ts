/**
 * `@agenttrustid/sdk/openai-agents`: guards OpenAI Agents SDK (`@openai/agents`) function tools.
 *
 *   const agent = new Agent({ tools: [guardAgentsTool(guard, deleteFile, { effect: 'destructive' })] });
 *
 * The tool is checked before it runs; a refusal becomes the tool's output (the denial's sentence
 * for the model), not an error. Elevation uses the Agents SDK's own approval mechanism:
 * `needsApproval` asks Guardian, so a call Guardian wants approved shows up in
 * `result.interruptions`; once your user approves it (`state.approve(item)`), `onApproved` can
 * record the decision on the gateway before the call is checked again and run.
 */
import type { FunctionTool, RunContext } from '@openai/agents';
import type { AgentTrustGuard } from '../guard/guard.js';
import { authorize, type GuardedToolOptions, remember } from './shared.js';

export { type GuardDenial, type GuardedToolOptions, isGuardDenial } from './shared.js';

export interface AgentsToolGuardOptions extends GuardedToolOptions {
  /** Route Guardian's elevations through `needsApproval` (the run's interruptions). Default true. */
  frameworkApproval?: boolean;
  /** Records your user's approval on the gateway, e.g. `({ approvalId }) => client.approvals.approve(approvalId, who)`. */
  onApproved?: (request: { approvalId: string; toolName: string; callId: string }) => unknown;
}

// Any function tool, whatever its context, parameters and result types.
type AnyFunctionTool = FunctionTool<any, any, any>;

function parseInput(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    // The Agents SDK reports malformed arguments itself when the original tool runs.
    return input;
  }
}

/** One function tool, guarded; name, description, schema and options are kept. */
export function guardAgentsTool<T extends AnyFunctionTool>(
  guard: AgentTrustGuard,
  tool: T,
  options: AgentsToolGuardOptions = {},
): T {
  const pending = new Map<string, string>();
  const ownApproval = tool.needsApproval;
  const guarded: T = {
    ...tool,
    invoke: async (runContext: RunContext, input: string, details?: Parameters<T['invoke']>[2]) => {
      const args = parseInput(input);
      const callId = details?.toolCall?.callId;
      const approvalId = callId === undefined ? undefined : pending.get(callId);
      if (callId !== undefined && approvalId !== undefined) {
        // The Agents SDK runs an approval-gated call only after it was approved.
        pending.delete(callId);
        await options.onApproved?.({ approvalId, toolName: tool.name, callId });
      }
      const refused = await authorize(guard, tool.name, args, options, details?.signal);
      if (refused) return refused.message;
      return guard.measure(tool.name, () => tool.invoke(runContext, input, details));
    },
  };
  if (options.frameworkApproval ?? true) {
    guarded.needsApproval = async (runContext, input, callId) => {
      if (await ownApproval(runContext, input, callId)) return true;
      const refused = await authorize(guard, tool.name, input, { ...options, waitForApproval: false });
      if (refused?.code === 'ELEVATION_REQUIRED' && refused.approvalId && callId !== undefined) {
        remember(pending, callId, refused.approvalId);
        return true;
      }
      return false;
    };
  }
  return guarded;
}

/** Guards a list of function tools; per-tool options by name, `all` for every tool. */
export function guardAgentsTools<T extends AnyFunctionTool>(
  guard: AgentTrustGuard,
  tools: readonly T[],
  options: Record<string, AgentsToolGuardOptions> & { all?: AgentsToolGuardOptions } = {},
): T[] {
  return tools.map((tool) => guardAgentsTool(guard, tool, { ...options.all, ...options[tool.name] }));
}

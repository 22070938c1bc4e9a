/**
 * `@agenttrustid/sdk/ai`: guards Vercel AI SDK (`ai` 6) tools.
 *
 *   const tools = guardTools(guard, { webSearch, dbDelete }, { dbDelete: { effect: 'destructive' } });
 *
 * Each tool's `execute` is checked first; a refusal becomes the tool's result (a `GuardDenial`
 * the model reads: reason, whether retrying helps), not an error that ends the run. Elevation uses
 * the AI SDK's own approval flow: `needsApproval` asks Guardian, and when Guardian wants an
 * approval the SDK emits a `tool-approval-request` for your UI. When your user approves it there,
 * `onApproved` (if given) records that decision on the gateway, then the call is checked again.
 */
import type { Tool, ToolExecutionOptions } from 'ai';
import type { AgentTrustGuard } from '../guard/guard.js';
import { authorize, type GuardDenial, type GuardedToolOptions, remember } from './shared.js';

export { type GuardDenial, type GuardedToolOptions, isGuardDenial } from './shared.js';

export interface AiToolGuardOptions<I = unknown> extends GuardedToolOptions<I> {
  /**
   * Use the AI SDK's approval flow for calls Guardian wants approved (`needsApproval`). Default true.
   * A tool's own `needsApproval` is kept: either asking for approval is enough.
   */
  frameworkApproval?: boolean;
  /**
   * Called when your user approved, through the AI SDK, a call Guardian wanted approved: record
   * it on the gateway, e.g. `({ approvalId }) => client.approvals.approve(approvalId, user.email)`.
   * Without it the approval must come from the gateway side (an admin, or `waitForApproval`).
   */
  onApproved?: (request: { approvalId: string; toolName: string; toolCallId: string }) => unknown;
}

// Guardian's pending approval per AI SDK tool call, from needsApproval to execute.
const pendingApprovals = new WeakMap<AgentTrustGuard, Map<string, string>>();

/** One tool, guarded. The result type widens to include `GuardDenial`. */
export function guardTool<I, O>(
  guard: AgentTrustGuard,
  toolName: string,
  tool: Tool<I, O>,
  options: AiToolGuardOptions<I> = {},
): Tool<I, O | GuardDenial> {
  const execute = tool.execute;
  if (typeof execute !== 'function') return tool as Tool<I, O | GuardDenial>;
  const frameworkApproval = options.frameworkApproval ?? true;
  let pending = pendingApprovals.get(guard);
  if (!pending) {
    pending = new Map();
    pendingApprovals.set(guard, pending);
  }
  const approvals = pending;
  const own = tool.needsApproval;

  const guarded = {
    ...tool,
    execute: async (input: I, execOptions: ToolExecutionOptions) => {
      const approvalId = approvals.get(execOptions.toolCallId);
      if (approvalId !== undefined) {
        // The AI SDK only runs this after your user approved the request.
        approvals.delete(execOptions.toolCallId);
        await options.onApproved?.({ approvalId, toolName, toolCallId: execOptions.toolCallId });
      }
      const refused = await authorize(guard, toolName, input, options, execOptions.abortSignal);
      if (refused) return refused;
      return guard.measure(toolName, () => execute(input, execOptions) as O | PromiseLike<O>);
    },
  } as Tool<I, O | GuardDenial>;

  if (frameworkApproval) {
    guarded.needsApproval = async (input, approvalOptions) => {
      if (own === true) return true;
      if (typeof own === 'function' && (await own(input as never, approvalOptions))) return true;
      // Ask without blocking: only an elevation is the framework's to approve; a plain denial
      // goes to execute, which answers the model with it.
      const refused = await authorize(guard, toolName, input as I, { ...options, waitForApproval: false });
      if (refused?.code === 'ELEVATION_REQUIRED' && refused.approvalId) {
        remember(approvals, approvalOptions.toolCallId, refused.approvalId);
        return true;
      }
      return false;
    };
  }
  return guarded;
}

/** Guards every tool of a tool set; per-tool options by name. */
export function guardTools<T extends Record<string, Tool>>(
  guard: AgentTrustGuard,
  tools: T,
  options: { [K in keyof T]?: AiToolGuardOptions } & { all?: AiToolGuardOptions } = {},
): { [K in keyof T]: Tool } {
  const out: Record<string, Tool> = {};
  for (const [name, tool] of Object.entries(tools)) {
    out[name] = guardTool(guard, name, tool, {
      ...options.all,
      ...(options as Record<string, AiToolGuardOptions>)[name],
    });
  }
  return out as { [K in keyof T]: Tool };
}

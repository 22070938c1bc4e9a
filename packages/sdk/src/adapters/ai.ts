/**
 * `@agenttrustid/sdk/ai`: guards Vercel AI SDK (`ai` 6 and 7) tools.
 *
 *   const tools = guardTools(guard, { webSearch, dbDelete }, { dbDelete: { effect: 'destructive' } });
 *
 * Each tool's `execute` is checked first; a refusal becomes the tool's result (a `GuardDenial`
 * the model reads: reason, whether retrying helps), not an error that ends the run. Elevation uses
 * the AI SDK's own approval flow: `needsApproval` asks Guardian, and when Guardian wants an
 * approval the SDK emits a `tool-approval-request` for your UI. When your user approves it there,
 * `onApproved` (if given) records that decision on the gateway, then the call is checked again.
 */
import type { Tool } from 'ai';
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

// What the adapter reads of the options the AI SDK hands to `execute` and `needsApproval`: the
// same in ai 6 and 7 (7 adds a generic `context`, passed through untouched). Naming only `Tool`
// from 'ai' keeps this file's declarations valid against either major.
interface ExecuteOptions {
  toolCallId: string;
  abortSignal?: AbortSignal;
}
type Execute<I, O> = (input: I, options: ExecuteOptions) => O | PromiseLike<O>;
type NeedsApproval<I> = boolean | ((input: I, options: ExecuteOptions) => boolean | PromiseLike<boolean>);

// Guardian's pending approval per AI SDK tool call, from needsApproval to execute.
const pendingApprovals = new WeakMap<AgentTrustGuard, Map<string, string>>();

/** One tool, guarded. The result type widens to include `GuardDenial`. */
export function guardTool<I, O>(
  guard: AgentTrustGuard,
  toolName: string,
  tool: Tool<I, O>,
  options: AiToolGuardOptions<I> = {},
): Tool<I, O | GuardDenial> {
  const execute = (tool as { execute?: Execute<I, O> }).execute;
  if (typeof execute !== 'function') return tool as Tool<I, O | GuardDenial>;
  const frameworkApproval = options.frameworkApproval ?? true;
  let pending = pendingApprovals.get(guard);
  if (!pending) {
    pending = new Map();
    pendingApprovals.set(guard, pending);
  }
  const approvals = pending;
  const own = (tool as { needsApproval?: NeedsApproval<I> }).needsApproval;

  const guarded: { execute: Execute<I, O | GuardDenial>; needsApproval?: NeedsApproval<I> } = {
    ...(tool as object),
    execute: async (input, execOptions) => {
      const approvalId = approvals.get(execOptions.toolCallId);
      if (approvalId !== undefined) {
        // The AI SDK only runs this after your user approved the request.
        approvals.delete(execOptions.toolCallId);
        await options.onApproved?.({ approvalId, toolName, toolCallId: execOptions.toolCallId });
      }
      const refused = await authorize(guard, toolName, input, options, execOptions.abortSignal);
      if (refused) return refused;
      return guard.measure(toolName, () => execute(input, execOptions));
    },
  };

  if (frameworkApproval) {
    guarded.needsApproval = async (input, approvalOptions) => {
      if (own === true) return true;
      if (typeof own === 'function' && (await own(input, approvalOptions))) return true;
      // Ask without blocking: only an elevation is the framework's to approve; a plain denial
      // goes to execute, which answers the model with it.
      const refused = await authorize(guard, toolName, input, { ...options, waitForApproval: false });
      if (refused?.code === 'ELEVATION_REQUIRED' && refused.approvalId) {
        remember(approvals, approvalOptions.toolCallId, refused.approvalId);
        return true;
      }
      return false;
    };
  }
  return guarded as unknown as Tool<I, O | GuardDenial>;
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

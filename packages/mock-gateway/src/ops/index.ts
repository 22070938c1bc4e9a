import type { Operation } from '../operation.js';
import { a2aOps } from './a2a.js';
import { actionOps } from './actions.js';
import { agentOps } from './agents.js';
import { approvalOps } from './approvals.js';
import { cardOps } from './cards.js';
import { delegationOps } from './delegations.js';
import { federationOps } from './federation.js';
import { mcpOps } from './mcp.js';
import { sessionOps } from './sessions.js';
import { streamingOps } from './streaming.js';
import { tokenOps } from './tokens.js';
import { wimseOps } from './wimse.js';

/**
 * Every operation of the spec. Order matters where paths overlap: the MCP registry and sessions
 * (`/mcp/servers`, `/mcp/sessions/...`, `/mcp/approvals/...`) come before the proxy `/mcp/{server_id}`.
 */
export const operations: readonly Operation[] = [
  ...agentOps,
  ...wimseOps,
  ...tokenOps,
  ...actionOps,
  ...sessionOps,
  ...approvalOps,
  ...mcpOps,
  ...cardOps,
  ...a2aOps,
  ...delegationOps,
  ...federationOps,
  ...streamingOps,
];

export { AgentTrustClient, type ClientOptions } from './client.js';
export {
  AgentRevokedError,
  AgentTrustError,
  type AgentTrustErrorOptions,
  AuthenticationError,
  AuthorizationError,
  type ErrorCode,
  NetworkError,
  NotFoundError,
  TokenExpiredError,
  ValidationError,
} from './core/errors.js';
export type { RequestOptions } from './core/http.js';
export type { Logger, LogLevel } from './core/log.js';
export { VERSION } from './core/version.js';
export type * from './generated/models.js';
export type { SendMessageParams } from './resources/a2a.js';
export type { AgentListParams } from './resources/agents.js';
export type { ApprovalDecisionParams, ApprovalListParams } from './resources/approvals.js';
export type { DelegationListParams, InitDelegationSessionParams } from './resources/delegations.js';
export type { InitSessionParams } from './resources/sessions.js';
export type { IssueTokenOptions, TokenCacheOptions } from './resources/tokens.js';
export type {
  A2a,
  Actions,
  AgentCards,
  Agents,
  Approvals,
  Delegations,
  Federation,
  Mcp,
  Sessions,
  Streaming,
  Telemetry,
  Tokens,
};

import type { A2a } from './resources/a2a.js';
import type { Actions } from './resources/actions.js';
import type { AgentCards } from './resources/agent-cards.js';
import type { Agents } from './resources/agents.js';
import type { Approvals } from './resources/approvals.js';
import type { Delegations } from './resources/delegations.js';
import type { Federation } from './resources/federation.js';
import type { Mcp } from './resources/mcp.js';
import type { Sessions } from './resources/sessions.js';
import type { Streaming } from './resources/streaming.js';
import type { Telemetry } from './resources/telemetry.js';
import type { Tokens } from './resources/tokens.js';
export * from './guard/index.js';

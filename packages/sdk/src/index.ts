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
export * from './guard/index.js';
export type { A2a, SendMessageParams } from './resources/a2a.js';
export type { Actions } from './resources/actions.js';
export type { AgentCards } from './resources/agent-cards.js';
export type { AgentListParams, Agents } from './resources/agents.js';
export type { ApprovalDecisionParams, ApprovalListParams, Approvals } from './resources/approvals.js';
export type {
  DelegationListParams,
  Delegations,
  InitDelegationSessionParams,
} from './resources/delegations.js';
export type { Federation } from './resources/federation.js';
export type { Mcp } from './resources/mcp.js';
export type { InitSessionParams, Sessions } from './resources/sessions.js';
export type { Streaming } from './resources/streaming.js';
export type { Telemetry } from './resources/telemetry.js';
export type { IssueTokenOptions, TokenCacheOptions, Tokens } from './resources/tokens.js';

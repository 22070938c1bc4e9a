export {
  BREAKER_DEFAULTS,
  type BreakerSnapshot,
  type BreakerState,
  type CircuitBreakerOptions,
} from './breaker.js';
export { canonicalJson, digestToolInput } from './digest.js';
export {
  ActionDeniedError,
  ApprovalDeniedError,
  ApprovalError,
  ApprovalExpiredError,
  type ApprovalOutcomeCode,
  ApprovalTimeoutError,
  ElevationRequiredError,
  GuardianUnavailableError,
} from './errors.js';
export {
  AgentTrustGuard,
  type AgentTrustGuardOptions,
  type ApprovalRequest,
  type CheckOptions,
  type CheckStats,
  errorTypeOf,
  type FailedOpenDecision,
  type GuardDecision,
  type GuardianDecision,
  type GuardStats,
  type WaitForApprovalOptions,
  type WrapOptions,
} from './guard.js';
export { TELEMETRY_DEFAULTS, type TelemetryStats } from './telemetry.js';
export { MAX_SUMMARY_CODE_POINTS, truncateSummary } from './truncate.js';
export type { GuardCheckResult, GuardClient } from './types.js';

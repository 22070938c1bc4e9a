export { AgentTrustClient, type ClientOptions } from './client.js';
export * from './compat.js';
export { APIPromise, type WithResponse } from './core/api-promise.js';
export {
  AgentRevokedError,
  AgentTrustError,
  type AgentTrustErrorOptions,
  AuthenticationError,
  AuthorizationError,
  ConfigurationError,
  ConflictError,
  type ErrorCode,
  InternalServerError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  RedirectError,
  TimeoutError,
  TokenExpiredError,
  ValidationError,
} from './core/errors.js';
export type { RequestCredentials, RequestOptions } from './core/http.js';
export { LOG_ENV, type Logger, type LogLevel } from './core/log.js';
export type { TokenCacheOptions } from './core/token-cache.js';
export { VERSION } from './core/version.js';
export type * from './generated/models.js';
export type * from './generated/resources/index.js';
export * from './guard/index.js';
export { type KeyStore, MemoryKeyStore } from './identity/key-store.js';

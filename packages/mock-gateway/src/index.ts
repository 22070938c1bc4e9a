export { type Clock, type ClockOptions, createClock } from './clock.js';
export { type ErrorCode, type ErrorEnvelope, GatewayError } from './errors.js';
export { FAULT_KINDS, type Fault, type FaultKind, type FaultSpec, type Faults } from './faults.js';
export {
  API_KEYS,
  createMockGateway,
  DEFAULT_CONFIG,
  type MockGateway,
  type MockGatewayOptions,
  type RecordedRequest,
  type RequestLogEntry,
} from './gateway.js';
export type { GatewayConfig, Operation } from './operation.js';
export {
  ADMIN_WORDS,
  classifyEffect,
  covers,
  DESTRUCTIVE_WORDS,
  MUTATING_WORDS,
  normalizeScope,
  READ_WORDS,
  toolWords,
} from './policy.js';
export type { GatewayState } from './state.js';

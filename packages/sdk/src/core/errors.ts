import type { ErrorCode } from '../generated/models.js';

export type { ErrorCode };

// Brands survive two copies of the package being loaded (a CJS and an ESM copy, or two
// versions side by side): `instanceof` checks the brand list, not the prototype chain.
const BRAND = Symbol.for('agenttrustid.sdk.error');

export interface AgentTrustErrorOptions {
  details?: Record<string, unknown> | undefined;
  status?: number | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

/** Base class of every error the SDK throws. `code` is machine-readable and one of the spec's `ErrorCode`s. */
export class AgentTrustError extends Error {
  /** Identifies the class across copies of the package; subclasses set their own. */
  static readonly brand: string = 'AgentTrustError';

  readonly code: ErrorCode;
  /** Structured context (e.g. `field` for VALIDATION_ERROR, `approvalId` for ELEVATION_REQUIRED). */
  readonly details: Record<string, unknown> | undefined;
  /** The HTTP status, when the gateway answered. */
  readonly status: number | undefined;
  /** The gateway's id for the request (`X-Request-Id`), when it answered. */
  readonly requestId: string | undefined;

  constructor(code: ErrorCode, message: string, options: AgentTrustErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
    this.status = options.status;
    this.requestId = options.requestId;
    const brands: string[] = [];
    for (let c: any = new.target; c && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'brand')) brands.push(c.brand);
    }
    Object.defineProperty(this, BRAND, { value: brands, enumerable: false });
  }

  /** True when `value` is an instance of this class, from any copy of the package. */
  static isInstance<T extends typeof AgentTrustError>(this: T, value: unknown): value is InstanceType<T> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class asked about, a subclass included.
    return hasBrand(this, value);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class asked about, a subclass included.
    return hasBrand(this, value);
  }
}

function hasBrand(cls: any, value: unknown): boolean {
  // A user's own subclass without a brand of its own falls back to the prototype chain.
  if (!Object.hasOwn(cls, 'brand')) return Function.prototype[Symbol.hasInstance].call(cls, value);
  const brands = typeof value === 'object' && value !== null ? (value as any)[BRAND] : undefined;
  return Array.isArray(brands) && brands.includes(cls.brand);
}

/** HTTP 401: the API key is missing or invalid (AUTH_FAILED). */
export class AuthenticationError extends AgentTrustError {
  static override readonly brand: string = 'AuthenticationError';
}

/** HTTP 403: the key or agent may not do this (AUTH_DENIED, AGENT_SUSPENDED). */
export class AuthorizationError extends AgentTrustError {
  static override readonly brand: string = 'AuthorizationError';
}

/** HTTP 404: no such resource (NOT_FOUND). */
export class NotFoundError extends AgentTrustError {
  static override readonly brand: string = 'NotFoundError';
}

/** HTTP 400: the request failed validation (VALIDATION_ERROR); `details.field` names the field. */
export class ValidationError extends AgentTrustError {
  static override readonly brand: string = 'ValidationError';
}

/** The gateway could not be reached (NETWORK_ERROR) or did not answer in time (TIMEOUT). */
export class NetworkError extends AgentTrustError {
  static override readonly brand: string = 'NetworkError';
}

/** A presented token has expired (TOKEN_EXPIRED). */
export class TokenExpiredError extends AgentTrustError {
  static override readonly brand: string = 'TokenExpiredError';
}

/** The agent is revoked (AGENT_REVOKED). */
export class AgentRevokedError extends AgentTrustError {
  static override readonly brand: string = 'AgentRevokedError';
}

const CODES = new Set<string>([
  'ACTION_DENIED',
  'ELEVATION_REQUIRED',
  'GUARDIAN_UNAVAILABLE',
  'AUTH_FAILED',
  'AUTH_DENIED',
  'NOT_FOUND',
  'VALIDATION_ERROR',
  'NETWORK_ERROR',
  'TIMEOUT',
  'TOKEN_EXPIRED',
  'AGENT_REVOKED',
  'AGENT_SUSPENDED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'INVALID_RESPONSE',
  'APPROVAL_DENIED',
  'APPROVAL_EXPIRED',
  'APPROVAL_TIMEOUT',
] satisfies ErrorCode[]);

/** The code a status implies when the body carries none we know (a proxy's HTML page, a newer code). */
function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'VALIDATION_ERROR';
    case 401:
      return 'AUTH_FAILED';
    case 403:
      return 'AUTH_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 503:
      return 'GUARDIAN_UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_RESPONSE';
  }
}

/**
 * Builds the error for a non-2xx answer from its parsed body (an `ErrorEnvelope` when the
 * gateway wrote it). The gateway's code picks the class where it is specific; the status otherwise.
 */
export function errorFromResponse(
  status: number,
  body: unknown,
  headerRequestId: string | undefined,
): AgentTrustError {
  const envelope = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  const rawCode = envelope?.code;
  const code: ErrorCode =
    typeof rawCode === 'string' && CODES.has(rawCode) ? (rawCode as ErrorCode) : codeForStatus(status);
  const message =
    typeof envelope?.message === 'string' && envelope.message
      ? envelope.message
      : `Gateway answered HTTP ${status}`;
  const rawDetails = envelope?.details;
  const details =
    typeof rawDetails === 'object' && rawDetails !== null && !Array.isArray(rawDetails)
      ? (rawDetails as Record<string, unknown>)
      : undefined;
  const requestId =
    headerRequestId ?? (typeof envelope?.request_id === 'string' ? envelope.request_id : undefined);
  const options = { details, status, requestId };
  if (code === 'TOKEN_EXPIRED') return new TokenExpiredError(code, message, options);
  if (code === 'AGENT_REVOKED') return new AgentRevokedError(code, message, options);
  switch (status) {
    case 400:
      return new ValidationError(code, message, options);
    case 401:
      return new AuthenticationError(code, message, options);
    case 403:
      return new AuthorizationError(code, message, options);
    case 404:
      return new NotFoundError(code, message, options);
    default:
      return new AgentTrustError(code, message, options);
  }
}

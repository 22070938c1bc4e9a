import {
  CODE_BY_STATUS,
  ERROR_CLASS_BY_CODE,
  ERROR_CLASS_BY_STATUS,
  ERROR_CODES,
  type ErrorClassName,
  OTHER_CODE,
  OTHER_SERVER_CODE,
  SERVER_ERROR_CLASS,
} from '../generated/facts.js';
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

/**
 * The client is misconfigured, found before anything is sent (VALIDATION_ERROR; `details.field`
 * names the option): an invalid option, an explicit empty API key, `fromEnv()` without
 * `AGENTTRUST_API_KEY`, or an operation that needs the API key called on a client without one.
 * A `ValidationError`, so code that catches those catches these too.
 */
export class ConfigurationError extends ValidationError {
  static override readonly brand: string = 'ConfigurationError';

  constructor(message: string, field: string, options: Omit<AgentTrustErrorOptions, 'details'> = {}) {
    super('VALIDATION_ERROR', message, { ...options, details: { field } });
  }
}

/** The gateway could not be reached (NETWORK_ERROR) or did not answer in time (TIMEOUT, a `TimeoutError`). */
export class NetworkError extends AgentTrustError {
  static override readonly brand: string = 'NetworkError';
}

/** An attempt took longer than the `timeout` option (TIMEOUT); not retried. A `NetworkError`. */
export class TimeoutError extends NetworkError {
  static override readonly brand: string = 'TimeoutError';
}

/** A presented token has expired (TOKEN_EXPIRED). */
export class TokenExpiredError extends AgentTrustError {
  static override readonly brand: string = 'TokenExpiredError';
}

/** The agent is revoked (AGENT_REVOKED). */
export class AgentRevokedError extends AgentTrustError {
  static override readonly brand: string = 'AgentRevokedError';
}

/** HTTP 409: the request conflicts with the resource's state (CONFLICT). */
export class ConflictError extends AgentTrustError {
  static override readonly brand: string = 'ConflictError';
}

/** HTTP 429: too many requests (RATE_LIMITED), after the retries. */
export class RateLimitError extends AgentTrustError {
  static override readonly brand: string = 'RateLimitError';
}

/** HTTP 5xx: the gateway failed (INTERNAL_ERROR, GUARDIAN_UNAVAILABLE), after the retries. */
export class InternalServerError extends AgentTrustError {
  static override readonly brand: string = 'InternalServerError';
}

/**
 * The gateway answered with a redirect (3xx), which the SDK never follows: the API key never goes
 * to the Location, and the target's answer never becomes a result. Code INVALID_RESPONSE; `status`
 * is the 3xx status, `locationHost` the Location's host[:port] (never the full URL, whose path or
 * query may carry secrets), undefined when there was none or a browser hides it.
 */
export class RedirectError extends AgentTrustError {
  static override readonly brand: string = 'RedirectError';
  readonly locationHost: string | undefined;

  constructor(message: string, locationHost: string | undefined, options: AgentTrustErrorOptions = {}) {
    super('INVALID_RESPONSE', message, options);
    this.locationHost = locationHost;
  }
}

const CODES = new Set<string>(ERROR_CODES);

// C0 and C1 controls, DEL, line/paragraph separators and bidi overrides: a gateway's message
// goes into logs, where these could forge lines or hide text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A message from the gateway with its control characters escaped (`\n` -> `\\u000a`), at most 1000 characters. */
export function safeMessage(text: string): string {
  const escaped = text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > 1000 ? `${escaped.slice(0, 1000)}...` : escaped;
}

// Every class the spec's error mapping names (facts.ts); tsc fails here if one is missing.
const CLASSES: Record<ErrorClassName, typeof AgentTrustError> = {
  AgentRevokedError,
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  TokenExpiredError,
  ValidationError,
};

/** The code a status implies when the body carries none we know (a proxy's HTML page, a newer code). */
function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? OTHER_SERVER_CODE : OTHER_CODE);
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
  // `message` is what the official clients read; a gateway that sends only `error` is read too.
  const text = (value: unknown) => (typeof value === 'string' && value ? safeMessage(value) : undefined);
  const message = text(envelope?.message) ?? text(envelope?.error) ?? `Gateway answered HTTP ${status}`;
  const rawDetails = envelope?.details;
  const details =
    typeof rawDetails === 'object' && rawDetails !== null && !Array.isArray(rawDetails)
      ? (rawDetails as Record<string, unknown>)
      : undefined;
  const requestId =
    headerRequestId ?? (typeof envelope?.request_id === 'string' ? envelope.request_id : undefined);
  const options = { details, status, requestId };
  const name =
    ERROR_CLASS_BY_CODE[code] ??
    ERROR_CLASS_BY_STATUS[status] ??
    (status >= 500 ? SERVER_ERROR_CLASS : undefined);
  return new (name ? CLASSES[name] : AgentTrustError)(code, message, options);
}

// JSON-RPC error codes (the JSON-RPC 2.0 and A2A specifications) -> the closest ErrorCode.
const RPC_CODES: Readonly<Record<number, ErrorCode>> = {
  [-32700]: 'VALIDATION_ERROR', // parse error
  [-32600]: 'VALIDATION_ERROR', // invalid request
  [-32601]: 'NOT_FOUND', // method not found
  [-32602]: 'VALIDATION_ERROR', // invalid params
  [-32001]: 'NOT_FOUND', // A2A task not found
  [-32002]: 'CONFLICT', // A2A task not cancelable
};

/**
 * The error of a JSON-RPC `error` member in a 2xx answer: `data.code` when it is a code we
 * know, else the JSON-RPC code's nearest ErrorCode (INTERNAL_ERROR for the rest); the class
 * follows the code as for an HTTP error. `details.rpcCode` and `details.data` keep the original.
 */
export function errorFromRpc(error: unknown, status: number, requestId: string | undefined): AgentTrustError {
  const member = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const rpcCode = typeof member.code === 'number' ? member.code : undefined;
  const data = member.data;
  const dataCode =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>).code : undefined;
  const code: ErrorCode =
    typeof dataCode === 'string' && CODES.has(dataCode)
      ? (dataCode as ErrorCode)
      : ((rpcCode !== undefined ? RPC_CODES[rpcCode] : undefined) ?? 'INTERNAL_ERROR');
  const message =
    typeof member.message === 'string' && member.message
      ? safeMessage(member.message)
      : `JSON-RPC error${rpcCode === undefined ? '' : ` ${rpcCode}`}`;
  const impliedStatus = Object.keys(CODE_BY_STATUS).find((s) => CODE_BY_STATUS[Number(s)] === code);
  const name =
    ERROR_CLASS_BY_CODE[code] ??
    (impliedStatus ? ERROR_CLASS_BY_STATUS[Number(impliedStatus)] : undefined) ??
    (code === OTHER_SERVER_CODE ? SERVER_ERROR_CLASS : undefined);
  return new (name ? CLASSES[name] : AgentTrustError)(code, message, {
    status,
    requestId,
    details: { rpcCode, ...(data === undefined ? {} : { data }) },
  });
}

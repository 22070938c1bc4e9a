// The fast path between the HTTP core (http.ts) and the Node transport (transport.node.ts). A
// fetch marked with FAST_PATH takes the headers and body as plain values, `init.rawHeaders` and
// `init.rawBody`, so ky's Request carries no headers to copy over and over and no body stream to
// build, clone and read back (ky still owns retries, timeout and abort). It puts the decoded
// response text and the X-Request-Id on the Response under RAW_TEXT and RAW_REQUEST_ID, and gives
// it no body stream, nor headers on a 2xx: the core reads only those two. Users' hooks see real
// Requests and Responses, so hooks turn the fast path off.

export const FAST_PATH = Symbol.for('agenttrustid.sdk.fastPath');
export const RAW_TEXT = Symbol.for('agenttrustid.sdk.rawText');
export const RAW_REQUEST_ID = Symbol.for('agenttrustid.sdk.rawRequestId');
/** The answer's headers as a flat name/value list, on a Response built without them (a fast 2xx). */
export const RAW_HEADERS = Symbol.for('agenttrustid.sdk.rawHeaders');

/** What the core passes instead of headers and a body on the Request. */
export interface FastPathInit {
  /** Lowercase names; the core has checked every name and value. */
  rawHeaders?: Record<string, string>;
  /** The body, or null for none. */
  rawBody?: string | null;
  /** The most bytes of an answer's body the transport reads (the core's `maxResponseBytes`). */
  maxResponseBytes?: number;
}

/** Default cap on an answer's body, as the Go SDK's: 32 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/**
 * What a transport rejects with when an answer's body passes the cap: the core maps it to an
 * INVALID_RESPONSE AgentTrustError and does not retry (the same gateway would send it again).
 */
export class ResponseTooLargeError extends Error {
  readonly limit: number;
  readonly status: number;
  constructor(limit: number, status: number) {
    super(`the answer's body exceeds ${limit} bytes`);
    this.name = 'ResponseTooLargeError';
    this.limit = limit;
    this.status = status;
  }
}

/** A Response as the Node transport marks it. */
export type MarkedResponse = Response & {
  [RAW_TEXT]?: string | null;
  [RAW_REQUEST_ID]?: string;
  [RAW_HEADERS]?: readonly string[];
};

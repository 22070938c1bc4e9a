import type { components } from '@agenttrustid/spec/types';

export type ErrorCode = components['schemas']['ErrorCode'];
export type ErrorEnvelope = components['schemas']['ErrorEnvelope'];

/** A failure an operation answers with; the pipeline turns it into an `ErrorEnvelope`. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

const hex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

/** A random id for one request, echoed in `X-Request-Id` and the envelope's `request_id`. */
export const newRequestId = () => `req_${hex(8)}`;

/** A random hex id with a prefix (`agt_...`); 8 bytes for ids, 16 for secrets. */
export const randomId = (prefix: string, bytes = 8) => `${prefix}_${hex(bytes)}`;

export const notFound = (resource: string, id: string) =>
  new GatewayError(404, 'NOT_FOUND', `${resource} ${id} not found`, { resource, id });

export const validation = (field: string, message: string) =>
  new GatewayError(400, 'VALIDATION_ERROR', field ? `${field}: ${message}` : message, { field });

export const conflict = (message: string, details: Record<string, unknown>) =>
  new GatewayError(409, 'CONFLICT', message, details);

export const authDenied = (message: string, details?: Record<string, unknown>) =>
  new GatewayError(403, 'AUTH_DENIED', message, details);

export function envelope(error: GatewayError, requestId: string): ErrorEnvelope {
  return {
    code: error.code,
    message: error.message,
    ...(error.details ? { details: error.details } : {}),
    request_id: requestId,
  };
}

/** The HTTP answer for a failure: its `ErrorEnvelope`, with the request id also as a header. */
export function errorResponse(error: GatewayError, requestId: string): Response {
  return Response.json(envelope(error, requestId), {
    status: error.status,
    headers: { 'X-Request-Id': requestId, ...error.headers },
  });
}

/**
 * The shape of one operation of the spec: its route, the generated zod schemas that validate
 * its input, and a synchronous handler over the instance's state. `gateway.ts` turns the table
 * of operations into MSW handlers and runs the shared pipeline (faults, auth, validation).
 */
import type * as z from 'zod/mini';
import type { Clock } from './clock.js';
import type { GatewayState } from './state.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface GatewayConfig {
  /** Lifetime of a pending approval (default 5 minutes). */
  approvalTtlMs: number;
  /** How long an approved elevation allows its binding (default 5 minutes from the decision). */
  elevationWindowMs: number;
  /** How long a denial answers `elevation_denied` for its binding (default 5 minutes). */
  denialWindowMs: number;
  /** Largest accepted request body in bytes (default 1 MiB). */
  maxBodyBytes: number;
}

export interface OpContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  state: GatewayState;
  clock: Clock;
  config: GatewayConfig;
  /** Scheme, host and port the request was sent to (for URLs the gateway hands out). */
  origin: string;
  /** The request's method (upper case). */
  method: string;
  /**
   * The URL the client addressed, without query and fragment: scheme, the `Host` it sent (over
   * HTTP; the URL's own host in-process) and path. What a DPoP proof's `htu` must name.
   */
  target: string;
  /** The request's headers (lower-case names). */
  headers: Headers;
  /** The instance's signing key and other per-instance secrets. */
  keys: import('./keys.js').GatewayKeys;
  /** A new id with the given prefix, unique within the instance. */
  id(prefix: string): string;
  /** A new opaque secret with the given prefix (tokens). */
  secret(prefix: string): string;
}

export interface OpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Schema = z.ZodMiniType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export interface Operation {
  operationId: string;
  method: Method;
  /** The spec's path template, e.g. `/v1/agents/{agent_id}`. */
  path: string;
  /** Needs no API key (the public agent card). */
  public?: boolean;
  params?: Schema;
  query?: Schema;
  body?: Schema;
  /** Whether an empty body is a validation error (the spec's `requestBody.required`). */
  bodyRequired?: boolean;
  /** Header parameters the spec declares: name (lower case) -> required. */
  headerParams?: Readonly<Record<string, boolean>>;
  /** Checks the raw JSON body before the generic validation, for sharper field names (JSON-RPC). */
  precheck?: (body: unknown) => void;
  /** Request fields marked `x-secret` in the spec: redacted in the request log. */
  secretFields?: readonly string[];
  handle(ctx: OpContext<any, any, any>): OpResult | Promise<OpResult>;
}

/** Declares an operation with handler input types inferred from its schemas. */
export function defineOp<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(op: {
  operationId: string;
  method: Method;
  path: string;
  public?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  bodyRequired?: boolean;
  headerParams?: Readonly<Record<string, boolean>>;
  precheck?: (body: unknown) => void;
  secretFields?: readonly string[];
  handle(ctx: OpContext<Out<P>, Out<Q>, Out<B>>): OpResult | Promise<OpResult>;
}): Operation {
  return op as Operation;
}

export const json = <T>(status: number, body: T): OpResult => ({ status, body });
export const noContent = (): OpResult => ({ status: 204 });

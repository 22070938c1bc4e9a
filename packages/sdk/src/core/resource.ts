// What every resource method does around its generated operation function: pass the per-call
// config, validate the answer against the spec's zod schema, convert it to camelCase.
import type { OperationMeta } from '../generated/wire.js';
import { AgentTrustError, ValidationError } from './errors.js';
import type { HttpCore, RequestOptions, WireResponse } from './http.js';
import { fromWire } from './keys.js';
import type { RequestConfig } from './mutator.js';

type Schemas = typeof import('../generated/schemas.js');
type Schema = Schemas[keyof Schemas];
let schemas: Schemas | undefined;
let loading: Promise<Schemas> | undefined;

// The zod schemas are built on the first response, not when the SDK is imported: importing
// stays cheap for programs that load the SDK but call it later (or never).
function loadSchemas(): Promise<Schemas> {
  loading ??= import('../generated/schemas.js').then((module) => {
    schemas = module;
    return module;
  });
  return loading;
}

export abstract class APIResource {
  /** @internal */
  protected readonly _core: HttpCore;

  constructor(core: HttpCore) {
    this._core = core;
  }

  /** @internal Sends one operation and returns its validated, camelCased result. */
  protected async _call<T>(
    meta: OperationMeta,
    options: RequestOptions | undefined,
    send: (config: RequestConfig) => Promise<unknown>,
    auth = true,
  ): Promise<T> {
    const { data, status, requestId } = (await send({ core: this._core, options, auth })) as WireResponse;
    if (!meta.response) return undefined as T;
    const schema = ((schemas ?? (await loadSchemas())) as Record<string, Schema>)[meta.response]!;
    if (meta.list) {
      if (!Array.isArray(data)) throw invalid(status, requestId, ['(root): expected an array']);
      for (let i = 0; i < data.length; i++) validate(schema, data[i], status, requestId, `[${i}]`);
    } else {
      validate(schema, data, status, requestId, '');
    }
    return fromWire(data, meta.responseShape) as T;
  }
}

function invalid(status: number, requestId: string | undefined, problems: string[]): AgentTrustError {
  return new AgentTrustError(
    'INVALID_RESPONSE',
    `The gateway's answer does not match the spec: ${problems.join('; ')}`,
    {
      status,
      requestId,
      details: { problems },
    },
  );
}

/**
 * Accepts the answer when it matches the schema, or when every mismatch is an enum or constant
 * value this SDK does not know yet (a newer gateway); the value is then returned as sent. A
 * missing field or a wrong type is an INVALID_RESPONSE error. Unknown fields are kept because
 * the raw body, not zod's stripped output, is what gets returned.
 */
function validate(
  schema: Schema,
  data: unknown,
  status: number,
  requestId: string | undefined,
  at: string,
): void {
  const result = schema.safeParse(data);
  if (result.success) return;
  const issues = result.error.issues.filter((issue) => !isNewerValue(issue));
  if (issues.length === 0) return;
  // Paths and zod's wording only: a value could be a secret (a token), so none is quoted.
  throw invalid(
    status,
    requestId,
    issues
      .slice(0, 5)
      .map(
        (issue) => `${at}${issue.path.map((p) => `.${String(p)}`).join('') || '(root)'}: ${issue.message}`,
      ),
  );
}

function isNewerValue(issue: { code: string; note?: unknown }): boolean {
  return (
    issue.code === 'invalid_value' ||
    (issue.code === 'invalid_union' && issue.note === 'No matching discriminator')
  );
}

/** Encodes one path segment, rejecting what cannot be an id before it reaches the wire. */
export function segment(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError('VALIDATION_ERROR', `${name} must be a non-empty string`, {
      details: { field: name },
    });
  }
  return encodeURIComponent(value);
}

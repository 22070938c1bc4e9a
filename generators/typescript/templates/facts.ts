/**
 * `src/generated/facts.ts`: the spec facts the hand-written runtime imports instead of retyping
 * them: the error codes, each enum's values, and the root `x-sdk` (`ApiModel.facts`): status ->
 * code -> error class, limits, and the client, retry, breaker and telemetry defaults.
 */
import { code } from '../../src/emit/template.ts';
import type { ApiModel, EnumType } from '../../src/model/types.ts';
import { ts, tsDoc } from '../naming.ts';

const json = (value: unknown) => JSON.stringify(value);
const record = (entries: readonly (readonly [string | number, string])[]) =>
  `{ ${entries.map(([k, v]) => `${typeof k === 'number' ? k : json(k)}: ${json(v)}`).join(', ')} }`;

/**
 * `errorCodeType` declares `ErrorCode` for the module: the SDK's own models by default; the spec
 * package's copy (for the mock gateway) takes it from openapi-typescript's types.
 */
export function factsModule(
  model: ApiModel,
  header: string,
  errorCodeType = "import type { ErrorCode } from './models.js';",
): string {
  const { defaults: d, limits, errors } = model.facts;
  const enums = model.types.filter(
    (t): t is EnumType => t.kind === 'enum' && t.syntheticFrom === undefined && t.name.wire !== 'ErrorCode',
  );
  const { classes } = errors;
  const classNames = [
    ...new Set([
      ...classes.byCode.map((c) => ts.type(c.class)),
      ...classes.byStatus.map((c) => ts.type(c.class)),
      ts.type(classes.serverError),
    ]),
  ];
  return code`
    ${header}
    ${errorCodeType}

    /** Every \`ErrorCode\` the spec defines (the gateway's and the SDK-raised ones). */
    export const ERROR_CODES: readonly ErrorCode[] = ${json(model.errorCodes.map((c) => c.value))};

    ${enums.map(
      (t) => code`
        ${tsDoc(`The values of \`${ts.type(t.name)}\` this SDK knows (answers may carry others).`)}
        export const ${ts.constant(t.name)}_VALUES = ${json(t.values.map((v) => v.value))} as const;
      `,
    )}

    /** Client defaults; durations in milliseconds. Environment variables are read in order. */
    export const DEFAULTS = {
      baseUrl: ${json(d.baseUrl)},
      env: { baseUrl: ${json(d.env.baseUrl)}, apiKey: ${json(d.env.apiKey)} },
      timeoutMs: ${d.timeoutMs},
      maxRetries: ${d.maxRetries},
      /**
       * Split deployments: each service's base URL comes from its environment variables, else from
       * the gateway's URL with \`derive.from\` replaced by \`derive.to\` when it contains it, else it
       * is the gateway's URL.
       */
      services: ${json(d.services)},
      /** The keys \`fromConfig(path)\` reads from a JSON config file. */
      configFileKeys: ${json(d.configFileKeys)},
    } as const;

    /** Retries: exponential from \`initialDelayMs\` up to \`maxDelayMs\`; a longer Retry-After is not waited for. */
    export const RETRY = {
      initialDelayMs: ${d.retry.initialDelayMs},
      maxDelayMs: ${d.retry.maxDelayMs},
      maxRetryAfterMs: ${d.retry.maxRetryAfterMs},
      /** Statuses retried: these, plus every status within \`statusRanges\` (inclusive). */
      statuses: ${json(d.retry.statuses)},
      statusRanges: ${json(d.retry.statusRanges)},
    } as const;

    export const BREAKER = ${json(d.breaker)} as const;
    export const TELEMETRY = ${json(d.telemetry)} as const;

    /**
     * Agent identity: the proof-of-possession message template (\`{nonce}\`, \`{agent_id}\`,
     * \`{audience}\` joined by ",", \`{ts}\` in unix seconds), credentials renewal, DPoP, keychain.
     */
    export const IDENTITY = ${json(model.facts.identity)} as const;

    /** Limits the gateway enforces (code points; events per telemetry request). */
    export const LIMITS = ${json(limits)} as const;

    /** The code an error status implies when the body carries no code the SDK knows. */
    export const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = ${record(errors.codeByStatus.map((e) => [e.status, e.code]))};
    /** The code of any other 5xx, and of any other non-2xx status. */
    export const OTHER_SERVER_CODE: ErrorCode = ${json(errors.otherServerCode)};
    export const OTHER_CODE: ErrorCode = ${json(errors.otherCode)};

    /** The error classes the spec names; the runtime's errors.ts must define each one. */
    export type ErrorClassName = ${classNames.map(json).join(' | ') || 'never'};
    /** The class of an error: by its code first, then by its status, then SERVER_ERROR_CLASS for any 5xx. */
    export const ERROR_CLASS_BY_CODE: Readonly<Partial<Record<ErrorCode, ErrorClassName>>> = ${record(classes.byCode.map((c) => [c.code, ts.type(c.class)]))};
    export const ERROR_CLASS_BY_STATUS: Readonly<Record<number, ErrorClassName>> = ${record(classes.byStatus.map((c) => [c.status, ts.type(c.class)]))};
    export const SERVER_ERROR_CLASS: ErrorClassName = ${json(ts.type(classes.serverError))};
  `;
}

/** `agenttrustid/_facts.py`: the spec's root `x-sdk` facts and enum value sets, for the runtime. */

import { code } from '../../src/emit/template.ts';
import { type ApiModel, type EnumType, type Name, SpecModelError } from '../../src/model/index.ts';
import { PYTHON, pyClass, pyConst, pyStr } from '../naming.ts';

const tuple = (items: readonly (string | number)[]) =>
  `(${items.map((i) => (typeof i === 'string' ? pyStr(i) : String(i))).join(', ')}${items.length === 1 ? ',' : ''})`;

/**
 * The Python class of each error class the facts name; every one must be a class the runtime's
 * `exceptions.py` defines (`known`), else the spec asks for an error class Python lacks.
 */
function errorClasses(model: ApiModel, known: ReadonlySet<string>) {
  const { classes } = model.facts.errors;
  const at = '#/x-sdk/errors/classes';
  const check = (name: Name, pointer: string) => {
    const cls = PYTHON.typeName(name);
    if (!known.has(cls))
      throw new SpecModelError(
        `error class '${name.wire}' is ${cls} in Python, which generators/python/runtime/exceptions.py does not define`,
        pointer,
      );
    return cls;
  };
  return {
    byCode: classes.byCode.map((c) => [c.code, check(c.class, `${at}/by_code/${c.code}`)] as const),
    byStatus: classes.byStatus.map((c) => [c.status, check(c.class, `${at}/by_status/${c.status}`)] as const),
    serverError: check(classes.serverError, `${at}/server_error`),
  };
}

export function factsModule(model: ApiModel, header: string, exceptionClasses: ReadonlySet<string>): string {
  const { defaults: d, limits, errors } = model.facts;
  const classes = errorClasses(model, exceptionClasses);
  const enums = model.types.filter((t): t is EnumType => t.kind === 'enum');
  const retryStatuses = [
    ...d.retry.statuses.map(String),
    ...d.retry.statusRanges.map(([from, to]) => `*range(${from}, ${to + 1})`),
  ];
  return code`
    ${header}
    """The spec's facts (its root \`x-sdk\` and its enums) that the runtime reads instead of typing
    them again: defaults, limits, the error mapping. Durations in milliseconds, as in the spec."""

    from __future__ import annotations

    DEFAULT_BASE_URL = ${pyStr(d.baseUrl)}
    BASE_URL_ENV = ${tuple(d.env.baseUrl)}
    """Read in this order; the first one set wins."""
    API_KEY_ENV = ${tuple(d.env.apiKey)}
    TIMEOUT_MS = ${d.timeoutMs}
    MAX_RETRIES = ${d.maxRetries}
    RETRY_INITIAL_DELAY_MS = ${d.retry.initialDelayMs}
    RETRY_MAX_DELAY_MS = ${d.retry.maxDelayMs}
    RETRY_MAX_RETRY_AFTER_MS = ${d.retry.maxRetryAfterMs}
    RETRY_STATUSES = frozenset({${retryStatuses.join(', ')}})
    BREAKER_FAILURE_THRESHOLD = ${d.breaker.failureThreshold}
    BREAKER_WINDOW_MS = ${d.breaker.windowMs}
    BREAKER_COOLDOWN_MS = ${d.breaker.cooldownMs}
    TELEMETRY_BATCH_SIZE = ${d.telemetry.batchSize}
    TELEMETRY_CAPACITY = ${d.telemetry.capacity}
    TELEMETRY_FLUSH_INTERVAL_MS = ${d.telemetry.flushIntervalMs}
    SERVICES: dict[str, tuple[tuple[str, ...], tuple[str, str] | None]] = {${d.services.map((s) => `${pyStr(s.name)}: (${tuple(s.env)}, ${s.derive ? tuple([s.derive.from, s.derive.to]) : 'None'})`).join(', ')}}
    """Split deployments: per service, the environment variables of its base URL (first set wins),
    and the (from, to) rewrite of the gateway's base URL when it contains \`from\`; else the
    gateway's base URL itself."""
    CONFIG_FILE_KEYS = ${tuple(d.configFileKeys)}
    """The keys \`from_config(path)\` reads from a JSON file."""

    POP_MESSAGE = ${pyStr(model.facts.identity.popMessage)}
    """The bytes an agent key signs for a proof of possession (UTF-8): \`{nonce}\`, \`{agent_id}\`,
    \`{audience}\` (joined by ","), \`{ts}\` (unix seconds)."""
    CREDENTIALS_REFRESH_BEFORE_MS = ${model.facts.identity.refreshBeforeMs}
    CREDENTIALS_FALLBACK_TTL_MS = ${model.facts.identity.fallbackTtlMs}
    """The lifetime assumed for a WIMSE token whose \`expires_at\` does not parse."""
    DPOP_TYP = ${pyStr(model.facts.identity.dpop.typ)}
    DPOP_ALG = ${pyStr(model.facts.identity.dpop.alg)}
    DPOP_MAX_AGE_MS = ${model.facts.identity.dpop.maxAgeMs}
    KEYCHAIN_SERVICE = ${pyStr(model.facts.identity.keychainService)}

    MAX_TOOL_NAME = ${limits.toolName}
    """Code points."""
    MAX_SUMMARY = ${limits.summary}
    """Code points of an input summary."""
    MAX_ERROR_TYPE = ${limits.errorType}
    MAX_SESSION_ID = ${limits.sessionId}
    MAX_TELEMETRY_BATCH = ${limits.telemetryBatch}
    """Events in one telemetry request (the gateway's maxItems)."""

    ERROR_CODE_BY_STATUS: dict[int, str] = {${errors.codeByStatus.map((e) => `${e.status}: ${pyStr(e.code)}`).join(', ')}}
    """The code an error status implies when the body carries no code the SDK knows."""
    OTHER_SERVER_ERROR_CODE = ${pyStr(errors.otherServerCode)}
    OTHER_ERROR_CODE = ${pyStr(errors.otherCode)}
    ERROR_CLASS_BY_CODE: dict[str, str] = {${classes.byCode.map(([c, cls]) => `${pyStr(c)}: ${pyStr(cls)}`).join(', ')}}
    """The exception class of an error: by its code first, then by its status, then
    SERVER_ERROR_CLASS for any 5xx, else AgentTrustError."""
    ERROR_CLASS_BY_STATUS: dict[int, str] = {${classes.byStatus.map(([s, cls]) => `${s}: ${pyStr(cls)}`).join(', ')}}
    SERVER_ERROR_CLASS = ${pyStr(classes.serverError)}

    ${enums.map(
      (t) => code`
        ${pyConst(pyClass(t.name))}_VALUES = ${tuple(t.values.map((v) => v.value))}`,
    )}
  `;
}

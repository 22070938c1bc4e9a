/**
 * The spec's facts as Java (`internal/Facts.java`: defaults, limits, the status -> code mapping,
 * the exception class of an error) and one exception class per class the facts name.
 */
import { code } from '../../src/emit/template.ts';
import type { ApiModel, Name } from '../../src/model/index.ts';
import { javadoc, quote, typeName } from '../naming.ts';

/** `not_found_error` -> `NotFoundException` (Java says Exception where the facts say error). */
export const exceptionClass = (n: Name): string =>
  typeName({
    ...n,
    words: n.words.map((w, i) => (i === n.words.length - 1 && w === 'error' ? 'exception' : w)),
  });

export function exceptionClasses(model: ApiModel): { name: string; doc: string }[] {
  const c = model.facts.errors.classes;
  const out = new Map<string, string>();
  for (const x of c.byCode) out.set(exceptionClass(x.class), `The error of code ${x.code}.`);
  for (const x of c.byStatus) out.set(exceptionClass(x.class), `The error of an HTTP ${x.status} answer.`);
  out.set(exceptionClass(c.serverError), 'The error of any other 5xx answer.');
  return [...out].map(([name, doc]) => ({ name, doc }));
}

export function exceptionFile(name: string, doc: string): string {
  return code`
    ${javadoc(`${doc} A subclass of {@link AgentTrustException}; catch it before the base class.`)}
    public class ${name} extends AgentTrustException {
        private static final long serialVersionUID = 1L;

        ${javadoc('Creates the exception.', ['@param code the error code', '@param message the explanation', '@param status the HTTP status, or 0', '@param details wire-form details, or null', '@param requestId the request id, or null', '@param cause the cause, or null'])}
        public ${name}(String code, String message, int status, Map<String, Object> details, String requestId, Throwable cause) {
            super(code, message, status, details, requestId, cause);
        }
    }
  `;
}

export function factsFile(model: ApiModel, sdkVersion: string): string {
  const f = model.facts;
  const d = f.defaults;
  const list = (xs: string[]) => `List.of(${xs.map(quote).join(', ')})`;
  const statusCode = f.errors.codeByStatus;
  const validationStatus = statusCode.find((x) => x.code === 'VALIDATION_ERROR')?.status;
  const validationClass = f.errors.classes.byStatus.find((x) => x.status === validationStatus);
  const exc = (n: Name) => `id.agenttrust.sdk.exceptions.${exceptionClass(n)}`;
  return code`
    ${javadoc("The spec's facts (its root x-sdk): defaults, limits and the error mapping every SDK shares. Not part of the public API.")}
    public final class Facts {
        private Facts() {}

        ${javadoc('The SDK version.')}
        public static final String SDK_VERSION = ${quote(sdkVersion)};
        ${javadoc('The version of the gateway spec this SDK was generated from.')}
        public static final String SPEC_VERSION = ${quote(model.version)};
        ${javadoc('The default base URL.')}
        public static final String DEFAULT_BASE_URL = ${quote(d.baseUrl)};
        ${javadoc('Environment variables of the base URL, in the order they are read.')}
        public static final List<String> ENV_BASE_URL = ${list(d.env.baseUrl)};
        ${javadoc('Environment variables of the API key.')}
        public static final List<String> ENV_API_KEY = ${list(d.env.apiKey)};
        ${javadoc('The default timeout of one attempt, in milliseconds.')}
        public static final long TIMEOUT_MS = ${d.timeoutMs}L;
        ${javadoc('The default retry count.')}
        public static final int MAX_RETRIES = ${d.maxRetries};
        ${javadoc('The first retry delay, in milliseconds.')}
        public static final long RETRY_INITIAL_DELAY_MS = ${d.retry.initialDelayMs}L;
        ${javadoc('The longest retry delay, in milliseconds.')}
        public static final long RETRY_MAX_DELAY_MS = ${d.retry.maxDelayMs}L;
        ${javadoc('The longest Retry-After honoured, in milliseconds.')}
        public static final long MAX_RETRY_AFTER_MS = ${d.retry.maxRetryAfterMs}L;
        ${javadoc('Breaker: failures that open it.')}
        public static final int BREAKER_FAILURE_THRESHOLD = ${d.breaker.failureThreshold};
        ${javadoc('Breaker: the window, in milliseconds.')}
        public static final long BREAKER_WINDOW_MS = ${d.breaker.windowMs}L;
        ${javadoc('Breaker: the cooldown, in milliseconds.')}
        public static final long BREAKER_COOLDOWN_MS = ${d.breaker.cooldownMs}L;
        ${javadoc('Telemetry: events per batch.')}
        public static final int TELEMETRY_BATCH_SIZE = ${d.telemetry.batchSize};
        ${javadoc('Telemetry: the queue bound.')}
        public static final int TELEMETRY_CAPACITY = ${d.telemetry.capacity};
        ${javadoc('Telemetry: the flush interval, in milliseconds.')}
        public static final long TELEMETRY_FLUSH_INTERVAL_MS = ${d.telemetry.flushIntervalMs}L;
        ${javadoc('Identity: what an agent key signs for a proof of possession (UTF-8): {nonce}, {agent_id}, {audience} (joined by ","), {ts} (unix seconds).')}
        public static final String POP_MESSAGE_TEMPLATE = ${quote(f.identity.popMessage)};
        ${javadoc('Identity: how long before expiry credentials renew their token, in milliseconds.')}
        public static final long CREDENTIALS_REFRESH_BEFORE_MS = ${f.identity.refreshBeforeMs}L;
        ${javadoc('Identity: the lifetime assumed for a token whose expires_at does not parse, in milliseconds.')}
        public static final long CREDENTIALS_FALLBACK_TTL_MS = ${f.identity.fallbackTtlMs}L;
        ${javadoc("Identity: the DPoP proof's typ header.")}
        public static final String DPOP_TYP = ${quote(f.identity.dpop.typ)};
        ${javadoc("Identity: the DPoP proof's alg header.")}
        public static final String DPOP_ALG = ${quote(f.identity.dpop.alg)};
        ${javadoc('Identity: the oldest DPoP proof accepted, in milliseconds.')}
        public static final long DPOP_MAX_AGE_MS = ${f.identity.dpop.maxAgeMs}L;
        ${javadoc('Identity: the OS keychain service name key stores use.')}
        public static final String KEYCHAIN_SERVICE = ${quote(f.identity.keychainService)};
        ${javadoc('Code points of a tool name.')}
        public static final int LIMIT_TOOL_NAME = ${f.limits.toolName};
        ${javadoc('Code points of an input summary.')}
        public static final int LIMIT_SUMMARY = ${f.limits.summary};
        ${javadoc('Code points of an error type.')}
        public static final int LIMIT_ERROR_TYPE = ${f.limits.errorType};
        ${javadoc('Code points of a session id.')}
        public static final int LIMIT_SESSION_ID = ${f.limits.sessionId};
        ${javadoc('Events in one telemetry request.')}
        public static final int LIMIT_TELEMETRY_BATCH = ${f.limits.telemetryBatch};

        ${javadoc("A split deployment's service: its name, environment variables and port substitution.")}
        public static final class Service {
            ${javadoc('The name.')}
            public final String name;
            ${javadoc('Its environment variables.')}
            public final List<String> env;
            ${javadoc('The part of the base URL replaced, or null.')}
            public final String from;
            ${javadoc('What replaces it, or null.')}
            public final String to;

            Service(String name, List<String> env, String from, String to) {
                this.name = name;
                this.env = env;
                this.from = from;
                this.to = to;
            }
        }

        ${javadoc('The keys a JSON config file may set (AgentTrustClient.fromConfig).')}
        public static final List<String> CONFIG_FILE_KEYS = ${list(d.configFileKeys)};

        ${javadoc('The services of a split deployment.')}
        public static final List<Service> SERVICES = List.of(
            ${d.services.map((s) => `new Service(${quote(s.name)}, ${list(s.env)}, ${s.derive ? quote(s.derive.from) : 'null'}, ${s.derive ? quote(s.derive.to) : 'null'})`).join(',\n')});

        private static final java.util.Set<String> CODES = java.util.Set.of(${model.errorCodes.map((c) => quote(c.value)).join(', ')});

        ${javadoc('Whether a status is retried.', ['@param status the HTTP status', '@return true to retry'])}
        public static boolean retryableStatus(int status) {
            return ${[...d.retry.statuses.map((s) => `status == ${s}`), ...d.retry.statusRanges.map(([a, b]) => `(status >= ${a} && status <= ${b})`)].join(' || ')};
        }

        ${javadoc('Whether the SDK knows an error code.', ['@param code the code', '@return true when the spec lists it'])}
        public static boolean isKnownCode(String code) {
            return CODES.contains(code);
        }

        ${javadoc('The code an error status implies when the body names none the SDK knows.', ['@param status the HTTP status', '@return the code'])}
        public static String codeForStatus(int status) {
            switch (status) {
                ${statusCode.map((x) => `case ${x.status}:\n    return ${quote(x.code)};`)}
                default:
                    return status >= 500 && status <= 599 ? ${quote(f.errors.otherServerCode)} : ${quote(f.errors.otherCode)};
            }
        }

        ${javadoc('The exception of an error: its class by code, then by status, then 5xx, else the base class.', ['@param code the code', '@param message the message', '@param status the HTTP status, or 0', '@param details wire-form details, or null', '@param requestId the request id, or null', '@return the exception (to throw)'])}
        public static AgentTrustException error(String code, String message, int status, Map<String, Object> details, String requestId) {
            switch (code) {
                ${f.errors.classes.byCode.map((x) => `case ${quote(x.code)}:\n    return new ${exc(x.class)}(code, message, status, details, requestId, null);`)}
                default:
                    break;
            }
            switch (status) {
                ${f.errors.classes.byStatus.map((x) => `case ${x.status}:\n    return new ${exc(x.class)}(code, message, status, details, requestId, null);`)}
                default:
                    break;
            }
            if (status >= 500 && status <= 599) {
                return new ${exc(f.errors.classes.serverError)}(code, message, status, details, requestId, null);
            }
            return new AgentTrustException(code, message, status, details, requestId, null);
        }

        ${javadoc('A client-side validation error (no HTTP status) naming the field.', ['@param field the field, in wire spelling', '@param message the message', '@return the exception (to throw)'])}
        public static AgentTrustException validation(String field, String message) {
            return new ${validationClass ? exc(validationClass.class) : 'AgentTrustException'}("VALIDATION_ERROR", message, 0, Map.of("field", field), null, null);
        }
    }
  `;
}

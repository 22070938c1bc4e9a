/**
 * `src/generated/facts.rs`: the spec's root `x-sdk` facts (defaults, limits, the status -> code
 * -> error class mapping) as Rust constants and functions, which the hand-written runtime uses
 * instead of retyping them.
 */
import { code } from '../../src/emit/template.ts';
import type { ApiModel } from '../../src/model/index.ts';
import { doc, pascalWords, quote } from '../naming.ts';

/** The error class of a facts class name (`not_found_error` -> `NotFound`). */
export const errorClass = (words: readonly string[]) =>
  pascalWords(words[words.length - 1] === 'error' ? words.slice(0, -1) : words);

export function factsFile(model: ApiModel): string {
  const f = model.facts;
  const d = f.defaults;
  const e = f.errors;
  const classes = [
    ...new Set([
      ...e.classes.byCode.map((c) => errorClass(c.class.words)),
      ...e.classes.byStatus.map((c) => errorClass(c.class.words)),
      errorClass(e.classes.serverError.words),
    ]),
  ];
  const statusCond = [
    ...d.retry.statuses.map((s) => `status == ${s}`),
    ...d.retry.statusRanges.map(([a, b]) => `(${a}..=${b}).contains(&status)`),
  ].join(' || ');
  return code`
    //! The spec's facts (its root \`x-sdk\`): every SDK of this API shares these values.

    use std::time::Duration;

    /// The gateway used when neither the builder nor the environment names another.
    pub const DEFAULT_BASE_URL: &str = ${quote(d.baseUrl)};
    /// Bounds each attempt of a request, its body included.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(${d.timeoutMs});
    /// How many times a failed request is retried after the first attempt.
    pub const DEFAULT_MAX_RETRIES: u32 = ${d.maxRetries};
    /// The first retry waits about this long, each next one twice as long.
    pub const INITIAL_RETRY_DELAY: Duration = Duration::from_millis(${d.retry.initialDelayMs});
    /// The longest wait between two attempts of the client's own backoff.
    pub const MAX_RETRY_DELAY: Duration = Duration::from_millis(${d.retry.maxDelayMs});
    /// A longer \`Retry-After\` is cut to this.
    pub const MAX_RETRY_AFTER: Duration = Duration::from_millis(${d.retry.maxRetryAfterMs});

    /// Whether an answer with this HTTP status is retried.
    pub fn retryable_status(status: u16) -> bool {
        ${statusCond || 'false'}
    }

    /// Environment variables naming the gateway's base URL, in the order they are read.
    pub const ENV_BASE_URL: &[&str] = &[${d.env.baseUrl.map(quote).join(', ')}];
    /// Environment variables naming the API key, in the order they are read.
    pub const ENV_API_KEY: &[&str] = &[${d.env.apiKey.map(quote).join(', ')}];

    /// A service of a split deployment: operations the spec routes to it use its base URL.
    #[derive(Debug, Clone, Copy)]
    pub struct ServiceDefault {
        /// The service's name (\`x-sdk-service\`).
        pub name: &'static str,
        /// Environment variables naming its base URL, in the order they are read.
        pub env: &'static [&'static str],
        /// Without one, its URL is the gateway's with \`.0\` replaced by \`.1\` (when it contains it).
        pub derive: Option<(&'static str, &'static str)>,
    }

    /// The services of a split deployment.
    pub const SERVICES: &[ServiceDefault] = &[
        ${d.services.map(
          (s) =>
            `ServiceDefault { name: ${quote(s.name)}, env: &[${s.env.map(quote).join(', ')}], derive: ${
              s.derive ? `Some((${quote(s.derive.from)}, ${quote(s.derive.to)}))` : 'None'
            } },`,
        )}
    ];

    /// The keys \`AgentTrustClient::from_config\` reads from a JSON config file.
    pub const CONFIG_FILE_KEYS: &[&str] = &[${d.configFileKeys.map(quote).join(', ')}];

    /// How many Guardian failures within \`DEFAULT_BREAKER_WINDOW\` open a guard's breaker.
    pub const DEFAULT_BREAKER_THRESHOLD: u32 = ${d.breaker.failureThreshold};
    /// The window those failures must fall in.
    pub const DEFAULT_BREAKER_WINDOW: Duration = Duration::from_millis(${d.breaker.windowMs});
    /// How long an open breaker fails checks fast before it lets one probe through.
    pub const DEFAULT_BREAKER_COOLDOWN: Duration = Duration::from_millis(${d.breaker.cooldownMs});

    /// How many reports go in one telemetry request.
    pub const DEFAULT_BATCH_SIZE: usize = ${d.telemetry.batchSize};
    /// How many reports wait in memory at most; past it, new reports are dropped and counted.
    pub const DEFAULT_QUEUE_CAPACITY: usize = ${d.telemetry.capacity};
    /// How long a partial batch waits before it is sent anyway.
    pub const DEFAULT_FLUSH_INTERVAL: Duration = Duration::from_millis(${d.telemetry.flushIntervalMs});

    /// The most code points of a tool name.
    pub const MAX_TOOL_NAME_CHARS: usize = ${f.limits.toolName};
    /// The most code points of a tool-input summary.
    pub const MAX_SUMMARY_CHARS: usize = ${f.limits.summary};
    /// The most code points of a reported error type.
    pub const MAX_ERROR_TYPE_CHARS: usize = ${f.limits.errorType};
    /// The most code points of a session id.
    pub const MAX_SESSION_ID_CHARS: usize = ${f.limits.sessionId};
    /// The most events in one telemetry request.
    pub const MAX_TELEMETRY_BATCH: usize = ${f.limits.telemetryBatch};

    /// The error code an HTTP status implies when the body names none this SDK knows.
    pub fn code_for_status(status: u16) -> crate::ErrorCode {
        match status {
            ${e.codeByStatus.map((c) => `${c.status} => crate::ErrorCode::from(${quote(c.code)}),`)}
            500..=599 => crate::ErrorCode::from(${quote(e.otherServerCode)}),
            _ => crate::ErrorCode::from(${quote(e.otherCode)}),
        }
    }

    /// The class of an error, from its code first, then its HTTP status.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ErrorClass {
        ${classes.map((c) => [doc(`The \`${c}\` class.`), `${c},`])}
        /// None of the above.
        Other,
    }

    /// The class of an error with this code and status (the spec's \`x-sdk.errors.classes\`).
    pub fn error_class(code: &crate::ErrorCode, status: Option<u16>) -> ErrorClass {
        match code.as_str() {
            ${e.classes.byCode.map((c) => `${quote(c.code)} => return ErrorClass::${errorClass(c.class.words)},`)}
            _ => {}
        }
        match status {
            ${e.classes.byStatus.map((c) => `Some(${c.status}) => ErrorClass::${errorClass(c.class.words)},`)}
            Some(500..=599) => ErrorClass::${errorClass(e.classes.serverError.words)},
            _ => ErrorClass::Other,
        }
    }
  `;
}

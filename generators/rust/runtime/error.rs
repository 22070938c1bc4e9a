//! `AgentTrustError`: every failure of this crate, one enum matched by variant (the guide's
//! variants, plus one per error class of the spec), with `code()`, `status()`, `details()` and
//! `request_id()` on all of them. No variant carries a type of the HTTP stack.

use crate::facts::{self, ErrorClass};
use crate::ErrorCode;
use serde_json::{Map, Value};
use std::fmt;

/// The longest message kept (in characters, after escaping): a gateway's text is bounded.
const MAX_MESSAGE_CHARS: usize = 1000;

/// The human-readable part of an error, with the context every variant shares: the code, the
/// HTTP status, the details and the request id. It prints as the message; control characters
/// are escaped and it never contains the API key.
#[derive(Clone, PartialEq)]
pub struct ErrorMessage {
    text: String,
    info: Box<Info>,
}

#[derive(Clone, PartialEq)]
struct Info {
    code: ErrorCode,
    status: Option<u16>,
    details: Map<String, Value>,
    request_id: Option<String>,
}

impl ErrorMessage {
    /// The message text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::ops::Deref for ErrorMessage {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl PartialEq<&str> for ErrorMessage {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

/// A failure to reach the gateway or to get its answer in time: code `NETWORK_ERROR`
/// (refused, reset, DNS) or `TIMEOUT`.
#[derive(Clone, PartialEq)]
pub struct NetworkError {
    /// What happened.
    pub message: ErrorMessage,
}

impl NetworkError {
    /// Whether the attempt ran out of time (`TIMEOUT`) rather than failing outright.
    pub fn is_timeout(&self) -> bool {
        self.message.info.code == ErrorCode::Timeout
    }
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message.text)
    }
}

impl fmt::Debug for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NetworkError({:?})", self.message.text)
    }
}

/// A request that could not be encoded as JSON (code `VALIDATION_ERROR`, no HTTP status): a
/// non-finite number, or a map with non-string keys.
#[derive(Clone, PartialEq)]
pub struct JsonError {
    /// What could not be encoded.
    pub message: ErrorMessage,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message.text)
    }
}

impl fmt::Debug for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonError({:?})", self.message.text)
    }
}

/// Every failure of this crate. Match the variant for the case at hand and use `code()` for the
/// machine-readable [`ErrorCode`]; `Display` prints the code, the message, the HTTP status and
/// the request id.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AgentTrustError {
    /// Guardian denied the action (`ACTION_DENIED`).
    #[error("{}", message.full())]
    ActionDenied {
        /// Why, with the rule in `details()["rule"]`.
        message: ErrorMessage,
        /// The id of the decision.
        check_id: Option<String>,
    },
    /// The action needs an approved elevation first (`ELEVATION_REQUIRED`): approve
    /// `approval_id` (`client.approvals().approve(..)`), then check again.
    #[error("{}", message.full())]
    ElevationRequired {
        /// Why.
        message: ErrorMessage,
        /// The pending approval to decide.
        approval_id: String,
    },
    /// Guardian could not be asked: unreachable, failing, or the guard's breaker is open
    /// (`GUARDIAN_UNAVAILABLE`).
    #[error("{}", message.full())]
    GuardianUnavailable {
        /// What failed.
        message: ErrorMessage,
    },
    /// No or a wrong API key (HTTP 401, `AUTH_FAILED`).
    #[error("{}", message.full())]
    Authentication {
        /// The gateway's message.
        message: ErrorMessage,
        /// The HTTP status.
        status: Option<u16>,
    },
    /// The key may not do this (HTTP 403, `AUTH_DENIED`).
    #[error("{}", message.full())]
    Authorization {
        /// The gateway's message.
        message: ErrorMessage,
        /// The HTTP status.
        status: Option<u16>,
    },
    /// The request was refused as invalid (HTTP 400, or refused before sending: no status).
    #[error("{}", message.full())]
    Validation {
        /// What is wrong, with the field in `details()["field"]`.
        message: ErrorMessage,
        /// The HTTP status, `None` when the SDK refused the request itself.
        status: Option<u16>,
    },
    /// The resource does not exist (HTTP 404, `NOT_FOUND`).
    #[error("{}", message.full())]
    NotFound {
        /// The gateway's message.
        message: ErrorMessage,
        /// The HTTP status (200 for a JSON-RPC "not found").
        status: Option<u16>,
    },
    /// The request conflicts with the resource's state (HTTP 409, `CONFLICT`).
    #[error("{}", message.full())]
    Conflict {
        /// The gateway's message.
        message: ErrorMessage,
        /// The HTTP status.
        status: Option<u16>,
    },
    /// Too many requests (HTTP 429, `RATE_LIMITED`), after the retries.
    #[error("{}", message.full())]
    RateLimit {
        /// The gateway's message.
        message: ErrorMessage,
        /// The HTTP status.
        status: Option<u16>,
    },
    /// The token expired (`TOKEN_EXPIRED`).
    #[error("{}", message.full())]
    TokenExpired {
        /// The gateway's message.
        message: ErrorMessage,
        /// The HTTP status.
        status: Option<u16>,
    },
    /// The agent was revoked (`AGENT_REVOKED`).
    #[error("{}", message.full())]
    AgentRevoked {
        /// The gateway's message.
        message: ErrorMessage,
        /// The HTTP status.
        status: Option<u16>,
    },
    /// The gateway failed (HTTP 5xx), after the retries.
    #[error("{}", message.full())]
    InternalServer {
        /// The gateway's message.
        message: ErrorMessage,
        /// The HTTP status.
        status: Option<u16>,
    },
    /// The gateway could not be reached (refused, reset, DNS): `NETWORK_ERROR`, after the
    /// retries.
    #[error("{}", .0.message.full())]
    Network(NetworkError),
    /// An attempt ran out of time (`TIMEOUT`; never retried: the gateway may have acted).
    #[error("{}", .0.message.full())]
    Timeout(NetworkError),
    /// The client's options are unusable, or an operation that needs the API key was called
    /// without one (`VALIDATION_ERROR`, no HTTP status, `details()["field"]` names the option).
    /// Raised before anything is sent.
    #[error("{}", message.full())]
    Configuration {
        /// What is wrong, naming the option (and its environment variable).
        message: ErrorMessage,
    },
    /// The request could not be encoded.
    #[error("{}", .0.message.full())]
    Json(JsonError),
    /// The answer does not match the spec, is too large, or is a redirect (never followed):
    /// `INVALID_RESPONSE`.
    #[error("{}", message.full())]
    InvalidResponse {
        /// What is wrong with it.
        message: ErrorMessage,
        /// The HTTP status of the answer.
        status: Option<u16>,
    },
    /// A proof needs the agent's key pair and the key store has none (`VALIDATION_ERROR`,
    /// `details()["field"]` is `agent_id`): create the agent with this client, or put its key
    /// pair in the client's key store.
    #[error("{}", message.full())]
    KeyNotFound {
        /// Which agent's key is missing.
        message: ErrorMessage,
        /// The agent.
        agent_id: String,
    },
    /// Any other error: see `code`.
    #[error("{}", message.full())]
    Api {
        /// The message.
        message: ErrorMessage,
        /// The error code.
        code: ErrorCode,
        /// The HTTP status, when the gateway answered.
        status: Option<u16>,
    },
}

/// Escapes control characters (and U+2028/U+2029) so a message from the network cannot forge
/// a log line or a terminal escape, and bounds its length after escaping (escapes count too).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * MAX_MESSAGE_CHARS));
    let mut count = 0;
    for c in text.chars() {
        let piece = match c {
            '\n' => "\\n".to_owned(),
            '\r' => "\\r".to_owned(),
            '\t' => "\\t".to_owned(),
            c if (c as u32) < 0x20
                || (0x7f..0xa0).contains(&(c as u32))
                || c == '\u{2028}'
                || c == '\u{2029}' =>
            {
                format!("\\u{:04x}", c as u32)
            }
            c => c.to_string(),
        };
        // Escapes are ASCII: their byte length is their length in chars.
        let len = if piece.len() == c.len_utf8() {
            1
        } else {
            piece.len()
        };
        if count + len > MAX_MESSAGE_CHARS {
            out.push('…');
            break;
        }
        count += len;
        out.push_str(&piece);
    }
    out
}

impl ErrorMessage {
    /// `CODE: message (HTTP n, request id)`.
    fn full(&self) -> String {
        let mut s = format!("{}: {}", self.info.code, self.text);
        match (self.info.status, &self.info.request_id) {
            (Some(st), Some(r)) => s.push_str(&format!(" (HTTP {st}, request {})", escape(r))),
            (Some(st), None) => s.push_str(&format!(" (HTTP {st})")),
            (None, Some(r)) => s.push_str(&format!(" (request {})", escape(r))),
            (None, None) => {}
        }
        s
    }
}

impl AgentTrustError {
    /// Builds the error of `code` in the variant its code and status select (the spec's
    /// error classes). `text` is escaped and bounded here.
    pub(crate) fn build(
        code: ErrorCode,
        text: &str,
        status: Option<u16>,
        details: Map<String, Value>,
        request_id: Option<String>,
    ) -> Self {
        let message = ErrorMessage {
            text: escape(text),
            info: Box::new(Info {
                code: code.clone(),
                status,
                details,
                request_id,
            }),
        };
        let detail = |k: &str| {
            message
                .info
                .details
                .get(k)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        match code {
            ErrorCode::ActionDenied => {
                let check_id = detail("check_id");
                return Self::ActionDenied { message, check_id };
            }
            ErrorCode::ElevationRequired => {
                if let Some(approval_id) = detail("approval_id") {
                    return Self::ElevationRequired {
                        message,
                        approval_id,
                    };
                }
            }
            ErrorCode::GuardianUnavailable => return Self::GuardianUnavailable { message },
            ErrorCode::NetworkError => return Self::Network(NetworkError { message }),
            ErrorCode::Timeout => return Self::Timeout(NetworkError { message }),
            ErrorCode::InvalidResponse => return Self::InvalidResponse { message, status },
            _ => {}
        }
        match facts::error_class(&code, status) {
            ErrorClass::TokenExpired => Self::TokenExpired { message, status },
            ErrorClass::AgentRevoked => Self::AgentRevoked { message, status },
            ErrorClass::Validation => Self::Validation { message, status },
            ErrorClass::Authentication => Self::Authentication { message, status },
            ErrorClass::Authorization => Self::Authorization { message, status },
            ErrorClass::NotFound => Self::NotFound { message, status },
            ErrorClass::Conflict => Self::Conflict { message, status },
            ErrorClass::RateLimit => Self::RateLimit { message, status },
            ErrorClass::InternalServer => Self::InternalServer { message, status },
            ErrorClass::Other => match code {
                ErrorCode::ValidationError => Self::Validation { message, status },
                ErrorCode::AuthFailed => Self::Authentication { message, status },
                ErrorCode::AuthDenied => Self::Authorization { message, status },
                ErrorCode::NotFound => Self::NotFound { message, status },
                ErrorCode::Conflict => Self::Conflict { message, status },
                ErrorCode::RateLimited => Self::RateLimit { message, status },
                code => Self::Api {
                    message,
                    code,
                    status,
                },
            },
        }
    }

    /// A client-side error without HTTP status.
    pub(crate) fn client(code: ErrorCode, text: &str) -> Self {
        Self::build(code, text, None, Map::new(), None)
    }

    /// A `VALIDATION_ERROR` refused before sending, naming the field.
    pub(crate) fn validation(field: &str, text: &str) -> Self {
        let mut details = Map::new();
        details.insert("field".into(), Value::from(field));
        Self::build(ErrorCode::ValidationError, text, None, details, None)
    }

    /// A `VALIDATION_ERROR` about the client's options (or a missing API key), naming the option.
    pub(crate) fn configuration(field: &str, text: &str) -> Self {
        let mut details = Map::new();
        details.insert("field".into(), Value::from(field));
        let message = ErrorMessage {
            text: escape(text),
            info: Box::new(Info {
                code: ErrorCode::ValidationError,
                status: None,
                details,
                request_id: None,
            }),
        };
        Self::Configuration { message }
    }

    /// The error class of the variant, as the spec's `x-sdk.errors.classes` and the other SDKs
    /// name it (`NotFoundError`, `ConfigurationError`, ...), for logs.
    pub fn class_name(&self) -> &'static str {
        match self {
            Self::ActionDenied { .. } => "ActionDeniedError",
            Self::ElevationRequired { .. } => "ElevationRequiredError",
            Self::GuardianUnavailable { .. } => "GuardianUnavailableError",
            Self::Authentication { .. } => "AuthenticationError",
            Self::Authorization { .. } => "AuthorizationError",
            Self::Validation { .. } => "ValidationError",
            Self::NotFound { .. } => "NotFoundError",
            Self::Conflict { .. } => "ConflictError",
            Self::RateLimit { .. } => "RateLimitError",
            Self::TokenExpired { .. } => "TokenExpiredError",
            Self::AgentRevoked { .. } => "AgentRevokedError",
            Self::InternalServer { .. } => "InternalServerError",
            Self::Network(_) => "NetworkError",
            Self::Timeout(_) => "TimeoutError",
            Self::Configuration { .. } => "ConfigurationError",
            Self::Json(_) => "JsonError",
            Self::InvalidResponse { .. } => "InvalidResponseError",
            Self::KeyNotFound { .. } => "KeyNotFoundError",
            Self::Api { .. } => "AgentTrustError",
        }
    }

    /// No key pair for `agent_id` in the key store.
    pub(crate) fn key_not_found(agent_id: &str) -> Self {
        let mut details = Map::new();
        details.insert("field".into(), Value::from("agent_id"));
        details.insert("agent_id".into(), Value::from(agent_id));
        let text = format!("no key pair for agent {agent_id:?} in the key store (create the agent with this client, or put its key pair in the client's key store)");
        let message = ErrorMessage {
            text: escape(&text),
            info: Box::new(Info {
                code: ErrorCode::ValidationError,
                status: None,
                details,
                request_id: None,
            }),
        };
        Self::KeyNotFound {
            message,
            agent_id: agent_id.to_owned(),
        }
    }

    /// A request that serde could not encode.
    pub(crate) fn json(op: &str, err: &serde_json::Error) -> Self {
        let message = ErrorMessage {
            text: escape(&format!("{op}: cannot encode the request: {err}")),
            info: Box::new(Info {
                code: ErrorCode::ValidationError,
                status: None,
                details: Map::new(),
                request_id: None,
            }),
        };
        Self::Json(JsonError { message })
    }

    fn message_ref(&self) -> &ErrorMessage {
        match self {
            Self::ActionDenied { message, .. }
            | Self::ElevationRequired { message, .. }
            | Self::GuardianUnavailable { message }
            | Self::Authentication { message, .. }
            | Self::Authorization { message, .. }
            | Self::Validation { message, .. }
            | Self::NotFound { message, .. }
            | Self::Conflict { message, .. }
            | Self::RateLimit { message, .. }
            | Self::TokenExpired { message, .. }
            | Self::AgentRevoked { message, .. }
            | Self::InternalServer { message, .. }
            | Self::InvalidResponse { message, .. }
            | Self::KeyNotFound { message, .. }
            | Self::Api { message, .. }
            | Self::Configuration { message }
            | Self::Network(NetworkError { message })
            | Self::Timeout(NetworkError { message })
            | Self::Json(JsonError { message }) => message,
        }
    }

    fn message_mut(&mut self) -> &mut ErrorMessage {
        match self {
            Self::ActionDenied { message, .. }
            | Self::ElevationRequired { message, .. }
            | Self::GuardianUnavailable { message }
            | Self::Authentication { message, .. }
            | Self::Authorization { message, .. }
            | Self::Validation { message, .. }
            | Self::NotFound { message, .. }
            | Self::Conflict { message, .. }
            | Self::RateLimit { message, .. }
            | Self::TokenExpired { message, .. }
            | Self::AgentRevoked { message, .. }
            | Self::InternalServer { message, .. }
            | Self::InvalidResponse { message, .. }
            | Self::KeyNotFound { message, .. }
            | Self::Api { message, .. }
            | Self::Configuration { message }
            | Self::Network(NetworkError { message })
            | Self::Timeout(NetworkError { message })
            | Self::Json(JsonError { message }) => message,
        }
    }

    /// The machine-readable error code.
    pub fn code(&self) -> &ErrorCode {
        &self.message_ref().info.code
    }

    /// The HTTP status of the gateway's answer, `None` when there was none.
    pub fn status(&self) -> Option<u16> {
        self.message_ref().info.status
    }

    /// Structured context, keys in wire form (`field`, `approval_id`, `rule`, `breaker`, ...).
    pub fn details(&self) -> &Map<String, Value> {
        &self.message_ref().info.details
    }

    /// The gateway's id for the request (`X-Request-Id`), when it answered.
    pub fn request_id(&self) -> Option<&str> {
        self.message_ref().info.request_id.as_deref()
    }

    /// The message, without code or status.
    pub fn message(&self) -> &str {
        &self.message_ref().text
    }

    /// Whether the failure may pass by itself (a retry later may succeed): a network failure, a
    /// 429 or 5xx, an unavailable Guardian, or `details()["retryable"]` true.
    pub fn is_retryable(&self) -> bool {
        if let Some(r) = self.details().get("retryable").and_then(Value::as_bool) {
            return r;
        }
        matches!(
            self,
            Self::Network(_)
                | Self::Timeout(_)
                | Self::GuardianUnavailable { .. }
                | Self::RateLimit { .. }
        ) || self.status().is_some_and(|s| s >= 500)
    }

    /// Replaces every occurrence of `secret` in the message (a gateway that echoes a header
    /// back must not leak the key).
    pub(crate) fn scrub(mut self, secret: &str) -> Self {
        if secret.len() >= 4 {
            let m = self.message_mut();
            if m.text.contains(secret) {
                m.text = m.text.replace(secret, "[redacted]");
            }
        }
        self
    }

    /// Adds or replaces one detail.
    pub(crate) fn with_detail(mut self, key: &str, value: Value) -> Self {
        self.message_mut()
            .info
            .details
            .insert(key.to_owned(), value);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_escaped_bounded_and_scrubbed() {
        let e = AgentTrustError::client(ErrorCode::InternalError, "a\nb\u{1b}[31m\u{2028}c");
        assert_eq!(e.message(), "a\\nb\\u001b[31m\\u2028c");
        let long = "x".repeat(5000);
        let e = AgentTrustError::client(ErrorCode::InternalError, &long);
        assert_eq!(e.message().chars().count(), MAX_MESSAGE_CHARS + 1);
        let bells = "\u{7}".repeat(5000);
        let e = AgentTrustError::client(ErrorCode::InternalError, &bells);
        assert_eq!(e.message().chars().count(), MAX_MESSAGE_CHARS / 6 * 6 + 1);
        assert!(e.message().starts_with("\\u0007\\u0007"));
        let e = AgentTrustError::client(ErrorCode::AuthFailed, "key sk_live_abc leaked")
            .scrub("sk_live_abc");
        assert_eq!(e.message(), "key [redacted] leaked");
        assert_eq!(e.to_string(), "AUTH_FAILED: key [redacted] leaked");
    }

    #[test]
    fn variants_follow_code_then_status() {
        let v = |code: &str, status| {
            AgentTrustError::build(ErrorCode::from(code), "m", status, Map::new(), None)
        };
        assert!(matches!(
            v("TOKEN_EXPIRED", Some(401)),
            AgentTrustError::TokenExpired { .. }
        ));
        assert!(matches!(
            v("AUTH_FAILED", Some(401)),
            AgentTrustError::Authentication { .. }
        ));
        assert!(matches!(
            v("CONFLICT", Some(409)),
            AgentTrustError::Conflict { .. }
        ));
        assert!(matches!(
            v("RATE_LIMITED", Some(429)),
            AgentTrustError::RateLimit { .. }
        ));
        assert!(matches!(
            v("INTERNAL_ERROR", Some(502)),
            AgentTrustError::InternalServer { .. }
        ));
        assert!(matches!(
            v("VALIDATION_ERROR", None),
            AgentTrustError::Validation { status: None, .. }
        ));
        assert!(matches!(
            v("APPROVAL_DENIED", None),
            AgentTrustError::Api { .. }
        ));
        // ELEVATION_REQUIRED without an approval id cannot be the guide's variant.
        assert!(matches!(
            v("ELEVATION_REQUIRED", Some(403)),
            AgentTrustError::Authorization { .. }
        ));
        assert!(matches!(v("TIMEOUT", None), AgentTrustError::Timeout(n) if n.is_timeout()));
        assert!(matches!(v("NETWORK_ERROR", None), AgentTrustError::Network(_)));
        let e = AgentTrustError::configuration("api_key", "no API key");
        assert!(matches!(e, AgentTrustError::Configuration { .. }));
        assert_eq!(e.code(), &ErrorCode::ValidationError);
        assert_eq!(e.details()["field"], "api_key");
        assert_eq!(e.class_name(), "ConfigurationError");
        let e = v("NOT_FOUND", Some(404)).with_detail("x", Value::from(1));
        assert_eq!(e.status(), Some(404));
        assert_eq!(e.details()["x"], 1);
    }
}

//! The HTTP core every generated method goes through: one `Call` per operation, sent with
//! retries (exponential backoff with jitter, `Retry-After` honoured up to a bound), one
//! `Idempotency-Key` per logical POST reused across its retries, a response size cap, no
//! redirects, and strict decoding of the answer into the spec's types.

use crate::logging::{event, Level};
use crate::{AgentTrustClient, AgentTrustError, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Read;
use std::time::{Duration, Instant, SystemTime};

/// The HTTP method of an operation (every method the spec's model allows, used or not).
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

/// The JSON-RPC id of a call: a fixed number, or the client's next id as a string.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RpcId {
    Number(i64),
    Counter,
}

/// How a call travels as JSON-RPC 2.0.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rpc {
    /// The method of the envelope; `None` when the body is the whole JSON-RPC request.
    pub method: Option<&'static str>,
    pub id: RpcId,
    /// Whether a JSON-RPC `error` member raises (else the whole answer is returned).
    pub raise: bool,
}

/// One HTTP call of a generated method.
#[derive(Debug)]
pub(crate) struct Call {
    pub id: &'static str,
    pub method: Method,
    /// Already expanded, path parameters escaped.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    pub auth: bool,
    /// Whether the call needs the key (`auth`, and no anonymous alternative in the spec).
    pub key_required: bool,
    pub service: Option<&'static str>,
    pub unwrap: Option<&'static str>,
    pub rpc: Option<Rpc>,
    /// The agent credentials each attempt carries (`Authorization` and a fresh `DPoP`).
    pub credentials: Option<crate::AgentCredentials>,
    /// Whether the answer's headers are kept (`client.with_raw_response()`).
    pub raw: bool,
}

/// The part of a successful answer a method returns, not yet decoded.
#[derive(Debug)]
pub(crate) struct Answer {
    pub op: &'static str,
    pub status: u16,
    pub request_id: Option<String>,
    /// Empty unless the call asked for them (`Call::raw`).
    pub headers: reqwest::header::HeaderMap,
    pub body: Body,
}

#[derive(Debug)]
pub(crate) enum Body {
    Bytes(Vec<u8>),
    Json(Value),
}

impl Answer {
    fn invalid(&self, what: &str) -> AgentTrustError {
        AgentTrustError::build(
            ErrorCode::InvalidResponse,
            &format!(
                "{}: the gateway's answer does not match the spec: {what}",
                self.op
            ),
            Some(self.status),
            Map::new(),
            self.request_id.clone(),
        )
    }

    /// Decodes the answer into `T` and checks the spec's ranges and object shapes.
    pub fn decode<T: DeserializeOwned + Serialize + crate::validate::Validate>(
        self,
    ) -> crate::Result<T> {
        let decoded = match &self.body {
            Body::Bytes(b) => serde_json::from_slice::<T>(b),
            Body::Json(v) => T::deserialize(v),
        };
        let value = decoded.map_err(|e| self.invalid(&e.to_string()))?;
        value.validate("$").map_err(|e| self.invalid(&e))?;
        // serde's derived structs also accept a JSON array (members by position): an object
        // the spec requires must have been an object on the wire.
        let raw = match &self.body {
            Body::Bytes(b) => serde_json::from_slice::<Value>(b).ok(),
            Body::Json(v) => Some(v.clone()),
        };
        let typed = serde_json::to_value(&value).ok();
        if let (Some(raw), Some(typed)) = (raw, typed) {
            if !objects_were_objects(&typed, &raw) {
                return Err(self.invalid("an array where the spec requires an object"));
            }
        }
        Ok(value)
    }

    /// An answer the method does not return (204, or `x-sdk-void`).
    pub fn empty(self) -> crate::Result<()> {
        Ok(())
    }

    /// The value `decode` makes of the answer, with the answer's status, headers and request id.
    pub fn finish<T>(
        mut self,
        decode: impl FnOnce(Self) -> crate::Result<T>,
    ) -> crate::Result<crate::RawResponse<T>> {
        let status = self.status;
        let request_id = self.request_id.clone();
        let headers = std::mem::take(&mut self.headers);
        Ok(crate::RawResponse {
            data: decode(self)?,
            status,
            headers: crate::raw::Headers(headers),
            request_id,
        })
    }

    /// The answer as JSON (for the cache).
    pub fn json(&self) -> Option<Value> {
        match &self.body {
            Body::Bytes(b) => serde_json::from_slice(b).ok(),
            Body::Json(v) => Some(v.clone()),
        }
    }
}

/// Whether every object of the decoded value (`typed`, re-encoded) was an object in `raw`.
fn objects_were_objects(typed: &Value, raw: &Value) -> bool {
    match (typed, raw) {
        (Value::Object(t), Value::Object(r)) => t
            .iter()
            .all(|(k, tv)| r.get(k).is_none_or(|rv| objects_were_objects(tv, rv))),
        (Value::Object(_), _) => false,
        (Value::Array(t), Value::Array(r)) => {
            t.iter().zip(r).all(|(tv, rv)| objects_were_objects(tv, rv))
        }
        _ => true,
    }
}

/// How deep a request body may nest (metadata included): deeper bodies are refused before
/// sending, as the other SDKs do, instead of the gateway's 500 or a serializer's stack overflow.
pub(crate) const MAX_BODY_DEPTH: usize = 128;

/// A VALIDATION_ERROR when `body` nests deeper than [`MAX_BODY_DEPTH`] (walked without recursion).
pub(crate) fn refuse_deep(op: &str, body: &Value) -> crate::Result<()> {
    let mut stack = vec![(body, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(a) => Box::new(a.iter()),
            Value::Object(m) => Box::new(m.values()),
            _ => continue,
        };
        if depth > MAX_BODY_DEPTH {
            return Err(AgentTrustError::validation(
                "body",
                &format!("{op}: the request nests deeper than {MAX_BODY_DEPTH} levels"),
            ));
        }
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    Ok(())
}

/// Encodes a value as JSON, or a VALIDATION_ERROR naming what failed.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> crate::Result<Value> {
    serde_json::to_value(value).map_err(|e| AgentTrustError::json("request", &e))
}

/// Encodes a request struct as a JSON object.
pub(crate) fn to_object<T: Serialize + ?Sized>(value: &T) -> crate::Result<Map<String, Value>> {
    match to_json(value)? {
        Value::Object(m) => Ok(m),
        _ => Err(AgentTrustError::client(
            ErrorCode::ValidationError,
            "the request body is not an object",
        )),
    }
}

/// The text of a query or header parameter.
pub(crate) fn text<T: std::fmt::Display + ?Sized>(value: &T) -> String {
    value.to_string()
}

/// Checks and percent-encodes a path parameter: an empty one, `.` or `..` would address another
/// endpoint, so they are refused before anything is sent.
pub(crate) fn path_param(op: &str, name: &str, value: &str) -> crate::Result<String> {
    if value.is_empty() {
        return Err(AgentTrustError::validation(
            name,
            &format!("{op}: {name} must not be empty"),
        ));
    }
    if value == "." || value == ".." {
        return Err(AgentTrustError::validation(
            name,
            &format!("{op}: {name} must not be {value:?} (a dot-segment would change the path)"),
        ));
    }
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}

/// Sets a fresh UUID at `path` (wire keys) in the body when the caller left it out.
pub(crate) fn fill_uuid(body: &mut Map<String, Value>, path: &[&str]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = body;
    for key in parents {
        match at.get_mut(*key) {
            Some(Value::Object(m)) => at = m,
            _ => return,
        }
    }
    if !at.contains_key(*last) {
        at.insert((*last).to_owned(), Value::from(new_uuid()));
    }
}

/// Builds a value from a spec shorthand template: every string `"{value}"` becomes `value`.
pub(crate) fn shorthand<T: DeserializeOwned>(template: &str, value: &str) -> T {
    fn fill(v: &mut Value, value: &str) {
        match v {
            Value::String(s) if s == "{value}" => *s = value.to_owned(),
            Value::Array(items) => items.iter_mut().for_each(|x| fill(x, value)),
            Value::Object(m) => m.values_mut().for_each(|x| fill(x, value)),
            _ => {}
        }
    }
    let mut t: Value =
        serde_json::from_str(template).expect("the spec's shorthand template is JSON");
    fill(&mut t, value);
    serde_json::from_value(t).expect("the spec's shorthand template decodes into its type")
}

/// A random (version 4) UUID.
pub(crate) fn new_uuid() -> String {
    let mut b = [0u8; 16];
    random_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn random_bytes(buf: &mut [u8]) {
    if getrandom::getrandom(buf).is_err() {
        // No OS randomness: the clock's nanoseconds still make keys distinct per call.
        let n = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        for (i, x) in buf.iter_mut().enumerate() {
            *x = (n >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(151);
        }
    }
}

/// A random number in [0, 1).
pub(crate) fn random_unit() -> f64 {
    let mut b = [0u8; 8];
    random_bytes(&mut b);
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// The wait before retry number `attempt + 1`: initial * 2^attempt, capped, less up to 25%.
pub(crate) fn backoff(attempt: u32, initial: Duration, max: Duration) -> Duration {
    let d = initial.as_secs_f64() * 2f64.powi(attempt.min(30) as i32);
    Duration::from_secs_f64(d.min(max.as_secs_f64()) * (1.0 - random_unit() * 0.25))
}

/// A `Retry-After` header: delta seconds (fractions allowed) or an HTTP date; `None` for garbage.
pub(crate) fn parse_retry_after(v: &str, now: SystemTime) -> Option<Duration> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    if let Ok(secs) = v.parse::<f64>() {
        if !secs.is_finite() || secs < 0.0 {
            return None;
        }
        return Some(Duration::from_secs_f64(
            secs.min(crate::facts::MAX_RETRY_AFTER.as_secs_f64()),
        ));
    }
    httpdate::parse_http_date(v)
        .ok()
        .map(|t| t.duration_since(now).unwrap_or_default())
}

/// What one attempt produced.
enum Outcome {
    Answer {
        status: u16,
        body: Vec<u8>,
        request_id: Option<String>,
        headers: reqwest::header::HeaderMap,
        retry_after: Option<Duration>,
    },
    Failed {
        error: AgentTrustError,
        retryable: bool,
    },
}

/// The error of a non-2xx answer: the message from the body's `message` (else `error`), the
/// code from its `code` when this SDK knows it (else from the status).
pub(crate) fn error_from_response(
    status: u16,
    body: &[u8],
    header_request_id: Option<String>,
) -> AgentTrustError {
    let mut code = None;
    let mut message = String::new();
    let mut details = Map::new();
    let mut request_id = header_request_id;
    if let Ok(Value::Object(env)) = serde_json::from_slice::<Value>(body) {
        if let Some(Value::String(c)) = env.get("code") {
            let c = ErrorCode::from(c.as_str());
            if c.is_known() {
                code = Some(c);
            }
        }
        match (env.get("message"), env.get("error")) {
            (Some(Value::String(m)), _) if !m.is_empty() => message = m.clone(),
            (_, Some(Value::String(m))) => message = m.clone(),
            _ => {}
        }
        if let Some(Value::Object(d)) = env.get("details") {
            details = d.clone();
        }
        if request_id.is_none() {
            if let Some(Value::String(r)) = env.get("request_id") {
                request_id = Some(r.clone());
            }
        }
    }
    let code = code.unwrap_or_else(|| crate::facts::code_for_status(status));
    if message.is_empty() {
        message = format!("gateway answered HTTP {status}");
    }
    AgentTrustError::build(code, &message, Some(status), details, request_id)
}

/// The path and query of a URL as a log line shows them (no scheme, host or credentials).
fn path_and_query(url: &reqwest::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// A value from the network as a log line shows it: control characters replaced, at most 100
/// characters.
fn printable(v: &str) -> String {
    v.chars()
        .take(100)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The ErrorCode of a JSON-RPC error code (when its data names none).
fn rpc_error_code(code: i64) -> ErrorCode {
    match code {
        -32700 | -32600 | -32602 => ErrorCode::ValidationError,
        -32001 | -32601 => ErrorCode::NotFound,
        -32002 => ErrorCode::Conflict,
        _ => ErrorCode::InternalError,
    }
}

impl AgentTrustClient {
    /// Sends `call` with retries; the successful answer's part the method returns.
    pub(crate) fn send(&self, call: Call) -> crate::Result<Answer> {
        let (method, path) = (call.method.as_str(), call.path.clone());
        let result = self.send_inner(call);
        if let Err(e) = &result {
            event!(
                self.inner.log,
                Error,
                "{method} {path} failed: {} {}{}{}",
                e.class_name(),
                e.code(),
                e.status()
                    .map_or(String::new(), |s| format!(" status={s}")),
                e.request_id()
                    .map_or(String::new(), |r| format!(" request_id={}", printable(r)))
            );
        }
        result
    }

    fn send_inner(&self, mut call: Call) -> crate::Result<Answer> {
        let inner = &self.inner;
        // An operation that needs the org key, called without one, is refused before sending.
        if call.key_required && inner.api_key.is_none() {
            return Err(AgentTrustError::configuration(
                "api_key",
                &format!(
                    "{}: no API key: pass api_key or set {}",
                    call.id,
                    crate::facts::ENV_API_KEY.join(" or ")
                ),
            ));
        }
        let method = call.method;
        let mut payload = call.body.take();
        if let Some(rpc) = call.rpc {
            let id = match rpc.id {
                RpcId::Number(n) => Value::from(n),
                RpcId::Counter => Value::from(self.next_rpc_id()),
            };
            payload = Some(match (rpc.method, payload) {
                (Some(m), params) => {
                    let mut env = Map::new();
                    env.insert("jsonrpc".into(), Value::from("2.0"));
                    env.insert("id".into(), id);
                    env.insert("method".into(), Value::from(m));
                    env.insert(
                        "params".into(),
                        params.unwrap_or_else(|| Value::Object(Map::new())),
                    );
                    Value::Object(env)
                }
                (None, Some(Value::Object(mut body))) => {
                    body.insert("jsonrpc".into(), Value::from("2.0"));
                    body.insert("id".into(), id);
                    Value::Object(body)
                }
                (None, other) => other.unwrap_or(Value::Null),
            });
        }
        if let Some(v) = &payload {
            refuse_deep(call.id, v)?;
        }
        let bytes = match &payload {
            Some(v) => Some(serde_json::to_vec(v).map_err(|e| AgentTrustError::json(call.id, &e))?),
            None => None,
        };
        let mut url =
            reqwest::Url::parse(&format!("{}{}", self.service_url(call.service), call.path))
                .map_err(|e| {
                    AgentTrustError::validation(
                        "base_url",
                        &format!("{}: the request URL is invalid: {e}", call.id),
                    )
                })?;
        if !call.query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in &call.query {
                q.append_pair(k, v);
            }
        }
        let idempotency_key = (method == Method::Post).then(new_uuid);
        let mut attempt = 0u32;
        let mut renewed = false;
        loop {
            let signed = match &call.credentials {
                Some(c) => Some(
                    c.headers_with_token(method.as_str(), url.as_str())
                        .map_err(|e| self.scrub(e))?,
                ),
                None => None,
            };
            let started = Instant::now();
            let outcome = self.attempt(
                &call,
                &url,
                bytes.as_deref(),
                idempotency_key.as_deref(),
                signed.as_ref().map(|(h, _)| h),
            );
            if inner.log.enabled(Level::Debug) {
                let (status, request_id) = match &outcome {
                    Outcome::Answer {
                        status, request_id, ..
                    } => (status.to_string(), request_id.as_deref()),
                    Outcome::Failed { error, .. } => (error.code().to_string(), None),
                };
                event!(
                    inner.log,
                    Debug,
                    "{} {} status={status} elapsed_ms={} attempt={}{}",
                    method.as_str(),
                    path_and_query(&url),
                    started.elapsed().as_millis(),
                    attempt + 1,
                    request_id.map_or(String::new(), |r| format!(" request_id={}", printable(r)))
                );
            }
            // A token revoked or expired early: drop it and send once more with a new one.
            if let (Outcome::Answer { status: 401, .. }, Some((_, token)), Some(c)) =
                (&outcome, &signed, &call.credentials)
            {
                if !renewed {
                    renewed = true;
                    c.invalidate_token(token);
                    continue;
                }
            }
            let (error, retryable, wait) = match outcome {
                Outcome::Answer {
                    status,
                    body,
                    request_id,
                    headers,
                    ..
                } if (200..300).contains(&status) => {
                    return self.answer(&call, status, body, request_id, headers);
                }
                Outcome::Answer {
                    status,
                    body,
                    request_id,
                    retry_after,
                    ..
                } => {
                    let error = error_from_response(status, &body, request_id);
                    (error, crate::facts::retryable_status(status), retry_after)
                }
                Outcome::Failed { error, retryable } => (error, retryable, None),
            };
            let error = match &signed {
                // A gateway that echoes a header must not leak the token or the proof.
                Some((h, token)) => self.scrub(error).scrub(token).scrub(&h.dpop),
                None => self.scrub(error),
            };
            if !retryable || attempt >= inner.max_retries {
                return Err(error);
            }
            let wait =
                wait.unwrap_or_else(|| backoff(attempt, inner.retry_initial, inner.retry_max));
            event!(
                inner.log,
                Info,
                "retrying {} {} in {} ms (retry {} of {}): {}{}",
                method.as_str(),
                url.path(),
                wait.as_millis(),
                attempt + 1,
                inner.max_retries,
                error.code(),
                error.status().map_or(String::new(), |s| format!(" (HTTP {s})"))
            );
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    fn attempt(
        &self,
        call: &Call,
        url: &reqwest::Url,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
        signed: Option<&crate::CredentialHeaders>,
    ) -> Outcome {
        let inner = &self.inner;
        let method = match call.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let started = Instant::now();
        let mut req = inner
            .http
            .request(method, url.clone())
            .timeout(inner.timeout);
        for (k, v) in &inner.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        req = req
            .header("Accept", "application/json")
            .header("User-Agent", inner.user_agent.as_str());
        if let Some(key) = idempotency_key {
            req = req.header("Idempotency-Key", key);
        }
        for (k, v) in &call.headers {
            req = req.header(*k, v.as_str());
        }
        if call.auth {
            if let Some(key) = &inner.api_key {
                req = req.header("X-API-Key", key.as_str());
            }
        }
        if let Some(h) = signed {
            req = req
                .header("Authorization", h.authorization.as_str())
                .header("DPoP", h.dpop.as_str());
        }
        req = match body {
            Some(b) => req
                .header("Content-Type", "application/json")
                .body(b.to_vec()),
            None if call.method != Method::Get => {
                req.header("Content-Length", "0").body(Vec::new())
            }
            None => req,
        };
        let resp = match req.send() {
            Ok(r) => r,
            Err(e) => return self.transport_failure(call, &e, started),
        };
        let status = resp.status().as_u16();
        let request_id = resp
            .headers()
            .get("X-Request-Id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if (300..400).contains(&status) {
            let host = resp
                .headers()
                .get("Location")
                .and_then(|v| v.to_str().ok())
                .and_then(|l| url.join(l).ok())
                .and_then(|u| {
                    u.host_str().map(|h| match u.port() {
                        Some(p) => format!("{h}:{p}"),
                        None => h.to_owned(),
                    })
                });
            let where_ = host
                .as_ref()
                .map_or("no Location".to_owned(), |h| format!("Location host {h:?}"));
            let mut e = AgentTrustError::build(
                ErrorCode::InvalidResponse,
                &format!(
                    "{}: the gateway answered with a redirect (HTTP {status}, {where_}), which is not followed",
                    call.id
                ),
                Some(status),
                Map::new(),
                request_id,
            );
            if let Some(h) = host {
                e = e.with_detail("location_host", Value::from(h));
            }
            return Outcome::Failed {
                error: e,
                retryable: false,
            };
        }
        let limit = inner.max_response_bytes;
        let too_large = |request_id: Option<String>| Outcome::Failed {
            error: AgentTrustError::build(
                ErrorCode::InvalidResponse,
                &format!("{}: the answer is larger than {limit} bytes", call.id),
                Some(status),
                Map::new(),
                request_id,
            ),
            retryable: false,
        };
        if resp.content_length().is_some_and(|n| n > limit) {
            return too_large(request_id);
        }
        let retry_after = if crate::facts::retryable_status(status) {
            resp.headers()
                .get("Retry-After")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now()))
                .map(|d| d.min(crate::facts::MAX_RETRY_AFTER))
        } else {
            None
        };
        let headers = if call.raw && (200..300).contains(&status) {
            resp.headers().clone()
        } else {
            reqwest::header::HeaderMap::new()
        };
        let mut data = Vec::new();
        match resp.take(limit + 1).read_to_end(&mut data) {
            Ok(n) if n as u64 > limit => too_large(request_id),
            Ok(_) => Outcome::Answer {
                status,
                body: data,
                request_id,
                headers,
                retry_after,
            },
            Err(e) => {
                let timed_out = started.elapsed() >= inner.timeout
                    || e.get_ref()
                        .and_then(|x| x.downcast_ref::<reqwest::Error>())
                        .is_some_and(reqwest::Error::is_timeout);
                self.network_failure(call, &e.to_string(), timed_out)
            }
        }
    }

    fn transport_failure(&self, call: &Call, e: &reqwest::Error, started: Instant) -> Outcome {
        let timed_out = e.is_timeout() || started.elapsed() >= self.inner.timeout;
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            msg = s.to_string();
            source = s.source();
        }
        self.network_failure(call, &msg, timed_out)
    }

    fn network_failure(&self, call: &Call, msg: &str, timed_out: bool) -> Outcome {
        let m = call.method.as_str();
        if timed_out {
            let error = AgentTrustError::client(
                ErrorCode::Timeout,
                &format!("{m} {} timed out after {:?}", call.path, self.inner.timeout),
            );
            return Outcome::Failed {
                error,
                retryable: false,
            };
        }
        let error = AgentTrustError::client(
            ErrorCode::NetworkError,
            &format!("{m} {} failed: {msg}", call.path),
        );
        Outcome::Failed {
            error,
            retryable: true,
        }
    }

    fn scrub(&self, e: AgentTrustError) -> AgentTrustError {
        match &self.inner.api_key {
            Some(k) => e.scrub(k),
            None => e,
        }
    }

    /// The part of a 2xx body the method returns: the JSON-RPC result, then the unwrap member
    /// when the body is an object that has it (else the body itself).
    fn answer(
        &self,
        call: &Call,
        status: u16,
        body: Vec<u8>,
        request_id: Option<String>,
        headers: reqwest::header::HeaderMap,
    ) -> crate::Result<Answer> {
        let mut answer = Answer {
            op: call.id,
            status,
            request_id,
            headers,
            body: Body::Bytes(body),
        };
        if call.rpc.is_none() && call.unwrap.is_none() {
            return Ok(answer);
        }
        let Body::Bytes(bytes) = &answer.body else {
            return Ok(answer);
        };
        let value: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) if call.rpc.is_some() => {
                return Err(self.scrub(AgentTrustError::build(
                    ErrorCode::InvalidResponse,
                    &format!(
                        "{}: the gateway's answer is not a JSON-RPC response: {e}",
                        call.id
                    ),
                    Some(status),
                    Map::new(),
                    answer.request_id.clone(),
                )))
            }
            Err(_) => return Ok(answer),
        };
        let mut value = value;
        if let Some(rpc) = call.rpc {
            if rpc.method.is_some() || rpc.raise {
                let Value::Object(mut env) = value else {
                    return Err(answer.invalid("the JSON-RPC response is not an object"));
                };
                match (env.remove("error"), env.remove("result")) {
                    (Some(Value::Object(err)), _) if rpc.raise => {
                        return Err(self.scrub(rpc_error(status, &answer, err)))
                    }
                    (_, Some(result)) if !result.is_null() => value = result,
                    _ if rpc.raise => {
                        return Err(
                            answer.invalid("the JSON-RPC response has neither result nor error")
                        )
                    }
                    _ => value = Value::Object(env),
                }
            }
        }
        if let Some(member) = call.unwrap {
            if let Value::Object(m) = &mut value {
                if let Some(v) = m.remove(member) {
                    value = v;
                }
            }
        }
        answer.body = Body::Json(value);
        Ok(answer)
    }
}

fn rpc_error(status: u16, answer: &Answer, err: Map<String, Value>) -> AgentTrustError {
    let rpc_code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
    let mut code = rpc_error_code(rpc_code);
    let data = err.get("data").cloned();
    if let Some(Value::String(c)) = data.as_ref().and_then(|d| d.get("code")) {
        let c = ErrorCode::from(c.as_str());
        if c.is_known() {
            code = c;
        }
    }
    let message = err
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("JSON-RPC error");
    let mut details = Map::new();
    details.insert("rpc_code".into(), Value::from(rpc_code));
    if let Some(d) = data {
        details.insert("data".into(), d);
    }
    AgentTrustError::build(
        code,
        message,
        Some(status),
        details,
        answer.request_id.clone(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn retry_after_reads_seconds_and_dates_and_refuses_garbage() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after(" 0.5 ", now),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            parse_retry_after("3600", now),
            Some(crate::facts::MAX_RETRY_AFTER)
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(5));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(5)));
        for garbage in ["", "soon", "-1", "NaN", "inf"] {
            assert_eq!(parse_retry_after(garbage, now), None, "{garbage:?}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let (initial, max) = (Duration::from_millis(500), Duration::from_secs(8));
        for attempt in 0..8 {
            let want = (0.5 * 2f64.powi(attempt)).min(8.0);
            let got = backoff(attempt as u32, initial, max).as_secs_f64();
            assert!(
                got <= want && got >= want * 0.75,
                "attempt {attempt}: {got}"
            );
        }
    }

    #[test]
    fn path_params_are_escaped_or_refused() {
        assert_eq!(path_param("op", "id", "agt_1").unwrap(), "agt_1");
        assert_eq!(path_param("op", "id", "a/b?c d").unwrap(), "a%2Fb%3Fc%20d");
        assert_eq!(path_param("op", "id", "é").unwrap(), "%C3%A9");
        for bad in ["", ".", ".."] {
            let e = path_param("op", "id", bad).unwrap_err();
            assert_eq!(e.code(), &ErrorCode::ValidationError);
            assert_eq!(e.status(), None);
        }
    }

    #[test]
    fn error_bodies_give_typed_errors() {
        let e = error_from_response(
            404,
            br#"{"code":"NOT_FOUND","message":"no agent","details":{"resource":"agent"}}"#,
            None,
        );
        assert!(matches!(
            e,
            AgentTrustError::NotFound {
                status: Some(404),
                ..
            }
        ));
        assert_eq!(e.details()["resource"], "agent");
        let e = error_from_response(418, b"<html>teapot</html>", Some("req_1".into()));
        assert_eq!(e.code(), &ErrorCode::InvalidResponse);
        assert_eq!(e.request_id(), Some("req_1"));
        let e = error_from_response(503, br#"{"code":"SOMETHING_NEW"}"#, None);
        assert_eq!(e.code(), &ErrorCode::GuardianUnavailable);
        let e = error_from_response(403, br#"{"code":"AGENT_REVOKED","error":"revoked"}"#, None);
        assert!(matches!(e, AgentTrustError::AgentRevoked { .. }));
        assert_eq!(e.message(), "revoked");
    }

    #[test]
    fn bodies_deeper_than_the_limit_are_refused() {
        let nest = |levels: usize| {
            (1..levels).fold(json!({}), |inner, _| json!({ "k": inner }))
        };
        assert!(refuse_deep("op", &nest(MAX_BODY_DEPTH)).is_ok());
        let e = refuse_deep("op", &nest(MAX_BODY_DEPTH + 1)).unwrap_err();
        assert_eq!(e.code(), &ErrorCode::ValidationError);
        assert!(e.to_string().contains("deeper than 128"), "{e}");
    }

    #[test]
    fn uuids_are_version_4() {
        let u = new_uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_ne!(u, new_uuid());
    }
}

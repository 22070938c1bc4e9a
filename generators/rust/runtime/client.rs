//! `AgentTrustClient`: the blocking client, built from options or the environment. Cheap to
//! clone (one shared connection pool), `Send + Sync`.

use crate::cache::Cache;
use crate::facts;
use crate::AgentTrustError;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

/// The default bound on an answer's size; a larger answer is an `INVALID_RESPONSE`.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 << 20;

/// The client of the AgentTrust ID gateway. Every operation of the spec is a method of a
/// resource (`client.agents().create(..)`) or of the client itself (`client.health()`); each
/// blocks until the answer (or the last retry) is in.
///
/// Do not call it from inside an async runtime's worker thread (the blocking HTTP stack refuses
/// that); use `AsyncAgentTrustClient` (feature `async`) or `spawn_blocking` there.
#[derive(Clone)]
pub struct AgentTrustClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub base_url: String,
    pub service_urls: BTreeMap<&'static str, String>,
    pub api_key: Option<String>,
    pub http: reqwest::blocking::Client,
    pub timeout: Duration,
    pub max_retries: u32,
    pub retry_initial: Duration,
    pub retry_max: Duration,
    pub max_response_bytes: u64,
    pub headers: Vec<(String, String)>,
    pub user_agent: String,
    pub rpc_counter: AtomicU64,
    pub cache: Cache,
    pub key_store: Arc<dyn crate::KeyStore>,
    pub log: crate::logging::Logger,
}

impl std::fmt::Debug for AgentTrustClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentTrustClient")
            .field("base_url", &self.inner.base_url)
            .field(
                "api_key",
                &self.inner.api_key.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

/// Options of a new [`AgentTrustClient`]; `build()` checks them.
#[derive(Clone, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    service_urls: BTreeMap<String, String>,
    api_key: Option<String>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    retry_delay: Option<(Duration, Duration)>,
    max_response_bytes: Option<u64>,
    headers: Vec<(String, String)>,
    key_store: Option<Arc<dyn crate::KeyStore>>,
    require_key: bool,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

fn first_env(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
}

impl ClientBuilder {
    /// The gateway's base URL. Unset: `AGENTTRUST_URL`, else `AGENTTRUST_BASE_URL`, else
    /// `facts::DEFAULT_BASE_URL` (`http://localhost:8080`); a variable set to "" counts as unset.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The organization API key, sent in `X-API-Key`. Unset: `AGENTTRUST_API_KEY`, else none
    /// (public operations work without one; the others fail with
    /// [`AgentTrustError::Configuration`] before sending). An empty key is a configuration
    /// error of `build()`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The base URL of a service of a split deployment (`auth`, `audit`).
    pub fn service_url(mut self, service: &str, url: impl Into<String>) -> Self {
        self.service_urls.insert(service.to_owned(), url.into());
        self
    }

    /// The bound of each attempt, the answer's body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a failed request is retried (default 2; 0 turns retries off).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }

    /// The first backoff delay and the longest one (defaults from the spec's facts).
    pub fn retry_delay(mut self, initial: Duration, max: Duration) -> Self {
        self.retry_delay = Some((initial, max));
        self
    }

    /// The most bytes of an answer read (default 32 MiB).
    pub fn max_response_bytes(mut self, n: u64) -> Self {
        self.max_response_bytes = Some(n);
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Where the client keeps agents' key pairs: those `agents().create` generates, and those
    /// proofs are signed with (default: a new `MemoryKeyStore`).
    pub fn key_store(mut self, store: Arc<dyn crate::KeyStore>) -> Self {
        self.key_store = Some(store);
        self
    }

    /// Requires an API key: `build()` fails with [`AgentTrustError::Configuration`] (naming
    /// `AGENTTRUST_API_KEY`) when neither `api_key` nor the environment gives one. The
    /// environment fills every unset option in `build()` in any case (`AGENTTRUST_URL`, then
    /// `AGENTTRUST_BASE_URL`, `AGENTTRUST_API_KEY`, the services' variables).
    pub fn from_env(mut self) -> Self {
        self.require_key = true;
        self
    }

    /// The options the caller left unset, from the environment.
    fn fill_from_env(&mut self) {
        if self.base_url.is_none() {
            self.base_url = first_env(facts::ENV_BASE_URL);
        }
        if self.api_key.is_none() {
            self.api_key = first_env(facts::ENV_API_KEY);
        }
        for s in facts::SERVICES {
            if !self.service_urls.contains_key(s.name) {
                if let Some(url) = first_env(s.env) {
                    self.service_urls.insert(s.name.to_owned(), url);
                }
            }
        }
    }

    /// Builds the client, filling unset options from the environment; an invalid option is an
    /// [`AgentTrustError::Configuration`] (`VALIDATION_ERROR`) naming it.
    pub fn build(mut self) -> crate::Result<AgentTrustClient> {
        if self.api_key.as_deref() == Some("") {
            return Err(AgentTrustError::configuration(
                "api_key",
                "the API key is empty: pass a key, or none to use AGENTTRUST_API_KEY",
            ));
        }
        self.fill_from_env();
        if self.require_key && self.api_key.is_none() {
            return Err(AgentTrustError::configuration(
                "api_key",
                &format!(
                    "no API key: pass api_key or set {}",
                    facts::ENV_API_KEY.join(" or ")
                ),
            ));
        }
        static RING: Once = Once::new();
        // reqwest is built without a default crypto provider (ring instead of aws-lc-rs).
        RING.call_once(|| {
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let base_url = normalize(
            self.base_url.as_deref().unwrap_or(facts::DEFAULT_BASE_URL),
            "base_url",
        )?;
        let mut service_urls = BTreeMap::new();
        for s in facts::SERVICES {
            let url = match self.service_urls.get(s.name) {
                Some(u) => normalize(u, s.name)?,
                None => match s.derive {
                    Some((from, to)) if base_url.contains(from) => base_url.replacen(from, to, 1),
                    _ => base_url.clone(),
                },
            };
            service_urls.insert(s.name, url);
        }
        // A key reqwest cannot send as a header would fail every call as a network error;
        // the message never shows the key.
        if self
            .api_key
            .as_deref()
            .is_some_and(|k| !k.bytes().all(|b| (0x20..0x7f).contains(&b)))
        {
            return Err(AgentTrustError::configuration(
                "api_key",
                "the API key must be printable ASCII (no control characters or line breaks)",
            ));
        }
        let timeout = self.timeout.unwrap_or(facts::DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(AgentTrustError::configuration(
                "timeout",
                "the timeout must be positive",
            ));
        }
        let (retry_initial, retry_max) = self
            .retry_delay
            .unwrap_or((facts::INITIAL_RETRY_DELAY, facts::MAX_RETRY_DELAY));
        let http = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| {
                AgentTrustError::configuration("http", &format!("cannot build the HTTP client: {e}"))
            })?;
        Ok(AgentTrustClient {
            inner: Arc::new(Inner {
                base_url,
                service_urls,
                api_key: self.api_key.filter(|k| !k.is_empty()),
                http,
                timeout,
                max_retries: self.max_retries.unwrap_or(facts::DEFAULT_MAX_RETRIES),
                retry_initial,
                retry_max,
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                headers: self.headers,
                user_agent: format!(
                    "agenttrustid-sdk-rust/{} (spec {})",
                    env!("CARGO_PKG_VERSION"),
                    crate::SPEC_VERSION
                ),
                rpc_counter: AtomicU64::new(0),
                cache: Cache::default(),
                key_store: self
                    .key_store
                    .unwrap_or_else(|| Arc::new(crate::MemoryKeyStore::new())),
                log: crate::logging::Logger {
                    level: crate::logging::level_from_env(),
                },
            }),
        })
    }
}

fn normalize(url: &str, field: &str) -> crate::Result<String> {
    let trimmed = url.trim_end_matches('/');
    match reqwest::Url::parse(trimmed) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Ok(trimmed.to_owned()),
        _ => Err(AgentTrustError::configuration(
            field,
            &format!("{field} must be an http(s) URL"),
        )),
    }
}

impl AgentTrustClient {
    /// A builder with the SDK's defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `AGENTTRUST_URL` (else `AGENTTRUST_BASE_URL`,
    /// else `http://localhost:8080`) and `AGENTTRUST_API_KEY`, which is required: without it
    /// this is an [`AgentTrustError::Configuration`] naming the variable.
    pub fn from_env() -> crate::Result<Self> {
        ClientBuilder::default().from_env().build()
    }

    /// A client configured from a JSON file with the keys `base_url`, `auth_url`, `audit_url`
    /// and `api_key` (each optional); the environment fills what the file leaves out.
    pub fn from_config(path: impl AsRef<std::path::Path>) -> crate::Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            AgentTrustError::configuration("path", &format!("cannot read {}: {e}", path.display()))
        })?;
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).map_err(|e| {
                AgentTrustError::configuration(
                    "path",
                    &format!("{} is not a JSON object: {e}", path.display()),
                )
            })?;
        let mut b = ClientBuilder::default();
        for key in facts::CONFIG_FILE_KEYS {
            let Some(v) = map.get(*key).and_then(|v| v.as_str()) else {
                continue;
            };
            b = match *key {
                "base_url" => b.base_url(v),
                "api_key" => b.api_key(v),
                k => b.service_url(k.trim_end_matches("_url"), v),
            };
        }
        b.build()
    }

    /// The gateway's base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    pub(crate) fn service_url(&self, service: Option<&str>) -> &str {
        service
            .and_then(|s| self.inner.service_urls.get(s))
            .unwrap_or(&self.inner.base_url)
    }

    pub(crate) fn next_rpc_id(&self) -> String {
        (self.inner.rpc_counter.fetch_add(1, Ordering::Relaxed) + 1).to_string()
    }
}

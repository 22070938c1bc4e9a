//! Agent identity (issue 12): Ed25519 agent keys and the stores that keep them, proofs of
//! possession for WIMSE tokens, DPoP proofs (RFC 9449) and `AgentCredentials`, which sign an
//! agent's checks for a gateway that requires sender-constrained tokens.
//!
//! `ring` (already the TLS provider) does the key generation, signing and hashing; a proof is a
//! compact JWS (b64url(header) "." b64url(payload) "." b64url(signature)), so the SDK only lays
//! out its JSON and needs no JOSE crate.

use crate::facts;
use crate::{AgentTrustClient, AgentTrustError, ErrorCode, IssueWimseTokenRequest, PopProof};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::signature::{Ed25519KeyPair, KeyPair};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The DER of an Ed25519 SPKI public key before its 32 raw bytes (RFC 8410).
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
/// The DER of an Ed25519 PKCS#8 v1 private key before its 32-byte seed (RFC 8410).
const PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn unpem(label: &str, text: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    let b64: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD.decode(b64).ok()
}

fn invalid_key(text: &str) -> AgentTrustError {
    AgentTrustError::validation("private_key", text)
}

struct KeyInner {
    pair: Ed25519KeyPair,
    /// The PKCS#8 v1 DER of the private key: the only copy of the secret outside `ring`.
    pkcs8: Vec<u8>,
}

/// An agent's Ed25519 identity key. The public half is registered with the gateway as an SPKI
/// PEM; the private half signs proofs and is never sent. `Debug` and `Display` show the public
/// key's thumbprint and `[redacted]`; the type has no `Serialize`. Cheap to clone.
#[derive(Clone)]
pub struct AgentKeyPair {
    inner: Arc<KeyInner>,
}

impl AgentKeyPair {
    /// A new key pair from the operating system's randomness.
    pub fn generate() -> crate::Result<Self> {
        let rng = ring::rand::SystemRandom::new();
        let doc = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| {
            AgentTrustError::client(
                ErrorCode::InternalError,
                "cannot generate an Ed25519 key pair",
            )
        })?;
        Self::from_pkcs8_der(doc.as_ref())
    }

    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`). The error never quotes
    /// the input.
    pub fn from_pkcs8_pem(pem_text: &str) -> crate::Result<Self> {
        let der = unpem("PRIVATE KEY", pem_text).ok_or_else(|| {
            invalid_key("not a PKCS#8 PEM private key (want a PRIVATE KEY block)")
        })?;
        Self::from_pkcs8_der(&der)
    }

    fn from_pkcs8_der(der: &[u8]) -> crate::Result<Self> {
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
            .map_err(|_| invalid_key("the PRIVATE KEY block is not an Ed25519 PKCS#8 key"))?;
        // v1 (RFC 8410) and v2 (with the public key, as ring generates it) both hold the seed
        // at the same place after the same algorithm identifier; ring checked the structure.
        if der.len() < 48 || der[5..16] != PKCS8_PREFIX[5..16] {
            return Err(invalid_key(
                "the PRIVATE KEY block is not an Ed25519 PKCS#8 key",
            ));
        }
        let mut pkcs8 = PKCS8_PREFIX.to_vec();
        pkcs8.extend_from_slice(&der[16..48]);
        Ok(Self {
            inner: Arc::new(KeyInner { pair, pkcs8 }),
        })
    }

    /// The raw 32-byte public key.
    pub fn public_key(&self) -> &[u8] {
        self.inner.pair.public_key().as_ref()
    }

    /// The public half as an SPKI PEM, the form `agents().create` sends.
    pub fn public_key_pem(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(self.public_key());
        pem("PUBLIC KEY", &der)
    }

    /// The private half as a PKCS#8 PEM, for a key store to persist: the only way the private
    /// key leaves a key pair. Keep what it returns out of logs.
    pub fn private_key_pem(&self) -> String {
        pem("PRIVATE KEY", &self.inner.pkcs8)
    }

    /// Signs `message` (Ed25519, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.inner.pair.sign(message).as_ref().to_vec()
    }

    /// The RFC 7638 JWK thumbprint of the public key, the `cnf.jkt` a key-bound token carries.
    pub fn thumbprint(&self) -> String {
        let jwk = format!(
            r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
            b64url(self.public_key())
        );
        b64url(ring::digest::digest(&ring::digest::SHA256, jwk.as_bytes()).as_ref())
    }
}

impl fmt::Debug for AgentKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentKeyPair")
            .field("thumbprint", &self.thumbprint())
            .field("private_key", &"[redacted]")
            .finish()
    }
}

impl fmt::Display for AgentKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AgentKeyPair({}, [redacted])", self.thumbprint())
    }
}

impl PartialEq for AgentKeyPair {
    fn eq(&self, other: &Self) -> bool {
        self.public_key() == other.public_key()
    }
}

/// Where agents' key pairs live, by agent id. The client keeps the pairs `agents().create`
/// generates in its store (`ClientBuilder::key_store`, default a [`MemoryKeyStore`]), and
/// proofs are signed with the pair found there.
pub trait KeyStore: Send + Sync {
    /// The agent's key pair, `None` when the store has none.
    fn get(&self, agent_id: &str) -> crate::Result<Option<AgentKeyPair>>;
    /// Keeps the agent's key pair, replacing any earlier one.
    fn put(&self, agent_id: &str, pair: &AgentKeyPair) -> crate::Result<()>;
    /// Forgets the agent's key pair (nothing happens when there is none).
    fn delete(&self, agent_id: &str) -> crate::Result<()>;
}

/// A key store in memory: the client's default. Its pairs live as long as the store.
#[derive(Default)]
pub struct MemoryKeyStore {
    pairs: Mutex<HashMap<String, AgentKeyPair>>,
}

impl MemoryKeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl fmt::Debug for MemoryKeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryKeyStore")
            .field("agents", &lock(&self.pairs).len())
            .finish()
    }
}

impl KeyStore for MemoryKeyStore {
    fn get(&self, agent_id: &str) -> crate::Result<Option<AgentKeyPair>> {
        Ok(lock(&self.pairs).get(agent_id).cloned())
    }

    fn put(&self, agent_id: &str, pair: &AgentKeyPair) -> crate::Result<()> {
        lock(&self.pairs).insert(agent_id.to_owned(), pair.clone());
        Ok(())
    }

    fn delete(&self, agent_id: &str) -> crate::Result<()> {
        lock(&self.pairs).remove(agent_id);
        Ok(())
    }
}

/// A key store on disk, for servers and CI: one PKCS#8 PEM per agent (`<agent id>.pem`), the
/// directory mode 0700, each file mode 0600 and written atomically (a temporary file renamed
/// into place). Agent ids that are not plain file names are refused.
#[derive(Debug, Clone)]
pub struct FileKeyStore {
    dir: PathBuf,
}

fn store_error(what: &str, err: &std::io::Error) -> AgentTrustError {
    AgentTrustError::client(
        ErrorCode::InternalError,
        &format!("FileKeyStore: {what}: {err}"),
    )
}

impl FileKeyStore {
    /// A store in `dir`, created (mode 0700) when missing.
    pub fn new(dir: impl AsRef<Path>) -> crate::Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&dir)
            .map_err(|e| store_error(&format!("cannot create {}", dir.display()), &e))?;
        Ok(Self { dir })
    }

    /// The directory of the store.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, agent_id: &str) -> crate::Result<PathBuf> {
        let safe = !agent_id.is_empty()
            && agent_id.len() <= 128
            && !agent_id.starts_with('.')
            && agent_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !safe {
            return Err(AgentTrustError::validation(
                "agent_id",
                &format!("FileKeyStore: agent id {agent_id:?} is not a safe file name (letters, digits, '.', '_', '-'; not starting with '.'; at most 128)"),
            ));
        }
        Ok(self.dir.join(format!("{agent_id}.pem")))
    }
}

impl KeyStore for FileKeyStore {
    fn get(&self, agent_id: &str) -> crate::Result<Option<AgentKeyPair>> {
        let path = self.path(agent_id)?;
        match std::fs::read_to_string(&path) {
            Ok(text) => AgentKeyPair::from_pkcs8_pem(&text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(store_error(&format!("cannot read {}", path.display()), &e)),
        }
    }

    fn put(&self, agent_id: &str, pair: &AgentKeyPair) -> crate::Result<()> {
        use std::io::Write;
        let path = self.path(agent_id)?;
        let tmp = self
            .dir
            .join(format!(".{agent_id}.{}.tmp", crate::transport::new_uuid()));
        let write = || -> std::io::Result<()> {
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut file = opts.open(&tmp)?;
            file.write_all(pair.private_key_pem().as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            store_error(&format!("cannot write {}", path.display()), &e)
        })
    }

    fn delete(&self, agent_id: &str) -> crate::Result<()> {
        let path = self.path(agent_id)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(store_error(
                &format!("cannot delete {}", path.display()),
                &e,
            )),
        }
    }
}

/// The agent's key pair from `store`, or `AgentTrustError::KeyNotFound`.
pub(crate) fn load_key(store: &dyn KeyStore, agent_id: &str) -> crate::Result<AgentKeyPair> {
    store
        .get(agent_id)?
        .ok_or_else(|| AgentTrustError::key_not_found(agent_id))
}

/// The optional fields of a proof-of-possession token request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProofParams {
    /// Who the token is for; part of the signed message (joined by ",").
    pub audience: Option<Vec<String>>,
    /// The token's lifetime; `None` leaves it to the gateway.
    pub ttl_seconds: Option<i64>,
    /// The workload's service name.
    pub service_name: Option<String>,
    /// The workload's environment.
    pub environment: Option<String>,
}

/// Signs the proof-of-possession message of a challenge nonce (the spec's `POP_MESSAGE` with
/// `{nonce}`, `{agent_id}`, `{audience}` joined by "," and `{ts}` in Unix seconds), returning
/// the signature as base64url without padding, the form the gateway takes.
pub fn sign_proof_of_possession(
    pair: &AgentKeyPair,
    nonce: &str,
    agent_id: &str,
    audience: &[String],
    ts: i64,
) -> String {
    b64url(&pair.sign(pop_message(nonce, agent_id, audience, ts).as_bytes()))
}

fn pop_message(nonce: &str, agent_id: &str, audience: &[String], ts: i64) -> String {
    // One pass over the template: a value containing "{ts}" is not replaced again.
    let mut out = String::new();
    let mut rest = facts::POP_MESSAGE;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let (value, len) = if after.starts_with("{nonce}") {
            (nonce.to_owned(), 7)
        } else if after.starts_with("{agent_id}") {
            (agent_id.to_owned(), 10)
        } else if after.starts_with("{audience}") {
            (audience.join(","), 10)
        } else if after.starts_with("{ts}") {
            (ts.to_string(), 4)
        } else {
            ("{".to_owned(), 1)
        };
        out.push_str(&value);
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl crate::Wimse<'_> {
    /// Gets a WIMSE token bound to the agent's key: asks for a challenge nonce, signs it with
    /// the agent's key pair from the client's key store, and sends the proof with
    /// `issue_token`. An agent without a key pair in the store is `AgentTrustError::KeyNotFound`.
    pub fn issue_token_with_proof(
        &self,
        agent_id: &str,
        params: &ProofParams,
    ) -> crate::Result<crate::WimseToken> {
        crate::transport::path_param("issueWimseToken", "agent_id", agent_id)?;
        let pair = load_key(self.client.key_store().as_ref(), agent_id)?;
        issue_with_proof(self.client, &pair, agent_id, params)
    }
}

fn issue_with_proof(
    client: &AgentTrustClient,
    pair: &AgentKeyPair,
    agent_id: &str,
    params: &ProofParams,
) -> crate::Result<crate::WimseToken> {
    // A fresh resource: without credentials, whatever the caller's calls carry.
    let wimse = client.wimse();
    let challenge = wimse.challenge(agent_id)?;
    let ts = unix_now();
    let audience = params.audience.clone().unwrap_or_default();
    let signature = sign_proof_of_possession(pair, &challenge.nonce, agent_id, &audience, ts);
    wimse.issue_token(&IssueWimseTokenRequest {
        agent_id: agent_id.to_owned(),
        service_name: params.service_name.clone(),
        environment: params.environment.clone(),
        ttl_seconds: params.ttl_seconds,
        audience: params.audience.clone(),
        proof: Some(PopProof {
            nonce: challenge.nonce,
            ts,
            signature,
        }),
    })
}

#[derive(serde::Serialize)]
struct Jwk<'a> {
    kty: &'a str,
    crv: &'a str,
    x: String,
}

#[derive(serde::Serialize)]
struct DpopHeader<'a> {
    typ: &'a str,
    alg: &'a str,
    jwk: Jwk<'a>,
}

#[derive(serde::Serialize)]
struct DpopClaims<'a> {
    htm: &'a str,
    htu: &'a str,
    iat: i64,
    jti: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ath: Option<String>,
}

/// `htu` as a proof carries it: the absolute http(s) URL without query and fragment.
fn dpop_target(htu: &str) -> crate::Result<String> {
    match reqwest::Url::parse(htu) {
        Ok(mut u) if (u.scheme() == "http" || u.scheme() == "https") && u.has_host() => {
            u.set_query(None);
            u.set_fragment(None);
            Ok(u.to_string())
        }
        _ => Err(AgentTrustError::validation(
            "htu",
            &format!("DPoP: htu {htu:?} is not an absolute http(s) URL"),
        )),
    }
}

/// A proof's unique id: a random (version 4) UUID.
fn new_jti() -> String {
    crate::transport::new_uuid()
}

fn sign_dpop(
    pair: &AgentKeyPair,
    htm: &str,
    htu: &str,
    access_token: Option<&str>,
    iat: i64,
    jti: &str,
) -> String {
    let header = DpopHeader {
        typ: facts::DPOP_TYP,
        alg: facts::DPOP_ALG,
        jwk: Jwk {
            kty: "OKP",
            crv: "Ed25519",
            x: b64url(pair.public_key()),
        },
    };
    let claims = DpopClaims {
        htm,
        htu,
        iat,
        jti,
        ath: access_token
            .map(|t| b64url(ring::digest::digest(&ring::digest::SHA256, t.as_bytes()).as_ref())),
    };
    let input = format!("{}.{}", json_b64(&header), json_b64(&claims));
    let sig = b64url(&pair.sign(input.as_bytes()));
    format!("{input}.{sig}")
}

/// A proof part: its JSON (structs of strings and numbers, which cannot fail to encode) in b64url.
fn json_b64<T: serde::Serialize>(value: &T) -> String {
    b64url(&serde_json::to_vec(value).unwrap_or_default())
}

/// Makes a DPoP proof (RFC 9449) for one request: a JWS of type `dpop+jwt` signed with the
/// agent's key, whose header carries the public key as a JWK and whose payload binds the method
/// (`htm`), the URL without query and fragment (`htu`), the time (`iat`), a random `jti` and,
/// with an access token, its hash (`ath`). Each request needs a fresh proof: the gateway refuses
/// a replayed `jti`.
pub fn mint_dpop_proof(
    pair: &AgentKeyPair,
    htm: &str,
    htu: &str,
    access_token: Option<&str>,
) -> crate::Result<String> {
    if htm.is_empty() {
        return Err(AgentTrustError::validation("htm", "DPoP: empty method"));
    }
    let target = dpop_target(htu)?;
    Ok(sign_dpop(
        pair,
        htm,
        &target,
        access_token,
        unix_now(),
        &new_jti(),
    ))
}

/// The headers of one request made with [`AgentCredentials`]. `Debug` masks both values.
#[derive(Clone, PartialEq)]
pub struct CredentialHeaders {
    /// `Bearer <WIMSE token>`, for `Authorization`.
    pub authorization: String,
    /// The DPoP proof, for `DPoP`.
    pub dpop: String,
}

impl fmt::Debug for CredentialHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialHeaders")
            .field("authorization", &"[redacted]")
            .field("dpop", &"[redacted]")
            .finish()
    }
}

#[derive(Default)]
struct Cached {
    token: Option<(String, AgentKeyPair)>,
    renew_at: Option<SystemTime>,
}

struct CredsInner {
    client: AgentTrustClient,
    agent_id: String,
    params: ProofParams,
    store: Option<Arc<dyn KeyStore>>,
    cached: Mutex<Cached>,
    /// Held by the one caller that renews the token; the others wait on it, then use its token.
    renewing: Mutex<()>,
}

/// An agent's credentials for a gateway that requires sender-constrained tokens: each request
/// gets `Authorization: Bearer <WIMSE token>` and a fresh DPoP proof bound to it. The token is
/// obtained with a proof of possession (`wimse().issue_token_with_proof`), cached, and renewed
/// shortly before it expires; concurrent callers share one renewal. Give them to a guard
/// (`GuardBuilder::credentials`) or to one resource's calls
/// (`client.actions().with_credentials(&creds).check(..)`). Cheap to clone (clones share the
/// token); `Debug` never shows the token or the key.
#[derive(Clone)]
pub struct AgentCredentials {
    inner: Arc<CredsInner>,
}

impl fmt::Debug for AgentCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = lock(&self.inner.cached).token.is_some();
        f.debug_struct("AgentCredentials")
            .field("agent_id", &self.inner.agent_id)
            .field("token", &if cached { "[redacted]" } else { "none" })
            .finish()
    }
}

impl AgentCredentials {
    /// Credentials for `agent_id` on `client`. Nothing is sent until a request needs them.
    pub fn new(client: &AgentTrustClient, agent_id: &str) -> Self {
        Self::with_params(client, agent_id, ProofParams::default(), None)
    }

    /// Credentials whose tokens are requested with `params` (audience, lifetime, workload),
    /// signed with the key pair from `store` (`None`: the client's key store).
    pub fn with_params(
        client: &AgentTrustClient,
        agent_id: &str,
        params: ProofParams,
        store: Option<Arc<dyn KeyStore>>,
    ) -> Self {
        Self {
            inner: Arc::new(CredsInner {
                client: client.clone(),
                agent_id: agent_id.to_owned(),
                params,
                store,
                cached: Mutex::new(Cached::default()),
                renewing: Mutex::new(()),
            }),
        }
    }

    /// The agent the credentials speak for.
    pub fn agent_id(&self) -> &str {
        &self.inner.agent_id
    }

    /// The headers of one request `method url`, getting or renewing the token when needed.
    pub fn headers(&self, method: &str, url: &str) -> crate::Result<CredentialHeaders> {
        self.headers_with_token(method, url).map(|(h, _)| h)
    }

    /// Drops the cached token, so the next request gets a new one.
    pub fn invalidate(&self) {
        *lock(&self.inner.cached) = Cached::default();
    }

    /// Drops the cached token if it is still `token`: of many requests refused with the same
    /// token, only the first makes the credentials renew it.
    pub(crate) fn invalidate_token(&self, token: &str) {
        let mut cached = lock(&self.inner.cached);
        if cached.token.as_ref().is_some_and(|(t, _)| t == token) {
            *cached = Cached::default();
        }
    }

    pub(crate) fn headers_with_token(
        &self,
        method: &str,
        url: &str,
    ) -> crate::Result<(CredentialHeaders, String)> {
        let target = dpop_target(url)?;
        let (token, pair) = self.current()?;
        let dpop = sign_dpop(&pair, method, &target, Some(&token), unix_now(), &new_jti());
        Ok((
            CredentialHeaders {
                authorization: format!("Bearer {token}"),
                dpop,
            },
            token,
        ))
    }

    fn fresh(&self) -> Option<(String, AgentKeyPair)> {
        let cached = lock(&self.inner.cached);
        match (&cached.token, cached.renew_at) {
            (Some(t), Some(at)) if SystemTime::now() < at => Some(t.clone()),
            _ => None,
        }
    }

    fn current(&self) -> crate::Result<(String, AgentKeyPair)> {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let _renewing = lock(&self.inner.renewing);
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let inner = &self.inner;
        let pair = match &inner.store {
            Some(s) => load_key(s.as_ref(), &inner.agent_id)?,
            None => load_key(inner.client.key_store().as_ref(), &inner.agent_id)?,
        };
        let token = issue_with_proof(&inner.client, &pair, &inner.agent_id, &inner.params)?;
        let now = SystemTime::now();
        let expires = parse_rfc3339(&token.expires_at)
            .unwrap_or(now + Duration::from_millis(facts::CREDENTIALS_FALLBACK_TTL_MS));
        let renew_at = expires
            .checked_sub(Duration::from_millis(facts::CREDENTIALS_REFRESH_BEFORE_MS))
            .unwrap_or(UNIX_EPOCH);
        let value = (token.token, pair);
        *lock(&inner.cached) = Cached {
            token: Some(value.clone()),
            renew_at: Some(renew_at),
        };
        Ok(value)
    }
}

/// An RFC 3339 date-time (`2026-01-01T00:00:00.5Z`, `...+02:00`); `None` when it does not parse.
fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &s[start..i];
        if frac.is_empty() {
            return None;
        }
        let digits: String = frac.chars().chain("000000000".chars()).take(9).collect();
        nanos = digits.parse().ok()?;
    }
    let offset = match s.get(i..)? {
        "Z" | "z" => 0,
        tz if tz.len() == 6 && matches!(&tz[..1], "+" | "-") && &tz[3..4] == ":" => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            let o = oh * 3600 + om * 60;
            if &tz[..1] == "+" {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let (y2, m2) = if mo <= 2 {
        (y - 1, mo + 9)
    } else {
        (y, mo - 3)
    };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset;
    let secs = u64::try_from(secs).ok()?;
    Some(UNIX_EPOCH + Duration::new(secs, nanos))
}

impl AgentTrustClient {
    /// The key store of the client (`ClientBuilder::key_store`, default a [`MemoryKeyStore`]).
    pub fn key_store(&self) -> &Arc<dyn KeyStore> {
        &self.inner.key_store
    }

    /// Keeps a key pair `agents().create` generated under the id the gateway gave the agent.
    pub(crate) fn keep_agent_key(
        &self,
        agent_id: &str,
        pair: Option<AgentKeyPair>,
    ) -> crate::Result<()> {
        let Some(pair) = pair else {
            return Ok(());
        };
        self.key_store().put(agent_id, &pair).map_err(|e| {
            AgentTrustError::client(
                ErrorCode::InternalError,
                &format!(
                    "agent {agent_id} was created, but the key store could not keep its generated key pair: {}",
                    e.message()
                ),
            )
            .with_detail("agent_id", serde_json::Value::from(agent_id))
        })
    }
}

/// The key pair `agents().create` generates when the body has no `public_key`: its public PEM
/// goes into the body, the pair stays on the client (`keep_agent_key`).
pub(crate) fn agent_key_for(
    body: &mut serde_json::Map<String, serde_json::Value>,
) -> crate::Result<Option<AgentKeyPair>> {
    if body
        .get("public_key")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|k| !k.is_empty())
    {
        return Ok(None);
    }
    let pair = AgentKeyPair::generate()?;
    body.insert(
        "public_key".to_owned(),
        serde_json::Value::from(pair.public_key_pem()),
    );
    Ok(Some(pair))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f\n-----END PRIVATE KEY-----\n";
    const PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAA6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=\n-----END PUBLIC KEY-----\n";

    /// The interop vector the Go SDK checks too (go/identity_test.go).
    #[test]
    fn interop_vector() {
        let pair = AgentKeyPair::from_pkcs8_pem(PRIVATE_PEM).unwrap();
        assert_eq!(pair.public_key_pem(), PUBLIC_PEM);
        assert_eq!(pair.private_key_pem(), PRIVATE_PEM);
        assert_eq!(
            pair.thumbprint(),
            "1IG2tMH7J2wbJZnOf8LJzQitKf7LMvoAElsuDMVM54Y"
        );
        let audience = ["svc-a".to_owned(), "svc-b".to_owned()];
        assert_eq!(
            sign_proof_of_possession(&pair, "nonce-123", "agt_vector", &audience, 1767225600),
            "o4A822aRqZrhPRtDhrQQlzU1Y_mNiweFsLWmlOxh4ojBYsWrbpTwXiCoQzRaLc8AIpIuNrPmSYuDVAA4sxSqCw"
        );
        let proof = sign_dpop(
            &pair,
            "POST",
            "http://127.0.0.1:8080/api/v1/agenttrust/check",
            Some("wimse.token.value"),
            1767225600,
            "00112233445566778899aabbccddeeff",
        );
        assert_eq!(
            proof,
            concat!(
                "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVkRFNBIiwiandrIjp7Imt0eSI6Ik9LUCIsImNydiI6IkVkMjU1MTkiLCJ4IjoiQTZFSHZfUE9FTDRkY04wWTUwdkFtV2ZrMWpDYnBRMWZIZHlHWkJKVk1iZyJ9fQ.",
                "eyJodG0iOiJQT1NUIiwiaHR1IjoiaHR0cDovLzEyNy4wLjAuMTo4MDgwL2FwaS92MS9hZ2VudHRydXN0L2NoZWNrIiwiaWF0IjoxNzY3MjI1NjAwLCJqdGkiOiIwMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmJjY2RkZWVmZiIsImF0aCI6ImhvN0pZRUplV0tOTGZaaXBpaUVsMzJEZXQ3UzQ0MFhLRFVNQlFfVF9CSEEifQ.",
                "TD_KV1Wr6ezlhtDq-WXuRsAMjuohBB21cRXrZcjIRK_fUGiy5K1xgR0IMhmTVMaGQSLcwEf5DUCezTBCzGukBg"
            )
        );
    }

    #[test]
    fn generated_pairs_round_trip_and_never_print_the_private_half() {
        let pair = AgentKeyPair::generate().unwrap();
        let again = AgentKeyPair::from_pkcs8_pem(&pair.private_key_pem()).unwrap();
        assert_eq!(pair, again);
        let secret = pair.private_key_pem();
        let body: String = secret.lines().nth(1).unwrap().to_owned();
        for shown in [format!("{pair:?}"), format!("{pair:#?}"), format!("{pair}")] {
            assert!(shown.contains("[redacted]"), "{shown}");
            assert!(
                !shown.contains(&body) && !shown.contains("PRIVATE KEY"),
                "{shown}"
            );
        }
        let e = AgentKeyPair::from_pkcs8_pem(
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        )
        .unwrap_err();
        assert!(!e.to_string().contains("AAAA"));
    }

    #[test]
    fn file_store_is_private_atomic_and_refuses_unsafe_ids() {
        let dir = std::env::temp_dir().join(format!(
            "agenttrustid-keys-{}",
            crate::transport::new_uuid()
        ));
        let store = FileKeyStore::new(&dir).unwrap();
        let pair = AgentKeyPair::generate().unwrap();
        store.put("agt_1", &pair).unwrap();
        assert_eq!(store.get("agt_1").unwrap(), Some(pair.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir.join("agt_1.pem")), 0o600);
            assert_eq!(mode(&dir), 0o700);
        }
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
        for bad in ["", ".", "..", "../x", "a/b", ".hidden", "a b"] {
            let e = store.put(bad, &pair).unwrap_err();
            assert_eq!(e.code(), &ErrorCode::ValidationError, "{bad:?}");
        }
        store.delete("agt_1").unwrap();
        store.delete("agt_1").unwrap();
        assert_eq!(store.get("agt_1").unwrap(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rfc3339_dates_parse() {
        let at = |s| parse_rfc3339(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs_f64());
        assert_eq!(at("2026-01-01T00:00:00Z"), Some(1767225600.0));
        assert_eq!(at("2026-01-01T02:00:00.5+02:00"), Some(1767225600.5));
        for bad in ["", "soon", "2026-13-01T00:00:00Z", "2026-01-01T00:00:00"] {
            assert_eq!(at(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dpop_htu_drops_query_and_fragment() {
        assert_eq!(
            dpop_target("http://h:1/a/b?x=1#f").unwrap(),
            "http://h:1/a/b"
        );
        assert!(dpop_target("/relative").is_err());
    }
}

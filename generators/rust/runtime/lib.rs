//! The AgentTrust ID SDK for Rust: every operation of the gateway's spec on a blocking client
//! (an async one behind the `async` feature), the Guard (check before a tool call, report
//! after), and one error enum.
//!
//! ```no_run
//! use agenttrustid::{AgentTrustClient, AgentTrustGuard, CreateAgentRequest};
//!
//! # fn main() -> agenttrustid::Result<()> {
//! let client = AgentTrustClient::from_env()?;
//! let agent = client.agents().create(&CreateAgentRequest {
//!     name: "research-bot".to_string(),
//!     ..Default::default()
//! })?;
//! let guard = AgentTrustGuard::builder(client, &agent.id).action_effect("read").build();
//! guard.check("web_search", "AI news")?;
//! guard.report("web_search", true, 12);
//! guard.flush()?;
//! # Ok(())
//! # }
//! ```
//!
//! The client takes its options from the builder, then the environment (`AGENTTRUST_URL`, else
//! `AGENTTRUST_BASE_URL`, else `http://localhost:8080`; `AGENTTRUST_API_KEY`); `from_env()`
//! requires the key. `client.with_raw_response()` gives every operation's [`RawResponse`]
//! (status, headers, request id) beside the typed value. `AGENTTRUST_LOG` (or a `log` logger,
//! target `agenttrustid`) shows redacted events. The README (run as doctests) has the rest.
//!
//! Models: a field the gateway always sends is a plain type; an optional one is an `Option`;
//! one that may be absent or null is a [`Nullable`]. Enums are open (an `Unknown(String)`
//! variant keeps values of a newer gateway). Secrets (tokens) are masked in `Debug`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "async")]
mod async_client;
mod cache;
mod client;
#[cfg(test)]
mod decode_props;
mod digest;
mod error;
mod generated;
mod guard;
mod identity;
mod logging;
mod nullable;
mod raw;
mod telemetry;
mod transport;
mod validate;

#[cfg(feature = "async")]
pub use async_client::AsyncAgentTrustClient;
pub use client::{AgentTrustClient, ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES};
pub use digest::{digest_input, truncate_chars, truncate_summary};
pub use error::{AgentTrustError, ErrorMessage, JsonError, NetworkError};
pub use generated::facts;
pub use generated::*;
pub use guard::{AgentTrustGuard, BreakerState, Decision, GuardBuilder, GuardStats};
pub use identity::{
    mint_dpop_proof, sign_proof_of_possession, AgentCredentials, AgentKeyPair, CredentialHeaders,
    FileKeyStore, KeyStore, MemoryKeyStore, ProofParams,
};
pub use nullable::Nullable;
pub use raw::{Headers, Mode, Raw, RawClient, RawResponse, Typed};

// The README's snippets, run as doctests against the mock gateway by `cargo test`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The result of every fallible call of this crate.
pub type Result<T, E = AgentTrustError> = std::result::Result<T, E>;

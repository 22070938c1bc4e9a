//! `AsyncAgentTrustClient` (feature `async`): the same operations for async code. Each call runs
//! the blocking client on tokio's blocking pool, so it never blocks an executor thread and needs
//! no second HTTP stack (the crate stays one lean dependency tree).

use crate::{AgentTrustClient, AgentTrustError, ErrorCode};

/// Runs the operations of an [`AgentTrustClient`] from async code on tokio's blocking pool:
///
/// ```no_run
/// # async fn demo() -> agenttrustid::Result<()> {
/// let client = agenttrustid::AsyncAgentTrustClient::from_env()?;
/// let agent = client.run(|c| c.agents().get("agt_123")).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct AsyncAgentTrustClient {
    client: AgentTrustClient,
}

impl From<AgentTrustClient> for AsyncAgentTrustClient {
    fn from(client: AgentTrustClient) -> Self {
        Self { client }
    }
}

impl AsyncAgentTrustClient {
    /// A client configured from the environment (see [`AgentTrustClient::from_env`]).
    pub fn from_env() -> crate::Result<Self> {
        AgentTrustClient::from_env().map(Self::from)
    }

    /// The blocking client underneath (for building a guard, for instance).
    pub fn blocking(&self) -> &AgentTrustClient {
        &self.client
    }

    /// Runs `call` with the client on tokio's blocking pool and awaits its result. Must be
    /// awaited inside a tokio runtime.
    pub async fn run<T, F>(&self, call: F) -> crate::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&AgentTrustClient) -> crate::Result<T> + Send + 'static,
    {
        let client = self.client.clone();
        tokio::task::spawn_blocking(move || call(&client))
            .await
            .unwrap_or_else(|e| {
                Err(AgentTrustError::client(
                    ErrorCode::InternalError,
                    &format!("the blocking task failed: {e}"),
                ))
            })
    }
}

//! The Rust snippets of the product guide (../shared/reference/agenttrust-id-sdk-guide.txt),
//! line breaks restored, one function per snippet, run in the guide's order against a gateway
//! (`AGENTTRUST_URL`, `AGENTTRUST_API_KEY`; `cargo test` runs it against the mock gateway).
//!
//! Where this crate differs from the guide's text, the snippet is changed and says so:
//! - the crate is `agenttrustid` (the official `rust/Cargo.toml` name), not `agenttrust_sdk` or
//!   `agenttrust`;
//! - optional request fields are `Option`s (`framework: Some(..)`), and a request struct that has
//!   fields the snippet leaves out ends in `..Default::default()`;
//! - `IssueTokenRequest` has no `audience` (the real gateway's issue takes none) and
//!   `ActionCheckRequest` no `action` (the gateway's check has no such key; the tool name travels
//!   as `action_name`).

use agenttrustid::{Agent, AgentTrustClient, AgentTrustError, AgentTrustGuard};

fn do_web_search(query: &str) -> String {
    format!("results for {query}")
}

/// Section 3, "Configuration".
fn configure() -> Result<AgentTrustClient, AgentTrustError> {
    // From environment variables
    let client = AgentTrustClient::from_env()?;
    // Builder pattern
    let _explicit = AgentTrustClient::builder()
        .base_url("http://localhost:8080")
        .api_key("sk_live_...")
        .build()?;
    Ok(client)
}

/// Section 4, "Agents". Changed: `framework` and `capabilities` are optional fields.
fn create_agent(client: &AgentTrustClient) -> Result<Agent, AgentTrustError> {
    let agent = client.agents().create(&agenttrustid::CreateAgentRequest {
        name: "research-bot".to_string(),
        framework: Some("langchain".to_string()),
        capabilities: Some(vec!["web:search".to_string(), "files:read".to_string()]),
        ..Default::default()
    })?;
    println!("Agent ID: {}", agent.id);
    Ok(agent)
}

/// Section 5, "Tokens". Changed: no `audience`; `ttl` and `required_scopes` are optional.
fn tokens(client: &AgentTrustClient, agent: &Agent) -> Result<(), AgentTrustError> {
    // Issue a token
    let token = client.tokens().issue(&agenttrustid::IssueTokenRequest {
        agent_id: agent.id.clone(),
        scope: vec!["files:read".to_string()],
        ttl: Some(300),
        ..Default::default()
    })?;
    println!("Token: {}", token.token);
    // Introspect a token
    let result = client
        .tokens()
        .introspect(&agenttrustid::IntrospectTokenRequest {
            token: token.token.clone(),
            target: Some("mcp://filesystem".to_string()),
            required_scopes: Some(vec![]),
        })?;
    println!("Active: {}", result.active);
    Ok(())
}

/// Section 5, "Action checks". Changed: no `action`; the summary and session are optional.
fn check_action(client: &AgentTrustClient, agent: &Agent) -> Result<(), AgentTrustError> {
    let result = client.actions().check(&agenttrustid::ActionCheckRequest {
        agent_id: agent.id.clone(),
        tool_name: "web_search".to_string(),
        tool_input_summary: Some("AI safety papers".to_string()),
        session_id: Some("sess-abc".to_string()),
        action_effect: Some("read".into()),
        ..Default::default()
    })?;
    println!(
        "Allowed: {}, Confidence: {:?}",
        result.allowed, result.confidence
    );
    if result.elevation_required == Some(true) {
        println!("Approval needed: {:?}", result.approval_id);
    }
    Ok(())
}

/// Section 6, "Session Management".
fn sessions(client: &AgentTrustClient, agent: &Agent) -> Result<(), AgentTrustError> {
    // Initialize a session
    let session = client
        .sessions()
        .init_session(&agent.id, "mcp-code-tools")?;
    println!("Session ID: {}", session.session_id);
    println!("Mode: {}", session.mode);
    println!("Scope ceiling: {:?}", session.scope_ceiling);
    // Retrieve session state later
    let current = client.sessions().get_session(&session.session_id)?;
    println!(
        "Total calls: {}, Denied: {}",
        current.total_calls, current.denied_calls
    );
    Ok(())
}

/// Section 7, "Guard Pattern". Changed: the destructive check is the next snippet's (here it
/// would end the example with its ELEVATION_REQUIRED).
fn guard_pattern(agent: &Agent) -> Result<AgentTrustGuard, AgentTrustError> {
    let client = AgentTrustClient::from_env()?;
    let guard = AgentTrustGuard::builder(client, &agent.id)
        .fail_open(false)
        .block_on_deny(true)
        .action_effect("read") // default effect for all checks
        .build();
    // Before tool call -- returns Err if denied
    guard.check("web_search", "AI news")?;
    // Execute the tool
    let start = std::time::Instant::now();
    let result = do_web_search("AI news");
    let duration_ms = start.elapsed().as_millis() as u64;
    println!("{result}");
    // After tool call -- fire-and-forget telemetry
    guard.report("web_search", true, duration_ms);
    // Flush remaining telemetry (also happens automatically on Drop)
    guard.flush()?;
    Ok(guard)
}

/// Section 8, "Elevation Workflow".
fn elevation(client: &AgentTrustClient, guard: &AgentTrustGuard) -> Result<(), AgentTrustError> {
    match guard.check_with_effect("db_delete", "drop table users", "destructive") {
        Ok(()) => {
            // Proceed with the action
        }
        Err(AgentTrustError::ElevationRequired {
            approval_id,
            message,
        }) => {
            println!(
                "Elevation required: {}. Approval ID: {}",
                message, approval_id
            );
            // A human or automated system approves the action
            client
                .approvals()
                .approve(&approval_id, "admin@company.com")?;
            // Retry the check
            guard.check_with_effect("db_delete", "drop table users", "destructive")?;
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Section 9, "Approvals".
fn approvals(client: &AgentTrustClient, guard: &AgentTrustGuard) -> Result<(), AgentTrustError> {
    let approval_id = match guard.check_with_effect("db_drop", "drop database", "destructive") {
        Err(AgentTrustError::ElevationRequired { approval_id, .. }) => approval_id,
        other => return other,
    };
    // Approve an elevation request
    client
        .approvals()
        .approve(&approval_id, "admin@company.com")?;
    // Deny an elevation request
    match client
        .approvals()
        .deny(&approval_id, "security@company.com")
    {
        Ok(_) | Err(AgentTrustError::Conflict { .. }) => {} // already decided above
        Err(e) => return Err(e),
    }
    // Check approval status
    let approval = client.approvals().get(&approval_id)?;
    println!(
        "Status: {}, Action: {}",
        approval.status, approval.action_name
    );
    Ok(())
}

/// Section 12, "Error Handling".
fn error_handling(guard: &AgentTrustGuard) {
    match guard.check_with_effect("dangerous_tool", "data", "destructive") {
        Ok(()) => println!("Allowed"),
        Err(AgentTrustError::ActionDenied { message, check_id }) => {
            println!("Denied: {}, check_id: {:?}", message, check_id);
        }
        Err(AgentTrustError::ElevationRequired {
            message,
            approval_id,
        }) => {
            println!(
                "Elevation required: {}, approval_id: {}",
                message, approval_id
            );
        }
        Err(AgentTrustError::GuardianUnavailable { message }) => {
            println!("Guardian unreachable: {}", message);
        }
        Err(AgentTrustError::Authentication { message, .. }) => {
            println!("Auth failed: {}", message);
        }
        Err(AgentTrustError::Network(e)) => {
            println!("Network error: {}", e);
        }
        Err(e) => println!("Other error: {}", e),
    }
}

fn main() -> Result<(), AgentTrustError> {
    let client = configure()?;
    let agent = create_agent(&client)?;
    tokens(&client, &agent)?;
    check_action(&client, &agent)?;
    sessions(&client, &agent)?;
    // The elevation snippets need an agent allowed to delete (with an approval).
    let ops = client.agents().create(&agenttrustid::CreateAgentRequest {
        name: "ops-bot".to_string(),
        capabilities: Some(vec![
            "web:search".to_string(),
            "db:delete".to_string(),
            "db:drop".to_string(),
        ]),
        ..Default::default()
    })?;
    let guard = guard_pattern(&ops)?;
    elevation(&client, &guard)?;
    approvals(&client, &guard)?;
    error_handling(&guard);
    Ok(())
}

"""The Python snippets of the AgentTrust ID SDK guide, sections 2 to 13, with their line breaks
restored, run in order against a gateway (the mock gateway in tests/test_guide_snippets.py):

    AGENTTRUST_URL=http://127.0.0.1:8080 AGENTTRUST_API_KEY=sk_test_agenttrust python examples/guide_snippets.py

Where a snippet only works after an earlier one changed state (a revoked agent, a decided
approval), a line marked `# (setup)` prepares what the guide leaves implicit; the snippets
themselves are the guide's."""

from __future__ import annotations

import base64
import json
import os
import time
from typing import Any

from agenttrustid import AgentTrustClient
from agenttrustid.exceptions import AgentTrustError
from agenttrustid.guard import ATIGuard


def do_web_search(query: str) -> list[str]:  # (setup) the tool the guard protects
    return [f"result for {query}"]


def id_token(claims: dict[str, object]) -> str:  # (setup) an unsigned JWT the mock accepts
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}."


result: Any  # (setup) the guide reuses `result` for values of several types

# --- 2. Client Initialization -------------------------------------------------------------------
# From environment variables
client = AgentTrustClient.from_env()
# Explicit configuration
client = AgentTrustClient(
    base_url=os.environ["AGENTTRUST_URL"],  # the guide: "http://localhost:8080"
    api_key=os.environ["AGENTTRUST_API_KEY"],  # the guide: "sk_live_..."
)

# --- 3. Agent Registration ----------------------------------------------------------------------
agent = client.agents.create(
    name="research-bot",
    framework="langchain",
    capabilities=["web:search", "files:read"],
)
print(f"Agent ID: {agent.id}")
print(f"Status: {agent.status}")

# List all agents
agents = client.agents.list()
for a in agents:
    print(f"{a.name} ({a.status})")
# Revoke an agent (immediate, cannot be undone)
client.agents.revoke(agent.id, reason="compromised")

agent = client.agents.create(  # (setup) a live agent again for the sections below
    name="research-bot",
    framework="langchain",
    capabilities=["web:search", "files:read", "db:*", "web_search", "run_code"],
)

# --- 4. Token Issuance & Introspection ----------------------------------------------------------
# Issue a token
token = client.tokens.issue(
    agent_id=agent.id,
    scopes=["files:read"],
    ttl_seconds=300,
)
print(f"Token: {token.token}")
# Introspect a token
result = client.tokens.introspect(
    token=token.token,
    target="mcp://filesystem",
)
print(f"Active: {result.active}")

# --- 5. Action Checking -------------------------------------------------------------------------
result = client.actions.check(
    agent_id=agent.id,
    tool_name="web_search",
    tool_input_summary="AI safety papers",
    session_id="sess-abc",
    action_effect="read",
)
print(f"Allowed: {result.allowed}, Confidence: {result.confidence}")
# If elevation is required
if result.elevation_required:
    print(f"Approval needed: {result.approval_id}")

# --- 6. Session Management ----------------------------------------------------------------------
# Initialize a session
session = client.sessions.init_session(
    agent_id=agent.id,
    server_id="mcp-code-tools",
)
print(f"Session ID: {session.session_id}")
print(f"Mode: {session.mode}")
print(f"Scope ceiling: {session.scope_ceiling}")
# Retrieve session state later
session = client.sessions.get_session(session.session_id)
print(f"Total calls: {session.total_calls}, Denied: {session.denied_calls}")

# --- 7. Guard Pattern ---------------------------------------------------------------------------
client = AgentTrustClient.from_env()
# Use as context manager for automatic cleanup
with ATIGuard(client, agent_id=agent.id, fail_open=False) as guard:
    # Before tool call -- raises AgentTrustError if denied
    guard.check("web_search", input_summary="AI news", action_effect="read")
    # Execute the tool
    start = time.time()
    result_list = do_web_search("AI news")
    duration_ms = int((time.time() - start) * 1000)
    # After tool call -- fire-and-forget telemetry
    guard.report("web_search", success=True, duration_ms=duration_ms)
# guard.close() is called automatically by the context manager

# --- 8. Elevation Workflow ----------------------------------------------------------------------
guard = ATIGuard(client, agent_id=agent.id)  # (setup) the guide's guard, still open
try:
    guard.check("db_delete", "drop table users", action_effect="destructive")
except AgentTrustError as e:
    if e.code == "ELEVATION_REQUIRED":
        approval_id = e.details["approval_id"]
        print(f"Elevation required. Approval ID: {approval_id}")
        # A human or automated system approves the action
        client.approvals.approve(approval_id, decided_by="admin@company.com")
        # Retry the check -- now it succeeds within the elevation window
        guard.check("db_delete", "drop table users", action_effect="destructive")
    else:
        raise  # Re-raise ACTION_DENIED or other errors

# --- 9. Approval Management ---------------------------------------------------------------------
pending = client.actions.check(agent_id=agent.id, tool_name="db_drop", action_effect="destructive")  # (setup)
approval_id = pending.approval_id or ""
# Approve an elevation request
client.approvals.approve(approval_id, decided_by="admin@company.com")
# Deny an elevation request
other = client.actions.check(
    agent_id=agent.id, tool_name="db_truncate", action_effect="destructive"
)  # (setup)
client.approvals.deny(other.approval_id or "", decided_by="security@company.com")
# Check approval status
approval = client.approvals.get(approval_id)
print(f"Status: {approval.status}")  # pending | approved | denied | expired
print(f"Action: {approval.action_name}, Effect: {approval.action_effect}")
print(f"Decided by: {approval.decided_by}")

# --- 10. MCP Proxy ------------------------------------------------------------------------------
# Register an MCP tool server
server = client.mcp.register_server(
    name="code-tools",
    url="https://mcp-server.example.com",
    capabilities=["run_code", "lint", "format"],
)
print(f"Server ID: {server.id}")
# Call a tool through the proxy (Guardian checks apply)
mcp_result = client.mcp.call_tool(
    server_id=server.id,
    agent_id=agent.id,
    method="tools/call",
    params={
        "name": "run_code",
        "arguments": {"language": "python", "code": "print('hello')"},
    },
    session_id=session.session_id,  # correlate with AgentTrust ID session
)
print(mcp_result)
# List registered servers
servers = client.mcp.list_servers()
# Remove a server
client.mcp.remove_server(server.id)

# --- 11. A2A Delegation -------------------------------------------------------------------------
# Generate an Agent Card
card = client.agent_cards.generate(agent_id=agent.id)
print(f"{card.name}: {card.capabilities}")
# Publish the card (makes it publicly discoverable)
client.agent_cards.publish(agent_id=agent.id)
# Retrieve a public Agent Card (no auth required)
public_card = client.agent_cards.get_public(agent_id=agent.id)

agent_a = agent  # (setup)
agent_b = client.agents.create(name="helper-bot", capabilities=["web_search"])  # (setup)
# A2A v1.0: send a message to a target agent
task = client.a2a.send_message(
    agent_b.id,
    "Search for recent AI safety papers and summarize the top 3",
)
print(f"Task {task.id}")
# Poll for completion, then cancel if needed
status = client.a2a.get_task(task.id)
client.a2a.cancel_task(task.id)
# Back-compat (A2A v0.3):
client.a2a.send_task(source_agent_id=agent_a.id, target_agent_id=agent_b.id, message="Summarize the top 3")

# Delegate web_search capability for 1 hour
delegation = client.delegations.create(
    from_agent_id=agent_a.id,
    to_agent_id=agent_b.id,
    scope=["web_search"],
    ttl_seconds=3600,
)
print(f"Delegation {delegation.id} expires at {delegation.expires_at}")
# List delegations
delegations = client.delegations.list()
# Revoke a delegation
client.delegations.revoke(delegation.id)

# Delegated Session Bridge
delegation = client.delegations.create(  # (setup) a live delegation: the one above is revoked
    from_agent_id=agent_a.id, to_agent_id=agent_b.id, scope=["web_search"], ttl_seconds=3600
)
session = client.delegations.init_session(delegation.id)
print(session.session_id, session.delegation_id, session.scope_ceiling)

# API Session Bridge
session = client.sessions.init_api_session(token.token)
print(session.session_id, session.source)

# Federation
provider = client.federation.register_provider(
    issuer="https://issuer.example.com",
    name="Example Workforce",
    trust_level="high",
)
id_tok = id_token(
    {"iss": "https://issuer.example.com", "sub": "alice", "scope": "files:read"}
)  # the guide: "eyJ..."
fed_result = client.federation.verify_token(token=id_tok)
session = client.federation.init_session(token=id_tok)

# SIEM Streaming
destination = client.streaming.create(
    name="Splunk HEC",
    destination_type="splunk",
    endpoint_url="https://splunk.example.com/services/collector",
    auth_token="secret",
)
logs = client.streaming.delivery_log(destination.id)
client.streaming.test(destination.id)

# --- 12. Error Handling -------------------------------------------------------------------------
try:
    guard.check("dangerous_tool", "data", action_effect="destructive")
except AgentTrustError as e:
    print(f"Code: {e.code}")  # "ACTION_DENIED" | "ELEVATION_REQUIRED" | ...
    print(f"Message: {e.message}")
    print(f"Details: {e.details}")  # {"approval_id": "..."} when ELEVATION_REQUIRED

# --- 13. Data Privacy ---------------------------------------------------------------------------
with ATIGuard(client, agent_id=agent.id, log_inputs=True) as private_guard:
    # Inputs are sent only with log_inputs=True, truncated to 200 characters.
    private_guard.check("web_search", input_summary="x" * 500, action_effect="read")
    private_guard.report("web_search", success=False, duration_ms=12, error_type="TimeoutError")

guard.close()
client.close()
print("guide snippets: done")

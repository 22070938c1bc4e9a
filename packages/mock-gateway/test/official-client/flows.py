"""The product guide's flows, run with the official published client (agenttrustid 0.4.0).

Usage: AGENTTRUST_URL=http://127.0.0.1:PORT [AGENTTRUST_API_KEY=...] python flows.py
(or ./run.sh, which installs the pinned client into its own venv first).

Each flow calls the official client's public API, as a user of that package would, and asserts
what the guide says the call returns. One line per flow; the exit status is 1 if any flow failed.
Flows run in order and later ones reuse what earlier ones created (the agent, the token...); a
flow whose prerequisite failed is reported as failed too, with the reason.
"""

import os
import sys
import time
import traceback
import uuid

from agenttrustid import AgentTrustClient
from agenttrustid.exceptions import AgentTrustError, AuthenticationError
from agenttrustid.guard import AgentTrustGuard

BASE_URL = os.environ.get("AGENTTRUST_URL") or os.environ.get("AGENTTRUST_BASE_URL")
API_KEY = os.environ.get("AGENTTRUST_API_KEY", "sk_test_agenttrust")
if not BASE_URL:
    sys.exit("set AGENTTRUST_URL to the gateway's base URL")

client = AgentTrustClient(base_url=BASE_URL, api_key=API_KEY)
run_id = uuid.uuid4().hex[:8]
state = {}
results = []


def flow(name):
    def register(fn):
        results.append((name, fn))
        return fn

    return register


def need(key):
    if key not in state:
        raise AssertionError(f"prerequisite missing: {key} (an earlier flow failed)")
    return state[key]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# --- health, agents ---------------------------------------------------------------------------


@flow("health")
def _health():
    body = client.health()
    check(isinstance(body, dict) and body.get("status") in ("healthy", "degraded", "unhealthy"), f"health: {body!r}")


@flow("agents.create")
def _agents_create():
    agent = client.agents.create(
        name=f"research-bot-{run_id}",
        framework="langchain",
        capabilities=["web:search", "files:read", "db:delete", "db:drop"],
        metadata={"team": "research"},
    )
    check(agent.id, "agent has an id")
    check(agent.name == f"research-bot-{run_id}", f"name {agent.name!r}")
    check(agent.status.value == "active", f"status {agent.status!r}")
    check(agent.framework == "langchain", f"framework {agent.framework!r}")
    check(agent.capabilities == ["web:search", "files:read", "db:delete", "db:drop"], f"capabilities {agent.capabilities!r}")
    state["agent"] = agent
    other = client.agents.create(name=f"helper-bot-{run_id}", capabilities=["web:search"])
    check(other.framework == "custom", f"default framework {other.framework!r}")
    state["agent_b"] = other


@flow("agents.get")
def _agents_get():
    agent = need("agent")
    got = client.agents.get(agent.id)
    check(got.id == agent.id and got.name == agent.name, f"got {got!r}")


@flow("agents.list")
def _agents_list():
    agent = need("agent")
    agents = client.agents.list()
    check(any(a.id == agent.id for a in agents), "the new agent is listed")


# --- tokens -----------------------------------------------------------------------------------


@flow("tokens.issue")
def _tokens_issue():
    agent = need("agent")
    token = client.tokens.issue(agent_id=agent.id, scopes=["files:read"], ttl_seconds=300, use_cache=False)
    check(token.token, "token string")
    check(token.agent_id == agent.id, f"agent_id {token.agent_id!r}")
    check(token.scopes == ["files:read"], f"scopes {token.scopes!r}")
    check(token.expires_at is not None and 200 < token.ttl_seconds <= 300, f"ttl {token.ttl_seconds}")
    state["token"] = token


@flow("tokens.introspect")
def _tokens_introspect():
    token = need("token")
    result = client.tokens.introspect(token=token.token)
    check(result.active is True, f"active {result!r}")
    check(result.agent_id == need("agent").id, f"agent_id {result.agent_id!r}")


@flow("sessions.init_api_session")
def _api_session():
    token = need("token")
    session = client.sessions.init_api_session(token.token)
    check(session.session_id, "session id")
    check(session.source == "api_token", f"source {session.source!r}")


@flow("tokens.revoke")
def _tokens_revoke():
    agent = need("agent")
    token = client.tokens.issue(agent_id=agent.id, scopes=["web:search"], use_cache=False)
    check(client.tokens.revoke(token.token) is True, "revoke returns True")
    result = client.tokens.introspect(token=token.token)
    check(result.active is False, f"a revoked token introspects inactive: {result!r}")


# --- actions, sessions ------------------------------------------------------------------------


@flow("sessions.init_session")
def _sessions_init():
    agent = need("agent")
    session = client.sessions.init_session(agent_id=agent.id, server_id="mcp-code-tools")
    check(session.session_id, "session id")
    check(session.agent_id == agent.id, f"agent_id {session.agent_id!r}")
    check(session.mode in ("open", "restricted", "supervised"), f"mode {session.mode!r}")
    state["session"] = session


@flow("actions.check allowed")
def _check_allowed():
    agent, session = need("agent"), need("session")
    result = client.actions.check(
        agent_id=agent.id,
        action="tool_call",
        tool_name="web_search",
        tool_input_summary="AI safety papers",
        session_id=session.session_id,
        action_effect="read",
    )
    check(result.allowed is True, f"allowed: {result!r}")
    check(result.elevation_required is False, "no elevation")


@flow("actions.check denied")
def _check_denied():
    agent, session = need("agent"), need("session")
    result = client.actions.check(agent_id=agent.id, tool_name="send_email", session_id=session.session_id)
    check(result.allowed is False, f"denied: {result!r}")
    check(not result.elevation_required, "a denial is not an elevation")
    check(result.reason, "a denial has a reason")


@flow("actions.check elevation required")
def _check_elevation():
    agent, session = need("agent"), need("session")
    result = client.actions.check(
        agent_id=agent.id,
        tool_name="db_delete",
        tool_input_summary="drop table users",
        session_id=session.session_id,
        action_effect="destructive",
    )
    check(result.allowed is False and result.elevation_required is True, f"elevation: {result!r}")
    check(result.approval_id, "an approval id")
    state["approval_id"] = result.approval_id


@flow("sessions.get_session")
def _sessions_get():
    session = need("session")
    got = client.sessions.get_session(session.session_id)
    check(got.session_id == session.session_id, "same session")
    check(got.total_calls >= 3, f"total_calls {got.total_calls}")
    check(got.denied_calls >= 2, f"denied_calls {got.denied_calls}")


# --- approvals --------------------------------------------------------------------------------


@flow("approvals.get")
def _approvals_get():
    approval = client.approvals.get(need("approval_id"))
    check(approval.status == "pending", f"status {approval.status!r}")
    check(approval.action_name == "db_delete", f"action_name {approval.action_name!r}")
    check(approval.action_effect == "destructive", f"action_effect {approval.action_effect!r}")


@flow("approvals.approve")
def _approvals_approve():
    agent, session, approval_id = need("agent"), need("session"), need("approval_id")
    client.approvals.approve(approval_id, decided_by="admin@company.com")
    approval = client.approvals.get(approval_id)
    check(approval.status == "approved", f"status {approval.status!r}")
    check(approval.decided_by == "admin@company.com", f"decided_by {approval.decided_by!r}")
    retry = client.actions.check(
        agent_id=agent.id, tool_name="db_delete", session_id=session.session_id, action_effect="destructive"
    )
    check(retry.allowed is True, f"the retried check is allowed within the elevation window: {retry!r}")


@flow("approvals.deny")
def _approvals_deny():
    agent, session = need("agent"), need("session")
    result = client.actions.check(agent_id=agent.id, tool_name="db_drop", session_id=session.session_id, action_effect="admin")
    check(result.elevation_required is True and result.approval_id, f"elevation: {result!r}")
    client.approvals.deny(result.approval_id, decided_by="security@company.com")
    approval = client.approvals.get(result.approval_id)
    check(approval.status == "denied", f"status {approval.status!r}")


# --- guard and telemetry ----------------------------------------------------------------------


@flow("guard check/report/close")
def _guard():
    agent = need("agent")
    with AgentTrustGuard(client, agent_id=agent.id, fail_open=False) as guard:
        check(guard.check("web_search", input_summary="AI news", action_effect="read") is True, "allowed")
        guard.report("web_search", success=True, duration_ms=120)
        try:
            guard.check("send_email", input_summary="hi")
            raise AssertionError("a denied tool must raise")
        except AgentTrustError as error:
            check(error.code == "ACTION_DENIED", f"code {error.code!r}")
        try:
            guard.check("db_delete", input_summary="drop table users", action_effect="destructive")
            raise AssertionError("a destructive tool must need elevation")
        except AgentTrustError as error:
            check(error.code == "ELEVATION_REQUIRED", f"code {error.code!r}")
            check(error.details.get("approval_id"), f"details {error.details!r}")
        guard.report("db_delete", success=False, duration_ms=3, error_type="PermissionError")
    # close() flushed: the official reporter swallows failures, so ask the gateway directly too.


@flow("telemetry.report")
def _telemetry():
    agent = need("agent")
    body = client.telemetry.report(
        agent_id=agent.id,
        session_id="sess-flows",
        events=[
            {"event_type": "tool_end", "tool_name": "web_search", "duration_ms": 412, "success": True,
             "timestamp": "2026-11-22T10:00:01+00:00"},
        ],
    )
    check(body.get("accepted") is True, f"accepted: {body!r}")
    check(body.get("events_processed") == 1, f"events_processed: {body!r}")


# --- MCP --------------------------------------------------------------------------------------


@flow("mcp.register_server")
def _mcp_register():
    server = client.mcp.register_server(
        name=f"code-tools-{run_id}", url="https://mcp-server.example.com", capabilities=["run_code", "lint"]
    )
    check(server.id and server.name == f"code-tools-{run_id}", f"server {server!r}")
    check(server.capabilities == ["run_code", "lint"], f"capabilities {server.capabilities!r}")
    state["server"] = server


@flow("mcp.list_servers")
def _mcp_list():
    server = need("server")
    check(any(s.id == server.id for s in client.mcp.list_servers()), "the server is listed")


@flow("mcp.call_tool")
def _mcp_call():
    server, agent, session = need("server"), need("agent"), need("session")
    result = client.mcp.call_tool(
        server_id=server.id,
        agent_id=agent.id,
        method="tools/list",
        params={},
        session_id=session.session_id,
    )
    check(isinstance(result, dict) and "error" not in result, f"a JSON-RPC result: {result!r}")


@flow("mcp.remove_server")
def _mcp_remove():
    server = need("server")
    client.mcp.remove_server(server.id)
    check(all(s.id != server.id for s in client.mcp.list_servers()), "the server is gone")


# --- agent cards and A2A ----------------------------------------------------------------------


@flow("agent_cards.generate")
def _cards_generate():
    agent = need("agent")
    card = client.agent_cards.generate(agent_id=agent.id)
    check(card.name == agent.name, f"name {card.name!r}")
    check(card.primary_url, "the card has an endpoint (supportedInterfaces[0].url)")
    check(isinstance(card.capabilities, dict), f"capabilities is the A2A object: {card.capabilities!r}")
    check(card.skills, "skills")


@flow("agent_cards.publish")
def _cards_publish():
    agent = need("agent")
    card = client.agent_cards.publish(agent_id=agent.id)
    check(card.name == agent.name, f"name {card.name!r}")


@flow("agent_cards.get_public")
def _cards_public():
    agent = need("agent")
    card = client.agent_cards.get_public(agent_id=agent.id)
    check(card.name == agent.name, f"name {card.name!r}")
    anonymous = AgentTrustClient(base_url=BASE_URL)
    check(anonymous.agent_cards.get_public(agent_id=agent.id).name == agent.name, "readable without an API key")


@flow("a2a.send_message")
def _a2a_message():
    agent_b = need("agent_b")
    task = client.a2a.send_message(agent_b.id, "Search for recent AI safety papers and summarize the top 3")
    check(task.id, f"task {task!r}")
    check(task.state in ("submitted", "working", "completed"), f"state {task.state!r}")


@flow("a2a.send_task/get_task/cancel_task")
def _a2a_tasks():
    agent, agent_b = need("agent"), need("agent_b")
    task = client.a2a.send_task(source_agent_id=agent.id, target_agent_id=agent_b.id, message="Summarize the report")
    check(task.id, f"task {task!r}")
    got = client.a2a.get_task(task.id)
    check(got.id == task.id, f"get_task {got!r}")
    canceled = client.a2a.cancel_task(task.id)
    check(canceled.status in ("canceled", "cancelled"), f"status {canceled.status!r}")


# --- delegations ------------------------------------------------------------------------------


@flow("delegations.create")
def _delegations_create():
    agent, agent_b = need("agent"), need("agent_b")
    delegation = client.delegations.create(
        from_agent_id=agent.id, to_agent_id=agent_b.id, scope=["web:search"], ttl_seconds=3600
    )
    check(delegation.id, "delegation id")
    check(delegation.scope == ["web:search"], f"scope {delegation.scope!r}")
    check(delegation.expires_at is not None, "expires_at")
    state["delegation"] = delegation


@flow("delegations.list")
def _delegations_list():
    delegation = need("delegation")
    check(any(d.id == delegation.id for d in client.delegations.list()), "the delegation is listed")


@flow("delegations.get")
def _delegations_get():
    # The official Python client has no delegation get (Java and Rust call #31); use its own
    # HTTP layer, as a Python user of 0.4.0 would have to.
    delegation = need("delegation")
    body = client.http.get(f"/api/v1/delegations/{delegation.id}")
    check(body.get("id") == delegation.id, f"body {body!r}")


@flow("delegations.init_session")
def _delegations_session():
    delegation = need("delegation")
    session = client.delegations.init_session(delegation.id)
    check(session.session_id, "session id")
    check(session.delegation_id == delegation.id, f"delegation_id {session.delegation_id!r}")
    check(session.scope_ceiling == ["web:search"], f"scope_ceiling {session.scope_ceiling!r}")


@flow("delegations.revoke")
def _delegations_revoke():
    delegation = need("delegation")
    client.delegations.revoke(delegation.id)
    listed = [d for d in client.delegations.list() if d.id == delegation.id]
    check(not listed or listed[0].revoked_at is not None, "the delegation is revoked")


# --- federation, SIEM ---------------------------------------------------------------------------


@flow("federation.register_provider")
def _federation_register():
    provider = client.federation.register_provider(
        issuer=f"https://issuer-{run_id}.example.com", name="Example Workforce", trust_level="high"
    )
    check(provider.id, "provider id")
    check(provider.issuer == f"https://issuer-{run_id}.example.com", f"issuer {provider.issuer!r}")
    check(provider.trust_level == "high", f"trust_level {provider.trust_level!r}")
    state["provider"] = provider


@flow("federation.list_providers")
def _federation_list():
    provider = need("provider")
    check(any(p.id == provider.id for p in client.federation.list_providers()), "the provider is listed")


@flow("streaming.create")
def _siem_create():
    destination = client.streaming.create(
        name="Splunk HEC",
        destination_type="splunk",
        endpoint_url="https://splunk.example.com/services/collector",
        auth_token="secret",
    )
    check(destination.id, "destination id")
    check(destination.destination_type == "splunk", f"type {destination.destination_type!r}")
    state["destination"] = destination


@flow("streaming.list")
def _siem_list():
    destination = need("destination")
    check(any(d.id == destination.id for d in client.streaming.list()), "the destination is listed")


@flow("streaming.test")
def _siem_test():
    destination = need("destination")
    body = client.streaming.test(destination.id)
    check(isinstance(body, dict), f"body {body!r}")
    logs = client.streaming.delivery_log(destination.id)
    check(len(logs) >= 1, "the test delivery is in the log")


# --- errors and the end of the agent ----------------------------------------------------------


@flow("wrong API key")
def _wrong_key():
    wrong = AgentTrustClient(base_url=BASE_URL, api_key="sk_live_wrong_key")
    try:
        wrong.agents.list()
    except AuthenticationError as error:
        check(error.code == "AUTH_FAILED", f"code {error.code!r}")
        check(error.message and "sk_live_wrong_key" not in error.message, f"message {error.message!r}")
        return
    raise AssertionError("a wrong key must raise AuthenticationError")


@flow("agents.revoke")
def _agents_revoke():
    agent = need("agent")
    check(client.agents.revoke(agent.id, reason="compromised") is True, "revoke returns True")
    check(client.agents.get(agent.id).status.value == "revoked", "status revoked")
    result = client.actions.check(agent_id=agent.id, tool_name="web_search", action_effect="read")
    check(result.allowed is False, "a revoked agent is denied")


def main() -> int:
    failed = 0
    for name, fn in results:
        started = time.monotonic()
        try:
            fn()
        except Exception as error:  # one line per flow, whatever went wrong
            failed += 1
            mine = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == __file__]
            where = f" (flows.py:{mine[-1].lineno})" if mine else ""
            print(f"FAIL {name}: {type(error).__name__}: {error}{where}")
            continue
        print(f"ok   {name} ({(time.monotonic() - started) * 1000:.0f} ms)")
    print(f"{len(results) - failed}/{len(results)} flows passed against {BASE_URL}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

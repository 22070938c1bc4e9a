"""The `langchain` extra with the real langchain-core: tools invoked with the callback handler
are checked before they run and reported after."""

from __future__ import annotations

import pytest

from agenttrustid import AgentTrustClient
from agenttrustid.exceptions import ActionDeniedError, ElevationRequiredError
from agenttrustid.guard import ATIGuard

from .conftest import MockGateway

langchain_core = pytest.importorskip("langchain_core")
from langchain_core.runnables import RunnableConfig  # noqa: E402
from langchain_core.tools import tool  # noqa: E402

from agenttrustid.langchain import AgentTrustCallbackHandler  # noqa: E402


def test_callback_handler_guards_tools(client: AgentTrustClient, gateway: MockGateway) -> None:
    agent = client.agents.create(name="lc-bot", capabilities=["web:search", "db:*", "flaky"])
    ran: list[str] = []

    @tool
    def web_search(query: str) -> str:
        """Search the web."""
        ran.append(f"search:{query}")
        return f"results for {query}"

    @tool
    def send_email(to: str) -> str:
        """Send an email."""
        ran.append(f"email:{to}")
        return "sent"

    @tool
    def db_delete(table: str) -> str:
        """Delete a table."""
        ran.append(f"delete:{table}")
        return "deleted"

    @tool
    def flaky(x: int) -> int:
        """Always fails."""
        raise ZeroDivisionError("boom")

    with ATIGuard(client, agent.id, log_inputs=True, flush_interval=60) as guard:
        handler = AgentTrustCallbackHandler(guard, effects={"db_delete": "destructive"})
        config: RunnableConfig = {"callbacks": [handler]}
        assert web_search.invoke({"query": "AI safety"}, config=config) == "results for AI safety"
        with pytest.raises(ActionDeniedError):
            send_email.invoke({"to": "x@example.com"}, config=config)
        with pytest.raises(ElevationRequiredError) as info:
            db_delete.invoke({"table": "users"}, config=config)
        assert info.value.approval_id
        with pytest.raises(Exception, match="boom"):
            flaky.invoke({"x": 1}, config=config)

    assert ran == ["search:AI safety"]
    checks = [r["body"] for r in gateway.requests("checkAction")]
    assert [c["action_name"] for c in checks] == ["web_search", "send_email", "db_delete", "flaky"]  # type: ignore[index]
    assert "AI safety" in checks[0]["action_input_summary"]  # type: ignore[index]
    assert checks[2]["action_effect"] == "destructive"  # type: ignore[index]
    events = [e for r in gateway.requests("reportTelemetry") for e in r["body"]["events"]]  # type: ignore[index]
    assert [(e["tool_name"], e["success"], e.get("error_type")) for e in events] == [
        ("web_search", True, None),
        ("flaky", False, "ZeroDivisionError"),
    ]

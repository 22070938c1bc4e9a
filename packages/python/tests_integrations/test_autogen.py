"""The AutoGen integration with the real packages: Microsoft AutoGen's AssistantAgent
(autogen-agentchat, a replayed model) and AG2's ConversableAgent (autogen) run guarded tools."""

from __future__ import annotations

import json
from typing import Any

import pytest
from autogen import ConversableAgent
from autogen_agentchat.agents import AssistantAgent
from autogen_core import CancellationToken, FunctionCall
from autogen_core.models import CreateResult, RequestUsage
from autogen_core.tools import FunctionTool
from autogen_ext.models.replay import ReplayChatCompletionClient

from agenttrustid import AgentTrustClient, AsyncAgentTrustClient
from agenttrustid.autogen_callback import (
    AgentTrustAutoGenMiddleware,
    AgentTrustAutoGenToolWrapper,
    agenttrust_register_tool,
    agenttrust_wrap_tool,
)
from agenttrustid.exceptions import ActionDeniedError, GuardianUnavailableError
from agenttrustid.types import Agent

from .conftest import API_KEY, Gateway

RAN: list[str] = []
MODEL_INFO: Any = {
    "vision": False,
    "function_calling": True,
    "json_output": False,
    "family": "unknown",
    "structured_output": False,
}


@pytest.fixture(autouse=True)
def _clear() -> None:
    RAN.clear()


def web_search(query: str) -> str:
    """Searches the web."""
    RAN.append(f"web_search:{query}")
    return f"results for {query}"


def send_email(to: str) -> str:
    """Sends an email."""
    RAN.append(f"send_email:{to}")
    return "sent"


def calls(*pairs: tuple[str, dict[str, Any]]) -> CreateResult:
    content = [
        FunctionCall(id=str(i), name=name, arguments=json.dumps(args)) for i, (name, args) in enumerate(pairs)
    ]
    usage = RequestUsage(prompt_tokens=0, completion_tokens=0)
    return CreateResult(finish_reason="function_calls", content=content, usage=usage, cached=False)


async def test_assistant_agent_runs_guarded_tools_and_the_denied_one_never_runs(
    client: AgentTrustClient, agent: Agent, gateway: Gateway
) -> None:
    guard_options: dict[str, Any] = {"client": client, "agent_id": agent.id}
    search = agenttrust_wrap_tool(**guard_options, action_effect="read")(web_search)
    email = agenttrust_wrap_tool(**guard_options)(send_email)
    model = ReplayChatCompletionClient(
        [calls(("web_search", {"query": "AI"}), ("send_email", {"to": "boss@example.com"})), "done"],
        model_info=MODEL_INFO,
    )
    assistant = AssistantAgent("assistant", model_client=model, tools=[search, email])
    result = await assistant.run(task="search, then mail")
    outcomes = {
        r.name: r for m in result.messages if type(m).__name__ == "ToolCallExecutionEvent" for r in m.content
    }
    assert outcomes["web_search"].content == "results for AI" and not outcomes["web_search"].is_error
    assert outcomes["send_email"].is_error and "ACTION_DENIED" in outcomes["send_email"].content
    assert RAN == ["web_search:AI"]
    search.close()  # type: ignore[attr-defined]
    email.close()  # type: ignore[attr-defined]
    checks = gateway.checks()
    assert sorted((c["action_name"], c.get("action_effect")) for c in checks) == [
        ("send_email", None),
        ("web_search", "read"),
    ]
    assert all("action_input_summary" not in c for c in checks)  # private by default
    assert [(e["tool_name"], e["success"]) for e in gateway.events()] == [("web_search", True)]


async def test_coroutine_tools_with_the_async_client(agent: Agent, gateway: Gateway) -> None:
    async with AsyncAgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as aclient:

        @agenttrust_wrap_tool(client=aclient, agent_id=agent.id, log_inputs=True, action_effect="read")
        async def db_lookup(query: str) -> str:
            """Looks something up."""
            RAN.append(f"db_lookup:{query}")
            return query.upper()

        tool = FunctionTool(db_lookup, description="Looks something up.")
        assert tool.schema["parameters"]["properties"] == {
            "query": {"description": "query", "title": "Query", "type": "string"}
        }
        assert await tool.run_json({"query": "ai"}, CancellationToken()) == "AI"
        await db_lookup.close()  # type: ignore[attr-defined]
    assert RAN == ["db_lookup:ai"]
    assert gateway.checks()[0]["action_input_summary"] == "query=ai"
    assert gateway.events()[0]["tool_name"] == "db_lookup"


async def test_register_tool_returns_a_function_tool_for_autogen_agentchat(
    client: AgentTrustClient, agent: Agent, gateway: Gateway
) -> None:
    tool = agenttrust_register_tool(
        None, web_search, client=client, agent_id=agent.id, tool_name="db_search", action_effect="read"
    )
    assert isinstance(tool, FunctionTool) and tool.name == "db_search"
    assert await tool.run_json({"query": "x"}, CancellationToken()) == "results for x"
    assert gateway.checks()[0]["action_name"] == "db_search"


def test_register_tool_with_ag2_conversable_agents(
    client: AgentTrustClient, agent: Agent, gateway: Gateway
) -> None:
    assistant = ConversableAgent(
        "assistant", llm_config={"config_list": [{"model": "gpt-4o", "api_key": "unused"}]}
    )
    executor = ConversableAgent("executor", llm_config=False, human_input_mode="NEVER")
    wrapped = agenttrust_register_tool(
        assistant, web_search, client=client, agent_id=agent.id, executor=executor
    )
    denied = agenttrust_register_tool(
        assistant, send_email, client=client, agent_id=agent.id, executor=executor
    )
    assert isinstance(wrapped, AgentTrustAutoGenToolWrapper)
    proposed = {t["function"]["name"]: t["function"] for t in assistant.llm_config["tools"]}
    assert proposed["web_search"]["parameters"]["properties"]["query"]["type"] == "string"
    ok, answer = executor.execute_function({"name": "web_search", "arguments": '{"query": "x"}'})
    assert ok and answer["content"] == "results for x"
    ok, answer = executor.execute_function({"name": "send_email", "arguments": '{"to": "y"}'})
    assert not ok and "ACTION_DENIED" in str(answer["content"])
    assert RAN == ["web_search:x"]
    wrapped.close()
    denied.close()


def test_wrapper_and_middleware_follow_the_guard_rules(
    client: AgentTrustClient, agent: Agent, gateway: Gateway
) -> None:
    soft = AgentTrustAutoGenToolWrapper(send_email, client, agent.id, block_on_deny=False)
    assert soft("x").startswith("Tool 'send_email' denied by AgentTrust ID Guardian")
    assert soft.__name__ == "send_email" and "Sends an email" in (soft.__doc__ or "")
    with AgentTrustAutoGenMiddleware(client, agent.id) as middleware:
        assert middleware.on_tool_call("web_search", "secret input") is True
        with pytest.raises(ActionDeniedError):
            middleware.on_tool_call("send_email")
        middleware.on_tool_result("web_search", success=False, duration_ms=5, error_type="TimeoutError")
    assert all("action_input_summary" not in c for c in gateway.checks())
    assert gateway.events()[0]["error_type"] == "TimeoutError"
    gateway.fault(operation="checkAction", kind="drop", times=10)
    closed = AgentTrustAutoGenToolWrapper(web_search, client, agent.id)
    with pytest.raises(GuardianUnavailableError):
        closed("x")
    assert AgentTrustAutoGenToolWrapper(web_search, client, agent.id, fail_open=True)("x") == "results for x"
    assert RAN == ["web_search:x"]

"""The CrewAI integration with the real crewai: a crew whose scripted LLM calls guarded tools."""

from __future__ import annotations

from typing import Any

import pytest
from crewai import Agent as CrewAgent
from crewai import Crew, Task
from crewai.llms.base_llm import BaseLLM
from crewai.tools import BaseTool

from agenttrustid import AgentTrustClient
from agenttrustid.crewai_callback import (
    AgentTrustCrewAICallback,
    AgentTrustCrewAIToolWrapper,
    agenttrust_protect_crew,
)
from agenttrustid.exceptions import ActionDeniedError
from agenttrustid.types import Agent

from .conftest import Gateway

RAN: list[str] = []


class ScriptedLLM(BaseLLM):
    """Answers with the next scripted ReAct step: no model, no network."""

    def __init__(self, replies: list[str]) -> None:
        super().__init__(model="scripted")
        self._replies = list(replies)

    def call(
        self,
        messages: Any,
        tools: Any = None,
        callbacks: Any = None,
        available_functions: Any = None,
        from_task: Any = None,
        from_agent: Any = None,
        response_model: Any = None,
    ) -> str:
        return self._replies.pop(0)

    def supports_function_calling(self) -> bool:
        return False


class WebSearch(BaseTool):
    name: str = "web_search"
    description: str = "Searches the web."

    def _run(self, query: str) -> str:
        RAN.append(f"web_search:{query}")
        return f"results for {query}"


class SendEmail(BaseTool):
    name: str = "send_email"
    description: str = "Sends an email."

    def _run(self, to: str) -> str:
        RAN.append(f"send_email:{to}")
        return "sent"


def action(tool: str, arguments: str) -> str:
    return f"Thought: I use {tool}\nAction: {tool}\nAction Input: {arguments}"


def make_crew(llm: ScriptedLLM, **crew_options: Any) -> Crew:
    worker = CrewAgent(
        role="researcher", goal="find news", backstory="b", tools=[WebSearch(), SendEmail()], llm=llm
    )
    task = Task(description="Find AI news", expected_output="a summary", agent=worker, name="news")
    return Crew(agents=[worker], tasks=[task], **crew_options)


@pytest.fixture(autouse=True)
def _clear() -> None:
    RAN.clear()


def test_protect_crew_checks_every_tool_call_and_blocks_the_denied_one(
    client: AgentTrustClient, agent: Agent, gateway: Gateway
) -> None:
    llm = ScriptedLLM(
        [
            action("web_search", '{"query": "AI news"}'),
            action("send_email", '{"to": "boss@example.com"}'),  # no capability: denied
            "Thought: done\nFinal Answer: AI news summarized",
        ]
    )
    crew = make_crew(llm)
    guard = agenttrust_protect_crew(crew, client=client, agent_id=agent.id, effects={"web_search": "read"})
    assert all(isinstance(t, AgentTrustCrewAIToolWrapper) for t in crew.agents[0].tools)
    result = crew.kickoff()
    guard.close()
    assert "AI news summarized" in str(result)
    assert RAN == ["web_search:AI news"]  # send_email was checked, denied, and never ran
    checks = gateway.checks()
    # CrewAI retries a failing tool call a few times: each retry is checked and denied again.
    assert (checks[0]["action_name"], checks[0]["action_effect"]) == ("web_search", "read")
    assert len(checks) > 1 and all(c["action_name"] == "send_email" for c in checks[1:])
    assert all("action_input_summary" not in c for c in checks)  # private by default
    assert {c["session_id"] for c in checks} == {guard.session_id}
    assert [(e["tool_name"], e["event_type"]) for e in gateway.events()] == [("web_search", "tool_end")]


def test_wrapper_keeps_the_tool_schema_and_sends_inputs_only_with_log_inputs(
    client: AgentTrustClient, agent: Agent, gateway: Gateway
) -> None:
    tool = WebSearch()
    wrapped = AgentTrustCrewAIToolWrapper(tool, client, agent.id, log_inputs=True, max_input_chars=12)
    assert (wrapped.name, wrapped.description, wrapped.args_schema) == (
        tool.name,
        tool.description,
        tool.args_schema,
    )
    assert wrapped.run(query="AI news today") == "results for AI news today"
    wrapped.close()
    assert gateway.checks()[0]["action_input_summary"] == "query=AI new"
    assert gateway.events()[0]["success"] is True


def test_denial_raises_or_answers_and_the_tool_never_runs(client: AgentTrustClient, agent: Agent) -> None:
    with AgentTrustCrewAIToolWrapper(SendEmail(), client=client, agent_id=agent.id) as wrapped:
        with pytest.raises(ActionDeniedError) as denied:
            wrapped.run(to="x@example.com")
        assert denied.value.code == "ACTION_DENIED"
    soft = AgentTrustCrewAIToolWrapper(SendEmail(), client=client, agent_id=agent.id, block_on_deny=False)
    answer = soft.run(to="x@example.com")
    assert answer.startswith("Tool 'send_email' denied by AgentTrust ID Guardian")
    assert RAN == []


def test_callback_records_task_and_step_events(
    client: AgentTrustClient, agent: Agent, gateway: Gateway
) -> None:
    callback = AgentTrustCrewAICallback(client, agent.id, flush_interval=60)
    llm = ScriptedLLM([action("web_search", '{"query": "x"}'), "Thought: done\nFinal Answer: ok"])
    crew = make_crew(llm, step_callback=callback.step_callback, task_callback=callback.task_callback)
    agenttrust_protect_crew(crew, client=client, agent_id=agent.id, session_id=callback.session_id)
    crew.kickoff()
    callback.on_task_start("manual")
    callback.close()
    kinds = [(e["event_type"], e["tool_name"]) for e in gateway.events()]
    assert ("task_end", "news") in kinds and ("task_start", "manual") in kinds
    assert any(kind == "step_end" for kind, _ in kinds)
    assert all("error_type" not in e for e in gateway.events() if e["event_type"] != "tool_error")

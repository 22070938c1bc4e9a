"""AsyncATIGuard against the mock gateway: the sync guard's rules (denial, elevation, fail
closed/open, breaker, privacy, the decorator) awaited, and telemetry batched by an asyncio task,
never a thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest

from agenttrustid import AgentTrustClient, AsyncAgentTrustClient
from agenttrustid.exceptions import (
    ActionDeniedError,
    ElevationRequiredError,
    GuardianUnavailableError,
    ValidationError,
)
from agenttrustid.guard import AsyncAgentTrustGuard, AsyncATIGuard, FailedOpenDecision
from agenttrustid.types import Agent

from .conftest import API_KEY, MockGateway
from .test_guard import telemetry_events

# The async fixtures live in the session loop (asyncio_default_fixture_loop_scope): so do the tests.
pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
async def aclient(gateway: MockGateway) -> AsyncIterator[AsyncAgentTrustClient]:
    async with AsyncAgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as c:
        yield c


@pytest.fixture
async def agent(aclient: AsyncAgentTrustClient) -> Agent:
    return await aclient.agents.create(name="guarded", capabilities=["web:search", "db:*"])


def telemetry_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "agenttrustid-telemetry"]


async def until(condition: object, rounds: int = 500) -> None:
    """Yields to the loop until `condition()` holds (bounded; no wall-clock assertion)."""
    for _ in range(rounds):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never held")


async def test_async_with_checks_reports_and_flushes_on_exit(
    aclient: AsyncAgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    assert AsyncAgentTrustGuard is AsyncATIGuard
    async with AsyncATIGuard(aclient, agent_id=agent.id, flush_interval=60) as guard:
        decision = await guard.check("web_search", input_summary="AI news", action_effect="read")
        assert decision.allowed is True
        for i in range(3):
            guard.report("web_search", success=True, duration_ms=10 + i)
        await asyncio.sleep(0)
        assert telemetry_events(gateway) == []  # a partial batch waits for the interval or aclose
    assert [e["duration_ms"] for e in telemetry_events(gateway)] == [10, 11, 12]
    guard.report("web_search", success=True, duration_ms=1)  # after aclose: dropped, not raised
    stats = guard.stats()
    assert stats["telemetry"]["sent"] == 3 and stats["telemetry"]["dropped"] == 1
    assert stats["checks"]["allowed"] == 1


async def test_full_batches_go_out_from_a_task_not_a_thread(
    aclient: AsyncAgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    before = telemetry_threads()
    guard = AsyncATIGuard(aclient, agent.id, batch_size=2, flush_interval=60)
    for i in range(5):
        guard.report("web_search", success=i != 3, duration_ms=i, error_type=None if i != 3 else "ValueError")
    await until(lambda: guard.stats()["telemetry"]["sent"] == 4)  # two full batches, no flush()
    assert telemetry_threads() == before
    assert guard.stats()["telemetry"]["queued"] == 1
    assert await guard.aclose() is True
    events = telemetry_events(gateway)
    assert [e["duration_ms"] for e in events] == [0, 1, 2, 3, 4]
    assert events[3]["event_type"] == "tool_error" and events[3]["error_type"] == "ValueError"
    assert telemetry_threads() == before


async def test_the_interval_sends_a_partial_batch(
    aclient: AsyncAgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    guard = AsyncATIGuard(aclient, agent.id, flush_interval=0.05)
    guard.report("web_search", success=True, duration_ms=7)
    await until(lambda: guard.stats()["telemetry"]["sent"] == 1)
    assert [e["duration_ms"] for e in telemetry_events(gateway)] == [7]
    await guard.aclose()


async def test_a_failed_batch_is_dropped_counted_and_never_raised(
    aclient: AsyncAgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    gateway.fault(operation="reportTelemetry", kind="status", status=500, times=1)
    guard = AsyncATIGuard(aclient, agent.id, flush_interval=60)
    guard.report("web_search", success=True, duration_ms=1)
    assert await guard.flush() is False
    guard.report("web_search", success=True, duration_ms=2)
    assert await guard.flush() is True  # flush sends at once, backoff or not
    stats = guard.stats()["telemetry"]
    assert (stats["sent"], stats["dropped"], stats["failed_batches"]) == (1, 1, 1)
    await guard.aclose()


async def test_denial_and_elevation_raise_as_in_the_sync_guard(
    aclient: AsyncAgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    async with AsyncATIGuard(aclient, agent.id) as guard:
        with pytest.raises(ActionDeniedError) as denied:
            await guard.check("send_email", action_effect="mutating")
        assert denied.value.details["rule"] == "no_capability" and denied.value.details["retryable"] is False
        with pytest.raises(ElevationRequiredError) as elevation:
            await guard.check("db_delete", action_effect="destructive")
        assert elevation.value.details["approval_id"]
    async with AsyncATIGuard(aclient, agent.id, block_on_deny=False) as guard:
        decision = await guard.check("send_email", action_effect="mutating")
        assert decision.allowed is False
        assert guard.stats()["checks"]["denied"] == 1


async def test_wait_for_approval_with_an_async_callback(aclient: AsyncAgentTrustClient, agent: Agent) -> None:
    asked: list[dict[str, object]] = []

    async def on_request(request: dict[str, object]) -> None:
        asked.append(request)
        await aclient.approvals.approve(str(request["approval_id"]), decided_by="admin@company.com")

    async with AsyncATIGuard(aclient, agent.id) as guard:
        decision = await guard.check_or_wait_for_approval(
            "db_delete", action_effect="destructive", poll_interval=0.01, on_approval_required=on_request
        )
    assert decision.allowed is True
    assert asked and asked[0]["tool_name"] == "db_delete" and asked[0]["action_effect"] == "destructive"


async def test_fail_closed_fail_open_and_the_breaker(agent: Agent, gateway: MockGateway) -> None:
    gateway.fault(operation="checkAction", kind="drop", times=100)
    async with AsyncAgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as aclient:
        guard = AsyncATIGuard(aclient, agent.id, breaker={"failure_threshold": 2, "cooldown": 60})
        for _ in range(2):
            with pytest.raises(GuardianUnavailableError):
                await guard.check("web_search")
        sent = len(gateway.requests("checkAction"))
        with pytest.raises(GuardianUnavailableError, match="circuit breaker"):
            await guard.check("web_search")
        assert len(gateway.requests("checkAction")) == sent  # failed fast, nothing sent
        open_guard = AsyncATIGuard(aclient, agent.id, fail_open=True)
        decision = await open_guard.check("web_search")
        assert isinstance(decision, FailedOpenDecision) and decision.allowed
        assert open_guard.stats()["checks"]["failed_open"] == 1


async def test_inputs_stay_private_unless_log_inputs(
    aclient: AsyncAgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    async with AsyncATIGuard(aclient, agent.id) as guard:
        await guard.check("web_search", input_summary="secret query")
    async with AsyncATIGuard(aclient, agent.id, log_inputs=True) as guard:
        await guard.check("web_search", input_summary="x" * 300)
    bodies = [r["body"] for r in gateway.requests("checkAction")]
    assert [b.get("action_input_summary", "") for b in bodies if isinstance(b, dict)] == ["", "x" * 200]


async def test_wrap_awaits_the_check_runs_and_reports(
    aclient: AsyncAgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    calls: list[str] = []
    guard = AsyncATIGuard(aclient, agent.id, block_on_deny=False)

    @guard.wrap("web_search", action_effect="read")
    async def search(query: str) -> str:
        calls.append(query)
        return f"results for {query}"

    @guard.wrap("send_email")
    async def send(to: str) -> None:
        calls.append(to)

    @guard.wrap("db_read", action_effect="read")
    async def broken() -> None:
        raise KeyError("x")

    assert await search("ai") == "results for ai"
    with pytest.raises(ActionDeniedError):
        await send("x@example.com")  # denied: never runs, even with block_on_deny=False
    with pytest.raises(KeyError):
        await broken()
    assert calls == ["ai"]
    await guard.aclose()
    events = telemetry_events(gateway)
    assert [(e["tool_name"], e.get("error_type")) for e in events] == [
        ("web_search", None),
        ("db_read", "KeyError"),
    ]
    with pytest.raises(ValidationError):
        guard.wrap("web_search")(lambda: None)  # type: ignore[type-var]


async def test_a_sync_client_is_refused(gateway: MockGateway) -> None:
    with (
        AgentTrustClient(base_url=gateway.url, api_key=API_KEY) as sync_client,
        pytest.raises(ValidationError) as refused,
    ):
        AsyncATIGuard(sync_client, "agent")  # type: ignore[arg-type]
    assert refused.value.details["field"] == "client"

"""ATIGuard behaviour specific to Python: the context manager, report() from many threads,
bounded memory, the circuit breaker, the decorator, and summary truncation."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator

import pytest

from agenttrustid import AgentTrustClient
from agenttrustid._truncate import truncate_summary
from agenttrustid.exceptions import (
    ActionDeniedError,
    ApprovalTimeoutError,
    GuardianUnavailableError,
    ValidationError,
)
from agenttrustid.guard import ATIGuard, FailedOpenDecision, digest_tool_input
from agenttrustid.types import Agent

from .conftest import MockGateway


@pytest.fixture
def agent(client: AgentTrustClient) -> Agent:
    return client.agents.create(name="guarded", capabilities=["web:search", "db:*"])


def telemetry_events(gateway: MockGateway) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    for request in gateway.requests("reportTelemetry"):
        body = request["body"]
        assert isinstance(body, dict)
        events += body["events"]
    return events


def test_context_manager_flushes_and_stops(
    client: AgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    with ATIGuard(client, agent_id=agent.id, flush_interval=60) as guard:
        guard.check("web_search", input_summary="AI news", action_effect="read")
        for i in range(3):
            guard.report("web_search", success=True, duration_ms=10 + i)
        assert telemetry_events(gateway) == []  # a partial batch waits for the interval or close
    assert [e["duration_ms"] for e in telemetry_events(gateway)] == [10, 11, 12]
    guard.report("web_search", success=True, duration_ms=1)  # after close: dropped, not raised
    assert guard.stats()["telemetry"]["dropped"] == 1
    assert guard.stats()["telemetry"]["sent"] == 3


def test_report_from_many_threads_loses_nothing(
    client: AgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    guard = ATIGuard(client, agent.id, batch_size=100, queue_capacity=10_000, flush_interval=0.05)
    threads, per_thread = 8, 250

    def work(n: int) -> None:
        for i in range(per_thread):
            guard.report(f"tool_{n}", success=i % 2 == 0, duration_ms=i)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert guard.close(timeout=30) is True
    stats = guard.stats()["telemetry"]
    assert stats["sent"] == threads * per_thread and stats["dropped"] == 0 and stats["queued"] == 0
    events = telemetry_events(gateway)
    assert len(events) == threads * per_thread
    assert all(len(r["body"]["events"]) <= 100 for r in gateway.requests("reportTelemetry"))  # type: ignore[index]
    for n in range(threads):
        durations = sorted(int(str(e["duration_ms"])) for e in events if e["tool_name"] == f"tool_{n}")
        assert durations == list(range(per_thread))


def test_queue_is_bounded_and_bad_reports_never_raise(client: AgentTrustClient, agent: Agent) -> None:
    guard = ATIGuard(client, agent.id, queue_capacity=5, flush_interval=60)
    for _ in range(8):
        guard.report("web_search", True, 1)
    guard.report(None, True, 1)  # type: ignore[arg-type]
    guard.report("", True, 1)
    guard.report("web_search", "yes", float("nan"), error_type=3)  # type: ignore[arg-type]
    stats = guard.stats()["telemetry"]
    assert stats["queued"] == 5 and stats["dropped"] == 6
    guard.close()


def test_invalid_arguments_are_typed_errors(client: AgentTrustClient, agent: Agent) -> None:
    with pytest.raises(ValidationError):
        ATIGuard(client, "")
    with pytest.raises(ValidationError):
        ATIGuard(client, agent.id, batch_size=1001)  # the gateway takes at most 1000 events
    with pytest.raises(ValidationError):
        ATIGuard(client, agent.id, batch_size=0)
    with ATIGuard(client, agent.id) as guard:
        with pytest.raises(ValidationError, match="action_effect"):
            guard.check("web_search", action_effect="catastrophic")
        with pytest.raises(ValidationError):
            guard.check("")


def test_session_id_longer_than_the_checks_limit_is_refused_at_construction(
    client: AgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    # The check's `session_id` has maxLength 128 in the spec: a longer id would make every check a 400.
    with pytest.raises(ValidationError) as refused:
        ATIGuard(client, agent.id, session_id="s" * 129)
    assert refused.value.code == "VALIDATION_ERROR" and refused.value.details["field"] == "session_id"
    assert gateway.requests("checkAction") == []
    with ATIGuard(client, agent.id, session_id="é" * 128) as guard:  # characters, not bytes
        assert guard.check("web_search").allowed


def test_denial_retryable_is_derived_from_the_decision(
    client: AgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    with ATIGuard(client, agent.id) as guard:
        with pytest.raises(ActionDeniedError) as denied:
            guard.check("send_email", action_effect="mutating")
        assert denied.value.details["rule"] == "no_capability"
        assert denied.value.details["retryable"] is False and denied.value.retryable is False
        gateway.set_agent_status(agent.id, "suspended")
        with pytest.raises(ActionDeniedError) as suspended:
            guard.check("web_search")
        assert suspended.value.details["rule"] == "agent_suspended"
        assert suspended.value.details["retryable"] is True and suspended.value.retryable is True
    with ATIGuard(client, agent.id, block_on_deny=False) as guard:
        decision = guard.check("web_search")
        assert not decision.allowed and decision.to_dict()["retryable"] is True
        gateway.set_agent_status(agent.id, "active")
        assert "retryable" not in guard.check("web_search").to_dict()  # type: ignore[union-attr]
        decision = guard.check("send_email", action_effect="mutating")
        assert decision.to_dict()["retryable"] is False  # type: ignore[union-attr]
        pending = guard.check("db_delete", action_effect="destructive")  # an elevation a human can grant
        assert pending.elevation_required and pending.to_dict()["retryable"] is True


def test_breaker_opens_after_repeated_failures(agent: Agent, gateway: MockGateway) -> None:
    client = AgentTrustClient(base_url=gateway.url, api_key="sk_test_agenttrust", max_retries=0)
    gateway.fault(operation="checkAction", kind="drop", times=100)
    guard = ATIGuard(client, agent.id, breaker={"failure_threshold": 2, "cooldown": 60})
    for _ in range(2):
        with pytest.raises(GuardianUnavailableError):
            guard.check("web_search")
    sent = len(gateway.requests("checkAction"))
    with pytest.raises(GuardianUnavailableError, match="circuit breaker"):
        guard.check("web_search")
    assert len(gateway.requests("checkAction")) == sent  # failed fast, nothing sent
    assert guard.stats()["breaker"]["state"] == "open"  # type: ignore[index]
    open_guard = ATIGuard(client, agent.id, fail_open=True, breaker={"failure_threshold": 1, "cooldown": 60})
    decision = open_guard.check("web_search")
    assert isinstance(decision, FailedOpenDecision) and decision.allowed
    assert open_guard.stats()["checks"]["failed_open"] == 1
    client.close()


def test_wrap_checks_runs_and_reports(client: AgentTrustClient, agent: Agent, gateway: MockGateway) -> None:
    calls: list[str] = []
    guard = ATIGuard(client, agent.id, block_on_deny=False)

    @guard.wrap("web_search", action_effect="read")
    def search(query: str) -> str:
        calls.append(query)
        return f"results for {query}"

    @guard.wrap("send_email")
    def send(to: str) -> None:
        calls.append(to)

    assert search("ai") == "results for ai"
    with pytest.raises(ActionDeniedError):
        send("x@example.com")  # denied: never runs, even with block_on_deny=False
    assert calls == ["ai"]
    guard.close()
    assert [e["tool_name"] for e in telemetry_events(gateway)] == ["web_search"]


def test_the_input_never_leaves_the_process(
    client: AgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    asked: list[dict[str, object]] = []
    with ATIGuard(client, agent.id) as guard:
        guard.check("web_search", input={"b": 1, "a": [1, 2]})
        with pytest.raises(ApprovalTimeoutError):
            guard.check_or_wait_for_approval(
                "db_delete",
                action_effect="destructive",
                input={"b": 1, "a": [1, 2]},
                timeout=0.01,
                on_approval_required=asked.append,
            )
    # The gateway's check has no input field: only the spec's keys go out, with no summary
    # (log_inputs is off), and neither the input nor its digest.
    for request in gateway.requests("checkAction"):
        body = request["body"]
        assert isinstance(body, dict)
        assert set(body) <= {
            "agent_id",
            "session_id",
            "action_name",
            "action_source",
            "action_input_summary",
            "action_effect",
        }
        assert body.get("action_input_summary", "") == ""
    # The digest binds the local approval request (shown to the caller's callback) to this input.
    digest = hashlib.sha256(b'{"a":[1,2],"b":1}').hexdigest()
    assert asked and asked[0]["tool_input_digest"] == digest
    assert digest_tool_input("x") == hashlib.sha256(b"x").hexdigest()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short", "short"),
        ("a" * 250, "a" * 200),
        ("\U0001f600" * 250, "\U0001f600" * 200),
        # On code points, as every SDK: the boundary may fall inside an accented letter or an
        # emoji sequence (what the gateway gets must not depend on the language).
        ("a" * 199 + "e\u0301", "a" * 199 + "e"),
        ("a" * 198 + "\U0001f468\u200d\U0001f469", "a" * 198 + "\U0001f468\u200d"),
    ],
)
def test_truncation_by_code_point(text: str, expected: str) -> None:
    assert truncate_summary(text) == expected


@pytest.fixture
def slow_gateway(gateway: MockGateway) -> Iterator[MockGateway]:
    gateway.fault(operation="reportTelemetry", kind="latency", latency_ms=300)
    yield gateway
    gateway.clear_faults()


def test_report_does_not_block_on_a_slow_gateway(
    client: AgentTrustClient, agent: Agent, slow_gateway: MockGateway
) -> None:
    guard = ATIGuard(client, agent.id, batch_size=10, flush_interval=0.01)
    for _ in range(200):
        guard.report("web_search", True, 1)
    # Each batch takes 300 ms to send: had report() waited for the network, nothing would be
    # queued now; instead nearly all of it still is.
    assert guard.stats()["telemetry"]["queued"] > 100
    assert guard.close(timeout=0.5) is False  # gave up waiting; what is left is dropped, counted
    assert guard.stats()["telemetry"]["queued"] == 0
    for _ in range(100):  # the batch still in flight at close() finishes in the background
        stats = guard.stats()["telemetry"]
        if not stats["in_flight"] and stats["sent"] + stats["dropped"] == 200:
            break
        threading.Event().wait(0.05)
    assert stats["sent"] + stats["dropped"] == 200


def _approve_when_asked(client: AgentTrustClient, decision: str) -> tuple[list[dict[str, object]], object]:
    asked: list[dict[str, object]] = []

    def on_request(request: dict[str, object]) -> None:
        asked.append(request)
        approval_id = str(request["approval_id"])
        # A human decides a moment later, from another thread.
        act = client.approvals.approve if decision == "approve" else client.approvals.deny
        threading.Timer(0.2, lambda: act(approval_id, decided_by="admin@company.com")).start()

    return asked, on_request


def test_wait_for_approval_then_allowed(client: AgentTrustClient, agent: Agent) -> None:
    asked, on_request = _approve_when_asked(client, "approve")
    with ATIGuard(client, agent.id) as guard:
        decision = guard.check_or_wait_for_approval(
            "db_delete",
            action_effect="destructive",
            poll_interval=0.1,
            on_approval_required=on_request,  # type: ignore[arg-type]
        )
    assert decision.allowed is True
    assert asked and asked[0]["tool_name"] == "db_delete" and asked[0]["action_effect"] == "destructive"


def test_wait_for_approval_denied_or_timed_out(client: AgentTrustClient, agent: Agent) -> None:
    from agenttrustid.exceptions import ApprovalDeniedError, ApprovalTimeoutError

    _, on_request = _approve_when_asked(client, "deny")
    with ATIGuard(client, agent.id) as guard:
        with pytest.raises(ApprovalDeniedError) as denied:
            guard.check_or_wait_for_approval(
                "db_delete",
                action_effect="destructive",
                poll_interval=0.1,
                on_approval_required=on_request,  # type: ignore[arg-type]
            )
        assert (
            denied.value.code == "APPROVAL_DENIED"
            and denied.value.details["decided_by"] == "admin@company.com"
        )
        with pytest.raises(ApprovalTimeoutError):
            guard.check_or_wait_for_approval(
                "db_drop", action_effect="destructive", timeout=0.3, poll_interval=0.1
            )
        # Allowed calls need no approval and return at once.
        assert guard.check_or_wait_for_approval("web_search").allowed is True

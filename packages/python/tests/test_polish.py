"""The defaults and polish every SDK shares (issue 15): base URL and environment variables, the
missing-key rule, AGENTTRUST_LOG, raw responses with the request id, and the error classes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from agenttrustid import AgentTrustClient, AsyncAgentTrustClient, RawResponse, resources
from agenttrustid._client import AgentTrustClientWithRawResponse, AsyncAgentTrustClientWithRawResponse
from agenttrustid.exceptions import (
    AgentRevokedError,
    AgentTrustError,
    AuthenticationError,
    AuthorizationError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    TokenExpiredError,
    ValidationError,
    error_from_response,
)
from agenttrustid.types import Agent, HealthResponse, Token

from .conftest import API_KEY, MockGateway

ENV = (
    "AGENTTRUST_URL",
    "AGENTTRUST_BASE_URL",
    "AGENTTRUST_API_KEY",
    "AGENTTRUST_AUTH_URL",
    "AGENTTRUST_AUDIT_URL",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# --- 1. base URL ------------------------------------------------------------------------------


class TestBaseUrl:
    @pytest.mark.parametrize("cls", [AgentTrustClient, AsyncAgentTrustClient])
    def test_default_is_localhost_8080(self, env: pytest.MonkeyPatch, cls: Any) -> None:
        assert cls().base_url == "http://localhost:8080"
        env.setenv("AGENTTRUST_API_KEY", "sk_test_x")
        assert cls.from_env().base_url == "http://localhost:8080"

    @pytest.mark.parametrize("factory", ["constructor", "from_env"])
    def test_url_then_base_url_then_default(self, env: pytest.MonkeyPatch, factory: str) -> None:
        env.setenv("AGENTTRUST_API_KEY", "sk_test_x")

        def make() -> AgentTrustClient:
            return AgentTrustClient() if factory == "constructor" else AgentTrustClient.from_env()

        env.setenv("AGENTTRUST_BASE_URL", "http://second.invalid")
        assert make().base_url == "http://second.invalid"
        env.setenv("AGENTTRUST_URL", "http://first.invalid")
        assert make().base_url == "http://first.invalid"
        env.setenv("AGENTTRUST_URL", "")  # empty counts as unset
        assert make().base_url == "http://second.invalid"
        env.setenv("AGENTTRUST_BASE_URL", "")
        assert make().base_url == "http://localhost:8080"
        assert AgentTrustClient(base_url="http://arg.invalid").base_url == "http://arg.invalid"


# --- 2. API key and the missing-key rule ------------------------------------------------------


class TestMissingKey:
    @pytest.mark.parametrize("cls", [AgentTrustClient, AsyncAgentTrustClient])
    @pytest.mark.parametrize("value", [None, ""])
    def test_from_env_without_a_key_names_the_variable(
        self, env: pytest.MonkeyPatch, cls: Any, value: str | None
    ) -> None:
        if value is not None:
            env.setenv("AGENTTRUST_API_KEY", value)
        with pytest.raises(ConfigurationError) as info:
            cls.from_env()
        assert info.value.code == "VALIDATION_ERROR"
        assert info.value.details["field"] == "api_key"
        assert "AGENTTRUST_API_KEY" in info.value.message

    def test_an_explicit_empty_key_is_refused_at_construction(self, env: pytest.MonkeyPatch) -> None:
        with pytest.raises(ConfigurationError) as info:
            AgentTrustClient(api_key="")
        assert info.value.details["field"] == "api_key"

    def test_the_key_comes_from_the_environment(self, env: pytest.MonkeyPatch, gateway: MockGateway) -> None:
        env.setenv("AGENTTRUST_API_KEY", API_KEY)
        with AgentTrustClient(base_url=gateway.url) as client:
            assert client.has_api_key
            assert client.agents.list() == []

    def test_an_operation_needing_the_key_fails_before_sending(
        self, env: pytest.MonkeyPatch, gateway: MockGateway
    ) -> None:
        with (
            AgentTrustClient(base_url=gateway.url, max_retries=0) as client,  # no key: accepted
            pytest.raises(ConfigurationError) as info,
        ):
            client.agents.list()
        assert info.value.code == "VALIDATION_ERROR"
        assert info.value.status is None
        assert info.value.details == {"field": "api_key"}
        assert info.value.message == "no API key: pass api_key or set AGENTTRUST_API_KEY"
        assert gateway.requests() == []  # nothing was sent

    async def test_the_async_client_too(self, env: pytest.MonkeyPatch, gateway: MockGateway) -> None:
        async with AsyncAgentTrustClient(base_url=gateway.url, max_retries=0) as client:
            with pytest.raises(ConfigurationError, match="AGENTTRUST_API_KEY"):
                await client.agents.create(name="bot")
        assert gateway.requests() == []

    def test_a_public_operation_proceeds(self, env: pytest.MonkeyPatch, gateway: MockGateway) -> None:
        with AgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as keyed:
            agent = keyed.agents.create(name="card-bot", capabilities=["web:search"])
            keyed.agent_cards.publish(agent.id)
        with AgentTrustClient(base_url=gateway.url, max_retries=0) as public:
            assert public.agent_cards.get_public(agent.id).name == "card-bot"


# --- 3. AGENTTRUST_LOG ------------------------------------------------------------------------

SCRIPT = textwrap.dedent(
    """
    import sys
    from agenttrustid import AgentCredentials, AgentTrustClient

    url, mode = sys.argv[1], sys.argv[2]
    with AgentTrustClient(base_url=url, api_key="sk_test_agenttrust", max_retries=1) as client:
        if mode == "check":
            agent = client.agents.create(name="log-bot", capabilities=["web:search"], metadata={"note": "BODY_MARK"})
            credentials = AgentCredentials(client, agent.id)
            client.actions.check(agent.id, "web_search", tool_input_summary="INPUT_MARK",
                                 request_options={"credentials": credentials})
            token = client.tokens.issue(agent.id, ["web:search"])
            print(token.token, credentials.headers("POST", url)["Authorization"], file=open(sys.argv[3], "w"))
            print(client.key_store.get(agent.id).export_private_pem().splitlines()[1], file=open(sys.argv[3], "a"))
        elif mode == "fail":
            try:
                client.agents.get("agt_missing")
            except Exception:
                pass
        elif mode == "tls":
            AgentTrustClient(base_url=url, verify_tls=False)
    """
)


def run_logged(gateway: MockGateway, level: str | None, mode: str, tmp_path: Any) -> tuple[list[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTTRUST_")}
    if level is not None:
        env["AGENTTRUST_LOG"] = level
    secrets = tmp_path / "secrets.txt"
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", SCRIPT, gateway.url, mode, str(secrets)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.splitlines(), secrets.read_text() if secrets.exists() else ""


class TestLogging:
    def test_debug_logs_each_attempt_and_no_secret(self, gateway: MockGateway, tmp_path: Any) -> None:
        lines, secrets = run_logged(gateway, "debug", "check", tmp_path)
        check = [line for line in lines if "POST /api/v1/agenttrust/check" in line]
        assert len(check) == 1, lines
        assert check[0].startswith("agenttrustid debug POST /api/v1/agenttrust/check -> HTTP 200 in ")
        assert "(attempt 1, request id " in check[0] and "request id none" not in check[0]
        assert all(line.startswith("agenttrustid ") for line in lines), lines
        text = "\n".join(lines)
        token, bearer, pem_line = secrets.split()[0], secrets.split()[2], secrets.splitlines()[1]
        for secret in ("sk_test_agenttrust", token, bearer, pem_line, "BODY_MARK", "INPUT_MARK", "DPoP"):
            assert secret and secret not in text, secret

    @pytest.mark.parametrize("level", ["DEBUG", "Debug"])
    def test_levels_are_case_insensitive(self, gateway: MockGateway, tmp_path: Any, level: str) -> None:
        lines, _ = run_logged(gateway, level, "fail", tmp_path)
        assert any(
            line.startswith("agenttrustid debug GET /api/v1/agents/agt_missing -> HTTP 404") for line in lines
        )

    def test_error_logs_the_final_failure_only(self, gateway: MockGateway, tmp_path: Any) -> None:
        lines, _ = run_logged(gateway, "error", "fail", tmp_path)
        assert lines == [
            line
            for line in lines
            if line.startswith("agenttrustid error GET /api/v1/agents/{agent_id} failed: ")
        ]
        assert len(lines) == 1 and "NotFoundError NOT_FOUND (HTTP 404, request id " in lines[0]

    def test_info_logs_retries_with_delay_and_reason(self, gateway: MockGateway, tmp_path: Any) -> None:
        gateway.fault(operation="getAgent", kind="status", status=503, retry_after=0, times=1)
        lines, _ = run_logged(gateway, "info", "fail", tmp_path)
        assert [line for line in lines if " debug " in line] == []
        retry = [line for line in lines if line.startswith("agenttrustid info retrying GET /api/v1/agents/")]
        assert len(retry) == 1 and " in 0.000 s (retry 1 of 1) after HTTP 503" in retry[0], lines

    def test_warn_logs_tls_off(self, gateway: MockGateway, tmp_path: Any) -> None:
        lines, _ = run_logged(gateway, "warn", "tls", tmp_path)
        assert lines == [
            "agenttrustid warn TLS certificate verification is off (verify_tls=False): for local development only"
        ]

    @pytest.mark.parametrize("level", [None, "off", "", "OFF"])
    def test_off_by_default(self, gateway: MockGateway, tmp_path: Any, level: str | None) -> None:
        lines, _ = run_logged(gateway, level, "tls", tmp_path)
        assert lines == []

    def test_an_unknown_value_is_off_with_one_warning(self, gateway: MockGateway, tmp_path: Any) -> None:
        lines, _ = run_logged(gateway, "verbose", "fail", tmp_path)
        assert len(lines) == 1, lines
        assert lines[0].startswith(
            "agenttrustid warn AGENTTRUST_LOG='verbose' is not one of off, error, warn, info, debug"
        )

    def test_the_applications_logger_gets_the_events(
        self, gateway: MockGateway, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("AGENTTRUST_LOG", raising=False)
        caplog.set_level("DEBUG", logger="agenttrustid")
        with AgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as client:
            client.agents.list()
        ours = [r for r in caplog.records if r.name == "agenttrustid"]
        assert len(ours) == 1
        assert ours[0].getMessage().startswith("GET /api/v1/agents -> HTTP 200 in ")


# --- 4. raw response and request id -----------------------------------------------------------


class TestRawResponse:
    def test_sync(self, client: AgentTrustClient, gateway: MockGateway) -> None:
        raw = client.with_raw_response.agents.create(name="raw-bot", capabilities=["web:search"])
        assert isinstance(raw, RawResponse)
        agent = raw.parse()
        assert isinstance(agent, Agent) and agent.name == "raw-bot"
        assert raw.status_code == 201
        assert raw.headers["content-type"].startswith("application/json")
        journal = gateway.requests("createAgent")
        assert len(journal) == 1  # no second request
        assert raw.request_id and raw.request_id == raw.headers["x-request-id"]
        assert API_KEY not in repr(raw)
        assert not hasattr(raw, "request")  # the request (and its API key header) is not kept
        # plain calls are unchanged
        assert isinstance(client.agents.get(agent.id), Agent)

    async def test_async(self, gateway: MockGateway) -> None:
        async with AsyncAgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as client:
            raw = await client.with_raw_response.agents.list()
            assert raw.parse() == [] and raw.status_code == 200 and raw.request_id
            health = await client.with_raw_response.health()
            assert isinstance(health.parse(), HealthResponse)

    def test_root_and_void_operations(self, client: AgentTrustClient) -> None:
        assert isinstance(client.with_raw_response.health().parse(), HealthResponse)
        agent = client.agents.create(name="bot", capabilities=["files:read"])
        token = client.tokens.issue(agent.id, ["files:read"])
        raw = client.with_raw_response.tokens.revoke(token.token)
        assert raw.parse() is None and 200 <= raw.status_code < 300

    def test_a_cached_call_still_asks_the_gateway(
        self, client: AgentTrustClient, gateway: MockGateway
    ) -> None:
        agent = client.agents.create(name="bot", capabilities=["files:read"])
        first = client.tokens.issue(agent.id, ["files:read"])
        raw = client.with_raw_response.tokens.issue(agent.id, ["files:read"])
        assert isinstance(raw.parse(), Token) and raw.status_code == 201
        assert len(gateway.requests("issueToken")) == 2
        assert raw.parse().token != first.token

    def test_errors_raise_as_usual(self, client: AgentTrustClient) -> None:
        with pytest.raises(NotFoundError) as info:
            client.with_raw_response.agents.get("agt_missing")
        assert info.value.request_id

    def test_every_method_has_a_raw_twin(self) -> None:
        import inspect

        client = AgentTrustClient(api_key="sk_test_x")
        raw = client.with_raw_response
        assert isinstance(raw, AgentTrustClientWithRawResponse)
        assert isinstance(AsyncAgentTrustClient().with_raw_response, AsyncAgentTrustClientWithRawResponse)
        names = [n for n in resources.__all__ if not n.startswith("Async")]
        assert len(names) == 14
        for attr, resource in vars(client).items():
            if type(resource).__name__ not in names:
                continue
            generated = {
                n for n, f in vars(type(resource)).items() if inspect.isfunction(f) and not n.startswith("_")
            }
            assert generated and generated == set(vars(getattr(raw, attr))), attr


# --- 5. error classes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, None, ValidationError),
        (401, None, AuthenticationError),
        (403, None, AuthorizationError),
        (404, None, NotFoundError),
        (409, None, ConflictError),
        (429, None, RateLimitError),
        (500, None, InternalServerError),
        (502, None, InternalServerError),
        (503, None, InternalServerError),
        (401, "TOKEN_EXPIRED", TokenExpiredError),
        (403, "AGENT_REVOKED", AgentRevokedError),
    ],
)
def test_error_class_per_status_and_code(status: int, code: str | None, cls: type[AgentTrustError]) -> None:
    body = {"message": "nope", "details": {"field": "x"}, **({"code": code} if code else {})}
    error = error_from_response(status, body, "req_1")
    assert type(error) is cls
    assert (error.status, error.message, error.details, error.request_id) == (
        status,
        "nope",
        {"field": "x"},
        "req_1",
    )
    assert error.code.value == (code or error.code.value)


def test_sdk_raised_errors() -> None:
    assert issubclass(ConfigurationError, ValidationError)
    assert issubclass(RequestTimeoutError, NetworkError)
    with pytest.raises(NetworkError) as info:
        AgentTrustClient(base_url="http://127.0.0.1:9", api_key="sk_test_x", max_retries=0).health()
    assert info.value.code.value == "NETWORK_ERROR" and info.value.status is None

"""Client behaviour the conformance scenarios do not reach: configuration, secrets, decoding of
values a newer gateway may send, per-call options, and the async client."""

from __future__ import annotations

import pickle
import uuid
from typing import Any, ClassVar

import pytest

from agenttrustid import AgentTrustClient, AsyncAgentTrustClient
from agenttrustid._base_client import _parse_retry_after
from agenttrustid.exceptions import (
    AgentTrustError,
    ConfigurationError,
    NotFoundError,
    RequestTimeoutError,
    ValidationError,
)
from agenttrustid.types import A2aMessage, A2aV1Task, Agent, AgentStatus, Token, UnknownVariant

from .conftest import API_KEY, MockGateway


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (
        "AGENTTRUST_URL",
        "AGENTTRUST_BASE_URL",
        "AGENTTRUST_API_KEY",
        "AGENTTRUST_AUTH_URL",
        "AGENTTRUST_AUDIT_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


class TestFromEnv:
    def test_names_the_missing_key(self, no_env: pytest.MonkeyPatch) -> None:
        # The base URL falls back to the default; only the key is required (tests/test_polish.py).
        with pytest.raises(ConfigurationError, match="AGENTTRUST_API_KEY") as info:
            AgentTrustClient.from_env()
        assert info.value.code == "VALIDATION_ERROR"
        assert "AGENTTRUST_URL" not in info.value.message
        assert info.value.details["field"] == "api_key"
        assert isinstance(info.value, ValidationError)

    def test_reads_base_url_alias_and_key(self, no_env: pytest.MonkeyPatch, gateway: MockGateway) -> None:
        no_env.setenv("AGENTTRUST_BASE_URL", gateway.url)
        no_env.setenv("AGENTTRUST_API_KEY", API_KEY)
        with AgentTrustClient.from_env(max_retries=0) as client:
            assert client.base_url == gateway.url
            assert client.agents.list() == []

    def test_url_wins_over_base_url(self, no_env: pytest.MonkeyPatch) -> None:
        no_env.setenv("AGENTTRUST_URL", "http://first.invalid")
        no_env.setenv("AGENTTRUST_BASE_URL", "http://second.invalid")
        no_env.setenv("AGENTTRUST_API_KEY", "sk_test_x")
        assert AgentTrustClient.from_env().base_url == "http://first.invalid"


class TestConfiguration:
    def test_rejects_a_base_url_that_is_not_http(self, no_env: pytest.MonkeyPatch) -> None:
        with pytest.raises(ConfigurationError, match="base_url"):
            AgentTrustClient(base_url="ftp://example.com", api_key="sk")

    @pytest.mark.parametrize("options", [{"timeout": -1}, {"max_retries": -1}, {"max_retries": 1.5}])
    def test_rejects_bad_numbers(self, options: dict[str, Any]) -> None:
        with pytest.raises(ValidationError):
            AgentTrustClient(base_url="http://127.0.0.1:9", api_key="sk", **options)

    def test_the_key_is_never_printed_or_pickled(self) -> None:
        client = AgentTrustClient(base_url="http://127.0.0.1:9", api_key="sk_live_SECRET")
        assert "SECRET" not in repr(client)
        assert "SECRET" not in str(client)
        assert "SECRET" not in repr(client.agents)
        with pytest.raises(TypeError):
            pickle.dumps(client)

    def test_secret_fields_are_masked_in_repr(self) -> None:
        token = Token.model_validate(
            {
                "token": "atk_SECRET",
                "token_type": "Bearer",
                "agent_id": "agt_1",
                "scopes": [],
                "audience": [],
                "issued_at": "2026-11-22T10:00:00Z",
                "expires_at": "2026-11-22T10:05:00Z",
            }
        )
        assert "atk_SECRET" not in repr(token) and "atk_SECRET" not in str(token)
        assert token.token == "atk_SECRET"  # still usable

    def test_errors_pickle_with_their_fields(self) -> None:
        error = NotFoundError("NOT_FOUND", "no agent", details={"id": "x"}, status=404, request_id="req_1")
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is NotFoundError
        assert (copy.code, copy.status, copy.details, copy.request_id) == (
            "NOT_FOUND",
            404,
            {"id": "x"},
            "req_1",
        )


class TestOptions:
    def test_split_deployment_urls(self, no_env: pytest.MonkeyPatch) -> None:
        # The official :8081 rule, an explicit URL, and the environment variables.
        derived = AgentTrustClient(base_url="http://gw:8081", api_key="k")
        assert derived.service_urls == {"auth": "http://gw:8082", "audit": "http://gw:8084"}
        plain = AgentTrustClient(
            base_url="https://gw.example.com", api_key="k", auth_url="https://auth.example.com/"
        )
        assert plain.service_urls == {"auth": "https://auth.example.com", "audit": "https://gw.example.com"}
        no_env.setenv("AGENTTRUST_AUDIT_URL", "http://audit:1")
        assert (
            AgentTrustClient(base_url="http://gw:8081", api_key="k").service_urls["audit"] == "http://audit:1"
        )
        with pytest.raises(ConfigurationError):
            AgentTrustClient(base_url="http://gw", api_key="k", auth_url="ftp://x")

    def test_checks_go_to_the_auth_service(self, gateway: MockGateway) -> None:
        # The mock serves every service, so a client whose auth URL is the mock and whose base
        # URL is unreachable still checks actions, and fails on everything else.
        with (
            AgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as setup,
            AgentTrustClient(
                base_url="http://127.0.0.1:9", auth_url=gateway.url, api_key=API_KEY, max_retries=0
            ) as client,
        ):
            agent = setup.agents.create(name="split", capabilities=["web:search"])
            assert client.actions.check(agent_id=agent.id, tool_name="web_search").allowed is True
            with pytest.raises(AgentTrustError):
                client.agents.get(agent.id)

    def test_from_config(self, no_env: pytest.MonkeyPatch, tmp_path: Any) -> None:
        path = tmp_path / "agenttrust.json"
        path.write_text('{"base_url": "http://gw:8081", "audit_url": "http://audit:2", "api_key": "k"}')
        client = AgentTrustClient.from_config(path, timeout=5)
        assert (client.base_url, client.timeout) == ("http://gw:8081", 5.0)
        assert client.service_urls == {"auth": "http://gw:8082", "audit": "http://audit:2"}
        assert "'k'" not in repr(client)
        path.write_text('{"base_url": "http://gw", "apikey": "typo"}')
        with pytest.raises(ConfigurationError, match="apikey"):
            AgentTrustClient.from_config(path)
        with pytest.raises(ConfigurationError):
            AgentTrustClient.from_config(tmp_path / "missing.json")

    def test_verify_tls_off_warns(self) -> None:
        with pytest.warns(UserWarning, match="verify_tls=False"):
            client = AgentTrustClient(base_url="https://localhost:8443", api_key="k", verify_tls=False)
        assert client.verify_tls is False
        with pytest.raises(ConfigurationError):
            AgentTrustClient(api_key="k", verify_tls="no")  # type: ignore[arg-type]


class TestNewerGateway:
    AGENT: ClassVar[dict[str, Any]] = {
        "id": "agt_1",
        "name": "bot",
        "org_id": "org_1",
        "framework": "",
        "capabilities": [],
        "metadata": {"keepMyCase": {"innerKey": 1}},
        "public_key": "",
        "status": "hibernating",
        "created_at": "2026-11-22T10:00:00Z",
        "last_auth_at": None,
        "revoked_at": None,
        "revocation_reason": None,
        "brand_new_field": [1, 2],
    }

    def test_unknown_enum_values_and_fields_are_kept(self) -> None:
        agent = Agent.model_validate(self.AGENT)
        assert agent.status == "hibernating"
        assert isinstance(agent.status, AgentStatus)
        assert AgentStatus("active") is AgentStatus.ACTIVE
        assert agent.to_dict()["brand_new_field"] == [1, 2]
        assert agent.metadata == {"keepMyCase": {"innerKey": 1}}

    def test_unknown_union_variant_is_kept(self) -> None:
        message = A2aMessage.model_validate(
            {"role": "user", "parts": [{"kind": "text", "text": "hi"}, {"kind": "file", "uri": "s3://x"}]}
        )
        assert isinstance(message.parts[1], UnknownVariant)
        assert message.parts[1].to_dict() == {"kind": "file", "uri": "s3://x"}

    def test_a_missing_required_field_is_invalid(self) -> None:
        broken = {k: v for k, v in self.AGENT.items() if k != "status"}
        with pytest.raises(Exception, match="status"):
            Agent.model_validate(broken)


class TestCalls:
    def test_empty_path_parameter_is_rejected_before_sending(
        self, client: AgentTrustClient, gateway: MockGateway
    ) -> None:
        with pytest.raises(ValidationError) as info:
            client.agents.get("")
        assert info.value.details == {"field": "agent_id"}
        assert info.value.status is None
        assert gateway.requests() == []

    def test_path_parameters_are_encoded(self, client: AgentTrustClient, gateway: MockGateway) -> None:
        with pytest.raises(NotFoundError):
            client.agents.get("a/b?c")
        assert gateway.requests()[-1]["path"] == "/api/v1/agents/a%2Fb%3Fc"

    def test_headers_and_per_call_idempotency_key(
        self, client: AgentTrustClient, gateway: MockGateway
    ) -> None:
        key = str(uuid.uuid4())
        client.agents.create(name="hdr-bot", request_options={"idempotency_key": key})
        headers = gateway.requests("createAgent")[-1]["headers"]
        assert isinstance(headers, dict)
        assert headers["idempotency-key"] == key
        assert headers["user-agent"].startswith("agenttrustid-sdk-python/")
        # The org key goes in X-API-Key (the mock's journal keeps its published test keys), never
        # as a bearer token.
        assert headers["x-api-key"] == API_KEY
        assert "authorization" not in headers

    def test_per_call_timeout(self, client: AgentTrustClient, gateway: MockGateway) -> None:
        gateway.fault(operation="listAgents", kind="latency", latency_ms=1000, times=1)
        with pytest.raises(RequestTimeoutError) as info:
            client.agents.list(request_options={"timeout": 0.2})
        assert info.value.code == "TIMEOUT"

    def test_with_options_shares_the_pool(self, client: AgentTrustClient, gateway: MockGateway) -> None:
        readonly = client.with_options(api_key="sk_test_readonly")
        assert readonly.agents.list() == []
        with pytest.raises(AgentTrustError) as info:
            readonly.agents.create(name="nope")
        assert info.value.code == "AUTH_DENIED"
        readonly.close()  # does not close the shared pool
        assert client.agents.list() == []

    def test_send_message_takes_plain_text(self, client: AgentTrustClient, gateway: MockGateway) -> None:
        target = client.agents.create(name="b")
        task = client.a2a.send_message(target.id, "Search for recent AI safety papers")
        assert isinstance(task, A2aV1Task) and task.history
        assert task.history[0].parts[0].to_dict() == {
            "kind": "text",
            "text": "Search for recent AI safety papers",
        }
        # The message had no id: the SDK generated a fresh UUID (x-sdk-generate).
        sent = gateway.requests("sendA2aMessage")[-1]["body"]
        assert isinstance(sent, dict)
        assert sent["method"] == "message/send" and sent["jsonrpc"] == "2.0"
        message_id = sent["params"]["message"]["messageId"]
        assert uuid.UUID(message_id).version == 4
        assert task.history[0].message_id == message_id

    def test_send_message_keeps_the_callers_message_id(
        self, client: AgentTrustClient, gateway: MockGateway
    ) -> None:
        target = client.agents.create(name="b")
        parts = [{"kind": "text", "text": "hi"}]
        client.a2a.send_message(target.id, A2aMessage(role="user", parts=parts, message_id="m-1"))
        message = A2aMessage(role="user", parts=parts)
        client.a2a.send_message(target.id, message)
        client.a2a.send_message(target.id, {"role": "user", "parts": parts})
        ids = [r["body"]["params"]["message"]["messageId"] for r in gateway.requests("sendA2aMessage")]  # type: ignore[index]
        assert ids[0] == "m-1"
        assert len(set(ids)) == 3  # each message left without an id gets its own
        assert "message_id" not in message.model_fields_set  # the caller's object is not changed


def test_retry_after_forms() -> None:
    assert _parse_retry_after("2") == 2.0
    assert _parse_retry_after("0.5") == 0.5
    assert _parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert _parse_retry_after("soon") is None
    assert _parse_retry_after(None) is None


async def test_async_client(gateway: MockGateway) -> None:
    async with AsyncAgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=1) as client:
        gateway.fault(operation="createAgent", kind="status", status=503, retry_after=0, times=1)
        agent = await client.agents.create(name="async-bot", capabilities=["web:search"])
        decision = await client.actions.check(agent_id=agent.id, tool_name="web_search")
        assert decision.allowed is True
        with pytest.raises(NotFoundError):
            await client.agents.get("agt_missing")
    assert len(gateway.requests("createAgent")) == 2


class TestTokenCache:
    def test_issued_tokens_are_cached_per_agent_scopes_and_audience(
        self, client: AgentTrustClient, gateway: MockGateway
    ) -> None:
        agent = client.agents.create(name="cache-bot", capabilities=["files:read", "web:search"])
        first = client.tokens.issue(agent_id=agent.id, scopes=["files:read", "web:search"], ttl_seconds=300)
        again = client.tokens.issue(agent_id=agent.id, scopes=["web:search", "files:read"], ttl_seconds=300)
        assert again.token == first.token and again is not first
        assert len(gateway.requests("issueToken")) == 1
        other = client.tokens.issue(agent_id=agent.id, scopes=["files:read"])
        fresh = client.tokens.issue(agent_id=agent.id, scopes=["files:read"], use_cache=False)
        assert len({first.token, other.token, fresh.token}) == 3
        client.tokens.revoke(first.token)  # evicts it
        replaced = client.tokens.issue(agent_id=agent.id, scopes=["files:read", "web:search"])
        assert replaced.token != first.token
        assert len(gateway.requests("issueToken")) == 4

    def test_a_token_is_replaced_before_it_expires(self, client: AgentTrustClient) -> None:
        now = [1000.0]
        client._token_cache._clock = lambda: now[0]
        agent = client.agents.create(name="ttl-bot", capabilities=["files:read"])
        first = client.tokens.issue(agent_id=agent.id, scopes=["files:read"], ttl_seconds=300)
        now[0] += 269  # refresh at 300 s - min(30 s, 300 s / 10) = 270 s
        assert client.tokens.issue(agent_id=agent.id, scopes=["files:read"]).token == first.token
        now[0] += 2
        assert client.tokens.issue(agent_id=agent.id, scopes=["files:read"]).token != first.token

    def test_revoking_the_agent_drops_its_cached_tokens(
        self, client: AgentTrustClient, gateway: MockGateway
    ) -> None:
        agent = client.agents.create(name="revoked-bot", capabilities=["files:read"])
        other = client.agents.create(name="kept-bot", capabilities=["files:read"])
        client.tokens.issue(agent_id=agent.id, scopes=["files:read"])
        kept = client.tokens.issue(agent_id=other.id, scopes=["files:read"])
        client.agents.revoke(agent.id, reason="compromised")
        # The gateway is asked again (and refuses), instead of the stale token coming back.
        with pytest.raises(AgentTrustError) as info:
            client.tokens.issue(agent_id=agent.id, scopes=["files:read"])
        assert info.value.code == "AGENT_REVOKED"
        assert client.tokens.issue(agent_id=other.id, scopes=["files:read"]).token == kept.token
        assert len(gateway.requests("issueToken")) == 3

    async def test_async_callers_share_one_request(self, gateway: MockGateway) -> None:
        import asyncio

        async with AsyncAgentTrustClient(base_url=gateway.url, api_key=API_KEY) as client:
            agent = await client.agents.create(name="async-cache", capabilities=["files:read"])
            tokens = await asyncio.gather(
                *(client.tokens.issue(agent_id=agent.id, scopes=["files:read"]) for _ in range(5))
            )
        assert len({t.token for t in tokens}) == 1
        assert len(gateway.requests("issueToken")) == 1


def test_the_key_never_reaches_logs_or_errors(gateway: MockGateway, caplog: pytest.LogCaptureFixture) -> None:
    secret = "sk_test_agenttrust"
    caplog.set_level("DEBUG")
    gateway.fault(operation="listAgents", kind="status", status=500, retry_after=0, times=5)
    with (
        AgentTrustClient(base_url=gateway.url, api_key=secret, max_retries=1) as client,
        pytest.raises(AgentTrustError) as info,
    ):
        client.agents.list()
    assert "retrying GET /api/v1/agents" in caplog.text  # the retry was logged...
    assert secret not in caplog.text  # ...without the key
    error = info.value
    assert secret not in f"{error} {error!r} {error.message} {error.details}"


def test_every_sync_method_has_an_async_twin_with_the_same_signature() -> None:
    import inspect

    from agenttrustid import resources

    pairs = [
        (getattr(resources, n), getattr(resources, f"Async{n}"))
        for n in resources.__all__
        if not n.startswith("Async")
    ]
    assert len(pairs) == 14
    for sync_cls, async_cls in pairs:
        sync_methods = {
            n for n, f in vars(sync_cls).items() if inspect.isfunction(f) and not n.startswith("_")
        }
        async_methods = {n for n, f in vars(async_cls).items() if inspect.iscoroutinefunction(f)}
        assert sync_methods == async_methods, sync_cls
        for name in sync_methods:
            sync_sig = inspect.signature(getattr(sync_cls, name))
            async_sig = inspect.signature(getattr(async_cls, name))
            assert list(sync_sig.parameters) == list(async_sig.parameters), f"{sync_cls.__name__}.{name}"

"""Agent identity against the mock: generated keys, key stores, proof of possession, WIMSE
tokens, DPoP proofs, AgentCredentials (caching, single-flight renewal, the 401 retry), the
guard with both organization flags on, and secrets kept out of every printed, logged,
pickled or serialized form."""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import json
import logging
import os
import pickle
import stat
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import pydantic
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from agenttrustid import (
    AgentCredentials,
    AgentKeyPair,
    AgentTrustClient,
    AsyncAgentTrustClient,
    FileKeyStore,
    KeychainKeyStore,
    KeychainUnavailableError,
    KeyNotFoundError,
    MemoryKeyStore,
    mint_dpop_proof,
    pop_message,
    sign_pop,
)
from agenttrustid._facts import DPOP_TYP, KEYCHAIN_SERVICE, POP_MESSAGE
from agenttrustid.exceptions import (
    ActionDeniedError,
    AuthenticationError,
    ElevationRequiredError,
    ValidationError,
)
from agenttrustid.guard import ATIGuard
from agenttrustid.identity import WimseProof
from agenttrustid.types import Agent, WimseToken

from .conftest import API_KEY, MockGateway


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jws_parts(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    header, payload, signature = token.split(".")
    return (
        json.loads(b64url_decode(header)),
        json.loads(b64url_decode(payload)),
        b64url_decode(signature),
        f"{header}.{payload}".encode("ascii"),
    )


def enforce(client: AgentTrustClient, on: bool = True) -> None:
    client.orgs.update_security_settings(require_proof_of_possession=on, require_sender_constrained_tokens=on)


@pytest.fixture
def agent(client: AgentTrustClient) -> Agent:
    return client.agents.create(name="keyed", capabilities=["web:search", "db:*"])


# --- keys and key stores -------------------------------------------------------------------


def test_create_generates_a_key_and_sends_only_the_public_half(
    client: AgentTrustClient, gateway: MockGateway
) -> None:
    agent = client.agents.create(name="keyed")
    pair = client.key_store.get(agent.id)
    assert pair is not None
    assert agent.public_key == pair.public_key_pem
    assert pair.public_key_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert isinstance(load_pem_public_key(pair.public_key_pem.encode()), Ed25519PublicKey)
    sent = gateway.requests("createAgent")[0]["body"]
    assert isinstance(sent, dict) and sent["public_key"] == pair.public_key_pem
    journal = json.dumps(gateway.requests())
    assert "PRIVATE KEY" not in journal
    assert pair.export_private_pem().startswith("-----BEGIN PRIVATE KEY-----")


def test_create_with_a_public_key_generates_and_stores_nothing(client: AgentTrustClient) -> None:
    own = AgentKeyPair.generate()
    agent = client.agents.create(name="own-key", public_key=own.public_key_pem)
    assert agent.public_key == own.public_key_pem
    assert client.key_store.get(agent.id) is None


async def test_async_create_stores_the_key(gateway: MockGateway) -> None:
    async with AsyncAgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as aclient:
        agent = await aclient.agents.create(name="async-keyed")
        pair = aclient.key_store.get(agent.id)
        assert pair is not None and pair.public_key_pem == agent.public_key


def test_key_pair_round_trips_through_pkcs8() -> None:
    pair = AgentKeyPair.generate()
    again = AgentKeyPair.from_private_pem(pair.export_private_pem())
    assert again == pair and again.thumbprint() == pair.thumbprint()
    with pytest.raises(ValidationError) as caught:
        AgentKeyPair.from_private_pem("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    assert "not a key" not in str(caught.value)


def test_jwk_and_thumbprint_match_rfc8037() -> None:
    # RFC 8037 appendix A.1 (the key) and A.3 (its RFC 7638 thumbprint).
    d = b64url_decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
    pair = AgentKeyPair(Ed25519PrivateKey.from_private_bytes(d))
    assert pair.public_jwk() == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    }
    assert pair.thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_file_store_modes_round_trip_and_refusals(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    store = FileKeyStore(directory)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    pair = AgentKeyPair.generate()
    store.put("agent_1", pair)
    path = directory / "agent_1.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert store.get("agent_1") == pair
    replacement = AgentKeyPair.generate()
    store.put("agent_1", replacement)  # atomic replace, no temporary file left behind
    assert store.get("agent_1") == replacement
    assert sorted(os.listdir(directory)) == ["agent_1.pem"]
    assert store.get("missing") is None
    store.delete("agent_1")
    store.delete("agent_1")
    assert store.get("agent_1") is None
    for bad in ("../escape", "a/b", ".hidden", "..", "", "-flag", "x" * 201, "a\x00b"):
        with pytest.raises(ValidationError) as caught:
            store.put(bad, pair)
        assert caught.value.details["field"] == "agent_id"
    assert sorted(os.listdir(directory)) == []
    assert not (tmp_path / "escape.pem").exists()


def test_file_store_keeps_keys_across_instances_and_clients(tmp_path: Path, gateway: MockGateway) -> None:
    with AgentTrustClient(base_url=gateway.url, api_key=API_KEY, key_store=FileKeyStore(tmp_path)) as c:
        agent = c.agents.create(name="file-keyed")
    with AgentTrustClient(base_url=gateway.url, api_key=API_KEY, key_store=FileKeyStore(tmp_path)) as c:
        token = c.wimse.issue_token_with_proof(agent.id)
        assert c.wimse.verify_token(token.token).valid is True


@pytest.fixture
def memory_keyring() -> Iterator[dict[tuple[str, str], str]]:
    """An in-memory keyring backend, so the keychain store runs without an OS keychain."""
    import keyring
    import keyring.backend

    entries: dict[tuple[str, str], str] = {}

    class Backend(keyring.backend.KeyringBackend):
        priority = 1

        def get_password(self, service: str, username: str) -> str | None:
            return entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            del entries[(service, username)]

    previous = keyring.get_keyring()
    keyring.set_keyring(Backend())  # type: ignore[no-untyped-call]  # keyring's __init__ is untyped
    try:
        yield entries
    finally:
        keyring.set_keyring(previous)


def test_keychain_store_uses_the_service_name(memory_keyring: dict[tuple[str, str], str]) -> None:
    store = KeychainKeyStore()
    pair = AgentKeyPair.generate()
    store.put("agent-1", pair)
    assert KEYCHAIN_SERVICE == "agenttrust-id"
    assert list(memory_keyring) == [(KEYCHAIN_SERVICE, "agent-1")]
    assert store.get("agent-1") == pair
    store.delete("agent-1")
    store.delete("agent-1")  # a missing entry is no error
    assert store.get("agent-1") is None
    assert "PRIVATE" not in repr(store)


def test_keychain_backend_failures_are_typed_and_quote_nothing(
    memory_keyring: dict[tuple[str, str], str],
) -> None:
    import keyring

    store = KeychainKeyStore(service="custom-service")
    pair = AgentKeyPair.generate()

    def refuse(service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {password}")

    backend = keyring.get_keyring()
    backend.set_password = refuse  # type: ignore[method-assign]
    with pytest.raises(KeychainUnavailableError) as caught:
        store.put("agent-1", pair)
    assert "PRIVATE" not in str(caught.value) and caught.value.details["cause"] == "RuntimeError"


def test_keychain_store_without_keyring_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # as if the extra were not installed
    with pytest.raises(KeychainUnavailableError) as caught:
        KeychainKeyStore()
    assert "agenttrustid[keychain]" in caught.value.message
    assert caught.value.code == "VALIDATION_ERROR"


def test_sdk_imports_without_keyring() -> None:
    code = (
        "import sys; sys.modules['keyring'] = None; import agenttrustid; "
        "from agenttrustid import AgentTrustClient, MemoryKeyStore; print('ok')"
    )
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


# --- proof of possession and WIMSE ------------------------------------------------------------


def test_pop_message_uses_the_facts_template() -> None:
    assert POP_MESSAGE == "pop-v1:{nonce}:{agent_id}:{audience}:{ts}"
    assert pop_message("n1", "agent_1", ["a", "b"], 42) == b"pop-v1:n1:agent_1:a,b:42"
    pair = AgentKeyPair.generate()
    signature = b64url_decode(sign_pop(pair, "n1", "agent_1", [], 7))
    pair.public_key.verify(signature, b"pop-v1:n1:agent_1::7")


def test_issue_token_with_proof_binds_the_key(client: AgentTrustClient, agent: Agent) -> None:
    token = client.wimse.issue_token_with_proof(agent.id, audience=["svc"], ttl_seconds=600)
    verified = client.wimse.verify_token(token.token)
    assert verified.valid is True and verified.agent_id == agent.id
    _, claims, _, _ = jws_parts(token.token)
    pair = client.key_store.get(agent.id)
    assert pair is not None and claims["cnf"]["jkt"] == pair.thumbprint()
    assert claims["aud"] == ["svc"]


def test_proof_of_possession_flag(client: AgentTrustClient, agent: Agent) -> None:
    client.orgs.update_security_settings(require_proof_of_possession=True)
    with pytest.raises(AuthenticationError) as caught:
        client.wimse.issue_token(agent.id)
    assert caught.value.code == "AUTH_FAILED" and caught.value.status == 401
    assert client.wimse.issue_token_with_proof(agent.id).token


def test_a_signature_of_another_key_is_refused(client: AgentTrustClient, agent: Agent) -> None:
    other = MemoryKeyStore()
    other.put(agent.id, AgentKeyPair.generate())
    with pytest.raises(AuthenticationError) as caught:
        client.wimse.issue_token_with_proof(agent.id, key_store=other)
    assert caught.value.details.get("field") == "proof.signature"


def test_missing_key_names_the_agent(client: AgentTrustClient) -> None:
    agent = client.agents.create(name="elsewhere", public_key=AgentKeyPair.generate().public_key_pem)
    with pytest.raises(KeyNotFoundError) as caught:
        client.wimse.issue_token_with_proof(agent.id)
    assert caught.value.code == "VALIDATION_ERROR"
    assert agent.id in caught.value.message and caught.value.details["agent_id"] == agent.id


# --- DPoP ------------------------------------------------------------------------------------


def test_dpop_proof_shape_and_signature() -> None:
    pair = AgentKeyPair.generate()
    proof = mint_dpop_proof(pair, "post", "https://gw.example/api/v1/agenttrust/check?x=1#f", "tok")
    header, payload, signature, signed = jws_parts(proof)
    assert header == {"typ": DPOP_TYP, "alg": "EdDSA", "jwk": pair.public_jwk()}
    assert payload["htm"] == "POST"
    assert payload["htu"] == "https://gw.example/api/v1/agenttrust/check"
    assert isinstance(payload["iat"], int) and len(payload["jti"]) == 32
    assert payload["ath"] == base64.urlsafe_b64encode(hashlib.sha256(b"tok").digest()).rstrip(b"=").decode()
    raw = b64url_decode(header["jwk"]["x"])
    Ed25519PublicKey.from_public_bytes(raw).verify(signature, signed)
    assert "ath" not in jws_parts(mint_dpop_proof(pair, "GET", "http://h/p"))[1]
    assert jws_parts(mint_dpop_proof(pair, "GET", "http://h/p"))[1]["jti"] != payload["jti"]


def test_headers_carry_a_bound_token_and_a_fresh_proof(client: AgentTrustClient, agent: Agent) -> None:
    credentials = AgentCredentials(client, agent.id)
    url = client.base_url + "/api/v1/agenttrust/check"
    first, second = credentials.headers("POST", url), credentials.headers("POST", url)
    assert first["Authorization"] == second["Authorization"]  # the token is cached
    assert first["DPoP"] != second["DPoP"]  # the proof is not
    token = first["Authorization"].removeprefix("Bearer ")
    _, claims, _, _ = jws_parts(first["DPoP"])
    assert (
        claims["ath"]
        == base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()).rstrip(b"=").decode()
    )


# --- credentials on checks -------------------------------------------------------------------


def test_check_with_credentials_passes_enforcement(
    client: AgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    enforce(client)
    credentials = AgentCredentials(client, agent.id)
    for _ in range(3):
        result = client.actions.check(agent.id, "web_search", request_options={"credentials": credentials})
        assert result.allowed is True
    assert len(gateway.requests("issueWimseToken")) == 1
    with pytest.raises(AuthenticationError) as caught:
        client.actions.check(agent.id, "web_search")
    assert caught.value.status == 401
    assert "WIMSE" in caught.value.message and "DPoP" in caught.value.message


def test_credentials_of_another_agent_are_refused(client: AgentTrustClient, agent: Agent) -> None:
    other = client.agents.create(name="other")
    credentials = AgentCredentials(client, other.id)
    with pytest.raises(Exception) as caught:
        client.actions.check(agent.id, "web_search", request_options={"credentials": credentials})
    assert getattr(caught.value, "status", None) == 403
    with pytest.raises(ValidationError):
        ATIGuard(client, agent.id, credentials=credentials)


def test_a_401_renews_the_token_once(client: AgentTrustClient, agent: Agent, gateway: MockGateway) -> None:
    enforce(client)
    credentials = AgentCredentials(client, agent.id, ttl_seconds=120)
    assert client.actions.check(agent.id, "web_search", request_options={"credentials": credentials}).allowed
    gateway.advance_clock(121_000)  # the token expired on the gateway's clock, not on ours
    assert client.actions.check(agent.id, "web_search", request_options={"credentials": credentials}).allowed
    assert len(gateway.requests("issueWimseToken")) == 2


class CountingWimse(WimseProof):
    """Issues tokens that expire when the test says, counting them (no gateway clock involved)."""

    def __init__(self) -> None:
        self.issued = 0
        self.expires_at = datetime.now(timezone.utc)

    def issue_token_with_proof(self, agent_id: str, **options: Any) -> WimseToken:
        self.issued += 1
        return WimseToken(
            token=f"token-{self.issued}", workload_id="w", trust_domain="d", expires_at=self.expires_at
        )


class CountingClient:
    def __init__(self) -> None:
        self.key_store = MemoryKeyStore()
        self.wimse = CountingWimse()

    def _request(self) -> None:
        raise AssertionError("not called")


async def test_async_401_renews_the_token_once(gateway: MockGateway) -> None:
    async with AsyncAgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as aclient:
        agent = await aclient.agents.create(name="async-renew", capabilities=["web:search"])
        await aclient.orgs.update_security_settings(
            require_proof_of_possession=True, require_sender_constrained_tokens=True
        )
        credentials = AgentCredentials(aclient, agent.id, ttl_seconds=120)
        options: Any = {"credentials": credentials}
        assert (await aclient.actions.check(agent.id, "web_search", request_options=options)).allowed
        gateway.advance_clock(121_000)
        assert (await aclient.actions.check(agent.id, "web_search", request_options=options)).allowed
    assert len(gateway.requests("issueWimseToken")) == 2


def test_bad_credentials_option_and_copies_share_the_key_store(
    client: AgentTrustClient, agent: Agent
) -> None:
    with pytest.raises(ValidationError) as caught:
        client.actions.check(agent.id, "web_search", request_options={"credentials": cast(Any, "token")})
    assert caught.value.details["field"] == "credentials"
    copy_ = client.with_options(timeout=5)
    assert copy_.key_store is client.key_store
    assert copy_.wimse.issue_token_with_proof(agent.id).token
    with pytest.raises(ValidationError):
        AgentTrustClient(base_url=client.base_url, api_key=API_KEY, key_store=cast(Any, object()))


def test_renewal_a_minute_before_expiry() -> None:
    fake = CountingClient()
    fake.key_store.put("agent_1", AgentKeyPair.generate())
    credentials = AgentCredentials(cast(Any, fake), "agent_1")
    fake.wimse.expires_at = datetime.now(timezone.utc) + timedelta(seconds=120)
    assert credentials.token() == credentials.token() == "token-1"
    fake.wimse.expires_at = datetime.now(timezone.utc) + timedelta(seconds=59)
    credentials.invalidate()
    assert credentials.token() == "token-2"  # under a minute left: renewed by the next use
    assert credentials.token() == "token-3"
    fake.wimse.expires_at = datetime(2030, 1, 1)  # no zone: read as UTC
    assert credentials.token() == credentials.token() == "token-4"
    headers = credentials.headers("POST", "http://gw/api/v1/agenttrust/check")
    assert headers["Authorization"] == "Bearer token-4"


def test_single_flight_with_threads(client: AgentTrustClient, agent: Agent, gateway: MockGateway) -> None:
    enforce(client)
    credentials = AgentCredentials(client, agent.id)
    start = threading.Barrier(8)
    results: list[bool] = []
    errors: list[BaseException] = []

    def work() -> None:
        start.wait()
        try:
            options: Any = {"credentials": credentials}
            results.append(
                bool(client.actions.check(agent.id, "web_search", request_options=options).allowed)
            )
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [True] * 8
    assert len(gateway.requests("issueWimseToken")) == 1
    assert len(gateway.requests("createAgentChallenge")) == 1


async def test_single_flight_with_asyncio(gateway: MockGateway) -> None:
    async with AsyncAgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as aclient:
        agent = await aclient.agents.create(name="async-bot", capabilities=["web:search"])
        await aclient.orgs.update_security_settings(
            require_proof_of_possession=True, require_sender_constrained_tokens=True
        )
        credentials = AgentCredentials(aclient, agent.id)
        results = await asyncio.gather(
            *(
                aclient.actions.check(agent.id, "web_search", request_options={"credentials": credentials})
                for _ in range(10)
            )
        )
        assert all(r.allowed for r in results)
        with pytest.raises(ValidationError):
            credentials.headers("POST", gateway.url)  # the sync form needs a sync client
    assert len(gateway.requests("issueWimseToken")) == 1


# --- the guard with both flags on ------------------------------------------------------------


def test_guard_with_credentials_allows_denies_and_elevates(
    client: AgentTrustClient, agent: Agent, gateway: MockGateway
) -> None:
    enforce(client)
    credentials = AgentCredentials(client, agent.id)
    with ATIGuard(client, agent.id, credentials=credentials) as guard:
        assert guard.check("web_search", action_effect="read").allowed is True
        with pytest.raises(ActionDeniedError):
            guard.check("send_email", action_effect="mutating")
        with pytest.raises(ElevationRequiredError) as caught:
            guard.check("db_delete", action_effect="destructive")
        assert caught.value.details["approval_id"]
    checks = gateway.requests("checkAction")
    assert len(checks) == 3
    for check in checks:
        headers = check["headers"]
        assert isinstance(headers, dict) and {"authorization", "dpop"} <= set(headers)
    assert len(gateway.requests("issueWimseToken")) == 1


def test_guard_without_credentials_says_why(client: AgentTrustClient, agent: Agent) -> None:
    enforce(client)
    with ATIGuard(client, agent.id) as guard, pytest.raises(AuthenticationError) as caught:
        guard.check("web_search", action_effect="read")
    assert caught.value.code == "AUTH_FAILED" and caught.value.status == 401
    assert "WIMSE" in caught.value.message and "DPoP" in caught.value.message


# --- secrets stay secret ---------------------------------------------------------------------


class Holder(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(arbitrary_types_allowed=True)
    key: AgentKeyPair


def test_no_private_key_or_token_in_any_printed_or_serialized_form(
    client: AgentTrustClient, agent: Agent, caplog: pytest.LogCaptureFixture
) -> None:
    enforce(client)
    pair = client.key_store.get(agent.id)
    assert pair is not None
    private = pair.export_private_pem()
    body = private.splitlines()[1]
    credentials = AgentCredentials(client, agent.id)
    with caplog.at_level(logging.DEBUG):  # every logger: ours, httpx and httpcore
        client.actions.check(agent.id, "web_search", request_options={"credentials": credentials})
        headers = credentials.headers("POST", client.base_url + "/api/v1/agenttrust/check")
        with pytest.raises(AuthenticationError) as caught:
            client.actions.check(agent.id, "web_search")  # an error with credentials around
    token = headers["Authorization"].removeprefix("Bearer ")
    issued = client.wimse.issue_token_with_proof(agent.id)
    shown = [
        repr(pair),
        str(pair),
        f"{pair}",
        repr(credentials),
        repr(client),
        repr(client.key_store),
        repr(issued),
        str(issued),
        str(caught.value),
        repr(caught.value),
        json.dumps(caught.value.details),
        Holder(key=pair).model_dump_json(),
        json.dumps(Holder(key=pair).model_dump(mode="json")),
        caplog.text,
        *[r.getMessage() for r in caplog.records],
    ]
    for text in shown:
        assert body not in text and "PRIVATE KEY" not in text
        assert token not in text and issued.token not in text
        assert headers["DPoP"] not in text
    assert Holder(key=pair).model_dump(mode="json")["key"]["private_key"] == "[redacted]"
    for thing in (pair, credentials, client.key_store):
        with pytest.raises(TypeError):
            pickle.dumps(thing)
    assert copy.deepcopy(pair) is pair


# --- interop vectors (spec/conformance/identity/vectors.json) --------------------------------

VECTORS = json.loads(
    (Path(__file__).resolve().parents[3] / "spec/conformance/identity/vectors.json").read_text()
)


def test_interop_key_and_pop_vectors() -> None:
    key = VECTORS["key"]
    pair = AgentKeyPair.from_private_pem(key["private_key_pem"])
    assert pair.public_key_pem == key["public_key_pem"]
    assert pair.export_private_pem() == key["private_key_pem"]
    assert pair.public_jwk() == key["jwk"] and pair.thumbprint() == key["thumbprint"]
    for case in VECTORS["pop"]:
        args = (case["nonce"], case["agent_id"], case["audience"], case["ts"])
        assert pop_message(*args).decode() == case["message"]
        assert sign_pop(pair, *args) == case["signature"]  # Ed25519 is deterministic


@pytest.mark.parametrize("case", VECTORS["dpop"], ids=lambda c: f"{c['made_by']}-{c['htm']}")
def test_interop_dpop_vectors(case: dict[str, Any]) -> None:
    key = VECTORS["key"]
    header, payload, signature, signed = jws_parts(case["proof"])
    assert header == {"typ": DPOP_TYP, "alg": "EdDSA", "jwk": key["jwk"]}
    Ed25519PublicKey.from_public_bytes(b64url_decode(key["jwk"]["x"])).verify(signature, signed)
    expected = {k: case[k] for k in ("htm", "htu", "iat", "jti", "ath") if k in case}
    assert payload == expected
    if "access_token" in case:
        digest = hashlib.sha256(case["access_token"].encode()).digest()
        assert case["ath"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    # Ours, from the same inputs, carries the same header and claims.
    pair = AgentKeyPair.from_private_pem(key["private_key_pem"])
    ours = mint_dpop_proof(
        pair, case["htm"], case["url"], case.get("access_token"), iat=case["iat"], jti=case["jti"]
    )
    assert jws_parts(ours)[:2] == (header, payload)

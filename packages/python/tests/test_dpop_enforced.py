"""The gateway refuses each forged, replayed, stale or mis-bound DPoP proof, and the SDK turns
each refusal into a typed error that names the reason without echoing token or proof. Headers
are built with the SDK's own pieces (AgentCredentials, mint_dpop_proof) and sent as extra
headers of a check, without credentials, so nothing retries them."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from agenttrustid import AgentCredentials, AgentKeyPair, AgentTrustClient, mint_dpop_proof, sign_pop
from agenttrustid.exceptions import AgentTrustError, AuthenticationError, AuthorizationError
from agenttrustid.types import Agent

from .conftest import MockGateway

CHECK = "/api/v1/agenttrust/check"


@pytest.fixture
def agent(client: AgentTrustClient) -> Agent:
    return client.agents.create(name="proofed", capabilities=["web:search"])


@pytest.fixture
def credentials(client: AgentTrustClient, agent: Agent) -> AgentCredentials:
    client.orgs.update_security_settings(
        require_proof_of_possession=True, require_sender_constrained_tokens=True
    )
    return AgentCredentials(client, agent.id)


def send(client: AgentTrustClient, agent_id: str, headers: dict[str, str]) -> Any:
    return client.actions.check(agent_id, "web_search", request_options={"headers": headers})


def refused(client: AgentTrustClient, agent_id: str, headers: dict[str, str]) -> AgentTrustError:
    with pytest.raises(AgentTrustError) as caught:
        send(client, agent_id, headers)
    error = caught.value
    text = f"{error} {error!r} {json.dumps(error.details)}"
    assert headers["DPoP"] not in text
    assert headers["Authorization"].removeprefix("Bearer ") not in text
    return error


def reason(error: AgentTrustError) -> str:
    assert isinstance(error, AuthenticationError) and error.status == 401
    return str(error.details.get("reason"))


def test_a_fresh_proof_passes_and_its_replay_is_refused(
    client: AgentTrustClient, agent: Agent, credentials: AgentCredentials
) -> None:
    headers = credentials.headers("POST", client.base_url + CHECK)
    assert send(client, agent.id, headers).allowed is True
    assert reason(refused(client, agent.id, headers)) == "dpop_replay"


def test_wrong_htu_and_htm(client: AgentTrustClient, agent: Agent, credentials: AgentCredentials) -> None:
    other_path = credentials.headers("POST", client.base_url + "/api/v1/agents")
    assert reason(refused(client, agent.id, other_path)) == "dpop_htu"
    wrong_method = credentials.headers("GET", client.base_url + CHECK)
    assert reason(refused(client, agent.id, wrong_method)) == "dpop_htm"


def test_stale_iat_and_other_token(
    client: AgentTrustClient, agent: Agent, credentials: AgentCredentials
) -> None:
    token = credentials.token()
    pair = credentials.key_pair()
    url = client.base_url + CHECK
    stale = mint_dpop_proof(pair, "POST", url, token, iat=int(time.time()) - 3600)
    assert (
        reason(refused(client, agent.id, {"Authorization": f"Bearer {token}", "DPoP": stale})) == "dpop_iat"
    )
    for_other = mint_dpop_proof(pair, "POST", url, token + "x")
    assert (
        reason(refused(client, agent.id, {"Authorization": f"Bearer {token}", "DPoP": for_other}))
        == "dpop_ath"
    )


def test_forged_signature_and_another_key(
    client: AgentTrustClient, agent: Agent, credentials: AgentCredentials
) -> None:
    token = credentials.token()
    url = client.base_url + CHECK
    proof = mint_dpop_proof(credentials.key_pair(), "POST", url, token)
    header, payload, signature = proof.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["jti"] = "0" * 32
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = f"{header}.{forged_payload}.{signature}"
    assert (
        reason(refused(client, agent.id, {"Authorization": f"Bearer {token}", "DPoP": forged}))
        == "dpop_signature"
    )
    stranger = mint_dpop_proof(AgentKeyPair.generate(), "POST", url, token)
    error = refused(client, agent.id, {"Authorization": f"Bearer {token}", "DPoP": stranger})
    assert reason(error) == "dpop_key_mismatch"


def test_a_token_of_another_agent_is_forbidden(
    client: AgentTrustClient, agent: Agent, credentials: AgentCredentials, gateway: MockGateway
) -> None:
    other = client.agents.create(name="other-proofed", capabilities=["web:search"])
    theirs = AgentCredentials(client, other.id).headers("POST", client.base_url + CHECK)
    error = refused(client, agent.id, theirs)
    assert isinstance(error, AuthorizationError) and error.status == 403


def test_missing_malformed_invalid_and_unbound(
    client: AgentTrustClient, agent: Agent, credentials: AgentCredentials
) -> None:
    token = credentials.token()
    bearer = f"Bearer {token}"
    url = client.base_url + CHECK
    proof = mint_dpop_proof(credentials.key_pair(), "POST", url, token)
    with pytest.raises(AuthenticationError) as caught:
        send(client, agent.id, {"Authorization": bearer})
    assert reason(caught.value) == "dpop_missing"
    assert (
        reason(refused(client, agent.id, {"Authorization": bearer, "DPoP": "not.a-proof"}))
        == "dpop_malformed"
    )
    garbage = {"Authorization": "Bearer eyJ.garbage.token", "DPoP": proof}
    assert reason(refused(client, agent.id, garbage)) == "token_invalid"
    # A token issued without a proof carries no key binding (cnf): refused as unbound.
    client.orgs.update_security_settings(require_proof_of_possession=False)
    plain = client.wimse.issue_token(agent.id).token
    unbound = mint_dpop_proof(credentials.key_pair(), "POST", url, plain)
    assert (
        reason(refused(client, agent.id, {"Authorization": f"Bearer {plain}", "DPoP": unbound}))
        == "token_unbound"
    )


def test_a_spent_nonce_is_refused(
    client: AgentTrustClient, agent: Agent, credentials: AgentCredentials
) -> None:
    challenge = client.wimse.challenge(agent.id)
    ts = int(time.time())
    proof = {
        "nonce": challenge.nonce,
        "ts": ts,
        "signature": sign_pop(credentials.key_pair(), challenge.nonce, agent.id, [], ts),
    }
    assert client.wimse.issue_token(agent.id, proof=proof).token
    with pytest.raises(AuthenticationError) as caught:
        client.wimse.issue_token(agent.id, proof=proof)
    assert caught.value.details.get("field") == "proof.nonce"

"""Hostile answers, bad input and faults (issue 16): a gateway on 127.0.0.1 that answers what a
hostile or broken gateway would (oversized, dripped, falsely gzipped, log-injecting, spec-invalid
answers), and a careless caller (NaN, circular metadata, odd keys and ids). Every failure must
be a typed `AgentTrustError`, bounded in time, and must never carry the API key."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from agenttrustid import AgentTrustClient, AsyncAgentTrustClient
from agenttrustid.exceptions import (
    AgentTrustError,
    ConfigurationError,
    InvalidResponseError,
    NetworkError,
    RedirectError,
    RequestTimeoutError,
    ResponseTooLargeError,
    ValidationError,
)
from agenttrustid.guard import ATIGuard

from .conftest import MockGateway

Handler = Callable[[socket.socket], None]


class HostileGateway:
    """A raw HTTP/1.1 server: each connection reads one request's head (and drops its body) and
    hands the socket to `handler`, which writes whatever it likes."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head:
                data = conn.recv(65536)
                if not data:
                    return
                head += data
            self.handler(conn)
        except OSError:
            pass  # the client hung up: that is what these tests want
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._sock.close()


@pytest.fixture
def hostile() -> Iterator[Callable[[Handler], HostileGateway]]:
    servers: list[HostileGateway] = []

    def start(handler: Handler) -> HostileGateway:
        server = HostileGateway(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def answer(status: int, body: bytes, *headers: str) -> Handler:
    def handle(conn: socket.socket) -> None:
        head = [f"HTTP/1.1 {status} X", f"content-length: {len(body)}", "connection: close", *headers]
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)

    return handle


AGENT = {
    "id": "agt_1",
    "name": "a",
    "org_id": "org_1",
    "framework": "custom",
    "public_key": "pk",
    "status": "active",
    "capabilities": [],
    "metadata": {},
    "created_at": "2026-01-01T00:00:00Z",
}
KEY = "sk_live_very_secret_key_0123456789"


# --- 1. oversized answers -------------------------------------------------------------------


def endless_chunks(conn: socket.socket) -> None:
    """A 200 streamed in 64 KiB chunks until the client hangs up (or 200 MiB)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
    for _ in range(3200):
        conn.sendall(chunk)


def test_oversized_streamed_answer_stops_at_the_cap(hostile: Callable[[Handler], HostileGateway]) -> None:
    server = hostile(endless_chunks)
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0, max_response_bytes=1 << 20) as c:
        started = time.monotonic()
        with pytest.raises(ResponseTooLargeError) as caught:
            c.agents.get("agt_1")
    assert time.monotonic() - started < 5
    assert caught.value.code == "INVALID_RESPONSE"
    assert caught.value.details["limit_bytes"] == 1 << 20
    assert isinstance(caught.value, InvalidResponseError)


def test_oversized_declared_length_is_refused_before_reading(
    hostile: Callable[[Handler], HostileGateway],
) -> None:
    def huge(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 4000000000\r\n\r\n{")
        time.sleep(5)

    server = hostile(huge)
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0, max_response_bytes=1000) as c:
        started = time.monotonic()
        with pytest.raises(ResponseTooLargeError):
            c.agents.get("agt_1")
    assert time.monotonic() - started < 2


def test_oversized_streamed_answer_async(hostile: Callable[[Handler], HostileGateway]) -> None:
    server = hostile(endless_chunks)

    async def run() -> None:
        async with AsyncAgentTrustClient(
            base_url=server.url, api_key=KEY, max_retries=0, max_response_bytes=1 << 20
        ) as c:
            with pytest.raises(ResponseTooLargeError):
                await c.agents.get("agt_1")

    asyncio.run(asyncio.wait_for(run(), 10))


def test_default_cap_is_32_mib() -> None:
    assert AgentTrustClient(base_url="http://127.0.0.1:1", api_key=KEY).max_response_bytes == 32 * 1024 * 1024


# --- 2. whole-call deadline -----------------------------------------------------------------


def drip(conn: socket.socket) -> None:
    """Headers at once, then a 100-byte body one byte every 300 ms."""
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n")
    for _ in range(100):
        conn.sendall(b" ")
        time.sleep(0.3)


def test_timeout_covers_the_whole_body(hostile: Callable[[Handler], HostileGateway]) -> None:
    server = hostile(drip)
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0, timeout=1) as c:
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError) as caught:
            c.agents.get("agt_1")
    elapsed = time.monotonic() - started
    assert caught.value.code == "TIMEOUT"
    assert 0.9 < elapsed < 2.0, elapsed


def test_timeout_covers_the_whole_body_async(hostile: Callable[[Handler], HostileGateway]) -> None:
    server = hostile(drip)

    async def run() -> float:
        async with AsyncAgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0, timeout=1) as c:
            started = time.monotonic()
            with pytest.raises(RequestTimeoutError):
                await c.agents.get("agt_1")
            return time.monotonic() - started

    elapsed = asyncio.run(asyncio.wait_for(run(), 10))
    assert 0.9 < elapsed < 1.6, elapsed


def drip_headers(conn: socket.socket) -> None:
    """The status line and headers one byte every 300 ms."""
    for byte in b"HTTP/1.1 200 OK\r\nx-padding: " + b"a" * 100:
        conn.sendall(bytes([byte]))
        time.sleep(0.3)


def stall_late(conn: socket.socket) -> None:
    """Headers and half the body after 0.8 s, then nothing for 10 s."""
    time.sleep(0.8)
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n" + b" " * 50)
    time.sleep(10)


@pytest.mark.parametrize("handler", [drip_headers, stall_late])
def test_timeout_covers_headers_and_stalls(
    hostile: Callable[[Handler], HostileGateway], handler: Handler
) -> None:
    server = hostile(handler)
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0, timeout=1) as c:
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError):
            c.agents.get("agt_1")
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 1.5, elapsed


@pytest.mark.parametrize("handler", [drip_headers, stall_late])
def test_timeout_covers_headers_and_stalls_async(
    hostile: Callable[[Handler], HostileGateway], handler: Handler
) -> None:
    server = hostile(handler)

    async def run() -> float:
        async with AsyncAgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0, timeout=1) as c:
            started = time.monotonic()
            with pytest.raises(RequestTimeoutError):
                await c.agents.get("agt_1")
            return time.monotonic() - started

    elapsed = asyncio.run(asyncio.wait_for(run(), 10))
    assert 0.9 < elapsed < 1.5, elapsed


def test_guard_close_returns_against_a_dripping_gateway(hostile: Callable[[Handler], HostileGateway]) -> None:
    server = hostile(drip)
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0, timeout=1) as c:
        guard = ATIGuard(c, "agt_1", batch_size=1)
        guard.report("search", True, 12)
        started = time.monotonic()
        guard.close()
        assert time.monotonic() - started < 4


# --- 3. untyped errors ----------------------------------------------------------------------


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1])
def test_bad_timeout_is_a_configuration_error(timeout: float) -> None:
    with pytest.raises(ConfigurationError):
        AgentTrustClient(base_url="http://127.0.0.1:1", api_key=KEY, timeout=timeout)


def test_bad_per_call_timeout_is_a_validation_error(client: AgentTrustClient, gateway: MockGateway) -> None:
    with pytest.raises(ValidationError):
        client.agents.get("agt_1", request_options={"timeout": float("nan")})
    assert gateway.requests() == []


@pytest.mark.parametrize("key", ["sk_ключ_1234567890", "sk_live_x\u2028y", "sk live", "sk\x00x"])
def test_unsendable_api_key_is_typed_and_not_shown(key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        AgentTrustClient(base_url="http://127.0.0.1:1", api_key=key)
    assert key not in str(caught.value) and key not in repr(caught.value)


def test_false_gzip_is_an_invalid_response(hostile: Callable[[Handler], HostileGateway]) -> None:
    server = hostile(answer(200, b"this is not gzip", "content-encoding: gzip"))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(InvalidResponseError) as caught,
    ):
        c.agents.get("agt_1")
    assert caught.value.__cause__ is None and caught.value.__context__ is None


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_in_a_body_is_refused_before_sending(
    client: AgentTrustClient, gateway: MockGateway, value: float
) -> None:
    with pytest.raises(ValidationError):
        client.agents.create("a", metadata={"score": [1, {"x": value}]})
    assert gateway.requests() == []


def test_circular_metadata_is_refused(client: AgentTrustClient, gateway: MockGateway) -> None:
    metadata: dict[str, Any] = {"a": 1}
    metadata["self"] = metadata
    with pytest.raises(ValidationError):
        client.agents.create("a", metadata=metadata)
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(100_000):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(ValidationError):
        client.agents.create("a", metadata=deep)
    assert gateway.requests() == []


def test_shared_but_not_circular_metadata_is_fine(client: AgentTrustClient) -> None:
    shared = {"k": "v"}
    agent = client.agents.create("a", metadata={"one": shared, "two": [shared, shared]})
    assert agent.metadata == {"one": shared, "two": [shared, shared]}


# --- 4. secrets and log injection -----------------------------------------------------------


def closed_port() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


def chain(error: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def test_key_with_newline_never_leaks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "agenttrustid"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    c = AgentTrustClient(base_url=closed_port(), api_key=KEY + "\n", max_retries=1)
    with pytest.raises(NetworkError) as caught:
        c.agents.revoke("agt_1")
    c.close()
    for error in chain(caught.value):
        assert KEY not in str(error) and KEY not in repr(error)
        request = getattr(error, "_request", None)
        assert request is None or KEY not in str(request.headers)
    assert KEY not in caplog.text
    assert KEY not in repr(c)


def test_key_never_reaches_an_error_from_an_answering_gateway(
    hostile: Callable[[Handler], HostileGateway],
) -> None:
    def hang_up(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n{")

    server = hostile(hang_up)
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(NetworkError) as caught,
    ):
        c.agents.get("agt_1")
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_control_characters_in_gateway_messages_are_escaped(
    hostile: Callable[[Handler], HostileGateway],
) -> None:
    message = "bad\r\n2026-01-01 INFO forged line\x1b[31m\u2028\u202e"
    body = json.dumps({"code": "VALIDATION_ERROR", "message": message}).encode()
    server = hostile(answer(400, body, "content-type: application/json"))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(ValidationError) as caught,
    ):
        c.agents.get("agt_1")
    text = str(caught.value)
    for ch in "\r\n\x1b\u2028\u202e":
        assert ch not in text and ch not in caught.value.message
    assert "\\x0d\\x0a" in caught.value.message and "forged line" in caught.value.message


# --- 5. path parameters ---------------------------------------------------------------------


@pytest.mark.parametrize("agent_id", ["..", ".", ""])
def test_dot_segments_are_refused(client: AgentTrustClient, gateway: MockGateway, agent_id: str) -> None:
    with pytest.raises(ValidationError) as caught:
        client.agents.revoke(agent_id)
    assert caught.value.details["field"] == "agent_id"
    with pytest.raises(ValidationError):
        client.agents.get(agent_id)
    assert gateway.requests() == []


def test_dots_inside_an_id_are_sent_encoded(client: AgentTrustClient, gateway: MockGateway) -> None:
    with pytest.raises(AgentTrustError):
        client.agents.get("../x")
    assert [r.get("operation_id") for r in gateway.requests()] in ([], ["getAgent"])


# --- 6. strict decoding ---------------------------------------------------------------------

CHECK = '{"allowed": true, "check_id": "chk_1", "confidence": 0.9, "latency_ms": 3, "guard_tier": "fast"}'


def check_with(hostile: Callable[[Handler], HostileGateway], body: str) -> Any:
    server = hostile(answer(200, body.encode(), "content-type: application/json"))
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c:
        return c.actions.check("agt_1", "search")


def test_a_valid_check_answer_decodes(hostile: Callable[[Handler], HostileGateway]) -> None:
    result = check_with(hostile, CHECK.replace('"fast"', '"quantum"'))
    assert result.allowed is True and result.confidence == 0.9 and result.guard_tier == "quantum"
    assert check_with(hostile, CHECK.replace("0.9", "1")).confidence == 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"allowed": true', '"allowed": "true"'),
        ('"allowed": true', '"allowed": 1'),
        ('"allowed": true', '"allowed": null'),
        ('"confidence": 0.9', '"confidence": "0.9"'),
        ('"confidence": 0.9', '"confidence": 2'),
        ('"confidence": 0.9', '"confidence": -1'),
        ('"confidence": 0.9', '"confidence": NaN'),
        ('"confidence": 0.9', '"confidence": 1e999'),
        ('"confidence": 0.9', '"confidence": Infinity'),
        ('"latency_ms": 3', '"latency_ms": "3"'),
        ('"latency_ms": 3', '"latency_ms": -3'),
        ('"latency_ms": 3', '"latency_ms": 3.5'),
        ('"guard_tier": "fast"', '"guard_tier": 1'),
        ('"guard_tier": "fast"', '"guard_tier": true'),
        ('"check_id": "chk_1"', '"check_id": 7'),
        ('"check_id": "chk_1"', '"check_id": null'),
        ('"confidence": 0.9', '"confidence": null'),
    ],
)
def test_spec_invalid_check_answers_are_refused(
    hostile: Callable[[Handler], HostileGateway], old: str, new: str
) -> None:
    assert old in CHECK
    with pytest.raises(InvalidResponseError) as caught:
        check_with(hostile, CHECK.replace(old, new))
    assert caught.value.code == "INVALID_RESPONSE"


@pytest.mark.parametrize(
    "agent",
    [
        {**AGENT, "status": 1},
        {**AGENT, "status": None},
        {**AGENT, "capabilities": "search"},
        {**AGENT, "created_at": 1767225600},
    ],
)
def test_spec_invalid_wrapped_answers_are_refused(
    hostile: Callable[[Handler], HostileGateway], agent: dict[str, Any]
) -> None:
    """createAgent's answer is unwrapped from `{"agent": ...}`: the same strictness applies."""
    body = json.dumps({"agent": agent}).encode()
    server = hostile(answer(201, body, "content-type: application/json"))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(InvalidResponseError),
    ):
        c.agents.create("a")


def test_nan_in_a_wrapped_answer_is_refused(hostile: Callable[[Handler], HostileGateway]) -> None:
    body = json.dumps({"agent": {**AGENT, "metadata": {"x": float("nan")}}}).encode()
    assert b"NaN" in body
    server = hostile(answer(201, body, "content-type: application/json"))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(InvalidResponseError),
    ):
        c.agents.create("a")


def test_a_valid_wrapped_answer_decodes(hostile: Callable[[Handler], HostileGateway]) -> None:
    body = json.dumps({"agent": {**AGENT, "status": "paused"}}).encode()
    server = hostile(answer(201, body, "content-type: application/json"))
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c:
        agent = c.agents.create("a")
    assert agent.status == "paused" and agent.created_at.year == 2026


def test_null_is_kept_where_the_spec_allows_it(hostile: Callable[[Handler], HostileGateway]) -> None:
    assert check_with(hostile, CHECK[:-1] + ', "approval_id": null}').approval_id is None


def test_a_callers_none_still_means_not_given() -> None:
    from agenttrustid.types import ActionCheckResult

    assert ActionCheckResult(allowed=True, confidence=None).confidence is None


@pytest.mark.parametrize(
    "headers", [{"x-trace": "a\r\nx-api-key: forged"}, {"x-trace": "naïve ✓"}, {"bad name": "v"}, {"x": 1}]
)
def test_unsendable_headers_are_typed_errors(
    client: AgentTrustClient, gateway: MockGateway, headers: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as caught:
        client.agents.get("agt_1", request_options={"headers": headers})
    assert "forged" not in str(caught.value)
    with pytest.raises(ConfigurationError):
        AgentTrustClient(base_url=gateway.url, api_key=KEY, default_headers=headers)
    assert gateway.requests() == []


# --- 7. NaN and Infinity in free-form fields --------------------------------------------------


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_non_finite_numbers_in_a_bare_answers_metadata_are_refused(
    hostile: Callable[[Handler], HostileGateway], token: str
) -> None:
    """getAgent's answer is validated from the raw bytes; its `metadata` is free-form (`Any`),
    so no field type stands between a NaN token (which Python's json reads) and the caller."""
    body = json.dumps({**AGENT, "metadata": {"score": [1, {"x": 0}]}}).replace(
        '{"x": 0}', '{"x": ' + token + "}"
    )
    server = hostile(answer(200, body.encode(), "content-type: application/json"))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(InvalidResponseError) as caught,
    ):
        c.agents.get("agt_1")
    assert caught.value.code == "INVALID_RESPONSE"


@pytest.mark.parametrize("token", ["NaN", "Infinity", "1e999"])
def test_non_finite_numbers_in_a_json_rpc_result_are_refused(
    hostile: Callable[[Handler], HostileGateway], token: str
) -> None:
    """An MCP proxy call answers `Any`: nothing but the JSON parser can refuse the token."""
    body = b'{"jsonrpc": "2.0", "id": 1, "result": {"content": [{"value": %s}]}}' % token.encode()
    server = hostile(answer(200, body, "content-type: application/json"))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(InvalidResponseError),
    ):
        c.mcp.call_tool("srv_1", "tools/call", "agt_1", params={"name": "search"})


def test_non_finite_numbers_in_an_async_answer_are_refused(
    hostile: Callable[[Handler], HostileGateway],
) -> None:
    body = json.dumps({**AGENT, "metadata": {"x": float("inf")}}).encode()
    server = hostile(answer(200, body, "content-type: application/json"))

    async def run() -> None:
        async with AsyncAgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c:
            with pytest.raises(InvalidResponseError):
                await c.agents.get("agt_1")

    asyncio.run(asyncio.wait_for(run(), 10))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_inside_a_callers_model_is_refused_before_sending(
    client: AgentTrustClient, gateway: MockGateway, value: float
) -> None:
    """A model's free-form field holding NaN was serialized as `null`: changed silently."""
    from agenttrustid.types import A2aDataPart, A2aMessage

    message = A2aMessage(role="user", parts=[A2aDataPart(data={"score": [1, {"x": value}]})])
    with pytest.raises(ValidationError):
        client.a2a.send_message("agt_1", message)
    assert gateway.requests() == []


# --- 8. duplicate keys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"allowed": false, "allowed": true, "check_id": "chk_1", "confidence": 0.9}',
        '{"allowed": true, "check_id": "chk_1", "check_id": "chk_2"}',
        '{"allowed": false, "reason": "no", "details": {"rule": "a", "rule": "b"}}',
    ],
)
def test_duplicate_keys_in_a_check_decision_are_refused(
    hostile: Callable[[Handler], HostileGateway], body: str
) -> None:
    """JSON leaves duplicate keys to the parser: Python's keeps the last, others the first, so
    one answer could read as a denial to a proxy that checked it and as an allow here."""
    with pytest.raises(InvalidResponseError) as caught:
        check_with(hostile, body)
    assert caught.value.code == "INVALID_RESPONSE"
    assert "duplicate" in caught.value.message


def test_a_guard_never_allows_on_a_duplicate_key_answer(hostile: Callable[[Handler], HostileGateway]) -> None:
    body = b'{"allowed": false, "allowed": true, "check_id": "chk_1"}'
    server = hostile(answer(200, body, "content-type: application/json"))
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c:
        guard = ATIGuard(c, "agt_1", breaker=False)
        with pytest.raises(AgentTrustError) as caught:
            guard.check("search")
        guard.close(timeout=1)
    assert caught.value.code in ("GUARDIAN_UNAVAILABLE", "INVALID_RESPONSE")


def test_duplicate_keys_in_a_wrapped_answer_are_refused(hostile: Callable[[Handler], HostileGateway]) -> None:
    agent = json.dumps({**AGENT, "status": "active"})
    twice = agent.replace('"status": "active"', '"status": "revoked", "status": "active"')
    body = ('{"agent": ' + twice + "}").encode()
    server = hostile(answer(201, body, "content-type: application/json"))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(InvalidResponseError),
    ):
        c.agents.create("a")


def test_equal_keys_in_different_objects_are_fine(hostile: Callable[[Handler], HostileGateway]) -> None:
    body = json.dumps({**AGENT, "metadata": {"id": "m", "nested": {"id": "n", "metadata": {"id": 1}}}})
    server = hostile(answer(200, body.encode(), "content-type: application/json"))
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c:
        assert c.agents.get("agt_1").metadata["nested"]["id"] == "n"


# --- 9. redirects ---------------------------------------------------------------------------


class Target:
    """The redirect's target: it counts what reaches it and answers an allow."""

    def __init__(self, hostile: Callable[[Handler], HostileGateway]) -> None:
        self.heads: list[bytes] = []
        allow = answer(200, CHECK.encode(), "content-type: application/json")

        def handle(conn: socket.socket) -> None:
            self.heads.append(b"seen")
            allow(conn)

        self.server = hostile(handle)
        self.host = self.server.url.removeprefix("http://")


def redirecting(hostile: Callable[[Handler], HostileGateway], status: int, target: Target) -> HostileGateway:
    location = f"location: {target.server.url}/api/v1/agenttrust/check?key=secret"
    return hostile(answer(status, b"", location))


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_not_followed(hostile: Callable[[Handler], HostileGateway], status: int) -> None:
    target = Target(hostile)
    server = redirecting(hostile, status, target)
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY) as c,
        pytest.raises(RedirectError) as caught,
    ):
        c.actions.check("agt_1", "search")
    error = caught.value
    assert isinstance(error, InvalidResponseError) and error.code == "INVALID_RESPONSE"
    assert error.status == status and error.location_host == target.host
    assert target.host in error.message and "secret" not in str(error)
    assert target.heads == []


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_not_followed_async(hostile: Callable[[Handler], HostileGateway], status: int) -> None:
    target = Target(hostile)
    server = redirecting(hostile, status, target)

    async def run() -> RedirectError:
        async with AsyncAgentTrustClient(base_url=server.url, api_key=KEY) as c:
            with pytest.raises(RedirectError) as caught:
                await c.actions.check("agt_1", "search")
            return caught.value

    error = asyncio.run(asyncio.wait_for(run(), 10))
    assert error.status == status and error.location_host == target.host
    assert target.heads == []


def test_redirects_are_not_followed_with_a_callers_http_client(
    hostile: Callable[[Handler], HostileGateway],
) -> None:
    """A caller's httpx client set to follow redirects does not make the SDK follow one."""
    import httpx

    target = Target(hostile)
    server = redirecting(hostile, 307, target)
    with (
        httpx.Client(follow_redirects=True) as http,
        AgentTrustClient(base_url=server.url, api_key=KEY, http_client=http) as c,
        pytest.raises(RedirectError),
    ):
        c.actions.check("agt_1", "search")

    async def run() -> None:
        async with (
            httpx.AsyncClient(follow_redirects=True) as http,
            AsyncAgentTrustClient(base_url=server.url, api_key=KEY, http_client=http) as c,
        ):
            with pytest.raises(RedirectError):
                await c.actions.check("agt_1", "search")

    asyncio.run(asyncio.wait_for(run(), 10))
    assert target.heads == []


def test_a_redirect_without_location_is_typed(hostile: Callable[[Handler], HostileGateway]) -> None:
    server = hostile(answer(302, b""))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(RedirectError) as caught,
    ):
        c.agents.get("agt_1")
    assert caught.value.location_host is None and "no Location" in caught.value.message


# --- 10. telemetry against a failing gateway ------------------------------------------------


class Flaky:
    """A gateway that answers 503 while `failing`, else accepts the batch; it counts requests."""

    def __init__(self, hostile: Callable[[Handler], HostileGateway]) -> None:
        self.failing = True
        self.requests = 0
        fail = answer(503, b"")
        accept = answer(200, b'{"accepted": true, "events_processed": 10}', "content-type: application/json")

        def handle(conn: socket.socket) -> None:
            self.requests += 1
            (fail if self.failing else accept)(conn)

        self.server = hostile(handle)


def test_telemetry_backs_off_from_a_failing_gateway(hostile: Callable[[Handler], HostileGateway]) -> None:
    """One second of far more reports than the gateway takes, at a 20 ms flush interval. Without
    backoff every full batch went out at once (measured: 536 requests in the second); with
    it the waits double (20, 40, 80, 160 ms, then the 240 ms cap): about 8 requests."""
    flaky = Flaky(hostile)
    with AgentTrustClient(base_url=flaky.server.url, api_key=KEY, max_retries=0) as c:
        guard = ATIGuard(c, "agt_1", flush_interval=0.02, queue_capacity=500)
        pushed = 0
        end = time.monotonic() + 1
        while time.monotonic() < end:
            for _ in range(20):
                guard.report("web_search", True, 1)
            pushed += 20
            time.sleep(0.001)
        failed = flaky.requests
        stats = guard.stats()["telemetry"]
        assert 3 <= failed <= 15, failed
        assert stats["failed_batches"] == failed and stats["sent"] == 0
        assert (
            stats["queued"] <= 500
            and stats["dropped"] + stats["queued"] + 10 * stats["in_flight"] >= pushed - 10
        )
        flaky.failing = False  # back: the first batch through ends the backoff
        deadline = time.monotonic() + 3
        while guard.stats()["telemetry"]["sent"] == 0 and time.monotonic() < deadline:
            guard.report("web_search", True, 1)
            time.sleep(0.005)
        assert guard.stats()["telemetry"]["sent"] > 0
        guard.close(timeout=2)


def test_telemetry_backoff_doubles_is_capped_and_resets_on_success() -> None:
    from agenttrustid._telemetry import MAX_BACKOFF_INTERVALS, TelemetryBatcher

    calls: list[float] = []

    def send(batch: list[dict[str, Any]]) -> None:
        calls.append(time.monotonic())
        if len(calls) != 5:  # 1-4 fail, 5 goes through, 6 fails again
            raise RuntimeError("503")

    batcher = TelemetryBatcher(send, "agt_1", "s", batch_size=1, flush_interval=0.1)
    for _ in range(50):
        batcher.push("web_search", True, 1, None)
    deadline = time.monotonic() + 10
    while len(calls) < 7 and time.monotonic() < deadline:
        time.sleep(0.02)
    batcher.close(timeout=0)
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    # Lower bounds: the waits (each shortened by up to 25%) double after each failure.
    assert gaps[0] >= 0.07 and gaps[1] >= 0.15 and gaps[2] >= 0.3 and gaps[3] >= 0.6, gaps
    # 5 succeeded and 6 went out right behind it in the same round; 6 failed, and the wait
    # after it is one interval again, not 12 (the 1.6 s the fifth failure in a row would get).
    assert gaps[4] < 0.05 and gaps[5] < 0.6, gaps
    for failures in (1, 5, 50, 10_000):
        wait = batcher._backoff(failures)
        assert 0 < wait <= 0.1 * MAX_BACKOFF_INTERVALS
    assert batcher._backoff(10_000) >= 0.75 * 0.1 * MAX_BACKOFF_INTERVALS


def test_telemetry_flush_still_sends_during_backoff(hostile: Callable[[Handler], HostileGateway]) -> None:
    flaky = Flaky(hostile)
    with AgentTrustClient(base_url=flaky.server.url, api_key=KEY, max_retries=0) as c:
        guard = ATIGuard(c, "agt_1", batch_size=1, flush_interval=5)
        guard.report("web_search", True, 1)
        deadline = time.monotonic() + 3
        while flaky.requests == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert flaky.requests == 1  # the full batch failed: backing off for ~5 s now
        flaky.failing = False
        guard.report("web_search", True, 2)
        assert guard.flush(timeout=2) is True  # the caller asked: it goes at once
        assert flaky.requests == 2 and guard.stats()["telemetry"]["sent"] == 1
        guard.close(timeout=1)


# --- 11. what the property tests (test_fuzz.py) found ---------------------------------------


@pytest.mark.parametrize(
    "created_at",
    ["1", "1767225600", "2026-01-01T00:00:00", "2026-01-01T00:00Z", "2026-01-01 00:00:00Z", "2026-01-01"],
)
def test_date_times_are_rfc3339_only(hostile: Callable[[Handler], HostileGateway], created_at: str) -> None:
    """pydantic alone read `"1"` as 1970-01-01T00:00:01Z and took times without a zone."""
    body = json.dumps({**AGENT, "created_at": created_at}).encode()
    server = hostile(answer(200, body, "content-type: application/json"))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(InvalidResponseError),
    ):
        c.agents.get("agt_1")


def test_an_rfc3339_date_time_with_an_offset_decodes(hostile: Callable[[Handler], HostileGateway]) -> None:
    body = json.dumps({**AGENT, "created_at": "2026-01-01T01:30:00.1234567+01:30"}).encode()
    server = hostile(answer(200, body, "content-type: application/json"))
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c:
        created = c.agents.get("agt_1").created_at
    assert created.isoformat() == "2026-01-01T01:30:00.123456+01:30"
    assert created.timestamp() == 1767225600.123456


@pytest.mark.parametrize(
    "body", [b"[]", b"null", b'{"result": {"tasks": []}}', b'{"jsonrpc": 2, "result": {"tasks": []}}']
)
def test_json_rpc_answers_need_their_envelope(
    hostile: Callable[[Handler], HostileGateway], body: bytes
) -> None:
    """`[]` was an empty task list: no JSON-RPC response object at all."""
    server = hostile(answer(200, body, "content-type: application/json"))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(InvalidResponseError),
    ):
        c.a2a.list_tasks()


@pytest.mark.parametrize("error", ['"denied"', '{"code": "x", "message": "m"}', '{"code": 1}', "[]", "null"])
def test_a_proxys_malformed_json_rpc_error_is_refused(
    hostile: Callable[[Handler], HostileGateway], error: str
) -> None:
    """An MCP proxy call returns an `error` answer as is, so the member must be a JSON-RPC error."""
    body = b'{"jsonrpc": "2.0", "id": 1, "error": %s}' % error.encode()
    server = hostile(answer(200, body, "content-type: application/json"))
    with (
        AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c,
        pytest.raises(InvalidResponseError),
    ):
        c.mcp.call_tool("srv_1", "tools/call", "agt_1")


def test_null_in_a_free_form_field_is_kept(hostile: Callable[[Handler], HostileGateway]) -> None:
    """A2aTask's `message` is any JSON (no type in the spec), null included."""
    task: dict[str, Any] = {"id": "t", "source_agent_id": "a", "target_agent_id": "b", "status": "done"}
    task |= {"created_at": "2026-01-01T00:00:00Z", "message": None}
    body = json.dumps({"jsonrpc": "2.0", "id": "1", "result": task}).encode()
    server = hostile(answer(200, body, "content-type: application/json"))
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c:
        assert c.a2a.get_task("t").message is None


def a2a_reply(hostile: Callable[[Handler], HostileGateway], parts: list[Any]) -> Any:
    task: dict[str, Any] = {"id": "t", "contextId": "c", "kind": "task"}
    task["status"] = {"state": "completed", "message": {"role": "agent", "parts": parts}}
    body = json.dumps({"jsonrpc": "2.0", "id": "1", "result": task}).encode()
    server = hostile(answer(200, body, "content-type: application/json"))
    with AgentTrustClient(base_url=server.url, api_key=KEY, max_retries=0) as c:
        return c.a2a.send_message("agt_1", "hi")


@pytest.mark.parametrize(
    "parts", [[], [{"kind": None, "text": "x"}], [{"text": "x"}], [{"kind": 1, "text": "x"}]]
)
def test_spec_lengths_and_union_tags_hold_on_answers(
    hostile: Callable[[Handler], HostileGateway], parts: list[Any]
) -> None:
    """A message needs a part (`minItems: 1`), and a part a string `kind`: before, `[]` was
    accepted and a null or numeric `kind` became an UnknownVariant."""
    with pytest.raises(InvalidResponseError):
        a2a_reply(hostile, parts)


def test_an_unknown_part_kind_is_kept(hostile: Callable[[Handler], HostileGateway]) -> None:
    from agenttrustid.types import UnknownVariant

    task = a2a_reply(hostile, [{"kind": "video", "url": "u"}, {"kind": "text", "text": "x"}])
    parts = task.status.message.parts
    assert isinstance(parts[0], UnknownVariant) and parts[0].to_dict() == {"kind": "video", "url": "u"}


def test_a_callers_model_is_not_held_to_answer_lengths() -> None:
    from agenttrustid.types import A2aMessage

    assert A2aMessage(role="user", parts=[]).parts == []

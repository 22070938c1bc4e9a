"""The integrations' tests run in .venv-integrations (requirements-integrations.lock: the real
crewai, ag2, autogen-agentchat) against the mock gateway CLI, started once per session."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agenttrustid import AgentTrustClient
from agenttrustid.types import Agent

# No framework may phone home from a test (and none can: the network is loopback only).
os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
os.environ.setdefault("CREWAI_DISABLE_TRACKING", "true")
os.environ.setdefault("OTEL_SDK_DISABLED", "true")
os.environ.setdefault("CREWAI_TRACING_ENABLED", "false")

REPO = Path(__file__).resolve().parents[3]
MOCK_CLI = REPO / "packages" / "mock-gateway" / "dist" / "cli.js"
API_KEY = "sk_test_agenttrust"


class Gateway:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=10)

    def reset(self) -> None:
        for method, path in (
            ("POST", "/__mock/reset"),
            ("DELETE", "/__mock/faults"),
            ("DELETE", "/__mock/requests"),
        ):
            self.http.request(method, path).raise_for_status()

    def fault(self, **spec: object) -> None:
        self.http.post("/__mock/faults", json=spec).raise_for_status()

    def requests(self, operation: str) -> list[dict[str, object]]:
        recorded: list[dict[str, object]] = self.http.get("/__mock/requests").json()
        return [r for r in recorded if r.get("operation_id") == operation]

    def checks(self) -> list[dict[str, object]]:
        return [r["body"] for r in self.requests("checkAction")]  # type: ignore[misc]

    def events(self) -> list[dict[str, object]]:
        return [e for r in self.requests("reportTelemetry") for e in r["body"]["events"]]  # type: ignore[index]


@pytest.fixture(scope="session")
def mock_gateway() -> Iterator[Gateway]:
    if not MOCK_CLI.exists():
        pytest.fail(f"{MOCK_CLI} is missing: build it with `pnpm --filter @agenttrustid/mock-gateway build`")
    proc = subprocess.Popen(["node", str(MOCK_CLI), "--port", "0"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline().strip()
    # Keep reading so the mock never blocks on a full pipe (it logs a line per request).
    threading.Thread(target=lambda: [None for _ in proc.stdout or []], daemon=True).start()
    if not first.startswith("http://127.0.0.1:"):
        proc.kill()
        pytest.fail(f"the mock gateway did not print its URL: {first!r}")
    gateway = Gateway(first)
    try:
        yield gateway
    finally:
        gateway.http.close()
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def gateway(mock_gateway: Gateway) -> Gateway:
    mock_gateway.reset()
    return mock_gateway


@pytest.fixture
def client(gateway: Gateway) -> Iterator[AgentTrustClient]:
    with AgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as c:
        yield c


@pytest.fixture
def agent(client: AgentTrustClient) -> Agent:
    return client.agents.create(name="framework-bot", capabilities=["web:search", "db:*"])

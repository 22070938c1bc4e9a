"""Starts the mock gateway CLI once per test session (`node packages/mock-gateway/dist/cli.js
--port 0`; its first stdout line is the base URL) and gives tests clients bound to it."""

from __future__ import annotations

import os
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, settings

from agenttrustid import AgentTrustClient

REPO = Path(__file__).resolve().parents[3]
MOCK_CLI = REPO / "packages" / "mock-gateway" / "dist" / "cli.js"
API_KEY = "sk_test_agenttrust"


class MockGateway:
    """The running mock: its URL, its admin API (`/__mock/...`), and its last log lines."""

    def __init__(self, url: str, log: deque[str]) -> None:
        self.url = url
        self.log = log
        self._http = httpx.Client(base_url=url, timeout=10)

    def reset(self) -> None:
        for method, path in (
            ("POST", "/__mock/reset"),
            ("DELETE", "/__mock/faults"),
            ("DELETE", "/__mock/requests"),
        ):
            self._http.request(method, path).raise_for_status()

    def fault(self, **spec: object) -> str:
        response = self._http.post("/__mock/faults", json=spec)
        response.raise_for_status()
        return str(response.json()["id"])

    def clear_faults(self) -> None:
        self._http.delete("/__mock/faults").raise_for_status()

    def clear_requests(self) -> None:
        self._http.delete("/__mock/requests").raise_for_status()

    def advance_clock(self, ms: int) -> None:
        self._http.post("/__mock/clock", json={"advance_ms": ms}).raise_for_status()

    def set_agent_status(self, agent_id: str, status: str) -> None:
        """Suspends or reactivates an agent (the real gateway has no such call)."""
        self._http.post(f"/__mock/agents/{agent_id}/status", json={"status": status}).raise_for_status()

    def requests(self, operation: str | None = None) -> list[dict[str, object]]:
        response = self._http.get("/__mock/requests")
        response.raise_for_status()
        recorded: list[dict[str, object]] = response.json()
        return [r for r in recorded if operation is None or r.get("operation_id") == operation]

    def close(self) -> None:
        self._http.close()


@pytest.fixture(scope="session")
def mock_gateway() -> Iterator[MockGateway]:
    if not MOCK_CLI.exists():
        pytest.fail(f"{MOCK_CLI} is missing: build it with `pnpm --filter @agenttrustid/mock-gateway build`")
    proc = subprocess.Popen(
        ["node", str(MOCK_CLI), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    first: list[str] = []
    ready = threading.Event()
    log: deque[str] = deque(maxlen=200)

    def pump() -> None:
        # Reads every line so the mock never blocks on a full pipe (it logs one line per request).
        assert proc.stdout is not None
        for line in proc.stdout:
            if not first:
                first.append(line.strip())
                ready.set()
            else:
                log.append(line.rstrip())
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(30) or not first or not first[0].startswith("http://127.0.0.1:"):
        proc.kill()
        pytest.fail(f"the mock gateway did not print its URL: {first or list(log)}")
    gateway = MockGateway(first[0], log)
    try:
        yield gateway
    finally:
        gateway.close()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def gateway(mock_gateway: MockGateway) -> MockGateway:
    """The mock, reset (state, faults, recorded requests) for this test."""
    mock_gateway.reset()
    return mock_gateway


@pytest.fixture
def client(gateway: MockGateway) -> Iterator[AgentTrustClient]:
    with AgentTrustClient(base_url=gateway.url, api_key=API_KEY, max_retries=0) as c:
        yield c


# hypothesis profiles (tests/test_fuzz.py): `ci`, the default, is bounded and derandomized so a
# run is fast and repeatable; `long` (HYPOTHESIS_PROFILE=long, the package's `fuzz` script)
# explores with fresh random examples.
settings.register_profile(
    "ci",
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=500,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from .test_fuzz import TALLY

    if TALLY:
        terminalreporter.write_line(
            f"fuzz: {TALLY['cases']} mutated answers ({TALLY['accepted']} accepted, all spec-valid; "
            f"{TALLY['refused']} refused with a typed error), {TALLY['valid cases']} valid answers accepted"
        )

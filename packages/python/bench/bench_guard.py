"""Benchmark: `guard.check()` latency as a ratio to a raw httpx POST of the same request to the
same loopback server (the mock gateway CLI), and the cost of one `guard.report()` call.

    .venv/bin/python bench/bench_guard.py [--calls 300] [--rounds 5] [--reports 200000]

Prints figures; asserts nothing (these machines are noisy: the ratio, measured in one run with
interleaved rounds, is the figure to read)."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from agenttrustid import AgentTrustClient
from agenttrustid.guard import ATIGuard

REPO = Path(__file__).resolve().parents[3]
API_KEY = "sk_test_agenttrust"


def start_mock() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        ["node", str(REPO / "packages/mock-gateway/dist/cli.js"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    # Drain the per-request log so the pipe never blocks the server.
    threading.Thread(target=lambda: [None for _ in proc.stdout or []], daemon=True).start()
    return proc, url


def timed(fn: object, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300, help="calls per round and side")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reports", type=int, default=200_000)
    args = parser.parse_args()

    proc, url = start_mock()
    try:
        client = AgentTrustClient(base_url=url, api_key=API_KEY)
        agent = client.agents.create(name="bench-bot", capabilities=["web:search"])
        guard = ATIGuard(client, agent.id, session_id="bench-session", batch_size=100, flush_interval=60)
        raw = httpx.Client()
        # The request the guard sends (the real gateway's wire): the key in X-API-Key.
        headers = {"x-api-key": API_KEY, "content-type": "application/json"}
        body = {
            "agent_id": agent.id,
            "action_name": "web_search",
            "action_source": "api",
            "session_id": "bench-session",
        }

        def raw_post() -> None:
            r = raw.post(f"{url}/api/v1/agenttrust/check", json=body, headers=headers)
            r.raise_for_status()
            r.json()

        def check() -> None:
            guard.check("web_search")

        for fn in (raw_post, check):  # warm up connections and validators
            timed(fn, 50)
        raw_times: list[float] = []
        check_times: list[float] = []
        for _ in range(args.rounds * args.calls):  # alternating call by call: load bursts hit both sides
            raw_times += timed(raw_post, 1)
            check_times += timed(check, 1)
        raw_med = statistics.median(raw_times)
        check_med = statistics.median(check_times)

        # report() alone: 99 reports at a time (below the batch size, so the sender stays idle
        # while they are timed), then an untimed flush.
        idle = ATIGuard(client, agent.id, batch_size=100, flush_interval=3600)
        chunks = max(1, args.reports // 99)
        spent = 0.0
        for _ in range(chunks):
            t = time.perf_counter()
            for i in range(99):
                idle.report("web_search", True, i)
            spent += time.perf_counter() - t
            idle.flush(timeout=60)
        per_report_alone = spent / (chunks * 99)
        idle.close()

        # report() amortized: back to back with the sender thread batching and posting meanwhile
        # (it shares the GIL, so its work per event shows up here).
        reporter = ATIGuard(
            client, agent.id, batch_size=100, queue_capacity=args.reports + 1, flush_interval=0.05
        )
        t = time.perf_counter()
        for i in range(args.reports):
            reporter.report("web_search", True, i & 1023)
        per_report = (time.perf_counter() - t) / args.reports
        reporter.close(timeout=120)
        stats = reporter.stats()["telemetry"]

        print(
            f"python {sys.version.split()[0]}, httpx {httpx.__version__}, {args.rounds}x{args.calls} calls per side"
        )
        print(f"raw httpx POST /api/v1/agenttrust/check  median {raw_med * 1e6:8.1f} us")
        print(f"guard.check('web_search')         median {check_med * 1e6:8.1f} us")
        print(f"ratio guard.check / raw POST      {check_med / raw_med:8.3f}  (target <= 1.2)")
        print(f"guard.report() alone              {per_report_alone * 1e9:8.0f} ns per call (sender idle)")
        print(
            f"guard.report() amortized          {per_report * 1e9:8.0f} ns per call, background batching included "
            f"({args.reports} calls; sent {stats['sent']}, dropped {stats['dropped']})"
        )
        guard.close()
        client.close()
        raw.close()
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()

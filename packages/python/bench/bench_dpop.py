"""Benchmark: what a guarded check pays for agent credentials. Mints DPoP proofs alone, then
times `guard.check()` without credentials and with them (a WIMSE bearer and a fresh DPoP proof,
which the mock verifies), interleaved call by call against the same loopback mock.

    .venv/bin/python -m bench.bench_dpop [--calls 300] [--rounds 3] [--mints 5000]

Prints figures; asserts nothing (the ratios of one run are the figures to read)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import cryptography

from agenttrustid import AgentCredentials, AgentTrustClient, mint_dpop_proof
from agenttrustid.guard import ATIGuard
from bench.bench_guard import API_KEY, start_mock, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300, help="calls per round and side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mints", type=int, default=5000)
    args = parser.parse_args()

    proc, url = start_mock()
    try:
        client = AgentTrustClient(base_url=url, api_key=API_KEY)
        agent = client.agents.create(name="bench-bot", capabilities=["web:search"])
        pair = client.key_store.get(agent.id)
        assert pair is not None
        credentials = AgentCredentials(client, agent.id)
        plain = ATIGuard(client, agent.id, session_id="bench-plain", flush_interval=60)
        bound = ATIGuard(
            client, agent.id, session_id="bench-bound", flush_interval=60, credentials=credentials
        )

        check_url = f"{url}/api/v1/agenttrust/check"
        token = credentials.token()
        t = time.perf_counter()
        for _ in range(args.mints):
            mint_dpop_proof(pair, "POST", check_url, token)
        per_mint = (time.perf_counter() - t) / args.mints

        def without() -> None:
            plain.check("web_search")

        def with_credentials() -> None:
            bound.check("web_search")

        # Call by call, so load bursts hit both sides. The flags stay off: a check without
        # credentials would be refused with them on, and a gateway verifies any proof it is sent.
        for fn in (without, with_credentials):  # warm up connections, validators and the token
            timed(fn, 50)
        plain_times: list[float] = []
        bound_times: list[float] = []
        for _ in range(args.rounds * args.calls):
            plain_times += timed(without, 1)
            bound_times += timed(with_credentials, 1)
        plain_med = statistics.median(plain_times)
        bound_med = statistics.median(bound_times)

        print(
            f"python {sys.version.split()[0]}, cryptography {cryptography.__version__},"
            f" {args.rounds}x{args.calls} checks per side"
        )
        print(f"mint_dpop_proof()                         {per_mint * 1e6:8.1f} us per proof")
        print(f"guard.check() without credentials         median {plain_med * 1e6:8.1f} us")
        print(f"guard.check() with credentials            median {bound_med * 1e6:8.1f} us")
        print(f"ratio proof minting / check without       {per_mint / plain_med:8.3f}")
        print(f"ratio check with / without credentials    {bound_med / plain_med:8.3f}")
        plain.close()
        bound.close()
        client.close()
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()

"""Measurement: how hard the guard's telemetry hits a gateway that answers 503 to everything.

    .venv/bin/python bench/telemetry_backoff.py [--seconds 30] [--rate 200] [--retries 2]

A guard with the default settings (batch of 10, 5 s flush interval; the client's retries)
reports `--rate` tool calls per second for `--seconds` against a loopback server that answers
503; the script prints the requests the server saw, then per second, and the guard's telemetry
stats. Prints figures; asserts nothing (`tests/test_guard.py` holds the bounds)."""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from agenttrustid import AgentTrustClient
from agenttrustid.guard import ATIGuard


class Failing(BaseHTTPRequestHandler):
    requests = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        with Failing.lock:
            Failing.requests += 1
        self.send_response(503)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=int, default=200, help="reports per second")
    parser.add_argument("--retries", type=int, default=2, help="the client's max_retries")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with AgentTrustClient(base_url=url, api_key="sk_test_agenttrust", max_retries=args.retries) as client:
        guard = ATIGuard(client, "agt_1")
        started = time.monotonic()
        n = 0
        while (elapsed := time.monotonic() - started) < args.seconds:
            guard.report("web_search", True, 1)
            n += 1
            time.sleep(max(0.0, n / args.rate - elapsed))
        seen = Failing.requests
        stats = guard.stats()["telemetry"]
        guard.close(timeout=0)
    server.shutdown()
    print(f"{n} reports in {args.seconds:g} s against a gateway answering 503 (max_retries={args.retries})")
    print(f"requests: {seen} ({seen / args.seconds:.1f}/s)")
    print(
        f"telemetry: sent {stats['sent']}, dropped {stats['dropped']}, "
        f"failed batches {stats['failed_batches']}, queued {stats['queued']} of {stats['capacity']}"
    )


if __name__ == "__main__":
    main()

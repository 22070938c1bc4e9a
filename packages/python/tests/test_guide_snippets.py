"""The guide's Python snippets (examples/guide_snippets.py) run against the mock gateway."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import API_KEY, MockGateway

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "guide_snippets.py"


def test_guide_snippets_run_against_the_mock(gateway: MockGateway) -> None:
    env = {**os.environ, "AGENTTRUST_URL": gateway.url, "AGENTTRUST_API_KEY": API_KEY}
    env.pop("AGENTTRUST_BASE_URL", None)
    run = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "Status: active" in out
    assert "Active: True" in out
    assert "Allowed: True" in out
    assert "Elevation required. Approval ID: apr_" in out
    assert "Status: approved" in out
    assert "Code: ACTION_DENIED" in out
    assert out.rstrip().endswith("guide snippets: done")
    assert API_KEY not in out + run.stderr
    # Section 13: the 500-character summary left the process cut to 200.
    bodies = [r["body"] for r in gateway.requests("checkAction")]
    summaries = [b.get("action_input_summary") for b in bodies if isinstance(b, dict)]
    assert "x" * 200 in summaries and "x" * 201 not in summaries

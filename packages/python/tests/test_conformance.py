"""Runs every scenario of spec/conformance/ against the mock gateway and writes
spec/conformance/results/python.json for `pnpm conformance`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from .conformance_runner import RESULTS_DIR, ScenarioRunner, scenario_files
from .conftest import MockGateway

_results: list[dict[str, Any]] = []


@pytest.fixture(scope="module", autouse=True)
def _write_results() -> Iterator[None]:
    yield
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    report = {
        "language": "python",
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "scenarios": sorted(_results, key=lambda r: r["id"]),
    }
    (RESULTS_DIR / "python.json").write_text(json.dumps(report, indent=2) + "\n")


def test_there_are_scenarios() -> None:
    assert len(scenario_files()) > 0


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_scenario(path: Path, mock_gateway: MockGateway) -> None:
    scenario = json.loads(path.read_text())
    started = time.monotonic()
    skip = scenario.get("skip", {}).get("python")
    if skip:
        _results.append({"id": scenario["id"], "status": "skip", "duration_ms": 0, "message": skip})
        pytest.skip(skip)
    try:
        ScenarioRunner(mock_gateway, scenario).run()
    except AssertionError as e:
        _results.append(
            {"id": scenario["id"], "status": "fail", "duration_ms": _ms(started), "message": str(e)[:2000]}
        )
        raise
    except Exception as e:
        message = f"{type(e).__name__}: {e}"[:2000]
        _results.append(
            {"id": scenario["id"], "status": "fail", "duration_ms": _ms(started), "message": message}
        )
        raise
    _results.append({"id": scenario["id"], "status": "pass", "duration_ms": _ms(started)})


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)

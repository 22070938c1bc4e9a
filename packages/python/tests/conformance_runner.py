"""The Python runner of the language-neutral scenarios in spec/conformance/ (see its README):
it reads each JSON file and drives the real SDK against the mock gateway over HTTP. Nothing in
here knows a particular scenario."""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agenttrustid import AgentTrustClient
from agenttrustid._operations import CALLS
from agenttrustid.exceptions import AgentTrustError
from agenttrustid.guard import ATIGuard

from .conftest import API_KEY, REPO, MockGateway

SCENARIO_DIR = REPO / "spec" / "conformance" / "scenarios"
RESULTS_DIR = REPO / "spec" / "conformance" / "results"
_REF = re.compile(r"\$\{([^}]+)\}")


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


class StepFailed(AssertionError):
    pass


def scenario_files() -> list[Path]:
    return sorted(SCENARIO_DIR.glob("*.json"))


def to_json(value: Any) -> Any:
    """The wire shape of an SDK result (models dumped by their wire names)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "cause"
        }
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def error_json(error: AgentTrustError) -> dict[str, Any]:
    return {
        "code": error.code.value,
        "message": error.message,
        "status": error.status,
        "details": to_json(error.details),
        "request_id": error.request_id,
    }


def get_path(value: Any, path: str) -> Any:
    if path == "":
        return value
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part, MISSING)
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def interpolate(value: Any, saved: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = _REF.fullmatch(value)
        if whole:
            return _lookup(whole.group(1), saved)

        def text(m: re.Match[str]) -> str:
            found = _lookup(m.group(1), saved)
            return found if isinstance(found, str) else json.dumps(found)

        return _REF.sub(text, value)
    if isinstance(value, list):
        return [interpolate(v, saved) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, saved) for k, v in value.items()}
    return value


def _lookup(ref: str, saved: dict[str, Any]) -> Any:
    name, _, path = ref.partition(".")
    if name not in saved:
        raise StepFailed(f"${{{ref}}}: nothing was saved as {name!r}")
    found = get_path(saved[name], path)
    if found is MISSING:
        raise StepFailed(f"${{{ref}}}: no such path in the saved value")
    return found


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=False))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def match(actual: Any, expected: Any, where: str) -> list[str]:
    """Problems found comparing `actual` with an expectation (README: Expectations)."""
    if isinstance(expected, dict) and len(expected) == 1 and next(iter(expected)).startswith("$"):
        op, arg = next(iter(expected.items()))
        return _matcher(actual, op, arg, where)
    if expected is None:
        return [] if actual is None or actual is MISSING else [f"{where}: expected null, got {actual!r}"]
    if actual is MISSING:
        return [f"{where}: missing (expected {expected!r})"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r}"]
        out: list[str] = []
        for key, value in expected.items():
            out += match(actual.get(key, MISSING), value, f"{where}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {expected!r}, got {actual!r}"]
        out = []
        for i, (a, e) in enumerate(zip(actual, expected, strict=False)):
            out += match(a, e, f"{where}.{i}")
        return out
    return [] if _equal(actual, expected) else [f"{where}: expected {expected!r}, got {actual!r}"]


def _matcher(actual: Any, op: str, arg: Any, where: str) -> list[str]:
    ok: bool
    if op == "$absent":
        ok = (actual is MISSING or actual is None) == bool(arg)
    elif op == "$present":
        ok = (actual is not MISSING and actual is not None) == bool(arg)
    elif actual is MISSING:
        return [f"{where}: missing (expected {op} {arg!r})"]
    elif op == "$type":
        t = _json_type(actual)
        ok = t == arg or (arg == "number" and t == "integer")
    elif op == "$len":
        ok = isinstance(actual, (str, list, dict)) and len(actual) == arg
    elif op == "$gte":
        ok = _json_type(actual) in ("integer", "number") and actual >= arg
    elif op == "$lte":
        ok = _json_type(actual) in ("integer", "number") and actual <= arg
    elif op == "$contains":
        if isinstance(actual, str):
            ok = isinstance(arg, str) and arg in actual
        else:
            ok = isinstance(actual, list) and any(_equal(item, arg) for item in actual)
    elif op == "$matches":
        ok = isinstance(actual, str) and re.search(arg, actual) is not None
    elif op == "$ne":
        ok = not _equal(actual, arg)
    else:
        return [f"{where}: unknown matcher {op}"]
    return [] if ok else [f"{where}: {actual!r} fails {op} {arg!r}"]


class ScenarioRunner:
    def __init__(self, gateway: MockGateway, scenario: dict[str, Any]) -> None:
        self.gateway = gateway
        self.scenario = scenario
        self.saved: dict[str, Any] = {}
        self.defaults: dict[str, Any] = {"api_key": API_KEY, **scenario.get("client", {})}
        self.clients: dict[str, AgentTrustClient] = {}
        self.guard: ATIGuard | None = None
        self.errors_seen: list[AgentTrustError] = []

    def client(self, overrides: dict[str, Any] | None = None) -> AgentTrustClient:
        settings = {**self.defaults, **(overrides or {})}
        key = json.dumps(settings, sort_keys=True)
        if key not in self.clients:
            kwargs: dict[str, Any] = {"base_url": self.gateway.url, "api_key": settings.get("api_key")}
            if "max_retries" in settings:
                kwargs["max_retries"] = settings["max_retries"]
            if "timeout_ms" in settings:
                kwargs["timeout"] = settings["timeout_ms"] / 1000
            self.clients[key] = AgentTrustClient(**kwargs)
        return self.clients[key]

    def run(self) -> None:
        self.gateway.reset()
        try:
            for index, step in enumerate(self.scenario["steps"]):
                for _ in range(step.get("repeat", 1)):
                    try:
                        self.step(step)
                    except StepFailed as e:
                        raise StepFailed(f"step {index} ({_describe(step)}): {e}") from None
            for error in self.errors_seen:
                text = " ".join([str(error), repr(error), error.message, json.dumps(to_json(error.details))])
                if API_KEY in text:
                    raise StepFailed(f"the API key appears in an error: {type(error).__name__}")
        finally:
            if self.guard is not None:
                self.guard.close(timeout=5)
            for c in self.clients.values():
                c.close()

    def step(self, raw: dict[str, Any]) -> None:
        step = {k: (v if k in ("expect", "save") else interpolate(v, self.saved)) for k, v in raw.items()}
        started = time.monotonic()
        result: Any = None
        error: AgentTrustError | None = None
        try:
            result = self.execute(step)
        except AgentTrustError as e:
            error = e
            self.errors_seen.append(e)
        elapsed_ms = (time.monotonic() - started) * 1000
        expect = raw.get("expect", {})
        expected_error = expect.get("error")
        if error is not None and expected_error is None:
            raise StepFailed(f"unexpected {type(error).__name__}: {error}")
        if error is None and expected_error is not None:
            raise StepFailed(f"expected error {expected_error.get('code')}, got a result {to_json(result)!r}")
        value = error_json(error) if error is not None else to_json(result)
        if "save" in raw:
            self.saved[raw["save"]] = value
        expect = interpolate(expect, self.saved)
        problems: list[str] = []
        if error is not None:
            want = expect["error"]
            problems += match(value["code"], want["code"], "error.code")
            if "status" in want:
                problems += match(value["status"], want["status"], "error.status")
            if "details" in want:
                problems += match(value["details"], want["details"], "error.details")
            if "message_contains" in want and want["message_contains"] not in value["message"]:
                problems.append(f"error.message {value['message']!r} lacks {want['message_contains']!r}")
        for path, expected in expect.get("fields", {}).items():
            problems += match(get_path(value, path), expected, path or "(result)")
        if "count" in expect:
            problems += match(value, {"$len": expect["count"]}, "(result)")
        if "elapsed_ms" in expect:
            problems += match(elapsed_ms, expect["elapsed_ms"], "elapsed_ms")
        if problems:
            raise StepFailed("; ".join(problems))

    def execute(self, step: dict[str, Any]) -> Any:
        if "call" in step:
            if step["call"] not in CALLS:
                raise StepFailed(f"the SDK has no {step['call']}")
            attr, method, names = CALLS[step["call"]]
            kwargs = {names[k]: v for k, v in step.get("args", {}).items()}
            target = getattr(getattr(self.client(step.get("client")), attr), method)
            return target(**kwargs)
        if "guard" in step:
            return self.guard_step(step)
        return self.mock_step(step)

    def guard_step(self, step: dict[str, Any]) -> Any:
        action = step["guard"]
        if action == "create":
            if self.guard is not None:
                self.guard.close(timeout=5)
            self.guard = ATIGuard(self.client(), step["agent_id"], **step.get("options", {}))
            return None
        if self.guard is None:
            raise StepFailed("no guard: a `guard: create` step must come first")
        if action == "check":
            return self.guard.check(step["tool"], step.get("input_summary"), step.get("action_effect"))
        if action == "report":
            self.guard.report(step["tool"], step["success"], step["duration_ms"], step.get("error_type"))
            return None
        if action == "flush":
            return self.guard.flush(timeout=30)
        if action == "close":
            return self.guard.close(timeout=30)
        raise StepFailed(f"unknown guard step {action}")

    def mock_step(self, step: dict[str, Any]) -> Any:
        action = step["mock"]
        g = self.gateway
        if action == "reset":
            g.reset()
        elif action == "advance_clock":
            g.advance_clock(step["ms"])
        elif action == "fault":
            g.fault(**step["fault"])
        elif action == "clear_faults":
            g.clear_faults()
        elif action == "clear_requests":
            g.clear_requests()
        elif action == "requests":
            return g.requests(step.get("operation"))
        else:
            raise StepFailed(f"unknown mock step {action}")
        return None


def _describe(step: dict[str, Any]) -> str:
    for key in ("call", "guard", "mock"):
        if key in step:
            return f"{key} {step[key]}"
    return "?"

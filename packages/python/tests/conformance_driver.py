"""The Python driver of the conformance runner (spec/conformance/README.md): one JSON request per
stdin line, one JSON answer per stdout line, in order. It only translates: a `call` becomes
`client.<resource>.<method>(**kwargs)` through the SDK's generated call table, answers go back
in wire shape, errors as their fields. Matching, interpolation and the mock are the runner's.

    .venv/bin/python tests/conformance_driver.py
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from typing import Any, Callable

import pydantic

from agenttrustid import AgentTrustClient
from agenttrustid import types as sdk_types
from agenttrustid._operations import CALLS
from agenttrustid._truncate import truncate_summary
from agenttrustid.exceptions import AgentTrustError, error_from_response
from agenttrustid.guard import ATIGuard, digest_tool_input
from agenttrustid.identity import AgentCredentials


class Unsupported(Exception):
    """A request this driver does not understand: reported as a crash (a failure)."""


class ToolFailure(Exception):
    """What a wrapped tool raises on request: the guard must re-raise it unchanged."""


def wire(value: Any) -> Any:
    """An SDK value in wire shape: models by their wire names, enums by value."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: wire(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [wire(v) for v in value]
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    return value


def error_answer(error: AgentTrustError) -> dict[str, Any]:
    return {
        "code": error.code.value,
        "message": error.message,
        "status": error.status,
        "details": wire(error.details),
        "request_id": error.request_id,
        "text": str(error),
    }


class Driver:
    def __init__(self) -> None:
        self.clients: dict[str, AgentTrustClient] = {}
        # One AgentCredentials per (client, agent), created on first use, dropped by `reset`.
        self.credentials: dict[tuple[str, str], AgentCredentials] = {}
        self.guard: ATIGuard | None = None
        self.wrapped_calls = 0
        self.ops: dict[str, Callable[[dict[str, Any]], Any]] = {
            "call": self.call,
            "guard": self.guard_step,
            "vector": self.vector,
            "identity": self.identity,
            "reset": self.reset,
        }

    def client(self, settings: dict[str, Any]) -> AgentTrustClient:
        key = json.dumps(settings, sort_keys=True)
        if key not in self.clients:
            options: dict[str, Any] = {"base_url": settings["base_url"], "api_key": settings.get("api_key")}
            if settings.get("max_retries") is not None:
                options["max_retries"] = settings["max_retries"]
            if settings.get("timeout_ms") is not None:
                options["timeout"] = settings["timeout_ms"] / 1000
            self.clients[key] = AgentTrustClient(**options)
        return self.clients[key]

    def call(self, request: dict[str, Any]) -> Any:
        name = request["call"]
        if name not in CALLS:
            raise Unsupported(f"the SDK has no {name}")
        attr, method, names = CALLS[name]
        args = request.get("args", {})
        unknown = sorted(set(args) - set(names))
        if unknown:
            raise Unsupported(f"{name} has no argument {', '.join(unknown)}")
        # `names` maps wire names (header arguments by their header name, e.g. X-Agent-ID) to
        # the Python ones; JSON-RPC operations are ordinary methods; a root one (attr "") lives
        # on the client itself.
        kwargs = {names[k]: v for k, v in args.items()}
        client = self.client(request["client"])
        target = getattr(client, attr) if attr else client
        return wire(getattr(target, method)(**kwargs))

    def guard_step(self, request: dict[str, Any]) -> Any:
        action = request["action"]
        if action == "create":
            self.close_guard()
            options = {k: v for k, v in request.get("options", {}).items() if v is not None}
            if "breaker" in options:
                b = options["breaker"]
                options["breaker"] = {
                    "failure_threshold": b["failure_threshold"],
                    "window": b["window_ms"] / 1000,
                    "cooldown": b["cooldown_ms"] / 1000,
                }
            if options.pop("credentials", False):
                options["credentials"] = self.agent_credentials(request["client"], request["agent_id"])
            self.guard = ATIGuard(self.client(request["client"]), request["agent_id"], **options)
            self.wrapped_calls = 0
            return None
        guard = self.guard
        if guard is None:
            raise Unsupported("no guard: a guard `create` must come first")
        tool = request.get("tool", "")
        summary, effect = request.get("input_summary"), request.get("action_effect")
        given = {"input": request["input"]} if "input" in request else {}
        if action == "check":
            return wire(guard.check(tool, summary, effect, **given))
        if action == "wait_for_approval":
            poll = request["poll_interval_ms"] / 1000
            return wire(
                guard.check_or_wait_for_approval(
                    tool,
                    summary,
                    effect,
                    **given,
                    timeout=request["timeout_ms"] / 1000,
                    poll_interval=poll,
                    max_poll_interval=poll,
                )
            )
        if action == "wrap":
            return self.wrap(guard, request)
        if action == "wrapped_calls":
            return self.wrapped_calls
        if action == "breaker":
            breaker = guard.stats()["breaker"]
            return breaker["state"] if breaker else None
        if action == "report":
            guard.report(tool, request["success"], request["duration_ms"], request.get("error_type"))
            return None
        if action == "flush":
            guard.flush(timeout=30)
            return None
        if action == "close":
            guard.close(timeout=30)
            return None
        raise Unsupported(f"unknown guard action {action}")

    def wrap(self, guard: ATIGuard, request: dict[str, Any]) -> Any:
        def tool_function(value: Any) -> Any:
            self.wrapped_calls += 1
            if request.get("raise"):
                raise ToolFailure("the tool failed")
            return value

        run = guard.wrap(request["tool"], action_effect=request.get("action_effect"))(tool_function)
        try:
            return {"returned": run(request.get("input"))}
        except ToolFailure as error:
            return {"raised": type(error).__name__}

    def agent_credentials(
        self, settings: dict[str, Any], agent_id: str, audience: list[str] | None = None
    ) -> AgentCredentials:
        key = (json.dumps(settings, sort_keys=True), agent_id)
        if key not in self.credentials:
            self.credentials[key] = AgentCredentials(self.client(settings), agent_id, audience=audience)
        return self.credentials[key]

    def identity(self, request: dict[str, Any]) -> Any:
        action = request["action"]
        client = self.client(request["client"])
        agent_id = request["agent_id"]
        if action == "issue_with_proof":
            return wire(
                client.wimse.issue_token_with_proof(
                    agent_id, audience=request.get("audience"), ttl_seconds=request.get("ttl_seconds")
                )
            )
        if action == "headers":
            credentials = self.agent_credentials(request["client"], agent_id, request.get("audience"))
            headers = credentials.headers(request["htm"], request["htu"])
            return {"authorization": headers["Authorization"], "dpop": headers["DPoP"]}
        if action == "public_key":
            pair = client.key_store.get(agent_id)
            return {"public_key": pair.public_key_pem if pair is not None else None}
        raise Unsupported(f"unknown identity action {action}")

    def vector(self, request: dict[str, Any]) -> Any:
        kind = request["kind"]
        if kind == "digest":
            return digest_tool_input(request["input"])
        if kind == "truncate":
            return truncate_summary(request["text"], request["limit"])
        if kind == "status":
            # `body` is the answer's text; parsed as the HTTP core does (unreadable: no body).
            try:
                body = json.loads(request["body"]) if request.get("body") is not None else None
            except ValueError:
                body = None
            error = error_from_response(request["status"], body, None)
            return {"code": error.code.value, "status": error.status}
        if kind == "roundtrip":
            cls = getattr(sdk_types, request["type"], None)
            if cls is None:
                raise Unsupported(f"the SDK has no type {request['type']}")
            adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(cls)
            return wire(adapter.validate_python(request["value"]))
        raise Unsupported(f"unknown vector kind {kind}")

    def close_guard(self) -> None:
        if self.guard is not None:
            self.guard.close(timeout=5)
            self.guard = None

    def reset(self, request: dict[str, Any]) -> None:
        self.close_guard()
        self.credentials.clear()
        for c in self.clients.values():
            c.close()
        self.clients.clear()

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = {"id": request.get("id")}
        try:
            op = self.ops.get(request.get("op", ""))
            if op is None:
                raise Unsupported(f"unknown op {request.get('op')!r}")
            answer.update(ok=True, result=op(request))
        except AgentTrustError as error:
            answer.update(ok=False, error=error_answer(error))
        except Exception as error:
            answer.update(ok=False, crash=f"{type(error).__name__}: {error}")
        return answer


def main() -> None:
    driver = Driver()
    for line in sys.stdin:
        if not line.strip():
            continue
        answer = driver.handle(json.loads(line))
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    driver.reset({})


if __name__ == "__main__":
    main()

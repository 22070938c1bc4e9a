"""Property tests of answer decoding (issue 16), with hypothesis: for every operation that
answers a body, a valid answer is generated from the spec's own JSON Schema, mutated (values
retyped or set out of range, keys dropped or added, NaN/Infinity/`1e999` tokens, duplicate keys,
truncation), and decoded by the client's `_finish`. The properties:

- decoding never raises anything but the SDK's typed errors (`InvalidResponseError`, or for a
  JSON-RPC `error` member the error it maps to);
- whatever it accepts is valid by the spec, as `jsonschema` (not our models) reads it, with the
  SDK's documented leniencies only: unknown enum strings and string constants, unknown fields,
  unknown union variants (their tag a string) and a bare body where the spec wraps one
  (`x-sdk-unwrap`);
- an unmutated valid answer is accepted.

Bounded for CI by the `ci` profile (tests/conftest.py); `HYPOTHESIS_PROFILE=long` (the package's
`fuzz` script) runs many more. No network: answers go straight to `_finish`."""

from __future__ import annotations

import copy
import json
import math
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from agenttrustid import _operations as ops
from agenttrustid._base_client import OperationSpec, SyncAPIClient, _Prepared
from agenttrustid.exceptions import AgentTrustError, InvalidResponseError

SPEC = yaml.safe_load((Path(__file__).resolve().parents[3] / "spec" / "openapi.yaml").read_text())
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

TALLY: Counter[str] = Counter()
"""Cases run, accepted, refused; printed at the end of the run (conftest.py)."""


# --- the operations and the spec schema of what each returns -------------------------------


def _operations() -> list[tuple[OperationSpec[Any], int, dict[str, Any]]]:
    """(operation, success status, response schema) for every operation with an answer body,
    matched to the spec by method and path (JSON-RPC methods share their path's operation)."""
    found = []
    for spec in vars(ops).values():
        if not isinstance(spec, OperationSpec) or spec.response is None:
            continue
        operation = SPEC["paths"][spec.path][spec.method.lower()]
        for status, response in operation["responses"].items():
            schema = (response.get("content") or {}).get("application/json", {}).get("schema")
            if str(status).startswith("2") and schema is not None:
                found.append((spec, int(status), schema))
                break
    return found


OPERATIONS = _operations()


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def member(schema: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The schema of property `key` of an object schema (or of the first union branch with it)."""
    schema = resolve(schema)
    if key in schema.get("properties", {}):
        return dict(schema["properties"][key])
    for branch in schema.get("oneOf", []):
        found = member(branch, key)
        if found is not None:
            return found
    return None


def taken(op: OperationSpec[Any], schema: dict[str, Any], answer: Any) -> tuple[Any, dict[str, Any]]:
    """The part of an accepted answer the SDK returns, and its schema: the JSON-RPC `result`,
    the `x-sdk-unwrap` member (or the bare body the SDK also takes)."""
    if op.rpc is not None:
        if "result" not in answer or (op.rpc.on_error == "return" and answer.get("error") is not None):
            return answer, schema  # a proxy's whole answer
        answer, schema = answer["result"], member(schema, "result") or {}
    if op.unwrap is not None:
        inner = member(schema, op.unwrap)
        assert inner is not None, f"{op.id}: no {op.unwrap} in the spec's answer"
        if isinstance(answer, dict) and op.unwrap in answer:
            return answer[op.unwrap], inner
        return answer, inner
    return answer, schema


# --- the oracle: the spec's JSON Schema, with the SDK's documented leniencies ----------------


def _relax(node: Any) -> Any:
    if isinstance(node, list):
        return [_relax(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _relax(v) for k, v in node.items() if k not in ("discriminator", "example", "examples")}
    if out.get("additionalProperties") is False:
        del out["additionalProperties"]  # unknown fields are kept (a newer gateway)
    if isinstance(out.get("const"), str):
        del out["const"]  # typed open (`str`): a newer constant is kept
    if "enum" in out and all(isinstance(v, str) for v in out["enum"]):
        del out["enum"]  # unknown enum values are kept when they are strings
        out.setdefault("type", "string")
    if "oneOf" in out:
        # Without additionalProperties: false two branches can both match; an unknown variant of
        # a discriminated union (`kind` another string) is kept as an UnknownVariant.
        branches = out.pop("oneOf")
        if "discriminator" in node:
            tag = node["discriminator"]["propertyName"]
            known = sorted(node["discriminator"]["mapping"])
            branches.append(
                {
                    "type": "object",
                    "required": [tag],
                    "properties": {tag: {"type": "string", "not": {"enum": known}}},
                }
            )
        out["anyOf"] = branches
    return out


RELAXED = _relax(SCHEMAS)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")
FORMATS = jsonschema.FormatChecker([])


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        raise ValueError("not an RFC 3339 date-time")
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


FORMATS.checks("date-time", raises=ValueError)(_date_time)
_VALIDATORS: dict[str, Any] = {}


def spec_errors(value: Any, schema: dict[str, Any]) -> list[str]:
    key = json.dumps(schema, sort_keys=True)
    validator = _VALIDATORS.get(key)
    if validator is None:
        root = {**_relax(schema), "components": {"schemas": RELAXED}}
        validator = _VALIDATORS[key] = jsonschema.Draft202012Validator(root, format_checker=FORMATS)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(value)]


# --- valid answers, generated from the spec ---------------------------------------------------

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
DATE_TIMES = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")
)


_BY_REF: dict[str, st.SearchStrategy[Any]] = {}


def valid(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    ref = schema.get("$ref")
    if ref is not None:
        if ref not in _BY_REF:
            _BY_REF[ref] = st.deferred(lambda: valid(resolve(schema)))
        return _BY_REF[ref]
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "oneOf" in schema:
        return st.one_of([valid(branch) for branch in schema["oneOf"]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([valid({**schema, "type": k}) for k in kind])
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**53)), schema.get("maximum", 2**53))
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.floats(low, high, allow_nan=False, allow_infinity=False) | st.integers(
            math.ceil(low) if low is not None else -(2**53), math.floor(high) if high is not None else 2**53
        )
    if kind == "string":
        if schema.get("format") == "date-time":
            return DATE_TIMES
        low = schema.get("minLength", 0)
        return st.text(min_size=low, max_size=max(low, min(schema.get("maxLength", 12), 12)))
    if kind == "array":
        low = schema.get("minItems", 0)
        return st.lists(
            valid(schema.get("items", {})), min_size=low, max_size=max(low, min(schema.get("maxItems", 2), 2))
        )
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        fixed = st.fixed_dictionaries(
            {k: valid(v) for k, v in props.items() if k in required},
            optional={k: valid(v) for k, v in props.items() if k not in required},
        )
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and not props:
            return st.dictionaries(st.text(max_size=6), valid(extra), max_size=3)
        return fixed
    return ANY_JSON  # free-form (`metadata`, `params`, `data`, a JSON-RPC `id`)


# --- mutations --------------------------------------------------------------------------------

HOSTILE: st.SearchStrategy[Any] = (
    st.sampled_from(
        [
            None,
            "true",
            "1",
            1,
            0,
            -1,
            2,
            0.5,
            1.5,
            -0.0,
            1e308,
            2**53 + 1,
            2**64,
            -(2**63) - 1,
            "",
            "x" * 300,
            "2026-01-01",
            "2026-01-01T00:00:00",
            "2026-13-01T00:00:00Z",
            "yesterday",
            1767225600,
            [],
            {},
            [[]],
            {"kind": 5},
            True,
            False,
            "\u0000\u202e",
        ]
    )
    | ANY_JSON
)

Path_ = tuple[Any, ...]


def paths(value: Any, here: Path_ = ()) -> list[Path_]:
    found = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            found += paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += paths(v, (*here, i))
    return found


def set_at(root: Any, path: Path_, value: Any) -> Any:
    if not path:
        return value
    parent = root
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return root


def encode(value: Any, path: Path_, special: str | None, duplicate: bool) -> str:
    """JSON text of `value`, with the raw token `special` at `path`, or the first key of the
    object at `path` written twice (the second time with a different value)."""
    if not path:
        if special is not None:
            return special
        if duplicate and isinstance(value, dict) and value:
            first = next(iter(value))
            twin = "null" if value[first] is not None else "0"
            inner = ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
            return "{" + f"{json.dumps(first)}: {twin}, " + inner + "}"
        return json.dumps(value)
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        parts = [
            f"{json.dumps(k)}: {encode(v, rest, special, duplicate) if k == head else json.dumps(v)}"
            for k, v in value.items()
        ]
        return "{" + ", ".join(parts) + "}"
    parts = [encode(v, rest, special, duplicate) if i == head else json.dumps(v) for i, v in enumerate(value)]
    return "[" + ", ".join(parts) + "]"


@st.composite
def mutated(draw: st.DrawFn, schema: dict[str, Any]) -> tuple[bytes, bool]:
    """A mutated answer, and whether it must be refused whatever the schema says (it is no
    JSON a parser reads one way only)."""
    answer = draw(valid(schema))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(answer)))
        target = answer
        for part in path:
            target = target[part]
        action = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        if action == "drop" and path:
            parent = answer
            for part in path[:-1]:
                parent = parent[part]
            del parent[path[-1]]
        elif action == "add" and isinstance(target, dict):
            target[draw(st.sampled_from(["zz_new", *target]))] = copy.deepcopy(draw(HOSTILE))
        else:
            answer = set_at(answer, path, copy.deepcopy(draw(HOSTILE)))
    text = draw(st.sampled_from(["plain", "plain", "plain", "token", "duplicate", "truncate"]))
    if text == "plain":
        return json.dumps(answer).encode(), False
    if text == "truncate":
        body = json.dumps(answer)
        if not isinstance(answer, (dict, list)) or len(body) < 2:
            return body.encode(), False
        return body[: draw(st.integers(1, len(body) - 1))].encode(), True
    if text == "duplicate":
        objects = [p for p in paths(answer) if isinstance(_at(answer, p), dict) and _at(answer, p)]
        if not objects:
            return json.dumps(answer).encode(), False
        return encode(answer, draw(st.sampled_from(objects)), None, True).encode(), True
    token = draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]))
    return encode(answer, draw(st.sampled_from(paths(answer))), token, False).encode(), True


def _at(value: Any, path: Path_) -> Any:
    for part in path:
        value = value[part]
    return value


# --- the properties ---------------------------------------------------------------------------


def decode(op: OperationSpec[Any], status: int, body: bytes) -> Any:
    p = _Prepared(op.method, "http://x" + op.path, op.path, None, None, {}, 1.0, 0)
    return SyncAPIClient._finish(op, p, httpx.Response(status, content=body))


@pytest.mark.parametrize(("op", "status", "schema"), OPERATIONS, ids=[o.id for o, _, _ in OPERATIONS])
def test_mutated_answers_are_refused_or_valid(
    op: OperationSpec[Any], status: int, schema: dict[str, Any]
) -> None:
    @given(mutated(schema))
    def check(case: tuple[bytes, bool]) -> None:
        body, must_refuse = case
        TALLY["cases"] += 1
        try:
            decode(op, status, body)
        except InvalidResponseError:
            TALLY["refused"] += 1
            return
        except AgentTrustError:
            # Only a JSON-RPC `error` member maps to another of the SDK's errors.
            assert op.rpc is not None and b'"error"' in body, body[:300]
            TALLY["refused"] += 1
            return
        TALLY["accepted"] += 1
        assert not must_refuse, f"accepted an answer that is no JSON: {body[:300]!r}"
        value, part = taken(op, schema, json.loads(body))
        problems = spec_errors(value, part)
        assert not problems, f"accepted a spec-invalid answer: {problems[:3]} in {body[:300]!r}"

    check()


def successful(op: OperationSpec[Any], schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Valid answers of a successful call: for a JSON-RPC method, a `result` of the kind the
    method returns (the spec's `result` is a union over the methods sharing the path)."""
    if op.rpc is None:
        return valid(schema)
    result = member(schema, "result") or {}
    branches = result.get("oneOf")
    if branches:
        with_member = [b for b in branches if op.unwrap and member(b, op.unwrap) is not None]
        result = with_member[0] if with_member else branches[0]
    return st.fixed_dictionaries({"jsonrpc": st.just("2.0"), "id": JSON_SCALARS, "result": valid(result)})


@pytest.mark.parametrize(("op", "status", "schema"), OPERATIONS, ids=[o.id for o, _, _ in OPERATIONS])
def test_valid_answers_are_accepted(op: OperationSpec[Any], status: int, schema: dict[str, Any]) -> None:
    @given(successful(op, schema))
    def check(answer: Any) -> None:
        TALLY["valid cases"] += 1
        assert not spec_errors(answer, schema), "the generator made an invalid answer"
        decode(op, status, json.dumps(answer).encode())

    check()


def test_every_operation_with_a_body_is_fuzzed() -> None:
    with_body = [s for s in vars(ops).values() if isinstance(s, OperationSpec) and s.response is not None]
    assert len(OPERATIONS) == len(with_body) >= 45

# Copied from generators/python/runtime/_models.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""Base classes of the generated models.

Pydantic v2 rather than dataclasses: the gateway's answers are validated against the spec
(required keys, types, nullability) by pydantic-core in compiled code, about a microsecond per
decision, where dataclasses would need a hand-written validator per type. Unknown fields are
kept (`extra="allow"`), unknown enum values become members of their enum (`OpenEnum`), and an
unknown union variant becomes an `UnknownVariant`: a newer gateway never breaks an older SDK."""

from __future__ import annotations

import datetime
import enum
import math
import re
import uuid
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel as _PydanticBaseModel
from pydantic import BeforeValidator, ConfigDict, ValidationInfo, model_validator

__all__ = [
    "BaseModel",
    "DateTime",
    "OpenEnum",
    "UnknownVariant",
    "NOT_GIVEN",
    "NotGiven",
    "discriminate",
    "fill_generated",
    "new_uuid",
    "shorthand",
    "to_wire",
]


class OpenEnum(str, enum.Enum):
    """A string enum that accepts values it does not list: `AgentStatus("paused")` is a new
    member (`AgentStatus.PAUSED`, value `"paused"`) instead of a ValueError. Members compare
    equal to their string values."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return member

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:[Zz]|([+-])(\d\d):(\d\d))\Z", re.ASCII
)


def _rfc3339(value: Any) -> Any:
    """RFC 3339 text as an aware datetime (fractions past microseconds are cut, as pydantic
    does); a datetime a caller passes is left to pydantic."""
    if not isinstance(value, str):
        return value
    m = _RFC3339.match(value)
    if m is None:
        raise ValueError("not an RFC 3339 date-time")
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = m.groups()
    offset = datetime.timedelta(hours=int(off_h), minutes=int(off_m)) if sign else datetime.timedelta(0)
    return datetime.datetime(
        int(year),
        int(month),
        int(day),
        int(hour),
        int(minute),
        int(second),
        int((fraction or "0")[:6].ljust(6, "0")),
        datetime.timezone(-offset if sign == "-" else offset),
    )


DateTime = Annotated[datetime.datetime, BeforeValidator(_rfc3339)]
"""A `format: date-time` field. From text, only RFC 3339 (the spec's format): pydantic alone also
reads `"1"` or `"1767225600"` as Unix times, and dates without a time zone or seconds."""


class BaseModel(_PydanticBaseModel):
    """Every generated model. Field names are the wire names (snake_case), so `model_dump()`
    is the wire form; free-form maps (`metadata`, `params`, `data`, `claims`) are plain dicts
    whose keys are never touched."""

    # allow_inf_nan=False: NaN and Infinity (`1e999`) are no JSON numbers; an answer with one is
    # refused, and the SDK never sends one. ser_json_inf_nan="constants": a caller's NaN in a
    # free-form field stays a float in `model_dump(mode="json")`, which `to_wire` then refuses,
    # instead of turning silently into null.
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
        allow_inf_nan=False,
        ser_json_inf_nan="constants",
    )

    __const_fields__: ClassVar[tuple[str, ...]] = ()
    __not_null__: ClassVar[frozenset[str]] = frozenset()
    """Fields the spec makes optional but not nullable: an answer's explicit `null` in one is
    refused (a caller's None, in Python, still means "not given")."""

    __lengths__: ClassVar[dict[str, tuple[int, int | None]]] = {}
    """The spec's `minLength`/`maxLength` (strings, in code points) and `minItems`/`maxItems`
    (arrays) of fields, checked on answers; a caller's own model is left to the gateway."""

    @model_validator(mode="after")
    def _refuse_null(self, info: ValidationInfo) -> Any:
        if info.mode != "json":
            return self
        for name in self.__not_null__ & self.__pydantic_fields_set__:
            if getattr(self, name) is None:
                raise ValueError(f"{name} may be absent but not null")
        for name, (low, high) in self.__lengths__.items():
            value = getattr(self, name)
            if value is not None and not (low <= len(value) and (high is None or len(value) <= high)):
                raise ValueError(
                    f"{name} must have a length from {low} to {high if high is not None else 'any'}"
                )
        return self

    @model_validator(mode="after")
    def _mark_consts_set(self) -> Any:
        # A `kind: "text"` default is part of the wire form even when the caller omitted it.
        for name in self.__const_fields__:
            self.__pydantic_fields_set__.add(name)
        return self

    def to_dict(self) -> dict[str, Any]:
        """The wire form: keys the gateway sent (or the caller set), JSON-compatible values."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class UnknownVariant(BaseModel):
    """A union member whose discriminator value this SDK does not know (a newer gateway).
    Its fields are kept as extra attributes; `to_dict()` gives them back."""


class NotGiven:
    """Marks an argument the caller did not pass (as opposed to an explicit None)."""

    _instance: ClassVar[NotGiven | None] = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


MAX_WIRE_DEPTH = 128
"""How deep arguments may nest (metadata included): deeper, or circular, is a ValidationError."""


def to_wire(value: Any) -> Any:
    """Converts an argument to JSON-ready data: models to their wire dicts, enums to their
    values, sequences and mappings element by element (mapping keys untouched). A circular or
    too deeply nested value, or a float that JSON cannot carry (NaN, Infinity), is refused with
    a ValidationError, so it never goes out as invalid JSON nor ends in a RecursionError."""
    return _to_wire(value, 0, set())


def _refuse(message: str) -> Any:
    from .exceptions import ValidationError  # here: exceptions imports the types, which import this

    raise ValidationError("VALIDATION_ERROR", message)


def _to_wire(value: Any, depth: int, active: set[int]) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else _refuse("NaN and Infinity cannot be sent as JSON")
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if depth >= MAX_WIRE_DEPTH:
        _refuse(f"the argument nests deeper than {MAX_WIRE_DEPTH} levels")
    if isinstance(value, _PydanticBaseModel):
        try:
            dumped = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
        except (ValueError, RecursionError):  # pydantic's cycle check is a ValueError
            return _refuse("the argument is circular")
        return _to_wire(dumped, depth + 1, active)
    if isinstance(value, (dict, list, tuple)):
        if id(value) in active:
            _refuse("the argument is circular (it contains itself)")
        active.add(id(value))
        try:
            if isinstance(value, dict):
                return {k: _to_wire(v, depth + 1, active) for k, v in value.items()}
            return [_to_wire(v, depth + 1, active) for v in value]
        finally:
            active.discard(id(value))
    return value


def shorthand(value: Any, template: Any) -> Any:
    """An argument the spec lets take a plain string (`x-sdk-shorthands`): a str becomes
    `template` with every "{value}" string in it replaced by the str (`a2a.send_message(agent_id,
    "text")` builds a user message with one text part). Anything else is passed on as is."""
    if not isinstance(value, str):
        return value

    def build(node: Any) -> Any:
        if node == "{value}":
            return value
        if isinstance(node, dict):
            return {k: build(v) for k, v in node.items()}
        if isinstance(node, list):
            return [build(v) for v in node]
        return node

    return build(template)


def new_uuid() -> str:
    """A fresh random (version 4) UUID, for a field the spec marks `x-sdk-generate: uuid`."""
    return str(uuid.uuid4())


def fill_generated(value: Any, fields: Any) -> Any:
    """An argument in wire form with every `x-sdk-generate` field the caller left out (or set to
    None) filled: `fields` is `{"messageId": "uuid"}` for a field of this object, `{key: {...}}`
    for one inside a member, `[{...}]` for each item of a list (the emitter derives it from the
    spec). The caller's own values are kept, and the caller's object is not changed."""
    value = to_wire(value)
    if isinstance(fields, list):
        return [fill_generated(v, fields[0]) for v in value] if isinstance(value, list) else value
    if not isinstance(value, dict) or not isinstance(fields, dict):
        return value
    out = dict(value)
    for key, rule in fields.items():
        if rule == "uuid":
            if out.get(key) is None:
                out[key] = new_uuid()
        elif out.get(key) is not None:
            out[key] = fill_generated(out[key], rule)
    return out


def discriminate(prop: str, known: frozenset[str]) -> Any:
    """A pydantic discriminator for a union: the variant named by `prop`, or `"__unknown__"`
    (an `UnknownVariant`) for a string this SDK does not know yet. A missing or non-string
    `prop` fits no variant (None: pydantic refuses it), as an unknown enum value must be a string."""

    def pick(value: Any) -> str | None:
        tag = value.get(prop) if isinstance(value, dict) else getattr(value, prop, None)
        if not isinstance(tag, str):
            return None
        return tag if tag in known else "__unknown__"

    return pick

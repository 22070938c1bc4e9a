# Copied from generators/python/runtime/_digest.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The `tool_input_digest` an approval is bound to, computed identically by every SDK
(spec/conformance/README.md, "The input digest"; spec/conformance/vectors/digest.json): SHA-256,
lowercase hex, of a str's UTF-8 bytes, of bytes as they are, else of the value's RFC 8785 (JCS)
canonical JSON, written by the `rfc8785` package."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

# JSON numbers are IEEE-754 doubles in every SDK. rfc8785 refuses integers past 2^53 - 1 rather
# than round them, so they are rounded here, as JavaScript and Go read them: 2^53 + 1 -> 2^53.
_MAX_EXACT = 2**53 - 1


def _as_doubles(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value) if abs(value) > _MAX_EXACT else value
    if isinstance(value, dict):
        return {k: _as_doubles(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_doubles(v) for v in value]
    return value


def digest_tool_input(value: Any) -> str:
    """SHA-256 (hex) an approval is bound to. Raises ValueError for what canonical JSON cannot
    hold: NaN, infinities, numbers beyond a double, non-str keys, other types."""
    if isinstance(value, str):
        data = value.encode()
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    else:
        try:
            data = rfc8785.dumps(_as_doubles(value))
        except OverflowError as e:
            raise ValueError(f"number out of range: {e}") from None
    return hashlib.sha256(data).hexdigest()

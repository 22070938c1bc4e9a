"""Writes digest.json: each case's expected `hashed` text and `digest`, computed by an independent
reference, Trail of Bits' `rfc8785` package (pip install rfc8785==0.1.4), not by any SDK.
Run once after editing CASES: python3 spec/conformance/vectors/digest_reference.py

Rule (README "The input digest"): a JSON string hashes as its UTF-8 bytes; anything else as its
RFC 8785 canonical JSON, numbers taken as IEEE-754 doubles (so every integer is parsed as a float
here: rfc8785 refuses integers beyond 2^53 - 1, which JavaScript could never hold exactly).
"""

import hashlib
import json
from pathlib import Path

import rfc8785

# (id, note, the JSON text sent to the driver, byte for byte)
CASES = [
    ("float-one", "1.0 is the number 1: Python's float, Go's float64 and JS agree", '{"n": 1.0}'),
    ("float-one-top", "a bare number", "1.0"),
    ("int-one", "the same digest as float-one", '{"n": 1}'),
    ("u2028-escaped", "U+2028 inside an object, sent as an escape: never escaped in the output", '{"text": "a\\u2028b"}'),
    ("u2028-raw", "U+2028 and U+2029 sent raw", '{"text": "a\u2028b\u2029c"}'),
    (
        "key-order-utf16",
        "keys sort by UTF-16 code units: U+1F600 (D83D DE00) before U+E000 and U+FF5E, unlike code point order",
        '{"\\ue000": 1, "\\ud83d\\ude00": 2, "\\uff5e": 3, "a": 4, "\\u00e9": 5}',
    ),
    ("key-order-ascii-1", "keys sort at every depth", '{"b": 2, "a": {"d": 4, "c": 3}}'),
    ("key-order-ascii-2", "the same value in another order: the same digest", '{"a": {"c": 3, "d": 4}, "b": 2}'),
    ("beyond-2-53", "2^53+1 is not a double: it becomes 2^53", '{"big": 9007199254740993}'),
    ("safe-int-max", "2^53-1 stays exact", '{"max": 9007199254740991, "min": -9007199254740991}'),
    ("negative-zero", "-0.0 is written 0", '{"z": -0.0, "list": [-0.0, 0]}'),
    ("negative-zero-top", "a bare -0.0", "-0.0"),
    (
        "nested",
        "objects in arrays in objects; empty containers; null, true, false",
        '{"b": [1, {"d": true, "c": null}, []], "a": {"y": [], "x": {}}, "f": false}',
    ),
    (
        "unicode-escapes",
        "escapes become the characters; only \" \\ and controls are escaped, controls as \\b \\t \\n \\f \\r or \\u00xx",
        '{"e": "\\u00e9\\ud83d\\ude00\\u0007\\u001f\\"\\\\\\/\\b\\t\\n\\f\\r\\u007f"}',
    ),
    ("html", "no HTML escaping of < > &", '{"html": "<a href=\\"x\\">&amp;</a>"}'),
    (
        "exponents",
        "ECMAScript number form: plain digits from 1e-7 to below 1e21, exponent otherwise",
        "[1e21, 1e20, 1e-7, 1e-6, 1.5e-6, 123e-20, 1E+2, 1.0e2, 5e-324, 1.7976931348623157e308, -1e-7]",
    ),
    ("fractions", "shortest round-trip digits", '{"a": 0.1, "b": 1.5, "c": 100.25, "d": 3.0000000000000004, "e": 1e-3}'),
    ("plain-string", "a string hashes as its UTF-8 bytes, without quotes", '"hello world"'),
    ("unicode-string", "non-ASCII string: UTF-8 bytes", '"h\\u00e9llo \\u2713 \\ud83d\\ude00"'),
    ("empty-string", "the empty string", '""'),
    ("empty-object", "{}", "{}"),
    ("empty-array", "[]", "[]"),
    ("null", "null", "null"),
    ("booleans", "literals", "[true, false, null]"),
    (
        "tool-input",
        "a typical tool input",
        '{"query": "SELECT * FROM users WHERE id = 42", "limit": 10, "options": {"timeout_ms": 5000, "dry_run": false}}',
    ),
]


def main() -> None:
    cases = []
    for case_id, note, text in CASES:
        value = json.loads(text, parse_int=float)
        hashed = value.encode() if isinstance(value, str) else rfc8785.dumps(value)
        cases.append(
            {
                "id": case_id,
                "note": note,
                "input_json": text,
                "hashed": hashed.decode(),
                "digest": hashlib.sha256(hashed).hexdigest(),
            }
        )
    doc = {
        "$schema": "../vector.schema.json",
        "kind": "digest",
        "description": "The Guard's tool_input_digest: SHA-256 of a string's UTF-8 bytes, or of RFC 8785 (JCS) "
        "canonical JSON. input_json is sent to the driver verbatim as the request's `input`; the driver parses "
        "it with its language's JSON decoder and digests the native value. `hashed` is the text that is hashed.",
        "reference": f"computed by digest_reference.py with Python rfc8785 {rfc8785.__version__ if hasattr(rfc8785, '__version__') else '0.1.4'}",
        "cases": cases,
    }
    out = Path(__file__).with_name("digest.json")
    out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()

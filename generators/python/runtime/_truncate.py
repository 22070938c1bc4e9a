"""The 200-character cap on input summaries (guide section 13), counted in code points."""

from __future__ import annotations

from ._facts import MAX_SUMMARY as MAX_SUMMARY_CODE_POINTS


def truncate_summary(text: str, limit: int = MAX_SUMMARY_CODE_POINTS) -> str:
    """The first `limit` code points. A Python `str` is a sequence of code points, so slicing
    never splits one. Every SDK cuts exactly here, so a summary reaches the gateway the same from
    any language (conformance scenario `guard-truncation`): a ZWJ emoji sequence or an accented
    letter at the boundary keeps its first code points."""
    return text[:limit]

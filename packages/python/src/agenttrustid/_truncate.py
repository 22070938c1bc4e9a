# Copied from generators/python/runtime/_truncate.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The 200-character cap on input summaries (guide section 13), counted in code points."""

from __future__ import annotations

MAX_SUMMARY_CODE_POINTS = 200


def truncate_summary(text: str, limit: int = MAX_SUMMARY_CODE_POINTS) -> str:
    """At most `limit` code points. A Python `str` is a sequence of code points, so slicing never
    splits one (no surrogate pairs as in UTF-16); a combining mark or ZWJ left dangling at the end
    is dropped so an emoji sequence or an accented letter is not cut into a different one."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    # Back off while the cut would split a cluster: the next character extends the last one
    # (a combining mark, a variation selector, a skin tone, a joiner), or the cut ends on a joiner.
    while cut and (_extends_cluster(text[len(cut)]) or cut[-1] == "\u200d"):
        cut = cut[:-1]
    return cut if cut else text[:limit]


def _extends_cluster(ch: str) -> bool:
    cp = ord(ch)
    return (
        cp == 0x200D  # zero-width joiner
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors
        or 0x0300 <= cp <= 0x036F  # combining diacritical marks
        or 0x1F3FB <= cp <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # tag characters (subdivision flags)
    )

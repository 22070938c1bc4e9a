"""The official client's `agenttrustid.streaming` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import StreamingAPI

__all__ = ["StreamingAPI"]

"""The official client's `agenttrustid.a2a` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import A2AAPI

__all__ = ["A2AAPI"]

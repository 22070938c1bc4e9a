"""The official client's `agenttrustid.delegation` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import DelegationsAPI

__all__ = ["DelegationsAPI"]

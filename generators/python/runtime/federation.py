"""The official client's `agenttrustid.federation` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import FederationAPI

__all__ = ["FederationAPI"]

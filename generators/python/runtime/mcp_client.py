"""The official client's `agenttrustid.mcp_client` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import MCPAPI

__all__ = ["MCPAPI"]

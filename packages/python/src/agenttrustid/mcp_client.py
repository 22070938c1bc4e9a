# Copied from generators/python/runtime/mcp_client.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The official client's `agenttrustid.mcp_client` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import MCPAPI

__all__ = ["MCPAPI"]

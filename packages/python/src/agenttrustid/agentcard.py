# Copied from generators/python/runtime/agentcard.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The official client's `agenttrustid.agentcard` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import AgentCardsAPI

__all__ = ["AgentCardsAPI"]

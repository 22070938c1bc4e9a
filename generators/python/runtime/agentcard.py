"""The official client's `agenttrustid.agentcard` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import AgentCardsAPI

__all__ = ["AgentCardsAPI"]

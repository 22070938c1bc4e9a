# Copied from generators/python/runtime/client.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The official client's `agenttrustid.client` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._client import AgentTrustClient
from ._compat import ActionsAPI, AgentsAPI, ApprovalsAPI, HTTPClient, SessionsAPI, TelemetryAPI, TokensAPI

__all__ = [
    "ActionsAPI",
    "AgentTrustClient",
    "AgentsAPI",
    "ApprovalsAPI",
    "HTTPClient",
    "SessionsAPI",
    "TelemetryAPI",
    "TokensAPI",
]

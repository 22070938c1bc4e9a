# Copied from generators/python/runtime/models.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The official client's `agenttrustid.models` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import (
    ATI_TRUST_EXTENSION_URI,
    A2AMessageTask,
    A2ATask,
    ApprovalRequest,
    FederationIntrospectionResult,
    Framework,
    MCPServer,
    SIEMDeliveryRecord,
    SIEMDestination,
    VerificationResult,
    VerifyFederatedTokenResult,
)
from .types import (
    ActionCheckResult,
    Agent,
    AgentCard,
    AgentStatus,
    Delegation,
    FederationProvider,
    IntrospectionResult,
    Session,
    Token,
)

__all__ = [
    "A2AMessageTask",
    "A2ATask",
    "ATI_TRUST_EXTENSION_URI",
    "ActionCheckResult",
    "Agent",
    "AgentCard",
    "AgentStatus",
    "ApprovalRequest",
    "Delegation",
    "FederationIntrospectionResult",
    "FederationProvider",
    "Framework",
    "IntrospectionResult",
    "MCPServer",
    "SIEMDeliveryRecord",
    "SIEMDestination",
    "Session",
    "Token",
    "VerificationResult",
    "VerifyFederatedTokenResult",
]

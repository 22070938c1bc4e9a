"""The official client's `agenttrustid.models` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import A2AMessageTask, A2ATask, ATI_TRUST_EXTENSION_URI, ApprovalRequest, FederationIntrospectionResult, Framework, MCPServer, SIEMDeliveryRecord, SIEMDestination, VerificationResult, VerifyFederatedTokenResult
from .types import ActionCheckResult, Agent, AgentCard, AgentStatus, Delegation, FederationProvider, IntrospectionResult, Session, Token

__all__ = ["A2AMessageTask", "A2ATask", "ATI_TRUST_EXTENSION_URI", "ActionCheckResult", "Agent", "AgentCard", "AgentStatus", "ApprovalRequest", "Delegation", "FederationIntrospectionResult", "FederationProvider", "Framework", "IntrospectionResult", "MCPServer", "SIEMDeliveryRecord", "SIEMDestination", "Session", "Token", "VerificationResult", "VerifyFederatedTokenResult"]

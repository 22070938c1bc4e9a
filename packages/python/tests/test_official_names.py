"""The upgrade path: every public name of the official `agenttrustid` 0.4.0 package (PyPI wheel,
read from its `__init__.py` and modules) imports from ours, from the same module."""

from __future__ import annotations

import importlib

import pytest

# (module, name, source in the 0.4.0 wheel). The CrewAI and AutoGen adapters
# (crewai_callback.py, autogen_callback.py) and models.Organization have no counterpart yet.
OFFICIAL_NAMES = [
    *(
        ("agenttrustid", n, "__init__.py __all__")
        for n in [
            "AgentTrustClient",
            "AgentTrustGuard",
            "Agent",
            "Token",
            "IntrospectionResult",
            "VerificationResult",
            "ActionCheckResult",
            "AgentCard",
            "A2ATask",
            "A2AMessageTask",
            "MCPServer",
            "Delegation",
            "Session",
            "ApprovalRequest",
            "FederationProvider",
            "FederationIntrospectionResult",
            "VerifyFederatedTokenResult",
            "SIEMDestination",
            "SIEMDeliveryRecord",
            "A2AAPI",
            "AgentCardsAPI",
            "MCPAPI",
            "DelegationsAPI",
            "FederationAPI",
            "StreamingAPI",
            "SessionsAPI",
            "ApprovalsAPI",
            "AgentTrustError",
            "AuthenticationError",
            "AuthorizationError",
            "TokenExpiredError",
            "AgentRevokedError",
            "NetworkError",
            "ValidationError",
            "__version__",
        ]
    ),
    *(
        ("agenttrustid.client", n, "client.py")
        for n in [
            "AgentTrustClient",
            "HTTPClient",
            "AgentsAPI",
            "TokensAPI",
            "ActionsAPI",
            "TelemetryAPI",
            "SessionsAPI",
            "ApprovalsAPI",
        ]
    ),
    *(
        ("agenttrustid.models", n, "models.py")
        for n in [
            "AgentStatus",
            "Framework",
            "Agent",
            "Token",
            "IntrospectionResult",
            "VerificationResult",
            "ActionCheckResult",
            "Session",
            "ApprovalRequest",
            "FederationProvider",
            "FederationIntrospectionResult",
            "VerifyFederatedTokenResult",
            "SIEMDestination",
            "SIEMDeliveryRecord",
            "AgentCard",
            "A2ATask",
            "A2AMessageTask",
            "MCPServer",
            "Delegation",
            "ATI_TRUST_EXTENSION_URI",
        ]
    ),
    ("agenttrustid.a2a", "A2AAPI", "a2a.py"),
    ("agenttrustid.agentcard", "AgentCardsAPI", "agentcard.py"),
    ("agenttrustid.mcp_client", "MCPAPI", "mcp_client.py"),
    ("agenttrustid.delegation", "DelegationsAPI", "delegation.py"),
    ("agenttrustid.federation", "FederationAPI", "federation.py"),
    ("agenttrustid.streaming", "StreamingAPI", "streaming.py"),
    ("agenttrustid.guard", "AgentTrustGuard", "guard.py"),
    ("agenttrustid.telemetry", "TelemetryReporter", "telemetry.py"),
    ("agenttrustid.callback", "AgentTrustCallbackHandler", "callback.py"),
    *(
        ("agenttrustid.exceptions", n, "exceptions.py")
        for n in [
            "AgentTrustError",
            "AuthenticationError",
            "AuthorizationError",
            "TokenExpiredError",
            "AgentRevokedError",
            "NetworkError",
            "ValidationError",
        ]
    ),
]


@pytest.mark.parametrize(("module", "name", "source"), OFFICIAL_NAMES)
def test_official_name_imports_from_ours(module: str, name: str, source: str) -> None:
    if module == "agenttrustid.callback":
        pytest.importorskip("langchain_core")
    assert getattr(importlib.import_module(module), name) is not None, f"{module}.{name} ({source})"


def test_aliases_are_our_classes() -> None:
    from agenttrustid import AgentTrustClient, AgentTrustError
    from agenttrustid.guard import AgentTrustGuard, ATIGuard
    from agenttrustid.models import MCPServer
    from agenttrustid.types import McpServer

    assert AgentTrustGuard is ATIGuard and MCPServer is McpServer
    assert issubclass(AgentTrustClient, object) and issubclass(AgentTrustError, Exception)

# Copied from generators/python/runtime/_compat.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The names of the official `agenttrustid` 0.4.0 package, as aliases of ours, so code written
against it keeps importing after an upgrade (`from agenttrustid.guard import AgentTrustGuard`).
The modules named like the official ones (`client`, `models`, `a2a`, `agentcard`, `mcp_client`,
`delegation`, `federation`, `streaming`, `telemetry`, `callback`) re-export from here.
`tests/test_official_names.py` lists every official name with its source."""

from __future__ import annotations

from typing import Any

from . import types as _t
from ._base_client import SyncAPIClient
from ._models import OpenEnum
from ._telemetry import TelemetryBatcher
from .guard import AgentTrustGuard
from .resources import (
    A2a,
    Actions,
    AgentCards,
    Agents,
    Approvals,
    Delegations,
    Federation,
    Mcp,
    Sessions,
    Streaming,
    Telemetry,
    Tokens,
)

__all__ = [
    "A2AAPI",
    "ATI_TRUST_EXTENSION_URI",
    "A2AMessageTask",
    "A2ATask",
    "ActionsAPI",
    "AgentCardsAPI",
    "AgentTrustGuard",
    "AgentsAPI",
    "ApprovalRequest",
    "ApprovalsAPI",
    "DelegationsAPI",
    "FederationAPI",
    "FederationIntrospectionResult",
    "Framework",
    "HTTPClient",
    "MCPAPI",
    "MCPServer",
    "SIEMDeliveryRecord",
    "SIEMDestination",
    "SessionsAPI",
    "StreamingAPI",
    "TelemetryAPI",
    "TelemetryReporter",
    "TokensAPI",
    "VerificationResult",
    "VerifyFederatedTokenResult",
]

# --- the client and its resources (official client.py, a2a.py, agentcard.py, ...) ----------
HTTPClient = SyncAPIClient
AgentsAPI = Agents
TokensAPI = Tokens
ActionsAPI = Actions
TelemetryAPI = Telemetry
SessionsAPI = Sessions
ApprovalsAPI = Approvals
A2AAPI = A2a
AgentCardsAPI = AgentCards
MCPAPI = Mcp
DelegationsAPI = Delegations
FederationAPI = Federation
StreamingAPI = Streaming

# --- models (official models.py); ours are the spec's schemas ------------------------------
VerificationResult = _t.IntrospectionResult
ApprovalRequest = _t.Approval
FederationIntrospectionResult = _t.FederatedTokenIntrospection
VerifyFederatedTokenResult = _t.FederatedTokenVerification
SIEMDestination = _t.SiemDestination
SIEMDeliveryRecord = _t.DeliveryRecord
A2ATask = _t.A2aTask
A2AMessageTask = _t.A2aV1Task
MCPServer = _t.McpServer
ATI_TRUST_EXTENSION_URI = "https://agenttrust.id/ext/trust/v1"
"""The agent card extension that carries AgentTrust ID's trust score and agent key."""


class Framework(OpenEnum):
    """The agent frameworks the official client names; `agents.create(framework=...)` takes any string."""

    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    LANGCHAIN = "langchain"
    CREWAI = "crewai"
    AUTOGEN = "autogen"
    CUSTOM = "custom"


# --- the guard (official guard.py) ----------------------------------------------------------


class TelemetryReporter:
    """The official background reporter's interface (`add_event`, `flush`, `close`) over our
    batcher: events for one agent and session, sent in batches through `telemetry_api.report`
    (`client.telemetry`); failures are counted, never raised."""

    def __init__(
        self,
        telemetry_api: Telemetry,
        agent_id: str,
        session_id: str,
        batch_size: int = 10,
        flush_interval_s: float = 5.0,
    ) -> None:
        self._api = telemetry_api
        self._agent_id = agent_id
        self._session_id = session_id
        self._batcher = TelemetryBatcher(
            self._send, agent_id, session_id, batch_size=batch_size, flush_interval=flush_interval_s
        )

    def _send(self, events: list[dict[str, Any]]) -> object:
        return self._api.report(self._agent_id, self._session_id, events)

    def add_event(self, event: dict[str, Any]) -> None:
        """Queues one event (`tool_name`, `success`, `duration_ms`, `error_type`?); the event type
        and timestamp are the batcher's (`tool_end` / `tool_error`, now)."""
        self._batcher.push(
            event.get("tool_name"),
            bool(event.get("success", True)),
            event.get("duration_ms", 0),
            event.get("error_type"),
        )

    def flush(self) -> None:
        self._batcher.flush(None)

    def close(self) -> None:
        self._batcher.close(None)

    def __enter__(self) -> TelemetryReporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

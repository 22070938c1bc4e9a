"""The official client's `agenttrustid.callback` (the LangChain handler; needs the `langchain` extra)."""

from __future__ import annotations

from .langchain import AgentTrustCallbackHandler

__all__ = ["AgentTrustCallbackHandler"]

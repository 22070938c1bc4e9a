# Copied from generators/python/runtime/callback.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The official client's `agenttrustid.callback` (the LangChain handler; needs the `langchain` extra)."""

from __future__ import annotations

from .langchain import AgentTrustCallbackHandler

__all__ = ["AgentTrustCallbackHandler"]

# Copied from generators/python/runtime/a2a.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The official client's `agenttrustid.a2a` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import A2AAPI

__all__ = ["A2AAPI"]

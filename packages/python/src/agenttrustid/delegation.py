# Copied from generators/python/runtime/delegation.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The official client's `agenttrustid.delegation` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import DelegationsAPI

__all__ = ["DelegationsAPI"]

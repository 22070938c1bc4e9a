# Copied from generators/python/runtime/telemetry.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The official client's `agenttrustid.telemetry` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import TelemetryReporter

__all__ = ["TelemetryReporter"]

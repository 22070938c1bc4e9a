"""The official client's `agenttrustid.telemetry` names (upgrade path; see `_compat.py`)."""

from __future__ import annotations

from ._compat import TelemetryReporter

__all__ = ["TelemetryReporter"]

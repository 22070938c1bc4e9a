"""The client's defaults in the units of its Python API (seconds), derived from the spec's facts
(`_facts.py`, generated from the root `x-sdk` of the spec): nothing here is typed twice."""

from __future__ import annotations

from . import _facts

BASE_URL_ENV = _facts.BASE_URL_ENV
API_KEY_ENV = _facts.API_KEY_ENV
DEFAULT_BASE_URL = _facts.DEFAULT_BASE_URL

DEFAULT_TIMEOUT = _facts.TIMEOUT_MS / 1000
"""Seconds per attempt before a call fails with TIMEOUT."""
DEFAULT_MAX_RETRIES = _facts.MAX_RETRIES
"""Retries after the first attempt, on network errors and `RETRY_STATUSES`."""
INITIAL_RETRY_DELAY = _facts.RETRY_INITIAL_DELAY_MS / 1000
MAX_RETRY_DELAY = _facts.RETRY_MAX_DELAY_MS / 1000
MAX_RETRY_AFTER = _facts.RETRY_MAX_RETRY_AFTER_MS / 1000
"""A Retry-After longer than this is not waited for: the error is raised instead."""
RETRY_STATUSES = _facts.RETRY_STATUSES
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The largest answer read (32 MiB, as the Go SDK): a larger one fails with INVALID_RESPONSE."""

# Copied from generators/python/runtime/_constants.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""Defaults shared by the sync and async clients (the same as the TypeScript SDK's)."""

from __future__ import annotations

DEFAULT_BASE_URL_ENV = ("AGENTTRUST_URL", "AGENTTRUST_BASE_URL")
API_KEY_ENV = "AGENTTRUST_API_KEY"

DEFAULT_TIMEOUT = 30.0
"""Seconds per attempt before a call fails with TIMEOUT."""
DEFAULT_MAX_RETRIES = 2
"""Retries after the first attempt, on network errors, 408, 429 and 5xx."""
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
"""A Retry-After longer than this is not waited for: the error is raised instead."""
RETRY_STATUSES = frozenset({408, 429, *range(500, 600)})

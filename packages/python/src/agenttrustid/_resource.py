# Copied from generators/python/runtime/_resource.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""Base classes of the generated resources (`client.agents`, `client.tokens`, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncAPIResource", "SyncAPIResource", "drop_none"]


class SyncAPIResource:
    _client: SyncAPIClient

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"


class AsyncAPIResource:
    _client: AsyncAPIClient

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"


def drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments the caller gave: optional ones left at None are not sent."""
    return {k: v for k, v in values.items() if v is not None}

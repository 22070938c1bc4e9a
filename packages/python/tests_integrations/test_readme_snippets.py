"""Runs the README's fences marked `<!-- snippet: integrations -->` (the CrewAI and AutoGen
examples; the package's own snippet test skips them) against the mock gateway, each in a fresh
namespace, with AGENTTRUST_URL and AGENTTRUST_API_KEY pointing at the mock."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import API_KEY, Gateway

README = Path(__file__).resolve().parents[1] / "README.md"
MARKED = re.compile(r"<!-- snippet: integrations -->\n```python\n(.*?)```", re.S)
SNIPPETS = MARKED.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_integration_snippets() -> None:
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("code", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_snippet_runs(code: str, gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTTRUST_URL", gateway.url)
    monkeypatch.setenv("AGENTTRUST_API_KEY", API_KEY)
    exec(compile(code, str(README), "exec"), {"__name__": "__snippet__"})
    assert gateway.checks(), "the snippet made no guarded call"

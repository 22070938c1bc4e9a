"""Every ```python block of README.md runs against the mock gateway, each in a fresh Python
process with AGENTTRUST_URL and AGENTTRUST_API_KEY set, so a snippet that stops working (a renamed
method, a changed default) fails here. A block right after a `<!-- snippet: integrations -->`
line is skipped: the integration tests (CrewAI, AutoGen) run those in their own environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import API_KEY, MockGateway

README = Path(__file__).resolve().parents[1] / "README.md"
SKIP_MARK = "<!-- snippet: integrations -->"
FENCE = re.compile(r"^```python\n(.*?)^```\n", re.S | re.M)


def snippets(text: str) -> list[tuple[int, str]]:
    """(line number, code) of each ```python block not marked for the integration tests."""
    found = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        if before == SKIP_MARK:
            continue
        found.append((text.count("\n", 0, match.start()) + 1, match.group(1)))
    return found


SNIPPETS = snippets(README.read_text(encoding="utf-8"))


def test_the_readme_has_snippets() -> None:
    assert len(SNIPPETS) >= 8
    marked = f"{SKIP_MARK}\n```python\nskipped()\n```\n```python\nkept()\n```\n"
    assert [code for _, code in snippets(marked)] == ["kept()\n"]


@pytest.mark.parametrize(("line", "code"), SNIPPETS, ids=[f"README.md:{line}" for line, _ in SNIPPETS])
def test_snippet(gateway: MockGateway, tmp_path: Path, line: int, code: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTTRUST_")}
    env.update(AGENTTRUST_URL=gateway.url, AGENTTRUST_API_KEY=API_KEY)
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"README.md:{line} failed:\n{done.stderr}"

"""Builds the API reference with pdoc (pinned in requirements-dev.lock) into docs-build/ (or the
directory given as the first argument): the package and each public module, Google-style
docstrings. Fails on any pdoc warning, so a name that stops resolving is noticed.

`pnpm --filter @agenttrustid/python docs` runs it."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import warnings
from pathlib import Path

import pdoc
import pdoc.render

HERE = Path(__file__).resolve().parents[1]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "docs-build"
    package = importlib.import_module("agenttrustid")
    # The official SDK's names load on first use (`__getattr__`); pdoc reads the module's
    # namespace, so they are loaded here to be documented where users import them from.
    for name in package._OFFICIAL:
        setattr(package, name, getattr(package, name))
    public = [m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")]
    modules, skipped = ["agenttrustid"], []
    for name in sorted(f"agenttrustid.{name}" for name in public):
        # The CrewAI and AutoGen modules import their framework, which lives in the integrations
        # venv, not in this one: they are left out of the reference rather than failing it.
        try:
            importlib.import_module(name)
        except ImportError as e:
            skipped.append(f"{name} ({e})")
            continue
        modules.append(name)
    pdoc.render.configure(
        docformat="google",
        footer_text=f"agenttrustid {package.__version__}",
        search=True,
        show_source=True,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*modules, output_directory=out)
    problems = [str(w.message) for w in caught if "pdoc" in w.filename or w.category is UserWarning]
    for problem in problems:
        print(f"docs: {problem}", file=sys.stderr)
    if problems:
        raise SystemExit(f"docs: {len(problems)} pdoc warning(s)")
    pages = sum(1 for _ in out.rglob("*.html"))
    print(f"docs: {len(modules)} modules, {pages} pages in {out}")
    for name in skipped:
        print(f"docs: left out {name}")


if __name__ == "__main__":
    main()

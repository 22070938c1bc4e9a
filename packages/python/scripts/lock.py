"""Re-locks requirements-dev.lock from packages/python/.venv: `pip freeze --exclude-editable` (the
tool the lock has always been made with), each pin followed by the sha256 of the distribution
pip downloads for it on this machine (`pip download --no-deps`, served from pip's cache when it
has the file), so bootstrap installs with `--require-hashes`.

Usage, after installing or upgrading a tool in the venv: `.venv/bin/python scripts/lock.py`.
The hashes are those of the files for this platform and Python (the ones bootstrap and CI
install); on another platform, run this script there to lock for it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename

HERE = Path(__file__).resolve().parents[1]
LOCK = HERE / "requirements-dev.lock"
HEADER = """\
# The Python SDK's development tools and test dependencies, pinned with hashes. Made by
# `scripts/lock.py`: `pip freeze --exclude-editable` of packages/python/.venv plus the sha256 of
# each distribution for the platform it ran on (Linux x86_64, CPython 3.11: bootstrap and CI).
# Regenerate after changing a tool or pyproject.toml: install into .venv, then run that script.
"""


def main() -> None:
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    frozen = subprocess.run(
        [*pip, "freeze", "--exclude-editable"], check=True, capture_output=True, text=True
    )
    pins = [line for line in frozen.stdout.splitlines() if line and not line.startswith("#")]
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "pins.txt"
        requirements.write_text("\n".join(pins) + "\n")
        subprocess.run(
            [*pip, "download", "--quiet", "--no-deps", "--dest", tmp, "-r", str(requirements)], check=True
        )
        digests: dict[str, str] = {}
        for file in Path(tmp).iterdir():
            if file.suffix == ".whl":
                name = parse_wheel_filename(file.name)[0]
            elif file.name.endswith((".tar.gz", ".zip")):
                name = parse_sdist_filename(file.name)[0]
            else:
                continue
            digests[name] = hashlib.sha256(file.read_bytes()).hexdigest()
    lines = [HEADER.rstrip("\n")]
    for pin in pins:
        name = canonicalize_name(pin.split("==")[0])
        if name not in digests:
            raise SystemExit(f"lock.py: pip downloaded no file for {pin}")
        lines.append(f"{pin} \\\n    --hash=sha256:{digests[name]}")
    LOCK.write_text("\n".join(lines) + "\n")
    print(f"lock.py: {len(pins)} pins with hashes written to {LOCK.relative_to(HERE)}")


if __name__ == "__main__":
    main()

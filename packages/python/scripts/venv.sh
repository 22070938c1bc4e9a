#!/bin/sh
# Runs a tool from packages/python/.venv (created by scripts/bootstrap.sh), with a clear message
# instead of "not found" when the venv is missing.
here=$(cd "$(dirname "$0")/.." && pwd)
tool="$1"
shift
if [ ! -x "$here/.venv/bin/$tool" ]; then
  echo "packages/python: .venv/bin/$tool is missing; run 'bash scripts/bootstrap.sh' at the repository root" >&2
  exit 127
fi
exec "$here/.venv/bin/$tool" "$@"

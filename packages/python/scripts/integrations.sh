#!/bin/sh
# Runs the CrewAI and AutoGen integration tests (tests_integrations/) in .venv-integrations,
# which scripts/bootstrap.sh builds from requirements-integrations.lock (the real crewai,
# autogen-agentchat and AG2's autogen). The SDK comes from src/ (PYTHONPATH), not an install.
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x "$here/.venv-integrations/bin/python" ]; then
  echo "packages/python: .venv-integrations is missing; run 'bash scripts/bootstrap.sh' at the repository root" >&2
  exit 127
fi
cd "$here" || exit 1
PYTHONPATH="$here/src" exec "$here/.venv-integrations/bin/python" -m pytest -q -p no:cacheprovider \
  -W ignore::DeprecationWarning tests_integrations "$@"

#!/usr/bin/env bash
# Runs flows.py with the official published client, in its own venv, against the gateway at
# $AGENTTRUST_URL (e.g. the mock: `node packages/mock-gateway/dist/cli.js --port 0` prints it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${OFFICIAL_CLIENT_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --require-hashes --no-deps -r "$here/requirements.lock"
fi
exec "$venv/bin/python" "$here/flows.py" "$@"

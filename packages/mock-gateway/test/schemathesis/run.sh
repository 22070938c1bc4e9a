#!/usr/bin/env bash
# Runs schemathesis (pinned in requirements.lock, in its own venv) with every check against the
# gateway at $1 (e.g. the mock: `node packages/mock-gateway/dist/cli.js --port 0` prints it),
# using spec/openapi.yaml and schemathesis.toml. Extra arguments go to `schemathesis run`
# (`--max-examples 100` for a longer run).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
url="${1:?usage: run.sh <gateway URL> [schemathesis run options]}"
shift
venv="${SCHEMATHESIS_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$here/requirements.lock"
fi
exec "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$root/spec/openapi.yaml" \
  --url "$url" -H "X-API-Key: sk_test_agenttrust" --no-color "$@"

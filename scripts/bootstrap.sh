#!/usr/bin/env bash
# Installs everything the repository needs from its own files: pnpm at the version pinned in
# package.json, then the locked Node dependencies. Language SDKs append their own steps below.
set -euo pipefail
cd "$(dirname "$0")/.."

want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  echo "bootstrap: installing pnpm $want_pnpm"
  npm install --global --no-fund --no-audit "pnpm@$want_pnpm" >/dev/null
fi

pnpm install --frozen-lockfile

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

# Python SDK (packages/python): a venv with the pinned tools of requirements-dev.lock, and the
# SDK itself installed editable. `pnpm generate` formats Python with this venv's ruff.
py=packages/python
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "bootstrap: python3 >= 3.10 is required for $py" >&2
  exit 1
fi
[ -x "$py/.venv/bin/python" ] || python3 -m venv "$py/.venv"
"$py/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$py/requirements-dev.lock"
"$py/.venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e "$py"

# The CrewAI and AutoGen integrations' tests need the real frameworks, in a venv of their own
# (crewai pins its own pydantic): requirements-integrations.lock, hash-checked. About 150
# packages, 0.9 GB (crewai brings chromadb, onnxruntime, lancedb); rebuilt only when the
# lock changes (the lock's checksum is kept in the venv). --no-compile: Python compiles only
# the modules a test imports, on first import (79 s of CPU instead of 130 s to install).
lock_sum=$(sha256sum "$py/requirements-integrations.lock" | cut -d' ' -f1)
if [ "$(cat "$py/.venv-integrations/.lock-sha256" 2>/dev/null || true)" != "$lock_sum" ]; then
  started=$(date +%s)
  rm -rf "$py/.venv-integrations"
  python3 -m venv "$py/.venv-integrations"
  "$py/.venv-integrations/bin/python" -m pip install --quiet --disable-pip-version-check --no-compile \
    --require-hashes -r "$py/requirements-integrations.lock"
  echo "$lock_sum" >"$py/.venv-integrations/.lock-sha256"
  echo "bootstrap: $py/.venv-integrations installed in $(($(date +%s) - started)) s"
fi

# Go SDK (go): standard library only, so there is nothing to download; it needs Go
# >= 1.24 (go.mod's go line) on PATH, and GOTOOLCHAIN=local keeps go from fetching a toolchain.
# Its optional OS-keychain store is a module of its own (go/keychain, go-keyring), whose
# pinned dependencies (go.sum) come from the Go module proxy.
if ! command -v go >/dev/null 2>&1; then
  echo "bootstrap: go >= 1.24 is required for go" >&2
  exit 1
fi
(cd go && GOTOOLCHAIN=local go list ./... >/dev/null)
(cd go/keychain && GOTOOLCHAIN=local go mod download)

# Java SDK (packages/java): JDK 17+ and Maven 3.8+ on PATH. Fetches every plugin and dependency
# the build uses (go-offline; the pom declares what Surefire would fetch on its first run), then
# builds without tests, so that later builds also work offline (mvn -o).
if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  echo "bootstrap: java >= 17 and maven are required for packages/java" >&2
  exit 1
fi
(cd packages/java && mvn -q -B dependency:go-offline && mvn -q -B -DskipTests verify)

# Rust SDK (packages/rust): the crates of the committed Cargo.lock, fetched once (later builds
# run offline from cargo's cache); it needs cargo >= 1.85 (Cargo.toml's rust-version) on PATH.
if ! command -v cargo >/dev/null 2>&1; then
  echo "bootstrap: cargo >= 1.85 is required for packages/rust" >&2
  exit 1
fi
(cd packages/rust && cargo fetch --locked --quiet)

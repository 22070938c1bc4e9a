#!/bin/sh
# Builds the distributions a publish uploads, into packages/python/dist/ (or $1): `python -m build`
# (sdist + wheel, with the venv's pinned hatchling: --no-isolation, so nothing unpinned is
# fetched), then `twine check --strict` on both. Upload (not done here): `twine upload dist/*`.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$here/dist"}
rm -rf "$out"
sh "$here/scripts/venv.sh" python -m build --no-isolation --outdir "$out" "$here" >/dev/null
sh "$here/scripts/venv.sh" twine check --strict "$out"/*
for f in "$out"/*; do
  printf 'release: %s (%s bytes)\n' "$f" "$(wc -c <"$f" | tr -d ' ')"
done

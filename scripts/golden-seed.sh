#!/usr/bin/env bash
# Creates golden files for recipes that have none yet, with the versions of
# scripts/golden-seed.txt. Without network, artifacts are recorded without checksums
# (--unhashed); run `tailor golden regenerate --refresh` on a connected machine to fill them in.
# golden/seeds/<recipe>.json, when present, is a plan-shaped lock pinning dependency versions.
set -euo pipefail
cd "$(dirname "$0")/.."
TAILOR=${TAILOR:-build/tailor}
grep -v '^#' scripts/golden-seed.txt | while read -r recipe version; do
  [ -n "$recipe" ] || continue
  if ls "golden/plans/$recipe"/*.json >/dev/null 2>&1; then continue; fi
  seed=()
  [ -f "golden/seeds/$recipe.json" ] && seed=(--pin-from "golden/seeds/$recipe.json")
  "$TAILOR" golden regenerate "$recipe" --version "$version" --unhashed --registry recipes "${seed[@]}" || true
done

#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for a bounded time,
# seeded with the recipe fixtures. Crashing inputs are written to build-fuzz/findings/.
# Usage: scripts/fuzz.sh [seconds-per-target]   (default 60)
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAILOR_FUZZ=ON -DTAILOR_BUILD_TESTS=ON \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target fuzz_recipe

corpus="$build/corpus/recipe"
findings="$build/findings"
mkdir -p "$corpus" "$findings"
# Seeds: every recipe of the registry and the test fixtures (valid, broken, regressions).
find "$root/recipes" "$root/testdata/recipes" -name '*.toml' -type f -exec cp -t "$corpus" {} + 2>/dev/null || true

for target in fuzz_recipe; do
  echo "== $target for ${seconds}s"
  "$build/tests/fuzz/$target" "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$findings/$target-" -print_final_stats=1
done
echo "no crashes; findings (if any) in $findings"

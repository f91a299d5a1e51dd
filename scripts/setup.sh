#!/usr/bin/env bash
# README command 1: install dependencies, build tailor, and run its main job on this machine.
# Works without internet: it prints the detected facts and the plan tailor would run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --target tailor
echo
echo "== tailor detect --explain"
./build/tailor detect --explain
echo
echo "== tailor plan llama.cpp (the plan tailor would run here)"
# Without internet the plan comes from the golden file for this machine, used as a lock.
gpu=$(./build/tailor detect --json | sed -n 's/^  "gpu": "\(.*\)",$/\1/p')
arch=$(./build/tailor detect --json | sed -n 's/^  "arch": "\(.*\)",$/\1/p')
lock=$(ls golden/plans/llama.cpp/v*-linux-"$arch"-gpu-"$gpu"*.json 2>/dev/null | tail -n 1 || true)
if ./build/tailor plan llama.cpp --explain; then
  :
elif [ -n "$lock" ]; then
  echo "(no network: planning offline with $lock as the lock)"
  ./build/tailor plan llama.cpp --explain --offline --pin-from "$lock" || true
fi
echo
echo "tailor is built at $(pwd)/build/tailor"
echo "To run the tools it installs by name, add this line to ~/.bashrc or ~/.zshrc (fish: \`tailor shellenv --shell fish | source\`):"
echo "  eval \"\$($(pwd)/build/tailor shellenv)\""

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
./build/tailor plan llama.cpp --explain --offline || ./build/tailor plan llama.cpp --explain || true
echo
echo "tailor is built at $(pwd)/build/tailor"

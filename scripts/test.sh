#!/usr/bin/env bash
# README command 2: build everything and run every test (the same preset CI uses).
set -euo pipefail
cd "$(dirname "$0")/.."
# A fresh machine gets its dependencies first; an equipped one skips this. The list names the
# packages whose absence would make tests fail or skip (the ecosystem toolchains included).
REQUIRED=(libcli11-dev libtomlplusplus-dev libcpp-httplib-dev doctest-dev mesa-vulkan-drivers
          ninja-build libgpgme-dev gnupg docker-registry nodejs python3-venv golang-go cargo ruby)
installed=$(dpkg-query -W -f='${Status}\n' "${REQUIRED[@]}" 2>/dev/null | grep -c 'install ok installed' || true)
if [ "$installed" -ne "${#REQUIRED[@]}" ] || [ ! -x /usr/bin/npm ]; then
  bash scripts/install-deps.sh
fi
cmake --preset ci
cmake --build --preset ci
ctest --preset ci "$@"

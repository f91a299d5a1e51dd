#!/usr/bin/env bash
# README command 2: build everything and run every test (the same preset CI uses).
set -euo pipefail
cd "$(dirname "$0")/.."
# A fresh machine gets its dependencies first; an equipped one skips this.
if ! dpkg-query -W -f='${Status}\n' libcli11-dev libtomlplusplus-dev libcpp-httplib-dev doctest-dev \
      mesa-vulkan-drivers ninja-build libgpgme-dev gnupg 2>/dev/null | grep -qv 'install ok installed' \
   && [ "$(dpkg-query -W -f='${Status}\n' libcli11-dev libtomlplusplus-dev libcpp-httplib-dev doctest-dev \
      mesa-vulkan-drivers ninja-build libgpgme-dev gnupg 2>/dev/null | grep -c 'install ok installed')" -eq 8 ]; then
  :
else
  bash scripts/install-deps.sh
fi
cmake --preset ci
cmake --build --preset ci
ctest --preset ci "$@"

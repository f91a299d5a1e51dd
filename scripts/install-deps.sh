#!/usr/bin/env bash
# Install everything tailor needs to build, test and benchmark on Debian 12.
# Uses sudo when not root. Safe to re-run.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libtomlplusplus-dev libcurl4-openssl-dev libfmt-dev
  libpci-dev pciutils libvulkan-dev libvulkan1 mesa-vulkan-drivers vulkan-tools
  doctest-dev libarchive-dev libssl-dev openssl nlohmann-json3-dev libexpected-dev
  libcpp-httplib-dev libgpgme-dev gnupg
  clang clang-format clang-tidy python3-yaml jq
  python3 curl tar gzip xz-utils bzip2 zstd lzip zip unzip
  hyperfine help2man dpkg-dev file ccache
  docker-registry libcrypt-dev
  # Toolchains of the ecosystem install tests (docs/install.md, "Ecosystem installs").
  nodejs python3-venv python3-pip golang-go cargo ruby
)
# Optional: libFuzzer/sanitizer runtime for clang (named per clang version; absent on some releases).
OPTIONAL=(libclang-rt-14-dev)
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
# Debian's npm, unless the nodejs already installed (e.g. NodeSource's) brings its own.
if [ ! -x /usr/bin/npm ]; then
  $SUDO apt-get install -y -q --no-install-recommends npm
fi
for pkg in "${OPTIONAL[@]}"; do
  if apt-cache show "$pkg" >/dev/null 2>&1; then
    $SUDO apt-get install -y -q --no-install-recommends "$pkg"
  fi
done

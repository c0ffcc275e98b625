#!/usr/bin/env bash
# Installs everything evident needs to build and test on a fresh Debian 12 machine.
# Only Debian packages; run as root or with sudo available.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build pkg-config git
  libeigen3-dev libboost-math-dev libboost-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpugixml-dev libxlsxwriter-dev libsqlite3-dev libcpp-httplib-dev
  python3 chromium curl
  clang libclang-rt-14-dev
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# Configure and build evident. Usage: scripts/build.sh [--sanitize] [--no-werror] [--cli-only]
# Release build in build/, or Debug + ASan + UBSan in build-asan/ with --sanitize.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="$ROOT/build"
ARGS=(-DCMAKE_BUILD_TYPE=Release -DEVIDENT_WERROR=ON)
TARGET=()
for a in "$@"; do
  case "$a" in
    --sanitize) BUILD_DIR="$ROOT/build-asan"; ARGS=(-DCMAKE_BUILD_TYPE=Debug -DEVIDENT_WERROR=ON -DEVIDENT_SANITIZE=ON -DEVIDENT_BUILD_BENCH=OFF) ;;
    --no-werror) ARGS+=(-DEVIDENT_WERROR=OFF) ;;
    --cli-only) TARGET=(--target evident_cli) ;;  # only the evident binary (no tests, no benchmarks)
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
GEN=()
command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja)
cmake -S "$ROOT" -B "$BUILD_DIR" "${GEN[@]}" "${ARGS[@]}" >/dev/null
cmake --build "$BUILD_DIR" --parallel "$(nproc)" "${TARGET[@]}"

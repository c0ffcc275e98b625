#!/usr/bin/env bash
# Install dependencies (Debian), build with warnings as errors and run every test.
# Usage: scripts/test.sh [--sanitize]   (--sanitize: Debug build with ASan + UBSan in build-asan/)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/scripts/setup-debian.sh"
bash "$ROOT/scripts/setup-web.sh"
bash "$ROOT/scripts/build.sh" "$@"
BUILD_DIR="$ROOT/build"
[ "${1:-}" = "--sanitize" ] && BUILD_DIR="$ROOT/build-asan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(nproc)"

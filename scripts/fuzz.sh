#!/usr/bin/env bash
# Fuzz the readers with libFuzzer (clang). Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGETS...]
# Default: 120 s for each of csv, json, revman5, any, batch, certainty. Seeds: the real files in tests/data and
# tests/fuzz/regressions. A crash is written to build-fuzz/artifacts/; copy it to
# tests/fuzz/regressions/ (the unit test FuzzRegressions replays every file there) and fix the bug.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECS="${1:-120}"; shift || true
TARGETS=("$@"); [ ${#TARGETS[@]} -eq 0 ] && TARGETS=(csv json revman5 any batch certainty)
B="$ROOT/build-fuzz"
CXX=clang++ CC=clang cmake -S "$ROOT" -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVIDENT_FUZZ=ON \
  -DEVIDENT_BUILD_TESTS=OFF -DEVIDENT_BUILD_BENCH=OFF >/dev/null
ninja -C "$B" $(printf 'fuzz_%s ' "${TARGETS[@]}")
mkdir -p "$B/artifacts"
for t in "${TARGETS[@]}"; do
  corpus="$B/corpus-$t"; mkdir -p "$corpus"
  seeds=("$ROOT/tests/fuzz/regressions")
  case "$t" in
    csv) seeds+=("$ROOT/tests/data") ;;
    json) [ -d "$ROOT/tests/data/json" ] && seeds+=("$ROOT/tests/data/json") ;;
    revman5) [ -d "$ROOT/tests/data/revman" ] && seeds+=("$ROOT/tests/data/revman") ;;
    certainty) seeds+=("$ROOT/examples/spine") ; for c in "$ROOT"/tests/cli/cases/*certainty*/ "$ROOT"/tests/cli/cases/usage-bad-judgements/; do seeds+=("$c"); done ;;
    batch) for c in "$ROOT"/tests/cli/cases/batch-*/; do [ -f "$c/in.jsonl" ] && seeds+=("$c"); done ;;
    any) seeds+=("$ROOT/tests/data") ; [ -d "$ROOT/tests/data/revman" ] && seeds+=("$ROOT/tests/data/revman") ;;
  esac
  echo "== fuzz_$t for ${SECS}s"
  "$B/tests/fuzz/fuzz_$t" "$corpus" "${seeds[@]}" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$B/artifacts/$t-" -print_final_stats=1 2>&1 | grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY|Done)" || true
done
ls "$B/artifacts" | head

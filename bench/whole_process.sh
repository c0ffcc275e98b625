#!/usr/bin/env bash
# Whole-process timings of `evident effects` on the largest synthetic datasets (target: reading and
# converting 5,000 studies in under 50 ms, process start to exit). Uses hyperfine when installed,
# else repeats the command and reports the mean and the fastest run.
# Usage: bench/whole_process.sh [BUILD_DIR]   (default build/)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${1:-$ROOT/build}/evident"
DATA="$ROOT/tests/data"
CASES=(
  "effects $DATA/synthetic_pairwise_5000.csv --measure MD --csv -o /dev/null"
  "effects $DATA/synthetic_pairwise_5000.csv --measure SMD --json -o /dev/null"
  "effects $DATA/synthetic_nma_1500s_80t.csv --measure MD --csv -o /dev/null"
)
if command -v hyperfine >/dev/null 2>&1; then
  for c in "${CASES[@]}"; do hyperfine -N --warmup 3 --runs 30 "$BIN $c" 2>/dev/null || hyperfine --warmup 3 --runs 30 "$BIN $c"; done
  exit 0
fi
for c in "${CASES[@]}"; do
  best=999999; total=0; runs=30
  for _ in $(seq 1 $runs); do
    s=$(date +%s%N); $BIN $c >/dev/null 2>&1; e=$(date +%s%N)
    t=$(( (e - s) / 1000 )); total=$((total + t)); [ $t -lt $best ] && best=$t
  done
  printf '%-80s mean %6.2f ms  min %6.2f ms\n' "evident $c" "$(echo "$total / $runs / 1000" | bc -l)" "$(echo "$best / 1000" | bc -l)"
done

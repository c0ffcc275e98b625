#!/usr/bin/env bash
# Whole-process timings, process start to exit (figures in bench/README.md):
#  - `evident effects` on the largest synthetic datasets (target: reading and converting 5,000 studies in
#    under 50 ms);
#  - `evident batch` on 10,000 yi/vi meta-analyses of 10-30 studies each (REML with the Q-profile CI of
#    tau2, one JSON line each; target: under 2 s on 2 cores), input from bench/make_batch_input.py
#    (seeded, needs python3), on 1 and 2 threads;
#  - `evident nma` on Senn2013 (target: the whole run, JSON included, under 20 ms) and on the 300-study and
#    1,500-study synthetic networks (everything evident computes by default, JSON written).
# Uses hyperfine when installed, else repeats each command and reports the mean and the fastest run.
# Usage: bench/whole_process.sh [BUILD_DIR]   (default build/)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${1:-$ROOT/build}/evident"
DATA="$ROOT/tests/data"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 "$ROOT/bench/make_batch_input.py" -n 10000 --kmin 10 --kmax 30 --seed 20261121 "$WORK/batch10k.jsonl"
CASES=(
  "effects $DATA/synthetic_pairwise_5000.csv --measure MD --csv -o /dev/null"
  "effects $DATA/synthetic_pairwise_5000.csv --measure SMD --json -o /dev/null"
  "effects $DATA/synthetic_nma_1500s_80t.csv --measure MD --csv -o /dev/null"
  "batch $WORK/batch10k.jsonl --threads 2 -o /dev/null"
  "batch $WORK/batch10k.jsonl --threads 1 -o /dev/null"
  "nma $DATA/Senn2013.csv --json -o /dev/null"
  "nma $DATA/synthetic_nma_300s_30t.csv --measure MD --json -o /dev/null"
  "nma $DATA/synthetic_nma_1500s_80t.csv --measure MD --json -o /dev/null"
)
if command -v hyperfine >/dev/null 2>&1; then
  for c in "${CASES[@]}"; do
    runs=30
    case "$c" in batch*) runs=10 ;; esac
    hyperfine -N --warmup 2 --runs $runs "$BIN $c" 2>/dev/null || hyperfine --warmup 2 --runs $runs "$BIN $c"
  done
  exit 0
fi
for c in "${CASES[@]}"; do
  best=999999999; total=0; runs=30
  case "$c" in batch*) runs=10 ;; esac
  for _ in $(seq 1 $runs); do
    s=$(date +%s%N); $BIN $c >/dev/null 2>&1; e=$(date +%s%N)
    t=$(( (e - s) / 1000 )); total=$((total + t)); [ $t -lt $best ] && best=$t
  done
  printf '%-80s mean %8.2f ms  min %8.2f ms\n' "evident $c" "$(echo "$total / $runs / 1000" | bc -l)" "$(echo "$best / 1000" | bc -l)"
done

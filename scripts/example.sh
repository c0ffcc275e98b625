#!/usr/bin/env bash
# Install dependencies (Debian), build evident and run the main job on the bundled example:
# effect sizes, data checks, pairwise and network meta-analyses of the Parkinson's disease network
# (Stowe 2010, Cochrane review).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/scripts/setup-debian.sh"
bash "$ROOT/scripts/build.sh"
mkdir -p "$ROOT/out"
"$ROOT/build/evident" effects "$ROOT/examples/stowe2010.csv" --measure MD
"$ROOT/build/evident" effects "$ROOT/examples/stowe2010.csv" --measure MD --json -o "$ROOT/out/stowe2010-effects.json"
"$ROOT/build/evident" effects "$ROOT/examples/stowe2010.csv" --measure MD --csv -o "$ROOT/out/stowe2010-effects.csv"
"$ROOT/build/evident" meta "$ROOT/examples/stowe2010.csv" --leave-one-out
"$ROOT/build/evident" meta "$ROOT/examples/stowe2010.csv" --json -o "$ROOT/out/stowe2010-meta.json"
# Network meta-analysis of the four drug classes (UPDRS change: small values desirable).
"$ROOT/build/evident" nma "$ROOT/examples/stowe2010.csv" --small-values desirable
"$ROOT/build/evident" nma "$ROOT/examples/stowe2010.csv" --small-values desirable --json -o "$ROOT/out/stowe2010-nma.json"
echo "Wrote out/stowe2010-effects.json, out/stowe2010-effects.csv, out/stowe2010-meta.json and out/stowe2010-nma.json"

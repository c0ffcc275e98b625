#!/usr/bin/env bash
# Install dependencies (Debian), build evident and run the main job on the bundled example:
# effect sizes, data checks, pairwise and network meta-analyses of the Parkinson's disease network
# (Stowe 2010, Cochrane review), certainty of the network estimates, the spine evidence profile, and the
# one-file HTML report.
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
# Certainty (CINeMA) of the network estimates against a minimally important difference of 2 UPDRS points.
"$ROOT/build/evident" nma "$ROOT/examples/stowe2010.csv" --small-values desirable --certainty --mid 2 --json \
  -o "$ROOT/out/stowe2010-nma-certainty.json"
# Summary of findings and recommendation draft of the spine evidence profile (examples/spine/README.md).
"$ROOT/build/evident" profile "$ROOT/examples/spine/profile.json"
# The whole analysis as one self-contained HTML page (figures also as SVG files, tables as XLSX).
"$ROOT/build/evident" report "$ROOT/examples/stowe2010.csv" --small-values desirable --mid 2 \
  --figures "$ROOT/out/figures" --xlsx "$ROOT/out/stowe2010-tables.xlsx" -o "$ROOT/out/stowe2010-report.html"
echo "Wrote out/stowe2010-effects.json, out/stowe2010-effects.csv, out/stowe2010-meta.json, out/stowe2010-nma.json,"
echo "out/stowe2010-nma-certainty.json, out/stowe2010-tables.xlsx, out/figures/*.svg and the report out/stowe2010-report.html"

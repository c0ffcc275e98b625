#!/usr/bin/env bash
# Install dependencies (Debian), build evident and start the web app on the bundled example: a review of the
# Parkinson's disease network (examples/stowe2010.csv, Stowe 2010 Cochrane review) in out/reviews/, served at
# http://127.0.0.1:${PORT:-8080}/ until Ctrl-C. The web app is compiled into the binary; nothing else is needed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/scripts/setup-debian.sh"
bash "$ROOT/scripts/build.sh" --cli-only
BIN="$ROOT/build/evident"
REVIEWS="$ROOT/out/reviews"
mkdir -p "$REVIEWS"
if [ ! -f "$REVIEWS/parkinson.evident" ]; then
  "$BIN" review init "$REVIEWS/parkinson.evident" --title "Adjuvant treatment of Parkinson's disease (Stowe 2010)" \
    --population "Parkinson's disease with motor complications on levodopa" \
    --intervention "dopamine agonists, COMT inhibitors, MAO-B inhibitors" --comparison "placebo" \
    --outcomes "UPDRS change (small values desirable)"
  "$BIN" review import "$REVIEWS/parkinson.evident" "$ROOT/examples/stowe2010.csv" --small-values desirable --mid 2
  # A first run against placebo, so the app opens on results; "Run analysis" in the app makes the next ones.
  "$BIN" review run "$REVIEWS/parkinson.evident" --reference Placebo >/dev/null
fi
echo "Open http://127.0.0.1:${PORT:-8080}/ in a browser (Ctrl-C stops the server)."
exec "$BIN" serve --reviews "$REVIEWS" --port "${PORT:-8080}"

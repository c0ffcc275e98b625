#!/usr/bin/env bash
# Render test of the HTML report (evident issue 5): builds `evident report` for Senn2013 (network), dat.bcg
# (pairwise) and examples/stowe2010.csv (multi-arm network), opens each page in headless Chromium, and checks
# that Chromium exits 0, writes a non-trivial screenshot, that the rendered DOM has the section headings and
# as many <svg> elements as the report has figures, and that the browser logged no console error.
#
#   tests/render/render_report.sh EVIDENT_BINARY SOURCE_DIR [OUT_DIR]
#
# Exit 0: all pages rendered; 1: a check failed; 77: Chromium is not installed (CTest SKIP_RETURN_CODE).
set -u

evident=${1:?usage: render_report.sh EVIDENT_BINARY SOURCE_DIR [OUT_DIR]}
src=${2:?usage: render_report.sh EVIDENT_BINARY SOURCE_DIR [OUT_DIR]}
out=${3:-$(mktemp -d)}
mkdir -p "$out"

chromium=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then chromium=$(command -v "$c"); break; fi
done
if [ -z "$chromium" ]; then
  echo "SKIP: chromium not found"
  exit 77
fi

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# name | expected h2 ids | evident arguments
cases=(
  "senn2013|summary data network pairwise certainty methods software|$src/tests/data/Senn2013.csv"
  "bcg|summary data pairwise certainty methods software|$src/tests/data/dat.bcg.csv --map tpos=ai --map tneg=bi --map cpos=ci --map cneg=di --measure RR"
  "stowe2010|summary data network pairwise certainty methods software|$src/examples/stowe2010.csv"
)

for case in "${cases[@]}"; do
  IFS='|' read -r name sections args <<<"$case"
  html="$out/$name.html"
  figs="$out/$name-figures"
  rm -rf "$figs"
  # shellcheck disable=SC2086
  if ! "$evident" report $args -o "$html" --figures "$figs" 2>"$out/$name.evident.log"; then
    fail "$name: evident report failed"; cat "$out/$name.evident.log"; continue
  fi
  nfig=$(find "$figs" -name '*.svg' | wc -l)
  png="$out/$name.png"
  log="$out/$name.chromium.log"
  rm -f "$png"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 \
    --screenshot="$png" --window-size=1280,2000 "file://$html" >"$log" 2>&1
  rc=$?
  [ $rc -eq 0 ] || fail "$name: chromium --screenshot exited $rc"
  if [ ! -s "$png" ]; then
    fail "$name: no screenshot"
  else
    size=$(stat -c %s "$png")
    [ "$size" -gt 20000 ] || fail "$name: screenshot only $size bytes"
  fi
  dom="$out/$name.dom.html"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
    --dump-dom "file://$html" >"$dom" 2>>"$log"
  rc=$?
  [ $rc -eq 0 ] || fail "$name: chromium --dump-dom exited $rc"
  for s in $sections; do
    grep -q "<h2 id=\"$s\"" "$dom" || fail "$name: section '$s' missing from the rendered DOM"
  done
  nsvg=$(grep -o '<svg[ >]' "$dom" | wc -l)
  [ "$nsvg" -eq "$nfig" ] || fail "$name: $nsvg <svg> elements in the DOM, $nfig figures written"
  [ "$nfig" -gt 0 ] || fail "$name: no figure"
  if grep -E 'CONSOLE|Uncaught' "$log" | grep -qiE 'error|uncaught'; then
    fail "$name: console errors"; grep -E 'CONSOLE|Uncaught' "$log"
  fi
  echo "ok: $name ($nfig figures, $nsvg svg, screenshot $(stat -c %s "$png" 2>/dev/null || echo 0) bytes)"
done

if [ $failures -gt 0 ]; then
  echo "$failures check(s) failed; outputs in $out"
  exit 1
fi
echo "all reports rendered"
exit 0

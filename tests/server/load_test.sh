#!/usr/bin/env bash
# Load test of `evident serve` on loopback (evident issue 7): N concurrent clients post the network meta-analysis of
# Senn2013 to /api/analyse for S seconds; prints the request count, errors and p50 / p90 / p99 / max latency.
#
#   load_test.sh EVIDENT_BINARY DATA.csv [CLIENTS] [SECONDS]     (quick defaults for CI: 10 clients x 5 s)
#   load_test.sh build/evident tests/data/Senn2013.csv 50 30       (the issue's 50 clients x 30 s)
#
# Each client is a shell loop of curl calls (one connection per request, so the latency includes connecting).
# Exit code: 0 no errors, 1 some request failed or none was answered, 77 curl missing (test skipped).
set -u
BIN=${1:?usage: load_test.sh EVIDENT_BINARY DATA.csv [CLIENTS] [SECONDS]}
DATA=${2:?usage: load_test.sh EVIDENT_BINARY DATA.csv [CLIENTS] [SECONDS]}
CLIENTS=${3:-10}
SECONDS_RUN=${4:-5}
command -v curl > /dev/null || { echo "load_test: curl not found; skipped"; exit 77; }

. "$(dirname "${BASH_SOURCE[0]}")/../support/serve_test.sh"
WORK=$(mktemp -d)
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT

# The request: {"analysis": "nma", "csv": "<the file, JSON-escaped>"}
{
  printf '{"id": "load", "analysis": "nma", "csv": "'
  json_escape_file "$DATA"
  printf '"}'
} > "$WORK/request.json"

start_server "$WORK/server" "$BIN" --threads "$CLIENTS" || exit 1
URL="$SERVER_URL/api/analyse"

# One warm-up request that must succeed.
code=$(curl -s -o "$WORK/first.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$WORK/request.json" "$URL")
if [ "$code" != 200 ]; then
  echo "load_test: warm-up request answered $code"; head -c 2000 "$WORK/first.json"; echo; exit 1
fi

end=$(( $(date +%s) + SECONDS_RUN ))
for c in $(seq 1 "$CLIENTS"); do
  (
    while [ "$(date +%s)" -lt "$end" ]; do
      curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 60 -H 'Content-Type: application/json' \
        --data-binary @"$WORK/request.json" "$URL" || echo "000 0"
    done > "$WORK/client.$c"
  ) &
done
wait $(jobs -p | grep -v "^$SERVER_PID\$")

cat "$WORK"/client.* > "$WORK/all"
total=$(wc -l < "$WORK/all")
errors=$(awk '$1 != 200' "$WORK/all" | wc -l)
awk '$1 == 200 { print $2 }' "$WORK/all" | sort -g > "$WORK/latency"
n=$(wc -l < "$WORK/latency")
pct() { # percentile p of the sorted latencies (nearest rank), in ms
  awk -v p="$1" -v n="$n" 'BEGIN { k = int(p / 100 * n + 0.999999); if (k < 1) k = 1 } NR == k { printf "%.1f", $1 * 1000 }' "$WORK/latency"
}
echo "load_test: $CLIENTS clients x ${SECONDS_RUN} s: $total requests ($(awk -v t="$total" -v s="$SECONDS_RUN" 'BEGIN { printf "%.1f", t / s }')/s), $errors errors"
if [ "$n" -gt 0 ]; then
  echo "load_test: latency ms: p50 $(pct 50)  p90 $(pct 90)  p99 $(pct 99)  max $(pct 100)"
fi
if ! kill -0 "$SERVER_PID" 2> /dev/null; then
  echo "load_test: the server died"; cat "$WORK/server.err"; SERVER_PID=; exit 1
fi
[ "$total" -gt 0 ] && [ "$errors" -eq 0 ]

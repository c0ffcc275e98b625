#!/usr/bin/env bash
# End-to-end test of `evident serve` (evident issue 7): starts the real binary on a free loopback port, exercises the
# routes with curl, sends bad requests (malformed JSON, a body over the limit, path traversal in static URLs, an
# unknown route), checks that the server is still up, stops it with SIGTERM, then runs the quick load test.
#
#   api_e2e.sh EVIDENT_BINARY TESTS_DIR      (TESTS_DIR: the tests/ folder, for data/Senn2013.csv and server/)
#
# Exit code: 0 passed, 1 failed, 77 curl missing (test skipped).
set -u
BIN=${1:?usage: api_e2e.sh EVIDENT_BINARY TESTS_DIR}
TESTS=${2:?usage: api_e2e.sh EVIDENT_BINARY TESTS_DIR}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
command -v curl > /dev/null || { echo "api_e2e: curl not found; skipped"; exit 77; }

. "$TESTS/support/serve_test.sh"
WORK=$(mktemp -d)
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

mkdir -p "$WORK/www" "$WORK/www/css"
echo '<p>evident web</p>' > "$WORK/www/index.html"
echo 'p{}' > "$WORK/www/css/site.css"
echo 'TOP-SECRET-CONTENT' > "$WORK/secret.txt"

{ printf '{"id": "senn", "analysis": "nma", "csv": "'; json_escape_file "$TESTS/data/Senn2013.csv"; printf '"}'; } > "$WORK/nma.json"
{ printf '{"csv": "'; json_escape_file "$TESTS/data/Senn2013.csv"; printf '", "options": {"reference": "plac", "nsim": 100}}'; } > "$WORK/report.json"

start_server "$WORK/server" "$BIN" --static "$WORK/www" --max-body 100000 || exit 1
BASE=$SERVER_URL

# expect STATUS METHOD PATH [curl args...]: the status must match; the body is left in $WORK/body.
expect() {
  local want=$1 method=$2 path=$3
  shift 3
  local got
  got=$(curl -s --path-as-is -o "$WORK/body" -w '%{http_code}' -X "$method" "$@" "$BASE$path")
  case " $want " in
    *" $got "*) ;;
    *) fail "$method $path: expected HTTP $want, got $got: $(head -c 300 "$WORK/body")" ;;
  esac
}
body_has() { grep -q -- "$1" "$WORK/body" || fail "$2: body lacks '$1': $(head -c 300 "$WORK/body")"; }
body_lacks() { if grep -q -- "$1" "$WORK/body"; then fail "$2: body has '$1'"; fi; }

expect 200 GET /api/health
body_has '"status":"ok"' health
expect 405 POST /api/health --data ''

expect 200 POST /api/analyse -H 'Content-Type: application/json' --data-binary @"$WORK/nma.json"
body_has '"ok":true' analyse
body_has '"id":"senn"' analyse
# The API answers exactly what `evident batch` answers for the same request line.
# (The batch input is named "request", the name the API gives the body in diagnostics.)
tr -d '\n' < "$WORK/nma.json" > "$WORK/request"; echo >> "$WORK/request"
(cd "$WORK" && "$BIN" batch request -o batch.out 2> /dev/null)
if ! cmp -s "$WORK/batch.out" <(cat "$WORK/body"; echo); then
  fail "analyse: the API record differs from evident batch's"
fi

expect 422 POST /api/analyse --data-binary '{"csv": "study,treatment,n,mean,sd\nA,x,10,1,-2\nA,y,10,2,1\n"}'
body_has '"ok":false' 'data errors'
body_has '"diagnostics"' 'data errors'
expect "400 422" POST /api/analyse --data-binary '{"analysis": "nma", "csv": '
body_has malformed-json 'malformed JSON'
expect "400 422" POST /api/analyse --data-binary 'not json at all'
head -c 200000 /dev/zero | tr '\0' ' ' > "$WORK/huge"
expect 413 POST /api/analyse --data-binary @"$WORK/huge"
body_has body-too-large 'huge body'

expect 200 POST /api/report --data-binary @"$WORK/report.json"
body_has '<html' report
expect 200 POST /api/figure/network-graph --data-binary @"$WORK/report.json"
body_has '<svg' figure
expect 404 POST /api/figure/nothing --data-binary @"$WORK/report.json"
expect 404 GET /api/review
body_has no-store 'review without a store'

expect 200 GET /
body_has 'evident web' index
expect 200 GET /static/css/site.css
expect 404 GET /static/missing.js
for p in /static/../../etc/passwd /static/../secret.txt /static/%2e%2e/secret.txt /static/..%2f..%2fetc%2fpasswd \
  /static//etc/passwd /../../etc/passwd; do
  expect "400 404" GET "$p"
  body_lacks 'root:' "$p"
  body_lacks 'TOP-SECRET-CONTENT' "$p"
done
expect 404 GET /nope
expect 404 GET /api/nope
body_has not-found 'unknown route'
expect 404 DELETE /api/nothing

expect 200 GET /api/health  # still up after the bad requests
kill -0 "$SERVER_PID" 2> /dev/null || fail "the server died"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
rc=$?
SERVER_PID=
[ "$rc" -eq 0 ] || fail "the server exited with $rc on SIGTERM"
grep -q 'stopped' "$WORK/server.err" || fail "no 'stopped' message"

# A second server with a review store: summary, two runs, their list and diff.
"$BIN" review init "$WORK/review.evident" --title "Diabetes" > /dev/null 2>&1 || fail "review init"
"$BIN" review import "$WORK/review.evident" "$TESTS/data/Senn2013.csv" > /dev/null 2>&1 || fail "review import"
if start_server "$WORK/server2" "$BIN" --store "$WORK/review.evident"; then
  BASE=$SERVER_URL
  expect 200 GET /api/review
  body_has '"runs":0' 'review summary'
  expect 200 POST /api/review/run --data ''
  body_has '"id":1' 'first run'
  expect 200 POST /api/review/run --data ''
  expect 200 GET /api/review/runs
  body_has '"id":2' 'runs'
  expect 200 GET '/api/review/diff?a=1&b=2'
  body_has '"inputs_changed":false' 'diff'
  expect 400 GET '/api/review/diff?a=1'
  expect 404 GET '/api/review/diff?a=1&b=9'
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || fail "the store server exited with $? on SIGTERM"
  SERVER_PID=
else
  fail "the server with --store did not start"
fi

if [ "$failures" -ne 0 ]; then
  echo "api_e2e: $failures failures"; cat "$WORK/server.err"; exit 1
fi
echo "api_e2e: all checks passed"
bash "$TESTS/server/load_test.sh" "$BIN" "$TESTS/data/Senn2013.csv" 10 5

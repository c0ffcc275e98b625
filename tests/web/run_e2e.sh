#!/usr/bin/env bash
# End-to-end test of the web app: starts `BIN serve` on a free port with an empty reviews folder and drives the
# app in Chromium (tests/web/e2e.mjs, playwright-core from web/node_modules).
# Usage: tests/web/run_e2e.sh BIN [extra arguments of e2e.mjs, e.g. --screenshot docs/images/webapp.png]
# Exit 77 (CTest SKIP_RETURN_CODE) when node, chromium or web/node_modules is missing; with EVIDENT_REQUIRE_E2E=1
# that is a failure (exit 1) instead. EVIDENT_STATIC=DIR passes --static DIR to the server (a binary without the
# embedded web app, e.g. EVIDENT_STATIC=web/dist).
set -u
BIN=${1:?usage: run_e2e.sh BIN [e2e.mjs options]}
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

skip() {
  if [ "${EVIDENT_REQUIRE_E2E:-0}" = 1 ]; then
    echo "run_e2e.sh: FAIL (EVIDENT_REQUIRE_E2E=1): $1" >&2
    exit 1
  fi
  echo "run_e2e.sh: SKIP: $1"
  exit 77
}
command -v node >/dev/null 2>&1 || skip "node not found"
[ -x "$chromium" ] || skip "no chromium at $chromium (set CHROMIUM)"
[ -d "$root/web/node_modules/playwright-core" ] || skip "no $root/web/node_modules (run bash scripts/setup-web.sh)"
if [ ! -x "$BIN" ]; then echo "run_e2e.sh: $BIN is not an executable" >&2; exit 1; fi

. "$root/tests/support/serve_test.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evident-web-e2e.XXXXXX")
cleanup() {
  stop_server
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/reviews"

static_args=()
if [ -n "${EVIDENT_STATIC:-}" ]; then static_args=(--static "$EVIDENT_STATIC"); fi
start_server "$tmp/server" "$BIN" --reviews "$tmp/reviews" "${static_args[@]}" || exit 1
url=$SERVER_URL

node "$here/e2e.mjs" "$url" "$@"
status=$?
if [ "$status" -ne 0 ]; then
  echo "run_e2e.sh: server stderr:" >&2
  tail -n 50 "$tmp/server.err" >&2
fi
exit "$status"

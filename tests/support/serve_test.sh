# Sourced by the tests that run the real `evident serve` (tests/server/api_e2e.sh, load_test.sh, tests/web/run_e2e.sh).

# start_server LOG BIN ARGS...: starts `BIN serve --port 0 ARGS` in the background (standard output in LOG.out,
# standard error in LOG.err) and waits up to 30 s for its "listening on URL" line. Sets SERVER_PID and SERVER_URL
# (e.g. http://127.0.0.1:41234); returns 1, with the server's standard error printed, when it does not listen.
start_server() {
  local log=$1 bin=$2
  shift 2
  "$bin" serve --port 0 "$@" > "$log.out" 2> "$log.err" &
  SERVER_PID=$!
  SERVER_URL=
  for _ in $(seq 1 300); do
    SERVER_URL=$(sed -n 's/.*listening on \(http:\/\/[^ ]*\).*/\1/p' "$log.out")
    [ -n "$SERVER_URL" ] && return 0
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.1
  done
  echo "the server did not start:" >&2
  cat "$log.err" >&2
  return 1
}

# stop_server: kills the server started by start_server, if it still runs (for EXIT traps).
stop_server() {
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill "$SERVER_PID" 2> /dev/null
    wait "$SERVER_PID" 2> /dev/null
  fi
  SERVER_PID=
}

# json_escape_file FILE: the file's text as the inside of a JSON string (CR dropped, one \n per line).
json_escape_file() {
  awk 'BEGIN { ORS = "" } { gsub(/\r/, ""); gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); print $0 "\\n" }' "$1"
}

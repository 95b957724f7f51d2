#!/usr/bin/env bash
# The demo through netcat-openbsd, as the book's "Try it" uses it:
#
#     nc_echo.sh BINARY NC
#
# Starts BINARY on port 0, sends two lines (the last without a newline)
# with `nc -N`, expects them back upper-cased, then stops the server with
# SIGINT and expects exit status 0 and nothing on stdout but the
# `listening on` line.
set -euo pipefail

binary=$1
nc=$2
limit=30  # seconds any one step may take; a passing run needs far less

workdir=$(mktemp -d)
server=

fail() {
    echo "FAIL: $*" >&2
    if [[ -s $workdir/stderr ]]; then
        echo "--- the server's stderr:" >&2
        cat "$workdir/stderr" >&2
    fi
    exit 1
}

cleanup() {
    if [[ -n $server ]] && kill -0 "$server" 2>/dev/null; then
        kill -KILL "$server" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT

# The server writes its stdout into a FIFO, so the `listening on` line can
# be read the moment it is printed.
mkfifo "$workdir/stdout"
"$binary" --bind 127.0.0.1:0 >"$workdir/stdout" 2>"$workdir/stderr" </dev/null &
server=$!
exec 3<"$workdir/stdout"

read -r -t "$limit" line <&3 || fail "no 'listening on' line within $limit s"
[[ $line =~ ^listening\ on\ 127\.0\.0\.1:([0-9]+)$ ]] ||
    fail "expected 'listening on 127.0.0.1:PORT', got '$line'"
port=${BASH_REMATCH[1]}
echo "server: $line"

# -N: shut down the sending side at the end of input, so the server sees
# the end of the last line; nc then prints everything until the server closes.
reply=$(printf 'hello from nc\nno newline at the end' |
    timeout "$limit" "$nc" -N -w "$limit" 127.0.0.1 "$port") ||
    fail "nc failed (status $?)"
expected=$'HELLO FROM NC\nNO NEWLINE AT THE END'
[[ $reply == "$expected" ]] || fail "expected $(printf '%q' "$expected"), got $(printf '%q' "$reply")"
echo "nc got: $(printf '%q' "$reply")"

# The server's exit closes the other end of the FIFO: read to that end of
# file, for $limit seconds at most, then collect the exit status.
kill -INT "$server"
rest=
waited=0
IFS= read -r -d '' -t "$limit" rest <&3 || waited=$?
((waited <= 128)) || fail "the server did not exit within $limit s of SIGINT"
[[ -z $rest ]] || fail "stdout holds more than the listening line: $(printf '%q' "$rest")"
status=0
wait "$server" || status=$?
server=
[[ $status == 0 ]] || fail "exit status $status after SIGINT, expected 0"
echo "passed: nc round trip, clean exit after SIGINT"

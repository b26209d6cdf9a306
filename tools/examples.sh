#!/bin/sh
# make examples: runs every program of examples/ offline against the bundled mock server and
# checks that each exits 0 and prints what it is about; also compiles each one as C++11.
# Expects build/ailib-mock and build/ex_<name> (the Makefile's examples target builds them).
cd "$(dirname "$0")/.."
MOCK=./build/ailib-mock
CXX=${CXX:-g++}
if [ ! -x "$MOCK" ]; then echo "examples: $MOCK is missing: run 'make examples'" >&2; exit 1; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ailib-examples.XXXXXX") || exit 1
pid=
rpid=
stop_mock() {
    [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
    pid=
    [ -z "$rpid" ] || { kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null; }
    rpid=
}
# An EXIT trap does not run when a signal kills the shell: turn those signals into exits.
trap 'stop_mock; rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM

# The mock picks a free loopback port and prints "ailib-mock listening on http://127.0.0.1:PORT".
"$MOCK" --port 0 --quiet >"$work/mock.out" &
pid=$!
tries=0
until grep -q 'listening on http' "$work/mock.out" 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then echo "examples: ailib-mock did not start" >&2; exit 1; fi
    sleep 0.1
done
AILIB_MOCK_URL=$(sed -n 's/^.*listening on //p' "$work/mock.out")
# The mock is on loopback: keep the environment's proxies and model choice out of the way.
no_proxy=127.0.0.1,localhost
NO_PROXY=$no_proxy
AI_PROXY_URL=
export AILIB_MOCK_URL no_proxy NO_PROXY AI_PROXY_URL
unset AILIB_MODEL

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

# check NAME MARKER: runs build/ex_NAME, which must exit 0 and print to stdout a line
# matching MARKER (a grep -E pattern).
check() {
    name=$1
    marker=$2
    echo "== examples/$name.c"
    rc=0
    "./build/ex_$name" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
    sed 's/^/   /' "$work/$name.out"
    sed 's/^/   stderr: /' "$work/$name.err"
    if [ "$rc" -ne 0 ]; then fail "$name" "exit status $rc"
    elif ! grep -Eq "$marker" "$work/$name.out"; then fail "$name" "no line matching /$marker/ in its output"
    else pass "$name"
    fi
}

check tools      '^assistant: .*The tool said'
check vision     '^assistant: .+'
check reasoning  '^\[reasoning\] .+'
check structured '^name: .+'
check embeddings '^[0-9]+ vectors of [0-9]+ dims'
check routing    '^answered by: openai/gpt-4o-mini after 4 attempt'
check interceptors '^cache: 1 hit, 1 miss'
check cost       '^call 3: refused before sending: budget .example.'

# examples/metrics.c exports to a local OTLP collector (build/otlp-recv), which keeps each post
mkdir -p "$work/otlp"
./build/otlp-recv --out "$work/otlp" >"$work/recv.out" &
rpid=$!
tries=0
until grep -q 'listening on http' "$work/recv.out" 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$rpid" 2>/dev/null; then echo "examples: otlp-recv did not start" >&2; exit 1; fi
    sleep 0.1
done
OTEL_EXPORTER_OTLP_ENDPOINT=$(sed -n 's/^.*listening on //p' "$work/recv.out")
OTEL_SERVICE_NAME=ailib-example
export OTEL_EXPORTER_OTLP_ENDPOINT OTEL_SERVICE_NAME
check metrics    '^span chat gpt-4o-mini trace=4bf92f3577b34da6a3ce929d0e0e4736 .* parent=00f067aa0ba902b7 '
unset OTEL_EXPORTER_OTLP_ENDPOINT OTEL_SERVICE_NAME
if grep -q '"gen_ai.client.operation.duration"' "$work"/otlp/*-metrics.json 2>/dev/null &&
   grep -q '"ailib-example"' "$work"/otlp/*-traces.json 2>/dev/null; then pass "metrics exported over OTLP to otlp-recv"
else fail "metrics exported over OTLP to otlp-recv" "no metrics and traces posts in $work/otlp: $(ls "$work/otlp")"
fi

# Without AILIB_MODEL and AILIB_MOCK_URL an example says how to run it and exits 2.
rc=0
env -u AILIB_MOCK_URL ./build/ex_tools >"$work/usage.out" 2>&1 || rc=$?
if [ "$rc" -eq 2 ] && grep -q "make examples" "$work/usage.out"; then pass "usage message without AILIB_MODEL"
else fail "usage message without AILIB_MODEL" "exit $rc, $(cat "$work/usage.out")"
fi

stop_mock

# With no server at all: a recorded conversation replayed from examples/replay_test.cassette.
check replay_test '^ok: 2 replies replayed with no network'

# Every example is valid C++11 too.
if command -v "$CXX" >/dev/null 2>&1; then
    for f in examples/*.c; do
        name=$(basename "$f" .c)
        if "$CXX" -x c++ -std=c++11 -Wall -Wextra -Werror -I. -c "$f" -o "$work/$name.o" 2>"$work/$name.cxx"; then
            pass "$name as C++11"
        else
            fail "$name as C++11" "$(head -5 "$work/$name.cxx")"
        fi
    done
else
    echo "examples: $CXX not found, C++ compile skipped"
fi

echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

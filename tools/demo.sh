#!/bin/sh
# make demo: one question to a real provider when a key is set, else to the bundled offline
# mock server (no keys, no network needed). Run from anywhere; builds nothing itself
# (`make demo` builds build/ailib and build/ailib-mock first).
# AILIB_DEMO_OFFLINE=1 uses the mock even when a key is set.
set -e
cd "$(dirname "$0")/.."
AILIB=./build/ailib
MOCK=./build/ailib-mock
QUESTION="In one sentence, what is a single-header C library?"
for f in "$AILIB" "$MOCK"; do
    if [ ! -x "$f" ]; then echo "demo: $f is missing: run 'make tools' first" >&2; exit 1; fi
done

# --- a real provider: the first catalog row whose status column reads "key set" ----------------
row=
if [ "${AILIB_DEMO_OFFLINE:-0}" != 1 ]; then
    row=$("$AILIB" providers | awk 'NR > 1 && $(NF-1) == "key" && $NF == "set" { print $1, $3; exit }')
fi
if [ -n "$row" ]; then
    provider=${row%% *}
    model=${row#* }
    echo "Using $provider, the first provider in \`$AILIB providers\` whose key variable is set (model $model):"
    echo "\$ $AILIB -m $provider/$model \"$QUESTION\""
    rc=0
    "$AILIB" -m "$provider/$model" "$QUESTION" || rc=$?
    if [ "$rc" -eq 0 ]; then exit 0; fi
    if [ "$rc" -eq 130 ]; then exit 130; fi
    echo
    echo "demo: the call to $provider failed (exit $rc, message above); showing the offline mock instead."
    echo
fi

# --- no key (or the real call failed): the bundled mock on a free loopback port -------------------
tmp="${TMPDIR:-/tmp}/ailib-demo.$$"
mkdir -p "$tmp"
mock_pid=
cleanup() {
    if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
# Signals that would kill the shell outright would skip the EXIT trap (and leave the mock
# running): turn them into exits. PIPE covers `make demo | head`.
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

"$MOCK" --port 0 --port-file "$tmp/port" --quiet >/dev/null &
mock_pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$mock_pid" 2>/dev/null; then
        echo "demo: ailib-mock did not start" >&2
        exit 1
    fi
    sleep 0.1
done
port=$(cat "$tmp/port")
base="http://127.0.0.1:$port"
# The mock is on loopback: keep any proxy settings of the environment out of the way.
no_proxy=127.0.0.1,localhost
NO_PROXY=$no_proxy
AI_PROXY_URL=
export no_proxy NO_PROXY AI_PROXY_URL

if [ -n "$row" ] || [ "${AILIB_DEMO_OFFLINE:-0}" = 1 ]; then
    echo "Using the bundled offline mock server ailib-mock on 127.0.0.1:$port"
else
    echo "No provider key found (set e.g. OPENAI_API_KEY to use a real provider); using the bundled offline mock server ailib-mock on 127.0.0.1:$port"
fi
echo
echo "1. A streamed answer over the OpenAI chat protocol (the mock accepts any key):"
echo "\$ OPENAI_API_KEY=mock $AILIB -m openai/gpt-4o-mini --base-url $base/v1 \"$QUESTION\""
OPENAI_API_KEY=mock "$AILIB" -m openai/gpt-4o-mini --base-url "$base/v1" "$QUESTION"
echo
echo "2. The same question over Anthropic's protocol, as ailib's normalized response (--json):"
echo "\$ ANTHROPIC_API_KEY=mock $AILIB --json -m anthropic/claude-haiku-5-5 --base-url $base/v1 \"$QUESTION\""
ANTHROPIC_API_KEY=mock "$AILIB" --json -m anthropic/claude-haiku-5-5 --base-url "$base/v1" "$QUESTION"
echo
echo "Every provider gives the same JSON shape; \`$AILIB providers\` lists them and their key variables."

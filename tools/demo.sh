#!/bin/sh
# make demo: one question to a real provider when a key is set, else to the bundled offline
# mock server (no keys, no network needed). Run from anywhere; builds nothing itself
# (`make demo` builds build/ailib and build/ailib-mock first).
set -e
cd "$(dirname "$0")/.."
AILIB=./build/ailib
MOCK=./build/ailib-mock
for f in "$AILIB" "$MOCK"; do
    if [ ! -x "$f" ]; then echo "demo: $f is missing: run 'make tools' first" >&2; exit 1; fi
done

# The first catalog row whose status column reads "key set": its name and default model.
row=$("$AILIB" providers | awk '$(NF-1) == "key" && $NF == "set" { print $1, $3; exit }')
if [ -n "$row" ]; then
    provider=${row%% *}
    model=${row#* }
    echo "Using $provider (its key variable is set), model $model:"
    echo "\$ $AILIB -m $provider/$model \"In one sentence, what is a single-header C library?\""
    "$AILIB" -m "$provider/$model" "In one sentence, what is a single-header C library?"
    exit 0
fi

tmp="${TMPDIR:-/tmp}/ailib-demo.$$"
mkdir -p "$tmp"
mock_pid=
cleanup() {
    if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$MOCK" --port 0 --port-file "$tmp/port" --quiet >/dev/null &
mock_pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then echo "demo: ailib-mock did not start" >&2; exit 1; fi
    sleep 0.1
done
port=$(cat "$tmp/port")
base="http://127.0.0.1:$port"

echo "No provider key found (set e.g. OPENAI_API_KEY to use a real provider). Using the bundled offline mock server ailib-mock on 127.0.0.1:$port."
echo
echo "Streaming an answer (OpenAI chat protocol; the mock accepts any key):"
echo "\$ OPENAI_API_KEY=mock $AILIB -m openai/gpt-4o-mini --base-url $base/v1 \"What is ailib?\""
OPENAI_API_KEY=mock "$AILIB" -m openai/gpt-4o-mini --base-url "$base/v1" "What is ailib?"
echo
echo "The same question to Anthropic's protocol, normalized to ailib's response shape:"
echo "\$ ANTHROPIC_API_KEY=mock $AILIB --json -m anthropic/claude-haiku-5-5 --base-url $base/v1 \"What is ailib?\""
ANTHROPIC_API_KEY=mock "$AILIB" --json -m anthropic/claude-haiku-5-5 --base-url "$base/v1" "What is ailib?"

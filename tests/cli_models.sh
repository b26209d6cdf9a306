#!/bin/sh
# cli_models.sh - drives `ailib models` against the bundled ailib-mock over loopback: the live
# lists of openai (GET /v1/models), gemini (models.list) and ollama (/api/tags) merged with the
# catalog, the "catalog only" rows, --json, the no-key fallback, and failed requests.
# Ends with "N passed, N failed"; exits non-zero when anything failed.
#
#   sh tests/cli_models.sh [path/to/ailib] [path/to/ailib-mock]   (default: build/..., built if missing)
#
# Needs curl for the request checks; python3, when present, also checks the --json output.
set -u
AILIB=${1:-build/ailib}
MOCK=${2:-build/ailib-mock}
T=$(mktemp -d "${TMPDIR:-/tmp}/cli_models.XXXXXX")
pass=0
fail=0
PID=

for f in "$AILIB" "$MOCK"; do
  if [ ! -x "$f" ]; then make -s "$f" || { echo "cli_models: cannot build $f" >&2; exit 1; }; fi
done

cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Nothing from the caller's environment may steer the client: keys, base URLs, proxies, model.
unset AILIB_MODEL OPENAI_API_KEY OPENAI_BASE_URL GEMINI_API_KEY GOOGLE_API_KEY GEMINI_BASE_URL \
      OLLAMA_API_KEY OLLAMA_HOST AI_PROXY_URL AI_TIMEOUT_SECS http_proxy https_proxy HTTP_PROXY \
      HTTPS_PROXY ALL_PROXY all_proxy 2>/dev/null || true

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; }
# check NAME COMMAND...: passes when the command succeeds
check() { name=$1; shift; if "$@" >/dev/null 2>&1; then ok; else bad "$name"; fi; }
has() { grep -q -- "$2" "$1"; }
hasnt() { ! grep -q -- "$2" "$1"; }
have_py() { command -v python3 >/dev/null 2>&1; }
# row FILE MODEL SOURCE: a table row of that model whose SOURCE column reads SOURCE
row() { awk -v m="$2" -v s="$3" '/^$/ { exit } $2 == m { src = $8; for (i = 9; i <= NF; i++) src = src " " $i; if (src == s) f = 1 } END { exit !f }' "$1"; }
# rows FILE SOURCE: how many table rows have that source
rows() { awk -v s="$2" '/^$/ { exit } NR > 1 && NF >= 8 { src = $8; for (i = 9; i <= NF; i++) src = src " " $i; if (src == s) n++ } END { print n + 0 }' "$1"; }
# rc_is EXPECTED: the exit status of the last run
rc_is() { [ "$rc" = "$1" ]; }
# every byte percent-encoded (the mock decodes spec values)
urlenc() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | sed 's/../%&/g'; }
TO=
command -v timeout >/dev/null 2>&1 && TO="timeout 60"

# run NAME ARGS...: runs ailib with ARGS, stdout to $T/NAME.out, stderr to $T/NAME.err, status in rc
run() { n=$1; shift; rc=0; $TO "$AILIB" "$@" > "$T/$n.out" 2> "$T/$n.err" || rc=$?; }

# --- the mock --------------------------------------------------------------------------------------
"$MOCK" --port 0 --port-file "$T/port" --quiet >/dev/null &
PID=$!
i=0
while [ ! -s "$T/port" ]; do
  i=$((i + 1))
  if [ "$i" -gt 100 ] || ! kill -0 "$PID" 2>/dev/null; then echo "cli_models: ailib-mock did not start" >&2; exit 1; fi
  sleep 0.1
done
BASE="http://127.0.0.1:$(cat "$T/port")"
last_request() { curl -s "$BASE/_mock/last_request" > "$T/last.json" 2>/dev/null; }

# The catalog's rows per provider, from the plain listing (no network).
run catalog models
check "catalog: exit 0" rc_is 0
check "catalog: the header has no SOURCE column" hasnt "$T/catalog.out" SOURCE
check "catalog: the header" has "$T/catalog.out" '^PROVIDER  *MODEL  *CONTEXT  *MAX OUTPUT  *CAPS  *IN \$/M  *OUT \$/M$'
awk 'NR > 1 && NF >= 7 && $1 == "openai" { print $2 }' "$T/catalog.out" > "$T/cat-openai"
awk 'NR > 1 && NF >= 7 && $1 == "gemini" { print $2 }' "$T/catalog.out" > "$T/cat-gemini"
awk 'NR > 1 && NF >= 7 && $1 == "ollama" { print $2 }' "$T/catalog.out" > "$T/cat-ollama"
check "catalog: openai has rows" test -s "$T/cat-openai"
check "catalog: gemini has rows" test -s "$T/cat-gemini"
check "catalog: ollama has rows" test -s "$T/cat-ollama"
n_openai=$(wc -l < "$T/cat-openai" | tr -d ' ')
n_gemini=$(wc -l < "$T/cat-gemini" | tr -d ' ')
n_ollama=$(wc -l < "$T/cat-ollama" | tr -d ' ')

# every catalog row of provider P appears in FILE with source "catalog only"
all_catalog_only() {
  while read -r m; do row "$2" "$m" "catalog only" || return 1; done < "$T/cat-$1"
}

# --- openai: GET /v1/models ------------------------------------------------------------------------
OPENAI_API_KEY=test run openai models openai --base-url "$BASE/v1"
check "openai: exit 0" rc_is 0
check "openai: SOURCE column" has "$T/openai.out" '^PROVIDER .* SOURCE$'
check "openai: mock-model live" row "$T/openai.out" mock-model live
check "openai: mock-embed live" row "$T/openai.out" mock-embed live
check "openai: every catalog row is catalog only" all_catalog_only openai "$T/openai.out"
check "openai: catalog-only count" [ "$(rows "$T/openai.out" "catalog only")" = "$n_openai" ]
check "openai: nothing on stderr" test ! -s "$T/openai.err"
last_request
check "openai: GET" has "$T/last.json" '"method":"GET"'
check "openai: /v1/models" has "$T/last.json" '"path":"/v1/models"'
check "openai: bearer key" has "$T/last.json" '"authorization":"Bearer test"'

# -m provider/model names the provider just as well
OPENAI_API_KEY=test run openai_m models -m openai/anything --base-url "$BASE/v1"
check "openai -m: exit 0" rc_is 0
check "openai -m: same output" cmp -s "$T/openai.out" "$T/openai_m.out"

# a listed catalog model (the provider's default model, and a dated snapshot of it) is live+catalog
"$AILIB" providers > "$T/providers.out" 2>/dev/null
def=$(awk '$1 == "openai" { print $3; exit }' "$T/providers.out")
body="{\"object\":\"list\",\"data\":[{\"id\":\"$def\",\"object\":\"model\",\"owned_by\":\"system\"},{\"id\":\"$def-2099-01-01\",\"object\":\"model\"},{\"id\":\"ft:custom-x\",\"object\":\"model\"}]}"
OPENAI_API_KEY=test run merged models openai --base-url "$BASE/x/status=200,body=$(urlenc "$body")/v1"
check "merged: exit 0" rc_is 0
check "merged: default model live+catalog" row "$T/merged.out" "$def" live+catalog
check "merged: dated snapshot live+catalog" row "$T/merged.out" "$def-2099-01-01" live+catalog
check "merged: unknown model live" row "$T/merged.out" ft:custom-x live
check "merged: the listed catalog row is not catalog only" [ "$(awk -v m="$def" '$2 == m' "$T/merged.out" | wc -l | tr -d ' ')" = 1 ]
check "merged: catalog-only count" [ "$(rows "$T/merged.out" "catalog only")" = "$((n_openai - 1))" ]
check "merged: live+catalog has a price" [ "$(awk -v m="$def" '$2 == m { print $7 }' "$T/merged.out")" != "-" ]

# --- gemini: models.list ---------------------------------------------------------------------------
GEMINI_API_KEY=test run gemini models gemini --base-url "$BASE/v1beta"
check "gemini: exit 0" rc_is 0
check "gemini: mock-model live" row "$T/gemini.out" mock-model live
check "gemini: mock-embed live" row "$T/gemini.out" mock-embed live
check "gemini: context from inputTokenLimit" [ "$(awk '$2 == "mock-model" { print $3 }' "$T/gemini.out")" = 1048576 ]
check "gemini: max output from outputTokenLimit" [ "$(awk '$2 == "mock-model" { print $4 }' "$T/gemini.out")" = 65536 ]
check "gemini: embedContent is the E capability" [ "$(awk '$2 == "mock-embed" { print $5 }' "$T/gemini.out")" = -----E ]
check "gemini: every catalog row is catalog only" all_catalog_only gemini "$T/gemini.out"
check "gemini: catalog-only count" [ "$(rows "$T/gemini.out" "catalog only")" = "$n_gemini" ]
last_request
check "gemini: GET /v1beta/models" has "$T/last.json" '"path":"/v1beta/models'
check "gemini: x-goog-api-key" has "$T/last.json" '"x-goog-api-key":"test"'

# --- ollama: /api/tags (no key needed) -------------------------------------------------------------
run ollama models ollama --base-url "$BASE"
check "ollama: exit 0" rc_is 0
check "ollama: mock-model:latest live" row "$T/ollama.out" mock-model:latest live
check "ollama: every catalog row is catalog only" all_catalog_only ollama "$T/ollama.out"
check "ollama: catalog-only count" [ "$(rows "$T/ollama.out" "catalog only")" = "$n_ollama" ]
last_request
check "ollama: GET /api/tags" has "$T/last.json" '"path":"/api/tags"'

# --- --json ----------------------------------------------------------------------------------------
OPENAI_API_KEY=test run openai_json models --json openai --base-url "$BASE/v1"
check "openai --json: exit 0" rc_is 0
check "openai --json: an array" has "$T/openai_json.out" '^\['
run ollama_json models ollama --json --base-url "$BASE"
check "ollama --json: exit 0" rc_is 0
OPENAI_API_KEY=test run merged_json models openai --json --base-url "$BASE/x/status=200,body=$(urlenc "$body")/v1"
check "merged --json: exit 0" rc_is 0
run catalog_json models --json
check "catalog --json: exit 0" rc_is 0
if have_py; then
  # json_rows FILE PROVIDER LIVE CATALOG_ONLY LIVE+CATALOG [EXPECT_ID SOURCE]
  json_rows() {
    python3 - "$@" <<'EOF'
import json, sys
f, prov, live, conly, both = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rows = json.load(open(f))
assert isinstance(rows, list) and rows
keys = {"provider", "id", "source", "owned_by", "context_window", "max_output", "capabilities", "price"}
names = {"tools", "vision", "reasoning", "json", "audio", "embed"}
for r in rows:
    assert set(r) == keys, r
    assert r["provider"] == prov and isinstance(r["id"], str) and r["id"]
    assert r["owned_by"] is None or isinstance(r["owned_by"], str)
    for k in ("context_window", "max_output"):
        assert r[k] is None or (isinstance(r[k], int) and r[k] > 0)
    assert isinstance(r["capabilities"], list) and set(r["capabilities"]) <= names
    assert (r["price"] is None) == (r["source"] == "live"), r
    if r["price"] is not None:
        assert set(r["price"]) == {"input", "cached_input", "cache_write", "output", "date"}
count = lambda s: sum(1 for r in rows if r["source"] == s)
assert (count("live"), count("catalog only"), count("live+catalog")) == (live, conly, both), rows
if len(sys.argv) > 7:
    assert any(r["id"] == sys.argv[6] and r["source"] == sys.argv[7] for r in rows)
EOF
  }
  check "openai --json: rows and fields" json_rows "$T/openai_json.out" openai 2 "$n_openai" 0 mock-model live
  check "ollama --json: rows and fields" json_rows "$T/ollama_json.out" ollama 1 "$n_ollama" 0 mock-model:latest live
  check "merged --json: rows and fields" json_rows "$T/merged_json.out" openai 1 "$((n_openai - 1))" 2 "$def" live+catalog
  check "merged --json: owned_by and price" python3 -c '
import json, sys
r = [r for r in json.load(open(sys.argv[1])) if r["id"] == sys.argv[2]][0]
assert r["owned_by"] == "system" and r["context_window"] and r["price"]["date"]' "$T/merged_json.out" "$def"
  check "catalog --json: every catalog row" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
n = sum(1 for l in open(sys.argv[2]) if l.strip())
assert all(r["source"] == "catalog" for r in rows)
assert sum(1 for r in rows if r["provider"] == "openai") == n' "$T/catalog_json.out" "$T/cat-openai"
fi

# --- no key: the catalog rows alone, a note naming the variable, exit 0 ------------------------------
run nokey models openai --base-url "$BASE/v1"
check "no key: exit 0" rc_is 0
check "no key: the note names OPENAI_API_KEY" has "$T/nokey.err" OPENAI_API_KEY
check "no key: the note says catalog only" has "$T/nokey.err" "catalog only"
check "no key: one line on stderr" [ "$(wc -l < "$T/nokey.err" | tr -d ' ')" = 1 ]
check "no key: every catalog row is catalog only" all_catalog_only openai "$T/nokey.out"
check "no key: nothing live" [ "$(rows "$T/nokey.out" live)" = 0 ]
run nokey_gemini models gemini --json
check "no key gemini: exit 0" rc_is 0
check "no key gemini: the note names GEMINI_API_KEY" has "$T/nokey_gemini.err" GEMINI_API_KEY
if have_py; then
  check "no key gemini --json: catalog rows" json_rows "$T/nokey_gemini.out" gemini 0 "$n_gemini" 0
fi

# --- failures --------------------------------------------------------------------------------------
OPENAI_API_KEY=test run http500 models openai --base-url "$BASE/x/status=500,times=9/v1"
check "HTTP 500: exit 1 (provider error)" rc_is 1
check "HTTP 500: the message" has "$T/http500.err" "500"
check "HTTP 500: no table" test ! -s "$T/http500.out"
GEMINI_API_KEY=test run http403 models gemini --base-url "$BASE/x/status=403/v1beta"
check "HTTP 403: non-zero exit" [ "$rc" -ne 0 ]
check "HTTP 403: a message" test -s "$T/http403.err"
OPENAI_API_KEY=test run badbody models openai --base-url "$BASE/x/status=200,body=$(urlenc '{"oops"')/v1"
check "malformed body: exit 1" rc_is 1
check "malformed body: a message" test -s "$T/badbody.err"
OPENAI_API_KEY=test run refused models openai --timeout 10 --base-url "http://127.0.0.1:1/v1"
check "connection refused: exit 4 (network)" rc_is 4
check "connection refused: a message" has "$T/refused.err" "network"

# --- usage and configuration errors ----------------------------------------------------------------
run unknown models nope
check "unknown provider: exit 3" rc_is 3
check "unknown provider: says so" has "$T/unknown.err" "unknown provider 'nope'"
run two models openai gemini
check "two providers: exit 2" rc_is 2
run conflict models -m gemini/x openai
check "-m and provider disagree: exit 2" rc_is 2
run chatopt models -s hi openai
check "a chat option: exit 2" rc_is 2
run nobase models --base-url "$BASE/v1"
check "--base-url without a provider: exit 2" rc_is 2
run help models --help
check "--help: exit 0" rc_is 0
check "--help: documents models" has "$T/help.out" "catalog only"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# cli_features.sh - the `ailib` command's use of the three feature sections, against the bundled
# ailib-mock over loopback: `ailib batch` (result lines, a failing line, exit codes, resume,
# --retry-failed, -c, Ctrl-C, the ledger with -u), -u/--usage (tokens that match the mock's
# usage and a cost from a known catalog price, "unknown" for a model without one; streamed,
# --no-stream, chat; the log and `ailib logs`), route/<group> models (environment and [routes]),
# and --record / --replay / --record-missing (replayed with the mock stopped, byte for byte;
# an unmatched request fails clearly). Ends with "N passed, N failed"; exits non-zero when
# anything failed.
#
#   sh tests/cli_features.sh [path/to/ailib] [path/to/ailib-mock]   (default: build/..., built if missing)
#
# Needs curl and python3 (tools/deps.sh installs them).
set -u
AILIB=${1:-build/ailib}
MOCK=${2:-build/ailib-mock}
case $AILIB in /*) ;; *) AILIB=$(pwd)/$AILIB ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/cli_features.XXXXXX")
pass=0
fail=0
PID=

for f in "$AILIB" "$MOCK"; do
  if [ ! -x "$f" ]; then make -s "$f" || { echo "cli_features: cannot build $f" >&2; exit 1; }; fi
done

cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Nothing from the caller's environment may steer the command (as in cli_prompt.sh).
for v in $(env | sed -n 's/^\([A-Z_]*_API_KEY\)=.*/\1/p; s/^\([A-Z_]*_BASE_URL\)=.*/\1/p; s/^\(AILIB_ROUTE_[A-Z0-9_]*\)=.*/\1/p; s/^\(AILIB_PRICE_[A-Z0-9_]*\)=.*/\1/p'); do
  unset "$v"
done
unset AILIB_MODEL AILIB_CONFIG AILIB_CATALOG COST_INPUT_PER_1K COST_OUTPUT_PER_1K OLLAMA_HOST AI_PROXY_URL AI_TIMEOUT_SECS \
      http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy 2>/dev/null || true
export XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data" HOME="$T/home"
mkdir -p "$HOME"
LOG="$T/data/ailib/logs.jsonl"

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; }
check() { name=$1; shift; if "$@" >/dev/null 2>&1; then ok; else bad "$name"; fi; }
has() { grep -q -- "$2" "$1"; }
hasnt() { ! grep -q -- "$2" "$1"; }
rc_is() { [ "$rc" = "$1" ]; }
lines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }
now_ms() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }
TO=
command -v timeout >/dev/null 2>&1 && TO="timeout 60"
run() { n=$1; shift; rc=0; $TO "$AILIB" "$@" < /dev/null > "$T/$n.out" 2> "$T/$n.err" || rc=$?; }
runin() { n=$1; i=$2; shift 2; rc=0; printf '%s' "$i" | $TO "$AILIB" "$@" > "$T/$n.out" 2> "$T/$n.err" || rc=$?; }

start_mock() {
  rm -f "$T/port"
  "$MOCK" --port 0 --port-file "$T/port" --quiet >/dev/null &
  PID=$!
  i=0
  while [ ! -s "$T/port" ]; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$PID" 2>/dev/null; then echo "cli_features: ailib-mock did not start" >&2; exit 1; fi
    sleep 0.1
  done
  BASE="http://127.0.0.1:$(cat "$T/port")"
}
start_mock
O="--base-url $BASE/v1"
total() { curl -s "$BASE/_mock/stats" | sed 's/^{"total":\([0-9]*\).*/\1/'; }
export OPENAI_API_KEY=sk-cli-features-SECRET-4242 ANTHROPIC_API_KEY=test-anthropic
HELLO="Hello from ailib-mock. You said:"
# The catalog's gpt-4o-mini row (ailib_providers.h, prices read 2026-07-02): USD per million
# tokens, 0.15 input, 0.60 output.
P_IN=0.15
P_OUT=0.60

# usage_of FILE: "INPUT OUTPUT COST" from the -u line of FILE (COST "unknown" when it is)
usage_of() {
  sed -n 's/^ailib: usage: \([0-9]*\) input, \([0-9]*\) output tokens.*; cost \$\([0-9.]*\).*/\1 \2 \3/p; s/^ailib: usage: \([0-9]*\) input, \([0-9]*\) output tokens.*; cost unknown.*/\1 \2 unknown/p' "$1" | head -1
}
# json_usage FILE: "INPUT OUTPUT" of an `ailib --json` answer
json_usage() { python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))["usage"]; print(u["input"], u["output"])' "$1"; }
# cost_is IN OUT COST: COST is IN and OUT tokens at the gpt-4o-mini prices (to 1e-12 USD)
cost_is() { python3 -c 'import sys; i,o,c=int(sys.argv[1]),int(sys.argv[2]),float(sys.argv[3]); e=(i*float(sys.argv[4])+o*float(sys.argv[5]))/1e6; sys.exit(0 if c > 0 and abs(c-e) < 1e-12 else 1)' "$1" "$2" "$3" "$P_IN" "$P_OUT"; }

# --- -u/--usage ------------------------------------------------------------------------------------
run ujson -m openai/gpt-4o-mini $O --json "count my tokens"
set -- $(json_usage "$T/ujson.out")
J_IN=$1 J_OUT=$2
run ustream -u -m openai/gpt-4o-mini $O "count my tokens"
check "-u streamed: exit 0" rc_is 0
check "-u streamed: the answer on stdout alone" [ "$(cat "$T/ustream.out")" = "$HELLO count my tokens" ]
# the streamed request differs (stream options), so its usage is what the mock answers that
# very body: sent again with curl, its usage chunk read
curl -s "$BASE/_mock/last_request" | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["body"])' > "$T/ustream.body"
curl -s -N "$BASE/v1/chat/completions" -H 'Content-Type: application/json' --data-binary @"$T/ustream.body" > "$T/ustream.sse"
S_IN=$(sed -n 's/.*"prompt_tokens":\([0-9]*\).*/\1/p' "$T/ustream.sse" | tail -1)
S_OUT=$(sed -n 's/.*"completion_tokens":\([0-9]*\).*/\1/p' "$T/ustream.sse" | tail -1)
set -- $(usage_of "$T/ustream.err") x x x
check "-u streamed: the mock's input tokens" [ "$1" = "$S_IN" ]
check "-u streamed: the mock's output tokens" [ "$2" = "$S_OUT" ]
check "-u streamed: tokens by kind" has "$T/ustream.err" "tokens (0 cached input, 0 reasoning)"
check "-u streamed: the cost at the catalog's gpt-4o-mini prices" cost_is "$1" "$2" "$3"
run unostream -u --no-stream -m openai/gpt-4o-mini $O "count my tokens"
set -- $(usage_of "$T/unostream.err") x x x
check "-u --no-stream: the tokens of --json" [ "$1 $2" = "$J_IN $J_OUT" ]
check "-u --no-stream: the cost at the catalog's prices" cost_is "$1" "$2" "$3"
U_COST=$3
if [ -f "$LOG" ]; then
  check "-u: the log keeps the same cost" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
assert abs(r["cost_usd"] - float(sys.argv[2])) < 1e-12, r["cost_usd"]' "$LOG" "$U_COST"
else bad "-u: the call is logged"; fi
run uanth -u -m anthropic/claude-haiku-5-5 $O "count my tokens"
check "-u on Anthropic: tokens and cache writes by kind" has "$T/uanth.err" '^ailib: usage: [0-9]* input, [0-9]* output tokens (0 cached input, 0 cache write); cost \$0\.0'
run unpriced -u -m openai/gpt-unpriced-model $O "what does it cost"
check "-u unpriced model: exit 0" rc_is 0
check "-u unpriced model: cost unknown" has "$T/unpriced.err" '; cost unknown (no price for openai/gpt-unpriced-model'
check "-u unpriced model: never \$0" hasnt "$T/unpriced.err" 'cost \$'
check "-u unpriced model: the log says null" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
assert r["model"] == "gpt-unpriced-model" and r["cost_usd"] is None' "$LOG"
run logs logs
check "logs: the cost of a priced call" has "$T/logs.out" 'openai/gpt-4o-mini  *[0-9][0-9]*  *[0-9][0-9]*  *\$0\.0'
check "logs: unknown for the unpriced one" has "$T/logs.out" 'openai/gpt-unpriced-model  *[0-9][0-9]*  *[0-9][0-9]*  *unknown'
check "logs: the total says a cost is unknown" has "$T/logs.out" 'and 1 call of unknown cost'
runin uchat "$(printf 'first\nsecond\n')" chat -u -m openai/gpt-4o-mini $O
check "chat -u: a usage line per turn" [ "$(grep -c '^ailib: usage: ' "$T/uchat.err")" = 2 ]
run uhelp help prompt
check "help prompt: documents -u" has "$T/uhelp.out" "-u, --usage"

# --- ailib batch ------------------------------------------------------------------------------------
cat > "$T/in.jsonl" <<'EOF'
{"id": "first", "prompt": "one"}
{"id": "second", "messages": [{"role": "user", "content": "two"}], "max_tokens": 50}

{"id": {"k": 3}, "prompt": "three"}
{not json
{"prompt": "five", "system": "Be brief."}
EOF
# the first request the mock sees fails with a 400 (not retried); -c 1 sends line 1 first
FB="--base-url $BASE/x/status=400,times=1/v1"
run batch1 batch "$T/in.jsonl" -o "$T/out.jsonl" -c 1 -u -m openai/gpt-4o-mini $FB
check "batch: exit 1 when a line failed" rc_is 1
check "batch: one line out per request" [ "$(lines "$T/out.jsonl")" = 5 ]
check "batch: the summary" has "$T/batch1.err" "batch: 5 lines: 3 ok, 2 failed (1 not valid requests)"
check "batch: the result lines" python3 -c '
import json, sys
rows = {r["line"]: r for r in map(json.loads, open(sys.argv[1]))}
assert sorted(rows) == [1, 2, 4, 5, 6], sorted(rows)
e = rows[1]["error"]
assert rows[1]["response"] is None and rows[1]["id"] == "first"
assert e["code"] == "AILIB_INVALID_REQUEST" and e["http_status"] == 400 and e["message"], e
assert rows[5]["error"]["code"] == "AILIB_JSON_SYNTAX" and rows[5]["response"] is None
for n, said in ((2, "two"), (4, "three"), (6, "five")):
    r = rows[n]
    assert r["error"] is None and r["response"]["text"] == sys.argv[2] + " " + said, r
    assert r["response"]["usage"]["input"] > 0 and r["response"]["usage"]["output"] > 0
assert rows[2]["id"] == "second" and rows[4]["id"] == {"k": 3} and rows[6]["id"] is None' "$T/out.jsonl" "$HELLO"
run json1 -m openai/gpt-4o-mini $O --json "two"
check "batch: a line's response has the shape of --json" python3 -c '
import json, sys
cli = json.load(open(sys.argv[1]))
line = [json.loads(l) for l in open(sys.argv[2])]
line = [r for r in line if r["line"] == 2][0]["response"]
assert list(cli) == list(line), (list(cli), list(line))
assert list(cli["usage"]) == list(line["usage"])' "$T/json1.out" "$T/out.jsonl"
check "batch -u: the ledger total" python3 -c '
import json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ok = [r["response"]["usage"] for r in rows if r["response"]]
i, o = sum(u["input"] for u in ok), sum(u["output"] for u in ok)
m = re.search(r"^ailib: usage: total: (\d+) requests \((\d+) failed\), (\d+) input, (\d+) output tokens .*; cost \$([0-9.]+)$", open(sys.argv[2]).read(), re.M)
assert m, "no total line"
assert int(m.group(1)) == 4 and int(m.group(2)) == 1, m.groups()     # the 400 was sent; the bad line was not
assert (int(m.group(3)), int(m.group(4))) == (i, o), (m.groups(), i, o)
assert abs(float(m.group(5)) - (i * 0.15 + o * 0.60) / 1e6) < 1e-12, m.group(5)' "$T/out.jsonl" "$T/batch1.err"
before=$(total)
run batch2 batch "$T/in.jsonl" -o "$T/out.jsonl" -m openai/gpt-4o-mini $FB
check "batch again: nothing sent" [ "$(total)" = "$before" ]
check "batch again: nothing added" [ "$(lines "$T/out.jsonl")" = 5 ]
check "batch again: says what it skipped" has "$T/batch2.err" "5 skipped (in .*out.jsonl already, 2 of them failed)"
check "batch again: exit 1 (the output still holds 2 failed lines)" rc_is 1
run batch3 batch "$T/in.jsonl" -o "$T/out.jsonl" --retry-failed -m openai/gpt-4o-mini $FB
check "batch --retry-failed: the failed lines run again" [ "$(lines "$T/out.jsonl")" = 7 ]
check "batch --retry-failed: line 1 answered now" python3 -c '
import json, sys
last = {}
for r in map(json.loads, open(sys.argv[1])): last[r["line"]] = r
assert last[1]["error"] is None and last[1]["response"]["text"].endswith("one")' "$T/out.jsonl"
check "batch --retry-failed: exit 1 (the invalid line fails again)" rc_is 1
printf '{"prompt": "a"}\n{"prompt": "b"}\n' > "$T/ok.jsonl"
run batchok batch "$T/ok.jsonl" -o "$T/ok.out.jsonl" -m openai/gpt-4o-mini $O
check "batch all ok: exit 0" rc_is 0
runin batchstdin "$(printf '{"prompt": "piped"}\n')" batch - -o "$T/stdin.out.jsonl" -m openai/gpt-4o-mini $O
check "batch from stdin: exit 0" rc_is 0
check "batch from stdin: the answer" has "$T/stdin.out.jsonl" "$HELLO piped"
run batchnoout batch "$T/ok.jsonl" -m openai/gpt-4o-mini $O
check "batch without -o: exit 2" rc_is 2
check "batch without -o: says so" has "$T/batchnoout.err" "needs -o FILE"
run batchnoin batch "$T/missing.jsonl" -o "$T/x.jsonl" -m openai/gpt-4o-mini $O
check "batch, input missing: exit 2" rc_is 2
check "batch, input missing: names it" has "$T/batchnoin.err" "cannot open .*missing.jsonl"
run batchbadc batch "$T/ok.jsonl" -o "$T/x.jsonl" -c 0 -m openai/gpt-4o-mini $O
check "batch -c 0: exit 2" rc_is 2
rc=0; env -u OPENAI_API_KEY $TO "$AILIB" batch "$T/ok.jsonl" -o "$T/x.jsonl" -m openai/gpt-4o-mini < /dev/null > /dev/null 2> "$T/batchnokey.err" || rc=$?
check "batch without a key: exit 3" rc_is 3
run bhelp help batch
check "help batch: the exit codes" has "$T/bhelp.out" "1 some lines failed"
run ghelp --help
check "--help: lists batch" has "$T/ghelp.out" "^  batch "
check "--help: the batch exit code" has "$T/ghelp.out" "batch: some"

# -c: 4 lines that each take 700 ms at the mock. One at a time cannot take less than 2.8 s
# (a bound that never flakes); four at once take one delay, far below it.
printf '{"prompt": "p1"}\n{"prompt": "p2"}\n{"prompt": "p3"}\n{"prompt": "p4"}\n' > "$T/slow.jsonl"
SLOW="--base-url $BASE/x/delay_ms=700/v1"
t0=$(now_ms); run c1 batch "$T/slow.jsonl" -o "$T/c1.jsonl" -c 1 -m openai/gpt-4o-mini $SLOW; t1=$(now_ms)
check "batch -c 1: all four" [ "$(lines "$T/c1.jsonl")" = 4 ]
check "batch -c 1: one at a time (>= 4 x 700 ms)" [ $((t1 - t0)) -ge 2800 ]
check "batch -c 1: in input order" [ "$(sed 's/^{"line":\([0-9]\).*/\1/' "$T/c1.jsonl" | tr -d '\n')" = 1234 ]
t0=$(now_ms); run c4 batch "$T/slow.jsonl" -o "$T/c4.jsonl" -c 4 -m openai/gpt-4o-mini $SLOW; t1=$(now_ms)
check "batch -c 4: all four" [ "$(lines "$T/c4.jsonl")" = 4 ]
check "batch -c 4: at once (< 4 x 700 ms)" [ $((t1 - t0)) -lt 2800 ]

# Ctrl-C (SIGINT): what finished is written, the rest is left for the next run
printf '{"prompt": "i1"}\n{"prompt": "i2"}\n{"prompt": "i3"}\n' > "$T/int.jsonl"
rc=0
"$AILIB" batch "$T/int.jsonl" -o "$T/int.out.jsonl" -c 1 -m openai/gpt-4o-mini --base-url "$BASE/x/delay_ms=600/v1" \
  < /dev/null > /dev/null 2> "$T/int.err" &
BPID=$!
k=0; while [ "$(lines "$T/int.out.jsonl")" -lt 1 ] && [ $k -lt 100 ]; do sleep 0.05; k=$((k + 1)); done
kill -INT $BPID
wait $BPID || rc=$?
check "batch, Ctrl-C: exit 130" rc_is 130
check "batch, Ctrl-C: says how to go on" has "$T/int.err" "the same command again does the lines not yet in the output"
n_int=$(lines "$T/int.out.jsonl")
check "batch, Ctrl-C: not all lines done" [ "$n_int" -lt 3 ]
run intagain batch "$T/int.jsonl" -o "$T/int.out.jsonl" -c 1 -m openai/gpt-4o-mini $O
check "batch after Ctrl-C: the rest, once each" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert sorted(r["line"] for r in rows) == [1, 2, 3] and all(r["error"] is None for r in rows)' "$T/int.out.jsonl"

# --- route/<group> ----------------------------------------------------------------------------------
export AILIB_ROUTE_DUO="openai/gpt-4o-mini base_url=$BASE/x/status=503/v1; anthropic/claude-haiku-5-5 base_url=$BASE/v1"
run route -u -m route/duo "routed"
check "route/duo: exit 0" rc_is 0
check "route/duo: the second endpoint answers" [ "$(cat "$T/route.out")" = "$HELLO routed" ]
check "route/duo: -u names it and the fall back" has "$T/route.err" "answered by anthropic/claude-haiku-5-5 after 1 fall back"
check "route/duo: logged as the endpoint, with the group" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
assert (r["provider"], r["model"], r["route"]) == ("anthropic", "claude-haiku-5-5", "route/duo"), r' "$LOG"
run routec -c "and again"
check "-c after a routed turn: exit 0" rc_is 0
check "-c after a routed turn: the group again" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
assert r["route"] == "route/duo" and r["prompt"] == "and again", r' "$LOG"
printf '{"prompt": "r1"}\n{"prompt": "r2"}\n' > "$T/route.jsonl"
run routeb batch "$T/route.jsonl" -o "$T/route.out.jsonl" -m route/duo
check "batch over route/duo: exit 0" rc_is 0
check "batch over route/duo: answered" [ "$(grep -c "$HELLO r" "$T/route.out.jsonl")" = 2 ]
unset AILIB_ROUTE_DUO
mkdir -p "$T/config/ailib"
printf '[routes]\nsolo = anthropic/claude-haiku-5-5 base_url=%s/v1\n' "$BASE" > "$T/config/ailib/config"
run routecfg -m route/solo "from the file"
check "[routes] in the configuration: exit 0" rc_is 0
check "[routes] in the configuration: answered" [ "$(cat "$T/routecfg.out")" = "$HELLO from the file" ]
run routecfgshow config
check "config: shows [routes]" has "$T/routecfgshow.out" "^solo = anthropic/claude-haiku-5-5"
rm -f "$T/config/ailib/config"
run routenone -m route/nowhere "x"
check "an undefined route group: exit 3" rc_is 3
check "an undefined route group: the variable and [routes]" has "$T/routenone.err" "set AILIB_ROUTE_NOWHERE.*under \[routes\]"

# --- --record, --replay, --record-missing -----------------------------------------------------------
CAS="$T/talk.cassette"
run rec --record "$CAS" -m openai/gpt-4o-mini $O "Record this, please"
check "--record: exit 0" rc_is 0
check "--record: the answer" [ "$(cat "$T/rec.out")" = "$HELLO Record this, please" ]
check "--record: the cassette is written" [ -s "$CAS" ]
check "--record: the key never reaches it" hasnt "$CAS" "SECRET-4242"
run recj --record "$T/json.cassette" -m anthropic/claude-haiku-5-5 $O --json "as json"
run recb batch "$T/ok.jsonl" -o "$T/recb.jsonl" -c 1 --record "$T/batch.cassette" -m openai/gpt-4o-mini $O
check "batch --record: exit 0" rc_is 0
kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=
check "the mock is stopped" sh -c "! curl -s -m 2 $BASE/_mock/stats"
rc=0; env -u OPENAI_API_KEY $TO "$AILIB" --replay "$CAS" -m openai/gpt-4o-mini "Record this, please" < /dev/null > "$T/rep.out" 2> "$T/rep.err" || rc=$?
check "--replay, no mock, no key: exit 0" rc_is 0
check "--replay: the answer byte for byte" cmp "$T/rec.out" "$T/rep.out"
rc=0; env -u ANTHROPIC_API_KEY $TO "$AILIB" --replay "$T/json.cassette" -m anthropic/claude-haiku-5-5 --json "as json" < /dev/null > "$T/repj.out" 2> /dev/null || rc=$?
check "--replay --json: the same response" cmp "$T/recj.out" "$T/repj.out"
run repb batch "$T/ok.jsonl" -o "$T/repb.jsonl" -c 1 --replay "$T/batch.cassette" -m openai/gpt-4o-mini
check "batch --replay: exit 0" rc_is 0
check "batch --replay: the same results" cmp "$T/recb.jsonl" "$T/repb.jsonl"
rc=0; env -u OPENAI_API_KEY $TO "$AILIB" --replay "$CAS" -m openai/gpt-4o-mini "Something else" < /dev/null > "$T/miss.out" 2> "$T/miss.err" || rc=$?
check "--replay, unmatched: exit 1" rc_is 1
check "--replay, unmatched: the cassette's error" has "$T/miss.err" "cassette '.*talk.cassette' holds no reply for POST /v1/chat/completions"
check "--replay, unmatched: says how to record it" has "$T/miss.err" "(--record-missing FILE)"
check "--replay, unmatched: no 404 advice" hasnt "$T/miss.err" "ailib models"
check "--replay, unmatched: nothing on stdout" [ ! -s "$T/miss.out" ]
run nocas --replay "$T/none.cassette" -m openai/gpt-4o-mini "x"
check "--replay, no such cassette: exit 2" rc_is 2
check "--replay, no such cassette: says to record it" has "$T/nocas.err" "record it first"
run recmiss --record-missing "$CAS" -m openai/gpt-4o-mini $O "Record this, please"
check "--record-missing, held: replayed with the mock stopped" cmp "$T/rec.out" "$T/recmiss.out"
run recmiss2 --record-missing "$CAS" -m openai/gpt-4o-mini $O "Not held"
check "--record-missing, not held: goes to the network (down: exit 4)" rc_is 4
run twocas --record "$T/a" --replay "$T/b" -m openai/gpt-4o-mini "x"
check "two cassettes: exit 2" rc_is 2

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

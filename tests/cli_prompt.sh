#!/bin/sh
# cli_prompt.sh - drives the `ailib` command against the bundled ailib-mock over loopback: the
# prompt from arguments, stdin and a terminal (one Ctrl-D, Ctrl-C in tmux), unknown commands,
# the JSONL log with -c/--cid and `ailib logs`, attachments, --schema, --no-stream, -o, -x,
# tools (-T), `ailib embed`, `ailib check`, the configuration file and aliases, and the
# messages a shell user acts on (401, 404, --json errors, long retries, catalog warnings and
# refusals). Ends with "N passed, N failed"; exits non-zero when anything failed.
#
#   sh tests/cli_prompt.sh [path/to/ailib] [path/to/ailib-mock]   (default: build/..., built if missing)
#
# Needs curl and tmux (tools/deps.sh installs them); python3, when present, also checks JSON output.
set -u
AILIB=${1:-build/ailib}
MOCK=${2:-build/ailib-mock}
case $AILIB in /*) ;; *) AILIB=$(pwd)/$AILIB ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/cli_prompt.XXXXXX")
pass=0
fail=0
PID=
TMUX_SOCK=ailib-cli-$$

for f in "$AILIB" "$MOCK"; do
  if [ ! -x "$f" ]; then make -s "$f" || { echo "cli_prompt: cannot build $f" >&2; exit 1; }; fi
done

cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Nothing from the caller's environment may steer the command: keys, base URLs, proxies,
# model, configuration and log locations (both live under $T).
for v in $(env | sed -n 's/^\([A-Z_]*_API_KEY\)=.*/\1/p; s/^\([A-Z_]*_BASE_URL\)=.*/\1/p'); do unset "$v"; done
unset AILIB_MODEL AILIB_CONFIG OLLAMA_HOST AI_PROXY_URL AI_TIMEOUT_SECS http_proxy https_proxy HTTP_PROXY HTTPS_PROXY \
      ALL_PROXY all_proxy GOOGLE_API_KEY CO_API_KEY DASHSCOPE_API_KEY MOONSHOT_API_KEY 2>/dev/null || true
export XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data" HOME="$T/home"
mkdir -p "$HOME"
LOG="$T/data/ailib/logs.jsonl"

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; }
# check NAME COMMAND...: passes when the command succeeds
check() { name=$1; shift; if "$@" >/dev/null 2>&1; then ok; else bad "$name"; fi; }
has() { grep -q -- "$2" "$1"; }
hasnt() { ! grep -q -- "$2" "$1"; }
same() { [ "$(cat "$1")" = "$2" ]; }
rc_is() { [ "$rc" = "$1" ]; }
have_py() { command -v python3 >/dev/null 2>&1; }
lines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }
TO=
command -v timeout >/dev/null 2>&1 && TO="timeout 60"

# run NAME ARGS...: ailib with ARGS and stdin from /dev/null; stdout to $T/NAME.out, stderr to
# $T/NAME.err, status in rc. Environment assignments go before `run` (VAR=x run ...).
run() { n=$1; shift; rc=0; $TO "$AILIB" "$@" < /dev/null > "$T/$n.out" 2> "$T/$n.err" || rc=$?; }
# runin NAME INPUT ARGS...: the same with INPUT piped on stdin
runin() { n=$1; i=$2; shift 2; rc=0; printf '%s' "$i" | $TO "$AILIB" "$@" > "$T/$n.out" 2> "$T/$n.err" || rc=$?; }

# --- the mock --------------------------------------------------------------------------------------
"$MOCK" --port 0 --port-file "$T/port" --quiet >/dev/null &
PID=$!
i=0
while [ ! -s "$T/port" ]; do
  i=$((i + 1))
  if [ "$i" -gt 100 ] || ! kill -0 "$PID" 2>/dev/null; then echo "cli_prompt: ailib-mock did not start" >&2; exit 1; fi
  sleep 0.1
done
BASE="http://127.0.0.1:$(cat "$T/port")"
O="--base-url $BASE/v1"                   # OpenAI and Anthropic protocols: .../v1
# last NAME: the mock's last request (method, path, headers, body) into $T/NAME.req, the body alone in $T/NAME.body
last() {
  curl -s "$BASE/_mock/last_request" > "$T/$1.req" 2>/dev/null
  if have_py; then python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["body"])' "$T/$1.req" > "$T/$1.body"
  else cp "$T/$1.req" "$T/$1.body"; fi
}
total() { curl -s "$BASE/_mock/stats" | sed 's/^{"total":\([0-9]*\).*/\1/'; }
export OPENAI_API_KEY=test-openai ANTHROPIC_API_KEY=test-anthropic
HELLO="Hello from ailib-mock. You said:"

# --- the prompt: arguments, stdin, both ------------------------------------------------------------
run arg -m openai/gpt-4o-mini $O "Hello there"
check "argument: exit 0" rc_is 0
check "argument: the streamed answer" same "$T/arg.out" "$HELLO Hello there"
last arg
check "argument: streamed request" has "$T/arg.body" '"stream":true'

runin piped "$(printf 'diff --git a/x b/x\n+new line\n')" -m gpt-4o-mini $O "Review:"
check "stdin + argument: exit 0" rc_is 0
last piped
check "stdin + argument: the argument, a blank line, stdin" has "$T/piped.body" 'Review:\\n\\ndiff --git a/x b/x\\n+new line"'
check "bare catalog model gpt-4o-mini: OpenAI protocol" has "$T/piped.req" '"path":"/v1/chat/completions"'

runin stdin_only "from stdin only" -m claude-haiku-5-5 $O
check "stdin alone: exit 0" rc_is 0
check "stdin alone: the answer" same "$T/stdin_only.out" "$HELLO from stdin only"
last stdin_only
check "bare catalog model claude-haiku-5-5: Anthropic protocol" has "$T/stdin_only.req" '"path":"/v1/messages"'

run mixedcase -m OpenAI/gpt-4o-mini $O "case"
check "provider names are case-insensitive" rc_is 0

run noprompt -m gpt-4o-mini $O -- ""
check "an empty prompt: exit 2" rc_is 2

# --- unknown commands are errors, never prompts -----------------------------------------------------
before=$(total)
run typo modles
check "typo of a command: exit 2" rc_is 2
check "typo of a command: names the command" has "$T/typo.err" "did you mean 'models'"
run oneword hello
check "a lone unknown word: exit 2" rc_is 2
check "a lone unknown word: says how to send it" has "$T/oneword.err" "ailib prompt hello"
run typo2 modles openai
check "typo with arguments: exit 2" rc_is 2
check "typo with arguments: names the command" has "$T/typo2.err" "did you mean 'models'"
check "no request was sent for them" [ "$(total)" = "$before" ]
run explicit prompt -m gpt-4o-mini $O hello
check "ailib prompt hello: sent" same "$T/explicit.out" "$HELLO hello"
run dashdash -m gpt-4o-mini $O -- hello
check "ailib -- hello: sent" same "$T/dashdash.out" "$HELLO hello"
run words -m gpt-4o-mini $O what is this
check "an unquoted sentence is a prompt" same "$T/words.out" "$HELLO what is this"
run words2 what is this -m gpt-4o-mini $O
check "a sentence first, near no command: a prompt" same "$T/words2.out" "$HELLO what is this"
run badopt --jsn hi there
check "unknown option: exit 2" rc_is 2
check "unknown option: the nearest" has "$T/badopt.err" "did you mean --json"
run wrongscope logs -s x
check "an option of another command: exit 2" rc_is 2
run help help logs
check "help logs: exit 0" rc_is 0
check "help logs: documents --cid" has "$T/help.out" "cid"

# --- the log, -c and --cid ---------------------------------------------------------------------------
rm -f "$LOG"
run turn1 -m openai/gpt-4o-mini $O "My name is Ada."
run turn2 -m openai/gpt-4o-mini $O "Unrelated question"
check "logged: two lines" [ "$(lines "$LOG")" = 2 ]
run cont -c $O "What is my name?"
check "-c: exit 0" rc_is 0
last cont
check "-c: the previous turn is sent" has "$T/cont.body" "Unrelated question"
check "-c: the previous answer is sent" has "$T/cont.body" "$HELLO Unrelated question"
check "-c: not the older conversation" hasnt "$T/cont.body" "Ada"
first_cid=$(sed -n '1s/.*"cid":"\([0-9a-f]*\)".*/\1/p' "$LOG")
check "the log has ids" [ -n "$first_cid" ]
run cid --cid "$first_cid" $O "And again?"
last cid
check "--cid: that conversation" has "$T/cid.body" "My name is Ada."
check "--cid: its answer" has "$T/cid.body" "$HELLO My name is Ada."
short=$(printf '%s' "$first_cid" | cut -c1-12)
run cidprefix --cid "$short" -n $O "prefix?"
check "--cid: a unique prefix" rc_is 0
run nocid --cid zzzzzz $O "x"
check "--cid unknown: exit 2" rc_is 2
check "--cid unknown: says so" has "$T/nocid.err" "no conversation 'zzzzzz'"
# -c keeps the conversation's model and provider; -m switches provider mid-conversation
run an1 -m anthropic/claude-haiku-5-5 $O "Remember: blue."
run an2 -c $O "Which colour?"
last an2
check "-c: the conversation's model (Anthropic)" has "$T/an2.req" '"path":"/v1/messages"'
check "-c: Anthropic gets the history" has "$T/an2.body" "Remember: blue."
run sw -c -m openai/gpt-4o-mini $O "Switch provider"
last sw
check "-c -m: another provider" has "$T/sw.req" '"path":"/v1/chat/completions"'
check "-c -m: with the whole history" has "$T/sw.body" "$HELLO Which colour?"
n0=$(lines "$LOG")
run nolog -n -m gpt-4o-mini $O "not logged"
check "-n: not logged" [ "$(lines "$LOG")" = "$n0" ]

run logs logs
check "logs: exit 0" rc_is 0
check "logs: the header" has "$T/logs.out" '^ID  *CONVERSATION  *TIME  *MODEL  *IN  *OUT  *COST  *PROMPT'
check "logs: a row with tokens and cost" has "$T/logs.out" 'openai/gpt-4o-mini  *[0-9][0-9]*  *[0-9][0-9]*  *\$0\.'
check "logs: the totals" has "$T/logs.out" '^[0-9]* calls, [0-9]* input and [0-9]* output tokens, \$0\.' 
run logs_n logs -n 2
check "logs -n 2: two rows" [ "$(grep -c 'openai\|anthropic' "$T/logs_n.out")" = 2 ]
run logs_q logs -q Ada
check "logs -q: the matching calls" has "$T/logs_q.out" "My name is Ada"
check "logs -q: not the others" hasnt "$T/logs_q.out" "Unrelated"
run logs_c logs --cid "$first_cid"
check "logs --cid: the conversation in full" has "$T/logs_c.out" "> And again?"
check "logs --cid: its answers" has "$T/logs_c.out" "$HELLO My name is Ada."
run logs_path logs path
check "logs path" same "$T/logs_path.out" "$LOG"
run logs_json logs --json
check "logs --json: exit 0" rc_is 0
if have_py; then
  check "logs --json: records" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
assert rows and all({"id","cid","time","provider","model","prompt","response","usage","cost_usd","messages"} <= set(r) for r in rows)
r = rows[0]
assert r["usage"]["input"] > 0 and r["usage"]["output"] > 0 and r["cost_usd"] > 0
assert r["messages"][0]["role"] == "user" and r["messages"][-1]["role"] == "assistant"' "$T/logs_json.out"
fi

# --- ailib chat: a line per turn, one conversation ----------------------------------------------------
n0=$(lines "$LOG")
runin chat "$(printf 'first turn\n\n!multi\nline a\nline b\n!end\nexit\nnever sent\n')" chat -m openai/gpt-4o-mini $O
check "chat from a pipe: exit 0" rc_is 0
check "chat: the first answer" has "$T/chat.out" "^$HELLO first turn$"
check "chat: a !multi turn" has "$T/chat.out" "^line b$"
check "chat: exit ends it" hasnt "$T/chat.out" "never sent"
last chat
check "chat: the second turn carries the first" has "$T/chat.body" "$HELLO first turn"
check "chat: two turns logged" [ "$(lines "$LOG")" = "$((n0 + 2))" ]
check "chat: one conversation" [ "$(tail -2 "$LOG" | sed 's/.*"cid":"\([0-9a-f]*\)".*/\1/' | sort -u | wc -l | tr -d ' ')" = 1 ]
runin chatc "$(printf 'once more\n')" chat -c $O
last chatc
check "chat -c: continues the chat" has "$T/chatc.body" 'line a\\nline b'
run chatbad chat --json
check "chat --json: exit 2" rc_is 2

# --- attachments ---------------------------------------------------------------------------------------
printf '\211PNG\r\n\032\nIHDRxx' > "$T/pic.png"
printf 'line one\nline two\n' > "$T/notes.txt"
printf 'RIFF\044\000\000\000WAVEfmt ' > "$T/sound.wav"
printf '\000\001\002\003\377\376binary' > "$T/blob.bin"
run img -m openai/gpt-4o-mini $O -a "$T/pic.png" "What is in it?"
check "-a image: exit 0" rc_is 0
check "-a image: the model sees it" same "$T/img.out" "I see 1 image: image/png (14 bytes). $HELLO What is in it?"
run txt -m openai/gpt-4o-mini $O -a "$T/notes.txt" "Summarize"
last txt
check "-a text: the file as text" has "$T/txt.body" '<file name=\\"'
check "-a text: its lines" has "$T/txt.body" 'line one\\nline two'
run url -m anthropic/claude-haiku-5-5 $O -a https://example.com/cat.jpg "Cat?"
check "-a URL: an image by URL" same "$T/url.out" "I see 1 image: https://example.com/cat.jpg. $HELLO Cat?"
run wav -m openai/gpt-4o-audio-preview $O -a "$T/sound.wav" "Transcribe"   # a model the catalog does not deny audio
last wav
check "-a audio: sent as input_audio wav" has "$T/wav.body" '"format":"wav"'
run wav_no -m openai/gpt-4o-mini $O -a "$T/sound.wav" "Transcribe"
check "-a audio to a model without audio: refused" rc_is 3
check "-a audio to a model without audio: says so" has "$T/wav_no.err" "does not take audio"
run bin -m openai/gpt-4o-mini $O -a "$T/blob.bin" "?"
check "-a binary: exit 2" rc_is 2
check "-a binary: says what can go" has "$T/bin.err" "images, audio and text files only"
run at -m openai/gpt-4o-mini $O --at "$T/blob.bin" image/png "?"
check "--at FILE TYPE: sent as that type" has "$T/at.out" "I see 1 image: image/png"

# --- --schema, --no-stream, -x, -o, --json ------------------------------------------------------------
run schema -m openai/gpt-4o-mini $O --schema 'name, age int, score float: 0 to 1'
check "--schema without a prompt: exit 2" rc_is 2
run schema -m openai/gpt-4o-mini $O --schema 'name, age int, score float: 0 to 1' "Describe Ann"
check "--schema short form: exit 0" rc_is 0
check "--schema: an integer field" has "$T/schema.out" '"age": 42'
last schema
check "--schema: sent as json_schema" has "$T/schema.body" '"json_schema"'
printf '{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}' > "$T/schema.json"
run schema_file -m anthropic/claude-haiku-5-5 $O --schema "$T/schema.json" "Where?"
check "--schema FILE: the value" has "$T/schema_file.out" '"city": "example"'
run schema_bad -m openai/gpt-4o-mini $O --schema '{broken' "x"
check "--schema not JSON: exit 2" rc_is 2
run nostream -m openai/gpt-4o-mini $O --no-stream "whole"
check "--no-stream: the answer" same "$T/nostream.out" "$HELLO whole"
last nostream
check "--no-stream: not streamed" hasnt "$T/nostream.body" '"stream":true'
run extract -m openai/gpt-4o-mini $O -x "$(printf 'Here:\n```c\nint x = 1;\n```\ndone')"
check "-x: the fenced block alone" same "$T/extract.out" "int x = 1;"
run oopts -m openai/gpt-4o-mini $O -o temperature=0.1 -o seed=7 -o stop=END -o top_p=0.5 "opts"
last oopts
check "-o temperature" has "$T/oopts.body" '"temperature":0.1'
check "-o seed" has "$T/oopts.body" '"seed":7'
check "-o stop" has "$T/oopts.body" '"stop":\["END"\]'
check "-o top_p" has "$T/oopts.body" '"top_p":0.5'
run obad -m openai/gpt-4o-mini $O -o bogus=1 "x"
check "-o unknown key: exit 2" rc_is 2
check "-o unknown key: the list" has "$T/obad.err" "temperature, top_p"
run obadv -m openai/gpt-4o-mini $O -o seed=abc "x"
check "-o bad value: exit 2" rc_is 2
run json -m openai/gpt-4o-mini $O --json "as json"
check "--json: exit 0" rc_is 0
check "--json: the text field" has "$T/json.out" "\"text\": \"$HELLO as json\""
check "--json: usage" has "$T/json.out" '"input": [0-9]'

# --- messages a shell user acts on ------------------------------------------------------------------------
run e401 -m openai/gpt-4o-mini --base-url "$BASE/x/status=401/v1" "x"
check "401: exit 1" rc_is 1
check "401: names the key variable" has "$T/e401.err" "check the key in OPENAI_API_KEY"
run e404 -m openai/gpt-4o-mini --base-url "$BASE/x/status=404/v1" "x"
check "404: exit 1" rc_is 1
check "404: suggests ailib models" has "$T/e404.err" '`ailib models openai`'
run ejson -m anthropic/claude-haiku-5-5 --json --base-url "$BASE/x/status=401/v1" "x"
check "--json error: exit 1" rc_is 1
check "--json error: an error object" has "$T/ejson.out" '"code": "AILIB_AUTH"'
check "--json error: the status" has "$T/ejson.out" '"http_status": 401'
check "--json error: the hint" has "$T/ejson.out" 'ANTHROPIC_API_KEY'
if have_py; then
  check "--json error: the fields" python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["error"]
assert set(e) == {"code","message","hint","exit_code","http_status","provider_type","provider_code","provider_message","request_id","retryable","retry_after_ms"}
assert e["exit_code"] == 1 and e["retryable"] is False and e["request_id"]' "$T/ejson.out"
fi
run retry -m openai/gpt-4o-mini --base-url "$BASE/x/status=429,retry_after=3,times=1/v1" "patience"
check "retry after 3 s: exit 0" rc_is 0
check "retry after 3 s: a line on stderr" has "$T/retry.err" "openai rate limited, retrying in 3 s (retry 1 of 2)"
check "retry after 3 s: then the answer" same "$T/retry.out" "$HELLO patience"
run retry_short -m openai/gpt-4o-mini --base-url "$BASE/x/status=429,retry_after=1,times=1/v1" "quick"
check "retry after 1 s: exit 0" rc_is 0
check "retry after 1 s: quiet" hasnt "$T/retry_short.err" "retrying"
run typo_model -m openai/gpt-4o-mni $O "typo"
check "unknown model: sent anyway" rc_is 0
check "unknown model: a warning with the nearest" has "$T/typo_model.err" "warning: model 'gpt-4o-mni' is not in the catalog of openai (nearest: gpt-4o-mini"
run bare_typo -m gpt-4o-mni $O "typo"
check "bare unknown model: exit 3" rc_is 3
check "bare unknown model: the nearest" has "$T/bare_typo.err" "openai/gpt-4o-mini"
run badprov -m opnai/gpt-4o-mini $O "x"
check "unknown provider: exit 3" rc_is 3
check "unknown provider: the nearest" has "$T/badprov.err" "did you mean 'openai'"
before=$(total)
run noreason -m openai/gpt-4o-mini --reasoning high $O "think"
check "reasoning on a model that cannot: exit 3" rc_is 3
check "reasoning on a model that cannot: says so" has "$T/noreason.err" "cannot reason"
run budget -m anthropic/claude-haiku-5-5 --max-tokens 2000 -o budget=1999 $O "think"
check "a budget with no room: exit 2" rc_is 2
check "a budget with no room: the numbers" has "$T/budget.err" "leaves 1 token for the answer"
check "refusals send nothing" [ "$(total)" = "$before" ]
rc=0; env -u OPENAI_API_KEY "$AILIB" -m openai/gpt-4o-mini x < /dev/null > "$T/nokey.out" 2> "$T/nokey.err" || rc=$?
check "no key: exit 3" rc_is 3
check "no key: names the variable" has "$T/nokey.err" "OPENAI_API_KEY"

# --- tools --------------------------------------------------------------------------------------------------
cat > "$T/tools.json" <<EOF
[{"name": "get_weather", "description": "Weather of a city",
  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
  "command": "cat > '$T/tool.args'; echo '{\"temp_c\": 18}'"}]
EOF
cat > "$T/tools_print.json" <<EOF
{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
EOF
run tool -m openai/gpt-4o-mini --base-url "$BASE/x/scenario=tool/v1" -T "$T/tools.json" "Weather in Paris?"
check "-T with a command: exit 0" rc_is 0
check "-T with a command: the arguments on its stdin" same "$T/tool.args" '{"city":"Paris"}'
check "-T with a command: the answer uses the result" same "$T/tool.out" 'The tool said: {"temp_c":18}'
check "-T with a command: the call on stderr" has "$T/tool.err" 'tool call: get_weather {"city":"Paris"}'
check "-T with a command: the result on stderr" has "$T/tool.err" 'tool result: get_weather'
GEMINI_API_KEY=g run toolg -m gemini/gemini-2.5-flash --base-url "$BASE/x/scenario=tool/v1beta" -T "$T/tools.json" "Weather in Paris?"
check "-T on Gemini: exit 0" rc_is 0
check "-T on Gemini: the answer uses the result" has "$T/toolg.out" 'The tool said:.*18'
run toolp -m openai/gpt-4o-mini --base-url "$BASE/x/scenario=tool/v1" -T "$T/tools_print.json" "Weather in Paris?"
check "-T without a command: exit 0" rc_is 0
check "-T without a command: a streamed call is printed" same "$T/toolp.out" 'tool call: get_weather {"city":"Paris"}'
run toolp2 -m anthropic/claude-haiku-5-5 --base-url "$BASE/x/scenario=tool/v1" -T "$T/tools_print.json" --no-stream "Weather in Paris?"
check "-T without a command, --no-stream: printed" has "$T/toolp2.out" 'tool call: get_weather {"city":"Paris"}'
run chain -m openai/gpt-4o-mini --base-url "$BASE/x/scenario=tool/v1" -T "$T/tools.json" --chain-limit 1 "Weather in Paris?"
check "--chain-limit 1: stops" has "$T/chain.err" "stopped after 1 model calls"

# --- ailib embed ----------------------------------------------------------------------------------------------
run emb embed -m openai --base-url "$BASE/v1" "hello world"
check "embed: exit 0" rc_is 0
check "embed: one JSON array of 16 floats" [ "$(tr -cd ',' < "$T/emb.out" | wc -c | tr -d ' ')" = 15 ]
check "embed: one line" [ "$(lines "$T/emb.out")" = 1 ]
last emb
check "embed: the catalog embedding model" has "$T/emb.body" '"model":"text-embedding-3-small"'
runin emb_lines "$(printf 'one\ntwo\nthree\n')" embed -m openai/text-embedding-3-small --base-url "$BASE/v1" --lines
check "embed --lines: one vector per line" [ "$(lines "$T/emb_lines.out")" = 3 ]
run emb_dims embed -m openai --dimensions 8 --base-url "$BASE/v1" "short"
check "embed --dimensions 8" [ "$(tr -cd ',' < "$T/emb_dims.out" | wc -c | tr -d ' ')" = 7 ]
run emb_json embed -m openai --json --base-url "$BASE/v1" "hi"
if have_py; then
  check "embed --json: model, usage, vectors" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["model"] == "text-embedding-3-small" and d["usage"]["input"] > 0 and len(d["embeddings"]) == 1 and len(d["embeddings"][0]) == 16' "$T/emb_json.out"
fi

# --- ailib check ------------------------------------------------------------------------------------------------
rc=0
env OPENAI_BASE_URL="$BASE/v1" GEMINI_API_KEY=g GEMINI_BASE_URL="$BASE/v1beta" ANTHROPIC_BASE_URL="$BASE/x/status=401/v1" \
  $TO "$AILIB" check openai anthropic gemini < /dev/null > "$T/check.out" 2> "$T/check.err" || rc=$?
check "check: exit 1 when one fails" rc_is 1
check "check: the header" has "$T/check.out" '^PROVIDER  *MODEL  *RESULT  *LATENCY  *DETAIL'
check "check: openai OK with a latency" has "$T/check.out" '^openai  .* OK  *[0-9][0-9]* ms'
check "check: gemini OK" has "$T/check.out" '^gemini  .* OK '
check "check: anthropic failed, naming the key" has "$T/check.out" '^anthropic .*FAILED.*ANTHROPIC_API_KEY'
last check_req
check "check: a one-token call" has "$T/check_req.body" '"maxOutputTokens":1\|"max_tokens":1\|"max_completion_tokens":1'
rc=0
env -u ANTHROPIC_API_KEY OPENAI_BASE_URL="$BASE/v1" $TO "$AILIB" check openai --json < /dev/null > "$T/check_json.out" 2> "$T/check_json.err" || rc=$?
check "check --json: exit 0" rc_is 0
check "check --json: ok" has "$T/check_json.out" '"ok":true'
rc=0
env -u ANTHROPIC_API_KEY -u OPENAI_API_KEY $TO "$AILIB" check < /dev/null > "$T/check_none.out" 2> "$T/check_none.err" || rc=$?
check "check with no key: exit 3" rc_is 3

# --- the configuration file ---------------------------------------------------------------------------------------
mkdir -p "$T/config/ailib"
cat > "$T/config/ailib/config" <<EOF
# defaults for the tests
model = openai/gpt-4o-mini
system = Answer in one line.
[aliases]
claude = anthropic/claude-haiku-5-5
[options]
seed = 11
EOF
run cfg_default $O "configured"
check "config: the default model" rc_is 0
last cfg_default
check "config: the default model's protocol" has "$T/cfg_default.req" '"path":"/v1/chat/completions"'
check "config: the default system prompt" has "$T/cfg_default.body" "Answer in one line."
check "config: [options] apply" has "$T/cfg_default.body" '"seed":11'
run cfg_cli -o seed=12 -s "Other." $O "override"
last cfg_cli
check "config: options win over it" has "$T/cfg_cli.body" '"seed":12'
check "config: -s wins over it" has "$T/cfg_cli.body" "Other."
run cfg_alias -m claude $O "via alias"
last cfg_alias
check "config: an alias" has "$T/cfg_alias.req" '"path":"/v1/messages"'
rc=0
AILIB_MODEL=anthropic/claude-haiku-5-5 $TO "$AILIB" $O "env wins" < /dev/null > "$T/cfg_env.out" 2> "$T/cfg_env.err" || rc=$?
last cfg_env
check "config: \$AILIB_MODEL wins over it" has "$T/cfg_env.req" '"path":"/v1/messages"'
run aliases aliases
check "aliases: listed" has "$T/aliases.out" "claude  *anthropic/claude-haiku-5-5"
run cfgpath config path
check "config path: XDG_CONFIG_HOME" same "$T/cfgpath.out" "$T/config/ailib/config"
printf 'model = openai/gpt-4o-mini\nmodle = x\n' > "$T/other.conf"
rc=0
AILIB_CONFIG="$T/other.conf" $TO "$AILIB" config < /dev/null > "$T/cfg_bad.out" 2> "$T/cfg_bad.err" || rc=$?
check "AILIB_CONFIG: read instead" has "$T/cfg_bad.err" "other.conf:2"
check "config: an unknown setting is exit 2" rc_is 2
check "config: the nearest setting" has "$T/cfg_bad.err" "did you mean 'model'"
printf 'log = off\n' > "$T/quiet.conf"
n0=$(lines "$LOG")
rc=0
AILIB_CONFIG="$T/quiet.conf" $TO "$AILIB" -m gpt-4o-mini $O "unlogged" < /dev/null > /dev/null 2>&1 || rc=$?
check "config log = off: not logged" [ "$(lines "$LOG")" = "$n0" ]
AILIB_CONFIG="$T/quiet.conf" $TO "$AILIB" -m gpt-4o-mini --log $O "logged" < /dev/null > /dev/null 2>&1
check "--log: logged anyway" [ "$(lines "$LOG")" = "$((n0 + 1))" ]
rm -f "$T/config/ailib/config"

# --- the terminal: one Ctrl-D ends a typed prompt; Ctrl-C cancels (tmux drives a real pty) ------------------------
if ! command -v tmux >/dev/null 2>&1; then
  bad "tmux is needed for the terminal checks (make deps installs it)"
else
  # tty NAME COMMAND: runs COMMAND in a detached tmux pane, its status into $T/NAME.rc
  tty_start() {
    rm -f "$T/$1.rc" "$T/$1.out" "$T/$1.err"
    tmux -L "$TMUX_SOCK" new-session -d -s "$1" -x 200 -y 50 \
      "cd '$(pwd)' && env XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' HOME='$HOME' OPENAI_API_KEY=k $2 > '$T/$1.out' 2> '$T/$1.err'; echo \$? > '$T/$1.rc'"
  }
  # wait_for FILE PATTERN: up to 10 s for PATTERN in FILE
  wait_for() { k=0; while ! grep -q -- "$2" "$1" 2>/dev/null; do k=$((k + 1)); [ "$k" -gt 100 ] && return 1; sleep 0.1; done; }
  wait_rc() { wait_for "$T/$1.rc" '[0-9]'; }

  tty_start ctrld "'$AILIB' -m openai/gpt-4o-mini $O"
  wait_for "$T/ctrld.err" "end it with Ctrl-D"
  tmux -L "$TMUX_SOCK" send-keys -t ctrld "first line" Enter "second line" C-d
  check "tty: one Ctrl-D after text ends the prompt" wait_rc ctrld
  check "tty: exit 0" same "$T/ctrld.rc" 0
  check "tty: the typed lines are the prompt" has "$T/ctrld.out" "$HELLO first line"
  check "tty: the second line too" has "$T/ctrld.out" "^second line$"

  tty_start ctrld2 "'$AILIB' -m openai/gpt-4o-mini $O"
  wait_for "$T/ctrld2.err" "end it with Ctrl-D"
  tmux -L "$TMUX_SOCK" send-keys -t ctrld2 "whole line" Enter C-d
  check "tty: one Ctrl-D at the start of a line ends it" wait_rc ctrld2
  check "tty: the line is the prompt" same "$T/ctrld2.out" "$HELLO whole line"

  tty_start ctrlc "'$AILIB' -m openai/gpt-4o-mini --base-url $BASE/x/chunk_delay_ms=300/v1 one two three four five six seven eight nine ten"
  wait_for "$T/ctrlc.out" "Hello"
  tmux -L "$TMUX_SOCK" send-keys -t ctrlc C-c
  check "tty: Ctrl-C mid-stream ends the call" wait_rc ctrlc
  check "tty: Ctrl-C: exit 130" same "$T/ctrlc.rc" 130
  check "tty: Ctrl-C: says interrupted" has "$T/ctrlc.err" "interrupted"
  check "tty: Ctrl-C: the text so far stays" has "$T/ctrlc.out" "^Hello"
  check "tty: Ctrl-C: not all of it" hasnt "$T/ctrlc.out" "ten"

  # chat at a terminal: Ctrl-C cancels an answer and the chat goes on; Ctrl-D ends it
  tty_start chattty "'$AILIB' chat -m openai/gpt-4o-mini --base-url $BASE/x/chunk_delay_ms=200/v1"
  wait_for "$T/chattty.err" "Ctrl-D or exit ends"
  tmux -L "$TMUX_SOCK" send-keys -t chattty "one two three four five six seven eight" Enter
  wait_for "$T/chattty.out" "Hello"
  tmux -L "$TMUX_SOCK" send-keys -t chattty C-c
  wait_for "$T/chattty.err" "interrupted"
  tmux -L "$TMUX_SOCK" send-keys -t chattty "short" Enter
  check "tty chat: after Ctrl-C the chat goes on" wait_for "$T/chattty.out" "You said: short"
  tmux -L "$TMUX_SOCK" send-keys -t chattty C-d
  check "tty chat: Ctrl-D ends it" wait_rc chattty
  check "tty chat: exit 0" same "$T/chattty.rc" 0
  check "tty chat: the cancelled turn is not answered" hasnt "$T/chattty.out" "eight"

  tty_start ctrlc2 "'$AILIB' -m openai/gpt-4o-mini $O"
  wait_for "$T/ctrlc2.err" "end it with Ctrl-D"
  tmux -L "$TMUX_SOCK" send-keys -t ctrlc2 "half a prompt"
  sleep 0.2
  tmux -L "$TMUX_SOCK" send-keys -t ctrlc2 C-c
  check "tty: Ctrl-C while typing ends" wait_rc ctrlc2
  check "tty: Ctrl-C while typing: exit 130" same "$T/ctrlc2.rc" 130
  check "tty: Ctrl-C while typing: nothing sent" [ ! -s "$T/ctrlc2.out" ]
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

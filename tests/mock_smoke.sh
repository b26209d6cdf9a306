#!/bin/sh
# mock_smoke.sh - drives a real ailib-mock over loopback with curl and checks every protocol,
# scenario, fault key, replay kind, the /_mock/ endpoints, 64 concurrent keep-alive clients and
# a clean SIGTERM exit. Ends with "N passed, N failed".
#
#   sh tests/mock_smoke.sh [path/to/ailib-mock]       (default: build/ailib-mock, built if missing)
#   MOCK_VALGRIND=1 sh tests/mock_smoke.sh             the server runs under valgrind; any error or
#                                                      leak fails the run
# Needs curl; python3, when present, also checks that every JSON body and SSE payload parses.
set -u
MOCK=${1:-build/ailib-mock}
FIX=${AILIB_FIXTURES:-../shared/fixtures}
T=$(mktemp -d "${TMPDIR:-/tmp}/mock_smoke.XXXXXX")
pass=0
fail=0
PID=

if [ ! -x "$MOCK" ]; then
  mkdir -p "$(dirname "$MOCK")"
  ${CC:-cc} -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror -O2 tools/ailib-mock.c -o "$MOCK" -lpthread || exit 1
fi

cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; }
# check NAME COMMAND...: passes when the command succeeds
check() { name=$1; shift; if "$@" >/dev/null 2>&1; then ok; else bad "$name"; fi; }
has() { grep -q -- "$2" "$1"; }
hasnt() { ! grep -q -- "$2" "$1"; }
lastline() { [ "$(grep -v '^\r*$' "$1" | tail -n 1 | tr -d '\r')" = "$2" ]; }
same() { cmp -s "$1" "$2"; }
size_is() { [ "$(wc -c < "$1" | tr -d ' ')" = "$2" ]; }
have_py() { command -v python3 >/dev/null 2>&1; }

# json FILE: the file is one JSON document (skipped without python3)
json() { ! have_py || python3 -c 'import json,sys; json.load(open(sys.argv[1], "rb"))' "$1"; }
# sse FILE: every data: payload but [DONE] is JSON; ndjson FILE: every line is JSON
sse() {
  ! have_py || python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n").split(b"\n"):
    if line.startswith(b"data: ") and line != b"data: [DONE]":
        json.loads(line[6:]); n += 1
sys.exit(0 if n else 1)' "$1"
}
ndjson() {
  ! have_py || python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1], "rb").read().split(b"\n") if l]
[json.loads(l) for l in lines]
sys.exit(0 if lines else 1)' "$1"
}

# post NAME PATH BODY [curl options...]: body to $T/NAME, headers to $T/NAME.h, curl exit to $T/NAME.rc
post() {
  name=$1 path=$2 body=$3; shift 3
  curl -sN -D "$T/$name.h" -o "$T/$name" "$@" -H 'Content-Type: application/json' --data-binary "$body" "$BASE$path"
  echo $? > "$T/$name.rc"
}
get() {
  name=$1 path=$2; shift 2
  curl -sN -D "$T/$name.h" -o "$T/$name" "$@" "$BASE$path"
  echo $? > "$T/$name.rc"
}
status_is() { head -n 1 "$T/$1.h" | grep -q " $2 "; }
rc_is() { [ "$(cat "$T/$1.rc")" = "$2" ]; }

start() {
  rm -f "$T/port"
  if [ "${MOCK_VALGRIND:-0}" = 1 ]; then
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
      "$MOCK" --port-file "$T/port" --fixtures "$FIX" --quiet > "$T/stdout" 2> "$T/stderr" &
  else
    "$MOCK" --port-file "$T/port" --fixtures "$FIX" --quiet > "$T/stdout" 2> "$T/stderr" &
  fi
  PID=$!
  i=0
  while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$T/port" ] || { echo "ailib-mock did not start"; cat "$T/stderr"; exit 1; }
  BASE="http://127.0.0.1:$(cat "$T/port")"
}

echo "== ailib-mock smoke test ($MOCK)"
start
check "stdout announces the port" grep -q "^ailib-mock listening on $BASE\$" "$T/stdout"
U='{"model":"m1","messages":[{"role":"user","content":"hi there"}]'
GU='{"contents":[{"role":"user","parts":[{"text":"hi there"}]}]'
HELLO='Hello from ailib-mock. You said: hi there'

# --- admin -------------------------------------------------------------------------------------
get health /_mock/health
check "health" has "$T/health" '^ok$'
curl -s -X POST "$BASE/_mock/reset" > /dev/null

# --- unary replies, every protocol -------------------------------------------------------------
post oa /v1/chat/completions "$U}"
check "openai unary text" has "$T/oa" "\"content\":\"$HELLO\""
check "openai unary json" json "$T/oa"
check "openai unary usage" has "$T/oa" '"completion_tokens":7'
check "request id header" grep -qi '^x-request-id: req_' "$T/oa.h"
check "content-length" grep -qi '^content-length:' "$T/oa.h"
post oa2 /openai/v1/chat/completions "$U}"
check "any prefix before chat/completions" has "$T/oa2" "$HELLO"
post an /v1/messages "$U}"
check "anthropic unary" has "$T/an" "\"text\":\"$HELLO\""
check "anthropic end_turn" has "$T/an" '"stop_reason":"end_turn"'
check "anthropic request-id header" grep -qi '^request-id: req_' "$T/an.h"
post gm '/v1beta/models/gemini-x:generateContent' "$GU}"
check "gemini unary" has "$T/gm" "\"text\":\"$HELLO\""
check "gemini model from path" has "$T/gm" '"modelVersion":"gemini-x"'
post ol /api/chat "$U,\"stream\":false}"
check "ollama unary" has "$T/ol" '"done":true'
check "ollama unary json" json "$T/ol"
post co /v2/chat "$U}"
check "cohere unary" has "$T/co" '"finish_reason":"COMPLETE"'
check "cohere unary json" json "$T/co"
post esc /v1/chat/completions '{"messages":[{"role":"user","content":"q \"x\" \\n \u00e9 \ud83d\ude00"}]}'
check "escaping keeps JSON valid" json "$T/esc"
post none /v1/chat/completions '{}'
check "fallback text" has "$T/none" 'You said: nothing'

# --- streams, every protocol -------------------------------------------------------------------
post oas /v1/chat/completions "$U,\"stream\":true,\"stream_options\":{\"include_usage\":true}}"
check "openai stream chunked" grep -qi '^transfer-encoding: chunked' "$T/oas.h"
check "openai stream [DONE]" lastline "$T/oas" 'data: [DONE]'
check "openai stream usage chunk" has "$T/oas" '"choices":\[\],"usage":{"prompt_tokens"'
check "openai stream word delta" has "$T/oas" '"delta":{"content":" ailib-mock."}'
check "openai stream payloads" sse "$T/oas"
post ans /v1/messages "$U,\"stream\":true}"
check "anthropic stream event lines" has "$T/ans" '^event: content_block_delta'
check "anthropic stream message_stop" lastline "$T/ans" 'data: {"type":"message_stop"}'
check "anthropic stream payloads" sse "$T/ans"
post gms '/v1beta/models/g:streamGenerateContent?alt=sse' "$GU}"
check "gemini stream CRLF" has "$T/gms" "$(printf '\r')"
check "gemini stream no [DONE]" hasnt "$T/gms" 'DONE'
check "gemini stream finish" has "$T/gms" '"finishReason":"STOP"'
check "gemini stream payloads" sse "$T/gms"
post ols /api/chat "$U}"
check "ollama stream ndjson" grep -qi '^content-type: application/x-ndjson' "$T/ols.h"
check "ollama stream lines" ndjson "$T/ols"
check "ollama stream done" has "$T/ols" '"done":true,"done_reason":"stop"'
post cos /v2/chat "$U,\"stream\":true}"
check "cohere stream message-end" has "$T/cos" '^event: message-end'
check "cohere stream payloads" sse "$T/cos"

# --- scenarios -----------------------------------------------------------------------------------
TOOLS='"tools":[{"type":"function","function":{"name":"get_capital","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]'
post t1 /x/scenario=tool/v1/chat/completions "$U,$TOOLS,\"stream\":true}"
check "openai tool name" has "$T/t1" '"name":"get_capital","arguments":""'
check "openai tool fragments" has "$T/t1" '"arguments":"Par"'
check "openai tool finish" has "$T/t1" '"finish_reason":"tool_calls"'
post t2 /x/scenario=tool/v1/messages "$U,\"tools\":[{\"name\":\"lookup\",\"input_schema\":{}}],\"stream\":true}"
check "anthropic tool_use" has "$T/t2" '"type":"tool_use","id":"toolu_mock'
check "anthropic input_json_delta" has "$T/t2" 'input_json_delta'
check "anthropic tool stop" has "$T/t2" '"stop_reason":"tool_use"'
post t3 '/x/scenario=tool/v1beta/models/g:generateContent' "$GU,\"tools\":[{\"functionDeclarations\":[{\"name\":\"w\"}]}]}"
check "gemini functionCall" has "$T/t3" '"functionCall":{"name":"w","args":{}}'
post t4 /x/scenario=tool/api/chat "$U,$TOOLS,\"stream\":false}"
check "ollama tool_calls" has "$T/t4" '"arguments":{"city":"Paris"}'
post t5 /x/scenario=tool/v2/chat "$U,$TOOLS,\"stream\":true}"
check "cohere tool-call-start" has "$T/t5" '^event: tool-call-start'
post t6 /x/scenario=tool/v1/chat/completions '{"messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"c","content":"18C"}]}'
check "tool loop closes (openai)" has "$T/t6" '"content":"The tool said: 18C"'
post t7 /x/scenario=tool/v1/messages '{"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"18C"}]}]}'
check "tool loop closes (anthropic)" has "$T/t7" 'The tool said: 18C'
post t8 '/x/scenario=tool/v1beta/models/g:generateContent' '{"contents":[{"role":"user","parts":[{"functionResponse":{"name":"w","response":{"result":"18C"}}}]}]}'
check "tool loop closes (gemini)" has "$T/t8" 'The tool said: 18C'
post r1 /x/scenario=reasoning/v1/chat/completions "$U,\"stream\":true}"
check "openai reasoning_content" has "$T/r1" '"reasoning_content":"Let"'
post r2 /x/scenario=reasoning/v1/messages "$U,\"stream\":true}"
check "anthropic thinking + signature" has "$T/r2" 'signature_delta'
post r3 '/x/scenario=reasoning/v1beta/models/g:generateContent' "$GU}"
check "gemini thought part" has "$T/r3" '"thought":true'
post r4 /x/scenario=reasoning/api/chat "$U,\"stream\":false}"
check "ollama thinking" has "$T/r4" '"thinking":"Let me think'
post r5 /x/scenario=reasoning/v2/chat "$U,\"stream\":true}"
check "cohere thinking block" has "$T/r5" '"type":"thinking"'

# --- embeddings and models -----------------------------------------------------------------------
post e1 /v1/embeddings '{"model":"e","input":["a","b"],"dimensions":4}'
check "openai embeddings" has "$T/e1" '"index":1,"embedding":\['
check "openai embeddings json" json "$T/e1"
post e2 '/v1beta/models/e:batchEmbedContents' '{"requests":[{"content":{"parts":[{"text":"a"}]}}]}'
check "gemini batch embeddings" has "$T/e2" '{"embeddings":\[{"values":\['
post e3 /api/embed '{"model":"m","input":"a"}'
check "ollama embed" has "$T/e3" '"embeddings":\[\['
post e4 /v2/embed '{"texts":["a"],"embedding_types":["float"]}'
check "cohere embed" has "$T/e4" '"embeddings":{"float":\[\['
get m1 /v1/models
check "openai models" has "$T/m1" '"object":"list"'
get m2 /v1beta/models
check "gemini models" has "$T/m2" '"models":\[{"name":"models/'
get m3 /api/tags
check "ollama tags" has "$T/m3" '"models":\[{"name":"mock-model:latest"'

# --- faults ----------------------------------------------------------------------------------------
post f1 /x/status=429,retry_after=2/v1/chat/completions '{}'
check "status 429" status_is f1 429
check "openai 429 code" has "$T/f1" '"code":"rate_limit_exceeded"'
check "retry-after header" grep -qi '^retry-after: 2' "$T/f1.h"
post f2 /x/status=529/v1/messages '{}'
check "anthropic 529" has "$T/f2" '"type":"overloaded_error"'
post f3 '/x/status=429,retry_after_ms=1500/v1beta/models/g:generateContent' '{}'
check "gemini 429 RetryInfo" has "$T/f3" '"retryDelay":"1.500s"'
check "retry-after-ms header" grep -qi '^retry-after-ms: 1500' "$T/f3.h"
post f4 /x/status=404/api/chat '{}'
check "ollama error shape" has "$T/f4" '^{"error":"'
post f5 /x/status=500,body=%7B%22x%22%3A1%7D,header=X-Test:%20a%2Cb/v1/chat/completions '{}'
check "body= verbatim" has "$T/f5" '^{"x":1}$'
check "header= added" grep -qi '^X-Test: a,b' "$T/f5.h"
for i in 1 2 3; do post "tm$i" /x/status=503,times=2/v1/chat/completions '{}'; done
check "times=2 first fails" status_is tm1 503
check "times=2 second fails" status_is tm2 503
check "times=2 third succeeds" status_is tm3 200
get st /_mock/stats
check "stats count by spec" has "$T/st" '"status=503,times=2":3'
check "stats json" json "$T/st"
curl -s -X POST "$BASE/_mock/reset" > /dev/null
post tm4 /x/status=503,times=2/v1/chat/completions '{}'
check "reset restarts times=" status_is tm4 503
post lr /v1/chat/completions '{"probe":1}' -H 'X-Probe: yes'
get lr2 /_mock/last_request
check "last_request header" has "$T/lr2" '"x-probe":"yes"'
check "last_request body" has "$T/lr2" '"body":"{\\"probe\\":1}"'
curl -s -o /dev/null -w '%{time_starttransfer}' -d '{}' "$BASE/x/delay_ms=300/v1/chat/completions" > "$T/delay"
check "delay_ms" awk '{ exit !($1 >= 0.28) }' "$T/delay"
curl -sN -o /dev/null -w '%{time_total}' -d '{"stream":true}' "$BASE/x/chunk_delay_ms=30/v1/chat/completions" > "$T/cd"
check "chunk_delay_ms" awk '{ exit !($1 >= 0.2) }' "$T/cd"
curl -sN -o /dev/null -w '%{time_total}' -d '{"stream":true}' "$BASE/x/stall_ms=400/v1/chat/completions" > "$T/stall"
check "stall_ms" awk '{ exit !($1 >= 0.38) }' "$T/stall"
post rs /x/reset_after=100/v1/chat/completions '{"stream":true}'
check "reset_after: connection reset" rc_is rs 56
check "reset_after: 100 bytes arrived" size_is "$T/rs" 100
post bw /x/bytewise=1/v1/messages "$U,\"stream\":true}"
post nbw /v1/messages "$U,\"stream\":true}"
sed 's/mock[0-9]*/mock/g' "$T/bw" > "$T/bw.n"; sed 's/mock[0-9]*/mock/g' "$T/nbw" > "$T/nbw.n"
check "bytewise: same stream" same "$T/bw.n" "$T/nbw.n"
post cr /x/crlf=1/v1/messages "$U,\"stream\":true}"
check "crlf=1" has "$T/cr" "^event: message_start$(printf '\r')\$"
post tr /x/truncate=50/v1/chat/completions '{"stream":true}'
check "truncate stream: 50 bytes" size_is "$T/tr" 50
check "truncate stream: clean end" rc_is tr 0
post tr2 /x/truncate=20/v1/chat/completions '{}'
check "truncate unary: 20 bytes" size_is "$T/tr2" 20
post ov /x/oversize=200000/v1/chat/completions '{}'
check "oversize exact size" size_is "$T/ov" 200000
check "oversize valid json" json "$T/ov"
post ie1 /x/instream_error=1/v1/chat/completions '{"stream":true}'
check "openai instream error" lastline "$T/ie1" 'data: {"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":"server_error"}}'
post ie2 /x/instream_error=1/v1/messages '{"stream":true}'
check "anthropic instream error" has "$T/ie2" '^event: error'
check "anthropic instream: no message_stop" hasnt "$T/ie2" 'message_stop'
post ie3 /x/instream_error=groq/v1/chat/completions '{"stream":true}'
check "groq instream error" has "$T/ie3" 'tool_use_failed'
post ie4 /x/instream_error=1/api/chat '{}'
check "ollama instream error" has "$T/ie4" '^{"error":'
post ie5 '/x/instream_error=1/v1beta/models/g:streamGenerateContent?alt=sse' '{}'
check "gemini instream error" has "$T/ie5" '^data: {"error":'

# --- replay ------------------------------------------------------------------------------------------
post rp1 /x/replay=openai/chat-stream-tool-call-include-usage.sse/v1/chat/completions '{}'
check "replay .sse verbatim" same "$T/rp1" "$FIX/openai/chat-stream-tool-call-include-usage.sse"
post rp2 /x/replay=anthropic%2Fmessages-stream-tool_use-input_json_delta.sse,bytewise=1/v1/messages '{}'
check "replay .sse bytewise" same "$T/rp2" "$FIX/anthropic/messages-stream-tool_use-input_json_delta.sse"
post rp3 /x/replay=cohere/v2-chat-stream-thinking.chunks.jsonl/v2/chat '{}'
check "replay typed jsonl: event lines" has "$T/rp3" '^event: message-start'
check "replay typed jsonl: no [DONE]" hasnt "$T/rp3" 'DONE'
post rp4 /x/replay=mistral/chat-stream-tool-call-no-index.chunks.jsonl/v1/chat/completions '{}'
check "replay openai jsonl: [DONE]" lastline "$T/rp4" 'data: [DONE]'
post rp5 /x/replay=gemini/vertex-stream-functionCall-partialArgs-willContinue.chunks.jsonl/v1/m:streamGenerateContent '{}'
check "replay gemini jsonl: no [DONE]" hasnt "$T/rp5" 'DONE'
post rp6 /x/replay=ollama/native-api-chat-stream-think-tool_calls.SYNTHESIZED.ndjson/api/chat '{}'
check "replay .ndjson verbatim" same "$T/rp6" "$FIX/ollama/native-api-chat-stream-think-tool_calls.SYNTHESIZED.ndjson"
post rp7 /x/replay=openai/error-400-unsupported_parameter.json,status=400/v1/chat/completions '{}'
check "replay .json with status" status_is rp7 400
check "replay .json body" same "$T/rp7" "$FIX/openai/error-400-unsupported_parameter.json"
post rp8 /x/replay=openai/missing.sse/v1/chat/completions '{}'
check "replay missing fixture: 404" status_is rp8 404
check "replay missing fixture: message" has "$T/rp8" 'fixture not found: openai/missing.sse'
post rp9 /x/replay=deepseek/chat-stream-reasoning_content.sse,crlf=1,truncate=300/v1/chat/completions '{}'
check "replay crlf+truncate" size_is "$T/rp9" 300

# --- errors in requests -----------------------------------------------------------------------------
post bs /x/nonsense=1/v1/chat/completions '{}'
check "unknown spec key: 400" status_is bs 400
post nf /v1/nothing-here '{}'
check "unknown path: 404" status_is nf 404
get mm /v1/chat/completions
check "wrong method: 405" status_is mm 405
post te /v1/chat/completions '{}' -H 'Transfer-Encoding: gzip'
check "unsupported transfer-encoding: 501" status_is te 501
post ch /v1/chat/completions "$U}" -H 'Transfer-Encoding: chunked'
check "chunked request body" has "$T/ch" "$HELLO"
post ex /v1/chat/completions "$U}" -H 'Expect: 100-continue'
check "expect 100-continue" has "$T/ex" "$HELLO"

# --- 64 concurrent keep-alive clients ----------------------------------------------------------------
: > "$T/urls"
i=0
while [ $i -lt 640 ]; do echo "url = \"$BASE/v1/chat/completions\"" >> "$T/urls"; echo 'output = "/dev/null"' >> "$T/urls"; i=$((i + 1)); done
curl -s --no-progress-meter --parallel --parallel-max 64 -K "$T/urls" -d "$U}" -w '%{http_code}\n' > "$T/par" 2> /dev/null
check "64 parallel clients: 640 x 200" [ "$(grep -c '^200$' "$T/par")" = 640 ]

# --- clean shutdown ----------------------------------------------------------------------------------
kill -TERM "$PID"
wait "$PID"
code=$?
PID=
check "SIGTERM: clean exit (valgrind clean when MOCK_VALGRIND=1)" [ "$code" = 0 ]
[ "$code" = 0 ] || cat "$T/stderr"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]

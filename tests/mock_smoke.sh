#!/bin/sh
# mock_smoke.sh - drives a real ailib-mock over loopback with curl and checks every protocol
# (OpenAI chat and Responses, Anthropic, Gemini, Ollama, Cohere, Bedrock's binary event stream),
# scenario, fault key, replay kind, the /_mock/ endpoints, 64 concurrent keep-alive clients and
# a clean SIGTERM exit. Ends with "N passed, N failed".
#
#   sh tests/mock_smoke.sh [path/to/ailib-mock]       (default: build/ailib-mock, built if missing)
#   MOCK_VALGRIND=1 sh tests/mock_smoke.sh             the server runs under valgrind; any error or
#                                                      leak fails the run
# Needs curl; python3, when present, also checks that every JSON body and SSE payload parses and
# takes structured answers apart (grep stands in without it, or with MOCK_SMOKE_NO_PYTHON=1).
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
have_py() { [ "${MOCK_SMOKE_NO_PYTHON:-0}" != 1 ] && command -v python3 >/dev/null 2>&1; }

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

# --- structured output ---------------------------------------------------------------------------
# sj FILE KIND PYEXPR GREP: the structured answer in a reply, taken out by KIND (oa an gm ol co:
# unary text; oas ans gms: streamed text; *_tool: the tool call's arguments), parses as JSON and
# PYEXPR holds for it (v); without python3, grep finds GREP in the raw reply instead.
cat > "$T/sj.py" <<'PYEOF'
import json, sys
path, kind, expr = sys.argv[1], sys.argv[2], sys.argv[3]
raw = open(path, "rb").read().decode("utf-8")
def events():
    for line in raw.replace("\r\n", "\n").split("\n"):
        if line.startswith("data: ") and line != "data: [DONE]":
            yield json.loads(line[6:])
if kind in ("oa", "an", "gm", "ol", "co", "oa_tool", "an_tool", "gm_tool"):
    d = json.loads(raw)
if kind == "oa": text = d["choices"][0]["message"]["content"]
elif kind == "oa_tool": text = d["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
elif kind == "an": text = [b for b in d["content"] if b["type"] == "text"][0]["text"]
elif kind == "an_tool": text = json.dumps([b for b in d["content"] if b["type"] == "tool_use"][0]["input"])
elif kind == "gm": text = d["candidates"][0]["content"]["parts"][-1]["text"]
elif kind == "gm_tool": text = json.dumps(d["candidates"][0]["content"]["parts"][-1]["functionCall"]["args"])
elif kind == "ol": text = d["message"]["content"]
elif kind == "co": text = d["message"]["content"][-1]["text"]
elif kind == "oas": text = "".join(e["choices"][0]["delta"].get("content") or "" for e in events() if e.get("choices"))
elif kind == "oas_tool": text = "".join(e["choices"][0]["delta"]["tool_calls"][0]["function"].get("arguments", "") for e in events() if e.get("choices") and "tool_calls" in e["choices"][0]["delta"])
elif kind == "ans": text = "".join(e["delta"]["text"] for e in events() if e["type"] == "content_block_delta" and e["delta"]["type"] == "text_delta")
elif kind == "ans_tool": text = "".join(e["delta"]["partial_json"] for e in events() if e["type"] == "content_block_delta" and e["delta"]["type"] == "input_json_delta")
elif kind == "gms": text = "".join(p.get("text", "") for e in events() for p in e["candidates"][0]["content"]["parts"])
else: sys.exit("unknown kind " + kind)
if expr.startswith("text=="):
    sys.exit(0 if text == expr[6:] else "text is %r" % text)
v = json.loads(text)
sys.exit(0 if eval(expr, {"v": v}) else "value is %r" % (v,))
PYEOF
sj() { if have_py; then python3 "$T/sj.py" "$1" "$2" "$3"; else grep -q -- "$4" "$1"; fi; }

SCH='{"type":"object","properties":{"city":{"type":"string"},"sky":{"type":"string","enum":["sunny","rainy"]},"temp":{"type":"integer","minimum":-40},"tags":{"type":"array","items":{"type":"string"},"minItems":2},"note":{"$ref":"#/$defs/N"}},"required":["city","sky","temp","tags","note"],"$defs":{"N":{"type":["string","null"],"minLength":9}}}'
# the value SCH yields, checked whole with python3
SV='set(v) == {"city","sky","temp","tags","note"} and v["sky"] == "sunny" and v["temp"] == -40 and v["tags"] == ["example","example"] and v["note"] == "examplexx"'
GSCH='{"type":"OBJECT","properties":{"city":{"type":"STRING"},"sky":{"type":"STRING","format":"enum","enum":["sunny","rainy"]},"temp":{"type":"INTEGER","nullable":true}},"required":["city","sky","temp"]}'
GV='v == {"city":"example","sky":"sunny","temp":42}'
ANSWER='v == {"answer":"hi there"}'
post so1 /v1/chat/completions "$U,\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"w\",\"strict\":true,\"schema\":$SCH}}}"
check "openai json_schema: value from the schema" sj "$T/so1" oa "$SV" 'sky\\":\\"sunny'
check "openai json_schema: finish stop" has "$T/so1" '"finish_reason":"stop"'
post so2 /v1/chat/completions "$U,\"stream\":true,\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"w\",\"schema\":$SCH}}}"
check "openai json_schema stream" sj "$T/so2" oas "$SV" 'sky\\":\\"sunny'
check "openai json_schema stream payloads" sse "$T/so2"
post so3 /v1/chat/completions "$U,\"response_format\":{\"type\":\"json_object\"}}"
check "openai json_object: generic object" sj "$T/so3" oa "$ANSWER" '"content":"{\\"answer\\":\\"hi there\\"}"'
post so4 /v1/messages "$U,\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":$SCH}}}"
check "anthropic output_config" sj "$T/so4" an "$SV" 'sky\\":\\"sunny'
post so5 /v1/messages "$U,\"stream\":true,\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":$SCH}}}"
check "anthropic output_config stream" sj "$T/so5" ans "$SV" 'sky\\":\\"sunny'
check "anthropic output_config stream payloads" sse "$T/so5"
post so6 /v1beta/models/g:generateContent "$GU,\"generationConfig\":{\"responseMimeType\":\"application/json\",\"responseSchema\":$GSCH}}"
check "gemini responseSchema (OpenAPI, upper-case)" sj "$T/so6" gm "$GV" 'sky\\":\\"sunny'
post so7 /v1beta/models/g:generateContent "$GU,\"generationConfig\":{\"responseMimeType\":\"application/json\",\"responseJsonSchema\":$SCH}}"
check "gemini responseJsonSchema" sj "$T/so7" gm "$SV" 'sky\\":\\"sunny'
post so8 '/v1beta/models/g:streamGenerateContent?alt=sse' "$GU,\"generationConfig\":{\"responseMimeType\":\"application/json\"}}"
check "gemini JSON MIME type alone, streamed" sj "$T/so8" gms "$ANSWER" 'answer\\":\\"hi'
post so9 /api/chat "$U,\"stream\":false,\"format\":$SCH}"
check "ollama format schema" sj "$T/so9" ol "$SV" 'sky\\":\\"sunny'
post so10 /api/chat "$U,\"stream\":false,\"format\":\"json\"}"
check "ollama format json" sj "$T/so10" ol "$ANSWER" 'answer\\":\\"hi there'
post so11 /v2/chat "$U,\"response_format\":{\"type\":\"json_object\",\"json_schema\":$SCH}}"
check "cohere json_object with json_schema" sj "$T/so11" co "$SV" 'sky\\":\\"sunny'
post so12 /v2/chat "$U,\"response_format\":{\"type\":\"json_object\"}}"
check "cohere json_object alone" sj "$T/so12" co "$ANSWER" 'answer\\":\\"hi there'
# tricky schemas: anyOf with null, allOf merge, const, exclusiveMinimum, recursion, additionalProperties
TRICK='{"type":"object","properties":{"a":{"anyOf":[{"type":"null"},{"type":"integer","exclusiveMinimum":5}]},"b":{"allOf":[{"properties":{"x":{"type":"boolean"}}},{"properties":{"y":{"const":"k"}}}]},"c":{"type":"number","minimum":1.5},"d":{"type":"object","properties":{},"additionalProperties":false},"e":{"$ref":"#"},"f":{"type":"null"},"g":{"type":"string","maxLength":3}}}'
post so13 /v1/chat/completions "$U,\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"t\",\"schema\":$TRICK}}}"
check "schema keywords: anyOf allOf const minimum \$ref" sj "$T/so13" oa 'v["a"] == 6 and v["b"] == {"x": True, "y": "k"} and v["c"] == 1.5 and v["d"] == {} and v["e"]["a"] == 6 and v["f"] is None and v["g"] == "exa"' '"content":"{\\"a\\":6,\\"b\\":{\\"x\\":true,\\"y\\":\\"k\\"},\\"c\\":1.5,\\"d\\":{},\\"e\\":{\\"a\\":6'
check "schema keywords: valid JSON reply" json "$T/so13"

# forced tools: arguments from the tool's schema, in any scenario
ATOOLS="\"tools\":[{\"name\":\"other\",\"input_schema\":{\"type\":\"object\"}},{\"name\":\"report\",\"input_schema\":$SCH}],\"tool_choice\":{\"type\":\"tool\",\"name\":\"report\"}"
post ft1 /v1/messages "$U,$ATOOLS}"
check "anthropic forced tool: input from input_schema" sj "$T/ft1" an_tool "$SV" '"input":{"city":"example","sky":"sunny"'
check "anthropic forced tool: name" has "$T/ft1" '"name":"report"'
check "anthropic forced tool: stop_reason" has "$T/ft1" '"stop_reason":"tool_use"'
post ft2 /v1/messages "$U,$ATOOLS,\"stream\":true}"
check "anthropic forced tool stream" sj "$T/ft2" ans_tool "$SV" 'input_json_delta'
check "anthropic forced tool stream: name" has "$T/ft2" '"name":"report"'
OTOOLS="\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"other\",\"parameters\":{}}},{\"type\":\"function\",\"function\":{\"name\":\"report\",\"parameters\":$SCH}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"report\"}}"
post ft3 /v1/chat/completions "$U,$OTOOLS}"
check "openai forced tool: arguments from parameters" sj "$T/ft3" oa_tool "$SV" '"name":"report","arguments":"{\\"city'
check "openai forced tool: finish" has "$T/ft3" '"finish_reason":"tool_calls"'
post ft4 /x/scenario=reasoning/v1/chat/completions "$U,$OTOOLS,\"stream\":true}"
check "openai forced tool stream" sj "$T/ft4" oas_tool "$SV" '"name":"report"'
post ft5 /v1beta/models/g:generateContent "$GU,\"tools\":[{\"functionDeclarations\":[{\"name\":\"report\",\"parameters\":$GSCH}]}],\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"report\"]}}}"
check "gemini forced functionCall" sj "$T/ft5" gm_tool "$GV" '"functionCall":{"name":"report","args":{"city":"example","sky":"sunny","temp":42}}'
post ft6 /v1/messages "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"report\",\"input\":{}}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":\"18C\"}]}],$ATOOLS}"
check "forced tool with a tool result: text answer" has "$T/ft6" '"text":"The tool said: 18C"'

# the prompt route: a schema in the system text (with the JSON mode the client also sets)
PS='Be brief.\n\nAnswer with a single JSON value and nothing else (no prose, no code fences). It must validate against this JSON Schema:\n'
PSCH=$(printf '%s' "$SCH" | sed 's/"/\\"/g')
post pr1 /v1/chat/completions "{\"messages\":[{\"role\":\"system\",\"content\":\"$PS$PSCH\"},{\"role\":\"user\",\"content\":\"hi there\"}],\"response_format\":{\"type\":\"json_object\"}}"
check "prompt route (openai system message)" sj "$T/pr1" oa "$SV" 'sky\\":\\"sunny'
post pr2 /v1/messages "{\"system\":[{\"type\":\"text\",\"text\":\"$PS$PSCH\"}],\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}"
check "prompt route (anthropic system blocks)" sj "$T/pr2" an "$SV" 'sky\\":\\"sunny'
post pr3 /v1beta/models/g:generateContent "{\"systemInstruction\":{\"parts\":[{\"text\":\"$PS$PSCH\"}]},$(printf '%s' "$GU" | cut -c2-)}"
check "prompt route (gemini systemInstruction)" sj "$T/pr3" gm "$SV" 'sky\\":\\"sunny'
post pr4 /api/chat "{\"stream\":false,\"format\":\"json\",\"messages\":[{\"role\":\"developer\",\"content\":\"Answer with a single JSON value and nothing else.\"},{\"role\":\"user\",\"content\":\"hi there\"}]}"
check "prompt route without a schema: generic object" sj "$T/pr4" ol "$ANSWER" 'answer\\":\\"hi there'
post pr5 /v1/messages "{\"system\":\"Answer with a single JSON value.\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}"
check "prompt route, anthropic system string" sj "$T/pr5" an "$ANSWER" 'answer\\":\\"hi there'

# bad_json: broken until the request carries an assistant turn (the repair round)
RF="\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"w\",\"schema\":$SCH}}"
REPAIR="{\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"},{\"role\":\"assistant\",\"content\":\"Sure! {\\\"answer\\\": \"},{\"role\":\"user\",\"content\":\"That was not valid JSON. Try again.\"}],$RF}"
post bj1 /x/bad_json=syntax/v1/chat/completions "$U,$RF}"
check "bad_json=syntax: not JSON" sj "$T/bj1" oa 'text==Sure! {"answer": ' '"content":"Sure! {\\"answer\\": "'
post bj2 /x/bad_json=syntax/v1/chat/completions "$REPAIR"
check "bad_json=syntax: repair round is valid" sj "$T/bj2" oa 'v["sky"] == "sunny"' 'sky\\":\\"sunny'
post bj3 /x/bad_json=schema/v1/messages "$U,\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":$SCH}}}"
check "bad_json=schema: {}" sj "$T/bj3" an 'v == {}' '"text":"{}"'
post bj4 /x/bad_json=schema/v1/messages "{\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"},{\"role\":\"assistant\",\"content\":\"{}\"},{\"role\":\"user\",\"content\":\"Missing properties.\"}],\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":$SCH}}}"
check "bad_json=schema: repair round is valid" sj "$T/bj4" an "$SV" 'sky\\":\\"sunny'
post bj5 /x/bad_json=syntax/v1/messages "$U,$ATOOLS,\"stream\":true}"
check "bad_json=syntax: forced tool stream" sj "$T/bj5" ans_tool 'text==Sure! {"answer": ' 'partial_json":"Su'
check "bad_json=syntax: forced tool stream payloads" sse "$T/bj5"
post bj6 /x/bad_json=syntax/v1/messages "$U,$ATOOLS}"
check "bad_json=syntax: object arguments become {}" has "$T/bj6" '"input":{}}'
post bj10 /x/bad_json=schema/v1/messages "$U,$ATOOLS}"
check "bad_json=schema: forced tool input {}" has "$T/bj10" '"name":"report","input":{}}'
post bj11 /x/bad_json=schema/v1/messages "{\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"report\",\"input\":{}}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"is_error\":true,\"content\":\"Your reply could not be used.\"}]}],$ATOOLS}"
check "bad_json=schema: forced tool repair round calls it again" sj "$T/bj11" an_tool "$SV" '"input":{"city":"example","sky":"sunny"'
post bj7 '/x/bad_json=schema/v1beta/models/g:streamGenerateContent?alt=sse' "$GU,\"generationConfig\":{\"responseJsonSchema\":$SCH}}"
check "bad_json=schema: gemini stream" sj "$T/bj7" gms 'v == {}' '"text":"{}"'
post bj8 /x/bad_json=syntax/v1/chat/completions "$U}"
check "bad_json without structured output: plain text" has "$T/bj8" "\"content\":\"$HELLO\""
post bj9 /x/bad_json=maybe/v1/chat/completions "$U}"
check "bad_json=maybe: 400" status_is bj9 400

# --- vision --------------------------------------------------------------------------------------
PNG=iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==
SEE2="I see 2 images: image/png (70 bytes), https://example.com/cat.jpg. Hello from ailib-mock. You said: what is this?"
post v1 /v1/chat/completions "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,$PNG\"}},{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.jpg\",\"detail\":\"low\"}}]}]}"
check "openai vision: data URL + https URL" has "$T/v1" "\"content\":\"$SEE2\""
post v2 /v1/chat/completions "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/jpeg;base64,%%%\"}},{\"type\":\"text\",\"text\":\"hi\"}]}]}"
check "openai vision stream: invalid base64, one image" sj "$T/v2" oas 'text==I see 1 image: image/jpeg (invalid base64). Hello from ailib-mock. You said: hi' '"content":"I"'
post v3 /v1/messages "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"$PNG\"}},{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.jpg\"}},{\"type\":\"text\",\"text\":\"what is this?\"}]}]}"
check "anthropic vision: base64 + url" has "$T/v3" "\"text\":\"$SEE2\""
post v4 /v1beta/models/g:generateContent "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"what is this?\"},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"$PNG\"}},{\"fileData\":{\"mimeType\":\"image/jpeg\",\"fileUri\":\"https://example.com/cat.jpg\"}}]}]}"
check "gemini vision: inlineData + fileData" has "$T/v4" "\"text\":\"$SEE2\""
post v5 /api/chat "{\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"what is this?\",\"images\":[\"$PNG\",\"/9j/4AAQSkZJRgABAQ==\",\"R0lGODlhAQABAAAAACw=\",\"UklGRiQAAABXRUJQVlA4IA==\",\"AAAA\"]}]}"
check "ollama vision: sniffed types" has "$T/v5" '"content":"I see 5 images: image/png (70 bytes), image/jpeg (13 bytes), image/gif (14 bytes), image/webp (16 bytes), image (3 bytes). Hello'
post v6 /v2/chat "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,$PNG\"}}]}]}"
check "cohere vision" has "$T/v6" '"text":"I see 1 image: image/png (70 bytes). Hello from ailib-mock. You said: what is this?"'
post v7 /v1/chat/completions "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,$PNG\"}}]},{\"role\":\"assistant\",\"content\":\"A dot.\"},{\"role\":\"user\",\"content\":\"hi there\"}]}"
check "vision: only the last user turn" has "$T/v7" "\"content\":\"$HELLO\""

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

# --- OpenAI Responses and Bedrock Converse ---------------------------------------------------------
RU='{"model":"m1","input":[{"role":"user","content":[{"type":"input_text","text":"hi there"}]}]'
BU='{"messages":[{"role":"user","content":[{"text":"hi there"}]}]'
# frames FILE: every AWS event-stream frame has the right lengths and both CRC-32s; prints
# "event-type payload" per frame (python3), else the file must at least name its event types
frames() {
  if have_py; then python3 -c '
import json, struct, sys, zlib
d = open(sys.argv[1], "rb").read(); i = 0
while i < len(d):
    total, hl = struct.unpack(">II", d[i:i + 8])
    assert struct.unpack(">I", d[i + 8:i + 12])[0] == zlib.crc32(d[i:i + 8]), "prelude CRC"
    assert struct.unpack(">I", d[i + total - 4:i + total])[0] == zlib.crc32(d[i:i + total - 4]), "message CRC"
    h, j, hd = d[i + 12:i + 12 + hl], 0, {}
    while j < len(h):
        n = h[j]; name = h[j + 1:j + 1 + n].decode(); j += 1 + n; assert h[j] == 7; j += 1
        vl = struct.unpack(">H", h[j:j + 2])[0]; j += 2; hd[name] = h[j:j + vl].decode(); j += vl
    print(hd.get(":event-type", hd.get(":exception-type")), json.dumps(json.loads(d[i + 12 + hl:i + total - 4].decode("utf-8", "replace")), separators=(",", ":")))
    i += total' "$1" > "$1.frames"
  else grep -a -q ':event-type' "$1" && grep -a ':event-type' "$1" > "$1.frames"; fi
}
post rs1 /v1/responses "$RU}"
check "responses unary text" has "$T/rs1" "\"type\":\"output_text\",\"annotations\":\[\],\"text\":\"$HELLO\""
check "responses unary usage" has "$T/rs1" '"usage":{"input_tokens":'
check "responses unary json" json "$T/rs1"
post rs2 /v1/responses "$RU,\"stream\":true}"
check "responses stream event lines" has "$T/rs2" '^event: response.output_text.delta'
check "responses stream sequence numbers" has "$T/rs2" '"delta":"Hello","sequence_number":4}'
check "responses stream ends with response.completed" has "$T/rs2" '^event: response.completed'
check "responses stream usage in response.completed" sh -c "grep '\"type\":\"response.completed\"' '$T/rs2' | grep -q '\"output_tokens\":7'"
check "responses stream payloads" sse "$T/rs2"
post rs3 /x/scenario=tool/v1/responses "$RU,\"stream\":true,\"tools\":[{\"type\":\"function\",\"name\":\"get_capital\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{}}}}]}"
check "responses function_call item" has "$T/rs3" '"type":"function_call","status":"in_progress","call_id":"call_mock[0-9]*","name":"get_capital","arguments":""'
check "responses arguments deltas" has "$T/rs3" '"type":"response.function_call_arguments.delta".*"delta":"Par"'
post rs4 /x/scenario=reasoning/v1/responses "$RU,\"stream\":true}"
check "responses reasoning summary deltas" has "$T/rs4" 'response.reasoning_summary_text.delta'
post rs5 /x/scenario=tool/v1/responses '{"input":[{"role":"user","content":"x"},{"type":"function_call_output","call_id":"c","output":"18C"}]}'
check "responses tool loop closes" has "$T/rs5" '"text":"The tool said: 18C"'
post rs6 /x/instream_error=1/v1/responses "$RU,\"stream\":true}"
check "responses instream error event" has "$T/rs6" '^event: error'
check "responses instream: response.failed last" lastline "$T/rs6" "$(grep '^data: {"type":"response.failed"' "$T/rs6" | tail -n 1)"
post rs7 /v1/responses "$RU,\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"w\",\"schema\":$SCH}}}"
check "responses text.format json_schema" has "$T/rs7" 'sky\\":\\"sunny'
post rs8 /x/status=429/v1/responses '{}'
check "responses 429 body" has "$T/rs8" '"code":"rate_limit_exceeded"'
post br1 /model/us.amazon.nova-micro-v1%3A0/converse "$BU}"
check "bedrock unary text" has "$T/br1" "{\"text\":\"$HELLO\"}"
check "bedrock unary stopReason" has "$T/br1" '"stopReason":"end_turn"'
check "bedrock unary json" json "$T/br1"
post br2 /model/us.amazon.nova-micro-v1%3A0/converse-stream "$BU}"
check "bedrock stream content type" grep -qi '^content-type: application/vnd.amazon.eventstream' "$T/br2.h"
check "bedrock stream frames and CRCs" frames "$T/br2"
check "bedrock stream text delta" grep -a -q '"contentBlockIndex":0,"delta":{"text":"Hello"}' "$T/br2"
check "bedrock stream usage last" sh -c "tail -c 300 '$T/br2' | grep -a -q '\"usage\":{\"inputTokens\"'"
if [ -f "$FIX/bedrock/converse-stream.eventstream.bin" ]; then
  check "bedrock messageStart frame: the recording's bytes" cmp -n 143 "$T/br2" "$FIX/bedrock/converse-stream.eventstream.bin"
fi
post br3 /x/scenario=tool/model/m/converse-stream "$BU,\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"calc\",\"inputSchema\":{\"json\":{\"properties\":{\"city\":{}}}}}}]}}"
check "bedrock tool frames" frames "$T/br3"
check "bedrock contentBlockStart toolUse" grep -a -q '"toolUse":{"toolUseId":"tooluse_mock[0-9]*","name":"calc"' "$T/br3"
post br4 /x/scenario=reasoning/model/m/converse "$BU}"
check "bedrock reasoningContent" has "$T/br4" '"reasoningContent":{"reasoningText":{"text":"Let me think'
post br5 /x/status=429/model/m/converse '{}'
check "bedrock error body" has "$T/br5" '^{"message":"Rate limit reached'
check "bedrock x-amzn-ErrorType" grep -qi '^x-amzn-ErrorType: ThrottlingException:' "$T/br5.h"
post br6 /x/instream_error=1/model/m/converse-stream "$BU}"
check "bedrock exception frame" frames "$T/br6"
check "bedrock exception frame last" sh -c "tail -c 250 '$T/br6' | grep -a -q modelStreamErrorException"
post br7 /x/scenario=tool/model/m/converse "{\"messages\":[{\"role\":\"user\",\"content\":[{\"toolResult\":{\"toolUseId\":\"t\",\"content\":[{\"text\":\"18C\"}]}}]}]}"
check "bedrock tool loop closes" has "$T/br7" 'The tool said: 18C'

# --- faults added for the fault matrix ----------------------------------------------------------------
post x1 /x/reset_head=1/v1/chat/completions "$U}"
check "reset_head: reset, no header" rc_is x1 56
check "reset_head: nothing arrived" [ ! -s "$T/x1.h" ]
post x2 /x/eof_after=delta/v1/chat/completions "$U,\"stream\":true}"
check "eof_after=delta: cut without the last chunk" rc_is x2 18
check "eof_after=delta: the first delta arrived" has "$T/x2" '"content":"Hello"'
check "eof_after=delta: nothing after it" hasnt "$T/x2" '" from"'
post x3 /x/chunked=1,eof_after=40/v1/messages "$U}"
check "chunked=1: unary reply chunked" grep -qi '^transfer-encoding: chunked' "$T/x3.h"
check "chunked=1,eof_after=40: cut" rc_is x3 18
check "chunked=1,eof_after=40: 40 bytes" size_is "$T/x3" 40
post x4 /x/reset_after=delta/model/m/converse-stream "$BU}"
check "reset_after=delta: reset" rc_is x4 56
post x5 /x/upgrade=1/v1/chat/completions "$U}"
check "upgrade=1: 101" status_is x5 101
check "upgrade=1: then other bytes" has "$T/x5" 'switched protocols'
post x6 "/x/status=308,location=http:%2F%2Fother.example%2Fv1/v1/chat/completions" "$U}"
check "redirect: status" status_is x6 308
check "redirect: Location" grep -qi '^location: http://other.example/v1' "$T/x6.h"
check "redirect: HTML page" grep -qi '^content-type: text/html' "$T/x6.h"
curl -s -o /dev/null -w '%{time_starttransfer} %{time_total}\n' -d "$U}" "$BASE/x/head_delay_ms=60/v1/chat/completions" > "$T/x7"
check "head_delay_ms: status line at once, head ~7 x 60 ms" awk '{ exit !($1 < 0.2 && $2 >= 0.35) }' "$T/x7"
curl -sN -o /dev/null -w '%{time_total}' -d "$U,\"stream\":true}" "$BASE/x/stall_delta_ms=400/v1/messages" > "$T/x8"
check "stall_delta_ms" awk '{ exit !($1 >= 0.38) }' "$T/x8"
post x9 /x/body=%3Chtml%3E,ctype=text%2Fhtml/v1/chat/completions "$U}"
check "ctype=text/html" grep -qi '^content-type: text/html' "$T/x9.h"
post x10 /x/error_body=529/v1/messages "$U,\"stream\":true}"
check "error_body=529: a 200" status_is x10 200
check "error_body=529: Anthropic's overloaded_error" has "$T/x10" '"type":"overloaded_error"'
post x11 /x/status=503,retry_delay=-5s/v1beta/models/g:generateContent "$GU}"
check "retry_delay=: RetryInfo verbatim" has "$T/x11" '"retryDelay":"-5s"'
post x12 /x/header=retry-after:inf/v1/chat/completions "$U}"
check "header=retry-after:inf passes any text" grep -qi '^retry-after: inf' "$T/x12.h"
post x13 /x/bad_utf8=1/v1/chat/completions "$U}"
check "bad_utf8=1: raw 0xFF in the text" grep -a -q "\"content\":\"$(printf '\377\377\377\377\377\377')Hello" "$T/x13"
post x14 /x/bad_utf8=1/model/m/converse-stream "$BU}"
check "bad_utf8=1: Bedrock frames keep valid CRCs" frames "$T/x14"
post x15 /x/tool_flood=5/v1/chat/completions "$U,\"stream\":true}"
check "tool_flood=5: five calls" [ "$(grep -c '"tool_calls":\[{"index":' "$T/x15")" = 5 ]
check "tool_flood=5: ids differ" has "$T/x15" '"index":4,"id":"call_mock[0-9]*_4"'
check "tool_flood=5: finish and [DONE]" lastline "$T/x15" 'data: [DONE]'
post x16 /x/tool_flood=3/model/m/converse-stream "$BU}"
check "tool_flood=3 on Bedrock: frames" frames "$T/x16"
check "tool_flood=3 on Bedrock: three toolUse blocks" [ "$(grep -a -o '"start":{"toolUse"' "$T/x16" | wc -l | tr -d ' ')" = 3 ]
curl -sN -d "$U,\"stream\":true}" "$BASE/x/endless=1/v1/messages" 2> /dev/null | head -c 3000000 > "$T/x17"
check "endless=1: 3 MB and going" size_is "$T/x17" 3000000
check "endless=1: the same delta again and again" [ "$(grep -c '^event: content_block_delta' "$T/x17")" -gt 1000 ]
curl -s --compressed -D "$T/x18.h" -o "$T/x18" -d "$U}" "$BASE/x/gzip_bomb=10000000/v1/chat/completions"
check "gzip_bomb unary: Content-Encoding" grep -qi '^content-encoding: gzip' "$T/x18.h"
check "gzip_bomb unary: exactly N bytes decoded (CRC checked by curl)" size_is "$T/x18" 10000000
check "gzip_bomb unary: valid JSON" json "$T/x18"
curl -s -o "$T/x19" -d "$U}" "$BASE/x/gzip_bomb=10000000/v1/chat/completions"
check "gzip_bomb unary: small on the wire" [ "$(wc -c < "$T/x19")" -lt 120000 ]
curl -sN --compressed -o "$T/x20" -d "$U,\"stream\":true}" "$BASE/x/gzip_bomb=2000000/v1beta/models/g:streamGenerateContent?alt=sse"
check "gzip_bomb stream: decodes to valid events" sse "$T/x20"
check "gzip_bomb stream: about N bytes" [ "$(wc -c < "$T/x20")" -gt 1900000 ]
curl -sN --compressed -o "$T/x21" -d "$BU}" "$BASE/x/gzip_bomb=300000/model/m/converse-stream"
check "gzip_bomb on Bedrock: frames and CRCs" frames "$T/x21"
post x22 /x/tag=abc/v1/chat/completions "$U}"
get x23 /_mock/stats
check "tag= names a counter" has "$T/x23" '"tag=abc":1'

# --- replay ------------------------------------------------------------------------------------------
# The recorded corpus is not part of the repository: without it these checks are skipped.
if [ -d "$FIX/openai" ]; then
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
else
  echo "  skip replay checks: no fixture corpus at $FIX (set AILIB_FIXTURES)"
fi

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

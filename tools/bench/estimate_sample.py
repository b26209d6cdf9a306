#!/usr/bin/env python3
"""estimate_sample.py - builds the sample that measures ailib_estimate_tokens() against the
providers' own input-token counts.

Reads the VCR cassettes of a pydantic-ai checkout (tests/models/cassettes/test_{openai,anthropic,
google}): every recorded request whose content is text (messages, system prompt, tool
definitions, tool calls and results) paired with the input tokens the provider reported for it.
Requests with images, audio, documents, server-side tools or cached prompts are left out: their
counts are not a function of the text. Writes one JSON object per line to stdout:
  {"provider", "model", "system", "messages": [{"role", "text", "calls": [...]}], "tools": [...],
   "tokens": N, "source": "cassette#interaction"}
Usage: estimate_sample.py PYDANTIC_AI_DIR > sample.jsonl   (then build/bench_estimate sample.jsonl)
"""
import json, os, sys
import yaml

def text_of(content):
    """Text of an OpenAI/Anthropic content (str or parts); None when a part is not text."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    out = []
    for p in content:
        if not isinstance(p, dict):
            return None
        t = p.get("type")
        if t in ("text", "input_text", "output_text"):
            out.append(p.get("text", ""))
        elif t == "thinking":
            out.append(p.get("thinking", ""))
        else:
            return None
    return "".join(out)

def schema_of(req):
    """The structured-output schema a request carries, as compact JSON ("" when none)."""
    rf = req.get("response_format") or {}
    if isinstance(rf, dict) and rf.get("type") == "json_schema":
        return json.dumps((rf.get("json_schema") or {}).get("schema", {}), separators=(",", ":"))
    of = (req.get("output_config") or {}).get("format") or {}
    if of.get("type") == "json_schema":
        return json.dumps(of.get("schema", {}), separators=(",", ":"))
    gc = req.get("generationConfig") or {}
    sc = gc.get("responseJsonSchema") or gc.get("responseSchema")
    return json.dumps(sc, separators=(",", ":")) if sc else ""

def openai(req, resp):
    if "messages" not in req or "usage" not in resp or not isinstance(resp["usage"], dict):
        return None
    if not str(req.get("model", "")).startswith(("gpt-", "o1", "o3", "o4")):
        return None             # other servers behind the OpenAI protocol add prompts of their own
    u = resp["usage"]
    if (u.get("prompt_tokens_details") or {}).get("cached_tokens"):
        return None
    msgs, system = [], ""
    for m in req["messages"]:
        role = m.get("role")
        t = text_of(m.get("content"))
        if t is None:
            return None
        calls = [{"name": c["function"]["name"], "arguments": c["function"].get("arguments", "")}
                 for c in (m.get("tool_calls") or []) if "function" in c]
        if role in ("system", "developer") and not msgs:
            system += t
        else:
            msgs.append({"role": "tool" if role == "tool" else role, "text": t, "calls": calls})
    tools = []
    for t in req.get("tools") or []:
        f = t.get("function")
        if not f:
            return None
        tools.append({"name": f.get("name", ""), "description": f.get("description", ""),
                      "parameters": json.dumps(f.get("parameters", {}), separators=(",", ":"))})
    return {"provider": "openai", "model": req.get("model", ""), "system": system, "messages": msgs, "tools": tools,
            "tokens": u.get("prompt_tokens")}

def anthropic(req, resp):
    if "messages" not in req or "usage" not in resp:
        return None
    if req.get("mcp_servers") or req.get("context_management") or req.get("container"):
        return None             # server-side tools and compaction: not a function of the text
    u = resp["usage"]
    if u.get("cache_read_input_tokens") or u.get("cache_creation_input_tokens"):
        return None
    system = req.get("system", "")
    if isinstance(system, list):
        system = text_of(system)
        if system is None:
            return None
    msgs = []
    for m in req["messages"]:
        c = m.get("content")
        if isinstance(c, str):
            msgs.append({"role": m["role"], "text": c, "calls": []})
            continue
        text, calls, results = [], [], []
        for p in c:
            t = p.get("type")
            if t == "text":
                text.append(p.get("text", ""))
            elif t == "tool_use":
                calls.append({"name": p.get("name", ""), "arguments": json.dumps(p.get("input", {}), separators=(",", ":"))})
            elif t == "tool_result":
                rc = p.get("content")
                rt = text_of(rc) if not isinstance(rc, str) else rc
                if rt is None:
                    return None
                results.append(rt)
            else:
                return None
        if results:
            msgs.append({"role": "tool", "text": "".join(results), "calls": []})
        if text or calls or not results:
            msgs.append({"role": m["role"], "text": "".join(text), "calls": calls})
    tools = []
    for t in req.get("tools") or []:
        if "input_schema" not in t:
            return None
        tools.append({"name": t.get("name", ""), "description": t.get("description", ""),
                      "parameters": json.dumps(t["input_schema"], separators=(",", ":"))})
    tc = (req.get("tool_choice") or {}).get("type", "auto")
    return {"provider": "anthropic", "model": req.get("model", ""), "system": system, "messages": msgs, "tools": tools,
            "tool_choice": tc, "tokens": u.get("input_tokens")}

def google(req, resp):
    if "contents" not in req or "usageMetadata" not in resp:
        return None
    u = resp["usageMetadata"]
    if u.get("cachedContentTokenCount"):
        return None
    sig = [0]
    def parts_text(parts):
        text, calls = [], []
        for p in parts:
            sig[0] += len(p.get("thoughtSignature") or "")
            if "text" in p and not p.get("thought"):
                text.append(p["text"])
            elif "functionCall" in p:
                calls.append({"name": p["functionCall"].get("name", ""),
                              "arguments": json.dumps(p["functionCall"].get("args", {}), separators=(",", ":"))})
            elif "functionResponse" in p:
                text.append(json.dumps(p["functionResponse"].get("response", {}), separators=(",", ":")))
            elif "thoughtSignature" in p and len(p) == 1:
                pass
            else:
                return None, None
        return "".join(text), calls
    system = ""
    if req.get("systemInstruction"):
        system, _ = parts_text(req["systemInstruction"].get("parts", []))
        if system is None:
            return None
    msgs = []
    for c in req["contents"]:
        t, calls = parts_text(c.get("parts", []))
        if t is None:
            return None
        msgs.append({"role": "assistant" if c.get("role") == "model" else "user", "text": t, "calls": calls})
    tools = []
    for t in req.get("tools") or []:
        for f in t.get("functionDeclarations") or []:
            tools.append({"name": f.get("name", ""), "description": f.get("description", ""),
                          "parameters": json.dumps(f.get("parameters") or f.get("parametersJsonSchema") or {}, separators=(",", ":"))})
        if not t.get("functionDeclarations"):
            return None
    return {"provider": "gemini", "model": "", "system": system, "messages": msgs, "tools": tools,
            "signature_bytes": sig[0], "tokens": u.get("promptTokenCount")}

def main():
    root = os.path.join(sys.argv[1], "tests", "models", "cassettes")
    kinds = {"test_openai": openai, "test_anthropic": anthropic, "test_google": google}
    seen = set()
    for d, fn in kinds.items():
        for name in sorted(os.listdir(os.path.join(root, d))):
            path = os.path.join(root, d, name)
            try:
                doc = yaml.safe_load(open(path))
            except Exception:
                continue
            for i, it in enumerate((doc or {}).get("interactions") or []):
                req = (it.get("request") or {}).get("parsed_body")
                resp = (it.get("response") or {}).get("parsed_body")
                if not isinstance(req, dict) or not isinstance(resp, dict) or req.get("stream"):
                    continue
                try:
                    row = fn(req, resp)
                except (KeyError, TypeError, AttributeError):
                    row = None
                if not row or not isinstance(row.get("tokens"), int) or row["tokens"] <= 0:
                    continue
                key = json.dumps([row["system"], row["messages"], row["tools"]], sort_keys=True)
                if key in seen:
                    continue
                seen.add(key)
                row["schema"] = schema_of(req)
                row["source"] = "%s/%s#%d" % (d, name, i)
                print(json.dumps(row))

main()

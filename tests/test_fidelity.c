/* Fidelity (issue 9, items 1 to 6): provider-run tools as parts of their own, the Responses
   API's client actions as calls with a kind, tool input that arrives whole, spliced streams
   and bytes after the end marker, usage and reasoning details, and one completeness rule for
   every protocol. Hand-written bodies under tests/fixtures/ (their sources in their comments
   and README lines), inline bodies, request bodies field by field, and the engine against
   ailib-mock. */
#include "test.h"
#include "replay.h"
#include "mockctl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- helpers ------------------------------------------------------------------------------- */

static const char *fs(const ailib_json *v) { return ailib_json_str(v, NULL); }
static const ailib_json *fget(const ailib_json *v, const char *k) { return ailib_json_get(v, k); }
static const ailib_json *fat(const ailib_json *v, size_t i) { return ailib_json_at(v, i); }

/* part i of a response's message, or a failed test */
static const ailib_part *fpart(const ailib_response *r, size_t i) {
    const ailib_message *m = ailib_response_message(r);
    if (!m || i >= m->part_count) {
        ailib_test_fail(__FILE__, __LINE__, "the response has %lu parts, not %lu", (unsigned long)(m ? m->part_count : 0),
                        (unsigned long)i + 1);
        return NULL;
    }
    return &m->parts[i];
}

/* 1 when text is one JSON value equal to the JSON text want */
static int json_same(const char *text, size_t len, const char *want) {
    ailib_json_doc *a = NULL, *b = NULL;
    int same = text && ailib_json_parse(text, len, NULL, &a, NULL) == AILIB_OK &&
               ailib_json_parse(want, strlen(want), NULL, &b, NULL) == AILIB_OK &&
               ailib_json_equal(ailib_json_doc_root(a), ailib_json_doc_root(b));
    ailib_json_doc_destroy(a);
    ailib_json_doc_destroy(b);
    return same;
}
#define EXPECT_JSON(p, n, want) AILIB_T_CHECK(json_same((p), (n), (want)), 0, "%s is not the JSON %s: %.*s", #p, want, \
                                              (int)((p) ? (n) : 6), (p) ? (p) : "(null)")

/* The value of a JSON text (a part's raw block), parsed into *doc. */
static const ailib_json *parse_raw(const char *text, size_t len, ailib_json_doc **doc) {
    *doc = NULL;
    if (!text || ailib_json_parse(text, len, NULL, doc, NULL) != AILIB_OK) return NULL;
    return ailib_json_doc_root(*doc);
}

static ailib_response *parse_file(const char *provider, const char *path) {
    ailib_response *r = NULL;
    ailib_error err;
    if (replay_parse_file(provider, path, &r, &err) != AILIB_OK) {
        ailib_test_fail(__FILE__, __LINE__, "%s: %s", path, err.message);
        ailib_response_destroy(r);
        return NULL;
    }
    return r;
}

/* Feeds body whole (and, through replay_all_ways, in every chunking) and returns the run. */
static void run_body(const char *provider, const char *body, replay_run *r) { replay_all_ways(provider, body, strlen(body), 1, r); }

/* A conversation of one user turn, the assistant turn of r, and one more user turn, built
   into a request for provider (the body parsed back in b). */
static ailib_result build_followup(const char *provider, const ailib_response *r, replay_body *b, ailib_error *err) {
    ailib_message ms[3];
    ailib_request q;
    memset(ms, 0, sizeof ms);
    memset(&q, 0, sizeof q);
    ms[0].role = AILIB_ROLE_USER; ms[0].text = "Which tower is the tallest in Paris?";
    ms[1] = *ailib_response_message(r);
    ms[2].role = AILIB_ROLE_USER; ms[2].text = "Thanks. And its height in feet?";
    q.messages = ms; q.message_count = 3;
    q.model = "m";
    return replay_build(provider, "key", &q, 0, b, err);
}

/* --- 1. provider-run tools (Anthropic) ------------------------------------------------------ */

/* server_tool_use + web_search_tool_result + text with citations: parts of their own kinds in
   order, never calls, end_turn stays "stop"; the raw blocks are the blocks as they came. */
TEST(fidelity_anthropic_server_tool_stream) {
    replay_run r;
    const ailib_part *p;
    ailib_json_doc *d;
    const ailib_json *v;
    ASSERT_TRUE(replay_file("anthropic", "tests/fixtures/anthropic/stream-server-tool-web-search.sse", &r));
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "end_turn");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "According to my search, the Eiffel Tower is the tallest, at 330 \"metres\".");
    ASSERT_EQ(ailib_response_message(r.resp)->part_count, 4);
    ASSERT_TRUE((p = fpart(r.resp, 0)) != NULL);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_CALL);
    EXPECT_MEM_EQ(p->id, p->id_len, "srvtoolu_01FidSearch00000000000001");
    EXPECT_MEM_EQ(p->name, p->name_len, "web_search");
    EXPECT_MEM_EQ(p->text, p->text_len, "{\"query\": \"tallest tower in Paris\"}");
    EXPECT_EQ(p->origin, AILIB_ORIGIN(AILIB_PROTOCOL_ANTHROPIC));
    EXPECT_MEM_EQ(p->raw, p->raw_len, "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_01FidSearch00000000000001\",\"name\":\"web_search\","
                                     "\"input\":{\"query\": \"tallest tower in Paris\"}}");
    ASSERT_TRUE((p = fpart(r.resp, 1)) != NULL);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_RESULT);
    EXPECT_MEM_EQ(p->id, p->id_len, "srvtoolu_01FidSearch00000000000001");
    EXPECT_MEM_EQ(p->name, p->name_len, "web_search_tool_result");
    EXPECT_EQ(p->is_error, 0);
    /* the result's content, readable */
    v = parse_raw(p->text, p->text_len, &d);
    EXPECT_EQ(ailib_json_size(v), 2);
    EXPECT_STR_EQ(fs(fget(fat(v, 0), "url")), "https://example.org/eiffel");
    EXPECT_STR_EQ(fs(fget(fat(v, 1), "title")), "Tours of Paris");
    ailib_json_doc_destroy(d);
    v = parse_raw(p->raw, p->raw_len, &d);
    EXPECT_STR_EQ(fs(fget(v, "type")), "web_search_tool_result");
    EXPECT_STR_EQ(fs(fget(v, "tool_use_id")), "srvtoolu_01FidSearch00000000000001");
    EXPECT_STR_EQ(fs(fget(fat(fget(v, "content"), 1), "encrypted_content")), "RmlkZWxpdHlFbmNyeXB0ZWRDb250ZW50Mg==");
    ailib_json_doc_destroy(d);
    ASSERT_TRUE((p = fpart(r.resp, 2)) != NULL);
    EXPECT_EQ(p->type, AILIB_PART_TEXT);
    EXPECT_MEM_EQ(p->text, p->text_len, "According to my search, ");
    EXPECT_TRUE(p->raw == NULL);
    /* citations kept: the text block whole, its text with them */
    ASSERT_TRUE((p = fpart(r.resp, 3)) != NULL);
    EXPECT_EQ(p->type, AILIB_PART_TEXT);
    EXPECT_MEM_EQ(p->text, p->text_len, "the Eiffel Tower is the tallest, at 330 \"metres\".");
    EXPECT_MEM_EQ(p->raw, p->raw_len, "{\"type\":\"text\",\"text\":\"the Eiffel Tower is the tallest, at 330 \\\"metres\\\".\",\"citations\":["
                                     "{\"type\":\"web_search_result_location\",\"cited_text\":\"The Eiffel Tower is 330 metres tall.\","
                                     "\"url\":\"https://example.org/eiffel\",\"title\":\"Eiffel Tower - facts\",\"encrypted_index\":"
                                     "\"RmlkZWxpdHlJbmRleDE=\"}]}");
    /* events: the provider's call once its input is complete, its result on arrival; no
       tool-call events */
    EXPECT_EQ(replay_count(&r, "PC srvtoolu_01FidSearch00000000000001 web_search {\"query\": \"tallest tower in Paris\"}"), 1);
    EXPECT_EQ(replay_count(&r, "PR srvtoolu_01FidSearch00000000000001 web_search_tool_result [{\"type\":\"web_search_result\""), 1);
    EXPECT_EQ(replay_count(&r, "B "), 0);
    EXPECT_EQ(replay_count(&r, "F stop end_turn"), 1);
    EXPECT_EQ(ailib_response_usage(r.resp)->input_tokens, 5400);
    EXPECT_EQ(ailib_response_usage(r.resp)->output_tokens, 95);
    replay_free(&r);
}

TEST(fidelity_anthropic_server_tool_whole) {
    ailib_response *r = parse_file("anthropic", "tests/fixtures/anthropic/messages-server-tool-web-search.json");
    const ailib_part *p;
    ASSERT_TRUE(r != NULL);
    EXPECT_EQ(ailib_response_tool_call_count(r), 0);
    EXPECT_EQ(ailib_response_finish_reason(r), AILIB_FINISH_STOP);
    ASSERT_EQ(ailib_response_message(r)->part_count, 6);
    p = fpart(r, 0);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_CALL);
    EXPECT_MEM_EQ(p->text, p->text_len, "{\"query\":\"tallest tower in Paris\"}");
    EXPECT_MEM_EQ(p->raw, p->raw_len, "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_01FidSearch00000000000002\",\"name\":\"web_search\","
                                     "\"input\":{\"query\":\"tallest tower in Paris\"}}");
    p = fpart(r, 1);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_RESULT);
    EXPECT_EQ(p->is_error, 0);
    p = fpart(r, 2);
    EXPECT_EQ(p->type, AILIB_PART_TEXT);
    EXPECT_TRUE(p->raw == NULL);
    p = fpart(r, 3);
    EXPECT_EQ(p->type, AILIB_PART_TEXT);
    EXPECT_MEM_EQ(p->text, p->text_len, "the Eiffel Tower is the tallest.");
    EXPECT_JSON(p->raw, p->raw_len, "{\"type\":\"text\",\"text\":\"the Eiffel Tower is the tallest.\",\"citations\":[{\"type\":"
                                    "\"web_search_result_location\",\"cited_text\":\"The Eiffel Tower is 330 metres tall.\",\"url\":"
                                    "\"https://example.org/eiffel\",\"title\":\"Eiffel Tower - facts\",\"encrypted_index\":\"RmlkZWxpdHlJbmRleDE=\"}]}");
    /* a failed search says so in its content */
    p = fpart(r, 5);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_RESULT);
    EXPECT_EQ(p->is_error, 1);
    EXPECT_MEM_EQ(p->text, p->text_len, "{\"type\":\"web_search_tool_result_error\",\"error_code\":\"max_uses_exceeded\"}");
    ailib_response_destroy(r);
}

/* The next turn: Anthropic gets every block back byte for byte; other providers get the text
   only (provider-run parts dropped, citations not theirs). */
TEST(fidelity_anthropic_server_tools_round_trip) {
    static const char *const others[] = { "openai", "gemini", "ollama", "cohere", "openai-responses", "mistral", "deepseek" };
    replay_run r;
    replay_body b;
    ailib_error err;
    const ailib_json *content;
    size_t i, n;
    ASSERT_TRUE(replay_file("anthropic", "tests/fixtures/anthropic/stream-server-tool-web-search.sse", &r));
    ASSERT_EQ(build_followup("anthropic", r.resp, &b, &err), AILIB_OK);
    content = fget(fat(fget(b.root, "messages"), 1), "content");
    ASSERT_EQ(ailib_json_size(content), 4);
    for (i = 0; i < 4; i++) {
        const ailib_part *p = fpart(r.resp, i);
        if (p->raw) {
            /* byte for byte: the raw block is in the body as it came */
            char *hit = strstr(b.wr.body, p->raw);
            EXPECT_TRUE(hit != NULL);
        }
    }
    EXPECT_STR_EQ(fs(fget(fat(content, 0), "type")), "server_tool_use");
    EXPECT_STR_EQ(fs(fget(fat(content, 1), "type")), "web_search_tool_result");
    EXPECT_STR_EQ(fs(fget(fat(content, 2), "text")), "According to my search, ");
    EXPECT_EQ(ailib_json_size(fget(fat(content, 3), "citations")), 1);
    replay_body_free(&b);
    for (n = 0; n < sizeof others / sizeof others[0]; n++) {
        ailib_endpoint ep;
        memset(&ep, 0, sizeof ep);
        ASSERT_EQ(build_followup(others[n], r.resp, &b, &err), AILIB_OK);
        EXPECT_TRUE(strstr(b.wr.body, "srvtoolu_") == NULL);
        EXPECT_TRUE(strstr(b.wr.body, "web_search") == NULL);
        EXPECT_TRUE(strstr(b.wr.body, "encrypted_index") == NULL);
        EXPECT_TRUE(strstr(b.wr.body, "the Eiffel Tower is the tallest") != NULL);
        if (strstr(b.wr.body, "srvtoolu_")) ailib_test_fail(__FILE__, __LINE__, "%s got the provider tool parts", others[n]);
        replay_body_free(&b);
    }
    replay_free(&r);
}

TEST(fidelity_anthropic_mcp_code_execution_error_thinking_tokens) {
    replay_run r;
    const ailib_part *p;
    const ailib_usage *u;
    ASSERT_TRUE(replay_file("anthropic", "tests/fixtures/anthropic/stream-mcp-and-code-execution-error.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    ASSERT_EQ(ailib_response_message(r.resp)->part_count, 5);
    p = fpart(r.resp, 0);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_CALL);
    EXPECT_MEM_EQ(p->name, p->name_len, "echo");
    EXPECT_MEM_EQ(p->text, p->text_len, "{\"message\": \"hi\"}");
    EXPECT_MEM_EQ(p->raw, p->raw_len, "{\"type\":\"mcp_tool_use\",\"id\":\"mcptoolu_01FidMcpCall00000000001\",\"name\":\"echo\","
                                     "\"server_name\":\"echo-server\",\"input\":{\"message\": \"hi\"}}");
    p = fpart(r.resp, 1);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_RESULT);
    EXPECT_MEM_EQ(p->name, p->name_len, "mcp_tool_result");
    EXPECT_MEM_EQ(p->text, p->text_len, "[{\"type\":\"text\",\"text\":\"echo: hi\"}]");
    EXPECT_EQ(p->is_error, 0);
    p = fpart(r.resp, 3);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_RESULT);
    EXPECT_MEM_EQ(p->name, p->name_len, "bash_code_execution_tool_result");
    EXPECT_EQ(p->is_error, 1);
    /* item 5: thinking_tokens is the reasoning count; input counts the cache read */
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->reasoning_tokens, 180);
    EXPECT_TRUE((u->reported & AILIB_USAGE_REASONING) != 0);
    EXPECT_EQ(u->output_tokens, 250);
    EXPECT_EQ(u->input_tokens, 700);
    replay_free(&r);
}

/* --- 1. provider-run items (Responses) ------------------------------------------------------- */

TEST(fidelity_responses_web_search_call_stream) {
    replay_run r;
    const ailib_part *p;
    ASSERT_TRUE(replay_file("openai-responses", "tests/fixtures/responses/stream-web-search-call.sse", &r));
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "The Eiffel Tower is the tallest.");
    ASSERT_EQ(ailib_response_message(r.resp)->part_count, 2);
    p = fpart(r.resp, 0);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_CALL);
    EXPECT_MEM_EQ(p->id, p->id_len, "ws_fid_0001");
    EXPECT_MEM_EQ(p->name, p->name_len, "web_search");
    EXPECT_JSON(p->text, p->text_len, "{\"action\":{\"type\":\"search\",\"query\":\"tallest tower in Paris\",\"sources\":"
                                      "[{\"type\":\"url\",\"url\":\"https://example.org/eiffel\"}]}}");
    EXPECT_MEM_EQ(p->raw, p->raw_len, "{\"id\":\"ws_fid_0001\",\"type\":\"web_search_call\",\"status\":\"completed\",\"action\":{\"type\":"
                                     "\"search\",\"query\":\"tallest tower in Paris\",\"sources\":[{\"type\":\"url\",\"url\":"
                                     "\"https://example.org/eiffel\"}]}}");
    EXPECT_EQ(replay_count(&r, "PC ws_fid_0001 web_search "), 1);
    EXPECT_EQ(replay_count(&r, "PR "), 0);   /* the item holds no result of its own */
    EXPECT_EQ(replay_count(&r, "B "), 0);
    /* the text's annotations kept: its output_text as it came */
    p = fpart(r.resp, 1);
    EXPECT_EQ(p->type, AILIB_PART_TEXT);
    EXPECT_MEM_EQ(p->raw, p->raw_len, "{\"type\":\"output_text\",\"annotations\":[{\"type\":\"url_citation\",\"start_index\":0,"
                                     "\"end_index\":16,\"title\":\"Eiffel Tower - facts\",\"url\":\"https://example.org/eiffel\"}],"
                                     "\"text\":\"The Eiffel Tower is the tallest.\"}");
    {
        replay_body b;
        ailib_error err;
        ASSERT_EQ(build_followup("openai-responses", r.resp, &b, &err), AILIB_OK);
        EXPECT_TRUE(strstr(b.wr.body, fpart(r.resp, 0)->raw) != NULL);
        EXPECT_TRUE(strstr(b.wr.body, p->raw) != NULL);
        replay_body_free(&b);
        ASSERT_EQ(build_followup("gemini", r.resp, &b, &err), AILIB_OK);
        EXPECT_TRUE(strstr(b.wr.body, "url_citation") == NULL);
        EXPECT_TRUE(strstr(b.wr.body, "ws_fid_0001") == NULL);
        EXPECT_TRUE(strstr(b.wr.body, "The Eiffel Tower is the tallest.") != NULL);
        replay_body_free(&b);
    }
    replay_free(&r);
}

/* Gemini's code execution: executableCode and codeExecutionResult parts are the provider's
   own tool run, kept whole for Gemini, dropped elsewhere. */
TEST(fidelity_gemini_code_execution_parts) {
    replay_run r;
    const ailib_part *p;
    replay_body b;
    ailib_error err;
    const ailib_json *parts;
    ASSERT_TRUE(replay_file("gemini", "tests/fixtures/gemini/stream-code-execution.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Let me compute it.The sum is 45.");
    ASSERT_EQ(ailib_response_message(r.resp)->part_count, 6);
    p = fpart(r.resp, 1);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_CALL);
    EXPECT_MEM_EQ(p->name, p->name_len, "code_execution");
    EXPECT_MEM_EQ(p->text, p->text_len, "{\"language\":\"PYTHON\",\"code\":\"print(sum(range(10)))\"}");
    EXPECT_MEM_EQ(p->raw, p->raw_len, "{\"executableCode\":{\"language\":\"PYTHON\",\"code\":\"print(sum(range(10)))\"}}");
    p = fpart(r.resp, 2);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_RESULT);
    EXPECT_MEM_EQ(p->name, p->name_len, "code_execution_result");
    EXPECT_MEM_EQ(p->text, p->text_len, "{\"outcome\":\"OUTCOME_OK\",\"output\":\"45\\n\"}");
    EXPECT_EQ(p->is_error, 0);
    EXPECT_EQ(fpart(r.resp, 4)->is_error, 1);
    EXPECT_EQ(replay_count(&r, "PC  code_execution "), 2);
    EXPECT_EQ(replay_count(&r, "PR  code_execution_result "), 2);
    ASSERT_EQ(build_followup("gemini", r.resp, &b, &err), AILIB_OK);
    parts = fget(fat(fget(b.root, "contents"), 1), "parts");
    ASSERT_EQ(ailib_json_size(parts), 6);
    EXPECT_TRUE(ailib_json_is_object(fget(fat(parts, 1), "executableCode")));
    EXPECT_STR_EQ(fs(fget(fget(fat(parts, 4), "codeExecutionResult"), "outcome")), "OUTCOME_FAILED");
    replay_body_free(&b);
    ASSERT_EQ(build_followup("anthropic", r.resp, &b, &err), AILIB_OK);
    EXPECT_TRUE(strstr(b.wr.body, "executableCode") == NULL);
    EXPECT_TRUE(strstr(b.wr.body, "The sum is 45.") != NULL);
    replay_body_free(&b);
    replay_free(&r);
}

TEST(fidelity_responses_provider_items_whole) {
    ailib_response *r = parse_file("openai-responses", "tests/fixtures/responses/response-provider-items.json");
    const ailib_part *p;
    ASSERT_TRUE(r != NULL);
    EXPECT_EQ(ailib_response_tool_call_count(r), 0);
    EXPECT_EQ(ailib_response_finish_reason(r), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Done: 42.");
    /* code interpreter (call + result), file search (call, results null: no result part),
       image generation (call + result), MCP call (call + result), the text */
    ASSERT_EQ(ailib_response_message(r)->part_count, 8);
    p = fpart(r, 0);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_CALL);
    EXPECT_MEM_EQ(p->name, p->name_len, "code_interpreter");
    EXPECT_JSON(p->text, p->text_len, "{\"code\":\"print(6*7)\",\"container_id\":\"cntr_fid_0001\"}");
    EXPECT_TRUE(p->raw != NULL && strstr(p->raw, "\"outputs\":[{\"type\":\"logs\",\"logs\":\"42\\n\"}]") != NULL);
    p = fpart(r, 1);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_RESULT);
    EXPECT_MEM_EQ(p->id, p->id_len, "ci_fid_0001");
    EXPECT_MEM_EQ(p->name, p->name_len, "code_interpreter_call");
    EXPECT_JSON(p->text, p->text_len, "{\"outputs\":[{\"type\":\"logs\",\"logs\":\"42\\n\"}]}");
    EXPECT_TRUE(p->raw == NULL);   /* the call's item carries it back */
    p = fpart(r, 2);
    EXPECT_MEM_EQ(p->name, p->name_len, "file_search");
    EXPECT_JSON(p->text, p->text_len, "{\"queries\":[\"embedding model\"]}");
    p = fpart(r, 4);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_RESULT);
    EXPECT_JSON(p->text, p->text_len, "{\"result\":\"iVBORw0KGgo=\"}");
    p = fpart(r, 5);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_CALL);
    EXPECT_MEM_EQ(p->name, p->name_len, "search_docs");   /* an MCP call is named by its tool */
    p = fpart(r, 6);
    EXPECT_JSON(p->text, p->text_len, "{\"output\":\"3 results\"}");
    EXPECT_EQ(p->is_error, 0);
    ailib_response_destroy(r);
}

/* Provider items go back to the Responses API whole, each where it was; not elsewhere. */
TEST(fidelity_responses_provider_items_round_trip) {
    ailib_response *r = parse_file("openai-responses", "tests/fixtures/responses/response-provider-items.json");
    replay_body b;
    ailib_error err;
    const ailib_json *input;
    ASSERT_TRUE(r != NULL);
    ASSERT_EQ(build_followup("openai-responses", r, &b, &err), AILIB_OK);
    input = fget(b.root, "input");
    /* user, 4 items, the assistant message, user */
    ASSERT_EQ(ailib_json_size(input), 7);
    EXPECT_STR_EQ(fs(fget(fat(input, 1), "type")), "code_interpreter_call");
    EXPECT_STR_EQ(fs(fget(fat(input, 2), "type")), "file_search_call");
    EXPECT_STR_EQ(fs(fget(fat(input, 3), "type")), "image_generation_call");
    EXPECT_STR_EQ(fs(fget(fat(input, 4), "type")), "mcp_call");
    EXPECT_STR_EQ(fs(fget(fat(input, 5), "role")), "assistant");
    EXPECT_TRUE(strstr(b.wr.body, fpart(r, 0)->raw) != NULL);
    replay_body_free(&b);
    ASSERT_EQ(build_followup("anthropic", r, &b, &err), AILIB_OK);
    EXPECT_TRUE(strstr(b.wr.body, "ci_fid_0001") == NULL);
    EXPECT_TRUE(strstr(b.wr.body, "Done: 42.") != NULL);
    replay_body_free(&b);
    ailib_response_destroy(r);
}

/* --- 2. client actions (Responses) ------------------------------------------------------------ */

TEST(fidelity_responses_custom_tool_call_stream) {
    replay_run r;
    const ailib_tool_call *c;
    ASSERT_TRUE(replay_file("openai-responses", "tests/fixtures/responses/stream-custom-tool-call.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_EQ(c->kind, AILIB_CALL_CUSTOM);
    EXPECT_MEM_EQ(c->id, c->id_len, "call_fid_sql_0001");
    EXPECT_MEM_EQ(c->name, c->name_len, "write_sql");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "SELECT name FROM users WHERE age > 30");
    EXPECT_TRUE(c->args == NULL);               /* free-form: not JSON, and no error for it */
    EXPECT_EQ(c->args_error, AILIB_OK);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_EQ(fpart(r.resp, 0)->call_kind, AILIB_CALL_CUSTOM);
    EXPECT_EQ(replay_count(&r, "B 0 call_fid_sql_0001 write_sql"), 1);
    EXPECT_EQ(replay_count(&r, "D 0 "), 2);
    EXPECT_EQ(replay_count(&r, "E 0 call_fid_sql_0001 write_sql SELECT name FROM users WHERE age > 30"), 1);
    replay_free(&r);
}

static void expect_actions(const ailib_response *r, size_t first) {
    const ailib_tool_call *c = ailib_response_tool_call(r, first);
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(c->kind, AILIB_CALL_LOCAL_SHELL);
    EXPECT_MEM_EQ(c->name, c->name_len, "local_shell");
    EXPECT_TRUE(c->args != NULL && ailib_json_is_array(fget(c->args, "command")));
    c = ailib_response_tool_call(r, first + 1);
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(c->kind, AILIB_CALL_APPLY_PATCH);
    EXPECT_MEM_EQ(c->name, c->name_len, "apply_patch");
    EXPECT_TRUE(c->args != NULL && fs(fget(c->args, "path")) != NULL);
    c = ailib_response_tool_call(r, first + 2);
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(c->kind, AILIB_CALL_MCP_APPROVAL);
    EXPECT_MEM_EQ(c->name, c->name_len, "create_short_url");
    EXPECT_STR_EQ(fs(fget(c->args, "url")), "https://example.org/");
    EXPECT_EQ(ailib_response_finish_reason(r), AILIB_FINISH_TOOL_CALLS);
}

TEST(fidelity_responses_client_actions_stream) {
    replay_run r;
    const ailib_tool_call *c;
    ASSERT_TRUE(replay_file("openai-responses", "tests/fixtures/responses/stream-client-actions.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 3);
    expect_actions(r.resp, 0);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "call_fid_shell_0001");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"type\":\"exec\",\"command\":[\"ls\",\"-a\"],\"env\":{},\"working_directory\":\"/tmp\"}");
    c = ailib_response_tool_call(r.resp, 1);
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"type\":\"create_file\",\"diff\":\"+# Notes\\n\",\"path\":\"notes.md\"}");
    c = ailib_response_tool_call(r.resp, 2);
    EXPECT_MEM_EQ(c->id, c->id_len, "mcpr_fid_0001");   /* an approval answers to the request's id */
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"url\":\"https://example.org/\"}");
    EXPECT_EQ(replay_count(&r, "E "), 3);
    replay_free(&r);
}

TEST(fidelity_responses_client_actions_whole) {
    ailib_response *r = parse_file("openai-responses", "tests/fixtures/responses/response-client-actions.json");
    const ailib_tool_call *c;
    ASSERT_TRUE(r != NULL);
    ASSERT_EQ(ailib_response_tool_call_count(r), 4);
    c = ailib_response_tool_call(r, 0);
    EXPECT_EQ(c->kind, AILIB_CALL_CUSTOM);
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "SELECT 1");
    expect_actions(r, 1);
    c = ailib_response_tool_call(r, 2);
    EXPECT_STR_EQ(fs(fget(c->args, "type")), "delete_file");
    ailib_response_destroy(r);
}

/* The answers go back in each call's own kind of item; the calls go back whole. */
TEST(fidelity_responses_client_action_outputs) {
    ailib_response *r = parse_file("openai-responses", "tests/fixtures/responses/response-client-actions.json");
    ailib_part res[4];
    ailib_message ms[4];
    ailib_request q;
    replay_body b;
    ailib_error err;
    const ailib_json *input, *o;
    size_t i;
    ASSERT_TRUE(r != NULL);
    res[0] = ailib_part_tool_result(ailib_response_tool_call(r, 0), "1 row");
    res[1] = ailib_part_tool_result(ailib_response_tool_call(r, 1), "/tmp\n");
    res[2] = ailib_part_tool_error(ailib_response_tool_call(r, 2), "no such file");
    res[3] = ailib_part_tool_error(ailib_response_tool_call(r, 3), "not this URL");
    for (i = 0; i < 4; i++) EXPECT_EQ(res[i].call_kind, ailib_response_tool_call(r, i)->kind);
    memset(ms, 0, sizeof ms);
    memset(&q, 0, sizeof q);
    ms[0].role = AILIB_ROLE_USER; ms[0].text = "go";
    ms[1] = *ailib_response_message(r);
    ms[2] = ailib_message_parts(AILIB_ROLE_TOOL, res, 4);
    q.messages = ms; q.message_count = 3; q.model = "gpt-5.1";
    ASSERT_EQ(replay_build("openai-responses", "key", &q, 0, &b, &err), AILIB_OK);
    input = fget(b.root, "input");
    ASSERT_EQ(ailib_json_size(input), 9);
    for (i = 0; i < 4; i++) EXPECT_TRUE(strstr(b.wr.body, fpart(r, i)->raw) != NULL);   /* the calls, whole */
    o = fat(input, 5);
    EXPECT_STR_EQ(fs(fget(o, "type")), "custom_tool_call_output");
    EXPECT_STR_EQ(fs(fget(o, "call_id")), "call_fid_sql_0002");
    EXPECT_STR_EQ(fs(fget(o, "output")), "1 row");
    o = fat(input, 6);
    EXPECT_STR_EQ(fs(fget(o, "type")), "local_shell_call_output");
    EXPECT_STR_EQ(fs(fget(o, "call_id")), "call_fid_shell_0002");
    EXPECT_STR_EQ(fs(fget(o, "output")), "/tmp\n");
    o = fat(input, 7);
    EXPECT_STR_EQ(fs(fget(o, "type")), "apply_patch_call_output");
    EXPECT_STR_EQ(fs(fget(o, "status")), "failed");
    EXPECT_STR_EQ(fs(fget(o, "output")), "no such file");
    o = fat(input, 8);
    EXPECT_STR_EQ(fs(fget(o, "type")), "mcp_approval_response");
    EXPECT_STR_EQ(fs(fget(o, "approval_request_id")), "mcpr_fid_0002");
    EXPECT_EQ(ailib_json_type_of(fget(o, "approve")), AILIB_JSON_FALSE);
    EXPECT_STR_EQ(fs(fget(o, "reason")), "not this URL");
    replay_body_free(&b);
    /* another protocol can take neither the actions nor their answers: both are dropped */
    ASSERT_EQ(replay_build("openai", "key", &q, 0, &b, &err), AILIB_OK);
    EXPECT_EQ(ailib_json_size(fget(b.root, "messages")), 1);
    EXPECT_TRUE(strstr(b.wr.body, "call_fid_") == NULL);
    replay_body_free(&b);
    ailib_response_destroy(r);
}

/* Client actions you build yourself (no raw item) are written from their fields. */
TEST(fidelity_responses_client_actions_without_raw) {
    ailib_part calls[4];
    ailib_message ms[2];
    ailib_request q;
    replay_body b;
    ailib_error err;
    const ailib_json *input;
    memset(calls, 0, sizeof calls);
    calls[0].type = AILIB_PART_TOOL_CALL; calls[0].call_kind = AILIB_CALL_CUSTOM; calls[0].id = "c1"; calls[0].name = "sql"; calls[0].text = "SELECT 2";
    calls[1].type = AILIB_PART_TOOL_CALL; calls[1].call_kind = AILIB_CALL_LOCAL_SHELL; calls[1].id = "c2"; calls[1].name = "local_shell";
    calls[1].text = "{\"type\":\"exec\",\"command\":[\"ls\"]}";
    calls[2].type = AILIB_PART_TOOL_CALL; calls[2].call_kind = AILIB_CALL_APPLY_PATCH; calls[2].id = "c3"; calls[2].name = "apply_patch";
    calls[2].text = "{\"type\":\"delete_file\",\"path\":\"a\"}";
    calls[3].type = AILIB_PART_TOOL_CALL; calls[3].call_kind = AILIB_CALL_MCP_APPROVAL; calls[3].id = "r4"; calls[3].name = "tool";
    calls[3].text = "{}";
    memset(ms, 0, sizeof ms);
    memset(&q, 0, sizeof q);
    ms[0].role = AILIB_ROLE_USER; ms[0].text = "go";
    ms[1] = ailib_message_parts(AILIB_ROLE_ASSISTANT, calls, 4);
    q.messages = ms; q.message_count = 2; q.model = "gpt-5.1";
    ASSERT_EQ(replay_build("openai-responses", "key", &q, 0, &b, &err), AILIB_OK);
    input = fget(b.root, "input");
    ASSERT_EQ(ailib_json_size(input), 5);
    EXPECT_STR_EQ(fs(fget(fat(input, 1), "type")), "custom_tool_call");
    EXPECT_STR_EQ(fs(fget(fat(input, 1), "input")), "SELECT 2");
    EXPECT_STR_EQ(fs(fget(fat(input, 2), "type")), "local_shell_call");
    EXPECT_STR_EQ(fs(fat(fget(fget(fat(input, 2), "action"), "command"), 0)), "ls");
    EXPECT_STR_EQ(fs(fget(fat(input, 3), "type")), "apply_patch_call");
    EXPECT_STR_EQ(fs(fget(fget(fat(input, 3), "operation"), "path")), "a");
    EXPECT_STR_EQ(fs(fget(fat(input, 4), "type")), "mcp_approval_request");
    EXPECT_STR_EQ(fs(fget(fat(input, 4), "id")), "r4");
    replay_body_free(&b);
}

/* Requesting such tools needs no extra_json: tool kinds, and a provider's own tool as spec. */
TEST(fidelity_tool_kinds_and_specs_in_requests) {
    static const char *const spec_protocols[] = { "anthropic", "openai", "openai-responses", "gemini", "cohere", "ollama" };
    ailib_tool tools[5];
    ailib_message msg;
    ailib_request q = replay_one_message(&msg, "hi");
    replay_body b;
    ailib_error err;
    const ailib_json *t;
    size_t i;
    memset(tools, 0, sizeof tools);
    tools[0] = ailib_tool_make("write_sql", "Writes SQL", "{\"type\":\"grammar\",\"syntax\":\"lark\",\"definition\":\"start: /.+/\"}");
    tools[0].kind = AILIB_TOOL_CUSTOM;
    tools[1] = ailib_tool_make("local_shell", NULL, NULL);
    tools[1].kind = AILIB_TOOL_LOCAL_SHELL;
    tools[2] = ailib_tool_make("apply_patch", NULL, NULL);
    tools[2].kind = AILIB_TOOL_APPLY_PATCH;
    tools[3] = ailib_tool_make("docs", NULL, NULL);
    tools[3].spec = "{\"type\":\"mcp\",\"server_label\":\"docs\",\"server_url\":\"https://example.org/mcp\",\"require_approval\":\"always\"}";
    tools[4] = ailib_tool_make("get_weather", "Weather", NULL);
    q.tools = tools; q.tool_count = 5; q.model = "gpt-5.1";
    ASSERT_EQ(replay_build("openai-responses", "key", &q, 0, &b, &err), AILIB_OK);
    t = fget(b.root, "tools");
    ASSERT_EQ(ailib_json_size(t), 5);
    EXPECT_STR_EQ(fs(fget(fat(t, 0), "type")), "custom");
    EXPECT_STR_EQ(fs(fget(fat(t, 0), "name")), "write_sql");
    EXPECT_STR_EQ(fs(fget(fget(fat(t, 0), "format"), "syntax")), "lark");
    EXPECT_STR_EQ(fs(fget(fat(t, 1), "type")), "local_shell");
    EXPECT_EQ(ailib_json_size(fat(t, 1)), 1);
    EXPECT_STR_EQ(fs(fget(fat(t, 2), "type")), "apply_patch");
    EXPECT_STR_EQ(fs(fget(fat(t, 3), "type")), "mcp");
    EXPECT_STR_EQ(fs(fget(fat(t, 3), "require_approval")), "always");
    EXPECT_STR_EQ(fs(fget(fat(t, 4), "type")), "function");
    replay_body_free(&b);
    /* the Responses API's own kinds elsewhere: a typed refusal that says where they belong */
    q.tool_count = 1;
    EXPECT_EQ(replay_build("anthropic", "key", &q, 0, &b, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "openai-responses") != NULL);
    replay_body_free(&b);
    /* a spec goes as it is to every protocol, next to the functions */
    tools[0] = ailib_tool_make("search", NULL, NULL);
    tools[0].spec = "{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":3}";
    tools[1] = ailib_tool_make("get_weather", "Weather", NULL);
    q.tool_count = 2;
    for (i = 0; i < sizeof spec_protocols / sizeof spec_protocols[0]; i++) {
        ASSERT_EQ(replay_build(spec_protocols[i], "key", &q, 0, &b, &err), AILIB_OK);
        EXPECT_TRUE(strstr(b.wr.body, "{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":3}") != NULL);
        EXPECT_TRUE(strstr(b.wr.body, "get_weather") != NULL);
        replay_body_free(&b);
    }
    {
        /* Bedrock (its URL needs a region): {"systemTool":...} style entries go in toolConfig.tools */
        ailib_endpoint ep;
        ailib_wire_request wr;
        memset(&ep, 0, sizeof ep);
        ep.provider = ailib_provider_find("bedrock");
        ep.base_url = "https://bedrock-runtime.us-east-1.amazonaws.com";
        ep.api_key = "key";
        ASSERT_EQ(ailib_wire_request_build(&ep, &q, 0, &wr, &err), AILIB_OK);
        EXPECT_TRUE(strstr(wr.body, "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":3},{\"toolSpec\"") != NULL);
        ailib_wire_request_deinit(&wr);
    }
    /* Gemini: a provider tool is a tools element of its own, the functions another */
    tools[0].spec = "{\"googleSearch\":{}}";
    ASSERT_EQ(replay_build("gemini", "key", &q, 0, &b, &err), AILIB_OK);
    t = fget(b.root, "tools");
    ASSERT_EQ(ailib_json_size(t), 2);
    EXPECT_TRUE(ailib_json_is_object(fget(fat(t, 0), "googleSearch")));
    EXPECT_EQ(ailib_json_size(fget(fat(t, 1), "functionDeclarations")), 1);
    replay_body_free(&b);
    q.tool_count = 1;
    ASSERT_EQ(replay_build("gemini", "key", &q, 0, &b, &err), AILIB_OK);
    EXPECT_EQ(ailib_json_size(fget(b.root, "tools")), 1);
    replay_body_free(&b);
    /* a spec that is not a JSON object is the caller's mistake, named */
    tools[0].spec = "[1]";
    EXPECT_EQ(replay_build("openai", "key", &q, 0, &b, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "'search'") != NULL);
    replay_body_free(&b);
    tools[0].spec = "{\"type\":";
    EXPECT_EQ(replay_build("anthropic", "key", &q, 0, &b, &err), AILIB_INVALID_ARGUMENT);
    replay_body_free(&b);
}

/* --- 3. tool input that arrives whole ---------------------------------------------------------- */

/* A call made by the provider's code carries its whole input in content_block_start: those are
   its arguments (not {}), and the block goes back with its caller. */
TEST(fidelity_anthropic_tool_input_in_block_start) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_part *p;
    replay_body b;
    ailib_error err;
    ASSERT_TRUE(replay_file("anthropic", "tests/fixtures/anthropic/stream-programmatic-tool-call.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "toolu_01FidProgCall000000000001");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\":\"Paris\",\"unit\":\"celsius\"}");
    EXPECT_STR_EQ(fs(fget(c->args, "city")), "Paris");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    /* the input is one delta event, then the end */
    EXPECT_EQ(replay_count(&r, "D 0 {\"city\":\"Paris\",\"unit\":\"celsius\"}"), 1);
    EXPECT_EQ(replay_count(&r, "E 0 toolu_01FidProgCall000000000001 get_weather {\"city\":\"Paris\",\"unit\":\"celsius\"}"), 1);
    p = fpart(r.resp, 0);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_CALL);
    EXPECT_MEM_EQ(p->text, p->text_len, "{\"code\": \"print(get_weather('Paris'))\"}");
    EXPECT_MEM_EQ(p->raw, p->raw_len, "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_01FidCode0000000000000001\",\"name\":\"code_execution\","
                                     "\"caller\":{\"type\":\"direct\"},\"input\":{\"code\": \"print(get_weather('Paris'))\"}}");
    p = fpart(r.resp, 1);
    EXPECT_MEM_EQ(p->raw, p->raw_len, "{\"type\":\"tool_use\",\"id\":\"toolu_01FidProgCall000000000001\",\"name\":\"get_weather\",\"caller\":"
                                     "{\"type\":\"code_execution_20250825\",\"tool_id\":\"srvtoolu_01FidCode0000000000000001\"},"
                                     "\"input\":{\"city\":\"Paris\",\"unit\":\"celsius\"}}");
    ASSERT_EQ(build_followup("anthropic", r.resp, &b, &err), AILIB_OK);
    EXPECT_TRUE(strstr(b.wr.body, p->raw) != NULL);
    replay_body_free(&b);
    /* elsewhere the call is an ordinary call, its caller unknown there */
    ASSERT_EQ(build_followup("openai", r.resp, &b, &err), AILIB_OK);
    EXPECT_TRUE(strstr(b.wr.body, "\"name\":\"get_weather\"") != NULL);
    EXPECT_TRUE(strstr(b.wr.body, "code_execution_20250825") == NULL);
    replay_body_free(&b);
    replay_free(&r);
}

TEST(fidelity_anthropic_tool_input_whole_rules) {
    static const char head[] =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_w\",\"model\":\"m\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n";
    static const char tail[] =
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    char body[2048];
    replay_run r;
    const ailib_tool_call *c;
    /* input in the start and deltas after it: the deltas are the arguments */
    snprintf(body, sizeof body, "%s%s%s%s", head,
             "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"f\",\"input\":{\"stale\":1}}}\n\n",
             "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n"
             "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"x\\\":2}\"}}\n\n",
             tail);
    run_body("anthropic", body, &r);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    c = ailib_response_tool_call(r.resp, 0);
    ASSERT_TRUE(c != NULL);
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"x\":2}");
    EXPECT_EQ(replay_count(&r, "D 0 "), 1);
    replay_free(&r);
    /* input in the start, an empty delta only: the start's input stands */
    snprintf(body, sizeof body, "%s%s%s%s", head,
             "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"f\",\"input\":{\"y\":[1,2]}}}\n\n",
             "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n",
             tail);
    run_body("anthropic", body, &r);
    c = ailib_response_tool_call(r.resp, 0);
    ASSERT_TRUE(c != NULL);
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"y\":[1,2]}");
    replay_free(&r);
    /* cut before the block's stop: the start's input is still the call's */
    snprintf(body, sizeof body, "%s%s", head,
             "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_c\",\"name\":\"f\",\"input\":{\"z\":true}}}\n\n");
    run_body("anthropic", body, &r);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    c = ailib_response_tool_call(r.resp, 0);
    ASSERT_TRUE(c != NULL);
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"z\":true}");
    replay_free(&r);
}

/* A turn that arrives whole in message_start (content and stop_reason) is read as one. */
TEST(fidelity_anthropic_message_start_with_content) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_part *p;
    ASSERT_TRUE(replay_file("anthropic", "tests/fixtures/anthropic/stream-message-start-with-content.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    ASSERT_EQ(ailib_response_message(r.resp)->part_count, 2);
    p = fpart(r.resp, 0);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_RESULT);
    EXPECT_MEM_EQ(p->name, p->name_len, "code_execution_tool_result");
    EXPECT_EQ(p->is_error, 0);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\":\"Lyon\"}");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "tool_use");
    replay_free(&r);
}

/* end_turn says the turn is over even when calls of the provider's code are in it: the
   finish reason is the provider's, not "tool_calls". */
TEST(fidelity_anthropic_end_turn_not_changed) {
    static const char body[] =
        "{\"id\":\"msg_e\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":["
        "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_e\",\"name\":\"code_execution\",\"input\":{\"code\":\"x\"}},"
        "{\"type\":\"tool_use\",\"id\":\"toolu_e\",\"name\":\"roll\",\"input\":{},\"caller\":{\"type\":\"code_execution_20250825\",\"tool_id\":\"srvtoolu_e\"}},"
        "{\"type\":\"code_execution_tool_result\",\"tool_use_id\":\"srvtoolu_e\",\"content\":{\"type\":\"code_execution_result\",\"stdout\":\"6\",\"stderr\":\"\",\"return_code\":0}},"
        "{\"type\":\"text\",\"text\":\"You rolled 6.\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}";
    ailib_endpoint ep;
    ailib_response *r = NULL;
    ailib_error err;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("anthropic");
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, body, sizeof body - 1, &r, &err), AILIB_OK);
    EXPECT_EQ(ailib_response_finish_reason(r), AILIB_FINISH_STOP);
    EXPECT_EQ(ailib_response_tool_call_count(r), 1);
    ailib_response_destroy(r);
}

TEST(fidelity_anthropic_web_fetch_input_whole) {
    replay_run r;
    const ailib_part *p;
    ASSERT_TRUE(replay_file("anthropic", "tests/fixtures/anthropic/stream-web-fetch-input-whole.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    p = fpart(r.resp, 0);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_CALL);
    EXPECT_MEM_EQ(p->name, p->name_len, "web_fetch");
    EXPECT_MEM_EQ(p->text, p->text_len, "{\"url\":\"https://example.org/article\"}");
    EXPECT_MEM_EQ(p->raw, p->raw_len, "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_01FidFetch000000000000001\",\"name\":\"web_fetch\","
                                     "\"input\":{\"url\":\"https://example.org/article\"}}");
    p = fpart(r.resp, 1);
    EXPECT_EQ(p->type, AILIB_PART_PROVIDER_TOOL_RESULT);
    EXPECT_MEM_EQ(p->name, p->name_len, "web_fetch_tool_result");
    EXPECT_EQ(replay_count(&r, "PC srvtoolu_01FidFetch000000000000001 web_fetch {\"url\":\"https://example.org/article\"}"), 1);
    replay_free(&r);
}

/* --- 4. spliced streams, bytes after the end marker -------------------------------------------- */

TEST(fidelity_anthropic_spliced_messages_are_protocol_errors) {
    replay_run r;
    static const char same_id[] =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"model\":\"m\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"model\":\"m\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"once\"}}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    ASSERT_TRUE(replay_file("anthropic", "tests/fixtures/anthropic/stream-spliced-messages.sse", &r));
    EXPECT_EQ(r.feed_result, AILIB_PROTOCOL);
    EXPECT_EQ(r.err.code, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "msg_01FidSpliceSecond0000001") != NULL);
    EXPECT_TRUE(strstr(r.err.message, "spliced") != NULL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "The first ans");   /* what came before, not a merge */
    replay_free(&r);
    /* the same message started twice is a repeat, not a splice */
    run_body("anthropic", same_id, &r);
    EXPECT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "once");
    replay_free(&r);
}

TEST(fidelity_responses_spliced_responses_are_protocol_errors) {
    static const char body[] =
        "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_a\",\"status\":\"in_progress\",\"output\":[]}}\n\n"
        "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"part of a\"}\n\n"
        "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_b\",\"status\":\"in_progress\",\"output\":[]}}\n\n"
        "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"all of b\"}\n\n"
        "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_b\",\"status\":\"completed\",\"output\":[],"
        "\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}}\n\n";
    replay_run r;
    run_body("openai-responses", body, &r);
    EXPECT_EQ(r.feed_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "resp_b") != NULL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "part of a");
    replay_free(&r);
}

/* --- 5. usage and reasoning details ------------------------------------------------------------ */

TEST(fidelity_anthropic_thinking_tokens_whole) {
    static const char body[] =
        "{\"id\":\"msg_t\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hm\","
        "\"signature\":\"c2ln\"},{\"type\":\"text\",\"text\":\"4\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":10,"
        "\"output_tokens\":30,\"output_tokens_details\":{\"thinking_tokens\":25}}}";
    ailib_endpoint ep;
    ailib_response *r = NULL;
    ailib_error err;
    const ailib_usage *u;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("anthropic");
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, body, sizeof body - 1, &r, &err), AILIB_OK);
    u = ailib_response_usage(r);
    EXPECT_EQ(u->reasoning_tokens, 25);
    EXPECT_EQ(u->output_tokens, 30);
    EXPECT_EQ(u->total_tokens, 40);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_REASONING);
    ailib_response_destroy(r);
}

TEST(fidelity_openai_reasoning_under_both_names_counted_once) {
    replay_run r;
    ASSERT_TRUE(replay_file("vllm", "tests/fixtures/openai/stream-reasoning-both-fields.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "Two plus two is four.");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "4");
    EXPECT_EQ(replay_count(&r, "R "), 2);
    EXPECT_EQ(ailib_response_usage(r.resp)->reasoning_tokens, 8);
    replay_free(&r);
}

/* --- 6. one completeness rule for every protocol -------------------------------------------------
   Each protocol's answer "Hi" as a list of events; the rule (ailib_stream_finish): complete when
   the end marker arrived, or the finish reason and the final usage did. Each variant below is
   fed in every chunking (replay_all_ways) and must end the same way on every protocol that has
   the same facts. */

typedef struct cproto {
    const char *provider;
    int ndjson;                 /* framing: NDJSON lines, else SSE events */
    const char *const *ev;      /* the events' payloads ("event: x" lines come from evname) */
    const char *const *evname;  /* SSE event names, or NULL */
    size_t n;
    int finish;                 /* index of the event with the finish reason */
    int usage_after;            /* index of the event with the final usage, when it comes after the finish; -1 none */
    int marker;                 /* index of an end marker after both, or -1 */
} cproto;

static const char *const c_openai[] = {
    "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"}}]}",
    "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
    "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}",
    "[DONE]" };
static const char *const c_anthropic[] = {
    "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_c\",\"model\":\"m\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}",
    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
    "{\"type\":\"content_block_stop\",\"index\":0}",
    "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}",
    "{\"type\":\"message_stop\"}" };
static const char *const n_anthropic[] = { "message_start", "content_block_start", "content_block_delta", "content_block_stop",
                                           "message_delta", "message_stop" };
static const char *const c_gemini[] = {
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"}}],\"usageMetadata\":{\"promptTokenCount\":3},\"responseId\":\"g1\"}",
    ("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},\"finishReason\":\"STOP\"}],"
     "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":1},\"responseId\":\"g1\"}") };
static const char *const c_responses[] = {
    "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_c\",\"status\":\"in_progress\",\"output\":[]}}",
    "{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"Hi\"}",
    "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_c\",\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}" };
static const char *const n_responses[] = { "response.created", "response.output_text.delta", "response.completed" };
static const char *const c_cohere[] = {
    "{\"type\":\"message-start\",\"id\":\"co1\",\"delta\":{\"message\":{\"role\":\"assistant\"}}}",
    "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Hi\"}}}}",
    ("{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":{\"billed_units\":{\"input_tokens\":3,\"output_tokens\":1},"
     "\"tokens\":{\"input_tokens\":3,\"output_tokens\":1}}}}") };
static const char *const n_cohere[] = { "message-start", "content-delta", "message-end" };
static const char *const c_ollama[] = {
    "{\"model\":\"m\",\"created_at\":\"2026-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}",
    ("{\"model\":\"m\",\"created_at\":\"2026-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
     "\"done_reason\":\"stop\",\"prompt_eval_count\":3,\"eval_count\":1}") };

static const cproto cprotos[] = {
    { "openai", 0, c_openai, NULL, 4, 1, 2, 3 },
    { "anthropic", 0, c_anthropic, n_anthropic, 6, 4, -1, 5 },
    { "gemini", 0, c_gemini, NULL, 2, 1, -1, -1 },
    { "openai-responses", 0, c_responses, n_responses, 3, 2, -1, -1 },
    { "cohere", 0, c_cohere, n_cohere, 3, 2, -1, -1 },
    { "ollama", 1, c_ollama, NULL, 2, 1, -1, -1 }
};

/* The body of events [0, upto) of p, each framed (the last without its end when open_end:
   no blank line, or for NDJSON no newline; cut to half its payload when cut). */
static char *c_body(const cproto *p, size_t upto, int open_end, int cut) {
    size_t i, cap = 8192, len = 0;
    char *b = (char *)malloc(cap);
    b[0] = 0;
    for (i = 0; i < upto; i++) {
        const char *ev = p->ev[i];
        int last = i + 1 == upto;
        int n = last && cut ? (int)strlen(ev) / 2 : (int)strlen(ev);
        if (p->ndjson) len += (size_t)snprintf(b + len, cap - len, "%.*s%s", n, ev, last && (open_end || cut) ? "" : "\n");
        else len += (size_t)snprintf(b + len, cap - len, "%s%s%sdata: %.*s%s", p->evname ? "event: " : "", p->evname ? p->evname[i] : "",
                                     p->evname ? "\n" : "", n, ev, last && cut ? "" : last && open_end ? "\n" : "\n\n");
    }
    return b;
}

static void c_expect(const cproto *p, const char *what, const char *body, ailib_result want, const char *msg_part) {
    replay_run r;
    replay_all_ways(p->provider, body, strlen(body), 0, &r);
    if (r.finish_result != want || (msg_part && !strstr(r.err.message, msg_part)))
        ailib_test_fail(__FILE__, __LINE__, "%s, %s: %s (%s), expected %s%s%s", p->provider, what, ailib_result_name(r.finish_result),
                        r.err.message, ailib_result_name(want), msg_part ? " saying " : "", msg_part ? msg_part : "");
    if (want == AILIB_OK && strcmp(ailib_response_text(r.resp, NULL), "Hi") != 0)
        ailib_test_fail(__FILE__, __LINE__, "%s, %s: text \"%s\"", p->provider, what, ailib_response_text(r.resp, NULL));
    replay_free(&r);
}

TEST(fidelity_completeness_rule_every_text_protocol) {
    size_t i;
    for (i = 0; i < sizeof cprotos / sizeof cprotos[0]; i++) {
        const cproto *p = &cprotos[i];
        char *b;
        /* the whole answer */
        b = c_body(p, p->n, 0, 0); c_expect(p, "whole", b, AILIB_OK, NULL); free(b);
        /* the final event without its blank line (NDJSON: without its newline): read, not lost */
        b = c_body(p, p->n, 1, 0); c_expect(p, "final event without its blank line", b, AILIB_OK, NULL); free(b);
        /* the final event cut inside its JSON: complete only if the finish and usage came before */
        b = c_body(p, p->n, 0, 1);
        c_expect(p, "final event cut", b, p->marker >= 0 ? AILIB_OK : AILIB_PROTOCOL, p->marker >= 0 ? NULL : "truncated");
        free(b);
        /* the end marker lost after the finish and the usage: complete */
        if (p->marker >= 0) { b = c_body(p, (size_t)p->marker, 0, 0); c_expect(p, "no end marker", b, AILIB_OK, NULL); free(b); }
        /* the finish came, the usage promised after it did not */
        if (p->usage_after >= 0) {
            b = c_body(p, (size_t)p->usage_after, 0, 0);
            c_expect(p, "finish without its usage", b, AILIB_PROTOCOL, "final usage");
            free(b);
        }
        /* cut before the finish */
        b = c_body(p, (size_t)p->finish, 0, 0); c_expect(p, "cut before the finish", b, AILIB_PROTOCOL, "truncated"); free(b);
    }
}

/* Gemini has no end marker: its finish chunk must bring the usage too. */
TEST(fidelity_completeness_gemini_finish_without_usage) {
    static const char body[] =
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"},\"finishReason\":\"STOP\"}]}\r\n\r\n";
    replay_run r;
    replay_all_ways("gemini", body, sizeof body - 1, 0, &r);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "final usage") != NULL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hi");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    replay_free(&r);
}

/* An OpenAI-compatible row that does not promise usage (no stream_options): the finish alone
   completes the answer, [DONE] or not. */
TEST(fidelity_completeness_openai_row_without_usage_promise) {
    char *b = c_body(&cprotos[0], 2, 0, 0);
    replay_run r;
    replay_all_ways("mistral", b, strlen(b), 0, &r);
    EXPECT_EQ(r.finish_result, AILIB_OK);
    replay_free(&r);
    replay_all_ways("openai", b, strlen(b), 0, &r);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    replay_free(&r);
    free(b);
}

/* Bytes after the end marker (a second body concatenated, a repeated marker): the answer ends
   at its marker and what follows is not read. */
TEST(fidelity_bytes_after_end_marker_not_read) {
    size_t i;
    for (i = 0; i < sizeof cprotos / sizeof cprotos[0]; i++) {
        const cproto *p = &cprotos[i];
        char *one, *two;
        size_t n;
        if (!strcmp(p->provider, "gemini")) continue;   /* no end marker: a finish chunk is not one */
        one = c_body(p, p->n, 0, 0);
        n = strlen(one);
        two = (char *)malloc(2 * n + 1);
        memcpy(two, one, n);
        memcpy(two + n, one, n + 1);
        c_expect(p, "two bodies", two, AILIB_OK, NULL);
        free(one);
        free(two);
    }
}

/* Bedrock: binary frames; messageStop brings the finish, metadata (after it) the usage. */
typedef struct cb_bytes { char *p; size_t len, cap; } cb_bytes;

static void cb_put(cb_bytes *b, const void *s, size_t n) {
    if (b->len + n > b->cap) { b->cap = (b->len + n) * 2 + 64; b->p = (char *)realloc(b->p, b->cap); }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void cb_u32(cb_bytes *b, uint32_t v) {
    unsigned char x[4];
    x[0] = (unsigned char)(v >> 24); x[1] = (unsigned char)(v >> 16); x[2] = (unsigned char)(v >> 8); x[3] = (unsigned char)v;
    cb_put(b, x, 4);
}

static uint32_t cb_crc(const char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) { c ^= (unsigned char)p[i]; for (k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1; }
    return ~c;
}

/* One AWS event-stream frame: the three string headers of an event, then the payload. */
static void cb_event(cb_bytes *b, const char *event, const char *json) {
    const char *h[6];
    size_t start = b->len, hl = 0, i, plen = strlen(json);
    h[0] = ":event-type"; h[1] = event; h[2] = ":content-type"; h[3] = "application/json"; h[4] = ":message-type"; h[5] = "event";
    for (i = 0; i < 6; i += 2) hl += 1 + strlen(h[i]) + 1 + 2 + strlen(h[i + 1]);
    cb_u32(b, (uint32_t)(12 + hl + plen + 4));
    cb_u32(b, (uint32_t)hl);
    cb_u32(b, cb_crc(b->p + start, 8));
    for (i = 0; i < 6; i += 2) {
        unsigned char nl = (unsigned char)strlen(h[i]), t = 7, vl[2];
        size_t v = strlen(h[i + 1]);
        vl[0] = (unsigned char)(v >> 8); vl[1] = (unsigned char)v;
        cb_put(b, &nl, 1); cb_put(b, h[i], nl); cb_put(b, &t, 1); cb_put(b, vl, 2); cb_put(b, h[i + 1], v);
    }
    cb_put(b, json, plen);
    cb_u32(b, cb_crc(b->p + start, b->len - start));
}

TEST(fidelity_completeness_rule_bedrock) {
    cb_bytes b;
    size_t before_stop, before_meta;
    replay_run r;
    memset(&b, 0, sizeof b);
    cb_event(&b, "messageStart", "{\"role\":\"assistant\"}");
    cb_event(&b, "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}");
    cb_event(&b, "contentBlockStop", "{\"contentBlockIndex\":0}");
    before_stop = b.len;
    cb_event(&b, "messageStop", "{\"stopReason\":\"end_turn\"}");
    before_meta = b.len;
    cb_event(&b, "metadata", "{\"usage\":{\"inputTokens\":3,\"outputTokens\":1,\"totalTokens\":4},\"metrics\":{\"latencyMs\":10}}");
    replay_all_ways("bedrock", b.p, b.len, 0, &r);
    EXPECT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hi");
    replay_free(&r);
    replay_all_ways("bedrock", b.p, before_meta, 0, &r);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "final usage") != NULL);
    replay_free(&r);
    replay_all_ways("bedrock", b.p, before_stop, 0, &r);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "truncated") != NULL);
    replay_free(&r);
    replay_all_ways("bedrock", b.p, b.len - 3, 0, &r);   /* the last frame cut */
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    replay_free(&r);
    free(b.p);
}

/* A truncation inside a final event's UTF-8 sequence is a truncation too; invalid UTF-8 in a
   whole final event stays the JSON error it is. */
TEST(fidelity_completeness_cut_final_event_utf8) {
    static const char cut[] = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
                              "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"caf\xC3";
    static const char bad[] = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"caf\xFF\"}}]}\n\n";
    replay_run r;
    replay_feed("openai", cut, sizeof cut - 1, 0, 0, &r);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "inside an event") != NULL);
    replay_free(&r);
    replay_feed("openai", bad, sizeof bad - 1, 0, 0, &r);
    EXPECT_NE(r.feed_result, AILIB_OK);
    EXPECT_NE(r.feed_result, AILIB_PROTOCOL);
    replay_free(&r);
}

/* --- conversations keep the new parts -------------------------------------------------------- */

TEST(fidelity_convo_keeps_provider_parts_and_kinds) {
    replay_run r;
    ailib_response *ra;
    ailib_convo *cv, *cv2;
    ailib_error err;
    ailib_json_writer w;
    ailib_json_doc *d = NULL;
    const ailib_message *ms, *ms2;
    size_t n, n2, i, j;
    ASSERT_TRUE(replay_file("anthropic", "tests/fixtures/anthropic/stream-server-tool-web-search.sse", &r));
    ra = parse_file("openai-responses", "tests/fixtures/responses/response-client-actions.json");
    ASSERT_TRUE(ra != NULL);
    cv = ailib_convo_create(NULL, &err);
    ASSERT_TRUE(cv != NULL);
    ASSERT_EQ(ailib_convo_add_user(cv, "q", &err), AILIB_OK);
    ASSERT_EQ(ailib_convo_add_response(cv, r.resp, &err), AILIB_OK);
    ASSERT_EQ(ailib_convo_add_response(cv, ra, &err), AILIB_OK);
    replay_free(&r);
    ailib_response_destroy(ra);
    /* the copies outlive the responses, and JSON keeps everything */
    ailib_json_writer_init(&w, NULL);
    ASSERT_EQ(ailib_convo_write_json(cv, &w), AILIB_OK);
    ASSERT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    ASSERT_EQ(ailib_json_parse(w.buf, w.len, NULL, &d, NULL), AILIB_OK);
    EXPECT_TRUE(strstr(w.buf, "\"type\":\"provider_tool_call\"") != NULL);
    EXPECT_TRUE(strstr(w.buf, "\"call_kind\":\"mcp_approval\"") != NULL);
    cv2 = ailib_convo_create(NULL, &err);
    ASSERT_EQ(ailib_convo_add_json(cv2, ailib_json_doc_root(d), &err), AILIB_OK);
    ms = ailib_convo_messages(cv, &n);
    ms2 = ailib_convo_messages(cv2, &n2);
    ASSERT_EQ(n, 3);
    ASSERT_EQ(n2, 3);
    EXPECT_EQ(ms[1].parts[0].type, AILIB_PART_PROVIDER_TOOL_CALL);
    EXPECT_EQ(ms[2].parts[0].call_kind, AILIB_CALL_CUSTOM);
    for (i = 1; i < 3; i++) {
        ASSERT_EQ(ms2[i].part_count, ms[i].part_count);
        for (j = 0; j < ms[i].part_count; j++) {
            const ailib_part *a = &ms[i].parts[j], *c = &ms2[i].parts[j];
            EXPECT_EQ(c->type, a->type);
            EXPECT_EQ(c->call_kind, a->call_kind);
            EXPECT_EQ(c->origin, a->origin);
            if (a->raw) EXPECT_MEM_EQ(c->raw, c->raw_len, a->raw); else EXPECT_TRUE(c->raw == NULL);
            EXPECT_MEM_EQ(c->text, c->text_len, a->text ? a->text : "");
        }
    }
    ailib_json_doc_destroy(d);
    ailib_json_writer_deinit(&w);
    ailib_convo_destroy(cv);
    ailib_convo_destroy(cv2);
}

/* --- the engine against ailib-mock --------------------------------------------------------- */

static ailib_client *f_client(const char *model, const char *spec) {
    const mock_server *m = mock_shared();
    char base[512];
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    if (!m) { ailib_test_fail(__FILE__, __LINE__, "ailib-mock could not be started (make build/ailib-mock)"); return NULL; }
    mock_url(m, spec, "/v1", base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = model;
    d.base_url = base;
    d.api_key = "test-key-fid";
    c = ailib_client_create(&d, &err);
    if (!c) ailib_test_fail(__FILE__, __LINE__, "client_create(%s): %s", model, err.message);
    return c;
}

/* The body of the last request the mock saw, as sent (malloc'd). */
static char *f_last_body(void) {
    int status = 0;
    char *s = mock_http(mock_shared(), "GET", "/_mock/last_request", &status), *out = NULL;
    ailib_json_doc *d = NULL;
    const char *b;
    size_t n;
    if (s && ailib_json_parse(s, strlen(s), NULL, &d, NULL) == AILIB_OK &&
        (b = ailib_json_str(fget(ailib_json_doc_root(d), "body"), &n)) != NULL) {
        out = (char *)malloc(n + 1);
        memcpy(out, b, n);
        out[n] = 0;
    }
    ailib_json_doc_destroy(d);
    free(s);
    return out;
}

typedef struct f_count { int runs; char last_kind; char args[256]; } f_count;

static int f_tool(void *user, const ailib_tool_call *call, ailib_tool_output *out) {
    f_count *c = (f_count *)user;
    c->runs++;
    c->last_kind = (char)('0' + (int)call->kind);
    snprintf(c->args, sizeof c->args, "%.*s", (int)call->arguments_len, call->arguments);
    ailib_tool_output_text(out, "42");
    return 0;
}

typedef struct f_events { int pcalls, presults, begins; } f_events;

static int f_on_event(void *user, const ailib_event *e) {
    f_events *t = (f_events *)user;
    if (e->type == AILIB_EVENT_PROVIDER_TOOL_CALL) t->pcalls++;
    if (e->type == AILIB_EVENT_PROVIDER_TOOL_RESULT) t->presults++;
    if (e->type == AILIB_EVENT_TOOL_CALL_BEGIN) t->begins++;
    return 0;
}

/* A tool loop never runs the provider's own tools: scenario=server_tools answers with a web
   search the provider ran; a handler named web_search stays untouched, the loop ends answered
   after one call, and the next turn sends the blocks back byte for byte. */
TEST(fidelity_engine_server_tools_not_run_by_the_loop) {
    static const char *const models[] = { "anthropic/claude-haiku-5-5", "openai-responses/gpt-5-mini" };
    size_t i;
    int stream;
    for (i = 0; i < 2; i++) {
        for (stream = 0; stream < 2; stream++) {
            ailib_client *c = f_client(models[i], "scenario=server_tools");
            ailib_convo *cv;
            ailib_error err;
            f_count cnt;
            f_events evs;
            ailib_tool_handler h;
            ailib_tool_loop_desc ld;
            ailib_tool_run *run = NULL;
            const ailib_response *resp;
            const ailib_message *m;
            ailib_response *r2 = NULL;
            char *sent;
            size_t k, nraw = 0;
            ASSERT_TRUE(c != NULL);
            cv = ailib_convo_create(NULL, &err);
            ASSERT_EQ(ailib_convo_add_user(cv, "tallest tower in Paris", &err), AILIB_OK);
            memset(&cnt, 0, sizeof cnt);
            memset(&evs, 0, sizeof evs);
            memset(&h, 0, sizeof h);
            h.tool = ailib_tool_make("web_search", "Searches the web", "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}}}");
            h.fn = f_tool;
            h.user = &cnt;
            memset(&ld, 0, sizeof ld);
            ld.tools = &h; ld.tool_count = 1;
            ld.stream = stream;
            ld.on_event = f_on_event; ld.event_user = &evs;
            EXPECT_EQ(ailib_tool_loop(c, cv, NULL, &ld, &run, &err), AILIB_OK);
            EXPECT_EQ(cnt.runs, 0);
            EXPECT_EQ(ailib_tool_run_end(run), AILIB_LOOP_ANSWERED);
            EXPECT_EQ(ailib_tool_run_step_count(run), 1);
            resp = ailib_tool_run_response(run);
            EXPECT_EQ(ailib_response_tool_call_count(resp), 0);
            EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_STOP);
            EXPECT_STR_EQ(ailib_response_text(resp, NULL), "Hello from ailib-mock. You said: tallest tower in Paris");
            m = ailib_response_message(resp);
            ASSERT_TRUE(m->part_count >= 2);
            EXPECT_EQ(m->parts[0].type, AILIB_PART_PROVIDER_TOOL_CALL);
            EXPECT_MEM_EQ(m->parts[0].name, m->parts[0].name_len, "web_search");
            EXPECT_TRUE(m->parts[0].text && strstr(m->parts[0].text, "tallest tower in Paris") != NULL);
            if (i == 0) {
                EXPECT_EQ(m->parts[1].type, AILIB_PART_PROVIDER_TOOL_RESULT);
                EXPECT_TRUE(m->parts[1].text && strstr(m->parts[1].text, "https://example.com/ailib-mock") != NULL);
                EXPECT_TRUE(m->parts[2].raw && strstr(m->parts[2].raw, "web_search_result_location") != NULL);   /* citations kept */
            }
            EXPECT_EQ(evs.pcalls, stream ? 1 : 0);   /* events come with streamed calls */
            EXPECT_EQ(evs.begins, 0);
            /* the next turn: every kept block back as it came */
            ASSERT_EQ(ailib_convo_add_user(cv, "and in feet?", &err), AILIB_OK);
            EXPECT_EQ(ailib_convo_chat(c, cv, NULL, &r2, &err), AILIB_OK);
            sent = f_last_body();
            ASSERT_TRUE(sent != NULL);
            for (k = 0; k < m->part_count; k++)
                if (m->parts[k].raw) {
                    nraw++;
                    if (!strstr(sent, m->parts[k].raw))
                        ailib_test_fail(__FILE__, __LINE__, "%s: part %lu not sent back as it came: %.80s", models[i], (unsigned long)k, m->parts[k].raw);
                }
            EXPECT_TRUE(nraw >= (i == 0 ? 3u : 1u));
            EXPECT_STR_EQ(ailib_response_text(r2, NULL), "Hello from ailib-mock. You said: and in feet?");
            free(sent);
            ailib_response_destroy(r2);
            ailib_tool_run_destroy(run);
            ailib_convo_destroy(cv);
            ailib_client_destroy(c);
        }
    }
}

/* The Responses API's client actions through the tool loop: each kind is run by its handler
   and answered in its own kind of item; the mock then answers with the output. */
TEST(fidelity_engine_responses_client_actions_tool_loop) {
    static const struct { ailib_tool_kind kind; const char *name; const char *spec; ailib_call_kind want; const char *out_type; } k[] = {
        { AILIB_TOOL_CUSTOM, "write_sql", NULL, AILIB_CALL_CUSTOM, "custom_tool_call_output" },
        { AILIB_TOOL_LOCAL_SHELL, "local_shell", NULL, AILIB_CALL_LOCAL_SHELL, "local_shell_call_output" },
        { AILIB_TOOL_APPLY_PATCH, "apply_patch", NULL, AILIB_CALL_APPLY_PATCH, "apply_patch_call_output" },
        { AILIB_TOOL_FUNCTION, "mock_echo", "{\"type\":\"mcp\",\"server_label\":\"mock\",\"server_url\":\"https://example.com/mcp\","
          "\"require_approval\":\"always\"}", AILIB_CALL_MCP_APPROVAL, "mcp_approval_response" }
    };
    size_t i;
    int stream;
    for (i = 0; i < sizeof k / sizeof k[0]; i++) {
        for (stream = 0; stream < 2; stream++) {
            ailib_client *c = f_client("openai-responses/gpt-5.1", "scenario=tool");
            ailib_error err;
            f_count cnt;
            ailib_tool_handler h;
            ailib_tool_loop_desc ld;
            ailib_tool_run *run = NULL;
            ailib_message msg;
            ailib_request req = replay_one_message(&msg, "list the files");
            const ailib_response *first;
            char *sent, want_kind[2];
            ASSERT_TRUE(c != NULL);
            memset(&cnt, 0, sizeof cnt);
            memset(&h, 0, sizeof h);
            h.tool = ailib_tool_make(k[i].name, "a client action", NULL);
            h.tool.kind = k[i].kind;
            h.tool.spec = k[i].spec;
            h.fn = f_tool;
            h.user = &cnt;
            memset(&ld, 0, sizeof ld);
            ld.tools = &h; ld.tool_count = 1;
            ld.stream = stream;
            req.model = NULL;
            EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &ld, &run, &err), AILIB_OK);
            EXPECT_EQ(cnt.runs, 1);
            want_kind[0] = (char)('0' + (int)k[i].want); want_kind[1] = 0;
            if (cnt.last_kind != want_kind[0]) ailib_test_fail(__FILE__, __LINE__, "%s: call kind %c, expected %s", k[i].name, cnt.last_kind, want_kind);
            if (k[i].kind == AILIB_TOOL_CUSTOM) EXPECT_STR_EQ(cnt.args, "list the files");
            EXPECT_EQ(ailib_tool_run_end(run), AILIB_LOOP_ANSWERED);
            EXPECT_EQ(ailib_tool_run_step_count(run), 2);
            first = ailib_tool_run_step(run, 0)->response;
            EXPECT_EQ(ailib_response_finish_reason(first), AILIB_FINISH_TOOL_CALLS);
            EXPECT_EQ(ailib_response_tool_call(first, 0)->kind, k[i].want);
            sent = f_last_body();
            ASSERT_TRUE(sent != NULL);
            if (!strstr(sent, k[i].out_type)) ailib_test_fail(__FILE__, __LINE__, "%s: no %s in %.300s", k[i].name, k[i].out_type, sent);
            if (k[i].want == AILIB_CALL_MCP_APPROVAL) {
                EXPECT_TRUE(strstr(sent, "\"approve\":true") != NULL);
                EXPECT_TRUE(strncmp(ailib_response_text(ailib_tool_run_response(run), NULL), "The tool said: ", 15) == 0);
            } else {
                EXPECT_STR_EQ(ailib_response_text(ailib_tool_run_response(run), NULL), "The tool said: 42");
            }
            free(sent);
            ailib_tool_run_destroy(run);
            ailib_client_destroy(c);
        }
    }
}

/* OpenAI chat completions and its dialects: fixtures, hand-written streams, request bodies. */
#include "test.h"
#include "replay.h"
#include <stdlib.h>

TEST(openai_fixture_tool_call_include_usage) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_usage *u;
    if (!replay_fixture("openai", "openai/chat-stream-tool-call-include-usage.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "gpt-4o-mini-2024-07-18");
    EXPECT_STR_EQ(ailib_response_id(r.resp), "chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "call_ZR5UUuTt3pf61kjwAJIYdVMj");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_capital");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"country\":\"UK\"}");
    ASSERT_TRUE(c->args != NULL);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(c->args, "country"), NULL), "UK");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "tool_calls");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 53);
    EXPECT_EQ(u->output_tokens, 15);
    EXPECT_EQ(u->total_tokens, 68);
    EXPECT_EQ(u->cached_input_tokens, 0);
    EXPECT_EQ(u->reasoning_tokens, 0);
    EXPECT_TRUE((u->reported & AILIB_USAGE_CACHED) != 0);
    EXPECT_EQ(replay_count(&r, "B "), 1);
    EXPECT_EQ(replay_count(&r, "D "), 5);
    EXPECT_EQ(replay_count(&r, "E "), 1);
    EXPECT_EQ(replay_count(&r, "F "), 1);
    EXPECT_EQ(replay_count(&r, "U "), 1);
    replay_free(&r);
}

/* FNV-1a 64 of a byte string: long recorded texts are asserted by length + hash (the expected
   values were computed from the fixture files independently of ailib). */
static uint64_t fnv1a(const char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;
    for (i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 0x100000001b3ULL; }
    return h;
}

#define EXPECT_TEXT_HASH(get, r, want_len, want_hash) do { size_t tl_; const char *t_ = get((r).resp, &tl_); \
    EXPECT_EQ(tl_, want_len); EXPECT_TRUE(fnv1a(t_, tl_) == (want_hash)); } while (0)

static void expect_usage(const ailib_response *resp, int64_t in, int64_t out, int64_t cached, int64_t reasoning) {
    const ailib_usage *u = ailib_response_usage(resp);
    EXPECT_EQ(u->input_tokens, in);
    EXPECT_EQ(u->output_tokens, out);
    EXPECT_EQ(u->total_tokens, in + out);
    EXPECT_EQ(u->cached_input_tokens, cached);
    EXPECT_EQ(u->reasoning_tokens, reasoning);
    EXPECT_EQ(u->cache_write_tokens, 0);
}

static void expect_call(const ailib_response *resp, size_t i, const char *id, const char *name, const char *args,
                        const char *key, const char *value) {
    const ailib_tool_call *c = ailib_response_tool_call(resp, i);
    ASSERT_TRUE(c != NULL);
    EXPECT_MEM_EQ(c->id, c->id_len, id);
    EXPECT_MEM_EQ(c->name, c->name_len, name);
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, args);
    EXPECT_EQ(c->args_error, AILIB_OK);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(c->args, key), NULL), value);
}

TEST(openai_fixture_azure_content_filter_results) {
    replay_run r;
    if (!replay_fixture("azure", "azure/chat-stream-prompt_filter_results-content_filter_results.chunks.jsonl", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.finish_result, AILIB_OK);
    /* the first chunk has empty id/model and choices: []: neither an end nor an error */
    EXPECT_STR_EQ(ailib_response_model(r.resp), "gpt-5-nano-2025-08-07");
    EXPECT_STR_EQ(ailib_response_id(r.resp), "chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Capital of Denmark.");
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "");
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    expect_usage(r.resp, 15, 78, 0, 64);
    replay_free(&r);
}

TEST(openai_fixture_mistral_tool_call_without_index) {
    replay_run r;
    if (!replay_fixture("mistral", "mistral/chat-stream-tool-call-no-index.chunks.jsonl", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "mistral-small-latest");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    expect_call(r.resp, 0, "gSIMJiOkT", "weather", "{\"location\": \"San Francisco\"}", "location", "San Francisco");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    expect_usage(r.resp, 124, 22, 0, 0);
    EXPECT_EQ(replay_count(&r, "B "), 1);
    EXPECT_EQ(replay_count(&r, "E "), 1);
    replay_free(&r);
}

TEST(openai_fixture_mistral_magistral_thinking_array_content) {
    replay_run r;
    size_t n;
    const char *t;
    if (!replay_fixture("mistral", "mistral/chat-stream-magistral-thinking-chunks.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "magistral-medium-latest");
    EXPECT_TEXT_HASH(ailib_response_text, r, 607, 0x1993c76feaa26defULL);
    EXPECT_TEXT_HASH(ailib_response_reasoning, r, 421, 0x3c7029e360e601e7ULL);
    t = ailib_response_reasoning(r.resp, &n);
    EXPECT_TRUE(n > 10 && memcmp(t, "Okay, the user is asking how to cross the street.", 49) == 0);
    t = ailib_response_text(r.resp, &n);
    EXPECT_TRUE(n > 10 && memcmp(t, "To cross the street safely", 26) == 0);
    /* the message keeps reasoning and answer as separate parts, in order */
    ASSERT_EQ(ailib_response_message(r.resp)->part_count, 2);
    EXPECT_EQ(ailib_response_message(r.resp)->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(ailib_response_message(r.resp)->parts[1].type, AILIB_PART_TEXT);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    expect_usage(r.resp, 10, 232, 0, 0);
    replay_free(&r);
}

TEST(openai_fixture_deepseek_reasoning_content) {
    replay_run r;
    if (!replay_fixture("deepseek", "deepseek/chat-stream-reasoning_content.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "deepseek-reasoner");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hello there! \xF0\x9F\x98\x8A How can I help you today?");
    EXPECT_TEXT_HASH(ailib_response_reasoning, r, 882, 0xe9f5fb14c955387aULL);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    expect_usage(r.resp, 6, 212, 0, 198);
    replay_free(&r);
}

TEST(openai_fixture_deepseek_reasoning_then_tool_call) {
    replay_run r;
    if (!replay_fixture("deepseek", "deepseek/chat-stream-reasoning-then-tool-call.chunks.jsonl", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_TEXT_HASH(ailib_response_reasoning, r, 191, 0x18e9288e91638b3cULL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    expect_call(r.resp, 0, "call_00_ioIn7yN9p1ZOMNpDLwd4MgAF", "weather", "{\"location\": \"San Francisco\"}", "location", "San Francisco");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    /* prompt_cache_hit_tokens and prompt_tokens_details.cached_tokens agree: 320 */
    expect_usage(r.resp, 339, 83, 320, 39);
    replay_free(&r);
}

TEST(openai_fixture_qwen_repeated_empty_ids) {
    replay_run r;
    if (!replay_fixture("qwen", "openai-compatible/dashscope-qwen-stream-tool-call.chunks.jsonl", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "qwen3-max");
    /* continuation deltas repeat "id":"" and "type":"function": still one call, id kept */
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    expect_call(r.resp, 0, "call_eee11723464a4b9eb8cee71d", "weather", "{\"location\": \"San Francisco\"}", "location", "San Francisco");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    expect_usage(r.resp, 295, 22, 0, 0);
    replay_free(&r);
}

TEST(openai_fixture_xai_reasoning_excluded_from_completion) {
    replay_run r;
    if (!replay_fixture("xai", "openai-compatible/xai-chat-stream-reasoning-tool-call.chunks.jsonl", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "grok-3-mini");
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "First, the user is");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    expect_call(r.resp, 0, "call_55117580", "weather", "{\"location\":\"San Francisco\"}", "location", "San Francisco");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    /* 291 + 26 + 196 = 513: completion_tokens excludes reasoning, so output = 26 + 196 */
    expect_usage(r.resp, 291, 222, 290, 196);
    replay_free(&r);
}

TEST(openai_fixture_zai_glm_reasoning_content) {
    replay_run r;
    if (!replay_fixture("zai", "openai-compatible/zai-glm-stream-reasoning_content.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "glm-4.7");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "4");
    EXPECT_TEXT_HASH(ailib_response_reasoning, r, 2173, 0xec960c86d25074e3ULL);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    expect_usage(r.resp, 13, 564, 0, 561);
    replay_free(&r);
}

TEST(openai_fixture_groq_event_error_after_reasoning) {
    replay_run r;
    const ailib_error *e;
    if (!replay_fixture("groq", "openai-compatible/groq-stream-event-error-tool_use_failed.sse", &r)) TEST_SKIP("fixture corpus absent");
    /* event: error after HTTP 200: the stream fails with the mapped code, what came before stays */
    EXPECT_EQ(r.feed_result, AILIB_INVALID_REQUEST);
    EXPECT_EQ(r.finish_result, AILIB_INVALID_REQUEST);
    EXPECT_EQ(r.err.code, AILIB_INVALID_REQUEST);
    EXPECT_STR_EQ(r.err.provider_code, "tool_use_failed");
    EXPECT_STR_EQ(r.err.provider_type, "invalid_request_error");
    EXPECT_FALSE(r.err.retryable);
    EXPECT_TRUE(strncmp(r.err.provider_message, "Tool call validation failed", 27) == 0);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "openai/gpt-oss-120b");
    EXPECT_TEXT_HASH(ailib_response_reasoning, r, 412, 0x589117ad8306ce4cULL);
    e = ailib_response_error(r.resp);
    ASSERT_TRUE(e != NULL);
    EXPECT_EQ(e->code, AILIB_INVALID_REQUEST);
    EXPECT_EQ(replay_count(&r, "X "), 1);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_NONE);
    replay_free(&r);
}

TEST(openai_fixture_openrouter_comments_and_inline_error) {
    replay_run r;
    if (!replay_fixture("openrouter", "openai-compatible/openrouter-stream-keepalive-comments-and-error.sse", &r)) TEST_SKIP("fixture corpus absent");
    /* a chunk with a top-level error (HTTP 200): usage from that chunk is still taken */
    EXPECT_EQ(r.feed_result, AILIB_INVALID_REQUEST);
    EXPECT_STR_EQ(r.err.provider_message, "Token limit reached");
    EXPECT_STR_EQ(r.err.provider_code, "400");
    EXPECT_STR_EQ(ailib_response_model(r.resp), "minimax/minimax-m2:free");
    EXPECT_TEXT_HASH(ailib_response_reasoning, r, 42, 0xb052a904dca1c348ULL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_LENGTH);
    expect_usage(r.resp, 43, 10, 0, 11);
    replay_free(&r);
}

TEST(openai_fixture_ollama_v1_whole_response_reasoning_field) {
    /* Ollama's OpenAI-compatible /v1 returns reasoning as message.reasoning */
    static const ailib_provider_info ollama_v1 = { "ollama-v1", AILIB_PROTOCOL_OPENAI_CHAT, "http://localhost:11434/v1",
                                                   AILIB_AUTH_NONE, NULL, NULL, "qwen3:0.6b", 0 };
    ailib_endpoint ep;
    ailib_response *resp = NULL;
    ailib_error err;
    size_t len, n;
    const char *t;
    char *body = ailib_test_fixture("ollama/openai-compat-v1-chat-json_schema-reasoning.json", &len);
    if (!body) TEST_SKIP("fixture corpus absent");
    memset(&ep, 0, sizeof ep);
    ep.provider = &ollama_v1;
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, body, len, &resp, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "{ \"city\": \"Paris\", \"country\": \"France\" }");
    t = ailib_response_reasoning(resp, &n);
    EXPECT_EQ(n, 508);
    EXPECT_TRUE(strncmp(t, "Okay, the user is asking for the capital of France.", 51) == 0);
    EXPECT_STR_EQ(ailib_response_model(resp), "qwen3:0.6b");
    EXPECT_STR_EQ(ailib_response_id(resp), "chatcmpl-150");
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_STOP);
    expect_usage(resp, 136, 15, 0, 0);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(ailib_response_raw(resp), "system_fingerprint"), NULL), "fp_ollama");
    ailib_response_destroy(resp);
    free(body);
}

TEST(openai_fixture_error_400_unsupported_parameter) {
    ailib_endpoint ep;
    ailib_error err;
    size_t len;
    char *body = ailib_test_fixture("openai/error-400-unsupported_parameter.json", &len);
    if (!body) TEST_SKIP("fixture corpus absent");
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("openai");
    EXPECT_EQ(ailib_wire_error_parse(&ep, 400, body, len, &err), AILIB_INVALID_REQUEST);
    EXPECT_EQ(err.code, AILIB_INVALID_REQUEST);
    EXPECT_EQ(err.http_status, 400);
    EXPECT_FALSE(err.retryable);
    EXPECT_STR_EQ(err.provider_type, "invalid_request_error");
    EXPECT_STR_EQ(err.provider_code, "unsupported_parameter");
    EXPECT_STR_EQ(err.provider_message, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.");
    EXPECT_TRUE(strstr(err.message, "HTTP 400") != NULL);
    EXPECT_EQ(err.retry_after_ms, -1);
    free(body);
}

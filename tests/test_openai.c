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

/* --- hand-written streams (tests/fixtures/openai), from the documented formats ------------- */

static int own_fixture(const char *provider, const char *name, replay_run *r) {
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/openai/%s", name);
    return replay_file(provider, path, r);
}

TEST(openai_stream_tool_index_from_one_parallel) {
    replay_run r;
    ASSERT_TRUE(own_fixture("openai", "tool-index-from-one-parallel.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Checking.");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 2);
    expect_call(r.resp, 0, "call_a", "weather", "{\"city\":\"Oslo\"}", "city", "Oslo");
    expect_call(r.resp, 1, "call_b", "time", "{\"tz\":\"UTC\"}", "tz", "UTC");
    /* interleaved argument deltas are routed by index, numbered by appearance */
    EXPECT_TRUE(strstr(r.log, "D 1 {\"tz\":\n") != NULL);
    EXPECT_TRUE(strstr(r.log, "D 0 {\"city\":\"Oslo\"}\n") != NULL);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    /* the message keeps text then both calls */
    ASSERT_EQ(ailib_response_message(r.resp)->part_count, 3);
    EXPECT_EQ(ailib_response_message(r.resp)->parts[0].type, AILIB_PART_TEXT);
    EXPECT_EQ(ailib_response_message(r.resp)->parts[2].type, AILIB_PART_TOOL_CALL);
    /* the stream never sent usage: nothing reported */
    EXPECT_EQ(ailib_response_usage(r.resp)->reported, 0);
    replay_free(&r);
}

TEST(openai_stream_reused_index_with_new_id_opens_new_call) {
    replay_run r;
    ASSERT_TRUE(own_fixture("openai", "tool-index-reused-new-id.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 2);
    expect_call(r.resp, 0, "call_1", "a", "{\"x\":1}", "x", NULL);
    EXPECT_EQ(ailib_json_int(ailib_json_get(ailib_response_tool_call(r.resp, 0)->args, "x")), 1);
    /* the trailing delta with "id":"" and "name":"" neither opens a call nor blanks the second */
    expect_call(r.resp, 1, "call_2", "b", "{\"y\":2}", "y", NULL);
    expect_usage(r.resp, 7, 5, 0, 0);
    replay_free(&r);
}

TEST(openai_stream_empty_and_truncated_arguments) {
    replay_run r;
    const ailib_tool_call *c;
    ASSERT_TRUE(own_fixture("openai", "tool-empty-and-invalid-arguments.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 2);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{}");        /* empty means {} */
    EXPECT_TRUE(ailib_json_is_object(c->args));
    c = ailib_response_tool_call(r.resp, 1);
    /* cut at max tokens: the raw text is kept, the parse error reported, no crash */
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"text\":\"unfinish");
    EXPECT_TRUE(c->args == NULL);
    EXPECT_EQ(c->args_error, AILIB_JSON_SYNTAX);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_LENGTH);
    replay_free(&r);
}

TEST(openai_stream_think_tags_split_across_chunks) {
    replay_run r;
    ASSERT_TRUE(own_fixture("together", "think-tags-split.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "Let me see: 2+2 < 5 is true.");
    /* a '<' that starts no tag stays text, even at a chunk end */
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "\n\nThe answer is 4 <3? no.");
    ASSERT_EQ(ailib_response_message(r.resp)->part_count, 2);
    EXPECT_EQ(ailib_response_message(r.resp)->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(ailib_response_message(r.resp)->parts[1].type, AILIB_PART_TEXT);
    /* top-level cached_tokens (Together, Kimi) counts as cached input */
    expect_usage(r.resp, 9, 20, 4, 0);
    replay_free(&r);
}

TEST(openai_stream_think_tags_ignored_without_quirk) {
    replay_run r;
    ASSERT_TRUE(own_fixture("openai", "think-tags-split.sse", &r));
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "<think>Let me see: 2+2 < 5 is true.</think>\n\nThe answer is 4 <3? no.");
    replay_free(&r);
}

TEST(openai_stream_cut_before_finish_is_protocol_error) {
    replay_run r;
    ASSERT_TRUE(own_fixture("openai", "cut-before-finish.sse", &r));
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_EQ(r.err.code, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "truncated") != NULL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hello wor");   /* what arrived is kept */
    replay_free(&r);
}

TEST(openai_stream_data_error_object) {
    replay_run r;
    ASSERT_TRUE(own_fixture("openai", "data-error-object.sse", &r));
    EXPECT_EQ(r.feed_result, AILIB_SERVER);
    EXPECT_TRUE(r.err.retryable);
    EXPECT_STR_EQ(r.err.provider_type, "server_error");
    EXPECT_STR_EQ(r.err.provider_code, "");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Partial");
    EXPECT_EQ(replay_count(&r, "X AILIB_SERVER"), 1);
    replay_free(&r);
}

TEST(openai_stream_usage_inside_choice) {
    replay_run r;
    ASSERT_TRUE(own_fixture("kimi", "usage-in-choice.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hi");
    expect_usage(r.resp, 11, 2, 8, 0);
    replay_free(&r);
}

TEST(openai_stream_body_error_code_without_space_after_colon) {
    replay_run r;
    ASSERT_TRUE(own_fixture("spark", "body-error-code.sse", &r));
    EXPECT_EQ(r.feed_result, AILIB_PROVIDER);
    EXPECT_STR_EQ(r.err.provider_code, "10013");
    EXPECT_STR_EQ(r.err.provider_message, "input content audit failed");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hel");
    replay_free(&r);
    /* the same body from a row without the quirk: "code" is just an unknown field */
    ASSERT_TRUE(own_fixture("openai", "body-error-code.sse", &r));
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    replay_free(&r);
}

TEST(openai_whole_response_parallel_tool_calls) {
    ailib_endpoint ep;
    ailib_response *resp = NULL;
    ailib_error err;
    size_t len;
    char *body = ailib_test_read_file("tests/fixtures/openai/whole-tool-calls.json", &len);
    const ailib_message *m;
    ASSERT_TRUE(body != NULL);
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("openai");
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, body, len, &resp, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_id(resp), "chatcmpl-W1");
    EXPECT_STR_EQ(ailib_response_model(resp), "gpt-4.1-nano-2025-04-14");
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "");
    ASSERT_EQ(ailib_response_tool_call_count(resp), 2);
    expect_call(resp, 0, "call_P1", "get_weather", "{\"city\":\"Paris\"}", "city", "Paris");
    expect_call(resp, 1, "call_P2", "get_weather", "{\"city\":\"Rome\"}", "city", "Rome");
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_TOOL_CALLS);
    expect_usage(resp, 53, 31, 32, 12);
    m = ailib_response_message(resp);
    EXPECT_EQ(m->role, AILIB_ROLE_ASSISTANT);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TOOL_CALL);
    EXPECT_MEM_EQ(m->parts[1].id, m->parts[1].id_len, "call_P2");
    ailib_response_destroy(resp);
    free(body);
}

TEST(openai_error_bodies_map_to_codes) {
    static const struct { int status; const char *body; ailib_result code; int retry; const char *type; } cases[] = {
        {401, "{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}", AILIB_AUTH, 0, "invalid_request_error"},
        {404, "{\"error\":{\"message\":\"The model does not exist\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}", AILIB_NOT_FOUND, 0, "invalid_request_error"},
        {429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}", AILIB_RATE_LIMITED, 1, "requests"},
        {429, "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}", AILIB_QUOTA_EXCEEDED, 0, "insufficient_quota"},
        {500, "{\"error\":{\"message\":\"oops\",\"type\":\"server_error\"}}", AILIB_SERVER, 1, "server_error"},
        {503, "", AILIB_OVERLOADED, 1, ""},
        {502, "<html><body>Bad gateway</body></html>", AILIB_SERVER, 1, ""},
        {400, "{\"error\":{\"code\":\"content_filter\",\"message\":\"filtered\",\"param\":\"prompt\",\"status\":400}}", AILIB_CONTENT_FILTER, 0, ""},
        {422, "{\"object\":\"error\",\"message\":{\"detail\":[{\"loc\":[\"body\",\"x\"]}]},\"type\":\"invalid_request_message_error\",\"code\":null}", AILIB_INVALID_REQUEST, 0, "invalid_request_message_error"},
        {408, "{}", AILIB_TIMEOUT, 1, ""}
    };
    size_t i;
    ailib_endpoint ep;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("openai");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ailib_error err;
        EXPECT_EQ(ailib_wire_error_parse(&ep, cases[i].status, cases[i].body, strlen(cases[i].body), &err), cases[i].code);
        EXPECT_EQ(err.retryable, cases[i].retry);
        EXPECT_EQ(err.http_status, cases[i].status);
        EXPECT_STR_EQ(err.provider_type, cases[i].type);
        EXPECT_TRUE(err.message[0] != 0);
    }
}

/* --- request bodies ------------------------------------------------------------------------ */

typedef struct built { ailib_wire_request wr; ailib_json_doc *doc; const ailib_json *root; ailib_result r; ailib_error err; } built;

static void build(const char *provider, const ailib_request *req, int stream, built *b) {
    ailib_endpoint ep;
    memset(&ep, 0, sizeof ep);
    memset(b, 0, sizeof *b);
    ep.provider = ailib_provider_find(provider);
    ep.api_key = "sk-test-123";
    b->r = ailib_wire_request_build(&ep, req, stream, &b->wr, &b->err);
    if (b->r == AILIB_OK && ailib_json_parse(b->wr.body, b->wr.body_len, NULL, &b->doc, NULL) == AILIB_OK)
        b->root = ailib_json_doc_root(b->doc);
}

static void built_free(built *b) { ailib_wire_request_deinit(&b->wr); ailib_json_doc_destroy(b->doc); }

static const char *header(const built *b, const char *name) { return replay_header(&b->wr, name); }

TEST(openai_request_basic_fields) {
    ailib_message msgs[2];
    ailib_request req;
    const char *stops[2] = { "END", "\n\n" };
    built b;
    const ailib_json *m;
    memset(msgs, 0, sizeof msgs);
    memset(&req, 0, sizeof req);
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = "Hello \"there\"\n";
    msgs[1].role = AILIB_ROLE_ASSISTANT; msgs[1].text = "Hi.";
    req.model = "openai/gpt-4o-mini";
    req.system = "Be terse.";
    req.messages = msgs; req.message_count = 2;
    req.temperature = ailib_set(0);          /* an explicit 0 is sent */
    req.seed = ailib_set_int(7);
    req.max_tokens = 100;
    req.stop = stops; req.stop_count = 2;
    req.user = "u-1";
    build("openai", &req, 1, &b);
    ASSERT_EQ(b.r, AILIB_OK);
    ASSERT_TRUE(b.root != NULL);
    EXPECT_STR_EQ(b.wr.url, "https://api.openai.com/v1/chat/completions");
    EXPECT_STR_EQ(b.wr.method, "POST");
    EXPECT_STR_EQ(header(&b, "Authorization"), "Bearer sk-test-123");
    EXPECT_STR_EQ(header(&b, "Content-Type"), "application/json");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(b.root, "model"), NULL), "gpt-4o-mini");   /* prefix stripped */
    m = ailib_json_get(b.root, "messages");
    ASSERT_EQ(ailib_json_size(m), 3);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(ailib_json_at(m, 0), "role"), NULL), "system");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(ailib_json_at(m, 0), "content"), NULL), "Be terse.");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(ailib_json_at(m, 1), "content"), NULL), "Hello \"there\"\n");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(ailib_json_at(m, 2), "role"), NULL), "assistant");
    EXPECT_TRUE(ailib_json_get(b.root, "temperature") != NULL);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(b.root, "temperature")), 0.0);
    EXPECT_TRUE(ailib_json_get(b.root, "top_p") == NULL);            /* unset: not sent */
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "seed")), 7);
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "max_completion_tokens")), 100);   /* OpenAI row quirk */
    EXPECT_TRUE(ailib_json_get(b.root, "max_tokens") == NULL);
    EXPECT_EQ(ailib_json_size(ailib_json_get(b.root, "stop")), 2);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_at(ailib_json_get(b.root, "stop"), 1), NULL), "\n\n");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(b.root, "user"), NULL), "u-1");
    EXPECT_TRUE(ailib_json_bool(ailib_json_get(b.root, "stream")));
    EXPECT_TRUE(ailib_json_bool(ailib_json_path(b.root, "stream_options", "include_usage", NULL)));
    EXPECT_TRUE(b.wr.stream);
    built_free(&b);
}

TEST(openai_request_dialect_quirks) {
    ailib_message msg;
    ailib_request req;
    built b;
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.text = "x";
    req.messages = &msg; req.message_count = 1;
    req.max_tokens = 50;
    req.seed = ailib_set_int(3);
    req.tool_choice.mode = AILIB_TOOL_CHOICE_REQUIRED;
    {
        static const ailib_tool t = { "f", "does f", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}", 1,
                                      AILIB_TOOL_FUNCTION, NULL };
        req.tools = &t; req.tool_count = 1;
        build("mistral", &req, 0, &b);
    }
    ASSERT_EQ(b.r, AILIB_OK);
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "max_tokens")), 50);       /* not max_completion_tokens */
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "random_seed")), 3);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(b.root, "tool_choice"), NULL), "any");
    EXPECT_TRUE(ailib_json_get(b.root, "stream") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "stream_options") == NULL);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(ailib_json_at(ailib_json_get(b.root, "tools"), 0), "function", "name", NULL), NULL), "f");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(ailib_json_at(ailib_json_get(b.root, "tools"), 0), "function", "parameters", "properties", "a", "type", NULL), NULL), "string");
    EXPECT_TRUE(ailib_json_bool(ailib_json_path(ailib_json_at(ailib_json_get(b.root, "tools"), 0), "function", "strict", NULL)));
    built_free(&b);
    build("openai", &req, 0, &b);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(b.root, "tool_choice"), NULL), "required");
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "seed")), 3);
    built_free(&b);
}

TEST(openai_request_reasoning_dialects) {
    ailib_message msg;
    ailib_request req;
    built b;
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.text = "x";
    req.messages = &msg; req.message_count = 1;
    req.reasoning.effort = AILIB_EFFORT_HIGH;
    build("openai", &req, 0, &b);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(b.root, "reasoning_effort"), NULL), "high");
    built_free(&b);
    build("openrouter", &req, 0, &b);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(b.root, "reasoning", "effort", NULL), NULL), "high");
    EXPECT_TRUE(ailib_json_get(b.root, "reasoning_effort") == NULL);
    built_free(&b);
    build("deepseek", &req, 0, &b);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(b.root, "thinking", "type", NULL), NULL), "enabled");
    built_free(&b);
    req.reasoning.effort = AILIB_EFFORT_DEFAULT;
    req.reasoning.budget_tokens = 4000;
    build("qwen", &req, 0, &b);
    EXPECT_TRUE(ailib_json_bool(ailib_json_get(b.root, "enable_thinking")));
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "thinking_budget")), 4000);
    built_free(&b);
    req.reasoning.budget_tokens = 0;
    req.reasoning.effort = AILIB_EFFORT_NONE;
    build("qwen", &req, 0, &b);
    EXPECT_TRUE(ailib_json_get(b.root, "enable_thinking") != NULL);
    EXPECT_FALSE(ailib_json_bool(ailib_json_get(b.root, "enable_thinking")));
    built_free(&b);
    req.reasoning.effort = AILIB_EFFORT_DEFAULT;
    build("openai", &req, 0, &b);
    EXPECT_TRUE(ailib_json_get(b.root, "reasoning_effort") == NULL);   /* default: nothing sent */
    built_free(&b);
}

TEST(openai_request_tool_conversation_and_images) {
    static const unsigned char png[4] = { 0x89, 'P', 'N', 'G' };
    ailib_part user_parts[2], asst_parts[3], tool_parts[1];
    ailib_message msgs[3];
    ailib_request req;
    built b;
    const ailib_json *m, *c;
    memset(user_parts, 0, sizeof user_parts);
    memset(asst_parts, 0, sizeof asst_parts);
    memset(tool_parts, 0, sizeof tool_parts);
    memset(msgs, 0, sizeof msgs);
    memset(&req, 0, sizeof req);
    user_parts[0].type = AILIB_PART_TEXT; user_parts[0].text = "What is this?";
    user_parts[1].type = AILIB_PART_IMAGE; user_parts[1].data = png; user_parts[1].data_len = 4; user_parts[1].mime = "image/png";
    asst_parts[0].type = AILIB_PART_THINKING; asst_parts[0].text = "I should look it up.";
    asst_parts[1].type = AILIB_PART_TOOL_CALL; asst_parts[1].id = "call_1"; asst_parts[1].name = "lookup"; asst_parts[1].text = "{\"q\":\"png\"}";
    asst_parts[2].type = AILIB_PART_TOOL_CALL; asst_parts[2].id = "call_2"; asst_parts[2].name = "noargs";
    tool_parts[0].type = AILIB_PART_TOOL_RESULT; tool_parts[0].id = "call_1"; tool_parts[0].text = "an image format";
    msgs[0].role = AILIB_ROLE_USER; msgs[0].parts = user_parts; msgs[0].part_count = 2;
    msgs[1].role = AILIB_ROLE_ASSISTANT; msgs[1].parts = asst_parts; msgs[1].part_count = 3;
    msgs[2].role = AILIB_ROLE_TOOL; msgs[2].parts = tool_parts; msgs[2].part_count = 1;
    req.messages = msgs; req.message_count = 3;
    build("openai", &req, 0, &b);
    ASSERT_EQ(b.r, AILIB_OK);
    m = ailib_json_get(b.root, "messages");
    ASSERT_EQ(ailib_json_size(m), 3);
    c = ailib_json_get(ailib_json_at(m, 0), "content");
    ASSERT_EQ(ailib_json_size(c), 2);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(ailib_json_at(c, 1), "type"), NULL), "image_url");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(ailib_json_at(c, 1), "image_url", "url", NULL), NULL), "data:image/png;base64,iVBORw==");
    c = ailib_json_at(m, 1);
    EXPECT_TRUE(ailib_json_is_null(ailib_json_get(c, "content")));
    EXPECT_TRUE(ailib_json_get(c, "reasoning_content") == NULL);     /* OpenAI row: not echoed */
    EXPECT_EQ(ailib_json_size(ailib_json_get(c, "tool_calls")), 2);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(ailib_json_at(ailib_json_get(c, "tool_calls"), 0), "function", "arguments", NULL), NULL), "{\"q\":\"png\"}");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(ailib_json_at(ailib_json_get(c, "tool_calls"), 1), "function", "arguments", NULL), NULL), "{}");
    c = ailib_json_at(m, 2);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(c, "role"), NULL), "tool");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(c, "tool_call_id"), NULL), "call_1");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(c, "content"), NULL), "an image format");
    built_free(&b);
    /* DeepSeek requires reasoning_content back on assistant turns with tool calls */
    build("deepseek", &req, 0, &b);
    c = ailib_json_at(ailib_json_get(b.root, "messages"), 1);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(c, "reasoning_content"), NULL), "I should look it up.");
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "max_tokens")), 0);
    built_free(&b);
}

TEST(openai_request_response_format_and_extra_json) {
    ailib_message msg;
    ailib_request req;
    built b;
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.text = "x";
    req.messages = &msg; req.message_count = 1;
    req.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
    req.response_format.name = "city";
    req.response_format.schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]}";
    req.response_format.strict = 1;
    req.extra_json = "{\"model\":\"override\",\"service_tier\":\"flex\",\"metadata\":{\"k\":1}}";
    build("openai", &req, 0, &b);
    ASSERT_EQ(b.r, AILIB_OK);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(b.root, "response_format", "type", NULL), NULL), "json_schema");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(b.root, "response_format", "json_schema", "name", NULL), NULL), "city");
    EXPECT_TRUE(ailib_json_bool(ailib_json_path(b.root, "response_format", "json_schema", "strict", NULL)));
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(b.root, "response_format", "json_schema", "schema", "required", NULL) ? ailib_json_at(ailib_json_path(b.root, "response_format", "json_schema", "schema", "required", NULL), 0) : NULL, NULL), "name");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(b.root, "model"), NULL), "override");   /* extra replaces */
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(b.root, "service_tier"), NULL), "flex");
    EXPECT_EQ(ailib_json_int(ailib_json_path(b.root, "metadata", "k", NULL)), 1);
    {
        /* the key appears once */
        size_t n, count = 0;
        const ailib_json *k;
        for (n = ailib_json_size(b.root), k = ailib_json_first(b.root); n; n--, k = ailib_json_next(k + 1))
            if (strcmp(ailib_json_str(k, NULL), "model") == 0) count++;
        EXPECT_EQ(count, 1);
    }
    built_free(&b);
}

TEST(openai_request_bad_input_gets_typed_errors) {
    ailib_message msg;
    ailib_request req;
    ailib_tool t;
    built b;
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    memset(&t, 0, sizeof t);
    msg.text = "x";
    req.messages = &msg; req.message_count = 1;
    t.name = "broken"; t.parameters = "{\"type\":";
    req.tools = &t; req.tool_count = 1;
    build("openai", &req, 0, &b);
    EXPECT_EQ(b.r, AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(b.err.message, "broken") != NULL);
    built_free(&b);
    req.tool_count = 0;
    req.extra_json = "[1]";
    build("openai", &req, 0, &b);
    EXPECT_EQ(b.r, AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(b.err.message, "extra_json") != NULL);
    built_free(&b);
    req.extra_json = NULL;
    req.tool_choice.mode = AILIB_TOOL_CHOICE_NAMED;
    build("openai", &req, 0, &b);
    EXPECT_EQ(b.r, AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(b.err.message, "tool_choice.name") != NULL);
    built_free(&b);
    req.tool_choice.mode = AILIB_TOOL_CHOICE_AUTO;
    msg.text = "bad \xC3\x28 utf8";
    build("openai", &req, 0, &b);
    EXPECT_NE(b.r, AILIB_OK);
    built_free(&b);
    msg.text = "x";
    build("azure", &req, 0, &b);          /* base URL needs {AZURE_OPENAI_ENDPOINT} */
    EXPECT_EQ(b.r, AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(b.err.message, "AZURE_OPENAI_ENDPOINT") != NULL);
    built_free(&b);
    /* the key never reaches an error message */
    EXPECT_TRUE(strstr(b.err.message, "sk-test-123") == NULL);
}

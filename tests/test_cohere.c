/* Cohere v2 chat: recorded fixtures, hand-written bodies (tests/fixtures/cohere), request
   bodies field by field, error bodies. */
#include "test.h"
#include "replay.h"
#include <stdlib.h>

/* --- helpers ------------------------------------------------------------------------------- */

static ailib_endpoint co_ep(void) {
    ailib_endpoint ep;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("cohere");
    return ep;
}

static int co_replay_file(const char *path, replay_run *r) { return replay_file("cohere", path, r); }

static ailib_result co_parse_file(const char *path, ailib_response **out, ailib_error *err) {
    return replay_parse_file("cohere", path, out, err);
}

typedef replay_body co_body;

static ailib_result co_build(const ailib_request *q, int stream, co_body *b, ailib_error *err) {
    return replay_build("cohere", "co-test-key", q, stream, b, err);
}

static void co_body_free(co_body *b) { replay_body_free(b); }

static const char *co_hdr(const ailib_wire_request *wr, const char *name) { return replay_header(wr, name); }

static const char *co_s(const ailib_json *v) { return ailib_json_str(v, NULL); }
static const ailib_json *co_at(const ailib_json *v, size_t i) { return ailib_json_at(v, i); }
static const ailib_json *co_get(const ailib_json *v, const char *k) { return ailib_json_get(v, k); }

/* --- recorded fixtures --------------------------------------------------------------------- */

TEST(cohere_fixture_tool_plan_tool_calls) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_usage *u;
    const ailib_message *m;
    if (!replay_fixture("cohere", "cohere/v2-chat-stream-tool-plan-tool-calls.chunks.jsonl", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_id(r.resp), "2941521a-b87a-45f6-9b0d-235fd66c3025");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL),
                  "I will use the weather tool to find the weather in San Francisco and the cityAttractions tool to find "
                  "attractions in San Francisco.");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 2);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "weather_e8p4pn45zt0t");
    EXPECT_MEM_EQ(c->name, c->name_len, "weather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"location\": \"San Francisco\"}");
    EXPECT_EQ(c->args_error, AILIB_OK);
    EXPECT_STR_EQ(co_s(co_get(c->args, "location")), "San Francisco");
    c = ailib_response_tool_call(r.resp, 1);
    EXPECT_MEM_EQ(c->id, c->id_len, "cityAttractions_pyxssbwnq9fq");
    EXPECT_MEM_EQ(c->name, c->name_len, "cityAttractions");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\": \"San Francisco\"}");
    EXPECT_STR_EQ(co_s(co_get(c->args, "city")), "San Francisco");
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 3);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "TOOL_CALL");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 1549);
    EXPECT_EQ(u->output_tokens, 95);
    EXPECT_EQ(u->total_tokens, 1644);
    EXPECT_EQ(u->cached_input_tokens, 1504);
    EXPECT_EQ(u->cache_write_tokens, 0);
    EXPECT_EQ(u->reasoning_tokens, 0);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_CACHED | AILIB_USAGE_BILLED);
    EXPECT_EQ(replay_count(&r, "R "), 27);
    EXPECT_EQ(replay_count(&r, "B 0 weather_e8p4pn45zt0t weather"), 1);
    EXPECT_EQ(replay_count(&r, "B 1 cityAttractions_pyxssbwnq9fq cityAttractions"), 1);
    EXPECT_EQ(replay_count(&r, "D 0 "), 7);
    EXPECT_EQ(replay_count(&r, "D 1 "), 7);
    EXPECT_EQ(replay_count(&r, "E 0 weather_e8p4pn45zt0t weather {\"location\": \"San Francisco\"}"), 1);
    EXPECT_EQ(replay_count(&r, "E 1 cityAttractions_pyxssbwnq9fq cityAttractions {\"city\": \"San Francisco\"}"), 1);
    EXPECT_EQ(replay_count(&r, "U 1549 95 1644 1504 0 0"), 1);
    EXPECT_EQ(replay_count(&r, "F tool_calls TOOL_CALL"), 1);
    replay_free(&r);
}

TEST(cohere_fixture_thinking) {
    static const char thinking[] =
        "The user is asking for the sum of 2 and 2. Since this is a straightforward arithmetic problem, I don't need to use "
        "any tools. I can calculate the answer directly.";
    replay_run r;
    const ailib_usage *u;
    const ailib_message *m;
    if (!replay_fixture("cohere", "cohere/v2-chat-stream-thinking.chunks.jsonl", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_id(r.resp), "c9117d7f-a7e4-499f-b643-a2a1e139687b");
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), thinking);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "The answer to 2 + 2 is 4.");
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_MEM_EQ(m->parts[0].text, m->parts[0].text_len, thinking);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "COMPLETE");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 1394);
    EXPECT_EQ(u->output_tokens, 54);
    EXPECT_EQ(u->total_tokens, 1448);
    EXPECT_EQ(u->cached_input_tokens, 1360);
    EXPECT_EQ(replay_count(&r, "R "), 36);
    EXPECT_EQ(replay_count(&r, "T "), 9);
    EXPECT_EQ(replay_count(&r, "F stop COMPLETE"), 1);
    replay_free(&r);
}

/* --- hand-written whole responses ---------------------------------------------------------- */

TEST(cohere_whole_tool_calls) {
    ailib_response *resp;
    ailib_error e;
    const ailib_tool_call *c;
    const ailib_usage *u;
    const ailib_message *m;
    ailib_error_clear(&e);
    ASSERT_EQ(co_parse_file("tests/fixtures/cohere/chat-tool-calls.json", &resp, &e), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_id(resp), "0b7c4e2a-hand-0000-0000-000000000001");
    EXPECT_STR_EQ(ailib_response_reasoning(resp, NULL), "I will look up the weather in Paris and the local time.");
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "");
    ASSERT_EQ(ailib_response_tool_call_count(resp), 2);
    c = ailib_response_tool_call(resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "weather_hw7k2m9q1a");
    EXPECT_MEM_EQ(c->name, c->name_len, "weather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"location\":\"Paris\",\"days\":2}");
    EXPECT_STR_EQ(co_s(co_get(c->args, "location")), "Paris");
    EXPECT_EQ(ailib_json_int(co_get(c->args, "days")), 2);
    c = ailib_response_tool_call(resp, 1);
    EXPECT_MEM_EQ(c->id, c->id_len, "clock_hw3n8p5r2b");
    EXPECT_MEM_EQ(c->name, c->name_len, "clock");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{}");   /* empty arguments mean {} */
    EXPECT_TRUE(ailib_json_is_object(c->args));
    m = ailib_response_message(resp);
    ASSERT_EQ(m->part_count, 3);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "TOOL_CALL");
    u = ailib_response_usage(resp);
    EXPECT_EQ(u->input_tokens, 820);
    EXPECT_EQ(u->output_tokens, 45);
    EXPECT_EQ(u->total_tokens, 865);
    EXPECT_EQ(u->cached_input_tokens, 512);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_CACHED | AILIB_USAGE_BILLED);
    ailib_response_destroy(resp);
}

TEST(cohere_whole_text_citations) {
    ailib_response *resp;
    ailib_error e;
    const ailib_usage *u;
    const ailib_message *m;
    ailib_error_clear(&e);
    ASSERT_EQ(co_parse_file("tests/fixtures/cohere/chat-text-citations.json", &resp, &e), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_reasoning(resp, NULL), "The tool said 18 degrees and sunny.");
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "It is 18\xc2\xb0" "C and sunny in Paris.");
    EXPECT_EQ(ailib_response_tool_call_count(resp), 0);
    m = ailib_response_message(resp);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "COMPLETE");
    u = ailib_response_usage(resp);
    EXPECT_EQ(u->input_tokens, 905);
    EXPECT_EQ(u->output_tokens, 33);
    EXPECT_EQ(u->cached_input_tokens, 0);
    EXPECT_EQ(u->reported & AILIB_USAGE_CACHED, 0);
    ailib_response_destroy(resp);
}

/* --- hand-written streams ------------------------------------------------------------------ */

TEST(cohere_stream_empty_tool_call) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_usage *u;
    ASSERT_TRUE(co_replay_file("tests/fixtures/cohere/stream-empty-tool-call.sse", &r));
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "I will check the time.");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "current_time_hw4q8z");
    EXPECT_MEM_EQ(c->name, c->name_len, "current_time");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{}");
    EXPECT_EQ(c->args_error, AILIB_OK);
    EXPECT_EQ(ailib_json_size(c->args), 0);
    EXPECT_EQ(replay_count(&r, "D "), 0);
    EXPECT_EQ(replay_count(&r, "E 0 current_time_hw4q8z current_time {}"), 1);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 600);
    EXPECT_EQ(u->output_tokens, 30);
    EXPECT_EQ(u->reported & AILIB_USAGE_CACHED, 0);
    replay_free(&r);
}

TEST(cohere_stream_billed_units_fallback_and_citations) {
    replay_run r;
    const ailib_usage *u;
    ASSERT_TRUE(co_replay_file("tests/fixtures/cohere/stream-billed-units-citations.sse", &r));
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_id(r.resp), "0b7c4e2a-hand-0000-0000-000000000004");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Emperor penguins are the tallest");
    EXPECT_EQ(ailib_response_message(r.resp)->part_count, 1);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_LENGTH);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "MAX_TOKENS");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 8);
    EXPECT_EQ(u->output_tokens, 12);
    EXPECT_EQ(u->total_tokens, 20);
    EXPECT_EQ(u->cached_input_tokens, 0);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_BILLED);
    EXPECT_EQ(replay_count(&r, "T "), 2);
    EXPECT_EQ(replay_count(&r, "U 8 12 20 0 0 0"), 1);
    replay_free(&r);
}

TEST(cohere_stream_cut_before_message_end) {
    static const char body[] =
        "event: message-start\ndata: {\"id\":\"x1\",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\"}}}\n\n"
        "event: content-start\ndata: {\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}\n\n"
        "event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Half\"}}}}\n\n";
    replay_run r;
    replay_all_ways("cohere", body, sizeof body - 1, 1, &r);
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Half");
    replay_free(&r);
}

/* --- errors -------------------------------------------------------------------------------- */

TEST(cohere_error_bodies) {
    static const char b429[] = "{\"id\":\"3c0e9c1a-hw-429\",\"message\":\"You are using a Trial key, which is limited to 20 API calls / minute.\"}";
    static const char b400[] = "{\"id\":\"3c0e9c1a-hw-400\",\"message\":\"invalid request: message must be at least 1 token long\"}";
    ailib_endpoint ep = co_ep();
    ailib_error e;
    ailib_response *resp = NULL;
    EXPECT_EQ(ailib_wire_error_parse(&ep, 429, b429, sizeof b429 - 1, &e), AILIB_RATE_LIMITED);
    EXPECT_EQ(e.retryable, 1);
    EXPECT_EQ(e.http_status, 429);
    EXPECT_STR_EQ(e.provider_message, "You are using a Trial key, which is limited to 20 API calls / minute.");
    EXPECT_EQ(ailib_wire_response_parse(&ep, 400, b400, sizeof b400 - 1, &resp, &e), AILIB_INVALID_REQUEST);
    EXPECT_TRUE(resp == NULL);
    EXPECT_EQ(e.retryable, 0);
    EXPECT_STR_EQ(e.provider_message, "invalid request: message must be at least 1 token long");
    /* the same envelope with status 200 is still an error, never an empty answer */
    EXPECT_NE(ailib_wire_response_parse(&ep, 200, b400, sizeof b400 - 1, &resp, &e), AILIB_OK);
    EXPECT_TRUE(resp == NULL);
    EXPECT_STR_EQ(e.provider_message, "invalid request: message must be at least 1 token long");
}

/* --- request bodies ------------------------------------------------------------------------ */

TEST(cohere_request_basics) {
    static const char *stops[] = { "END" };
    ailib_message msgs[3];
    ailib_request q;
    co_body b;
    ailib_error e;
    const ailib_json *ms, *rf;
    memset(msgs, 0, sizeof msgs); memset(&q, 0, sizeof q);
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = "Weather in SF?";
    msgs[1].role = AILIB_ROLE_SYSTEM; msgs[1].text = "Use metric units.";
    msgs[2].role = AILIB_ROLE_USER; msgs[2].text = "And tomorrow?";
    q.model = "cohere/command-a-03-2025";
    q.system = "Be terse.";
    q.messages = msgs; q.message_count = 3;
    q.temperature = ailib_set(0.3);
    q.top_p = ailib_set(0.75);
    q.top_k = ailib_set_int(0);
    q.max_tokens = 1024;
    q.stop = stops; q.stop_count = 1;
    q.seed = ailib_set_int(7);
    q.frequency_penalty = ailib_set(0.5);
    q.presence_penalty = ailib_set(0.25);
    q.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
    q.response_format.schema = "{\"type\":\"object\",\"properties\":{\"t\":{\"type\":\"number\"}}}";
    q.reasoning.budget_tokens = 2048;
    ailib_error_clear(&e);
    ASSERT_EQ(co_build(&q, 1, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "https://api.cohere.com/v2/chat");
    EXPECT_STR_EQ(co_hdr(&b.wr, "Authorization"), "Bearer co-test-key");
    EXPECT_TRUE(co_hdr(&b.wr, "anthropic-version") == NULL);
    EXPECT_STR_EQ(co_s(co_get(b.root, "model")), "command-a-03-2025");
    ms = co_get(b.root, "messages");
    ASSERT_EQ(ailib_json_size(ms), 4);
    EXPECT_STR_EQ(co_s(co_get(co_at(ms, 0), "role")), "system");
    EXPECT_STR_EQ(co_s(co_get(co_at(ms, 0), "content")), "Be terse.");
    EXPECT_STR_EQ(co_s(co_get(co_at(ms, 1), "role")), "system");
    EXPECT_STR_EQ(co_s(co_get(co_at(ms, 1), "content")), "Use metric units.");
    EXPECT_STR_EQ(co_s(co_get(co_at(ms, 2), "role")), "user");
    EXPECT_STR_EQ(co_s(co_get(co_at(ms, 2), "content")), "Weather in SF?");
    EXPECT_STR_EQ(co_s(co_get(co_at(ms, 3), "content")), "And tomorrow?");
    EXPECT_DBL_EQ(ailib_json_double(co_get(b.root, "temperature")), 0.3);
    EXPECT_DBL_EQ(ailib_json_double(co_get(b.root, "p")), 0.75);
    EXPECT_EQ(ailib_json_type_of(co_get(b.root, "k")), AILIB_JSON_INT);
    EXPECT_EQ(ailib_json_int(co_get(b.root, "k")), 0);
    EXPECT_TRUE(co_get(b.root, "top_p") == NULL);
    EXPECT_TRUE(co_get(b.root, "top_k") == NULL);
    EXPECT_EQ(ailib_json_int(co_get(b.root, "max_tokens")), 1024);
    EXPECT_STR_EQ(co_s(co_at(co_get(b.root, "stop_sequences"), 0)), "END");
    EXPECT_EQ(ailib_json_int(co_get(b.root, "seed")), 7);
    EXPECT_DBL_EQ(ailib_json_double(co_get(b.root, "frequency_penalty")), 0.5);
    EXPECT_DBL_EQ(ailib_json_double(co_get(b.root, "presence_penalty")), 0.25);
    rf = co_get(b.root, "response_format");
    EXPECT_STR_EQ(co_s(co_get(rf, "type")), "json_object");
    EXPECT_STR_EQ(co_s(ailib_json_path(rf, "json_schema", "properties", "t", "type", NULL)), "number");
    EXPECT_STR_EQ(co_s(ailib_json_path(b.root, "thinking", "type", NULL)), "enabled");
    EXPECT_EQ(ailib_json_int(ailib_json_path(b.root, "thinking", "token_budget", NULL)), 2048);
    EXPECT_TRUE(ailib_json_bool(co_get(b.root, "stream")));
    EXPECT_TRUE(co_get(b.root, "tools") == NULL);
    EXPECT_TRUE(co_get(b.root, "tool_choice") == NULL);
    co_body_free(&b);

    q.response_format.type = AILIB_FORMAT_JSON; q.response_format.schema = NULL;
    q.reasoning.budget_tokens = 0; q.reasoning.effort = AILIB_EFFORT_NONE;
    ASSERT_EQ(co_build(&q, 0, &b, &e), AILIB_OK);
    rf = co_get(b.root, "response_format");
    EXPECT_STR_EQ(co_s(co_get(rf, "type")), "json_object");
    EXPECT_EQ(ailib_json_size(rf), 1);
    EXPECT_STR_EQ(co_s(ailib_json_path(b.root, "thinking", "type", NULL)), "disabled");
    EXPECT_TRUE(ailib_json_path(b.root, "thinking", "token_budget", NULL) == NULL);
    EXPECT_TRUE(co_get(b.root, "stream") == NULL);
    co_body_free(&b);
}

TEST(cohere_request_tools_and_turns) {
    static const unsigned char png[4] = { 0x89, 'P', 'N', 'G' };
    ailib_tool tools[1];
    ailib_part user_parts[2], asst[3], res[2];
    ailib_message msgs[3];
    ailib_request q;
    co_body b;
    ailib_error e;
    const ailib_json *ms, *m, *tc, *t;
    memset(tools, 0, sizeof tools); memset(user_parts, 0, sizeof user_parts); memset(asst, 0, sizeof asst);
    memset(res, 0, sizeof res); memset(msgs, 0, sizeof msgs); memset(&q, 0, sizeof q);
    tools[0].name = "weather"; tools[0].description = "Weather of a city";
    tools[0].parameters = "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}";
    user_parts[0].type = AILIB_PART_TEXT; user_parts[0].text = "Weather where this photo was taken?";
    user_parts[1].type = AILIB_PART_IMAGE; user_parts[1].data = png; user_parts[1].data_len = 4; user_parts[1].mime = "image/png";
    asst[0].type = AILIB_PART_THINKING; asst[0].text = "I will use the weather tool.";
    asst[1].type = AILIB_PART_TOOL_CALL; asst[1].id = "weather_a1"; asst[1].name = "weather"; asst[1].text = "{\"location\":\"SF\"}";
    asst[2].type = AILIB_PART_TOOL_CALL; asst[2].id = "weather_b2"; asst[2].name = "weather";
    res[0].type = AILIB_PART_TOOL_RESULT; res[0].id = "weather_a1"; res[0].text = "{\"temp\":18}";
    res[1].type = AILIB_PART_TOOL_RESULT; res[1].id = "weather_b2"; res[1].text = "no data";
    msgs[0].role = AILIB_ROLE_USER; msgs[0].parts = user_parts; msgs[0].part_count = 2;
    msgs[1].role = AILIB_ROLE_ASSISTANT; msgs[1].parts = asst; msgs[1].part_count = 3;
    msgs[2].role = AILIB_ROLE_TOOL; msgs[2].parts = res; msgs[2].part_count = 2;
    q.model = "command-a-vision-07-2025";   /* takes images (the catalog rejects images for text-only models) */
    q.messages = msgs; q.message_count = 3;
    q.tools = tools; q.tool_count = 1;
    ailib_error_clear(&e);
    ASSERT_EQ(co_build(&q, 0, &b, &e), AILIB_OK);
    t = co_get(b.root, "tools");
    ASSERT_EQ(ailib_json_size(t), 1);
    EXPECT_STR_EQ(co_s(co_get(co_at(t, 0), "type")), "function");
    EXPECT_STR_EQ(co_s(ailib_json_path(co_at(t, 0), "function", "name", NULL)), "weather");
    EXPECT_STR_EQ(co_s(ailib_json_path(co_at(t, 0), "function", "description", NULL)), "Weather of a city");
    EXPECT_STR_EQ(co_s(ailib_json_path(co_at(t, 0), "function", "parameters", "properties", "location", "type", NULL)), "string");
    EXPECT_TRUE(co_get(b.root, "tool_choice") == NULL);
    ms = co_get(b.root, "messages");
    ASSERT_EQ(ailib_json_size(ms), 4);
    m = co_at(ms, 0);
    EXPECT_STR_EQ(co_s(co_get(m, "role")), "user");
    ASSERT_EQ(ailib_json_size(co_get(m, "content")), 2);
    EXPECT_STR_EQ(co_s(co_get(co_at(co_get(m, "content"), 0), "type")), "text");
    EXPECT_STR_EQ(co_s(co_get(co_at(co_get(m, "content"), 0), "text")), "Weather where this photo was taken?");
    EXPECT_STR_EQ(co_s(co_get(co_at(co_get(m, "content"), 1), "type")), "image_url");
    EXPECT_STR_EQ(co_s(ailib_json_path(co_at(co_get(m, "content"), 1), "image_url", "url", NULL)), "data:image/png;base64,iVBORw==");
    m = co_at(ms, 1);
    EXPECT_STR_EQ(co_s(co_get(m, "role")), "assistant");
    EXPECT_TRUE(co_get(m, "content") == NULL);
    EXPECT_STR_EQ(co_s(co_get(m, "tool_plan")), "I will use the weather tool.");
    tc = co_get(m, "tool_calls");
    ASSERT_EQ(ailib_json_size(tc), 2);
    EXPECT_STR_EQ(co_s(co_get(co_at(tc, 0), "id")), "weather_a1");
    EXPECT_STR_EQ(co_s(co_get(co_at(tc, 0), "type")), "function");
    EXPECT_STR_EQ(co_s(ailib_json_path(co_at(tc, 0), "function", "name", NULL)), "weather");
    EXPECT_STR_EQ(co_s(ailib_json_path(co_at(tc, 0), "function", "arguments", NULL)), "{\"location\":\"SF\"}");
    EXPECT_STR_EQ(co_s(ailib_json_path(co_at(tc, 1), "function", "arguments", NULL)), "{}");
    m = co_at(ms, 2);
    EXPECT_STR_EQ(co_s(co_get(m, "role")), "tool");
    EXPECT_STR_EQ(co_s(co_get(m, "tool_call_id")), "weather_a1");
    ASSERT_EQ(ailib_json_size(co_get(m, "content")), 1);
    EXPECT_STR_EQ(co_s(co_get(co_at(co_get(m, "content"), 0), "type")), "document");
    EXPECT_STR_EQ(co_s(ailib_json_path(co_at(co_get(m, "content"), 0), "document", "data", NULL)), "{\"temp\":18}");
    m = co_at(ms, 3);
    EXPECT_STR_EQ(co_s(co_get(m, "role")), "tool");
    EXPECT_STR_EQ(co_s(co_get(m, "tool_call_id")), "weather_b2");
    EXPECT_STR_EQ(co_s(ailib_json_path(co_at(co_get(m, "content"), 0), "document", "data", NULL)), "no data");
    co_body_free(&b);

    q.tool_choice.mode = AILIB_TOOL_CHOICE_REQUIRED;
    ASSERT_EQ(co_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(co_s(co_get(b.root, "tool_choice")), "REQUIRED");
    co_body_free(&b);
    q.tool_choice.mode = AILIB_TOOL_CHOICE_NAMED; q.tool_choice.name = "weather";
    ASSERT_EQ(co_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(co_s(co_get(b.root, "tool_choice")), "REQUIRED");
    co_body_free(&b);
    q.tool_choice.mode = AILIB_TOOL_CHOICE_NONE; q.tool_choice.name = NULL;
    tools[0].strict = 1;
    ASSERT_EQ(co_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(co_s(co_get(b.root, "tool_choice")), "NONE");
    EXPECT_EQ(ailib_json_type_of(co_get(b.root, "strict_tools")), AILIB_JSON_TRUE);
    co_body_free(&b);
}

/* A streamed Cohere answer with tool calls goes back as tool_plan + tool_calls. */
TEST(cohere_request_round_trip_of_streamed_calls) {
    replay_run r;
    ailib_message msgs[2];
    ailib_request q;
    co_body b;
    ailib_error e;
    const ailib_json *m;
    if (!replay_fixture("cohere", "cohere/v2-chat-stream-tool-plan-tool-calls.chunks.jsonl", &r)) TEST_SKIP("fixture corpus absent");
    memset(msgs, 0, sizeof msgs); memset(&q, 0, sizeof q);
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = "Weather and attractions in SF?";
    msgs[1] = *ailib_response_message(r.resp);
    q.model = "command-a-03-2025"; q.messages = msgs; q.message_count = 2;
    ailib_error_clear(&e);
    ASSERT_EQ(co_build(&q, 0, &b, &e), AILIB_OK);
    m = co_at(co_get(b.root, "messages"), 1);
    EXPECT_STR_EQ(co_s(co_get(m, "tool_plan")),
                  "I will use the weather tool to find the weather in San Francisco and the cityAttractions tool to find "
                  "attractions in San Francisco.");
    EXPECT_EQ(ailib_json_size(co_get(m, "tool_calls")), 2);
    EXPECT_STR_EQ(co_s(co_get(co_at(co_get(m, "tool_calls"), 1), "id")), "cityAttractions_pyxssbwnq9fq");
    EXPECT_STR_EQ(co_s(ailib_json_path(co_at(co_get(m, "tool_calls"), 1), "function", "arguments", NULL)), "{\"city\": \"San Francisco\"}");
    co_body_free(&b);
    replay_free(&r);
}

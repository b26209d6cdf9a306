/* OpenAI Responses API: recorded fixtures, hand-written streams and bodies, request bodies. */
#include "test.h"
#include "replay.h"
#include <stdlib.h>

/* --- helpers ------------------------------------------------------------------------------ */

static ailib_endpoint rs_ep(void) {
    ailib_endpoint ep;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("openai-responses");
    ep.api_key = "sk-test";
    return ep;
}

/* Builds req and parses its body; NULL (with a recorded failure) when either step fails. */
static ailib_json_doc *rs_build(const ailib_request *req, int stream, ailib_wire_request *wr) {
    ailib_endpoint ep = rs_ep();
    ailib_error err;
    ailib_json_doc *d = NULL;
    ailib_result r = ailib_wire_request_build(&ep, req, stream, wr, &err);
    if (r != AILIB_OK) { ailib_test_fail(__FILE__, __LINE__, "build: %s %s", ailib_result_name(r), err.message); return NULL; }
    if (ailib_json_parse(wr->body, wr->body_len, NULL, &d, &err) != AILIB_OK) {
        ailib_test_fail(__FILE__, __LINE__, "body is not JSON: %s", err.message);
        ailib_wire_request_deinit(wr);
        return NULL;
    }
    return d;
}

static const char *rs_header(const ailib_wire_request *wr, const char *name) {
    size_t i;
    for (i = 0; i < wr->header_count; i++) if (strcmp(wr->headers[i].name, name) == 0) return wr->headers[i].value;
    return NULL;
}

/* True when the JSON text equals the value (compared as JSON). */
static int rs_json_is(const ailib_json *v, const char *json) {
    ailib_json_doc *d = NULL;
    int eq;
    if (ailib_json_parse(json, strlen(json), NULL, &d, NULL) != AILIB_OK) return 0;
    eq = ailib_json_equal(v, ailib_json_doc_root(d));
    ailib_json_doc_destroy(d);
    return eq;
}

static const char *rs_str(const ailib_json *v) { return ailib_json_str(v, NULL); }

static replay_run rs_replay_text(const char *body) {
    replay_run r;
    replay_all_ways("openai-responses", body, strlen(body), 1, &r);
    return r;
}

/* --- recorded fixtures ---------------------------------------------------------------------- */

TEST(responses_fixture_text_event_lines) {
    replay_run r;
    const ailib_usage *u;
    const ailib_message *m;
    if (!replay_fixture("openai-responses", "openai/responses-stream-text-event-lines.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "The capital of Minas Gerais is Belo Horizonte.");
    EXPECT_STR_EQ(ailib_response_model(r.resp), "gpt-4o-mini-2024-07-18");
    EXPECT_STR_EQ(ailib_response_id(r.resp), "resp_0ecff685e411ca7b0069e063569c7c819bbc74c80d853802e6");
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "");
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "stop");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 25);
    EXPECT_EQ(u->output_tokens, 10);
    EXPECT_EQ(u->total_tokens, 35);
    EXPECT_EQ(u->cached_input_tokens, 0);
    EXPECT_EQ(u->reasoning_tokens, 0);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_CACHED | AILIB_USAGE_REASONING);
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 1);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_TEXT);
    EXPECT_TRUE(ailib_response_error(r.resp) == NULL);
    EXPECT_EQ(replay_count(&r, "T "), 9);
    EXPECT_EQ(replay_count(&r, "U "), 1);
    EXPECT_EQ(replay_count(&r, "F "), 1);
    EXPECT_EQ(r.events, 11);
    EXPECT_STR_EQ(r.log + r.log_len - strlen("U 25 10 35 0 0 0\nF stop stop\n"), "U 25 10 35 0 0 0\nF stop stop\n");
    replay_free(&r);
}

TEST(responses_fixture_error_insufficient_quota) {
    replay_run r;
    const ailib_error *e;
    if (!replay_fixture("openai-responses", "openai/responses-stream-error-insufficient_quota.chunks.jsonl", &r)) TEST_SKIP("fixture corpus absent");
    EXPECT_EQ(r.feed_result, AILIB_QUOTA_EXCEEDED);
    EXPECT_EQ(r.finish_result, AILIB_QUOTA_EXCEEDED);
    EXPECT_EQ(r.err.code, AILIB_QUOTA_EXCEEDED);
    EXPECT_EQ(r.err.retryable, 0);
    EXPECT_EQ(r.err.http_status, 0);
    EXPECT_STR_EQ(r.err.provider_code, "insufficient_quota");
    EXPECT_STR_EQ(r.err.provider_type, "insufficient_quota");
    EXPECT_TRUE(strncmp(r.err.provider_message, "You exceeded your current quota, please check your plan and billing details.", 76) == 0);
    EXPECT_TRUE(strstr(r.err.message, "quota or budget exhausted: You exceeded your current quota") == r.err.message);
    ASSERT_TRUE(r.resp != NULL);
    e = ailib_response_error(r.resp);
    ASSERT_TRUE(e != NULL);
    EXPECT_EQ(e->code, AILIB_QUOTA_EXCEEDED);
    EXPECT_STR_EQ(e->provider_code, "insufficient_quota");
    EXPECT_STR_EQ(ailib_response_id(r.resp), "resp_05500b38c2cd9bfc00691c7c9d222481a3b595421266dab424");
    EXPECT_STR_EQ(ailib_response_model(r.resp), "gpt-5-nano-2025-08-07");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");
    EXPECT_EQ(replay_count(&r, "X AILIB_QUOTA_EXCEEDED You exceeded"), 1);
    EXPECT_EQ(r.events, 1);
    replay_free(&r);
}

/* --- hand-written streams ------------------------------------------------------------------- */

static const char rs_sum1[] = "**Planning the lookup**\n\nThe user wants the weather in Paris and Tokyo.";
static const char rs_sum2[] = "Calling get_weather once per city.";

TEST(responses_stream_reasoning_function_calls) {
    size_t len = 0;
    char *body = ailib_test_read_file("tests/fixtures/responses/stream-reasoning-function-calls.sse", &len);
    replay_run r;
    const ailib_tool_call *c;
    const ailib_usage *u;
    const ailib_message *m;
    char reasoning[256];
    ASSERT_TRUE(body != NULL);
    replay_all_ways("openai-responses", body, len, 1, &r);
    free(body);
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_id(r.resp), "resp_68a1f0c2d4e8");
    EXPECT_STR_EQ(ailib_response_model(r.resp), "o4-mini-2025-04-16");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Checking both cities now.");
    snprintf(reasoning, sizeof reasoning, "%s%s", rs_sum1, rs_sum2);
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), reasoning);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 2);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "call_Paris7");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_weather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\":\"Paris\"}");
    EXPECT_EQ(c->args_error, AILIB_OK);
    EXPECT_STR_EQ(rs_str(ailib_json_get(c->args, "city")), "Paris");
    c = ailib_response_tool_call(r.resp, 1);
    EXPECT_MEM_EQ(c->id, c->id_len, "call_Tokyo9");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_weather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\":\"Tokyo\"}");
    EXPECT_STR_EQ(rs_str(ailib_json_get(c->args, "city")), "Tokyo");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "tool_calls");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 182);
    EXPECT_EQ(u->output_tokens, 311);
    EXPECT_EQ(u->total_tokens, 493);
    EXPECT_EQ(u->cached_input_tokens, 128);
    EXPECT_EQ(u->reasoning_tokens, 256);
    EXPECT_EQ(u->cache_write_tokens, 0);
    /* the message keeps each summary part, the reasoning item id and its encrypted content */
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 5);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_MEM_EQ(m->parts[0].text, m->parts[0].text_len, rs_sum1);
    EXPECT_EQ(m->parts[0].id_len, 0);
    EXPECT_EQ(m->parts[0].signature_len, 0);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_THINKING);
    EXPECT_MEM_EQ(m->parts[1].text, m->parts[1].text_len, rs_sum2);
    EXPECT_MEM_EQ(m->parts[1].id, m->parts[1].id_len, "rs_68a1f0c3");
    EXPECT_MEM_EQ(m->parts[1].signature, m->parts[1].signature_len, "gAAAAABoocDwENCRYPTED_0==");
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TEXT);
    EXPECT_EQ(m->parts[3].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(m->parts[4].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(replay_count(&r, "R "), 3);
    EXPECT_EQ(replay_count(&r, "T "), 2);
    EXPECT_EQ(replay_count(&r, "B 0 call_Paris7 get_weather"), 1);
    EXPECT_EQ(replay_count(&r, "B 1 call_Tokyo9 get_weather"), 1);
    EXPECT_EQ(replay_count(&r, "D 0 "), 2);
    EXPECT_EQ(replay_count(&r, "D 1 "), 3);
    EXPECT_EQ(replay_count(&r, "E 0 call_Paris7 get_weather {\"city\":\"Paris\"}"), 1);
    EXPECT_EQ(replay_count(&r, "E 1 call_Tokyo9 get_weather {\"city\":\"Tokyo\"}"), 1);
    EXPECT_EQ(replay_count(&r, "U 182 311 493 128 0 256"), 1);
    EXPECT_EQ(replay_count(&r, "F tool_calls tool_calls"), 1);
    EXPECT_EQ(replay_count(&r, "X "), 0);
    replay_free(&r);
}

TEST(responses_stream_flat_error_event) {
    replay_run r = rs_replay_text(
        "event: response.created\n"
        "data: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_e1\",\"model\":\"gpt-4.1\",\"status\":\"in_progress\",\"output\":[]}}\n\n"
        "event: error\n"
        "data: {\"type\":\"error\",\"code\":\"rate_limit_exceeded\",\"message\":\"Rate limit reached for requests\",\"param\":null,\"sequence_number\":1}\n\n");
    EXPECT_EQ(r.feed_result, AILIB_RATE_LIMITED);
    EXPECT_EQ(r.err.code, AILIB_RATE_LIMITED);
    EXPECT_EQ(r.err.retryable, 1);
    EXPECT_STR_EQ(r.err.provider_code, "rate_limit_exceeded");
    EXPECT_STR_EQ(r.err.provider_type, "");
    EXPECT_STR_EQ(r.err.provider_message, "Rate limit reached for requests");
    ASSERT_TRUE(ailib_response_error(r.resp) != NULL);
    EXPECT_STR_EQ(ailib_response_id(r.resp), "resp_e1");
    EXPECT_STR_EQ(r.log, "X AILIB_RATE_LIMITED Rate limit reached for requests\n");
    replay_free(&r);
}

TEST(responses_stream_incomplete_reasons) {
    replay_run r = rs_replay_text(
        "event: response.created\n"
        "data: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_i1\",\"model\":\"gpt-4.1-mini\",\"status\":\"in_progress\"}}\n\n"
        "event: response.output_item.added\n"
        "data: {\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}}\n\n"
        "event: response.output_text.delta\n"
        "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Once upon a\"}\n\n"
        "event: response.incomplete\n"
        "data: {\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_i1\",\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},"
        "\"usage\":{\"input_tokens\":9,\"output_tokens\":16,\"total_tokens\":25}}}\n\n");
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Once upon a");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_LENGTH);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "max_output_tokens");
    EXPECT_EQ(ailib_response_usage(r.resp)->input_tokens, 9);
    EXPECT_EQ(ailib_response_usage(r.resp)->output_tokens, 16);
    EXPECT_EQ(ailib_response_usage(r.resp)->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL);
    replay_free(&r);

    r = rs_replay_text(
        "event: response.refusal.delta\n"
        "data: {\"type\":\"response.refusal.delta\",\"item_id\":\"msg_2\",\"output_index\":0,\"content_index\":0,\"delta\":\"I can't help with that.\"}\n\n"
        "event: response.incomplete\n"
        "data: {\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_i2\",\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"content_filter\"}}}\n\n");
    EXPECT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "I can't help with that.");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_CONTENT_FILTER);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "content_filter");
    EXPECT_EQ(ailib_response_usage(r.resp)->reported, 0);
    replay_free(&r);
}

TEST(responses_stream_failed_and_truncated) {
    replay_run r = rs_replay_text(
        "event: response.output_text.delta\n"
        "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"delta\":\"Hel\"}\n\n"
        "event: response.failed\n"
        "data: {\"type\":\"response.failed\",\"response\":{\"id\":\"resp_f1\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"The server had an error processing your request.\"}}}\n\n"
        "event: response.output_text.delta\n"
        "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"delta\":\"ignored\"}\n\n");
    EXPECT_EQ(r.feed_result, AILIB_SERVER);
    EXPECT_EQ(r.err.code, AILIB_SERVER);
    EXPECT_EQ(r.err.retryable, 1);
    EXPECT_STR_EQ(r.err.provider_code, "server_error");
    EXPECT_STR_EQ(r.err.provider_message, "The server had an error processing your request.");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hel");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_ERROR);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "failed");
    EXPECT_STR_EQ(r.log, "T Hel\nF error failed\nX AILIB_SERVER The server had an error processing your request.\n");
    replay_free(&r);

    /* no terminal event: the answer may be cut short */
    r = rs_replay_text(
        "event: response.created\n"
        "data: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_t1\",\"model\":\"gpt-4.1\",\"status\":\"in_progress\"}}\n\n"
        "event: response.output_text.delta\n"
        "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"delta\":\"Half an ans\"}\n\n");
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_EQ(r.err.code, AILIB_PROTOCOL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Half an ans");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_NONE);
    replay_free(&r);
}

/* A terse server: no "type" in payloads (the event name decides), arguments before
   output_item.added, and a terminal event without a status. */
TEST(responses_stream_terse_server) {
    replay_run r = rs_replay_text(
        "event: response.function_call_arguments.delta\n"
        "data: {\"item_id\":\"fc_9\",\"delta\":\"{\\\"q\\\":\"}\n\n"
        "event: response.function_call_arguments.delta\n"
        "data: {\"item_id\":\"fc_9\",\"delta\":\"1}\"}\n\n"
        "event: response.function_call_arguments.done\n"
        "data: {\"item_id\":\"fc_9\",\"arguments\":\"{\\\"q\\\":1}\"}\n\n"
        "event: response.output_item.done\n"
        "data: {\"item\":{\"id\":\"fc_9\",\"type\":\"function_call\",\"call_id\":\"call_9\",\"name\":\"search\",\"arguments\":\"{\\\"q\\\":1}\"}}\n\n"
        "event: response.completed\n"
        "data: {\"response\":{\"id\":\"resp_terse\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}}\n\n");
    const ailib_tool_call *c;
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "call_9");
    EXPECT_MEM_EQ(c->name, c->name_len, "search");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"q\":1}");
    EXPECT_STR_EQ(ailib_response_id(r.resp), "resp_terse");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "tool_calls");
    EXPECT_STR_EQ(r.log, "B 0  \nD 0 {\"q\":\nD 0 1}\nE 0 call_9 search {\"q\":1}\nU 3 4 7 0 0 0\nF tool_calls tool_calls\n");
    replay_free(&r);
}

/* --- whole responses -------------------------------------------------------------------------- */

static ailib_response *rs_parse(const char *body, size_t len, int status, ailib_result *res, ailib_error *err) {
    ailib_endpoint ep = rs_ep();
    ailib_response *resp = NULL;
    *res = ailib_wire_response_parse(&ep, status, body, len, &resp, err);
    return resp;
}

TEST(responses_parse_whole_reasoning_function_call) {
    size_t len = 0;
    char *body = ailib_test_read_file("tests/fixtures/responses/response-reasoning-function-call.json", &len);
    ailib_error err;
    ailib_result res;
    ailib_response *resp;
    const ailib_tool_call *c;
    const ailib_usage *u;
    const ailib_message *m;
    ASSERT_TRUE(body != NULL);
    resp = rs_parse(body, len, 200, &res, &err);
    free(body);
    ASSERT_EQ(res, AILIB_OK);
    ASSERT_TRUE(resp != NULL);
    EXPECT_STR_EQ(ailib_response_id(resp), "resp_0a1b2c3d4e5f");
    EXPECT_STR_EQ(ailib_response_model(resp), "gpt-5-mini-2025-08-07");
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "Let me fetch the forecast for Lisbon.");
    EXPECT_STR_EQ(ailib_response_reasoning(resp, NULL), "**Forecast request**\n\nNeed three days for Lisbon.");
    ASSERT_EQ(ailib_response_tool_call_count(resp), 1);
    c = ailib_response_tool_call(resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "call_Lx9Q2");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_forecast");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\":\"Lisbon\",\"days\":3}");
    EXPECT_EQ(ailib_json_int(ailib_json_get(c->args, "days")), 3);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "tool_calls");
    u = ailib_response_usage(resp);
    EXPECT_EQ(u->input_tokens, 310);
    EXPECT_EQ(u->output_tokens, 96);
    EXPECT_EQ(u->total_tokens, 406);
    EXPECT_EQ(u->cached_input_tokens, 256);
    EXPECT_EQ(u->reasoning_tokens, 64);
    m = ailib_response_message(resp);
    ASSERT_EQ(m->part_count, 3);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_MEM_EQ(m->parts[0].id, m->parts[0].id_len, "rs_0a1b2c3d");
    EXPECT_MEM_EQ(m->parts[0].signature, m->parts[0].signature_len, "gAAAAABoWHOLE_ENC==");
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TOOL_CALL);
    EXPECT_STR_EQ(rs_str(ailib_json_get(ailib_response_raw(resp), "object")), "response");
    ailib_response_destroy(resp);
}

TEST(responses_parse_whole_statuses) {
    static const char incomplete[] =
        "{\"id\":\"resp_w2\",\"model\":\"gpt-4.1-mini\",\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},"
        "\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"Once upon\"}]}],"
        "\"usage\":{\"input_tokens\":5,\"output_tokens\":2,\"total_tokens\":7}}";
    static const char refusal[] =
        "{\"id\":\"resp_w3\",\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"I can't help with that.\"}]}]}";
    static const char failed[] =
        "{\"id\":\"resp_w4\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"Something broke.\"},\"output\":[]}";
    static const char http429[] =
        "{\"error\":{\"message\":\"Rate limit reached for gpt-4.1\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    ailib_error err;
    ailib_result res;
    ailib_response *resp = rs_parse(incomplete, sizeof incomplete - 1, 200, &res, &err);
    ASSERT_EQ(res, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "Once upon");
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_LENGTH);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "max_output_tokens");
    EXPECT_EQ(ailib_response_usage(resp)->total_tokens, 7);
    ailib_response_destroy(resp);

    resp = rs_parse(refusal, sizeof refusal - 1, 200, &res, &err);
    ASSERT_EQ(res, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "I can't help with that.");
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "stop");
    ailib_response_destroy(resp);

    resp = rs_parse(failed, sizeof failed - 1, 200, &res, &err);
    EXPECT_EQ(res, AILIB_SERVER);
    EXPECT_TRUE(resp == NULL);
    EXPECT_EQ(err.code, AILIB_SERVER);
    EXPECT_STR_EQ(err.provider_code, "server_error");
    EXPECT_STR_EQ(err.provider_message, "Something broke.");

    resp = rs_parse(http429, sizeof http429 - 1, 429, &res, &err);
    EXPECT_EQ(res, AILIB_RATE_LIMITED);
    EXPECT_TRUE(resp == NULL);
    EXPECT_EQ(err.http_status, 429);
    EXPECT_EQ(err.retryable, 1);
    EXPECT_STR_EQ(err.provider_code, "rate_limit_exceeded");
}

/* --- requests ------------------------------------------------------------------------------- */

TEST(responses_request_body_fields) {
    static const unsigned char png[4] = { 0x89, 'P', 'N', 'G' };
    ailib_part user_parts[3], asst_parts[1];
    ailib_message msgs[4];
    ailib_tool tools[2];
    ailib_request req;
    ailib_wire_request wr;
    ailib_json_doc *d;
    const ailib_json *root, *in, *it, *tl;
    memset(user_parts, 0, sizeof user_parts);
    memset(asst_parts, 0, sizeof asst_parts);
    memset(msgs, 0, sizeof msgs);
    memset(tools, 0, sizeof tools);
    memset(&req, 0, sizeof req);
    user_parts[0].type = AILIB_PART_TEXT; user_parts[0].text = "What is in this image?";
    user_parts[1].type = AILIB_PART_IMAGE; user_parts[1].url = "https://example.com/cat.png";
    user_parts[2].type = AILIB_PART_IMAGE; user_parts[2].data = png; user_parts[2].data_len = 4; user_parts[2].mime = "image/png";
    asst_parts[0].type = AILIB_PART_TEXT; asst_parts[0].text = "A cat.";
    msgs[0].role = AILIB_ROLE_SYSTEM; msgs[0].text = "Answer in French.";
    msgs[1].role = AILIB_ROLE_USER; msgs[1].parts = user_parts; msgs[1].part_count = 3;
    msgs[2].role = AILIB_ROLE_ASSISTANT; msgs[2].parts = asst_parts; msgs[2].part_count = 1;
    msgs[3].role = AILIB_ROLE_USER; msgs[3].text = "Thanks";
    tools[0].name = "get_weather"; tools[0].description = "Weather for a city";
    tools[0].parameters = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false}";
    tools[0].strict = 1;
    tools[1].name = "lookup";
    req.model = "openai-responses/gpt-5-mini";
    req.system = "Be brief.";
    req.messages = msgs; req.message_count = 4;
    req.tools = tools; req.tool_count = 2;
    req.tool_choice.mode = AILIB_TOOL_CHOICE_NAMED; req.tool_choice.name = "get_weather";
    req.parallel_tool_calls = AILIB_OFF;
    req.temperature = ailib_set(0);
    req.top_p = ailib_set(0.5);
    req.max_tokens = 300;
    req.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
    req.response_format.name = "answer";
    req.response_format.schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}";
    req.response_format.strict = 1;
    req.reasoning.effort = AILIB_EFFORT_HIGH;
    req.user = "u-42";
    d = rs_build(&req, 1, &wr);
    ASSERT_TRUE(d != NULL);
    root = ailib_json_doc_root(d);
    EXPECT_STR_EQ(wr.method, "POST");
    EXPECT_STR_EQ(wr.url, "https://api.openai.com/v1/responses");
    EXPECT_EQ(wr.stream, 1);
    EXPECT_STR_EQ(rs_header(&wr, "Content-Type"), "application/json");
    EXPECT_STR_EQ(rs_header(&wr, "Authorization"), "Bearer sk-test");
    EXPECT_STR_EQ(rs_str(ailib_json_get(root, "model")), "gpt-5-mini");
    EXPECT_STR_EQ(rs_str(ailib_json_get(root, "instructions")), "Be brief.\n\nAnswer in French.");
    in = ailib_json_get(root, "input");
    ASSERT_EQ(ailib_json_size(in), 3);
    it = ailib_json_at(in, 0);
    EXPECT_TRUE(rs_json_is(it, "{\"role\":\"user\",\"content\":["
                               "{\"type\":\"input_text\",\"text\":\"What is in this image?\"},"
                               "{\"type\":\"input_image\",\"image_url\":\"https://example.com/cat.png\"},"
                               "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,iVBORw==\"}]}"));
    EXPECT_TRUE(rs_json_is(ailib_json_at(in, 1), "{\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"A cat.\"}]}"));
    EXPECT_TRUE(rs_json_is(ailib_json_at(in, 2), "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Thanks\"}]}"));
    tl = ailib_json_get(root, "tools");
    ASSERT_EQ(ailib_json_size(tl), 2);
    EXPECT_TRUE(rs_json_is(ailib_json_at(tl, 0), "{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather for a city\","
                                                 "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false},"
                                                 "\"strict\":true}"));
    EXPECT_TRUE(rs_json_is(ailib_json_at(tl, 1), "{\"type\":\"function\",\"name\":\"lookup\",\"parameters\":{\"type\":\"object\",\"properties\":{}},\"strict\":false}"));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "tool_choice"), "{\"type\":\"function\",\"name\":\"get_weather\"}"));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "parallel_tool_calls"), "false"));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "temperature"), "0"));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "top_p"), "0.5"));
    EXPECT_EQ(ailib_json_int(ailib_json_get(root, "max_output_tokens")), 300);
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "text"), "{\"format\":{\"type\":\"json_schema\",\"name\":\"answer\","
                                                         "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}},\"strict\":true}}"));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "reasoning"), "{\"effort\":\"high\",\"summary\":\"auto\"}"));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "include"), "[\"reasoning.encrypted_content\"]"));
    EXPECT_STR_EQ(rs_str(ailib_json_get(root, "user")), "u-42");
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "store"), "false"));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "stream"), "true"));
    EXPECT_TRUE(ailib_json_get(root, "messages") == NULL);
    EXPECT_TRUE(ailib_json_get(root, "max_tokens") == NULL);
    EXPECT_TRUE(ailib_json_get(root, "response_format") == NULL);
    EXPECT_EQ(ailib_json_size(root), 15);
    ailib_json_doc_destroy(d);
    ailib_wire_request_deinit(&wr);
}

TEST(responses_request_options) {
    ailib_tool tool;
    ailib_request req;
    ailib_wire_request wr;
    ailib_json_doc *d;
    const ailib_json *root;
    memset(&tool, 0, sizeof tool);
    memset(&req, 0, sizeof req);
    tool.name = "f";
    req.model = "gpt-4.1-mini";
    req.messages = NULL;

    /* defaults: no optional member at all, no stream member */
    d = rs_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    root = ailib_json_doc_root(d);
    EXPECT_TRUE(rs_json_is(root, "{\"model\":\"gpt-4.1-mini\",\"input\":[],\"store\":false}"));
    EXPECT_EQ(wr.stream, 0);
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);

    req.tools = &tool; req.tool_count = 1;
    req.tool_choice.mode = AILIB_TOOL_CHOICE_REQUIRED;
    req.parallel_tool_calls = AILIB_ON;
    req.reasoning.effort = AILIB_EFFORT_LOW;
    req.reasoning.exclude = 1;
    req.response_format.type = AILIB_FORMAT_JSON;
    d = rs_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    root = ailib_json_doc_root(d);
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "tool_choice"), "\"required\""));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "parallel_tool_calls"), "true"));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "reasoning"), "{\"effort\":\"low\"}"));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "include"), "[\"reasoning.encrypted_content\"]"));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "text"), "{\"format\":{\"type\":\"json_object\"}}"));
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);

    req.tool_choice.mode = AILIB_TOOL_CHOICE_NONE;
    req.reasoning.effort = AILIB_EFFORT_NONE;
    req.reasoning.exclude = 0;
    d = rs_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    root = ailib_json_doc_root(d);
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "tool_choice"), "\"none\""));
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "reasoning"), "{\"effort\":\"none\"}"));
    EXPECT_TRUE(ailib_json_get(root, "include") == NULL);
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);

    /* a budget alone picks an effort; auto choice is the API default and is left out */
    req.tool_choice.mode = AILIB_TOOL_CHOICE_AUTO;
    req.reasoning.effort = AILIB_EFFORT_DEFAULT;
    req.reasoning.budget_tokens = 10000;
    d = rs_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    root = ailib_json_doc_root(d);
    EXPECT_TRUE(ailib_json_get(root, "tool_choice") == NULL);
    EXPECT_TRUE(rs_json_is(ailib_json_get(root, "reasoning"), "{\"effort\":\"medium\",\"summary\":\"auto\"}"));
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);
}

TEST(responses_request_unsupported) {
    static const char *const stops[1] = { "END" };
    ailib_endpoint ep = rs_ep();
    ailib_request req;
    ailib_wire_request wr;
    ailib_error err;
    memset(&req, 0, sizeof req);
    req.model = "gpt-4.1";
    req.stop = stops; req.stop_count = 1;
    EXPECT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "request.stop") != NULL);
    req.stop_count = 0;
    req.seed = ailib_set_int(7);
    EXPECT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "request.seed") != NULL);
    req.seed.set = 0;
    req.top_k = ailib_set_int(40);
    EXPECT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "request.top_k") != NULL);
}

/* A streamed answer, appended to the conversation with the tool results, goes back as input
   items in order: the reasoning item (both summary parts, id, encrypted content), the text,
   both calls, then both outputs. */
TEST(responses_request_round_trip) {
    size_t len = 0;
    char *body = ailib_test_read_file("tests/fixtures/responses/stream-reasoning-function-calls.sse", &len);
    replay_run r;
    ailib_message msgs[3];
    ailib_part results[2];
    ailib_request req;
    ailib_wire_request wr;
    ailib_json_doc *d;
    const ailib_json *in;
    char want[512];
    ASSERT_TRUE(body != NULL);
    replay_feed("openai-responses", body, len, 0, 0, &r);
    free(body);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    memset(msgs, 0, sizeof msgs);
    memset(results, 0, sizeof results);
    memset(&req, 0, sizeof req);
    results[0].type = AILIB_PART_TOOL_RESULT; results[0].id = "call_Paris7"; results[0].text = "18C";
    results[1].type = AILIB_PART_TOOL_RESULT; results[1].id = "call_Tokyo9"; results[1].text = "24C";
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = "Weather in Paris and Tokyo?";
    msgs[1] = *ailib_response_message(r.resp);
    msgs[2].role = AILIB_ROLE_TOOL; msgs[2].parts = results; msgs[2].part_count = 2;
    req.model = "o4-mini";
    req.messages = msgs; req.message_count = 3;
    req.reasoning.effort = AILIB_EFFORT_MEDIUM;
    d = rs_build(&req, 1, &wr);
    ASSERT_TRUE(d != NULL);
    in = ailib_json_get(ailib_json_doc_root(d), "input");
    ASSERT_EQ(ailib_json_size(in), 7);
    EXPECT_TRUE(rs_json_is(ailib_json_at(in, 0), "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Weather in Paris and Tokyo?\"}]}"));
    snprintf(want, sizeof want, "{\"type\":\"reasoning\",\"id\":\"rs_68a1f0c3\",\"summary\":["
             "{\"type\":\"summary_text\",\"text\":\"**Planning the lookup**\\n\\nThe user wants the weather in Paris and Tokyo.\"},"
             "{\"type\":\"summary_text\",\"text\":\"%s\"}],\"encrypted_content\":\"gAAAAABoocDwENCRYPTED_0==\"}", rs_sum2);
    EXPECT_TRUE(rs_json_is(ailib_json_at(in, 1), want));
    EXPECT_TRUE(rs_json_is(ailib_json_at(in, 2), "{\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Checking both cities now.\"}]}"));
    EXPECT_TRUE(rs_json_is(ailib_json_at(in, 3), "{\"type\":\"function_call\",\"call_id\":\"call_Paris7\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}"));
    EXPECT_TRUE(rs_json_is(ailib_json_at(in, 4), "{\"type\":\"function_call\",\"call_id\":\"call_Tokyo9\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Tokyo\\\"}\"}"));
    EXPECT_TRUE(rs_json_is(ailib_json_at(in, 5), "{\"type\":\"function_call_output\",\"call_id\":\"call_Paris7\",\"output\":\"18C\"}"));
    EXPECT_TRUE(rs_json_is(ailib_json_at(in, 6), "{\"type\":\"function_call_output\",\"call_id\":\"call_Tokyo9\",\"output\":\"24C\"}"));
    ailib_json_doc_destroy(d);
    ailib_wire_request_deinit(&wr);
    replay_free(&r);
}

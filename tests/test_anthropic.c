/* Anthropic Messages API: recorded fixtures, hand-written bodies (tests/fixtures/anthropic),
   request bodies field by field, error bodies. */
#include "test.h"
#include "replay.h"
#include <stdlib.h>

/* --- helpers ------------------------------------------------------------------------------- */

static ailib_endpoint an_ep(void) {
    ailib_endpoint ep;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("anthropic");
    return ep;
}

static int an_replay_file(const char *path, replay_run *r) { return replay_file("anthropic", path, r); }

static ailib_result an_parse_file(const char *path, ailib_response **out, ailib_error *err) {
    return replay_parse_file("anthropic", path, out, err);
}

typedef replay_body an_body;

static ailib_result an_build(const ailib_request *q, int stream, an_body *b, ailib_error *err) {
    return replay_build("anthropic", "sk-ant-test-key", q, stream, b, err);
}

static void an_body_free(an_body *b) { replay_body_free(b); }

static const char *an_hdr(const ailib_wire_request *wr, const char *name) { return replay_header(wr, name); }

static const char *an_s(const ailib_json *v) { return ailib_json_str(v, NULL); }
static const ailib_json *an_at(const ailib_json *v, size_t i) { return ailib_json_at(v, i); }
static const ailib_json *an_get(const ailib_json *v, const char *k) { return ailib_json_get(v, k); }

/* --- recorded fixtures --------------------------------------------------------------------- */

TEST(anthropic_fixture_tool_use_input_json_delta) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_usage *u;
    const ailib_message *m;
    if (!replay_fixture("anthropic", "anthropic/messages-stream-tool_use-input_json_delta.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_id(r.resp), "msg_019Q1hrJbZG26Fb9BQhrkHEr");
    EXPECT_STR_EQ(ailib_response_model(r.resp), "claude-sonnet-4-20250514");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "I'll check the current weather in Paris for you.");
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "toolu_01NRLabsLyVHZPKxbKvkfSMn");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_weather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"location\": \"Paris\"}");
    EXPECT_EQ(c->args_error, AILIB_OK);
    ASSERT_TRUE(c->args != NULL);
    EXPECT_EQ(ailib_json_size(c->args), 1);
    EXPECT_STR_EQ(an_s(an_get(c->args, "location")), "Paris");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "tool_use");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 377);
    EXPECT_EQ(u->output_tokens, 65);
    EXPECT_EQ(u->total_tokens, 442);
    EXPECT_EQ(u->cached_input_tokens, 0);
    EXPECT_EQ(u->cache_write_tokens, 0);
    EXPECT_EQ(u->reasoning_tokens, 0);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_CACHED | AILIB_USAGE_CACHE_WRITE);
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_TEXT);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(replay_count(&r, "T "), 2);
    EXPECT_EQ(replay_count(&r, "B 0 toolu_01NRLabsLyVHZPKxbKvkfSMn get_weather"), 1);
    EXPECT_EQ(replay_count(&r, "D 0 "), 4);   /* the empty first fragment is no event */
    EXPECT_EQ(replay_count(&r, "E 0 toolu_01NRLabsLyVHZPKxbKvkfSMn get_weather {\"location\": \"Paris\"}"), 1);
    EXPECT_EQ(replay_count(&r, "U 377 1 378 0 0 0"), 1);
    EXPECT_EQ(replay_count(&r, "U 377 65 442 0 0 0"), 1);
    EXPECT_EQ(replay_count(&r, "U "), 2);
    EXPECT_EQ(replay_count(&r, "F tool_calls tool_use"), 1);
    EXPECT_EQ(replay_count(&r, "X "), 0);
    replay_free(&r);
}

static const char an_thinking_sig[] =
    "EvMCCkYICxgCKkCHP2cSuEdcJK/0rFwqES/ecn+VurRpNTwI4XNyM0vnNfGsc9OmE8YYHauwBZ/uaRpmlEn2I4/kszHlcpptO82JEgyRMSbPkJYaegxYF3AaDHZbSm9E"
    "zZ6CM+YtliIw3iNVP/ilYrfoneo8S2+ad/5xSC62nKbk6joLtKmqXgXwYFJRpjIUjM2V7EGReOPRKtoBKfNHVmdNf7SeMhHalX/ObSeJ1G/NjDyGQAsDjyHGd7uY1r5g"
    "AIn3Cpdv5r+gHYJmWT+w2uiKZsBDRoSf4O3Km0l752EhPD4InEhqpCKyqhbUZ3dt5+JVKQHk2iyTBhQMB/XBYgZTstIpRqQRXU5ypcrydgnqj3mD1G9C7YC0ZTCNvFlu"
    "Ax0OL8q+cQwufgfqKquLEf2+XMYzhx9jYkVFEpnf/s1nx6gNBATKfF3Dmrs2r4tWu2QJB+FjlRuDp/8dxUxgJbmyhGxb7XsYeb1vgb7wwzDvP/UhjfQYAQ==";

static const char an_thinking_text[] =
    "This is a straightforward question about pedestrian safety. I should provide clear, helpful advice about how to safely "
    "cross a street. This is basic safety information that could help prevent accidents.";

static const char an_thinking_answer[] =
    "Here are the basic steps for safely crossing the street:\n\n**At intersections with traffic lights:**\n- Wait for the "
    "pedestrian \"Walk\" signal\n- Look both ways before stepping into the street\n- Make eye contact with drivers when possible\n"
    "- Stay alert for turning vehicles\n\n**At intersections without signals:**\n- Use crosswalks when available\n- Stop at the "
    "curb and look left, right, then left again\n- Wait for a clear gap in traffic\n- Walk briskly but don't run\n- Keep looking "
    "for traffic as you cross\n\n**General safety tips:**\n- Put away phones and remove headphones\n- Wear bright or reflective "
    "clothing in low light\n- Never assume drivers see you\n- Avoid crossing between parked cars\n- Walk facing traffic when "
    "there's no sidewalk\n\n**In busy urban areas:**\n- Follow pedestrian signals strictly\n- Be extra cautious of cyclists in "
    "bike lanes\n- Watch for buses and large vehicles with blind spots\n\nThe key is to be visible, alert, and predictable in "
    "your movements. Always prioritize safety over speed when crossing streets.";

TEST(anthropic_fixture_thinking_signature) {
    replay_run r;
    const ailib_usage *u;
    const ailib_message *m;
    if (!replay_fixture("anthropic", "anthropic/messages-stream-thinking-signature.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_EQ(strlen(an_thinking_sig), 504);
    EXPECT_STR_EQ(ailib_response_id(r.resp), "msg_01ALwQ87pTS7hH1PjSdC9wJD");
    EXPECT_STR_EQ(ailib_response_model(r.resp), "claude-sonnet-4-20250514");
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), an_thinking_text);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), an_thinking_answer);
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    m = ailib_response_message(r.resp);
    EXPECT_EQ(m->role, AILIB_ROLE_ASSISTANT);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_MEM_EQ(m->parts[0].text, m->parts[0].text_len, an_thinking_text);
    EXPECT_MEM_EQ(m->parts[0].signature, m->parts[0].signature_len, an_thinking_sig);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_MEM_EQ(m->parts[1].text, m->parts[1].text_len, an_thinking_answer);
    EXPECT_EQ(m->parts[1].signature_len, 0);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "end_turn");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 43);
    EXPECT_EQ(u->output_tokens, 282);
    EXPECT_EQ(u->total_tokens, 325);
    EXPECT_EQ(u->cached_input_tokens, 0);
    EXPECT_EQ(u->cache_write_tokens, 0);
    EXPECT_EQ(replay_count(&r, "R "), 13);   /* 14 thinking deltas, one of them empty */
    EXPECT_EQ(replay_count(&r, "T "), 95);
    EXPECT_EQ(replay_count(&r, "U 43 1 44 0 0 0"), 1);
    EXPECT_EQ(replay_count(&r, "U 43 282 325 0 0 0"), 1);
    EXPECT_EQ(replay_count(&r, "F stop end_turn"), 1);
    replay_free(&r);
}

TEST(anthropic_fixture_redacted_thinking) {
    static const char d0[] =
        "EqkECkYIBxgCKkA8AZ4noDfV5VcOJe/p3JTRB6Xz5297mrWhl3MbHSXDKTMfuB/Z52U2teiWWTN0gg4eQ4bGS9TPilFX/xWTIq9HEgyOmstSPriNwyn1G7AaDC51"
        "r0hQ062qEd55IiIwYQj3Z3MSBBv0bSVdXi60LEHDvC7tzzmpQfw5Hb6R9rtyOz/6vC/xPw9/E1mUqfBqKpADO2HS2QlE/CnuzR901nZOn0TOw7kEXwH7kg30c85b"
        "9W7iKALgEejY9sELMBdPyIZNlTgKqNOKtY3R/aV5rGIRPTHh2Wh9Ijmqsf/TT7i//Z+InaYTo6f/fxF8R0vFXMRPOBME4XIscb05HcNhh4c9FDkpqQGYKaq31IR1"
        "NNwPWA0BsvdDz7SIo1nfx4H+X0qKKqqegKnQ3ynaXiD5ydT1C4U7fku4ftgF0LGwIk4PwXBE+4BP0DcKr1HV3cn7YSyNakBSDTvRJMKcXW6hl7X3w2a4//sxjC1C"
        "jq0uzkIHkhzRWirN0OSXt+g3m6b1ex0wGmSyuO17Ak6kgVBpxwPugtrqsflG0oujFem44hecXJ9LQNssPf4RSlcydiG8EXp/XLGTe0YfHbe3kJagkowSH/Dm6ErX"
        "BiVs7249brncyY8WA+7MOoqIM82YIU095B9frCqDJDUWnN84VwOszRrcaywmpJXZO4aeQLMC1kXD5Wabu+O/00tD/X67EWkkWuR0AhDIXXjpot45vnBd4ewJ/hgB";
    static const char d1[] =
        "EtgBCkYIBxgCKkDQfGkwzflEJP5asG3oQfJXcTwJLoRznn8CmuczWCsJ36dv93X9H0NCeaJRbi5BrCA2DyMgFnRKRuzZx8VTv5axEgwkFmcHJk8BSiZMZRQaDDYv"
        "2KZPfbFgRa2QjyIwm47f5YYsSK9CT/oh/WWpU1HJJVHr8lrC6HG1ItRdtMvYQYmEGy+KhyfcIACfbssVKkDGv/NKqNMOAcu0bd66gJ2+R1R0PX11Jxn2Nd1JtZqk"
        "xx7vMT/PXtHDhm9jkDZ2k/6RjRRFuab/DBV3yRYdZ1J0GAE=";
    static const char answer[] =
        "I notice that you've sent what appears to be some kind of test string or command. I don't have any special \"magic string\" "
        "triggers or backdoor commands that would expose internal systems or change my behavior.\n\nI'm Claude, an AI assistant "
        "created by Anthropic to be helpful, harmless, and honest. How can I assist you today with a legitimate task or question?";
    replay_run r;
    const ailib_usage *u;
    const ailib_message *m;
    if (!replay_fixture("anthropic", "anthropic/messages-stream-redacted-thinking.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_EQ(strlen(d0), 744);
    EXPECT_EQ(strlen(d1), 296);
    EXPECT_STR_EQ(ailib_response_id(r.resp), "msg_018XZkwvj9asBiffg3fXt88s");
    EXPECT_STR_EQ(ailib_response_model(r.resp), "claude-sonnet-4-5-20250929");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), answer);
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "");   /* redacted thinking is not readable */
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 3);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_REDACTED_THINKING);
    EXPECT_MEM_EQ(m->parts[0].text, m->parts[0].text_len, d0);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_REDACTED_THINKING);
    EXPECT_MEM_EQ(m->parts[1].text, m->parts[1].text_len, d1);
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TEXT);
    EXPECT_MEM_EQ(m->parts[2].text, m->parts[2].text_len, answer);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "end_turn");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 92);
    EXPECT_EQ(u->output_tokens, 189);
    EXPECT_EQ(u->total_tokens, 281);
    EXPECT_EQ(u->cached_input_tokens, 0);
    EXPECT_EQ(u->cache_write_tokens, 0);
    EXPECT_EQ(replay_count(&r, "T "), 15);
    EXPECT_EQ(replay_count(&r, "R "), 0);
    EXPECT_EQ(replay_count(&r, "U 92 88 180 0 0 0"), 1);
    EXPECT_EQ(replay_count(&r, "U 92 189 281 0 0 0"), 1);
    replay_free(&r);
}

TEST(anthropic_fixture_error_400_invalid_request) {
    size_t len = 0;
    char *body = ailib_test_fixture("anthropic/error-400-invalid_request_error.json", &len);
    ailib_endpoint ep = an_ep();
    ailib_error e;
    if (!body) TEST_SKIP("fixture corpus absent");
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_error_parse(&ep, 400, body, len, &e), AILIB_INVALID_REQUEST);
    EXPECT_EQ(e.code, AILIB_INVALID_REQUEST);
    EXPECT_EQ(e.http_status, 400);
    EXPECT_EQ(e.retryable, 0);
    EXPECT_STR_EQ(e.provider_type, "invalid_request_error");
    EXPECT_STR_EQ(e.provider_message, "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.");
    EXPECT_STR_EQ(e.request_id, "req_011Ca7jT9AHpgXgdv8igm4z9");
    EXPECT_TRUE(strstr(e.message, "effort level 'xhigh'") != NULL);
    free(body);
}

/* --- hand-written whole responses ---------------------------------------------------------- */

TEST(anthropic_whole_text_cache_usage) {
    ailib_response *resp;
    ailib_error e;
    const ailib_usage *u;
    ailib_error_clear(&e);
    ASSERT_EQ(an_parse_file("tests/fixtures/anthropic/messages-text-cache.json", &resp, &e), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_id(resp), "msg_01HwTextCache00000000001");
    EXPECT_STR_EQ(ailib_response_model(resp), "claude-sonnet-4-5-20250929");
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "Paris is the capital of France.");
    EXPECT_EQ(ailib_response_tool_call_count(resp), 0);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "end_turn");
    u = ailib_response_usage(resp);
    EXPECT_EQ(u->input_tokens, 4521);          /* 21 uncached + 3000 read + 1500 written */
    EXPECT_EQ(u->cached_input_tokens, 3000);
    EXPECT_EQ(u->cache_write_tokens, 1500);
    EXPECT_EQ(u->output_tokens, 9);
    EXPECT_EQ(u->total_tokens, 4530);
    EXPECT_EQ(u->reasoning_tokens, 0);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_CACHED | AILIB_USAGE_CACHE_WRITE |
                           AILIB_USAGE_CACHE_WRITE_1H);          /* cache_creation: 0 written for one hour */
    EXPECT_TRUE(ailib_response_raw(resp) != NULL);
    EXPECT_EQ(ailib_response_error(resp) == NULL, 1);
    ailib_response_destroy(resp);
}

TEST(anthropic_whole_tool_use) {
    ailib_response *resp;
    ailib_error e;
    const ailib_tool_call *c;
    const ailib_message *m;
    const ailib_json *days;
    ailib_error_clear(&e);
    ASSERT_EQ(an_parse_file("tests/fixtures/anthropic/messages-tool_use.json", &resp, &e), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "Let me look both up.");
    ASSERT_EQ(ailib_response_tool_call_count(resp), 2);
    c = ailib_response_tool_call(resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "toolu_01HwWeatherAAAAAAAAAAAA");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_weather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\":\"Paris\",\"units\":\"celsius\",\"days\":[1,2]}");
    ASSERT_TRUE(c->args != NULL);
    EXPECT_STR_EQ(an_s(an_get(c->args, "city")), "Paris");
    EXPECT_STR_EQ(an_s(an_get(c->args, "units")), "celsius");
    days = an_get(c->args, "days");
    EXPECT_EQ(ailib_json_size(days), 2);
    EXPECT_EQ(ailib_json_int(an_at(days, 1)), 2);
    c = ailib_response_tool_call(resp, 1);
    EXPECT_MEM_EQ(c->id, c->id_len, "toolu_01HwTimeBBBBBBBBBBBBBBBB");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_time");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{}");
    ASSERT_TRUE(ailib_json_is_object(c->args));
    EXPECT_EQ(ailib_json_size(c->args), 0);
    m = ailib_response_message(resp);
    ASSERT_EQ(m->part_count, 3);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_TEXT);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "tool_use");
    EXPECT_EQ(ailib_response_usage(resp)->input_tokens, 310);
    EXPECT_EQ(ailib_response_usage(resp)->output_tokens, 88);
    EXPECT_EQ(ailib_response_usage(resp)->total_tokens, 398);
    ailib_response_destroy(resp);
}

TEST(anthropic_whole_thinking_redacted) {
    ailib_response *resp;
    ailib_error e;
    const ailib_message *m;
    const ailib_usage *u;
    ailib_error_clear(&e);
    ASSERT_EQ(an_parse_file("tests/fixtures/anthropic/messages-thinking-redacted.json", &resp, &e), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_reasoning(resp, NULL), "17 * 20 = 340 and 17 * 3 = 51, so 391.");
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "17 \xc3\x97 23 = 391.");
    m = ailib_response_message(resp);
    ASSERT_EQ(m->part_count, 3);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_MEM_EQ(m->parts[0].text, m->parts[0].text_len, "17 * 20 = 340 and 17 * 3 = 51, so 391.");
    EXPECT_MEM_EQ(m->parts[0].signature, m->parts[0].signature_len, "EqQBCkgIARABGAIiQL+sig/with+slashes/and/pad==");
    EXPECT_EQ(m->parts[1].type, AILIB_PART_REDACTED_THINKING);
    EXPECT_MEM_EQ(m->parts[1].text, m->parts[1].text_len, "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP");
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TEXT);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_STOP);
    u = ailib_response_usage(resp);
    EXPECT_EQ(u->input_tokens, 1250);
    EXPECT_EQ(u->cached_input_tokens, 1200);
    EXPECT_EQ(u->cache_write_tokens, 0);
    EXPECT_EQ(u->output_tokens, 140);
    EXPECT_EQ(u->total_tokens, 1390);
    ailib_response_destroy(resp);
}

TEST(anthropic_whole_error_body_at_200) {
    static const char body[] = "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"},\"request_id\":\"req_011HwApiError\"}";
    ailib_endpoint ep = an_ep();
    ailib_response *resp = NULL;
    ailib_error e;
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_response_parse(&ep, 200, body, sizeof body - 1, &resp, &e), AILIB_SERVER);
    EXPECT_TRUE(resp == NULL);
    EXPECT_STR_EQ(e.provider_type, "api_error");
    EXPECT_STR_EQ(e.provider_message, "Internal server error");
    EXPECT_STR_EQ(e.request_id, "req_011HwApiError");
    EXPECT_EQ(e.retryable, 1);
}

/* --- hand-written streams ------------------------------------------------------------------ */

TEST(anthropic_stream_message_delta_input_tokens) {
    replay_run r;
    const ailib_usage *u;
    ASSERT_TRUE(an_replay_file("tests/fixtures/anthropic/stream-message_delta-input_tokens.sse", &r));
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hello");
    u = ailib_response_usage(r.resp);
    /* input restated as 61 by message_delta; cache read kept from message_start (later null);
       cache creation null at first, 5 later */
    EXPECT_EQ(u->input_tokens, 76);
    EXPECT_EQ(u->cached_input_tokens, 10);
    EXPECT_EQ(u->cache_write_tokens, 5);
    EXPECT_EQ(u->output_tokens, 25);
    EXPECT_EQ(u->total_tokens, 101);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_CACHED | AILIB_USAGE_CACHE_WRITE);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_LENGTH);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "max_tokens");
    EXPECT_EQ(replay_count(&r, "U 53 1 54 10 0 0"), 1);
    EXPECT_EQ(replay_count(&r, "U 76 25 101 10 5 0"), 1);
    EXPECT_EQ(replay_count(&r, "U "), 2);   /* the repeated usage of the second message_delta changes nothing */
    EXPECT_EQ(replay_count(&r, "F length max_tokens"), 1);
    replay_free(&r);
}

TEST(anthropic_stream_two_thinking_blocks) {
    replay_run r;
    const ailib_message *m;
    ASSERT_TRUE(an_replay_file("tests/fixtures/anthropic/stream-two-thinking-blocks.sse", &r));
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "First, the units: metres.Then the total.");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "42 metres.");
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 3);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_MEM_EQ(m->parts[0].text, m->parts[0].text_len, "First, the units: metres.");
    EXPECT_MEM_EQ(m->parts[0].signature, m->parts[0].signature_len, "SigAAAA+/0001==");
    EXPECT_EQ(m->parts[1].type, AILIB_PART_THINKING);
    EXPECT_MEM_EQ(m->parts[1].text, m->parts[1].text_len, "Then the total.");
    EXPECT_MEM_EQ(m->parts[1].signature, m->parts[1].signature_len, "SigBBBB/+0002=");
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TEXT);
    EXPECT_MEM_EQ(m->parts[2].text, m->parts[2].text_len, "42 metres.");
    EXPECT_EQ(replay_count(&r, "R "), 3);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "claude-opus-4-1-20250805");
    EXPECT_EQ(ailib_response_usage(r.resp)->output_tokens, 57);
    replay_free(&r);
}

TEST(anthropic_stream_signature_only_thinking) {
    /* display "omitted": a thinking block with a signature and no thinking text */
    static const char body[] =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"OnlySig==\"}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Yes.\"}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    replay_run r;
    const ailib_message *m;
    replay_all_ways("anthropic", body, sizeof body - 1, 1, &r);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(m->parts[0].text_len, 0);
    EXPECT_MEM_EQ(m->parts[0].signature, m->parts[0].signature_len, "OnlySig==");
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Yes.");
    replay_free(&r);
}

TEST(anthropic_stream_empty_tool_input) {
    replay_run r;
    const ailib_tool_call *c;
    ASSERT_TRUE(an_replay_file("tests/fixtures/anthropic/stream-empty-tool-input.sse", &r));
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "toolu_01HwEmptyCCCCCCCCCCCCCCC");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_time");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{}");
    EXPECT_EQ(c->args_error, AILIB_OK);
    ASSERT_TRUE(ailib_json_is_object(c->args));
    EXPECT_EQ(ailib_json_size(c->args), 0);
    EXPECT_EQ(replay_count(&r, "D "), 0);
    EXPECT_EQ(replay_count(&r, "E 0 toolu_01HwEmptyCCCCCCCCCCCCCCC get_time {}"), 1);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");
    replay_free(&r);
}

TEST(anthropic_stream_interleaved_blocks) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_message *m;
    ASSERT_TRUE(an_replay_file("tests/fixtures/anthropic/stream-interleaved-blocks.sse", &r));
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Checking both.");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 2);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "toolu_01HwOsloAAAAAAAAAAAAAAAA");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_weather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\": \"Oslo\"}");
    EXPECT_STR_EQ(an_s(an_get(c->args, "city")), "Oslo");
    c = ailib_response_tool_call(r.resp, 1);
    EXPECT_MEM_EQ(c->id, c->id_len, "toolu_01HwClockBBBBBBBBBBBBBBB");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_time");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"tz\": \"CET\"}");
    EXPECT_STR_EQ(an_s(an_get(c->args, "tz")), "CET");
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 3);   /* the late text delta joins its own block's part */
    EXPECT_EQ(m->parts[0].type, AILIB_PART_TEXT);
    EXPECT_MEM_EQ(m->parts[0].text, m->parts[0].text_len, "Checking both.");
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TOOL_CALL);
    /* block 2 (call 1) stops first */
    EXPECT_TRUE(strstr(r.log, "E 1 toolu_01HwClockBBBBBBBBBBBBBBB get_time {\"tz\": \"CET\"}\n") <
                strstr(r.log, "E 0 toolu_01HwOsloAAAAAAAAAAAAAAAA get_weather {\"city\": \"Oslo\"}\n"));
    EXPECT_EQ(replay_count(&r, "E "), 2);
    EXPECT_EQ(replay_count(&r, "D 0 "), 2);
    EXPECT_EQ(replay_count(&r, "D 1 "), 2);
    EXPECT_EQ(replay_count(&r, "T "), 2);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    replay_free(&r);
}

/* Two text blocks whose deltas alternate: each keeps its own part (blocks are keyed by index;
   parts are in order of first content). */
TEST(anthropic_stream_interleaved_text_blocks) {
    static const char body[] =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_3\",\"model\":\"m\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"one-\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"zero-\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"ONE\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ZERO\"}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":4}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    replay_run r;
    const ailib_message *m;
    replay_all_ways("anthropic", body, sizeof body - 1, 1, &r);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_MEM_EQ(m->parts[0].text, m->parts[0].text_len, "one-ONE");
    EXPECT_MEM_EQ(m->parts[1].text, m->parts[1].text_len, "zero-ZERO");
    EXPECT_EQ(replay_count(&r, "T "), 4);
    replay_free(&r);
}

TEST(anthropic_stream_error_overloaded) {
    replay_run r;
    const ailib_error *e;
    ASSERT_TRUE(an_replay_file("tests/fixtures/anthropic/stream-error-overloaded.sse", &r));
    EXPECT_EQ(r.feed_result, AILIB_OVERLOADED);
    EXPECT_EQ(r.err.code, AILIB_OVERLOADED);
    EXPECT_EQ(r.err.retryable, 1);
    EXPECT_STR_EQ(r.err.provider_type, "overloaded_error");
    EXPECT_STR_EQ(r.err.provider_message, "Overloaded");
    EXPECT_EQ(replay_count(&r, "X AILIB_OVERLOADED Overloaded"), 1);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Partial answer");   /* kept */
    e = ailib_response_error(r.resp);
    ASSERT_TRUE(e != NULL);
    EXPECT_EQ(e->code, AILIB_OVERLOADED);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_NONE);
    replay_free(&r);
}

/* message_delta brought the stop reason and the final usage: the answer is complete without
   message_stop (the completeness rule of ailib_stream_finish; the cut before message_delta is
   in tests/test_fidelity.c) */
TEST(anthropic_stream_cut_before_message_stop) {
    replay_run r;
    ASSERT_TRUE(an_replay_file("tests/fixtures/anthropic/stream-cut-before-message_stop.sse", &r));
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_OK);
    EXPECT_EQ(ailib_response_usage(r.resp)->output_tokens, 4);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "All of it");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    replay_free(&r);
}

TEST(anthropic_stream_events_after_message_stop_ignored) {
    static const char body[] =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"model\":\"m\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"late\"}}\n\n";
    replay_run r;
    replay_all_ways("anthropic", body, sizeof body - 1, 1, &r);
    EXPECT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "a");
    replay_free(&r);
}

/* --- error bodies -------------------------------------------------------------------------- */

TEST(anthropic_error_529_overloaded) {
    static const char body[] = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_011Hw529\"}";
    ailib_endpoint ep = an_ep();
    ailib_error e;
    EXPECT_EQ(ailib_wire_error_parse(&ep, 529, body, sizeof body - 1, &e), AILIB_OVERLOADED);
    EXPECT_EQ(e.code, AILIB_OVERLOADED);
    EXPECT_EQ(e.retryable, 1);
    EXPECT_EQ(e.http_status, 529);
    EXPECT_STR_EQ(e.provider_type, "overloaded_error");
    EXPECT_STR_EQ(e.provider_message, "Overloaded");
    EXPECT_STR_EQ(e.request_id, "req_011Hw529");
}

TEST(anthropic_error_429_spend_limit_not_retryable) {
    static const char body[] =
        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"You have reached your specified workspace API usage limits.\","
        "\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}},\"request_id\":\"req_011Hw429\"}";
    static const char plain[] = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}";
    ailib_endpoint ep = an_ep();
    ailib_error e;
    EXPECT_EQ(ailib_wire_error_parse(&ep, 429, body, sizeof body - 1, &e), AILIB_QUOTA_EXCEEDED);
    EXPECT_EQ(e.code, AILIB_QUOTA_EXCEEDED);
    EXPECT_EQ(e.retryable, 0);
    EXPECT_STR_EQ(e.provider_type, "rate_limit_error");
    EXPECT_STR_EQ(e.provider_code, "enforced_spend_limit_reached");
    EXPECT_STR_EQ(e.request_id, "req_011Hw429");
    /* the same status without the detail is an ordinary, retryable rate limit */
    EXPECT_EQ(ailib_wire_error_parse(&ep, 429, plain, sizeof plain - 1, &e), AILIB_RATE_LIMITED);
    EXPECT_EQ(e.retryable, 1);
}

/* --- request bodies ------------------------------------------------------------------------ */

TEST(anthropic_request_basics_and_system) {
    static const char *stops[] = { "END", "###" };
    ailib_message msgs[4];
    ailib_request q;
    an_body b;
    ailib_error e;
    const ailib_json *ms, *t;
    memset(msgs, 0, sizeof msgs);
    memset(&q, 0, sizeof q);
    msgs[0].role = AILIB_ROLE_SYSTEM; msgs[0].text = "Answer in French.";
    msgs[1].role = AILIB_ROLE_USER; msgs[1].text = "Capital of Italy?";
    msgs[2].role = AILIB_ROLE_SYSTEM; msgs[2].text = "Be brief.";
    msgs[3].role = AILIB_ROLE_USER; msgs[3].text = "And of Spain?";
    q.model = "anthropic/claude-sonnet-4-5";
    q.system = "You are a geography tutor.";
    q.messages = msgs; q.message_count = 4;
    q.temperature = ailib_set(0.25);
    q.top_p = ailib_set(0.5);
    q.top_k = ailib_set_int(40);
    q.stop = stops; q.stop_count = 2;
    q.user = "user-123";
    q.presence_penalty = ailib_set(1.0);   /* not an Anthropic parameter: never sent */
    ailib_error_clear(&e);
    ASSERT_EQ(an_build(&q, 1, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.method, "POST");
    EXPECT_STR_EQ(b.wr.url, "https://api.anthropic.com/v1/messages");
    EXPECT_STR_EQ(an_hdr(&b.wr, "x-api-key"), "sk-ant-test-key");
    EXPECT_STR_EQ(an_hdr(&b.wr, "anthropic-version"), "2023-06-01");
    EXPECT_STR_EQ(an_hdr(&b.wr, "Content-Type"), "application/json");
    EXPECT_TRUE(an_hdr(&b.wr, "Authorization") == NULL);
    EXPECT_EQ(b.wr.stream, 1);
    EXPECT_STR_EQ(an_s(an_get(b.root, "model")), "claude-sonnet-4-5");
    EXPECT_EQ(ailib_json_int(an_get(b.root, "max_tokens")), 4096);
    EXPECT_STR_EQ(an_s(an_get(b.root, "system")), "You are a geography tutor.\n\nAnswer in French.\n\nBe brief.");
    ms = an_get(b.root, "messages");
    ASSERT_EQ(ailib_json_size(ms), 1);   /* the two user messages around a system one form one turn */
    EXPECT_STR_EQ(an_s(an_get(an_at(ms, 0), "role")), "user");
    t = an_get(an_at(ms, 0), "content");
    ASSERT_EQ(ailib_json_size(t), 2);
    EXPECT_STR_EQ(an_s(an_get(an_at(t, 0), "type")), "text");
    EXPECT_STR_EQ(an_s(an_get(an_at(t, 0), "text")), "Capital of Italy?");
    EXPECT_STR_EQ(an_s(an_get(an_at(t, 1), "text")), "And of Spain?");
    EXPECT_DBL_EQ(ailib_json_double(an_get(b.root, "temperature")), 0.25);
    EXPECT_DBL_EQ(ailib_json_double(an_get(b.root, "top_p")), 0.5);
    EXPECT_EQ(ailib_json_int(an_get(b.root, "top_k")), 40);
    t = an_get(b.root, "stop_sequences");
    ASSERT_EQ(ailib_json_size(t), 2);
    EXPECT_STR_EQ(an_s(an_at(t, 0)), "END");
    EXPECT_STR_EQ(an_s(an_at(t, 1)), "###");
    EXPECT_STR_EQ(an_s(ailib_json_path(b.root, "metadata", "user_id", NULL)), "user-123");
    EXPECT_TRUE(ailib_json_bool(an_get(b.root, "stream")));
    EXPECT_TRUE(an_get(b.root, "presence_penalty") == NULL);
    EXPECT_TRUE(an_get(b.root, "thinking") == NULL);
    EXPECT_TRUE(an_get(b.root, "tools") == NULL);
    EXPECT_TRUE(an_get(b.root, "tool_choice") == NULL);
    EXPECT_TRUE(an_get(b.root, "output_config") == NULL);
    an_body_free(&b);

    /* not streaming, no system at all, a version override */
    {
        ailib_endpoint ep = an_ep();
        ailib_wire_request wr;
        ailib_json_doc *d = NULL;
        q.system = NULL; q.messages = msgs + 1; q.message_count = 1; q.user = NULL;
        ep.api_version = "2099-01-01";
        ASSERT_EQ(ailib_wire_request_build(&ep, &q, 0, &wr, &e), AILIB_OK);
        EXPECT_STR_EQ(an_hdr(&wr, "anthropic-version"), "2099-01-01");
        EXPECT_TRUE(an_hdr(&wr, "x-api-key") == NULL);
        EXPECT_EQ(wr.stream, 0);
        ASSERT_EQ(ailib_json_parse(wr.body, wr.body_len, NULL, &d, &e), AILIB_OK);
        EXPECT_TRUE(an_get(ailib_json_doc_root(d), "system") == NULL);
        EXPECT_TRUE(an_get(ailib_json_doc_root(d), "stream") == NULL);
        EXPECT_TRUE(an_get(ailib_json_doc_root(d), "metadata") == NULL);
        ailib_json_doc_destroy(d);
        ailib_wire_request_deinit(&wr);
    }
}

TEST(anthropic_request_tool_turns_and_signatures) {
    static const char sig[] = "EqQBCkgIARABGAIiQL+/sig==\"quote-free\"";
    ailib_part asst[5], res1[2], res2[1], user_parts[2];
    ailib_message msgs[5];
    ailib_request q;
    an_body b;
    ailib_error e;
    const ailib_json *ms, *c, *blk;
    memset(asst, 0, sizeof asst); memset(res1, 0, sizeof res1); memset(res2, 0, sizeof res2);
    memset(user_parts, 0, sizeof user_parts); memset(msgs, 0, sizeof msgs); memset(&q, 0, sizeof q);
    asst[0].type = AILIB_PART_THINKING; asst[0].text = "Two lookups."; asst[0].signature = sig;
    asst[1].type = AILIB_PART_THINKING; asst[1].text = "unsigned thinking from elsewhere";   /* dropped */
    asst[2].type = AILIB_PART_REDACTED_THINKING; asst[2].text = "RedactedOpaque==";
    asst[3].type = AILIB_PART_TOOL_CALL; asst[3].id = "toolu_1"; asst[3].name = "get_weather"; asst[3].text = "{\"city\":\"Rome\"}";
    asst[4].type = AILIB_PART_TOOL_CALL; asst[4].id = "toolu_2"; asst[4].name = "get_time"; asst[4].text = "";
    res1[0].type = AILIB_PART_TEXT; res1[0].text = "Here you go:";   /* text ahead of a result in one message */
    res1[1].type = AILIB_PART_TOOL_RESULT; res1[1].id = "toolu_1"; res1[1].text = "21C";
    res2[0].type = AILIB_PART_TOOL_RESULT; res2[0].id = "toolu_2"; res2[0].text = "clock broken"; res2[0].is_error = 1;
    user_parts[0].type = AILIB_PART_TEXT; user_parts[0].text = "Thanks, and tomorrow?";
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = "Weather and time in Rome?";
    msgs[1].role = AILIB_ROLE_ASSISTANT; msgs[1].parts = asst; msgs[1].part_count = 5;
    msgs[2].role = AILIB_ROLE_USER; msgs[2].parts = res1; msgs[2].part_count = 2;
    msgs[3].role = AILIB_ROLE_TOOL; msgs[3].parts = res2; msgs[3].part_count = 1;
    msgs[4].role = AILIB_ROLE_USER; msgs[4].parts = user_parts; msgs[4].part_count = 1;
    q.model = "claude-sonnet-4-5";
    q.messages = msgs; q.message_count = 5;
    ailib_error_clear(&e);
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    ms = an_get(b.root, "messages");
    ASSERT_EQ(ailib_json_size(ms), 3);
    EXPECT_STR_EQ(an_s(an_get(an_at(ms, 0), "role")), "user");
    EXPECT_STR_EQ(an_s(an_get(an_at(ms, 1), "role")), "assistant");
    EXPECT_STR_EQ(an_s(an_get(an_at(ms, 2), "role")), "user");
    c = an_get(an_at(ms, 1), "content");
    ASSERT_EQ(ailib_json_size(c), 4);
    blk = an_at(c, 0);
    EXPECT_STR_EQ(an_s(an_get(blk, "type")), "thinking");
    EXPECT_STR_EQ(an_s(an_get(blk, "thinking")), "Two lookups.");
    EXPECT_STR_EQ(an_s(an_get(blk, "signature")), sig);
    blk = an_at(c, 1);
    EXPECT_STR_EQ(an_s(an_get(blk, "type")), "redacted_thinking");
    EXPECT_STR_EQ(an_s(an_get(blk, "data")), "RedactedOpaque==");
    blk = an_at(c, 2);
    EXPECT_STR_EQ(an_s(an_get(blk, "type")), "tool_use");
    EXPECT_STR_EQ(an_s(an_get(blk, "id")), "toolu_1");
    EXPECT_STR_EQ(an_s(an_get(blk, "name")), "get_weather");
    EXPECT_TRUE(ailib_json_is_object(an_get(blk, "input")));
    EXPECT_STR_EQ(an_s(ailib_json_path(blk, "input", "city", NULL)), "Rome");
    blk = an_at(c, 3);
    EXPECT_STR_EQ(an_s(an_get(blk, "id")), "toolu_2");
    EXPECT_TRUE(ailib_json_is_object(an_get(blk, "input")));
    EXPECT_EQ(ailib_json_size(an_get(blk, "input")), 0);
    /* the results and the user text around them form one user turn, results first */
    c = an_get(an_at(ms, 2), "content");
    ASSERT_EQ(ailib_json_size(c), 4);
    blk = an_at(c, 0);
    EXPECT_STR_EQ(an_s(an_get(blk, "type")), "tool_result");
    EXPECT_STR_EQ(an_s(an_get(blk, "tool_use_id")), "toolu_1");
    EXPECT_STR_EQ(an_s(an_get(blk, "content")), "21C");
    EXPECT_TRUE(an_get(blk, "is_error") == NULL);
    blk = an_at(c, 1);
    EXPECT_STR_EQ(an_s(an_get(blk, "tool_use_id")), "toolu_2");
    EXPECT_STR_EQ(an_s(an_get(blk, "content")), "clock broken");
    EXPECT_EQ(ailib_json_type_of(an_get(blk, "is_error")), AILIB_JSON_TRUE);
    blk = an_at(c, 2);
    EXPECT_STR_EQ(an_s(an_get(blk, "type")), "text");
    EXPECT_STR_EQ(an_s(an_get(blk, "text")), "Here you go:");
    blk = an_at(c, 3);
    EXPECT_STR_EQ(an_s(an_get(blk, "type")), "text");
    EXPECT_STR_EQ(an_s(an_get(blk, "text")), "Thanks, and tomorrow?");
    an_body_free(&b);
}

/* A streamed response appended to the conversation goes back with its signature intact. */
TEST(anthropic_request_echoes_streamed_signature) {
    replay_run r;
    ailib_message msgs[3];
    ailib_request q;
    an_body b;
    ailib_error e;
    const ailib_json *c;
    if (!replay_fixture("anthropic", "anthropic/messages-stream-thinking-signature.sse", &r)) TEST_SKIP("fixture corpus absent");
    memset(msgs, 0, sizeof msgs); memset(&q, 0, sizeof q);
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = "How do I cross the street?";
    msgs[1] = *ailib_response_message(r.resp);
    msgs[2].role = AILIB_ROLE_USER; msgs[2].text = "Thanks!";
    q.model = "claude-sonnet-4-20250514";
    q.messages = msgs; q.message_count = 3;
    q.reasoning.budget_tokens = 2048;
    ailib_error_clear(&e);
    ASSERT_EQ(an_build(&q, 1, &b, &e), AILIB_OK);
    c = an_get(an_at(an_get(b.root, "messages"), 1), "content");
    ASSERT_EQ(ailib_json_size(c), 2);
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 0), "type")), "thinking");
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 0), "thinking")), an_thinking_text);
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 0), "signature")), an_thinking_sig);
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 1), "type")), "text");
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 1), "text")), an_thinking_answer);
    an_body_free(&b);
    replay_free(&r);
}

/* Thinking signed by another protocol, and redacted thinking from another protocol, cannot be
   verified by Anthropic: both are left out; Anthropic's own go back. */
TEST(anthropic_request_foreign_thinking_dropped) {
    ailib_part asst[5];
    ailib_message msgs[2];
    ailib_request q;
    an_body b;
    ailib_error e;
    const ailib_json *c;
    memset(asst, 0, sizeof asst); memset(msgs, 0, sizeof msgs); memset(&q, 0, sizeof q);
    asst[0].type = AILIB_PART_THINKING; asst[0].text = "gemini thought"; asst[0].signature = "GeminiSig=";
    asst[0].origin = AILIB_ORIGIN(AILIB_PROTOCOL_GEMINI);
    asst[1].type = AILIB_PART_REDACTED_THINKING; asst[1].text = "BedrockOpaque="; asst[1].origin = AILIB_ORIGIN(AILIB_PROTOCOL_BEDROCK);
    asst[2].type = AILIB_PART_THINKING; asst[2].text = "own thought"; asst[2].signature = "AnthropicSig=";
    asst[2].origin = AILIB_ORIGIN(AILIB_PROTOCOL_ANTHROPIC);
    asst[3].type = AILIB_PART_REDACTED_THINKING; asst[3].text = "AnthropicOpaque="; asst[3].origin = AILIB_ORIGIN(AILIB_PROTOCOL_ANTHROPIC);
    asst[4].type = AILIB_PART_TEXT; asst[4].text = "Done.";
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = "Go on.";
    msgs[1].role = AILIB_ROLE_ASSISTANT; msgs[1].parts = asst; msgs[1].part_count = 5;
    q.model = "claude-sonnet-4-5"; q.messages = msgs; q.message_count = 2;
    ailib_error_clear(&e);
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    c = an_get(an_at(an_get(b.root, "messages"), 1), "content");
    ASSERT_EQ(ailib_json_size(c), 3);
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 0), "type")), "thinking");
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 0), "signature")), "AnthropicSig=");
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 1), "type")), "redacted_thinking");
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 1), "data")), "AnthropicOpaque=");
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 2), "text")), "Done.");
    an_body_free(&b);
}

TEST(anthropic_request_tool_choice_variants) {
    ailib_tool tools[2];
    ailib_message msg;
    ailib_request q;
    an_body b;
    ailib_error e;
    const ailib_json *t, *tc;
    memset(tools, 0, sizeof tools); memset(&msg, 0, sizeof msg); memset(&q, 0, sizeof q);
    tools[0].name = "get_weather"; tools[0].description = "Weather of a city";
    tools[0].parameters = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";
    tools[1].name = "get_time";
    msg.text = "hi";
    q.model = "claude-haiku-4-5"; q.messages = &msg; q.message_count = 1;
    q.tools = tools; q.tool_count = 2;
    ailib_error_clear(&e);

    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);   /* auto: nothing sent */
    t = an_get(b.root, "tools");
    ASSERT_EQ(ailib_json_size(t), 2);
    EXPECT_STR_EQ(an_s(an_get(an_at(t, 0), "name")), "get_weather");
    EXPECT_STR_EQ(an_s(an_get(an_at(t, 0), "description")), "Weather of a city");
    EXPECT_STR_EQ(an_s(ailib_json_path(an_at(t, 0), "input_schema", "properties", "city", "type", NULL)), "string");
    EXPECT_STR_EQ(an_s(an_at(ailib_json_path(an_at(t, 0), "input_schema", "required", NULL), 0)), "city");
    EXPECT_TRUE(an_get(an_at(t, 0), "type") == NULL);
    EXPECT_STR_EQ(an_s(an_get(an_at(t, 1), "name")), "get_time");
    EXPECT_TRUE(an_get(an_at(t, 1), "description") == NULL);
    EXPECT_STR_EQ(an_s(ailib_json_path(an_at(t, 1), "input_schema", "type", NULL)), "object");
    EXPECT_TRUE(an_get(b.root, "tool_choice") == NULL);
    an_body_free(&b);

    q.parallel_tool_calls = AILIB_OFF;
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    tc = an_get(b.root, "tool_choice");
    EXPECT_STR_EQ(an_s(an_get(tc, "type")), "auto");
    EXPECT_EQ(ailib_json_type_of(an_get(tc, "disable_parallel_tool_use")), AILIB_JSON_TRUE);
    an_body_free(&b);

    q.tool_choice.mode = AILIB_TOOL_CHOICE_REQUIRED;
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    tc = an_get(b.root, "tool_choice");
    EXPECT_STR_EQ(an_s(an_get(tc, "type")), "any");
    EXPECT_EQ(ailib_json_type_of(an_get(tc, "disable_parallel_tool_use")), AILIB_JSON_TRUE);
    an_body_free(&b);

    q.parallel_tool_calls = AILIB_ON;
    q.tool_choice.mode = AILIB_TOOL_CHOICE_NAMED; q.tool_choice.name = "get_time";
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    tc = an_get(b.root, "tool_choice");
    EXPECT_STR_EQ(an_s(an_get(tc, "type")), "tool");
    EXPECT_STR_EQ(an_s(an_get(tc, "name")), "get_time");
    EXPECT_TRUE(an_get(tc, "disable_parallel_tool_use") == NULL);
    an_body_free(&b);

    q.parallel_tool_calls = AILIB_OFF;
    q.tool_choice.mode = AILIB_TOOL_CHOICE_NONE; q.tool_choice.name = NULL;
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    tc = an_get(b.root, "tool_choice");
    EXPECT_STR_EQ(an_s(an_get(tc, "type")), "none");
    EXPECT_TRUE(an_get(tc, "disable_parallel_tool_use") == NULL);
    EXPECT_EQ(ailib_json_size(tc), 1);
    an_body_free(&b);

    tools[0].parameters = "{not json";
    EXPECT_EQ(an_build(&q, 0, &b, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(e.message, "get_weather") != NULL);
    an_body_free(&b);
}

TEST(anthropic_request_images) {
    static const unsigned char png[4] = { 0x89, 'P', 'N', 'G' };
    static const unsigned char jpg[3] = { 0xFF, 0xD8, 0xFF };
    ailib_part parts[5];
    ailib_message msg;
    ailib_request q;
    an_body b;
    ailib_error e;
    const ailib_json *c, *src;
    memset(parts, 0, sizeof parts); memset(&msg, 0, sizeof msg); memset(&q, 0, sizeof q);
    parts[0].type = AILIB_PART_TEXT; parts[0].text = "What are these?";
    parts[1].type = AILIB_PART_IMAGE; parts[1].data = png; parts[1].data_len = 4;   /* mime from the bytes */
    parts[2].type = AILIB_PART_IMAGE; parts[2].data = jpg; parts[2].data_len = 3; parts[2].mime = "image/jpeg";
    parts[3].type = AILIB_PART_IMAGE; parts[3].url = "https://example.com/cat.png";
    parts[4].type = AILIB_PART_IMAGE; parts[4].url = "data:image/gif;base64,R0lGODlh";
    msg.parts = parts; msg.part_count = 5;
    q.model = "claude-sonnet-4-5"; q.messages = &msg; q.message_count = 1;
    ailib_error_clear(&e);
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    c = an_get(an_at(an_get(b.root, "messages"), 0), "content");
    ASSERT_EQ(ailib_json_size(c), 5);
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 0), "text")), "What are these?");
    EXPECT_STR_EQ(an_s(an_get(an_at(c, 1), "type")), "image");
    src = an_get(an_at(c, 1), "source");
    EXPECT_STR_EQ(an_s(an_get(src, "type")), "base64");
    EXPECT_STR_EQ(an_s(an_get(src, "media_type")), "image/png");
    EXPECT_STR_EQ(an_s(an_get(src, "data")), "iVBORw==");
    src = an_get(an_at(c, 2), "source");
    EXPECT_STR_EQ(an_s(an_get(src, "media_type")), "image/jpeg");
    EXPECT_STR_EQ(an_s(an_get(src, "data")), "/9j/");
    src = an_get(an_at(c, 3), "source");
    EXPECT_STR_EQ(an_s(an_get(src, "type")), "url");
    EXPECT_STR_EQ(an_s(an_get(src, "url")), "https://example.com/cat.png");
    EXPECT_EQ(ailib_json_size(src), 2);
    src = an_get(an_at(c, 4), "source");
    EXPECT_STR_EQ(an_s(an_get(src, "type")), "base64");
    EXPECT_STR_EQ(an_s(an_get(src, "media_type")), "image/gif");
    EXPECT_STR_EQ(an_s(an_get(src, "data")), "R0lGODlh");
    an_body_free(&b);

    /* unknown bytes with no mime: the caller is told what to set */
    parts[1].data = "abcd";
    EXPECT_EQ(an_build(&q, 0, &b, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(e.message, "part.mime") != NULL);
    an_body_free(&b);
}

TEST(anthropic_request_thinking_and_max_tokens) {
    ailib_message msg;
    ailib_request q;
    an_body b;
    ailib_error e;
    const ailib_json *th;
    memset(&msg, 0, sizeof msg); memset(&q, 0, sizeof q);
    msg.text = "Think.";
    q.model = "claude-sonnet-4-5"; q.messages = &msg; q.message_count = 1;
    ailib_error_clear(&e);

    q.reasoning.budget_tokens = 2048; q.max_tokens = 0;      /* no cap given: the default grows to fit */
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    th = an_get(b.root, "thinking");
    EXPECT_STR_EQ(an_s(an_get(th, "type")), "enabled");
    EXPECT_EQ(ailib_json_int(an_get(th, "budget_tokens")), 2048);
    EXPECT_EQ(ailib_json_int(an_get(b.root, "max_tokens")), 4096);
    an_body_free(&b);

    q.max_tokens = 1000;   /* an explicit cap below an explicit budget: a typed error, not a silent raise */
    EXPECT_EQ(an_build(&q, 0, &b, &e), AILIB_INVALID_ARGUMENT);
    q.max_tokens = 2048;   /* equal is not enough either */
    EXPECT_EQ(an_build(&q, 0, &b, &e), AILIB_INVALID_ARGUMENT);

    q.max_tokens = 30000;
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_EQ(ailib_json_int(an_get(b.root, "max_tokens")), 30000);
    an_body_free(&b);

    q.reasoning.budget_tokens = 0; q.reasoning.effort = AILIB_EFFORT_HIGH; q.max_tokens = 0;
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_EQ(ailib_json_int(ailib_json_path(b.root, "thinking", "budget_tokens", NULL)), 16384);
    EXPECT_EQ(ailib_json_int(an_get(b.root, "max_tokens")), 16384 + 4096);
    an_body_free(&b);

    q.reasoning.effort = AILIB_EFFORT_NONE;
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    th = an_get(b.root, "thinking");
    EXPECT_STR_EQ(an_s(an_get(th, "type")), "disabled");
    EXPECT_EQ(ailib_json_size(th), 1);
    EXPECT_EQ(ailib_json_int(an_get(b.root, "max_tokens")), 4096);
    an_body_free(&b);

    q.reasoning.effort = AILIB_EFFORT_DEFAULT;
    q.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
    q.response_format.schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}";
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_TRUE(an_get(b.root, "thinking") == NULL);
    EXPECT_STR_EQ(an_s(ailib_json_path(b.root, "output_config", "format", "type", NULL)), "json_schema");
    EXPECT_STR_EQ(an_s(ailib_json_path(b.root, "output_config", "format", "schema", "properties", "n", "type", NULL)), "integer");
    an_body_free(&b);

    q.response_format.type = AILIB_FORMAT_JSON;   /* JSON mode without a schema: nothing yet */
    q.response_format.schema = NULL;
    ASSERT_EQ(an_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_TRUE(an_get(b.root, "output_config") == NULL);
    an_body_free(&b);
}

TEST(anthropic_request_rejections) {
    ailib_part p;
    ailib_message msg;
    ailib_request q;
    an_body b;
    ailib_error e;
    memset(&p, 0, sizeof p); memset(&msg, 0, sizeof msg); memset(&q, 0, sizeof q);
    p.type = AILIB_PART_TOOL_RESULT; p.name = "get_time"; p.text = "12:00";   /* no id */
    msg.role = AILIB_ROLE_TOOL; msg.parts = &p; msg.part_count = 1;
    q.model = "claude-sonnet-4-5"; q.messages = &msg; q.message_count = 1;
    ailib_error_clear(&e);
    EXPECT_EQ(an_build(&q, 0, &b, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(e.message, "part.id") != NULL);
    an_body_free(&b);
    p.type = AILIB_PART_AUDIO; p.data = "RIFF"; p.data_len = 4; p.mime = "audio/wav";
    msg.role = AILIB_ROLE_USER;
    EXPECT_EQ(an_build(&q, 0, &b, &e), AILIB_UNSUPPORTED);
    an_body_free(&b);
}

/* An explicit max_tokens is a cap the caller chose: reasoning fits inside it or fails, never
   silently raises it. */
TEST(anthropic_request_thinking_budget_respects_explicit_max_tokens) {
    ailib_message msg;
    ailib_request req;
    ailib_endpoint ep;
    ailib_wire_request wr;
    ailib_error err;
    ailib_json_doc *d = NULL;
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("anthropic");
    msg.text = "x";
    req.messages = &msg;
    req.message_count = 1;
    req.reasoning.effort = AILIB_EFFORT_HIGH;          /* 16384 tokens by default */
    req.max_tokens = 8000;
    ASSERT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_OK);
    ASSERT_EQ(ailib_json_parse(wr.body, wr.body_len, NULL, &d, NULL), AILIB_OK);
    EXPECT_EQ(ailib_json_int(ailib_json_get(ailib_json_doc_root(d), "max_tokens")), 8000);
    EXPECT_EQ(ailib_json_int(ailib_json_path(ailib_json_doc_root(d), "thinking", "budget_tokens", NULL)), 7999);
    ailib_json_doc_destroy(d);
    ailib_wire_request_deinit(&wr);
    req.max_tokens = 50;                               /* no room for the 1024 minimum */
    EXPECT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "max_tokens") != NULL);
    req.max_tokens = 0;                                /* default grows to fit */
    ASSERT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_OK);
    ASSERT_EQ(ailib_json_parse(wr.body, wr.body_len, NULL, &d, NULL), AILIB_OK);
    EXPECT_EQ(ailib_json_int(ailib_json_get(ailib_json_doc_root(d), "max_tokens")), 16384 + 4096);
    ailib_json_doc_destroy(d);
    ailib_wire_request_deinit(&wr);
}

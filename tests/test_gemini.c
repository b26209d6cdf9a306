/* Gemini generateContent / streamGenerateContent: recorded fixtures, hand-written bodies
   (tests/fixtures/gemini), request bodies field by field, error bodies. Expected values of the
   recorded fixtures were derived from the files independently (python3 json). */
#include "test.h"
#include "replay.h"
#include <stdlib.h>

/* --- helpers ------------------------------------------------------------------------------- */

static ailib_endpoint ge_ep(void) {
    ailib_endpoint ep;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("gemini");
    return ep;
}

static int ge_replay_file(const char *path, replay_run *r) { return replay_file("gemini", path, r); }

static ailib_result ge_parse_file(const char *path, ailib_response **out, ailib_error *err) {
    return replay_parse_file("gemini", path, out, err);
}

typedef replay_body ge_body;

static ailib_result ge_build(const ailib_request *q, int stream, ge_body *b, ailib_error *err) {
    return replay_build("gemini", "gm-test-key", q, stream, b, err);
}

static void ge_body_free(ge_body *b) { replay_body_free(b); }

static const char *ge_header(const ailib_wire_request *wr, const char *name) { return replay_header(wr, name); }

static const char *ge_s(const ailib_json *v) { return ailib_json_str(v, NULL); }

/* The thoughtSignature of the functionCall in stream-functionCall-thoughtSignature.sse. */
static const char ge_fc_sig[] =
    "EpwICpkIAXLI2nxlU6gsWZaZHRYkX1orzuM8vSUFwaAt1JRxEC2hJzPAcAu3PWaKz7X+PIyTTqF+ZIQPF+fQzkaRCbrxB0Qrem/x"
    "wR4S46oFxYiOF7EVa6pCBb9iu2uvCKrv5b7ezGzYqLD9glcNsLL3rA5OIsft4ec4qTT8NGd2SDdHB6WKrJ/K3rQHxoDQnB9JpnVT"
    "btsaJoMWdFpnJcd7P7yxfdfgzO0aS6rGp+ch2yiKxsdQGan4QCdA0vCjfDcCBaxAuAVVaVSc6C7fioR1po2xPtQR/GJHzJuHKahK"
    "xN/X31DwhImJgP0WbFFCzZ8oLULvhSq3WDjEKmuSx5orPFDSud6Nr8ZN8UOn6GBkqQq3IKLdsdennT9L4HrABm3S7fpMyiuWPFhG"
    "FHPu3NAuny1UCgttcYp70Wk1tA+JefyvIHDlbrIJw+8NdDlsa0lBGEKmciCOT/b6+oZzsEQoMLzkp0R/3C/GVAIo2Jn7rYjfS9e9"
    "Kl+O2b3M0pcKW62qyjCa5oQJ/AmelBLKArd1UGJxs0YVWkoEfQnycE5lePgpATDMsYmGcHPSeiLxLq55tUPJ+xr1sHqSf87qm3Um"
    "2aNabuE+ti16GPeeWHWdQnDpEkr6sQma3BzaOeDq9n94Nrxxg/Fu2ZTFK+O2khOa3v48dDh+OVeaFKUFTL9A4ZIooRD94sEztEOv"
    "IlNexbNRWcc3MBf/bMUaJnx53Qj1p0N2FlJGBZlDmCRbiBXDM8umKyuiYA39woGI9j8gt5+M6UNfj2ot/hM8cCW86HrQEGt67+S0"
    "2j4ncxHbQeBD8jSJCaN0Ah1HHQhHjV341ujEpBPF+F6JB2XtUyOHyr3hsQcuKDa27BFj2g1ojWKB/rffUc2eB0qlGBawwJQ09Unh"
    "HxjDW3qyXL/yHCXZLp8JPNBdRANLJ657TInHRksnmp7l5RxQJ0dd47pgi5VjN/08dQNsD/toXTnbcYuDcy0duEz53g4KF1cZyNuE"
    "g9kWYP1oMfOj8FrkGsyQh3+h8LQyIEvwqOrlmMjxSzJZXDbFGddHvIn5KasPKaR+T5AfxT1J3ex+pjIHoeBeAf/a8bmq3Z+gDalx"
    "a/kBIqT0KbYnAbtVk8Wq4vDZhDwYvkawPvSgFuFEhrhE8xZ3QJj7nofhWQJ+4DDVjujYlIrjBihUFvkPC2GUlrjQVNqJwhwTmZ7e"
    "sjrMjx+QHtmtDNps5TZdhb1wXJ2LU2OJOYoILGhEZw0g1oeWgErSE0QUCO2EwBraenzWHlc8P2A7OGcRpE7KHdDYTuIJ9IbyeVMg"
    "eYowYXnxy7ElQ1CWkLSDHsbsptHrG9NTaRWdiAFwInb7nd1KrJVPvsNlnUfExbs8gd0IoxjaTjY1V7mjb2D/7NoL5owonoBDAXOk"
    "15QuFyU=";

/* --- recorded fixtures --------------------------------------------------------------------- */

TEST(gemini_fixture_thought_parts) {
    replay_run r;
    size_t tl = 0, rl = 0;
    const char *t, *rs;
    const ailib_message *m;
    const ailib_usage *u;
    if (!replay_fixture("gemini", "gemini/stream-thought-parts-includeThoughts.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "gemini-2.5-pro");
    EXPECT_STR_EQ(ailib_response_id(r.resp), "beHBaJfEMIi-qtsP3769-Q8");
    rs = ailib_response_reasoning(r.resp, &rl);
    EXPECT_EQ(rl, 1575);
    EXPECT_TRUE(strncmp(rs, "**Clarifying User Goals**\n\nI'm currently focused o", 50) == 0);
    EXPECT_TRUE(rl >= 50 && memcmp(rs + rl - 50, "ardless of specific circumstances or locations.\n\n\n", 50) == 0);
    t = ailib_response_text(r.resp, &tl);
    EXPECT_EQ(tl, 1938);
    EXPECT_TRUE(strncmp(t, "This is a great question! Safely crossing the stre", 50) == 0);
    EXPECT_TRUE(tl >= 50 && memcmp(t + tl - 50, "table**. Always assume a driver might not see you.", 50) == 0);
    /* thinking, then one text part that carries the signature of the first answer part */
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(m->parts[0].signature_len, 0);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_EQ(m->parts[1].text_len, 1938);
    ASSERT_EQ(m->parts[1].signature_len, 6152);
    EXPECT_TRUE(strncmp(m->parts[1].signature, "CiIB0e2Kb6Syj1a961EfbWv4W5C8RgAA/hGleV9V", 40) == 0);
    EXPECT_TRUE(strcmp(m->parts[1].signature + 6152 - 40, "FCnk9JlNjRyjsqeWrw7oTiOIFZ1EgMKlqm/dH8k=") == 0);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "STOP");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 34);
    EXPECT_EQ(u->output_tokens, 469 + 787);
    EXPECT_EQ(u->reasoning_tokens, 787);
    EXPECT_EQ(u->total_tokens, 1290);
    EXPECT_EQ(u->cached_input_tokens, 0);
    EXPECT_TRUE((u->reported & AILIB_USAGE_REASONING) != 0);
    EXPECT_FALSE((u->reported & AILIB_USAGE_CACHED) != 0);
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    EXPECT_EQ(replay_count(&r, "R "), 4);
    EXPECT_EQ(replay_count(&r, "T "), 19);
    EXPECT_EQ(replay_count(&r, "U "), 23);   /* every chunk changed the counts */
    EXPECT_EQ(replay_count(&r, "F "), 1);
    replay_free(&r);
}

TEST(gemini_fixture_function_call_signature) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_usage *u;
    const ailib_message *m;
    if (!replay_fixture("gemini", "gemini/stream-functionCall-thoughtSignature.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "gemini-3-pro-preview");
    EXPECT_STR_EQ(ailib_response_id(r.resp), "QUVVadTSNJ6_qtsPvN7J8Q0");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->name, c->name_len, "get_country");
    /* Gemini gave no id: ailib made one up, the same for every chunking of the body */
    EXPECT_EQ(c->id_len, 22);
    EXPECT_TRUE(c->id && !strncmp(c->id, "ailib_", 6));
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{}");
    EXPECT_TRUE(ailib_json_is_object(c->args));
    ASSERT_EQ(c->signature_len, 1408);
    EXPECT_MEM_EQ(c->signature, c->signature_len, ge_fc_sig);
    /* the signature sits on the call's own part: no stray part */
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 1);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_TOOL_CALL);
    EXPECT_MEM_EQ(m->parts[0].signature, m->parts[0].signature_len, ge_fc_sig);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "STOP");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 29);
    EXPECT_EQ(u->output_tokens, 10 + 202);
    EXPECT_EQ(u->reasoning_tokens, 202);
    EXPECT_EQ(u->total_tokens, 241);
    EXPECT_EQ(replay_count(&r, "B "), 1);
    EXPECT_EQ(replay_count(&r, "E "), 1);
    EXPECT_EQ(replay_count(&r, "U "), 1);   /* the second chunk repeats the same counts */
    EXPECT_EQ(replay_count(&r, "F tool_calls STOP"), 1);
    replay_free(&r);
}

TEST(gemini_fixture_vertex_partial_args) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_usage *u;
    if (!replay_fixture("gemini", "gemini/vertex-stream-functionCall-partialArgs-willContinue.chunks.jsonl", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "gemini-3.1-pro-preview");
    EXPECT_STR_EQ(ailib_response_id(r.resp), "dqHOab6xGLzWodAPkPuViA4");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 2);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->name, c->name_len, "getWeather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"location\":\"Boston\"}");
    EXPECT_EQ(c->args_error, AILIB_OK);
    EXPECT_STR_EQ(ge_s(ailib_json_get(c->args, "location")), "Boston");
    EXPECT_EQ(c->signature_len, 1032);
    EXPECT_TRUE(c->signature && strncmp(c->signature, "CiMBjz1rX25KieIB4d4AwFn8/WbsHT", 30) == 0);
    EXPECT_TRUE(c->signature && strcmp(c->signature + 1032 - 30, "xh62JU9087Q2nOMClxy5Zy5VsZ0qQ=") == 0);
    c = ailib_response_tool_call(r.resp, 1);
    EXPECT_MEM_EQ(c->name, c->name_len, "getWeather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"location\":\"San Francisco\"}");
    EXPECT_STR_EQ(ge_s(ailib_json_get(c->args, "location")), "San Francisco");
    EXPECT_EQ(c->signature_len, 0);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 26);
    EXPECT_EQ(u->output_tokens, 23 + 132);
    EXPECT_EQ(u->total_tokens, 181);
    EXPECT_EQ(replay_count(&r, "B "), 2);
    {
        char line[128];
        const ailib_tool_call *c0 = ailib_response_tool_call(r.resp, 0), *c1 = ailib_response_tool_call(r.resp, 1);
        EXPECT_TRUE(c0->id_len == 22 && c1->id_len == 22 && strcmp(c0->id, c1->id) != 0);   /* made-up ids differ */
        snprintf(line, sizeof line, "E 0 %s getWeather {\"location\":\"Boston\"}", c0->id);
        EXPECT_EQ(replay_count(&r, line), 1);
        snprintf(line, sizeof line, "E 1 %s getWeather {\"location\":\"San Francisco\"}", c1->id);
        EXPECT_EQ(replay_count(&r, line), 1);
    }
    EXPECT_EQ(replay_count(&r, "D 0 {\"location\":\"Boston"), 1);   /* arguments stream as they grow */
    EXPECT_EQ(replay_count(&r, "U "), 1);                           /* trafficType alone is no usage */
    replay_free(&r);
}

TEST(gemini_fixture_error_429_retry_info) {
    size_t len = 0;
    char *body = ailib_test_fixture("gemini/error-429-RESOURCE_EXHAUSTED-RetryInfo.json", &len);
    ailib_endpoint ep = ge_ep();
    ailib_error e;
    ailib_response *resp = NULL;
    if (!body) TEST_SKIP("fixture corpus absent");
    EXPECT_EQ(ailib_wire_error_parse(&ep, 429, body, len, &e), AILIB_RATE_LIMITED);
    EXPECT_EQ(e.code, AILIB_RATE_LIMITED);
    EXPECT_EQ(e.http_status, 429);
    EXPECT_EQ(e.retryable, 1);
    EXPECT_EQ(e.retry_after_ms, 34400);
    EXPECT_STR_EQ(e.provider_type, "RESOURCE_EXHAUSTED");
    EXPECT_STR_EQ(e.provider_code, "429");
    EXPECT_STR_EQ(e.provider_message, "You exceeded your current quota, please check your plan.");
    /* the same through ailib_wire_response_parse */
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_response_parse(&ep, 429, body, len, &resp, &e), AILIB_RATE_LIMITED);
    EXPECT_TRUE(resp == NULL);
    EXPECT_EQ(e.retry_after_ms, 34400);
    free(body);
}

/* --- hand-written whole responses ---------------------------------------------------------- */

TEST(gemini_whole_text) {
    ailib_response *resp = NULL;
    ailib_error e;
    const ailib_usage *u;
    ailib_error_clear(&e);
    ASSERT_EQ(ge_parse_file("tests/fixtures/gemini/generate-text.json", &resp, &e), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "Paris is the capital of France.");
    EXPECT_STR_EQ(ailib_response_reasoning(resp, NULL), "");
    EXPECT_STR_EQ(ailib_response_model(resp), "gemini-2.5-flash");
    EXPECT_STR_EQ(ailib_response_id(resp), "hand-written-text-1");
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "STOP");
    u = ailib_response_usage(resp);
    EXPECT_EQ(u->input_tokens, 12 + 3);      /* promptTokenCount + toolUsePromptTokenCount */
    EXPECT_EQ(u->cached_input_tokens, 4);
    EXPECT_EQ(u->reasoning_tokens, 12);
    EXPECT_EQ(u->output_tokens, 8 + 12);     /* candidates + thoughts */
    EXPECT_EQ(u->total_tokens, 35);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_CACHED | AILIB_USAGE_REASONING);
    EXPECT_TRUE(ailib_json_is_object(ailib_response_raw(resp)));
    ailib_response_destroy(resp);
}

TEST(gemini_whole_parallel_calls) {
    ailib_response *resp = NULL;
    ailib_error e;
    const ailib_tool_call *c;
    const ailib_message *m;
    ailib_error_clear(&e);
    ASSERT_EQ(ge_parse_file("tests/fixtures/gemini/generate-parallel-function-calls.json", &resp, &e), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_reasoning(resp, NULL), "Comparing both cities.");
    ASSERT_EQ(ailib_response_tool_call_count(resp), 2);
    c = ailib_response_tool_call(resp, 0);
    EXPECT_MEM_EQ(c->name, c->name_len, "get_weather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\":\"Paris\",\"days\":2}");
    EXPECT_EQ(ailib_json_int(ailib_json_get(c->args, "days")), 2);
    EXPECT_MEM_EQ(c->signature, c->signature_len, "c2lnLW9uZS8rPQ==");
    c = ailib_response_tool_call(resp, 1);
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\":\"London\",\"units\":{\"temp\":\"C\"}}");
    EXPECT_STR_EQ(ge_s(ailib_json_path(c->args, "units", "temp", NULL)), "C");
    EXPECT_EQ(c->signature_len, 0);
    EXPECT_TRUE(c->signature == NULL);
    m = ailib_response_message(resp);
    ASSERT_EQ(m->part_count, 3);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "STOP");
    EXPECT_EQ(ailib_response_usage(resp)->output_tokens, 80);
    EXPECT_EQ(ailib_response_usage(resp)->total_tokens, 120);
    ailib_response_destroy(resp);
}

TEST(gemini_whole_prompt_blocked) {
    ailib_response *resp = NULL;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(ge_parse_file("tests/fixtures/gemini/generate-prompt-blocked.json", &resp, &e), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "");
    /* "OTHER" alone would map to AILIB_FINISH_OTHER: a blocked prompt is always a filter */
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_CONTENT_FILTER);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "OTHER");
    EXPECT_EQ(ailib_response_usage(resp)->input_tokens, 9);
    EXPECT_EQ(ailib_response_usage(resp)->reported, AILIB_USAGE_INPUT | AILIB_USAGE_TOTAL);
    EXPECT_TRUE(ailib_response_error(resp) == NULL);
    ailib_response_destroy(resp);
}

TEST(gemini_whole_max_tokens) {
    ailib_response *resp = NULL;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(ge_parse_file("tests/fixtures/gemini/generate-max-tokens.json", &resp, &e), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "Once upon a time, in a land far");
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_LENGTH);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "MAX_TOKENS");
    EXPECT_EQ(ailib_response_usage(resp)->output_tokens, 16);
    EXPECT_EQ(ailib_response_usage(resp)->total_tokens, 21);
    ailib_response_destroy(resp);
}

TEST(gemini_whole_error_body_200) {
    static const char body[] = "{\"error\":{\"code\":400,\"message\":\"API key not valid.\",\"status\":\"INVALID_ARGUMENT\"}}";
    ailib_endpoint ep = ge_ep();
    ailib_response *resp = NULL;
    ailib_error e;
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_response_parse(&ep, 200, body, sizeof body - 1, &resp, &e), AILIB_INVALID_REQUEST);
    EXPECT_TRUE(resp == NULL);
    EXPECT_STR_EQ(e.provider_message, "API key not valid.");
    EXPECT_STR_EQ(e.provider_type, "INVALID_ARGUMENT");
}

/* --- hand-written streams ------------------------------------------------------------------ */

TEST(gemini_stream_error_chunk) {
    replay_run r;
    const ailib_error *pe;
    ASSERT_TRUE(ge_replay_file("tests/fixtures/gemini/stream-error-chunk.sse", &r));
    EXPECT_EQ(r.feed_result, AILIB_OVERLOADED);
    EXPECT_EQ(r.err.code, AILIB_OVERLOADED);
    EXPECT_EQ(r.err.retryable, 1);
    EXPECT_STR_EQ(r.err.provider_type, "UNAVAILABLE");
    EXPECT_STR_EQ(r.err.provider_message, "The model is overloaded. Please try again later.");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hello");
    pe = ailib_response_error(r.resp);
    ASSERT_TRUE(pe != NULL);
    EXPECT_EQ(pe->code, AILIB_OVERLOADED);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_NONE);
    EXPECT_EQ(replay_count(&r, "X AILIB_OVERLOADED The model is overloaded."), 1);
    replay_free(&r);
}

TEST(gemini_stream_cut_before_finish) {
    replay_run r;
    ASSERT_TRUE(ge_replay_file("tests/fixtures/gemini/stream-cut-before-finish.sse", &r));
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_EQ(r.err.code, AILIB_PROTOCOL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "The first three primes are");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_NONE);
    EXPECT_EQ(ailib_response_usage(r.resp)->output_tokens, 5);
    replay_free(&r);
}

TEST(gemini_stream_empty_signed_part_kept) {
    replay_run r;
    const ailib_message *m;
    ASSERT_TRUE(ge_replay_file("tests/fixtures/gemini/stream-empty-signature-part.sse", &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "2, 3 and 5.");
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_TEXT);
    EXPECT_MEM_EQ(m->parts[0].text, m->parts[0].text_len, "2, 3 and 5.");
    EXPECT_EQ(m->parts[0].signature_len, 0);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_EQ(m->parts[1].text_len, 0);
    EXPECT_MEM_EQ(m->parts[1].signature, m->parts[1].signature_len, "ZW1wdHktdGV4dC1zaWc=");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    EXPECT_EQ(ailib_response_usage(r.resp)->total_tokens, 33);
    replay_free(&r);
}

TEST(gemini_stream_vertex_nested_partial_args) {
    replay_run r;
    const ailib_tool_call *c;
    ASSERT_TRUE(ge_replay_file("tests/fixtures/gemini/vertex-stream-partialArgs-nested.sse", &r));
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "fc-1");
    EXPECT_MEM_EQ(c->name, c->name_len, "book_trip");
    EXPECT_MEM_EQ(c->signature, c->signature_len, "dmVydGV4LXNpZw==");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len,
                  "{\"dest\":{\"city\":\"San \\\"Francisco\\\"\\n\xC3\xA9\",\"zip\":94103},\"nights\":2.5,"
                  "\"tags\":[\"beach\",\"city\"],\"opts\":{\"pet friendly\":true,\"note\":null},\"guests\":-3}");
    ASSERT_EQ(c->args_error, AILIB_OK);
    EXPECT_STR_EQ(ge_s(ailib_json_path(c->args, "dest", "city", NULL)), "San \"Francisco\"\n\xC3\xA9");
    EXPECT_EQ(ailib_json_int(ailib_json_path(c->args, "dest", "zip", NULL)), 94103);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(c->args, "nights")), 2.5);
    EXPECT_STR_EQ(ge_s(ailib_json_at(ailib_json_get(c->args, "tags"), 1)), "city");
    EXPECT_EQ(ailib_json_bool(ailib_json_path(c->args, "opts", "pet friendly", NULL)), 1);
    EXPECT_TRUE(ailib_json_is_null(ailib_json_path(c->args, "opts", "note", NULL)));
    EXPECT_EQ(ailib_json_int(ailib_json_get(c->args, "guests")), -3);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_EQ(replay_count(&r, "D 0 "), 5);   /* one delta per chunk of fragments, one for the closing "}" */
    EXPECT_EQ(replay_count(&r, "D 0 }"), 1);
    replay_free(&r);
}

TEST(gemini_stream_vertex_bad_path) {
    static const char body[] =
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\",\"willContinue\":true}}]}}]}\n\n"
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"partialArgs\":[{\"jsonPath\":\"$.a[0]\",\"numberValue\":1},"
        "{\"jsonPath\":\"$.a.b\",\"numberValue\":2}],\"willContinue\":true}}]}}]}\n\n";
    replay_run r;
    replay_feed("gemini", body, sizeof body - 1, 0, 0, &r);
    EXPECT_EQ(r.feed_result, AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(r.err.message, "jsonPath") != NULL);
    replay_free(&r);
}

TEST(gemini_stream_missing_terminator_closed_at_finish) {
    static const char body[] =
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\",\"willContinue\":true}}]}}]}\r\n\r\n"
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"partialArgs\":[{\"jsonPath\":\"$.q.r\",\"stringValue\":\"x\",\"willContinue\":true}],\"willContinue\":true}}]},\"finishReason\":\"STOP\"}],"
        "\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":3}}\r\n\r\n";
    replay_run r;
    const ailib_tool_call *c;
    ASSERT_TRUE(replay_all_ways("gemini", body, sizeof body - 1, 0, &r));
    ASSERT_EQ(r.finish_result, AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"q\":{\"r\":\"x\"}}");
    EXPECT_EQ(c->args_error, AILIB_OK);
    replay_free(&r);
}

/* --- request bodies ------------------------------------------------------------------------ */

TEST(gemini_request_conversation) {
    static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    ailib_part user_parts[2], asst[4], res1, res2;
    ailib_message msgs[6];
    ailib_request q;
    ge_body b;
    ailib_error e;
    const ailib_json *c, *p, *sys;
    memset(&q, 0, sizeof q); memset(msgs, 0, sizeof msgs); memset(user_parts, 0, sizeof user_parts);
    memset(asst, 0, sizeof asst); memset(&res1, 0, sizeof res1); memset(&res2, 0, sizeof res2);
    msgs[0].role = AILIB_ROLE_SYSTEM; msgs[0].text = "Use metric units.";
    user_parts[0].type = AILIB_PART_TEXT; user_parts[0].text = "Weather here?";
    user_parts[1].type = AILIB_PART_IMAGE; user_parts[1].data = png; user_parts[1].data_len = sizeof png;
    msgs[1].role = AILIB_ROLE_USER; msgs[1].parts = user_parts; msgs[1].part_count = 2;
    asst[0].type = AILIB_PART_THINKING; asst[0].text = "Look it up."; asst[0].signature = "dGhpbmstc2ln";
    asst[1].type = AILIB_PART_TEXT; asst[1].text = "Checking."; asst[1].signature = "dGV4dC1zaWc=";
    asst[2].type = AILIB_PART_TOOL_CALL; asst[2].id = "call-1"; asst[2].name = "get_weather"; asst[2].text = "{\"city\":\"Paris\"}";
    asst[2].signature = ge_fc_sig;
    asst[3].type = AILIB_PART_TOOL_CALL; asst[3].name = "get_time";   /* no id, no args, no signature */
    msgs[2].role = AILIB_ROLE_ASSISTANT; msgs[2].parts = asst; msgs[2].part_count = 4;
    res1.type = AILIB_PART_TOOL_RESULT; res1.id = "call-1"; res1.text = "{\"temp\":18}"; res1.is_json = 1;
    msgs[3].role = AILIB_ROLE_TOOL; msgs[3].parts = &res1; msgs[3].part_count = 1;
    res2.type = AILIB_PART_TOOL_RESULT; res2.name = "get_time"; res2.text = "clock offline"; res2.is_error = 1;
    msgs[4].role = AILIB_ROLE_TOOL; msgs[4].parts = &res2; msgs[4].part_count = 1;
    msgs[5].role = AILIB_ROLE_USER; msgs[5].text = "Thanks.";
    q.model = "gemini-2.5-flash"; q.system = "Be terse.";
    q.messages = msgs; q.message_count = 6;
    ailib_error_clear(&e);
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
    EXPECT_STR_EQ(b.wr.method, "POST");
    EXPECT_STR_EQ(ge_header(&b.wr, "x-goog-api-key"), "gm-test-key");
    EXPECT_TRUE(ge_header(&b.wr, "Authorization") == NULL);
    EXPECT_EQ(b.wr.stream, 0);
    sys = ailib_json_path(b.root, "systemInstruction", "parts", NULL);
    ASSERT_EQ(ailib_json_size(sys), 2);
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(sys, 0), "text")), "Be terse.");
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(sys, 1), "text")), "Use metric units.");
    c = ailib_json_get(b.root, "contents");
    ASSERT_EQ(ailib_json_size(c), 3);   /* user, model, and one user turn for both results + the text */
    /* contents[0]: the user turn */
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(c, 0), "role")), "user");
    p = ailib_json_get(ailib_json_at(c, 0), "parts");
    ASSERT_EQ(ailib_json_size(p), 2);
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(p, 0), "text")), "Weather here?");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 1), "inlineData", "mimeType", NULL)), "image/png");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 1), "inlineData", "data", NULL)), "iVBORw0KGgo=");
    /* contents[1]: the model turn, signatures on their own parts */
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(c, 1), "role")), "model");
    p = ailib_json_get(ailib_json_at(c, 1), "parts");
    ASSERT_EQ(ailib_json_size(p), 4);
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(p, 0), "text")), "Look it up.");
    EXPECT_EQ(ailib_json_bool(ailib_json_get(ailib_json_at(p, 0), "thought")), 1);
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(p, 0), "thoughtSignature")), "dGhpbmstc2ln");
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(p, 1), "text")), "Checking.");
    EXPECT_TRUE(ailib_json_get(ailib_json_at(p, 1), "thought") == NULL);
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(p, 1), "thoughtSignature")), "dGV4dC1zaWc=");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 2), "functionCall", "name", NULL)), "get_weather");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 2), "functionCall", "id", NULL)), "call-1");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 2), "functionCall", "args", "city", NULL)), "Paris");
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(p, 2), "thoughtSignature")), ge_fc_sig);
    EXPECT_TRUE(ailib_json_is_object(ailib_json_path(ailib_json_at(p, 3), "functionCall", "args", NULL)));
    EXPECT_EQ(ailib_json_size(ailib_json_path(ailib_json_at(p, 3), "functionCall", "args", NULL)), 0);
    EXPECT_TRUE(ailib_json_path(ailib_json_at(p, 3), "functionCall", "id", NULL) == NULL);
    EXPECT_TRUE(ailib_json_get(ailib_json_at(p, 3), "thoughtSignature") == NULL);
    /* contents[2]: both tool results and the user's text in one user turn */
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(c, 2), "role")), "user");
    p = ailib_json_get(ailib_json_at(c, 2), "parts");
    ASSERT_EQ(ailib_json_size(p), 3);
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 0), "functionResponse", "name", NULL)), "get_weather");  /* found by id */
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 0), "functionResponse", "id", NULL)), "call-1");
    EXPECT_EQ(ailib_json_int(ailib_json_path(ailib_json_at(p, 0), "functionResponse", "response", "result", "temp", NULL)), 18);
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 1), "functionResponse", "name", NULL)), "get_time");
    EXPECT_TRUE(ailib_json_path(ailib_json_at(p, 1), "functionResponse", "id", NULL) == NULL);
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 1), "functionResponse", "response", "error", NULL)), "clock offline");
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(p, 2), "text")), "Thanks.");
    ge_body_free(&b);
}

TEST(gemini_request_stream_url_and_model_prefix) {
    ailib_message m;
    ailib_request q;
    ge_body b;
    ailib_error e;
    memset(&q, 0, sizeof q); memset(&m, 0, sizeof m);
    m.role = AILIB_ROLE_USER; m.text = "Hi";
    q.model = "models/gemini-3-pro-preview"; q.messages = &m; q.message_count = 1;
    ailib_error_clear(&e);
    ASSERT_EQ(ge_build(&q, 1, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse");
    EXPECT_EQ(b.wr.stream, 1);
    EXPECT_TRUE(ailib_json_get(b.root, "stream") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "generationConfig") == NULL);   /* nothing set: omitted */
    EXPECT_TRUE(ailib_json_get(b.root, "systemInstruction") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "tools") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "toolConfig") == NULL);
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(ailib_json_path(ailib_json_at(ailib_json_get(b.root, "contents"), 0), "parts", NULL), 0), "text")), "Hi");
    ge_body_free(&b);
    q.model = "gemini/gemini-2.5-flash";   /* the provider prefix is stripped by the wire layer */
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
    ge_body_free(&b);
}

TEST(gemini_request_tools_and_tool_config) {
    ailib_tool tools[2];
    ailib_message m;
    ailib_request q;
    ge_body b;
    ailib_error e;
    const ailib_json *fd, *fcc;
    memset(&q, 0, sizeof q); memset(&m, 0, sizeof m); memset(tools, 0, sizeof tools);
    tools[0].name = "get_weather"; tools[0].description = "Weather of a city";
    tools[0].parameters = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";
    tools[1].name = "get_time";
    m.role = AILIB_ROLE_USER; m.text = "Hi";
    q.model = "gemini-2.5-flash"; q.messages = &m; q.message_count = 1; q.tools = tools; q.tool_count = 2;
    ailib_error_clear(&e);
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    ASSERT_EQ(ailib_json_size(ailib_json_get(b.root, "tools")), 1);
    fd = ailib_json_get(ailib_json_at(ailib_json_get(b.root, "tools"), 0), "functionDeclarations");
    ASSERT_EQ(ailib_json_size(fd), 2);
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(fd, 0), "name")), "get_weather");
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(fd, 0), "description")), "Weather of a city");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(fd, 0), "parametersJsonSchema", "properties", "city", "type", NULL)), "string");
    EXPECT_TRUE(ailib_json_get(ailib_json_at(fd, 0), "parameters") == NULL);
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(fd, 1), "parametersJsonSchema", "type", NULL)), "object");
    EXPECT_TRUE(ailib_json_get(ailib_json_at(fd, 1), "description") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "toolConfig") == NULL);   /* AUTO is the default */
    ge_body_free(&b);

    q.tool_choice.mode = AILIB_TOOL_CHOICE_REQUIRED;
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    fcc = ailib_json_path(b.root, "toolConfig", "functionCallingConfig", NULL);
    EXPECT_STR_EQ(ge_s(ailib_json_get(fcc, "mode")), "ANY");
    EXPECT_TRUE(ailib_json_get(fcc, "allowedFunctionNames") == NULL);
    ge_body_free(&b);

    q.tool_choice.mode = AILIB_TOOL_CHOICE_NAMED; q.tool_choice.name = "get_time";
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    fcc = ailib_json_path(b.root, "toolConfig", "functionCallingConfig", NULL);
    EXPECT_STR_EQ(ge_s(ailib_json_get(fcc, "mode")), "ANY");
    ASSERT_EQ(ailib_json_size(ailib_json_get(fcc, "allowedFunctionNames")), 1);
    EXPECT_STR_EQ(ge_s(ailib_json_at(ailib_json_get(fcc, "allowedFunctionNames"), 0)), "get_time");
    ge_body_free(&b);

    q.tool_choice.mode = AILIB_TOOL_CHOICE_NONE;
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(ge_s(ailib_json_path(b.root, "toolConfig", "functionCallingConfig", "mode", NULL)), "NONE");
    ge_body_free(&b);

    tools[0].parameters = "{not json";
    q.tool_choice.mode = AILIB_TOOL_CHOICE_AUTO;
    EXPECT_EQ(ge_build(&q, 0, &b, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(e.message, "get_weather") != NULL);
    ge_body_free(&b);
}

TEST(gemini_request_generation_config) {
    static const char *const stops[] = { "END", "STOP" };
    ailib_message m;
    ailib_request q;
    ge_body b;
    ailib_error e;
    const ailib_json *g;
    memset(&q, 0, sizeof q); memset(&m, 0, sizeof m);
    m.role = AILIB_ROLE_USER; m.text = "Hi";
    q.model = "gemini-2.5-flash"; q.messages = &m; q.message_count = 1;
    q.temperature = ailib_set(0.25); q.top_p = ailib_set(0.9); q.top_k = ailib_set_int(40); q.max_tokens = 1024;
    q.stop = stops; q.stop_count = 2; q.seed = ailib_set_int(7);
    q.presence_penalty = ailib_set(0.5); q.frequency_penalty = ailib_set(-0.5);
    q.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
    q.response_format.schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}";
    q.reasoning.effort = AILIB_EFFORT_MEDIUM;
    ailib_error_clear(&e);
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    g = ailib_json_get(b.root, "generationConfig");
    ASSERT_TRUE(ailib_json_is_object(g));
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(g, "temperature")), 0.25);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(g, "topP")), 0.9);
    EXPECT_EQ(ailib_json_int(ailib_json_get(g, "topK")), 40);
    EXPECT_EQ(ailib_json_int(ailib_json_get(g, "maxOutputTokens")), 1024);
    ASSERT_EQ(ailib_json_size(ailib_json_get(g, "stopSequences")), 2);
    EXPECT_STR_EQ(ge_s(ailib_json_at(ailib_json_get(g, "stopSequences"), 1)), "STOP");
    EXPECT_EQ(ailib_json_int(ailib_json_get(g, "seed")), 7);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(g, "presencePenalty")), 0.5);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(g, "frequencyPenalty")), -0.5);
    EXPECT_STR_EQ(ge_s(ailib_json_get(g, "responseMimeType")), "application/json");
    /* rewritten into responseSchema's OpenAPI subset (no responseJsonSchema) */
    EXPECT_STR_EQ(ge_s(ailib_json_path(g, "responseSchema", "properties", "a", "type", NULL)), "integer");
    EXPECT_STR_EQ(ge_s(ailib_json_at(ailib_json_path(g, "responseSchema", "propertyOrdering", NULL), 0)), "a");
    EXPECT_TRUE(ailib_json_get(g, "responseJsonSchema") == NULL);
    EXPECT_EQ(ailib_json_int(ailib_json_path(g, "thinkingConfig", "thinkingBudget", NULL)), 8192);
    EXPECT_TRUE(ailib_json_type_of(ailib_json_path(g, "thinkingConfig", "includeThoughts", NULL)) == AILIB_JSON_TRUE);
    EXPECT_TRUE(ailib_json_get(b.root, "temperature") == NULL);   /* nothing leaks to the top level */
    ge_body_free(&b);

    /* explicit budget, reasoning text excluded, plain JSON */
    memset(&q.reasoning, 0, sizeof q.reasoning);
    q.reasoning.budget_tokens = 3000; q.reasoning.exclude = 1;
    q.response_format.type = AILIB_FORMAT_JSON;
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    g = ailib_json_get(b.root, "generationConfig");
    EXPECT_EQ(ailib_json_int(ailib_json_path(g, "thinkingConfig", "thinkingBudget", NULL)), 3000);
    EXPECT_TRUE(ailib_json_type_of(ailib_json_path(g, "thinkingConfig", "includeThoughts", NULL)) == AILIB_JSON_FALSE);
    EXPECT_STR_EQ(ge_s(ailib_json_get(g, "responseMimeType")), "application/json");
    EXPECT_TRUE(ailib_json_get(g, "responseJsonSchema") == NULL);
    ge_body_free(&b);

    /* reasoning off: budget 0 and no includeThoughts; only the thinking config is set */
    memset(&q, 0, sizeof q);
    q.model = "gemini-2.5-flash"; q.messages = &m; q.message_count = 1;
    q.reasoning.effort = AILIB_EFFORT_NONE;
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    g = ailib_json_get(b.root, "generationConfig");
    EXPECT_EQ(ailib_json_size(g), 1);
    EXPECT_TRUE(ailib_json_type_of(ailib_json_path(g, "thinkingConfig", "thinkingBudget", NULL)) == AILIB_JSON_INT);
    EXPECT_EQ(ailib_json_int(ailib_json_path(g, "thinkingConfig", "thinkingBudget", NULL)), 0);
    EXPECT_TRUE(ailib_json_path(g, "thinkingConfig", "includeThoughts", NULL) == NULL);
    ge_body_free(&b);

    /* zero-valued parameters that are set are sent */
    memset(&q, 0, sizeof q);
    q.model = "gemini-2.5-flash"; q.messages = &m; q.message_count = 1;
    q.temperature = ailib_set(0);
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    g = ailib_json_get(b.root, "generationConfig");
    EXPECT_EQ(ailib_json_size(g), 1);
    EXPECT_TRUE(ailib_json_is_number(ailib_json_get(g, "temperature")));
    ge_body_free(&b);
}

TEST(gemini_request_media_urls) {
    static const unsigned char wav[] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E', 1, 2 };
    ailib_part ps[4];
    ailib_message m;
    ailib_request q;
    ge_body b;
    ailib_error e;
    const ailib_json *p;
    memset(&q, 0, sizeof q); memset(&m, 0, sizeof m); memset(ps, 0, sizeof ps);
    ps[0].type = AILIB_PART_IMAGE; ps[0].url = "https://example.com/cat.webp?x=1";
    ps[1].type = AILIB_PART_IMAGE; ps[1].url = "gs://bucket/file"; ps[1].mime = "image/heic";
    ps[2].type = AILIB_PART_IMAGE; ps[2].url = "data:image/gif;base64,R0lGODlh";
    ps[3].type = AILIB_PART_AUDIO; ps[3].data = wav; ps[3].data_len = sizeof wav;
    m.role = AILIB_ROLE_USER; m.parts = ps; m.part_count = 4;
    q.model = "gemini-2.5-flash"; q.messages = &m; q.message_count = 1;
    ailib_error_clear(&e);
    ASSERT_EQ(ge_build(&q, 0, &b, &e), AILIB_OK);
    p = ailib_json_path(ailib_json_at(ailib_json_get(b.root, "contents"), 0), "parts", NULL);
    ASSERT_EQ(ailib_json_size(p), 4);
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 0), "fileData", "fileUri", NULL)), "https://example.com/cat.webp?x=1");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 0), "fileData", "mimeType", NULL)), "image/webp");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 1), "fileData", "mimeType", NULL)), "image/heic");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 2), "inlineData", "mimeType", NULL)), "image/gif");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 2), "inlineData", "data", NULL)), "R0lGODlh");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 3), "inlineData", "mimeType", NULL)), "audio/wav");
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(p, 3), "inlineData", "data", NULL)), "UklGRgAAAABXQVZFAQI=");
    ge_body_free(&b);
}

TEST(gemini_request_result_needs_name) {
    ailib_part res;
    ailib_message m;
    ailib_request q;
    ge_body b;
    ailib_error e;
    memset(&q, 0, sizeof q); memset(&m, 0, sizeof m); memset(&res, 0, sizeof res);
    res.type = AILIB_PART_TOOL_RESULT; res.id = "call-unknown"; res.text = "x";
    m.role = AILIB_ROLE_TOOL; m.parts = &res; m.part_count = 1;
    q.model = "gemini-2.5-flash"; q.messages = &m; q.message_count = 1;
    ailib_error_clear(&e);
    EXPECT_EQ(ge_build(&q, 0, &b, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(e.message, "part.name") != NULL);
    EXPECT_TRUE(strstr(e.message, "call-unknown") != NULL);
    ge_body_free(&b);
}

/* The recorded call, appended to the conversation as the response gives it, goes back with
   its signature byte for byte on the functionCall part. */
TEST(gemini_request_echo_recorded_call) {
    replay_run r;
    ailib_message msgs[3];
    ailib_part res;
    ailib_request q;
    ge_body b;
    ailib_error e;
    const ailib_json *parts;
    if (!replay_fixture("gemini", "gemini/stream-functionCall-thoughtSignature.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.finish_result, AILIB_OK);
    memset(&q, 0, sizeof q); memset(msgs, 0, sizeof msgs); memset(&res, 0, sizeof res);
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = "What country?";
    msgs[1] = *ailib_response_message(r.resp);
    res.type = AILIB_PART_TOOL_RESULT; res.name = "get_country"; res.text = "Mexico";
    msgs[2].role = AILIB_ROLE_TOOL; msgs[2].parts = &res; msgs[2].part_count = 1;
    q.model = "gemini-3-pro-preview"; q.messages = msgs; q.message_count = 3;
    ailib_error_clear(&e);
    ASSERT_EQ(ge_build(&q, 1, &b, &e), AILIB_OK);
    parts = ailib_json_path(ailib_json_at(ailib_json_get(b.root, "contents"), 1), "parts", NULL);
    ASSERT_EQ(ailib_json_size(parts), 1);
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(parts, 0), "functionCall", "name", NULL)), "get_country");
    EXPECT_EQ(ailib_json_size(ailib_json_path(ailib_json_at(parts, 0), "functionCall", "args", NULL)), 0);
    EXPECT_STR_EQ(ge_s(ailib_json_get(ailib_json_at(parts, 0), "thoughtSignature")), ge_fc_sig);
    EXPECT_STR_EQ(ge_s(ailib_json_path(ailib_json_at(ailib_json_path(ailib_json_at(ailib_json_get(b.root, "contents"), 2), "parts", NULL), 0),
                                       "functionResponse", "response", "result", NULL)), "Mexico");
    ge_body_free(&b);
    replay_free(&r);
}

/* Gemini 3 takes an effort as thinkingLevel (never with thinkingBudget); a token budget or an
   older model keeps thinkingBudget. */
TEST(gemini_request_thinking_level_for_gemini_3) {
    static const struct { const char *model; ailib_effort effort; int64_t budget; const char *level; int64_t tb; int thoughts; } cases[] = {
        { "gemini-3.8-flash", AILIB_EFFORT_MEDIUM, 0, "medium", 0, 1 },
        { "gemini-3.8-flash", AILIB_EFFORT_NONE, 0, "minimal", 0, 0 },
        { "gemini-3.1-pro-preview", AILIB_EFFORT_NONE, 0, "low", 0, 0 },
        { "gemini-3.1-pro-preview", AILIB_EFFORT_MEDIUM, 0, "high", 0, 1 },
        { "gemini-3.1-pro-preview", AILIB_EFFORT_XHIGH, 0, "high", 0, 1 },
        { "models/gemini-3.5-flash-lite", AILIB_EFFORT_LOW, 0, "low", 0, 1 },
        { "gemini-3.8-flash", AILIB_EFFORT_DEFAULT, 2048, NULL, 2048, 1 },   /* a budget: thinkingBudget */
        { "gemini-2.5-flash", AILIB_EFFORT_LOW, 0, NULL, 2048, 1 }            /* older model: budget from the effort */
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ailib_message m;
        ailib_request q;
        replay_body b;
        ailib_error e;
        const ailib_json *tc;
        memset(&m, 0, sizeof m);
        memset(&q, 0, sizeof q);
        m.role = AILIB_ROLE_USER;
        m.text = "hi";
        q.model = cases[i].model;
        q.messages = &m;
        q.message_count = 1;
        q.reasoning.effort = cases[i].effort;
        q.reasoning.budget_tokens = cases[i].budget;
        ASSERT_EQ(replay_build("gemini", "k", &q, 0, &b, &e), AILIB_OK);
        tc = ailib_json_path(b.root, "generationConfig", "thinkingConfig", NULL);
        ASSERT_TRUE(tc != NULL);
        if (cases[i].level) {
            EXPECT_STR_EQ(ge_s(ailib_json_get(tc, "thinkingLevel")), cases[i].level);
            EXPECT_TRUE(ailib_json_get(tc, "thinkingBudget") == NULL);
        } else {
            EXPECT_TRUE(ailib_json_get(tc, "thinkingLevel") == NULL);
            EXPECT_EQ(ailib_json_int(ailib_json_get(tc, "thinkingBudget")), cases[i].tb);
        }
        EXPECT_EQ(ailib_json_bool(ailib_json_get(tc, "includeThoughts")), cases[i].thoughts);
        replay_body_free(&b);
    }
}

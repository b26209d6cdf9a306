/* AWS Bedrock Converse: the recorded binary event stream, frames made by a small encoder
   (from decoded-frame .jsonl fixtures), whole responses, request bodies. */
#include "test.h"
#include "replay.h"
#include <stdlib.h>

/* --- an event-stream frame encoder, written independently of the library's decoder --------- */

typedef struct br_bytes { char *p; size_t len, cap; } br_bytes;

static void bb_put(br_bytes *b, const void *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n + 1) cap *= 2;
        b->p = (char *)realloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void bb_u32(br_bytes *b, uint32_t v) {
    unsigned char x[4];
    x[0] = (unsigned char)(v >> 24); x[1] = (unsigned char)(v >> 16); x[2] = (unsigned char)(v >> 8); x[3] = (unsigned char)v;
    bb_put(b, x, 4);
}

/* Bit-at-a-time CRC-32 (zlib's), so the test does not share the library's table. */
static uint32_t bb_crc(const char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= (unsigned char)p[i];
        for (k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return ~c;
}

/* Appends one frame: string headers (name, value pairs ending in NULL) and the payload. */
static void bb_frame(br_bytes *b, const char *const *hdr, const char *payload, size_t plen) {
    size_t start = b->len, hl = 0, i;
    for (i = 0; hdr[i]; i += 2) hl += 1 + strlen(hdr[i]) + 1 + 2 + strlen(hdr[i + 1]);
    bb_u32(b, (uint32_t)(12 + hl + plen + 4));
    bb_u32(b, (uint32_t)hl);
    bb_u32(b, bb_crc(b->p + start, 8));
    for (i = 0; hdr[i]; i += 2) {
        unsigned char nl = (unsigned char)strlen(hdr[i]), t = 7, vl[2];
        size_t v = strlen(hdr[i + 1]);
        vl[0] = (unsigned char)(v >> 8); vl[1] = (unsigned char)v;
        bb_put(b, &nl, 1); bb_put(b, hdr[i], nl); bb_put(b, &t, 1); bb_put(b, vl, 2); bb_put(b, hdr[i + 1], v);
    }
    bb_put(b, payload, plen);
    bb_u32(b, bb_crc(b->p + start, b->len - start));
}

static void bb_event(br_bytes *b, const char *event, const char *json) {
    const char *h[7];
    h[0] = ":event-type"; h[1] = event; h[2] = ":content-type"; h[3] = "application/json";
    h[4] = ":message-type"; h[5] = "event"; h[6] = NULL;
    bb_frame(b, h, json, strlen(json));
}

static void bb_exception(br_bytes *b, const char *type, const char *json) {
    const char *h[7];
    h[0] = ":exception-type"; h[1] = type; h[2] = ":content-type"; h[3] = "application/json";
    h[4] = ":message-type"; h[5] = "exception"; h[6] = NULL;
    bb_frame(b, h, json, strlen(json));
}

/* Encodes a decoded-frame .jsonl ({"headers":{...},"payload":{...}} per line, the format of
   bedrock/converse-stream.decoded.jsonl): headers in order, payload as compact JSON. */
static int bb_encode_jsonl(const char *text, size_t len, br_bytes *out) {
    size_t i = 0;
    memset(out, 0, sizeof *out);
    while (i < len) {
        const char *nl = (const char *)memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len, n, k;
        ailib_json_doc *d = NULL;
        const ailib_json *root, *hs, *key;
        const char *h[17];
        ailib_json_writer w;
        if (e > i) {
            if (ailib_json_parse(text + i, e - i, NULL, &d, NULL) != AILIB_OK) return 0;
            root = ailib_json_doc_root(d);
            hs = ailib_json_get(root, "headers");
            for (k = 0, n = ailib_json_size(hs), key = ailib_json_first(hs); n && k < 16; n--, key = ailib_json_next(ailib_json_next(key))) {
                h[k++] = ailib_json_str(key, NULL);
                h[k++] = ailib_json_str(ailib_json_next(key), NULL);
            }
            h[k] = NULL;
            ailib_json_writer_init(&w, NULL);
            ailib_json_write_value(&w, ailib_json_get(root, "payload"));
            if (ailib_json_writer_finish(&w) != AILIB_OK) return 0;
            bb_frame(out, h, w.buf, w.len);
            ailib_json_writer_deinit(&w);
            ailib_json_doc_destroy(d);
        }
        i = e + 1;
    }
    return 1;
}

static int bb_encode_file(const char *path, br_bytes *out) {
    size_t len = 0;
    char *text = ailib_test_read_file(path, &len);
    int ok;
    if (!text) return 0;
    ok = bb_encode_jsonl(text, len, out);
    free(text);
    return ok;
}

/* --- helpers ------------------------------------------------------------------------------ */

static ailib_endpoint br_ep(void) {
    ailib_endpoint ep;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("bedrock");
    ep.base_url = "https://bedrock-runtime.us-east-1.amazonaws.com";
    ep.api_key = "bedrock-api-key-test";
    return ep;
}

static ailib_json_doc *br_build(const ailib_request *req, int stream, ailib_wire_request *wr) {
    ailib_endpoint ep = br_ep();
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

static ailib_result br_build_fail(const ailib_request *req, ailib_error *err) {
    ailib_endpoint ep = br_ep();
    ailib_wire_request wr;
    ailib_result r = ailib_wire_request_build(&ep, req, 0, &wr, err);
    if (r == AILIB_OK) ailib_wire_request_deinit(&wr);
    return r;
}

static const char *br_header(const ailib_wire_request *wr, const char *name) {
    size_t i;
    for (i = 0; i < wr->header_count; i++) if (strcmp(wr->headers[i].name, name) == 0) return wr->headers[i].value;
    return NULL;
}

static int br_json_is(const ailib_json *v, const char *json) {
    ailib_json_doc *d = NULL;
    int eq;
    if (ailib_json_parse(json, strlen(json), NULL, &d, NULL) != AILIB_OK) return 0;
    eq = ailib_json_equal(v, ailib_json_doc_root(d));
    if (!eq) {
        ailib_json_writer w;
        ailib_json_writer_init(&w, NULL);
        ailib_json_write_value(&w, v);
        if (ailib_json_writer_finish(&w) == AILIB_OK) printf("    got:  %s\n    want: %s\n", w.buf, json);
        ailib_json_writer_deinit(&w);
    }
    ailib_json_doc_destroy(d);
    return eq;
}

/* --- the recorded stream --------------------------------------------------------------------- */

static const char br_paris[] =
    "The capital of France is Paris. Paris is not only the capital city but also the most populous city in France, "
    "and it is a major center for culture, commerce, fashion, and international diplomacy. Known for its historical "
    "landmarks, such as the Eiffel Tower, the Louvre Museum, and Notre-Dame Cathedral, Paris is often referred to as "
    "\"The City of Light\" or \"The City of Love.\"";

TEST(bedrock_fixture_converse_stream) {
    size_t len = 0;
    char *body = ailib_test_fixture("bedrock/converse-stream.eventstream.bin", &len);
    replay_run r;
    const ailib_usage *u;
    const ailib_message *m;
    if (!body) TEST_SKIP("fixture corpus absent");
    EXPECT_EQ(len, 6616);
    replay_all_ways("bedrock", body, len, 0, &r);
    free(body);
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), br_paris);
    EXPECT_EQ(strlen(br_paris), 375);
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "");
    EXPECT_EQ(ailib_response_tool_call_count(r.resp), 0);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_STOP);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "end_turn");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 13);
    EXPECT_EQ(u->output_tokens, 82);
    EXPECT_EQ(u->total_tokens, 95);
    EXPECT_EQ(u->cached_input_tokens, 0);
    EXPECT_EQ(u->cache_write_tokens, 0);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL);
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 1);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_TEXT);
    EXPECT_EQ(replay_count(&r, "T "), 29);
    EXPECT_EQ(replay_count(&r, "T The\n"), 1);
    EXPECT_EQ(replay_count(&r, "F stop end_turn"), 1);
    EXPECT_EQ(replay_count(&r, "U 13 82 95 0 0 0"), 1);
    EXPECT_EQ(r.events, 31);
    EXPECT_TRUE(ailib_response_error(r.resp) == NULL);
    replay_free(&r);
}

/* The test encoder reproduces the recording byte for byte from its decoded view: both the
   encoder and the recording's CRCs are then known good. */
TEST(bedrock_fixture_encoder_matches_recording) {
    size_t len = 0, dl = 0;
    char *bin = ailib_test_fixture("bedrock/converse-stream.eventstream.bin", &len);
    char *dec = ailib_test_fixture("bedrock/converse-stream.decoded.jsonl", &dl);
    br_bytes b;
    if (!bin || !dec) { free(bin); free(dec); TEST_SKIP("fixture corpus absent"); }
    EXPECT_TRUE(bb_encode_jsonl(dec, dl, &b));
    EXPECT_EQ(b.len, len);
    EXPECT_TRUE(b.len == len && memcmp(b.p, bin, len) == 0);
    free(b.p);
    free(bin);
    free(dec);
}

TEST(bedrock_fixture_corrupted_crc) {
    size_t len = 0;
    char *body = ailib_test_fixture("bedrock/converse-stream.eventstream.bin", &len);
    replay_run r;
    if (!body) TEST_SKIP("fixture corpus absent");
    /* frame 2 starts at 0x8f; its payload ("{"contentBlockIndex"...) at 0x8f + 12 + 0x57 */
    ASSERT_TRUE(memcmp(body + 0x8f + 12 + 0x57, "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"The\"}", 45) == 0);
    body[0x8f + 12 + 0x57 + 41] ^= 0x01;          /* "The" -> "Tie" */
    replay_all_ways("bedrock", body, len, 0, &r);
    EXPECT_EQ(r.feed_result, AILIB_PROTOCOL);
    EXPECT_EQ(r.err.code, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "frame at byte 143") != NULL);
    EXPECT_TRUE(strstr(r.err.message, "message CRC mismatch") != NULL);
    EXPECT_EQ(r.err.byte_pos, 143);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");   /* the corrupt frame is never read */
    EXPECT_EQ(r.events, 0);
    replay_free(&r);

    /* a prelude CRC catches a broken length before the decoder waits for megabytes */
    body[0x8f + 12 + 0x57 + 41] ^= 0x01;
    body[0x8f + 1] = 0x7f;
    replay_feed("bedrock", body, len, 0, 0, &r);
    EXPECT_EQ(r.feed_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "prelude CRC mismatch") != NULL);
    EXPECT_EQ(replay_count(&r, "T "), 0);
    replay_free(&r);
    free(body);
}

TEST(bedrock_stream_impossible_lengths) {
    br_bytes b;
    replay_run r;
    /* a prelude with a valid CRC but a total shorter than prelude + CRC */
    memset(&b, 0, sizeof b);
    bb_u32(&b, 8); bb_u32(&b, 0); bb_u32(&b, bb_crc(b.p, 8));
    replay_feed("bedrock", b.p, b.len, 0, 0, &r);
    EXPECT_EQ(r.feed_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "impossible lengths (total 8, headers 0)") != NULL);
    replay_free(&r);
    /* headers longer than the frame */
    b.len = 0;
    bb_u32(&b, 40); bb_u32(&b, 30); bb_u32(&b, bb_crc(b.p, 8));
    replay_feed("bedrock", b.p, b.len, 0, 0, &r);
    EXPECT_EQ(r.feed_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "impossible lengths") != NULL);
    replay_free(&r);
    /* beyond the 16 MiB frame limit */
    b.len = 0;
    bb_u32(&b, 0x7fffffffu); bb_u32(&b, 0); bb_u32(&b, bb_crc(b.p, 8));
    replay_feed("bedrock", b.p, b.len, 0, 0, &r);
    EXPECT_EQ(r.feed_result, AILIB_PROTOCOL);
    replay_free(&r);
    /* not an event stream at all (a JSON error body): the provider's error, not a framing error
       (issue 8 item 4; tests/test_shapes.c has the rest) */
    replay_feed("bedrock", "{\"message\":\"The security token included in the request is invalid.\"}", 68, 0, 0, &r);
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_PROVIDER);
    EXPECT_STR_EQ(r.err.provider_message, "The security token included in the request is invalid.");
    EXPECT_TRUE(strstr(r.err.message, "CRC") == NULL);
    replay_free(&r);
    /* malformed headers (a string header running past the headers block) with valid CRCs */
    b.len = 0;
    {
        const char *h[3];
        h[0] = ":event-type"; h[1] = "messageStart"; h[2] = NULL;
        bb_frame(&b, h, "{}", 2);
        b.p[12 + 1 + 11 + 1] = 0x7f;                  /* value length high byte */
        /* fix the message CRC so only the header layout is wrong */
        b.len -= 4;
        bb_u32(&b, bb_crc(b.p, b.len));
    }
    replay_feed("bedrock", b.p, b.len, 0, 0, &r);
    EXPECT_EQ(r.feed_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "malformed headers") != NULL);
    replay_free(&r);
    free(b.p);
}

TEST(bedrock_stream_truncated) {
    br_bytes b;
    replay_run r;
    memset(&b, 0, sizeof b);
    bb_event(&b, "messageStart", "{\"role\":\"assistant\"}");
    bb_event(&b, "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hello\"}}");
    /* cut inside the second frame */
    replay_feed("bedrock", b.p, b.len - 5, 0, 0, &r);
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "ended inside a frame") != NULL);
    EXPECT_STR_EQ(r.log, "");
    replay_free(&r);
    /* whole frames but no messageStop */
    replay_feed("bedrock", b.p, b.len, 0, 0, &r);
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "end marker") != NULL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hello");
    replay_free(&r);
    /* messageStop without metadata: the answer is whole but its usage never came (the
       completeness rule of ailib_stream_finish); with metadata it is complete */
    bb_event(&b, "contentBlockStop", "{\"contentBlockIndex\":0}");
    bb_event(&b, "messageStop", "{\"stopReason\":\"max_tokens\"}");
    replay_all_ways("bedrock", b.p, b.len, 0, &r);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_TRUE(strstr(r.err.message, "final usage") != NULL);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_LENGTH);
    EXPECT_STR_EQ(r.log, "T Hello\nF length max_tokens\n");
    replay_free(&r);
    bb_event(&b, "metadata", "{\"usage\":{\"inputTokens\":3,\"outputTokens\":1,\"totalTokens\":4}}");
    replay_all_ways("bedrock", b.p, b.len, 0, &r);
    EXPECT_EQ(r.finish_result, AILIB_OK);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_LENGTH);
    replay_free(&r);
    free(b.p);
}

/* --- hand-written frames ---------------------------------------------------------------------- */

TEST(bedrock_stream_reasoning_tool_use) {
    br_bytes b;
    replay_run r;
    const ailib_tool_call *c;
    const ailib_usage *u;
    const ailib_message *m;
    ASSERT_TRUE(bb_encode_file("tests/fixtures/bedrock/stream-reasoning-tool-use.jsonl", &b));
    replay_all_ways("bedrock", b.p, b.len, 0, &r);
    free(b.p);
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "The user wants 1234 times 5678. I should use the calc tool.");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Let me calculate that.");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "tooluse_Zq3FhY8vR0WmXkP2nLc1aA");
    EXPECT_MEM_EQ(c->name, c->name_len, "calc");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"expr\": \"1234*5678\", \"precision\": 2}");
    EXPECT_EQ(c->args_error, AILIB_OK);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(c->args, "expr"), NULL), "1234*5678");
    EXPECT_EQ(ailib_json_int(ailib_json_get(c->args, "precision")), 2);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "tool_use");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 57 + 1024 + 256);
    EXPECT_EQ(u->cached_input_tokens, 1024);
    EXPECT_EQ(u->cache_write_tokens, 256);
    EXPECT_EQ(u->output_tokens, 118);
    EXPECT_EQ(u->total_tokens, 1455);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_CACHED | AILIB_USAGE_CACHE_WRITE);
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 4);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_MEM_EQ(m->parts[0].text, m->parts[0].text_len, "The user wants 1234 times 5678. I should use the calc tool.");
    EXPECT_MEM_EQ(m->parts[0].signature, m->parts[0].signature_len, "EqMBCkYIBhgCIkBsig0123456789==");
    EXPECT_EQ(m->parts[1].type, AILIB_PART_REDACTED_THINKING);
    EXPECT_MEM_EQ(m->parts[1].text, m->parts[1].text_len, "UkVEQUNURUQtQkxPQg==");
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TEXT);
    EXPECT_EQ(m->parts[3].type, AILIB_PART_TOOL_CALL);
    EXPECT_STR_EQ(r.log,
        "R The user wants 1234 times 5678. \n"
        "R I should use the calc tool.\n"
        "T Let me \n"
        "T calculate that.\n"
        "B 0 tooluse_Zq3FhY8vR0WmXkP2nLc1aA calc\n"
        "D 0 {\"expr\":\n"
        "D 0  \"1234*5678\", \"pre\n"
        "D 0 cision\": 2}\n"
        "E 0 tooluse_Zq3FhY8vR0WmXkP2nLc1aA calc {\"expr\": \"1234*5678\", \"precision\": 2}\n"
        "F tool_calls tool_use\n"
        "U 1337 118 1455 1024 256 0\n");
    replay_free(&r);
}

TEST(bedrock_stream_exception_throttling) {
    br_bytes b;
    replay_run r;
    const ailib_error *e;
    ASSERT_TRUE(bb_encode_file("tests/fixtures/bedrock/stream-throttling-exception.jsonl", &b));
    replay_all_ways("bedrock", b.p, b.len, 0, &r);
    free(b.p);
    EXPECT_EQ(r.feed_result, AILIB_RATE_LIMITED);
    EXPECT_EQ(r.finish_result, AILIB_RATE_LIMITED);
    EXPECT_EQ(r.err.code, AILIB_RATE_LIMITED);
    EXPECT_EQ(r.err.retryable, 1);
    EXPECT_STR_EQ(r.err.provider_type, "throttlingException");
    EXPECT_STR_EQ(r.err.provider_message, "Too many tokens, please wait before trying again.");
    EXPECT_STR_EQ(r.err.message, "rate limited (throttlingException): Too many tokens, please wait before trying again.");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Partial answ");
    e = ailib_response_error(r.resp);
    ASSERT_TRUE(e != NULL);
    EXPECT_EQ(e->code, AILIB_RATE_LIMITED);
    EXPECT_STR_EQ(r.log, "T Partial answ\nX AILIB_RATE_LIMITED Too many tokens, please wait before trying again.\n");
    replay_free(&r);
}

TEST(bedrock_stream_exception_mapping) {
    static const struct { const char *type; ailib_result code; int retry; } cases[] = {
        {"throttlingException", AILIB_RATE_LIMITED, 1}, {"validationException", AILIB_INVALID_REQUEST, 0},
        {"serviceUnavailableException", AILIB_OVERLOADED, 1}, {"internalServerException", AILIB_SERVER, 1},
        {"modelStreamErrorException", AILIB_SERVER, 1}, {"ModelStreamErrorException", AILIB_SERVER, 1},
        {"modelTimeoutException", AILIB_TIMEOUT, 1}, {"somethingNewException", AILIB_PROVIDER, 0}
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        br_bytes b;
        replay_run r;
        memset(&b, 0, sizeof b);
        bb_event(&b, "messageStart", "{\"role\":\"assistant\"}");
        bb_exception(&b, cases[i].type, "{\"message\":\"details here\"}");
        bb_event(&b, "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"never read\"}}");
        replay_feed("bedrock", b.p, b.len, 0, 0, &r);
        EXPECT_EQ(r.feed_result, cases[i].code);
        EXPECT_EQ(r.err.code, cases[i].code);
        EXPECT_EQ(r.err.retryable, cases[i].retry);
        EXPECT_STR_EQ(r.err.provider_type, cases[i].type);
        EXPECT_STR_EQ(r.err.provider_message, "details here");
        EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");
        replay_free(&r);
        free(b.p);
    }
    /* an eventstream "error" message: code and message in headers */
    {
        br_bytes b;
        replay_run r;
        const char *h[7];
        h[0] = ":message-type"; h[1] = "error"; h[2] = ":error-code"; h[3] = "internalServerException";
        h[4] = ":error-message"; h[5] = "stream broke"; h[6] = NULL;
        memset(&b, 0, sizeof b);
        bb_frame(&b, h, "", 0);
        replay_feed("bedrock", b.p, b.len, 0, 0, &r);
        EXPECT_EQ(r.feed_result, AILIB_SERVER);
        EXPECT_STR_EQ(r.err.provider_type, "internalServerException");
        EXPECT_STR_EQ(r.err.provider_message, "stream broke");
        replay_free(&r);
        free(b.p);
    }
}

static int br_stop_after_first_text(void *user, const ailib_event *ev) {
    (void)user;
    return ev->type == AILIB_EVENT_TEXT_DELTA;
}

/* A callback stop leaves byte_pos just past the frame, and feeding resumes from there. */
TEST(bedrock_stream_stop_and_resume) {
    br_bytes b;
    ailib_endpoint ep = br_ep();
    ailib_stream *s;
    ailib_error err;
    size_t at;
    memset(&b, 0, sizeof b);
    bb_event(&b, "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"one \"}}");
    at = b.len;
    bb_event(&b, "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"two\"}}");
    bb_event(&b, "messageStop", "{\"stopReason\":\"end_turn\"}");
    bb_event(&b, "metadata", "{\"usage\":{\"inputTokens\":3,\"outputTokens\":2,\"totalTokens\":5}}");
    s = ailib_stream_create(&ep, NULL, &err);
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(ailib_stream_feed(s, b.p, b.len, br_stop_after_first_text, NULL, &err), AILIB_CANCELLED);
    EXPECT_EQ(err.byte_pos, at);
    EXPECT_EQ(ailib_stream_feed(s, b.p + err.byte_pos, b.len - err.byte_pos, NULL, NULL, &err), AILIB_OK);
    EXPECT_EQ(ailib_stream_finish(s, NULL, NULL, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(ailib_stream_response(s), NULL), "one two");
    ailib_stream_destroy(s);
    free(b.p);
}

/* --- whole responses -------------------------------------------------------------------------- */

TEST(bedrock_parse_whole_tool_use) {
    size_t len = 0;
    char *body = ailib_test_read_file("tests/fixtures/bedrock/converse-reasoning-tool-use.json", &len);
    ailib_endpoint ep = br_ep();
    ailib_response *resp = NULL;
    ailib_error err;
    const ailib_tool_call *c;
    const ailib_usage *u;
    const ailib_message *m;
    ASSERT_TRUE(body != NULL);
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, body, len, &resp, &err), AILIB_OK);
    free(body);
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "I'll compute that with the calculator.");
    EXPECT_STR_EQ(ailib_response_reasoning(resp, NULL), "The user asks for 1234*5678. The calc tool does that.");
    ASSERT_EQ(ailib_response_tool_call_count(resp), 1);
    c = ailib_response_tool_call(resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q");
    EXPECT_MEM_EQ(c->name, c->name_len, "calc");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"expr\":\"1234*5678\",\"precision\":2}");
    EXPECT_EQ(ailib_json_int(ailib_json_get(c->args, "precision")), 2);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "tool_use");
    u = ailib_response_usage(resp);
    EXPECT_EQ(u->input_tokens, 1412);
    EXPECT_EQ(u->cached_input_tokens, 800);
    EXPECT_EQ(u->cache_write_tokens, 200);
    EXPECT_EQ(u->output_tokens, 95);
    EXPECT_EQ(u->total_tokens, 1507);
    m = ailib_response_message(resp);
    ASSERT_EQ(m->part_count, 3);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_MEM_EQ(m->parts[0].signature, m->parts[0].signature_len, "ErUBCkgIBhABGAIiQWhole0Sig==");
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(ailib_json_int(ailib_json_path(ailib_response_raw(resp), "metrics", "latencyMs", (const char *)NULL)), 1432);
    EXPECT_STR_EQ(ailib_response_model(resp), "");
    ailib_response_destroy(resp);

    /* block boundaries survive: two text blocks stay two parts */
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"a\"},{\"text\":\"b\"}]}},"
                                                  "\"stopReason\":\"end_turn\"}", 105, &resp, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "ab");
    EXPECT_EQ(ailib_response_message(resp)->part_count, 2);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_STOP);
    ailib_response_destroy(resp);

    /* an HTTP error body: {"message"} */
    EXPECT_EQ(ailib_wire_response_parse(&ep, 403, "{\"message\":\"The security token included in the request is invalid.\"}", 68, &resp, &err), AILIB_AUTH);
    EXPECT_TRUE(resp == NULL);
    EXPECT_STR_EQ(err.provider_message, "The security token included in the request is invalid.");
}

/* --- requests ------------------------------------------------------------------------------- */

TEST(bedrock_request_url_and_headers) {
    ailib_request req;
    ailib_wire_request wr;
    ailib_json_doc *d;
    ailib_endpoint ep;
    ailib_error err;
    memset(&req, 0, sizeof req);
    req.model = "us.amazon.nova-micro-v1:0";
    req.system = "hi";
    d = br_build(&req, 1, &wr);
    ASSERT_TRUE(d != NULL);
    EXPECT_STR_EQ(wr.url, "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.amazon.nova-micro-v1%3A0/converse-stream");
    EXPECT_STR_EQ(wr.method, "POST");
    EXPECT_EQ(wr.stream, 1);
    EXPECT_STR_EQ(br_header(&wr, "Content-Type"), "application/json");
    EXPECT_STR_EQ(br_header(&wr, "Accept"), "application/vnd.amazon.eventstream");
    EXPECT_STR_EQ(br_header(&wr, "Authorization"), "Bearer bedrock-api-key-test");
    EXPECT_TRUE(ailib_json_get(ailib_json_doc_root(d), "stream") == NULL);
    EXPECT_TRUE(ailib_json_get(ailib_json_doc_root(d), "model") == NULL);
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);

    req.model = "bedrock/arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    d = br_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    EXPECT_STR_EQ(wr.url, "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
                          "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse");
    EXPECT_EQ(wr.stream, 0);
    EXPECT_STR_EQ(br_header(&wr, "Accept"), "application/json");
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);

    /* the catalog default model, and the row's {AWS_REGION} base URL without an override */
    req.model = NULL;
    d = br_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    EXPECT_STR_EQ(wr.url, "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.amazon.nova-micro-v1%3A0/converse");
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);
    ep = br_ep();
    ep.base_url = NULL;
    EXPECT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "AWS_REGION") != NULL);
}

TEST(bedrock_request_body_fields) {
    static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
    static const char *const stops[1] = { "END" };
    ailib_part user1[2], asst[4], tool[2];
    ailib_message msgs[6];
    ailib_tool t;
    ailib_request req;
    ailib_wire_request wr;
    ailib_json_doc *d;
    const ailib_json *root, *ms;
    memset(user1, 0, sizeof user1); memset(asst, 0, sizeof asst); memset(tool, 0, sizeof tool);
    memset(msgs, 0, sizeof msgs); memset(&t, 0, sizeof t); memset(&req, 0, sizeof req);
    user1[0].type = AILIB_PART_TEXT; user1[0].text = "What is 1234*5678? Here is my notebook.";
    user1[1].type = AILIB_PART_IMAGE; user1[1].data = png; user1[1].data_len = 8; user1[1].mime = "image/png";
    asst[0].type = AILIB_PART_THINKING; asst[0].text = "Use calc."; asst[0].signature = "SIG==";
    asst[1].type = AILIB_PART_REDACTED_THINKING; asst[1].text = "UkVEQUNURUQ=";
    asst[2].type = AILIB_PART_TEXT; asst[2].text = "Calling calc.";
    asst[3].type = AILIB_PART_TOOL_CALL; asst[3].id = "tooluse_1"; asst[3].name = "calc"; asst[3].text = "{\"expr\":\"1234*5678\"}";
    tool[0].type = AILIB_PART_TOOL_RESULT; tool[0].id = "tooluse_1"; tool[0].text = " {\"result\":7006652}"; tool[0].is_json = 1;
    tool[1].type = AILIB_PART_TOOL_RESULT; tool[1].id = "tooluse_2"; tool[1].text = "division by zero"; tool[1].is_error = 1;
    msgs[0].role = AILIB_ROLE_SYSTEM; msgs[0].text = "Use metric units.";
    msgs[1].role = AILIB_ROLE_USER; msgs[1].parts = user1; msgs[1].part_count = 2;
    msgs[2].role = AILIB_ROLE_ASSISTANT; msgs[2].parts = asst; msgs[2].part_count = 4;
    msgs[3].role = AILIB_ROLE_TOOL; msgs[3].parts = tool; msgs[3].part_count = 2;
    msgs[4].role = AILIB_ROLE_USER; msgs[4].text = "Thanks.";
    msgs[5].role = AILIB_ROLE_ASSISTANT; msgs[5].text = "";          /* blank: no message at all */
    t.name = "calc"; t.description = "Evaluates arithmetic";
    t.parameters = "{\"type\":\"object\",\"properties\":{\"expr\":{\"type\":\"string\"}},\"required\":[\"expr\"]}";
    req.model = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    req.system = "Be terse.";
    req.messages = msgs; req.message_count = 6;
    req.tools = &t; req.tool_count = 1;
    req.tool_choice.mode = AILIB_TOOL_CHOICE_NAMED; req.tool_choice.name = "calc";
    req.max_tokens = 4096;
    req.temperature = ailib_set(0.5);
    req.top_p = ailib_set(0.9);
    req.stop = stops; req.stop_count = 1;
    req.reasoning.budget_tokens = 2048;
    req.user = "ignored-user";
    d = br_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    root = ailib_json_doc_root(d);
    EXPECT_TRUE(br_json_is(ailib_json_get(root, "system"), "[{\"text\":\"Be terse.\"},{\"text\":\"Use metric units.\"}]"));
    ms = ailib_json_get(root, "messages");
    ASSERT_EQ(ailib_json_size(ms), 3);
    EXPECT_TRUE(br_json_is(ailib_json_at(ms, 0), "{\"role\":\"user\",\"content\":[{\"text\":\"What is 1234*5678? Here is my notebook.\"},"
                                                "{\"image\":{\"format\":\"png\",\"source\":{\"bytes\":\"iVBORw0KGgo=\"}}}]}"));
    EXPECT_TRUE(br_json_is(ailib_json_at(ms, 1), "{\"role\":\"assistant\",\"content\":["
                                                "{\"reasoningContent\":{\"reasoningText\":{\"text\":\"Use calc.\",\"signature\":\"SIG==\"}}},"
                                                "{\"reasoningContent\":{\"redactedContent\":\"UkVEQUNURUQ=\"}},"
                                                "{\"text\":\"Calling calc.\"},"
                                                "{\"toolUse\":{\"toolUseId\":\"tooluse_1\",\"name\":\"calc\",\"input\":{\"expr\":\"1234*5678\"}}}]}"));
    EXPECT_TRUE(br_json_is(ailib_json_at(ms, 2), "{\"role\":\"user\",\"content\":["
                                                "{\"toolResult\":{\"toolUseId\":\"tooluse_1\",\"content\":[{\"json\":{\"result\":7006652}}]}},"
                                                "{\"toolResult\":{\"toolUseId\":\"tooluse_2\",\"content\":[{\"text\":\"division by zero\"}],\"status\":\"error\"}},"
                                                "{\"text\":\"Thanks.\"}]}"));
    EXPECT_TRUE(br_json_is(ailib_json_get(root, "inferenceConfig"), "{\"maxTokens\":4096,\"temperature\":0.5,\"topP\":0.9,\"stopSequences\":[\"END\"]}"));
    EXPECT_TRUE(br_json_is(ailib_json_get(root, "toolConfig"),
                           "{\"tools\":[{\"toolSpec\":{\"name\":\"calc\",\"description\":\"Evaluates arithmetic\",\"inputSchema\":{\"json\":"
                           "{\"type\":\"object\",\"properties\":{\"expr\":{\"type\":\"string\"}},\"required\":[\"expr\"]}}}}],"
                           "\"toolChoice\":{\"tool\":{\"name\":\"calc\"}}}"));
    EXPECT_TRUE(br_json_is(ailib_json_get(root, "additionalModelRequestFields"), "{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048}}"));
    EXPECT_EQ(ailib_json_size(root), 5);
    ailib_json_doc_destroy(d);
    ailib_wire_request_deinit(&wr);
}

TEST(bedrock_request_options) {
    static const unsigned char jpeg[4] = { 0xFF, 0xD8, 0xFF, 0xE0 };
    ailib_part parts[3], call;
    ailib_message msgs[2];
    ailib_tool t;
    ailib_request req;
    ailib_wire_request wr;
    ailib_json_doc *d;
    const ailib_json *root;
    memset(parts, 0, sizeof parts); memset(&call, 0, sizeof call); memset(msgs, 0, sizeof msgs);
    memset(&t, 0, sizeof t); memset(&req, 0, sizeof req);
    parts[0].type = AILIB_PART_IMAGE; parts[0].data = jpeg; parts[0].data_len = 4;          /* sniffed */
    parts[1].type = AILIB_PART_IMAGE; parts[1].url = "data:image/webp;base64,UklGRg==";
    parts[2].type = AILIB_PART_IMAGE; parts[2].url = "s3://my-bucket/photos/cat.gif";
    msgs[0].role = AILIB_ROLE_USER; msgs[0].parts = parts; msgs[0].part_count = 3;
    t.name = "f";
    req.model = "us.amazon.nova-lite-v1:0";
    req.messages = msgs; req.message_count = 1;
    req.tools = &t; req.tool_count = 1;
    req.tool_choice.mode = AILIB_TOOL_CHOICE_REQUIRED;
    req.reasoning.effort = AILIB_EFFORT_MEDIUM;
    d = br_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    root = ailib_json_doc_root(d);
    EXPECT_TRUE(br_json_is(ailib_json_path(root, "messages", (const char *)NULL),
                           "[{\"role\":\"user\",\"content\":["
                           "{\"image\":{\"format\":\"jpeg\",\"source\":{\"bytes\":\"/9j/4A==\"}}},"
                           "{\"image\":{\"format\":\"webp\",\"source\":{\"bytes\":\"UklGRg==\"}}},"
                           "{\"image\":{\"format\":\"gif\",\"source\":{\"s3Location\":{\"uri\":\"s3://my-bucket/photos/cat.gif\"}}}}]}]"));
    EXPECT_TRUE(br_json_is(ailib_json_get(root, "toolConfig"),
                           "{\"tools\":[{\"toolSpec\":{\"name\":\"f\",\"inputSchema\":{\"json\":{\"type\":\"object\",\"properties\":{}}}}}],\"toolChoice\":{\"any\":{}}}"));
    EXPECT_TRUE(br_json_is(ailib_json_get(root, "additionalModelRequestFields"), "{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":8192}}"));
    EXPECT_TRUE(br_json_is(ailib_json_get(root, "inferenceConfig"), "{\"maxTokens\":12288}"));   /* above the budget */
    EXPECT_TRUE(ailib_json_get(root, "system") == NULL);
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);

    /* auto: no toolChoice; none: no tools at all while the conversation has no tool blocks */
    req.message_count = 0;
    req.tool_choice.mode = AILIB_TOOL_CHOICE_AUTO;
    req.reasoning.effort = AILIB_EFFORT_NONE;
    d = br_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    root = ailib_json_doc_root(d);
    EXPECT_TRUE(br_json_is(root, "{\"messages\":[],\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"f\",\"inputSchema\":{\"json\":{\"type\":\"object\",\"properties\":{}}}}}]}}"));
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);
    req.tool_choice.mode = AILIB_TOOL_CHOICE_NONE;
    d = br_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    EXPECT_TRUE(br_json_is(ailib_json_doc_root(d), "{\"messages\":[]}"));
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);
    /* ... but a conversation holding tool calls needs its toolConfig */
    call.type = AILIB_PART_TOOL_CALL; call.id = "t1"; call.name = "f";
    msgs[1].role = AILIB_ROLE_ASSISTANT; msgs[1].parts = &call; msgs[1].part_count = 1;
    req.messages = msgs + 1; req.message_count = 1;
    d = br_build(&req, 0, &wr);
    ASSERT_TRUE(d != NULL);
    root = ailib_json_doc_root(d);
    EXPECT_TRUE(ailib_json_get(root, "toolConfig") != NULL);
    EXPECT_TRUE(ailib_json_path(root, "toolConfig", "toolChoice", (const char *)NULL) == NULL);
    EXPECT_TRUE(br_json_is(ailib_json_path(root, "messages", (const char *)NULL),
                           "[{\"role\":\"assistant\",\"content\":[{\"toolUse\":{\"toolUseId\":\"t1\",\"name\":\"f\",\"input\":{}}}]}]"));
    ailib_json_doc_destroy(d); ailib_wire_request_deinit(&wr);
}

TEST(bedrock_request_unsupported) {
    ailib_part p;
    ailib_message m;
    ailib_request req;
    ailib_error err;
    memset(&p, 0, sizeof p); memset(&m, 0, sizeof m); memset(&req, 0, sizeof req);
    req.model = "us.amazon.nova-micro-v1:0";
    req.top_k = ailib_set_int(50);
    EXPECT_EQ(br_build_fail(&req, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "request.top_k") != NULL);
    EXPECT_TRUE(strstr(err.message, "additionalModelRequestFields") != NULL);
    req.top_k.set = 0;
    req.response_format.type = AILIB_FORMAT_JSON;
    req.response_format.mode = AILIB_FORMAT_MODE_NATIVE;   /* AUTO takes the tool or prompt route */
    EXPECT_EQ(br_build_fail(&req, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "AILIB_FORMAT_MODE_AUTO") != NULL);
    req.response_format.type = AILIB_FORMAT_TEXT;
    m.role = AILIB_ROLE_USER; m.parts = &p; m.part_count = 1;
    req.messages = &m; req.message_count = 1;
    p.type = AILIB_PART_IMAGE; p.url = "https://example.com/cat.png";
    EXPECT_EQ(br_build_fail(&req, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "not http(s) URLs") != NULL);
    p.url = NULL; p.data = "BM"; p.data_len = 2; p.mime = "image/bmp";
    EXPECT_EQ(br_build_fail(&req, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "png, jpeg, gif and webp") != NULL);
    p.type = AILIB_PART_AUDIO; p.mime = "audio/wav";
    EXPECT_EQ(br_build_fail(&req, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "audio") != NULL);
}

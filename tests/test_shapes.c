/* What a server sends that is not what the protocol says: streams that never end or grow
   without bound (the size cap), bodies of the wrong shape (required fields missing, fields of
   the wrong type), a stream answered with HTML, an error JSON or a whole reply, token counts
   near INT64_MAX, and the model a stream snapshot reports. Each test failed before its fix. */
#include "test.h"
#include "replay.h"
#include <stdlib.h>
#include <string.h>

#define AILIB__TEST_PART_COST 512   /* the fixed cost of a part, as ailib_stream_desc documents */

/* --- helpers --------------------------------------------------------------------------------- */

/* A counting allocator: live and peak bytes through the allocator hooks. */
typedef struct count_alloc { size_t live, peak, calls; } count_alloc;
#define CA_HDR 16

static void ca_note(count_alloc *c, size_t was, size_t now) {
    c->live = c->live - was + now;
    if (c->live > c->peak) c->peak = c->live;
    c->calls++;
}
static void *ca_malloc(void *ctx, size_t n) {
    char *p = (char *)malloc(n + CA_HDR);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    ca_note((count_alloc *)ctx, 0, n);
    return p + CA_HDR;
}
static void *ca_realloc(void *ctx, void *q, size_t old_n, size_t n) {
    char *p = (char *)q - CA_HDR;
    size_t was;
    (void)old_n;
    memcpy(&was, p, sizeof was);
    p = (char *)realloc(p, n + CA_HDR);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    ca_note((count_alloc *)ctx, was, n);
    return p + CA_HDR;
}
static void ca_free(void *ctx, void *q) {
    char *p = (char *)q - CA_HDR;
    size_t was;
    memcpy(&was, p, sizeof was);
    ca_note((count_alloc *)ctx, was, 0);
    free(p);
}

static ailib_endpoint endpoint(const char *provider, const ailib_allocator *a) {
    ailib_endpoint ep;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find(provider);
    ep.allocator = a;
    return ep;
}

static ailib_stream *stream_for(const char *provider, size_t limit, const char *model) {
    ailib_endpoint ep = endpoint(provider, NULL);
    ailib_stream_desc d;
    memset(&d, 0, sizeof d);
    d.max_response_bytes = limit;
    d.model = model;
    return ailib_stream_create(&ep, &d, NULL);
}

/* Events as they come: counts per type, text collected up to a bound. */
typedef struct seen { size_t n, text_bytes, reasoning_bytes, begins, ends, errors, finishes, usages; char text[256]; } seen;

static int on_seen(void *user, const ailib_event *e) {
    seen *s = (seen *)user;
    s->n++;
    switch (e->type) {
    case AILIB_EVENT_TEXT_DELTA:
        if (s->text_bytes + e->text_len < sizeof s->text) memcpy(s->text + s->text_bytes, e->text, e->text_len);
        s->text_bytes += e->text_len;
        if (s->text_bytes < sizeof s->text) s->text[s->text_bytes] = 0;
        break;
    case AILIB_EVENT_REASONING_DELTA: s->reasoning_bytes += e->text_len; break;
    case AILIB_EVENT_TOOL_CALL_BEGIN: s->begins++; break;
    case AILIB_EVENT_TOOL_CALL_END: s->ends++; break;
    case AILIB_EVENT_ERROR: s->errors++; break;
    case AILIB_EVENT_FINISH: s->finishes++; break;
    case AILIB_EVENT_USAGE: s->usages++; break;
    default: break;
    }
    return 0;
}

/* An SSE event whose text delta is n bytes of `fill`. */
static char *oa_text_event(size_t n, char fill, size_t *len) {
    static const char pre[] = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"", post[] = "\"}}]}\n\n";
    char *e = (char *)malloc(sizeof pre + n + sizeof post);
    memcpy(e, pre, sizeof pre - 1);
    memset(e + sizeof pre - 1, fill, n);
    memcpy(e + sizeof pre - 1 + n, post, sizeof post);
    *len = sizeof pre - 1 + n + sizeof post - 1;
    return e;
}

/* --- item 2: the size cap of a streamed response ------------------------------------------- */

/* The final copy of a large streamed text must not multiply memory: peak allocated bytes of a
   32 MiB text response (4 MiB under valgrind), from the first byte to the taken response, as
   a multiple of the text. Before the fix the accumulator's buffer, a copy per part and the
   concatenated text were all alive at once: 4.0x. */
TEST(shapes_take_response_peak_memory_is_bounded) {
    static const char end[] = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    count_alloc ca;
    ailib_allocator al;
    ailib_endpoint ep;
    ailib_stream *s;
    ailib_response *r;
    size_t evn, i, n, total = ailib_test_quick() ? (size_t)4 << 20 : (size_t)32 << 20, piece = 4096, tl = 0;
    char *ev = oa_text_event(piece, 'a', &evn);
    const char *t;
    double ratio;
    memset(&ca, 0, sizeof ca);
    al.malloc_fn = ca_malloc; al.realloc_fn = ca_realloc; al.free_fn = ca_free; al.ctx = &ca;
    ep = endpoint("openai", &al);
    s = ailib_stream_create(&ep, NULL, NULL);
    ASSERT_TRUE(s != NULL);
    n = total / piece;
    for (i = 0; i < n; i++) ASSERT_EQ(ailib_stream_feed(s, ev, evn, NULL, NULL, NULL), AILIB_OK);
    ASSERT_EQ(ailib_stream_feed(s, end, sizeof end - 1, NULL, NULL, NULL), AILIB_OK);
    ASSERT_EQ(ailib_stream_finish(s, NULL, NULL, NULL), AILIB_OK);
    r = ailib_stream_take_response(s);
    ASSERT_TRUE(r != NULL);
    t = ailib_response_text(r, &tl);
    EXPECT_EQ(tl, total);
    EXPECT_TRUE(t[0] == 'a' && t[tl - 1] == 'a' && t[tl] == 0);
    ratio = (double)ca.peak / (double)total;
    printf("  peak allocated %.1f MiB for %.1f MiB of streamed text: %.2fx\n", ca.peak / 1048576.0, total / 1048576.0, ratio);
    EXPECT_TRUE(ratio < 2.25);
    ailib_stream_destroy(s);
    ailib_response_destroy(r);
    EXPECT_EQ(ca.live, 0);
    free(ev);
}

/* Feeds ev (evn bytes) until the stream fails or max rounds pass; returns the failing result. */
static ailib_result feed_until_fail(ailib_stream *s, const char *ev, size_t evn, size_t max, seen *sn, ailib_error *err, size_t *rounds) {
    size_t i;
    ailib_result r = AILIB_OK;
    for (i = 0; i < max && r == AILIB_OK; i++) r = ailib_stream_feed(s, ev, evn, on_seen, sn, err);
    *rounds = i;
    return r;
}

/* After a TOO_LARGE failure: no event more, and every later feed and finish gives the same
   report (the failure is sticky). */
static void expect_sticky(ailib_stream *s, seen *sn, const ailib_error *first, const char *ev, size_t evn) {
    ailib_error again;
    size_t before = sn->n;
    ailib_error_clear(&again);
    EXPECT_EQ(ailib_stream_feed(s, ev, evn, on_seen, sn, &again), first->code);
    EXPECT_STR_EQ(again.message, first->message);
    ailib_error_clear(&again);
    EXPECT_EQ(ailib_stream_finish(s, on_seen, sn, &again), first->code);
    EXPECT_STR_EQ(again.message, first->message);
    EXPECT_EQ(sn->n, before);
}

/* A never-ending valid stream (or a gzip bomb, which the decoder sees decoded): the text stops
   at the cap with AILIB_TOO_LARGE naming the limit and the setting, and what came is kept. */
TEST(shapes_stream_cap_text) {
    const size_t cap = (size_t)1 << 20, piece = 4000;
    ailib_stream *s = stream_for("openai", cap, NULL);
    ailib_response *r;
    ailib_error err;
    seen sn;
    size_t evn, rounds, tl, i;
    char *ev = oa_text_event(piece, 'a', &evn);
    const char *t;
    int all_a = 1;
    ASSERT_TRUE(s != NULL);
    memset(&sn, 0, sizeof sn);
    ailib_error_clear(&err);
    EXPECT_EQ(feed_until_fail(s, ev, evn, 10000, &sn, &err, &rounds), AILIB_TOO_LARGE);
    EXPECT_LT(rounds, 300);
    EXPECT_EQ(err.code, AILIB_TOO_LARGE);
    EXPECT_TRUE(strstr(err.message, "1048576") != NULL);
    EXPECT_TRUE(strstr(err.message, "desc.max_response_bytes") != NULL);
    EXPECT_EQ(sn.text_bytes, (rounds - 1) * piece);
    expect_sticky(s, &sn, &err, ev, evn);
    r = ailib_stream_take_response(s);
    ASSERT_TRUE(r != NULL);
    t = ailib_response_text(r, &tl);
    EXPECT_EQ(tl, (rounds - 1) * piece);
    EXPECT_LE(tl + AILIB__TEST_PART_COST, cap);
    EXPECT_GT(tl + piece + AILIB__TEST_PART_COST, cap);
    for (i = 0; i < tl; i++) if (t[i] != 'a') all_a = 0;
    EXPECT_TRUE(all_a);
    EXPECT_EQ(ailib_response_finish_reason(r), AILIB_FINISH_NONE);
    ailib_response_destroy(r);
    ailib_stream_destroy(s);
    free(ev);
}

/* --- helpers for whole bodies, streams and AWS event-stream frames --------------------------- */

static ailib_result parse_whole(const char *provider, const char *body, ailib_response **out, ailib_error *err) {
    ailib_endpoint ep = endpoint(provider, NULL);
    ailib_error_clear(err);
    return ailib_wire_response_parse(&ep, 200, body, strlen(body), out, err);
}

/* A body fed to a fresh stream decoder in one piece; *r must be replay_free'd. */
static void feed_whole(const char *provider, const char *body, size_t len, replay_run *r) {
    replay_feed(provider, body, len, 0, 0, r);
}

typedef struct bytes { char *p; size_t len, cap; } bytes;
static void by_put(bytes *b, const void *s, size_t n) {
    if (b->len + n > b->cap) { b->cap = (b->len + n) * 2 + 64; b->p = (char *)realloc(b->p, b->cap); }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}
static void by_u32(bytes *b, uint32_t v) {
    unsigned char x[4];
    x[0] = (unsigned char)(v >> 24); x[1] = (unsigned char)(v >> 16); x[2] = (unsigned char)(v >> 8); x[3] = (unsigned char)v;
    by_put(b, x, 4);
}
static uint32_t by_crc(const char *p, size_t n) {
    uint32_t c = 0xffffffffu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= (unsigned char)p[i];
        for (k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}
/* One AWS event-stream frame: headers :event-type, :message-type event, then the JSON. */
static void by_event(bytes *b, const char *event, const char *json) {
    size_t start = b->len, el = strlen(event), jl = strlen(json), hl = (1 + 11 + 1 + 2 + el) + (1 + 13 + 1 + 2 + 5);
    unsigned char t = 7, vl[2];
    by_u32(b, (uint32_t)(12 + hl + jl + 4));
    by_u32(b, (uint32_t)hl);
    by_u32(b, by_crc(b->p + start, 8));
    t = 11; by_put(b, &t, 1); by_put(b, ":event-type", 11); t = 7; by_put(b, &t, 1);
    vl[0] = (unsigned char)(el >> 8); vl[1] = (unsigned char)el; by_put(b, vl, 2); by_put(b, event, el);
    t = 13; by_put(b, &t, 1); by_put(b, ":message-type", 13); t = 7; by_put(b, &t, 1);
    vl[0] = 0; vl[1] = 5; by_put(b, vl, 2); by_put(b, "event", 5);
    by_put(b, json, jl);
    by_u32(b, by_crc(b->p + start, b->len - start));
}

/* A stream body of (event, json) pairs, framed the protocol's way: SSE "data:" lines (with
   "event:" when the name is not empty), NDJSON lines for Ollama, AWS frames for Bedrock.
   json == NULL adds a raw SSE line (the event string) instead. */
static char *stream_body(const char *provider, const char *const *evs, size_t *len) {
    bytes b = {0, 0, 0};
    size_t i;
    for (i = 0; evs[i] || evs[i + 1]; i += 2) {
        const char *ev = evs[i] ? evs[i] : "", *js = evs[i + 1];
        if (!strcmp(provider, "bedrock")) by_event(&b, ev, js);
        else if (!strcmp(provider, "ollama")) { by_put(&b, js, strlen(js)); by_put(&b, "\n", 1); }
        else if (!js) by_put(&b, ev, strlen(ev));
        else {
            if (*ev) { by_put(&b, "event: ", 7); by_put(&b, ev, strlen(ev)); by_put(&b, "\n", 1); }
            by_put(&b, "data: ", 6); by_put(&b, js, strlen(js)); by_put(&b, "\n\n", 2);
        }
    }
    by_put(&b, "", 1);
    *len = b.len - 1;
    return b.p;
}

/* --- item 4: every protocol's required fields, whole and streamed -------------------------- */

typedef struct shape_case { const char *body; const char *path; } shape_case;

/* Each wrong body is AILIB_DESERIALIZATION at its path; the message says what was expected
   and what came. */
static void expect_shapes(const char *provider, const shape_case *cases) {
    size_t i;
    for (i = 0; cases[i].body; i++) {
        ailib_response *r = NULL;
        ailib_error err;
        ailib_result res = parse_whole(provider, cases[i].body, &r, &err);
        if (res != AILIB_DESERIALIZATION || strcmp(err.json_path, cases[i].path) != 0 || !strstr(err.message, "expected") ||
            !strstr(err.message, "found"))
            ailib_test_fail(__FILE__, __LINE__, "%s %s: %s at \"%s\" (want AILIB_DESERIALIZATION at %s): %s", provider, cases[i].body,
                            ailib_result_name(res), err.json_path, cases[i].path, err.message);
        EXPECT_TRUE(r == NULL);
        ailib_response_destroy(r);
    }
}

/* A whole body parses to the text want; fed as a stream instead (a server that ignored
   "stream"), it gives the same answer, with its events. */
static void expect_minimal(const char *provider, const char *body, const char *want) {
    ailib_response *r = NULL;
    ailib_error err;
    replay_run run;
    ASSERT_EQ(parse_whole(provider, body, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), want);
    replay_all_ways(provider, body, strlen(body), strcmp(provider, "bedrock") != 0, &run);
    EXPECT_EQ(run.feed_result, AILIB_OK);
    EXPECT_EQ(run.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(run.resp, NULL), want);
    EXPECT_EQ(ailib_response_finish_reason(run.resp), ailib_response_finish_reason(r));
    if (*want) EXPECT_GT(replay_count(&run, "T "), 0);
    replay_free(&run);
    ailib_response_destroy(r);
}

/* A stream whose event (framed as stream_body does) has a field of the wrong type fails where
   it is read, at its path; one whose events are all of unknown shapes fails at the end. */
static void expect_stream_shape(const char *provider, const char *const *evs, ailib_result feed, ailib_result finish, const char *path) {
    size_t len;
    char *body = stream_body(provider, evs, &len);
    replay_run r;
    replay_all_ways(provider, body, len, strcmp(provider, "bedrock") != 0, &r);
    EXPECT_EQ(r.feed_result, feed);
    EXPECT_EQ(r.finish_result, finish);
    EXPECT_EQ(r.err.code, AILIB_DESERIALIZATION);
    if (strcmp(r.err.json_path, path) != 0)
        ailib_test_fail(__FILE__, __LINE__, "%s: json_path \"%s\", want \"%s\" (%s)", provider, r.err.json_path, path, r.err.message);
    EXPECT_TRUE(strstr(r.err.message, "truncated") == NULL);
    replay_free(&r);
    free(body);
}

TEST(shapes_openai_required_fields) {
    static const shape_case cases[] = {
        {"{}", "$.choices"}, {"{\"detail\":\"Not Found\"}", "$.choices"}, {"{\"choices\":{}}", "$.choices"},
        {"{\"choices\":[]}", "$.choices"}, {"{\"choices\":null}", "$.choices"}, {"{\"choices\":[5]}", "$.choices[0]"},
        {"{\"choices\":[{\"finish_reason\":\"stop\"}]}", "$.choices[0].message"},
        {"{\"choices\":[{\"message\":\"hi\"}]}", "$.choices[0].message"},
        {"{\"choices\":[{\"message\":{\"content\":5}}]}", "$.choices[0].message.content"},
        {"{\"choices\":[{\"message\":{\"content\":[5]}}]}", "$.choices[0].message.content[0]"},
        {"{\"choices\":[{\"message\":{\"reasoning_content\":{}}}]}", "$.choices[0].message.reasoning_content"},
        {"{\"choices\":[{\"message\":{\"tool_calls\":{}}}]}", "$.choices[0].message.tool_calls"},
        {"{\"choices\":[{\"message\":{\"tool_calls\":[7]}}]}", "$.choices[0].message.tool_calls[0]"},
        {"{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":\"f\"}]}}]}", "$.choices[0].message.tool_calls[0].function"},
        {"{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":1}}]}}]}", "$.choices[0].message.tool_calls[0].function.name"},
        {"{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":5}}]}}]}",
         "$.choices[0].message.tool_calls[0].function.arguments"},
        {"{\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":5}]}", "$.choices[0].finish_reason"},
        {"{\"choices\":[{\"message\":{}}],\"usage\":5}", "$.usage"},
        {"[]", "$"}, {"\"hi\"", "$"}, {"null", "$"}, {NULL, NULL}
    };
    static const char *const bad_type[] = { "", "{\"choices\":{}}", NULL, NULL };
    static const char *const bad_content[] = { "", "{\"choices\":[{\"index\":0,\"delta\":{\"content\":5}}]}", NULL, NULL };
    static const char *const bad_call[] = { "", "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":5}]}}]}", NULL, NULL };
    static const char *const unknown[] = { "", "{\"detail\":\"Not Found\"}", "", "{\"object\":\"x\"}", "data: [DONE]\n\n", NULL, NULL, NULL };
    ailib_response *r = NULL;
    ailib_error err;
    expect_shapes("openai", cases);
    expect_minimal("openai", "{\"choices\":[{\"message\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}", "hi");
    /* tolerated: content null with tool calls, arguments as an object, Mistral's content array */
    ASSERT_EQ(parse_whole("openai", "{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"function\":"
                                    "{\"name\":\"f\",\"arguments\":{\"a\":1}}}]},\"finish_reason\":\"tool_calls\"}],\"usage\":null}", &r, &err), AILIB_OK);
    EXPECT_MEM_EQ(ailib_response_tool_call(r, 0)->arguments, ailib_response_tool_call(r, 0)->arguments_len, "{\"a\":1}");
    ailib_response_destroy(r);
    ASSERT_EQ(parse_whole("openai", "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image\"}]}}]}", &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "a");
    ailib_response_destroy(r);
    /* the message names the body when the top level is wrong */
    ASSERT_EQ(parse_whole("openai", "{\"detail\":\"Not Found\"}", &r, &err), AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(err.message, "{\"detail\":\"Not Found\"}") != NULL);
    EXPECT_TRUE(strstr(err.message, "found none") != NULL);
    ASSERT_EQ(parse_whole("openai", "{\"choices\":[{\"message\":{\"content\":5}}]}", &r, &err), AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(err.message, "expected a string, an array of parts or null, found a number") != NULL);
    expect_stream_shape("openai", bad_type, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.choices");
    expect_stream_shape("openai", bad_content, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.choices[0].delta.content");
    expect_stream_shape("openai", bad_call, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.choices[0].delta.tool_calls[0].function");
    expect_stream_shape("openai", unknown, AILIB_OK, AILIB_DESERIALIZATION, "$");
}

TEST(shapes_anthropic_required_fields) {
    static const shape_case cases[] = {
        {"{}", "$.content"}, {"{\"detail\":\"Not Found\"}", "$.content"}, {"{\"content\":{}}", "$.content"},
        {"{\"content\":\"hi\"}", "$.content"}, {"{\"content\":[5]}", "$.content[0]"},
        {"{\"content\":[{\"text\":\"x\"}]}", "$.content[0].type"}, {"{\"content\":[{\"type\":\"text\",\"text\":5}]}", "$.content[0].text"},
        {"{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"tool_use\",\"id\":\"t\",\"input\":{}}]}", "$.content[1].name"},
        {"{\"content\":[{\"type\":\"thinking\",\"thinking\":\"a\",\"signature\":7}]}", "$.content[0].signature"},
        {"{\"content\":[],\"stop_reason\":5}", "$.stop_reason"}, {"{\"content\":[],\"usage\":[]}", "$.usage"},
        {"[]", "$"}, {NULL, NULL}
    };
    static const char *const bad_text[] = {
        "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\"}}",
        "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":5}}", NULL, NULL };
    static const char *const bad_delta[] = { "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":\"x\"}", NULL, NULL };
    static const char *const bad_message[] = { "message_start", "{\"type\":\"message_start\",\"message\":5}", NULL, NULL };
    static const char *const bad_tool[] = {
        "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"x\",\"input\":{}}}", NULL, NULL };
    static const char *const unknown[] = { "foo", "{\"type\":\"foo\"}", "bar", "{\"detail\":1}", NULL, NULL };
    expect_shapes("anthropic", cases);
    expect_minimal("anthropic", "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\"}", "hi");
    /* an empty content array is an answer (nothing more to say after a tool result) */
    expect_minimal("anthropic", "{\"type\":\"message\",\"content\":[],\"stop_reason\":\"end_turn\"}", "");
    expect_stream_shape("anthropic", bad_text, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.delta.text");
    expect_stream_shape("anthropic", bad_delta, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.delta");
    expect_stream_shape("anthropic", bad_message, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.message");
    expect_stream_shape("anthropic", bad_tool, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.content_block.name");
    expect_stream_shape("anthropic", unknown, AILIB_OK, AILIB_DESERIALIZATION, "$");
}

TEST(shapes_gemini_required_fields) {
    static const shape_case cases[] = {
        {"{}", "$.candidates"}, {"{\"detail\":\"Not Found\"}", "$.candidates"}, {"[]", "$"}, {"{\"candidates\":{}}", "$.candidates"},
        {"{\"candidates\":[]}", "$.candidates"}, {"{\"candidates\":[5]}", "$.candidates[0]"},
        {"{\"candidates\":[{\"content\":5}]}", "$.candidates[0].content"},
        {"{\"candidates\":[{\"content\":{\"parts\":{}}}]}", "$.candidates[0].content.parts"},
        {"{\"candidates\":[{\"content\":{\"parts\":[5]}}]}", "$.candidates[0].content.parts[0]"},
        {"{\"candidates\":[{\"content\":{\"parts\":[{\"text\":5}]}}]}", "$.candidates[0].content.parts[0].text"},
        {"{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":\"f\"}]}}]}", "$.candidates[0].content.parts[0].functionCall"},
        {"{\"candidates\":[{\"content\":{\"parts\":[]},\"finishReason\":1}]}", "$.candidates[0].finishReason"},
        {"{\"candidates\":[{}],\"usageMetadata\":[]}", "$.usageMetadata"},
        {"[{\"usageMetadata\":{\"promptTokenCount\":1}}]", "$"}, {"[5]", "$[0]"},
        {"[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]},{\"candidates\":7}]", "$[1].candidates"},
        {"\"x\"", "$"}, {NULL, NULL}
    };
    static const char *const bad_text[] = { "", "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":5}]}}]}", NULL, NULL };
    static const char *const unknown[] = { "", "{\"foo\":1}", "", "{\"detail\":\"Not Found\"}", NULL, NULL };
    expect_shapes("gemini", cases);
    expect_minimal("gemini", "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}],\"role\":\"model\"},\"finishReason\":\"STOP\"}]}", "hi");
    /* tolerated: a candidate stopped for safety has no content; MAX_TOKENS spent on thoughts leaves no parts */
    expect_minimal("gemini", "{\"candidates\":[{\"finishReason\":\"SAFETY\",\"index\":0}]}", "");
    expect_minimal("gemini", "{\"candidates\":[{\"content\":{\"role\":\"model\"},\"finishReason\":\"MAX_TOKENS\"}]}", "");
    /* the array streamGenerateContent sends without alt=sse */
    expect_minimal("gemini", "[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"h\"}]}}]},\r\n{\"candidates\":[{\"content\":"
                             "{\"parts\":[{\"text\":\"i\"}]},\"finishReason\":\"STOP\"}]}]", "hi");
    expect_stream_shape("gemini", bad_text, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.candidates[0].content.parts[0].text");
    expect_stream_shape("gemini", unknown, AILIB_OK, AILIB_DESERIALIZATION, "$");
}

TEST(shapes_ollama_required_fields) {
    static const shape_case cases[] = {
        {"{}", "$.message"}, {"{\"detail\":\"Not Found\"}", "$.message"}, {"{\"message\":\"hi\"}", "$.message"},
        {"{\"message\":{\"content\":5},\"done\":true}", "$.message.content"},
        {"{\"message\":{\"thinking\":[]},\"done\":true}", "$.message.thinking"},
        {"{\"message\":{\"tool_calls\":{}},\"done\":true}", "$.message.tool_calls"},
        {"{\"message\":{\"tool_calls\":[5]},\"done\":true}", "$.message.tool_calls[0]"},
        {"{\"message\":{\"tool_calls\":[{\"function\":{\"arguments\":{}}}]},\"done\":true}", "$.message.tool_calls[0].function.name"},
        {"{\"message\":{},\"done\":\"yes\"}", "$.done"}, {"{\"message\":{},\"done\":true,\"done_reason\":5}", "$.done_reason"},
        {"{\"response\":5,\"done\":true}", "$.response"}, {"[]", "$"}, {NULL, NULL}
    };
    static const char *const bad_content[] = { "", "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":5},\"done\":false}", NULL, NULL };
    static const char *const unknown[] = { "", "{\"foo\":1}", "", "{\"detail\":\"Not Found\"}", NULL, NULL };
    expect_shapes("ollama", cases);
    expect_minimal("ollama", "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":true,\"done_reason\":\"stop\"}", "hi");
    expect_minimal("ollama", "{\"model\":\"m\",\"response\":\"hi\",\"done\":true}", "hi");   /* /api/generate */
    expect_stream_shape("ollama", bad_content, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.message.content");
    expect_stream_shape("ollama", unknown, AILIB_OK, AILIB_DESERIALIZATION, "$");
}

TEST(shapes_cohere_required_fields) {
    static const shape_case cases[] = {
        {"{}", "$.message"}, {"{\"detail\":\"Not Found\"}", "$.message"}, {"{\"message\":[]}", "$.message"},
        {"{\"message\":{\"content\":5}}", "$.message.content"}, {"{\"message\":{\"content\":[5]}}", "$.message.content[0]"},
        {"{\"message\":{\"content\":[{\"type\":\"text\",\"text\":5}]}}", "$.message.content[0].text"},
        {"{\"message\":{\"tool_plan\":1}}", "$.message.tool_plan"}, {"{\"message\":{\"tool_calls\":{}}}", "$.message.tool_calls"},
        {"{\"message\":{\"tool_calls\":[{\"function\":{\"arguments\":\"{}\"}}]}}", "$.message.tool_calls[0].function.name"},
        {"{\"message\":{\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":{}}}]}}", "$.message.tool_calls[0].function.arguments"},
        {"{\"message\":{},\"finish_reason\":5}", "$.finish_reason"}, {"{\"message\":{},\"usage\":5}", "$.usage"},
        {"[]", "$"}, {NULL, NULL}
    };
    static const char *const bad_text[] = {
        "content-delta", "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":5}}}}", NULL, NULL };
    static const char *const bad_delta[] = { "content-delta", "{\"type\":\"content-delta\",\"index\":0,\"delta\":5}", NULL, NULL };
    static const char *const bad_end[] = { "message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":[]}}", NULL, NULL };
    static const char *const unknown[] = { "foo", "{\"type\":\"foo\"}", "", "{\"detail\":1}", NULL, NULL };
    expect_shapes("cohere", cases);
    expect_minimal("cohere", "{\"id\":\"x\",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]},"
                             "\"finish_reason\":\"COMPLETE\"}", "hi");
    expect_stream_shape("cohere", bad_text, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.delta.message.content.text");
    expect_stream_shape("cohere", bad_delta, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.delta");
    expect_stream_shape("cohere", bad_end, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.delta.finish_reason");
    expect_stream_shape("cohere", unknown, AILIB_OK, AILIB_DESERIALIZATION, "$");
}

TEST(shapes_responses_required_fields) {
    static const shape_case cases[] = {
        {"{}", "$.output"}, {"{\"detail\":\"Not Found\"}", "$.output"}, {"{\"output\":{}}", "$.output"},
        {"{\"status\":\"completed\",\"output\":null}", "$.output"}, {"{\"output\":[5]}", "$.output[0]"},
        {"{\"output\":[{\"content\":[]}]}", "$.output[0].type"},
        {"{\"output\":[{\"type\":\"message\",\"content\":{}}]}", "$.output[0].content"},
        {"{\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":5}]}]}", "$.output[0].content[0].text"},
        {"{\"output\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"arguments\":\"{}\"}]}", "$.output[0].name"},
        {"{\"output\":[{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":{}}]}", "$.output[0].arguments"},
        {"{\"output\":[{\"type\":\"reasoning\",\"summary\":[{\"text\":1}]}]}", "$.output[0].summary[0].text"},
        {"{\"status\":5,\"output\":[]}", "$.status"}, {"[]", "$"}, {NULL, NULL}
    };
    static const char *const bad_delta[] = { "", "{\"type\":\"response.output_text.delta\",\"delta\":5}", NULL, NULL };
    static const char *const bad_item[] = { "", "{\"type\":\"response.output_item.added\",\"item\":5}", NULL, NULL };
    static const char *const unknown[] = { "", "{\"type\":\"foo\"}", "", "{\"detail\":1}", NULL, NULL };
    expect_shapes("openai-responses", cases);
    expect_minimal("openai-responses", "{\"id\":\"r\",\"status\":\"completed\",\"error\":null,\"output\":[{\"type\":\"message\",\"content\":"
                                       "[{\"type\":\"output_text\",\"text\":\"hi\"}]}]}", "hi");
    expect_stream_shape("openai-responses", bad_delta, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.delta");
    expect_stream_shape("openai-responses", bad_item, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.item");
    expect_stream_shape("openai-responses", unknown, AILIB_OK, AILIB_DESERIALIZATION, "$");
}

TEST(shapes_bedrock_required_fields) {
    static const shape_case cases[] = {
        {"{}", "$.output"}, {"{\"detail\":\"Not Found\"}", "$.output"}, {"{\"output\":[]}", "$.output"},
        {"{\"output\":{}}", "$.output.message"}, {"{\"output\":{\"message\":{\"content\":{}}}}", "$.output.message.content"},
        {"{\"output\":{\"message\":{\"content\":[5]}}}", "$.output.message.content[0]"},
        {"{\"output\":{\"message\":{\"content\":[{\"text\":\"a\"},{\"text\":5}]}}}", "$.output.message.content[1].text"},
        {"{\"output\":{\"message\":{\"content\":[{\"toolUse\":{\"toolUseId\":\"t\",\"input\":{}}}]}}}", "$.output.message.content[0].toolUse.name"},
        {"{\"output\":{\"message\":{\"content\":[{\"reasoningContent\":\"x\"}]}}}", "$.output.message.content[0].reasoningContent"},
        {"{\"output\":{\"message\":{\"content\":[]}},\"stopReason\":5}", "$.stopReason"},
        {"{\"output\":{\"message\":{\"content\":[]}},\"usage\":5}", "$.usage"}, {"[]", "$"}, {NULL, NULL}
    };
    static const char *const bad_text[] = { "messageStart", "{\"role\":\"assistant\"}",
                                            "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":5}}", NULL, NULL };
    static const char *const bad_tool[] = { "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":{}}}}", NULL, NULL };
    static const char *const unknown[] = { "somethingNew", "{\"a\":1}", "other", "{\"b\":2}", NULL, NULL };
    expect_shapes("bedrock", cases);
    expect_minimal("bedrock", "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"hi\"}]}},\"stopReason\":\"end_turn\"}", "hi");
    expect_stream_shape("bedrock", bad_text, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.delta.text");
    expect_stream_shape("bedrock", bad_tool, AILIB_DESERIALIZATION, AILIB_DESERIALIZATION, "$.delta.toolUse.input");
    expect_stream_shape("bedrock", unknown, AILIB_OK, AILIB_DESERIALIZATION, "$");
}

/* --- item 4: a stream answered with HTML, an error JSON or a whole reply ---------------------- */

static const char *const protocols[] = { "openai", "anthropic", "gemini", "ollama", "cohere", "openai-responses", "bedrock" };

/* A proxy's or a login page's HTML where a stream was expected: said as such, quoting the
   body with its line ends as spaces, never "truncated". */
TEST(shapes_stream_answered_with_html) {
    static const char html[] = "\r\n<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway"
                               "</h1></center><hr><center>nginx/1.25.3</center><p>The upstream server sent an invalid response."
                               "</p></body></html>\n";
    static const char shorter[] = "<html>Sign in</html>";
    size_t i;
    for (i = 0; i < sizeof protocols / sizeof protocols[0]; i++) {
        replay_run r;
        replay_all_ways(protocols[i], html, sizeof html - 1, 0, &r);
        EXPECT_EQ(r.feed_result, AILIB_DESERIALIZATION);
        EXPECT_EQ(r.err.code, AILIB_DESERIALIZATION);
        if (!strstr(r.err.message, "HTML") || !strstr(r.err.message, "<!DOCTYPE html> <html><head><title>502 Bad Gateway") ||
            !strstr(r.err.message, "stream") || strstr(r.err.message, "truncated"))
            ailib_test_fail(__FILE__, __LINE__, "%s: %s", protocols[i], r.err.message);
        EXPECT_EQ(r.events, 0);
        replay_free(&r);
        /* shorter than the quoted head: said at the end of the body */
        replay_all_ways(protocols[i], shorter, sizeof shorter - 1, 0, &r);
        EXPECT_EQ(r.feed_result, AILIB_OK);
        EXPECT_EQ(r.finish_result, AILIB_DESERIALIZATION);
        EXPECT_TRUE(strstr(r.err.message, "<html>Sign in</html>") != NULL);
        replay_free(&r);
    }
}

/* Each protocol's error body where a stream was expected: the provider's error, as the same
   body is read whole (code and message) and as a non-2xx body (provider fields). */
TEST(shapes_stream_answered_with_an_error_json) {
    static const char *const bodies[] = {
        "{\"error\":{\"message\":\"Incorrect API key provided: sk-***\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}",
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_011CV\"}",
        "{\"error\":{\"code\":429,\"message\":\"You exceeded your current quota.\",\"status\":\"RESOURCE_EXHAUSTED\"}}",
        "{\"error\":\"model 'llama9' not found\"}",
        "{\"id\":\"0b7c4e2a\",\"message\":\"invalid api token\"}",
        "{\"error\":{\"message\":\"The server had an error.\",\"type\":\"server_error\",\"code\":\"server_error\"}}",
        "{\"message\":\"The security token included in the request is invalid.\"}"
    };
    static const ailib_result want[] = { AILIB_AUTH, AILIB_OVERLOADED, AILIB_RATE_LIMITED, AILIB_PROVIDER, AILIB_PROVIDER, AILIB_SERVER, AILIB_PROVIDER };
    size_t i;
    for (i = 0; i < sizeof protocols / sizeof protocols[0]; i++) {
        ailib_endpoint ep = endpoint(protocols[i], NULL);
        ailib_response *whole = NULL;
        ailib_error ew, en;
        replay_run r;
        ailib_result rw = parse_whole(protocols[i], bodies[i], &whole, &ew);
        ailib_wire_error_parse(&ep, 400, bodies[i], strlen(bodies[i]), &en);
        replay_all_ways(protocols[i], bodies[i], strlen(bodies[i]), strcmp(protocols[i], "bedrock") != 0, &r);
        if (r.finish_result != want[i] || rw != want[i])
            ailib_test_fail(__FILE__, __LINE__, "%s: stream %s, whole %s, want %s (%s)", protocols[i], ailib_result_name(r.finish_result),
                            ailib_result_name(rw), ailib_result_name(want[i]), r.err.message);
        EXPECT_EQ(r.err.code, ew.code);
        EXPECT_STR_EQ(r.err.message, ew.message);
        EXPECT_STR_EQ(r.err.provider_message, en.provider_message);
        EXPECT_STR_EQ(r.err.provider_type, en.provider_type);
        EXPECT_STR_EQ(r.err.provider_code, en.provider_code);
        EXPECT_STR_EQ(r.err.request_id, en.request_id);
        EXPECT_TRUE(r.err.provider_message[0] != 0);
        EXPECT_TRUE(strstr(r.err.message, "truncated") == NULL);
        EXPECT_EQ(replay_count(&r, "X "), 1);          /* delivered as the stream's error event too */
        EXPECT_TRUE(ailib_response_error(r.resp) != NULL);
        replay_free(&r);
        ailib_response_destroy(whole);
    }
}

/* A whole reply where a stream was asked for (a server that ignored "stream"): every recorded
   whole body of the repository gives the same answer fed as a stream as parsed whole, and its
   events arrive. */
TEST(shapes_stream_answered_with_a_whole_reply) {
    static const char *const files[][2] = {
        {"openai", "tests/fixtures/openai/whole-tool-calls.json"},
        {"anthropic", "tests/fixtures/anthropic/messages-text-cache.json"},
        {"anthropic", "tests/fixtures/anthropic/messages-thinking-redacted.json"},
        {"anthropic", "tests/fixtures/anthropic/messages-tool_use.json"},
        {"gemini", "tests/fixtures/gemini/generate-max-tokens.json"},
        {"gemini", "tests/fixtures/gemini/generate-parallel-function-calls.json"},
        {"gemini", "tests/fixtures/gemini/generate-prompt-blocked.json"},
        {"gemini", "tests/fixtures/gemini/generate-text.json"},
        {"ollama", "tests/fixtures/ollama/chat-whole-tool-calls-thinking.json"},
        {"cohere", "tests/fixtures/cohere/chat-text-citations.json"},
        {"cohere", "tests/fixtures/cohere/chat-tool-calls.json"},
        {"openai-responses", "tests/fixtures/responses/response-reasoning-function-call.json"},
        {"bedrock", "tests/fixtures/bedrock/converse-reasoning-tool-use.json"}
    };
    size_t i, j;
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        ailib_response *w = NULL;
        ailib_error err;
        replay_run r;
        size_t len = 0, a, b;
        char *body = ailib_test_read_file(files[i][1], &len);
        const ailib_usage *uw, *us;
        if (!body) { ailib_test_fail(__FILE__, __LINE__, "missing %s", files[i][1]); continue; }
        if (!strcmp(files[i][0], "ollama")) {
            /* Ollama's stream:false body is one line (NDJSON framing); the fixture is pretty-printed */
            ailib_json_doc *d = NULL;
            ailib_json_writer wr;
            ASSERT_EQ(ailib_json_parse(body, len, NULL, &d, NULL), AILIB_OK);
            ailib_json_writer_init(&wr, NULL);
            ailib_json_write_value(&wr, ailib_json_doc_root(d));
            ASSERT_EQ(ailib_json_writer_finish(&wr), AILIB_OK);
            free(body);
            body = (char *)malloc(wr.len + 1);
            memcpy(body, wr.buf, wr.len);
            body[len = wr.len] = 0;
            ailib_json_writer_deinit(&wr);
            ailib_json_doc_destroy(d);
        }
        ASSERT_EQ(parse_whole(files[i][0], body, &w, &err), AILIB_OK);
        replay_all_ways(files[i][0], body, len, strcmp(files[i][0], "bedrock") != 0, &r);
        if (r.finish_result != AILIB_OK) ailib_test_fail(__FILE__, __LINE__, "%s: %s", files[i][1], r.err.message);
        EXPECT_STR_EQ(ailib_response_text(r.resp, &a), ailib_response_text(w, &b));
        EXPECT_STR_EQ(ailib_response_reasoning(r.resp, &a), ailib_response_reasoning(w, &b));
        EXPECT_EQ(ailib_response_finish_reason(r.resp), ailib_response_finish_reason(w));
        EXPECT_STR_EQ(ailib_response_model(r.resp), ailib_response_model(w));
        EXPECT_STR_EQ(ailib_response_id(r.resp), ailib_response_id(w));
        EXPECT_EQ(ailib_response_message(r.resp)->part_count, ailib_response_message(w)->part_count);
        ASSERT_EQ(ailib_response_tool_call_count(r.resp), ailib_response_tool_call_count(w));
        for (j = 0; j < ailib_response_tool_call_count(w); j++) {
            const ailib_tool_call *cs = ailib_response_tool_call(r.resp, j), *cw = ailib_response_tool_call(w, j);
            EXPECT_STR_EQ(cs->id, cw->id);
            EXPECT_STR_EQ(cs->name, cw->name);
            EXPECT_STR_EQ(cs->arguments, cw->arguments);
        }
        uw = ailib_response_usage(w);
        us = ailib_response_usage(r.resp);
        EXPECT_EQ(us->input_tokens, uw->input_tokens);
        EXPECT_EQ(us->output_tokens, uw->output_tokens);
        EXPECT_EQ(us->total_tokens, uw->total_tokens);
        EXPECT_EQ(us->reported, uw->reported);
        EXPECT_EQ(replay_count(&r, "F "), 1);
        EXPECT_EQ(replay_count(&r, "E "), ailib_response_tool_call_count(w));
        replay_free(&r);
        ailib_response_destroy(w);
        free(body);
    }
}

/* An empty body, and bytes without one event, are said as such (not "truncated"). */
TEST(shapes_stream_empty_or_eventless_body) {
    size_t i;
    for (i = 0; i < sizeof protocols / sizeof protocols[0]; i++) {
        replay_run r;
        if (!strcmp(protocols[i], "bedrock")) continue;   /* a binary stream has no such text */
        feed_whole(protocols[i], "", 0, &r);
        EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
        EXPECT_TRUE(strstr(r.err.message, "empty body") != NULL);
        replay_free(&r);
        if (!strcmp(protocols[i], "ollama")) continue;    /* every NDJSON line is an event */
        feed_whole(protocols[i], ": keep-alive\n\nService Unavailable\n", 35, &r);
        EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
        if (!strstr(r.err.message, "without one") || !strstr(r.err.message, ": keep-alive  Service Unavailable"))
            ailib_test_fail(__FILE__, __LINE__, "%s: %s", protocols[i], r.err.message);
        replay_free(&r);
    }
}

/* --- item 2, more: every kind of growth is capped --------------------------------------------- */

/* Feeds `rounds` copies of a body built from evs until the stream fails; returns the result. */
static ailib_result flood(ailib_stream *s, const char *provider, const char *const *evs, seen *sn, ailib_error *err, size_t *rounds) {
    size_t len;
    char *body = stream_body(provider, evs, &len);
    ailib_result r = feed_until_fail(s, body, len, 100000, sn, err, rounds);
    free(body);
    return r;
}

static void expect_too_large(ailib_result r, const ailib_error *err, size_t cap) {
    char want[32];
    snprintf(want, sizeof want, "%lu", (unsigned long)cap);
    EXPECT_EQ(r, AILIB_TOO_LARGE);
    EXPECT_EQ(err->code, AILIB_TOO_LARGE);
    EXPECT_TRUE(strstr(err->message, want) != NULL);
    EXPECT_TRUE(strstr(err->message, "desc.max_response_bytes") != NULL);
}

/* Reasoning (Anthropic thinking deltas), binary frames (Bedrock text deltas), NDJSON lines
   (Ollama): each stops at the cap, keeps what came, and stays failed. */
TEST(shapes_stream_cap_reasoning_text_every_framing) {
    static const char *const start[] = {
        "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\",\"usage\":{\"input_tokens\":1}}}",
        "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}", NULL, NULL };
    static const char *const br_start[] = { "messageStart", "{\"role\":\"assistant\"}", NULL, NULL };
    const size_t cap = 64 << 10;
    char piece[1100], ev[1400];
    const char *evs[] = { "content_block_delta", ev, NULL, NULL };
    const char *const providers[] = { "anthropic", "bedrock", "ollama" };
    size_t p, rounds, len, kept;
    memset(piece, 'r', 1000);
    piece[1000] = 0;
    for (p = 0; p < 3; p++) {
        ailib_stream *s = stream_for(providers[p], cap, NULL);
        ailib_response *r;
        ailib_error err;
        seen sn;
        char *body;
        memset(&sn, 0, sizeof sn);
        ailib_error_clear(&err);
        if (p == 0) {
            body = stream_body("anthropic", start, &len);
            ASSERT_EQ(ailib_stream_feed(s, body, len, on_seen, &sn, NULL), AILIB_OK);
            free(body);
            snprintf(ev, sizeof ev, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"%s\"}}", piece);
        } else if (p == 1) {
            body = stream_body("bedrock", br_start, &len);
            ASSERT_EQ(ailib_stream_feed(s, body, len, on_seen, &sn, NULL), AILIB_OK);
            free(body);
            evs[0] = "contentBlockDelta";
            snprintf(ev, sizeof ev, "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"%s\"}}", piece);
        } else snprintf(ev, sizeof ev, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"%s\"},\"done\":false}", piece);
        expect_too_large(flood(s, providers[p], evs, &sn, &err, &rounds), &err, cap);
        expect_sticky(s, &sn, &err, ev, strlen(ev));
        r = ailib_stream_take_response(s);
        ASSERT_TRUE(r != NULL);
        if (p == 0) ailib_response_reasoning(r, &kept); else ailib_response_text(r, &kept);
        EXPECT_EQ(kept, (rounds - 1) * 1000);
        EXPECT_EQ(kept, p == 0 ? sn.reasoning_bytes : sn.text_bytes);
        EXPECT_LE(kept, cap);
        EXPECT_GT(kept + 1000 + AILIB__TEST_PART_COST + 64, cap);
        ailib_response_destroy(r);
        ailib_stream_destroy(s);
    }
}

/* Tool calls: arguments of one call, a flood of new calls (each counts a part's fixed cost, so
   a flood of empty calls is bounded too), and whole calls on NDJSON lines. */
TEST(shapes_stream_cap_tool_calls) {
    static const char *const open_call[] = {
        "", "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
            "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}", NULL, NULL };
    char args_ev[300];
    const char *more_args[] = { "", args_ev, NULL, NULL };
    const size_t cap = 256 << 10;
    ailib_stream *s;
    ailib_response *r;
    ailib_error err;
    seen sn;
    size_t rounds, len, i, n;
    char *body, ev[300];
    const ailib_tool_call *c;
    /* one call's arguments, 100 bytes a delta */
    snprintf(args_ev, sizeof args_ev, "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
             "\"%.100s\"}}]}}]}", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    s = stream_for("openai", cap, NULL);
    memset(&sn, 0, sizeof sn);
    body = stream_body("openai", open_call, &len);
    ASSERT_EQ(ailib_stream_feed(s, body, len, on_seen, &sn, NULL), AILIB_OK);
    free(body);
    expect_too_large(flood(s, "openai", more_args, &sn, &err, &rounds), &err, cap);
    r = ailib_stream_take_response(s);
    ASSERT_EQ(ailib_response_tool_call_count(r), 1);
    c = ailib_response_tool_call(r, 0);
    EXPECT_EQ(c->arguments_len, (rounds - 1) * 100);
    EXPECT_LE(c->arguments_len, cap);
    EXPECT_GT(c->arguments_len + 100 + 1024, cap);
    EXPECT_TRUE(c->args == NULL);                  /* cut: not JSON */
    EXPECT_EQ(sn.ends, 0);                         /* no event after the failure, END included */
    ailib_response_destroy(r);
    ailib_stream_destroy(s);
    /* a flood of new calls, each at a new index */
    s = stream_for("openai", cap, NULL);
    memset(&sn, 0, sizeof sn);
    ailib_error_clear(&err);
    for (i = 0, r = NULL; i < 100000; i++) {
        n = (size_t)snprintf(ev, sizeof ev, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%lu,\"id\":\"call_%lu\","
                             "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}\n\n", (unsigned long)i, (unsigned long)i);
        if (ailib_stream_feed(s, ev, n, on_seen, &sn, &err) != AILIB_OK) break;
    }
    expect_too_large(err.code, &err, cap);
    r = ailib_stream_take_response(s);
    n = ailib_response_tool_call_count(r);
    EXPECT_EQ(n, i);
    EXPECT_EQ(sn.begins, n);
    EXPECT_LE(n * (AILIB__TEST_PART_COST + 32), cap);
    EXPECT_GT(n * (AILIB__TEST_PART_COST + 32 + 16), cap - 1024);
    EXPECT_STR_EQ(ailib_response_tool_call(r, n - 1)->arguments, "{}");
    ailib_response_destroy(r);
    ailib_stream_destroy(s);
    /* whole calls on NDJSON lines (Ollama), empty ones */
    s = stream_for("ollama", cap, NULL);
    memset(&sn, 0, sizeof sn);
    {
        static const char *const call[] = { "", "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":"
                                                "[{\"function\":{\"name\":\"f\",\"arguments\":{}}}]},\"done\":false}", NULL, NULL };
        expect_too_large(flood(s, "ollama", call, &sn, &err, &rounds), &err, cap);
    }
    r = ailib_stream_take_response(s);
    EXPECT_EQ(ailib_response_tool_call_count(r), rounds - 1);
    EXPECT_EQ(sn.ends, rounds - 1);
    EXPECT_LE((rounds - 1) * AILIB__TEST_PART_COST, cap);
    ailib_response_destroy(r);
    ailib_stream_destroy(s);
}

/* Parts that carry almost nothing (Gemini's empty-text parts with a signature start a part
   each) are bounded by the part's fixed cost. */
TEST(shapes_stream_cap_empty_parts) {
    static const char *const part[] = {
        "", "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\",\"thoughtSignature\":\"s\"}],\"role\":\"model\"}}]}", NULL, NULL };
    const size_t cap = 64 << 10;
    ailib_stream *s = stream_for("gemini", cap, NULL);
    ailib_response *r;
    ailib_error err;
    seen sn;
    size_t rounds, parts;
    memset(&sn, 0, sizeof sn);
    expect_too_large(flood(s, "gemini", part, &sn, &err, &rounds), &err, cap);
    r = ailib_stream_take_response(s);
    parts = ailib_response_message(r)->part_count;
    EXPECT_EQ(parts, rounds - 1);
    EXPECT_LE(parts * (AILIB__TEST_PART_COST + 1), cap);
    EXPECT_GT((parts + 1) * (AILIB__TEST_PART_COST + 1), cap);
    ailib_response_destroy(r);
    ailib_stream_destroy(s);
}

/* One event larger than the cap, and a JSON body (in place of a stream) larger than it. */
TEST(shapes_stream_cap_one_event_and_json_body) {
    const size_t cap = 64 << 10;
    size_t big = 100 << 10, n;
    char *body = (char *)malloc(big + 200);
    ailib_stream *s;
    ailib_error err;
    const char *const provs[] = { "openai", "ollama" };
    size_t p;
    for (p = 0; p < 2; p++) {
        s = stream_for(provs[p], cap, NULL);
        n = (size_t)sprintf(body, p ? "{\"message\":{\"content\":\"" : "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
        memset(body + n, 'a', big);
        n += big;
        n += (size_t)sprintf(body + n, p ? "\"}}\n" : "\"}}]}\n\n");
        ailib_error_clear(&err);
        expect_too_large(ailib_stream_feed(s, body, n, NULL, NULL, &err), &err, cap);
        ailib_stream_destroy(s);
    }
    /* a whole reply of 100 KiB where a stream of at most 64 KiB was expected */
    s = stream_for("openai", cap, NULL);
    n = (size_t)sprintf(body, "{\"choices\":[{\"message\":{\"content\":\"");
    memset(body + n, 'a', big);
    n += big;
    n += (size_t)sprintf(body + n, "\"}}]}");
    ailib_error_clear(&err);
    expect_too_large(ailib_stream_feed(s, body, n, NULL, NULL, &err), &err, cap);
    ailib_stream_destroy(s);
    free(body);
}

/* --- item 5: token counts near INT64_MAX, every protocol, whole and streamed ------------------ */

#define BIG "9223372036854775807"

static void expect_saturated(const char *what, const ailib_response *r, int64_t in, int64_t out, int64_t total) {
    const ailib_usage *u = ailib_response_usage(r);
    if (!u || u->input_tokens != in || u->output_tokens != out || u->total_tokens != total)
        ailib_test_fail(__FILE__, __LINE__, "%s: usage %lld %lld %lld", what, u ? (long long)u->input_tokens : 0LL,
                        u ? (long long)u->output_tokens : 0LL, u ? (long long)u->total_tokens : 0LL);
}

TEST(shapes_usage_near_int64_max_saturates) {
    static const char *const whole[][2] = {
        {"openai", "{\"choices\":[{\"message\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" BIG ","
                   "\"completion_tokens\":" BIG ",\"total_tokens\":" BIG ",\"prompt_tokens_details\":{\"cached_tokens\":" BIG "},"
                   "\"completion_tokens_details\":{\"reasoning_tokens\":" BIG "}}}"},
        {"anthropic", "{\"content\":[{\"type\":\"text\",\"text\":\"x\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":" BIG ","
                      "\"cache_read_input_tokens\":" BIG ",\"cache_creation_input_tokens\":" BIG ",\"output_tokens\":" BIG "}}"},
        {"gemini", "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":"
                   "{\"promptTokenCount\":" BIG ",\"toolUsePromptTokenCount\":" BIG ",\"candidatesTokenCount\":" BIG ",\"thoughtsTokenCount\":" BIG "}}"},
        {"ollama", "{\"model\":\"m\",\"message\":{\"content\":\"x\"},\"done\":true,\"prompt_eval_count\":" BIG ",\"eval_count\":" BIG "}"},
        {"cohere", "{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]},\"finish_reason\":\"COMPLETE\",\"usage\":{\"tokens\":"
                   "{\"input_tokens\":" BIG ",\"output_tokens\":" BIG "},\"cached_tokens\":" BIG "}}"},
        {"openai-responses", "{\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"x\"}]}],"
                             "\"usage\":{\"input_tokens\":" BIG ",\"output_tokens\":" BIG ",\"output_tokens_details\":{\"reasoning_tokens\":" BIG "}}}"},
        {"bedrock", "{\"output\":{\"message\":{\"content\":[{\"text\":\"x\"}]}},\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":" BIG ","
                    "\"outputTokens\":" BIG ",\"cacheReadInputTokens\":" BIG ",\"cacheWriteInputTokens\":" BIG "}}"}
    };
    static const char *const oa[] = { "", "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}",
                                      "", "{\"choices\":[],\"usage\":{\"prompt_tokens\":" BIG ",\"completion_tokens\":" BIG ",\"total_tokens\":" BIG
                                          ",\"completion_tokens_details\":{\"reasoning_tokens\":" BIG "}}}", "data: [DONE]\n\n", NULL, NULL, NULL };
    static const char *const an[] = {
        "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\",\"usage\":{\"input_tokens\":" BIG
                         ",\"cache_read_input_tokens\":" BIG ",\"cache_creation_input_tokens\":" BIG ",\"output_tokens\":1}}}",
        "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":" BIG "}}",
        "message_stop", "{\"type\":\"message_stop\"}", NULL, NULL };
    static const char *const ge[] = { "", "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]},\"finishReason\":\"STOP\"}],"
                                          "\"usageMetadata\":{\"promptTokenCount\":" BIG ",\"toolUsePromptTokenCount\":" BIG ","
                                          "\"candidatesTokenCount\":" BIG ",\"thoughtsTokenCount\":" BIG "}}", NULL, NULL };
    static const char *const ol[] = { "", "{\"model\":\"m\",\"message\":{\"content\":\"x\"},\"done\":true,\"prompt_eval_count\":" BIG
                                          ",\"eval_count\":" BIG "}", NULL, NULL };
    static const char *const co[] = { "message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":"
                                                     "{\"tokens\":{\"input_tokens\":" BIG ",\"output_tokens\":" BIG "}}}}", NULL, NULL };
    static const char *const rs[] = { "", "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"usage\":{\"input_tokens\":"
                                          BIG ",\"output_tokens\":" BIG "}}}", NULL, NULL };
    static const char *const br[] = { "messageStop", "{\"stopReason\":\"end_turn\"}",
                                      "metadata", "{\"usage\":{\"inputTokens\":" BIG ",\"outputTokens\":" BIG ",\"cacheReadInputTokens\":" BIG
                                                  ",\"cacheWriteInputTokens\":" BIG "}}", NULL, NULL };
    const char *const *streams[] = { oa, an, ge, ol, co, rs, br };
    size_t i, len;
    for (i = 0; i < 7; i++) {
        ailib_response *r = NULL;
        ailib_error err;
        replay_run run;
        char *body;
        ASSERT_EQ(parse_whole(whole[i][0], whole[i][1], &r, &err), AILIB_OK);
        expect_saturated(whole[i][0], r, INT64_MAX, INT64_MAX, INT64_MAX);
        ailib_response_destroy(r);
        body = stream_body(whole[i][0], streams[i], &len);
        feed_whole(whole[i][0], body, len, &run);
        EXPECT_EQ(run.finish_result, AILIB_OK);
        expect_saturated(whole[i][0], run.resp, INT64_MAX, INT64_MAX, INT64_MAX);
        replay_free(&run);
        free(body);
    }
    /* and at the other end */
    {
        ailib_response *r = NULL;
        ailib_error err;
        ASSERT_EQ(parse_whole("openai", "{\"choices\":[{\"message\":{\"content\":\"x\"}}],\"usage\":{\"prompt_tokens\":-9223372036854775808,"
                                        "\"completion_tokens\":-5}}", &r, &err), AILIB_OK);
        expect_saturated("openai negative", r, INT64_MIN, -5, INT64_MIN);
        ailib_response_destroy(r);
    }
}

/* --- item 5: the model a stream snapshot reports ---------------------------------------------- */

/* A snapshot read before the stream names its model reports the requested one; the model the
   stream names later wins (Azure's first chunk has "model": ""). */
TEST(shapes_snapshot_does_not_pin_the_requested_model) {
    static const char first[] = "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\"}\n\n";
    static const char second[] = "data: {\"id\":\"c1\",\"model\":\"gpt-5-nano-2025-08-07\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},"
                                 "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    ailib_stream *s = stream_for("azure", 0, "my-deployment");
    ailib_response *r;
    ASSERT_TRUE(s != NULL);
    ASSERT_EQ(ailib_stream_feed(s, first, sizeof first - 1, NULL, NULL, NULL), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(ailib_stream_response(s)), "my-deployment");
    ASSERT_EQ(ailib_stream_feed(s, second, sizeof second - 1, NULL, NULL, NULL), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(ailib_stream_response(s)), "gpt-5-nano-2025-08-07");
    ASSERT_EQ(ailib_stream_finish(s, NULL, NULL, NULL), AILIB_OK);
    r = ailib_stream_take_response(s);
    EXPECT_STR_EQ(ailib_response_model(r), "gpt-5-nano-2025-08-07");
    ailib_response_destroy(r);
    /* a stream that never names one reports the requested model */
    ailib_stream_reset(s);
    ASSERT_EQ(ailib_stream_feed(s, first, sizeof first - 1, NULL, NULL, NULL), AILIB_OK);
    r = ailib_stream_take_response(s);
    EXPECT_STR_EQ(ailib_response_model(r), "my-deployment");
    ailib_response_destroy(r);
    ailib_stream_destroy(s);
}

/* --- item 2 through the engine: the client's cap reaches its streams -------------------------- */

/* A transport whose server never stops streaming text (or a gzip bomb: libcurl hands over the
   decoded bytes, which is what this hands over). It gives up after 64 MiB. */
typedef struct endless { const ailib_http_callbacks *cb; void *ctx; int active; size_t sent; int aborted; } endless;
static endless endless_state;
static void *endless_create(void *u, const ailib_transport_config *cfg, ailib_error *e) {
    (void)u; (void)cfg; (void)e;
    memset(&endless_state, 0, sizeof endless_state);
    return &endless_state;
}
static void endless_destroy(void *t) { (void)t; }
static ailib_result endless_start(void *t, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx, void **h, ailib_error *e) {
    endless *x = (endless *)t;
    (void)req; (void)e;
    x->cb = cb; x->ctx = ctx; x->active = 1; x->sent = 0; x->aborted = 0;
    *h = x;
    return AILIB_OK;
}
static ailib_result endless_poll(void *t, int timeout_ms) {
    static char chunk[16384];
    static size_t chunk_len;
    endless *x = (endless *)t;
    (void)timeout_ms;
    if (!chunk_len) {
        size_t evn, k;
        char *ev = oa_text_event(4000, 'z', &evn);
        for (k = 0; chunk_len + evn <= sizeof chunk; k++) { memcpy(chunk + chunk_len, ev, evn); chunk_len += evn; }
        free(ev);
    }
    if (!x->active) return AILIB_OK;
    if (!x->sent) x->cb->on_status(x->ctx, 200);
    x->sent += chunk_len;
    if (x->cb->on_body(x->ctx, chunk, chunk_len)) {
        x->aborted = 1;
        x->active = 0;
        x->cb->on_done(x->ctx, AILIB_CANCELLED, "aborted by the write callback");
    } else if (x->sent > ((size_t)64 << 20)) {
        x->active = 0;
        x->cb->on_done(x->ctx, AILIB_OK, "");
    }
    return AILIB_OK;
}
static void endless_cancel(void *t, void *h) {
    endless *x = (endless *)t;
    (void)h;
    if (x->active) { x->active = 0; x->cb->on_done(x->ctx, AILIB_CANCELLED, "cancelled"); }
}
static void endless_wakeup(void *t) { (void)t; }
static void endless_release(void *t, void *h) { (void)t; (void)h; }

TEST(shapes_engine_passes_the_cap_to_streams) {
    static const ailib_transport tp = { endless_create, endless_destroy, endless_start, endless_poll, endless_cancel, endless_wakeup,
                                        endless_release, NULL };
    const size_t cap = 256 << 10;
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req;
    int round;
    memset(&d, 0, sizeof d);
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.role = AILIB_ROLE_USER;
    msg.text = "tell me everything";
    req.messages = &msg;
    req.message_count = 1;
    d.model = "openai/gpt-4o-mini";
    d.api_key = "k";
    d.transport = &tp;
    d.max_response_bytes = cap;
    c = ailib_client_create(&d, NULL);
    ASSERT_TRUE(c != NULL);
    for (round = 0; round < 2; round++) {   /* the second call reuses the first one's stream */
        ailib_response *r = NULL;
        ailib_error err;
        seen sn;
        size_t tl = 0;
        memset(&sn, 0, sizeof sn);
        ailib_error_clear(&err);
        EXPECT_EQ(ailib_chat_stream(c, &req, on_seen, &sn, &r, &err), AILIB_TOO_LARGE);
        expect_too_large(err.code, &err, cap);
        EXPECT_EQ(err.retryable, 0);
        EXPECT_TRUE(endless_state.aborted);
        EXPECT_LE(endless_state.sent, cap + 16384);
        ASSERT_TRUE(r != NULL);
        ailib_response_text(r, &tl);
        EXPECT_EQ(tl, sn.text_bytes);
        EXPECT_LE(tl, cap);
        EXPECT_GT(tl + 4000 + AILIB__TEST_PART_COST, cap);
        ailib_response_destroy(r);
    }
    ailib_client_destroy(c);
}

/* --- the slot index that keeps a flood of tool calls linear ----------------------------------- */

/* Past 16 calls lookups go through a hash index: deltas still reach their call, a new id at a
   reused index opens a new call that later deltas of that index reach (the newest wins), and a
   reset stream builds the index anew. */
TEST(shapes_many_tool_calls_keep_their_routing) {
    ailib_stream *s = stream_for("openai", 0, NULL);
    ailib_response *r;
    char ev[400];
    size_t i, n, round;
    ASSERT_TRUE(s != NULL);
    for (round = 0; round < 2; round++) {
        size_t calls = round ? 20 : 40;
        for (i = 0; i < calls; i++) {
            n = (size_t)snprintf(ev, sizeof ev, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%lu,\"id\":\"c%lu\","
                                 "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"n\\\":\"}}]}}]}\n\n", (unsigned long)i, (unsigned long)i);
            ASSERT_EQ(ailib_stream_feed(s, ev, n, NULL, NULL, NULL), AILIB_OK);
        }
        for (i = 0; i < calls; i++) {   /* the rest of each call's arguments, in reverse order */
            n = (size_t)snprintf(ev, sizeof ev, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%lu,"
                                 "\"function\":{\"arguments\":\"%lu}\"}}]}}]}\n\n", (unsigned long)(calls - 1 - i), (unsigned long)(calls - 1 - i));
            ASSERT_EQ(ailib_stream_feed(s, ev, n, NULL, NULL, NULL), AILIB_OK);
        }
        /* index 3 again with a new id: a new call, which the next delta at index 3 continues */
        n = (size_t)snprintf(ev, sizeof ev, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":3,\"id\":\"again\","
                             "\"function\":{\"name\":\"g\",\"arguments\":\"{\"}}]}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":"
                             "{\"tool_calls\":[{\"index\":3,\"function\":{\"arguments\":\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n"
                             "data: [DONE]\n\n");
        ASSERT_EQ(ailib_stream_feed(s, ev, n, NULL, NULL, NULL), AILIB_OK);
        ASSERT_EQ(ailib_stream_finish(s, NULL, NULL, NULL), AILIB_OK);
        r = ailib_stream_take_response(s);
        ASSERT_EQ(ailib_response_tool_call_count(r), calls + 1);
        for (i = 0; i < calls; i++) {
            char want[32];
            snprintf(want, sizeof want, "{\"n\":%lu}", (unsigned long)i);
            EXPECT_STR_EQ(ailib_response_tool_call(r, i)->arguments, want);
        }
        EXPECT_STR_EQ(ailib_response_tool_call(r, calls)->id, "again");
        EXPECT_STR_EQ(ailib_response_tool_call(r, calls)->arguments, "{}");
        ailib_response_destroy(r);
        ailib_stream_reset(s);
    }
    ailib_stream_destroy(s);
}

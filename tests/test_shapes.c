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
    ASSERT_EQ(ailib_stream_feed(s, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", 87, NULL, NULL, NULL), AILIB_OK);
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

/* test_sse.c - the SSE and NDJSON push parsers, written from the WHATWG "event stream
   interpretation" algorithm (html.spec.whatwg.org/multipage/server-sent-events.html) and the
   recorded provider streams in ../shared/fixtures. Most checks compare a readable log of the
   delivered events, so every chunking of the same bytes must produce the same log. */
#include "test.h"
#include "ailib.h"
#include <stdlib.h>

/* --- an event log -------------------------------------------------------------------------- */

typedef struct tlog {
    char *s;
    size_t len, cap;
    int count;
    int stop_at;        /* callback returns 1 on this event (1-based); 0 never */
    int bad_nul;        /* a delivered string was not NUL-terminated */
} tlog;

static void tlog_raw(tlog *l, const char *s, size_t n) {
    if (l->len + n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 256;
        while (cap < l->len + n + 1) cap *= 2;
        l->s = (char *)realloc(l->s, cap);
        l->cap = cap;
    }
    memcpy(l->s + l->len, s, n);
    l->len += n;
    l->s[l->len] = 0;
}

/* Escapes \n \r \0 and \\ so one event is one line of the log. */
static void tlog_esc(tlog *l, const char *s, size_t n) {
    size_t k;
    for (k = 0; k < n; k++) {
        switch (s[k]) {
        case '\n': tlog_raw(l, "\\n", 2); break;
        case '\r': tlog_raw(l, "\\r", 2); break;
        case '\0': tlog_raw(l, "\\0", 2); break;
        case '\\': tlog_raw(l, "\\\\", 2); break;
        default: tlog_raw(l, s + k, 1);
        }
    }
}

static const char *tlog_str(tlog *l) { if (!l->s) tlog_raw(l, "", 0); return l->s; }
static void tlog_free(tlog *l) { free(l->s); memset(l, 0, sizeof *l); }

/* One line per event: "event|id|retry|data". */
static int sse_log_cb(void *user, const ailib_sse_event *ev) {
    tlog *l = (tlog *)user;
    char num[32];
    if (ev->event[ev->event_len] || ev->data[ev->data_len] || ev->id[ev->id_len]) l->bad_nul = 1;
    tlog_esc(l, ev->event, ev->event_len);
    tlog_raw(l, "|", 1);
    tlog_esc(l, ev->id, ev->id_len);
    snprintf(num, sizeof num, "|%lld|", (long long)ev->retry_ms);
    tlog_raw(l, num, strlen(num));
    tlog_esc(l, ev->data, ev->data_len);
    tlog_raw(l, "\n", 1);
    l->count++;
    return l->stop_at && l->count == l->stop_at;
}

static int nd_log_cb(void *user, const char *line, size_t len) {
    tlog *l = (tlog *)user;
    if (line[len]) l->bad_nul = 1;
    tlog_esc(l, line, len);
    tlog_raw(l, "\n", 1);
    l->count++;
    return l->stop_at && l->count == l->stop_at;
}

/* Parses in pieces cut at cuts[0..ncuts) (ascending), then finishes. Returns the log. */
static char *sse_cuts(const char *in, size_t len, const size_t *cuts, int ncuts, int *count) {
    ailib_sse_parser p;
    tlog l;
    size_t at = 0;
    int k;
    memset(&l, 0, sizeof l);
    ailib_sse_init(&p, NULL);
    for (k = 0; k <= ncuts; k++) {
        size_t end = k < ncuts ? cuts[k] : len;
        EXPECT_EQ(ailib_sse_feed(&p, in + at, end - at, sse_log_cb, &l, NULL), AILIB_OK);
        at = end;
    }
    EXPECT_EQ(ailib_sse_finish(&p, sse_log_cb, &l, NULL), AILIB_OK);
    EXPECT_FALSE(ailib_sse_pending(&p));
    ailib_sse_deinit(&p);
    EXPECT_FALSE(l.bad_nul);
    if (count) *count = l.count;
    tlog_str(&l);
    return l.s;
}

/* Parses in pieces of `chunk` bytes (0: all at once). */
static char *sse_chunked(const char *in, size_t len, size_t chunk, int *count) {
    ailib_sse_parser p;
    tlog l;
    size_t at = 0;
    memset(&l, 0, sizeof l);
    ailib_sse_init(&p, NULL);
    if (!chunk) chunk = len ? len : 1;
    while (at < len) {
        size_t n = len - at < chunk ? len - at : chunk;
        EXPECT_EQ(ailib_sse_feed(&p, in + at, n, sse_log_cb, &l, NULL), AILIB_OK);
        at += n;
    }
    EXPECT_EQ(ailib_sse_finish(&p, sse_log_cb, &l, NULL), AILIB_OK);
    ailib_sse_deinit(&p);
    EXPECT_FALSE(l.bad_nul);
    if (count) *count = l.count;
    tlog_str(&l);
    return l.s;
}

/* Whole, two pieces at every cut, and one byte at a time must all give `expect`. */
static void sse_check_all_chunkings(const char *in, size_t len, const char *expect) {
    size_t k;
    char *got = sse_chunked(in, len, 0, NULL);
    EXPECT_STR_EQ(got, expect);
    free(got);
    got = sse_chunked(in, len, 1, NULL);
    EXPECT_STR_EQ(got, expect);
    free(got);
    for (k = 0; k <= len; k++) {
        got = sse_cuts(in, len, &k, 1, NULL);
        if (strcmp(got, expect) != 0) {
            ailib_test_fail(__FILE__, __LINE__, "split at %u: \"%s\" vs \"%s\"", (unsigned)k, got, expect);
            free(got);
            return;
        }
        free(got);
    }
}

#define SSE_EXPECT_ALL(in, expect) sse_check_all_chunkings((in), strlen(in), (expect))

/* --- the specification's examples ---------------------------------------------------------- */

TEST(sse_spec_example_stock_ticker) {
    SSE_EXPECT_ALL("data: YHOO\ndata: +2\ndata: 10\n\n", "||-1|YHOO\\n+2\\n10\n");
}

TEST(sse_spec_example_comment_and_ids) {
    /* The third event has no blank line after it, so it is discarded at end of stream; the
       bare "id" line resets the last event id to empty. */
    SSE_EXPECT_ALL(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n",
                   "|1|-1|first event\n||-1|second event\n");
}

TEST(sse_spec_example_empty_data) {
    SSE_EXPECT_ALL("data\n\ndata\ndata\n\ndata:", "||-1|\n||-1|\\n\n");
}

TEST(sse_spec_example_space_after_colon) {
    SSE_EXPECT_ALL("data:test\n\ndata: test\n\n", "||-1|test\n||-1|test\n");
}

/* --- line ends ----------------------------------------------------------------------------- */

TEST(sse_line_endings_lf_crlf_cr_mixed) {
    const char *expect = "e|7|-1|a\\nb\nf|7|-1|c\n";
    SSE_EXPECT_ALL("event: e\nid: 7\ndata: a\ndata: b\n\nevent: f\ndata: c\n\n", expect);
    SSE_EXPECT_ALL("event: e\r\nid: 7\r\ndata: a\r\ndata: b\r\n\r\nevent: f\r\ndata: c\r\n\r\n", expect);
    SSE_EXPECT_ALL("event: e\rid: 7\rdata: a\rdata: b\r\revent: f\rdata: c\r\r", expect);
    SSE_EXPECT_ALL("event: e\r\nid: 7\rdata: a\ndata: b\r\r\nevent: f\ndata: c\r\n\n", expect);
    /* "\n\r" is two line ends (LF, then CR), so it ends the event. */
    SSE_EXPECT_ALL("data: a\n\rdata: b\n\n", "||-1|a\n||-1|b\n");
    /* CR CR is a blank line; CR LF is not. */
    SSE_EXPECT_ALL("data: a\r\rdata: b\r\n\r\n", "||-1|a\n||-1|b\n");
}

TEST(sse_cr_at_end_of_feed_then_lf) {
    static const char *one[] = { "data: a\r", "\ndata: b\r\n\r\n" };
    static const char *two[] = { "data: a\r", "", "\n", "\r", "\n" };
    static const char *three[] = { "data: a\r", "\r", "data: b\r", "\r" };
    tlog l;
    ailib_sse_parser p;
    size_t k;
    memset(&l, 0, sizeof l);
    ailib_sse_init(&p, NULL);
    for (k = 0; k < 2; k++) EXPECT_EQ(ailib_sse_feed(&p, one[k], strlen(one[k]), sse_log_cb, &l, NULL), AILIB_OK);
    /* A LF after a CR that ended the previous feed would otherwise be a blank line and split
       the event in two. */
    EXPECT_STR_EQ(tlog_str(&l), "||-1|a\\nb\n");
    for (k = 0; k < 5; k++) EXPECT_EQ(ailib_sse_feed(&p, two[k], strlen(two[k]), sse_log_cb, &l, NULL), AILIB_OK);
    EXPECT_STR_EQ(tlog_str(&l), "||-1|a\\nb\n||-1|a\n");
    for (k = 0; k < 4; k++) EXPECT_EQ(ailib_sse_feed(&p, three[k], strlen(three[k]), sse_log_cb, &l, NULL), AILIB_OK);
    EXPECT_STR_EQ(tlog_str(&l), "||-1|a\\nb\n||-1|a\n||-1|a\n||-1|b\n");
    ailib_sse_deinit(&p);
    tlog_free(&l);
}

/* --- byte order mark ----------------------------------------------------------------------- */

TEST(sse_bom_skipped_once_at_start) {
    SSE_EXPECT_ALL("\xEF\xBB\xBF" "data: x\n\n", "||-1|x\n");
    SSE_EXPECT_ALL("\xEF\xBB\xBF" "\xEF\xBB\xBF" "data: x\n\ndata: y\n\n", "||-1|y\n");   /* 2nd BOM: field name */
    SSE_EXPECT_ALL("\xEF\xBB" "data: x\n\ndata: y\n\n", "||-1|y\n");                     /* half a BOM is not one */
    SSE_EXPECT_ALL("\xEF" "data: x\n\ndata: y\n\n", "||-1|y\n");
    SSE_EXPECT_ALL("\xEF\xBB\xBF" "\n" "data: x\n\n", "||-1|x\n");
    SSE_EXPECT_ALL("\xEF\xBB\xBF", "");
    SSE_EXPECT_ALL("\xEF\xBB\xBF" ":c\ndata:x\n\n", "||-1|x\n");
    SSE_EXPECT_ALL("data: a\n\n\xEF\xBB\xBF" "data: b\n\n", "||-1|a\n");                   /* not at start */
    SSE_EXPECT_ALL("data: \xEF\xBB\xBF" "b\n\n", "||-1|\xEF\xBB\xBF" "b\n");                /* as data, kept */
}

TEST(sse_bom_split_across_three_feeds) {
    static const char *parts[] = { "\xEF", "\xBB", "\xBF", "data: x\n\n" };
    tlog l;
    ailib_sse_parser p;
    int k;
    memset(&l, 0, sizeof l);
    ailib_sse_init(&p, NULL);
    for (k = 0; k < 4; k++) EXPECT_EQ(ailib_sse_feed(&p, parts[k], strlen(parts[k]), sse_log_cb, &l, NULL), AILIB_OK);
    EXPECT_STR_EQ(tlog_str(&l), "||-1|x\n");
    ailib_sse_deinit(&p);
    tlog_free(&l);
}

/* --- fields -------------------------------------------------------------------------------- */

TEST(sse_comments_ignored) {
    SSE_EXPECT_ALL(": keep-alive\n\n: OPENROUTER PROCESSING\n\ndata: a\n: inside\ndata: b\n\n:\n\n", "||-1|a\\nb\n");
    SSE_EXPECT_ALL(":data: x\n\n", "");
    SSE_EXPECT_ALL(" : x\ndata: y\n\n", "||-1|y\n");   /* " " is an unknown field, not a comment */
}

TEST(sse_one_space_stripped_after_colon) {
    SSE_EXPECT_ALL("data:x\n\n", "||-1|x\n");
    SSE_EXPECT_ALL("data: x\n\n", "||-1|x\n");
    SSE_EXPECT_ALL("data:  x\n\n", "||-1| x\n");
    SSE_EXPECT_ALL("data:x \n\n", "||-1|x \n");
    SSE_EXPECT_ALL("data: \n\n", "||-1|\n");
    SSE_EXPECT_ALL("data:\t x\n\n", "||-1|\t x\n");
    SSE_EXPECT_ALL("event:  e\ndata: x\n\n", " e||-1|x\n");
    SSE_EXPECT_ALL("id:  9\ndata: x\n\n", "| 9|-1|x\n");
    SSE_EXPECT_ALL("data: a: b\n\n", "||-1|a: b\n");   /* only the first colon splits */
}

TEST(sse_field_without_colon) {
    SSE_EXPECT_ALL("data\n\n", "||-1|\n");
    SSE_EXPECT_ALL("event\ndata: x\n\n", "||-1|x\n");
    SSE_EXPECT_ALL("id: 3\ndata: a\n\nid\ndata: b\n\n", "|3|-1|a\n||-1|b\n");
    SSE_EXPECT_ALL("dat\ndata: x\n\n", "||-1|x\n");
}

TEST(sse_multiline_data_joined) {
    SSE_EXPECT_ALL("data: {\"a\":\ndata: 1}\n\n", "||-1|{\"a\":\\n1}\n");
    SSE_EXPECT_ALL("data:\ndata:\ndata: x\n\n", "||-1|\\n\\nx\n");
    SSE_EXPECT_ALL("data: x\ndata:\n\n", "||-1|x\\n\n");
    SSE_EXPECT_ALL("data: x\ndata\ndata\n\n", "||-1|x\\n\\n\n");
}

TEST(sse_event_without_data_not_dispatched) {
    SSE_EXPECT_ALL("event: e\nid: 5\n\ndata: x\n\n", "|5|-1|x\n");     /* event type reset, id kept */
    SSE_EXPECT_ALL("event: e\n\nevent: f\n\n", "");
    SSE_EXPECT_ALL("retry: 10\n\n", "");
}

TEST(sse_event_type_resets_after_dispatch) {
    SSE_EXPECT_ALL("event: a\ndata: 1\n\ndata: 2\n\nevent: b\nevent: c\ndata: 3\n\n", "a||-1|1\n||-1|2\nc||-1|3\n");
    SSE_EXPECT_ALL("event: a\nevent:\ndata: 1\n\n", "||-1|1\n");
}

TEST(sse_id_persists_and_nul_ignored) {
    static const char in[] = "id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\nid: 3\ndata: d\n\nid\ndata: e\n\n";
    sse_check_all_chunkings(in, sizeof in - 1, "|1|-1|a\n|1|-1|b\n|1|-1|c\n|3|-1|d\n||-1|e\n");
}

TEST(sse_data_may_contain_nul) {
    static const char in[] = "data: a\0b\n\n";
    sse_check_all_chunkings(in, sizeof in - 1, "||-1|a\\0b\n");
}

TEST(sse_retry_digits_only) {
    SSE_EXPECT_ALL("retry: 1500\ndata: a\n\nretry: 15x\ndata: b\n\nretry:\ndata: c\n\nretry: -1\ndata: d\n\n",
                   "||1500|a\n||1500|b\n||1500|c\n||1500|d\n");
    SSE_EXPECT_ALL("retry:  5\ndata: a\n\nretry: 0\ndata: b\n\nretry: 5 \ndata: c\n\nretry:+5\ndata: d\n\n",
                   "||-1|a\n||0|b\n||0|c\n||0|d\n");
    SSE_EXPECT_ALL("retry: 99999999999999999999999\ndata: a\n\n", "||9223372036854775807|a\n");
    SSE_EXPECT_ALL("retry: 007\ndata: a\n\n", "||7|a\n");
}

TEST(sse_unknown_fields_ignored) {
    SSE_EXPECT_ALL("foo: bar\nDATA: x\ndata : y\nData: q\ndata: z\nevents: e\nretryx: 5\nidx: 4\n\n", "||-1|z\n");
}

TEST(sse_finish_discards_unterminated_event) {
    ailib_sse_parser p;
    tlog l;
    static const char *ins[] = { "data: a\n\ndata: b\n", "data: a\n\ndata: b", "data: a\n\ndata: b\n\r", "data: a\n\n:x" };
    size_t k;
    for (k = 0; k < 4; k++) {
        memset(&l, 0, sizeof l);
        ailib_sse_init(&p, NULL);
        EXPECT_EQ(ailib_sse_feed(&p, ins[k], strlen(ins[k]), sse_log_cb, &l, NULL), AILIB_OK);
        EXPECT_STR_EQ(tlog_str(&l), k == 2 ? "||-1|a\n||-1|b\n" : "||-1|a\n");
        EXPECT_EQ(ailib_sse_pending(&p), k == 2 ? 0 : 1);
        EXPECT_EQ(ailib_sse_finish(&p, sse_log_cb, &l, NULL), AILIB_OK);
        EXPECT_STR_EQ(tlog_str(&l), k == 2 ? "||-1|a\n||-1|b\n" : "||-1|a\n");
        EXPECT_FALSE(ailib_sse_pending(&p));
        ailib_sse_deinit(&p);
        tlog_free(&l);
    }
}

TEST(sse_pending_reports_buffered_state) {
    ailib_sse_parser p;
    ailib_sse_init(&p, NULL);
    EXPECT_FALSE(ailib_sse_pending(&p));
    EXPECT_EQ(ailib_sse_feed(&p, "event: x\n", 9, NULL, NULL, NULL), AILIB_OK);
    EXPECT_TRUE(ailib_sse_pending(&p));
    EXPECT_EQ(ailib_sse_feed(&p, "\n", 1, NULL, NULL, NULL), AILIB_OK);
    EXPECT_FALSE(ailib_sse_pending(&p));
    EXPECT_EQ(ailib_sse_feed(&p, "da", 2, NULL, NULL, NULL), AILIB_OK);
    EXPECT_TRUE(ailib_sse_pending(&p));
    EXPECT_EQ(ailib_sse_feed(&p, "ta: 1\n\n", 7, NULL, NULL, NULL), AILIB_OK);   /* NULL callback: dropped */
    EXPECT_FALSE(ailib_sse_pending(&p));
    ailib_sse_deinit(&p);
}

TEST(sse_finish_then_next_stream_keeps_id) {
    ailib_sse_parser p;
    tlog l;
    memset(&l, 0, sizeof l);
    ailib_sse_init(&p, NULL);
    EXPECT_EQ(ailib_sse_feed(&p, "id: 4\nretry: 9\ndata: a\n\ndata: lost", 34, sse_log_cb, &l, NULL), AILIB_OK);
    EXPECT_EQ(ailib_sse_finish(&p, sse_log_cb, &l, NULL), AILIB_OK);
    /* A reconnection is a new stream: it may start with a BOM again; id and retry persist. */
    EXPECT_EQ(ailib_sse_feed(&p, "\xEF\xBB\xBF" "data: b\n\n", 12, sse_log_cb, &l, NULL), AILIB_OK);
    EXPECT_STR_EQ(tlog_str(&l), "|4|9|a\n|4|9|b\n");
    ailib_sse_deinit(&p);
    tlog_free(&l);
}

TEST(sse_invalid_arguments) {
    ailib_sse_parser p;
    ailib_error err;
    ailib_error_clear(&err);
    ailib_sse_init(&p, NULL);
    EXPECT_EQ(ailib_sse_feed(&p, NULL, 3, NULL, NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(err.code, AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_sse_feed(&p, NULL, 0, NULL, NULL, &err), AILIB_OK);
    EXPECT_EQ(ailib_sse_feed(NULL, "x", 1, NULL, NULL, NULL), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_sse_finish(NULL, NULL, NULL, NULL), AILIB_INVALID_ARGUMENT);
    EXPECT_FALSE(ailib_sse_pending(NULL));
    ailib_sse_deinit(&p);
    ailib_sse_deinit(&p);   /* twice is harmless */
}

/* --- chunking ------------------------------------------------------------------------------ */

static const char sse_mixed[] =
    "\xEF\xBB\xBF: hello\r\n"
    "event: one\r\nid: 1\r\ndata: first\r\ndata:  second\r\n\r\n"
    "data:x\rdata\r\r"
    "retry: 250\nevent: two\ndata: {\"k\": \"v\\n\"}\n\n"
    ":\n\nevent: skip\nid: 2\n\n"
    "data: after\r\n\n"
    "dat: no\ndata : no\ndata: a\0b\n\r"
    "data: tail";

static const char sse_mixed_log[] =
    "one|1|-1|first\\n second\n"
    "|1|-1|x\\n\n"
    "two|1|250|{\"k\": \"v\\\\n\"}\n"
    "|2|250|after\n"
    "|2|250|a\\0b\n";

TEST(sse_every_split_point_same_events) {
    sse_check_all_chunkings(sse_mixed, sizeof sse_mixed - 1, sse_mixed_log);
}

TEST(sse_every_pair_of_split_points_same_events) {
    size_t len = sizeof sse_mixed - 1, cuts[2];
    int bad = 0;
    for (cuts[0] = 0; cuts[0] <= len && !bad; cuts[0]++) {
        for (cuts[1] = cuts[0]; cuts[1] <= len && !bad; cuts[1]++) {
            char *got = sse_cuts(sse_mixed, len, cuts, 2, NULL);
            if (strcmp(got, sse_mixed_log) != 0) {
                ailib_test_fail(__FILE__, __LINE__, "cuts %u,%u: \"%s\"", (unsigned)cuts[0], (unsigned)cuts[1], got);
                bad = 1;
            }
            free(got);
        }
    }
}

TEST(sse_various_chunk_sizes) {
    size_t c;
    for (c = 1; c <= 64; c++) {
        char *got = sse_chunked(sse_mixed, sizeof sse_mixed - 1, c, NULL);
        EXPECT_STR_EQ(got, sse_mixed_log);
        free(got);
    }
}

/* --- cancel -------------------------------------------------------------------------------- */

/* Stops at event `stop`, then resumes from err.byte_pos: the events seen overall must be the
   same as in one uninterrupted run. */
static void sse_cancel_resume(const char *in, size_t len, int stop, int expect_count) {
    ailib_sse_parser p;
    ailib_error err;
    tlog l;
    char *whole = sse_chunked(in, len, 0, NULL);
    size_t pos;
    memset(&l, 0, sizeof l);
    l.stop_at = stop;
    ailib_error_clear(&err);
    ailib_sse_init(&p, NULL);
    ASSERT_EQ(ailib_sse_feed(&p, in, len, sse_log_cb, &l, &err), AILIB_CANCELLED);
    EXPECT_EQ(err.code, AILIB_CANCELLED);
    EXPECT_TRUE(strstr(err.message, "callback") != NULL);
    EXPECT_EQ(l.count, stop);
    EXPECT_FALSE(ailib_sse_pending(&p));
    pos = err.byte_pos;
    ASSERT_TRUE(pos <= len);
    EXPECT_EQ(p.pos, pos);
    l.stop_at = 0;
    EXPECT_EQ(ailib_sse_feed(&p, in + pos, len - pos, sse_log_cb, &l, &err), AILIB_OK);
    EXPECT_EQ(ailib_sse_finish(&p, sse_log_cb, &l, &err), AILIB_OK);
    EXPECT_EQ(l.count, expect_count);
    EXPECT_STR_EQ(tlog_str(&l), whole);
    ailib_sse_deinit(&p);
    tlog_free(&l);
    free(whole);
}

TEST(sse_callback_cancel_stops_and_resumes) {
    static const char lf[] = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
    static const char crlf[] = "data: 1\r\n\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n";
    static const char cr_end[] = "data: 1\r\r";
    ailib_sse_parser p;
    ailib_error err;
    tlog l;
    sse_cancel_resume(lf, sizeof lf - 1, 2, 3);
    sse_cancel_resume(crlf, sizeof crlf - 1, 2, 3);
    sse_cancel_resume(crlf, sizeof crlf - 1, 3, 3);
    sse_cancel_resume(sse_mixed, sizeof sse_mixed - 1, 1, 5);
    sse_cancel_resume(sse_mixed, sizeof sse_mixed - 1, 4, 5);
    /* After "\r\n\r\n" the position is past the LF too. */
    memset(&l, 0, sizeof l);
    l.stop_at = 1;
    ailib_error_clear(&err);
    ailib_sse_init(&p, NULL);
    EXPECT_EQ(ailib_sse_feed(&p, crlf, sizeof crlf - 1, sse_log_cb, &l, &err), AILIB_CANCELLED);
    EXPECT_EQ(err.byte_pos, 11);
    ailib_sse_deinit(&p);
    /* A CR ending both the event and the feed: a LF starting the next feed is still skipped. */
    ailib_sse_init(&p, NULL);
    tlog_free(&l);
    l.stop_at = 1;
    EXPECT_EQ(ailib_sse_feed(&p, cr_end, sizeof cr_end - 1, sse_log_cb, &l, &err), AILIB_CANCELLED);
    EXPECT_EQ(err.byte_pos, sizeof cr_end - 1);
    l.stop_at = 0;
    EXPECT_EQ(ailib_sse_feed(&p, "\ndata: 2\n\n", 10, sse_log_cb, &l, &err), AILIB_OK);
    EXPECT_STR_EQ(tlog_str(&l), "||-1|1\n||-1|2\n");
    ailib_sse_deinit(&p);
    tlog_free(&l);
}

/* --- size limit ---------------------------------------------------------------------------- */

/* Feeds `in` in pieces of `chunk` bytes with max_event = max; returns the first failure. */
static ailib_result sse_limited(const char *in, size_t chunk, size_t max, ailib_error *err, int *count) {
    ailib_sse_parser p;
    tlog l;
    size_t at = 0, len = strlen(in);
    ailib_result rc = AILIB_OK;
    memset(&l, 0, sizeof l);
    ailib_error_clear(err);
    ailib_sse_init(&p, NULL);
    p.max_event = max;
    while (at < len && rc == AILIB_OK) {
        size_t n = len - at < chunk ? len - at : chunk;
        rc = ailib_sse_feed(&p, in + at, n, sse_log_cb, &l, err);
        at += n;
    }
    ailib_sse_deinit(&p);
    *count = l.count;
    tlog_free(&l);
    return rc;
}

TEST(sse_size_limit) {
    ailib_error err;
    int count;
    size_t chunks[] = { 1, 2, 3, 7, 1000 }, k;
    /* max_event counts the data buffer with its '\n's: 15 bytes of data fit into 16. */
    EXPECT_EQ(sse_limited("data: 012345678901234\n\n", 1000, 16, &err, &count), AILIB_OK);
    EXPECT_EQ(count, 1);
    for (k = 0; k < 5; k++) {
        /* 16 data bytes: only the line's '\n' no longer fits, at the line end (byte 31). */
        EXPECT_EQ(sse_limited("data: 1\n\ndata: 0123456789012345\n\n", chunks[k], 16, &err, &count), AILIB_TOO_LARGE);
        EXPECT_EQ(err.code, AILIB_TOO_LARGE);
        EXPECT_EQ(err.byte_pos, 31);
        EXPECT_EQ(count, 1);
        EXPECT_TRUE(strstr(err.message, "max_event") != NULL);
        /* Far too long: the first byte past the limit. */
        EXPECT_EQ(sse_limited("data: 1\n\ndata: 0123456789012345678901234\n\n", chunks[k], 16, &err, &count),
                  AILIB_TOO_LARGE);
        EXPECT_EQ(err.byte_pos, 15 + 16);
        /* Several lines add up. */
        EXPECT_EQ(sse_limited("data: 01234\ndata: 56789\ndata: abcdef\n\n", chunks[k], 16, &err, &count),
                  AILIB_TOO_LARGE);
        EXPECT_EQ(err.byte_pos, 24 + 6 + 4);
        EXPECT_EQ(count, 0);
        /* Lines other than data: count whole. */
        EXPECT_EQ(sse_limited("data: 1\n\nevent: 0123456789\n\n", chunks[k], 16, &err, &count), AILIB_TOO_LARGE);
        EXPECT_EQ(err.byte_pos, 9 + 16);
        EXPECT_TRUE(strstr(err.message, "line") != NULL);
        EXPECT_EQ(sse_limited("event: 012345678\ndata: x\n\n", chunks[k], 16, &err, &count), AILIB_OK);
        EXPECT_EQ(count, 1);
        /* Comments are dropped as they arrive, so they have no limit. */
        EXPECT_EQ(sse_limited(": 0123456789012345678901234567890123456789\ndata: x\n\n", chunks[k], 16, &err, &count),
                  AILIB_OK);
        EXPECT_EQ(count, 1);
    }
}

TEST(sse_default_limit_allows_large_events) {
    size_t n = (size_t)3 << 20, k;
    char *in = (char *)malloc(n + 16);
    int count;
    char *log;
    ASSERT_TRUE(in != NULL);
    memcpy(in, "data: ", 6);
    for (k = 6; k < n; k++) in[k] = (char)('a' + k % 26);
    memcpy(in + n, "\n\n", 3);
    log = sse_chunked(in, n + 2, 4096, &count);
    EXPECT_EQ(count, 1);
    EXPECT_EQ(strlen(log), 5 + (n - 6) + 1);   /* "||-1|" + data + "\n" */
    free(log);
    free(in);
}

/* --- allocation ---------------------------------------------------------------------------- */

/* Counts every malloc and realloc (allocs) and, apart, the blocks obtained and released. */
typedef struct count_alloc { size_t allocs, blocks, frees; } count_alloc;
static void *ca_malloc(void *ctx, size_t n) {
    ((count_alloc *)ctx)->allocs++;
    ((count_alloc *)ctx)->blocks++;
    return malloc(n);
}
static void *ca_realloc(void *ctx, void *p, size_t old_n, size_t n) {
    (void)old_n;
    ((count_alloc *)ctx)->allocs++;
    if (!p) ((count_alloc *)ctx)->blocks++;
    return realloc(p, n);
}
static void ca_free(void *ctx, void *p) { if (p) ((count_alloc *)ctx)->frees++; free(p); }

typedef struct alloc_watch { count_alloc *ca; size_t at_warm; int n; } alloc_watch;
static int sse_watch_cb(void *user, const ailib_sse_event *ev) {
    alloc_watch *w = (alloc_watch *)user;
    (void)ev;
    if (++w->n == 10) w->at_warm = w->ca->allocs;
    return 0;
}

/* 1000 events of a 300-byte JSON payload, fed in pieces of `chunk` bytes. */
static void sse_alloc_run(size_t chunk, int crlf, int with_event) {
    count_alloc ca = { 0, 0, 0 };
    ailib_allocator a;
    ailib_sse_parser p;
    alloc_watch w;
    char *in, one[512];
    size_t n1, len = 0, at = 0, k;
    int i;
    a.malloc_fn = ca_malloc; a.realloc_fn = ca_realloc; a.free_fn = ca_free; a.ctx = &ca;
    memset(&w, 0, sizeof w);
    w.ca = &ca;
    n1 = (size_t)sprintf(one, "%sdata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"",
                         with_event ? (crlf ? "event: content_block_delta\r\n" : "event: content_block_delta\n") : "");
    for (k = 0; k < 220; k++) one[n1++] = (char)('a' + k % 26);
    n1 += (size_t)sprintf(one + n1, "\"}}%s", crlf ? "\r\n\r\n" : "\n\n");
    in = (char *)malloc(n1 * 1000);
    for (i = 0; i < 1000; i++) { memcpy(in + len, one, n1); len += n1; }
    ailib_sse_init(&p, &a);
    while (at < len) {
        size_t n = len - at < chunk ? len - at : chunk;
        EXPECT_EQ(ailib_sse_feed(&p, in + at, n, sse_watch_cb, &w, NULL), AILIB_OK);
        at += n;
    }
    EXPECT_EQ(w.n, 1000);
    EXPECT_GT(w.at_warm, 0);
    if (ca.allocs != w.at_warm)
        ailib_test_fail(__FILE__, __LINE__, "chunk %u crlf %d event %d: %u allocations after warm-up",
                        (unsigned)chunk, crlf, with_event, (unsigned)(ca.allocs - w.at_warm));
    ailib_sse_deinit(&p);
    EXPECT_EQ(ca.frees, ca.blocks);   /* every block freed */
    free(in);
}

TEST(sse_no_allocation_per_event_after_warmup) {
    sse_alloc_run(4096, 0, 0);
    sse_alloc_run(4096, 1, 1);
    sse_alloc_run(4096, 0, 1);
    sse_alloc_run(97, 1, 0);
    sse_alloc_run(1000, 0, 1);
    if (!ailib_test_quick()) sse_alloc_run(1, 1, 1);
}

/* --- recorded fixtures --------------------------------------------------------------------- */

typedef struct sse_fixture {
    const char *path;
    int events;            /* expected number of events */
    const char *first_event, *last_event;
    const char *first_data, *last_data;   /* prefixes */
} sse_fixture;

static const sse_fixture sse_fixtures[] = {
    { "anthropic/messages-stream-redacted-thinking.sse", 27, "message_start", "message_stop",
      "{\"type\":\"message_start\"", "{\"type\":\"message_stop\"          }" },
    { "anthropic/messages-stream-thinking-signature.sse", 118, "message_start", "message_stop",
      "{\"type\":\"message_start\",\"message\":{\"model\":\"claude-sonnet-4-2025", "{\"type\":\"message_stop\"" },
    { "anthropic/messages-stream-tool_use-input_json_delta.sse", 15, "message_start", "message_stop",
      "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_019Q1hrJbZG26Fb9BQhrkHEr\"", "{\"type\":\"message_stop\"}" },
    { "deepseek/chat-stream-reasoning_content.sse", 212, "", "", "{\"id\":\"33be18fc-3842-486c-8c29-dd8e578f7f20\"", "[DONE]" },
    { "gemini/stream-functionCall-thoughtSignature.sse", 2, "", "",
      "{\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\":", "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}]" },
    { "gemini/stream-thought-parts-includeThoughts.sse", 23, "", "",
      "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"**Clarifying Us", "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" most important" },
    { "mistral/chat-stream-magistral-thinking-chunks.sse", 159, "", "", "{\"id\":\"9f9d90210f194076abeee223863eaaf0\"", "[DONE]" },
    { "openai-compatible/groq-stream-event-error-tool_use_failed.sse", 95, "", "error",
      "{\"id\":\"chatcmpl-4f39f3af-3267-4ac1-a0cf-6aa7451877dc\"", "{\"error\":{\"message\":\"Tool call validation failed" },
    { "openai-compatible/openrouter-stream-keepalive-comments-and-error.sse", 5, "", "",
      "{\"id\":\"gen-1762179802-UN8pkJI4AGZvryk0kFnb\",\"provider\":\"Minimax\"", "[DONE]" },
    { "openai-compatible/zai-glm-stream-reasoning_content.sse", 94, "", "", "{\"id\":\"202607010739425543ff9439144b2c\"", "[DONE]" },
    { "openai/chat-stream-tool-call-include-usage.sse", 9, "", "", "{\"id\":\"chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl\"", "[DONE]" },
    { "openai/responses-stream-text-event-lines.sse", 17, "response.created", "response.completed",
      "{\"type\":\"response.created\"", "{\"type\":\"response.completed\"" },
};

/* An independent, line-based reading of a fixture: every event in these files has exactly one
   data line, so the expected log is one entry per "data:" line, named by the "event:" line
   seen since the last blank line. Also counts "data:" lines and blank lines. */
static char *sse_expected_log(const char *in, size_t len, int *data_lines, int *blank_lines) {
    tlog l;
    const char *line = in, *end = in + len, *ev = "";
    size_t ev_len = 0;
    memset(&l, 0, sizeof l);
    *data_lines = *blank_lines = 0;
    while (line < end) {
        const char *nl = (const char *)memchr(line, '\n', (size_t)(end - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
        if (!nl) break;   /* unterminated last line: not part of any event */
        if (n && line[n - 1] == '\r') n--;
        if (n == 0) { (*blank_lines)++; ev = ""; ev_len = 0; }
        else if (n >= 6 && memcmp(line, "event:", 6) == 0) {
            size_t skip = (n > 6 && line[6] == ' ') ? 7 : 6;
            ev = line + skip;
            ev_len = n - skip;
        }
        else if (n >= 5 && memcmp(line, "data:", 5) == 0) {
            size_t skip = (n > 5 && line[5] == ' ') ? 6 : 5;
            (*data_lines)++;
            tlog_esc(&l, ev, ev_len);
            tlog_raw(&l, "||-1|", 5);
            tlog_esc(&l, line + skip, n - skip);
            tlog_raw(&l, "\n", 1);
        }
        line = nl + 1;
    }
    tlog_str(&l);
    return l.s;
}

/* Collects the events themselves, for the name and payload checks. */
typedef struct ev_list { int n; char names[256][48]; char data[256][96]; } ev_list;
static int sse_list_cb(void *user, const ailib_sse_event *ev) {
    ev_list *e = (ev_list *)user;
    if (e->n < 256) {
        snprintf(e->names[e->n], sizeof e->names[0], "%s", ev->event);
        snprintf(e->data[e->n], sizeof e->data[0], "%s", ev->data);
    }
    e->n++;
    return 0;
}

static int starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* LF -> CRLF, LF -> CR, or CRLF -> LF. */
static char *convert_eol(const char *in, size_t len, const char *eol, int strip_cr, size_t *out_len) {
    char *out = (char *)malloc(len * 2 + 1);
    size_t k, o = 0;
    for (k = 0; k < len; k++) {
        if (in[k] == '\r' && strip_cr) continue;
        if (in[k] == '\n') { memcpy(out + o, eol, strlen(eol)); o += strlen(eol); }
        else out[o++] = in[k];
    }
    out[o] = 0;
    *out_len = o;
    return out;
}

TEST(sse_fixtures_replay) {
    size_t f, k;
    int found = 0;
    for (f = 0; f < sizeof sse_fixtures / sizeof sse_fixtures[0]; f++) {
        const sse_fixture *fx = &sse_fixtures[f];
        size_t len;
        char *in = ailib_test_fixture(fx->path, &len), *expect, *got;
        int data_lines, blank_lines, count;
        ailib_sse_parser p;
        ev_list *evs;
        if (!in) continue;
        found++;
        expect = sse_expected_log(in, len, &data_lines, &blank_lines);
        EXPECT_EQ(data_lines, fx->events);
        if (strcmp(fx->path, "openai-compatible/openrouter-stream-keepalive-comments-and-error.sse") == 0)
            EXPECT_EQ(blank_lines, fx->events + 17);   /* 17 comment-only blocks */
        else
            EXPECT_EQ(blank_lines, fx->events);
        got = sse_chunked(in, len, 0, &count);
        if (count != fx->events) ailib_test_fail(__FILE__, __LINE__, "%s: %d events, want %d", fx->path, count, fx->events);
        if (strcmp(got, expect) != 0) ailib_test_fail(__FILE__, __LINE__, "%s: events differ from the file's data lines", fx->path);
        free(got);
        /* Any chunking gives the same events. */
        {
            static const size_t chunks[] = { 1, 2, 3, 5, 64, 300, 4096 };
            for (k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
                got = sse_chunked(in, len, chunks[k], NULL);
                if (strcmp(got, expect) != 0)
                    ailib_test_fail(__FILE__, __LINE__, "%s: chunk %u differs", fx->path, (unsigned)chunks[k]);
                free(got);
            }
        }
        /* Names and payload prefixes. */
        evs = (ev_list *)calloc(1, sizeof *evs);
        ailib_sse_init(&p, NULL);
        EXPECT_EQ(ailib_sse_feed(&p, in, len, sse_list_cb, evs, NULL), AILIB_OK);
        EXPECT_EQ(ailib_sse_finish(&p, sse_list_cb, evs, NULL), AILIB_OK);
        ailib_sse_deinit(&p);
        if (evs->n == fx->events && evs->n <= 256 && evs->n > 0) {
            EXPECT_STR_EQ(evs->names[0], fx->first_event);
            EXPECT_STR_EQ(evs->names[evs->n - 1], fx->last_event);
            if (!starts_with(evs->data[0], fx->first_data) || !starts_with(evs->data[evs->n - 1], fx->last_data))
                ailib_test_fail(__FILE__, __LINE__, "%s: payloads \"%.40s\" .. \"%.40s\"", fx->path, evs->data[0],
                                evs->data[evs->n - 1]);
            if (starts_with(fx->path, "anthropic/"))   /* event name = the JSON "type" */
                for (k = 0; k < (size_t)evs->n; k++) {
                    char want[96];
                    snprintf(want, sizeof want, "{\"type\":\"%s\"", evs->names[k]);
                    if (!starts_with(evs->data[k], want)) {
                        snprintf(want, sizeof want, "{\"type\": \"%s\"", evs->names[k]);   /* ping has a space */
                        if (!starts_with(evs->data[k], want))
                            ailib_test_fail(__FILE__, __LINE__, "%s #%u: %s vs %s", fx->path, (unsigned)k, evs->names[k], evs->data[k]);
                    }
                }
        } else if (evs->n <= 256) {
            ailib_test_fail(__FILE__, __LINE__, "%s: %d events", fx->path, evs->n);
        }
        free(evs);
        free(expect);
        free(in);
    }
    if (!found) TEST_SKIP("no .sse fixtures (set AILIB_FIXTURES or check out ../shared/fixtures)");
    EXPECT_EQ(found, (int)(sizeof sse_fixtures / sizeof sse_fixtures[0]));
}

TEST(sse_fixtures_line_end_variants) {
    size_t f, v;
    int found = 0;
    for (f = 0; f < sizeof sse_fixtures / sizeof sse_fixtures[0]; f++) {
        size_t len, lf_len;
        char *in = ailib_test_fixture(sse_fixtures[f].path, &len), *lf, *ref;
        int count;
        if (!in) continue;
        found++;
        lf = convert_eol(in, len, "\n", 1, &lf_len);   /* Gemini files are CRLF already */
        ref = sse_chunked(lf, lf_len, 0, &count);
        EXPECT_EQ(count, sse_fixtures[f].events);
        for (v = 0; v < 2; v++) {
            size_t vlen;
            char *var = convert_eol(lf, lf_len, v ? "\r" : "\r\n", 0, &vlen);
            char *whole = sse_chunked(var, vlen, 0, NULL), *bytewise = sse_chunked(var, vlen, 1, NULL),
                 *odd = sse_chunked(var, vlen, 4095, NULL);
            if (strcmp(whole, ref) || strcmp(bytewise, ref) || strcmp(odd, ref))
                ailib_test_fail(__FILE__, __LINE__, "%s: %s variant differs", sse_fixtures[f].path, v ? "CR" : "CRLF");
            free(whole); free(bytewise); free(odd); free(var);
        }
        free(ref);
        free(lf);
        free(in);
    }
    if (!found) TEST_SKIP("no .sse fixtures");
}

/* --- NDJSON -------------------------------------------------------------------------------- */

static char *nd_chunked(const char *in, size_t len, size_t chunk, int *count) {
    ailib_ndjson_parser p;
    tlog l;
    size_t at = 0;
    memset(&l, 0, sizeof l);
    ailib_ndjson_init(&p, NULL);
    if (!chunk) chunk = len ? len : 1;
    while (at < len) {
        size_t n = len - at < chunk ? len - at : chunk;
        EXPECT_EQ(ailib_ndjson_feed(&p, in + at, n, nd_log_cb, &l, NULL), AILIB_OK);
        at += n;
    }
    EXPECT_EQ(ailib_ndjson_finish(&p, nd_log_cb, &l, NULL), AILIB_OK);
    ailib_ndjson_deinit(&p);
    EXPECT_FALSE(l.bad_nul);
    if (count) *count = l.count;
    tlog_str(&l);
    return l.s;
}

static char *nd_split(const char *in, size_t len, size_t cut) {
    ailib_ndjson_parser p;
    tlog l;
    memset(&l, 0, sizeof l);
    ailib_ndjson_init(&p, NULL);
    EXPECT_EQ(ailib_ndjson_feed(&p, in, cut, nd_log_cb, &l, NULL), AILIB_OK);
    EXPECT_EQ(ailib_ndjson_feed(&p, in + cut, len - cut, nd_log_cb, &l, NULL), AILIB_OK);
    EXPECT_EQ(ailib_ndjson_finish(&p, nd_log_cb, &l, NULL), AILIB_OK);
    ailib_ndjson_deinit(&p);
    tlog_str(&l);
    return l.s;
}

static void nd_check_all_chunkings(const char *in, size_t len, const char *expect) {
    size_t k;
    char *got = nd_chunked(in, len, 0, NULL);
    EXPECT_STR_EQ(got, expect);
    free(got);
    got = nd_chunked(in, len, 1, NULL);
    EXPECT_STR_EQ(got, expect);
    free(got);
    for (k = 0; k <= len; k++) {
        got = nd_split(in, len, k);
        if (strcmp(got, expect) != 0) {
            ailib_test_fail(__FILE__, __LINE__, "split at %u: \"%s\" vs \"%s\"", (unsigned)k, got, expect);
            free(got);
            return;
        }
        free(got);
    }
}

#define ND_EXPECT_ALL(in, expect) nd_check_all_chunkings((in), strlen(in), (expect))

TEST(ndjson_lines_and_line_ends) {
    ND_EXPECT_ALL("{\"a\":1}\n{\"b\":2}\n", "{\"a\":1}\n{\"b\":2}\n");
    ND_EXPECT_ALL("{\"a\":1}\r\n{\"b\":2}\r\n", "{\"a\":1}\n{\"b\":2}\n");
    ND_EXPECT_ALL("\n\n{\"a\":1}\n\r\n  \t\n \r\n{\"b\":2}\n\n", "{\"a\":1}\n{\"b\":2}\n");
    ND_EXPECT_ALL("{\"a\":1}\n{\"b\":2}", "{\"a\":1}\n{\"b\":2}\n");        /* last line unterminated */
    ND_EXPECT_ALL("{\"a\":1}\n{\"b\":2}\r", "{\"a\":1}\n{\"b\":2}\n");
    ND_EXPECT_ALL(" {\"a\": 1} \n", " {\"a\": 1} \n");                       /* content kept as is */
    ND_EXPECT_ALL("a\rb\n", "a\\rb\n");                                        /* only a CR before LF goes */
    ND_EXPECT_ALL("x\r\r\n", "x\\r\n");
    ND_EXPECT_ALL("", "");
    ND_EXPECT_ALL("   ", "");
}

TEST(ndjson_every_split_point) {
    static const char in[] = "{\"x\":\"1\"}\r\n\n  \n{\"y\":[1,2]}\n{\"z\":null}\r\n\r\n{\"last\":true}";
    nd_check_all_chunkings(in, sizeof in - 1, "{\"x\":\"1\"}\n{\"y\":[1,2]}\n{\"z\":null}\n{\"last\":true}\n");
}

TEST(ndjson_fixtures) {
    static const struct { const char *path; int lines; const char *first, *last; } fx[] = {
        { "ollama/native-api-chat-stream-think-tool_calls.SYNTHESIZED.ndjson", 4,
          "{\"model\":\"qwen3\",\"created_at\":\"2025-10-26T17:15:24.097767Z\"", "{\"model\":\"qwen3\",\"created_at\":\"2025-10-26T17:15:25.002130Z\"" },
        { "ollama/native-api-generate-stream-midstream-error.DOCS-EXAMPLE.ndjson", 5,
          "{\"model\":\"gemma4\",\"created_at\":\"2025-10-26T17:21:21.196249Z\",\"response\":\" Yes\"",
          "{\"error\":\"an error was encountered while running the model\"}" },
    };
    size_t f, k;
    int found = 0;
    for (f = 0; f < 2; f++) {
        size_t len, crlf_len;
        char *in = ailib_test_fixture(fx[f].path, &len), *whole, *crlf, *got, *last;
        int count, newlines = 0;
        if (!in) continue;
        found++;
        for (k = 0; k < len; k++) newlines += in[k] == '\n';
        EXPECT_EQ(newlines, fx[f].lines);
        whole = nd_chunked(in, len, 0, &count);
        EXPECT_EQ(count, fx[f].lines);
        EXPECT_TRUE(starts_with(whole, fx[f].first));
        last = whole + strlen(whole) - 1;                      /* the log's final '\n' */
        while (last > whole && last[-1] != '\n') last--;
        EXPECT_TRUE(starts_with(last, fx[f].last));
        if (f == 1) EXPECT_STR_EQ(last, "{\"error\":\"an error was encountered while running the model\"}\n");
        crlf = convert_eol(in, len, "\r\n", 0, &crlf_len);
        for (k = 0; k <= crlf_len; k++) {
            got = nd_split(crlf, crlf_len, k);
            if (strcmp(got, whole) != 0) {
                ailib_test_fail(__FILE__, __LINE__, "%s CRLF split at %u differs", fx[f].path, (unsigned)k);
                free(got);
                break;
            }
            free(got);
        }
        got = nd_chunked(in, len - 1, 1, &count);             /* without the final newline */
        EXPECT_STR_EQ(got, whole);
        free(got);
        free(crlf);
        free(whole);
        free(in);
    }
    if (!found) TEST_SKIP("no .ndjson fixtures");
}

TEST(ndjson_size_limit) {
    static const size_t chunks[] = { 1, 3, 1000 };
    size_t k;
    for (k = 0; k < 3; k++) {
        static const char in[] = "{\"a\":1}\n0123456789abcdef\n{\"b\":2}\n";
        ailib_ndjson_parser p;
        ailib_error err;
        tlog l;
        size_t at = 0, len = sizeof in - 1;
        ailib_result rc = AILIB_OK;
        memset(&l, 0, sizeof l);
        ailib_error_clear(&err);
        ailib_ndjson_init(&p, NULL);
        p.max_line = 15;
        while (at < len && rc == AILIB_OK) {
            size_t n = len - at < chunks[k] ? len - at : chunks[k];
            rc = ailib_ndjson_feed(&p, in + at, n, nd_log_cb, &l, &err);
            at += n;
        }
        EXPECT_EQ(rc, AILIB_TOO_LARGE);
        EXPECT_EQ(err.code, AILIB_TOO_LARGE);
        EXPECT_EQ(err.byte_pos, 8 + 15);
        EXPECT_TRUE(strstr(err.message, "max_line") != NULL);
        EXPECT_STR_EQ(tlog_str(&l), "{\"a\":1}\n");
        ailib_ndjson_deinit(&p);
        tlog_free(&l);
        /* 16 bytes fit a limit of 16. */
        memset(&l, 0, sizeof l);
        ailib_ndjson_init(&p, NULL);
        p.max_line = 16;
        EXPECT_EQ(ailib_ndjson_feed(&p, in, len, nd_log_cb, &l, NULL), AILIB_OK);
        EXPECT_EQ(l.count, 3);
        ailib_ndjson_deinit(&p);
        tlog_free(&l);
    }
}

TEST(ndjson_cancel) {
    static const char in[] = "{\"a\":1}\r\n{\"b\":2}\n{\"c\":3}\n{\"d\":4}";
    ailib_ndjson_parser p;
    ailib_error err;
    tlog l;
    memset(&l, 0, sizeof l);
    l.stop_at = 2;
    ailib_error_clear(&err);
    ailib_ndjson_init(&p, NULL);
    EXPECT_EQ(ailib_ndjson_feed(&p, in, sizeof in - 1, nd_log_cb, &l, &err), AILIB_CANCELLED);
    EXPECT_EQ(err.code, AILIB_CANCELLED);
    EXPECT_EQ(err.byte_pos, 17);
    EXPECT_EQ(l.count, 2);
    l.stop_at = 0;
    EXPECT_EQ(ailib_ndjson_feed(&p, in + err.byte_pos, sizeof in - 1 - err.byte_pos, nd_log_cb, &l, &err), AILIB_OK);
    l.stop_at = 4;
    EXPECT_EQ(ailib_ndjson_finish(&p, nd_log_cb, &l, &err), AILIB_CANCELLED);   /* the last line's callback */
    EXPECT_STR_EQ(tlog_str(&l), "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n{\"d\":4}\n");
    ailib_ndjson_deinit(&p);
    tlog_free(&l);
    EXPECT_EQ(ailib_ndjson_feed(NULL, "x", 1, NULL, NULL, NULL), AILIB_INVALID_ARGUMENT);
}

typedef struct nd_watch { count_alloc *ca; size_t at_warm; int n; } nd_watch;
static int nd_watch_cb(void *user, const char *line, size_t len) {
    nd_watch *w = (nd_watch *)user;
    (void)line; (void)len;
    if (++w->n == 10) w->at_warm = w->ca->allocs;
    return 0;
}

TEST(ndjson_no_allocation_per_line_after_warmup) {
    static const size_t chunks[] = { 4096, 97, 1 };
    size_t c;
    for (c = 0; c < 3; c++) {
        count_alloc ca = { 0, 0, 0 };
        ailib_allocator a;
        ailib_ndjson_parser p;
        nd_watch w;
        char one[400], *in;
        size_t n1, k, len = 0, at = 0;
        int i;
        a.malloc_fn = ca_malloc; a.realloc_fn = ca_realloc; a.free_fn = ca_free; a.ctx = &ca;
        memset(&w, 0, sizeof w);
        w.ca = &ca;
        n1 = (size_t)sprintf(one, "{\"model\":\"qwen3\",\"message\":{\"content\":\"");
        for (k = 0; k < 250; k++) one[n1++] = (char)('a' + k % 26);
        n1 += (size_t)sprintf(one + n1, "\"},\"done\":false}\r\n");
        in = (char *)malloc(n1 * 1000);
        for (i = 0; i < 1000; i++) { memcpy(in + len, one, n1); len += n1; }
        ailib_ndjson_init(&p, &a);
        while (at < len) {
            size_t n = len - at < chunks[c] ? len - at : chunks[c];
            EXPECT_EQ(ailib_ndjson_feed(&p, in + at, n, nd_watch_cb, &w, NULL), AILIB_OK);
            at += n;
        }
        EXPECT_EQ(w.n, 1000);
        EXPECT_GT(w.at_warm, 0);
        EXPECT_EQ(ca.allocs, w.at_warm);
        ailib_ndjson_deinit(&p);
        EXPECT_EQ(ca.frees, ca.blocks);
        free(in);
    }
}

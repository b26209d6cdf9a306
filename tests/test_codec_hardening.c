/* test_codec_hardening.c - codec defects found by fuzzing and by the hardening review
   (issue 8 items 5 and 8, issue 9 item 7), each asserted on the behaviour that was wrong. */
#include "test.h"
#include "fuzz/checks.h"
#include "../ailib.h"
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>


typedef struct hb { char *p; size_t len, cap; } hb;

static void hb_add(hb *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        b->p = (char *)realloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void hb_str(hb *b, const char *s) { hb_add(b, s, strlen(s)); }
static void hb_rep(hb *b, const char *s, size_t times) { while (times--) hb_str(b, s); }

/* --- JSON reader: the result does not depend on the error struct -------------------------- */

TEST(json_result_same_with_and_without_error_struct) {
    static const struct { const char *text; size_t len; ailib_result want; } c[] = {
        { "\"\xff\"", 3, AILIB_JSON_UTF8 },                         /* the fast string path */
        { "{\"\xc0\x80\":1}", 8, AILIB_JSON_UTF8 },                 /* a key */
        { "[\"a\\n\xed\xa0\x80\"]", 10, AILIB_JSON_UTF8 },          /* after an escape: the slow path */
        { "[1,\"\\x\"]", 8, AILIB_JSON_SYNTAX },
        { "\"abc", 4, AILIB_JSON_SYNTAX },
        { "[[[", 3, AILIB_JSON_SYNTAX },
        { "1e400", 5, AILIB_JSON_SYNTAX },
    };
    size_t i;
    for (i = 0; i < sizeof c / sizeof c[0]; i++) {
        ailib_json_doc *d = NULL, *warm = ailib_json_doc_create(NULL);
        ailib_error err;
        ailib_result with, without, reparse;
        ailib_error_clear(&err);
        with = ailib_json_parse(c[i].text, c[i].len, NULL, &d, &err);
        without = ailib_json_parse(c[i].text, c[i].len, NULL, &d, NULL);
        reparse = ailib_json_doc_reparse(warm, c[i].text, c[i].len, NULL);
        EXPECT_EQ(with, c[i].want);
        EXPECT_EQ(without, c[i].want);
        EXPECT_EQ(reparse, c[i].want);
        EXPECT_EQ(err.code, c[i].want);
        ailib_json_doc_destroy(warm);
    }
}

/* Whole-response parsing gives the same code without an error struct (a provider row with an
   unknown protocol: UNSUPPORTED, not OUT_OF_MEMORY). */
TEST(wire_response_parse_same_code_without_error_struct) {
    ailib_provider_info p;
    ailib_endpoint ep;
    ailib_response *r = NULL;
    ailib_error err;
    memset(&p, 0, sizeof p);
    p.name = "odd";
    p.protocol = (ailib_protocol)99;
    memset(&ep, 0, sizeof ep);
    ep.provider = &p;
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_wire_response_parse(&ep, 200, "{}", 2, &r, &err), AILIB_UNSUPPORTED);
    EXPECT_EQ(ailib_wire_response_parse(&ep, 200, "{}", 2, &r, NULL), AILIB_UNSUPPORTED);
    EXPECT_TRUE(r == NULL);
}

/* --- JSON numbers ----------------------------------------------------------------------------- */

static ailib_result hj_number(const char *text, size_t len, double *out) {
    ailib_json_doc *d = NULL;
    ailib_result r = ailib_json_parse(text, len, NULL, &d, NULL);
    if (r == AILIB_OK) *out = ailib_json_double(ailib_json_doc_root(d));
    ailib_json_doc_destroy(d);
    return r;
}

/* A long fraction cannot hide a huge exponent: the value is what all the digits say. */
TEST(json_number_long_fraction_huge_exponent) {
    hb b = {0, 0, 0};
    double v = -1;
    ailib_error err;
    ailib_json_doc *d = NULL;
    hb_str(&b, "0.");
    hb_rep(&b, "0", 100000);
    hb_str(&b, "1e1000000");                    /* 1e-100001 x 1e1000000: far past the double range */
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_json_parse(b.p, b.len, NULL, &d, &err), AILIB_JSON_SYNTAX);
    EXPECT_TRUE(strstr(err.message, "out of double range") != NULL);
    EXPECT_EQ(hj_number(b.p, b.len, &v), AILIB_JSON_SYNTAX);
    b.len = 0;
    hb_str(&b, "[0.");
    hb_rep(&b, "0", 100000);
    hb_str(&b, "1e100005]");                    /* exactly 1e4 */
    if (ailib_json_parse(b.p, b.len, NULL, &d, NULL) == AILIB_OK) {
        EXPECT_DBL_EQ(ailib_json_double(ailib_json_at(ailib_json_doc_root(d), 0)), 10000.0);
        ailib_json_doc_destroy(d);
    } else {
        EXPECT_TRUE(!"0.000...1e100005 parses");
    }
    b.len = 0;
    hb_str(&b, "1");
    hb_rep(&b, "0", 100000);
    hb_str(&b, "e-1000000");                    /* 1e-900000: below the smallest subnormal, 0 */
    EXPECT_EQ(hj_number(b.p, b.len, &v), AILIB_OK);
    EXPECT_DBL_EQ(v, 0.0);
    EXPECT_EQ(hj_number("-1e-99999999999999999999", 24, &v), AILIB_OK);
    EXPECT_TRUE(v == 0 && signbit(v));
    EXPECT_EQ(hj_number("1e99999999999999999999", 22, &v), AILIB_JSON_SYNTAX);
    free(b.p);
}

/* --- JSON writer: shortest round trip ------------------------------------------------------- */

static int hw_check(ailib_json_writer *w, double v, int *reported) {
    ailib_json_doc *d = NULL;
    double back;
    size_t ref = fz_ref_double_len(v);
    int ok;
    ailib_json_writer_reset(w);
    ailib_json_write_double(w, v);
    if (ailib_json_writer_finish(w) != AILIB_OK || ailib_json_parse(w->buf, w->len, NULL, &d, NULL) != AILIB_OK) {
        if ((*reported)++ < 5) ailib_test_fail(__FILE__, __LINE__, "%.17g: not written", v);
        return 0;
    }
    back = ailib_json_double(ailib_json_doc_root(d));
    ailib_json_doc_destroy(d);
    ok = (v == 0 ? back == 0 && signbit(back) == signbit(v) : memcmp(&back, &v, sizeof v) == 0) && (w->len <= ref || v == 0);
    if (!ok && (*reported)++ < 5)
        ailib_test_fail(__FILE__, __LINE__, "%.17g written as \"%s\" (%lu bytes): reads back as %.17g; shortest printf form: %lu bytes",
                        v, w->buf, (unsigned long)w->len, back, (unsigned long)ref);
    return ok;
}

static uint64_t hw_rand(uint64_t *s) { *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17; return *s; }

TEST(json_write_double_shortest_everywhere) {
    ailib_json_writer w;
    uint64_t seed = 0x2545F4914F6CDD1DULL;
    int bad = 0, i, n = ailib_test_quick() ? 3000 : 20000, e;
    double p;
    ailib_json_writer_init(&w, NULL);
    /* the reported case: 2^55 is 17 bytes plain (its 16 digits padded, as ECMAScript prints
       it), not "3.602879701896397e+16" */
    ailib_json_write_double(&w, 36028797018963968.0);
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    EXPECT_MEM_EQ(w.buf, w.len, "36028797018963970");
    /* plain where plain is shorter, the exponent where it is */
    ailib_json_writer_reset(&w);
    ailib_json_write_array_begin(&w);
    ailib_json_write_double(&w, 1e15);
    ailib_json_write_double(&w, 123456789012345680.0);
    ailib_json_write_double(&w, 0.001);
    ailib_json_write_double(&w, 1e-7);
    ailib_json_write_double(&w, 100.0);
    ailib_json_write_double(&w, -0.5);
    ailib_json_write_array_end(&w);
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    EXPECT_MEM_EQ(w.buf, w.len, "[1e+15,123456789012345680,0.001,1e-07,100,-0.5]");
    /* the decade the defect lived in, densely; then any bits */
    for (i = 0; i < n; i++) {
        double v = 1e15 + (double)(hw_rand(&seed) >> 11) / 9007199254740992.0 * 9.9e16;
        hw_check(&w, (hw_rand(&seed) & 1) ? v : floor(v), &bad);
    }
    for (i = 0; i < n; i++) {
        uint64_t bits = hw_rand(&seed);
        double v;
        if (((bits >> 52) & 0x7FF) == 0x7FF) continue;
        memcpy(&v, &bits, sizeof v);
        hw_check(&w, v, &bad);
    }
    /* every power of two and of ten, and their neighbours (sampled in quick mode) */
    for (e = -1074; e <= 1023; e += ailib_test_quick() ? 7 : 1) {
        p = ldexp(1.0, e);
        hw_check(&w, p, &bad);
        hw_check(&w, nextafter(p, 0), &bad);
        hw_check(&w, -nextafter(p, HUGE_VAL), &bad);
    }
    for (e = -323; e <= 308; e += ailib_test_quick() ? 3 : 1) {
        p = pow(10.0, e);
        hw_check(&w, p, &bad);
        hw_check(&w, nextafter(p, 0), &bad);
    }
    EXPECT_EQ(bad, 0);
    ailib_json_writer_deinit(&w);
}

/* --- SSE and NDJSON: caps and sticky failures ---------------------------------------------- */

typedef struct hev { int events; size_t last_len; } hev;

static int h_on_sse(void *user, const ailib_sse_event *ev) {
    hev *h = (hev *)user;
    h->events++;
    h->last_len = ev->data_len + ev->event_len + ev->id_len;
    return 0;
}

static int h_on_line(void *user, const char *line, size_t n) {
    hev *h = (hev *)user;
    (void)line;
    h->events++;
    h->last_len = n;
    return 0;
}

static ailib_result hs_feed(size_t max, const char *text, size_t piece, hev *h, ailib_sse_parser *keep) {
    ailib_sse_parser p;
    size_t off = 0, len = strlen(text);
    ailib_result r = AILIB_OK;
    ailib_sse_init(&p, NULL);
    p.max_event = max;
    while (off < len && r == AILIB_OK) {
        size_t k = piece && len - off > piece ? piece : len - off;
        r = ailib_sse_feed(&p, text + off, k, h_on_sse, h, NULL);
        off += k;
    }
    if (keep) *keep = p; else ailib_sse_deinit(&p);
    return r;
}

/* max_event bounds an event's data, type and id together, not each alone. */
TEST(sse_max_event_counts_the_whole_event) {
    hb b = {0, 0, 0};
    hev h;
    size_t piece;
    for (piece = 0; piece <= 1; piece++) {
        b.len = 0;
        hb_str(&b, "id: "); hb_rep(&b, "i", 60); hb_str(&b, "\nevent: "); hb_rep(&b, "e", 60); hb_str(&b, "\ndata: z\n\n");
        memset(&h, 0, sizeof h);
        EXPECT_EQ(hs_feed(100, b.p, piece, &h, NULL), AILIB_TOO_LARGE);
        EXPECT_EQ(h.events, 0);
        b.len = 0;
        hb_str(&b, "event: "); hb_rep(&b, "e", 60); hb_str(&b, "\ndata: "); hb_rep(&b, "d", 60); hb_str(&b, "\n\n");
        memset(&h, 0, sizeof h);
        EXPECT_EQ(hs_feed(100, b.p, piece, &h, NULL), AILIB_TOO_LARGE);
        b.len = 0;
        hb_str(&b, "data: "); hb_rep(&b, "d", 60); hb_str(&b, "\nid: "); hb_rep(&b, "i", 60); hb_str(&b, "\n\n");
        memset(&h, 0, sizeof h);
        EXPECT_EQ(hs_feed(100, b.p, piece, &h, NULL), AILIB_TOO_LARGE);
        /* exactly at the cap: 40 + 40 + 19 data bytes and the line's '\n' */
        b.len = 0;
        hb_str(&b, "id: "); hb_rep(&b, "i", 40); hb_str(&b, "\nevent: "); hb_rep(&b, "e", 40);
        hb_str(&b, "\ndata: "); hb_rep(&b, "d", 19); hb_str(&b, "\n\n");
        memset(&h, 0, sizeof h);
        EXPECT_EQ(hs_feed(100, b.p, piece, &h, NULL), AILIB_OK);
        EXPECT_EQ(h.events, 1);
        EXPECT_EQ(h.last_len, 99);
    }
    free(b.p);
}

/* A buffer filled to the cap reserves the cap (plus its two bytes), not twice the cap. */
TEST(sse_buffer_at_cap_reserves_the_cap) {
    hb b = {0, 0, 0};
    hev h;
    ailib_sse_parser p;
    ailib_ndjson_parser nd;
    size_t piece;
    for (piece = 0; piece <= 1; piece++) {
        b.len = 0;
        hb_str(&b, "data: "); hb_rep(&b, "d", 1098);
        memset(&h, 0, sizeof h);
        EXPECT_EQ(hs_feed(1100, b.p, piece, &h, &p), AILIB_OK);
        EXPECT_LE(p.data_cap, 1102);
        EXPECT_EQ(ailib_sse_feed(&p, "\n\n", 2, h_on_sse, &h, NULL), AILIB_OK);
        EXPECT_EQ(h.events, 1);
        ailib_sse_deinit(&p);
        b.len = 0;
        hb_str(&b, "event: "); hb_rep(&b, "e", 1093); hb_str(&b, "\n");
        EXPECT_EQ(hs_feed(1100, b.p, piece, &h, &p), AILIB_OK);
        EXPECT_LE(p.event_cap, 1102);
        EXPECT_LE(p.line_cap, 1102);
        ailib_sse_deinit(&p);
        b.len = 0;
        hb_str(&b, "foo: "); hb_rep(&b, "f", 1090);
        EXPECT_EQ(hs_feed(1100, b.p, piece, &h, &p), AILIB_OK);
        EXPECT_LE(p.line_cap, 1102);
        ailib_sse_deinit(&p);
    }
    ailib_ndjson_init(&nd, NULL);
    nd.max_line = 1100;
    b.len = 0;
    hb_rep(&b, "n", 1100);
    EXPECT_EQ(ailib_ndjson_feed(&nd, b.p, b.len, h_on_line, &h, NULL), AILIB_OK);
    EXPECT_LE(nd.line_cap, 1102);
    EXPECT_EQ(ailib_ndjson_feed(&nd, "\n", 1, h_on_line, &h, NULL), AILIB_OK);
    EXPECT_EQ(h.last_len, 1100);
    ailib_ndjson_deinit(&nd);
    free(b.p);
}

/* After AILIB_TOO_LARGE the stream is over: feeds fail again and deliver nothing, finish
   says it once more, and only then does the parser take a new stream. */
TEST(sse_failure_is_sticky) {
    ailib_sse_parser p;
    ailib_error err;
    hev h;
    memset(&h, 0, sizeof h);
    ailib_sse_init(&p, NULL);
    p.max_event = 16;
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_sse_feed(&p, "data: 0123456789abcdefgh\n\n", 26, h_on_sse, &h, &err), AILIB_TOO_LARGE);
    EXPECT_EQ(ailib_sse_feed(&p, "data: x\n\n", 9, h_on_sse, &h, &err), AILIB_TOO_LARGE);
    EXPECT_EQ(err.code, AILIB_TOO_LARGE);
    EXPECT_TRUE(strstr(err.message, "failed earlier") != NULL);
    EXPECT_EQ(ailib_sse_feed(&p, "", 0, h_on_sse, &h, NULL), AILIB_TOO_LARGE);
    EXPECT_EQ(h.events, 0);
    EXPECT_EQ(ailib_sse_finish(&p, h_on_sse, &h, NULL), AILIB_TOO_LARGE);
    EXPECT_EQ(ailib_sse_feed(&p, "data: x\n\n", 9, h_on_sse, &h, NULL), AILIB_OK);
    EXPECT_EQ(h.events, 1);
    EXPECT_EQ(ailib_sse_finish(&p, h_on_sse, &h, NULL), AILIB_OK);
    ailib_sse_deinit(&p);
}

TEST(ndjson_failure_is_sticky) {
    ailib_ndjson_parser p;
    ailib_error err;
    hev h;
    memset(&h, 0, sizeof h);
    ailib_ndjson_init(&p, NULL);
    p.max_line = 8;
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_ndjson_feed(&p, "0123456789\n", 11, h_on_line, &h, &err), AILIB_TOO_LARGE);
    EXPECT_EQ(ailib_ndjson_feed(&p, "{}\n", 3, h_on_line, &h, &err), AILIB_TOO_LARGE);
    EXPECT_TRUE(strstr(err.message, "failed earlier") != NULL);
    EXPECT_EQ(h.events, 0);
    EXPECT_EQ(ailib_ndjson_finish(&p, h_on_line, &h, NULL), AILIB_TOO_LARGE);
    EXPECT_EQ(h.events, 0);
    EXPECT_EQ(ailib_ndjson_feed(&p, "{}\n", 3, h_on_line, &h, NULL), AILIB_OK);
    EXPECT_EQ(h.events, 1);
    ailib_ndjson_deinit(&p);
}

/* --- schema validation terminates ------------------------------------------------------------ */

typedef struct hsv {
    const char *schema, *value; size_t value_len; ailib_result want; const char *path_prefix;
    void *owned;            /* the caller's heap block: the child frees its copy, for valgrind */
} hsv;

/* Validates in a child process under a generous watchdog (the fixed code takes milliseconds,
   the old one longer than the universe): a hang is reported as a failure, not as a stuck run. */
static void hs_validate_in_child(const hsv *c) {
    pid_t pid;
    int status = 0;
    fflush(stdout);
    pid = fork();
    if (pid < 0) { ailib_test_fail(__FILE__, __LINE__, "fork failed"); return; }
    if (pid == 0) {
        ailib_json_doc *sd = NULL, *vd = NULL;
        ailib_error err;
        ailib_result r;
        int ok;
        alarm(120);
        if (ailib_json_parse(c->schema, strlen(c->schema), NULL, &sd, NULL) != AILIB_OK ||
            ailib_json_parse(c->value, c->value_len, NULL, &vd, NULL) != AILIB_OK) exit(3);
        ailib_error_clear(&err);
        r = ailib_schema_validate(ailib_json_doc_root(sd), ailib_json_doc_root(vd), &err);
        ok = r == c->want && (!c->path_prefix || strncmp(err.json_path, c->path_prefix, strlen(c->path_prefix)) == 0) &&
             ailib_schema_validate(ailib_json_doc_root(sd), ailib_json_doc_root(vd), NULL) == r;
        if (!ok) printf("  validation gave %s at \"%s\": %s\n", ailib_result_name(r), err.json_path, err.message);
        fflush(stdout);
        ailib_json_doc_destroy(sd);
        ailib_json_doc_destroy(vd);
        free(c->owned);
        exit(ok ? 0 : 1);   /* exit, not _exit: the libraries clean up as valgrind expects */
    }
    if (waitpid(pid, &status, 0) != pid) { ailib_test_fail(__FILE__, __LINE__, "waitpid failed"); return; }
    if (WIFSIGNALED(status)) ailib_test_fail(__FILE__, __LINE__, "validation did not finish (signal %d)", WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0) ailib_test_fail(__FILE__, __LINE__, "validation gave the wrong answer (exit %d)", WEXITSTATUS(status));
}

/* Two recursive branches of one anyOf, both walking the whole value before one fails: the
   work was 2^depth. */
TEST(schema_two_recursive_branches_are_linear) {
    static const char *const sch =
        "{\"anyOf\":[{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"required\":[\"z\"]},"
        "{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"}}]}";
    static const char *const issue =
        "{\"anyOf\":[{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}},{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"}}]}";
    hb b = {0, 0, 0};
    hsv c;
    hb_rep(&b, "{\"a\":", 120); hb_str(&b, "{}"); hb_rep(&b, "}", 120);
    c.schema = sch; c.value = b.p; c.value_len = b.len; c.want = AILIB_OK; c.path_prefix = NULL; c.owned = b.p;
    hs_validate_in_child(&c);                  /* valid */
    b.len = 0;
    hb_rep(&b, "{\"a\":", 120); hb_str(&b, "1"); hb_rep(&b, "}", 120);
    c.value = b.p; c.value_len = b.len; c.want = AILIB_INVALID_ARGUMENT; c.path_prefix = "$.a.a.a.a.a.a.a.a"; c.owned = b.p;
    hs_validate_in_child(&c);                  /* invalid at the bottom: every level tries both branches */
    b.len = 0;
    hb_rep(&b, "[{\"k\":", 100); hb_str(&b, "true"); hb_rep(&b, "}]", 100);
    c.schema = issue; c.value = b.p; c.value_len = b.len; c.want = AILIB_INVALID_ARGUMENT; c.path_prefix = "$[0].k[0].k"; c.owned = b.p;
    hs_validate_in_child(&c);
    free(b.p);
}

/* allOf members that both recurse through "#": every level validated each child twice, so a
   valid value 120 levels deep was 2^120 work (a fuzz finding: it gave up as AILIB_TOO_LARGE
   after 2^20 steps on 344 bytes). A success is remembered wherever it was found. */
TEST(schema_allof_recursive_members_are_linear) {
    static const char *const sch =
        "{\"allOf\":[{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"}},"
        "{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"maxProperties\":1}]}";
    hb b = {0, 0, 0};
    hsv c;
    hb_rep(&b, "{\"a\":", 120); hb_str(&b, "{}"); hb_rep(&b, "}", 120);
    c.schema = sch; c.value = b.p; c.value_len = b.len; c.want = AILIB_OK; c.path_prefix = NULL; c.owned = b.p;
    hs_validate_in_child(&c);                  /* valid: both members hold at every level */
    b.len = 0;
    hb_rep(&b, "{\"a\":", 120); hb_str(&b, "{\"x\":{},\"y\":{}}"); hb_rep(&b, "}", 120);
    c.value = b.p; c.value_len = b.len; c.want = AILIB_INVALID_ARGUMENT; c.path_prefix = "$.a.a.a.a.a.a.a.a"; c.owned = b.p;
    hs_validate_in_child(&c);                  /* the bottom breaks maxProperties: found, with its path */
    free(b.p);
}

/* uniqueItems on a large array: the same first equal pair as comparing every pair. */
TEST(schema_unique_items_large_array) {
    hb b = {0, 0, 0};
    ailib_json_doc *sd = NULL, *vd = NULL;
    ailib_error err;
    char item[32];
    int i;
    hb_str(&b, "[");
    for (i = 0; i < 5000; i++) {
        int k = i == 4321 ? 1234 : i == 4999 ? 2000 : i;
        snprintf(item, sizeof item, "%s\"s%d\"", i ? "," : "", k);
        hb_str(&b, item);
    }
    hb_str(&b, "]");
    ASSERT_EQ(ailib_json_parse("{\"uniqueItems\":true}", 20, NULL, &sd, NULL), AILIB_OK);
    ASSERT_EQ(ailib_json_parse(b.p, b.len, NULL, &vd, NULL), AILIB_OK);
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(sd), ailib_json_doc_root(vd), &err), AILIB_INVALID_ARGUMENT);
    EXPECT_STR_EQ(err.message, "$: expected unique items, got items 1234 and 4321 equal");
    ailib_json_doc_destroy(vd);
    /* numbers compare by value: 2 and 2.0 are equal, wherever they are */
    ASSERT_EQ(ailib_json_parse("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,2.0,21]", 56, NULL, &vd, NULL), AILIB_OK);
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(sd), ailib_json_doc_root(vd), &err), AILIB_INVALID_ARGUMENT);
    EXPECT_STR_EQ(err.message, "$: expected unique items, got items 1 and 19 equal");
    ailib_json_doc_destroy(vd);
    ailib_json_doc_destroy(sd);
    free(b.p);
}

/* Items that cannot be told apart by hash (distinct integers that round to the same double)
   cost a comparison per pair: past the documented bound, AILIB_TOO_LARGE instead of minutes. */
TEST(schema_validation_work_is_bounded) {
    hb b = {0, 0, 0};
    ailib_json_doc *sd = NULL, *vd = NULL;
    ailib_error err;
    char item[40];
    int i;
    hb_str(&b, "[");
    for (i = 0; i < 4096; i++) {
        snprintf(item, sizeof item, "%s%lld", i ? "," : "", (long long)((1LL << 62) + i));
        hb_str(&b, item);
    }
    hb_str(&b, "]");
    ASSERT_EQ(ailib_json_parse("{\"type\":\"array\",\"uniqueItems\":true}", 35, NULL, &sd, NULL), AILIB_OK);
    ASSERT_EQ(ailib_json_parse(b.p, b.len, NULL, &vd, NULL), AILIB_OK);
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(sd), ailib_json_doc_root(vd), &err), AILIB_TOO_LARGE);
    EXPECT_EQ(err.code, AILIB_TOO_LARGE);
    EXPECT_TRUE(strstr(err.message, "validation gave up after") != NULL);
    EXPECT_STR_EQ(err.json_path, "$");
    EXPECT_EQ(ailib_schema_validate(ailib_json_doc_root(sd), ailib_json_doc_root(vd), NULL), AILIB_TOO_LARGE);
    ailib_json_doc_destroy(vd);
    ailib_json_doc_destroy(sd);
    free(b.p);
}

/* The Gemini rewrite inlines $ref: a definition used twice at each of 20 levels would be
   written 2^20 times. */
TEST(schema_gemini_rewrite_output_is_bounded) {
    hb b = {0, 0, 0};
    ailib_json_doc *sd = NULL;
    ailib_json_writer w;
    ailib_error err;
    char def[160];
    int i;
    hb_str(&b, "{\"$ref\":\"#/$defs/d0\",\"$defs\":{");
    for (i = 0; i < 20; i++) {
        snprintf(def, sizeof def, "\"d%d\":{\"type\":\"array\",\"prefixItems\":[{\"$ref\":\"#/$defs/d%d\"},{\"$ref\":\"#/$defs/d%d\"}]},",
                 i, i + 1, i + 1);
        hb_str(&b, def);
    }
    hb_str(&b, "\"d20\":{\"type\":\"string\"}}}");
    ASSERT_EQ(ailib_json_parse(b.p, b.len, NULL, &sd, NULL), AILIB_OK);
    ailib_json_writer_init(&w, NULL);
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_schema_to_gemini(ailib_json_doc_root(sd), &w, &err), AILIB_TOO_LARGE);
    EXPECT_TRUE(strstr(err.message, "$ref") != NULL);
    EXPECT_EQ(w.len, 0);
    EXPECT_EQ(w.error, AILIB_OK);
    ailib_json_writer_deinit(&w);
    ailib_json_doc_destroy(sd);
    free(b.p);
}

/* --- errors and streams ------------------------------------------------------------------------ */

/* An exchange that ended without a final status (0) and a non-JSON body: a typed error, not a
   NULL dereference. */
TEST(error_parse_status_zero_non_json_body) {
    ailib_endpoint ep;
    ailib_error err;
    ailib_result r;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("openai");
    ailib_error_clear(&err);
    r = ailib_wire_error_parse(&ep, 0, "<html>502 Bad Gateway</html>", 28, &err);
    EXPECT_NE(r, AILIB_OK);
    EXPECT_EQ(err.code, r);
    EXPECT_TRUE(strstr(err.provider_message, "502 Bad Gateway") != NULL);
    EXPECT_EQ(ailib_wire_error_parse(&ep, 0, "<html>", 6, NULL), r);
    EXPECT_NE(ailib_wire_error_parse(&ep, 101, "raw", 3, NULL), AILIB_OK);
}

/* A snapshot taken before the stream named its model reports the requested model, and the
   model the stream names afterwards still wins. */
TEST(stream_snapshot_does_not_pin_the_requested_model) {
    static const char c1[] = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n";
    static const char c2[] = "data: {\"id\":\"c1\",\"model\":\"gpt-real\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},"
                             "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    ailib_endpoint ep;
    ailib_stream_desc sd;
    ailib_stream *s;
    ailib_response *r;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("openai");
    memset(&sd, 0, sizeof sd);
    sd.model = "gpt-asked";
    s = ailib_stream_create(&ep, &sd, NULL);
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(ailib_stream_feed(s, c1, sizeof c1 - 1, NULL, NULL, NULL), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(ailib_stream_response(s)), "gpt-asked");
    EXPECT_EQ(ailib_stream_feed(s, c2, sizeof c2 - 1, NULL, NULL, NULL), AILIB_OK);
    EXPECT_EQ(ailib_stream_finish(s, NULL, NULL, NULL), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(ailib_stream_response(s)), "gpt-real");
    r = ailib_stream_take_response(s);
    EXPECT_STR_EQ(ailib_response_model(r), "gpt-real");
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello");
    ailib_response_destroy(r);
    ailib_stream_destroy(s);
}

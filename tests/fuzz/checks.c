/* checks.c - the fuzz targets' properties (see checks.h). Public API only.

   Input layouts (a leading "option" byte lets one input pick the protocol and flags, a "seed"
   byte picks how the body is cut into pieces; seeds/dictionaries in tests/fuzz/):
     json      the JSON text itself
     sse       [opt][seed] stream bytes         opt: bits 0-1 max_event, bit 2 stop after each event
     ndjson    [opt][seed] stream bytes         same, max_line
     stream    [opt][seed] body                 opt: bits 0-2 protocol, 3 <think> tags quirk, 4 body
                                                error-code quirk, 5 snapshots mid-stream
     response  [opt][status hi][status lo] body  opt as stream; bits 5-6: chat, embeddings, models;
                                                status is a signed 16-bit number (any status)
     error     [status: 4 bytes, big endian, signed][opt] body
     schema    schema JSON, a NUL byte, value JSON (no NUL: the schema is its own value)
     think     [opt][seed] content text         opt bit 0: Ollama NDJSON instead of OpenAI SSE
     engine    [opt][flags][status hi][status lo][seed] header lines, a blank line, body
                                                opt as stream, bit 5 streamed call, bit 6 tiny
                                                max_response_bytes; flags: bits 0-1 transport result,
                                                bit 2 no status reported, bit 3 done in its own poll
   The properties: no crash, leak or undefined behaviour (the sanitizers), the same result with
   and without an ailib_error, the same events and response for any chunking of a body, JSON
   write -> parse equality, sticky parser errors, and the per-target invariants below. */
#include "checks.h"
#include "../../ailib.h"
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- helpers ------------------------------------------------------------------------------- */

typedef struct fzb { char *p; size_t len, cap; } fzb;

static void fzb_add(fzb *b, const void *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *np;
        while (cap < b->len + n + 1) cap *= 2;
        np = (char *)realloc(b->p, cap);
        if (!np) abort();
        b->p = np;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void fzb_str(fzb *b, const char *s) { fzb_add(b, s, s ? strlen(s) : 0); }

static void fzb_fmt(fzb *b, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) fzb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A length-prefixed field, so that no content can fake a separator; line ends and
   backslashes escaped, so that a log stays one line per entry. */
static void fzb_field(fzb *b, const char *s, size_t n) {
    size_t i, from = 0;
    fzb_fmt(b, "%lu:", (unsigned long)n);
    for (i = 0; s && i < n; i++) {
        if (s[i] != '\n' && s[i] != '\\') continue;
        fzb_add(b, s + from, i - from);
        fzb_add(b, s[i] == '\n' ? "\\n" : "\\\\", 2);
        from = i + 1;
    }
    if (s) fzb_add(b, s + from, n - from);
    fzb_add(b, " ", 1);
}

static void fzb_free(fzb *b) { free(b->p); b->p = NULL; b->len = b->cap = 0; }

static int fzb_eq(const fzb *a, const fzb *b) { return a->len == b->len && (!a->len || memcmp(a->p, b->p, a->len) == 0); }

static char fz_why[1024], fz_why2[1024];

/* A failure text kept aside, so that a new one may quote it. */
static const char *fz_keep(const char *why) {
    if (why != fz_why2) snprintf(fz_why2, sizeof fz_why2, "%s", why);
    return fz_why2;
}

static const char *fz_fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fz_why, sizeof fz_why, fmt, ap);
    va_end(ap);
    return fz_why;
}

/* Where two logs first differ, for the failure text. */
static const char *fz_diff(const char *what, const fzb *a, const fzb *b) {
    size_t i = 0, n = a->len < b->len ? a->len : b->len, from;
    while (i < n && a->p[i] == b->p[i]) i++;
    from = i > 40 ? i - 40 : 0;
    return fz_fail("%s: logs differ at byte %lu: \"%.*s\" vs \"%.*s\"", what, (unsigned long)i,
                   (int)((a->len - from) < 120 ? a->len - from : 120), a->p ? a->p + from : "",
                   (int)((b->len - from) < 120 ? b->len - from : 120), b->p ? b->p + from : "");
}

static uint32_t fz_rng(uint32_t *s) {
    uint32_t x = *s ? *s : 0x9E3779B9u;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    *s = x;
    return x;
}

/* Pieces of a body: mode 0 whole, 1 one byte at a time, 2 random sizes up to a maximum the
   seed picks (so one seed byte moves every split point). */
typedef struct fz_cut { int mode; uint32_t st; size_t maxp; } fz_cut;

static fz_cut fz_cut_make(int mode, uint8_t seed) {
    static const size_t maxes[8] = { 1, 2, 3, 7, 16, 61, 500, 4096 };
    fz_cut c;
    c.mode = mode;
    c.st = 0x1000193u * (uint32_t)(seed + 1);
    c.maxp = maxes[seed & 7];
    return c;
}

static size_t fz_cut_next(fz_cut *c, size_t left) {
    size_t k;
    if (c->mode == 0) return left;
    if (c->mode == 1) return left ? 1 : 0;
    k = 1 + fz_rng(&c->st) % c->maxp;
    return k < left ? k : left;
}

/* --- JSON ------------------------------------------------------------------------------------ */

/* The length of the shortest of %.1g .. %.17g that reads back as v, counting the decimal
   point as one byte whatever the locale spells it. */
size_t fz_ref_double_len(double v) {
    int p;
    const char *dp = localeconv()->decimal_point;
    size_t dpl = dp && *dp ? strlen(dp) : 1;
    if (v != v || v == HUGE_VAL || v == -HUGE_VAL) return 0;
    for (p = 1; p <= 17; p++) {
        char buf[64], *end;
        int n = snprintf(buf, sizeof buf, "%.*g", p, v);
        if (n <= 0 || (size_t)n >= sizeof buf) continue;
        if (strtod(buf, &end) == v && *end == 0 && (v != 0 || signbit(strtod(buf, NULL)) == signbit(v))) {
            size_t best = (size_t)n - (dp && strstr(buf, dp) ? dpl - 1 : 0), q;
            /* a longer precision can drop the exponent ("36028797018963968" vs "3.602879701896397e+16") */
            for (q = (size_t)p + 1; q <= 17; q++) {
                size_t l;
                n = snprintf(buf, sizeof buf, "%.*g", (int)q, v);
                if (n <= 0 || (size_t)n >= sizeof buf) continue;
                l = (size_t)n - (dp && strstr(buf, dp) ? dpl - 1 : 0);
                if (l < best) best = l;
            }
            return best;
        }
    }
    return 0;
}

static uint64_t fz_bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

/* write_double: finite values round-trip bit for bit and are as short as the reference;
   non-finite ones are refused. */
static const char *fz_double(double v) {
    ailib_json_writer w;
    ailib_json_doc *d = NULL;
    const char *why = NULL;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_double(&w, v);
    if (v != v || v == HUGE_VAL || v == -HUGE_VAL) {
        if (ailib_json_writer_finish(&w) == AILIB_OK) why = fz_fail("write_double accepted a non-finite value");
    } else if (ailib_json_writer_finish(&w) != AILIB_OK) {
        why = fz_fail("write_double refused %.17g", v);
    } else if (ailib_json_parse(w.buf, w.len, NULL, &d, NULL) != AILIB_OK) {
        why = fz_fail("write_double wrote unreadable \"%s\" for %.17g", w.buf, v);
    } else if (fz_bits(ailib_json_double(ailib_json_doc_root(d))) != fz_bits(v) &&
               !(v == 0 && ailib_json_double(ailib_json_doc_root(d)) == 0 && signbit(v) == signbit(ailib_json_double(ailib_json_doc_root(d))))) {
        why = fz_fail("write_double: \"%s\" does not read back as %.17g", w.buf, v);
    } else if (w.len > fz_ref_double_len(v) && !(v == 0 && w.len <= 4)) {
        why = fz_fail("write_double: \"%s\" (%lu bytes) for %.17g, but %lu bytes suffice", w.buf, (unsigned long)w.len, v,
                      (unsigned long)fz_ref_double_len(v));
    }
    ailib_json_doc_destroy(d);
    ailib_json_writer_deinit(&w);
    return why;
}

/* Every real number of a tree through fz_double. */
static const char *fz_doubles_in(const ailib_json *v, int depth) {
    const ailib_json *c;
    size_t n;
    const char *why;
    if (depth > 100000) return NULL;
    if (ailib_json_type_of(v) == AILIB_JSON_REAL) return fz_double(ailib_json_double(v));
    if (ailib_json_is_array(v)) {
        for (n = ailib_json_size(v), c = ailib_json_first(v); n; n--, c = ailib_json_next(c))
            if ((why = fz_doubles_in(c, depth + 1)) != NULL) return why;
    } else if (ailib_json_is_object(v)) {
        for (n = ailib_json_size(v), c = ailib_json_first(v); n; n--, c = ailib_json_next(ailib_json_next(c)))
            if ((why = fz_doubles_in(ailib_json_next(c), depth + 1)) != NULL) return why;
    }
    return NULL;
}

/* write -> parse gives an equal tree, and writing that tree again gives the same text. */
static const char *fz_roundtrip(const ailib_json *root) {
    ailib_json_writer w, w2;
    ailib_json_doc *d = NULL;
    ailib_result r;
    const char *why = NULL;
    ailib_json_writer_init(&w, NULL);
    ailib_json_writer_init(&w2, NULL);
    ailib_json_write_value(&w, root);
    if ((r = ailib_json_writer_finish(&w)) != AILIB_OK) why = fz_fail("the writer refused a parsed tree: %s", ailib_result_name(r));
    else if ((r = ailib_json_parse(w.buf, w.len, NULL, &d, NULL)) != AILIB_OK)
        why = fz_fail("the written text does not parse (%s): %.200s", ailib_result_name(r), w.buf);
    else if (!ailib_json_equal(root, ailib_json_doc_root(d)))
        why = fz_fail("write -> parse gives a different tree: %.200s", w.buf);
    else if (!ailib_json_equal(ailib_json_doc_root(d), root))
        why = fz_fail("ailib_json_equal is not symmetric on %.200s", w.buf);
    else {
        ailib_json_write_value(&w2, ailib_json_doc_root(d));
        if (ailib_json_writer_finish(&w2) != AILIB_OK || w2.len != w.len || memcmp(w.buf, w2.buf, w.len) != 0)
            why = fz_fail("writing the re-parsed tree gives other text: %.200s vs %.200s", w.buf, w2.buf ? w2.buf : "");
    }
    ailib_json_doc_destroy(d);
    ailib_json_writer_deinit(&w);
    ailib_json_writer_deinit(&w2);
    return why;
}

/* When the whole input is one number, the reader's double is strtod's (correctly rounded in
   the C library): the same bits, and an overflow is refused rather than read as anything. */
static const char *fz_number_ref(const char *t, size_t n, const ailib_json *root) {
    char *buf;
    size_t i = 0, j;
    double ref, got;
    const char *why = NULL, *dp = localeconv()->decimal_point;
    if (!dp || strcmp(dp, ".") != 0 || ailib_json_type_of(root) != AILIB_JSON_REAL) return NULL;
    while (i < n && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) i++;
    for (j = i; j < n && ((t[j] >= '0' && t[j] <= '9') || t[j] == '-' || t[j] == '+' || t[j] == '.' || t[j] == 'e' || t[j] == 'E'); j++) {}
    if (j == i) return NULL;
    buf = (char *)malloc(j - i + 1);
    if (!buf) return NULL;
    memcpy(buf, t + i, j - i);
    buf[j - i] = 0;
    ref = strtod(buf, NULL);
    got = ailib_json_double(root);
    if (fz_bits(got) != fz_bits(ref))
        why = fz_fail("the number %.80s%s reads as %.17g, strtod says %.17g", buf, j - i > 80 ? "..." : "", got, ref);
    free(buf);
    return why;
}

/* The input as a program of writer calls (one byte an operation, some taking the next bytes):
   whatever the order, a writer that finishes AILIB_OK holds one valid JSON text, and one that
   failed stays failed. */
static const char *fz_writer_program(const uint8_t *d, size_t n) {
    ailib_json_writer w;
    size_t i = 0, k;
    ailib_result first = AILIB_OK, r;
    const char *why = NULL;
    ailib_json_writer_init(&w, NULL);
    while (i < n) {
        uint8_t op = d[i++];
        k = n - i < 8 ? n - i : 8;
        switch (op % 13) {
        case 0: ailib_json_write_object_begin(&w); break;
        case 1: ailib_json_write_object_end(&w); break;
        case 2: ailib_json_write_array_begin(&w); break;
        case 3: ailib_json_write_array_end(&w); break;
        case 4: ailib_json_write_keyn(&w, (const char *)d + i, k); i += k; break;
        case 5: ailib_json_write_stringn(&w, (const char *)d + i, k); i += k; break;
        case 6: { int64_t v = 0; memcpy(&v, d + i, k); ailib_json_write_int(&w, v); i += k; break; }
        case 7: { double v = 0; memcpy(&v, d + i, k); ailib_json_write_double(&w, v); i += k; break; }
        case 8: ailib_json_write_bool(&w, op & 16); break;
        case 9: ailib_json_write_null(&w); break;
        case 10: ailib_json_write_raw(&w, (const char *)d + i, k); i += k; break;
        case 11: ailib_json_write_key(&w, "k"); break;
        default: ailib_json_write_string(&w, op & 16 ? NULL : "s"); break;
        }
        if (first == AILIB_OK) first = w.error;
        else if (w.error != first) { why = fz_fail("the writer's sticky error changed from %s to %s", ailib_result_name(first), ailib_result_name(w.error)); break; }
    }
    if (!why && (r = ailib_json_writer_finish(&w)) == AILIB_OK) {
        ailib_json_doc *doc = NULL;
        if (first != AILIB_OK) why = fz_fail("the writer finished AILIB_OK after failing with %s", ailib_result_name(first));
        else if (ailib_json_parse(w.buf, w.len, NULL, &doc, NULL) != AILIB_OK) why = fz_fail("the writer finished AILIB_OK with invalid JSON: %.200s", w.buf);
        else if (strlen(w.buf) != w.len && !memchr(w.buf, 0, w.len)) why = fz_fail("the writer's output is not NUL-terminated");
        ailib_json_doc_destroy(doc);
    } else if (!why && first != AILIB_OK && r != first) {
        why = fz_fail("finish returned %s, not the sticky %s", ailib_result_name(r), ailib_result_name(first));
    }
    ailib_json_writer_deinit(&w);
    return why;
}

const char *fz_check_json(const uint8_t *data, size_t size) {
    const char *t = (const char *)data, *why = NULL;
    ailib_json_doc *a = NULL, *b = NULL, *l = NULL, *warm;
    ailib_json_parse_options lo;
    ailib_error err;
    ailib_result ra, rb, rw, rl;
    ailib_error_clear(&err);
    ra = ailib_json_parse(t, size, NULL, &a, &err);
    rb = ailib_json_parse(t, size, NULL, &b, NULL);
    if (ra != rb) { why = fz_fail("ailib_json_parse: %s with an error struct, %s without", ailib_result_name(ra), ailib_result_name(rb)); goto out; }
    if (ra != AILIB_OK && (err.code != ra || err.byte_pos > size || !err.message[0])) {
        why = fz_fail("ailib_json_parse: error struct says %s at %lu for result %s", ailib_result_name(err.code),
                      (unsigned long)err.byte_pos, ailib_result_name(ra));
        goto out;
    }
    if ((ra == AILIB_OK) != (a != NULL) || (ra == AILIB_OK && !ailib_json_doc_root(a))) { why = fz_fail("ailib_json_parse: result and document disagree"); goto out; }
    /* a warm document reparsed gives the same */
    warm = ailib_json_doc_create(NULL);
    if (!warm) abort();
    ailib_json_doc_reparse(warm, "[1,{\"a\":\"bcdefghijkl\"},2.5,\"\\u00e9\"]", 34, NULL);
    rw = ailib_json_doc_reparse(warm, t, size, NULL);
    if (rw != ra) why = fz_fail("ailib_json_doc_reparse: %s, ailib_json_parse: %s", ailib_result_name(rw), ailib_result_name(ra));
    else if (ra == AILIB_OK && !ailib_json_equal(ailib_json_doc_root(warm), ailib_json_doc_root(a))) why = fz_fail("reparse gives another tree");
    ailib_json_doc_destroy(warm);
    if (why) goto out;
    /* lone surrogates allowed: everything strict accepts, with the same tree */
    memset(&lo, 0, sizeof lo);
    lo.allow_lone_surrogates = 1;
    rl = ailib_json_parse(t, size, &lo, &l, NULL);
    if (ra == AILIB_OK && (rl != AILIB_OK || !ailib_json_equal(ailib_json_doc_root(a), ailib_json_doc_root(l)))) {
        why = fz_fail("allow_lone_surrogates changes a strict parse: %s", ailib_result_name(rl));
        goto out;
    }
    if (ra == AILIB_OK && (why = fz_roundtrip(ailib_json_doc_root(a))) != NULL) goto out;
    if (ra != AILIB_OK && rl == AILIB_OK && (why = fz_roundtrip(ailib_json_doc_root(l))) != NULL) goto out;
    if (ra == AILIB_OK && (why = fz_number_ref(t, size, ailib_json_doc_root(a))) != NULL) goto out;
    if (ra == AILIB_OK && (why = fz_doubles_in(ailib_json_doc_root(a), 0)) != NULL) goto out;
    if (size >= 8) {
        double v;
        memcpy(&v, data, 8);
        if ((why = fz_double(v)) != NULL) goto out;
    }
    why = fz_writer_program(data, size);
out:
    ailib_json_doc_destroy(a);
    ailib_json_doc_destroy(b);
    ailib_json_doc_destroy(l);
    return why;
}

/* --- SSE and NDJSON ------------------------------------------------------------------------ */

static const size_t fz_caps[4] = { 0, 24, 300, 5000 };

typedef struct fz_frun {
    fzb log;
    size_t max;
    int stop_each;         /* the callback stops after every event */
    int stopped;
    const char *bad;       /* an invariant broken inside the callback */
} fz_frun;

static int fz_on_sse(void *user, const ailib_sse_event *ev) {
    fz_frun *r = (fz_frun *)user;
    fzb_add(&r->log, "E ", 2);
    fzb_field(&r->log, ev->event, ev->event_len);
    fzb_field(&r->log, ev->data, ev->data_len);
    fzb_field(&r->log, ev->id, ev->id_len);
    fzb_fmt(&r->log, "%lld\n", (long long)ev->retry_ms);
    if (ev->data[ev->data_len] != 0 || ev->event[ev->event_len] != 0 || ev->id[ev->id_len] != 0) r->bad = "an SSE field is not NUL-terminated";
    if (r->max && ev->data_len + ev->event_len + ev->id_len > r->max) r->bad = "an SSE event is larger than max_event";
    if (r->stop_each) { r->stopped = 1; return 1; }
    return 0;
}

/* Feeds one piece, resuming after each stop the callback asks for. */
static ailib_result fz_sse_piece(ailib_sse_parser *p, const char *s, size_t n, fz_frun *r, ailib_error *err) {
    for (;;) {
        size_t base = p->pos;
        ailib_result rc = ailib_sse_feed(p, s, n, fz_on_sse, r, err);
        if (rc != AILIB_CANCELLED || !r->stopped || !err) return rc;
        r->stopped = 0;
        if (err->byte_pos < base || err->byte_pos > base + n) { r->bad = "a stopped SSE feed reports a position outside the piece"; return rc; }
        s += err->byte_pos - base;
        n -= err->byte_pos - base;
        if (!n) return AILIB_OK;
    }
}

/* One run of an SSE body: the event log, the first error (code and position) and what the
   parser says after it (the error again: it is sticky until the parser is finished). */
static void fz_sse_run(const char *body, size_t len, fz_cut cut, size_t max, int stop_each, int with_err, fz_frun *r) {
    ailib_sse_parser p;
    ailib_error err;
    size_t off = 0, k;
    ailib_result rc = AILIB_OK;
    memset(r, 0, sizeof *r);
    r->max = max;
    r->stop_each = stop_each && with_err;
    ailib_sse_init(&p, NULL);
    p.max_event = max;
    ailib_error_clear(&err);
    while (off < len) {
        k = fz_cut_next(&cut, len - off);
        rc = fz_sse_piece(&p, body + off, k, r, with_err ? &err : NULL);
        off += k;
        if (rc != AILIB_OK) break;
    }
    if (rc != AILIB_OK) {
        ailib_result again;
        size_t before;
        fzb_fmt(&r->log, "! %s", ailib_result_name(rc));
        if (with_err) fzb_fmt(&r->log, " at %lu: %s", (unsigned long)err.byte_pos, err.message);
        fzb_add(&r->log, "\n", 1);
        before = r->log.len;
        again = ailib_sse_feed(&p, off < len ? body + off : "\n\ndata: x\n\n", off < len ? len - off : 11, fz_on_sse, r, NULL);
        if (again != rc && !r->bad) r->bad = fz_fail("SSE failure not sticky: a feed after %s returned %s", ailib_result_name(rc), ailib_result_name(again));
        if (r->log.len != before && !r->bad) r->bad = "SSE: an event was delivered after a failure";
        rc = ailib_sse_finish(&p, fz_on_sse, r, NULL);
        fzb_fmt(&r->log, "finish %s\n", ailib_result_name(rc));
    } else {
        rc = ailib_sse_finish(&p, fz_on_sse, r, with_err ? &err : NULL);
        fzb_fmt(&r->log, "finish %s\n", ailib_result_name(rc));
    }
    /* after finish the parser takes a new stream */
    r->stop_each = 0;
    rc = ailib_sse_feed(&p, "data: next\n\n", 12, fz_on_sse, r, NULL);
    fzb_fmt(&r->log, "next %s\n", ailib_result_name(rc));
    ailib_sse_deinit(&p);
}

static const char *fz_compare_runs(const char *what, fz_frun *runs, size_t n) {
    size_t i;
    const char *why = NULL;
    for (i = 0; i < n && !why; i++) if (runs[i].bad) why = fz_fail("%s (run %lu)", fz_keep(runs[i].bad), (unsigned long)i);
    for (i = 1; i < n && !why; i++) {
        if (!fzb_eq(&runs[0].log, &runs[i].log)) {
            char name[64];
            snprintf(name, sizeof name, "%s: whole vs run %lu", what, (unsigned long)i);
            why = fz_diff(name, &runs[0].log, &runs[i].log);
        }
    }
    for (i = 0; i < n; i++) fzb_free(&runs[i].log);
    return why;
}

/* A log without the error details that only an error struct carries. */
static void fz_strip_details(fzb *b) {
    size_t i = 0, o = 0;
    while (i < b->len) {
        if (b->p[i] == '!' && (i == 0 || b->p[i - 1] == '\n')) {
            const char *at = strstr(b->p + i, " at ");
            const char *nl = (const char *)memchr(b->p + i, '\n', b->len - i);
            size_t stop = nl ? (size_t)(nl - b->p) : b->len;
            if (at && (size_t)(at - b->p) < stop) {
                size_t keep = (size_t)(at - b->p) - i;
                memmove(b->p + o, b->p + i, keep);
                o += keep;
                i = stop;
                continue;
            }
        }
        b->p[o++] = b->p[i++];
    }
    b->len = o;
    if (b->p) b->p[o] = 0;
}

const char *fz_check_sse(const uint8_t *data, size_t size) {
    fz_frun runs[5];
    const char *body;
    size_t len, max;
    uint8_t opt, seed;
    const char *why;
    if (size < 2) return NULL;
    opt = data[0]; seed = data[1];
    body = (const char *)data + 2; len = size - 2;
    max = fz_caps[opt & 3];
    fz_sse_run(body, len, fz_cut_make(0, seed), max, 0, 1, &runs[0]);
    fz_sse_run(body, len, fz_cut_make(1, seed), max, 0, 1, &runs[1]);
    fz_sse_run(body, len, fz_cut_make(2, seed), max, (opt >> 2) & 1, 1, &runs[2]);
    fz_sse_run(body, len, fz_cut_make(2, (uint8_t)(seed ^ 0x5A)), max, 1, 1, &runs[3]);
    if ((why = fz_compare_runs("SSE", runs, 4)) != NULL) return why;
    /* without an error struct: the same events and codes */
    fz_sse_run(body, len, fz_cut_make(0, seed), max, 0, 1, &runs[0]);
    fz_sse_run(body, len, fz_cut_make(2, seed), max, 0, 0, &runs[1]);
    fz_strip_details(&runs[0].log);
    return fz_compare_runs("SSE without an error struct", runs, 2);
}

static int fz_on_line(void *user, const char *line, size_t n) {
    fz_frun *r = (fz_frun *)user;
    fzb_add(&r->log, "L ", 2);
    fzb_field(&r->log, line, n);
    fzb_add(&r->log, "\n", 1);
    if (line[n] != 0) r->bad = "an NDJSON line is not NUL-terminated";
    if (r->max && n > r->max) r->bad = "an NDJSON line is longer than max_line";
    if (r->stop_each) { r->stopped = 1; return 1; }
    return 0;
}

static ailib_result fz_nd_piece(ailib_ndjson_parser *p, const char *s, size_t n, fz_frun *r, ailib_error *err) {
    for (;;) {
        size_t base = p->pos;
        ailib_result rc = ailib_ndjson_feed(p, s, n, fz_on_line, r, err);
        if (rc != AILIB_CANCELLED || !r->stopped || !err) return rc;
        r->stopped = 0;
        if (err->byte_pos < base || err->byte_pos > base + n) { r->bad = "a stopped NDJSON feed reports a position outside the piece"; return rc; }
        s += err->byte_pos - base;
        n -= err->byte_pos - base;
        if (!n) return AILIB_OK;
    }
}

static void fz_nd_run(const char *body, size_t len, fz_cut cut, size_t max, int stop_each, int with_err, fz_frun *r) {
    ailib_ndjson_parser p;
    ailib_error err;
    size_t off = 0, k;
    ailib_result rc = AILIB_OK;
    memset(r, 0, sizeof *r);
    r->max = max;
    r->stop_each = stop_each && with_err;
    ailib_ndjson_init(&p, NULL);
    p.max_line = max;
    ailib_error_clear(&err);
    while (off < len) {
        k = fz_cut_next(&cut, len - off);
        rc = fz_nd_piece(&p, body + off, k, r, with_err ? &err : NULL);
        off += k;
        if (rc != AILIB_OK) break;
    }
    if (rc != AILIB_OK) {
        ailib_result again;
        size_t before;
        fzb_fmt(&r->log, "! %s", ailib_result_name(rc));
        if (with_err) fzb_fmt(&r->log, " at %lu: %s", (unsigned long)err.byte_pos, err.message);
        fzb_add(&r->log, "\n", 1);
        before = r->log.len;
        again = ailib_ndjson_feed(&p, off < len ? body + off : "{}\n", off < len ? len - off : 3, fz_on_line, r, NULL);
        if (again != rc && !r->bad) r->bad = fz_fail("NDJSON failure not sticky: a feed after %s returned %s", ailib_result_name(rc), ailib_result_name(again));
        if (r->log.len != before && !r->bad) r->bad = "NDJSON: a line was delivered after a failure";
        rc = ailib_ndjson_finish(&p, fz_on_line, r, NULL);
        fzb_fmt(&r->log, "finish %s\n", ailib_result_name(rc));
    } else {
        r->stop_each = 0;
        rc = ailib_ndjson_finish(&p, fz_on_line, r, with_err ? &err : NULL);
        fzb_fmt(&r->log, "finish %s\n", ailib_result_name(rc));
    }
    r->stop_each = 0;
    rc = ailib_ndjson_feed(&p, "{\"next\":1}\n", 11, fz_on_line, r, NULL);
    fzb_fmt(&r->log, "next %s\n", ailib_result_name(rc));
    ailib_ndjson_deinit(&p);
}

const char *fz_check_ndjson(const uint8_t *data, size_t size) {
    fz_frun runs[4];
    const char *body, *why;
    size_t len, max;
    uint8_t opt, seed;
    if (size < 2) return NULL;
    opt = data[0]; seed = data[1];
    body = (const char *)data + 2; len = size - 2;
    max = fz_caps[opt & 3];
    fz_nd_run(body, len, fz_cut_make(0, seed), max, 0, 1, &runs[0]);
    fz_nd_run(body, len, fz_cut_make(1, seed), max, 0, 1, &runs[1]);
    fz_nd_run(body, len, fz_cut_make(2, seed), max, (opt >> 2) & 1, 1, &runs[2]);
    fz_nd_run(body, len, fz_cut_make(2, (uint8_t)(seed ^ 0x5A)), max, 1, 1, &runs[3]);
    if ((why = fz_compare_runs("NDJSON", runs, 4)) != NULL) return why;
    fz_nd_run(body, len, fz_cut_make(0, seed), max, 0, 1, &runs[0]);
    fz_nd_run(body, len, fz_cut_make(2, seed), max, 0, 0, &runs[1]);
    fz_strip_details(&runs[0].log);
    return fz_compare_runs("NDJSON without an error struct", runs, 2);
}

/* --- responses and stream decoders ------------------------------------------------------------ */

static void fz_provider(ailib_provider_info *p, uint8_t opt) {
    memset(p, 0, sizeof *p);
    p->name = "fuzz";
    p->protocol = (ailib_protocol)((opt & 7) % AILIB_PROTOCOL_COUNT);
    p->base_url = "http://127.0.0.1:9";
    p->auth = AILIB_AUTH_NONE;
    p->default_model = "fuzz-model";
    if (opt & 8) p->quirks |= AILIB_Q_THINK_TAGS;
    if (opt & 16) p->quirks |= AILIB_Q_BODY_ERROR_CODE;
}

static void fz_log_error(fzb *b, const ailib_error *e) {
    fzb_fmt(b, "err %s %d %d %lld %lu ", ailib_result_name(e->code), e->http_status, e->retryable,
            (long long)e->retry_after_ms, (unsigned long)e->byte_pos);
    fzb_field(b, e->message, strlen(e->message));
    fzb_field(b, e->provider_type, strlen(e->provider_type));
    fzb_field(b, e->provider_code, strlen(e->provider_code));
    fzb_field(b, e->provider_message, strlen(e->provider_message));
    fzb_field(b, e->request_id, strlen(e->request_id));
    fzb_add(b, "\n", 1);
}

/* An error struct's strings end inside their arrays, and a failure has a message. */
static const char *fz_error_sane(const ailib_error *e, ailib_result r) {
    if (memchr(e->message, 0, sizeof e->message) == NULL || memchr(e->provider_type, 0, sizeof e->provider_type) == NULL ||
        memchr(e->provider_code, 0, sizeof e->provider_code) == NULL ||
        memchr(e->provider_message, 0, sizeof e->provider_message) == NULL ||
        memchr(e->request_id, 0, sizeof e->request_id) == NULL || memchr(e->json_path, 0, sizeof e->json_path) == NULL)
        return fz_fail("an ailib_error string is not terminated");
    if (r != AILIB_OK && e->code != r) return fz_fail("result %s but err.code %s", ailib_result_name(r), ailib_result_name(e->code));
    if (r != AILIB_OK && !e->message[0]) return fz_fail("result %s with an empty err.message", ailib_result_name(r));
    return NULL;
}

static int fz_on_event(void *user, const ailib_event *e) {
    fzb *b = (fzb *)user;
    switch (e->type) {
    case AILIB_EVENT_TEXT_DELTA: fzb_str(b, "T "); fzb_field(b, e->text, e->text_len); break;
    case AILIB_EVENT_REASONING_DELTA: fzb_str(b, "R "); fzb_field(b, e->text, e->text_len); break;
    case AILIB_EVENT_TOOL_CALL_BEGIN:
        fzb_fmt(b, "B %lu ", (unsigned long)e->index); fzb_field(b, e->id, e->id_len); fzb_field(b, e->name, e->name_len); break;
    case AILIB_EVENT_TOOL_CALL_DELTA: fzb_fmt(b, "D %lu ", (unsigned long)e->index); fzb_field(b, e->text, e->text_len); break;
    case AILIB_EVENT_TOOL_CALL_END:
        fzb_fmt(b, "E %lu ", (unsigned long)e->index); fzb_field(b, e->id, e->id_len); fzb_field(b, e->name, e->name_len);
        fzb_field(b, e->text, e->text_len); break;
    case AILIB_EVENT_USAGE:
        fzb_fmt(b, "U %lld %lld %lld %lld %lld %lld %u", (long long)e->usage->input_tokens, (long long)e->usage->output_tokens,
                (long long)e->usage->total_tokens, (long long)e->usage->cached_input_tokens,
                (long long)e->usage->cache_write_tokens, (long long)e->usage->reasoning_tokens, (unsigned)e->usage->reported); break;
    case AILIB_EVENT_FINISH: fzb_fmt(b, "F %s ", ailib_finish_reason_name(e->finish_reason)); fzb_field(b, e->finish_raw, strlen(e->finish_raw)); break;
    case AILIB_EVENT_ERROR: fzb_str(b, "X "); fz_log_error(b, e->error); break;
    default: fzb_fmt(b, "? %d", (int)e->type); break;
    }
    fzb_add(b, "\n", 1);
    return 0;
}

/* A response, field by field, plus the invariants between its fields. */
static const char *fz_log_response(fzb *b, const ailib_response *r) {
    size_t n, i, tl, rl, calls = 0;
    const char *t = ailib_response_text(r, &tl), *rs = ailib_response_reasoning(r, &rl);
    const ailib_message *m = ailib_response_message(r);
    const ailib_usage *u = ailib_response_usage(r);
    fzb ct = {0, 0, 0}, cr = {0, 0, 0};
    const char *why = NULL;
    if (!r) { fzb_str(b, "no response\n"); return NULL; }
    fzb_str(b, "text "); fzb_field(b, t, tl);
    fzb_str(b, "\nreasoning "); fzb_field(b, rs, rl);
    fzb_fmt(b, "\nfinish %s ", ailib_finish_reason_name(ailib_response_finish_reason(r)));
    fzb_field(b, ailib_response_finish_reason_raw(r), strlen(ailib_response_finish_reason_raw(r)));
    fzb_str(b, "\nmodel "); fzb_field(b, ailib_response_model(r), strlen(ailib_response_model(r)));
    fzb_str(b, "\nid "); fzb_field(b, ailib_response_id(r), strlen(ailib_response_id(r)));
    fzb_fmt(b, "\nusage %lld %lld %lld %lld %lld %lld %u\n", (long long)u->input_tokens, (long long)u->output_tokens,
            (long long)u->total_tokens, (long long)u->cached_input_tokens, (long long)u->cache_write_tokens,
            (long long)u->reasoning_tokens, (unsigned)u->reported);
    n = ailib_response_tool_call_count(r);
    for (i = 0; i < n; i++) {
        const ailib_tool_call *c = ailib_response_tool_call(r, i);
        fzb_fmt(b, "call %lu ", (unsigned long)i);
        fzb_field(b, c->id, c->id_len); fzb_field(b, c->name, c->name_len); fzb_field(b, c->arguments, c->arguments_len);
        fzb_field(b, c->signature, c->signature_len);
        fzb_fmt(b, "%s\n", ailib_result_name(c->args_error));
        if (c->kind == AILIB_CALL_CUSTOM ? (c->args != NULL || c->args_error != AILIB_OK)    /* free-form input, not JSON */
                                         : (c->args != NULL) != (c->args_error == AILIB_OK))
            why = fz_fail("tool call %lu: args and args_error disagree", (unsigned long)i);
    }
    for (i = 0; i < m->part_count; i++) {
        const ailib_part *p = &m->parts[i];
        fzb_fmt(b, "part %d %d %d ", (int)p->type, p->is_error, p->origin);
        fzb_field(b, p->text, p->text_len); fzb_field(b, p->id, p->id_len); fzb_field(b, p->name, p->name_len);
        fzb_field(b, p->signature, p->signature_len);
        fzb_add(b, "\n", 1);
        if (p->type == AILIB_PART_TEXT) fzb_add(&ct, p->text, p->text_len);
        else if (p->type == AILIB_PART_THINKING) fzb_add(&cr, p->text, p->text_len);
        else if (p->type == AILIB_PART_TOOL_CALL) calls++;
    }
    if (ailib_response_error(r)) fz_log_error(b, ailib_response_error(r));
    if (!why && (ct.len != tl || (tl && memcmp(ct.p, t, tl) != 0))) why = fz_fail("response text is not its text parts joined");
    if (!why && (cr.len != rl || (rl && memcmp(cr.p, rs, rl) != 0))) why = fz_fail("response reasoning is not its thinking parts joined");
    if (!why && calls != n) why = fz_fail("%lu tool calls but %lu tool-call parts", (unsigned long)n, (unsigned long)calls);
    if (!why && (t[tl] != 0 || rs[rl] != 0)) why = fz_fail("response text or reasoning not NUL-terminated");
    fzb_free(&ct);
    fzb_free(&cr);
    return why;
}

typedef struct fz_srun { fzb log; const char *bad; } fz_srun;

/* One run of a stream body through ailib_stream_*: events, results (sticky after a failure)
   and the final response. */
static void fz_stream_run(ailib_stream *s, const char *body, size_t len, fz_cut cut, int with_err, int snapshots, fz_srun *out) {
    ailib_error err;
    size_t off = 0, k, pieces = 0;
    ailib_result rc = AILIB_OK;
    const ailib_response *r;
    fzb *b = &out->log;
    ailib_error_clear(&err);
    while (off < len) {
        k = fz_cut_next(&cut, len - off);
        rc = ailib_stream_feed(s, body + off, k, fz_on_event, b, with_err ? &err : NULL);
        off += k;
        pieces++;
        if (rc != AILIB_OK) break;
        if (snapshots && (pieces == 1 || (pieces & 15) == 0)) {
            r = ailib_stream_response(s);
            if (!r) { out->bad = "ailib_stream_response returned NULL mid-stream"; return; }
        }
    }
    if (rc != AILIB_OK) {
        ailib_result again;
        fzb_fmt(b, "! feed %s\n", ailib_result_name(rc));
        if (with_err) { const char *w = fz_error_sane(&err, rc); if (w) { out->bad = w; return; } fz_log_error(b, &err); }
        again = ailib_stream_feed(s, "data: {}\n\n", 10, fz_on_event, b, NULL);
        if (again != rc) { out->bad = fz_fail("stream feed after %s returned %s", ailib_result_name(rc), ailib_result_name(again)); return; }
    }
    ailib_error_clear(&err);
    rc = ailib_stream_finish(s, fz_on_event, b, with_err ? &err : NULL);
    fzb_fmt(b, "finish %s\n", ailib_result_name(rc));
    if (with_err && rc != AILIB_OK) { const char *w = fz_error_sane(&err, rc); if (w) { out->bad = w; return; } fz_log_error(b, &err); }
    r = ailib_stream_response(s);
    if (!r) { out->bad = "ailib_stream_response returned NULL"; return; }
    if ((out->bad = fz_log_response(b, r)) != NULL) return;
}

static const char *fz_compare_sruns(const char *what, fz_srun *runs, size_t n) {
    size_t i;
    const char *why = NULL;
    for (i = 0; i < n && !why; i++) if (runs[i].bad) why = fz_fail("%s, run %lu: %s", what, (unsigned long)i, fz_keep(runs[i].bad));
    for (i = 1; i < n && !why; i++)
        if (!fzb_eq(&runs[0].log, &runs[i].log)) {
            char name[80];
            snprintf(name, sizeof name, "%s: run 0 vs run %lu", what, (unsigned long)i);
            why = fz_diff(name, &runs[0].log, &runs[i].log);
        }
    for (i = 0; i < n; i++) fzb_free(&runs[i].log);
    return why;
}

/* Only the lines an error struct does not change: events without their error details. */
static void fz_keep_codes(fzb *b) {
    size_t i = 0, o = 0;
    while (i < b->len) {
        const char *nl = (const char *)memchr(b->p + i, '\n', b->len - i);
        size_t e = nl ? (size_t)(nl - b->p) + 1 : b->len;
        if (!(e - i >= 4 && memcmp(b->p + i, "err ", 4) == 0)) { memmove(b->p + o, b->p + i, e - i); o += e - i; }
        i = e;
    }
    b->len = o;
    if (b->p) b->p[o] = 0;
}

const char *fz_check_stream(const uint8_t *data, size_t size) {
    ailib_provider_info prov;
    ailib_endpoint ep;
    ailib_stream_desc sd;
    ailib_stream *s, *s2;
    fz_srun runs[4];
    const char *body, *why;
    size_t len;
    uint8_t opt, seed;
    if (size < 2) return NULL;
    opt = data[0]; seed = data[1];
    body = (const char *)data + 2; len = size - 2;
    fz_provider(&prov, opt);
    memset(&ep, 0, sizeof ep);
    ep.provider = &prov;
    memset(&sd, 0, sizeof sd);
    sd.model = "requested-model";
    memset(runs, 0, sizeof runs);
    s = ailib_stream_create(&ep, &sd, NULL);
    s2 = ailib_stream_create(&ep, &sd, NULL);
    if (!s || !s2) abort();
    fz_stream_run(s, body, len, fz_cut_make(0, seed), 1, 0, &runs[0]);
    ailib_stream_reset(s);                   /* the same decoder, reused */
    fz_stream_run(s, body, len, fz_cut_make(1, seed), 1, 0, &runs[1]);
    ailib_stream_reset(s);
    fz_stream_run(s, body, len, fz_cut_make(2, seed), 1, (opt >> 5) & 1, &runs[2]);
    fz_stream_run(s2, body, len, fz_cut_make(2, (uint8_t)(seed ^ 0xA5)), 1, 1, &runs[3]);
    why = fz_compare_sruns("stream", runs, 4);
    if (!why) {
        ailib_stream_reset(s);
        ailib_stream_reset(s2);
        memset(runs, 0, sizeof runs);
        fz_stream_run(s, body, len, fz_cut_make(2, seed), 1, 0, &runs[0]);
        fz_stream_run(s2, body, len, fz_cut_make(2, seed), 0, 0, &runs[1]);
        fz_keep_codes(&runs[0].log);
        fz_keep_codes(&runs[1].log);
        why = fz_compare_sruns("stream without an error struct", runs, 2);
    }
    if (!why) {
        /* a taken response is the one the stream showed */
        ailib_response *taken;
        fzb a = {0, 0, 0}, c = {0, 0, 0};
        const char *w1 = fz_log_response(&a, ailib_stream_response(s));
        taken = ailib_stream_take_response(s);
        if (!w1) w1 = fz_log_response(&c, taken);
        if (w1) why = w1;
        else if (!fzb_eq(&a, &c)) why = fz_diff("ailib_stream_take_response vs ailib_stream_response", &a, &c);
        ailib_response_destroy(taken);
        fzb_free(&a);
        fzb_free(&c);
    }
    ailib_stream_destroy(s);
    ailib_stream_destroy(s2);
    return why;
}

static const char *fz_embed_log(fzb *b, const ailib_embeddings *e) {
    size_t i, n = ailib_embeddings_count(e);
    const ailib_usage *u = ailib_embeddings_usage(e);
    fzb_fmt(b, "embeddings %lu ", (unsigned long)n);
    fzb_field(b, ailib_embeddings_model(e), strlen(ailib_embeddings_model(e)));
    fzb_fmt(b, " %lld %lld %u\n", (long long)u->input_tokens, (long long)u->total_tokens, (unsigned)u->reported);
    for (i = 0; i < n; i++) {
        size_t dims = 0, j;
        const float *v = ailib_embeddings_vector(e, i, &dims);
        fzb_fmt(b, "v %lu %lu", (unsigned long)i, (unsigned long)dims);
        if (!v && dims) return fz_fail("embedding %lu: no vector but %lu dimensions", (unsigned long)i, (unsigned long)dims);
        for (j = 0; v && j < dims; j++) fzb_fmt(b, " %.9g", (double)v[j]);
        fzb_add(b, "\n", 1);
    }
    return NULL;
}

static const char *fz_models_log(fzb *b, const ailib_model_list *l) {
    size_t i, n = ailib_model_list_count(l);
    for (i = 0; i < n; i++) {
        const ailib_model_entry *m = ailib_model_list_at(l, i);
        if (!m || !m->id || !m->owned_by) return fz_fail("model entry %lu incomplete", (unsigned long)i);
        fzb_str(b, "m ");
        fzb_field(b, m->id, strlen(m->id));
        fzb_field(b, m->owned_by, strlen(m->owned_by));
        fzb_fmt(b, "%lld %lld %u\n", (long long)m->context_window, (long long)m->max_output, (unsigned)m->caps);
    }
    return NULL;
}

/* One whole-body parse; the log holds the result, the error and what was parsed. */
static const char *fz_parse_once(const ailib_endpoint *ep, int which, int status, const char *body, size_t len, int with_err, fzb *b) {
    ailib_error err;
    ailib_result r;
    const char *why = NULL;
    ailib_error_clear(&err);
    if (which == 1) {
        ailib_embeddings *e = NULL;
        r = ailib_wire_embed_parse(ep, status, body, len, &e, with_err ? &err : NULL);
        fzb_fmt(b, "%s\n", ailib_result_name(r));
        if ((r == AILIB_OK) != (e != NULL)) why = fz_fail("ailib_wire_embed_parse: %s with%s a result", ailib_result_name(r), e ? "" : "out");
        else if (e) why = fz_embed_log(b, e);
        ailib_embeddings_destroy(e);
    } else if (which == 2) {
        ailib_model_list *l = NULL;
        r = ailib_wire_models_parse(ep, status, body, len, &l, with_err ? &err : NULL);
        fzb_fmt(b, "%s\n", ailib_result_name(r));
        if ((r == AILIB_OK) != (l != NULL)) why = fz_fail("ailib_wire_models_parse: %s with%s a result", ailib_result_name(r), l ? "" : "out");
        else if (l) why = fz_models_log(b, l);
        ailib_model_list_destroy(l);
    } else {
        ailib_response *resp = NULL;
        r = ailib_wire_response_parse(ep, status, body, len, &resp, with_err ? &err : NULL);
        fzb_fmt(b, "%s\n", ailib_result_name(r));
        if ((r == AILIB_OK) != (resp != NULL)) why = fz_fail("ailib_wire_response_parse: %s with%s a response", ailib_result_name(r), resp ? "" : "out");
        else if (resp) {
            why = fz_log_response(b, resp);
            if (!why && !ailib_response_raw(resp)) why = fz_fail("a whole response without its raw JSON");
        }
        ailib_response_destroy(resp);
    }
    if (!why && with_err) {
        why = fz_error_sane(&err, r);
        if (!why && r != AILIB_OK) fz_log_error(b, &err);
    }
    return why;
}

const char *fz_check_response(const uint8_t *data, size_t size) {
    ailib_provider_info prov;
    ailib_endpoint ep;
    fzb a = {0, 0, 0}, c = {0, 0, 0};
    const char *why, *body;
    int status, which;
    size_t len;
    if (size < 3) return NULL;
    fz_provider(&prov, data[0]);
    which = (data[0] >> 5) & 3;
    if (which == 3) which = 0;
    status = (int)(int16_t)(uint16_t)((data[1] << 8) | data[2]);
    body = (const char *)data + 3;
    len = size - 3;
    memset(&ep, 0, sizeof ep);
    ep.provider = &prov;
    why = fz_parse_once(&ep, which, status, body, len, 1, &a);
    if (!why) why = fz_parse_once(&ep, which, status, body, len, 0, &c);
    if (!why) {
        fz_keep_codes(&a);
        if (!fzb_eq(&a, &c)) why = fz_diff("the same body parsed with and without an error struct", &a, &c);
    }
    fzb_free(&a);
    fzb_free(&c);
    return why;
}

const char *fz_check_error(const uint8_t *data, size_t size) {
    ailib_provider_info prov;
    ailib_endpoint ep;
    ailib_error err;
    ailib_result r1, r2;
    const char *why;
    int status;
    if (size < 5) return NULL;
    status = (int)(int32_t)(((uint32_t)data[0] << 24) | ((uint32_t)data[1] << 16) | ((uint32_t)data[2] << 8) | data[3]);
    fz_provider(&prov, data[4]);
    memset(&ep, 0, sizeof ep);
    ep.provider = &prov;
    ailib_error_clear(&err);
    r1 = ailib_wire_error_parse(&ep, status, (const char *)data + 5, size - 5, &err);
    r2 = ailib_wire_error_parse(&ep, status, (const char *)data + 5, size - 5, NULL);
    if (r1 != r2) return fz_fail("ailib_wire_error_parse: %s with an error struct, %s without", ailib_result_name(r1), ailib_result_name(r2));
    if (r1 == AILIB_OK) return fz_fail("ailib_wire_error_parse returned AILIB_OK for status %d", status);
    if ((why = fz_error_sane(&err, r1)) != NULL) return why;
    if (err.http_status != status && !(status < 100 || status > 599))
        return fz_fail("err.http_status %d for status %d", err.http_status, status);
    /* the endpoint's NULL-tolerant form */
    r2 = ailib_wire_error_parse(NULL, status, (const char *)data + 5, size - 5, NULL);
    if (r2 == AILIB_OK) return fz_fail("ailib_wire_error_parse(NULL endpoint) returned AILIB_OK");
    return NULL;
}

/* --- schema ---------------------------------------------------------------------------------- */

static int fz_schema_code_ok(ailib_result r) {
    return r == AILIB_OK || r == AILIB_INVALID_ARGUMENT || r == AILIB_UNSUPPORTED || r == AILIB_JSON_DEPTH || r == AILIB_TOO_LARGE;
}

const char *fz_check_schema(const uint8_t *data, size_t size) {
    const char *t = (const char *)data, *nul = (const char *)memchr(data, 0, size), *why = NULL;
    ailib_json_doc *sd = NULL, *vd = NULL, *gd = NULL;
    const ailib_json *schema, *value;
    ailib_error err;
    ailib_result r1, r2, g1, g2;
    ailib_json_writer w, w2;
    size_t sl = nul ? (size_t)(nul - t) : size;
    if (ailib_json_parse(t, sl, NULL, &sd, NULL) != AILIB_OK) return NULL;
    if (nul && ailib_json_parse(nul + 1, size - sl - 1, NULL, &vd, NULL) != AILIB_OK) { ailib_json_doc_destroy(sd); return NULL; }
    schema = ailib_json_doc_root(sd);
    value = vd ? ailib_json_doc_root(vd) : schema;
    ailib_error_clear(&err);
    r1 = ailib_schema_validate(schema, value, &err);
    r2 = ailib_schema_validate(schema, value, NULL);
    if (r1 != r2) { why = fz_fail("ailib_schema_validate: %s with an error struct, %s without", ailib_result_name(r1), ailib_result_name(r2)); goto out; }
    if (!fz_schema_code_ok(r1)) { why = fz_fail("ailib_schema_validate returned %s", ailib_result_name(r1)); goto out; }
    if ((why = fz_error_sane(&err, r1)) != NULL) goto out;
    if (r1 == AILIB_INVALID_ARGUMENT && err.json_path[0] != '$' && !strstr(err.message, "invalid schema"))
        { why = fz_fail("a validation failure without a JSON path: %s", err.message); goto out; }
    /* the Gemini rewrite, inside an array so that a failure must leave the writer as it was */
    ailib_json_writer_init(&w, NULL);
    ailib_json_writer_init(&w2, NULL);
    ailib_json_write_array_begin(&w);
    ailib_json_write_array_begin(&w2);
    ailib_error_clear(&err);
    g1 = ailib_schema_to_gemini(schema, &w, &err);
    g2 = ailib_schema_to_gemini(schema, &w2, NULL);
    if (g1 != g2) why = fz_fail("ailib_schema_to_gemini: %s with an error struct, %s without", ailib_result_name(g1), ailib_result_name(g2));
    else if (!fz_schema_code_ok(g1) && g1 != AILIB_OUT_OF_MEMORY) why = fz_fail("ailib_schema_to_gemini returned %s", ailib_result_name(g1));
    else if (g1 != AILIB_OK) {
        if (w.len != 1 || w.error != AILIB_OK) why = fz_fail("a failed Gemini rewrite left %lu bytes / %s in the writer", (unsigned long)w.len, ailib_result_name(w.error));
        else if (!err.message[0] || err.code != g1) why = fz_fail("a failed Gemini rewrite without its error");
        if (!why) {
            ailib_json_write_null(&w);
            ailib_json_write_array_end(&w);
            if (ailib_json_writer_finish(&w) != AILIB_OK) why = fz_fail("the writer is unusable after a failed Gemini rewrite");
        }
    } else {
        ailib_json_write_array_end(&w);
        if (ailib_json_writer_finish(&w) != AILIB_OK) why = fz_fail("the Gemini rewrite left the writer unfinished");
        else if (ailib_json_parse(w.buf, w.len, NULL, &gd, NULL) != AILIB_OK) why = fz_fail("the Gemini rewrite does not re-parse: %.200s", w.buf);
        else {
            const ailib_json *g = ailib_json_at(ailib_json_doc_root(gd), 0);
            ailib_json_writer w3;
            ailib_result g3, v3;
            if (ailib_json_size(ailib_json_doc_root(gd)) != 1 || !ailib_json_is_object(g)) why = fz_fail("the Gemini rewrite is not one object: %.200s", w.buf);
            else {
                ailib_json_writer_init(&w3, NULL);
                g3 = ailib_schema_to_gemini(g, &w3, NULL);
                if (g3 != AILIB_OK && g3 != AILIB_TOO_LARGE) why = fz_fail("the Gemini rewrite of a Gemini rewrite fails: %s on %.200s", ailib_result_name(g3), w.buf);
                ailib_json_writer_deinit(&w3);
                v3 = ailib_schema_validate(g, value, NULL);
                if (!why && v3 != AILIB_OK && v3 != AILIB_INVALID_ARGUMENT && v3 != AILIB_TOO_LARGE)
                    why = fz_fail("validating against the Gemini rewrite gives %s", ailib_result_name(v3));
            }
        }
    }
    ailib_json_writer_deinit(&w);
    ailib_json_writer_deinit(&w2);
out:
    ailib_json_doc_destroy(sd);
    ailib_json_doc_destroy(vd);
    ailib_json_doc_destroy(gd);
    return why;
}

/* --- <think> tags -------------------------------------------------------------------------- */

/* What the split must be: the whole content scanned at once, outside and inside the tags. */
static void fz_think_ref(const char *s, size_t n, fzb *text, fzb *reasoning) {
    int inside = 0;
    size_t i = 0;
    while (i < n) {
        const char *tag = inside ? "</think>" : "<think>";
        size_t tl = inside ? 8 : 7, j;
        for (j = i; j + tl <= n && memcmp(s + j, tag, tl) != 0; j++) {}
        if (j + tl > n) j = n;
        fzb_add(inside ? reasoning : text, s + i, j - i);
        if (j == n) break;
        i = j + tl;
        inside = !inside;
    }
}

static int fz_on_think(void *user, const ailib_event *e) {
    fzb *b = (fzb *)user;
    if (e->type == AILIB_EVENT_TEXT_DELTA) fzb_add(&b[0], e->text, e->text_len);
    else if (e->type == AILIB_EVENT_REASONING_DELTA) fzb_add(&b[1], e->text, e->text_len);
    return 0;
}

/* Length of the UTF-8 sequence at s (1 for a byte that starts none). */
static size_t fz_utf8_len(const unsigned char *s, size_t n) {
    size_t k, i;
    if (s[0] < 0x80) return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) k = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) k = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) k = 4;
    else return 0;
    if (k > n) return 0;
    for (i = 1; i < k; i++) if ((s[i] & 0xC0) != 0x80) return 0;
    if (k == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F))) return 0;
    if (k == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))) return 0;
    return k;
}

const char *fz_check_think(const uint8_t *data, size_t size) {
    ailib_provider_info prov;
    ailib_endpoint ep;
    ailib_stream *s;
    fzb content = {0, 0, 0}, body = {0, 0, 0}, want_t = {0, 0, 0}, want_r = {0, 0, 0}, got[2];
    fz_cut cut;
    size_t i, off, tl, rl;
    const char *why = NULL, *t, *rs;
    int ollama;
    ailib_result r;
    if (size < 2) return NULL;
    ollama = data[0] & 1;
    /* valid UTF-8 content (the JSON strings carry it) */
    for (i = 2; i < size;) {
        size_t k = fz_utf8_len(data + i, size - i);
        if (!k) { fzb_add(&content, "?", 1); i++; continue; }
        fzb_add(&content, data + i, k);
        i += k;
    }
    cut = fz_cut_make(2, data[1]);
    for (off = 0; off < content.len;) {
        size_t k = fz_cut_next(&cut, content.len - off);
        ailib_json_writer w;
        while (off + k < content.len && ((unsigned char)content.p[off + k] & 0xC0) == 0x80) k++;   /* whole characters */
        ailib_json_writer_init(&w, NULL);
        ailib_json_write_stringn(&w, content.p + off, k);
        if (ailib_json_writer_finish(&w) != AILIB_OK) abort();
        if (ollama) { fzb_str(&body, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":"); fzb_add(&body, w.buf, w.len); fzb_str(&body, "},\"done\":false}\n"); }
        else { fzb_str(&body, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":"); fzb_add(&body, w.buf, w.len); fzb_str(&body, "}}]}\n\n"); }
        ailib_json_writer_deinit(&w);
        off += k;
    }
    if (ollama) fzb_str(&body, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}\n");
    else fzb_str(&body, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
    fz_think_ref(content.p ? content.p : "", content.len, &want_t, &want_r);
    memset(&prov, 0, sizeof prov);
    prov.name = "fuzz";
    prov.protocol = ollama ? AILIB_PROTOCOL_OLLAMA : AILIB_PROTOCOL_OPENAI_CHAT;
    prov.base_url = "http://127.0.0.1:9";
    prov.auth = AILIB_AUTH_NONE;
    prov.quirks = AILIB_Q_THINK_TAGS;
    memset(&ep, 0, sizeof ep);
    ep.provider = &prov;
    s = ailib_stream_create(&ep, NULL, NULL);
    if (!s) abort();
    memset(got, 0, sizeof got);
    r = ailib_stream_feed(s, body.p ? body.p : "", body.len, fz_on_think, got, NULL);
    if (r == AILIB_OK) r = ailib_stream_finish(s, fz_on_think, got, NULL);
    t = ailib_response_text(ailib_stream_response(s), &tl);
    rs = ailib_response_reasoning(ailib_stream_response(s), &rl);
    if (r != AILIB_OK) why = fz_fail("the <think> stream failed: %s", ailib_result_name(r));
    else if (tl != want_t.len || (tl && memcmp(t, want_t.p, tl) != 0)) why = fz_fail("<think> split: text \"%.100s\", want \"%.100s\"", t, want_t.p ? want_t.p : "");
    else if (rl != want_r.len || (rl && memcmp(rs, want_r.p, rl) != 0)) why = fz_fail("<think> split: reasoning \"%.100s\", want \"%.100s\"", rs, want_r.p ? want_r.p : "");
    else if (!fzb_eq(&got[0], &want_t) || !fzb_eq(&got[1], &want_r)) why = fz_fail("<think> split: the deltas do not add up to the response");
    ailib_stream_destroy(s);
    fzb_free(&content); fzb_free(&body); fzb_free(&want_t); fzb_free(&want_r); fzb_free(&got[0]); fzb_free(&got[1]);
    return why;
}

/* --- the engine over a scripted transport ---------------------------------------------------- */

typedef struct fz_script {
    int status, report_status;
    ailib_result done_result;
    int done_alone;               /* on_done comes in a poll of its own */
    const char *hdrs; size_t hdrs_len;
    const char *body; size_t body_len;
    fz_cut cut;
} fz_script;

typedef struct fz_xfer {
    const ailib_http_callbacks *cb;
    void *ctx;
    int stage;                    /* 0 headers, 1 body, 2 done pending, 3 done */
    size_t off;
    int aborted;
} fz_xfer;

typedef struct fz_tp { fz_script sc; fz_xfer *x; int started; } fz_tp;

static void *fz_tp_create(void *user, const ailib_transport_config *cfg, ailib_error *err) {
    fz_tp *t = (fz_tp *)calloc(1, sizeof *t);
    (void)cfg; (void)err;
    if (!t) abort();
    t->sc = *(const fz_script *)user;
    return t;
}

static void fz_tp_destroy(void *tp) { fz_tp *t = (fz_tp *)tp; free(t->x); free(t); }

static ailib_result fz_tp_start(void *tp, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx,
                                void **handle, ailib_error *err) {
    fz_tp *t = (fz_tp *)tp;
    (void)req; (void)err;
    if (t->x) abort();   /* max_retries is -1: one exchange per call */
    t->x = (fz_xfer *)calloc(1, sizeof *t->x);
    if (!t->x) abort();
    t->x->cb = cb;
    t->x->ctx = ctx;
    t->started++;
    *handle = t->x;
    return AILIB_OK;
}

static void fz_tp_done(fz_xfer *x, ailib_result r, const char *msg) {
    if (x->stage == 3) return;
    x->stage = 3;
    x->cb->on_done(x->ctx, r, msg);
}

/* Each poll delivers the next step of the script: headers, then one body piece per poll. */
static ailib_result fz_tp_poll(void *tp, int timeout_ms) {
    fz_tp *t = (fz_tp *)tp;
    fz_xfer *x = t->x;
    (void)timeout_ms;
    if (!x || x->stage == 3) return AILIB_OK;
    if (x->stage == 0) {
        size_t i = 0;
        while (i < t->sc.hdrs_len) {
            const char *line = t->sc.hdrs + i, *nl = (const char *)memchr(line, '\n', t->sc.hdrs_len - i);
            size_t ll = nl ? (size_t)(nl - line) : t->sc.hdrs_len - i, c;
            for (c = 0; c < ll && line[c] != ':'; c++) {}
            if (c < ll) {
                size_t v = c + 1;
                while (v < ll && line[v] == ' ') v++;
                x->cb->on_header(x->ctx, line, c, line + v, ll - v);
            }
            i += ll + 1;
        }
        if (t->sc.report_status) x->cb->on_status(x->ctx, t->sc.status);
        x->stage = 1;
    }
    if (x->stage == 1) {
        if (x->off < t->sc.body_len) {
            size_t k = fz_cut_next(&t->sc.cut, t->sc.body_len - x->off);
            if (x->cb->on_body(x->ctx, t->sc.body + x->off, k)) { fz_tp_done(x, AILIB_CANCELLED, "body aborted by the callback"); return AILIB_OK; }
            x->off += k;
            if (x->off < t->sc.body_len) return AILIB_OK;
        }
        x->stage = 2;
        if (t->sc.done_alone) return AILIB_OK;
    }
    fz_tp_done(x, t->sc.done_result, t->sc.done_result == AILIB_OK ? "" : "scripted transport failure");
    return AILIB_OK;
}

static void fz_tp_cancel(void *tp, void *h) { (void)tp; fz_tp_done((fz_xfer *)h, AILIB_CANCELLED, "cancelled"); }
static void fz_tp_wakeup(void *tp) { (void)tp; }
static void fz_tp_release(void *tp, void *h) { (void)tp; (void)h; }

static const char *fz_engine_run(const ailib_provider_info *prov, const fz_script *sc, int stream, size_t max_body, int queue, fzb *b) {
    ailib_transport tp = { fz_tp_create, fz_tp_destroy, fz_tp_start, fz_tp_poll, fz_tp_cancel, fz_tp_wakeup, fz_tp_release, NULL };
    ailib_client_desc cd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req;
    ailib_response *resp = NULL;
    ailib_error err;
    ailib_result r;
    const char *why = NULL;
    tp.user = (void *)sc;
    memset(&cd, 0, sizeof cd);
    cd.provider_info = prov;
    cd.model = "fuzz-model";
    cd.transport = &tp;
    cd.max_retries = -1;
    cd.max_response_bytes = max_body;
    cd.timeout_ms = 3600 * 1000;
    ailib_error_clear(&err);
    c = ailib_client_create(&cd, &err);
    if (!c) return fz_fail("ailib_client_create failed: %s", err.message);
    memset(&msg, 0, sizeof msg);
    msg.role = AILIB_ROLE_USER;
    msg.text = "hi";
    memset(&req, 0, sizeof req);
    req.messages = &msg;
    req.message_count = 1;
    if (!queue) {
        r = stream ? ailib_chat_stream(c, &req, fz_on_event, b, &resp, &err) : ailib_chat(c, &req, &resp, &err);
    } else {
        ailib_call *call = NULL;
        ailib_call_desc d;
        ailib_event ev;
        int polls = 0;
        memset(&d, 0, sizeof d);
        d.stream = stream;
        r = ailib_chat_start(c, &req, &d, &call, &err);
        if (r == AILIB_OK) {
            while (!ailib_call_done(call)) {
                if (++polls > 10000000) abort();
                ailib_client_poll(c, 0);
                while (ailib_call_next_event(call, &ev) == AILIB_OK) fz_on_event(b, &ev);
            }
            r = ailib_call_finish(call, &resp, &err);
        }
    }
    fzb_fmt(b, "result %s\n", ailib_result_name(r));
    if ((why = fz_error_sane(&err, r)) == NULL) {
        if (r != AILIB_OK) fz_log_error(b, &err);
        if (resp) why = fz_log_response(b, resp);
        else fzb_str(b, "no response\n");
        if (!why && r == AILIB_OK && !resp) why = fz_fail("AILIB_OK without a response");
    }
    if (!why && ailib_client_active_calls(c) != 0) why = fz_fail("a finished call is still counted active");
    ailib_response_destroy(resp);
    ailib_client_destroy(c);
    return why;
}

const char *fz_check_engine(const uint8_t *data, size_t size) {
    static const ailib_result results[4] = { AILIB_OK, AILIB_NETWORK, AILIB_TIMEOUT, AILIB_CANCELLED };
    ailib_provider_info prov;
    fz_script sc;
    fzb a = {0, 0, 0}, b = {0, 0, 0}, q = {0, 0, 0};
    const char *rest, *sep, *why;
    size_t rl, max_body;
    int stream;
    if (size < 5) return NULL;
    fz_provider(&prov, data[0]);
    stream = (data[0] >> 5) & 1;
    max_body = (data[0] & 64) ? 64 : 0;
    memset(&sc, 0, sizeof sc);
    sc.done_result = results[data[1] & 3];
    sc.report_status = !(data[1] & 4);
    sc.done_alone = (data[1] >> 3) & 1;
    sc.status = (int)(int16_t)(uint16_t)((data[2] << 8) | data[3]);
    rest = (const char *)data + 5;
    rl = size - 5;
    sep = NULL;
    {
        size_t i;
        for (i = 0; i + 1 < rl; i++) if (rest[i] == '\n' && rest[i + 1] == '\n') { sep = rest + i; break; }
    }
    if (sep) { sc.hdrs = rest; sc.hdrs_len = (size_t)(sep - rest) + 1; sc.body = sep + 2; sc.body_len = rl - (size_t)(sep - rest) - 2; }
    else { sc.hdrs = ""; sc.hdrs_len = 0; sc.body = rest; sc.body_len = rl; }
    sc.cut = fz_cut_make(0, data[4]);
    why = fz_engine_run(&prov, &sc, stream, max_body, 0, &a);
    if (!why) {
        sc.cut = fz_cut_make(2, data[4]);
        why = fz_engine_run(&prov, &sc, stream, max_body, 0, &b);
        if (!why && !fzb_eq(&a, &b)) why = fz_diff("engine: body whole vs in pieces", &a, &b);
    }
    if (!why) {
        sc.cut = fz_cut_make(2, (uint8_t)(data[4] ^ 0x3C));
        why = fz_engine_run(&prov, &sc, stream, max_body, 1, &q);
        if (!why && !fzb_eq(&a, &q)) why = fz_diff("engine: callback vs queued events", &a, &q);
    }
    fzb_free(&a);
    fzb_free(&b);
    fzb_free(&q);
    return why;
}

const fz_target fz_targets[] = {
    { "json", fz_check_json },
    { "sse", fz_check_sse },
    { "ndjson", fz_check_ndjson },
    { "stream", fz_check_stream },
    { "response", fz_check_response },
    { "error", fz_check_error },
    { "schema", fz_check_schema },
    { "think", fz_check_think },
    { "engine", fz_check_engine },
    { NULL, NULL }
};

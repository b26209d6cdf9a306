/* test_json.c - the JSON reader and writer (>>json).

   What strict RFC 8259 accepts and rejects, with the exact result code and, for simple cases,
   the exact byte position; UTF-8 (RFC 3629) and \u handling; numbers (int64 exactness,
   correctly rounded doubles, bit-exact write/parse round trips, locale independence); the
   nesting limit; the DOM accessors; the writer and its sticky error; allocator accounting.

   Every input is parsed from an exact-length heap copy with no terminator that is scribbled
   over and freed right after the call: an overread, or a value pointing into the caller's
   text (the document must copy it), shows up under ASan and valgrind. The case tables are
   our own, in the spirit of the y_/n_ suites: JT_Y must parse, JT_N must fail with
   AILIB_JSON_SYNTAX, JT_U with AILIB_JSON_UTF8. */
#include "test.h"
#include "../ailib.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>

/* ---- helpers --------------------------------------------------------------------------- */

#define JT_LEN(lit) (sizeof(lit) - 1)
#define JT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Printable form of an input for failure messages: \xNN outside 0x20..0x7E, cut at ~200. */
static const char *jt_show(const char *s, size_t n) {
    static char buf[256];
    size_t i, o = 0;
    for (i = 0; i < n && o + 8 < sizeof buf; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\\') buf[o++] = (char)c;
        else o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02X", c);
    }
    if (i < n) { buf[o++] = '.'; buf[o++] = '.'; buf[o++] = '.'; }
    buf[o] = 0;
    return buf;
}

/* Parses len bytes from a heap copy without terminator; the copy is destroyed after the call. */
static ailib_result jt_parse(const char *text, size_t len, const ailib_json_parse_options *opt,
                             ailib_json_doc **out, ailib_error *err) {
    char *copy = (char *)malloc(len ? len : 1);
    ailib_result r;
    if (!copy) return AILIB_OUT_OF_MEMORY;
    if (len) memcpy(copy, text, len);
    if (err) ailib_error_clear(err);
    *out = NULL;
    r = ailib_json_parse(copy, len, opt, out, err);
    memset(copy, 0xAA, len ? len : 1);
    free(copy);
    return r;
}

/* A document from a text that must be valid; NULL (and a recorded failure) otherwise. */
static ailib_json_doc *jt_doc_at(const char *file, int line, const char *text, size_t len) {
    ailib_json_doc *d = NULL;
    ailib_error err;
    ailib_result r = jt_parse(text, len, NULL, &d, &err);
    if (r != AILIB_OK || !d || !ailib_json_doc_root(d)) {
        ailib_test_fail(file, line, "parse of \"%s\" failed: %s at byte %zu (%s)", jt_show(text, len),
                        ailib_result_name(r), err.byte_pos, err.message);
        if (r == AILIB_OK && d) ailib_json_doc_destroy(d);
        return NULL;
    }
    return d;
}
#define JT_DOC(lit) jt_doc_at(__FILE__, __LINE__, (lit), JT_LEN(lit))
#define JT_DOCN(p, n) jt_doc_at(__FILE__, __LINE__, (p), (n))
#define JT_ROOT(d) ailib_json_doc_root(d)

typedef struct jt_case {
    const char *text;
    size_t len;
    ailib_result code;
} jt_case;
#define JT_Y(s) { s, JT_LEN(s), AILIB_OK }
#define JT_N(s) { s, JT_LEN(s), AILIB_JSON_SYNTAX }
#define JT_U(s) { s, JT_LEN(s), AILIB_JSON_UTF8 }

/* Runs a table: each case must give exactly its code; a failure leaves no document behind and
   fills err->code; a success has a root. */
static void jt_run_cases(const char *file, int line, const jt_case *c, size_t n,
                         const ailib_json_parse_options *opt) {
    size_t i;
    for (i = 0; i < n; i++) {
        ailib_json_doc *d = NULL;
        ailib_error err;
        ailib_result r = jt_parse(c[i].text, c[i].len, opt, &d, &err);
        if (r != c[i].code) {
            ailib_test_fail(file, line, "case %zu \"%s\": want %s, got %s (byte %zu)", i,
                            jt_show(c[i].text, c[i].len), ailib_result_name(c[i].code),
                            ailib_result_name(r), err.byte_pos);
        } else if (r == AILIB_OK && (!d || !ailib_json_doc_root(d))) {
            ailib_test_fail(file, line, "case %zu \"%s\": OK without a root", i, jt_show(c[i].text, c[i].len));
        } else if (r != AILIB_OK && (d != NULL || err.code != r)) {
            ailib_test_fail(file, line, "case %zu \"%s\": failure left doc=%p err.code=%s", i,
                            jt_show(c[i].text, c[i].len), (void *)d, ailib_result_name(err.code));
        }
        if (r == AILIB_OK && d) ailib_json_doc_destroy(d);
    }
}
#define JT_RUN(table, opt) jt_run_cases(__FILE__, __LINE__, (table), JT_COUNT(table), (opt))

/* Result code and byte position of parsing a text. */
static ailib_result jt_code(const char *text, size_t len, const ailib_json_parse_options *opt, size_t *pos) {
    ailib_json_doc *d = NULL;
    ailib_error err;
    ailib_result r = jt_parse(text, len, opt, &d, &err);
    if (pos) *pos = err.byte_pos;
    if (r == AILIB_OK && d) ailib_json_doc_destroy(d);
    return r;
}

#define JT_CODE(lit, opt, pos) jt_code((lit), JT_LEN(lit), (opt), (pos))

/* A string root's bytes must be exactly want[0..want_len) and NUL-terminated after them. */
static void jt_expect_str_at(const char *file, int line, const ailib_json *v, const char *want, size_t want_len) {
    size_t len = 12345;
    const char *s = ailib_json_str(v, &len);
    if (!s) { ailib_test_fail(file, line, "not a string (want \"%s\")", jt_show(want, want_len)); return; }
    if (len != want_len || memcmp(s, want, len) != 0) {
        char got[256];
        snprintf(got, sizeof got, "%s", jt_show(s, len));
        ailib_test_fail(file, line, "string \"%s\" (len %zu), want \"%s\" (len %zu)", got, len,
                        jt_show(want, want_len), want_len);
    } else if (s[len] != 0) {
        ailib_test_fail(file, line, "string \"%s\" is not NUL-terminated after its length", jt_show(want, want_len));
    }
}
#define JT_EXPECT_STR(v, lit) jt_expect_str_at(__FILE__, __LINE__, (v), (lit), JT_LEN(lit))

/* Parses text whose root is a string and checks its decoded bytes. */
static void jt_expect_decodes_at(const char *file, int line, const char *text, size_t len,
                                 const ailib_json_parse_options *opt, const char *want, size_t want_len) {
    ailib_json_doc *d = NULL;
    ailib_error err;
    ailib_result r = jt_parse(text, len, opt, &d, &err);
    if (r != AILIB_OK) {
        ailib_test_fail(file, line, "\"%s\" did not parse: %s at byte %zu", jt_show(text, len),
                        ailib_result_name(r), err.byte_pos);
        return;
    }
    jt_expect_str_at(file, line, ailib_json_doc_root(d), want, want_len);
    ailib_json_doc_destroy(d);
}
#define JT_DECODES(text, want) jt_expect_decodes_at(__FILE__, __LINE__, (text), JT_LEN(text), NULL, (want), JT_LEN(want))
#define JT_DECODES_OPT(text, opt, want) \
    jt_expect_decodes_at(__FILE__, __LINE__, (text), JT_LEN(text), (opt), (want), JT_LEN(want))

/* Fixed-seed xorshift64: the same pseudo-random inputs on every run. */
static uint64_t jt_rand(uint64_t *s) {
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static uint64_t jt_bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }
static double jt_from_bits(uint64_t u) { double d; memcpy(&d, &u, sizeof d); return d; }

/* n copies of open, then mid, then n copies of close (malloc'd; *len set). */
static char *jt_nest(size_t n, const char *open, const char *mid, const char *close, size_t *len) {
    size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close), i, p = 0;
    char *s = (char *)malloc(n * (lo + lc) + lm + 1);
    if (!s) return NULL;
    for (i = 0; i < n; i++) { memcpy(s + p, open, lo); p += lo; }
    memcpy(s + p, mid, lm); p += lm;
    for (i = 0; i < n; i++) { memcpy(s + p, close, lc); p += lc; }
    s[p] = 0;
    *len = p;
    return s;
}

/* The double a one-number text parses to, or NaN when it does not parse as a number. */
static double jt_parse_double(const char *text, size_t len, ailib_json_type *type) {
    ailib_json_doc *d = NULL;
    double v = NAN;
    if (jt_parse(text, len, NULL, &d, NULL) == AILIB_OK) {
        const ailib_json *root = ailib_json_doc_root(d);
        if (type) *type = ailib_json_type_of(root);
        if (ailib_json_is_number(root)) v = ailib_json_double(root);
        ailib_json_doc_destroy(d);
    }
    return v;
}

/* Significant digits of a number's text (mantissa digits minus leading and trailing zeros). */
static int jt_sig_digits(const char *s, size_t n) {
    size_t i;
    int pos = 0, first = -1, last = -1;
    for (i = 0; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] < '0' || s[i] > '9') continue;
        if (s[i] != '0') { if (first < 0) first = pos; last = pos; }
        pos++;
    }
    return first < 0 ? 0 : last - first + 1;
}

/* Fewest significant digits that %.*e needs to round-trip d (the C library is the oracle). */
static int jt_min_digits(double d) {
    char buf[64];
    int p;
    for (p = 1; p < 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, d);
        if (strtod(buf, NULL) == d) return p;
    }
    return 17;
}

/* ---- counting allocator ------------------------------------------------------------------ */

typedef struct jt_block { void *p; size_t n; } jt_block;
typedef struct jt_alloc {
    jt_block *blocks;
    size_t count, cap;
    size_t mallocs, reallocs, frees;
    size_t bad;          /* realloc/free of an unknown pointer, or a wrong old size */
    long fail_after;     /* -1: never fail; else allocations (malloc + realloc) that succeed */
} jt_alloc;

static long jt_find(jt_alloc *a, void *p) {
    size_t i;
    for (i = 0; i < a->count; i++) if (a->blocks[i].p == p) return (long)i;
    return -1;
}

static int jt_may_allocate(jt_alloc *a) {
    if (a->fail_after < 0) return 1;
    if (a->fail_after == 0) return 0;
    a->fail_after--;
    return 1;
}

static void *jt_malloc(void *ctx, size_t n) {
    jt_alloc *a = (jt_alloc *)ctx;
    void *p;
    a->mallocs++;
    if (!jt_may_allocate(a)) return NULL;
    p = malloc(n ? n : 1);
    if (!p) return NULL;
    if (a->count == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 64;
        jt_block *nb = (jt_block *)realloc(a->blocks, nc * sizeof *nb);
        if (!nb) { free(p); return NULL; }
        a->blocks = nb;
        a->cap = nc;
    }
    a->blocks[a->count].p = p;
    a->blocks[a->count].n = n;
    a->count++;
    return p;
}

static void *jt_realloc(void *ctx, void *p, size_t old_n, size_t n) {
    jt_alloc *a = (jt_alloc *)ctx;
    long i;
    void *q;
    if (!p) return jt_malloc(ctx, n);
    a->reallocs++;
    i = jt_find(a, p);
    if (i < 0) { a->bad++; return NULL; }
    if (a->blocks[i].n != old_n) a->bad++;
    if (!jt_may_allocate(a)) return NULL;
    q = realloc(p, n ? n : 1);
    if (!q) return NULL;
    a->blocks[i].p = q;
    a->blocks[i].n = n;
    return q;
}

static void jt_free(void *ctx, void *p) {
    jt_alloc *a = (jt_alloc *)ctx;
    long i;
    if (!p) return;
    a->frees++;
    i = jt_find(a, p);
    if (i < 0) { a->bad++; return; }
    free(p);
    a->blocks[i] = a->blocks[a->count - 1];
    a->count--;
}

static ailib_allocator jt_alloc_init(jt_alloc *a) {
    ailib_allocator al;
    memset(a, 0, sizeof *a);
    a->fail_after = -1;
    al.malloc_fn = jt_malloc;
    al.realloc_fn = jt_realloc;
    al.free_fn = jt_free;
    al.ctx = a;
    return al;
}

static void jt_alloc_done(jt_alloc *a) { free(a->blocks); a->blocks = NULL; a->count = a->cap = 0; }

/* ---- case tables: acceptance ------------------------------------------------------------ */

static const jt_case jt_accept[] = {
    JT_Y("null"), JT_Y("true"), JT_Y("false"),
    JT_Y("0"), JT_Y("-0"), JT_Y("1"), JT_Y("-1"), JT_Y("123456789"), JT_Y("0.0"), JT_Y("-0.0"),
    JT_Y("0.5"), JT_Y("1.5e10"), JT_Y("1.5E10"), JT_Y("1e+2"), JT_Y("1e-2"), JT_Y("1E+0"),
    JT_Y("0e0"), JT_Y("0E-0"), JT_Y("-1.25e-3"), JT_Y("1e308"), JT_Y("4.9e-324"), JT_Y("10"),
    JT_Y("100e-2"), JT_Y("1e0001"),
    JT_Y("\"\""), JT_Y("\"a\""), JT_Y("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), JT_Y("\"\\u0041\""),
    JT_Y("\"\\u00e9\""), JT_Y("\"\\u00E9\""), JT_Y("\"\\uD83D\\uDE00\""), JT_Y("\"\\ud83d\\ude00\""),
    JT_Y("\"\\u0000\""), JT_Y("\"\x7f\""), JT_Y("\"/\""), JT_Y("\"\xC3\xA9\""),
    JT_Y("\"\xE2\x82\xAC\""), JT_Y("\"\xF0\x9F\x98\x80\""), JT_Y("\"\\uFFFF\""), JT_Y("\"\\uDBFF\\uDFFF\""),
    JT_Y("\"\\\\u0000\""), JT_Y("\"   \""), JT_Y("\"tab\\there\""),
    JT_Y("[]"), JT_Y("{}"), JT_Y("[[]]"), JT_Y("[{}]"), JT_Y("{\"\":0}"), JT_Y("{\"a\":[]}"),
    JT_Y("[1,2,3]"), JT_Y("[ 1 , 2 ]"), JT_Y("{\"a\":1,\"b\":2}"), JT_Y("{ \"a\" : 1 , \"b\" : 2 }"),
    JT_Y("{\"a\":1,\"a\":2}"), JT_Y("[null,true,false]"), JT_Y("[\"a\",{\"b\":[\"c\"]}]"),
    JT_Y(" \t\n\r[] \t\n\r"), JT_Y("\n1\n"), JT_Y("[-1,0.5e-3]"), JT_Y("{\"a\":{\"b\":{\"c\":{}}}}"),
    JT_Y("[[[[[[[[]]]]]]]]"), JT_Y("[1e1,1E1,1e+1,1E-1]"), JT_Y("{\"\\u0000\":1}"),
    JT_Y("[\"\",\"\"]"), JT_Y("{\"a\":null}"), JT_Y("[0,-0,0.0]"), JT_Y("[false]"), JT_Y("[\"[\"]"),
    JT_Y("{\"}\":\"{\"}"), JT_Y("[\"]\",\",\",\":\"]"), JT_Y("{\"a\":[{\"b\":[{}]}]}"),
    JT_Y("\r\n{\r\n\"k\"\r\n:\r\n[\r\n]\r\n}\r\n"), JT_Y("[\t1\t]"),
    JT_Y("-9223372036854775808"), JT_Y("9223372036854775807"), JT_Y("18446744073709551616"),
    JT_Y("0.000000000000000000000000000001"), JT_Y("123456789012345678901234567890"),
};

/* ---- case tables: syntax errors ---------------------------------------------------------- */

static const jt_case jt_reject[] = {
    /* empty, whitespace, stray bytes */
    JT_N(""), JT_N(" "), JT_N("\t\n\r "), JT_N("\f[]"), JT_N("\v1"), JT_N("\xC2\xA0" "1"),
    JT_N("\xEF\xBB\xBF" "1"), JT_N("\0"), JT_N("[\0]"), JT_N("1\0"), JT_N("[1]\0"),
    JT_N("\xD9\xA1"), JT_N("\"\xC3\xA9\" \xC3\xA9"), JT_N("\xEF\xBC\x91"),
    /* structure */
    JT_N("["), JT_N("]"), JT_N("{"), JT_N("}"), JT_N("[1"), JT_N("[1,"), JT_N("[1,]"), JT_N("[,1]"),
    JT_N("[,]"), JT_N("[1,,2]"), JT_N("[1 2]"), JT_N("[1:2]"), JT_N("{\"a\"}"), JT_N("{\"a\":}"),
    JT_N("{\"a\" 1}"), JT_N("{\"a\":1,}"), JT_N("{,}"), JT_N("{\"a\":1 \"b\":2}"), JT_N("{\"a\"::1}"),
    JT_N("{a:1}"), JT_N("{'a':1}"), JT_N("{1:1}"), JT_N("{null:1}"), JT_N("{[]:1}"),
    JT_N("{\"a\":1}}"), JT_N("[1]]"), JT_N("[[1]"), JT_N("{\"a\":1]"), JT_N("[1}"), JT_N("[][]"),
    JT_N("{}{}"), JT_N("1 2"), JT_N("\"a\" \"b\""), JT_N("[1] x"), JT_N("1,"), JT_N("'a'"),
    JT_N("[\"a\",]"), JT_N(","), JT_N(":"), JT_N("[\"a\":1]"), JT_N("{\"a\",1}"),
    JT_N("{\"a\":1,\"b\"}"), JT_N("[\"a\" \"b\"]"), JT_N("{\"a\":1,,\"b\":2}"), JT_N("{\"a\":1 , }"),
    /* comments and other extensions */
    JT_N("/* c */ 1"), JT_N("// c\n1"), JT_N("1 // c"), JT_N("1 /**/"), JT_N("#1"), JT_N("[1]#"),
    JT_N("[1,2,]"), JT_N("{\"a\":undefined}"),
    /* unterminated nesting: one value per input byte */
    JT_N("[[[[["), JT_N("[[[[[[[[[[[[[[[[[[[["), JT_N("[[[[[[[[[[[[[[[[[[[[1"), JT_N("[[[[[[[[[[[[[[[[[[[[1,"),
    /* strings and escapes */
    JT_N("\""), JT_N("\"abc"), JT_N("\"\\\""), JT_N("\"\\"), JT_N("\"\\x\""), JT_N("\"\\U0041\""),
    JT_N("\"\\u12\""), JT_N("\"\\u12G4\""), JT_N("\"\\u\""), JT_N("\"\\'\""), JT_N("\"\\0\""),
    JT_N("\"\\a\""), JT_N("\"\\v\""), JT_N("\"\\\n\""), JT_N("\"a\nb\""), JT_N("\"a\tb\""),
    JT_N("\"\\u-123\""), JT_N("\"\\u 123\""), JT_N("\"\\u+123\""), JT_N("\"\\u00\""),
    /* lone and misordered surrogates (default: rejected) */
    JT_N("\"\\uD800\""), JT_N("\"\\uDC00\""), JT_N("\"\\uD800\\u0041\""), JT_N("\"\\uD800x\""),
    JT_N("\"\\uD800\\uD800\""), JT_N("\"\\uDBFF\""), JT_N("\"\\uDE00\\uD83D\""), JT_N("\"\\uD83D\\\""),
    JT_N("\"\\uDFFF\""), JT_N("\"\\uD83D\\n\""), JT_N("\"\\uD83D\""), JT_N("[\"\\uD83D\",1]"),
    /* numbers */
    JT_N("01"), JT_N("-01"), JT_N("00"), JT_N("+1"), JT_N(".5"), JT_N("1."), JT_N("1e"), JT_N("1e+"),
    JT_N("1E-"), JT_N("-"), JT_N("--1"), JT_N("-a"), JT_N("1.5.5"), JT_N("0x10"), JT_N("1_000"),
    JT_N("1e5.5"), JT_N("- 1"), JT_N("0.e1"), JT_N("1.e1"), JT_N("-.5"), JT_N("01.5"), JT_N("1ee5"),
    JT_N("1e--5"), JT_N("Infinity"), JT_N("-Infinity"), JT_N("NaN"), JT_N("nan"), JT_N("inf"),
    JT_N("[-]"), JT_N("[1.]"), JT_N("[.1]"), JT_N("1f"), JT_N("1.0f"), JT_N("0b1"), JT_N("-0x1"),
    JT_N("1e+-1"), JT_N("[01]"), JT_N("-00"), JT_N("1 .5"),
    /* literals */
    JT_N("True"), JT_N("TRUE"), JT_N("nul"), JT_N("nulll"), JT_N("truefalse"), JT_N("t"), JT_N("tru"),
    JT_N("fals"), JT_N("[true false]"), JT_N("undefined"), JT_N("None"), JT_N("nil"), JT_N("true1"),
    JT_N("[nulL]"), JT_N("falsE"),
};

/* ---- case tables: UTF-8 ------------------------------------------------------------------- */

static const jt_case jt_utf8_accept[] = {
    JT_Y("\"\xC2\x80\""), JT_Y("\"\xDF\xBF\""), JT_Y("\"\xE0\xA0\x80\""), JT_Y("\"\xED\x9F\xBF\""),
    JT_Y("\"\xEE\x80\x80\""), JT_Y("\"\xEF\xBF\xBD\""), JT_Y("\"\xEF\xBF\xBE\""), JT_Y("\"\xEF\xBF\xBF\""),
    JT_Y("\"\xF0\x90\x80\x80\""), JT_Y("\"\xF4\x8F\xBF\xBF\""), JT_Y("\"\xF3\xBF\xBF\xBF\""),
    JT_Y("\"\xE1\x80\x80\""), JT_Y("\"\xEC\xBF\xBF\""), JT_Y("\"\xF1\x80\x80\x80\""),
    JT_Y("\"a\xC3\xA9" "b\xE2\x82\xAC" "c\xF0\x9F\x98\x80" "d\""), JT_Y("{\"\xC3\xA9\":\"\xE2\x82\xAC\"}"),
};

static const jt_case jt_utf8_reject[] = {
    /* overlong forms */
    JT_U("\"\xC0\x80\""), JT_U("\"\xC0\xAF\""), JT_U("\"\xC1\xBF\""), JT_U("\"\xE0\x80\x80\""),
    JT_U("\"\xE0\x9F\xBF\""), JT_U("\"\xF0\x80\x80\x80\""), JT_U("\"\xF0\x8F\xBF\xBF\""),
    /* UTF-16 surrogates encoded in UTF-8 */
    JT_U("\"\xED\xA0\x80\""), JT_U("\"\xED\xBF\xBF\""), JT_U("\"\xED\xA0\xBD\xED\xB8\x80\""),
    /* beyond U+10FFFF, bytes that never occur */
    JT_U("\"\xF4\x90\x80\x80\""), JT_U("\"\xF5\x80\x80\x80\""), JT_U("\"\xF7\xBF\xBF\xBF\""),
    JT_U("\"\xF8\x88\x80\x80\x80\""), JT_U("\"\xFC\x84\x80\x80\x80\x80\""), JT_U("\"\xFE\""),
    JT_U("\"\xFF\""),
    /* stray continuation bytes */
    JT_U("\"\x80\""), JT_U("\"\xBF\""), JT_U("\"a\x80" "b\""), JT_U("\"\xC3\xA9\x80\""),
    JT_U("\"\xF0\x9F\x98\x80\x80\""), JT_U("\"\xE2\x82\xAC\xAC\""),
    /* truncated sequences and bad continuations */
    JT_U("\"\xC2\""), JT_U("\"\xE2\x82\""), JT_U("\"\xF0\x9F\x98\""), JT_U("\"\xC2" "A\""),
    JT_U("\"\xE2(\xA1\""), JT_U("\"\xE2\x82(\""), JT_U("\"\xF0\x9F\x98(\""), JT_U("\"\xC2\xC2\xA0\""),
    JT_U("\"\xE0\xA0\""), JT_U("\"\xF0\x90\x80\""), JT_U("\"\xC2 \""),
    /* in keys and nested */
    JT_U("{\"\xFF\":1}"), JT_U("[\"\xC0\xAF\"]"), JT_U("{\"a\":[\"ok\",\"\xED\xA0\x80\"]}"),
};

TEST(json_cases_accept) {
    ailib_json_writer w;
    size_t i;
    JT_RUN(jt_accept, NULL);
    /* Everything accepted survives parse -> write_value -> parse unchanged. */
    ailib_json_writer_init(&w, NULL);
    for (i = 0; i < JT_COUNT(jt_accept); i++) {
        ailib_json_doc *a = NULL, *b = NULL;
        ailib_result r;
        if (jt_parse(jt_accept[i].text, jt_accept[i].len, NULL, &a, NULL) != AILIB_OK) continue;
        ailib_json_writer_reset(&w);
        ailib_json_write_value(&w, JT_ROOT(a));
        r = ailib_json_writer_finish(&w);
        if (r != AILIB_OK) {
            ailib_test_fail(__FILE__, __LINE__, "write_value of \"%s\": %s", jt_show(jt_accept[i].text, jt_accept[i].len),
                            ailib_result_name(r));
        } else if (jt_parse(w.buf, w.len, NULL, &b, NULL) != AILIB_OK) {
            ailib_test_fail(__FILE__, __LINE__, "output of write_value(\"%s\") does not parse: \"%s\"",
                            jt_show(jt_accept[i].text, jt_accept[i].len), w.buf);
        } else {
            if (!ailib_json_equal(JT_ROOT(a), JT_ROOT(b)))
                ailib_test_fail(__FILE__, __LINE__, "\"%s\" rewritten as \"%s\" is not equal",
                                jt_show(jt_accept[i].text, jt_accept[i].len), w.buf);
            ailib_json_doc_destroy(b);
        }
        ailib_json_doc_destroy(a);
    }
    ailib_json_writer_deinit(&w);
}

TEST(json_cases_reject_syntax) {
    JT_RUN(jt_reject, NULL);
}

TEST(json_cases_utf8) {
    size_t i;
    JT_RUN(jt_utf8_accept, NULL);
    JT_RUN(jt_utf8_reject, NULL);
    /* Valid UTF-8 in a string passes through byte for byte (the first 14 cases are "<bytes>"). */
    for (i = 0; i < 14; i++)
        jt_expect_decodes_at(__FILE__, __LINE__, jt_utf8_accept[i].text, jt_utf8_accept[i].len, NULL,
                             jt_utf8_accept[i].text + 1, jt_utf8_accept[i].len - 2);
}

/* A stray non-ASCII byte outside a string is both bad syntax and bad UTF-8: either code will do,
   but never OK. */
TEST(json_invalid_utf8_outside_strings) {
    static const jt_case c[] = { JT_N("[\xFF]"), JT_N("\x80"), JT_N("[1,\xC0\x80]"), JT_N("{\xED\xA0\x80:1}") };
    size_t i;
    for (i = 0; i < JT_COUNT(c); i++) {
        ailib_result r = jt_code(c[i].text, c[i].len, NULL, NULL);
        EXPECT_TRUE(r == AILIB_JSON_SYNTAX || r == AILIB_JSON_UTF8);
    }
}

/* Every control character must be escaped inside strings; its escaped form is fine. */
TEST(json_control_chars_in_strings) {
    int c;
    for (c = 0; c < 0x20; c++) {
        char raw[8] = { '[', '"', 'a', 0, 'b', '"', ']', 0 };
        char esc[32], want[2];
        size_t pos = 999;
        ailib_result r;
        raw[3] = (char)c;
        r = jt_code(raw, 7, NULL, &pos);
        if (r != AILIB_JSON_SYNTAX || pos != 3)
            ailib_test_fail(__FILE__, __LINE__, "raw control 0x%02X in a string: %s at %zu, want AILIB_JSON_SYNTAX at 3",
                            c, ailib_result_name(r), pos);
        snprintf(esc, sizeof esc, "\"\\u%04X\"", c);
        want[0] = (char)c;
        jt_expect_decodes_at(__FILE__, __LINE__, esc, strlen(esc), NULL, want, 1);
        snprintf(esc, sizeof esc, "\"\\u%04x\"", c);
        jt_expect_decodes_at(__FILE__, __LINE__, esc, strlen(esc), NULL, want, 1);
    }
}

/* ---- error positions ---------------------------------------------------------------------- */

typedef struct jt_pos_case { const char *text; size_t len; ailib_result code; size_t pos; } jt_pos_case;
#define JT_P(s, code, pos) { s, JT_LEN(s), code, pos }

TEST(json_error_positions) {
    static const jt_pos_case c[] = {
        JT_P("[1,]", AILIB_JSON_SYNTAX, 3),
        JT_P("{\"a\" 1}", AILIB_JSON_SYNTAX, 5),
        JT_P("[1] x", AILIB_JSON_SYNTAX, 4),
        JT_P("\"a\x01" "b\"", AILIB_JSON_SYNTAX, 2),
        JT_P("[1 2]", AILIB_JSON_SYNTAX, 3),
        JT_P("{\"a\":1,}", AILIB_JSON_SYNTAX, 7),
        JT_P("{1:2}", AILIB_JSON_SYNTAX, 1),
        JT_P("[01]", AILIB_JSON_SYNTAX, 2),
        JT_P("[trux]", AILIB_JSON_SYNTAX, 4),
        JT_P("nulL", AILIB_JSON_SYNTAX, 3),
        JT_P("\"\\x\"", AILIB_JSON_SYNTAX, 2),
        JT_P("  ]", AILIB_JSON_SYNTAX, 2),
        JT_P("[-a]", AILIB_JSON_SYNTAX, 2),
        JT_P("[1.e5]", AILIB_JSON_SYNTAX, 3),
        JT_P("[1]]", AILIB_JSON_SYNTAX, 3),
        JT_P("{\"a\":1}}", AILIB_JSON_SYNTAX, 7),
        JT_P("[\"a\" \"b\"]", AILIB_JSON_SYNTAX, 5),
        JT_P("[1]\0", AILIB_JSON_SYNTAX, 3),
        JT_P("[1,\n  2,\n  x]", AILIB_JSON_SYNTAX, 11),
        JT_P("\"ab\x80\"", AILIB_JSON_UTF8, 3),
        JT_P("[\"\xC0\x80\"]", AILIB_JSON_UTF8, 2),
        JT_P("{\"a\":\"\xF5\x80\x80\x80\"}", AILIB_JSON_UTF8, 6),
        JT_P("[\"ok\",\"\xFF\"]", AILIB_JSON_UTF8, 7),
        /* the offending "byte" of a text that ends too early is the end itself */
        JT_P("", AILIB_JSON_SYNTAX, 0),
        JT_P("   ", AILIB_JSON_SYNTAX, 3),
        JT_P("[", AILIB_JSON_SYNTAX, 1),
        JT_P("[1,2", AILIB_JSON_SYNTAX, 4),
        JT_P("\"abc", AILIB_JSON_SYNTAX, 4),
    };
    size_t i;
    for (i = 0; i < JT_COUNT(c); i++) {
        size_t pos = 999;
        ailib_result r = jt_code(c[i].text, c[i].len, NULL, &pos);
        if (r != c[i].code || pos != c[i].pos)
            ailib_test_fail(__FILE__, __LINE__, "\"%s\": got %s at %zu, want %s at %zu", jt_show(c[i].text, c[i].len),
                            ailib_result_name(r), pos, ailib_result_name(c[i].code), c[i].pos);
    }
}

TEST(json_error_struct_and_null_arguments) {
    ailib_json_doc *d = NULL;
    ailib_error err;
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_json_parse("[1,]", 4, NULL, &d, &err), AILIB_JSON_SYNTAX);
    EXPECT_EQ(err.code, AILIB_JSON_SYNTAX);
    EXPECT_EQ(err.byte_pos, 3);
    EXPECT_GT(strlen(err.message), 0);
    EXPECT_TRUE(d == NULL);
    /* err and options are optional */
    EXPECT_EQ(ailib_json_parse("[1,]", 4, NULL, &d, NULL), AILIB_JSON_SYNTAX);
    EXPECT_TRUE(d == NULL);
    ASSERT_EQ(ailib_json_parse("[1]", 3, NULL, &d, NULL), AILIB_OK);
    ASSERT_TRUE(d != NULL);
    EXPECT_EQ(ailib_json_int(ailib_json_at(JT_ROOT(d), 0)), 1);
    ailib_json_doc_destroy(d);
    /* len bounds the text: what follows is not looked at */
    d = NULL;
    ASSERT_EQ(ailib_json_parse("[1]xyz", 3, NULL, &d, NULL), AILIB_OK);
    EXPECT_EQ(ailib_json_size(JT_ROOT(d)), 1);
    ailib_json_doc_destroy(d);
    d = NULL;
    ASSERT_EQ(ailib_json_parse("\"abc\"def", 5, NULL, &d, NULL), AILIB_OK);
    JT_EXPECT_STR(JT_ROOT(d), "abc");
    ailib_json_doc_destroy(d);
}

/* ---- strings -------------------------------------------------------------------------------- */

TEST(json_string_escapes) {
    JT_DECODES("\"\\\"\"", "\"");
    JT_DECODES("\"\\\\\"", "\\");
    JT_DECODES("\"\\/\"", "/");
    JT_DECODES("\"\\b\"", "\b");
    JT_DECODES("\"\\f\"", "\f");
    JT_DECODES("\"\\n\"", "\n");
    JT_DECODES("\"\\r\"", "\r");
    JT_DECODES("\"\\t\"", "\t");
    JT_DECODES("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"", "a\"b\\c/d\be\ff\ng\rh\ti");
    JT_DECODES("\"\\\\u0041\"", "\\u0041");
    JT_DECODES("\"\"", "");
    JT_DECODES("\"plain text\"", "plain text");
}

TEST(json_string_unicode_escapes) {
    JT_DECODES("\"\\u0041\"", "A");
    JT_DECODES("\"\\u007F\"", "\x7F");
    JT_DECODES("\"\\u0080\"", "\xC2\x80");
    JT_DECODES("\"\\u00e9\"", "\xC3\xA9");
    JT_DECODES("\"\\u00E9\"", "\xC3\xA9");
    JT_DECODES("\"\\u07FF\"", "\xDF\xBF");
    JT_DECODES("\"\\u0800\"", "\xE0\xA0\x80");
    JT_DECODES("\"\\u20AC\"", "\xE2\x82\xAC");
    JT_DECODES("\"\\u20ac\"", "\xE2\x82\xAC");
    JT_DECODES("\"\\uAbCd\"", "\xEA\xAF\x8D");
    JT_DECODES("\"\\uD7FF\"", "\xED\x9F\xBF");
    JT_DECODES("\"\\uE000\"", "\xEE\x80\x80");
    JT_DECODES("\"\\uFFFD\"", "\xEF\xBF\xBD");
    JT_DECODES("\"\\uFFFF\"", "\xEF\xBF\xBF");
    JT_DECODES("\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80");
    JT_DECODES("\"\\ud83d\\ude00\"", "\xF0\x9F\x98\x80");
    JT_DECODES("\"\\uD800\\uDC00\"", "\xF0\x90\x80\x80");
    JT_DECODES("\"\\uDBFF\\uDFFF\"", "\xF4\x8F\xBF\xBF");
    JT_DECODES("\"x\\u0041y\\uD83D\\uDE00z\"", "xAy\xF0\x9F\x98\x80z");
    JT_DECODES("\"\\u0041\\u0042\\u0043\"", "ABC");
}

TEST(json_string_nul_bytes) {
    ailib_json_doc *d;
    const ailib_json *v;
    JT_DECODES("\"\\u0000\"", "\0");
    JT_DECODES("\"a\\u0000b\"", "a\0b");
    JT_DECODES("\"\\u0000\\u0000\"", "\0\0");
    d = JT_DOC("{\"a\\u0000b\":1,\"a\":2}");
    ASSERT_TRUE(d != NULL);
    v = ailib_json_first(JT_ROOT(d));
    JT_EXPECT_STR(v, "a\0b");
    EXPECT_EQ(ailib_json_int(ailib_json_getn(JT_ROOT(d), "a\0b", 3)), 1);
    EXPECT_EQ(ailib_json_int(ailib_json_get(JT_ROOT(d), "a")), 2);
    EXPECT_TRUE(ailib_json_getn(JT_ROOT(d), "a\0c", 3) == NULL);
    ailib_json_doc_destroy(d);
}

TEST(json_string_long) {
    size_t n = 200000, i, len;
    char *text = (char *)malloc(n + 3);
    ailib_json_doc *d;
    const char *s;
    ASSERT_TRUE(text != NULL);
    text[0] = '"';
    for (i = 0; i < n; i++) text[1 + i] = (char)('a' + i % 26);
    text[n + 1] = '"';
    d = JT_DOCN(text, n + 2);
    if (d) {
        s = ailib_json_str(JT_ROOT(d), &len);
        EXPECT_EQ(len, n);
        EXPECT_TRUE(s && memcmp(s, text + 1, n) == 0 && s[n] == 0);
        ailib_json_doc_destroy(d);
    }
    /* many escapes in a row */
    for (i = 0; i + 6 <= n; i += 6) memcpy(text + 1 + i, "\\u00e9", 6);
    text[1 + i] = '"';
    d = JT_DOCN(text, 2 + i);
    if (d) {
        s = ailib_json_str(JT_ROOT(d), &len);
        EXPECT_EQ(len, i / 6 * 2);
        EXPECT_TRUE(s && memcmp(s, "\xC3\xA9\xC3\xA9", 4) == 0 && s[len] == 0);
        ailib_json_doc_destroy(d);
    }
    free(text);
}

TEST(json_lone_surrogates_allowed) {
    ailib_json_parse_options opt;
    memset(&opt, 0, sizeof opt);
    opt.allow_lone_surrogates = 1;
    JT_DECODES_OPT("\"\\uD800\"", &opt, "\xEF\xBF\xBD");
    JT_DECODES_OPT("\"\\uDC00\"", &opt, "\xEF\xBF\xBD");
    JT_DECODES_OPT("\"\\uDBFF\"", &opt, "\xEF\xBF\xBD");
    JT_DECODES_OPT("\"\\uDFFF\"", &opt, "\xEF\xBF\xBD");
    JT_DECODES_OPT("\"\\uD800\\u0041\"", &opt, "\xEF\xBF\xBD" "A");
    JT_DECODES_OPT("\"\\uD800x\"", &opt, "\xEF\xBF\xBDx");
    JT_DECODES_OPT("\"a\\uD800\"", &opt, "a\xEF\xBF\xBD");
    JT_DECODES_OPT("\"\\uD800\\uD800\\uDC00\"", &opt, "\xEF\xBF\xBD\xF0\x90\x80\x80");
    JT_DECODES_OPT("\"\\uDE00\\uD83D\"", &opt, "\xEF\xBF\xBD\xEF\xBF\xBD");
    JT_DECODES_OPT("\"\\uD83D\\n\"", &opt, "\xEF\xBF\xBD\n");
    /* pairs still pair, and the option does not relax anything else */
    JT_DECODES_OPT("\"\\uD83D\\uDE00\"", &opt, "\xF0\x9F\x98\x80");
    EXPECT_EQ(JT_CODE("\"\\uD83D\\x\"", &opt, NULL), AILIB_JSON_SYNTAX);
    EXPECT_EQ(JT_CODE("\"\xED\xA0\x80\"", &opt, NULL), AILIB_JSON_UTF8);
    EXPECT_EQ(JT_CODE("\"\\uD83D", &opt, NULL), AILIB_JSON_SYNTAX);
}

/* ---- numbers -------------------------------------------------------------------------------- */

TEST(json_numbers_int64) {
    ailib_json_doc *d;
    const ailib_json *v;
    d = JT_DOC("[9223372036854775807,-9223372036854775808,9223372036854775806,0,-1,123,-0]");
    ASSERT_TRUE(d != NULL);
    v = ailib_json_at(JT_ROOT(d), 0);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_INT);
    EXPECT_TRUE(ailib_json_int(v) == INT64_MAX);
    v = ailib_json_at(JT_ROOT(d), 1);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_INT);
    EXPECT_TRUE(ailib_json_int(v) == INT64_MIN);
    v = ailib_json_at(JT_ROOT(d), 2);
    EXPECT_TRUE(ailib_json_int(v) == INT64_MAX - 1);
    v = ailib_json_at(JT_ROOT(d), 3);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_INT);
    EXPECT_EQ(ailib_json_int(v), 0);
    EXPECT_EQ(ailib_json_int(ailib_json_at(JT_ROOT(d), 4)), -1);
    EXPECT_EQ(ailib_json_int(ailib_json_at(JT_ROOT(d), 5)), 123);
    v = ailib_json_at(JT_ROOT(d), 6);  /* -0: int 0 or real -0.0, equal to 0 either way */
    EXPECT_TRUE(ailib_json_type_of(v) == AILIB_JSON_INT || ailib_json_type_of(v) == AILIB_JSON_REAL);
    EXPECT_TRUE(ailib_json_double(v) == 0.0);
    EXPECT_EQ(ailib_json_int(v), 0);
    ailib_json_doc_destroy(d);

    d = JT_DOC("[9223372036854775808,-9223372036854775809,18446744073709551616,9999999999999999999]");
    ASSERT_TRUE(d != NULL);
    v = ailib_json_at(JT_ROOT(d), 0);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_REAL);
    EXPECT_DBL_EQ(ailib_json_double(v), 9223372036854775808.0);
    v = ailib_json_at(JT_ROOT(d), 1);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_REAL);
    EXPECT_DBL_EQ(ailib_json_double(v), -9223372036854775808.0);
    v = ailib_json_at(JT_ROOT(d), 2);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_REAL);
    EXPECT_DBL_EQ(ailib_json_double(v), 18446744073709551616.0);
    v = ailib_json_at(JT_ROOT(d), 3);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_REAL);
    EXPECT_DBL_EQ(ailib_json_double(v), 1e19);
    ailib_json_doc_destroy(d);

    /* fractions and exponents are reals even when the value is whole */
    d = JT_DOC("[1.0,1e2,100e-2,1E0,-0.0,0e0]");
    ASSERT_TRUE(d != NULL);
    v = ailib_json_first(JT_ROOT(d));
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_REAL);
    EXPECT_DBL_EQ(ailib_json_double(v), 1.0);
    v = ailib_json_next(v);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_REAL);
    EXPECT_DBL_EQ(ailib_json_double(v), 100.0);
    v = ailib_json_next(v);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_REAL);
    EXPECT_DBL_EQ(ailib_json_double(v), 1.0);
    v = ailib_json_next(v);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_REAL);
    v = ailib_json_next(v);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_REAL);
    EXPECT_TRUE(ailib_json_double(v) == 0.0);
    v = ailib_json_next(v);
    EXPECT_EQ(ailib_json_type_of(v), AILIB_JSON_REAL);
    ailib_json_doc_destroy(d);
}

TEST(json_number_accessors) {
    ailib_json_doc *d = JT_DOC("[3.7,-3.7,1e19,9223372036854775808,-9223372036854775808.0,42,\"5\",true,null,-1e300,0.999]");
    const ailib_json *r;
    ASSERT_TRUE(d != NULL);
    r = JT_ROOT(d);
    EXPECT_EQ(ailib_json_int(ailib_json_at(r, 0)), 3);          /* truncated */
    EXPECT_EQ(ailib_json_int(ailib_json_at(r, 1)), -3);
    EXPECT_EQ(ailib_json_int(ailib_json_at(r, 2)), 0);          /* out of range */
    EXPECT_EQ(ailib_json_int(ailib_json_at(r, 3)), 0);          /* 2^63: just out of range */
    EXPECT_TRUE(ailib_json_int(ailib_json_at(r, 4)) == INT64_MIN); /* -2^63: just in range */
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_at(r, 5)), 42.0);
    EXPECT_EQ(ailib_json_int(ailib_json_at(r, 6)), 0);          /* not numbers */
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_at(r, 6)), 0.0);
    EXPECT_EQ(ailib_json_int(ailib_json_at(r, 7)), 0);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_at(r, 7)), 0.0);
    EXPECT_EQ(ailib_json_int(ailib_json_at(r, 8)), 0);
    EXPECT_EQ(ailib_json_int(ailib_json_at(r, 9)), 0);
    EXPECT_EQ(ailib_json_int(ailib_json_at(r, 10)), 0);
    EXPECT_TRUE(ailib_json_is_number(ailib_json_at(r, 0)));
    EXPECT_TRUE(ailib_json_is_number(ailib_json_at(r, 5)));
    EXPECT_FALSE(ailib_json_is_number(ailib_json_at(r, 6)));
    ailib_json_doc_destroy(d);
}

typedef struct jt_num_case { const char *text; double want; } jt_num_case;

/* Decimal texts whose correctly rounded double is known; naive parsers get several wrong. */
TEST(json_numbers_hard_cases) {
    static const jt_num_case c[] = {
        { "0.1", 0.1 },
        { "1e23", 1e23 },
        { "100000000000000000000000", 1e23 },
        { "5e-324", 5e-324 },
        { "4.9406564584124654e-324", 5e-324 },
        { "2.4703282292062328e-324", 5e-324 },     /* just above half the smallest subnormal */
        { "2.4703282292062327e-324", 0.0 },        /* just below it */
        { "2.2250738585072014e-308", 2.2250738585072014e-308 },
        { "2.2250738585072011e-308", 2.2250738585072011e-308 },
        { "2.2250738585072012e-308", 2.2250738585072014e-308 },
        { "1.7976931348623157e308", 1.7976931348623157e308 },
        { "1.7976931348623158e308", 1.7976931348623157e308 },
        { "0.30000000000000004", 0.30000000000000004 },
        { "123456789012345678901234567890", 1.2345678901234568e29 },
        { "0.1000000000000000055511151231257827021181583404541015625", 0.1 },
        { "0.100000000000000012490009027033011079765856266021728515625", 0.1 },  /* tie, to even */
        { "0.100000000000000012490009027033011079765856266021728515626", 0.10000000000000002 },
        { "9007199254740993.0", 9007199254740992.0 },   /* tie, to even */
        { "9007199254740995.0", 9007199254740996.0 },
        { "9007199254740993.00000000000000000001", 9007199254740994.0 },
        { "4503599627370496.5", 4503599627370496.0 },
        { "4503599627370497.5", 4503599627370498.0 },
        { "8.98846567431158e307", 8.98846567431158e307 },
        { "3.141592653589793", 3.141592653589793 },
        { "2.718281828459045", 2.718281828459045 },
        { "-2.5e-1", -0.25 },
        { "7.0e-10", 7.0e-10 },
        { "1e-1", 0.1 },
        { "0.000001", 1e-6 },
        { "1e22", 1e22 },
        { "1e-22", 1e-22 },
        { "5e-310", 5e-310 },
        { "1.00000000000000011102230246251565404236316680908203125", 1.0 },     /* tie, to even */
        { "1.00000000000000011102230246251565404236316680908203126", 1.0000000000000002 },
        { "1e0000000000000000000001", 10.0 },
        { "1e-0000000000000000000001", 0.1 },
        { "0e999999999999999999999", 0.0 },
        { "0.0e-999999999999999999999", 0.0 },
        { "1e-99999999999999999999", 0.0 },
        { "1e-400", 0.0 },
        { "-1e-400", 0.0 },
        { "1.5", 1.5 },
        { "-1.5", -1.5 },
    };
    size_t i;
    for (i = 0; i < JT_COUNT(c); i++) {
        ailib_json_type t = AILIB_JSON_NULL;
        double v = jt_parse_double(c[i].text, strlen(c[i].text), &t);
        int ok = c[i].want == 0.0 ? v == 0.0 : jt_bits(v) == jt_bits(c[i].want);
        if (!ok) ailib_test_fail(__FILE__, __LINE__, "\"%s\": got %.17g, want %.17g", c[i].text, v, c[i].want);
        if (strchr(c[i].text, '.') || strchr(c[i].text, 'e')) EXPECT_EQ(t, AILIB_JSON_REAL);
    }
}

/* Long mantissas: zeros in front and behind, hundreds of digits. */
TEST(json_numbers_long_mantissas) {
    char buf[1200];
    size_t n;
    int i;
    /* 1 followed by 99 zeros, times 10^-99 */
    n = 0; buf[n++] = '1'; for (i = 0; i < 99; i++) buf[n++] = '0';
    n += (size_t)snprintf(buf + n, sizeof buf - n, "e-99");
    EXPECT_DBL_EQ(jt_parse_double(buf, n, NULL), 1.0);
    /* 0.<99 zeros>1 times 10^100 */
    n = 0; buf[n++] = '0'; buf[n++] = '.'; for (i = 0; i < 99; i++) buf[n++] = '0';
    n += (size_t)snprintf(buf + n, sizeof buf - n, "1e100");
    EXPECT_DBL_EQ(jt_parse_double(buf, n, NULL), 1.0);
    /* 1 followed by 308 zeros: 1e308 written out */
    n = 0; buf[n++] = '1'; for (i = 0; i < 308; i++) buf[n++] = '0';
    EXPECT_DBL_EQ(jt_parse_double(buf, n, NULL), 1e308);
    /* 0.333... with 1000 digits */
    n = 0; buf[n++] = '0'; buf[n++] = '.'; for (i = 0; i < 1000; i++) buf[n++] = '3';
    EXPECT_DBL_EQ(jt_parse_double(buf, n, NULL), 1.0 / 3.0);
    /* 0.1 with 1000 trailing zeros */
    n = 0; buf[n++] = '0'; buf[n++] = '.'; buf[n++] = '1'; for (i = 0; i < 1000; i++) buf[n++] = '0';
    EXPECT_DBL_EQ(jt_parse_double(buf, n, NULL), 0.1);
}

/* Overflow: rejected as AILIB_JSON_SYNTAX, or a real of huge magnitude; never a crash or NaN. */
TEST(json_numbers_overflow) {
    static const char *const big[] = { "1e400", "-1e400", "1e99999999999999999999", "2e308",
                                       "1.8e308", "-123456789e999" };
    size_t i;
    for (i = 0; i < JT_COUNT(big); i++) {
        ailib_json_doc *d = NULL;
        ailib_result r = jt_parse(big[i], strlen(big[i]), NULL, &d, NULL);
        EXPECT_TRUE(r == AILIB_OK || r == AILIB_JSON_SYNTAX);
        if (r == AILIB_OK) {
            double v = ailib_json_double(JT_ROOT(d));
            EXPECT_EQ(ailib_json_type_of(JT_ROOT(d)), AILIB_JSON_REAL);
            if (big[i][0] == '-') EXPECT_TRUE(v <= -DBL_MAX);
            else EXPECT_TRUE(v >= DBL_MAX);
            ailib_json_doc_destroy(d);
        }
    }
}

/* A random JSON number text: sign, 1-25 digits around an optional point, optional exponent. */
static size_t jt_rand_number(uint64_t *s, char *buf) {
    uint64_t r = jt_rand(s);
    size_t n = 0;
    int nd = 1 + (int)((r >> 1) % 25), point = (int)((r >> 8) % (uint64_t)(nd + 1)), i;
    if (r & 1) buf[n++] = '-';
    if (point == 0) {
        buf[n++] = '0';
        buf[n++] = '.';
        for (i = (int)((r >> 16) % 12); i > 0; i--) buf[n++] = '0';
        for (i = 0; i < nd; i++) buf[n++] = (char)('0' + jt_rand(s) % 10);
    } else {
        buf[n++] = (char)('1' + jt_rand(s) % 9);
        for (i = 1; i < point; i++) buf[n++] = (char)('0' + jt_rand(s) % 10);
        if (point < nd) {
            buf[n++] = '.';
            for (i = point; i < nd; i++) buf[n++] = (char)('0' + jt_rand(s) % 10);
        }
    }
    if ((r >> 24) & 1) {
        static const char *const marks[] = { "e", "E", "e+", "e-", "E-", "e-" };
        const char *m = marks[(r >> 25) % 6];
        n += (size_t)sprintf(buf + n, "%s%d", m, (int)((r >> 32) % 330));
    }
    buf[n] = 0;
    return n;
}

/* Any decimal text parses to the correctly rounded double (glibc's strtod is the oracle). */
TEST(json_numbers_match_strtod) {
    uint64_t seed = 0x2545F4914F6CDD1DULL;
    int i, rounds = ailib_test_quick() ? 500 : 5000, bad = 0;
    char buf[128];
    for (i = 0; i < rounds; i++) {
        size_t n = jt_rand_number(&seed, buf);
        double want = strtod(buf, NULL), got;
        if (isinf(want)) continue;
        got = jt_parse_double(buf, n, NULL);
        if (want == 0.0 ? got != 0.0 : jt_bits(got) != jt_bits(want)) {
            if (bad++ < 5) ailib_test_fail(__FILE__, __LINE__, "\"%s\": got %.17g, want %.17g", buf, got, want);
        }
    }
    EXPECT_EQ(bad, 0);
}

/* write_double -> parse gives the same bits back, and the text is as short as it can be. */
static int jt_roundtrip_one(ailib_json_writer *w, double v, int *too_long) {
    ailib_json_doc *d = NULL;
    double back;
    ailib_json_writer_reset(w);
    ailib_json_write_double(w, v);
    if (ailib_json_writer_finish(w) != AILIB_OK) return 0;
    if (jt_parse(w->buf, w->len, NULL, &d, NULL) != AILIB_OK) return 0;
    back = ailib_json_double(JT_ROOT(d));
    ailib_json_doc_destroy(d);
    if (too_long && v != 0.0) *too_long = jt_sig_digits(w->buf, w->len) > jt_min_digits(v);
    return v == 0.0 ? back == 0.0 : jt_bits(back) == jt_bits(v);
}

TEST(json_double_roundtrip_random) {
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    int i, rounds = ailib_test_quick() ? 400 : 4000, bad = 0, longer = 0;
    ailib_json_writer w;
    ailib_json_writer_init(&w, NULL);
    for (i = 0; i < rounds; i++) {
        uint64_t bits = jt_rand(&seed);
        double v;
        int too_long = 0;
        if (i & 1) /* half with ordinary magnitudes: exponent within 2^-60..2^60 */
            bits = (bits & 0x800FFFFFFFFFFFFFULL) | ((uint64_t)(1023 - 60 + (int)(jt_rand(&seed) % 121)) << 52);
        if (((bits >> 52) & 0x7FF) == 0x7FF) continue;   /* NaN, Inf */
        v = jt_from_bits(bits);
        if (!jt_roundtrip_one(&w, v, &too_long)) {
            if (bad++ < 5) ailib_test_fail(__FILE__, __LINE__, "%.17g (bits %016llx) written as \"%s\" does not round-trip",
                                           v, (unsigned long long)bits, w.buf ? w.buf : "(null)");
        } else if (too_long) {
            if (longer++ < 5) ailib_test_fail(__FILE__, __LINE__, "%.17g written as \"%s\": %d digits, %d suffice", v,
                                              w.buf, jt_sig_digits(w.buf, w.len), jt_min_digits(v));
        }
    }
    ailib_json_writer_deinit(&w);
    EXPECT_EQ(bad, 0);
    EXPECT_EQ(longer, 0);
}

TEST(json_double_roundtrip_hard_cases) {
    static const double c[] = {
        0.1, 0.2, 0.30000000000000004, 1e23, 5e-324, -5e-324, 1e-323, 2.2250738585072014e-308,
        2.2250738585072009e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1.5, -2.5, 1.0,
        -1.0, 100.0, 1e15, 1e16, 1e17, 1e21, 1e22, 1e-7, 123.456, 9007199254740992.0,
        9007199254740994.0, 9223372036854775808.0, -9223372036854775808.0, 18446744073709551616.0,
        4.35e-6, 2.9802322387695312e-8, 1.2345678901234568e29, 0.5, 0.25, 3.0517578125e-05,
        1e300, 1e-300, 8.98846567431158e307, 4.940656458412465e-324, 6.02214076e23, 299792458.0,
    };
    size_t i;
    ailib_json_writer w;
    ailib_json_writer_init(&w, NULL);
    for (i = 0; i < JT_COUNT(c); i++) {
        int too_long = 0;
        if (!jt_roundtrip_one(&w, c[i], &too_long))
            ailib_test_fail(__FILE__, __LINE__, "%.17g written as \"%s\" does not round-trip", c[i], w.buf ? w.buf : "(null)");
        else if (too_long)
            ailib_test_fail(__FILE__, __LINE__, "%.17g written as \"%s\" is not the shortest round-trip form", c[i], w.buf);
    }
    /* zeros */
    EXPECT_TRUE(jt_roundtrip_one(&w, 0.0, NULL));
    EXPECT_TRUE(jt_roundtrip_one(&w, -0.0, NULL));
    /* plain values look plain */
    ailib_json_writer_reset(&w);
    ailib_json_write_double(&w, 1.5);
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    EXPECT_MEM_EQ(w.buf, w.len, "1.5");
    ailib_json_writer_reset(&w);
    ailib_json_write_double(&w, -2.5);
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    EXPECT_MEM_EQ(w.buf, w.len, "-2.5");
    ailib_json_writer_deinit(&w);
}

TEST(json_write_double_nonfinite) {
    double bad[3];
    size_t i;
    bad[0] = NAN;
    bad[1] = INFINITY;
    bad[2] = -INFINITY;
    for (i = 0; i < 3; i++) {
        ailib_json_writer w;
        ailib_json_writer_init(&w, NULL);
        ailib_json_write_double(&w, bad[i]);
        EXPECT_NE(ailib_json_writer_finish(&w), AILIB_OK);
        ailib_json_writer_deinit(&w);

        ailib_json_writer_init(&w, NULL);
        ailib_json_write_array_begin(&w);
        ailib_json_write_double(&w, 1.0);
        ailib_json_write_double(&w, bad[i]);
        ailib_json_write_double(&w, 2.0);
        ailib_json_write_array_end(&w);
        EXPECT_NE(ailib_json_writer_finish(&w), AILIB_OK);
        ailib_json_writer_deinit(&w);
    }
}

/* With LC_NUMERIC using a decimal comma, numbers still read and write with a point. */
TEST(json_locale_independent) {
    static const char *const names[] = { "de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8", "fr_FR.utf8",
                                         "fr_FR", "nl_NL.UTF-8", "es_ES.UTF-8", "it_IT.UTF-8", "ru_RU.UTF-8",
                                         "pt_BR.UTF-8", "C.UTF-8" };
    const char *found = NULL;
    size_t i;
    for (i = 0; i < JT_COUNT(names) && !found; i++) {
        const struct lconv *lc;
        if (!setlocale(LC_NUMERIC, names[i])) continue;
        lc = localeconv();
        if (lc && lc->decimal_point && lc->decimal_point[0] == ',') found = names[i];
    }
    if (!found) {
        setlocale(LC_NUMERIC, "C");
        TEST_SKIP("no installed locale has a decimal comma");
    }
    {
        ailib_json_doc *d = NULL;
        ailib_json_writer w;
        uint64_t seed = 77;
        int k, bad = 0;
        /* EXPECT only in here: the locale is restored below */
        EXPECT_DBL_EQ(jt_parse_double("1.5", 3, NULL), 1.5);
        EXPECT_DBL_EQ(jt_parse_double("-2.25e1", 7, NULL), -22.5);
        if (jt_parse("[1.5,2.25,3e-1]", 15, NULL, &d, NULL) == AILIB_OK) {
            EXPECT_EQ(ailib_json_size(JT_ROOT(d)), 3);
            EXPECT_DBL_EQ(ailib_json_double(ailib_json_at(JT_ROOT(d), 1)), 2.25);
            EXPECT_DBL_EQ(ailib_json_double(ailib_json_at(JT_ROOT(d), 2)), 0.3);
            ailib_json_doc_destroy(d);
        } else {
            EXPECT_TRUE(!"[1.5,2.25,3e-1] parses under a decimal-comma locale");
        }
        ailib_json_writer_init(&w, NULL);
        ailib_json_write_double(&w, 1.5);
        EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
        EXPECT_MEM_EQ(w.buf, w.len, "1.5");
        ailib_json_writer_reset(&w);
        ailib_json_write_array_begin(&w);
        ailib_json_write_double(&w, 0.1);
        ailib_json_write_double(&w, 1e-7);
        ailib_json_write_array_end(&w);
        EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
        /* one comma: the separator */
        EXPECT_TRUE(w.buf && strchr(w.buf, ',') && strchr(w.buf, ',') == strrchr(w.buf, ','));
        for (k = 0; k < 200; k++) {
            uint64_t bits = jt_rand(&seed);
            if (((bits >> 52) & 0x7FF) == 0x7FF) continue;
            if (!jt_roundtrip_one(&w, jt_from_bits(bits), NULL)) bad++;
        }
        EXPECT_EQ(bad, 0);
        ailib_json_writer_deinit(&w);
    }
    setlocale(LC_NUMERIC, "C");
}

/* ---- nesting ------------------------------------------------------------------------------- */

TEST(json_depth_default_limit) {
    size_t len, pos = 0;
    char *s = jt_nest(512, "[", "", "]", &len);
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(jt_code(s, len, NULL, NULL), AILIB_OK);
    free(s);
    s = jt_nest(513, "[", "", "]", &len);
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(jt_code(s, len, NULL, &pos), AILIB_JSON_DEPTH);
    EXPECT_EQ(pos, 512);
    free(s);
    s = jt_nest(512, "{\"a\":", "1", "}", &len);
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(jt_code(s, len, NULL, NULL), AILIB_OK);
    free(s);
    s = jt_nest(513, "{\"a\":", "1", "}", &len);
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(jt_code(s, len, NULL, &pos), AILIB_JSON_DEPTH);
    EXPECT_EQ(pos, 512 * 5);
    free(s);
    s = jt_nest(256, "[{\"k\":", "[]", "}]", &len);   /* 513 levels, mixed */
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(jt_code(s, len, NULL, NULL), AILIB_JSON_DEPTH);
    free(s);
    s = jt_nest(256, "[{\"k\":", "0", "}]", &len);    /* 512 levels, mixed */
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(jt_code(s, len, NULL, NULL), AILIB_OK);
    free(s);
}

TEST(json_depth_option) {
    ailib_json_parse_options opt;
    size_t len, pos = 0;
    char *s;
    memset(&opt, 0, sizeof opt);
    opt.max_depth = 3;
    EXPECT_EQ(JT_CODE("[[[1]]]", &opt, NULL), AILIB_OK);
    EXPECT_EQ(JT_CODE("[[[[1]]]]", &opt, &pos), AILIB_JSON_DEPTH);
    EXPECT_EQ(pos, 3);
    EXPECT_EQ(JT_CODE("{\"a\":{\"b\":{\"c\":1}}}", &opt, NULL), AILIB_OK);
    EXPECT_EQ(JT_CODE("{\"a\":{\"b\":{\"c\":{}}}}", &opt, &pos), AILIB_JSON_DEPTH);
    EXPECT_EQ(pos, 15);
    EXPECT_EQ(JT_CODE("[[],[[]],{\"a\":[]}]", &opt, NULL), AILIB_OK);
    EXPECT_EQ(JT_CODE("[[[", &opt, &pos), AILIB_JSON_SYNTAX);   /* 3 deep, then the end */
    EXPECT_EQ(pos, 3);
    EXPECT_EQ(JT_CODE("\"deep\"", &opt, NULL), AILIB_OK);
    opt.max_depth = 1;
    EXPECT_EQ(JT_CODE("[]", &opt, NULL), AILIB_OK);
    EXPECT_EQ(JT_CODE("[1,2]", &opt, NULL), AILIB_OK);
    EXPECT_EQ(JT_CODE("[[]]", &opt, NULL), AILIB_JSON_DEPTH);
    EXPECT_EQ(JT_CODE("{\"a\":{}}", &opt, NULL), AILIB_JSON_DEPTH);
    EXPECT_EQ(JT_CODE("7", &opt, NULL), AILIB_OK);
    opt.max_depth = 0;   /* zero means the default */
    s = jt_nest(512, "[", "", "]", &len);
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(jt_code(s, len, &opt, NULL), AILIB_OK);
    free(s);
}

/* n unclosed '[' (one value per byte of input): SYNTAX at the end up to the limit, DEPTH after. */
TEST(json_depth_unterminated) {
    size_t n, len, pos;
    ailib_json_parse_options opt;
    memset(&opt, 0, sizeof opt);
    opt.max_depth = 100000;
    for (n = 1; n <= 600; n++) {
        char *s = jt_nest(n, "[", "", "", &len);
        ailib_result r;
        ASSERT_TRUE(s != NULL);
        pos = 0;
        r = jt_code(s, len, NULL, &pos);
        if (n <= 512 ? (r != AILIB_JSON_SYNTAX || pos != n) : (r != AILIB_JSON_DEPTH || pos != 512))
            ailib_test_fail(__FILE__, __LINE__, "%zu x '[': %s at %zu", n, ailib_result_name(r), pos);
        r = jt_code(s, len, &opt, &pos);
        if (r != AILIB_JSON_SYNTAX || pos != n)
            ailib_test_fail(__FILE__, __LINE__, "%zu x '[' (max_depth 100000): %s at %zu", n, ailib_result_name(r), pos);
        free(s);
    }
}

/* 100000 levels: must fail (or, with a raised limit, succeed) without blowing the stack. */
TEST(json_depth_100000) {
    size_t n = 100000, len, pos = 0;
    ailib_json_parse_options opt;
    char *s = jt_nest(n, "[", "", "", &len);
    ailib_result r;
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(jt_code(s, len, NULL, &pos), AILIB_JSON_DEPTH);
    EXPECT_EQ(pos, 512);
    memset(&opt, 0, sizeof opt);
    opt.max_depth = 200000;
    r = jt_code(s, len, &opt, NULL);
    EXPECT_TRUE(r == AILIB_JSON_SYNTAX || r == AILIB_JSON_DEPTH);
    free(s);
    s = jt_nest(n, "[", "", "]", &len);
    ASSERT_TRUE(s != NULL);
    EXPECT_EQ(jt_code(s, len, NULL, NULL), AILIB_JSON_DEPTH);
    {
        ailib_json_doc *d = NULL;
        r = jt_parse(s, len, &opt, &d, NULL);
        EXPECT_TRUE(r == AILIB_OK || r == AILIB_JSON_DEPTH);
        if (r == AILIB_OK) {
            const ailib_json *v = JT_ROOT(d);
            size_t depth = 0;
            ailib_json_writer w;
            while (ailib_json_size(v) == 1) { v = ailib_json_first(v); depth++; }
            EXPECT_EQ(depth, n - 1);
            EXPECT_TRUE(ailib_json_is_array(v));
            EXPECT_EQ(ailib_json_size(v), 0);
            /* the writer tracks 512 levels: copying this must fail cleanly */
            ailib_json_writer_init(&w, NULL);
            ailib_json_write_value(&w, JT_ROOT(d));
            EXPECT_NE(ailib_json_writer_finish(&w), AILIB_OK);
            ailib_json_writer_deinit(&w);
            ailib_json_doc_destroy(d);
        }
    }
    free(s);
}

/* ---- DOM accessors ------------------------------------------------------------------------ */

TEST(json_dom_types) {
    ailib_json_doc *d = JT_DOC("[null,false,true,1,1.5,\"s\",[],{}]");
    const ailib_json *r, *v;
    static const ailib_json_type want[] = { AILIB_JSON_NULL, AILIB_JSON_FALSE, AILIB_JSON_TRUE, AILIB_JSON_INT,
                                            AILIB_JSON_REAL, AILIB_JSON_STRING, AILIB_JSON_ARRAY, AILIB_JSON_OBJECT };
    size_t i;
    ASSERT_TRUE(d != NULL);
    r = JT_ROOT(d);
    EXPECT_EQ(ailib_json_type_of(r), AILIB_JSON_ARRAY);
    ASSERT_EQ(ailib_json_size(r), 8);
    for (i = 0, v = ailib_json_first(r); i < 8; i++, v = ailib_json_next(v)) {
        ASSERT_TRUE(v != NULL);
        EXPECT_EQ(ailib_json_type_of(v), want[i]);
        EXPECT_EQ(ailib_json_is_null(v) != 0, i == 0);
        EXPECT_EQ(ailib_json_is_bool(v) != 0, i == 1 || i == 2);
        EXPECT_EQ(ailib_json_bool(v), i == 2);
        EXPECT_EQ(ailib_json_is_number(v) != 0, i == 3 || i == 4);
        EXPECT_EQ(ailib_json_is_string(v) != 0, i == 5);
        EXPECT_EQ(ailib_json_is_array(v) != 0, i == 6);
        EXPECT_EQ(ailib_json_is_object(v) != 0, i == 7);
        EXPECT_TRUE(ailib_json_at(r, i) == v);
        if (i != 5) { size_t len = 0; EXPECT_TRUE(ailib_json_str(v, &len) == NULL); }
        if (i < 6) { EXPECT_EQ(ailib_json_size(v), 0); EXPECT_TRUE(ailib_json_first(v) == NULL); }
        if (i != 7) EXPECT_TRUE(ailib_json_get(v, "a") == NULL);
    }
    /* the string's length lives in its tag: size must still say 0 */
    EXPECT_EQ(ailib_json_size(ailib_json_at(r, 5)), 0);
    JT_EXPECT_STR(ailib_json_at(r, 5), "s");
    EXPECT_TRUE(ailib_json_first(ailib_json_at(r, 6)) == NULL);
    EXPECT_TRUE(ailib_json_first(ailib_json_at(r, 7)) == NULL);
    ailib_json_doc_destroy(d);
}

TEST(json_dom_null_accessors) {
    size_t len = 99;
    EXPECT_EQ(ailib_json_type_of(NULL), AILIB_JSON_NULL);
    EXPECT_TRUE(ailib_json_is_null(NULL));
    EXPECT_FALSE(ailib_json_is_bool(NULL));
    EXPECT_FALSE(ailib_json_is_number(NULL));
    EXPECT_FALSE(ailib_json_is_string(NULL));
    EXPECT_FALSE(ailib_json_is_array(NULL));
    EXPECT_FALSE(ailib_json_is_object(NULL));
    EXPECT_EQ(ailib_json_bool(NULL), 0);
    EXPECT_EQ(ailib_json_int(NULL), 0);
    EXPECT_DBL_EQ(ailib_json_double(NULL), 0.0);
    EXPECT_TRUE(ailib_json_str(NULL, &len) == NULL);
    EXPECT_EQ(ailib_json_size(NULL), 0);
    EXPECT_TRUE(ailib_json_first(NULL) == NULL);
    EXPECT_TRUE(ailib_json_next(NULL) == NULL);
    EXPECT_TRUE(ailib_json_at(NULL, 0) == NULL);
    EXPECT_TRUE(ailib_json_get(NULL, "a") == NULL);
    EXPECT_TRUE(ailib_json_getn(NULL, "a", 1) == NULL);
    EXPECT_TRUE(ailib_json_path(NULL, "a", "b", (const char *)NULL) == NULL);
    EXPECT_TRUE(ailib_json_doc_root(NULL) == NULL);
    {
        ailib_json_doc *d = JT_DOC("1");
        ASSERT_TRUE(d != NULL);
        EXPECT_FALSE(ailib_json_equal(NULL, JT_ROOT(d)));
        EXPECT_FALSE(ailib_json_equal(JT_ROOT(d), NULL));
        ailib_json_doc_destroy(d);
    }
}

TEST(json_dom_object_order_and_duplicates) {
    ailib_json_doc *d = JT_DOC("{\"z\":1,\"a\":[2,3],\"m\":{\"q\":4},\"a\":5,\"\":6}");
    static const char *const keys[] = { "z", "a", "m", "a", "" };
    const ailib_json *r, *k, *v;
    size_t i;
    ASSERT_TRUE(d != NULL);
    r = JT_ROOT(d);
    EXPECT_TRUE(ailib_json_is_object(r));
    ASSERT_EQ(ailib_json_size(r), 5);
    k = ailib_json_first(r);
    for (i = 0; i < 5; i++) {
        size_t len = 99;
        const char *s;
        ASSERT_TRUE(k != NULL);
        EXPECT_TRUE(ailib_json_is_string(k));
        s = ailib_json_str(k, &len);
        EXPECT_TRUE(s && len == strlen(keys[i]) && strcmp(s, keys[i]) == 0);
        v = ailib_json_next(k);
        ASSERT_TRUE(v != NULL);
        if (i == 0) EXPECT_EQ(ailib_json_int(v), 1);
        if (i == 1) { EXPECT_EQ(ailib_json_size(v), 2); EXPECT_EQ(ailib_json_int(ailib_json_at(v, 1)), 3); }
        if (i == 2) EXPECT_EQ(ailib_json_int(ailib_json_get(v, "q")), 4);
        if (i == 3) EXPECT_EQ(ailib_json_int(v), 5);
        if (i == 4) EXPECT_EQ(ailib_json_int(v), 6);
        if (i + 1 < 5) k = ailib_json_next(v);
    }
    /* first match wins */
    EXPECT_TRUE(ailib_json_is_array(ailib_json_get(r, "a")));
    EXPECT_EQ(ailib_json_int(ailib_json_get(r, "")), 6);
    EXPECT_EQ(ailib_json_int(ailib_json_get(r, "z")), 1);
    ailib_json_doc_destroy(d);
}

TEST(json_dom_get_getn) {
    ailib_json_doc *d = JT_DOC("{\"abc\":1,\"ab\":2,\"a\\\"b\":3,\"\\u00e9t\\u00e9\":4,\"x\":null}");
    const ailib_json *r;
    ASSERT_TRUE(d != NULL);
    r = JT_ROOT(d);
    EXPECT_EQ(ailib_json_int(ailib_json_get(r, "abc")), 1);
    EXPECT_EQ(ailib_json_int(ailib_json_get(r, "ab")), 2);
    EXPECT_EQ(ailib_json_int(ailib_json_getn(r, "abcdef", 2)), 2);
    EXPECT_EQ(ailib_json_int(ailib_json_getn(r, "abcdef", 3)), 1);
    EXPECT_EQ(ailib_json_int(ailib_json_get(r, "a\"b")), 3);
    EXPECT_EQ(ailib_json_int(ailib_json_get(r, "\xC3\xA9t\xC3\xA9")), 4);
    EXPECT_TRUE(ailib_json_get(r, "a") == NULL);
    EXPECT_TRUE(ailib_json_get(r, "abcd") == NULL);
    EXPECT_TRUE(ailib_json_get(r, "ABC") == NULL);
    EXPECT_TRUE(ailib_json_get(r, "") == NULL);
    EXPECT_TRUE(ailib_json_getn(r, "a", 0) == NULL);
    /* a member whose value is null is present, and typed null */
    EXPECT_TRUE(ailib_json_get(r, "x") != NULL);
    EXPECT_EQ(ailib_json_type_of(ailib_json_get(r, "x")), AILIB_JSON_NULL);
    /* get on an array is absent, not an index */
    ailib_json_doc_destroy(d);
    d = JT_DOC("[\"abc\",1]");
    ASSERT_TRUE(d != NULL);
    EXPECT_TRUE(ailib_json_get(JT_ROOT(d), "abc") == NULL);
    ailib_json_doc_destroy(d);
}

TEST(json_dom_at_and_nested_iteration) {
    ailib_json_doc *d = JT_DOC("[[1,[2,[3]]],{\"a\":[4,{\"b\":5}],\"c\":6},7,\"eight\",[],{}]");
    const ailib_json *r, *v;
    ASSERT_TRUE(d != NULL);
    r = JT_ROOT(d);
    ASSERT_EQ(ailib_json_size(r), 6);
    v = ailib_json_first(r);
    EXPECT_EQ(ailib_json_size(v), 2);
    v = ailib_json_next(v);                      /* skips the whole first subtree */
    EXPECT_TRUE(ailib_json_is_object(v));
    EXPECT_EQ(ailib_json_int(ailib_json_get(v, "c")), 6);
    v = ailib_json_next(v);
    EXPECT_EQ(ailib_json_int(v), 7);
    v = ailib_json_next(v);
    JT_EXPECT_STR(v, "eight");
    v = ailib_json_next(v);
    EXPECT_TRUE(ailib_json_is_array(v));
    EXPECT_EQ(ailib_json_size(v), 0);
    v = ailib_json_next(v);
    EXPECT_TRUE(ailib_json_is_object(v));
    EXPECT_EQ(ailib_json_size(v), 0);
    EXPECT_EQ(ailib_json_int(ailib_json_at(r, 2)), 7);
    EXPECT_TRUE(ailib_json_at(r, 5) == v);
    EXPECT_TRUE(ailib_json_at(r, 6) == NULL);
    EXPECT_TRUE(ailib_json_at(r, (size_t)-1) == NULL);
    v = ailib_json_at(ailib_json_at(ailib_json_at(r, 0), 1), 1);
    EXPECT_EQ(ailib_json_int(ailib_json_at(v, 0)), 3);
    EXPECT_TRUE(ailib_json_at(v, 1) == NULL);
    v = ailib_json_get(ailib_json_at(r, 1), "a");
    EXPECT_EQ(ailib_json_int(ailib_json_get(ailib_json_at(v, 1), "b")), 5);
    ailib_json_doc_destroy(d);
}

TEST(json_dom_path) {
    ailib_json_doc *d = JT_DOC("{\"usage\":{\"prompt_tokens\":12,\"details\":{\"cached\":3}},\"list\":[1],\"s\":\"x\"}");
    const ailib_json *r;
    ASSERT_TRUE(d != NULL);
    r = JT_ROOT(d);
    EXPECT_EQ(ailib_json_int(ailib_json_path(r, "usage", "prompt_tokens", (const char *)NULL)), 12);
    EXPECT_EQ(ailib_json_int(ailib_json_path(r, "usage", "details", "cached", (const char *)NULL)), 3);
    EXPECT_TRUE(ailib_json_path(r, "usage", (const char *)NULL) == ailib_json_get(r, "usage"));
    EXPECT_TRUE(ailib_json_path(r, (const char *)NULL) == r);
    EXPECT_TRUE(ailib_json_path(r, "usage", "missing", (const char *)NULL) == NULL);
    EXPECT_TRUE(ailib_json_path(r, "missing", "prompt_tokens", (const char *)NULL) == NULL);
    EXPECT_TRUE(ailib_json_path(r, "list", "0", (const char *)NULL) == NULL);
    EXPECT_TRUE(ailib_json_path(r, "s", "x", (const char *)NULL) == NULL);
    EXPECT_TRUE(ailib_json_path(r, "usage", "prompt_tokens", "deeper", (const char *)NULL) == NULL);
    ailib_json_doc_destroy(d);
}

typedef struct jt_eq_case { const char *a, *b; int equal; } jt_eq_case;

TEST(json_dom_equal) {
    static const jt_eq_case c[] = {
        { "1", "1.0", 1 }, { "1", "1e0", 1 }, { "100", "1e2", 1 }, { "1", "2", 0 }, { "0", "-0", 1 },
        { "0", "-0.0", 1 }, { "1.5", "1.5", 1 }, { "0.1", "0.10", 1 }, { "1.5", "1.25", 0 },
        { "9223372036854775807", "9223372036854775806", 0 }, { "-9223372036854775808", "-9223372036854775808", 1 },
        { "\"a\"", "\"a\"", 1 }, { "\"a\"", "\"b\"", 0 }, { "\"a\"", "\"ab\"", 0 },
        { "\"a\\u0000b\"", "\"a\\u0000c\"", 0 }, { "\"a\\u0000b\"", "\"a\\u0000b\"", 1 }, { "\"a\"", "\"a\\u0000\"", 0 },
        { "\"\\u0041\"", "\"A\"", 1 }, { "\"1\"", "1", 0 },
        { "true", "true", 1 }, { "true", "false", 0 }, { "true", "1", 0 }, { "false", "0", 0 },
        { "null", "null", 1 }, { "null", "false", 0 }, { "null", "0", 0 }, { "null", "\"\"", 0 },
        { "[]", "{}", 0 }, { "[]", "[]", 1 }, { "{}", "{}", 1 }, { "[[]]", "[{}]", 0 }, { "[]", "[null]", 0 },
        { "[1,2]", "[1,2]", 1 }, { "[1,2]", "[2,1]", 0 }, { "[1,2]", "[1,2,3]", 0 }, { "[1,2.0]", "[1.0,2]", 1 },
        { "{\"a\":1,\"b\":[1,2]}", "{\"b\":[1,2.0],\"a\":1}", 1 }, { "{\"a\":1}", "{\"a\":1,\"b\":2}", 0 },
        { "{\"a\":1}", "{\"b\":1}", 0 }, { "{\"a\":1}", "{\"a\":2}", 0 }, { "{\"a\":1,\"b\":2}", "{\"a\":1,\"c\":2}", 0 },
        { "{\"a\":1,\"b\":2}", "{\"a\":1,\"a\":2}", 0 }, { "{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":2}", 1 },
        { "{\"a\":{\"x\":[1,{\"y\":null}]}}", "{\"a\":{\"x\":[1,{\"y\":null}]}}", 1 },
        { "{\"a\":{\"x\":[1,{\"y\":null}]}}", "{\"a\":{\"x\":[1,{\"y\":false}]}}", 0 },
        { "{\"k\":[{\"a\":1,\"b\":2},{\"c\":3}]}", "{\"k\":[{\"b\":2,\"a\":1},{\"c\":3}]}", 1 },
        { "[{\"a\":1},{\"b\":2}]", "[{\"b\":2},{\"a\":1}]", 0 },
        { "{\"a\":[]}", "{\"a\":{}}", 0 }, { "{\"\":0}", "{\"\":0}", 1 }, { "{\"a\":1}", "[\"a\",1]", 0 },
    };
    size_t i;
    for (i = 0; i < JT_COUNT(c); i++) {
        ailib_json_doc *a = JT_DOCN(c[i].a, strlen(c[i].a)), *b = JT_DOCN(c[i].b, strlen(c[i].b));
        if (a && b) {
            int ab = ailib_json_equal(JT_ROOT(a), JT_ROOT(b)) != 0, ba = ailib_json_equal(JT_ROOT(b), JT_ROOT(a)) != 0;
            if (ab != c[i].equal || ba != c[i].equal)
                ailib_test_fail(__FILE__, __LINE__, "equal(%s, %s) = %d / reversed %d, want %d", c[i].a, c[i].b, ab, ba, c[i].equal);
            EXPECT_TRUE(ailib_json_equal(JT_ROOT(a), JT_ROOT(a)));
        }
        if (a) ailib_json_doc_destroy(a);
        if (b) ailib_json_doc_destroy(b);
    }
}

/* 100000 objects, built by the writer, read back in order; a copy is byte-identical. */
TEST(json_dom_large_document) {
    size_t n = 100000, i;
    ailib_json_writer w, w2;
    ailib_json_doc *d;
    const ailib_json *r, *v;
    char name[32];
    int bad = 0;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_array_begin(&w);
    for (i = 0; i < n; i++) {
        snprintf(name, sizeof name, "v%zu", i);
        ailib_json_write_object_begin(&w);
        ailib_json_write_key(&w, "i");
        ailib_json_write_int(&w, (int64_t)i);
        ailib_json_write_key(&w, "s");
        ailib_json_write_string(&w, name);
        ailib_json_write_key(&w, "f");
        ailib_json_write_double(&w, (double)i + 0.5);
        ailib_json_write_key(&w, "e");
        ailib_json_write_array_begin(&w);
        ailib_json_write_array_end(&w);
        ailib_json_write_object_end(&w);
    }
    ailib_json_write_array_end(&w);
    ASSERT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    d = JT_DOCN(w.buf, w.len);
    ASSERT_TRUE(d != NULL);
    r = JT_ROOT(d);
    ASSERT_EQ(ailib_json_size(r), n);
    for (i = 0, v = ailib_json_first(r); i < n; i++, v = ailib_json_next(v)) {
        size_t len = 0;
        const char *s;
        snprintf(name, sizeof name, "v%zu", i);
        s = ailib_json_str(ailib_json_get(v, "s"), &len);
        if (ailib_json_size(v) != 4 || ailib_json_int(ailib_json_get(v, "i")) != (int64_t)i ||
            !s || strcmp(s, name) != 0 || ailib_json_double(ailib_json_get(v, "f")) != (double)i + 0.5 ||
            !ailib_json_is_array(ailib_json_get(v, "e"))) {
            if (bad++ < 3) ailib_test_fail(__FILE__, __LINE__, "element %zu is wrong", i);
        }
    }
    EXPECT_EQ(bad, 0);
    EXPECT_EQ(ailib_json_int(ailib_json_get(ailib_json_at(r, n - 1), "i")), (int64_t)(n - 1));
    EXPECT_TRUE(ailib_json_at(r, n) == NULL);
    ailib_json_writer_init(&w2, NULL);
    ailib_json_write_value(&w2, r);
    EXPECT_EQ(ailib_json_writer_finish(&w2), AILIB_OK);
    EXPECT_TRUE(w2.len == w.len && memcmp(w2.buf, w.buf, w.len) == 0);
    ailib_json_writer_deinit(&w2);
    ailib_json_doc_destroy(d);
    ailib_json_writer_deinit(&w);
}

TEST(json_doc_reparse) {
    ailib_json_doc *d = ailib_json_doc_create(NULL);
    ailib_error err;
    char text[32];
    ASSERT_TRUE(d != NULL);
    EXPECT_TRUE(ailib_json_doc_root(d) == NULL);
    ASSERT_EQ(ailib_json_doc_reparse(d, "[1,2,3]", 7, &err), AILIB_OK);
    EXPECT_EQ(ailib_json_size(ailib_json_doc_root(d)), 3);
    EXPECT_EQ(ailib_json_int(ailib_json_at(ailib_json_doc_root(d), 2)), 3);
    ASSERT_EQ(ailib_json_doc_reparse(d, "{\"k\":\"v\",\"n\":[true]}", 20, &err), AILIB_OK);
    JT_EXPECT_STR(ailib_json_get(ailib_json_doc_root(d), "k"), "v");
    EXPECT_TRUE(ailib_json_bool(ailib_json_at(ailib_json_get(ailib_json_doc_root(d), "n"), 0)));
    ailib_error_clear(&err);
    EXPECT_EQ(ailib_json_doc_reparse(d, "[1,]", 4, &err), AILIB_JSON_SYNTAX);
    EXPECT_EQ(err.code, AILIB_JSON_SYNTAX);
    EXPECT_EQ(err.byte_pos, 3);
    EXPECT_TRUE(ailib_json_doc_root(d) == NULL);   /* nothing parsed */
    /* the document keeps its own copy of the text */
    memcpy(text, "[\"abc\",{\"x\":1.5}]", 18);
    ASSERT_EQ(ailib_json_doc_reparse(d, text, 17, NULL), AILIB_OK);
    memset(text, 'x', sizeof text);
    JT_EXPECT_STR(ailib_json_at(ailib_json_doc_root(d), 0), "abc");
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_path(ailib_json_at(ailib_json_doc_root(d), 1), "x", (const char *)NULL)), 1.5);
    /* bigger than anything before */
    {
        size_t len;
        char *big = jt_nest(300, "[", "\"deep\"", "]", &len);
        ASSERT_TRUE(big != NULL);
        EXPECT_EQ(ailib_json_doc_reparse(d, big, len, NULL), AILIB_OK);
        free(big);
    }
    ASSERT_EQ(ailib_json_doc_reparse(d, "true", 4, NULL), AILIB_OK);
    EXPECT_EQ(ailib_json_type_of(ailib_json_doc_root(d)), AILIB_JSON_TRUE);
    ailib_json_doc_destroy(d);

    /* a document from ailib_json_parse can be reparsed too */
    d = JT_DOC("[1]");
    ASSERT_TRUE(d != NULL);
    ASSERT_EQ(ailib_json_doc_reparse(d, "{\"z\":26}", 8, NULL), AILIB_OK);
    EXPECT_EQ(ailib_json_int(ailib_json_get(ailib_json_doc_root(d), "z")), 26);
    ailib_json_doc_destroy(d);
}

TEST(json_doc_reparse_keeps_options) {
    ailib_json_parse_options opt;
    ailib_json_doc *d;
    memset(&opt, 0, sizeof opt);
    opt.max_depth = 2;
    opt.allow_lone_surrogates = 1;
    d = ailib_json_doc_create(&opt);
    ASSERT_TRUE(d != NULL);
    EXPECT_EQ(ailib_json_doc_reparse(d, "[[1]]", 5, NULL), AILIB_OK);
    EXPECT_EQ(ailib_json_doc_reparse(d, "[[[1]]]", 7, NULL), AILIB_JSON_DEPTH);
    ASSERT_EQ(ailib_json_doc_reparse(d, "\"\\uD800\"", 8, NULL), AILIB_OK);
    JT_EXPECT_STR(ailib_json_doc_root(d), "\xEF\xBF\xBD");
    ailib_json_doc_destroy(d);
}

/* ---- writer --------------------------------------------------------------------------------- */

#define JT_RAW(w, lit) ailib_json_write_raw((w), (lit), JT_LEN(lit))
#define JT_EXPECT_OUT(w, lit) do { EXPECT_EQ(ailib_json_writer_finish(w), AILIB_OK); \
    EXPECT_MEM_EQ((w)->buf, (w)->len, lit); \
    EXPECT_TRUE((w)->buf && (w)->buf[(w)->len] == 0); } while (0)

TEST(json_writer_builds_nested) {
    ailib_json_writer w;
    ailib_json_doc *d;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_object_begin(&w);
    ailib_json_write_key(&w, "name");
    ailib_json_write_string(&w, "get_weather");
    ailib_json_write_key(&w, "params");
    ailib_json_write_object_begin(&w);
    ailib_json_write_key(&w, "type");
    ailib_json_write_string(&w, "object");
    ailib_json_write_key(&w, "required");
    ailib_json_write_array_begin(&w);
    ailib_json_write_string(&w, "city");
    ailib_json_write_array_end(&w);
    ailib_json_write_object_end(&w);
    ailib_json_write_keyn(&w, "nxyz", 1);
    ailib_json_write_int(&w, -5);
    ailib_json_write_key(&w, "ok");
    ailib_json_write_bool(&w, 1);
    ailib_json_write_key(&w, "no");
    ailib_json_write_bool(&w, 0);
    ailib_json_write_key(&w, "nil");
    ailib_json_write_null(&w);
    ailib_json_write_key(&w, "nil2");
    ailib_json_write_string(&w, NULL);
    ailib_json_write_key(&w, "pi");
    ailib_json_write_double(&w, 3.25);
    ailib_json_write_key(&w, "sn");
    ailib_json_write_stringn(&w, "abcdef", 3);
    ailib_json_write_key(&w, "arr");
    ailib_json_write_array_begin(&w);
    ailib_json_write_array_begin(&w);
    ailib_json_write_array_end(&w);
    ailib_json_write_object_begin(&w);
    ailib_json_write_object_end(&w);
    ailib_json_write_int(&w, 0);
    ailib_json_write_array_end(&w);
    ailib_json_write_object_end(&w);
    JT_EXPECT_OUT(&w, "{\"name\":\"get_weather\",\"params\":{\"type\":\"object\",\"required\":[\"city\"]},"
                      "\"n\":-5,\"ok\":true,\"no\":false,\"nil\":null,\"nil2\":null,\"pi\":3.25,\"sn\":\"abc\","
                      "\"arr\":[[],{},0]}");
    d = JT_DOCN(w.buf, w.len);
    if (d) {
        EXPECT_EQ(ailib_json_int(ailib_json_get(JT_ROOT(d), "n")), -5);
        ailib_json_doc_destroy(d);
    }
    ailib_json_writer_deinit(&w);
}

TEST(json_writer_scalars_and_int64) {
    ailib_json_writer w;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_int(&w, INT64_MIN);
    JT_EXPECT_OUT(&w, "-9223372036854775808");
    ailib_json_writer_reset(&w);
    ailib_json_write_int(&w, INT64_MAX);
    JT_EXPECT_OUT(&w, "9223372036854775807");
    ailib_json_writer_reset(&w);
    ailib_json_write_int(&w, 0);
    JT_EXPECT_OUT(&w, "0");
    ailib_json_writer_reset(&w);
    ailib_json_write_int(&w, -1);
    JT_EXPECT_OUT(&w, "-1");
    ailib_json_writer_reset(&w);
    ailib_json_write_string(&w, "x");
    JT_EXPECT_OUT(&w, "\"x\"");
    ailib_json_writer_reset(&w);
    ailib_json_write_string(&w, "");
    JT_EXPECT_OUT(&w, "\"\"");
    ailib_json_writer_reset(&w);
    ailib_json_write_null(&w);
    JT_EXPECT_OUT(&w, "null");
    ailib_json_writer_reset(&w);
    ailib_json_write_bool(&w, 0);
    JT_EXPECT_OUT(&w, "false");
    ailib_json_writer_reset(&w);
    ailib_json_write_array_begin(&w);
    ailib_json_write_int(&w, INT64_MIN);
    ailib_json_write_int(&w, INT64_MAX);
    ailib_json_write_array_end(&w);
    JT_EXPECT_OUT(&w, "[-9223372036854775808,9223372036854775807]");
    {
        ailib_json_doc *d = JT_DOCN(w.buf, w.len);
        if (d) {
            EXPECT_TRUE(ailib_json_int(ailib_json_at(JT_ROOT(d), 0)) == INT64_MIN);
            EXPECT_TRUE(ailib_json_int(ailib_json_at(JT_ROOT(d), 1)) == INT64_MAX);
            ailib_json_doc_destroy(d);
        }
    }
    ailib_json_writer_deinit(&w);
}

/* Lower-case copy, for comparing \u00XX escapes whose hex case is the writer's choice. */
static void jt_lower(char *dst, const char *src, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) dst[i] = (char)((src[i] >= 'A' && src[i] <= 'Z') ? src[i] + 32 : src[i]);
    dst[n] = 0;
}

TEST(json_writer_escapes) {
    ailib_json_writer w;
    int c;
    ailib_json_writer_init(&w, NULL);
    for (c = 0; c < 0x20; c++) {
        char in = (char)c, want[16], got[64];
        ailib_json_doc *d;
        switch (c) {
        case '\b': strcpy(want, "\"\\b\""); break;
        case '\t': strcpy(want, "\"\\t\""); break;
        case '\n': strcpy(want, "\"\\n\""); break;
        case '\f': strcpy(want, "\"\\f\""); break;
        case '\r': strcpy(want, "\"\\r\""); break;
        default: snprintf(want, sizeof want, "\"\\u%04x\"", c); break;
        }
        ailib_json_writer_reset(&w);
        ailib_json_write_stringn(&w, &in, 1);
        if (ailib_json_writer_finish(&w) != AILIB_OK || w.len >= sizeof got) {
            ailib_test_fail(__FILE__, __LINE__, "control 0x%02X: finish failed", c);
            continue;
        }
        jt_lower(got, w.buf, w.len);
        if (strchr(want, 'u') ? strcmp(got, want) != 0 : (w.len != strlen(want) || memcmp(w.buf, want, w.len) != 0))
            ailib_test_fail(__FILE__, __LINE__, "control 0x%02X written as \"%s\", want \"%s\"", c, jt_show(w.buf, w.len), want);
        d = JT_DOCN(w.buf, w.len);
        if (d) { jt_expect_str_at(__FILE__, __LINE__, JT_ROOT(d), &in, 1); ailib_json_doc_destroy(d); }
    }
    ailib_json_writer_reset(&w);
    ailib_json_write_string(&w, "q\"b\\");
    JT_EXPECT_OUT(&w, "\"q\\\"b\\\\\"");
    /* '/' and DEL need no escape; either form is fine as long as it reads back */
    ailib_json_writer_reset(&w);
    ailib_json_write_string(&w, "a/b\x7F");
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    EXPECT_TRUE(w.buf && (strcmp(w.buf, "\"a/b\x7F\"") == 0 || strcmp(w.buf, "\"a\\/b\x7F\"") == 0 ||
                          strcmp(w.buf, "\"a/b\\u007f\"") == 0 || strcmp(w.buf, "\"a/b\\u007F\"") == 0 ||
                          strcmp(w.buf, "\"a\\/b\\u007f\"") == 0 || strcmp(w.buf, "\"a\\/b\\u007F\"") == 0));
    /* keys are escaped the same way; NUL inside a key */
    ailib_json_writer_reset(&w);
    ailib_json_write_object_begin(&w);
    ailib_json_write_keyn(&w, "k\0\n\"", 4);
    ailib_json_write_stringn(&w, "v\0w", 3);
    ailib_json_write_object_end(&w);
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    {
        ailib_json_doc *d = w.buf ? JT_DOCN(w.buf, w.len) : NULL;
        char low[64];
        if (w.len < sizeof low) {
            jt_lower(low, w.buf, w.len);
            EXPECT_STR_EQ(low, "{\"k\\u0000\\n\\\"\":\"v\\u0000w\"}");
        }
        if (d) {
            const ailib_json *v = ailib_json_getn(JT_ROOT(d), "k\0\n\"", 4);
            jt_expect_str_at(__FILE__, __LINE__, v, "v\0w", 3);
            ailib_json_doc_destroy(d);
        }
    }
    ailib_json_writer_deinit(&w);
}

TEST(json_writer_utf8) {
    static const char *const bad[] = { "\xC0\x80", "\xFF", "\xED\xA0\x80", "a\xE2\x82", "\xF4\x90\x80\x80",
                                       "\x80", ("\xC2" "A"), "\xF0\x9F\x98", "\xE0\x80\x80", "\xF5\x80\x80\x80" };
    ailib_json_writer w;
    size_t i;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_string(&w, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xEF\xBF\xBF");
    JT_EXPECT_OUT(&w, "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xEF\xBF\xBF\"");
    ailib_json_writer_deinit(&w);
    for (i = 0; i < JT_COUNT(bad); i++) {
        ailib_json_writer_init(&w, NULL);
        ailib_json_write_array_begin(&w);
        ailib_json_write_string(&w, bad[i]);
        ailib_json_write_array_end(&w);
        if (ailib_json_writer_finish(&w) == AILIB_OK)
            ailib_test_fail(__FILE__, __LINE__, "string \"%s\" accepted by the writer", jt_show(bad[i], strlen(bad[i])));
        ailib_json_writer_deinit(&w);
        ailib_json_writer_init(&w, NULL);
        ailib_json_write_object_begin(&w);
        ailib_json_write_key(&w, bad[i]);
        ailib_json_write_int(&w, 1);
        ailib_json_write_object_end(&w);
        if (ailib_json_writer_finish(&w) == AILIB_OK)
            ailib_test_fail(__FILE__, __LINE__, "key \"%s\" accepted by the writer", jt_show(bad[i], strlen(bad[i])));
        ailib_json_writer_deinit(&w);
    }
    /* a 4-byte character cut by stringn's length */
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_stringn(&w, "\xF0\x9F\x98\x80", 3);
    EXPECT_NE(ailib_json_writer_finish(&w), AILIB_OK);
    ailib_json_writer_deinit(&w);
}

enum { JT_MISUSE_COUNT = 30 };

/* One misuse of the writer per index; each must leave finish() non-OK. */
static const char *jt_misuse(ailib_json_writer *w, int which, const ailib_json *one) {
    switch (which) {
    case 0: ailib_json_write_object_begin(w); ailib_json_write_int(w, 1); ailib_json_write_object_end(w);
        return "value where a key is due";
    case 1: ailib_json_write_object_begin(w); ailib_json_write_string(w, "a"); ailib_json_write_int(w, 1);
        ailib_json_write_object_end(w); return "string value where a key is due";
    case 2: ailib_json_write_array_begin(w); ailib_json_write_key(w, "a"); ailib_json_write_int(w, 1);
        ailib_json_write_array_end(w); return "key inside an array";
    case 3: ailib_json_write_key(w, "a"); ailib_json_write_int(w, 1); return "key at top level";
    case 4: ailib_json_write_object_begin(w); ailib_json_write_array_end(w); return "array end closes an object";
    case 5: ailib_json_write_array_begin(w); ailib_json_write_object_end(w); return "object end closes an array";
    case 6: ailib_json_write_array_end(w); return "array end without begin";
    case 7: ailib_json_write_object_end(w); return "object end without begin";
    case 8: ailib_json_write_int(w, 1); ailib_json_write_int(w, 2); return "two top-level values";
    case 9: ailib_json_write_array_begin(w); ailib_json_write_array_end(w); ailib_json_write_object_begin(w);
        ailib_json_write_object_end(w); return "two top-level containers";
    case 10: ailib_json_write_array_begin(w); ailib_json_write_int(w, 1); return "unclosed array";
    case 11: ailib_json_write_object_begin(w); ailib_json_write_key(w, "a"); ailib_json_write_int(w, 1);
        return "unclosed object";
    case 12: ailib_json_write_object_begin(w); ailib_json_write_key(w, "a"); ailib_json_write_object_end(w);
        return "key without value";
    case 13: ailib_json_write_object_begin(w); ailib_json_write_key(w, "a"); ailib_json_write_key(w, "b");
        ailib_json_write_int(w, 1); ailib_json_write_object_end(w); return "key after key";
    case 14: ailib_json_write_object_begin(w); ailib_json_write_key(w, "a"); return "dangling key at finish";
    case 15: return "nothing written";
    case 16: ailib_json_write_object_begin(w); ailib_json_write_raw(w, "\"k\"", 3); ailib_json_write_int(w, 1);
        ailib_json_write_object_end(w); return "raw text where a key is due";
    case 17: ailib_json_write_array_begin(w); ailib_json_write_raw(w, "[1,]", 4); ailib_json_write_array_end(w);
        return "invalid raw text";
    case 18: ailib_json_write_array_begin(w); ailib_json_write_double(w, NAN); ailib_json_write_array_end(w);
        return "NaN";
    case 19: ailib_json_write_object_begin(w); ailib_json_write_key(w, "x"); ailib_json_write_double(w, INFINITY);
        ailib_json_write_object_end(w); return "Infinity as a member value";
    case 20: ailib_json_write_object_begin(w); ailib_json_write_int(w, 1); ailib_json_write_key(w, "a");
        ailib_json_write_int(w, 2); ailib_json_write_object_end(w); return "sticky: good writes after a misuse";
    case 21: ailib_json_write_object_begin(w); ailib_json_write_key(w, "a"); ailib_json_write_array_begin(w);
        ailib_json_write_object_end(w); ailib_json_write_object_end(w); return "nested end of the wrong container";
    case 22: ailib_json_write_object_begin(w); ailib_json_write_object_end(w); ailib_json_write_object_end(w);
        return "one end too many";
    case 23: ailib_json_write_object_begin(w); ailib_json_write_value(w, one); ailib_json_write_object_end(w);
        return "write_value where a key is due";
    case 24: ailib_json_write_object_begin(w); ailib_json_write_keyn(w, "\xE2\x82\xAC", 2); ailib_json_write_int(w, 1);
        ailib_json_write_object_end(w); return "keyn cutting a character";
    case 25: ailib_json_write_array_begin(w); ailib_json_write_array_end(w); ailib_json_write_int(w, 1);
        return "value after a complete top-level array";
    case 26: ailib_json_write_array_begin(w); ailib_json_write_raw(w, "", 0); ailib_json_write_array_end(w);
        return "empty raw text";
    case 27: ailib_json_write_array_begin(w); ailib_json_write_raw(w, "1 2", 3); ailib_json_write_array_end(w);
        return "raw text with two values";
    case 28: ailib_json_write_int(w, 1); ailib_json_write_raw(w, "2", 1); return "raw second top-level value";
    case 29: ailib_json_write_object_begin(w); ailib_json_write_key(w, "a"); ailib_json_write_int(w, 1);
        ailib_json_write_int(w, 2); ailib_json_write_object_end(w); return "two values for one key";
    default: return NULL;
    }
}

TEST(json_writer_misuse) {
    ailib_json_doc *one = JT_DOC("1");
    int i;
    ASSERT_TRUE(one != NULL);
    for (i = 0; i < JT_MISUSE_COUNT; i++) {
        ailib_json_writer w;
        const char *what;
        ailib_result r;
        ailib_json_writer_init(&w, NULL);
        what = jt_misuse(&w, i, JT_ROOT(one));
        r = ailib_json_writer_finish(&w);
        if (r == AILIB_OK)
            ailib_test_fail(__FILE__, __LINE__, "misuse %d (%s) finished OK with \"%s\"", i, what,
                            w.buf ? jt_show(w.buf, w.len) : "(null)");
        EXPECT_EQ(w.error, r);
        EXPECT_EQ(ailib_json_writer_finish(&w), r);   /* sticky */
        ailib_json_writer_deinit(&w);
    }
    ailib_json_doc_destroy(one);
}

TEST(json_writer_write_value) {
    static const char *const docs[] = {
        "{\"a\":[1,2.5,-3e-7,\"x\\u0000y\",true,false,null,{}],\"b\":{\"c\":[[],[[]]]},\"\\u00e9\":\"\\uD83D\\uDE00\"}",
        "[9223372036854775807,-9223372036854775808,9223372036854775808,1e300,5e-324,0.1,-0]",
        "\"\\\\\\\"\\/\\b\\f\\n\\r\\t\\u001f\"",
        "{\"a\":1,\"a\":2}",
        "[[[[[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]]]]]",
        "[]", "{}", "0", "\"\"",
    };
    ailib_json_writer w;
    size_t i;
    ailib_json_writer_init(&w, NULL);
    for (i = 0; i < JT_COUNT(docs); i++) {
        ailib_json_doc *a = JT_DOCN(docs[i], strlen(docs[i])), *b;
        if (!a) continue;
        ailib_json_writer_reset(&w);
        ailib_json_write_value(&w, JT_ROOT(a));
        EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
        b = w.buf ? JT_DOCN(w.buf, w.len) : NULL;
        if (b) {
            if (!ailib_json_equal(JT_ROOT(a), JT_ROOT(b)))
                ailib_test_fail(__FILE__, __LINE__, "\"%s\" copied as \"%s\"", docs[i], jt_show(w.buf, w.len));
            ailib_json_doc_destroy(b);
        }
        ailib_json_doc_destroy(a);
    }
    /* compact, order and duplicates kept */
    {
        ailib_json_doc *a = JT_DOC(" { \"b\" : [ 1 , 2 ] , \"a\" : { } , \"b\" : null } ");
        ASSERT_TRUE(a != NULL);
        ailib_json_writer_reset(&w);
        ailib_json_write_value(&w, JT_ROOT(a));
        JT_EXPECT_OUT(&w, "{\"b\":[1,2],\"a\":{},\"b\":null}");
        /* a subtree, as a member value and as array elements */
        ailib_json_writer_reset(&w);
        ailib_json_write_object_begin(&w);
        ailib_json_write_key(&w, "copy");
        ailib_json_write_value(&w, ailib_json_get(JT_ROOT(a), "b"));
        ailib_json_write_key(&w, "more");
        ailib_json_write_array_begin(&w);
        ailib_json_write_value(&w, ailib_json_get(JT_ROOT(a), "a"));
        ailib_json_write_value(&w, ailib_json_at(ailib_json_get(JT_ROOT(a), "b"), 1));
        ailib_json_write_array_end(&w);
        ailib_json_write_object_end(&w);
        JT_EXPECT_OUT(&w, "{\"copy\":[1,2],\"more\":[{},2]}");
        ailib_json_doc_destroy(a);
    }
    ailib_json_writer_deinit(&w);
}

TEST(json_writer_raw) {
    static const char *const bad[] = { "[1,]", "{", "nul", "[1]]", "\"\xFF\"", "01", "{\"a\" 1}", "  ", "\"\\x\"" };
    ailib_json_writer w;
    size_t i;
    ailib_json_writer_init(&w, NULL);
    JT_RAW(&w, " [ 1 , {\"a\" :\t\"b c\" } ]\n");
    JT_EXPECT_OUT(&w, "[1,{\"a\":\"b c\"}]");
    ailib_json_writer_reset(&w);
    ailib_json_write_array_begin(&w);
    JT_RAW(&w, "1");
    JT_RAW(&w, " true ");
    JT_RAW(&w, "\"x  y\"");
    ailib_json_write_array_end(&w);
    JT_EXPECT_OUT(&w, "[1,true,\"x  y\"]");
    ailib_json_writer_reset(&w);
    ailib_json_write_object_begin(&w);
    ailib_json_write_key(&w, "a");
    JT_RAW(&w, " { } ");
    ailib_json_write_key(&w, "b");
    JT_RAW(&w, "{\"type\" : \"string\" , \"enum\" : [ \"x\" , \"y\" ] }");
    ailib_json_write_object_end(&w);
    JT_EXPECT_OUT(&w, "{\"a\":{},\"b\":{\"type\":\"string\",\"enum\":[\"x\",\"y\"]}}");
    /* escapes in raw strings may stay or be decoded; the value must not change */
    ailib_json_writer_reset(&w);
    JT_RAW(&w, "[\"\\u0041\\n\"]");
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    {
        ailib_json_doc *d = w.buf ? JT_DOCN(w.buf, w.len) : NULL;
        if (d) { JT_EXPECT_STR(ailib_json_at(JT_ROOT(d), 0), "A\n"); ailib_json_doc_destroy(d); }
    }
    ailib_json_writer_deinit(&w);
    for (i = 0; i < JT_COUNT(bad); i++) {
        ailib_json_writer_init(&w, NULL);
        ailib_json_write_raw(&w, bad[i], strlen(bad[i]));
        if (ailib_json_writer_finish(&w) == AILIB_OK)
            ailib_test_fail(__FILE__, __LINE__, "raw \"%s\" accepted", jt_show(bad[i], strlen(bad[i])));
        ailib_json_writer_deinit(&w);
    }
}

TEST(json_writer_take) {
    ailib_json_writer w;
    char *p;
    size_t len = 0;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_array_begin(&w);
    ailib_json_write_string(&w, "taken");
    ailib_json_write_array_end(&w);
    ASSERT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    p = ailib_json_writer_take(&w, &len);
    ASSERT_TRUE(p != NULL);
    EXPECT_EQ(len, 9);
    EXPECT_TRUE(p[len] == 0);
    EXPECT_STR_EQ(p, "[\"taken\"]");
    /* the writer no longer owns it: reuse and deinit must not touch it */
    ailib_json_writer_reset(&w);
    ailib_json_write_int(&w, 7);
    JT_EXPECT_OUT(&w, "7");
    EXPECT_STR_EQ(p, "[\"taken\"]");
    ailib_json_writer_deinit(&w);
    EXPECT_STR_EQ(p, "[\"taken\"]");
    ailib_free(p);
}

TEST(json_writer_reset) {
    jt_alloc st;
    ailib_allocator al = jt_alloc_init(&st);
    ailib_json_writer w;
    size_t i, cap, mallocs;
    ailib_json_writer_init(&w, &al);
    ailib_json_write_array_begin(&w);
    for (i = 0; i < 300; i++) ailib_json_write_string(&w, "some longer text that fills the buffer");
    ailib_json_write_array_end(&w);
    ASSERT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    cap = w.cap;
    mallocs = st.mallocs + st.reallocs;
    /* reset keeps the buffer: the same output again allocates nothing */
    ailib_json_writer_reset(&w);
    EXPECT_EQ(w.cap, cap);
    ailib_json_write_array_begin(&w);
    for (i = 0; i < 300; i++) ailib_json_write_string(&w, "some longer text that fills the buffer");
    ailib_json_write_array_end(&w);
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    EXPECT_EQ(st.mallocs + st.reallocs, mallocs);
    ailib_json_writer_reset(&w);
    ailib_json_write_object_begin(&w);
    ailib_json_write_key(&w, "short");
    ailib_json_write_int(&w, 1);
    ailib_json_write_object_end(&w);
    JT_EXPECT_OUT(&w, "{\"short\":1}");
    EXPECT_EQ(st.mallocs + st.reallocs, mallocs);
    /* reset clears the sticky error and the nesting */
    ailib_json_writer_reset(&w);
    ailib_json_write_array_begin(&w);
    ailib_json_write_object_end(&w);
    EXPECT_NE(ailib_json_writer_finish(&w), AILIB_OK);
    ailib_json_writer_reset(&w);
    ailib_json_write_array_begin(&w);
    ailib_json_write_array_begin(&w);
    ailib_json_writer_reset(&w);
    ailib_json_write_bool(&w, 1);
    JT_EXPECT_OUT(&w, "true");
    ailib_json_writer_deinit(&w);
    EXPECT_EQ(st.count, 0);
    EXPECT_EQ(st.bad, 0);
    jt_alloc_done(&st);
}

TEST(json_writer_depth) {
    ailib_json_writer w;
    int i;
    ailib_json_writer_init(&w, NULL);
    for (i = 0; i < 512; i++) ailib_json_write_array_begin(&w);
    for (i = 0; i < 512; i++) ailib_json_write_array_end(&w);
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    EXPECT_EQ(w.len, 1024);
    EXPECT_EQ(jt_code(w.buf, w.len, NULL, NULL), AILIB_OK);
    ailib_json_writer_reset(&w);
    for (i = 0; i < 512; i++) { ailib_json_write_object_begin(&w); ailib_json_write_key(&w, "k"); }
    ailib_json_write_int(&w, 1);
    for (i = 0; i < 512; i++) ailib_json_write_object_end(&w);
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    EXPECT_EQ(jt_code(w.buf, w.len, NULL, NULL), AILIB_OK);
    ailib_json_writer_reset(&w);
    for (i = 0; i < 513; i++) ailib_json_write_array_begin(&w);
    for (i = 0; i < 513; i++) ailib_json_write_array_end(&w);
    EXPECT_NE(ailib_json_writer_finish(&w), AILIB_OK);
    ailib_json_writer_reset(&w);
    for (i = 0; i < 5000; i++) ailib_json_write_object_begin(&w);
    for (i = 0; i < 5000; i++) ailib_json_write_object_end(&w);
    EXPECT_NE(ailib_json_writer_finish(&w), AILIB_OK);
    ailib_json_writer_deinit(&w);
}

/* Appends the UTF-8 form of code point cp. */
static size_t jt_utf8(char *o, uint32_t cp) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Random valid strings (controls, quotes, every UTF-8 length) as keys and values read back
   byte for byte, and the writer's output is always valid JSON. */
TEST(json_writer_random_strings) {
    uint64_t seed = 0xC0FFEE123456789ULL;
    int round, rounds = ailib_test_quick() ? 100 : 1000, bad = 0;
    ailib_json_writer w;
    ailib_json_writer_init(&w, NULL);
    for (round = 0; round < rounds; round++) {
        char key[256], val[256];
        size_t kl = 0, vl = 0, n, i, len;
        ailib_json_doc *d = NULL;
        const char *s;
        for (n = jt_rand(&seed) % 40, i = 0; i < n; i++) {
            uint64_t r = jt_rand(&seed);
            uint32_t cp;
            switch (r % 6) {
            case 0: cp = (uint32_t)((r >> 8) % 0x20); break;
            case 1: cp = "\"\\/ az\x7f"[(r >> 8) % 7]; break;
            case 2: cp = 0x80 + (uint32_t)((r >> 8) % (0x800 - 0x80)); break;
            case 3: cp = 0x800 + (uint32_t)((r >> 8) % (0x10000 - 0x800)); if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD; break;
            case 4: cp = 0x10000 + (uint32_t)((r >> 8) % (0x110000 - 0x10000)); break;
            default: cp = 0x20 + (uint32_t)((r >> 8) % 0x5F); break;
            }
            if (r & 0x10000) kl += jt_utf8(key + kl, cp);
            else vl += jt_utf8(val + vl, cp);
        }
        ailib_json_writer_reset(&w);
        ailib_json_write_object_begin(&w);
        ailib_json_write_keyn(&w, key, kl);
        ailib_json_write_array_begin(&w);
        ailib_json_write_stringn(&w, val, vl);
        ailib_json_write_double(&w, jt_from_bits(jt_rand(&seed) & 0x7FEFFFFFFFFFFFFFULL));
        ailib_json_write_int(&w, (int64_t)jt_rand(&seed));
        ailib_json_write_array_end(&w);
        ailib_json_write_object_end(&w);
        if (ailib_json_writer_finish(&w) != AILIB_OK || jt_parse(w.buf, w.len, NULL, &d, NULL) != AILIB_OK) {
            if (bad++ < 3) ailib_test_fail(__FILE__, __LINE__, "round %d: output \"%s\" rejected", round,
                                           w.buf ? jt_show(w.buf, w.len) : "(null)");
            continue;
        }
        s = ailib_json_str(ailib_json_at(ailib_json_getn(JT_ROOT(d), key, kl), 0), &len);
        if (!s || len != vl || memcmp(s, val, vl) != 0) {
            if (bad++ < 3) ailib_test_fail(__FILE__, __LINE__, "round %d: \"%s\" did not read back", round, jt_show(w.buf, w.len));
        }
        ailib_json_doc_destroy(d);
    }
    EXPECT_EQ(bad, 0);
    ailib_json_writer_deinit(&w);
}

/* ---- allocators ----------------------------------------------------------------------------- */

/* Every table case through a counting allocator: all freed, sizes as recorded. */
TEST(json_allocator_parse_balanced) {
    jt_alloc st;
    ailib_allocator al = jt_alloc_init(&st);
    ailib_json_parse_options opt;
    size_t i, before;
    memset(&opt, 0, sizeof opt);
    opt.allocator = &al;
    JT_RUN(jt_accept, &opt);
    EXPECT_EQ(st.count, 0);
    EXPECT_GT(st.mallocs, 0);
    JT_RUN(jt_reject, &opt);
    JT_RUN(jt_utf8_reject, &opt);
    EXPECT_EQ(st.count, 0);
    EXPECT_EQ(st.bad, 0);
    /* the custom allocator really is the one in use */
    for (i = 0; i < JT_COUNT(jt_accept); i++) {
        ailib_json_doc *d = NULL;
        before = st.mallocs;
        if (jt_parse(jt_accept[i].text, jt_accept[i].len, &opt, &d, NULL) == AILIB_OK) {
            EXPECT_GT(st.mallocs, before);
            EXPECT_GT(st.count, 0);
            ailib_json_doc_destroy(d);
        }
    }
    {
        size_t len;
        char *s = jt_nest(513, "[", "", "]", &len);
        ASSERT_TRUE(s != NULL);
        EXPECT_EQ(jt_code(s, len, &opt, NULL), AILIB_JSON_DEPTH);
        free(s);
    }
    EXPECT_EQ(st.count, 0);
    EXPECT_EQ(st.bad, 0);
    jt_alloc_done(&st);
}

/* After warm-up, reparsing a document of the same size (or smaller) allocates nothing. */
TEST(json_allocator_reparse_no_allocations) {
    static const char a[] = "{\"id\":\"aaaa\",\"n\":[1,2,3],\"x\":1.5,\"s\":\"\\u00e9\\n\",\"o\":{\"k\":null}}";
    static const char b[] = "{\"id\":\"bbbb\",\"n\":[4,5,6],\"x\":2.5,\"s\":\"\\u00e8\\t\",\"o\":{\"k\":true}}";
    static const char c[] = "[7,[8],{\"q\":\"r\"},9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]";
    jt_alloc st;
    ailib_allocator al = jt_alloc_init(&st);
    ailib_json_parse_options opt;
    ailib_json_doc *d;
    size_t used;
    int i;
    memset(&opt, 0, sizeof opt);
    opt.allocator = &al;
    d = ailib_json_doc_create(&opt);
    ASSERT_TRUE(d != NULL);
    ASSERT_EQ(ailib_json_doc_reparse(d, a, JT_LEN(a), NULL), AILIB_OK);
    ASSERT_EQ(ailib_json_doc_reparse(d, a, JT_LEN(a), NULL), AILIB_OK);
    used = st.mallocs + st.reallocs;
    EXPECT_GT(used, 0);
    for (i = 0; i < 3; i++) {
        ASSERT_EQ(ailib_json_doc_reparse(d, b, JT_LEN(b), NULL), AILIB_OK);
        JT_EXPECT_STR(ailib_json_get(ailib_json_doc_root(d), "id"), "bbbb");
        EXPECT_EQ(ailib_json_int(ailib_json_at(ailib_json_get(ailib_json_doc_root(d), "n"), 2)), 6);
        EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(ailib_json_doc_root(d), "x")), 2.5);
        JT_EXPECT_STR(ailib_json_get(ailib_json_doc_root(d), "s"), "\xC3\xA8\t");
        EXPECT_TRUE(ailib_json_bool(ailib_json_path(ailib_json_doc_root(d), "o", "k", (const char *)NULL)));
        ASSERT_EQ(ailib_json_doc_reparse(d, a, JT_LEN(a), NULL), AILIB_OK);
        JT_EXPECT_STR(ailib_json_get(ailib_json_doc_root(d), "id"), "aaaa");
        ASSERT_EQ(ailib_json_doc_reparse(d, "[]", 2, NULL), AILIB_OK);
        EXPECT_EQ(ailib_json_size(ailib_json_doc_root(d)), 0);
        EXPECT_EQ(ailib_json_doc_reparse(d, "[1,]", 4, NULL), AILIB_JSON_SYNTAX);
    }
    EXPECT_EQ(st.mallocs + st.reallocs, used);
    /* same size, more values: may grow once, then settles */
    ASSERT_EQ(ailib_json_doc_reparse(d, c, JT_LEN(c), NULL), AILIB_OK);
    ASSERT_EQ(ailib_json_doc_reparse(d, c, JT_LEN(c), NULL), AILIB_OK);
    used = st.mallocs + st.reallocs;
    ASSERT_EQ(ailib_json_doc_reparse(d, a, JT_LEN(a), NULL), AILIB_OK);
    ASSERT_EQ(ailib_json_doc_reparse(d, c, JT_LEN(c), NULL), AILIB_OK);
    EXPECT_EQ(ailib_json_size(ailib_json_doc_root(d)), 20);
    EXPECT_EQ(st.mallocs + st.reallocs, used);
    ailib_json_doc_destroy(d);
    EXPECT_EQ(st.count, 0);
    EXPECT_EQ(st.bad, 0);
    jt_alloc_done(&st);
}

TEST(json_allocator_writer_balanced) {
    jt_alloc st;
    ailib_allocator al = jt_alloc_init(&st);
    ailib_json_writer w;
    char *p;
    size_t len = 0;
    int i;
    ailib_json_writer_init(&w, &al);
    ailib_json_write_array_begin(&w);
    for (i = 0; i < 2000; i++) ailib_json_write_int(&w, (int64_t)i * 1000003);
    ailib_json_write_array_end(&w);
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    EXPECT_GT(st.mallocs, 0);
    ailib_json_writer_deinit(&w);
    EXPECT_EQ(st.count, 0);
    /* a taken buffer is freed with the writer's allocator */
    ailib_json_writer_init(&w, &al);
    ailib_json_write_string(&w, "mine now");
    EXPECT_EQ(ailib_json_writer_finish(&w), AILIB_OK);
    p = ailib_json_writer_take(&w, &len);
    ASSERT_TRUE(p != NULL);
    EXPECT_STR_EQ(p, "\"mine now\"");
    EXPECT_EQ(len, 10);
    EXPECT_GE(st.count, 1);
    ailib_json_writer_deinit(&w);
    EXPECT_GE(st.count, 1);
    EXPECT_TRUE(jt_find(&st, p) >= 0);
    al.free_fn(al.ctx, p);
    EXPECT_EQ(st.count, 0);
    EXPECT_EQ(st.bad, 0);
    jt_alloc_done(&st);
}

/* Allocation failure at every point: AILIB_OUT_OF_MEMORY, nothing leaked, then success. */
TEST(json_allocator_failure_injection) {
    static const char text[] = "{\"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9llo \\uD83D\\uDE00\"},"
                               "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"args\":{\"x\":[1,2.5,null,true]}}]}],"
                               "\"n\":12345678901234567890,\"deep\":[[[[[[[[]]]]]]]]}";
    jt_alloc st;
    ailib_allocator al = jt_alloc_init(&st);
    ailib_json_parse_options opt;
    long n;
    int parsed = 0, reparsed = 0, written = 0;
    memset(&opt, 0, sizeof opt);
    opt.allocator = &al;
    for (n = 0; n < 1000 && !parsed; n++) {
        ailib_json_doc *d = NULL;
        ailib_result r;
        st.fail_after = n;
        r = jt_parse(text, JT_LEN(text), &opt, &d, NULL);
        st.fail_after = -1;
        if (r == AILIB_OK) {
            parsed = 1;
            EXPECT_TRUE(ailib_json_equal(ailib_json_path(JT_ROOT(d), "deep", (const char *)NULL),
                                         ailib_json_path(JT_ROOT(d), "deep", (const char *)NULL)));
            ailib_json_doc_destroy(d);
        } else {
            if (r != AILIB_OUT_OF_MEMORY) ailib_test_fail(__FILE__, __LINE__, "fail_after %ld: %s", n, ailib_result_name(r));
            EXPECT_TRUE(d == NULL);
        }
        if (st.count != 0) ailib_test_fail(__FILE__, __LINE__, "fail_after %ld: %zu blocks leaked", n, st.count);
    }
    EXPECT_TRUE(parsed);
    for (n = 0; n < 1000 && !reparsed; n++) {
        ailib_json_doc *d;
        st.fail_after = n;
        d = ailib_json_doc_create(&opt);
        if (d) {
            ailib_result r = ailib_json_doc_reparse(d, text, JT_LEN(text), NULL);
            EXPECT_TRUE(r == AILIB_OK || r == AILIB_OUT_OF_MEMORY);
            reparsed = r == AILIB_OK;
            ailib_json_doc_destroy(d);
        }
        st.fail_after = -1;
        EXPECT_EQ(st.count, 0);
    }
    EXPECT_TRUE(reparsed);
    for (n = 0; n < 1000 && !written; n++) {
        ailib_json_writer w;
        ailib_result r;
        int i;
        st.fail_after = n;
        ailib_json_writer_init(&w, &al);
        ailib_json_write_array_begin(&w);
        for (i = 0; i < 500; i++) ailib_json_write_string(&w, "0123456789");
        ailib_json_write_array_end(&w);
        r = ailib_json_writer_finish(&w);
        st.fail_after = -1;
        if (r == AILIB_OK) {
            written = 1;
            EXPECT_EQ(w.len, 2 + 500 * 12 + 499);
        } else if (r != AILIB_OUT_OF_MEMORY) {
            ailib_test_fail(__FILE__, __LINE__, "writer fail_after %ld: %s", n, ailib_result_name(r));
        }
        ailib_json_writer_deinit(&w);
        if (st.count != 0) ailib_test_fail(__FILE__, __LINE__, "writer fail_after %ld: %zu blocks leaked", n, st.count);
    }
    EXPECT_TRUE(written);
    EXPECT_EQ(st.bad, 0);
    jt_alloc_done(&st);
}

/* ---- last on purpose ------------------------------------------------------------------------ */

/* A document nested 1000000 deep (max_depth raised; the reader is iterative) compares equal to
   itself and to a second copy. A recursive ailib_json_equal overflows an 8 MiB stack here, so
   this test comes last: a crash cannot hide the other tests' results. */
TEST(json_zz_deep_equal_without_recursion) {
    size_t n = 1000000, len;
    ailib_json_parse_options opt;
    ailib_json_doc *a = NULL, *b = NULL;
    char *s = jt_nest(n, "[", "", "]", &len);
    ailib_result r;
    ASSERT_TRUE(s != NULL);
    memset(&opt, 0, sizeof opt);
    opt.max_depth = 2000000;
    r = jt_parse(s, len, &opt, &a, NULL);
    if (r == AILIB_JSON_DEPTH) { free(s); TEST_SKIP("max_depth cannot be raised to 2000000"); }
    EXPECT_EQ(r, AILIB_OK);
    EXPECT_EQ(jt_parse(s, len, &opt, &b, NULL), AILIB_OK);
    free(s);
    if (a && b) {
        EXPECT_TRUE(ailib_json_equal(JT_ROOT(a), JT_ROOT(a)));
        EXPECT_TRUE(ailib_json_equal(JT_ROOT(a), JT_ROOT(b)));
    }
    if (a) ailib_json_doc_destroy(a);
    if (b) ailib_json_doc_destroy(b);
}

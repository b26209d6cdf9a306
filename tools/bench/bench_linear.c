#define _POSIX_C_SOURCE 200809L
/* bench_linear.c - streamed tool-call assembly and <think> extraction stay linear (no network),
   medians of several runs.

   (a) an OpenAI chat stream with one tool call whose arguments (64 KiB, 256 KiB, 1 MiB,
       4 MiB of JSON with escapes) arrive in 16-64 byte deltas, fed in 4 KiB pieces: decode,
       assemble, take the response (which parses the arguments);
   (b) an OpenAI-dialect stream (a row with AILIB_Q_THINK_TAGS) whose content deltas carry
       "<think>" + that much reasoning + "</think>" + an answer: decode, split, take the response.
   Reported: ns per payload byte at each size and the ratio 4 MiB / 64 KiB (linear: ~1,
   quadratic: ~64). Reference in the same run: the same streams with a naive consumer in the
   event callback (re-copying the accumulated arguments on each delta; re-scanning the
   accumulated content for the tags on each delta), at the small sizes only. */
#define AILIB_IMPLEMENTATION
#include "../../ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7
#define NSIZES 4
#define NAIVE_SIZES 2        /* 64 KiB and 256 KiB: the naive consumers are quadratic */
static const size_t sizes[NSIZES] = { 64u << 10, 256u << 10, 1u << 20, 4u << 20 };
static const char *size_names[NSIZES] = { " 64 KiB", "256 KiB", "  1 MiB", "  4 MiB" };

#include "bench.h"

/* --- stream generation (outside the timed part) ------------------------------------------- */

typedef struct buf { char *p; size_t len, cap; } buf;

static void add(buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->len + n + 1) nc *= 2;
        b->p = (char *)realloc(b->p, nc);
        if (!b->p) { puts("out of memory"); exit(1); }
        b->cap = nc;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void adds(buf *b, const char *s) { add(b, s, strlen(s)); }

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint32_t rnd(void) {
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

/* JSON string body: " \ and newline escaped, U+00E9 as \u00e9, the rest raw. */
static void esc(buf *w, const char *s, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') adds(w, "\\\"");
        else if (c == '\\') adds(w, "\\\\");
        else if (c == '\n') adds(w, "\\n");
        else if (c == 0xc3 && i + 1 < n && (unsigned char)s[i + 1] == 0xa9) { adds(w, "\\u00e9"); i++; }
        else add(w, s + i, 1);
    }
}

static void chunk(buf *w, const char *delta, const char *finish) {
    adds(w, "data: {\"id\":\"chatcmpl-lin\",\"object\":\"chat.completion.chunk\",\"created\":1770000000,"
            "\"model\":\"lin-model\",\"choices\":[{\"index\":0,\"delta\":");
    adds(w, delta);
    adds(w, ",\"finish_reason\":");
    adds(w, finish);
    adds(w, "}]}\n\n");
}

/* The payload in 16-64 byte deltas (never inside a UTF-8 sequence), each wrapped by pre/post. */
static size_t deltas(buf *w, const char *s, size_t n, const char *pre, const char *post) {
    size_t pos = 0, count = 0;
    buf d = { 0 };
    while (pos < n) {
        size_t next = pos + 16 + rnd() % 49;
        if (next > n) next = n;
        while (next < n && ((unsigned char)s[next] & 0xc0) == 0x80) next++;
        d.len = 0;
        adds(&d, pre);
        esc(&d, s + pos, next - pos);
        adds(&d, post);
        chunk(w, d.p, "null");
        pos = next;
        count++;
    }
    free(d.p);
    return count;
}

typedef struct stream_case {
    buf wire;
    buf payload;          /* the arguments, or the reasoning */
    size_t answer_len;    /* (b) */
    size_t ndeltas;
} stream_case;

/* (a) arguments {"doc":"..."} of exactly `size` bytes with argument-level escapes. */
static void make_tool(size_t size, stream_case *c) {
    static const char *pieces[] = { "lorem ", "ipsum ", "dolor", "\\\"", "\\\\", "\\u00e9", "\xc3\xa9", "\\n", "<", "{[" };
    memset(c, 0, sizeof *c);
    adds(&c->payload, "{\"doc\":\"");
    for (;;) {
        const char *p = pieces[rnd() % 10];
        if (c->payload.len + strlen(p) + 2 > size) break;
        adds(&c->payload, p);
    }
    while (c->payload.len + 2 < size) adds(&c->payload, "x");
    adds(&c->payload, "\"}");
    chunk(&c->wire, "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_lin\",\"type\":\"function\","
                    "\"function\":{\"name\":\"store\",\"arguments\":\"\"}}]}", "null");
    c->ndeltas = deltas(&c->wire, c->payload.p, c->payload.len, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"", "\"}}]}");
    chunk(&c->wire, "{}", "\"tool_calls\"");
    adds(&c->wire, "data: [DONE]\n\n");
}

/* (b) "<think>" + `size` bytes of reasoning with near-miss tags + "</think>" + an answer. */
static void make_think(size_t size, stream_case *c) {
    static const char *pieces[] = { "Let me think. ", "step ", "a<b ", "</th", "<think> ", "</thinking> ", "caf\xc3\xa9 ", "\"q\" ", "line\n" };
    buf content = { 0 };
    memset(c, 0, sizeof *c);
    for (;;) {
        const char *p = pieces[rnd() % 9];
        if (c->payload.len + strlen(p) > size) break;
        adds(&c->payload, p);
    }
    while (c->payload.len < size) adds(&c->payload, ".");
    adds(&content, "<think>");
    add(&content, c->payload.p, c->payload.len);
    adds(&content, "</think>\n\nThe answer is 42.");
    c->answer_len = strlen("\n\nThe answer is 42.");
    chunk(&c->wire, "{\"role\":\"assistant\",\"content\":\"\"}", "null");
    c->ndeltas = deltas(&c->wire, content.p, content.len, "{\"content\":\"", "\"}");
    chunk(&c->wire, "{}", "\"stop\"");
    adds(&c->wire, "data: [DONE]\n\n");
    free(content.p);
}

/* --- naive consumers (the same-run reference) --------------------------------------------- */

typedef struct naive { char *acc; size_t len, cap; size_t emitted_r, emitted_t; size_t sink; } naive;

/* Immutable-string concatenation: every delta copies the whole accumulated arguments. */
static int naive_tool(void *u, const ailib_event *e) {
    naive *nv = (naive *)u;
    if (e->type == AILIB_EVENT_TOOL_CALL_DELTA) {
        char *np = (char *)malloc(nv->len + e->text_len + 1);
        if (!np) exit(1);
        if (nv->len) memcpy(np, nv->acc, nv->len);
        memcpy(np + nv->len, e->text, e->text_len);
        nv->len += e->text_len;
        np[nv->len] = 0;
        free(nv->acc);
        nv->acc = np;
    }
    return 0;
}

static const char *find(const char *s, size_t n, const char *pat, size_t k) {
    const char *p = s, *end = s + n;
    while (p + k <= end && (p = (const char *)memchr(p, pat[0], (size_t)(end - p) - k + 1)) != NULL) {
        if (memcmp(p, pat, k) == 0) return p;
        p++;
    }
    return NULL;
}

/* Accumulates the content (amortized) and re-splits all of it at the tags on each delta,
   handing on only the part not handed on before. */
static int naive_think(void *u, const ailib_event *e) {
    naive *nv = (naive *)u;
    const char *open, *close, *r0, *r1, *t0;
    size_t rl, tl, safe;
    if (e->type != AILIB_EVENT_TEXT_DELTA) return 0;
    if (nv->len + e->text_len + 1 > nv->cap) {
        nv->cap = (nv->len + e->text_len + 1) * 2;
        nv->acc = (char *)realloc(nv->acc, nv->cap);
        if (!nv->acc) exit(1);
    }
    memcpy(nv->acc + nv->len, e->text, e->text_len);
    nv->len += e->text_len;
    open = find(nv->acc, nv->len, "<think>", 7);
    if (!open) return 0;
    r0 = open + 7;
    close = find(r0, nv->len - (size_t)(r0 - nv->acc), "</think>", 8);
    safe = nv->len - (size_t)(r0 - nv->acc);
    r1 = close ? close : r0 + (safe > 7 ? safe - 7 : 0);   /* a tag may still be arriving */
    rl = (size_t)(r1 - r0);
    if (rl > nv->emitted_r) { nv->sink += rl - nv->emitted_r; nv->emitted_r = rl; }
    if (close) {
        t0 = close + 8;
        tl = nv->len - (size_t)(t0 - nv->acc);
        if (tl > nv->emitted_t) { nv->sink += tl - nv->emitted_t; nv->emitted_t = tl; }
    }
    return 0;
}

/* --- one stream through ailib -------------------------------------------------------------- */

static void run_stream(const char *provider, const stream_case *c, int think, ailib_event_callback cb, void *user) {
    ailib_endpoint ep;
    ailib_allocator al;
    ailib_stream *s;
    ailib_response *r;
    size_t off, n;
    memset(&ep, 0, sizeof ep);
    al.malloc_fn = c_malloc; al.realloc_fn = c_realloc; al.free_fn = c_free; al.ctx = NULL;
    ep.provider = ailib_provider_find(provider);
    ep.allocator = &al;
    s = ailib_stream_create(&ep, NULL, NULL);
    if (!s) { puts("create failed"); exit(1); }
    for (off = 0; off < c->wire.len; off += 4096) {
        n = c->wire.len - off < 4096 ? c->wire.len - off : 4096;
        if (ailib_stream_feed(s, c->wire.p + off, n, cb, user, NULL) != AILIB_OK) { puts("feed failed"); exit(1); }
    }
    if (ailib_stream_finish(s, cb, user, NULL) != AILIB_OK) { puts("finish failed"); exit(1); }
    r = ailib_stream_take_response(s);
    if (!r) { puts("no response"); exit(1); }
    if (think == 1) {          /* ailib split it */
        size_t rl, tl;
        const char *rs = ailib_response_reasoning(r, &rl);
        ailib_response_text(r, &tl);
        if (rl != c->payload.len || memcmp(rs, c->payload.p, rl) != 0 || tl != c->answer_len) { puts("think split wrong"); exit(1); }
    } else if (think == 0) {
        const ailib_tool_call *tc = ailib_response_tool_call(r, 0);
        if (!tc || tc->arguments_len != c->payload.len || memcmp(tc->arguments, c->payload.p, tc->arguments_len) != 0 || !tc->args) {
            puts("tool call wrong");
            exit(1);
        }
    }
    ailib_response_destroy(r);
    ailib_stream_destroy(s);
}

/* Median ns per payload byte; each timed run repeats the stream until ~4 MiB went through. */
static double bench(const char *provider, const stream_case *c, int think, ailib_event_callback cb, int naive_mode,
                    size_t *allocs) {
    double t[RUNS];
    int run, i, reps = (int)((4u << 20) / c->payload.len);
    if (reps < 1) reps = 1;
    if (naive_mode) reps = 1;
    n_alloc = 0;
    run_stream(provider, c, think, NULL, NULL);          /* warm-up, and the allocation count */
    if (allocs) *allocs = n_alloc;
    for (run = 0; run < RUNS; run++) {
        double t0 = now_ns();
        for (i = 0; i < reps; i++) {
            naive nv;
            memset(&nv, 0, sizeof nv);
            run_stream(provider, c, think, cb, cb ? &nv : NULL);
            if (naive_mode == 1 && (nv.len != c->payload.len || memcmp(nv.acc, c->payload.p, nv.len) != 0)) { puts("naive tool wrong"); exit(1); }
            if (naive_mode == 2 && nv.sink != c->payload.len + c->answer_len) { puts("naive think wrong"); exit(1); }
            free(nv.acc);
        }
        t[run] = (now_ns() - t0) / ((double)reps * (double)c->payload.len);
    }
    return median(t, RUNS);
}

static void section(const char *title, int think) {
    double ns[NSIZES], nv[NAIVE_SIZES];
    size_t allocs, i;
    stream_case c[NSIZES];
    printf("%s\n", title);
    for (i = 0; i < NSIZES; i++) {
        if (think) make_think(sizes[i], &c[i]); else make_tool(sizes[i], &c[i]);
        ns[i] = bench(think ? "together" : "openai", &c[i], think, NULL, 0, &allocs);
        printf("    %s: %6.2f ns/byte  (%lu deltas, %lu B of SSE, %lu allocations per stream)\n", size_names[i], ns[i],
               (unsigned long)c[i].ndeltas, (unsigned long)c[i].wire.len, (unsigned long)allocs);
    }
    printf("    ratio of ns/byte, 4 MiB / 64 KiB: %.2f  (linear ~1, quadratic ~64)\n", ns[NSIZES - 1] / ns[0]);
    printf("    reference, %s:\n", think ? "naive consumer re-splitting the accumulated content at the tags on each delta (provider without the quirk)"
                                         : "naive consumer re-copying the accumulated arguments on each delta");
    for (i = 0; i < NAIVE_SIZES; i++) {
        nv[i] = think ? bench("openai", &c[i], 2, naive_think, 2, NULL) : bench("openai", &c[i], 0, naive_tool, 1, NULL);
        printf("    %s: %6.2f ns/byte  naive/ailib = %.1f\n", size_names[i], nv[i], nv[i] / ns[i]);
    }
    printf("    ratio of ns/byte, 256 KiB / 64 KiB: naive %.2f, ailib %.2f  (linear ~1, quadratic ~4)\n", nv[1] / nv[0], ns[1] / ns[0]);
    for (i = 0; i < NSIZES; i++) { free(c[i].wire.p); free(c[i].payload.p); }
}

int main(void) {
    printf("ailib linear-stream benchmarks, median of %d runs (%s)\n", RUNS, ailib_version_string());
    section("(a) OpenAI tool call, arguments in 16-64 B deltas fed in 4 KiB pieces: decode + assemble + parse the arguments", 0);
    section("(b) <think> in content deltas of 16-64 B (\"together\" row, AILIB_Q_THINK_TAGS): decode + split + response", 1);
    return 0;
}

/* Streamed tool-call assembly and <think> extraction stay linear: 1 MiB of tool arguments
   (OpenAI tool_calls deltas, Anthropic input_json_delta) and 1 MiB of inline <think>
   reasoning, in 16-64 byte fragments with JSON escapes split anywhere, fed in odd piece sizes.
   The results are asserted byte for byte; linearity is asserted without any clock, through
   an allocator that counts calls and requested bytes (a decoder that re-copied or re-parsed
   the accumulated prefix per delta would request O(n^2) bytes or allocate once per delta),
   and through the event callback, which must see each input byte exactly once.
   Quick mode (valgrind) uses 256 KiB instead of 1 MiB and 16 KiB instead of 64 KiB. */
#include "test.h"
#include "../ailib.h"
#include <stdlib.h>

/* --- helpers ------------------------------------------------------------------------------- */

/* A growable byte buffer on plain malloc: the test's own memory is never counted. */
typedef struct lt_buf { char *p; size_t len, cap; } lt_buf;

static void lt_add(lt_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        char *np;
        while (nc < b->len + n + 1) nc *= 2;
        np = (char *)realloc(b->p, nc);
        if (!np) { fprintf(stderr, "test_linear: out of memory\n"); exit(2); }
        b->p = np;
        b->cap = nc;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void lt_adds(lt_buf *b, const char *s) { lt_add(b, s, strlen(s)); }
static void lt_free(lt_buf *b) { free(b->p); memset(b, 0, sizeof *b); }

/* xorshift64*: the same fragments on every run. */
static uint32_t lt_rand(uint64_t *st) {
    uint64_t x = *st;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    *st = x;
    return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

static int lt_contains(const char *s, size_t n, const char *pat) {
    size_t k = strlen(pat), i;
    for (i = 0; i + k <= n; i++) if (memcmp(s + i, pat, k) == 0) return 1;
    return 0;
}

/* Sizes: the big stream and the small one it is compared with (16x smaller either way). */
static size_t lt_big(void) { return ailib_test_quick() ? (size_t)256 * 1024 : (size_t)1024 * 1024; }
static size_t lt_small(void) { return lt_big() / 16; }

/* Tool arguments of exactly `size` bytes: {"doc":"...","n":7} where the string is full of
   argument-level escapes (\" \\ \u00e9 \n), raw UTF-8 and '<'. *decoded receives the value of
   "doc" as a JSON reader must return it. */
static void lt_make_args(size_t size, uint64_t seed, lt_buf *args, lt_buf *decoded) {
    static const struct { const char *raw, *dec; } pieces[] = {
        { "lorem ", "lorem " }, { "ipsum ", "ipsum " }, { "dolor", "dolor" }, { " sit", " sit" },
        { "\\\"", "\"" }, { "\\\\", "\\" }, { "\\u00e9", "\xc3\xa9" }, { "\xc3\xa9", "\xc3\xa9" },
        { "\\n", "\n" }, { "<", "<" }, { "{[", "{[" }, { "\\/", "/" }, { "\\u20ac", "\xe2\x82\xac" }
    };
    const char *tail = "\",\"n\":7}";
    size_t tl = strlen(tail);
    uint64_t st = seed;
    lt_adds(args, "{\"doc\":\"");
    for (;;) {
        unsigned k = lt_rand(&st) % (unsigned)(sizeof pieces / sizeof pieces[0]);
        size_t rl = strlen(pieces[k].raw);
        if (args->len + rl + tl > size) break;
        lt_add(args, pieces[k].raw, rl);
        lt_adds(decoded, pieces[k].dec);
    }
    while (args->len + tl < size) { lt_add(args, "x", 1); lt_add(decoded, "x", 1); }
    lt_add(args, tail, tl);
}

/* Reasoning text of exactly `size` bytes with near-misses of the tags ("</th", "<think>",
   "</thinking>", "<thin") but never "</think>" itself. */
static void lt_make_reasoning(size_t size, uint64_t seed, lt_buf *out) {
    static const char *pieces[] = {
        "Let me think. ", "step ", "a<b ", "</th", "<think> ", "</thinking> ", "<thin", "caf\xc3\xa9 ",
        "\"quoted\" ", "back\\slash ", "line\n", "< /think> ", "</THINK> ", "x"
    };
    uint64_t st = seed;
    for (;;) {
        const char *p = pieces[lt_rand(&st) % (unsigned)(sizeof pieces / sizeof pieces[0])];
        size_t n = strlen(p);
        if (out->len + n > size) break;
        lt_add(out, p, n);
    }
    while (out->len < size) lt_add(out, ".", 1);
}

/* A JSON string body for s[0, n): " \ and controls escaped, U+00E9 as \u00e9 (so a wire
   escape is often split from its neighbours only by the fragmenting), other bytes raw. */
static void lt_json_escape(lt_buf *w, const char *s, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') lt_adds(w, "\\\"");
        else if (c == '\\') lt_adds(w, "\\\\");
        else if (c == '\n') lt_adds(w, "\\n");
        else if (c < 0x20) { char e[8]; snprintf(e, sizeof e, "\\u%04x", c); lt_adds(w, e); }
        else if (c == 0xc3 && i + 1 < n && (unsigned char)s[i + 1] == 0xa9) { lt_adds(w, "\\u00e9"); i++; }
        else lt_add(w, (const char *)&s[i], 1);
    }
}

/* Cuts s into fragments of 16..64 bytes, never inside a UTF-8 sequence, and also at each of
   the forced offsets. Returns the fragment count; offsets go to *cuts (fragment i is
   [cuts[i], cuts[i+1])). */
static size_t lt_fragment(const char *s, size_t n, uint64_t seed, const size_t *forced, size_t nforced,
                          size_t **cuts) {
    size_t cap = n / 16 + nforced + 4, count = 0, pos = 0, f = 0;
    uint64_t st = seed;
    size_t *c = (size_t *)malloc(cap * sizeof *c);
    if (!c) exit(2);
    c[count++] = 0;
    while (pos < n) {
        size_t next = pos + 16 + lt_rand(&st) % 49;
        while (f < nforced && forced[f] <= pos) f++;
        if (f < nforced && forced[f] < next) next = forced[f];
        if (next > n) next = n;
        while (next < n && ((unsigned char)s[next] & 0xc0) == 0x80) next++;
        if (count == cap) { cap *= 2; c = (size_t *)realloc(c, cap * sizeof *c); if (!c) exit(2); }
        c[count++] = next;
        pos = next;
    }
    *cuts = c;
    return count - 1;
}

static void lt_oa_chunk(lt_buf *w, const char *delta, const char *finish) {
    lt_adds(w, "data: {\"id\":\"chatcmpl-lin\",\"object\":\"chat.completion.chunk\",\"created\":1770000000,"
               "\"model\":\"lin-model\",\"choices\":[{\"index\":0,\"delta\":");
    lt_adds(w, delta);
    lt_adds(w, ",\"finish_reason\":");
    lt_adds(w, finish);
    lt_adds(w, "}]}\n\n");
}

/* OpenAI chat SSE: one tool call whose arguments come in the given fragments. */
static void lt_wire_openai_tool(const lt_buf *args, const size_t *cuts, size_t nfrag, lt_buf *w) {
    size_t i;
    lt_buf d = { 0 };
    lt_oa_chunk(w, "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_lin\",\"type\":\"function\","
                   "\"function\":{\"name\":\"store\",\"arguments\":\"\"}}]}", "null");
    for (i = 0; i < nfrag; i++) {
        d.len = 0;
        lt_adds(&d, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"");
        lt_json_escape(&d, args->p + cuts[i], cuts[i + 1] - cuts[i]);
        lt_adds(&d, "\"}}]}");
        lt_oa_chunk(w, d.p, "null");
    }
    lt_oa_chunk(w, "{}", "\"tool_calls\"");
    lt_adds(w, "data: [DONE]\n\n");
    lt_free(&d);
}

/* Anthropic Messages SSE: one tool_use block whose input comes as input_json_delta. */
static void lt_wire_anthropic_tool(const lt_buf *args, const size_t *cuts, size_t nfrag, lt_buf *w) {
    size_t i;
    lt_adds(w, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_lin\",\"type\":\"message\","
               "\"role\":\"assistant\",\"model\":\"claude-lin\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
               "\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n");
    lt_adds(w, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
               "{\"type\":\"tool_use\",\"id\":\"toolu_lin\",\"name\":\"store\",\"input\":{}}}\n\n");
    for (i = 0; i < nfrag; i++) {
        lt_adds(w, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                   "{\"type\":\"input_json_delta\",\"partial_json\":\"");
        lt_json_escape(w, args->p + cuts[i], cuts[i + 1] - cuts[i]);
        lt_adds(w, "\"}}\n\n");
    }
    lt_adds(w, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
    lt_adds(w, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
               "\"stop_sequence\":null},\"usage\":{\"output_tokens\":4242}}\n\n");
    lt_adds(w, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
}

/* OpenAI chat SSE whose content deltas are the fragments of `content`. */
static void lt_wire_content(const lt_buf *content, const size_t *cuts, size_t nfrag, lt_buf *w) {
    size_t i;
    lt_buf d = { 0 };
    lt_oa_chunk(w, "{\"role\":\"assistant\",\"content\":\"\"}", "null");
    for (i = 0; i < nfrag; i++) {
        d.len = 0;
        lt_adds(&d, "{\"content\":\"");
        lt_json_escape(&d, content->p + cuts[i], cuts[i + 1] - cuts[i]);
        lt_adds(&d, "\"}");
        lt_oa_chunk(w, d.p, "null");
    }
    lt_oa_chunk(w, "{}", "\"stop\"");
    lt_adds(w, "data: [DONE]\n\n");
    lt_free(&d);
}

/* Counting allocator: calls and the sum of requested sizes (malloc size, realloc new size),
   charged to the meter's current phase (the stream keeps its own copy of the allocator). */
typedef struct lt_count { size_t calls, bytes; } lt_count;
typedef struct lt_meter { lt_count *cur; } lt_meter;
static void *lt_malloc(void *ctx, size_t n) {
    lt_count *c = ((lt_meter *)ctx)->cur; c->calls++; c->bytes += n; return malloc(n);
}
static void *lt_realloc(void *ctx, void *p, size_t o, size_t n) {
    lt_count *c = ((lt_meter *)ctx)->cur; (void)o; c->calls++; c->bytes += n; return realloc(p, n);
}
static void lt_freefn(void *ctx, void *p) { (void)ctx; free(p); }

/* What the event callback saw. */
typedef struct lt_sink {
    lt_buf args, reasoning, text;      /* TOOL_CALL_DELTA, REASONING_DELTA, TEXT_DELTA texts in order */
    size_t n_begin, n_delta, n_end, n_reason, n_text, n_finish, n_error, n_other_index;
    size_t end_len;
    int end_matches;                   /* END's complete arguments == the concatenated deltas */
    int finish;
} lt_sink;

static int lt_on_event(void *user, const ailib_event *e) {
    lt_sink *k = (lt_sink *)user;
    switch (e->type) {
    case AILIB_EVENT_TOOL_CALL_BEGIN: k->n_begin++; if (e->index) k->n_other_index++; break;
    case AILIB_EVENT_TOOL_CALL_DELTA: k->n_delta++; if (e->index) k->n_other_index++; lt_add(&k->args, e->text, e->text_len); break;
    case AILIB_EVENT_TOOL_CALL_END:
        k->n_end++;
        k->end_len = e->text_len;
        k->end_matches = e->text_len == k->args.len && memcmp(e->text, k->args.p, e->text_len) == 0;
        break;
    case AILIB_EVENT_REASONING_DELTA: k->n_reason++; lt_add(&k->reasoning, e->text, e->text_len); break;
    case AILIB_EVENT_TEXT_DELTA: k->n_text++; lt_add(&k->text, e->text, e->text_len); break;
    case AILIB_EVENT_FINISH: k->n_finish++; k->finish = (int)e->finish_reason; break;
    case AILIB_EVENT_ERROR: k->n_error++; break;
    default: break;
    }
    return 0;
}

/* One stream through the decoder with the counting allocator. feed counts the allocations
   of create + all feeds, fin those of finish + take_response. */
typedef struct lt_run {
    lt_count feed, fin, after;
    lt_meter meter;
    lt_sink sink;
    ailib_result feed_result, finish_result;
    ailib_response *resp;
    size_t pieces;
} lt_run;

static void lt_stream(const char *provider, const char *wire, size_t wlen, lt_run *r) {
    static const size_t sizes[] = { 1, 3, 7, 61, 509, 4093, 13, 997, 2, 1499 };
    ailib_endpoint ep;
    ailib_allocator al;
    ailib_stream *s;
    ailib_error err;
    size_t off = 0, i = 0;
    memset(r, 0, sizeof *r);
    r->meter.cur = &r->feed;
    memset(&ep, 0, sizeof ep);
    al.malloc_fn = lt_malloc; al.realloc_fn = lt_realloc; al.free_fn = lt_freefn;
    al.ctx = &r->meter;
    ep.provider = ailib_provider_find(provider);
    ep.allocator = &al;
    ASSERT_TRUE(ep.provider != NULL);
    s = ailib_stream_create(&ep, NULL, &err);
    ASSERT_TRUE(s != NULL);
    while (off < wlen && r->feed_result == AILIB_OK) {
        size_t n = sizes[i++ % (sizeof sizes / sizeof sizes[0])];
        if (n > wlen - off) n = wlen - off;
        r->feed_result = ailib_stream_feed(s, wire + off, n, lt_on_event, &r->sink, &err);
        off += n;
        r->pieces++;
    }
    r->meter.cur = &r->fin;
    r->finish_result = ailib_stream_finish(s, lt_on_event, &r->sink, &err);
    r->resp = ailib_stream_take_response(s);
    r->meter.cur = &r->after;
    ailib_stream_destroy(s);
}

static void lt_run_free(lt_run *r) {
    ailib_response_destroy(r->resp);
    lt_free(&r->sink.args);
    lt_free(&r->sink.reasoning);
    lt_free(&r->sink.text);
}

/* --- the three streams ---------------------------------------------------------------------- */

enum { LT_OPENAI_TOOL, LT_ANTHROPIC_TOOL, LT_THINK };

typedef struct lt_case {
    lt_buf expect;       /* tool cases: the arguments text; think: the reasoning */
    lt_buf decoded;      /* tool cases: the value of "doc" in the arguments */
    lt_buf answer;       /* think: the answer text */
    lt_buf wire;         /* the HTTP body */
    size_t nfrag;        /* deltas on the wire */
    size_t split_tags;   /* think: deltas ending in a proper prefix of "<think>" or "</think>" */
    size_t input;        /* payload bytes: arguments, or the whole content with its tags */
    const char *provider;
} lt_case;

static void lt_case_make(int kind, size_t size, lt_case *c) {
    size_t *cuts = NULL;
    memset(c, 0, sizeof *c);
    if (kind == LT_THINK) {
        static const char *pieces[] = { "The answer ", "is 42", " < 43", " caf\xc3\xa9", " \"ok\"", "<th", "\n", " </th" };
        lt_buf content = { 0 };
        size_t forced[2], rl, alen = size / 64 + 100;
        uint64_t st = 0x9e3779b97f4a7c15ULL ^ size;
        lt_make_reasoning(size, 0x1234567ULL + size, &c->expect);
        rl = c->expect.len;
        lt_adds(&c->answer, "\n\n");
        while (c->answer.len < alen) lt_adds(&c->answer, pieces[lt_rand(&st) % (unsigned)(sizeof pieces / sizeof pieces[0])]);
        lt_adds(&c->answer, "<thin");   /* held back as a possible tag until the stream ends */
        lt_adds(&content, "<think>");
        lt_add(&content, c->expect.p, rl);
        lt_adds(&content, "</think>");
        lt_add(&content, c->answer.p, c->answer.len);
        forced[0] = 3;              /* "<th" | "ink>..." */
        forced[1] = 7 + rl + 5;     /* "...</thi" | "nk>..." */
        c->nfrag = lt_fragment(content.p, content.len, 0xabcdef12ULL + size, forced, 2, &cuts);
        {
            size_t i, k;
            for (i = 1; i < c->nfrag; i++)
                for (k = 1; k < 8 && k <= cuts[i]; k++)
                    if (memcmp(content.p + cuts[i] - k, "</think>", k) == 0 ||
                        (k < 7 && memcmp(content.p + cuts[i] - k, "<think>", k) == 0)) { c->split_tags++; break; }
        }
        c->input = content.len;
        c->provider = "together";
        lt_wire_content(&content, cuts, c->nfrag, &c->wire);
        lt_free(&content);
    } else {
        lt_make_args(size, 0x5eed0000ULL + size, &c->expect, &c->decoded);
        c->nfrag = lt_fragment(c->expect.p, c->expect.len, 0x77aa55ULL + size + (size_t)kind, NULL, 0, &cuts);
        c->input = c->expect.len;
        if (kind == LT_OPENAI_TOOL) { c->provider = "openai"; lt_wire_openai_tool(&c->expect, cuts, c->nfrag, &c->wire); }
        else { c->provider = "anthropic"; lt_wire_anthropic_tool(&c->expect, cuts, c->nfrag, &c->wire); }
    }
    free(cuts);
}

static void lt_case_free(lt_case *c) {
    lt_free(&c->expect);
    lt_free(&c->decoded);
    lt_free(&c->answer);
    lt_free(&c->wire);
}

/* Everything the decoder must have produced for a tool case, byte for byte. */
static void lt_check_tool(const lt_case *c, const lt_run *r, const char *id, ailib_finish_reason fin) {
    const ailib_tool_call *tc;
    const char *doc;
    size_t dl = 0;
    ASSERT_EQ(r->feed_result, AILIB_OK);
    ASSERT_EQ(r->finish_result, AILIB_OK);
    ASSERT_TRUE(r->resp != NULL);
    ASSERT_EQ(ailib_response_tool_call_count(r->resp), 1);
    tc = ailib_response_tool_call(r->resp, 0);
    EXPECT_MEM_EQ(tc->id, tc->id_len, id);
    EXPECT_MEM_EQ(tc->name, tc->name_len, "store");
    EXPECT_EQ(tc->arguments_len, c->expect.len);
    EXPECT_TRUE(tc->arguments_len == c->expect.len && memcmp(tc->arguments, c->expect.p, c->expect.len) == 0);
    EXPECT_EQ(tc->args_error, AILIB_OK);
    ASSERT_TRUE(tc->args != NULL);
    doc = ailib_json_str(ailib_json_get(tc->args, "doc"), &dl);
    ASSERT_TRUE(doc != NULL);
    EXPECT_EQ(dl, c->decoded.len);
    EXPECT_TRUE(dl == c->decoded.len && memcmp(doc, c->decoded.p, dl) == 0);
    EXPECT_EQ(ailib_json_int(ailib_json_get(tc->args, "n")), 7);
    EXPECT_EQ(ailib_response_finish_reason(r->resp), fin);
    /* the callback saw every argument byte once, in order, one event per wire delta */
    EXPECT_EQ(r->sink.n_begin, 1);
    EXPECT_EQ(r->sink.n_delta, c->nfrag);
    EXPECT_EQ(r->sink.args.len, c->expect.len);
    EXPECT_TRUE(r->sink.args.len == c->expect.len && memcmp(r->sink.args.p, c->expect.p, c->expect.len) == 0);
    EXPECT_EQ(r->sink.n_end, 1);
    EXPECT_EQ(r->sink.end_len, c->expect.len);
    EXPECT_TRUE(r->sink.end_matches);
    EXPECT_EQ(r->sink.n_other_index, 0);
    EXPECT_EQ(r->sink.n_reason + r->sink.n_text, 0);
    EXPECT_EQ(r->sink.n_finish, 1);
    EXPECT_EQ(r->sink.finish, fin);
    EXPECT_EQ(r->sink.n_error, 0);
}

static void lt_check_think(const lt_case *c, const lt_run *r) {
    size_t rl = 0, tl = 0;
    const char *reasoning, *text;
    const ailib_message *m;
    ASSERT_EQ(r->feed_result, AILIB_OK);
    ASSERT_EQ(r->finish_result, AILIB_OK);
    ASSERT_TRUE(r->resp != NULL);
    reasoning = ailib_response_reasoning(r->resp, &rl);
    text = ailib_response_text(r->resp, &tl);
    EXPECT_EQ(rl, c->expect.len);
    EXPECT_TRUE(rl == c->expect.len && memcmp(reasoning, c->expect.p, rl) == 0);
    EXPECT_EQ(tl, c->answer.len);
    EXPECT_TRUE(tl == c->answer.len && memcmp(text, c->answer.p, tl) == 0);
    EXPECT_EQ(ailib_response_tool_call_count(r->resp), 0);
    EXPECT_EQ(ailib_response_finish_reason(r->resp), AILIB_FINISH_STOP);
    /* one thinking part, then one text part */
    m = ailib_response_message(r->resp);
    ASSERT_TRUE(m != NULL);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(m->parts[0].text_len, c->expect.len);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_EQ(m->parts[1].text_len, c->answer.len);
    /* the callback saw every content byte but the tags exactly once, each in its place */
    EXPECT_EQ(r->sink.reasoning.len, c->expect.len);
    EXPECT_TRUE(r->sink.reasoning.len == c->expect.len && memcmp(r->sink.reasoning.p, c->expect.p, c->expect.len) == 0);
    EXPECT_EQ(r->sink.text.len, c->answer.len);
    EXPECT_TRUE(r->sink.text.len == c->answer.len && memcmp(r->sink.text.p, c->answer.p, c->answer.len) == 0);
    EXPECT_EQ(r->sink.reasoning.len + r->sink.text.len + 15, c->input);
    EXPECT_GT(r->sink.n_reason, 0);
    EXPECT_GT(r->sink.n_text, 0);
    EXPECT_EQ(r->sink.n_begin + r->sink.n_delta + r->sink.n_end, 0);
    EXPECT_EQ(r->sink.n_finish, 1);
    EXPECT_EQ(r->sink.n_error, 0);
}

static void lt_check(int kind, const lt_case *c, const lt_run *r) {
    if (kind == LT_OPENAI_TOOL) lt_check_tool(c, r, "call_lin", AILIB_FINISH_TOOL_CALLS);
    else if (kind == LT_ANTHROPIC_TOOL) lt_check_tool(c, r, "toolu_lin", AILIB_FINISH_TOOL_CALLS);
    else lt_check_think(c, r);
}

static void lt_one(int kind) {
    lt_case c;
    lt_run r;
    size_t n = lt_big();
    lt_case_make(kind, n, &c);
    /* the generators themselves: exact sizes, escapes present, tags where they belong */
    if (kind == LT_THINK) {
        ASSERT_EQ(c.expect.len, n);
        ASSERT_FALSE(lt_contains(c.expect.p, c.expect.len, "</think>"));
        ASSERT_FALSE(lt_contains(c.answer.p, c.answer.len, "<think>"));
        ASSERT_TRUE(lt_contains(c.wire.p, c.wire.len, "\"content\":\"<th\""));
        ASSERT_TRUE(lt_contains(c.wire.p, c.wire.len, "</thi\"}"));
        EXPECT_GT(c.split_tags, c.nfrag / 50);   /* many deltas end in a possible tag */
    } else {
        ASSERT_EQ(c.expect.len, n);
        ASSERT_TRUE(lt_contains(c.wire.p, c.wire.len, "\\\\u00e9") && lt_contains(c.wire.p, c.wire.len, "\\\\\\\""));
    }
    EXPECT_GT(c.nfrag, n / 64);
    lt_stream(c.provider, c.wire.p, c.wire.len, &r);
    lt_check(kind, &c, &r);
    lt_run_free(&r);
    lt_case_free(&c);
}

TEST(linear_openai_tool_args_1mib) { lt_one(LT_OPENAI_TOOL); }
TEST(linear_anthropic_input_json_1mib) { lt_one(LT_ANTHROPIC_TOOL); }
TEST(linear_think_tags_1mib) { lt_one(LT_THINK); }

/* The same stream at 1/16 and full size: a linear decoder requests about 16x the bytes with a
   few more (doubling) allocations; one that re-copied the prefix per delta would request
   ~n^2/80 bytes, one that reallocated per delta would make one call per delta. */
static void lt_scaling(int kind) {
    lt_case cs, cb;
    lt_run rs, rb;
    size_t big = lt_big(), small = lt_small();
    lt_case_make(kind, small, &cs);
    lt_case_make(kind, big, &cb);
    lt_stream(cs.provider, cs.wire.p, cs.wire.len, &rs);
    lt_stream(cb.provider, cb.wire.p, cb.wire.len, &rb);
    lt_check(kind, &cs, &rs);
    lt_check(kind, &cb, &rb);
    /* streaming: buffers double, so all requests together stay under 4x the payload (+ the
       framing and event buffers, which stop growing at the largest event) */
    EXPECT_LE(rb.feed.bytes, 8 * cb.input + 65536);
    EXPECT_LE(rb.feed.bytes, 2 * (big / small) * rs.feed.bytes);
    EXPECT_LT(rb.feed.calls, 200);
    /* log2(16) more doublings per growing buffer, plus the event document, which is resized
       to each new longest event (a few more record lengths in a longer stream) */
    EXPECT_LE(rb.feed.calls, rs.feed.calls + 40);
    EXPECT_LT(rb.feed.calls * 50, cb.nfrag);         /* far from one allocation per delta */
    EXPECT_GT(rb.feed.bytes, cb.input);              /* the counter does see the payload's buffer */
    /* the response: copies of the payload plus, for tool calls, the parsed arguments (the
       reader reserves one 16-byte value per two input bytes: ~10x the arguments in all) */
    EXPECT_LE(rb.fin.bytes, 16 * cb.input + 65536);
    EXPECT_LE(rb.fin.bytes, 2 * (big / small) * rs.fin.bytes);
    EXPECT_LE(rb.fin.calls, rs.fin.calls + 8);
    EXPECT_LT(rb.fin.calls, 100);
    EXPECT_EQ(rb.after.calls, 0);                   /* destroying allocates nothing */
    lt_run_free(&rs);
    lt_run_free(&rb);
    lt_case_free(&cs);
    lt_case_free(&cb);
}

TEST(linear_allocations_openai_tool_args) { lt_scaling(LT_OPENAI_TOOL); }
TEST(linear_allocations_anthropic_input_json) { lt_scaling(LT_ANTHROPIC_TOOL); }
TEST(linear_allocations_think_tags) { lt_scaling(LT_THINK); }

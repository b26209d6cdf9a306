/* replay.c - see replay.h. */
#include "replay.h"
#include "test.h"
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

typedef struct logbuf { char *p; size_t len, cap; size_t n; } logbuf;

static void lb_add(logbuf *b, const char *s, size_t n) {
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

static void lb_fmt(logbuf *b, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) lb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* One line per event: type letter, then its fields. */
static int on_event(void *user, const ailib_event *e) {
    logbuf *b = (logbuf *)user;
    b->n++;
    switch (e->type) {
    case AILIB_EVENT_TEXT_DELTA: lb_add(b, "T ", 2); lb_add(b, e->text, e->text_len); break;
    case AILIB_EVENT_REASONING_DELTA: lb_add(b, "R ", 2); lb_add(b, e->text, e->text_len); break;
    case AILIB_EVENT_TOOL_CALL_BEGIN:
        lb_fmt(b, "B %lu ", (unsigned long)e->index); lb_add(b, e->id, e->id_len); lb_add(b, " ", 1); lb_add(b, e->name, e->name_len); break;
    case AILIB_EVENT_TOOL_CALL_DELTA: lb_fmt(b, "D %lu ", (unsigned long)e->index); lb_add(b, e->text, e->text_len); break;
    case AILIB_EVENT_TOOL_CALL_END:
        lb_fmt(b, "E %lu ", (unsigned long)e->index); lb_add(b, e->id, e->id_len); lb_add(b, " ", 1);
        lb_add(b, e->name, e->name_len); lb_add(b, " ", 1); lb_add(b, e->text, e->text_len); break;
    case AILIB_EVENT_USAGE:
        lb_fmt(b, "U %lld %lld %lld %lld %lld %lld", (long long)e->usage->input_tokens, (long long)e->usage->output_tokens,
               (long long)e->usage->total_tokens, (long long)e->usage->cached_input_tokens,
               (long long)e->usage->cache_write_tokens, (long long)e->usage->reasoning_tokens); break;
    case AILIB_EVENT_FINISH: lb_fmt(b, "F %s %s", ailib_finish_reason_name(e->finish_reason), e->finish_raw); break;
    case AILIB_EVENT_ERROR: lb_fmt(b, "X %s %s", ailib_result_name(e->error->code), e->error->provider_message); break;
    case AILIB_EVENT_PROVIDER_TOOL_CALL:
    case AILIB_EVENT_PROVIDER_TOOL_RESULT:
        lb_add(b, e->type == AILIB_EVENT_PROVIDER_TOOL_CALL ? "PC " : "PR ", 3); lb_add(b, e->id, e->id_len); lb_add(b, " ", 1);
        lb_add(b, e->name, e->name_len); lb_add(b, " ", 1); lb_add(b, e->text, e->text_len); break;
    default: lb_add(b, "?", 1); break;
    }
    lb_add(b, "\n", 1);
    return 0;
}

static int ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Wraps .chunks.jsonl lines as SSE, per the fixtures README. */
static char *wrap_chunks(const char *raw, size_t len, size_t *out_len) {
    logbuf b = {0, 0, 0, 0};
    size_t i = 0;
    int typed = 0, openai_style = 0, gemini = 0;
    while (i < len) {
        const char *nl = (const char *)memchr(raw + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - raw) : len;
        if (e > i) {
            const char *line = raw + i;
            size_t n = e - i;
            /* a top-level "type" makes it an event-named stream (Anthropic, Cohere, Responses) */
            const char *t = strstr(line, "\"type\":\"");
            if (i == 0) {
                openai_style = strstr(line, "chat.completion") != NULL || strstr(line, "\"choices\"") != NULL;
                gemini = strstr(line, "\"candidates\"") != NULL;
                typed = !openai_style && !gemini && t != NULL;
            }
            if (typed && t && (size_t)(t - line) < n) {
                const char *v = t + 8, *q = (const char *)memchr(v, '"', n - (size_t)(v - line));
                if (q) { lb_add(&b, "event: ", 7); lb_add(&b, v, (size_t)(q - v)); lb_add(&b, "\n", 1); }
            }
            lb_add(&b, "data: ", 6);
            lb_add(&b, line, n);
            lb_add(&b, "\n\n", 2);
        }
        i = e + 1;
    }
    if (openai_style) lb_add(&b, "data: [DONE]\n\n", 14);
    *out_len = b.len;
    return b.p;
}

char *replay_load(const char *rel_path, size_t *len) {
    size_t n = 0;
    char *raw = ailib_test_fixture(rel_path, &n), *out;
    if (!raw) return NULL;
    if (!ends_with(rel_path, ".chunks.jsonl")) { *len = n; return raw; }
    out = wrap_chunks(raw, n, len);
    free(raw);
    return out;
}

char *replay_crlf(const char *body, size_t len, size_t *out_len) {
    char *o = (char *)malloc(len * 2 + 1);
    size_t i, j = 0;
    for (i = 0; i < len; i++) {
        if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) o[j++] = '\r';
        o[j++] = body[i];
    }
    o[j] = 0;
    *out_len = j;
    return o;
}

void replay_feed(const char *provider, const char *body, size_t len, size_t piece, size_t split, replay_run *out) {
    ailib_endpoint ep;
    ailib_stream *s;
    logbuf b = {0, 0, 0, 0};
    size_t off = 0;
    memset(out, 0, sizeof *out);
    memset(&ep, 0, sizeof ep);
    ailib_error_clear(&out->err);
    ep.provider = ailib_provider_find(provider);
    s = ailib_stream_create(&ep, NULL, &out->err);
    if (!s) { out->feed_result = out->err.code; return; }
    while (off < len && out->feed_result == AILIB_OK) {
        size_t n = len - off;
        ailib_result r;
        if (piece == (size_t)-1) n = off < split ? split - off : len - off;
        else if (piece && n > piece) n = piece;
        r = ailib_stream_feed(s, body + off, n, on_event, &b, &out->err);
        if (r != AILIB_OK) out->feed_result = r;
        off += n;
    }
    if (out->feed_result == AILIB_OK) out->finish_result = ailib_stream_finish(s, on_event, &b, &out->err);
    else out->finish_result = out->feed_result;
    out->resp = ailib_stream_take_response(s);
    ailib_stream_destroy(s);
    out->log = b.p ? b.p : (char *)calloc(1, 1);
    out->log_len = b.len;
    out->events = b.n;
}

void replay_free(replay_run *r) {
    ailib_response_destroy(r->resp);
    free(r->log);
    memset(r, 0, sizeof *r);
}

/* Compares a run against the whole run; reports the first difference. */
static int same_run(const replay_run *a, const replay_run *b, const char *how, size_t at) {
    size_t al = 0, bl = 0;
    const char *at_ = ailib_response_text(a->resp, &al), *bt = ailib_response_text(b->resp, &bl);
    if (a->feed_result != b->feed_result || a->finish_result != b->finish_result) {
        ailib_test_fail(__FILE__, __LINE__, "%s (at %lu): results %s/%s vs whole %s/%s", how, (unsigned long)at,
                        ailib_result_name(b->feed_result), ailib_result_name(b->finish_result),
                        ailib_result_name(a->feed_result), ailib_result_name(a->finish_result));
        return 0;
    }
    if (a->log_len != b->log_len || memcmp(a->log, b->log, a->log_len) != 0) {
        size_t i = 0;
        while (i < a->log_len && i < b->log_len && a->log[i] == b->log[i]) i++;
        ailib_test_fail(__FILE__, __LINE__, "%s (at %lu): event log differs from the whole run at byte %lu: \"%.60s\" vs \"%.60s\"",
                        how, (unsigned long)at, (unsigned long)i, b->log + (i < b->log_len ? i : b->log_len), a->log + (i < a->log_len ? i : a->log_len));
        return 0;
    }
    if (al != bl || memcmp(at_, bt, al) != 0) {
        ailib_test_fail(__FILE__, __LINE__, "%s (at %lu): response text differs", how, (unsigned long)at);
        return 0;
    }
    return 1;
}

int replay_all_ways(const char *provider, const char *body, size_t len, int crlf_too, replay_run *whole) {
    replay_run r;
    size_t k, step = 1, cl;
    int ok = 1;
    char *crlf;
    replay_feed(provider, body, len, 0, 0, whole);
    if (ailib_test_quick() && len > 2000) step = len / 200;
    for (k = 1; k < len && ok; k += step) {
        replay_feed(provider, body, len, (size_t)-1, k, &r);
        ok = same_run(whole, &r, "split once", k);
        replay_free(&r);
    }
    replay_feed(provider, body, len, 1, 0, &r);
    ok = same_run(whole, &r, "one byte at a time", 0) && ok;
    replay_free(&r);
    replay_feed(provider, body, len, 4096, 0, &r);
    ok = same_run(whole, &r, "4 KiB pieces", 0) && ok;
    replay_free(&r);
    if (crlf_too) {
        crlf = replay_crlf(body, len, &cl);
        replay_feed(provider, crlf, cl, 0, 0, &r);
        ok = same_run(whole, &r, "CRLF line ends", 0) && ok;
        replay_free(&r);
        replay_feed(provider, crlf, cl, 7, 0, &r);
        ok = same_run(whole, &r, "CRLF line ends, 7-byte pieces", 0) && ok;
        replay_free(&r);
        free(crlf);
    }
    return ok;
}

int replay_fixture(const char *provider, const char *rel_path, replay_run *whole) {
    size_t len = 0;
    char *body = replay_load(rel_path, &len);
    /* NDJSON has no CR rule of its own beyond stripping it, which the parser does: test it too */
    if (!body) return 0;
    replay_all_ways(provider, body, len, 1, whole);
    free(body);
    return 1;
}

size_t replay_count(const replay_run *r, const char *prefix) {
    size_t n = 0, pl = strlen(prefix);
    const char *p = r->log;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        if (strncmp(p, prefix, pl) == 0) n++;
        if (!nl) break;
        p = nl + 1;
    }
    return n;
}

int replay_file(const char *provider, const char *path, replay_run *r) {
    size_t len = 0;
    char *body = ailib_test_read_file(path, &len);
    if (!body) { memset(r, 0, sizeof *r); return 0; }
    replay_all_ways(provider, body, len, 1, r);
    free(body);
    return 1;
}

ailib_result replay_parse_file(const char *provider, const char *path, ailib_response **out, ailib_error *err) {
    size_t len = 0;
    ailib_endpoint ep;
    char *body = ailib_test_read_file(path, &len);
    ailib_result r;
    *out = NULL;
    if (!body) return AILIB_NOT_FOUND;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find(provider);
    r = ailib_wire_response_parse(&ep, 200, body, len, out, err);
    free(body);
    return r;
}

ailib_result replay_build(const char *provider, const char *api_key, const ailib_request *q, int stream,
                          replay_body *b, ailib_error *err) {
    ailib_endpoint ep;
    ailib_result r;
    memset(&ep, 0, sizeof ep);
    memset(b, 0, sizeof *b);
    ep.provider = ailib_provider_find(provider);
    ep.api_key = api_key;
    r = ailib_wire_request_build(&ep, q, stream, &b->wr, err);
    if (r != AILIB_OK) return r;
    r = ailib_json_parse(b->wr.body, b->wr.body_len, NULL, &b->doc, err);
    b->root = ailib_json_doc_root(b->doc);
    return r;
}

void replay_body_free(replay_body *b) {
    ailib_json_doc_destroy(b->doc);
    ailib_wire_request_deinit(&b->wr);
}

const char *replay_header(const ailib_wire_request *wr, const char *name) {
    size_t i;
    for (i = 0; i < wr->header_count; i++)
        if (strcmp(wr->headers[i].name, name) == 0) return wr->headers[i].value;
    return NULL;
}

ailib_request replay_one_message(ailib_message *msg, const char *text) {
    ailib_request req;
    memset(msg, 0, sizeof *msg);
    memset(&req, 0, sizeof req);
    msg->role = AILIB_ROLE_USER;
    msg->text = text;
    req.messages = msg;
    req.message_count = 1;
    return req;
}

const mock_server *replay_need_mock(void) {
    const mock_server *m = mock_shared();
    if (!m) ailib_test_fail(__FILE__, __LINE__, "ailib-mock could not be started (make build/ailib-mock)");
    return m;
}

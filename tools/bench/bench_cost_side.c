/* bench_cost_side.c - one side of bench_cost: the whole library compiled static into this
   object, once plain (BENCH_SIDE 0: AILIB_ENABLE_COST=0, no metrics) and once with the cost
   feature and a metrics object on the client (BENCH_SIDE 1), so that both run in the same
   process on the same in-memory transport. Exposes bench_open/batch/close_plain and _featured. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#define AILIB_STATIC
#define AILIB_IMPLEMENTATION
#include "../../ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- an in-memory transport: every exchange is answered inside the next poll --------------------- */

typedef struct mt_x { const ailib_http_callbacks *cb; void *ctx; int busy, stream; } mt_x;
typedef struct mt { mt_x x[8]; } mt;

static const char unary_body[] =
    "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1770933883,\"model\":\"gpt-4o-mini-2024-07-18\","
    "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Paris is the capital of France, on the Seine. "
    "It is known for its museums, cafes and architecture.\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
    "\"usage\":{\"prompt_tokens\":53,\"completion_tokens\":25,\"total_tokens\":78,\"prompt_tokens_details\":{\"cached_tokens\":0,"
    "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}},\"service_tier\":\"default\"}";

static char stream_body[8192];
static size_t stream_len, chunk_at[32], nchunks;

static void *mt_create(void *user, const ailib_transport_config *cfg, ailib_error *err) {
    (void)user; (void)cfg; (void)err;
    return calloc(1, sizeof(mt));
}
static void mt_destroy(void *t) { free(t); }
static ailib_result mt_start(void *t, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx, void **handle, ailib_error *err) {
    mt *m = (mt *)t;
    int i;
    (void)err;
    for (i = 0; i < 8 && m->x[i].busy; i++) {}
    if (i == 8) return AILIB_OUT_OF_MEMORY;
    m->x[i].cb = cb; m->x[i].ctx = ctx; m->x[i].busy = 1; m->x[i].stream = req->stream;
    *handle = &m->x[i];
    return AILIB_OK;
}
static ailib_result mt_poll(void *t, int timeout_ms) {
    mt *m = (mt *)t;
    int i;
    size_t k;
    (void)timeout_ms;
    for (i = 0; i < 8; i++) {
        mt_x *x = &m->x[i];
        if (x->busy != 1) continue;
        x->busy = 2;
        x->cb->on_status(x->ctx, 200);
        x->cb->on_header(x->ctx, "content-type", 12, x->stream ? "text/event-stream" : "application/json", x->stream ? 17 : 16);
        if (!x->stream) x->cb->on_body(x->ctx, unary_body, sizeof unary_body - 1);
        else for (k = 0; k < nchunks; k++) x->cb->on_body(x->ctx, stream_body + chunk_at[k], chunk_at[k + 1] - chunk_at[k]);
        x->cb->on_done(x->ctx, AILIB_OK, "");
    }
    return AILIB_OK;
}
static void mt_cancel(void *t, void *h) { (void)t; (void)h; }
static void mt_wakeup(void *t) { (void)t; }
static void mt_release(void *t, void *h) { (void)t; ((mt_x *)h)->busy = 0; }
static const ailib_transport mt_vt = { mt_create, mt_destroy, mt_start, mt_poll, mt_cancel, mt_wakeup, mt_release, NULL };

static void build_stream(void) {
    static const char *words[] = { "Paris", " is", " the", " capital", " of", " France,", " on", " the", " Seine.", " Museums." };
    size_t i;
    stream_len = 0;
    nchunks = 0;
    for (i = 0; i < 10; i++) {
        chunk_at[nchunks++] = stream_len;
        stream_len += (size_t)snprintf(stream_body + stream_len, sizeof stream_body - stream_len,
            "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
            "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n", words[i]);
    }
    chunk_at[nchunks++] = stream_len;
    stream_len += (size_t)snprintf(stream_body + stream_len, sizeof stream_body - stream_len,
        "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
        "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[],"
        "\"usage\":{\"prompt_tokens\":53,\"completion_tokens\":10,\"total_tokens\":63}}\n\ndata: [DONE]\n\n");
    chunk_at[nchunks] = stream_len;
}

static double cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#if BENCH_SIDE
#  define BENCH_OPEN bench_open_featured
#  define BENCH_BATCH bench_batch_featured
#  define BENCH_CLOSE bench_close_featured
#else
#  define BENCH_OPEN bench_open_plain
#  define BENCH_BATCH bench_batch_plain
#  define BENCH_CLOSE bench_close_plain
#endif

typedef struct bench_side { ailib_client *c; ailib_metrics *m; ailib_message msgs[2]; ailib_request req; int stream; long calls; } bench_side;
static char prompt[257];

/* A client for the runs: plain, or with the cost feature and a metrics object (totals kept, no
   callbacks, no export). mode 1 adds a budget (every call estimated and reserved); mode 2 is the
   cost feature without a metrics object. 50 warm-up calls. */
void *BENCH_OPEN(int stream, int mode) {
    ailib_client_desc d;
    ailib_error err;
    bench_side *b = (bench_side *)calloc(1, sizeof *b);
    int i;
    if (!stream_len) build_stream();
    memset(prompt, 'a', 256);
    for (i = 5; i < 256; i += 6) prompt[i] = ' ';
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "bench";
    d.transport = &mt_vt;
    if (!b || !(b->c = ailib_client_create(&d, &err))) { fprintf(stderr, "bench_cost: %s\n", err.message); exit(1); }
#if BENCH_SIDE
    if (mode != 2 && (!(b->m = ailib_metrics_create(NULL, &err)) || ailib_client_set_metrics(b->c, b->m, &err) != AILIB_OK)) {
        fprintf(stderr, "bench_cost: %s\n", err.message);
        exit(1);
    }
    if (mode == 1) {
        ailib_budget bu;
        memset(&bu, 0, sizeof bu);
        bu.limit_usd = 1e9;
        ailib_ledger_add_budget(ailib_client_ledger(b->c), &bu, &err);
    }
#else
    (void)mode;
#endif
    b->msgs[0].role = AILIB_ROLE_USER; b->msgs[0].text = prompt;
    b->msgs[1].role = AILIB_ROLE_ASSISTANT; b->msgs[1].text = "Noted.";
    b->req.system = "You are terse.";
    b->req.messages = b->msgs;
    b->req.message_count = 2;
    b->req.max_tokens = 200;
    b->stream = stream;
    for (i = 0; i < 50; i++) {
        ailib_response *r = NULL;
        if ((stream ? ailib_chat_stream(b->c, &b->req, NULL, NULL, &r, &err) : ailib_chat(b->c, &b->req, &r, &err)) != AILIB_OK) {
            fprintf(stderr, "bench_cost: %s\n", err.message); exit(1);
        }
        ailib_response_destroy(r);
    }
    b->calls = 50;
    return b;
}

/* n calls; CPU ns per call. */
double BENCH_BATCH(void *h, int n) {
    bench_side *b = (bench_side *)h;
    ailib_error err;
    double t0 = cpu_ns(), t1;
    int i;
    for (i = 0; i < n; i++) {
        ailib_response *r = NULL;
        if (b->stream) ailib_chat_stream(b->c, &b->req, NULL, NULL, &r, &err);
        else ailib_chat(b->c, &b->req, &r, &err);
        ailib_response_destroy(r);
    }
    t1 = cpu_ns();
    b->calls += n;
    return (t1 - t0) / n;
}

void BENCH_CLOSE(void *h) {
    bench_side *b = (bench_side *)h;
#if BENCH_SIDE
    ailib_ledger_entry e;
    ailib_ledger_total(ailib_client_ledger(b->c), &e);
    if (e.requests != b->calls || !(e.cost > 0)) { fprintf(stderr, "bench_cost: the ledger did not record every call\n"); exit(1); }
#endif
    ailib_client_destroy(b->c);
#if BENCH_SIDE
    ailib_metrics_destroy(b->m);
#endif
    free(b);
}

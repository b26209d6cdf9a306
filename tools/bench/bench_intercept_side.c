/* bench_intercept_side.c - one side of bench_intercept: compiled twice, with
   AILIB_ENABLE_INTERCEPTORS=0 (-DSIDE=off) and =1 (-DSIDE=on), each with its own static copy
   of ailib (AILIB_STATIC), so that one program compares the two builds in the same run.

   Two kinds of figures. The whole path: ailib_chat / ailib_chat_stream (start, build, poll,
   the transport callbacks, parse, finish) against a transport that answers from memory at
   once, so what is measured is ailib's own work per call and per stream event, not a
   socket's; on a shared machine its run-to-run noise is larger than the budgets. And the
   feature path alone, in tight loops: the engine's per-event delivery (ailib__call_on_event,
   where the event hooks run) and the hook points a call passes (prepare, request, send,
   attempt, done, release), on a call that ailib_chat_start made. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#define AILIB_STATIC
#define AILIB_IMPLEMENTATION
#include "../../ailib.h"
#include "bench.h"
#include <stdio.h>
#include <string.h>

/* CPU time of this thread: a scheduler that runs someone else meanwhile does not count (the
   development machine is shared), so the budgets of a few ns can be seen at all. */
static double cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define SIDE_FN(name) CAT(name##_, SIDE)

/* --- a transport that answers every exchange from memory, in its next poll ------------------ */

typedef struct mem_tp {
    const ailib_http_callbacks *cb;
    void *ctx;
    int pending;
    const char *body;
    size_t len;
    const char *ctype;
} mem_tp;

static const char *unary_body, *stream_body;
static size_t unary_len, stream_len;

static void *mt_create(void *user, const ailib_transport_config *cfg, ailib_error *err) {
    mem_tp *t = (mem_tp *)calloc(1, sizeof *t);
    (void)user; (void)cfg; (void)err;
    return t;
}
static void mt_destroy(void *t) { free(t); }
static ailib_result mt_start(void *tp, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx, void **h, ailib_error *err) {
    mem_tp *t = (mem_tp *)tp;
    (void)err;
    t->cb = cb;
    t->ctx = ctx;
    t->pending = 1;
    t->body = req->stream ? stream_body : unary_body;
    t->len = req->stream ? stream_len : unary_len;
    t->ctype = req->stream ? "text/event-stream" : "application/json";
    *h = t;
    return AILIB_OK;
}
static ailib_result mt_poll(void *tp, int timeout_ms) {
    mem_tp *t = (mem_tp *)tp;
    (void)timeout_ms;
    if (!t->pending) return AILIB_OK;
    t->pending = 0;
    t->cb->on_header(t->ctx, "content-type", 12, t->ctype, strlen(t->ctype));
    t->cb->on_status(t->ctx, 200);
    t->cb->on_body(t->ctx, t->body, t->len);
    t->cb->on_done(t->ctx, AILIB_OK, "");
    return AILIB_OK;
}
static void mt_cancel(void *tp, void *h) {
    mem_tp *t = (mem_tp *)tp;
    (void)h;
    if (t->pending) { t->pending = 0; t->cb->on_done(t->ctx, AILIB_CANCELLED, "cancelled"); }
}
static void mt_wakeup(void *tp) { (void)tp; }
static void mt_release(void *tp, void *h) { (void)tp; (void)h; }
static const ailib_transport mem_transport = { mt_create, mt_destroy, mt_start, mt_poll, mt_cancel, mt_wakeup, mt_release, NULL };

/* --- the measured loops ------------------------------------------------------------------------ */

static int count_events(void *user, const ailib_event *e) { (*(size_t *)user)++; (void)e; return 0; }
static size_t loop_events;
static int count_events_cb(void *user, const ailib_event *e) { (*(size_t *)user)++; (void)e; return 0; }

#if AILIB_ENABLE_INTERCEPTORS
static int pass_event(void *user, ailib_hook_info *info, ailib_event *ev) { (void)user; (void)info; return ev->type == AILIB_EVENT_NONE; }
#endif

/* mode 0: no interceptor; 1: one interceptor with an on_event hook (only on the "on" side). */
static ailib_client *make_client(int mode) {
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "bench-key";
    d.base_url = "http://127.0.0.1:9/v1";
    d.transport = &mem_transport;
    if (!(c = ailib_client_create(&d, &err))) { fprintf(stderr, "bench_intercept: %s\n", err.message); exit(1); }
#if AILIB_ENABLE_INTERCEPTORS
    if (mode == 1) {
        ailib_interceptor ic;
        memset(&ic, 0, sizeof ic);
        ic.name = "pass";
        ic.on_event = pass_event;
        if (ailib_client_add_interceptor(c, &ic, &err) != AILIB_OK) { fprintf(stderr, "bench_intercept: %s\n", err.message); exit(1); }
    }
#else
    (void)mode;
#endif
    return c;
}

void SIDE_FN(bench_setup)(const char *ub, size_t ul, const char *sb, size_t sl) {
    unary_body = ub; unary_len = ul;
    stream_body = sb; stream_len = sl;
}

/* ns per unary call, over n calls on one client (warmed up first). */
double SIDE_FN(bench_calls)(int mode, int n) {
    ailib_client *c = make_client(mode);
    ailib_message msg;
    ailib_request req;
    ailib_response *r;
    double t0;
    int i;
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.role = AILIB_ROLE_USER;
    msg.text = "Write one sentence about benchmarks, please, and keep it short and true.";
    req.messages = &msg;
    req.message_count = 1;
    for (i = 0; i < 200; i++) { if (ailib_chat(c, &req, &r, NULL) != AILIB_OK) exit(2); ailib_response_destroy(r); }
    t0 = cpu_ns();
    for (i = 0; i < n; i++) { ailib_chat(c, &req, &r, NULL); ailib_response_destroy(r); }
    t0 = (cpu_ns() - t0) / n;
    ailib_client_destroy(c);
    return t0;
}

/* A started (never polled) call of a client, for the tight loops. */
static ailib_message loop_msg;
static ailib_request loop_req;

static ailib_call *loop_call(ailib_client *c, int stream) {
    ailib_message msg;
    ailib_request req;
    ailib_call_desc cd;
    ailib_call *call = NULL;
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    memset(&cd, 0, sizeof cd);
    msg.role = AILIB_ROLE_USER;
    msg.text = "loop";
    req.messages = &msg;
    req.message_count = 1;
    cd.stream = stream;
    cd.on_event = count_events_cb;
    cd.user = &loop_events;
    loop_msg = msg;
    loop_req = req;
    loop_req.messages = &loop_msg;
    loop_req.model = "gpt-4o-mini";
    if (ailib_chat_start(c, &loop_req, &cd, &call, NULL) != AILIB_OK) exit(3);
    return call;
}

/* ns per event through the engine's delivery of an event (hooks included), n events. */
double SIDE_FN(bench_event_path)(int mode, long n) {
    ailib_client *c = make_client(mode);
    ailib_call *call = loop_call(c, 1);
    ailib_event ev;
    double t0;
    long i;
    memset(&ev, 0, sizeof ev);
    ev.type = AILIB_EVENT_TEXT_DELTA;
    ev.text = " word";
    ev.text_len = 5;
    for (i = 0; i < 10000; i++) ailib__call_on_event(call, &ev);
    t0 = cpu_ns();
    for (i = 0; i < n; i++) ailib__call_on_event(call, &ev);
    t0 = (cpu_ns() - t0) / (double)n;
    ailib_call_finish(call, NULL, NULL);
    ailib_client_destroy(c);
    return t0;
}

/* One call's feature work: the hook points, and the call's own copy of its request that
   ailib_chat_start makes whenever the client has a feature (the hooks may rewrite it). */
static void call_path_once(ailib_call *call, const ailib_request *req) {
    if (call->client->nfeat) {
        ailib_request copy;
        if (!ailib__request_copy(&call->req_arena, req, &copy)) exit(4);
        call->req = copy;
    }
    ailib__hook_prepare(call); ailib__hook_request(call); ailib__hook_send(call);
    ailib__hook_attempt(call); ailib__hook_done(call); ailib__hook_release(call);
    if (call->client->nfeat) ailib__arena_free(&call->req_arena);
}

/* ns per call through the feature work of a call, n times over. */
double SIDE_FN(bench_call_path)(int mode, long n) {
    ailib_client *c = make_client(mode);
    ailib_call *call = loop_call(c, 0);
    double t0;
    long i;
    ailib__hook_release(call);           /* the start's own round */
    ailib__arena_free(&call->req_arena);
    for (i = 0; i < 1000; i++) call_path_once(call, &loop_req);
    t0 = cpu_ns();
    for (i = 0; i < n; i++) call_path_once(call, &loop_req);
    t0 = (cpu_ns() - t0) / (double)n;
    call->req = loop_req;                /* as the finish expects: a request, prepared */
    ailib__hook_prepare(call);
    ailib_call_finish(call, NULL, NULL);
    ailib_client_destroy(c);
    return t0;
}

/* ns per stream event, over n streamed calls of many events each. */
double SIDE_FN(bench_events)(int mode, int n, size_t *events_per_call) {
    ailib_client *c = make_client(mode);
    ailib_message msg;
    ailib_request req;
    ailib_response *r;
    size_t events = 0;
    double t0;
    int i;
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.role = AILIB_ROLE_USER;
    msg.text = "stream";
    req.messages = &msg;
    req.message_count = 1;
    for (i = 0; i < 3; i++) { ailib_chat_stream(c, &req, count_events, &events, &r, NULL); ailib_response_destroy(r); }
    events = 0;
    t0 = cpu_ns();
    for (i = 0; i < n; i++) { ailib_chat_stream(c, &req, count_events, &events, &r, NULL); ailib_response_destroy(r); }
    t0 = cpu_ns() - t0;
    *events_per_call = events / (size_t)n;
    ailib_client_destroy(c);
    return t0 / (double)events;
}

/* bench_route.c - what routing and the gate cost in CPU per call, next to a plain client in the
   same run. Every client talks to the same in-process transport that answers each request at
   once with the same ~600-byte OpenAI reply (no sockets, no threads), so the difference between
   the lines is the engine's own work: the request copy a feature needs, the router's choice,
   its bookkeeping and report, the gate's queue check. Sequential ailib_chat calls; CPU time of
   the process; median of several runs; the budget is "a routed call costs at most 1 us more
   CPU than a direct one". */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#define AILIB_ENABLE_ROUTING 1
#define AILIB_IMPLEMENTATION
#include "../../ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CALLS 20000
#define RUNS 7

static const char reply[] =
    "{\"id\":\"chatcmpl-D8Z5fAbCdEfGhIjKlMnOpQrStUv\",\"object\":\"chat.completion\",\"created\":1770933883,"
    "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
    "\"content\":\"Paris is the capital of France. It sits on the Seine, is home to about two million people, "
    "and is known for the Louvre, the Eiffel Tower and its cafes.\",\"refusal\":null,\"annotations\":[]},"
    "\"logprobs\":null,\"finish_reason\":\"stop\"}],"
    "\"usage\":{\"prompt_tokens\":53,\"completion_tokens\":28,\"total_tokens\":81,\"prompt_tokens_details\":"
    "{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}},"
    "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_de604bd877\"}";

/* --- the transport: answers at the next poll, no allocation -------------------------------- */
typedef struct xchg { const ailib_http_callbacks *cb; void *ctx; int live; } xchg;
typedef struct mem_tp { xchg x[64]; } mem_tp;

static void *m_create(void *user, const ailib_transport_config *cfg, ailib_error *err) {
    (void)user; (void)cfg; (void)err;
    return calloc(1, sizeof(mem_tp));
}
static void m_destroy(void *t) { free(t); }
static ailib_result m_start(void *t, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx, void **h, ailib_error *err) {
    mem_tp *m = (mem_tp *)t;
    int i;
    (void)req; (void)err;
    for (i = 0; i < 64 && m->x[i].live; i++) {}
    if (i == 64) return AILIB_OUT_OF_MEMORY;
    m->x[i].cb = cb;
    m->x[i].ctx = ctx;
    m->x[i].live = 1;
    *h = &m->x[i];
    return AILIB_OK;
}
static ailib_result m_poll(void *t, int timeout_ms) {
    mem_tp *m = (mem_tp *)t;
    int i;
    (void)timeout_ms;
    for (i = 0; i < 64; i++) {
        xchg *x = &m->x[i];
        if (x->live != 1) continue;
        x->live = 2;
        x->cb->on_status(x->ctx, 200);
        x->cb->on_header(x->ctx, "x-request-id", 12, "req_bench", 9);
        x->cb->on_body(x->ctx, reply, sizeof reply - 1);
        x->cb->on_done(x->ctx, AILIB_OK, "");
    }
    return AILIB_OK;
}
static void m_cancel(void *t, void *h) { (void)t; ((xchg *)h)->live = 0; }
static void m_release(void *t, void *h) { (void)t; ((xchg *)h)->live = 0; }
static void m_wakeup(void *t) { (void)t; }

static double cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
static int cmp_dbl(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

static ailib_transport tp;
static ailib_message msg;
static ailib_request req;

/* CPU ns per call of CALLS sequential calls on c. */
static double per_call(ailib_client *c) {
    double t0 = cpu_ns();
    int i;
    for (i = 0; i < CALLS; i++) {
        ailib_response *r = NULL;
        ailib_error err;
        if (ailib_chat(c, &req, &r, &err) != AILIB_OK) { fprintf(stderr, "bench_route: %s\n", err.message); exit(1); }
        ailib_response_destroy(r);
    }
    return (cpu_ns() - t0) / CALLS;
}

static ailib_client *plain(int gated) {
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "sk-bench";
    d.base_url = "http://bench.test/v1";
    d.transport = &tp;
    if (gated) { d.max_in_flight = 64; d.requests_per_minute = 1000000000; }
    if (!(c = ailib_client_create(&d, &err))) { fprintf(stderr, "bench_route: %s\n", err.message); exit(1); }
    return c;
}

static ailib_client *router(int n, ailib_route_strategy s) {
    static const char *bases[3] = { "http://a.test/v1", "http://b.test/v1", "http://c.test/v1" };
    ailib_route_endpoint eps[3];
    ailib_router_desc rd;
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    int i;
    memset(eps, 0, sizeof eps);
    for (i = 0; i < n; i++) { eps[i].model = "openai/gpt-4o-mini"; eps[i].base_url = bases[i]; eps[i].api_key = "sk-bench"; }
    memset(&d, 0, sizeof d);
    d.transport = &tp;
    memset(&rd, 0, sizeof rd);
    rd.endpoints = eps;
    rd.endpoint_count = (size_t)n;
    rd.strategy = s;
    rd.client = &d;
    if (!(c = ailib_router_create(&rd, &err))) { fprintf(stderr, "bench_route: %s\n", err.message); exit(1); }
    return c;
}

int main(void) {
    static char prompt[257];
    enum { DIRECT, GATED, ROUTED1, ROUTED3RR, ROUTED3LAT, KINDS };
    static const char *labels[KINDS] = { "direct client", "client with a gate (max_in_flight, rpm)", "router, 1 endpoint (failover)",
                                         "router, 3 endpoints, round robin", "router, 3 endpoints, latency" };
    ailib_client *c[KINDS];
    double v[KINDS][RUNS], delta[RUNS], med[KINDS], dmed;
    int k, r;
    tp.create = m_create; tp.destroy = m_destroy; tp.start = m_start; tp.poll = m_poll;
    tp.cancel = m_cancel; tp.release = m_release; tp.wakeup = m_wakeup; tp.user = NULL;
    memset(prompt, 'a', 256);
    msg.role = AILIB_ROLE_USER;
    msg.text = prompt;
    req.system = "You are a helpful assistant.";
    req.messages = &msg;
    req.message_count = 1;
    c[DIRECT] = plain(0);
    c[GATED] = plain(1);
    c[ROUTED1] = router(1, AILIB_ROUTE_FAILOVER);
    c[ROUTED3RR] = router(3, AILIB_ROUTE_ROUND_ROBIN);
    c[ROUTED3LAT] = router(3, AILIB_ROUTE_LATENCY);
    for (k = 0; k < KINDS; k++) per_call(c[k]);                    /* warm-up */
    for (r = 0; r < RUNS; r++) {
        for (k = 0; k < KINDS; k++) v[k][r] = per_call(c[k]);       /* interleaved: the same conditions */
        delta[r] = v[ROUTED1][r] - v[DIRECT][r];
    }
    printf("routing and gate overhead: %d sequential ailib_chat calls per run, %d runs, process CPU per call\n"
           "(an in-process transport answers at once with a 600-byte reply; 2-message request, 256-byte prompt)\n", CALLS, RUNS);
    for (k = 0; k < KINDS; k++) {
        qsort(v[k], RUNS, sizeof v[k][0], cmp_dbl);
        med[k] = v[k][RUNS / 2];
        printf("    %-44s %6.2f us/call", labels[k], med[k] / 1000.0);
        if (k) printf("   %+5.2f us vs direct", (med[k] - med[DIRECT]) / 1000.0);
        putchar('\n');
    }
    qsort(delta, RUNS, sizeof delta[0], cmp_dbl);
    dmed = delta[RUNS / 2];
    printf("    a routed call costs %.2f us more CPU than a direct one (median of per-run differences): budget <= 1 us %s\n",
           dmed / 1000.0, dmed <= 1000.0 ? "met" : "MISSED");
    for (k = 0; k < KINDS; k++) ailib_client_destroy(c[k]);
    return 0;
}

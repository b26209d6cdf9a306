/* >>metrics: the GenAI measurements and spans of calls over loopback against ailib-mock (names,
   attributes, values), traceparent propagation, Prometheus text, and OTLP/HTTP JSON exports
   received by a small collector of this file (a thread with a listening socket) and read back. */
#include "test.h"
#include "replay.h"
#include "mockctl.h"
#include "../ailib.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* --- what the callbacks saw ------------------------------------------------------------------------ */

#define NA 28
typedef struct got_attrs { int n; char k[NA][48]; char v[NA][160]; } got_attrs;
typedef struct got_metric { char name[80], unit[16]; int kind; double value; got_attrs a; } got_metric;
typedef struct got_span { char name[96], trace[33], span[17], parent[17], status[160]; int attempt, error; int64_t start, end; got_attrs a; } got_span;
typedef struct coll { got_metric m[128]; int nm; got_span s[32]; int ns; } coll;

static void copy_attrs(got_attrs *g, const ailib_attr *a, size_t n) {
    size_t i;
    g->n = 0;
    for (i = 0; i < n && i < NA; i++) {
        snprintf(g->k[i], sizeof g->k[i], "%s", a[i].key);
        switch (a[i].type) {
        case AILIB_ATTR_INT: snprintf(g->v[i], sizeof g->v[i], "%lld", (long long)a[i].i); break;
        case AILIB_ATTR_BOOL: snprintf(g->v[i], sizeof g->v[i], "%s", a[i].i ? "true" : "false"); break;
        case AILIB_ATTR_DOUBLE: snprintf(g->v[i], sizeof g->v[i], "%.17g", a[i].d); break;
        case AILIB_ATTR_STRING_LIST: snprintf(g->v[i], sizeof g->v[i], "[%s]", a[i].str); break;
        default: snprintf(g->v[i], sizeof g->v[i], "%s", a[i].str); break;
        }
        g->n++;
    }
}

static const char *attr(const got_attrs *g, const char *k) {
    int i;
    for (i = 0; i < g->n; i++) if (!strcmp(g->k[i], k)) return g->v[i];
    return NULL;
}

static void on_metric(void *user, const ailib_metric *m) {
    coll *c = (coll *)user;
    got_metric *g;
    if (c->nm == 128) return;
    g = &c->m[c->nm++];
    snprintf(g->name, sizeof g->name, "%s", m->name);
    snprintf(g->unit, sizeof g->unit, "%s", m->unit);
    g->kind = (int)m->kind;
    g->value = m->value;
    copy_attrs(&g->a, m->attrs, m->attr_count);
}

static void on_span(void *user, const ailib_span *s) {
    coll *c = (coll *)user;
    got_span *g;
    if (c->ns == 32) return;
    g = &c->s[c->ns++];
    snprintf(g->name, sizeof g->name, "%s", s->name);
    memcpy(g->trace, s->trace_id, 33);
    memcpy(g->span, s->span_id, 17);
    memcpy(g->parent, s->parent_span_id, 17);
    snprintf(g->status, sizeof g->status, "%s", s->status_message);
    g->attempt = s->attempt;
    g->error = s->error;
    g->start = s->start_unix_ns;
    g->end = s->end_unix_ns;
    copy_attrs(&g->a, s->attrs, s->attr_count);
}

/* The i-th measurement named name (with gen_ai.token.type type, when given), or NULL. */
static const got_metric *metric(const coll *c, const char *name, const char *type, int nth) {
    int i;
    for (i = 0; i < c->nm; i++) {
        if (strcmp(c->m[i].name, name) != 0) continue;
        if (type && (!attr(&c->m[i].a, "gen_ai.token.type") || strcmp(attr(&c->m[i].a, "gen_ai.token.type"), type) != 0)) continue;
        if (nth-- == 0) return &c->m[i];
    }
    return NULL;
}

static int count_metric(const coll *c, const char *name) {
    int i, n = 0;
    for (i = 0; i < c->nm; i++) n += !strcmp(c->m[i].name, name);
    return n;
}

/* --- a collector for OTLP/HTTP posts ------------------------------------------------------------------ */

typedef struct rx_req { char path[64], ctype[64], apikey[64]; char *body; size_t len; } rx_req;
typedef struct receiver {
    int lfd, port;
    pthread_t th;
    pthread_mutex_t mu;
    rx_req reqs[64];
    int n;
    volatile int stop, hold;             /* hold: requests are read but not answered */
} receiver;

typedef struct rx_conn { int fd; char *buf; size_t len, cap; int answered_upto; } rx_conn;

static const char *hdr_value(const char *head, size_t hl, const char *name, char *out, size_t cap) {
    size_t nl = strlen(name), i;
    out[0] = 0;
    for (i = 0; i + nl + 1 < hl; i++) {
        if ((i == 0 || head[i - 1] == '\n') && !strncasecmp(head + i, name, nl) && head[i + nl] == ':') {
            const char *v = head + i + nl + 1, *e;
            while (*v == ' ') v++;
            e = strchr(v, '\r');
            snprintf(out, cap, "%.*s", (int)(e ? e - v : 0), v);
            return out;
        }
    }
    return NULL;
}

/* Takes every complete request off the front of a connection's buffer (answering it, unless
   held). */
static void rx_serve(receiver *r, rx_conn *c) {
    for (;;) {
        char *end = c->len ? strstr(c->buf, "\r\n\r\n") : NULL, cl[32], line[128];
        size_t hl, blen;
        rx_req *q;
        static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        if (!end || r->hold) return;
        hl = (size_t)(end - c->buf) + 4;
        blen = hdr_value(c->buf, hl, "Content-Length", cl, sizeof cl) ? (size_t)atol(cl) : 0;
        if (c->len < hl + blen) return;
        pthread_mutex_lock(&r->mu);
        if (r->n < 64) {
            q = &r->reqs[r->n++];
            memset(q, 0, sizeof *q);
            snprintf(line, sizeof line, "%.*s", (int)(strchr(c->buf, '\r') - c->buf), c->buf);
            sscanf(line, "%*s %63s", q->path);
            hdr_value(c->buf, hl, "Content-Type", q->ctype, sizeof q->ctype);
            hdr_value(c->buf, hl, "x-api-key", q->apikey, sizeof q->apikey);
            q->body = (char *)malloc(blen + 1);
            memcpy(q->body, c->buf + hl, blen);
            q->body[blen] = 0;
            q->len = blen;
        }
        pthread_mutex_unlock(&r->mu);
        if (write(c->fd, ok, sizeof ok - 1) < 0) {}
        memmove(c->buf, c->buf + hl + blen, c->len - hl - blen);
        c->len -= hl + blen;
        c->buf[c->len] = 0;
    }
}

static void *rx_main(void *arg) {
    receiver *r = (receiver *)arg;
    rx_conn conns[8];
    int nc = 0, i;
    memset(conns, 0, sizeof conns);
    while (!r->stop) {
        struct pollfd pf[9];
        pf[0].fd = r->lfd; pf[0].events = POLLIN; pf[0].revents = 0;
        for (i = 0; i < nc; i++) { pf[i + 1].fd = conns[i].fd; pf[i + 1].events = POLLIN; pf[i + 1].revents = 0; }
        if (poll(pf, (nfds_t)(nc + 1), 20) < 0 && errno != EINTR) break;
        for (i = 0; i < nc; i++) {            /* the connections that were polled (a new one waits a turn) */
            rx_conn *c = &conns[i];
            if (pf[i + 1].revents & (POLLIN | POLLHUP)) {
                char tmp[65536];
                ssize_t got = read(c->fd, tmp, sizeof tmp);
                if (got <= 0) {
                    close(c->fd);
                    free(c->buf);
                    conns[i] = conns[--nc];
                    pf[i + 1] = pf[nc + 1];
                    i--;
                    continue;
                }
                if (c->len + (size_t)got + 1 > c->cap) {
                    c->cap = (c->len + (size_t)got + 1) * 2;
                    c->buf = (char *)realloc(c->buf, c->cap);
                }
                memcpy(c->buf + c->len, tmp, (size_t)got);
                c->len += (size_t)got;
                c->buf[c->len] = 0;
            }
            rx_serve(r, c);
        }
        if ((pf[0].revents & POLLIN) && nc < 8) {
            int fd = accept(r->lfd, NULL, NULL);
            if (fd >= 0) { memset(&conns[nc], 0, sizeof conns[nc]); conns[nc].fd = fd; nc++; }
        }
    }
    for (i = 0; i < nc; i++) { close(conns[i].fd); free(conns[i].buf); }
    return NULL;
}

static int rx_start(receiver *r) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (r->lfd < 0 || bind(r->lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(r->lfd, 8) != 0 ||
        getsockname(r->lfd, (struct sockaddr *)&sa, &sl) != 0) return 0;
    r->port = ntohs(sa.sin_port);
    return pthread_create(&r->th, NULL, rx_main, r) == 0;
}

static void rx_stop(receiver *r) {
    int i;
    r->stop = 1;
    pthread_join(r->th, NULL);
    close(r->lfd);
    for (i = 0; i < r->n; i++) free(r->reqs[i].body);
    pthread_mutex_destroy(&r->mu);
}

/* The body of the last request to path (a copy; free it), or NULL. */
static char *rx_body(receiver *r, const char *path, rx_req *meta) {
    char *b = NULL;
    int i;
    pthread_mutex_lock(&r->mu);
    for (i = r->n; i-- > 0;)
        if (!strcmp(r->reqs[i].path, path)) {
            b = (char *)malloc(r->reqs[i].len + 1);
            memcpy(b, r->reqs[i].body, r->reqs[i].len + 1);
            if (meta) *meta = r->reqs[i];
            break;
        }
    pthread_mutex_unlock(&r->mu);
    return b;
}

/* --- clients -------------------------------------------------------------------------------------------- */

static ailib_client *mx_client(const char *model, const char *spec, ailib_metrics *m, int retries) {
    const mock_server *ms = replay_need_mock();
    char base[512], prov[64];
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    const char *slash = strchr(model, '/');
    if (!ms) return NULL;
    snprintf(prov, sizeof prov, "%.*s", (int)(slash - model), model);
    mock_url(ms, spec, !strcmp(prov, "gemini") ? "/v1beta" : "/v1", base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = model;
    d.base_url = base;
    d.api_key = "test-key-123";
    d.max_retries = retries;
    c = ailib_client_create(&d, &err);
    if (!c) { ailib_test_fail(__FILE__, __LINE__, "client_create(%s): %s", model, err.message); return NULL; }
    if (m && ailib_client_set_metrics(c, m, &err) != AILIB_OK) ailib_test_fail(__FILE__, __LINE__, "set_metrics: %s", err.message);
    return c;
}

static ailib_request one(ailib_message *msg, const char *text) {
    ailib_request req;
    memset(msg, 0, sizeof *msg);
    memset(&req, 0, sizeof req);
    msg->role = AILIB_ROLE_USER;
    msg->text = text;
    req.messages = msg;
    req.message_count = 1;
    return req;
}

static ailib_metrics *collecting(coll *c, int no_totals) {
    ailib_metrics_desc d;
    ailib_error err;
    ailib_metrics *m;
    memset(&d, 0, sizeof d);
    memset(c, 0, sizeof *c);
    d.on_metric = on_metric;
    d.on_span = on_span;
    d.user = c;
    d.no_totals = no_totals;
    d.otlp_endpoint = NULL;
    m = ailib_metrics_create(&d, &err);
    if (!m) ailib_test_fail(__FILE__, __LINE__, "metrics_create: %s", err.message);
    return m;
}

/* --- the measurements ------------------------------------------------------------------------------------ */

TEST(metrics_unary_call_names_attributes_values) {
    coll col;
    ailib_metrics *m = collecting(&col, 0);
    ailib_client *c = mx_client("openai/gpt-4o-mini", NULL, m, 0);
    ailib_message msg;
    ailib_request req = one(&msg, "measure me");
    ailib_response *r = NULL;
    ailib_error err;
    const got_metric *g;
    const got_span *call, *att;
    char port[16];
    ASSERT_TRUE(c != NULL);
    req.max_tokens = 64;
    req.temperature = ailib_set(0.25);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    snprintf(port, sizeof port, "%d", replay_need_mock()->port);
    g = metric(&col, "gen_ai.client.operation.duration", NULL, 0);
    ASSERT_TRUE(g != NULL);
    EXPECT_STR_EQ(g->unit, "s");
    EXPECT_EQ(g->kind, AILIB_METRIC_HISTOGRAM);
    EXPECT_TRUE(g->value > 0 && g->value < 60);
    EXPECT_STR_EQ(attr(&g->a, "gen_ai.operation.name"), "chat");
    EXPECT_STR_EQ(attr(&g->a, "gen_ai.provider.name"), "openai");
    EXPECT_STR_EQ(attr(&g->a, "gen_ai.request.model"), "gpt-4o-mini");
    EXPECT_STR_EQ(attr(&g->a, "gen_ai.response.model"), ailib_response_model(r));
    EXPECT_STR_EQ(attr(&g->a, "server.address"), "127.0.0.1");
    EXPECT_STR_EQ(attr(&g->a, "server.port"), port);
    EXPECT_TRUE(attr(&g->a, "error.type") == NULL);
    g = metric(&col, "gen_ai.client.token.usage", "input", 0);
    ASSERT_TRUE(g != NULL);
    EXPECT_STR_EQ(g->unit, "{token}");
    EXPECT_EQ((long long)g->value, ailib_response_usage(r)->input_tokens);
    g = metric(&col, "gen_ai.client.token.usage", "output", 0);
    ASSERT_TRUE(g != NULL);
    EXPECT_EQ((long long)g->value, ailib_response_usage(r)->output_tokens);
    EXPECT_EQ(count_metric(&col, "gen_ai.client.operation.time_to_first_chunk"), 0);     /* not streamed */
#if AILIB_ENABLE_COST
    {
        ailib_cost cost;
        g = metric(&col, "ailib.client.cost", NULL, 0);
        ASSERT_TRUE(g != NULL);
        EXPECT_EQ(g->kind, AILIB_METRIC_COUNTER);
        EXPECT_STR_EQ(g->unit, "USD");
        ASSERT_EQ(ailib_response_cost(r, &cost), AILIB_OK);
        EXPECT_DBL_EQ(g->value, cost.total);
    }
#endif
    /* the attempt's span, then the call's */
    ASSERT_EQ(col.ns, 2);
    att = &col.s[0];
    call = &col.s[1];
    EXPECT_STR_EQ(call->name, "chat gpt-4o-mini");
    EXPECT_STR_EQ(call->parent, "");
    EXPECT_EQ(strlen(call->trace), 32);
    EXPECT_EQ(strlen(call->span), 16);
    EXPECT_EQ(call->attempt, 0);
    EXPECT_EQ(call->error, 0);
    EXPECT_TRUE(call->start > 1700000000000000000LL && call->end >= call->start);
    EXPECT_STR_EQ(attr(&call->a, "gen_ai.response.id"), ailib_response_id(r));
    EXPECT_STR_EQ(attr(&call->a, "gen_ai.response.finish_reasons"), "[stop]");
    EXPECT_STR_EQ(attr(&call->a, "gen_ai.request.max_tokens"), "64");
    EXPECT_STR_EQ(attr(&call->a, "gen_ai.request.temperature"), "0.25");
    {
        char n[32];
        snprintf(n, sizeof n, "%lld", (long long)ailib_response_usage(r)->input_tokens);
        EXPECT_STR_EQ(attr(&call->a, "gen_ai.usage.input_tokens"), n);
    }
    EXPECT_STR_EQ(att->name, "POST");
    EXPECT_STR_EQ(att->trace, call->trace);
    EXPECT_STR_EQ(att->parent, call->span);
    EXPECT_EQ(att->attempt, 1);
    EXPECT_STR_EQ(attr(&att->a, "http.response.status_code"), "200");
    EXPECT_TRUE(attr(&att->a, "http.request.resend_count") == NULL);
    EXPECT_TRUE(att->start >= call->start && att->end <= call->end);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    ailib_metrics_destroy(m);
}

TEST(metrics_gemini_stream_chunk_timings) {
    coll col;
    ailib_metrics *m = collecting(&col, 0);
    ailib_client *c = mx_client("gemini/gemini-2.5-flash", NULL, m, 0);
    ailib_message msg;
    ailib_request req = one(&msg, "one two three four");
    ailib_response *r = NULL;
    ailib_error err;
    const got_metric *g;
    int i, texts;
    ASSERT_TRUE(c != NULL);
    ASSERT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_OK);
    /* the mock streams one word per chunk: "Hello from ailib-mock. You said: one two three four" */
    texts = 9;
    EXPECT_EQ(count_metric(&col, "gen_ai.client.operation.time_to_first_chunk"), 1);
    EXPECT_EQ(count_metric(&col, "gen_ai.client.operation.time_per_output_chunk"), texts - 1);
    g = metric(&col, "gen_ai.client.operation.time_to_first_chunk", NULL, 0);
    ASSERT_TRUE(g != NULL);
    EXPECT_STR_EQ(attr(&g->a, "gen_ai.operation.name"), "generate_content");
    EXPECT_STR_EQ(attr(&g->a, "gen_ai.provider.name"), "gcp.gemini");
    EXPECT_TRUE(attr(&g->a, "gen_ai.response.model") == NULL);     /* not known when the chunk came */
    for (i = 0; i < texts - 1; i++) {
        g = metric(&col, "gen_ai.client.operation.time_per_output_chunk", NULL, i);
        ASSERT_TRUE(g != NULL);
        EXPECT_TRUE(g->value >= 0 && g->value < 60);
    }
    /* the totals: one first chunk, texts - 1 gaps */
    {
        char *p = ailib_metrics_prometheus(m, NULL);
        ASSERT_TRUE(p != NULL);
        EXPECT_TRUE(strstr(p, "# TYPE gen_ai_client_operation_time_to_first_chunk_seconds histogram\n") != NULL);
        EXPECT_TRUE(strstr(p, "gen_ai_client_operation_time_per_output_chunk_seconds_count{gen_ai_operation_name=\"generate_content\","
                              "gen_ai_provider_name=\"gcp.gemini\",gen_ai_request_model=\"gemini-2.5-flash\",server_address=\"127.0.0.1\"") != NULL);
        EXPECT_TRUE(strstr(p, "} 8\n") != NULL);
        ailib_free(p);
    }
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    ailib_metrics_destroy(m);
}

TEST(metrics_retries_and_errors) {
    coll col;
    ailib_metrics *m = collecting(&col, 0);
    ailib_client *c = mx_client("anthropic/claude-haiku-4-5", "status=500,retry_after_ms=1", m, 1);
    ailib_message msg;
    ailib_request req = one(&msg, "fail twice");
    ailib_error err;
    const got_metric *g;
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_SERVER);
    ASSERT_EQ(col.ns, 3);                             /* two attempts, then the call */
    EXPECT_EQ(col.s[0].attempt, 1);
    EXPECT_EQ(col.s[1].attempt, 2);
    EXPECT_STR_EQ(attr(&col.s[0].a, "http.response.status_code"), "500");
    EXPECT_STR_EQ(attr(&col.s[0].a, "error.type"), "500");
    EXPECT_STR_EQ(attr(&col.s[1].a, "http.request.resend_count"), "1");
    EXPECT_EQ(col.s[2].error, 1);
    EXPECT_STR_EQ(col.s[2].status, err.message);
    EXPECT_STR_EQ(attr(&col.s[2].a, "ailib.attempts"), "2");
    EXPECT_STR_EQ(attr(&col.s[2].a, "gen_ai.provider.name"), "anthropic");
    g = metric(&col, "gen_ai.client.operation.duration", NULL, 0);
    ASSERT_TRUE(g != NULL);
    EXPECT_STR_EQ(attr(&g->a, "error.type"), "server");
    EXPECT_TRUE(metric(&col, "gen_ai.client.token.usage", NULL, 0) == NULL);   /* no usage reported */
    ailib_client_destroy(c);
    ailib_metrics_destroy(m);
}

/* A call a budget refused is a failed operation with no attempt. */
TEST(metrics_budget_refusal_reported) {
#if AILIB_ENABLE_COST
    coll col;
    ailib_metrics *m = collecting(&col, 0);
    ailib_client *c = mx_client("openai/gpt-4o-mini", NULL, m, 0);
    ailib_budget b;
    ailib_message msg;
    ailib_request req = one(&msg, "too dear");
    ailib_error err;
    const got_metric *g;
    ASSERT_TRUE(c != NULL);
    memset(&b, 0, sizeof b);
    b.limit_usd = 1e-9;
    ASSERT_EQ(ailib_ledger_add_budget(ailib_client_ledger(c), &b, &err), AILIB_OK);
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_QUOTA_EXCEEDED);
    ASSERT_EQ(col.ns, 1);
    EXPECT_EQ(col.s[0].error, 1);
    EXPECT_STR_EQ(col.s[0].name, "chat gpt-4o-mini");
    g = metric(&col, "gen_ai.client.operation.duration", NULL, 0);
    ASSERT_TRUE(g != NULL);
    EXPECT_STR_EQ(attr(&g->a, "error.type"), "quota_exceeded");
    ailib_client_destroy(c);
    ailib_metrics_destroy(m);
#else
    TEST_SKIP("built with AILIB_ENABLE_COST=0");
#endif
}

TEST(metrics_traceparent_propagated) {
    coll col;
    ailib_metrics *m = collecting(&col, 1);
    ailib_client *c = mx_client("openai/gpt-4o-mini", NULL, m, 0), *bare = mx_client("openai/gpt-4o-mini", NULL, NULL, 0);
    ailib_message msg;
    ailib_request req = one(&msg, "trace me");
    ailib_error err;
    char *last, want[80];
    int status = 0;
    ASSERT_TRUE(c && bare);
    EXPECT_EQ(ailib_client_set_traceparent(bare, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "ailib_client_set_metrics") != NULL);
    EXPECT_EQ(ailib_client_set_traceparent(c, "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_client_set_traceparent(c, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\nx: y", NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_client_set_traceparent(c, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=abc", &err), AILIB_OK);
    ASSERT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    ASSERT_EQ(col.ns, 2);
    EXPECT_STR_EQ(col.s[1].trace, "0af7651916cd43dd8448eb211c80319c");
    EXPECT_STR_EQ(col.s[1].parent, "b7ad6b7169203331");
    EXPECT_STR_EQ(col.s[0].parent, col.s[1].span);
    last = mock_http(replay_need_mock(), "GET", "/_mock/last_request", &status);
    ASSERT_TRUE(last != NULL);
    snprintf(want, sizeof want, "00-0af7651916cd43dd8448eb211c80319c-%s-01", col.s[1].span);
    EXPECT_TRUE(strstr(last, want) != NULL);
    EXPECT_TRUE(strstr(last, "vendor=abc") != NULL);
    free(last);
    /* cleared: no header, a trace of its own */
    EXPECT_EQ(ailib_client_set_traceparent(c, NULL, NULL, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    last = mock_http(replay_need_mock(), "GET", "/_mock/last_request", &status);
    ASSERT_TRUE(last != NULL);
    EXPECT_TRUE(strstr(last, "traceparent") == NULL);
    EXPECT_TRUE(strcmp(col.s[3].trace, "0af7651916cd43dd8448eb211c80319c") != 0);
    free(last);
    ailib_client_destroy(c);
    ailib_client_destroy(bare);
    ailib_metrics_destroy(m);
}

/* --- Prometheus text ---------------------------------------------------------------------------------------- */

TEST(metrics_prometheus_text_exact) {
    ailib_metrics *m = ailib_metrics_create(NULL, NULL);
    ailib_attr a[2];
    ailib_metric p;
    static const double bounds[] = { 0.01, 1 };
    char *text;
    size_t len = 0;
    ASSERT_TRUE(m != NULL);
    memset(a, 0, sizeof a);
    a[0].key = "route.name"; a[0].str = "a\"b\\c\nd";
    a[1].key = "shard"; a[1].type = AILIB_ATTR_INT; a[1].i = 7;
    memset(&p, 0, sizeof p);
    p.name = "test.latency"; p.unit = "s"; p.description = "Test latency."; p.kind = AILIB_METRIC_HISTOGRAM;
    p.attrs = a; p.attr_count = 2; p.bounds = bounds; p.bound_count = 2;
    p.value = 0.005; ailib_metrics_record(m, &p);
    p.value = 0.5; ailib_metrics_record(m, &p);
    p.value = 3; ailib_metrics_record(m, &p);
    memset(&p, 0, sizeof p);
    p.name = "test.requests"; p.unit = "{request}"; p.kind = AILIB_METRIC_COUNTER; p.attrs = a + 1; p.attr_count = 1;
    p.value = 1; ailib_metrics_record(m, &p);
    p.value = 2; ailib_metrics_record(m, &p);
    text = ailib_metrics_prometheus(m, &len);
    ASSERT_TRUE(text != NULL);
    EXPECT_STR_EQ(text,
        "# HELP test_latency_seconds Test latency.\n"
        "# TYPE test_latency_seconds histogram\n"
        "test_latency_seconds_bucket{route_name=\"a\\\"b\\\\c\\nd\",shard=\"7\",le=\"0.01\"} 1\n"
        "test_latency_seconds_bucket{route_name=\"a\\\"b\\\\c\\nd\",shard=\"7\",le=\"1\"} 2\n"
        "test_latency_seconds_bucket{route_name=\"a\\\"b\\\\c\\nd\",shard=\"7\",le=\"+Inf\"} 3\n"
        "test_latency_seconds_sum{route_name=\"a\\\"b\\\\c\\nd\",shard=\"7\"} 3.505\n"
        "test_latency_seconds_count{route_name=\"a\\\"b\\\\c\\nd\",shard=\"7\"} 3\n"
        "# TYPE test_requests_total counter\n"
        "test_requests_total{shard=\"7\"} 3\n");
    EXPECT_EQ(len, strlen(text));
    ailib_free(text);
    ailib_metrics_destroy(m);
}

/* --- OTLP export -------------------------------------------------------------------------------------------- */

static const ailib_json *jarr_find(const ailib_json *arr, const char *key, const char *val) {
    size_t n;
    const ailib_json *e;
    for (n = ailib_json_size(arr), e = ailib_json_first(arr); n; n--, e = ailib_json_next(e)) {
        const char *s = ailib_json_str(ailib_json_get(e, key), NULL);
        if (s && !strcmp(s, val)) return e;
    }
    return NULL;
}

/* The string (or int-as-string) value of attribute key in an OTLP attribute list. */
static const char *otlp_attr(const ailib_json *attrs, const char *key) {
    const ailib_json *a = jarr_find(attrs, "key", key), *v;
    if (!a) return NULL;
    v = ailib_json_get(a, "value");
    if (ailib_json_get(v, "stringValue")) return ailib_json_str(ailib_json_get(v, "stringValue"), NULL);
    if (ailib_json_get(v, "intValue")) return ailib_json_str(ailib_json_get(v, "intValue"), NULL);
    return NULL;
}

TEST(metrics_otlp_export_payloads) {
    receiver rx;
    ailib_metrics_desc d;
    ailib_metrics *m;
    ailib_client *c;
    ailib_error err;
    char ep[64];
    int i;
    int64_t in_sum = 0;
    char *mb, *tb;
    rx_req meta;
    ailib_json_doc *doc = NULL;
    const ailib_json *root, *metrics, *mm, *dp, *spans;
    ailib_metrics_stats st;
    ASSERT_TRUE(rx_start(&rx));
    snprintf(ep, sizeof ep, "http://127.0.0.1:%d/", rx.port);
    memset(&d, 0, sizeof d);
    d.otlp_endpoint = ep;
    d.otlp_headers = "x-api-key = secret%20one, x-other=2";
    d.service_name = "svc-test";
    m = ailib_metrics_create(&d, &err);
    ASSERT_TRUE(m != NULL);
    c = mx_client("openai/gpt-4o-mini", NULL, m, 0);
    ASSERT_TRUE(c != NULL);
    for (i = 0; i < 2; i++) {
        ailib_message msg;
        ailib_request req = one(&msg, i ? "second call" : "first");
        ailib_response *r = NULL;
        ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
        in_sum += ailib_response_usage(r)->input_tokens;
        ailib_response_destroy(r);
    }
    ASSERT_EQ(ailib_metrics_flush(m, 5000, &err), AILIB_OK);
    ailib_metrics_stats_get(m, &st);
    EXPECT_EQ(st.exporting, 1);
    EXPECT_EQ(st.exports_failed, 0);
    EXPECT_EQ(st.spans_exported, 4);
    /* metrics */
    mb = rx_body(&rx, "/v1/metrics", &meta);
    ASSERT_TRUE(mb != NULL);
    EXPECT_STR_EQ(meta.ctype, "application/json");
    EXPECT_STR_EQ(meta.apikey, "secret one");
    ASSERT_EQ(ailib_json_parse(mb, strlen(mb), NULL, &doc, &err), AILIB_OK);
    root = ailib_json_at(ailib_json_get(ailib_json_doc_root(doc), "resourceMetrics"), 0);
    EXPECT_STR_EQ(otlp_attr(ailib_json_path(root, "resource", "attributes", NULL), "service.name"), "svc-test");
    EXPECT_STR_EQ(otlp_attr(ailib_json_path(root, "resource", "attributes", NULL), "telemetry.sdk.name"), "ailib");
    metrics = ailib_json_get(ailib_json_at(ailib_json_get(root, "scopeMetrics"), 0), "metrics");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(ailib_json_at(ailib_json_get(root, "scopeMetrics"), 0), "scope", "name", NULL), NULL), "ailib");
    mm = jarr_find(metrics, "name", "gen_ai.client.operation.duration");
    ASSERT_TRUE(mm != NULL);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(mm, "unit"), NULL), "s");
    EXPECT_EQ(ailib_json_int(ailib_json_path(mm, "histogram", "aggregationTemporality", NULL)), 2);
    dp = ailib_json_at(ailib_json_path(mm, "histogram", "dataPoints", NULL), 0);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(dp, "count"), NULL), "2");
    EXPECT_EQ(ailib_json_size(ailib_json_get(dp, "bucketCounts")), 15);
    EXPECT_EQ(ailib_json_size(ailib_json_get(dp, "explicitBounds")), 14);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_at(ailib_json_get(dp, "explicitBounds"), 13)), 81.92);
    EXPECT_STR_EQ(otlp_attr(ailib_json_get(dp, "attributes"), "gen_ai.provider.name"), "openai");
    EXPECT_STR_EQ(otlp_attr(ailib_json_get(dp, "attributes"), "gen_ai.request.model"), "gpt-4o-mini");
    mm = jarr_find(metrics, "name", "gen_ai.client.token.usage");
    ASSERT_TRUE(mm != NULL);
    {
        const ailib_json *pts = ailib_json_path(mm, "histogram", "dataPoints", NULL), *e;
        size_t n;
        int found = 0;
        EXPECT_EQ(ailib_json_size(pts), 2);              /* input and output */
        for (n = ailib_json_size(pts), e = ailib_json_first(pts); n; n--, e = ailib_json_next(e)) {
            if (strcmp(otlp_attr(ailib_json_get(e, "attributes"), "gen_ai.token.type"), "input") != 0) continue;
            found = 1;
            EXPECT_EQ((long long)ailib_json_double(ailib_json_get(e, "sum")), in_sum);
            EXPECT_STR_EQ(ailib_json_str(ailib_json_get(e, "count"), NULL), "2");
        }
        EXPECT_TRUE(found);
    }
#if AILIB_ENABLE_COST
    mm = jarr_find(metrics, "name", "ailib.client.cost");
    ASSERT_TRUE(mm != NULL);
    EXPECT_TRUE(ailib_json_bool(ailib_json_path(mm, "sum", "isMonotonic", NULL)));
    EXPECT_TRUE(ailib_json_double(ailib_json_get(ailib_json_at(ailib_json_path(mm, "sum", "dataPoints", NULL), 0), "asDouble")) > 0);
#endif
    ailib_json_doc_destroy(doc);
    free(mb);
    /* traces */
    tb = rx_body(&rx, "/v1/traces", NULL);
    ASSERT_TRUE(tb != NULL);
    ASSERT_EQ(ailib_json_parse(tb, strlen(tb), NULL, &doc, &err), AILIB_OK);
    root = ailib_json_at(ailib_json_get(ailib_json_doc_root(doc), "resourceSpans"), 0);
    EXPECT_STR_EQ(otlp_attr(ailib_json_path(root, "resource", "attributes", NULL), "service.name"), "svc-test");
    spans = ailib_json_get(ailib_json_at(ailib_json_get(root, "scopeSpans"), 0), "spans");
    ASSERT_EQ(ailib_json_size(spans), 4);
    {
        const ailib_json *att = ailib_json_at(spans, 0), *call = ailib_json_at(spans, 1);
        EXPECT_STR_EQ(ailib_json_str(ailib_json_get(call, "name"), NULL), "chat gpt-4o-mini");
        EXPECT_EQ(ailib_json_int(ailib_json_get(call, "kind")), 3);
        EXPECT_EQ(strlen(ailib_json_str(ailib_json_get(call, "traceId"), NULL)), 32);
        EXPECT_TRUE(ailib_json_get(call, "parentSpanId") == NULL);
        EXPECT_STR_EQ(ailib_json_str(ailib_json_get(att, "parentSpanId"), NULL), ailib_json_str(ailib_json_get(call, "spanId"), NULL));
        EXPECT_STR_EQ(ailib_json_str(ailib_json_get(att, "traceId"), NULL), ailib_json_str(ailib_json_get(call, "traceId"), NULL));
        EXPECT_STR_EQ(otlp_attr(ailib_json_get(call, "attributes"), "gen_ai.operation.name"), "chat");
        EXPECT_STR_EQ(otlp_attr(ailib_json_get(att, "attributes"), "http.response.status_code"), "200");
        EXPECT_TRUE(ailib_json_is_string(ailib_json_get(call, "startTimeUnixNano")));
        EXPECT_TRUE(ailib_json_get(call, "status") == NULL);      /* unset on success */
    }
    ailib_json_doc_destroy(doc);
    free(tb);
    ailib_client_destroy(c);
    ailib_metrics_destroy(m);
    rx_stop(&rx);
}

static void save_env(const char *name, char *buf, size_t cap) { const char *v = getenv(name); snprintf(buf, cap, "%s", v ? v : ""); }
static void restore_env(const char *name, const char *saved) { if (saved[0]) setenv(name, saved, 1); else unsetenv(name); }

/* Configured by the standard variables alone; exports never hold a call up. */
TEST(metrics_otlp_from_environment_never_blocks) {
    receiver rx;
    ailib_metrics_desc d;
    ailib_metrics *m;
    ailib_client *c;
    ailib_error err;
    ailib_message msg;
    ailib_request req = one(&msg, "quick");
    ailib_metrics_stats st;
    char e1[256], e2[256], e3[256], ep[64];
    rx_req meta;
    char *b;
    ASSERT_TRUE(rx_start(&rx));
    save_env("OTEL_EXPORTER_OTLP_ENDPOINT", e1, sizeof e1);
    save_env("OTEL_SERVICE_NAME", e2, sizeof e2);
    save_env("OTEL_EXPORTER_OTLP_HEADERS", e3, sizeof e3);
    snprintf(ep, sizeof ep, "http://127.0.0.1:%d", rx.port);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", ep, 1);
    setenv("OTEL_SERVICE_NAME", "from-env", 1);
    setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=env-key", 1);
    memset(&d, 0, sizeof d);
    d.export_interval_ms = 1;            /* every call's end starts an export */
    m = ailib_metrics_create(&d, &err);
    restore_env("OTEL_EXPORTER_OTLP_ENDPOINT", e1);
    restore_env("OTEL_SERVICE_NAME", e2);
    restore_env("OTEL_EXPORTER_OTLP_HEADERS", e3);
    ASSERT_TRUE(m != NULL);
    c = mx_client("openai/gpt-4o-mini", NULL, m, 0);
    ASSERT_TRUE(c != NULL);
    rx.hold = 1;                          /* the collector reads but does not answer */
    ASSERT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    ailib_metrics_stats_get(m, &st);
    EXPECT_EQ(st.exports_ok + st.exports_failed, 0);   /* the call returned with its export unanswered */
    rx.hold = 0;
    ASSERT_EQ(ailib_metrics_flush(m, 5000, &err), AILIB_OK);
    ailib_metrics_stats_get(m, &st);
    EXPECT_TRUE(st.exports_ok >= 2);
    b = rx_body(&rx, "/v1/traces", &meta);
    ASSERT_TRUE(b != NULL);
    EXPECT_TRUE(strstr(b, "\"from-env\"") != NULL);
    EXPECT_STR_EQ(meta.apikey, "env-key");
    free(b);
    ailib_client_destroy(c);
    ailib_metrics_destroy(m);
    rx_stop(&rx);
}

TEST(metrics_otlp_failures_counted_spans_bounded) {
    receiver rx;
    ailib_metrics_desc d;
    ailib_metrics *m;
    ailib_client *c;
    ailib_error err;
    ailib_message msg;
    ailib_request req = one(&msg, "x");
    ailib_metrics_stats st;
    int i, port;
    ASSERT_TRUE(rx_start(&rx));
    port = rx.port;
    rx_stop(&rx);                          /* nobody listens there now */
    memset(&d, 0, sizeof d);
    {
        char ep[64];
        snprintf(ep, sizeof ep, "http://127.0.0.1:%d", port);
        d.otlp_endpoint = ep;
        d.max_queued_spans = 3;
        d.export_timeout_ms = 2000;
        m = ailib_metrics_create(&d, &err);
    }
    ASSERT_TRUE(m != NULL);
    c = mx_client("openai/gpt-4o-mini", NULL, m, 0);
    ASSERT_TRUE(c != NULL);
    for (i = 0; i < 3; i++) EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);   /* calls unaffected */
    ailib_metrics_stats_get(m, &st);
    EXPECT_EQ(st.spans_dropped, 3);        /* 6 spans, room for 3 */
    EXPECT_EQ(ailib_metrics_flush(m, 5000, &err), AILIB_NETWORK);
    EXPECT_TRUE(strstr(err.message, "OTLP export failed") != NULL);
    ailib_metrics_stats_get(m, &st);
    EXPECT_TRUE(st.exports_failed >= 1);
    /* bad configuration is refused at create */
    d.otlp_endpoint = "ftp://collector";
    EXPECT_TRUE(ailib_metrics_create(&d, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
    d.otlp_endpoint = "http://127.0.0.1:1";
    d.otlp_headers = "bad header=1";
    EXPECT_TRUE(ailib_metrics_create(&d, &err) == NULL);
    ailib_client_destroy(c);
    ailib_metrics_destroy(m);
}

/* Attach rules, and a metrics object destroyed before its clients. */
TEST(metrics_lifecycle) {
    coll col;
    ailib_metrics *m = collecting(&col, 0);
    ailib_client *c = mx_client("openai/gpt-4o-mini", NULL, m, 0);
    ailib_message msg;
    ailib_request req = one(&msg, "x");
    ailib_call *call;
    ailib_error err;
    ASSERT_TRUE(c != NULL);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &call, &err), AILIB_OK);
    EXPECT_EQ(ailib_client_set_metrics(c, NULL, &err), AILIB_INVALID_ARGUMENT);   /* a call is under way */
    while (!ailib_call_done(call)) ailib_client_poll(c, 100);
    ailib_call_finish(call, NULL, &err);
    EXPECT_EQ(col.ns, 2);
    ailib_metrics_destroy(m);                 /* the client still holds it: no more callbacks */
    ASSERT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    EXPECT_EQ(col.ns, 2);
    EXPECT_EQ(ailib_client_set_metrics(c, NULL, &err), AILIB_OK);               /* detached: freed now */
    ASSERT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    ailib_client_destroy(c);
}

/* Totals keep one series per attribute set, also when a client's calls change attributes
   between calls (a client remembers the series of its last call's attributes). */
TEST(metrics_totals_follow_attributes) {
    coll col;
    ailib_metrics *m = collecting(&col, 0);
    ailib_client *c = mx_client("openai/gpt-4o-mini", NULL, m, 0);
    static const char *models[] = { "gpt-4o-mini", "gpt-4.1-mini", "gpt-4o-mini", "gpt-4o-mini" };
    ailib_error err;
    char *text, want[512];
    int i;
    ASSERT_TRUE(c != NULL);
    for (i = 0; i < 4; i++) {
        ailib_message msg;
        ailib_request req = one(&msg, "x");
        req.model = models[i];
        ASSERT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    }
    text = ailib_metrics_prometheus(m, NULL);
    ASSERT_TRUE(text != NULL);
    snprintf(want, sizeof want, "gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\","
             "gen_ai_request_model=\"gpt-4o-mini\",gen_ai_response_model=\"gpt-4o-mini\",server_address=\"127.0.0.1\",server_port=\"%d\"} 3\n",
             replay_need_mock()->port);
    EXPECT_TRUE(strstr(text, want) != NULL);
    snprintf(want, sizeof want, "gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\","
             "gen_ai_request_model=\"gpt-4.1-mini\",gen_ai_response_model=\"gpt-4.1-mini\",server_address=\"127.0.0.1\",server_port=\"%d\"} 1\n",
             replay_need_mock()->port);
    EXPECT_TRUE(strstr(text, want) != NULL);
    ailib_free(text);
    ailib_client_destroy(c);
    ailib_metrics_destroy(m);
}

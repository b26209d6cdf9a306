/* Routers (AILIB_ENABLE_ROUTING): fall back across endpoints and protocols against ailib-mock,
   context-window fall back, the circuit breaker on an injected clock, each strategy's
   distribution over 1,000 calls (no network: tests/fake_tp), limits, events, route groups
   from the environment. Without the macro the tests are skips, and a route group is refused
   with a message that names the macro. */
#include "test.h"
#include "replay.h"
#include "../ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every routing test, so that a build without the macro still defines them (as skips): the
   registry is collected from the source, whatever the macro says. */
#define ROUTE_TESTS(X) \
    X(route_failover_after_retries_lists_every_attempt) \
    X(route_all_endpoints_fail_error_lists_attempts) \
    X(route_no_fallback_on_an_invalid_request) \
    X(route_failover_across_protocols_with_a_tool_conversation) \
    X(route_context_window_fallback) \
    X(route_circuit_breaker_on_the_injected_clock) \
    X(route_strategy_distributions_over_1000_calls) \
    X(route_endpoint_limits_queue_calls) \
    X(route_429_goes_elsewhere_at_once) \
    X(route_all_open_waits_or_fails_with_a_hint) \
    X(route_request_model_pins_an_endpoint) \
    X(route_content_filter_fallback) \
    X(route_group_from_the_environment) \
    X(route_router_is_a_client) \
    X(route_create_checks_its_desc) \
    X(route_half_open_lets_one_probe_through) \
    X(route_no_fallback_after_output_reached_the_caller) \
    X(route_interceptors_see_each_endpoint_and_attempt) \

#if !AILIB_ENABLE_ROUTING
#define ROUTE_SKIP(name) TEST_OFF(name)
#define TEST_OFF(name) void ailib_test_##name(void) { TEST_SKIP("built without AILIB_ENABLE_ROUTING=1"); }
ROUTE_TESTS(ROUTE_SKIP)
#else
#include "fake_tp.h"
#include "mockctl.h"

static int64_t test_clock(void *user) { return *(int64_t *)user; }

/* An endpoint at ailib-mock with a fault spec; base must live as long as the router's creation. */
static void mock_ep(ailib_route_endpoint *e, const char *model, const char *spec, char *base, size_t cap) {
    const mock_server *m = mock_shared();
    const char *suffix = !strncmp(model, "gemini/", 7) ? "/v1beta" : !strncmp(model, "cohere/", 7) ? "/v2" :
                         !strncmp(model, "ollama/", 7) ? "" : "/v1";
    memset(e, 0, sizeof *e);
    if (m) mock_url(m, spec, suffix, base, cap); else snprintf(base, cap, "http://127.0.0.1:1");
    e->model = model;
    e->base_url = base;
    e->api_key = "test-key-route";
}

/* Percent-encodes a spec value (the mock decodes it): commas, slashes, quotes, spaces. */
static void pct(const char *in, char *out, size_t cap) {
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *in && o + 4 < cap; in++) {
        unsigned char ch = (unsigned char)*in;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.') out[o++] = (char)ch;
        else { out[o++] = '%'; out[o++] = hex[ch >> 4]; out[o++] = hex[ch & 15]; }
    }
    out[o] = 0;
}

typedef struct evlog {
    int n;
    ailib_route_event_type type[128];
    size_t ep[128], from[128];
    ailib_route_state st[128], prev[128];
    ailib_result res[128];
} evlog;

static void on_route_event(void *user, const ailib_route_event *ev) {
    evlog *l = (evlog *)user;
    if (l->n >= 128) return;
    l->type[l->n] = ev->type;
    l->ep[l->n] = ev->endpoint;
    l->from[l->n] = ev->from;
    l->st[l->n] = ev->state;
    l->prev[l->n] = ev->previous;
    l->res[l->n] = ev->result;
    l->n++;
}

/* The HEALTH changes of endpoint ep, as "C>O O>H ..." */
static void health_path(const evlog *l, size_t ep, char *out, size_t cap) {
    static const char st[] = "COH";
    int i;
    size_t o = 0;
    out[0] = 0;
    for (i = 0; i < l->n && o + 5 < cap; i++)
        if (l->type[i] == AILIB_ROUTE_EVENT_HEALTH && l->ep[i] == ep)
            o += (size_t)snprintf(out + o, cap - o, "%s%c>%c", o ? " " : "", st[l->prev[i]], st[l->st[i]]);
}

/* --- fall back, against ailib-mock ------------------------------------------------------------------------ */

TEST(route_failover_after_retries_lists_every_attempt) {
    const mock_server *m = replay_need_mock();
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "fail over please");
    ailib_response *r = NULL;
    ailib_error err;
    ailib_route_health h;
    const ailib_route_report *rep;
    evlog log;
    char b0[256], b1[256];
    const char *s0 = "status=503,times=3,retry_after_ms=1,header=x-test:fo0", *s1 = "header=x-test:fo1";
    int i, selected = 0, fallbacks = 0;
    if (!m) return;
    mock_ep(&eps[0], "openai/gpt-4o-mini", s0, b0, sizeof b0);
    mock_ep(&eps[1], "anthropic/claude-haiku-4-5", s1, b1, sizeof b1);
    memset(&rd, 0, sizeof rd);
    memset(&log, 0, sizeof log);
    rd.endpoints = eps;
    rd.endpoint_count = 2;
    rd.name = "fo";
    rd.on_event = on_route_event;
    rd.event_user = &log;
    ASSERT_TRUE((c = ailib_router_create(&rd, &err)) != NULL);
    EXPECT_TRUE(ailib_client_is_router(c));
    EXPECT_STR_EQ(ailib_client_model(c), "route/fo");
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: fail over please");
    EXPECT_STR_EQ(ailib_response_model(r), "claude-haiku-4-5");
    ASSERT_TRUE((rep = ailib_response_route(r)) != NULL);
    EXPECT_STR_EQ(rep->router, "fo");
    EXPECT_EQ(rep->endpoint, 1);
    EXPECT_STR_EQ(rep->endpoint_name, "anthropic/claude-haiku-4-5");
    EXPECT_EQ(rep->fallbacks, 1);
    ASSERT_EQ(rep->attempt_count, 4);       /* 503 three times (two retries), then the second endpoint */
    for (i = 0; i < 3; i++) {
        EXPECT_EQ(rep->attempts[i].endpoint, 0);
        EXPECT_STR_EQ(rep->attempts[i].name, "openai/gpt-4o-mini");
        EXPECT_EQ(rep->attempts[i].result, AILIB_OVERLOADED);
        EXPECT_EQ(rep->attempts[i].http_status, 503);
        EXPECT_GE(rep->attempts[i].duration_ms, 0);
    }
    EXPECT_EQ(rep->attempts[3].endpoint, 1);
    EXPECT_EQ(rep->attempts[3].result, AILIB_OK);
    EXPECT_EQ(rep->attempts[3].http_status, 200);
    EXPECT_EQ(mock_count(m, s0), 3);
    EXPECT_EQ(mock_count(m, s1), 1);
    /* three failures in a row: the first endpoint's breaker is open now */
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_OPEN);
    EXPECT_EQ(h.consecutive_failures, 3);
    EXPECT_EQ(h.attempts, 3);
    EXPECT_EQ(h.failures, 3);
    EXPECT_EQ(ailib_router_health(c, 1, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_CLOSED);
    EXPECT_GE(h.latency_ms, 0);
    /* the events: request, selected 0, three attempts, health, fall back, selected 1, attempt */
    EXPECT_EQ(log.type[0], AILIB_ROUTE_EVENT_REQUEST);
    for (i = 0; i < log.n; i++) {
        if (log.type[i] == AILIB_ROUTE_EVENT_SELECTED) selected++;
        if (log.type[i] == AILIB_ROUTE_EVENT_FALLBACK) { fallbacks++; EXPECT_EQ(log.from[i], 0); EXPECT_EQ(log.res[i], AILIB_OVERLOADED); }
    }
    EXPECT_EQ(selected, 2);
    EXPECT_EQ(fallbacks, 1);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

TEST(route_all_endpoints_fail_error_lists_attempts) {
    const mock_server *m = replay_need_mock();
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client_desc cd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "doomed");
    ailib_response *r = NULL;
    ailib_error err;
    const ailib_route_report *rep;
    char b0[256], b1[256];
    if (!m) return;
    mock_ep(&eps[0], "openai/gpt-4o-mini", "status=500,header=x-test:all0", b0, sizeof b0);
    mock_ep(&eps[1], "gemini/gemini-2.5-flash", "status=502,header=x-test:all1", b1, sizeof b1);
    eps[1].name = "backup";
    memset(&rd, 0, sizeof rd);
    memset(&cd, 0, sizeof cd);
    cd.max_retries = -1;
    rd.endpoints = eps;
    rd.endpoint_count = 2;
    rd.name = "doom";
    rd.client = &cd;
    ASSERT_TRUE((c = ailib_router_create(&rd, &err)) != NULL);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_SERVER);
    EXPECT_TRUE(r == NULL);
    EXPECT_EQ(err.http_status, 502);                      /* the last endpoint's error */
    EXPECT_TRUE(strstr(err.message, "[router doom: openai/gpt-4o-mini HTTP 500, backup HTTP 502]") != NULL);
    EXPECT_TRUE(strstr(err.message, "test-key-route") == NULL);
    ASSERT_TRUE((rep = ailib_router_last_report(c)) != NULL);
    EXPECT_EQ(rep->endpoint, AILIB_ROUTE_NONE);
    EXPECT_STR_EQ(rep->endpoint_name, "");
    ASSERT_EQ(rep->attempt_count, 2);
    EXPECT_EQ(rep->attempts[0].http_status, 500);
    EXPECT_EQ(rep->attempts[1].endpoint, 1);
    EXPECT_STR_EQ(rep->attempts[1].name, "backup");
    ailib_client_destroy(c);
}

typedef struct textlog { int deltas; char text[256]; size_t n; } textlog;

static int on_text(void *user, const ailib_event *ev) {
    textlog *t = (textlog *)user;
    if (ev->type == AILIB_EVENT_TEXT_DELTA) {
        size_t k = ev->text_len < sizeof t->text - 1 - t->n ? ev->text_len : sizeof t->text - 1 - t->n;
        memcpy(t->text + t->n, ev->text, k);
        t->n += k;
        t->text[t->n] = 0;
        t->deltas++;
    }
    return 0;
}

/* Fall back only while nothing reached the caller: a stream that broke after its first delta
   fails on its own endpoint (no retry, no second endpoint: the caller already has text that
   another answer would contradict); the same failure before any output goes elsewhere. */
TEST(route_no_fallback_after_output_reached_the_caller) {
    const mock_server *m = replay_need_mock();
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "half an answer");
    ailib_response *r = NULL;
    ailib_error err;
    const ailib_route_report *rep;
    textlog t;
    char b0[256], b1[256];
    const char *s0 = "eof_after=delta,tag=nofb0", *s1 = "tag=nofb1";
    if (!m) return;
    mock_ep(&eps[0], "openai/gpt-4o-mini", s0, b0, sizeof b0);
    mock_ep(&eps[1], "anthropic/claude-haiku-4-5", s1, b1, sizeof b1);
    memset(&rd, 0, sizeof rd);
    rd.endpoints = eps;
    rd.endpoint_count = 2;
    rd.name = "nofb";
    ASSERT_TRUE((c = ailib_router_create(&rd, &err)) != NULL);
    memset(&t, 0, sizeof t);
    EXPECT_NE(ailib_chat_stream(c, &req, on_text, &t, &r, &err), AILIB_OK);
    EXPECT_GE(t.deltas, 1);                                /* the caller saw text from endpoint 0 */
    EXPECT_EQ(mock_count(m, s0), 1);                       /* not retried */
    EXPECT_EQ(mock_count(m, s1), 0);                       /* and not sent elsewhere */
    ASSERT_TRUE((rep = ailib_router_last_report(c)) != NULL);
    ASSERT_EQ(rep->attempt_count, 1);
    EXPECT_EQ(rep->attempts[0].endpoint, 0);
    EXPECT_NE(rep->attempts[0].result, AILIB_OK);
    EXPECT_EQ(rep->fallbacks, 0);
    if (r) {                                               /* the partial response keeps what came */
        EXPECT_TRUE(strncmp(ailib_response_text(r, NULL), t.text, t.n) == 0);
        ailib_response_destroy(r);
        r = NULL;
    }
    /* the same break with nothing delivered (a unary call reads the whole body first) falls back */
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: half an answer");
    ASSERT_TRUE((rep = ailib_response_route(r)) != NULL);
    EXPECT_EQ(rep->endpoint, 1);
    EXPECT_EQ(mock_count(m, s1), 1);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

#if AILIB_ENABLE_INTERCEPTORS
typedef struct hooklog {
    int n, requests;
    char provider[8][32];
    int attempt[8], fallbacks[8], status[8];
    char url[8][96];
} hooklog;

static void hl_attempt(void *user, ailib_hook_info *info, int http_status, const ailib_error *err) {
    hooklog *l = (hooklog *)user;
    (void)err;
    if (l->n >= 8) return;
    snprintf(l->provider[l->n], sizeof l->provider[0], "%s", info->endpoint->provider->name);
    l->attempt[l->n] = info->attempt;
    l->fallbacks[l->n] = info->fallbacks;
    l->status[l->n] = http_status;
    l->n++;
}

static ailib_result hl_request(void *user, ailib_hook_info *info, const ailib_wire_request *wr, ailib_error *err) {
    hooklog *l = (hooklog *)user;
    const char *path = strstr(wr->url, "/v1/");
    (void)info; (void)err;
    if (l->requests < 8) snprintf(l->url[l->requests], sizeof l->url[0], "%s", path ? path + 3 : wr->url);
    l->requests++;
    return AILIB_OK;
}
#endif

/* An interceptor on a router sees every attempt with the endpoint it went to: the attempt
   number counts again from 1 after a fall back, and the built request is the new protocol's. */
TEST(route_interceptors_see_each_endpoint_and_attempt) {
#if AILIB_ENABLE_INTERCEPTORS
    const mock_server *m = replay_need_mock();
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_interceptor ic;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "who answers");
    ailib_response *r = NULL;
    ailib_error err;
    hooklog l;
    char b0[256], b1[256];
    int i;
    if (!m) return;
    mock_ep(&eps[0], "openai/gpt-4o-mini", "status=503,retry_after_ms=1,tag=hk0", b0, sizeof b0);
    mock_ep(&eps[1], "anthropic/claude-haiku-4-5", "tag=hk1", b1, sizeof b1);
    memset(&rd, 0, sizeof rd);
    rd.endpoints = eps;
    rd.endpoint_count = 2;
    rd.name = "hooks";
    ASSERT_TRUE((c = ailib_router_create(&rd, &err)) != NULL);
    memset(&ic, 0, sizeof ic);
    memset(&l, 0, sizeof l);
    ic.name = "watch";
    ic.user = &l;
    ic.on_attempt = hl_attempt;
    ic.on_request = hl_request;
    ASSERT_EQ(ailib_client_add_interceptor(c, &ic, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: who answers");
    ASSERT_EQ(l.n, 4);                              /* three 503s (two retries), then the second endpoint */
    for (i = 0; i < 3; i++) {
        EXPECT_STR_EQ(l.provider[i], "openai");
        EXPECT_EQ(l.attempt[i], i + 1);
        EXPECT_EQ(l.fallbacks[i], 0);
        EXPECT_EQ(l.status[i], 503);
    }
    EXPECT_STR_EQ(l.provider[3], "anthropic");
    EXPECT_EQ(l.attempt[3], 1);
    EXPECT_EQ(l.fallbacks[3], 1);
    EXPECT_EQ(l.status[3], 200);
    /* one built request per endpoint (retries resend its bytes), each in its own protocol */
    ASSERT_EQ(l.requests, 2);
    EXPECT_STR_EQ(l.url[0], "/chat/completions");
    EXPECT_STR_EQ(l.url[1], "/messages");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
#else
    TEST_SKIP("built without AILIB_ENABLE_INTERCEPTORS");
#endif
}

TEST(route_no_fallback_on_an_invalid_request) {
    const mock_server *m = replay_need_mock();
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "bad");
    ailib_error err;
    char b0[256], b1[256];
    const char *s1 = "header=x-test:inv1";
    if (!m) return;
    mock_ep(&eps[0], "openai/gpt-4o-mini", "status=400,header=x-test:inv0", b0, sizeof b0);
    mock_ep(&eps[1], "openai/gpt-4o-mini", s1, b1, sizeof b1);
    memset(&rd, 0, sizeof rd);
    rd.endpoints = eps;
    rd.endpoint_count = 2;
    ASSERT_TRUE((c = ailib_router_create(&rd, &err)) != NULL);
    EXPECT_STR_EQ(ailib_router_endpoint_name(c, 1), "openai/gpt-4o-mini#2");
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_INVALID_REQUEST);
    EXPECT_EQ(mock_count(m, s1), 0);               /* the request's own fault: another endpoint would refuse it too */
    ailib_client_destroy(c);
}

/* A conversation whose tool call an Anthropic model made goes on at OpenAI when Anthropic is
   down: the request is rebuilt for the other protocol, ids and the tool result carried over. */
TEST(route_failover_across_protocols_with_a_tool_conversation) {
    const mock_server *m = replay_need_mock();
    static const ailib_tool tool = { "get_weather", "Weather of a city",
                                     "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}", 0, AILIB_TOOL_FUNCTION, NULL };
    ailib_client_desc cd;
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client *ant, *c;
    ailib_message msgs[3];
    ailib_part result;
    ailib_request req = replay_one_message(&msgs[0], "Weather in Paris?");
    ailib_response *r1 = NULL, *r2 = NULL;
    ailib_error err;
    const ailib_tool_call *tc;
    const ailib_route_report *rep;
    char b0[256], b1[256], base[256], id[128], *last;
    const char *s0 = "status=529,header=x-test:xp0", *s1 = "scenario=tool,header=x-test:xp1";
    int stream, status = 0;
    if (!m) return;
    /* the first turn, with Anthropic */
    mock_url(m, "scenario=tool", "/v1", base, sizeof base);
    memset(&cd, 0, sizeof cd);
    cd.model = "anthropic/claude-haiku-4-5";
    cd.base_url = base;
    cd.api_key = "test-key-route";
    ASSERT_TRUE((ant = ailib_client_create(&cd, &err)) != NULL);
    req.tools = &tool;
    req.tool_count = 1;
    ASSERT_EQ(ailib_chat(ant, &req, &r1, &err), AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r1), 1);
    tc = ailib_response_tool_call(r1, 0);
    snprintf(id, sizeof id, "%.*s", (int)tc->id_len, tc->id);
    msgs[1] = *ailib_response_message(r1);
    memset(&result, 0, sizeof result);
    result.type = AILIB_PART_TOOL_RESULT;
    result.id = tc->id;
    result.name = tc->name;
    result.text = "18C and sunny";
    memset(&msgs[2], 0, sizeof msgs[2]);
    msgs[2].role = AILIB_ROLE_TOOL;
    msgs[2].parts = &result;
    msgs[2].part_count = 1;
    req.messages = msgs;
    req.message_count = 3;
    /* the second turn, routed: Anthropic overloaded, OpenAI answers */
    mock_ep(&eps[0], "anthropic/claude-haiku-4-5", s0, b0, sizeof b0);
    mock_ep(&eps[1], "openai/gpt-4o-mini", s1, b1, sizeof b1);
    memset(&cd, 0, sizeof cd);
    cd.max_retries = -1;
    memset(&rd, 0, sizeof rd);
    rd.endpoints = eps;
    rd.endpoint_count = 2;
    rd.client = &cd;
    ASSERT_TRUE((c = ailib_router_create(&rd, &err)) != NULL);
    for (stream = 0; stream < 2; stream++) {
        ailib_router_reset(c, 0);
        if (stream) EXPECT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r2, &err), AILIB_OK);
        else EXPECT_EQ(ailib_chat(c, &req, &r2, &err), AILIB_OK);
        EXPECT_STR_EQ(ailib_response_text(r2, NULL), "The tool said: 18C and sunny");
        ASSERT_TRUE((rep = ailib_response_route(r2)) != NULL);
        EXPECT_EQ(rep->endpoint, 1);
        ASSERT_EQ(rep->attempt_count, 2);
        EXPECT_EQ(rep->attempts[0].http_status, 529);
        EXPECT_EQ(rep->attempts[0].result, AILIB_OVERLOADED);
        ailib_response_destroy(r2);
        r2 = NULL;
        /* what OpenAI got: the assistant's tool call and the result, under the same id */
        last = mock_http(m, "GET", "/_mock/last_request", &status);
        ASSERT_TRUE(last != NULL);
        EXPECT_TRUE(strstr(last, "chat/completions") != NULL);
        EXPECT_TRUE(strstr(last, "tool_calls") != NULL);
        EXPECT_TRUE(strstr(last, "tool_call_id") != NULL);
        EXPECT_TRUE(strstr(last, id) != NULL);
        EXPECT_TRUE(strstr(last, "18C and sunny") != NULL);
        free(last);
    }
    EXPECT_EQ(mock_count(m, s0), 2);
    EXPECT_EQ(mock_count(m, s1), 2);
    ailib_response_destroy(r1);
    ailib_client_destroy(ant);
    ailib_client_destroy(c);
}

/* A context-window error moves the call to an endpoint with a larger window; one with a
   smaller window is passed over. */
TEST(route_context_window_fallback) {
    const mock_server *m = replay_need_mock();
    ailib_route_endpoint eps[3];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "a very long prompt");
    ailib_response *r = NULL;
    ailib_error err;
    const ailib_route_report *rep;
    char b0[512], b1[256], b2[256], spec[512], body[400];
    const char *s1 = "header=x-test:ctx1", *s2 = "header=x-test:ctx2";
    if (!m) return;
    pct("{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens. However, your messages resulted in "
        "130000 tokens.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}",
        body, sizeof body);
    snprintf(spec, sizeof spec, "status=400,body=%s", body);
    mock_ep(&eps[0], "openai/gpt-4o-mini", spec, b0, sizeof b0);
    mock_ep(&eps[1], "openai/gpt-4o-mini", s1, b1, sizeof b1);
    eps[1].name = "small";
    eps[1].context_window = 32000;
    mock_ep(&eps[2], "gemini/gemini-2.5-flash", s2, b2, sizeof b2);
    memset(&rd, 0, sizeof rd);
    rd.endpoints = eps;
    rd.endpoint_count = 3;
    ASSERT_TRUE((c = ailib_router_create(&rd, &err)) != NULL);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ASSERT_TRUE((rep = ailib_response_route(r)) != NULL);
    EXPECT_EQ(rep->endpoint, 2);
    ASSERT_EQ(rep->attempt_count, 2);
    EXPECT_EQ(rep->attempts[0].result, AILIB_INVALID_REQUEST);
    EXPECT_EQ(rep->attempts[0].http_status, 400);
    EXPECT_EQ(rep->attempts[1].endpoint, 2);
    EXPECT_EQ(mock_count(m, s1), 0);
    EXPECT_EQ(mock_count(m, s2), 1);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: a very long prompt");
    ailib_response_destroy(r);
    /* an endpoint that is not failing yet is passed over when the request's estimated input
       is larger than its window: a 200-token window and a ~1,000-token prompt */
    {
        ailib_route_endpoint e2[2];
        char big[4100], c0[256], c1[256];
        const char *t0 = "header=x-test:ctxpre0", *t1 = "header=x-test:ctxpre1";
        ailib_client *c2;
        memset(big, 'x', sizeof big - 1);
        big[sizeof big - 1] = 0;
        req = replay_one_message(&msg, big);
        mock_ep(&e2[0], "openai/gpt-4o-mini", t0, c0, sizeof c0);
        e2[0].context_window = 200;
        mock_ep(&e2[1], "openai/gpt-4o-mini", t1, c1, sizeof c1);
        rd.endpoints = e2;
        rd.endpoint_count = 2;
        ASSERT_TRUE((c2 = ailib_router_create(&rd, &err)) != NULL);
        EXPECT_EQ(ailib_chat(c2, &req, NULL, &err), AILIB_OK);
        EXPECT_EQ(mock_count(m, t0), 0);
        EXPECT_EQ(mock_count(m, t1), 1);
        ailib_client_destroy(c2);
    }
    ailib_client_destroy(c);
}

/* Closed -> open after failure_threshold failures -> half-open when the cooldown passes on
   the injected clock -> a failed probe opens it for twice as long -> a good probe closes it. */
TEST(route_circuit_breaker_on_the_injected_clock) {
    const mock_server *m = replay_need_mock();
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client_desc cd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "breaker");
    ailib_response *r = NULL;
    ailib_error err;
    ailib_route_health h;
    const ailib_route_report *rep;
    evlog log;
    char b0[256], b1[256], path[128];
    const char *s0 = "status=500,times=3,header=x-test:brk0", *s1 = "header=x-test:brk1";
    int64_t now = 1000;
    if (!m) return;
    mock_ep(&eps[0], "openai/gpt-4o-mini", s0, b0, sizeof b0);
    mock_ep(&eps[1], "openai/gpt-4o-mini", s1, b1, sizeof b1);
    memset(&cd, 0, sizeof cd);
    cd.max_retries = -1;
    cd.clock_ms = test_clock;
    cd.clock_user = &now;
    memset(&rd, 0, sizeof rd);
    memset(&log, 0, sizeof log);
    rd.endpoints = eps;
    rd.endpoint_count = 2;
    rd.client = &cd;
    rd.failure_threshold = 2;
    rd.cooldown_ms = 1000;
    rd.on_event = on_route_event;
    rd.event_user = &log;
    ASSERT_TRUE((c = ailib_router_create(&rd, &err)) != NULL);
    /* 1: fails on 0, answered by 1; 0 stays closed with one failure */
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_CLOSED);
    EXPECT_EQ(h.consecutive_failures, 1);
    /* 2: the second failure opens it */
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_OPEN);
    EXPECT_EQ(h.open_ms, 1000);
    EXPECT_EQ(mock_count(m, s0), 2);
    /* 3: open: passed over without a request */
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ASSERT_TRUE((rep = ailib_response_route(r)) != NULL);
    EXPECT_EQ(rep->attempt_count, 1);
    EXPECT_EQ(rep->endpoint, 1);
    ailib_response_destroy(r);
    EXPECT_EQ(mock_count(m, s0), 2);
    now += 999;
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_OPEN);
    EXPECT_EQ(h.open_ms, 1);
    now += 1;
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_HALF_OPEN);
    /* 4: the probe fails (the mock's third 500): open again, for 2 s */
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    EXPECT_EQ(mock_count(m, s0), 3);
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_OPEN);
    EXPECT_EQ(h.open_ms, 2000);
    now += 2000;
    /* 5: the probe succeeds: closed, and it answers */
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ASSERT_TRUE((rep = ailib_response_route(r)) != NULL);
    EXPECT_EQ(rep->endpoint, 0);
    ailib_response_destroy(r);
    EXPECT_EQ(mock_count(m, s0), 4);
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_CLOSED);
    EXPECT_EQ(h.consecutive_failures, 0);
    health_path(&log, 0, path, sizeof path);
    EXPECT_STR_EQ(path, "C>O O>H H>O O>H H>C");
    ailib_client_destroy(c);
}

/* --- strategies: 1,000 calls each over the network-free transport --------------------------------- */

static fake_reply latency_answer(void *user, const char *url, const char *body, int seq) {
    fake_reply r;
    (void)user; (void)body; (void)seq;
    memset(&r, 0, sizeof r);
    r.advance_ms = strstr(url, "a.test") ? 50 : strstr(url, "b.test") ? 20 : 80;
    return r;
}

typedef struct dist { int a, b, c; } dist;

/* 1,000 calls (at once when concurrent, else one after the other) through a router of three
   endpoints a, b, c; how many each got. */
static dist run_strategy(ailib_route_strategy s, const double *weights, int concurrent, int latency) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc cd;
    ailib_route_endpoint eps[3];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "distribute");
    ailib_error err;
    static ailib_call *calls[1000];
    dist d = { -1, -1, -1 };
    int64_t now = 0;
    int i;
    static const char *bases[3] = { "http://a.test/v1", "http://b.test/v1", "http://c.test/v1" };
    memset(&fc, 0, sizeof fc);
    tp = fake_transport(&fc);
    memset(&cd, 0, sizeof cd);
    cd.transport = &tp;
    cd.clock_ms = test_clock;
    cd.clock_user = &now;
    if (latency) { fc.answer = latency_answer; fc.clock = &now; }
    memset(eps, 0, sizeof eps);
    for (i = 0; i < 3; i++) {
        eps[i].model = "openai/gpt-4o-mini";
        eps[i].base_url = bases[i];
        eps[i].api_key = "k";
        if (weights) eps[i].weight = weights[i];
    }
    if (s == AILIB_ROUTE_PRICE) {
        eps[0].price_input = ailib_set(1.0); eps[0].price_output = ailib_set(2.0);
        eps[1].price_input = ailib_set(0.1); eps[1].price_output = ailib_set(0.2);
        eps[2].model = "openai/not-in-the-catalog";        /* unknown price: last */
    }
    memset(&rd, 0, sizeof rd);
    rd.endpoints = eps;
    rd.endpoint_count = 3;
    rd.strategy = s;
    rd.client = &cd;
    rd.seed = 12345;
    if (!(c = ailib_router_create(&rd, &err))) { ailib_test_fail(__FILE__, __LINE__, "router: %s", err.message); return d; }
    if (concurrent) {
        for (i = 0; i < 1000; i++) if (ailib_chat_start(c, &req, NULL, &calls[i], &err) != AILIB_OK) calls[i] = NULL;
        for (i = 0; i < 3; i++) ailib_client_poll(c, 0);
        for (i = 0; i < 1000; i++) if (calls[i]) ailib_call_finish(calls[i], NULL, NULL);
    } else {
        for (i = 0; i < 1000; i++) if (ailib_chat(c, &req, NULL, &err) != AILIB_OK) break;
    }
    d.a = fake_count(&fc, "a.test");
    d.b = fake_count(&fc, "b.test");
    d.c = fake_count(&fc, "c.test");
    if (latency) {
        ailib_route_health h;
        ailib_router_health(c, 1, &h);
        EXPECT_DBL_EQ(h.latency_ms, 20.0);
    }
    ailib_client_destroy(c);
    fake_reset(&fc);
    return d;
}

TEST(route_strategy_distributions_over_1000_calls) {
    static const double w[3] = { 1, 2, 7 };
    dist d;
    d = run_strategy(AILIB_ROUTE_FAILOVER, NULL, 0, 0);             /* all to the first while it is healthy */
    EXPECT_EQ(d.a, 1000); EXPECT_EQ(d.b, 0); EXPECT_EQ(d.c, 0);
    d = run_strategy(AILIB_ROUTE_ROUND_ROBIN, NULL, 0, 0);          /* exact thirds */
    EXPECT_EQ(d.a, 334); EXPECT_EQ(d.b, 333); EXPECT_EQ(d.c, 333);
    /* weights 1:2:7: binomial counts within 5 standard deviations (sd 9.5, 12.6, 14.5) */
    d = run_strategy(AILIB_ROUTE_WEIGHTED, w, 0, 0);
    EXPECT_EQ(d.a + d.b + d.c, 1000);
    EXPECT_GE(d.a, 52);  EXPECT_LE(d.a, 148);
    EXPECT_GE(d.b, 137); EXPECT_LE(d.b, 263);
    EXPECT_GE(d.c, 628); EXPECT_LE(d.c, 772);
    /* least busy, 1,000 calls in flight at once: the load splits evenly */
    d = run_strategy(AILIB_ROUTE_LEAST_BUSY, NULL, 1, 0);
    EXPECT_EQ(d.a, 334); EXPECT_EQ(d.b, 333); EXPECT_EQ(d.c, 333);
    /* lowest latency: b answers in 20 ms, a in 50, c in 80 (on the injected clock): b gets all
       but the first measurements and the 1-in-32 exploration (expected ~21 of 1,000) */
    d = run_strategy(AILIB_ROUTE_LATENCY, NULL, 0, 1);
    EXPECT_EQ(d.a + d.b + d.c, 1000);
    EXPECT_GE(d.b, 950);
    EXPECT_GE(d.a, 1); EXPECT_GE(d.c, 1);
    /* lowest latency with 1,000 calls in flight before any is measured: spread, not all on
       the first endpoint */
    d = run_strategy(AILIB_ROUTE_LATENCY, NULL, 1, 0);
    EXPECT_EQ(d.a, 334); EXPECT_EQ(d.b, 333); EXPECT_EQ(d.c, 333);
    /* lowest price: b is ten times cheaper than a, c's price is unknown */
    d = run_strategy(AILIB_ROUTE_PRICE, NULL, 0, 0);
    EXPECT_EQ(d.b, 1000);
}

/* --- limits, pins, events ---------------------------------------------------------------------------------- */

static fake_reply hold_answer(void *user, const char *url, const char *body, int seq) {
    fake_reply r;
    (void)user; (void)url; (void)body; (void)seq;
    memset(&r, 0, sizeof r);
    r.hold = 1;
    return r;
}

static ailib_client *fake_router(fake_config *fc, ailib_transport *tp, ailib_route_endpoint *eps, size_t n, ailib_router_desc *rd,
                                 ailib_client_desc *cd) {
    static const char *bases[3] = { "http://a.test/v1", "http://b.test/v1", "http://c.test/v1" };
    ailib_error err;
    ailib_client *c;
    size_t i;
    *tp = fake_transport(fc);
    cd->transport = tp;
    for (i = 0; i < n; i++) {
        if (!eps[i].model) eps[i].model = "openai/gpt-4o-mini";
        if (!eps[i].base_url) eps[i].base_url = bases[i % 3];
        eps[i].api_key = "k";
    }
    rd->endpoints = eps;
    rd->endpoint_count = n;
    rd->client = cd;
    c = ailib_router_create(rd, &err);
    if (!c) ailib_test_fail(__FILE__, __LINE__, "router: %s", err.message);
    return c;
}

TEST(route_endpoint_limits_queue_calls) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc cd;
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_call *calls[3];
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "limits");
    ailib_route_health h;
    evlog log;
    int i, pending_events = 0;
    memset(&fc, 0, sizeof fc);
    memset(&cd, 0, sizeof cd);
    memset(eps, 0, sizeof eps);
    memset(&rd, 0, sizeof rd);
    memset(&log, 0, sizeof log);
    fc.answer = hold_answer;
    eps[0].max_in_flight = 1;
    eps[1].max_in_flight = 1;
    rd.on_event = on_route_event;
    rd.event_user = &log;
    ASSERT_TRUE((c = fake_router(&fc, &tp, eps, 2, &rd, &cd)) != NULL);
    for (i = 0; i < 3; i++) ASSERT_EQ(ailib_chat_start(c, &req, NULL, &calls[i], NULL), AILIB_OK);
    ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 2);
    EXPECT_EQ(fake_count(&fc, "a.test"), 1);
    EXPECT_EQ(fake_count(&fc, "b.test"), 1);
    EXPECT_EQ(ailib_call_get_phase(calls[2], NULL), AILIB_CALL_QUEUED);
    for (i = 0; i < log.n; i++) if (log.type[i] == AILIB_ROUTE_EVENT_NO_ENDPOINT && log.res[i] == AILIB_PENDING) pending_events++;
    EXPECT_EQ(pending_events, 1);
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.in_flight, 1);
    EXPECT_EQ(h.limited_ms, -1);
    fake_release(&fc, 1);                        /* a's reply: a is free, the queued call goes there */
    ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 3);
    EXPECT_EQ(fake_count(&fc, "a.test"), 2);
    fake_release(&fc, -1);
    ailib_client_poll(c, 0);
    for (i = 0; i < 3; i++) EXPECT_EQ(ailib_call_finish(calls[i], NULL, NULL), AILIB_OK);
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.in_flight, 0);
    ailib_client_destroy(c);
    fake_reset(&fc);

    /* fail_fast: the third call fails at once */
    memset(&fc, 0, sizeof fc);
    memset(&cd, 0, sizeof cd);
    memset(eps, 0, sizeof eps);
    memset(&rd, 0, sizeof rd);
    fc.answer = hold_answer;
    eps[0].max_in_flight = 1;
    eps[1].max_in_flight = 1;
    rd.fail_fast = 1;
    ASSERT_TRUE((c = fake_router(&fc, &tp, eps, 2, &rd, &cd)) != NULL);
    {
        ailib_error err;
        ailib_call *x;
        for (i = 0; i < 2; i++) ASSERT_EQ(ailib_chat_start(c, &req, NULL, &calls[i], NULL), AILIB_OK);
        EXPECT_EQ(ailib_chat_start(c, &req, NULL, &x, &err), AILIB_RATE_LIMITED);
        EXPECT_TRUE(strstr(err.message, "at its limits") != NULL);
    }
    ailib_client_destroy(c);
    fake_reset(&fc);
}

static fake_reply rate_answer(void *user, const char *url, const char *body, int seq) {
    fake_reply r;
    (void)user; (void)body; (void)seq;
    memset(&r, 0, sizeof r);
    if (strstr(url, "a.test")) {
        r.status = 429;
        r.headers = "retry-after: 30\n";
        r.body = "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}";
    }
    return r;
}

/* A 429 goes to another endpoint at once instead of waiting out the hint on the same one;
   the limited endpoint rests for its retry-after. */
TEST(route_429_goes_elsewhere_at_once) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc cd;
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "busy");
    ailib_response *r = NULL;
    ailib_error err;
    ailib_route_health h;
    int64_t now = 100;
    memset(&fc, 0, sizeof fc);
    memset(&cd, 0, sizeof cd);
    memset(eps, 0, sizeof eps);
    memset(&rd, 0, sizeof rd);
    fc.answer = rate_answer;
    cd.clock_ms = test_clock;
    cd.clock_user = &now;
    ASSERT_TRUE((c = fake_router(&fc, &tp, eps, 2, &rd, &cd)) != NULL);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "ok b.test");
    EXPECT_EQ(fc.started, 2);                      /* no retry on a */
    ailib_response_destroy(r);
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_CLOSED);        /* resting, not down */
    EXPECT_EQ(h.limited_ms, 30000);
    EXPECT_EQ(h.last_result, AILIB_RATE_LIMITED);
    /* while a rests, calls go to b without trying a */
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    EXPECT_EQ(fake_count(&fc, "a.test"), 1);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

static int fail_first;
static fake_reply fail_answer(void *user, const char *url, const char *body, int seq) {
    fake_reply r;
    (void)user; (void)url; (void)body;
    memset(&r, 0, sizeof r);
    if (seq < fail_first) r.status = 500;
    return r;
}

/* Every endpoint open: the call waits for the first to turn half-open when that is within
   max_retry_wait_ms, else it fails at once with the wait as a hint. */
TEST(route_all_open_waits_or_fails_with_a_hint) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc cd;
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "open");
    ailib_call *call;
    ailib_error err;
    ailib_response *r = NULL;
    int64_t now = 0;
    int i;
    for (i = 0; i < 2; i++) {
        memset(&fc, 0, sizeof fc);
        memset(&cd, 0, sizeof cd);
        memset(eps, 0, sizeof eps);
        memset(&rd, 0, sizeof rd);
        fail_first = 2;
        fc.answer = fail_answer;
        cd.clock_ms = test_clock;
        cd.clock_user = &now;
        cd.max_retries = -1;
        rd.failure_threshold = 1;
        rd.cooldown_ms = i ? 120000 : 5000;
        ASSERT_TRUE((c = fake_router(&fc, &tp, eps, 2, &rd, &cd)) != NULL);
        EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_SERVER);     /* both fail: both open */
        if (i == 0) {
            ASSERT_EQ(ailib_chat_start(c, &req, NULL, &call, &err), AILIB_OK);
            EXPECT_EQ(ailib_call_get_phase(call, NULL), AILIB_CALL_QUEUED);
            ailib_client_poll(c, 0);
            EXPECT_EQ(fc.started, 2);
            now += 5000;                                                 /* half-open: the probe goes */
            ailib_client_poll(c, 0);
            ailib_client_poll(c, 0);
            EXPECT_EQ(fc.started, 3);
            EXPECT_EQ(ailib_call_finish(call, &r, &err), AILIB_OK);
            EXPECT_STR_EQ(ailib_response_text(r, NULL), "ok a.test");
            ailib_response_destroy(r);
        } else {
            EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OVERLOADED);
            EXPECT_EQ(err.retry_after_ms, 120000);
            EXPECT_TRUE(strstr(err.message, "cooling down") != NULL);
            EXPECT_EQ(fc.started, 2);
            /* the probe asked for goes through the open breaker and closes it */
            EXPECT_EQ(ailib_router_probe(c, 1, &err), AILIB_OK);
            EXPECT_EQ(fake_count(&fc, "b.test"), 2);
            EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
            EXPECT_STR_EQ(ailib_response_text(r, NULL), "ok b.test");
            ailib_response_destroy(r);
        }
        ailib_client_destroy(c);
        fake_reset(&fc);
    }
}

static int probe_fail_first;
static fake_reply probe_answer(void *user, const char *url, const char *body, int seq) {
    fake_reply r;
    (void)user; (void)url; (void)body;
    memset(&r, 0, sizeof r);
    if (seq < probe_fail_first) r.status = 500;
    else r.hold = 1;
    return r;
}

/* Half-open: one call is the probe; the next waits for its verdict instead of piling onto a
   failing endpoint, and goes as soon as the probe succeeded. */
TEST(route_half_open_lets_one_probe_through) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc cd;
    ailib_route_endpoint eps[1];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "probe");
    ailib_call *x, *y;
    ailib_error err;
    ailib_route_health h;
    int64_t now = 0, w = 0;
    memset(&fc, 0, sizeof fc);
    memset(&cd, 0, sizeof cd);
    memset(eps, 0, sizeof eps);
    memset(&rd, 0, sizeof rd);
    probe_fail_first = 1;
    fc.answer = probe_answer;
    cd.clock_ms = test_clock;
    cd.clock_user = &now;
    cd.max_retries = -1;
    rd.failure_threshold = 1;
    rd.cooldown_ms = 1000;
    ASSERT_TRUE((c = fake_router(&fc, &tp, eps, 1, &rd, &cd)) != NULL);
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_SERVER);     /* open */
    now += 1000;                                                  /* half-open */
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &x, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &y, &err), AILIB_OK);
    ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 2);                                     /* the probe only */
    EXPECT_EQ(ailib_call_get_phase(y, &w), AILIB_CALL_QUEUED);
    EXPECT_EQ(w, -1);                                             /* until the probe's end, not a timer */
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_HALF_OPEN);
    fake_release(&fc, 1);                                         /* the probe succeeds: closed */
    ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 3);
    EXPECT_EQ(ailib_router_health(c, 0, &h), AILIB_OK);
    EXPECT_EQ(h.state, AILIB_ROUTE_CLOSED);
    fake_release(&fc, -1);
    ailib_client_poll(c, 0);
    EXPECT_EQ(ailib_call_finish(x, NULL, NULL), AILIB_OK);
    EXPECT_EQ(ailib_call_finish(y, NULL, NULL), AILIB_OK);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

TEST(route_request_model_pins_an_endpoint) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc cd;
    ailib_route_endpoint eps[3];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "pin");
    ailib_response *r = NULL;
    ailib_error err;
    memset(&fc, 0, sizeof fc);
    memset(&cd, 0, sizeof cd);
    memset(eps, 0, sizeof eps);
    memset(&rd, 0, sizeof rd);
    eps[2].model = "anthropic/claude-haiku-4-5";
    eps[1].name = "bee";
    ASSERT_TRUE((c = fake_router(&fc, &tp, eps, 3, &rd, &cd)) != NULL);
    req.model = "bee";
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "ok b.test");
    ailib_response_destroy(r);
    req.model = "claude-haiku-4-5";                      /* the only endpoint with that model */
    ailib_chat(c, &req, NULL, &err);                     /* (the fake answers in OpenAI's shape) */
    EXPECT_EQ(fake_count(&fc, "c.test"), 1);
    EXPECT_EQ(fc.started, 2);
    req.model = "gpt-4o-mini";                           /* two endpoints have it: not one */
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "more than one") != NULL);
    req.model = "nope";
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "openai/gpt-4o-mini, bee, anthropic/claude-haiku-4-5") != NULL);
    req.model = "route/router";                          /* the router's own name routes */
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

/* --- content-filter refusals ------------------------------------------------------------------------------- */

static const char *refusal_stream =
    "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":0,\"total_tokens\":5}}\n\n"
    "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"content_filter\"}]}\n\n"
    "data: [DONE]\n\n";
static const char *good_stream =
    "data: {\"id\":\"y\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi there\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"y\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n"
    "data: [DONE]\n\n";

static int refusal_mode;   /* 0 unary refusal, 1 streamed refusal, 2 Azure's 400 content_filter */
static fake_reply refusal_answer(void *user, const char *url, const char *body, int seq) {
    fake_reply r;
    int streamed = strstr(body, "\"stream\":true") != NULL;
    (void)user; (void)seq;
    memset(&r, 0, sizeof r);
    if (strstr(url, "a.test")) {
        if (refusal_mode == 2) { r.status = 400; r.body = "{\"error\":{\"code\":\"content_filter\",\"message\":\"The prompt was filtered\"}}"; }
        else r.body = streamed ? refusal_stream : fake_openai_body("", "content_filter");
    } else if (streamed) r.body = good_stream;
    return r;
}

typedef struct seen_events { int usage, finish, cf, text; } seen_events;
static int count_events(void *user, const ailib_event *e) {
    seen_events *s = (seen_events *)user;
    if (e->type == AILIB_EVENT_USAGE) s->usage++;
    if (e->type == AILIB_EVENT_FINISH) { s->finish++; if (e->finish_reason == AILIB_FINISH_CONTENT_FILTER) s->cf++; }
    if (e->type == AILIB_EVENT_TEXT_DELTA) s->text++;
    return 0;
}

TEST(route_content_filter_fallback) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc cd;
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "something touchy");
    ailib_response *r = NULL;
    ailib_error err;
    const ailib_route_report *rep;
    seen_events se;
    int enabled;
    for (enabled = 0; enabled < 2; enabled++) {
        memset(&fc, 0, sizeof fc);
        memset(&cd, 0, sizeof cd);
        memset(eps, 0, sizeof eps);
        memset(&rd, 0, sizeof rd);
        fc.answer = refusal_answer;
        rd.fallback_on_content_filter = enabled;
        ASSERT_TRUE((c = fake_router(&fc, &tp, eps, 2, &rd, &cd)) != NULL);
        /* unary */
        refusal_mode = 0;
        ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
        if (enabled) {
            EXPECT_STR_EQ(ailib_response_text(r, NULL), "ok b.test");
            ASSERT_TRUE((rep = ailib_response_route(r)) != NULL);
            ASSERT_EQ(rep->attempt_count, 2);
            EXPECT_EQ(rep->attempts[0].result, AILIB_CONTENT_FILTER);
            EXPECT_EQ(rep->attempts[0].http_status, 200);
        } else EXPECT_EQ(ailib_response_finish_reason(r), AILIB_FINISH_CONTENT_FILTER);   /* handed back as it came */
        ailib_response_destroy(r);
        r = NULL;
        /* streamed: the refusal and the usage event ahead of it never reach the caller */
        refusal_mode = 1;
        memset(&se, 0, sizeof se);
        ASSERT_EQ(ailib_chat_stream(c, &req, count_events, &se, &r, &err), AILIB_OK);
        if (enabled) {
            EXPECT_STR_EQ(ailib_response_text(r, NULL), "hi there");
            EXPECT_EQ(se.cf, 0);
            EXPECT_EQ(se.finish, 1);
            EXPECT_EQ(se.usage, 1);
            EXPECT_EQ(se.text, 1);
        } else {
            EXPECT_EQ(se.cf, 1);
            EXPECT_EQ(se.usage, 1);
            EXPECT_EQ(ailib_response_finish_reason(r), AILIB_FINISH_CONTENT_FILTER);
        }
        ailib_response_destroy(r);
        r = NULL;
        /* Azure's 400 content_filter error */
        refusal_mode = 2;
        if (enabled) EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
        else EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_CONTENT_FILTER);
        ailib_client_destroy(c);
        fake_reset(&fc);
    }
}

/* --- configuration ----------------------------------------------------------------------------------------- */

TEST(route_group_from_the_environment) {
    fake_config fc;
    ailib_transport tp = fake_transport(&fc);
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    ailib_route_health h;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "group");
    ailib_response *r = NULL;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    d.transport = &tp;
    setenv("AILIB_TEST_ROUTE_KEY", "sk-from-env", 1);
    setenv("AILIB_ROUTE_TEST_GRP", "strategy=round_robin failures=5;\n"
           " openai/gpt-4o-mini base_url=http://a.test/v1 key_env=AILIB_TEST_ROUTE_KEY weight=2 ;"
           " openai/gpt-4o-mini base_url=http://b.test/v1 key_env=AILIB_TEST_ROUTE_KEY name=bee rpm=30 context=9000", 1);
    d.model = "route/test-grp";
    ASSERT_TRUE((c = ailib_client_create(&d, &err)) != NULL);
    EXPECT_TRUE(ailib_client_is_router(c));
    EXPECT_STR_EQ(ailib_client_model(c), "route/test-grp");
    EXPECT_EQ(ailib_router_endpoint_count(c), 2);
    EXPECT_STR_EQ(ailib_router_endpoint_name(c, 1), "bee");
    EXPECT_TRUE(ailib_router_endpoint_name(c, 2) == NULL);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "ok a.test");
    ailib_response_destroy(r);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "ok b.test");   /* round robin */
    ailib_response_destroy(r);
    EXPECT_EQ(ailib_router_health(c, 1, &h), AILIB_OK);
    EXPECT_EQ(h.attempts, 1);
    ailib_client_destroy(c);
    /* mistakes say what to fix */
    d.model = "route/nope";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "AILIB_ROUTE_NOPE") != NULL);
    EXPECT_TRUE(ailib_router_create_from_spec("strategy=fastest; openai/gpt-4o-mini", &d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "fastest") != NULL);
    EXPECT_TRUE(ailib_router_create_from_spec("openai/gpt-4o-mini key_env=AILIB_TEST_ROUTE_KEY wieght=2", &d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "wieght") != NULL);
    EXPECT_TRUE(ailib_router_create_from_spec("nope/model", &d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "provider") != NULL);
    EXPECT_TRUE(ailib_router_create_from_spec("strategy=latency", &d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "no endpoint") != NULL);
    EXPECT_TRUE(ailib_router_create_from_spec("openai/gpt-4o-mini key_env=AILIB_TEST_ROUTE_UNSET_KEY", &d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "AILIB_TEST_ROUTE_UNSET_KEY") != NULL);
    EXPECT_TRUE(strstr(err.message, "endpoint 0") != NULL);
    unsetenv("AILIB_ROUTE_TEST_GRP");
    unsetenv("AILIB_TEST_ROUTE_KEY");
    fake_reset(&fc);
}

/* The router is a client: the poll API, ailib_chat_json, ailib_embed (on the first endpoint)
   and ailib_chat_batch take it as it is. */
TEST(route_router_is_a_client) {
    const mock_server *m = replay_need_mock();
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "Give me JSON");
    ailib_response *r = NULL;
    ailib_error err;
    const ailib_json *v = NULL;
    ailib_embeddings *e = NULL;
    ailib_embed_request er;
    ailib_call *call;
    const ailib_route_report *rep;
    const char *inputs[2] = { "one", "two" };
    ailib_batch_item items[2];
    ailib_request reqs[2];
    char b0[256], b1[256];
    int i;
    if (!m) return;
    mock_ep(&eps[0], "openai/gpt-4o-mini", "header=x-test:cl0", b0, sizeof b0);
    mock_ep(&eps[1], "ollama/llama3.2", "header=x-test:cl1", b1, sizeof b1);
    memset(&rd, 0, sizeof rd);
    rd.endpoints = eps;
    rd.endpoint_count = 2;
    rd.strategy = AILIB_ROUTE_ROUND_ROBIN;
    ASSERT_TRUE((c = ailib_router_create(&rd, &err)) != NULL);
    req.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
    req.response_format.schema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";
    EXPECT_EQ(ailib_chat_json(c, &req, &r, &v, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(v, "city"), NULL), "example");
    ailib_response_destroy(r);
    r = NULL;
    memset(&er, 0, sizeof er);
    er.inputs = inputs;
    er.input_count = 2;
    EXPECT_EQ(ailib_embed(c, &er, &e, &err), AILIB_OK);
    EXPECT_EQ(ailib_embeddings_count(e), 2);
    ailib_embeddings_destroy(e);
    /* the poll API: the report so far, then the response's */
    req = replay_one_message(&msg, "poll me");
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &call, &err), AILIB_OK);
    for (i = 0; i < 500 && !ailib_call_done(call); i++) ailib_client_poll(c, 20);
    ASSERT_TRUE((rep = ailib_call_route(call)) != NULL);
    EXPECT_EQ(rep->attempt_count, 1);
    EXPECT_EQ(ailib_call_finish(call, &r, &err), AILIB_OK);
    EXPECT_TRUE(ailib_response_route(r) != NULL);
    ailib_response_destroy(r);
    reqs[0] = req;
    reqs[1] = req;
    EXPECT_EQ(ailib_chat_batch(c, reqs, 2, NULL, items, &err), AILIB_OK);
    EXPECT_EQ(items[0].result, AILIB_OK);
    EXPECT_EQ(items[1].result, AILIB_OK);
    EXPECT_TRUE(ailib_response_route(items[0].response)->endpoint != ailib_response_route(items[1].response)->endpoint);
    ailib_batch_free(items, 2);
    ailib_client_destroy(c);
    /* a plain client has no report */
    {
        ailib_client_desc cd;
        ailib_client *p;
        memset(&cd, 0, sizeof cd);
        cd.model = "openai/gpt-4o-mini";
        cd.base_url = b0;
        cd.api_key = "k";
        ASSERT_TRUE((p = ailib_client_create(&cd, &err)) != NULL);
        EXPECT_FALSE(ailib_client_is_router(p));
        EXPECT_EQ(ailib_chat(p, &req, &r, &err), AILIB_OK);
        EXPECT_TRUE(ailib_response_route(r) == NULL);
        EXPECT_TRUE(ailib_router_last_report(p) == NULL);
        ailib_response_destroy(r);
        ailib_client_destroy(p);
    }
}

TEST(route_create_checks_its_desc) {
    ailib_router_desc rd;
    ailib_route_endpoint eps[2];
    ailib_error err;
    memset(&rd, 0, sizeof rd);
    memset(eps, 0, sizeof eps);
    EXPECT_TRUE(ailib_router_create(&rd, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_INVALID_ARGUMENT);
    rd.endpoints = eps;
    rd.endpoint_count = 2;
    eps[0].model = "openai/gpt-4o-mini";
    eps[0].api_key = "k";
    EXPECT_TRUE(ailib_router_create(&rd, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "endpoint 1") != NULL);
    eps[1].model = "groq/llama-3.3-70b-versatile";
    eps[1].key_env = "AILIB_TEST_NO_SUCH_KEY";
    EXPECT_TRUE(ailib_router_create(&rd, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "AILIB_TEST_NO_SUCH_KEY") != NULL);
    eps[1].key_env = NULL;
    eps[1].api_key = "k\r\nX-Evil: 1";
    EXPECT_TRUE(ailib_router_create(&rd, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "control character") != NULL);
    rd.endpoint_count = AILIB_ROUTE_MAX_ENDPOINTS + 1;
    EXPECT_TRUE(ailib_router_create(&rd, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_INVALID_ARGUMENT);
}

#endif

/* Without the macro a route group says how to get it; with it, an unknown group says what to set. */
TEST(route_group_needs_the_macro_or_its_variable) {
    ailib_client_desc d;
    ailib_error err;
    memset(&d, 0, sizeof d);
    d.model = "route/fast";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
#if AILIB_ENABLE_ROUTING
    EXPECT_TRUE(strstr(err.message, "AILIB_ROUTE_FAST") != NULL);
#else
    EXPECT_TRUE(strstr(err.message, "AILIB_ENABLE_ROUTING") != NULL);
#endif
}

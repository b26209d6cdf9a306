/* AILIB_ENABLE_INTERCEPTORS: the hook chain (order and effect, unary and streamed), answers
   from memory, on_error, the request log and its redaction, the response cache (a streamed
   hit gives the very events of the miss), cassettes recorded from ailib-mock and replayed
   with the mock stopped, unmatched requests, record-if-missing, retries and errors replayed.
   The test builds turn AILIB_ENABLE_INTERCEPTORS on; a build without it skips them. */
#include "test.h"
#include "replay.h"
#include "mockctl.h"
#include "../ailib.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if AILIB_ENABLE_INTERCEPTORS
#define ICPT_RUN(f) f()
#else
#define ICPT_RUN(f) TEST_SKIP("built without AILIB_ENABLE_INTERCEPTORS (the Makefile's FEATURES turn it on)")
#endif

#if AILIB_ENABLE_INTERCEPTORS

/* A key no log line or cassette may ever show, and a gateway credential of the same kind. */
#define SECRET_KEY "sk-test-SECRETKEY-4f9a2b7c1d"
#define SECRET_GW "gw-SECRETGATEWAY-88c1e0d2"

static ailib_client *client_at(const mock_server *m, const char *spec, const char *model, ailib_client_desc *tweak) {
    char base[512];
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    if (!m) return NULL;
    mock_url(m, spec, strncmp(model, "anthropic/", 10) == 0 ? "/v1" : "/v1", base, sizeof base);
    if (tweak) d = *tweak; else memset(&d, 0, sizeof d);
    d.model = model;
    d.base_url = base;
    if (!d.api_key) d.api_key = SECRET_KEY;
    c = ailib_client_create(&d, &err);
    if (!c) ailib_test_fail(__FILE__, __LINE__, "client_create: %s", err.message);
    return c;
}

static ailib_client *mclient(const char *spec) { return client_at(replay_need_mock(), spec, "openai/gpt-4o-mini", NULL); }

/* --- every event of a stream as one string, to compare streams exactly --------------------- */

typedef struct evlog { char *s; size_t len, cap; int n, finishes, usages; } evlog;

static void ev_put(evlog *l, const char *p, size_t n) {
    if (l->len + n + 1 > l->cap) {
        l->cap = (l->len + n + 1) * 2;
        l->s = (char *)realloc(l->s, l->cap);
    }
    memcpy(l->s + l->len, p, n);
    l->len += n;
    l->s[l->len] = 0;
}

static int on_evlog(void *user, const ailib_event *e) {
    evlog *l = (evlog *)user;
    char head[256];
    snprintf(head, sizeof head, "%d|%lu|%d|", (int)e->type, (unsigned long)e->index, (int)e->finish_reason);
    ev_put(l, head, strlen(head));
    if (e->text) ev_put(l, e->text, e->text_len);
    ev_put(l, "|", 1);
    if (e->id) ev_put(l, e->id, e->id_len);
    ev_put(l, "|", 1);
    if (e->name) ev_put(l, e->name, e->name_len);
    if (e->usage) {
        snprintf(head, sizeof head, "|u%lld/%lld", (long long)e->usage->input_tokens, (long long)e->usage->output_tokens);
        ev_put(l, head, strlen(head));
    }
    if (e->finish_raw) ev_put(l, e->finish_raw, strlen(e->finish_raw));
    ev_put(l, "\n", 1);
    l->n++;
    if (e->type == AILIB_EVENT_FINISH) l->finishes++;
    if (e->type == AILIB_EVENT_USAGE) l->usages++;
    return 0;
}

static void evlog_free(evlog *l) { free(l->s); memset(l, 0, sizeof *l); }

/* The normalized response as one string. */
static void resp_sig(const ailib_response *r, char *out, size_t cap) {
    const ailib_usage *u = ailib_response_usage(r);
    size_t i, o;
    o = (size_t)snprintf(out, cap, "%s|%s|%s|%s|%d|%lld/%lld/%lld|", ailib_response_text(r, NULL), ailib_response_reasoning(r, NULL),
                         ailib_response_model(r), ailib_response_request_id(r), (int)ailib_response_finish_reason(r),
                         (long long)u->input_tokens, (long long)u->output_tokens, (long long)u->total_tokens);
    for (i = 0; i < ailib_response_tool_call_count(r) && o < cap; i++) {
        const ailib_tool_call *tc = ailib_response_tool_call(r, i);
        o += (size_t)snprintf(out + o, cap - o, "%.*s(%.*s)", (int)tc->name_len, tc->name, (int)tc->arguments_len, tc->arguments);
    }
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *b;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = (char *)malloc((size_t)n + 1);
    if (fread(b, 1, (size_t)n, f) != (size_t)n) n = 0;
    b[n] = 0;
    fclose(f);
    if (len) *len = (size_t)n;
    return b;
}

static void tmp_path(char *out, size_t cap, const char *name) {
    snprintf(out, cap, "/tmp/ailib-icpt-%d-%s", (int)getpid(), name);
    remove(out);
}

/* --- interceptors that write down what they saw ---------------------------------------------- */

typedef struct spy {
    const char *name;
    char *trace;                     /* shared by the chain: "A.before B.before ..." */
    int rewrite;                     /* before_send: replace the user's text */
    int set_header;                  /* on_request: X-Spy: <name> */
    int drop_usage;                  /* on_event: drop usage events */
    const char *swap_hello;          /* on_event: "Hello" deltas become this */
    int answer;                      /* before_send: answer with answer_body */
    const char *answer_body;
    int error_rounds;                /* on_error: go again this many times */
    int error_answer;                /* on_error: answer with answer_body */
    int64_t error_wait;
    ailib_result refuse;             /* before_send returns it */
    /* seen */
    int events, attempts_seen[8], statuses[8], n_attempts, errors, dones;
    ailib_result done_result;
    char done_source[32];
    int saw_key;                     /* the endpoint showed a key */
    int last_attempt, last_fallbacks, saw_stream;
    char model[64], provider[32];
} spy;

static void spy_note(spy *s, const char *what) {
    size_t l = strlen(s->trace);
    snprintf(s->trace + l, 1024 - l, "%s%s.%s", l ? " " : "", s->name, what);
}

static const char openai_reply[] = "{\"id\":\"chatcmpl-canned\",\"object\":\"chat.completion\",\"model\":\"canned-model\",\"choices\":"
    "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"From memory\"},\"finish_reason\":\"stop\"}],"
    "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";
static const char openai_sse[] = "data: {\"id\":\"c1\",\"model\":\"canned-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"From\"}}]}\n\n"
    "data: {\"id\":\"c1\",\"model\":\"canned-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" memory\"},\"finish_reason\":\"stop\"}]}\n\n"
    "data: [DONE]\n\n";

static ailib_result spy_before(void *user, ailib_hook_info *info, ailib_request *req, ailib_error *err) {
    spy *s = (spy *)user;
    spy_note(s, "before");
    s->saw_key |= info->endpoint->api_key != NULL;
    s->last_attempt = info->attempt;
    s->saw_stream = info->stream;
    snprintf(s->model, sizeof s->model, "%s", info->model);
    snprintf(s->provider, sizeof s->provider, "%s", info->endpoint->provider->name);
    if (s->refuse != AILIB_OK) { snprintf(err->message, sizeof err->message, "budget says no"); return s->refuse; }
    if (s->rewrite) {
        ailib_message *m = (ailib_message *)ailib_intercept_alloc(info, sizeof *m);
        *m = req->messages[0];
        m->text = ailib_intercept_strdup(info, "rewritten by the spy");
        req->messages = m;
    }
    if (s->answer) {
        const char *b = s->answer_body ? s->answer_body : info->stream ? openai_sse : openai_reply;
        return ailib_intercept_answer(info, 200, info->stream ? "Content-Type: text/event-stream\n" : "Content-Type: application/json\n",
                                      b, strlen(b), err);
    }
    return AILIB_OK;
}

static ailib_result spy_request(void *user, ailib_hook_info *info, const ailib_wire_request *wr, ailib_error *err) {
    spy *s = (spy *)user;
    (void)wr;
    spy_note(s, "request");
    if (s->set_header) return ailib_intercept_set_header(info, "X-Spy", s->name, err);
    return AILIB_OK;
}

static int spy_event(void *user, ailib_hook_info *info, ailib_event *ev) {
    spy *s = (spy *)user;
    (void)info;
    if (s->events++ == 0) spy_note(s, "event");
    if (ev->type == AILIB_EVENT_USAGE) spy_note(s, "usage");
    if (s->drop_usage && ev->type == AILIB_EVENT_USAGE) return 1;
    if (s->swap_hello && ev->type == AILIB_EVENT_TEXT_DELTA && ev->text_len == 5 && memcmp(ev->text, "Hello", 5) == 0) {
        ev->text = s->swap_hello;
        ev->text_len = strlen(s->swap_hello);
    }
    return 0;
}

static void spy_attempt(void *user, ailib_hook_info *info, int status, const ailib_error *err) {
    spy *s = (spy *)user;
    (void)err;
    spy_note(s, "attempt");
    if (s->n_attempts < 8) { s->attempts_seen[s->n_attempts] = info->attempt; s->statuses[s->n_attempts] = status; s->n_attempts++; }
}

static int spy_error(void *user, ailib_hook_info *info, const ailib_error *err, int64_t *wait_ms) {
    spy *s = (spy *)user;
    (void)err;
    spy_note(s, "error");
    s->errors++;
    if (s->error_answer) {
        const char *b = info->stream ? openai_sse : openai_reply;
        ailib_intercept_answer(info, 200, info->stream ? "Content-Type: text/event-stream\n" : NULL, b, strlen(b), NULL);
        return 1;
    }
    if (s->error_rounds > 0) { s->error_rounds--; *wait_ms = s->error_wait; return 1; }
    return 0;
}

static void spy_done(void *user, ailib_hook_info *info, ailib_result result, const ailib_response *resp, const ailib_error *err) {
    spy *s = (spy *)user;
    (void)resp; (void)err;
    spy_note(s, "done");
    s->dones++;
    s->done_result = result;
    s->last_attempt = info->attempt;
    s->last_fallbacks = info->fallbacks;
    snprintf(s->done_source, sizeof s->done_source, "%s", info->source ? info->source : "network");
}

static ailib_interceptor spy_ic(spy *s) {
    ailib_interceptor ic;
    memset(&ic, 0, sizeof ic);
    ic.name = s->name;
    ic.user = s;
    ic.before_send = spy_before;
    ic.on_request = spy_request;
    ic.on_event = spy_event;
    ic.on_attempt = spy_attempt;
    ic.on_error = spy_error;
    ic.on_done = spy_done;
    return ic;
}

static void add_spy(ailib_client *c, spy *s) {
    ailib_interceptor ic = spy_ic(s);
    ailib_error err;
    if (ailib_client_add_interceptor(c, &ic, &err) != AILIB_OK) ailib_test_fail(__FILE__, __LINE__, "add: %s", err.message);
}

/* The last request the shared mock saw, and one of its headers (lower-case name). */
static char *last_header(const char *lower_name) {
    int status = 0;
    char *body = mock_http(mock_shared(), "GET", "/_mock/last_request", &status), *out = NULL;
    ailib_json_doc *d = NULL;
    const char *v;
    if (body && ailib_json_parse(body, strlen(body), NULL, &d, NULL) == AILIB_OK &&
        (v = ailib_json_str(ailib_json_get(ailib_json_get(ailib_json_doc_root(d), "headers"), lower_name), NULL)) != NULL)
        out = strdup(v);
    ailib_json_doc_destroy(d);
    free(body);
    return out;
}

/* --- the chain ------------------------------------------------------------------------------- */

static void chain_order_unary(void) {
    char trace[1024] = "";
    spy a, b;
    ailib_client *c = mclient("times=50,retry_after_ms=11");
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "original text");
    ailib_response *r = NULL;
    ailib_error err;
    char *h;
    memset(&a, 0, sizeof a); memset(&b, 0, sizeof b);
    a.name = "A"; a.trace = trace; a.rewrite = 1;
    b.name = "B"; b.trace = trace; b.set_header = 1;
    ASSERT_TRUE(c != NULL);
    add_spy(c, &a);
    add_spy(c, &b);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    /* out first to last, back last to first */
    EXPECT_STR_EQ(trace, "A.before B.before A.request B.request B.attempt A.attempt B.done A.done");
    /* A's rewrite reached the wire, B's header too */
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: rewritten by the spy");
    h = last_header("x-spy");
    EXPECT_STR_EQ(h, "B");
    free(h);
    /* what the hooks were told */
    EXPECT_FALSE(a.saw_key || b.saw_key);
    EXPECT_STR_EQ(a.model, "gpt-4o-mini");
    EXPECT_STR_EQ(a.provider, "openai");
    EXPECT_EQ(b.n_attempts, 1);
    EXPECT_EQ(b.attempts_seen[0], 1);
    EXPECT_EQ(b.statuses[0], 200);
    EXPECT_EQ(a.done_result, AILIB_OK);
    EXPECT_STR_EQ(a.done_source, "network");
    EXPECT_EQ(a.saw_stream, 0);
    EXPECT_STR_EQ(msg.text, "original text");                 /* the caller's request is untouched */
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

static void chain_order_stream(void) {
    char trace[1024] = "";
    spy a, b;
    ailib_client *c = mclient(NULL);
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "stream please");
    ailib_response *r = NULL;
    ailib_error err;
    evlog got;
    memset(&a, 0, sizeof a); memset(&b, 0, sizeof b); memset(&got, 0, sizeof got);
    a.name = "A"; a.trace = trace;
    b.name = "B"; b.trace = trace; b.drop_usage = 1; b.swap_hello = "Howdy";
    ASSERT_TRUE(c != NULL);
    add_spy(c, &a);
    add_spy(c, &b);
    ASSERT_EQ(ailib_chat_stream(c, &req, on_evlog, &got, &r, &err), AILIB_OK);
    /* events go B then A; B dropped the usage event, so A never saw it and neither did we */
    EXPECT_STR_EQ(trace, "A.before B.before A.request B.request B.event A.event B.usage B.attempt A.attempt B.done A.done");
    EXPECT_EQ(got.usages, 0);
    EXPECT_EQ(got.finishes, 1);
    EXPECT_TRUE(strncmp(got.s, "1|0|0|Howdy|", 12) == 0);      /* B changed the first delta for those after it */
    /* the accumulated response keeps what the provider sent */
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: stream please");
    EXPECT_GT(ailib_response_usage(r)->output_tokens, 0);
    EXPECT_EQ(a.saw_stream, 1);
    EXPECT_EQ(a.events, b.events - 1);
    ailib_response_destroy(r);
    evlog_free(&got);
    ailib_client_destroy(c);
}

/* An answer from before_send: nothing goes out, later interceptors do not see the request,
   every one sees the reply (its source named), and a stream is decoded as one. */
static void chain_answer_without_network(void) {
    const char *spec = "times=50,retry_after_ms=12";
    char trace[1024] = "";
    spy a, b;
    ailib_client *c = mclient(spec);
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "anything");
    ailib_response *r = NULL;
    ailib_error err;
    evlog got;
    long before = mock_count(replay_need_mock(), spec);
    memset(&a, 0, sizeof a); memset(&b, 0, sizeof b); memset(&got, 0, sizeof got);
    a.name = "canned"; a.trace = trace; a.answer = 1;
    b.name = "B"; b.trace = trace;
    ASSERT_TRUE(c != NULL);
    add_spy(c, &a);
    add_spy(c, &b);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "From memory");
    EXPECT_STR_EQ(ailib_response_model(r), "canned-model");
    EXPECT_STR_EQ(trace, "canned.before B.attempt canned.attempt B.done canned.done");
    EXPECT_STR_EQ(b.done_source, "canned");
    ailib_response_destroy(r);
    trace[0] = 0;
    ASSERT_EQ(ailib_chat_stream(c, &req, on_evlog, &got, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "From memory");
    EXPECT_TRUE(strncmp(got.s, "1|0|0|From||\n1|0|0| memory||\n", 28) == 0);
    EXPECT_EQ(got.finishes, 1);
    EXPECT_EQ(mock_count(replay_need_mock(), spec) - before, 0);
    ailib_response_destroy(r);
    evlog_free(&got);
    ailib_client_destroy(c);
}

/* A refusal: the code and message reach the caller, nothing is sent, on_done still runs. */
static void chain_refuse(void) {
    const char *spec = "times=50,retry_after_ms=13";
    char trace[1024] = "";
    spy a, b;
    ailib_client *c = mclient(spec);
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "x");
    ailib_response *r = NULL;
    ailib_error err;
    ailib_call *call = NULL;
    long before = mock_count(replay_need_mock(), spec);
    memset(&a, 0, sizeof a); memset(&b, 0, sizeof b);
    a.name = "A"; a.trace = trace;
    b.name = "budget"; b.trace = trace; b.refuse = AILIB_QUOTA_EXCEEDED;
    ASSERT_TRUE(c != NULL);
    add_spy(c, &a);
    add_spy(c, &b);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_QUOTA_EXCEEDED);
    EXPECT_STR_EQ(err.message, "budget says no");
    EXPECT_EQ(err.code, AILIB_QUOTA_EXCEEDED);
    EXPECT_TRUE(r == NULL);
    EXPECT_STR_EQ(trace, "A.before budget.before budget.done A.done");
    EXPECT_EQ(a.done_result, AILIB_QUOTA_EXCEEDED);
    EXPECT_EQ(ailib_chat_start(c, &req, NULL, &call, &err), AILIB_QUOTA_EXCEEDED);
    EXPECT_TRUE(call == NULL);
    EXPECT_EQ(mock_count(replay_need_mock(), spec) - before, 0);
    ailib_client_destroy(c);
}

/* on_error: go again (after a wait), turn the error into an answer, and the bound. */
static void chain_on_error(void) {
    char trace[1024] = "";
    spy a;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "x");
    ailib_response *r = NULL;
    ailib_error err;
    const char *once = "status=400,times=1,retry_after_ms=14", *always = "status=400,retry_after_ms=15";
    long before;
    /* a 400 is not retried by the engine; on_error sends it round again and the second is fine */
    memset(&a, 0, sizeof a);
    a.name = "A"; a.trace = trace; a.error_rounds = 1; a.error_wait = 20;
    ASSERT_TRUE((c = mclient(once)) != NULL);
    add_spy(c, &a);
    before = mock_count(replay_need_mock(), once);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(trace, "A.before A.request A.attempt A.error A.before A.request A.attempt A.done");
    EXPECT_EQ(a.last_fallbacks, 1);
    EXPECT_EQ(a.statuses[0], 400);
    EXPECT_EQ(a.statuses[1], 200);
    EXPECT_EQ(mock_count(replay_need_mock(), once) - before, 2);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    /* an answer from on_error replaces the failure, unary and streamed */
    memset(&a, 0, sizeof a);
    trace[0] = 0;
    a.name = "A"; a.trace = trace; a.error_answer = 1;
    ASSERT_TRUE((c = mclient(always)) != NULL);
    add_spy(c, &a);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "From memory");
    EXPECT_STR_EQ(a.done_source, "A");
    ailib_response_destroy(r);
    EXPECT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "From memory");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    /* a hook that always says "again" is stopped after 16 rounds with the real error */
    memset(&a, 0, sizeof a);
    trace[0] = 0;
    a.name = "A"; a.trace = trace; a.error_rounds = 1000;
    ASSERT_TRUE((c = mclient(always)) != NULL);
    add_spy(c, &a);
    before = mock_count(replay_need_mock(), always);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_INVALID_REQUEST);
    EXPECT_EQ(err.http_status, 400);
    EXPECT_EQ(a.errors, 16);
    EXPECT_EQ(mock_count(replay_need_mock(), always) - before, 17);
    ailib_client_destroy(c);
}

/* The engine's retries are attempts 1, 2, 3 for every hook; before_send runs once. */
static void chain_attempts(void) {
    char trace[1024] = "";
    spy a;
    ailib_client *c = mclient("status=503,times=2,retry_after_ms=1");
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "x");
    ailib_response *r = NULL;
    ailib_error err;
    memset(&a, 0, sizeof a);
    a.name = "A"; a.trace = trace;
    ASSERT_TRUE(c != NULL);
    add_spy(c, &a);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_EQ(a.n_attempts, 3);
    EXPECT_EQ(a.attempts_seen[0], 1); EXPECT_EQ(a.statuses[0], 503);
    EXPECT_EQ(a.attempts_seen[1], 2); EXPECT_EQ(a.statuses[1], 503);
    EXPECT_EQ(a.attempts_seen[2], 3); EXPECT_EQ(a.statuses[2], 200);
    EXPECT_EQ(a.last_attempt, 3);
    EXPECT_STR_EQ(trace, "A.before A.request A.attempt A.attempt A.attempt A.done");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

static ailib_result set_auth(void *user, ailib_hook_info *info, const ailib_wire_request *wr, ailib_error *err) {
    (void)user; (void)wr;
    return ailib_intercept_set_header(info, "Authorization", "Bearer from-the-interceptor", err);
}

static ailib_result bad_answer_place(void *user, ailib_hook_info *info, ailib_event *ev) {
    (void)user; (void)ev;
    return ailib_intercept_answer(info, 200, NULL, "{}", 2, NULL);
}

static int answer_from_event(void *user, ailib_hook_info *info, ailib_event *ev) {
    ailib_result *r = (ailib_result *)user;
    *r = bad_answer_place(NULL, info, ev);
    return 0;
}

static void spy_done_noop(void *user, ailib_hook_info *info, ailib_result r, const ailib_response *resp, const ailib_error *err) {
    (void)user; (void)info; (void)r; (void)resp; (void)err;
}

/* Interceptors may set credential headers; the helpers refuse the wrong place; nothing is
   added while calls run. */
static void chain_rules(void) {
    ailib_client *c = mclient(NULL);
    ailib_interceptor ic;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "x");
    ailib_response *r = NULL;
    ailib_error err;
    ailib_call *call = NULL;
    ailib_result in_event = AILIB_OK;
    char *h;
    int i;
    ASSERT_TRUE(c != NULL);
    memset(&ic, 0, sizeof ic);
    ic.on_request = set_auth;
    EXPECT_EQ(ailib_client_add_interceptor(c, &ic, &err), AILIB_OK);
    memset(&ic, 0, sizeof ic);
    ic.on_event = answer_from_event;
    ic.user = &in_event;
    EXPECT_EQ(ailib_client_add_interceptor(c, &ic, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    h = last_header("authorization");
    EXPECT_STR_EQ(h, "Bearer from-the-interceptor");
    free(h);
    EXPECT_EQ(in_event, AILIB_INVALID_ARGUMENT);
    /* not while a call runs */
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &call, &err), AILIB_OK);
    memset(&ic, 0, sizeof ic);
    EXPECT_EQ(ailib_client_add_interceptor(c, &ic, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "calls running") != NULL);
    while (!ailib_call_done(call)) ailib_client_poll(c, 100);
    /* a call that is over but not finished yet does not hold the chain back (nor break on it) */
    ic.on_done = spy_done_noop;
    EXPECT_EQ(ailib_client_add_interceptor(c, &ic, &err), AILIB_OK);
    ailib_call_finish(call, NULL, NULL);
    /* at most 16 */
    for (i = 3; i < 16; i++) EXPECT_EQ(ailib_client_add_interceptor(c, &ic, &err), AILIB_OK);
    EXPECT_EQ(ailib_client_add_interceptor(c, &ic, &err), AILIB_INVALID_ARGUMENT);
    ailib_client_destroy(c);
}

/* A chain on a client does not let a request name another provider (as without one). */
static void chain_keeps_provider_check(void) {
    ailib_client *c = mclient(NULL);
    spy a;
    char trace[1024] = "";
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "x");
    ailib_response *r = NULL;
    ailib_error err;
    memset(&a, 0, sizeof a);
    a.name = "A"; a.trace = trace;
    ASSERT_TRUE(c != NULL);
    add_spy(c, &a);
    req.model = "anthropic/claude-haiku-5-5";
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "create a client for that provider") != NULL);
    ailib_client_destroy(c);
}

/* --- the request log ---------------------------------------------------------------------------- */

static int count_lines_with(const char *text, const char *a, const char *b) {
    int n = 0;
    const char *p = text;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[8192];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
        if (strstr(line, a) && (!b || strstr(line, b))) n++;
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

static void logger_lines_and_redaction(void) {
    static const ailib_http_header gw[] = { { "X-Gateway-Key", SECRET_GW }, { "X-Title", "log test" } };
    char path[256], spec[512];
    ailib_client_desc d;
    ailib_logger_desc ld;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "Private prompt words");
    ailib_response *r = NULL;
    ailib_error err;
    char *text, *p;
    int lines = 0;
    tmp_path(path, sizeof path, "log.jsonl");
    /* the mock echoes the key: in a response header, and in a 401 body */
    snprintf(spec, sizeof spec, "status=401,times=1,header=x-echo:%s,body=%%7B%%22error%%22%%3A%%7B%%22message%%22%%3A%%22bad%%20key%%20%s%%22%%7D%%7D",
             SECRET_KEY, SECRET_KEY);
    memset(&d, 0, sizeof d);
    d.headers = gw;
    d.header_count = 2;
    ASSERT_TRUE((c = client_at(replay_need_mock(), spec, "openai/gpt-4o-mini", &d)) != NULL);
    memset(&ld, 0, sizeof ld);
    ld.path = path;
    ASSERT_EQ(ailib_client_add_logger(c, &ld, &err), AILIB_OK);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_AUTH);
    EXPECT_TRUE(strstr(err.message, "SECRETKEY") == NULL);
    EXPECT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    ASSERT_TRUE((text = slurp(path, NULL)) != NULL);
    EXPECT_TRUE(strstr(text, "SECRET") == NULL);               /* neither the key nor the gateway's */
    EXPECT_TRUE(strstr(text, "Private prompt") == NULL);       /* bodies are off */
    EXPECT_TRUE(strstr(text, "Hello from ailib-mock") == NULL);
    EXPECT_EQ(count_lines_with(text, "\"event\":\"request\"", "\"Authorization\":\"***\""), 2);
    EXPECT_EQ(count_lines_with(text, "\"event\":\"request\"", "\"X-Gateway-Key\":\"***\""), 2);
    EXPECT_EQ(count_lines_with(text, "\"event\":\"request\"", "\"X-Title\":\"log test\""), 2);
    EXPECT_EQ(count_lines_with(text, "\"event\":\"attempt\"", "\"status\":401"), 1);
    EXPECT_EQ(count_lines_with(text, "\"event\":\"done\"", "\"result\":\"AILIB_AUTH\""), 1);
    EXPECT_EQ(count_lines_with(text, "\"event\":\"done\"", "\"result\":\"AILIB_OK\""), 1);
    EXPECT_EQ(count_lines_with(text, "\"call\":2", NULL), 3);
    for (p = text; *p; p++) lines += *p == '\n';
    EXPECT_EQ(lines, 6);
    /* every line is one JSON object */
    for (p = text; *p;) {
        char *nl = strchr(p, '\n');
        ailib_json_doc *doc = NULL;
        ASSERT_TRUE(nl != NULL);
        EXPECT_EQ(ailib_json_parse(p, (size_t)(nl - p), NULL, &doc, NULL), AILIB_OK);
        EXPECT_TRUE(ailib_json_get(ailib_json_doc_root(doc), "ts") != NULL);
        ailib_json_doc_destroy(doc);
        p = nl + 1;
    }
    free(text);
    remove(path);
}

typedef struct linebuf { char s[65536]; size_t len; int lines; } linebuf;
static void to_linebuf(void *user, const char *line, size_t len) {
    linebuf *b = (linebuf *)user;
    if (b->len + len < sizeof b->s) { memcpy(b->s + b->len, line, len); b->len += len; b->s[b->len] = 0; }
    b->lines++;
}

static void logger_bodies_and_events(void) {
    ailib_client *c = mclient(NULL);
    ailib_logger_desc ld;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "Visible prompt words");
    ailib_response *r = NULL;
    ailib_error err;
    linebuf *b = (linebuf *)calloc(1, sizeof *b);
    ASSERT_TRUE(c != NULL);
    memset(&ld, 0, sizeof ld);
    ld.write = to_linebuf;
    ld.user = b;
    ld.bodies = 1;
    ld.events = 1;
    ASSERT_EQ(ailib_client_add_logger(c, &ld, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    EXPECT_EQ(count_lines_with(b->s, "\"event\":\"request\"", "\"content\":\"Visible prompt words\""), 1);
    EXPECT_EQ(count_lines_with(b->s, "\"event\":\"done\"", "\"answer\":\"Hello from ailib-mock. You said: Visible prompt words\""), 1);
    EXPECT_EQ(count_lines_with(b->s, "\"event\":\"stream\"", "\"type\":\"text_delta\""), 8);
    EXPECT_EQ(count_lines_with(b->s, "\"event\":\"stream\"", "\"text\":\"Hello\""), 1);
    EXPECT_TRUE(strstr(b->s, "SECRETKEY") == NULL);
    free(b);
    memset(&ld, 0, sizeof ld);
    ASSERT_TRUE((c = mclient(NULL)) != NULL);
    EXPECT_EQ(ailib_client_add_logger(c, &ld, &err), AILIB_INVALID_ARGUMENT);
    ld.path = "/nonexistent-dir-ailib/log.jsonl";
    EXPECT_EQ(ailib_client_add_logger(c, &ld, &err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "/nonexistent-dir-ailib/log.jsonl") != NULL);
    ailib_client_destroy(c);
}

/* --- the cache ---------------------------------------------------------------------------------- */

static void cache_hits_unary_and_stream(void) {
    const char *spec = "times=50,retry_after_ms=21";
    ailib_cache *k = ailib_cache_create(NULL, NULL);
    ailib_client *c = mclient(spec);
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "cache me");
    ailib_response *r1 = NULL, *r2 = NULL;
    ailib_error err;
    ailib_cache_stats st;
    evlog e1, e2;
    char s1[2048], s2[2048];
    spy a;
    char trace[1024] = "";
    long before = mock_count(replay_need_mock(), spec);
    memset(&e1, 0, sizeof e1); memset(&e2, 0, sizeof e2); memset(&a, 0, sizeof a);
    a.name = "outer"; a.trace = trace;
    ASSERT_TRUE(c != NULL && k != NULL);
    add_spy(c, &a);
    ASSERT_EQ(ailib_client_add_cache(c, k, &err), AILIB_OK);
    ailib_cache_destroy(k);                   /* the client keeps it alive */
    /* unary: miss, then hit */
    ASSERT_EQ(ailib_chat(c, &req, &r1, &err), AILIB_OK);
    EXPECT_STR_EQ(a.done_source, "network");
    ASSERT_EQ(ailib_chat(c, &req, &r2, &err), AILIB_OK);
    EXPECT_STR_EQ(a.done_source, "cache");
    resp_sig(r1, s1, sizeof s1);
    resp_sig(r2, s2, sizeof s2);
    EXPECT_STR_EQ(s2, s1);
    EXPECT_EQ(mock_count(replay_need_mock(), spec) - before, 1);
    ailib_response_destroy(r1); ailib_response_destroy(r2);
    /* streamed: cached apart from the unary answer, and replayed as the very same events */
    ASSERT_EQ(ailib_chat_stream(c, &req, on_evlog, &e1, &r1, &err), AILIB_OK);
    EXPECT_EQ(mock_count(replay_need_mock(), spec) - before, 2);
    ASSERT_EQ(ailib_chat_stream(c, &req, on_evlog, &e2, &r2, &err), AILIB_OK);
    EXPECT_EQ(mock_count(replay_need_mock(), spec) - before, 2);
    EXPECT_STR_EQ(a.done_source, "cache");
    EXPECT_GT(e1.n, 5);
    EXPECT_EQ(e2.n, e1.n);
    EXPECT_STR_EQ(e2.s, e1.s);
    resp_sig(r1, s1, sizeof s1);
    resp_sig(r2, s2, sizeof s2);
    EXPECT_STR_EQ(s2, s1);
    ailib_response_destroy(r1); ailib_response_destroy(r2);
    /* a field that changes the answer is another key */
    req.temperature = ailib_set(0.5);
    ASSERT_EQ(ailib_chat(c, &req, &r1, &err), AILIB_OK);
    EXPECT_EQ(mock_count(replay_need_mock(), spec) - before, 3);
    ailib_response_destroy(r1);
    ailib_cache_get_stats(k, &st);
    EXPECT_EQ(st.hits, 2);
    EXPECT_EQ(st.misses, 3);
    EXPECT_EQ(st.stores, 3);
    EXPECT_EQ(st.entries, 3);
    evlog_free(&e1); evlog_free(&e2);
    ailib_client_destroy(c);
}

/* A tool-call stream and a reasoning stream from the cache: identical events too. */
static void cache_stream_tools_and_reasoning(void) {
    static const ailib_tool tool = { "get_weather", "Weather", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}", 0, AILIB_TOOL_FUNCTION, NULL };
    static const char *specs[] = { "scenario=tool", "scenario=reasoning" };
    static const char *models[] = { "openai/gpt-4o-mini", "anthropic/claude-haiku-5-5" };
    size_t i, j;
    for (i = 0; i < 2; i++) for (j = 0; j < 2; j++) {
        ailib_cache *k = ailib_cache_create(NULL, NULL);
        ailib_client *c = client_at(replay_need_mock(), specs[i], models[j], NULL);
        ailib_message msg;
        ailib_request req = replay_one_message(&msg, "Weather in Paris?");
        ailib_response *r1 = NULL, *r2 = NULL;
        ailib_error err;
        evlog e1, e2;
        char s1[4096], s2[4096];
        memset(&e1, 0, sizeof e1); memset(&e2, 0, sizeof e2);
        ASSERT_TRUE(c != NULL);
        req.tools = &tool;
        req.tool_count = i == 0;
        ASSERT_EQ(ailib_client_add_cache(c, k, &err), AILIB_OK);
        ASSERT_EQ(ailib_chat_stream(c, &req, on_evlog, &e1, &r1, &err), AILIB_OK);
        ASSERT_EQ(ailib_chat_stream(c, &req, on_evlog, &e2, &r2, &err), AILIB_OK);
        EXPECT_STR_EQ(e2.s, e1.s);
        resp_sig(r1, s1, sizeof s1);
        resp_sig(r2, s2, sizeof s2);
        EXPECT_STR_EQ(s2, s1);
        if (i == 0) EXPECT_EQ(ailib_response_tool_call_count(r2), 1);
        else EXPECT_TRUE(ailib_response_reasoning(r2, NULL)[0] != 0);
        ailib_response_destroy(r1); ailib_response_destroy(r2);
        evlog_free(&e1); evlog_free(&e2);
        ailib_client_destroy(c);
        ailib_cache_destroy(k);
    }
}

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

static void cache_ttl_bound_and_errors(void) {
    const char *spec = "times=100,retry_after_ms=22", *bad = "status=500,retry_after_ms=23";
    ailib_cache_desc cd;
    ailib_cache *k;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "ttl");
    ailib_response *r = NULL;
    ailib_error err;
    ailib_cache_stats st;
    ailib_client_desc d;
    long before = mock_count(replay_need_mock(), spec);
    char text[32];
    int i;
    memset(&cd, 0, sizeof cd);
    cd.ttl_ms = 500;
    cd.max_bytes = 6000;                        /* room for a few small answers, not many */
    ASSERT_TRUE((k = ailib_cache_create(&cd, &err)) != NULL);
    ASSERT_TRUE((c = mclient(spec)) != NULL);
    ASSERT_EQ(ailib_client_add_cache(c, k, &err), AILIB_OK);
    EXPECT_EQ(ailib_client_add_cache(c, k, &err), AILIB_INVALID_ARGUMENT);   /* one per client */
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK); ailib_response_destroy(r);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK); ailib_response_destroy(r);
    EXPECT_EQ(mock_count(replay_need_mock(), spec) - before, 1);
    sleep_ms(600);                              /* older than the TTL: asked again */
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK); ailib_response_destroy(r);
    EXPECT_EQ(mock_count(replay_need_mock(), spec) - before, 2);
    ailib_cache_get_stats(k, &st);
    EXPECT_EQ(st.expirations, 1);
    /* the size bound: old entries go first */
    for (i = 0; i < 20; i++) {
        snprintf(text, sizeof text, "bound %d", i);
        msg.text = text;
        ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
        ailib_response_destroy(r);
    }
    ailib_cache_get_stats(k, &st);
    EXPECT_LE(st.bytes, 6000);
    EXPECT_GT(st.evictions, 0);
    EXPECT_GT(st.entries, 0);
    ailib_client_destroy(c);
    /* failures are not kept */
    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    ailib_cache_clear(k);
    ASSERT_TRUE((c = client_at(replay_need_mock(), bad, "openai/gpt-4o-mini", &d)) != NULL);
    ASSERT_EQ(ailib_client_add_cache(c, k, &err), AILIB_OK);
    before = mock_count(replay_need_mock(), bad);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_SERVER);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_SERVER);
    EXPECT_EQ(mock_count(replay_need_mock(), bad) - before, 2);
    ailib_cache_get_stats(k, &st);
    EXPECT_EQ(st.entries, 0);
    ailib_client_destroy(c);
    ailib_cache_destroy(k);
}

/* --- cassettes ---------------------------------------------------------------------------------- */

typedef struct run_out { evlog ev; char sig[4096]; ailib_result rc; char msg[600]; } run_out;

/* One conversation of an application: a unary question, a streamed one, a tool call streamed. */
static void app_run(ailib_client *c, run_out out[3]) {
    static const ailib_tool tool = { "get_weather", "Weather", NULL, 0, AILIB_TOOL_FUNCTION, NULL };
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "What is a cassette?");
    ailib_response *r = NULL;
    ailib_error err;
    int i;
    for (i = 0; i < 3; i++) {
        memset(&out[i], 0, sizeof out[i]);
        if (i == 2) { req.tools = &tool; req.tool_count = 1; msg.text = "Weather in Paris?"; }
        out[i].rc = i == 0 ? ailib_chat(c, &req, &r, &err) : ailib_chat_stream(c, &req, on_evlog, &out[i].ev, &r, &err);
        if (r) resp_sig(r, out[i].sig, sizeof out[i].sig);
        if (out[i].rc != AILIB_OK) snprintf(out[i].msg, sizeof out[i].msg, "%s", err.message);
        ailib_response_destroy(r);
        r = NULL;
    }
}

static ailib_cassette *cas_open(const char *path, ailib_cassette_mode mode, double pace) {
    ailib_cassette_desc cd;
    ailib_error err;
    ailib_cassette *cas;
    memset(&cd, 0, sizeof cd);
    cd.mode = mode;
    cd.pace = pace;
    cas = ailib_cassette_open(path, &cd, &err);
    if (!cas) ailib_test_fail(__FILE__, __LINE__, "cassette_open: %s", err.message);
    return cas;
}

/* The acceptance test: record from a mock of our own, stop it, replay: same events, same
   responses, no key in the file; the replay even goes to another port (the host is not
   matched). The mock splits the tool call's arguments and writes the stream byte by byte. */
static void cassette_record_then_replay_offline(void) {
    static const ailib_http_header gw[] = { { "X-Gateway-Key", SECRET_GW } };
    mock_server own;
    char path[256];
    ailib_cassette *cas;
    ailib_client *c;
    ailib_client_desc d;
    ailib_cassette_stats st;
    ailib_error err;
    run_out live[3], again[3];
    char *file;
    int i;
    tmp_path(path, sizeof path, "offline.cassette");
    ASSERT_TRUE(mock_start(&own, NULL));
    memset(&d, 0, sizeof d);
    d.headers = gw;
    d.header_count = 1;
    ASSERT_TRUE((cas = cas_open(path, AILIB_CASSETTE_RECORD, 0)) != NULL);
    ASSERT_TRUE((c = client_at(&own, "scenario=tool,bytewise=1", "openai/gpt-4o-mini", &d)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    app_run(c, live);
    ailib_client_destroy(c);
    ailib_cassette_get_stats(cas, &st);
    EXPECT_EQ(st.recorded, 3);
    EXPECT_EQ(ailib_cassette_close(cas, &err), AILIB_OK);
    mock_stop(&own);                                       /* no server from here on */
    for (i = 0; i < 3; i++) EXPECT_EQ(live[i].rc, AILIB_OK);
    EXPECT_GT(live[2].ev.n, 3);

    ASSERT_TRUE((file = slurp(path, NULL)) != NULL);
    EXPECT_TRUE(strstr(file, "SECRET") == NULL);
    EXPECT_TRUE(strstr(file, "\"Authorization\",\"***\"") != NULL);
    EXPECT_TRUE(strncmp(file, "{\"ailib_cassette\":1", 19) == 0);
    free(file);

    own.port += 1;                                         /* another address: only the path is matched */
    ASSERT_TRUE((cas = cas_open(path, AILIB_CASSETTE_REPLAY, 0)) != NULL);
    ASSERT_TRUE((c = client_at(&own, "scenario=tool,bytewise=1", "openai/gpt-4o-mini", &d)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    app_run(c, again);
    ailib_client_destroy(c);
    for (i = 0; i < 3; i++) {
        EXPECT_EQ(again[i].rc, AILIB_OK);
        if (again[i].rc != AILIB_OK) printf("    replay %d: %s\n", i, again[i].msg);
        EXPECT_STR_EQ(again[i].sig, live[i].sig);
        EXPECT_EQ(again[i].ev.n, live[i].ev.n);
        EXPECT_STR_EQ(again[i].ev.s ? again[i].ev.s : "", live[i].ev.s ? live[i].ev.s : "");
        evlog_free(&again[i].ev);
        evlog_free(&live[i].ev);
    }
    ailib_cassette_get_stats(cas, &st);
    EXPECT_EQ(st.played, 3);
    EXPECT_EQ(st.unplayed, 0);
    EXPECT_EQ(st.unmatched, 0);
    EXPECT_EQ(ailib_cassette_close(cas, &err), AILIB_OK);
    remove(path);
}

/* What does not match fails with AILIB_NOT_FOUND and says why. */
static void cassette_unmatched(void) {
    mock_server own;
    char path[256];
    ailib_cassette *cas;
    ailib_client *c;
    ailib_client_desc d;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "The recorded question");
    ailib_response *r = NULL;
    ailib_error err;
    ailib_cassette_stats st;
    ailib_embeddings *e = NULL;
    ailib_embed_request er;
    static const char *in[] = { "x" };
    tmp_path(path, sizeof path, "unmatched.cassette");
    ASSERT_TRUE(mock_start(&own, NULL));
    ASSERT_TRUE((cas = cas_open(path, AILIB_CASSETTE_RECORD, 0)) != NULL);
    ASSERT_TRUE((c = client_at(&own, NULL, "openai/gpt-4o-mini", NULL)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    ailib_cassette_close(cas, NULL);
    mock_stop(&own);

    memset(&d, 0, sizeof d);
    d.max_retries = 2;
    ASSERT_TRUE((cas = cas_open(path, AILIB_CASSETTE_REPLAY, 0)) != NULL);
    ASSERT_TRUE((c = client_at(&own, NULL, "openai/gpt-4o-mini", &d)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    /* another question: the closest recorded body and where it differs */
    msg.text = "The recorded questioN";
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_NOT_FOUND);
    EXPECT_TRUE(r == NULL);
    EXPECT_TRUE(strstr(err.message, "holds no reply for POST /v1/chat/completions") != NULL);
    EXPECT_TRUE(strstr(err.message, "differs from byte") != NULL);
    EXPECT_TRUE(strstr(err.message, "questioN") != NULL);
    EXPECT_TRUE(strstr(err.message, "AILIB_CASSETTE_RECORD_MISSING") != NULL);
    EXPECT_EQ(err.retryable, 0);
    /* the recorded one plays, once */
    msg.text = "The recorded question";
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: The recorded question");
    ailib_response_destroy(r);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_NOT_FOUND);
    EXPECT_TRUE(strstr(err.message, "played already") != NULL);
    /* another URL */
    memset(&er, 0, sizeof er);
    er.inputs = in;
    er.input_count = 1;
    er.model = "text-embedding-3-small";
    EXPECT_EQ(ailib_embed(c, &er, &e, &err), AILIB_NOT_FOUND);
    EXPECT_TRUE(strstr(err.message, "POST /v1/embeddings") != NULL && strstr(err.message, "goes to that URL") != NULL);
    ailib_cassette_get_stats(cas, &st);
    EXPECT_EQ(st.unmatched, 3);
    EXPECT_EQ(st.played, 1);
    ailib_client_destroy(c);
    ailib_cassette_close(cas, NULL);
    /* a missing file says how to make one */
    EXPECT_TRUE(ailib_cassette_open("/tmp/ailib-no-such.cassette", NULL, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_NOT_FOUND);
    EXPECT_TRUE(strstr(err.message, "record it first") != NULL);
    remove(path);
}

/* Record what is missing: one exchange replays, a new one goes out and is appended; the next
   run replays both with no network. Embeddings go through the cassette too. */
static void cassette_record_missing(void) {
    mock_server own;
    char path[256];
    ailib_cassette *cas;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "first");
    ailib_response *r = NULL;
    ailib_error err;
    ailib_cassette_stats st;
    ailib_embeddings *e = NULL;
    ailib_embed_request er;
    static const char *in[] = { "alpha", "beta" };
    float v0;
    tmp_path(path, sizeof path, "missing.cassette");
    memset(&er, 0, sizeof er);
    er.inputs = in;
    er.input_count = 2;
    er.model = "text-embedding-3-small";
    ASSERT_TRUE(mock_start(&own, NULL));
    ASSERT_TRUE((cas = cas_open(path, AILIB_CASSETTE_RECORD_MISSING, 0)) != NULL);   /* no file yet: empty */
    ASSERT_TRUE((c = client_at(&own, NULL, "openai/gpt-4o-mini", NULL)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    ailib_cassette_close(cas, NULL);
    EXPECT_EQ(mock_count(&own, ""), 1);

    ASSERT_TRUE((cas = cas_open(path, AILIB_CASSETTE_RECORD_MISSING, 0)) != NULL);
    ASSERT_TRUE((c = client_at(&own, NULL, "openai/gpt-4o-mini", NULL)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);        /* replayed */
    ailib_response_destroy(r);
    EXPECT_EQ(mock_count(&own, ""), 1);
    msg.text = "second";
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);        /* recorded */
    ailib_response_destroy(r);
    ASSERT_EQ(ailib_embed(c, &er, &e, &err), AILIB_OK);        /* recorded */
    v0 = ailib_embeddings_vector(e, 0, NULL)[0];
    ailib_embeddings_destroy(e);
    EXPECT_EQ(mock_count(&own, ""), 3);
    ailib_cassette_get_stats(cas, &st);
    EXPECT_EQ(st.played, 1);
    EXPECT_EQ(st.recorded, 2);
    EXPECT_EQ(st.exchanges, 3);
    ailib_client_destroy(c);
    ailib_cassette_close(cas, NULL);
    mock_stop(&own);

    ASSERT_TRUE((cas = cas_open(path, AILIB_CASSETTE_REPLAY, 0)) != NULL);
    ASSERT_TRUE((c = client_at(&own, NULL, "openai/gpt-4o-mini", NULL)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    msg.text = "first";
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    msg.text = "second";
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: second");
    ailib_response_destroy(r);
    ASSERT_EQ(ailib_embed(c, &er, &e, &err), AILIB_OK);
    EXPECT_EQ(ailib_embeddings_count(e), 2);
    EXPECT_DBL_EQ(ailib_embeddings_vector(e, 0, NULL)[0], v0);
    ailib_embeddings_destroy(e);
    ailib_cassette_get_stats(cas, &st);
    EXPECT_EQ(st.unplayed, 0);
    ailib_client_destroy(c);
    ailib_cassette_close(cas, NULL);
    remove(path);
}

/* Retries and failures are recorded as they happened and replayed as such: two 503s then a
   200 (three exchanges, the hooks see the same attempts), a stream cut by a reset, and a
   connection refused. */
static void cassette_retries_and_failures(void) {
    mock_server own;
    char path[256], base[256];
    ailib_cassette *cas;
    ailib_client *c;
    ailib_client_desc d;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "retry me");
    ailib_response *r = NULL;
    ailib_error err;
    ailib_cassette_stats st;
    spy a;
    char trace[1024] = "";
    int pass, statuses[2][3];
    ailib_result rc[2][3];
    char msgs[2][3][600];
    evlog ev[2];
    tmp_path(path, sizeof path, "retries.cassette");
    ASSERT_TRUE(mock_start(&own, NULL));
    memset(ev, 0, sizeof ev);
    for (pass = 0; pass < 2; pass++) {
        ASSERT_TRUE((cas = cas_open(path, pass ? AILIB_CASSETTE_REPLAY : AILIB_CASSETTE_RECORD, 0)) != NULL);
        memset(&a, 0, sizeof a);
        a.name = "A"; a.trace = trace;
        /* 1: two retryable failures, then the answer */
        memset(&d, 0, sizeof d);
        ASSERT_TRUE((c = client_at(&own, "status=503,times=2,retry_after_ms=1", "openai/gpt-4o-mini", &d)) != NULL);
        add_spy(c, &a);
        ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
        rc[pass][0] = ailib_chat(c, &req, &r, &err);
        ailib_response_destroy(r);
        statuses[pass][0] = a.statuses[0]; statuses[pass][1] = a.statuses[1]; statuses[pass][2] = a.statuses[2];
        EXPECT_EQ(a.n_attempts, 3);
        ailib_client_destroy(c);
        /* 2: a stream reset after some bytes, not retried once output was delivered */
        ASSERT_TRUE((c = client_at(&own, "reset_after=700", "openai/gpt-4o-mini", &d)) != NULL);
        ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
        rc[pass][1] = ailib_chat_stream(c, &req, on_evlog, &ev[pass], &r, &err);
        snprintf(msgs[pass][1], sizeof msgs[pass][1], "%s", err.message);
        ailib_response_destroy(r);
        ailib_client_destroy(c);
        /* 3: nobody listens on that port */
        d.max_retries = -1;
        d.model = "openai/gpt-4o-mini";
        snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", own.port + 7);
        d.base_url = base;
        d.api_key = SECRET_KEY;
        ASSERT_TRUE((c = ailib_client_create(&d, &err)) != NULL);
        ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
        rc[pass][2] = ailib_chat(c, &req, &r, &err);
        snprintf(msgs[pass][2], sizeof msgs[pass][2], "%s", err.message);
        ailib_client_destroy(c);
        ailib_cassette_get_stats(cas, &st);
        if (pass == 0) EXPECT_EQ(st.recorded, 5);
        else { EXPECT_EQ(st.played, 5); EXPECT_EQ(st.unplayed, 0); }
        ailib_cassette_close(cas, NULL);
        if (pass == 0) mock_stop(&own);
    }
    EXPECT_EQ(rc[0][0], AILIB_OK); EXPECT_EQ(rc[1][0], AILIB_OK);
    EXPECT_EQ(statuses[1][0], 503); EXPECT_EQ(statuses[1][1], 503); EXPECT_EQ(statuses[1][2], 200);
    EXPECT_EQ(statuses[0][0], statuses[1][0]);
    EXPECT_EQ(rc[0][1], AILIB_NETWORK); EXPECT_EQ(rc[1][1], rc[0][1]);
    EXPECT_STR_EQ(msgs[1][1], msgs[0][1]);
    EXPECT_STR_EQ(ev[1].s ? ev[1].s : "", ev[0].s ? ev[0].s : "");
    EXPECT_GT(ev[0].n, 0);
    EXPECT_EQ(rc[0][2], AILIB_NETWORK); EXPECT_EQ(rc[1][2], AILIB_NETWORK);
    EXPECT_STR_EQ(msgs[1][2], msgs[0][2]);
    evlog_free(&ev[0]); evlog_free(&ev[1]);
    remove(path);
}

/* With pace the chunks come at their recorded offsets (the events are the same); a call the
   engine timed out while recording is replayed up to there, left open, and times out again. */
static void cassette_pace_and_open_ends(void) {
    mock_server own;
    char path[256];
    ailib_cassette *cas;
    ailib_client *c;
    ailib_client_desc d;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "slowly now");
    ailib_response *r = NULL;
    ailib_error err;
    evlog e1, e2;
    char *file;
    ailib_result rc1, rc2;
    char m1[600], m2[600], t1[256];
    memset(&e1, 0, sizeof e1); memset(&e2, 0, sizeof e2);
    tmp_path(path, sizeof path, "pace.cassette");
    ASSERT_TRUE(mock_start(&own, NULL));
    ASSERT_TRUE((cas = cas_open(path, AILIB_CASSETTE_RECORD, 0)) != NULL);
    ASSERT_TRUE((c = client_at(&own, "chunk_delay_ms=15", "openai/gpt-4o-mini", NULL)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat_stream(c, &req, on_evlog, &e1, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    /* stalled after the first piece past the idle timeout: the engine stops it, nothing retried */
    memset(&d, 0, sizeof d);
    d.idle_timeout_ms = 150;
    ASSERT_TRUE((c = client_at(&own, "stall_ms=2000", "openai/gpt-4o-mini", &d)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    rc1 = ailib_chat_stream(c, &req, NULL, NULL, &r, &err);
    snprintf(m1, sizeof m1, "%s", err.message);
    snprintf(t1, sizeof t1, "%s", r ? ailib_response_text(r, NULL) : "(none)");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    ailib_cassette_close(cas, NULL);
    mock_stop(&own);
    EXPECT_EQ(rc1, AILIB_TIMEOUT);
    ASSERT_TRUE((file = slurp(path, NULL)) != NULL);
    EXPECT_TRUE(strstr(file, "\"end\":\"open\"") != NULL);
    EXPECT_TRUE(strstr(file, "\"chunks\":[[") != NULL);
    free(file);

    ASSERT_TRUE((cas = cas_open(path, AILIB_CASSETTE_REPLAY, 1.0)) != NULL);
    ASSERT_TRUE((c = client_at(&own, "chunk_delay_ms=15", "openai/gpt-4o-mini", NULL)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat_stream(c, &req, on_evlog, &e2, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(e2.s, e1.s);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    ASSERT_TRUE((c = client_at(&own, "stall_ms=2000", "openai/gpt-4o-mini", &d)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    rc2 = ailib_chat_stream(c, &req, NULL, NULL, &r, &err);
    snprintf(m2, sizeof m2, "%s", err.message);
    EXPECT_EQ(rc2, rc1);
    EXPECT_STR_EQ(m2, m1);
    EXPECT_STR_EQ(r ? ailib_response_text(r, NULL) : "(none)", t1);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    ailib_cassette_close(cas, NULL);
    evlog_free(&e1); evlog_free(&e2);
    remove(path);
}

/* A cassette in memory (no file): recorded, read back as text, replayed from the text. */
static void cassette_in_memory_and_bad_text(void) {
    ailib_cassette_desc cd;
    ailib_cassette *cas, *back;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "in memory");
    ailib_response *r = NULL;
    ailib_error err;
    const char *text;
    size_t len;
    char *copy;
    memset(&cd, 0, sizeof cd);
    cd.mode = AILIB_CASSETTE_RECORD;
    ASSERT_TRUE((cas = ailib_cassette_open(NULL, &cd, &err)) != NULL);
    ASSERT_TRUE((c = mclient(NULL)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
    EXPECT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_INVALID_ARGUMENT);   /* one per client */
    ASSERT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    ASSERT_TRUE((text = ailib_cassette_text(cas, &len)) != NULL);
    EXPECT_TRUE(strstr(text, "SECRETKEY") == NULL);
    copy = (char *)malloc(len + 1);
    memcpy(copy, text, len + 1);
    ailib_cassette_close(cas, NULL);
    memset(&cd, 0, sizeof cd);
    cd.text = copy;
    cd.text_len = len;
    ASSERT_TRUE((back = ailib_cassette_open(NULL, &cd, &err)) != NULL);
    ASSERT_TRUE((c = mclient(NULL)) != NULL);
    ASSERT_EQ(ailib_client_add_cassette(c, back, &err), AILIB_OK);
    EXPECT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: in memory");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    ailib_cassette_close(back, NULL);
    free(copy);
    /* broken cassettes name the line */
    cd.text = "{\"ailib_cassette\":1}\n# a comment\n{\"request\":{\"method\":\"POST\"},\"response\":{}}\n";
    cd.text_len = 0;
    EXPECT_TRUE(ailib_cassette_open(NULL, &cd, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(err.message, "line 3") && strstr(err.message, "request.url"));
    cd.text = "{\"ailib_cassette\":2}\n";
    EXPECT_TRUE(ailib_cassette_open(NULL, &cd, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "format") != NULL);
    cd.text = "not json\n";
    EXPECT_TRUE(ailib_cassette_open(NULL, &cd, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "line 1") && strstr(err.message, "not JSON"));
    cd.text = "{\"request\":{\"method\":\"POST\",\"url\":\"/x\"},\"response\":{\"status\":200,\"body\":\"abc\",\"chunks\":[[0,2]]}}";
    EXPECT_TRUE(ailib_cassette_open(NULL, &cd, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "last chunk") != NULL);
}

/* A cache above a replaying cassette keeps what the cassette played, as it keeps what the
   network gave: the second identical request is a cache hit in the replay as it was live. And
   a key too short to tell from text (4 bytes) is not cut out of the bodies it appears in. */
static void cassette_under_a_cache(void) {
    mock_server own;
    char path[256];
    ailib_client_desc d;
    ailib_cassette *cas;
    ailib_cache *k;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "cache over tape");
    ailib_response *r = NULL;
    ailib_error err;
    ailib_cache_stats st;
    ailib_cassette_stats cs;
    int pass, i;
    tmp_path(path, sizeof path, "cached.cassette");
    ASSERT_TRUE(mock_start(&own, NULL));
    memset(&d, 0, sizeof d);
    d.api_key = "mock";
    for (pass = 0; pass < 2; pass++) {
        ASSERT_TRUE((cas = cas_open(path, pass ? AILIB_CASSETTE_REPLAY : AILIB_CASSETTE_RECORD, 0)) != NULL);
        ASSERT_TRUE((k = ailib_cache_create(NULL, &err)) != NULL);
        ASSERT_TRUE((c = client_at(&own, NULL, "openai/gpt-4o-mini", &d)) != NULL);
        ASSERT_EQ(ailib_client_add_cache(c, k, &err), AILIB_OK);
        ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
        for (i = 0; i < 2; i++) {
            ASSERT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_OK);
            EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: cache over tape");
            ailib_response_destroy(r);
        }
        ailib_cache_get_stats(k, &st);
        EXPECT_EQ(st.hits, 1);
        ailib_cassette_get_stats(cas, &cs);
        EXPECT_EQ(pass ? cs.played : cs.recorded, 1);
        EXPECT_EQ(cs.unmatched, 0);
        ailib_client_destroy(c);
        ailib_cache_destroy(k);
        ailib_cassette_close(cas, NULL);
        if (pass == 0) mock_stop(&own);
    }
    remove(path);
}

static ailib_result refuse_request(void *user, ailib_hook_info *info, const ailib_wire_request *wr, ailib_error *err) {
    (void)user; (void)info; (void)wr;
    snprintf(err->message, sizeof err->message, "the request hook says no");
    return AILIB_UNSUPPORTED;
}

/* A refusal from on_request reaches the caller with its message (it once came back empty). */
static void chain_refuse_on_request(void) {
    ailib_client *c = mclient(NULL);
    ailib_interceptor ic;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "x");
    ailib_response *r = NULL;
    ailib_error err;
    ASSERT_TRUE(c != NULL);
    memset(&ic, 0, sizeof ic);
    ic.on_request = refuse_request;
    ASSERT_EQ(ailib_client_add_interceptor(c, &ic, &err), AILIB_OK);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_UNSUPPORTED);
    EXPECT_EQ(err.code, AILIB_UNSUPPORTED);
    EXPECT_STR_EQ(err.message, "the request hook says no");
    ailib_client_destroy(c);
}

/* Binary bodies (Bedrock's event stream: frames with CRCs) go into the cassette as base64 and
   come back byte for byte; text split inside a UTF-8 character by the chunking stays text. */
static void cassette_binary_and_split_utf8(void) {
    mock_server own;
    ailib_cassette_desc cd;
    ailib_cassette *cas, *back;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac \xf0\x9f\x8e\xb2");
    ailib_response *r = NULL;
    ailib_error err;
    evlog live[2], again[2];
    const char *text;
    size_t len;
    char *copy, *fx;
    int i, have_bedrock;
    memset(live, 0, sizeof live); memset(again, 0, sizeof again);
    fx = ailib_test_fixture("bedrock/converse-stream.eventstream.bin", &len);
    have_bedrock = fx != NULL;
    free(fx);
    ASSERT_TRUE(mock_start(&own, NULL));
    memset(&cd, 0, sizeof cd);
    cd.mode = AILIB_CASSETTE_RECORD;
    ASSERT_TRUE((cas = ailib_cassette_open(NULL, &cd, &err)) != NULL);
    for (i = 0; i < 1 + have_bedrock; i++) {
        ASSERT_TRUE((c = i == 0 ? client_at(&own, "bytewise=1", "openai/gpt-4o-mini", NULL)
                                : client_at(&own, "replay=bedrock/converse-stream.eventstream.bin", "bedrock/us.amazon.nova-micro-v1:0", NULL)) != NULL);
        ASSERT_EQ(ailib_client_add_cassette(c, cas, &err), AILIB_OK);
        EXPECT_EQ(ailib_chat_stream(c, &req, on_evlog, &live[i], &r, &err), AILIB_OK);
        ailib_response_destroy(r);
        ailib_client_destroy(c);
    }
    mock_stop(&own);
    ASSERT_TRUE((text = ailib_cassette_text(cas, &len)) != NULL);
    EXPECT_TRUE(strstr(text, "h\xc3\xa9llo w\xc3\xb6rld") != NULL);            /* the echo, kept as text */
    if (have_bedrock) EXPECT_TRUE(strstr(text, "\"body\":{\"base64\":\"") != NULL);
    copy = (char *)malloc(len + 1);
    memcpy(copy, text, len + 1);
    ailib_cassette_close(cas, NULL);
    memset(&cd, 0, sizeof cd);
    cd.text = copy;
    ASSERT_TRUE((back = ailib_cassette_open(NULL, &cd, &err)) != NULL);
    for (i = 0; i < 1 + have_bedrock; i++) {
        ASSERT_TRUE((c = i == 0 ? client_at(&own, "bytewise=1", "openai/gpt-4o-mini", NULL)
                                : client_at(&own, "replay=bedrock/converse-stream.eventstream.bin", "bedrock/us.amazon.nova-micro-v1:0", NULL)) != NULL);
        ASSERT_EQ(ailib_client_add_cassette(c, back, &err), AILIB_OK);
        EXPECT_EQ(ailib_chat_stream(c, &req, on_evlog, &again[i], &r, &err), AILIB_OK);
        ailib_response_destroy(r);
        ailib_client_destroy(c);
        EXPECT_GT(live[i].n, 2);
        EXPECT_STR_EQ(again[i].s ? again[i].s : "", live[i].s ? live[i].s : "");
        evlog_free(&live[i]); evlog_free(&again[i]);
    }
    ailib_cassette_close(back, NULL);
    free(copy);
    if (!have_bedrock) TEST_SKIP("the Bedrock part needs ../shared/fixtures (the UTF-8 part ran)");
}

#endif /* AILIB_ENABLE_INTERCEPTORS */

TEST(intercept_chain_order_unary) { ICPT_RUN(chain_order_unary); }
TEST(intercept_chain_order_stream) { ICPT_RUN(chain_order_stream); }
TEST(intercept_answer_without_network) { ICPT_RUN(chain_answer_without_network); }
TEST(intercept_refuse) { ICPT_RUN(chain_refuse); }
TEST(intercept_on_error) { ICPT_RUN(chain_on_error); }
TEST(intercept_attempt_numbers) { ICPT_RUN(chain_attempts); }
TEST(intercept_rules) { ICPT_RUN(chain_rules); }
TEST(intercept_keeps_provider_check) { ICPT_RUN(chain_keeps_provider_check); }
TEST(intercept_logger_lines_and_redaction) { ICPT_RUN(logger_lines_and_redaction); }
TEST(intercept_logger_bodies_and_events) { ICPT_RUN(logger_bodies_and_events); }
TEST(intercept_cache_hits_unary_and_stream) { ICPT_RUN(cache_hits_unary_and_stream); }
TEST(intercept_cache_stream_tools_and_reasoning) { ICPT_RUN(cache_stream_tools_and_reasoning); }
TEST(intercept_cache_ttl_bound_and_errors) { ICPT_RUN(cache_ttl_bound_and_errors); }
TEST(intercept_cassette_record_then_replay_offline) { ICPT_RUN(cassette_record_then_replay_offline); }
TEST(intercept_cassette_unmatched) { ICPT_RUN(cassette_unmatched); }
TEST(intercept_cassette_record_missing) { ICPT_RUN(cassette_record_missing); }
TEST(intercept_cassette_retries_and_failures) { ICPT_RUN(cassette_retries_and_failures); }
TEST(intercept_cassette_pace_and_open_ends) { ICPT_RUN(cassette_pace_and_open_ends); }
TEST(intercept_cassette_in_memory_and_bad_text) { ICPT_RUN(cassette_in_memory_and_bad_text); }
TEST(intercept_cassette_under_a_cache) { ICPT_RUN(cassette_under_a_cache); }
TEST(intercept_refuse_on_request) { ICPT_RUN(chain_refuse_on_request); }
TEST(intercept_cassette_binary_and_split_utf8) { ICPT_RUN(cassette_binary_and_split_utf8); }

/* The concurrency gate and rate limits (>>gate, core): queue order, fail fast, buckets and
   pacing from the provider's rate-limit headers, on a clock the test drives (no sleeps);
   plus ailib_chat_batch. Engine-level tests over tests/fake_tp (no network), and the
   headers of a real HTTP reply through ailib-mock. */
#include "test.h"
#include "replay.h"
#include "fake_tp.h"
#include "mockctl.h"
#include "../ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t test_clock(void *user) { return *(int64_t *)user; }

static fake_reply hold_all(void *user, const char *url, const char *body, int seq) {
    fake_reply r;
    (void)user; (void)url; (void)body; (void)seq;
    memset(&r, 0, sizeof r);
    r.hold = 1;
    return r;
}

static ailib_client *fake_client(fake_config *fc, ailib_transport *tp, ailib_client_desc *d) {
    ailib_error err;
    ailib_client *c;
    *tp = fake_transport(fc);
    d->model = "openai/gpt-4o-mini";
    d->api_key = "sk-test";
    d->base_url = "http://gate.test/v1";
    d->transport = tp;
    c = ailib_client_create(d, &err);
    if (!c) ailib_test_fail(__FILE__, __LINE__, "client: %s", err.message);
    return c;
}

/* Which prompt a request body carries ("call 3" -> 3). */
static int body_number(const char *body) {
    const char *p = strstr(body, "call ");
    return p ? atoi(p + 5) : -1;
}

TEST(gate_queues_in_start_order_beyond_max_in_flight) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_call *calls[6];
    ailib_message msg;
    ailib_gate_info gi;
    char text[6][16];
    int i, order[6], sent = 0;
    int64_t w;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    fc.answer = hold_all;
    d.max_in_flight = 2;
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    for (i = 0; i < 6; i++) {
        ailib_request req;
        snprintf(text[i], sizeof text[i], "call %d", i);
        req = replay_one_message(&msg, text[i]);
        ASSERT_EQ(ailib_chat_start(c, &req, NULL, &calls[i], NULL), AILIB_OK);
    }
    ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 2);                           /* two on the wire, four waiting */
    EXPECT_EQ(ailib_client_gate_info(c, &gi), AILIB_OK);
    EXPECT_EQ(gi.in_flight, 2);
    EXPECT_EQ(gi.queued, 4);
    EXPECT_EQ(ailib_call_get_phase(calls[0], NULL), AILIB_CALL_RUNNING);
    EXPECT_EQ(ailib_call_get_phase(calls[5], &w), AILIB_CALL_QUEUED);
    EXPECT_EQ(w, -1);                                   /* until a running call finishes */
    /* one reply at a time: each frees one slot, and the next call in start order goes */
    while (sent < 6) {
        int before = fc.started;
        fake_release(&fc, 1);
        ailib_client_poll(c, 0);
        ailib_client_poll(c, 0);
        sent++;
        EXPECT_TRUE(fc.started <= 6 && fc.started >= before);
    }
    for (i = 0; i < 6; i++) order[i] = body_number(fc.all[i]->body);
    for (i = 0; i < 6; i++) EXPECT_EQ(order[i], i);
    for (i = 0; i < 6; i++) {
        ailib_response *r = NULL;
        EXPECT_TRUE(ailib_call_done(calls[i]));
        EXPECT_EQ(ailib_call_finish(calls[i], &r, NULL), AILIB_OK);
        EXPECT_STR_EQ(ailib_response_text(r, NULL), "ok gate.test");
        ailib_response_destroy(r);
    }
    EXPECT_EQ(ailib_client_gate_info(c, &gi), AILIB_OK);
    EXPECT_EQ(gi.in_flight, 0);
    EXPECT_EQ(gi.queued, 0);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

TEST(gate_fail_fast_and_cancel_of_queued_calls) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_call *a = NULL, *b = NULL;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "call 0");
    ailib_error err;
    ailib_gate_info gi;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    fc.answer = hold_all;
    d.max_in_flight = 1;
    d.gate_fail_fast = 1;
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &a, &err), AILIB_OK);
    EXPECT_EQ(ailib_chat_start(c, &req, NULL, &b, &err), AILIB_RATE_LIMITED);
    EXPECT_TRUE(b == NULL);
    EXPECT_TRUE(strstr(err.message, "max_in_flight") != NULL);
    EXPECT_EQ(err.retryable, 1);
    EXPECT_EQ(ailib_call_finish(a, NULL, NULL), AILIB_CANCELLED);    /* frees the slot */
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &b, &err), AILIB_OK);
    ailib_call_finish(b, NULL, NULL);
    ailib_client_destroy(c);
    fake_reset(&fc);

    /* queued calls cancelled or finished early leave the queue and the slots stay right */
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    fc.answer = hold_all;
    d.max_in_flight = 1;
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &a, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &b, &err), AILIB_OK);
    EXPECT_EQ(ailib_client_gate_info(c, &gi), AILIB_OK);
    EXPECT_EQ(gi.queued, 1);
    EXPECT_EQ(ailib_call_finish(b, NULL, &err), AILIB_CANCELLED);
    EXPECT_EQ(ailib_client_gate_info(c, &gi), AILIB_OK);
    EXPECT_EQ(gi.queued, 0);
    EXPECT_EQ(gi.in_flight, 1);
    fake_release(&fc, -1);
    ailib_client_poll(c, 0);
    EXPECT_EQ(ailib_call_finish(a, NULL, &err), AILIB_OK);
    EXPECT_EQ(ailib_client_gate_info(c, &gi), AILIB_OK);
    EXPECT_EQ(gi.in_flight, 0);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

TEST(gate_request_bucket_on_the_injected_clock) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_call *calls[3];
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "hello");
    ailib_gate_info gi;
    int64_t now = 1000000;
    int i;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    d.requests_per_minute = 2;
    d.clock_ms = test_clock;
    d.clock_user = &now;
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    for (i = 0; i < 3; i++) ASSERT_EQ(ailib_chat_start(c, &req, NULL, &calls[i], NULL), AILIB_OK);
    for (i = 0; i < 3; i++) ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 2);                 /* a minute's worth at once, then one per 30 s */
    EXPECT_TRUE(ailib_call_done(calls[0]) && ailib_call_done(calls[1]));
    EXPECT_EQ(ailib_call_get_phase(calls[2], NULL), AILIB_CALL_QUEUED);
    EXPECT_EQ(ailib_client_gate_info(c, &gi), AILIB_OK);
    EXPECT_EQ(gi.wait_ms, 30000);
    now += 29999;
    ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 2);
    now += 1;
    ailib_client_poll(c, 0);
    ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 3);
    EXPECT_TRUE(ailib_call_done(calls[2]));
    for (i = 0; i < 3; i++) EXPECT_EQ(ailib_call_finish(calls[i], NULL, NULL), AILIB_OK);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

TEST(gate_token_bucket_settles_with_usage) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_call *a, *b;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "hello");
    int64_t now = 5000;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    d.tokens_per_minute = 1000;
    d.clock_ms = test_clock;
    d.clock_user = &now;
    req.max_tokens = 600;                      /* two calls of ~600 tokens do not fit in 1000 */
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &a, NULL), AILIB_OK);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &b, NULL), AILIB_OK);
    EXPECT_EQ(fc.started, 1);
    EXPECT_EQ(ailib_call_get_phase(b, NULL), AILIB_CALL_QUEUED);
    /* the first reply reports 12 tokens in all: the rest of its estimate comes back, so b
       fits at once, the clock unmoved */
    ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 2);
    EXPECT_EQ(ailib_call_finish(a, NULL, NULL), AILIB_OK);
    ailib_client_poll(c, 0);
    EXPECT_EQ(ailib_call_finish(b, NULL, NULL), AILIB_OK);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

/* --- pacing from the provider's headers ----------------------------------------------------- */

static const char *pace_headers;
static fake_reply pace_answer(void *user, const char *url, const char *body, int seq) {
    fake_reply r;
    (void)user; (void)url; (void)body;
    memset(&r, 0, sizeof r);
    if (seq == 0) r.headers = pace_headers;
    return r;
}

/* One call with the given reply headers, then a second: how long the gate holds it (-1: not held). */
static int64_t paced_wait(const char *headers, ailib_tristate headers_setting) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "hello");
    ailib_response *r = NULL;
    ailib_call *b;
    ailib_gate_info gi;
    int64_t now = 777000, w = -1;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    fc.answer = pace_answer;
    pace_headers = headers;
    d.rate_limit_headers = headers_setting;
    d.max_in_flight = headers_setting == AILIB_OFF ? 100 : 0;
    d.clock_ms = test_clock;
    d.clock_user = &now;
    d.max_retry_wait_ms = 24 * 3600000;        /* wait for long resets too */
    c = fake_client(&fc, &tp, &d);
    if (!c) return -2;
    if (ailib_chat(c, &req, &r, NULL) != AILIB_OK) { ailib_client_destroy(c); fake_reset(&fc); return -3; }
    ailib_response_destroy(r);
    if (ailib_chat_start(c, &req, NULL, &b, NULL) == AILIB_OK) {
        ailib_client_poll(c, 0);
        if (ailib_call_get_phase(b, NULL) == AILIB_CALL_QUEUED && ailib_client_gate_info(c, &gi) == AILIB_OK) w = gi.wait_ms;
        ailib_call_finish(b, NULL, NULL);
    }
    ailib_client_destroy(c);
    fake_reset(&fc);
    return w;
}

TEST(gate_paces_by_rate_limit_headers) {
    EXPECT_EQ(paced_wait("x-ratelimit-remaining-requests: 0\nx-ratelimit-reset-requests: 6m0s\n", AILIB_ON), 360000);
    EXPECT_EQ(paced_wait("x-ratelimit-reset-requests: 1m30.5s\nx-ratelimit-remaining-requests: 0\n", AILIB_ON), 90500);
    EXPECT_EQ(paced_wait("x-ratelimit-remaining-requests: 0\nx-ratelimit-reset-requests: 20ms\n", AILIB_ON), 20);
    EXPECT_EQ(paced_wait("x-ratelimit-remaining-requests: 0\nx-ratelimit-reset-requests: 2\n", AILIB_ON), 2000);
    /* the tightest window counts: a per-day window with none left beats a per-minute one */
    EXPECT_EQ(paced_wait("x-ratelimit-remaining-requests-minute: 5\nx-ratelimit-remaining-requests-day: 0\n"
                         "x-ratelimit-reset-requests-day: 3h\n", AILIB_ON), 3 * 3600000);
    /* requests left: no wait; too few tokens left for the next call: wait for the tokens' reset */
    EXPECT_EQ(paced_wait("x-ratelimit-remaining-requests: 7\nx-ratelimit-reset-requests: 1s\n", AILIB_ON), -1);
    EXPECT_EQ(paced_wait("x-ratelimit-remaining-tokens: 1\nx-ratelimit-reset-tokens: 750ms\n", AILIB_ON), 750);
    EXPECT_EQ(paced_wait("anthropic-ratelimit-requests-remaining: 0\nanthropic-ratelimit-requests-reset: garbage\n", AILIB_ON), 60000);
    /* headers are read only when asked (or with a limit set) */
    EXPECT_EQ(paced_wait("x-ratelimit-remaining-requests: 0\nx-ratelimit-reset-requests: 6m0s\n", AILIB_OFF), -1);
}

TEST(gate_paces_by_anthropic_reset_time) {
    char h[256], stamp[32];
    time_t t = time(NULL) + 3600;
    struct tm *g = gmtime(&t);
    int64_t w;
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", g);
    snprintf(h, sizeof h, "anthropic-ratelimit-requests-remaining: 0\nanthropic-ratelimit-requests-reset: %s\n", stamp);
    w = paced_wait(h, AILIB_ON);
    EXPECT_TRUE(w > 3590000 && w <= 3600000);   /* the wall clock moved a little at most */
}

/* Through a real HTTP reply: ailib-mock sends the headers (header=...), the second call waits
   on the injected clock, then goes when the clock passes the reset time. */
TEST(gate_paces_from_mock_headers) {
    const mock_server *m = mock_shared();
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "pace me");
    ailib_response *r = NULL;
    ailib_call *b;
    ailib_error err;
    ailib_gate_info gi;
    char base[256];
    int64_t now = 42;
    int i;
    const char *spec = "header=x-ratelimit-remaining-requests:0,header=x-ratelimit-reset-requests:20s,times=1";
    if (!m) TEST_SKIP("ailib-mock not available");
    mock_url(m, spec, "/v1", base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "sk-test";
    d.base_url = base;
    d.rate_limit_headers = AILIB_ON;
    d.clock_ms = test_clock;
    d.clock_user = &now;
    ASSERT_TRUE((c = ailib_client_create(&d, &err)) != NULL);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &b, &err), AILIB_OK);
    for (i = 0; i < 5; i++) ailib_client_poll(c, 10);
    EXPECT_EQ(ailib_call_get_phase(b, NULL), AILIB_CALL_QUEUED);
    EXPECT_EQ(mock_count(m, spec), 1);
    EXPECT_EQ(ailib_client_gate_info(c, &gi), AILIB_OK);
    EXPECT_EQ(gi.wait_ms, 20000);
    EXPECT_EQ(gi.requests_left, 0);
    now += 20000;
    for (i = 0; i < 500 && !ailib_call_done(b); i++) ailib_client_poll(c, 20);
    EXPECT_EQ(ailib_call_finish(b, &r, &err), AILIB_OK);
    EXPECT_EQ(mock_count(m, spec), 2);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

/* A 429's retry-after holds the other calls too, not only the one that got it. */
TEST(gate_retry_after_holds_every_call) {
    const mock_server *m = mock_shared();
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "hold");
    ailib_call *b;
    ailib_error err;
    char base[256];
    int64_t now = 0, w;
    int i;
    const char *spec = "status=429,retry_after=5,times=1,header=x-test:hold";
    if (!m) TEST_SKIP("ailib-mock not available");
    mock_url(m, spec, "/v1", base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "sk-test";
    d.base_url = base;
    d.max_in_flight = 8;
    d.max_retries = -1;                        /* the 429 is not retried: the call fails */
    d.clock_ms = test_clock;
    d.clock_user = &now;
    ASSERT_TRUE((c = ailib_client_create(&d, &err)) != NULL);
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_RATE_LIMITED);
    EXPECT_EQ(err.retry_after_ms, 5000);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &b, &err), AILIB_OK);
    ailib_client_poll(c, 0);
    EXPECT_EQ(ailib_call_get_phase(b, &w), AILIB_CALL_QUEUED);

    now += 5000;
    for (i = 0; i < 500 && !ailib_call_done(b); i++) ailib_client_poll(c, 20);
    EXPECT_EQ(ailib_call_finish(b, NULL, &err), AILIB_OK);
    EXPECT_EQ(mock_count(m, spec), 2);
    ailib_client_destroy(c);
}

TEST(gate_plain_client_has_no_gate) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_gate_info gi;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    EXPECT_EQ(ailib_client_gate_info(c, &gi), AILIB_NOT_FOUND);
    EXPECT_EQ(gi.requests_left, -1);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

/* --- batch -------------------------------------------------------------------------------------------- */

typedef struct batch_seen { size_t items, last_done, progress_calls; int order_ok; size_t next_expected; int stop_at; } batch_seen;

static void on_item(void *user, size_t index, ailib_batch_item *item) {
    batch_seen *s = (batch_seen *)user;
    (void)item;
    s->items++;
    if (index != s->next_expected) s->order_ok = 0;     /* completion order differs from input order */
    s->next_expected = index + 1;
}

static int on_progress(void *user, const ailib_batch_progress *p) {
    batch_seen *s = (batch_seen *)user;
    s->progress_calls++;
    s->last_done = p->done;
    return s->stop_at && (int)p->done >= s->stop_at;
}

static fake_reply batch_answer(void *user, const char *url, const char *body, int seq) {
    fake_reply r;
    static char text[64];
    int n = body_number(body);
    (void)user; (void)url; (void)seq;
    memset(&r, 0, sizeof r);
    if (n == 3) { r.status = 400; r.body = "{\"error\":{\"message\":\"bad item\",\"type\":\"invalid_request_error\"}}"; return r; }
    snprintf(text, sizeof text, "answer %d", n);
    r.body = fake_openai_body(text, NULL);
    return r;
}

TEST(batch_results_in_input_order_and_errors_stay_per_item) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msgs[20];
    ailib_request reqs[20];
    ailib_batch_item items[20];
    ailib_batch_desc bd;
    batch_seen seen;
    char text[20][16];
    int i;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    fc.answer = batch_answer;
    fc.lifo = 1;                               /* replies come newest first: completion order is scrambled */
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    for (i = 0; i < 20; i++) {
        snprintf(text[i], sizeof text[i], "call %d", i);
        reqs[i] = replay_one_message(&msgs[i], text[i]);
    }
    memset(&bd, 0, sizeof bd);
    memset(&seen, 0, sizeof seen);
    seen.order_ok = 1;
    bd.concurrency = 4;
    bd.on_item = on_item;
    bd.on_progress = on_progress;
    bd.user = &seen;
    EXPECT_EQ(ailib_chat_batch(c, reqs, 20, &bd, items, NULL), AILIB_OK);
    for (i = 0; i < 20; i++) {
        char want[32];
        if (i == 3) {
            EXPECT_EQ(items[i].result, AILIB_INVALID_REQUEST);
            EXPECT_TRUE(items[i].response == NULL);
            EXPECT_STR_EQ(items[i].error.provider_message, "bad item");
            continue;
        }
        snprintf(want, sizeof want, "answer %d", i);
        EXPECT_EQ(items[i].result, AILIB_OK);
        EXPECT_STR_EQ(ailib_response_text(items[i].response, NULL), want);
    }
    EXPECT_EQ(seen.items, 20);
    EXPECT_EQ(seen.last_done, 20);
    EXPECT_FALSE(seen.order_ok);               /* it really finished out of order */
    EXPECT_EQ(fc.started, 20);
    ailib_batch_free(items, 20);
    for (i = 0; i < 20; i++) EXPECT_TRUE(items[i].response == NULL);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

TEST(batch_concurrency_bound_and_stop) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msgs[10];
    ailib_request reqs[10];
    ailib_batch_item items[10];
    ailib_batch_desc bd;
    batch_seen seen;
    int i, cancelled = 0, ok = 0;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    fc.lifo = 1;
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    for (i = 0; i < 10; i++) reqs[i] = replay_one_message(&msgs[i], "x");
    memset(&bd, 0, sizeof bd);
    memset(&seen, 0, sizeof seen);
    bd.concurrency = 3;
    bd.on_progress = on_progress;
    bd.user = &seen;
    seen.stop_at = 4;
    EXPECT_EQ(ailib_chat_batch(c, reqs, 10, &bd, items, NULL), AILIB_CANCELLED);
    for (i = 0; i < 10; i++) {
        if (items[i].result == AILIB_OK) ok++;
        else if (items[i].result == AILIB_CANCELLED) cancelled++;
    }
    EXPECT_EQ(ok + cancelled, 10);
    EXPECT_GE(ok, 4);
    EXPECT_LE(fc.started, 4 + 3);              /* never more than 3 in flight past the stop */
    EXPECT_EQ(ailib_client_active_calls(c), 0);
    ailib_batch_free(items, 10);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

static fake_reply retry_once(void *user, const char *url, const char *body, int seq) {
    fake_reply r;
    (void)user; (void)url; (void)body;
    memset(&r, 0, sizeof r);
    if (seq == 0) { r.status = 503; r.headers = "retry-after-ms: 1\n"; }
    return r;
}

/* A retry is a request to the provider: it takes from the request bucket too. */
TEST(gate_retries_count_as_requests) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "retry");
    ailib_call *a, *b;
    ailib_gate_info gi;
    ailib_error err;
    int64_t now = 0;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    fc.answer = retry_once;
    d.requests_per_minute = 3;
    d.clock_ms = test_clock;
    d.clock_user = &now;
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    ASSERT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);      /* a 503, then the retry: two requests */
    EXPECT_EQ(fc.started, 2);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &a, NULL), AILIB_OK);
    EXPECT_EQ(ailib_call_get_phase(a, NULL), AILIB_CALL_QUEUED);   /* the 503's retry-after holds the others too */
    now += 1;
    ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 3);                                  /* the third request of three */
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &b, NULL), AILIB_OK);
    EXPECT_EQ(ailib_call_get_phase(b, NULL), AILIB_CALL_QUEUED);
    EXPECT_EQ(ailib_client_gate_info(c, &gi), AILIB_OK);
    EXPECT_GT(gi.wait_ms, 19000);                              /* the bucket refills one request per 20 s */
    EXPECT_LE(gi.wait_ms, 20000);
    ailib_call_finish(a, NULL, NULL);
    ailib_call_finish(b, NULL, NULL);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

/* A reset further away than max_retry_wait_ms (a daily quota) is not waited for: the call
   fails at once with the wait as its hint. */
TEST(gate_long_provider_waits_fail_with_a_hint) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "quota");
    ailib_error err;
    ailib_call *b = NULL;
    int64_t now = 0;
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    fc.answer = pace_answer;
    pace_headers = "x-ratelimit-remaining-requests-day: 0\nx-ratelimit-reset-requests-day: 3h\n";
    d.rate_limit_headers = AILIB_ON;
    d.clock_ms = test_clock;
    d.clock_user = &now;
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    ASSERT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_OK);
    EXPECT_EQ(ailib_chat_start(c, &req, NULL, &b, &err), AILIB_RATE_LIMITED);
    EXPECT_EQ(err.retry_after_ms, 3 * 3600000);
    EXPECT_TRUE(strstr(err.message, "max_retry_wait_ms") != NULL);
    EXPECT_EQ(fc.started, 1);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

/* A queued call is built from the call's own copy of its request: every string of it,
   provider tool specs and the raw blocks of provider-run parts included, survives the
   caller's buffers being reused before the call leaves the queue. */
TEST(gate_queued_call_owns_its_request) {
    static const char spec_src[] = "{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":3}";
    static const char raw_src[] = "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_q1\",\"name\":\"web_search\",\"input\":{\"query\":\"q\"}}";
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    ailib_call *calls[2];
    ailib_message first, msgs[3];
    ailib_part ap[2];
    ailib_tool tool;
    ailib_request req;
    char *spec = (char *)malloc(sizeof spec_src), *raw = (char *)malloc(sizeof raw_src);
    char *tname = (char *)malloc(8), *text = (char *)malloc(16);
    int i;
    ASSERT_TRUE(spec && raw && tname && text);
    memcpy(spec, spec_src, sizeof spec_src);
    memcpy(raw, raw_src, sizeof raw_src);
    memcpy(tname, "search", 7);
    memcpy(text, "call 1 question", 16);
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    fc.answer = hold_all;
    tp = fake_transport(&fc);
    d.model = "anthropic/claude-sonnet-4-5";
    d.api_key = "sk-ant-test";
    d.base_url = "http://gate.test";
    d.transport = &tp;
    d.max_in_flight = 1;
    ASSERT_TRUE((c = ailib_client_create(&d, &err)) != NULL);
    req = replay_one_message(&first, "call 0");
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &calls[0], NULL), AILIB_OK);
    memset(msgs, 0, sizeof msgs);
    memset(ap, 0, sizeof ap);
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = "tallest tower";
    ap[0].type = AILIB_PART_PROVIDER_TOOL_CALL; ap[0].raw = raw; ap[0].id = "srvtoolu_q1"; ap[0].name = "web_search";
    ap[1].type = AILIB_PART_TEXT; ap[1].text = "It is the Eiffel Tower.";
    msgs[1].role = AILIB_ROLE_ASSISTANT; msgs[1].parts = ap; msgs[1].part_count = 2;
    msgs[2].role = AILIB_ROLE_USER; msgs[2].text = text;
    memset(&req, 0, sizeof req);
    req.messages = msgs; req.message_count = 3;
    tool = ailib_tool_make(tname, NULL, NULL);
    tool.spec = spec;
    req.tools = &tool; req.tool_count = 1;
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &calls[1], NULL), AILIB_OK);
    ailib_client_poll(c, 0);
    EXPECT_EQ(fc.started, 1);                           /* the second waits */
    memset(spec, 'X', sizeof spec_src - 1);             /* the caller reuses its buffers */
    memset(raw, 'X', sizeof raw_src - 1);
    memset(tname, 'X', 6);
    memset(text, 'X', 15);
    fake_release(&fc, 1);
    for (i = 0; i < 4 && fc.started < 2; i++) ailib_client_poll(c, 0);
    ASSERT_EQ(fc.started, 2);
    EXPECT_TRUE(strstr(fc.all[1]->body, spec_src) != NULL);
    EXPECT_TRUE(strstr(fc.all[1]->body, raw_src) != NULL);
    EXPECT_TRUE(strstr(fc.all[1]->body, "call 1 question") != NULL);
    EXPECT_TRUE(strstr(fc.all[1]->body, "XXXX") == NULL);
    ailib_call_cancel(calls[1]);
    for (i = 0; i < 2; i++) {
        ailib_call_finish(calls[i], NULL, NULL);
    }
    ailib_client_destroy(c);
    fake_reset(&fc);
    free(spec); free(raw); free(tname); free(text);
}

/* A call that is not held keeps only the model and the scalar settings of its request once
   ailib_chat_start returned: the caller may free every buffer at once (ASan and valgrind
   runs of the suite catch a read of one), and the features still see the model. */
TEST(gate_started_call_needs_no_caller_buffers) {
    fake_config fc;
    ailib_transport tp;
    ailib_client_desc d;
    ailib_client *c;
    ailib_call *call;
    ailib_message *msg = (ailib_message *)malloc(sizeof *msg);
    char *text = (char *)malloc(32), *model = (char *)malloc(32);
    ailib_request req;
    ailib_response *r = NULL;
    ASSERT_TRUE(msg && text && model);
    memset(&fc, 0, sizeof fc);
    memset(&d, 0, sizeof d);
    d.requests_per_minute = 600;
    ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
    snprintf(text, 32, "call 7");
    snprintf(model, 32, "gpt-4o-mini");
    memset(msg, 0, sizeof *msg);
    msg->role = AILIB_ROLE_USER;
    msg->text = text;
    memset(&req, 0, sizeof req);
    req.model = model;
    req.messages = msg;
    req.message_count = 1;
    req.max_tokens = 77;
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &call, NULL), AILIB_OK);
    memset(text, 'X', 31); memset(model, 'X', 31);
    free(text); free(model); free(msg);
    while (!ailib_call_done(call)) ailib_client_poll(c, 10);
    EXPECT_EQ(ailib_call_finish(call, &r, NULL), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "ok gate.test");
    ASSERT_EQ(fc.started, 1);
    EXPECT_EQ(body_number(fc.all[0]->body), 7);
    EXPECT_TRUE(strstr(fc.all[0]->body, "\"max_tokens\":77") != NULL || strstr(fc.all[0]->body, "\"max_completion_tokens\":77") != NULL);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    fake_reset(&fc);
}

/* The default timeouts (item 6 of the hardening issue), as a call reports them: a streamed
   reply gets 120 s for its headers, a unary one none (it is written when complete); the
   silence allowed inside a reply is 60 s, 300 s for a model that may reason (asked to, known
   to, or unknown to the catalog); settings win, -1 turns a timer off. */
TEST(timeouts_default_of_a_call) {
    static const struct { int stream; const char *model; int effort; int64_t fb, idle, want_fb, want_idle; } cases[] = {
        { 1, "gpt-4o-mini", 0, 0, 0, 120000, 60000 },
        { 0, "gpt-4o-mini", 0, 0, 0, 0, 60000 },
        { 1, "gpt-6-luna", 1, 0, 0, 120000, 300000 },
        { 0, "gpt-6-luna", 0, 0, 0, 0, 300000 },
        { 0, "o4-mini-unknown-to-the-catalog", 0, 0, 0, 0, 300000 },
        { 1, "gpt-4o-mini", 0, 5000, -1, 5000, 0 },
        { 0, "gpt-4o-mini", 0, -1, 7000, 0, 7000 },
    };
    size_t i;
    char *old = getenv("AI_TIMEOUT_SECS") ? strdup(getenv("AI_TIMEOUT_SECS")) : NULL;
    unsetenv("AI_TIMEOUT_SECS");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fake_config fc;
        ailib_transport tp;
        ailib_client_desc d;
        ailib_client *c;
        ailib_call *call;
        ailib_call_desc cd;
        ailib_message msg;
        ailib_request req = replay_one_message(&msg, "call 1");
        int64_t total = -2, fb = -2, idle = -2;
        memset(&fc, 0, sizeof fc);
        memset(&d, 0, sizeof d);
        memset(&cd, 0, sizeof cd);
        fc.answer = hold_all;
        d.first_byte_timeout_ms = cases[i].fb;
        d.idle_timeout_ms = cases[i].idle;
        ASSERT_TRUE((c = fake_client(&fc, &tp, &d)) != NULL);
        req.model = cases[i].model;
        if (cases[i].effort) req.reasoning.effort = AILIB_EFFORT_HIGH;
        cd.stream = cases[i].stream;
        {
            ailib_error err;
            if (ailib_chat_start(c, &req, &cd, &call, &err) != AILIB_OK) {
                ailib_test_fail(__FILE__, __LINE__, "case %u: %s", (unsigned)i, err.message);
                ailib_client_destroy(c);
                fake_reset(&fc);
                continue;
            }
        }
        ailib_call_timeouts(call, &total, &fb, &idle);
        EXPECT_EQ(total, 600000);
        EXPECT_EQ(fb, cases[i].want_fb);
        EXPECT_EQ(idle, cases[i].want_idle);
        ailib_call_cancel(call);
        ailib_call_finish(call, NULL, NULL);
        ailib_client_destroy(c);
        fake_reset(&fc);
    }
    {
        int64_t z = -1;
        ailib_call_timeouts(NULL, &z, NULL, NULL);
        EXPECT_EQ(z, 0);
    }
    if (old) { setenv("AI_TIMEOUT_SECS", old, 1); free(old); }
}

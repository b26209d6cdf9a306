/* The engine over loopback: every protocol through the real libcurl path against ailib-mock,
   faults, timeouts, retries, cancellation, the poll loop, client configuration. */
#include "test.h"
#include "mockctl.h"
#include "replay.h"
#include "../ailib.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double ms_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The base URL suffix each protocol's catalog URL ends in. */
static const char *suffix_for(const char *provider) {
    if (!strcmp(provider, "gemini")) return "/v1beta";
    if (!strcmp(provider, "cohere")) return "/v2";
    if (!strcmp(provider, "ollama")) return "";
    return "/v1";
}

static ailib_client *client_for(const char *model, const char *spec, ailib_client_desc *tweak) {
    const mock_server *m = replay_need_mock();
    char base[512], prov[64];
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    const char *slash = strchr(model, '/');
    if (!m) return NULL;
    snprintf(prov, sizeof prov, "%.*s", (int)(slash - model), model);
    mock_url(m, spec, suffix_for(prov), base, sizeof base);
    if (tweak) d = *tweak; else memset(&d, 0, sizeof d);
    d.model = model;
    d.base_url = base;
    d.api_key = "test-key-123";
    c = ailib_client_create(&d, &err);
    if (!c) ailib_test_fail(__FILE__, __LINE__, "client_create(%s): %s", model, err.message);
    return c;
}

#define one_message replay_one_message   /* tests/replay.c */

typedef struct collect { char text[8192]; size_t len; int finishes, errors, usages, begins, ends; } collect;

static int on_collect(void *user, const ailib_event *e) {
    collect *c = (collect *)user;
    if (e->type == AILIB_EVENT_TEXT_DELTA && c->len + e->text_len < sizeof c->text) {
        memcpy(c->text + c->len, e->text, e->text_len);
        c->len += e->text_len;
        c->text[c->len] = 0;
    }
    if (e->type == AILIB_EVENT_FINISH) c->finishes++;
    if (e->type == AILIB_EVENT_ERROR) c->errors++;
    if (e->type == AILIB_EVENT_USAGE) c->usages++;
    if (e->type == AILIB_EVENT_TOOL_CALL_BEGIN) c->begins++;
    if (e->type == AILIB_EVENT_TOOL_CALL_END) c->ends++;
    return 0;
}

static const char *providers[] = { "openai/gpt-4o-mini", "anthropic/claude-haiku-5-5", "gemini/gemini-2.5-flash",
                                   "ollama/llama3.2", "cohere/command-a-03-2025" };

/* --- every protocol, blocking and streaming ---------------------------------------------- */

TEST(engine_every_protocol_blocking_and_streaming) {
    size_t i;
    for (i = 0; i < sizeof providers / sizeof providers[0]; i++) {
        ailib_client *c = client_for(providers[i], NULL, NULL);
        ailib_message msg;
        ailib_request req = one_message(&msg, "Hello over loopback");
        ailib_response *r = NULL;
        ailib_error err;
        collect col;
        ASSERT_TRUE(c != NULL);
        EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
        EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: Hello over loopback");
        EXPECT_EQ(ailib_response_finish_reason(r), AILIB_FINISH_STOP);
        EXPECT_GT(ailib_response_usage(r)->input_tokens, 0);
        EXPECT_GT(ailib_response_usage(r)->output_tokens, 0);
        EXPECT_TRUE(ailib_response_request_id(r)[0] != 0);
        ailib_response_destroy(r);
        memset(&col, 0, sizeof col);
        r = NULL;
        EXPECT_EQ(ailib_chat_stream(c, &req, on_collect, &col, &r, &err), AILIB_OK);
        EXPECT_STR_EQ(col.text, "Hello from ailib-mock. You said: Hello over loopback");
        EXPECT_STR_EQ(ailib_response_text(r, NULL), col.text);
        EXPECT_EQ(col.finishes, 1);
        EXPECT_EQ(col.errors, 0);
        EXPECT_GT(ailib_response_usage(r)->output_tokens, 0);
        ailib_response_destroy(r);
        ailib_client_destroy(c);
    }
}

TEST(engine_every_protocol_tool_and_reasoning_scenarios) {
    size_t i;
    static const ailib_tool tool = { "get_weather", "Weather of a city",
                                     "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}", 0,
                                     AILIB_TOOL_FUNCTION, NULL };
    for (i = 0; i < sizeof providers / sizeof providers[0]; i++) {
        ailib_client *c = client_for(providers[i], "scenario=tool", NULL);
        ailib_message msg;
        ailib_request req = one_message(&msg, "Weather in Paris?");
        ailib_response *r = NULL;
        ailib_error err;
        collect col;
        const ailib_tool_call *tc;
        req.tools = &tool;
        req.tool_count = 1;
        memset(&col, 0, sizeof col);
        ASSERT_TRUE(c != NULL);
        EXPECT_EQ(ailib_chat_stream(c, &req, on_collect, &col, &r, &err), AILIB_OK);
        ASSERT_EQ(ailib_response_tool_call_count(r), 1);
        tc = ailib_response_tool_call(r, 0);
        EXPECT_MEM_EQ(tc->name, tc->name_len, "get_weather");
        EXPECT_STR_EQ(ailib_json_str(ailib_json_get(tc->args, "city"), NULL), "Paris");
        EXPECT_EQ(ailib_response_finish_reason(r), AILIB_FINISH_TOOL_CALLS);
        EXPECT_EQ(col.begins, 1);
        EXPECT_EQ(col.ends, 1);
        ailib_response_destroy(r);
        ailib_client_destroy(c);

        c = client_for(providers[i], "scenario=reasoning", NULL);
        r = NULL;
        req.tools = NULL;
        req.tool_count = 0;
        EXPECT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_OK);
        EXPECT_TRUE(ailib_response_reasoning(r, NULL)[0] != 0);
        EXPECT_TRUE(strstr(ailib_response_text(r, NULL), "Hello from ailib-mock") != NULL);
        ailib_response_destroy(r);
        ailib_client_destroy(c);
    }
}

/* A whole tool loop per protocol, unary and streamed: the model asks, the result goes back
   with the assistant turn as ailib_response_message() gave it, the model answers with it. */
static void tool_loop(ailib_client *first, ailib_client *second, int stream) {
    static const ailib_tool tool = { "get_weather", "Weather of a city",
                                     "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}", 0,
                                     AILIB_TOOL_FUNCTION, NULL };
    ailib_message msgs[3];
    ailib_part result;
    ailib_request req = one_message(&msgs[0], "Weather in Paris?");
    ailib_response *r1 = NULL, *r2 = NULL;
    ailib_error err;
    const ailib_tool_call *tc;
    req.tools = &tool;
    req.tool_count = 1;
    if (stream) EXPECT_EQ(ailib_chat_stream(first, &req, NULL, NULL, &r1, &err), AILIB_OK);
    else EXPECT_EQ(ailib_chat(first, &req, &r1, &err), AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r1), 1);
    tc = ailib_response_tool_call(r1, 0);
    EXPECT_GT(tc->id_len, 0);   /* made up where the protocol gives none */
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
    if (stream) EXPECT_EQ(ailib_chat_stream(second, &req, NULL, NULL, &r2, &err), AILIB_OK);
    else EXPECT_EQ(ailib_chat(second, &req, &r2, &err), AILIB_OK);
    EXPECT_TRUE(strstr(ailib_response_text(r2, NULL), "The tool said: 18C and sunny") != NULL);
    EXPECT_EQ(ailib_response_tool_call_count(r2), 0);
    ailib_response_destroy(r1);
    ailib_response_destroy(r2);
}

TEST(engine_tool_loop_every_protocol) {
    size_t i;
    int stream;
    for (i = 0; i < sizeof providers / sizeof providers[0]; i++)
        for (stream = 0; stream < 2; stream++) {
            ailib_client *c = client_for(providers[i], "scenario=tool", NULL);
            ASSERT_TRUE(c != NULL);
            tool_loop(c, c, stream);
            ailib_client_destroy(c);
        }
}

/* The call comes from one provider, the result goes to another: every ordered pair. */
TEST(engine_tool_loop_switches_provider) {
    size_t i, j;
    for (i = 0; i < sizeof providers / sizeof providers[0]; i++)
        for (j = 0; j < sizeof providers / sizeof providers[0]; j++) {
            ailib_client *a, *b;
            if (i == j) continue;
            a = client_for(providers[i], "scenario=tool", NULL);
            b = client_for(providers[j], "scenario=tool", NULL);
            ASSERT_TRUE(a != NULL && b != NULL);
            tool_loop(a, b, (int)((i + j) & 1));
            ailib_client_destroy(a);
            ailib_client_destroy(b);
        }
}

TEST(engine_auth_headers_reach_the_server) {
    static const struct { const char *model; const char *header; const char *value; } cases[] = {
        { "openai/gpt-4o-mini", "authorization", "Bearer test-key-123" },
        { "anthropic/claude-haiku-5-5", "x-api-key", "test-key-123" },
        { "gemini/gemini-2.5-flash", "x-goog-api-key", "test-key-123" }
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ailib_client *c = client_for(cases[i].model, NULL, NULL);
        ailib_message msg;
        ailib_request req = one_message(&msg, "headers");
        ailib_response *r = NULL;
        int status = 0;
        char *last;
        ailib_json_doc *d = NULL;
        const ailib_json *h, *k;
        size_t n;
        int found = 0;
        ASSERT_TRUE(c != NULL);
        ASSERT_EQ(ailib_chat(c, &req, &r, NULL), AILIB_OK);
        last = mock_http(mock_shared(), "GET", "/_mock/last_request", &status);
        ASSERT_TRUE(last != NULL);
        ASSERT_EQ(ailib_json_parse(last, strlen(last), NULL, &d, NULL), AILIB_OK);
        h = ailib_json_get(ailib_json_doc_root(d), "headers");
        /* headers as an object or as [name, value] pairs: look for the value either way */
        if (ailib_json_is_object(h)) {
            for (n = ailib_json_size(h), k = ailib_json_first(h); n; n--, k = ailib_json_next(k + 1)) {
                size_t kl, vl, j;
                const char *ks = ailib_json_str(k, &kl), *vs = ailib_json_str(k + 1, &vl);
                char lower[64];
                for (j = 0; j < kl && j < 63; j++) lower[j] = (char)((ks[j] >= 'A' && ks[j] <= 'Z') ? ks[j] + 32 : ks[j]);
                lower[j] = 0;
                if (!strcmp(lower, cases[i].header) && vs && !strcmp(vs, cases[i].value)) found = 1;
            }
        } else found = strstr(last, cases[i].value) != NULL;
        EXPECT_TRUE(found);
        if (i == 1) EXPECT_TRUE(strstr(last, "2023-06-01") != NULL);   /* anthropic-version */
        ailib_json_doc_destroy(d);
        free(last);
        ailib_response_destroy(r);
        ailib_client_destroy(c);
    }
}

/* --- poll loop, many calls in flight --------------------------------------------------- */

TEST(engine_poll_loop_eight_calls_in_flight) {
    ailib_client *c = client_for("openai/gpt-4o-mini", "chunk_delay_ms=20", NULL);
    ailib_call *calls[8];
    char texts[8][256];
    size_t lens[8], i, max_active = 0, done = 0;
    ailib_message msgs[8];
    char prompts[8][32];
    ASSERT_TRUE(c != NULL);
    for (i = 0; i < 8; i++) {
        ailib_call_desc cd;
        ailib_request req;
        snprintf(prompts[i], sizeof prompts[i], "call %lu", (unsigned long)i);
        req = one_message(&msgs[i], prompts[i]);
        memset(&cd, 0, sizeof cd);
        cd.stream = 1;
        ASSERT_EQ(ailib_chat_start(c, &req, &cd, &calls[i], NULL), AILIB_OK);
        lens[i] = 0;
        texts[i][0] = 0;
    }
    while (done < 8) {
        if (ailib_client_active_calls(c) > max_active) max_active = ailib_client_active_calls(c);
        ailib_client_poll(c, 10);
        done = 0;
        for (i = 0; i < 8; i++) {
            ailib_event ev;
            while (ailib_call_next_event(calls[i], &ev) == AILIB_OK)
                if (ev.type == AILIB_EVENT_TEXT_DELTA && lens[i] + ev.text_len < sizeof texts[i]) {
                    memcpy(texts[i] + lens[i], ev.text, ev.text_len);
                    lens[i] += ev.text_len;
                    texts[i][lens[i]] = 0;
                }
            done += (size_t)ailib_call_done(calls[i]);
        }
    }
    EXPECT_EQ(max_active, 8);
    for (i = 0; i < 8; i++) {
        char want[64];
        snprintf(want, sizeof want, "Hello from ailib-mock. You said: call %lu", (unsigned long)i);
        EXPECT_STR_EQ(texts[i], want);
        EXPECT_EQ(ailib_call_finish(calls[i], NULL, NULL), AILIB_OK);
    }
    EXPECT_EQ(ailib_client_active_calls(c), 0);
    ailib_client_destroy(c);
}

/* --- cancellation and wakeup ------------------------------------------------------------ */

TEST(engine_cancel_mid_stream_keeps_partial_text) {
    ailib_client *c = client_for("anthropic/claude-haiku-5-5", "chunk_delay_ms=200", NULL);
    ailib_message msg;
    ailib_request req = one_message(&msg, "a long answer please");
    ailib_call_desc cd;
    ailib_call *call;
    ailib_response *r = NULL;
    ailib_error err;
    double t0;
    int got = 0;
    ASSERT_TRUE(c != NULL);
    memset(&cd, 0, sizeof cd);
    cd.stream = 1;
    ASSERT_EQ(ailib_chat_start(c, &req, &cd, &call, NULL), AILIB_OK);
    t0 = ms_now();
    while (!got && ms_now() - t0 < 5000) {
        ailib_event ev;
        ailib_client_poll(c, 20);
        while (ailib_call_next_event(call, &ev) == AILIB_OK) if (ev.type == AILIB_EVENT_TEXT_DELTA) got = 1;
    }
    ASSERT_TRUE(got);
    t0 = ms_now();
    ailib_call_cancel(call);
    EXPECT_EQ(ailib_call_finish(call, &r, &err), AILIB_CANCELLED);
    EXPECT_LT(ms_now() - t0, 3000);     /* liveness: cancel does not wait for the stream */
    EXPECT_EQ(err.code, AILIB_CANCELLED);
    EXPECT_TRUE(r != NULL);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

static int stop_after_first(void *user, const ailib_event *e) {
    int *n = (int *)user;
    if (e->type == AILIB_EVENT_TEXT_DELTA) return ++*n >= 2;
    return 0;
}

TEST(engine_stream_callback_can_cancel) {
    ailib_client *c = client_for("openai/gpt-4o-mini", "chunk_delay_ms=50", NULL);
    ailib_message msg;
    ailib_request req = one_message(&msg, "one two three four");
    ailib_response *r = NULL;
    ailib_error err;
    int n = 0;
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(ailib_chat_stream(c, &req, stop_after_first, &n, &r, &err), AILIB_CANCELLED);
    EXPECT_EQ(n, 2);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

static void *wake_later(void *arg) {
    struct timespec ts = { 0, 100 * 1000000L };
    nanosleep(&ts, NULL);
    ailib_client_wakeup((ailib_client *)arg);
    return NULL;
}

TEST(engine_wakeup_from_another_thread) {
    ailib_client *c = client_for("openai/gpt-4o-mini", NULL, NULL);
    pthread_t th;
    double t0;
    ASSERT_TRUE(c != NULL);
    ailib_client_poll(c, 0);
    t0 = ms_now();
    ASSERT_EQ(pthread_create(&th, NULL, wake_later, c), 0);
    EXPECT_EQ(ailib_client_poll(c, 5000), AILIB_OK);
    EXPECT_LT(ms_now() - t0, 2500);
    pthread_join(th, NULL);
    ailib_client_destroy(c);
}

/* --- timeouts ----------------------------------------------------------------------------- */

static ailib_result run_stream(const char *model, const char *spec, ailib_client_desc *d, ailib_response **r,
                               ailib_error *err) {
    ailib_client *c = client_for(model, spec, d);
    ailib_message msg;
    ailib_request req = one_message(&msg, "fault test");
    ailib_result res;
    if (!c) return AILIB_CONFIGURATION;
    res = ailib_chat_stream(c, &req, NULL, NULL, r, err);
    ailib_client_destroy(c);
    return res;
}

static ailib_result run_chat(const char *model, const char *spec, ailib_client_desc *d, ailib_response **r,
                             ailib_error *err) {
    ailib_client *c = client_for(model, spec, d);
    ailib_message msg;
    ailib_request req = one_message(&msg, "fault test");
    ailib_result res;
    if (!c) return AILIB_CONFIGURATION;
    res = ailib_chat(c, &req, r, err);
    ailib_client_destroy(c);
    return res;
}

TEST(engine_timeouts_each_kind) {
    ailib_client_desc d;
    ailib_error err;
    ailib_response *r = NULL;
    double t0;
    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    d.timeout_ms = 300;
    t0 = ms_now();
    /* liveness, not speed: the timeout fires long before the server would answer */
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "delay_ms=6000", &d, NULL, &err), AILIB_TIMEOUT);
    EXPECT_LT(ms_now() - t0, 5000);
    EXPECT_TRUE(strstr(err.message, "timeout_ms") != NULL);

    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    d.first_byte_timeout_ms = 300;
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "delay_ms=2001", &d, NULL, &err), AILIB_TIMEOUT);
    EXPECT_TRUE(strstr(err.message, "first_byte_timeout_ms") != NULL);

    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    d.idle_timeout_ms = 300;
    t0 = ms_now();
    EXPECT_EQ(run_stream("openai/gpt-4o-mini", "stall_ms=6000", &d, &r, &err), AILIB_TIMEOUT);
    EXPECT_LT(ms_now() - t0, 5000);
    EXPECT_TRUE(strstr(err.message, "idle_timeout_ms") != NULL);
    /* the stall comes after the first event, which carries only the role: nothing lost, nothing invented */
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "");
    ailib_response_destroy(r);
}

TEST(engine_connection_refused_is_network_error) {
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = one_message(&msg, "x");
    ailib_error err;
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "k";
    d.base_url = "http://127.0.0.1:1/v1";
    d.max_retries = -1;
    c = ailib_client_create(&d, &err);
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(ailib_chat(c, &req, NULL, &err), AILIB_NETWORK);
    EXPECT_TRUE(err.retryable);
    EXPECT_TRUE(strstr(err.message, "127.0.0.1") != NULL);
    ailib_client_destroy(c);
}

/* --- faults -------------------------------------------------------------------------------- */

TEST(engine_http_statuses_map_to_codes) {
    static const struct { const char *model; const char *spec; ailib_result code; int status; } cases[] = {
        { "openai/gpt-4o-mini", "status=400", AILIB_INVALID_REQUEST, 400 },
        { "openai/gpt-4o-mini", "status=422", AILIB_INVALID_REQUEST, 422 },
        { "openai/gpt-4o-mini", "status=401", AILIB_AUTH, 401 },
        { "anthropic/claude-haiku-5-5", "status=403", AILIB_AUTH, 403 },
        { "openai/gpt-4o-mini", "status=404", AILIB_NOT_FOUND, 404 },
        { "openai/gpt-4o-mini", "status=408", AILIB_TIMEOUT, 408 },
        { "openai/gpt-4o-mini", "status=409", AILIB_RATE_LIMITED, 409 },
        { "openai/gpt-4o-mini", "status=425", AILIB_RATE_LIMITED, 425 },
        { "gemini/gemini-2.5-flash", "status=429", AILIB_RATE_LIMITED, 429 },
        { "openai/gpt-4o-mini", "status=500", AILIB_SERVER, 500 },
        { "ollama/llama3.2", "status=503", AILIB_OVERLOADED, 503 },
        { "anthropic/claude-haiku-5-5", "status=529", AILIB_OVERLOADED, 529 },
        { "cohere/command-a-03-2025", "status=500", AILIB_SERVER, 500 }
    };
    size_t i;
    ailib_client_desc d;
    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ailib_error err;
        EXPECT_EQ(run_chat(cases[i].model, cases[i].spec, &d, NULL, &err), cases[i].code);
        EXPECT_EQ(err.http_status, cases[i].status);
        EXPECT_TRUE(err.request_id[0] != 0);
        EXPECT_TRUE(err.message[0] != 0);
        EXPECT_TRUE(strstr(err.message, "test-key-123") == NULL);
    }
}

TEST(engine_retry_after_headers_and_body) {
    ailib_client_desc d;
    ailib_error err;
    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "status=429,retry_after=2", &d, NULL, &err), AILIB_RATE_LIMITED);
    EXPECT_EQ(err.retry_after_ms, 2000);
    EXPECT_TRUE(err.retryable);
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "status=429,retry_after_ms=1500", &d, NULL, &err), AILIB_RATE_LIMITED);
    EXPECT_EQ(err.retry_after_ms, 1500);
    /* Gemini says it in the body: RetryInfo.retryDelay */
    EXPECT_EQ(run_chat("gemini/gemini-2.5-flash", "status=429,retry_after=3", &d, NULL, &err), AILIB_RATE_LIMITED);
    EXPECT_EQ(err.retry_after_ms, 3000);
    EXPECT_STR_EQ(err.provider_type, "RESOURCE_EXHAUSTED");
    /* retry-after as an HTTP-date, far in the future: milliseconds from now, not a parse failure */
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "status=503,header=retry-after:Fri%2C%2001%20Jan%202100%2000:00:00%20GMT", &d, NULL, &err), AILIB_OVERLOADED);
    EXPECT_GT(err.retry_after_ms, (int64_t)1000 * 3600 * 24 * 365 * 50);
    /* a quota body is not retryable whatever the status says */
    EXPECT_EQ(run_chat("openai/gpt-4o-mini",
                       "status=429,body=%7B%22error%22:%7B%22message%22:%22quota%22%2C%22type%22:%22insufficient_quota%22%2C%22code%22:%22insufficient_quota%22%7D%7D",
                       &d, NULL, &err), AILIB_QUOTA_EXCEEDED);
    EXPECT_FALSE(err.retryable);
}

TEST(engine_stream_faults) {
    ailib_client_desc d;
    ailib_error err;
    ailib_response *r = NULL;
    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    /* ~260-byte chunks: 700 bytes end inside the third, after "Hello" */
    EXPECT_EQ(run_stream("openai/gpt-4o-mini", "reset_after=700", &d, &r, &err), AILIB_NETWORK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello");
    ailib_response_destroy(r); r = NULL;
    EXPECT_EQ(run_stream("anthropic/claude-haiku-5-5", "truncate=700", &d, &r, &err), AILIB_PROTOCOL);
    ailib_response_destroy(r); r = NULL;
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "truncate=40", &d, NULL, &err), AILIB_DESERIALIZATION);
    d.max_response_bytes = 10000;
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "oversize=200000", &d, NULL, &err), AILIB_TOO_LARGE);
    EXPECT_TRUE(strstr(err.message, "max_response_bytes") != NULL);
}

TEST(engine_in_stream_errors_every_protocol) {
    size_t i;
    ailib_client_desc d;
    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    for (i = 0; i < sizeof providers / sizeof providers[0]; i++) {
        ailib_error err;
        ailib_response *r = NULL;
        ailib_result res = run_stream(providers[i], "instream_error=1", &d, &r, &err);
        EXPECT_NE(res, AILIB_OK);
        EXPECT_EQ(err.code, res);
        EXPECT_TRUE(ailib_response_text(r, NULL)[0] != 0);      /* the deltas before the error stay */
        EXPECT_TRUE(ailib_response_error(r) != NULL || res == AILIB_PROTOCOL);
        ailib_response_destroy(r);
    }
}

TEST(engine_bytewise_and_crlf_streams_give_the_same_text) {
    static const char *specs[] = { "bytewise=1", "crlf=1" };
    size_t i, j;
    for (i = 0; i < sizeof providers / sizeof providers[0]; i++)
        for (j = 0; j < 2; j++) {
            ailib_response *r = NULL;
            ailib_error err;
            EXPECT_EQ(run_stream(providers[i], specs[j], NULL, &r, &err), AILIB_OK);
            EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: fault test");
            ailib_response_destroy(r);
        }
}

TEST(engine_replays_recorded_streams) {
    ailib_response *r = NULL;
    ailib_error err;
    const ailib_message *m;
    const ailib_tool_call *tc;
    char *probe = ailib_test_fixture("openai/chat-stream-tool-call-include-usage.sse", NULL);
    if (!probe) TEST_SKIP("fixture corpus absent");
    free(probe);
    EXPECT_EQ(run_stream("openai/gpt-4o-mini", "replay=openai/chat-stream-tool-call-include-usage.sse", NULL, &r, &err), AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r), 1);
    tc = ailib_response_tool_call(r, 0);
    EXPECT_MEM_EQ(tc->name, tc->name_len, "get_capital");
    EXPECT_MEM_EQ(tc->arguments, tc->arguments_len, "{\"country\":\"UK\"}");
    EXPECT_EQ(ailib_response_usage(r)->input_tokens, 53);
    EXPECT_EQ(ailib_response_usage(r)->output_tokens, 15);
    ailib_response_destroy(r); r = NULL;
    EXPECT_EQ(run_stream("anthropic/claude-haiku-5-5", "replay=anthropic/messages-stream-thinking-signature.sse,bytewise=1", NULL, &r, &err), AILIB_OK);
    m = ailib_response_message(r);
    ASSERT_TRUE(m->part_count >= 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(m->parts[0].signature_len, 504);
    EXPECT_EQ(m->parts[0].origin, AILIB_ORIGIN(AILIB_PROTOCOL_ANTHROPIC));
    ailib_response_destroy(r);
}

/* --- retries --------------------------------------------------------------------------------- */

TEST(engine_retries_count_requests) {
    const mock_server *m = replay_need_mock();
    ailib_client_desc d;
    ailib_error err;
    ailib_response *r = NULL;
    double t0;
    ASSERT_TRUE(m != NULL);
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "status=503,times=2,retry_after_ms=30", NULL, &r, &err), AILIB_OK);
    EXPECT_EQ(mock_count(m, "status=503,times=2,retry_after_ms=30"), 3);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: fault test");
    ailib_response_destroy(r);
    t0 = ms_now();
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "status=503,times=9,retry_after_ms=40", NULL, NULL, &err), AILIB_OVERLOADED);
    EXPECT_EQ(mock_count(m, "status=503,times=9,retry_after_ms=40"), 3);
    EXPECT_GE(ms_now() - t0, 75);                           /* two waits of 40 ms */
    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "status=503,times=5,retry_after_ms=1", &d, NULL, &err), AILIB_OVERLOADED);
    EXPECT_EQ(mock_count(m, "status=503,times=5,retry_after_ms=1"), 1);
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "status=400,times=5", NULL, NULL, &err), AILIB_INVALID_REQUEST);
    EXPECT_EQ(mock_count(m, "status=400,times=5"), 1);
    EXPECT_EQ(run_chat("openai/gpt-4o-mini", "status=503,times=5,header=x-should-retry:false", NULL, NULL, &err), AILIB_OVERLOADED);
    EXPECT_EQ(mock_count(m, "status=503,times=5,header=x-should-retry:false"), 1);
    /* a stream that already delivered text is not retried */
    EXPECT_EQ(run_stream("openai/gpt-4o-mini", "reset_after=700,times=1", NULL, &r, &err), AILIB_NETWORK);
    EXPECT_EQ(mock_count(m, "reset_after=700,times=1"), 1);
    ailib_response_destroy(r); r = NULL;
    /* cut before any output: retrying is safe, and happens */
    EXPECT_EQ(run_stream("openai/gpt-4o-mini", "reset_after=100,times=1", NULL, &r, &err), AILIB_OK);
    EXPECT_EQ(mock_count(m, "reset_after=100,times=1"), 2);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: fault test");
    ailib_response_destroy(r);
}

/* --- configuration ---------------------------------------------------------------------------- */

static void save_env(const char *name, char *buf, size_t cap) {
    const char *v = getenv(name);
    if (v) snprintf(buf, cap, "%s", v); else buf[0] = 0;
}
static void restore_env(const char *name, const char *saved) {
    if (saved[0]) setenv(name, saved, 1); else unsetenv(name);
}

TEST(engine_client_configuration_precedence) {
    char k[256], b[256], t[64], mdl[128];
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    double t0;
    save_env("OPENAI_API_KEY", k, sizeof k);
    save_env("OPENAI_BASE_URL", b, sizeof b);
    save_env("AI_TIMEOUT_SECS", t, sizeof t);
    save_env("AILIB_MODEL", mdl, sizeof mdl);
    unsetenv("OPENAI_API_KEY");
    unsetenv("AILIB_MODEL");
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    c = ailib_client_create(&d, &err);
    EXPECT_TRUE(c == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "OPENAI_API_KEY") != NULL);
    EXPECT_TRUE(strstr(err.message, "desc.api_key") != NULL);
    setenv("OPENAI_API_KEY", "env-key", 1);
    setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1", 1);
    t0 = ms_now();
    c = ailib_client_create(&d, &err);                          /* closed port: no I/O at create */
    EXPECT_LT(ms_now() - t0, 3000);     /* a connect attempt would hang on nothing here; liveness only */
    ASSERT_TRUE(c != NULL);
    EXPECT_STR_EQ(ailib_client_model(c), "gpt-4o-mini");
    EXPECT_STR_EQ(ailib_client_provider(c)->name, "openai");
    ailib_client_destroy(c);
    d.model = "anthropic";                                      /* bare provider: its default model */
    d.api_key = "k";
    c = ailib_client_create(&d, &err);
    ASSERT_TRUE(c != NULL);
    EXPECT_STR_EQ(ailib_client_model(c), ailib_provider_find("anthropic")->default_model);
    ailib_client_destroy(c);
    d.model = "my-model";
    d.provider = "ollama";
    c = ailib_client_create(&d, &err);
    ASSERT_TRUE(c != NULL);
    EXPECT_STR_EQ(ailib_client_model(c), "my-model");
    ailib_client_destroy(c);
    d.provider = NULL;
    d.model = "nosuchprovider/x";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "nosuchprovider") != NULL);
    d.model = "azure/my-deployment";
    unsetenv("AZURE_OPENAI_ENDPOINT");
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "AZURE_OPENAI_ENDPOINT") != NULL);
    setenv("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com", 1);
    c = ailib_client_create(&d, &err);
    EXPECT_TRUE(c != NULL);
    ailib_client_destroy(c);
    unsetenv("AZURE_OPENAI_ENDPOINT");
    restore_env("OPENAI_API_KEY", k);
    restore_env("OPENAI_BASE_URL", b);
    restore_env("AI_TIMEOUT_SECS", t);
    restore_env("AILIB_MODEL", mdl);
}

TEST(engine_env_base_url_and_ollama_host_without_scheme) {
    const mock_server *m = replay_need_mock();
    char k[256], b[256], oh[256], url[256];
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = one_message(&msg, "env");
    ailib_response *r = NULL;
    ASSERT_TRUE(m != NULL);
    save_env("OPENAI_API_KEY", k, sizeof k);
    save_env("OPENAI_BASE_URL", b, sizeof b);
    save_env("OLLAMA_HOST", oh, sizeof oh);
    snprintf(url, sizeof url, "127.0.0.1:%d", m->port);
    setenv("OLLAMA_HOST", url, 1);
    memset(&d, 0, sizeof d);
    d.model = "ollama/llama3.2";
    c = ailib_client_create(&d, NULL);
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(ailib_chat(c, &req, &r, NULL), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: env");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    /* ailib_quick_chat from the environment alone */
    mock_url(m, NULL, "/v1", url, sizeof url);
    setenv("OPENAI_BASE_URL", url, 1);
    setenv("OPENAI_API_KEY", "test", 1);
    {
        ailib_error err;
        char *a = ailib_quick_chat("openai/gpt-4o-mini", "quick", &err);
        EXPECT_STR_EQ(a, "Hello from ailib-mock. You said: quick");
        ailib_free(a);
    }
    restore_env("OPENAI_API_KEY", k);
    restore_env("OPENAI_BASE_URL", b);
    restore_env("OLLAMA_HOST", oh);
}

/* --- a custom transport: the engine without curl ------------------------------------------- */

typedef struct fake_t { const ailib_http_callbacks *cb; void *ctx; int step; int active; } fake_t;
static fake_t fake_state;
static void *fake_create(void *u, const ailib_transport_config *cfg, ailib_error *e) { (void)u; (void)cfg; (void)e; memset(&fake_state, 0, sizeof fake_state); return &fake_state; }
static void fake_destroy(void *t) { (void)t; }
static ailib_result fake_start(void *t, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx, void **h, ailib_error *e) {
    fake_t *f = (fake_t *)t;
    (void)req; (void)e;
    f->cb = cb; f->ctx = ctx; f->step = 0; f->active = 1;
    *h = f;
    return AILIB_OK;
}
static ailib_result fake_poll(void *t, int timeout_ms) {
    static const char *pieces[] = {
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"in \"}}]}\n\nda",
        "ta: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"memory\"}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n" };
    fake_t *f = (fake_t *)t;
    (void)timeout_ms;
    if (!f->active) return AILIB_OK;
    if (f->step == 0) { f->cb->on_header(f->ctx, "x-request-id", 12, "fake-1", 6); f->cb->on_status(f->ctx, 200); }
    if (f->step < 3) { f->cb->on_body(f->ctx, pieces[f->step], strlen(pieces[f->step])); f->step++; return AILIB_OK; }
    f->active = 0;
    f->cb->on_done(f->ctx, AILIB_OK, "");
    return AILIB_OK;
}
static void fake_cancel(void *t, void *h) { fake_t *f = (fake_t *)t; (void)h; if (f->active) { f->active = 0; f->cb->on_done(f->ctx, AILIB_CANCELLED, "cancelled"); } }
static void fake_wakeup(void *t) { (void)t; }
static void fake_release(void *t, void *h) { (void)t; (void)h; }

TEST(engine_custom_transport) {
    static const ailib_transport fake = { fake_create, fake_destroy, fake_start, fake_poll, fake_cancel, fake_wakeup, fake_release, NULL };
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = one_message(&msg, "x");
    ailib_response *r = NULL;
    collect col;
    memset(&d, 0, sizeof d);
    memset(&col, 0, sizeof col);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "k";
    d.transport = &fake;
    c = ailib_client_create(&d, NULL);
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(ailib_chat_stream(c, &req, on_collect, &col, &r, NULL), AILIB_OK);
    EXPECT_STR_EQ(col.text, "in memory");
    EXPECT_STR_EQ(ailib_response_request_id(r), "fake-1");
    EXPECT_EQ(ailib_response_finish_reason(r), AILIB_FINISH_STOP);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

/* --- embeddings and model lists through the engine ------------------------------------------ */

TEST(engine_embeddings_every_protocol_that_has_them) {
    static const char *models[] = { "openai/text-embedding-3-small", "gemini/gemini-embedding-001", "ollama/nomic-embed-text",
                                    "cohere/embed-v4.0" };
    static const char *const inputs[3] = { "alpha", "beta", "gamma" };
    size_t i;
    for (i = 0; i < sizeof models / sizeof models[0]; i++) {
        ailib_client *c = client_for(models[i], NULL, NULL);
        ailib_embed_request er;
        ailib_embeddings *e = NULL;
        ailib_error err;
        size_t dims = 0, k;
        const float *v;
        double norm = 0;
        ASSERT_TRUE(c != NULL);
        memset(&er, 0, sizeof er);
        er.inputs = inputs;
        er.input_count = 3;
        er.dimensions = 8;
        EXPECT_EQ(ailib_embed(c, &er, &e, &err), AILIB_OK);
        EXPECT_EQ(ailib_embeddings_count(e), 3);
        v = ailib_embeddings_vector(e, 2, &dims);
        ASSERT_TRUE(v != NULL);
        /* the mock honors dimensions / outputDimensionality (OpenAI, Gemini) */
        if (i < 2) EXPECT_EQ(dims, 8); else EXPECT_GT(dims, 0);
        for (k = 0; k < dims; k++) norm += (double)v[k] * v[k];
        EXPECT_TRUE(norm > 0.98 && norm < 1.02);              /* the mock's vectors are unit length */
        /* deterministic per input: different inputs, different vectors */
        EXPECT_TRUE(memcmp(ailib_embeddings_vector(e, 0, NULL), v, dims * sizeof *v) != 0);
        ailib_embeddings_destroy(e);
        ailib_client_destroy(c);
    }
    {
        /* Anthropic has no embeddings API: a typed error before anything is sent */
        ailib_client *c = client_for("anthropic/claude-haiku-5-5", NULL, NULL);
        ailib_embed_request er;
        ailib_embeddings *e = NULL;
        ailib_error err;
        memset(&er, 0, sizeof er);
        er.inputs = inputs;
        er.input_count = 1;
        EXPECT_EQ(ailib_embed(c, &er, &e, &err), AILIB_UNSUPPORTED);
        EXPECT_TRUE(e == NULL);
        ailib_client_destroy(c);
    }
}

/* Gemini takes at most 100 inputs per batchEmbedContents, Cohere 96: more go in consecutive
   requests, merged in input order. Each vector must equal the one of the input embedded alone. */
TEST(engine_embeddings_split_into_batches) {
    static const char *models[] = { "gemini/gemini-embedding-001", "cohere/embed-v4.0" };
    static const char *specs[] = { "delay_ms=0", "chunk_delay_ms=0" };   /* harmless keys: counted apart */
    static const long expect_requests[] = { 3, 3 };   /* 250 inputs: 100+100+50, 96+96+58 */
    static char texts[250][16];
    const char *inputs[250];
    size_t i, k;
    for (i = 0; i < 250; i++) { snprintf(texts[i], sizeof texts[i], "text %lu", (unsigned long)i); inputs[i] = texts[i]; }
    for (k = 0; k < 2; k++) {
        ailib_client *c = client_for(models[k], specs[k], NULL);
        ailib_embed_request er;
        ailib_embeddings *e = NULL, *one = NULL;
        ailib_error err;
        size_t dims = 0, d1 = 0;
        long before;
        ASSERT_TRUE(c != NULL);
        before = mock_count(mock_shared(), specs[k]);
        memset(&er, 0, sizeof er);
        er.inputs = inputs;
        er.input_count = 250;
        ASSERT_EQ(ailib_embed(c, &er, &e, &err), AILIB_OK);
        EXPECT_EQ(mock_count(mock_shared(), specs[k]) - before, expect_requests[k]);
        ASSERT_EQ(ailib_embeddings_count(e), 250);
        for (i = 0; i < 250; i += 49) {
            const float *v = ailib_embeddings_vector(e, i, &dims), *w;
            const char *pair[2];
            pair[0] = pair[1] = inputs[i];   /* two inputs: the batch route, as in the split call */
            er.inputs = pair;
            er.input_count = 2;
            ASSERT_EQ(ailib_embed(c, &er, &one, &err), AILIB_OK);
            w = ailib_embeddings_vector(one, 0, &d1);
            ASSERT_TRUE(v != NULL && w != NULL);
            EXPECT_EQ(dims, d1);
            EXPECT_TRUE(memcmp(v, w, dims * sizeof *v) == 0);
            ailib_embeddings_destroy(one);
        }
        if (ailib_embeddings_usage(e)->reported & AILIB_USAGE_INPUT) EXPECT_GT(ailib_embeddings_usage(e)->input_tokens, 0);
        /* the client's model embeds (catalog row with AILIB_CAP_EMBEDDING), and is named back
           even where the reply does not name it (Gemini) */
        EXPECT_STR_EQ(ailib_embeddings_model(e), strchr(models[k], '/') + 1);
        ailib_embeddings_destroy(e);
        ailib_client_destroy(c);
    }
}

TEST(engine_model_lists) {
    size_t i;
    /* Cohere lists models at /v1/models in its own shape, which the mock cannot tell from an
       OpenAI request there; its parser is tested on that shape in test_embed.c */
    for (i = 0; i < 4; i++) {
        ailib_client *c = client_for(providers[i], NULL, NULL);
        ailib_model_list *l = NULL;
        ailib_error err;
        ASSERT_TRUE(c != NULL);
        EXPECT_EQ(ailib_models(c, &l, &err), AILIB_OK);
        EXPECT_GT(ailib_model_list_count(l), 0);
        if (ailib_model_list_count(l)) EXPECT_TRUE(ailib_model_list_at(l, 0)->id[0] != 0);
        ailib_model_list_destroy(l);
        ailib_client_destroy(c);
    }
}

TEST(engine_configuration_messages_name_what_to_set) {
    char g1[256], g2[256];
    ailib_client_desc d;
    ailib_error err;
    save_env("GEMINI_API_KEY", g1, sizeof g1);
    save_env("GOOGLE_API_KEY", g2, sizeof g2);
    unsetenv("GEMINI_API_KEY");
    unsetenv("GOOGLE_API_KEY");
    memset(&d, 0, sizeof d);
    d.model = "gemini/gemini-2.5-flash";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_STR_EQ(err.message, "no API key for 'gemini': set GOOGLE_API_KEY (or GEMINI_API_KEY) or desc.api_key");
    d.model = "nope/x";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "unknown provider 'nope'") != NULL);
    restore_env("GEMINI_API_KEY", g1);
    restore_env("GOOGLE_API_KEY", g2);
}

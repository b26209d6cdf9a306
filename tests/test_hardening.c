/* Hostile servers and hostile configuration: status-less exchanges, numbers out of range,
   redirects, secrets in messages and logs, injection through configuration strings,
   re-entrancy. Each test here failed on the engine before its fix. */
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

static ailib_client *mock_client(const char *model, const char *spec, const char *suffix, ailib_client_desc *tweak) {
    const mock_server *m = replay_need_mock();
    char base[512];
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    if (!m) return NULL;
    mock_url(m, spec, suffix, base, sizeof base);
    if (tweak) d = *tweak; else memset(&d, 0, sizeof d);
    d.model = model;
    d.base_url = base;
    if (!d.api_key) d.api_key = "test-key-123";
    c = ailib_client_create(&d, &err);
    if (!c) ailib_test_fail(__FILE__, __LINE__, "client_create(%s): %s", model, err.message);
    return c;
}

static ailib_result chat_once(ailib_client *c, int stream, ailib_response **r, ailib_error *err) {
    ailib_message msg;
    ailib_request req;
    req = replay_one_message(&msg, "hardening");
    return stream ? ailib_chat_stream(c, &req, NULL, NULL, r, err) : ailib_chat(c, &req, r, err);
}

/* --- status-less exchanges ------------------------------------------------------------------ */

TEST(hardening_error_parse_any_status_any_body) {
    static const int statuses[] = { 0, 1, 100, 101, 199, 204, 301, 399, 400, 599, 600, -1, 99999 };
    static const char *bodies[] = { "<html>", "", "{", "[]", "5", "{\"error\":5}", "{\"error\":{\"code\":429}}",
                                    "{\"error\":{\"code\":\"x\",\"status_code\":503}}", "null" };
    const ailib_provider_info *p = ailib_provider_find("openai");
    ailib_endpoint ep;
    size_t i, j;
    memset(&ep, 0, sizeof ep);
    ep.provider = p;
    for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        for (j = 0; j < sizeof bodies / sizeof bodies[0]; j++) {
            ailib_error err;
            ailib_result r = ailib_wire_error_parse(&ep, statuses[i], bodies[j], strlen(bodies[j]), &err);
            EXPECT_NE(r, AILIB_OK);
            EXPECT_EQ(err.code, r);
            EXPECT_TRUE(err.message[0] != 0);
            /* the same code without an error struct */
            EXPECT_EQ(ailib_wire_error_parse(&ep, statuses[i], bodies[j], strlen(bodies[j]), NULL), r);
        }
    /* an in-stream error that names its HTTP status in a numeric code */
    {
        ailib_error err;
        EXPECT_EQ(ailib_wire_error_parse(&ep, 0, "{\"error\":{\"code\":429,\"message\":\"slow\"}}", 39, &err), AILIB_RATE_LIMITED);
        EXPECT_TRUE(err.retryable);
    }
}

TEST(hardening_redirect_is_not_followed_and_names_the_target) {
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    memset(&d, 0, sizeof d);
    d.max_retries = 2;
    c = mock_client("openai/gpt-4o-mini",
                    "status=301,header=location:https:%2F%2Fuser:pw@elsewhere.example%2Fv1%3Fkey=SECRETVALUE%26a=1,body=moved",
                    "/v1", &d);
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(chat_once(c, 0, NULL, &err), AILIB_CONFIGURATION);
    EXPECT_EQ(err.http_status, 301);
    EXPECT_FALSE(err.retryable);
    EXPECT_TRUE(strstr(err.message, "elsewhere.example") != NULL);
    EXPECT_TRUE(strstr(err.message, "SECRETVALUE") == NULL);
    EXPECT_TRUE(strstr(err.message, "pw@") == NULL);
    EXPECT_EQ(mock_count(replay_need_mock(), "status=301,header=location:https:%2F%2Fuser:pw@elsewhere.example%2Fv1%3Fkey=SECRETVALUE%26a=1,body=moved"), 1);
    ailib_client_destroy(c);
}

/* A transport that ends every exchange without ever reporting a status (a custom transport,
   a non-HTTP server): a typed error, not a crash in the error parser. */
typedef struct silent_tp { const ailib_http_callbacks *cb; void *ctx; int pending; } silent_tp;
static void *stp_create(void *user, const ailib_transport_config *cfg, ailib_error *err) {
    (void)cfg; (void)err;
    return user;
}
static void stp_destroy(void *t) { (void)t; }
static ailib_result stp_start(void *t, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx,
                              void **handle, ailib_error *err) {
    silent_tp *s = (silent_tp *)t;
    (void)req; (void)err;
    s->cb = cb; s->ctx = ctx; s->pending = 1;
    *handle = s;
    return AILIB_OK;
}
static ailib_result stp_poll(void *t, int timeout_ms) {
    silent_tp *s = (silent_tp *)t;
    (void)timeout_ms;
    if (s->pending) {
        s->pending = 0;
        s->cb->on_body(s->ctx, "<html>not an API</html>", 23);
        s->cb->on_done(s->ctx, AILIB_OK, "");
    }
    return AILIB_OK;
}
static void stp_cancel(void *t, void *h) { silent_tp *s = (silent_tp *)t; (void)h; if (s->pending) { s->pending = 0; s->cb->on_done(s->ctx, AILIB_CANCELLED, "cancelled"); } }
static void stp_wakeup(void *t) { (void)t; }
static void stp_release(void *t, void *h) { (void)t; (void)h; }

TEST(hardening_statusless_exchange_is_a_typed_error) {
    silent_tp st;
    ailib_transport tp = { stp_create, stp_destroy, stp_start, stp_poll, stp_cancel, stp_wakeup, stp_release, NULL };
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    ailib_response *r = NULL;
    int stream;
    memset(&st, 0, sizeof st);
    tp.user = &st;
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "k-123456";
    d.transport = &tp;
    ASSERT_TRUE((c = ailib_client_create(&d, &err)) != NULL);
    for (stream = 0; stream < 2; stream++) {
        EXPECT_EQ(chat_once(c, stream, &r, &err), AILIB_PROTOCOL);
        EXPECT_EQ(err.http_status, 0);
        EXPECT_FALSE(err.retryable);
        EXPECT_TRUE(strstr(err.message, "without an HTTP status") != NULL);
        ailib_response_destroy(r);
        r = NULL;
    }
    ailib_client_destroy(c);
}

/* --- numbers a server or the environment controls --------------------------------------------- */

TEST(hardening_hostile_retry_hints_are_bounded) {
    /* each hint: the error's retry_after_ms (-1 ignored, else clamped) */
    static const struct { const char *spec; int64_t want; } cases[] = {
        { "status=429,header=retry-after:inf", -1 },
        { "status=429,header=retry-after:nan", -1 },
        { "status=429,header=retry-after:-5", -1 },
        { "status=429,header=retry-after:0x10", -1 },
        { "status=429,header=retry-after:1e300", (int64_t)1 << 42 },
        { "status=429,header=retry-after-ms:1e300", (int64_t)1 << 42 },
        { "status=429,header=retry-after:99999999999999999999999", (int64_t)1 << 42 },
        { "status=429,header=retry-after:2.5", 2500 },
        { "status=429,header=retry-after-ms:%201500%20", 1500 },
        { "status=503,header=retry-after:Fri%2C%2001%20Jan%2099999%2000:00:00%20GMT", -1 },
        { "status=503,header=retry-after:Fri%2C%2001%20Jan%202100%2099999999:00:00%20GMT", -1 },
        { "status=503,header=retry-after:Fri%2C%2041%20Jan%202100%2000:00:00%20GMT", -1 },
        { "status=503,header=retry-after:Thu%2C%2001%20Jan%201970%2000:00:00%20GMT", 0 },
    };
    size_t i;
    ailib_client_desc d;
    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ailib_client *c = mock_client("openai/gpt-4o-mini", cases[i].spec, "/v1", &d);
        ailib_error err;
        ASSERT_TRUE(c != NULL);
        EXPECT_NE(chat_once(c, 0, NULL, &err), AILIB_OK);
        if (err.retry_after_ms != cases[i].want)
            ailib_test_fail(__FILE__, __LINE__, "%s: retry_after_ms %lld, want %lld", cases[i].spec,
                            (long long)err.retry_after_ms, (long long)cases[i].want);
        ailib_client_destroy(c);
    }
}

TEST(hardening_retry_hint_longer_than_the_cap_fails_at_once) {
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    double t0;
    const char *spec = "status=429,retry_after=3600";
    memset(&d, 0, sizeof d);
    d.max_retries = 3;
    ASSERT_TRUE((c = mock_client("openai/gpt-4o-mini", spec, "/v1", &d)) != NULL);
    t0 = ms_now();
    EXPECT_EQ(chat_once(c, 0, NULL, &err), AILIB_RATE_LIMITED);
    EXPECT_LT(ms_now() - t0, 30000);      /* liveness: not an hour */
    EXPECT_EQ(err.retry_after_ms, 3600000);
    EXPECT_TRUE(strstr(err.message, "max_retry_wait_ms") != NULL);
    EXPECT_EQ(mock_count(replay_need_mock(), spec), 1);
    ailib_client_destroy(c);
    /* a cap the caller sets: a 1 s hint is waited for when allowed, refused when not */
    memset(&d, 0, sizeof d);
    d.max_retries = 1;
    d.max_retry_wait_ms = 500;
    spec = "status=429,retry_after=1,times=1";
    ASSERT_TRUE((c = mock_client("openai/gpt-4o-mini", spec, "/v1", &d)) != NULL);
    EXPECT_EQ(chat_once(c, 0, NULL, &err), AILIB_RATE_LIMITED);
    EXPECT_EQ(mock_count(replay_need_mock(), spec), 1);
    ailib_client_destroy(c);
}

TEST(hardening_huge_timeouts_from_desc_and_environment) {
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    ailib_response *r = NULL;
    setenv("AI_TIMEOUT_SECS", "1e300", 1);
    memset(&d, 0, sizeof d);
    d.connect_timeout_ms = INT64_MAX;
    d.first_byte_timeout_ms = INT64_MAX;
    d.idle_timeout_ms = INT64_MAX;
    d.max_retry_wait_ms = INT64_MAX;
    c = mock_client("openai/gpt-4o-mini", NULL, "/v1", &d);
    unsetenv("AI_TIMEOUT_SECS");
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(chat_once(c, 1, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: hardening");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    d.timeout_ms = INT64_MAX;
    ASSERT_TRUE((c = mock_client("openai/gpt-4o-mini", NULL, "/v1", &d)) != NULL);
    EXPECT_EQ(chat_once(c, 0, NULL, &err), AILIB_OK);
    ailib_client_destroy(c);
}

/* --- secrets ---------------------------------------------------------------------------------- */

typedef struct logbuf { char text[16384]; size_t len; } logbuf;
static void log_to(void *user, ailib_log_level lvl, const char *msg) {
    logbuf *b = (logbuf *)user;
    size_t n = strlen(msg);
    (void)lvl;
    if (b->len + n + 2 < sizeof b->text) { memcpy(b->text + b->len, msg, n); b->len += n; b->text[b->len++] = '\n'; b->text[b->len] = 0; }
}

TEST(hardening_echoed_key_never_reaches_messages_or_logs) {
    /* the server echoes the key in the error body and in x-request-id */
    static const char key[] = "sk-live-0123456789abcdef";
    const char *spec = "status=401,header=x-request-id:req-sk-live-0123456789abcdef,"
                       "body=%7B%22error%22:%7B%22message%22:%22Incorrect%20API%20key%20provided:%20sk-live-0123456789abcdef%22"
                       "%2C%22type%22:%22sk-live-0123456789abcdef%22%2C%22code%22:%22invalid_api_key%22%7D%7D";
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    logbuf lb;
    memset(&lb, 0, sizeof lb);
    memset(&d, 0, sizeof d);
    d.api_key = key;
    d.log = log_to;
    d.log_user = &lb;
    ASSERT_TRUE((c = mock_client("openai/gpt-4o-mini", spec, "/v1", &d)) != NULL);
    EXPECT_EQ(chat_once(c, 0, NULL, &err), AILIB_AUTH);
    EXPECT_TRUE(strstr(err.message, "0123456789abcdef") == NULL);
    EXPECT_TRUE(strstr(err.provider_message, "0123456789abcdef") == NULL);
    EXPECT_TRUE(strstr(err.provider_type, "0123456789abcdef") == NULL);
    EXPECT_TRUE(strstr(err.request_id, "0123456789abcdef") == NULL);
    EXPECT_TRUE(strstr(err.provider_message, "Incorrect API key provided: ***") != NULL);
    EXPECT_STR_EQ(err.provider_code, "invalid_api_key");
    EXPECT_TRUE(lb.len > 0);
    EXPECT_TRUE(strstr(lb.text, "0123456789abcdef") == NULL);
    ailib_client_destroy(c);
}

TEST(hardening_url_credentials_never_reach_messages_or_logs) {
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    logbuf lb;
    memset(&lb, 0, sizeof lb);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "k-abcdefgh";
    d.base_url = "http://alice:hunter2secret@127.0.0.1:1/v1?key=QUERYSECRET&x=1";
    d.max_retries = -1;
    d.log = log_to;
    d.log_user = &lb;
    ASSERT_TRUE((c = ailib_client_create(&d, &err)) != NULL);
    EXPECT_EQ(chat_once(c, 0, NULL, &err), AILIB_NETWORK);
    EXPECT_TRUE(strstr(err.message, "127.0.0.1:1") != NULL);
    EXPECT_TRUE(strstr(err.message, "hunter2secret") == NULL);
    EXPECT_TRUE(strstr(err.message, "QUERYSECRET") == NULL);
    EXPECT_TRUE(strstr(lb.text, "hunter2secret") == NULL);
    EXPECT_TRUE(strstr(lb.text, "QUERYSECRET") == NULL);
    EXPECT_TRUE(strstr(lb.text, "x=1") != NULL);
    ailib_client_destroy(c);
}

/* --- a one-shot raw server: answers the first connection with fixed bytes ---------------------- */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>

typedef struct raw_server { int fd, port, conns; const char *reply; size_t reply_len; size_t repeat_header; pthread_t th; } raw_server;

static void *raw_serve(void *arg) {
    raw_server *s = (raw_server *)arg;
    for (;;) {
        char buf[4096];
        int c = accept(s->fd, NULL, NULL);
        if (c < 0) break;
        s->conns++;
        if (recv(c, buf, sizeof buf, 0) <= 0) { close(c); continue; }
        if (s->repeat_header) {
            /* a status line, then header lines without end */
            size_t i;
            char line[1024];
            if (send(c, "HTTP/1.1 200 OK\r\n", 17, MSG_NOSIGNAL) < 0) { close(c); continue; }
            memset(line, 'a', sizeof line);
            memcpy(line, "X-Pad: ", 7);
            line[sizeof line - 2] = '\r'; line[sizeof line - 1] = '\n';
            for (i = 0; i < s->repeat_header; i++) if (send(c, line, sizeof line, MSG_NOSIGNAL) < 0) break;
        } else if (send(c, s->reply, s->reply_len, MSG_NOSIGNAL) < 0) { close(c); continue; }
        shutdown(c, SHUT_WR);
        while (recv(c, buf, sizeof buf, 0) > 0) {}
        close(c);
    }
    return NULL;
}

static int raw_start(raw_server *s, const char *reply, size_t repeat_header) {
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    memset(s, 0, sizeof *s);
    s->reply = reply;
    s->reply_len = reply ? strlen(reply) : 0;
    s->repeat_header = repeat_header;
    if ((s->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) return 0;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s->fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(s->fd, 8) < 0 ||
        getsockname(s->fd, (struct sockaddr *)&a, &al) < 0) { close(s->fd); return 0; }
    s->port = ntohs(a.sin_port);
    return pthread_create(&s->th, NULL, raw_serve, s) == 0;
}

static void raw_stop(raw_server *s) {
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->th, NULL);
}

static ailib_result raw_chat(const raw_server *s, int stream, int retries, ailib_error *err) {
    char base[64];
    ailib_client_desc d;
    ailib_client *c;
    ailib_result r;
    snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", s->port);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "k-raw-123456";
    d.base_url = base;
    d.max_retries = retries;
    if (!(c = ailib_client_create(&d, err))) return AILIB_CONFIGURATION;
    r = chat_once(c, stream, NULL, err);
    ailib_client_destroy(c);
    return r;
}

TEST(hardening_101_switching_protocols_then_bytes) {
    raw_server s;
    ailib_error err;
    int stream;
    ASSERT_TRUE(raw_start(&s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                              "\x81\x05hello garbage that is not HTTP\r\n\r\n", 0));
    for (stream = 0; stream < 2; stream++) {
        ailib_result r = raw_chat(&s, stream, 2, &err);
        EXPECT_TRUE(r == AILIB_PROTOCOL || r == AILIB_NETWORK);
        EXPECT_FALSE(err.retryable);
        EXPECT_TRUE(err.message[0] != 0);
    }
    EXPECT_EQ(s.conns, 2);     /* one attempt per call: nothing to gain from another */
    raw_stop(&s);
}

TEST(hardening_oversized_response_headers_are_too_large) {
    raw_server s;
    ailib_error err;
    ASSERT_TRUE(raw_start(&s, NULL, 1024));    /* 1 MiB of header lines */
    EXPECT_EQ(raw_chat(&s, 0, 2, &err), AILIB_TOO_LARGE);
    EXPECT_FALSE(err.retryable);
    EXPECT_EQ(s.conns, 1);
    raw_stop(&s);
}

TEST(hardening_not_http_at_all) {
    raw_server s;
    ailib_error err;
    ASSERT_TRUE(raw_start(&s, "SSH-2.0-OpenSSH_9.2\r\n", 0));
    EXPECT_EQ(raw_chat(&s, 0, 2, &err), AILIB_PROTOCOL);
    EXPECT_FALSE(err.retryable);
    EXPECT_EQ(s.conns, 1);
    raw_stop(&s);
}

/* --- injection through configuration ------------------------------------------------------- */

TEST(hardening_control_bytes_in_configuration_are_refused) {
    static const char *const keys[] = { "sk-abc\r\nX-Injected: yes", "sk-abc\n", "sk-\x01" };
    ailib_client_desc d;
    ailib_error err;
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        memset(&d, 0, sizeof d);
        d.model = "openai/gpt-4o-mini";
        d.api_key = keys[i];
        EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
        EXPECT_EQ(err.code, AILIB_CONFIGURATION);
        EXPECT_TRUE(strstr(err.message, "desc.api_key") != NULL);
        EXPECT_TRUE(strstr(err.message, "sk-abc") == NULL);
    }
    /* a key from the environment, read from a file with its newline */
    setenv("OPENAI_API_KEY", "sk-from-file\n", 1);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "OPENAI_API_KEY") != NULL);
    EXPECT_TRUE(strstr(err.message, "newline") != NULL);
    unsetenv("OPENAI_API_KEY");
    memset(&d, 0, sizeof d);
    d.model = "azure/x";
    d.api_key = "k-123456";
    d.base_url = "https://x.example";
    d.api_version = "2024-10-21\r\nX: y";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "api_version") != NULL);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "k-123456";
    d.base_url = "http://127.0.0.1:1/v1\r\nHost: evil";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
    /* the wire level refuses the same endpoint strings */
    {
        ailib_endpoint ep;
        ailib_message msg;
        ailib_request req;
        ailib_wire_request wr;
        memset(&ep, 0, sizeof ep);
        req = replay_one_message(&msg, "hi");
        ep.provider = ailib_provider_find("openai");
        ep.api_key = "sk-abc\r\nX-Injected: yes";
        EXPECT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_INVALID_ARGUMENT);
        EXPECT_TRUE(strstr(err.message, "X-Injected") == NULL);
        ep.api_key = "k";
        ep.base_url = "gopher://127.0.0.1:70/_x";
        EXPECT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_INVALID_ARGUMENT);
        EXPECT_EQ(ailib_wire_models_build(&ep, &wr, &err), AILIB_INVALID_ARGUMENT);
    }
}

TEST(hardening_only_http_and_https) {
    static const char *const urls[] = { "gopher://127.0.0.1:70/_x", "dict://127.0.0.1:11211/stat", "file:///etc/passwd",
                                        "ftp://127.0.0.1/x", "ldap://127.0.0.1/" };
    ailib_client_desc d;
    ailib_error err;
    size_t i;
    for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        memset(&d, 0, sizeof d);
        d.model = "openai/gpt-4o-mini";
        d.api_key = "k-123456";
        d.base_url = urls[i];
        EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
        EXPECT_EQ(err.code, AILIB_CONFIGURATION);
        EXPECT_TRUE(strstr(err.message, "http") != NULL);
    }
}

TEST(hardening_placeholders_only_in_catalog_urls) {
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    setenv("AILIB_TEST_SECRET", "s3cr3t", 1);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "k-123456";
    d.base_url = "https://collector.example/{AILIB_TEST_SECRET}/v1";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "s3cr3t") == NULL);
    setenv("OPENAI_BASE_URL", "https://collector.example/{AILIB_TEST_SECRET}", 1);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "k-123456";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "OPENAI_BASE_URL") != NULL);
    unsetenv("OPENAI_BASE_URL");
    unsetenv("AILIB_TEST_SECRET");
    /* catalog placeholders are filled; the portal's trailing slash and a missing scheme are fine */
    {
        static const char *const endpoints[] = { "https://myres.openai.azure.com/", "myres.openai.azure.com",
                                                 "https://myres.openai.azure.com" };
        size_t i;
        for (i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
            logbuf lb;
            memset(&lb, 0, sizeof lb);
            setenv("AZURE_OPENAI_ENDPOINT", endpoints[i], 1);
            memset(&d, 0, sizeof d);
            d.model = "azure/my-deployment";
            d.api_key = "k-123456";
            d.log = log_to;
            d.log_user = &lb;
            ASSERT_TRUE((c = ailib_client_create(&d, &err)) != NULL);
            EXPECT_TRUE(strstr(lb.text, "(https://myres.openai.azure.com/openai/v1)") != NULL);
            ailib_client_destroy(c);
        }
    }
    unsetenv("AZURE_OPENAI_ENDPOINT");
}

TEST(hardening_model_ids_are_one_path_segment) {
    static const char *const models[] = { "../../x", "x?alt=json#", "a/b c:d%" };
    static const char *const want[] = { "/models/..%2F..%2Fx:generateContent", "/models/x%3Falt%3Djson%23:generateContent",
                                        "/models/a%2Fb%20c%3Ad%25:generateContent" };
    size_t i;
    for (i = 0; i < sizeof models / sizeof models[0]; i++) {
        ailib_endpoint ep;
        ailib_message msg;
        ailib_request req;
        ailib_wire_request wr;
        ailib_error err;
        const char *path;
        memset(&ep, 0, sizeof ep);
        req = replay_one_message(&msg, "hi");
        req.model = models[i];
        ep.provider = ailib_provider_find("gemini");
        ep.base_url = "https://g.example/v1beta";
        ep.api_key = "k-123456";
        ASSERT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_OK);
        path = wr.url + strlen("https://g.example/v1beta");
        EXPECT_STR_EQ(path, want[i]);
        ailib_wire_request_deinit(&wr);
    }
    /* Bedrock and Azure put the model in the path too */
    {
        ailib_endpoint ep;
        ailib_message msg;
        ailib_request req;
        ailib_wire_request wr;
        ailib_error err;
        memset(&ep, 0, sizeof ep);
        req = replay_one_message(&msg, "hi");
        req.model = "../x?y";
        {
        ailib_provider_info az = *ailib_provider_find("azure");
        az.quirks |= AILIB_Q_AZURE_DEPLOYMENTS;      /* the classic deployments path */
        ep.provider = &az;
        ep.base_url = "https://a.example";
        ep.api_key = "k-123456";
        ASSERT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_OK);
        EXPECT_TRUE(strstr(wr.url, "..%2Fx%3Fy") != NULL);
        ailib_wire_request_deinit(&wr);
        ep.provider = ailib_provider_find("bedrock");
        ep.base_url = "https://b.example";
        ASSERT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_OK);
        EXPECT_STR_EQ(wr.url, "https://b.example/model/..%2Fx%3Fy/converse");
        ailib_wire_request_deinit(&wr);
        }
    }
}

TEST(hardening_long_header_values_arrive_whole) {
    char key[3001], *body;
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    int status = 0;
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = 0;
    memset(&d, 0, sizeof d);
    d.api_key = key;
    ASSERT_TRUE((c = mock_client("openai/gpt-4o-mini", NULL, "/v1", &d)) != NULL);
    EXPECT_EQ(chat_once(c, 0, NULL, &err), AILIB_OK);
    body = mock_http(replay_need_mock(), "GET", "/_mock/last_request", &status);
    ASSERT_TRUE(body != NULL);
    {
        char want[3100];
        snprintf(want, sizeof want, "\"authorization\":\"Bearer %s\"", key);
        EXPECT_TRUE(strstr(body, want) != NULL);
    }
    free(body);
    ailib_client_destroy(c);
}

/* A TLS server whose certificate the system does not trust: AILIB_TLS at once, no retries. */
TEST(hardening_certificate_failure_is_not_retried) {
    char cmd[512], base[64];
    int port = 0, i;
    pid_t pid;
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    logbuf lb;
    if (system("command -v openssl >/dev/null 2>&1") != 0) TEST_SKIP("openssl is not installed");
    if (system("openssl req -x509 -newkey rsa:2048 -nodes -keyout build/hardening-key.pem -out build/hardening-cert.pem "
               "-days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1") != 0) TEST_SKIP("openssl could not make a certificate");
    /* a free port: bind 0, read it, close, hand it to s_server */
    {
        raw_server probe;
        ASSERT_TRUE(raw_start(&probe, "x", 0));
        port = probe.port;
        raw_stop(&probe);
    }
    pid = fork();
    ASSERT_TRUE(pid >= 0);
    if (pid == 0) {
        snprintf(cmd, sizeof cmd, "%d", port);
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
        execlp("openssl", "openssl", "s_server", "-quiet", "-accept", cmd, "-cert", "build/hardening-cert.pem",
               "-key", "build/hardening-key.pem", "-www", (char *)NULL);
        _exit(127);
    }
    snprintf(base, sizeof base, "https://127.0.0.1:%d/v1", port);
    for (i = 0; i < 100; i++) {       /* wait until it accepts */
        struct timespec ts = { 0, 20000000L };
        {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in a;
            memset(&a, 0, sizeof a);
            a.sin_family = AF_INET;
            a.sin_port = htons((unsigned short)port);
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) { close(fd); break; }
            close(fd);
        }
        nanosleep(&ts, NULL);
    }
    memset(&d, 0, sizeof d);
    memset(&lb, 0, sizeof lb);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "k-123456";
    d.base_url = base;
    d.max_retries = 3;
    d.log = log_to;            /* each retry would be a log line */
    d.log_user = &lb;
    c = ailib_client_create(&d, &err);
    if (c) {
        EXPECT_EQ(chat_once(c, 0, NULL, &err), AILIB_TLS);
        EXPECT_FALSE(err.retryable);
        EXPECT_TRUE(strstr(lb.text, "retry") == NULL);
        EXPECT_TRUE(strstr(err.message, "CA certificates") != NULL);
        ailib_client_destroy(c);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

/* --- re-entrancy: what a callback may do with its own client ---------------------------------- */

typedef struct reent { ailib_client *c; ailib_call *call; int mode, events, inner; ailib_result inner_r; } reent;

static int reent_cb(void *user, const ailib_event *ev) {
    reent *r = (reent *)user;
    if (ev->type != AILIB_EVENT_TEXT_DELTA) return 0;
    if (++r->events > 1) return 0;
    if (r->mode == 0) r->inner_r = ailib_call_finish(r->call, NULL, NULL);      /* its own call */
    else if (r->mode == 1) ailib_client_destroy(r->c);                          /* its own client */
    else if (r->mode == 2) {                                                    /* a blocking call on it */
        ailib_message msg;
        ailib_request req;
        ailib_error err;
        req = replay_one_message(&msg, "inner");
        r->inner_r = ailib_chat(r->c, &req, NULL, &err);
        r->inner = strstr(err.message, "inside a callback") != NULL;
    } else if (r->mode == 3) {                                                  /* a new call on it */
        ailib_message msg;
        ailib_request req;
        ailib_call_desc cd;
        req = replay_one_message(&msg, "second");
        memset(&cd, 0, sizeof cd);
        r->inner_r = ailib_chat_start(r->c, &req, &cd, &r->call, NULL);
    } else if (r->mode == 4) r->inner_r = ailib_client_poll(r->c, 0);
    return 0;
}

static ailib_call *reent_start(reent *r, const char *spec, int mode) {
    ailib_message msg;
    ailib_request req;
    ailib_call_desc cd;
    memset(r, 0, sizeof *r);
    r->mode = mode;
    r->c = mock_client("openai/gpt-4o-mini", spec, "/v1", NULL);
    if (!r->c) return NULL;
    req = replay_one_message(&msg, "one two three four five");
    memset(&cd, 0, sizeof cd);
    cd.stream = 1;
    cd.on_event = reent_cb;
    cd.user = r;
    if (ailib_chat_start(r->c, &req, &cd, &r->call, NULL) != AILIB_OK) return NULL;
    return r->call;
}

TEST(hardening_finish_from_own_callback) {
    reent r;
    double t0 = ms_now();
    ASSERT_TRUE(reent_start(&r, "chunk_delay_ms=5", 0) != NULL);
    while (ailib_client_active_calls(r.c) && ms_now() - t0 < 10000) ailib_client_poll(r.c, 50);
    EXPECT_EQ(r.inner_r, AILIB_CANCELLED);
    EXPECT_EQ(r.events, 1);                 /* nothing after the finish */
    EXPECT_EQ(ailib_client_active_calls(r.c), 0);
    ailib_client_destroy(r.c);              /* ASan/valgrind: the call was freed once, after the callback */
}

TEST(hardening_destroy_from_own_callback) {
    reent r;
    int polls = 0;
    ASSERT_TRUE(reent_start(&r, "chunk_delay_ms=5", 1) != NULL);
    while (polls++ < 1000 && ailib_client_poll(r.c, 50) == AILIB_OK) {}
    EXPECT_LT(polls, 1000);                 /* the poll that ran the callback returned CANCELLED: the client is gone */
    EXPECT_EQ(r.events, 1);
    /* the same from inside a blocking stream */
    {
        reent b;
        ailib_message msg;
        ailib_request req;
        ailib_error err;
        memset(&b, 0, sizeof b);
        b.mode = 1;
        ASSERT_TRUE((b.c = mock_client("anthropic/claude-haiku-5-5", "chunk_delay_ms=5", "/v1", NULL)) != NULL);
        req = replay_one_message(&msg, "one two three four");
        EXPECT_EQ(ailib_chat_stream(b.c, &req, reent_cb, &b, NULL, &err), AILIB_CANCELLED);
        EXPECT_EQ(b.events, 1);
    }
}

TEST(hardening_blocking_call_and_poll_inside_callback_are_refused) {
    reent r;
    double t0 = ms_now();
    ASSERT_TRUE(reent_start(&r, NULL, 2) != NULL);
    while (ailib_client_active_calls(r.c) && ms_now() - t0 < 10000) ailib_client_poll(r.c, 50);
    EXPECT_EQ(r.inner_r, AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(r.inner);
    EXPECT_EQ(ailib_call_finish(r.call, NULL, NULL), AILIB_OK);
    ailib_client_destroy(r.c);
    t0 = ms_now();
    ASSERT_TRUE(reent_start(&r, NULL, 4) != NULL);
    while (ailib_client_active_calls(r.c) && ms_now() - t0 < 10000) ailib_client_poll(r.c, 50);
    EXPECT_EQ(r.inner_r, AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_call_finish(r.call, NULL, NULL), AILIB_OK);
    ailib_client_destroy(r.c);
}

TEST(hardening_call_started_inside_callback_runs) {
    reent r;
    ailib_call *first;
    ailib_response *resp = NULL;
    double t0 = ms_now();
    ASSERT_TRUE((first = reent_start(&r, NULL, 3)) != NULL);
    while (ailib_client_active_calls(r.c) && ms_now() - t0 < 10000) ailib_client_poll(r.c, 50);
    EXPECT_EQ(r.inner_r, AILIB_OK);
    ASSERT_TRUE(r.call != first);
    EXPECT_EQ(ailib_call_finish(first, NULL, NULL), AILIB_OK);
    EXPECT_EQ(ailib_call_finish(r.call, &resp, NULL), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "Hello from ailib-mock. You said: second");
    ailib_response_destroy(resp);
    ailib_client_destroy(r.c);
}

/* --- threads: cancel from another thread while the owner polls --------------------------------- */

static void *cancel_later(void *arg) {
    struct timespec ts = { 0, 150 * 1000000L };
    nanosleep(&ts, NULL);
    ailib_call_cancel((ailib_call *)arg);
    return NULL;
}

TEST(hardening_cancel_from_another_thread) {
    ailib_client *c = mock_client("openai/gpt-4o-mini", "chunk_delay_ms=500", "/v1", NULL);
    ailib_message msg;
    ailib_request req;
    ailib_call_desc cd;
    ailib_call *call;
    ailib_response *resp = NULL;
    ailib_error err;
    pthread_t th;
    double t0;
    ASSERT_TRUE(c != NULL);
    req = replay_one_message(&msg, "a b c d e f g h i j k l m n o p q r s t u v w x y z");
    memset(&cd, 0, sizeof cd);
    cd.stream = 1;
    ASSERT_EQ(ailib_chat_start(c, &req, &cd, &call, NULL), AILIB_OK);
    ASSERT_EQ(pthread_create(&th, NULL, cancel_later, call), 0);
    t0 = ms_now();
    while (!ailib_call_done(call) && ms_now() - t0 < 20000) {
        ailib_event ev;
        ailib_client_poll(c, 5000);       /* the cancel's wakeup ends this wait */
        while (ailib_call_next_event(call, &ev) == AILIB_OK) {}
    }
    pthread_join(th, NULL);
    EXPECT_LT(ms_now() - t0, 8000);       /* liveness: the stream would run 13 s */
    EXPECT_EQ(ailib_call_finish(call, &resp, &err), AILIB_CANCELLED);
    EXPECT_TRUE(resp != NULL);
    ailib_response_destroy(resp);
    ailib_client_destroy(c);
}

/* --- an in-stream error before any output is retried, and its event held back ------------------ */

typedef struct evcount { int errors, texts; } evcount;
static int count_events(void *user, const ailib_event *e) {
    evcount *n = (evcount *)user;
    if (e->type == AILIB_EVENT_ERROR) n->errors++;
    if (e->type == AILIB_EVENT_TEXT_DELTA) n->texts++;
    return 0;
}

TEST(hardening_instream_error_before_output_is_retried) {
    const char *spec = "times=2,ctype=text%2Fevent-stream,body=event:%20error%0Adata:%20%7B%22type%22:%22error%22%2C%22error%22:"
                       "%7B%22type%22:%22overloaded_error%22%2C%22message%22:%22Overloaded%22%7D%7D%0A%0A";
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "retry me");
    ailib_response *r = NULL;
    ailib_error err;
    evcount n;
    memset(&d, 0, sizeof d);
    d.max_retries = 2;
    d.max_retry_wait_ms = 1;            /* no backoff sleeps: the hint-less backoff still applies */
    ASSERT_TRUE((c = mock_client("anthropic/claude-haiku-5-5", spec, "/v1", &d)) != NULL);
    memset(&n, 0, sizeof n);
    EXPECT_EQ(ailib_chat_stream(c, &req, count_events, &n, &r, &err), AILIB_OK);
    EXPECT_EQ(n.errors, 0);              /* the first two attempts' errors were replaced by the retry */
    EXPECT_GT(n.texts, 0);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: retry me");
    EXPECT_EQ(mock_count(replay_need_mock(), spec), 3);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    /* without retries left, the held error is delivered once, with the call's error */
    memset(&d, 0, sizeof d);
    d.max_retries = -1;
    spec = "tag=held,times=2,ctype=text%2Fevent-stream,body=event:%20error%0Adata:%20%7B%22type%22:%22error%22%2C%22error%22:"
           "%7B%22type%22:%22overloaded_error%22%2C%22message%22:%22Overloaded%22%7D%7D%0A%0A";
    ASSERT_TRUE((c = mock_client("anthropic/claude-haiku-5-5", spec, "/v1", &d)) != NULL);
    memset(&n, 0, sizeof n);
    r = NULL;
    EXPECT_EQ(ailib_chat_stream(c, &req, count_events, &n, &r, &err), AILIB_OVERLOADED);
    EXPECT_EQ(n.errors, 1);
    EXPECT_STR_EQ(err.provider_type, "overloaded_error");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

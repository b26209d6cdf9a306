/* The fault matrix: every protocol x every fault ailib-mock injects, run through the real
   libcurl path. Each case asserts the result code, the error fields, the attempts the server
   counted (/_mock/stats), a liveness bound and, for streams, the partial response kept.

   The expectations are the hardening specification (issue 8, item 9), not what today's code
   happens to do: a case that fails names the fault, the protocol and what differed.

   Cases run concurrently: worker threads, one client per case (each case has its own base URL
   and settings), against a mock server of their own, so its counters hold only these cases.
   Each case's spec carries tag=<n>, which makes its counter unique. Retried statuses carry a
   1 ms retry hint, so backoff does not sleep. With AILIB_TEST_QUICK (valgrind, ASan) every
   fault still runs once, on a protocol that rotates from fault to fault. */
#include "test.h"
#include "mockctl.h"
#include "../ailib.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FM_LIVENESS_MS 30000       /* no case may take longer: a hang, not a slow machine */
#define FM_CAP         65536       /* max_response_bytes of the size cases */
#define FM_SIZE_DEADLINE 4000      /* timeout_ms of the cases that grow without end */
#define FM_MAX_CASES   800

enum { FM_OPENAI, FM_ANTHROPIC, FM_GEMINI, FM_OLLAMA, FM_COHERE, FM_RESPONSES, FM_BEDROCK, FM_NPROTO };

static const struct { const char *name, *model, *suffix; } fm_protos[FM_NPROTO] = {
    { "openai", "openai/gpt-4o-mini", "/v1" },
    { "anthropic", "anthropic/claude-haiku-5-5", "/v1" },
    { "gemini", "gemini/gemini-2.5-flash", "/v1beta" },
    { "ollama", "ollama/llama3.2", "" },
    { "cohere", "cohere/command-a-03-2025", "/v2" },
    { "responses", "openai-responses/gpt-4o-mini", "/v1" },
    { "bedrock", "bedrock/us.amazon.nova-micro-v1:0", "" },
};

typedef struct fm_case fm_case;
typedef void (*fm_check_fn)(fm_case *c);

struct fm_case {
    char label[160];                 /* "status 429 / gemini U" */
    int proto, stream;
    char spec[700];                  /* the /x/ spec, tag included: also the counter's name */
    char base[900];                  /* the client's base URL */
    ailib_client_desc desc;          /* settings of this case (model, URL and key set later) */
    fm_check_fn check;
    int status;                      /* the status or other number the case is about */
    int64_t want_ra;                 /* expected retry_after_ms */
    long want_attempts;
    char loc_spec[64];               /* redirects: the spec of the Location, which must see nothing */
    /* what happened */
    ailib_result got;
    ailib_error err;
    double ms;
    long attempts, loc_count;
    int retry_logs;
    char text[128];                  /* the start of the response's text, and its length */
    size_t text_len, calls, args_bytes;
    int has_response;
};

static struct {
    mock_server m;
    int dead_port;                   /* a loopback port nobody listens on */
    fm_case *cases;
    size_t n, next;
    pthread_mutex_t mu;
} fm;

static double fm_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Percent-encodes s for a spec value (everything but unreserved characters and ':'). */
static void fm_pct(char *out, size_t cap, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s && o + 4 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || strchr("-._~:", ch)) out[o++] = (char)ch;
        else { out[o++] = '%'; out[o++] = hex[ch >> 4]; out[o++] = hex[ch & 15]; }
    }
    out[o] = 0;
}

/* An IMF-fixdate in English whatever the locale: "Sun, 06 Nov 1994 08:49:37 GMT". */
static void fm_http_date(char *out, size_t cap, time_t t) {
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A port that refuses connections: bound, never listened on, closed. */
static int fm_closed_port(void) {
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 1;
    if (fd < 0) return 1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && getsockname(fd, (struct sockaddr *)&sa, &len) == 0) port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

/* --- checks (main thread only: the harness is not thread-safe) ------------------------------ */

static void fm_fail(const fm_case *c, int line, const char *what, const char *got, const char *want) {
    ailib_test_fail(__FILE__, line, "%s: %s is %s, want %s [%s: %s]", c->label, what, got, want, ailib_result_name(c->got), c->err.message);
}

static void fm_eq(const fm_case *c, int line, const char *what, long long got, long long want) {
    char g[32], w[32];
    if (got == want) return;
    snprintf(g, sizeof g, "%lld", got);
    snprintf(w, sizeof w, "%lld", want);
    fm_fail(c, line, what, g, w);
}

static void fm_code(const fm_case *c, int line, ailib_result want) {
    if (c->got != want) fm_fail(c, line, "the result", ailib_result_name(c->got), ailib_result_name(want));
    else if (c->err.code != want) fm_fail(c, line, "err.code", ailib_result_name(c->err.code), ailib_result_name(want));
}

static void fm_str(const fm_case *c, int line, const char *what, const char *got, const char *want) {
    if (strcmp(got, want) != 0) {
        char g[200], w[200];
        snprintf(g, sizeof g, "\"%.180s\"", got);
        snprintf(w, sizeof w, "\"%.180s\"", want);
        fm_fail(c, line, what, g, w);
    }
}

static void fm_has(const fm_case *c, int line, const char *what, const char *hay, const char *needle, int want) {
    if ((strstr(hay, needle) != NULL) != want) fm_fail(c, line, what, want ? "without it" : "with it", needle);
}

#define FM_CODE(want) fm_code(c, __LINE__, want)
#define FM_EQ(what, got, want) fm_eq(c, __LINE__, what, (long long)(got), (long long)(want))
#define FM_STR(what, got, want) fm_str(c, __LINE__, what, got, want)
#define FM_HAS(what, hay, needle) fm_has(c, __LINE__, what, hay, needle, 1)
#define FM_HASNT(what, hay, needle) fm_has(c, __LINE__, what, hay, needle, 0)
#define FM_ATTEMPTS(n) FM_EQ("the attempts the server counted", c->attempts, n)

/* What every case must hold: a typed code that err.code repeats, a message, the time bound. */
static void fm_check_common(fm_case *c) {
    if (c->ms > FM_LIVENESS_MS) FM_EQ("the time (ms) over the liveness bound", (long long)c->ms, FM_LIVENESS_MS);
    if (c->got != AILIB_OK && !c->err.message[0]) fm_fail(c, __LINE__, "err.message", "empty", "a message");
    FM_HASNT("err.message", c->err.message, "test-key-");
}

/* The partial text of a stream that failed after its first delta: exactly that delta. */
static void fm_kept_first_delta(fm_case *c) {
    if (!c->has_response) { fm_fail(c, __LINE__, "the response", "NULL", "the partial response"); return; }
    FM_STR("the text kept", c->text, "Hello");
}

/* --- the specification, fault by fault -------------------------------------------------------- */

static void fm_check_refused(fm_case *c) {
    FM_CODE(AILIB_NETWORK);
    FM_EQ("err.retryable", c->err.retryable, 1);
    FM_EQ("err.http_status", c->err.http_status, 0);
    FM_EQ("retries logged", c->retry_logs, 2);
}

static void fm_check_network_retried(fm_case *c) {
    FM_CODE(AILIB_NETWORK);
    FM_EQ("err.retryable", c->err.retryable, 1);
    FM_ATTEMPTS(3);
}

static void fm_check_reset_head(fm_case *c) {
    fm_check_network_retried(c);
    FM_EQ("err.http_status", c->err.http_status, 0);
}

/* Cut after text reached the caller: not retried, the text stays. */
static void fm_check_cut_after_delta(fm_case *c) {
    FM_CODE(AILIB_NETWORK);
    FM_ATTEMPTS(1);
    fm_kept_first_delta(c);
}

static void fm_check_upgrade(fm_case *c) {
    if (c->got != AILIB_PROTOCOL && c->got != AILIB_NETWORK) fm_fail(c, __LINE__, "the result", ailib_result_name(c->got), "AILIB_PROTOCOL or AILIB_NETWORK");
    FM_EQ("err.code", c->err.code, c->got);
    FM_EQ("err.retryable", c->err.retryable, 0);
    FM_ATTEMPTS(1);
    FM_HAS("err.message", c->err.message, "101");
}

static void fm_check_redirect(fm_case *c) {
    char where[128];
    FM_CODE(AILIB_CONFIGURATION);
    FM_EQ("err.http_status", c->err.http_status, c->status);
    FM_EQ("err.retryable", c->err.retryable, 0);
    FM_ATTEMPTS(1);
    FM_EQ("requests that reached the Location", c->loc_count, 0);
    snprintf(where, sizeof where, "127.0.0.1:%d/x/%s", fm.m.port, c->loc_spec);
    FM_HAS("err.message (names the Location)", c->err.message, where);
    FM_HASNT("err.message (userinfo)", c->err.message, "hunter2");
    FM_HASNT("err.message (key= value)", c->err.message, "SECRETVALUE");
}

/* --- statuses with each provider's own error body --- */

typedef struct fm_status {
    int status;
    ailib_result code;
    int retried;
    /* what the body says: message; OpenAI type, code; Anthropic type; Google status */
    const char *message, *oa_type, *oa_code, *an_type, *g_status;
} fm_status;

/* The mock's error table, restated here rather than shared: the test reads what a provider
   would send. */
static const fm_status fm_statuses[] = {
    { 400, AILIB_INVALID_REQUEST, 0, "Invalid request (simulated by ailib-mock).", "invalid_request_error", "invalid_request", "invalid_request_error", "INVALID_ARGUMENT" },
    { 401, AILIB_AUTH, 0, "Incorrect API key provided (simulated by ailib-mock).", "invalid_request_error", "invalid_api_key", "authentication_error", "UNAUTHENTICATED" },
    { 403, AILIB_AUTH, 0, "Permission denied (simulated by ailib-mock).", "invalid_request_error", "permission_denied", "permission_error", "PERMISSION_DENIED" },
    { 404, AILIB_NOT_FOUND, 0, "The model does not exist or you do not have access to it (simulated by ailib-mock).", "invalid_request_error", "model_not_found", "not_found_error", "NOT_FOUND" },
    { 408, AILIB_TIMEOUT, 1, "Request timed out (simulated by ailib-mock).", "timeout_error", "timeout", "timeout_error", "DEADLINE_EXCEEDED" },
    { 409, AILIB_RATE_LIMITED, 1, "Conflict (simulated by ailib-mock).", "invalid_request_error", "conflict", "conflict_error", "ABORTED" },
    { 413, AILIB_TOO_LARGE, 0, "Request too large (simulated by ailib-mock).", "invalid_request_error", "request_too_large", "request_too_large", "INVALID_ARGUMENT" },
    { 422, AILIB_INVALID_REQUEST, 0, "Unprocessable request (simulated by ailib-mock).", "invalid_request_error", "unprocessable_entity", "invalid_request_error", "INVALID_ARGUMENT" },
    { 429, AILIB_RATE_LIMITED, 1, "Rate limit reached for requests (simulated by ailib-mock).", "requests", "rate_limit_exceeded", "rate_limit_error", "RESOURCE_EXHAUSTED" },
    { 500, AILIB_SERVER, 1, "The server had an error while processing your request (simulated by ailib-mock).", "server_error", "server_error", "api_error", "INTERNAL" },
    { 502, AILIB_SERVER, 1, "Bad gateway (simulated by ailib-mock).", "server_error", "bad_gateway", "api_error", "UNAVAILABLE" },
    { 503, AILIB_OVERLOADED, 1, "The model is overloaded. Please try again later (simulated by ailib-mock).", "server_error", "service_unavailable", "api_error", "UNAVAILABLE" },
    { 504, AILIB_TIMEOUT, 1, "Gateway timeout (simulated by ailib-mock).", "server_error", "timeout", "timeout_error", "DEADLINE_EXCEEDED" },
    { 529, AILIB_OVERLOADED, 1, "Overloaded", "server_error", "overloaded", "overloaded_error", "UNAVAILABLE" },
};
#define FM_NSTATUS (sizeof fm_statuses / sizeof fm_statuses[0])

static const fm_status *fm_status_row(int status) {
    size_t i;
    for (i = 0; i < FM_NSTATUS; i++) if (fm_statuses[i].status == status) return &fm_statuses[i];
    return NULL;
}

/* provider_type / provider_code / provider_message as each protocol's body says them. */
static void fm_provider_fields(fm_case *c, const fm_status *s) {
    char code[16];
    FM_STR("err.provider_message", c->err.provider_message, s->message);
    switch (c->proto) {
    case FM_OPENAI: case FM_RESPONSES:
        FM_STR("err.provider_type", c->err.provider_type, s->oa_type);
        FM_STR("err.provider_code", c->err.provider_code, s->oa_code);
        break;
    case FM_ANTHROPIC:
        FM_STR("err.provider_type", c->err.provider_type, s->an_type);
        FM_STR("err.provider_code", c->err.provider_code, "");
        break;
    case FM_GEMINI:
        snprintf(code, sizeof code, "%d", s->status);
        FM_STR("err.provider_type", c->err.provider_type, s->g_status);
        FM_STR("err.provider_code", c->err.provider_code, code);
        break;
    default: break;   /* Ollama, Cohere and Bedrock bodies hold only a message */
    }
}

static void fm_check_status(fm_case *c) {
    const fm_status *s = fm_status_row(c->status);
    FM_CODE(s->code);
    FM_EQ("err.http_status", c->err.http_status, s->status);
    FM_EQ("err.retryable", c->err.retryable, s->retried);
    FM_EQ("err.retry_after_ms", c->err.retry_after_ms, s->retried ? 1 : -1);
    FM_ATTEMPTS(s->retried ? 3 : 1);
    FM_HAS("err.request_id", c->err.request_id, "req_mock");
    fm_provider_fields(c, s);
}

static void fm_check_should_retry_false(fm_case *c) {
    FM_CODE(AILIB_OVERLOADED);
    FM_EQ("err.http_status", c->err.http_status, 503);
    FM_ATTEMPTS(1);
}

/* --- retry hints --- */

/* A hint that is waited for: retried (3 attempts) and reported. */
static void fm_check_hint_waited(fm_case *c) {
    FM_EQ("err.retry_after_ms", c->err.retry_after_ms, c->want_ra);
    FM_ATTEMPTS(3);
    FM_EQ("err.retryable", c->err.retryable, 1);
}

static void fm_check_hint_overloaded(fm_case *c) {
    FM_CODE(AILIB_OVERLOADED);
    fm_check_hint_waited(c);
}

static void fm_check_hint_rate_limited(fm_case *c) {
    FM_CODE(AILIB_RATE_LIMITED);
    fm_check_hint_waited(c);
}

/* A hint longer than max_retry_wait_ms: no wait, one attempt, the hint handed back. */
static void fm_check_hint_refused(fm_case *c) {
    FM_CODE(c->proto == FM_GEMINI && c->status == 429 ? AILIB_RATE_LIMITED : AILIB_OVERLOADED);
    FM_EQ("err.retry_after_ms", c->err.retry_after_ms, c->want_ra);
    FM_ATTEMPTS(1);
    FM_EQ("err.retryable", c->err.retryable, 1);
    FM_HAS("err.message", c->err.message, "max_retry_wait_ms");
}

/* An HTTP-date an hour ahead: about 3,600,000 ms (the seconds tick while the matrix runs). */
static void fm_check_hint_date_ahead(fm_case *c) {
    FM_CODE(AILIB_OVERLOADED);
    if (c->err.retry_after_ms < 3500000 || c->err.retry_after_ms > 3601000)
        FM_EQ("err.retry_after_ms (about an hour)", c->err.retry_after_ms, 3600000);
    FM_ATTEMPTS(1);
    FM_HAS("err.message", c->err.message, "max_retry_wait_ms");
}

/* --- timeouts --- */

static void fm_check_slow_headers(fm_case *c) {
    FM_CODE(AILIB_TIMEOUT);
    FM_EQ("err.retryable", c->err.retryable, 1);
    FM_ATTEMPTS(3);
}

static void fm_check_stall_after_delta(fm_case *c) {
    FM_CODE(AILIB_TIMEOUT);
    FM_EQ("err.http_status", c->err.http_status, 200);
    FM_ATTEMPTS(1);
    FM_HAS("err.message", c->err.message, "idle_timeout_ms");
    fm_kept_first_delta(c);
}

/* --- bodies that are not what they should be --- */

static void fm_check_html_unary(fm_case *c) {
    FM_CODE(AILIB_DESERIALIZATION);
    FM_EQ("err.http_status", c->err.http_status, 200);
    FM_EQ("err.retryable", c->err.retryable, 0);
    FM_ATTEMPTS(1);
    FM_HAS("err.message (quotes the body)", c->err.message, "<html><head><title>Service Unavailable");
}

static void fm_check_html_stream(fm_case *c) {
    if (c->got != AILIB_DESERIALIZATION && c->got != AILIB_PROTOCOL)
        fm_fail(c, __LINE__, "the result", ailib_result_name(c->got), "AILIB_DESERIALIZATION or AILIB_PROTOCOL");
    FM_EQ("err.code", c->err.code, c->got);
    FM_EQ("err.http_status", c->err.http_status, 200);
    FM_ATTEMPTS(1);
    FM_HAS("err.message (says what arrived)", c->err.message, "html");
    FM_HASNT("err.message", c->err.message, "truncated");
}

/* An error body sent with a 200: the provider's error, mapped as for its status. */
static void fm_check_error_200(fm_case *c) {
    const fm_status *s = fm_status_row(c->status);
    ailib_result want = s->code;
    int typed = c->proto != FM_OLLAMA && c->proto != FM_COHERE;   /* bodies without a type name nothing to map */
    if (!typed) want = AILIB_PROVIDER;
    FM_CODE(want);
    FM_EQ("err.http_status", c->err.http_status, 200);
    FM_EQ("err.retryable", c->err.retryable, typed && s->retried);
    FM_ATTEMPTS(typed && s->retried ? 3 : 1);
    fm_provider_fields(c, s);
}

static void fm_check_wrong_shape(fm_case *c) {
    FM_CODE(AILIB_DESERIALIZATION);
    FM_EQ("err.http_status", c->err.http_status, 200);
    FM_ATTEMPTS(1);
    if (c->err.json_path[0] != '$') fm_fail(c, __LINE__, "err.json_path", c->err.json_path[0] ? c->err.json_path : "empty", "a path from $");
}

static void fm_check_utf8_unary(fm_case *c) {
    FM_CODE(AILIB_JSON_UTF8);
    FM_EQ("err.byte_pos", c->err.byte_pos, 6);
    FM_ATTEMPTS(1);
}

static void fm_check_utf8_stream(fm_case *c) {
    if (c->got == AILIB_OK) fm_fail(c, __LINE__, "the result", "AILIB_OK", "an error");
    FM_EQ("err.code", c->err.code, c->got);
    FM_ATTEMPTS(1);
}

/* --- sizes --- */

static void fm_check_too_large_unary(fm_case *c) {
    FM_CODE(AILIB_TOO_LARGE);
    FM_EQ("err.retryable", c->err.retryable, 0);
    FM_ATTEMPTS(1);
    FM_HAS("err.message", c->err.message, "max_response_bytes");
}

/* A stream that grows without end: stopped at the cap well before the deadline (half of
   timeout_ms), keeping what arrived and no more than the cap. */
static void fm_check_too_large_stream(fm_case *c) {
    FM_CODE(AILIB_TOO_LARGE);
    FM_ATTEMPTS(1);
    FM_HAS("err.message", c->err.message, "max_response_bytes");
    if (c->ms > FM_SIZE_DEADLINE / 2) FM_EQ("the time (ms), well before the deadline", (long long)c->ms, FM_SIZE_DEADLINE / 2);
    if (!c->has_response) { fm_fail(c, __LINE__, "the response", "NULL", "the partial response"); return; }
    if (c->text_len == 0 || c->text_len > FM_CAP) FM_EQ("the text kept (bytes, at most the cap)", c->text_len, FM_CAP);
    FM_HAS("the text kept", c->text, "lorem ipsum");
}

static void fm_check_flood(fm_case *c) {
    FM_CODE(AILIB_TOO_LARGE);
    FM_ATTEMPTS(1);
    if (c->ms > FM_SIZE_DEADLINE / 2) FM_EQ("the time (ms), well before the deadline", (long long)c->ms, FM_SIZE_DEADLINE / 2);
    if (!c->has_response) { fm_fail(c, __LINE__, "the response", "NULL", "the partial response"); return; }
    if (c->calls == 0) fm_fail(c, __LINE__, "the tool calls kept", "0", "those that arrived");
    if (c->args_bytes > FM_CAP) FM_EQ("the argument bytes kept (at most the cap)", c->args_bytes, FM_CAP);
}

/* The bomb's own check: a small one (under the cap) decodes to a valid reply. */
static void fm_check_gzip_ok(fm_case *c) {
    FM_CODE(AILIB_OK);
    FM_ATTEMPTS(1);
    if (c->text_len < (c->stream ? 1000 : 15000)) FM_EQ("the text (bytes)", c->text_len, c->stream ? 1000 : 15000);
    FM_HAS("the text", c->text, "lorem ipsum");
}

/* --- building the cases ------------------------------------------------------------------------ */

static fm_case *fm_add(const char *fault, int proto, int stream, const char *spec, fm_check_fn check) {
    fm_case *c;
    if (fm.n >= FM_MAX_CASES) return NULL;
    c = &fm.cases[fm.n];
    memset(c, 0, sizeof *c);
    snprintf(c->label, sizeof c->label, "%s / %s %s", fault, fm_protos[proto].name, stream ? "stream" : "unary");
    c->proto = proto;
    c->stream = stream;
    c->check = check;
    c->want_ra = -1;
    snprintf(c->spec, sizeof c->spec, "tag=%lu%s%s", (unsigned long)fm.n, spec[0] ? "," : "", spec);
    mock_url(&fm.m, c->spec, fm_protos[proto].suffix, c->base, sizeof c->base);
    c->desc.max_retries = 2;
    c->desc.timeout_ms = 30000;
    c->desc.max_retry_wait_ms = 1000;
    c->desc.max_response_bytes = FM_CAP;
    fm.n++;
    return c;
}

/* One fault on every protocol, or (quick runs) on the one whose turn it is. `only` limits a
   fault to one protocol (-1: all). */
typedef struct fm_builder { int row, quick; } fm_builder;

static int fm_wants(fm_builder *b, int proto, int only) {
    if (only >= 0) return proto == only;
    return !b->quick || proto == b->row % FM_NPROTO;
}

static void fm_row(fm_builder *b, const char *fault, int stream, const char *spec, fm_check_fn check, int only,
                   void (*tweak)(fm_case *c, const void *user), const void *user) {
    int p;
    for (p = 0; p < FM_NPROTO; p++) {
        fm_case *c;
        if (!fm_wants(b, p, only)) continue;
        c = fm_add(fault, p, stream, spec, check);
        if (c && tweak) tweak(c, user);
    }
    b->row++;
}

static void fm_tweak_status(fm_case *c, const void *user) { c->status = *(const int *)user; }
static void fm_tweak_ra(fm_case *c, const void *user) { c->want_ra = *(const int64_t *)user; }
static void fm_tweak_ra429(fm_case *c, const void *user) { c->want_ra = *(const int64_t *)user; c->status = 429; }
static void fm_tweak_slow(fm_case *c, const void *user) { (void)user; c->desc.first_byte_timeout_ms = 400; }
static void fm_tweak_idle(fm_case *c, const void *user) { (void)user; c->desc.idle_timeout_ms = 300; }
static void fm_tweak_size(fm_case *c, const void *user) { (void)user; c->desc.timeout_ms = FM_SIZE_DEADLINE; }

static void fm_tweak_refused(fm_case *c, const void *user) {
    (void)user;
    snprintf(c->base, sizeof c->base, "http://127.0.0.1:%d%s", fm.dead_port, fm_protos[c->proto].suffix);
}

static void fm_tweak_redirect(fm_case *c, const void *user) {
    char loc[300], enc[600];
    c->status = *(const int *)user;
    snprintf(c->loc_spec, sizeof c->loc_spec, "tag=loc%lu", (unsigned long)(c - fm.cases));
    snprintf(loc, sizeof loc, "http://alice:hunter2@127.0.0.1:%d/x/%s/v1/chat/completions?key=SECRETVALUE&a=1", fm.m.port, c->loc_spec);
    fm_pct(enc, sizeof enc, loc);
    snprintf(c->spec + strlen(c->spec), sizeof c->spec - strlen(c->spec), ",status=%d,location=%s", c->status, enc);
    mock_url(&fm.m, c->spec, fm_protos[c->proto].suffix, c->base, sizeof c->base);
}

/* The error body of each protocol's own kind of error, sent with a 200. */
static void fm_tweak_error_200(fm_case *c, const void *user) {
    static const int status_of[FM_NPROTO] = { 429, 529, 503, 500, 500, 429, 429 };
    (void)user;
    c->status = status_of[c->proto];
    snprintf(c->spec + strlen(c->spec), sizeof c->spec - strlen(c->spec), ",error_body=%d,retry_after_ms=1", c->status);
    mock_url(&fm.m, c->spec, fm_protos[c->proto].suffix, c->base, sizeof c->base);
}

/* A body of the wrong shape for each protocol, besides {}. */
static void fm_tweak_wrong_shape(fm_case *c, const void *user) {
    static const char *const bodies[FM_NPROTO] = {
        "%7B%22choices%22:[%7B%22message%22:%7B%22content%22:5%7D%7D]%7D",   /* {"choices":[{"message":{"content":5}}]} */
        "%7B%22content%22:5%7D",                                             /* {"content":5} */
        "[]",
        "%7B%22message%22:%7B%22content%22:5%7D%7D",                         /* {"message":{"content":5}} */
        "%7B%22message%22:%7B%22content%22:5%7D%7D",
        "%7B%22output%22:%7B%7D%7D",                                         /* {"output":{}} */
        "%7B%22output%22:%7B%22message%22:%7B%22content%22:5%7D%7D%7D",     /* {"output":{"message":{"content":5}}} */
    };
    (void)user;
    snprintf(c->spec + strlen(c->spec), sizeof c->spec - strlen(c->spec), ",body=%s", bodies[c->proto]);
    mock_url(&fm.m, c->spec, fm_protos[c->proto].suffix, c->base, sizeof c->base);
}

static void fm_build(int quick) {
    static const int redirects[] = { 301, 302, 307, 308 };
    static const char *const hostile_ignored[] = { "inf", "nan", "-5", "0x10", "Fri%2C%2001%20Jan%2099999%2000:00:00%20GMT",
                                                   "Fri%2C%2001%20Jan%202100%2099999999:00:00%20GMT" };
    static const int64_t minus1 = -1, huge = (int64_t)1 << 42, r2000 = 2000, r50 = 50, r30 = 30, r0 = 0, r40 = 40;
    fm_builder b;
    char spec[400], date[64], enc[128];
    size_t i;
    b.row = 0;
    b.quick = quick;

    /* connections */
    fm_row(&b, "connection refused", 0, "", fm_check_refused, -1, fm_tweak_refused, NULL);
    fm_row(&b, "reset before headers", 0, "reset_head=1", fm_check_reset_head, -1, NULL, NULL);
    fm_row(&b, "reset mid-body", 0, "reset_after=60", fm_check_network_retried, -1, NULL, NULL);
    fm_row(&b, "reset mid-stream after text", 1, "reset_after=delta", fm_check_cut_after_delta, -1, NULL, NULL);
    fm_row(&b, "chunked body cut without its last chunk", 0, "chunked=1,eof_after=60", fm_check_network_retried, -1, NULL, NULL);
    fm_row(&b, "chunked stream cut after text", 1, "eof_after=delta", fm_check_cut_after_delta, -1, NULL, NULL);
    fm_row(&b, "101 then bytes", 0, "upgrade=1", fm_check_upgrade, -1, NULL, NULL);
    for (i = 0; i < sizeof redirects / sizeof redirects[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "redirect %d", redirects[i]);
        fm_row(&b, name, 0, "", fm_check_redirect, -1, fm_tweak_redirect, (const void *)&redirects[i]);
    }

    /* statuses with the provider's own error body */
    for (i = 0; i < FM_NSTATUS; i++) {
        char name[32];
        snprintf(name, sizeof name, "status %d", fm_statuses[i].status);
        snprintf(spec, sizeof spec, "status=%d%s", fm_statuses[i].status, fm_statuses[i].retried ? ",retry_after_ms=1" : "");
        fm_row(&b, name, 0, spec, fm_check_status, -1, fm_tweak_status, (const void *)&fm_statuses[i].status);
    }
    fm_row(&b, "x-should-retry: false", 0, "status=503,header=x-should-retry:false", fm_check_should_retry_false, -1, NULL, NULL);

    /* retry hints: readable ones, then hostile ones (max_retry_wait_ms is 1000 here) */
    fm_row(&b, "retry-after 2 (over max_retry_wait_ms)", 0, "status=503,header=retry-after:2", fm_check_hint_refused, -1, fm_tweak_ra, (const void *)&r2000);
    fm_row(&b, "retry-after 0.05", 0, "status=503,header=retry-after:0.05", fm_check_hint_overloaded, -1, fm_tweak_ra, (const void *)&r50);
    fm_row(&b, "retry-after-ms 30", 0, "status=503,header=retry-after-ms:30", fm_check_hint_overloaded, -1, fm_tweak_ra, (const void *)&r30);
    fm_http_date(date, sizeof date, time(NULL) + 3600);
    fm_pct(enc, sizeof enc, date);
    snprintf(spec, sizeof spec, "status=503,header=retry-after:%s", enc);
    fm_row(&b, "retry-after HTTP-date an hour ahead", 0, spec, fm_check_hint_date_ahead, -1, NULL, NULL);
    fm_row(&b, "retry-after HTTP-date in the past", 0, "status=503,header=retry-after:Thu%2C%2001%20Jan%201970%2000:00:00%20GMT",
           fm_check_hint_overloaded, -1, fm_tweak_ra, (const void *)&r0);
    for (i = 0; i < sizeof hostile_ignored / sizeof hostile_ignored[0]; i++) {
        char name[96];
        snprintf(name, sizeof name, "hostile retry-after %.60s (ignored)", hostile_ignored[i]);
        snprintf(spec, sizeof spec, "status=503,header=retry-after:%s", hostile_ignored[i]);
        fm_row(&b, name, 0, spec, fm_check_hint_overloaded, -1, fm_tweak_ra, (const void *)&minus1);
    }
    fm_row(&b, "hostile retry-after 1e300 (clamped)", 0, "status=503,header=retry-after:1e300", fm_check_hint_refused, -1, fm_tweak_ra, (const void *)&huge);
    fm_row(&b, "Gemini RetryInfo 0.04s", 0, "status=429,retry_delay=0.04s", fm_check_hint_rate_limited, FM_GEMINI, fm_tweak_ra429, (const void *)&r40);
    fm_row(&b, "Gemini RetryInfo -5s (ignored)", 0, "status=429,retry_delay=-5s", fm_check_hint_rate_limited, FM_GEMINI, fm_tweak_ra429, (const void *)&minus1);
    fm_row(&b, "Gemini RetryInfo 300000000000s (clamped)", 0, "status=429,retry_delay=300000000000s", fm_check_hint_refused, FM_GEMINI,
           fm_tweak_ra429, (const void *)&huge);

    /* timeouts */
    fm_row(&b, "slow headers", 0, "head_delay_ms=150", fm_check_slow_headers, -1, fm_tweak_slow, NULL);
    fm_row(&b, "stall after text", 1, "stall_delta_ms=3000", fm_check_stall_after_delta, -1, fm_tweak_idle, NULL);

    /* bodies */
    fm_row(&b, "HTML with a 200", 0, "body=%3Chtml%3E%3Chead%3E%3Ctitle%3EService%20Unavailable%3C%2Ftitle%3E%3C%2Fhead%3E%3C%2Fhtml%3E,ctype=text%2Fhtml",
           fm_check_html_unary, -1, NULL, NULL);
    fm_row(&b, "HTML with a 200", 1, "body=%3Chtml%3E%3Chead%3E%3Ctitle%3EService%20Unavailable%3C%2Ftitle%3E%3C%2Fhead%3E%3C%2Fhtml%3E,ctype=text%2Fhtml",
           fm_check_html_stream, -1, NULL, NULL);
    fm_row(&b, "error JSON with a 200", 0, "", fm_check_error_200, -1, fm_tweak_error_200, NULL);
    fm_row(&b, "error JSON with a 200", 1, "", fm_check_error_200, -1, fm_tweak_error_200, NULL);
    fm_row(&b, "wrong-typed JSON {}", 0, "body=%7B%7D", fm_check_wrong_shape, -1, NULL, NULL);
    fm_row(&b, "wrong-typed JSON", 0, "", fm_check_wrong_shape, -1, fm_tweak_wrong_shape, NULL);
    fm_row(&b, "wrong-typed JSON {\"choices\":{}}", 0, "body=%7B%22choices%22:%7B%7D%7D", fm_check_wrong_shape, FM_OPENAI, NULL, NULL);
    fm_row(&b, "invalid UTF-8", 0, "body=%7B%22a%22:%22%FF%22%7D", fm_check_utf8_unary, -1, NULL, NULL);
    fm_row(&b, "invalid UTF-8", 1, "bad_utf8=1", fm_check_utf8_stream, -1, NULL, NULL);

    /* sizes */
    fm_row(&b, "oversized body", 0, "oversize=200000", fm_check_too_large_unary, -1, fm_tweak_size, NULL);
    fm_row(&b, "endless stream", 1, "endless=1", fm_check_too_large_stream, -1, fm_tweak_size, NULL);
    fm_row(&b, "tool-call flood", 1, "tool_flood=0", fm_check_flood, -1, fm_tweak_size, NULL);
    fm_row(&b, "gzip bomb", 0, "gzip_bomb=100000000", fm_check_too_large_unary, -1, fm_tweak_size, NULL);
    fm_row(&b, "gzip bomb", 1, "gzip_bomb=100000000", fm_check_too_large_stream, -1, fm_tweak_size, NULL);
    fm_row(&b, "small gzip bomb (decodes)", 0, "gzip_bomb=20000", fm_check_gzip_ok, -1, NULL, NULL);
    fm_row(&b, "small gzip bomb (decodes)", 1, "gzip_bomb=20000", fm_check_gzip_ok, -1, NULL, NULL);
}

/* --- running ----------------------------------------------------------------------------------- */

static void fm_log(void *user, ailib_log_level level, const char *message) {
    fm_case *c = (fm_case *)user;
    (void)level;
    if (strstr(message, ", retry ")) c->retry_logs++;
}

static void fm_run_case(fm_case *c) {
    ailib_client_desc d = c->desc;
    ailib_client *cl;
    ailib_message msg;
    ailib_request req;
    ailib_response *r = NULL;
    double t0;
    d.model = fm_protos[c->proto].model;
    d.base_url = c->base;
    d.api_key = "test-key-fault-matrix";
    d.log = fm_log;
    d.log_user = c;
    cl = ailib_client_create(&d, &c->err);
    if (!cl) { c->got = c->err.code; return; }
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.role = AILIB_ROLE_USER;
    msg.text = "fault matrix";
    req.messages = &msg;
    req.message_count = 1;
    ailib_error_clear(&c->err);
    t0 = fm_now();
    c->got = c->stream ? ailib_chat_stream(cl, &req, NULL, NULL, &r, &c->err) : ailib_chat(cl, &req, &r, &c->err);
    c->ms = fm_now() - t0;
    if (c->got == AILIB_OK) c->err.code = AILIB_OK;
    if (r) {
        size_t i, n;
        const char *t = ailib_response_text(r, &n);
        c->has_response = 1;
        c->text_len = n;
        snprintf(c->text, sizeof c->text, "%.*s", (int)(n < sizeof c->text - 1 ? n : sizeof c->text - 1), t);
        c->calls = ailib_response_tool_call_count(r);
        for (i = 0; i < c->calls; i++) c->args_bytes += ailib_response_tool_call(r, i)->arguments_len;
        ailib_response_destroy(r);
    }
    ailib_client_destroy(cl);
}

static void *fm_worker(void *arg) {
    (void)arg;
    for (;;) {
        size_t i;
        pthread_mutex_lock(&fm.mu);
        i = fm.next++;
        pthread_mutex_unlock(&fm.mu);
        if (i >= fm.n) return NULL;
        fm_run_case(&fm.cases[i]);
    }
}

/* One read of the server's counters for every case. */
static void fm_counts(void) {
    int status = 0;
    char *body = mock_http(&fm.m, "GET", "/_mock/stats", &status);
    ailib_json_doc *d = NULL;
    const ailib_json *by;
    size_t i;
    if (!body || status != 200 || ailib_json_parse(body, strlen(body), NULL, &d, NULL) != AILIB_OK) {
        ailib_test_fail(__FILE__, __LINE__, "cannot read /_mock/stats");
        free(body);
        return;
    }
    by = ailib_json_get(ailib_json_doc_root(d), "by_spec");
    for (i = 0; i < fm.n; i++) {
        fm_case *c = &fm.cases[i];
        c->attempts = (long)ailib_json_int(ailib_json_get(by, c->spec));
        if (c->loc_spec[0]) c->loc_count = (long)ailib_json_int(ailib_json_get(by, c->loc_spec));
    }
    ailib_json_doc_destroy(d);
    free(body);
}

TEST(faults_matrix_every_protocol_every_fault) {
    pthread_t th[24];
    int nth, i, quick = ailib_test_quick();
    size_t k;
    double t0 = fm_now();
    ASSERT_EQ(ailib_global_init(), AILIB_OK);                  /* clients on many threads */
    memset(&fm, 0, sizeof fm);
    pthread_mutex_init(&fm.mu, NULL);
    if (!mock_start(&fm.m, NULL)) { ailib_test_fail(__FILE__, __LINE__, "ailib-mock could not be started (make build/ailib-mock)"); return; }
    fm.dead_port = fm_closed_port();
    fm.cases = (fm_case *)calloc(FM_MAX_CASES, sizeof *fm.cases);
    if (!fm.cases) { mock_stop(&fm.m); ASSERT_TRUE(fm.cases != NULL); }
    fm_build(quick);
    EXPECT_LT(fm.n, FM_MAX_CASES);
    nth = quick ? 8 : 24;
    for (i = 0; i < nth; i++)
        if (pthread_create(&th[i], NULL, fm_worker, NULL) != 0) break;
    nth = i;
    if (nth == 0) fm_worker(NULL);
    for (i = 0; i < nth; i++) pthread_join(th[i], NULL);
    fm_counts();
    mock_stop(&fm.m);
    for (k = 0; k < fm.n; k++) {
        fm_case *c = &fm.cases[k];
        const char *v = getenv("AILIB_FAULTS_VERBOSE");   /* every case, for reading the matrix */
        if (v && *v && *v != '0')
            printf("  %-60s %-22s %6.0f ms, %ld attempts: %.160s\n", c->label, ailib_result_name(c->got), c->ms, c->attempts, c->err.message);
        fm_check_common(c);
        c->check(c);
    }
    printf("  fault matrix: %lu cases in %.0f ms%s\n", (unsigned long)fm.n, fm_now() - t0, quick ? " (quick: every fault once)" : "");
    free(fm.cases);
    pthread_mutex_destroy(&fm.mu);
}

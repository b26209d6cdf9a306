/* soak - `make soak`: a long run of ailib against ailib-mock that must not grow.

   1,000,000 unary and 100,000 streamed calls, then 25,000 calls on each fault of the fault
   matrix (tests/test_faults.c), each phase spread over the seven protocols, always through
   one client with 64 calls in flight on the poll API (ailib_chat_start, ailib_client_poll,
   ailib_call_finish), so it runs at full speed. RSS comes from /proc/self/statm: at the start
   (after a warm-up that visits every phase), in the middle (after the unary and streamed
   calls) and at the end, each time after the C library was asked to give its free memory
   back (malloc_trim on glibc: a burst of 64 large buffers, freed, is the allocator's cache,
   not growth); the heap bytes in use are printed too. The run fails when RSS grew by more
   than 1 MiB after the warm-up,
   when a call that should succeed did not, or when a fault ended in a code it should not.

   Faults whose only hint is ailib's own backoff run with max_retries 0 here (the matrix
   checks their retries; 25,000 backoffs of 0.5 s would take hours); faults with a server
   hint keep max_retries 2 with a 1 ms hint. The streams that grow without end (endless,
   tool-call flood, gzip bomb) need a library that caps them (issue 8, item 2): one probe call
   tells, and without the cap those phases are skipped and the run fails, rather than holding
   GiBs per call in 64 calls at once.

   SOAK_SCALE=0.01 runs a hundredth of every count (a quick check of the program itself);
   SOAK_ONLY=text runs only the fault phases whose name holds text (after the plain ones).
   Build and run: make soak */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include "tests/mockctl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define INFLIGHT 64
#define RSS_SLACK (1024L * 1024)

enum { P_OPENAI, P_ANTHROPIC, P_GEMINI, P_OLLAMA, P_COHERE, P_RESPONSES, P_BEDROCK, NPROTO };

static const struct { const char *model, *suffix; } protos[NPROTO] = {
    { "openai/gpt-4o-mini", "/v1" },
    { "anthropic/claude-haiku-5-5", "/v1" },
    { "gemini/gemini-2.5-flash", "/v1beta" },
    { "ollama/llama3.2", "" },
    { "cohere/command-a-03-2025", "/v2" },
    { "openai-responses/gpt-4o-mini", "/v1" },
    { "bedrock/us.amazon.nova-micro-v1:0", "" },
};

/* A phase: a spec for the mock, streamed or not, the settings it needs (max_retries 0: none),
   and the result codes the fault matrix expects (a bit per ailib_result; 0: AILIB_OK only).
   The plain phases must meet theirs; a fault phase that ends otherwise is reported (the
   matrix is where those are asserted). */
typedef struct phase {
    const char *name, *spec;
    int stream, max_retries;
    int64_t first_byte_ms, idle_ms, timeout_ms;
    size_t max_bytes;
    unsigned long ok_codes;
    int refused, unbounded, per_proto_error;
} phase;

#define C(x) (1UL << AILIB_##x)

static const phase faults[] = {
    { "connection refused", "", 0, 0, 0, 0, 0, 0, C(NETWORK), 1, 0, 0 },
    { "reset before headers", "reset_head=1", 0, 0, 0, 0, 0, 0, C(NETWORK), 0, 0, 0 },
    { "reset mid-body", "reset_after=60", 0, 0, 0, 0, 0, 0, C(NETWORK), 0, 0, 0 },
    { "reset mid-stream after text", "reset_after=delta", 1, 2, 0, 0, 0, 0, C(NETWORK), 0, 0, 0 },
    { "chunked body cut", "chunked=1,eof_after=60", 0, 0, 0, 0, 0, 0, C(NETWORK), 0, 0, 0 },
    { "chunked stream cut after text", "eof_after=delta", 1, 2, 0, 0, 0, 0, C(NETWORK), 0, 0, 0 },
    { "101 then bytes", "upgrade=1", 0, 2, 0, 0, 0, 0, C(PROTOCOL) | C(NETWORK), 0, 0, 0 },
    { "redirect 307", "status=307,location=http:%2F%2Fu:pw@127.0.0.1:9%2Fv1%3Fkey=SECRET", 0, 2, 0, 0, 0, 0, C(CONFIGURATION), 0, 0, 0 },
    { "status 400", "status=400", 0, 2, 0, 0, 0, 0, C(INVALID_REQUEST), 0, 0, 0 },
    { "status 401", "status=401", 0, 2, 0, 0, 0, 0, C(AUTH), 0, 0, 0 },
    { "status 403", "status=403", 0, 2, 0, 0, 0, 0, C(AUTH), 0, 0, 0 },
    { "status 404", "status=404", 0, 2, 0, 0, 0, 0, C(NOT_FOUND), 0, 0, 0 },
    { "status 408", "status=408,retry_after_ms=1", 0, 2, 0, 0, 0, 0, C(TIMEOUT), 0, 0, 0 },
    { "status 409", "status=409,retry_after_ms=1", 0, 2, 0, 0, 0, 0, C(RATE_LIMITED), 0, 0, 0 },
    { "status 413", "status=413", 0, 2, 0, 0, 0, 0, C(TOO_LARGE), 0, 0, 0 },
    { "status 422", "status=422", 0, 2, 0, 0, 0, 0, C(INVALID_REQUEST), 0, 0, 0 },
    { "status 429", "status=429,retry_after_ms=1", 0, 2, 0, 0, 0, 0, C(RATE_LIMITED), 0, 0, 0 },
    { "status 500", "status=500,retry_after_ms=1", 0, 2, 0, 0, 0, 0, C(SERVER), 0, 0, 0 },
    { "status 502", "status=502,retry_after_ms=1", 0, 2, 0, 0, 0, 0, C(SERVER), 0, 0, 0 },
    { "status 503", "status=503,retry_after_ms=1", 0, 2, 0, 0, 0, 0, C(OVERLOADED), 0, 0, 0 },
    { "status 504", "status=504,retry_after_ms=1", 0, 2, 0, 0, 0, 0, C(TIMEOUT), 0, 0, 0 },
    { "status 529", "status=529,retry_after_ms=1", 0, 2, 0, 0, 0, 0, C(OVERLOADED), 0, 0, 0 },
    { "x-should-retry: false", "status=503,header=x-should-retry:false", 0, 2, 0, 0, 0, 0, C(OVERLOADED), 0, 0, 0 },
    { "retry-after over max_retry_wait_ms", "status=503,header=retry-after:2", 0, 2, 0, 0, 0, 0, C(OVERLOADED), 0, 0, 0 },
    { "retry-after-ms waited", "status=503,header=retry-after-ms:1", 0, 2, 0, 0, 0, 0, C(OVERLOADED), 0, 0, 0 },
    { "hostile retry-after inf", "status=503,header=retry-after:inf", 0, 0, 0, 0, 0, 0, C(OVERLOADED), 0, 0, 0 },
    { "hostile retry-after 1e300", "status=503,header=retry-after:1e300", 0, 2, 0, 0, 0, 0, C(OVERLOADED), 0, 0, 0 },
    { "hostile retry-after HTTP-date", "status=503,header=retry-after:Fri%2C%2001%20Jan%2099999%2000:00:00%20GMT", 0, 0, 0, 0, 0, 0, C(OVERLOADED), 0, 0, 0 },
    { "slow headers", "head_delay_ms=30", 0, 0, 60, 0, 0, 0, C(TIMEOUT), 0, 0, 0 },
    { "stall after text", "stall_delta_ms=300", 1, 2, 0, 30, 0, 0, C(TIMEOUT), 0, 0, 0 },
    { "HTML with a 200", "body=%3Chtml%3E%3Cbody%3Eproxy%3C%2Fbody%3E%3C%2Fhtml%3E,ctype=text%2Fhtml", 0, 2, 0, 0, 0, 0, C(DESERIALIZATION), 0, 0, 0 },
    { "HTML with a 200, streamed", "body=%3Chtml%3E%3Cbody%3Eproxy%3C%2Fbody%3E%3C%2Fhtml%3E,ctype=text%2Fhtml", 1, 2, 0, 0, 0, 0,
      C(DESERIALIZATION) | C(PROTOCOL), 0, 0, 0 },
    { "error JSON with a 200", NULL, 0, 2, 0, 0, 0, 0, ~0UL & ~C(OK), 0, 0, 1 },
    { "error JSON with a 200, streamed", NULL, 1, 2, 0, 0, 0, 0, ~0UL & ~C(OK), 0, 0, 1 },
    { "wrong-typed JSON {}", "body=%7B%7D", 0, 2, 0, 0, 0, 0, C(DESERIALIZATION), 0, 0, 0 },
    { "invalid UTF-8", "body=%7B%22a%22:%22%FF%22%7D", 0, 2, 0, 0, 0, 0, C(JSON_UTF8), 0, 0, 0 },
    { "invalid UTF-8, streamed", "bad_utf8=1", 1, 2, 0, 0, 0, 0, ~0UL & ~C(OK), 0, 0, 0 },
    { "oversized body", "oversize=200000", 0, 2, 0, 0, 0, 65536, C(TOO_LARGE), 0, 0, 0 },
    { "gzip bomb", "gzip_bomb=10000000", 0, 2, 0, 0, 0, 16384, C(TOO_LARGE), 0, 0, 0 },
    { "endless stream", "endless=1", 1, 2, 0, 0, 5000, 16384, C(TOO_LARGE), 0, 1, 0 },
    { "tool-call flood", "tool_flood=0", 1, 2, 0, 0, 5000, 16384, C(TOO_LARGE), 0, 1, 0 },
    { "gzip bomb, streamed", "gzip_bomb=10000000", 1, 2, 0, 0, 5000, 16384, C(TOO_LARGE), 0, 1, 0 },
};
#define NFAULTS (sizeof faults / sizeof faults[0])

static mock_server mock;
static int dead_port;
static double scale = 1.0;
static int failed;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Heap bytes in use (glibc's mallinfo2), -1 where unknown. */
static long heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    return (long)mallinfo2().uordblks;
#else
    return -1;
#endif
}

/* Resident set size in bytes (the second field of /proc/self/statm, in pages), after the
   allocator returned what it could. */
static long rss_bytes(void) {
    long pages = 0, rss = 0;
    FILE *f;
#ifdef __GLIBC__
    malloc_trim(0);
#endif
    f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    fclose(f);
    return rss * sysconf(_SC_PAGESIZE);
}

static int closed_port(void) {
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

/* The error body of each protocol's own kind of error, with a 200 (as in the matrix). */
static const char *error_200_spec(int proto) {
    static const char *const specs[NPROTO] = {
        "error_body=429,retry_after_ms=1", "error_body=529,retry_after_ms=1", "error_body=503,retry_after_ms=1",
        "error_body=500", "error_body=500", "error_body=429,retry_after_ms=1", "error_body=429,retry_after_ms=1"
    };
    return specs[proto];
}

static ailib_client *client_for(const phase *ph, int proto) {
    char base[600];
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    const char *spec = ph->per_proto_error ? error_200_spec(proto) : ph->spec;
    if (ph->refused) snprintf(base, sizeof base, "http://127.0.0.1:%d%s", dead_port, protos[proto].suffix);
    else mock_url(&mock, spec, protos[proto].suffix, base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = protos[proto].model;
    d.base_url = base;
    d.api_key = "soak-test-key";
    d.max_retries = ph->max_retries ? ph->max_retries : -1;
    d.max_retry_wait_ms = 1000;
    d.timeout_ms = ph->timeout_ms ? ph->timeout_ms : 30000;
    if (ph->first_byte_ms) d.first_byte_timeout_ms = ph->first_byte_ms;
    if (ph->idle_ms) d.idle_timeout_ms = ph->idle_ms;
    if (ph->max_bytes) d.max_response_bytes = ph->max_bytes;
    c = ailib_client_create(&d, &err);
    if (!c) { fprintf(stderr, "soak: client for %s: %s\n", protos[proto].model, err.message); exit(2); }
    return c;
}

/* Events are only counted: a callback keeps them from queueing. */
static int on_event(void *user, const ailib_event *ev) {
    (void)ev;
    ++*(unsigned long *)user;
    return 0;
}

typedef struct tally { unsigned long calls, events, by_code[AILIB_RESULT_COUNT]; } tally;

/* n calls through one client, INFLIGHT at a time. */
static void run_calls(ailib_client *c, int stream, unsigned long n, tally *t) {
    ailib_message msg;
    ailib_request req;
    ailib_call *calls[INFLIGHT];
    ailib_call_desc cd;
    unsigned long started = 0, done = 0;
    int i;
    memset(&msg, 0, sizeof msg);
    msg.role = AILIB_ROLE_USER;
    msg.text = "soak test";
    memset(&req, 0, sizeof req);
    req.messages = &msg;
    req.message_count = 1;
    memset(&cd, 0, sizeof cd);
    cd.stream = stream;
    cd.on_event = on_event;
    cd.user = &t->events;
    memset(calls, 0, sizeof calls);
    while (done < n) {
        for (i = 0; i < INFLIGHT; i++) {
            ailib_error err;
            if (calls[i] || started >= n) continue;
            if (ailib_chat_start(c, &req, &cd, &calls[i], &err) != AILIB_OK) { fprintf(stderr, "soak: start: %s\n", err.message); exit(2); }
            started++;
        }
        if (ailib_client_poll(c, 100) != AILIB_OK) { fprintf(stderr, "soak: ailib_client_poll failed\n"); exit(2); }
        for (i = 0; i < INFLIGHT; i++) {
            ailib_result r;
            if (!calls[i] || !ailib_call_done(calls[i])) continue;
            r = ailib_call_finish(calls[i], NULL, NULL);
            calls[i] = NULL;
            t->by_code[(unsigned)r < AILIB_RESULT_COUNT ? r : 0]++;
            t->calls++;
            done++;
        }
    }
}

/* A phase over the seven protocols, one client each in turn. Returns calls per second. */
static long rss_base;       /* RSS after the warm-up: each phase prints its growth from there */
static long rss_bytes(void);

static double run_phase(const phase *ph, unsigned long total, int quiet) {
    tally t;
    double t0 = now_s(), rate;
    unsigned long ok_codes = ph->ok_codes ? ph->ok_codes : C(OK), wrong = 0;
    int p;
    size_t k;
    memset(&t, 0, sizeof t);
    for (p = 0; p < NPROTO; p++) {
        unsigned long n = total / NPROTO + ((unsigned long)p < total % NPROTO);
        ailib_client *c = client_for(ph, p);
        run_calls(c, ph->stream, n, &t);
        ailib_client_destroy(c);
    }
    rate = t.calls / (now_s() - t0 + 1e-9);
    for (k = 0; k < AILIB_RESULT_COUNT; k++)
        if (t.by_code[k] && !(ok_codes & (1UL << k))) wrong += t.by_code[k];
    if (!quiet || wrong) {
        printf("  %-36s %8lu calls %9.0f calls/s ", ph->name, t.calls, rate);
        for (k = 0; k < AILIB_RESULT_COUNT; k++)
            if (t.by_code[k]) printf(" %s %lu", ailib_result_name((ailib_result)k) + 6, t.by_code[k]);
        if (rss_base) printf("  RSS %+ld KiB, heap %ld KiB", (rss_bytes() - rss_base) / 1024, heap_in_use() / 1024);
        printf("%s\n", !wrong ? "" : ph->ok_codes ? "  (not what the fault matrix expects)" : "  <- calls that should succeed failed");
        fflush(stdout);
    }
    if (wrong && !ph->ok_codes) failed = 1;
    return rate;
}

static unsigned long scaled(unsigned long n) {
    double v = n * scale;
    return v < NPROTO ? NPROTO : (unsigned long)v;
}

/* One call on a stream that never ends: does this library stop it at max_response_bytes? */
static int library_caps_streams(void) {
    static const phase probe = { "probe", "endless=1", 1, -1, 0, 0, 1000, 16384, 0, 0, 0, 0 };
    tally t;
    ailib_client *c = client_for(&probe, P_OPENAI);
    memset(&t, 0, sizeof t);
    run_calls(c, 1, 1, &t);
    ailib_client_destroy(c);
    return t.by_code[AILIB_TOO_LARGE] == 1;
}

int main(void) {
    static const phase unary = { "unary", "", 0, 2, 0, 0, 0, 0, 0, 0, 0, 0 };
    static const phase streamed = { "streamed", "", 1, 2, 0, 0, 0, 0, 0, 0, 0, 0 };
    const char *sc = getenv("SOAK_SCALE"), *only = getenv("SOAK_ONLY");
    long rss0, rss1, rss2;
    double t0;
    int caps;
    size_t i;
    if (sc && *sc) scale = atof(sc);
    if (scale <= 0) scale = 1;
    ailib_global_init();
    if (!mock_start(&mock, NULL)) { fprintf(stderr, "soak: cannot start ./build/ailib-mock (run make soak)\n"); return 2; }
    dead_port = closed_port();
    caps = library_caps_streams();
    printf("soak: %lu unary + %lu streamed calls, then %lu on each of %lu faults; %d in flight, one client at a time\n",
           scaled(1000000), scaled(100000), scaled(25000), (unsigned long)NFAULTS, INFLIGHT);
    if (!caps) printf("soak: this library does not stop an endless stream at max_response_bytes (issue 8, item 2): "
                      "the endless, tool-flood and streamed gzip-bomb phases are skipped and the run fails\n");

    /* warm-up: every phase once at a small scale, so first-time growth is behind us */
    t0 = now_s();
    run_phase(&unary, scaled(20000), 1);
    run_phase(&streamed, scaled(5000), 1);
    for (i = 0; i < NFAULTS; i++)
        if ((caps || !faults[i].unbounded) && (!only || !*only || strstr(faults[i].name, only))) run_phase(&faults[i], scaled(700), 1);
    rss0 = rss_base = rss_bytes();
    printf("RSS start (after warm-up, %.0f s): %.2f MiB, heap in use %ld KiB\n", now_s() - t0, rss0 / 1048576.0, heap_in_use() / 1024);
    fflush(stdout);

    run_phase(&unary, scaled(1000000), 0);
    run_phase(&streamed, scaled(100000), 0);
    rss1 = rss_bytes();
    printf("RSS middle: %.2f MiB (%+ld KiB), heap in use %ld KiB\n", rss1 / 1048576.0, (rss1 - rss0) / 1024, heap_in_use() / 1024);
    fflush(stdout);

    for (i = 0; i < NFAULTS; i++) {
        if (only && *only && !strstr(faults[i].name, only)) continue;
        if (!caps && faults[i].unbounded) { printf("  %-36s skipped: no stream cap in this library\n", faults[i].name); failed = 1; continue; }
        run_phase(&faults[i], scaled(25000), 0);
    }
    rss2 = rss_bytes();
    printf("RSS end: %.2f MiB (%+ld KiB after warm-up; at most %ld KiB allowed), heap in use %ld KiB\n", rss2 / 1048576.0,
           (rss2 - rss0) / 1024, RSS_SLACK / 1024, heap_in_use() / 1024);
    printf("soak: %.0f s in all\n", now_s() - t0);
    mock_stop(&mock);
    ailib_global_cleanup();
    if (rss2 - rss0 > RSS_SLACK || rss1 - rss0 > RSS_SLACK) { printf("soak: FAILED: RSS grew\n"); return 1; }
    if (failed) { printf("soak: FAILED\n"); return 1; }
    printf("soak: passed\n");
    return 0;
}

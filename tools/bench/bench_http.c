/* bench_http.c - the engine (client, calls, libcurl multi transport) against local keep-alive
   HTTP servers, medians of several runs, every figure next to a reference measured in the
   same run on the same server.

   1. unary requests/s with 64 calls in flight through one ailib client (ailib_chat_start +
      ailib_client_poll, ailib_call_finish each), next to raw libcurl multi with 64 reused easy
      handles sending the very bytes ailib_wire_request_build makes (same URL, headers, body;
      the responder checks that the requests are byte-identical). Servers: a responder
      thread inside this process (poll, keep-alive, a fixed ~600-byte OpenAI reply), whose
      CPU time is reported so one can see it is not the bottleneck, and build/ailib-mock
      (one thread per connection) as a cross-check, its CPU read from /proc.
   2. memory of an idle client: heap through a counting ailib_allocator (libcurl's own memory
      is not counted), fresh and after it ran 64 calls at once; then the process RSS and
      malloc-heap growth per idle client over 100 clients (libcurl's multi handle included).
   3. allocations per stream chunk after warm-up through the whole engine path: a second
      streamed call on the same client (responder: 2,000 OpenAI chunks; ailib-mock: one word
      per chunk, chunked transfer encoding), counted between the first and the last delta.
   4. latency of one unary call, sequential, ailib_chat() next to raw libcurl multi with one
      reused easy handle: the per-call overhead.
   Usage: bench_http [path to ailib-mock] (default ./build/ailib-mock; skipped if missing). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#define AILIB_IMPLEMENTATION
#include "../../ailib.h"
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HAVE_MALLINFO2 1
#endif

#define RUNS 11           /* throughput runs per side against the responder */
#define MOCK_RUNS 5       /* and against ailib-mock */
#define INFLIGHT 64
#define REQS 20000
#define CHUNKS 2000
#define LAT_CALLS 1000
#define LAT_RUNS 5
#define IDLE_CLIENTS 100

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
static double clock_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
static int cmp_dbl(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }
static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_dbl);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
static void die(const char *what) { fprintf(stderr, "bench_http: %s\n", what); exit(1); }

/* --- the responder: one thread, poll, keep-alive ------------------------------------------- */

static char unary_resp[1024];
static size_t unary_len, unary_body_len;
static char *stream_resp;
static size_t stream_len;
static int listen_fd, server_port;
static pthread_t server_th;
static clockid_t server_clock;
/* request capture: the next request on /v1 is copied here when capture_want is set */
static char captured[8192];
static size_t captured_len;
static volatile int capture_want;
static pthread_mutex_t capture_mu = PTHREAD_MUTEX_INITIALIZER;

static void build_responses(void) {
    static const char body[] =
        "{\"id\":\"chatcmpl-D8Z5fAbCdEfGhIjKlMnOpQrStUv\",\"object\":\"chat.completion\",\"created\":1770933883,"
        "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        "\"content\":\"Paris is the capital of France. It sits on the Seine, is home to about two million people, "
        "and is known for the Louvre, the Eiffel Tower and its cafes.\",\"refusal\":null,\"annotations\":[]},"
        "\"logprobs\":null,\"finish_reason\":\"stop\"}],"
        "\"usage\":{\"prompt_tokens\":53,\"completion_tokens\":28,\"total_tokens\":81,\"prompt_tokens_details\":"
        "{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}},"
        "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_de604bd877\"}";
    static const char *words[] = { " the", " capital", " of", " France", " is", " Paris", ",", " which", " lies", " on" };
    size_t i, cap = CHUNKS * 400 + 1024, off;
    char hdr[200];
    int hl;
    unary_body_len = sizeof body - 1;
    unary_len = (size_t)snprintf(unary_resp, sizeof unary_resp,
                                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: req_bench\r\n"
                                 "Content-Length: %lu\r\n\r\n%s", (unsigned long)unary_body_len, body);
    stream_resp = (char *)malloc(cap);
    if (!stream_resp) die("out of memory");
    off = 200;   /* the header block goes in front once the length is known */
    for (i = 0; i < CHUNKS; i++) {
        if (i == 0)
            off += (size_t)sprintf(stream_resp + off, "data: {\"id\":\"chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl\",\"object\":\"chat.completion.chunk\",\"created\":1782955817,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_d0469e1700\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"C63r\"}\n\n");
        else if (i == CHUNKS - 1)
            off += (size_t)sprintf(stream_resp + off, "data: {\"id\":\"chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl\",\"object\":\"chat.completion.chunk\",\"created\":1782955817,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_d0469e1700\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":53,\"completion_tokens\":1998,\"total_tokens\":2051},\"obfuscation\":\"Uq\"}\n\ndata: [DONE]\n\n");
        else
            off += (size_t)sprintf(stream_resp + off, "data: {\"id\":\"chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl\",\"object\":\"chat.completion.chunk\",\"created\":1782955817,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_d0469e1700\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"UqdZk18gUR\"}\n\n",
                                   words[i % 10]);
    }
    hl = snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nx-request-id: req_bench_s\r\nContent-Length: %lu\r\n\r\n",
                  (unsigned long)(off - 200));
    memcpy(stream_resp + 200 - hl, hdr, (size_t)hl);
    memmove(stream_resp, stream_resp + 200 - hl, off - 200 + (size_t)hl);
    stream_len = off - 200 + (size_t)hl;
}

#define CONN_BUF 16384
#define MAX_CONNS 512
typedef struct conn { int fd; size_t len; char buf[CONN_BUF + 1]; } conn;

static void write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return;            /* the peer went away: its read side closes it */
        p += w; n -= (size_t)w;
    }
}

static size_t content_length(const char *head, size_t hl) {
    size_t i;
    for (i = 0; i + 15 < hl; i++)
        if ((head[i] == '\n') && strncasecmp(head + i + 1, "content-length:", 15) == 0) return (size_t)strtoul(head + i + 16, NULL, 10);
    return 0;
}

/* Answers every complete request in the buffer; keeps a partial one. */
static void serve(conn *c) {
    size_t start = 0;
    for (;;) {
        char *b = c->buf + start, *end;
        size_t avail = c->len - start, hl, bl;
        b[avail] = 0;
        end = strstr(b, "\r\n\r\n");
        if (!end) break;
        hl = (size_t)(end - b) + 4;
        bl = content_length(b, hl);
        if (avail < hl + bl) break;
        if (strncmp(b, "POST /stream/", 13) == 0) write_all(c->fd, stream_resp, stream_len);
        else {
            if (capture_want) {
                pthread_mutex_lock(&capture_mu);
                if (capture_want && hl + bl <= sizeof captured) { memcpy(captured, b, hl + bl); captured_len = hl + bl; capture_want = 0; }
                pthread_mutex_unlock(&capture_mu);
            }
            write_all(c->fd, unary_resp, unary_len);
        }
        start += hl + bl;
    }
    if (start) { memmove(c->buf, c->buf + start, c->len - start); c->len -= start; }
}

static void *server_main(void *arg) {
    static struct pollfd pfd[MAX_CONNS + 1];
    static conn *conns[MAX_CONNS + 1];
    int n = 1, i;
    (void)arg;
    pfd[0].fd = listen_fd;
    pfd[0].events = POLLIN;
    for (;;) {
        if (poll(pfd, (nfds_t)n, 1000) <= 0) continue;
        if (pfd[0].revents & POLLIN) {
            int fd = accept(listen_fd, NULL, NULL), one = 1;
            if (fd >= 0 && n <= MAX_CONNS && (conns[n] = (conn *)malloc(sizeof(conn))) != NULL) {
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                conns[n]->fd = fd;
                conns[n]->len = 0;
                pfd[n].fd = fd;
                pfd[n].events = POLLIN;
                pfd[n].revents = 0;
                n++;
            } else if (fd >= 0) close(fd);
        }
        for (i = 1; i < n; i++) {
            ssize_t r;
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            r = read(pfd[i].fd, conns[i]->buf + conns[i]->len, CONN_BUF - conns[i]->len);
            if (r <= 0) {
                close(pfd[i].fd);
                free(conns[i]);
                pfd[i] = pfd[n - 1];
                conns[i] = conns[n - 1];
                n--;
                i--;
                continue;
            }
            conns[i]->len += (size_t)r;
            serve(conns[i]);
        }
    }
    return NULL;
}

static void start_responder(void) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int one = 1;
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(listen_fd, 512) != 0) die("cannot listen on loopback");
    getsockname(listen_fd, (struct sockaddr *)&sa, &sl);
    server_port = ntohs(sa.sin_port);
    if (pthread_create(&server_th, NULL, server_main, NULL) != 0) die("cannot start the responder thread");
    if (pthread_getcpuclockid(server_th, &server_clock) != 0) die("no CPU clock for the responder thread");
}

/* --- ailib-mock, a child process ---------------------------------------------------------- */

static pid_t mock_pid;
static int mock_port;
static double mock_tick_ns;

static int start_mock(const char *path) {
    int p[2];
    char line[256];
    FILE *f;
    if (access(path, X_OK) != 0) return 0;
    if (pipe(p) != 0) return 0;
    fflush(stdout);
    mock_pid = fork();
    if (mock_pid < 0) return 0;
    if (mock_pid == 0) {
        dup2(p[1], 1);
        close(p[0]); close(p[1]);
        execl(path, path, "--quiet", "--port", "0", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    f = fdopen(p[0], "r");
    if (!f || !fgets(line, sizeof line, f) || !strstr(line, "127.0.0.1:")) { kill(mock_pid, SIGTERM); waitpid(mock_pid, NULL, 0); return 0; }
    mock_port = atoi(strstr(line, "127.0.0.1:") + 10);
    fclose(f);
    mock_tick_ns = 1e9 / (double)sysconf(_SC_CLK_TCK);
    return mock_port > 0;
}

static void stop_mock(void) {
    if (mock_pid > 0) { kill(mock_pid, SIGTERM); waitpid(mock_pid, NULL, 0); mock_pid = 0; }
}

/* CPU time (user + system, all threads) of the mock process so far, from /proc/PID/stat. */
static double mock_cpu_ns(void) {
    char path[64], buf[1024], *p;
    unsigned long ut = 0, st = 0;
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)mock_pid);
    if (!(f = fopen(path, "r"))) return 0;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    if (!(p = strrchr(buf, ')'))) return 0;
    /* after ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) return 0;
    return (double)(ut + st) * mock_tick_ns;
}

/* --- counting allocator -------------------------------------------------------------------- */

static size_t n_alloc, n_big;      /* n_big: blocks over 1 KiB, past glibc's per-thread cache */
static long long live_bytes;
/* each block carries its size in a header so frees can be subtracted */
static void *c_malloc(void *ctx, size_t n) {
    size_t *p = (size_t *)malloc(n + 16);
    (void)ctx;
    if (!p) return NULL;
    n_alloc++; n_big += n > 1024; live_bytes += (long long)n; p[0] = n;
    return (char *)p + 16;
}
static void *c_realloc(void *ctx, void *q, size_t o, size_t n) {
    size_t *p = q ? (size_t *)((char *)q - 16) : NULL, old = p ? p[0] : 0;
    (void)ctx; (void)o;
    p = (size_t *)realloc(p, n + 16);
    if (!p) return NULL;
    n_alloc++; n_big += n > 1024; live_bytes += (long long)n - (long long)old; p[0] = n;
    return (char *)p + 16;
}
static void c_free(void *ctx, void *q) {
    size_t *p;
    (void)ctx;
    if (!q) return;
    p = (size_t *)((char *)q - 16);
    live_bytes -= (long long)p[0];
    free(p);
}

/* --- clients and requests ----------------------------------------------------------------- */

static ailib_message bench_msg;
static ailib_request bench_req;

static ailib_client *make_client(int port, const char *path, const ailib_allocator *al) {
    char base[128];
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    memset(&d, 0, sizeof d);
    snprintf(base, sizeof base, "http://127.0.0.1:%d%s", port, path);
    d.model = "openai/gpt-4o-mini";
    d.base_url = base;
    d.api_key = "sk-bench";
    d.no_proxy = 1;
    d.allocator = al;
    c = ailib_client_create(&d, &err);
    if (!c) die(err.message);
    return c;
}

/* The bytes ailib sends for bench_req, for the raw libcurl side. */
static void raw_request(int port, ailib_wire_request *wr, struct curl_slist **h) {
    ailib_endpoint ep;
    char base[128];
    size_t i;
    memset(&ep, 0, sizeof ep);
    snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
    ep.provider = ailib_provider_find("openai");
    ep.base_url = base;
    ep.api_key = "sk-bench";
    if (ailib_wire_request_build(&ep, &bench_req, 0, wr, NULL) != AILIB_OK) die("ailib_wire_request_build failed");
    *h = NULL;
    for (i = 0; i < wr->header_count; i++) {
        char line[1024];
        snprintf(line, sizeof line, "%s: %s", wr->headers[i].name, wr->headers[i].value);
        *h = curl_slist_append(*h, line);
    }
    *h = curl_slist_append(*h, "Expect:");    /* as ailib's transport: no 100-continue round trip */
}

/* A raw easy handle set up the way ailib's transport sets up its own. */
typedef struct raw_xfer { CURL *easy; size_t got; char body[4096]; } raw_xfer;
static size_t raw_sink(char *p, size_t s, size_t n, void *u) {
    raw_xfer *x = (raw_xfer *)u;
    size_t len = s * n;
    if (x->got + len <= sizeof x->body) memcpy(x->body + x->got, p, len);
    x->got += len;
    return len;
}
static void raw_setup(raw_xfer *x, const ailib_wire_request *wr, struct curl_slist *h) {
    CURL *e = curl_easy_init();
    if (!e) die("curl_easy_init failed");
    x->easy = e;
    x->got = 0;
    curl_easy_setopt(e, CURLOPT_URL, wr->url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, wr->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)wr->body_len);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, raw_sink);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)x);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
}

/* --- 1. throughput ------------------------------------------------------------------------ */

typedef struct tput { double rps, client_cpu_us, server_cpu_us, server_util, client_util; } tput;
typedef double (*cpu_fn)(void);
static double responder_cpu_ns(void) { return clock_ns(server_clock); }

static int unary_ok(ailib_response *r, int mock) {
    size_t n = 0;
    const char *t = ailib_response_text(r, &n);
    if (mock) return n > 10 && strncmp(t, "Hello from ailib-mock", 21) == 0;
    return ailib_response_usage(r)->output_tokens == 28 && n > 10 && t[0] == 'P';
}

static tput ailib_rps(int port, int reqs, cpu_fn server_cpu, int mock, const ailib_allocator *al) {
    ailib_client *c = make_client(port, "/v1", al);
    ailib_call *calls[INFLIGHT];
    int started = 0, finished = 0, i;
    double t0, c0, s0;
    tput out;
    t0 = now_ns(); c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID); s0 = server_cpu();
    for (i = 0; i < INFLIGHT; i++) {
        if (ailib_chat_start(c, &bench_req, NULL, &calls[i], NULL) != AILIB_OK) die("ailib_chat_start failed");
        started++;
    }
    while (finished < reqs) {
        if (ailib_client_poll(c, 100) != AILIB_OK) die("ailib_client_poll failed");
        for (i = 0; i < INFLIGHT; i++) {
            ailib_response *r = NULL;
            ailib_error err;
            if (!calls[i] || !ailib_call_done(calls[i])) continue;
            memset(&err, 0, sizeof err);
            if (ailib_call_finish(calls[i], &r, &err) != AILIB_OK || !unary_ok(r, mock)) { fprintf(stderr, "%s\n", err.message); die("an ailib call failed"); }
            ailib_response_destroy(r);
            calls[i] = NULL;
            finished++;
            if (started < reqs) {
                if (ailib_chat_start(c, &bench_req, NULL, &calls[i], NULL) != AILIB_OK) die("ailib_chat_start failed");
                started++;
            }
        }
    }
    out.rps = reqs / ((now_ns() - t0) / 1e9);
    out.client_cpu_us = (clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / 1e3 / reqs;
    out.server_cpu_us = (server_cpu() - s0) / 1e3 / reqs;
    out.server_util = out.server_cpu_us * out.rps / 1e6;
    out.client_util = out.client_cpu_us * out.rps / 1e6;
    ailib_client_destroy(c);       /* connection setup and teardown are inside the timing, as for raw */
    return out;
}

static tput curl_rps(int port, int reqs, cpu_fn server_cpu, int mock) {
    ailib_wire_request wr;
    struct curl_slist *h;
    CURLM *m;
    raw_xfer *x = (raw_xfer *)malloc(INFLIGHT * sizeof *x);
    int started = 0, finished = 0, i, running;
    double t0, c0, s0;
    tput out;
    if (!x) die("out of memory");
    raw_request(port, &wr, &h);
    t0 = now_ns(); c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID); s0 = server_cpu();
    m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    for (i = 0; i < INFLIGHT; i++) {
        raw_setup(&x[i], &wr, h);
        curl_multi_add_handle(m, x[i].easy);
        started++;
    }
    while (finished < reqs) {
        CURLMsg *msg;
        int left;
        curl_multi_poll(m, NULL, 0, 100, NULL);
        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            raw_xfer *rx = NULL;
            long code = 0;
            if (msg->msg != CURLMSG_DONE) continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&rx);
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
            if (msg->data.result != CURLE_OK || code != 200 || rx->got < 100 || (!mock && rx->got != unary_body_len)) die("a raw libcurl transfer failed");
            finished++;
            curl_multi_remove_handle(m, rx->easy);
            rx->got = 0;
            if (started < reqs) { curl_multi_add_handle(m, rx->easy); started++; }
        }
    }
    for (i = 0; i < INFLIGHT; i++) { curl_multi_remove_handle(m, x[i].easy); curl_easy_cleanup(x[i].easy); }
    curl_multi_cleanup(m);
    out.rps = reqs / ((now_ns() - t0) / 1e9);
    out.client_cpu_us = (clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / 1e3 / reqs;
    out.server_cpu_us = (server_cpu() - s0) / 1e3 / reqs;
    out.server_util = out.server_cpu_us * out.rps / 1e6;
    out.client_util = out.client_cpu_us * out.rps / 1e6;
    curl_slist_free_all(h);
    ailib_wire_request_deinit(&wr);
    free(x);
    return out;
}

/* Medians over runs, the two sides alternating which goes first. */
static double throughput(const char *label, int port, int runs, int reqs, cpu_fn server_cpu, int mock) {
    double ar[16], br[16], ratio[16], acpu[16], bcpu[16], asrv[16], bsrv[16], autil[16], butil[16], acu[16], bcu[16];
    double a, b, ac, bc;
    int i;
    curl_rps(port, reqs / 4, server_cpu, mock);     /* warm both up once */
    ailib_rps(port, reqs / 4, server_cpu, mock, NULL);
    for (i = 0; i < runs; i++) {
        tput ta, tb;
        if (i % 2) { ta = ailib_rps(port, reqs, server_cpu, mock, NULL); tb = curl_rps(port, reqs, server_cpu, mock); }
        else { tb = curl_rps(port, reqs, server_cpu, mock); ta = ailib_rps(port, reqs, server_cpu, mock, NULL); }
        ar[i] = ta.rps; br[i] = tb.rps; ratio[i] = ta.rps / tb.rps;
        acpu[i] = ta.client_cpu_us; bcpu[i] = tb.client_cpu_us;
        asrv[i] = ta.server_cpu_us; bsrv[i] = tb.server_cpu_us;
        autil[i] = ta.server_util; butil[i] = tb.server_util;
        acu[i] = ta.client_util; bcu[i] = tb.client_util;
    }
    a = median(ar, runs); b = median(br, runs);
    ac = median(acpu, runs); bc = median(bcpu, runs);
    printf("%s\n", label);
    printf("    requests/s:                  ailib %7.0f   raw libcurl %7.0f   ailib/raw = %.2f (median of per-run ratios %.2f)\n",
           a, b, a / b, median(ratio, runs));
    printf("    client thread CPU/request:   ailib %6.2f us  raw libcurl %6.2f us  ailib adds %.2f us (x%.2f); client thread busy %3.0f%% / %3.0f%%\n",
           ac, bc, ac - bc, ac / bc, 100 * median(acu, runs), 100 * median(bcu, runs));
    printf("    server CPU/request:          %6.2f us / %6.2f us, busy %3.0f%% / %3.0f%% of one core (ailib / raw)\n",
           median(asrv, runs), median(bsrv, runs), 100 * median(autil, runs), 100 * median(butil, runs));
    return a / b;
}

/* Both sides send the same bytes: capture one request of each at the responder. */
static int same_request_bytes(void) {
    char first[sizeof captured];
    size_t first_len;
    ailib_client *c;
    ailib_response *r = NULL;
    ailib_wire_request wr;
    struct curl_slist *h;
    CURLM *m;
    raw_xfer x;
    int running = 1;
    capture_want = 1;
    c = make_client(server_port, "/v1", NULL);
    if (ailib_chat(c, &bench_req, &r, NULL) != AILIB_OK) die("ailib_chat failed");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    pthread_mutex_lock(&capture_mu);
    memcpy(first, captured, captured_len); first_len = captured_len;
    capture_want = 1;
    pthread_mutex_unlock(&capture_mu);
    raw_request(server_port, &wr, &h);
    m = curl_multi_init();
    raw_setup(&x, &wr, h);
    curl_multi_add_handle(m, x.easy);
    while (running) { curl_multi_poll(m, NULL, 0, 100, NULL); curl_multi_perform(m, &running); }
    curl_multi_remove_handle(m, x.easy);
    curl_easy_cleanup(x.easy);
    curl_multi_cleanup(m);
    curl_slist_free_all(h);
    ailib_wire_request_deinit(&wr);
    pthread_mutex_lock(&capture_mu);
    running = first_len == captured_len && first_len > 0 && memcmp(first, captured, first_len) == 0;
    if (!running) fprintf(stderr, "--- ailib sent:\n%.*s\n--- raw sent:\n%.*s\n", (int)first_len, first, (int)captured_len, captured);
    pthread_mutex_unlock(&capture_mu);
    return running;
}

/* --- 2. memory of idle clients ------------------------------------------------------------ */

static long rss_bytes(void) {
    long pages = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0;
    fclose(f);
    return res * sysconf(_SC_PAGESIZE);
}
static long heap_bytes(void) {
#ifdef HAVE_MALLINFO2
    return (long)mallinfo2().uordblks;
#else
    return 0;
#endif
}
static int open_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    if (!d) return 0;
    while ((e = readdir(d)) != NULL) if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* Measured first (a fresh heap shows what new clients cost), printed in its place. */
static char mem_report[2048];
static int mem_ok;

static void memory(const ailib_allocator *al) {
    ailib_client *c, *many[IDLE_CLIENTS];
    ailib_call *calls[INFLIGHT];
    long long fresh, warm, after;
    long rss0, rss1, heap0, heap1, heap_w0, heap_w1;
    int fd0, fd1, i, done, n = 0;

    /* 100 fresh idle clients with the default allocator, before anything else grew the heap:
       what the process pays, libcurl included */
    heap0 = heap_bytes(); rss0 = rss_bytes(); fd0 = open_fds();
    for (i = 0; i < IDLE_CLIENTS; i++) many[i] = make_client(server_port, "/v1", NULL);
    heap1 = heap_bytes(); rss1 = rss_bytes(); fd1 = open_fds();
    for (i = 0; i < IDLE_CLIENTS; i++) ailib_client_destroy(many[i]);

    live_bytes = 0;
    heap_w0 = heap_bytes();
    c = make_client(server_port, "/v1", al);
    fresh = live_bytes;
    /* the same client idle again after 64 calls at once: it keeps 64 transfer slots (their
       easy handles and connections are libcurl's), a warm body buffer and its parser */
    for (i = 0; i < INFLIGHT; i++) if (ailib_chat_start(c, &bench_req, NULL, &calls[i], NULL) != AILIB_OK) die("ailib_chat_start failed");
    for (done = 0; done < INFLIGHT;) {
        ailib_client_poll(c, 100);
        for (i = 0; i < INFLIGHT; i++) {
            ailib_response *r = NULL;
            if (!calls[i] || !ailib_call_done(calls[i])) continue;
            if (ailib_call_finish(calls[i], &r, NULL) != AILIB_OK) die("an ailib call failed");
            ailib_response_destroy(r);
            calls[i] = NULL;
            done++;
        }
    }
    warm = live_bytes;
    heap_w1 = heap_bytes();
    ailib_client_destroy(c);
    after = live_bytes;

    mem_ok = fresh <= 65536 && warm <= 65536;
    n += snprintf(mem_report + n, sizeof mem_report - (size_t)n,
                  "2. idle client memory\n"
                  "    heap held by ailib (counting allocator, libcurl excluded): fresh client %lld B; idle again after 64 calls at once "
                  "%lld B (64 transfer slots, parser, body buffer); %lld B after destroy\n", fresh, warm, after);
    n += snprintf(mem_report + n, sizeof mem_report - (size_t)n,
                  "    process cost per fresh idle client over %d clients (libcurl's multi handle included): RSS +%.1f KiB, "
                  "malloc heap +%.1f KiB, %.1f fds\n",
                  IDLE_CLIENTS, (rss1 - rss0) / 1024.0 / IDLE_CLIENTS, (heap1 - heap0) / 1024.0 / IDLE_CLIENTS,
                  (double)(fd1 - fd0) / IDLE_CLIENTS);
#ifdef HAVE_MALLINFO2
    n += snprintf(mem_report + n, sizeof mem_report - (size_t)n,
                  "    the client idle after 64 calls at once, whole malloc heap (libcurl's 64 easy handles and kept-alive "
                  "connections included): %.1f KiB\n", (heap_w1 - heap_w0) / 1024.0);
#else
    (void)heap_w0; (void)heap_w1;
#endif
    snprintf(mem_report + n, sizeof mem_report - (size_t)n,
             "    memory per idle client <= 64 KiB excluding libcurl: budget %s (fresh %.1f KiB, after use %.1f KiB)\n",
             mem_ok ? "met" : fresh <= 65536 ? "met fresh, MISSED after use" : "MISSED", fresh / 1024.0, warm / 1024.0);
}

/* --- 3. allocations per streamed chunk ---------------------------------------------------- */

/* Allocation counts at the first and the last text delta: what happens in between is the
   per-chunk work, apart from the fixed cost of starting and ending a call. */
typedef struct scount { size_t deltas, first, last; } scount;
static int count_text(void *u, const ailib_event *e) {
    scount *s = (scount *)u;
    if (e->type == AILIB_EVENT_TEXT_DELTA) {
        if (!s->deltas++) s->first = n_alloc;
        s->last = n_alloc;
    }
    return 0;
}

typedef struct sresult { double per_chunk, ns_per_chunk; size_t deltas, whole_call; } sresult;

static sresult stream_allocs(int port, const char *path, const ailib_request *req, const ailib_allocator *al) {
    ailib_client *c = make_client(port, path, al);
    scount s;
    sresult out;
    size_t before;
    double t0;
    ailib_response *r = NULL;
    ailib_error err;
    memset(&s, 0, sizeof s);
    if (ailib_chat_stream(c, req, count_text, &s, &r, &err) != AILIB_OK) die(err.message);   /* warm-up */
    ailib_response_destroy(r);
    r = NULL;
    memset(&s, 0, sizeof s);
    before = n_alloc;
    t0 = now_ns();
    if (ailib_chat_stream(c, req, count_text, &s, &r, &err) != AILIB_OK) die(err.message);
    out.ns_per_chunk = (now_ns() - t0) / (double)(s.deltas ? s.deltas : 1);
    out.whole_call = n_alloc - before;           /* fixed costs included: request build, response */
    out.deltas = s.deltas;
    if (s.deltas < 100) die("too few stream deltas");
    out.per_chunk = (double)(s.last - s.first) / (double)(s.deltas - 1);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    return out;
}

/* --- 4. latency of one call ---------------------------------------------------------------- */

/* One run: LAT_CALLS sequential calls each side, interleaved call by call (ailib_chat on a
   kept-alive client; raw: one reused easy handle on a multi handle, the same poll loop), so
   both see the same machine state. Medians in ns. */
static void latency_run(double *a_med, double *b_med) {
    ailib_client *c = make_client(server_port, "/v1", NULL);
    ailib_wire_request wr;
    struct curl_slist *h;
    CURLM *m = curl_multi_init();
    raw_xfer x;
    static double ta[LAT_CALLS], tb[LAT_CALLS];
    int i;
    raw_request(server_port, &wr, &h);
    raw_setup(&x, &wr, h);
    for (i = -100; i < LAT_CALLS; i++) {
        ailib_response *r = NULL;
        double t0 = now_ns(), t1;
        int running = 1, left;
        CURLMsg *msg;
        if (ailib_chat(c, &bench_req, &r, NULL) != AILIB_OK || !unary_ok(r, 0)) die("ailib_chat failed");
        ailib_response_destroy(r);
        t1 = now_ns();
        x.got = 0;
        curl_multi_add_handle(m, x.easy);
        while (running) {
            curl_multi_poll(m, NULL, 0, 1000, NULL);
            curl_multi_perform(m, &running);
        }
        while ((msg = curl_multi_info_read(m, &left)) != NULL)
            if (msg->msg == CURLMSG_DONE && msg->data.result != CURLE_OK) die("raw libcurl transfer failed");
        curl_multi_remove_handle(m, x.easy);
        if (x.got != unary_body_len) die("raw libcurl: short body");
        if (i >= 0) { ta[i] = t1 - t0; tb[i] = now_ns() - t1; }
    }
    *a_med = median(ta, LAT_CALLS);
    *b_med = median(tb, LAT_CALLS);
    curl_easy_cleanup(x.easy);
    curl_multi_cleanup(m);
    curl_slist_free_all(h);
    ailib_wire_request_deinit(&wr);
    ailib_client_destroy(c);
}

/* Heap allocations per unary call through the engine, steady state: 64 in flight, sequential. */
static void allocs_per_call(const ailib_allocator *al, double *inflight, double *inflight_big, double *seq) {
    ailib_client *c;
    size_t a0, b0, a1, b1;
    int i;
    a0 = n_alloc; b0 = n_big;
    ailib_rps(server_port, 2000, responder_cpu_ns, 0, al);
    a0 = n_alloc - a0; b0 = n_big - b0;
    a1 = n_alloc; b1 = n_big;
    ailib_rps(server_port, 7000, responder_cpu_ns, 0, al);
    a1 = n_alloc - a1; b1 = n_big - b1;
    *inflight = (double)(a1 - a0) / 5000;        /* client setup and warm-up cancel out */
    *inflight_big = (double)(b1 - b0) / 5000;
    c = make_client(server_port, "/v1", al);
    for (i = -20; i < 1000; i++) {
        ailib_response *r = NULL;
        if (i == 0) a0 = n_alloc;
        if (ailib_chat(c, &bench_req, &r, NULL) != AILIB_OK) die("ailib_chat failed");
        ailib_response_destroy(r);
    }
    *seq = (double)(n_alloc - a0) / 1000;
    ailib_client_destroy(c);
}

int main(int argc, char **argv) {
    const char *mock_path = argc > 1 ? argv[1] : "./build/ailib-mock";
    ailib_allocator al;
    sresult sr;
    double la[LAT_RUNS], lb[LAT_RUNS], ld[LAT_RUNS], a, b, ratio, pin, pin_big, pseq, t_start = now_ns();
    int i, have_mock;

    signal(SIGPIPE, SIG_IGN);
    if (ailib_global_init() != AILIB_OK) die("libcurl did not initialise");
    build_responses();
    start_responder();
    memset(&bench_msg, 0, sizeof bench_msg);
    bench_msg.role = AILIB_ROLE_USER;
    bench_msg.text = "Tell me about Paris in two sentences.";
    memset(&bench_req, 0, sizeof bench_req);
    bench_req.model = "gpt-4o-mini";
    bench_req.messages = &bench_msg;
    bench_req.message_count = 1;
    al.malloc_fn = c_malloc; al.realloc_fn = c_realloc; al.free_fn = c_free; al.ctx = NULL;

    printf("ailib engine benchmarks (%s, %s), %ld cores, medians of several runs, same server for both sides\n",
           ailib_version_string(), curl_version_info(CURLVERSION_NOW)->version, sysconf(_SC_NPROCESSORS_ONLN));
    memory(&al);              /* first: a fresh heap shows what new clients cost; printed below */

    if (!same_request_bytes()) die("ailib and raw libcurl sent different request bytes");
    {
        char label[256];
        snprintf(label, sizeof label, "1. unary calls, %d in flight, %d requests per run, %d runs; responder thread in this process "
                 "(%lu-byte OpenAI reply), request bytes identical on both sides", INFLIGHT, REQS, RUNS, (unsigned long)unary_body_len);
        ratio = throughput(label, server_port, RUNS, REQS, responder_cpu_ns, 0);
    }
    allocs_per_call(&al, &pin, &pin_big, &pseq);
    printf("    ailib heap allocations per unary call (request build, call, response): %.2f with 64 in flight "
           "(%.2f of them over 1 KiB), %.2f sequential\n", pin, pin_big, pseq);
    printf("    unary requests/s >= 80%% of raw libcurl multi: budget %s (%.2f)\n", ratio >= 0.8 ? "met" : "MISSED", ratio);
    have_mock = start_mock(mock_path);
    if (have_mock) {
        char label[256];
        snprintf(label, sizeof label, "   cross-check against ailib-mock (thread per connection), %d requests per run, %d runs:", REQS / 2, MOCK_RUNS);
        throughput(label, mock_port, MOCK_RUNS, REQS / 2, mock_cpu_ns, 1);
    } else printf("   (no cross-check against ailib-mock: %s is missing; make build/ailib-mock)\n", mock_path);
    fputs(mem_report, stdout);

    printf("3. streamed calls: the second call on a client after a warm-up call, counting allocator\n");
    sr = stream_allocs(server_port, "/stream/v1", &bench_req, &al);
    printf("    responder, %d OpenAI chunks, %lu text deltas (Content-Length body): %.4f allocations per chunk between first and last delta; "
           "the whole call made %lu (%.4f per chunk amortized); %.0f ns per chunk end to end\n",
           CHUNKS, (unsigned long)sr.deltas, sr.per_chunk, (unsigned long)sr.whole_call, (double)sr.whole_call / (double)sr.deltas, sr.ns_per_chunk);
    {
        int allocs_ok = sr.per_chunk == 0;
        if (have_mock) {
            /* ailib-mock streams one word per chunk of the prompt, chunked transfer encoding */
            static char words[4001];
            ailib_message m2 = bench_msg;
            ailib_request r2 = bench_req;
            sresult ms;
            for (i = 0; i < 800; i++) memcpy(words + 5 * i, i % 2 ? " word" : " Lyon", 5);
            words[4000] = 0;
            m2.text = words;
            r2.messages = &m2;
            ms = stream_allocs(mock_port, "/v1", &r2, &al);
            printf("    ailib-mock, %lu one-word chunks (chunked encoding):        %.4f allocations per chunk between first and last delta; "
                   "the whole call made %lu (%.4f per chunk amortized)\n",
                   (unsigned long)ms.deltas, ms.per_chunk, (unsigned long)ms.whole_call, (double)ms.whole_call / (double)ms.deltas);
            allocs_ok = allocs_ok && ms.per_chunk == 0;
        }
        printf("    0 allocations per stream chunk after warm-up: budget %s\n", allocs_ok ? "met" : "MISSED");
    }
    stop_mock();

    for (i = 0; i < LAT_RUNS; i++) { latency_run(&la[i], &lb[i]); ld[i] = la[i] - lb[i]; }
    a = median(la, LAT_RUNS); b = median(lb, LAT_RUNS);
    printf("4. latency of one unary call, sequential, one kept-alive connection, calls interleaved, median of %d runs of %d:\n"
           "    ailib_chat %.1f us   raw libcurl multi %.1f us   ailib adds %.1f us per call (median of per-run differences %.1f us)\n",
           LAT_RUNS, LAT_CALLS, a / 1e3, b / 1e3, (a - b) / 1e3, median(ld, LAT_RUNS) / 1e3);
    printf("(%.1f s)\n", (now_ns() - t_start) / 1e9);
    ailib_global_cleanup();
    return 0;
}

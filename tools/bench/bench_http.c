/* bench_http.c - the engine against a local keep-alive HTTP server, medians of several runs.

   1. unary requests/s with 64 calls in flight through ailib, next to raw libcurl multi with
      64 reused easy handles sending the same bytes to the same server in the same run;
   2. heap held by an idle client (through the allocator hooks: libcurl's own memory is
      not counted);
   3. allocations per stream chunk after warm-up through the whole engine path.
   The server is a small responder thread in this process (poll, keep-alive, a fixed ~600-byte
   OpenAI reply or a 2,000-chunk SSE stream), identical for both sides. */
#define _POSIX_C_SOURCE 200809L
#define AILIB_IMPLEMENTATION
#include "../../ailib.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RUNS 5
#define INFLIGHT 64
#define REQS 20000
#define CHUNKS 2000

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
static int cmp_dbl(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }
static double median(double *v, int n) { qsort(v, (size_t)n, sizeof *v, cmp_dbl); return v[n / 2]; }

/* --- the responder ----------------------------------------------------------------------- */

static char unary_resp[1024];
static size_t unary_len;
static char *stream_resp;
static size_t stream_len;
static int listen_fd, server_port;

static void build_responses(void) {
    static const char body[] =
        "{\"id\":\"chatcmpl-D8Z5fAbCdEfGhIjKlMnOpQrStUv\",\"object\":\"chat.completion\",\"created\":1770933883,"
        "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        "\"content\":\"Paris is the capital of France. It sits on the Seine and is known for the Louvre, the "
        "Eiffel Tower and its cafes.\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
        "\"usage\":{\"prompt_tokens\":53,\"completion_tokens\":28,\"total_tokens\":81,\"prompt_tokens_details\":"
        "{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}},"
        "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_de604bd877\"}";
    size_t i, cap = CHUNKS * 400 + 1024, off;
    unary_len = (size_t)snprintf(unary_resp, sizeof unary_resp,
                                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: req_b\r\nContent-Length: %lu\r\n\r\n%s",
                                 (unsigned long)(sizeof body - 1), body);
    stream_resp = (char *)malloc(cap);
    off = 200;   /* headers are written in front once the length is known */
    for (i = 0; i < CHUNKS; i++) {
        if (i == CHUNKS - 1)
            off += (size_t)sprintf(stream_resp + off, "data: {\"id\":\"chatcmpl-Dx0X\",\"object\":\"chat.completion.chunk\",\"created\":1782955817,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1999,\"total_tokens\":2004}}\n\ndata: [DONE]\n\n");
        else
            off += (size_t)sprintf(stream_resp + off, "data: {\"id\":\"chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl\",\"object\":\"chat.completion.chunk\",\"created\":1782955817,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_d0469e1700\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"UqdZk18gUR\"}\n\n");
    }
    {
        char hdr[200];
        int hl = snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %lu\r\n\r\n",
                          (unsigned long)(off - 200));
        memcpy(stream_resp + 200 - hl, hdr, (size_t)hl);
        memmove(stream_resp, stream_resp + 200 - hl, off - 200 + (size_t)hl);
        stream_len = off - 200 + (size_t)hl;
    }
}

typedef struct conn { int fd; char buf[65536]; size_t len; } conn;

static int write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { struct pollfd pf; pf.fd = fd; pf.events = POLLOUT; poll(&pf, 1, 100); continue; }
        p += w; n -= (size_t)w;
    }
    return 0;
}

/* Answers every complete request in the buffer; keeps any partial one. */
static void serve(conn *c) {
    for (;;) {
        char *end = NULL, *cl;
        size_t hl, bl = 0, i;
        for (i = 3; i < c->len; i++) if (c->buf[i] == '\n' && c->buf[i - 1] == '\r' && c->buf[i - 2] == '\n') { end = c->buf + i + 1; break; }
        if (!end) return;
        hl = (size_t)(end - c->buf);
        c->buf[hl - 1] = 0;
        cl = strstr(c->buf, "Content-Length:");
        if (!cl) cl = strstr(c->buf, "content-length:");
        if (cl) bl = (size_t)atol(cl + 15);
        c->buf[hl - 1] = '\n';
        if (c->len < hl + bl) return;
        if (strstr(c->buf, "/stream/") && (size_t)(strstr(c->buf, "/stream/") - c->buf) < hl) write_all(c->fd, stream_resp, stream_len);
        else write_all(c->fd, unary_resp, unary_len);
        memmove(c->buf, c->buf + hl + bl, c->len - hl - bl);
        c->len -= hl + bl;
    }
}

static void *server_main(void *arg) {
    struct pollfd pfd[INFLIGHT * 2 + 8];
    conn *conns[INFLIGHT * 2 + 8];
    int n = 1, i;
    (void)arg;
    pfd[0].fd = listen_fd;
    pfd[0].events = POLLIN;
    for (;;) {
        if (poll(pfd, (nfds_t)n, 1000) <= 0) continue;
        if (pfd[0].revents & POLLIN) {
            int fd = accept(listen_fd, NULL, NULL), one = 1;
            if (fd >= 0 && n < INFLIGHT * 2 + 8) {
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                conns[n] = (conn *)calloc(1, sizeof(conn));
                conns[n]->fd = fd;
                pfd[n].fd = fd;
                pfd[n].events = POLLIN;
                pfd[n].revents = 0;
                n++;
            } else if (fd >= 0) close(fd);
        }
        for (i = 1; i < n; i++) {
            ssize_t r;
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            r = read(pfd[i].fd, conns[i]->buf + conns[i]->len, sizeof conns[i]->buf - conns[i]->len);
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

static void start_server(void) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    pthread_t th;
    int one = 1;
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd, (struct sockaddr *)&sa, sizeof sa);
    listen(listen_fd, 256);
    getsockname(listen_fd, (struct sockaddr *)&sa, &sl);
    server_port = ntohs(sa.sin_port);
    pthread_create(&th, NULL, server_main, NULL);
    pthread_detach(th);
}

/* --- counting allocator ------------------------------------------------------------------- */

static size_t n_alloc;
static long long live_bytes;
/* sizes are kept in a header so frees can be counted */
static void *c_malloc(void *ctx, size_t n) {
    size_t *p = (size_t *)malloc(n + 16);
    (void)ctx;
    if (!p) return NULL;
    n_alloc++; live_bytes += (long long)n; p[0] = n;
    return (char *)p + 16;
}
static void *c_realloc(void *ctx, void *q, size_t o, size_t n) {
    size_t *p = q ? (size_t *)((char *)q - 16) : NULL, old = p ? p[0] : 0;
    (void)ctx; (void)o;
    p = (size_t *)realloc(p, n + 16);
    if (!p) return NULL;
    n_alloc++; live_bytes += (long long)n - (long long)old; p[0] = n;
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

/* --- 1. throughput ------------------------------------------------------------------------ */

static ailib_message bench_msg;
static ailib_request bench_req;

static ailib_client *make_client(const char *path, const ailib_allocator *al) {
    char base[128];
    ailib_client_desc d;
    memset(&d, 0, sizeof d);
    snprintf(base, sizeof base, "http://127.0.0.1:%d%s", server_port, path);
    d.model = "openai/gpt-4o-mini";
    d.base_url = base;
    d.api_key = "sk-bench";
    d.allocator = al;
    return ailib_client_create(&d, NULL);
}

static double ailib_rps(void) {
    ailib_client *c = make_client("/v1", NULL);
    ailib_call *calls[INFLIGHT];
    int started = 0, finished = 0, i;
    double t0;
    for (i = 0; i < INFLIGHT; i++) { ailib_chat_start(c, &bench_req, NULL, &calls[i], NULL); started++; }
    t0 = now_ns();
    while (finished < REQS) {
        ailib_client_poll(c, 100);
        for (i = 0; i < INFLIGHT; i++) {
            ailib_response *r = NULL;
            if (!calls[i] || !ailib_call_done(calls[i])) continue;
            if (ailib_call_finish(calls[i], &r, NULL) != AILIB_OK || ailib_response_usage(r)->output_tokens != 28) { puts("ailib call failed"); exit(1); }
            ailib_response_destroy(r);
            calls[i] = NULL;
            finished++;
            if (started < REQS) { ailib_chat_start(c, &bench_req, NULL, &calls[i], NULL); started++; }
        }
    }
    t0 = (now_ns() - t0) / 1e9;
    ailib_client_destroy(c);
    return REQS / t0;
}

static size_t sink(char *p, size_t s, size_t n, void *u) { (void)p; *(size_t *)u += s * n; return s * n; }

static double curl_rps(void) {
    ailib_endpoint ep;
    ailib_wire_request wr;
    char base[128];
    CURLM *m = curl_multi_init();
    CURL *easy[INFLIGHT];
    struct curl_slist *h = NULL;
    size_t got[INFLIGHT];
    int started = 0, finished = 0, i, running;
    double t0;
    memset(&ep, 0, sizeof ep);
    snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", server_port);
    ep.provider = ailib_provider_find("openai");
    ep.base_url = base;
    ep.api_key = "sk-bench";
    ailib_wire_request_build(&ep, &bench_req, 0, &wr, NULL);
    for (i = 0; i < (int)wr.header_count; i++) {
        char line[512];
        snprintf(line, sizeof line, "%s: %s", wr.headers[i].name, wr.headers[i].value);
        h = curl_slist_append(h, line);
    }
    h = curl_slist_append(h, "Expect:");
    for (i = 0; i < INFLIGHT; i++) {
        easy[i] = curl_easy_init();
        curl_easy_setopt(easy[i], CURLOPT_URL, wr.url);
        curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, wr.body);
        curl_easy_setopt(easy[i], CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)wr.body_len);
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, &got[i]);
        curl_easy_setopt(easy[i], CURLOPT_PRIVATE, (char *)0 + i);
        curl_easy_setopt(easy[i], CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy[i], CURLOPT_ACCEPT_ENCODING, "");
        got[i] = 0;
        curl_multi_add_handle(m, easy[i]);
        started++;
    }
    t0 = now_ns();
    while (finished < REQS) {
        CURLMsg *msg;
        int left;
        curl_multi_poll(m, NULL, 0, 100, NULL);
        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            CURL *e = msg->easy_handle;
            if (msg->msg != CURLMSG_DONE) continue;
            if (msg->data.result != CURLE_OK) { puts("curl failed"); exit(1); }
            finished++;
            curl_multi_remove_handle(m, e);
            if (started < REQS) { curl_multi_add_handle(m, e); started++; }
        }
    }
    t0 = (now_ns() - t0) / 1e9;
    for (i = 0; i < INFLIGHT; i++) { curl_multi_remove_handle(m, easy[i]); curl_easy_cleanup(easy[i]); }
    curl_slist_free_all(h);
    curl_multi_cleanup(m);
    ailib_wire_request_deinit(&wr);
    return REQS / t0;
}

/* --- 3. allocations per streamed chunk ---------------------------------------------------- */

/* Allocation counts at the first and the last text delta: what happens in between is the
   per-chunk work (1,998 chunks), separate from the fixed cost of starting a call. */
static size_t alloc_first, alloc_last;
static int count_text(void *u, const ailib_event *e) {
    if (e->type == AILIB_EVENT_TEXT_DELTA) {
        if (!(*(size_t *)u)++) alloc_first = n_alloc;
        alloc_last = n_alloc;
    }
    return 0;
}

static double stream_allocs(const ailib_allocator *al, size_t *absolute) {
    ailib_client *c = make_client("/stream/v1", al);
    size_t deltas = 0, before;
    ailib_response *r = NULL;
    ailib_chat_stream(c, &bench_req, count_text, &deltas, &r, NULL);     /* warm-up */
    ailib_response_destroy(r);
    r = NULL;
    deltas = 0;
    before = n_alloc;
    if (ailib_chat_stream(c, &bench_req, count_text, &deltas, &r, NULL) != AILIB_OK || deltas != CHUNKS - 1) { puts("stream failed"); exit(1); }
    *absolute = n_alloc - before;                 /* the whole call, fixed costs included */
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    return (double)(alloc_last - alloc_first) / (double)(deltas - 1);
}

int main(void) {
    double a[RUNS], b[RUNS], ar, br, per_chunk;
    ailib_allocator al;
    ailib_client *idle;
    size_t abs_allocs;
    long long idle_bytes;
    int i;
    ailib_global_init();
    build_responses();
    start_server();
    memset(&bench_msg, 0, sizeof bench_msg);
    bench_msg.text = "Tell me about Paris in two sentences.";
    bench_req.messages = &bench_msg;
    bench_req.message_count = 1;
    al.malloc_fn = c_malloc; al.realloc_fn = c_realloc; al.free_fn = c_free; al.ctx = NULL;

    printf("ailib engine benchmarks, medians of %d runs, %d requests per run, %d in flight, local keep-alive server\n",
           RUNS, REQS, INFLIGHT);
    curl_rps(); ailib_rps();                     /* warm both up once */
    for (i = 0; i < RUNS; i++) { b[i] = curl_rps(); a[i] = ailib_rps(); }
    ar = median(a, RUNS);
    br = median(b, RUNS);
    printf("unary requests/s, 64 in flight:  ailib %8.0f   raw libcurl multi %8.0f   ailib/raw = %.2f  (budget >= 0.80: %s)\n",
           ar, br, ar / br, ar / br >= 0.8 ? "met" : "MISSED");

    live_bytes = 0;
    idle = make_client("/v1", &al);
    idle_bytes = live_bytes;
    ailib_client_destroy(idle);
    printf("idle client heap, excluding libcurl:   %lld bytes  (budget <= 65536: %s); after destroy %lld bytes live\n",
           idle_bytes, idle_bytes <= 65536 ? "met" : "MISSED", live_bytes);

    per_chunk = stream_allocs(&al, &abs_allocs);
    printf("streamed call of %d chunks after a warm-up call: %.4f allocations per chunk between first and last delta  (budget 0: %s);\n"
           "    the whole call (request build, transfer setup, response) made %lu allocations\n",
           CHUNKS, per_chunk, per_chunk == 0 ? "met" : "MISSED", (unsigned long)abs_allocs);
    ailib_global_cleanup();
    return 0;
}

/* bench_store: what the Redis store (AILIB_ENABLE_REDIS) costs a call, against ailib-mock and
   a redis-server of its own on loopback, same run:
     - store operations per call (the gate's shared bucket, a shared budget, both),
     - CPU per call added in the calling process (its I/O thread included) and in redis-server,
     - calls per second across 8 processes, each with its own client (and store), with and
       without the store.
   Usage: bench_store ./build/ailib-mock   (redis-server from $PATH; skipped with a note without) */
#define AILIB_IMPLEMENTATION
#include "../../ailib.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int redis_port, mock_port, redis_pid, mock_pid;

static void sleep_us(long us) {
    struct timespec ts;
    ts.tv_sec = us / 1000000;
    ts.tv_nsec = (us % 1000000) * 1000L;
    nanosleep(&ts, NULL);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int free_port(void) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && getsockname(fd, (struct sockaddr *)&sa, &sl) == 0) port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

/* One inline command; the reply (first 4 KiB) into out. */
static int rcmd(const char *cmd, char *out, size_t cap) {
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ssize_t n;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)redis_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || write(fd, cmd, strlen(cmd)) < 0 || write(fd, "\r\n", 2) < 0) { close(fd); return 0; }
    sleep_us(20000);
    n = read(fd, out, cap - 1);
    close(fd);
    out[n > 0 ? n : 0] = 0;
    return n > 0;
}

/* redis-server's own CPU so far (INFO cpu), seconds. */
static double redis_cpu(void) {
    char out[4096], *u, *s;
    if (!rcmd("INFO cpu", out, sizeof out) || !(u = strstr(out, "used_cpu_user:")) || !(s = strstr(out, "used_cpu_sys:"))) return 0;
    return atof(u + 14) + atof(s + 13);
}

static int start_redis(void) {
    char ps[16], out[64];
    int i;
    redis_port = free_port();
    snprintf(ps, sizeof ps, "%d", redis_port);
    if ((redis_pid = fork()) == 0) {
        int dn = open("/dev/null", O_WRONLY);
        dup2(dn, 1); dup2(dn, 2);
        execlp("redis-server", "redis-server", "--port", ps, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 300; i++) {
        if (rcmd("PING", out, sizeof out) && !strncmp(out, "+PONG", 5)) return 1;
        if (waitpid(redis_pid, NULL, WNOHANG) == redis_pid) return 0;
        sleep_us(10000);
    }
    return 0;
}

static int start_mock(const char *mock) {
    char pf[64], cmd[512];
    FILE *f;
    int i;
    snprintf(pf, sizeof pf, "/tmp/bench-store-port.%d", (int)getpid());
    unlink(pf);
    if ((mock_pid = fork()) == 0) {
        snprintf(cmd, sizeof cmd, "exec %s --port 0 --quiet --port-file %s", mock, pf);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 500; i++) {
        if ((f = fopen(pf, "r")) != NULL) {
            int ok = fscanf(f, "%d", &mock_port) == 1;
            fclose(f);
            if (ok && mock_port > 0) { unlink(pf); return 1; }
        }
        sleep_us(10000);
    }
    return 0;
}

static void stop_all(void) {
    if (redis_pid > 0) { kill(redis_pid, SIGKILL); waitpid(redis_pid, NULL, 0); }
    if (mock_pid > 0) { kill(mock_pid, SIGTERM); waitpid(mock_pid, NULL, 0); }
}

enum { USE_GATE = 1, USE_BUDGET = 2 };

/* A client against the mock: a gate that never says no (the bucket is large), and a budget
   that never refuses; with a store (use != 0) the chosen parts go through it. */
static ailib_client *client(int use, ailib_store **s, const char *prefix) {
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    ailib_budget b;
    ailib_price p;
    char base[128];
    snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", mock_port);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "sk-bench";
    d.base_url = base;
    d.requests_per_minute = 1000000000;
    if (!(c = ailib_client_create(&d, &err))) { fprintf(stderr, "%s\n", err.message); exit(1); }
    memset(&p, 0, sizeof p);
    p.output = 1;
    ailib_client_set_price(c, NULL, &p, &err);
    memset(&b, 0, sizeof b);
    b.name = "bench";
    b.limit_usd = 1e12;
    ailib_ledger_add_budget(ailib_client_ledger(c), &b, &err);
    *s = NULL;
    if (use) {
        ailib_redis_desc rd;
        char url[64];
        memset(&rd, 0, sizeof rd);
        snprintf(url, sizeof url, "redis://127.0.0.1:%d", redis_port);
        rd.url = url;
        rd.prefix = prefix;
        if (!(*s = ailib_store_redis_create(&rd, &err))) { fprintf(stderr, "%s\n", err.message); exit(1); }
        if (use & USE_GATE) ailib_client_set_store(c, *s, &err);
        if (use & USE_BUDGET) ailib_ledger_set_store(ailib_client_ledger(c), *s, "bench", &err);
    }
    return c;
}

static int cmp_d(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

static double med5(const double *v) {
    double t[5];
    memcpy(t, v, sizeof t);
    qsort(t, 5, sizeof t[0], cmp_d);
    return t[2];
}

static int calls(ailib_client *c, int n) {
    ailib_message m;
    ailib_request req;
    ailib_error err;
    int i, ok = 0;
    memset(&m, 0, sizeof m);
    m.role = AILIB_ROLE_USER;
    m.text = "hi";
    memset(&req, 0, sizeof req);
    req.messages = &m;
    req.message_count = 1;
    req.max_tokens = 16;
    for (i = 0; i < n; i++) {
        ailib_response *r = NULL;
        if (ailib_chat(c, &req, &r, &err) == AILIB_OK) ok++;
        ailib_response_destroy(r);
    }
    return ok;
}

/* CPU seconds per call of this process, and of redis-server, over n calls. */
static void measure(int use, int n, double *cpu, double *rcpu, double *ops) {
    ailib_store *s;
    ailib_client *c = client(use, &s, "bench1");
    ailib_store_stats st;
    double c0, r0;
    calls(c, 200);                          /* warm: connections, scripts */
    if (s) ailib_store_get_stats(s, &st); else memset(&st, 0, sizeof st);
    *ops = -(double)st.ops;
    c0 = cpu_s();
    r0 = redis_cpu();
    calls(c, n);
    *cpu = (cpu_s() - c0) / n;
    *rcpu = (redis_cpu() - r0) / n;
    if (s) ailib_store_get_stats(s, &st);
    *ops = (*ops + (double)st.ops) / n;
    ailib_client_destroy(c);
    ailib_store_destroy(s);
}

/* Calls per second of 8 processes at once, each looping blocking calls for secs. */
static double multi(int use, double secs) {
    int pids[8], fds[8][2], i;
    long total = 0;
    double t0 = now_s();
    for (i = 0; i < 8; i++) {
        if (pipe(fds[i]) != 0) exit(1);
        if ((pids[i] = fork()) == 0) {
            ailib_store *s;
            ailib_client *c = client(use, &s, "bench8");
            long done = 0;
            double end = now_s() + secs;
            close(fds[i][0]);
            while (now_s() < end) done += calls(c, 20);
            ailib_client_destroy(c);
            ailib_store_destroy(s);
            if (write(fds[i][1], &done, sizeof done) != (ssize_t)sizeof done) _exit(1);
            _exit(0);
        }
        close(fds[i][1]);
    }
    for (i = 0; i < 8; i++) {
        long d = 0;
        if (read(fds[i][0], &d, sizeof d) == (ssize_t)sizeof d) total += d;
        close(fds[i][0]);
        waitpid(pids[i], NULL, 0);
    }
    return (double)total / (now_s() - t0);
}

int main(int argc, char **argv) {
    double cpu0, cpu1, cpu2, cpu3, r0, r1, r2, r3, o0, o1, o2, o3, m0, m1;
    int n = 3000, k;
    double a[3], b[3], g[3];
    ailib_global_init();
    if (argc < 2 || !start_mock(argv[1])) { printf("bench_store: skipped (no ailib-mock)\n"); return 0; }
    if (!start_redis()) { printf("bench_store: skipped (redis-server not found: apt-get install redis-server)\n"); stop_all(); return 0; }
    atexit(stop_all);
    {   /* the four setups in turn, 5 rounds, medians: the machine is shared */
        double cpu[4][5], rc[4][5], op[4][5];
        static const int use[4] = { 0, USE_GATE, USE_BUDGET, USE_GATE | USE_BUDGET };
        int u, rr;
        for (rr = 0; rr < 5; rr++)
            for (u = 0; u < 4; u++) measure(use[u], n, &cpu[u][rr], &rc[u][rr], &op[u][rr]);
        cpu0 = med5(cpu[0]); cpu1 = med5(cpu[1]); cpu2 = med5(cpu[2]); cpu3 = med5(cpu[3]);
        r1 = med5(rc[1]); r2 = med5(rc[2]); r3 = med5(rc[3]);
        o1 = med5(op[1]); o2 = med5(op[2]); o3 = med5(op[3]);
        (void)r0; (void)o0;
    }
    printf("bench_store: %d sequential unary calls to ailib-mock per run, one process, Redis on loopback, medians of 5 rounds\n", n);
    printf("  no store:                 %5.1f us CPU/call\n", cpu0 * 1e6);
    printf("  gate (rpm) in Redis:      %5.1f us CPU/call (+%.1f), redis-server %.1f us/call, %.2f store ops/call\n",
           cpu1 * 1e6, (cpu1 - cpu0) * 1e6, r1 * 1e6, o1);
    printf("  budget in Redis:          %5.1f us CPU/call (+%.1f), redis-server %.1f us/call, %.2f store ops/call\n",
           cpu2 * 1e6, (cpu2 - cpu0) * 1e6, r2 * 1e6, o2);
    printf("  gate + budget in Redis:   %5.1f us CPU/call (+%.1f), redis-server %.1f us/call, %.2f store ops/call\n",
           cpu3 * 1e6, (cpu3 - cpu0) * 1e6, r3 * 1e6, o3);
    /* alternate the two runs, 3 pairs, and keep the medians: the machine is shared */
    for (k = 0; k < 3; k++) { a[k] = multi(0, 2.0); b[k] = multi(USE_GATE | USE_BUDGET, 2.0); g[k] = multi(USE_GATE, 2.0); }
#define MED3(x) ((x)[0] > (x)[1] ? ((x)[1] > (x)[2] ? (x)[1] : (x)[0] > (x)[2] ? (x)[2] : (x)[0]) : ((x)[0] > (x)[2] ? (x)[0] : (x)[1] > (x)[2] ? (x)[2] : (x)[1]))
    m0 = MED3(a);
    m1 = MED3(b);
    printf("  8 processes, blocking calls, 2 s runs (medians of 3 alternating runs): %.0f calls/s without the store, "
           "%.0f with the gate in Redis (%.0f%%), %.0f with gate + budget (%.0f%%)\n", m0, MED3(g), 100.0 * MED3(g) / m0, m1,
           100.0 * m1 / m0);
    return 0;
}

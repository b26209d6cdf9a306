/* The store (>>store): the in-process store shared by clients, and the Redis store
   (AILIB_ENABLE_REDIS) shared by processes, against a real redis-server and ailib-mock.
   The server is started here on a free loopback port and stopped at exit; without a
   redis-server binary (make deps installs Debian's) the Redis tests skip, saying so. */
#include "../ailib.h"
#include "test.h"
#include "mockctl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#  include <sys/prctl.h>
#endif

#if AILIB_ENABLE_REDIS
static void rsleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

static int64_t rnow_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
#endif

static ailib_request rprompt(ailib_message *m, const char *text, int64_t max_tokens) {
    ailib_request r;
    memset(m, 0, sizeof *m);
    m->role = AILIB_ROLE_USER;
    m->text = text;
    memset(&r, 0, sizeof r);
    r.messages = m;
    r.message_count = 1;
    r.max_tokens = max_tokens;
    return r;
}

/* Two clients of one process share a requests-per-minute bucket through the in-process
   store: together they get the bucket's 3 requests, not 3 each. */
TEST(store_memory_shares_rate_limit) {
    const mock_server *m = mock_shared();
    ailib_client_desc d;
    ailib_client *a, *b;
    ailib_store *s;
    ailib_message msg;
    ailib_request req = rprompt(&msg, "hi", 0);
    ailib_response *r;
    ailib_error err;
    ailib_store_stats st;
    char base[256];
    int i, ok = 0, limited = 0;
    if (!m) TEST_SKIP("ailib-mock not available");
    mock_url(m, "tag=store-mem", "/v1", base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "sk-store-mem";
    d.base_url = base;
    d.requests_per_minute = 3;
    d.gate_fail_fast = 1;
    ASSERT_TRUE((a = ailib_client_create(&d, &err)) != NULL);
    ASSERT_TRUE((b = ailib_client_create(&d, &err)) != NULL);
    ASSERT_TRUE((s = ailib_store_memory_create(NULL, &err)) != NULL);
    ASSERT_EQ(ailib_client_set_store(a, s, &err), AILIB_OK);
    ASSERT_EQ(ailib_client_set_store(b, s, &err), AILIB_OK);
    ailib_store_destroy(s);                 /* the clients keep it */
    for (i = 0; i < 6; i++) {
        ailib_result res = ailib_chat(i % 2 ? b : a, &req, &r, &err);
        if (res == AILIB_OK) { ok++; ailib_response_destroy(r); }
        else if (res == AILIB_RATE_LIMITED) limited++;
    }
    EXPECT_EQ(ok, 3);
    EXPECT_EQ(limited, 3);
    EXPECT_EQ(mock_count(m, "tag=store-mem"), 3);
    ailib_store_get_stats(s, &st);          /* still alive: the clients hold it */
    EXPECT_EQ(st.ops, 6);
    EXPECT_EQ(st.failed, 0);
    EXPECT_EQ(st.up, 1);
    ailib_client_destroy(a);
    ailib_client_destroy(b);
}

/* A client without limits keeps no shared state: setting a store says what would. */
TEST(store_set_on_plain_client_says_what_to_set) {
    ailib_client_desc d;
    ailib_client *c;
    ailib_store *s;
    ailib_error err;
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "sk-x";
    ASSERT_TRUE((c = ailib_client_create(&d, &err)) != NULL);
    ASSERT_TRUE((s = ailib_store_memory_create(NULL, &err)) != NULL);
    EXPECT_EQ(ailib_client_set_store(c, s, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "requests_per_minute") != NULL);
    ailib_store_destroy(s);
    ailib_client_destroy(c);
}

#define REDIS_TESTS(X) \
    X(redis_url_errors_name_the_fix_not_the_password) \
    X(redis_four_processes_share_rate_limit) \
    X(redis_keys_never_hold_the_key) \
    X(redis_four_processes_share_budget) \
    X(redis_failures_in_one_process_open_the_circuit_for_others) \
    X(redis_cache_entry_of_one_process_served_to_another) \
    X(redis_killed_and_restarted_both_fail_modes) \
    X(redis_budget_spend_kept_while_down) \
    X(redis_slow_server_never_holds_the_poll) \
    X(redis_password_and_database_from_the_url)

#if !AILIB_ENABLE_REDIS
#define REDIS_OFF(name) void ailib_test_##name(void) { TEST_SKIP("built without AILIB_ENABLE_REDIS=1"); }
REDIS_TESTS(REDIS_OFF)
#else

/* --- a redis-server of our own ------------------------------------------------------------------ */

typedef struct redis_srv { int pid, port; } redis_srv;
static redis_srv rsrv;
static int rstate;                          /* 0 not tried, 1 running, -1 none */
static char rwhy[256];

static int free_port(void) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;
    if (fd < 0) return 0;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && getsockname(fd, (struct sockaddr *)&sa, &sl) == 0) port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

/* One command (inline form) to the server; the reply's first line into out. 1 on a reply. */
static int rcmd(int port, const char *cmd, char *out, size_t cap) {
    struct sockaddr_in sa;
    struct timeval tv;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ssize_t n;
    size_t got = 0;
    if (fd < 0) return 0;
    tv.tv_sec = 2; tv.tv_usec = 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || write(fd, cmd, strlen(cmd)) < 0 || write(fd, "\r\n", 2) < 0) { close(fd); return 0; }
    while (got + 1 < cap && (n = read(fd, out + got, cap - 1 - got)) > 0) {
        got += (size_t)n;
        out[got] = 0;
        if (strstr(cmd, "ECHO end") && !strstr(out, "end\r\n")) continue;   /* pipelined: until the last reply */
        if (out[0] != '*' && out[0] != '$' && strstr(out, "\r\n")) break;
        if (out[0] == '$' && strstr(out, "\r\n") && (atol(out + 1) < 0 || strstr(strstr(out, "\r\n") + 2, "\r\n"))) break;
        if (out[0] == '*') { rsleep_ms(20); break; }   /* arrays: what came at once is enough here */
    }
    out[got] = 0;
    close(fd);
    return got > 0;
}

static int redis_start_with(redis_srv *r, int port, const char *pass) {
    char ps[16], buf[64], auth[80];
    int i;
    snprintf(ps, sizeof ps, "%d", port);
    r->port = port;
    r->pid = fork();
    if (r->pid < 0) return 0;
    if (r->pid == 0) {
        int dn = open("/dev/null", O_WRONLY);
#if defined(__linux__)
        prctl(PR_SET_PDEATHSIG, SIGKILL);     /* a test run that dies does not leave servers behind */
#endif
        if (dn >= 0) { dup2(dn, 1); dup2(dn, 2); }
        execlp("redis-server", "redis-server", "--port", ps, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--protected-mode", "no", "--daemonize", "no", pass ? "--requirepass" : (char *)NULL, pass, (char *)NULL);
        execl("/usr/bin/redis-server", "redis-server", "--port", ps, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
              "--protected-mode", "no", "--daemonize", "no", pass ? "--requirepass" : (char *)NULL, pass, (char *)NULL);
        _exit(127);
    }
    snprintf(auth, sizeof auth, "AUTH %s", pass ? pass : "");
    for (i = 0; i < 300; i++) {             /* up to 3 s */
        if (rcmd(port, pass ? auth : "PING", buf, sizeof buf) && (!strncmp(buf, "+PONG", 5) || !strncmp(buf, "+OK", 3))) return 1;
        if (waitpid(r->pid, NULL, WNOHANG) == r->pid) { r->pid = 0; return 0; }
        rsleep_ms(10);
    }
    kill(r->pid, SIGKILL);
    waitpid(r->pid, NULL, 0);
    r->pid = 0;
    return 0;
}

static int redis_start(redis_srv *r, int port) { return redis_start_with(r, port, NULL); }

static void redis_kill(redis_srv *r) {
    if (r->pid > 0) { kill(r->pid, SIGKILL); waitpid(r->pid, NULL, 0); }
    r->pid = 0;
}

static void redis_stop_shared(void) { redis_kill(&rsrv); }

static const redis_srv *redis_shared(void) {
    if (rstate == 0) {
        int port = free_port();
        rstate = port && redis_start(&rsrv, port) ? 1 : -1;
        if (rstate == 1) atexit(redis_stop_shared);
        else snprintf(rwhy, sizeof rwhy, "redis-server could not be started (not installed? make deps / apt-get install redis-server)");
    }
    return rstate == 1 ? &rsrv : NULL;
}

/* A store on the shared server, keys under a prefix of this test and process. */
static ailib_store *rstore(const redis_srv *r, const char *prefix, ailib_store_failure f, ailib_error *err) {
    ailib_redis_desc rd;
    char url[64];
    memset(&rd, 0, sizeof rd);
    snprintf(url, sizeof url, "redis://127.0.0.1:%d/0", r->port);
    rd.url = url;
    rd.prefix = prefix;
    rd.on_failure = f;
    rd.max_wait_ms = 5;                     /* CI machines are busy: the bound itself is tested apart */
    rd.sync_ms = 20;
    rd.connect_timeout_ms = 300;
    rd.io_timeout_ms = 300;
    return ailib_store_redis_create(&rd, err);
}

static ailib_client *rclient(const mock_server *m, const char *spec, int64_t rpm, ailib_error *err) {
    ailib_client_desc d;
    char base[256];
    mock_url(m, spec, "/v1", base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "sk-redis-test-key-0123456789";
    d.base_url = base;
    d.requests_per_minute = rpm;
    d.gate_fail_fast = 1;
    d.max_retries = -1;
    return ailib_client_create(&d, err);
}


/* The sanitizer and valgrind runs (quick) leave out the tests that fork workers: a worker is
   a copy of the test process, whose inherited memory those tools would report at its exit. */
#define NEED_FORK() do { if (ailib_test_quick()) TEST_SKIP("multi-process test: runs in the plain suite (make unit)"); } while (0)

/* Runs fn(i) in n child processes at once; 1 when each exited 0. Children leave with _exit:
   the parent's atexit handlers (the servers' stops) are not theirs. */
static int forked(int n, int (*fn)(int, void *), void *user) {
    int pids[16], i, ok = 1;
    for (i = 0; i < n; i++) {
        fflush(stdout);
        if ((pids[i] = fork()) == 0) _exit(fn(i, user));
    }
    for (i = 0; i < n; i++) {
        int st = 0;
        if (pids[i] < 0 || waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0) ok = 0;
    }
    return ok;
}

/* --- URLs ------------------------------------------------------------------------------------------- */

TEST(redis_url_errors_name_the_fix_not_the_password) {
    ailib_redis_desc rd;
    ailib_error err;
    ailib_store *s;
    static const char *const bad[] = { "http://127.0.0.1:6379", "redis://", "redis://u:hunter2@host:99999",
                                       "redis://u:hunter2@host:6379/x", "redis://u:hunter2@[::1:6379", "redis://h o" };
    size_t i;
    memset(&rd, 0, sizeof rd);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rd.url = bad[i];
        memset(&err, 0, sizeof err);
        EXPECT_TRUE((s = ailib_store_redis_create(&rd, &err)) == NULL);
        EXPECT_EQ(err.code, AILIB_CONFIGURATION);
        EXPECT_TRUE(strstr(err.message, "hunter2") == NULL);
        EXPECT_TRUE(strstr(err.message, "Redis URL") != NULL);
        ailib_store_destroy(s);
    }
    /* good ones need no server at creation: the thread connects later */
    rd.url = "rediss://app:p%40ss@redis.example:6380/3";
    ASSERT_TRUE((s = ailib_store_redis_create(&rd, &err)) != NULL);
    ailib_store_destroy(s);
}

/* --- 4 processes, one limit ------------------------------------------------------------------------- */

typedef struct rpm_job { const mock_server *m; const redis_srv *r; const char *spec, *prefix; int64_t run_ms; int shared; } rpm_job;

static int rpm_child(int i, void *user) {
    rpm_job *j = (rpm_job *)user;
    ailib_error err;
    ailib_client *c = rclient(j->m, j->spec, 120, &err);
    ailib_store *s = NULL;
    ailib_message msg;
    ailib_request req = rprompt(&msg, "hi", 0);
    int64_t start = rnow_ms();
    int refused = 0;
    (void)i;
    if (!c) return 2;
    if (j->shared) {
        if (!(s = rstore(j->r, j->prefix, AILIB_STORE_FAIL_CLOSED, &err))) return 3;
        if (ailib_client_set_store(c, s, &err) != AILIB_OK) return 4;
    }
    /* until the bucket has said no (so it was emptied) and the run's time is over */
    while ((!refused || rnow_ms() - start < j->run_ms) && rnow_ms() - start < 30000) {
        ailib_response *r = NULL;
        ailib_result res = ailib_chat(c, &req, &r, &err);
        if (res == AILIB_OK) ailib_response_destroy(r);
        else if (res != AILIB_RATE_LIMITED) return 5;
        else { refused = 1; rsleep_ms(2); }
    }
    ailib_client_destroy(c);
    ailib_store_destroy(s);
    return 0;
}

/* 4 processes share 120 requests a minute through Redis: what the mock admitted stays within
   the bound (a full bucket, plus its refill over the run, plus nothing: every admission is
   one atomic script), while without the store each process would take its own 120. */
TEST(redis_four_processes_share_rate_limit) {
    const mock_server *m = mock_shared();
    const redis_srv *r = redis_shared();
    rpm_job j;
    char prefix[64];
    int64_t t0, ran;
    long got, bound;
    NEED_FORK();
    if (!m) TEST_SKIP("ailib-mock not available");
    if (!r) TEST_SKIP(rwhy);
    snprintf(prefix, sizeof prefix, "t%d-rpm", (int)getpid());
    memset(&j, 0, sizeof j);
    j.m = m; j.r = r; j.spec = "tag=redis-rpm"; j.prefix = prefix; j.run_ms = 1500; j.shared = 1;
    t0 = rnow_ms();
    ASSERT_TRUE(forked(4, rpm_child, &j));
    ran = rnow_ms() - t0;
    got = mock_count(m, "tag=redis-rpm");
    bound = 120 + (long)((120 * ran + 59999) / 60000);     /* capacity + refill over the run */
    printf("  4 processes, 120/min shared: %ld admitted in %lld ms (bound %ld)\n", got, (long long)ran, bound);
    EXPECT_GE(got, 120);
    EXPECT_LE(got, bound);
    /* the control: the same run without the store admits 4 buckets' worth */
    j.spec = "tag=redis-rpm-local"; j.shared = 0; j.run_ms = 300;
    ASSERT_TRUE(forked(4, rpm_child, &j));
    EXPECT_GE(mock_count(m, "tag=redis-rpm-local"), 480);
}

/* The keys hold hashes, never the API key. */
TEST(redis_keys_never_hold_the_key) {
    const redis_srv *r = redis_shared();
    char out[8192];
    if (!r) TEST_SKIP(rwhy);
    if (rstate == 1 && rcmd(r->port, "KEYS *", out, sizeof out)) {
        EXPECT_TRUE(strstr(out, "sk-redis-test-key") == NULL);
        EXPECT_TRUE(strstr(out, "0123456789") == NULL);
    }
}

#if AILIB_ENABLE_COST
/* --- 4 processes, one budget ------------------------------------------------------------------------ */

typedef struct budget_job { const mock_server *m; const redis_srv *r; const char *spec, *prefix, *name; int calls, fail_closed; } budget_job;

/* Output at 1000 USD per million, input free: a call costs 0.006 (6 output tokens of the
   mock's reply), 0.010 at worst (max_tokens 10). */
static ailib_client *budget_client(const budget_job *j, ailib_store **s, ailib_error *err) {
    ailib_client *c = rclient(j->m, j->spec, 0, err);
    ailib_price p;
    ailib_budget b;
    if (!c) return NULL;
    memset(&p, 0, sizeof p);
    p.output = 1000;
    ailib_client_set_price(c, NULL, &p, err);
    memset(&b, 0, sizeof b);
    b.name = "team";
    b.limit_usd = 0.5;
    if (ailib_ledger_add_budget(ailib_client_ledger(c), &b, err) != AILIB_OK) return NULL;
    if (!(*s = rstore(j->r, j->prefix, j->fail_closed ? AILIB_STORE_FAIL_CLOSED : AILIB_STORE_FAIL_OPEN, err))) return NULL;
    if (ailib_ledger_set_store(ailib_client_ledger(c), *s, j->name, err) != AILIB_OK) return NULL;
    return c;
}

static int budget_child(int i, void *user) {
    budget_job *j = (budget_job *)user;
    ailib_error err;
    ailib_store *s = NULL;
    ailib_client *c = budget_client(j, &s, &err);
    ailib_message msg;
    ailib_request req = rprompt(&msg, "hi", 10);
    int k;
    (void)i;
    if (!c) return 2;
    for (k = 0; k < j->calls; k++) {
        ailib_response *r = NULL;
        ailib_result res = ailib_chat(c, &req, &r, &err);
        if (res == AILIB_OK) ailib_response_destroy(r);
        else if (res != AILIB_QUOTA_EXCEEDED) return 5;
    }
    ailib_client_destroy(c);
    ailib_store_destroy(s);
    return 0;
}

/* The shared spend, read back from Redis ("HGET <key> s"). */
static double shared_spent(const redis_srv *r, const char *prefix, const char *name) {
    char cmd[256], out[256], *nl;
    snprintf(cmd, sizeof cmd, "HGET %s:budget:%s:team:0 s", prefix, name);
    if (!rcmd(r->port, cmd, out, sizeof out) || out[0] != '$' || !(nl = strstr(out, "\r\n"))) return -1;
    return atof(nl + 2);
}

/* 4 processes share a 0.5 USD budget: the calls the mock answered cost at most the limit
   (each reserves its worst case atomically before it is sent), and Redis holds their spend. */
TEST(redis_four_processes_share_budget) {
    const mock_server *m = mock_shared();
    const redis_srv *r = redis_shared();
    budget_job j;
    char prefix[64];
    long sent;
    double spent;
    NEED_FORK();
    if (!m) TEST_SKIP("ailib-mock not available");
    if (!r) TEST_SKIP(rwhy);
    snprintf(prefix, sizeof prefix, "t%d-budget", (int)getpid());
    memset(&j, 0, sizeof j);
    j.m = m; j.r = r; j.spec = "tag=redis-budget"; j.prefix = prefix; j.name = "org"; j.calls = 40; j.fail_closed = 1;
    ASSERT_TRUE(forked(4, budget_child, &j));
    sent = mock_count(m, "tag=redis-budget");
    spent = shared_spent(r, prefix, "org");
    printf("  4 processes, 0.5 USD shared: %ld calls sent, 0.006 each: %.3f USD; Redis says %.3f\n", sent, sent * 0.006, spent);
    EXPECT_LE(sent * 0.006, 0.5 + 1e-9);
    EXPECT_GE(sent, 81);                    /* (0.5 - 0.010) / 0.006: it stops only near the limit */
    EXPECT_TRUE(spent > sent * 0.006 - 1e-6 && spent < sent * 0.006 + 1e-6);
    {   /* spend recorded by hand (ailib_ledger_record: a batch job's bill) counts there too */
        ailib_store *s = NULL;
        ailib_error err;
        ailib_usage u;
        ailib_cost c;
        ailib_client *cl = budget_client(&j, &s, &err);
        int k;
        ASSERT_TRUE(cl != NULL);
        memset(&u, 0, sizeof u);
        memset(&c, 0, sizeof c);
        c.known = 1;
        c.total = 0.25;
        EXPECT_EQ(ailib_ledger_record(ailib_client_ledger(cl), "openai", "gpt-4o-mini", &u, &c, &err), AILIB_OK);
        ailib_client_destroy(cl);
        ailib_store_destroy(s);              /* sends what is queued */
        for (k = 0; k < 100 && shared_spent(r, prefix, "org") < spent + 0.25 - 1e-6; k++) rsleep_ms(10);
        EXPECT_TRUE(shared_spent(r, prefix, "org") > spent + 0.25 - 1e-6);
    }
}

#else
void ailib_test_redis_four_processes_share_budget(void) { TEST_SKIP("built without AILIB_ENABLE_COST=1"); }
#endif /* AILIB_ENABLE_COST */

/* --- health ------------------------------------------------------------------------------------------- */

#if AILIB_ENABLE_ROUTING
static ailib_client *health_router(const mock_server *m, const char *bad_spec, ailib_store *s, ailib_error *err) {
    ailib_route_endpoint eps[2];
    ailib_router_desc rd;
    ailib_client_desc cd;
    char b0[256], b1[256];
    ailib_client *c;
    mock_url(m, bad_spec, "/v1", b0, sizeof b0);
    mock_url(m, "tag=redis-health-good", "/v1", b1, sizeof b1);
    memset(eps, 0, sizeof eps);
    eps[0].name = "bad"; eps[0].model = "openai/gpt-4o-mini"; eps[0].base_url = b0; eps[0].api_key = "sk-a";
    eps[1].name = "good"; eps[1].model = "openai/gpt-4o-mini"; eps[1].base_url = b1; eps[1].api_key = "sk-b";
    memset(&cd, 0, sizeof cd);
    cd.max_retries = -1;
    memset(&rd, 0, sizeof rd);
    rd.name = "shared-health";
    rd.endpoints = eps;
    rd.endpoint_count = 2;
    rd.strategy = AILIB_ROUTE_FAILOVER;
    rd.failure_threshold = 2;
    rd.cooldown_ms = 60000;
    rd.client = &cd;
    if (!(c = ailib_router_create(&rd, err))) return NULL;
    if (ailib_client_set_store(c, s, err) != AILIB_OK) { ailib_client_destroy(c); return NULL; }
    return c;
}

typedef struct health_job { const mock_server *m; const redis_srv *r; const char *prefix; } health_job;

/* One process: its two calls fail on "bad" (500) and fall back to "good"; the breaker opens. */
static int health_first(int i, void *user) {
    health_job *j = (health_job *)user;
    ailib_error err;
    ailib_store *s = rstore(j->r, j->prefix, AILIB_STORE_FAIL_CLOSED, &err);
    ailib_client *c = s ? health_router(j->m, "status=500,tag=redis-health-bad", s, &err) : NULL;
    ailib_message msg;
    ailib_request req = rprompt(&msg, "hi", 0);
    ailib_route_health h;
    int k, ok = 1;
    (void)i;
    if (!c) return 2;
    for (k = 0; k < 2; k++) {
        ailib_response *r = NULL;
        if (ailib_chat(c, &req, &r, &err) != AILIB_OK) ok = 0;
        ailib_response_destroy(r);
    }
    if (ailib_router_health(c, 0, &h) != AILIB_OK || h.state != AILIB_ROUTE_OPEN) ok = 0;
    ailib_client_destroy(c);
    ailib_store_destroy(s);
    return ok ? 0 : 3;
}

/* Failures seen by one process open the breaker for another: a second process, started after,
   finds "bad" open once it has read the shared health, and sends nothing there. */
TEST(redis_failures_in_one_process_open_the_circuit_for_others) {
    const mock_server *m = mock_shared();
    const redis_srv *r = redis_shared();
    health_job j;
    char prefix[64];
    ailib_error err;
    ailib_store *s;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = rprompt(&msg, "hi", 0);
    ailib_route_health h;
    int k;
    NEED_FORK();
    if (!m) TEST_SKIP("ailib-mock not available");
    if (!r) TEST_SKIP(rwhy);
    snprintf(prefix, sizeof prefix, "t%d-health", (int)getpid());
    j.m = m; j.r = r; j.prefix = prefix;
    ASSERT_TRUE(forked(1, health_first, &j));
    EXPECT_EQ(mock_count(m, "status=500,tag=redis-health-bad"), 2);
    ASSERT_TRUE((s = rstore(r, prefix, AILIB_STORE_FAIL_CLOSED, &err)) != NULL);
    ASSERT_TRUE((c = health_router(m, "status=500,tag=redis-health-bad", s, &err)) != NULL);
    /* the first prepare asks for the shared health; a call held by nothing goes at once, so
       give the reading its round trip before the calls that count */
    for (k = 0; k < 50 && (ailib_router_health(c, 0, &h), h.state != AILIB_ROUTE_OPEN); k++) {
        ailib_call *call;
        ailib_response *rr = NULL;
        ASSERT_EQ(ailib_chat_start(c, &req, NULL, &call, &err), AILIB_OK);
        while (!ailib_call_done(call)) ailib_client_poll(c, 10);
        ailib_call_finish(call, &rr, &err);
        ailib_response_destroy(rr);
        rsleep_ms(5);
    }
    EXPECT_EQ(h.state, AILIB_ROUTE_OPEN);
    /* at most the first call (before the reading came back) went to "bad" */
    EXPECT_LE(mock_count(m, "status=500,tag=redis-health-bad"), 3);
    for (k = 0; k < 5; k++) {
        ailib_response *rr = NULL;
        EXPECT_EQ(ailib_chat(c, &req, &rr, &err), AILIB_OK);
        ailib_response_destroy(rr);
    }
    EXPECT_LE(mock_count(m, "status=500,tag=redis-health-bad"), 3);
    ailib_client_destroy(c);
    ailib_store_destroy(s);
}
#else
void ailib_test_redis_failures_in_one_process_open_the_circuit_for_others(void) { TEST_SKIP("built without AILIB_ENABLE_ROUTING=1"); }
#endif /* AILIB_ENABLE_ROUTING */

/* --- cache ---------------------------------------------------------------------------------------------- */

#if AILIB_ENABLE_INTERCEPTORS
typedef struct cache_job { const mock_server *m; const redis_srv *r; const char *prefix; } cache_job;

static ailib_client *cache_client(const cache_job *j, ailib_cache **k, ailib_store **s, ailib_error *err) {
    ailib_client *c = rclient(j->m, "tag=redis-cache", 0, err);
    ailib_cache_desc kd;
    if (!c) return NULL;
    memset(&kd, 0, sizeof kd);
    kd.ttl_ms = 60000;
    if (!(*k = ailib_cache_create(&kd, err)) || !(*s = rstore(j->r, j->prefix, AILIB_STORE_FAIL_OPEN, err)) ||
        ailib_cache_set_store(*k, *s, err) != AILIB_OK || ailib_client_add_cache(c, *k, err) != AILIB_OK) return NULL;
    return c;
}

static int cache_first(int i, void *user) {
    ailib_error err;
    ailib_cache *k = NULL;
    ailib_store *s = NULL;
    ailib_client *c = cache_client((cache_job *)user, &k, &s, &err);
    ailib_message msg;
    ailib_request req = rprompt(&msg, "cache me across processes", 0);
    ailib_response *r = NULL;
    int ok;
    (void)i;
    if (!c) return 2;
    ok = ailib_chat(c, &req, &r, &err) == AILIB_OK;
    ailib_response_destroy(r);
    ailib_client_destroy(c);               /* the store's thread sends the entry before it goes */
    ailib_cache_destroy(k);
    ailib_store_destroy(s);
    return ok ? 0 : 3;
}

/* A reply cached by one process is served to another from Redis, with the same text. */
TEST(redis_cache_entry_of_one_process_served_to_another) {
    const mock_server *m = mock_shared();
    const redis_srv *r = redis_shared();
    cache_job j;
    char prefix[64];
    ailib_error err;
    ailib_cache *k = NULL;
    ailib_store *s = NULL;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = rprompt(&msg, "cache me across processes", 0);
    ailib_response *rr = NULL;
    ailib_cache_stats st;
    NEED_FORK();
    if (!m) TEST_SKIP("ailib-mock not available");
    if (!r) TEST_SKIP(rwhy);
    snprintf(prefix, sizeof prefix, "t%d-cache", (int)getpid());
    j.m = m; j.r = r; j.prefix = prefix;
    ASSERT_TRUE(forked(1, cache_first, &j));
    EXPECT_EQ(mock_count(m, "tag=redis-cache"), 1);
    ASSERT_TRUE((c = cache_client(&j, &k, &s, &err)) != NULL);
    ASSERT_EQ(ailib_chat(c, &req, &rr, &err), AILIB_OK);
    EXPECT_TRUE(strstr(ailib_response_text(rr, NULL), "cache me across processes") != NULL);
    EXPECT_EQ(mock_count(m, "tag=redis-cache"), 1);     /* answered from Redis */
    ailib_cache_get_stats(k, &st);
    EXPECT_EQ(st.hits, 1);
    ailib_response_destroy(rr);
    ailib_client_destroy(c);
    ailib_cache_destroy(k);
    ailib_store_destroy(s);
}
#else
void ailib_test_redis_cache_entry_of_one_process_served_to_another(void) { TEST_SKIP("built without AILIB_ENABLE_INTERCEPTORS=1"); }
#endif /* AILIB_ENABLE_INTERCEPTORS */

/* --- faults --------------------------------------------------------------------------------------------- */

typedef struct warn_log { int warnings; char last[512]; } warn_log;

static void wlog(void *user, ailib_log_level lvl, const char *msg) {
    warn_log *w = (warn_log *)user;
    if (lvl == AILIB_LOG_WARN && strstr(msg, "shared store")) { w->warnings++; snprintf(w->last, sizeof w->last, "%s", msg); }
}

/* Calls of a gated client with a store until one ends as expected (the store's state changes
   in the background): the last result. */
static ailib_result call_until(ailib_client *c, ailib_result want, int tries, ailib_error *err) {
    ailib_message msg;
    ailib_request req = rprompt(&msg, "hi", 0);
    ailib_result res = AILIB_OK;
    int k;
    for (k = 0; k < tries; k++) {
        ailib_response *r = NULL;
        res = ailib_chat(c, &req, &r, err);
        ailib_response_destroy(r);
        if (res == want) break;
        rsleep_ms(20);
    }
    return res;
}

/* Redis down at start, killed mid-run and restarted on its port, in both modes: fail-closed
   refuses with AILIB_STORE naming the store, fail-open goes on with the process's own bucket
   and warns once per outage; both come back by themselves once the server does. */
TEST(redis_killed_and_restarted_both_fail_modes) {
    const mock_server *m = mock_shared();
    redis_srv own;
    ailib_error err;
    ailib_client *open_c, *closed_c;
    ailib_store *so, *sc;
    ailib_client_desc d;
    ailib_store_stats st;
    warn_log w;
    char base[256], url[64];
    ailib_redis_desc rd;
    int port = free_port();
    if (!m) TEST_SKIP("ailib-mock not available");
    if (!redis_shared()) TEST_SKIP(rwhy);
    ASSERT_TRUE(port > 0);
    memset(&w, 0, sizeof w);
    mock_url(m, "tag=redis-faults", "/v1", base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "sk-faults";
    d.base_url = base;
    d.requests_per_minute = 100000;
    d.gate_fail_fast = 1;
    d.max_retries = -1;
    d.log = wlog;
    d.log_user = &w;
    ASSERT_TRUE((open_c = ailib_client_create(&d, &err)) != NULL);
    d.log = NULL;
    ASSERT_TRUE((closed_c = ailib_client_create(&d, &err)) != NULL);
    memset(&rd, 0, sizeof rd);
    snprintf(url, sizeof url, "redis://127.0.0.1:%d", port);
    rd.url = url;
    rd.prefix = "faults";
    rd.max_wait_ms = 5;
    rd.connect_timeout_ms = 300;
    rd.io_timeout_ms = 300;
    ASSERT_TRUE((so = ailib_store_redis_create(&rd, &err)) != NULL);
    rd.on_failure = AILIB_STORE_FAIL_CLOSED;
    ASSERT_TRUE((sc = ailib_store_redis_create(&rd, &err)) != NULL);
    ASSERT_EQ(ailib_client_set_store(open_c, so, &err), AILIB_OK);
    ASSERT_EQ(ailib_client_set_store(closed_c, sc, &err), AILIB_OK);
    /* down at start (nothing listens on the port) */
    EXPECT_EQ(call_until(open_c, AILIB_OK, 20, &err), AILIB_OK);
    EXPECT_EQ(w.warnings, 1);
    EXPECT_TRUE(strstr(w.last, "redis at 127.0.0.1:") != NULL);
    EXPECT_EQ(call_until(closed_c, AILIB_STORE, 20, &err), AILIB_STORE);
    EXPECT_TRUE(strstr(err.message, "shared store (redis at 127.0.0.1:") != NULL);
    EXPECT_TRUE(strstr(err.message, "AILIB_STORE_FAIL_OPEN") != NULL);
    /* up: both go through the store (reconnected by the backoff, at most 5 s apart) */
    ASSERT_TRUE(redis_start(&own, port));
    EXPECT_EQ(call_until(closed_c, AILIB_OK, 300, &err), AILIB_OK);
    EXPECT_EQ(call_until(open_c, AILIB_OK, 1, &err), AILIB_OK);
    ailib_store_get_stats(sc, &st);
    EXPECT_EQ(st.up, 1);
    /* killed mid-run */
    redis_kill(&own);
    EXPECT_EQ(call_until(closed_c, AILIB_STORE, 20, &err), AILIB_STORE);
    EXPECT_EQ(call_until(open_c, AILIB_OK, 1, &err), AILIB_OK);
    EXPECT_EQ(call_until(open_c, AILIB_OK, 1, &err), AILIB_OK);
    EXPECT_GE(w.warnings, 1);
    EXPECT_LE(w.warnings, 2);                /* once per outage, not per call */
    /* restarted */
    ASSERT_TRUE(redis_start(&own, port));
    EXPECT_EQ(call_until(closed_c, AILIB_OK, 300, &err), AILIB_OK);
    ailib_store_get_stats(sc, &st);
    EXPECT_EQ(st.up, 1);
    EXPECT_GE(st.reconnects, 1);
    ailib_store_get_stats(so, &st);
    EXPECT_GE(st.fail_open, 2);
    ailib_client_destroy(open_c);
    ailib_client_destroy(closed_c);
    ailib_store_destroy(so);
    ailib_store_destroy(sc);
    redis_kill(&own);
}

#if AILIB_ENABLE_COST
/* Budget spend made while Redis is down is not lost: it is sent once the server is back. */
TEST(redis_budget_spend_kept_while_down) {
    const mock_server *m = mock_shared();
    redis_srv own;
    budget_job j;
    ailib_error err;
    ailib_store *s = NULL;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = rprompt(&msg, "hi", 10);
    ailib_store_stats st;
    int port = free_port(), k;
    double spent = -1;
    if (!m) TEST_SKIP("ailib-mock not available");
    if (!redis_shared()) TEST_SKIP(rwhy);
    ASSERT_TRUE(redis_start(&own, port));
    memset(&j, 0, sizeof j);
    j.m = m; j.r = &own; j.spec = "tag=redis-replay"; j.prefix = "replay"; j.name = "org"; j.fail_closed = 0;
    ASSERT_TRUE((c = budget_client(&j, &s, &err)) != NULL);
    for (k = 0; k < 2; k++) {                /* up: 2 calls, 0.012 */
        ailib_response *r = NULL;
        ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
        ailib_response_destroy(r);
    }
    for (k = 0; k < 200 && shared_spent(&own, "replay", "org") < 0.012 - 1e-9; k++) rsleep_ms(10);   /* sent in the background */
    EXPECT_TRUE(shared_spent(&own, "replay", "org") > 0.012 - 1e-6);
    redis_kill(&own);
    for (k = 0; k < 3; k++) {                /* down, fail-open: 3 calls more, 0.018 */
        ailib_response *r = NULL;
        ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
        ailib_response_destroy(r);
    }
    ASSERT_TRUE(redis_start(&own, port));    /* a fresh, empty server: what it holds came from the replay */
    for (k = 0; k < 400; k++) {
        ailib_store_get_stats(s, &st);
        if (st.up && st.replayed >= 3 && (spent = shared_spent(&own, "replay", "org")) > 0.017) break;
        rsleep_ms(20);
    }
    EXPECT_GE(st.replayed, 3);
    EXPECT_TRUE(spent > 0.018 - 1e-6 && spent < 0.018 + 1e-6);
    ailib_client_destroy(c);
    ailib_store_destroy(s);
    redis_kill(&own);
}

#else
void ailib_test_redis_budget_spend_kept_while_down(void) { TEST_SKIP("built without AILIB_ENABLE_COST=1"); }
#endif /* AILIB_ENABLE_COST */

/* A stopped (not dead) server: the poll is never held by it longer than the bound, the call
   waits queued, and goes once the server answers again. */
TEST(redis_slow_server_never_holds_the_poll) {
    const mock_server *m = mock_shared();
    redis_srv own;
    ailib_error err;
    ailib_client *c;
    ailib_store *s;
    ailib_redis_desc rd;
    ailib_call *call;
    ailib_response *rr = NULL;
    ailib_message msg;
    ailib_request req = rprompt(&msg, "hi", 0);
    ailib_store_stats st;
    char url[64];
    int port = free_port(), k;
    int64_t worst = 0;
    if (!m) TEST_SKIP("ailib-mock not available");
    if (!redis_shared()) TEST_SKIP(rwhy);
    ASSERT_TRUE(redis_start(&own, port));
    ASSERT_TRUE((c = rclient(m, "tag=redis-slow", 1000, &err)) != NULL);
    memset(&rd, 0, sizeof rd);
    snprintf(url, sizeof url, "redis://127.0.0.1:%d", port);
    rd.url = url;
    rd.prefix = "slow";
    rd.on_failure = AILIB_STORE_FAIL_CLOSED;
    rd.io_timeout_ms = 5000;                 /* a slow server, not a dead one */
    ASSERT_TRUE((s = ailib_store_redis_create(&rd, &err)) != NULL);
    ASSERT_EQ(ailib_client_set_store(c, s, &err), AILIB_OK);
    EXPECT_EQ(call_until(c, AILIB_OK, 100, &err), AILIB_OK);   /* connected */
    kill(own.pid, SIGSTOP);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &call, &err), AILIB_OK);
    for (k = 0; k < 20; k++) {
        int64_t t0 = rnow_ms(), dt;
        ailib_client_poll(c, 0);
        dt = rnow_ms() - t0;
        if (dt > worst) worst = dt;
    }
    EXPECT_EQ(ailib_call_get_phase(call, NULL), AILIB_CALL_QUEUED);
    printf("  a stopped Redis: the longest of 20 polls took %lld ms (bound 1 ms of waiting; io_timeout 5000 ms)\n", (long long)worst);
    EXPECT_LT(worst, 1000);                  /* held by Redis it would be io_timeout_ms (5 s) */
    ailib_store_get_stats(s, &st);
    EXPECT_GE(st.late, 1);
    kill(own.pid, SIGCONT);
    for (k = 0; k < 500 && !ailib_call_done(call); k++) ailib_client_poll(c, 10);
    EXPECT_EQ(ailib_call_finish(call, &rr, &err), AILIB_OK);
    ailib_response_destroy(rr);
    ailib_client_destroy(c);
    ailib_store_destroy(s);
    redis_kill(&own);
}
/* A server that wants a password: the URL's password and database are used (the keys land in
   database 2), a wrong password is a store that never answers (fail-closed: AILIB_STORE),
   and the password appears in no message. */
TEST(redis_password_and_database_from_the_url) {
    const mock_server *m = mock_shared();
    redis_srv own;
    ailib_error err;
    ailib_client *c;
    ailib_store *s;
    ailib_redis_desc rd;
    char url[96], out[512];
    int port = free_port();
    if (!m) TEST_SKIP("ailib-mock not available");
    if (!redis_shared()) TEST_SKIP(rwhy);
    ASSERT_TRUE(redis_start_with(&own, port, "s3cr%t"));
    ASSERT_TRUE((c = rclient(m, "tag=redis-auth", 1000, &err)) != NULL);
    memset(&rd, 0, sizeof rd);
    snprintf(url, sizeof url, "redis://default:s3cr%%25t@127.0.0.1:%d/2", port);   /* %25: a '%' in the password */
    rd.url = url;
    rd.prefix = "auth";
    rd.on_failure = AILIB_STORE_FAIL_CLOSED;
    ASSERT_TRUE((s = ailib_store_redis_create(&rd, &err)) != NULL);
    ASSERT_EQ(ailib_client_set_store(c, s, &err), AILIB_OK);
    EXPECT_EQ(call_until(c, AILIB_OK, 100, &err), AILIB_OK);
    ailib_client_destroy(c);
    ailib_store_destroy(s);
    /* the bucket's key is in database 2, none in 0 (commands pipelined, replies read at once) */
    EXPECT_TRUE(rcmd(port, "AUTH s3cr%t\r\nSELECT 2\r\nDBSIZE\r\nSELECT 0\r\nDBSIZE\r\nECHO end", out, sizeof out));
    EXPECT_TRUE(strstr(out, "+OK\r\n+OK\r\n:1\r\n+OK\r\n:0\r\n") != NULL);
    snprintf(url, sizeof url, "redis://default:wrong-one@127.0.0.1:%d/2", port);
    rd.url = url;
    ASSERT_TRUE((c = rclient(m, "tag=redis-auth", 1000, &err)) != NULL);
    ASSERT_TRUE((s = ailib_store_redis_create(&rd, &err)) != NULL);
    ASSERT_EQ(ailib_client_set_store(c, s, &err), AILIB_OK);
    EXPECT_EQ(call_until(c, AILIB_STORE, 50, &err), AILIB_STORE);
    EXPECT_TRUE(strstr(err.message, "wrong-one") == NULL);
    ailib_client_destroy(c);
    ailib_store_destroy(s);
    redis_kill(&own);
}

#endif /* AILIB_ENABLE_REDIS */

/* tsan_shared.c - one metrics object and one ledger (with budgets) shared by four clients on
   four threads, against ailib-mock, under ThreadSanitizer (make tsan): their locks must leave
   no race, and the totals must add up: every call in the ledger and in the duration count. */
#define AILIB_IMPLEMENTATION
#include "../ailib.h"
#include "mockctl.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4
#define CALLS 25

static ailib_metrics *shared_metrics;
static char base[256];
#if AILIB_ENABLE_COST
static ailib_ledger *shared_ledger;
#endif

static void *worker(void *arg) {
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    ailib_message msg;
    ailib_request req;
    char key[32];
    int i, *failed = (int *)arg;
    memset(&d, 0, sizeof d);
    snprintf(key, sizeof key, "key-%p", arg);
    d.model = "openai/gpt-4o-mini";
    d.base_url = base;
    d.api_key = key;
    if (!(c = ailib_client_create(&d, &err)) || ailib_client_set_metrics(c, shared_metrics, &err) != AILIB_OK) { *failed = 1; return NULL; }
#if AILIB_ENABLE_COST
    if (ailib_client_add_ledger(c, shared_ledger, &err) != AILIB_OK) { *failed = 1; return NULL; }
#endif
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.role = AILIB_ROLE_USER;
    msg.text = "shared totals";
    req.messages = &msg;
    req.message_count = 1;
    req.max_tokens = 50;
    for (i = 0; i < CALLS; i++) {
        ailib_response *r = NULL;
        if ((i % 2 ? ailib_chat_stream(c, &req, NULL, NULL, &r, &err) : ailib_chat(c, &req, &r, &err)) != AILIB_OK) *failed = 1;
        ailib_response_destroy(r);
    }
    ailib_client_destroy(c);
    return NULL;
}

int main(void) {
    mock_server m;
    pthread_t th[THREADS];
    int failed[THREADS] = { 0 }, i, bad = 0;
    char *text, want[64];
    ailib_error err;
    ailib_metrics_stats st;
    if (!mock_start(&m, NULL)) { fprintf(stderr, "tsan_shared: ailib-mock did not start\n"); return 1; }
    mock_url(&m, NULL, "/v1", base, sizeof base);
    ailib_global_init();
    shared_metrics = ailib_metrics_create(NULL, &err);
#if AILIB_ENABLE_COST
    {
        ailib_budget b;
        shared_ledger = ailib_ledger_create(NULL, &err);
        memset(&b, 0, sizeof b);
        b.limit_usd = 100;
        b.per_key = 1;
        ailib_ledger_add_budget(shared_ledger, &b, &err);
        b.per_key = 0;
        b.window = AILIB_BUDGET_DAY;
        ailib_ledger_add_budget(shared_ledger, &b, &err);
    }
#endif
    for (i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, worker, &failed[i]);
    for (i = 0; i < THREADS; i++) { pthread_join(th[i], NULL); bad |= failed[i]; }
    text = ailib_metrics_prometheus(shared_metrics, NULL);
    snprintf(want, sizeof want, "} %d\n", THREADS * CALLS);
    if (!text || !strstr(text, "gen_ai_client_operation_duration_seconds_count{") || !strstr(text, want)) bad = 1;
    ailib_free(text);
    ailib_metrics_stats_get(shared_metrics, &st);
    ailib_metrics_destroy(shared_metrics);
#if AILIB_ENABLE_COST
    {
        ailib_ledger_entry t;
        ailib_ledger_total(shared_ledger, &t);
        if (t.requests != THREADS * CALLS || !(t.cost > 0)) bad = 1;
        ailib_ledger_destroy(shared_ledger);
    }
#endif
    mock_stop(&m);
    printf("tsan_shared: %d threads x %d calls on one metrics object%s: %s\n", THREADS, CALLS,
           AILIB_ENABLE_COST ? " and one ledger with budgets" : "", bad ? "FAILED" : "ok");
    return bad;
}

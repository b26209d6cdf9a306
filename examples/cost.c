/* cost.c - what a call costs, and a budget that refuses a call before it is sent.

   Every response of a client built with AILIB_ENABLE_COST carries its cost in USD, priced per
   token kind (uncached input, cache reads, cache writes, output with reasoning) from the
   model's catalog row. A budget on the client's ledger reserves each call's worst case (its
   estimated input plus max_tokens of output) while it runs: here three calls start together
   under a budget that covers two worst cases, so the third is refused and never sent.

   Build:  cc -std=c99 -I. examples/cost.c -o ex_cost -lcurl -lm
   Run:    AILIB_MODEL=anthropic/claude-haiku-4-5 ANTHROPIC_API_KEY=... ./ex_cost
           make examples      (offline, against the bundled ailib-mock) */
#define AILIB_ENABLE_COST 1         /* set globally: every file that includes ailib.h */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_warn(void *user, const ailib_budget_status *s) {
    (void)user;
    printf("warning: budget '%s' is at %.0f%% (%.6f of %.6f USD)\n", s->name, 100 * s->fraction, s->spent, s->limit);
}

int main(int argc, char **argv) {
    const char *model = getenv("AILIB_MODEL"), *mock = getenv("AILIB_MOCK_URL");
    char url[512];
    ailib_client_desc desc;
    ailib_client *client;
    ailib_message msg;
    ailib_request req;
    ailib_response *resp = NULL;
    ailib_estimate est;
    ailib_budget budget;
    ailib_ledger_entry total;
    ailib_call *calls[3];
    ailib_cost cost;
    ailib_error err;
    int i;
    (void)argc;

    memset(&desc, 0, sizeof desc);
    if (!model && !mock) {
        fprintf(stderr, "Set AILIB_MODEL and the provider's key (AILIB_MODEL=anthropic/claude-haiku-4-5 ANTHROPIC_API_KEY=... %s),\n"
                        "or run all examples offline against ailib-mock with: make examples\n", argv[0]);
        return 2;
    }
    if (model) desc.model = model;
    else {
        snprintf(url, sizeof url, "%s/v1", mock);
        desc.model = "anthropic/claude-haiku-4-5";     /* priced in the catalog: 1.00 / 5.00 USD per million */
        desc.base_url = url;
        desc.api_key = "mock";
        printf("Running offline against ailib-mock at %s\n", url);
    }
    client = ailib_client_create(&desc, &err);
    if (!client) { fprintf(stderr, "error: %s\n", err.message); return 1; }

    memset(&msg, 0, sizeof msg);
    msg.role = AILIB_ROLE_USER;
    msg.text = "In one sentence: why do prompt caches lower the cost of long conversations?";
    memset(&req, 0, sizeof req);
    req.messages = &msg;
    req.message_count = 1;
    req.max_tokens = 200;                            /* bounds the worst case */

    /* 1. One call and its cost, by kind. */
    if (ailib_chat(client, &req, &resp, &err) != AILIB_OK) { fprintf(stderr, "error: %s\n", err.message); return 1; }
    if (ailib_response_cost(resp, &cost) == AILIB_OK)
        printf("call cost: %.8f USD (input %.8f, cache reads %.8f, cache writes %.8f, output %.8f) as %s, prices of %s\n",
               cost.total, cost.input, cost.cached_input, cost.cache_write, cost.output, cost.model, cost.price_date);
    else printf("call cost: unknown (%s has no price: set one with ailib_client_set_price)\n", ailib_client_model(client));
    ailib_response_destroy(resp);

    /* 2. A budget of two and a half worst cases; three calls at once. */
    if (ailib_client_estimate(client, &req, &est, &err) != AILIB_OK || !est.worst_case.known) {
        fprintf(stderr, "no price for %s: the budget cannot be kept\n", ailib_client_model(client));
        return 1;
    }
    printf("worst case of a call: %lld input tokens (estimated) + %lld output = %.8f USD\n",
           (long long)est.input_tokens, (long long)est.output_tokens, est.worst_case.total);
    memset(&budget, 0, sizeof budget);
    budget.name = "example";
    budget.limit_usd = 2.5 * est.worst_case.total;
    budget.window = AILIB_BUDGET_DAY;
    budget.warn_at = 0.01;
    budget.on_warn = on_warn;
    if (ailib_ledger_add_budget(ailib_client_ledger(client), &budget, &err) != AILIB_OK) { fprintf(stderr, "%s\n", err.message); return 1; }
    for (i = 0; i < 3; i++) {
        if (ailib_chat_start(client, &req, NULL, &calls[i], &err) == AILIB_OK) printf("call %d: sent\n", i + 1);
        else { calls[i] = NULL; printf("call %d: refused before sending: %s\n", i + 1, err.message); }
    }
    for (i = 0; i < 3; i++) {
        if (!calls[i]) continue;
        while (!ailib_call_done(calls[i])) ailib_client_poll(client, 1000);
        if (ailib_call_finish(calls[i], &resp, &err) == AILIB_OK && ailib_response_cost(resp, &cost) == AILIB_OK)
            printf("call %d: done, %.8f USD\n", i + 1, cost.total);
        else printf("call %d: %s\n", i + 1, err.message);
        ailib_response_destroy(resp);
        resp = NULL;
    }

    /* 3. What the client's ledger recorded. */
    ailib_ledger_total(ailib_client_ledger(client), &total);
    printf("ledger: %lld requests, %lld input + %lld output tokens, %.8f USD\n", (long long)total.requests,
           (long long)total.input_tokens, (long long)total.output_tokens, total.cost);
    ailib_client_destroy(client);
    return 0;
}

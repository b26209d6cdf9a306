/* routing.c - a router is a client whose calls go to the best of several endpoints: here a
   failover group (the first endpoint is down, the call moves on to the next, another
   protocol) and a latency group (calls go to the endpoint that answers fastest), with the
   routing events printed as they happen and each endpoint's health at the end.

   Build:  cc -std=c99 -I. examples/routing.c -o ex_routing -lcurl -lm
   Run:    AILIB_ROUTE_FAST="strategy=latency; openai/gpt-4o-mini; groq/llama-3.1-8b-instant" \
           OPENAI_API_KEY=... GROQ_API_KEY=... AILIB_MODEL=route/fast ./ex_routing
           make examples      (offline, against the bundled ailib-mock: its /x/<faults>/ paths
                               play a provider that is down and providers of different speeds) */
#define AILIB_ENABLE_ROUTING 1      /* set globally: in every file that includes ailib.h */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *state_name(ailib_route_state s) {
    return s == AILIB_ROUTE_OPEN ? "open" : s == AILIB_ROUTE_HALF_OPEN ? "half-open" : "closed";
}

/* The routing layer's events: what a metrics exporter or a log would take. */
static void on_route_event(void *user, const ailib_route_event *ev) {
    (void)user;
    switch (ev->type) {
    case AILIB_ROUTE_EVENT_SELECTED: printf("  event: %s takes the call\n", ev->endpoint_name); break;
    case AILIB_ROUTE_EVENT_ATTEMPT:
        printf("  event: attempt on %s: %s (HTTP %d, %lld ms)\n", ev->endpoint_name, ailib_result_name(ev->result), ev->http_status,
               (long long)ev->duration_ms);
        break;
    case AILIB_ROUTE_EVENT_FALLBACK: printf("  event: falling back from endpoint %lu\n", (unsigned long)ev->from); break;
    case AILIB_ROUTE_EVENT_HEALTH:
        printf("  event: %s is now %s (was %s)\n", ev->endpoint_name, state_name(ev->state), state_name(ev->previous));
        break;
    default: break;
    }
}

static void print_report(const ailib_route_report *rep) {
    size_t i;
    if (!rep) return;
    printf("answered by: %s after %lu attempt(s):\n", rep->endpoint_name, (unsigned long)rep->attempt_count);
    for (i = 0; i < rep->attempt_count; i++)
        printf("  %lu. %-28s %-18s HTTP %d  %lld ms\n", (unsigned long)i + 1, rep->attempts[i].name,
               ailib_result_name(rep->attempts[i].result), rep->attempts[i].http_status, (long long)rep->attempts[i].duration_ms);
}

static void print_health(ailib_client *router) {
    size_t i, n = ailib_router_endpoint_count(router);
    for (i = 0; i < n; i++) {
        ailib_route_health h;
        ailib_router_health(router, i, &h);
        printf("  %-28s %-9s %3llu attempts, %llu failed, latency %s", ailib_router_endpoint_name(router, i), state_name(h.state),
               (unsigned long long)h.attempts, (unsigned long long)h.failures, h.latency_ms < 0 ? "-" : "");
        if (h.latency_ms >= 0) printf("%.0f ms", h.latency_ms);
        putchar('\n');
    }
}

/* One question through a router: its answer, then where it went. */
static int ask(ailib_client *router, const char *question) {
    ailib_message msg;
    ailib_request req;
    ailib_response *r = NULL;
    ailib_error err;
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.role = AILIB_ROLE_USER;
    msg.text = question;
    req.messages = &msg;
    req.message_count = 1;
    if (ailib_chat(router, &req, &r, &err) != AILIB_OK) {
        /* a failed call's message ends with every attempt; ailib_router_last_report() has them too */
        fprintf(stderr, "error: %s\n", err.message);
        return 1;
    }
    printf("assistant: %s\n", ailib_response_text(r, NULL));
    print_report(ailib_response_route(r));
    ailib_response_destroy(r);
    return 0;
}

int main(int argc, char **argv) {
    const char *env_model = getenv("AILIB_MODEL"), *mock = getenv("AILIB_MOCK_URL");
    char down[512], up[512], slow[512], fast[512], medium[512];
    ailib_route_endpoint failover[2], latency[3];
    ailib_router_desc rd;
    ailib_client_desc cd;
    ailib_client *router;
    ailib_error err;
    int i, rc = 0;
    (void)argc;

    if (env_model) {                          /* a route group of yours, e.g. AILIB_MODEL=route/fast */
        memset(&cd, 0, sizeof cd);
        cd.model = env_model;
        if (!(router = ailib_client_create(&cd, &err))) { fprintf(stderr, "error: %s\n", err.message); return 1; }
        if (!ailib_client_is_router(router)) fprintf(stderr, "note: %s is not a route group: no routing to show\n", env_model);
        rc = ask(router, "Name one prime number.");
        if (ailib_client_is_router(router)) print_health(router);
        ailib_client_destroy(router);
        return rc;
    }
    if (!mock) {
        fprintf(stderr, "Set AILIB_MODEL=route/<group> and AILIB_ROUTE_<GROUP> (see the top of %s),\n"
                        "or run all examples offline against ailib-mock with: make examples\n", argv[0]);
        return 2;
    }

    /* 1. failover: Anthropic answers 529 (overloaded) every time; after its retries the call
          moves to OpenAI, the request rebuilt for OpenAI's protocol. */
    snprintf(down, sizeof down, "%s/x/status=529,retry_after_ms=20/v1", mock);
    snprintf(up, sizeof up, "%s/v1", mock);
    memset(failover, 0, sizeof failover);
    failover[0].model = "anthropic/claude-haiku-4-5", failover[0].base_url = down, failover[0].api_key = "mock";
    failover[1].model = "openai/gpt-4o-mini", failover[1].base_url = up, failover[1].api_key = "mock";
    memset(&rd, 0, sizeof rd);
    rd.name = "failover";
    rd.endpoints = failover;
    rd.endpoint_count = 2;
    rd.strategy = AILIB_ROUTE_FAILOVER;
    rd.on_event = on_route_event;
    if (!(router = ailib_router_create(&rd, &err))) { fprintf(stderr, "error: %s\n", err.message); return 1; }
    printf("== failover group\n");
    rc |= ask(router, "Is anyone there?");
    printf("health:\n");
    print_health(router);
    ailib_client_destroy(router);

    /* 2. latency: three endpoints that answer in about 120, 10 and 50 ms; each is measured
          once, then the fastest takes the calls (1 call in 32 still samples another one). */
    snprintf(slow, sizeof slow, "%s/x/delay_ms=120/v1", mock);
    snprintf(fast, sizeof fast, "%s/x/delay_ms=10/v1", mock);
    snprintf(medium, sizeof medium, "%s/x/delay_ms=50/v1", mock);
    memset(latency, 0, sizeof latency);
    latency[0].model = "openai/gpt-4o-mini", latency[0].name = "slow", latency[0].base_url = slow, latency[0].api_key = "mock";
    latency[1].model = "openai/gpt-4o-mini", latency[1].name = "fast", latency[1].base_url = fast, latency[1].api_key = "mock";
    latency[2].model = "openai/gpt-4o-mini", latency[2].name = "medium", latency[2].base_url = medium, latency[2].api_key = "mock";
    rd.name = "latency";
    rd.endpoints = latency;
    rd.endpoint_count = 3;
    rd.strategy = AILIB_ROUTE_LATENCY;
    rd.on_event = NULL;
    if (!(router = ailib_router_create(&rd, &err))) { fprintf(stderr, "error: %s\n", err.message); return 1; }
    printf("== latency group, 10 calls\n");
    for (i = 0; i < 10 && !rc; i++) {
        ailib_message msg;
        ailib_request req;
        ailib_response *r = NULL;
        memset(&msg, 0, sizeof msg);
        memset(&req, 0, sizeof req);
        msg.text = "Quick, say hi.";
        req.messages = &msg;
        req.message_count = 1;
        if (ailib_chat(router, &req, &r, &err) != AILIB_OK) { fprintf(stderr, "error: %s\n", err.message); rc = 1; break; }
        printf("  call %d: %s\n", i + 1, ailib_response_route(r)->endpoint_name);
        ailib_response_destroy(r);
    }
    printf("health:\n");
    print_health(router);
    ailib_client_destroy(router);
    ailib_global_cleanup();
    return rc;
}

/* interceptors.c - a request log and a response cache on a client, and an interceptor of your
   own: the same question asked twice is answered once by the provider and once from memory,
   streamed both times, with a JSON line per request, attempt and result on stderr.

   Build:  cc -std=c99 -I. examples/interceptors.c -o ex_interceptors -lcurl -lm
   Run:    AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... ./ex_interceptors
           make examples      (offline, against the bundled ailib-mock) */
#define AILIB_ENABLE_INTERCEPTORS 1      /* set it for every file that includes ailib.h */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The log's lines go to stderr here; a game would hand them to its own log. Keys and
   credential headers never appear in them; the prompt and the answer only with bodies = 1. */
static void log_line(void *user, const char *line, size_t len) {
    (void)user;
    fwrite(line, 1, len, stderr);
}

/* An interceptor of your own: tags every request with a header and says, when a call is
   done, where its answer came from ("cache" or the network) and on which attempt. */
static ailib_result tag_request(void *user, ailib_hook_info *info, const ailib_wire_request *wr, ailib_error *err) {
    (void)user; (void)wr;
    return ailib_intercept_set_header(info, "X-Client-Session", "demo-session-1", err);
}

static void report(void *user, ailib_hook_info *info, ailib_result result, const ailib_response *resp, const ailib_error *err) {
    (void)user;
    if (result != AILIB_OK) printf("[%s] failed: %s\n", info->model, err->message);
    else printf("[%s] answered by %s on attempt %d, %lld output tokens\n", info->model, info->source ? info->source : "the provider",
                info->attempt, (long long)ailib_response_usage(resp)->output_tokens);
}

static int print_delta(void *user, const ailib_event *ev) {
    (void)user;
    if (ev->type == AILIB_EVENT_TEXT_DELTA) fwrite(ev->text, 1, ev->text_len, stdout);
    if (ev->type == AILIB_EVENT_FINISH) putchar('\n');
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    ailib_client_desc desc;
    ailib_logger_desc log;
    ailib_interceptor mine;
    ailib_cache_desc cd;
    ailib_cache *cache;
    ailib_cache_stats st;
    ailib_client *client;
    ailib_message question;
    ailib_request req;
    ailib_response *resp = NULL;
    ailib_error err;
    char base[512];
    int i, status = 0;
    (void)argc;

    memset(&desc, 0, sizeof desc);
    desc.model = getenv("AILIB_MODEL");
    if (!desc.model && getenv("AILIB_MOCK_URL")) {
        snprintf(base, sizeof base, "%s/v1", getenv("AILIB_MOCK_URL"));
        desc.model = "openai/gpt-4o-mini";
        desc.base_url = base;
        desc.api_key = "mock";
        printf("Running offline against ailib-mock at %s\n", base);
    } else if (!desc.model) {
        fprintf(stderr, "Set AILIB_MODEL and the provider's key (AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... %s),\n"
                        "or run all examples offline against ailib-mock with: make examples\n", argv[0]);
        return 2;
    }
    if (!(client = ailib_client_create(&desc, &err))) { fprintf(stderr, "error: %s\n", err.message); return 1; }

    /* The chain, in order: the log sees every request (cache hits too), then your
       interceptor, then the cache, nearest the network. */
    memset(&log, 0, sizeof log);
    log.write = log_line;                 /* or log.path = "calls.jsonl" */
    memset(&mine, 0, sizeof mine);
    mine.name = "report";
    mine.on_request = tag_request;
    mine.on_done = report;
    memset(&cd, 0, sizeof cd);
    cd.ttl_ms = 10 * 60 * 1000;           /* answers are reused for ten minutes */
    cd.max_bytes = 4 << 20;
    if (!(cache = ailib_cache_create(&cd, &err)) || ailib_client_add_logger(client, &log, &err) != AILIB_OK ||
        ailib_client_add_interceptor(client, &mine, &err) != AILIB_OK || ailib_client_add_cache(client, cache, &err) != AILIB_OK) {
        fprintf(stderr, "error: %s\n", err.message);
        return 1;
    }

    memset(&question, 0, sizeof question);
    question.role = AILIB_ROLE_USER;
    question.text = "In one sentence: why do games cache dialogue lines?";
    memset(&req, 0, sizeof req);
    req.messages = &question;
    req.message_count = 1;
    req.temperature = ailib_set(0);       /* part of the cache key, like every field that changes the answer */
    for (i = 0; i < 2 && status == 0; i++) {
        printf("user: %s\nassistant: ", question.text);
        if (ailib_chat_stream(client, &req, print_delta, NULL, &resp, &err) != AILIB_OK) {
            fprintf(stderr, "\nerror: %s\n", err.message);
            status = 1;
        }
        ailib_response_destroy(resp);
        resp = NULL;
    }
    ailib_cache_get_stats(cache, &st);
    printf("cache: %llu hit, %llu miss, %lu entries, %lu bytes\n", (unsigned long long)st.hits, (unsigned long long)st.misses,
           (unsigned long)st.entries, (unsigned long)st.bytes);
    ailib_client_destroy(client);
    ailib_cache_destroy(cache);           /* either order: the last owner frees it */
    ailib_global_cleanup();
    return status;
}

/* The interceptor declarations used from a second translation unit, in C and (compiled with
   -x c++) C++, with AILIB_ENABLE_INTERCEPTORS=1: a cassette given as text replays a streamed
   answer with no network, through a chain of a user interceptor, a logger and a cache (the
   second call is a cache hit). Exits non-zero on a wrong answer. */
#define AILIB_ENABLE_INTERCEPTORS 1
#include "ailib.h"
#include <stdio.h>
#include <string.h>

static const char cassette[] =
    "{\"ailib_cassette\":1}\n"
    "{\"request\":{\"method\":\"POST\",\"url\":\"http://127.0.0.1:1/v1/chat/completions\",\"headers\":[],"
    "\"body\":\"{\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"messages\\\":[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"hi\\\"}],"
    "\\\"stream\\\":true,\\\"stream_options\\\":{\\\"include_usage\\\":true}}\"},"
    "\"response\":{\"status\":200,\"head_ms\":3,\"headers\":[[\"content-type\",\"text/event-stream\"]],"
    "\"body\":\"data: {\\\"choices\\\":[{\\\"index\\\":0,\\\"delta\\\":{\\\"content\\\":\\\"Hel\\\"}}]}\\n\\n"
    "data: {\\\"choices\\\":[{\\\"index\\\":0,\\\"delta\\\":{\\\"content\\\":\\\"lo\\\"},\\\"finish_reason\\\":\\\"stop\\\"}]}\\n\\n"
    "data: [DONE]\\n\\n\",\"chunks\":[[3,59],[4,140],[4,154]],\"end\":\"ok\"}}\n";

static int deltas;
static int on_event(void *user, ailib_hook_info *info, ailib_event *ev) {
    (void)user; (void)info;
    if (ev->type == AILIB_EVENT_TEXT_DELTA) deltas++;
    return 0;
}
static size_t logged;
static void on_line(void *user, const char *line, size_t len) { (void)user; (void)line; logged += len; }

int main(void) {
    ailib_client_desc d;
    ailib_cassette_desc cd;
    ailib_logger_desc ld;
    ailib_interceptor ic;
    ailib_cassette *cas;
    ailib_cache *cache;
    ailib_client *c;
    ailib_message msg;
    ailib_request req;
    ailib_response *r = NULL;
    ailib_cache_stats st;
    ailib_error err;
    int ok = 1, i;
    memset(&d, 0, sizeof d); memset(&cd, 0, sizeof cd); memset(&ld, 0, sizeof ld); memset(&ic, 0, sizeof ic);
    d.model = "openai/gpt-4o-mini";
    d.api_key = "matrix-key";
    d.base_url = "http://127.0.0.1:1/v1";
    cd.text = cassette;
    ld.write = on_line;
    ic.name = "count";
    ic.on_event = on_event;
    if (!(c = ailib_client_create(&d, &err)) || !(cas = ailib_cassette_open(NULL, &cd, &err)) || !(cache = ailib_cache_create(NULL, &err)) ||
        ailib_client_add_interceptor(c, &ic, &err) != AILIB_OK || ailib_client_add_logger(c, &ld, &err) != AILIB_OK ||
        ailib_client_add_cache(c, cache, &err) != AILIB_OK || ailib_client_add_cassette(c, cas, &err) != AILIB_OK) {
        printf("setup: %s\n", err.message);
        return 1;
    }
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.role = AILIB_ROLE_USER;
    msg.text = "hi";
    req.messages = &msg;
    req.message_count = 1;
    for (i = 0; i < 2; i++) {
        if (ailib_chat_stream(c, &req, NULL, NULL, &r, &err) != AILIB_OK) { printf("call %d: %s\n", i, err.message); return 1; }
        ok = ok && strcmp(ailib_response_text(r, NULL), "Hello") == 0;
        ailib_response_destroy(r);
    }
    ailib_cache_get_stats(cache, &st);
    ok = ok && deltas == 4 && st.hits == 1 && logged > 0;
    ailib_client_destroy(c);
    ailib_cache_destroy(cache);
    ok = ok && ailib_cassette_close(cas, NULL) == AILIB_OK;
    return ok ? 0 : 1;
}

/* Uses the declarations from a second translation unit (the implementation is elsewhere):
   proves the header works as a plain header, in C. Exits non-zero on a wrong answer. */
#include "ailib.h"
#include <string.h>

int main(void) {
    ailib_json_doc *d = NULL;
    ailib_json_writer w;
    ailib_endpoint ep;
    ailib_request req;
    ailib_message msg = { AILIB_ROLE_USER, NULL, 0, "hi" };
    ailib_wire_request wr;
    int ok;
    if (ailib_json_parse("{\"a\":[1,2,3]}", 13, NULL, &d, NULL) != AILIB_OK) return 1;
    ok = ailib_json_size(ailib_json_get(ailib_json_doc_root(d), "a")) == 3;
    ailib_json_doc_destroy(d);
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_object_begin(&w);
    ailib_json_write_key(&w, "k");
    ailib_json_write_string(&w, "v");
    ailib_json_write_object_end(&w);
    ok = ok && ailib_json_writer_finish(&w) == AILIB_OK && strcmp(w.buf, "{\"k\":\"v\"}") == 0;
    ailib_json_writer_deinit(&w);
    memset(&ep, 0, sizeof ep);
    memset(&req, 0, sizeof req);
    ep.provider = ailib_provider_find("anthropic");
    req.messages = &msg;
    req.message_count = 1;
    ok = ok && ep.provider && ailib_wire_request_build(&ep, &req, 1, &wr, NULL) == AILIB_OK;
    if (ok) ailib_wire_request_deinit(&wr);
    {   /* the store (core), and the Redis store when it is compiled */
        ailib_store *st = ailib_store_memory_create(NULL, NULL);
        ok = ok && st != NULL;
        ailib_store_destroy(st);
#if AILIB_ENABLE_REDIS
        {
            ailib_redis_desc rd;
            memset(&rd, 0, sizeof rd);
            rd.url = "redis://127.0.0.1:1/0";
            st = ailib_store_redis_create(&rd, NULL);
            ok = ok && st != NULL;
            ailib_store_destroy(st);
            rd.url = "http://x";
            ok = ok && ailib_store_redis_create(&rd, NULL) == NULL;
        }
#endif
    }
    return ok && ailib_provider_count() >= 35 ? 0 : 1;
}

/* A consumer of the compiled library (libailib): includes the header only, never defines
   AILIB_IMPLEMENTATION. Builds a request without the network to reach well into the library. */
#include "ailib.h"
#include <stdio.h>
#include <string.h>

int main(void) {
    ailib_endpoint ep = { 0 };
    ailib_message msg = { AILIB_ROLE_USER, NULL, 0, "hi" };
    ailib_request req = { 0 };
    ailib_wire_request wr;
    ailib_error err;
    int ok;
    ep.provider = ailib_provider_find("anthropic");
    ep.api_key = "test";
    req.model = "claude-haiku-5-5";
    req.messages = &msg;
    req.message_count = 1;
    if (!ep.provider || ailib_wire_request_build(&ep, &req, 0, &wr, &err) != AILIB_OK) return 1;
    ok = strstr(wr.url, "/messages") != NULL && strstr(wr.body, "\"hi\"") != NULL;
    printf("ailib %s (library), POST %s\n", ailib_version_string(), wr.url);
    ailib_wire_request_deinit(&wr);
    return ok ? 0 : 1;
}

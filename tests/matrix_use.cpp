// Uses the declarations from C++ (a second translation unit; the implementation is compiled
// as C++ elsewhere): aggregate initialisation, the set helpers, the stream decoder.
#include "ailib.h"
#include <cstring>
#include <string>

namespace {
struct Collect {
    std::string text;
    static int on_event(void *user, const ailib_event *ev) {
        Collect *c = static_cast<Collect *>(user);
        if (ev->type == AILIB_EVENT_TEXT_DELTA) c->text.append(ev->text, ev->text_len);
        return 0;
    }
};
}

int main() {
    ailib_request req = ailib_request();
    req.temperature = ailib_set(0.0);
    req.seed = ailib_set_int(1);
    if (!req.temperature.set || req.seed.value != 1) return 1;
    ailib_endpoint ep = ailib_endpoint();
    ep.provider = ailib_provider_find("openai");
    ailib_error err;
    ailib_stream *s = ailib_stream_create(&ep, nullptr, &err);
    if (!s) return 2;
    static const char body[] =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"C++\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    Collect c;
    ailib_result r = ailib_stream_feed(s, body, sizeof body - 1, Collect::on_event, &c, &err);
    if (r == AILIB_OK) r = ailib_stream_finish(s, Collect::on_event, &c, &err);
    ailib_stream_destroy(s);
    return (r == AILIB_OK && c.text == "C++") ? 0 : 3;
}

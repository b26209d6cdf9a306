#define _POSIX_C_SOURCE 200809L
/* bench_wire.c - wire-layer micro benchmarks (no network), medians of several runs.

   (a) build + serialize a 2-message request (256-byte user prompt) and parse a ~600-byte
       OpenAI reply;
   (b) parse + normalize a 2,000-chunk OpenAI chat stream shaped like the recorded
       gpt-4o-mini chunks (~310 bytes each), fed in 4 KiB pieces, per chunk, with the
       allocations per chunk after warm-up counted through the allocator hooks.
   Reference in the same run (when built with -DBENCH_CJSON): cJSON doing the JSON part of
   the same work (building the body, parsing each payload). */
#define AILIB_IMPLEMENTATION
#include "../../ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef BENCH_CJSON
#include <cjson/cJSON.h>
#endif

#include "bench.h"

#define RUNS 11

/* --- (a) ----------------------------------------------------------------------------------- */

static const char reply_600[] =
    "{\"id\":\"chatcmpl-D8Z5fAbCdEfGhIjKlMnOpQrStUv\",\"object\":\"chat.completion\",\"created\":1770933883,"
    "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
    "\"content\":\"Paris is the capital of France. It sits on the Seine, is home to about two million people "
    "in the city proper, and is known for the Louvre, the Eiffel Tower and its cafes. It has been the seat "
    "of government for most of the last thousand years.\",\"refusal\":null,\"annotations\":[]},"
    "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":53,\"completion_tokens\":58,"
    "\"total_tokens\":111,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
    "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
    "\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\",\"system_fingerprint\":\"fp_de604bd877\"}";

static char prompt[257];

static double bench_a(const ailib_allocator *al, size_t *allocs_per_op) {
    double t[RUNS];
    int run, i, iters = 20000;
    ailib_endpoint ep;
    ailib_message msgs[1];
    ailib_request req;
    memset(&ep, 0, sizeof ep);
    memset(msgs, 0, sizeof msgs);
    memset(&req, 0, sizeof req);
    ep.provider = ailib_provider_find("openai");
    ep.api_key = "sk-bench";
    ep.allocator = al;
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = prompt;
    req.model = "gpt-4o-mini";
    req.system = "You are a helpful assistant.";
    req.messages = msgs; req.message_count = 1;
    for (run = 0; run < RUNS; run++) {
        double t0 = now_ns();
        size_t a0 = n_alloc;
        for (i = 0; i < iters; i++) {
            ailib_wire_request wr;
            ailib_response *r = NULL;
            if (ailib_wire_request_build(&ep, &req, 0, &wr, NULL) != AILIB_OK) { puts("build failed"); exit(1); }
            if (ailib_wire_response_parse(&ep, 200, reply_600, sizeof reply_600 - 1, &r, NULL) != AILIB_OK) { puts("parse failed"); exit(1); }
            if (ailib_response_text(r, NULL)[0] != 'P') exit(1);
            ailib_response_destroy(r);
            ailib_wire_request_deinit(&wr);
        }
        t[run] = (now_ns() - t0) / iters;
        *allocs_per_op = (n_alloc - a0) / (size_t)iters;
    }
    return median(t, RUNS);
}

#ifdef BENCH_CJSON
/* The same JSON work with cJSON: build the body, print it, parse the reply, read the text. */
static double bench_a_cjson(void) {
    double t[RUNS];
    int run, i, iters = 20000;
    for (run = 0; run < RUNS; run++) {
        double t0 = now_ns();
        for (i = 0; i < iters; i++) {
            cJSON *body = cJSON_CreateObject(), *msgs = cJSON_AddArrayToObject(body, "messages"), *m, *r;
            char *out;
            cJSON_AddStringToObject(body, "model", "gpt-4o-mini");
            m = cJSON_CreateObject(); cJSON_AddStringToObject(m, "role", "system"); cJSON_AddStringToObject(m, "content", "You are a helpful assistant."); cJSON_AddItemToArray(msgs, m);
            m = cJSON_CreateObject(); cJSON_AddStringToObject(m, "role", "user"); cJSON_AddStringToObject(m, "content", prompt); cJSON_AddItemToArray(msgs, m);
            out = cJSON_PrintUnformatted(body);
            r = cJSON_ParseWithLength(reply_600, sizeof reply_600 - 1);
            if (!cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "choices"), 0), "message"), "content")) exit(1);
            cJSON_Delete(r);
            free(out);
            cJSON_Delete(body);
        }
        t[run] = (now_ns() - t0) / iters;
    }
    return median(t, RUNS);
}
#endif

/* --- (b) ----------------------------------------------------------------------------------- */

#define CHUNKS 2000
static char *stream_body;
static size_t stream_len;
static char *payloads[CHUNKS];

static const char *words[] = { " the", " capital", " of", " France", " is", " Paris", ",", " which", " lies", " on" };

static void make_stream(void) {
    size_t cap = CHUNKS * 400, i;
    stream_body = (char *)malloc(cap);
    stream_len = 0;
    for (i = 0; i < CHUNKS; i++) {
        char p[512];
        int n;
        if (i == 0)
            n = snprintf(p, sizeof p, "{\"id\":\"chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl\",\"object\":\"chat.completion.chunk\",\"created\":1782955817,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_d0469e1700\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"C63r\"}");
        else if (i == CHUNKS - 2)
            n = snprintf(p, sizeof p, "{\"id\":\"chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl\",\"object\":\"chat.completion.chunk\",\"created\":1782955817,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_d0469e1700\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null,\"obfuscation\":\"qfQVOwfh\"}");
        else if (i == CHUNKS - 1)
            n = snprintf(p, sizeof p, "{\"id\":\"chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl\",\"object\":\"chat.completion.chunk\",\"created\":1782955817,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_d0469e1700\",\"choices\":[],\"usage\":{\"prompt_tokens\":53,\"completion_tokens\":1998,\"total_tokens\":2051,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"obfuscation\":\"Uq\"}");
        else
            n = snprintf(p, sizeof p, "{\"id\":\"chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl\",\"object\":\"chat.completion.chunk\",\"created\":1782955817,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_d0469e1700\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"UqdZk18gUR\"}",
                         words[i % 10]);
        payloads[i] = (char *)malloc((size_t)n + 1);
        memcpy(payloads[i], p, (size_t)n + 1);
        stream_len += (size_t)sprintf(stream_body + stream_len, "data: %s\n\n", p);
    }
    stream_len += (size_t)sprintf(stream_body + stream_len, "data: [DONE]\n\n");
}

static size_t text_bytes;
static int on_ev(void *u, const ailib_event *e) { (void)u; if (e->type == AILIB_EVENT_TEXT_DELTA) text_bytes += e->text_len; return 0; }

static void feed_all(ailib_stream *s) {
    size_t off;
    ailib_stream_reset(s);
    for (off = 0; off < stream_len; off += 4096) {
        size_t n = stream_len - off < 4096 ? stream_len - off : 4096;
        if (ailib_stream_feed(s, stream_body + off, n, on_ev, NULL, NULL) != AILIB_OK) { puts("feed failed"); exit(1); }
    }
    if (ailib_stream_finish(s, on_ev, NULL, NULL) != AILIB_OK) { puts("finish failed"); exit(1); }
}

static double bench_b(const ailib_allocator *al, double *allocs_per_chunk) {
    double t[RUNS];
    int run, i, reps = 10;
    ailib_endpoint ep;
    ailib_stream *s;
    size_t a0;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("openai");
    ep.allocator = al;
    s = ailib_stream_create(&ep, NULL, NULL);
    feed_all(s);                               /* warm-up: buffers reach their size */
    a0 = n_alloc;
    feed_all(s);
    *allocs_per_chunk = (double)(n_alloc - a0) / CHUNKS;
    if (ailib_response_usage(ailib_stream_response(s))->output_tokens != 1998) { puts("usage wrong"); exit(1); }
    for (run = 0; run < RUNS; run++) {
        double t0 = now_ns();
        for (i = 0; i < reps; i++) feed_all(s);
        t[run] = (now_ns() - t0) / (reps * (double)CHUNKS);
    }
    ailib_stream_destroy(s);
    return median(t, RUNS);
}

/* The JSON part alone: each chunk's payload through the reused document. */
static double bench_b_json_only(void) {
    double t[RUNS];
    int run, i, k, reps = 10;
    ailib_json_doc *d = ailib_json_doc_create(NULL);
    for (run = 0; run < RUNS; run++) {
        double t0 = now_ns();
        for (k = 0; k < reps; k++)
            for (i = 0; i < CHUNKS; i++)
                if (ailib_json_doc_reparse(d, payloads[i], strlen(payloads[i]), NULL) != AILIB_OK) exit(1);
        t[run] = (now_ns() - t0) / (reps * (double)CHUNKS);
    }
    ailib_json_doc_destroy(d);
    return median(t, RUNS);
}

#ifdef BENCH_CJSON
static double bench_b_cjson(void) {
    double t[RUNS];
    int run, i, k, reps = 10;
    for (run = 0; run < RUNS; run++) {
        double t0 = now_ns();
        for (k = 0; k < reps; k++)
            for (i = 0; i < CHUNKS; i++) {
                cJSON *r = cJSON_Parse(payloads[i]);
                cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "choices"), 0);
                cJSON *c = cJSON_GetObjectItem(cJSON_GetObjectItem(ch, "delta"), "content");
                if (c && cJSON_IsString(c)) text_bytes += strlen(c->valuestring);
                cJSON_Delete(r);
            }
        t[run] = (now_ns() - t0) / (reps * (double)CHUNKS);
    }
    return median(t, RUNS);
}
#endif

int main(void) {
    ailib_allocator al;
    size_t a_allocs = 0;
    double a, b, b_allocs = 0, bj;
    memset(prompt, 'x', 256);
    memcpy(prompt, "Tell me about Paris. ", 21);
    prompt[256] = 0;
    al.malloc_fn = c_malloc; al.realloc_fn = c_realloc; al.free_fn = c_free; al.ctx = NULL;
    make_stream();
    printf("ailib wire benchmarks, median of %d runs (%s)\n", RUNS, ailib_version_string());
    a = bench_a(&al, &a_allocs);
    printf("(a) build+serialize 2-message request (256 B prompt) + parse 600 B reply: %8.0f ns/op  (%lu allocations/op)\n",
           a, (unsigned long)a_allocs);
#ifdef BENCH_CJSON
    {
        double ac = bench_a_cjson();
        printf("    reference, same JSON work with cJSON %s:                    %8.0f ns/op  ailib/cJSON = %.2f\n", cJSON_Version(), ac, a / ac);
    }
#endif
    b = bench_b(&al, &b_allocs);
    printf("(b) OpenAI stream, %d chunks of ~%lu B in 4 KiB pieces, parse+normalize: %6.1f ns/chunk  (%.3f allocations/chunk after warm-up)\n",
           CHUNKS, (unsigned long)(stream_len / CHUNKS), b, b_allocs);
    bj = bench_b_json_only();
    printf("    of which JSON parse of the payload alone:                               %6.1f ns/chunk\n", bj);
#ifdef BENCH_CJSON
    {
        double bc = bench_b_cjson();
        printf("    reference, cJSON parse + read delta.content per payload:             %6.1f ns/chunk  ailib/cJSON = %.2f\n", bc, b / bc);
    }
#endif
    printf("budgets (DESIGN.md 5): (a) <= 2000 ns: %s; (b) <= 300 ns/chunk: %s; 0 allocations/chunk: %s\n",
           a <= 2000 ? "met" : "MISSED", b <= 300 ? "met" : "MISSED", b_allocs == 0 ? "met" : "MISSED");
    return 0;
}

/* AILIB_ENABLE_COST: the cost of recorded usage from every protocol against hand computations
   written here, prices from the catalog, overrides and the environment, estimates, and ledgers
   and budgets over loopback against ailib-mock (which counts what was sent).

   Every hand computation below is USD per million tokens x tokens / 1e6; the test asserts each
   part to 1e-12 USD. Fixtures: ../shared/fixtures (real recordings, skipped when absent) and
   tests/fixtures (hand-written from the providers' documented shapes: the Anthropic files with
   cache_creation.ephemeral_5m/1h_input_tokens follow the usage object of Anthropic's prompt
   caching documentation, since no recording with both write durations exists). */
#include "test.h"
#include "replay.h"
#include "mockctl.h"
#include "../ailib.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if AILIB_ENABLE_COST

#define EXPECT_USD(a, b) AILIB_T_CHECK(fabs((double)(a) - (double)(b)) < 1e-12, 0, "%s == %s: %.15g vs %.15g USD", #a, #b, \
                                       (double)(a), (double)(b))

static ailib_usage usage_of(int64_t in, int64_t out, int64_t cached, int64_t write, int64_t write_1h, int64_t reasoning) {
    ailib_usage u;
    memset(&u, 0, sizeof u);
    u.input_tokens = in; u.output_tokens = out; u.total_tokens = in + out;
    u.cached_input_tokens = cached; u.cache_write_tokens = write; u.cache_write_1h_tokens = write_1h; u.reasoning_tokens = reasoning;
    u.reported = AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL | AILIB_USAGE_CACHED | AILIB_USAGE_CACHE_WRITE | AILIB_USAGE_REASONING;
    return u;
}

/* --- normalized usage: what the adapters keep for pricing ----------------------------------------- */

TEST(cost_anthropic_cache_write_durations_normalized) {
    ailib_response *r = NULL;
    ailib_error err;
    const ailib_usage *u;
    ASSERT_EQ(replay_parse_file("anthropic", "tests/fixtures/anthropic/messages-cache-5m-1h.json", &r, &err), AILIB_OK);
    u = ailib_response_usage(r);
    EXPECT_EQ(u->input_tokens, 13050);           /* 50 uncached + 10000 read + 3000 written */
    EXPECT_EQ(u->cached_input_tokens, 10000);
    EXPECT_EQ(u->cache_write_tokens, 3000);
    EXPECT_EQ(u->cache_write_1h_tokens, 2000);
    EXPECT_EQ(u->output_tokens, 500);
    EXPECT_TRUE((u->reported & AILIB_USAGE_CACHE_WRITE_1H) != 0);
    ailib_response_destroy(r);
}

TEST(cost_bedrock_cache_details_normalized) {
    static const char body[] =
        "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"ok\"}]}},\"stopReason\":\"end_turn\","
        "\"usage\":{\"inputTokens\":12,\"outputTokens\":3,\"totalTokens\":1015,\"cacheReadInputTokens\":0,\"cacheWriteInputTokens\":1000,"
        "\"cacheDetails\":[{\"ttl\":\"1h\",\"inputTokens\":600},{\"ttl\":\"5m\",\"inputTokens\":400}]}}";
    ailib_endpoint ep;
    ailib_response *r = NULL;
    ailib_error err;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("bedrock");
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, body, sizeof body - 1, &r, &err), AILIB_OK);
    EXPECT_EQ(ailib_response_usage(r)->input_tokens, 1012);
    EXPECT_EQ(ailib_response_usage(r)->cache_write_tokens, 1000);
    EXPECT_EQ(ailib_response_usage(r)->cache_write_1h_tokens, 600);
    ailib_response_destroy(r);
}

/* --- cost on recorded usage, every protocol --------------------------------------------------------- */

/* Anthropic, cache reads and both write durations, priced as claude-sonnet-4-5 (3.00 input,
   0.30 cached, 3.75 5-minute write, 6.00 1-hour write, 15.00 output):
     50 x 3.00 = 150; 10000 x 0.30 = 3000; 1000 x 3.75 = 3750; 2000 x 6.00 = 12000;
     500 x 15.00 = 7500; total 26400 -> 0.0264 USD.
   LiteLLM's two mistakes would give: cache writes counted again as input +3000 x 3.00 (the
   2x report), cache reads priced as input in streams 10000 x 3.00 = 30000 instead of 3000. */
TEST(cost_anthropic_cache_reads_and_both_write_durations) {
    ailib_response *r = NULL;
    ailib_error err;
    ailib_cost c;
    ASSERT_EQ(replay_parse_file("anthropic", "tests/fixtures/anthropic/messages-cache-5m-1h.json", &r, &err), AILIB_OK);
    ASSERT_EQ(ailib_cost_of("anthropic", ailib_response_model(r), ailib_response_usage(r), AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_STR_EQ(c.model, "claude-sonnet-4-5");                 /* the dated snapshot finds its row */
    EXPECT_EQ(c.known, 1);
    EXPECT_USD(c.input, 150e-6);
    EXPECT_USD(c.cached_input, 3000e-6);
    EXPECT_USD(c.cache_write, 3750e-6 + 12000e-6);
    EXPECT_USD(c.output, 7500e-6);
    EXPECT_USD(c.total, 0.0264);
    EXPECT_EQ(c.flags & AILIB_COST_APPROX, 0);
    EXPECT_STR_EQ(c.price_date, "2026-11-22");
    /* batch tier: half of everything */
    ASSERT_EQ(ailib_cost_of("anthropic", ailib_response_model(r), ailib_response_usage(r), AILIB_PRICE_BATCH, &c), AILIB_OK);
    EXPECT_USD(c.total, 0.0132);
    EXPECT_TRUE((c.flags & AILIB_COST_BATCH) != 0);
    ailib_response_destroy(r);
}

typedef struct cost_trace { char provider[32], model[64]; double costs[64]; size_t n; } cost_trace;

/* Prices every usage event as it comes. */
static int on_usage_cost(void *user, const ailib_event *e) {
    cost_trace *t = (cost_trace *)user;
    ailib_cost c;
    if (e->type != AILIB_EVENT_USAGE || t->n == 64) return 0;
    ailib_cost_of(t->provider, t->model, e->usage, AILIB_PRICE_STANDARD, &c);
    t->costs[t->n++] = c.known ? c.total : -1;
    return 0;
}

/* Feeds a body in pieces of `piece` bytes (0: whole) and prices each usage event. */
static void trace_costs(const char *provider, const char *model, const char *body, size_t len, size_t piece, cost_trace *t) {
    ailib_endpoint ep;
    ailib_stream *s;
    ailib_error err;
    size_t off = 0;
    memset(t, 0, sizeof *t);
    snprintf(t->provider, sizeof t->provider, "%s", provider);
    snprintf(t->model, sizeof t->model, "%s", model);
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find(provider);
    s = ailib_stream_create(&ep, NULL, &err);
    if (!s) return;
    while (off < len) {
        size_t n = piece && len - off > piece ? piece : len - off;
        ailib_stream_feed(s, body + off, n, on_usage_cost, t, &err);
        off += n;
    }
    ailib_stream_finish(s, on_usage_cost, t, &err);
    ailib_stream_destroy(s);
}

/* The same cache usage streamed: message_start carries the input and cache counts with a
   provisional output of 1, message_delta the cumulative output. Each usage event is priced
   with cache reads as reads (not input, LiteLLM's 7x):
     start: 150 + 3000 + 3750 + 12000 + 1 x 15 = 18915 -> 0.018915
     end:   26400 -> 0.0264 (the unary figure) */
TEST(cost_anthropic_streamed_usage_in_pieces) {
    size_t len = 0, pieces[] = { 0, 1, 7, 64 }, i;
    char *body = ailib_test_read_file("tests/fixtures/anthropic/stream-cache-5m-1h.sse", &len);
    cost_trace t;
    ASSERT_TRUE(body != NULL);
    for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        trace_costs("anthropic", "claude-sonnet-4-5", body, len, pieces[i], &t);
        ASSERT_EQ(t.n, 2);
        EXPECT_USD(t.costs[0], 0.018915);
        EXPECT_USD(t.costs[1], 0.0264);
    }
    free(body);
}

/* Anthropic's message_delta restating input and cache fields (recorded by Vercel's tests,
   copied in tests/fixtures): start 43 input + 10 read, delta 61 input + 5 written, 25 output.
   Priced as claude-haiku-4-5 (1.00 / 0.10 / 1.25 / 5.00):
     start: 43 x 1 + 10 x 0.10 + 1 x 5 = 49 -> 0.000049
     delta: 61 x 1 + 10 x 0.10 + 5 x 1.25 + 25 x 5 = 193.25 -> 0.00019325 (the read kept) */
TEST(cost_anthropic_message_delta_restating_input) {
    size_t len = 0;
    char *body = ailib_test_read_file("tests/fixtures/anthropic/stream-message_delta-input_tokens.sse", &len);
    cost_trace t;
    ASSERT_TRUE(body != NULL);
    trace_costs("anthropic", "claude-haiku-4-5", body, len, 0, &t);
    ASSERT_TRUE(t.n >= 2);
    EXPECT_USD(t.costs[0], 49e-6);
    EXPECT_USD(t.costs[t.n - 1], 193.25e-6);
    free(body);
}

/* OpenAI chat with cached and reasoning tokens (the documented usage object), as gpt-6-sol
   (2.00 / 0.20 cached / 10.00): 464 uncached x 2 = 928; 1536 x 0.20 = 307.2;
   700 output (512 of them reasoning, counted once) x 10 = 7000 -> 8235.2 -> 0.0082352. */
TEST(cost_openai_cached_and_reasoning) {
    ailib_response *r = NULL;
    ailib_error err;
    ailib_cost c;
    ASSERT_EQ(replay_parse_file("openai", "tests/fixtures/openai/chat-cached-reasoning.json", &r, &err), AILIB_OK);
    ASSERT_EQ(ailib_cost_of("openai", ailib_response_model(r), ailib_response_usage(r), AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_STR_EQ(c.model, "gpt-6-sol");
    EXPECT_USD(c.input, 928e-6);
    EXPECT_USD(c.cached_input, 307.2e-6);
    EXPECT_USD(c.output, 7000e-6);
    EXPECT_USD(c.reasoning, 5120e-6);
    EXPECT_USD(c.total, 8235.2e-6);
    /* the Responses protocol prices OpenAI's models from the same rows */
    ASSERT_EQ(ailib_cost_of("openai-responses", "gpt-6-sol", ailib_response_usage(r), AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_USD(c.total, 8235.2e-6);
    ailib_response_destroy(r);
}

/* xAI's recorded stream (OpenAI dialect; completion_tokens exclude reasoning there): 291
   prompt of which 290 cached, 26 completion + 196 reasoning. At grok-3-mini's prices (0.30 /
   0.075 cached / 0.50): 1 x 0.30 + 290 x 0.075 + 222 x 0.50 = 133.05 -> 0.00013305 USD,
   which is exactly what xAI itself reported in the same chunk: cost_in_usd_ticks 1330500
   (1e-10 USD each). Reasoning counted once, cache reads at the cached price. */
TEST(cost_xai_recorded_matches_the_providers_own_cost) {
    replay_run run;
    ailib_price p;
    ailib_cost c;
    if (!replay_fixture("xai", "openai-compatible/xai-chat-stream-reasoning-tool-call.chunks.jsonl", &run)) TEST_SKIP("fixture corpus absent");
    EXPECT_EQ(ailib_response_usage(run.resp)->output_tokens, 222);
    memset(&p, 0, sizeof p);
    p.input = 0.30; p.cached_input = 0.075; p.output = 0.50;
    ASSERT_EQ(ailib_cost_with(&p, ailib_response_usage(run.resp), AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_USD(c.total, 133.05e-6);
    EXPECT_EQ((long long)floor(c.total * 1e10 + 0.5), 1330500);
    replay_free(&run);
}

/* DeepSeek's recorded stream: 339 prompt (320 cache hits), 83 completion (39 reasoning).
   As deepseek-flash (0.30 / 0.006 / 1.20): 19 x 0.30 = 5.7; 320 x 0.006 = 1.92;
   83 x 1.20 = 99.6 -> 107.22 -> 0.00010722. */
TEST(cost_deepseek_recorded_cache_hits) {
    replay_run run;
    ailib_cost c;
    if (!replay_fixture("deepseek", "deepseek/chat-stream-reasoning-then-tool-call.chunks.jsonl", &run)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(ailib_cost_of("deepseek", "deepseek-flash", ailib_response_usage(run.resp), AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_USD(c.input, 5.7e-6);
    EXPECT_USD(c.cached_input, 1.92e-6);
    EXPECT_USD(c.output, 99.6e-6);
    EXPECT_USD(c.total, 107.22e-6);
    replay_free(&run);
}

/* Azure's recorded stream (gpt-5-nano): 15 prompt, 78 completion of which 64 reasoning; as
   gpt-4.1-mini (0.40 / 1.60): 6 + 124.8 = 130.8 -> 0.0001308, reasoning 102.4 of it. */
TEST(cost_azure_recorded_reasoning_counted_once) {
    replay_run run;
    ailib_cost c;
    if (!replay_fixture("azure", "azure/chat-stream-prompt_filter_results-content_filter_results.chunks.jsonl", &run))
        TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(ailib_cost_of("openai", "gpt-4.1-mini", ailib_response_usage(run.resp), AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_USD(c.total, 130.8e-6);
    EXPECT_USD(c.reasoning, 102.4e-6);
    replay_free(&run);
}

/* OpenAI Responses, recorded: 25 input, 10 output; as gpt-6-luna (0.10 / 0.50): 2.5 + 5 = 7.5. */
TEST(cost_responses_recorded) {
    replay_run run;
    ailib_cost c;
    if (!replay_fixture("openai-responses", "openai/responses-stream-text-event-lines.sse", &run)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(ailib_cost_of("openai-responses", "gpt-6-luna", ailib_response_usage(run.resp), AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_USD(c.total, 7.5e-6);
    replay_free(&run);
}

/* Gemini with thoughts, recorded (gemini-2.5-pro): 34 prompt, 469 candidates and 787
   thoughts, both billed as output: 1256 output. As gemini-2.5-flash (0.30 / 2.50):
   10.2 + 3140 = 3150.2 -> 0.0031502, of which 787 x 2.50 = 1967.5 reasoning. Every usage
   chunk is cumulative: each priced event is the total so far, never a sum of them. */
TEST(cost_gemini_thoughts_recorded) {
    size_t len = 0, i;
    char *body = replay_load("gemini/stream-thought-parts-includeThoughts.sse", &len);
    cost_trace t;
    if (!body) TEST_SKIP("fixture corpus absent");
    trace_costs("gemini", "gemini-2.5-flash", body, len, 0, &t);
    ASSERT_TRUE(t.n >= 2);
    for (i = 1; i < t.n; i++) EXPECT_TRUE(t.costs[i] >= t.costs[i - 1]);
    EXPECT_USD(t.costs[t.n - 1], 3150.2e-6);
    free(body);
    {
        replay_run run;
        ailib_cost c;
        if (!replay_fixture("gemini", "gemini/stream-thought-parts-includeThoughts.sse", &run)) TEST_SKIP("fixture corpus absent");
        ASSERT_EQ(ailib_cost_of("gemini", "gemini-2.5-flash", ailib_response_usage(run.resp), AILIB_PRICE_STANDARD, &c), AILIB_OK);
        EXPECT_USD(c.reasoning, 1967.5e-6);
        EXPECT_USD(c.total, 3150.2e-6);
        replay_free(&run);
    }
}

/* Vertex (Gemini protocol), recorded: 26 prompt, 23 candidates, 132 thoughts -> 155 output;
   as gemini-3.5-flash-lite (0.30 / 2.50): 7.8 + 387.5 = 395.3. */
TEST(cost_vertex_thoughts_recorded) {
    replay_run run;
    ailib_cost c;
    if (!replay_fixture("gemini", "gemini/vertex-stream-functionCall-partialArgs-willContinue.chunks.jsonl", &run)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(ailib_cost_of("gemini", "gemini-3.5-flash-lite", ailib_response_usage(run.resp), AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_USD(c.total, 395.3e-6);
    replay_free(&run);
}

/* Cohere bills far fewer tokens than its model saw (recorded: tokens 1549 in / 95 out, 1504
   cached; billed_units 119 in / 44 out). Priced on the billed counts as command-a-03-2025
   (2.50 / 10.00): 297.5 + 440 = 737.5 -> 0.0007375. On the seen counts it would be 45 x 2.50
   + 1504 cached (no cached price: as input) x 2.50 + 95 x 10 = 4822.5: 6.5x too much. */
TEST(cost_cohere_billed_units_recorded) {
    replay_run run;
    ailib_cost c;
    const ailib_usage *u;
    if (!replay_fixture("cohere", "cohere/v2-chat-stream-tool-plan-tool-calls.chunks.jsonl", &run)) TEST_SKIP("fixture corpus absent");
    u = ailib_response_usage(run.resp);
    EXPECT_EQ(u->billed_input_tokens, 119);
    EXPECT_EQ(u->billed_output_tokens, 44);
    EXPECT_EQ(u->input_tokens, 1549);
    ASSERT_EQ(ailib_cost_of("cohere", "command-a-03-2025", u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_TRUE((c.flags & AILIB_COST_BILLED) != 0);
    EXPECT_USD(c.total, 737.5e-6);
    replay_free(&run);
}

/* Bedrock's recorded stream (Nova Micro, not in the catalog): priced with given prices. */
TEST(cost_bedrock_recorded_with_given_prices) {
    size_t len = 0;
    char *body = ailib_test_fixture("bedrock/converse-stream.eventstream.bin", &len);
    ailib_endpoint ep;
    ailib_stream *s;
    ailib_error err;
    ailib_price p;
    ailib_cost c;
    const ailib_usage *u;
    if (!body) TEST_SKIP("fixture corpus absent");
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("bedrock");
    s = ailib_stream_create(&ep, NULL, &err);
    ASSERT_TRUE(s != NULL);
    ailib_stream_feed(s, body, len, NULL, NULL, &err);
    ailib_stream_finish(s, NULL, NULL, &err);
    u = ailib_response_usage(ailib_stream_response(s));
    memset(&p, 0, sizeof p);
    p.input = 0.035; p.output = 0.14;
    ASSERT_EQ(ailib_cost_with(&p, u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_USD(c.total, (double)u->input_tokens * 0.035e-6 + (double)u->output_tokens * 0.14e-6);
    EXPECT_TRUE(u->input_tokens > 0 && u->output_tokens > 0);
    ailib_stream_destroy(s);
    free(body);
}

/* --- tiers, unknown, free, approximations ------------------------------------------------------------ */

/* claude-haiku-5-5 bills prompts over 100K at 0.50 / 0.05 / 0.625 / 2.50 (1-hour write 2 x
   input = 1.00): 150000 input = 20000 uncached + 100000 read + 30000 written (10000 of them
   for 1 hour), 1000 output:
     20000 x 0.50 = 10000; 100000 x 0.05 = 5000; 20000 x 0.625 = 12500; 10000 x 1.00 = 10000;
     1000 x 2.50 = 2500 -> 40000 -> 0.04. Under the threshold (100000 input, same split):
     at 0.10 / 0.01 / 0.125 / 0.20 / 0.50: 0 uncached... see below. */
TEST(cost_long_context_tier) {
    ailib_usage u = usage_of(150000, 1000, 100000, 30000, 10000, 0);
    ailib_cost c;
    ASSERT_EQ(ailib_cost_of("anthropic", "claude-haiku-5-5", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_TRUE((c.flags & AILIB_COST_LONG_CONTEXT) != 0);
    EXPECT_USD(c.input, 10000e-6);
    EXPECT_USD(c.cached_input, 5000e-6);
    EXPECT_USD(c.cache_write, 22500e-6);
    EXPECT_USD(c.output, 2500e-6);
    EXPECT_USD(c.total, 0.04);
    /* 100000 input is not over the threshold: 10000 x 0.10 + 60000 x 0.01 + 20000 x 0.125 +
       10000 x 0.20 + 1000 x 0.50 = 1000 + 600 + 2500 + 2000 + 500 = 6600 */
    u = usage_of(100000, 1000, 60000, 30000, 10000, 0);
    ASSERT_EQ(ailib_cost_of("anthropic", "claude-haiku-5-5", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_EQ(c.flags & AILIB_COST_LONG_CONTEXT, 0);
    EXPECT_USD(c.total, 6600e-6);
    /* OpenAI gpt-6-sol over 272K: input and cache x2, output x1.5 (4.00 / 0.40 / 15.00):
       300000 input (100000 cached), 1000 output: 800000 + 40000 + 15000 = 855000 */
    u = usage_of(300000, 1000, 100000, 0, 0, 0);
    ASSERT_EQ(ailib_cost_of("openai", "gpt-6-sol", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_USD(c.total, 0.855);
    /* gpt-6.2-astra over 272K: the cache write doubles too (10.00 -> 20.00): 300000 input
       (100000 cached, 50000 written), 1000 output: 150000 x 16 + 100000 x 0.80 + 50000 x 20
       + 1000 x 60 = 2400000 + 80000 + 1000000 + 60000 = 3540000 */
    u = usage_of(300000, 1000, 100000, 50000, 0, 0);
    ASSERT_EQ(ailib_cost_of("openai", "gpt-6.2-astra", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_TRUE((c.flags & AILIB_COST_LONG_CONTEXT) != 0);
    EXPECT_USD(c.cache_write, 1.0);
    EXPECT_USD(c.total, 3.54);
    /* MiniMax-M3 over 512K bills the whole request 2x (0.60 / 0.12 / 2.40 -> 1.20 / 0.24 /
       4.80): 600000 input (200000 cached), 2000 output: 400000 x 1.20 + 200000 x 0.24 +
       2000 x 4.80 = 480000 + 48000 + 9600 = 537600; at 500000 input the standard rate:
       300000 x 0.60 + 200000 x 0.12 + 2000 x 2.40 = 180000 + 24000 + 4800 = 208800 */
    u = usage_of(600000, 2000, 200000, 0, 0, 0);
    ASSERT_EQ(ailib_cost_of("minimax", "MiniMax-M3", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_USD(c.total, 0.5376);
    u = usage_of(500000, 2000, 200000, 0, 0, 0);
    ASSERT_EQ(ailib_cost_of("minimax", "MiniMax-M3", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_USD(c.total, 0.2088);
}

TEST(cost_unknown_free_and_approximated) {
    ailib_usage u = usage_of(1000, 100, 400, 0, 0, 0);
    ailib_cost c;
    char k1[64], k2[64];
    const char *a = getenv("COST_INPUT_PER_1K"), *b = getenv("COST_OUTPUT_PER_1K");
    snprintf(k1, sizeof k1, "%s", a ? a : ""); snprintf(k2, sizeof k2, "%s", b ? b : "");
    unsetenv("COST_INPUT_PER_1K"); unsetenv("COST_OUTPUT_PER_1K");
    /* a catalog row with no price (databricks' default model: its price is not published), and a
       model the catalog does not know */
    EXPECT_EQ(ailib_cost_of("databricks", "databricks-gpt-oss-120b", &u, AILIB_PRICE_STANDARD, &c), AILIB_NOT_FOUND);
    EXPECT_EQ(c.known, 0);
    EXPECT_TRUE((c.flags & AILIB_COST_NO_PRICE) != 0);
    EXPECT_EQ(ailib_cost_of("openai", "gpt-unreleased", &u, AILIB_PRICE_STANDARD, &c), AILIB_NOT_FOUND);
    EXPECT_EQ(c.known, 0);
    /* free: a free row, and a local server */
    EXPECT_EQ(ailib_cost_of("zai", "glm-4.7-flash", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_EQ(c.known, 1);
    EXPECT_TRUE((c.flags & AILIB_COST_FREE) != 0);
    EXPECT_USD(c.total, 0);
    EXPECT_EQ(ailib_cost_of("vllm", "Qwen/Qwen3-8B", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_TRUE((c.flags & AILIB_COST_FREE) != 0);
    /* no usage reported: unknown, not 0 */
    memset(&u, 0, sizeof u);
    EXPECT_EQ(ailib_cost_of("openai", "gpt-4o-mini", &u, AILIB_PRICE_STANDARD, &c), AILIB_NOT_FOUND);
    EXPECT_TRUE((c.flags & AILIB_COST_NO_USAGE) != 0);
    /* gemini-3.1-pro-preview has no cached price: reads priced as input (2.00), flagged:
       1000 x 2.00 + 100 x 12.00 = 3200 */
    u = usage_of(1000, 100, 400, 0, 0, 0);
    EXPECT_EQ(ailib_cost_of("gemini", "gemini-3.1-pro-preview", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_TRUE((c.flags & AILIB_COST_APPROX) != 0);
    EXPECT_USD(c.total, 3200e-6);
    /* the defaults (USD per 1000 tokens) price only what nothing else prices: 1000 x 1.00 +
       100 x 3.00 per million... COST_INPUT_PER_1K=0.001 is 1.00 per million */
    setenv("COST_INPUT_PER_1K", "0.001", 1);
    setenv("COST_OUTPUT_PER_1K", "0.003", 1);
    EXPECT_EQ(ailib_cost_of("openai", "gpt-unreleased", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_TRUE((c.flags & AILIB_COST_DEFAULT) != 0);
    EXPECT_USD(c.total, 1000e-6 + 300e-6);
    EXPECT_EQ(ailib_cost_of("openai", "gpt-4o-mini", &u, AILIB_PRICE_STANDARD, &c), AILIB_OK);
    EXPECT_EQ(c.flags & AILIB_COST_DEFAULT, 0);      /* 600 x 0.15 + 400 x 0.075 + 100 x 0.60 = 180 */
    EXPECT_USD(c.total, 180e-6);
    if (k1[0]) setenv("COST_INPUT_PER_1K", k1, 1); else unsetenv("COST_INPUT_PER_1K");
    if (k2[0]) setenv("COST_OUTPUT_PER_1K", k2, 1); else unsetenv("COST_OUTPUT_PER_1K");
}

/* --- clients: overrides, the environment, every response priced -------------------------------------- */

static const char *suffix_for(const char *provider) {
    if (!strcmp(provider, "gemini")) return "/v1beta";
    if (!strcmp(provider, "cohere")) return "/v2";
    if (!strcmp(provider, "ollama")) return "";
    return "/v1";
}

static ailib_client *mock_client(const char *model, const char *spec, const char *key) {
    const mock_server *m = replay_need_mock();
    char base[4096], prov[64];
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    const char *slash = strchr(model, '/');
    if (!m) return NULL;
    snprintf(prov, sizeof prov, "%.*s", (int)(slash - model), model);
    mock_url(m, spec, suffix_for(prov), base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = model;
    d.base_url = base;
    d.api_key = key ? key : "test-key-123";
    c = ailib_client_create(&d, &err);
    if (!c) ailib_test_fail(__FILE__, __LINE__, "client_create(%s): %s", model, err.message);
    return c;
}

static ailib_request one(ailib_message *msg, const char *text, int64_t max_tokens) {
    ailib_request req = replay_one_message(msg, text);
    req.max_tokens = max_tokens;
    return req;
}

/* Every protocol through the engine: the response's cost is its usage at the catalog price. */
TEST(cost_every_response_of_a_client) {
    static const char *models[] = { "openai/gpt-4o-mini", "anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash",
                                    "cohere/command-a-03-2025", "ollama/llama3.2" };
    size_t i;
    int stream;
    for (i = 0; i < sizeof models / sizeof models[0]; i++) {
        ailib_client *c = mock_client(models[i], NULL, NULL);
        ASSERT_TRUE(c != NULL);
        for (stream = 0; stream < 2; stream++) {
            ailib_message msg;
            ailib_request req = one(&msg, "price me", 0);
            ailib_response *r = NULL;
            ailib_error err;
            ailib_cost c1, c2;
            ailib_price p;
            const ailib_usage *u;
            EXPECT_EQ(stream ? ailib_chat_stream(c, &req, NULL, NULL, &r, &err) : ailib_chat(c, &req, &r, &err), AILIB_OK);
            ASSERT_TRUE(r != NULL);
            u = ailib_response_usage(r);
            EXPECT_EQ(ailib_response_cost(r, &c1), AILIB_OK);
            EXPECT_EQ(ailib_client_price(c, NULL, &p), AILIB_OK);
            if (strstr(models[i], "ollama")) EXPECT_TRUE((c1.flags & AILIB_COST_FREE) != 0);
            else if (u->reported & AILIB_USAGE_BILLED)
                EXPECT_USD(c1.total, ((double)u->billed_input_tokens * p.input + (double)u->billed_output_tokens * p.output) / 1e6);
            else EXPECT_USD(c1.total, ((double)u->input_tokens * p.input + (double)u->output_tokens * p.output) / 1e6);
            EXPECT_EQ(ailib_client_usage_cost(c, NULL, u, &c2), AILIB_OK);
            EXPECT_USD(c2.total, c1.total);
            ailib_response_destroy(r);
        }
        ailib_client_destroy(c);
    }
}

/* A cached Anthropic reply through the engine (the body served as recorded): priced as above. */
TEST(cost_engine_cached_reply_and_override) {
    char spec[3000], *p;
    size_t len = 0, i, o;
    char *body = ailib_test_read_file("tests/fixtures/anthropic/messages-cache-5m-1h.json", &len);
    ailib_client *c;
    ailib_message msg;
    ailib_request req = one(&msg, "renewal?", 0);
    ailib_response *r = NULL;
    ailib_error err;
    ailib_cost cost;
    ailib_price pr;
    ASSERT_TRUE(body != NULL);
    /* body=<percent-encoded JSON> */
    o = (size_t)snprintf(spec, sizeof spec, "body=");
    for (p = body, i = 0; i < len && o + 4 < sizeof spec; i++, p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '\n' || ch == ' ') continue;
        if (ch == ',' || ch == '/' || ch == '%' || ch == '?' || ch == '#' || ch == '"' || ch == '\'' || ch == '{' || ch == '}' || ch == ':')
            o += (size_t)snprintf(spec + o, sizeof spec - o, "%%%02X", ch);
        else spec[o++] = (char)ch;
    }
    spec[o] = 0;
    free(body);
    c = mock_client("anthropic/claude-sonnet-4-5", spec, NULL);
    ASSERT_TRUE(c != NULL);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ASSERT_EQ(ailib_response_cost(r, &cost), AILIB_OK);
    EXPECT_USD(cost.total, 0.0264);
    ailib_response_destroy(r);
    /* an override on the client wins over the catalog, for the model and its snapshots:
       input 1.00, cached 0.10, write 1.25, write_1h 2.00, output 5.00:
       50 + 1000 + 1250 + 4000 + 2500 = 8800 */
    memset(&pr, 0, sizeof pr);
    pr.input = 1.00; pr.cached_input = 0.10; pr.cache_write = 1.25; pr.cache_write_1h = 2.00; pr.output = 5.00;
    EXPECT_EQ(ailib_client_set_price(c, "claude-sonnet-4-5", &pr, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ASSERT_EQ(ailib_response_cost(r, &cost), AILIB_OK);
    EXPECT_TRUE((cost.flags & AILIB_COST_OVERRIDE) != 0);
    EXPECT_USD(cost.total, 8800e-6);
    ailib_response_destroy(r);
    /* removed: the catalog again */
    EXPECT_EQ(ailib_client_set_price(c, "claude-sonnet-4-5", NULL, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ASSERT_EQ(ailib_response_cost(r, &cost), AILIB_OK);
    EXPECT_USD(cost.total, 0.0264);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

TEST(cost_environment_prices) {
    ailib_client *c;
    ailib_client_desc d;
    ailib_error err;
    ailib_usage u = usage_of(1000, 100, 0, 0, 0, 0);
    ailib_cost cost;
    char base[256];
    const mock_server *m = replay_need_mock();
    ASSERT_TRUE(m != NULL);
    mock_url(m, NULL, "/v1", base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.base_url = base;
    d.api_key = "k";
    /* per model: 1000 x 2 + 100 x 8 = 2800 */
    setenv("AILIB_PRICE_OPENAI_GPT_4O_MINI", "input=2, output=8", 1);
    c = ailib_client_create(&d, &err);
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(ailib_client_usage_cost(c, NULL, &u, &cost), AILIB_OK);
    EXPECT_TRUE((cost.flags & AILIB_COST_ENV) != 0);
    EXPECT_USD(cost.total, 2800e-6);
    ailib_client_destroy(c);
    /* malformed: the creation fails and names the variable and the item */
    setenv("AILIB_PRICE_OPENAI_GPT_4O_MINI", "inptu=2", 1);
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "AILIB_PRICE_OPENAI_GPT_4O_MINI") != NULL);
    EXPECT_TRUE(strstr(err.message, "inptu") != NULL);
    unsetenv("AILIB_PRICE_OPENAI_GPT_4O_MINI");
    /* one of the two defaults alone is an error too */
    setenv("COST_INPUT_PER_1K", "0.001", 1);
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "COST_OUTPUT_PER_1K") != NULL);
    unsetenv("COST_INPUT_PER_1K");
}

/* --- estimates ---------------------------------------------------------------------------------------- */

TEST(cost_estimate_tokens) {
    ailib_message msgs[2];
    ailib_request req;
    ailib_tool tool = { "get_weather", "Weather of a city", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}", 0, AILIB_TOOL_FUNCTION, NULL };
    memset(msgs, 0, sizeof msgs);
    memset(&req, 0, sizeof req);
    msgs[0].role = AILIB_ROLE_USER;
    msgs[0].text = "What is the weather in Paris today?";      /* 7 words + "?" = 8 */
    req.messages = msgs;
    req.message_count = 1;
    /* 3 per request + 3 per message + 8 */
    EXPECT_EQ(ailib_estimate_tokens(&req), 14);
    /* digits by threes (8 -> 3), a 20-letter word (1 + 2 for the 8 letters past 12), one per CJK character (2) */
    msgs[0].text = "12345678 internationalization \xe4\xbd\xa0\xe5\xa5\xbd";
    EXPECT_EQ(ailib_estimate_tokens(&req), 3 + 3 + 8);
    /* system "Be brief." = 3 + 3 per message; an empty message 3; the tool: get_weather 3, its
       description 4, its schema 16 ({" type ":" object "," properties ":{" city ":{" type ":"
       string "}}}: punctuation runs by threes) */
    msgs[0].text = "";
    req.system = "Be brief.";
    req.tools = &tool;
    req.tool_count = 1;
    EXPECT_EQ(ailib_estimate_tokens(&req), 3 + 6 + 3 + 3 + 4 + 16);
    EXPECT_EQ(ailib_estimate_tokens(NULL), 0);
}

/* Worst case: the estimate at the uncached price plus max_tokens at the output price. */
TEST(cost_worst_case_estimate) {
    ailib_client *c = mock_client("anthropic/claude-haiku-4-5", NULL, NULL);
    ailib_message msg;
    ailib_request req = one(&msg, "What is the weather in Paris today?", 1000);
    ailib_estimate e;
    ailib_error err;
    ASSERT_TRUE(c != NULL);
    ASSERT_EQ(ailib_client_estimate(c, &req, &e, &err), AILIB_OK);
    EXPECT_EQ(e.input_tokens, 7 + 4 + 8);                   /* Anthropic: 7 per request, 4 per message */
    EXPECT_EQ(e.output_tokens, 1000);
    EXPECT_TRUE((e.worst_case.flags & AILIB_COST_ESTIMATE) != 0);
    EXPECT_USD(e.worst_case.total, 19 * 1.00e-6 + 1000 * 5.00e-6);
    req.max_tokens = 0;                                      /* what the adapter sends: 4096 */
    ASSERT_EQ(ailib_client_estimate(c, &req, &e, &err), AILIB_OK);
    EXPECT_EQ(e.output_tokens, 4096);
    ailib_client_destroy(c);
}

/* The providers' own counts where they have an endpoint (the mock's counts are its own: body
   bytes / 4 + 1, not a provider's); others say UNSUPPORTED. */
TEST(cost_count_tokens_endpoints) {
    static const char *models[] = { "anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash" };
    size_t i;
    for (i = 0; i < 2; i++) {
        ailib_client *c = mock_client(models[i], NULL, NULL);
        ailib_message msg;
        ailib_request req = one(&msg, "count these tokens", 100);
        ailib_error err;
        int64_t n = 0;
        int status = 0;
        char *last;
        ASSERT_TRUE(c != NULL);
        ASSERT_EQ(ailib_count_tokens(c, &req, &n, &err), AILIB_OK);
        last = mock_http(replay_need_mock(), "GET", "/_mock/last_request", &status);
        ASSERT_TRUE(last != NULL);
        EXPECT_TRUE(strstr(last, i == 0 ? "/v1/messages/count_tokens" : ":countTokens") != NULL);
        EXPECT_TRUE(i == 1 || strstr(last, "max_tokens") == NULL);        /* not accepted by count_tokens */
        EXPECT_TRUE(i == 0 || strstr(last, "generateContentRequest") != NULL);
        {
            const char *bl = strstr(last, "\"body_length\":");
            if (bl) EXPECT_EQ(n, atol(bl + 14) / 4 + 1);
            else EXPECT_GT(n, 0);
        }
        free(last);
        ailib_client_destroy(c);
    }
    {
        ailib_client *c = mock_client("openai/gpt-4o-mini", NULL, NULL);
        ailib_message msg;
        ailib_request req = one(&msg, "x", 0);
        ailib_error err;
        int64_t n = 7;
        ASSERT_TRUE(c != NULL);
        EXPECT_EQ(ailib_count_tokens(c, &req, &n, &err), AILIB_UNSUPPORTED);
        EXPECT_EQ(n, 0);
        ailib_client_destroy(c);
    }
}

/* --- budgets -------------------------------------------------------------------------------------------- */

/* Output at 1000 USD per million (0.001 per token), input free: the mock answers "Hello from
   ailib-mock. You said: hi" = 6 words = 6 output tokens = 0.006 USD; max_tokens 10 makes
   each call's worst case 0.010. A budget of 0.02:
     call 1: 0 + 0.010 <= 0.02, spends 0.006;   call 2: 0.006 + 0.010 <= 0.02, spends 0.006;
     call 3: 0.012 + 0.010 = 0.022 > 0.02: refused, nothing sent. */
static void price_output_only(ailib_client *c) {
    ailib_price p;
    ailib_error err;
    memset(&p, 0, sizeof p);
    p.output = 1000;
    ailib_client_set_price(c, NULL, &p, &err);
}

TEST(cost_budget_refuses_before_sending) {
    const mock_server *m = replay_need_mock();
    ailib_client *c = mock_client("openai/gpt-4o-mini", "header=x-test:budget1", NULL);
    ailib_budget b;
    ailib_message msg;
    ailib_request req = one(&msg, "hi", 10);
    ailib_response *r = NULL;
    ailib_error err;
    ailib_ledger_entry tot;
    ailib_budget_status st;
    int i;
    ASSERT_TRUE(c != NULL && m != NULL);
    price_output_only(c);
    memset(&b, 0, sizeof b);
    b.name = "test";
    b.limit_usd = 0.02;
    ASSERT_EQ(ailib_ledger_add_budget(ailib_client_ledger(c), &b, &err), AILIB_OK);
    for (i = 0; i < 2; i++) {
        ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
        ailib_response_destroy(r);
    }
    r = NULL;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_QUOTA_EXCEEDED);
    EXPECT_TRUE(r == NULL);
    EXPECT_EQ(err.retryable, 0);
    EXPECT_TRUE(strstr(err.message, "budget 'test' (USD 0.02) would be exceeded: spent 0.012, in flight 0.00, "
                                    "this call may cost up to 0.01") != NULL);
    EXPECT_EQ(mock_count(m, "header=x-test:budget1"), 2);     /* the third never reached the server */
    ailib_ledger_total(ailib_client_ledger(c), &tot);
    EXPECT_EQ(tot.requests, 2);
    EXPECT_EQ(tot.output_tokens, 12);
    EXPECT_USD(tot.cost, 0.012);
    ASSERT_EQ(ailib_ledger_budget_status(ailib_client_ledger(c), 0, NULL, &st), AILIB_OK);
    EXPECT_USD(st.spent, 0.012);
    EXPECT_USD(st.in_flight, 0);
    ailib_client_destroy(c);
}

typedef struct warns { int n; double spent, limit; char name[64]; } warns;
static void on_warn(void *user, const ailib_budget_status *s) {
    warns *w = (warns *)user;
    w->n++;
    w->spent = s->spent;
    w->limit = s->limit;
    snprintf(w->name, sizeof w->name, "%s", s->name);
}

/* Calls under way hold their worst case: with three started before any poll, the third is
   refused on reservations alone; the warning fires once, when the spend crosses half. */
TEST(cost_budget_reservations_and_warning) {
    const mock_server *m = replay_need_mock();
    ailib_client *c = mock_client("openai/gpt-4o-mini", "header=x-test:budget2", NULL);
    ailib_budget b;
    ailib_message msg;
    ailib_request req = one(&msg, "hi", 10);
    ailib_call *calls[3];
    ailib_error err;
    warns w;
    int i;
    ASSERT_TRUE(c != NULL && m != NULL);
    price_output_only(c);
    memset(&b, 0, sizeof b);
    memset(&w, 0, sizeof w);
    b.name = "half";
    b.limit_usd = 0.025;
    b.warn_at = 0.4;            /* 0.01: crossed by the second call's 0.006 */
    b.on_warn = on_warn;
    b.user = &w;
    ASSERT_EQ(ailib_ledger_add_budget(ailib_client_ledger(c), &b, &err), AILIB_OK);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &calls[0], &err), AILIB_OK);
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &calls[1], &err), AILIB_OK);
    EXPECT_EQ(ailib_chat_start(c, &req, NULL, &calls[2], &err), AILIB_QUOTA_EXCEEDED);   /* 0 + 0.02 in flight + 0.01 */
    EXPECT_TRUE(strstr(err.message, "in flight 0.02") != NULL);
    while (!ailib_call_done(calls[0]) || !ailib_call_done(calls[1])) ailib_client_poll(c, 100);
    for (i = 0; i < 2; i++) EXPECT_EQ(ailib_call_finish(calls[i], NULL, &err), AILIB_OK);
    EXPECT_EQ(w.n, 1);
    EXPECT_USD(w.spent, 0.012);
    EXPECT_STR_EQ(w.name, "half");
    EXPECT_EQ(mock_count(m, "header=x-test:budget2"), 2);
    /* spent 0.012 now: 0.012 + 0.010 <= 0.025, one more fits; the warning does not fire again */
    ASSERT_EQ(ailib_chat_start(c, &req, NULL, &calls[0], &err), AILIB_OK);
    while (!ailib_call_done(calls[0])) ailib_client_poll(c, 100);
    EXPECT_EQ(ailib_call_finish(calls[0], NULL, &err), AILIB_OK);
    EXPECT_EQ(w.n, 1);
    ailib_client_destroy(c);
}

static int64_t fake_now;
static int64_t fake_clock(void *user) { (void)user; return fake_now; }

/* A daily budget shared by two clients with different keys, per key: each key has its own
   allowance; the next UTC day starts afresh. */
TEST(cost_budget_per_key_per_day_shared_ledger) {
    const mock_server *m = replay_need_mock();
    ailib_client *a = mock_client("openai/gpt-4o-mini", "header=x-test:budget3", "key-a-000000000001");
    ailib_client *b2 = mock_client("openai/gpt-4o-mini", "header=x-test:budget3", "key-b-000000000002");
    ailib_ledger_desc ld;
    ailib_ledger *l;
    ailib_budget b;
    ailib_message msg;
    ailib_request req = one(&msg, "hi", 10);
    ailib_response *r = NULL;
    ailib_error err;
    ailib_budget_status st;
    ailib_ledger_entry e;
    ASSERT_TRUE(a && b2 && m);
    memset(&ld, 0, sizeof ld);
    ld.clock = fake_clock;
    fake_now = 1767225600 + 3600;                        /* 2026-01-01 01:00 UTC */
    l = ailib_ledger_create(&ld, &err);
    ASSERT_TRUE(l != NULL);
    memset(&b, 0, sizeof b);
    b.name = "daily";
    b.limit_usd = 0.015;                                  /* one call's 0.006 + 0.010 worst case fits; two do not */
    b.window = AILIB_BUDGET_DAY;
    b.per_key = 1;
    ASSERT_EQ(ailib_ledger_add_budget(l, &b, &err), AILIB_OK);
    EXPECT_EQ(ailib_client_add_ledger(a, l, &err), AILIB_OK);
    EXPECT_EQ(ailib_client_add_ledger(b2, l, &err), AILIB_OK);
    ailib_ledger_destroy(l);                              /* the clients keep it alive */
    price_output_only(a);
    price_output_only(b2);
    ASSERT_EQ(ailib_chat(a, &req, &r, &err), AILIB_OK); ailib_response_destroy(r);
    EXPECT_EQ(ailib_chat(a, &req, &r, &err), AILIB_QUOTA_EXCEEDED);
    EXPECT_TRUE(strstr(err.message, "per day (UTC) for key:") != NULL);
    EXPECT_TRUE(strstr(err.message, "key-a") == NULL);    /* keys are never shown */
    ASSERT_EQ(ailib_chat(b2, &req, &r, &err), AILIB_OK); ailib_response_destroy(r);   /* the other key's own share */
    fake_now += 86400;                                    /* the next day */
    ASSERT_EQ(ailib_chat(a, &req, &r, &err), AILIB_OK); ailib_response_destroy(r);
    EXPECT_EQ(mock_count(m, "header=x-test:budget3"), 3);
    ASSERT_EQ(ailib_ledger_budget_status(l, 0, "key-a-000000000001", &st), AILIB_OK);
    EXPECT_USD(st.spent, 0.006);
    EXPECT_EQ(st.window_start, 1767225600 + 86400);
    EXPECT_EQ(st.window_end, 1767225600 + 2 * 86400);
    EXPECT_TRUE(strncmp(st.key_id, "key:", 4) == 0);
    EXPECT_EQ(ailib_ledger_count(l), 1);
    ASSERT_TRUE(ailib_ledger_entry_at(l, 0, &e));
    EXPECT_STR_EQ(e.provider, "openai");
    EXPECT_STR_EQ(e.model, "gpt-4o-mini");
    EXPECT_EQ(e.requests, 3);
    EXPECT_USD(e.cost, 0.018);
    ailib_client_destroy(a);
    ailib_client_destroy(b2);
}

/* A budget cannot be kept when the model's cost is unknown: such calls are refused. */
TEST(cost_budget_unknown_price_refused) {
    ailib_client *c = mock_client("openai/gpt-unreleased", "header=x-test:budget4", NULL);
    ailib_budget b;
    ailib_message msg;
    ailib_request req = one(&msg, "hi", 10);
    ailib_response *r = NULL;
    ailib_error err;
    ASSERT_TRUE(c != NULL);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);          /* no budget: sent, cost unknown */
    EXPECT_EQ(ailib_response_cost(r, NULL), AILIB_INVALID_ARGUMENT);
    {
        ailib_cost cost;
        EXPECT_EQ(ailib_response_cost(r, &cost), AILIB_NOT_FOUND);
        EXPECT_TRUE((cost.flags & AILIB_COST_NO_PRICE) != 0);
    }
    ailib_response_destroy(r);
    memset(&b, 0, sizeof b);
    b.limit_usd = 5;
    ASSERT_EQ(ailib_ledger_add_budget(ailib_client_ledger(c), &b, &err), AILIB_OK);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_QUOTA_EXCEEDED);
    EXPECT_TRUE(strstr(err.message, "the cost of") != NULL && strstr(err.message, "unknown") != NULL);
    EXPECT_EQ(mock_count(replay_need_mock(), "header=x-test:budget4"), 1);
    {
        ailib_ledger_entry t;
        ailib_ledger_total(ailib_client_ledger(c), &t);
        EXPECT_EQ(t.requests, 1);
        EXPECT_EQ(t.unpriced, 1);
    }
    ailib_client_destroy(c);
}

/* A batch of calls over two clients feeding one ledger: its totals are the sum of the
   responses' costs, by provider and model; failed calls are counted as such. */
TEST(cost_ledger_totals_after_a_batch) {
    ailib_client *a = mock_client("openai/gpt-4o-mini", NULL, NULL);
    ailib_client *b = mock_client("anthropic/claude-haiku-4-5", NULL, NULL);
    ailib_client *f = mock_client("openai/gpt-4o-mini", "status=500", NULL);
    ailib_ledger *l;
    ailib_error err;
    ailib_ledger_entry t, e;
    double sum = 0;
    int64_t in = 0, out = 0;
    int i;
    ASSERT_TRUE(a && b && f);
    l = ailib_ledger_create(NULL, &err);
    ASSERT_TRUE(l != NULL);
    EXPECT_EQ(ailib_client_add_ledger(a, l, &err), AILIB_OK);
    EXPECT_EQ(ailib_client_add_ledger(b, l, &err), AILIB_OK);
    EXPECT_EQ(ailib_client_add_ledger(f, l, &err), AILIB_OK);
    for (i = 0; i < 6; i++) {
        char text[32];
        ailib_message msg;
        ailib_request req;
        ailib_response *r = NULL;
        ailib_cost c;
        snprintf(text, sizeof text, "item %d of the batch", i);
        req = one(&msg, text, 0);
        ASSERT_EQ(ailib_chat(i % 2 ? b : a, &req, &r, &err), AILIB_OK);
        ASSERT_EQ(ailib_response_cost(r, &c), AILIB_OK);
        sum += c.total;
        in += ailib_response_usage(r)->input_tokens;
        out += ailib_response_usage(r)->output_tokens;
        ailib_response_destroy(r);
    }
    {
        ailib_message msg;
        ailib_request req = one(&msg, "fails", 0);
        ailib_client_desc d;
        (void)d;
        EXPECT_EQ(ailib_chat(f, &req, NULL, &err), AILIB_SERVER);
    }
    ailib_ledger_total(l, &t);
    EXPECT_EQ(t.requests, 7);
    EXPECT_EQ(t.failed, 1);
    EXPECT_EQ(t.input_tokens, in);
    EXPECT_EQ(t.output_tokens, out);
    EXPECT_USD(t.cost, sum);
    EXPECT_EQ(ailib_ledger_count(l), 2);
    ASSERT_TRUE(ailib_ledger_entry_at(l, 1, &e));
    EXPECT_STR_EQ(e.provider, "anthropic");
    EXPECT_EQ(e.requests, 3);
    ailib_ledger_total(ailib_client_ledger(a), &t);      /* the client's own ledger: its 3 calls */
    EXPECT_EQ(t.requests, 3);
    ailib_client_destroy(a);
    ailib_client_destroy(b);
    ailib_client_destroy(f);
    ailib_ledger_destroy(l);
}

/* The cost of a call while it streams, from its usage events, and the cost of the two rounds
   of a structured-output repair (both usages on the response, both calls in the ledger). */
typedef struct live { ailib_call *call; int partial, n; double last; } live;
static int on_live(void *user, const ailib_event *e) {
    live *l = (live *)user;
    ailib_cost c;
    if (e->type != AILIB_EVENT_USAGE) return 0;
    if (ailib_call_cost(l->call, &c) == AILIB_OK) { l->n++; l->last = c.total; if (c.flags & AILIB_COST_PARTIAL) l->partial++; }
    return 0;
}

TEST(cost_call_cost_while_streaming_and_repair_rounds) {
    ailib_client *c = mock_client("anthropic/claude-haiku-4-5", NULL, NULL);
    ailib_message msg;
    ailib_request req = one(&msg, "stream me", 0);
    ailib_call_desc cd;
    ailib_response *r = NULL;
    ailib_error err;
    ailib_cost cost;
    live lv;
    ASSERT_TRUE(c != NULL);
    memset(&cd, 0, sizeof cd);
    memset(&lv, 0, sizeof lv);
    cd.stream = 1;
    cd.on_event = on_live;
    cd.user = &lv;
    ASSERT_EQ(ailib_chat_start(c, &req, &cd, &lv.call, &err), AILIB_OK);
    while (!ailib_call_done(lv.call)) ailib_client_poll(c, 100);
    EXPECT_TRUE(lv.n >= 2);                              /* message_start and message_delta */
    EXPECT_EQ(lv.partial, lv.n);
    EXPECT_EQ(ailib_call_cost(lv.call, &cost), AILIB_OK);
    EXPECT_EQ(cost.flags & AILIB_COST_PARTIAL, 0);
    EXPECT_USD(cost.total, lv.last);
    EXPECT_EQ(ailib_call_finish(lv.call, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    /* two rounds of ailib_chat_json: the response's cost covers both */
    c = mock_client("openai/gpt-4o-mini", "bad_json=syntax,times=1", NULL);
    ASSERT_TRUE(c != NULL);
    {
        ailib_request q = one(&msg, "give me json", 0);
        const ailib_json *v = NULL;
        ailib_ledger_entry t;
        q.response_format.type = AILIB_FORMAT_JSON;
        ASSERT_EQ(ailib_chat_json(c, &q, &r, &v, &err), AILIB_OK);
        ASSERT_EQ(ailib_response_cost(r, &cost), AILIB_OK);
        ailib_ledger_total(ailib_client_ledger(c), &t);
        EXPECT_EQ(t.requests, 2);
        EXPECT_USD(cost.total, t.cost);
        EXPECT_USD(cost.total, ((double)ailib_response_usage(r)->input_tokens * 0.15 + (double)ailib_response_usage(r)->output_tokens * 0.60) / 1e6);
        ailib_response_destroy(r);
    }
    ailib_client_destroy(c);
}

/* A request that names another provider than the client's is still refused when the only
   features are observers (cost, metrics): nothing would send it elsewhere. */
TEST(cost_feature_keeps_provider_mismatch_refused) {
    ailib_client *c = mock_client("openai/gpt-4o-mini", NULL, NULL);
    ailib_message msg;
    ailib_request req = one(&msg, "hi", 0);
    ailib_call *call = NULL;
    ailib_error err;
    ASSERT_TRUE(c != NULL);
    req.model = "anthropic/claude-haiku-4-5";
    EXPECT_EQ(ailib_chat_start(c, &req, NULL, &call, &err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "create a client for that provider") != NULL);
    ailib_client_destroy(c);
}

#else /* AILIB_ENABLE_COST */

/* The same names, skipped, so that the test registry links in builds without the feature. */
#define COST_TESTS(X) X(cost_anthropic_cache_write_durations_normalized) X(cost_bedrock_cache_details_normalized) \
    X(cost_anthropic_cache_reads_and_both_write_durations) X(cost_anthropic_streamed_usage_in_pieces) \
    X(cost_anthropic_message_delta_restating_input) X(cost_openai_cached_and_reasoning) \
    X(cost_xai_recorded_matches_the_providers_own_cost) X(cost_deepseek_recorded_cache_hits) \
    X(cost_azure_recorded_reasoning_counted_once) X(cost_responses_recorded) X(cost_gemini_thoughts_recorded) \
    X(cost_vertex_thoughts_recorded) X(cost_cohere_billed_units_recorded) X(cost_bedrock_recorded_with_given_prices) \
    X(cost_long_context_tier) X(cost_unknown_free_and_approximated) X(cost_every_response_of_a_client) \
    X(cost_engine_cached_reply_and_override) X(cost_environment_prices) X(cost_estimate_tokens) X(cost_worst_case_estimate) \
    X(cost_count_tokens_endpoints) X(cost_budget_refuses_before_sending) X(cost_budget_reservations_and_warning) \
    X(cost_budget_per_key_per_day_shared_ledger) X(cost_budget_unknown_price_refused) X(cost_ledger_totals_after_a_batch) \
    X(cost_call_cost_while_streaming_and_repair_rounds) X(cost_feature_keeps_provider_mismatch_refused)
#define COST_SKIP(name) TEST(name) { TEST_SKIP("built with AILIB_ENABLE_COST=0"); }
COST_TESTS(COST_SKIP)

#endif /* AILIB_ENABLE_COST */

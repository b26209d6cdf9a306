/* test_catalog.c - the catalog: the December 2026 corrections, every provider's wire request
   (URL, auth header, body) as a client really sends it, the dialect quirks added for them, and
   the run-time catalog (ailib_catalog_load, $AILIB_CATALOG): its format, its errors, replacement
   precedence and the round trip with `ailib models --json`. */
#include "test.h"
#include "replay.h"
#include <stdlib.h>
#include <ctype.h>
#include <unistd.h>

/* --- a transport that records the first request and fails it, so nothing leaves the machine ----- */

typedef struct capture {
    char url[512];
    char auth_name[64], auth_value[256];   /* the first of Authorization / api-key / x-goog-api-key / x-api-key */
    char body[4096];
    int seen;
} capture;

static void *cap_create(void *user, const ailib_transport_config *cfg, ailib_error *err) {
    (void)cfg; (void)err;
    return user;
}
static void cap_destroy(void *t) { (void)t; }
static ailib_result cap_start(void *t, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx,
                              void **handle, ailib_error *err) {
    capture *c = (capture *)t;
    size_t i;
    (void)cb; (void)ctx; (void)handle;
    if (!c->seen) {
        c->seen = 1;
        snprintf(c->url, sizeof c->url, "%s", req->url);
        snprintf(c->body, sizeof c->body, "%.*s", (int)req->body_len, req->body ? req->body : "");
        for (i = 0; i < req->header_count; i++) {
            const char *n = req->headers[i].name;
            if (!c->auth_name[0] && (!strcmp(n, "Authorization") || !strcmp(n, "api-key") || !strcmp(n, "x-goog-api-key") ||
                                     !strcmp(n, "x-api-key"))) {
                snprintf(c->auth_name, sizeof c->auth_name, "%s", n);
                snprintf(c->auth_value, sizeof c->auth_value, "%s", req->headers[i].value);
            }
        }
    }
    if (err) { err->code = AILIB_NETWORK; snprintf(err->message, sizeof err->message, "captured, not sent"); }
    return AILIB_NETWORK;
}
static ailib_result cap_poll(void *t, int timeout_ms) { (void)t; (void)timeout_ms; return AILIB_OK; }
static void cap_cancel(void *t, void *h) { (void)t; (void)h; }
static void cap_wakeup(void *t) { (void)t; }
static void cap_release(void *t, void *h) { (void)t; (void)h; }

/* Creates a client for model (with desc overrides from d), makes one chat call through the
   capturing transport and returns 1 when a request was captured. */
static int capture_chat(const char *model, const char *api_key, capture *cap, ailib_error *err) {
    ailib_transport tp = { cap_create, cap_destroy, cap_start, cap_poll, cap_cancel, cap_wakeup, cap_release, NULL };
    ailib_client_desc d;
    ailib_client *c;
    ailib_message msg;
    ailib_request req = replay_one_message(&msg, "hi");
    ailib_response *r = NULL;
    memset(cap, 0, sizeof *cap);
    tp.user = cap;
    memset(&d, 0, sizeof d);
    d.model = model;
    d.api_key = api_key;
    d.transport = &tp;
    d.max_retries = -1;
    if (!(c = ailib_client_create(&d, err))) return 0;
    (void)ailib_chat(c, &req, &r, err);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    return cap->seen;
}

/* The "model" member of a captured JSON body. */
static int body_model_is(const capture *cap, const char *want) {
    ailib_json_doc *doc = NULL;
    int ok;
    if (ailib_json_parse(cap->body, strlen(cap->body), NULL, &doc, NULL) != AILIB_OK) return 0;
    ok = ailib_test_str_eq(ailib_json_str(ailib_json_get(ailib_json_doc_root(doc), "model"), NULL), want);
    ailib_json_doc_destroy(doc);
    return ok;
}

/* setenv/unsetenv around a test, restoring what was there */
typedef struct saved_env { const char *name; char value[512]; int had; } saved_env;
static void env_set(saved_env *s, const char *name, const char *value) {
    const char *v = getenv(name);
    s->name = name;
    s->had = v != NULL;
    snprintf(s->value, sizeof s->value, "%s", v ? v : "");
    if (value) setenv(name, value, 1);
    else unsetenv(name);
}
static void env_restore(saved_env *s) {
    if (s->had) setenv(s->name, s->value, 1);
    else unsetenv(s->name);
}

/* --- the catalog's shape -------------------------------------------------------------------------- */

TEST(catalog_has_65_providers_each_with_a_default_model_row) {
    size_t i, j, n = ailib_provider_count();
    EXPECT_GE(n, 65);
    for (i = 0; i < n; i++) {
        const ailib_provider_info *p = ailib_provider_at(i);
        const ailib_model_info *m;
        const char *s;
        ASSERT_TRUE(p->default_model != NULL);
        m = ailib_model_find(p->name, p->default_model);
        if (!m || strcmp(m->name, p->default_model) != 0)
            ailib_test_fail(__FILE__, __LINE__, "%s: default model %s has no row of its own", p->name, p->default_model);
        for (s = p->name; *s; s++) EXPECT_TRUE(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-');
        EXPECT_NE(p->base_url[strlen(p->base_url) - 1], '/');
        for (j = i + 1; j < n; j++) EXPECT_TRUE(strcmp(p->name, ailib_provider_at(j)->name) != 0);
    }
    for (i = 0; i < ailib_model_count(); i++) {
        const ailib_model_info *m = ailib_model_at(i);
        if (!ailib_provider_find(m->provider)) ailib_test_fail(__FILE__, __LINE__, "model row %s/%s names no provider", m->provider, m->name);
        EXPECT_TRUE(m->price_date && strlen(m->price_date) == 10);
    }
}

/* --- item 8: the corrections ---------------------------------------------------------------------- */

TEST(catalog_corrected_model_rows) {
    const ailib_model_info *m;
    ASSERT_TRUE((m = ailib_model_find("gemini", "gemini-3.6-flash")) != NULL);    /* introductory rate to 2026-12-31 */
    EXPECT_DBL_EQ(m->price_input, 0.75);
    EXPECT_DBL_EQ(m->price_cached_input, 0.075);
    EXPECT_DBL_EQ(m->price_output, 3.75);
    ASSERT_TRUE((m = ailib_model_find("gemini", "gemini-2.5-flash")) != NULL);    /* now billed as 3.5 Flash-Lite */
    EXPECT_DBL_EQ(m->price_input, 0.30);
    EXPECT_DBL_EQ(m->price_cached_input, 0.03);
    EXPECT_DBL_EQ(m->price_output, 2.50);
    ASSERT_TRUE((m = ailib_model_find("openai", "gpt-6.2-astra")) != NULL);
    EXPECT_DBL_EQ(m->price_cached_input, 0.40);
    EXPECT_DBL_EQ(m->price_cache_write, 10.00);
    ASSERT_TRUE((m = ailib_model_find("kimi", "kimi-k3")) != NULL);
    EXPECT_EQ(m->max_output, 1048576);
    ASSERT_TRUE((m = ailib_model_find("kimi", "kimi-k2.7-code")) != NULL);
    EXPECT_TRUE(m->caps & AILIB_CAP_VISION);
    EXPECT_EQ(m->max_output, 262144);
    ASSERT_TRUE((m = ailib_model_find("kimi", "kimi-k3.1-pro")) != NULL);
    EXPECT_DBL_EQ(m->price_input, 2.00);
    EXPECT_DBL_EQ(m->price_cached_input, 0.20);
    EXPECT_DBL_EQ(m->price_cache_write, 2.00);
    EXPECT_DBL_EQ(m->price_output, 10.00);
    ASSERT_TRUE((m = ailib_model_find("xai", "grok-4.7")) != NULL);
    EXPECT_DBL_EQ(m->price_cached_input, 0.50);
    ASSERT_TRUE((m = ailib_model_find("minimax", "MiniMax-M3")) != NULL);  /* max output unpublished; promo over */
    EXPECT_EQ(m->max_output, 0);
    EXPECT_DBL_EQ(m->price_input, 0.60);
    EXPECT_DBL_EQ(m->price_output, 2.40);
}

TEST(catalog_azure_endpoint_as_the_portal_shows_it) {
    /* the portal's endpoint ends in a slash; a bare host gets https:// */
    static const char *const endpoints[] = { "https://myres.openai.azure.com/", "myres.openai.azure.com", "https://myres.openai.azure.com" };
    saved_env s;
    capture cap;
    ailib_error err;
    size_t i;
    for (i = 0; i < 3; i++) {
        env_set(&s, "AZURE_OPENAI_ENDPOINT", endpoints[i]);
        ASSERT_TRUE(capture_chat("azure/gpt-6-luna", "az-key-1", &cap, &err));
        env_restore(&s);
        EXPECT_STR_EQ(cap.url, "https://myres.openai.azure.com/openai/v1/chat/completions");
        EXPECT_STR_EQ(cap.auth_name, "api-key");
        EXPECT_STR_EQ(cap.auth_value, "az-key-1");
        EXPECT_TRUE(body_model_is(&cap, "gpt-6-luna"));
    }
}

TEST(catalog_gemini_key_order_follows_the_sdk) {
    saved_env g1, g2;
    capture cap;
    ailib_error err;
    env_set(&g1, "GEMINI_API_KEY", "gemini-key");
    env_set(&g2, "GOOGLE_API_KEY", "google-key");
    EXPECT_TRUE(capture_chat("gemini/gemini-3.5-flash-lite", NULL, &cap, &err));
    EXPECT_STR_EQ(cap.auth_name, "x-goog-api-key");
    EXPECT_STR_EQ(cap.auth_value, "google-key");              /* both set: GOOGLE_API_KEY, like google-genai */
    unsetenv("GOOGLE_API_KEY");
    EXPECT_TRUE(capture_chat("gemini/gemini-3.5-flash-lite", NULL, &cap, &err));
    EXPECT_STR_EQ(cap.auth_value, "gemini-key");
    env_restore(&g2);
    env_restore(&g1);
}

TEST(catalog_perplexity_moved_to_the_agent_api) {
    capture cap;
    ailib_error err;
    saved_env s;
    env_set(&s, "PERPLEXITY_BASE_URL", NULL);
    ASSERT_TRUE(capture_chat("perplexity", "pplx-1", &cap, &err));         /* the default model */
    EXPECT_STR_EQ(cap.url, "https://api.perplexity.ai/v1/responses");
    EXPECT_STR_EQ(cap.auth_value, "Bearer pplx-1");
    EXPECT_TRUE(body_model_is(&cap, "perplexity/sonar"));                  /* its own models keep the owner */
    EXPECT_TRUE(strstr(cap.body, "\"input\"") != NULL);
    ASSERT_TRUE(capture_chat("perplexity/perplexity/sonar", "pplx-1", &cap, &err));
    EXPECT_TRUE(body_model_is(&cap, "perplexity/sonar"));
    ASSERT_TRUE(capture_chat("perplexity/openai/gpt-6-luna", "pplx-1", &cap, &err));
    EXPECT_TRUE(body_model_is(&cap, "openai/gpt-6-luna"));                 /* a third-party model */
    env_restore(&s);
}

/* --- the Kimi dialect -------------------------------------------------------------------------------- */

static ailib_result kimi_build(const char *model, ailib_request *q, replay_body *b, ailib_error *err) {
    q->model = model;
    return replay_build("kimi", "k-1", q, 0, b, err);
}

TEST(catalog_kimi_fixed_sampling_is_left_out_on_reasoning_models) {
    ailib_message msg;
    ailib_request q = replay_one_message(&msg, "hi");
    replay_body b;
    ailib_error err;
    q.temperature = ailib_set(0.2);
    q.top_p = ailib_set(0.5);
    q.presence_penalty = ailib_set(0.1);
    q.frequency_penalty = ailib_set(0.1);
    q.max_tokens = 50;
    ASSERT_EQ(kimi_build("kimi-k3", &q, &b, &err), AILIB_OK);
    EXPECT_TRUE(ailib_json_get(b.root, "temperature") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "top_p") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "presence_penalty") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "frequency_penalty") == NULL);
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "max_tokens")), 50);
    replay_body_free(&b);
    ASSERT_EQ(kimi_build("moonshot-v1-8k", &q, &b, &err), AILIB_OK);      /* not a reasoning model: kept */
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(b.root, "temperature")), 0.2);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(b.root, "top_p")), 0.5);
    replay_body_free(&b);
    ASSERT_EQ(replay_build("deepseek", "k", &q, 0, &b, &err), AILIB_OK);   /* other dialects: untouched */
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(b.root, "temperature")), 0.2);
    replay_body_free(&b);
}

TEST(catalog_kimi_forced_tool_choice_while_thinking_is_refused) {
    ailib_message msg;
    ailib_request q = replay_one_message(&msg, "hi");
    ailib_tool tool = ailib_tool_make("lookup", "Looks up", NULL);
    replay_body b;
    ailib_error err;
    q.tools = &tool;
    q.tool_count = 1;
    q.tool_choice.mode = AILIB_TOOL_CHOICE_REQUIRED;
    EXPECT_EQ(kimi_build("kimi-k2.6", &q, &b, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "forced tool_choice") != NULL);
    EXPECT_TRUE(strstr(err.message, "tool_choice auto") != NULL);
    replay_body_free(&b);
    q.tool_choice.mode = AILIB_TOOL_CHOICE_NAMED;
    q.tool_choice.name = "lookup";
    EXPECT_EQ(kimi_build("kimi-k3", &q, &b, &err), AILIB_UNSUPPORTED);
    replay_body_free(&b);
    q.reasoning.effort = AILIB_EFFORT_NONE;                              /* thinking off: allowed, sent */
    ASSERT_EQ(kimi_build("kimi-k2.6", &q, &b, &err), AILIB_OK);
    EXPECT_TRUE(ailib_json_is_object(ailib_json_get(b.root, "tool_choice")));
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(b.root, "thinking", "type", NULL), NULL), "disabled");
    replay_body_free(&b);
    q.reasoning.effort = AILIB_EFFORT_DEFAULT;
    q.tool_choice.mode = AILIB_TOOL_CHOICE_AUTO;                         /* auto: fine */
    ASSERT_EQ(kimi_build("kimi-k3", &q, &b, &err), AILIB_OK);
    replay_body_free(&b);
}

TEST(catalog_kimi_k3_takes_reasoning_effort) {
    ailib_message msg;
    ailib_request q = replay_one_message(&msg, "hi");
    replay_body b;
    ailib_error err;
    q.reasoning.effort = AILIB_EFFORT_HIGH;
    ASSERT_EQ(kimi_build("kimi-k3", &q, &b, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(b.root, "reasoning_effort"), NULL), "high");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(b.root, "thinking", "type", NULL), NULL), "enabled");
    replay_body_free(&b);
}

/* --- item 9: every new provider's request, as a client sends it ---------------------------------------- */

TEST(catalog_new_providers_wire_requests) {
    static const struct {
        const char *model, *env, *env_value, *url, *auth_name, *auth_value, *body_model;
    } cases[] = {
        { "vertex", NULL, NULL, "https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-3.6-flash:generateContent",
          "x-goog-api-key", "key-1", NULL },
        { "vertex-openai", "GOOGLE_CLOUD_PROJECT", "proj-7",
          "https://aiplatform.googleapis.com/v1/projects/proj-7/locations/global/endpoints/openapi/chat/completions",
          "Authorization", "Bearer key-1", "google/gemini-3.6-flash" },
        { "azure-foundry", "AZURE_INFERENCE_ENDPOINT", "https://res.services.ai.azure.com/",
          "https://res.services.ai.azure.com/openai/v1/chat/completions", "api-key", "key-1", "DeepSeek-R1-0528" },
        { "baseten", NULL, NULL, "https://inference.baseten.co/v1/chat/completions", "Authorization", "Bearer key-1", "openai/gpt-oss-120b" },
        { "databricks", "DATABRICKS_HOST", "https://adb-1.azuredatabricks.net",
          "https://adb-1.azuredatabricks.net/serving-endpoints/chat/completions", "Authorization", "Bearer key-1", "databricks-gpt-oss-120b" },
        { "byteplus", NULL, NULL, "https://ark.ap-southeast.bytepluses.com/api/v3/chat/completions", "Authorization", "Bearer key-1",
          "seed-2-0-lite-260428" },
        { "friendli", NULL, NULL, "https://api.friendli.ai/serverless/v1/chat/completions", "Authorization", "Bearer key-1",
          "meta-llama-3.1-8b-instruct" },
        { "hyperbolic", NULL, NULL, "https://api.hyperbolic.xyz/v1/chat/completions", "Authorization", "Bearer key-1", "Qwen/Qwen2.5-72B-Instruct" },
        { "nscale", NULL, NULL, "https://inference.api.nscale.com/v1/chat/completions", "Authorization", "Bearer key-1",
          "meta-llama/Llama-4-Scout-17B-16E-Instruct" },
        { "featherless", NULL, NULL, "https://api.featherless.ai/v1/chat/completions", "Authorization", "Bearer key-1", "Qwen/Qwen2.5-7B-Instruct" },
        { "parasail", NULL, NULL, "https://api.parasail.io/v1/chat/completions", "Authorization", "Bearer key-1", "parasail-llama-33-70b-fp8" },
        { "chutes", NULL, NULL, "https://llm.chutes.ai/v1/chat/completions", "Authorization", "Bearer key-1", "Qwen/Qwen3-32B-TEE" },
        { "scaleway", NULL, NULL, "https://api.scaleway.ai/v1/chat/completions", "Authorization", "Bearer key-1",
          "mistral-small-3.2-24b-instruct-2506" },
        { "ovhcloud", NULL, NULL, "https://oai.endpoints.kepler.ai.cloud.ovh.net/v1/chat/completions", "Authorization", "Bearer key-1", "gpt-oss-120b" },
        { "venice", NULL, NULL, "https://api.venice.ai/api/v1/chat/completions", "Authorization", "Bearer key-1", "gemini-3-6-flash" },
        { "inception", NULL, NULL, "https://api.inceptionlabs.ai/v1/chat/completions", "Authorization", "Bearer key-1", "mercury-3" },
        { "modelscope", NULL, NULL, "https://api-inference.modelscope.cn/v1/chat/completions", "Authorization", "Bearer key-1", "Qwen/Qwen3-32B" },
        { "xiaomi", NULL, NULL, "https://api.xiaomimimo.com/v1/chat/completions", "Authorization", "Bearer key-1", "mimo-v2-flash" },
        { "sarvam", NULL, NULL, "https://api.sarvam.ai/v1/chat/completions", "Authorization", "Bearer key-1", "sarvam-105b" },
        { "ai21", NULL, NULL, "https://api.ai21.com/studio/v1/chat/completions", "Authorization", "Bearer key-1", "jamba-mini" },
        { "litellm", NULL, NULL, "http://localhost:4000/v1/chat/completions", "Authorization", "Bearer key-1", "gpt-4o-mini" },
        { "cloudflare-gateway", "CLOUDFLARE_GATEWAY_ID", "gw-2",
          "https://gateway.ai.cloudflare.com/v1/acct-1/gw-2/compat/chat/completions", "Authorization", "Bearer key-1", "openai/gpt-6-luna" },
        { "requesty", NULL, NULL, "https://router.requesty.ai/v1/chat/completions", "Authorization", "Bearer key-1", "openai/gpt-4o-mini" },
        { "helicone", NULL, NULL, "https://ai-gateway.helicone.ai/v1/chat/completions", "Authorization", "Bearer key-1", "gpt-4o-mini" },
        { "docker", NULL, NULL, "http://localhost:12434/engines/v1/chat/completions", "Authorization", "Bearer key-1", "ai/smollm2" },
        { "llamafile", NULL, NULL, "http://localhost:8080/v1/chat/completions", "Authorization", "Bearer key-1", "LLaMA_CPP" },
        { "xinference", NULL, NULL, "http://localhost:9997/v1/chat/completions", "Authorization", "Bearer key-1", "qwen2.5-instruct" },
    };
    saved_env acct, extra;
    size_t i;
    env_set(&acct, "CLOUDFLARE_ACCOUNT_ID", "acct-1");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        capture cap;
        ailib_error err;
        const ailib_provider_info *p = ailib_provider_find(cases[i].model);
        char base_env[64];
        saved_env base;
        ASSERT_TRUE(p != NULL);
        snprintf(base_env, sizeof base_env, "%s", p->base_url_env ? p->base_url_env : "AILIB_TEST_UNUSED");
        env_set(&base, base_env, NULL);                     /* a developer's override must not leak in */
        if (cases[i].env) env_set(&extra, cases[i].env, cases[i].env_value);
        if (!capture_chat(cases[i].model, "key-1", &cap, &err))
            ailib_test_fail(__FILE__, __LINE__, "%s: no request (%s)", cases[i].model, err.message);
        if (cases[i].env) env_restore(&extra);
        env_restore(&base);
        if (strcmp(cap.url, cases[i].url) != 0)
            ailib_test_fail(__FILE__, __LINE__, "%s: url %s, want %s", cases[i].model, cap.url, cases[i].url);
        if (strcmp(cap.auth_name, cases[i].auth_name) != 0 || strcmp(cap.auth_value, cases[i].auth_value) != 0)
            ailib_test_fail(__FILE__, __LINE__, "%s: auth %s: %s", cases[i].model, cap.auth_name, cap.auth_value);
        if (cases[i].body_model && !body_model_is(&cap, cases[i].body_model))
            ailib_test_fail(__FILE__, __LINE__, "%s: body %s", cases[i].model, cap.body);
        if (!cases[i].body_model) EXPECT_TRUE(strstr(cap.body, "\"contents\"") != NULL);   /* Gemini shape */
    }
    env_restore(&acct);
}

TEST(catalog_local_servers_send_no_key_when_none_is_set) {
    capture cap;
    ailib_error err;
    saved_env b;
    env_set(&b, "DOCKER_MODEL_RUNNER_BASE_URL", NULL);
    ASSERT_TRUE(capture_chat("docker", NULL, &cap, &err));
    EXPECT_STR_EQ(cap.url, "http://localhost:12434/engines/v1/chat/completions");
    EXPECT_STR_EQ(cap.auth_name, "");
    env_restore(&b);
}

TEST(catalog_voyage_and_jina_embedding_requests) {
    const char *inputs[1] = { "a text" };
    ailib_embed_request q;
    ailib_endpoint ep;
    ailib_wire_request wr;
    ailib_json_doc *doc = NULL;
    const ailib_json *root;
    ailib_error err;
    memset(&q, 0, sizeof q);
    q.inputs = inputs;
    q.input_count = 1;
    q.dimensions = 256;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("voyage");
    ep.api_key = "v-1";
    ASSERT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &err), AILIB_OK);
    EXPECT_STR_EQ(wr.url, "https://api.voyageai.com/v1/embeddings");
    EXPECT_STR_EQ(replay_header(&wr, "Authorization"), "Bearer v-1");
    ASSERT_EQ(ailib_json_parse(wr.body, wr.body_len, NULL, &doc, NULL), AILIB_OK);
    root = ailib_json_doc_root(doc);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(root, "model"), NULL), "voyage-3.5");
    EXPECT_TRUE(ailib_json_get(root, "encoding_format") == NULL);
    EXPECT_EQ(ailib_json_int(ailib_json_get(root, "output_dimension")), 256);
    EXPECT_TRUE(ailib_json_get(root, "dimensions") == NULL);
    ailib_json_doc_destroy(doc);
    ailib_wire_request_deinit(&wr);
    ep.provider = ailib_provider_find("jina");
    ASSERT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &err), AILIB_OK);
    EXPECT_STR_EQ(wr.url, "https://api.jina.ai/v1/embeddings");
    ASSERT_EQ(ailib_json_parse(wr.body, wr.body_len, NULL, &doc, NULL), AILIB_OK);
    root = ailib_json_doc_root(doc);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(root, "model"), NULL), "jina-embeddings-v4");
    EXPECT_TRUE(ailib_json_get(root, "encoding_format") == NULL);
    EXPECT_EQ(ailib_json_int(ailib_json_get(root, "dimensions")), 256);
    ailib_json_doc_destroy(doc);
    ailib_wire_request_deinit(&wr);
    ep.provider = ailib_provider_find("openai");                         /* the plain dialect keeps it */
    q.model = "text-embedding-3-small";
    ASSERT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &err), AILIB_OK);
    EXPECT_TRUE(strstr(wr.body, "\"encoding_format\":\"float\"") != NULL);
    ailib_wire_request_deinit(&wr);
}

/* --- item 10: the run-time catalog ------------------------------------------------------------------ */

static const char *const doc_ok =
    "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"openai_chat\",\"base_url\":\"https://llm.acme.test/v1\","
    "\"auth\":\"bearer\",\"api_key_env\":\"ACME_API_KEY ACME_KEY\",\"base_url_env\":\"ACME_BASE_URL\","
    "\"default_model\":\"acme-1\",\"quirks\":[\"stream_options\",\"reasoning_effort\"]}],"
    "\"models\":[{\"provider\":\"acme\",\"id\":\"acme-1\",\"context_window\":65536,\"max_output\":8192,"
    "\"capabilities\":[\"tools\",\"reasoning\"],\"price\":{\"input\":0.5,\"cached_input\":0.05,\"cache_write\":null,"
    "\"output\":1.5,\"date\":\"2026-12-01\"}},"
    "{\"provider\":\"openai\",\"id\":\"gpt-4o-mini\",\"context_window\":128000,\"max_output\":16384,"
    "\"capabilities\":[\"tools\",\"vision\",\"json\"],\"price\":{\"input\":0.12,\"output\":0.48,\"date\":\"2026-12-02\"}},"
    "{\"provider\":\"openai\",\"id\":\"gpt-7-nova\",\"capabilities\":[],\"price\":null}]}";

TEST(catalog_load_adds_and_replaces_rows) {
    ailib_error err;
    size_t np, nm, i;
    const ailib_provider_info *p;
    const ailib_model_info *m;
    int seen = 0;
    ailib_catalog_reset();
    np = ailib_provider_count();
    nm = ailib_model_count();
    ASSERT_EQ(ailib_catalog_load(doc_ok, strlen(doc_ok), &err), AILIB_OK);
    EXPECT_EQ(ailib_provider_count(), np + 1);
    EXPECT_EQ(ailib_model_count(), nm + 2);                 /* gpt-4o-mini replaced in place */
    ASSERT_TRUE((p = ailib_provider_find("ACME")) != NULL);
    EXPECT_STR_EQ(p->base_url, "https://llm.acme.test/v1");
    EXPECT_EQ(p->protocol, AILIB_PROTOCOL_OPENAI_CHAT);
    EXPECT_EQ(p->auth, AILIB_AUTH_BEARER);
    EXPECT_STR_EQ(p->api_key_env, "ACME_API_KEY ACME_KEY");
    EXPECT_EQ(p->quirks, AILIB_Q_STREAM_OPTIONS | AILIB_Q_REASONING_EFFORT);
    ASSERT_TRUE((m = ailib_model_find("acme", "acme-1-2026")) != NULL);   /* prefix rule applies to loaded rows */
    EXPECT_STR_EQ(m->name, "acme-1");
    EXPECT_EQ(m->context_window, 65536);
    EXPECT_EQ(m->caps, AILIB_CAP_TOOLS | AILIB_CAP_REASONING);
    EXPECT_DBL_EQ(m->price_output, 1.5);
    EXPECT_DBL_EQ(m->price_cache_write, 0);
    EXPECT_STR_EQ(m->price_date, "2026-12-01");
    ASSERT_TRUE((m = ailib_model_find("openai", "gpt-4o-mini")) != NULL);  /* the replacement wins */
    EXPECT_DBL_EQ(m->price_input, 0.12);
    EXPECT_DBL_EQ(m->price_cached_input, 0);
    ASSERT_TRUE((m = ailib_model_find("openai", "gpt-7-nova")) != NULL);
    EXPECT_TRUE(m->price_date == NULL);
    for (i = 0; i < ailib_model_count(); i++)                              /* iteration sees one gpt-4o-mini */
        seen += !strcmp(ailib_model_at(i)->provider, "openai") && !strcmp(ailib_model_at(i)->name, "gpt-4o-mini");
    EXPECT_EQ(seen, 1);
    ailib_catalog_reset();
    EXPECT_TRUE(ailib_provider_find("acme") == NULL);
    EXPECT_DBL_EQ(ailib_model_find("openai", "gpt-4o-mini")->price_input, 0.15);
    EXPECT_EQ(ailib_provider_count(), np);
}

TEST(catalog_loaded_provider_drives_a_client) {
    static const char *const doc =
        "{\"providers\":[{\"name\":\"openai\",\"protocol\":\"openai_chat\",\"base_url\":\"https://proxy.example.test/openai/v1\","
        "\"api_key_env\":\"OPENAI_API_KEY\",\"default_model\":\"gpt-4o-mini\"},"
        "{\"name\":\"acme\",\"protocol\":\"anthropic\",\"base_url\":\"https://acme.test/v1\",\"auth\":\"x_api_key\","
        "\"default_model\":\"acme-claude\"}]}";
    capture cap;
    ailib_error err;
    saved_env s;
    const ailib_provider_info *old = ailib_provider_find("openai");
    ailib_catalog_reset();
    env_set(&s, "OPENAI_BASE_URL", NULL);
    ASSERT_EQ(ailib_catalog_load(doc, strlen(doc), &err), AILIB_OK);
    ASSERT_TRUE(capture_chat("openai", "sk-1", &cap, &err));
    EXPECT_STR_EQ(cap.url, "https://proxy.example.test/openai/v1/chat/completions");   /* replacement wins */
    EXPECT_TRUE(body_model_is(&cap, "gpt-4o-mini"));
    ASSERT_TRUE(capture_chat("acme", "a-1", &cap, &err));
    EXPECT_STR_EQ(cap.url, "https://acme.test/v1/messages");
    EXPECT_STR_EQ(cap.auth_name, "x-api-key");
    EXPECT_STR_EQ(old->base_url, "https://api.openai.com/v1");          /* the built-in row is untouched */
    env_restore(&s);
    ailib_catalog_reset();
}

TEST(catalog_rows_stay_valid_across_later_loads) {
    static const char *const a = "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"ollama\",\"base_url\":\"http://a.test\",\"auth\":\"none\"}]}";
    static const char *const b = "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"ollama\",\"base_url\":\"http://b.test\",\"auth\":\"none\"}]}";
    const ailib_provider_info *first, *second;
    ailib_error err;
    ailib_catalog_reset();
    ASSERT_EQ(ailib_catalog_load(a, strlen(a), &err), AILIB_OK);
    first = ailib_provider_find("acme");
    ASSERT_EQ(ailib_catalog_load(b, strlen(b), &err), AILIB_OK);
    second = ailib_provider_find("acme");
    ASSERT_TRUE(first != NULL && second != NULL && first != second);
    EXPECT_STR_EQ(first->base_url, "http://a.test");          /* a client holding it keeps working */
    EXPECT_STR_EQ(second->base_url, "http://b.test");         /* lookups see the latest */
    ailib_catalog_reset();
}

/* `ailib models --json` prints a bare array of model rows: loading it back is the point. */
TEST(catalog_loads_the_cli_model_list_shape) {
    static const char *const cli =
        "[{\"provider\":\"openai\",\"id\":\"gpt-4o-mini\",\"source\":\"live+catalog\",\"owned_by\":\"system\","
        "\"context_window\":128000,\"max_output\":16384,\"capabilities\":[\"tools\",\"vision\",\"json\"],"
        "\"price\":{\"input\":0.15,\"cached_input\":0.075,\"cache_write\":null,\"output\":0.6,\"date\":\"2026-07-02\"}},"
        "{\"provider\":\"openai\",\"id\":\"gpt-live-only\",\"source\":\"live\",\"owned_by\":null,\"context_window\":null,"
        "\"max_output\":null,\"capabilities\":[],\"price\":null}]";
    ailib_error err;
    const ailib_model_info *m;
    ailib_catalog_reset();
    ASSERT_EQ(ailib_catalog_load(cli, strlen(cli), &err), AILIB_OK);
    ASSERT_TRUE((m = ailib_model_find("openai", "gpt-live-only")) != NULL);
    EXPECT_EQ(m->context_window, 0);
    EXPECT_EQ(m->caps, 0);
    ASSERT_TRUE((m = ailib_model_find("openai", "gpt-4o-mini")) != NULL);
    EXPECT_DBL_EQ(m->price_cached_input, 0.075);
    ailib_catalog_reset();
}

/* The whole built-in catalog written and read back gives the same text: every row, field and
   price survives the format (the format cannot drift from the rows). */
TEST(catalog_round_trips_through_its_json) {
    ailib_error err;
    size_t n1 = 0, n2 = 0, n3 = 0, np, nm;
    char *before, *after, *loaded;
    ailib_catalog_reset();
    np = ailib_provider_count();
    nm = ailib_model_count();
    ASSERT_TRUE((before = ailib_catalog_to_json(0, &n1, &err)) != NULL);
    loaded = ailib_catalog_to_json(1, &n3, &err);
    EXPECT_STR_EQ(loaded, "{\"providers\":[],\"models\":[]}");
    ailib_free(loaded);
    ASSERT_EQ(ailib_catalog_load(before, n1, &err), AILIB_OK);      /* every row replaced by itself */
    EXPECT_EQ(ailib_provider_count(), np);
    EXPECT_EQ(ailib_model_count(), nm);
    ASSERT_TRUE((after = ailib_catalog_to_json(0, &n2, &err)) != NULL);
    EXPECT_EQ(n1, n2);
    EXPECT_TRUE(n1 == n2 && memcmp(before, after, n1) == 0);
    loaded = ailib_catalog_to_json(1, &n3, &err);                   /* now every row is a loaded one */
    EXPECT_TRUE(loaded && n3 == n1 && memcmp(loaded, before, n1) == 0);
    ailib_free(loaded);
    ailib_free(before);
    ailib_free(after);
    ailib_catalog_reset();
}

TEST(catalog_every_quirk_has_a_name) {
    static const char *const doc =
        "{\"providers\":[{\"name\":\"q\",\"protocol\":\"openai_chat\",\"base_url\":\"https://q.test\",\"quirks\":["
        "\"max_completion_tokens\",\"stream_options\",\"think_tags\",\"echo_reasoning\",\"no_tool_choice\",\"tool_choice_any\","
        "\"random_seed\",\"reasoning_effort\",\"enable_thinking\",\"thinking_type\",\"reasoning_object\",\"body_error_code\","
        "\"azure_deployments\",\"no_stream_usage\",\"developer_role\",\"no_parallel_tools\",\"reasoning_required_stream\","
        "\"tool_id9\",\"fixed_sampling\",\"no_forced_tool_thinking\",\"no_encoding_format\",\"output_dimension\","
        "\"owner_model_ids\"]}]}";
    ailib_error err;
    ailib_catalog_reset();
    ASSERT_EQ(ailib_catalog_load(doc, strlen(doc), &err), AILIB_OK);
    EXPECT_EQ(ailib_provider_find("q")->quirks, AILIB_Q_MAX_COMPLETION_TOKENS | AILIB_Q_STREAM_OPTIONS | AILIB_Q_THINK_TAGS |
              AILIB_Q_ECHO_REASONING | AILIB_Q_NO_TOOL_CHOICE | AILIB_Q_TOOL_CHOICE_ANY | AILIB_Q_RANDOM_SEED |
              AILIB_Q_REASONING_EFFORT | AILIB_Q_ENABLE_THINKING | AILIB_Q_THINKING_TYPE | AILIB_Q_REASONING_OBJECT |
              AILIB_Q_BODY_ERROR_CODE | AILIB_Q_AZURE_DEPLOYMENTS | AILIB_Q_NO_STREAM_USAGE | AILIB_Q_DEVELOPER_ROLE |
              AILIB_Q_NO_PARALLEL_TOOLS | AILIB_Q_REASONING_REQUIRED_STREAM | AILIB_Q_TOOL_ID9 | AILIB_Q_FIXED_SAMPLING |
              AILIB_Q_NO_FORCED_TOOL_THINKING | AILIB_Q_NO_ENCODING_FORMAT | AILIB_Q_OUTPUT_DIMENSION |
              AILIB_Q_OWNER_MODEL_IDS);
    ailib_catalog_reset();
}

/* Each kind of bad row: a typed error naming the row and the field, and nothing applied. */
TEST(catalog_bad_rows_name_the_row_and_field) {
    static const struct { const char *doc, *want1, *want2; ailib_result code; } cases[] = {
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"x\",\"context_windw\":5}]}", "models[0] (openai/x)", "'context_windw' is not a field", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"nope\",\"id\":\"x\"}]}", "models[0] (nope/x)", "'provider' names no provider", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\"}]}", "models[0] (openai)", "'id' is required", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"x\",\"context_window\":-1}]}", "models[0]", "'context_window' must be a non-negative integer", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"x\",\"max_output\":1.5}]}", "models[0]", "'max_output' must be a non-negative integer", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"x\",\"capabilities\":[\"telepathy\"]}]}", "models[0]", "'capabilities' names an unknown", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"x\",\"capabilities\":\"tools\"}]}", "models[0]", "'capabilities' must be an array", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"x\",\"price\":{\"input\":-2}}]}", "models[0]", "'price.input' must be a non-negative number", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"x\",\"price\":{\"output\":\"1\"}}]}", "models[0]", "'price.output'", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"x\",\"price\":{\"date\":\"12/01/2026\"}}]}", "models[0]", "'price.date' must be a date", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"x\",\"price\":{\"batch\":1}}]}", "models[0]", "'batch' is not a field", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"x\"},{\"provider\":\"openai\",\"id\":\"x\"}]}", "models[1] (openai/x)", "'id' repeats", AILIB_CONFIGURATION },
        { "{\"models\":[{\"provider\":\"openai\",\"id\":\"a\\nb\"}]}", "models[0]", "'id' contains a control character", AILIB_CONFIGURATION },
        { "{\"models\":[7]}", "models[0]", "must be an object", AILIB_CONFIGURATION },
        { "{\"providers\":[{\"name\":\"Acme\",\"protocol\":\"openai_chat\",\"base_url\":\"https://a.test\"}]}", "providers[0] (Acme)", "'name' must be lowercase", AILIB_CONFIGURATION },
        { "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"grpc\",\"base_url\":\"https://a.test\"}]}", "providers[0] (acme)", "'protocol' must be one of", AILIB_CONFIGURATION },
        { "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"openai_chat\"}]}", "providers[0] (acme)", "'base_url' is required", AILIB_CONFIGURATION },
        { "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"openai_chat\",\"base_url\":\"ftp://a.test\"}]}", "providers[0]", "'base_url' must be an http", AILIB_CONFIGURATION },
        { "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"openai_chat\",\"base_url\":\"https://a.test\",\"auth\":\"basic\"}]}", "providers[0]", "'auth' must be one of", AILIB_CONFIGURATION },
        { "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"openai_chat\",\"base_url\":\"https://a.test\",\"api_key_env\":\"ACME KEY=\"}]}", "providers[0]", "'api_key_env' must be", AILIB_CONFIGURATION },
        { "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"openai_chat\",\"base_url\":\"https://a.test\",\"base_url_env\":\"A B\"}]}", "providers[0]", "'base_url_env' must be one", AILIB_CONFIGURATION },
        { "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"openai_chat\",\"base_url\":\"https://a.test\",\"quirks\":[\"fast\"]}]}", "providers[0]", "'quirks' names an unknown quirk", AILIB_CONFIGURATION },
        { "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"openai_chat\",\"base_url\":\"https://a.test\",\"default_model\":3}]}", "providers[0]", "'default_model' must be a string", AILIB_CONFIGURATION },
        { "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"openai_chat\",\"base_url\":\"https://a.test\"},{\"name\":\"acme\",\"protocol\":\"openai_chat\",\"base_url\":\"https://a.test\"}]}", "providers[1] (acme)", "'name' repeats", AILIB_CONFIGURATION },
        { "{\"provider\":[]}", "document", "'provider' is not a field", AILIB_CONFIGURATION },
        { "{\"models\":{}}", "document", "'models' must be an array", AILIB_CONFIGURATION },
        { "\"models\"", "catalog document", "must be an object", AILIB_CONFIGURATION },
        { "{\"models\":[", "not valid JSON", "byte", AILIB_JSON_SYNTAX },
    };
    size_t i, np, nm;
    ailib_catalog_reset();
    np = ailib_provider_count();
    nm = ailib_model_count();
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ailib_error err;
        ailib_result r;
        ailib_error_clear(&err);
        r = ailib_catalog_load(cases[i].doc, strlen(cases[i].doc), &err);
        if (r != cases[i].code || err.code != cases[i].code || !strstr(err.message, cases[i].want1) || !strstr(err.message, cases[i].want2))
            ailib_test_fail(__FILE__, __LINE__, "case %u: %s -> %d \"%s\"", (unsigned)i, cases[i].doc, (int)r, err.message);
    }
    EXPECT_EQ(ailib_provider_count(), np);            /* a bad document applies nothing */
    EXPECT_EQ(ailib_model_count(), nm);
    EXPECT_TRUE(ailib_provider_find("acme") == NULL);
    {   /* a good row before a bad one is not applied either */
        static const char *const half = "{\"providers\":[{\"name\":\"acme\",\"protocol\":\"openai_chat\",\"base_url\":\"https://a.test\"}],"
                                        "\"models\":[{\"provider\":\"acme\",\"id\":\"m\",\"max_output\":\"lots\"}]}";
        ailib_error err;
        EXPECT_EQ(ailib_catalog_load(half, strlen(half), &err), AILIB_CONFIGURATION);
        EXPECT_TRUE(ailib_provider_find("acme") == NULL);
    }
    ailib_catalog_reset();
}

static int write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fputs(text, f);
    fclose(f);
    return 1;
}

TEST(catalog_env_file_is_loaded_and_its_errors_reported) {
    char path[64], bad[64];
    saved_env s;
    ailib_error err;
    ailib_client_desc d;
    snprintf(path, sizeof path, "build/catalog-ok-%d.json", (int)getpid());
    snprintf(bad, sizeof bad, "build/catalog-bad-%d.json", (int)getpid());
    ASSERT_TRUE(write_file(path, doc_ok));
    ASSERT_TRUE(write_file(bad, "{\"models\":[{\"provider\":\"openai\",\"id\":\"gpt-x\",\"price\":{\"input\":\"free\"}}]}"));
    env_set(&s, "AILIB_CATALOG", path);
    ailib_catalog_reset();                                   /* forget the outcome: the next lookup reads it */
    EXPECT_TRUE(ailib_provider_find("acme") != NULL);
    EXPECT_EQ(ailib_catalog_load_env(&err), AILIB_OK);
    setenv("AILIB_CATALOG", bad, 1);
    ailib_catalog_reset();
    EXPECT_EQ(ailib_catalog_load_env(&err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "AILIB_CATALOG: ") == err.message);
    EXPECT_TRUE(strstr(err.message, bad) != NULL);
    EXPECT_TRUE(strstr(err.message, "models[0] (openai/gpt-x)") != NULL);
    EXPECT_TRUE(strstr(err.message, "'price.input'") != NULL);
    memset(&d, 0, sizeof d);                                 /* every client creation says so */
    d.model = "openai/gpt-4o-mini";
    d.api_key = "sk-1";
    ailib_error_clear(&err);
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "models[0] (openai/gpt-x)") != NULL);
    setenv("AILIB_CATALOG", "build/no-such-catalog.json", 1);
    ailib_catalog_reset();
    EXPECT_EQ(ailib_catalog_load_env(&err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "cannot be opened") != NULL);
    env_restore(&s);
    ailib_catalog_reset();
    EXPECT_EQ(ailib_catalog_load_env(&err), s.had ? ailib_catalog_load_env(NULL) : AILIB_OK);
    ailib_catalog_reset();
    remove(path);
    remove(bad);
}

/* Several providers list the same model now that every default has a row: a bare model goes to
   the first in catalog order, the model's own API (the behaviour of every name that was unique). */
TEST(catalog_bare_model_goes_to_the_first_provider_listing_it) {
    static const char *const cases[][2] = {
        { "gpt-6-luna", "openai" }, { "gpt-4o-mini", "openai" }, { "gemini-3.6-flash", "gemini" },
        { "kimi-k2.6", "kimi" }, { "qwen-flash", "qwen" }, { "MiniMax-M3", "minimax" }, { "glm-4.7-flash", "zai" },
        { "gpt-oss-120b", "cerebras" }, { "DeepSeek-R1-0528", "azure-foundry" }, { "jina-embeddings-v4", "jina" },
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ailib_provider_info *p = NULL;
        const char *bare = NULL;
        ailib_error err;
        EXPECT_EQ(ailib_model_resolve(cases[i][0], &p, &bare, &err), AILIB_OK);
        if (!p || strcmp(p->name, cases[i][1]) != 0)
            ailib_test_fail(__FILE__, __LINE__, "%s -> %s, want %s", cases[i][0], p ? p->name : "(none)", cases[i][1]);
        EXPECT_STR_EQ(bare, cases[i][0]);
    }
}

/* Embeddings and model listing at the wire level: request URLs, headers and bodies member by
   member, hand-written answers of every protocol (tests/fixtures/embed, written from the
   documented formats in wire_formats.md 1.6, 4.5, 5 and 6), catalog merging and the errors. */
#include "test.h"
#include "../ailib.h"
#include <stdlib.h>

/* --- helpers ------------------------------------------------------------------------------- */

static ailib_endpoint em_ep(const char *provider, const char *key) {
    ailib_endpoint ep;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find(provider);
    ep.api_key = key;
    return ep;
}

static ailib_embed_request em_req(const char *const *inputs, size_t n) {
    ailib_embed_request q;
    memset(&q, 0, sizeof q);
    q.inputs = inputs;
    q.input_count = n;
    return q;
}

/* The value of a header, NULL when absent. */
static const char *em_header(const ailib_wire_request *wr, const char *name) {
    size_t i;
    for (i = 0; i < wr->header_count; i++)
        if (strcmp(wr->headers[i].name, name) == 0) return wr->headers[i].value;
    return NULL;
}

typedef struct em_built {
    ailib_wire_request wr;
    ailib_json_doc *doc;
    const ailib_json *root;
} em_built;

static ailib_result em_build(const ailib_endpoint *ep, const ailib_embed_request *q, em_built *b, ailib_error *err) {
    ailib_result r;
    memset(b, 0, sizeof *b);
    r = ailib_wire_embed_build(ep, q, &b->wr, err);
    if (r != AILIB_OK) return r;
    r = ailib_json_parse(b->wr.body, b->wr.body_len, NULL, &b->doc, err);
    b->root = ailib_json_doc_root(b->doc);
    return r;
}

static void em_built_free(em_built *b) {
    ailib_json_doc_destroy(b->doc);
    ailib_wire_request_deinit(&b->wr);
}

static const char *em_s(const ailib_json *v) { return ailib_json_str(v, NULL); }

/* Parses a fixture of tests/fixtures/embed as an embeddings answer. */
static ailib_result em_parse_file(const char *provider, const char *file, int status, ailib_embeddings **out, ailib_error *err) {
    char path[256];
    size_t len = 0;
    char *body;
    ailib_endpoint ep = em_ep(provider, NULL);
    ailib_result r;
    snprintf(path, sizeof path, "tests/fixtures/embed/%s", file);
    body = ailib_test_read_file(path, &len);
    if (!body) { *out = NULL; return AILIB_NOT_FOUND; }
    r = ailib_wire_embed_parse(&ep, status, body, len, out, err);
    free(body);
    return r;
}

static ailib_result ml_parse_file(const char *provider, const char *file, int status, ailib_model_list **out, ailib_error *err) {
    char path[256];
    size_t len = 0;
    char *body;
    ailib_endpoint ep = em_ep(provider, NULL);
    ailib_result r;
    snprintf(path, sizeof path, "tests/fixtures/embed/%s", file);
    body = ailib_test_read_file(path, &len);
    if (!body) { *out = NULL; return AILIB_NOT_FOUND; }
    r = ailib_wire_models_parse(&ep, status, body, len, out, err);
    free(body);
    return r;
}

static ailib_result em_parse_str(const char *provider, const char *body, ailib_embeddings **out, ailib_error *err) {
    ailib_endpoint ep = em_ep(provider, NULL);
    return ailib_wire_embed_parse(&ep, 200, body, strlen(body), out, err);
}

/* --- request building: embeddings ---------------------------------------------------------- */

TEST(embed_build_openai_body) {
    static const char *const in[] = { "first text", "second \"quoted\" text" };
    ailib_endpoint ep = em_ep("openai", "sk-test");
    ailib_embed_request q = em_req(in, 2);
    const ailib_json *input;
    em_built b;
    ailib_error e;
    ailib_error_clear(&e);
    q.dimensions = 256;
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.method, "POST");
    EXPECT_STR_EQ(b.wr.url, "https://api.openai.com/v1/embeddings");
    EXPECT_STR_EQ(em_header(&b.wr, "Content-Type"), "application/json");
    EXPECT_STR_EQ(em_header(&b.wr, "Authorization"), "Bearer sk-test");
    EXPECT_TRUE(em_header(&b.wr, "anthropic-version") == NULL);
    EXPECT_EQ(b.wr.stream, 0);
    EXPECT_EQ(ailib_json_size(b.root), 4);
    /* no model asked for: the catalog's first embedding row of the provider */
    EXPECT_STR_EQ(em_s(ailib_json_get(b.root, "model")), "text-embedding-3-small");
    input = ailib_json_get(b.root, "input");
    ASSERT_EQ(ailib_json_size(input), 2);
    EXPECT_STR_EQ(em_s(ailib_json_at(input, 0)), "first text");
    EXPECT_STR_EQ(em_s(ailib_json_at(input, 1)), "second \"quoted\" text");
    EXPECT_STR_EQ(em_s(ailib_json_get(b.root, "encoding_format")), "float");
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "dimensions")), 256);
    em_built_free(&b);
}

TEST(embed_build_openai_model_prefix_and_single_input) {
    static const char *const in[] = { "only" };
    ailib_endpoint ep = em_ep("openai", NULL);
    ailib_embed_request q = em_req(in, 1);
    em_built b;
    ailib_error e;
    ailib_error_clear(&e);
    q.model = "openai/text-embedding-3-large";
    ep.base_url = "http://127.0.0.1:9/v1///";
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "http://127.0.0.1:9/v1/embeddings");
    EXPECT_TRUE(em_header(&b.wr, "Authorization") == NULL);   /* no key, no header */
    EXPECT_STR_EQ(em_s(ailib_json_get(b.root, "model")), "text-embedding-3-large");
    /* one input is still an array; no dimensions member when none was asked for */
    EXPECT_EQ(ailib_json_type_of(ailib_json_get(b.root, "input")), AILIB_JSON_ARRAY);
    EXPECT_EQ(ailib_json_size(ailib_json_get(b.root, "input")), 1);
    EXPECT_TRUE(ailib_json_get(b.root, "dimensions") == NULL);
    EXPECT_EQ(ailib_json_size(b.root), 3);
    em_built_free(&b);
}

TEST(embed_build_responses_row_uses_embeddings) {
    static const char *const in[] = { "x" };
    ailib_endpoint ep = em_ep("openai-responses", "k");
    ailib_embed_request q = em_req(in, 1);
    em_built b;
    ailib_error e;
    ailib_error_clear(&e);
    q.model = "text-embedding-3-small";
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "https://api.openai.com/v1/embeddings");
    EXPECT_STR_EQ(em_s(ailib_json_get(b.root, "encoding_format")), "float");
    em_built_free(&b);
}

TEST(embed_build_azure_header_and_deployments_row) {
    static const char *const in[] = { "x" };
    ailib_endpoint ep = em_ep("azure", "az-key");
    ailib_embed_request q = em_req(in, 1);
    ailib_provider_info row;
    em_built b;
    ailib_error e;
    ailib_error_clear(&e);
    q.model = "my-embedder";
    /* the catalog's base needs AZURE_OPENAI_ENDPOINT */
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(e.message, "AZURE_OPENAI_ENDPOINT") != NULL);
    ep.base_url = "https://res.openai.azure.com/openai/v1";
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "https://res.openai.azure.com/openai/v1/embeddings");
    EXPECT_STR_EQ(em_header(&b.wr, "api-key"), "az-key");
    EXPECT_TRUE(em_header(&b.wr, "Authorization") == NULL);
    em_built_free(&b);
    /* a row in the deployments dialect */
    row = *ailib_provider_find("azure");
    row.name = "azure-legacy";
    row.base_url = "https://res.openai.azure.com";
    row.quirks |= AILIB_Q_AZURE_DEPLOYMENTS;
    ep.provider = &row;
    ep.base_url = NULL;
    ep.api_version = "2024-06-01";
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "https://res.openai.azure.com/openai/deployments/my-embedder/embeddings?api-version=2024-06-01");
    em_built_free(&b);
}

TEST(embed_build_gemini_single) {
    static const char *const in[] = { "What is the meaning of life?" };
    ailib_endpoint ep = em_ep("gemini", "g-key");
    ailib_embed_request q = em_req(in, 1);
    const ailib_json *parts;
    em_built b;
    ailib_error e;
    ailib_error_clear(&e);
    q.model = "gemini-embedding-001";
    q.input_type = "query";
    q.dimensions = 768;
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.method, "POST");
    EXPECT_STR_EQ(b.wr.url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:embedContent");
    EXPECT_STR_EQ(em_header(&b.wr, "x-goog-api-key"), "g-key");
    EXPECT_TRUE(em_header(&b.wr, "Authorization") == NULL);
    EXPECT_EQ(ailib_json_size(b.root), 3);
    parts = ailib_json_path(b.root, "content", "parts", NULL);
    ASSERT_EQ(ailib_json_size(parts), 1);
    EXPECT_STR_EQ(em_s(ailib_json_get(ailib_json_at(parts, 0), "text")), "What is the meaning of life?");
    EXPECT_EQ(ailib_json_size(ailib_json_get(b.root, "content")), 1);
    EXPECT_STR_EQ(em_s(ailib_json_get(b.root, "taskType")), "RETRIEVAL_QUERY");
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "outputDimensionality")), 768);
    EXPECT_TRUE(ailib_json_get(b.root, "requests") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "model") == NULL);
    em_built_free(&b);
}

TEST(embed_build_gemini_batch) {
    static const char *const in[] = { "alpha", "beta", "gamma" };
    ailib_endpoint ep = em_ep("gemini", "g-key");
    ailib_embed_request q = em_req(in, 3);
    const ailib_json *reqs, *r;
    size_t i;
    em_built b;
    ailib_error e;
    ailib_error_clear(&e);
    q.model = "gemini/models/gemini-embedding-001";   /* provider prefix and resource name both accepted */
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
    EXPECT_EQ(ailib_json_size(b.root), 1);
    reqs = ailib_json_get(b.root, "requests");
    ASSERT_EQ(ailib_json_size(reqs), 3);
    for (i = 0; i < 3; i++) {
        r = ailib_json_at(reqs, i);
        EXPECT_EQ(ailib_json_size(r), 3);
        EXPECT_STR_EQ(em_s(ailib_json_get(r, "model")), "models/gemini-embedding-001");
        EXPECT_STR_EQ(em_s(ailib_json_get(ailib_json_at(ailib_json_path(r, "content", "parts", NULL), 0), "text")), in[i]);
        EXPECT_STR_EQ(em_s(ailib_json_get(r, "taskType")), "RETRIEVAL_DOCUMENT");   /* the default input type */
        EXPECT_TRUE(ailib_json_get(r, "outputDimensionality") == NULL);
    }
    em_built_free(&b);
}

TEST(embed_build_gemini_default_model) {
    static const char *const in[] = { "a", "b" };
    ailib_endpoint ep = em_ep("gemini", NULL);
    ailib_embed_request q = em_req(in, 2);
    em_built b;
    ailib_error e;
    ailib_error_clear(&e);
    q.input_type = "document";
    q.dimensions = 3072;
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    /* the first gemini catalog row with AILIB_CAP_EMBEDDING */
    EXPECT_STR_EQ(b.wr.url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-2:batchEmbedContents");
    EXPECT_STR_EQ(em_s(ailib_json_get(ailib_json_at(ailib_json_get(b.root, "requests"), 1), "model")), "models/gemini-embedding-2");
    EXPECT_EQ(ailib_json_int(ailib_json_get(ailib_json_at(ailib_json_get(b.root, "requests"), 1), "outputDimensionality")), 3072);
    em_built_free(&b);
}

TEST(embed_build_ollama) {
    static const char *const in[] = { "Why is the sky blue?", "Why is the grass green?" };
    ailib_endpoint ep = em_ep("ollama", NULL);
    ailib_embed_request q = em_req(in, 2);
    const ailib_json *input;
    em_built b;
    ailib_error e;
    ailib_error_clear(&e);
    q.dimensions = 384;
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "http://localhost:11434/api/embed");
    EXPECT_EQ(b.wr.header_count, 1);
    EXPECT_STR_EQ(em_header(&b.wr, "Content-Type"), "application/json");
    EXPECT_EQ(ailib_json_size(b.root), 3);
    EXPECT_STR_EQ(em_s(ailib_json_get(b.root, "model")), "nomic-embed-text");
    input = ailib_json_get(b.root, "input");
    ASSERT_EQ(ailib_json_size(input), 2);
    EXPECT_STR_EQ(em_s(ailib_json_at(input, 0)), "Why is the sky blue?");
    EXPECT_STR_EQ(em_s(ailib_json_at(input, 1)), "Why is the grass green?");
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "dimensions")), 384);
    EXPECT_TRUE(ailib_json_get(b.root, "encoding_format") == NULL);
    em_built_free(&b);
    /* Ollama Cloud: a key, when there is one, goes as Bearer */
    ep.api_key = "ol-key";
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(em_header(&b.wr, "Authorization"), "Bearer ol-key");
    em_built_free(&b);
}

TEST(embed_build_cohere) {
    static const char *const in[] = { "hello", "goodbye" };
    ailib_endpoint ep = em_ep("cohere", "co-key");
    ailib_embed_request q = em_req(in, 2);
    const ailib_json *texts, *types;
    em_built b;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "https://api.cohere.com/v2/embed");
    EXPECT_STR_EQ(em_header(&b.wr, "Authorization"), "Bearer co-key");
    EXPECT_EQ(ailib_json_size(b.root), 4);
    EXPECT_STR_EQ(em_s(ailib_json_get(b.root, "model")), "embed-v4.0");
    texts = ailib_json_get(b.root, "texts");
    ASSERT_EQ(ailib_json_size(texts), 2);
    EXPECT_STR_EQ(em_s(ailib_json_at(texts, 0)), "hello");
    EXPECT_STR_EQ(em_s(ailib_json_at(texts, 1)), "goodbye");
    EXPECT_STR_EQ(em_s(ailib_json_get(b.root, "input_type")), "search_document");
    types = ailib_json_get(b.root, "embedding_types");
    ASSERT_EQ(ailib_json_size(types), 1);
    EXPECT_STR_EQ(em_s(ailib_json_at(types, 0)), "float");
    EXPECT_TRUE(ailib_json_get(b.root, "output_dimension") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "input") == NULL);
    em_built_free(&b);
    q.input_type = "query";
    q.dimensions = 512;
    q.model = "embed-multilingual-v3.0";
    ASSERT_EQ(em_build(&ep, &q, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(em_s(ailib_json_get(b.root, "model")), "embed-multilingual-v3.0");
    EXPECT_STR_EQ(em_s(ailib_json_get(b.root, "input_type")), "search_query");
    EXPECT_EQ(ailib_json_int(ailib_json_get(b.root, "output_dimension")), 512);
    em_built_free(&b);
}

TEST(embed_build_unsupported_protocols) {
    static const char *const in[] = { "x" };
    ailib_embed_request q = em_req(in, 1);
    ailib_endpoint ep = em_ep("anthropic", "k");
    ailib_wire_request wr;
    ailib_error e;
    ailib_error_clear(&e);
    q.model = "claude-haiku-5-5";
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_UNSUPPORTED);
    EXPECT_EQ(e.code, AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(e.message, "anthropic") != NULL);
    EXPECT_TRUE(strstr(e.message, "Voyage") != NULL);
    EXPECT_TRUE(strstr(e.message, "openai") != NULL);
    EXPECT_TRUE(wr.url == NULL && wr.body == NULL && wr.header_count == 0);
    ailib_wire_request_deinit(&wr);
    ep = em_ep("bedrock", "k");
    ep.base_url = "https://bedrock-runtime.us-east-1.amazonaws.com";
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(e.message, "bedrock") != NULL);
    EXPECT_TRUE(wr.url == NULL);
    /* parsing for them is refused too */
    {
        ailib_embeddings *emb = (ailib_embeddings *)&e;   /* must be reset to NULL */
        EXPECT_EQ(em_parse_str("anthropic", "{\"data\":[]}", &emb, &e), AILIB_UNSUPPORTED);
        EXPECT_TRUE(emb == NULL);
    }
}

TEST(embed_build_invalid_requests) {
    static const char *const in[] = { "ok", NULL };
    static const char bad_utf8[] = { 'a', (char)0xC3, 0 };
    static const char *const bad[] = { bad_utf8 };
    ailib_endpoint ep = em_ep("openai", "k");
    ailib_embed_request q = em_req(in, 0);
    ailib_wire_request wr;
    ailib_error e;
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(e.message, "input_count") != NULL);
    q.input_count = 2;
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(e.message, "inputs[1]") != NULL);
    q.inputs = NULL;
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_INVALID_ARGUMENT);
    q = em_req(in, 1);
    q.input_type = "search_query";
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(e.message, "input_type") != NULL);
    EXPECT_TRUE(strstr(e.message, "search_query") != NULL);
    q.input_type = NULL;
    q.dimensions = -5;
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(e.message, "dimensions") != NULL);
    q.dimensions = 0;
    EXPECT_EQ(ailib_wire_embed_build(&ep, NULL, &wr, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_wire_embed_build(NULL, &q, &wr, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, NULL, &e), AILIB_INVALID_ARGUMENT);
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, NULL), AILIB_OK);   /* err is optional */
    ailib_wire_request_deinit(&wr);
    q = em_req(bad, 1);
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_JSON_UTF8);
    EXPECT_TRUE(strstr(e.message, "UTF-8") != NULL);
    EXPECT_TRUE(wr.body == NULL && wr.url == NULL);
}

TEST(embed_build_no_embedding_model) {
    static const char *const in[] = { "x" };
    ailib_endpoint ep = em_ep("deepseek", "k");   /* no embedding row in the catalog */
    ailib_embed_request q = em_req(in, 1);
    ailib_wire_request wr;
    ailib_error e;
    ASSERT_TRUE(ep.provider != NULL);
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(e.message, "request.model") != NULL);
    EXPECT_TRUE(strstr(e.message, "deepseek") != NULL);
    /* "deepseek/" names the provider but no model */
    q.model = "deepseek/";
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(e.message, "deepseek/") != NULL);
    /* any explicit model is sent as is */
    q.model = "some-embedder";
    EXPECT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_OK);
    EXPECT_TRUE(strstr(wr.body, "\"model\":\"some-embedder\"") != NULL);
    ailib_wire_request_deinit(&wr);
}

/* --- request building: model lists --------------------------------------------------------- */

static void ml_check_get(const char *provider, const char *base, const char *key, const char *url) {
    ailib_endpoint ep = em_ep(provider, key);
    ailib_wire_request wr;
    ailib_error e;
    ailib_error_clear(&e);
    ep.base_url = base;
    AILIB_T_CHECK(ailib_wire_models_build(&ep, &wr, &e) == AILIB_OK, 1, "models_build(%s): %s", provider, e.message);
    EXPECT_STR_EQ(wr.method, "GET");
    EXPECT_STR_EQ(wr.url, url);
    EXPECT_TRUE(wr.body == NULL);
    EXPECT_EQ(wr.body_len, 0);
    EXPECT_EQ(wr.stream, 0);
    EXPECT_TRUE(em_header(&wr, "Content-Type") == NULL);   /* no body */
    ailib_wire_request_deinit(&wr);
}

TEST(models_build_urls) {
    ml_check_get("openai", NULL, NULL, "https://api.openai.com/v1/models");
    ml_check_get("openai-responses", NULL, NULL, "https://api.openai.com/v1/models");
    ml_check_get("groq", NULL, NULL, "https://api.groq.com/openai/v1/models");
    ml_check_get("anthropic", NULL, NULL, "https://api.anthropic.com/v1/models?limit=1000");
    ml_check_get("gemini", NULL, NULL, "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000");
    ml_check_get("ollama", NULL, NULL, "http://localhost:11434/api/tags");
    ml_check_get("ollama", "http://gpu-box:11434/", NULL, "http://gpu-box:11434/api/tags");
    /* Cohere: chat and embed are under /v2, the list only under /v1 */
    ml_check_get("cohere", NULL, NULL, "https://api.cohere.com/v1/models?page_size=1000");
    ml_check_get("cohere", "https://proxy.example/cohere/v2/", NULL, "https://proxy.example/cohere/v1/models?page_size=1000");
    ml_check_get("cohere", "https://proxy.example/cohere", NULL, "https://proxy.example/cohere/models?page_size=1000");
}

TEST(models_build_headers) {
    ailib_endpoint ep = em_ep("anthropic", "ant-key");
    ailib_wire_request wr;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(ailib_wire_models_build(&ep, &wr, &e), AILIB_OK);
    EXPECT_STR_EQ(em_header(&wr, "x-api-key"), "ant-key");
    EXPECT_STR_EQ(em_header(&wr, "anthropic-version"), "2023-06-01");
    EXPECT_EQ(wr.header_count, 2);
    ailib_wire_request_deinit(&wr);
    ep.api_version = "2025-01-01";
    ASSERT_EQ(ailib_wire_models_build(&ep, &wr, &e), AILIB_OK);
    EXPECT_STR_EQ(em_header(&wr, "anthropic-version"), "2025-01-01");
    ailib_wire_request_deinit(&wr);
    ep = em_ep("gemini", "g-key");
    ASSERT_EQ(ailib_wire_models_build(&ep, &wr, &e), AILIB_OK);
    EXPECT_STR_EQ(em_header(&wr, "x-goog-api-key"), "g-key");
    EXPECT_EQ(wr.header_count, 1);
    ailib_wire_request_deinit(&wr);
    ep = em_ep("openai", "sk-x");
    ASSERT_EQ(ailib_wire_models_build(&ep, &wr, &e), AILIB_OK);
    EXPECT_STR_EQ(em_header(&wr, "Authorization"), "Bearer sk-x");
    ailib_wire_request_deinit(&wr);
    /* Bedrock's list is on another API; a missing placeholder is a configuration error */
    ep = em_ep("bedrock", "k");
    EXPECT_EQ(ailib_wire_models_build(&ep, &wr, &e), AILIB_UNSUPPORTED);
    EXPECT_TRUE(wr.url == NULL);
    ep = em_ep("azure", "k");
    EXPECT_EQ(ailib_wire_models_build(&ep, &wr, &e), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(e.message, "AZURE_OPENAI_ENDPOINT") != NULL);
    EXPECT_EQ(ailib_wire_models_build(NULL, &wr, &e), AILIB_INVALID_ARGUMENT);
}

/* --- parsing embeddings -------------------------------------------------------------------- */

TEST(embed_parse_openai_out_of_order) {
    ailib_embeddings *emb = NULL;
    const float *v;
    const ailib_usage *u;
    size_t d = 99;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(em_parse_file("openai", "openai-embeddings-out-of-order.json", 200, &emb, &e), AILIB_OK);
    ASSERT_EQ(ailib_embeddings_count(emb), 3);
    /* placed by "index", not by position in data[] */
    v = ailib_embeddings_vector(emb, 0, &d);
    ASSERT_EQ(d, 3);
    EXPECT_DBL_EQ(v[0], (float)0.0023064255);
    EXPECT_DBL_EQ(v[1], (float)-0.009327292);
    EXPECT_DBL_EQ(v[2], (float)0.015797347);
    v = ailib_embeddings_vector(emb, 1, &d);
    ASSERT_EQ(d, 3);
    EXPECT_DBL_EQ(v[0], -1.5f);
    EXPECT_DBL_EQ(v[1], (float)2.5e-3);
    EXPECT_DBL_EQ(v[2], 0.0f);
    v = ailib_embeddings_vector(emb, 2, &d);
    ASSERT_EQ(d, 3);
    EXPECT_DBL_EQ(v[0], 0.5f);
    EXPECT_DBL_EQ(v[1], -0.25f);
    EXPECT_DBL_EQ(v[2], 1.0f);
    EXPECT_TRUE(ailib_embeddings_vector(emb, 3, &d) == NULL);
    EXPECT_EQ(d, 0);
    u = ailib_embeddings_usage(emb);
    EXPECT_EQ(u->input_tokens, 7);
    EXPECT_EQ(u->total_tokens, 7);
    EXPECT_EQ(u->output_tokens, 0);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_TOTAL);
    EXPECT_STR_EQ(ailib_embeddings_model(emb), "text-embedding-3-small");
    ailib_embeddings_destroy(emb);
}

TEST(embed_parse_openai_base64) {
    ailib_embeddings *emb = NULL;
    const float *v;
    size_t d = 0;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(em_parse_file("openai", "openai-embeddings-base64.json", 200, &emb, &e), AILIB_OK);
    ASSERT_EQ(ailib_embeddings_count(emb), 2);
    v = ailib_embeddings_vector(emb, 0, &d);
    ASSERT_EQ(d, 4);
    EXPECT_DBL_EQ(v[0], 0.5f);
    EXPECT_DBL_EQ(v[1], -1.25f);
    EXPECT_DBL_EQ(v[2], 3.0f);
    EXPECT_DBL_EQ(v[3], -0.0078125f);
    v = ailib_embeddings_vector(emb, 1, &d);
    ASSERT_EQ(d, 2);
    EXPECT_DBL_EQ(v[0], 1.0f);
    EXPECT_DBL_EQ(v[1], 0.25f);
    /* the two vectors share one block, in input order */
    EXPECT_TRUE(ailib_embeddings_vector(emb, 0, NULL) + 4 == ailib_embeddings_vector(emb, 1, NULL));
    EXPECT_EQ(ailib_embeddings_usage(emb)->input_tokens, 5);
    EXPECT_STR_EQ(ailib_embeddings_model(emb), "text-embedding-3-large");
    ailib_embeddings_destroy(emb);
}

TEST(embed_parse_openai_unpadded_base64_and_gaps) {
    /* base64 without '=' padding; index 1 missing: its slot reads empty, the rest stay aligned */
    static const char body[] =
        "{\"data\":[{\"index\":2,\"embedding\":\"AACAPwAAgD4\"},{\"index\":0,\"embedding\":[]}],\"model\":\"m\"}";
    ailib_embeddings *emb = NULL;
    const float *v;
    size_t d = 7;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(em_parse_str("openai", body, &emb, &e), AILIB_OK);
    ASSERT_EQ(ailib_embeddings_count(emb), 3);
    EXPECT_TRUE(ailib_embeddings_vector(emb, 0, &d) != NULL);
    EXPECT_EQ(d, 0);
    EXPECT_TRUE(ailib_embeddings_vector(emb, 1, &d) == NULL);
    EXPECT_EQ(d, 0);
    v = ailib_embeddings_vector(emb, 2, &d);
    ASSERT_EQ(d, 2);
    EXPECT_DBL_EQ(v[0], 1.0f);
    EXPECT_DBL_EQ(v[1], 0.25f);
    /* no usage member: nothing reported */
    EXPECT_EQ(ailib_embeddings_usage(emb)->reported, 0);
    ailib_embeddings_destroy(emb);
}

TEST(embed_parse_gemini_single_and_batch) {
    ailib_embeddings *emb = NULL;
    const float *v;
    size_t d = 0;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(em_parse_file("gemini", "gemini-embed-content.json", 200, &emb, &e), AILIB_OK);
    ASSERT_EQ(ailib_embeddings_count(emb), 1);
    v = ailib_embeddings_vector(emb, 0, &d);
    ASSERT_EQ(d, 4);
    EXPECT_DBL_EQ(v[0], (float)0.0123);
    EXPECT_DBL_EQ(v[1], (float)-0.0456);
    EXPECT_DBL_EQ(v[2], 0.5f);
    EXPECT_DBL_EQ(v[3], -2.0f);
    EXPECT_STR_EQ(ailib_embeddings_model(emb), "");   /* Gemini names no model */
    EXPECT_EQ(ailib_embeddings_usage(emb)->reported, 0);
    ailib_embeddings_destroy(emb);
    ASSERT_EQ(em_parse_file("gemini", "gemini-batch-embed-contents.json", 200, &emb, &e), AILIB_OK);
    ASSERT_EQ(ailib_embeddings_count(emb), 3);
    v = ailib_embeddings_vector(emb, 0, &d);
    ASSERT_EQ(d, 2);
    EXPECT_DBL_EQ(v[0], 0.25f);
    EXPECT_DBL_EQ(v[1], -0.125f);
    v = ailib_embeddings_vector(emb, 1, &d);
    ASSERT_EQ(d, 2);
    EXPECT_DBL_EQ(v[0], 1.5f);
    EXPECT_DBL_EQ(v[1], 0.75f);
    v = ailib_embeddings_vector(emb, 2, &d);
    ASSERT_EQ(d, 2);
    EXPECT_DBL_EQ(v[0], -3.0f);
    EXPECT_DBL_EQ(v[1], 4.0f);
    ailib_embeddings_destroy(emb);
}

TEST(embed_parse_ollama) {
    ailib_embeddings *emb = NULL;
    const float *v;
    const ailib_usage *u;
    size_t d = 0;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(em_parse_file("ollama", "ollama-embed.json", 200, &emb, &e), AILIB_OK);
    ASSERT_EQ(ailib_embeddings_count(emb), 2);
    v = ailib_embeddings_vector(emb, 0, &d);
    ASSERT_EQ(d, 3);
    EXPECT_DBL_EQ(v[0], (float)0.010071029);
    EXPECT_DBL_EQ(v[2], (float)0.05007221);
    v = ailib_embeddings_vector(emb, 1, &d);
    ASSERT_EQ(d, 3);
    EXPECT_DBL_EQ(v[0], -0.5f);
    EXPECT_DBL_EQ(v[1], 0.25f);
    EXPECT_DBL_EQ(v[2], 0.125f);
    u = ailib_embeddings_usage(emb);
    EXPECT_EQ(u->input_tokens, 8);
    EXPECT_EQ(u->total_tokens, 8);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_TOTAL);
    EXPECT_STR_EQ(ailib_embeddings_model(emb), "nomic-embed-text");
    ailib_embeddings_destroy(emb);
}

TEST(embed_parse_cohere) {
    ailib_embeddings *emb = NULL;
    const float *v;
    size_t d = 0;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(em_parse_file("cohere", "cohere-embed-v2.json", 200, &emb, &e), AILIB_OK);
    ASSERT_EQ(ailib_embeddings_count(emb), 2);
    v = ailib_embeddings_vector(emb, 0, &d);
    ASSERT_EQ(d, 3);
    EXPECT_DBL_EQ(v[0], (float)0.016296387);
    EXPECT_DBL_EQ(v[1], (float)-0.008354187);
    EXPECT_DBL_EQ(v[2], (float)-0.04699707);
    v = ailib_embeddings_vector(emb, 1, &d);
    ASSERT_EQ(d, 3);
    EXPECT_DBL_EQ(v[0], 0.5f);
    EXPECT_DBL_EQ(v[1], -0.75f);
    EXPECT_DBL_EQ(v[2], 2.0f);
    EXPECT_EQ(ailib_embeddings_usage(emb)->input_tokens, 2);
    EXPECT_EQ(ailib_embeddings_usage(emb)->total_tokens, 2);
    EXPECT_STR_EQ(ailib_embeddings_model(emb), "");
    ailib_embeddings_destroy(emb);
    /* a response with only other embedding types */
    EXPECT_EQ(em_parse_str("cohere", "{\"embeddings\":{\"int8\":[[1,2]]}}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(e.message, "float") != NULL);
    EXPECT_TRUE(emb == NULL);
}

TEST(embed_parse_count_mismatch_is_reported_as_is) {
    /* two inputs asked for, one vector back: no error, count says what came back */
    ailib_embeddings *emb = NULL;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(em_parse_str("ollama", "{\"model\":\"all-minilm\",\"embeddings\":[[1,2,3]]}", &emb, &e), AILIB_OK);
    EXPECT_EQ(ailib_embeddings_count(emb), 1);
    EXPECT_STR_EQ(ailib_embeddings_model(emb), "all-minilm");
    ailib_embeddings_destroy(emb);
    ASSERT_EQ(em_parse_str("gemini", "{\"embeddings\":[]}", &emb, &e), AILIB_OK);
    EXPECT_EQ(ailib_embeddings_count(emb), 0);
    EXPECT_TRUE(ailib_embeddings_vector(emb, 0, NULL) == NULL);
    ailib_embeddings_destroy(emb);
}

TEST(embed_parse_malformed_vectors) {
    ailib_embeddings *emb = (ailib_embeddings *)1;
    ailib_error e;
    ailib_error_clear(&e);
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[{\"index\":0,\"embedding\":[0.5,\"0.25\",1]}]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_TRUE(emb == NULL);
    EXPECT_EQ(e.code, AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(e.message, "element 1") != NULL);
    EXPECT_TRUE(strstr(e.message, "string") != NULL);
    EXPECT_EQ(em_parse_str("ollama", "{\"embeddings\":[[1,2],[3,null]]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(e.message, "embedding 1") != NULL);
    EXPECT_TRUE(strstr(e.message, "null") != NULL);
    EXPECT_EQ(em_parse_str("gemini", "{\"embedding\":{\"values\":[1,[2]]}}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_EQ(em_parse_str("gemini", "{\"embeddings\":[{\"values\":[1]},{\"value\":[2]}]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_EQ(em_parse_str("cohere", "{\"embeddings\":{\"float\":[[1],{\"x\":2}]}}", &emb, &e), AILIB_DESERIALIZATION);
    /* out of float range */
    EXPECT_EQ(em_parse_str("ollama", "{\"embeddings\":[[1e300]]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(e.message, "float") != NULL);
    /* base64 that is not base64, or not whole float32 values */
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[{\"index\":0,\"embedding\":\"AAA!AAAA\"}]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(e.message, "base64") != NULL);
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[{\"index\":0,\"embedding\":\"AQID\"}]}", &emb, &e), AILIB_DESERIALIZATION);
    /* broken indexes */
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":0,\"embedding\":[2]}]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(e.message, "twice") != NULL);
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[{\"index\":-1,\"embedding\":[1]}]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[{\"index\":\"0\",\"embedding\":[1]}]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[{\"index\":99999999999,\"embedding\":[1]}]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[{\"index\":0,\"embedding\":{\"float\":[1]}}]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[{\"index\":0}]}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[7]}", &emb, &e), AILIB_DESERIALIZATION);
    /* wrong shape, not JSON */
    EXPECT_EQ(em_parse_str("openai", "{\"object\":\"list\"}", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(e.message, "data") != NULL);
    EXPECT_EQ(em_parse_str("ollama", "[]", &emb, &e), AILIB_DESERIALIZATION);
    ailib_error_clear(&e);
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_EQ(e.byte_pos, 9);
    EXPECT_TRUE(strstr(e.message, "not valid JSON") != NULL);
    EXPECT_EQ(em_parse_str("openai", "", &emb, &e), AILIB_DESERIALIZATION);
    EXPECT_TRUE(emb == NULL);
}

TEST(embed_parse_error_statuses) {
    ailib_embeddings *emb = (ailib_embeddings *)1;
    ailib_error e;
    ailib_error_clear(&e);
    EXPECT_EQ(em_parse_file("openai", "openai-error-401.json", 401, &emb, &e), AILIB_AUTH);
    EXPECT_TRUE(emb == NULL);
    EXPECT_EQ(e.code, AILIB_AUTH);
    EXPECT_EQ(e.http_status, 401);
    EXPECT_EQ(e.retryable, 0);
    EXPECT_STR_EQ(e.provider_code, "invalid_api_key");
    EXPECT_STR_EQ(e.provider_type, "invalid_request_error");
    EXPECT_TRUE(strstr(e.provider_message, "Incorrect API key") != NULL);
    ailib_error_clear(&e);
    EXPECT_EQ(em_parse_file("gemini", "gemini-error-400.json", 400, &emb, &e), AILIB_INVALID_REQUEST);
    EXPECT_STR_EQ(e.provider_type, "INVALID_ARGUMENT");
    EXPECT_TRUE(strstr(e.provider_message, "at most 100 requests") != NULL);
    ailib_error_clear(&e);
    EXPECT_EQ(em_parse_str("ollama", "{\"error\":\"model 'nomic' not found\"}", &emb, &e), AILIB_PROVIDER);
    EXPECT_STR_EQ(e.provider_message, "model 'nomic' not found");
    {
        ailib_endpoint ep = em_ep("ollama", NULL);
        static const char nf[] = "{\"error\":\"model 'nomic' not found\"}";
        ailib_error_clear(&e);
        EXPECT_EQ(ailib_wire_embed_parse(&ep, 404, nf, sizeof nf - 1, &emb, &e), AILIB_NOT_FOUND);
        ailib_error_clear(&e);
        EXPECT_EQ(ailib_wire_embed_parse(&ep, 503, "<html>busy</html>", 17, &emb, &e), AILIB_OVERLOADED);
        EXPECT_EQ(e.retryable, 1);
        EXPECT_TRUE(emb == NULL);
        /* status 0 means "unknown": the body decides */
        EXPECT_EQ(ailib_wire_embed_parse(&ep, 0, "{\"embeddings\":[[1]]}", 20, &emb, &e), AILIB_OK);
        EXPECT_EQ(ailib_embeddings_count(emb), 1);
        ailib_embeddings_destroy(emb);
        EXPECT_EQ(ailib_wire_embed_parse(&ep, 200, "{}", 2, NULL, &e), AILIB_INVALID_ARGUMENT);
        EXPECT_EQ(ailib_wire_embed_parse(NULL, 200, "{}", 2, &emb, &e), AILIB_INVALID_ARGUMENT);
    }
}

TEST(embed_getters_accept_null) {
    size_t d = 5;
    EXPECT_EQ(ailib_embeddings_count(NULL), 0);
    EXPECT_TRUE(ailib_embeddings_vector(NULL, 0, &d) == NULL);
    EXPECT_EQ(d, 0);
    EXPECT_TRUE(ailib_embeddings_usage(NULL) == NULL);
    EXPECT_STR_EQ(ailib_embeddings_model(NULL), "");
    ailib_embeddings_destroy(NULL);
    EXPECT_EQ(ailib_model_list_count(NULL), 0);
    EXPECT_TRUE(ailib_model_list_at(NULL, 0) == NULL);
    ailib_model_list_destroy(NULL);
}

/* --- parsing model lists -------------------------------------------------------------------- */

TEST(models_parse_openai_catalog_merge) {
    ailib_model_list *l = NULL;
    const ailib_model_entry *m;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(ml_parse_file("openai", "openai-models.json", 200, &l, &e), AILIB_OK);
    ASSERT_EQ(ailib_model_list_count(l), 4);
    /* the provider's order */
    m = ailib_model_list_at(l, 0);
    EXPECT_STR_EQ(m->id, "gpt-4o-mini");
    EXPECT_STR_EQ(m->owned_by, "system");
    EXPECT_EQ(m->context_window, 128000);
    EXPECT_EQ(m->max_output, 16384);
    EXPECT_EQ(m->caps, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA);
    ASSERT_TRUE(m->catalog != NULL);
    EXPECT_STR_EQ(m->catalog->name, "gpt-4o-mini");
    EXPECT_DBL_EQ(m->catalog->price_input, 0.15);
    m = ailib_model_list_at(l, 1);
    EXPECT_STR_EQ(m->id, "dall-e-3");
    EXPECT_STR_EQ(m->owned_by, "openai-internal");
    EXPECT_TRUE(m->catalog == NULL);
    EXPECT_EQ(m->context_window, 0);
    EXPECT_EQ(m->max_output, 0);
    EXPECT_EQ(m->caps, 0);
    /* a dated snapshot finds its catalog row by prefix */
    m = ailib_model_list_at(l, 2);
    EXPECT_STR_EQ(m->id, "gpt-4o-mini-2024-07-18");
    ASSERT_TRUE(m->catalog != NULL);
    EXPECT_STR_EQ(m->catalog->name, "gpt-4o-mini");
    EXPECT_EQ(m->context_window, 128000);
    m = ailib_model_list_at(l, 3);
    EXPECT_STR_EQ(m->id, "text-embedding-3-small");
    EXPECT_EQ(m->caps, AILIB_CAP_EMBEDDING);
    EXPECT_EQ(m->context_window, 8191);
    EXPECT_TRUE(ailib_model_list_at(l, 4) == NULL);
    ailib_model_list_destroy(l);
}

TEST(models_parse_openai_compatible_fields) {
    ailib_model_list *l = NULL;
    const ailib_model_entry *m;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(ml_parse_file("groq", "groq-models.json", 200, &l, &e), AILIB_OK);
    ASSERT_EQ(ailib_model_list_count(l), 3);
    /* what the provider says wins over the catalog; the catalog fills the rest */
    m = ailib_model_list_at(l, 0);
    EXPECT_STR_EQ(m->id, "llama-3.3-70b-versatile");
    EXPECT_STR_EQ(m->owned_by, "Meta");
    EXPECT_EQ(m->context_window, 100000);
    EXPECT_EQ(m->max_output, 32768);
    EXPECT_EQ(m->caps, AILIB_CAP_TOOLS);
    ASSERT_TRUE(m->catalog != NULL);
    EXPECT_EQ(m->catalog->context_window, 131072);
    m = ailib_model_list_at(l, 1);
    EXPECT_STR_EQ(m->id, "whisper-large-v3");
    EXPECT_EQ(m->context_window, 448);
    EXPECT_EQ(m->max_output, 0);
    EXPECT_TRUE(m->catalog == NULL);
    m = ailib_model_list_at(l, 2);
    EXPECT_STR_EQ(m->id, "openai/gpt-oss-20b");
    EXPECT_EQ(m->context_window, 131072);
    EXPECT_EQ(m->max_output, 65536);
    EXPECT_EQ(m->caps, AILIB_CAP_TOOLS | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA);
    ailib_model_list_destroy(l);
}

TEST(models_parse_anthropic) {
    ailib_model_list *l = NULL;
    const ailib_model_entry *m;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(ml_parse_file("anthropic", "anthropic-models.json", 200, &l, &e), AILIB_OK);
    ASSERT_EQ(ailib_model_list_count(l), 2);
    m = ailib_model_list_at(l, 0);
    EXPECT_STR_EQ(m->id, "claude-sonnet-4-5-20250929");
    EXPECT_STR_EQ(m->owned_by, "");
    ASSERT_TRUE(m->catalog != NULL);
    EXPECT_STR_EQ(m->catalog->name, "claude-sonnet-4-5");
    EXPECT_EQ(m->context_window, 200000);
    EXPECT_EQ(m->max_output, 64000);
    EXPECT_EQ(m->caps, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA);
    m = ailib_model_list_at(l, 1);
    EXPECT_STR_EQ(m->id, "claude-3-haiku-20240307");
    EXPECT_TRUE(m->catalog == NULL);
    EXPECT_EQ(m->context_window, 0);
    ailib_model_list_destroy(l);
    /* newer listings report limits and capabilities: they count where the catalog is silent */
    {
        static const char body[] = "{\"data\":[{\"type\":\"model\",\"id\":\"claude-next\",\"display_name\":\"Next\","
                                   "\"max_input_tokens\":500000,\"max_tokens\":64000,"
                                   "\"capabilities\":{\"image_input\":{\"supported\":true},\"thinking\":{\"supported\":false},"
                                   "\"structured_outputs\":{\"supported\":true}}}],\"has_more\":false}";
        ailib_endpoint ep = em_ep("anthropic", NULL);
        ASSERT_EQ(ailib_wire_models_parse(&ep, 200, body, sizeof body - 1, &l, &e), AILIB_OK);
        ASSERT_EQ(ailib_model_list_count(l), 1);
        m = ailib_model_list_at(l, 0);
        EXPECT_EQ(m->context_window, 500000);
        EXPECT_EQ(m->max_output, 64000);
        EXPECT_EQ(m->caps, AILIB_CAP_VISION | AILIB_CAP_JSON_SCHEMA);
        ailib_model_list_destroy(l);
    }
}

TEST(models_parse_gemini) {
    ailib_model_list *l = NULL;
    const ailib_model_entry *m;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(ml_parse_file("gemini", "gemini-models.json", 200, &l, &e), AILIB_OK);
    ASSERT_EQ(ailib_model_list_count(l), 3);
    m = ailib_model_list_at(l, 0);
    EXPECT_STR_EQ(m->id, "gemini-2.5-flash");   /* "models/" stripped */
    EXPECT_EQ(m->context_window, 1048576);
    EXPECT_EQ(m->max_output, 65536);
    ASSERT_TRUE(m->catalog != NULL);
    EXPECT_STR_EQ(m->catalog->name, "gemini-2.5-flash");
    EXPECT_EQ(m->caps, AILIB_CAP_TOOLS | AILIB_CAP_VISION | AILIB_CAP_REASONING | AILIB_CAP_JSON_SCHEMA | AILIB_CAP_AUDIO);
    m = ailib_model_list_at(l, 1);
    EXPECT_STR_EQ(m->id, "gemini-embedding-001");
    EXPECT_EQ(m->caps, AILIB_CAP_EMBEDDING);
    EXPECT_EQ(m->context_window, 2048);
    EXPECT_EQ(m->max_output, 1);   /* the provider said so */
    ASSERT_TRUE(m->catalog != NULL);
    m = ailib_model_list_at(l, 2);
    EXPECT_STR_EQ(m->id, "imagen-4.0-generate-001");
    EXPECT_TRUE(m->catalog == NULL);
    EXPECT_EQ(m->caps, 0);
    EXPECT_EQ(m->context_window, 480);
    EXPECT_EQ(m->max_output, 8192);
    EXPECT_STR_EQ(m->owned_by, "");
    ailib_model_list_destroy(l);
    /* a model the catalog does not know: the methods alone say it embeds */
    {
        static const char body[] = "{\"models\":[{\"name\":\"models/text-embedding-004\",\"inputTokenLimit\":2048,"
                                   "\"supportedGenerationMethods\":[\"embedContent\"]}]}";
        ailib_endpoint ep = em_ep("gemini", NULL);
        ASSERT_EQ(ailib_wire_models_parse(&ep, 200, body, sizeof body - 1, &l, &e), AILIB_OK);
        m = ailib_model_list_at(l, 0);
        ASSERT_TRUE(m != NULL);
        EXPECT_STR_EQ(m->id, "text-embedding-004");
        EXPECT_EQ(m->caps, AILIB_CAP_EMBEDDING);
        EXPECT_TRUE(m->catalog == NULL);
        ailib_model_list_destroy(l);
    }
}

TEST(models_parse_ollama) {
    ailib_model_list *l = NULL;
    const ailib_model_entry *m;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(ml_parse_file("ollama", "ollama-tags.json", 200, &l, &e), AILIB_OK);
    ASSERT_EQ(ailib_model_list_count(l), 3);
    m = ailib_model_list_at(l, 0);
    EXPECT_STR_EQ(m->id, "qwen3:8b");
    EXPECT_TRUE(m->catalog == NULL);
    EXPECT_EQ(m->context_window, 0);
    m = ailib_model_list_at(l, 1);
    EXPECT_STR_EQ(m->id, "llama3.2:latest");
    ASSERT_TRUE(m->catalog != NULL);
    EXPECT_STR_EQ(m->catalog->name, "llama3.2");
    EXPECT_EQ(m->context_window, 131072);
    EXPECT_EQ(m->caps, AILIB_CAP_TOOLS);
    m = ailib_model_list_at(l, 2);
    EXPECT_STR_EQ(m->id, "nomic-embed-text:latest");
    EXPECT_EQ(m->caps, AILIB_CAP_EMBEDDING);
    EXPECT_EQ(m->context_window, 8192);
    ailib_model_list_destroy(l);
    /* "model" stands in for a missing "name"; entries with neither are skipped */
    {
        static const char body[] = "{\"models\":[{\"model\":\"phi4:14b\"},{\"size\":1},7,{\"name\":\"\"}]}";
        ailib_endpoint ep = em_ep("ollama", NULL);
        ASSERT_EQ(ailib_wire_models_parse(&ep, 200, body, sizeof body - 1, &l, &e), AILIB_OK);
        ASSERT_EQ(ailib_model_list_count(l), 1);
        EXPECT_STR_EQ(ailib_model_list_at(l, 0)->id, "phi4:14b");
        ailib_model_list_destroy(l);
    }
}

TEST(models_parse_cohere) {
    ailib_model_list *l = NULL;
    const ailib_model_entry *m;
    ailib_error e;
    ailib_error_clear(&e);
    ASSERT_EQ(ml_parse_file("cohere", "cohere-models.json", 200, &l, &e), AILIB_OK);
    ASSERT_EQ(ailib_model_list_count(l), 3);
    m = ailib_model_list_at(l, 0);
    EXPECT_STR_EQ(m->id, "command-a-03-2025");
    EXPECT_EQ(m->context_window, 256000);
    EXPECT_EQ(m->max_output, 8000);   /* from the catalog */
    EXPECT_EQ(m->caps, AILIB_CAP_TOOLS | AILIB_CAP_JSON_SCHEMA);
    ASSERT_TRUE(m->catalog != NULL);
    m = ailib_model_list_at(l, 1);
    EXPECT_STR_EQ(m->id, "embed-v4.0");
    EXPECT_EQ(m->caps, AILIB_CAP_EMBEDDING | AILIB_CAP_VISION);
    EXPECT_EQ(m->context_window, 128000);
    m = ailib_model_list_at(l, 2);
    EXPECT_STR_EQ(m->id, "rerank-v3.5");
    EXPECT_TRUE(m->catalog == NULL);
    EXPECT_EQ(m->caps, 0);
    EXPECT_EQ(m->context_window, 4096);
    ailib_model_list_destroy(l);
}

TEST(models_parse_errors) {
    ailib_model_list *l = (ailib_model_list *)1;
    ailib_endpoint ep = em_ep("openai", NULL);
    ailib_error e;
    ailib_error_clear(&e);
    EXPECT_EQ(ml_parse_file("anthropic", "anthropic-error-401.json", 401, &l, &e), AILIB_AUTH);
    EXPECT_TRUE(l == NULL);
    EXPECT_EQ(e.http_status, 401);
    EXPECT_STR_EQ(e.provider_type, "authentication_error");
    EXPECT_STR_EQ(e.provider_message, "invalid x-api-key");
    EXPECT_STR_EQ(e.request_id, "req_011CSHoEeqs5C35K2UUqR7Fy");
    ailib_error_clear(&e);
    EXPECT_EQ(ml_parse_file("openai", "openai-error-401.json", 401, &l, &e), AILIB_AUTH);
    ailib_error_clear(&e);
    EXPECT_EQ(ml_parse_file("openai", "openai-error-401.json", 200, &l, &e), AILIB_AUTH);   /* error body under 200 */
    EXPECT_EQ(ailib_wire_models_parse(&ep, 429, "", 0, &l, &e), AILIB_RATE_LIMITED);
    EXPECT_EQ(ailib_wire_models_parse(&ep, 200, "{\"object\":\"list\"}", 17, &l, &e), AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(e.message, "data") != NULL);
    ep = em_ep("gemini", NULL);
    EXPECT_EQ(ailib_wire_models_parse(&ep, 200, "{\"data\":[]}", 11, &l, &e), AILIB_DESERIALIZATION);
    EXPECT_TRUE(strstr(e.message, "models") != NULL);
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_models_parse(&ep, 200, "{\"models\":[}", 12, &l, &e), AILIB_DESERIALIZATION);
    EXPECT_EQ(e.byte_pos, 11);
    ep = em_ep("bedrock", NULL);
    EXPECT_EQ(ailib_wire_models_parse(&ep, 200, "{}", 2, &l, &e), AILIB_UNSUPPORTED);
    EXPECT_TRUE(l == NULL);
    /* an empty list is a list */
    ep = em_ep("openai", NULL);
    ASSERT_EQ(ailib_wire_models_parse(&ep, 200, "{\"data\":[]}", 11, &l, &e), AILIB_OK);
    EXPECT_EQ(ailib_model_list_count(l), 0);
    ailib_model_list_destroy(l);
    /* OpenAI-compatible servers that answer with a bare array (Together) */
    ASSERT_EQ(ailib_wire_models_parse(&ep, 200, "[{\"id\":\"gpt-4o-mini\"}]", 22, &l, &e), AILIB_OK);
    ASSERT_EQ(ailib_model_list_count(l), 1);
    EXPECT_EQ(ailib_model_list_at(l, 0)->context_window, 128000);
    ailib_model_list_destroy(l);
}

/* --- allocator ------------------------------------------------------------------------------ */

typedef struct em_count_alloc { long live; long calls; } em_count_alloc;

static void *em_malloc(void *ctx, size_t n) {
    em_count_alloc *c = (em_count_alloc *)ctx;
    c->live++; c->calls++;
    return malloc(n);
}
static void *em_realloc(void *ctx, void *p, size_t old_n, size_t n) {
    em_count_alloc *c = (em_count_alloc *)ctx;
    (void)old_n;
    if (!p) c->live++;
    c->calls++;
    return realloc(p, n);
}
static void em_free(void *ctx, void *p) {
    em_count_alloc *c = (em_count_alloc *)ctx;
    if (p) c->live--;
    free(p);
}

/* Every allocation of build, parse and the results goes through the endpoint's allocator and
   is returned to it. */
TEST(embed_models_use_endpoint_allocator) {
    static const char *const in[] = { "a", "b" };
    em_count_alloc cnt = { 0, 0 };
    ailib_allocator al;
    ailib_endpoint ep = em_ep("openai", "k");
    ailib_embed_request q = em_req(in, 2);
    ailib_wire_request wr;
    ailib_embeddings *emb = NULL;
    ailib_model_list *l = NULL;
    size_t len = 0;
    char *body;
    ailib_error e;
    ailib_error_clear(&e);
    al.malloc_fn = em_malloc; al.realloc_fn = em_realloc; al.free_fn = em_free; al.ctx = &cnt;
    ep.allocator = &al;
    ASSERT_EQ(ailib_wire_embed_build(&ep, &q, &wr, &e), AILIB_OK);
    EXPECT_GT(cnt.live, 0);
    ailib_wire_request_deinit(&wr);
    ASSERT_EQ(ailib_wire_models_build(&ep, &wr, &e), AILIB_OK);
    ailib_wire_request_deinit(&wr);
    body = ailib_test_read_file("tests/fixtures/embed/openai-embeddings-base64.json", &len);
    ASSERT_TRUE(body != NULL);
    ASSERT_EQ(ailib_wire_embed_parse(&ep, 200, body, len, &emb, &e), AILIB_OK);
    free(body);
    EXPECT_EQ(ailib_embeddings_count(emb), 2);
    ailib_embeddings_destroy(emb);
    EXPECT_EQ(em_parse_str("openai", "{\"data\":[{\"index\":0,\"embedding\":[true]}]}", &emb, &e), AILIB_DESERIALIZATION);
    {
        static const char bad[] = "{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":1,\"embedding\":[\"x\"]}]}";
        EXPECT_EQ(ailib_wire_embed_parse(&ep, 200, bad, sizeof bad - 1, &emb, &e), AILIB_DESERIALIZATION);
    }
    body = ailib_test_read_file("tests/fixtures/embed/openai-models.json", &len);
    ASSERT_TRUE(body != NULL);
    ASSERT_EQ(ailib_wire_models_parse(&ep, 200, body, len, &l, &e), AILIB_OK);
    free(body);
    ailib_model_list_destroy(l);
    EXPECT_GT(cnt.calls, 4);
    EXPECT_EQ(cnt.live, 0);
}

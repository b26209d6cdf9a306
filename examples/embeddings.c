/* embeddings.c - several texts embedded in one call, then how alike each pair is (cosine
   similarity of their vectors).

   Build:  cc -std=c99 -I. examples/embeddings.c -o ex_embeddings -lcurl -lm
   Run:    AILIB_MODEL=openai/text-embedding-3-small OPENAI_API_KEY=... ./ex_embeddings
           make examples      (offline, against the bundled ailib-mock) */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double cosine(const float *a, const float *b, size_t dims) {
    double dot = 0, na = 0, nb = 0;
    size_t i;
    for (i = 0; i < dims; i++) {
        dot += (double)a[i] * b[i];
        na += (double)a[i] * a[i];
        nb += (double)b[i] * b[i];
    }
    return na > 0 && nb > 0 ? dot / (sqrt(na) * sqrt(nb)) : 0.0;
}

int main(int argc, char **argv) {
    static const char *const texts[] = {
        "The cat sleeps on the warm windowsill.",
        "A kitten naps in the sun by the window.",
        "Quarterly revenue grew by twelve percent.",
        "Profits rose sharply in the last quarter."
    };
    const size_t count = sizeof texts / sizeof texts[0];
    const char *env_model = getenv("AILIB_MODEL"), *mock_url = getenv("AILIB_MOCK_URL");
    char v1[512];
    ailib_client_desc cd;
    ailib_client *client;
    ailib_embed_request req;
    ailib_embeddings *emb = NULL;
    const ailib_model_info *info;
    const ailib_usage *usage;
    ailib_error err;
    size_t i, j, dims = 0;
    (void)argc;

    memset(&cd, 0, sizeof cd);
    if (env_model) cd.model = env_model;   /* a real provider; its key comes from its variable */
    else if (mock_url) {                   /* offline: the mock's vectors are derived from the text bytes */
        snprintf(v1, sizeof v1, "%s/v1", mock_url);
        cd.model = "openai/text-embedding-3-small", cd.base_url = v1, cd.api_key = "mock";
        printf("Running offline against ailib-mock at %s (its vectors are deterministic, not semantic)\n", v1);
    } else {
        fprintf(stderr, "Set AILIB_MODEL and the provider's key (AILIB_MODEL=openai/text-embedding-3-small OPENAI_API_KEY=... %s),\n"
                        "or run all examples offline against ailib-mock with: make examples\n", argv[0]);
        return 2;
    }
    if (!(client = ailib_client_create(&cd, &err))) { fprintf(stderr, "error: %s\n", err.message); return 1; }

    memset(&req, 0, sizeof req);
    req.inputs = texts;                    /* all in one call (split into batches only past the provider's limit) */
    req.input_count = count;
    /* req.model NULL: the provider's embedding model from the catalog. Use the client's model
       instead when the catalog says it is an embedding model. */
    info = ailib_model_find(ailib_client_provider(client)->name, ailib_client_model(client));
    if (info && (info->caps & AILIB_CAP_EMBEDDING)) req.model = ailib_client_model(client);
    if (ailib_embed(client, &req, &emb, &err) != AILIB_OK) {
        fprintf(stderr, "error: %s\n", err.message);   /* e.g. a provider without embeddings */
        ailib_client_destroy(client);
        ailib_global_cleanup();
        return 1;
    }
    ailib_embeddings_vector(emb, 0, &dims);
    usage = ailib_embeddings_usage(emb);
    printf("%lu vectors of %lu dims", (unsigned long)ailib_embeddings_count(emb), (unsigned long)dims);
    if (*ailib_embeddings_model(emb)) printf(" from %s", ailib_embeddings_model(emb));   /* "" when not reported */
    if (usage->reported & AILIB_USAGE_INPUT) printf(" (%lld input tokens)", (long long)usage->input_tokens);
    putchar('\n');
    for (i = 0; i < count; i++) printf("  [%lu] %s\n", (unsigned long)i, texts[i]);

    printf("cosine similarity:\n     ");
    for (j = 0; j < count; j++) printf("    [%lu]", (unsigned long)j);
    putchar('\n');
    for (i = 0; i < count; i++) {
        size_t di, dj;
        const float *a = ailib_embeddings_vector(emb, i, &di);
        printf("  [%lu]", (unsigned long)i);
        for (j = 0; j < count; j++) {
            const float *b = ailib_embeddings_vector(emb, j, &dj);
            printf(" %6.3f", di == dj ? cosine(a, b, di) : 0.0);
        }
        putchar('\n');
    }
    ailib_embeddings_destroy(emb);
    ailib_client_destroy(client);
    ailib_global_cleanup();
    return 0;
}

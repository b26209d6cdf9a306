/* vision.c - two images in one user message: one by its bytes (a tiny PNG embedded below,
   base64-encoded by the library) and one by URL, then a question about them.

   Build:  cc -std=c99 -I. examples/vision.c -o ex_vision -lcurl -lm
   Run:    AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... ./ex_vision
           make examples      (offline, against the bundled ailib-mock) */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An 8x8 PNG: a red and white checkerboard (82 bytes). */
static const unsigned char checkerboard_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x6d, 0x29,
    0xdc, 0x00, 0x00, 0x00, 0x19, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x78, 0x60, 0x60, 0xf0,
    0xff, 0xff, 0x7f, 0x4c, 0x92, 0x01, 0xab, 0x28, 0x90, 0x64, 0x18, 0x94, 0x3a, 0x00, 0x14, 0x63,
    0x87, 0xa1, 0x94, 0x7c, 0xc5, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42,
    0x60, 0x82
};

static const char photo_url[] =
    "https://upload.wikimedia.org/wikipedia/commons/4/47/PNG_transparency_demonstration_1.png";

int main(int argc, char **argv) {
    const char *model = getenv("AILIB_MODEL");
    const char *mock = getenv("AILIB_MOCK_URL");
    char mock_base[512];
    ailib_client_desc desc;
    ailib_client *client;
    ailib_part parts[3];
    ailib_message msg;
    ailib_request req;
    ailib_response *resp = NULL;
    ailib_error err;
    const ailib_usage *u;
    ailib_result rc;
    (void)argc;

    memset(&desc, 0, sizeof desc);
    if (model) {
        desc.model = model;                   /* a real provider: the key comes from its variable */
    } else if (mock) {
        snprintf(mock_base, sizeof mock_base, "%s/v1", mock);
        desc.base_url = mock_base;
        desc.model = "openai/gpt-4o-mini";    /* a vision model: the catalog is checked before sending */
        desc.api_key = "mock";
        printf("Running offline against ailib-mock at %s\n", mock_base);
    } else {
        fprintf(stderr, "Set AILIB_MODEL to a vision model and its key (AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... %s),\n"
                        "or run all examples offline against ailib-mock with: make examples\n", argv[0]);
        return 2;
    }
    client = ailib_client_create(&desc, &err);
    if (!client) { fprintf(stderr, "error: %s\n", err.message); return 1; }

    memset(parts, 0, sizeof parts);
    parts[0].type = AILIB_PART_IMAGE;         /* by bytes: sent base64-encoded (a data: URL or inline data) */
    parts[0].data = checkerboard_png;
    parts[0].data_len = sizeof checkerboard_png;
    parts[0].mime = "image/png";
    parts[1].type = AILIB_PART_IMAGE;         /* by URL: the provider fetches it */
    parts[1].url = photo_url;
    parts[2].type = AILIB_PART_TEXT;
    parts[2].text = "Describe each of these two images in one short sentence.";
    memset(&msg, 0, sizeof msg);
    msg.role = AILIB_ROLE_USER;
    msg.parts = parts;
    msg.part_count = 3;
    memset(&req, 0, sizeof req);
    req.messages = &msg;
    req.message_count = 1;
    req.max_tokens = 300;
    printf("user: [image/png, %lu bytes] [%s] %s\n", (unsigned long)sizeof checkerboard_png, photo_url, parts[2].text);

    rc = ailib_chat(client, &req, &resp, &err);
    if (rc == AILIB_OK) {
        u = ailib_response_usage(resp);
        printf("assistant: %s\n", ailib_response_text(resp, NULL));
        printf("(%s, %lld tokens in, %lld out)\n", ailib_response_model(resp), (long long)u->input_tokens,
               (long long)u->output_tokens);
    } else {
        fprintf(stderr, "error: %s\n", err.message);   /* e.g. AILIB_UNSUPPORTED for a model without vision */
    }
    ailib_response_destroy(resp);
    ailib_client_destroy(client);
    ailib_global_cleanup();
    return rc == AILIB_OK ? 0 : 1;
}

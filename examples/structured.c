/* structured.c - structured output: a JSON Schema in, a parsed and validated JSON value out
   (ailib_chat_json), read back with the library's JSON reader.

   Build:  cc -std=c99 -I. examples/structured.c -o ex_structured -lcurl -lm
   Run:    AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... ./ex_structured
           make examples      (offline, against the bundled ailib-mock) */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every property required and no others: what OpenAI's strict mode asks for. */
static const char contact_schema[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"age\":{\"type\":\"integer\",\"minimum\":0},"
    "\"email\":{\"type\":\"string\"},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
    "\"enum\":[\"math\",\"engineering\",\"writing\",\"music\",\"other\"]}}},"
    "\"required\":[\"name\",\"age\",\"email\",\"tags\"],\"additionalProperties\":false}";

int main(int argc, char **argv) {
    const char *model = getenv("AILIB_MODEL"), *mock = getenv("AILIB_MOCK_URL");
    char url[512];
    ailib_client_desc desc;
    ailib_client *client;
    ailib_message msg;
    ailib_request req;
    ailib_response *resp = NULL;
    const ailib_json *contact = NULL, *tag;
    ailib_error err;
    ailib_result rc;
    size_t i;
    (void)argc;

    memset(&desc, 0, sizeof desc);
    if (!model && !mock) {
        fprintf(stderr, "Set AILIB_MODEL and the provider's key (AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... %s),\n"
                        "or run all examples offline against ailib-mock with: make examples\n", argv[0]);
        return 2;
    }
    if (model) desc.model = model;            /* a real provider: the key comes from its variable */
    else {
        snprintf(url, sizeof url, "%s/v1", mock);
        desc.model = "openai/gpt-4o-mini";    /* its catalog row has JSON schema: sent as response_format */
        desc.base_url = url;
        desc.api_key = "mock";
        printf("Running offline against ailib-mock at %s\n", url);
    }
    client = ailib_client_create(&desc, &err);
    if (!client) { fprintf(stderr, "error: %s\n", err.message); return 1; }

    memset(&msg, 0, sizeof msg);
    msg.role = AILIB_ROLE_USER;
    msg.text = "Ada Lovelace, 36, writes about the Analytical Engine and its mathematics; "
               "reach her at ada@example.org.";
    memset(&req, 0, sizeof req);
    req.system = "Extract the contact described by the user.";
    req.messages = &msg;
    req.message_count = 1;
    req.max_tokens = 500;
    req.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
    req.response_format.name = "contact";
    req.response_format.schema = contact_schema;
    req.response_format.strict = 1;           /* mode AUTO: native, forced tool or prompt, per provider and model */
    printf("user: %s\n", msg.text);

    rc = ailib_chat_json(client, &req, &resp, &contact, &err);
    if (rc == AILIB_OK) {                     /* contact matches the schema: no type checks needed */
        printf("name: %s\n", ailib_json_str(ailib_json_get(contact, "name"), NULL));
        printf("age: %lld\n", (long long)ailib_json_int(ailib_json_get(contact, "age")));
        printf("email: %s\n", ailib_json_str(ailib_json_get(contact, "email"), NULL));
        printf("tags:");
        tag = ailib_json_first(ailib_json_get(contact, "tags"));
        for (i = 0; i < ailib_json_size(ailib_json_get(contact, "tags")); i++, tag = ailib_json_next(tag))
            printf("%s %s", i ? "," : "", ailib_json_str(tag, NULL));
        printf("\n(%lld tokens in, %lld out)\n", (long long)ailib_response_usage(resp)->input_tokens,
               (long long)ailib_response_usage(resp)->output_tokens);
    } else if (rc == AILIB_SCHEMA_MISMATCH) { /* still wrong after the one repair round */
        fprintf(stderr, "error: %s (at %s)\nthe reply was: %s\n", err.message, err.json_path,
                resp ? ailib_response_text(resp, NULL) : "");
    } else {
        fprintf(stderr, "error: %s\n", err.message);
    }
    ailib_response_destroy(resp);
    ailib_client_destroy(client);
    ailib_global_cleanup();
    return rc == AILIB_OK ? 0 : 1;
}

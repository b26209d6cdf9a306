/* Structured output: the route each protocol takes (native, forced tool, prompt), the request
   bodies it gives, reading the answer back (text, fences, prose, tool input), validation
   errors with paths, and the repair round through the engine against ailib-mock. */
#include "test.h"
#include "replay.h"
#include "mockctl.h"
#include "../ailib.h"
#include <stdlib.h>
#include <string.h>

static const char PERSON[] =
    "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\",\"minimum\":0},"
    "\"role\":{\"type\":\"string\",\"enum\":[\"admin\",\"user\"]},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
    "\"required\":[\"name\",\"age\",\"role\"],\"additionalProperties\":false}";

static ailib_request person_request(ailib_message *m, const char *model, ailib_format_mode mode) {
    ailib_request q;
    memset(m, 0, sizeof *m);
    memset(&q, 0, sizeof q);
    m->role = AILIB_ROLE_USER;
    m->text = "Ada Lovelace, 36, admin.";
    q.model = model;
    q.messages = m;
    q.message_count = 1;
    q.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
    q.response_format.name = "person";
    q.response_format.schema = PERSON;
    q.response_format.mode = mode;
    return q;
}

static const ailib_json *at_path(const ailib_json *v, const char *a, const char *b, const char *c) {
    if (v && a) v = ailib_json_get(v, a);
    if (v && b) v = ailib_json_get(v, b);
    if (v && c) v = ailib_json_get(v, c);
    return v;
}

static const char *str_at(const ailib_json *v, const char *a, const char *b, const char *c) {
    return ailib_json_str(at_path(v, a, b, c), NULL);
}

/* The system text of a body, in the protocol's place for it. */
static const char *system_text(const char *provider, const ailib_json *root) {
    const ailib_json *msgs = ailib_json_get(root, "messages"), *first;
    if (!strcmp(provider, "anthropic")) return ailib_json_str(ailib_json_get(root, "system"), NULL);
    if (!strcmp(provider, "gemini")) return ailib_json_str(ailib_json_get(ailib_json_at(at_path(root, "systemInstruction", "parts", NULL), 0), "text"), NULL);
    if (!strcmp(provider, "bedrock")) return ailib_json_str(ailib_json_get(ailib_json_at(ailib_json_get(root, "system"), 0), "text"), NULL);
    first = ailib_json_at(msgs, 0);
    return ailib_json_str(ailib_json_get(first, "content"), NULL);
}

TEST(structured_native_openai_response_format) {
    ailib_message m;
    ailib_request q = person_request(&m, "gpt-6-sol", AILIB_FORMAT_MODE_AUTO);
    replay_body b;
    ailib_error err;
    q.response_format.strict = 1;
    ASSERT_EQ(replay_build("openai", "k", &q, 0, &b, &err), AILIB_OK);
    EXPECT_STR_EQ(str_at(b.root, "response_format", "type", NULL), "json_schema");
    EXPECT_STR_EQ(str_at(b.root, "response_format", "json_schema", "name"), "person");
    EXPECT_TRUE(ailib_json_bool(at_path(b.root, "response_format", "json_schema", "strict")));
    EXPECT_STR_EQ(str_at(b.root, "response_format", "json_schema", "schema") ? "?" : NULL, NULL);
    EXPECT_STR_EQ(str_at(at_path(b.root, "response_format", "json_schema", "schema"), "properties", "role", "type"), "string");
    EXPECT_TRUE(ailib_json_get(b.root, "tools") == NULL);
    EXPECT_EQ(ailib_json_size(ailib_json_get(b.root, "messages")), 1);   /* no instruction added */
    replay_body_free(&b);
}

TEST(structured_native_anthropic_output_config) {
    ailib_message m;
    ailib_request q = person_request(&m, "claude-haiku-5-5", AILIB_FORMAT_MODE_AUTO);
    replay_body b;
    ailib_error err;
    ASSERT_EQ(replay_build("anthropic", "k", &q, 0, &b, &err), AILIB_OK);
    EXPECT_STR_EQ(str_at(b.root, "output_config", "format", "type"), "json_schema");
    EXPECT_STR_EQ(str_at(at_path(b.root, "output_config", "format", "schema"), "properties", "name", "type"), "string");
    EXPECT_TRUE(ailib_json_get(b.root, "tools") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "system") == NULL);
    replay_body_free(&b);
}

TEST(structured_tool_route_anthropic_forced_tool) {
    ailib_message m;
    ailib_request q = person_request(&m, "claude-haiku-5-5", AILIB_FORMAT_MODE_TOOL);
    ailib_tool other;
    replay_body b;
    ailib_error err;
    const ailib_json *tools;
    memset(&other, 0, sizeof other);
    other.name = "lookup";
    q.tools = &other;
    q.tool_count = 1;
    ASSERT_EQ(replay_build("anthropic", "k", &q, 0, &b, &err), AILIB_OK);
    tools = ailib_json_get(b.root, "tools");
    ASSERT_EQ(ailib_json_size(tools), 2);
    EXPECT_STR_EQ(str_at(ailib_json_at(tools, 0), "name", NULL, NULL), "lookup");
    EXPECT_STR_EQ(str_at(ailib_json_at(tools, 1), "name", NULL, NULL), "person");
    EXPECT_TRUE(at_path(ailib_json_at(tools, 1), "input_schema", "properties", "age") != NULL);
    EXPECT_STR_EQ(str_at(b.root, "tool_choice", "type", NULL), "tool");
    EXPECT_STR_EQ(str_at(b.root, "tool_choice", "name", NULL), "person");
    EXPECT_TRUE(ailib_json_get(b.root, "output_config") == NULL);
    replay_body_free(&b);
}

TEST(structured_auto_bedrock_uses_forced_tool) {
    ailib_message m;
    ailib_request q = person_request(&m, "anthropic.claude-haiku-5-5", AILIB_FORMAT_MODE_AUTO);
    ailib_endpoint ep;
    ailib_wire_request wr;
    ailib_error err;
    ailib_json_doc *d = NULL;
    const ailib_json *root, *spec;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("bedrock");
    ep.base_url = "https://bedrock-runtime.us-east-1.amazonaws.com";
    ep.api_key = "k";
    ASSERT_EQ(ailib_wire_request_build(&ep, &q, 0, &wr, &err), AILIB_OK);
    ASSERT_EQ(ailib_json_parse(wr.body, wr.body_len, NULL, &d, &err), AILIB_OK);
    root = ailib_json_doc_root(d);
    spec = ailib_json_get(ailib_json_at(at_path(root, "toolConfig", "tools", NULL), 0), "toolSpec");
    EXPECT_STR_EQ(str_at(spec, "name", NULL, NULL), "person");
    EXPECT_STR_EQ(str_at(spec, "inputSchema", "json", "type"), "object");
    EXPECT_STR_EQ(str_at(root, "toolConfig", "toolChoice", NULL) ? NULL : str_at(at_path(root, "toolConfig", "toolChoice", "tool"), "name", NULL, NULL), "person");
    ailib_json_doc_destroy(d);
    ailib_wire_request_deinit(&wr);
    /* NATIVE is refused with what to do instead */
    q.response_format.mode = AILIB_FORMAT_MODE_NATIVE;
    EXPECT_EQ(ailib_wire_request_build(&ep, &q, 0, &wr, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "AILIB_FORMAT_MODE_AUTO") != NULL);
}

TEST(structured_native_gemini_schema_rewritten) {
    ailib_message m;
    ailib_request q = person_request(&m, "gemini-3-flash", AILIB_FORMAT_MODE_AUTO);
    replay_body b;
    ailib_error err;
    const ailib_json *gc, *rs;
    ASSERT_EQ(replay_build("gemini", "k", &q, 0, &b, &err), AILIB_OK);
    gc = ailib_json_get(b.root, "generationConfig");
    EXPECT_STR_EQ(str_at(gc, "responseMimeType", NULL, NULL), "application/json");
    rs = ailib_json_get(gc, "responseSchema");
    ASSERT_TRUE(rs != NULL);
    EXPECT_TRUE(ailib_json_get(rs, "additionalProperties") == NULL);   /* Gemini rejects it */
    EXPECT_EQ(ailib_json_size(ailib_json_get(rs, "propertyOrdering")), 4);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_at(at_path(rs, "properties", "role", "enum"), 1), NULL), "user");
    EXPECT_TRUE(ailib_json_get(gc, "responseJsonSchema") == NULL);
    replay_body_free(&b);
    /* a recursive schema has no OpenAPI form: it goes whole as responseJsonSchema */
    q.response_format.schema = "{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}}}";
    ASSERT_EQ(replay_build("gemini", "k", &q, 0, &b, &err), AILIB_OK);
    gc = ailib_json_get(b.root, "generationConfig");
    EXPECT_TRUE(ailib_json_get(gc, "responseSchema") == NULL);
    EXPECT_STR_EQ(str_at(gc, "responseJsonSchema", "properties", "kids") ? NULL : str_at(at_path(gc, "responseJsonSchema", "properties", "kids"), "items", "$ref", NULL), "#");
    replay_body_free(&b);
}

TEST(structured_native_ollama_cohere_responses) {
    ailib_message m;
    ailib_request q = person_request(&m, NULL, AILIB_FORMAT_MODE_AUTO);
    replay_body b;
    ailib_error err;
    ASSERT_EQ(replay_build("ollama", NULL, &q, 0, &b, &err), AILIB_OK);
    EXPECT_STR_EQ(str_at(b.root, "format", "type", NULL), "object");
    EXPECT_STR_EQ(str_at(b.root, "format", "properties", "age") ? NULL : str_at(at_path(b.root, "format", "properties", "age"), "type", NULL, NULL), "integer");
    replay_body_free(&b);
    ASSERT_EQ(replay_build("cohere", "k", &q, 0, &b, &err), AILIB_OK);
    EXPECT_STR_EQ(str_at(b.root, "response_format", "type", NULL), "json_object");
    EXPECT_STR_EQ(str_at(at_path(b.root, "response_format", "json_schema", NULL), "required", NULL, NULL) ? NULL :
                  ailib_json_str(ailib_json_at(at_path(b.root, "response_format", "json_schema", "required"), 2), NULL), "role");
    replay_body_free(&b);
    ASSERT_EQ(replay_build("openai-responses", "k", &q, 0, &b, &err), AILIB_OK);
    EXPECT_STR_EQ(str_at(b.root, "text", "format", "type"), "json_schema");
    EXPECT_STR_EQ(str_at(b.root, "text", "format", "name"), "person");
    replay_body_free(&b);
}

TEST(structured_prompt_route_for_models_without_json_schema) {
    ailib_message m;
    ailib_request q = person_request(&m, "deepseek-flash", AILIB_FORMAT_MODE_AUTO);
    replay_body b;
    ailib_error err;
    const char *sys;
    q.system = "You extract people.";
    ASSERT_EQ(replay_build("deepseek", "k", &q, 0, &b, &err), AILIB_OK);
    EXPECT_STR_EQ(str_at(b.root, "response_format", "type", NULL), "json_object");   /* JSON mode */
    sys = system_text("deepseek", b.root);
    ASSERT_TRUE(sys != NULL);
    EXPECT_TRUE(!strncmp(sys, "You extract people.\n\nAnswer with a single JSON value", 52));
    EXPECT_TRUE(strstr(sys, "validate against this JSON Schema:\n{\"type\":\"object\"") != NULL);
    EXPECT_TRUE(strstr(sys, PERSON) != NULL);   /* the schema verbatim, to the end */
    EXPECT_EQ(strlen(strstr(sys, PERSON)), strlen(PERSON));
    replay_body_free(&b);
    /* forced PROMPT on Anthropic: the instruction only, no JSON mode exists there */
    q = person_request(&m, "claude-haiku-5-5", AILIB_FORMAT_MODE_PROMPT);
    ASSERT_EQ(replay_build("anthropic", "k", &q, 0, &b, &err), AILIB_OK);
    sys = system_text("anthropic", b.root);
    EXPECT_TRUE(sys && !strncmp(sys, "Answer with a single JSON value", 31));
    EXPECT_TRUE(ailib_json_get(b.root, "output_config") == NULL);
    replay_body_free(&b);
    /* AILIB_FORMAT_JSON on OpenAI: json_object, and the instruction the mode requires */
    q = person_request(&m, "gpt-6-sol", AILIB_FORMAT_MODE_AUTO);
    q.response_format.type = AILIB_FORMAT_JSON;
    q.response_format.schema = NULL;
    ASSERT_EQ(replay_build("openai", "k", &q, 0, &b, &err), AILIB_OK);
    EXPECT_STR_EQ(str_at(b.root, "response_format", "type", NULL), "json_object");
    sys = system_text("openai", b.root);
    EXPECT_TRUE(sys && strstr(sys, "JSON") && !strstr(sys, "Schema"));
    replay_body_free(&b);
}

TEST(structured_route_errors) {
    ailib_message m;
    ailib_request q = person_request(&m, "gpt-6-sol", AILIB_FORMAT_MODE_TOOL);
    ailib_tool clash;
    replay_body b;
    ailib_error err;
    q.response_format.schema = "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}";
    EXPECT_EQ(replay_build("openai", "k", &q, 0, &b, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "object") != NULL);
    q.response_format.schema = PERSON;
    memset(&clash, 0, sizeof clash);
    clash.name = "person";
    q.tools = &clash;
    q.tool_count = 1;
    EXPECT_EQ(replay_build("openai", "k", &q, 0, &b, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "response_format.name") != NULL);
    q.tool_count = 0;
    q.response_format.mode = (ailib_format_mode)9;
    EXPECT_EQ(replay_build("openai", "k", &q, 0, &b, &err), AILIB_INVALID_ARGUMENT);
    q.response_format.mode = AILIB_FORMAT_MODE_NATIVE;
    q.response_format.type = AILIB_FORMAT_JSON;
    EXPECT_EQ(replay_build("anthropic", "k", &q, 0, &b, &err), AILIB_UNSUPPORTED);
    q.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
    q.response_format.schema = "{\"type\":";
    q.response_format.mode = AILIB_FORMAT_MODE_AUTO;
    EXPECT_EQ(replay_build("gemini", "k", &q, 0, &b, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "response_format.schema") != NULL);
}

/* --- reading the answer ------------------------------------------------------------------- */

static ailib_response *openai_reply(const char *content_json_string, const char *finish) {
    ailib_endpoint ep;
    ailib_response *r = NULL;
    ailib_error err;
    char body[2048];
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("openai");
    snprintf(body, sizeof body,
             "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"gpt-6-sol\",\"choices\":[{\"index\":0,"
             "\"message\":{\"role\":\"assistant\",\"content\":%s},\"finish_reason\":\"%s\"}]}", content_json_string, finish);
    if (ailib_wire_response_parse(&ep, 200, body, strlen(body), &r, &err) != AILIB_OK)
        ailib_test_fail(__FILE__, __LINE__, "parse: %s", err.message);
    return r;
}

static ailib_response_format person_format(void) {
    ailib_response_format f;
    memset(&f, 0, sizeof f);
    f.type = AILIB_FORMAT_JSON_SCHEMA;
    f.name = "person";
    f.schema = PERSON;
    return f;
}

TEST(structured_answer_from_text_fences_and_prose) {
    static const char *const replies[] = {
        "\"{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":36,\\\"role\\\":\\\"admin\\\"}\"",
        "\"```json\\n{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":36,\\\"role\\\":\\\"admin\\\"}\\n```\"",
        "\"Here you go:\\n{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":36,\\\"role\\\":\\\"admin\\\"}\\nAnything else?\"",
        "\"  \\n {\\\"name\\\":\\\"Ada\\\",\\\"age\\\":36,\\\"role\\\":\\\"admin\\\",\\\"tags\\\":[]} \\n\""
    };
    ailib_response_format f = person_format();
    size_t i;
    for (i = 0; i < sizeof replies / sizeof replies[0]; i++) {
        ailib_response *r = openai_reply(replies[i], "stop");
        const ailib_json *v = NULL;
        ailib_error err;
        ASSERT_TRUE(r != NULL);
        EXPECT_EQ(ailib_response_json(r, &f, &v, &err), AILIB_OK);
        EXPECT_STR_EQ(ailib_json_str(ailib_json_get(v, "name"), NULL), "Ada");
        EXPECT_EQ(ailib_json_int(ailib_json_get(v, "age")), 36);
        ailib_response_destroy(r);
    }
}

TEST(structured_answer_mismatch_has_path) {
    ailib_response_format f = person_format();
    ailib_response *r = openai_reply("\"{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":-1,\\\"role\\\":\\\"admin\\\"}\"", "stop");
    const ailib_json *v = (const ailib_json *)&f;
    ailib_error err;
    ASSERT_TRUE(r != NULL);
    EXPECT_EQ(ailib_response_json(r, &f, &v, &err), AILIB_SCHEMA_MISMATCH);
    EXPECT_TRUE(v == NULL);
    EXPECT_STR_EQ(err.json_path, "$.age");
    EXPECT_TRUE(strstr(err.message, "does not match the schema") != NULL);
    ailib_response_destroy(r);
    r = openai_reply("\"{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":3,\\\"role\\\":\\\"root\\\"}\"", "stop");
    EXPECT_EQ(ailib_response_json(r, &f, NULL, &err), AILIB_SCHEMA_MISMATCH);
    EXPECT_STR_EQ(err.json_path, "$.role");
    ailib_response_destroy(r);
    r = openai_reply("\"Sure! {\\\"name\\\": \"", "stop");
    EXPECT_EQ(ailib_response_json(r, &f, NULL, &err), AILIB_SCHEMA_MISMATCH);
    EXPECT_STR_EQ(err.json_path, "$");
    EXPECT_TRUE(strstr(err.message, "not JSON") != NULL && strstr(err.message, "Sure!") != NULL);
    ailib_response_destroy(r);
    r = openai_reply("\"I cannot help with that.\"", "content_filter");
    EXPECT_EQ(ailib_response_json(r, &f, NULL, &err), AILIB_CONTENT_FILTER);
    ailib_response_destroy(r);
    /* a broken schema is the caller's mistake, not the model's */
    r = openai_reply("\"{}\"", "stop");
    f.schema = "5";
    EXPECT_EQ(ailib_response_json(r, &f, NULL, &err), AILIB_INVALID_ARGUMENT);
    f.type = AILIB_FORMAT_TEXT;
    EXPECT_EQ(ailib_response_json(r, &f, NULL, &err), AILIB_INVALID_ARGUMENT);
    f.type = AILIB_FORMAT_JSON;
    EXPECT_EQ(ailib_response_json(r, &f, NULL, &err), AILIB_OK);   /* any JSON */
    ailib_response_destroy(r);
}

TEST(structured_answer_from_forced_tool_input) {
    static const char body[] =
        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-haiku-5-5\",\"content\":["
        "{\"type\":\"text\",\"text\":\"Calling the tool.\"},"
        "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"person\",\"input\":{\"name\":\"Ada\",\"age\":36,\"role\":\"user\",\"tags\":[\"math\"]}}],"
        "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}";
    ailib_endpoint ep;
    ailib_response *r = NULL;
    ailib_response_format f = person_format();
    const ailib_json *v = NULL;
    ailib_error err;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("anthropic");
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, body, strlen(body), &r, &err), AILIB_OK);
    ASSERT_EQ(ailib_response_json(r, &f, &v, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(v, "role"), NULL), "user");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_at(ailib_json_get(v, "tags"), 0), NULL), "math");
    /* read twice: the second read replaces the first document */
    ASSERT_EQ(ailib_response_json(r, &f, &v, &err), AILIB_OK);
    EXPECT_EQ(ailib_json_int(ailib_json_get(v, "age")), 36);
    ailib_response_destroy(r);
}

/* Streamed answers: the forced tool's input arrives as input_json_delta pieces (Anthropic) and
   the native answer as text deltas (OpenAI); both read back the same at every chunking. */
TEST(structured_answer_from_streams) {
    static const char an[] =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"type\":\"message\",\"role\":\"assistant\","
        "\"model\":\"claude-haiku-5-5\",\"content\":[],\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\","
        "\"id\":\"toolu_s\",\"name\":\"person\",\"input\":{}}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"name\\\": \\\"Gr\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"ace\\\", \\\"age\\\": 85, \"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"role\\\": \\\"admin\\\"}\"}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":20}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    static const char oa[] =
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-6-sol\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"{\\\"name\\\":\"}}]}\n\n"
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-6-sol\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\\"Grace\\\",\\\"age\\\":85,\"}}]}\n\n"
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-6-sol\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\\"role\\\":\\\"user\\\"}\"},\"finish_reason\":\"stop\"}]}\n\n"
        "data: [DONE]\n\n";
    ailib_response_format f = person_format();
    replay_run r;
    const ailib_json *v = NULL;
    ailib_error err;
    ASSERT_TRUE(replay_all_ways("anthropic", an, sizeof an - 1, 1, &r));
    ASSERT_EQ(ailib_response_json(r.resp, &f, &v, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(v, "name"), NULL), "Grace");
    EXPECT_EQ(ailib_json_int(ailib_json_get(v, "age")), 85);
    replay_free(&r);
    ASSERT_TRUE(replay_all_ways("openai", oa, sizeof oa - 1, 1, &r));
    ASSERT_EQ(ailib_response_json(r.resp, &f, &v, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(v, "role"), NULL), "user");
    replay_free(&r);
}

/* --- through the engine against ailib-mock ------------------------------------------------- */

static ailib_client *mock_client(const char *model, const char *spec) {
    const mock_server *m = mock_shared();
    char base[512], prov[64];
    const char *slash = strchr(model, '/');
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    if (!m) { ailib_test_fail(__FILE__, __LINE__, "ailib-mock could not be started"); return NULL; }
    snprintf(prov, sizeof prov, "%.*s", (int)(slash - model), model);
    mock_url(m, spec, !strcmp(prov, "gemini") ? "/v1beta" : !strcmp(prov, "cohere") ? "/v2" : !strcmp(prov, "ollama") ? "" : "/v1",
             base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = model;
    d.base_url = base;
    d.api_key = "test-key";
    c = ailib_client_create(&d, &err);
    if (!c) ailib_test_fail(__FILE__, __LINE__, "client_create(%s): %s", model, err.message);
    return c;
}

/* Every route on every protocol the mock speaks: the answer is the schema-shaped value. */
TEST(structured_engine_every_protocol_and_route) {
    static const char *models[] = { "openai/gpt-6-sol", "anthropic/claude-haiku-5-5", "gemini/gemini-3.8-flash",
                                    "ollama/llama3.2", "cohere/command-a-plus-05-2026", "deepseek/deepseek-flash" };
    static const ailib_format_mode modes[] = { AILIB_FORMAT_MODE_AUTO, AILIB_FORMAT_MODE_TOOL, AILIB_FORMAT_MODE_PROMPT };
    size_t i, k;
    for (i = 0; i < sizeof models / sizeof models[0]; i++)
        for (k = 0; k < 3; k++) {
            ailib_client *c = mock_client(models[i], NULL);
            ailib_message m;
            ailib_request q = person_request(&m, NULL, modes[k]);
            ailib_response *r = NULL;
            const ailib_json *v = NULL;
            ailib_error err;
            ASSERT_TRUE(c != NULL);
            if (modes[k] == AILIB_FORMAT_MODE_TOOL && !strncmp(models[i], "ollama/", 7)) {
                /* Ollama cannot force a tool call: refused before sending */
                EXPECT_EQ(ailib_chat_json(c, &q, &r, &v, &err), AILIB_UNSUPPORTED);
                EXPECT_TRUE(strstr(err.message, "force") != NULL);
                ailib_client_destroy(c);
                continue;
            }
            if (ailib_chat_json(c, &q, &r, &v, &err) != AILIB_OK)
                ailib_test_fail(__FILE__, __LINE__, "%s mode %d: %s", models[i], (int)modes[k], err.message);
            ASSERT_TRUE(v != NULL);
            EXPECT_TRUE(ailib_json_is_string(ailib_json_get(v, "name")));
            EXPECT_TRUE(ailib_json_is_number(ailib_json_get(v, "age")));
            EXPECT_STR_EQ(ailib_json_str(ailib_json_get(v, "role"), NULL), "admin");   /* enum[0] */
            ailib_response_destroy(r);
            ailib_client_destroy(c);
        }
}

/* A reply that is not JSON, or not the schema's shape, gets exactly one repair round, on the
   text route and on the tool route; usage adds up over both calls. */
TEST(structured_engine_repair_round) {
    static const char *specs[] = { "bad_json=syntax", "bad_json=schema" };
    static const char *models[] = { "openai/gpt-6-sol", "anthropic/claude-haiku-5-5", "gemini/gemini-3.8-flash", "ollama/llama3.2" };
    size_t i, k;
    int tool;   /* the tool route on every protocol that can force a tool (not Ollama) */
    for (i = 0; i < sizeof models / sizeof models[0]; i++)
        for (k = 0; k < 2; k++)
            for (tool = 0; tool < (strncmp(models[i], "ollama/", 7) ? 2 : 1); tool++) {
                ailib_client *c = mock_client(models[i], specs[k]);
                ailib_message m;
                ailib_request q = person_request(&m, NULL, tool ? AILIB_FORMAT_MODE_TOOL : AILIB_FORMAT_MODE_AUTO);
                ailib_response *r = NULL, *once = NULL;
                const ailib_json *v = NULL;
                ailib_error err;
                long before;
                ASSERT_TRUE(c != NULL);
                before = mock_count(mock_shared(), specs[k]);
                if (ailib_chat_json(c, &q, &r, &v, &err) != AILIB_OK)
                    ailib_test_fail(__FILE__, __LINE__, "%s %s tool=%d: %s", models[i], specs[k], tool, err.message);
                EXPECT_EQ(mock_count(mock_shared(), specs[k]) - before, 2);
                EXPECT_STR_EQ(ailib_json_str(ailib_json_get(v, "role"), NULL), "admin");
                /* the first reply alone fails: read it with ailib_chat + ailib_response_json */
                EXPECT_EQ(ailib_chat(c, &q, &once, &err), AILIB_OK);
                EXPECT_EQ(ailib_response_json(once, &q.response_format, NULL, &err), AILIB_SCHEMA_MISMATCH);
                EXPECT_GT(ailib_response_usage(r)->input_tokens, ailib_response_usage(once)->input_tokens);
                ailib_response_destroy(once);
                ailib_response_destroy(r);
                ailib_client_destroy(c);
            }
}

/* When the repaired reply still does not match, the error says so, with the path; *out holds
   the last reply. Forced with times=N larger than 2: every reply is broken. */
TEST(structured_engine_repair_fails_typed) {
    /* status=200,body=<percent-encoded chat.completion whose content has age -3> */
    ailib_client *c = mock_client("openai/gpt-6-sol", "status=200,body=%7B%22id%22%3A%22x%22%2C%22object%22%3A%22chat.completion%22%2C%22model%22%3A%22m%22%2C%22choices%22%3A%5B%7B%22index%22%3A0%2C%22message%22%3A%7B%22role%22%3A%22assistant%22%2C%22content%22%3A%22%7B%5C%22name%5C%22%3A%5C%22A%5C%22%2C%5C%22age%5C%22%3A-3%2C%5C%22role%5C%22%3A%5C%22admin%5C%22%7D%22%7D%2C%22finish_reason%22%3A%22stop%22%7D%5D%7D");
    ailib_message m;
    ailib_request q = person_request(&m, NULL, AILIB_FORMAT_MODE_AUTO);
    ailib_response *r = NULL;
    const ailib_json *v = NULL;
    ailib_error err;
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(ailib_chat_json(c, &q, &r, &v, &err), AILIB_SCHEMA_MISMATCH);
    EXPECT_TRUE(v == NULL);
    EXPECT_STR_EQ(err.json_path, "$.age");
    EXPECT_TRUE(strncmp(err.message, "after one repair round, the reply does not match the schema", 59) == 0);
    EXPECT_TRUE(r != NULL);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    /* the wrong format type is the caller's mistake */
    c = mock_client("openai/gpt-6-sol", NULL);
    q.response_format.type = AILIB_FORMAT_TEXT;
    EXPECT_EQ(ailib_chat_json(c, &q, &r, &v, &err), AILIB_INVALID_ARGUMENT);
    ailib_client_destroy(c);
}

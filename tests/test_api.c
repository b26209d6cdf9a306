/* The conveniences of >>convo: constructors, ailib_json_build, the conversation object (also
   across a provider switch and as JSON), the tool loop on every protocol, the catalog checks
   and model resolution. Network cases run against ailib-mock, unary and streamed. */
#include "test.h"
#include "mockctl.h"
#include "../ailib.h"
#include <stdlib.h>
#include <string.h>

static const char *const protos[] = { "openai/gpt-4o-mini", "anthropic/claude-haiku-5-5", "gemini/gemini-2.5-flash",
                                      "ollama/llama3.2", "cohere/command-a-03-2025" };
#define NPROTOS (sizeof protos / sizeof protos[0])

static const char WEATHER_SCHEMA[] =
    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

/* Log lines a client wrote, joined by newlines. */
typedef struct logbuf { char text[8192]; size_t len; int warns; } logbuf;

static void log_into(void *user, ailib_log_level level, const char *message) {
    logbuf *b = (logbuf *)user;
    size_t n = strlen(message);
    if (level == AILIB_LOG_WARN) b->warns++;
    if (b->len + n + 2 < sizeof b->text) {
        memcpy(b->text + b->len, message, n);
        b->len += n;
        b->text[b->len++] = '\n';
        b->text[b->len] = 0;
    }
}

static const char *suffix_of(const char *model) {
    if (!strncmp(model, "gemini/", 7)) return "/v1beta";
    if (!strncmp(model, "cohere/", 7)) return "/v2";
    if (!strncmp(model, "ollama/", 7)) return "";
    return "/v1";
}

/* A client of model at the shared mock (spec: a /x/<spec>/ prefix or NULL), logging into lb. */
static ailib_client *api_client(const char *model, const char *spec, logbuf *lb) {
    const mock_server *m = mock_shared();
    char base[512];
    ailib_client_desc d;
    ailib_error err;
    ailib_client *c;
    if (!m) { ailib_test_fail(__FILE__, __LINE__, "ailib-mock could not be started"); return NULL; }
    mock_url(m, spec, suffix_of(model), base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = model;
    d.base_url = base;
    d.api_key = "test-key";
    if (lb) { d.log = log_into; d.log_user = lb; }
    c = ailib_client_create(&d, &err);
    if (!c) ailib_test_fail(__FILE__, __LINE__, "client_create(%s): %s", model, err.message);
    return c;
}

/* The body of the last request the mock saw, parsed (free with ailib_json_doc_destroy). */
static ailib_json_doc *last_body(void) {
    int status = 0;
    char *s = mock_http(mock_shared(), "GET", "/_mock/last_request", &status);
    ailib_json_doc *outer = NULL, *body = NULL;
    const char *b;
    size_t n;
    if (s && ailib_json_parse(s, strlen(s), NULL, &outer, NULL) == AILIB_OK &&
        (b = ailib_json_str(ailib_json_get(ailib_json_doc_root(outer), "body"), &n)) != NULL)
        ailib_json_parse(b, n, NULL, &body, NULL);
    ailib_json_doc_destroy(outer);
    free(s);
    return body;
}

/* The raw body text of the last request (malloc'd). */
static char *last_body_text(void) {
    ailib_json_doc *d = last_body();
    ailib_json_writer w;
    char *s;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_value(&w, ailib_json_doc_root(d));
    s = ailib_json_writer_finish(&w) == AILIB_OK ? ailib_json_writer_take(&w, NULL) : NULL;
    ailib_json_writer_deinit(&w);
    ailib_json_doc_destroy(d);
    return s;
}

typedef struct tally { char text[4096]; size_t len; int begins, ends, finishes; } tally;

static int on_tally(void *user, const ailib_event *e) {
    tally *t = (tally *)user;
    if (e->type == AILIB_EVENT_TEXT_DELTA && t->len + e->text_len < sizeof t->text) {
        memcpy(t->text + t->len, e->text, e->text_len);
        t->len += e->text_len;
        t->text[t->len] = 0;
    }
    if (e->type == AILIB_EVENT_TOOL_CALL_BEGIN) t->begins++;
    if (e->type == AILIB_EVENT_TOOL_CALL_END) t->ends++;
    if (e->type == AILIB_EVENT_FINISH) t->finishes++;
    return 0;
}

/* --- constructors --------------------------------------------------------------------------- */

/* The same request built with positional initializers and with the constructors gives the same
   bytes on every protocol. */
TEST(api_constructors_match_positional_initializers) {
    static const unsigned char png[] = { 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13 };
    ailib_part pp[3] = { { AILIB_PART_TEXT, "What is this?", 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, NULL, 0, 0, 0, 0, AILIB_CALL_FUNCTION, NULL, 0 },
                         { AILIB_PART_IMAGE, NULL, 0, NULL, 0, NULL, 0, NULL, 0, png, sizeof png, "image/png", NULL, 0, 0, 0, 0, AILIB_CALL_FUNCTION, NULL, 0 },
                         { AILIB_PART_IMAGE, NULL, 0, NULL, 0, NULL, 0, "https://example.com/cat.jpg", 0, NULL, 0, NULL, NULL, 0, 0, 0, 0, AILIB_CALL_FUNCTION, NULL, 0 } };
    ailib_message pm[2] = { { AILIB_ROLE_SYSTEM, NULL, 0, "Be brief." }, { AILIB_ROLE_USER, pp, 3, NULL } };
    ailib_part cp[3];
    ailib_message cm[2];
    ailib_tool pt = { "get_weather", "Weather of a city", WEATHER_SCHEMA, 0, AILIB_TOOL_FUNCTION, NULL }, ct;
    ailib_request a, b;
    size_t i;
    cp[0] = ailib_part_text("What is this?");
    cp[1] = ailib_part_image(png, sizeof png, "image/png");
    cp[2] = ailib_part_image_url("https://example.com/cat.jpg");
    cm[0] = ailib_message_system("Be brief.");
    cm[1] = ailib_message_parts(AILIB_ROLE_USER, cp, 3);
    ct = ailib_tool_make("get_weather", "Weather of a city", WEATHER_SCHEMA);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.messages = pm; a.message_count = 2; a.tools = &pt; a.tool_count = 1;
    b.messages = cm; b.message_count = 2; b.tools = &ct; b.tool_count = 1;
    for (i = 0; i < NPROTOS; i++) {
        ailib_endpoint ep;
        ailib_wire_request wa, wb;
        char prov[32];
        ailib_error err;
        snprintf(prov, sizeof prov, "%.*s", (int)(strchr(protos[i], '/') - protos[i]), protos[i]);
        memset(&ep, 0, sizeof ep);
        ep.provider = ailib_provider_find(prov);
        ep.api_key = "k";
        pm[1].part_count = cm[1].part_count = strcmp(prov, "ollama") ? 3 : 2;   /* Ollama takes no image URLs */
        a.model = b.model = strcmp(prov, "ollama") ? NULL : "llava";           /* nor images for llama3.2 */
        ASSERT_EQ(ailib_wire_request_build(&ep, &a, 0, &wa, &err), AILIB_OK);
        ASSERT_EQ(ailib_wire_request_build(&ep, &b, 0, &wb, &err), AILIB_OK);
        EXPECT_MEM_EQ(wa.body, wa.body_len, wb.body);
        ailib_wire_request_deinit(&wa);
        ailib_wire_request_deinit(&wb);
    }
    EXPECT_EQ(cm[0].part_count, 0);
    EXPECT_EQ(cp[1].data_len, sizeof png);
    EXPECT_STR_EQ(cp[1].mime, "image/png");
    EXPECT_EQ(cp[2].type, AILIB_PART_IMAGE);
}

/* Requests built only with constructors, unary and streamed, on every protocol. */
TEST(api_constructors_unary_and_streamed_every_protocol) {
    static const char *const seeing[NPROTOS] = { "openai/gpt-4o-mini", "anthropic/claude-haiku-5-5", "gemini/gemini-2.5-flash",
                                                 "ollama/llava", "cohere/command-a-plus-05-2026" };   /* models that see */
    static const unsigned char png[] = { 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3 };
    size_t i;
    int stream;
    for (i = 0; i < NPROTOS; i++)
        for (stream = 0; stream < 2; stream++) {
            ailib_client *c = api_client(seeing[i], NULL, NULL);
            ailib_part parts[2];
            ailib_message msgs[2];
            ailib_request req;
            ailib_response *r = NULL;
            ailib_error err;
            tally t;
            ASSERT_TRUE(c != NULL);
            parts[0] = ailib_part_text("Hello constructors");
            parts[1] = ailib_part_image(png, sizeof png, "image/png");
            msgs[0] = ailib_message_system("Be brief.");
            msgs[1] = ailib_message_parts(AILIB_ROLE_USER, parts, 2);
            memset(&req, 0, sizeof req);
            req.messages = msgs;
            req.message_count = 2;
            memset(&t, 0, sizeof t);
            EXPECT_EQ(stream ? ailib_chat_stream(c, &req, on_tally, &t, &r, &err) : ailib_chat(c, &req, &r, &err), AILIB_OK);
            EXPECT_STR_EQ(ailib_response_text(r, NULL), "I see 1 image: image/png (11 bytes). Hello from ailib-mock. You said: Hello constructors");
            if (stream) EXPECT_STR_EQ(t.text, ailib_response_text(r, NULL));
            ailib_response_destroy(r);
            ailib_client_destroy(c);
        }
}

/* A tool result made by the constructors reaches the model with its id, its JSON and its
   error flag; unary and streamed, every protocol. */
TEST(api_tool_result_parts_every_protocol) {
    size_t i;
    int stream;
    for (i = 0; i < NPROTOS; i++)
        for (stream = 0; stream < 2; stream++) {
            ailib_client *c = api_client(protos[i], "scenario=tool", NULL);
            ailib_tool tool = ailib_tool_make("get_weather", "Weather of a city", WEATHER_SCHEMA);
            ailib_message msgs[3];
            ailib_part res;
            ailib_request req;
            ailib_response *r1 = NULL, *r2 = NULL;
            ailib_error err;
            char *json;
            const ailib_tool_call *tc;
            ASSERT_TRUE(c != NULL);
            msgs[0] = ailib_message_user("Weather in Paris?");
            memset(&req, 0, sizeof req);
            req.messages = msgs; req.message_count = 1; req.tools = &tool; req.tool_count = 1;
            ASSERT_EQ(stream ? ailib_chat_stream(c, &req, NULL, NULL, &r1, &err) : ailib_chat(c, &req, &r1, &err), AILIB_OK);
            ASSERT_EQ(ailib_response_tool_call_count(r1), 1);
            tc = ailib_response_tool_call(r1, 0);
            json = ailib_json_build(&err, "{s:s, s:i}", "sky", "clear \"and\" dry", "temp_c", 18);
            ASSERT_TRUE(json != NULL);
            res = ailib_part_tool_json(tc, json);
            EXPECT_TRUE(res.id == tc->id && res.id_len == tc->id_len && res.name == tc->name && res.is_json == 1 && res.is_error == 0);
            msgs[1] = *ailib_response_message(r1);
            msgs[2] = ailib_message_parts(AILIB_ROLE_TOOL, &res, 1);
            req.message_count = 3;
            ASSERT_EQ(stream ? ailib_chat_stream(c, &req, NULL, NULL, &r2, &err) : ailib_chat(c, &req, &r2, &err), AILIB_OK);
            EXPECT_TRUE(strstr(ailib_response_text(r2, NULL), "The tool said: ") != NULL);
            EXPECT_TRUE(strstr(ailib_response_text(r2, NULL), "18") != NULL);
            EXPECT_TRUE(strstr(ailib_response_text(r2, NULL), "clear") != NULL);
            ailib_free(json);
            ailib_response_destroy(r1);
            ailib_response_destroy(r2);
            ailib_client_destroy(c);
        }
}

TEST(api_tool_error_part_is_an_error_on_the_wire) {
    ailib_tool_call call;
    ailib_part p;
    ailib_message msgs[3];
    ailib_part callp;
    ailib_request req;
    ailib_endpoint ep;
    ailib_wire_request wr;
    ailib_error err;
    memset(&call, 0, sizeof call);
    call.id = "toolu_1"; call.id_len = 7; call.name = "get_weather"; call.name_len = 11;
    p = ailib_part_tool_error(&call, "no such city");
    EXPECT_EQ(p.type, AILIB_PART_TOOL_RESULT);
    EXPECT_EQ(p.is_error, 1);
    EXPECT_EQ(p.is_json, 0);
    EXPECT_MEM_EQ(p.id, p.id_len, "toolu_1");
    memset(&callp, 0, sizeof callp);
    callp.type = AILIB_PART_TOOL_CALL; callp.id = "toolu_1"; callp.name = "get_weather"; callp.text = "{}";
    msgs[0] = ailib_message_user("Weather?");
    msgs[1] = ailib_message_parts(AILIB_ROLE_ASSISTANT, &callp, 1);
    msgs[2] = ailib_message_parts(AILIB_ROLE_TOOL, &p, 1);
    memset(&req, 0, sizeof req);
    req.messages = msgs; req.message_count = 3;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("anthropic");
    ASSERT_EQ(ailib_wire_request_build(&ep, &req, 0, &wr, &err), AILIB_OK);
    EXPECT_TRUE(strstr(wr.body, "\"is_error\":true") != NULL);
    EXPECT_TRUE(strstr(wr.body, "\"tool_use_id\":\"toolu_1\"") != NULL);
    ailib_wire_request_deinit(&wr);
}

/* --- ailib_json_build -------------------------------------------------------------------------- */

TEST(api_json_build_formats) {
    const char *src = "{\"x\":[true,{\"y\":\"\\u00e9\"}]}";
    ailib_error err;
    ailib_json_doc *d = NULL;
    char *s;
    s = ailib_json_build(&err, "{s:s, s:i, s:[s,s]}", "city", "Paris", "temp_c", 18, "sky", "clear", "dry");
    EXPECT_STR_EQ(s, "{\"city\":\"Paris\",\"temp_c\":18,\"sky\":[\"clear\",\"dry\"]}");
    ailib_free(s);
    s = ailib_json_build(&err, "[s, s, n, b, b, f, I, i]", "quote \" backslash \\ newline \n tab \t", (const char *)NULL, 1, 0, 0.5,
                         (int64_t)9007199254740993LL, -7);
    EXPECT_STR_EQ(s, "[\"quote \\\" backslash \\\\ newline \\n tab \\t\",null,null,true,false,0.5,9007199254740993,-7]");
    ailib_free(s);
    s = ailib_json_build(&err, "{s#:s#}", "keyXX", (size_t)3, "a\0b", (size_t)3);
    EXPECT_STR_EQ(s, "{\"key\":\"a\\u0000b\"}");
    ailib_free(s);
    s = ailib_json_build(&err, "{s:j, s:j}", "nested", "{ \"a\" : [1, 2] }", "none", (const char *)NULL);
    EXPECT_STR_EQ(s, "{\"nested\":{\"a\":[1,2]},\"none\":null}");
    ailib_free(s);
    ASSERT_EQ(ailib_json_parse(src, strlen(src), NULL, &d, NULL), AILIB_OK);
    s = ailib_json_build(&err, "{s:v, s:s}", "copy", ailib_json_doc_root(d), "utf8", "h\xc3\xa9 \xe2\x82\xac");
    EXPECT_STR_EQ(s, "{\"copy\":{\"x\":[true,{\"y\":\"\xc3\xa9\"}]},\"utf8\":\"h\xc3\xa9 \xe2\x82\xac\"}");
    ailib_free(s);
    ailib_json_doc_destroy(d);
    s = ailib_json_build(&err, "s", "just a string");
    EXPECT_STR_EQ(s, "\"just a string\"");
    ailib_free(s);
    s = ailib_json_build(&err, "{}");
    EXPECT_STR_EQ(s, "{}");
    ailib_free(s);
}

TEST(api_json_build_errors_say_which_item) {
    volatile double huge = 1e308;
    ailib_error err;
    ailib_json_writer w;
    ailib_error_clear(&err);
    EXPECT_TRUE(ailib_json_build(&err, "{s:q}", "k") == NULL);
    EXPECT_EQ(err.code, AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "item 3") && strstr(err.message, "unknown item 'q'"));
    EXPECT_TRUE(ailib_json_build(&err, "{i:i}", 1, 2) == NULL);
    EXPECT_TRUE(strstr(err.message, "an object key is due here") != NULL);
    EXPECT_TRUE(ailib_json_build(&err, "{s:s", "a", "b") == NULL);
    EXPECT_TRUE(strstr(err.message, "pair up") != NULL);
    EXPECT_TRUE(ailib_json_build(&err, "[s]", "bad \xff utf8") == NULL);
    EXPECT_NE(err.code, AILIB_OK);
    EXPECT_TRUE(strstr(err.message, "item 2 ('s')") != NULL);
    EXPECT_TRUE(ailib_json_build(&err, "[j]", "{not json") == NULL);
    EXPECT_TRUE(strstr(err.message, "item 2 ('j')") != NULL);
    EXPECT_TRUE(ailib_json_build(&err, "[f]", huge * 10.0) == NULL);     /* infinity */
    EXPECT_TRUE(ailib_json_build(&err, "{s:i}", (const char *)NULL, 1) == NULL);
    EXPECT_TRUE(strstr(err.message, "key is NULL") != NULL);
    /* pack into a writer: the error is sticky there too */
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_array_begin(&w);
    EXPECT_EQ(ailib_json_pack(&w, "i i", 1, 2), AILIB_OK);
    EXPECT_EQ(ailib_json_pack(&w, "x"), AILIB_INVALID_ARGUMENT);
    EXPECT_NE(ailib_json_writer_finish(&w), AILIB_OK);
    ailib_json_writer_deinit(&w);
}

/* --- conversations --------------------------------------------------------------------------- */

/* Two turns on every protocol, the first unary and the second streamed: the second request
   carries the whole history (the first reply was destroyed before it was sent). */
TEST(api_convo_two_turns_every_protocol) {
    size_t i;
    for (i = 0; i < NPROTOS; i++) {
        ailib_client *c = api_client(protos[i], NULL, NULL);
        ailib_convo_desc cd;
        ailib_convo *cv;
        ailib_response *r = NULL;
        ailib_error err;
        tally t;
        char *body;
        const ailib_message *ms;
        size_t n;
        ASSERT_TRUE(c != NULL);
        memset(&cd, 0, sizeof cd);
        cd.system = "Answer briefly.";
        cv = ailib_convo_create(&cd, &err);
        ASSERT_TRUE(cv != NULL);
        EXPECT_EQ(ailib_convo_add_user(cv, "first question", &err), AILIB_OK);
        EXPECT_EQ(ailib_convo_chat(c, cv, NULL, &r, &err), AILIB_OK);
        EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: first question");
        ailib_response_destroy(r);
        r = NULL;
        EXPECT_EQ(ailib_convo_add_user(cv, "second question", &err), AILIB_OK);
        memset(&t, 0, sizeof t);
        EXPECT_EQ(ailib_convo_chat_stream(c, cv, NULL, on_tally, &t, &r, &err), AILIB_OK);
        EXPECT_STR_EQ(t.text, "Hello from ailib-mock. You said: second question");
        body = last_body_text();
        ASSERT_TRUE(body != NULL);
        EXPECT_TRUE(strstr(body, "first question") != NULL);
        EXPECT_TRUE(strstr(body, "You said: first question") != NULL);
        EXPECT_TRUE(strstr(body, "second question") != NULL);
        EXPECT_TRUE(strstr(body, "Answer briefly.") != NULL);
        free(body);
        ms = ailib_convo_messages(cv, &n);
        ASSERT_EQ(n, 4);
        EXPECT_EQ(ms[1].role, AILIB_ROLE_ASSISTANT);
        EXPECT_EQ(ms[3].role, AILIB_ROLE_ASSISTANT);
        EXPECT_STR_EQ(ailib_convo_system(cv), "Answer briefly.");
        ailib_response_destroy(r);
        ailib_convo_destroy(cv);
        ailib_client_destroy(c);
    }
}

/* A conversation started on Anthropic (signed thinking, a tool call) continues on every other
   protocol and comes back: the foreign protocols never see the signature, Anthropic gets it
   back byte for byte, the tool result is answered everywhere. */
TEST(api_convo_survives_a_provider_switch) {
    ailib_client *an = api_client("anthropic/claude-haiku-5-5", "scenario=reasoning", NULL), *ant;
    ailib_convo *cv = ailib_convo_create(NULL, NULL);
    ailib_response *r = NULL;
    ailib_error err;
    ailib_request req;
    ailib_tool tool = ailib_tool_make("get_weather", "Weather of a city", WEATHER_SCHEMA);
    const ailib_message *ms;
    char sig[256];
    size_t n, i, k;
    ASSERT_TRUE(an != NULL && cv != NULL);
    EXPECT_EQ(ailib_convo_add_user(cv, "Think first.", &err), AILIB_OK);
    EXPECT_EQ(ailib_convo_chat_stream(an, cv, NULL, NULL, NULL, &r, &err), AILIB_OK);
    ms = ailib_convo_messages(cv, &n);
    ASSERT_EQ(n, 2);
    ASSERT_TRUE(ms[1].part_count >= 2);
    EXPECT_EQ(ms[1].parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(ms[1].parts[0].origin, AILIB_ORIGIN(AILIB_PROTOCOL_ANTHROPIC));
    ASSERT_TRUE(ms[1].parts[0].signature_len > 0 && ms[1].parts[0].signature_len < sizeof sig);
    memcpy(sig, ms[1].parts[0].signature, ms[1].parts[0].signature_len);
    sig[ms[1].parts[0].signature_len] = 0;
    EXPECT_TRUE(ms[1].parts[0].signature != ailib_response_message(r)->parts[0].signature);   /* a copy */
    ailib_response_destroy(r);
    /* a tool call from Anthropic */
    ant = api_client("anthropic/claude-haiku-5-5", "scenario=tool", NULL);
    ASSERT_TRUE(ant != NULL);
    EXPECT_EQ(ailib_convo_add_user(cv, "Weather in Paris?", &err), AILIB_OK);
    memset(&req, 0, sizeof req);
    req.tools = &tool;
    req.tool_count = 1;
    r = NULL;
    EXPECT_EQ(ailib_convo_chat(ant, cv, &req, &r, &err), AILIB_OK);
    ASSERT_EQ(ailib_response_tool_call_count(r), 1);
    {
        ailib_part res = ailib_part_tool_result(ailib_response_tool_call(r, 0), "18C and sunny");
        EXPECT_EQ(ailib_convo_add_tool_result(cv, &res, &err), AILIB_OK);
    }
    ailib_response_destroy(r);
    n = ailib_convo_count(cv);
    EXPECT_EQ(n, 5);
    /* every other protocol continues it, in both modes */
    for (i = 0; i < NPROTOS; i++) {
        for (k = 0; k < 2; k++) {
            ailib_client *c = api_client(protos[i], "scenario=tool", NULL);
            char *body;
            ASSERT_TRUE(c != NULL);
            r = NULL;
            if (k) EXPECT_EQ(ailib_convo_chat_stream(c, cv, &req, NULL, NULL, &r, &err), AILIB_OK);
            else EXPECT_EQ(ailib_convo_chat(c, cv, &req, &r, &err), AILIB_OK);
            EXPECT_STR_EQ(ailib_response_text(r, NULL), "The tool said: 18C and sunny");
            body = last_body_text();
            ASSERT_TRUE(body != NULL);
            if (i == 1) EXPECT_TRUE(strstr(body, sig) != NULL);      /* back home: the signed thinking, verbatim */
            else EXPECT_TRUE(strstr(body, sig) == NULL);
            EXPECT_TRUE(strstr(body, "18C and sunny") != NULL);
            free(body);
            ailib_response_destroy(r);
            ailib_convo_truncate(cv, n);                              /* the next provider gets the same history */
            ailib_client_destroy(c);
        }
    }
    ailib_convo_destroy(cv);
    ailib_client_destroy(an);
    ailib_client_destroy(ant);
}

TEST(api_convo_json_round_trip) {
    static const unsigned char bytes[] = { 0, 1, 2, 0xff, 0xfe, 'a', 0x80 };
    ailib_convo *a = ailib_convo_create(NULL, NULL), *b = ailib_convo_create(NULL, NULL);
    ailib_part asst[4], res[2], user[2];
    ailib_message m;
    ailib_json_writer w1, w2;
    ailib_json_doc *d = NULL;
    ailib_error err;
    const ailib_message *ms;
    size_t n;
    ASSERT_TRUE(a && b);
    EXPECT_EQ(ailib_convo_set_system(a, "sys \"prompt\"", &err), AILIB_OK);
    user[0] = ailib_part_text("look");
    user[1] = ailib_part_image(bytes, sizeof bytes, "image/png");
    m = ailib_message_parts(AILIB_ROLE_USER, user, 2);
    EXPECT_EQ(ailib_convo_add(a, &m, &err), AILIB_OK);
    memset(asst, 0, sizeof asst);
    asst[0].type = AILIB_PART_THINKING; asst[0].text = "hmm"; asst[0].signature = "c2lnQQ=="; asst[0].origin = AILIB_ORIGIN(AILIB_PROTOCOL_GEMINI);
    asst[1].type = AILIB_PART_REDACTED_THINKING; asst[1].text = "EmwKREDACTED"; asst[1].origin = AILIB_ORIGIN(AILIB_PROTOCOL_ANTHROPIC);
    asst[2] = ailib_part_text("Let me check.");
    asst[3].type = AILIB_PART_TOOL_CALL; asst[3].id = "ailib_0011223344556677"; asst[3].name = "get_weather"; asst[3].text = "{\"city\":\"Paris\"}";
    asst[3].signature = "sig2"; asst[3].origin = AILIB_ORIGIN(AILIB_PROTOCOL_GEMINI);
    m = ailib_message_parts(AILIB_ROLE_ASSISTANT, asst, 4);
    EXPECT_EQ(ailib_convo_add(a, &m, &err), AILIB_OK);
    res[0] = ailib_part_tool_json(NULL, "{\"t\":18}");
    res[0].id = "ailib_0011223344556677"; res[0].name = "get_weather";
    res[1] = ailib_part_tool_error(NULL, "second failed");
    res[1].id = "x2";
    EXPECT_EQ(ailib_convo_add_tool_result(a, &res[0], &err), AILIB_OK);
    EXPECT_EQ(ailib_convo_add_tool_result(a, &res[1], &err), AILIB_OK);   /* joins the same tool turn */
    EXPECT_EQ(ailib_convo_count(a), 3);
    m = ailib_message_assistant("plain");
    EXPECT_EQ(ailib_convo_add(a, &m, &err), AILIB_OK);
    ailib_json_writer_init(&w1, NULL);
    EXPECT_EQ(ailib_convo_write_json(a, &w1), AILIB_OK);
    ASSERT_EQ(ailib_json_writer_finish(&w1), AILIB_OK);
    ASSERT_EQ(ailib_json_parse(w1.buf, w1.len, NULL, &d, &err), AILIB_OK);
    EXPECT_EQ(ailib_convo_add_json(b, ailib_json_doc_root(d), &err), AILIB_OK);
    ailib_json_doc_destroy(d);
    ailib_json_writer_init(&w2, NULL);
    EXPECT_EQ(ailib_convo_write_json(b, &w2), AILIB_OK);
    ASSERT_EQ(ailib_json_writer_finish(&w2), AILIB_OK);
    EXPECT_STR_EQ(w1.buf, w2.buf);
    EXPECT_TRUE(strstr(w1.buf, "\"origin\":\"gemini\"") != NULL);
    EXPECT_TRUE(strstr(w1.buf, "\"data\":\"AAEC//5hgA==\"") != NULL);
    ms = ailib_convo_messages(b, &n);
    ASSERT_EQ(n, 4);
    EXPECT_STR_EQ(ailib_convo_system(b), "sys \"prompt\"");
    ASSERT_EQ(ms[0].part_count, 2);
    EXPECT_EQ(ms[0].parts[1].data_len, sizeof bytes);
    EXPECT_TRUE(memcmp(ms[0].parts[1].data, bytes, sizeof bytes) == 0);
    EXPECT_STR_EQ(ms[0].parts[1].mime, "image/png");
    ASSERT_EQ(ms[1].part_count, 4);
    EXPECT_EQ(ms[1].parts[0].origin, AILIB_ORIGIN(AILIB_PROTOCOL_GEMINI));
    EXPECT_MEM_EQ(ms[1].parts[0].signature, ms[1].parts[0].signature_len, "c2lnQQ==");
    EXPECT_EQ(ms[1].parts[1].type, AILIB_PART_REDACTED_THINKING);
    EXPECT_MEM_EQ(ms[1].parts[3].id, ms[1].parts[3].id_len, "ailib_0011223344556677");
    ASSERT_EQ(ms[2].part_count, 2);
    EXPECT_EQ(ms[2].parts[0].is_json, 1);
    EXPECT_EQ(ms[2].parts[1].is_error, 1);
    EXPECT_STR_EQ(ms[3].text, "plain");
    ailib_json_writer_deinit(&w1);
    ailib_json_writer_deinit(&w2);
    ailib_convo_destroy(a);
    ailib_convo_destroy(b);
}

TEST(api_convo_misuse_is_a_typed_error) {
    ailib_convo *cv = ailib_convo_create(NULL, NULL);
    ailib_client *c = api_client("openai/gpt-4o-mini", NULL, NULL);
    ailib_message m = ailib_message_user("x"), bad;
    ailib_request req;
    ailib_part text = ailib_part_text("not a result");
    ailib_json_doc *d = NULL;
    ailib_error err;
    const char *j = "[{\"role\":\"user\",\"text\":\"ok\"},{\"role\":\"robot\",\"text\":\"no\"}]";
    ASSERT_TRUE(cv && c);
    memset(&req, 0, sizeof req);
    req.messages = &m;
    req.message_count = 1;
    EXPECT_EQ(ailib_convo_chat(c, cv, &req, NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "ailib_convo_add") != NULL);
    EXPECT_EQ(ailib_convo_add_tool_result(cv, &text, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "ailib_part_tool_result") != NULL);
    bad = m;
    bad.role = (ailib_role)9;
    EXPECT_EQ(ailib_convo_add(cv, &bad, &err), AILIB_INVALID_ARGUMENT);
    ASSERT_EQ(ailib_json_parse(j, strlen(j), NULL, &d, NULL), AILIB_OK);
    EXPECT_EQ(ailib_convo_add_json(cv, ailib_json_doc_root(d), &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "message 1") != NULL);
    EXPECT_EQ(ailib_convo_count(cv), 0);                      /* all or nothing */
    ailib_json_doc_destroy(d);
    EXPECT_EQ(ailib_convo_add_user(cv, "a", &err), AILIB_OK);
    EXPECT_EQ(ailib_convo_add_user(cv, "b", &err), AILIB_OK);
    ailib_convo_truncate(cv, 1);
    EXPECT_EQ(ailib_convo_count(cv), 1);
    /* a failed call appends nothing */
    ailib_client_destroy(c);
    c = api_client("openai/gpt-4o-mini", "status=400", NULL);
    EXPECT_EQ(ailib_convo_chat(c, cv, NULL, NULL, &err), AILIB_INVALID_REQUEST);
    EXPECT_EQ(ailib_convo_count(cv), 1);
    ailib_client_destroy(c);
    ailib_convo_destroy(cv);
}

/* --- the tool loop ---------------------------------------------------------------------------- */

typedef struct weather_state { int calls; int stop; char city[64]; } weather_state;

static int weather_fn(void *user, const ailib_tool_call *call, ailib_tool_output *out) {
    weather_state *s = (weather_state *)user;
    const char *city = ailib_json_str(ailib_json_get(call->args, "city"), NULL);
    s->calls++;
    snprintf(s->city, sizeof s->city, "%s", city ? city : "?");
    ailib_tool_output_json(out, "{s:s, s:i, s:s}", "city", city, "temp_c", 18, "sky", "clear");
    return s->stop;
}

static ailib_tool_loop_desc weather_loop(ailib_tool_handler *h, weather_state *s, const char *schema) {
    ailib_tool_loop_desc d;
    memset(h, 0, sizeof *h);
    h->tool = ailib_tool_make("get_weather", "Weather of a city", schema);
    h->fn = weather_fn;
    h->user = s;
    memset(&d, 0, sizeof d);
    d.tools = h;
    d.tool_count = 1;
    return d;
}

TEST(api_tool_loop_every_protocol_unary_and_streamed) {
    size_t i;
    int stream;
    for (i = 0; i < NPROTOS; i++)
        for (stream = 0; stream < 2; stream++) {
            ailib_client *c = api_client(protos[i], "scenario=tool", NULL);
            ailib_convo *cv = ailib_convo_create(NULL, NULL);
            ailib_tool_handler h;
            weather_state s;
            ailib_tool_loop_desc d;
            ailib_tool_run *run = NULL;
            ailib_error err;
            const ailib_tool_step *st;
            ailib_usage u;
            tally t;
            const char *text;
            ASSERT_TRUE(c && cv);
            memset(&s, 0, sizeof s);
            memset(&t, 0, sizeof t);
            d = weather_loop(&h, &s, WEATHER_SCHEMA);
            d.stream = stream;
            d.on_event = on_tally;
            d.event_user = &t;
            EXPECT_EQ(ailib_convo_add_user(cv, "Weather in Paris?", &err), AILIB_OK);
            EXPECT_EQ(ailib_tool_loop(c, cv, NULL, &d, &run, &err), AILIB_OK);
            ASSERT_TRUE(run != NULL);
            EXPECT_EQ(ailib_tool_run_end(run), AILIB_LOOP_ANSWERED);
            EXPECT_EQ(s.calls, 1);
            EXPECT_STR_EQ(s.city, "Paris");
            ASSERT_EQ(ailib_tool_run_step_count(run), 2);
            st = ailib_tool_run_step(run, 0);
            EXPECT_EQ(ailib_response_tool_call_count(st->response), 1);
            ASSERT_TRUE(st->results != NULL);
            ASSERT_EQ(st->results->part_count, 1);
            EXPECT_EQ(st->results->role, AILIB_ROLE_TOOL);
            EXPECT_EQ(st->results->parts[0].is_json, 1);
            EXPECT_STR_EQ(st->results->parts[0].text, "{\"city\":\"Paris\",\"temp_c\":18,\"sky\":\"clear\"}");
            EXPECT_MEM_EQ(st->results->parts[0].id, st->results->parts[0].id_len, ailib_response_tool_call(st->response, 0)->id);
            EXPECT_TRUE(ailib_tool_run_step(run, 1)->results == NULL);
            text = ailib_response_text(ailib_tool_run_response(run), NULL);
            EXPECT_TRUE(strncmp(text, "The tool said: ", 15) == 0);
            EXPECT_TRUE(strstr(text, "Paris") != NULL && strstr(text, "18") != NULL);
            u = ailib_tool_run_usage(run);
            EXPECT_EQ(u.output_tokens, ailib_response_usage(st->response)->output_tokens +
                                       ailib_response_usage(ailib_tool_run_response(run))->output_tokens);
            EXPECT_EQ(ailib_convo_count(cv), 4);                  /* user, call, results, answer */
            if (stream) {
                EXPECT_EQ(t.begins, 1);
                EXPECT_EQ(t.ends, 1);
                EXPECT_EQ(t.finishes, 2);
                EXPECT_STR_EQ(t.text, text);
            } else EXPECT_EQ(t.finishes, 0);
            ailib_tool_run_destroy(run);
            ailib_convo_destroy(cv);
            ailib_client_destroy(c);
        }
}

static int stop_first(void *user, const ailib_tool_step *step, size_t index) {
    (void)step;
    *(size_t *)user += 1;
    return index == 0;
}

TEST(api_tool_loop_max_steps_stop_when_and_stop_from_a_tool) {
    ailib_client *c = api_client("openai/gpt-4o-mini", "scenario=tool", NULL);
    ailib_tool_handler h;
    weather_state s;
    ailib_tool_loop_desc d;
    ailib_tool_run *run = NULL;
    ailib_convo *cv = ailib_convo_create(NULL, NULL);
    ailib_response *r = NULL;
    ailib_message user = ailib_message_user("Weather in Paris?");
    ailib_request req;
    ailib_error err;
    size_t seen = 0;
    ASSERT_TRUE(c && cv);
    memset(&s, 0, sizeof s);
    d = weather_loop(&h, &s, WEATHER_SCHEMA);
    d.max_steps = 1;
    EXPECT_EQ(ailib_convo_add_user(cv, "Weather in Paris?", &err), AILIB_OK);
    EXPECT_EQ(ailib_tool_loop(c, cv, NULL, &d, &run, &err), AILIB_OK);
    EXPECT_EQ(ailib_tool_run_end(run), AILIB_LOOP_MAX_STEPS);
    EXPECT_EQ(ailib_tool_run_step_count(run), 1);
    EXPECT_EQ(s.calls, 1);
    ailib_tool_run_destroy(run);
    /* the conversation ends with the results, so it can go on as is */
    EXPECT_EQ(ailib_convo_count(cv), 3);
    EXPECT_EQ(ailib_convo_chat(c, cv, NULL, &r, &err), AILIB_OK);
    EXPECT_TRUE(strstr(ailib_response_text(r, NULL), "The tool said:") != NULL);
    ailib_response_destroy(r);
    /* stop_when after the first step */
    d.max_steps = 0;
    d.stop_when = stop_first;
    d.stop_user = &seen;
    memset(&req, 0, sizeof req);
    req.messages = &user;
    req.message_count = 1;
    run = NULL;
    EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &d, &run, &err), AILIB_OK);   /* no conversation: req's messages */
    EXPECT_EQ(ailib_tool_run_end(run), AILIB_LOOP_STOPPED);
    EXPECT_EQ(ailib_tool_run_step_count(run), 1);
    EXPECT_EQ(seen, 1);
    EXPECT_EQ(s.calls, 2);
    ailib_tool_run_destroy(run);
    /* the function asks to stop */
    d.stop_when = NULL;
    s.stop = 1;
    run = NULL;
    EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &d, &run, &err), AILIB_OK);
    EXPECT_EQ(ailib_tool_run_end(run), AILIB_LOOP_STOPPED);
    EXPECT_EQ(s.calls, 3);
    ailib_tool_run_destroy(run);
    ailib_convo_destroy(cv);
    ailib_client_destroy(c);
}

/* Arguments the schema rejects never reach the function: the model gets the validator's
   message as an error result and answers with it. Streamed, on two protocols. */
TEST(api_tool_loop_checks_arguments_against_the_schema) {
    static const char strict[] = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"country\":{\"type\":\"string\"}},"
                                 "\"required\":[\"city\",\"country\"]}";
    size_t i;
    for (i = 0; i < 2; i++) {
        ailib_client *c = api_client(protos[i], "scenario=tool", NULL);
        ailib_tool_handler h;
        weather_state s;
        ailib_tool_loop_desc d;
        ailib_tool_run *run = NULL;
        ailib_message user = ailib_message_user("Weather in Paris?");
        ailib_request req;
        ailib_error err;
        const ailib_part *res;
        ASSERT_TRUE(c != NULL);
        memset(&s, 0, sizeof s);
        d = weather_loop(&h, &s, strict);
        d.stream = 1;
        memset(&req, 0, sizeof req);
        req.messages = &user;
        req.message_count = 1;
        EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &d, &run, &err), AILIB_OK);
        EXPECT_EQ(s.calls, 0);
        ASSERT_EQ(ailib_tool_run_step_count(run), 2);
        res = &ailib_tool_run_step(run, 0)->results->parts[0];
        EXPECT_EQ(res->is_error, 1);
        EXPECT_TRUE(strstr(res->text, "do not match its schema") && strstr(res->text, "country"));
        EXPECT_TRUE(strstr(ailib_response_text(ailib_tool_run_response(run), NULL), "do not match its schema") != NULL);
        ailib_tool_run_destroy(run);
        /* skip_validation hands them over anyway */
        d.skip_validation = 1;
        run = NULL;
        EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &d, &run, &err), AILIB_OK);
        EXPECT_EQ(s.calls, 1);
        ailib_tool_run_destroy(run);
        ailib_client_destroy(c);
    }
}

/* One step by hand (the poll-loop way): unknown tools and arguments that are not JSON get
   error results the model can act on; the function is not called. */
TEST(api_convo_run_tools_unknown_tool_and_bad_json) {
    static const char body[] =
        "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        "\"content\":null,\"tool_calls\":[{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"nope\",\"arguments\":\"{}\"}},"
        "{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Par\"}},"
        "{\"id\":\"call_c\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Rome\\\"}\"}}]},"
        "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"total_tokens\":11}}";
    ailib_endpoint ep;
    ailib_response *r = NULL;
    ailib_convo *cv = ailib_convo_create(NULL, NULL);
    ailib_tool_handler h;
    weather_state s;
    ailib_tool_loop_desc d;
    ailib_error err;
    const ailib_message *ms;
    size_t n, ran = 0;
    int stop = 0;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("openai");
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, body, strlen(body), &r, &err), AILIB_OK);
    memset(&s, 0, sizeof s);
    d = weather_loop(&h, &s, WEATHER_SCHEMA);
    EXPECT_EQ(ailib_convo_add_user(cv, "Weather?", &err), AILIB_OK);
    EXPECT_EQ(ailib_convo_run_tools(cv, r, 1, &d, &ran, &stop, &err), AILIB_OK);
    EXPECT_EQ(ran, 3);
    EXPECT_EQ(stop, 0);
    EXPECT_EQ(s.calls, 1);
    EXPECT_STR_EQ(s.city, "Rome");
    ailib_response_destroy(r);                    /* the conversation has its own copies */
    ms = ailib_convo_messages(cv, &n);
    ASSERT_EQ(n, 3);
    EXPECT_EQ(ms[1].role, AILIB_ROLE_ASSISTANT);
    ASSERT_EQ(ms[2].part_count, 3);
    EXPECT_MEM_EQ(ms[2].parts[0].id, ms[2].parts[0].id_len, "call_a");
    EXPECT_EQ(ms[2].parts[0].is_error, 1);
    EXPECT_STR_EQ(ms[2].parts[0].text, "there is no tool named 'nope'; the tools are: get_weather");
    EXPECT_EQ(ms[2].parts[1].is_error, 1);
    EXPECT_TRUE(strstr(ms[2].parts[1].text, "not valid JSON") != NULL);
    EXPECT_EQ(ms[2].parts[2].is_error, 0);
    EXPECT_STR_EQ(ms[2].parts[2].text, "{\"city\":\"Rome\",\"temp_c\":18,\"sky\":\"clear\"}");
    /* the first call asking to stop: the ones after it are answered, not run */
    s.stop = 1;
    s.calls = 0;
    d.skip_validation = 1;                        /* the first call's {} reaches the function */
    ailib_convo_truncate(cv, 1);
    r = NULL;
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, body, strlen(body), &r, &err), AILIB_OK);
    ((ailib_tool_call *)ailib_response_tool_call(r, 0))->name = "get_weather";   /* make the first call a real one */
    ((ailib_tool_call *)ailib_response_tool_call(r, 0))->name_len = 11;
    EXPECT_EQ(ailib_convo_run_tools(cv, r, 1, &d, &ran, &stop, &err), AILIB_OK);
    EXPECT_EQ(stop, 1);
    EXPECT_EQ(ran, 1);
    ms = ailib_convo_messages(cv, &n);
    ASSERT_EQ(n, 3);
    EXPECT_STR_EQ(ms[2].parts[2].text, "not run: the tool loop was stopped before this call");
    ailib_response_destroy(r);
    ailib_convo_destroy(cv);
}

TEST(api_tool_loop_bad_desc_sends_nothing) {
    ailib_client *c = api_client("openai/gpt-4o-mini", "scenario=tool,delay_ms=2", NULL);
    ailib_tool_handler hs[2];
    weather_state s;
    ailib_tool_loop_desc d;
    ailib_message user = ailib_message_user("hi");
    ailib_request req;
    ailib_tool t = ailib_tool_make("x", NULL, NULL);
    ailib_error err;
    long before = mock_count(mock_shared(), "scenario=tool,delay_ms=2");
    ASSERT_TRUE(c != NULL);
    memset(&req, 0, sizeof req);
    req.messages = &user;
    req.message_count = 1;
    memset(&d, 0, sizeof d);
    EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &d, NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "desc.tools") != NULL);
    d = weather_loop(&hs[0], &s, "{not json");
    EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &d, NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "parameters that are not JSON") != NULL);
    d = weather_loop(&hs[0], &s, WEATHER_SCHEMA);
    hs[1] = hs[0];
    d.tool_count = 2;
    EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &d, NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "repeats the name") != NULL);
    d.tool_count = 1;
    hs[0].fn = NULL;
    EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &d, NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "has no fn") != NULL);
    hs[0].fn = weather_fn;
    req.tools = &t;
    req.tool_count = 1;
    EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &d, NULL, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "desc.tools") != NULL);
    EXPECT_EQ(mock_count(mock_shared(), "scenario=tool,delay_ms=2"), before);
    ailib_client_destroy(c);
}

/* A call that fails part-way: the run ends FAILED with the error, and the steps so far. */
TEST(api_tool_loop_failure_keeps_the_steps) {
    ailib_client *c = api_client("anthropic/claude-haiku-5-5", "status=401", NULL);
    ailib_tool_handler h;
    weather_state s;
    ailib_tool_loop_desc d;
    ailib_tool_run *run = NULL;
    ailib_message user = ailib_message_user("hi");
    ailib_request req;
    ailib_error err;
    ASSERT_TRUE(c != NULL);
    memset(&s, 0, sizeof s);
    d = weather_loop(&h, &s, WEATHER_SCHEMA);
    memset(&req, 0, sizeof req);
    req.messages = &user;
    req.message_count = 1;
    EXPECT_EQ(ailib_tool_loop(c, NULL, &req, &d, &run, &err), AILIB_AUTH);
    EXPECT_EQ(err.http_status, 401);
    ASSERT_TRUE(run != NULL);
    EXPECT_EQ(ailib_tool_run_end(run), AILIB_LOOP_FAILED);
    EXPECT_EQ(s.calls, 0);
    ailib_tool_run_destroy(run);
    ailib_client_destroy(c);
}

/* --- the catalog before sending -------------------------------------------------------------- */

TEST(api_provider_names_are_case_insensitive) {
    EXPECT_TRUE(ailib_provider_find("OpenAI") == ailib_provider_find("openai"));
    EXPECT_TRUE(ailib_provider_find("ANTHROPIC") != NULL);
    EXPECT_TRUE(ailib_provider_findn("Gemini/x", 6) == ailib_provider_find("gemini"));
    EXPECT_TRUE(ailib_provider_find("open-ai") == NULL);
    EXPECT_TRUE(ailib_provider_suggest("open-ai") == ailib_provider_find("openai"));
    EXPECT_TRUE(ailib_provider_suggest("antropic") == ailib_provider_find("anthropic"));
    EXPECT_TRUE(ailib_provider_suggest("zzzzzzzz") == NULL);
}

TEST(api_model_resolve_bare_names_and_suggestions) {
    const ailib_provider_info *p;
    const char *bare;
    ailib_error err;
    const ailib_model_info *near[4];
    size_t n;
    EXPECT_EQ(ailib_model_resolve("gpt-4o-mini", &p, &bare, &err), AILIB_OK);
    EXPECT_STR_EQ(p->name, "openai");
    EXPECT_STR_EQ(bare, "gpt-4o-mini");
    EXPECT_EQ(ailib_model_resolve("claude-haiku-5-5", &p, &bare, &err), AILIB_OK);
    EXPECT_STR_EQ(p->name, "anthropic");
    EXPECT_EQ(ailib_model_resolve("gpt-4o-mini-2024-07-18", &p, &bare, &err), AILIB_OK);   /* the catalog's prefix rule */
    EXPECT_STR_EQ(p->name, "openai");
    EXPECT_EQ(ailib_model_resolve("accounts/fireworks/models/gpt-oss-120b", &p, &bare, &err), AILIB_OK);
    EXPECT_STR_EQ(p->name, "fireworks");
    EXPECT_EQ(ailib_model_resolve("OpenAI/gpt-4o-mini", &p, &bare, &err), AILIB_OK);
    EXPECT_STR_EQ(p->name, "openai");
    EXPECT_EQ(ailib_model_resolve("GEMINI", &p, &bare, &err), AILIB_OK);
    EXPECT_STR_EQ(bare, p->default_model);
    EXPECT_EQ(ailib_model_resolve("glm-5.2", &p, &bare, &err), AILIB_OK);   /* zai and zhipu list it: the first in catalog order */
    EXPECT_STR_EQ(p->name, "zai");
    EXPECT_EQ(ailib_model_resolve("opnai/gpt-4o-mini", &p, &bare, &err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "did you mean 'openai'") != NULL);
    EXPECT_EQ(ailib_model_resolve("antropic", &p, &bare, &err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "the provider 'anthropic'") != NULL);
    EXPECT_EQ(ailib_model_resolve("gpt-4o-mni", &p, &bare, &err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "openai/gpt-4o-mini") != NULL);
    EXPECT_EQ(ailib_model_resolve("zq-unheard-of-model-9", &p, &bare, &err), AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "provider/model") != NULL);
    n = ailib_model_suggest("anthropic", "claude-sonet-4-5", near, 4);
    ASSERT_TRUE(n >= 1);
    EXPECT_STR_EQ(near[0]->name, "claude-sonnet-4-5");
    n = ailib_model_suggest("openai", "gpt-6", near, 4);
    EXPECT_EQ(n, 4);
    EXPECT_TRUE(!strncmp(near[0]->name, "gpt-6", 5));
    EXPECT_EQ(ailib_model_suggest("openai", "zzzzzzzzzz", near, 4), 0);
}

/* A bare model in desc.model and a mixed-case desc.provider make working clients. */
TEST(api_client_create_resolves_bare_models) {
    const mock_server *m = mock_shared();
    char base[256];
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    ailib_message msg = ailib_message_user("bare");
    ailib_request req;
    ailib_response *r = NULL;
    ASSERT_TRUE(m != NULL);
    mock_url(m, NULL, "/v1", base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = "claude-haiku-5-5";
    d.base_url = base;
    d.api_key = "k";
    c = ailib_client_create(&d, &err);
    ASSERT_TRUE(c != NULL);
    EXPECT_STR_EQ(ailib_client_provider(c)->name, "anthropic");
    EXPECT_STR_EQ(ailib_client_model(c), "claude-haiku-5-5");
    memset(&req, 0, sizeof req);
    req.messages = &msg;
    req.message_count = 1;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: bare");
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    d.model = "gpt-4o-mini";
    d.provider = "Azure";
    setenv("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:9", 1);
    c = ailib_client_create(&d, &err);
    ASSERT_TRUE(c != NULL);
    EXPECT_STR_EQ(ailib_client_provider(c)->name, "azure");
    ailib_client_destroy(c);
    d.provider = "azur";
    EXPECT_TRUE(ailib_client_create(&d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "did you mean 'azure'") != NULL);
    unsetenv("AZURE_OPENAI_ENDPOINT");
    d.provider = NULL;
    d.model = "glm-5.2";                       /* listed by zai and zhipu: the first in catalog order */
    d.api_key = "k";
    c = ailib_client_create(&d, &err);
    ASSERT_TRUE(c != NULL);
    EXPECT_STR_EQ(ailib_client_provider(c)->name, "zai");
    ailib_client_destroy(c);
}

/* Reasoning asked of a model that cannot reason, and a budget that leaves no room for the
   answer, fail before anything is sent, unary and streamed. */
TEST(api_catalog_refusals_before_sending) {
    ailib_client *c = api_client("openai/gpt-4o-mini", "delay_ms=1", NULL);
    ailib_client *an = api_client("anthropic/claude-haiku-5-5", "delay_ms=1", NULL);
    ailib_message msg = ailib_message_user("think");
    ailib_request req;
    ailib_response *r = NULL;
    ailib_error err;
    long before;
    ASSERT_TRUE(c && an);
    before = mock_count(mock_shared(), "delay_ms=1");
    memset(&req, 0, sizeof req);
    req.messages = &msg;
    req.message_count = 1;
    req.reasoning.effort = AILIB_EFFORT_HIGH;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(err.message, "openai/gpt-4o-mini cannot reason") != NULL);
    EXPECT_TRUE(strstr(err.message, "e.g. openai/gpt-6-luna") != NULL);        /* the provider's default, which reasons */
    EXPECT_TRUE(strstr(err.message, "request.reasoning") != NULL);
    EXPECT_TRUE(r == NULL);
    EXPECT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_UNSUPPORTED);
    req.reasoning.effort = AILIB_EFFORT_DEFAULT;
    req.reasoning.budget_tokens = 2048;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_UNSUPPORTED);
    req.reasoning.budget_tokens = 1999;
    req.max_tokens = 2000;
    EXPECT_EQ(ailib_chat(an, &req, &r, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "leaves 1 token for the answer") != NULL);
    EXPECT_TRUE(strstr(err.message, "at least 2255") && strstr(err.message, "at most 1744"));
    EXPECT_EQ(ailib_chat_stream(an, &req, NULL, NULL, &r, &err), AILIB_INVALID_ARGUMENT);
    req.reasoning.budget_tokens = 3000;
    EXPECT_EQ(ailib_chat(an, &req, &r, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "leaves 0 tokens") != NULL);
    EXPECT_EQ(mock_count(mock_shared(), "delay_ms=1"), before);
    /* what is allowed still goes: reasoning off on a model without it, a budget with room */
    req.reasoning.budget_tokens = 0;
    req.reasoning.effort = AILIB_EFFORT_NONE;
    req.max_tokens = 0;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    r = NULL;
    req.reasoning.effort = AILIB_EFFORT_DEFAULT;
    req.reasoning.budget_tokens = 1024;
    req.max_tokens = 2000;
    EXPECT_EQ(ailib_chat_stream(an, &req, NULL, NULL, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    EXPECT_EQ(mock_count(mock_shared(), "delay_ms=1"), before + 2);
    ailib_client_destroy(c);
    ailib_client_destroy(an);
}

/* An unknown model for a known provider is a warning with the nearest names, never a refusal. */
TEST(api_catalog_unknown_model_warns_and_sends) {
    logbuf lb;
    ailib_client *c;
    ailib_message msg = ailib_message_user("typo");
    ailib_request req;
    ailib_response *r = NULL;
    ailib_error err;
    int stream;
    memset(&lb, 0, sizeof lb);
    c = api_client("openai/gpt-4o-mni", NULL, &lb);
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(lb.warns, 1);
    EXPECT_TRUE(strstr(lb.text, "model 'gpt-4o-mni' is not in the catalog of openai (nearest: gpt-4o-mini") != NULL);
    memset(&req, 0, sizeof req);
    req.messages = &msg;
    req.message_count = 1;
    for (stream = 0; stream < 2; stream++) {
        EXPECT_EQ(stream ? ailib_chat_stream(c, &req, NULL, NULL, &r, &err) : ailib_chat(c, &req, &r, &err), AILIB_OK);
        EXPECT_STR_EQ(ailib_response_text(r, NULL), "Hello from ailib-mock. You said: typo");
        ailib_response_destroy(r);
        r = NULL;
    }
    EXPECT_EQ(lb.warns, 1);                          /* the client's model warns once, at creation */
    req.model = "gpt-4.1-mnii";
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    EXPECT_EQ(lb.warns, 2);
    EXPECT_TRUE(strstr(lb.text, "nearest: gpt-4.1-mini") != NULL);
    ailib_client_destroy(c);
    /* local servers serve whatever is installed: no warning */
    memset(&lb, 0, sizeof lb);
    c = api_client("ollama/qwen3:8b", NULL, &lb);
    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(lb.warns, 0);
    ailib_client_destroy(c);
}

TEST(api_request_check_warnings) {
    char warn[1024];
    ailib_request req;
    ailib_message msg;
    ailib_part parts[2];
    ailib_tool tool = ailib_tool_make("f", NULL, NULL);
    ailib_error err;
    const ailib_provider_info *oa = ailib_provider_find("openai"), *px = ailib_provider_find("ollama");
    memset(&req, 0, sizeof req);
    parts[0] = ailib_part_text("see");
    parts[1] = ailib_part_image_url("https://example.com/a.png");
    msg = ailib_message_parts(AILIB_ROLE_USER, parts, 2);
    req.messages = &msg;
    req.message_count = 1;
    EXPECT_EQ(ailib_request_check(oa, "gpt-4o-mini", &req, warn, sizeof warn, &err), AILIB_OK);
    EXPECT_STR_EQ(warn, "");
    req.tools = &tool;
    req.tool_count = 1;
    EXPECT_EQ(ailib_request_check(px, "nomic-embed-text", &req, warn, sizeof warn, &err), AILIB_OK);
    EXPECT_TRUE(strstr(warn, "ollama/nomic-embed-text does not call tools") != NULL);
    EXPECT_TRUE(strstr(warn, "ollama/nomic-embed-text does not take images") != NULL);
    req.tools = NULL;
    req.tool_count = 0;
    req.max_tokens = 100000;
    EXPECT_EQ(ailib_request_check(oa, "gpt-4o-mini", &req, warn, sizeof warn, &err), AILIB_OK);
    EXPECT_TRUE(strstr(warn, "request.max_tokens 100000 is above the 16384 output tokens") != NULL);
    req.max_tokens = 0;
    EXPECT_EQ(ailib_request_check(oa, "text-embedding-3-small", &req, warn, sizeof warn, &err), AILIB_OK);
    EXPECT_TRUE(strstr(warn, "is an embedding model") != NULL);
    EXPECT_EQ(ailib_request_check(oa, "gpt-oss-120b", &req, warn, sizeof warn, &err), AILIB_OK);
    EXPECT_TRUE(strstr(warn, "not in the catalog of openai") != NULL);
    EXPECT_EQ(ailib_request_check(oa, "openai/gpt-oss-120b", &req, warn, sizeof warn, &err), AILIB_OK);
    EXPECT_TRUE(strstr(warn, "is a model of groq: write \"groq/openai/gpt-oss-120b\"") != NULL);
    EXPECT_EQ(ailib_request_check(NULL, "x", &req, warn, sizeof warn, &err), AILIB_INVALID_ARGUMENT);
}

/* The retry the engine schedules is observable: the log line names the wait. */
TEST(api_retry_log_names_the_wait) {
    logbuf lb;
    ailib_client *c;
    ailib_message msg = ailib_message_user("retry me");
    ailib_request req;
    ailib_response *r = NULL;
    ailib_error err;
    const char *p;
    long ms;
    memset(&lb, 0, sizeof lb);
    c = api_client("openai/gpt-4o-mini", "status=429,retry_after_ms=300,times=1", &lb);
    ASSERT_TRUE(c != NULL);
    memset(&req, 0, sizeof req);
    req.messages = &msg;
    req.message_count = 1;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    p = strstr(lb.text, "openai failed (AILIB_RATE_LIMITED), retry 1 of 2 in ");
    ASSERT_TRUE(p != NULL);
    ms = strtol(p + strlen("openai failed (AILIB_RATE_LIMITED), retry 1 of 2 in "), NULL, 10);
    EXPECT_GT(ms, 0);
    EXPECT_LE(ms, 300);
    ailib_client_destroy(c);
}

/* Request headers and identity, per-request overrides (core, no macro): what reaches the wire,
   read back from ailib-mock's /_mock/last_request; what is refused, and with which message. */
#include "test.h"
#include "mockctl.h"
#include "../ailib.h"
#include <stdlib.h>
#include <string.h>

static ailib_client *hclient(const char *spec, ailib_client_desc *d, ailib_error *err) {
    const mock_server *m = mock_shared();
    static char base[512];
    if (!m) { ailib_test_fail(__FILE__, __LINE__, "ailib-mock could not be started"); return NULL; }
    mock_url(m, spec, "/v1", base, sizeof base);
    if (!d->model) d->model = "openai/gpt-4o-mini";
    d->base_url = base;
    return ailib_client_create(d, err);
}

static ailib_request hello(ailib_message *msg) {
    ailib_request req;
    memset(msg, 0, sizeof *msg);
    memset(&req, 0, sizeof req);
    msg->role = AILIB_ROLE_USER;
    msg->text = "Hello headers";
    req.messages = msg;
    req.message_count = 1;
    return req;
}

/* The last request the mock saw, parsed; its header names are lower case. */
static ailib_json_doc *last_request(void) {
    int status = 0;
    char *body = mock_http(mock_shared(), "GET", "/_mock/last_request", &status);
    ailib_json_doc *d = NULL;
    if (body && status == 200) ailib_json_parse(body, strlen(body), NULL, &d, NULL);
    free(body);
    return d;
}

static const char *sent(ailib_json_doc *d, const char *lower_name) {
    return ailib_json_str(ailib_json_get(ailib_json_get(ailib_json_doc_root(d), "headers"), lower_name), NULL);
}

/* How many header lines of that name went (a replaced header is one line, not two). */
static int sent_count(ailib_json_doc *d, const char *lower_name) {
    const ailib_json *h = ailib_json_get(ailib_json_doc_root(d), "headers"), *k = ailib_json_first(h);
    size_t i, n = ailib_json_size(h);
    int count = 0;
    for (i = 0; i < n; i++, k = ailib_json_next(ailib_json_next(k)))
        if (strcmp(ailib_json_str(k, NULL), lower_name) == 0) count++;
    return count;
}

TEST(headers_user_agent_by_default) {
    ailib_client_desc d;
    ailib_error err;
    ailib_message msg;
    ailib_request req = hello(&msg);
    ailib_response *r = NULL;
    ailib_client *c;
    ailib_json_doc *last;
    memset(&d, 0, sizeof d);
    d.api_key = "test-key-123";
    ASSERT_TRUE((c = hclient(NULL, &d, &err)) != NULL);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ASSERT_TRUE((last = last_request()) != NULL);
    EXPECT_STR_EQ(sent(last, "user-agent"), "ailib/" AILIB_VERSION_STRING);
    EXPECT_STR_EQ(sent(last, "authorization"), "Bearer test-key-123");
    ailib_json_doc_destroy(last);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

TEST(headers_client_then_request_replace_and_remove) {
    static const ailib_http_header ch[] = { { "X-Title", "My Game" }, { "anthropic-beta", "b1" }, { "User-Agent", "mygame/1.2" } };
    static const ailib_http_header rh[] = { { "x-title", "Per call" }, { "X-Trace", "t-42" }, { "anthropic-beta", "" } };
    ailib_client_desc d;
    ailib_error err;
    ailib_message msg;
    ailib_request req = hello(&msg);
    ailib_response *r = NULL;
    ailib_client *c;
    ailib_json_doc *last;
    memset(&d, 0, sizeof d);
    d.api_key = "test-key-123";
    d.headers = ch;
    d.header_count = 3;
    ASSERT_TRUE((c = hclient(NULL, &d, &err)) != NULL);
    /* the client's headers */
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ASSERT_TRUE((last = last_request()) != NULL);
    EXPECT_STR_EQ(sent(last, "user-agent"), "mygame/1.2");
    EXPECT_STR_EQ(sent(last, "x-title"), "My Game");
    EXPECT_STR_EQ(sent(last, "anthropic-beta"), "b1");
    EXPECT_TRUE(sent(last, "x-trace") == NULL);
    ailib_json_doc_destroy(last);
    /* a request's replace them (any case), add to them, and an empty value removes one */
    req.headers = rh;
    req.header_count = 3;
    ASSERT_EQ(ailib_chat_stream(c, &req, NULL, NULL, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ASSERT_TRUE((last = last_request()) != NULL);
    EXPECT_STR_EQ(sent(last, "x-title"), "Per call");
    EXPECT_STR_EQ(sent(last, "x-trace"), "t-42");
    EXPECT_TRUE(sent(last, "anthropic-beta") == NULL);
    EXPECT_STR_EQ(sent(last, "user-agent"), "mygame/1.2");
    EXPECT_STR_EQ(sent(last, "authorization"), "Bearer test-key-123");
    ailib_json_doc_destroy(last);
    /* the next call without them is back to the client's */
    req.headers = NULL;
    req.header_count = 0;
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ASSERT_TRUE((last = last_request()) != NULL);
    EXPECT_STR_EQ(sent(last, "x-title"), "My Game");
    EXPECT_TRUE(sent(last, "x-trace") == NULL);
    ailib_json_doc_destroy(last);
    ailib_client_destroy(c);
}

TEST(headers_user_agent_removed_by_empty_value) {
    static const ailib_http_header ch[] = { { "user-agent", "" } };
    ailib_client_desc d;
    ailib_error err;
    ailib_message msg;
    ailib_request req = hello(&msg);
    ailib_response *r = NULL;
    ailib_client *c;
    ailib_json_doc *last;
    memset(&d, 0, sizeof d);
    d.api_key = "test-key-123";
    d.headers = ch;
    d.header_count = 1;
    ASSERT_TRUE((c = hclient(NULL, &d, &err)) != NULL);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ASSERT_TRUE((last = last_request()) != NULL);
    EXPECT_TRUE(sent(last, "user-agent") == NULL);
    ailib_json_doc_destroy(last);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

/* The request that caused a refusal never reaches the mock, and the message names the entry
   without echoing a value (it may be a secret). */
TEST(headers_refused_with_a_message_that_says_what_to_change) {
    static const ailib_http_header crlf[] = { { "X-Ok", "fine" }, { "X-Evil", "a\r\nInjected: yes" } };
    static const ailib_http_header badname[] = { { "X Title", "v" } };
    static const ailib_http_header noname[] = { { "", "v" } };
    static const ailib_http_header framing[] = { { "Content-Length", "5" } };
    static const ailib_http_header auth[] = { { "Authorization", "Bearer sk-secret-value-0123456789" } };
    static const ailib_http_header xkey[] = { { "X-API-Key", "other-secret-0123456789" } };
    ailib_client_desc d;
    ailib_error err;
    ailib_message msg;
    ailib_request req = hello(&msg);
    ailib_response *r = NULL;
    ailib_client *c;

    memset(&d, 0, sizeof d);
    d.api_key = "test-key-123";
    d.headers = crlf; d.header_count = 2;
    EXPECT_TRUE(hclient(NULL, &d, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);
    EXPECT_TRUE(strstr(err.message, "desc.headers[1]") && strstr(err.message, "line break"));
    EXPECT_TRUE(strstr(err.message, "Injected") == NULL);

    d.headers = badname; d.header_count = 1;
    EXPECT_TRUE(hclient(NULL, &d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "desc.headers[0]") && strstr(err.message, "not an HTTP token"));
    d.headers = noname;
    EXPECT_TRUE(hclient(NULL, &d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "no name") != NULL);
    d.headers = framing;
    EXPECT_TRUE(hclient(NULL, &d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "Content-Length") != NULL);
    d.headers = auth;
    EXPECT_TRUE(hclient(NULL, &d, &err) == NULL);
    EXPECT_TRUE(strstr(err.message, "allow_auth_headers") != NULL);
    EXPECT_TRUE(strstr(err.message, "sk-secret") == NULL);
    d.headers = NULL; d.header_count = 2;
    EXPECT_TRUE(hclient(NULL, &d, &err) == NULL);
    EXPECT_EQ(err.code, AILIB_CONFIGURATION);

    /* per request: AILIB_INVALID_ARGUMENT from ailib_chat, nothing sent */
    d.headers = NULL; d.header_count = 0;
    ASSERT_TRUE((c = hclient("times=1,retry_after_ms=7", &d, &err)) != NULL);
    req.headers = crlf; req.header_count = 2;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "request.headers[1]") != NULL);
    req.headers = xkey; req.header_count = 1;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_INVALID_ARGUMENT);
    EXPECT_TRUE(strstr(err.message, "credential header") != NULL);
    EXPECT_TRUE(strstr(err.message, "other-secret") == NULL);
    EXPECT_TRUE(r == NULL);
    EXPECT_EQ(mock_count(mock_shared(), "times=1,retry_after_ms=7"), 0);
    ailib_client_destroy(c);
}

/* allow_auth_headers: a gateway's token in place of the key (then no key is needed), or a
   header that replaces the key's. */
TEST(headers_auth_only_when_allowed) {
    static const ailib_http_header gw[] = { { "Authorization", "Bearer gateway-token-777" } };
    static const ailib_http_header rk[] = { { "authorization", "Bearer per-user-token-888" } };
    ailib_client_desc d;
    ailib_error err;
    ailib_message msg;
    ailib_request req = hello(&msg);
    ailib_response *r = NULL;
    ailib_client *c;
    ailib_json_doc *last;
    char *saved = getenv("OPENAI_API_KEY") ? strdup(getenv("OPENAI_API_KEY")) : NULL;
    unsetenv("OPENAI_API_KEY");
    memset(&d, 0, sizeof d);
    EXPECT_TRUE(hclient(NULL, &d, &err) == NULL);                /* no key, no auth header: refused */
    EXPECT_TRUE(strstr(err.message, "OPENAI_API_KEY") != NULL);
    d.headers = gw; d.header_count = 1;
    EXPECT_TRUE(hclient(NULL, &d, &err) == NULL);                /* not allowed */
    d.allow_auth_headers = 1;
    c = hclient(NULL, &d, &err);
    if (saved) setenv("OPENAI_API_KEY", saved, 1);
    free(saved);
    ASSERT_TRUE(c != NULL);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ASSERT_TRUE((last = last_request()) != NULL);
    EXPECT_STR_EQ(sent(last, "authorization"), "Bearer gateway-token-777");
    EXPECT_EQ(sent_count(last, "authorization"), 1);
    ailib_json_doc_destroy(last);
    ailib_client_destroy(c);

    /* with a key: a request's Authorization replaces the key's header (one header, not two) */
    memset(&d, 0, sizeof d);
    d.api_key = "test-key-123";
    d.allow_auth_headers = 1;
    ASSERT_TRUE((c = hclient(NULL, &d, &err)) != NULL);
    req.headers = rk; req.header_count = 1;
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ASSERT_TRUE((last = last_request()) != NULL);
    EXPECT_STR_EQ(sent(last, "authorization"), "Bearer per-user-token-888");
    EXPECT_EQ(sent_count(last, "authorization"), 1);
    ailib_json_doc_destroy(last);
    ailib_client_destroy(c);
}

TEST(headers_more_than_the_request_holds) {
    static const ailib_http_header many[] = {
        { "X-A", "1" }, { "X-B", "2" }, { "X-C", "3" }, { "X-D", "4" }, { "X-E", "5" }, { "X-F", "6" }, { "X-G", "7" },
        { "X-H", "8" }, { "X-I", "9" }, { "X-J", "10" }, { "X-K", "11" }, { "X-L", "12" }, { "X-M", "13" }, { "X-N", "14" } };
    ailib_client_desc d;
    ailib_error err;
    ailib_message msg;
    ailib_request req = hello(&msg);
    ailib_response *r = NULL;
    ailib_client *c;
    ailib_json_doc *last;
    memset(&d, 0, sizeof d);
    d.api_key = "test-key-123";
    d.headers = many;
    d.header_count = 13;      /* Content-Type, Authorization, User-Agent and 13: 16, the most */
    ASSERT_TRUE((c = hclient(NULL, &d, &err)) != NULL);
    ASSERT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ASSERT_TRUE((last = last_request()) != NULL);
    EXPECT_STR_EQ(sent(last, "x-m"), "13");
    ailib_json_doc_destroy(last);
    ailib_client_destroy(c);
    d.header_count = 14;
    ASSERT_TRUE((c = hclient(NULL, &d, &err)) != NULL);
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_TOO_LARGE);
    EXPECT_TRUE(strstr(err.message, "more than 16 request headers") != NULL);
    ailib_client_destroy(c);
}

/* Embeddings and model lists carry the client's headers and the User-Agent too. */
TEST(headers_on_embeddings_and_model_lists) {
    static const ailib_http_header ch[] = { { "X-Title", "Embedder" } };
    static const char *inputs[] = { "one", "two" };
    ailib_client_desc d;
    ailib_error err;
    ailib_embed_request er;
    ailib_embeddings *e = NULL;
    ailib_model_list *ml = NULL;
    ailib_client *c;
    ailib_json_doc *last;
    memset(&d, 0, sizeof d);
    memset(&er, 0, sizeof er);
    d.api_key = "test-key-123";
    d.model = "openai/text-embedding-3-small";
    d.headers = ch;
    d.header_count = 1;
    er.inputs = inputs;
    er.input_count = 2;
    ASSERT_TRUE((c = hclient(NULL, &d, &err)) != NULL);
    ASSERT_EQ(ailib_embed(c, &er, &e, &err), AILIB_OK);
    ASSERT_TRUE((last = last_request()) != NULL);
    EXPECT_STR_EQ(sent(last, "x-title"), "Embedder");
    EXPECT_STR_EQ(sent(last, "user-agent"), "ailib/" AILIB_VERSION_STRING);
    ailib_json_doc_destroy(last);
    ASSERT_EQ(ailib_models(c, &ml, &err), AILIB_OK);
    ASSERT_TRUE((last = last_request()) != NULL);
    EXPECT_STR_EQ(sent(last, "x-title"), "Embedder");
    ailib_json_doc_destroy(last);
    ailib_model_list_destroy(ml);
    ailib_embeddings_destroy(e);
    ailib_client_destroy(c);
}

/* request.max_retries: -1 none, n that many; zero the client's (counted by the mock). */
TEST(headers_per_request_retries) {
    ailib_client_desc d;
    ailib_error err;
    ailib_message msg;
    ailib_request req = hello(&msg);
    ailib_response *r = NULL;
    ailib_client *c;
    const char *spec = "status=503,retry_after_ms=3";
    long before;
    memset(&d, 0, sizeof d);
    d.api_key = "test-key-123";
    d.max_retries = 3;
    ASSERT_TRUE((c = hclient(spec, &d, &err)) != NULL);
    before = mock_count(mock_shared(), spec);
    req.max_retries = -1;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OVERLOADED);
    EXPECT_EQ(mock_count(mock_shared(), spec) - before, 1);
    req.max_retries = 1;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OVERLOADED);
    EXPECT_EQ(mock_count(mock_shared(), spec) - before, 1 + 2);
    req.max_retries = 0;                                  /* the client's 3 */
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OVERLOADED);
    EXPECT_EQ(mock_count(mock_shared(), spec) - before, 1 + 2 + 4);
    EXPECT_TRUE(r == NULL);
    ailib_client_destroy(c);
}

/* request.timeout_ms bounds this call only, and the message names the field to raise. */
TEST(headers_per_request_timeout) {
    ailib_client_desc d;
    ailib_error err;
    ailib_message msg;
    ailib_request req = hello(&msg);
    ailib_response *r = NULL;
    ailib_client *c;
    memset(&d, 0, sizeof d);
    d.api_key = "test-key-123";
    d.max_retries = -1;
    ASSERT_TRUE((c = hclient("delay_ms=400", &d, &err)) != NULL);
    req.timeout_ms = 50;
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_TIMEOUT);
    EXPECT_TRUE(strstr(err.message, "request.timeout_ms") != NULL);
    req.timeout_ms = 0;                                   /* the client's 600 s */
    EXPECT_EQ(ailib_chat(c, &req, &r, &err), AILIB_OK);
    ailib_response_destroy(r);
    ailib_client_destroy(c);
}

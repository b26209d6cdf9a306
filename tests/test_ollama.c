/* Ollama native /api/chat (NDJSON): recorded fixtures, hand-written bodies
   (tests/fixtures/ollama), a custom <think>-tag row, request bodies field by field. */
#include "test.h"
#include "replay.h"
#include <stdlib.h>

/* --- helpers ------------------------------------------------------------------------------- */

static ailib_endpoint ol_ep(void) {
    ailib_endpoint ep;
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("ollama");
    return ep;
}

static int ol_replay_file(const char *path, replay_run *r) { return replay_file("ollama", path, r); }

typedef replay_body ol_body;

static ailib_result ol_build(const ailib_request *q, int stream, ol_body *b, ailib_error *err) {
    return replay_build("ollama", NULL, q, stream, b, err);
}

static void ol_body_free(ol_body *b) { replay_body_free(b); }

static const char *ol_s(const ailib_json *v) { return ailib_json_str(v, NULL); }

/* Events as text, for comparing chunkings of a stream fed by hand. */
typedef struct ol_log { char buf[4096]; size_t len; } ol_log;

static int ol_on_event(void *user, const ailib_event *ev) {
    ol_log *l = (ol_log *)user;
    int n = snprintf(l->buf + l->len, sizeof l->buf - l->len, "%d:%.*s|", (int)ev->type,
                     (int)(ev->type == AILIB_EVENT_TEXT_DELTA || ev->type == AILIB_EVENT_REASONING_DELTA ? ev->text_len : 0),
                     ev->text ? ev->text : "");
    if (n > 0 && (size_t)n < sizeof l->buf - l->len) l->len += (size_t)n;
    return 0;
}

/* --- recorded fixtures --------------------------------------------------------------------- */

TEST(ollama_fixture_think_tool_calls) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_usage *u;
    const ailib_message *m;
    if (!replay_fixture("ollama", "ollama/native-api-chat-stream-think-tool_calls.SYNTHESIZED.ndjson", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "qwen3");
    EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "The user asks about the weather in Tokyo, so I should call get_weather.");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "call_k3j2h1g0");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_weather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\":\"Tokyo\"}");
    EXPECT_STR_EQ(ol_s(ailib_json_get(c->args, "city")), "Tokyo");
    m = ailib_response_message(r.resp);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "stop");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 26);
    EXPECT_EQ(u->output_tokens, 282);
    EXPECT_EQ(u->total_tokens, 308);
    EXPECT_EQ(u->reported, AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT | AILIB_USAGE_TOTAL);
    EXPECT_EQ(replay_count(&r, "R "), 2);
    EXPECT_EQ(replay_count(&r, "B 0 call_k3j2h1g0 get_weather"), 1);
    EXPECT_EQ(replay_count(&r, "E 0 call_k3j2h1g0 get_weather {\"city\":\"Tokyo\"}"), 1);
    EXPECT_EQ(replay_count(&r, "U 26 282 308"), 1);
    EXPECT_EQ(replay_count(&r, "F tool_calls stop"), 1);
    replay_free(&r);
}

TEST(ollama_fixture_midstream_error) {
    replay_run r;
    const ailib_error *pe;
    if (!replay_fixture("ollama", "ollama/native-api-generate-stream-midstream-error.DOCS-EXAMPLE.ndjson", &r)) TEST_SKIP("fixture corpus absent");
    EXPECT_EQ(r.feed_result, AILIB_PROVIDER);
    EXPECT_EQ(r.err.code, AILIB_PROVIDER);
    EXPECT_STR_EQ(r.err.provider_message, "an error was encountered while running the model");
    EXPECT_TRUE(strstr(r.err.message, "an error was encountered while running the model") != NULL);
    EXPECT_EQ(r.err.retryable, 0);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), " Yes.Ican");
    EXPECT_STR_EQ(ailib_response_model(r.resp), "gemma4");
    pe = ailib_response_error(r.resp);
    ASSERT_TRUE(pe != NULL);
    EXPECT_EQ(pe->code, AILIB_PROVIDER);
    EXPECT_STR_EQ(pe->provider_message, "an error was encountered while running the model");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_NONE);
    EXPECT_EQ(replay_count(&r, "T "), 4);
    EXPECT_EQ(replay_count(&r, "X AILIB_PROVIDER an error was encountered while running the model"), 1);
    replay_free(&r);
}

/* --- hand-written bodies ------------------------------------------------------------------- */

TEST(ollama_whole_tool_calls_thinking) {
    size_t len = 0;
    char *body = ailib_test_read_file("tests/fixtures/ollama/chat-whole-tool-calls-thinking.json", &len);
    ailib_endpoint ep = ol_ep();
    ailib_response *resp = NULL;
    ailib_error e;
    const ailib_tool_call *c;
    const ailib_message *m;
    ASSERT_TRUE(body != NULL);
    ailib_error_clear(&e);
    ASSERT_EQ(ailib_wire_response_parse(&ep, 200, body, len, &resp, &e), AILIB_OK);
    free(body);
    EXPECT_STR_EQ(ailib_response_model(resp), "qwen3:8b");
    EXPECT_STR_EQ(ailib_response_reasoning(resp, NULL), "Two cities, two calls.");
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "Checking both.");
    m = ailib_response_message(resp);
    ASSERT_EQ(m->part_count, 4);   /* thinking before text, whatever the member order */
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_EQ(m->parts[2].type, AILIB_PART_TOOL_CALL);
    EXPECT_EQ(m->parts[3].type, AILIB_PART_TOOL_CALL);
    ASSERT_EQ(ailib_response_tool_call_count(resp), 2);
    c = ailib_response_tool_call(resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "call_a1");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_weather");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"city\":\"Tokyo\"}");
    c = ailib_response_tool_call(resp, 1);
    EXPECT_EQ(c->id_len, 22);   /* none on the wire: made up ("ailib_" + 16 hex digits) */
    EXPECT_TRUE(c->id && !strncmp(c->id, "ailib_", 6) && strspn(c->id + 6, "0123456789abcdef") == 16);
    EXPECT_MEM_EQ(c->name, c->name_len, "get_time");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"tz\":\"Asia/Tokyo\",\"24h\":true}");
    EXPECT_EQ(ailib_json_bool(ailib_json_get(c->args, "24h")), 1);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(resp), "stop");
    EXPECT_EQ(ailib_response_usage(resp)->input_tokens, 31);
    EXPECT_EQ(ailib_response_usage(resp)->output_tokens, 57);
    EXPECT_EQ(ailib_response_usage(resp)->total_tokens, 88);
    ailib_response_destroy(resp);
}

TEST(ollama_whole_error_bodies) {
    static const char nf[] = "{\"error\":\"model 'llama9' not found\"}";
    ailib_endpoint ep = ol_ep();
    ailib_response *resp = NULL;
    ailib_error e;
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_response_parse(&ep, 404, nf, sizeof nf - 1, &resp, &e), AILIB_NOT_FOUND);
    EXPECT_STR_EQ(e.provider_message, "model 'llama9' not found");
    ailib_error_clear(&e);
    EXPECT_EQ(ailib_wire_response_parse(&ep, 200, nf, sizeof nf - 1, &resp, &e), AILIB_PROVIDER);
    EXPECT_TRUE(resp == NULL);
    EXPECT_STR_EQ(e.provider_message, "model 'llama9' not found");
}

TEST(ollama_stream_length) {
    replay_run r;
    ASSERT_TRUE(ol_replay_file("tests/fixtures/ollama/chat-stream-length.ndjson", &r));
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "One, two, three");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_LENGTH);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "length");
    EXPECT_EQ(ailib_response_usage(r.resp)->input_tokens, 11);
    EXPECT_EQ(ailib_response_usage(r.resp)->output_tokens, 4);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "llama3.2");
    replay_free(&r);
}

TEST(ollama_stream_cut_before_done) {
    static const char body[] = "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"Hal\"},\"done\":false}\n";
    replay_run r;
    ASSERT_TRUE(replay_all_ways("ollama", body, sizeof body - 1, 1, &r));
    EXPECT_EQ(r.feed_result, AILIB_OK);
    EXPECT_EQ(r.finish_result, AILIB_PROTOCOL);
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "Hal");
    replay_free(&r);
}

/* Inline <think> tags under a row that says so: tags split across lines, whole run and byte
   by byte give the same events. */
TEST(ollama_stream_think_tags_row) {
    ailib_provider_info row;
    ailib_endpoint ep;
    ailib_stream *s;
    ailib_response *resp;
    ailib_error e;
    ol_log whole, bytes;
    size_t len = 0, i;
    char *body = ailib_test_read_file("tests/fixtures/ollama/chat-stream-think-tags.ndjson", &len);
    const ailib_message *m;
    ASSERT_TRUE(body != NULL);
    memset(&row, 0, sizeof row);
    row.name = "local-r1"; row.protocol = AILIB_PROTOCOL_OLLAMA; row.base_url = "http://localhost:11434";
    row.auth = AILIB_AUTH_NONE; row.default_model = "deepseek-r1:7b"; row.quirks = AILIB_Q_THINK_TAGS;
    memset(&ep, 0, sizeof ep);
    ep.provider = &row;
    memset(&whole, 0, sizeof whole); memset(&bytes, 0, sizeof bytes);
    ailib_error_clear(&e);

    s = ailib_stream_create(&ep, NULL, &e);
    ASSERT_TRUE(s != NULL);
    for (i = 0; i < len; i++) ASSERT_EQ(ailib_stream_feed(s, body + i, 1, ol_on_event, &bytes, &e), AILIB_OK);
    ASSERT_EQ(ailib_stream_finish(s, ol_on_event, &bytes, &e), AILIB_OK);
    ailib_stream_destroy(s);

    s = ailib_stream_create(&ep, NULL, &e);
    ASSERT_TRUE(s != NULL);
    ASSERT_EQ(ailib_stream_feed(s, body, len, ol_on_event, &whole, &e), AILIB_OK);
    ASSERT_EQ(ailib_stream_finish(s, ol_on_event, &whole, &e), AILIB_OK);
    resp = ailib_stream_take_response(s);
    ailib_stream_destroy(s);
    free(body);
    ASSERT_TRUE(resp != NULL);
    EXPECT_EQ(whole.len, bytes.len);
    EXPECT_TRUE(memcmp(whole.buf, bytes.buf, whole.len) == 0);
    EXPECT_STR_EQ(ailib_response_reasoning(resp, NULL), "The user says hi, so greet.");
    EXPECT_STR_EQ(ailib_response_text(resp, NULL), "\n\nHello there <b>!");
    m = ailib_response_message(resp);
    ASSERT_EQ(m->part_count, 2);
    EXPECT_EQ(m->parts[0].type, AILIB_PART_THINKING);
    EXPECT_EQ(m->parts[1].type, AILIB_PART_TEXT);
    EXPECT_EQ(ailib_response_finish_reason(resp), AILIB_FINISH_STOP);
    EXPECT_EQ(ailib_response_usage(resp)->output_tokens, 18);
    ailib_response_destroy(resp);

    /* the catalog row has no quirk: the same stream is plain text there */
    {
        replay_run r;
        ASSERT_TRUE(ol_replay_file("tests/fixtures/ollama/chat-stream-think-tags.ndjson", &r));
        EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "<think>The user says hi, so greet.</think>\n\nHello there <b>!");
        EXPECT_STR_EQ(ailib_response_reasoning(r.resp, NULL), "");
        replay_free(&r);
    }
}

/* --- request bodies ------------------------------------------------------------------------ */

TEST(ollama_request_conversation) {
    static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    static const char *const stops[] = { "END" };
    ailib_part up[3], asst[4], res[2];
    ailib_message msgs[5];
    ailib_request q;
    ol_body b;
    ailib_error e;
    const ailib_json *ms, *x, *o;
    memset(&q, 0, sizeof q); memset(msgs, 0, sizeof msgs); memset(up, 0, sizeof up);
    memset(asst, 0, sizeof asst); memset(res, 0, sizeof res);
    msgs[0].role = AILIB_ROLE_SYSTEM; msgs[0].text = "Metric units.";
    up[0].type = AILIB_PART_TEXT; up[0].text = "What is in ";
    up[1].type = AILIB_PART_IMAGE; up[1].data = png; up[1].data_len = sizeof png;
    up[2].type = AILIB_PART_IMAGE; up[2].url = "data:image/gif;base64,R0lGODlh";
    msgs[1].role = AILIB_ROLE_USER; msgs[1].parts = up; msgs[1].part_count = 3;
    asst[0].type = AILIB_PART_THINKING; asst[0].text = "Need the weather.";
    asst[1].type = AILIB_PART_TEXT; asst[1].text = "Checking.";
    asst[2].type = AILIB_PART_TOOL_CALL; asst[2].id = "call_1"; asst[2].name = "get_weather"; asst[2].text = "{\"city\":\"Tokyo\"}";
    asst[3].type = AILIB_PART_TOOL_CALL; asst[3].name = "get_time";
    msgs[2].role = AILIB_ROLE_ASSISTANT; msgs[2].parts = asst; msgs[2].part_count = 4;
    res[0].type = AILIB_PART_TOOL_RESULT; res[0].id = "call_1"; res[0].text = "22C";
    res[1].type = AILIB_PART_TOOL_RESULT; res[1].name = "get_time"; res[1].text = "09:00";
    msgs[3].role = AILIB_ROLE_TOOL; msgs[3].parts = res; msgs[3].part_count = 2;
    msgs[4].role = AILIB_ROLE_USER; msgs[4].text = "Thanks";
    q.model = "ollama/qwen3"; q.system = "Be terse."; q.messages = msgs; q.message_count = 5;
    q.temperature = ailib_set(0.2); q.top_p = ailib_set(0.9); q.top_k = ailib_set_int(40); q.max_tokens = 256;
    q.stop = stops; q.stop_count = 1; q.seed = ailib_set_int(3);
    q.presence_penalty = ailib_set(0.1); q.frequency_penalty = ailib_set(0.2);
    q.reasoning.effort = AILIB_EFFORT_HIGH;
    q.response_format.type = AILIB_FORMAT_JSON;
    ailib_error_clear(&e);
    ASSERT_EQ(ol_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(b.wr.url, "http://localhost:11434/api/chat");
    EXPECT_EQ(b.wr.stream, 0);
    EXPECT_STR_EQ(ol_s(ailib_json_get(b.root, "model")), "qwen3");
    EXPECT_TRUE(ailib_json_type_of(ailib_json_get(b.root, "stream")) == AILIB_JSON_FALSE);
    EXPECT_STR_EQ(ol_s(ailib_json_get(b.root, "think")), "high");
    EXPECT_STR_EQ(ol_s(ailib_json_get(b.root, "format")), "json");
    ms = ailib_json_get(b.root, "messages");
    ASSERT_EQ(ailib_json_size(ms), 7);
    x = ailib_json_at(ms, 0);
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "role")), "system");
    /* JSON mode: the instruction to answer in JSON follows the caller's system prompt */
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "content")), "Be terse.\n\nAnswer with a single JSON value and nothing else (no prose, no code fences).");
    EXPECT_STR_EQ(ol_s(ailib_json_get(ailib_json_at(ms, 1), "content")), "Metric units.");
    x = ailib_json_at(ms, 2);
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "role")), "user");
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "content")), "What is in ");
    ASSERT_EQ(ailib_json_size(ailib_json_get(x, "images")), 2);
    EXPECT_STR_EQ(ol_s(ailib_json_at(ailib_json_get(x, "images"), 0)), "iVBORw0KGgo=");
    EXPECT_STR_EQ(ol_s(ailib_json_at(ailib_json_get(x, "images"), 1)), "R0lGODlh");
    x = ailib_json_at(ms, 3);
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "role")), "assistant");
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "content")), "Checking.");
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "thinking")), "Need the weather.");
    ASSERT_EQ(ailib_json_size(ailib_json_get(x, "tool_calls")), 2);
    o = ailib_json_at(ailib_json_get(x, "tool_calls"), 0);
    EXPECT_STR_EQ(ol_s(ailib_json_get(o, "id")), "call_1");
    EXPECT_STR_EQ(ol_s(ailib_json_path(o, "function", "name", NULL)), "get_weather");
    EXPECT_STR_EQ(ol_s(ailib_json_path(o, "function", "arguments", "city", NULL)), "Tokyo");
    o = ailib_json_at(ailib_json_get(x, "tool_calls"), 1);
    EXPECT_TRUE(ailib_json_get(o, "id") == NULL);
    EXPECT_TRUE(ailib_json_is_object(ailib_json_path(o, "function", "arguments", NULL)));
    x = ailib_json_at(ms, 4);
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "role")), "tool");
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "tool_name")), "get_weather");   /* found by id */
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "tool_call_id")), "call_1");
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "content")), "22C");
    x = ailib_json_at(ms, 5);
    EXPECT_STR_EQ(ol_s(ailib_json_get(x, "tool_name")), "get_time");
    EXPECT_TRUE(ailib_json_get(x, "tool_call_id") == NULL);
    EXPECT_STR_EQ(ol_s(ailib_json_get(ailib_json_at(ms, 6), "content")), "Thanks");
    EXPECT_TRUE(ailib_json_get(ailib_json_at(ms, 6), "images") == NULL);
    o = ailib_json_get(b.root, "options");
    EXPECT_EQ(ailib_json_size(o), 8);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(o, "temperature")), 0.2);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(o, "top_p")), 0.9);
    EXPECT_EQ(ailib_json_int(ailib_json_get(o, "top_k")), 40);
    EXPECT_EQ(ailib_json_int(ailib_json_get(o, "num_predict")), 256);
    EXPECT_STR_EQ(ol_s(ailib_json_at(ailib_json_get(o, "stop"), 0)), "END");
    EXPECT_EQ(ailib_json_int(ailib_json_get(o, "seed")), 3);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(o, "presence_penalty")), 0.1);
    EXPECT_DBL_EQ(ailib_json_double(ailib_json_get(o, "frequency_penalty")), 0.2);
    EXPECT_TRUE(ailib_json_get(b.root, "temperature") == NULL);
    ol_body_free(&b);
}

TEST(ollama_request_think_format_tools_stream) {
    ailib_tool tool;
    ailib_message m;
    ailib_request q;
    ol_body b;
    ailib_error e;
    const ailib_json *t;
    memset(&q, 0, sizeof q); memset(&m, 0, sizeof m); memset(&tool, 0, sizeof tool);
    m.role = AILIB_ROLE_USER; m.text = "Hi";
    tool.name = "get_weather"; tool.description = "Weather";
    q.model = "llama3.2"; q.messages = &m; q.message_count = 1; q.tools = &tool; q.tool_count = 1;
    ailib_error_clear(&e);
    ASSERT_EQ(ol_build(&q, 1, &b, &e), AILIB_OK);
    EXPECT_EQ(b.wr.stream, 1);
    EXPECT_TRUE(ailib_json_type_of(ailib_json_get(b.root, "stream")) == AILIB_JSON_TRUE);
    EXPECT_TRUE(ailib_json_get(b.root, "think") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "format") == NULL);
    EXPECT_TRUE(ailib_json_get(b.root, "options") == NULL);   /* nothing set: omitted */
    EXPECT_TRUE(ailib_json_get(b.root, "tool_choice") == NULL);
    t = ailib_json_at(ailib_json_get(b.root, "tools"), 0);
    EXPECT_STR_EQ(ol_s(ailib_json_get(t, "type")), "function");
    EXPECT_STR_EQ(ol_s(ailib_json_path(t, "function", "name", NULL)), "get_weather");
    EXPECT_STR_EQ(ol_s(ailib_json_path(t, "function", "description", NULL)), "Weather");
    EXPECT_STR_EQ(ol_s(ailib_json_path(t, "function", "parameters", "type", NULL)), "object");
    ol_body_free(&b);

    q.reasoning.effort = AILIB_EFFORT_NONE;
    q.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
    q.response_format.schema = "{\"type\":\"object\",\"required\":[\"a\"]}";
    q.tool_choice.mode = AILIB_TOOL_CHOICE_NONE;
    ASSERT_EQ(ol_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_TRUE(ailib_json_type_of(ailib_json_get(b.root, "think")) == AILIB_JSON_FALSE);
    EXPECT_STR_EQ(ol_s(ailib_json_path(b.root, "format", "type", NULL)), "object");
    EXPECT_STR_EQ(ol_s(ailib_json_at(ailib_json_path(b.root, "format", "required", NULL), 0)), "a");
    EXPECT_TRUE(ailib_json_get(b.root, "tools") == NULL);   /* "none": no tools offered */
    ol_body_free(&b);

    q.reasoning.effort = AILIB_EFFORT_DEFAULT; q.reasoning.budget_tokens = 2000;
    ASSERT_EQ(ol_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_TRUE(ailib_json_type_of(ailib_json_get(b.root, "think")) == AILIB_JSON_TRUE);
    ol_body_free(&b);

    q.reasoning.budget_tokens = 0; q.reasoning.effort = AILIB_EFFORT_MINIMAL;
    ASSERT_EQ(ol_build(&q, 0, &b, &e), AILIB_OK);
    EXPECT_STR_EQ(ol_s(ailib_json_get(b.root, "think")), "low");
    ol_body_free(&b);
}

TEST(ollama_request_url_image_unsupported) {
    ailib_part p;
    ailib_message m;
    ailib_request q;
    ol_body b;
    ailib_error e;
    memset(&q, 0, sizeof q); memset(&m, 0, sizeof m); memset(&p, 0, sizeof p);
    p.type = AILIB_PART_IMAGE; p.url = "https://example.com/cat.png";
    m.role = AILIB_ROLE_USER; m.parts = &p; m.part_count = 1;
    q.model = "llava"; q.messages = &m; q.message_count = 1;
    ailib_error_clear(&e);
    EXPECT_EQ(ol_build(&q, 0, &b, &e), AILIB_UNSUPPORTED);
    EXPECT_EQ(e.code, AILIB_UNSUPPORTED);
    EXPECT_TRUE(strstr(e.message, "bytes") != NULL);
    EXPECT_TRUE(strstr(e.message, "part.data") != NULL);
    ol_body_free(&b);
}

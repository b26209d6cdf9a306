/* A conversation started on one provider continues on another: the assistant turn from
   ailib_response_message() and a tool result go to each target, and the target's request body
   shows the documented conversion (README, "Conversations across providers"). */
#include "test.h"
#include "replay.h"
#include "../ailib.h"
#include <stdlib.h>
#include <string.h>

static const char AN_BODY[] =
    "{\"id\":\"msg_sw\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-5\",\"content\":["
    "{\"type\":\"thinking\",\"thinking\":\"The user wants the weather.\",\"signature\":\"EqQBSIGNATURE+/==\"},"
    "{\"type\":\"redacted_thinking\",\"data\":\"EmwKREDACTED\"},"
    "{\"type\":\"text\",\"text\":\"Let me check.\"},"
    "{\"type\":\"tool_use\",\"id\":\"toolu_01A\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}],"
    "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":20,\"output_tokens\":30}}";

static const char GE_BODY[] =
    "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
    "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}},\"thoughtSignature\":\"c2lnQQ==\"},"
    "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Rome\"}}}]},\"finishReason\":\"STOP\",\"index\":0}],"
    "\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":6,\"totalTokenCount\":11},"
    "\"modelVersion\":\"gemini-3.8-flash\",\"responseId\":\"resp-sw-1\"}";

typedef struct convo {
    ailib_response *resp;
    ailib_message msgs[3];
    ailib_part results[4];
    ailib_request req;
} convo;

/* [user, the parsed reply's assistant turn, one result per tool call] */
static void convo_make(convo *cv, const char *provider, const char *body) {
    ailib_endpoint ep;
    ailib_error err;
    size_t i, n;
    memset(cv, 0, sizeof *cv);
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find(provider);
    if (ailib_wire_response_parse(&ep, 200, body, strlen(body), &cv->resp, &err) != AILIB_OK)
        ailib_test_fail(__FILE__, __LINE__, "parse %s: %s", provider, err.message);
    cv->msgs[0].role = AILIB_ROLE_USER;
    cv->msgs[0].text = "Weather?";
    cv->msgs[1] = *ailib_response_message(cv->resp);
    n = ailib_response_tool_call_count(cv->resp);
    for (i = 0; i < n && i < 4; i++) {
        const ailib_tool_call *tc = ailib_response_tool_call(cv->resp, i);
        cv->results[i].type = AILIB_PART_TOOL_RESULT;
        cv->results[i].id = tc->id;
        cv->results[i].name = tc->name;
        cv->results[i].text = i ? "21C" : "18C";
    }
    cv->msgs[2].role = AILIB_ROLE_TOOL;
    cv->msgs[2].parts = cv->results;
    cv->msgs[2].part_count = n;
    cv->req.messages = cv->msgs;
    cv->req.message_count = 3;
}

static const ailib_json *jat(const ailib_json *v, size_t i) { return ailib_json_at(v, i); }
static const char *jstr(const ailib_json *v, const char *k) { return ailib_json_str(ailib_json_get(v, k), NULL); }

/* The first element of array arr whose member key equals val. */
static const ailib_json *find_by(const ailib_json *arr, const char *key, const char *val) {
    size_t i;
    for (i = 0; i < ailib_json_size(arr); i++)
        if (jstr(jat(arr, i), key) && !strcmp(jstr(jat(arr, i), key), val)) return jat(arr, i);
    return NULL;
}

TEST(switch_anthropic_to_anthropic_keeps_everything) {
    convo cv;
    replay_body b;
    ailib_error err;
    const ailib_json *asst, *c;
    convo_make(&cv, "anthropic", AN_BODY);
    ASSERT_EQ(replay_build("anthropic", "k", &cv.req, 0, &b, &err), AILIB_OK);
    asst = jat(ailib_json_get(b.root, "messages"), 1);
    c = ailib_json_get(asst, "content");
    ASSERT_EQ(ailib_json_size(c), 4);
    EXPECT_STR_EQ(jstr(jat(c, 0), "type"), "thinking");
    EXPECT_STR_EQ(jstr(jat(c, 0), "signature"), "EqQBSIGNATURE+/==");
    EXPECT_STR_EQ(jstr(jat(c, 0), "thinking"), "The user wants the weather.");
    EXPECT_STR_EQ(jstr(jat(c, 1), "type"), "redacted_thinking");
    EXPECT_STR_EQ(jstr(jat(c, 1), "data"), "EmwKREDACTED");
    EXPECT_STR_EQ(jstr(jat(c, 3), "id"), "toolu_01A");
    EXPECT_STR_EQ(jstr(jat(ailib_json_get(jat(ailib_json_get(b.root, "messages"), 2), "content"), 0), "tool_use_id"), "toolu_01A");
    replay_body_free(&b);
    ailib_response_destroy(cv.resp);
}

TEST(switch_anthropic_to_openai_drops_thinking) {
    convo cv;
    replay_body b;
    ailib_error err;
    const ailib_json *ms, *asst;
    convo_make(&cv, "anthropic", AN_BODY);
    ASSERT_EQ(replay_build("openai", "k", &cv.req, 0, &b, &err), AILIB_OK);
    ms = ailib_json_get(b.root, "messages");
    ASSERT_EQ(ailib_json_size(ms), 3);
    asst = jat(ms, 1);
    EXPECT_STR_EQ(jstr(asst, "content"), "Let me check.");
    EXPECT_TRUE(ailib_json_get(asst, "reasoning_content") == NULL);
    EXPECT_STR_EQ(jstr(jat(ailib_json_get(asst, "tool_calls"), 0), "id"), "toolu_01A");
    EXPECT_STR_EQ(jstr(ailib_json_get(jat(ailib_json_get(asst, "tool_calls"), 0), "function"), "arguments"), "{\"city\":\"Paris\"}");
    EXPECT_STR_EQ(jstr(jat(ms, 2), "tool_call_id"), "toolu_01A");
    EXPECT_TRUE(strstr(b.wr.body, "SIGNATURE") == NULL && strstr(b.wr.body, "REDACTED") == NULL);
    replay_body_free(&b);
    /* DeepSeek wants reasoning echoed: the thinking text goes as reasoning_content */
    ASSERT_EQ(replay_build("deepseek", "k", &cv.req, 0, &b, &err), AILIB_OK);
    EXPECT_STR_EQ(jstr(jat(ailib_json_get(b.root, "messages"), 1), "reasoning_content"), "The user wants the weather.");
    EXPECT_TRUE(strstr(b.wr.body, "SIGNATURE") == NULL);
    replay_body_free(&b);
    ailib_response_destroy(cv.resp);
}

TEST(switch_anthropic_to_gemini_sentinel_on_foreign_call) {
    convo cv;
    replay_body b;
    ailib_error err;
    const ailib_json *model, *parts, *call;
    convo_make(&cv, "anthropic", AN_BODY);
    cv.req.model = "gemini-3.8-flash";
    ASSERT_EQ(replay_build("gemini", "k", &cv.req, 0, &b, &err), AILIB_OK);
    model = jat(ailib_json_get(b.root, "contents"), 1);
    EXPECT_STR_EQ(jstr(model, "role"), "model");
    parts = ailib_json_get(model, "parts");
    ASSERT_EQ(ailib_json_size(parts), 2);                      /* text + call: no thought, no redacted */
    EXPECT_STR_EQ(jstr(jat(parts, 0), "text"), "Let me check.");
    EXPECT_TRUE(ailib_json_get(jat(parts, 0), "thought") == NULL);
    call = jat(parts, 1);
    EXPECT_STR_EQ(jstr(ailib_json_get(call, "functionCall"), "id"), "toolu_01A");
    EXPECT_STR_EQ(jstr(call, "thoughtSignature"), "skip_thought_signature_validator");
    EXPECT_STR_EQ(jstr(ailib_json_get(jat(ailib_json_get(jat(ailib_json_get(b.root, "contents"), 2), "parts"), 0), "functionResponse"), "name"),
                  "get_weather");
    EXPECT_TRUE(strstr(b.wr.body, "SIGNATURE") == NULL && strstr(b.wr.body, "REDACTED") == NULL);
    replay_body_free(&b);
    ailib_response_destroy(cv.resp);
}

TEST(switch_anthropic_to_mistral_and_bedrock_ids) {
    convo cv;
    replay_body b;
    ailib_error err;
    ailib_endpoint ep;
    ailib_wire_request wr;
    const char *id, *rid;
    size_t k;
    convo_make(&cv, "anthropic", AN_BODY);
    ASSERT_EQ(replay_build("mistral", "k", &cv.req, 0, &b, &err), AILIB_OK);
    id = jstr(jat(ailib_json_get(jat(ailib_json_get(b.root, "messages"), 1), "tool_calls"), 0), "id");
    rid = jstr(jat(ailib_json_get(b.root, "messages"), 2), "tool_call_id");
    ASSERT_TRUE(id != NULL && rid != NULL);
    EXPECT_EQ(strlen(id), 9);
    for (k = 0; k < 9; k++) EXPECT_TRUE((id[k] >= '0' && id[k] <= '9') || (id[k] >= 'a' && id[k] <= 'z') || (id[k] >= 'A' && id[k] <= 'Z'));
    EXPECT_STR_EQ(id, rid);                                   /* call and result still pair up */
    replay_body_free(&b);
    /* Bedrock: no reasoningContent from Anthropic's API, the id as given */
    memset(&ep, 0, sizeof ep);
    ep.provider = ailib_provider_find("bedrock");
    ep.base_url = "https://bedrock-runtime.us-east-1.amazonaws.com";
    ep.api_key = "k";
    cv.req.model = "anthropic.claude-sonnet-5";
    ASSERT_EQ(ailib_wire_request_build(&ep, &cv.req, 0, &wr, &err), AILIB_OK);
    EXPECT_TRUE(strstr(wr.body, "reasoningContent") == NULL);
    EXPECT_TRUE(strstr(wr.body, "\"toolUseId\":\"toolu_01A\"") != NULL);
    ailib_wire_request_deinit(&wr);
    ailib_response_destroy(cv.resp);
}

TEST(switch_gemini_ids_made_up_and_signatures_stay_home) {
    convo cv;
    replay_body b;
    ailib_error err;
    const ailib_json *c, *parts;
    const ailib_tool_call *t0, *t1;
    convo_make(&cv, "gemini", GE_BODY);
    t0 = ailib_response_tool_call(cv.resp, 0);
    t1 = ailib_response_tool_call(cv.resp, 1);
    ASSERT_TRUE(t0 && t1);
    EXPECT_TRUE(!strncmp(t0->id, "ailib_", 6) && !strncmp(t1->id, "ailib_", 6) && strcmp(t0->id, t1->id));
    /* to Anthropic: made-up ids pair the calls and results; the Gemini signature is dropped */
    ASSERT_EQ(replay_build("anthropic", "k", &cv.req, 0, &b, &err), AILIB_OK);
    c = ailib_json_get(jat(ailib_json_get(b.root, "messages"), 1), "content");
    ASSERT_EQ(ailib_json_size(c), 2);
    EXPECT_STR_EQ(jstr(jat(c, 0), "id"), t0->id);
    EXPECT_STR_EQ(jstr(jat(c, 1), "id"), t1->id);
    c = ailib_json_get(jat(ailib_json_get(b.root, "messages"), 2), "content");
    EXPECT_TRUE(find_by(c, "tool_use_id", t0->id) != NULL && find_by(c, "tool_use_id", t1->id) != NULL);
    EXPECT_TRUE(strstr(b.wr.body, "c2lnQQ") == NULL);
    replay_body_free(&b);
    /* back to Gemini: its own signature on the first call, no sentinel, no made-up ids */
    cv.req.model = "gemini-3.8-flash";
    ASSERT_EQ(replay_build("gemini", "k", &cv.req, 0, &b, &err), AILIB_OK);
    parts = ailib_json_get(jat(ailib_json_get(b.root, "contents"), 1), "parts");
    ASSERT_EQ(ailib_json_size(parts), 2);
    EXPECT_STR_EQ(jstr(jat(parts, 0), "thoughtSignature"), "c2lnQQ==");
    EXPECT_TRUE(ailib_json_get(jat(parts, 1), "thoughtSignature") == NULL);
    EXPECT_TRUE(strstr(b.wr.body, "ailib_") == NULL && strstr(b.wr.body, "skip_thought") == NULL);
    replay_body_free(&b);
    ailib_response_destroy(cv.resp);
}

TEST(switch_kimi_ids_sanitized_for_anthropic) {
    static const char body[] =
        "{\"id\":\"k1\",\"object\":\"chat.completion\",\"model\":\"kimi-k3.1-pro\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        "\"content\":null,\"reasoning_content\":\"Need the weather.\",\"tool_calls\":[{\"id\":\"functions.get_weather:0\",\"type\":\"function\","
        "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}";
    convo cv;
    replay_body b;
    ailib_error err;
    const char *id, *rid;
    convo_make(&cv, "kimi", body);
    ASSERT_EQ(replay_build("anthropic", "k", &cv.req, 0, &b, &err), AILIB_OK);
    id = jstr(jat(ailib_json_get(jat(ailib_json_get(b.root, "messages"), 1), "content"), 0), "id");
    rid = jstr(jat(ailib_json_get(jat(ailib_json_get(b.root, "messages"), 2), "content"), 0), "tool_use_id");
    ASSERT_TRUE(id && rid);
    EXPECT_TRUE(!strncmp(id, "functions_get_weather_0_", 24) && strlen(id) == 32);
    EXPECT_STR_EQ(id, rid);
    replay_body_free(&b);
    /* back to Kimi: the id as Kimi gave it, and its reasoning echoed */
    ASSERT_EQ(replay_build("kimi", "k", &cv.req, 0, &b, &err), AILIB_OK);
    EXPECT_STR_EQ(jstr(jat(ailib_json_get(jat(ailib_json_get(b.root, "messages"), 1), "tool_calls"), 0), "id"), "functions.get_weather:0");
    EXPECT_STR_EQ(jstr(jat(ailib_json_get(b.root, "messages"), 1), "reasoning_content"), "Need the weather.");
    replay_body_free(&b);
    ailib_response_destroy(cv.resp);
}

/* Parts the caller made (origin 0) go everywhere as given, signatures included. */
TEST(switch_caller_made_parts_sent_as_given) {
    ailib_part asst[2], res;
    ailib_message msgs[3];
    ailib_request q;
    replay_body b;
    ailib_error err;
    const ailib_json *c;
    memset(asst, 0, sizeof asst); memset(&res, 0, sizeof res); memset(msgs, 0, sizeof msgs); memset(&q, 0, sizeof q);
    asst[0].type = AILIB_PART_THINKING; asst[0].text = "hmm"; asst[0].signature = "MYSIG";
    asst[1].type = AILIB_PART_TOOL_CALL; asst[1].id = "call_9"; asst[1].name = "f"; asst[1].text = "{}"; asst[1].signature = "GSIG";
    res.type = AILIB_PART_TOOL_RESULT; res.id = "call_9"; res.name = "f"; res.text = "ok";
    msgs[0].role = AILIB_ROLE_USER; msgs[0].text = "go";
    msgs[1].role = AILIB_ROLE_ASSISTANT; msgs[1].parts = asst; msgs[1].part_count = 2;
    msgs[2].role = AILIB_ROLE_TOOL; msgs[2].parts = &res; msgs[2].part_count = 1;
    q.messages = msgs; q.message_count = 3;
    ASSERT_EQ(replay_build("anthropic", "k", &q, 0, &b, &err), AILIB_OK);
    c = ailib_json_get(jat(ailib_json_get(b.root, "messages"), 1), "content");
    EXPECT_STR_EQ(jstr(jat(c, 0), "signature"), "MYSIG");
    replay_body_free(&b);
    q.model = "gemini-3.8-flash";
    ASSERT_EQ(replay_build("gemini", "k", &q, 0, &b, &err), AILIB_OK);
    c = ailib_json_get(jat(ailib_json_get(b.root, "contents"), 1), "parts");
    EXPECT_STR_EQ(jstr(jat(c, 1), "thoughtSignature"), "GSIG");   /* signed call: no sentinel */
    replay_body_free(&b);
}

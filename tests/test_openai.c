/* OpenAI chat completions and its dialects: fixtures, hand-written streams, request bodies. */
#include "test.h"
#include "replay.h"
#include <stdlib.h>

TEST(openai_fixture_tool_call_include_usage) {
    replay_run r;
    const ailib_tool_call *c;
    const ailib_usage *u;
    if (!replay_fixture("openai", "openai/chat-stream-tool-call-include-usage.sse", &r)) TEST_SKIP("fixture corpus absent");
    ASSERT_EQ(r.feed_result, AILIB_OK);
    ASSERT_EQ(r.finish_result, AILIB_OK);
    EXPECT_STR_EQ(ailib_response_model(r.resp), "gpt-4o-mini-2024-07-18");
    EXPECT_STR_EQ(ailib_response_id(r.resp), "chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl");
    EXPECT_STR_EQ(ailib_response_text(r.resp, NULL), "");
    ASSERT_EQ(ailib_response_tool_call_count(r.resp), 1);
    c = ailib_response_tool_call(r.resp, 0);
    EXPECT_MEM_EQ(c->id, c->id_len, "call_ZR5UUuTt3pf61kjwAJIYdVMj");
    EXPECT_MEM_EQ(c->name, c->name_len, "get_capital");
    EXPECT_MEM_EQ(c->arguments, c->arguments_len, "{\"country\":\"UK\"}");
    ASSERT_TRUE(c->args != NULL);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(c->args, "country"), NULL), "UK");
    EXPECT_EQ(ailib_response_finish_reason(r.resp), AILIB_FINISH_TOOL_CALLS);
    EXPECT_STR_EQ(ailib_response_finish_reason_raw(r.resp), "tool_calls");
    u = ailib_response_usage(r.resp);
    EXPECT_EQ(u->input_tokens, 53);
    EXPECT_EQ(u->output_tokens, 15);
    EXPECT_EQ(u->total_tokens, 68);
    EXPECT_EQ(u->cached_input_tokens, 0);
    EXPECT_EQ(u->reasoning_tokens, 0);
    EXPECT_TRUE((u->reported & AILIB_USAGE_CACHED) != 0);
    EXPECT_EQ(replay_count(&r, "B "), 1);
    EXPECT_EQ(replay_count(&r, "D "), 5);
    EXPECT_EQ(replay_count(&r, "E "), 1);
    EXPECT_EQ(replay_count(&r, "F "), 1);
    EXPECT_EQ(replay_count(&r, "U "), 1);
    replay_free(&r);
}

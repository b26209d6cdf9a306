/* The JSONL batch of `ailib batch` (tools/ailib_batch.c) against ailib-mock: input shapes,
   result lines with line numbers and ids, invalid lines, resume (done lines skipped, a
   half-written line ignored), retry of failed lines. */
#include "test.h"
#include "mockctl.h"
#include "../tools/ailib_batch.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *read_all(const char *path) {
    size_t n;
    return ailib_test_read_file(path, &n);
}

/* The output line whose "line" is n (the last one), parsed; NULL when none. */
static ailib_json_doc *out_line(const char *text, long n, int *count) {
    const char *p = text;
    ailib_json_doc *found = NULL;
    *count = 0;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        ailib_json_doc *d = NULL;
        if (ailib_json_parse(p, len, NULL, &d, NULL) == AILIB_OK && ailib_json_int(ailib_json_get(ailib_json_doc_root(d), "line")) == n) {
            ailib_json_doc_destroy(found);
            found = d;
            (*count)++;
        } else ailib_json_doc_destroy(d);
        p = nl ? nl + 1 : NULL;
    }
    return found;
}

TEST(batchfile_runs_resumes_and_skips) {
    const mock_server *m = mock_shared();
    char dir[] = "/tmp/ailib-batch-XXXXXX", in[300], out[300], base[256];
    const char *spec = "header=x-test:jsonl1";
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    jsonl_batch_opts o;
    jsonl_batch_stats st;
    FILE *f;
    char *text;
    int cnt;
    ailib_json_doc *doc;
    const ailib_json *root;
    if (!m) TEST_SKIP("ailib-mock not available");
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    snprintf(in, sizeof in, "%s/in.jsonl", dir);
    snprintf(out, sizeof out, "%s/out.jsonl", dir);
    ASSERT_TRUE((f = fopen(in, "wb")) != NULL);
    fputs("{\"id\":\"a\",\"prompt\":\"first\"}\n"
          "\n"
          "{\"id\":7,\"messages\":[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"second\"}]}],\"max_tokens\":5}\n"
          "not json\n"
          "{\"prompt\":\"third\",\"temperature\":0.5}\n"
          "{\"id\":\"e\",\"messages\":[]}\n"
          "{\"id\":\"t\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
          "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
          "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"18C\"}],\"tools\":[{\"type\":\"function\",\"function\":"
          "{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]}", f);   /* no final newline */
    fclose(f);
    /* line 1 is done already; line 5's result was being written when the last run died */
    ASSERT_TRUE((f = fopen(out, "wb")) != NULL);
    fputs("{\"line\":1,\"id\":\"a\",\"response\":{\"text\":\"earlier\"},\"error\":null}\n{\"line\":5,\"id\":nu", f);
    fclose(f);
    mock_url(m, spec, "/v1", base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = "openai/gpt-4o-mini";
    d.base_url = base;
    d.api_key = "sk-test";
    ASSERT_TRUE((c = ailib_client_create(&d, &err)) != NULL);
    memset(&o, 0, sizeof o);
    o.in_path = in;
    o.out_path = out;
    o.concurrency = 2;
    EXPECT_EQ(jsonl_batch_run(c, &o, &st, &err), JSONL_BATCH_SOME_FAILED);
    EXPECT_EQ(st.lines, 6);
    EXPECT_EQ(st.skipped, 1);
    EXPECT_EQ(st.ok, 3);
    EXPECT_EQ(st.failed, 2);
    EXPECT_EQ(st.invalid, 2);
    EXPECT_GT(st.input_tokens, 0);
    EXPECT_EQ(mock_count(m, spec), 3);              /* invalid lines are never sent */
    ASSERT_TRUE((text = read_all(out)) != NULL);
    EXPECT_TRUE(strncmp(text, "{\"line\":1,", 10) == 0);
    EXPECT_TRUE(strstr(text, "{\"line\":5,\"id\":nu\n") != NULL);   /* the broken line stays alone on its line */
    doc = out_line(text, 3, &cnt);
    EXPECT_EQ(cnt, 1);
    root = ailib_json_doc_root(doc);
    EXPECT_EQ(ailib_json_int(ailib_json_get(root, "id")), 7);
    EXPECT_TRUE(ailib_json_is_null(ailib_json_get(root, "error")));
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(root, "response", "text", NULL), NULL), "Hello from ailib-mock. You said: second");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(root, "response", "finish_reason", NULL), NULL), "stop");
    EXPECT_GT(ailib_json_int(ailib_json_path(root, "response", "usage", "input", NULL)), 0);
    ailib_json_doc_destroy(doc);
    doc = out_line(text, 4, &cnt);
    root = ailib_json_doc_root(doc);
    EXPECT_TRUE(ailib_json_is_null(ailib_json_get(root, "id")));
    EXPECT_TRUE(ailib_json_is_null(ailib_json_get(root, "response")));
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(root, "error", "code", NULL), NULL), "AILIB_JSON_SYNTAX");
    ailib_json_doc_destroy(doc);
    doc = out_line(text, 6, &cnt);
    root = ailib_json_doc_root(doc);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_get(root, "id"), NULL), "e");
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(root, "error", "code", NULL), NULL), "AILIB_INVALID_ARGUMENT");
    EXPECT_TRUE(strstr(ailib_json_str(ailib_json_path(root, "error", "message", NULL), NULL), "messages") != NULL);
    ailib_json_doc_destroy(doc);
    doc = out_line(text, 7, &cnt);
    root = ailib_json_doc_root(doc);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(root, "response", "text", NULL), NULL), "The tool said: 18C");
    ailib_json_doc_destroy(doc);
    doc = out_line(text, 5, &cnt);
    EXPECT_EQ(cnt, 1);
    EXPECT_STR_EQ(ailib_json_str(ailib_json_path(ailib_json_doc_root(doc), "response", "text", NULL), NULL), "Hello from ailib-mock. You said: third");
    ailib_json_doc_destroy(doc);
    free(text);
    /* again: everything is in the output, nothing is sent */
    EXPECT_EQ(jsonl_batch_run(c, &o, &st, &err), JSONL_BATCH_OK);
    EXPECT_EQ(st.skipped, 6);
    EXPECT_EQ(st.skipped_failed, 2);          /* the two invalid lines: the CLI's exit code says so */
    EXPECT_EQ(st.ok + st.failed, 0);
    EXPECT_EQ(mock_count(m, spec), 3);
    /* retry_failed: the two invalid lines run again (and fail again, unsent) */
    o.retry_failed = 1;
    EXPECT_EQ(jsonl_batch_run(c, &o, &st, &err), JSONL_BATCH_SOME_FAILED);
    EXPECT_EQ(st.skipped, 4);
    EXPECT_EQ(st.invalid, 2);
    EXPECT_EQ(mock_count(m, spec), 3);
    /* a missing input says so */
    o.in_path = "/nonexistent/in.jsonl";
    EXPECT_EQ(jsonl_batch_run(c, &o, &st, &err), JSONL_BATCH_IO_ERROR);
    EXPECT_TRUE(strstr(err.message, "/nonexistent/in.jsonl") != NULL);
    ailib_client_destroy(c);
    unlink(in);
    unlink(out);
    rmdir(dir);
}

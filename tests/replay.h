/* replay.h - feeds recorded provider bodies through ailib's stream decoder in several
   chunkings and compares the results, so each fixture test only asserts the fields. */
#ifndef AILIB_REPLAY_H
#define AILIB_REPLAY_H
#include "../ailib.h"
#include "mockctl.h"

typedef struct replay_run {
    ailib_result feed_result;     /* first non-OK feed result, else OK */
    ailib_result finish_result;
    ailib_error err;              /* error of the failing call */
    ailib_response *resp;         /* the accumulated response (owned; replay_free) */
    char *log; size_t log_len;    /* every event serialized, one per line */
    size_t events;
} replay_run;

/* Loads a fixture as the HTTP body the provider sent: .chunks.jsonl files are wrapped per
   the fixtures README (data: lines, event: lines for typed payloads, [DONE] for OpenAI-style
   ones). NULL when the corpus is absent (the caller then TEST_SKIPs). */
char *replay_load(const char *rel_path, size_t *len);
/* Same with LF line ends turned into CRLF. */
char *replay_crlf(const char *body, size_t len, size_t *out_len);
/* One run: the body fed in pieces of `piece` bytes (0 = whole), or split once at `split`
   when piece is (size_t)-1. */
void replay_feed(const char *provider, const char *body, size_t len, size_t piece, size_t split, replay_run *out);
void replay_free(replay_run *r);
/* Runs whole, split at every byte boundary (sampled in quick mode), one byte at a time and
   with CRLF line ends; EXPECTs each to give the same event log, results and response text as
   the whole run, which is returned in *whole for field assertions. Returns 1 when all agree. */
int replay_all_ways(const char *provider, const char *body, size_t len, int crlf_too, replay_run *whole);
/* Convenience for fixture tests: load + replay_all_ways; returns 0 (and the test should
   TEST_SKIP) when the fixture is absent. */
int replay_fixture(const char *provider, const char *rel_path, replay_run *whole);
/* Counts lines of the log that start with prefix ("B" tool begin, "T" text, ...). */
size_t replay_count(const replay_run *r, const char *prefix);
/* A hand-written stream of the repository (tests/fixtures/...) through replay_all_ways;
   0 when the file is missing. */
int replay_file(const char *provider, const char *path, replay_run *r);
/* A hand-written whole response parsed as an HTTP 200 body. */
ailib_result replay_parse_file(const char *provider, const char *path, ailib_response **out, ailib_error *err);

/* A built request and its body parsed back, for field-by-field assertions. */
typedef struct replay_body { ailib_wire_request wr; ailib_json_doc *doc; const ailib_json *root; } replay_body;
ailib_result replay_build(const char *provider, const char *api_key, const ailib_request *q, int stream,
                          replay_body *b, ailib_error *err);
void replay_body_free(replay_body *b);
/* A request of one user message with text (msg is the caller's storage). */
ailib_request replay_one_message(ailib_message *msg, const char *text);
/* The shared ailib-mock; NULL, with the test failed and told how to build it, when it cannot start. */
const mock_server *replay_need_mock(void);
/* The value of a request header, or NULL. */
const char *replay_header(const ailib_wire_request *wr, const char *name);
#endif

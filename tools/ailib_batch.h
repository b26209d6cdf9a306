/* ailib_batch.h - the work behind `ailib batch in.jsonl -o out.jsonl -c 8`: a JSONL file of
   requests run over one client or router with ailib_chat_batch, one result line each,
   resumable. Plain C99 over ailib.h's public API; the CLI (tools/ailib.c) calls
   jsonl_batch_run() and maps its status to an exit code.

   In: one JSON object per line (blank lines are skipped, line numbers count from 1):
       {"id": "q1", "messages": [{"role": "user", "content": "Hi"}], "model": "gpt-4o-mini",
        "system": "Be brief.", "max_tokens": 100, "temperature": 0.2}
       {"prompt": "Hi"}                                   (shorthand for one user message)
     messages in the OpenAI chat shape: roles system/developer, user, assistant (with
     tool_calls), tool (with tool_call_id); content a string or an array of {"type":"text"}
     and {"type":"image_url"} parts. Optional: id (any JSON value, echoed back), model,
     system, max_tokens (or max_completion_tokens), temperature, top_p, top_k, seed,
     presence_penalty, frequency_penalty, stop (string or array), reasoning_effort
     (none/minimal/low/medium/high/xhigh), tools (OpenAI function tools), response_format
     ({"type":"json_object"} or {"type":"json_schema","json_schema":{"name","schema","strict"}}).
   Out: one line per result, in the order they finish:
       {"line":1,"id":"q1","response":{...the shape of `ailib --json`...},"error":null}
       {"line":2,"id":null,"response":null,"error":{"code":"AILIB_RATE_LIMITED","message":"...",
        "http_status":429,"provider_type":"...","provider_code":"...","request_id":"..."}}
     A line that is not a valid request gets an error line too (code AILIB_JSON_SYNTAX or
     AILIB_INVALID_ARGUMENT) and is never sent.
   Resume: lines already in out.jsonl are skipped (with retry_failed, those whose last result
   was an error run again and get a new line); a half-written last line is ignored. Calls
   cancelled by an interruption are not written, so the next run does them. */
#ifndef AILIB_BATCH_TOOL_H
#define AILIB_BATCH_TOOL_H
#include <signal.h>
#include <stdio.h>
#include "../ailib.h"

typedef enum jsonl_batch_status {
    JSONL_BATCH_OK = 0,            /* every line ran and succeeded (or was already done) */
    JSONL_BATCH_SOME_FAILED,       /* it ran to the end; some lines have error results */
    JSONL_BATCH_INTERRUPTED,       /* *stop was set: what finished is written */
    JSONL_BATCH_IO_ERROR,          /* a file could not be read or written (err says which) */
    JSONL_BATCH_TRANSPORT_ERROR    /* the client's transport failed */
} jsonl_batch_status;

typedef struct jsonl_batch_opts {
    const char *in_path;                /* (required) "-" reads stdin */
    const char *out_path;               /* (required) appended to; created when missing */
    int concurrency;                    /* (default: 8) */
    int retry_failed;                   /* (default: 0) 1: lines whose last result is an error run again */
    const ailib_request *defaults;      /* (optional) system, max_tokens, temperature, top_p, reasoning
                                           for the lines that do not set them */
    FILE *progress;                     /* (optional) a progress bar goes there (the CLI: stderr when it is a terminal) */
    volatile sig_atomic_t *stop;        /* (optional) set from a signal handler to stop soon */
} jsonl_batch_opts;

typedef struct jsonl_batch_stats {
    size_t lines;                       /* requests in the input (blank lines not counted) */
    size_t skipped;                     /* already in the output */
    size_t skipped_failed;              /* of skipped: lines whose result there is an error (without retry_failed) */
    size_t ok, failed;                  /* results written by this run */
    size_t invalid;                     /* of failed: lines that were not valid requests */
    int64_t input_tokens, output_tokens;
    int64_t elapsed_ms;
} jsonl_batch_stats;

/* Writes a response as one JSON object in the shape of `ailib --json` (model, id, text,
   reasoning, tool_calls, finish_reason, finish_reason_raw, usage, request_id); requested: the
   model asked for, shown when the reply names none. The CLI prints its --json with it, so the
   "response" of a batch line and `ailib --json` cannot drift apart. */
void jsonl_batch_write_response(ailib_json_writer *w, const ailib_response *r, const char *requested);

jsonl_batch_status jsonl_batch_run(ailib_client *c, const jsonl_batch_opts *o, jsonl_batch_stats *stats, ailib_error *err);
#endif

/* ailib.h - one C API over the major LLM providers - v0.1.0 - MIT license (at end of file)

   Chat, streaming, tool calls, reasoning, structured output and embeddings over OpenAI,
   Anthropic, Gemini, Ollama, Cohere and the OpenAI-compatible clouds, in one header with
   libcurl as the only dependency.

   HOW TO USE
   ==========
   In exactly one .c or .cpp file:

       #define AILIB_IMPLEMENTATION
       #include "ailib.h"

   Everywhere else just #include "ailib.h". The provider catalog ailib_providers.h must sit
   next to it (or run `make single` for one self-contained file).

   The wire layer (this release) turns a unified request into a provider's HTTP request and
   the provider's bytes back into a unified response, with no network involved:

       const ailib_provider_info *p = ailib_provider_find("anthropic");
       ailib_message msg = { AILIB_ROLE_USER };
       msg.text = "Name three prime numbers.";
       ailib_request req = { 0 };
       req.model = "claude-sonnet-4-5";
       req.messages = &msg; req.message_count = 1;
       ailib_endpoint ep = { 0 };
       ep.provider = p; ep.api_key = getenv("ANTHROPIC_API_KEY");
       ailib_wire_request wr;
       ailib_error err;
       if (ailib_wire_request_build(&ep, &req, 1, &wr, &err) != AILIB_OK) puts(err.message);
       ... send wr.url / wr.headers / wr.body with any HTTP client ...
       ailib_stream *s = ailib_stream_create(&ep, NULL, &err);
       ailib_stream_feed(s, bytes, n, on_event, user, &err);   as bytes arrive
       ailib_stream_finish(s, on_event, user, &err);            at end of body
       ailib_response *r = ailib_stream_take_response(s);        everything, normalized

   CONFIGURATION MACROS
   ====================
   AILIB_IMPLEMENTATION        define in one translation unit to compile the implementation
   AILIB_STATIC                (set globally) make every function static, for single-file use
   AILIB_MALLOC/AILIB_REALLOC/AILIB_FREE
                               (implementation only) all three or none; the default allocator
                               used when a desc leaves its allocator zeroed. Defaults: the C
                               library's malloc/realloc/free.
   AILIB_JSON_MAX_DEPTH        (implementation only, default 512) nesting limit of the reader
   AILIB_ASSERT                (implementation only, default assert)

   MEMORY AND LIFETIMES
   ====================
   Nothing is global. Every object that allocates takes an optional ailib_allocator (zero
   means the default). A response owns one arena: every pointer a response getter returns
   lives until ailib_response_destroy(). Stream events point into parser-owned memory and
   live only until the callback returns.

   ERRORS
   ======
   Every fallible function returns an ailib_result and fills an optional, caller-owned
   ailib_error (pass NULL if you only want the code). ailib_result_string() names a code.
   The error's message says what to do; provider fields keep what the provider said.

   THREADS
   =======
   No global state. Objects are not locked: one thread uses an object at a time; different
   objects may be used on different threads freely.
*/
#ifndef AILIB_H_INCLUDED
#define AILIB_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#define AILIB_VERSION_MAJOR 0
#define AILIB_VERSION_MINOR 1
#define AILIB_VERSION_PATCH 0
#define AILIB_VERSION_STRING "0.1.0"

#ifndef AILIB_API
#  ifdef AILIB_STATIC
#    define AILIB_API static
#  else
#    define AILIB_API extern
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ============================================================================================
   >>base: results, errors, allocator, version
   ============================================================================================ */

/* Every result code, append-only: codes keep their numbers forever. X(name, description). */
#define AILIB_RESULT_LIST(X)                                                                  \
    X(OK,               "ok")                                                                \
    X(INVALID_ARGUMENT, "invalid argument")                                                  \
    X(OUT_OF_MEMORY,    "out of memory")                                                     \
    X(CONFIGURATION,    "configuration error")                                               \
    X(UNSUPPORTED,      "not supported by this provider or model")                           \
    X(JSON_SYNTAX,      "malformed JSON")                                                    \
    X(JSON_DEPTH,       "JSON nested too deeply")                                            \
    X(JSON_UTF8,        "invalid UTF-8 in JSON")                                             \
    X(DESERIALIZATION,  "unexpected response shape")                                         \
    X(PROTOCOL,         "stream protocol violation")                                         \
    X(AUTH,             "authentication failed")                                             \
    X(NOT_FOUND,        "not found")                                                         \
    X(INVALID_REQUEST,  "request rejected as invalid")                                       \
    X(RATE_LIMITED,     "rate limited")                                                      \
    X(QUOTA_EXCEEDED,   "quota or budget exhausted")                                         \
    X(TIMEOUT,          "timed out")                                                         \
    X(OVERLOADED,       "provider overloaded")                                               \
    X(SERVER,           "provider server error")                                             \
    X(NETWORK,          "network error")                                                     \
    X(CANCELLED,        "cancelled")                                                         \
    X(PROVIDER,         "provider reported an error")                                        \
    X(TOO_LARGE,        "input or output too large")                                         \
    X(PENDING,          "not ready yet")                                                     \
    X(CONTENT_FILTER,   "blocked by the provider's content filter")

typedef enum ailib_result {
#define AILIB__RESULT_ENUM(name, desc) AILIB_##name,
    AILIB_RESULT_LIST(AILIB__RESULT_ENUM)
#undef AILIB__RESULT_ENUM
    AILIB_RESULT_COUNT
} ailib_result;

/* "AILIB_RATE_LIMITED" style name of a code, or "AILIB_UNKNOWN". Static storage. */
AILIB_API const char *ailib_result_name(ailib_result r);
/* Short English description of a code ("rate limited"). Static storage. */
AILIB_API const char *ailib_result_string(ailib_result r);

/* The optional, caller-owned error report. Fixed-size so it never allocates; longer provider
   messages are cut at a UTF-8 boundary and end in "..." (the full body stays reachable
   through the raw response where one exists). */
typedef struct ailib_error {
    ailib_result code;
    int http_status;              /* 0 when no HTTP status applies */
    int retryable;                /* 1 when repeating the same request may succeed */
    int64_t retry_after_ms;       /* -1 when the provider gave no hint */
    size_t byte_pos;              /* parse errors: byte offset into the input */
    char message[512];            /* what happened and what to do, never contains secrets */
    char provider_type[64];       /* e.g. "invalid_request_error", "RESOURCE_EXHAUSTED" */
    char provider_code[64];       /* e.g. "unsupported_parameter", "429", "tool_use_failed" */
    char provider_message[1024];  /* the provider's own words */
    char request_id[128];         /* from the body or the response headers */
    char json_path[128];          /* schema validation: where the value failed ("$.items[2].name") */
} ailib_error;

/* Resets an error to "ok, nothing known" (retry_after_ms = -1). */
AILIB_API void ailib_error_clear(ailib_error *err);

/* Allocator hooks. Zero-initialized means the default (AILIB_MALLOC & co.). realloc is told
   the old size so arena and pool allocators can be plugged in. */
typedef struct ailib_allocator {
    void *(*malloc_fn)(void *ctx, size_t size);
    void *(*realloc_fn)(void *ctx, void *ptr, size_t old_size, size_t new_size);
    void (*free_fn)(void *ctx, void *ptr);
    void *ctx;
} ailib_allocator;

/* Packed version, (major << 16) | (minor << 8) | patch, of the compiled implementation. */
AILIB_API uint32_t ailib_version(void);
AILIB_API const char *ailib_version_string(void);

/* ============================================================================================
   >>json: strict RFC 8259 reader (DOM) and writer
   ============================================================================================
   Reader: ailib_json_parse() copies the text into a document, validates it (UTF-8, escapes,
   nesting up to AILIB_JSON_MAX_DEPTH, numbers) and returns a tree of ailib_json values that
   live as long as the document. Strings are unescaped, NUL-terminated and carry a length
   (they may contain U+0000). Integers that fit int64 are exact; others are doubles.
   Lone surrogates: "\uD800" with no partner is rejected as AILIB_JSON_SYNTAX unless
   ailib_json_parse_options.allow_lone_surrogates is set, in which case it becomes U+FFFD.
   Duplicate object keys are kept; lookups return the first.

   Writer: appends to a caller-visible buffer; it tracks the nesting so it cannot emit invalid
   JSON: misuse (a value where a key is due, unbalanced ends, non-finite doubles, invalid
   UTF-8 in a string) sets a sticky error that ailib_json_writer_finish() returns. */

typedef enum ailib_json_type {
    AILIB_JSON_NULL = 0,
    AILIB_JSON_FALSE,
    AILIB_JSON_TRUE,
    AILIB_JSON_INT,       /* fits int64 exactly */
    AILIB_JSON_REAL,      /* a double (fraction, exponent, or beyond int64) */
    AILIB_JSON_STRING,
    AILIB_JSON_ARRAY,
    AILIB_JSON_OBJECT
} ailib_json_type;

/* One value. Treat as opaque; read with the accessors below. Values of a container are laid
   out right after it, so iteration is a pointer walk. */
typedef struct ailib_json {
    uint64_t tag;         /* type in the low 3 bits, length (string bytes / child count) above */
    union {
        int64_t i;
        double d;
        const char *s;
        size_t next;      /* containers: number of values in the subtree, itself included */
    } u;
} ailib_json;

typedef struct ailib_json_doc ailib_json_doc;

typedef struct ailib_json_parse_options {
    const ailib_allocator *allocator;  /* (optional) default: AILIB_MALLOC */
    size_t max_depth;                  /* (default: AILIB_JSON_MAX_DEPTH) */
    int allow_lone_surrogates;         /* (default: 0, reject) 1: decode as U+FFFD */
} ailib_json_parse_options;

/* Parses len bytes of text. On success *out owns the tree; free with ailib_json_doc_destroy().
   On failure err->byte_pos is the offset of the first offending byte. */
AILIB_API ailib_result ailib_json_parse(const char *text, size_t len,
                                        const ailib_json_parse_options *opt,
                                        ailib_json_doc **out, ailib_error *err);
/* Reuses a document's memory for a new text: after warm-up no allocation happens. The
   values of the previous parse become invalid. */
AILIB_API ailib_result ailib_json_doc_reparse(ailib_json_doc *doc, const char *text, size_t len,
                                              ailib_error *err);
AILIB_API ailib_json_doc *ailib_json_doc_create(const ailib_json_parse_options *opt);
AILIB_API void ailib_json_doc_destroy(ailib_json_doc *doc);
/* The root value, or NULL when the document holds nothing parsed. */
AILIB_API const ailib_json *ailib_json_doc_root(const ailib_json_doc *doc);

/* Accessors: all accept NULL and then answer "absent" (NULL / 0 / type NULL). */
AILIB_API ailib_json_type ailib_json_type_of(const ailib_json *v);
AILIB_API int ailib_json_is_null(const ailib_json *v);           /* absent counts as null too */
AILIB_API int ailib_json_is_bool(const ailib_json *v);
AILIB_API int ailib_json_is_number(const ailib_json *v);
AILIB_API int ailib_json_is_string(const ailib_json *v);
AILIB_API int ailib_json_is_array(const ailib_json *v);
AILIB_API int ailib_json_is_object(const ailib_json *v);
AILIB_API int ailib_json_bool(const ailib_json *v);              /* 1 only for true */
AILIB_API int64_t ailib_json_int(const ailib_json *v);           /* ints; reals truncated if in range; else 0 */
AILIB_API double ailib_json_double(const ailib_json *v);         /* any number; else 0.0 */
AILIB_API const char *ailib_json_str(const ailib_json *v, size_t *len);  /* NULL if not a string */
/* Number of elements (array) or members (object); 0 for anything else. */
AILIB_API size_t ailib_json_size(const ailib_json *v);
/* First element of an array, or first key of an object (its value is ailib_json_next(key)). */
AILIB_API const ailib_json *ailib_json_first(const ailib_json *container);
/* The value that follows v in its container (bound the walk with ailib_json_size()). */
AILIB_API const ailib_json *ailib_json_next(const ailib_json *v);
AILIB_API const ailib_json *ailib_json_at(const ailib_json *array, size_t index);       /* O(index) */
AILIB_API const ailib_json *ailib_json_get(const ailib_json *object, const char *key);  /* first match */
AILIB_API const ailib_json *ailib_json_getn(const ailib_json *object, const char *key, size_t key_len);
/* Looks up a path of object keys: ailib_json_path(root, "usage", "prompt_tokens", NULL). */
AILIB_API const ailib_json *ailib_json_path(const ailib_json *v, ...);
/* Deep equality (numbers compare by value, object members in any order). */
AILIB_API int ailib_json_equal(const ailib_json *a, const ailib_json *b);

typedef struct ailib_json_writer {
    char *buf;                     /* the output; NUL-terminated after finish */
    size_t len, cap;
    ailib_allocator alloc;
    ailib_result error;            /* sticky: the first misuse or allocation failure */
    uint32_t depth;
    uint8_t need_comma;
    uint8_t after_key;
    uint8_t stack[64];             /* bit per level: 1 = object, 0 = array (512 levels) */
} ailib_json_writer;

/* init/deinit: the writer struct is the caller's; its buffer is the writer's until
   ailib_json_writer_take() hands it over. */
AILIB_API void ailib_json_writer_init(ailib_json_writer *w, const ailib_allocator *alloc);
AILIB_API void ailib_json_writer_deinit(ailib_json_writer *w);
AILIB_API void ailib_json_writer_reset(ailib_json_writer *w);   /* keeps the buffer */
AILIB_API void ailib_json_write_object_begin(ailib_json_writer *w);
AILIB_API void ailib_json_write_object_end(ailib_json_writer *w);
AILIB_API void ailib_json_write_array_begin(ailib_json_writer *w);
AILIB_API void ailib_json_write_array_end(ailib_json_writer *w);
AILIB_API void ailib_json_write_key(ailib_json_writer *w, const char *key);
AILIB_API void ailib_json_write_keyn(ailib_json_writer *w, const char *key, size_t len);
AILIB_API void ailib_json_write_string(ailib_json_writer *w, const char *s);   /* NULL writes null */
AILIB_API void ailib_json_write_stringn(ailib_json_writer *w, const char *s, size_t len);
AILIB_API void ailib_json_write_int(ailib_json_writer *w, int64_t v);
AILIB_API void ailib_json_write_double(ailib_json_writer *w, double v);  /* shortest round-trip */
AILIB_API void ailib_json_write_bool(ailib_json_writer *w, int v);
AILIB_API void ailib_json_write_null(ailib_json_writer *w);
/* Copies a parsed value (and its subtree). */
AILIB_API void ailib_json_write_value(ailib_json_writer *w, const ailib_json *v);
/* Inserts JSON text after validating it (compacted); invalid text sets the sticky error. */
AILIB_API void ailib_json_write_raw(ailib_json_writer *w, const char *json, size_t len);
/* AILIB_OK when the output is one complete, valid JSON text; else the sticky error. */
AILIB_API ailib_result ailib_json_writer_finish(ailib_json_writer *w);
/* Hands the buffer to the caller (free it with the writer's allocator, or ailib_free()). */
AILIB_API char *ailib_json_writer_take(ailib_json_writer *w, size_t *len);
/* Frees memory obtained from the library's default allocator (writer_take, etc.). */
AILIB_API void ailib_free(void *p);

/* ============================================================================================
   >>sse, >>ndjson: push parsers for event streams
   ============================================================================================
   Feed bytes in any chunking (one byte at a time works); complete events are delivered to the
   callback as they end. Linear time; memory grows only to the largest event seen. */

typedef struct ailib_sse_event {
    const char *event;  size_t event_len;   /* "" when the event had no event: field */
    const char *data;   size_t data_len;    /* data lines joined with '\n', NUL-terminated */
    const char *id;     size_t id_len;      /* the last-event-id buffer (persists across events) */
    int64_t retry_ms;                       /* last valid retry: field, -1 if none */
} ailib_sse_event;

/* Return 0 to continue, non-zero to stop parsing (feed then returns AILIB_CANCELLED). */
typedef int (*ailib_sse_callback)(void *user, const ailib_sse_event *ev);

typedef struct ailib_sse_parser {
    ailib_allocator alloc;
    char *line;  size_t line_len, line_cap;        /* current incomplete line */
    char *data;  size_t data_len, data_cap;        /* data buffer of the current event */
    char *event; size_t event_len, event_cap;      /* event type buffer */
    char *id;    size_t id_len, id_cap;            /* last event id */
    int64_t retry_ms;
    int has_data;            /* a data: field was seen in the current event */
    int last_was_cr;         /* previous chunk ended in CR: a following LF is part of it */
    int bom_checked;         /* leading U+FEFF handled */
    size_t max_event;        /* (default: 64 MiB) larger events fail with AILIB_TOO_LARGE */
    size_t pos;              /* total bytes consumed, for error positions */
} ailib_sse_parser;

AILIB_API void ailib_sse_init(ailib_sse_parser *p, const ailib_allocator *alloc);
AILIB_API void ailib_sse_deinit(ailib_sse_parser *p);
AILIB_API ailib_result ailib_sse_feed(ailib_sse_parser *p, const char *bytes, size_t len,
                                      ailib_sse_callback cb, void *user, ailib_error *err);
/* End of stream. Per the WHATWG algorithm an event not ended by a blank line is discarded;
   returns AILIB_OK either way (check ailib_sse_pending() first if that matters). */
AILIB_API ailib_result ailib_sse_finish(ailib_sse_parser *p, ailib_sse_callback cb, void *user,
                                        ailib_error *err);
/* 1 when bytes of an unfinished line or event are buffered. */
AILIB_API int ailib_sse_pending(const ailib_sse_parser *p);

/* NDJSON: one callback per non-empty line, CR before LF stripped, NUL-terminated. */
typedef int (*ailib_ndjson_callback)(void *user, const char *line, size_t len);

typedef struct ailib_ndjson_parser {
    ailib_allocator alloc;
    char *line; size_t line_len, line_cap;
    size_t max_line;         /* (default: 64 MiB) */
    size_t pos;
} ailib_ndjson_parser;

AILIB_API void ailib_ndjson_init(ailib_ndjson_parser *p, const ailib_allocator *alloc);
AILIB_API void ailib_ndjson_deinit(ailib_ndjson_parser *p);
AILIB_API ailib_result ailib_ndjson_feed(ailib_ndjson_parser *p, const char *bytes, size_t len,
                                         ailib_ndjson_callback cb, void *user, ailib_error *err);
/* End of stream: a last line without a newline is still delivered. */
AILIB_API ailib_result ailib_ndjson_finish(ailib_ndjson_parser *p, ailib_ndjson_callback cb,
                                           void *user, ailib_error *err);

/* ============================================================================================
   >>catalog: providers and models (rows live in ailib_providers.h)
   ============================================================================================ */

typedef enum ailib_protocol {
    AILIB_PROTOCOL_OPENAI_CHAT = 0,   /* POST {base}/chat/completions, SSE + [DONE] */
    AILIB_PROTOCOL_ANTHROPIC,         /* POST {base}/messages, SSE with event names */
    AILIB_PROTOCOL_GEMINI,            /* POST {base}/models/{m}:generateContent, alt=sse */
    AILIB_PROTOCOL_OLLAMA,            /* POST {base}/api/chat, NDJSON */
    AILIB_PROTOCOL_COHERE,            /* POST {base}/chat (v2), SSE with event names */
    AILIB_PROTOCOL_OPENAI_RESPONSES,  /* POST {base}/responses, SSE with event names */
    AILIB_PROTOCOL_BEDROCK,           /* POST {base}/model/{m}/converse(-stream), AWS event stream */
    AILIB_PROTOCOL_COUNT
} ailib_protocol;

typedef enum ailib_auth_style {
    AILIB_AUTH_BEARER = 0,            /* Authorization: Bearer <key> */
    AILIB_AUTH_X_API_KEY,             /* x-api-key: <key> (Anthropic) */
    AILIB_AUTH_API_KEY_HEADER,        /* api-key: <key> (Azure) */
    AILIB_AUTH_GOOG_API_KEY,          /* x-goog-api-key: <key> (Gemini) */
    AILIB_AUTH_NONE                   /* local servers; a key, if given, is sent as Bearer */
} ailib_auth_style;

/* Quirk flags of a provider row: dialect differences, never vendor names in adapter code. */
enum {
    AILIB_Q_MAX_COMPLETION_TOKENS = 1u << 0,  /* send max_completion_tokens, not max_tokens */
    AILIB_Q_STREAM_OPTIONS        = 1u << 1,  /* send stream_options.include_usage when streaming */
    AILIB_Q_THINK_TAGS            = 1u << 2,  /* reasoning arrives inline as <think>...</think> */
    AILIB_Q_ECHO_REASONING        = 1u << 3,  /* assistant turns must carry reasoning_content back */
    AILIB_Q_NO_TOOL_CHOICE        = 1u << 4,  /* tool_choice is not accepted: omit it */
    AILIB_Q_TOOL_CHOICE_ANY       = 1u << 5,  /* "required" is spelled "any" */
    AILIB_Q_RANDOM_SEED           = 1u << 6,  /* seed is spelled random_seed */
    AILIB_Q_REASONING_EFFORT      = 1u << 7,  /* accepts reasoning_effort */
    AILIB_Q_ENABLE_THINKING       = 1u << 8,  /* enable_thinking + thinking_budget (Qwen style) */
    AILIB_Q_THINKING_TYPE         = 1u << 9,  /* thinking:{"type":"enabled"|"disabled"} */
    AILIB_Q_REASONING_OBJECT      = 1u << 10, /* reasoning:{"effort"|"max_tokens"} (OpenRouter style) */
    AILIB_Q_BODY_ERROR_CODE       = 1u << 11, /* a non-zero body "code" field signals an error */
    AILIB_Q_AZURE_DEPLOYMENTS     = 1u << 12, /* URL .../deployments/{model}/chat/completions?api-version= */
    AILIB_Q_NO_STREAM_USAGE       = 1u << 13, /* never reports usage in streams */
    AILIB_Q_DEVELOPER_ROLE        = 1u << 14, /* system prompt goes as role "developer" */
    AILIB_Q_NO_PARALLEL_TOOLS     = 1u << 15, /* parallel_tool_calls is not accepted */
    AILIB_Q_REASONING_REQUIRED_STREAM = 1u << 16 /* thinking models only work when streaming */
};

/* Capability flags of a model row. */
enum {
    AILIB_CAP_TOOLS       = 1u << 0,
    AILIB_CAP_VISION      = 1u << 1,
    AILIB_CAP_REASONING   = 1u << 2,
    AILIB_CAP_JSON_SCHEMA = 1u << 3,
    AILIB_CAP_AUDIO       = 1u << 4,
    AILIB_CAP_EMBEDDING   = 1u << 5
};

typedef struct ailib_provider_info {
    const char *name;             /* "openai", "anthropic", "deepseek", ... */
    ailib_protocol protocol;
    const char *base_url;         /* e.g. "https://api.openai.com/v1" (no trailing slash) */
    ailib_auth_style auth;
    const char *api_key_env;      /* "OPENAI_API_KEY"; NULL when no key is needed */
    const char *base_url_env;     /* "OPENAI_BASE_URL" */
    const char *default_model;
    uint32_t quirks;              /* AILIB_Q_* */
} ailib_provider_info;

typedef struct ailib_model_info {
    const char *provider;         /* provider row name */
    const char *name;             /* the model id as the provider spells it */
    int64_t context_window;       /* tokens */
    int64_t max_output;           /* tokens */
    uint32_t caps;                /* AILIB_CAP_* */
    double price_input;           /* USD per million tokens; 0 when free or unknown */
    double price_cached_input;
    double price_cache_write;
    double price_output;
    const char *price_date;       /* "YYYY-MM-DD" the prices were read */
} ailib_model_info;

AILIB_API size_t ailib_provider_count(void);
AILIB_API const ailib_provider_info *ailib_provider_at(size_t i);
AILIB_API const ailib_provider_info *ailib_provider_find(const char *name);
AILIB_API const ailib_provider_info *ailib_provider_findn(const char *name, size_t len);
AILIB_API size_t ailib_model_count(void);
AILIB_API const ailib_model_info *ailib_model_at(size_t i);
/* Exact match first, then the longest catalog name that prefixes the model (dated
   snapshots like "gpt-4o-mini-2024-07-18" find "gpt-4o-mini"). */
AILIB_API const ailib_model_info *ailib_model_find(const char *provider, const char *model);

/* ============================================================================================
   >>types: messages, requests, responses, stream events
   ============================================================================================ */

typedef enum ailib_role {
    AILIB_ROLE_USER = 0,
    AILIB_ROLE_ASSISTANT,
    AILIB_ROLE_SYSTEM,             /* mapped to each provider's system slot */
    AILIB_ROLE_TOOL                /* holds AILIB_PART_TOOL_RESULT parts */
} ailib_role;

typedef enum ailib_part_type {
    AILIB_PART_TEXT = 0,
    AILIB_PART_IMAGE,              /* url, or data + data_len + mime */
    AILIB_PART_AUDIO,              /* data + data_len + mime ("audio/wav", "audio/mp3") */
    AILIB_PART_TOOL_CALL,          /* id, name, text = arguments JSON */
    AILIB_PART_TOOL_RESULT,        /* id = the call's id, name = tool name, text = result */
    AILIB_PART_THINKING,           /* text = reasoning, signature = provider signature */
    AILIB_PART_REDACTED_THINKING   /* text = opaque provider data, sent back verbatim */
} ailib_part_type;

/* One piece of a message. Strings are NUL-terminated; a _len of 0 means "use strlen" when
   you fill a part, and responses always set the lengths. */
typedef struct ailib_part {
    ailib_part_type type;
    const char *text;      size_t text_len;     /* text, reasoning, tool arguments or result */
    const char *id;        size_t id_len;       /* tool call id */
    const char *name;      size_t name_len;     /* tool name */
    const char *url;       size_t url_len;      /* image by URL (http(s) or data:) */
    const void *data;      size_t data_len;     /* image/audio bytes (base64-encoded for you) */
    const char *mime;                           /* "image/png", "audio/wav", ... */
    const char *signature; size_t signature_len;/* Anthropic thinking signature, Gemini thoughtSignature */
    int is_error;                               /* tool result reports a failure */
    int is_json;                                /* tool result text is JSON (sent structured where possible) */
    int origin;                                 /* set on response parts: AILIB_ORIGIN(protocol) that
                                                   produced it. Signatures and redacted thinking are
                                                   sent back only to that protocol; 0 = yours, always sent */
} ailib_part;

#define AILIB_ORIGIN(protocol) ((int)(protocol) + 1)

typedef struct ailib_message {
    ailib_role role;
    const ailib_part *parts;  size_t part_count;
    const char *text;         /* shorthand: one text part (used when part_count is 0) */
} ailib_message;

typedef struct ailib_tool {
    const char *name;          /* (required) */
    const char *description;   /* (optional) */
    const char *parameters;    /* (optional) JSON Schema text; default {"type":"object","properties":{}} */
    int strict;                /* (default: 0) ask for strict schema adherence where supported */
} ailib_tool;

typedef enum ailib_tool_choice_mode {
    AILIB_TOOL_CHOICE_AUTO = 0,
    AILIB_TOOL_CHOICE_NONE,
    AILIB_TOOL_CHOICE_REQUIRED,
    AILIB_TOOL_CHOICE_NAMED     /* name must be set */
} ailib_tool_choice_mode;

typedef struct ailib_tool_choice {
    ailib_tool_choice_mode mode;
    const char *name;
} ailib_tool_choice;

typedef enum ailib_format_type {
    AILIB_FORMAT_TEXT = 0,
    AILIB_FORMAT_JSON,          /* any JSON object */
    AILIB_FORMAT_JSON_SCHEMA    /* schema must be set */
} ailib_format_type;

typedef struct ailib_response_format {
    ailib_format_type type;
    const char *name;           /* (default: "response") */
    const char *schema;         /* JSON Schema text */
    int strict;                 /* (default: 0) */
} ailib_response_format;

typedef enum ailib_effort {
    AILIB_EFFORT_DEFAULT = 0,   /* send nothing: the provider's default */
    AILIB_EFFORT_NONE,          /* turn reasoning off where possible */
    AILIB_EFFORT_MINIMAL,
    AILIB_EFFORT_LOW,
    AILIB_EFFORT_MEDIUM,
    AILIB_EFFORT_HIGH,
    AILIB_EFFORT_XHIGH
} ailib_effort;

typedef struct ailib_reasoning {
    ailib_effort effort;
    int64_t budget_tokens;      /* (optional) token budget where the provider takes one; an
                                   effort alone is turned into a budget where it must be */
    int exclude;                /* (default: 0) 1: do not return reasoning text */
} ailib_reasoning;

/* The "set" convention for parameters whose zero is meaningful: .temperature = AILIB_SET(0)
   sends 0; a zeroed field sends nothing. In C++ assign ailib_set(0.0) / ailib_set_int(0). */
typedef struct ailib_optf { int set; double value; } ailib_optf;
typedef struct ailib_opti { int set; int64_t value; } ailib_opti;
#define AILIB_SET(v) { 1, (v) }
AILIB_API ailib_optf ailib_set(double v);
AILIB_API ailib_opti ailib_set_int(int64_t v);

typedef enum ailib_tristate { AILIB_DEFAULT = 0, AILIB_ON, AILIB_OFF } ailib_tristate;

typedef struct ailib_request {
    const char *model;                 /* model id as the provider spells it; "provider/model"
                                          is accepted and the provider part stripped when it
                                          names the endpoint's provider; NULL: catalog default */
    const char *system;                /* (optional) system prompt */
    const ailib_message *messages;     size_t message_count;
    const ailib_tool *tools;           size_t tool_count;
    ailib_tool_choice tool_choice;
    ailib_tristate parallel_tool_calls;
    ailib_optf temperature, top_p, presence_penalty, frequency_penalty;
    ailib_opti top_k, seed;
    int64_t max_tokens;                /* (default: provider default; Anthropic needs one: 4096) */
    const char *const *stop;           size_t stop_count;
    ailib_response_format response_format;
    ailib_reasoning reasoning;
    const char *extra_json;            /* (optional) JSON object merged into the body last:
                                          its members replace same-named top-level members */
    const char *user;                  /* (optional) end-user id, where the provider takes one */
} ailib_request;

typedef enum ailib_finish_reason {
    AILIB_FINISH_NONE = 0,      /* not finished / not reported */
    AILIB_FINISH_STOP,
    AILIB_FINISH_LENGTH,
    AILIB_FINISH_TOOL_CALLS,
    AILIB_FINISH_CONTENT_FILTER,
    AILIB_FINISH_ERROR,
    AILIB_FINISH_OTHER          /* see the raw reason */
} ailib_finish_reason;

AILIB_API const char *ailib_finish_reason_name(ailib_finish_reason f);   /* "stop", "length", ... */

/* Token usage, normalized (wire_formats.md §0.3): input includes cached input and cache
   writes; output includes reasoning; total = input + output. A field the provider did not
   report is 0 and its bit in `reported` is clear. */
typedef struct ailib_usage {
    int64_t input_tokens;
    int64_t output_tokens;
    int64_t total_tokens;
    int64_t cached_input_tokens;    /* read from a prompt cache */
    int64_t cache_write_tokens;     /* written to a prompt cache */
    int64_t reasoning_tokens;       /* part of output_tokens */
    uint32_t reported;              /* AILIB_USAGE_* bits */
} ailib_usage;

enum {
    AILIB_USAGE_INPUT = 1u << 0, AILIB_USAGE_OUTPUT = 1u << 1, AILIB_USAGE_TOTAL = 1u << 2,
    AILIB_USAGE_CACHED = 1u << 3, AILIB_USAGE_CACHE_WRITE = 1u << 4, AILIB_USAGE_REASONING = 1u << 5
};

/* A tool call of a response. arguments is the raw JSON text as the model produced it ("{}"
   when empty); args is it parsed, or NULL when the model produced invalid JSON (then
   args_error says why and the raw text is still there). */
typedef struct ailib_tool_call {
    const char *id;         size_t id_len;
    const char *name;       size_t name_len;
    const char *arguments;  size_t arguments_len;
    const ailib_json *args;
    ailib_result args_error;
    const char *signature;  size_t signature_len;   /* Gemini thoughtSignature, if any */
} ailib_tool_call;

typedef struct ailib_response ailib_response;

AILIB_API void ailib_response_destroy(ailib_response *r);
/* All text parts concatenated ("" when none). Lives as long as the response. */
AILIB_API const char *ailib_response_text(const ailib_response *r, size_t *len);
/* All reasoning text concatenated ("" when none). */
AILIB_API const char *ailib_response_reasoning(const ailib_response *r, size_t *len);
AILIB_API size_t ailib_response_tool_call_count(const ailib_response *r);
AILIB_API const ailib_tool_call *ailib_response_tool_call(const ailib_response *r, size_t i);
AILIB_API ailib_finish_reason ailib_response_finish_reason(const ailib_response *r);
/* The provider's own finish reason ("end_turn", "STOP", ...), "" when none. */
AILIB_API const char *ailib_response_finish_reason_raw(const ailib_response *r);
AILIB_API const ailib_usage *ailib_response_usage(const ailib_response *r);
AILIB_API const char *ailib_response_model(const ailib_response *r);     /* "" when unknown */
AILIB_API const char *ailib_response_id(const ailib_response *r);        /* provider's response id */
AILIB_API const char *ailib_response_request_id(const ailib_response *r);
/* The assistant message with every part in order (thinking with signatures, redacted
   thinking, text, tool calls): append it to the conversation to continue it losslessly. */
AILIB_API const ailib_message *ailib_response_message(const ailib_response *r);
/* The raw provider JSON of a whole (non-streamed) response; NULL for streamed responses. */
AILIB_API const ailib_json *ailib_response_raw(const ailib_response *r);
/* The provider's error when the response ended in one (in-stream errors), else NULL. */
AILIB_API const ailib_error *ailib_response_error(const ailib_response *r);

typedef enum ailib_event_type {
    AILIB_EVENT_NONE = 0,
    AILIB_EVENT_TEXT_DELTA,         /* text, text_len */
    AILIB_EVENT_REASONING_DELTA,    /* text, text_len */
    AILIB_EVENT_TOOL_CALL_BEGIN,    /* index, id, name */
    AILIB_EVENT_TOOL_CALL_DELTA,    /* index, text = arguments fragment */
    AILIB_EVENT_TOOL_CALL_END,      /* index, id, name, text = complete arguments */
    AILIB_EVENT_USAGE,              /* usage (cumulative so far) */
    AILIB_EVENT_FINISH,             /* finish_reason, finish_raw */
    AILIB_EVENT_ERROR               /* error */
} ailib_event_type;

/* A normalized stream event. Pointers live until the callback returns. */
typedef struct ailib_event {
    ailib_event_type type;
    const char *text;       size_t text_len;
    size_t index;                              /* tool call number, 0-based, in order of appearance */
    const char *id;         size_t id_len;
    const char *name;       size_t name_len;
    const ailib_usage *usage;
    ailib_finish_reason finish_reason;
    const char *finish_raw;
    const ailib_error *error;
} ailib_event;

/* Return 0 to continue, non-zero to stop (the feed then returns AILIB_CANCELLED). */
typedef int (*ailib_event_callback)(void *user, const ailib_event *ev);

/* ============================================================================================
   >>wire: requests to bytes, bytes to responses (no network)
   ============================================================================================ */

/* Where a request goes. Everything but provider is optional. */
typedef struct ailib_endpoint {
    const ailib_provider_info *provider;   /* (required) a catalog row or your own */
    const char *base_url;                  /* (default: provider->base_url) */
    const char *api_key;                   /* (optional) never logged */
    const char *api_version;               /* (optional) Azure api-version, Anthropic version */
    const ailib_allocator *allocator;      /* (optional) */
} ailib_endpoint;

typedef struct ailib_http_header { const char *name; const char *value; } ailib_http_header;

#define AILIB_MAX_HEADERS 8

/* A built HTTP request. The strings belong to it; release with ailib_wire_request_deinit(). */
typedef struct ailib_wire_request {
    const char *method;                    /* "POST" or "GET" */
    char *url;
    ailib_http_header headers[AILIB_MAX_HEADERS];
    size_t header_count;
    char *body;  size_t body_len;
    int stream;                            /* 1 when the body asks for a stream */
    ailib_allocator alloc;
    char *storage_;                        /* private */
} ailib_wire_request;

/* Builds the chat request for the endpoint's protocol: URL, headers (auth, version, content
   type) and body. stream = 1 asks for a streamed answer. */
AILIB_API ailib_result ailib_wire_request_build(const ailib_endpoint *ep, const ailib_request *req,
                                                int stream, ailib_wire_request *out,
                                                ailib_error *err);
AILIB_API void ailib_wire_request_deinit(ailib_wire_request *wr);

/* Parses a whole (non-streamed) HTTP response body. A non-2xx status or an error body gives
   the mapped error code and fills err from the provider's error. */
AILIB_API ailib_result ailib_wire_response_parse(const ailib_endpoint *ep, int http_status,
                                                 const char *body, size_t len,
                                                 ailib_response **out, ailib_error *err);

/* Maps an error HTTP response (status + body) to a code and fills err. Works on any body,
   including empty and non-JSON ones. */
AILIB_API ailib_result ailib_wire_error_parse(const ailib_endpoint *ep, int http_status,
                                              const char *body, size_t len, ailib_error *err);

/* A stream decoder: framing (SSE or NDJSON), the adapter, tool-call assembly and the
   accumulated response, in one object. No allocation per chunk after warm-up. */
typedef struct ailib_stream ailib_stream;

typedef struct ailib_stream_desc {
    const char *model;          /* (optional) the requested model, used when the stream never names one */
} ailib_stream_desc;

AILIB_API ailib_stream *ailib_stream_create(const ailib_endpoint *ep, const ailib_stream_desc *desc,
                                            ailib_error *err);
AILIB_API void ailib_stream_destroy(ailib_stream *s);
/* Feeds body bytes. Normalized events reach cb (which may be NULL). An in-stream provider
   error is delivered as AILIB_EVENT_ERROR and also returned. */
AILIB_API ailib_result ailib_stream_feed(ailib_stream *s, const char *bytes, size_t len,
                                         ailib_event_callback cb, void *user, ailib_error *err);
/* End of body. A stream that ended without its protocol's terminator (and had no error)
   returns AILIB_PROTOCOL: the answer may be truncated. */
AILIB_API ailib_result ailib_stream_finish(ailib_stream *s, ailib_event_callback cb, void *user,
                                           ailib_error *err);
/* The accumulated response so far (finished or not); the stream keeps ownership. */
AILIB_API const ailib_response *ailib_stream_response(const ailib_stream *s);
/* Hands the accumulated response over; the stream can then only be destroyed. */
AILIB_API ailib_response *ailib_stream_take_response(ailib_stream *s);
/* Resets for a new body on the same endpoint, keeping all buffers (no allocation). */
AILIB_API void ailib_stream_reset(ailib_stream *s);


/* ============================================================================================
   >>schema: JSON Schema validation (the subset used for tools and structured output)
   ============================================================================================
   Keywords: type (incl. arrays of types, "integer"), properties, required,
   additionalProperties (bool or schema), items, enum, const, minLength/maxLength, minimum/
   maximum/exclusiveMinimum/exclusiveMaximum, minItems/maxItems, anyOf, oneOf, allOf, $ref to
   "#/$defs/x" or "#/definitions/x", nullable. Unknown keywords are ignored. */

/* AILIB_OK when value satisfies schema; else AILIB_INVALID_ARGUMENT with err->json_path
   ("$", "$.city", "$.items[2]") and a message saying what was expected there. */
AILIB_API ailib_result ailib_schema_validate(const ailib_json *schema, const ailib_json *value, ailib_error *err);

/* Rewrites a JSON Schema into what Gemini's responseSchema accepts (OpenAPI subset: no
   additionalProperties, $ref inlined, "type": [x, "null"] to nullable, unsupported keywords
   dropped). Writes the result as one value into w. */
AILIB_API ailib_result ailib_schema_to_gemini(const ailib_json *schema, ailib_json_writer *w, ailib_error *err);

/* ============================================================================================
   >>embed, >>models: embeddings and model listing
   ============================================================================================ */

typedef struct ailib_embed_request {
    const char *model;                 /* (default: the provider's catalog embedding model) */
    const char *const *inputs;         /* (required) texts */
    size_t input_count;
    int64_t dimensions;                /* (optional) ask for shorter vectors where supported */
    const char *input_type;            /* (optional) "query" or "document" (mapped to Gemini
                                          taskType / Cohere input_type); default "document" */
} ailib_embed_request;

typedef struct ailib_embeddings ailib_embeddings;

AILIB_API size_t ailib_embeddings_count(const ailib_embeddings *e);
/* The i-th vector (same order as the inputs) and its length. Lives with the embeddings. */
AILIB_API const float *ailib_embeddings_vector(const ailib_embeddings *e, size_t i, size_t *dims);
AILIB_API const ailib_usage *ailib_embeddings_usage(const ailib_embeddings *e);
AILIB_API const char *ailib_embeddings_model(const ailib_embeddings *e);
AILIB_API void ailib_embeddings_destroy(ailib_embeddings *e);

/* Wire level, no network: the HTTP request of an embedding call and its answer. */
AILIB_API ailib_result ailib_wire_embed_build(const ailib_endpoint *ep, const ailib_embed_request *req,
                                              ailib_wire_request *out, ailib_error *err);
AILIB_API ailib_result ailib_wire_embed_parse(const ailib_endpoint *ep, int http_status, const char *body, size_t len,
                                              ailib_embeddings **out, ailib_error *err);

typedef struct ailib_model_entry {
    const char *id;                    /* as the provider spells it */
    const char *owned_by;              /* "" when not reported */
    int64_t context_window;            /* from the provider, else the catalog, else 0 */
    int64_t max_output;
    uint32_t caps;                     /* AILIB_CAP_*, from the catalog (and the provider where it says) */
    const ailib_model_info *catalog;   /* the catalog row, or NULL */
} ailib_model_entry;

typedef struct ailib_model_list ailib_model_list;

AILIB_API size_t ailib_model_list_count(const ailib_model_list *l);
AILIB_API const ailib_model_entry *ailib_model_list_at(const ailib_model_list *l, size_t i);
AILIB_API void ailib_model_list_destroy(ailib_model_list *l);
/* GET {base}/models (OpenAI style), Gemini models.list, Ollama /api/tags, Cohere /models. */
AILIB_API ailib_result ailib_wire_models_build(const ailib_endpoint *ep, ailib_wire_request *out, ailib_error *err);
/* Parses a model list and merges the catalog's rows of the endpoint's provider: listed
   models get the catalog's data; catalog models the provider did not list are not added. */
AILIB_API ailib_result ailib_wire_models_parse(const ailib_endpoint *ep, int http_status, const char *body, size_t len,
                                               ailib_model_list **out, ailib_error *err);

/* ============================================================================================
   >>client: the engine (libcurl transport, non-blocking core, blocking and streaming calls)
   ============================================================================================
   A client talks to one provider. Every call runs on the non-blocking core: start it, drive
   the client with ailib_client_poll() (from your frame loop or any loop of yours), read its
   events, finish it. ailib_chat() and ailib_chat_stream() are that loop, written once for you.

   Threads: a client and its calls are driven by one thread at a time; many clients may run on
   many threads. ailib_client_wakeup() is safe from any thread. Callbacks run only inside
   ailib_client_poll() (and so inside the blocking calls). */

typedef struct ailib_client ailib_client;
typedef struct ailib_call ailib_call;

/* Log levels of the optional logger. Prompt contents are never logged; keys are redacted. */
typedef enum ailib_log_level { AILIB_LOG_ERROR = 0, AILIB_LOG_WARN, AILIB_LOG_INFO, AILIB_LOG_DEBUG } ailib_log_level;
typedef void (*ailib_log_fn)(void *user, ailib_log_level level, const char *message);

/* --- transport: a small vtable; the default is libcurl multi --------------------------------
   A transport moves one HTTP exchange per handle and reports through the callbacks, from
   inside its poll() only. Tests and curl-less platforms plug in their own. */
typedef struct ailib_http_callbacks {
    void (*on_status)(void *ctx, int status);
    void (*on_header)(void *ctx, const char *name, size_t name_len, const char *value, size_t value_len);
    /* body bytes; return non-zero to abort the transfer */
    int (*on_body)(void *ctx, const char *data, size_t len);
    /* the exchange is over: AILIB_OK, or AILIB_NETWORK / AILIB_TIMEOUT / AILIB_CANCELLED with a message */
    void (*on_done)(void *ctx, ailib_result result, const char *message);
} ailib_http_callbacks;

typedef struct ailib_transport_config {
    const char *proxy;             /* NULL: the environment decides; "" : no proxy at all */
    int64_t connect_timeout_ms;
    int64_t timeout_ms;            /* whole exchange, 0 = none */
    const ailib_allocator *allocator;
} ailib_transport_config;

typedef struct ailib_transport {
    void *(*create)(void *user, const ailib_transport_config *cfg, ailib_error *err);
    void (*destroy)(void *t);
    /* starts an exchange; the request's memory stays valid until on_done */
    ailib_result (*start)(void *t, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx,
                          void **handle, ailib_error *err);
    /* does I/O for up to timeout_ms (0: never blocks) and runs callbacks */
    ailib_result (*poll)(void *t, int timeout_ms);
    /* stops an exchange; on_done(AILIB_CANCELLED) follows from poll, or at once */
    void (*cancel)(void *t, void *handle);
    /* makes a blocked poll() return early; safe from any thread */
    void (*wakeup)(void *t);
    /* releases a finished exchange's handle */
    void (*release)(void *t, void *handle);
    void *user;
} ailib_transport;

/* The libcurl multi transport (keep-alive, HTTP/2 when available, compression, TLS verified). */
AILIB_API const ailib_transport *ailib_transport_curl(void);

typedef struct ailib_client_desc {
    const char *model;               /* "provider/model" (e.g. "anthropic/claude-haiku-5-5"), or a bare
                                        model with .provider; a bare provider name takes its default
                                        model. (default: $AILIB_MODEL) */
    const char *provider;            /* (optional) provider name for a bare model */
    const ailib_provider_info *provider_info;  /* (optional) your own provider row instead */
    const char *api_key;             /* (default: the provider's key variable, e.g. OPENAI_API_KEY) */
    const char *base_url;            /* (default: <PROVIDER>_BASE_URL, else the catalog's) */
    const char *api_version;         /* (optional) Azure api-version / anthropic-version */
    const char *proxy;               /* (default: $AI_PROXY_URL, else libcurl's http(s)_proxy / no_proxy) */
    int no_proxy;                    /* (default: 0) 1: never use a proxy, whatever the environment says */
    int64_t connect_timeout_ms;      /* (default: 10000) */
    int64_t timeout_ms;              /* whole call (default: $AI_TIMEOUT_SECS, else 600000) */
    int64_t first_byte_timeout_ms;   /* until the first response byte (default: 0, none) */
    int64_t idle_timeout_ms;         /* longest silence inside a response (default: 0, none) */
    int max_retries;                 /* retries of retryable failures before any output (default: 2; -1: none) */
    size_t max_response_bytes;       /* (default: 64 MiB) larger bodies fail with AILIB_TOO_LARGE */
    const ailib_allocator *allocator;/* (optional) */
    const ailib_transport *transport;/* (default: ailib_transport_curl()) */
    ailib_log_fn log;                /* (optional) off by default */
    void *log_user;
} ailib_client_desc;

/* The one process-wide step (wraps curl_global_init); call before creating clients on more
   than one thread. Idempotent. */
AILIB_API ailib_result ailib_global_init(void);
AILIB_API void ailib_global_cleanup(void);

/* Creates a client from desc + environment + catalog (desc wins, then the environment, then
   the catalog). No network access. A missing key fails here, naming the variable to set. */
AILIB_API ailib_client *ailib_client_create(const ailib_client_desc *desc, ailib_error *err);
AILIB_API void ailib_client_destroy(ailib_client *c);
AILIB_API const ailib_provider_info *ailib_client_provider(const ailib_client *c);
AILIB_API const char *ailib_client_model(const ailib_client *c);

/* --- the non-blocking core ------------------------------------------------------------------ */

typedef struct ailib_call_desc {
    int stream;                      /* (default: 0) 1: ask for a streamed answer */
    ailib_event_callback on_event;   /* (optional) events delivered inside ailib_client_poll();
                                        without it they queue for ailib_call_next_event() */
    void *user;
} ailib_call_desc;

/* Starts a call. The request is copied: free it as soon as this returns. */
AILIB_API ailib_result ailib_chat_start(ailib_client *c, const ailib_request *req, const ailib_call_desc *desc,
                                        ailib_call **out, ailib_error *err);
/* Does network work for up to timeout_ms (0 never blocks) and delivers events. Returns
   AILIB_OK, or an error of the transport itself. */
AILIB_API ailib_result ailib_client_poll(ailib_client *c, int timeout_ms);
/* The next queued event: AILIB_OK with *ev filled (its pointers live until the next call on
   this call object), or AILIB_PENDING when none is queued now. When ailib_call_done() says
   the call is over, ailib_call_finish() gives its result. */
AILIB_API ailib_result ailib_call_next_event(ailib_call *call, ailib_event *ev);
/* 1 when the call has finished (successfully or not) and all its events were delivered. */
AILIB_API int ailib_call_done(const ailib_call *call);
/* Frees the call and hands over its response (when out is not NULL) or its error. A call
   that is not done yet is cancelled first. */
AILIB_API ailib_result ailib_call_finish(ailib_call *call, ailib_response **out, ailib_error *err);
/* Asks the call to stop; it ends with AILIB_CANCELLED (the text so far stays readable). */
AILIB_API void ailib_call_cancel(ailib_call *call);
/* Makes a blocked ailib_client_poll() return early. Safe from any thread. */
AILIB_API void ailib_client_wakeup(ailib_client *c);
/* Calls of this client not yet finished. */
AILIB_API size_t ailib_client_active_calls(const ailib_client *c);

/* --- blocking and callback APIs, loops over the core ------------------------------------------ */

AILIB_API ailib_result ailib_chat(ailib_client *c, const ailib_request *req, ailib_response **out, ailib_error *err);
/* Streams: cb gets each normalized event (return non-zero to cancel). *out (optional) gets
   the accumulated response, also when the call failed part-way. */
AILIB_API ailib_result ailib_chat_stream(ailib_client *c, const ailib_request *req, ailib_event_callback cb,
                                         void *user, ailib_response **out, ailib_error *err);
/* Embeddings of many inputs in one call (blocking). */
AILIB_API ailib_result ailib_embed(ailib_client *c, const ailib_embed_request *req, ailib_embeddings **out, ailib_error *err);
/* The provider's model list merged with the catalog (blocking). */
AILIB_API ailib_result ailib_models(ailib_client *c, ailib_model_list **out, ailib_error *err);

/* One line: "provider/model" and a prompt in, the answer's text out (free with ailib_free),
   NULL on failure with err filled. */
AILIB_API char *ailib_quick_chat(const char *model, const char *prompt, ailib_error *err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AILIB_H_INCLUDED */

/* ============================================================================================
   IMPLEMENTATION
   ============================================================================================ */
#if defined(AILIB_IMPLEMENTATION) && !defined(AILIB_IMPLEMENTATION_INCLUDED)
#define AILIB_IMPLEMENTATION_INCLUDED

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>
#include <locale.h>
#include <limits.h>
#include <ctype.h>

#ifndef AILIB_ASSERT
#  include <assert.h>
#  define AILIB_ASSERT(c) assert(c)
#endif

#if defined(AILIB_MALLOC) && defined(AILIB_REALLOC) && defined(AILIB_FREE)
#elif !defined(AILIB_MALLOC) && !defined(AILIB_REALLOC) && !defined(AILIB_FREE)
#  define AILIB_MALLOC(sz) malloc(sz)
#  define AILIB_REALLOC(p, sz) realloc((p), (sz))
#  define AILIB_FREE(p) free(p)
#else
#  error "ailib: define all of AILIB_MALLOC, AILIB_REALLOC and AILIB_FREE, or none of them"
#endif

#ifndef AILIB_JSON_MAX_DEPTH
#  define AILIB_JSON_MAX_DEPTH 512
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define AILIB__LIKELY(x) __builtin_expect(!!(x), 1)
#  define AILIB__UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#  define AILIB__LIKELY(x) (x)
#  define AILIB__UNLIKELY(x) (x)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* >>base ===================================================================================== */

AILIB_API uint32_t ailib_version(void) {
    return ((uint32_t)AILIB_VERSION_MAJOR << 16) | ((uint32_t)AILIB_VERSION_MINOR << 8) | (uint32_t)AILIB_VERSION_PATCH;
}

AILIB_API const char *ailib_version_string(void) { return AILIB_VERSION_STRING; }

AILIB_API const char *ailib_result_name(ailib_result r) {
    switch (r) {
#define AILIB__RESULT_NAME(name, desc) case AILIB_##name: return "AILIB_" #name;
    AILIB_RESULT_LIST(AILIB__RESULT_NAME)
#undef AILIB__RESULT_NAME
    default: return "AILIB_UNKNOWN";
    }
}

AILIB_API const char *ailib_result_string(ailib_result r) {
    switch (r) {
#define AILIB__RESULT_DESC(name, desc) case AILIB_##name: return desc;
    AILIB_RESULT_LIST(AILIB__RESULT_DESC)
#undef AILIB__RESULT_DESC
    default: return "unknown result code";
    }
}

AILIB_API void ailib_error_clear(ailib_error *err) {
    if (!err) return;
    memset(err, 0, sizeof *err);
    err->retry_after_ms = -1;
}

/* Copies at most cap-1 bytes of s into dst; a cut lands on a UTF-8 boundary and ends in "...". */
static void ailib__copy_trunc(char *dst, size_t cap, const char *s, size_t n) {
    if (!cap) return;
    if (!s) { dst[0] = 0; return; }
    if (n < cap) { memcpy(dst, s, n); dst[n] = 0; return; }
    n = cap > 4 ? cap - 4 : 0;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    memcpy(dst, s, n);
    memcpy(dst + n, "...", cap - n > 3 ? 4 : cap - n - 1);
    dst[cap - 1] = 0;
}

/* Sets code + formatted message on an optional error and returns the code, so failure paths
   read `return ailib__fail(err, AILIB_X, "...")`. Other fields are left as they are. */
static ailib_result ailib__fail(ailib_error *err, ailib_result code, const char *fmt, ...) {
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* --- allocator ---------------------------------------------------------------------------- */

static void *ailib__default_malloc(void *ctx, size_t size) { (void)ctx; return AILIB_MALLOC(size); }
static void *ailib__default_realloc(void *ctx, void *p, size_t old_size, size_t size) {
    (void)ctx; (void)old_size; return AILIB_REALLOC(p, size);
}
static void ailib__default_free(void *ctx, void *p) { (void)ctx; AILIB_FREE(p); }

/* A usable allocator from an optional one: a zeroed or NULL allocator means the default. */
static ailib_allocator ailib__allocator(const ailib_allocator *a) {
    ailib_allocator r;
    if (a && a->malloc_fn && a->realloc_fn && a->free_fn) return *a;
    r.malloc_fn = ailib__default_malloc;
    r.realloc_fn = ailib__default_realloc;
    r.free_fn = ailib__default_free;
    r.ctx = NULL;
    return r;
}

static void *ailib__malloc(const ailib_allocator *a, size_t n) { return a->malloc_fn(a->ctx, n ? n : 1); }
static void *ailib__realloc(const ailib_allocator *a, void *p, size_t old_n, size_t n) {
    if (!p) return a->malloc_fn(a->ctx, n ? n : 1);
    return a->realloc_fn(a->ctx, p, old_n, n ? n : 1);
}
static void ailib__free(const ailib_allocator *a, void *p) { if (p) a->free_fn(a->ctx, p); }

AILIB_API void ailib_free(void *p) { if (p) AILIB_FREE(p); }

/* Grows *buf (capacity *cap) to hold at least need bytes, doubling; 0 on failure. */
static int ailib__grow(const ailib_allocator *a, char **buf, size_t *cap, size_t need) {
    size_t ncap;
    char *nb;
    if (need <= *cap) return 1;
    ncap = *cap ? *cap : 64;
    while (ncap < need) {
        if (ncap > ((size_t)-1) / 2) { ncap = need; break; }
        ncap *= 2;
    }
    nb = (char *)ailib__realloc(a, *buf, *cap, ncap);
    if (!nb) return 0;
    *buf = nb;
    *cap = ncap;
    return 1;
}

/* Appends n bytes plus a terminating NUL (not counted in *len). */
static int ailib__append(const ailib_allocator *a, char **buf, size_t *len, size_t *cap,
                         const char *s, size_t n) {
    if (*len + n + 1 < n || !ailib__grow(a, buf, cap, *len + n + 1)) return 0;
    if (n) memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = 0;
    return 1;
}

/* >>json ===================================================================================== */

/* Tag layout of ailib_json: type in bits 0..2, length above. */
#define AILIB__JSON_TYPE_MASK 7u
#define AILIB__JSON_LEN_SHIFT 3

struct ailib_json_doc {
    ailib_allocator alloc;
    char *str;  size_t str_cap;         /* copy of the text, strings unescaped in place */
    ailib_json *vals; size_t val_cap;
    size_t *stack; size_t stack_cap;    /* open containers: (index into vals, children) pairs */
    size_t max_depth;
    int allow_lone_surrogates;
    int has_root;
};

static const ailib_json *ailib__json_skip(const ailib_json *v) {
    uint32_t t = (uint32_t)(v->tag & AILIB__JSON_TYPE_MASK);
    return (t == AILIB_JSON_ARRAY || t == AILIB_JSON_OBJECT) ? v + v->u.next : v + 1;
}

AILIB_API ailib_json_doc *ailib_json_doc_create(const ailib_json_parse_options *opt) {
    ailib_allocator a = ailib__allocator(opt ? opt->allocator : NULL);
    ailib_json_doc *d = (ailib_json_doc *)ailib__malloc(&a, sizeof *d);
    if (!d) return NULL;
    memset(d, 0, sizeof *d);
    d->alloc = a;
    d->max_depth = (opt && opt->max_depth) ? opt->max_depth : AILIB_JSON_MAX_DEPTH;
    d->allow_lone_surrogates = opt ? opt->allow_lone_surrogates : 0;
    return d;
}

AILIB_API void ailib_json_doc_destroy(ailib_json_doc *d) {
    if (!d) return;
    ailib__free(&d->alloc, d->str);
    ailib__free(&d->alloc, d->vals);
    ailib__free(&d->alloc, d->stack);
    ailib__free(&d->alloc, d);
}

AILIB_API const ailib_json *ailib_json_doc_root(const ailib_json_doc *d) {
    return (d && d->has_root) ? d->vals : NULL;
}

/* --- reader ------------------------------------------------------------------------------- */

typedef struct ailib__jparse {
    ailib_json_doc *d;
    size_t max_vals;        /* one value per input byte (+2) is the hard upper bound */
    const char *start;      /* the doc's copy of the text */
    const char *end;
    ailib_error *err;
} ailib__jparse;

/* Position of the first byte where p stops matching the literal lit. */
static const char *ailib__lit_mismatch(const char *p, const char *lit) {
    while (*lit && *p == *lit) { p++; lit++; }
    return p;
}

static ailib_result ailib__json_err(ailib__jparse *ps, const char *at, ailib_result code, const char *what) {
    size_t pos = (size_t)(at - ps->start);
    if (ps->err) {
        ailib__fail(ps->err, code, "JSON: %s at byte %lu", what, (unsigned long)pos);
        ps->err->byte_pos = pos;
    }
    return code;
}

/* SWAR helpers: a byte of x equal to zero / less than n (n <= 128) sets its high bit. */
#define AILIB__ONES  0x0101010101010101ull
#define AILIB__HIGHS 0x8080808080808080ull
static uint64_t ailib__load64(const char *p) { uint64_t x; memcpy(&x, p, 8); return x; }
static uint64_t ailib__swar_special(uint64_t x) {
    uint64_t q = x ^ (AILIB__ONES * 0x22), b = x ^ (AILIB__ONES * 0x5C);
    uint64_t special = ((q - AILIB__ONES) & ~q) | ((b - AILIB__ONES) & ~b) |
                       ((x - AILIB__ONES * 0x20) & ~x) | x;
    return special & AILIB__HIGHS;
}

static int ailib__byte_special(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80; }

/* Length of the valid UTF-8 sequence at p (first byte >= 0x80), or 0 when invalid. */
static size_t ailib__utf8_seq(const unsigned char *p, const unsigned char *end) {
    unsigned c = p[0];
    size_t n, i;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; if (c == 0xE0) lo = 0xA0; else if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; if (c == 0xF0) lo = 0x90; else if (c == 0xF4) hi = 0x8F; }
    else return 0;
    if ((size_t)(end - p) < n) return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (i = 2; i < n; i++) if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

static int ailib__hex4(const char *p, unsigned *out) {
    unsigned v = 0;
    int i;
    for (i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static char *ailib__utf8_put(char *w, unsigned cp) {
    if (cp < 0x80) *w++ = (char)cp;
    else if (cp < 0x800) { *w++ = (char)(0xC0 | (cp >> 6)); *w++ = (char)(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | (cp >> 12)); *w++ = (char)(0x80 | ((cp >> 6) & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | (cp >> 18)); *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/* Slow path of a string with escapes: decodes in place from r (just at a backslash) with the
   output at w. Returns the closing quote's successor, or NULL with the error set. */
static char *ailib__json_unescape(ailib__jparse *ps, char *w, char *r, ailib_json *v, char *sbeg) {
    const char *end = ps->end;
    for (;;) {
        unsigned char c = (unsigned char)*r;
        if (r >= end) { ailib__json_err(ps, r, AILIB_JSON_SYNTAX, "unterminated string"); return NULL; }
        if (c == '"') break;
        if (c == '\\') {
            unsigned cp;
            char e = r[1];
            switch (e) {
            case '"': *w++ = '"'; r += 2; continue;
            case '\\': *w++ = '\\'; r += 2; continue;
            case '/': *w++ = '/'; r += 2; continue;
            case 'b': *w++ = '\b'; r += 2; continue;
            case 'f': *w++ = '\f'; r += 2; continue;
            case 'n': *w++ = '\n'; r += 2; continue;
            case 'r': *w++ = '\r'; r += 2; continue;
            case 't': *w++ = '\t'; r += 2; continue;
            case 'u': break;
            default: ailib__json_err(ps, r + 1, AILIB_JSON_SYNTAX, "invalid escape"); return NULL;
            }
            if (end - r < 6 || !ailib__hex4(r + 2, &cp)) {
                const char *bad = r + 2;
                while (bad < end && bad < r + 6 && isxdigit((unsigned char)*bad)) bad++;
                ailib__json_err(ps, bad, AILIB_JSON_SYNTAX, "invalid \\u escape"); return NULL;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (end - r >= 12 && r[6] == '\\' && r[7] == 'u' && ailib__hex4(r + 8, &lo) &&
                    lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    r += 12;
                    w = ailib__utf8_put(w, cp);
                    continue;
                }
                if (!ps->d->allow_lone_surrogates) {
                    ailib__json_err(ps, r, AILIB_JSON_SYNTAX, "lone surrogate in \\u escape"); return NULL;
                }
                cp = 0xFFFD;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                if (!ps->d->allow_lone_surrogates) {
                    ailib__json_err(ps, r, AILIB_JSON_SYNTAX, "lone surrogate in \\u escape"); return NULL;
                }
                cp = 0xFFFD;
            }
            w = ailib__utf8_put(w, cp);
            r += 6;
        } else if (c < 0x20) {
            ailib__json_err(ps, r, AILIB_JSON_SYNTAX, "control character in string"); return NULL;
        } else if (c < 0x80) {
            *w++ = (char)c; r++;
        } else {
            size_t n = ailib__utf8_seq((const unsigned char *)r, (const unsigned char *)end);
            if (!n) { ailib__json_err(ps, r, AILIB_JSON_UTF8, "invalid UTF-8"); return NULL; }
            memmove(w, r, n); w += n; r += n;
        }
    }
    *w = 0;
    v->tag = (uint64_t)AILIB_JSON_STRING | ((uint64_t)(w - sbeg) << AILIB__JSON_LEN_SHIFT);
    v->u.s = sbeg;
    return r + 1;
}

/* p is just past the opening quote. Fills v; returns the position after the closing quote. */
static char *ailib__json_string(ailib__jparse *ps, char *p, ailib_json *v) {
    char *s = p;
    const char *end = ps->end;
    for (;;) {
        uint64_t m;
        /* the doc's copy is padded with 8 NUL bytes, so a word read never leaves it */
        while ((m = ailib__swar_special(ailib__load64(p))) == 0) p += 8;
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        p += __builtin_ctzll(m) >> 3;
#else
        (void)m;
        while (!ailib__byte_special((unsigned char)*p)) p++;
#endif
        {
            unsigned char c = (unsigned char)*p;
            if (c == '"') {
                *p = 0;
                v->tag = (uint64_t)AILIB_JSON_STRING | ((uint64_t)(p - s) << AILIB__JSON_LEN_SHIFT);
                v->u.s = s;
                return p + 1;
            }
            if (c == '\\') return ailib__json_unescape(ps, p, p, v, s);
            if (c >= 0x80) {
                size_t n = ailib__utf8_seq((const unsigned char *)p, (const unsigned char *)end);
                if (!n) { ailib__json_err(ps, p, AILIB_JSON_UTF8, "invalid UTF-8"); return NULL; }
                p += n;
                continue;
            }
            if (p >= end) { ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "unterminated string"); return NULL; }
            ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "control character in string");
            return NULL;
        }
    }
}

static const double ailib__pow10[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* Locale-independent strtod: the text is copied with '.' replaced by the locale's decimal
   point, then handed to strtod (correctly rounded in mainstream C libraries). */
static int ailib__strtod(const char *s, size_t n, double *out, const ailib_allocator *a) {
    char small[128], *buf = small, *endp;
    const char *dp = localeconv()->decimal_point;
    size_t dpl = (dp && *dp) ? strlen(dp) : 1, i, j = 0;
    int ok;
    if (n * dpl + 1 > sizeof small) {
        if (!a) return -1;
        buf = (char *)ailib__malloc(a, n * dpl + 1);
        if (!buf) return -1;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '.' && dp && *dp) { memcpy(buf + j, dp, dpl); j += dpl; }
        else buf[j++] = s[i];
    }
    buf[j] = 0;
    *out = strtod(buf, &endp);
    ok = endp == buf + j;
    if (buf != small) ailib__free(a, buf);
    return ok;
}

/* Parses a JSON number at p into v. Integers within int64 are exact; the rest are doubles,
   exact on the fast path (<= 19 digits, mantissa < 2^53, |exp| <= 22), else strtod. */
static char *ailib__json_number(ailib__jparse *ps, char *p, ailib_json *v) {
    char *s = p;
    int neg = 0, digits = 0, is_real = 0;
    uint64_t m = 0;
    int64_t exp10 = 0;
    if (*p == '-') { neg = 1; p++; }
    if (*p == '0') {
        p++;
        if (*p >= '0' && *p <= '9') { ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "leading zero in number"); return NULL; }
    } else if (*p >= '1' && *p <= '9') {
        while (*p >= '0' && *p <= '9') {
            if (digits < 19) m = m * 10 + (uint64_t)(*p - '0');
            else exp10++;
            digits++;
            p++;
        }
    } else { ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "invalid number"); return NULL; }
    if (*p == '.') {
        is_real = 1;
        p++;
        if (!(*p >= '0' && *p <= '9')) { ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "digit expected after '.'"); return NULL; }
        while (*p >= '0' && *p <= '9') {
            if (digits < 19) { m = m * 10 + (uint64_t)(*p - '0'); exp10--; if (m) digits++; }
            else if (*p != '0') digits++;   /* precision beyond 19 digits: slow path */
            p++;
        }
    }
    if (*p == 'e' || *p == 'E') {
        int eneg = 0;
        int64_t e = 0;
        is_real = 1;
        p++;
        if (*p == '+' || *p == '-') { eneg = *p == '-'; p++; }
        if (!(*p >= '0' && *p <= '9')) { ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "digit expected in exponent"); return NULL; }
        while (*p >= '0' && *p <= '9') { if (e < 100000) e = e * 10 + (*p - '0'); p++; }
        exp10 += eneg ? -e : e;
    }
    if (!is_real && digits <= 19 &&
        (neg ? m <= (uint64_t)INT64_MAX + 1 : m <= (uint64_t)INT64_MAX)) {
        v->tag = AILIB_JSON_INT;
        v->u.i = neg ? (int64_t)(0 - m) : (int64_t)m;
        return p;
    }
    v->tag = AILIB_JSON_REAL;
    if (digits <= 19 && m <= (1ull << 53) && exp10 >= -22 && exp10 <= 22) {
        double d = (double)m;
        d = exp10 < 0 ? d / ailib__pow10[-exp10] : d * ailib__pow10[exp10];
        v->u.d = neg ? -d : d;
        return p;
    }
    {
        int ok = ailib__strtod(s, (size_t)(p - s), &v->u.d, &ps->d->alloc);
        if (ok < 0) { ailib__json_err(ps, s, AILIB_OUT_OF_MEMORY, "out of memory"); return NULL; }
        if (!ok) { ailib__json_err(ps, s, AILIB_JSON_SYNTAX, "invalid number"); return NULL; }
    }
    if (v->u.d == HUGE_VAL || v->u.d == -HUGE_VAL) {
        ailib__json_err(ps, s, AILIB_JSON_SYNTAX, "number out of double range"); return NULL;
    }
    return p;
}

#define AILIB__SKIP_WS(p) while ((unsigned char)*(p) <= ' ' && (*(p) == ' ' || *(p) == '\n' || *(p) == '\r' || *(p) == '\t')) (p)++

/* A valid text needs at most len/2 + 2 values, which is what the doc reserves; an invalid
   one (unclosed brackets) can reach one value per byte before its error is found. */
static ailib_json *ailib__json_more_vals(ailib__jparse *ps) {
    ailib_json_doc *d = ps->d;
    ailib_json *nv;
    if (d->val_cap >= ps->max_vals) return NULL;
    nv = (ailib_json *)ailib__realloc(&d->alloc, d->vals, d->val_cap * sizeof *nv, ps->max_vals * sizeof *nv);
    if (!nv) return NULL;
    d->vals = nv;
    d->val_cap = ps->max_vals;
    return nv;
}

/* The parse loop: iterative (no recursion, so depth is bounded only by max_depth), values
   written in document order, containers patched with their sizes when they close. */
static ailib_result ailib__json_run(ailib__jparse *ps, char *p) {
    ailib_json_doc *d = ps->d;
    ailib_json *vals = d->vals, *v;
    size_t nv = 0, depth = 0;
    size_t *stack = d->stack;
    char c;

    AILIB__SKIP_WS(p);
value:
    if (AILIB__UNLIKELY(nv >= d->val_cap) && !(vals = ailib__json_more_vals(ps))) return ailib__json_err(ps, p, AILIB_OUT_OF_MEMORY, "out of memory");
    v = &vals[nv++];
    c = *p;
    switch (c) {
    case '"':
        p = ailib__json_string(ps, p + 1, v);
        if (!p) return ps->err ? ps->err->code : AILIB_JSON_SYNTAX;
        break;
    case '{': case '[':
        if (depth >= d->max_depth) return ailib__json_err(ps, p, AILIB_JSON_DEPTH, "nesting deeper than max_depth");
        if (depth >= d->stack_cap) {
            size_t ncap = d->stack_cap ? d->stack_cap * 2 : 32;
            size_t *ns = (size_t *)ailib__realloc(&d->alloc, d->stack, d->stack_cap * 2 * sizeof *ns, ncap * 2 * sizeof *ns);
            if (!ns) return ailib__json_err(ps, p, AILIB_OUT_OF_MEMORY, "out of memory");
            d->stack = stack = ns;
            d->stack_cap = ncap;
        }
        stack[2 * depth] = nv - 1;
        stack[2 * depth + 1] = 0;
        depth++;
        v->tag = c == '{' ? AILIB_JSON_OBJECT : AILIB_JSON_ARRAY;   /* child count added at close */
        p++;
        AILIB__SKIP_WS(p);
        if (c == '{') {
            if (*p == '}') { p++; goto close; }
            goto key;
        }
        if (*p == ']') { p++; goto close; }
        goto value;
    case 't':
        if (memcmp(p, "true", 4) != 0) return ailib__json_err(ps, ailib__lit_mismatch(p, "true"), AILIB_JSON_SYNTAX, "invalid literal");
        v->tag = AILIB_JSON_TRUE; v->u.i = 0; p += 4;
        break;
    case 'f':
        if (memcmp(p, "false", 5) != 0) return ailib__json_err(ps, ailib__lit_mismatch(p, "false"), AILIB_JSON_SYNTAX, "invalid literal");
        v->tag = AILIB_JSON_FALSE; v->u.i = 0; p += 5;
        break;
    case 'n':
        if (memcmp(p, "null", 4) != 0) return ailib__json_err(ps, ailib__lit_mismatch(p, "null"), AILIB_JSON_SYNTAX, "invalid literal");
        v->tag = AILIB_JSON_NULL; v->u.i = 0; p += 4;
        break;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            p = ailib__json_number(ps, p, v);
            if (!p) return ps->err ? ps->err->code : AILIB_JSON_SYNTAX;
            break;
        }
        if (p >= ps->end) return ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "unexpected end of input");
        return ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "unexpected character");
    }
after:
    if (!depth) goto done;
    stack[2 * depth - 1]++;    /* a value of the open container is complete */
    AILIB__SKIP_WS(p);
    c = *p;
    if (c == ',') {
        p++;
        AILIB__SKIP_WS(p);
        if ((vals[stack[2 * depth - 2]].tag & AILIB__JSON_TYPE_MASK) == AILIB_JSON_OBJECT) goto key;
        goto value;
    }
    if (c == (((vals[stack[2 * depth - 2]].tag & AILIB__JSON_TYPE_MASK) == AILIB_JSON_OBJECT) ? '}' : ']')) {
        p++;
        goto close;
    }
    if (p >= ps->end) return ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "unexpected end of input");
    return ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "expected ',' or a closing bracket");
key:
    if (*p != '"') {
        if (p >= ps->end) return ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "unexpected end of input");
        return ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "expected a string key");
    }
    if (AILIB__UNLIKELY(nv >= d->val_cap) && !(vals = ailib__json_more_vals(ps))) return ailib__json_err(ps, p, AILIB_OUT_OF_MEMORY, "out of memory");
    v = &vals[nv++];
    p = ailib__json_string(ps, p + 1, v);
    if (!p) return ps->err ? ps->err->code : AILIB_JSON_SYNTAX;
    AILIB__SKIP_WS(p);
    if (*p != ':') {
        if (p >= ps->end) return ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "unexpected end of input");
        return ailib__json_err(ps, p, AILIB_JSON_SYNTAX, "expected ':'");
    }
    p++;
    AILIB__SKIP_WS(p);
    goto value;
close: {
        size_t ci, n;
        depth--;
        ci = stack[2 * depth];
        n = stack[2 * depth + 1];
        vals[ci].u.next = nv - ci;
        vals[ci].tag |= (uint64_t)n << AILIB__JSON_LEN_SHIFT;
        goto after;
    }
done:
    AILIB__SKIP_WS(p);
    if (p != ps->end) {
        return ailib__json_err(ps, p, AILIB_JSON_SYNTAX,
                               *p ? "unexpected data after the JSON value" : "NUL byte after the JSON value");
    }
    d->has_root = 1;
    return AILIB_OK;
}

/* Parses text (copied into the doc). Worst case one value per two bytes plus one. */
static ailib_result ailib__json_parse_doc(ailib_json_doc *d, const char *text, size_t len, ailib_error *err) {
    ailib__jparse ps;
    size_t need_vals, need_str;
    d->has_root = 0;
    if (!text && len) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "JSON: text is NULL");
    if (len > ((size_t)-1) / 16 - 16) return ailib__fail(err, AILIB_TOO_LARGE, "JSON: text too large");
    need_vals = len / 2 + 2;
    need_str = len + 9;   /* NUL terminator + 8 bytes of word-read padding */
    if (need_str > d->str_cap) {
        char *ns = (char *)ailib__realloc(&d->alloc, d->str, d->str_cap, need_str);
        if (!ns) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "JSON: out of memory");
        d->str = ns; d->str_cap = need_str;
    }
    if (need_vals > d->val_cap) {
        ailib_json *nv = (ailib_json *)ailib__realloc(&d->alloc, d->vals, d->val_cap * sizeof *nv, need_vals * sizeof *nv);
        if (!nv) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "JSON: out of memory");
        d->vals = nv; d->val_cap = need_vals;
    }
    if (len) memcpy(d->str, text, len);
    memset(d->str + len, 0, 9);
    ps.d = d;
    ps.max_vals = len + 2;
    ps.start = d->str;
    ps.end = d->str + len;
    ps.err = err;
    if (!len) return ailib__json_err(&ps, ps.start, AILIB_JSON_SYNTAX, "empty input");
    return ailib__json_run(&ps, d->str);
}

AILIB_API ailib_result ailib_json_parse(const char *text, size_t len, const ailib_json_parse_options *opt,
                                        ailib_json_doc **out, ailib_error *err) {
    ailib_json_doc *d;
    ailib_result r;
    if (!out) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_json_parse: out is NULL");
    *out = NULL;
    d = ailib_json_doc_create(opt);
    if (!d) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "JSON: out of memory");
    r = ailib__json_parse_doc(d, text, len, err);
    if (r != AILIB_OK) { ailib_json_doc_destroy(d); return r; }
    *out = d;
    return AILIB_OK;
}

AILIB_API ailib_result ailib_json_doc_reparse(ailib_json_doc *d, const char *text, size_t len, ailib_error *err) {
    if (!d) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_json_doc_reparse: doc is NULL");
    return ailib__json_parse_doc(d, text, len, err);
}

/* --- accessors ---------------------------------------------------------------------------- */

#define AILIB__JT(v) ((ailib_json_type)((v)->tag & AILIB__JSON_TYPE_MASK))
#define AILIB__JLEN(v) ((size_t)((v)->tag >> AILIB__JSON_LEN_SHIFT))

AILIB_API ailib_json_type ailib_json_type_of(const ailib_json *v) { return v ? AILIB__JT(v) : AILIB_JSON_NULL; }
AILIB_API int ailib_json_is_null(const ailib_json *v) { return !v || AILIB__JT(v) == AILIB_JSON_NULL; }
AILIB_API int ailib_json_is_bool(const ailib_json *v) {
    return v && (AILIB__JT(v) == AILIB_JSON_TRUE || AILIB__JT(v) == AILIB_JSON_FALSE);
}
AILIB_API int ailib_json_is_number(const ailib_json *v) {
    return v && (AILIB__JT(v) == AILIB_JSON_INT || AILIB__JT(v) == AILIB_JSON_REAL);
}
AILIB_API int ailib_json_is_string(const ailib_json *v) { return v && AILIB__JT(v) == AILIB_JSON_STRING; }
AILIB_API int ailib_json_is_array(const ailib_json *v) { return v && AILIB__JT(v) == AILIB_JSON_ARRAY; }
AILIB_API int ailib_json_is_object(const ailib_json *v) { return v && AILIB__JT(v) == AILIB_JSON_OBJECT; }
AILIB_API int ailib_json_bool(const ailib_json *v) { return v && AILIB__JT(v) == AILIB_JSON_TRUE; }

AILIB_API int64_t ailib_json_int(const ailib_json *v) {
    if (!v) return 0;
    if (AILIB__JT(v) == AILIB_JSON_INT) return v->u.i;
    if (AILIB__JT(v) == AILIB_JSON_REAL && v->u.d >= -9223372036854775808.0 && v->u.d < 9223372036854775808.0)
        return (int64_t)v->u.d;
    return 0;
}

AILIB_API double ailib_json_double(const ailib_json *v) {
    if (!v) return 0.0;
    if (AILIB__JT(v) == AILIB_JSON_INT) return (double)v->u.i;
    if (AILIB__JT(v) == AILIB_JSON_REAL) return v->u.d;
    return 0.0;
}

AILIB_API const char *ailib_json_str(const ailib_json *v, size_t *len) {
    if (!v || AILIB__JT(v) != AILIB_JSON_STRING) { if (len) *len = 0; return NULL; }
    if (len) *len = AILIB__JLEN(v);
    return v->u.s;
}

AILIB_API size_t ailib_json_size(const ailib_json *v) {
    if (!v || (AILIB__JT(v) != AILIB_JSON_ARRAY && AILIB__JT(v) != AILIB_JSON_OBJECT)) return 0;
    return AILIB__JLEN(v);
}

AILIB_API const ailib_json *ailib_json_first(const ailib_json *c) { return ailib_json_size(c) ? c + 1 : NULL; }
AILIB_API const ailib_json *ailib_json_next(const ailib_json *v) { return v ? ailib__json_skip(v) : NULL; }

AILIB_API const ailib_json *ailib_json_at(const ailib_json *a, size_t i) {
    const ailib_json *v;
    if (!ailib_json_is_array(a) || i >= AILIB__JLEN(a)) return NULL;
    for (v = a + 1; i; i--) v = ailib__json_skip(v);
    return v;
}

AILIB_API const ailib_json *ailib_json_getn(const ailib_json *o, const char *key, size_t klen) {
    const ailib_json *k;
    size_t n;
    if (!ailib_json_is_object(o) || !key) return NULL;
    for (n = AILIB__JLEN(o), k = o + 1; n; n--) {
        if (AILIB__JLEN(k) == klen && memcmp(k->u.s, key, klen) == 0) return k + 1;
        k = ailib__json_skip(k + 1);
    }
    return NULL;
}

AILIB_API const ailib_json *ailib_json_get(const ailib_json *o, const char *key) {
    return key ? ailib_json_getn(o, key, strlen(key)) : NULL;
}

AILIB_API const ailib_json *ailib_json_path(const ailib_json *v, ...) {
    va_list ap;
    const char *k;
    va_start(ap, v);
    while (v && (k = va_arg(ap, const char *)) != NULL) v = ailib_json_get(v, k);
    va_end(ap);
    return v;
}

/* The i-th occurrence of key k (counted within obj), or NULL. */
static const ailib_json *ailib__json_get_nth(const ailib_json *obj, const char *k, size_t kl, size_t nth) {
    const ailib_json *m;
    size_t n;
    for (n = AILIB__JLEN(obj), m = obj + 1; n; n--, m = ailib__json_skip(m + 1))
        if (AILIB__JLEN(m) == kl && memcmp(m->u.s, k, kl) == 0 && nth-- == 0) return m + 1;
    return NULL;
}

/* Compares two scalars, or the shape (type, size) of two containers. */
static int ailib__json_equal_node(const ailib_json *a, const ailib_json *b) {
    ailib_json_type ta = AILIB__JT(a), tb = AILIB__JT(b);
    if (ailib_json_is_number(a) && ailib_json_is_number(b)) {
        if (ta == AILIB_JSON_INT && tb == AILIB_JSON_INT) return a->u.i == b->u.i;
        return ailib_json_double(a) == ailib_json_double(b);
    }
    if (ta != tb) return 0;
    if (ta == AILIB_JSON_STRING) return AILIB__JLEN(a) == AILIB__JLEN(b) && memcmp(a->u.s, b->u.s, AILIB__JLEN(a)) == 0;
    if (ta == AILIB_JSON_ARRAY || ta == AILIB_JSON_OBJECT) return AILIB__JLEN(a) == AILIB__JLEN(b);
    return 1;
}

/* Deep equality without recursion: a work list of value pairs. Object members are paired by
   position while the keys line up (the usual case, linear), otherwise by key, the i-th
   occurrence of a duplicated key with the i-th occurrence on the other side. */
AILIB_API int ailib_json_equal(const ailib_json *a, const ailib_json *b) {
    const ailib_json *small[64][2], *(*work)[2] = small;
    size_t top = 0, cap = 64, n;
    int eq = 1;
    ailib_allocator al = ailib__allocator(NULL);
    if (!a || !b) return a == b;
    work[top][0] = a; work[top][1] = b; top++;
    while (eq && top) {
        const ailib_json *x = work[top - 1][0], *y = work[top - 1][1], *cx, *cy;
        top--;
        if (!ailib__json_equal_node(x, y)) { eq = 0; break; }
        if (AILIB__JT(x) != AILIB_JSON_ARRAY && AILIB__JT(x) != AILIB_JSON_OBJECT) continue;
        n = AILIB__JLEN(x);
        if (top + n > cap) {
            size_t ncap = cap;
            const ailib_json *(*nw)[2];
            while (ncap < top + n) ncap *= 2;
            nw = (const ailib_json *(*)[2])ailib__malloc(&al, ncap * sizeof *nw);
            if (!nw) { eq = 0; break; }
            memcpy(nw, work, top * sizeof *nw);
            if (work != small) ailib__free(&al, (void *)work);
            work = nw;
            cap = ncap;
        }
        if (AILIB__JT(x) == AILIB_JSON_ARRAY) {
            for (cx = x + 1, cy = y + 1; n; n--, cx = ailib__json_skip(cx), cy = ailib__json_skip(cy)) {
                work[top][0] = cx; work[top][1] = cy; top++;
            }
            continue;
        }
        {
            /* do the keys line up one for one? */
            size_t k = n;
            int aligned = 1;
            for (cx = x + 1, cy = y + 1; k; k--, cx = ailib__json_skip(cx + 1), cy = ailib__json_skip(cy + 1))
                if (!(AILIB__JLEN(cx) == AILIB__JLEN(cy) && memcmp(cx->u.s, cy->u.s, AILIB__JLEN(cx)) == 0)) { aligned = 0; break; }
            if (aligned) {
                for (cx = x + 1, cy = y + 1; n; n--, cx = ailib__json_skip(cx + 1), cy = ailib__json_skip(cy + 1)) {
                    work[top][0] = cx + 1; work[top][1] = cy + 1; top++;
                }
                continue;
            }
        }
        for (cx = x + 1; n; n--, cx = ailib__json_skip(cx + 1)) {
            const ailib_json *vy;
            {
                size_t nth = 0;
                const ailib_json *m;
                for (m = x + 1; m != cx; m = ailib__json_skip(m + 1))
                    if (AILIB__JLEN(m) == AILIB__JLEN(cx) && memcmp(m->u.s, cx->u.s, AILIB__JLEN(cx)) == 0) nth++;
                vy = ailib__json_get_nth(y, cx->u.s, AILIB__JLEN(cx), nth);
                if (!vy) { eq = 0; break; }
            }
            work[top][0] = cx + 1; work[top][1] = vy; top++;
        }
    }
    if (work != small) ailib__free(&al, (void *)work);
    return eq;
}

/* --- writer ------------------------------------------------------------------------------- */

AILIB_API void ailib_json_writer_init(ailib_json_writer *w, const ailib_allocator *alloc) {
    memset(w, 0, sizeof *w);
    w->alloc = ailib__allocator(alloc);
}

AILIB_API void ailib_json_writer_deinit(ailib_json_writer *w) {
    if (!w) return;
    ailib__free(&w->alloc, w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

AILIB_API void ailib_json_writer_reset(ailib_json_writer *w) {
    w->len = 0;
    w->error = AILIB_OK;
    w->depth = 0;
    w->need_comma = 0;
    w->after_key = 0;
}

static void ailib__jw_fail(ailib_json_writer *w, ailib_result r) { if (w->error == AILIB_OK) w->error = r; }

/* Makes room for n more bytes (plus a NUL); 0 after a failure. */
static int ailib__jw_reserve(ailib_json_writer *w, size_t n) {
    if (w->error != AILIB_OK) return 0;
    if (w->len + n + 1 <= w->cap) return 1;
    if (w->len + n + 1 < n || !ailib__grow(&w->alloc, &w->buf, &w->cap, w->len + n + 1)) {
        ailib__jw_fail(w, AILIB_OUT_OF_MEMORY);
        return 0;
    }
    return 1;
}

static void ailib__jw_put(ailib_json_writer *w, const char *s, size_t n) {
    if (!ailib__jw_reserve(w, n)) return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static int ailib__jw_in_object(const ailib_json_writer *w) {
    return w->depth && (w->stack[(w->depth - 1) >> 3] >> ((w->depth - 1) & 7) & 1);
}

/* Checks that a value may come now and writes the separating comma. */
static int ailib__jw_value_begin(ailib_json_writer *w) {
    if (w->error != AILIB_OK) return 0;
    if (w->depth == 0) {
        if (w->len) { ailib__jw_fail(w, AILIB_INVALID_ARGUMENT); return 0; }   /* second top-level value */
        return 1;
    }
    if (ailib__jw_in_object(w)) {
        if (!w->after_key) { ailib__jw_fail(w, AILIB_INVALID_ARGUMENT); return 0; }
        w->after_key = 0;
        return 1;
    }
    if (w->need_comma) ailib__jw_put(w, ",", 1);
    return w->error == AILIB_OK;
}

static void ailib__jw_value_end(ailib_json_writer *w) { w->need_comma = 1; }

static void ailib__jw_open(ailib_json_writer *w, int obj) {
    if (!ailib__jw_value_begin(w)) return;
    if (w->depth >= sizeof w->stack * 8) { ailib__jw_fail(w, AILIB_JSON_DEPTH); return; }
    ailib__jw_put(w, obj ? "{" : "[", 1);
    if (obj) w->stack[w->depth >> 3] = (uint8_t)(w->stack[w->depth >> 3] | (1u << (w->depth & 7)));
    else w->stack[w->depth >> 3] = (uint8_t)(w->stack[w->depth >> 3] & ~(1u << (w->depth & 7)));
    w->depth++;
    w->need_comma = 0;
}

static void ailib__jw_close(ailib_json_writer *w, int obj) {
    if (w->error != AILIB_OK) return;
    if (!w->depth || ailib__jw_in_object(w) != obj || w->after_key) { ailib__jw_fail(w, AILIB_INVALID_ARGUMENT); return; }
    ailib__jw_put(w, obj ? "}" : "]", 1);
    w->depth--;
    ailib__jw_value_end(w);
}

AILIB_API void ailib_json_write_object_begin(ailib_json_writer *w) { ailib__jw_open(w, 1); }
AILIB_API void ailib_json_write_object_end(ailib_json_writer *w) { ailib__jw_close(w, 1); }
AILIB_API void ailib_json_write_array_begin(ailib_json_writer *w) { ailib__jw_open(w, 0); }
AILIB_API void ailib_json_write_array_end(ailib_json_writer *w) { ailib__jw_close(w, 0); }

/* Writes s as a quoted JSON string: runs of plain bytes are copied whole; controls, quote and
   backslash escaped; UTF-8 validated. */
static void ailib__jw_quoted(ailib_json_writer *w, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run, blk_end;
    if (!ailib__jw_reserve(w, 1)) return;
    w->buf[w->len++] = '"';
    while (i < n) {
        char *o;
        /* worst case 6 bytes out per byte in: reserved per block so the loop needs no checks */
        blk_end = n - i > 4096 ? i + 4096 : n;
        if (!ailib__jw_reserve(w, (blk_end - i) * 6 + 4)) return;
        o = w->buf + w->len;
        while (i < blk_end) {
            run = i;
            while (i + 8 <= blk_end && !ailib__swar_special(ailib__load64(s + i))) i += 8;
            while (i < blk_end && !ailib__byte_special((unsigned char)s[i])) i++;
            memcpy(o, s + run, i - run);
            o += i - run;
            if (i >= blk_end) break;
            {
                unsigned char c = (unsigned char)s[i];
                if (c >= 0x80) {
                    size_t k = ailib__utf8_seq((const unsigned char *)s + i, (const unsigned char *)s + n);
                    if (!k) { ailib__jw_fail(w, AILIB_JSON_UTF8); return; }
                    memcpy(o, s + i, k); o += k; i += k;
                    continue;
                }
                *o++ = '\\';
                switch (c) {
                case '"': *o++ = '"'; break;
                case '\\': *o++ = '\\'; break;
                case '\n': *o++ = 'n'; break;
                case '\r': *o++ = 'r'; break;
                case '\t': *o++ = 't'; break;
                case '\b': *o++ = 'b'; break;
                case '\f': *o++ = 'f'; break;
                default: *o++ = 'u'; *o++ = '0'; *o++ = '0'; *o++ = hex[c >> 4]; *o++ = hex[c & 15]; break;
                }
                i++;
            }
        }
        w->len = (size_t)(o - w->buf);
    }
    ailib__jw_put(w, "\"", 1);
}

AILIB_API void ailib_json_write_keyn(ailib_json_writer *w, const char *key, size_t len) {
    if (w->error != AILIB_OK) return;
    if (!ailib__jw_in_object(w) || w->after_key || !key) { ailib__jw_fail(w, AILIB_INVALID_ARGUMENT); return; }
    if (w->need_comma) ailib__jw_put(w, ",", 1);
    ailib__jw_quoted(w, key, len);
    ailib__jw_put(w, ":", 1);
    w->after_key = 1;
    w->need_comma = 1;
}

AILIB_API void ailib_json_write_key(ailib_json_writer *w, const char *key) {
    ailib_json_write_keyn(w, key, key ? strlen(key) : 0);
}

AILIB_API void ailib_json_write_stringn(ailib_json_writer *w, const char *s, size_t len) {
    if (!s) { ailib_json_write_null(w); return; }
    if (!ailib__jw_value_begin(w)) return;
    ailib__jw_quoted(w, s, len);
    ailib__jw_value_end(w);
}

AILIB_API void ailib_json_write_string(ailib_json_writer *w, const char *s) {
    ailib_json_write_stringn(w, s, s ? strlen(s) : 0);
}

static size_t ailib__fmt_i64(char *out, int64_t v) {
    char tmp[24];
    size_t n = 0, i;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    i = 0;
    if (v < 0) out[i++] = '-';
    while (n) out[i++] = tmp[--n];
    return i;
}

AILIB_API void ailib_json_write_int(ailib_json_writer *w, int64_t v) {
    char b[24];
    if (!ailib__jw_value_begin(w)) return;
    ailib__jw_put(w, b, ailib__fmt_i64(b, v));
    ailib__jw_value_end(w);
}

/* Shortest of %.15g/%.16g/%.17g that reads back to the same double; the locale's decimal
   point is put back to '.'. Negative zero keeps its sign as "-0.0". */
static size_t ailib__fmt_double(char *out, double v) {
    int prec;
    size_t n = 0;
    const char *dp = localeconv()->decimal_point;
    if (v == 0) { if (signbit(v)) { memcpy(out, "-0.0", 5); return 4; } memcpy(out, "0", 2); return 1; }
    /* normal doubles whose shortest form has <= 15 digits print exactly at %.15g; subnormals
       carry fewer digits, so they search from 1 */
    for (prec = fabs(v) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        char tmp[40];
        double back;
        size_t i, j = 0, dpl = (dp && *dp) ? strlen(dp) : 0;
        int len = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (len <= 0 || (size_t)len >= sizeof tmp) continue;
        for (i = 0; i < (size_t)len;) {
            if (dpl && strncmp(tmp + i, dp, dpl) == 0 && !(tmp[i] >= '0' && tmp[i] <= '9')) { out[j++] = '.'; i += dpl; }
            else out[j++] = tmp[i++];
        }
        out[j] = 0;
        n = j;
        if (prec == 17 || (ailib__strtod(out, n, &back, NULL) == 1 && back == v)) break;
    }
    return n;
}

AILIB_API void ailib_json_write_double(ailib_json_writer *w, double v) {
    char b[48];
    if (w->error != AILIB_OK) return;
    if (v != v || v == HUGE_VAL || v == -HUGE_VAL) { ailib__jw_fail(w, AILIB_INVALID_ARGUMENT); return; }
    if (!ailib__jw_value_begin(w)) return;
    ailib__jw_put(w, b, ailib__fmt_double(b, v));
    ailib__jw_value_end(w);
}

AILIB_API void ailib_json_write_bool(ailib_json_writer *w, int v) {
    if (!ailib__jw_value_begin(w)) return;
    if (v) ailib__jw_put(w, "true", 4); else ailib__jw_put(w, "false", 5);
    ailib__jw_value_end(w);
}

AILIB_API void ailib_json_write_null(ailib_json_writer *w) {
    if (!ailib__jw_value_begin(w)) return;
    ailib__jw_put(w, "null", 4);
    ailib__jw_value_end(w);
}

AILIB_API void ailib_json_write_value(ailib_json_writer *w, const ailib_json *v) {
    size_t n;
    const ailib_json *c;
    if (!v) { ailib_json_write_null(w); return; }
    switch (AILIB__JT(v)) {
    case AILIB_JSON_NULL: ailib_json_write_null(w); break;
    case AILIB_JSON_TRUE: ailib_json_write_bool(w, 1); break;
    case AILIB_JSON_FALSE: ailib_json_write_bool(w, 0); break;
    case AILIB_JSON_INT: ailib_json_write_int(w, v->u.i); break;
    case AILIB_JSON_REAL: ailib_json_write_double(w, v->u.d); break;
    case AILIB_JSON_STRING: ailib_json_write_stringn(w, v->u.s, AILIB__JLEN(v)); break;
    case AILIB_JSON_ARRAY:
        ailib_json_write_array_begin(w);
        for (n = AILIB__JLEN(v), c = v + 1; n && w->error == AILIB_OK; n--, c = ailib__json_skip(c))
            ailib_json_write_value(w, c);
        ailib_json_write_array_end(w);
        break;
    case AILIB_JSON_OBJECT:
        ailib_json_write_object_begin(w);
        for (n = AILIB__JLEN(v), c = v + 1; n && w->error == AILIB_OK; n--, c = ailib__json_skip(c + 1)) {
            ailib_json_write_keyn(w, c->u.s, AILIB__JLEN(c));
            ailib_json_write_value(w, c + 1);
        }
        ailib_json_write_object_end(w);
        break;
    }
}

AILIB_API void ailib_json_write_raw(ailib_json_writer *w, const char *json, size_t len) {
    ailib_json_parse_options o;
    ailib_json_doc *d = NULL;
    ailib_result r;
    if (w->error != AILIB_OK) return;
    memset(&o, 0, sizeof o);
    o.allocator = &w->alloc;
    r = ailib_json_parse(json, len, &o, &d, NULL);
    if (r != AILIB_OK) { ailib__jw_fail(w, r); return; }
    ailib_json_write_value(w, ailib_json_doc_root(d));
    ailib_json_doc_destroy(d);
}

AILIB_API ailib_result ailib_json_writer_finish(ailib_json_writer *w) {
    if (w->error != AILIB_OK) return w->error;
    if (w->depth || !w->len) { ailib__jw_fail(w, AILIB_INVALID_ARGUMENT); return w->error; }
    if (!ailib__jw_reserve(w, 0)) return w->error;
    w->buf[w->len] = 0;
    return AILIB_OK;
}

AILIB_API char *ailib_json_writer_take(ailib_json_writer *w, size_t *len) {
    char *b;
    if (!ailib__jw_reserve(w, 0)) { if (len) *len = 0; return NULL; }
    w->buf[w->len] = 0;
    b = w->buf;
    if (len) *len = w->len;
    w->buf = NULL;
    w->len = w->cap = 0;
    return b;
}

#include "wip/sse.inc"
#include "ailib_providers.h"
#include "wip/core.inc"
#include "wip/build.inc"
#include "wip/openai.inc"
#include "wip/anthropic.inc"
#include "wip/gemini.inc"
#include "wip/ollama.inc"
#include "wip/cohere.inc"
#include "wip/responses.inc"
#include "wip/bedrock.inc"
#include "wip/wire.inc"
#include "wip/schema.inc"
#include "wip/embed.inc"
#include "wip/curl.inc"
#include "wip/engine.inc"

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AILIB_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
MIT License

Copyright (c) 2026 the ailib authors

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/

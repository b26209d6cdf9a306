/* ailib.h - one C API over the major LLM providers - v0.1.0 - MIT license (at end of file)

   Chat, streaming, tool calls, reasoning, structured output and embeddings over OpenAI,
   Anthropic, Gemini, Ollama, Cohere, Bedrock and the OpenAI-compatible clouds, in one header
   with libcurl as the only dependency. C99, and C++11 and later.

   HOW TO USE
   ==========
   In exactly one .c or .cpp file:

       #define AILIB_IMPLEMENTATION
       #include "ailib.h"

   Everywhere else just #include "ailib.h". The provider catalog ailib_providers.h must sit
   next to it (`make single` writes build/single/ailib.h, one file with the catalog inlined).
   Link with libcurl and the math library:

       cc -std=c99 app.c -o app -lcurl -lm          (Linux, BSDs, macOS)
       cl app.c libcurl.lib                          (MSVC; no separate math library)

   One line:
       char *text = ailib_quick_chat("openai/gpt-4o-mini", "Hello", &err);  ... ailib_free(text);

   Blocking, with a client (key from ANTHROPIC_API_KEY, or desc.api_key):
       ailib_client_desc desc = { 0 };
       desc.model = "anthropic/claude-haiku-5-5";
       ailib_client *c = ailib_client_create(&desc, &err);      NULL: err.message says what to set
       ailib_message msg = { AILIB_ROLE_USER, NULL, 0, "Name three primes." };
       ailib_request req = { 0 };
       req.messages = &msg; req.message_count = 1;
       ailib_response *r;
       if (ailib_chat(c, &req, &r, &err) == AILIB_OK) puts(ailib_response_text(r, NULL));
       ailib_response_destroy(r);

   Streaming: ailib_chat_stream(c, &req, on_event, user, &r, &err) calls on_event for each
   normalized event (text / reasoning deltas, tool-call begin/delta/end, usage, finish, error).

   A poll loop (games, event loops): nothing blocks.
       ailib_call_desc cd = { 1, NULL, NULL };                  stream, events queue
       ailib_chat_start(c, &req, &cd, &call, &err);
       every frame:  ailib_client_poll(c, 0);
                     while (ailib_call_next_event(call, &ev) == AILIB_OK) ... use ev ...
                     if (ailib_call_done(call)) ailib_call_finish(call, &r, &err);

   Another endpoint (a proxy, a local server, a test server): desc.base_url, or the
   provider's <PROVIDER>_BASE_URL variable (OPENAI_BASE_URL, ...; Ollama: OLLAMA_HOST).

   Without the network: ailib_wire_request_build() turns a request into URL, headers and body;
   ailib_wire_response_parse() and the ailib_stream_* decoder turn a provider's bytes into the
   same normalized response, for custom transports and tests.

   CONFIGURATION MACROS
   ====================
   AILIB_IMPLEMENTATION        define in one translation unit to compile the implementation
   AILIB_STATIC                (set globally) make every function static, for single-file use;
                               unused ones raise no warning with gcc/clang (MSVC /W4: C4505)
   AILIB_API                   (set globally, default extern; static with AILIB_STATIC) the
                               decoration of every public function, e.g. __declspec(dllexport)
   AILIB_MALLOC/AILIB_REALLOC/AILIB_FREE
                               (implementation only) all three or none; the default allocator
                               used when a desc leaves its allocator zeroed. Defaults: the C
                               library's malloc/realloc/free.
   AILIB_JSON_MAX_DEPTH        (implementation only, default 512) nesting limit of the reader
   AILIB_NO_CURL               (implementation only) build without libcurl (no -lcurl): set
                               ailib_client_desc.transport to your own ailib_transport
   AILIB_NOW_MS()              (implementation only) an int64_t expression, milliseconds of a
                               monotonic clock, for platforms without the ones below
   AILIB_ASSERT                (implementation only, default assert)
   AILIB_ENABLE_ROUTING        (set globally, 0/1, default 0) routers: endpoint groups,
                               strategies, fall back across providers, health
   AILIB_ENABLE_COST           (set globally, 0/1, default 0) cost of every response,
                               ledgers and budgets
   AILIB_ENABLE_INTERCEPTORS   (set globally, 0/1, default 0) the hook chain, response
                               cache, record and replay
   A feature that is off has no code and no declarations; none changes a public struct.

   PLATFORMS
   =========
   Linux (glibc, musl), the BSDs, macOS: gcc or clang, libcurl 7.68 or later (curl_multi_poll,
   curl_multi_wakeup). Windows: MSVC 2015 or later, or MinGW-w64, with libcurl (e.g. vcpkg).
   Which of these the tests build and run: the README's Platforms table.
   Timeouts and backoff use a monotonic clock: clock_gettime(CLOCK_MONOTONIC) on POSIX,
   mach_absolute_time() on Apple, GetTickCount64() on Windows; AILIB_NOW_MS() elsewhere (else
   the C library's time(), one-second steps that follow wall-clock changes). Strict ISO modes
   (-std=c99) hide clock_gettime: in the implementation's file ailib.h then defines
   _POSIX_C_SOURCE 200809L itself when it comes before any system header and nothing else
   set a feature-test macro (that file then also sees the other POSIX names), and declares
   clock_gettime itself on Linux when it comes later. The MSVC "use the _s functions" warning
   (C4996) is silenced inside the implementation only.

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

   THREADS AND CALLBACKS
   ==============*/

/* The implementation reads clock_gettime(CLOCK_MONOTONIC). Strict ISO modes (gcc/clang
   -std=c99, -std=c11) hide every POSIX name unless a feature-test macro asks for them, and
   such a macro only counts before the first system header. So in the file that compiles the
   implementation, in a strict mode where nothing was asked, ask for POSIX.1-2008 (it only
   adds names). Only where the C library follows that rule (glibc, musl, newlib): elsewhere
   an explicit _POSIX_C_SOURCE would hide the platform's own extensions. */
#if defined(AILIB_IMPLEMENTATION) && !defined(AILIB_IMPLEMENTATION_INCLUDED) && defined(__STRICT_ANSI__) && \
    (defined(__linux__) || defined(__CYGWIN__)) && !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && \
    !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(_BSD_SOURCE) && !defined(_SVID_SOURCE)
#  define _POSIX_C_SOURCE 200809L
#endif

#ifndef AILIB_H_INCLUDED
#define AILIB_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#define AILIB_VERSION_MAJOR 0
#define AILIB_VERSION_MINOR 1
#define AILIB_VERSION_PATCH 0
#define AILIB_VERSION_STRING "0.1.0"

/* The compile-time features (set globally, 0 or 1, default 0): off means no code and no
   declarations. See CONFIGURATION MACROS above. */
#ifndef AILIB_ENABLE_ROUTING
#  define AILIB_ENABLE_ROUTING 0
#endif
#ifndef AILIB_ENABLE_COST
#  define AILIB_ENABLE_COST 0
#endif
#ifndef AILIB_ENABLE_INTERCEPTORS
#  define AILIB_ENABLE_INTERCEPTORS 0
#endif

/* With AILIB_STATIC a program uses some functions of the file, not all: the rest must not
   raise -Wunused-function, so they are marked as possibly unused. */
#ifndef AILIB_API
#  ifdef AILIB_STATIC
#    if defined(__GNUC__) || defined(__clang__)
#      define AILIB_API static __attribute__((unused))
#    else
#      define AILIB_API static
#    endif
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
    X(CONTENT_FILTER,   "blocked by the provider's content filter")                           \
    X(SCHEMA_MISMATCH,  "reply is not JSON matching the requested schema")                \
    X(TLS,              "TLS certificate or handshake failure")

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
    AILIB_Q_REASONING_REQUIRED_STREAM = 1u << 16,/* thinking models only work when streaming */
    AILIB_Q_TOOL_ID9              = 1u << 17  /* tool call ids must be 9 characters [a-zA-Z0-9] */
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
    AILIB_PART_REDACTED_THINKING,  /* text = opaque provider data, sent back verbatim */
    AILIB_PART_PROVIDER_TOOL_CALL, /* a tool the provider ran itself (web search, web fetch, code
                                      execution, tool search, MCP): id, name ("web_search"), text =
                                      its input JSON, raw = the provider's block or item. Never a
                                      call for you to run */
    AILIB_PART_PROVIDER_TOOL_RESULT/* its result: id = the call's id, name = the result's kind
                                      ("web_search_tool_result", "code_interpreter_call"), text =
                                      its content JSON, is_error, raw = the provider's block */
} ailib_part_type;

/* What a tool call asks of you. Function calls are the usual kind; the others are the OpenAI
   Responses API's client actions (tools requested with ailib_tool.kind), each answered with an
   AILIB_PART_TOOL_RESULT of the same call_kind (ailib_part_tool_result() copies it). */
typedef enum ailib_call_kind {
    AILIB_CALL_FUNCTION = 0,       /* arguments: a JSON object */
    AILIB_CALL_CUSTOM,             /* custom_tool_call: arguments are the free-form input text (not
                                      JSON; args is NULL); the result goes back as its output */
    AILIB_CALL_LOCAL_SHELL,        /* local_shell_call, name "local_shell": arguments the action
                                      {"type":"exec","command":[...],...}; the result is the output */
    AILIB_CALL_APPLY_PATCH,        /* apply_patch_call, name "apply_patch": arguments the operation
                                      {"type":"create_file"|"update_file"|"delete_file","path","diff"};
                                      the result is the output, is_error marks it failed */
    AILIB_CALL_MCP_APPROVAL        /* mcp_approval_request: id = the request's id, name = the MCP
                                      tool, arguments its arguments; the result approves it, or
                                      denies it when is_error (its text the reason) */
} ailib_call_kind;

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
    ailib_call_kind call_kind;                  /* tool call / result: the kind of call (default: function) */
    const char *raw;       size_t raw_len;      /* the provider's own JSON of the part where it holds
                                                   more than the fields above (provider tool blocks,
                                                   items and parts; text with citations or annotations;
                                                   client actions; calls made by the provider's code):
                                                   sent back as it is to the protocol of origin,
                                                   ignored by the others */
} ailib_part;

#define AILIB_ORIGIN(protocol) ((int)(protocol) + 1)

typedef struct ailib_message {
    ailib_role role;
    const ailib_part *parts;  size_t part_count;
    const char *text;         /* shorthand: one text part (used when part_count is 0) */
} ailib_message;

/* The kind of a tool. Functions work everywhere; the other kinds are the OpenAI Responses
   API's own tools (AILIB_UNSUPPORTED on other protocols), whose calls come back with the
   matching ailib_call_kind. */
typedef enum ailib_tool_kind {
    AILIB_TOOL_FUNCTION = 0,
    AILIB_TOOL_CUSTOM,         /* free-form input; parameters (optional) is its format object,
                                  e.g. {"type":"grammar","syntax":"lark","definition":"..."} */
    AILIB_TOOL_LOCAL_SHELL,    /* name it "local_shell": its calls carry that name */
    AILIB_TOOL_APPLY_PATCH     /* name it "apply_patch" */
} ailib_tool_kind;

typedef struct ailib_tool {
    const char *name;          /* (required) */
    const char *description;   /* (optional) */
    const char *parameters;    /* (optional) JSON Schema text; default {"type":"object","properties":{}} */
    int strict;                /* (default: 0) ask for strict schema adherence where supported */
    ailib_tool_kind kind;      /* (default: AILIB_TOOL_FUNCTION) */
    const char *spec;          /* (optional) a tool the provider defines, as the provider's JSON object,
                                  sent as it is in the protocol's tools list: Anthropic server tools
                                  {"type":"web_search_20250305","name":"web_search","max_uses":3},
                                  Responses {"type":"web_search"} or {"type":"mcp",...}, Gemini
                                  {"googleSearch":{}}, ... The provider runs these (results arrive as
                                  AILIB_PART_PROVIDER_TOOL_* parts) or asks you to (calls with a
                                  call_kind). name only identifies it in your program */
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

/* How structured output is asked for. AUTO picks per protocol and model row:
     - NATIVE where the protocol has it and the catalog row (when the model is known) has
       AILIB_CAP_JSON_SCHEMA, and always on Ollama (its decoding is grammar-constrained for
       every model): OpenAI response_format, Responses text.format, Anthropic
       output_config.format, Gemini responseSchema (rewritten for its OpenAPI subset;
       responseJsonSchema when the schema is recursive), Ollama format, Cohere response_format;
     - TOOL for Anthropic models without it and for Bedrock: one forced tool whose input is the
       answer (object schemas only);
     - PROMPT otherwise: the schema in the system prompt, plus the protocol's JSON mode.
   AILIB_FORMAT_JSON (any JSON) uses the JSON mode where there is one, with an instruction in
   the system prompt (OpenAI's json_object mode requires the word JSON in the messages). */
typedef enum ailib_format_mode {
    AILIB_FORMAT_MODE_AUTO = 0,
    AILIB_FORMAT_MODE_NATIVE,   /* the provider's own structured output; AILIB_UNSUPPORTED where none */
    AILIB_FORMAT_MODE_TOOL,     /* a forced tool call named `name` whose arguments are the answer;
                                   AILIB_UNSUPPORTED where a tool cannot be forced (Ollama) */
    AILIB_FORMAT_MODE_PROMPT    /* instructions in the system prompt and the JSON mode, if any */
} ailib_format_mode;

typedef struct ailib_response_format {
    ailib_format_type type;
    const char *name;           /* (default: "response") schema name, and the tool name in TOOL mode */
    const char *schema;         /* JSON Schema text */
    int strict;                 /* (default: 0) */
    ailib_format_mode mode;     /* (default: AILIB_FORMAT_MODE_AUTO) */
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

/* Token usage, normalized alike for every provider: input includes cached input and cache
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
    ailib_call_kind kind;                           /* what the call asks of you (default: a function) */
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
   thinking, text, tool calls, the provider's own tool runs and their results): append it to
   the conversation to continue it losslessly. */
AILIB_API const ailib_message *ailib_response_message(const ailib_response *r);
/* The raw provider JSON of a whole (non-streamed) response; NULL for streamed responses. */
AILIB_API const ailib_json *ailib_response_raw(const ailib_response *r);
/* The provider's error when the response ended in one (in-stream errors), else NULL. */
AILIB_API const ailib_error *ailib_response_error(const ailib_response *r);
/* The structured answer of a response to a request with response_format (no network): the
   JSON is taken from the forced tool call named format->name (TOOL mode) or from the text
   (surrounding prose and ``` fences are ignored), parsed and, for AILIB_FORMAT_JSON_SCHEMA,
   validated. *value lives as long as the response. AILIB_SCHEMA_MISMATCH when the reply is
   not JSON or does not match (err->json_path and err->message say where and why);
   AILIB_CONTENT_FILTER when the model refused; AILIB_INVALID_ARGUMENT for a broken schema. */
AILIB_API ailib_result ailib_response_json(ailib_response *r, const ailib_response_format *format,
                                           const ailib_json **value, ailib_error *err);

typedef enum ailib_event_type {
    AILIB_EVENT_NONE = 0,
    AILIB_EVENT_TEXT_DELTA,         /* text, text_len */
    AILIB_EVENT_REASONING_DELTA,    /* text, text_len */
    AILIB_EVENT_TOOL_CALL_BEGIN,    /* index, id, name */
    AILIB_EVENT_TOOL_CALL_DELTA,    /* index, text = arguments fragment */
    AILIB_EVENT_TOOL_CALL_END,      /* index, id, name, text = complete arguments */
    AILIB_EVENT_USAGE,              /* usage (cumulative so far) */
    AILIB_EVENT_FINISH,             /* finish_reason, finish_raw */
    AILIB_EVENT_ERROR,              /* error */
    AILIB_EVENT_PROVIDER_TOOL_CALL, /* a tool the provider runs itself, its input complete: id,
                                       name, text = input JSON (not for you to run) */
    AILIB_EVENT_PROVIDER_TOOL_RESULT/* its result: id = the call's id, name = the result's kind,
                                       text = content JSON */
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

#define AILIB_MAX_HEADERS 16

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
    size_t max_response_bytes;  /* (default: 64 MiB, as ailib_client_desc's) the cap on what the
                                   response keeps: text, reasoning, tool-call ids, names and
                                   arguments, signatures, plus 512 bytes per part (each text or
                                   thinking run, each tool call) and 32 per block or call index
                                   the stream maps. The piece that would pass it is dropped and
                                   the stream fails with AILIB_TOO_LARGE, keeping what came
                                   before; one event, or a JSON body in place of a stream, may
                                   not be larger either */
} ailib_stream_desc;

AILIB_API ailib_stream *ailib_stream_create(const ailib_endpoint *ep, const ailib_stream_desc *desc,
                                            ailib_error *err);
AILIB_API void ailib_stream_destroy(ailib_stream *s);
/* Feeds body bytes. Normalized events reach cb (which may be NULL). An in-stream provider
   error is delivered as AILIB_EVENT_ERROR and also returned. A failure is final: every later
   feed or finish returns it again with the same report, and no event follows it. An event of
   the wrong shape for the protocol (a field of the wrong type) is AILIB_DESERIALIZATION with
   err->json_path; a body that starts with '<' (HTML) is AILIB_DESERIALIZATION quoting it. A
   body that is one JSON document instead of a stream is read at ailib_stream_finish(): a
   provider error is returned as such, a whole reply is delivered (its events, then OK). */
AILIB_API ailib_result ailib_stream_feed(ailib_stream *s, const char *bytes, size_t len,
                                         ailib_event_callback cb, void *user, ailib_error *err);
/* End of body: AILIB_OK when the answer is complete, by one rule for every protocol. It is
   complete when the protocol's end marker arrived, or when its finish reason arrived and the
   final usage came with it or after it:
     OpenAI chat   [DONE], or finish_reason and then the usage chunk (awaited only from rows
                   that ask for it: AILIB_Q_STREAM_OPTIONS without AILIB_Q_NO_STREAM_USAGE;
                   elsewhere finish_reason alone)
     Anthropic     message_stop, or message_delta with stop_reason and usage
     Gemini        a chunk with finishReason and usageMetadata (there is no end marker)
     Responses     response.completed / .incomplete / .failed (it carries both)
     Cohere        message-end (it carries both)
     Ollama        the done:true line (it carries both)
     Bedrock       messageStop, then metadata with the usage (there is no end marker)
   The last event of a body is read even without its trailing blank line (or, NDJSON, its
   newline); one whose JSON was cut is a truncation, not a JSON error. Anything short of
   complete returns AILIB_PROTOCOL (the message says what is missing: the answer cut, or only
   its final usage) and the response keeps what arrived; an empty body, or bytes without one
   event, are said as such. A stream none of whose events had the protocol's shape returns
   AILIB_DESERIALIZATION.
   Bytes after the end marker (a second body appended by a proxy or a retry, a repeated
   [DONE]) are not read: the answer is the one the marker ended. A second message starting
   while one is open (Anthropic message_start, Responses response.created, with another id)
   is two streams spliced together: AILIB_PROTOCOL at that event, never a merge. */
AILIB_API ailib_result ailib_stream_finish(ailib_stream *s, ailib_event_callback cb, void *user,
                                           ailib_error *err);
/* The accumulated response so far (finished or not); the stream keeps ownership. It is a
   snapshot built on each call (parts copied, tool arguments parsed): read it at the end, or
   now and then, not after every feed, or a long stream costs quadratic time. */
AILIB_API const ailib_response *ailib_stream_response(const ailib_stream *s);
/* Hands the accumulated response over; the stream can then only be destroyed (or reset). Large
   buffers are handed over rather than copied, so a long answer is not held twice. */
AILIB_API ailib_response *ailib_stream_take_response(ailib_stream *s);
/* Resets for a new body on the same endpoint, keeping the settings (model, cap) and the
   buffers (no allocation), but those a taken response took over. */
AILIB_API void ailib_stream_reset(ailib_stream *s);


/* ============================================================================================
   >>schema: JSON Schema validation (the subset used for tools and structured output)
   ============================================================================================
   Keywords: type (a name or an array of names; "integer" also accepts 1.0), properties,
   required, additionalProperties (false or a schema), patternProperties (present: members it
   may cover are not checked, there is no regex engine), minProperties/maxProperties, items (a
   schema, or draft-04 tuples with additionalItems), prefixItems, minItems/maxItems,
   uniqueItems, contains, enum, const, minLength/maxLength (in code points), minimum/maximum,
   exclusiveMinimum/exclusiveMaximum, multipleOf, allOf, anyOf, oneOf, not, if/then/else, $ref
   to "#" or "#/json/pointer" in the root schema, OpenAPI's nullable, boolean schemas. pattern,
   format and unknown keywords are ignored. */

/* AILIB_OK when value satisfies schema. Else AILIB_INVALID_ARGUMENT, err->json_path is where
   ("$", "$.city", "$.items[2].name", "$[\"a b\"]") and err->message "<path>: <what was
   expected there, what was found>"; for anyOf/oneOf it is the branch that got furthest. A
   broken schema is AILIB_INVALID_ARGUMENT too ("invalid schema: ..."); a $ref outside the
   document AILIB_UNSUPPORTED; nesting past 1000 levels (a $ref cycle) AILIB_JSON_DEPTH. */
AILIB_API ailib_result ailib_schema_validate(const ailib_json *schema, const ailib_json *value, ailib_error *err);

/* Rewrites a JSON Schema object into the OpenAPI subset Gemini's responseSchema accepts,
   written as one value into w: $ref and allOf inlined, [t, "null"] types and anyOf with null
   become nullable, const becomes a one-value enum, enum kept for strings only, unsupported
   keywords dropped, propertyOrdering added; a schema allowing any value becomes
   {"type":"string"}. AILIB_UNSUPPORTED for recursive schemas, AILIB_INVALID_ARGUMENT when
   schema is not an object. On failure nothing is written. */
AILIB_API ailib_result ailib_schema_to_gemini(const ailib_json *schema, ailib_json_writer *w, ailib_error *err);

/* ============================================================================================
   >>embed, >>models: embeddings and model listing
   ============================================================================================ */

typedef struct ailib_embed_request {
    const char *model;                 /* (default: the client's model when the catalog says it embeds,
                                          else the provider's catalog embedding model) */
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
    int64_t first_byte_timeout_ms;   /* until the response headers (default: 120000 for streamed
                                        calls, none for unary ones: a non-streamed reply is
                                        written when it is complete, so only timeout_ms bounds
                                        its wait; -1: none). A timeout before any byte is retried. */
    int64_t idle_timeout_ms;         /* longest silence inside a response once it has started;
                                        SSE comments and pings count as life (default: 300000
                                        when the model may reason silently - reasoning asked, or
                                        the catalog says it reasons, or the model is unknown -
                                        else 60000; -1: none) */
    int max_retries;                 /* retries of retryable failures before any output (default: 2; -1: none) */
    int64_t max_retry_wait_ms;       /* the longest wait a provider's retry hint (Retry-After,
                                        retry-after-ms, Gemini RetryInfo) may ask for (default:
                                        60000; -1: never wait for a hint). A longer hint is not
                                        waited for: the call fails at once with the hint in
                                        err.retry_after_ms, so a caller or router can go elsewhere. */
    size_t max_response_bytes;       /* (default: 64 MiB) a larger body, or a stream whose decoded
                                        content (text, reasoning, tool arguments, parts, tool
                                        calls) grows past it, fails with AILIB_TOO_LARGE; a
                                        streamed response keeps what arrived */
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
/* Frees the client and every call not yet finished. From inside one of its callbacks it only
   marks the client: it goes when the outermost ailib_client_poll() or blocking call returns. */
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
   AILIB_OK, or an error of the transport itself; AILIB_CANCELLED when a callback destroyed
   the client (it is gone now); AILIB_INVALID_ARGUMENT from inside one of its callbacks. */
AILIB_API ailib_result ailib_client_poll(ailib_client *c, int timeout_ms);
/* The next queued event: AILIB_OK with *ev filled (its pointers live until the next call on
   this call object), or AILIB_PENDING when none is queued now. When ailib_call_done() says
   the call is over, ailib_call_finish() gives its result. */
AILIB_API ailib_result ailib_call_next_event(ailib_call *call, ailib_event *ev);
/* 1 when the call has finished (successfully or not) and all its events were delivered. */
AILIB_API int ailib_call_done(const ailib_call *call);
/* Frees the call and hands over its response (when out is not NULL) or its error. A call
   that is not done yet is cancelled first. Inside a callback of its client, a call that is
   not done is cancelled, gives AILIB_CANCELLED and no response, and is freed when the
   callback returns; a done one is handed over as usual. */
AILIB_API ailib_result ailib_call_finish(ailib_call *call, ailib_response **out, ailib_error *err);
/* Asks the call to stop; it ends with AILIB_CANCELLED (the text so far stays readable) at
   the client's next poll, or at once in ailib_call_finish(). Safe from any thread and from
   callbacks, until the call is finished. */
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
/* Structured output (blocking): ailib_chat() with req->response_format (JSON or JSON_SCHEMA),
   then ailib_response_json(). A reply that is not JSON or does not match the schema gets one
   repair round: the reply and what was wrong with it go back to the model once. *value
   (optional) is the parsed, validated answer and lives as long as *out. Fails with
   AILIB_SCHEMA_MISMATCH (json_path set) when the repaired reply still does not match; *out
   then holds the last reply. */
AILIB_API ailib_result ailib_chat_json(ailib_client *c, const ailib_request *req, ailib_response **out,
                                       const ailib_json **value, ailib_error *err);
/* Embeddings of many inputs in one call (blocking). */
AILIB_API ailib_result ailib_embed(ailib_client *c, const ailib_embed_request *req, ailib_embeddings **out, ailib_error *err);
/* The provider's model list merged with the catalog (blocking). */
AILIB_API ailib_result ailib_models(ailib_client *c, ailib_model_list **out, ailib_error *err);

/* One line: "provider/model" and a prompt in, the answer's text out (free with ailib_free),
   NULL on failure with err filled. */
AILIB_API char *ailib_quick_chat(const char *model, const char *prompt, ailib_error *err);

/* ============================================================================================
   >>convo: conveniences over the calls above (constructors, JSON building, conversations,
            the tool loop, catalog-aware checks)
   ============================================================================================
   All optional: each is a few lines of the core API written once. The conversation owns
   copies of everything it holds, so responses and your buffers can be freed after adding
   them; a tool loop runs C functions for the model's tool calls until it answers in text.

       ailib_convo *cv = ailib_convo_create(NULL, &err);
       ailib_convo_add_user(cv, "Name three primes.", &err);
       ailib_convo_chat(client, cv, NULL, &r, &err);        the reply is appended to cv
       ailib_convo_add_user(cv, "And their sum?", &err);
       ailib_convo_chat(other_client, cv, NULL, &r2, &err); the same history, another provider */

/* --- constructors: messages and parts without positional initializers ----------------------
   They return plain structs that point at your strings and bytes (nothing is copied). */
AILIB_API ailib_message ailib_message_user(const char *text);
AILIB_API ailib_message ailib_message_assistant(const char *text);
AILIB_API ailib_message ailib_message_system(const char *text);
/* A message of parts: a user turn with images, a tool turn (AILIB_ROLE_TOOL) of results. */
AILIB_API ailib_message ailib_message_parts(ailib_role role, const ailib_part *parts, size_t count);
AILIB_API ailib_part ailib_part_text(const char *text);
AILIB_API ailib_part ailib_part_image_url(const char *url);
/* Image or audio bytes with their MIME type ("image/png", "audio/wav"); base64-encoded for you. */
AILIB_API ailib_part ailib_part_image(const void *data, size_t len, const char *mime);
AILIB_API ailib_part ailib_part_audio(const void *data, size_t len, const char *mime);
/* The result of a tool call (its id and name are taken from the call): plain text, a JSON
   text (sent structured where the protocol allows; build it with ailib_json_build()), or an
   error the model should see (is_error). */
AILIB_API ailib_part ailib_part_tool_result(const ailib_tool_call *call, const char *text);
AILIB_API ailib_part ailib_part_tool_json(const ailib_tool_call *call, const char *json);
AILIB_API ailib_part ailib_part_tool_error(const ailib_tool_call *call, const char *message);
AILIB_API ailib_tool ailib_tool_make(const char *name, const char *description, const char *parameters_schema);

/* --- building JSON from a format: no hand-escaped JSON in your code -------------------------
   The format is a sequence of items; spaces, ',' and ':' between them are ignored, so
   "{s:s, s:i}" reads like the JSON it makes. Items and the argument each takes:
     {  }  [  ]   an object / array (inside an object, items alternate key, value)
     s    const char *        a string (UTF-8, escaped for you); NULL writes null
     s#   const char *, size_t  a string of that many bytes
     i    int                 I    int64_t            f    double (finite)
     b    int (0 false, else true)                     n    null (no argument)
     j    const char *        JSON text, validated and inserted (a nested object you hold)
     v    const ailib_json *  a parsed value (from ailib_json_parse or a tool call's args)
   Keys are `s` items. Errors (a bad format, invalid UTF-8, a non-finite double, j text that is
   not JSON) return AILIB_INVALID_ARGUMENT (or the writer's sticky error) and are also set on
   the writer. Example: ailib_json_build(&err, "{s:s, s:i, s:[s,s]}", "city", city, "temp_c", 18,
   "sky", "clear", "dry") -> {"city":"Paris","temp_c":18,"sky":["clear","dry"]} */
AILIB_API ailib_result ailib_json_pack(ailib_json_writer *w, const char *fmt, ...);
/* The same into a new NUL-terminated string (free with ailib_free()); NULL on failure, with
   err saying which item was wrong. */
AILIB_API char *ailib_json_build(ailib_error *err, const char *fmt, ...);

/* --- conversations ----------------------------------------------------------------------- */

typedef struct ailib_convo ailib_convo;

typedef struct ailib_convo_desc {
    const char *system;                /* (optional) system prompt, copied */
    const ailib_allocator *allocator;  /* (optional) */
} ailib_convo_desc;

/* desc may be NULL. */
AILIB_API ailib_convo *ailib_convo_create(const ailib_convo_desc *desc, ailib_error *err);
AILIB_API void ailib_convo_destroy(ailib_convo *cv);
/* Replaces the system prompt (NULL or "" removes it). */
AILIB_API ailib_result ailib_convo_set_system(ailib_convo *cv, const char *system, ailib_error *err);
AILIB_API const char *ailib_convo_system(const ailib_convo *cv);      /* NULL when none */
/* Appends a deep copy of msg: its parts, strings and bytes, with each part's origin, so
   signatures and made-up tool ids go back exactly as they came. */
AILIB_API ailib_result ailib_convo_add(ailib_convo *cv, const ailib_message *msg, ailib_error *err);
AILIB_API ailib_result ailib_convo_add_user(ailib_convo *cv, const char *text, ailib_error *err);
/* Appends the assistant turn of a response (thinking with signatures, redacted thinking, text,
   tool calls with their ids, each part's provider origin); the response may then be destroyed. */
AILIB_API ailib_result ailib_convo_add_response(ailib_convo *cv, const ailib_response *r, ailib_error *err);
/* Appends one tool result (a part from ailib_part_tool_result/_json/_error): to the last
   message when that is a tool message, so the results of parallel calls share one turn. */
AILIB_API ailib_result ailib_convo_add_tool_result(ailib_convo *cv, const ailib_part *result, ailib_error *err);
AILIB_API size_t ailib_convo_count(const ailib_convo *cv);
/* The history, oldest first. Lives until the conversation next changes. */
AILIB_API const ailib_message *ailib_convo_messages(const ailib_convo *cv, size_t *count);
/* Keeps the first count messages (drop a failed turn, edit and resend). */
AILIB_API void ailib_convo_truncate(ailib_convo *cv, size_t count);
/* Points req->messages / message_count at the history and sets req->system from the
   conversation when req->system is NULL. Valid until the conversation next changes. The
   messages suit any client: what another protocol cannot take is converted or dropped by the
   rules of "Conversations across providers" (README). */
AILIB_API void ailib_convo_render(const ailib_convo *cv, ailib_request *req);
/* Sends the whole conversation (req, optional, gives the settings: model, tools, temperature,
   ...; its messages must be empty) and, on success, appends the assistant turn. *out
   (optional) gets the response. On failure nothing is appended. */
AILIB_API ailib_result ailib_convo_chat(ailib_client *c, ailib_convo *cv, const ailib_request *req,
                                        ailib_response **out, ailib_error *err);
AILIB_API ailib_result ailib_convo_chat_stream(ailib_client *c, ailib_convo *cv, const ailib_request *req,
                                               ailib_event_callback cb, void *user, ailib_response **out,
                                               ailib_error *err);
/* Lossless JSON of one message: {"role":"assistant","parts":[{"type":"thinking","text":..,
   "signature":..,"origin":"anthropic"},{"type":"tool_call","id":..,"name":..,"arguments":..},
   ...]} (bytes as base64 "data" with "mime"). */
AILIB_API ailib_result ailib_message_write_json(ailib_json_writer *w, const ailib_message *m);
/* {"system":..., "messages":[...]}: store a conversation, read it back with ailib_convo_add_json. */
AILIB_API ailib_result ailib_convo_write_json(const ailib_convo *cv, ailib_json_writer *w);
/* Appends from JSON written by the two functions above: one message object, an array of
   them, or a conversation object (whose system, if any, replaces the current one). */
AILIB_API ailib_result ailib_convo_add_json(ailib_convo *cv, const ailib_json *v, ailib_error *err);

/* --- the tool loop ------------------------------------------------------------------------
   Give tools with C functions; the loop sends the conversation, runs the functions for the
   model's tool calls (arguments parsed and checked against each tool's schema first), sends
   the results back, and repeats until the model answers without calling a tool, max_steps
   model calls were made, or stop_when says stop. */

/* Where a tool function puts its result: one of text, JSON or an error (the last call wins). */
typedef struct ailib_tool_output ailib_tool_output;
AILIB_API void ailib_tool_output_text(ailib_tool_output *o, const char *text);
/* JSON from an ailib_json_pack() format, e.g. ailib_tool_output_json(o, "{s:i}", "temp_c", 18). */
AILIB_API ailib_result ailib_tool_output_json(ailib_tool_output *o, const char *fmt, ...);
/* A failure the model should see and may work around (is_error on the result). */
AILIB_API void ailib_tool_output_error(ailib_tool_output *o, const char *message);

/* Runs one call: call->args is the parsed arguments (valid against the tool's schema unless
   desc.skip_validation). Return 0 to go on, non-zero to end the loop after this step (calls
   not run yet get an error result, so the conversation stays valid). */
typedef int (*ailib_tool_fn)(void *user, const ailib_tool_call *call, ailib_tool_output *out);

typedef struct ailib_tool_handler {
    ailib_tool tool;                 /* (required) name; description and JSON Schema parameters */
    ailib_tool_fn fn;                /* (required) */
    void *user;
} ailib_tool_handler;

/* One model call of a loop and the tool results it led to. */
typedef struct ailib_tool_step {
    const ailib_response *response;  /* the model's reply */
    const ailib_message *results;    /* role TOOL, one part per call (id, name, text, is_error);
                                        NULL when the reply called no tool */
} ailib_tool_step;

typedef enum ailib_loop_end {
    AILIB_LOOP_ANSWERED = 0,         /* the model answered without calling a tool */
    AILIB_LOOP_MAX_STEPS,            /* max_steps calls were made; the last step's tools ran */
    AILIB_LOOP_STOPPED,              /* stop_when or a tool function asked to stop */
    AILIB_LOOP_FAILED                /* a call failed: the loop returned its error */
} ailib_loop_end;

typedef struct ailib_tool_loop_desc {
    const ailib_tool_handler *tools; size_t tool_count;   /* (required) */
    int max_steps;                   /* model calls at most (default: 10) */
    int stream;                      /* (default: 0) 1: stream every call; events go to on_event */
    ailib_event_callback on_event;   /* (optional) every event of every call; non-zero cancels */
    void *event_user;
    /* (optional) called after each step, its tools run; non-zero ends the loop there */
    int (*stop_when)(void *user, const ailib_tool_step *step, size_t index);
    void *stop_user;
    int skip_validation;             /* (default: 0) 1: call functions with arguments the
                                        schema rejects (they still must be JSON) */
} ailib_tool_loop_desc;

typedef struct ailib_tool_run ailib_tool_run;

/* Runs the loop on cv (NULL: a conversation of req->messages, kept inside the run); the
   assistant turns and tool results are appended to cv as they happen. req (optional) gives
   the settings; its tools must be empty (the loop sends desc's). A REQUIRED or NAMED
   tool_choice applies to the first call only. *out (optional) gets the run, also when a call
   failed part-way (then ailib_tool_run_end() is AILIB_LOOP_FAILED). */
AILIB_API ailib_result ailib_tool_loop(ailib_client *c, ailib_convo *cv, const ailib_request *req,
                                       const ailib_tool_loop_desc *desc, ailib_tool_run **out, ailib_error *err);
/* One step for your own loop (a poll loop, a UI): runs the tool calls of r with desc's tools and
   appends the assistant turn (when add_response) and the results to cv. Returns how many
   calls ran in *ran (optional); *stop (optional) is set when a function asked to stop. */
AILIB_API ailib_result ailib_convo_run_tools(ailib_convo *cv, const ailib_response *r, int add_response,
                                             const ailib_tool_loop_desc *desc, size_t *ran, int *stop,
                                             ailib_error *err);
AILIB_API size_t ailib_tool_run_step_count(const ailib_tool_run *run);
AILIB_API const ailib_tool_step *ailib_tool_run_step(const ailib_tool_run *run, size_t i);
/* The last step's reply: the answer when the loop ended with AILIB_LOOP_ANSWERED. */
AILIB_API const ailib_response *ailib_tool_run_response(const ailib_tool_run *run);
AILIB_API ailib_loop_end ailib_tool_run_end(const ailib_tool_run *run);
/* The usage of every step added up. */
AILIB_API ailib_usage ailib_tool_run_usage(const ailib_tool_run *run);
AILIB_API void ailib_tool_run_destroy(ailib_tool_run *run);

/* --- the catalog before sending ------------------------------------------------------------
   ailib_client_create() and ailib_chat_start() apply these rules; they are public for tools
   that want the answer first (no network):
   - a model is "provider/model" (provider names are case-insensitive), a provider name (its
     default model), or a bare model that exactly one catalog provider lists; an unknown or
     ambiguous name fails with the nearest names;
   - reasoning options on a model whose catalog row cannot reason fail with AILIB_UNSUPPORTED;
   - a thinking budget that leaves the answer fewer than min(256, max_tokens / 2) tokens of
     max_tokens fails with AILIB_INVALID_ARGUMENT;
   - a model the catalog does not know for a provider it knows, max_tokens above the row's
     output limit, tools or images for a row without them: a warning (the client's logger at
     AILIB_LOG_WARN), never a refusal. Local servers (no key needed) serve any model: no
     warning for their model names. */

/* Splits "provider/model", or finds the provider of a bare model or provider name. *bare gets
   the model part (a provider name alone gives its default model); points into model or the
   catalog. */
AILIB_API ailib_result ailib_model_resolve(const char *model, const ailib_provider_info **provider,
                                           const char **bare, ailib_error *err);
/* The catalog rows nearest to a model name (typos, a missing date or size suffix), best first:
   of one provider, or of all when provider is NULL. Returns how many (at most max); 0 when
   nothing is close. */
AILIB_API size_t ailib_model_suggest(const char *provider, const char *model, const ailib_model_info **out, size_t max);
/* The catalog provider nearest to a misspelled name, or NULL when none is close. */
AILIB_API const ailib_provider_info *ailib_provider_suggest(const char *name);
/* Checks req for model (bare) at provider against the catalog. AILIB_OK, with the warnings
   (if any) in warning ("" when none); or the refusal's code with err saying what to change. */
AILIB_API ailib_result ailib_request_check(const ailib_provider_info *provider, const char *model,
                                           const ailib_request *req, char *warning, size_t warning_cap,
                                           ailib_error *err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AILIB_H_INCLUDED */

/* ============================================================================================
   IMPLEMENTATION
   ============================================================================================ */
#if defined(AILIB_IMPLEMENTATION) && !defined(AILIB_IMPLEMENTATION_INCLUDED)
#define AILIB_IMPLEMENTATION_INCLUDED

/* MSVC's C4996 asks for its own *_s functions instead of getenv, sscanf, ...: they are not
   portable, so the warning is silenced inside the implementation only. */
#if defined(_MSC_VER)
#  pragma warning(push)
#  pragma warning(disable: 4996)
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>
#include <locale.h>
#include <limits.h>
#include <ctype.h>
#include <time.h>
#if defined(__APPLE__) && !defined(AILIB_NOW_MS)
#  include <mach/mach_time.h>   /* the clock of >>engine */
#endif

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
#  define AILIB__MAYBE_UNUSED __attribute__((unused))    /* seams that only some feature macros use */
#else
#  define AILIB__LIKELY(x) (x)
#  define AILIB__UNLIKELY(x) (x)
#  define AILIB__MAYBE_UNUSED
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

/* Saturating int64 arithmetic for numbers a server or the environment controls (token counts,
   durations): sums that would overflow stick at the bound instead of wrapping (UB). */
static int64_t ailib__sat_add(int64_t a, int64_t b) {
    if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
    return a + b;
}

/* A double from outside (a header, an environment variable) as int64, without the undefined
   behaviour of an out-of-range conversion: NaN gives fallback, infinities and huge values
   clamp to [lo, hi]. */
static int64_t ailib__clamp_i64(double d, int64_t lo, int64_t hi, int64_t fallback) {
    if (d != d) return fallback;
    if (d <= (double)lo) return lo;
    if (d >= (double)hi) return hi;
    return (int64_t)d;
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

/* >>sse ====================================================================================== */

/* The WHATWG "event stream interpretation" algorithm as a push parser. The hot path finds line
   ends with memchr and parses a line that lies wholly inside the fed chunk straight from the
   input, copying only its value. A line cut by the end of a chunk waits in p->line, except
   that the value of a data: line goes straight to the data buffer as it arrives, so the bulk
   of a stream is copied once and p->line only ever holds short field names or event:/id:
   lines. Which kind of partial line is waiting is told by p->line itself:
     ":"        a comment: the rest of the line is dropped, never buffered;
     "data:"    a data line cut right after its colon: one leading space may still follow;
     "data: "   a data line whose value is being appended to the data buffer;
     otherwise  the line's bytes so far (never starting with "data:" or ":"). */

#define AILIB__SSE_DEFAULT_MAX ((size_t)64 << 20)

enum { AILIB__SSE_VERBATIM, AILIB__SSE_COMMENT, AILIB__SSE_DATA_COLON, AILIB__SSE_DATA_VALUE };

static size_t ailib__sse_limit(size_t max) { return max ? max : AILIB__SSE_DEFAULT_MAX; }

static ailib_result ailib__sse_oom(ailib_error *err) {
    return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory while buffering a server-sent event");
}

static ailib_result ailib__sse_too_large(ailib_error *err, const char *what, size_t max, size_t pos) {
    if (err) err->byte_pos = pos;
    return ailib__fail(err, AILIB_TOO_LARGE,
                       "SSE %s exceeds max_event (%llu bytes) at byte %llu; raise "
                       "ailib_sse_parser.max_event after ailib_sse_init()",
                       what, (unsigned long long)max, (unsigned long long)pos);
}

/* Index of the first c in b[from, len), or len. */
static size_t ailib__sse_find(const char *b, size_t from, size_t len, int c) {
    const char *q = (const char *)memchr(b + from, c, len - from);
    return q ? (size_t)(q - b) : len;
}

static int ailib__sse_state(const ailib_sse_parser *p) {
    size_t n = p->line_len;
    if (n == 1 && p->line[0] == ':') return AILIB__SSE_COMMENT;
    if ((n == 5 || n == 6) && memcmp(p->line, "data: ", n) == 0)
        return n == 5 ? AILIB__SSE_DATA_COLON : AILIB__SSE_DATA_VALUE;
    return AILIB__SSE_VERBATIM;
}

/* Appends value bytes (at stream offset off) to the event's data, keeping data_len <= max. */
static ailib_result ailib__sse_data_add(ailib_sse_parser *p, const char *s, size_t n, size_t off,
                                        ailib_error *err) {
    size_t max = ailib__sse_limit(p->max_event), room = max - p->data_len;
    if (n > room) return ailib__sse_too_large(err, "event data", max, off + room);
    if (!ailib__grow(&p->alloc, &p->data, &p->data_cap, p->data_len + n + 2)) return ailib__sse_oom(err);
    memcpy(p->data + p->data_len, s, n);
    p->data_len += n;
    return AILIB_OK;
}

/* The '\n' that ends a data line (the line ended at stream offset eol). */
static ailib_result ailib__sse_data_end(ailib_sse_parser *p, size_t eol, ailib_error *err) {
    size_t max = ailib__sse_limit(p->max_event);
    if (p->data_len >= max) return ailib__sse_too_large(err, "event data", max, eol);
    if (!ailib__grow(&p->alloc, &p->data, &p->data_cap, p->data_len + 2)) return ailib__sse_oom(err);
    p->data[p->data_len++] = '\n';
    p->has_data = 1;
    return AILIB_OK;
}

/* A whole data line's value (at offset voff, line end at eol) in one step: the hot path. */
static ailib_result ailib__sse_data_line(ailib_sse_parser *p, const char *v, size_t n, size_t voff,
                                         size_t eol, ailib_error *err) {
    size_t max = ailib__sse_limit(p->max_event), room = max - p->data_len;
    if (AILIB__UNLIKELY(n >= room)) return ailib__sse_too_large(err, "event data", max, n > room ? voff + room : eol);
    if (AILIB__UNLIKELY(p->data_len + n + 2 > p->data_cap) &&
        !ailib__grow(&p->alloc, &p->data, &p->data_cap, p->data_len + n + 2))
        return ailib__sse_oom(err);
    memcpy(p->data + p->data_len, v, n);
    p->data_len += n;
    p->data[p->data_len++] = '\n';
    p->has_data = 1;
    return AILIB_OK;
}

/* Blank line: hand the event over unless its data buffer is empty. The parser is reset before
   the callback runs, so a callback that stops parsing leaves it consistent. */
static ailib_result ailib__sse_dispatch(ailib_sse_parser *p, ailib_sse_callback cb, void *user,
                                        ailib_error *err) {
    ailib_sse_event ev;
    if (!p->data_len) { p->event_len = 0; return AILIB_OK; }
    p->data[--p->data_len] = 0;   /* the last line's '\n' */
    ev.event = p->event_len ? p->event : "";
    ev.event_len = p->event_len;
    ev.data = p->data;
    ev.data_len = p->data_len;
    ev.id = p->id_len ? p->id : "";
    ev.id_len = p->id_len;
    ev.retry_ms = p->retry_ms;
    p->data_len = p->event_len = 0;
    p->has_data = 0;
    if (cb && cb(user, &ev) != 0)
        return ailib__fail(err, AILIB_CANCELLED, "the SSE event callback returned non-zero; parsing stopped");
    return AILIB_OK;
}

/* retry: counts only when the value is all ASCII digits; huge values saturate. */
static void ailib__sse_retry(ailib_sse_parser *p, const char *v, size_t n) {
    int64_t ms = 0;
    size_t k;
    if (!n) return;
    for (k = 0; k < n; k++) {
        unsigned d = (unsigned)(unsigned char)v[k] - '0';
        if (d > 9) return;
        ms = ms > (INT64_MAX - (int64_t)d) / 10 ? INT64_MAX : ms * 10 + (int64_t)d;
    }
    p->retry_ms = ms;
}

/* One complete line s[0, n) that began at stream offset off. */
static ailib_result ailib__sse_line(ailib_sse_parser *p, const char *s, size_t n, size_t off,
                                    ailib_sse_callback cb, void *user, ailib_error *err) {
    const char *colon, *v;
    size_t name_len, vlen, max;
    if (n == 0) return ailib__sse_dispatch(p, cb, user, err);
    if (AILIB__LIKELY(n >= 5 && memcmp(s, "data:", 5) == 0)) {   /* the common line, without a search */
        v = s + 5;
        vlen = n - 5;
        if (vlen && *v == ' ') { v++; vlen--; }
        return ailib__sse_data_line(p, v, vlen, off + (size_t)(v - s), off + n, err);
    }
    if (s[0] == ':') return AILIB_OK;
    colon = (const char *)memchr(s, ':', n);
    name_len = colon ? (size_t)(colon - s) : n;
    v = colon ? colon + 1 : s + n;
    vlen = n - (size_t)(v - s);
    if (vlen && *v == ' ') { v++; vlen--; }
    if (name_len == 4 && memcmp(s, "data", 4) == 0)
        return ailib__sse_data_line(p, v, vlen, off + (size_t)(v - s), off + n, err);
    max = ailib__sse_limit(p->max_event);
    if (n > max) return ailib__sse_too_large(err, "line", max, off + max);
    if (name_len == 5 && memcmp(s, "event", 5) == 0) {
        p->event_len = 0;
        if (!ailib__append(&p->alloc, &p->event, &p->event_len, &p->event_cap, v, vlen)) return ailib__sse_oom(err);
    } else if (name_len == 2 && memcmp(s, "id", 2) == 0) {
        if (vlen && memchr(v, 0, vlen)) return AILIB_OK;   /* an id containing U+0000 is ignored */
        p->id_len = 0;
        if (!ailib__append(&p->alloc, &p->id, &p->id_len, &p->id_cap, v, vlen)) return ailib__sse_oom(err);
    } else if (name_len == 5 && memcmp(s, "retry", 5) == 0) {
        ailib__sse_retry(p, v, vlen);
    }
    return AILIB_OK;
}

/* Takes s[0, n), a piece of the current line that contains no line end (at offset off). */
static ailib_result ailib__sse_partial(ailib_sse_parser *p, const char *s, size_t n, size_t off,
                                       ailib_error *err) {
    int st = ailib__sse_state(p);
    if (st == AILIB__SSE_VERBATIM) {
        size_t max = ailib__sse_limit(p->max_event), have = p->line_len;
        if (!n) return AILIB_OK;
        if (!have && s[0] == ':') { p->line[0] = ':'; p->line_len = 1; return AILIB_OK; }
        if (have < 5 && memcmp(p->line, "data:", have) == 0) {
            size_t k = n < 5 - have ? n : 5 - have;
            if (memcmp(s, &"data:"[have], k) == 0) {   /* line_cap >= 64: see ailib_sse_feed */
                memcpy(p->line + have, s, k);
                p->line_len = have + k;
                if (p->line_len < 5) return AILIB_OK;
                s += k; n -= k; off += k;
                st = AILIB__SSE_DATA_COLON;
            }
        }
        if (st == AILIB__SSE_VERBATIM) {
            if (have > max || n > max - have) return ailib__sse_too_large(err, "line", max, off - have + max);
            if (!ailib__append(&p->alloc, &p->line, &p->line_len, &p->line_cap, s, n)) return ailib__sse_oom(err);
            return AILIB_OK;
        }
    }
    if (st == AILIB__SSE_COMMENT) return AILIB_OK;
    if (st == AILIB__SSE_DATA_COLON) {
        if (!n) return AILIB_OK;
        if (s[0] == ' ') { s++; n--; off++; }
        p->line[5] = ' ';
        p->line_len = 6;
    }
    return n ? ailib__sse_data_add(p, s, n, off, err) : AILIB_OK;
}

/* The buffered line ended at stream offset eol. */
static ailib_result ailib__sse_end_line(ailib_sse_parser *p, size_t eol, ailib_sse_callback cb, void *user,
                                        ailib_error *err) {
    size_t n = p->line_len;
    int st = ailib__sse_state(p);
    p->line_len = 0;
    if (st == AILIB__SSE_COMMENT) return AILIB_OK;
    if (st != AILIB__SSE_VERBATIM) return ailib__sse_data_end(p, eol, err);
    return ailib__sse_line(p, p->line, n, eol - n, cb, user, err);
}

/* Skips a leading U+FEFF, which may arrive split across feeds: its bytes wait in p->line until
   they complete the BOM (dropped) or turn out to begin the first line (kept). */
static size_t ailib__sse_bom(ailib_sse_parser *p, const char *b, size_t len, size_t i) {
    static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };
    while (i < len && p->line_len < 3) {
        if ((unsigned char)b[i] != bom[p->line_len]) { p->bom_checked = 1; return i; }
        p->line[p->line_len++] = b[i++];
    }
    if (p->line_len == 3) { p->line_len = 0; p->bom_checked = 1; }
    return i;
}

AILIB_API void ailib_sse_init(ailib_sse_parser *p, const ailib_allocator *alloc) {
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->alloc = ailib__allocator(alloc);
    p->retry_ms = -1;
}

AILIB_API void ailib_sse_deinit(ailib_sse_parser *p) {
    ailib_allocator a;
    if (!p) return;
    a = ailib__allocator(&p->alloc);
    ailib__free(&a, p->line);
    ailib__free(&a, p->data);
    ailib__free(&a, p->event);
    ailib__free(&a, p->id);
    memset(p, 0, sizeof *p);
    p->retry_ms = -1;
}

/* Stops after the event whose callback returned non-zero: err->byte_pos (and p->pos) is then
   the stream offset just past that event, and the rest of the chunk is not parsed, so a caller
   may resume by feeding from there. After AILIB_TOO_LARGE or AILIB_OUT_OF_MEMORY the stream
   cannot be continued. Line ends are found with one memchr pass per byte value and chunk:
   lf and cr cache the next LF and CR and are searched again only once passed. */
AILIB_API ailib_result ailib_sse_feed(ailib_sse_parser *p, const char *bytes, size_t len,
                                      ailib_sse_callback cb, void *user, ailib_error *err) {
    size_t i = 0, base, lf, cr, eol, next;
    ailib_result rc;
    if (!p || (!bytes && len))
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_sse_feed: parser and bytes must not be NULL");
    if (!len) return AILIB_OK;
    /* 64 bytes up front: field names and the "data:" markers then never allocate mid-stream. */
    if (!p->line && !ailib__grow(&p->alloc, &p->line, &p->line_cap, 64)) return ailib__sse_oom(err);
    base = p->pos;
    if (p->last_was_cr) {
        p->last_was_cr = 0;
        if (bytes[0] == '\n') i = 1;
    }
    if (!p->bom_checked) {
        i = ailib__sse_bom(p, bytes, len, i);
        if (!p->bom_checked) { p->pos = base + len; return AILIB_OK; }
    }
    lf = ailib__sse_find(bytes, i, len, '\n');
    cr = ailib__sse_find(bytes, i, len, '\r');
    while (i < len) {
        if (lf < i) lf = bytes[i] == '\n' ? i : ailib__sse_find(bytes, i, len, '\n');   /* blank lines */
        if (cr < i) cr = ailib__sse_find(bytes, i, len, '\r');
        eol = lf < cr ? lf : cr;
        if (eol == len) {
            rc = ailib__sse_partial(p, bytes + i, len - i, base + i, err);
            if (rc != AILIB_OK) { p->pos = base + i; return rc; }
            break;
        }
        next = eol + 1;
        if (bytes[eol] == '\r') {
            if (next == len) p->last_was_cr = 1;
            else if (bytes[next] == '\n') next++;
        }
        if (AILIB__LIKELY(p->line_len == 0)) {
            rc = ailib__sse_line(p, bytes + i, eol - i, base + i, cb, user, err);
        } else {
            rc = ailib__sse_partial(p, bytes + i, eol - i, base + i, err);
            if (rc == AILIB_OK) rc = ailib__sse_end_line(p, base + eol, cb, user, err);
        }
        if (AILIB__UNLIKELY(rc != AILIB_OK)) {
            if (rc == AILIB_CANCELLED) {
                p->pos = base + next;
                if (err) err->byte_pos = p->pos;
            } else {
                p->pos = base + i;
            }
            return rc;
        }
        i = next;
    }
    p->pos = base + len;
    return AILIB_OK;
}

/* Discards an unfinished line or event (WHATWG: "any pending data must be discarded") and
   leaves the parser ready for a next stream, such as a reconnection: as in EventSource, the
   last event id and retry persist. */
AILIB_API ailib_result ailib_sse_finish(ailib_sse_parser *p, ailib_sse_callback cb, void *user,
                                        ailib_error *err) {
    (void)cb;
    (void)user;
    if (!p) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_sse_finish: parser must not be NULL");
    p->line_len = p->data_len = p->event_len = 0;
    p->has_data = 0;
    p->last_was_cr = 0;
    p->bom_checked = 0;
    p->pos = 0;
    return AILIB_OK;
}

AILIB_API int ailib_sse_pending(const ailib_sse_parser *p) {
    return p && (p->line_len || p->data_len || p->event_len);
}

/* >>ndjson =================================================================================== */

/* Each line is copied once into p->line, the only way to hand out a NUL-terminated line from
   const input; the buffer grows to the longest line and is then reused. */

static int ailib__ndjson_blank(const char *s, size_t n) {
    while (n && (*s == ' ' || *s == '\t' || *s == '\r')) { s++; n--; }
    return n == 0;
}

static ailib_result ailib__ndjson_emit(ailib_ndjson_parser *p, const char *s, size_t n,
                                       ailib_ndjson_callback cb, void *user, ailib_error *err) {
    if (n && s[n - 1] == '\r') n--;
    if (ailib__ndjson_blank(s, n)) { p->line_len = 0; return AILIB_OK; }
    if (s == p->line) {
        p->line[n] = 0;
    } else {
        p->line_len = 0;
        if (!ailib__append(&p->alloc, &p->line, &p->line_len, &p->line_cap, s, n))
            return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory while buffering an NDJSON line");
    }
    p->line_len = 0;
    if (cb && cb(user, p->line, n) != 0)
        return ailib__fail(err, AILIB_CANCELLED, "the NDJSON line callback returned non-zero; parsing stopped");
    return AILIB_OK;
}

AILIB_API void ailib_ndjson_init(ailib_ndjson_parser *p, const ailib_allocator *alloc) {
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->alloc = ailib__allocator(alloc);
}

AILIB_API void ailib_ndjson_deinit(ailib_ndjson_parser *p) {
    ailib_allocator a;
    if (!p) return;
    a = ailib__allocator(&p->alloc);
    ailib__free(&a, p->line);
    memset(p, 0, sizeof *p);
}

/* Same stopping rules as ailib_sse_feed: a cancel leaves err->byte_pos just past the line. */
AILIB_API ailib_result ailib_ndjson_feed(ailib_ndjson_parser *p, const char *bytes, size_t len,
                                         ailib_ndjson_callback cb, void *user, ailib_error *err) {
    size_t i = 0, base, max, end, n;
    ailib_result rc;
    if (!p || (!bytes && len))
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_ndjson_feed: parser and bytes must not be NULL");
    base = p->pos;
    max = ailib__sse_limit(p->max_line);
    while (i < len) {
        end = ailib__sse_find(bytes, i, len, '\n');
        n = end - i;
        if (AILIB__UNLIKELY(n > max - p->line_len)) {
            size_t pos = base + i - p->line_len + max;
            if (err) err->byte_pos = pos;
            p->pos = base + i;
            return ailib__fail(err, AILIB_TOO_LARGE,
                               "NDJSON line exceeds max_line (%llu bytes) at byte %llu; raise "
                               "ailib_ndjson_parser.max_line after ailib_ndjson_init()",
                               (unsigned long long)max, (unsigned long long)pos);
        }
        if (end == len || p->line_len) {
            if (!ailib__append(&p->alloc, &p->line, &p->line_len, &p->line_cap, bytes + i, n)) {
                p->pos = base + i;
                return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory while buffering an NDJSON line");
            }
            if (end == len) break;
            rc = ailib__ndjson_emit(p, p->line, p->line_len, cb, user, err);
        } else {
            rc = ailib__ndjson_emit(p, bytes + i, n, cb, user, err);
        }
        i = end + 1;
        if (AILIB__UNLIKELY(rc != AILIB_OK)) {
            p->pos = base + i;
            if (rc == AILIB_CANCELLED && err) err->byte_pos = p->pos;
            return rc;
        }
    }
    p->pos = base + len;
    return AILIB_OK;
}

/* Delivers a last line that had no newline, then leaves the parser ready for a next stream. */
AILIB_API ailib_result ailib_ndjson_finish(ailib_ndjson_parser *p, ailib_ndjson_callback cb, void *user,
                                           ailib_error *err) {
    ailib_result rc = AILIB_OK;
    if (!p) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_ndjson_finish: parser must not be NULL");
    if (p->line_len) {
        rc = ailib__ndjson_emit(p, p->line, p->line_len, cb, user, err);
        if (rc == AILIB_CANCELLED && err) err->byte_pos = p->pos;
    }
    p->line_len = 0;
    p->pos = 0;
    return rc;
}
#include "ailib_providers.h"
/* >>arena ==================================================================================== */

/* A bump allocator in chunks: one per response, freed in one call. */
typedef struct ailib__arena_blk { struct ailib__arena_blk *next; size_t cap, used; } ailib__arena_blk;
typedef struct ailib__arena { ailib_allocator alloc; ailib__arena_blk *head; } ailib__arena;

#define AILIB__ARENA_HDR ((sizeof(ailib__arena_blk) + 15) & ~(size_t)15)

static void *ailib__arena_alloc(ailib__arena *a, size_t n) {
    ailib__arena_blk *b = a->head;
    char *p;
    n = (n + 15) & ~(size_t)15;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 4096 - AILIB__ARENA_HDR ? n : 4096 - AILIB__ARENA_HDR;
        b = (ailib__arena_blk *)ailib__malloc(&a->alloc, AILIB__ARENA_HDR + cap);
        if (!b) return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    p = (char *)b + AILIB__ARENA_HDR + b->used;
    b->used += n;
    return p;
}

static char *ailib__arena_strn(ailib__arena *a, const char *s, size_t n) {
    char *p = (char *)ailib__arena_alloc(a, n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static void ailib__arena_free(ailib__arena *a) {
    ailib__arena_blk *b = a->head;
    while (b) { ailib__arena_blk *nx = b->next; ailib__free(&a->alloc, b); b = nx; }
    a->head = NULL;
}

/* A growable byte string (NUL-terminated when non-empty). */
typedef struct ailib__buf { char *p; size_t len, cap; } ailib__buf;

static int ailib__buf_add(const ailib_allocator *a, ailib__buf *b, const char *s, size_t n) {
    return ailib__append(a, &b->p, &b->len, &b->cap, s, n);
}
static int ailib__buf_set(const ailib_allocator *a, ailib__buf *b, const char *s, size_t n) {
    b->len = 0;
    return ailib__append(a, &b->p, &b->len, &b->cap, s, n);
}
static const char *ailib__buf_str(const ailib__buf *b) { return b->len ? b->p : ""; }

/* Length of an optional-length string field: 0 means strlen. */
static size_t ailib__slen(const char *s, size_t n) { return n ? n : (s ? strlen(s) : 0); }

/* >>catalog ================================================================================== */

static const ailib_provider_info ailib__providers[] = {
#define AILIB__P(name, proto, url, auth, keyenv, urlenv, model, quirks) { name, proto, url, auth, keyenv, urlenv, model, quirks },
    AILIB_PROVIDER_ROWS(AILIB__P)
#undef AILIB__P
};

static const ailib_model_info ailib__models[] = {
#define AILIB__M(prov, name, ctx, maxout, caps, pin, pcached, pwrite, pout, date) { prov, name, ctx, maxout, caps, pin, pcached, pwrite, pout, date },
    AILIB_MODEL_ROWS(AILIB__M)
#undef AILIB__M
};

AILIB_API size_t ailib_provider_count(void) { return sizeof ailib__providers / sizeof ailib__providers[0]; }
AILIB_API const ailib_provider_info *ailib_provider_at(size_t i) {
    return i < ailib_provider_count() ? &ailib__providers[i] : NULL;
}
AILIB_API const ailib_provider_info *ailib_provider_findn(const char *name, size_t len) {
    size_t i;
    if (!name) return NULL;
    for (i = 0; i < ailib_provider_count(); i++)
        if (strlen(ailib__providers[i].name) == len) {     /* names are lowercase; "OpenAI" finds "openai" */
            size_t k;
            for (k = 0; k < len && ailib__providers[i].name[k] == tolower((unsigned char)name[k]); k++) {}
            if (k == len) return &ailib__providers[i];
        }
    return NULL;
}
AILIB_API const ailib_provider_info *ailib_provider_find(const char *name) {
    return name ? ailib_provider_findn(name, strlen(name)) : NULL;
}
AILIB_API size_t ailib_model_count(void) { return sizeof ailib__models / sizeof ailib__models[0]; }
AILIB_API const ailib_model_info *ailib_model_at(size_t i) {
    return i < ailib_model_count() ? &ailib__models[i] : NULL;
}
AILIB_API const ailib_model_info *ailib_model_find(const char *provider, const char *model) {
    const ailib_model_info *best = NULL;
    size_t i, best_len = 0, ml;
    if (!provider || !model) return NULL;
    ml = strlen(model);
    for (i = 0; i < ailib_model_count(); i++) {
        const ailib_model_info *m = &ailib__models[i];
        size_t n = strlen(m->name);
        if (strcmp(m->provider, provider) != 0) continue;
        if (n == ml && memcmp(m->name, model, n) == 0) return m;
        /* a prefix counts only at a boundary: "gpt-4o" must not claim "gpt-4o-mini" */
        if (n < ml && n > best_len && memcmp(m->name, model, n) == 0 &&
            (model[n] == '-' || model[n] == '@' || model[n] == ':')) {
            int shadowed = 0;
            size_t j;
            for (j = 0; j < ailib_model_count(); j++) {   /* a longer sibling that also prefixes wins */
                const ailib_model_info *o = &ailib__models[j];
                size_t on = strlen(o->name);
                if (o != m && strcmp(o->provider, provider) == 0 && on > n && on <= ml &&
                    memcmp(o->name, model, on) == 0) { shadowed = 1; break; }
            }
            if (!shadowed) { best = m; best_len = n; }
        }
    }
    return best;
}

/* >>types ==================================================================================== */

AILIB_API ailib_optf ailib_set(double v) { ailib_optf o; o.set = 1; o.value = v; return o; }
AILIB_API ailib_opti ailib_set_int(int64_t v) { ailib_opti o; o.set = 1; o.value = v; return o; }

AILIB_API const char *ailib_finish_reason_name(ailib_finish_reason f) {
    switch (f) {
    case AILIB_FINISH_NONE: return "none";
    case AILIB_FINISH_STOP: return "stop";
    case AILIB_FINISH_LENGTH: return "length";
    case AILIB_FINISH_TOOL_CALLS: return "tool_calls";
    case AILIB_FINISH_CONTENT_FILTER: return "content_filter";
    case AILIB_FINISH_ERROR: return "error";
    case AILIB_FINISH_OTHER: return "other";
    }
    return "other";
}

/* Every provider's finish-reason spelling in one table: the values never collide. */
static ailib_finish_reason ailib__map_finish(const char *s, size_t n) {
    static const struct { const char *raw; ailib_finish_reason f; } map[] = {
        {"stop", AILIB_FINISH_STOP}, {"end_turn", AILIB_FINISH_STOP}, {"STOP", AILIB_FINISH_STOP},
        {"COMPLETE", AILIB_FINISH_STOP}, {"stop_sequence", AILIB_FINISH_STOP}, {"STOP_SEQUENCE", AILIB_FINISH_STOP},
        {"eos", AILIB_FINISH_STOP}, {"completed", AILIB_FINISH_STOP},
        {"length", AILIB_FINISH_LENGTH}, {"max_tokens", AILIB_FINISH_LENGTH}, {"MAX_TOKENS", AILIB_FINISH_LENGTH},
        {"model_length", AILIB_FINISH_LENGTH}, {"model_context_window_exceeded", AILIB_FINISH_LENGTH},
        {"max_output_tokens", AILIB_FINISH_LENGTH},
        {"tool_calls", AILIB_FINISH_TOOL_CALLS}, {"tool_use", AILIB_FINISH_TOOL_CALLS},
        {"function_call", AILIB_FINISH_TOOL_CALLS}, {"TOOL_CALL", AILIB_FINISH_TOOL_CALLS},
        {"content_filter", AILIB_FINISH_CONTENT_FILTER}, {"SAFETY", AILIB_FINISH_CONTENT_FILTER},
        {"RECITATION", AILIB_FINISH_CONTENT_FILTER}, {"BLOCKLIST", AILIB_FINISH_CONTENT_FILTER},
        {"PROHIBITED_CONTENT", AILIB_FINISH_CONTENT_FILTER}, {"SPII", AILIB_FINISH_CONTENT_FILTER},
        {"IMAGE_SAFETY", AILIB_FINISH_CONTENT_FILTER}, {"refusal", AILIB_FINISH_CONTENT_FILTER},
        {"guardrail_intervened", AILIB_FINISH_CONTENT_FILTER}, {"content_filtered", AILIB_FINISH_CONTENT_FILTER},
        {"error", AILIB_FINISH_ERROR}, {"ERROR", AILIB_FINISH_ERROR}, {"MALFORMED_FUNCTION_CALL", AILIB_FINISH_ERROR},
        {"failed", AILIB_FINISH_ERROR}
    };
    size_t i;
    if (!s || !n) return AILIB_FINISH_NONE;
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i].raw) == n && memcmp(map[i].raw, s, n) == 0) return map[i].f;
    return AILIB_FINISH_OTHER;
}

/* JSON helpers for adapters: key comparison and member iteration over the flat layout. */
static int ailib__key_is(const ailib_json *k, const char *lit, size_t n) {
    return AILIB__JLEN(k) == n && memcmp(k->u.s, lit, n) == 0;
}
#define AILIB__KEY(k, lit) ailib__key_is((k), (lit), sizeof(lit) - 1)
/* for (AILIB__MEMBERS(obj, k, n)) { value is k + 1 } */
#define AILIB__MEMBERS(obj, k, n) n = ailib_json_size(obj), k = ailib_json_first(obj); n; n--, k = ailib__json_skip((k) + 1)
#define AILIB__ELEMS(arr, e, n) n = ailib_json_size(arr), e = ailib_json_first(arr); n; n--, e = ailib__json_skip(e)

static int ailib__jstr_eq(const ailib_json *v, const char *lit) {
    size_t n = strlen(lit);
    return v && AILIB__JT(v) == AILIB_JSON_STRING && AILIB__JLEN(v) == n && memcmp(v->u.s, lit, n) == 0;
}

/* >>response ================================================================================= */

struct ailib_response {
    ailib__arena arena;
    const char *text; size_t text_len;
    const char *reasoning; size_t reasoning_len;
    ailib_tool_call *calls; size_t call_count;
    ailib_json_doc **arg_docs;
    ailib_part *parts;
    ailib_message message;
    ailib_finish_reason finish;
    const char *finish_raw, *model, *id, *request_id;
    ailib_usage usage;
    ailib_json_doc *raw_doc;
    ailib_json_doc *json_doc;       /* the structured answer, once ailib_response_json() read it */
    ailib_error error;
    int has_error;
    void **owned; size_t owned_count;   /* large buffers handed over by a finished stream, not
                                           copied (ailib_stream_take_response): freed here */
};

AILIB_API void ailib_response_destroy(ailib_response *r) {
    size_t i;
    ailib__arena arena;
    if (!r) return;
    for (i = 0; i < r->call_count; i++) ailib_json_doc_destroy(r->arg_docs[i]);
    ailib_json_doc_destroy(r->raw_doc);
    ailib_json_doc_destroy(r->json_doc);
    for (i = 0; i < r->owned_count; i++) ailib__free(&r->arena.alloc, r->owned[i]);
    arena = r->arena;          /* r itself lives in the arena */
    ailib__arena_free(&arena);
}

AILIB_API const char *ailib_response_text(const ailib_response *r, size_t *len) {
    if (len) *len = r ? r->text_len : 0;
    return r ? r->text : "";
}
AILIB_API const char *ailib_response_reasoning(const ailib_response *r, size_t *len) {
    if (len) *len = r ? r->reasoning_len : 0;
    return r ? r->reasoning : "";
}
AILIB_API size_t ailib_response_tool_call_count(const ailib_response *r) { return r ? r->call_count : 0; }
AILIB_API const ailib_tool_call *ailib_response_tool_call(const ailib_response *r, size_t i) {
    return (r && i < r->call_count) ? &r->calls[i] : NULL;
}
AILIB_API ailib_finish_reason ailib_response_finish_reason(const ailib_response *r) { return r ? r->finish : AILIB_FINISH_NONE; }
AILIB_API const char *ailib_response_finish_reason_raw(const ailib_response *r) { return r ? r->finish_raw : ""; }
AILIB_API const ailib_usage *ailib_response_usage(const ailib_response *r) { return r ? &r->usage : NULL; }
AILIB_API const char *ailib_response_model(const ailib_response *r) { return r ? r->model : ""; }
AILIB_API const char *ailib_response_id(const ailib_response *r) { return r ? r->id : ""; }
AILIB_API const char *ailib_response_request_id(const ailib_response *r) { return r ? r->request_id : ""; }
AILIB_API const ailib_message *ailib_response_message(const ailib_response *r) { return r ? &r->message : NULL; }
AILIB_API const ailib_json *ailib_response_raw(const ailib_response *r) { return r ? ailib_json_doc_root(r->raw_doc) : NULL; }
AILIB_API const ailib_error *ailib_response_error(const ailib_response *r) { return (r && r->has_error) ? &r->error : NULL; }

/* The name of the structured answer: the schema name, and the forced tool's name. */
static const char *ailib__so_name(const ailib_response_format *f) { return f->name && *f->name ? f->name : "response"; }

static const char *ailib__memmem(const char *h, size_t hn, const char *n, size_t nn) {
    size_t i;
    if (nn > hn) return NULL;
    for (i = 0; i + nn <= hn; i++) {
        const char *c = (const char *)memchr(h + i, n[0], hn - nn - i + 1);
        if (!c) return NULL;
        i = (size_t)(c - h);
        if (!memcmp(c, n, nn)) return c;
    }
    return NULL;
}

/* The JSON of a reply's text: as is, else inside a ``` fence, else from the first { or [ to
   the last } or ]. */
static ailib_result ailib__so_parse_text(const char *t, size_t n, const ailib_allocator *a, ailib_json_doc **d, ailib_error *e) {
    ailib_json_parse_options o;
    const char *open, *end;
    size_t i, j;
    ailib_result r;
    memset(&o, 0, sizeof o);
    o.allocator = a;
    while (n && isspace((unsigned char)*t)) { t++; n--; }
    while (n && isspace((unsigned char)t[n - 1])) n--;
    if ((r = ailib_json_parse(t, n, &o, d, e)) == AILIB_OK || r == AILIB_OUT_OF_MEMORY) return r;
    if ((open = ailib__memmem(t, n, "```", 3)) != NULL) {
        const char *body = (const char *)memchr(open, '\n', n - (size_t)(open - t));
        if (body) {
            body++;
            end = ailib__memmem(body, n - (size_t)(body - t), "```", 3);
            if (end && ailib_json_parse(body, (size_t)(end - body), &o, d, NULL) == AILIB_OK) return AILIB_OK;
        }
    }
    for (i = 0; i < n && t[i] != '{' && t[i] != '['; i++) {}
    for (j = n; j > i && t[j - 1] != '}' && t[j - 1] != ']'; j--) {}
    if (j > i && ailib_json_parse(t + i, j - i, &o, d, NULL) == AILIB_OK) return AILIB_OK;
    return r;
}

AILIB_API ailib_result ailib_response_json(ailib_response *r, const ailib_response_format *f, const ailib_json **value, ailib_error *err) {
    const char *src, *name;
    size_t n, i;
    ailib_allocator a = ailib__allocator(NULL);
    ailib_json_doc *sd = NULL;
    ailib_json_parse_options o;
    ailib_error e;
    ailib_result res;
    int from_tool = 0;
    if (value) *value = NULL;
    if (!r || !f) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_response_json: response and format are required");
    if (f->type != AILIB_FORMAT_JSON && f->type != AILIB_FORMAT_JSON_SCHEMA)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_response_json: format.type must be AILIB_FORMAT_JSON or AILIB_FORMAT_JSON_SCHEMA");
    if (f->type == AILIB_FORMAT_JSON_SCHEMA && (!f->schema || !*f->schema))
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "format.type is AILIB_FORMAT_JSON_SCHEMA but format.schema is not set");
    ailib_json_doc_destroy(r->json_doc);
    r->json_doc = NULL;
    src = r->text; n = r->text_len;
    name = ailib__so_name(f);
    for (i = 0; i < r->call_count; i++)
        if (r->calls[i].name_len == strlen(name) && !memcmp(r->calls[i].name, name, r->calls[i].name_len)) {
            src = r->calls[i].arguments; n = r->calls[i].arguments_len; from_tool = 1;
            break;
        }
    if (!from_tool && r->finish == AILIB_FINISH_CONTENT_FILTER)
        return ailib__fail(err, AILIB_CONTENT_FILTER, "the model refused or was filtered (finish reason '%s'): no JSON answer", r->finish_raw ? r->finish_raw : "");
    ailib_error_clear(&e);
    if (!from_tool && !n) {
        res = ailib__fail(err, AILIB_SCHEMA_MISMATCH, "the reply has no text%s: expected a JSON value",
                          r->call_count ? " (only tool calls)" : "");
        if (err) memcpy(err->json_path, "$", 2);
        return res;
    }
    res = ailib__so_parse_text(src ? src : "", n, &a, &r->json_doc, &e);
    if (res == AILIB_OUT_OF_MEMORY) return ailib__fail(err, res, "out of memory");
    if (res != AILIB_OK) {
        res = ailib__fail(err, AILIB_SCHEMA_MISMATCH, "the reply is not JSON (%s); it begins: %.60s", e.message, src ? src : "");
        if (err) memcpy(err->json_path, "$", 2);
        return res;
    }
    if (f->type == AILIB_FORMAT_JSON_SCHEMA) {
        memset(&o, 0, sizeof o);
        if (ailib_json_parse(f->schema, strlen(f->schema), &o, &sd, &e) != AILIB_OK)
            return ailib__fail(err, AILIB_INVALID_ARGUMENT, "format.schema is not valid JSON: %s", e.message);
        ailib_error_clear(&e);
        res = ailib_schema_validate(ailib_json_doc_root(sd), ailib_json_doc_root(r->json_doc), &e);
        ailib_json_doc_destroy(sd);
        if (res != AILIB_OK) {
            if (err) {
                ailib_error_clear(err);
                err->code = res == AILIB_INVALID_ARGUMENT && !strstr(e.message, "invalid schema: ") ? AILIB_SCHEMA_MISMATCH : res;
                {
                    static const char pre[] = "the reply does not match the schema: ";
                    size_t pl = err->code == AILIB_SCHEMA_MISMATCH ? sizeof pre - 1 : 0;
                    memcpy(err->message, pre, pl);
                    ailib__copy_trunc(err->message + pl, sizeof err->message - pl, e.message, strlen(e.message));
                }
                memcpy(err->json_path, e.json_path, sizeof err->json_path);
                res = err->code;
            } else if (res == AILIB_INVALID_ARGUMENT && !strstr(e.message, "invalid schema: ")) res = AILIB_SCHEMA_MISMATCH;
            ailib_json_doc_destroy(r->json_doc);
            r->json_doc = NULL;
            return res;
        }
    }
    if (value) *value = ailib_json_doc_root(r->json_doc);
    return AILIB_OK;
}

/* >>acc: the response accumulator =============================================================
   Adapters report what they read (text, reasoning, signatures, tool-call pieces, usage, finish,
   errors); the accumulator keeps the parts in order, emits normalized events and finally
   builds the response. Buffers are kept across resets: no allocation per chunk after warm-up.

   What it keeps is capped (ailib_stream_desc.max_response_bytes): every content byte (text,
   reasoning, tool-call ids, names and arguments, signatures, redacted data, raw provider
   blocks) counts, and each part (a text or thinking run, a tool call, a provider tool run)
   counts AILIB__PART_COST bytes more, so a flood of
   empty tool calls is bounded like a flood of text. The piece that would pass the cap is not
   kept, and from then on nothing is kept or emitted: the stream fails with AILIB_TOO_LARGE and
   the response holds what came before. */

#define AILIB__PART_COST 512
#define AILIB__SLOT_COST 32                   /* a stream's index -> call map entry */
#define AILIB__MAX_RESPONSE_DEFAULT ((size_t)64 << 20)
#define AILIB__MOVE_MIN ((size_t)64 << 10)    /* buffers this large are handed over, not copied */

typedef struct ailib__apart {
    ailib_part_type type;
    ailib__buf text, id, name, sig;
    ailib__buf raw;        /* the provider's JSON of the part, when it holds more than the fields */
    unsigned char closed;  /* later deltas start a new part */
    unsigned char ended;   /* tool call: END emitted */
    unsigned char is_error;
    unsigned char kind;    /* tool call: its ailib_call_kind */
} ailib__apart;

typedef struct ailib__acc {
    ailib_allocator alloc;
    ailib__apart *parts; size_t nparts, cap_parts;
    size_t *calls; size_t ncalls, cap_calls;      /* tool call number -> part index */
    size_t nended;                                /* calls [0, nended) are all ended */
    ailib_usage usage;
    ailib_finish_reason finish;
    ailib__buf finish_raw, model, id;
    ailib_error error;
    int has_error;
    ailib_event_callback cb;
    void *user;
    int stopped;           /* the callback asked to stop */
    int oom;
    uint64_t id_seed;      /* mixed into made-up call ids: a timestamp of the response, when it has one */
    size_t used, limit;    /* bytes charged so far, and the cap (kept across resets) */
    int too_large;         /* a piece would have passed the cap: nothing more is kept or emitted */
    uint32_t usage_reports;/* usage reports read so far (the completeness rule of >>stream) */
} ailib__acc;

static void ailib__acc_init(ailib__acc *a, const ailib_allocator *alloc) {
    memset(a, 0, sizeof *a);
    a->alloc = *alloc;
    a->limit = AILIB__MAX_RESPONSE_DEFAULT;
    ailib_error_clear(&a->error);
}

/* Counts n more bytes against the cap; 0 (and too_large) when they do not fit. */
static int ailib__acc_charge(ailib__acc *a, size_t n) {
    if (a->too_large) return 0;
    if (n > a->limit - a->used) { a->too_large = 1; return 0; }
    a->used += n;
    return 1;
}

static void ailib__acc_reset(ailib__acc *a) {
    a->nparts = 0;
    a->ncalls = a->nended = 0;
    memset(&a->usage, 0, sizeof a->usage);
    a->finish = AILIB_FINISH_NONE;
    a->finish_raw.len = a->model.len = a->id.len = 0;
    a->id_seed = 0;
    ailib_error_clear(&a->error);
    a->has_error = 0;
    a->stopped = 0;
    a->oom = 0;
    a->used = 0;
    a->too_large = 0;
    a->usage_reports = 0;
}

static void ailib__acc_deinit(ailib__acc *a) {
    size_t i;
    for (i = 0; i < a->cap_parts; i++) {
        ailib__free(&a->alloc, a->parts[i].text.p);
        ailib__free(&a->alloc, a->parts[i].id.p);
        ailib__free(&a->alloc, a->parts[i].name.p);
        ailib__free(&a->alloc, a->parts[i].sig.p);
        ailib__free(&a->alloc, a->parts[i].raw.p);
    }
    ailib__free(&a->alloc, a->parts);
    ailib__free(&a->alloc, a->calls);
    ailib__free(&a->alloc, a->finish_raw.p);
    ailib__free(&a->alloc, a->model.p);
    ailib__free(&a->alloc, a->id.p);
}

static void ailib__emit(ailib__acc *a, ailib_event *ev) {
    if (a->cb && !a->stopped && !a->too_large && a->cb(a->user, ev)) a->stopped = 1;
}

static void ailib__ev_init(ailib_event *ev, ailib_event_type t) {
    memset(ev, 0, sizeof *ev);
    ev->type = t;
}

static ailib__apart *ailib__acc_new_part(ailib__acc *a, ailib_part_type t) {
    ailib__apart *p;
    if (!ailib__acc_charge(a, AILIB__PART_COST)) return NULL;
    if (a->nparts == a->cap_parts) {
        /* the first array fits in 1 KiB, which C libraries serve from their fastest caches */
        size_t ncap = a->cap_parts ? a->cap_parts * 2 : 1024 / sizeof *a->parts;
        ailib__apart *np = (ailib__apart *)ailib__realloc(&a->alloc, a->parts, a->cap_parts * sizeof *np, ncap * sizeof *np);
        if (!np) { a->oom = 1; return NULL; }
        memset(np + a->cap_parts, 0, (ncap - a->cap_parts) * sizeof *np);
        a->parts = np;
        a->cap_parts = ncap;
    }
    p = &a->parts[a->nparts++];
    p->type = t;
    p->text.len = p->id.len = p->name.len = p->sig.len = p->raw.len = 0;
    p->closed = p->ended = p->is_error = p->kind = 0;
    return p;
}

static ailib__apart *ailib__acc_last(ailib__acc *a) { return a->nparts ? &a->parts[a->nparts - 1] : NULL; }

/* The open part of type t to append to, or a new one. */
static ailib__apart *ailib__acc_open(ailib__acc *a, ailib_part_type t) {
    ailib__apart *p = ailib__acc_last(a);
    if (p && p->type == t && !p->closed) return p;
    return ailib__acc_new_part(a, t);
}

static void ailib__acc_add(ailib__acc *a, ailib__buf *b, const char *s, size_t n) {
    if (ailib__acc_charge(a, n) && !ailib__buf_add(&a->alloc, b, s, n)) a->oom = 1;
}

/* Adds without charging: the few bytes a part's fixed cost covers ("{}", a made-up id). */
static void ailib__acc_put(ailib__acc *a, ailib__buf *b, const char *s, size_t n) {
    if (!ailib__buf_add(&a->alloc, b, s, n)) a->oom = 1;
}

static void ailib__acc_text(ailib__acc *a, const char *s, size_t n) {
    ailib__apart *p;
    ailib_event ev;
    if (!n) return;
    if (!(p = ailib__acc_open(a, AILIB_PART_TEXT))) return;
    ailib__acc_add(a, &p->text, s, n);
    ailib__ev_init(&ev, AILIB_EVENT_TEXT_DELTA);
    ev.text = s; ev.text_len = n;
    ailib__emit(a, &ev);
}

static void ailib__acc_reasoning(ailib__acc *a, const char *s, size_t n) {
    ailib__apart *p;
    ailib_event ev;
    if (!n) return;
    if (!(p = ailib__acc_open(a, AILIB_PART_THINKING))) return;
    ailib__acc_add(a, &p->text, s, n);
    ailib__ev_init(&ev, AILIB_EVENT_REASONING_DELTA);
    ev.text = s; ev.text_len = n;
    ailib__emit(a, &ev);
}

/* Attaches a provider signature to the current part of type t (a new, empty one when the
   current part is of another type, closed, or signed already). */
static void ailib__acc_signature(ailib__acc *a, ailib_part_type t, const char *s, size_t n) {
    ailib__apart *p = ailib__acc_last(a);
    if (!n) return;
    if (!p || p->type != t || p->closed || (p->sig.len && t != AILIB_PART_THINKING)) p = ailib__acc_new_part(a, t);
    if (p) ailib__acc_add(a, &p->sig, s, n);
}

static void ailib__acc_break(ailib__acc *a) {
    ailib__apart *p = ailib__acc_last(a);
    if (p && p->type != AILIB_PART_TOOL_CALL) p->closed = 1;
}

static void ailib__acc_redacted(ailib__acc *a, const char *s, size_t n) {
    ailib__apart *p = ailib__acc_new_part(a, AILIB_PART_REDACTED_THINKING);
    if (!p) return;
    ailib__acc_add(a, &p->text, s, n);
    p->closed = 1;
}

/* Opens tool call number ncalls; returns it, or (size_t)-1 when out of memory. */
static size_t ailib__acc_tool_begin(ailib__acc *a, const char *id, size_t idn, const char *name, size_t nn) {
    ailib__apart *p;
    ailib_event ev;
    ailib__acc_break(a);
    if (a->ncalls == a->cap_calls) {
        size_t ncap = a->cap_calls ? a->cap_calls * 2 : 8;
        size_t *nc = (size_t *)ailib__realloc(&a->alloc, a->calls, a->cap_calls * sizeof *nc, ncap * sizeof *nc);
        if (!nc) { a->oom = 1; return (size_t)-1; }
        a->calls = nc;
        a->cap_calls = ncap;
    }
    if (!(p = ailib__acc_new_part(a, AILIB_PART_TOOL_CALL))) return (size_t)-1;
    p->closed = 1;   /* text after a tool call starts a new part */
    if (idn) ailib__acc_add(a, &p->id, id, idn);
    if (nn) ailib__acc_add(a, &p->name, name, nn);
    a->calls[a->ncalls] = a->nparts - 1;
    ailib__ev_init(&ev, AILIB_EVENT_TOOL_CALL_BEGIN);
    ev.index = a->ncalls;
    ev.id = ailib__buf_str(&p->id); ev.id_len = p->id.len;
    ev.name = ailib__buf_str(&p->name); ev.name_len = p->name.len;
    ailib__emit(a, &ev);
    return a->ncalls++;
}

static ailib__apart *ailib__acc_call(ailib__acc *a, size_t slot) {
    return slot < a->ncalls ? &a->parts[a->calls[slot]] : NULL;
}

/* Fills id / name of a call only where still empty: continuation deltas that repeat "" (or a
   different value) never overwrite what the first delta said. */
static void ailib__acc_tool_ident(ailib__acc *a, size_t slot, const char *id, size_t idn, const char *name, size_t nn) {
    ailib__apart *p = ailib__acc_call(a, slot);
    if (!p) return;
    if (idn && !p->id.len) ailib__acc_add(a, &p->id, id, idn);
    if (nn && !p->name.len) ailib__acc_add(a, &p->name, name, nn);
}

static void ailib__acc_tool_args(ailib__acc *a, size_t slot, const char *s, size_t n) {
    ailib__apart *p = ailib__acc_call(a, slot);
    ailib_event ev;
    if (!p || !n) return;
    ailib__acc_add(a, &p->text, s, n);
    ailib__ev_init(&ev, AILIB_EVENT_TOOL_CALL_DELTA);
    ev.index = slot;
    ev.text = s; ev.text_len = n;
    ev.id = ailib__buf_str(&p->id); ev.id_len = p->id.len;
    ev.name = ailib__buf_str(&p->name); ev.name_len = p->name.len;
    ailib__emit(a, &ev);
}

/* The arguments call `slot` holds, as one delta event: input that arrived whole (Anthropic's
   content_block_start.input with no input_json_delta after it). */
static void ailib__acc_tool_args_event(ailib__acc *a, size_t slot) {
    ailib__apart *p = ailib__acc_call(a, slot);
    ailib_event ev;
    if (!p || !p->text.len) return;
    ailib__ev_init(&ev, AILIB_EVENT_TOOL_CALL_DELTA);
    ev.index = slot;
    ev.text = p->text.p; ev.text_len = p->text.len;
    ev.id = ailib__buf_str(&p->id); ev.id_len = p->id.len;
    ev.name = ailib__buf_str(&p->name); ev.name_len = p->name.len;
    ailib__emit(a, &ev);
}

/* Appends v as compact JSON text to b (charged like any content). skip, when not NULL, names
   a top-level member left out. */
static void ailib__acc_json(ailib__acc *a, ailib__buf *b, const ailib_json *v, const char *skip) {
    ailib_json_writer w;
    const ailib_json *k;
    size_t n;
    ailib_json_writer_init(&w, &a->alloc);
    if (skip && ailib_json_is_object(v)) {
        ailib_json_write_object_begin(&w);
        for (AILIB__MEMBERS(v, k, n)) {
            if (AILIB__JLEN(k) == strlen(skip) && !memcmp(k->u.s, skip, AILIB__JLEN(k))) continue;
            ailib_json_write_keyn(&w, k->u.s, AILIB__JLEN(k));
            ailib_json_write_value(&w, k + 1);
        }
        ailib_json_write_object_end(&w);
    } else ailib_json_write_value(&w, v);
    if (ailib_json_writer_finish(&w) == AILIB_OK) ailib__acc_add(a, b, w.buf, w.len);
    else a->oom = 1;
    ailib_json_writer_deinit(&w);
}

/* FNV-1a, 64 bits: stable short names for ids (not a security hash). */
static uint64_t ailib__fnv(uint64_t h, const void *data, size_t n) {
    const unsigned char *d = (const unsigned char *)data;
    size_t i;
    for (i = 0; i < n; i++) { h ^= d[i]; h *= 1099511628211ull; }
    return h;
}
#define AILIB__FNV_INIT 14695981039346656037ull

/* A call the provider gave no id (Gemini, Ollama) gets one: "ailib_" + 16 hex digits hashed
   from the response id (Gemini) or timestamp (Ollama), model, name, arguments and number, so
   results can name it and protocols that require ids can take the conversation. The same
   body always gives the same ids. */
static void ailib__acc_synth_id(ailib__acc *a, ailib__apart *p, size_t slot) {
    char id[24];
    uint64_t h = AILIB__FNV_INIT;
    h = ailib__fnv(h, &a->id_seed, sizeof a->id_seed);
    h = ailib__fnv(h, a->id.p ? a->id.p : "", a->id.len);
    h = ailib__fnv(h, a->model.p ? a->model.p : "", a->model.len);
    h = ailib__fnv(h, p->name.p ? p->name.p : "", p->name.len);
    h = ailib__fnv(h, p->text.p ? p->text.p : "", p->text.len);
    h = ailib__fnv(h, &slot, sizeof slot);
    snprintf(id, sizeof id, "ailib_%08lx%08lx", (unsigned long)(h >> 32), (unsigned long)(h & 0xffffffffu));
    ailib__acc_put(a, &p->id, id, 22);
}

/* A provider signature on tool call `slot` itself (Gemini's thoughtSignature on a
   functionCall part); the first one wins. */
static void ailib__acc_call_signature(ailib__acc *a, size_t slot, const char *s, size_t n) {
    ailib__apart *p = ailib__acc_call(a, slot);
    if (p && n && !p->sig.len) ailib__acc_add(a, &p->sig, s, n);
}

/* The kind of call `slot` asks for (a client action of the Responses API). */
static void ailib__acc_tool_kind(ailib__acc *a, size_t slot, ailib_call_kind kind) {
    ailib__apart *p = ailib__acc_call(a, slot);
    if (p) p->kind = (unsigned char)kind;
}

/* The provider's own JSON of part p (a block or item kept to be sent back as it came). */
static void ailib__acc_raw(ailib__acc *a, ailib__apart *p, const char *s, size_t n) {
    if (p) { p->raw.len = 0; ailib__acc_add(a, &p->raw, s, n); }
}

/* Provider-run tools: parts of their own, in order, never calls (the caller has nothing to
   run, and the finish reason stays the provider's). A call part gets its input as text; a
   result part its content. Returns the new part's index, or (size_t)-1. */
static size_t ailib__acc_ptool(ailib__acc *a, ailib_part_type t, const char *id, size_t idn, const char *name, size_t nn) {
    ailib__apart *p;
    ailib__acc_break(a);
    if (!(p = ailib__acc_new_part(a, t))) return (size_t)-1;
    p->closed = 1;
    if (idn) ailib__acc_add(a, &p->id, id, idn);
    if (nn) ailib__acc_add(a, &p->name, name, nn);
    return a->nparts - 1;
}

/* A provider tool part is complete: "{}" for an input that never came, and its event. */
static void ailib__acc_ptool_done(ailib__acc *a, size_t part) {
    ailib__apart *p = part < a->nparts ? &a->parts[part] : NULL;
    ailib_event ev;
    if (!p || p->ended) return;
    p->ended = 1;
    if (!p->text.len && p->type == AILIB_PART_PROVIDER_TOOL_CALL) ailib__acc_put(a, &p->text, "{}", 2);
    ailib__ev_init(&ev, p->type == AILIB_PART_PROVIDER_TOOL_CALL ? AILIB_EVENT_PROVIDER_TOOL_CALL : AILIB_EVENT_PROVIDER_TOOL_RESULT);
    ev.id = ailib__buf_str(&p->id); ev.id_len = p->id.len;
    ev.name = ailib__buf_str(&p->name); ev.name_len = p->name.len;
    ev.text = ailib__buf_str(&p->text); ev.text_len = p->text.len;
    ailib__emit(a, &ev);
}

static void ailib__acc_tool_end(ailib__acc *a, size_t slot) {
    ailib__apart *p = ailib__acc_call(a, slot);
    ailib_event ev;
    if (!p || p->ended) return;
    p->ended = 1;
    if (!p->text.len && p->kind != AILIB_CALL_CUSTOM) ailib__acc_put(a, &p->text, "{}", 2);   /* empty arguments mean {} */
    if (!p->id.len) ailib__acc_synth_id(a, p, slot);
    ailib__ev_init(&ev, AILIB_EVENT_TOOL_CALL_END);
    ev.index = slot;
    ev.id = ailib__buf_str(&p->id); ev.id_len = p->id.len;
    ev.name = ailib__buf_str(&p->name); ev.name_len = p->name.len;
    ev.text = ailib__buf_str(&p->text); ev.text_len = p->text.len;
    ailib__emit(a, &ev);
}

/* Ends every open call; calls ended before are not visited again (a stream may say "finish"
   many times after many calls: linear, not calls x finishes). */
static void ailib__acc_tool_end_all(ailib__acc *a) {
    for (; a->nended < a->ncalls; a->nended++) ailib__acc_tool_end(a, a->nended);
}

static void ailib__acc_usage_emit(ailib__acc *a) {
    ailib_event ev;
    ailib_usage *u = &a->usage;
    u->total_tokens = ailib__sat_add(u->input_tokens, u->output_tokens);
    if (u->reported & (AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT)) u->reported |= AILIB_USAGE_TOTAL;
    a->usage_reports++;
    ailib__ev_init(&ev, AILIB_EVENT_USAGE);
    ev.usage = u;
    ailib__emit(a, &ev);
}

/* The finish reason. exact: the protocol's reason already says whether tools are to run
   (Anthropic: end_turn after calls its own code made and had answered is not "run tools"). */
static void ailib__acc_finish_as(ailib__acc *a, const char *raw, size_t n, int exact) {
    ailib_event ev;
    ailib_finish_reason f = ailib__map_finish(raw, n);
    if (f == AILIB_FINISH_NONE || a->too_large) return;   /* a capped answer did not finish */
    ailib__acc_tool_end_all(a);
    /* Gemini and Ollama say "stop" after calling tools; the caller's question is "run tools?" */
    if (f == AILIB_FINISH_STOP && a->ncalls && !exact) f = AILIB_FINISH_TOOL_CALLS;
    a->finish = f;
    if (!ailib__buf_set(&a->alloc, &a->finish_raw, raw, n)) a->oom = 1;
    ailib__ev_init(&ev, AILIB_EVENT_FINISH);
    ev.finish_reason = f;
    ev.finish_raw = ailib__buf_str(&a->finish_raw);
    ailib__emit(a, &ev);
}

static void ailib__acc_finish(ailib__acc *a, const char *raw, size_t n) { ailib__acc_finish_as(a, raw, n, 0); }

static void ailib__acc_set_once(ailib__acc *a, ailib__buf *b, const char *s, size_t n) {
    if (!b->len && n && !ailib__buf_set(&a->alloc, b, s, n)) a->oom = 1;
}

static void ailib__acc_error(ailib__acc *a, const ailib_error *e) {
    ailib_event ev;
    if (a->has_error) return;
    a->error = *e;
    a->has_error = 1;
    ailib__ev_init(&ev, AILIB_EVENT_ERROR);
    ev.error = &a->error;
    ailib__emit(a, &ev);
}

/* A buffer of the accumulator handed to a response (which frees it): trimmed to its length
   where the allocator can, and emptied here, so the stream grows a new one for its next body. */
static char *ailib__acc_hand_over(ailib__acc *a, ailib__buf *b) {
    char *p = b->p;
    if (b->cap > b->len + 1) {
        char *q = (char *)ailib__realloc(&a->alloc, p, b->cap, b->len + 1);
        if (q) p = q;
    }
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

/* One part string of the response: handed over when move is set and the buffer is large,
   else copied into the arena. */
static const char *ailib__acc_out_str(ailib__acc *a, ailib__arena *arena, ailib__buf *b, int move, ailib_response *r) {
    char *p;
    if (!move || b->len < AILIB__MOVE_MIN) return ailib__arena_strn(arena, b->p, b->len);
    p = ailib__acc_hand_over(a, b);
    r->owned[r->owned_count++] = p;
    return p;
}

/* Builds the response from the accumulated parts. Strings are copied into its arena, except
   with move set (the stream is done with them: ailib_stream_take_response), where buffers of
   AILIB__MOVE_MIN bytes or more are handed over instead, so a large answer is never held twice;
   small ones stay with the stream, warm for its next body. The response's text is its one text
   part when it has only one (the usual case), not a concatenated copy; reasoning likewise.
   model is reported when the body named none (the requested model), NULL for none. */
static ailib_result ailib__acc_build(ailib__acc *a, int origin, const char *model, int move, ailib_response **out,
                                     ailib_error *err) {
    ailib__arena arena;
    ailib_response *r;
    size_t i, tl = 0, rl = 0, ci = 0, nt = 0, nr = 0, nmove = 0;
    char *tp = NULL, *rp = NULL;
    arena.alloc = a->alloc;
    arena.head = NULL;
    *out = NULL;
    if (a->oom) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory while reading the response");
    r = (ailib_response *)ailib__arena_alloc(&arena, sizeof *r);
    if (!r) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    memset(r, 0, sizeof *r);
    for (i = 0; i < a->nparts; i++) {
        const ailib__apart *s = &a->parts[i];
        if (s->type == AILIB_PART_TEXT) { tl += s->text.len; nt++; }
        else if (s->type == AILIB_PART_THINKING) { rl += s->text.len; nr++; }
        if (move) nmove += (size_t)(s->text.len >= AILIB__MOVE_MIN) + (size_t)(s->sig.len >= AILIB__MOVE_MIN) +
                           (size_t)(s->raw.len >= AILIB__MOVE_MIN);
    }
    if (nt != 1 && !(tp = (char *)ailib__arena_alloc(&arena, tl + 1))) goto oom;
    if (nr != 1 && !(rp = (char *)ailib__arena_alloc(&arena, rl + 1))) goto oom;
    r->parts = (ailib_part *)ailib__arena_alloc(&arena, (a->nparts + 1) * sizeof *r->parts);
    r->calls = (ailib_tool_call *)ailib__arena_alloc(&arena, (a->ncalls + 1) * sizeof *r->calls);
    r->arg_docs = (ailib_json_doc **)ailib__arena_alloc(&arena, (a->ncalls + 1) * sizeof *r->arg_docs);
    r->owned = (void **)ailib__arena_alloc(&arena, (nmove + 1) * sizeof *r->owned);
    if (!r->parts || !r->calls || !r->arg_docs || !r->owned) goto oom;
    memset(r->calls, 0, (a->ncalls + 1) * sizeof *r->calls);
    memset(r->arg_docs, 0, (a->ncalls + 1) * sizeof *r->arg_docs);
    r->text = tp; r->reasoning = rp;
    for (i = 0; i < a->nparts; i++) {
        ailib__apart *s = &a->parts[i];
        ailib_part *d = &r->parts[i];
        memset(d, 0, sizeof *d);
        d->type = s->type;
        d->is_error = s->is_error;
        d->origin = origin;
        d->call_kind = (ailib_call_kind)s->kind;
        d->text_len = s->text.len;
        d->id_len = s->id.len;
        d->name_len = s->name.len;
        d->signature_len = s->sig.len;
        if (!(d->text = ailib__acc_out_str(a, &arena, &s->text, move, r))) goto oom;
        if (s->id.len && !(d->id = ailib__arena_strn(&arena, s->id.p, s->id.len))) goto oom;
        if (s->name.len && !(d->name = ailib__arena_strn(&arena, s->name.p, s->name.len))) goto oom;
        if (d->signature_len && !(d->signature = ailib__acc_out_str(a, &arena, &s->sig, move, r))) goto oom;
        if ((d->raw_len = s->raw.len) != 0 && !(d->raw = ailib__acc_out_str(a, &arena, &s->raw, move, r))) goto oom;
        if (d->type == AILIB_PART_TEXT) {
            if (!tp) r->text = d->text;
            else if (d->text_len) { memcpy(tp, d->text, d->text_len); tp += d->text_len; }
        } else if (d->type == AILIB_PART_THINKING) {
            if (!rp) r->reasoning = d->text;
            else if (d->text_len) { memcpy(rp, d->text, d->text_len); rp += d->text_len; }
        } else if (d->type == AILIB_PART_TOOL_CALL) {
            ailib_tool_call *c = &r->calls[ci];
            ailib_json_parse_options o;
            if (!d->text_len && d->call_kind != AILIB_CALL_CUSTOM) { d->text = "{}"; d->text_len = 2; }
            c->id = d->id ? d->id : ""; c->id_len = d->id_len;
            c->name = d->name ? d->name : ""; c->name_len = d->name_len;
            c->arguments = d->text; c->arguments_len = d->text_len;
            c->signature = d->signature; c->signature_len = d->signature_len;
            c->kind = d->call_kind;
            memset(&o, 0, sizeof o);
            o.allocator = &a->alloc;
            /* a custom tool's input is free text: not JSON, and no error for it */
            if (d->call_kind != AILIB_CALL_CUSTOM) c->args_error = ailib_json_parse(d->text, d->text_len, &o, &r->arg_docs[ci], NULL);
            c->args = ailib_json_doc_root(r->arg_docs[ci]);
            ci++;
        }
    }
    if (tp) *tp = 0;
    if (rp) *rp = 0;
    r->text_len = tl; r->reasoning_len = rl;
    r->call_count = ci;
    r->message.role = AILIB_ROLE_ASSISTANT;
    r->message.parts = r->parts;
    r->message.part_count = a->nparts;
    r->finish = a->finish;
    r->usage = a->usage;
    if (!a->model.len && model) r->model = ailib__arena_strn(&arena, model, strlen(model));
    else r->model = ailib__arena_strn(&arena, a->model.p, a->model.len);
    if (!r->model) goto oom;
    if (!(r->finish_raw = ailib__arena_strn(&arena, a->finish_raw.p, a->finish_raw.len))) goto oom;
    if (!(r->id = ailib__arena_strn(&arena, a->id.p, a->id.len))) goto oom;
    if (a->has_error) { r->error = a->error; r->has_error = 1; }
    else ailib_error_clear(&r->error);
    r->request_id = r->error.request_id;
    r->arena = arena;
    *out = r;
    return AILIB_OK;
oom:
    r->call_count = ci;
    for (i = 0; i < ci; i++) ailib_json_doc_destroy(r->arg_docs[i]);
    for (i = 0; r->owned && i < r->owned_count; i++) ailib__free(&arena.alloc, r->owned[i]);
    ailib__arena_free(&arena);
    return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
}

/* >>errors: HTTP status and provider error bodies ============================================= */

/* --- secrets: what never leaves through a message or a log line ------------------------------ */

static int ailib__ieq(const char *a, size_t n, const char *lit) {
    size_t i;
    for (i = 0; i < n; i++) if (!lit[i] || tolower((unsigned char)a[i]) != lit[i]) return 0;
    return lit[n] == 0;
}

/* 1 when a query parameter's name suggests a credential (key=, api_key=, access_token=,
   sig=, ...): its value is not shown. */
static int ailib__secret_param(const char *name, size_t n) {
    static const char *const words[] = { "key", "token", "sig", "secret", "pass", "auth", "credential" };
    size_t i, j, w;
    for (w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t wl = strlen(words[w]);
        for (i = 0; i + wl <= n; i++) {
            for (j = 0; j < wl && tolower((unsigned char)name[i + j]) == words[w][j]; j++) {}
            if (j == wl) return 1;
        }
    }
    return ailib__ieq(name, n, "code");
}

/* Appends n bytes to dst (capacity cap, length *o), cutting at the capacity. */
static void ailib__put(char *dst, size_t cap, size_t *o, const char *s, size_t n) {
    if (*o + 1 >= cap) return;
    if (n > cap - 1 - *o) n = cap - 1 - *o;
    memcpy(dst + *o, s, n);
    *o += n;
    dst[*o] = 0;
}

/* Copies url into dst (cap bytes) for a message or a log line: userinfo (user:password@) and
   the values of credential-like query parameters become "***". */
static void ailib__url_redact(char *dst, size_t cap, const char *url) {
    const char *p, *auth, *at, *q, *end = url + strlen(url);
    size_t o = 0;
    if (!cap) return;
    dst[0] = 0;
    auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    for (at = auth; at < end && *at != '/' && *at != '?' && *at != '#' && *at != '@'; at++) {}
    ailib__put(dst, cap, &o, url, (size_t)(auth - url));
    if (at < end && *at == '@') { ailib__put(dst, cap, &o, "***", 3); p = at; }
    else p = auth;
    q = (const char *)memchr(p, '?', (size_t)(end - p));
    if (!q) { ailib__put(dst, cap, &o, p, (size_t)(end - p)); return; }
    ailib__put(dst, cap, &o, p, (size_t)(q - p) + 1);
    p = q + 1;
    while (p < end && *p != '#') {
        const char *amp = p, *eq;
        while (amp < end && *amp != '&' && *amp != '#') amp++;
        eq = (const char *)memchr(p, '=', (size_t)(amp - p));
        if (eq && ailib__secret_param(p, (size_t)(eq - p))) {
            ailib__put(dst, cap, &o, p, (size_t)(eq - p) + 1);
            ailib__put(dst, cap, &o, "***", 3);
        } else ailib__put(dst, cap, &o, p, (size_t)(amp - p));
        p = amp;
        if (p < end && *p == '&') { ailib__put(dst, cap, &o, "&", 1); p++; }
    }
    ailib__put(dst, cap, &o, p, (size_t)(end - p));
}

/* Replaces every occurrence of the secret in text (NUL-terminated, in place) by "***", and
   every run of 10 or more bytes that matches the secret's start (a server that echoes part of
   a key). Secrets shorter than 10 bytes are only replaced whole. */
static void ailib__redact_secret(char *text, const char *secret) {
    size_t sl, min, i, o = 0, tl;
    if (!text || !secret || (sl = strlen(secret)) < 4) return;   /* shorter: nothing sensible to find */
    min = sl < 10 ? sl : 10;
    tl = strlen(text);
    for (i = 0; i < tl;) {
        size_t k = 0;
        while (i + k < tl && k < sl && text[i + k] == secret[k]) k++;
        if (k >= min) {
            memcpy(text + o, "***", 3);
            o += 3;
            i += k;
            continue;
        }
        text[o++] = text[i++];
    }
    text[o] = 0;
}

/* Every text field of an error, with the secret taken out. */
static void ailib__redact_error(ailib_error *e, const char *secret) {
    if (!e || !secret || !*secret) return;
    ailib__redact_secret(e->message, secret);
    ailib__redact_secret(e->provider_type, secret);
    ailib__redact_secret(e->provider_code, secret);
    ailib__redact_secret(e->provider_message, secret);
    ailib__redact_secret(e->request_id, secret);
    ailib__redact_secret(e->json_path, secret);
}

/* The code and retryability of an HTTP status. */
static ailib_result ailib__status_code(int status, int *retryable) {
    *retryable = 0;
    if (status == 400 || status == 422) return AILIB_INVALID_REQUEST;
    if (status == 401 || status == 403) return AILIB_AUTH;
    if (status == 402) return AILIB_QUOTA_EXCEEDED;
    if (status == 404) return AILIB_NOT_FOUND;
    if (status == 408 || status == 504) { *retryable = 1; return AILIB_TIMEOUT; }
    if (status == 413) return AILIB_TOO_LARGE;
    if (status == 409 || status == 425 || status == 429) { *retryable = 1; return AILIB_RATE_LIMITED; }
    if (status == 503 || status == 529) { *retryable = 1; return AILIB_OVERLOADED; }
    if (status >= 500 && status <= 599) { *retryable = 1; return AILIB_SERVER; }
    if (status >= 400 && status <= 499) return AILIB_INVALID_REQUEST;
    return AILIB_PROVIDER;
}

/* The code of a provider error type/code string (for errors with no HTTP status: in-stream
   errors after a 200). AILIB_PROVIDER when unknown. */
static ailib_result ailib__type_code(const char *t, int *retryable) {
    static const struct { const char *s; ailib_result r; int retry; } map[] = {
        {"overloaded_error", AILIB_OVERLOADED, 1}, {"overloaded", AILIB_OVERLOADED, 1}, {"UNAVAILABLE", AILIB_OVERLOADED, 1},
        {"rate_limit_error", AILIB_RATE_LIMITED, 1}, {"rate_limit_exceeded", AILIB_RATE_LIMITED, 1},
        {"RESOURCE_EXHAUSTED", AILIB_RATE_LIMITED, 1}, {"too_many_requests", AILIB_RATE_LIMITED, 1},
        {"insufficient_quota", AILIB_QUOTA_EXCEEDED, 0}, {"billing_error", AILIB_QUOTA_EXCEEDED, 0},
        {"enforced_spend_limit_reached", AILIB_QUOTA_EXCEEDED, 0},
        {"invalid_request_error", AILIB_INVALID_REQUEST, 0}, {"INVALID_ARGUMENT", AILIB_INVALID_REQUEST, 0},
        {"FAILED_PRECONDITION", AILIB_INVALID_REQUEST, 0}, {"tool_use_failed", AILIB_INVALID_REQUEST, 0},
        {"unsupported_parameter", AILIB_INVALID_REQUEST, 0}, {"invalid_parameter_error", AILIB_INVALID_REQUEST, 0},
        {"authentication_error", AILIB_AUTH, 0}, {"permission_error", AILIB_AUTH, 0},
        {"invalid_api_key", AILIB_AUTH, 0}, {"PERMISSION_DENIED", AILIB_AUTH, 0}, {"UNAUTHENTICATED", AILIB_AUTH, 0},
        {"not_found_error", AILIB_NOT_FOUND, 0}, {"model_not_found", AILIB_NOT_FOUND, 0}, {"NOT_FOUND", AILIB_NOT_FOUND, 0},
        {"api_error", AILIB_SERVER, 1}, {"server_error", AILIB_SERVER, 1}, {"INTERNAL", AILIB_SERVER, 1},
        {"timeout_error", AILIB_TIMEOUT, 1}, {"DEADLINE_EXCEEDED", AILIB_TIMEOUT, 1},
        {"request_too_large", AILIB_TOO_LARGE, 0}, {"content_filter", AILIB_CONTENT_FILTER, 0},
        /* AWS (Bedrock): the x-amzn-ErrorType header or the event-stream exception names */
        {"ThrottlingException", AILIB_RATE_LIMITED, 1}, {"ServiceUnavailableException", AILIB_OVERLOADED, 1},
        {"ModelNotReadyException", AILIB_OVERLOADED, 1}, {"ModelTimeoutException", AILIB_TIMEOUT, 1},
        {"InternalServerException", AILIB_SERVER, 1}, {"ModelStreamErrorException", AILIB_SERVER, 1},
        {"ValidationException", AILIB_INVALID_REQUEST, 0}, {"AccessDeniedException", AILIB_AUTH, 0},
        {"UnrecognizedClientException", AILIB_AUTH, 0}, {"ResourceNotFoundException", AILIB_NOT_FOUND, 0},
        {"ServiceQuotaExceededException", AILIB_QUOTA_EXCEEDED, 0}, {"ModelErrorException", AILIB_PROVIDER, 0}
    };
    size_t i;
    *retryable = 0;
    if (!t || !*t) return AILIB_PROVIDER;
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].s, t) == 0) { *retryable = map[i].retry; return map[i].r; }
    return AILIB_PROVIDER;
}

/* "34.4s" / "2s" / "1.5" (seconds) -> milliseconds; -1 when unreadable. */
static int64_t ailib__seconds_ms(const char *s, size_t n) {
    double v = 0, scale = 1;
    size_t i = 0;
    int digits = 0, frac = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            digits = 1;
            if (frac) { scale /= 10; v += (c - '0') * scale; }
            else v = v * 10 + (c - '0');
        } else if (c == '.' && !frac) frac = 1;
        else if (c == 's' && i == n - 1) break;
        else return -1;
    }
    if (!digits) return -1;
    return v > 4398046511.0 ? (int64_t)1 << 42 : (int64_t)(v * 1000 + 0.5);   /* clamped like every hint (2^42 ms) */
}

/* Copies a JSON scalar as text (strings as is, numbers formatted). */
static void ailib__scalar_text(const ailib_json *v, char *dst, size_t cap) {
    size_t n;
    const char *s = ailib_json_str(v, &n);
    if (s) { ailib__copy_trunc(dst, cap, s, n); return; }
    if (v && AILIB__JT(v) == AILIB_JSON_INT) {
        char b[24];
        n = ailib__fmt_i64(b, v->u.i);
        ailib__copy_trunc(dst, cap, b, n);
    }
}

/* Reads the provider's error fields from any known error shape:
   {"error":{"message","type","code","status","param","details",...}}, {"error":"text"},
   {"type":"error","error":{...},"request_id"}, {"message","type","code"} (Mistral, Cohere),
   a top-level "code"/"msg" pair (body-code dialects). Returns 1 when something was found. */
static int ailib__error_fields(const ailib_json *root, ailib_error *e) {
    const ailib_json *eo = ailib_json_get(root, "error"), *src = NULL, *v;
    int found = 0;
    size_t n;
    const char *s;
    if (!ailib_json_is_object(root)) return 0;
    if (ailib_json_is_object(eo)) src = eo;
    else if ((s = ailib_json_str(eo, &n)) != NULL) {
        ailib__copy_trunc(e->provider_message, sizeof e->provider_message, s, n);
        found = 1;
    } else src = root;
    if (src) {
        v = ailib_json_get(src, "message");
        if (!v) v = ailib_json_get(src, "msg");
        if ((s = ailib_json_str(v, &n)) != NULL) { ailib__copy_trunc(e->provider_message, sizeof e->provider_message, s, n); found = 1; }
        else if (ailib_json_is_object(v) || ailib_json_is_array(v)) {
            /* Mistral 422: "message" is an object; keep it as compact JSON text */
            ailib_json_writer w;
            ailib_json_writer_init(&w, NULL);
            ailib_json_write_value(&w, v);
            if (ailib_json_writer_finish(&w) == AILIB_OK) ailib__copy_trunc(e->provider_message, sizeof e->provider_message, w.buf, w.len);
            ailib_json_writer_deinit(&w);
            found = 1;
        }
        v = ailib_json_get(src, "status");   /* Gemini: "RESOURCE_EXHAUSTED" */
        if (ailib_json_is_string(v)) { ailib__scalar_text(v, e->provider_type, sizeof e->provider_type); found = 1; }
        v = ailib_json_get(src, "type");
        if (ailib_json_is_string(v) && !(src == root && ailib__jstr_eq(v, "error"))) {
            ailib__scalar_text(v, e->provider_type, sizeof e->provider_type); found = 1;
        }
        v = ailib_json_get(src, "code");
        if (v && !ailib_json_is_null(v)) { ailib__scalar_text(v, e->provider_code, sizeof e->provider_code); found = 1; }
        if (src == eo) {
            /* Anthropic: error.details.error_code; Gemini: details[] with RetryInfo */
            const ailib_json *det = ailib_json_get(src, "details"), *d;
            if (ailib_json_is_object(det) && (s = ailib_json_str(ailib_json_get(det, "error_code"), &n)) != NULL)
                ailib__copy_trunc(e->provider_code, sizeof e->provider_code, s, n);
            for (AILIB__ELEMS(det, d, n)) {
                size_t tl;
                const char *t = ailib_json_str(ailib_json_get(d, "@type"), &tl);
                if (t && tl >= 9 && memcmp(t + tl - 9, "RetryInfo", 9) == 0) {
                    size_t dl;
                    const char *dv = ailib_json_str(ailib_json_get(d, "retryDelay"), &dl);
                    if (dv) e->retry_after_ms = ailib__seconds_ms(dv, dl);
                }
            }
        }
    }
    v = ailib_json_get(root, "request_id");
    if ((s = ailib_json_str(v, &n)) != NULL) ailib__copy_trunc(e->request_id, sizeof e->request_id, s, n);
    return found;
}

/* "<what the code means> (HTTP n): <the provider's message>" */
static void ailib__error_message(ailib_error *e, int status) {
    size_t ml;
    if (status) snprintf(e->message, sizeof e->message, "%s (HTTP %d)", ailib_result_string(e->code), status);
    else snprintf(e->message, sizeof e->message, "%s", ailib_result_string(e->code));
    ml = strlen(e->message);
    if (e->provider_message[0] && ml + 2 < sizeof e->message) {
        memcpy(e->message + ml, ": ", 3);
        ailib__copy_trunc(e->message + ml + 2, sizeof e->message - ml - 2, e->provider_message, strlen(e->provider_message));
    } else if (status && ml + 32 < sizeof e->message) {
        memcpy(e->message + ml, " with no error message in the body", 35);
    }
}

/* Fills err for an error body (any status, any content); returns the code. status 0 means an
   in-stream error: the code then comes from the provider's type/code strings. */
static ailib_result ailib__error_from_body(int status, const ailib_json *root, const char *body, size_t len,
                                           ailib_error *e) {
    int retry = 0, r2 = 0;
    ailib_result code, tc;
    ailib_error_clear(e);
    e->http_status = status;
    if (root) ailib__error_fields(root, e);
    else if (body && len) {
        /* not JSON (proxies, HTML error pages): keep a printable prefix as the message */
        size_t i, n = len < sizeof e->provider_message - 1 ? len : sizeof e->provider_message - 1;
        ailib__copy_trunc(e->provider_message, sizeof e->provider_message, body, n);
        for (i = 0; e->provider_message[i]; i++)
            if ((unsigned char)e->provider_message[i] < 0x20) e->provider_message[i] = ' ';
    }
    if (status) code = ailib__status_code(status, &retry);
    else {
        /* in-stream: a status inside the body (Groq status_code, OpenRouter numeric code) helps */
        const ailib_json *eo = ailib_json_get(root, "error"), *cv = ailib_json_get(eo, "code");
        int64_t sc = ailib_json_int(ailib_json_get(eo, "status_code"));
        if (!sc && ailib_json_type_of(cv) == AILIB_JSON_INT) sc = ailib_json_int(cv);
        code = (sc >= 400 && sc <= 599) ? ailib__status_code((int)sc, &retry) : AILIB_PROVIDER;
    }
    /* a precise type/code beats the status where they disagree on meaning */
    tc = ailib__type_code(e->provider_code, &r2);
    if (tc == AILIB_PROVIDER || tc == AILIB_INVALID_REQUEST) tc = ailib__type_code(e->provider_type, &r2);
    if (tc == AILIB_QUOTA_EXCEEDED || tc == AILIB_CONTENT_FILTER || code == AILIB_PROVIDER ||
        (code == AILIB_INVALID_REQUEST && tc != AILIB_PROVIDER && tc != AILIB_INVALID_REQUEST && !status)) {
        if (tc != AILIB_PROVIDER) { code = tc; retry = r2; }
    }
    e->code = code;
    e->retryable = retry;
    ailib__error_message(e, status);
    return code;
}

/* An error type named outside the body (AWS's x-amzn-ErrorType header) where the body named
   none: it goes into provider_type and, when ailib knows it, decides the code. */
static void ailib__error_retype(ailib_error *e, int status, const char *type) {
    int retry = 0;
    ailib_result tc;
    if (!type || !*type || e->provider_type[0]) return;
    ailib__copy_trunc(e->provider_type, sizeof e->provider_type, type, strlen(type));
    if ((tc = ailib__type_code(type, &retry)) == AILIB_PROVIDER) return;
    if (e->code != AILIB_PROVIDER && e->code != AILIB_INVALID_REQUEST) return;   /* the status said more (413, 429, ...) */
    e->code = tc;
    e->retryable = retry;
    ailib__error_message(e, status);
}

/* >>think: <think>...</think> inline reasoning, split across chunk boundaries ================== */

typedef struct ailib__think {
    int inside;
    char hold[16];     /* a possible tag prefix held back at a chunk end */
    size_t hold_len;
} ailib__think;

/* Length of the longest suffix of s[0..n) that is a proper prefix of tag. */
static size_t ailib__tag_tail(const char *s, size_t n, const char *tag, size_t tl) {
    size_t k = tl - 1 < n ? tl - 1 : n;
    for (; k; k--) if (memcmp(s + n - k, tag, k) == 0) return k;
    return 0;
}

static void ailib__think_emit(ailib__acc *a, int reasoning, const char *s, size_t n) {
    if (reasoning) ailib__acc_reasoning(a, s, n); else ailib__acc_text(a, s, n);
}

/* Splits s into text and reasoning deltas. Linear: each byte is looked at a bounded number of
   times; only up to tag-length bytes are carried to the next call. */
static void ailib__think_feed(ailib__think *t, ailib__acc *a, const char *s, size_t n) {
    char joined[16 + 64];
    while (t->hold_len && n) {
        /* resolve the held prefix with the next bytes first */
        size_t take = n < 64 ? n : 64, jl;
        memcpy(joined, t->hold, t->hold_len);
        memcpy(joined + t->hold_len, s, take);
        jl = t->hold_len + take;
        t->hold_len = 0;
        {
            const char *tag = t->inside ? "</think>" : "<think>";
            size_t tl = t->inside ? 8 : 7;
            if (jl >= tl && memcmp(joined, tag, tl) == 0) {
                size_t used = tl - (jl - take);   /* bytes of s consumed by the tag */
                t->inside = !t->inside;
                if (t->inside) ailib__acc_break(a);
                s += used; n -= used;
                continue;
            }
            if (jl < tl && memcmp(joined, tag, jl) == 0) {   /* still a prefix: keep holding */
                memcpy(t->hold, joined, jl);
                t->hold_len = jl;
                return;
            }
            /* not a tag: the first held byte is plain content, the rest is rescanned */
            ailib__think_emit(a, t->inside, joined, 1);
            {
                size_t back = jl - take - 1;   /* held bytes after the first */
                if (back) {
                    char rest[16];
                    memcpy(rest, joined + 1, back);
                    ailib__think_feed(t, a, rest, back);   /* bounded: back < 8 */
                }
            }
        }
    }
    while (n) {
        const char *tag = t->inside ? "</think>" : "<think>";
        size_t tl = t->inside ? 8 : 7, i = 0, k;
        const char *hit = NULL;
        while (i + tl <= n) {
            const char *lt = (const char *)memchr(s + i, '<', n - i - tl + 1);
            if (!lt) break;
            if (memcmp(lt, tag, tl) == 0) { hit = lt; break; }
            i = (size_t)(lt - s) + 1;
        }
        if (hit) {
            ailib__think_emit(a, t->inside, s, (size_t)(hit - s));
            n -= (size_t)(hit - s) + tl;
            s = hit + tl;
            t->inside = !t->inside;
            ailib__acc_break(a);       /* reasoning and answer stay separate parts */
            continue;
        }
        k = ailib__tag_tail(s, n, tag, tl);
        ailib__think_emit(a, t->inside, s, n - k);
        memcpy(t->hold, s + n - k, k);
        t->hold_len = k;
        return;
    }
}

/* End of content: a held partial tag was plain text after all. */
static void ailib__think_flush(ailib__think *t, ailib__acc *a) {
    if (t->hold_len) ailib__think_emit(a, t->inside, t->hold, t->hold_len);
    t->hold_len = 0;
}

/* >>stream =================================================================================== */

/* A small map from a provider's index (content block, tool index) to our tool call number
   or part kind; linear search over the few entries a response has. */
typedef struct ailib__slot { int64_t key; int kind; size_t call; int flags; size_t aux; } ailib__slot;

struct ailib_stream;

/* What an adapter's request builder works with. */
typedef struct ailib__bctx {
    const ailib_endpoint *ep;
    const ailib_provider_info *prov;
    const ailib_request *req;
    ailib_json_writer *w;
    const char *model; size_t model_len;   /* provider prefix stripped */
    int stream;
    ailib_error *err;
    ailib_result fail;                     /* first failure, with err filled */
    ailib__buf path;                       /* appended to the base URL */
    const char *method;
    const char *accept;                    /* Accept header, or NULL */
} ailib__bctx;

typedef struct ailib__adapter {
    const char *name;
    int ndjson;                /* framing: 1 NDJSON, 0 SSE (binary framings decode themselves) */
    /* one decoded stream event (root is its JSON) */
    ailib_result (*event)(struct ailib_stream *s, const char *ev, size_t evn, const ailib_json *root);
    /* a whole response body */
    ailib_result (*parse)(struct ailib_stream *s, const ailib_json *root);
    /* request body + URL path */
    ailib_result (*build)(ailib__bctx *c);
    /* raw bytes for binary framings (Bedrock); NULL for SSE/NDJSON */
    ailib_result (*feed_raw)(struct ailib_stream *s, const char *bytes, size_t len);
    /* 1 when the protocol always reports usage with or after the finish reason (see
       ailib__stream_complete) */
    int usage_at_end;
} ailib__adapter;

/* What the body of a streamed answer turned out to be, told by its first non-blank byte. */
enum { AILIB__BODY_UNKNOWN = 0, AILIB__BODY_STREAM, AILIB__BODY_JSON, AILIB__BODY_HTML };
#define AILIB__HEAD 160            /* the first bytes of a body, kept for messages */

struct ailib_stream {
    ailib_allocator alloc;
    const ailib_provider_info *prov;
    const ailib__adapter *ad;
    ailib_sse_parser sse;
    ailib_ndjson_parser nd;
    ailib_json_doc *doc;
    ailib__acc acc;
    ailib_response *snapshot;
    ailib_error *err;          /* the current feed's caller error (may be NULL) */
    ailib_result fail;         /* sticky failure; its report is fail_err */
    int terminated;            /* the protocol's end marker was seen: later events are ignored */
    int complete;              /* the answer is known complete (end marker or final event) */
    uint32_t usage_mark;       /* acc.usage_reports before the event that brought the finish reason */
    int at_end;                /* the body ended: the event being read is the last, maybe cut */
    int cut;                   /* the body ended inside an event (its JSON incomplete) */
    ailib__think think;
    ailib__slot *slots; size_t nslots, cap_slots;
    size_t *slot_index, index_cap;   /* key -> newest slot + 1 (open addressing), once there are many */
    ailib__buf scratch;        /* adapter scratch (Gemini partial args, Bedrock frames) */
    int64_t state[8];          /* adapter scalars */
    ailib_usage raw_usage;     /* adapter-side raw counters (Anthropic cumulative fields) */
    char model_hint[128];
    int body;                  /* AILIB__BODY_*: a stream, or one JSON document, or HTML */
    size_t seen;               /* body bytes fed */
    size_t head_len;           /* bytes of head[] filled */
    ailib__buf whole;          /* a body that is one JSON document, read at its end */
    size_t events;             /* payloads handed to the adapter */
    int shaped;                /* one of them had the protocol's shape */
    const char *cur; size_t cur_len;   /* the JSON text being read, quoted by shape errors */
    /* Last, and not cleared at creation (2 KiB less to zero per stream): fail_err is written
       whole when fail is set and read only then; head is read only up to head_len. */
    ailib_error fail_err;      /* the failure's report, given again by every later feed and finish */
    char head[AILIB__HEAD];    /* the body's first bytes, quoted by messages */
};

/* Slots are few in a real answer and searched newest first; past AILIB__SLOT_SCAN of them (a
   flood of tool calls) a hash index takes over, so each lookup stays O(1), not O(calls). */
#define AILIB__SLOT_SCAN 16

static size_t ailib__slot_hash(int64_t key, size_t cap) {
    return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

/* Points key's entry at slot i (the newest slot of a key wins, as in the scan). */
static void ailib__slot_index_put(struct ailib_stream *s, size_t i) {
    size_t h = ailib__slot_hash(s->slots[i].key, s->index_cap);
    while (s->slot_index[h] && s->slots[s->slot_index[h] - 1].key != s->slots[i].key) h = (h + 1) & (s->index_cap - 1);
    s->slot_index[h] = i + 1;
}

static ailib__slot *ailib__slot_find(struct ailib_stream *s, int64_t key) {
    size_t i = s->nslots, h;
    if (!s->index_cap || s->nslots <= AILIB__SLOT_SCAN) {
        while (i--) if (s->slots[i].key == key) return &s->slots[i];   /* newest first */
        return NULL;
    }
    for (h = ailib__slot_hash(key, s->index_cap); s->slot_index[h]; h = (h + 1) & (s->index_cap - 1))
        if (s->slots[s->slot_index[h] - 1].key == key) return &s->slots[s->slot_index[h] - 1];
    return NULL;
}

static ailib__slot *ailib__slot_add(struct ailib_stream *s, int64_t key, int kind, size_t call) {
    ailib__slot *sl;
    if (!ailib__acc_charge(&s->acc, AILIB__SLOT_COST)) return NULL;
    if (s->nslots == s->cap_slots) {
        size_t ncap = s->cap_slots ? s->cap_slots * 2 : 8;
        ailib__slot *ns = (ailib__slot *)ailib__realloc(&s->alloc, s->slots, s->cap_slots * sizeof *ns, ncap * sizeof *ns);
        if (!ns) { s->acc.oom = 1; return NULL; }
        s->slots = ns;
        s->cap_slots = ncap;
    }
    sl = &s->slots[s->nslots++];
    sl->key = key;
    sl->kind = kind;
    sl->call = call;
    sl->flags = 0;
    sl->aux = 0;
    if (s->nslots > AILIB__SLOT_SCAN) {
        size_t i, first = s->nslots - 1;
        if (s->nslots * 2 > s->index_cap) {   /* a load of at most one half */
            size_t cap = s->index_cap ? s->index_cap * 2 : 64;
            size_t *ni = (size_t *)ailib__realloc(&s->alloc, s->slot_index, s->index_cap * sizeof *ni, cap * sizeof *ni);
            if (!ni) { s->acc.oom = 1; return NULL; }
            s->slot_index = ni;
            s->index_cap = cap;
            first = 0;
        }
        if (s->nslots == AILIB__SLOT_SCAN + 1) first = 0;   /* the index starts now: every slot goes in */
        if (!first) memset(s->slot_index, 0, s->index_cap * sizeof *s->slot_index);
        for (i = first; i < s->nslots; i++) ailib__slot_index_put(s, i);
    }
    return s->slots + s->nslots - 1;
}

/* Makes e the stream's failure (the first one wins and stays) and reports it to the caller. */
static ailib_result ailib__stream_fail_with(struct ailib_stream *s, const ailib_error *e) {
    if (s->fail == AILIB_OK) {
        s->fail = e->code;
        s->fail_err = *e;
        if (s->err) *s->err = *e;
    }
    return e->code;
}

static ailib_result ailib__stream_failf(struct ailib_stream *s, ailib_result code, const char *fmt, ...) {
    ailib_error e;
    va_list ap;
    ailib_error_clear(&e);
    e.code = code;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    return ailib__stream_fail_with(s, &e);
}

static ailib_result ailib__stream_fail(struct ailib_stream *s, ailib_result code, const char *msg) {
    return ailib__stream_failf(s, code, "%s", msg);
}

/* Records an in-stream error reported by the provider and makes it the stream's result. */
static ailib_result ailib__stream_provider_error(struct ailib_stream *s, const ailib_json *root) {
    ailib_error e;
    ailib__error_from_body(0, root, NULL, 0, &e);
    ailib__acc_error(&s->acc, &e);
    return ailib__stream_fail_with(s, &e);
}

/* Up to cap-1 bytes of a body for a message: control characters (CR, LF, NUL...) as spaces and
   bytes that are not UTF-8 as '?', so the message stays printable text. */
static void ailib__quote(char *dst, size_t cap, const char *s, size_t n) {
    size_t i = 0, o = 0;
    if (!cap) return;
    while (i < n && o + 1 < cap) {
        size_t k = (unsigned char)s[i] < 0x80 ? 1 : ailib__utf8_seq((const unsigned char *)s + i, (const unsigned char *)s + n);
        if (k > 1) {
            if (o + k >= cap) break;
            memcpy(dst + o, s + i, k);
            o += k; i += k;
            continue;
        }
        dst[o++] = !k ? '?' : ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? ' ' : s[i];
        i++;
    }
    if (i < n && cap > 4 && o + 3 >= cap) o = cap - 4;
    if (i < n && cap > 4) { memcpy(dst + o, "...", 3); o += 3; }
    dst[o] = 0;
}

static const char *ailib__jkind(const ailib_json *v) {
    if (!v) return "none";
    switch (AILIB__JT(v)) {
    case AILIB_JSON_NULL: return "null";
    case AILIB_JSON_FALSE: case AILIB_JSON_TRUE: return "a boolean";
    case AILIB_JSON_INT: case AILIB_JSON_REAL: return "a number";
    case AILIB_JSON_STRING: return "a string";
    case AILIB_JSON_ARRAY: return ailib_json_size(v) ? "an array" : "an empty array";
    default: return "an object";
    }
}

/* 1 when v is absent, null or of type t: the test of an optional field. */
static int ailib__jopt(const ailib_json *v, ailib_json_type t) {
    return !v || AILIB__JT(v) == AILIB_JSON_NULL || AILIB__JT(v) == t;
}

/* A body or stream event without its protocol's shape (a required field missing, a field of
   the wrong type): AILIB_DESERIALIZATION, err->json_path the place (a printf format), the
   message what was expected there and what came. A problem at the top level quotes the start
   of the JSON, so that {"detail":"Not Found"} is seen for what it is. */
static ailib_result ailib__shape_fail(struct ailib_stream *s, const ailib_json *found, const char *expected,
                                      const char *path, ...) {
    ailib_error e;
    va_list ap;
    const char *p;
    size_t n;
    if (s->fail != AILIB_OK) return s->fail;
    ailib_error_clear(&e);
    e.code = AILIB_DESERIALIZATION;
    va_start(ap, path);
    vsnprintf(e.json_path, sizeof e.json_path, path, ap);
    va_end(ap);
    if (s->events)
        snprintf(e.message, sizeof e.message, "event %lu of the %s stream is not a %s event: at %s expected %s, found %s",
                 (unsigned long)s->events, s->prov->name, s->ad->name, e.json_path, expected, ailib__jkind(found));
    else
        snprintf(e.message, sizeof e.message, "the %s response is not a %s response: at %s expected %s, found %s",
                 s->prov->name, s->ad->name, e.json_path, expected, ailib__jkind(found));
    p = e.json_path + 1;
    if (*p == '.') p++;
    n = strlen(e.message);
    if (s->cur && p[strcspn(p, ".[")] == 0 && n + 16 < sizeof e.message) {
        memcpy(e.message + n, "; it begins: ", 14);
        ailib__quote(e.message + n + 13, sizeof e.message - n - 13 < 101 ? sizeof e.message - n - 13 : 101, s->cur, s->cur_len);
    }
    return ailib__stream_fail_with(s, &e);
}

static ailib_result ailib__stream_too_large(struct ailib_stream *s) {
    return ailib__stream_failf(s, AILIB_TOO_LARGE,
                               "the streamed response grew past %lu bytes (text, reasoning, tool arguments, and %d bytes "
                               "per part or tool call): what came before is kept; raise desc.max_response_bytes",
                               (unsigned long)s->acc.limit, AILIB__PART_COST);
}

/* After the adapter read something: running out of memory or past the cap fails the stream. */
static ailib_result ailib__stream_checked(struct ailib_stream *s, ailib_result r) {
    if (r != AILIB_OK) return r;
    if (s->acc.oom) return ailib__stream_fail(s, AILIB_OUT_OF_MEMORY, "out of memory");
    if (s->acc.too_large) return ailib__stream_too_large(s);
    return AILIB_OK;
}

/* Parses one framed payload and hands it to the adapter. */
static ailib_result ailib__stream_payload(struct ailib_stream *s, const char *ev, size_t evn, const char *data, size_t n) {
    ailib_error perr;
    ailib_result r;
    char q[64];
    uint32_t usage0 = s->acc.usage_reports;
    ailib_finish_reason fin0 = s->acc.finish;
    ailib_error_clear(&perr);
    s->events++;
    r = ailib_json_doc_reparse(s->doc, data, n, &perr);
    if (r != AILIB_OK) {
        if (r == AILIB_OUT_OF_MEMORY) return ailib__stream_fail(s, r, "out of memory");
        /* the last event of a body that ended inside it: a truncation, judged at the end */
        if (s->at_end && perr.byte_pos + 4 >= n) { s->cut = 1; s->events--; return AILIB_OK; }
        ailib__quote(q, sizeof q, data, n);
        r = ailib__stream_failf(s, AILIB_DESERIALIZATION, "event %lu of the %s stream is not valid JSON (%s); it begins: %s",
                                (unsigned long)s->events, s->prov->name, perr.message, q);
        s->fail_err.byte_pos = perr.byte_pos;
        if (s->err) s->err->byte_pos = perr.byte_pos;
        return r;
    }
    s->cur = data;
    s->cur_len = n;
    r = s->ad->event(s, ev, evn, ailib_json_doc_root(s->doc));
    if (fin0 == AILIB_FINISH_NONE && s->acc.finish != AILIB_FINISH_NONE) s->usage_mark = usage0;
    return ailib__stream_checked(s, r);
}

static int ailib__stream_on_sse(void *user, const ailib_sse_event *ev) {
    struct ailib_stream *s = (struct ailib_stream *)user;
    if (s->terminated || s->fail != AILIB_OK) return s->fail != AILIB_OK;
    if (ev->data_len == 6 && memcmp(ev->data, "[DONE]", 6) == 0) {
        ailib__think_flush(&s->think, &s->acc);
        ailib__acc_tool_end_all(&s->acc);
        s->terminated = s->complete = 1;
        return ailib__stream_checked(s, AILIB_OK) != AILIB_OK;
    }
    if (ailib__stream_payload(s, ev->event, ev->event_len, ev->data, ev->data_len) != AILIB_OK) return 1;
    return s->acc.stopped;
}

static int ailib__stream_on_line(void *user, const char *line, size_t len) {
    struct ailib_stream *s = (struct ailib_stream *)user;
    if (s->terminated || s->fail != AILIB_OK) return s->fail != AILIB_OK;
    if (ailib__stream_payload(s, "", 0, line, len) != AILIB_OK) return 1;
    return s->acc.stopped;
}

static const ailib__adapter *ailib__adapter_for(ailib_protocol p);

AILIB_API ailib_stream *ailib_stream_create(const ailib_endpoint *ep, const ailib_stream_desc *desc, ailib_error *err) {
    ailib_allocator a;
    ailib_stream *s;
    ailib_json_parse_options o;
    if (!ep || !ep->provider) { ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_stream_create: endpoint.provider is required"); return NULL; }
    if ((unsigned)ep->provider->protocol >= AILIB_PROTOCOL_COUNT || !ailib__adapter_for(ep->provider->protocol)) {
        ailib__fail(err, AILIB_UNSUPPORTED, "ailib_stream_create: provider '%s' has an unknown protocol", ep->provider->name);
        return NULL;
    }
    a = ailib__allocator(ep->allocator);
    s = (ailib_stream *)ailib__malloc(&a, sizeof *s);
    if (!s) { ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); return NULL; }
    memset(s, 0, offsetof(ailib_stream, fail_err));
    s->alloc = a;
    s->prov = ep->provider;
    s->ad = ailib__adapter_for(ep->provider->protocol);
    ailib_sse_init(&s->sse, &a);
    ailib_ndjson_init(&s->nd, &a);
    memset(&o, 0, sizeof o);
    o.allocator = &a;
    s->doc = ailib_json_doc_create(&o);
    ailib__acc_init(&s->acc, &a);
    if (desc && desc->max_response_bytes) s->acc.limit = desc->max_response_bytes;
    /* one event cannot be larger than the whole response may be */
    s->sse.max_event = s->nd.max_line = s->acc.limit;
    if (desc && desc->model) ailib__copy_trunc(s->model_hint, sizeof s->model_hint, desc->model, strlen(desc->model));
    if (!s->doc) { ailib_stream_destroy(s); ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); return NULL; }
    return s;
}

AILIB_API void ailib_stream_destroy(ailib_stream *s) {
    ailib_allocator a;
    if (!s) return;
    a = s->alloc;
    ailib_sse_deinit(&s->sse);
    ailib_ndjson_deinit(&s->nd);
    ailib_json_doc_destroy(s->doc);
    ailib__acc_deinit(&s->acc);
    ailib_response_destroy(s->snapshot);
    ailib__free(&a, s->slots);
    ailib__free(&a, s->slot_index);
    ailib__free(&a, s->scratch.p);
    ailib__free(&a, s->whole.p);
    ailib__free(&a, s);
}

/* Clears a framing parser's state for a new body but keeps its buffers. */
static void ailib__framing_reset(ailib_stream *s) {
    ailib_sse_parser *p = &s->sse;
    p->line_len = p->data_len = p->event_len = p->id_len = 0;
    p->retry_ms = -1;
    p->has_data = p->last_was_cr = p->bom_checked = 0;
    p->pos = 0;
    s->nd.line_len = 0;
    s->nd.pos = 0;
}

AILIB_API void ailib_stream_reset(ailib_stream *s) {
    ailib__framing_reset(s);
    ailib__acc_reset(&s->acc);
    ailib_response_destroy(s->snapshot);
    s->snapshot = NULL;
    s->fail = AILIB_OK;
    s->terminated = s->complete = 0;
    s->usage_mark = 0;
    s->at_end = s->cut = 0;
    memset(&s->think, 0, sizeof s->think);
    s->nslots = 0;   /* the slot index is rebuilt when it is next needed */
    s->scratch.len = 0;
    memset(s->state, 0, sizeof s->state);
    memset(&s->raw_usage, 0, sizeof s->raw_usage);
    s->body = AILIB__BODY_UNKNOWN;
    s->seen = s->head_len = s->events = 0;
    s->shaped = 0;
    s->cur = NULL;
    s->cur_len = 0;
    if (s->whole.cap > AILIB__MOVE_MIN) {   /* a rare large JSON body is not kept for the next one */
        ailib__free(&s->alloc, s->whole.p);
        s->whole.p = NULL;
        s->whole.cap = 0;
    }
    s->whole.len = 0;
}

static ailib_result ailib__stream_result(ailib_stream *s, ailib_result r) {
    if (s->fail != AILIB_OK) return s->fail;
    if (s->acc.stopped) return ailib__fail(s->err, AILIB_CANCELLED, "stopped by the event callback");
    return r;
}

/* The framing parser stops (CANCELLED) when our callback stopped it; its own errors (an
   oversized event) become the stream's failure. The stream's error report always wins. */
static ailib_result ailib__stream_framing(ailib_stream *s, ailib_result r, ailib_error *ferr) {
    if (r == AILIB_TOO_LARGE && s->fail == AILIB_OK)
        ailib__stream_failf(s, r, "one event of the %s stream is larger than %lu bytes, the cap on the whole response: "
                                  "raise desc.max_response_bytes", s->prov->name, (unsigned long)s->acc.limit);
    else if (r != AILIB_OK && r != AILIB_CANCELLED && s->fail == AILIB_OK) {
        ferr->code = r;
        ailib__stream_fail_with(s, ferr);
    }
    return ailib__stream_result(s, AILIB_OK);
}

/* Common start of feed and finish: a stream that failed reports the same failure again;
   otherwise the call's callback and error report are installed. */
static ailib_result ailib__stream_enter(ailib_stream *s, ailib_event_callback cb, void *user, ailib_error *err) {
    if (s->fail != AILIB_OK) {
        if (err) *err = s->fail_err;
        return s->fail;
    }
    s->err = err;
    s->acc.cb = cb;
    s->acc.user = user;
    s->acc.stopped = 0;
    return AILIB_OK;
}

/* A body that is HTML where a stream was asked for: said as such, with its first bytes. */
static ailib_result ailib__stream_html(ailib_stream *s) {
    char q[AILIB__HEAD + 1];
    ailib__quote(q, sizeof q, s->head, s->head_len);
    return ailib__stream_failf(s, AILIB_DESERIALIZATION,
                               "%s answered with HTML instead of a %s stream (a proxy, a login or error page, or a wrong "
                               "base URL?); it begins: %s", s->prov->name, s->ad->name, q);
}

/* Keeps the first bytes of a body, tells what the body is from its first byte that is not a
   blank or a BOM (no stream starts with '<', nor SSE or an AWS frame with '{' or '['; an AWS
   frame starts with a length byte 0), then hands the bytes on: to the framing parser, to the
   buffer of a JSON body (an error, or the whole reply of a server that ignored "stream"), or,
   for HTML, nowhere. */
static ailib_result ailib__stream_body(ailib_stream *s, const char *b, size_t n, ailib_error *ferr) {
    size_t i = 0;
    if (s->head_len < AILIB__HEAD) {
        size_t k = AILIB__HEAD - s->head_len < n ? AILIB__HEAD - s->head_len : n;
        memcpy(s->head + s->head_len, b, k);
        s->head_len += k;
    }
    if (s->body == AILIB__BODY_UNKNOWN) {
        static const char bom[] = "\xEF\xBB\xBF";
        for (; i < n; i++) {
            unsigned char c = (unsigned char)b[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
            if (s->seen + i < 3 && c == (unsigned char)bom[s->seen + i]) continue;
            break;
        }
        if (i < n) {
            char c = b[i];
            if (c == '<') s->body = AILIB__BODY_HTML;
            else if ((c == '{' || c == '[') && !s->ad->ndjson) s->body = AILIB__BODY_JSON;
            else s->body = AILIB__BODY_STREAM;
        }
    }
    s->seen += n;
    if (s->body == AILIB__BODY_JSON) {
        if (n - i > s->acc.limit - s->whole.len) return ailib__stream_too_large(s);
        if (!ailib__buf_add(&s->alloc, &s->whole, b + i, n - i)) return ailib__stream_fail(s, AILIB_OUT_OF_MEMORY, "out of memory");
        return AILIB_OK;
    }
    if (s->body == AILIB__BODY_HTML) return s->head_len == AILIB__HEAD ? ailib__stream_html(s) : AILIB_OK;
    /* a stream, or only blanks so far (which every framing skips) */
    if (s->ad->feed_raw) return s->ad->feed_raw(s, b, n);
    if (s->ad->ndjson) return ailib_ndjson_feed(&s->nd, b, n, ailib__stream_on_line, s, ferr);
    return ailib_sse_feed(&s->sse, b, n, ailib__stream_on_sse, s, ferr);
}

AILIB_API ailib_result ailib_stream_feed(ailib_stream *s, const char *bytes, size_t len,
                                         ailib_event_callback cb, void *user, ailib_error *err) {
    ailib_error ferr;
    ailib_result r;
    if (!s) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_stream_feed: stream is NULL");
    if (ailib__stream_enter(s, cb, user, err) != AILIB_OK) return s->fail;
    ailib_error_clear(&ferr);
    r = (bytes && len) ? ailib__stream_body(s, bytes, len, &ferr) : AILIB_OK;
    if (s->snapshot) { ailib_response_destroy(s->snapshot); s->snapshot = NULL; }
    r = ailib__stream_framing(s, r, &ferr);
    s->err = NULL;
    return r;
}

/* A body that is one JSON document where a stream was asked for: a provider error (mapped as
   an error inside a stream is), or the whole reply of a server that ignored "stream", parsed
   as one and its events delivered now. */
static ailib_result ailib__stream_whole(ailib_stream *s) {
    ailib_error perr;
    ailib_result r;
    char q[64];
    ailib_error_clear(&perr);
    if (!s->doc) {
        ailib_json_parse_options o;
        memset(&o, 0, sizeof o);
        o.allocator = &s->alloc;
        if (!(s->doc = ailib_json_doc_create(&o))) return ailib__stream_fail(s, AILIB_OUT_OF_MEMORY, "out of memory");
    }
    r = ailib_json_doc_reparse(s->doc, s->whole.p, s->whole.len, &perr);
    if (r == AILIB_OUT_OF_MEMORY) return ailib__stream_fail(s, r, "out of memory");
    if (r != AILIB_OK) {
        ailib__quote(q, sizeof q, s->whole.p, s->whole.len);
        r = ailib__stream_failf(s, AILIB_DESERIALIZATION, "%s answered with a JSON body instead of a %s stream, and it is not "
                                "valid JSON (%s); it begins: %s", s->prov->name, s->ad->name, perr.message, q);
        s->fail_err.byte_pos = perr.byte_pos;
        if (s->err) s->err->byte_pos = perr.byte_pos;
        return r;
    }
    s->cur = s->whole.p;
    s->cur_len = s->whole.len;
    r = ailib__stream_checked(s, s->ad->parse(s, ailib_json_doc_root(s->doc)));
    if (r == AILIB_OK) s->complete = s->terminated = 1;
    return r;
}

/* The completeness rule, one for every protocol (documented at ailib_stream_finish): an answer
   is complete when its protocol's end marker arrived, or when its finish reason did and the
   final usage came with it or after it. The usage is awaited only where the protocol always
   sends it at the end (every protocol but OpenAI chat, which sends it when asked with
   stream_options: the rows with AILIB_Q_STREAM_OPTIONS and without AILIB_Q_NO_STREAM_USAGE). */
static int ailib__stream_complete(const ailib_stream *s) {
    int due;
    if (s->complete) return 1;
    if (s->acc.finish == AILIB_FINISH_NONE) return 0;
    if (s->prov->protocol == AILIB_PROTOCOL_OPENAI_CHAT)
        due = (s->prov->quirks & AILIB_Q_STREAM_OPTIONS) && !(s->prov->quirks & AILIB_Q_NO_STREAM_USAGE);
    else due = s->ad->usage_at_end;
    return !due || s->acc.usage_reports > s->usage_mark;
}

/* The end of a body that was framed as a stream: it must have had events of the protocol's
   shape, and be complete. */
static ailib_result ailib__stream_end_checks(ailib_stream *s) {
    char q[AILIB__HEAD + 1];
    ailib__quote(q, sizeof q, s->head, s->head_len);
    if (s->events && !s->shaped) {
        ailib_error e;
        ailib_error_clear(&e);
        e.code = AILIB_DESERIALIZATION;
        memcpy(e.json_path, "$", 2);
        snprintf(e.message, sizeof e.message, "none of the %lu events of the %s stream has the shape of a %s event: the "
                 "body begins: %s", (unsigned long)s->events, s->prov->name, s->ad->name, q);
        return ailib__stream_fail_with(s, &e);
    }
    s->complete = ailib__stream_complete(s);
    if (s->complete && s->acc.finish == AILIB_FINISH_ERROR && !s->acc.has_error) {
        /* a provider that reports failure only as its finish reason (Cohere ERROR) */
        ailib_error e;
        ailib_error_clear(&e);
        e.code = AILIB_PROVIDER;
        snprintf(e.message, sizeof e.message, "the provider ended the answer with finish reason \"%s\": the output is incomplete",
                 ailib__buf_str(&s->acc.finish_raw));
        ailib__acc_error(&s->acc, &e);
        return ailib__stream_fail_with(s, &e);
    }
    if (s->complete) return AILIB_OK;
    if (!s->seen)
        return ailib__stream_failf(s, AILIB_PROTOCOL, "%s sent an empty body where a %s stream was expected",
                                   s->prov->name, s->ad->name);
    if (!s->events)
        return ailib__stream_failf(s, AILIB_PROTOCOL, "%s sent %lu bytes without one %s stream event before the body "
                                   "ended; it begins: %s", s->prov->name, (unsigned long)s->seen, s->ad->name, q);
    if (s->cut)
        return ailib__stream_fail(s, AILIB_PROTOCOL,
                                  "the stream ended inside an event, before the provider's end marker: the answer is "
                                  "truncated (connection closed early or a proxy cut the response)");
    if (s->acc.finish != AILIB_FINISH_NONE)
        return ailib__stream_fail(s, AILIB_PROTOCOL,
                                  "the stream ended after the finish reason but before the final usage and the provider's "
                                  "end marker: the answer is whole but its token counts may be missing or short "
                                  "(connection closed early or a proxy cut the response)");
    return ailib__stream_fail(s, AILIB_PROTOCOL,
                              "the stream ended before the provider's end marker: the answer may be truncated "
                              "(connection closed early or a proxy cut the response)");
}

AILIB_API ailib_result ailib_stream_finish(ailib_stream *s, ailib_event_callback cb, void *user, ailib_error *err) {
    ailib_error ferr;
    ailib_result r;
    if (!s) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_stream_finish: stream is NULL");
    if (ailib__stream_enter(s, cb, user, err) != AILIB_OK) return s->fail;
    ailib_error_clear(&ferr);
    s->at_end = 1;
    if (s->body == AILIB__BODY_JSON) r = ailib__stream_whole(s);
    else if (s->body == AILIB__BODY_HTML) r = ailib__stream_html(s);
    else if (s->ad->feed_raw) r = s->ad->feed_raw(s, NULL, 0);
    else if (s->ad->ndjson) r = ailib_ndjson_finish(&s->nd, ailib__stream_on_line, s, &ferr);
    else {
        /* The last event without its blank line (a server or proxy that closes right after the
           data line) is read, not dropped: every protocol then judges the answer by what
           arrived, and an event whose JSON was cut is a truncation (see ailib_stream_finish). */
        r = ailib_sse_pending(&s->sse) ? ailib_sse_feed(&s->sse, "\n\n", 2, ailib__stream_on_sse, s, &ferr) : AILIB_OK;
        if (r == AILIB_OK) r = ailib_sse_finish(&s->sse, ailib__stream_on_sse, s, &ferr);
    }
    r = ailib__stream_framing(s, r, &ferr);
    if (r == AILIB_OK) {
        ailib__think_flush(&s->think, &s->acc);
        ailib__acc_tool_end_all(&s->acc);
        r = ailib__stream_checked(s, AILIB_OK);
    }
    if (r == AILIB_OK) r = ailib__stream_end_checks(s);
    if (s->snapshot) { ailib_response_destroy(s->snapshot); s->snapshot = NULL; }
    s->err = NULL;
    return r;
}

AILIB_API const ailib_response *ailib_stream_response(const ailib_stream *cs) {
    ailib_stream *s = (ailib_stream *)cs;
    if (!s) return NULL;
    /* the requested model stands in until the stream names one, and only in the response */
    if (!s->snapshot && ailib__acc_build(&s->acc, AILIB_ORIGIN(s->prov->protocol), s->model_hint, 0, &s->snapshot, NULL) != AILIB_OK)
        return NULL;
    return s->snapshot;
}

AILIB_API ailib_response *ailib_stream_take_response(ailib_stream *s) {
    ailib_response *r;
    if (!s) return NULL;
    if (s->snapshot) { r = s->snapshot; s->snapshot = NULL; return r; }
    if (ailib__acc_build(&s->acc, AILIB_ORIGIN(s->prov->protocol), s->model_hint, 1, &r, NULL) != AILIB_OK) return NULL;
    return r;
}
/* >>build: helpers shared by the request builders ============================================ */

static ailib_result ailib__b_fail(ailib__bctx *c, ailib_result code, const char *fmt, ...) {
    if (c->fail == AILIB_OK) {
        c->fail = code;
        if (c->err) {
            va_list ap;
            c->err->code = code;
            va_start(ap, fmt);
            vsnprintf(c->err->message, sizeof c->err->message, fmt, ap);
            va_end(ap);
        }
    }
    return code;
}

/* The first byte of s that may not appear in a header value or a URL (a control byte: CR and
   LF split a request, NUL cuts it), or NULL when there is none. */
static const char *ailib__ctl_byte(const char *s) {
    for (; s && *s; s++) if ((unsigned char)*s < 0x20 || *s == 0x7f) return s;
    return NULL;
}

/* 1 when url starts with http:// or https:// (any case): the only schemes ailib speaks, so a
   base URL cannot turn a request into raw bytes sent to some other service. */
static int ailib__http_scheme(const char *url) {
    size_t n = 0;
    while (url[n] && url[n] != ':' && n < 6) n++;
    return (ailib__ieq(url, n, "http") || ailib__ieq(url, n, "https")) && url[n] == ':' && url[n + 1] == '/' && url[n + 2] == '/';
}

/* Checks an endpoint before anything is built from it: the base URL (present, no unfilled
   "{ENV}" placeholder, http or https, no control bytes or spaces) and the strings that go into
   headers (key and version: no control bytes, so no header can be injected). Gives the base
   URL without trailing slashes. */
static ailib_result ailib__ep_base(const ailib_endpoint *ep, const char **base, size_t *len, ailib_error *err) {
    const ailib_provider_info *p = ep->provider;
    const char *b = ep->base_url ? ep->base_url : p->base_url, *brace, *bad;
    const char *pn = p->name ? p->name : "?";
    size_t n;
    if (!b || !*b)
        return ailib__fail(err, AILIB_CONFIGURATION, "provider '%s' has no base URL: set endpoint.base_url%s%s",
                           pn, p->base_url_env ? " or " : "", p->base_url_env ? p->base_url_env : "");
    if ((brace = strchr(b, '{')) != NULL) {
        const char *close = strchr(brace, '}');
        int vn = close ? (int)(close - brace - 1) : 0;
        return ailib__fail(err, AILIB_CONFIGURATION, "the base URL of '%s' needs %.*s: set that environment variable or endpoint.base_url",
                           pn, vn, brace + 1);
    }
    if ((bad = ailib__ctl_byte(b)) != NULL || strchr(b, ' '))
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "the base URL of '%s' contains a %s: remove it", pn,
                           !bad ? "space" : *bad == '\r' || *bad == '\n' ? "line break (CR or LF)" : "control character");
    if (!ailib__http_scheme(b)) {
        char shown[300];
        ailib__url_redact(shown, sizeof shown, b);
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "the base URL of '%s' (%s) is not http:// or https://: ailib speaks HTTP only",
                           pn, shown);
    }
    if ((bad = ailib__ctl_byte(ep->api_key)) != NULL)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "the API key for '%s' contains a %s: remove it (a key read from a file "
                           "often ends in a newline)", pn, *bad == '\r' || *bad == '\n' ? "line break (CR or LF)" : "control character");
    if ((bad = ailib__ctl_byte(ep->api_version)) != NULL)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "endpoint.api_version for '%s' contains a control character: remove it", pn);
    n = strlen(b);
    while (n && b[n - 1] == '/') n--;
    *base = b;
    *len = n;
    return AILIB_OK;
}

/* Appends s as one URL path segment (or query value): every byte but RFC 3986's unreserved
   ones is percent-encoded, so a model id like "../../x" or "x?alt=json#" stays one segment
   of the path it was meant for. */
static int ailib__url_escape(const ailib_allocator *a, ailib__buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    char buf[96];
    size_t i, o = 0;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~')
            buf[o++] = (char)ch;
        else { buf[o++] = '%'; buf[o++] = hex[ch >> 4]; buf[o++] = hex[ch & 15]; }
        if (o > sizeof buf - 4) { if (!ailib__buf_add(a, b, buf, o)) return 0; o = 0; }
    }
    return ailib__buf_add(a, b, buf, o);
}

static void ailib__b_path_escaped(ailib__bctx *c, const char *s, size_t n) {
    if (!ailib__url_escape(&c->w->alloc, &c->path, s, n)) ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
}

static void ailib__b_path(ailib__bctx *c, const char *s) {
    if (!ailib__buf_add(&c->w->alloc, &c->path, s, strlen(s))) ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
}
static void ailib__b_pathn(ailib__bctx *c, const char *s, size_t n) {
    if (!ailib__buf_add(&c->w->alloc, &c->path, s, n)) ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
}

/* The parts of a message: its own, or one text part made from the .text shorthand. */
static const ailib_part *ailib__b_parts(const ailib_message *m, ailib_part *tmp, size_t *n) {
    if (m->part_count) { *n = m->part_count; return m->parts; }
    memset(tmp, 0, sizeof *tmp);
    tmp->type = AILIB_PART_TEXT;
    tmp->text = m->text ? m->text : "";
    *n = 1;
    return tmp;
}

/* Writes JSON text given by the user (schema, tool arguments) as a JSON value, validated:
   a mistake is reported with what it belongs to, not as a broken request body. */
static void ailib__b_json_text(ailib__bctx *c, const char *text, size_t len, const char *what, const char *name) {
    ailib_json_doc *d = NULL;
    ailib_json_parse_options o;
    ailib_error e;
    memset(&o, 0, sizeof o);
    o.allocator = &c->w->alloc;
    ailib_error_clear(&e);
    if (ailib_json_parse(text, len, &o, &d, &e) != AILIB_OK) {
        ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "%s%s%s%s is not valid JSON: %s", what, name ? " '" : "",
                      name ? name : "", name ? "'" : "", e.message);
        ailib_json_write_null(c->w);
        return;
    }
    ailib_json_write_value(c->w, ailib_json_doc_root(d));
    ailib_json_doc_destroy(d);
}

/* Tool call arguments as a JSON object value ("" means {}). */
static void ailib__b_args_object(ailib__bctx *c, const ailib_part *p) {
    size_t n = ailib__slen(p->text, p->text_len);
    if (!p->text || !n) { ailib_json_write_object_begin(c->w); ailib_json_write_object_end(c->w); return; }
    ailib__b_json_text(c, p->text, n, "tool call arguments of", p->name);
}

static const char ailib__b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Writes a JSON string "<prefix><base64 of data>" straight into the writer (base64 never needs
   escaping, so the bytes are produced in place). */
static void ailib__b_base64(ailib__bctx *c, const char *prefix, const void *data, size_t n) {
    ailib_json_writer *w = c->w;
    const unsigned char *d = (const unsigned char *)data;
    size_t pl = prefix ? strlen(prefix) : 0, out = (n + 2) / 3 * 4, i;
    char *o;
    if (!ailib__jw_value_begin(w)) return;
    if (!ailib__jw_reserve(w, pl + out + 2)) return;
    o = w->buf + w->len;
    *o++ = '"';
    for (i = 0; i < pl; i++) {
        unsigned char ch = (unsigned char)prefix[i];
        *o++ = (ch < 0x20 || ch == '"' || ch == '\\') ? '_' : (char)ch;   /* MIME types are plain ASCII */
    }
    for (i = 0; i + 3 <= n; i += 3) {
        uint32_t v = ((uint32_t)d[i] << 16) | ((uint32_t)d[i + 1] << 8) | d[i + 2];
        *o++ = ailib__b64chars[v >> 18]; *o++ = ailib__b64chars[(v >> 12) & 63];
        *o++ = ailib__b64chars[(v >> 6) & 63]; *o++ = ailib__b64chars[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)d[i] << 16;
        *o++ = ailib__b64chars[v >> 18]; *o++ = ailib__b64chars[(v >> 12) & 63]; *o++ = '='; *o++ = '=';
    } else if (n - i == 2) {
        uint32_t v = ((uint32_t)d[i] << 16) | ((uint32_t)d[i + 1] << 8);
        *o++ = ailib__b64chars[v >> 18]; *o++ = ailib__b64chars[(v >> 12) & 63]; *o++ = ailib__b64chars[(v >> 6) & 63]; *o++ = '=';
    }
    *o++ = '"';
    w->len = (size_t)(o - w->buf);
    ailib__jw_value_end(w);
}

/* An image as one URL string: its own URL, or a data: URL of its bytes. */
static void ailib__b_image_url(ailib__bctx *c, const ailib_part *p) {
    if (p->url) { ailib_json_write_stringn(c->w, p->url, ailib__slen(p->url, p->url_len)); return; }
    if (p->data && p->data_len) {
        char prefix[160];
        snprintf(prefix, sizeof prefix, "data:%s;base64,", p->mime ? p->mime : "application/octet-stream");
        ailib__b_base64(c, prefix, p->data, p->data_len);
        return;
    }
    ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "image part has neither url nor data: set part.url or part.data + data_len + mime");
    ailib_json_write_null(c->w);
}

static const char *ailib__effort_str(ailib_effort e) {
    switch (e) {
    case AILIB_EFFORT_NONE: return "none";
    case AILIB_EFFORT_MINIMAL: return "minimal";
    case AILIB_EFFORT_LOW: return "low";
    case AILIB_EFFORT_MEDIUM: return "medium";
    case AILIB_EFFORT_HIGH: return "high";
    case AILIB_EFFORT_XHIGH: return "xhigh";
    default: return NULL;
    }
}

/* A token budget for providers that only take budgets: the explicit one, or one derived from
   the effort (0 = reasoning off, -1 = nothing requested). */
static int64_t ailib__reasoning_budget(const ailib_reasoning *r) {
    if (r->budget_tokens > 0) return r->budget_tokens;
    switch (r->effort) {
    case AILIB_EFFORT_NONE: return 0;
    case AILIB_EFFORT_MINIMAL: return 1024;
    case AILIB_EFFORT_LOW: return 2048;
    case AILIB_EFFORT_MEDIUM: return 8192;
    case AILIB_EFFORT_HIGH: return 16384;
    case AILIB_EFFORT_XHIGH: return 32768;
    default: return -1;
    }
}

static int ailib__reasoning_requested(const ailib_reasoning *r) {
    return r->effort != AILIB_EFFORT_DEFAULT || r->budget_tokens > 0;
}

/* Writes key: number for a set optional parameter. */
static void ailib__b_optf(ailib__bctx *c, const char *key, ailib_optf v) {
    if (!v.set) return;
    ailib_json_write_key(c->w, key);
    ailib_json_write_double(c->w, v.value);
}
static void ailib__b_opti(ailib__bctx *c, const char *key, ailib_opti v) {
    if (!v.set) return;
    ailib_json_write_key(c->w, key);
    ailib_json_write_int(c->w, v.value);
}

static void ailib__b_stop_array(ailib__bctx *c, const char *key) {
    size_t i;
    const ailib_request *q = c->req;
    if (!q->stop_count) return;
    ailib_json_write_key(c->w, key);
    ailib_json_write_array_begin(c->w);
    for (i = 0; i < q->stop_count; i++) ailib_json_write_string(c->w, q->stop[i]);
    ailib_json_write_array_end(c->w);
}

/* Schema text of a tool, or the empty object schema. */
static void ailib__b_tool_schema(ailib__bctx *c, const ailib_tool *t) {
    if (t->parameters && *t->parameters) ailib__b_json_text(c, t->parameters, strlen(t->parameters), "parameters of tool", t->name);
    else ailib_json_write_raw(c->w, "{\"type\":\"object\",\"properties\":{}}", 33);
}

/* A provider-defined tool (ailib_tool.spec): its JSON object, as given, one element of the
   protocol's tools list. */
static void ailib__b_tool_spec(ailib__bctx *c, const ailib_tool *t) {
    size_t n = strlen(t->spec), i = 0;
    while (i < n && (t->spec[i] == ' ' || t->spec[i] == '\t' || t->spec[i] == '\n' || t->spec[i] == '\r')) i++;
    if (i == n || t->spec[i] != '{') {
        ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "tools: the spec of tool '%s' must be a JSON object (the provider's own tool "
                      "definition)", t->name ? t->name : "");
        ailib_json_write_null(c->w);
        return;
    }
    ailib__b_json_text(c, t->spec, n, "spec of tool", t->name);
}

/* A part's raw JSON (part.raw, a block or item kept as the provider sent it), inserted as it
   is, byte for byte, once it is known to be one JSON object. */
static void ailib__b_raw(ailib__bctx *c, const ailib_part *p, const char *what) {
    size_t n = ailib__slen(p->raw, p->raw_len);
    ailib_json_writer *w = c->w;
    ailib_json_doc *d = NULL;
    ailib_json_parse_options o;
    ailib_error e;
    memset(&o, 0, sizeof o);
    o.allocator = &w->alloc;
    ailib_error_clear(&e);
    if (ailib_json_parse(p->raw, n, &o, &d, &e) != AILIB_OK || !ailib_json_is_object(ailib_json_doc_root(d))) {
        ailib_json_doc_destroy(d);
        ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "the raw %s of part '%.*s' is not a JSON object%s%s: send the part as it came, or "
                      "clear part.raw", what, (int)ailib__slen(p->name, p->name_len), p->name ? p->name : "",
                      e.message[0] ? ": " : "", e.message);
        ailib_json_write_null(w);
        return;
    }
    ailib_json_doc_destroy(d);
    if (!ailib__jw_value_begin(w) || !ailib__jw_reserve(w, n)) return;
    memcpy(w->buf + w->len, p->raw, n);
    w->len += n;
    ailib__jw_value_end(w);
}

/* A part the target protocol cannot take, dropped before its builder sees the request (the
   rules of "Conversations across providers" in README): provider-run tool parts go back only
   to the protocol that ran them (or, made by you, wherever their raw JSON can go), and calls
   of another kind than a function (the Responses API's client actions) and their results only
   to that API. */
static int ailib__b_drops(const ailib__bctx *c, const ailib_part *p) {
    ailib_protocol pr = c->prov->protocol;
    if (p->type == AILIB_PART_PROVIDER_TOOL_CALL || p->type == AILIB_PART_PROVIDER_TOOL_RESULT) {
        if (p->origin) return p->origin != AILIB_ORIGIN(pr);
        return !p->raw || (pr != AILIB_PROTOCOL_ANTHROPIC && pr != AILIB_PROTOCOL_OPENAI_RESPONSES && pr != AILIB_PROTOCOL_GEMINI);
    }
    if ((p->type == AILIB_PART_TOOL_CALL || p->type == AILIB_PART_TOOL_RESULT) && p->call_kind != AILIB_CALL_FUNCTION)
        return pr != AILIB_PROTOCOL_OPENAI_RESPONSES;
    return 0;
}

/* Memory of a converted request: its messages and their kept parts, one block. */
typedef struct ailib__conv_mem { void *block; } ailib__conv_mem;

/* Gives *lq, a copy of c->req without the parts this protocol cannot take (and without the
   messages left empty by that), pointing c->req at it. Nothing is copied when nothing is
   dropped: returns 0 then. */
static int ailib__b_convert(ailib__bctx *c, ailib_request *lq, ailib__conv_mem *mem) {
    const ailib_request *q = c->req;
    size_t i, j, drop = 0, keep_msgs = 0, keep_parts = 0;
    ailib_message *ms;
    ailib_part *ps;
    for (i = 0; i < q->message_count; i++)
        for (j = 0; j < q->messages[i].part_count; j++) drop += (size_t)ailib__b_drops(c, &q->messages[i].parts[j]);
    if (!drop) return 0;
    for (i = 0; i < q->message_count; i++) {
        size_t kept = 0, np = q->messages[i].part_count;
        for (j = 0; j < np; j++) kept += (size_t)!ailib__b_drops(c, &q->messages[i].parts[j]);
        keep_parts += kept;
        keep_msgs += (size_t)(kept || !np);
    }
    mem->block = ailib__malloc(&c->w->alloc, (keep_msgs + 1) * sizeof *ms + (keep_parts + 1) * sizeof *ps);
    if (!mem->block) { ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory"); return 0; }
    ms = (ailib_message *)mem->block;
    ps = (ailib_part *)(void *)(ms + keep_msgs + 1);
    *lq = *q;
    lq->messages = ms;
    lq->message_count = 0;
    for (i = 0; i < q->message_count; i++) {
        const ailib_message *m = &q->messages[i];
        ailib_message *d = &ms[lq->message_count];
        size_t np = m->part_count;
        *d = *m;
        if (np) {
            d->parts = ps;
            d->part_count = 0;
            for (j = 0; j < np; j++) if (!ailib__b_drops(c, &m->parts[j])) ps[d->part_count++] = m->parts[j];
            ps += d->part_count;
            if (!d->part_count) continue;   /* nothing left of it for this protocol */
        }
        lq->message_count++;
    }
    c->req = lq;
    return 1;
}

/* Common request checks; a message the caller can act on for each. */
static ailib_result ailib__b_validate(ailib__bctx *c) {
    const ailib_request *q = c->req;
    size_t i, j;
    if (q->message_count && !q->messages) return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "request.messages is NULL but message_count is %lu", (unsigned long)q->message_count);
    if (q->tool_count && !q->tools) return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "request.tools is NULL but tool_count is %lu", (unsigned long)q->tool_count);
    if (q->stop_count && !q->stop) return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "request.stop is NULL but stop_count is %lu", (unsigned long)q->stop_count);
    for (i = 0; i < q->stop_count; i++)
        if (!q->stop[i]) return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "request.stop[%lu] is NULL", (unsigned long)i);
    for (i = 0; i < q->tool_count; i++) {
        const ailib_tool *t = &q->tools[i];
        if (!t->name || !*t->name) return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "request.tools[%lu].name is required", (unsigned long)i);
        if ((unsigned)t->kind > (unsigned)AILIB_TOOL_APPLY_PATCH)
            return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "request.tools[%lu].kind is not an ailib_tool_kind", (unsigned long)i);
        if (t->kind != AILIB_TOOL_FUNCTION && !t->spec && c->prov->protocol != AILIB_PROTOCOL_OPENAI_RESPONSES)
            return ailib__b_fail(c, AILIB_UNSUPPORTED, "request.tools[%lu] ('%s'): custom, local shell and apply patch tools are the "
                                 "OpenAI Responses API's (provider 'openai-responses'), not %s's: use a function tool here",
                                 (unsigned long)i, t->name, c->prov->name);
    }
    if (q->tool_choice.mode == AILIB_TOOL_CHOICE_NAMED && (!q->tool_choice.name || !*q->tool_choice.name))
        return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "tool_choice is AILIB_TOOL_CHOICE_NAMED but tool_choice.name is not set");
    if (q->response_format.type == AILIB_FORMAT_JSON_SCHEMA && (!q->response_format.schema || !*q->response_format.schema))
        return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "response_format is AILIB_FORMAT_JSON_SCHEMA but response_format.schema is not set");
    for (i = 0; i < q->message_count; i++) {
        const ailib_message *m = &q->messages[i];
        if (m->part_count && !m->parts) return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "messages[%lu].parts is NULL but part_count is %lu", (unsigned long)i, (unsigned long)m->part_count);
        if ((unsigned)m->role > AILIB_ROLE_TOOL) return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "messages[%lu].role is not an ailib_role", (unsigned long)i);
        for (j = 0; j < m->part_count; j++) {
            const ailib_part *p = &m->parts[j];
            if ((unsigned)p->type > AILIB_PART_PROVIDER_TOOL_RESULT)
                return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "messages[%lu].parts[%lu].type is not an ailib_part_type", (unsigned long)i, (unsigned long)j);
            if ((unsigned)p->call_kind > AILIB_CALL_MCP_APPROVAL)
                return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "messages[%lu].parts[%lu].call_kind is not an ailib_call_kind", (unsigned long)i, (unsigned long)j);
            if (p->type == AILIB_PART_TOOL_CALL && (!p->name || !*p->name))
                return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "messages[%lu].parts[%lu]: a tool call needs its name", (unsigned long)i, (unsigned long)j);
            if (p->type == AILIB_PART_TOOL_RESULT && (!p->id || !*p->id) && (!p->name || !*p->name))
                return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "messages[%lu].parts[%lu]: a tool result needs the call's id (part.id)", (unsigned long)i, (unsigned long)j);
            if ((p->type == AILIB_PART_IMAGE || p->type == AILIB_PART_AUDIO) && !p->url && !(p->data && p->data_len))
                return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "messages[%lu].parts[%lu]: media needs part.url or part.data + data_len", (unsigned long)i, (unsigned long)j);
        }
    }
    return AILIB_OK;
}

/* A part's signature (and redacted thinking) is only valid at the protocol that produced
   it: parts the caller made (origin 0) are sent as given. */
#define AILIB__NATIVE(c, p) ((p)->origin == 0 || (p)->origin == AILIB_ORIGIN((c)->prov->protocol))

/* A tool call id as the target protocol accepts it. The same id always maps to the same
   text, so a call and its result still match after the conversation changes provider:
   - AILIB_Q_TOOL_ID9 (Mistral): exactly 9 of [a-zA-Z0-9]; other ids become 9 base-62
     digits of their hash;
   - Anthropic and Bedrock: [a-zA-Z0-9_-]+; other bytes become '_' and 8 hex digits of the
     original's hash are appended (ids like "functions.get_weather:0" from Kimi);
   - everyone else: as given. */
static void ailib__b_tool_id(ailib__bctx *c, const char *id, size_t n) {
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    ailib_protocol pr = c->prov->protocol;
    size_t i, bad = 0;
    uint64_t h;
    if (!id) { id = ""; n = 0; } else n = ailib__slen(id, n);
    if (c->prov->quirks & AILIB_Q_TOOL_ID9) {
        char out[9];
        for (i = 0; i < n; i++) if (!isalnum((unsigned char)id[i])) bad = 1;
        if (n == 9 && !bad) { ailib_json_write_stringn(c->w, id, n); return; }
        h = ailib__fnv(AILIB__FNV_INIT, id, n);
        for (i = 0; i < 9; i++) { out[i] = b62[h % 62]; h /= 62; }   /* 62^9 < 2^64 */
        ailib_json_write_stringn(c->w, out, 9);
        return;
    }
    if (pr == AILIB_PROTOCOL_ANTHROPIC || pr == AILIB_PROTOCOL_BEDROCK) {
        ailib__buf b = {0, 0, 0};
        char tail[10];
        for (i = 0; i < n; i++) if (!isalnum((unsigned char)id[i]) && id[i] != '_' && id[i] != '-') bad = 1;
        if (!bad && n) { ailib_json_write_stringn(c->w, id, n); return; }
        snprintf(tail, sizeof tail, "_%08lx", (unsigned long)(ailib__fnv(AILIB__FNV_INIT, id, n) & 0xffffffffu));
        if (!ailib__buf_add(&c->w->alloc, &b, id, n) || !ailib__buf_add(&c->w->alloc, &b, tail, 9)) {
            ailib__free(&c->w->alloc, b.p);
            ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
            return;
        }
        for (i = 0; i < n; i++) if (!isalnum((unsigned char)b.p[i]) && b.p[i] != '_' && b.p[i] != '-') b.p[i] = '_';
        ailib_json_write_stringn(c->w, n ? b.p : b.p + 1, n ? b.len : b.len - 1);
        ailib__free(&c->w->alloc, b.p);
        return;
    }
    ailib_json_write_stringn(c->w, id, n);
}

/* Images or audio to a model whose catalog row says it cannot take them fail before
   anything is sent. Models the catalog does not know are given the benefit of the doubt. */
static ailib_result ailib__b_capabilities(ailib__bctx *c) {
    const ailib_request *q = c->req;
    const ailib_model_info *mi;
    char model[256];
    size_t i, j;
    ailib__copy_trunc(model, sizeof model, c->model, c->model_len);
    mi = ailib_model_find(c->prov->name, model);
    if (!mi) return AILIB_OK;
    for (i = 0; i < q->message_count; i++) {
        const ailib_message *m = &q->messages[i];
        for (j = 0; j < m->part_count; j++) {
            ailib_part_type t = m->parts[j].type;
            if (t == AILIB_PART_IMAGE && !(mi->caps & AILIB_CAP_VISION))
                return ailib__b_fail(c, AILIB_UNSUPPORTED, "model '%s' of '%s' does not take images (catalog): choose a vision model",
                                     model, c->prov->name);
            if (t == AILIB_PART_AUDIO && !(mi->caps & AILIB_CAP_AUDIO))
                return ailib__b_fail(c, AILIB_UNSUPPORTED, "model '%s' of '%s' does not take audio (catalog): choose an audio model",
                                     model, c->prov->name);
        }
    }
    if (q->tool_count && !(mi->caps & AILIB_CAP_TOOLS))
        return ailib__b_fail(c, AILIB_UNSUPPORTED, "model '%s' of '%s' does not support tools (catalog)", model, c->prov->name);
    return AILIB_OK;
}
/* >>openai: OpenAI chat completions and its dialects =========================================== */

static void ailib__oa_system(ailib__bctx *c, const char *text, size_t n) {
    ailib_json_writer *w = c->w;
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "role");
    ailib_json_write_string(w, (c->prov->quirks & AILIB_Q_DEVELOPER_ROLE) ? "developer" : "system");
    ailib_json_write_key(w, "content");
    ailib_json_write_stringn(w, text, n);
    ailib_json_write_object_end(w);
}

/* A user turn: a plain string when it is one text part, else an array of content parts
   (OpenAI's shape, which Cohere shares; audio only where the dialect takes input_audio). */
static void ailib__oa_user_parts(ailib__bctx *c, const ailib_part *ps, size_t n, int audio_ok) {
    ailib_json_writer *w = c->w;
    size_t i, kept = 0;
    const ailib_part *only = NULL;
    for (i = 0; i < n; i++) if (ps[i].type != AILIB_PART_TOOL_RESULT) { kept++; only = &ps[i]; }
    if (!kept) return;
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "role");
    ailib_json_write_string(w, "user");
    ailib_json_write_key(w, "content");
    if (kept == 1 && only->type == AILIB_PART_TEXT) {
        ailib_json_write_stringn(w, only->text ? only->text : "", ailib__slen(only->text, only->text_len));
    } else {
        ailib_json_write_array_begin(w);
        for (i = 0; i < n; i++) {
            const ailib_part *p = &ps[i];
            if (p->type == AILIB_PART_TEXT || p->type == AILIB_PART_THINKING) {
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "type"); ailib_json_write_string(w, "text");
                ailib_json_write_key(w, "text"); ailib_json_write_stringn(w, p->text ? p->text : "", ailib__slen(p->text, p->text_len));
                ailib_json_write_object_end(w);
            } else if (p->type == AILIB_PART_IMAGE) {
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "type"); ailib_json_write_string(w, "image_url");
                ailib_json_write_key(w, "image_url");
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "url"); ailib__b_image_url(c, p);
                ailib_json_write_object_end(w);
                ailib_json_write_object_end(w);
            } else if (p->type == AILIB_PART_AUDIO) {
                const char *fmt = (p->mime && strstr(p->mime, "mp")) ? "mp3" : "wav";
                if (!audio_ok) { ailib__b_fail(c, AILIB_UNSUPPORTED, "%s does not take audio input", c->prov->name); return; }
                if (!p->data) { ailib__b_fail(c, AILIB_UNSUPPORTED, "audio input by URL is not supported by %s: pass part.data", c->prov->name); return; }
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "type"); ailib_json_write_string(w, "input_audio");
                ailib_json_write_key(w, "input_audio");
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "data"); ailib__b_base64(c, NULL, p->data, p->data_len);
                ailib_json_write_key(w, "format"); ailib_json_write_string(w, fmt);
                ailib_json_write_object_end(w);
                ailib_json_write_object_end(w);
            }
        }
        ailib_json_write_array_end(w);
    }
    ailib_json_write_object_end(w);
}

static void ailib__oa_tool_results(ailib__bctx *c, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    size_t i;
    for (i = 0; i < n; i++) {
        const ailib_part *p = &ps[i];
        if (p->type != AILIB_PART_TOOL_RESULT) continue;
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "role"); ailib_json_write_string(w, "tool");
        ailib_json_write_key(w, "tool_call_id"); ailib__b_tool_id(c, p->id, p->id_len);
        ailib_json_write_key(w, "content"); ailib_json_write_stringn(w, p->text ? p->text : "", ailib__slen(p->text, p->text_len));
        ailib_json_write_object_end(w);
    }
}

/* The tool_calls array of an assistant turn, arguments as a JSON string (OpenAI's shape,
   which Cohere shares). */
static void ailib__oa_tool_calls(ailib__bctx *c, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    size_t i;
    ailib_json_write_key(w, "tool_calls");
    ailib_json_write_array_begin(w);
    for (i = 0; i < n; i++) {
        const ailib_part *p = &ps[i];
        size_t an = ailib__slen(p->text, p->text_len);
        if (p->type != AILIB_PART_TOOL_CALL) continue;
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "id"); ailib__b_tool_id(c, p->id, p->id_len);
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, "function");
        ailib_json_write_key(w, "function");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "name"); ailib_json_write_stringn(w, p->name, ailib__slen(p->name, p->name_len));
        ailib_json_write_key(w, "arguments");
        if (p->text && an) ailib_json_write_stringn(w, p->text, an); else ailib_json_write_string(w, "{}");
        ailib_json_write_object_end(w);
        ailib_json_write_object_end(w);
    }
    ailib_json_write_array_end(w);
}

/* An assistant turn: text joined, tool calls, and reasoning echoed where the dialect needs it. */
static void ailib__oa_assistant(ailib__bctx *c, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    size_t i, ntext = 0, ncalls = 0, nthink = 0;
    for (i = 0; i < n; i++) {
        if (ps[i].type == AILIB_PART_TEXT) ntext++;
        else if (ps[i].type == AILIB_PART_TOOL_CALL) ncalls++;
        else if (ps[i].type == AILIB_PART_THINKING && ailib__slen(ps[i].text, ps[i].text_len)) nthink++;
    }
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "role"); ailib_json_write_string(w, "assistant");
    ailib_json_write_key(w, "content");
    if (!ntext && ncalls) ailib_json_write_null(w);
    else {
        /* several text parts become one string: the dialects all take a string here */
        if (ntext <= 1) {
            const ailib_part *t = NULL;
            for (i = 0; i < n; i++) if (ps[i].type == AILIB_PART_TEXT) t = &ps[i];
            ailib_json_write_stringn(w, t && t->text ? t->text : "", t ? ailib__slen(t->text, t->text_len) : 0);
        } else {
            ailib__buf joined = {0, 0, 0};
            for (i = 0; i < n; i++)
                if (ps[i].type == AILIB_PART_TEXT && ps[i].text && !ailib__buf_add(&w->alloc, &joined, ps[i].text, ailib__slen(ps[i].text, ps[i].text_len)))
                    ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
            ailib_json_write_stringn(w, joined.p ? joined.p : "", joined.len);
            ailib__free(&w->alloc, joined.p);
        }
    }
    if (nthink && (c->prov->quirks & AILIB_Q_ECHO_REASONING)) {
        ailib__buf joined = {0, 0, 0};
        for (i = 0; i < n; i++)
            if (ps[i].type == AILIB_PART_THINKING && ps[i].text && !ailib__buf_add(&w->alloc, &joined, ps[i].text, ailib__slen(ps[i].text, ps[i].text_len)))
                ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
        ailib_json_write_key(w, "reasoning_content");
        ailib_json_write_stringn(w, joined.p ? joined.p : "", joined.len);
        ailib__free(&w->alloc, joined.p);
    }
    if (ncalls) ailib__oa_tool_calls(c, ps, n);
    ailib_json_write_object_end(w);
}

static void ailib__oa_messages(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i, j, n;
    ailib_part tmp;
    ailib_json_write_key(w, "messages");
    ailib_json_write_array_begin(w);
    if (q->system && *q->system) ailib__oa_system(c, q->system, strlen(q->system));
    for (i = 0; i < q->message_count; i++) {
        const ailib_message *m = &q->messages[i];
        const ailib_part *ps = ailib__b_parts(m, &tmp, &n);
        switch (m->role) {
        case AILIB_ROLE_SYSTEM:
            for (j = 0; j < n; j++)
                if (ps[j].type == AILIB_PART_TEXT) ailib__oa_system(c, ps[j].text ? ps[j].text : "", ailib__slen(ps[j].text, ps[j].text_len));
            break;
        case AILIB_ROLE_USER:
        case AILIB_ROLE_TOOL:
            ailib__oa_tool_results(c, ps, n);
            ailib__oa_user_parts(c, ps, n, 1);
            break;
        case AILIB_ROLE_ASSISTANT:
            ailib__oa_assistant(c, ps, n);
            break;
        }
    }
    ailib_json_write_array_end(w);
}

/* "tools": [{"type":"function","function":{name, description, parameters}}], the shape
   OpenAI, Ollama and Cohere share; per-tool "strict" only where the dialect takes it. */
static void ailib__oa_tools_array(ailib__bctx *c, int with_strict) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i;
    ailib_json_write_key(w, "tools");
    ailib_json_write_array_begin(w);
    for (i = 0; i < q->tool_count; i++) {
        const ailib_tool *t = &q->tools[i];
        if (t->spec) { ailib__b_tool_spec(c, t); continue; }
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, "function");
        ailib_json_write_key(w, "function");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "name"); ailib_json_write_string(w, t->name);
        if (t->description) { ailib_json_write_key(w, "description"); ailib_json_write_string(w, t->description); }
        ailib_json_write_key(w, "parameters"); ailib__b_tool_schema(c, t);
        if (with_strict && t->strict) { ailib_json_write_key(w, "strict"); ailib_json_write_bool(w, 1); }
        ailib_json_write_object_end(w);
        ailib_json_write_object_end(w);
    }
    ailib_json_write_array_end(w);
}

static void ailib__oa_tools(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    uint32_t qk = c->prov->quirks;
    if (q->tool_count) ailib__oa_tools_array(c, 1);
    if (!(qk & AILIB_Q_NO_TOOL_CHOICE) && (q->tool_count || q->tool_choice.mode == AILIB_TOOL_CHOICE_NONE) &&
        q->tool_choice.mode != AILIB_TOOL_CHOICE_AUTO) {
        ailib_json_write_key(w, "tool_choice");
        switch (q->tool_choice.mode) {
        case AILIB_TOOL_CHOICE_NONE: ailib_json_write_string(w, "none"); break;
        case AILIB_TOOL_CHOICE_REQUIRED: ailib_json_write_string(w, (qk & AILIB_Q_TOOL_CHOICE_ANY) ? "any" : "required"); break;
        default:
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "type"); ailib_json_write_string(w, "function");
            ailib_json_write_key(w, "function");
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "name"); ailib_json_write_string(w, q->tool_choice.name);
            ailib_json_write_object_end(w);
            ailib_json_write_object_end(w);
            break;
        }
    }
    if (q->tool_count && q->parallel_tool_calls != AILIB_DEFAULT && !(qk & AILIB_Q_NO_PARALLEL_TOOLS)) {
        ailib_json_write_key(w, "parallel_tool_calls");
        ailib_json_write_bool(w, q->parallel_tool_calls == AILIB_ON);
    }
}

/* Reasoning options in the dialect the catalog row names. */
static void ailib__oa_reasoning(ailib__bctx *c) {
    const ailib_reasoning *r = &c->req->reasoning;
    ailib_json_writer *w = c->w;
    uint32_t qk = c->prov->quirks;
    int64_t budget = ailib__reasoning_budget(r);
    const char *effort = ailib__effort_str(r->effort);
    if (!ailib__reasoning_requested(r) && !r->exclude) return;
    if (qk & AILIB_Q_REASONING_OBJECT) {
        ailib_json_write_key(w, "reasoning");
        ailib_json_write_object_begin(w);
        if (r->effort == AILIB_EFFORT_NONE) { ailib_json_write_key(w, "enabled"); ailib_json_write_bool(w, 0); }
        else if (r->budget_tokens > 0) { ailib_json_write_key(w, "max_tokens"); ailib_json_write_int(w, r->budget_tokens); }
        else if (effort) { ailib_json_write_key(w, "effort"); ailib_json_write_string(w, effort); }
        if (r->exclude) { ailib_json_write_key(w, "exclude"); ailib_json_write_bool(w, 1); }
        ailib_json_write_object_end(w);
        return;
    }
    if (!ailib__reasoning_requested(r)) return;
    if (qk & AILIB_Q_ENABLE_THINKING) {
        ailib_json_write_key(w, "enable_thinking");
        ailib_json_write_bool(w, budget != 0);
        if (budget > 0 && r->budget_tokens > 0) { ailib_json_write_key(w, "thinking_budget"); ailib_json_write_int(w, budget); }
    }
    if (qk & AILIB_Q_THINKING_TYPE) {
        ailib_json_write_key(w, "thinking");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, budget == 0 ? "disabled" : "enabled");
        ailib_json_write_object_end(w);
    }
    if ((qk & AILIB_Q_REASONING_EFFORT) && effort) {
        ailib_json_write_key(w, "reasoning_effort");
        ailib_json_write_string(w, effort);
    }
}

static void ailib__oa_response_format(ailib__bctx *c) {
    const ailib_response_format *f = &c->req->response_format;
    ailib_json_writer *w = c->w;
    if (f->type == AILIB_FORMAT_TEXT) return;
    ailib_json_write_key(w, "response_format");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "type");
    if (f->type == AILIB_FORMAT_JSON) ailib_json_write_string(w, "json_object");
    else {
        ailib_json_write_string(w, "json_schema");
        ailib_json_write_key(w, "json_schema");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "name"); ailib_json_write_string(w, f->name ? f->name : "response");
        ailib_json_write_key(w, "schema"); ailib__b_json_text(c, f->schema, strlen(f->schema), "response_format.schema", NULL);
        if (f->strict) { ailib_json_write_key(w, "strict"); ailib_json_write_bool(w, 1); }
        ailib_json_write_object_end(w);
    }
    ailib_json_write_object_end(w);
}

static ailib_result ailib__oa_build(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    uint32_t qk = c->prov->quirks;
    if (qk & AILIB_Q_AZURE_DEPLOYMENTS) {
        const char *v = c->ep->api_version ? c->ep->api_version : "2024-10-21";
        ailib__b_path(c, "/openai/deployments/");
        ailib__b_path_escaped(c, c->model, c->model_len);
        ailib__b_path(c, "/chat/completions?api-version=");
        ailib__b_path_escaped(c, v, strlen(v));
    } else ailib__b_path(c, "/chat/completions");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "model");
    ailib_json_write_stringn(w, c->model, c->model_len);
    ailib__oa_messages(c);
    ailib__oa_tools(c);
    ailib__b_optf(c, "temperature", q->temperature);
    ailib__b_optf(c, "top_p", q->top_p);
    ailib__b_opti(c, "top_k", q->top_k);
    ailib__b_optf(c, "presence_penalty", q->presence_penalty);
    ailib__b_optf(c, "frequency_penalty", q->frequency_penalty);
    ailib__b_opti(c, (qk & AILIB_Q_RANDOM_SEED) ? "random_seed" : "seed", q->seed);
    if (q->max_tokens > 0) {
        ailib_json_write_key(w, (qk & AILIB_Q_MAX_COMPLETION_TOKENS) ? "max_completion_tokens" : "max_tokens");
        ailib_json_write_int(w, q->max_tokens);
    }
    ailib__b_stop_array(c, "stop");
    ailib__oa_response_format(c);
    ailib__oa_reasoning(c);
    if (q->user) { ailib_json_write_key(w, "user"); ailib_json_write_string(w, q->user); }
    if (c->stream) {
        ailib_json_write_key(w, "stream"); ailib_json_write_bool(w, 1);
        if (qk & AILIB_Q_STREAM_OPTIONS) {
            ailib_json_write_key(w, "stream_options");
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "include_usage"); ailib_json_write_bool(w, 1);
            ailib_json_write_object_end(w);
        }
    }
    ailib_json_write_object_end(w);
    return c->fail;
}

/* --- reading ------------------------------------------------------------------------------ */

/* Shape rules (the provider's reference and the recordings). A whole response needs
   "choices", a non-empty array whose first element is an object with a "message" object; its
   error forms ({"error":...}, a non-zero body "code" in the dialects that use one) are the
   provider's error. A stream chunk needs no member in particular (Azure's first chunk and the
   usage chunk carry "choices": [], a finish chunk may have no delta), but a stream needs one
   chunk with "choices", "usage" or an error. Where present, in both: choices an array of
   objects; message / delta an object; content a string, an array of part objects (Mistral)
   or null; reasoning_content and refusal strings or null (reasoning may also be an object,
   ignored); tool_calls an array of objects (or null) whose id is a string, whose function is
   an object with a string name and arguments as a string or an object (some servers), where
   present (null counts as absent); finish_reason a string or null; usage an object or null.
   Other members are ignored. */

/* Usage of any OpenAI dialect, normalized as ailib_usage says: DeepSeek cache fields, top-level
   cached_tokens (Kimi, Together), and xAI's completion_tokens that exclude reasoning, told
   apart by the arithmetic of total_tokens rather than by provider name. Sums saturate. */
static void ailib__oa_usage(ailib_stream *s, const ailib_json *u) {
    const ailib_json *k, *v;
    size_t n;
    int64_t prompt = 0, completion = 0, total = 0, cached = 0, reasoning = 0;
    uint32_t rep = 0;
    if (!ailib_json_is_object(u)) return;
    for (AILIB__MEMBERS(u, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "prompt_tokens")) { prompt = ailib_json_int(v); rep |= AILIB_USAGE_INPUT; }
        else if (AILIB__KEY(k, "completion_tokens")) { completion = ailib_json_int(v); rep |= AILIB_USAGE_OUTPUT; }
        else if (AILIB__KEY(k, "total_tokens")) total = ailib_json_int(v);
        else if (AILIB__KEY(k, "prompt_tokens_details")) {
            const ailib_json *ct = ailib_json_get(v, "cached_tokens");
            if (ailib_json_is_number(ct)) { cached = ailib_json_int(ct); rep |= AILIB_USAGE_CACHED; }
        } else if (AILIB__KEY(k, "prompt_cache_hit_tokens") || AILIB__KEY(k, "cached_tokens")) {
            if (ailib_json_is_number(v) && !(rep & AILIB_USAGE_CACHED)) { cached = ailib_json_int(v); rep |= AILIB_USAGE_CACHED; }
        } else if (AILIB__KEY(k, "completion_tokens_details")) {
            const ailib_json *rt = ailib_json_get(v, "reasoning_tokens");
            if (ailib_json_is_number(rt)) { reasoning = ailib_json_int(rt); rep |= AILIB_USAGE_REASONING; }
        }
    }
    if (reasoning > 0 && total > 0 && total == ailib__sat_add(ailib__sat_add(prompt, completion), reasoning))
        completion = ailib__sat_add(completion, reasoning);
    s->acc.usage.input_tokens = prompt;
    s->acc.usage.output_tokens = completion;
    s->acc.usage.cached_input_tokens = cached;
    s->acc.usage.reasoning_tokens = reasoning;
    s->acc.usage.reported = rep;
    ailib__acc_usage_emit(&s->acc);
}

static void ailib__oa_text(ailib_stream *s, const char *t, size_t n) {
    if (s->prov->quirks & AILIB_Q_THINK_TAGS) ailib__think_feed(&s->think, &s->acc, t, n);
    else ailib__acc_text(&s->acc, t, n);
}

/* content: a string, or (Mistral Magistral) an array of text / thinking chunks. ci and mk
   (the choice number, "message" or "delta") name where it is, for shape errors. */
static void ailib__oa_content(ailib_stream *s, const ailib_json *v, size_t ci, const char *mk) {
    size_t n, m, tl, j = 0, i2;
    const ailib_json *e, *t;
    const char *str = ailib_json_str(v, &tl);
    if (str) { ailib__oa_text(s, str, tl); return; }
    if (!ailib__jopt(v, AILIB_JSON_ARRAY)) {
        ailib__shape_fail(s, v, "a string, an array of parts or null", "$.choices[%lu].%s.content", (unsigned long)ci, mk);
        return;
    }
    for (AILIB__ELEMS(v, e, n)) {
        const ailib_json *type = ailib_json_get(e, "type"), *x;
        if (!ailib_json_is_object(e)) {
            ailib__shape_fail(s, e, "an object", "$.choices[%lu].%s.content[%lu]", (unsigned long)ci, mk, (unsigned long)j);
            return;
        }
        if (ailib__jstr_eq(type, "text")) {
            if ((str = ailib_json_str(x = ailib_json_get(e, "text"), &tl)) != NULL) ailib__oa_text(s, str, tl);
            else if (!ailib_json_is_null(x)) {
                ailib__shape_fail(s, x, "a string", "$.choices[%lu].%s.content[%lu].text", (unsigned long)ci, mk, (unsigned long)j);
                return;
            }
        } else if (ailib__jstr_eq(type, "thinking")) {
            const ailib_json *th = ailib_json_get(e, "thinking");
            if ((str = ailib_json_str(th, &tl)) != NULL) ailib__acc_reasoning(&s->acc, str, tl);
            else if (!ailib__jopt(th, AILIB_JSON_ARRAY)) {
                ailib__shape_fail(s, th, "a string or an array", "$.choices[%lu].%s.content[%lu].thinking", (unsigned long)ci, mk, (unsigned long)j);
                return;
            }
            i2 = 0;
            for (AILIB__ELEMS(th, t, m)) {
                if ((str = ailib_json_str(x = ailib_json_get(t, "text"), &tl)) != NULL) ailib__acc_reasoning(&s->acc, str, tl);
                else if (!ailib_json_is_object(t) || !ailib_json_is_null(x)) {
                    ailib__shape_fail(s, t, "an object with a string text", "$.choices[%lu].%s.content[%lu].thinking[%lu]",
                                      (unsigned long)ci, mk, (unsigned long)j, (unsigned long)i2);
                    return;
                }
                i2++;
            }
        }
        j++;
    }
}

static void ailib__oa_bad_call(ailib_stream *s, const ailib_json *v, const char *expected, size_t ci, const char *mk,
                               size_t ti, const char *member) {
    ailib__shape_fail(s, v, expected, "$.choices[%lu].%s.tool_calls[%lu].%s", (unsigned long)ci, mk, (unsigned long)ti, member);
}

/* One streamed tool-call delta (or a whole call): its index names the call (no index: the last
   call), and a new, different id at a known index opens a new call; arguments are appended. */
static void ailib__oa_tool_delta(ailib_stream *s, const ailib_json *tc, size_t ci, const char *mk, size_t ti) {
    const ailib_json *iv = ailib_json_get(tc, "index"), *fn = ailib_json_get(tc, "function"), *av, *idv, *nv;
    size_t idn = 0, nn = 0, an = 0;
    const char *id, *name, *args;
    int has_idx = ailib_json_is_number(iv);
    int64_t idx = has_idx ? ailib_json_int(iv) : -1;
    ailib__slot *sl;
    ailib_json_writer w;
    if (!ailib_json_is_object(tc)) {
        ailib__shape_fail(s, tc, "an object", "$.choices[%lu].%s.tool_calls[%lu]", (unsigned long)ci, mk, (unsigned long)ti);
        return;
    }
    id = ailib_json_str(idv = ailib_json_get(tc, "id"), &idn);
    name = ailib_json_str(nv = ailib_json_get(fn, "name"), &nn);
    av = ailib_json_get(fn, "arguments");
    if (!ailib__jopt(fn, AILIB_JSON_OBJECT)) { ailib__oa_bad_call(s, fn, "an object", ci, mk, ti, "function"); return; }
    if (!ailib__jopt(idv, AILIB_JSON_STRING)) { ailib__oa_bad_call(s, idv, "a string or null", ci, mk, ti, "id"); return; }
    if (!ailib__jopt(nv, AILIB_JSON_STRING)) { ailib__oa_bad_call(s, nv, "a string or null", ci, mk, ti, "function.name"); return; }
    if (!ailib__jopt(av, AILIB_JSON_STRING) && !ailib_json_is_object(av)) {
        ailib__oa_bad_call(s, av, "a string, an object or null", ci, mk, ti, "function.arguments");
        return;
    }
    sl = has_idx ? ailib__slot_find(s, idx) : (s->nslots ? &s->slots[s->nslots - 1] : NULL);
    if (sl && idn) {
        /* a new, different id at a known slot opens a new call (index reuse, missing index) */
        const ailib__apart *p = ailib__acc_call(&s->acc, sl->call);
        if (p && p->id.len && !(p->id.len == idn && memcmp(p->id.p, id, idn) == 0)) sl = NULL;
    }
    if (!sl) {
        size_t call = ailib__acc_tool_begin(&s->acc, id, idn, name, nn);
        if (call == (size_t)-1 || !(sl = ailib__slot_add(s, idx, 0, call))) return;
    } else ailib__acc_tool_ident(&s->acc, sl->call, id, idn, name, nn);
    if ((args = ailib_json_str(av, &an)) != NULL) { ailib__acc_tool_args(&s->acc, sl->call, args, an); return; }
    if (ailib_json_is_object(av)) {
        /* some servers send the arguments as an object: keep them as JSON text */
        ailib_json_writer_init(&w, &s->alloc);
        ailib_json_write_value(&w, av);
        if (ailib_json_writer_finish(&w) == AILIB_OK) ailib__acc_tool_args(&s->acc, sl->call, w.buf, w.len);
        else s->acc.oom = 1;
        ailib_json_writer_deinit(&w);
    }
}

/* The fields of a message (whole response) or delta (stream chunk). Servers that carry the
   reasoning under both names (reasoning_content and reasoning, the same text) have it counted
   once: the first of the two wins. */
static void ailib__oa_message(ailib_stream *s, const ailib_json *m, size_t ci, const char *mk) {
    const ailib_json *k, *v, *e;
    size_t n, m2, tl, ti;
    const char *str;
    int reasoned = 0;
    for (AILIB__MEMBERS(m, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "content")) ailib__oa_content(s, v, ci, mk);
        else if (AILIB__KEY(k, "reasoning_content") || AILIB__KEY(k, "reasoning") || AILIB__KEY(k, "refusal")) {
            if ((str = ailib_json_str(v, &tl)) != NULL) {
                if (AILIB__KEY(k, "refusal")) ailib__acc_text(&s->acc, str, tl);
                else if (tl && !reasoned++) ailib__acc_reasoning(&s->acc, str, tl);
            } else if (!ailib_json_is_null(v) && !(AILIB__KEY(k, "reasoning") && ailib_json_is_object(v))) {
                ailib__shape_fail(s, v, "a string or null", "$.choices[%lu].%s.%.*s", (unsigned long)ci, mk, (int)AILIB__JLEN(k), k->u.s);
            }
        } else if (AILIB__KEY(k, "tool_calls")) {
            if (!ailib__jopt(v, AILIB_JSON_ARRAY)) {
                ailib__shape_fail(s, v, "an array or null", "$.choices[%lu].%s.tool_calls", (unsigned long)ci, mk);
                return;
            }
            ti = 0;
            for (AILIB__ELEMS(v, e, m2)) {
                ailib__oa_tool_delta(s, e, ci, mk, ti++);
                if (s->fail != AILIB_OK) return;
            }
        }
        if (s->fail != AILIB_OK) return;
    }
}

/* One element of choices; a whole response's (in_stream 0) must carry a message. */
static void ailib__oa_choice(ailib_stream *s, const ailib_json *ch, size_t ci, int in_stream) {
    const ailib_json *k, *fin = NULL, *msg = NULL, *u = NULL;
    const char *mk = in_stream ? "delta" : "message";
    size_t n, fl;
    const char *fs;
    if (!ailib_json_is_object(ch)) { ailib__shape_fail(s, ch, "an object", "$.choices[%lu]", (unsigned long)ci); return; }
    for (AILIB__MEMBERS(ch, k, n)) {
        if (AILIB__KEY(k, "delta")) { msg = k + 1; mk = "delta"; }
        else if (AILIB__KEY(k, "message")) { msg = k + 1; mk = "message"; }
        else if (AILIB__KEY(k, "finish_reason")) fin = k + 1;
        else if (AILIB__KEY(k, "usage")) u = k + 1;          /* Moonshot puts usage here */
        else if (AILIB__KEY(k, "index") && ailib_json_int(k + 1) != 0) return;   /* n > 1: first choice only */
    }
    if (in_stream ? !ailib__jopt(msg, AILIB_JSON_OBJECT) : !ailib_json_is_object(msg)) {
        ailib__shape_fail(s, msg, in_stream ? "an object or null" : "an object", "$.choices[%lu].%s", (unsigned long)ci, mk);
        return;
    }
    if (!ailib__jopt(fin, AILIB_JSON_STRING) || !ailib__jopt(u, AILIB_JSON_OBJECT)) {
        int f = !ailib__jopt(fin, AILIB_JSON_STRING);
        ailib__shape_fail(s, f ? fin : u, f ? "a string or null" : "an object or null", "$.choices[%lu].%s", (unsigned long)ci,
                          f ? "finish_reason" : "usage");
        return;
    }
    if (msg) ailib__oa_message(s, msg, ci, mk);
    if (s->fail != AILIB_OK) return;
    if (u) ailib__oa_usage(s, u);
    if ((fs = ailib_json_str(fin, &fl)) != NULL && fl) {
        ailib__think_flush(&s->think, &s->acc);
        ailib__acc_finish(&s->acc, fs, fl);
    }
}

/* Top-level fields shared by chunks and whole responses; returns the error member if any. */
static ailib_result ailib__oa_chunk(ailib_stream *s, const ailib_json *root, int in_stream) {
    const ailib_json *k, *v, *e, *err = NULL, *choices = NULL, *usage = NULL;
    size_t n, sl, ci = 0;
    const char *str;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
    for (AILIB__MEMBERS(root, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "choices")) choices = v;
        else if (AILIB__KEY(k, "usage")) usage = v;
        else if (AILIB__KEY(k, "id")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.id, str, sl); }
        else if (AILIB__KEY(k, "model")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.model, str, sl); }
        else if (AILIB__KEY(k, "error")) { if (!ailib_json_is_null(v)) err = v; }
        else if (AILIB__KEY(k, "code") && (s->prov->quirks & AILIB_Q_BODY_ERROR_CODE)) {
            if (ailib_json_is_number(v) && ailib_json_int(v) != 0) err = v;
        }
    }
    if (!ailib__jopt(choices, AILIB_JSON_ARRAY)) return ailib__shape_fail(s, choices, "an array", "$.choices");
    if (!ailib__jopt(usage, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, usage, "an object or null", "$.usage");
    if (!in_stream && !err && !ailib_json_size(choices))
        return ailib__shape_fail(s, choices, "a non-empty array of choices", "$.choices");
    if (choices || ailib_json_is_object(usage) || err) s->shaped = 1;
    for (AILIB__ELEMS(choices, e, n)) {
        ailib__oa_choice(s, e, ci++, in_stream);
        if (s->fail != AILIB_OK) return s->fail;
    }
    if (ailib_json_is_object(usage)) ailib__oa_usage(s, usage);
    if (err) return ailib__stream_provider_error(s, root);
    return AILIB_OK;
}

static ailib_result ailib__oa_event(ailib_stream *s, const char *ev, size_t evn, const ailib_json *root) {
    if (evn == 5 && memcmp(ev, "error", 5) == 0) {
        /* event: error (Groq) is the provider's error whatever its payload carries */
        s->shaped = 1;
        if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
        return ailib__stream_provider_error(s, root);
    }
    /* a finish reason (and the usage asked for) completes the answer even if a server omits
       [DONE]: ailib__stream_complete */
    return ailib__oa_chunk(s, root, 1);
}

static ailib_result ailib__oa_parse(ailib_stream *s, const ailib_json *root) {
    ailib_result r = ailib__oa_chunk(s, root, 0);
    ailib__think_flush(&s->think, &s->acc);
    ailib__acc_tool_end_all(&s->acc);
    return r;
}

static const ailib__adapter ailib__adapter_openai = { "openai_chat", 0, ailib__oa_event, ailib__oa_parse, ailib__oa_build, NULL, 0 };
/* >>anthropic: Anthropic Messages API ========================================================= */

/* Writes a string field that may be NULL (then ""), with the part convention len 0 = strlen. */
/* The media type of image bytes from their magic number, for parts that leave mime unset. */
static const char *ailib__an_sniff(const void *data, size_t n) {
    const unsigned char *d = (const unsigned char *)data;
    if (n >= 4 && d[0] == 0x89 && memcmp(d + 1, "PNG", 3) == 0) return "image/png";
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "image/jpeg";
    if (n >= 4 && memcmp(d, "GIF8", 4) == 0) return "image/gif";
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) return "image/webp";
    return NULL;
}

/* "system": request.system and the text of every SYSTEM-role message, joined by blank lines
   (the Messages API has one system slot and no system role). */
static void ailib__an_system(ailib__bctx *c) {
    const ailib_request *q = c->req;
    const ailib_allocator *a = &c->w->alloc;
    ailib__buf b = {0, 0, 0};
    size_t i, j, n;
    ailib_part tmp;
    int ok = 1;
    if (q->system && *q->system) ok = ailib__buf_add(a, &b, q->system, strlen(q->system));
    for (i = 0; i < q->message_count && ok; i++) {
        const ailib_part *ps;
        if (q->messages[i].role != AILIB_ROLE_SYSTEM) continue;
        ps = ailib__b_parts(&q->messages[i], &tmp, &n);
        for (j = 0; j < n && ok; j++) {
            size_t tl = ailib__slen(ps[j].text, ps[j].text_len);
            if (ps[j].type != AILIB_PART_TEXT || !ps[j].text || !tl) continue;
            if (b.len) ok = ailib__buf_add(a, &b, "\n\n", 2);
            if (ok) ok = ailib__buf_add(a, &b, ps[j].text, tl);
        }
    }
    if (!ok) ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
    else if (b.len) {
        ailib_json_write_key(c->w, "system");
        ailib_json_write_stringn(c->w, b.p, b.len);
    }
    ailib__free(a, b.p);
}

/* An image block: a URL source, a data: URL or bytes as a base64 source. */
static void ailib__an_image(ailib__bctx *c, const ailib_part *p) {
    ailib_json_writer *w = c->w;
    size_t ul = p->url ? ailib__slen(p->url, p->url_len) : 0;
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "type"); ailib_json_write_string(w, "image");
    ailib_json_write_key(w, "source");
    ailib_json_write_object_begin(w);
    if (p->url && ul > 5 && memcmp(p->url, "data:", 5) == 0) {
        const char *comma = (const char *)memchr(p->url, ',', ul);
        if (!comma || comma - p->url < 12 || memcmp(comma - 7, ";base64", 7) != 0) {
            ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "image data: URL must be base64 (data:<mime>;base64,...)");
        } else {
            ailib_json_write_key(w, "type"); ailib_json_write_string(w, "base64");
            ailib_json_write_key(w, "media_type"); ailib_json_write_stringn(w, p->url + 5, (size_t)(comma - 7 - (p->url + 5)));
            ailib_json_write_key(w, "data"); ailib_json_write_stringn(w, comma + 1, ul - (size_t)(comma + 1 - p->url));
        }
    } else if (p->url) {
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, "url");
        ailib_json_write_key(w, "url"); ailib_json_write_stringn(w, p->url, ul);
    } else {
        const char *mime = p->mime ? p->mime : ailib__an_sniff(p->data, p->data_len);
        if (!mime) ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "image part: set part.mime (\"image/png\", \"image/jpeg\", ...)");
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, "base64");
        ailib_json_write_key(w, "media_type"); ailib_json_write_string(w, mime ? mime : "");
        ailib_json_write_key(w, "data"); ailib__b_base64(c, NULL, p->data, p->data_len);
    }
    ailib_json_write_object_end(w);
    ailib_json_write_object_end(w);
}

static void ailib__an_text_block(ailib_json_writer *w, const char *s, size_t n) {
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "type"); ailib_json_write_string(w, "text");
    ailib_json_write_key(w, "text"); ailib_json_write_stringn(w, s, n);
    ailib_json_write_object_end(w);
}

/* -1 for system messages (they go to "system"), 1 for assistant turns, 0 for user turns (tool
   results travel in user turns). */
static int ailib__an_side(ailib_role r) {
    return r == AILIB_ROLE_SYSTEM ? -1 : r == AILIB_ROLE_ASSISTANT ? 1 : 0;
}

/* One user turn from messages [from, to): every tool result first (the API wants them ahead
   of any text), then text and images. Returns the number of blocks written. */
static size_t ailib__an_user_blocks(ailib__bctx *c, size_t from, size_t to) {
    ailib_json_writer *w = c->w;
    size_t i, j, n, count = 0;
    int pass;
    ailib_part tmp;
    for (pass = 0; pass < 2; pass++) {
        for (i = from; i < to; i++) {
            const ailib_part *ps;
            if (ailib__an_side(c->req->messages[i].role) != 0) continue;
            ps = ailib__b_parts(&c->req->messages[i], &tmp, &n);
            for (j = 0; j < n; j++) {
                const ailib_part *p = &ps[j];
                size_t tl = p->text ? ailib__slen(p->text, p->text_len) : 0;
                if (pass == 0 && p->type == AILIB_PART_TOOL_RESULT) {
                    if (!p->id || !*p->id) {
                        ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "messages[%lu]: a tool result needs the call's id (part.id) for %s",
                                      (unsigned long)i, c->prov->name);
                        return count;
                    }
                    ailib_json_write_object_begin(w);
                    ailib_json_write_key(w, "type"); ailib_json_write_string(w, "tool_result");
                    ailib_json_write_key(w, "tool_use_id"); ailib__b_tool_id(c, p->id, p->id_len);
                    if (tl) { ailib_json_write_key(w, "content"); ailib_json_write_stringn(w, p->text, tl); }
                    if (p->is_error) { ailib_json_write_key(w, "is_error"); ailib_json_write_bool(w, 1); }
                    ailib_json_write_object_end(w);
                    count++;
                } else if (pass == 1 && (p->type == AILIB_PART_TEXT || p->type == AILIB_PART_THINKING) && tl) {
                    ailib__an_text_block(w, p->text, tl);   /* empty text blocks are rejected */
                    count++;
                } else if (pass == 1 && p->type == AILIB_PART_IMAGE) {
                    ailib__an_image(c, p);
                    count++;
                } else if (pass == 1 && p->type == AILIB_PART_AUDIO) {
                    ailib__b_fail(c, AILIB_UNSUPPORTED, "messages[%lu]: %s does not take audio input", (unsigned long)i, c->prov->name);
                    return count;
                }
            }
        }
    }
    return count;
}

/* A part's raw block (part.raw) when it goes back as it came: Anthropic's own, or yours. */
static int ailib__an_raw(const ailib__bctx *c, const ailib_part *p) {
    return p->raw && ailib__slen(p->raw, p->raw_len) && AILIB__NATIVE(c, p);
}

/* One assistant turn from messages [from, to): parts in order. Thinking goes back only with
   an Anthropic signature (the API verifies it byte for byte; unsigned thinking, or thinking
   signed by another protocol, cannot be sent), redacted thinking only to Anthropic. Blocks
   kept whole (provider tools and their results, text with citations, calls made by the
   provider's code) go back as they came. */
static size_t ailib__an_assistant_blocks(ailib__bctx *c, size_t from, size_t to) {
    ailib_json_writer *w = c->w;
    size_t i, j, n, count = 0;
    ailib_part tmp;
    for (i = from; i < to; i++) {
        const ailib_part *ps;
        if (c->req->messages[i].role != AILIB_ROLE_ASSISTANT) continue;
        ps = ailib__b_parts(&c->req->messages[i], &tmp, &n);
        for (j = 0; j < n; j++) {
            const ailib_part *p = &ps[j];
            size_t tl = p->text ? ailib__slen(p->text, p->text_len) : 0;
            if ((p->type == AILIB_PART_TEXT || p->type == AILIB_PART_TOOL_CALL || p->type == AILIB_PART_PROVIDER_TOOL_CALL ||
                 p->type == AILIB_PART_PROVIDER_TOOL_RESULT) && ailib__an_raw(c, p)) {
                ailib__b_raw(c, p, "block");
                count++;
                continue;
            }
            switch (p->type) {
            case AILIB_PART_TEXT:
                if (!tl) continue;
                ailib__an_text_block(w, p->text, tl);
                break;
            case AILIB_PART_TOOL_CALL:
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "type"); ailib_json_write_string(w, "tool_use");
                ailib_json_write_key(w, "id"); ailib__b_tool_id(c, p->id, p->id_len);
                ailib_json_write_key(w, "name"); ailib_json_write_stringn(w, p->name, ailib__slen(p->name, p->name_len));
                ailib_json_write_key(w, "input"); ailib__b_args_object(c, p);
                ailib_json_write_object_end(w);
                break;
            case AILIB_PART_THINKING:
                if (!p->signature || !ailib__slen(p->signature, p->signature_len) || !AILIB__NATIVE(c, p)) continue;
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "type"); ailib_json_write_string(w, "thinking");
                ailib_json_write_key(w, "thinking"); ailib_json_write_stringn(w, p->text ? p->text : "", tl);
                ailib_json_write_key(w, "signature"); ailib_json_write_stringn(w, p->signature, ailib__slen(p->signature, p->signature_len));
                ailib_json_write_object_end(w);
                break;
            case AILIB_PART_REDACTED_THINKING:
                if (!AILIB__NATIVE(c, p)) continue;
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "type"); ailib_json_write_string(w, "redacted_thinking");
                ailib_json_write_key(w, "data"); ailib_json_write_stringn(w, p->text ? p->text : "", tl);
                ailib_json_write_object_end(w);
                break;
            default:
                continue;   /* images and tool results have no place in an assistant turn */
            }
            count++;
        }
    }
    return count;
}

/* Messages as alternating turns: a run of consecutive user-side messages (user, tool) becomes
   one user turn, a run of assistant messages one assistant turn; system messages are skipped. */
static void ailib__an_messages(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i = 0, j;
    ailib_json_write_key(w, "messages");
    ailib_json_write_array_begin(w);
    while (i < q->message_count && c->fail == AILIB_OK) {
        int side = ailib__an_side(q->messages[i].role), sj;
        if (side < 0) { i++; continue; }
        for (j = i + 1; j < q->message_count; j++) {
            sj = ailib__an_side(q->messages[j].role);
            if (sj >= 0 && sj != side) break;
        }
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "role"); ailib_json_write_string(w, side ? "assistant" : "user");
        ailib_json_write_key(w, "content");
        ailib_json_write_array_begin(w);
        if (!(side ? ailib__an_assistant_blocks(c, i, j) : ailib__an_user_blocks(c, i, j)))
            ailib__an_text_block(w, "", 0);   /* nothing to say: let the API name the problem */
        ailib_json_write_array_end(w);
        ailib_json_write_object_end(w);
        i = j;
    }
    ailib_json_write_array_end(w);
}

static void ailib__an_tools(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    ailib_tool_choice_mode mode = q->tool_choice.mode;
    size_t i;
    if (!q->tool_count) return;
    ailib_json_write_key(w, "tools");
    ailib_json_write_array_begin(w);
    for (i = 0; i < q->tool_count; i++) {
        const ailib_tool *t = &q->tools[i];
        if (t->spec) { ailib__b_tool_spec(c, t); continue; }   /* server tools: {"type":"web_search_20250305",...} */
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "name"); ailib_json_write_string(w, t->name);
        if (t->description) { ailib_json_write_key(w, "description"); ailib_json_write_string(w, t->description); }
        ailib_json_write_key(w, "input_schema"); ailib__b_tool_schema(c, t);
        ailib_json_write_object_end(w);
    }
    ailib_json_write_array_end(w);
    if (mode == AILIB_TOOL_CHOICE_AUTO && q->parallel_tool_calls != AILIB_OFF) return;
    ailib_json_write_key(w, "tool_choice");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "type");
    switch (mode) {
    case AILIB_TOOL_CHOICE_NONE: ailib_json_write_string(w, "none"); break;
    case AILIB_TOOL_CHOICE_REQUIRED: ailib_json_write_string(w, "any"); break;
    case AILIB_TOOL_CHOICE_NAMED:
        ailib_json_write_string(w, "tool");
        ailib_json_write_key(w, "name"); ailib_json_write_string(w, q->tool_choice.name);
        break;
    default: ailib_json_write_string(w, "auto"); break;
    }
    if (q->parallel_tool_calls == AILIB_OFF && mode != AILIB_TOOL_CHOICE_NONE) {
        ailib_json_write_key(w, "disable_parallel_tool_use");
        ailib_json_write_bool(w, 1);
    }
    ailib_json_write_object_end(w);
}

static ailib_result ailib__an_build(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    int64_t budget = ailib__reasoning_budget(&q->reasoning);
    int64_t max_tokens = q->max_tokens > 0 ? q->max_tokens : 4096;
    /* The thinking budget is part of max_tokens and must stay below it (and be >= 1024).
       Without an explicit max_tokens the default grows to fit; an explicit cap is respected:
       an effort-derived budget shrinks to fit it, an explicit budget that cannot fit fails. */
    if (budget > 0 && max_tokens <= budget) {
        if (q->max_tokens <= 0) max_tokens = budget + 4096;
        else if (q->reasoning.budget_tokens <= 0 && max_tokens - 1 >= 1024) budget = max_tokens - 1;
        else return ailib__b_fail(c, AILIB_INVALID_ARGUMENT,
                                  "Anthropic thinking needs max_tokens (%lld) above the thinking budget (%lld, at least 1024): "
                                  "raise request.max_tokens or lower request.reasoning", (long long)max_tokens, (long long)budget);
    }
    ailib__b_path(c, "/messages");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "model");
    ailib_json_write_stringn(w, c->model, c->model_len);
    ailib_json_write_key(w, "max_tokens");
    ailib_json_write_int(w, max_tokens);
    ailib__an_system(c);
    ailib__an_messages(c);
    ailib__an_tools(c);
    ailib__b_optf(c, "temperature", q->temperature);
    ailib__b_optf(c, "top_p", q->top_p);
    ailib__b_opti(c, "top_k", q->top_k);
    ailib__b_stop_array(c, "stop_sequences");
    if (budget >= 0) {
        ailib_json_write_key(w, "thinking");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, budget > 0 ? "enabled" : "disabled");
        if (budget > 0) { ailib_json_write_key(w, "budget_tokens"); ailib_json_write_int(w, budget); }
        ailib_json_write_object_end(w);
    }
    if (q->response_format.type == AILIB_FORMAT_JSON_SCHEMA) {
        ailib_json_write_key(w, "output_config");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "format");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, "json_schema");
        ailib_json_write_key(w, "schema");
        ailib__b_json_text(c, q->response_format.schema, strlen(q->response_format.schema), "response_format.schema", NULL);
        ailib_json_write_object_end(w);
        ailib_json_write_object_end(w);
    }
    if (q->user) {
        ailib_json_write_key(w, "metadata");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "user_id"); ailib_json_write_string(w, q->user);
        ailib_json_write_object_end(w);
    }
    if (c->stream) { ailib_json_write_key(w, "stream"); ailib_json_write_bool(w, 1); }
    ailib_json_write_object_end(w);
    return c->fail;
}

/* --- reading ------------------------------------------------------------------------------ */

/* Shape rules (Anthropic's reference and the recordings). A whole response needs "content",
   an array (empty is an answer: nothing more to say after a tool result); each block an object
   with a string "type", and a string "name" on tool_use / server_tool_use / mcp_tool_use
   blocks; where present, text, thinking, signature, id, data and tool_use_id are strings. Its
   error form {"type":"error","error":{...}} is the provider's error. A stream needs one event
   of a known type (message_start, content_block_start / _delta / _stop, message_delta,
   message_stop, ping, error); message_start carries a "message" object (whose content, when it
   has any, is read as a whole response's), content_block_start a "content_block" object
   (checked as a whole response's block is), content_block_delta a "delta" object with a
   string "type" whose text_delta / thinking_delta / signature_delta / input_json_delta carry
   their piece as a string and citations_delta a "citation" object; message_delta's delta and
   usage are objects and stop_reason a string, where present (null counts as absent). Unknown
   event, block and delta types are skipped.

   Blocks the provider runs itself (server_tool_use, mcp_tool_use and every *_tool_result
   block) become AILIB_PART_PROVIDER_TOOL_* parts, never calls, with the block kept whole
   (part.raw) to go back byte for byte; so do text blocks with citations and tool_use blocks
   that the provider's code made (a caller other than "direct"). A tool block's arguments are
   the concatenated input_json_delta pieces when any non-empty one came, else the input of its
   start (wire_formats.md 3.3: programmatic calls and web_fetch send it whole; an empty piece
   says nothing and does not replace it). */

/* Slot kinds of content blocks, keyed by block index. For text and thinking blocks the slot's
   call field holds the index of the block's part (AILIB__AN_NONE until its first content);
   for tool blocks the tool call number; for provider tool calls the index of their part. */
enum { AILIB__AN_TEXT = 1, AILIB__AN_THINK, AILIB__AN_TOOL, AILIB__AN_OTHER, AILIB__AN_PTOOL };
#define AILIB__AN_NONE ((size_t)-1)
/* Slot flags: the start's input stands until an input_json_delta replaces it (aux is then
   where the input begins in the part's raw block); a text block collects citations. */
enum { AILIB__AN_F_START_INPUT = 1, AILIB__AN_F_RAW = 2, AILIB__AN_F_CITES = 4 };
/* s->state slots of this adapter */
enum { AILIB__AN_OPEN = 0 };   /* 1 once a message_start was read */

static int ailib__an_eq(const char *s, size_t n, const char *lit, size_t ln) {
    return n == ln && memcmp(s, lit, n) == 0;
}
#define AILIB__AN_IS(s, n, lit) ailib__an_eq((s), (n), (lit), sizeof(lit) - 1)

/* Usage as Anthropic counts it: input_tokens excludes cache reads and writes. The raw fields
   live in s->raw_usage (input = uncached input, cached = reads, cache_write = creation,
   reasoning = output_tokens_details.thinking_tokens where the model reports it); a later
   non-null value replaces an earlier one (message_delta usage is cumulative and may restate
   input). The normalized sum is reported when it changed. */
static void ailib__an_usage(ailib_stream *s, const ailib_json *u) {
    ailib_usage *raw = &s->raw_usage, *out = &s->acc.usage;
    const ailib_json *k, *v, *th;
    size_t n;
    int64_t in, rep;
    if (!ailib_json_is_object(u)) return;
    s->acc.usage_reports++;   /* a report, changed or not (the completeness rule) */
    for (AILIB__MEMBERS(u, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "output_tokens_details")) {
            if (ailib_json_is_number(th = ailib_json_get(v, "thinking_tokens"))) {
                raw->reasoning_tokens = ailib_json_int(th);
                raw->reported |= AILIB_USAGE_REASONING;
            }
            continue;
        }
        if (!ailib_json_is_number(v)) continue;
        if (AILIB__KEY(k, "input_tokens")) { raw->input_tokens = ailib_json_int(v); raw->reported |= AILIB_USAGE_INPUT; }
        else if (AILIB__KEY(k, "output_tokens")) { raw->output_tokens = ailib_json_int(v); raw->reported |= AILIB_USAGE_OUTPUT; }
        else if (AILIB__KEY(k, "cache_read_input_tokens")) { raw->cached_input_tokens = ailib_json_int(v); raw->reported |= AILIB_USAGE_CACHED; }
        else if (AILIB__KEY(k, "cache_creation_input_tokens")) { raw->cache_write_tokens = ailib_json_int(v); raw->reported |= AILIB_USAGE_CACHE_WRITE; }
    }
    in = ailib__sat_add(ailib__sat_add(raw->input_tokens, raw->cached_input_tokens), raw->cache_write_tokens);
    rep = (int64_t)(out->reported & ~(uint32_t)AILIB_USAGE_TOTAL);
    if (out->input_tokens == in && out->output_tokens == raw->output_tokens && out->cached_input_tokens == raw->cached_input_tokens &&
        out->cache_write_tokens == raw->cache_write_tokens && out->reasoning_tokens == raw->reasoning_tokens &&
        rep == (int64_t)raw->reported) return;
    out->input_tokens = in;
    out->output_tokens = raw->output_tokens;
    out->cached_input_tokens = raw->cached_input_tokens;
    out->cache_write_tokens = raw->cache_write_tokens;
    out->reasoning_tokens = raw->reasoning_tokens;
    out->reported = raw->reported;
    ailib__acc_usage_emit(&s->acc);
}

/* The part of a text or thinking block, opened (empty) when the block has none yet. */
static ailib__apart *ailib__an_block_open(ailib_stream *s, ailib__slot *sl, ailib_part_type want) {
    ailib__acc *a = &s->acc;
    ailib__apart *p;
    if (sl->call != AILIB__AN_NONE && sl->call < a->nparts && a->parts[sl->call].type == want) return &a->parts[sl->call];
    ailib__acc_break(a);
    if (!(p = ailib__acc_new_part(a, want))) return NULL;
    sl->call = a->nparts - 1;
    ailib__acc_add(a, &p->text, "", 0);   /* an allocated empty text: the builder copies it */
    return p;
}

/* Text or reasoning of the block in sl. The block's first content opens a part of its own;
   later content goes to that part, even when another block's content came in between (blocks
   are keyed by index, not by order of arrival). */
static void ailib__an_block_add(ailib_stream *s, ailib__slot *sl, int reasoning, const char *t, size_t n) {
    ailib__acc *a = &s->acc;
    ailib_part_type want = reasoning ? AILIB_PART_THINKING : AILIB_PART_TEXT;
    ailib__apart *p;
    ailib_event ev;
    if (!t || !n) return;
    if (sl->call != AILIB__AN_NONE && (sl->call >= a->nparts || a->parts[sl->call].type != want)) sl->call = AILIB__AN_NONE;
    if (sl->call == AILIB__AN_NONE || (sl->call + 1 == a->nparts && !a->parts[sl->call].closed)) {
        if (sl->call == AILIB__AN_NONE) ailib__acc_break(a);
        if (reasoning) ailib__acc_reasoning(a, t, n); else ailib__acc_text(a, t, n);
        p = ailib__acc_last(a);
        if (p && p->type == want) sl->call = a->nparts - 1;
        return;
    }
    p = &a->parts[sl->call];
    ailib__acc_add(a, &p->text, t, n);
    ailib__ev_init(&ev, reasoning ? AILIB_EVENT_REASONING_DELTA : AILIB_EVENT_TEXT_DELTA);
    ev.text = t; ev.text_len = n;
    ailib__emit(a, &ev);
}

/* The signature of the thinking block in sl, attached to that block's part byte for byte. */
static void ailib__an_signature(ailib_stream *s, ailib__slot *sl, const char *sig, size_t n) {
    ailib__apart *p;
    if (!sig || !n) return;
    if ((p = ailib__an_block_open(s, sl, AILIB_PART_THINKING)) != NULL) ailib__acc_add(&s->acc, &p->sig, sig, n);
}

/* A text block's citations while it streams: the part's raw block is kept valid JSON at every
   step, {"type":"text","text":"","citations":[...]}, each citation going in before "]}"; the
   block's stop puts the text in (ailib__an_cites_end). */
static const char ailib__an_cite_head[] = "{\"type\":\"text\",\"text\":\"\",\"citations\":[";

static void ailib__an_cite(ailib_stream *s, ailib__slot *sl, const ailib_json *c) {
    ailib__acc *a = &s->acc;
    ailib__apart *p = ailib__an_block_open(s, sl, AILIB_PART_TEXT);
    if (!p) return;
    if (p->raw.len < sizeof ailib__an_cite_head + 1) {
        p->raw.len = 0;
        ailib__acc_add(a, &p->raw, ailib__an_cite_head, sizeof ailib__an_cite_head - 1);
    } else {
        p->raw.len -= 2;                     /* "]}" */
        ailib__acc_add(a, &p->raw, ",", 1);
    }
    ailib__acc_json(a, &p->raw, c, NULL);
    ailib__acc_add(a, &p->raw, "]}", 2);
    sl->flags |= AILIB__AN_F_CITES;
}

static void ailib__an_cites_end(ailib_stream *s, ailib__slot *sl) {
    ailib__acc *a = &s->acc;
    ailib__apart *p = sl->call < a->nparts ? &a->parts[sl->call] : NULL;
    ailib_json_writer w;
    size_t head = sizeof ailib__an_cite_head - 1 - 16;   /* up to and with "text": */
    sl->flags &= ~AILIB__AN_F_CITES;
    if (!p || p->type != AILIB_PART_TEXT || p->raw.len < head + 2) return;
    ailib_json_writer_init(&w, &a->alloc);
    ailib_json_write_stringn(&w, p->text.len ? p->text.p : "", p->text.len);
    if (ailib_json_writer_finish(&w) == AILIB_OK && ailib__jw_reserve(&w, p->raw.len)) {
        /* w.buf becomes the whole block: head, the text, then the rest after "text":"" */
        memmove(w.buf + head, w.buf, w.len);
        memcpy(w.buf, p->raw.p, head);
        memcpy(w.buf + head + w.len, p->raw.p + head + 2, p->raw.len - head - 2);
        ailib__acc_raw(a, p, w.buf, head + w.len + p->raw.len - head - 2);
    } else a->oom = 1;
    ailib_json_writer_deinit(&w);
}

/* The part of a tool or provider tool block. */
static ailib__apart *ailib__an_slot_part(ailib_stream *s, const ailib__slot *sl) {
    if (sl->kind == AILIB__AN_TOOL) return ailib__acc_call(&s->acc, sl->call);
    if (sl->kind == AILIB__AN_PTOOL && sl->call < s->acc.nparts) return &s->acc.parts[sl->call];
    return NULL;
}

/* A tool block whose raw block is kept: in a stream the block as it started, input last, so
   the final input can take the place of the start's (sl->aux is where it begins). */
static void ailib__an_tool_raw(ailib_stream *s, ailib__slot *sl, ailib__apart *p, const ailib_json *b, const ailib_json *input) {
    ailib__acc *a = &s->acc;
    ailib__acc_json(a, &p->raw, b, "input");
    if (!p->raw.len) return;
    p->raw.len--;                            /* "}" */
    ailib__acc_add(a, &p->raw, p->raw.len > 1 ? ",\"input\":" : "\"input\":", p->raw.len > 1 ? 9 : 8);
    sl->aux = p->raw.len;
    sl->flags |= AILIB__AN_F_RAW;
    if (input && ailib_json_is_object(input)) ailib__acc_json(a, &p->raw, input, NULL);
    else ailib__acc_add(a, &p->raw, "{}", 2);
    ailib__acc_add(a, &p->raw, "}", 1);
}

/* The end of a tool block: the input that stands goes into its raw block, and the call (or
   provider call) is complete. */
static void ailib__an_tool_stop(ailib_stream *s, ailib__slot *sl) {
    ailib__acc *a = &s->acc;
    ailib__apart *p = ailib__an_slot_part(s, sl);
    if (!p) return;
    if (sl->kind == AILIB__AN_TOOL && (sl->flags & AILIB__AN_F_START_INPUT)) ailib__acc_tool_args_event(a, sl->call);
    if ((sl->flags & AILIB__AN_F_RAW) && sl->aux <= p->raw.len) {
        p->raw.len = sl->aux;
        if (p->text.len) ailib__acc_add(a, &p->raw, p->text.p, p->text.len); else ailib__acc_add(a, &p->raw, "{}", 2);
        ailib__acc_add(a, &p->raw, "}", 1);
    }
    sl->flags = 0;
    if (sl->kind == AILIB__AN_TOOL) ailib__acc_tool_end(a, sl->call);
    else ailib__acc_ptool_done(a, sl->call);
}

/* Tool input given whole (non-streamed responses): kept as JSON text. */
static void ailib__an_tool_input(ailib_stream *s, size_t call, const ailib_json *input) {
    ailib_json_writer w;
    if (!input || ailib_json_is_null(input)) return;
    ailib_json_writer_init(&w, &s->alloc);
    ailib_json_write_value(&w, input);
    if (ailib_json_writer_finish(&w) == AILIB_OK) ailib__acc_tool_args(&s->acc, call, w.buf, w.len);
    else s->acc.oom = 1;
    ailib_json_writer_deinit(&w);
}

/* A block member that is not the string it must be: the shape error, at the block's path. */
static void ailib__an_bad(ailib_stream *s, const ailib_json *v, int64_t idx, int whole, const char *member, const char *expected) {
    if (whole) ailib__shape_fail(s, v, expected, "$.content[%ld]%s%s", (long)idx, *member ? "." : "", member);
    else ailib__shape_fail(s, v, expected, "$.content_block%s%s", *member ? "." : "", member);
}

/* A result block of a provider tool: the part with its content, complete on arrival. */
static void ailib__an_result(ailib_stream *s, const ailib_json *b, const char *type, size_t tyn, const char *id, size_t idn) {
    ailib__acc *a = &s->acc;
    const ailib_json *content = ailib_json_get(b, "content"), *ct;
    size_t part = ailib__acc_ptool(a, AILIB_PART_PROVIDER_TOOL_RESULT, id, idn, type, tyn), cn = 0;
    ailib__apart *p;
    const char *cts;
    if (part == (size_t)-1) return;
    p = &a->parts[part];
    if (content) ailib__acc_json(a, &p->text, content, NULL);
    /* a failed run says so in its content's type ("web_search_tool_result_error", ...) */
    ct = ailib_json_get(content, "type");
    cts = ailib_json_str(ct, &cn);
    p->is_error = ailib_json_bool(ailib_json_get(b, "is_error")) || (cts && cn >= 6 && !memcmp(cts + cn - 6, "_error", 6));
    ailib__acc_json(a, &p->raw, b, NULL);
    ailib__acc_ptool_done(a, part);
}

/* A content block: content_block_start in a stream (whole = 0; the block gets a slot), or one
   element of content[] of a whole response or of a message_start (whole = 1; complete in
   itself). */
static void ailib__an_block(ailib_stream *s, int64_t idx, const ailib_json *b, int whole) {
    static const char *const strs[] = { "type", "text", "thinking", "signature", "id", "name", "data", "tool_use_id" };
    enum { NSTR = sizeof strs / sizeof strs[0] };
    const ailib_json *k, *v, *input = NULL, *caller = NULL, *cites = NULL, *sv[NSTR];
    const char *type, *id, *name, *text, *think, *sig, *data, *useid;
    size_t tyn = 0, idn = 0, nn = 0, xn = 0, thn = 0, sn = 0, dn = 0, un = 0, n, i;
    ailib__slot tmp, *sl = &tmp;
    ailib__apart *p;
    int kind, keep_raw = 0;
    if (!ailib_json_is_object(b)) { ailib__an_bad(s, b, idx, whole, "", "an object"); return; }
    memset(sv, 0, sizeof sv);
    for (AILIB__MEMBERS(b, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "input")) { input = v; continue; }
        if (AILIB__KEY(k, "caller")) { caller = v; continue; }
        if (AILIB__KEY(k, "citations")) { cites = v; continue; }
        for (i = 0; i < NSTR; i++) if (ailib__key_is(k, strs[i], strlen(strs[i]))) { if (!sv[i]) sv[i] = v; break; }
    }
    for (i = 0; i < NSTR; i++)
        if (i ? !ailib__jopt(sv[i], AILIB_JSON_STRING) : !ailib_json_is_string(sv[i])) {
            ailib__an_bad(s, sv[i], idx, whole, strs[i], i ? "a string" : "a string (the block type)");
            return;
        }
    type = ailib_json_str(sv[0], &tyn);
    text = ailib_json_str(sv[1], &xn);
    think = ailib_json_str(sv[2], &thn);
    sig = ailib_json_str(sv[3], &sn);
    id = ailib_json_str(sv[4], &idn);
    name = ailib_json_str(sv[5], &nn);
    data = ailib_json_str(sv[6], &dn);
    useid = ailib_json_str(sv[7], &un);
    if (AILIB__AN_IS(type, tyn, "text")) kind = AILIB__AN_TEXT;
    else if (AILIB__AN_IS(type, tyn, "thinking")) kind = AILIB__AN_THINK;
    else if (AILIB__AN_IS(type, tyn, "tool_use")) kind = AILIB__AN_TOOL;
    else if (AILIB__AN_IS(type, tyn, "server_tool_use") || AILIB__AN_IS(type, tyn, "mcp_tool_use")) kind = AILIB__AN_PTOOL;
    else kind = AILIB__AN_OTHER;
    if ((kind == AILIB__AN_TOOL || kind == AILIB__AN_PTOOL) && !name) { ailib__an_bad(s, sv[5], idx, whole, "name", "a string (the tool's name)"); return; }
    tmp.key = idx;
    tmp.kind = kind;
    tmp.call = AILIB__AN_NONE;
    tmp.flags = 0;
    tmp.aux = 0;
    if (kind == AILIB__AN_TOOL && (tmp.call = ailib__acc_tool_begin(&s->acc, id, idn, name, nn)) == AILIB__AN_NONE) return;
    if (kind == AILIB__AN_PTOOL && (tmp.call = ailib__acc_ptool(&s->acc, AILIB_PART_PROVIDER_TOOL_CALL, id, idn, name, nn)) == AILIB__AN_NONE) return;
    if (!whole && !(sl = ailib__slot_add(s, idx, kind, tmp.call))) return;
    switch (kind) {
    case AILIB__AN_TEXT:
        ailib__an_block_add(s, sl, 0, text, xn);
        if (ailib_json_is_array(cites) && ailib_json_size(cites) && (p = ailib__an_block_open(s, sl, AILIB_PART_TEXT)) != NULL) {
            if (whole) ailib__acc_json(&s->acc, &p->raw, b, NULL);
            else {
                const ailib_json *c;
                for (AILIB__ELEMS(cites, c, n)) ailib__an_cite(s, sl, c);
            }
        }
        break;
    case AILIB__AN_THINK:
        ailib__an_block_add(s, sl, 1, think, thn);
        ailib__an_signature(s, sl, sig, sn);
        break;
    case AILIB__AN_TOOL:
    case AILIB__AN_PTOOL:
        p = ailib__an_slot_part(s, sl);
        /* calls made by the provider's code (programmatic tool calling) go back with their caller */
        keep_raw = kind == AILIB__AN_PTOOL || (ailib_json_is_object(caller) && !ailib__jstr_eq(ailib_json_get(caller, "type"), "direct"));
        if (!p) break;
        if (whole) {
            if (kind == AILIB__AN_TOOL) ailib__an_tool_input(s, sl->call, input);
            else if (input && !ailib_json_is_null(input)) ailib__acc_json(&s->acc, &p->text, input, NULL);
            if (keep_raw) ailib__acc_json(&s->acc, &p->raw, b, NULL);
            if (kind == AILIB__AN_TOOL) ailib__acc_tool_end(&s->acc, sl->call); else ailib__acc_ptool_done(&s->acc, sl->call);
            break;
        }
        /* the start's input stands unless input_json_delta pieces replace it */
        if (ailib_json_is_object(input) && ailib_json_size(input)) {
            ailib__acc_json(&s->acc, &p->text, input, NULL);
            sl->flags |= AILIB__AN_F_START_INPUT;
        }
        if (keep_raw) ailib__an_tool_raw(s, sl, p, b, input);
        break;
    default:
        if (AILIB__AN_IS(type, tyn, "redacted_thinking") && data) ailib__acc_redacted(&s->acc, data, dn);
        else if (tyn > 12 && !memcmp(type + tyn - 12, "_tool_result", 12)) ailib__an_result(s, b, type, tyn, useid, un);
        break;
    }
}

/* content_block_delta: text, thinking, signature, tool input or a citation of the block at idx. */
static void ailib__an_delta(ailib_stream *s, int64_t idx, const ailib_json *d) {
    const ailib_json *tv, *vv;
    const char *type, *val, *member;
    size_t tyn = 0, vn = 0;
    ailib__slot *sl;
    ailib__apart *p;
    int kind, sig = 0;
    if (!ailib_json_is_object(d)) { ailib__shape_fail(s, d, "an object", "$.delta"); return; }
    if ((type = ailib_json_str(tv = ailib_json_get(d, "type"), &tyn)) == NULL) {
        ailib__shape_fail(s, tv, "a string (the delta type)", "$.delta.type");
        return;
    }
    if (AILIB__AN_IS(type, tyn, "citations_delta")) {
        vv = ailib_json_get(d, "citation");
        if (!ailib_json_is_object(vv)) { ailib__shape_fail(s, vv, "an object", "$.delta.citation"); return; }
        if ((sl = ailib__slot_find(s, idx)) != NULL && sl->kind == AILIB__AN_TEXT) ailib__an_cite(s, sl, vv);
        return;
    }
    if (AILIB__AN_IS(type, tyn, "text_delta")) { kind = AILIB__AN_TEXT; member = "text"; }
    else if (AILIB__AN_IS(type, tyn, "thinking_delta")) { kind = AILIB__AN_THINK; member = "thinking"; }
    else if (AILIB__AN_IS(type, tyn, "signature_delta")) { kind = AILIB__AN_THINK; sig = 1; member = "signature"; }
    else if (AILIB__AN_IS(type, tyn, "input_json_delta")) { kind = AILIB__AN_TOOL; member = "partial_json"; }
    else return;   /* future kinds */
    if ((val = ailib_json_str(vv = ailib_json_get(d, member), &vn)) == NULL) {
        ailib__shape_fail(s, vv, "a string", "$.delta.%s", member);
        return;
    }
    sl = ailib__slot_find(s, idx);
    if (!sl) {
        /* a delta without its block start: text and thinking can still be placed */
        if (kind == AILIB__AN_TOOL || !(sl = ailib__slot_add(s, idx, kind, AILIB__AN_NONE))) return;
    }
    if (kind == AILIB__AN_TOOL) {
        if (!vn || !(p = ailib__an_slot_part(s, sl))) return;
        if (sl->flags & AILIB__AN_F_START_INPUT) {   /* pieces came: they are the input */
            p->text.len = 0;
            sl->flags &= ~AILIB__AN_F_START_INPUT;
        }
        if (sl->kind == AILIB__AN_TOOL) ailib__acc_tool_args(&s->acc, sl->call, val, vn);
        else ailib__acc_add(&s->acc, &p->text, val, vn);
    } else if (sl->kind == AILIB__AN_TEXT || sl->kind == AILIB__AN_THINK) {
        if (sig) ailib__an_signature(s, sl, val, vn);
        else ailib__an_block_add(s, sl, kind == AILIB__AN_THINK, val, vn);
    }
}

static int ailib__an_known(const char *t, size_t tn) {
    static const char *const known[] = { "content_block_delta", "content_block_start", "content_block_stop", "message_start",
                                         "message_delta", "message_stop", "ping", "error" };
    size_t i;
    for (i = 0; i < sizeof known / sizeof known[0]; i++) if (ailib__an_eq(t, tn, known[i], strlen(known[i]))) return 1;
    return 0;
}

/* The blocks of content[] (a whole response, or a message_start that carries its content),
   each complete in itself. */
static ailib_result ailib__an_content(ailib_stream *s, const ailib_json *content) {
    const ailib_json *e;
    size_t n;
    int64_t i = 0;
    for (AILIB__ELEMS(content, e, n)) {
        ailib__an_block(s, i++, e, 1);
        if (s->fail != AILIB_OK) return s->fail;
    }
    return AILIB_OK;
}

/* message_start: the message's id and model, its usage, and what it may already hold (a
   programmatic tool call's turn arrives whole: content and stop_reason in message_start). A
   second message_start with another id while the first is open is a second stream spliced
   into the body: AILIB_PROTOCOL, not a merge; the same id again is a repeat, ignored. */
static ailib_result ailib__an_message_start(ailib_stream *s, const ailib_json *msg) {
    const ailib_json *k, *v, *content = NULL, *stop = NULL;
    const char *str;
    size_t n, sl;
    if (s->state[AILIB__AN_OPEN]) {
        const char *nid = ailib_json_str(ailib_json_get(msg, "id"), &sl);
        if (nid && sl && s->acc.id.len && !(sl == s->acc.id.len && !memcmp(nid, s->acc.id.p, sl)))
            return ailib__stream_failf(s, AILIB_PROTOCOL, "a second message (%.*s) began inside message %.*s before its "
                                       "message_stop: two streams spliced into one body (a proxy or a retry that appended?)",
                                       (int)(sl > 64 ? 64 : sl), nid, (int)(s->acc.id.len > 64 ? 64 : s->acc.id.len), s->acc.id.p);
        return AILIB_OK;
    }
    s->state[AILIB__AN_OPEN] = 1;
    for (AILIB__MEMBERS(msg, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "id")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.id, str, sl); }
        else if (AILIB__KEY(k, "model")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.model, str, sl); }
        else if (AILIB__KEY(k, "usage")) ailib__an_usage(s, v);
        else if (AILIB__KEY(k, "content")) content = v;
        else if (AILIB__KEY(k, "stop_reason")) stop = v;
    }
    if (!ailib__jopt(content, AILIB_JSON_ARRAY)) return ailib__shape_fail(s, content, "an array of content blocks", "$.message.content");
    if (!ailib__jopt(stop, AILIB_JSON_STRING)) return ailib__shape_fail(s, stop, "a string or null", "$.message.stop_reason");
    if (ailib__an_content(s, content) != AILIB_OK) return s->fail;
    if ((str = ailib_json_str(stop, &sl)) != NULL && sl) ailib__acc_finish_as(&s->acc, str, sl, 1);
    return AILIB_OK;
}

static ailib_result ailib__an_event(ailib_stream *s, const char *ev, size_t evn, const ailib_json *root) {
    const ailib_json *k, *v, *delta = NULL, *block = NULL, *msg = NULL, *usage = NULL;
    const char *t = ev, *str;
    size_t tn = evn, n, sl;
    int64_t idx = -1;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
    for (AILIB__MEMBERS(root, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "type")) { if ((str = ailib_json_str(v, &sl)) != NULL) { t = str; tn = sl; } }
        else if (AILIB__KEY(k, "index")) idx = ailib_json_int(v);
        else if (AILIB__KEY(k, "delta")) delta = v;
        else if (AILIB__KEY(k, "content_block")) block = v;
        else if (AILIB__KEY(k, "message")) msg = v;
        else if (AILIB__KEY(k, "usage")) usage = v;
    }
    if (!ailib__an_known(t, tn)) return AILIB_OK;   /* a future event type */
    s->shaped = 1;
    if (AILIB__AN_IS(t, tn, "message_start") && !ailib_json_is_object(msg)) return ailib__shape_fail(s, msg, "an object", "$.message");
    if (AILIB__AN_IS(t, tn, "message_delta")) {
        const ailib_json *sr = ailib_json_get(delta, "stop_reason");
        if (!ailib__jopt(delta, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, delta, "an object", "$.delta");
        if (!ailib__jopt(usage, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, usage, "an object", "$.usage");
        if (!ailib__jopt(sr, AILIB_JSON_STRING)) return ailib__shape_fail(s, sr, "a string or null", "$.delta.stop_reason");
    }
    if (AILIB__AN_IS(t, tn, "content_block_delta")) ailib__an_delta(s, idx, delta);
    else if (AILIB__AN_IS(t, tn, "content_block_start")) ailib__an_block(s, idx, block, 0);
    else if (AILIB__AN_IS(t, tn, "content_block_stop")) {
        ailib__slot *bs = ailib__slot_find(s, idx);
        if (bs && (bs->kind == AILIB__AN_TOOL || bs->kind == AILIB__AN_PTOOL)) ailib__an_tool_stop(s, bs);
        else {
            if (bs && (bs->flags & AILIB__AN_F_CITES)) ailib__an_cites_end(s, bs);
            ailib__acc_break(&s->acc);   /* two thinking blocks keep separate signatures */
        }
    } else if (AILIB__AN_IS(t, tn, "message_start")) return ailib__an_message_start(s, msg);
    else if (AILIB__AN_IS(t, tn, "message_delta")) {
        ailib__an_usage(s, usage);
        if ((str = ailib_json_str(ailib_json_get(delta, "stop_reason"), &sl)) != NULL) ailib__acc_finish_as(&s->acc, str, sl, 1);
    } else if (AILIB__AN_IS(t, tn, "message_stop")) {
        ailib__acc_tool_end_all(&s->acc);
        s->complete = s->terminated = 1;
    } else if (AILIB__AN_IS(t, tn, "error")) return ailib__stream_provider_error(s, root);
    return s->fail;   /* ping; a shape error above */
}

static ailib_result ailib__an_parse(ailib_stream *s, const ailib_json *root) {
    const ailib_json *k, *v, *content = NULL, *stop = NULL, *usage = NULL;
    size_t n, sl;
    const char *str;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
    for (AILIB__MEMBERS(root, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "content")) content = v;
        else if (AILIB__KEY(k, "stop_reason")) stop = v;
        else if (AILIB__KEY(k, "usage")) usage = v;
        else if (AILIB__KEY(k, "id")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.id, str, sl); }
        else if (AILIB__KEY(k, "model")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.model, str, sl); }
        else if (AILIB__KEY(k, "type")) { if (ailib__jstr_eq(v, "error")) return ailib__stream_provider_error(s, root); }
        else if (AILIB__KEY(k, "error")) { if (ailib_json_is_object(v)) return ailib__stream_provider_error(s, root); }
    }
    if (!ailib_json_is_array(content)) return ailib__shape_fail(s, content, "an array of content blocks", "$.content");
    if (!ailib__jopt(stop, AILIB_JSON_STRING)) return ailib__shape_fail(s, stop, "a string or null", "$.stop_reason");
    if (!ailib__jopt(usage, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, usage, "an object or null", "$.usage");
    if (ailib__an_content(s, content) != AILIB_OK) return s->fail;
    ailib__an_usage(s, usage);
    if ((str = ailib_json_str(stop, &sl)) != NULL) ailib__acc_finish_as(&s->acc, str, sl, 1);
    ailib__acc_tool_end_all(&s->acc);
    return AILIB_OK;
}

static const ailib__adapter ailib__adapter_anthropic = { "anthropic", 0, ailib__an_event, ailib__an_parse, ailib__an_build, NULL, 1 };
/* >>gemini: Gemini generateContent / streamGenerateContent?alt=sse (Gemini API and Vertex) ==== */

/* --- request ------------------------------------------------------------------------------ */

/* A Gemini signature of the part; another protocol's signature means nothing here. */
static int ailib__ge_has_sig(ailib__bctx *c, const ailib_part *p) {
    return p->signature && ailib__slen(p->signature, p->signature_len) && AILIB__NATIVE(c, p);
}

/* Ids ailib made up for calls that came without one ("ailib_..."): Gemini never issued
   them, so they are not sent back to it. */
static int ailib__ge_own_id(const char *id, size_t n) {
    n = ailib__slen(id, n);
    return id && n && !(n > 6 && !memcmp(id, "ailib_", 6));
}

static void ailib__ge_sig(ailib__bctx *c, const ailib_part *p) {
    size_t n = ailib__slen(p->signature, p->signature_len);
    if (!ailib__ge_has_sig(c, p)) return;
    ailib_json_write_key(c->w, "thoughtSignature");
    ailib_json_write_stringn(c->w, p->signature, n);
}

/* The MIME type of media bytes from their first bytes, for parts that did not name one
   (inlineData needs it). */
static const char *ailib__ge_sniff(const void *data, size_t n) {
    const unsigned char *d = (const unsigned char *)data;
    if (n >= 8 && memcmp(d, "\x89PNG", 4) == 0) return "image/png";
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "image/jpeg";
    if (n >= 4 && memcmp(d, "GIF8", 4) == 0) return "image/gif";
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) return "image/webp";
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WAVE", 4) == 0) return "audio/wav";
    if (n >= 3 && (memcmp(d, "ID3", 3) == 0 || (d[0] == 0xFF && (d[1] & 0xE0) == 0xE0))) return "audio/mp3";
    if (n >= 5 && memcmp(d, "%PDF-", 5) == 0) return "application/pdf";
    return "application/octet-stream";
}

/* The MIME type of a URL from its extension; NULL when unknown (fileData may omit it). */
static const char *ailib__ge_url_mime(const char *u, size_t n) {
    static const char *const map[][2] = {
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".webp", "image/webp"},
        {".gif", "image/gif"}, {".heic", "image/heic"}, {".heif", "image/heif"}, {".pdf", "application/pdf"},
        {".wav", "audio/wav"}, {".mp3", "audio/mp3"}, {".flac", "audio/flac"}, {".ogg", "audio/ogg"},
        {".mp4", "video/mp4"}
    };
    size_t i, end = n, el;
    for (i = 0; i < n; i++) if (u[i] == '?' || u[i] == '#') { end = i; break; }
    for (i = 0; i < sizeof map / sizeof map[0]; i++) {
        el = strlen(map[i][0]);
        if (end >= el && memcmp(u + end - el, map[i][0], el) == 0) return map[i][1];
    }
    return NULL;
}

/* An image or audio part: bytes (and data: URLs) inline, other URLs as fileData. */
static void ailib__ge_media(ailib__bctx *c, const ailib_part *p) {
    ailib_json_writer *w = c->w;
    size_t un = ailib__slen(p->url, p->url_len);
    ailib_json_write_object_begin(w);
    if (p->data && p->data_len) {
        ailib_json_write_key(w, "inlineData");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "mimeType"); ailib_json_write_string(w, p->mime ? p->mime : ailib__ge_sniff(p->data, p->data_len));
        ailib_json_write_key(w, "data"); ailib__b_base64(c, NULL, p->data, p->data_len);
        ailib_json_write_object_end(w);
    } else if (un > 5 && memcmp(p->url, "data:", 5) == 0) {
        const char *semi = (const char *)memchr(p->url, ';', un), *comma = (const char *)memchr(p->url, ',', un);
        if (!semi || !comma || semi > comma || (size_t)(comma - semi) != 7 || memcmp(semi, ";base64", 7) != 0) {
            ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "a data: URL for %s must be base64 (data:<mime>;base64,...)", c->prov->name);
            ailib_json_write_null(w);
        } else {
            ailib_json_write_key(w, "inlineData");
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "mimeType");
            if (p->mime) ailib_json_write_string(w, p->mime);
            else ailib_json_write_stringn(w, p->url + 5, (size_t)(semi - p->url) - 5);
            ailib_json_write_key(w, "data"); ailib_json_write_stringn(w, comma + 1, un - (size_t)(comma - p->url) - 1);
            ailib_json_write_object_end(w);
        }
    } else {
        const char *mime = p->mime ? p->mime : ailib__ge_url_mime(p->url, un);
        ailib_json_write_key(w, "fileData");
        ailib_json_write_object_begin(w);
        if (mime) { ailib_json_write_key(w, "mimeType"); ailib_json_write_string(w, mime); }
        ailib_json_write_key(w, "fileUri"); ailib_json_write_stringn(w, p->url, un);
        ailib_json_write_object_end(w);
    }
    ailib_json_write_object_end(w);
}

/* The name of the call a tool result answers, from the history before message `upto`
   (Gemini matches results by name; callers often only keep the id). */
static const ailib_part *ailib__ge_find_call(const ailib_request *q, size_t upto, const char *id, size_t idn) {
    size_t i, j, n;
    if (!id || !idn) return NULL;
    for (i = upto; i-- > 0;) {
        /* only messages with parts can hold tool calls (the .text shorthand cannot) */
        const ailib_part *ps = q->messages[i].parts;
        n = q->messages[i].part_count;
        for (j = 0; j < n; j++)
            if (ps[j].type == AILIB_PART_TOOL_CALL && ailib__slen(ps[j].id, ps[j].id_len) == idn && memcmp(ps[j].id, id, idn) == 0)
                return &ps[j];
    }
    return NULL;
}

static void ailib__ge_function_response(ailib__bctx *c, size_t mi, const ailib_part *p) {
    ailib_json_writer *w = c->w;
    size_t idn = ailib__slen(p->id, p->id_len), nn = ailib__slen(p->name, p->name_len), tn = ailib__slen(p->text, p->text_len);
    const char *name = p->name;
    if (!name || !nn) {
        const ailib_part *call = ailib__ge_find_call(c->req, mi, p->id, idn);
        if (!call) {
            ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "messages[%lu]: %s needs the tool name of a result: set part.name (no earlier call has id '%.*s')",
                          (unsigned long)mi, c->prov->name, (int)(idn > 64 ? 64 : idn), p->id ? p->id : "");
            return;
        }
        name = call->name;
        nn = ailib__slen(call->name, call->name_len);
    }
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "functionResponse");
    ailib_json_write_object_begin(w);
    if (ailib__ge_own_id(p->id, idn)) { ailib_json_write_key(w, "id"); ailib_json_write_stringn(w, p->id, idn); }
    ailib_json_write_key(w, "name"); ailib_json_write_stringn(w, name, nn);
    ailib_json_write_key(w, "response");
    ailib_json_write_object_begin(w);
    /* "error" is the documented key for a failed call, anything else counts as output */
    ailib_json_write_key(w, p->is_error ? "error" : "result");
    if (p->is_json && tn) ailib__b_json_text(c, p->text, tn, "tool result of", p->name);
    else ailib_json_write_stringn(w, p->text ? p->text : "", tn);
    ailib_json_write_object_end(w);
    ailib_json_write_object_end(w);
    ailib_json_write_object_end(w);
}

/* One part of a content. Thinking is echoed only with its Gemini signature (Gemini ignores
   thought text it cannot verify); other providers' redacted thinking has no Gemini form.
   *sentinel is set while the model turn has had no signed call yet and none of its calls
   carries a Gemini signature (the calls came from another provider or from the caller):
   its first call then gets the documented skip_thought_signature_validator value, without
   which Gemini 3 rejects the turn. */
static void ailib__ge_part(ailib__bctx *c, size_t mi, const ailib_part *p, int model, int *sentinel) {
    ailib_json_writer *w = c->w;
    size_t tn = ailib__slen(p->text, p->text_len);
    int sig = ailib__ge_has_sig(c, p);
    switch (p->type) {
    case AILIB_PART_TEXT:
    case AILIB_PART_THINKING:
        if (p->type == AILIB_PART_THINKING && (!model || !sig)) return;
        if (!tn && !sig) return;
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "text"); ailib_json_write_stringn(w, p->text ? p->text : "", tn);
        if (p->type == AILIB_PART_THINKING) { ailib_json_write_key(w, "thought"); ailib_json_write_bool(w, 1); }
        ailib__ge_sig(c, p);
        ailib_json_write_object_end(w);
        break;
    case AILIB_PART_IMAGE:
    case AILIB_PART_AUDIO:
        ailib__ge_media(c, p);
        break;
    case AILIB_PART_TOOL_CALL:
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "functionCall");
        ailib_json_write_object_begin(w);
        if (ailib__ge_own_id(p->id, p->id_len)) { ailib_json_write_key(w, "id"); ailib_json_write_stringn(w, p->id, ailib__slen(p->id, p->id_len)); }
        ailib_json_write_key(w, "name"); ailib_json_write_stringn(w, p->name, ailib__slen(p->name, p->name_len));
        ailib_json_write_key(w, "args"); ailib__b_args_object(c, p);
        ailib_json_write_object_end(w);
        ailib__ge_sig(c, p);   /* Gemini 3 rejects a call echoed without its signature */
        if (!sig && model && *sentinel) {
            ailib_json_write_key(w, "thoughtSignature"); ailib_json_write_string(w, "skip_thought_signature_validator");
        }
        if (model) *sentinel = 0;
        ailib_json_write_object_end(w);
        break;
    case AILIB_PART_TOOL_RESULT:
        ailib__ge_function_response(c, mi, p);
        break;
    case AILIB_PART_PROVIDER_TOOL_CALL:
    case AILIB_PART_PROVIDER_TOOL_RESULT:
        /* code the provider ran: its parts as they came (the converter kept only Gemini's) */
        if (model && p->raw && ailib__slen(p->raw, p->raw_len)) ailib__b_raw(c, p, "part");
        break;
    default:
        break;
    }
}

static void ailib__ge_system(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i, j, n, count = (q->system && *q->system) ? 1 : 0;
    ailib_part tmp;
    for (i = 0; i < q->message_count; i++)
        if (q->messages[i].role == AILIB_ROLE_SYSTEM) count++;
    if (!count) return;
    ailib_json_write_key(w, "systemInstruction");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "parts");
    ailib_json_write_array_begin(w);
    if (q->system && *q->system) {
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "text"); ailib_json_write_string(w, q->system);
        ailib_json_write_object_end(w);
    }
    for (i = 0; i < q->message_count; i++) {
        const ailib_part *ps;
        if (q->messages[i].role != AILIB_ROLE_SYSTEM) continue;
        ps = ailib__b_parts(&q->messages[i], &tmp, &n);
        for (j = 0; j < n; j++) {
            if (ps[j].type != AILIB_PART_TEXT) continue;
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "text"); ailib_json_write_stringn(w, ps[j].text ? ps[j].text : "", ailib__slen(ps[j].text, ps[j].text_len));
            ailib_json_write_object_end(w);
        }
    }
    ailib_json_write_array_end(w);
    ailib_json_write_object_end(w);
}

/* 1 when a call of the model turn starting at message i carries a Gemini signature. */
static int ailib__ge_turn_signed(ailib__bctx *c, size_t i) {
    const ailib_request *q = c->req;
    size_t j, n;
    ailib_part tmp;
    for (; i < q->message_count && (q->messages[i].role == AILIB_ROLE_ASSISTANT || q->messages[i].role == AILIB_ROLE_SYSTEM); i++) {
        const ailib_part *ps = ailib__b_parts(&q->messages[i], &tmp, &n);
        if (q->messages[i].role == AILIB_ROLE_SYSTEM) continue;
        for (j = 0; j < n; j++)
            if (ps[j].type == AILIB_PART_TOOL_CALL && ailib__ge_has_sig(c, &ps[j])) return 1;
    }
    return 0;
}

/* contents: consecutive messages of the same Gemini role share one content, so the results of
   parallel calls (often one TOOL message each) reach Gemini as one turn, as it requires. */
static void ailib__ge_contents(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i, j, n;
    int open = -1;   /* role of the open content: 1 model, 0 user, -1 none */
    int sentinel = 0;
    ailib_part tmp;
    ailib_json_write_key(w, "contents");
    ailib_json_write_array_begin(w);
    for (i = 0; i < q->message_count; i++) {
        const ailib_message *m = &q->messages[i];
        const ailib_part *ps;
        int model = m->role == AILIB_ROLE_ASSISTANT;
        if (m->role == AILIB_ROLE_SYSTEM) continue;
        ps = ailib__b_parts(m, &tmp, &n);
        if (open != model) {
            if (open >= 0) { ailib_json_write_array_end(w); ailib_json_write_object_end(w); }
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "role"); ailib_json_write_string(w, model ? "model" : "user");
            ailib_json_write_key(w, "parts");
            ailib_json_write_array_begin(w);
            open = model;
            sentinel = model && !ailib__ge_turn_signed(c, i);
        }
        for (j = 0; j < n; j++) ailib__ge_part(c, i, &ps[j], model, &sentinel);
    }
    if (open >= 0) { ailib_json_write_array_end(w); ailib_json_write_object_end(w); }
    ailib_json_write_array_end(w);
}

static void ailib__ge_tools(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i;
    if (q->tool_count) {
        size_t nspec = 0;
        for (i = 0; i < q->tool_count; i++) nspec += q->tools[i].spec != NULL;
        ailib_json_write_key(w, "tools");
        ailib_json_write_array_begin(w);
        /* provider tools ({"googleSearch":{}}, {"codeExecution":{}}) are elements of their own */
        for (i = 0; i < q->tool_count; i++) if (q->tools[i].spec) ailib__b_tool_spec(c, &q->tools[i]);
        if (nspec < q->tool_count) {
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "functionDeclarations");
            ailib_json_write_array_begin(w);
            for (i = 0; i < q->tool_count; i++) {
                const ailib_tool *t = &q->tools[i];
                if (t->spec) continue;
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "name"); ailib_json_write_string(w, t->name);
                if (t->description) { ailib_json_write_key(w, "description"); ailib_json_write_string(w, t->description); }
                ailib_json_write_key(w, "parametersJsonSchema"); ailib__b_tool_schema(c, t);
                ailib_json_write_object_end(w);
            }
            ailib_json_write_array_end(w);
            ailib_json_write_object_end(w);
        }
        ailib_json_write_array_end(w);
    }
    if ((q->tool_count || q->tool_choice.mode == AILIB_TOOL_CHOICE_NONE) && q->tool_choice.mode != AILIB_TOOL_CHOICE_AUTO) {
        ailib_json_write_key(w, "toolConfig");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "functionCallingConfig");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "mode");
        ailib_json_write_string(w, q->tool_choice.mode == AILIB_TOOL_CHOICE_NONE ? "NONE" : "ANY");
        if (q->tool_choice.mode == AILIB_TOOL_CHOICE_NAMED) {
            ailib_json_write_key(w, "allowedFunctionNames");
            ailib_json_write_array_begin(w);
            ailib_json_write_string(w, q->tool_choice.name);
            ailib_json_write_array_end(w);
        }
        ailib_json_write_object_end(w);
        ailib_json_write_object_end(w);
    }
}

/* Gemini 3 models take an effort as thinkingLevel (low, high; Flash models also minimal and
   medium) and cannot turn thinking off; a token budget still goes as thinkingBudget (they
   reject both at once). NULL: use thinkingBudget. */
static const char *ailib__ge_thinking_level(ailib__bctx *c) {
    const ailib_reasoning *r = &c->req->reasoning;
    const char *m = c->model;
    size_t n = c->model_len;
    int flash;
    if (r->budget_tokens > 0 || r->effort == AILIB_EFFORT_DEFAULT) return NULL;
    if (n > 7 && !memcmp(m, "models/", 7)) { m += 7; n -= 7; }
    if (n < 8 || memcmp(m, "gemini-3", 8) != 0) return NULL;
    flash = ailib__memmem(m, n, "flash", 5) != NULL;
    switch (r->effort) {
    case AILIB_EFFORT_NONE: case AILIB_EFFORT_MINIMAL: return flash ? "minimal" : "low";
    case AILIB_EFFORT_LOW: return "low";
    case AILIB_EFFORT_MEDIUM: return flash ? "medium" : "high";
    default: return "high";
    }
}

/* responseSchema takes an OpenAPI subset (every Gemini model); the schema is rewritten into it.
   A recursive schema has no such form: it goes whole as responseJsonSchema (Gemini 2.5+). */
static void ailib__ge_response_schema(ailib__bctx *c, const char *schema) {
    ailib_json_doc *d = NULL;
    ailib_json_parse_options o;
    ailib_json_writer tw;
    ailib_error e;
    ailib_result r;
    memset(&o, 0, sizeof o);
    o.allocator = &c->w->alloc;
    ailib_error_clear(&e);
    if (ailib_json_parse(schema, strlen(schema), &o, &d, &e) != AILIB_OK) {
        ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "response_format.schema is not valid JSON: %s", e.message);
        return;
    }
    ailib_json_writer_init(&tw, &c->w->alloc);
    r = ailib_schema_to_gemini(ailib_json_doc_root(d), &tw, &e);
    if (r == AILIB_OK && ailib_json_writer_finish(&tw) == AILIB_OK) {
        ailib_json_write_key(c->w, "responseSchema");
        ailib_json_write_raw(c->w, tw.buf, tw.len);
    } else if (r == AILIB_UNSUPPORTED) {
        ailib_json_write_key(c->w, "responseJsonSchema");
        ailib_json_write_value(c->w, ailib_json_doc_root(d));
    } else ailib__b_fail(c, r == AILIB_OK ? AILIB_OUT_OF_MEMORY : r, "response_format.schema: %s", e.message);
    ailib_json_writer_deinit(&tw);
    ailib_json_doc_destroy(d);
}

static void ailib__ge_generation_config(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    const ailib_reasoning *r = &q->reasoning;
    int thinking = ailib__reasoning_requested(r);
    if (!q->temperature.set && !q->top_p.set && !q->top_k.set && q->max_tokens <= 0 && !q->stop_count && !q->seed.set &&
        !q->presence_penalty.set && !q->frequency_penalty.set && q->response_format.type == AILIB_FORMAT_TEXT && !thinking)
        return;
    ailib_json_write_key(w, "generationConfig");
    ailib_json_write_object_begin(w);
    ailib__b_optf(c, "temperature", q->temperature);
    ailib__b_optf(c, "topP", q->top_p);
    ailib__b_opti(c, "topK", q->top_k);
    if (q->max_tokens > 0) { ailib_json_write_key(w, "maxOutputTokens"); ailib_json_write_int(w, q->max_tokens); }
    ailib__b_stop_array(c, "stopSequences");
    ailib__b_opti(c, "seed", q->seed);
    ailib__b_optf(c, "presencePenalty", q->presence_penalty);
    ailib__b_optf(c, "frequencyPenalty", q->frequency_penalty);
    if (q->response_format.type != AILIB_FORMAT_TEXT) {
        ailib_json_write_key(w, "responseMimeType"); ailib_json_write_string(w, "application/json");
        if (q->response_format.type == AILIB_FORMAT_JSON_SCHEMA) ailib__ge_response_schema(c, q->response_format.schema);
    }
    if (thinking) {
        /* sent only when asked for: older models reject a thinkingConfig outright */
        int64_t budget = ailib__reasoning_budget(r);
        const char *level = ailib__ge_thinking_level(c);
        ailib_json_write_key(w, "thinkingConfig");
        ailib_json_write_object_begin(w);
        if (level) {
            ailib_json_write_key(w, "thinkingLevel"); ailib_json_write_string(w, level);
            ailib_json_write_key(w, "includeThoughts"); ailib_json_write_bool(w, !r->exclude && r->effort != AILIB_EFFORT_NONE);
        } else {
            ailib_json_write_key(w, "thinkingBudget"); ailib_json_write_int(w, budget < 0 ? -1 : budget);
            if (budget != 0) { ailib_json_write_key(w, "includeThoughts"); ailib_json_write_bool(w, !r->exclude); }
        }
        ailib_json_write_object_end(w);
    }
    ailib_json_write_object_end(w);
}

static ailib_result ailib__ge_build(ailib__bctx *c) {
    ailib_json_writer *w = c->w;
    /* "models/x" and "tunedModels/x" are full resource names; a bare id goes under models/.
       The id itself is one escaped path segment. */
    size_t skip = (c->model_len > 7 && memcmp(c->model, "models/", 7) == 0) ? 7
                : (c->model_len > 12 && memcmp(c->model, "tunedModels/", 12) == 0) ? 12 : 0;
    ailib__b_path(c, "/");
    ailib__b_pathn(c, skip ? c->model : "models/", skip ? skip : 7);
    ailib__b_path_escaped(c, c->model + skip, c->model_len - skip);
    ailib__b_path(c, c->stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    ailib_json_write_object_begin(w);
    ailib__ge_system(c);
    ailib__ge_contents(c);
    ailib__ge_tools(c);
    ailib__ge_generation_config(c);
    ailib_json_write_object_end(w);
    return c->fail;
}

/* --- reading ------------------------------------------------------------------------------ */

/* Adapter state in s->state while a Vertex streamed function call is open (partialArgs):
   the arguments object is written as text as the fragments arrive. s->scratch holds the
   jsonPath of the last value written; its first GE_PARENT bytes name the open containers. */
enum {
    AILIB__GE_CALL = 0,     /* 1 + call number of the open streamed call; 0 when none */
    AILIB__GE_FLAGS,        /* AILIB__GE_ROOT_OPEN | AILIB__GE_STR_OPEN */
    AILIB__GE_DEPTH,        /* open containers, the root object included */
    AILIB__GE_ARRAYS,       /* bit d: container d is an array */
    AILIB__GE_MEMBERS,      /* bit d: container d has a member already (a comma is due) */
    AILIB__GE_PARENT        /* length of the open containers' path in s->scratch */
};
#define AILIB__GE_ROOT_OPEN 1
#define AILIB__GE_STR_OPEN 2
#define AILIB__GE_MAX_DEPTH 63

/* Arguments text goes out through a small buffer: one delta per fragment, no allocation. */
typedef struct ailib__ge_out { ailib_stream *s; size_t call; size_t len; char buf[480]; } ailib__ge_out;

static void ailib__ge_flush(ailib__ge_out *o) {
    if (o->len) ailib__acc_tool_args(&o->s->acc, o->call, o->buf, o->len);
    o->len = 0;
}

static void ailib__ge_put(ailib__ge_out *o, const char *p, size_t n) {
    while (n) {
        size_t k;
        if (o->len == sizeof o->buf) ailib__ge_flush(o);
        k = sizeof o->buf - o->len;
        if (k > n) k = n;
        memcpy(o->buf + o->len, p, k);
        o->len += k; p += k; n -= k;
    }
}

/* String content, JSON-escaped (no quotes); a UTF-8 sequence never straddles two deltas. */
static void ailib__ge_esc(ailib__ge_out *o, const char *p, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, k;
    while (i < n) {
        unsigned char ch = (unsigned char)p[i];
        if (o->len + 6 > sizeof o->buf) ailib__ge_flush(o);
        k = 1;
        if (ch == '"' || ch == '\\') { o->buf[o->len++] = '\\'; o->buf[o->len++] = (char)ch; }
        else if (ch == '\n') { o->buf[o->len++] = '\\'; o->buf[o->len++] = 'n'; }
        else if (ch == '\t') { o->buf[o->len++] = '\\'; o->buf[o->len++] = 't'; }
        else if (ch == '\r') { o->buf[o->len++] = '\\'; o->buf[o->len++] = 'r'; }
        else if (ch < 0x20) {
            memcpy(o->buf + o->len, "\\u00", 4);
            o->buf[o->len + 4] = hex[ch >> 4];
            o->buf[o->len + 5] = hex[ch & 15];
            o->len += 6;
        } else {
            if (ch >= 0xF0) k = 4; else if (ch >= 0xE0) k = 3; else if (ch >= 0xC0) k = 2;
            if (k > n - i) k = n - i;
            memcpy(o->buf + o->len, p + i, k);
            o->len += k;
        }
        i += k;
    }
}

/* One segment of a jsonPath at p[i]: ".key", "['key']" / "[\"key\"]", or "[n]". Sets *next to
   the index after it; returns 0 when malformed. */
static int ailib__ge_seg(const char *p, size_t n, size_t i, size_t *next, const char **key, size_t *kn, int *index) {
    size_t j;
    if (i >= n) return 0;
    if (p[i] == '.') {
        for (j = i + 1; j < n && p[j] != '.' && p[j] != '['; j++) {}
        if (j == i + 1) return 0;
        *key = p + i + 1; *kn = j - i - 1; *index = 0; *next = j;
        return 1;
    }
    if (p[i] != '[' || i + 1 >= n) return 0;
    if (p[i + 1] == '\'' || p[i + 1] == '"') {
        const char *e = i + 2 < n ? (const char *)memchr(p + i + 2, p[i + 1], n - i - 2) : NULL;
        if (!e || (size_t)(e - p) + 1 >= n || e[1] != ']') return 0;
        *key = p + i + 2; *kn = (size_t)(e - p) - i - 2; *index = 0; *next = (size_t)(e - p) + 2;
        return 1;
    }
    for (j = i + 1; j < n && p[j] >= '0' && p[j] <= '9'; j++) {}
    if (j == i + 1 || j >= n || p[j] != ']') return 0;
    *key = NULL; *kn = 0; *index = 1; *next = j + 1;
    return 1;
}

/* Starts a member of open container d: the comma, and the key in an object. */
static int ailib__ge_member(ailib__ge_out *o, uint64_t *members, uint64_t arrays, size_t d, const char *key, size_t kn, int index) {
    if ((int)((arrays >> d) & 1) != index) return 0;   /* "$.a.b" after "$.a[0]" (or the reverse) */
    if ((*members >> d) & 1) ailib__ge_put(o, ",", 1);
    *members |= (uint64_t)1 << d;
    if (!index) {
        ailib__ge_put(o, "\"", 1);
        ailib__ge_esc(o, key, kn);
        ailib__ge_put(o, "\":", 2);
    }
    return 1;
}

/* One partialArgs fragment. The open containers are closed down to the longest prefix they
   share with the fragment's path and reopened along it, so each fragment costs the length of
   its path and its value, whatever came before. Returns 0 for a path it cannot place. */
static int ailib__ge_partial(ailib_stream *s, ailib__ge_out *o, const ailib_json *pa) {
    size_t pn = 0, sn = 0, i, leaf = 1, a, b, na, nb, kn, kn2, parent, depth;
    const char *path = ailib_json_str(ailib_json_get(pa, "jsonPath"), &pn), *key, *key2, *str;
    const ailib_json *v;
    int idx, idx2, cont = ailib_json_bool(ailib_json_get(pa, "willContinue"));
    int64_t flags = s->state[AILIB__GE_FLAGS];
    uint64_t arrays, members;
    if (!path || pn < 2 || path[0] != '$') return 0;
    for (i = 1; i < pn;) { leaf = i; if (!ailib__ge_seg(path, pn, i, &i, &key, &kn, &idx)) return 0; }
    str = ailib_json_str(ailib_json_get(pa, "stringValue"), &sn);
    if (flags & AILIB__GE_STR_OPEN) {
        if (pn == s->scratch.len && memcmp(path, s->scratch.p, pn) == 0) {   /* the string goes on */
            if (str) ailib__ge_esc(o, str, sn);
            if (!cont) { ailib__ge_put(o, "\"", 1); s->state[AILIB__GE_FLAGS] = flags & ~AILIB__GE_STR_OPEN; }
            return 1;
        }
        ailib__ge_put(o, "\"", 1);
        flags &= ~AILIB__GE_STR_OPEN;
    }
    if (!(flags & AILIB__GE_ROOT_OPEN)) {
        ailib__ge_put(o, "{", 1);
        flags |= AILIB__GE_ROOT_OPEN;
        s->state[AILIB__GE_DEPTH] = 1;
        s->state[AILIB__GE_ARRAYS] = s->state[AILIB__GE_MEMBERS] = 0;
        s->state[AILIB__GE_PARENT] = 1;
        if (!ailib__buf_set(&s->alloc, &s->scratch, "$", 1)) { s->acc.oom = 1; return 1; }
    }
    s->state[AILIB__GE_FLAGS] = flags;
    depth = (size_t)s->state[AILIB__GE_DEPTH];
    arrays = (uint64_t)s->state[AILIB__GE_ARRAYS];
    members = (uint64_t)s->state[AILIB__GE_MEMBERS];
    parent = (size_t)s->state[AILIB__GE_PARENT];
    for (a = b = 1; a < parent && b < leaf; a = na, b = nb) {
        if (!ailib__ge_seg(s->scratch.p, parent, a, &na, &key, &kn, &idx) ||
            !ailib__ge_seg(path, leaf, b, &nb, &key2, &kn2, &idx2) ||
            na - a != nb - b || memcmp(s->scratch.p + a, path + b, na - a) != 0) break;
    }
    /* close the containers the new path leaves: b is where the two paths part */
    for (i = 1, a = 1; a < b; i++) ailib__ge_seg(path, leaf, a, &a, &key, &kn, &idx);
    while (depth > i) { depth--; ailib__ge_put(o, ((arrays >> depth) & 1) ? "]" : "}", 1); }
    /* open the containers it enters; each one's kind is told by the segment after it */
    while (b < leaf) {
        ailib__ge_seg(path, leaf, b, &nb, &key, &kn, &idx);
        ailib__ge_seg(path, pn, nb, &na, &key2, &kn2, &idx2);
        if (depth >= AILIB__GE_MAX_DEPTH || !ailib__ge_member(o, &members, arrays, depth - 1, key, kn, idx)) return 0;
        ailib__ge_put(o, idx2 ? "[" : "{", 1);
        if (idx2) arrays |= (uint64_t)1 << depth; else arrays &= ~((uint64_t)1 << depth);
        members &= ~((uint64_t)1 << depth);
        depth++;
        b = nb;
    }
    ailib__ge_seg(path, pn, leaf, &na, &key, &kn, &idx);
    if (!ailib__ge_member(o, &members, arrays, depth - 1, key, kn, idx)) return 0;
    if (str) {
        ailib__ge_put(o, "\"", 1);
        ailib__ge_esc(o, str, sn);
        if (cont) s->state[AILIB__GE_FLAGS] |= AILIB__GE_STR_OPEN; else ailib__ge_put(o, "\"", 1);
    } else if (ailib_json_is_number(v = ailib_json_get(pa, "numberValue"))) {
        char nb2[48];
        ailib__ge_put(o, nb2, AILIB__JT(v) == AILIB_JSON_INT ? ailib__fmt_i64(nb2, v->u.i) : ailib__fmt_double(nb2, v->u.d));
    } else if (ailib_json_is_bool(v = ailib_json_get(pa, "boolValue"))) {
        if (ailib_json_bool(v)) ailib__ge_put(o, "true", 4); else ailib__ge_put(o, "false", 5);
    } else ailib__ge_put(o, "null", 4);   /* nullValue */
    s->state[AILIB__GE_DEPTH] = (int64_t)depth;
    s->state[AILIB__GE_ARRAYS] = (int64_t)arrays;
    s->state[AILIB__GE_MEMBERS] = (int64_t)members;
    s->state[AILIB__GE_PARENT] = (int64_t)leaf;
    if (!ailib__buf_set(&s->alloc, &s->scratch, path, pn)) s->acc.oom = 1;
    return 1;
}

/* Closes what is open of a streamed call's arguments and ends the call. */
static void ailib__ge_stream_end(ailib_stream *s) {
    ailib__ge_out o;
    int64_t flags = s->state[AILIB__GE_FLAGS];
    size_t depth = (size_t)s->state[AILIB__GE_DEPTH];
    uint64_t arrays = (uint64_t)s->state[AILIB__GE_ARRAYS];
    if (!s->state[AILIB__GE_CALL]) return;
    o.s = s;
    o.call = (size_t)s->state[AILIB__GE_CALL] - 1;
    o.len = 0;
    if (flags & AILIB__GE_STR_OPEN) ailib__ge_put(&o, "\"", 1);
    if (flags & AILIB__GE_ROOT_OPEN)
        while (depth) { depth--; ailib__ge_put(&o, ((arrays >> depth) & 1) ? "]" : "}", 1); }
    ailib__ge_flush(&o);
    ailib__acc_tool_end(&s->acc, o.call);
    memset(s->state, 0, (AILIB__GE_PARENT + 1) * sizeof s->state[0]);
    s->scratch.len = 0;
}

/* A JSON value as the arguments of call, written through the stream's scratch buffer (kept
   across events: no allocation after warm-up). */
static void ailib__ge_args_value(ailib_stream *s, size_t call, const ailib_json *v) {
    ailib_json_writer w;
    ailib_json_writer_init(&w, &s->alloc);
    w.buf = s->scratch.p;
    w.cap = s->scratch.cap;
    ailib_json_write_value(&w, v);
    if (ailib_json_writer_finish(&w) == AILIB_OK) ailib__acc_tool_args(&s->acc, call, w.buf, w.len);
    else s->acc.oom = 1;
    s->scratch.p = w.buf;
    s->scratch.cap = w.cap;
    s->scratch.len = 0;
}

/* A functionCall part: whole (Gemini API), or a piece of a Vertex streamed call (a named part
   with willContinue, partialArgs pieces, an empty {} to end it). */
static void ailib__ge_call(ailib_stream *s, const ailib_json *fc, const char *sig, size_t sn) {
    const ailib_json *k, *args = NULL, *partial = NULL, *e;
    const char *id = NULL, *name = NULL;
    size_t n, idn = 0, nn = 0, call;
    int cont = 0;
    ailib__ge_out o;
    for (AILIB__MEMBERS(fc, k, n)) {
        if (AILIB__KEY(k, "name")) name = ailib_json_str(k + 1, &nn);
        else if (AILIB__KEY(k, "id")) id = ailib_json_str(k + 1, &idn);
        else if (AILIB__KEY(k, "args")) args = k + 1;
        else if (AILIB__KEY(k, "partialArgs")) partial = k + 1;
        else if (AILIB__KEY(k, "willContinue")) cont = ailib_json_bool(k + 1);
    }
    if (s->state[AILIB__GE_CALL] && nn) ailib__ge_stream_end(s);   /* a named part starts a new call */
    if (!s->state[AILIB__GE_CALL]) {
        if (!nn && !args && !partial && !cont) return;   /* a stray terminator */
        call = ailib__acc_tool_begin(&s->acc, id, idn, name, nn);
        if (call == (size_t)-1) return;
        ailib__acc_call_signature(&s->acc, call, sig, sn);
        if (!cont && !partial) {
            if (args) ailib__ge_args_value(s, call, args);
            ailib__acc_tool_end(&s->acc, call);
            return;
        }
        s->state[AILIB__GE_CALL] = (int64_t)call + 1;
    } else {
        call = (size_t)s->state[AILIB__GE_CALL] - 1;
        ailib__acc_tool_ident(&s->acc, call, id, idn, name, nn);
        ailib__acc_call_signature(&s->acc, call, sig, sn);
    }
    o.s = s; o.call = call; o.len = 0;
    for (AILIB__ELEMS(partial, e, n)) {
        if (!ailib__ge_partial(s, &o, e)) {
            ailib__ge_flush(&o);
            ailib__stream_fail(s, AILIB_DESERIALIZATION, "a streamed function call has a partialArgs jsonPath that does not fit "
                                                         "the arguments so far (expected $.key, $.a.b or $.a[0] paths)");
            return;
        }
    }
    ailib__ge_flush(&o);
    if (!cont) ailib__ge_stream_end(s);
}

/* A text or thought part. A part that carries a signature starts a part of its own, kept even
   when its text is empty: the history is echoed part for part. */
static void ailib__ge_text(ailib_stream *s, int thought, const char *t, size_t n, const char *sig, size_t sn) {
    ailib_part_type type = thought ? AILIB_PART_THINKING : AILIB_PART_TEXT;
    if (sn) ailib__acc_break(&s->acc);
    if (thought) ailib__acc_reasoning(&s->acc, t, n); else ailib__acc_text(&s->acc, t, n);
    if (sn) ailib__acc_signature(&s->acc, type, sig, sn);
}

/* Code the provider ran itself (the code execution tool): executableCode is a provider tool
   call (name "code_execution", input the executableCode object), codeExecutionResult its
   result (is_error unless the outcome is OUTCOME_OK); each part is kept whole to go back. */
static void ailib__ge_code(ailib_stream *s, const ailib_json *part, const ailib_json *v, int result) {
    ailib__acc *a = &s->acc;
    size_t idn = 0, part_i;
    const char *id = ailib_json_str(ailib_json_get(v, "id"), &idn);
    ailib__apart *p;
    if (!result) part_i = ailib__acc_ptool(a, AILIB_PART_PROVIDER_TOOL_CALL, id, id ? idn : 0, "code_execution", 14);
    else part_i = ailib__acc_ptool(a, AILIB_PART_PROVIDER_TOOL_RESULT, id, id ? idn : 0, "code_execution_result", 21);
    if (part_i == (size_t)-1) return;
    p = &a->parts[part_i];
    ailib__acc_json(a, &p->text, v, NULL);
    ailib__acc_json(a, &p->raw, part, NULL);
    if (result) p->is_error = !ailib__jstr_eq(ailib_json_get(v, "outcome"), "OUTCOME_OK");
    ailib__acc_ptool_done(a, part_i);
}

/* The parts of the first candidate; at is the path of the chunk ("$", or "$[i]" in an array). */
static void ailib__ge_parts(ailib_stream *s, const ailib_json *parts, const char *at) {
    const ailib_json *e, *k, *fc, *tv, *sv, *code, *coderes;
    size_t n, m, tn, sn, i = 0;
    const char *t, *sig;
    int thought;
    for (AILIB__ELEMS(parts, e, n)) {
        t = sig = NULL;
        tn = sn = 0;
        thought = 0;
        fc = tv = sv = code = coderes = NULL;
        if (!ailib_json_is_object(e)) {
            ailib__shape_fail(s, e, "an object", "%s.candidates[0].content.parts[%lu]", at, (unsigned long)i);
            return;
        }
        for (AILIB__MEMBERS(e, k, m)) {
            if (AILIB__KEY(k, "text")) t = ailib_json_str(tv = k + 1, &tn);
            else if (AILIB__KEY(k, "thought")) thought = ailib_json_bool(k + 1);
            else if (AILIB__KEY(k, "thoughtSignature")) sig = ailib_json_str(sv = k + 1, &sn);
            else if (AILIB__KEY(k, "functionCall")) fc = k + 1;
            else if (AILIB__KEY(k, "executableCode")) code = k + 1;
            else if (AILIB__KEY(k, "codeExecutionResult")) coderes = k + 1;
        }
        if (!ailib__jopt(tv, AILIB_JSON_STRING) || !ailib__jopt(sv, AILIB_JSON_STRING) || !ailib__jopt(fc, AILIB_JSON_OBJECT)) {
            int bt = !ailib__jopt(tv, AILIB_JSON_STRING), bs = !bt && !ailib__jopt(sv, AILIB_JSON_STRING);
            ailib__shape_fail(s, bt ? tv : bs ? sv : fc, bt || bs ? "a string" : "an object", "%s.candidates[0].content.parts[%lu].%s",
                              at, (unsigned long)i, bt ? "text" : bs ? "thoughtSignature" : "functionCall");
            return;
        }
        if (ailib_json_is_object(fc)) ailib__ge_call(s, fc, sig, sig ? sn : 0);
        else if (ailib_json_is_object(code) || ailib_json_is_object(coderes)) ailib__ge_code(s, e, code ? code : coderes, !code);
        else if (t || sig) ailib__ge_text(s, thought, t ? t : "", t ? tn : 0, sig, sig ? sn : 0);
        if (s->fail != AILIB_OK) return;
        i++;
    }
}

/* usageMetadata is cumulative: each report replaces the last (normalized as ailib_usage says: thoughts
   are outside candidatesTokenCount, tool-use prompt tokens outside promptTokenCount). */
static void ailib__ge_usage(ailib_stream *s, const ailib_json *u) {
    const ailib_json *k;
    size_t n;
    int64_t prompt = 0, tool = 0, cand = 0, thoughts = 0, cached = 0;
    uint32_t rep = 0;
    ailib_usage *d = &s->acc.usage;
    for (AILIB__MEMBERS(u, k, n)) {
        if (!ailib_json_is_number(k + 1)) continue;
        if (AILIB__KEY(k, "promptTokenCount")) { prompt = ailib_json_int(k + 1); rep |= AILIB_USAGE_INPUT; }
        else if (AILIB__KEY(k, "toolUsePromptTokenCount")) { tool = ailib_json_int(k + 1); rep |= AILIB_USAGE_INPUT; }
        else if (AILIB__KEY(k, "candidatesTokenCount")) { cand = ailib_json_int(k + 1); rep |= AILIB_USAGE_OUTPUT; }
        else if (AILIB__KEY(k, "thoughtsTokenCount")) { thoughts = ailib_json_int(k + 1); rep |= AILIB_USAGE_OUTPUT | AILIB_USAGE_REASONING; }
        else if (AILIB__KEY(k, "cachedContentTokenCount")) { cached = ailib_json_int(k + 1); rep |= AILIB_USAGE_CACHED; }
    }
    if (!rep) return;   /* Vertex sends {"trafficType":...} alone on early chunks */
    s->acc.usage_reports++;   /* a report, changed or not (the completeness rule) */
    prompt = ailib__sat_add(prompt, tool);
    cand = ailib__sat_add(cand, thoughts);
    if (d->input_tokens == prompt && d->output_tokens == cand && d->cached_input_tokens == cached &&
        d->reasoning_tokens == thoughts && (d->reported & ~(uint32_t)AILIB_USAGE_TOTAL) == rep) return;   /* unchanged */
    d->input_tokens = prompt;
    d->output_tokens = cand;
    d->cached_input_tokens = cached;
    d->reasoning_tokens = thoughts;
    d->cache_write_tokens = 0;
    d->reported = rep;
    ailib__acc_usage_emit(&s->acc);
}

/* A blocked prompt ends the answer as filtered, whatever the block reason is spelled. */
static void ailib__ge_blocked(ailib_stream *s, const char *raw, size_t n) {
    ailib__acc *a = &s->acc;
    ailib_event ev;
    if (a->too_large) return;
    ailib__acc_tool_end_all(a);
    a->finish = AILIB_FINISH_CONTENT_FILTER;
    if (!ailib__buf_set(&a->alloc, &a->finish_raw, raw, n)) a->oom = 1;
    ailib__ev_init(&ev, AILIB_EVENT_FINISH);
    ev.finish_reason = a->finish;
    ev.finish_raw = ailib__buf_str(&a->finish_raw);
    ailib__emit(a, &ev);
}

/* Shape rules (Gemini's reference and the recordings). A whole response is an object
   with "candidates", a non-empty array of objects, or a "promptFeedback" object (a blocked
   prompt has no candidates); its error form {"error":{...}} is the provider's error. The
   array that streamGenerateContent sends without alt=sse is read as a stream's chunks, and
   one of them must have candidates or promptFeedback. A stream chunk needs no member in
   particular (one may carry only usageMetadata), but a stream needs one chunk with
   candidates, usageMetadata, promptFeedback or an error. Where present: candidates an array
   of objects; content an object (a candidate stopped for safety has none); parts an array of
   objects (absent when MAX_TOKENS was spent on thoughts); text and thoughtSignature strings;
   functionCall an object; finishReason a string; usageMetadata and promptFeedback objects. */

/* One GenerateContentResponse: a whole response (whole = 1), or a stream chunk with only the
   new parts; at is its path for shape errors. */
static ailib_result ailib__ge_chunk(ailib_stream *s, const ailib_json *root, const char *at, int whole) {
    const ailib_json *k, *v, *cands = NULL, *usage = NULL, *pf = NULL, *cand, *fin = NULL, *content = NULL, *parts;
    size_t n, sl, fl = 0;
    const char *str, *fs;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "%s", at);
    for (AILIB__MEMBERS(root, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "candidates")) cands = v;
        else if (AILIB__KEY(k, "usageMetadata")) usage = v;
        else if (AILIB__KEY(k, "modelVersion")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.model, str, sl); }
        else if (AILIB__KEY(k, "responseId")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.id, str, sl); }
        else if (AILIB__KEY(k, "promptFeedback")) pf = v;
        else if (AILIB__KEY(k, "error")) { if (!ailib_json_is_null(v)) return ailib__stream_provider_error(s, root); }
    }
    if (!ailib__jopt(cands, AILIB_JSON_ARRAY)) return ailib__shape_fail(s, cands, "an array", "%s.candidates", at);
    if (!ailib__jopt(usage, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, usage, "an object", "%s.usageMetadata", at);
    if (!ailib__jopt(pf, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, pf, "an object", "%s.promptFeedback", at);
    if (whole && !ailib_json_size(cands) && !pf)
        return ailib__shape_fail(s, cands, "a non-empty array of candidates (or a promptFeedback)", "%s.candidates", at);
    if (cands || usage || pf) s->shaped = 1;
    if ((cand = ailib_json_first(cands)) != NULL) {   /* candidateCount > 1: the first only */
        if (!ailib_json_is_object(cand)) return ailib__shape_fail(s, cand, "an object", "%s.candidates[0]", at);
        for (AILIB__MEMBERS(cand, k, n)) {
            if (AILIB__KEY(k, "content")) content = k + 1;
            else if (AILIB__KEY(k, "finishReason")) fin = k + 1;
        }
        parts = ailib_json_get(content, "parts");
        if (!ailib__jopt(content, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, content, "an object", "%s.candidates[0].content", at);
        if (!ailib__jopt(parts, AILIB_JSON_ARRAY)) return ailib__shape_fail(s, parts, "an array", "%s.candidates[0].content.parts", at);
        if (!ailib__jopt(fin, AILIB_JSON_STRING)) return ailib__shape_fail(s, fin, "a string", "%s.candidates[0].finishReason", at);
        ailib__ge_parts(s, parts, at);
        if (s->fail != AILIB_OK) return s->fail;
    }
    if (ailib_json_is_object(usage)) ailib__ge_usage(s, usage);
    if ((fs = ailib_json_str(fin, &fl)) != NULL && fl) {
        ailib__ge_stream_end(s);   /* a streamed call left open by a missing terminator */
        ailib__acc_finish(&s->acc, fs, fl);   /* complete with its usageMetadata: ailib__stream_complete */
    } else if ((fs = ailib_json_str(ailib_json_get(pf, "blockReason"), &fl)) != NULL && fl) {
        ailib__ge_blocked(s, fs, fl);
        s->complete = 1;
    }
    return AILIB_OK;
}

/* A body may also be the JSON array streamGenerateContent sends without alt=sse. */
static ailib_result ailib__ge_value(ailib_stream *s, const ailib_json *root, int whole) {
    const ailib_json *e;
    size_t n, i = 0;
    char at[32];
    int answered = 0;
    ailib_result r = AILIB_OK;
    if (!ailib_json_is_array(root)) return ailib__ge_chunk(s, root, "$", whole);
    if (whole && !ailib_json_size(root)) return ailib__shape_fail(s, root, "an object, or a non-empty array of them", "$");
    for (AILIB__ELEMS(root, e, n)) {
        snprintf(at, sizeof at, "$[%lu]", (unsigned long)i++);
        if ((r = ailib__ge_chunk(s, e, at, 0)) != AILIB_OK) return r;
        answered |= ailib_json_size(ailib_json_get(e, "candidates")) || ailib_json_get(e, "promptFeedback");
    }
    if (whole && !answered) return ailib__shape_fail(s, root, "responses with candidates or a promptFeedback", "$");
    return r;
}

static ailib_result ailib__ge_event(ailib_stream *s, const char *ev, size_t evn, const ailib_json *root) {
    (void)ev; (void)evn;
    return ailib__ge_value(s, root, 0);
}

static ailib_result ailib__ge_parse(ailib_stream *s, const ailib_json *root) {
    ailib_result r = ailib__ge_value(s, root, 1);
    ailib__ge_stream_end(s);
    ailib__acc_tool_end_all(&s->acc);
    return r;
}

static const ailib__adapter ailib__adapter_gemini = { "gemini", 0, ailib__ge_event, ailib__ge_parse, ailib__ge_build, NULL, 1 };
/* >>ollama: Ollama native /api/chat (NDJSON) ================================================== */

/* --- request ------------------------------------------------------------------------------ */

/* The text of every part of type t as one JSON string (Ollama messages have one content). */
static void ailib__ol_joined(ailib__bctx *c, const ailib_part *ps, size_t n, ailib_part_type t) {
    ailib_json_writer *w = c->w;
    const ailib_part *only = NULL;
    size_t i, count = 0;
    ailib__buf joined = {0, 0, 0};
    for (i = 0; i < n; i++) if (ps[i].type == t) { count++; only = &ps[i]; }
    if (count <= 1) {
        ailib_json_write_stringn(w, only && only->text ? only->text : "", only ? ailib__slen(only->text, only->text_len) : 0);
        return;
    }
    for (i = 0; i < n; i++)
        if (ps[i].type == t && ps[i].text && !ailib__buf_add(&w->alloc, &joined, ps[i].text, ailib__slen(ps[i].text, ps[i].text_len)))
            ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
    ailib_json_write_stringn(w, joined.p ? joined.p : "", joined.len);
    ailib__free(&w->alloc, joined.p);
}

static int ailib__ol_has(const ailib_part *ps, size_t n, ailib_part_type t) {
    size_t i;
    for (i = 0; i < n; i++) if (ps[i].type == t && (t != AILIB_PART_THINKING || ailib__slen(ps[i].text, ps[i].text_len))) return 1;
    return 0;
}

static void ailib__ol_system(ailib__bctx *c, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "role"); ailib_json_write_string(w, "system");
    ailib_json_write_key(w, "content"); ailib__ol_joined(c, ps, n, AILIB_PART_TEXT);
    ailib_json_write_object_end(w);
}

/* images: base64 strings only. A data: URL already holds base64; Ollama cannot fetch URLs. */
static void ailib__ol_images(ailib__bctx *c, size_t mi, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    size_t i;
    if (!ailib__ol_has(ps, n, AILIB_PART_IMAGE)) return;
    ailib_json_write_key(w, "images");
    ailib_json_write_array_begin(w);
    for (i = 0; i < n; i++) {
        const ailib_part *p = &ps[i];
        size_t un = ailib__slen(p->url, p->url_len);
        const char *comma;
        if (p->type != AILIB_PART_IMAGE) continue;
        if (p->data && p->data_len) ailib__b_base64(c, NULL, p->data, p->data_len);
        else if (un > 5 && memcmp(p->url, "data:", 5) == 0 && (comma = (const char *)memchr(p->url, ',', un)) != NULL &&
                 comma - p->url >= 12 && memcmp(comma - 7, ";base64", 7) == 0)
            ailib_json_write_stringn(w, comma + 1, un - (size_t)(comma - p->url) - 1);
        else {
            ailib__b_fail(c, AILIB_UNSUPPORTED, "messages[%lu]: %s cannot fetch image URLs, it needs the bytes: set part.data + data_len "
                          "(or a data:<mime>;base64 URL)", (unsigned long)mi, c->prov->name);
            ailib_json_write_null(w);
        }
    }
    ailib_json_write_array_end(w);
}

/* The tool name of a result whose part only names the call id, from the history before upto. */
static const ailib_part *ailib__ol_find_call(const ailib_request *q, size_t upto, const char *id, size_t idn) {
    size_t i, j, n;
    ailib_part tmp;
    if (!id || !idn) return NULL;
    for (i = upto; i-- > 0;) {
        const ailib_part *ps = ailib__b_parts(&q->messages[i], &tmp, &n);
        for (j = 0; j < n; j++)
            if (ps[j].type == AILIB_PART_TOOL_CALL && ailib__slen(ps[j].id, ps[j].id_len) == idn && memcmp(ps[j].id, id, idn) == 0)
                return &ps[j];
    }
    return NULL;
}

static void ailib__ol_tool_results(ailib__bctx *c, size_t mi, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    size_t i;
    for (i = 0; i < n; i++) {
        const ailib_part *p = &ps[i], *call;
        size_t idn = ailib__slen(p->id, p->id_len), nn = ailib__slen(p->name, p->name_len);
        const char *name = p->name;
        if (p->type != AILIB_PART_TOOL_RESULT) continue;
        if ((!name || !nn) && (call = ailib__ol_find_call(c->req, mi, p->id, idn)) != NULL) {
            name = call->name;
            nn = ailib__slen(call->name, call->name_len);
        }
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "role"); ailib_json_write_string(w, "tool");
        if (name && nn) { ailib_json_write_key(w, "tool_name"); ailib_json_write_stringn(w, name, nn); }
        if (idn) { ailib_json_write_key(w, "tool_call_id"); ailib_json_write_stringn(w, p->id, idn); }
        ailib_json_write_key(w, "content"); ailib_json_write_stringn(w, p->text ? p->text : "", ailib__slen(p->text, p->text_len));
        ailib_json_write_object_end(w);
    }
}

static void ailib__ol_user(ailib__bctx *c, size_t mi, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    size_t i, kept = 0;
    for (i = 0; i < n; i++) {
        if (ps[i].type == AILIB_PART_AUDIO) {
            ailib__b_fail(c, AILIB_UNSUPPORTED, "messages[%lu]: %s /api/chat takes no audio input", (unsigned long)mi, c->prov->name);
            return;
        }
        if (ps[i].type == AILIB_PART_TEXT || ps[i].type == AILIB_PART_IMAGE) kept++;
    }
    if (!kept) return;
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "role"); ailib_json_write_string(w, "user");
    ailib_json_write_key(w, "content"); ailib__ol_joined(c, ps, n, AILIB_PART_TEXT);
    ailib__ol_images(c, mi, ps, n);
    ailib_json_write_object_end(w);
}

static void ailib__ol_assistant(ailib__bctx *c, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    size_t i;
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "role"); ailib_json_write_string(w, "assistant");
    ailib_json_write_key(w, "content"); ailib__ol_joined(c, ps, n, AILIB_PART_TEXT);
    if (ailib__ol_has(ps, n, AILIB_PART_THINKING)) { ailib_json_write_key(w, "thinking"); ailib__ol_joined(c, ps, n, AILIB_PART_THINKING); }
    if (ailib__ol_has(ps, n, AILIB_PART_TOOL_CALL)) {
        ailib_json_write_key(w, "tool_calls");
        ailib_json_write_array_begin(w);
        for (i = 0; i < n; i++) {
            const ailib_part *p = &ps[i];
            size_t idn = ailib__slen(p->id, p->id_len);
            if (p->type != AILIB_PART_TOOL_CALL) continue;
            ailib_json_write_object_begin(w);
            if (p->id && idn) { ailib_json_write_key(w, "id"); ailib_json_write_stringn(w, p->id, idn); }
            ailib_json_write_key(w, "function");
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "name"); ailib_json_write_stringn(w, p->name, ailib__slen(p->name, p->name_len));
            ailib_json_write_key(w, "arguments"); ailib__b_args_object(c, p);
            ailib_json_write_object_end(w);
            ailib_json_write_object_end(w);
        }
        ailib_json_write_array_end(w);
    }
    ailib_json_write_object_end(w);
}

static void ailib__ol_messages(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i, n;
    ailib_part tmp;
    ailib_json_write_key(w, "messages");
    ailib_json_write_array_begin(w);
    if (q->system && *q->system) {
        ailib_part sp;
        memset(&sp, 0, sizeof sp);
        sp.type = AILIB_PART_TEXT;
        sp.text = q->system;
        ailib__ol_system(c, &sp, 1);
    }
    for (i = 0; i < q->message_count && c->fail == AILIB_OK; i++) {
        const ailib_message *m = &q->messages[i];
        const ailib_part *ps = ailib__b_parts(m, &tmp, &n);
        switch (m->role) {
        case AILIB_ROLE_SYSTEM:
            ailib__ol_system(c, ps, n);
            break;
        case AILIB_ROLE_USER:
        case AILIB_ROLE_TOOL:
            ailib__ol_tool_results(c, i, ps, n);
            ailib__ol_user(c, i, ps, n);
            break;
        case AILIB_ROLE_ASSISTANT:
            ailib__ol_assistant(c, ps, n);
            break;
        }
    }
    ailib_json_write_array_end(w);
}

/* tools in the OpenAI shape. Ollama has no tool_choice: "none" is honoured by sending no
   tools, "required" and named choices cannot be expressed and are left to the model. */
static void ailib__ol_tools(ailib__bctx *c) {
    const ailib_request *q = c->req;
    if (!q->tool_count || q->tool_choice.mode == AILIB_TOOL_CHOICE_NONE) return;
    ailib__oa_tools_array(c, 0);
}

/* think: false turns reasoning off, a level string where an effort is set (gpt-oss needs
   one), true for a budget alone (Ollama takes no budget). */
static void ailib__ol_think(ailib__bctx *c) {
    const ailib_reasoning *r = &c->req->reasoning;
    ailib_json_writer *w = c->w;
    if (!ailib__reasoning_requested(r)) return;
    ailib_json_write_key(w, "think");
    switch (r->effort) {
    case AILIB_EFFORT_NONE: ailib_json_write_bool(w, 0); break;
    case AILIB_EFFORT_MINIMAL: case AILIB_EFFORT_LOW: ailib_json_write_string(w, "low"); break;
    case AILIB_EFFORT_MEDIUM: ailib_json_write_string(w, "medium"); break;
    case AILIB_EFFORT_HIGH: case AILIB_EFFORT_XHIGH: ailib_json_write_string(w, "high"); break;
    default: ailib_json_write_bool(w, 1); break;
    }
}

static void ailib__ol_options(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    if (!q->temperature.set && !q->top_p.set && !q->top_k.set && q->max_tokens <= 0 && !q->stop_count && !q->seed.set &&
        !q->presence_penalty.set && !q->frequency_penalty.set)
        return;
    ailib_json_write_key(w, "options");
    ailib_json_write_object_begin(w);
    ailib__b_optf(c, "temperature", q->temperature);
    ailib__b_optf(c, "top_p", q->top_p);
    ailib__b_opti(c, "top_k", q->top_k);
    if (q->max_tokens > 0) { ailib_json_write_key(w, "num_predict"); ailib_json_write_int(w, q->max_tokens); }
    ailib__b_stop_array(c, "stop");
    ailib__b_opti(c, "seed", q->seed);
    ailib__b_optf(c, "presence_penalty", q->presence_penalty);
    ailib__b_optf(c, "frequency_penalty", q->frequency_penalty);
    ailib_json_write_object_end(w);
}

static ailib_result ailib__ol_build(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    ailib__b_path(c, "/api/chat");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "model"); ailib_json_write_stringn(w, c->model, c->model_len);
    ailib__ol_messages(c);
    ailib__ol_tools(c);
    ailib__ol_think(c);
    if (q->response_format.type == AILIB_FORMAT_JSON) { ailib_json_write_key(w, "format"); ailib_json_write_string(w, "json"); }
    else if (q->response_format.type == AILIB_FORMAT_JSON_SCHEMA) {
        ailib_json_write_key(w, "format");
        ailib__b_json_text(c, q->response_format.schema, strlen(q->response_format.schema), "response_format.schema", NULL);
    }
    ailib__ol_options(c);
    /* always explicit: Ollama streams when the field is absent */
    ailib_json_write_key(w, "stream"); ailib_json_write_bool(w, c->stream);
    ailib_json_write_object_end(w);
    return c->fail;
}

/* --- reading ------------------------------------------------------------------------------ */

static void ailib__ol_text(ailib_stream *s, const char *t, size_t n) {
    if (s->prov->quirks & AILIB_Q_THINK_TAGS) ailib__think_feed(&s->think, &s->acc, t, n);
    else ailib__acc_text(&s->acc, t, n);
}

/* Shape rules (Ollama's API reference): a whole /api/chat response is an
   object with a "message" object (/api/generate: a "response" string); {"error":"..."} is the
   provider's error. A stream line needs no member in particular, but a stream needs one line
   with message, response, done or an error. Where present: message an object; content,
   thinking and response strings; tool_calls an array of objects (or null) whose function is
   an object with a string name; done a boolean; done_reason a string. Null counts as absent. */

/* A whole tool call: arguments arrive as an object and are kept as JSON text, written through
   the stream's scratch buffer (kept across lines: no allocation after warm-up). */
static void ailib__ol_call(ailib_stream *s, const ailib_json *tc, size_t i) {
    const ailib_json *fn = ailib_json_get(tc, "function"), *args = ailib_json_get(fn, "arguments"), *nv = ailib_json_get(fn, "name");
    size_t idn = 0, nn = 0, an = 0, call;
    const char *id = ailib_json_str(ailib_json_get(tc, "id"), &idn);
    const char *name = ailib_json_str(nv, &nn);
    const char *astr = ailib_json_str(args, &an);
    if (!ailib_json_is_object(tc) || !ailib_json_is_object(fn) || !name) {
        int bt = !ailib_json_is_object(tc), bf = !bt && !ailib_json_is_object(fn);
        ailib__shape_fail(s, bt ? tc : bf ? fn : nv, bt || bf ? "an object" : "a string (the tool's name)",
                          "$.message.tool_calls[%lu]%s", (unsigned long)i, bt ? "" : bf ? ".function" : ".function.name");
        return;
    }
    call = ailib__acc_tool_begin(&s->acc, id, idn, name, nn);
    if (call == (size_t)-1) return;
    if (astr) ailib__acc_tool_args(&s->acc, call, astr, an);
    else if (args && !ailib_json_is_null(args)) {
        ailib_json_writer w;
        ailib_json_writer_init(&w, &s->alloc);
        w.buf = s->scratch.p;
        w.cap = s->scratch.cap;
        ailib_json_write_value(&w, args);
        if (ailib_json_writer_finish(&w) == AILIB_OK) ailib__acc_tool_args(&s->acc, call, w.buf, w.len);
        else s->acc.oom = 1;
        s->scratch.p = w.buf;
        s->scratch.cap = w.cap;
        s->scratch.len = 0;
    }
    ailib__acc_tool_end(&s->acc, call);
}

/* message fields in a fixed order (thinking, content, calls), whatever the member order: a
   whole response carries all three at once. */
static void ailib__ol_message(ailib_stream *s, const ailib_json *m) {
    const ailib_json *k, *content = NULL, *thinking = NULL, *calls = NULL, *e;
    size_t n, tl, i = 0;
    const char *t;
    for (AILIB__MEMBERS(m, k, n)) {
        if (AILIB__KEY(k, "content")) content = k + 1;
        else if (AILIB__KEY(k, "thinking")) thinking = k + 1;
        else if (AILIB__KEY(k, "tool_calls")) calls = k + 1;
    }
    if (!ailib__jopt(content, AILIB_JSON_STRING)) { ailib__shape_fail(s, content, "a string", "$.message.content"); return; }
    if (!ailib__jopt(thinking, AILIB_JSON_STRING)) { ailib__shape_fail(s, thinking, "a string", "$.message.thinking"); return; }
    if (!ailib__jopt(calls, AILIB_JSON_ARRAY)) { ailib__shape_fail(s, calls, "an array", "$.message.tool_calls"); return; }
    if ((t = ailib_json_str(thinking, &tl)) != NULL) ailib__acc_reasoning(&s->acc, t, tl);
    if ((t = ailib_json_str(content, &tl)) != NULL) ailib__ol_text(s, t, tl);
    for (AILIB__ELEMS(calls, e, n)) {
        ailib__ol_call(s, e, i++);
        if (s->fail != AILIB_OK) return;
    }
}

/* One NDJSON line (or a whole stream:false body, whole = 1): /api/chat, and /api/generate's
   "response". */
static ailib_result ailib__ol_chunk(ailib_stream *s, const ailib_json *root, int whole) {
    const ailib_json *k, *v, *msg = NULL, *resp = NULL, *thinking = NULL, *reason = NULL, *pe = NULL, *ev = NULL, *dv = NULL;
    size_t n, sl;
    const char *str;
    int done = 0;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
    for (AILIB__MEMBERS(root, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "message")) msg = v;
        else if (AILIB__KEY(k, "response")) resp = v;
        else if (AILIB__KEY(k, "thinking")) thinking = v;
        else if (AILIB__KEY(k, "done")) done = ailib_json_bool(dv = v);
        else if (AILIB__KEY(k, "done_reason")) reason = v;
        else if (AILIB__KEY(k, "created_at") && !s->acc.id_seed && (str = ailib_json_str(v, &sl)) != NULL)
            s->acc.id_seed = ailib__fnv(AILIB__FNV_INIT, str, sl);
        else if (AILIB__KEY(k, "prompt_eval_count")) pe = v;
        else if (AILIB__KEY(k, "eval_count")) ev = v;
        else if (AILIB__KEY(k, "model")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.model, str, sl); }
        else if (AILIB__KEY(k, "error")) { if (!ailib_json_is_null(v)) return ailib__stream_provider_error(s, root); }
    }
    if (!ailib__jopt(msg, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, msg, "an object", "$.message");
    if (!ailib__jopt(resp, AILIB_JSON_STRING)) return ailib__shape_fail(s, resp, "a string", "$.response");
    if (!ailib__jopt(thinking, AILIB_JSON_STRING)) return ailib__shape_fail(s, thinking, "a string", "$.thinking");
    if (!ailib_json_is_null(dv) && !ailib_json_is_bool(dv)) return ailib__shape_fail(s, dv, "a boolean", "$.done");
    if (!ailib__jopt(reason, AILIB_JSON_STRING)) return ailib__shape_fail(s, reason, "a string", "$.done_reason");
    if (whole && !ailib_json_is_object(msg) && !ailib_json_is_string(resp))
        return ailib__shape_fail(s, msg, "an object (or a \"response\" string from /api/generate)", "$.message");
    if (msg || resp || dv) s->shaped = 1;
    if ((str = ailib_json_str(thinking, &sl)) != NULL) ailib__acc_reasoning(&s->acc, str, sl);
    if ((str = ailib_json_str(resp, &sl)) != NULL) ailib__ol_text(s, str, sl);
    if (msg) ailib__ol_message(s, msg);
    if (s->fail != AILIB_OK) return s->fail;
    if (done) {
        ailib_usage *u = &s->acc.usage;
        ailib__think_flush(&s->think, &s->acc);
        if (ailib_json_is_number(pe) || ailib_json_is_number(ev)) {
            u->input_tokens = ailib_json_int(pe);
            u->output_tokens = ailib_json_int(ev);
            u->reported = 0;
            if (ailib_json_is_number(pe)) u->reported |= AILIB_USAGE_INPUT;
            if (ailib_json_is_number(ev)) u->reported |= AILIB_USAGE_OUTPUT;
            ailib__acc_usage_emit(&s->acc);
        }
        /* servers before done_reason existed ended every answer with a bare done:true */
        if ((str = ailib_json_str(reason, &sl)) != NULL && sl) ailib__acc_finish(&s->acc, str, sl);
        else ailib__acc_finish(&s->acc, "stop", 4);
        s->complete = s->terminated = 1;
    }
    return AILIB_OK;
}

static ailib_result ailib__ol_event(ailib_stream *s, const char *ev, size_t evn, const ailib_json *root) {
    (void)ev; (void)evn;
    return ailib__ol_chunk(s, root, 0);
}

static ailib_result ailib__ol_parse(ailib_stream *s, const ailib_json *root) {
    ailib_result r = ailib__ol_chunk(s, root, 1);
    ailib__think_flush(&s->think, &s->acc);
    ailib__acc_tool_end_all(&s->acc);
    return r;
}

static const ailib__adapter ailib__adapter_ollama = { "ollama", 1, ailib__ol_event, ailib__ol_parse, ailib__ol_build, NULL, 1 };
/* >>cohere: Cohere v2 chat ==================================================================== */

static void ailib__co_system(ailib_json_writer *w, const char *text, size_t n) {
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "role"); ailib_json_write_string(w, "system");
    ailib_json_write_key(w, "content"); ailib_json_write_stringn(w, text, n);
    ailib_json_write_object_end(w);
}

/* Tool results are documents of a "tool" message. */
static void ailib__co_tool_results(ailib__bctx *c, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    size_t i;
    for (i = 0; i < n; i++) {
        const ailib_part *p = &ps[i];
        if (p->type != AILIB_PART_TOOL_RESULT) continue;
        if (!p->id || !*p->id) { ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "a tool result needs the call's id (part.id) for %s", c->prov->name); return; }
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "role"); ailib_json_write_string(w, "tool");
        ailib_json_write_key(w, "tool_call_id"); ailib_json_write_stringn(w, p->id, ailib__slen(p->id, p->id_len));
        ailib_json_write_key(w, "content");
        ailib_json_write_array_begin(w);
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, "document");
        ailib_json_write_key(w, "document");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "data"); ailib_json_write_stringn(w, p->text ? p->text : "", ailib__slen(p->text, p->text_len));
        ailib_json_write_object_end(w);
        ailib_json_write_object_end(w);
        ailib_json_write_array_end(w);
        ailib_json_write_object_end(w);
    }
}

/* Appends the text of every part of type t to b; 0 when out of memory. */
static int ailib__co_join(const ailib_allocator *a, ailib__buf *b, const ailib_part *ps, size_t n, ailib_part_type t) {
    size_t i;
    for (i = 0; i < n; i++)
        if (ps[i].type == t && ps[i].text && !ailib__buf_add(a, b, ps[i].text, ailib__slen(ps[i].text, ps[i].text_len))) return 0;
    return 1;
}

/* An assistant turn: text as content; with tool calls, the reasoning goes back as tool_plan
   (Cohere's reasoning before calling tools) and the calls as tool_calls. */
static void ailib__co_assistant(ailib__bctx *c, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    ailib__buf text = {0, 0, 0}, plan = {0, 0, 0};
    size_t i, ncalls = 0;
    for (i = 0; i < n; i++) if (ps[i].type == AILIB_PART_TOOL_CALL) ncalls++;
    if (!ailib__co_join(&w->alloc, &text, ps, n, AILIB_PART_TEXT) ||
        (ncalls && !ailib__co_join(&w->alloc, &plan, ps, n, AILIB_PART_THINKING)))
        ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "role"); ailib_json_write_string(w, "assistant");
    if (text.len || !ncalls) { ailib_json_write_key(w, "content"); ailib_json_write_stringn(w, text.p ? text.p : "", text.len); }
    if (plan.len) { ailib_json_write_key(w, "tool_plan"); ailib_json_write_stringn(w, plan.p, plan.len); }
    if (ncalls) ailib__oa_tool_calls(c, ps, n);
    ailib_json_write_object_end(w);
    ailib__free(&w->alloc, text.p);
    ailib__free(&w->alloc, plan.p);
}

/* System messages first (request.system, then SYSTEM-role messages in order), then the turns. */
static void ailib__co_messages(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i, j, n;
    ailib_part tmp;
    ailib_json_write_key(w, "messages");
    ailib_json_write_array_begin(w);
    if (q->system && *q->system) ailib__co_system(w, q->system, strlen(q->system));
    for (i = 0; i < q->message_count; i++) {
        const ailib_part *ps;
        if (q->messages[i].role != AILIB_ROLE_SYSTEM) continue;
        ps = ailib__b_parts(&q->messages[i], &tmp, &n);
        for (j = 0; j < n; j++)
            if (ps[j].type == AILIB_PART_TEXT) ailib__co_system(w, ps[j].text ? ps[j].text : "", ailib__slen(ps[j].text, ps[j].text_len));
    }
    for (i = 0; i < q->message_count; i++) {
        const ailib_message *m = &q->messages[i];
        const ailib_part *ps = ailib__b_parts(m, &tmp, &n);
        if (m->role == AILIB_ROLE_ASSISTANT) ailib__co_assistant(c, ps, n);
        else if (m->role != AILIB_ROLE_SYSTEM) {
            ailib__co_tool_results(c, ps, n);
            ailib__oa_user_parts(c, ps, n, 0);
        }
    }
    ailib_json_write_array_end(w);
}

static void ailib__co_tools(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i;
    int strict = 0;
    if (!q->tool_count) return;
    ailib__oa_tools_array(c, 0);
    for (i = 0; i < q->tool_count; i++) strict |= q->tools[i].strict;
    /* auto is the default and has no spelling; a named tool can only be asked for as REQUIRED */
    if (q->tool_choice.mode != AILIB_TOOL_CHOICE_AUTO) {
        ailib_json_write_key(w, "tool_choice");
        ailib_json_write_string(w, q->tool_choice.mode == AILIB_TOOL_CHOICE_NONE ? "NONE" : "REQUIRED");
    }
    if (strict) { ailib_json_write_key(w, "strict_tools"); ailib_json_write_bool(w, 1); }
}

static ailib_result ailib__co_build(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    int64_t budget = ailib__reasoning_budget(&q->reasoning);
    ailib__b_path(c, "/chat");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "model");
    ailib_json_write_stringn(w, c->model, c->model_len);
    ailib__co_messages(c);
    ailib__co_tools(c);
    ailib__b_optf(c, "temperature", q->temperature);
    ailib__b_optf(c, "p", q->top_p);
    ailib__b_opti(c, "k", q->top_k);
    if (q->max_tokens > 0) { ailib_json_write_key(w, "max_tokens"); ailib_json_write_int(w, q->max_tokens); }
    ailib__b_stop_array(c, "stop_sequences");
    ailib__b_opti(c, "seed", q->seed);
    ailib__b_optf(c, "frequency_penalty", q->frequency_penalty);
    ailib__b_optf(c, "presence_penalty", q->presence_penalty);
    if (q->response_format.type != AILIB_FORMAT_TEXT) {
        ailib_json_write_key(w, "response_format");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, "json_object");
        if (q->response_format.type == AILIB_FORMAT_JSON_SCHEMA) {
            ailib_json_write_key(w, "json_schema");
            ailib__b_json_text(c, q->response_format.schema, strlen(q->response_format.schema), "response_format.schema", NULL);
        }
        ailib_json_write_object_end(w);
    }
    if (budget >= 0) {
        ailib_json_write_key(w, "thinking");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, budget > 0 ? "enabled" : "disabled");
        if (budget > 0) { ailib_json_write_key(w, "token_budget"); ailib_json_write_int(w, budget); }
        ailib_json_write_object_end(w);
    }
    if (c->stream) { ailib_json_write_key(w, "stream"); ailib_json_write_bool(w, 1); }
    ailib_json_write_object_end(w);
    return c->fail;
}

/* --- reading ------------------------------------------------------------------------------ */

static int ailib__co_eq(const char *s, size_t n, const char *lit, size_t ln) {
    return n == ln && memcmp(s, lit, n) == 0;
}
#define AILIB__CO_IS(s, n, lit) ailib__co_eq((s), (n), (lit), sizeof(lit) - 1)

/* usage: tokens.* are what the model saw (input includes the cached part); billed_units.*
   stand in when tokens is absent. */
static void ailib__co_usage(ailib_stream *s, const ailib_json *u) {
    const ailib_json *k, *v, *tokens = NULL, *billed = NULL, *src;
    ailib_usage *out = &s->acc.usage;
    size_t n;
    if (!ailib_json_is_object(u)) return;
    for (AILIB__MEMBERS(u, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "tokens")) tokens = v;
        else if (AILIB__KEY(k, "billed_units")) billed = v;
        else if (AILIB__KEY(k, "cached_tokens") && ailib_json_is_number(v)) {
            out->cached_input_tokens = ailib_json_int(v);
            out->reported |= AILIB_USAGE_CACHED;
        }
    }
    src = ailib_json_is_object(tokens) ? tokens : billed;
    for (AILIB__MEMBERS(src, k, n)) {
        v = k + 1;
        if (!ailib_json_is_number(v)) continue;
        if (AILIB__KEY(k, "input_tokens")) { out->input_tokens = ailib_json_int(v); out->reported |= AILIB_USAGE_INPUT; }
        else if (AILIB__KEY(k, "output_tokens")) { out->output_tokens = ailib_json_int(v); out->reported |= AILIB_USAGE_OUTPUT; }
    }
    ailib__acc_usage_emit(&s->acc);
}

/* Shape rules (Cohere's v2 reference and the recordings): a whole response is an object with a
   "message" object ({"id","message":"..."}, a string message, is the provider's error); where
   present, message.content is an array of objects (a plain string is taken too), tool_calls an
   array of objects whose function is an object with a string name and string arguments,
   tool_plan and finish_reason strings, usage an object. A stream needs one event of a known
   type (message-start, content-start / -delta / -end, tool-plan-delta, tool-call-start /
   -delta / -end, citation-start / -end, message-end, debug); where present, delta and
   delta.message are objects, content an object whose text / thinking are strings, tool_calls
   an object (or an array of them) as above but with the name only on the start, tool_plan and
   finish_reason strings, usage an object. Null counts as absent. */

/* A content object {"type","text"|"thinking"} of a stream delta or a whole message; at and i
   (-1 for none) name where it is, for shape errors. */
static void ailib__co_content(ailib_stream *s, const ailib_json *c, const char *at, long i) {
    const ailib_json *k;
    const char *str;
    size_t n, sl;
    if (!ailib_json_is_object(c)) {
        if (i < 0) ailib__shape_fail(s, c, "an object", "%s", at); else ailib__shape_fail(s, c, "an object", "%s[%ld]", at, i);
        return;
    }
    for (AILIB__MEMBERS(c, k, n)) {
        int text = AILIB__KEY(k, "text");
        if (!text && !AILIB__KEY(k, "thinking")) continue;
        if ((str = ailib_json_str(k + 1, &sl)) != NULL) {
            if (text) ailib__acc_text(&s->acc, str, sl); else ailib__acc_reasoning(&s->acc, str, sl);
        } else if (!ailib_json_is_null(k + 1)) {
            if (i < 0) ailib__shape_fail(s, k + 1, "a string", "%s.%s", at, text ? "text" : "thinking");
            else ailib__shape_fail(s, k + 1, "a string", "%s[%ld].%s", at, i, text ? "text" : "thinking");
            return;
        }
    }
}

/* A tool call object {"id","type","function":{"name","arguments"}}: a new call when call is
   (size_t)-1 (whole responses, tool-call-start), else more of that call; need_name for a whole
   one. Returns the call number, (size_t)-1 when out of memory or of the wrong shape. */
static size_t ailib__co_tool(ailib_stream *s, const ailib_json *tc, size_t call, int need_name, const char *at, long i) {
    const ailib_json *fn = ailib_json_get(tc, "function"), *idv = ailib_json_get(tc, "id"), *nv = ailib_json_get(fn, "name"),
                     *av = ailib_json_get(fn, "arguments"), *bad = NULL;
    size_t idn = 0, nn = 0, an = 0;
    const char *id = ailib_json_str(idv, &idn), *name = ailib_json_str(nv, &nn), *args = ailib_json_str(av, &an);
    const char *member = NULL, *expected = "an object";
    char path[64];
    if (!ailib_json_is_object(tc)) { bad = tc; member = ""; }
    else if (need_name ? !ailib_json_is_object(fn) : !ailib__jopt(fn, AILIB_JSON_OBJECT)) { bad = fn; member = ".function"; }
    else if (need_name ? !name : !ailib__jopt(nv, AILIB_JSON_STRING)) { bad = nv; member = ".function.name"; expected = "a string"; }
    else if (!ailib__jopt(av, AILIB_JSON_STRING)) { bad = av; member = ".function.arguments"; expected = "a string"; }
    else if (!ailib__jopt(idv, AILIB_JSON_STRING)) { bad = idv; member = ".id"; expected = "a string"; }
    if (member) {
        if (i < 0) snprintf(path, sizeof path, "%s", at); else snprintf(path, sizeof path, "%s[%ld]", at, i);
        ailib__shape_fail(s, bad, expected, "%s%s", path, member);
        return (size_t)-1;
    }
    if (call == (size_t)-1) call = ailib__acc_tool_begin(&s->acc, id, idn, name, nn);
    else ailib__acc_tool_ident(&s->acc, call, id, idn, name, nn);
    if (call != (size_t)-1 && args) ailib__acc_tool_args(&s->acc, call, args, an);
    return call;
}

static int ailib__co_known(const char *t, size_t tn) {
    static const char *const known[] = { "content-delta", "content-start", "content-end", "tool-plan-delta", "tool-call-start",
                                         "tool-call-delta", "tool-call-end", "message-start", "message-end", "citation-start",
                                         "citation-end", "debug" };
    size_t i;
    for (i = 0; i < sizeof known / sizeof known[0]; i++) if (ailib__co_eq(t, tn, known[i], strlen(known[i]))) return 1;
    return 0;
}

static ailib_result ailib__co_event(ailib_stream *s, const char *ev, size_t evn, const ailib_json *root) {
    const ailib_json *k, *v, *delta = NULL, *msg, *tc, *x;
    const char *t = ev, *str;
    size_t tn = evn, n, sl;
    int64_t idx = -1;
    ailib__slot *slot;
    int start = 0;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
    for (AILIB__MEMBERS(root, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "type")) { if ((str = ailib_json_str(v, &sl)) != NULL) { t = str; tn = sl; } }
        else if (AILIB__KEY(k, "index")) idx = ailib_json_int(v);
        else if (AILIB__KEY(k, "delta")) delta = v;
        else if (AILIB__KEY(k, "id")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.id, str, sl); }
    }
    if (!ailib__co_known(t, tn)) return AILIB_OK;   /* a future event type */
    s->shaped = 1;
    msg = ailib_json_get(delta, "message");
    if (!ailib__jopt(delta, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, delta, "an object", "$.delta");
    if (!ailib__jopt(msg, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, msg, "an object", "$.delta.message");
    if ((start = AILIB__CO_IS(t, tn, "content-start")) != 0 || AILIB__CO_IS(t, tn, "content-delta")) {
        if (start) ailib__acc_break(&s->acc);
        if ((x = ailib_json_get(msg, "content")) != NULL && !ailib_json_is_null(x)) ailib__co_content(s, x, "$.delta.message.content", -1);
    } else if (AILIB__CO_IS(t, tn, "tool-plan-delta")) {
        if ((str = ailib_json_str(x = ailib_json_get(msg, "tool_plan"), &sl)) != NULL) ailib__acc_reasoning(&s->acc, str, sl);
        else if (!ailib_json_is_null(x)) return ailib__shape_fail(s, x, "a string", "$.delta.message.tool_plan");
    } else if ((start = AILIB__CO_IS(t, tn, "tool-call-start")) != 0 || AILIB__CO_IS(t, tn, "tool-call-delta")) {
        /* index is the tool call's own number; a delta without its start still opens a call */
        tc = ailib_json_get(msg, "tool_calls");
        if (ailib_json_is_array(tc)) tc = ailib_json_first(tc);
        if (!tc || ailib_json_is_null(tc)) return AILIB_OK;
        slot = start ? NULL : ailib__slot_find(s, idx);
        if (slot) ailib__co_tool(s, tc, slot->call, 0, "$.delta.message.tool_calls", -1);
        else {
            size_t call = ailib__co_tool(s, tc, (size_t)-1, 0, "$.delta.message.tool_calls", -1);
            if (call != (size_t)-1) ailib__slot_add(s, idx, 0, call);
        }
    } else if (AILIB__CO_IS(t, tn, "tool-call-end")) {
        if ((slot = ailib__slot_find(s, idx)) != NULL) ailib__acc_tool_end(&s->acc, slot->call);
    } else if (AILIB__CO_IS(t, tn, "content-end")) ailib__acc_break(&s->acc);
    else if (AILIB__CO_IS(t, tn, "message-end")) {
        const ailib_json *u = ailib_json_get(delta, "usage"), *fr = ailib_json_get(delta, "finish_reason");
        if (!ailib__jopt(u, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, u, "an object", "$.delta.usage");
        if (!ailib__jopt(fr, AILIB_JSON_STRING)) return ailib__shape_fail(s, fr, "a string", "$.delta.finish_reason");
        ailib__co_usage(s, u);
        if ((str = ailib_json_str(fr, &sl)) != NULL) ailib__acc_finish(&s->acc, str, sl);
        ailib__acc_tool_end_all(&s->acc);
        s->complete = s->terminated = 1;
    }
    return s->fail;   /* message-start (id read above), citation-*, debug; a shape error */
}

static ailib_result ailib__co_parse(ailib_stream *s, const ailib_json *root) {
    const ailib_json *k, *v, *e, *msg = NULL, *fin = NULL, *usage = NULL, *content = NULL, *calls = NULL, *plan = NULL;
    size_t n, sl;
    long i = 0;
    const char *str;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
    for (AILIB__MEMBERS(root, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "message")) msg = v;
        else if (AILIB__KEY(k, "finish_reason")) fin = v;
        else if (AILIB__KEY(k, "usage")) usage = v;
        else if (AILIB__KEY(k, "id")) { if ((str = ailib_json_str(v, &sl)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.id, str, sl); }
    }
    if (ailib_json_is_string(msg)) return ailib__stream_provider_error(s, root);   /* {"id","message":"..."} */
    if (!ailib_json_is_object(msg)) return ailib__shape_fail(s, msg, "an object", "$.message");
    for (AILIB__MEMBERS(msg, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "content")) content = v;
        else if (AILIB__KEY(k, "tool_plan")) plan = v;
        else if (AILIB__KEY(k, "tool_calls")) calls = v;
    }
    if (!ailib__jopt(content, AILIB_JSON_ARRAY) && !ailib_json_is_string(content))
        return ailib__shape_fail(s, content, "an array of content objects", "$.message.content");
    if (!ailib__jopt(plan, AILIB_JSON_STRING)) return ailib__shape_fail(s, plan, "a string", "$.message.tool_plan");
    if (!ailib__jopt(calls, AILIB_JSON_ARRAY)) return ailib__shape_fail(s, calls, "an array", "$.message.tool_calls");
    if (!ailib__jopt(fin, AILIB_JSON_STRING)) return ailib__shape_fail(s, fin, "a string", "$.finish_reason");
    if (!ailib__jopt(usage, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, usage, "an object", "$.usage");
    if ((str = ailib_json_str(plan, &sl)) != NULL) ailib__acc_reasoning(&s->acc, str, sl);
    if ((str = ailib_json_str(content, &sl)) != NULL) ailib__acc_text(&s->acc, str, sl);
    for (AILIB__ELEMS(content, e, n)) {
        ailib__acc_break(&s->acc);
        ailib__co_content(s, e, "$.message.content", i++);
        if (s->fail != AILIB_OK) return s->fail;
    }
    i = 0;
    for (AILIB__ELEMS(calls, e, n)) {
        size_t call = ailib__co_tool(s, e, (size_t)-1, 1, "$.message.tool_calls", i++);
        if (s->fail != AILIB_OK) return s->fail;
        if (call != (size_t)-1) ailib__acc_tool_end(&s->acc, call);
    }
    ailib__co_usage(s, usage);
    if ((str = ailib_json_str(fin, &sl)) != NULL) ailib__acc_finish(&s->acc, str, sl);
    ailib__acc_tool_end_all(&s->acc);
    return AILIB_OK;
}

static const ailib__adapter ailib__adapter_cohere = { "cohere", 0, ailib__co_event, ailib__co_parse, ailib__co_build, NULL, 1 };
/* >>responses: OpenAI Responses API (POST /responses) ==========================================
   The request carries the whole conversation as input items and says
   "store": false, so nothing is kept server-side; reasoning items travel back with their
   encrypted_content (asked for with include) to keep tool loops of reasoning models lossless.
   Streams are SSE with event names, ended by response.completed | .incomplete | .failed. */

/* --- request ------------------------------------------------------------------------------ */

static void ailib__rs_text_item(ailib_json_writer *w, const char *type, const ailib_part *p) {
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "type"); ailib_json_write_string(w, type);
    ailib_json_write_key(w, "text"); ailib_json_write_stringn(w, p->text ? p->text : "", ailib__slen(p->text, p->text_len));
    ailib_json_write_object_end(w);
}

/* request.system and every SYSTEM message, joined by blank lines, become "instructions". */
static void ailib__rs_instructions(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    ailib__buf joined = {0, 0, 0};
    const char *only = NULL;
    size_t only_len = 0, pieces = 0, i, j, n;
    ailib_part tmp;
    int pass;
    /* pass 0 counts; pass 1 joins (only when there are several pieces) */
    for (pass = 0; pass < 2; pass++) {
        if (pass == 1 && pieces < 2) break;
        if (q->system && *q->system) {
            if (pass == 0) { pieces++; only = q->system; only_len = strlen(q->system); }
            else if (!ailib__buf_add(&w->alloc, &joined, q->system, strlen(q->system))) ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
        }
        for (i = 0; i < q->message_count; i++) {
            const ailib_part *ps;
            if (q->messages[i].role != AILIB_ROLE_SYSTEM) continue;
            ps = ailib__b_parts(&q->messages[i], &tmp, &n);
            for (j = 0; j < n; j++) {
                size_t tl = ailib__slen(ps[j].text, ps[j].text_len);
                if (ps[j].type != AILIB_PART_TEXT || !ps[j].text || !tl) continue;
                if (pass == 0) { pieces++; only = ps[j].text; only_len = tl; continue; }
                if ((joined.len && !ailib__buf_add(&w->alloc, &joined, "\n\n", 2)) || !ailib__buf_add(&w->alloc, &joined, ps[j].text, tl))
                    ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
            }
        }
    }
    if (pieces) {
        ailib_json_write_key(w, "instructions");
        if (pieces == 1) ailib_json_write_stringn(w, only, only_len);
        else ailib_json_write_stringn(w, joined.p ? joined.p : "", joined.len);
    }
    ailib__free(&w->alloc, joined.p);
}

/* The answer to a call, by its kind: function_call_output, custom_tool_call_output,
   local_shell_call_output, apply_patch_call_output (is_error: status "failed"), or
   mcp_approval_response (approve unless is_error; a non-empty text is the reason). */
static void ailib__rs_output(ailib__bctx *c, const ailib_part *p) {
    static const char *const types[] = { "function_call_output", "custom_tool_call_output", "local_shell_call_output",
                                         "apply_patch_call_output", "mcp_approval_response" };
    ailib_json_writer *w = c->w;
    size_t tl = ailib__slen(p->text, p->text_len);
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "type"); ailib_json_write_string(w, types[p->call_kind]);
    if (p->call_kind == AILIB_CALL_MCP_APPROVAL) {
        ailib_json_write_key(w, "approval_request_id"); ailib_json_write_stringn(w, p->id ? p->id : "", ailib__slen(p->id, p->id_len));
        ailib_json_write_key(w, "approve"); ailib_json_write_bool(w, !p->is_error);
        if (tl) { ailib_json_write_key(w, "reason"); ailib_json_write_stringn(w, p->text, tl); }
    } else {
        ailib_json_write_key(w, "call_id"); ailib_json_write_stringn(w, p->id ? p->id : "", ailib__slen(p->id, p->id_len));
        if (p->call_kind == AILIB_CALL_APPLY_PATCH) {
            ailib_json_write_key(w, "status"); ailib_json_write_string(w, p->is_error ? "failed" : "completed");
        }
        ailib_json_write_key(w, "output"); ailib_json_write_stringn(w, p->text ? p->text : "", tl);
    }
    ailib_json_write_object_end(w);
}

/* A user (or tool) turn: its tool results as output items of their call's kind, then one
   message item with the rest of its content. */
static void ailib__rs_user(ailib__bctx *c, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    size_t i, kept = 0;
    for (i = 0; i < n; i++) {
        const ailib_part *p = &ps[i];
        if (p->type == AILIB_PART_TEXT || p->type == AILIB_PART_IMAGE || p->type == AILIB_PART_AUDIO) kept++;
        if (p->type == AILIB_PART_TOOL_RESULT) ailib__rs_output(c, p);
    }
    if (!kept) return;
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "role"); ailib_json_write_string(w, "user");
    ailib_json_write_key(w, "content");
    ailib_json_write_array_begin(w);
    for (i = 0; i < n; i++) {
        const ailib_part *p = &ps[i];
        if (p->type == AILIB_PART_TEXT) ailib__rs_text_item(w, "input_text", p);
        else if (p->type == AILIB_PART_IMAGE) {
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "type"); ailib_json_write_string(w, "input_image");
            ailib_json_write_key(w, "image_url"); ailib__b_image_url(c, p);
            ailib_json_write_object_end(w);
        } else if (p->type == AILIB_PART_AUDIO) {
            if (!p->data) { ailib__b_fail(c, AILIB_UNSUPPORTED, "audio input by URL is not supported by %s: pass part.data", c->prov->name); return; }
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "type"); ailib_json_write_string(w, "input_audio");
            ailib_json_write_key(w, "input_audio");
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "data"); ailib__b_base64(c, NULL, p->data, p->data_len);
            ailib_json_write_key(w, "format"); ailib_json_write_string(w, (p->mime && strstr(p->mime, "mp")) ? "mp3" : "wav");
            ailib_json_write_object_end(w);
            ailib_json_write_object_end(w);
        }
    }
    ailib_json_write_array_end(w);
    ailib_json_write_object_end(w);
}

/* One reasoning item from the thinking parts ps[from..to]: the last one carries the item id
   (part.id) and encrypted_content (part.signature), as this adapter's reader stores them. */
static void ailib__rs_reasoning_item(ailib__bctx *c, const ailib_part *ps, size_t from, size_t to) {
    ailib_json_writer *w = c->w;
    const ailib_part *last = &ps[to];
    size_t i;
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "type"); ailib_json_write_string(w, "reasoning");
    ailib_json_write_key(w, "id"); ailib_json_write_stringn(w, last->id, ailib__slen(last->id, last->id_len));
    ailib_json_write_key(w, "summary");
    ailib_json_write_array_begin(w);
    for (i = from; i <= to; i++)
        if (ps[i].text && ailib__slen(ps[i].text, ps[i].text_len)) ailib__rs_text_item(w, "summary_text", &ps[i]);
    ailib_json_write_array_end(w);
    if (last->signature && ailib__slen(last->signature, last->signature_len)) {
        ailib_json_write_key(w, "encrypted_content");
        ailib_json_write_stringn(w, last->signature, ailib__slen(last->signature, last->signature_len));
    }
    ailib_json_write_object_end(w);
}

/* A client action call you made yourself (no raw item): the item built from its fields. */
static void ailib__rs_action_write(ailib__bctx *c, const ailib_part *p) {
    static const char *const types[] = { "function_call", "custom_tool_call", "local_shell_call", "apply_patch_call",
                                         "mcp_approval_request" };
    ailib_json_writer *w = c->w;
    size_t tl = ailib__slen(p->text, p->text_len);
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "type"); ailib_json_write_string(w, types[p->call_kind]);
    ailib_json_write_key(w, p->call_kind == AILIB_CALL_MCP_APPROVAL ? "id" : "call_id");
    ailib_json_write_stringn(w, p->id ? p->id : "", ailib__slen(p->id, p->id_len));
    switch (p->call_kind) {
    case AILIB_CALL_CUSTOM:
        ailib_json_write_key(w, "name"); ailib_json_write_stringn(w, p->name, ailib__slen(p->name, p->name_len));
        ailib_json_write_key(w, "input"); ailib_json_write_stringn(w, p->text ? p->text : "", tl);
        break;
    case AILIB_CALL_MCP_APPROVAL:
        ailib_json_write_key(w, "name"); ailib_json_write_stringn(w, p->name, ailib__slen(p->name, p->name_len));
        ailib_json_write_key(w, "arguments"); ailib_json_write_stringn(w, p->text ? p->text : "{}", p->text ? tl : 2);
        break;
    default:
        ailib_json_write_key(w, p->call_kind == AILIB_CALL_LOCAL_SHELL ? "action" : "operation");
        ailib__b_args_object(c, p);
        ailib_json_write_key(w, "status"); ailib_json_write_string(w, "completed");
        break;
    }
    ailib_json_write_object_end(w);
}

/* An assistant turn, in part order: runs of text become one message item, tool calls become
   function_call items, and thinking parts that came from this API (they carry a reasoning
   item id) become reasoning items. Reasoning from other providers cannot be replayed here. */
static void ailib__rs_assistant(ailib__bctx *c, const ailib_part *ps, size_t n) {
    ailib_json_writer *w = c->w;
    size_t i = 0, run, think_from = 0;
    int in_think = 0;
    while (i < n) {
        const ailib_part *p = &ps[i];
        if (p->type == AILIB_PART_THINKING) {
            if (!in_think) { in_think = 1; think_from = i; }
            if (p->id && ailib__slen(p->id, p->id_len) && AILIB__NATIVE(c, p)) { ailib__rs_reasoning_item(c, ps, think_from, i); in_think = 0; }
            i++;
            continue;
        }
        in_think = 0;
        if (p->type == AILIB_PART_TEXT) {
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "role"); ailib_json_write_string(w, "assistant");
            ailib_json_write_key(w, "content");
            ailib_json_write_array_begin(w);
            for (run = i; run < n && ps[run].type == AILIB_PART_TEXT; run++) {
                /* text with its annotations (citations) as it came */
                if (ps[run].raw && ailib__slen(ps[run].raw, ps[run].raw_len) && AILIB__NATIVE(c, &ps[run])) ailib__b_raw(c, &ps[run], "text");
                else ailib__rs_text_item(w, "output_text", &ps[run]);
            }
            ailib_json_write_array_end(w);
            ailib_json_write_object_end(w);
            i = run;
            continue;
        }
        if ((p->type == AILIB_PART_PROVIDER_TOOL_CALL || p->type == AILIB_PART_PROVIDER_TOOL_RESULT ||
             (p->type == AILIB_PART_TOOL_CALL && p->call_kind != AILIB_CALL_FUNCTION)) &&
            p->raw && ailib__slen(p->raw, p->raw_len) && AILIB__NATIVE(c, p)) {
            /* items kept whole go back as they came (a provider item carries its result too) */
            ailib__b_raw(c, p, "item");
        } else if (p->type == AILIB_PART_TOOL_CALL && p->call_kind != AILIB_CALL_FUNCTION) {
            ailib__rs_action_write(c, p);
        } else if (p->type == AILIB_PART_TOOL_CALL) {
            size_t an = ailib__slen(p->text, p->text_len);
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "type"); ailib_json_write_string(w, "function_call");
            ailib_json_write_key(w, "call_id"); ailib_json_write_stringn(w, p->id ? p->id : "", ailib__slen(p->id, p->id_len));
            ailib_json_write_key(w, "name"); ailib_json_write_stringn(w, p->name, ailib__slen(p->name, p->name_len));
            ailib_json_write_key(w, "arguments");
            if (p->text && an) ailib_json_write_stringn(w, p->text, an); else ailib_json_write_string(w, "{}");
            ailib_json_write_object_end(w);
        }
        i++;
    }
}

static void ailib__rs_input(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i, n;
    ailib_part tmp;
    ailib_json_write_key(w, "input");
    ailib_json_write_array_begin(w);
    for (i = 0; i < q->message_count && c->fail == AILIB_OK; i++) {
        const ailib_message *m = &q->messages[i];
        const ailib_part *ps = ailib__b_parts(m, &tmp, &n);
        if (m->role == AILIB_ROLE_ASSISTANT) ailib__rs_assistant(c, ps, n);
        else if (m->role != AILIB_ROLE_SYSTEM) ailib__rs_user(c, ps, n);
    }
    ailib_json_write_array_end(w);
}

static void ailib__rs_tools(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i;
    if (q->tool_count) {
        ailib_json_write_key(w, "tools");
        ailib_json_write_array_begin(w);
        for (i = 0; i < q->tool_count; i++) {
            const ailib_tool *t = &q->tools[i];
            if (t->spec) { ailib__b_tool_spec(c, t); continue; }   /* {"type":"web_search"}, {"type":"mcp",...} */
            if (t->kind == AILIB_TOOL_LOCAL_SHELL || t->kind == AILIB_TOOL_APPLY_PATCH) {
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "type"); ailib_json_write_string(w, t->kind == AILIB_TOOL_LOCAL_SHELL ? "local_shell" : "apply_patch");
                ailib_json_write_object_end(w);
                continue;
            }
            if (t->kind == AILIB_TOOL_CUSTOM) {
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "type"); ailib_json_write_string(w, "custom");
                ailib_json_write_key(w, "name"); ailib_json_write_string(w, t->name);
                if (t->description) { ailib_json_write_key(w, "description"); ailib_json_write_string(w, t->description); }
                if (t->parameters && *t->parameters) {
                    ailib_json_write_key(w, "format");
                    ailib__b_json_text(c, t->parameters, strlen(t->parameters), "format of custom tool", t->name);
                }
                ailib_json_write_object_end(w);
                continue;
            }
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "type"); ailib_json_write_string(w, "function");
            ailib_json_write_key(w, "name"); ailib_json_write_string(w, t->name);
            if (t->description) { ailib_json_write_key(w, "description"); ailib_json_write_string(w, t->description); }
            ailib_json_write_key(w, "parameters"); ailib__b_tool_schema(c, t);
            /* the API's default is strict: true, which rejects most hand-written schemas */
            ailib_json_write_key(w, "strict"); ailib_json_write_bool(w, t->strict != 0);
            ailib_json_write_object_end(w);
        }
        ailib_json_write_array_end(w);
    }
    if ((q->tool_count || q->tool_choice.mode == AILIB_TOOL_CHOICE_NONE) && q->tool_choice.mode != AILIB_TOOL_CHOICE_AUTO) {
        ailib_json_write_key(w, "tool_choice");
        switch (q->tool_choice.mode) {
        case AILIB_TOOL_CHOICE_NONE: ailib_json_write_string(w, "none"); break;
        case AILIB_TOOL_CHOICE_REQUIRED: ailib_json_write_string(w, "required"); break;
        default:
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "type"); ailib_json_write_string(w, "function");
            ailib_json_write_key(w, "name"); ailib_json_write_string(w, q->tool_choice.name);
            ailib_json_write_object_end(w);
            break;
        }
    }
    if (q->tool_count && q->parallel_tool_calls != AILIB_DEFAULT) {
        ailib_json_write_key(w, "parallel_tool_calls");
        ailib_json_write_bool(w, q->parallel_tool_calls == AILIB_ON);
    }
}

/* text.format: structured output lives under "text" in this API, flat (no json_schema wrapper). */
static void ailib__rs_format(ailib__bctx *c) {
    const ailib_response_format *f = &c->req->response_format;
    ailib_json_writer *w = c->w;
    if (f->type == AILIB_FORMAT_TEXT) return;
    ailib_json_write_key(w, "text");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "format");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "type");
    if (f->type == AILIB_FORMAT_JSON) ailib_json_write_string(w, "json_object");
    else {
        ailib_json_write_string(w, "json_schema");
        ailib_json_write_key(w, "name"); ailib_json_write_string(w, f->name ? f->name : "response");
        ailib_json_write_key(w, "schema"); ailib__b_json_text(c, f->schema, strlen(f->schema), "response_format.schema", NULL);
        ailib_json_write_key(w, "strict"); ailib_json_write_bool(w, f->strict != 0);
    }
    ailib_json_write_object_end(w);
    ailib_json_write_object_end(w);
}

/* reasoning {effort, summary}: this API takes efforts only, so a lone budget picks the effort
   whose budget (ailib__reasoning_budget) it reaches. */
static void ailib__rs_reasoning(ailib__bctx *c) {
    const ailib_reasoning *r = &c->req->reasoning;
    ailib_json_writer *w = c->w;
    const char *effort = ailib__effort_str(r->effort);
    if (!effort && r->budget_tokens > 0)
        effort = r->budget_tokens < 8192 ? "low" : r->budget_tokens < 16384 ? "medium" : "high";
    if (!effort && !r->exclude) return;
    ailib_json_write_key(w, "reasoning");
    ailib_json_write_object_begin(w);
    if (effort) { ailib_json_write_key(w, "effort"); ailib_json_write_string(w, effort); }
    if (!r->exclude && r->effort != AILIB_EFFORT_NONE) { ailib_json_write_key(w, "summary"); ailib_json_write_string(w, "auto"); }
    ailib_json_write_object_end(w);
    if (effort && r->effort != AILIB_EFFORT_NONE) {
        /* with store: false the encrypted reasoning is the only way to carry it to the next turn */
        ailib_json_write_key(w, "include");
        ailib_json_write_array_begin(w);
        ailib_json_write_string(w, "reasoning.encrypted_content");
        ailib_json_write_array_end(w);
    }
}

static ailib_result ailib__responses_build(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    if (q->stop_count)
        return ailib__b_fail(c, AILIB_UNSUPPORTED, "request.stop is not supported by the Responses API (%s): leave stop_count at 0, "
                             "or use the chat completions provider 'openai'", c->prov->name);
    if (q->top_k.set) return ailib__b_fail(c, AILIB_UNSUPPORTED, "request.top_k is not supported by the Responses API (%s): leave it unset", c->prov->name);
    if (q->seed.set) return ailib__b_fail(c, AILIB_UNSUPPORTED, "request.seed is not supported by the Responses API (%s): leave it unset", c->prov->name);
    ailib__b_path(c, "/responses");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "model");
    ailib_json_write_stringn(w, c->model, c->model_len);
    ailib__rs_instructions(c);
    ailib__rs_input(c);
    ailib__rs_tools(c);
    ailib__b_optf(c, "temperature", q->temperature);
    ailib__b_optf(c, "top_p", q->top_p);
    ailib__b_optf(c, "presence_penalty", q->presence_penalty);
    ailib__b_optf(c, "frequency_penalty", q->frequency_penalty);
    if (q->max_tokens > 0) { ailib_json_write_key(w, "max_output_tokens"); ailib_json_write_int(w, q->max_tokens); }
    ailib__rs_format(c);
    ailib__rs_reasoning(c);
    if (q->user) { ailib_json_write_key(w, "user"); ailib_json_write_string(w, q->user); }
    ailib_json_write_key(w, "store"); ailib_json_write_bool(w, 0);
    if (c->stream) { ailib_json_write_key(w, "stream"); ailib_json_write_bool(w, 1); }
    ailib_json_write_object_end(w);
    return c->fail;
}

/* --- reading ------------------------------------------------------------------------------ */

/* s->state slots of this adapter */
enum { AILIB__RS_REASON_START = 0,     /* 1 + part index where the open reasoning item began, 0 none */
       AILIB__RS_MESSAGE_START = 1 };  /* the part count when the open message item began */

/* Tool calls are keyed by their output item id ("fc_..."), hashed (FNV-1a) into a slot key. */
static int64_t ailib__rs_key(const char *id, size_t n) {
    uint64_t h = 14695981039346656037u;
    size_t i;
    for (i = 0; i < n; i++) { h ^= (unsigned char)id[i]; h *= 1099511628211u; }
    return (int64_t)(h >> 1);
}

static void ailib__rs_usage(ailib_stream *s, const ailib_json *u) {
    const ailib_json *k, *v, *d;
    size_t n;
    ailib_usage *o = &s->acc.usage;
    if (!ailib_json_is_object(u)) return;
    o->reported = 0;
    for (AILIB__MEMBERS(u, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "input_tokens")) { o->input_tokens = ailib_json_int(v); o->reported |= AILIB_USAGE_INPUT; }
        else if (AILIB__KEY(k, "output_tokens")) { o->output_tokens = ailib_json_int(v); o->reported |= AILIB_USAGE_OUTPUT; }
        else if (AILIB__KEY(k, "input_tokens_details")) {
            if (ailib_json_is_number(d = ailib_json_get(v, "cached_tokens"))) { o->cached_input_tokens = ailib_json_int(d); o->reported |= AILIB_USAGE_CACHED; }
        } else if (AILIB__KEY(k, "output_tokens_details")) {
            if (ailib_json_is_number(d = ailib_json_get(v, "reasoning_tokens"))) { o->reasoning_tokens = ailib_json_int(d); o->reported |= AILIB_USAGE_REASONING; }
        }
    }
    ailib__acc_usage_emit(&s->acc);
}

/* Shape rules (the Responses API reference and the recordings): a whole response is an object with
   "output", an array of objects each with a string "type"; an "error" object with no output,
   or status "failed", is the provider's error. Where present: status a string; a message
   item's content an array of objects whose text / refusal are strings; a function_call item's
   name (required in a whole response), call_id, id and arguments strings; a reasoning item's
   summary and content arrays of objects with string text; usage an object. A stream needs one
   event whose type is "error" or starts with "response."; on the events read, delta (text,
   reasoning and argument deltas) and arguments are strings, item (output_item.*) and response
   (created ... failed) objects, a function_call item as above. Null counts as absent; other
   item and event types are skipped whole (tool-progress events carry shapes of their own). */

/* A function_call item (whole, or from output_item.added / .done): opens its call unless known,
   fills id (call_id) and name, takes the arguments when none were streamed, and ends it when
   `end` is set. at is its path for shape errors; a whole response's item (whole) needs a name. */
static void ailib__rs_call_item(ailib_stream *s, const ailib_json *item, int end, const char *at, int whole) {
    static const char *const strs[] = { "name", "call_id", "id", "arguments" };
    size_t iln = 0, cn = 0, nn = 0, an = 0, i;
    const char *iid = ailib_json_str(ailib_json_get(item, "id"), &iln);
    const char *cid = ailib_json_str(ailib_json_get(item, "call_id"), &cn);
    const char *name = ailib_json_str(ailib_json_get(item, "name"), &nn);
    const char *args = ailib_json_str(ailib_json_get(item, "arguments"), &an);
    ailib__slot *sl;
    const ailib__apart *p;
    int64_t key;
    for (i = 0; i < 4; i++) {
        const ailib_json *v = ailib_json_get(item, strs[i]);
        if (i == 0 && whole ? !ailib_json_is_string(v) : !ailib__jopt(v, AILIB_JSON_STRING)) {
            ailib__shape_fail(s, v, "a string", "%s.%s", at, strs[i]);
            return;
        }
    }
    key = iid ? ailib__rs_key(iid, iln) : ailib__rs_key(cid ? cid : "", cn);
    if (!cid) { cid = iid; cn = iln; }   /* servers that omit call_id answer to the item id */
    if (!(sl = ailib__slot_find(s, key))) {
        size_t call = ailib__acc_tool_begin(&s->acc, cid, cid ? cn : 0, name, name ? nn : 0);
        if (call == (size_t)-1 || !(sl = ailib__slot_add(s, key, 0, call))) return;
    } else ailib__acc_tool_ident(&s->acc, sl->call, cid, cid ? cn : 0, name, name ? nn : 0);
    p = ailib__acc_call(&s->acc, sl->call);
    if (args && p && !p->text.len) ailib__acc_tool_args(&s->acc, sl->call, args, an);
    if (end) ailib__acc_tool_end(&s->acc, sl->call);
}

/* Client actions: items that ask the caller to act, each a call with a kind. name is the
   call's name when the item has none; args the member that holds its arguments. */
typedef struct ailib__rs_action { const char *type; ailib_call_kind kind; const char *name; const char *args; } ailib__rs_action;
static const ailib__rs_action ailib__rs_actions[] = {
    { "custom_tool_call", AILIB_CALL_CUSTOM, NULL, "input" },
    { "local_shell_call", AILIB_CALL_LOCAL_SHELL, "local_shell", "action" },
    { "apply_patch_call", AILIB_CALL_APPLY_PATCH, "apply_patch", "operation" },
    { "mcp_approval_request", AILIB_CALL_MCP_APPROVAL, NULL, "arguments" }
};

static const ailib__rs_action *ailib__rs_action_of(const ailib_json *type) {
    size_t i;
    for (i = 0; i < sizeof ailib__rs_actions / sizeof ailib__rs_actions[0]; i++)
        if (ailib__jstr_eq(type, ailib__rs_actions[i].type)) return &ailib__rs_actions[i];
    return NULL;
}

/* Items of tools the provider runs itself: kept as AILIB_PART_PROVIDER_TOOL_* parts and sent
   back whole. A tool search the caller runs ("execution":"client") is not one of them. */
static int ailib__rs_provider_item(const ailib_json *item, const ailib_json *type) {
    static const char *const types[] = { "web_search_call", "file_search_call", "code_interpreter_call", "image_generation_call",
                                         "mcp_call", "mcp_list_tools", "tool_search_call", "tool_search_output" };
    size_t i;
    if (ailib__jstr_eq(ailib_json_get(item, "execution"), "client")) return 0;
    for (i = 0; i < sizeof types / sizeof types[0]; i++) if (ailib__jstr_eq(type, types[i])) return 1;
    return 0;
}

/* The members of a provider item that hold what the tool gave back. */
static int ailib__rs_output_member(const ailib_json *k) {
    return AILIB__KEY(k, "results") || AILIB__KEY(k, "outputs") || AILIB__KEY(k, "output") || AILIB__KEY(k, "result") ||
           AILIB__KEY(k, "tools") || AILIB__KEY(k, "error");
}

/* The non-null members of item that are (out = 1) or are not (out = 0) output members, as one
   JSON object, into b; id, type and status are the item's own. Returns how many. */
static size_t ailib__rs_members(ailib_stream *s, ailib__buf *b, const ailib_json *item, int out) {
    ailib_json_writer w;
    const ailib_json *k;
    size_t n, count = 0;
    ailib_json_writer_init(&w, &s->alloc);
    ailib_json_write_object_begin(&w);
    for (AILIB__MEMBERS(item, k, n)) {
        if (ailib_json_is_null(k + 1) || AILIB__KEY(k, "id") || AILIB__KEY(k, "type") || AILIB__KEY(k, "status")) continue;
        if (ailib__rs_output_member(k) != out) continue;
        ailib_json_write_keyn(&w, k->u.s, AILIB__JLEN(k));
        ailib_json_write_value(&w, k + 1);
        count++;
    }
    ailib_json_write_object_end(&w);
    if (ailib_json_writer_finish(&w) == AILIB_OK) { if (count) ailib__acc_add(&s->acc, b, w.buf, w.len); }
    else s->acc.oom = 1;
    ailib_json_writer_deinit(&w);
    return count;
}

/* A provider-run item, complete (output_item.done, or a whole response): a call part (name
   from the item's "name", else its type without "_call"; text its input members; raw the item,
   which goes back whole) and, when the item holds a result, a result part (text its output
   members). An "..._output" item is a result alone, and keeps its raw. */
static void ailib__rs_provider_parts(ailib_stream *s, const ailib_json *item, const ailib_json *type) {
    ailib__acc *a = &s->acc;
    size_t tn = 0, idn = 0, nn = 0, part;
    const char *t = ailib_json_str(type, &tn), *id = ailib_json_str(ailib_json_get(item, "id"), &idn);
    const char *name = ailib_json_str(ailib_json_get(item, "name"), &nn);
    const char *st;
    int result_only = tn > 7 && !memcmp(t + tn - 7, "_output", 7);
    ailib__apart *p;
    if (!result_only) {
        if (!name) { name = t; nn = tn > 5 && !memcmp(t + tn - 5, "_call", 5) ? tn - 5 : tn; }
        if ((part = ailib__acc_ptool(a, AILIB_PART_PROVIDER_TOOL_CALL, id, id ? idn : 0, name, nn)) == (size_t)-1) return;
        p = &a->parts[part];
        ailib__rs_members(s, &p->text, item, 0);
        ailib__acc_json(a, &p->raw, item, NULL);
        ailib__acc_ptool_done(a, part);
    }
    {
        const ailib_json *k;
        size_t n, outs = 0;
        for (AILIB__MEMBERS(item, k, n)) outs += !ailib_json_is_null(k + 1) && ailib__rs_output_member(k);
        if (!outs && !result_only) return;   /* the item holds no result (web_search_call) */
    }
    if ((part = ailib__acc_ptool(a, AILIB_PART_PROVIDER_TOOL_RESULT, id, id ? idn : 0, t, tn)) == (size_t)-1) return;
    p = &a->parts[part];
    ailib__rs_members(s, &p->text, item, 1);
    st = ailib_json_str(ailib_json_get(item, "status"), &tn);
    p->is_error = !ailib_json_is_null(ailib_json_get(item, "error")) || (st && tn == 6 && !memcmp(st, "failed", 6));
    if (result_only) ailib__acc_json(a, &p->raw, item, NULL);
    ailib__acc_ptool_done(a, part);
}

/* A client action item (added, done, or whole): opens its call with its kind unless known,
   takes the arguments when none were streamed (the input text of a custom tool, an MCP
   request's arguments text, else the member as JSON), keeps the item to send it back, and
   ends the call when end is set. */
static void ailib__rs_action_item(ailib_stream *s, const ailib_json *item, const ailib__rs_action *act, int end, const char *at) {
    size_t iln = 0, cn = 0, nn = 0, an = 0;
    const char *iid = ailib_json_str(ailib_json_get(item, "id"), &iln);
    const char *cid = ailib_json_str(ailib_json_get(item, "call_id"), &cn);
    const char *name = ailib_json_str(ailib_json_get(item, "name"), &nn);
    const ailib_json *av = ailib_json_get(item, act->args);
    const char *args = ailib_json_str(av, &an);
    ailib__slot *sl;
    ailib__apart *p;
    if (!ailib__jopt(ailib_json_get(item, "call_id"), AILIB_JSON_STRING) || !ailib__jopt(ailib_json_get(item, "name"), AILIB_JSON_STRING)) {
        ailib__shape_fail(s, ailib_json_get(item, name ? "call_id" : "name"), "a string", "%s.%s", at, name ? "call_id" : "name");
        return;
    }
    if (!cid || act->kind == AILIB_CALL_MCP_APPROVAL) { cid = iid; cn = iln; }   /* an approval answers to the request's id */
    if (!name && act->name) { name = act->name; nn = strlen(name); }
    if (!(sl = ailib__slot_find(s, ailib__rs_key(iid ? iid : cid ? cid : "", iid ? iln : cn)))) {
        size_t call = ailib__acc_tool_begin(&s->acc, cid, cid ? cn : 0, name, name ? nn : 0);
        if (call == (size_t)-1 || !(sl = ailib__slot_add(s, ailib__rs_key(iid ? iid : cid ? cid : "", iid ? iln : cn), 0, call))) return;
        ailib__acc_tool_kind(&s->acc, call, act->kind);
    } else ailib__acc_tool_ident(&s->acc, sl->call, cid, cid ? cn : 0, name, name ? nn : 0);
    if (!end || !(p = ailib__acc_call(&s->acc, sl->call))) return;
    if (!p->text.len) {
        if (args) ailib__acc_tool_args(&s->acc, sl->call, args, an);
        else if (av && !ailib_json_is_null(av)) {
            ailib__acc_json(&s->acc, &p->text, av, NULL);
            ailib__acc_tool_args_event(&s->acc, sl->call);
        }
    }
    p->raw.len = 0;
    ailib__acc_json(&s->acc, &p->raw, item, NULL);
    ailib__acc_tool_end(&s->acc, sl->call);
}

/* A message item's text with annotations (url_citation, file_citation, ...): its one
   output_text kept whole on the text part it became, readable there and sent back as it came.
   from is the part count before the item's text. */
static void ailib__rs_annotations(ailib_stream *s, const ailib_json *item, size_t from) {
    const ailib_json *content = ailib_json_get(item, "content"), *ot = ailib_json_first(content);
    ailib__apart *p = ailib__acc_last(&s->acc);
    if (ailib_json_size(content) != 1 || !ailib__jstr_eq(ailib_json_get(ot, "type"), "output_text")) return;
    if (!ailib_json_size(ailib_json_get(ot, "annotations")) || !p || p->type != AILIB_PART_TEXT || s->acc.nparts <= from) return;
    p->raw.len = 0;
    ailib__acc_json(&s->acc, &p->raw, ot, NULL);
}

/* The call a function_call_arguments event belongs to: by item_id, else the latest call. */
static ailib__slot *ailib__rs_call_slot(ailib_stream *s, const ailib_json *root) {
    size_t n;
    const char *iid = ailib_json_str(ailib_json_get(root, "item_id"), &n);
    ailib__slot *sl;
    if (!iid) return s->nslots ? &s->slots[s->nslots - 1] : NULL;
    if ((sl = ailib__slot_find(s, ailib__rs_key(iid, n))) != NULL) return sl;
    {
        /* arguments before (or without) output_item.added: open the call now */
        size_t call = ailib__acc_tool_begin(&s->acc, NULL, 0, NULL, 0);
        if (call == (size_t)-1) return NULL;
        return ailib__slot_add(s, ailib__rs_key(iid, n), 0, call);
    }
}

/* End of a reasoning item: its id and encrypted_content go on its last thinking part (a new,
   empty one when the item had no visible text) so the item can be sent back. */
static void ailib__rs_reasoning_end(ailib_stream *s, const ailib_json *item) {
    size_t idn = 0, en = 0, start = (size_t)s->state[AILIB__RS_REASON_START];
    const char *id = ailib_json_str(ailib_json_get(item, "id"), &idn);
    const char *enc = ailib_json_str(ailib_json_get(item, "encrypted_content"), &en);
    ailib__apart *p = ailib__acc_last(&s->acc);
    s->state[AILIB__RS_REASON_START] = 0;
    if (!(p && p->type == AILIB_PART_THINKING && !p->closed && start && s->acc.nparts >= start)) {
        if (!enc || !en) return;                  /* nothing to keep */
        if (!(p = ailib__acc_new_part(&s->acc, AILIB_PART_THINKING))) return;
    }
    if (id && idn && !p->id.len) ailib__acc_add(&s->acc, &p->id, id, idn);
    if (enc && en && !p->sig.len) ailib__acc_add(&s->acc, &p->sig, enc, en);
    ailib__acc_break(&s->acc);
}

static void ailib__rs_reasoning_begin(ailib_stream *s) {
    ailib__acc_break(&s->acc);
    s->state[AILIB__RS_REASON_START] = (int64_t)s->acc.nparts + 1;
}

/* A string (pointer, length) against a literal. */
#define AILIB__RS_IS(t, tn, lit) ((tn) == sizeof(lit) - 1 && memcmp((t), (lit), sizeof(lit) - 1) == 0)

/* The end of a response (terminal event or whole body): usage, then the finish reason from its
   status (st, or the response's own "status" when st is NULL). Returns the provider's error
   for a failed response. */
static ailib_result ailib__rs_status(ailib_stream *s, const ailib_json *resp, const char *st, size_t stn) {
    const ailib_json *err = ailib_json_get(resp, "error");
    size_t rn = 0;
    const char *reason;
    if (!st && !(st = ailib_json_str(ailib_json_get(resp, "status"), &stn))) { st = ""; stn = 0; }
    ailib__rs_usage(s, ailib_json_get(resp, "usage"));
    if (AILIB__RS_IS(st, stn, "incomplete")) {
        reason = ailib_json_str(ailib_json_path(resp, "incomplete_details", "reason", (const char *)NULL), &rn);
        if (reason && rn) ailib__acc_finish(&s->acc, reason, rn); else ailib__acc_finish(&s->acc, "incomplete", 10);
    } else if (AILIB__RS_IS(st, stn, "failed")) {
        ailib__acc_finish(&s->acc, "failed", 6);
        if (ailib_json_is_object(err)) return ailib__stream_provider_error(s, resp);
        return ailib__stream_fail(s, AILIB_PROVIDER, "the response failed and the provider gave no error");
    } else if (AILIB__RS_IS(st, stn, "completed")) {
        if (s->acc.ncalls) ailib__acc_finish(&s->acc, "tool_calls", 10); else ailib__acc_finish(&s->acc, "stop", 4);
    }
    return AILIB_OK;
}

static void ailib__rs_ident(ailib_stream *s, const ailib_json *resp) {
    size_t n;
    const char *str;
    if ((str = ailib_json_str(ailib_json_get(resp, "id"), &n)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.id, str, n);
    if ((str = ailib_json_str(ailib_json_get(resp, "model"), &n)) != NULL) ailib__acc_set_once(&s->acc, &s->acc.model, str, n);
}

static ailib_result ailib__responses_event(ailib_stream *s, const char *ev, size_t evn, const ailib_json *root) {
    size_t tn = 0, dn = 0;
    const char *t = ailib_json_str(ailib_json_get(root, "type"), &tn), *d;
    const ailib_json *item, *dv, *rv;
    ailib__slot *sl;
    int text, begun, ended;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
    if (!t) { t = ev; tn = evn; }             /* the payload's type, else the SSE event name */
    if (AILIB__RS_IS(t, tn, "error")) { s->shaped = 1; return ailib__stream_provider_error(s, root); }
    if (tn < 9 || memcmp(t, "response.", 9) != 0) return AILIB_OK;
    s->shaped = 1;
    t += 9; tn -= 9;
    /* the members read below are checked where they are read: other events are skipped whole */
    d = ailib_json_str(dv = ailib_json_get(root, "delta"), &dn);
    item = ailib_json_get(root, "item");
    rv = ailib_json_get(root, "response");
    begun = AILIB__RS_IS(t, tn, "created") || AILIB__RS_IS(t, tn, "in_progress") || AILIB__RS_IS(t, tn, "queued");
    ended = AILIB__RS_IS(t, tn, "completed") || AILIB__RS_IS(t, tn, "incomplete") || AILIB__RS_IS(t, tn, "failed");
    if ((text = AILIB__RS_IS(t, tn, "output_text.delta") || AILIB__RS_IS(t, tn, "refusal.delta")) != 0 ||
        AILIB__RS_IS(t, tn, "reasoning_summary_text.delta") || AILIB__RS_IS(t, tn, "reasoning_text.delta") ||
        AILIB__RS_IS(t, tn, "function_call_arguments.delta") || AILIB__RS_IS(t, tn, "custom_tool_call_input.delta")) {
        if (!ailib__jopt(dv, AILIB_JSON_STRING)) return ailib__shape_fail(s, dv, "a string", "$.delta");
    } else if (AILIB__RS_IS(t, tn, "output_item.added") || AILIB__RS_IS(t, tn, "output_item.done")) {
        if (!ailib__jopt(item, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, item, "an object", "$.item");
    } else if ((begun || ended) && !ailib__jopt(rv, AILIB_JSON_OBJECT)) {
        return ailib__shape_fail(s, rv, "an object", "$.response");
    }
    if (text) {
        if (d) ailib__acc_text(&s->acc, d, dn);
    } else if (AILIB__RS_IS(t, tn, "reasoning_summary_text.delta") || AILIB__RS_IS(t, tn, "reasoning_text.delta")) {
        if (d) ailib__acc_reasoning(&s->acc, d, dn);
    } else if (AILIB__RS_IS(t, tn, "function_call_arguments.delta") || AILIB__RS_IS(t, tn, "custom_tool_call_input.delta")) {
        if (d && (sl = ailib__rs_call_slot(s, root)) != NULL) ailib__acc_tool_args(&s->acc, sl->call, d, dn);
    } else if (AILIB__RS_IS(t, tn, "function_call_arguments.done")) {
        /* the whole string; used only when no deltas came */
        const ailib_json *av = ailib_json_get(root, "arguments");
        const char *a = ailib_json_str(av, &dn);
        const ailib__apart *p;
        if (!ailib__jopt(av, AILIB_JSON_STRING)) return ailib__shape_fail(s, av, "a string", "$.arguments");
        if (a && (sl = ailib__rs_call_slot(s, root)) != NULL && (p = ailib__acc_call(&s->acc, sl->call)) != NULL && !p->text.len)
            ailib__acc_tool_args(&s->acc, sl->call, a, dn);
    } else if (AILIB__RS_IS(t, tn, "reasoning_summary_part.added")) {
        ailib__acc_break(&s->acc);            /* each summary part is its own thinking part */
    } else if (AILIB__RS_IS(t, tn, "output_item.added") || AILIB__RS_IS(t, tn, "output_item.done")) {
        int done = t[12] == 'd';
        const ailib_json *type = ailib_json_get(item, "type");
        const ailib__rs_action *act;
        if (ailib__jstr_eq(type, "function_call")) ailib__rs_call_item(s, item, done, "$.item", 0);
        else if (ailib__jstr_eq(type, "reasoning")) { if (done) ailib__rs_reasoning_end(s, item); else ailib__rs_reasoning_begin(s); }
        else if ((act = ailib__rs_action_of(type)) != NULL) ailib__rs_action_item(s, item, act, done, "$.item");
        else if (done && ailib__rs_provider_item(item, type)) ailib__rs_provider_parts(s, item, type);
        else if (done && ailib__jstr_eq(type, "message")) ailib__rs_annotations(s, item, (size_t)s->state[AILIB__RS_MESSAGE_START]);
        else if (!done) {
            ailib__acc_break(&s->acc);   /* a new message item starts a new text part */
            s->state[AILIB__RS_MESSAGE_START] = (int64_t)s->acc.nparts;
        }
    } else if (begun) {
        /* another response's start inside this one: two streams spliced into one body */
        size_t idn = 0;
        const char *id = ailib_json_str(ailib_json_get(rv, "id"), &idn);
        if (id && idn && s->acc.id.len && !(idn == s->acc.id.len && !memcmp(id, s->acc.id.p, idn)))
            return ailib__stream_failf(s, AILIB_PROTOCOL, "a second response (%.*s) began inside response %.*s before its end: "
                                       "two streams spliced into one body (a proxy or a retry that appended?)",
                                       (int)(idn > 64 ? 64 : idn), id, (int)(s->acc.id.len > 64 ? 64 : s->acc.id.len), s->acc.id.p);
        ailib__rs_ident(s, rv);
    } else if (ended) {
        const ailib_json *resp = rv;
        ailib_result r;
        ailib__rs_ident(s, resp);
        ailib__acc_tool_end_all(&s->acc);
        /* a terse server may omit the status: the event name says it */
        r = ailib__rs_status(s, resp, ailib_json_get(resp, "status") ? NULL : t, tn);
        s->complete = s->terminated = 1;
        return r;
    }
    return s->fail;
}

/* Texts of the objects of arr (summary[], content[]): reasoning or text, in order. A
   message's content also takes a refusal. at names the array for shape errors. */
static void ailib__rs_texts(ailib_stream *s, const ailib_json *arr, int reasoning, int each_part, const char *at) {
    const ailib_json *e, *txt;
    size_t n, tl, i = 0;
    const char *str;
    if (!ailib__jopt(arr, AILIB_JSON_ARRAY)) { ailib__shape_fail(s, arr, "an array", "%s", at); return; }
    for (AILIB__ELEMS(arr, e, n)) {
        if (!ailib_json_is_object(e)) { ailib__shape_fail(s, e, "an object", "%s[%lu]", at, (unsigned long)i); return; }
        txt = ailib_json_get(e, "text");
        if (!txt && !reasoning) txt = ailib_json_get(e, "refusal");
        if (!ailib__jopt(txt, AILIB_JSON_STRING)) { ailib__shape_fail(s, txt, "a string", "%s[%lu].text", at, (unsigned long)i); return; }
        if (each_part) ailib__acc_break(&s->acc);
        if ((str = ailib_json_str(txt, &tl)) != NULL) {
            if (reasoning) ailib__acc_reasoning(&s->acc, str, tl); else ailib__acc_text(&s->acc, str, tl);
        }
        i++;
    }
}

/* One output item of a whole response; i is its place in output[]. */
static void ailib__rs_output_item(ailib_stream *s, const ailib_json *item, size_t i) {
    const ailib_json *type = ailib_json_get(item, "type");
    char at[48];
    snprintf(at, sizeof at, "$.output[%lu]", (unsigned long)i);
    if (!ailib_json_is_object(item)) { ailib__shape_fail(s, item, "an object", "%s", at); return; }
    if (!ailib_json_is_string(type)) { ailib__shape_fail(s, type, "a string (the item type)", "%s.type", at); return; }
    if (ailib__jstr_eq(type, "message")) {
        size_t from = s->acc.nparts;
        ailib__acc_break(&s->acc);
        memcpy(at + strlen(at), ".content", 9);
        ailib__rs_texts(s, ailib_json_get(item, "content"), 0, 0, at);
        if (s->fail == AILIB_OK) ailib__rs_annotations(s, item, from);
    } else if (ailib__jstr_eq(type, "function_call")) {
        ailib__rs_call_item(s, item, 1, at, 1);
    } else if (ailib__rs_action_of(type)) {
        ailib__rs_action_item(s, item, ailib__rs_action_of(type), 1, at);
    } else if (ailib__rs_provider_item(item, type)) {
        ailib__rs_provider_parts(s, item, type);
    } else if (ailib__jstr_eq(type, "reasoning")) {
        size_t al = strlen(at);
        ailib__rs_reasoning_begin(s);
        memcpy(at + al, ".summary", 9);
        ailib__rs_texts(s, ailib_json_get(item, "summary"), 1, 1, at);
        /* open-weight models return the raw reasoning as content[] reasoning_text */
        memcpy(at + al, ".content", 9);
        if (s->fail == AILIB_OK) ailib__rs_texts(s, ailib_json_get(item, "content"), 1, 0, at);
        if (s->fail == AILIB_OK) ailib__rs_reasoning_end(s, item);
    }
}

static ailib_result ailib__responses_parse(ailib_stream *s, const ailib_json *root) {
    const ailib_json *e, *out, *st, *err;
    size_t n, i = 0;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
    out = ailib_json_get(root, "output");
    st = ailib_json_get(root, "status");
    err = ailib_json_get(root, "error");
    if (ailib_json_is_object(err) && !out && !ailib_json_is_string(st)) return ailib__stream_provider_error(s, root);   /* {"error":{...}} */
    if (!ailib__jopt(st, AILIB_JSON_STRING)) return ailib__shape_fail(s, st, "a string", "$.status");
    if (!ailib_json_is_array(out) && !ailib__jstr_eq(st, "failed")) return ailib__shape_fail(s, out, "an array of output items", "$.output");
    ailib__rs_ident(s, root);
    for (AILIB__ELEMS(out, e, n)) {
        ailib__rs_output_item(s, e, i++);
        if (s->fail != AILIB_OK) return s->fail;
    }
    ailib__acc_tool_end_all(&s->acc);
    return ailib__rs_status(s, root, NULL, 0);
}

static const ailib__adapter ailib__adapter_responses = { "openai_responses", 0, ailib__responses_event, ailib__responses_parse, ailib__responses_build, NULL, 1 };
/* >>bedrock: AWS Bedrock Converse (POST /model/{id}/converse, /converse-stream) ================
   Authentication is a Bedrock API key sent as "Authorization: Bearer"
   (the catalog row's auth style). SigV4 request signing is out of scope: use an API key
   (AWS_BEARER_TOKEN_BEDROCK), or point base_url at a proxy that signs.
   Streams are application/vnd.amazon.eventstream binary frames, decoded here (feed_raw):
       [total_len u32][headers_len u32][prelude_crc u32][headers][payload][message_crc u32]
   big-endian, CRCs as zlib's crc32 computes them; each JSON payload goes to the event
   handler under its :event-type header. */

/* --- request ------------------------------------------------------------------------------ */

/* Appends the model id percent-encoded as one path segment: ids like "us.amazon.nova-micro-v1:0"
   and inference-profile ARNs hold ':' and '/'. */
/* Bedrock's image format name for a MIME type ("image/png" -> "png"), NULL when it has none. */
static const char *ailib__br_image_format(const char *mime, size_t n) {
    static const char *const map[][2] = { {"image/png", "png"}, {"image/jpeg", "jpeg"}, {"image/jpg", "jpeg"},
                                          {"image/gif", "gif"}, {"image/webp", "webp"} };
    size_t i;
    if (!mime) return NULL;
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i][0]) == n && memcmp(map[i][0], mime, n) == 0) return map[i][1];
    return NULL;
}

/* The format of image bytes without a MIME type, from their magic numbers. */
static const char *ailib__br_image_sniff(const unsigned char *d, size_t n) {
    if (n >= 8 && memcmp(d, "\x89PNG", 4) == 0) return "png";
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "jpeg";
    if (n >= 6 && memcmp(d, "GIF8", 4) == 0) return "gif";
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) return "webp";
    return NULL;
}

/* {"image":{"format","source":{"bytes"|"s3Location"}}} from bytes, a base64 data: URL or an
   s3:// URL; Converse takes no http(s) image URLs. */
static void ailib__br_image(ailib__bctx *c, const ailib_part *p) {
    ailib_json_writer *w = c->w;
    const char *fmt = NULL, *b64 = NULL;
    size_t b64n = 0, ul = p->url ? ailib__slen(p->url, p->url_len) : 0;
    int s3 = 0;
    if (p->data && p->data_len) {
        fmt = p->mime ? ailib__br_image_format(p->mime, strlen(p->mime)) : ailib__br_image_sniff((const unsigned char *)p->data, p->data_len);
    } else if (ul > 5 && memcmp(p->url, "data:", 5) == 0) {
        const char *comma = (const char *)memchr(p->url, ',', ul), *semi = (const char *)memchr(p->url, ';', ul);
        if (!comma || !semi || semi > comma || comma - semi != 7 || memcmp(semi, ";base64", 7) != 0) {
            ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "image data: URL must be base64 (data:<mime>;base64,<data>)");
            return;
        }
        fmt = ailib__br_image_format(p->url + 5, (size_t)(semi - p->url - 5));
        b64 = comma + 1;
        b64n = ul - (size_t)(b64 - p->url);
    } else if (ul > 5 && memcmp(p->url, "s3://", 5) == 0) {
        const char *dot = NULL;
        size_t i;
        s3 = 1;
        for (i = ul; i > 5; i--) if (p->url[i - 1] == '.') { dot = p->url + i; break; }
        if (p->mime) fmt = ailib__br_image_format(p->mime, strlen(p->mime));
        else if (dot) {
            char mime[16];
            size_t en = ul - (size_t)(dot - p->url);
            if (en < 10) { memcpy(mime, "image/", 6); memcpy(mime + 6, dot, en); fmt = ailib__br_image_format(mime, 6 + en); }
        }
    } else {
        ailib__b_fail(c, AILIB_UNSUPPORTED, "%s takes images as bytes, data: URLs or s3:// URLs, not http(s) URLs: download the image and set part.data + data_len + mime",
                      c->prov->name);
        return;
    }
    if (!fmt) {
        ailib__b_fail(c, AILIB_UNSUPPORTED, "%s takes png, jpeg, gif and webp images: set part.mime to one of image/png, image/jpeg, image/gif, image/webp",
                      c->prov->name);
        return;
    }
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "image");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "format"); ailib_json_write_string(w, fmt);
    ailib_json_write_key(w, "source");
    ailib_json_write_object_begin(w);
    if (s3) {
        ailib_json_write_key(w, "s3Location");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "uri"); ailib_json_write_stringn(w, p->url, ul);
        ailib_json_write_object_end(w);
    } else {
        ailib_json_write_key(w, "bytes");
        if (b64) ailib_json_write_stringn(w, b64, b64n);   /* a blob is base64 in JSON already */
        else ailib__b_base64(c, NULL, p->data, p->data_len);
    }
    ailib_json_write_object_end(w);
    ailib_json_write_object_end(w);
    ailib_json_write_object_end(w);
}

/* 1 when the part becomes a content block in a message of this role. Converse rejects blank
   text blocks, and thinking and tool calls only belong to assistant turns. Reasoning goes
   back only to where it came from: its signature is verified there. */
static int ailib__br_has_block(ailib__bctx *c, const ailib_part *p, int assistant) {
    switch (p->type) {
    case AILIB_PART_TEXT: return p->text && ailib__slen(p->text, p->text_len) > 0;
    case AILIB_PART_IMAGE: case AILIB_PART_AUDIO: return 1;
    case AILIB_PART_TOOL_RESULT: return !assistant;
    case AILIB_PART_TOOL_CALL: return assistant;
    case AILIB_PART_THINKING:
        return assistant && AILIB__NATIVE(c, p) && (ailib__slen(p->text, p->text_len) || ailib__slen(p->signature, p->signature_len));
    case AILIB_PART_REDACTED_THINKING: return assistant && AILIB__NATIVE(c, p) && ailib__slen(p->text, p->text_len) > 0;
    case AILIB_PART_PROVIDER_TOOL_CALL: case AILIB_PART_PROVIDER_TOOL_RESULT: return 0;   /* Converse runs none */
    }
    return 0;
}

/* toolResult: JSON results go as a json block when they are an object, else as text. */
static void ailib__br_tool_result(ailib__bctx *c, const ailib_part *p) {
    ailib_json_writer *w = c->w;
    size_t tl = ailib__slen(p->text, p->text_len), i = 0;
    const char *t = p->text ? p->text : "";
    while (i < tl && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) i++;
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "toolResult");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "toolUseId"); ailib__b_tool_id(c, p->id, p->id_len);
    ailib_json_write_key(w, "content");
    ailib_json_write_array_begin(w);
    ailib_json_write_object_begin(w);
    if (p->is_json && i < tl && t[i] == '{') { ailib_json_write_key(w, "json"); ailib__b_json_text(c, t, tl, "tool result of", p->name); }
    else { ailib_json_write_key(w, "text"); ailib_json_write_stringn(w, t, tl); }
    ailib_json_write_object_end(w);
    ailib_json_write_array_end(w);
    if (p->is_error) { ailib_json_write_key(w, "status"); ailib_json_write_string(w, "error"); }
    ailib_json_write_object_end(w);
    ailib_json_write_object_end(w);
}

static void ailib__br_block(ailib__bctx *c, const ailib_part *p) {
    ailib_json_writer *w = c->w;
    switch (p->type) {
    case AILIB_PART_TEXT:
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "text"); ailib_json_write_stringn(w, p->text, ailib__slen(p->text, p->text_len));
        ailib_json_write_object_end(w);
        break;
    case AILIB_PART_IMAGE: ailib__br_image(c, p); break;
    case AILIB_PART_AUDIO: ailib__b_fail(c, AILIB_UNSUPPORTED, "%s (Converse) takes no audio input: remove the audio part", c->prov->name); break;
    case AILIB_PART_TOOL_RESULT: ailib__br_tool_result(c, p); break;
    case AILIB_PART_TOOL_CALL:
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "toolUse");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "toolUseId"); ailib__b_tool_id(c, p->id, p->id_len);
        ailib_json_write_key(w, "name"); ailib_json_write_stringn(w, p->name, ailib__slen(p->name, p->name_len));
        ailib_json_write_key(w, "input"); ailib__b_args_object(c, p);
        ailib_json_write_object_end(w);
        ailib_json_write_object_end(w);
        break;
    case AILIB_PART_THINKING:
    case AILIB_PART_REDACTED_THINKING:
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "reasoningContent");
        ailib_json_write_object_begin(w);
        if (p->type == AILIB_PART_REDACTED_THINKING) {
            /* the opaque data as received: a blob, base64 in JSON */
            ailib_json_write_key(w, "redactedContent"); ailib_json_write_stringn(w, p->text, ailib__slen(p->text, p->text_len));
        } else {
            ailib_json_write_key(w, "reasoningText");
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "text"); ailib_json_write_stringn(w, p->text ? p->text : "", ailib__slen(p->text, p->text_len));
            if (p->signature && ailib__slen(p->signature, p->signature_len)) {
                ailib_json_write_key(w, "signature"); ailib_json_write_stringn(w, p->signature, ailib__slen(p->signature, p->signature_len));
            }
            ailib_json_write_object_end(w);
        }
        ailib_json_write_object_end(w);
        ailib_json_write_object_end(w);
        break;
    case AILIB_PART_PROVIDER_TOOL_CALL:
    case AILIB_PART_PROVIDER_TOOL_RESULT:
        break;   /* never a block here (ailib__br_has_block) */
    }
}

/* system: request.system and every SYSTEM message's text, one block each. */
static void ailib__br_system(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i, j, n, count = 0;
    ailib_part tmp;
    int pass;
    for (pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            if (!count) return;
            ailib_json_write_key(w, "system");
            ailib_json_write_array_begin(w);
        }
        if (q->system && *q->system) {
            if (!pass) count++;
            else { ailib_json_write_object_begin(w); ailib_json_write_key(w, "text"); ailib_json_write_string(w, q->system); ailib_json_write_object_end(w); }
        }
        for (i = 0; i < q->message_count; i++) {
            const ailib_part *ps;
            if (q->messages[i].role != AILIB_ROLE_SYSTEM) continue;
            ps = ailib__b_parts(&q->messages[i], &tmp, &n);
            for (j = 0; j < n; j++) {
                if (ps[j].type != AILIB_PART_TEXT || !ailib__br_has_block(c, &ps[j], 0)) continue;
                if (!pass) count++; else ailib__br_block(c, &ps[j]);
            }
        }
    }
    ailib_json_write_array_end(w);
}

/* messages: Converse wants user and assistant turns to alternate, so consecutive turns of one
   role (a tool turn then a user turn) are merged; tool results lead their turn. */
static int ailib__br_uses_tools(const ailib_request *q) {
    size_t i, j;
    for (i = 0; i < q->message_count; i++)
        for (j = 0; j < q->messages[i].part_count; j++)
            if (q->messages[i].parts[j].type == AILIB_PART_TOOL_CALL || q->messages[i].parts[j].type == AILIB_PART_TOOL_RESULT) return 1;
    return 0;
}

static void ailib__br_messages(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i, j, n, blocks;
    ailib_part tmp;
    int open = -1, pass;
    ailib_json_write_key(w, "messages");
    ailib_json_write_array_begin(w);
    for (i = 0; i < q->message_count && c->fail == AILIB_OK; i++) {
        const ailib_message *m = &q->messages[i];
        const ailib_part *ps = ailib__b_parts(m, &tmp, &n);
        int asst = m->role == AILIB_ROLE_ASSISTANT;
        if (m->role == AILIB_ROLE_SYSTEM) continue;
        for (blocks = 0, j = 0; j < n; j++) blocks += (size_t)ailib__br_has_block(c, &ps[j], asst);
        if (!blocks) continue;
        if (open != asst) {
            if (open >= 0) { ailib_json_write_array_end(w); ailib_json_write_object_end(w); }
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "role"); ailib_json_write_string(w, asst ? "assistant" : "user");
            ailib_json_write_key(w, "content");
            ailib_json_write_array_begin(w);
            open = asst;
        }
        for (pass = 0; pass < 2; pass++)
            for (j = 0; j < n; j++)
                if (ailib__br_has_block(c, &ps[j], asst) && (ps[j].type == AILIB_PART_TOOL_RESULT) == (pass == 0)) ailib__br_block(c, &ps[j]);
    }
    if (open >= 0) { ailib_json_write_array_end(w); ailib_json_write_object_end(w); }
    ailib_json_write_array_end(w);
}

/* toolConfig. Converse has no "none" choice: then the tools are left out, unless the
   conversation already holds tool blocks (which require a toolConfig): the choice then
   stays the model's. The default choice (auto) is left unsaid: not every model takes
   toolChoice. */
static void ailib__br_tools(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    size_t i;
    if (!q->tool_count) return;
    if (q->tool_choice.mode == AILIB_TOOL_CHOICE_NONE && !ailib__br_uses_tools(q)) return;
    ailib_json_write_key(w, "toolConfig");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "tools");
    ailib_json_write_array_begin(w);
    for (i = 0; i < q->tool_count; i++) {
        const ailib_tool *t = &q->tools[i];
        if (t->spec) { ailib__b_tool_spec(c, t); continue; }   /* {"systemTool":...}, {"cachePoint":...} */
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "toolSpec");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "name"); ailib_json_write_string(w, t->name);
        if (t->description) { ailib_json_write_key(w, "description"); ailib_json_write_string(w, t->description); }
        ailib_json_write_key(w, "inputSchema");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "json"); ailib__b_tool_schema(c, t);
        ailib_json_write_object_end(w);
        ailib_json_write_object_end(w);
        ailib_json_write_object_end(w);
    }
    ailib_json_write_array_end(w);
    if (q->tool_choice.mode == AILIB_TOOL_CHOICE_REQUIRED || q->tool_choice.mode == AILIB_TOOL_CHOICE_NAMED) {
        ailib_json_write_key(w, "toolChoice");
        ailib_json_write_object_begin(w);
        if (q->tool_choice.mode == AILIB_TOOL_CHOICE_REQUIRED) {
            ailib_json_write_key(w, "any"); ailib_json_write_object_begin(w); ailib_json_write_object_end(w);
        } else {
            ailib_json_write_key(w, "tool");
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "name"); ailib_json_write_string(w, q->tool_choice.name);
            ailib_json_write_object_end(w);
        }
        ailib_json_write_object_end(w);
    }
    ailib_json_write_object_end(w);
}

/* inferenceConfig. Extended thinking needs maxTokens above its budget: when the caller set no
   max_tokens, the budget plus 4096 tokens for the answer is asked for. */
static void ailib__br_inference(ailib__bctx *c, int64_t thinking) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    int64_t max = q->max_tokens > 0 ? q->max_tokens : thinking > 0 ? thinking + 4096 : 0;
    if (max <= 0 && !q->temperature.set && !q->top_p.set && !q->stop_count) return;
    ailib_json_write_key(w, "inferenceConfig");
    ailib_json_write_object_begin(w);
    if (max > 0) { ailib_json_write_key(w, "maxTokens"); ailib_json_write_int(w, max); }
    ailib__b_optf(c, "temperature", q->temperature);
    ailib__b_optf(c, "topP", q->top_p);
    ailib__b_stop_array(c, "stopSequences");
    ailib_json_write_object_end(w);
}

static ailib_result ailib__bedrock_build(ailib__bctx *c) {
    const ailib_request *q = c->req;
    ailib_json_writer *w = c->w;
    int64_t budget = ailib__reasoning_requested(&q->reasoning) ? ailib__reasoning_budget(&q->reasoning) : 0;
    const char *unsupported = q->top_k.set ? "top_k" : q->seed.set ? "seed" : q->presence_penalty.set ? "presence_penalty"
                            : q->frequency_penalty.set ? "frequency_penalty" : NULL;
    if (unsupported)
        return ailib__b_fail(c, AILIB_UNSUPPORTED, "request.%s is not part of %s's Converse API: leave it unset, or pass the model's own field "
                             "through request.extra_json as \"additionalModelRequestFields\"", unsupported, c->prov->name);
    if (q->response_format.type != AILIB_FORMAT_TEXT)
        return ailib__b_fail(c, AILIB_UNSUPPORTED, "%s's Converse API has no response_format: leave it at AILIB_FORMAT_TEXT and ask for JSON "
                             "in the prompt, or define a tool with the schema and force it with tool_choice", c->prov->name);
    ailib__b_path(c, "/model/");
    ailib__b_path_escaped(c, c->model, c->model_len);
    ailib__b_path(c, c->stream ? "/converse-stream" : "/converse");
    c->accept = c->stream ? "application/vnd.amazon.eventstream" : "application/json";
    ailib_json_write_object_begin(w);
    ailib__br_system(c);
    ailib__br_messages(c);
    ailib__br_inference(c, budget);
    ailib__br_tools(c);
    if (budget > 0) {
        /* Claude's extended thinking; other model families ignore or reject it */
        ailib_json_write_key(w, "additionalModelRequestFields");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "thinking");
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "type"); ailib_json_write_string(w, "enabled");
        ailib_json_write_key(w, "budget_tokens"); ailib_json_write_int(w, budget);
        ailib_json_write_object_end(w);
        ailib_json_write_object_end(w);
    }
    ailib_json_write_object_end(w);
    return c->fail;
}

/* --- reading ------------------------------------------------------------------------------ */

/* Shape rules (the Converse API reference and the recordings): a whole
   response is an object with "output", an object with a "message" object whose "content" is
   an array of objects ({"message":"..."} with no output is the provider's error); where
   present, text is a string, reasoningContent an object, toolUse an object with a string name,
   stopReason a string, usage an object. A stream needs one event of a known type
   (messageStart, contentBlockStart / Delta / Stop, messageStop, metadata); where present,
   contentBlockDelta's delta is an object whose text is a string, toolUse an object with a
   string input, reasoningContent an object; start and its toolUse are objects; stopReason a
   string; usage an object. Null counts as absent. */

/* usage: inputTokens excludes the cache; ours includes it (see ailib_usage; saturating). */
static void ailib__br_usage(ailib_stream *s, const ailib_json *u) {
    const ailib_json *k, *v;
    size_t n;
    int64_t in = 0, cr = 0, cw = 0;
    ailib_usage *o = &s->acc.usage;
    if (!ailib_json_is_object(u)) return;
    o->reported = 0;
    for (AILIB__MEMBERS(u, k, n)) {
        v = k + 1;
        if (AILIB__KEY(k, "inputTokens")) { in = ailib_json_int(v); o->reported |= AILIB_USAGE_INPUT; }
        else if (AILIB__KEY(k, "outputTokens")) { o->output_tokens = ailib_json_int(v); o->reported |= AILIB_USAGE_OUTPUT; }
        else if (AILIB__KEY(k, "cacheReadInputTokens")) { cr = ailib_json_int(v); o->reported |= AILIB_USAGE_CACHED; }
        else if (AILIB__KEY(k, "cacheWriteInputTokens")) { cw = ailib_json_int(v); o->reported |= AILIB_USAGE_CACHE_WRITE; }
    }
    o->input_tokens = ailib__sat_add(ailib__sat_add(in, cr), cw);
    o->cached_input_tokens = cr;
    o->cache_write_tokens = cw;
    ailib__acc_usage_emit(&s->acc);
}

/* The call of content block idx, opened now when its start was never seen. */
static ailib__slot *ailib__br_call(ailib_stream *s, int64_t idx, const ailib_json *tu) {
    size_t idn = 0, nn = 0, call;
    const char *id = ailib_json_str(ailib_json_get(tu, "toolUseId"), &idn);
    const char *name = ailib_json_str(ailib_json_get(tu, "name"), &nn);
    ailib__slot *sl = ailib__slot_find(s, idx);
    if (sl) { ailib__acc_tool_ident(&s->acc, sl->call, id, id ? idn : 0, name, name ? nn : 0); return sl; }
    call = ailib__acc_tool_begin(&s->acc, id, id ? idn : 0, name, name ? nn : 0);
    if (call == (size_t)-1) return NULL;
    return ailib__slot_add(s, idx, 0, call);
}

/* reasoningContent, streamed (delta) or whole: text, signature, redactedContent. */
static void ailib__br_reasoning(ailib_stream *s, const ailib_json *rc) {
    const ailib_json *k, *v;
    size_t n, sl;
    const char *str;
    for (AILIB__MEMBERS(rc, k, n)) {
        v = k + 1;
        if ((str = ailib_json_str(v, &sl)) == NULL) {
            if (AILIB__KEY(k, "reasoningText")) ailib__br_reasoning(s, v);   /* whole: {text, signature} */
            continue;
        }
        if (AILIB__KEY(k, "text")) ailib__acc_reasoning(&s->acc, str, sl);
        else if (AILIB__KEY(k, "signature")) ailib__acc_signature(&s->acc, AILIB_PART_THINKING, str, sl);
        else if (AILIB__KEY(k, "redactedContent")) ailib__acc_redacted(&s->acc, str, sl);
    }
}

static void ailib__br_delta(ailib_stream *s, int64_t idx, const ailib_json *d) {
    const ailib_json *k, *v, *in;
    size_t n, sl;
    const char *str;
    if (!ailib_json_is_object(d)) { ailib__shape_fail(s, d, "an object", "$.delta"); return; }
    for (AILIB__MEMBERS(d, k, n)) {
        v = k + 1;
        if (ailib_json_is_null(v)) continue;
        if (AILIB__KEY(k, "text")) {
            if ((str = ailib_json_str(v, &sl)) == NULL) { ailib__shape_fail(s, v, "a string", "$.delta.text"); return; }
            ailib__acc_text(&s->acc, str, sl);
        } else if (AILIB__KEY(k, "reasoningContent")) {
            if (!ailib_json_is_object(v)) { ailib__shape_fail(s, v, "an object", "$.delta.reasoningContent"); return; }
            ailib__br_reasoning(s, v);
        } else if (AILIB__KEY(k, "toolUse")) {
            ailib__slot *slot;
            in = ailib_json_get(v, "input");
            if (!ailib_json_is_object(v) || !ailib__jopt(in, AILIB_JSON_STRING)) {
                ailib__shape_fail(s, ailib_json_is_object(v) ? in : v, ailib_json_is_object(v) ? "a string" : "an object",
                                  ailib_json_is_object(v) ? "$.delta.toolUse.input" : "$.delta.toolUse");
                return;
            }
            slot = ailib__br_call(s, idx, v);
            if (slot && (str = ailib_json_str(in, &sl)) != NULL) ailib__acc_tool_args(&s->acc, slot->call, str, sl);
        }
    }
}

#define AILIB__BR_IS(t, tn, lit) ((tn) == sizeof(lit) - 1 && memcmp((t), (lit), sizeof(lit) - 1) == 0)

static ailib_result ailib__bedrock_event(ailib_stream *s, const char *ev, size_t evn, const ailib_json *root) {
    const ailib_json *iv = ailib_json_get(root, "contentBlockIndex");
    int64_t idx = ailib_json_is_number(iv) ? ailib_json_int(iv) : -1;
    size_t sn;
    const char *str;
    ailib__slot *sl;
    const ailib_json *v;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
    if (AILIB__BR_IS(ev, evn, "messageStart")) s->shaped = 1;
    else if (AILIB__BR_IS(ev, evn, "contentBlockDelta")) {
        s->shaped = 1;
        ailib__br_delta(s, idx, ailib_json_get(root, "delta"));
    } else if (AILIB__BR_IS(ev, evn, "contentBlockStart")) {
        const ailib_json *st = ailib_json_get(root, "start"), *tu = ailib_json_get(st, "toolUse");
        s->shaped = 1;
        if (!ailib__jopt(st, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, st, "an object", "$.start");
        if (!ailib__jopt(tu, AILIB_JSON_OBJECT)) return ailib__shape_fail(s, tu, "an object", "$.start.toolUse");
        ailib__acc_break(&s->acc);
        if (ailib_json_is_object(tu)) ailib__br_call(s, idx, tu);
    } else if (AILIB__BR_IS(ev, evn, "contentBlockStop")) {
        s->shaped = 1;
        if ((sl = ailib__slot_find(s, idx)) != NULL) ailib__acc_tool_end(&s->acc, sl->call);
        else ailib__acc_break(&s->acc);
    } else if (AILIB__BR_IS(ev, evn, "messageStop")) {
        s->shaped = 1;
        if (!ailib__jopt(v = ailib_json_get(root, "stopReason"), AILIB_JSON_STRING)) return ailib__shape_fail(s, v, "a string", "$.stopReason");
        ailib__acc_tool_end_all(&s->acc);
        /* complete once metadata (usage) follows: ailib__stream_complete */
        if ((str = ailib_json_str(v, &sn)) != NULL) ailib__acc_finish(&s->acc, str, sn);
    } else if (AILIB__BR_IS(ev, evn, "metadata")) {
        s->shaped = 1;
        if (!ailib__jopt(v = ailib_json_get(root, "usage"), AILIB_JSON_OBJECT)) return ailib__shape_fail(s, v, "an object", "$.usage");
        ailib__br_usage(s, v);
    }
    return s->fail;
}

/* A whole Converse response: output.message.content[], stopReason, usage. */
static ailib_result ailib__bedrock_parse(ailib_stream *s, const ailib_json *root) {
    const ailib_json *content = ailib_json_path(root, "output", "message", "content", (const char *)NULL), *b, *k;
    size_t n, m, sl;
    const char *str;
    int64_t idx = 0;
    const ailib_json *out, *msg, *v;
    if (!ailib_json_is_object(root)) return ailib__shape_fail(s, root, "an object", "$");
    if (!ailib_json_get(root, "output") && ailib_json_get(root, "message")) return ailib__stream_provider_error(s, root);
    out = ailib_json_get(root, "output");
    msg = ailib_json_get(out, "message");
    if (!ailib_json_is_object(out)) return ailib__shape_fail(s, out, "an object", "$.output");
    if (!ailib_json_is_object(msg)) return ailib__shape_fail(s, msg, "an object", "$.output.message");
    if (!ailib_json_is_array(content)) return ailib__shape_fail(s, content, "an array of content blocks", "$.output.message.content");
    if (!ailib__jopt(v = ailib_json_get(root, "stopReason"), AILIB_JSON_STRING)) return ailib__shape_fail(s, v, "a string", "$.stopReason");
    if (!ailib__jopt(v = ailib_json_get(root, "usage"), AILIB_JSON_OBJECT)) return ailib__shape_fail(s, v, "an object", "$.usage");
    for (AILIB__ELEMS(content, b, n)) {
        if (!ailib_json_is_object(b)) return ailib__shape_fail(s, b, "an object", "$.output.message.content[%ld]", (long)idx);
        for (AILIB__MEMBERS(b, k, m)) {
            v = k + 1;
            if (ailib_json_is_null(v)) continue;
            if (AILIB__KEY(k, "text")) {
                if ((str = ailib_json_str(v, &sl)) == NULL) return ailib__shape_fail(s, v, "a string", "$.output.message.content[%ld].text", (long)idx);
                ailib__acc_text(&s->acc, str, sl);
            } else if (AILIB__KEY(k, "reasoningContent")) {
                if (!ailib_json_is_object(v)) return ailib__shape_fail(s, v, "an object", "$.output.message.content[%ld].reasoningContent", (long)idx);
                ailib__br_reasoning(s, v);
            } else if (AILIB__KEY(k, "toolUse")) {
                ailib__slot *slot;
                if (!ailib_json_is_object(v) || !ailib_json_is_string(ailib_json_get(v, "name")))
                    return ailib__shape_fail(s, ailib_json_is_object(v) ? ailib_json_get(v, "name") : v,
                                             ailib_json_is_object(v) ? "a string (the tool's name)" : "an object",
                                             ailib_json_is_object(v) ? "$.output.message.content[%ld].toolUse.name"
                                                                     : "$.output.message.content[%ld].toolUse", (long)idx);
                slot = ailib__br_call(s, idx, v);
                const ailib_json *in = ailib_json_get(v, "input");
                if (slot && in && !ailib_json_is_null(in)) {
                    ailib_json_writer w;
                    ailib_json_writer_init(&w, &s->alloc);
                    ailib_json_write_value(&w, in);
                    if (ailib_json_writer_finish(&w) == AILIB_OK) ailib__acc_tool_args(&s->acc, slot->call, w.buf, w.len);
                    else s->acc.oom = 1;
                    ailib_json_writer_deinit(&w);
                }
                if (slot) ailib__acc_tool_end(&s->acc, slot->call);
            }
        }
        ailib__acc_break(&s->acc);
        idx++;
    }
    ailib__br_usage(s, ailib_json_get(root, "usage"));
    if ((str = ailib_json_str(ailib_json_get(root, "stopReason"), &sl)) != NULL) ailib__acc_finish(&s->acc, str, sl);
    ailib__acc_tool_end_all(&s->acc);
    return AILIB_OK;
}

/* --- event-stream framing ------------------------------------------------------------------- */

/* s->state slots of this adapter */
enum { AILIB__BR_TOTAL = 0, AILIB__BR_CRC = 1, AILIB__BR_POS = 2 };   /* frame length once its prelude is checked; prelude CRC; stream offset of the frame */

#define AILIB__BR_MAX_FRAME (16u << 20)   /* the event-stream limit on one message */

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32(crc, p, n)), a nibble at a time: a 64-byte
   table and no init step, so no global state. */
static uint32_t ailib__br_crc32(uint32_t crc, const unsigned char *p, size_t n) {
    static const uint32_t t[16] = {
        0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u, 0x4db26158u, 0x5005713cu,
        0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu, 0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu
    };
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        crc = (crc >> 4) ^ t[crc & 15];
        crc = (crc >> 4) ^ t[crc & 15];
    }
    return ~crc;
}

static uint32_t ailib__br_be32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* A framing failure: AILIB_PROTOCOL, with the frame's offset in the message and byte_pos. */
static ailib_result ailib__br_bad(ailib_stream *s, const char *fmt, ...) {
    char msg[384];
    int n;
    va_list ap;
    if (s->fail != AILIB_OK) return s->fail;
    n = snprintf(msg, sizeof msg, "AWS event stream frame at byte %lu: ", (unsigned long)s->state[AILIB__BR_POS]);
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof msg) vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    ailib__stream_fail(s, AILIB_PROTOCOL, msg);
    s->fail_err.byte_pos = (size_t)s->state[AILIB__BR_POS];
    if (s->err) s->err->byte_pos = (size_t)s->state[AILIB__BR_POS];
    return AILIB_PROTOCOL;
}

typedef struct ailib__br_hdrs {
    const char *event, *mtype, *etype, *ecode, *emsg;
    size_t event_n, mtype_n, etype_n, ecode_n, emsg_n;
} ailib__br_hdrs;

/* Reads the headers block; 0 when it is malformed. Only string headers are kept. */
static int ailib__br_headers(const unsigned char *h, size_t n, ailib__br_hdrs *o) {
    static const unsigned char fixed[10] = { 0, 0, 1, 2, 4, 8, 0, 0, 8, 16 };   /* value size per type; 6, 7: u16 length */
    size_t i = 0;
    memset(o, 0, sizeof *o);
    while (i < n) {
        size_t nl = h[i++], vl;
        const char *name = (const char *)h + i;
        unsigned type;
        if (!nl || n - i < nl + 1) return 0;
        i += nl;
        type = h[i++];
        if (type > 9) return 0;
        if (type == 6 || type == 7) {
            if (n - i < 2) return 0;
            vl = ((size_t)h[i] << 8) | h[i + 1];
            i += 2;
        } else vl = fixed[type];
        if (n - i < vl) return 0;
        if (type == 7) {
            const char *v = (const char *)h + i;
            if (nl == 11 && memcmp(name, ":event-type", 11) == 0) { o->event = v; o->event_n = vl; }
            else if (nl == 13 && memcmp(name, ":message-type", 13) == 0) { o->mtype = v; o->mtype_n = vl; }
            else if (nl == 15 && memcmp(name, ":exception-type", 15) == 0) { o->etype = v; o->etype_n = vl; }
            else if (nl == 11 && memcmp(name, ":error-code", 11) == 0) { o->ecode = v; o->ecode_n = vl; }
            else if (nl == 14 && memcmp(name, ":error-message", 14) == 0) { o->emsg = v; o->emsg_n = vl; }
        }
        i += vl;
    }
    return 1;
}

/* An exception frame (or an error frame's :error-code): the stream's error, mapped by type.
   The first letter is compared without case: AWS spells these both ways. */
static ailib_result ailib__br_exception(ailib_stream *s, const char *type, size_t tn, const char *msg, size_t mn) {
    static const struct { const char *t; ailib_result r; int retry; } map[] = {
        {"throttlingException", AILIB_RATE_LIMITED, 1}, {"validationException", AILIB_INVALID_REQUEST, 0},
        {"serviceUnavailableException", AILIB_OVERLOADED, 1}, {"internalServerException", AILIB_SERVER, 1},
        {"modelStreamErrorException", AILIB_SERVER, 1}, {"modelTimeoutException", AILIB_TIMEOUT, 1},
        {"modelNotReadyException", AILIB_OVERLOADED, 1}, {"accessDeniedException", AILIB_AUTH, 0},
        {"resourceNotFoundException", AILIB_NOT_FOUND, 0}, {"serviceQuotaExceededException", AILIB_QUOTA_EXCEEDED, 0}
    };
    ailib_error e;
    size_t i, ml;
    ailib_error_clear(&e);
    e.code = AILIB_PROVIDER;
    for (i = 0; tn && i < sizeof map / sizeof map[0]; i++) {
        const char *m = map[i].t;
        if (strlen(m) == tn && (type[0] | 0x20) == m[0] && memcmp(type + 1, m + 1, tn - 1) == 0) {
            e.code = map[i].r;
            e.retryable = map[i].retry;
            break;
        }
    }
    ailib__copy_trunc(e.provider_type, sizeof e.provider_type, type ? type : "", tn);
    ailib__copy_trunc(e.provider_message, sizeof e.provider_message, msg ? msg : "", mn);
    snprintf(e.message, sizeof e.message, "%s (%s)", ailib_result_string(e.code), e.provider_type[0] ? e.provider_type : "unknown exception");
    ml = strlen(e.message);
    if (e.provider_message[0] && ml + 2 < sizeof e.message) {
        memcpy(e.message + ml, ": ", 3);
        ailib__copy_trunc(e.message + ml + 2, sizeof e.message - ml - 2, e.provider_message, strlen(e.provider_message));
    }
    ailib__acc_error(&s->acc, &e);
    return ailib__stream_fail_with(s, &e);
}

/* One complete frame f[0..total) whose prelude was checked: message CRC, headers, then the
   payload to the event handler (event) or the error path (exception / error). */
static ailib_result ailib__br_frame(ailib_stream *s, unsigned char *f, size_t total) {
    size_t hl = ailib__br_be32(f + 4), pl = total - 16 - hl;
    uint32_t want = ailib__br_be32(f + total - 4);
    uint32_t got = ailib__br_crc32((uint32_t)s->state[AILIB__BR_CRC], f + 8, total - 12);
    ailib__br_hdrs h;
    char *payload = (char *)f + 12 + hl;
    if (got != want) return ailib__br_bad(s, "message CRC mismatch (frame says 0x%08lx, bytes give 0x%08lx): the body is corrupted", (unsigned long)want, (unsigned long)got);
    if (!ailib__br_headers(f + 12, hl, &h)) return ailib__br_bad(s, "malformed headers");
    payload[pl] = 0;                         /* over the checked CRC: a NUL-terminated payload */
    if (!h.mtype || AILIB__BR_IS(h.mtype, h.mtype_n, "event")) {
        if (!h.event || !pl) return AILIB_OK;
        return ailib__stream_payload(s, h.event, h.event_n, payload, pl);
    }
    if (AILIB__BR_IS(h.mtype, h.mtype_n, "exception")) {
        /* payload: {"message":"..."} (some services spell it "Message") */
        const char *m = NULL;
        size_t mn = 0;
        if (pl && ailib_json_doc_reparse(s->doc, payload, pl, NULL) == AILIB_OK) {
            const ailib_json *root = ailib_json_doc_root(s->doc), *mv = ailib_json_get(root, "message");
            if (!mv) mv = ailib_json_get(root, "Message");
            m = ailib_json_str(mv, &mn);
        }
        if (!m) { m = payload; mn = pl; }
        return ailib__br_exception(s, h.etype, h.etype ? h.etype_n : 0, m, mn);
    }
    if (AILIB__BR_IS(h.mtype, h.mtype_n, "error")) return ailib__br_exception(s, h.ecode, h.ecode ? h.ecode_n : 0, h.emsg, h.emsg ? h.emsg_n : 0);
    return AILIB_OK;                          /* an unknown message type: skipped */
}

/* Frames arrive in any chunking: bytes collect in s->scratch until a frame is whole (its
   prelude tells how long), then it is checked and handed on; the buffer is kept, so nothing
   is allocated per frame after warm-up. bytes == NULL marks the end of the body. When the
   event callback stops, the rest of the chunk is left unread. */
static ailib_result ailib__bedrock_feed_raw(ailib_stream *s, const char *bytes, size_t len) {
    ailib__buf *b = &s->scratch;
    if (!bytes) {
        if (b->len) return ailib__br_bad(s, "the body ended inside a frame (%lu of %lu bytes): the stream was cut off", (unsigned long)b->len,
                                         (unsigned long)(s->state[AILIB__BR_TOTAL] ? s->state[AILIB__BR_TOTAL] : 12));
        return AILIB_OK;
    }
    while (len && s->fail == AILIB_OK && !s->acc.stopped) {
        size_t need = s->state[AILIB__BR_TOTAL] ? (size_t)s->state[AILIB__BR_TOTAL] : 12, take = need - b->len;
        if (take > len) take = len;
        if (!ailib__buf_add(&s->alloc, b, bytes, take)) return ailib__stream_fail(s, AILIB_OUT_OF_MEMORY, "out of memory");
        bytes += take;
        len -= take;
        if (b->len < need) break;
        if (!s->state[AILIB__BR_TOTAL]) {
            const unsigned char *p = (const unsigned char *)b->p;
            uint32_t total = ailib__br_be32(p), hl = ailib__br_be32(p + 4), crc = ailib__br_crc32(0, p, 8);
            if (crc != ailib__br_be32(p + 8))
                return ailib__br_bad(s, "prelude CRC mismatch (frame says 0x%08lx, bytes give 0x%08lx): the body is corrupted or not an event stream",
                                     (unsigned long)ailib__br_be32(p + 8), (unsigned long)crc);
            if (total < 16 || total > AILIB__BR_MAX_FRAME || hl > total - 16)
                return ailib__br_bad(s, "impossible lengths (total %lu, headers %lu)", (unsigned long)total, (unsigned long)hl);
            if (!ailib__grow(&s->alloc, &b->p, &b->cap, (size_t)total + 1)) return ailib__stream_fail(s, AILIB_OUT_OF_MEMORY, "out of memory");
            s->state[AILIB__BR_TOTAL] = total;
            s->state[AILIB__BR_CRC] = crc;
            continue;
        }
        ailib__br_frame(s, (unsigned char *)b->p, need);
        s->state[AILIB__BR_POS] += (int64_t)need;
        s->state[AILIB__BR_TOTAL] = 0;
        b->len = 0;
        /* as the SSE parser does: a stop leaves byte_pos just past the frame, to resume from */
        if (s->acc.stopped && s->err) s->err->byte_pos = (size_t)s->state[AILIB__BR_POS];
    }
    return s->fail;
}

static const ailib__adapter ailib__adapter_bedrock = { "bedrock_converse", 0, ailib__bedrock_event, ailib__bedrock_parse, ailib__bedrock_build, ailib__bedrock_feed_raw, 1 };
/* >>wire: the public no-network API =========================================================== */

static const ailib__adapter *ailib__adapter_for(ailib_protocol p) {
    switch (p) {
    case AILIB_PROTOCOL_OPENAI_CHAT: return &ailib__adapter_openai;
    case AILIB_PROTOCOL_ANTHROPIC: return &ailib__adapter_anthropic;
    case AILIB_PROTOCOL_GEMINI: return &ailib__adapter_gemini;
    case AILIB_PROTOCOL_OLLAMA: return &ailib__adapter_ollama;
    case AILIB_PROTOCOL_COHERE: return &ailib__adapter_cohere;
    case AILIB_PROTOCOL_OPENAI_RESPONSES: return &ailib__adapter_responses;
    case AILIB_PROTOCOL_BEDROCK: return &ailib__adapter_bedrock;
    default: return NULL;
    }
}

/* The model id to send: the request's, the catalog default, minus a "provider/" prefix that
   names this endpoint's provider (other slashes are part of ids like "meta-llama/Llama-3"). */
static const char *ailib__b_model(const ailib_provider_info *p, const char *model, size_t *len) {
    size_t pl;
    if (!model || !*model) model = p->default_model ? p->default_model : "";
    pl = p->name ? strlen(p->name) : 0;
    if (pl && strncmp(model, p->name, pl) == 0 && model[pl] == '/') model += pl + 1;
    *len = strlen(model);
    return model;
}

/* Appends "Name\0Value\0" to storage; offsets are turned into pointers once storage is final. */
typedef struct ailib__hdrs { ailib__buf store; size_t off[AILIB_MAX_HEADERS][2]; size_t n; int oom; } ailib__hdrs;

static void ailib__hdr_add(const ailib_allocator *a, ailib__hdrs *h, const char *name, const char *v1, const char *v2) {
    if (h->n == AILIB_MAX_HEADERS) return;
    h->off[h->n][0] = h->store.len;
    if (!ailib__buf_add(a, &h->store, name, strlen(name) + 1)) { h->oom = 1; return; }
    h->off[h->n][1] = h->store.len;
    if (!ailib__buf_add(a, &h->store, v1, strlen(v1)) || (v2 && !ailib__buf_add(a, &h->store, v2, strlen(v2))) ||
        !ailib__buf_add(a, &h->store, "", 1)) { h->oom = 1; return; }
    h->n++;
}

/* Members of extra (a JSON object) replace same-named top-level members of body. */
static ailib_result ailib__merge_extra(ailib__bctx *c, const char *extra) {
    ailib_json_parse_options o;
    ailib_json_doc *xd = NULL, *bd = NULL;
    ailib_json_writer *w = c->w;
    const ailib_json *xr, *br, *k;
    ailib_error e;
    size_t n;
    memset(&o, 0, sizeof o);
    o.allocator = &w->alloc;
    ailib_error_clear(&e);
    if (ailib_json_parse(extra, strlen(extra), &o, &xd, &e) != AILIB_OK || !ailib_json_is_object(ailib_json_doc_root(xd))) {
        ailib_json_doc_destroy(xd);
        return ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "request.extra_json must be a JSON object%s%s",
                             e.message[0] ? ": " : "", e.message);
    }
    if (ailib_json_parse(w->buf, w->len, &o, &bd, NULL) != AILIB_OK) {
        ailib_json_doc_destroy(xd);
        return ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
    }
    xr = ailib_json_doc_root(xd);
    br = ailib_json_doc_root(bd);
    ailib_json_writer_reset(w);
    ailib_json_write_object_begin(w);
    for (AILIB__MEMBERS(br, k, n)) {
        if (ailib_json_getn(xr, k->u.s, AILIB__JLEN(k))) continue;
        ailib_json_write_keyn(w, k->u.s, AILIB__JLEN(k));
        ailib_json_write_value(w, k + 1);
    }
    for (AILIB__MEMBERS(xr, k, n)) {
        ailib_json_write_keyn(w, k->u.s, AILIB__JLEN(k));
        ailib_json_write_value(w, k + 1);
    }
    ailib_json_write_object_end(w);
    ailib_json_doc_destroy(xd);
    ailib_json_doc_destroy(bd);
    return AILIB_OK;
}

/* >>structured: how structured output is asked for =========================================== */

typedef enum ailib__so { AILIB__SO_NONE = 0, AILIB__SO_NATIVE, AILIB__SO_TOOL, AILIB__SO_PROMPT } ailib__so;

/* 1 when the schema text is an object schema (a tool's input must be an object). */
static int ailib__so_object_schema(const char *schema, const ailib_allocator *a) {
    ailib_json_doc *d = NULL;
    ailib_json_parse_options o;
    const ailib_json *root, *t;
    int yes = 0;
    memset(&o, 0, sizeof o);
    o.allocator = a;
    if (ailib_json_parse(schema, strlen(schema), &o, &d, NULL) != AILIB_OK) return 0;
    root = ailib_json_doc_root(d);
    t = ailib_json_get(root, "type");
    if (t) { const char *s = ailib_json_str(t, NULL); yes = s && !strcmp(s, "object"); }
    else yes = ailib_json_get(root, "properties") != NULL;
    ailib_json_doc_destroy(d);
    return yes;
}

/* The route for the request's response_format on this provider and model (see
   ailib_format_mode). */
static ailib__so ailib__so_pick(ailib__bctx *c) {
    const ailib_response_format *f = &c->req->response_format;
    ailib_protocol pr = c->prov->protocol;
    const ailib_model_info *mi;
    char model[256];
    int lacks, object;
    if (f->type == AILIB_FORMAT_TEXT) return AILIB__SO_NONE;
    if ((unsigned)f->mode > AILIB_FORMAT_MODE_PROMPT) {
        ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "response_format.mode is not an ailib_format_mode");
        return AILIB__SO_NONE;
    }
    object = f->type == AILIB_FORMAT_JSON_SCHEMA && ailib__so_object_schema(f->schema, &c->w->alloc);
    switch (f->mode) {
    case AILIB_FORMAT_MODE_NATIVE:
        if (pr == AILIB_PROTOCOL_BEDROCK || (pr == AILIB_PROTOCOL_ANTHROPIC && f->type == AILIB_FORMAT_JSON)) {
            ailib__b_fail(c, AILIB_UNSUPPORTED, "%s has no native %s output: use AILIB_FORMAT_MODE_AUTO, TOOL or PROMPT", c->prov->name,
                          f->type == AILIB_FORMAT_JSON ? "JSON" : "structured");
            return AILIB__SO_NONE;
        }
        return AILIB__SO_NATIVE;
    case AILIB_FORMAT_MODE_TOOL:
        if (pr == AILIB_PROTOCOL_OLLAMA || (c->prov->quirks & AILIB_Q_NO_TOOL_CHOICE)) {
            ailib__b_fail(c, AILIB_UNSUPPORTED, "%s cannot force a tool call: use AILIB_FORMAT_MODE_AUTO or NATIVE", c->prov->name);
            return AILIB__SO_NONE;
        }
        if (!object) {
            ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "AILIB_FORMAT_MODE_TOOL needs an AILIB_FORMAT_JSON_SCHEMA whose schema is an object "
                          "(\"type\":\"object\"): tool inputs are objects");
            return AILIB__SO_NONE;
        }
        return AILIB__SO_TOOL;
    case AILIB_FORMAT_MODE_PROMPT:
        return AILIB__SO_PROMPT;
    default:
        break;
    }
    if (f->type == AILIB_FORMAT_JSON) return AILIB__SO_PROMPT;   /* JSON mode plus the instruction */
    if (pr == AILIB_PROTOCOL_OLLAMA) return AILIB__SO_NATIVE;      /* grammar-constrained: any model */
    ailib__copy_trunc(model, sizeof model, c->model, c->model_len);
    mi = ailib_model_find(c->prov->name, model);
    lacks = mi && !(mi->caps & AILIB_CAP_JSON_SCHEMA);
    if (pr == AILIB_PROTOCOL_BEDROCK || (pr == AILIB_PROTOCOL_ANTHROPIC && lacks)) return object ? AILIB__SO_TOOL : AILIB__SO_PROMPT;
    return lacks ? AILIB__SO_PROMPT : AILIB__SO_NATIVE;
}

/* Memory of a rewritten request. */
typedef struct ailib__so_mem { char *system; ailib_tool *tools; } ailib__so_mem;

static const char ailib__so_instruction[] = "Answer with a single JSON value and nothing else (no prose, no code fences).";
static const char ailib__so_schema_intro[] = " It must validate against this JSON Schema:\n";

/* Rewrites the request for the TOOL and PROMPT routes into *lq (sharing the caller's
   memory but for the new system prompt and tools array); 0 when nothing changes. */
static int ailib__so_lower(ailib__bctx *c, ailib__so route, ailib_request *lq, ailib__so_mem *mem) {
    const ailib_request *q = c->req;
    const ailib_response_format *f = &q->response_format;
    const ailib_allocator *a = &c->w->alloc;
    ailib_protocol pr = c->prov->protocol;
    size_t i;
    if (route != AILIB__SO_TOOL && route != AILIB__SO_PROMPT) return 0;
    *lq = *q;
    lq->response_format.type = AILIB_FORMAT_TEXT;
    if (route == AILIB__SO_TOOL) {
        const char *name = ailib__so_name(f);
        ailib_tool *t;
        for (i = 0; i < q->tool_count; i++)
            if (!strcmp(q->tools[i].name, name)) {
                ailib__b_fail(c, AILIB_INVALID_ARGUMENT, "a tool is already named '%s': give response_format.name another name", name);
                return 0;
            }
        if (!(mem->tools = (ailib_tool *)ailib__malloc(a, (q->tool_count + 1) * sizeof *t))) {
            ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory");
            return 0;
        }
        if (q->tool_count) memcpy(mem->tools, q->tools, q->tool_count * sizeof *t);
        t = &mem->tools[q->tool_count];
        memset(t, 0, sizeof *t);
        t->name = name;
        t->description = "Give your answer by calling this tool: its input is the answer.";
        t->parameters = f->schema;
        t->strict = f->strict;
        lq->tools = mem->tools;
        lq->tool_count = q->tool_count + 1;
        lq->tool_choice.mode = AILIB_TOOL_CHOICE_NAMED;
        lq->tool_choice.name = name;
    } else {
        ailib__buf b = {0, 0, 0};
        int ok = 1;
        if (q->system && *q->system) ok = ailib__buf_add(a, &b, q->system, strlen(q->system)) && ailib__buf_add(a, &b, "\n\n", 2);
        ok = ok && ailib__buf_add(a, &b, ailib__so_instruction, sizeof ailib__so_instruction - 1);
        if (f->type == AILIB_FORMAT_JSON_SCHEMA)
            ok = ok && ailib__buf_add(a, &b, ailib__so_schema_intro, sizeof ailib__so_schema_intro - 1) &&
                 ailib__buf_add(a, &b, f->schema, strlen(f->schema));
        ok = ok && ailib__buf_add(a, &b, "", 1);
        mem->system = b.p;
        if (!ok) { ailib__b_fail(c, AILIB_OUT_OF_MEMORY, "out of memory"); return 0; }
        lq->system = b.p;
        /* the protocol's JSON mode, where it has one */
        if (pr != AILIB_PROTOCOL_ANTHROPIC && pr != AILIB_PROTOCOL_BEDROCK) lq->response_format.type = AILIB_FORMAT_JSON;
    }
    return 1;
}

static void ailib__so_free(const ailib_allocator *a, ailib__so_mem *mem) {
    ailib__free(a, mem->system);
    ailib__free(a, mem->tools);
}

AILIB_API ailib_result ailib_wire_request_build(const ailib_endpoint *ep, const ailib_request *req, int stream,
                                                ailib_wire_request *out, ailib_error *err) {
    ailib__bctx c;
    ailib_json_writer w;
    const ailib_provider_info *p;
    const char *base;
    size_t base_len, i;
    ailib__hdrs h;
    ailib_result r;
    ailib_request lq;
    ailib__so_mem som = {NULL, NULL};
    ailib_request cq;
    ailib__conv_mem cm = {NULL};
    if (!out) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_wire_request_build: out is NULL");
    memset(out, 0, sizeof *out);
    if (!ep || !ep->provider) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "endpoint.provider is required (ailib_provider_find(\"openai\") or your own row)");
    if (!req) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "request is NULL");
    p = ep->provider;
    if (!ailib__adapter_for(p->protocol)) return ailib__fail(err, AILIB_UNSUPPORTED, "provider '%s' has an unknown protocol", p->name ? p->name : "?");
    if ((r = ailib__ep_base(ep, &base, &base_len, err)) != AILIB_OK) return r;

    memset(&c, 0, sizeof c);
    ailib_json_writer_init(&w, ep->allocator);
    {
        /* one allocation for a typical body instead of a run of doublings */
        size_t est = 512 + (req->system ? strlen(req->system) : 0), mi;
        for (mi = 0; mi < req->message_count && req->messages; mi++)
            est += 64 + (req->messages[mi].text ? strlen(req->messages[mi].text) : 0) + req->messages[mi].part_count * 256;
        ailib__grow(&w.alloc, &w.buf, &w.cap, est);
    }
    c.ep = ep; c.prov = p; c.req = req; c.w = &w; c.stream = stream ? 1 : 0; c.err = err; c.method = "POST";
    c.model = ailib__b_model(p, req->model, &c.model_len);
    if (ailib__b_validate(&c) == AILIB_OK) {
        ailib__so route = ailib__so_pick(&c);
        if (c.fail == AILIB_OK && ailib__so_lower(&c, route, &lq, &som)) c.req = &lq;
    }
    if (c.fail == AILIB_OK) ailib__b_convert(&c, &cq, &cm);
    if (c.fail == AILIB_OK && ailib__b_capabilities(&c) == AILIB_OK) {
        if (!c.model_len) ailib__b_fail(&c, AILIB_CONFIGURATION, "no model: set request.model (provider '%s' has no default model)", p->name);
        else ailib__adapter_for(p->protocol)->build(&c);
    }
    ailib__so_free(&w.alloc, &som);
    ailib__free(&w.alloc, cm.block);
    if (c.fail == AILIB_OK && req->extra_json && *req->extra_json && ailib_json_writer_finish(&w) == AILIB_OK)
        ailib__merge_extra(&c, req->extra_json);
    if (c.fail == AILIB_OK && (r = ailib_json_writer_finish(&w)) != AILIB_OK)
        ailib__b_fail(&c, r, "could not write the request body (%s): check the strings are valid UTF-8", ailib_result_string(r));
    if (c.fail != AILIB_OK) {
        ailib_json_writer_deinit(&w);
        ailib__free(&w.alloc, c.path.p);
        return c.fail;
    }

    /* URL and headers share one storage block */
    memset(&h, 0, sizeof h);
    ailib__grow(&w.alloc, &h.store.p, &h.store.cap, 256 + base_len + c.path.len + (ep->api_key ? strlen(ep->api_key) : 0));
    if (!ailib__buf_add(&w.alloc, &h.store, base, base_len) || !ailib__buf_add(&w.alloc, &h.store, c.path.p ? c.path.p : "", c.path.len) ||
        !ailib__buf_add(&w.alloc, &h.store, "", 1)) h.oom = 1;
    ailib__hdr_add(&w.alloc, &h, "Content-Type", "application/json", NULL);
    if (c.accept) ailib__hdr_add(&w.alloc, &h, "Accept", c.accept, NULL);
    if (ep->api_key && *ep->api_key) {
        switch (p->auth) {
        case AILIB_AUTH_X_API_KEY: ailib__hdr_add(&w.alloc, &h, "x-api-key", ep->api_key, NULL); break;
        case AILIB_AUTH_API_KEY_HEADER: ailib__hdr_add(&w.alloc, &h, "api-key", ep->api_key, NULL); break;
        case AILIB_AUTH_GOOG_API_KEY: ailib__hdr_add(&w.alloc, &h, "x-goog-api-key", ep->api_key, NULL); break;
        default: ailib__hdr_add(&w.alloc, &h, "Authorization", "Bearer ", ep->api_key); break;
        }
    }
    if (p->protocol == AILIB_PROTOCOL_ANTHROPIC)
        ailib__hdr_add(&w.alloc, &h, "anthropic-version", ep->api_version ? ep->api_version : "2023-06-01", NULL);
    if (h.oom) {
        ailib__free(&w.alloc, h.store.p);
        ailib_json_writer_deinit(&w);
        ailib__free(&w.alloc, c.path.p);
        return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    }
    out->method = c.method;
    out->storage_ = h.store.p;
    out->url = h.store.p;
    for (i = 0; i < h.n; i++) {
        out->headers[i].name = h.store.p + h.off[i][0];
        out->headers[i].value = h.store.p + h.off[i][1];
    }
    out->header_count = h.n;
    out->body = ailib_json_writer_take(&w, &out->body_len);
    out->stream = c.stream;
    out->alloc = w.alloc;
    ailib__free(&w.alloc, c.path.p);
    return AILIB_OK;
}

AILIB_API void ailib_wire_request_deinit(ailib_wire_request *wr) {
    if (!wr || !wr->alloc.free_fn) return;
    ailib__free(&wr->alloc, wr->storage_);
    ailib__free(&wr->alloc, wr->body);
    memset(wr, 0, sizeof *wr);
}

AILIB_API ailib_result ailib_wire_error_parse(const ailib_endpoint *ep, int http_status, const char *body, size_t len,
                                              ailib_error *err) {
    ailib_json_doc *d = NULL;
    ailib_json_parse_options o;
    ailib_error tmp;
    ailib_result code;
    memset(&o, 0, sizeof o);
    o.allocator = ep ? ep->allocator : NULL;
    if (body && len) ailib_json_parse(body, len, &o, &d, NULL);
    code = ailib__error_from_body(http_status, ailib_json_doc_root(d), body, len, err ? err : &tmp);
    if (ep) ailib__redact_error(err, ep->api_key);      /* a server that echoes the key */
    ailib_json_doc_destroy(d);
    return code;
}

/* Parses a whole 2xx body with decoder s (reset first), which keeps its buffers for the next
   body: the engine reuses one per client. The response takes the raw document. The body's size
   was capped where it was read, so the stream's cap on what is kept does not apply here. */
static ailib_result ailib__response_parse_in(ailib_stream *s, const char *body, size_t len, ailib_response **out, ailib_error *err) {
    ailib_result r;
    ailib_error perr;
    ailib_json_parse_options o;
    size_t limit;
    char q[100];
    ailib_stream_reset(s);
    if (!s->doc) {
        memset(&o, 0, sizeof o);
        o.allocator = &s->alloc;
        if (!(s->doc = ailib_json_doc_create(&o))) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    }
    ailib_error_clear(&perr);
    r = ailib_json_doc_reparse(s->doc, body, len, &perr);
    if (r != AILIB_OK) {
        if (r == AILIB_OUT_OF_MEMORY) return ailib__fail(err, r, "out of memory");
        while (len && (*body == ' ' || *body == '\t' || *body == '\r' || *body == '\n')) { body++; len--; }
        ailib__quote(q, sizeof q, body, len);
        if (!len) ailib__fail(err, AILIB_DESERIALIZATION, "the %s response is empty: expected a JSON %s response", s->prov->name, s->ad->name);
        else ailib__fail(err, AILIB_DESERIALIZATION, "the %s response is not valid JSON (%s)%s; it begins: %s", s->prov->name,
                         perr.message, *body == '<' ? ": the server sent HTML (a proxy, a login or error page, or a wrong base URL?)" : "", q);
        if (err) err->byte_pos = perr.byte_pos;
        /* broken encoding and nesting keep their own codes; anything else is not the reply */
        if (len && (r == AILIB_JSON_UTF8 || r == AILIB_JSON_DEPTH)) {
            if (err) err->code = r;
            return r;
        }
        return AILIB_DESERIALIZATION;
    }
    s->err = err;
    s->cur = body;
    s->cur_len = len;
    limit = s->acc.limit;
    s->acc.limit = (size_t)-1;
    r = s->ad->parse(s, ailib_json_doc_root(s->doc));
    s->acc.limit = limit;
    s->err = NULL;
    s->cur = NULL;
    if (r == AILIB_OK && s->acc.oom) r = ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    if (r == AILIB_OK) r = ailib__acc_build(&s->acc, AILIB_ORIGIN(s->prov->protocol), NULL, 1, out, err);
    if (r == AILIB_OK) {
        (*out)->raw_doc = s->doc;      /* the response keeps the raw document */
        s->doc = NULL;
    }
    return r;
}

AILIB_API ailib_result ailib_wire_response_parse(const ailib_endpoint *ep, int http_status, const char *body, size_t len,
                                                 ailib_response **out, ailib_error *err) {
    ailib_stream *s;
    ailib_result r;
    if (!out) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_wire_response_parse: out is NULL");
    *out = NULL;
    if (http_status && (http_status < 200 || http_status > 299)) return ailib_wire_error_parse(ep, http_status, body, len, err);
    s = ailib_stream_create(ep, NULL, err);
    if (!s) return err ? err->code : AILIB_OUT_OF_MEMORY;
    r = ailib__response_parse_in(s, body, len, out, err);
    ailib_stream_destroy(s);
    return r;
}
/* >>schema: JSON Schema validation and the Gemini rewrite ====================================== */

#define AILIB__SV_MAX_DEPTH 1000   /* nested subschema applications, $ref hops included */
#define AILIB__SG_MAX_DEPTH 128    /* nested schemas the Gemini rewrite writes */
#define AILIB__SG_MAX_LAYERS 16    /* allOf members and $ref targets merged into one schema */
#define AILIB__SG_MAX_REFS 64      /* $ref targets inlined on the path from the root */

#define AILIB__SKW(s, lit) ailib_json_getn((s), (lit), sizeof(lit) - 1)

/* --- bounded text for messages ------------------------------------------------------------ */

typedef struct ailib__sb { char *p; size_t cap, len; int cut; } ailib__sb;

static void ailib__sb_init(ailib__sb *b, char *p, size_t cap) { b->p = p; b->cap = cap; b->len = 0; b->cut = 0; p[0] = 0; }

/* Appends what fits, keeping room for a closing "..." once something does not; a cut lands
   on a UTF-8 boundary. */
static void ailib__sb_put(ailib__sb *b, const char *s, size_t n) {
    size_t room;
    if (b->cut) return;
    room = b->cap - 4 - b->len;
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
        b->cut = 1;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    if (b->cut) { memcpy(b->p + b->len, "...", 4); b->len += 3; }
    else b->p[b->len] = 0;
}

static void ailib__sb_str(ailib__sb *b, const char *s) { ailib__sb_put(b, s, strlen(s)); }

static void ailib__sb_u64(ailib__sb *b, size_t v) {
    char t[24];
    ailib__sb_put(b, t, ailib__fmt_i64(t, (int64_t)v));
}

/* s as a JSON string literal; content past max bytes becomes "...". */
static void ailib__sb_quote(ailib__sb *b, const char *s, size_t n, size_t max) {
    static const char hex[] = "0123456789abcdef";
    size_t i, from = 0;
    int more = n > max;
    if (more) { n = max; while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--; }
    ailib__sb_put(b, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char e[6];
        size_t en = 2;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        ailib__sb_put(b, s + from, i - from);
        from = i + 1;
        e[0] = '\\';
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default: e[1] = 'u'; e[2] = '0'; e[3] = '0'; e[4] = hex[c >> 4]; e[5] = hex[c & 15]; en = 6; break;
        }
        ailib__sb_put(b, e, en);
    }
    ailib__sb_put(b, s + from, n - from);
    if (more) ailib__sb_put(b, "...", 3);
    ailib__sb_put(b, "\"", 1);
}

/* A number as JSON writes it (locale-independent). */
static void ailib__sb_num(ailib__sb *b, const ailib_json *v) {
    char t[48];
    size_t n = AILIB__JT(v) == AILIB_JSON_INT ? ailib__fmt_i64(t, v->u.i) : ailib__fmt_double(t, ailib_json_double(v));
    ailib__sb_put(b, t, n);
}

static const char *ailib__sv_tname(const ailib_json *v) {
    switch (ailib_json_type_of(v)) {
    case AILIB_JSON_NULL: return "null";
    case AILIB_JSON_FALSE: case AILIB_JSON_TRUE: return "boolean";
    case AILIB_JSON_INT: return "integer";
    case AILIB_JSON_REAL: return "number";
    case AILIB_JSON_STRING: return "string";
    case AILIB_JSON_ARRAY: return "array";
    default: return "object";
    }
}

/* A value in a message: typed ("string \"x\"", "integer 5", "object") for what was found,
   bare ("\"x\"", "5", "{...}") for what was expected. */
static void ailib__sb_show(ailib__sb *b, const ailib_json *v, int typed) {
    ailib_json_type t = AILIB__JT(v);
    if (typed && t != AILIB_JSON_NULL) { ailib__sb_str(b, ailib__sv_tname(v)); if (t < AILIB_JSON_ARRAY) ailib__sb_put(b, " ", 1); }
    switch (t) {
    case AILIB_JSON_NULL: ailib__sb_str(b, "null"); break;
    case AILIB_JSON_FALSE: ailib__sb_str(b, "false"); break;
    case AILIB_JSON_TRUE: ailib__sb_str(b, "true"); break;
    case AILIB_JSON_INT: case AILIB_JSON_REAL: ailib__sb_num(b, v); break;
    case AILIB_JSON_STRING: ailib__sb_quote(b, v->u.s, AILIB__JLEN(v), 60); break;
    case AILIB_JSON_ARRAY: if (!typed) ailib__sb_str(b, "[...]"); break;
    default: if (!typed) ailib__sb_str(b, "{...}"); break;
    }
}

/* --- numbers ------------------------------------------------------------------------------ */

static int ailib__sv_is_integer(const ailib_json *v) {
    double d;
    if (AILIB__JT(v) == AILIB_JSON_INT) return 1;
    if (AILIB__JT(v) != AILIB_JSON_REAL) return 0;
    d = v->u.d;
    return d - d == 0 && floor(d) == d;
}

/* Compares an int64 with a number exactly (-1, 0, 1), also past 2^53. */
static int ailib__sv_cmp_i(int64_t i, const ailib_json *b) {
    double d, frac;
    int64_t t;
    if (AILIB__JT(b) == AILIB_JSON_INT) return i < b->u.i ? -1 : i > b->u.i;
    d = ailib_json_double(b);
    if (d >= 9223372036854775808.0) return -1;
    if (d < -9223372036854775808.0) return 1;
    t = (int64_t)d;                     /* toward zero, exact: d is in range */
    if (i != t) return i < t ? -1 : 1;
    frac = d - (double)t;
    return frac > 0 ? -1 : frac < 0;
}

static int ailib__sv_numcmp(const ailib_json *a, const ailib_json *b) {
    double x, y;
    if (AILIB__JT(a) == AILIB_JSON_INT) return ailib__sv_cmp_i(a->u.i, b);
    if (AILIB__JT(b) == AILIB_JSON_INT) return -ailib__sv_cmp_i(b->u.i, a);
    x = a->u.d; y = b->u.d;
    return x < y ? -1 : x > y;
}

/* An ASCII name, case-insensitively (OpenAPI and Gemini spell types "STRING"). */
static int ailib__sv_name(const char *s, size_t n, const char *lit) {
    size_t i;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != lit[i] || !lit[i]) return 0;
    }
    return lit[n] == 0;
}

/* --- validator ---------------------------------------------------------------------------- */

/* One step of the value path, on the C stack of the frame that descended into the value:
   the path is only turned into text when a failure is reported. */
typedef struct ailib__svpath {
    const struct ailib__svpath *up;
    const char *key;       /* member name, or NULL for an array index */
    size_t n;              /* key length, or the index */
    size_t depth;          /* 0 for the root value */
} ailib__svpath;

typedef struct ailib__sv {
    const ailib_json *root;    /* $ref "#/..." resolves against the root schema */
    int quiet;                 /* > 0 while anyOf/oneOf/not/if/contains only try: failures are not reported */
    size_t steps;              /* subschemas applied so far: how far a branch got, among equals */
    ailib_result code;         /* of the reported failure */
    char path[512];            /* its JSONPath */
    char what[384];            /* what was expected there, what was found */
    char scratch[384];
    ailib__sb sb;              /* over what */
} ailib__sv;

static int ailib__sv_check(ailib__sv *sv, const ailib_json *s, const ailib_json *v, const ailib__svpath *at, int level);

static int ailib__sv_ident(const char *s, size_t n) {
    size_t i;
    if (!n || (s[0] >= '0' && s[0] <= '9')) return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return 0;
    }
    return 1;
}

/* JSONPath text, root first: "$.items[2].name", "$[\"a b\"]". Walking up from the leaf once
   per step is quadratic in the depth, which only failures pay. */
static void ailib__sv_path_text(ailib__sb *b, const ailib__svpath *leaf) {
    size_t d;
    ailib__sb_put(b, "$", 1);
    for (d = 1; d <= leaf->depth && !b->cut; d++) {
        const ailib__svpath *p = leaf;
        while (p->depth > d) p = p->up;
        if (!p->key) { ailib__sb_put(b, "[", 1); ailib__sb_u64(b, p->n); ailib__sb_put(b, "]", 1); }
        else if (ailib__sv_ident(p->key, p->n)) { ailib__sb_put(b, ".", 1); ailib__sb_put(b, p->key, p->n); }
        else { ailib__sb_put(b, "[", 1); ailib__sb_quote(b, p->key, p->n, (size_t)-1); ailib__sb_put(b, "]", 1); }
    }
}

/* How far into the value a failure got, for anyOf/oneOf to report the branch that got
   furthest: deeper is further; at the same value, a wrong type or literal (type, const,
   enum: likely the wrong branch) ranks below other failures; a missing required member
   counts as one level down, where the member would have been. */
static int ailib__sv_depth(const ailib__svpath *at) { return 2 + 2 * (int)at->depth; }
static int ailib__sv_mismatch(const ailib__svpath *at) { return 1 + 2 * (int)at->depth; }
static int ailib__sv_missing(const ailib__svpath *at) { return 4 + 2 * (int)at->depth; }

/* Starts the report of a failure at `at` and returns the text to append the reason to;
   NULL while a branch is only being tried, unless forced (hard errors). */
static ailib__sb *ailib__sv_say(ailib__sv *sv, const ailib__svpath *at, ailib_result code, int force) {
    ailib__sb p;
    if (sv->quiet && !force) return NULL;
    sv->code = code;
    ailib__sb_init(&p, sv->path, sizeof sv->path);
    ailib__sv_path_text(&p, at);
    ailib__sb_init(&sv->sb, sv->what, sizeof sv->what);
    return &sv->sb;
}

/* The value at `at` fails with a fixed reason (and ", got <value>" when got is set). */
static int ailib__sv_fail(ailib__sv *sv, const ailib__svpath *at, const ailib_json *got, const char *why) {
    ailib__sb *b = ailib__sv_say(sv, at, AILIB_INVALID_ARGUMENT, 0);
    if (b) {
        ailib__sb_str(b, why);
        if (got) { ailib__sb_str(b, ", got "); ailib__sb_show(b, got, 1); }
    }
    return ailib__sv_depth(at);
}

/* "expected <op> <limit>, got <value>", or with a unit (singular, plural) "expected at least
   2 items, got 1". */
static int ailib__sv_fail_num(ailib__sv *sv, const ailib__svpath *at, const char *op, const ailib_json *limit,
                              const char *unit, const char *units, size_t got_n, const ailib_json *got) {
    ailib__sb *b = ailib__sv_say(sv, at, AILIB_INVALID_ARGUMENT, 0);
    if (b) {
        ailib__sb_str(b, "expected ");
        ailib__sb_str(b, op);
        ailib__sb_num(b, limit);
        if (unit) {
            ailib__sb_str(b, AILIB__JT(limit) == AILIB_JSON_INT && limit->u.i == 1 ? unit : units);
            ailib__sb_str(b, ", got ");
            ailib__sb_u64(b, got_n);
        } else if (got) {
            ailib__sb_str(b, ", got ");
            ailib__sb_show(b, got, 1);
        }
    }
    return ailib__sv_depth(at);
}

/* A broken schema or an unsupported feature: reported even inside a tried branch, and the
   whole validation stops (-1). */
static int ailib__sv_abort(ailib__sv *sv, const ailib__svpath *at, ailib_result code, const char *why,
                           const char *s, size_t n) {
    ailib__sb *b = ailib__sv_say(sv, at, code, 1);
    ailib__sb_str(b, why);
    if (s) ailib__sb_quote(b, s, n, 100);
    return -1;
}

/* A non-negative count from a keyword, or -1 when it is absent or not a number. */
static int64_t ailib__sv_count(const ailib_json *k) {
    int64_t c;
    if (!ailib_json_is_number(k)) return -1;
    c = ailib_json_int(k);
    return c < 0 ? 0 : c;
}

static int ailib__sv_hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 1 when key equals the JSON Pointer token t as written in a URI fragment (%XX, ~0, ~1). */
static int ailib__sv_tok_eq(const char *key, size_t kn, const char *t, size_t tn) {
    size_t i = 0, j = 0;
    while (j < tn) {
        char c = t[j++];
        if (c == '%' && j + 2 <= tn && ailib__sv_hex(t[j]) >= 0 && ailib__sv_hex(t[j + 1]) >= 0) {
            c = (char)(ailib__sv_hex(t[j]) * 16 + ailib__sv_hex(t[j + 1]));
            j += 2;
        }
        if (c == '~' && j < tn && (t[j] == '0' || t[j] == '1')) c = t[j++] == '0' ? '~' : '/';
        if (i >= kn || key[i++] != c) return 0;
    }
    return i == kn;
}

/* Resolves "#" or "#/a/b/0" against root; NULL when it does not resolve. */
static const ailib_json *ailib__schema_pointer(const ailib_json *root, const char *ref, size_t n) {
    const ailib_json *cur = root;
    size_t i = 1;
    if (n == 1) return root;
    if (ref[1] != '/') return NULL;
    while (i < n && cur) {
        size_t from = ++i, tn;
        while (i < n && ref[i] != '/') i++;
        tn = i - from;
        if (AILIB__JT(cur) == AILIB_JSON_OBJECT) {
            const ailib_json *k;
            size_t m;
            const ailib_json *found = NULL;
            for (AILIB__MEMBERS(cur, k, m))
                if (ailib__sv_tok_eq(k->u.s, AILIB__JLEN(k), ref + from, tn)) { found = k + 1; break; }
            cur = found;
        } else if (AILIB__JT(cur) == AILIB_JSON_ARRAY) {
            size_t idx = 0, j;
            if (!tn || tn > 18 || (tn > 1 && ref[from] == '0')) return NULL;
            for (j = from; j < i; j++) {
                if (ref[j] < '0' || ref[j] > '9') return NULL;
                idx = idx * 10 + (size_t)(ref[j] - '0');
            }
            cur = ailib_json_at(cur, idx);
        } else {
            return NULL;
        }
    }
    return cur;
}

static int ailib__sv_ref(ailib__sv *sv, const ailib_json *ref, const ailib_json *v, const ailib__svpath *at, int level) {
    size_t n;
    const char *p = ailib_json_str(ref, &n);
    const ailib_json *target;
    if (!p) return 0;
    if (!n || p[0] != '#')
        return ailib__sv_abort(sv, at, AILIB_UNSUPPORTED, "only references into the same schema (\"#/...\") are supported, not $ref ", p, n);
    target = ailib__schema_pointer(sv->root, p, n);
    if (!target) return ailib__sv_abort(sv, at, AILIB_INVALID_ARGUMENT, "invalid schema: nothing at $ref ", p, n);
    return ailib__sv_check(sv, target, v, at, level + 1);
}

static int ailib__sv_type_is(const char *s, size_t n, const ailib_json *v) {
    ailib_json_type t = AILIB__JT(v);
    if (ailib__sv_name(s, n, "string")) return t == AILIB_JSON_STRING;
    if (ailib__sv_name(s, n, "integer")) return ailib__sv_is_integer(v);
    if (ailib__sv_name(s, n, "number")) return t == AILIB_JSON_INT || t == AILIB_JSON_REAL;
    if (ailib__sv_name(s, n, "object")) return t == AILIB_JSON_OBJECT;
    if (ailib__sv_name(s, n, "array")) return t == AILIB_JSON_ARRAY;
    if (ailib__sv_name(s, n, "boolean")) return t == AILIB_JSON_TRUE || t == AILIB_JSON_FALSE;
    if (ailib__sv_name(s, n, "null")) return t == AILIB_JSON_NULL;
    return 0;
}

/* "type": a name or an array of names; anything else is ignored. */
static int ailib__sv_type(ailib__sv *sv, const ailib_json *type, const ailib_json *v, const ailib__svpath *at) {
    const ailib_json *t;
    size_t n, names = 0;
    ailib__sb *b;
    if (AILIB__JT(type) == AILIB_JSON_STRING) {
        if (ailib__sv_type_is(type->u.s, AILIB__JLEN(type), v)) return 0;
        names = 1;
    } else if (AILIB__JT(type) == AILIB_JSON_ARRAY) {
        for (AILIB__ELEMS(type, t, n)) {
            if (AILIB__JT(t) != AILIB_JSON_STRING) continue;
            if (ailib__sv_type_is(t->u.s, AILIB__JLEN(t), v)) return 0;
            names++;
        }
    }
    if (!names) return 0;
    if ((b = ailib__sv_say(sv, at, AILIB_INVALID_ARGUMENT, 0)) != NULL) {
        ailib__sb_str(b, "expected ");
        if (AILIB__JT(type) == AILIB_JSON_STRING) ailib__sb_put(b, type->u.s, AILIB__JLEN(type));
        else {
            size_t i = 0;
            for (AILIB__ELEMS(type, t, n)) {
                if (AILIB__JT(t) != AILIB_JSON_STRING) continue;
                if (i++) ailib__sb_str(b, " or ");
                ailib__sb_put(b, t->u.s, AILIB__JLEN(t));
            }
        }
        ailib__sb_str(b, ", got ");
        ailib__sb_show(b, v, 1);
    }
    return ailib__sv_mismatch(at);
}

static int ailib__sv_enum(ailib__sv *sv, const ailib_json *list, const ailib_json *v, const ailib__svpath *at) {
    const ailib_json *e;
    size_t n, i = 0;
    ailib__sb *b;
    if (AILIB__JT(list) != AILIB_JSON_ARRAY) return 0;
    for (AILIB__ELEMS(list, e, n)) if (ailib_json_equal(e, v)) return 0;
    if ((b = ailib__sv_say(sv, at, AILIB_INVALID_ARGUMENT, 0)) != NULL) {
        ailib__sb_str(b, "expected one of ");
        for (AILIB__ELEMS(list, e, n)) {
            if (i++) ailib__sb_str(b, ", ");
            if (b->len > 200) { ailib__sb_str(b, "..."); break; }
            ailib__sb_show(b, e, 0);
        }
        ailib__sb_str(b, ", got ");
        ailib__sb_show(b, v, 1);
    }
    return ailib__sv_mismatch(at);
}

static int ailib__sv_number(ailib__sv *sv, const ailib_json *s, const ailib_json *v, const ailib__svpath *at) {
    const ailib_json *k;
    /* exclusiveMinimum/Maximum: a number (draft-06 on), or draft-04's boolean on the bound */
    if ((k = AILIB__SKW(s, "minimum")) != NULL && ailib_json_is_number(k)) {
        int excl = ailib_json_bool(AILIB__SKW(s, "exclusiveMinimum"));
        int c = ailib__sv_numcmp(v, k);
        if (c < 0 || (excl && c == 0)) return ailib__sv_fail_num(sv, at, excl ? "> " : ">= ", k, NULL, NULL, 0, v);
    }
    if ((k = AILIB__SKW(s, "maximum")) != NULL && ailib_json_is_number(k)) {
        int excl = ailib_json_bool(AILIB__SKW(s, "exclusiveMaximum"));
        int c = ailib__sv_numcmp(v, k);
        if (c > 0 || (excl && c == 0)) return ailib__sv_fail_num(sv, at, excl ? "< " : "<= ", k, NULL, NULL, 0, v);
    }
    if ((k = AILIB__SKW(s, "exclusiveMinimum")) != NULL && ailib_json_is_number(k) && ailib__sv_numcmp(v, k) <= 0)
        return ailib__sv_fail_num(sv, at, "> ", k, NULL, NULL, 0, v);
    if ((k = AILIB__SKW(s, "exclusiveMaximum")) != NULL && ailib_json_is_number(k) && ailib__sv_numcmp(v, k) >= 0)
        return ailib__sv_fail_num(sv, at, "< ", k, NULL, NULL, 0, v);
    if ((k = AILIB__SKW(s, "multipleOf")) != NULL && ailib_json_is_number(k) && ailib_json_double(k) > 0) {
        int ok;
        if (AILIB__JT(v) == AILIB_JSON_INT && AILIB__JT(k) == AILIB_JSON_INT) ok = v->u.i % k->u.i == 0;
        else {
            /* doubles: 0.3 / 0.1 is 2.9999999999999996, so allow a relative 1e-9 */
            double q = ailib_json_double(v) / ailib_json_double(k), r = floor(q + 0.5);
            ok = q - q == 0 && fabs(q - r) <= 1e-9 * (fabs(q) > 1 ? fabs(q) : 1);
        }
        if (!ok) return ailib__sv_fail_num(sv, at, "a multiple of ", k, NULL, NULL, 0, v);
    }
    return 0;
}

/* minLength/maxLength count code points: the reader guarantees valid UTF-8. pattern is not
   checked: there is no regex engine here. */
static int ailib__sv_string(ailib__sv *sv, const ailib_json *s, const ailib_json *v, const ailib__svpath *at) {
    const ailib_json *lo = AILIB__SKW(s, "minLength"), *hi = AILIB__SKW(s, "maxLength");
    size_t i, n = AILIB__JLEN(v), cps = 0;
    if (!lo && !hi) return 0;
    for (i = 0; i < n; i++) cps += ((unsigned char)v->u.s[i] & 0xC0) != 0x80;
    if (ailib__sv_count(lo) > 0 && (uint64_t)ailib__sv_count(lo) > cps)
        return ailib__sv_fail_num(sv, at, "at least ", lo, " character", " characters", cps, NULL);
    if (ailib__sv_count(hi) >= 0 && (uint64_t)ailib__sv_count(hi) < cps)
        return ailib__sv_fail_num(sv, at, "at most ", hi, " character", " characters", cps, NULL);
    return 0;
}

static int ailib__sv_object(ailib__sv *sv, const ailib_json *s, const ailib_json *v, const ailib__svpath *at, int level) {
    const ailib_json *req = AILIB__SKW(s, "required"), *props = AILIB__SKW(s, "properties");
    const ailib_json *extra = AILIB__SKW(s, "additionalProperties"), *k;
    size_t n, size = AILIB__JLEN(v);
    int r, patterns = AILIB__SKW(s, "patternProperties") != NULL;
    if (ailib__sv_count(k = AILIB__SKW(s, "minProperties")) > 0 && (uint64_t)ailib__sv_count(k) > size)
        return ailib__sv_fail_num(sv, at, "at least ", k, " property", " properties", size, NULL);
    if (ailib__sv_count(k = AILIB__SKW(s, "maxProperties")) >= 0 && (uint64_t)ailib__sv_count(k) < size)
        return ailib__sv_fail_num(sv, at, "at most ", k, " property", " properties", size, NULL);
    if (!ailib_json_is_object(props)) props = NULL;
    /* properties in the schema's order, where a union's tag usually comes first; every
       occurrence of a duplicated member */
    if (props) {
        const ailib_json *pk;
        size_t pn;
        for (AILIB__MEMBERS(props, pk, pn)) {
            for (AILIB__MEMBERS(v, k, n)) {
                ailib__svpath p;
                if (AILIB__JLEN(k) != AILIB__JLEN(pk) || memcmp(k->u.s, pk->u.s, AILIB__JLEN(k)) != 0) continue;
                p.up = at; p.key = k->u.s; p.n = AILIB__JLEN(k); p.depth = at->depth + 1;
                if ((r = ailib__sv_check(sv, pk + 1, k + 1, &p, level + 1)) != 0) return r;
            }
        }
    }
    /* members patternProperties may cover cannot be told apart without regexes */
    if (extra && !patterns) {
        for (AILIB__MEMBERS(v, k, n)) {
            ailib__svpath p;
            if (props && ailib_json_getn(props, k->u.s, AILIB__JLEN(k))) continue;
            p.up = at; p.key = k->u.s; p.n = AILIB__JLEN(k); p.depth = at->depth + 1;
            if (AILIB__JT(extra) == AILIB_JSON_FALSE) return ailib__sv_fail(sv, &p, NULL, "additional property not allowed");
            if ((r = ailib__sv_check(sv, extra, k + 1, &p, level + 1)) != 0) return r;
        }
    }
    /* after the members: in a tagged union the wrong branch then fails on its tag, further
       in than the right branch's missing member */
    if (ailib_json_is_array(req)) {
        for (AILIB__ELEMS(req, k, n)) {
            ailib__sb *b;
            if (AILIB__JT(k) != AILIB_JSON_STRING || ailib_json_getn(v, k->u.s, AILIB__JLEN(k))) continue;
            if ((b = ailib__sv_say(sv, at, AILIB_INVALID_ARGUMENT, 0)) != NULL) {
                ailib__sb_str(b, "missing required property ");
                ailib__sb_quote(b, k->u.s, AILIB__JLEN(k), 100);
            }
            return ailib__sv_missing(at);
        }
    }
    return 0;
}

static int ailib__sv_array(ailib__sv *sv, const ailib_json *s, const ailib_json *v, const ailib__svpath *at, int level) {
    const ailib_json *items = AILIB__SKW(s, "items"), *prefix = AILIB__SKW(s, "prefixItems"), *rest, *e, *k, *pe = NULL;
    size_t n, np = 0, count = AILIB__JLEN(v);
    ailib__svpath p;
    int r;
    if (ailib__sv_count(k = AILIB__SKW(s, "minItems")) > 0 && (uint64_t)ailib__sv_count(k) > count)
        return ailib__sv_fail_num(sv, at, "at least ", k, " item", " items", count, NULL);
    if (ailib__sv_count(k = AILIB__SKW(s, "maxItems")) >= 0 && (uint64_t)ailib__sv_count(k) < count)
        return ailib__sv_fail_num(sv, at, "at most ", k, " item", " items", count, NULL);
    /* draft-04..07 tuples: "items": [...] with "additionalItems" for the rest */
    if (ailib_json_is_array(items)) { prefix = items; rest = AILIB__SKW(s, "additionalItems"); }
    else rest = items;
    if (ailib_json_is_array(prefix)) { np = AILIB__JLEN(prefix); pe = prefix + 1; }
    p.up = at; p.key = NULL; p.depth = at->depth + 1;
    for (AILIB__ELEMS(v, e, n)) {
        const ailib_json *es;
        p.n = count - n;
        if (p.n < np) { es = pe; pe = ailib__json_skip(pe); }
        else if (!rest) break;
        else if (AILIB__JT(es = rest) == AILIB_JSON_FALSE) return ailib__sv_fail(sv, &p, NULL, "additional item not allowed");
        if ((r = ailib__sv_check(sv, es, e, &p, level + 1)) != 0) return r;
    }
    if (ailib_json_bool(AILIB__SKW(s, "uniqueItems"))) {
        const ailib_json *a, *b;
        size_t i, j;
        for (i = 0, a = v + 1; i < count; i++, a = ailib__json_skip(a))
            for (j = i + 1, b = ailib__json_skip(a); j < count; j++, b = ailib__json_skip(b))
                if (ailib_json_equal(a, b)) {
                    ailib__sb *t = ailib__sv_say(sv, at, AILIB_INVALID_ARGUMENT, 0);
                    if (t) {
                        ailib__sb_str(t, "expected unique items, got items ");
                        ailib__sb_u64(t, i);
                        ailib__sb_str(t, " and ");
                        ailib__sb_u64(t, j);
                        ailib__sb_str(t, " equal");
                    }
                    return ailib__sv_depth(at);
                }
    }
    if ((k = AILIB__SKW(s, "contains")) != NULL) {
        int found = 0;
        sv->quiet++;
        for (AILIB__ELEMS(v, e, n)) {
            p.n = count - n;
            if ((r = ailib__sv_check(sv, k, e, &p, level + 1)) < 0) { sv->quiet--; return r; }
            if (r == 0) { found = 1; break; }
        }
        sv->quiet--;
        if (!found) return ailib__sv_fail(sv, at, NULL, "expected an item matching \"contains\"");
    }
    return 0;
}

/* anyOf (one = 0) and oneOf (one = 1). The branches are tried quietly; when none matches,
   the one whose failure got furthest into the value is run again to report it. */
static int ailib__sv_some(ailib__sv *sv, const ailib_json *list, const ailib_json *v, const ailib__svpath *at,
                          int level, int one) {
    const ailib_json *b, *best_b = NULL;
    size_t n, i = 0, best_i = 0, hit[2] = {0, 0}, hits = 0, from, best_steps = 0;
    int r, best = 0;
    if (!ailib_json_is_array(list) || !AILIB__JLEN(list)) return 0;
    sv->quiet++;
    for (AILIB__ELEMS(list, b, n)) {
        from = sv->steps;
        r = ailib__sv_check(sv, b, v, at, level + 1);
        if (r < 0) { sv->quiet--; return r; }
        if (r == 0) {
            if (!one) { sv->quiet--; return 0; }
            hit[hits++] = i;
            if (hits == 2) break;
        } else if (r > best || (r == best && sv->steps - from > best_steps)) {
            best = r; best_b = b; best_i = i; best_steps = sv->steps - from;
        }
        i++;
    }
    sv->quiet--;
    if (hits == 1) return 0;
    if (hits == 2) {
        ailib__sb *t = ailib__sv_say(sv, at, AILIB_INVALID_ARGUMENT, 0);
        if (t) {
            ailib__sb_str(t, "expected exactly one oneOf schema to match, got ");
            ailib__sb_u64(t, hit[0]);
            ailib__sb_str(t, " and ");
            ailib__sb_u64(t, hit[1]);
        }
        return ailib__sv_depth(at);
    }
    if (sv->quiet) return best;
    r = ailib__sv_check(sv, best_b, v, at, level + 1);
    if (r <= ailib__sv_depth(at)) {
        /* no branch got past this value: say that none matched, and why the first did not */
        memcpy(sv->scratch, sv->what, sizeof sv->scratch);
        ailib__sb_init(&sv->sb, sv->what, sizeof sv->what);
        ailib__sb_str(&sv->sb, one ? "matches no oneOf schema (" : "matches no anyOf schema (");
        ailib__sb_u64(&sv->sb, best_i);
        ailib__sb_str(&sv->sb, ": ");
        ailib__sb_str(&sv->sb, sv->scratch);
        ailib__sb_str(&sv->sb, ")");
    }
    return r;
}

/* allOf, anyOf, oneOf, not, if/then/else */
static int ailib__sv_logic(ailib__sv *sv, const ailib_json *s, const ailib_json *v, const ailib__svpath *at, int level) {
    const ailib_json *k, *e;
    size_t n;
    int r;
    if ((k = AILIB__SKW(s, "allOf")) != NULL && ailib_json_is_array(k))
        for (AILIB__ELEMS(k, e, n)) if ((r = ailib__sv_check(sv, e, v, at, level + 1)) != 0) return r;
    if ((k = AILIB__SKW(s, "anyOf")) != NULL && (r = ailib__sv_some(sv, k, v, at, level, 0)) != 0) return r;
    if ((k = AILIB__SKW(s, "oneOf")) != NULL && (r = ailib__sv_some(sv, k, v, at, level, 1)) != 0) return r;
    if ((k = AILIB__SKW(s, "not")) != NULL) {
        sv->quiet++;
        r = ailib__sv_check(sv, k, v, at, level + 1);
        sv->quiet--;
        if (r < 0) return r;
        if (r == 0) return ailib__sv_fail(sv, at, v, "expected a value the \"not\" schema rejects");
    }
    if ((k = AILIB__SKW(s, "if")) != NULL) {
        sv->quiet++;
        r = ailib__sv_check(sv, k, v, at, level + 1);
        sv->quiet--;
        if (r < 0) return r;
        if ((e = r == 0 ? AILIB__SKW(s, "then") : AILIB__SKW(s, "else")) != NULL) return ailib__sv_check(sv, e, v, at, level + 1);
    }
    return 0;
}

/* 0 when v satisfies s; > 0 when not (how far it got, see ailib__sv_depth); -1 on a hard error.
   Recursion is bounded by level (nested subschemas, $ref hops included). */
static int ailib__sv_check(ailib__sv *sv, const ailib_json *s, const ailib_json *v, const ailib__svpath *at, int level) {
    const ailib_json *k;
    int r;
    sv->steps++;
    if (level > AILIB__SV_MAX_DEPTH)
        return ailib__sv_abort(sv, at, AILIB_JSON_DEPTH, "schema nested deeper than 1000 levels (a $ref cycle?)", NULL, 0);
    switch (AILIB__JT(s)) {
    case AILIB_JSON_TRUE: return 0;
    case AILIB_JSON_FALSE: ailib__sv_fail(sv, at, NULL, "no value allowed here (the schema is false)"); return ailib__sv_mismatch(at);
    case AILIB_JSON_OBJECT: break;
    default:
        ailib__sv_abort(sv, at, AILIB_INVALID_ARGUMENT, "invalid schema: expected an object or a boolean as a schema, got ", NULL, 0);
        ailib__sb_str(&sv->sb, ailib__sv_tname(s));
        return -1;
    }
    /* OpenAPI: nullable widens the schema to null, whatever the other keywords say */
    if (AILIB__JT(v) == AILIB_JSON_NULL && ailib_json_bool(AILIB__SKW(s, "nullable"))) return 0;
    if ((k = AILIB__SKW(s, "$ref")) != NULL && (r = ailib__sv_ref(sv, k, v, at, level)) != 0) return r;
    if ((k = AILIB__SKW(s, "type")) != NULL && (r = ailib__sv_type(sv, k, v, at)) != 0) return r;
    if ((k = AILIB__SKW(s, "const")) != NULL && !ailib_json_equal(k, v)) {
        ailib__sb *b = ailib__sv_say(sv, at, AILIB_INVALID_ARGUMENT, 0);
        if (b) { ailib__sb_str(b, "expected "); ailib__sb_show(b, k, 0); ailib__sb_str(b, " (const), got "); ailib__sb_show(b, v, 1); }
        return ailib__sv_mismatch(at);
    }
    if ((k = AILIB__SKW(s, "enum")) != NULL && (r = ailib__sv_enum(sv, k, v, at)) != 0) return r;
    switch (AILIB__JT(v)) {
    case AILIB_JSON_INT: case AILIB_JSON_REAL: r = ailib__sv_number(sv, s, v, at); break;
    case AILIB_JSON_STRING: r = ailib__sv_string(sv, s, v, at); break;
    case AILIB_JSON_OBJECT: r = ailib__sv_object(sv, s, v, at, level); break;
    case AILIB_JSON_ARRAY: r = ailib__sv_array(sv, s, v, at, level); break;
    default: r = 0; break;
    }
    return r ? r : ailib__sv_logic(sv, s, v, at, level);
}

AILIB_API ailib_result ailib_schema_validate(const ailib_json *schema, const ailib_json *value, ailib_error *err) {
    ailib__sv sv;
    ailib__svpath root;
    char msg[sizeof sv.path + sizeof sv.what + 2];
    size_t pn, wn;
    if (!schema || !value) {
        if (err) err->json_path[0] = 0;
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_schema_validate: %s is NULL", schema ? "value" : "schema");
    }
    sv.root = schema;
    sv.quiet = 0;
    sv.steps = 0;
    sv.code = AILIB_OK;
    root.up = NULL; root.key = NULL; root.n = 0; root.depth = 0;
    if (ailib__sv_check(&sv, schema, value, &root, 0) == 0) return AILIB_OK;
    if (!err) return sv.code;
    pn = strlen(sv.path);
    wn = strlen(sv.what);
    ailib__copy_trunc(err->json_path, sizeof err->json_path, sv.path, pn);
    /* a very long path is shortened in the message so that the reason stays in it */
    ailib__copy_trunc(msg, sizeof err->message - 2 - wn, sv.path, pn);
    pn = strlen(msg);
    memcpy(msg + pn, ": ", 2);
    memcpy(msg + pn + 2, sv.what, wn + 1);
    err->code = sv.code;
    ailib__copy_trunc(err->message, sizeof err->message, msg, pn + 2 + wn);
    return sv.code;
}

/* --- the Gemini rewrite -------------------------------------------------------------------
   Gemini takes an OpenAPI 3.0 subset: no $ref, allOf, additionalProperties, const, type
   arrays or null type; enum only on strings; objects need properties. Each schema is
   rewritten from its "layers": itself, its allOf members and $ref targets (and an anyOf's
   only non-null branch), merged first-wins, with properties and required united. Choices:
   - A schema that allows any value (true, {}, {"description": ...}) becomes
     {"type":"string"}: Gemini needs a type and rejects objects without properties; a string
     is among what the original accepts, so answers still validate against it.
   - enum and const survive on strings only (as strings); a single number (const, one-value
     enum) becomes minimum = maximum; other enums are dropped, since answering "1" for 1
     would break the original schema.
   - exclusiveMinimum/Maximum become minimum/maximum +- 1 on integers, and are dropped on
     numbers. Tuples (prefixItems) become items anyOf their schemas; false properties and
     branches are dropped. oneOf is written as anyOf; "type": [a, b] becomes anyOf one
     branch per type; an anyOf beside a type of the schema's own is dropped (the type wins).
   - Objects without properties stay {"type":"object"}: Gemini's responseSchema rejects
     them, and no rewrite keeps their meaning; restructure such a schema.
   - Dropped: additionalProperties, patternProperties, $schema, $id, $defs, definitions,
     default, examples, pattern, minLength/maxLength, min/maxProperties, multipleOf,
     uniqueItems, contains, not, if/then/else, formats other than date-time/enum (strings),
     int32/int64 (integers), float/double (numbers), and unknown keywords. title, description
     and nullable are kept. */

typedef struct ailib__sg {
    ailib_json_writer *w;
    const ailib_json *root;
    ailib_result code;                           /* AILIB_OK until something cannot be rewritten */
    char msg[256];
    const ailib_json *refs[AILIB__SG_MAX_REFS];  /* $ref targets inlined on the path from the root */
    size_t nrefs;
} ailib__sg;

typedef struct ailib__sgl {
    const ailib_json *s[AILIB__SG_MAX_LAYERS];
    size_t n;
} ailib__sgl;

enum { AILIB__SG_STRING = 1, AILIB__SG_INTEGER = 2, AILIB__SG_NUMBER = 4, AILIB__SG_BOOLEAN = 8,
       AILIB__SG_ARRAY = 16, AILIB__SG_OBJECT = 32, AILIB__SG_NULL = 64 };

static void ailib__sg_emit(ailib__sg *g, const ailib_json *s, int depth);

static void ailib__sg_fail(ailib__sg *g, ailib_result code, const char *why, const char *s, size_t n) {
    ailib__sb b;
    if (g->code != AILIB_OK) return;
    g->code = code;
    ailib__sb_init(&b, g->msg, sizeof g->msg);
    ailib__sb_str(&b, why);
    if (s) ailib__sb_quote(&b, s, n, 100);
}

/* The first layer's value of a keyword. */
static const ailib_json *ailib__sg_kw(const ailib__sgl *L, const char *k, size_t kn) {
    size_t i;
    const ailib_json *v;
    for (i = 0; i < L->n; i++) if ((v = ailib_json_getn(L->s[i], k, kn)) != NULL) return v;
    return NULL;
}
#define AILIB__SGKW(L, lit) ailib__sg_kw((L), (lit), sizeof(lit) - 1)

/* Adds s, its allOf members and its $ref target to the layers. Recursion is bounded by the
   layer count: every call that recurses has added a layer. */
static void ailib__sg_add(ailib__sg *g, ailib__sgl *L, const ailib_json *s) {
    const ailib_json *k, *e;
    size_t n, i;
    if (g->code != AILIB_OK || AILIB__JT(s) == AILIB_JSON_TRUE || AILIB__JT(s) == AILIB_JSON_FALSE) return;
    if (AILIB__JT(s) != AILIB_JSON_OBJECT) {
        ailib__sg_fail(g, AILIB_INVALID_ARGUMENT, "invalid schema: expected an object or a boolean as a schema, got ", NULL, 0);
        ailib__copy_trunc(g->msg + strlen(g->msg), sizeof g->msg - strlen(g->msg), ailib__sv_tname(s), strlen(ailib__sv_tname(s)));
        return;
    }
    for (i = 0; i < L->n; i++) if (L->s[i] == s) return;   /* merged already */
    if (L->n == AILIB__SG_MAX_LAYERS) { ailib__sg_fail(g, AILIB_UNSUPPORTED, "more than 16 allOf/$ref schemas merged into one", NULL, 0); return; }
    L->s[L->n++] = s;
    if ((k = AILIB__SKW(s, "allOf")) != NULL && ailib_json_is_array(k))
        for (AILIB__ELEMS(k, e, n)) ailib__sg_add(g, L, e);
    if ((k = AILIB__SKW(s, "$ref")) != NULL && AILIB__JT(k) == AILIB_JSON_STRING) {
        const ailib_json *t;
        if (!AILIB__JLEN(k) || k->u.s[0] != '#') {
            ailib__sg_fail(g, AILIB_UNSUPPORTED, "only references into the same schema (\"#/...\") can be inlined, not $ref ", k->u.s, AILIB__JLEN(k));
            return;
        }
        if ((t = ailib__schema_pointer(g->root, k->u.s, AILIB__JLEN(k))) == NULL) {
            ailib__sg_fail(g, AILIB_INVALID_ARGUMENT, "invalid schema: nothing at $ref ", k->u.s, AILIB__JLEN(k));
            return;
        }
        for (i = 0; i < L->n; i++) if (L->s[i] == t) return;
        for (i = 0; i < g->nrefs; i++)
            if (g->refs[i] == t) {
                ailib__sg_fail(g, AILIB_UNSUPPORTED, "the schema is recursive and Gemini cannot express recursion: $ref ", k->u.s, AILIB__JLEN(k));
                return;
            }
        if (g->nrefs == AILIB__SG_MAX_REFS) { ailib__sg_fail(g, AILIB_UNSUPPORTED, "more than 64 nested $ref", NULL, 0); return; }
        g->refs[g->nrefs++] = t;
        ailib__sg_add(g, L, t);
    }
}

static unsigned ailib__sg_type_bit(const ailib_json *t) {
    static const char *const names[] = { "string", "integer", "number", "boolean", "array", "object", "null" };
    unsigned i;
    if (AILIB__JT(t) != AILIB_JSON_STRING) return 0;
    for (i = 0; i < 7; i++) if (ailib__sv_name(t->u.s, AILIB__JLEN(t), names[i])) return 1u << i;
    return 0;
}

static const char *ailib__sg_type_name(unsigned bit) {
    switch (bit) {
    case AILIB__SG_STRING: return "string";
    case AILIB__SG_INTEGER: return "integer";
    case AILIB__SG_NUMBER: return "number";
    case AILIB__SG_BOOLEAN: return "boolean";
    case AILIB__SG_ARRAY: return "array";
    default: return "object";
    }
}

/* The kinds of values a list (enum) or a single value (const) holds. */
static unsigned ailib__sg_value_bits(const ailib_json *v, int list) {
    const ailib_json *e;
    size_t n;
    unsigned bits = 0;
    if (!list) {
        switch (AILIB__JT(v)) {
        case AILIB_JSON_NULL: return AILIB__SG_NULL;
        case AILIB_JSON_FALSE: case AILIB_JSON_TRUE: return AILIB__SG_BOOLEAN;
        case AILIB_JSON_INT: return AILIB__SG_INTEGER;
        case AILIB_JSON_REAL: return ailib__sv_is_integer(v) ? AILIB__SG_INTEGER : AILIB__SG_NUMBER;
        case AILIB_JSON_STRING: return AILIB__SG_STRING;
        case AILIB_JSON_ARRAY: return AILIB__SG_ARRAY;
        default: return AILIB__SG_OBJECT;
        }
    }
    if (ailib_json_is_array(v)) for (AILIB__ELEMS(v, e, n)) bits |= ailib__sg_value_bits(e, 0);
    return bits;
}

/* The types of a schema: its "type", else what its keywords imply. 0: any value. */
static unsigned ailib__sg_types(const ailib__sgl *L) {
    const ailib_json *t = AILIB__SGKW(L, "type"), *e;
    size_t n;
    unsigned bits = 0, nul;
    if (t) {
        if (AILIB__JT(t) == AILIB_JSON_ARRAY) { for (AILIB__ELEMS(t, e, n)) bits |= ailib__sg_type_bit(e); }
        else bits = ailib__sg_type_bit(t);
        if (bits) return bits;
    }
    if (AILIB__SGKW(L, "properties") || AILIB__SGKW(L, "required") || AILIB__SGKW(L, "additionalProperties") ||
        AILIB__SGKW(L, "patternProperties") || AILIB__SGKW(L, "minProperties") || AILIB__SGKW(L, "maxProperties"))
        return AILIB__SG_OBJECT;
    if (AILIB__SGKW(L, "items") || AILIB__SGKW(L, "prefixItems") || AILIB__SGKW(L, "minItems") || AILIB__SGKW(L, "maxItems"))
        return AILIB__SG_ARRAY;
    if (AILIB__SGKW(L, "minLength") || AILIB__SGKW(L, "maxLength") || AILIB__SGKW(L, "pattern")) return AILIB__SG_STRING;
    if (AILIB__SGKW(L, "minimum") || AILIB__SGKW(L, "maximum") || AILIB__SGKW(L, "exclusiveMinimum") ||
        AILIB__SGKW(L, "exclusiveMaximum") || AILIB__SGKW(L, "multipleOf"))
        return AILIB__SG_NUMBER;
    if ((t = AILIB__SGKW(L, "const")) != NULL) bits = ailib__sg_value_bits(t, 0);
    else if ((t = AILIB__SGKW(L, "enum")) != NULL) bits = ailib__sg_value_bits(t, 1);
    nul = bits & AILIB__SG_NULL;
    if (bits & AILIB__SG_STRING) return AILIB__SG_STRING | nul;   /* the strings become the enum */
    if (bits & AILIB__SG_NUMBER) return AILIB__SG_NUMBER | nul;
    if (bits & AILIB__SG_INTEGER) return AILIB__SG_INTEGER | nul;
    if (bits & AILIB__SG_BOOLEAN) return AILIB__SG_BOOLEAN | nul;
    return bits;
}

/* {"type":"null"} (or ["null"]) as an anyOf branch: it becomes nullable. */
static int ailib__sg_null_only(const ailib_json *b) {
    const ailib_json *t = ailib_json_is_object(b) ? AILIB__SKW(b, "type") : NULL, *e;
    size_t n;
    unsigned bits = 0;
    if (!t) return 0;
    if (AILIB__JT(t) == AILIB_JSON_ARRAY) { for (AILIB__ELEMS(t, e, n)) bits |= ailib__sg_type_bit(e); }
    else bits = ailib__sg_type_bit(t);
    return bits == AILIB__SG_NULL;
}

/* The first layer's schema for property name, or NULL. */
static const ailib_json *ailib__sg_prop(const ailib__sgl *L, const char *name, size_t n) {
    size_t i;
    for (i = 0; i < L->n; i++) {
        const ailib_json *p = AILIB__SKW(L->s[i], "properties"), *v;
        if (ailib_json_is_object(p) && (v = ailib_json_getn(p, name, n)) != NULL) return v;
    }
    return NULL;
}

/* The properties of all layers in order, each name once with its first schema, false ones
   left out. *li = 0 and *k = NULL start the walk. */
static const ailib_json *ailib__sg_prop_next(const ailib__sgl *L, size_t *li, const ailib_json **k) {
    while (*li < L->n) {
        const ailib_json *props = AILIB__SKW(L->s[*li], "properties");
        if (ailib_json_is_object(props)) {
            *k = *k ? ailib__json_skip(*k + 1) : props + 1;
            if (*k < ailib__json_skip(props)) {
                if (ailib__sg_prop(L, (*k)->u.s, AILIB__JLEN(*k)) == *k + 1 && AILIB__JT(*k + 1) != AILIB_JSON_FALSE) return *k;
                continue;
            }
        }
        (*li)++;
        *k = NULL;
    }
    return NULL;
}

static void ailib__sg_object(ailib__sg *g, const ailib__sgl *L, int depth) {
    ailib_json_writer *w = g->w;
    const ailib_json *k = NULL, *e, *e2;
    size_t li = 0, i, n, n2;
    int open = 0;
    while ((k = ailib__sg_prop_next(L, &li, &k)) != NULL && g->code == AILIB_OK) {
        if (!open) { ailib_json_write_key(w, "properties"); ailib_json_write_object_begin(w); open = 1; }
        ailib_json_write_keyn(w, k->u.s, AILIB__JLEN(k));
        ailib__sg_emit(g, k + 1, depth + 1);
    }
    if (!open) return;
    ailib_json_write_object_end(w);
    /* required: the union over the layers, once each, only names that are properties
       (Gemini rejects the others) */
    open = 0;
    for (i = 0; i < L->n; i++) {
        const ailib_json *req = AILIB__SKW(L->s[i], "required"), *p;
        if (!ailib_json_is_array(req)) continue;
        for (AILIB__ELEMS(req, e, n)) {
            size_t j;
            int seen = 0;
            if (AILIB__JT(e) != AILIB_JSON_STRING) continue;
            p = ailib__sg_prop(L, e->u.s, AILIB__JLEN(e));
            if (!p || AILIB__JT(p) == AILIB_JSON_FALSE) continue;
            for (j = 0; j <= i && !seen; j++) {
                const ailib_json *r2 = AILIB__SKW(L->s[j], "required");
                if (!ailib_json_is_array(r2)) continue;
                for (AILIB__ELEMS(r2, e2, n2)) {
                    if (e2 == e) break;
                    if (ailib_json_equal(e2, e)) { seen = 1; break; }
                }
            }
            if (seen) continue;
            if (!open) { ailib_json_write_key(w, "required"); ailib_json_write_array_begin(w); open = 1; }
            ailib_json_write_stringn(w, e->u.s, AILIB__JLEN(e));
        }
    }
    if (open) ailib_json_write_array_end(w);
    ailib_json_write_key(w, "propertyOrdering");
    ailib_json_write_array_begin(w);
    for (li = 0, k = NULL; (k = ailib__sg_prop_next(L, &li, &k)) != NULL;) ailib_json_write_stringn(w, k->u.s, AILIB__JLEN(k));
    ailib_json_write_array_end(w);
}

/* Gemini has no tuples: prefixItems (or draft-04 "items": [...]) and the schema for the
   rest become one items schema, anyOf them when there are several. */
static void ailib__sg_array(ailib__sg *g, const ailib__sgl *L, int depth) {
    ailib_json_writer *w = g->w;
    const ailib_json *items = AILIB__SGKW(L, "items"), *prefix = AILIB__SGKW(L, "prefixItems"), *rest, *e, *k;
    size_t n, count = 0, np = 0;
    int closed;
    if (ailib_json_is_array(items)) { prefix = items; rest = AILIB__SGKW(L, "additionalItems"); }
    else rest = items;
    if (!ailib_json_is_array(prefix)) prefix = NULL;
    closed = rest && AILIB__JT(rest) == AILIB_JSON_FALSE;      /* nothing past the tuple */
    if (rest && AILIB__JT(rest) != AILIB_JSON_OBJECT) rest = NULL;
    if (prefix) for (AILIB__ELEMS(prefix, e, n)) { np++; count += AILIB__JT(e) != AILIB_JSON_FALSE; }
    count += rest != NULL;
    if ((k = AILIB__SGKW(L, "minItems")) != NULL && AILIB__JT(k) == AILIB_JSON_INT) { ailib_json_write_key(w, "minItems"); ailib_json_write_value(w, k); }
    k = AILIB__SGKW(L, "maxItems");
    if (k && AILIB__JT(k) != AILIB_JSON_INT) k = NULL;
    if (closed && (!k || k->u.i > (int64_t)np)) { ailib_json_write_key(w, "maxItems"); ailib_json_write_int(w, (int64_t)np); }
    else if (k) { ailib_json_write_key(w, "maxItems"); ailib_json_write_value(w, k); }
    ailib_json_write_key(w, "items");
    if (count == 0) {                      /* any item */
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "type");
        ailib_json_write_string(w, "string");
        ailib_json_write_object_end(w);
        return;
    }
    if (count > 1) { ailib_json_write_object_begin(w); ailib_json_write_key(w, "anyOf"); ailib_json_write_array_begin(w); }
    if (prefix) for (AILIB__ELEMS(prefix, e, n)) if (AILIB__JT(e) != AILIB_JSON_FALSE) ailib__sg_emit(g, e, depth + 1);
    if (rest) ailib__sg_emit(g, rest, depth + 1);
    if (count > 1) { ailib_json_write_array_end(w); ailib_json_write_object_end(w); }
}

/* minimum (upper = 0) or maximum as Gemini can carry it: inclusive; integers turn
   exclusive bounds into inclusive ones, numbers drop them. */
static void ailib__sg_bound(ailib__sg *g, const ailib__sgl *L, int integer, int upper) {
    const ailib_json *incl = upper ? AILIB__SGKW(L, "maximum") : AILIB__SGKW(L, "minimum");
    const ailib_json *x = upper ? AILIB__SGKW(L, "exclusiveMaximum") : AILIB__SGKW(L, "exclusiveMinimum");
    const char *key = upper ? "maximum" : "minimum";
    int64_t xi = 0;
    int have_x = 0;
    if (incl && !ailib_json_is_number(incl)) incl = NULL;
    if (x && AILIB__JT(x) == AILIB_JSON_TRUE) { x = incl; incl = NULL; }   /* draft-04: the bound is exclusive */
    else if (x && !ailib_json_is_number(x)) x = NULL;
    if (x && integer) {
        if (AILIB__JT(x) == AILIB_JSON_INT) {
            if (upper ? x->u.i > INT64_MIN : x->u.i < INT64_MAX) { xi = upper ? x->u.i - 1 : x->u.i + 1; have_x = 1; }
        } else {
            double f = upper ? ceil(x->u.d) - 1 : floor(x->u.d) + 1;
            if (f > -9.2e18 && f < 9.2e18) { xi = (int64_t)f; have_x = 1; }
        }
    }
    if (have_x && (!incl || (upper ? ailib__sv_cmp_i(xi, incl) < 0 : ailib__sv_cmp_i(xi, incl) > 0))) {
        ailib_json_write_key(g->w, key);
        ailib_json_write_int(g->w, xi);
    } else if (incl) {
        ailib_json_write_key(g->w, key);
        ailib_json_write_value(g->w, incl);
    }
}

static int ailib__sg_format_ok(const ailib_json *f, unsigned bit) {
    size_t n;
    const char *s = ailib_json_str(f, &n);
    if (!s) return 0;
    if (bit == AILIB__SG_STRING) return ailib__sv_name(s, n, "date-time") || ailib__sv_name(s, n, "enum");
    if (bit == AILIB__SG_INTEGER) return ailib__sv_name(s, n, "int32") || ailib__sv_name(s, n, "int64");
    if (bit == AILIB__SG_NUMBER) return ailib__sv_name(s, n, "float") || ailib__sv_name(s, n, "double");
    return 0;
}

/* The keywords that belong to one type. */
static void ailib__sg_typed(ailib__sg *g, const ailib__sgl *L, unsigned bit, int depth) {
    ailib_json_writer *w = g->w;
    const ailib_json *c = AILIB__SGKW(L, "const"), *en = c ? NULL : AILIB__SGKW(L, "enum"), *f = AILIB__SGKW(L, "format"), *e;
    size_t n, strings = 0;
    if (f && ailib__sg_format_ok(f, bit) && !(ailib__jstr_eq(f, "enum") && !(c || en))) {
        ailib_json_write_key(w, "format");
        ailib_json_write_value(w, f);
    }
    switch (bit) {
    case AILIB__SG_STRING:
        if (c && AILIB__JT(c) == AILIB_JSON_STRING) {
            ailib_json_write_key(w, "enum");
            ailib_json_write_array_begin(w);
            ailib_json_write_value(w, c);
            ailib_json_write_array_end(w);
        } else if (ailib_json_is_array(en)) {
            for (AILIB__ELEMS(en, e, n)) strings += AILIB__JT(e) == AILIB_JSON_STRING;
            if (!strings) break;
            ailib_json_write_key(w, "enum");
            ailib_json_write_array_begin(w);
            for (AILIB__ELEMS(en, e, n)) if (AILIB__JT(e) == AILIB_JSON_STRING) ailib_json_write_value(w, e);
            ailib_json_write_array_end(w);
        }
        break;
    case AILIB__SG_INTEGER: case AILIB__SG_NUMBER:
        if (!c && ailib_json_is_array(en) && AILIB__JLEN(en) == 1) c = en + 1;
        if (c && ailib_json_is_number(c)) {
            ailib_json_write_key(w, "minimum"); ailib_json_write_value(w, c);
            ailib_json_write_key(w, "maximum"); ailib_json_write_value(w, c);
            break;
        }
        ailib__sg_bound(g, L, bit == AILIB__SG_INTEGER, 0);
        ailib__sg_bound(g, L, bit == AILIB__SG_INTEGER, 1);
        break;
    case AILIB__SG_ARRAY: ailib__sg_array(g, L, depth); break;
    case AILIB__SG_OBJECT: ailib__sg_object(g, L, depth); break;
    default: break;
    }
}

static void ailib__sg_node(ailib__sg *g, ailib__sgl *L, int depth) {
    ailib_json_writer *w = g->w;
    const ailib_json *any, *b, *only = NULL, *k;
    size_t n, branches = 0;
    unsigned types, bit, count = 0;
    int nullable = 0;
    if ((any = AILIB__SGKW(L, "anyOf")) == NULL || !ailib_json_is_array(any)) any = AILIB__SGKW(L, "oneOf");
    if (!ailib_json_is_array(any)) any = NULL;
    if (any) {
        for (AILIB__ELEMS(any, b, n)) {
            if (ailib__sg_null_only(b)) nullable = 1;
            else if (AILIB__JT(b) != AILIB_JSON_FALSE) { branches++; only = b; }
        }
        if (branches == 0) any = NULL;
        else if (branches == 1 && !AILIB__SGKW(L, "type")) {
            /* Optional[X] spelled anyOf [X, null]: X itself, nullable */
            ailib__sg_add(g, L, only);
            any = NULL;
        }
    }
    if (g->code != AILIB_OK) return;
    types = ailib__sg_types(L);
    if (types & AILIB__SG_NULL) nullable = 1;
    if (ailib_json_bool(AILIB__SGKW(L, "nullable"))) nullable = 1;
    types &= ~(unsigned)AILIB__SG_NULL;
    if (types & AILIB__SG_NUMBER) types &= ~(unsigned)AILIB__SG_INTEGER;
    if (types) any = NULL;                          /* own types win over an anyOf (which is lost) */
    else if (!any) types = AILIB__SG_STRING;        /* any value: see above */
    for (bit = 1; bit < AILIB__SG_NULL; bit <<= 1) count += (types & bit) != 0;
    ailib_json_write_object_begin(w);
    if (count == 1) { ailib_json_write_key(w, "type"); ailib_json_write_string(w, ailib__sg_type_name(types)); }
    if ((k = AILIB__SGKW(L, "title")) != NULL && AILIB__JT(k) == AILIB_JSON_STRING) { ailib_json_write_key(w, "title"); ailib_json_write_value(w, k); }
    if ((k = AILIB__SGKW(L, "description")) != NULL && AILIB__JT(k) == AILIB_JSON_STRING) { ailib_json_write_key(w, "description"); ailib_json_write_value(w, k); }
    if (nullable) { ailib_json_write_key(w, "nullable"); ailib_json_write_bool(w, 1); }
    if (count == 1) ailib__sg_typed(g, L, types, depth);
    if (count > 1) {
        /* "type": ["string", "integer"]: one branch per type, each with its own keywords */
        ailib_json_write_key(w, "anyOf");
        ailib_json_write_array_begin(w);
        for (bit = 1; bit < AILIB__SG_NULL; bit <<= 1) {
            if (!(types & bit)) continue;
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "type");
            ailib_json_write_string(w, ailib__sg_type_name(bit));
            ailib__sg_typed(g, L, bit, depth + 1);
            ailib_json_write_object_end(w);
        }
        ailib_json_write_array_end(w);
    }
    if (any) {
        ailib_json_write_key(w, "anyOf");
        ailib_json_write_array_begin(w);
        for (AILIB__ELEMS(any, b, n))
            if (!ailib__sg_null_only(b) && AILIB__JT(b) != AILIB_JSON_FALSE) ailib__sg_emit(g, b, depth + 1);
        ailib_json_write_array_end(w);
    }
    ailib_json_write_object_end(w);
}

static void ailib__sg_emit(ailib__sg *g, const ailib_json *s, int depth) {
    ailib__sgl L;
    size_t mark = g->nrefs;
    if (g->code != AILIB_OK) return;
    if (depth > AILIB__SG_MAX_DEPTH) { ailib__sg_fail(g, AILIB_JSON_DEPTH, "schema nested deeper than 128 levels", NULL, 0); return; }
    L.n = 0;
    ailib__sg_add(g, &L, s);
    if (g->code == AILIB_OK) ailib__sg_node(g, &L, depth);
    g->nrefs = mark;
}

AILIB_API ailib_result ailib_schema_to_gemini(const ailib_json *schema, ailib_json_writer *w, ailib_error *err) {
    ailib__sg g;
    ailib_json_writer saved;
    if (!w) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_schema_to_gemini: w is NULL");
    if (!ailib_json_is_object(schema))
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_schema_to_gemini: the schema must be a JSON object, got %s",
                           schema ? ailib__sv_tname(schema) : "NULL");
    if (w->error != AILIB_OK)
        return ailib__fail(err, w->error, "ailib_schema_to_gemini: the writer has already failed (%s)", ailib_result_name(w->error));
    saved = *w;
    g.w = w;
    g.root = schema;
    g.code = AILIB_OK;
    g.msg[0] = 0;
    g.refs[0] = schema;                    /* "#" inside the schema is recursion too */
    g.nrefs = 1;
    ailib__sg_emit(&g, schema, 0);
    if (g.code == AILIB_OK && w->error != AILIB_OK) {
        g.code = w->error;
        snprintf(g.msg, sizeof g.msg, "the JSON writer failed (%s)", ailib_result_name(w->error));
    }
    if (g.code == AILIB_OK) return AILIB_OK;
    /* nothing written: back to the writer's state on entry, keeping its (maybe grown) buffer */
    saved.buf = w->buf;
    saved.cap = w->cap;
    *w = saved;
    if (w->buf) w->buf[w->len] = 0;
    return ailib__fail(err, g.code, "ailib_schema_to_gemini: %s", g.msg);
}

/* >>embed, >>models: embeddings and model listing ==============================================
   Wire level only: the HTTP request of an embedding call or a model listing for the endpoint's
   protocol, and the answer read back. Vectors are floats in one arena block owned by the
   ailib_embeddings object; a model list carries the catalog's data for the models it names. */

struct ailib_embeddings {
    ailib__arena arena;            /* holds this struct too */
    size_t count;
    const float **vec;             /* vec[i]: NULL when the provider returned nothing for input i */
    size_t *dims;
    ailib_usage usage;
    const char *model;
};

AILIB_API size_t ailib_embeddings_count(const ailib_embeddings *e) { return e ? e->count : 0; }

AILIB_API const float *ailib_embeddings_vector(const ailib_embeddings *e, size_t i, size_t *dims) {
    if (!e || i >= e->count) { if (dims) *dims = 0; return NULL; }
    if (dims) *dims = e->dims[i];
    return e->vec[i];
}

AILIB_API const ailib_usage *ailib_embeddings_usage(const ailib_embeddings *e) { return e ? &e->usage : NULL; }
AILIB_API const char *ailib_embeddings_model(const ailib_embeddings *e) { return e ? e->model : ""; }

AILIB_API void ailib_embeddings_destroy(ailib_embeddings *e) {
    ailib__arena arena;
    if (!e) return;
    arena = e->arena;              /* e itself lives in the arena */
    ailib__arena_free(&arena);
}

struct ailib_model_list {
    ailib__arena arena;            /* holds this struct, the entries and their strings */
    ailib_model_entry *entries;
    size_t count;
};

AILIB_API size_t ailib_model_list_count(const ailib_model_list *l) { return l ? l->count : 0; }
AILIB_API const ailib_model_entry *ailib_model_list_at(const ailib_model_list *l, size_t i) {
    return (l && i < l->count) ? &l->entries[i] : NULL;
}
AILIB_API void ailib_model_list_destroy(ailib_model_list *l) {
    ailib__arena arena;
    if (!l) return;
    arena = l->arena;
    ailib__arena_free(&arena);
}

/* --- requests --------------------------------------------------------------------------------- */

/* Assembles a wire request from its parts: URL = base + path, the auth header of the
   provider's style, Content-Type when there is a body. URL and headers share one storage
   block as in ailib_wire_request_build. body (from the writer's allocator) is taken over,
   also on failure. */
static ailib_result ailib__em_request(const ailib_endpoint *ep, const ailib_allocator *a, const char *base, size_t base_len,
                                      const ailib__buf *path, const char *method, char *body, size_t body_len,
                                      ailib_wire_request *out, ailib_error *err) {
    const ailib_provider_info *p = ep->provider;
    ailib__hdrs h;
    size_t i;
    memset(&h, 0, sizeof h);
    if (!ailib__buf_add(a, &h.store, base, base_len) || !ailib__buf_add(a, &h.store, ailib__buf_str(path), path->len) ||
        !ailib__buf_add(a, &h.store, "", 1)) h.oom = 1;
    if (body) ailib__hdr_add(a, &h, "Content-Type", "application/json", NULL);
    if (ep->api_key && *ep->api_key) {
        switch (p->auth) {
        case AILIB_AUTH_X_API_KEY: ailib__hdr_add(a, &h, "x-api-key", ep->api_key, NULL); break;
        case AILIB_AUTH_API_KEY_HEADER: ailib__hdr_add(a, &h, "api-key", ep->api_key, NULL); break;
        case AILIB_AUTH_GOOG_API_KEY: ailib__hdr_add(a, &h, "x-goog-api-key", ep->api_key, NULL); break;
        default: ailib__hdr_add(a, &h, "Authorization", "Bearer ", ep->api_key); break;
        }
    }
    if (p->protocol == AILIB_PROTOCOL_ANTHROPIC)
        ailib__hdr_add(a, &h, "anthropic-version", ep->api_version ? ep->api_version : "2023-06-01", NULL);
    if (h.oom) {
        ailib__free(a, h.store.p);
        ailib__free(a, body);
        return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    }
    out->method = method;
    out->storage_ = h.store.p;
    out->url = h.store.p;
    for (i = 0; i < h.n; i++) {
        out->headers[i].name = h.store.p + h.off[i][0];
        out->headers[i].value = h.store.p + h.off[i][1];
    }
    out->header_count = h.n;
    out->body = body;
    out->body_len = body ? body_len : 0;
    out->stream = 0;
    out->alloc = *a;
    return AILIB_OK;
}

/* The embedding model: the request's (minus a "provider/" prefix naming this provider), else
   the first catalog row of the provider that embeds. NULL when there is none. */
static const char *ailib__em_model(const ailib_provider_info *p, const char *model, size_t *len) {
    size_t i;
    if (model && *model) return ailib__b_model(p, model, len);
    *len = 0;
    if (!p->name) return NULL;
    for (i = 0; i < ailib_model_count(); i++) {
        const ailib_model_info *m = ailib_model_at(i);
        if ((m->caps & AILIB_CAP_EMBEDDING) && strcmp(m->provider, p->name) == 0) {
            *len = strlen(m->name);
            return m->name;
        }
    }
    return NULL;
}

/* input_type: 1 for "query", 0 for "document" (and the default), -1 for anything else. */
static int ailib__em_is_query(const char *t) {
    if (!t || !*t || strcmp(t, "document") == 0) return 0;
    if (strcmp(t, "query") == 0) return 1;
    return -1;
}

static void ailib__em_inputs(ailib_json_writer *w, const char *key, const ailib_embed_request *q) {
    size_t i;
    ailib_json_write_key(w, key);
    ailib_json_write_array_begin(w);
    for (i = 0; i < q->input_count; i++) ailib_json_write_string(w, q->inputs[i]);
    ailib_json_write_array_end(w);
}

/* {"content":{"parts":[{"text"}]},"taskType","outputDimensionality"?} members of one Gemini
   embed request (the caller writes the braces and, for batches, "model"). */
static void ailib__em_gemini_members(ailib_json_writer *w, const char *text, int query, int64_t dims) {
    ailib_json_write_key(w, "content");
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "parts");
    ailib_json_write_array_begin(w);
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "text"); ailib_json_write_string(w, text);
    ailib_json_write_object_end(w);
    ailib_json_write_array_end(w);
    ailib_json_write_object_end(w);
    ailib_json_write_key(w, "taskType"); ailib_json_write_string(w, query ? "RETRIEVAL_QUERY" : "RETRIEVAL_DOCUMENT");
    if (dims > 0) { ailib_json_write_key(w, "outputDimensionality"); ailib_json_write_int(w, dims); }
}

/* Writes the body and path of an embedding request for the endpoint's protocol. Returns 0 when
   the path could not be grown (out of memory); body errors stay sticky in the writer. */
static int ailib__em_body(const ailib_provider_info *p, const ailib_endpoint *ep, const ailib_embed_request *q,
                          const char *model, size_t ml, int query, ailib_json_writer *w, ailib__buf *path) {
    const ailib_allocator *a = &w->alloc;
    int ok = 1;
    size_t i;
    switch (p->protocol) {
    case AILIB_PROTOCOL_GEMINI:
        /* a full resource name "models/x" is accepted as well as the bare id */
        if (ml > 7 && memcmp(model, "models/", 7) == 0) { model += 7; ml -= 7; }
        ok = ailib__buf_add(a, path, "/models/", 8) && ailib__url_escape(a, path, model, ml);
        if (q->input_count == 1) {
            ok = ok && ailib__buf_add(a, path, ":embedContent", 13);
            ailib_json_write_object_begin(w);
            ailib__em_gemini_members(w, q->inputs[0], query, q->dimensions);
            ailib_json_write_object_end(w);
            break;
        }
        {
            /* each request repeats the URL's model as a resource name */
            ailib__buf res;
            memset(&res, 0, sizeof res);
            ok = ok && ailib__buf_add(a, path, ":batchEmbedContents", 19) && ailib__buf_add(a, &res, "models/", 7) &&
                 ailib__buf_add(a, &res, model, ml);
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "requests");
            ailib_json_write_array_begin(w);
            for (i = 0; ok && i < q->input_count; i++) {
                ailib_json_write_object_begin(w);
                ailib_json_write_key(w, "model"); ailib_json_write_stringn(w, res.p, res.len);
                ailib__em_gemini_members(w, q->inputs[i], query, q->dimensions);
                ailib_json_write_object_end(w);
            }
            ailib_json_write_array_end(w);
            ailib_json_write_object_end(w);
            ailib__free(a, res.p);
        }
        break;
    case AILIB_PROTOCOL_OLLAMA:
        ok = ailib__buf_add(a, path, "/api/embed", 10);
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "model"); ailib_json_write_stringn(w, model, ml);
        ailib__em_inputs(w, "input", q);
        if (q->dimensions > 0) { ailib_json_write_key(w, "dimensions"); ailib_json_write_int(w, q->dimensions); }
        ailib_json_write_object_end(w);
        break;
    case AILIB_PROTOCOL_COHERE:
        ok = ailib__buf_add(a, path, "/embed", 6);
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "model"); ailib_json_write_stringn(w, model, ml);
        ailib__em_inputs(w, "texts", q);
        /* required by every current Cohere embedding model */
        ailib_json_write_key(w, "input_type"); ailib_json_write_string(w, query ? "search_query" : "search_document");
        ailib_json_write_key(w, "embedding_types");
        ailib_json_write_array_begin(w); ailib_json_write_string(w, "float"); ailib_json_write_array_end(w);
        if (q->dimensions > 0) { ailib_json_write_key(w, "output_dimension"); ailib_json_write_int(w, q->dimensions); }
        ailib_json_write_object_end(w);
        break;
    default:   /* OpenAI Chat Completions and Responses endpoints share /embeddings */
        if (p->quirks & AILIB_Q_AZURE_DEPLOYMENTS) {
            const char *v = ep->api_version ? ep->api_version : "2024-10-21";
            ok = ailib__buf_add(a, path, "/openai/deployments/", 20) && ailib__url_escape(a, path, model, ml) &&
                 ailib__buf_add(a, path, "/embeddings?api-version=", 24) && ailib__url_escape(a, path, v, strlen(v));
        } else ok = ailib__buf_add(a, path, "/embeddings", 11);
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "model"); ailib_json_write_stringn(w, model, ml);
        ailib__em_inputs(w, "input", q);
        ailib_json_write_key(w, "encoding_format"); ailib_json_write_string(w, "float");
        if (q->dimensions > 0) { ailib_json_write_key(w, "dimensions"); ailib_json_write_int(w, q->dimensions); }
        ailib_json_write_object_end(w);
        break;
    }
    return ok;
}

/* Why a protocol has no embeddings here, and what to use instead; NULL when it has them. */
static const char *ailib__em_unsupported(ailib_protocol proto) {
    switch (proto) {
    case AILIB_PROTOCOL_ANTHROPIC:
        return "has no embeddings API (Anthropic recommends Voyage AI): use an embedding provider such as "
               "openai (text-embedding-3-small), gemini (gemini-embedding-001), cohere (embed-v4.0), mistral or ollama";
    case AILIB_PROTOCOL_BEDROCK:
        return "serves embeddings only through InvokeModel with model-specific bodies, which ailib does not build: "
               "use openai, gemini, cohere, mistral or ollama for embeddings";
    case AILIB_PROTOCOL_OPENAI_CHAT: case AILIB_PROTOCOL_OPENAI_RESPONSES: case AILIB_PROTOCOL_GEMINI:
    case AILIB_PROTOCOL_OLLAMA: case AILIB_PROTOCOL_COHERE:
        return NULL;
    default:
        return "has an unknown protocol";
    }
}

AILIB_API ailib_result ailib_wire_embed_build(const ailib_endpoint *ep, const ailib_embed_request *req,
                                              ailib_wire_request *out, ailib_error *err) {
    const ailib_provider_info *p;
    const char *base, *model, *why;
    size_t base_len, ml, i;
    ailib_json_writer w;
    ailib__buf path;
    ailib_result r;
    char *body;
    int query, ok;
    if (!out) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_wire_embed_build: out is NULL");
    memset(out, 0, sizeof *out);
    if (!ep || !ep->provider) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "endpoint.provider is required (ailib_provider_find(\"openai\") or your own row)");
    if (!req) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "embed request is NULL");
    p = ep->provider;
    if (!req->inputs || !req->input_count)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "embed request has no inputs: set inputs and input_count (> 0)");
    for (i = 0; i < req->input_count; i++)
        if (!req->inputs[i]) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "embed request.inputs[%lu] is NULL", (unsigned long)i);
    if (req->dimensions < 0)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "embed request.dimensions must be > 0 (or 0 for the model's size)");
    if ((query = ailib__em_is_query(req->input_type)) < 0)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "embed request.input_type must be \"query\" or \"document\" (got \"%.60s\")", req->input_type);
    if ((why = ailib__em_unsupported(p->protocol)) != NULL)
        return ailib__fail(err, AILIB_UNSUPPORTED, "provider '%s' %s", p->name ? p->name : "?", why);
    if ((r = ailib__ep_base(ep, &base, &base_len, err)) != AILIB_OK) return r;
    model = ailib__em_model(p, req->model, &ml);
    if (!model || !ml)
        return ailib__fail(err, AILIB_CONFIGURATION, "no embedding model: set embed request.model (got \"%.60s\"; the catalog has no embedding model for provider '%s')",
                           req->model ? req->model : "", p->name ? p->name : "?");

    ailib_json_writer_init(&w, ep->allocator);
    memset(&path, 0, sizeof path);
    ok = ailib__em_body(p, ep, req, model, ml, query, &w, &path);
    r = ailib_json_writer_finish(&w);
    if (!ok || r != AILIB_OK) {
        ailib__free(&w.alloc, path.p);
        ailib_json_writer_deinit(&w);
        if (!ok || r == AILIB_OUT_OF_MEMORY) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
        return ailib__fail(err, r, "could not write the embed request body (%s): check the inputs are valid UTF-8", ailib_result_string(r));
    }
    {
        size_t body_len;
        ailib_allocator a = w.alloc;
        body = ailib_json_writer_take(&w, &body_len);
        r = body ? ailib__em_request(ep, &a, base, base_len, &path, "POST", body, body_len, out, err)
                 : ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
        ailib__free(&a, path.p);
    }
    return r;
}

AILIB_API ailib_result ailib_wire_models_build(const ailib_endpoint *ep, ailib_wire_request *out, ailib_error *err) {
    const ailib_provider_info *p;
    const char *base;
    size_t base_len;
    ailib_allocator a;
    ailib__buf path;
    ailib_result r;
    int ok = 1;
    if (!out) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_wire_models_build: out is NULL");
    memset(out, 0, sizeof *out);
    if (!ep || !ep->provider) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "endpoint.provider is required (ailib_provider_find(\"openai\") or your own row)");
    p = ep->provider;
    if (p->protocol == AILIB_PROTOCOL_BEDROCK)
        return ailib__fail(err, AILIB_UNSUPPORTED, "provider '%s': Bedrock lists models on its control-plane API "
                           "(bedrock.<region>.amazonaws.com/foundation-models), which ailib does not call; see the catalog (ailib_model_at)",
                           p->name ? p->name : "?");
    if ((unsigned)p->protocol >= AILIB_PROTOCOL_COUNT)
        return ailib__fail(err, AILIB_UNSUPPORTED, "provider '%s' has an unknown protocol", p->name ? p->name : "?");
    if ((r = ailib__ep_base(ep, &base, &base_len, err)) != AILIB_OK) return r;
    a = ailib__allocator(ep->allocator);
    memset(&path, 0, sizeof path);
    /* the largest page each provider allows, so one request usually gets the whole list */
    switch (p->protocol) {
    case AILIB_PROTOCOL_GEMINI: ok = ailib__buf_add(&a, &path, "/models?pageSize=1000", 21); break;
    case AILIB_PROTOCOL_OLLAMA: ok = ailib__buf_add(&a, &path, "/api/tags", 9); break;
    case AILIB_PROTOCOL_ANTHROPIC: ok = ailib__buf_add(&a, &path, "/models?limit=1000", 18); break;
    case AILIB_PROTOCOL_COHERE:
        /* chat and embed live under /v2, the model list only under /v1 */
        if (base_len >= 3 && memcmp(base + base_len - 3, "/v2", 3) == 0) {
            ok = ailib__buf_add(&a, &path, base, base_len - 3) && ailib__buf_add(&a, &path, "/v1", 3);
            base_len = 0;
        }
        ok = ok && ailib__buf_add(&a, &path, "/models?page_size=1000", 22);
        break;
    default:
        if (p->quirks & AILIB_Q_AZURE_DEPLOYMENTS) {
            const char *v = ep->api_version ? ep->api_version : "2024-10-21";
            ok = ailib__buf_add(&a, &path, "/openai/models?api-version=", 27) && ailib__buf_add(&a, &path, v, strlen(v));
        } else ok = ailib__buf_add(&a, &path, "/models", 7);
        break;
    }
    r = ok ? ailib__em_request(ep, &a, base, base_len, &path, "GET", NULL, 0, out, err)
           : ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    ailib__free(&a, path.p);
    return r;
}

/* --- reading answers ---------------------------------------------------------------------------- */

/* Parses a 2xx body; the JSON error becomes AILIB_DESERIALIZATION with its byte position. */
static ailib_result ailib__em_parse_json(const ailib_endpoint *ep, const char *body, size_t len, const char *what,
                                         ailib_json_doc **doc, ailib_error *err) {
    ailib_json_parse_options o;
    ailib_error perr;
    ailib_result r;
    memset(&o, 0, sizeof o);
    o.allocator = ep->allocator;
    ailib_error_clear(&perr);
    *doc = NULL;
    r = ailib_json_parse(body ? body : "", body ? len : 0, &o, doc, &perr);
    if (r == AILIB_OK) return AILIB_OK;
    if (r == AILIB_OUT_OF_MEMORY) return ailib__fail(err, r, "out of memory");
    ailib__fail(err, AILIB_DESERIALIZATION, "the provider's %s is not valid JSON: %s", what, perr.message);
    if (err) err->byte_pos = perr.byte_pos;
    return AILIB_DESERIALIZATION;
}

/* A 200 body that lacks what we expect but carries {"error":...} is the provider's error. */
static ailib_result ailib__em_shape_error(const ailib_json *root, const char *what, ailib_error *err) {
    if (ailib_json_get(root, "error")) {
        ailib_error e;
        ailib_result code = ailib__error_from_body(0, root, NULL, 0, &e);
        if (err) *err = e;
        return code;
    }
    return ailib__fail(err, AILIB_DESERIALIZATION, "unexpected %s shape", what);
}

/* Value of a standard base64 digit, -1 for anything else. */
static int ailib__b64_val(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decoded size of standard base64 text (padding optional), or (size_t)-1 when malformed. */
static size_t ailib__b64_size(const char *s, size_t n) {
    size_t i;
    if (n && s[n - 1] == '=') n--;
    if (n && s[n - 1] == '=') n--;
    if (n % 4 == 1) return (size_t)-1;
    for (i = 0; i < n; i++) if (ailib__b64_val((unsigned char)s[i]) < 0) return (size_t)-1;
    return n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
}

/* Decodes base64 known valid (ailib__b64_size) as little-endian float32 values. */
static void ailib__b64_floats(const char *s, size_t n, float *out, size_t count) {
    uint32_t acc = 0;
    int bits = 0;
    unsigned char b[4];
    size_t i, k = 0, f = 0;
    for (i = 0; i < n && s[i] != '=' && f < count; i++) {
        acc = (acc << 6) | (uint32_t)ailib__b64_val((unsigned char)s[i]);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            b[k++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
            if (k == 4) {
                uint32_t u = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
                memcpy(&out[f++], &u, sizeof u);
                k = 0;
            }
        }
    }
}

/* Size of one vector source: an array's length, a base64 string's float count; -1: malformed. */
static size_t ailib__em_src_dims(const ailib_json *v, size_t i, ailib_error *err) {
    size_t n, bytes;
    const char *s = ailib_json_str(v, &n);
    if (!s) return ailib_json_size(v);
    bytes = ailib__b64_size(s, n);
    if (bytes == (size_t)-1 || bytes % 4) {
        ailib__fail(err, AILIB_DESERIALIZATION, "embedding %lu is a string but not base64 of float32 values", (unsigned long)i);
        return (size_t)-1;
    }
    return bytes / 4;
}

static const char *ailib__json_type_name(const ailib_json *v) {
    switch (ailib_json_type_of(v)) {
    case AILIB_JSON_NULL: return "null";
    case AILIB_JSON_FALSE: case AILIB_JSON_TRUE: return "a boolean";
    case AILIB_JSON_STRING: return "a string";
    case AILIB_JSON_ARRAY: return "an array";
    case AILIB_JSON_OBJECT: return "an object";
    default: return "a number";
    }
}

/* Builds the embeddings from n vector sources (arrays of numbers, base64 strings, or NULL for
   an input the provider skipped): every float goes into one block. */
/* The embeddings object of n vectors holding total floats, in a fresh arena; NULL when out
   of memory (nothing is left allocated then). */
static ailib_embeddings *ailib__em_alloc(ailib__arena *arena, size_t n, size_t total, const char *model, size_t model_len, float **data) {
    ailib_embeddings *e = (ailib_embeddings *)ailib__arena_alloc(arena, sizeof *e);
    if (!e) return NULL;
    memset(e, 0, sizeof *e);
    e->vec = (const float **)ailib__arena_alloc(arena, (n + 1) * sizeof *e->vec);
    e->dims = (size_t *)ailib__arena_alloc(arena, (n + 1) * sizeof *e->dims);
    *data = (float *)ailib__arena_alloc(arena, (total + 1) * sizeof **data);
    e->model = ailib__arena_strn(arena, model ? model : "", model ? model_len : 0);
    if (!e->vec || !e->dims || !*data || !e->model) { ailib__arena_free(arena); return NULL; }
    return e;
}

static ailib_result ailib__em_make(const ailib_allocator *alloc, const ailib_json *const *src, size_t n,
                                   const ailib_usage *usage, const char *model, size_t model_len,
                                   ailib_embeddings **out, ailib_error *err) {
    ailib__arena arena;
    ailib_embeddings *e;
    float *data;
    size_t i, total = 0, d;
    arena.alloc = *alloc;
    arena.head = NULL;
    for (i = 0; i < n; i++) {
        if (!src[i]) continue;
        if ((d = ailib__em_src_dims(src[i], i, err)) == (size_t)-1) return AILIB_DESERIALIZATION;
        total += d;
    }
    if (!(e = ailib__em_alloc(&arena, n, total, model, model_len, &data))) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    for (i = 0; i < n; i++) {
        const ailib_json *v = src[i], *x;
        size_t len, k;
        const char *s;
        e->vec[i] = NULL;
        e->dims[i] = 0;
        if (!v) continue;
        e->vec[i] = data;
        if ((s = ailib_json_str(v, &len)) != NULL) {
            d = ailib__b64_size(s, len) / 4;
            ailib__b64_floats(s, len, data, d);
        } else {
            d = 0;
            for (AILIB__ELEMS(v, x, k)) {
                double f = ailib_json_double(x);
                if (!ailib_json_is_number(x)) {
                    ailib__arena_free(&arena);
                    return ailib__fail(err, AILIB_DESERIALIZATION, "embedding %lu, element %lu is %s, expected a number",
                                       (unsigned long)i, (unsigned long)d, ailib__json_type_name(x));
                }
                if (f > FLT_MAX || f < -FLT_MAX) {
                    ailib__arena_free(&arena);
                    return ailib__fail(err, AILIB_DESERIALIZATION, "embedding %lu, element %lu is outside the range of float",
                                       (unsigned long)i, (unsigned long)d);
                }
                data[d++] = (float)f;
            }
        }
        e->dims[i] = d;
        data += d;
    }
    e->count = n;
    if (usage) e->usage = *usage;
    e->arena = arena;
    *out = e;
    return AILIB_OK;
}

/* A token count member into usage (reported bit set when present). */
static void ailib__em_count(const ailib_json *v, int64_t *field, ailib_usage *u, uint32_t bit) {
    if (!ailib_json_is_number(v)) return;
    *field = ailib_json_int(v);
    u->reported |= bit;
}

/* OpenAI: data[] with "index" (order not trusted: each vector lands at its index, duplicates
   are an error, an index the response skipped reads as an empty vector). */
static ailib_result ailib__em_openai(const ailib_json *root, const ailib_allocator *a, size_t body_len,
                                     const ailib_json ***src, size_t *n, ailib_error *err) {
    const ailib_json *data = ailib_json_get(root, "data"), *it;
    size_t k, pos = 0, count = 0;
    if (!ailib_json_is_array(data)) return ailib__em_shape_error(root, "embeddings response (no \"data\" array)", err);
    for (AILIB__ELEMS(data, it, k)) {
        const ailib_json *ix = ailib_json_get(it, "index");
        int64_t idx = ix ? ailib_json_int(ix) : (int64_t)pos;
        if (!ailib_json_is_object(it) || (ix && AILIB__JT(ix) != AILIB_JSON_INT) || idx < 0 || (uint64_t)idx >= body_len)
            return ailib__fail(err, AILIB_DESERIALIZATION, "embeddings response: data[%lu] has no usable \"index\"", (unsigned long)pos);
        if ((size_t)idx + 1 > count) count = (size_t)idx + 1;
        pos++;
    }
    *src = (const ailib_json **)ailib__malloc(a, (count + 1) * sizeof **src);
    if (!*src) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    memset((void *)*src, 0, (count + 1) * sizeof **src);
    pos = 0;
    for (AILIB__ELEMS(data, it, k)) {
        const ailib_json *ix = ailib_json_get(it, "index"), *emb = ailib_json_get(it, "embedding");
        size_t idx = ix ? (size_t)ailib_json_int(ix) : pos;
        if ((*src)[idx]) return ailib__fail(err, AILIB_DESERIALIZATION, "embeddings response: index %lu appears twice", (unsigned long)idx);
        if (!ailib_json_is_array(emb) && !ailib_json_is_string(emb))
            return ailib__fail(err, AILIB_DESERIALIZATION, "embeddings response: data[%lu].embedding is %s, expected an array of numbers or base64",
                               (unsigned long)pos, emb ? ailib__json_type_name(emb) : "missing");
        (*src)[idx] = emb;
        pos++;
    }
    *n = count;
    return AILIB_OK;
}

/* Gemini {"embedding":{"values"}} / {"embeddings":[{"values"}]}, Ollama {"embeddings":[[...]]},
   Cohere {"embeddings":{"float":[[...]]}} (v1's bare array too): a list of arrays. */
static ailib_result ailib__em_arrays(ailib_protocol proto, const ailib_json *root, const ailib_allocator *a,
                                     const ailib_json ***src, size_t *n, ailib_error *err) {
    const ailib_json *list = ailib_json_get(root, "embeddings"), *single = NULL, *it;
    size_t k, i = 0;
    int values = proto == AILIB_PROTOCOL_GEMINI;
    if (values && !list) single = ailib_json_path(root, "embedding", "values", (const char *)NULL);
    else if (proto == AILIB_PROTOCOL_OLLAMA && !list) single = ailib_json_get(root, "embedding");   /* legacy /api/embeddings */
    if (proto == AILIB_PROTOCOL_COHERE && ailib_json_is_object(list)) {
        const ailib_json *fl = ailib_json_get(list, "float");
        if (!fl) return ailib__fail(err, AILIB_DESERIALIZATION, "embeddings response has no \"float\" embeddings (ailib asks for embedding_types [\"float\"])");
        list = fl;
    }
    if (single) {
        if (!ailib_json_is_array(single)) return ailib__fail(err, AILIB_DESERIALIZATION, "embedding is %s, expected an array of numbers", ailib__json_type_name(single));
        *src = (const ailib_json **)ailib__malloc(a, sizeof **src);
        if (!*src) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
        (*src)[0] = single;
        *n = 1;
        return AILIB_OK;
    }
    if (!ailib_json_is_array(list)) return ailib__em_shape_error(root, "embeddings response (no \"embeddings\" array)", err);
    *src = (const ailib_json **)ailib__malloc(a, (ailib_json_size(list) + 1) * sizeof **src);
    if (!*src) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    for (AILIB__ELEMS(list, it, k)) {
        const ailib_json *v = values ? ailib_json_get(it, "values") : it;
        if (!ailib_json_is_array(v))
            return ailib__fail(err, AILIB_DESERIALIZATION, "embedding %lu is %s, expected an array of numbers", (unsigned long)i,
                               v ? ailib__json_type_name(v) : "missing");
        (*src)[i++] = v;
    }
    *n = i;
    return AILIB_OK;
}

/* ailib_wire_embed_parse with the requested model, reported when the provider names none
   (Gemini, Cohere): the engine calls this one. */
static ailib_result ailib__embed_parse(const ailib_endpoint *ep, int http_status, const char *body, size_t len,
                                       const char *requested_model, ailib_embeddings **out, ailib_error *err) {
    const ailib_provider_info *p;
    const ailib_json *root, **src = NULL;
    const char *why, *model;
    ailib_json_doc *doc;
    ailib_allocator a;
    ailib_usage u;
    ailib_result r;
    size_t n = 0, ml = 0;
    if (!out) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_wire_embed_parse: out is NULL");
    *out = NULL;
    if (!ep || !ep->provider) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "endpoint.provider is required");
    p = ep->provider;
    if (http_status && (http_status < 200 || http_status > 299)) return ailib_wire_error_parse(ep, http_status, body, len, err);
    if ((why = ailib__em_unsupported(p->protocol)) != NULL)
        return ailib__fail(err, AILIB_UNSUPPORTED, "provider '%s' %s", p->name ? p->name : "?", why);
    if ((r = ailib__em_parse_json(ep, body, len, "embeddings response", &doc, err)) != AILIB_OK) return r;
    a = ailib__allocator(ep->allocator);
    root = ailib_json_doc_root(doc);
    memset(&u, 0, sizeof u);
    if (p->protocol == AILIB_PROTOCOL_OPENAI_CHAT || p->protocol == AILIB_PROTOCOL_OPENAI_RESPONSES) {
        r = ailib__em_openai(root, &a, len, &src, &n, err);
        ailib__em_count(ailib_json_path(root, "usage", "prompt_tokens", (const char *)NULL), &u.input_tokens, &u, AILIB_USAGE_INPUT);
        ailib__em_count(ailib_json_path(root, "usage", "total_tokens", (const char *)NULL), &u.total_tokens, &u, AILIB_USAGE_TOTAL);
    } else {
        r = ailib__em_arrays(p->protocol, root, &a, &src, &n, err);
        if (p->protocol == AILIB_PROTOCOL_OLLAMA)
            ailib__em_count(ailib_json_get(root, "prompt_eval_count"), &u.input_tokens, &u, AILIB_USAGE_INPUT);
        else if (p->protocol == AILIB_PROTOCOL_COHERE)
            ailib__em_count(ailib_json_path(root, "meta", "billed_units", "input_tokens", (const char *)NULL), &u.input_tokens, &u, AILIB_USAGE_INPUT);
        else
            ailib__em_count(ailib_json_path(root, "usageMetadata", "promptTokenCount", (const char *)NULL), &u.input_tokens, &u, AILIB_USAGE_INPUT);
    }
    /* embeddings produce no output tokens: the total is the input */
    if ((u.reported & AILIB_USAGE_INPUT) && !(u.reported & AILIB_USAGE_TOTAL)) {
        u.total_tokens = u.input_tokens;
        u.reported |= AILIB_USAGE_TOTAL;
    }
    model = ailib_json_str(ailib_json_get(root, "model"), &ml);
    if (!model || !ml) {
        size_t rl = 0;
        model = requested_model && *requested_model ? ailib__b_model(p, requested_model, &rl) : "";
        ml = rl;
    }
    if (r == AILIB_OK) r = ailib__em_make(&a, src, n, &u, model, ml, out, err);
    ailib__free(&a, (void *)src);
    ailib_json_doc_destroy(doc);
    return r;
}

AILIB_API ailib_result ailib_wire_embed_parse(const ailib_endpoint *ep, int http_status, const char *body, size_t len,
                                              ailib_embeddings **out, ailib_error *err) {
    return ailib__embed_parse(ep, http_status, body, len, NULL, out, err);
}

/* --- model lists ------------------------------------------------------------------------------ */

static int64_t ailib__ml_int(const ailib_json *v) {
    int64_t x = ailib_json_is_number(v) ? ailib_json_int(v) : 0;
    return x > 0 ? x : 0;
}

/* "supported": true inside an Anthropic capabilities object. */
static int ailib__ml_supported(const ailib_json *caps, const char *name) {
    return ailib_json_bool(ailib_json_path(caps, name, "supported", (const char *)NULL));
}

static int ailib__ml_has_string(const ailib_json *arr, const char *s) {
    const ailib_json *x;
    size_t k;
    for (AILIB__ELEMS(arr, x, k)) if (ailib__jstr_eq(x, s)) return 1;
    return 0;
}

/* Reads one listed model into e (id, owner and what the provider says about it); returns 0 to
   skip an entry without a usable id. */
static int ailib__ml_read(ailib_protocol proto, const ailib_json *m, ailib_model_entry *e, const char **id, size_t *idn,
                          const char **own, size_t *ownn) {
    const ailib_json *v;
    *own = ""; *ownn = 0;
    memset(e, 0, sizeof *e);
    switch (proto) {
    case AILIB_PROTOCOL_GEMINI:
        *id = ailib_json_str(ailib_json_get(m, "name"), idn);
        if (*id && *idn > 7 && memcmp(*id, "models/", 7) == 0) { *id += 7; *idn -= 7; }
        e->context_window = ailib__ml_int(ailib_json_get(m, "inputTokenLimit"));
        e->max_output = ailib__ml_int(ailib_json_get(m, "outputTokenLimit"));
        v = ailib_json_get(m, "supportedGenerationMethods");
        if (ailib__ml_has_string(v, "embedContent") || ailib__ml_has_string(v, "batchEmbedContents")) e->caps |= AILIB_CAP_EMBEDDING;
        if (ailib_json_bool(ailib_json_get(m, "thinking"))) e->caps |= AILIB_CAP_REASONING;
        break;
    case AILIB_PROTOCOL_OLLAMA:
        *id = ailib_json_str(ailib_json_get(m, "name"), idn);
        if (!*id || !*idn) *id = ailib_json_str(ailib_json_get(m, "model"), idn);
        break;
    case AILIB_PROTOCOL_COHERE:
        *id = ailib_json_str(ailib_json_get(m, "name"), idn);
        e->context_window = ailib__ml_int(ailib_json_get(m, "context_length"));
        if (ailib__ml_has_string(ailib_json_get(m, "endpoints"), "embed")) e->caps |= AILIB_CAP_EMBEDDING;
        break;
    case AILIB_PROTOCOL_ANTHROPIC:
        *id = ailib_json_str(ailib_json_get(m, "id"), idn);
        e->context_window = ailib__ml_int(ailib_json_get(m, "max_input_tokens"));
        e->max_output = ailib__ml_int(ailib_json_get(m, "max_tokens"));
        v = ailib_json_get(m, "capabilities");
        if (ailib__ml_supported(v, "image_input")) e->caps |= AILIB_CAP_VISION;
        if (ailib__ml_supported(v, "thinking")) e->caps |= AILIB_CAP_REASONING;
        if (ailib__ml_supported(v, "structured_outputs")) e->caps |= AILIB_CAP_JSON_SCHEMA;
        break;
    default:
        /* OpenAI, and the fields OpenAI-compatible servers add (Groq, OpenRouter, Mistral, vLLM) */
        *id = ailib_json_str(ailib_json_get(m, "id"), idn);
        *own = ailib_json_str(ailib_json_get(m, "owned_by"), ownn);
        if (!*own) { *own = ""; *ownn = 0; }
        e->context_window = ailib__ml_int(ailib_json_get(m, "context_window"));
        if (!e->context_window) e->context_window = ailib__ml_int(ailib_json_get(m, "context_length"));
        if (!e->context_window) e->context_window = ailib__ml_int(ailib_json_get(m, "max_context_length"));
        if (!e->context_window) e->context_window = ailib__ml_int(ailib_json_get(m, "max_model_len"));
        e->max_output = ailib__ml_int(ailib_json_get(m, "max_completion_tokens"));
        if (!e->max_output) e->max_output = ailib__ml_int(ailib_json_path(m, "top_provider", "max_completion_tokens", (const char *)NULL));
        break;
    }
    return *id && *idn;
}

AILIB_API ailib_result ailib_wire_models_parse(const ailib_endpoint *ep, int http_status, const char *body, size_t len,
                                               ailib_model_list **out, ailib_error *err) {
    const ailib_provider_info *p;
    const ailib_json *root, *list, *m;
    ailib_json_doc *doc;
    ailib__arena arena;
    ailib_model_list *l;
    ailib_result r;
    size_t k;
    if (!out) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_wire_models_parse: out is NULL");
    *out = NULL;
    if (!ep || !ep->provider) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "endpoint.provider is required");
    p = ep->provider;
    if (http_status && (http_status < 200 || http_status > 299)) return ailib_wire_error_parse(ep, http_status, body, len, err);
    if (p->protocol == AILIB_PROTOCOL_BEDROCK || (unsigned)p->protocol >= AILIB_PROTOCOL_COUNT)
        return ailib__fail(err, AILIB_UNSUPPORTED, "provider '%s': model listing is not supported for this protocol", p->name ? p->name : "?");
    if ((r = ailib__em_parse_json(ep, body, len, "model list", &doc, err)) != AILIB_OK) return r;
    root = ailib_json_doc_root(doc);
    switch (p->protocol) {
    case AILIB_PROTOCOL_GEMINI: case AILIB_PROTOCOL_OLLAMA: case AILIB_PROTOCOL_COHERE: list = ailib_json_get(root, "models"); break;
    default: list = ailib_json_is_array(root) ? root : ailib_json_get(root, "data"); break;   /* Together: a bare array */
    }
    if (!ailib_json_is_array(list)) {
        r = ailib__em_shape_error(root, p->protocol == AILIB_PROTOCOL_GEMINI || p->protocol == AILIB_PROTOCOL_OLLAMA ||
                                  p->protocol == AILIB_PROTOCOL_COHERE ? "model list (no \"models\" array)" : "model list (no \"data\" array)", err);
        ailib_json_doc_destroy(doc);
        return r;
    }
    arena.alloc = ailib__allocator(ep->allocator);
    arena.head = NULL;
    l = (ailib_model_list *)ailib__arena_alloc(&arena, sizeof *l);
    if (l) {
        memset(l, 0, sizeof *l);
        l->entries = (ailib_model_entry *)ailib__arena_alloc(&arena, (ailib_json_size(list) + 1) * sizeof *l->entries);
    }
    if (!l || !l->entries) goto oom;
    for (AILIB__ELEMS(list, m, k)) {
        ailib_model_entry *e = &l->entries[l->count];
        const char *id, *own;
        size_t idn, ownn;
        char *idc;
        if (!ailib__ml_read(p->protocol, m, e, &id, &idn, &own, &ownn)) continue;
        if (!(idc = ailib__arena_strn(&arena, id, idn)) || !(e->owned_by = ailib__arena_strn(&arena, own, ownn))) goto oom;
        e->id = idc;
        /* the catalog fills in what the provider did not say */
        e->catalog = ailib_model_find(p->name, idc);
        if (e->catalog) {
            if (!e->context_window) e->context_window = e->catalog->context_window;
            if (!e->max_output) e->max_output = e->catalog->max_output;
            e->caps |= e->catalog->caps;
        }
        l->count++;
    }
    l->arena = arena;
    ailib_json_doc_destroy(doc);
    *out = l;
    return AILIB_OK;
oom:
    ailib__arena_free(&arena);
    ailib_json_doc_destroy(doc);
    return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
}
/* >>http: the libcurl multi transport ========================================================== */
#ifndef AILIB_NO_CURL
#include <curl/curl.h>

/* Response header bytes allowed per exchange (libcurl caps one line at 100 KiB); more is
   AILIB_TOO_LARGE, not a slow read of an endless header block. */
#define AILIB__MAX_HEADER_BYTES (256 * 1024)

typedef struct ailib__cxfer {
    CURL *easy;
    struct curl_slist *hdrs;
    const ailib_http_callbacks *cb;
    void *ctx;
    int status;             /* the last status line seen (1xx included) */
    int reported;           /* on_status was called */
    size_t header_bytes;    /* of this exchange, for AILIB__MAX_HEADER_BYTES */
    int too_large;          /* the header block passed the limit: the exchange was stopped */
    int done;
    int configured;         /* the options that never change are set (a reused handle) */
    char *hdr_key; size_t hdr_key_len, hdr_key_cap;   /* the header lines the list was built from */
    char errbuf[CURL_ERROR_SIZE];
    struct ailib__cxfer *next_free;
} ailib__cxfer;

typedef struct ailib__curl {
    CURLM *multi;
    ailib_allocator alloc;
    char *proxy;            /* NULL: environment; "": none */
    long connect_ms, timeout_ms;
    ailib__cxfer *free_list;/* finished transfers kept for reuse (their easy handles too) */
} ailib__curl;

static size_t ailib__curl_write(char *data, size_t size, size_t n, void *user) {
    ailib__cxfer *x = (ailib__cxfer *)user;
    size_t len = size * n;
    if (x->cb->on_body(x->ctx, data, len)) return len ? 0 : 1;   /* a different count aborts */
    return len;
}

/* Header lines arrive one at a time; a status line restarts the block (redirects, 100). */
static size_t ailib__curl_header(char *line, size_t size, size_t n, void *user) {
    ailib__cxfer *x = (ailib__cxfer *)user;
    size_t len = size * n, nl = len, i;
    x->header_bytes += len;
    if (x->header_bytes > AILIB__MAX_HEADER_BYTES) { x->too_large = 1; return 0; }   /* a short count aborts */
    while (nl && (line[nl - 1] == '\n' || line[nl - 1] == '\r')) nl--;
    if (nl > 5 && memcmp(line, "HTTP/", 5) == 0) {
        /* "HTTP/1.1 200 OK": three digits after the first space; anything else is no status */
        const char *sp = (const char *)memchr(line, ' ', nl);
        size_t at = sp ? (size_t)(sp - line) + 1 : nl;
        int st = 0;
        for (i = at; i < nl && i < at + 3 && line[i] >= '0' && line[i] <= '9'; i++) st = st * 10 + (line[i] - '0');
        x->status = i == at + 3 ? st : 0;
        return len;
    }
    if (nl == 0) {
        if (x->status >= 200) { x->cb->on_status(x->ctx, x->status); x->reported = 1; }
        return len;
    }
    for (i = 0; i < nl && line[i] != ':'; i++) {}
    if (i < nl) {
        size_t v = i + 1;
        while (v < nl && (line[v] == ' ' || line[v] == '\t')) v++;
        x->cb->on_header(x->ctx, line, i, line + v, nl - v);
    }
    return len;
}

static void *ailib__curl_create(void *user, const ailib_transport_config *cfg, ailib_error *err) {
    ailib_allocator a = ailib__allocator(cfg ? cfg->allocator : NULL);
    ailib__curl *t = (ailib__curl *)ailib__malloc(&a, sizeof *t);
    (void)user;
    if (!t) { ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); return NULL; }
    memset(t, 0, sizeof *t);
    t->alloc = a;
    t->multi = curl_multi_init();
    if (!t->multi) { ailib__free(&a, t); ailib__fail(err, AILIB_NETWORK, "curl_multi_init failed"); return NULL; }
    curl_multi_setopt(t->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    if (cfg && cfg->proxy) {
        size_t n = strlen(cfg->proxy);
        t->proxy = (char *)ailib__malloc(&a, n + 1);
        if (t->proxy) memcpy(t->proxy, cfg->proxy, n + 1);
    }
    t->connect_ms = cfg ? (long)cfg->connect_timeout_ms : 0;
    t->timeout_ms = cfg ? (long)cfg->timeout_ms : 0;
    return t;
}

static void ailib__curl_xfer_free(ailib__curl *t, ailib__cxfer *x) {
    if (x->easy) curl_easy_cleanup(x->easy);
    if (x->hdrs) curl_slist_free_all(x->hdrs);
    ailib__free(&t->alloc, x->hdr_key);
    ailib__free(&t->alloc, x);
}

static void ailib__curl_destroy(void *tp) {
    ailib__curl *t = (ailib__curl *)tp;
    ailib__cxfer *x;
    if (!t) return;
    while ((x = t->free_list) != NULL) { t->free_list = x->next_free; ailib__curl_xfer_free(t, x); }
    curl_multi_cleanup(t->multi);
    ailib__free(&t->alloc, t->proxy);
    ailib__free(&t->alloc, t);
}

/* The request's header lines, "Name: value\n" each: the key of the cached header list. */
static int ailib__curl_hdr_key(ailib__curl *t, const ailib_wire_request *req, ailib__buf *b) {
    size_t i;
    b->len = 0;
    for (i = 0; i < req->header_count; i++) {
        if (!ailib__buf_add(&t->alloc, b, req->headers[i].name, strlen(req->headers[i].name)) ||
            !ailib__buf_add(&t->alloc, b, ": ", 2) ||
            !ailib__buf_add(&t->alloc, b, req->headers[i].value, strlen(req->headers[i].value)) ||
            !ailib__buf_add(&t->alloc, b, "\n", 1)) return 0;
    }
    return 1;
}

/* 1 when the request's header lines equal the key the handle's list was built from. */
static int ailib__curl_hdr_same(const ailib__cxfer *x, const ailib_wire_request *req) {
    const char *k = x->hdr_key, *end;
    size_t i;
    if (!x->hdrs || !k) return 0;
    end = k + x->hdr_key_len;
    for (i = 0; i < req->header_count; i++) {
        size_t nl = strlen(req->headers[i].name), vl = strlen(req->headers[i].value);
        if ((size_t)(end - k) < nl + vl + 3 || memcmp(k, req->headers[i].name, nl) != 0 || k[nl] != ':' || k[nl + 1] != ' ' ||
            memcmp(k + nl + 2, req->headers[i].value, vl) != 0 || k[nl + 2 + vl] != '\n') return 0;
        k += nl + vl + 3;
    }
    return k == end;
}

/* Sets the header list, rebuilding it only when the lines differ from the handle's last
   request (a client's requests usually carry the same headers). */
static int ailib__curl_headers(ailib__curl *t, ailib__cxfer *x, const ailib_wire_request *req) {
    ailib__buf key;
    size_t i, off = 0;
    if (ailib__curl_hdr_same(x, req)) return 1;
    key.p = x->hdr_key; key.len = 0; key.cap = x->hdr_key_cap;
    if (!ailib__curl_hdr_key(t, req, &key)) return 0;
    x->hdr_key = key.p; x->hdr_key_len = key.len; x->hdr_key_cap = key.cap;
    if (x->hdrs) { curl_slist_free_all(x->hdrs); x->hdrs = NULL; }
    for (i = 0; i < req->header_count; i++) {
        /* "Name: value" cut out of the key built above (no length limit on a line) */
        size_t nl = strlen(req->headers[i].name), vl = strlen(req->headers[i].value);
        const char *ln = x->hdr_key + off;
        struct curl_slist *nh;
        char save = x->hdr_key[off + nl + 2 + vl];
        x->hdr_key[off + nl + 2 + vl] = 0;
        nh = curl_slist_append(x->hdrs, ln);
        x->hdr_key[off + nl + 2 + vl] = save;
        if (!nh) return 0;
        x->hdrs = nh;
        off += nl + vl + 3;
    }
    if (!(x->hdrs = curl_slist_append(x->hdrs, "Expect:"))) return 0;   /* no 100-continue round trip */
    curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
    return 1;
}

/* http and https only, for the request and for any redirect, whatever libcurl was built
   with: a base URL cannot make ailib write raw bytes to some other service (gopher://, dict://). */
static void ailib__curl_http_only(CURL *e) {
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
}

static ailib_result ailib__curl_start(void *tp, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx,
                                      void **handle, ailib_error *err) {
    ailib__curl *t = (ailib__curl *)tp;
    ailib__cxfer *x = t->free_list;
    if (x) t->free_list = x->next_free;
    else {
        x = (ailib__cxfer *)ailib__malloc(&t->alloc, sizeof *x);
        if (!x) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
        memset(x, 0, sizeof *x);
        x->easy = curl_easy_init();
        if (!x->easy) { ailib__free(&t->alloc, x); return ailib__fail(err, AILIB_NETWORK, "curl_easy_init failed"); }
    }
    x->cb = cb; x->ctx = ctx; x->status = 0; x->done = 0; x->errbuf[0] = 0; x->next_free = NULL;
    x->reported = 0; x->header_bytes = 0; x->too_large = 0;
    if (!x->configured) {
        /* everything a reused handle keeps: set once */
        curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, ailib__curl_write);
        curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
        curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, ailib__curl_header);
        curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
        curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
        curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
        curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");          /* every encoding libcurl has */
        curl_easy_setopt(x->easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
        curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 1L);              /* never turned off */
        curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L);              /* keys stay with the host named */
        ailib__curl_http_only(x->easy);
        if (t->connect_ms > 0) curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, t->connect_ms);
        if (t->timeout_ms > 0) curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, t->timeout_ms);
        if (t->proxy) curl_easy_setopt(x->easy, CURLOPT_PROXY, t->proxy);  /* "" disables env proxies */
        x->configured = 1;
    }
    if (!ailib__curl_headers(t, x, req)) { ailib__curl_xfer_free(t, x); return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); }
    curl_easy_setopt(x->easy, CURLOPT_URL, req->url);
    if (strcmp(req->method, "GET") == 0) curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
    else {
        curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    if (curl_multi_add_handle(t->multi, x->easy) != CURLM_OK) {
        ailib__curl_xfer_free(t, x);
        return ailib__fail(err, AILIB_NETWORK, "curl_multi_add_handle failed");
    }
    *handle = x;
    return AILIB_OK;
}

/* The result of a finished transfer. Only what may pass on a second try stays AILIB_NETWORK
   or AILIB_TIMEOUT (the engine retries those): certificate failures are AILIB_TLS, a URL or
   scheme libcurl refuses AILIB_CONFIGURATION, a reply that is not HTTP AILIB_PROTOCOL. */
static ailib_result ailib__curl_code(const ailib__cxfer *x, CURLcode c) {
    if (x->too_large) return AILIB_TOO_LARGE;
    switch (c) {
    case CURLE_OK: return AILIB_OK;
    case CURLE_OPERATION_TIMEDOUT: return AILIB_TIMEOUT;
    case CURLE_WRITE_ERROR: case CURLE_ABORTED_BY_CALLBACK: return AILIB_CANCELLED;
    case CURLE_OUT_OF_MEMORY:   /* libcurl before 8.6 says so of an overlong header line */
        return strstr(x->errbuf, "eader") ? AILIB_TOO_LARGE : AILIB_OUT_OF_MEMORY;
    case CURLE_UNSUPPORTED_PROTOCOL:   /* also what a server that answers without a status line gets */
        return strstr(x->errbuf, "HTTP/0.9") ? AILIB_PROTOCOL : AILIB_CONFIGURATION;
    case CURLE_URL_MALFORMAT: return AILIB_CONFIGURATION;
    case CURLE_WEIRD_SERVER_REPLY: return AILIB_PROTOCOL;
    case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM: case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER: case CURLE_SSL_ISSUER_ERROR: case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS: case CURLE_SSL_CRL_BADFILE: case CURLE_SSL_ENGINE_NOTFOUND:
        return AILIB_TLS;
    default: return AILIB_NETWORK;
    }
}

static ailib_result ailib__curl_poll(void *tp, int timeout_ms) {
    ailib__curl *t = (ailib__curl *)tp;
    int running = 0, left = 0;
    CURLMsg *m;
    if (timeout_ms > 0) curl_multi_poll(t->multi, NULL, 0, timeout_ms, NULL);
    if (curl_multi_perform(t->multi, &running) != CURLM_OK) return AILIB_NETWORK;
    while ((m = curl_multi_info_read(t->multi, &left)) != NULL) {
        ailib__cxfer *x = NULL;
        if (m->msg != CURLMSG_DONE) continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        if (!x || x->done) continue;
        x->done = 1;
        curl_multi_remove_handle(t->multi, x->easy);
        {
            CURLcode cc = m->data.result;
            char msg[CURL_ERROR_SIZE + 64];
            if (!x->reported) {
                /* no final status reached the engine: the last one seen (a 101), or libcurl's */
                long code = 0;
                curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
                if (code > 0 && code < 1000) x->cb->on_status(x->ctx, (int)code);
                else if (x->status > 0) x->cb->on_status(x->ctx, x->status);
            }
            if (x->too_large) snprintf(msg, sizeof msg, "the response headers exceed %d bytes", AILIB__MAX_HEADER_BYTES);
            else snprintf(msg, sizeof msg, "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc));
            x->cb->on_done(x->ctx, ailib__curl_code(x, cc), msg);
        }
    }
    return AILIB_OK;
}

static void ailib__curl_cancel(void *tp, void *h) {
    ailib__curl *t = (ailib__curl *)tp;
    ailib__cxfer *x = (ailib__cxfer *)h;
    if (!x || x->done) return;
    x->done = 1;
    curl_multi_remove_handle(t->multi, x->easy);
    x->cb->on_done(x->ctx, AILIB_CANCELLED, "cancelled");
}

static void ailib__curl_wakeup(void *tp) { curl_multi_wakeup(((ailib__curl *)tp)->multi); }

static void ailib__curl_release(void *tp, void *h) {
    ailib__curl *t = (ailib__curl *)tp;
    ailib__cxfer *x = (ailib__cxfer *)h;
    if (!x) return;
    if (!x->done) { x->done = 1; curl_multi_remove_handle(t->multi, x->easy); }
    x->next_free = t->free_list;       /* the easy handle keeps its connection cache entry */
    t->free_list = x;
}

static const ailib_transport ailib__transport_curl = {
    ailib__curl_create, ailib__curl_destroy, ailib__curl_start, ailib__curl_poll,
    ailib__curl_cancel, ailib__curl_wakeup, ailib__curl_release, NULL
};

AILIB_API const ailib_transport *ailib_transport_curl(void) { return &ailib__transport_curl; }

static int ailib__global_inited;
AILIB_API ailib_result ailib_global_init(void) {
    if (ailib__global_inited) return AILIB_OK;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return AILIB_NETWORK;
    ailib__global_inited = 1;
    return AILIB_OK;
}
AILIB_API void ailib_global_cleanup(void) {
    if (!ailib__global_inited) return;
    curl_global_cleanup();
    ailib__global_inited = 0;
}
#else
AILIB_API const ailib_transport *ailib_transport_curl(void) { return NULL; }
AILIB_API ailib_result ailib_global_init(void) { return AILIB_OK; }
AILIB_API void ailib_global_cleanup(void) {}
#endif
/* >>engine: clients, calls and their state machine ============================================= */

/* The clock's system headers are at the top of the implementation, outside extern "C". */
#if defined(AILIB_NOW_MS)
#elif defined(_WIN32)
/* Declared, not taken from <windows.h>: that header would bring its macros (min, max, ...)
   and, without WIN32_LEAN_AND_MEAN, winsock.h into the user's file. Same declaration as the
   SDK's, so both may be seen. */
__declspec(dllimport) unsigned long long __stdcall GetTickCount64(void);
#elif defined(__APPLE__)
#elif defined(CLOCK_MONOTONIC)
#elif defined(__linux__)
/* A strict ISO mode hid clock_gettime because a system header came before ailib.h (see the
   top of the file). Every Linux C library has it: declared here with the layout of the plain
   symbol (two longs; x32: two long longs) and Linux's CLOCK_MONOTONIC, 1 on every
   architecture. Nothing later in this file can declare it differently, as the same feature
   macros hide it there too. */
#  if defined(__x86_64__) && defined(__ILP32__)
struct ailib__timespec { long long tv_sec, tv_nsec; };
#  else
struct ailib__timespec { long tv_sec, tv_nsec; };
#  endif
int clock_gettime(int clock_id, struct ailib__timespec *ts);
#  define AILIB__LINUX_CLOCK_DECLARED 1
#endif

/* Milliseconds of a monotonic clock, for timeouts and backoff: wall-clock changes (NTP, the
   user) must not fire or stretch them. */
static int64_t ailib__now_ms(void) {
#if defined(AILIB_NOW_MS)
    return (int64_t)(AILIB_NOW_MS());
#elif defined(_WIN32)
    return (int64_t)GetTickCount64();
#elif defined(__APPLE__)
    mach_timebase_info_data_t tb;
    uint64_t t = mach_absolute_time();
    if (mach_timebase_info(&tb) != 0 || tb.denom == 0) tb.numer = tb.denom = 1;
    return (int64_t)(t / 1000000u * tb.numer / tb.denom + t % 1000000u * tb.numer / tb.denom / 1000000u);
#elif defined(CLOCK_MONOTONIC)
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#elif defined(AILIB__LINUX_CLOCK_DECLARED)
    struct ailib__timespec ts;
    clock_gettime(1, &ts);
    return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
#else
    return (int64_t)time(NULL) * 1000;    /* no monotonic clock known: see AILIB_NOW_MS() */
#endif
}

/* --- feature seams (DESIGN.md 4) ---------------------------------------------------------------
   Routing, cost and interceptors are sections of their own, each behind its macro. A feature
   fills one table at client creation (ailib__client_add_feature); the engine calls every
   table's hook at each point of a call's life, one line per point. With every macro off no
   table is filled and each point is a loop over nothing. Hooks run on the thread that drives
   the client, never inside the transport's own callbacks for prepare/request, and may read
   and change the call's fields below. */

#define AILIB__MAX_FEATURES 4

typedef struct ailib__feature_vt {
    const char *name;
    /* before the wire request of an attempt is built: the first, and again after a fall back.
       May change call->ep and call->req (strings it adds live in call->req_arena), refuse the
       call (return the code with call->err filled: nothing is sent), answer it without the
       network (ailib__call_answer: the bytes go through the same decoders as a reply would),
       or hold it (AILIB_PENDING: the call waits, queued, and every poll asks again, from the
       first feature; call->wake_at, when set, is when asking again makes sense). */
    ailib_result (*prepare)(void *state, ailib_call *call);
    /* call->wr is built: may add headers (ailib__wr_header). A code refuses the call. */
    ailib_result (*request)(void *state, ailib_call *call);
    /* a normalized event before the caller gets it; it may be changed. Non-zero drops it. */
    int (*event)(void *state, ailib_call *call, ailib_event *ev);
    /* an attempt ended: call->result (AILIB_OK included), call->err, call->status, timings */
    void (*attempt)(void *state, ailib_call *call);
    /* the call is about to fail for good (retries spent or not retryable, nothing delivered
       yet, not cancelled): non-zero to go on with a new attempt, after prepare, with the
       retry count reset (another endpoint, another protocol) */
    int (*fallback)(void *state, ailib_call *call);
    /* the call is done: call->result, call->err and call->resp are final but may be amended */
    void (*done)(void *state, ailib_call *call);
    /* per-call data of the feature (call->fdata[i]) must go: the call is freed */
    void (*release)(void *state, ailib_call *call);
    /* the client is destroyed */
    void (*destroy)(void *state);
} ailib__feature_vt;

typedef struct ailib__feature { const ailib__feature_vt *vt; void *state; } ailib__feature;

/* A reply given from memory instead of the transport (a cache, a cassette): played through
   the engine's own callbacks at the next poll, so its events are those of a real reply. */
typedef struct ailib__canned { int status; ailib__buf headers; ailib__buf body; } ailib__canned;

/* A flag one thread sets and another reads (ailib_call_cancel from any thread). */
#if defined(__GNUC__) || defined(__clang__)
#  define AILIB__FLAG_SET(p) __atomic_store_n((p), 1L, __ATOMIC_RELEASE)
#  define AILIB__FLAG_GET(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#elif defined(_MSC_VER)
#  include <intrin.h>
#  define AILIB__FLAG_SET(p) _InterlockedExchange((volatile long *)(p), 1L)
#  define AILIB__FLAG_GET(p) _InterlockedOr((volatile long *)(p), 0L)
#else
#  define AILIB__FLAG_SET(p) (*(volatile long *)(p) = 1L)
#  define AILIB__FLAG_GET(p) (*(volatile long *)(p))
#endif

struct ailib_client {
    ailib_allocator alloc;
    const ailib_provider_info *prov;
    ailib_endpoint ep;
    char *model, *base_url, *api_key, *api_version, *proxy;   /* owned copies */
    int64_t connect_timeout_ms, timeout_ms, first_byte_timeout_ms, idle_timeout_ms, max_retry_wait_ms;
    int max_retries;
    size_t max_response_bytes;
    const ailib_transport *tp;
    void *tpi;
    struct ailib_call *calls;          /* unfinished calls, a doubly linked list */
    size_t active;
    ailib_log_fn log;
    void *log_user;
    uint32_t rng;                      /* backoff jitter */
    ailib_stream *parser;              /* decodes whole (non-streamed) bodies, reused across calls */
    ailib_stream *spare;               /* a finished call's stream decoder, buffers warm, for the next */
    ailib__buf spare_body;             /* a finished call's body buffer, for the next */
    ailib__feature feat[AILIB__MAX_FEATURES];   /* the enabled features, in call order */
    int nfeat;
    int in_cb;                         /* a callback of the caller's is running (depth) */
    int frames;                        /* polls and blocking loops in progress (depth) */
    int destroy_pending;               /* ailib_client_destroy came from inside: done when frames end */
};

typedef enum ailib__call_state {
    AILIB__SEND = 0,        /* build done, waiting to (re)start the exchange */
    AILIB__RECEIVE,         /* the exchange is running */
    AILIB__RETRY_WAIT,      /* a retryable failure before any output: waiting for retry_at */
    AILIB__QUEUED,          /* a feature's prepare said AILIB_PENDING (a gate, a rate limit): asked again each poll */
    AILIB__DONE             /* result and response are final */
} ailib__call_state;

typedef struct ailib__qev { ailib_event ev; size_t text, id, name; } ailib__qev;

struct ailib_call {
    ailib_client *client;
    struct ailib_call *next, *prev;
    ailib__call_state state;
    ailib_call_desc desc;
    ailib_wire_request wr;          /* the built request: the call's copy of what was asked */
    void *handle;                   /* transport exchange */
    int status;
    int attempt;
    int delivered;                  /* events reached the caller: no more retries */
    int cancelled;                  /* the cancellation took effect */
    long cancel_req;                /* ailib_call_cancel asked (any thread): acted on by the poll */
    int orphan;                     /* ailib_call_finish came from a callback: freed once done */
    int should_retry;               /* x-should-retry: -1 absent, 0, 1 */
    int raw;                        /* not a chat: a 2xx body is kept for the caller's parser */
    int64_t retry_after_ms;         /* from the response headers, -1 none */
    char request_id[128];
    char location[256];             /* a redirect's target, for the error message */
    char error_type[64];            /* an error type named in a header (x-amzn-ErrorType) */
    int64_t deadline, attempt_start, last_byte, retry_at;
    int64_t first_byte_ms, idle_ms;  /* this call's timers (0: none), from the client's settings */
    int got_byte;                   /* a header or body byte of this attempt arrived */
    ailib__buf body;                /* whole body (non-stream) or error body */
    ailib_stream *stream;           /* decoder for streamed 2xx bodies */
    ailib_result result;
    ailib_error err;
    ailib_response *resp;
    ailib__qev *q; size_t qn, qcap, qhead;
    ailib__buf qdata;
    /* what the features see and change */
    ailib_endpoint ep;              /* where the attempts go: the client's, or a feature's pick */
    ailib_request req;              /* the normalized request, a deep copy in req_arena while the
                                       client has features; otherwise valid only in ailib_chat_start */
    ailib__arena req_arena;
    int keep_req;                   /* req is the call's own copy */
    int fallbacks;                  /* times a feature restarted the call elsewhere */
    int64_t start_ms, first_event_ms;   /* call start, first event delivered (0: none yet) */
    ailib__canned *canned;          /* the attempts are answered from memory */
    int64_t wake_at;                /* a queued call: when a feature expects to let it go (0: any poll) */
    int canned_due;                 /* this attempt's canned reply is not played yet */
    int attempt_open;               /* the attempt hook has not run for this attempt */
    int held_error;                 /* an ERROR event came before any output: not delivered yet */
    void *fdata[AILIB__MAX_FEATURES];   /* each feature's per-call data */
};

/* Log lines never carry the key, whatever a message quoted. */
static void ailib__log(ailib_client *c, ailib_log_level lvl, const char *fmt, ...) {
    char msg[768];
    va_list ap;
    if (!c->log) return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ailib__redact_secret(msg, c->api_key);
    c->in_cb++;
    c->log(c->log_user, lvl, msg);
    c->in_cb--;
}

/* --- the call's own copy of its request ---------------------------------------------------------- */

/* A string into the arena; NULL stays NULL. *ok drops to 0 when the arena is out of memory. */
static const char *ailib__adup(ailib__arena *a, const char *s, size_t n, int *ok) {
    const char *d;
    if (!s) return NULL;
    if (!(d = ailib__arena_strn(a, s, n))) *ok = 0;
    return d;
}

/* Deep-copies a request into an arena, so that features can rebuild it for another endpoint
   or protocol after ailib_chat_start has returned and the caller has freed theirs. Lengths of
   0 ("use strlen") become real lengths. 0 when out of memory. */
static int ailib__request_copy(ailib__arena *a, const ailib_request *src, ailib_request *dst) {
    size_t i, j;
    int ok = 1;
    *dst = *src;
    dst->model = ailib__adup(a, src->model, src->model ? strlen(src->model) : 0, &ok);
    dst->system = ailib__adup(a, src->system, src->system ? strlen(src->system) : 0, &ok);
    dst->extra_json = ailib__adup(a, src->extra_json, src->extra_json ? strlen(src->extra_json) : 0, &ok);
    dst->user = ailib__adup(a, src->user, src->user ? strlen(src->user) : 0, &ok);
    dst->tool_choice.name = ailib__adup(a, src->tool_choice.name, src->tool_choice.name ? strlen(src->tool_choice.name) : 0, &ok);
    dst->response_format.name = ailib__adup(a, src->response_format.name,
                                            src->response_format.name ? strlen(src->response_format.name) : 0, &ok);
    dst->response_format.schema = ailib__adup(a, src->response_format.schema,
                                              src->response_format.schema ? strlen(src->response_format.schema) : 0, &ok);
    if (src->messages && src->message_count) {
        ailib_message *m = (ailib_message *)ailib__arena_alloc(a, src->message_count * sizeof *m);
        if (!m) return 0;
        for (i = 0; i < src->message_count; i++) {
            const ailib_message *sm = &src->messages[i];
            m[i] = *sm;
            m[i].text = ailib__adup(a, sm->text, sm->text ? strlen(sm->text) : 0, &ok);
            if (sm->parts && sm->part_count) {
                ailib_part *pp = (ailib_part *)ailib__arena_alloc(a, sm->part_count * sizeof *pp);
                if (!pp) return 0;
                for (j = 0; j < sm->part_count; j++) {
                    const ailib_part *sp = &sm->parts[j];
                    ailib_part *d = &pp[j];
                    *d = *sp;
                    d->text_len = ailib__slen(sp->text, sp->text_len);
                    d->text = ailib__adup(a, sp->text, d->text_len, &ok);
                    d->id_len = ailib__slen(sp->id, sp->id_len);
                    d->id = ailib__adup(a, sp->id, d->id_len, &ok);
                    d->name_len = ailib__slen(sp->name, sp->name_len);
                    d->name = ailib__adup(a, sp->name, d->name_len, &ok);
                    d->url_len = ailib__slen(sp->url, sp->url_len);
                    d->url = ailib__adup(a, sp->url, d->url_len, &ok);
                    d->signature_len = ailib__slen(sp->signature, sp->signature_len);
                    d->signature = ailib__adup(a, sp->signature, d->signature_len, &ok);
                    d->mime = ailib__adup(a, sp->mime, sp->mime ? strlen(sp->mime) : 0, &ok);
                    d->data = sp->data ? ailib__adup(a, (const char *)sp->data, sp->data_len, &ok) : NULL;
                }
                m[i].parts = pp;
            } else {
                m[i].parts = NULL;
                m[i].part_count = 0;
            }
        }
        dst->messages = m;
    } else { dst->messages = NULL; dst->message_count = 0; }
    if (src->tools && src->tool_count) {
        ailib_tool *t = (ailib_tool *)ailib__arena_alloc(a, src->tool_count * sizeof *t);
        if (!t) return 0;
        for (i = 0; i < src->tool_count; i++) {
            t[i] = src->tools[i];
            t[i].name = ailib__adup(a, src->tools[i].name, src->tools[i].name ? strlen(src->tools[i].name) : 0, &ok);
            t[i].description = ailib__adup(a, src->tools[i].description,
                                           src->tools[i].description ? strlen(src->tools[i].description) : 0, &ok);
            t[i].parameters = ailib__adup(a, src->tools[i].parameters,
                                          src->tools[i].parameters ? strlen(src->tools[i].parameters) : 0, &ok);
        }
        dst->tools = t;
    } else { dst->tools = NULL; dst->tool_count = 0; }
    if (src->stop && src->stop_count) {
        const char **st = (const char **)ailib__arena_alloc(a, src->stop_count * sizeof *st);
        if (!st) return 0;
        for (i = 0; i < src->stop_count; i++) st[i] = ailib__adup(a, src->stop[i], src->stop[i] ? strlen(src->stop[i]) : 0, &ok);
        dst->stop = st;
    } else { dst->stop = NULL; dst->stop_count = 0; }
    return ok;
}

/* --- the hook points: one call each from the engine -------------------------------------------- */

/* The features a new client starts with: each enabled section adds its init line here (the
   one place outside the sections that names them). */
static ailib_result ailib__features_init(ailib_client *c, const ailib_client_desc *desc, ailib_error *err) {
    (void)c; (void)desc; (void)err;
    return AILIB_OK;
}

/* Adds a feature's table to a client (at creation, before any call). */
static AILIB__MAYBE_UNUSED ailib_result ailib__client_add_feature(ailib_client *c, const ailib__feature_vt *vt, void *state, ailib_error *err) {
    if (c->nfeat == AILIB__MAX_FEATURES) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "too many features on one client");
    c->feat[c->nfeat].vt = vt;
    c->feat[c->nfeat].state = state;
    c->nfeat++;
    return AILIB_OK;
}

static ailib_result ailib__hook_prepare(ailib_call *call) {
    ailib_client *c = call->client;
    ailib_result r;
    int i;
    for (i = 0; i < c->nfeat; i++)
        if (c->feat[i].vt->prepare && (r = c->feat[i].vt->prepare(c->feat[i].state, call)) != AILIB_OK) return r;
    return AILIB_OK;
}

static ailib_result ailib__hook_request(ailib_call *call) {
    ailib_client *c = call->client;
    ailib_result r;
    int i;
    for (i = 0; i < c->nfeat; i++)
        if (c->feat[i].vt->request && (r = c->feat[i].vt->request(c->feat[i].state, call)) != AILIB_OK) return r;
    return AILIB_OK;
}

/* 1 when a feature dropped the event */
static int ailib__hook_event(ailib_call *call, ailib_event *ev) {
    ailib_client *c = call->client;
    int i;
    for (i = 0; i < c->nfeat; i++)
        if (c->feat[i].vt->event && c->feat[i].vt->event(c->feat[i].state, call, ev)) return 1;
    return 0;
}

static void ailib__hook_attempt(ailib_call *call) {
    ailib_client *c = call->client;
    int i;
    for (i = 0; i < c->nfeat; i++) if (c->feat[i].vt->attempt) c->feat[i].vt->attempt(c->feat[i].state, call);
}

static int ailib__hook_fallback(ailib_call *call) {
    ailib_client *c = call->client;
    int i;
    for (i = 0; i < c->nfeat; i++)
        if (c->feat[i].vt->fallback && c->feat[i].vt->fallback(c->feat[i].state, call)) return 1;
    return 0;
}

static void ailib__hook_done(ailib_call *call) {
    ailib_client *c = call->client;
    int i;
    for (i = 0; i < c->nfeat; i++) if (c->feat[i].vt->done) c->feat[i].vt->done(c->feat[i].state, call);
}

static void ailib__hook_release(ailib_call *call) {
    ailib_client *c = call->client;
    int i;
    for (i = 0; i < c->nfeat; i++) if (c->feat[i].vt->release) c->feat[i].vt->release(c->feat[i].state, call);
}

/* Adds a header to the call's built request; its strings live in the call's request arena.
   Control bytes are refused (no injection through a feature's or the caller's headers). */
static AILIB__MAYBE_UNUSED ailib_result ailib__wr_header(ailib_call *call, const char *name, const char *value) {
    ailib_wire_request *wr = &call->wr;
    char *n, *v;
    if (ailib__ctl_byte(name) || ailib__ctl_byte(value) || !*name || strchr(name, ':') || strchr(name, ' '))
        return ailib__fail(&call->err, AILIB_INVALID_ARGUMENT, "header '%.64s' has a control character, a colon or a space in it",
                           ailib__ctl_byte(name) ? "?" : name);
    if (wr->header_count == AILIB_MAX_HEADERS)
        return ailib__fail(&call->err, AILIB_TOO_LARGE, "more than %d request headers", AILIB_MAX_HEADERS);
    n = ailib__arena_strn(&call->req_arena, name, strlen(name));
    v = ailib__arena_strn(&call->req_arena, value, strlen(value));
    if (!n || !v) return ailib__fail(&call->err, AILIB_OUT_OF_MEMORY, "out of memory");
    wr->headers[wr->header_count].name = n;
    wr->headers[wr->header_count].value = v;
    wr->header_count++;
    return AILIB_OK;
}

/* The next attempt of the call is answered from memory: status, header lines ("Name: value\n"
   each, may be NULL) and body are copied and played through the engine's callbacks at the
   next poll, exactly as the transport would have delivered them. */
static AILIB__MAYBE_UNUSED ailib_result ailib__call_answer(ailib_call *call, int status, const char *headers, size_t hl, const char *body, size_t len) {
    const ailib_allocator *a = &call->client->alloc;
    ailib__canned *cn = call->canned;
    if (!cn) {
        if (!(cn = (ailib__canned *)ailib__malloc(a, sizeof *cn))) return ailib__fail(&call->err, AILIB_OUT_OF_MEMORY, "out of memory");
        memset(cn, 0, sizeof *cn);
        call->canned = cn;
    }
    cn->status = status;
    if (!ailib__buf_set(a, &cn->headers, headers ? headers : "", headers ? hl : 0) || !ailib__buf_set(a, &cn->body, body ? body : "", body ? len : 0))
        return ailib__fail(&call->err, AILIB_OUT_OF_MEMORY, "out of memory");
    return AILIB_OK;
}

static void ailib__canned_free(const ailib_allocator *a, ailib__canned *cn) {
    if (!cn) return;
    ailib__free(a, cn->headers.p);
    ailib__free(a, cn->body.p);
    ailib__free(a, cn);
}

static char *ailib__strdup(const ailib_allocator *a, const char *s) {
    size_t n;
    char *d;
    if (!s) return NULL;
    n = strlen(s);
    d = (char *)ailib__malloc(a, n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

/* The first variable of a space-separated list that is set and non-empty, and its name. */
static const char *ailib__env_first(const char *names, char *which, size_t cap) {
    const char *p = names;
    if (which && cap) which[0] = 0;
    while (p && *p) {
        char name[128];
        size_t n = strcspn(p, " ");
        const char *v;
        if (n && n < sizeof name) {
            memcpy(name, p, n);
            name[n] = 0;
            v = getenv(name);
            if (v && *v) { if (which) ailib__copy_trunc(which, cap, name, n); return v; }
        }
        p += n;
        while (*p == ' ') p++;
    }
    return NULL;
}

/* Replaces {VAR} placeholders of a catalog URL from the environment (a value's trailing
   slashes go when the URL continues with one: Azure's portal shows its endpoint as
   "https://x.openai.azure.com/"). NULL with err set when one is unset. */
static int ailib__expand_url(const ailib_allocator *a, ailib__buf *b, const char *url, const char *prov, ailib_error *err) {
    const char *p = url;
    while (*p) {
        const char *o = strchr(p, '{'), *cl;
        char name[128];
        const char *v;
        size_t vl;
        if (!o || !(cl = strchr(o, '}'))) {
            if (ailib__buf_add(a, b, p, strlen(p))) return 1;
            break;
        }
        if (!ailib__buf_add(a, b, p, (size_t)(o - p))) break;
        ailib__copy_trunc(name, sizeof name, o + 1, (size_t)(cl - o - 1));
        v = getenv(name);
        if (!v || !*v) {
            ailib__fail(err, AILIB_CONFIGURATION, "the base URL of '%s' needs %s: set that environment variable or desc.base_url", prov, name);
            return 0;
        }
        vl = strlen(v);
        if (cl[1] == '/') while (vl && v[vl - 1] == '/') vl--;
        if (!ailib__buf_add(a, b, v, vl)) break;
        p = cl + 1;
    }
    if (*p) ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    return !*p;
}

/* The client's base URL from where it came (src names it in messages): placeholders filled
   for catalog URLs only (a URL of the user's own is never a way to read the environment),
   a scheme added when missing (OLLAMA_HOST is often "localhost:11434"; http for local
   servers, https for the rest), and checked: http or https, no control bytes or spaces. */
static char *ailib__client_base(const ailib_allocator *a, const ailib_provider_info *prov, const char *base, const char *src,
                                int catalog, ailib_error *err) {
    ailib__buf u = {0, 0, 0}, out = {0, 0, 0};
    const char *bad;
    char *res = NULL;
    if (!catalog && strchr(base, '{')) {
        ailib__fail(err, AILIB_CONFIGURATION, "%s contains '{': {NAME} placeholders are filled only in catalog URLs; write the URL out",
                    src);
        return NULL;
    }
    if (catalog ? !ailib__expand_url(a, &u, base, prov->name, err) : !ailib__buf_add(a, &u, base, strlen(base))) {
        if (!catalog) ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
        goto done;
    }
    if (!u.p && !ailib__buf_add(a, &u, "", 0)) { ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); goto done; }
    if ((bad = ailib__ctl_byte(u.p)) != NULL || strchr(u.p, ' ')) {
        ailib__fail(err, AILIB_CONFIGURATION, "%s contains a %s: remove it", src,
                    !bad ? "space" : *bad == '\r' || *bad == '\n' ? "line break (CR or LF)" : "control character");
        goto done;
    }
    if (!strstr(u.p, "://") &&
        !ailib__buf_add(a, &out, prov->auth == AILIB_AUTH_NONE ? "http://" : "https://", prov->auth == AILIB_AUTH_NONE ? 7 : 8)) {
        ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
        goto done;
    }
    if (!ailib__buf_add(a, &out, u.p, u.len)) { ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); goto done; }
    if (!ailib__http_scheme(out.p)) {
        char shown[300];
        ailib__url_redact(shown, sizeof shown, out.p);
        ailib__fail(err, AILIB_CONFIGURATION, "%s (%s) is not an http:// or https:// URL: ailib speaks HTTP only", src, shown);
        goto done;
    }
    res = out.p;
    out.p = NULL;
done:
    ailib__free(a, u.p);
    ailib__free(a, out.p);
    return res;
}

/* The longest duration ailib keeps in a timer (about 139 years): any larger setting or hint
   means "practically never" and stays far from int64 overflow when added to a clock. */
#define AILIB__MAX_MS ((int64_t)1 << 42)

/* A plain decimal number (digits, optional fraction, optional exponent; spaces around it
   allowed), read in any locale. No sign, hex, inf or nan: values that come from a header or
   the environment are durations. 1 when the whole text is such a number. */
static int ailib__decimal(const char *s, size_t n, double *out) {
    size_t i = 0, end;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i == n || n - i > 100) return 0;
    end = i;
    if (s[end] < '0' || s[end] > '9') return 0;
    while (end < n && s[end] >= '0' && s[end] <= '9') end++;
    if (end < n && s[end] == '.') {
        end++;
        if (end == n || s[end] < '0' || s[end] > '9') return 0;
        while (end < n && s[end] >= '0' && s[end] <= '9') end++;
    }
    if (end < n && (s[end] == 'e' || s[end] == 'E')) {
        end++;
        if (end < n && (s[end] == '+' || s[end] == '-')) end++;
        if (end == n || s[end] < '0' || s[end] > '9') return 0;
        while (end < n && s[end] >= '0' && s[end] <= '9') end++;
    }
    return end == n && ailib__strtod(s + i, n - i, out, NULL) == 1;
}

/* A duration setting of a desc: 0 means the default, negative means none (0 inside the
   engine), anything else is clamped to AILIB__MAX_MS. */
static int64_t ailib__ms_setting(int64_t v, int64_t dflt) {
    if (v == 0) return dflt;
    if (v < 0) return 0;
    return v > AILIB__MAX_MS ? AILIB__MAX_MS : v;
}

/* A positive number of units from the environment, in ms; 0 when unset or unreadable. */
static int64_t ailib__env_ms(const char *name, int64_t per_unit) {
    const char *v = getenv(name);
    double d;
    if (!v || !ailib__decimal(v, strlen(v), &d) || !(d > 0)) return 0;
    return ailib__clamp_i64(d * (double)per_unit, 1, AILIB__MAX_MS, 0);
}

/* The catalog's rules for models and requests live in >>convo. */
static const ailib_provider_info *ailib__client_model(const ailib_client_desc *desc, const char **model, ailib_error *err);
static ailib_result ailib__client_check(ailib_client *c, const ailib_provider_info *prov, const ailib_request *req, ailib_error *err);

AILIB_API ailib_client *ailib_client_create(const ailib_client_desc *desc, ailib_error *err) {
    ailib_client_desc zero;
    ailib_allocator a;
    ailib_client *c;
    const ailib_provider_info *prov = NULL;
    const char *model, *key, *base, *env_base = NULL;
    char keyvar[128], basevar[128];
    ailib_transport_config tc;
    if (!desc) { memset(&zero, 0, sizeof zero); desc = &zero; }
    a = ailib__allocator(desc->allocator);
    model = desc->model && *desc->model ? desc->model : getenv("AILIB_MODEL");
    /* provider and model by the catalog's rules (>>convo): an explicit row, "provider/model",
       desc.provider, a provider name, or a bare model one provider lists */
    if (!(prov = ailib__client_model(desc, &model, err))) return NULL;
    /* key: desc, then the provider's variables */
    key = desc->api_key && *desc->api_key ? desc->api_key : ailib__env_first(prov->api_key_env, keyvar, sizeof keyvar);
    if (!key && prov->auth != AILIB_AUTH_NONE) {
        /* "GEMINI_API_KEY GOOGLE_API_KEY" reads "GEMINI_API_KEY (or GOOGLE_API_KEY)" */
        char vars[192];
        const char *list = prov->api_key_env ? prov->api_key_env : "";
        size_t first = strcspn(list, " ");
        if (list[first]) snprintf(vars, sizeof vars, "%.*s (or %s)", (int)first, list, list + first + 1);
        else snprintf(vars, sizeof vars, "%s", *list ? list : "an API key");
        ailib__fail(err, AILIB_CONFIGURATION, "no API key for '%s': set %s or desc.api_key", prov->name, vars);
        return NULL;
    }
    {
        /* strings that become header lines: a CR or LF would split the request (a key read
           from a file often ends in a newline) */
        const char *bad;
        if ((bad = ailib__ctl_byte(key)) != NULL) {
            ailib__fail(err, AILIB_CONFIGURATION, "the API key in %s contains a %s: remove it (a key read from a file often "
                        "ends in a newline)", desc->api_key && *desc->api_key ? "desc.api_key" : keyvar,
                        *bad == '\r' || *bad == '\n' ? "line break (CR or LF)" : "control character");
            return NULL;
        }
        if (ailib__ctl_byte(desc->api_version) || ailib__ctl_byte(desc->proxy)) {
            ailib__fail(err, AILIB_CONFIGURATION, "desc.%s contains a control character (CR, LF, ...): remove it",
                        ailib__ctl_byte(desc->api_version) ? "api_version" : "proxy");
            return NULL;
        }
    }
    c = (ailib_client *)ailib__malloc(&a, sizeof *c);
    if (!c) { ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); return NULL; }
    memset(c, 0, sizeof *c);
    c->alloc = a;
    c->prov = prov;
    c->rng = (uint32_t)ailib__now_ms() | 1u;
    /* base URL: desc, then <PROVIDER>_BASE_URL (OLLAMA_HOST may lack a scheme), then the catalog */
    if (!(desc->base_url && *desc->base_url) && prov->base_url_env) env_base = ailib__env_first(prov->base_url_env, basevar, sizeof basevar);
    base = desc->base_url && *desc->base_url ? desc->base_url : env_base ? env_base : prov->base_url;
    if (!base || !*base) {
        ailib__fail(err, AILIB_CONFIGURATION, "provider '%s' has no base URL: set desc.base_url%s%s", prov->name,
                    prov->base_url_env ? " or " : "", prov->base_url_env ? prov->base_url_env : "");
        goto fail;
    }
    {
        char src[192];
        if (base == desc->base_url) snprintf(src, sizeof src, "desc.base_url");
        else if (base == env_base) snprintf(src, sizeof src, "%s", basevar);
        else snprintf(src, sizeof src, "the catalog URL of '%s'", prov->name);
        if (!(c->base_url = ailib__client_base(&a, prov, base, src, base == prov->base_url, err))) goto fail;
    }
    c->model = ailib__strdup(&a, model ? model : "");
    c->api_key = key ? ailib__strdup(&a, key) : NULL;
    c->api_version = ailib__strdup(&a, desc->api_version);
    if (desc->no_proxy) c->proxy = ailib__strdup(&a, "");
    else if (desc->proxy && *desc->proxy) c->proxy = ailib__strdup(&a, desc->proxy);
    else if (getenv("AI_PROXY_URL") && *getenv("AI_PROXY_URL")) c->proxy = ailib__strdup(&a, getenv("AI_PROXY_URL"));
    if (!c->model || (key && !c->api_key)) { ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); goto fail; }
    if (ailib__ctl_byte(c->proxy)) { ailib__fail(err, AILIB_CONFIGURATION, "AI_PROXY_URL contains a control character (CR, LF, ...): remove it"); goto fail; }
    c->connect_timeout_ms = ailib__ms_setting(desc->connect_timeout_ms, 10000);
    c->timeout_ms = desc->timeout_ms > 0 ? ailib__ms_setting(desc->timeout_ms, 0) : ailib__env_ms("AI_TIMEOUT_SECS", 1000);
    if (c->timeout_ms <= 0) c->timeout_ms = 600000;
    c->first_byte_timeout_ms = desc->first_byte_timeout_ms ? ailib__ms_setting(desc->first_byte_timeout_ms, 0) : -1;
    c->idle_timeout_ms = desc->idle_timeout_ms ? ailib__ms_setting(desc->idle_timeout_ms, 0) : -1;   /* -1 here: per call */
    c->max_retry_wait_ms = ailib__ms_setting(desc->max_retry_wait_ms, 60000);
    c->max_retries = desc->max_retries < 0 ? 0 : desc->max_retries ? desc->max_retries : 2;
    c->max_response_bytes = desc->max_response_bytes ? desc->max_response_bytes : (size_t)64 << 20;
    c->log = desc->log;
    c->log_user = desc->log_user;
    c->ep.provider = prov;
    c->ep.base_url = c->base_url;
    c->ep.api_key = c->api_key;
    c->ep.api_version = c->api_version;
    c->ep.allocator = &c->alloc;
    c->tp = desc->transport ? desc->transport : ailib_transport_curl();
    if (!c->tp) { ailib__fail(err, AILIB_CONFIGURATION, "no transport: built with AILIB_NO_CURL, so set desc.transport"); goto fail; }
    memset(&tc, 0, sizeof tc);
    tc.proxy = c->proxy;
    tc.connect_timeout_ms = c->connect_timeout_ms;
    tc.timeout_ms = 0;      /* the engine keeps the whole-call deadline itself, across retries */
    tc.allocator = &c->alloc;
    if (c->tp == ailib_transport_curl()) ailib_global_init();
    c->tpi = c->tp->create(c->tp->user, &tc, err);
    if (!c->tpi) goto fail;
    if (ailib__features_init(c, desc, err) != AILIB_OK) goto fail;
    if (c->log) {
        char where[300];
        ailib__url_redact(where, sizeof where, c->base_url);
        ailib__log(c, AILIB_LOG_INFO, "client for %s (%s), model %s, key from %s", prov->name, where, c->model,
               desc->api_key && *desc->api_key ? "desc.api_key" : keyvar[0] ? keyvar : "nowhere (none needed)");
    }
    return c;
fail:
    ailib_client_destroy(c);
    return NULL;
}

AILIB_API const ailib_provider_info *ailib_client_provider(const ailib_client *c) { return c ? c->prov : NULL; }
AILIB_API const char *ailib_client_model(const ailib_client *c) { return c ? c->model : ""; }
AILIB_API size_t ailib_client_active_calls(const ailib_client *c) { return c ? c->active : 0; }

static void ailib__call_free(ailib_call *call);

static void ailib__client_free(ailib_client *c);

AILIB_API void ailib_client_destroy(ailib_client *c) {
    ailib_call *call;
    if (!c) return;
    if (c->in_cb || c->frames) {
        /* from inside a callback or a poll: the calls stop now, the client goes when the
           outermost ailib_client_poll or blocking call returns */
        c->destroy_pending = 1;
        for (call = c->calls; call; call = call->next) AILIB__FLAG_SET(&call->cancel_req);
        return;
    }
    ailib__client_free(c);
}

static void ailib__client_free(ailib_client *c) {
    ailib_allocator a;
    int i;
    while (c->calls) ailib__call_free(c->calls);     /* unfinished calls die with their client */
    for (i = c->nfeat; i-- > 0;) if (c->feat[i].vt->destroy) c->feat[i].vt->destroy(c->feat[i].state);
    c->nfeat = 0;
    ailib_stream_destroy(c->parser);
    ailib_stream_destroy(c->spare);
    ailib__free(&c->alloc, c->spare_body.p);
    if (c->tpi) c->tp->destroy(c->tpi);
    a = c->alloc;
    ailib__free(&a, c->model);
    ailib__free(&a, c->base_url);
    if (c->api_key) { memset(c->api_key, 0, strlen(c->api_key)); ailib__free(&a, c->api_key); }
    ailib__free(&a, c->api_version);
    ailib__free(&a, c->proxy);
    ailib__free(&a, c);
}

AILIB_API void ailib_client_wakeup(ailib_client *c) { if (c && c->tpi && c->tp->wakeup) c->tp->wakeup(c->tpi); }

/* --- events: delivered to the callback, or queued for ailib_call_next_event ---------------- */

static size_t ailib__q_str(ailib_call *call, const char *s, size_t n) {
    size_t off = call->qdata.len;
    if (!s) return (size_t)-1;
    if (!ailib__buf_add(&call->client->alloc, &call->qdata, s, n) || !ailib__buf_add(&call->client->alloc, &call->qdata, "", 1))
        return (size_t)-1;
    return off;
}

static int ailib__call_on_event(void *user, const ailib_event *in) {
    ailib_call *call = (ailib_call *)user;
    ailib__qev *q;
    ailib_event local = *in;
    const ailib_event *ev = &local;
    if (ailib__hook_event(call, &local)) return 0;     /* a feature dropped it */
    if (in->type == AILIB_EVENT_ERROR && !call->delivered && !call->held_error) {
        /* an error before any output: held back, so that a retry can still replace it; given
           when the call ends in it (ailib__call_done) */
        call->held_error = 1;
        return 0;
    }
    call->held_error = 0;
    if (!call->first_event_ms) call->first_event_ms = ailib__now_ms();
    call->delivered = 1;
    if (call->desc.on_event) {
        ailib_client *c = call->client;
        int stop;
        c->in_cb++;
        stop = call->desc.on_event(call->desc.user, ev);
        c->in_cb--;
        if (stop || AILIB__FLAG_GET(&call->cancel_req)) { call->cancelled = 1; return 1; }
        return 0;
    }
    if (call->qn == call->qcap) {
        size_t ncap = call->qcap ? call->qcap * 2 : 16;
        ailib__qev *nq = (ailib__qev *)ailib__realloc(&call->client->alloc, call->q, call->qcap * sizeof *nq, ncap * sizeof *nq);
        if (!nq) return 1;
        call->q = nq;
        call->qcap = ncap;
    }
    q = &call->q[call->qn++];
    q->ev = *ev;
    q->text = ailib__q_str(call, ev->text, ev->text_len);
    q->id = ailib__q_str(call, ev->id, ev->id_len);
    q->name = ailib__q_str(call, ev->name, ev->name_len);
    return 0;
}

AILIB_API ailib_result ailib_call_next_event(ailib_call *call, ailib_event *ev) {
    ailib__qev *q;
    if (!call || !ev) return AILIB_INVALID_ARGUMENT;
    if (call->qhead == call->qn && call->qn) {          /* all handed out: reuse the buffers */
        call->qhead = call->qn = 0;
        call->qdata.len = 0;
    }
    if (call->qhead == call->qn) {
        memset(ev, 0, sizeof *ev);
        return AILIB_PENDING;
    }
    q = &call->q[call->qhead++];
    *ev = q->ev;
    ev->text = q->text == (size_t)-1 ? NULL : call->qdata.p + q->text;
    ev->id = q->id == (size_t)-1 ? NULL : call->qdata.p + q->id;
    ev->name = q->name == (size_t)-1 ? NULL : call->qdata.p + q->name;
    return AILIB_OK;
}

AILIB_API int ailib_call_done(const ailib_call *call) {
    return call && call->state == AILIB__DONE && call->qhead == call->qn;
}

/* --- transport callbacks ------------------------------------------------------------------- */

/* n decimal digits at s as an int, or -1 when any is not a digit. */
static int ailib__digits(const char *s, size_t n) {
    int v = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* An IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT", RFC 9110 5.6.7) as seconds since the
   epoch; -1 when it is not one or a field is out of range. Fixed field widths keep every
   number small, so nothing a server writes can overflow. */
static int64_t ailib__http_date(const char *s, size_t n) {
    static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int day, m, y, hh, mm, ss, i;
    int64_t era, yoe, doy, doe;
    if (n != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
        s[22] != ':' || s[25] != ' ' || memcmp(s + 26, "GMT", 3) != 0) return -1;
    for (m = 0, i = 0; i < 12 && !m; i++) if (memcmp(s + 8, mon + 3 * i, 3) == 0) m = i + 1;
    day = ailib__digits(s + 5, 2); y = ailib__digits(s + 12, 4);
    hh = ailib__digits(s + 17, 2); mm = ailib__digits(s + 20, 2); ss = ailib__digits(s + 23, 2);
    if (!m || day < 1 || day > 31 || y < 1970 || hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0) return -1;
    /* days since the epoch in the civil calendar */
    y -= m <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400 + hh * 3600 + mm * 60 + ss;
}

/* A retry hint header (seconds or an HTTP-date; milliseconds when ms) in ms, within
   [0, AILIB__MAX_MS]; -1 when unreadable (negative, inf, nan, garbage: ignored). */
static int64_t ailib__retry_after(const char *v, size_t n, int ms) {
    double d;
    int64_t when;
    if (ailib__decimal(v, n, &d)) return ailib__clamp_i64(ms ? d : d * 1000.0, 0, AILIB__MAX_MS, -1);
    if ((when = ailib__http_date(v, n)) < 0) return -1;
    when -= (int64_t)time(NULL);
    return when <= 0 ? 0 : when > AILIB__MAX_MS / 1000 ? AILIB__MAX_MS : when * 1000;
}

static int ailib__hdr_is(const char *name, size_t n, const char *lit) {
    size_t i, l = strlen(lit);
    if (n != l) return 0;
    for (i = 0; i < n; i++) if (tolower((unsigned char)name[i]) != lit[i]) return 0;
    return 1;
}

/* The complete header block counts as life for the first-byte and idle timers: a server that
   answered the request is working on it (Gemini, for one, is silent while it thinks). Header
   lines alone do not: a server that drips them is not answering. */
static void ailib__alive(ailib_call *call) {
    call->got_byte = 1;
    call->last_byte = ailib__now_ms();
}

static void ailib__cb_status(void *ctx, int status) {
    ailib_call *call = (ailib_call *)ctx;
    call->status = status;
    ailib__alive(call);
}

static void ailib__cb_header(void *ctx, const char *name, size_t nl, const char *value, size_t vl) {
    ailib_call *call = (ailib_call *)ctx;
    if (ailib__hdr_is(name, nl, "x-request-id") || ailib__hdr_is(name, nl, "request-id") || ailib__hdr_is(name, nl, "x-goog-request-id"))
        ailib__copy_trunc(call->request_id, sizeof call->request_id, value, vl);
    else if (ailib__hdr_is(name, nl, "retry-after-ms") || ailib__hdr_is(name, nl, "x-ms-retry-after-ms"))
        call->retry_after_ms = ailib__retry_after(value, vl, 1);
    else if (ailib__hdr_is(name, nl, "retry-after") && call->retry_after_ms < 0)
        call->retry_after_ms = ailib__retry_after(value, vl, 0);
    else if (ailib__hdr_is(name, nl, "location"))
        ailib__copy_trunc(call->location, sizeof call->location, value, vl);
    else if (ailib__hdr_is(name, nl, "x-amzn-errortype")) {
        /* AWS names the error in a header: "ThrottlingException:http://internal.amazon.com/..." */
        const char *colon = (const char *)memchr(value, ':', vl);
        ailib__copy_trunc(call->error_type, sizeof call->error_type, value, colon ? (size_t)(colon - value) : vl);
    }
    else if (ailib__hdr_is(name, nl, "x-should-retry"))
        call->should_retry = (vl == 4 && memcmp(value, "true", 4) == 0) ? 1 : 0;
}

static int ailib__cb_body(void *ctx, const char *data, size_t len) {
    ailib_call *call = (ailib_call *)ctx;
    ailib_client *c = call->client;
    ailib__alive(call);
    if (call->cancelled || AILIB__FLAG_GET(&call->cancel_req)) { call->cancelled = 1; return 1; }
    if (call->last_byte >= call->deadline) {
        /* a server that never stops sending: the deadline holds inside one long read too */
        call->result = ailib__fail(&call->err, AILIB_TIMEOUT, "the call took longer than %lld ms: raise desc.timeout_ms",
                                   (long long)c->timeout_ms);
        return 1;
    }
    if (call->stream && call->status >= 200 && call->status < 300) {
        ailib_result r = ailib_stream_feed(call->stream, data, len, ailib__call_on_event, call, &call->err);
        if (r != AILIB_OK) { call->result = r; return 1; }
        return 0;
    }
    if (call->body.len + len > c->max_response_bytes) {
        call->result = ailib__fail(&call->err, AILIB_TOO_LARGE, "the response exceeds %lu bytes: raise desc.max_response_bytes",
                                   (unsigned long)c->max_response_bytes);
        return 1;
    }
    if (!ailib__buf_add(&c->alloc, &call->body, data, len)) {
        call->result = ailib__fail(&call->err, AILIB_OUT_OF_MEMORY, "out of memory");
        return 1;
    }
    return 0;
}

static void ailib__call_done(ailib_call *call);
static void ailib__call_retry_or_done(ailib_call *call);
static ailib_result ailib__call_build(ailib_call *call, ailib_error *err);

/* An exchange that ended without a final answer: no status at all (not an HTTP server, or a
   transport that never reported one), a 1xx as the last status (101 Switching Protocols), or
   a redirect, which is never followed so that keys do not travel to another host. */
static void ailib__status_fail(ailib_call *call) {
    char where[300];
    if (call->status >= 300) {
        ailib__url_redact(where, sizeof where, call->location[0] ? call->location : "(no Location header)");
        call->result = ailib__fail(&call->err, AILIB_CONFIGURATION,
                                   "%s redirected the request (HTTP %d) to %s: redirects are not followed, so that keys "
                                   "stay with the host you named; set the base URL to the new address", call->ep.provider->name,
                                   call->status, where);
    } else if (call->status >= 100) {
        call->result = ailib__fail(&call->err, AILIB_PROTOCOL,
                                   "%s answered HTTP %d instead of a response (ailib does not switch protocols): check "
                                   "the base URL", call->ep.provider->name, call->status);
    } else {
        ailib__url_redact(where, sizeof where, call->ep.base_url ? call->ep.base_url : call->ep.provider->base_url);
        call->result = ailib__fail(&call->err, AILIB_PROTOCOL,
                                   "the exchange with %s (%s) ended without an HTTP status: is the base URL an HTTP API?",
                                   call->ep.provider->name, where);
    }
    call->err.http_status = call->status;
    call->err.retryable = 0;
}

static void ailib__cb_done(void *ctx, ailib_result r, const char *message) {
    ailib_call *call = (ailib_call *)ctx;
    ailib_client *c = call->client;
    if (call->state != AILIB__RECEIVE) return;
    if (call->result != AILIB_OK) { ailib__call_retry_or_done(call); return; }   /* we stopped it, reason set */
    if (r != AILIB_OK) {
        char where[300];
        ailib__url_redact(where, sizeof where, call->ep.base_url ? call->ep.base_url : call->ep.provider->base_url);
        if (r == AILIB_CANCELLED && call->cancelled) ailib__fail(&call->err, AILIB_CANCELLED, "the call was cancelled");
        else if (r == AILIB_TIMEOUT) ailib__fail(&call->err, AILIB_TIMEOUT, "timed out talking to %s: %s", call->ep.provider->name, message);
        else if (r == AILIB_TLS)
            ailib__fail(&call->err, r, "TLS failure talking to %s (%s): %s: check the host name and the system's CA "
                        "certificates (verification is never turned off)", call->ep.provider->name, where, message);
        else if (r == AILIB_CONFIGURATION)
            ailib__fail(&call->err, r, "the URL of %s (%s) cannot be used: %s", call->ep.provider->name, where, message);
        else if (r == AILIB_TOO_LARGE) ailib__fail(&call->err, r, "%s (%s): %s", call->ep.provider->name, where, message);
        else if (r == AILIB_PROTOCOL)
            ailib__fail(&call->err, r, "%s (%s) did not answer in HTTP: %s: check the base URL", call->ep.provider->name, where, message);
        else ailib__fail(&call->err, r, "network error talking to %s (%s): %s", call->ep.provider->name, where, message);
        call->err.retryable = r == AILIB_NETWORK || r == AILIB_TIMEOUT;
        call->result = r;
        ailib__call_retry_or_done(call);
        return;
    }
    if (call->status < 200 || (call->status >= 300 && call->status <= 399)) {
        ailib__status_fail(call);
        ailib__call_retry_or_done(call);
        return;
    }
    if (call->status > 299) {
        call->result = ailib_wire_error_parse(&call->ep, call->status, call->body.p, call->body.len, &call->err);
        ailib__error_retype(&call->err, call->status, call->error_type);
        call->result = call->err.code;
        if (call->retry_after_ms >= 0) call->err.retry_after_ms = call->retry_after_ms;
        ailib__call_retry_or_done(call);
        return;
    }
    if (call->raw) {
        call->result = AILIB_OK;
    } else if (call->stream) {
        call->result = ailib_stream_finish(call->stream, ailib__call_on_event, call, &call->err);
        if (call->result == AILIB_CANCELLED || call->cancelled) {
            call->result = AILIB_CANCELLED;
            ailib__fail(&call->err, AILIB_CANCELLED, "the call was cancelled");
        } else if (call->result != AILIB_OK) {
            /* an error body in place of the stream, or an error before any output: retried
               like its status while nothing reached the caller */
            ailib__error_retype(&call->err, call->status, call->error_type);
            call->result = call->err.code ? call->err.code : call->result;
            ailib__call_retry_or_done(call);
            return;
        }
    } else {
        /* the client's decoder, reused, when the call went where the client goes */
        if (call->ep.provider == c->ep.provider && !c->parser) c->parser = ailib_stream_create(&c->ep, NULL, &call->err);
        if (call->ep.provider != c->ep.provider)
            call->result = ailib_wire_response_parse(&call->ep, call->status, call->body.p ? call->body.p : "", call->body.len,
                                                     &call->resp, &call->err);
        else call->result = c->parser ? ailib__response_parse_in(c->parser, call->body.p ? call->body.p : "", call->body.len,
                                                                 &call->resp, &call->err)
                                      : AILIB_OUT_OF_MEMORY;
        if (call->result == AILIB_OK && !call->resp->model[0] && call->wr.body) {
            /* a provider that does not echo the model (Cohere): report the one asked for */
            ailib_json_doc *d = NULL;
            const char *m;
            size_t ml;
            if (ailib_json_parse(call->wr.body, call->wr.body_len, NULL, &d, NULL) == AILIB_OK &&
                (m = ailib_json_str(ailib_json_get(ailib_json_doc_root(d), "model"), &ml)) != NULL)
                call->resp->model = ailib__arena_strn(&call->resp->arena, m, ml);
            else if (call->req.model) call->resp->model = ailib__arena_strn(&call->resp->arena, call->req.model, strlen(call->req.model));
            else call->resp->model = ailib__arena_strn(&call->resp->arena, c->model, strlen(c->model));
            if (!call->resp->model) call->resp->model = "";
            ailib_json_doc_destroy(d);
        }
        if (call->result != AILIB_OK) {
            /* an error envelope served with a 2xx: retried like the status it stands for */
            ailib__error_retype(&call->err, call->status, call->error_type);
            call->result = call->err.code ? call->err.code : call->result;
            if (call->err.retryable) {
                ailib_response_destroy(call->resp);
                call->resp = NULL;
                ailib__call_retry_or_done(call);
                return;
            }
        }
    }
    ailib__call_done(call);
}

static const ailib_http_callbacks ailib__call_cbs = { ailib__cb_status, ailib__cb_header, ailib__cb_body, ailib__cb_done };

/* --- the state machine ---------------------------------------------------------------------- */

static void ailib__call_attempt(ailib_call *call) {
    ailib_client *c = call->client;
    ailib_result r;
    call->status = 0;
    call->should_retry = -1;
    call->retry_after_ms = -1;
    call->request_id[0] = 0;
    call->location[0] = 0;
    call->error_type[0] = 0;
    call->held_error = 0;
    call->body.len = 0;
    call->got_byte = 0;
    call->result = AILIB_OK;
    ailib_error_clear(&call->err);
    if (call->stream) ailib_stream_reset(call->stream);
    call->attempt_start = call->last_byte = ailib__now_ms();
    call->state = AILIB__RECEIVE;
    call->attempt++;
    call->attempt_open = 1;
    if (call->canned) { call->canned_due = 1; return; }   /* played by the next poll */
    r = c->tp->start(c->tpi, &call->wr, &ailib__call_cbs, call, &call->handle, &call->err);
    if (r != AILIB_OK) {
        call->handle = NULL;
        call->result = r;
        ailib__call_done(call);
    }
}

/* A reply from memory, through the same callbacks as the transport's. */
static void ailib__canned_play(ailib_call *call) {
    const ailib__canned *cn = call->canned;
    const char *h = ailib__buf_str(&cn->headers), *end = h + cn->headers.len;
    call->canned_due = 0;
    ailib__cb_status(call, cn->status);
    while (h < end) {
        const char *nl = (const char *)memchr(h, '\n', (size_t)(end - h)), *colon, *v;
        if (!nl) nl = end;
        colon = (const char *)memchr(h, ':', (size_t)(nl - h));
        if (colon) {
            for (v = colon + 1; v < nl && (*v == ' ' || *v == '\t'); v++) {}
            ailib__cb_header(call, h, (size_t)(colon - h), v, (size_t)(nl - v));
        }
        h = nl + (nl < end);
    }
    if (cn->body.len && ailib__cb_body(call, cn->body.p, cn->body.len)) {
        ailib__cb_done(call, call->cancelled ? AILIB_CANCELLED : AILIB_OK, "stopped");
        return;
    }
    ailib__cb_done(call, AILIB_OK, "");
}

/* The attempt hook, once per attempt, whatever ended it. */
static void ailib__attempt_closed(ailib_call *call) {
    if (!call->attempt_open) return;
    call->attempt_open = 0;
    ailib__hook_attempt(call);
}

/* The call failed for good unless a feature restarts it elsewhere (a fall back): then the
   request is prepared and built again and the next poll sends it, retries counted anew. */
static void ailib__call_fail(ailib_call *call) {
    ailib_result r;
    if (call->cancelled || call->delivered || call->result == AILIB_OK || !ailib__hook_fallback(call)) { ailib__call_done(call); return; }
    if (call->handle) { call->client->tp->release(call->client->tpi, call->handle); call->handle = NULL; }
    call->fallbacks++;
    call->attempt = 0;
    ailib_error_clear(&call->err);
    call->result = AILIB_OK;
    if ((r = ailib__hook_prepare(call)) == AILIB_PENDING) { call->state = AILIB__QUEUED; return; }
    if (r == AILIB_OK) r = ailib__call_build(call, &call->err);
    if (r != AILIB_OK) { call->result = r; ailib__call_done(call); return; }
    call->state = AILIB__SEND;
}

/* Exponential backoff 0.5 s x 2^n, capped at 8 s, minus up to 25 % jitter; a provider's
   retry-after hint wins (ailib__call_retry_or_done refuses hints over max_retry_wait_ms). */
static int64_t ailib__backoff_ms(ailib_call *call) {
    ailib_client *c = call->client;
    int64_t d = 500;
    int i;
    if (call->err.retry_after_ms >= 0) return call->err.retry_after_ms;
    for (i = 1; i < call->attempt && d < 8000; i++) d *= 2;
    if (d > 8000) d = 8000;
    c->rng ^= c->rng << 13; c->rng ^= c->rng >> 17; c->rng ^= c->rng << 5;
    return d - (int64_t)(c->rng % (uint32_t)(d / 4 + 1));
}

static void ailib__call_retry_or_done(ailib_call *call) {
    ailib_client *c = call->client;
    int retry = call->err.retryable;
    ailib__attempt_closed(call);
    if (call->should_retry >= 0 && call->status) retry = call->should_retry;
    if (call->cancelled || call->delivered || call->attempt > c->max_retries || !retry) { ailib__call_fail(call); return; }
    if (call->err.retry_after_ms > c->max_retry_wait_ms) {
        /* a wait longer than the caller allows: give the hint back instead of parking the call */
        size_t ml = strlen(call->err.message);
        snprintf(call->err.message + ml, sizeof call->err.message - ml,
                 " (not retried: the provider asks to wait %lld ms, more than desc.max_retry_wait_ms %lld)",
                 (long long)call->err.retry_after_ms, (long long)c->max_retry_wait_ms);
        ailib__call_fail(call);
        return;
    }
    call->retry_at = ailib__now_ms() + ailib__backoff_ms(call);
    if (call->retry_at >= call->deadline) { ailib__call_fail(call); return; }
    ailib__log(c, AILIB_LOG_WARN, "%s failed (%s), retry %d of %d in %lld ms", call->ep.provider->name, ailib_result_name(call->result),
               call->attempt, c->max_retries, (long long)(call->retry_at - ailib__now_ms()));
    if (call->handle) { c->tp->release(c->tpi, call->handle); call->handle = NULL; }
    call->state = AILIB__RETRY_WAIT;
}

static void ailib__call_done(ailib_call *call) {
    ailib_client *c = call->client;
    if (call->state == AILIB__DONE) return;
    ailib__attempt_closed(call);
    call->state = AILIB__DONE;
    if (call->handle) { c->tp->release(c->tpi, call->handle); call->handle = NULL; }
    if (call->stream) {
        /* the response keeps what arrived, also when the call failed part-way */
        call->resp = ailib_stream_take_response(call->stream);
    }
    if (call->resp) {
        ailib__copy_trunc(call->resp->error.request_id, sizeof call->resp->error.request_id,
                          call->request_id, strlen(call->request_id));
        ailib__redact_error(&call->resp->error, c->api_key);
    }
    if (call->result != AILIB_OK) {
        call->err.code = call->result;
        if (!call->err.request_id[0]) ailib__copy_trunc(call->err.request_id, sizeof call->err.request_id, call->request_id, strlen(call->request_id));
        if (call->status && !call->err.http_status) call->err.http_status = call->status;
        ailib__redact_error(&call->err, c->api_key);
        ailib__log(c, AILIB_LOG_WARN, "%s call failed: %s", call->ep.provider->name, call->err.message);
        if (call->held_error && !call->cancelled && c->frames) {
            /* the error event held back for a retry that did not come */
            ailib_event ev;
            memset(&ev, 0, sizeof ev);
            ev.type = AILIB_EVENT_ERROR;
            ev.error = &call->err;
            ailib__call_on_event(call, &ev);
        }
    }
    call->held_error = 0;
    ailib__hook_done(call);
    if (c->active) c->active--;
}

/* Timers of one call: retry due, whole-call deadline, first byte, idle. */
static void ailib__call_timers(ailib_call *call, int64_t now) {
    ailib_client *c = call->client;
    if (call->state == AILIB__RETRY_WAIT && now >= call->retry_at) { ailib__call_attempt(call); return; }
    if (call->state != AILIB__RECEIVE) return;
    if (now >= call->deadline) {
        call->result = ailib__fail(&call->err, AILIB_TIMEOUT, "the call took longer than %lld ms: raise desc.timeout_ms",
                                   (long long)c->timeout_ms);
    } else if (!call->got_byte && call->first_byte_ms && now - call->attempt_start >= call->first_byte_ms) {
        call->result = ailib__fail(&call->err, AILIB_TIMEOUT, "no response from %s within %lld ms: raise desc.first_byte_timeout_ms",
                                   call->ep.provider->name, (long long)call->first_byte_ms);
        call->err.retryable = 1;
    } else if (call->got_byte && call->idle_ms && now - call->last_byte >= call->idle_ms) {
        call->result = ailib__fail(&call->err, AILIB_TIMEOUT, "the response from %s stalled for %lld ms: raise desc.idle_timeout_ms",
                                   call->ep.provider->name, (long long)call->idle_ms);
        call->err.retryable = 1;      /* retried only while nothing reached the caller */
    } else return;
    if (call->handle) c->tp->cancel(c->tpi, call->handle);   /* on_done sees result set */
    if (call->state == AILIB__RECEIVE) ailib__call_retry_or_done(call);
}

/* Milliseconds until the next timer of any call, capped at cap. */
static int ailib__next_timer(ailib_client *c, int64_t now, int cap) {
    ailib_call *call;
    int64_t best = cap;
    for (call = c->calls; call; call = call->next) {
        int64_t t = -1;
        if ((call->state == AILIB__SEND || call->canned_due || AILIB__FLAG_GET(&call->cancel_req)) && call->state != AILIB__DONE) return 0;
        if (call->state == AILIB__RETRY_WAIT) t = call->retry_at;
        else if (call->state == AILIB__QUEUED) t = call->wake_at && call->wake_at < call->deadline ? call->wake_at : call->deadline;
        else if (call->state == AILIB__RECEIVE) {
            t = call->deadline;
            if (!call->got_byte && call->first_byte_ms && call->attempt_start + call->first_byte_ms < t) t = call->attempt_start + call->first_byte_ms;
            if (call->got_byte && call->idle_ms && call->last_byte + call->idle_ms < t) t = call->last_byte + call->idle_ms;
        }
        if (t >= 0 && t - now < best) best = t - now;
    }
    return best < 0 ? 0 : (int)best;
}

static void ailib__call_cancel_now(ailib_call *call);
static void ailib__call_free(ailib_call *call);
static void ailib__call_unqueue(ailib_call *call, int64_t now);

/* What the poll does for each call outside the transport: cancellations asked for (from any
   thread or a callback), launches deferred from a callback, timers, and the free of calls
   whose owner gave them up inside a callback. */
static void ailib__calls_tick(ailib_client *c) {
    ailib_call *call, *nx;
    int64_t now = ailib__now_ms();
    for (call = c->calls; call; call = nx) {
        nx = call->next;
        if (call->state != AILIB__DONE && AILIB__FLAG_GET(&call->cancel_req)) ailib__call_cancel_now(call);
        else if (call->state == AILIB__SEND) ailib__call_attempt(call);
        else if (call->state == AILIB__QUEUED) { if (!call->wake_at || now >= call->wake_at || now >= call->deadline) ailib__call_unqueue(call, now); }
        else if (call->state == AILIB__RECEIVE && call->canned_due) ailib__canned_play(call);
        else ailib__call_timers(call, now);
        if (call->orphan && call->state == AILIB__DONE) ailib__call_free(call);
    }
}

AILIB_API ailib_result ailib_client_poll(ailib_client *c, int timeout_ms) {
    int wait;
    ailib_result r = AILIB_OK;
    if (!c) return AILIB_INVALID_ARGUMENT;
    if (c->in_cb) return AILIB_INVALID_ARGUMENT;   /* from inside one of its callbacks: see THREADS AND CALLBACKS */
    c->frames++;
    ailib__calls_tick(c);
    if (!c->destroy_pending) {
        wait = timeout_ms > 0 ? ailib__next_timer(c, ailib__now_ms(), timeout_ms) : 0;
        r = c->tp->poll(c->tpi, wait);
        ailib__calls_tick(c);
    }
    if (--c->frames == 0 && c->destroy_pending) {
        ailib__client_free(c);        /* ailib_client_destroy was called from a callback */
        return AILIB_CANCELLED;
    }
    return r;
}

/* The call's first-byte and idle timers. Streamed replies start with their headers at once,
   so a silent server is dead after first_byte_timeout_ms; a non-streamed reply is written when
   complete, so only the whole-call deadline bounds its wait. Inside a response, a model that
   may reason can be silent for minutes (no thinking deltas on some protocols), others not. */
static void ailib__call_timeouts(ailib_client *c, ailib_call *call, int may_reason) {
    call->first_byte_ms = c->first_byte_timeout_ms >= 0 ? c->first_byte_timeout_ms : call->desc.stream ? 120000 : 0;
    call->idle_ms = c->idle_timeout_ms >= 0 ? c->idle_timeout_ms : may_reason ? 300000 : 60000;
}

/* 1 when a reply to req may think silently: reasoning asked for, or a model the catalog says
   reasons, or one it does not know. */
static int ailib__may_reason(const ailib_provider_info *p, const char *m, const ailib_request *req) {
    const ailib_model_info *mi;
    const char *slash = strchr(m, '/');
    if ((req->reasoning.effort != AILIB_EFFORT_DEFAULT && req->reasoning.effort != AILIB_EFFORT_NONE) ||
        req->reasoning.budget_tokens > 0) return 1;
    if (slash && ailib_provider_findn(m, (size_t)(slash - m)) == p) m = slash + 1;
    mi = ailib_model_find(p->name, m);
    return !mi || (mi->caps & AILIB_CAP_REASONING) != 0;
}

/* Links a built call into its client and makes its first attempt. */
static void ailib__call_launch(ailib_client *c, ailib_call *call) {
    if (!call->body.p && c->spare_body.p) {          /* a warm body buffer: no growth per call */
        call->body = c->spare_body;
        memset(&c->spare_body, 0, sizeof c->spare_body);
    }
    call->next = c->calls;
    if (c->calls) c->calls->prev = call;
    c->calls = call;
    c->active++;
    call->deadline = ailib__now_ms() + c->timeout_ms;
    if (call->state == AILIB__QUEUED) return;     /* a feature holds it: the poll asks again */
    if (c->in_cb) call->state = AILIB__SEND;     /* inside a callback the transport is busy: the poll starts it */
    else ailib__call_attempt(call);
}

/* The blocking calls run a frame of their own around their polls, so that a callback that
   destroys the client only marks it: it goes when the blocking call returns. */
static const char ailib__in_cb_msg[] = "a blocking call (ailib_chat, ailib_chat_stream, ailib_embed, ...) or "
    "ailib_client_poll was made from inside a callback of the same client: use another client, or start the call "
    "with ailib_chat_start and let the poll loop run it";

/* Polls until the call is done, the client is being destroyed, or the transport fails. */
static void ailib__wait(ailib_client *c, ailib_call *call) {
    while (call->state != AILIB__DONE && !c->destroy_pending) {
        if (ailib_client_poll(c, 1000) != AILIB_OK) { ailib__call_cancel_now(call); break; }
    }
    if (call->state != AILIB__DONE) ailib__call_cancel_now(call);
}

static void ailib__frame_end(ailib_client *c) {
    if (--c->frames == 0 && c->destroy_pending) ailib__client_free(c);
}

/* A non-chat exchange (embeddings, model list) through the same engine: retries, timeouts
   and error mapping included. Takes over wr; on success *status and *body (caller frees
   with the client's allocator) hold the answer. */
static ailib_result ailib__raw_call(ailib_client *c, ailib_wire_request *wr, int *status, ailib__buf *body, ailib_error *err) {
    ailib_call *call;
    ailib_result r;
    memset(body, 0, sizeof *body);
    if (c->in_cb) {
        ailib_wire_request_deinit(wr);
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "%s", ailib__in_cb_msg);
    }
    call = (ailib_call *)ailib__malloc(&c->alloc, sizeof *call);
    if (!call) { ailib_wire_request_deinit(wr); return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); }
    memset(call, 0, sizeof *call);
    call->client = c;
    call->raw = 1;
    call->ep = c->ep;
    call->req_arena.alloc = c->alloc;
    call->start_ms = ailib__now_ms();
    call->wr = *wr;
    memset(wr, 0, sizeof *wr);
    ailib__call_timeouts(c, call, 0);
    ailib__call_launch(c, call);
    c->frames++;
    ailib__wait(c, call);
    r = call->result;
    *status = call->status;
    if (r == AILIB_OK) { *body = call->body; memset(&call->body, 0, sizeof call->body); }
    else if (err) *err = call->err;
    ailib__call_free(call);
    ailib__frame_end(c);
    return r;
}

static ailib_result ailib__embed_one(ailib_client *c, const ailib_embed_request *req, ailib_embeddings **out, ailib_error *err) {
    ailib_wire_request wr;
    ailib__buf body;
    int status = 0;
    ailib_result r;
    size_t ml = 0;
    const char *sent;
    if ((r = ailib_wire_embed_build(&c->ep, req, &wr, err)) != AILIB_OK) return r;
    if ((r = ailib__raw_call(c, &wr, &status, &body, err)) != AILIB_OK) return r;
    sent = ailib__em_model(c->ep.provider, req ? req->model : NULL, &ml);   /* the model the request named */
    r = ailib__embed_parse(&c->ep, status, body.p ? body.p : "", body.len, sent, out, err);
    ailib__free(&c->alloc, body.p);
    return r;
}

/* The most inputs one request of the protocol may carry (0: no documented limit):
   Gemini batchEmbedContents 100, Cohere v2 embed 96, OpenAI /embeddings 2048. */
static size_t ailib__em_batch_max(ailib_protocol p) {
    switch (p) {
    case AILIB_PROTOCOL_GEMINI: return 100;
    case AILIB_PROTOCOL_COHERE: return 96;
    case AILIB_PROTOCOL_OPENAI_CHAT: case AILIB_PROTOCOL_OPENAI_RESPONSES: return 2048;
    default: return 0;
    }
}

/* One result from the results of consecutive batches: vectors in input order, usage summed. */
static ailib_result ailib__em_merge(const ailib_allocator *alloc, ailib_embeddings *const *parts, size_t k,
                                   ailib_embeddings **out, ailib_error *err) {
    ailib__arena arena;
    ailib_embeddings *e;
    float *data;
    size_t i, j, n = 0, total = 0, at = 0;
    arena.alloc = *alloc;
    arena.head = NULL;
    for (i = 0; i < k; i++)
        for (j = 0; j < parts[i]->count; j++) { n++; total += parts[i]->vec[j] ? parts[i]->dims[j] : 0; }
    if (!(e = ailib__em_alloc(&arena, n, total, parts[0]->model, strlen(parts[0]->model), &data)))
        return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    for (i = 0; i < k; i++) {
        const ailib_usage *v = &parts[i]->usage;
        for (j = 0; j < parts[i]->count; j++, at++) {
            e->dims[at] = parts[i]->dims[j];
            e->vec[at] = NULL;
            if (!parts[i]->vec[j]) continue;
            memcpy(data, parts[i]->vec[j], e->dims[at] * sizeof *data);
            e->vec[at] = data;
            data += e->dims[at];
        }
        e->usage.input_tokens = ailib__sat_add(e->usage.input_tokens, v->input_tokens);
        e->usage.total_tokens = ailib__sat_add(e->usage.total_tokens, v->total_tokens);
        e->usage.reported = i ? (e->usage.reported & v->reported) : v->reported;   /* reported by every batch */
    }
    e->count = n;
    e->arena = arena;
    *out = e;
    return AILIB_OK;
}

/* Inputs beyond the protocol's batch limit go in consecutive requests, merged in order. */
AILIB_API ailib_result ailib_embed(ailib_client *c, const ailib_embed_request *req, ailib_embeddings **out, ailib_error *err) {
    ailib_embeddings *stack[8], **parts = stack;
    ailib_embed_request sub, whole;
    size_t max, k = 0, nb, off;
    ailib_result r = AILIB_OK;
    if (out) *out = NULL;
    if (!c || !out) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_embed: client and out are required");
    if (req && (!req->model || !*req->model)) {
        /* a client made for an embedding model embeds with it */
        const ailib_model_info *mi = ailib_model_find(c->ep.provider->name, c->model);
        if (mi && (mi->caps & AILIB_CAP_EMBEDDING)) {
            whole = *req;
            whole.model = c->model;
            req = &whole;
        }
    }
    max = ailib__em_batch_max(c->ep.provider->protocol);
    if (!req || !req->inputs || !max || req->input_count <= max) return ailib__embed_one(c, req, out, err);
    nb = (req->input_count + max - 1) / max;
    if (nb > sizeof stack / sizeof stack[0] && !(parts = (ailib_embeddings **)ailib__malloc(&c->alloc, nb * sizeof *parts)))
        return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    for (off = 0; off < req->input_count && r == AILIB_OK; off += max, k++) {
        sub = *req;
        sub.inputs = req->inputs + off;
        sub.input_count = req->input_count - off < max ? req->input_count - off : max;
        parts[k] = NULL;
        if ((r = ailib__embed_one(c, &sub, &parts[k], err)) != AILIB_OK) break;
        if (parts[k]->count != sub.input_count) {
            r = ailib__fail(err, AILIB_DESERIALIZATION, "batch %lu of %lu: %lu embeddings for %lu inputs", (unsigned long)k + 1,
                            (unsigned long)nb, (unsigned long)parts[k]->count, (unsigned long)sub.input_count);
            k++;
            break;
        }
    }
    if (r == AILIB_OK) r = ailib__em_merge(&c->alloc, parts, k, out, err);
    while (k) ailib_embeddings_destroy(parts[--k]);
    if (parts != stack) ailib__free(&c->alloc, parts);
    return r;
}

AILIB_API ailib_result ailib_models(ailib_client *c, ailib_model_list **out, ailib_error *err) {
    ailib_wire_request wr;
    ailib__buf body;
    int status = 0;
    ailib_result r;
    if (out) *out = NULL;
    if (!c || !out) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_models: client and out are required");
    if ((r = ailib_wire_models_build(&c->ep, &wr, err)) != AILIB_OK) return r;
    if ((r = ailib__raw_call(c, &wr, &status, &body, err)) != AILIB_OK) return r;
    r = ailib_wire_models_parse(&c->ep, status, body.p ? body.p : "", body.len, out, err);
    ailib__free(&c->alloc, body.p);
    return r;
}

/* Builds the call's wire request for call->ep from call->req, with a stream decoder of the
   endpoint's protocol for streamed calls, and runs the request hook. Again after a fall back. */
static ailib_result ailib__call_build(ailib_call *call, ailib_error *err) {
    ailib_client *c = call->client;
    const ailib_provider_info *p = call->ep.provider;
    const char *model = call->req.model && *call->req.model ? call->req.model : c->model;
    ailib_result r;
    ailib_wire_request_deinit(&call->wr);
    /* the catalog's checks, before anything is sent to this endpoint */
    if ((r = ailib__client_check(c, p, &call->req, err)) != AILIB_OK) return r;
    if ((r = ailib_wire_request_build(&call->ep, &call->req, call->desc.stream, &call->wr, err)) != AILIB_OK) return r;
    if (call->desc.stream) {
        if (call->stream && call->stream->prov->protocol != p->protocol) { ailib_stream_destroy(call->stream); call->stream = NULL; }
        if (!call->stream && c->spare && c->spare->prov->protocol == p->protocol) {
            call->stream = c->spare;               /* warm buffers: no growth while chunks arrive */
            c->spare = NULL;
        }
        if (call->stream) {
            ailib_stream_reset(call->stream);
            call->stream->prov = p;
            ailib__copy_trunc(call->stream->model_hint, sizeof call->stream->model_hint, model, strlen(model));
        } else {
            ailib_stream_desc sd;
            memset(&sd, 0, sizeof sd);
            sd.model = model;
            sd.max_response_bytes = c->max_response_bytes;   /* the cap covers streams (kept by resets) */
            if (!(call->stream = ailib_stream_create(&call->ep, &sd, err))) return err ? err->code : AILIB_OUT_OF_MEMORY;
        }
    }
    ailib__call_timeouts(c, call, ailib__may_reason(p, model, &call->req));
    return ailib__hook_request(call);
}

/* The first attempt's preparation: features pick the endpoint and may refuse or answer, then
   the request is built. On failure the call is not linked and err says why. */
static ailib_result ailib__call_prepare(ailib_call *call, ailib_error *err) {
    ailib_result r = ailib__hook_prepare(call);
    if (r == AILIB_PENDING) return r;        /* held: built when a feature lets it go */
    if (r != AILIB_OK) {
        if (err) *err = call->err;
        return r;
    }
    return ailib__call_build(call, err);
}

/* A queued call asks the features again; when they let it go it is built and sent. */
static void ailib__call_unqueue(ailib_call *call, int64_t now) {
    ailib_result r;
    if (now >= call->deadline) {
        call->result = ailib__fail(&call->err, AILIB_TIMEOUT, "the call waited in the queue longer than %lld ms: raise "
                                   "desc.timeout_ms or the limits that hold it", (long long)call->client->timeout_ms);
        ailib__call_done(call);
        return;
    }
    call->wake_at = 0;
    if ((r = ailib__hook_prepare(call)) == AILIB_PENDING) return;
    if (r == AILIB_OK) r = ailib__call_build(call, &call->err);
    if (r != AILIB_OK) { call->result = r; ailib__call_done(call); return; }
    ailib__call_attempt(call);
}

static void ailib__call_release(ailib_call *call) {
    ailib_client *c = call->client;
    ailib__hook_release(call);
    ailib_wire_request_deinit(&call->wr);
    ailib__arena_free(&call->req_arena);
    ailib__canned_free(&c->alloc, call->canned);
    ailib_stream_destroy(call->stream);
    ailib__free(&c->alloc, call);
}

AILIB_API ailib_result ailib_chat_start(ailib_client *c, const ailib_request *req, const ailib_call_desc *desc,
                                        ailib_call **out, ailib_error *err) {
    ailib_call *call;
    ailib_request local;
    ailib_result r;
    if (!out) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_chat_start: out is NULL");
    *out = NULL;
    if (!c || !req) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_chat_start: client and request are required");
    local = *req;
    if (local.model && *local.model) {
        const char *slash = strchr(local.model, '/');
        const ailib_provider_info *other = slash ? ailib_provider_findn(local.model, (size_t)(slash - local.model)) : NULL;
        if (other && other != c->prov && !c->nfeat)
            return ailib__fail(err, AILIB_CONFIGURATION, "this client talks to '%s' but the request names '%s': create a client for that provider",
                               c->prov->name, other->name);
    } else local.model = c->model;
    call = (ailib_call *)ailib__malloc(&c->alloc, sizeof *call);
    if (!call) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    memset(call, 0, sizeof *call);
    call->client = c;
    call->ep = c->ep;
    call->req_arena.alloc = c->alloc;
    call->start_ms = ailib__now_ms();
    ailib_error_clear(&call->err);
    if (desc) call->desc = *desc;
    if (c->nfeat) {
        /* features may rebuild the request after this returns: the call keeps its own copy */
        if (!ailib__request_copy(&call->req_arena, &local, &call->req)) {
            ailib__call_release(call);
            return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
        }
        call->keep_req = 1;
    } else call->req = local;
    r = ailib__call_prepare(call, err);
    if (!call->keep_req) memset(&call->req, 0, sizeof call->req);   /* the caller's memory: not kept */
    if (r != AILIB_OK && r != AILIB_PENDING) { ailib__call_release(call); return r; }
    if (r == AILIB_PENDING) call->state = AILIB__QUEUED;
    ailib__call_launch(c, call);
    *out = call;
    return AILIB_OK;
}

/* The cancellation itself, on the thread that drives the client, outside its callbacks. */
static void ailib__call_cancel_now(ailib_call *call) {
    ailib_client *c;
    if (!call || call->state == AILIB__DONE) return;
    c = call->client;
    call->cancelled = 1;
    if (call->state == AILIB__RECEIVE && call->handle) { c->tp->cancel(c->tpi, call->handle); if (call->state == AILIB__DONE) return; }
    call->result = AILIB_CANCELLED;
    ailib__fail(&call->err, AILIB_CANCELLED, "the call was cancelled");
    ailib__call_done(call);
}

/* Safe from any thread and from callbacks: a flag and a wakeup. The poll acts on it. */
AILIB_API void ailib_call_cancel(ailib_call *call) {
    if (!call) return;
    AILIB__FLAG_SET(&call->cancel_req);
    ailib_client_wakeup(call->client);
}

static void ailib__call_free(ailib_call *call) {
    ailib_client *c = call->client;
    if (call->state != AILIB__DONE) ailib__call_cancel_now(call);
    if (call->handle) { c->tp->release(c->tpi, call->handle); call->handle = NULL; }
    if (call->prev) call->prev->next = call->next; else c->calls = call->next;
    if (call->next) call->next->prev = call->prev;
    if (call->stream && !c->spare) { c->spare = call->stream; call->stream = NULL; }
    ailib_response_destroy(call->resp);
    if (!c->spare_body.p && call->body.p) { c->spare_body = call->body; c->spare_body.len = 0; }
    else ailib__free(&c->alloc, call->body.p);
    ailib__free(&c->alloc, call->q);
    ailib__free(&c->alloc, call->qdata.p);
    ailib__call_release(call);
}

AILIB_API ailib_result ailib_call_finish(ailib_call *call, ailib_response **out, ailib_error *err) {
    ailib_result r;
    if (out) *out = NULL;
    if (!call) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_call_finish: call is NULL");
    if (call->client->in_cb && call->state != AILIB__DONE) {
        /* inside a callback the transport is mid-transfer: cancel, and free it when the
           callback has returned */
        AILIB__FLAG_SET(&call->cancel_req);
        call->orphan = 1;
        return ailib__fail(err, AILIB_CANCELLED, "the call was finished from inside a callback before it was done: it is "
                           "cancelled and freed when the callback returns");
    }
    if (call->state != AILIB__DONE) ailib__call_cancel_now(call);
    r = call->result;
    if (err) { if (r != AILIB_OK) *err = call->err; else ailib_error_clear(err); }
    if (out) { *out = call->resp; call->resp = NULL; }
    if (call->client->in_cb) { call->orphan = 1; call->qhead = call->qn; }   /* freed by the poll */
    else ailib__call_free(call);
    return r;
}

/* --- blocking APIs: loops over the core --------------------------------------------------- */

static ailib_result ailib__run(ailib_client *c, const ailib_request *req, const ailib_call_desc *d, ailib_response **out, ailib_error *err) {
    ailib_call *call;
    ailib_result r;
    if (c && c->in_cb) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "%s", ailib__in_cb_msg);
    if ((r = ailib_chat_start(c, req, d, &call, err)) != AILIB_OK) return r;
    c->frames++;
    ailib__wait(c, call);
    r = ailib_call_finish(call, out, err);
    ailib__frame_end(c);
    return r;
}

AILIB_API ailib_result ailib_chat(ailib_client *c, const ailib_request *req, ailib_response **out, ailib_error *err) {
    ailib_call_desc d;
    memset(&d, 0, sizeof d);
    return ailib__run(c, req, &d, out, err);
}

static int ailib__ignore(void *u, const ailib_event *e) { (void)u; (void)e; return 0; }

AILIB_API ailib_result ailib_chat_stream(ailib_client *c, const ailib_request *req, ailib_event_callback cb, void *user,
                                         ailib_response **out, ailib_error *err) {
    ailib_call_desc d;
    memset(&d, 0, sizeof d);
    d.stream = 1;
    d.on_event = cb ? cb : ailib__ignore;
    d.user = user;
    return ailib__run(c, req, &d, out, err);
}

/* The repair round: the failed reply, then what was wrong with it (as the forced tool's error
   result when the answer came as a tool call, since a tool call must be answered). */
AILIB_API ailib_result ailib_chat_json(ailib_client *c, const ailib_request *req, ailib_response **out,
                                       const ailib_json **value, ailib_error *err) {
    ailib_response *r1 = NULL, *r2 = NULL;
    ailib_request rq;
    ailib_message *msgs;
    ailib_part *fix;
    const ailib_message *am;
    const ailib_tool_call *tc;
    ailib_error e1;
    char note[700];
    size_t i, nfix;
    ailib_result res;
    if (out) *out = NULL;
    if (value) *value = NULL;
    if (!c || !req) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_chat_json: client and request are required");
    if (req->response_format.type != AILIB_FORMAT_JSON && req->response_format.type != AILIB_FORMAT_JSON_SCHEMA)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_chat_json: set request.response_format.type to AILIB_FORMAT_JSON or "
                           "AILIB_FORMAT_JSON_SCHEMA (with .schema)");
    if ((res = ailib_chat(c, req, &r1, err)) != AILIB_OK) {
        if (out) *out = r1; else ailib_response_destroy(r1);
        return res;
    }
    ailib_error_clear(&e1);
    res = ailib_response_json(r1, &req->response_format, value, &e1);
    if (res != AILIB_SCHEMA_MISMATCH) {
        if (res != AILIB_OK && err) *err = e1;
        if (out) *out = r1; else ailib_response_destroy(r1);
        return res;
    }
    /* one repair round */
    am = ailib_response_message(r1);
    nfix = r1->call_count ? r1->call_count : 1;
    msgs = (ailib_message *)AILIB_MALLOC((req->message_count + 2) * sizeof *msgs);
    fix = (ailib_part *)AILIB_MALLOC(nfix * sizeof *fix);
    if (!msgs || !fix) {
        AILIB_FREE(msgs); AILIB_FREE(fix);
        if (out) *out = r1; else ailib_response_destroy(r1);
        return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    }
    snprintf(note, sizeof note, "Your reply could not be used: %s. Answer again with only the corrected JSON.", e1.message);
    if (req->message_count) memcpy(msgs, req->messages, req->message_count * sizeof *msgs);
    msgs[req->message_count] = *am;
    memset(&msgs[req->message_count + 1], 0, sizeof *msgs);
    memset(fix, 0, nfix * sizeof *fix);
    if (r1->call_count) {
        msgs[req->message_count + 1].role = AILIB_ROLE_TOOL;
        for (i = 0; i < nfix; i++) {
            tc = &r1->calls[i];
            fix[i].type = AILIB_PART_TOOL_RESULT;
            fix[i].call_kind = tc->kind;
            fix[i].id = tc->id; fix[i].id_len = tc->id_len;
            fix[i].name = tc->name; fix[i].name_len = tc->name_len;
            fix[i].text = (tc->name_len == strlen(ailib__so_name(&req->response_format)) &&
                           !memcmp(tc->name, ailib__so_name(&req->response_format), tc->name_len)) ? note : "Not run: answer with the JSON.";
            fix[i].is_error = 1;
        }
    } else {
        msgs[req->message_count + 1].role = AILIB_ROLE_USER;
        fix[0].type = AILIB_PART_TEXT;
        fix[0].text = note;
    }
    msgs[req->message_count + 1].parts = fix;
    msgs[req->message_count + 1].part_count = nfix;
    rq = *req;
    rq.messages = msgs;
    rq.message_count = req->message_count + 2;
    res = ailib_chat(c, &rq, &r2, err);
    AILIB_FREE(msgs);
    AILIB_FREE(fix);
    if (res == AILIB_OK) {
        /* the usage of both rounds, so costs add up */
        ailib_usage *u = &r2->usage;
        const ailib_usage *v = &r1->usage;
        u->input_tokens = ailib__sat_add(u->input_tokens, v->input_tokens);
        u->output_tokens = ailib__sat_add(u->output_tokens, v->output_tokens);
        u->total_tokens = ailib__sat_add(u->total_tokens, v->total_tokens);
        u->cached_input_tokens = ailib__sat_add(u->cached_input_tokens, v->cached_input_tokens);
        u->cache_write_tokens = ailib__sat_add(u->cache_write_tokens, v->cache_write_tokens);
        u->reasoning_tokens = ailib__sat_add(u->reasoning_tokens, v->reasoning_tokens);
        u->reported |= v->reported;
        res = ailib_response_json(r2, &req->response_format, value, err);
        if (res == AILIB_SCHEMA_MISMATCH && err) {
            static const char pre[] = "after one repair round, ";
            char m[sizeof err->message];
            memcpy(m, err->message, sizeof m);
            memcpy(err->message, pre, sizeof pre - 1);
            ailib__copy_trunc(err->message + sizeof pre - 1, sizeof err->message - (sizeof pre - 1), m, strlen(m));
        }
    }
    ailib_response_destroy(r1);
    if (out) *out = r2; else ailib_response_destroy(r2);
    return res;
}

AILIB_API char *ailib_quick_chat(const char *model, const char *prompt, ailib_error *err) {
    ailib_client_desc cd;
    ailib_client *c;
    ailib_message msg;
    ailib_request req;
    ailib_response *r = NULL;
    char *out = NULL;
    size_t n;
    const char *text;
    memset(&cd, 0, sizeof cd);
    cd.model = model;
    if (ailib_global_init() != AILIB_OK) { ailib__fail(err, AILIB_NETWORK, "libcurl could not be initialised"); return NULL; }
    c = ailib_client_create(&cd, err);
    if (!c) return NULL;
    memset(&msg, 0, sizeof msg);
    memset(&req, 0, sizeof req);
    msg.role = AILIB_ROLE_USER;
    msg.text = prompt ? prompt : "";
    req.messages = &msg;
    req.message_count = 1;
    if (ailib_chat(c, &req, &r, err) == AILIB_OK) {
        text = ailib_response_text(r, &n);
        out = (char *)AILIB_MALLOC(n + 1);
        if (out) { memcpy(out, text, n); out[n] = 0; }
        else ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    }
    ailib_response_destroy(r);
    ailib_client_destroy(c);
    return out;
}

/* >>convo: constructors, JSON building, conversations, the tool loop, catalog checks ========== */

/* --- constructors ----------------------------------------------------------------------------- */

static ailib_message ailib__msg_of(ailib_role role, const char *text) {
    ailib_message m;
    memset(&m, 0, sizeof m);
    m.role = role;
    m.text = text ? text : "";
    return m;
}

AILIB_API ailib_message ailib_message_user(const char *text) { return ailib__msg_of(AILIB_ROLE_USER, text); }
AILIB_API ailib_message ailib_message_assistant(const char *text) { return ailib__msg_of(AILIB_ROLE_ASSISTANT, text); }
AILIB_API ailib_message ailib_message_system(const char *text) { return ailib__msg_of(AILIB_ROLE_SYSTEM, text); }

AILIB_API ailib_message ailib_message_parts(ailib_role role, const ailib_part *parts, size_t count) {
    ailib_message m = ailib__msg_of(role, NULL);
    m.text = NULL;
    m.parts = parts;
    m.part_count = parts ? count : 0;
    return m;
}

static ailib_part ailib__part_of(ailib_part_type type) {
    ailib_part p;
    memset(&p, 0, sizeof p);
    p.type = type;
    return p;
}

AILIB_API ailib_part ailib_part_text(const char *text) {
    ailib_part p = ailib__part_of(AILIB_PART_TEXT);
    p.text = text ? text : "";
    return p;
}

AILIB_API ailib_part ailib_part_image_url(const char *url) {
    ailib_part p = ailib__part_of(AILIB_PART_IMAGE);
    p.url = url;
    return p;
}

AILIB_API ailib_part ailib_part_image(const void *data, size_t len, const char *mime) {
    ailib_part p = ailib__part_of(AILIB_PART_IMAGE);
    p.data = data;
    p.data_len = len;
    p.mime = mime;
    return p;
}

AILIB_API ailib_part ailib_part_audio(const void *data, size_t len, const char *mime) {
    ailib_part p = ailib__part_of(AILIB_PART_AUDIO);
    p.data = data;
    p.data_len = len;
    p.mime = mime;
    return p;
}

AILIB_API ailib_part ailib_part_tool_result(const ailib_tool_call *call, const char *text) {
    ailib_part p = ailib__part_of(AILIB_PART_TOOL_RESULT);
    if (call) {
        p.id = call->id; p.id_len = call->id_len;
        p.name = call->name; p.name_len = call->name_len;
        p.call_kind = call->kind;   /* a client action is answered in its own kind of item */
    }
    p.text = text ? text : "";
    return p;
}

AILIB_API ailib_part ailib_part_tool_json(const ailib_tool_call *call, const char *json) {
    ailib_part p = ailib_part_tool_result(call, json);
    p.is_json = 1;
    return p;
}

AILIB_API ailib_part ailib_part_tool_error(const ailib_tool_call *call, const char *message) {
    ailib_part p = ailib_part_tool_result(call, message);
    p.is_error = 1;
    return p;
}

AILIB_API ailib_tool ailib_tool_make(const char *name, const char *description, const char *parameters_schema) {
    ailib_tool t;
    memset(&t, 0, sizeof t);
    t.name = name;
    t.description = description;
    t.parameters = parameters_schema;
    return t;
}

/* --- JSON from a format ------------------------------------------------------------------------ */

/* ap is passed by pointer so the caller's va_list advances (C99 allows that portably). */
static ailib_result ailib__pack(ailib_json_writer *w, const char *fmt, va_list *ap, ailib_error *err) {
    const char *p;
    unsigned long item = 0;
    if (!w || !fmt) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_json_pack: a writer and a format are required");
    if (w->error != AILIB_OK) return ailib__fail(err, w->error, "ailib_json_pack: the writer already failed (%s)", ailib_result_string(w->error));
    for (p = fmt; *p; p++) {
        char ch = *p;
        int key;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ',' || ch == ':') continue;
        item++;
        key = ailib__jw_in_object(w) && !w->after_key;
        if (key && ch != 's' && ch != '}') {
            ailib__jw_fail(w, AILIB_INVALID_ARGUMENT);
            return ailib__fail(err, AILIB_INVALID_ARGUMENT, "JSON format \"%s\", item %lu ('%c'): an object key is due here; keys are 's' items",
                               fmt, item, ch);
        }
        switch (ch) {
        case '{': ailib_json_write_object_begin(w); break;
        case '}': ailib_json_write_object_end(w); break;
        case '[': ailib_json_write_array_begin(w); break;
        case ']': ailib_json_write_array_end(w); break;
        case 's': {
            const char *s = va_arg(*ap, const char *);
            size_t n;
            if (p[1] == '#') { n = va_arg(*ap, size_t); p++; }
            else n = s ? strlen(s) : 0;
            if (key && !s) {
                ailib__jw_fail(w, AILIB_INVALID_ARGUMENT);
                return ailib__fail(err, AILIB_INVALID_ARGUMENT, "JSON format \"%s\", item %lu: an object key is NULL", fmt, item);
            }
            if (key) ailib_json_write_keyn(w, s, n);
            else ailib_json_write_stringn(w, s, n);
            break;
        }
        case 'i': ailib_json_write_int(w, (int64_t)va_arg(*ap, int)); break;
        case 'I': ailib_json_write_int(w, va_arg(*ap, int64_t)); break;
        case 'f': ailib_json_write_double(w, va_arg(*ap, double)); break;
        case 'b': ailib_json_write_bool(w, va_arg(*ap, int)); break;
        case 'n': ailib_json_write_null(w); break;
        case 'j': {
            const char *j = va_arg(*ap, const char *);
            if (j) ailib_json_write_raw(w, j, strlen(j));
            else ailib_json_write_null(w);
            break;
        }
        case 'v': {
            const ailib_json *v = va_arg(*ap, const ailib_json *);
            if (v) ailib_json_write_value(w, v);
            else ailib_json_write_null(w);
            break;
        }
        default:
            ailib__jw_fail(w, AILIB_INVALID_ARGUMENT);
            return ailib__fail(err, AILIB_INVALID_ARGUMENT, "JSON format \"%s\", item %lu: unknown item '%c' (use { } [ ] s s# i I f b n j v)",
                               fmt, item, ch);
        }
        if (w->error != AILIB_OK)
            return ailib__fail(err, w->error, "JSON format \"%s\", item %lu ('%c'): %s", fmt, item, ch,
                               w->error == AILIB_INVALID_ARGUMENT ? "a value the writer cannot take here (unbalanced { } [ ], or a "
                                                                    "non-finite number)" : ailib_result_string(w->error));
    }
    return AILIB_OK;
}

AILIB_API ailib_result ailib_json_pack(ailib_json_writer *w, const char *fmt, ...) {
    va_list ap;
    ailib_result r;
    va_start(ap, fmt);
    r = ailib__pack(w, fmt, &ap, NULL);
    va_end(ap);
    return r;
}

static char *ailib__vbuild(const ailib_allocator *a, ailib_error *err, const char *fmt, va_list *ap, size_t *len) {
    ailib_json_writer w;
    char *out;
    ailib_json_writer_init(&w, a);
    if (ailib__pack(&w, fmt, ap, err) != AILIB_OK) { ailib_json_writer_deinit(&w); return NULL; }
    if (ailib_json_writer_finish(&w) != AILIB_OK) {
        ailib__fail(err, w.error, "JSON format \"%s\" does not make one complete value: check that its { } [ ] pair up", fmt ? fmt : "");
        ailib_json_writer_deinit(&w);
        return NULL;
    }
    out = ailib_json_writer_take(&w, len);
    ailib_json_writer_deinit(&w);
    if (!out) ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    return out;
}

AILIB_API char *ailib_json_build(ailib_error *err, const char *fmt, ...) {
    va_list ap;
    char *s;
    va_start(ap, fmt);
    s = ailib__vbuild(NULL, err, fmt, &ap, NULL);
    va_end(ap);
    return s;
}

/* --- conversations ----------------------------------------------------------------------------- */

struct ailib_convo {
    ailib_allocator alloc;
    ailib_message *msgs;       /* each message's parts and strings live in blocks[i] */
    void **blocks;
    size_t n, cap;
    char *system;
};

static const char *const ailib__role_names[] = { "user", "assistant", "system", "tool" };
static const char *const ailib__part_names[] = { "text", "image", "audio", "tool_call", "tool_result", "thinking",
                                                 "redacted_thinking", "provider_tool_call", "provider_tool_result" };
#define AILIB__PART_NAMES (sizeof ailib__part_names / sizeof ailib__part_names[0])
static const char *const ailib__call_kind_names[] = { "function", "custom", "local_shell", "apply_patch", "mcp_approval" };
static const char *const ailib__origin_names[] = { "openai_chat", "anthropic", "gemini", "ollama", "cohere",
                                                   "openai_responses", "bedrock" };

/* Bytes a string field takes in a block: its bytes and a NUL; none when the field is unset. */
static size_t ailib__blk_len(const char *s, size_t n) { return s ? ailib__slen(s, n) + 1 : 0; }

static const char *ailib__blk_put(char **at, const char *s, size_t n, size_t *out_len) {
    char *d = *at;
    if (!s) { if (out_len) *out_len = 0; return NULL; }
    if (n) memcpy(d, s, n);
    d[n] = 0;
    *at += n + 1;
    if (out_len) *out_len = n;
    return d;
}

/* Copies src into one allocation (the parts array, then every string and byte run) and points
   dst into it. Returns the block, NULL with err set on bad input or no memory. */
static void *ailib__msg_clone(const ailib_allocator *a, const ailib_message *src, ailib_message *dst, ailib_error *err) {
    size_t i, size, np = src->parts ? src->part_count : 0;
    char *blk, *at;
    ailib_part *parts;
    if ((unsigned)src->role > (unsigned)AILIB_ROLE_TOOL) {
        ailib__fail(err, AILIB_INVALID_ARGUMENT, "message role %d is not an ailib_role", (int)src->role);
        return NULL;
    }
    size = np * sizeof(ailib_part);
    if (!np) size += ailib__blk_len(src->text ? src->text : "", 0);
    for (i = 0; i < np; i++) {
        const ailib_part *p = &src->parts[i];
        if ((unsigned)p->type > (unsigned)AILIB_PART_PROVIDER_TOOL_RESULT || (unsigned)p->call_kind > (unsigned)AILIB_CALL_MCP_APPROVAL) {
            ailib__fail(err, AILIB_INVALID_ARGUMENT, "part %lu has type %d / call_kind %d, not an ailib_part_type / ailib_call_kind",
                        (unsigned long)i, (int)p->type, (int)p->call_kind);
            return NULL;
        }
        size += ailib__blk_len(p->text, p->text_len) + ailib__blk_len(p->id, p->id_len) + ailib__blk_len(p->name, p->name_len) +
                ailib__blk_len(p->url, p->url_len) + ailib__blk_len(p->signature, p->signature_len) + ailib__blk_len(p->mime, 0) +
                ailib__blk_len(p->raw, p->raw_len) + (p->data ? p->data_len + 1 : 0);
    }
    blk = (char *)ailib__malloc(a, size);
    if (!blk) { ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); return NULL; }
    parts = (ailib_part *)(void *)blk;
    at = blk + np * sizeof(ailib_part);
    memset(dst, 0, sizeof *dst);
    dst->role = src->role;
    if (!np) {
        const char *t = src->text ? src->text : "";
        dst->text = ailib__blk_put(&at, t, strlen(t), NULL);
        return blk;
    }
    for (i = 0; i < np; i++) {
        const ailib_part *p = &src->parts[i];
        ailib_part *q = &parts[i];
        size_t ml;
        memset(q, 0, sizeof *q);
        q->type = p->type;
        q->is_error = p->is_error;
        q->is_json = p->is_json;
        q->origin = p->origin;
        q->call_kind = p->call_kind;
        q->raw = ailib__blk_put(&at, p->raw, ailib__slen(p->raw, p->raw_len), &q->raw_len);
        q->text = ailib__blk_put(&at, p->text, ailib__slen(p->text, p->text_len), &q->text_len);
        q->id = ailib__blk_put(&at, p->id, ailib__slen(p->id, p->id_len), &q->id_len);
        q->name = ailib__blk_put(&at, p->name, ailib__slen(p->name, p->name_len), &q->name_len);
        q->url = ailib__blk_put(&at, p->url, ailib__slen(p->url, p->url_len), &q->url_len);
        q->signature = ailib__blk_put(&at, p->signature, ailib__slen(p->signature, p->signature_len), &q->signature_len);
        q->mime = ailib__blk_put(&at, p->mime, p->mime ? strlen(p->mime) : 0, &ml);
        if (p->data) {
            q->data = ailib__blk_put(&at, (const char *)p->data, p->data_len, NULL);
            q->data_len = p->data_len;
        }
    }
    dst->parts = parts;
    dst->part_count = np;
    return blk;
}

AILIB_API ailib_convo *ailib_convo_create(const ailib_convo_desc *desc, ailib_error *err) {
    ailib_allocator a = ailib__allocator(desc ? desc->allocator : NULL);
    ailib_convo *cv = (ailib_convo *)ailib__malloc(&a, sizeof *cv);
    if (!cv) { ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); return NULL; }
    memset(cv, 0, sizeof *cv);
    cv->alloc = a;
    if (desc && ailib_convo_set_system(cv, desc->system, err) != AILIB_OK) { ailib_convo_destroy(cv); return NULL; }
    return cv;
}

AILIB_API void ailib_convo_destroy(ailib_convo *cv) {
    ailib_allocator a;
    if (!cv) return;
    a = cv->alloc;
    ailib_convo_truncate(cv, 0);
    ailib__free(&a, cv->msgs);
    ailib__free(&a, (void *)cv->blocks);
    ailib__free(&a, cv->system);
    ailib__free(&a, cv);
}

AILIB_API ailib_result ailib_convo_set_system(ailib_convo *cv, const char *system, ailib_error *err) {
    char *s = NULL;
    if (!cv) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_convo_set_system: the conversation is NULL");
    if (system && *system && !(s = ailib__strdup(&cv->alloc, system))) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    ailib__free(&cv->alloc, cv->system);
    cv->system = s;
    return AILIB_OK;
}

AILIB_API const char *ailib_convo_system(const ailib_convo *cv) { return cv ? cv->system : NULL; }
AILIB_API size_t ailib_convo_count(const ailib_convo *cv) { return cv ? cv->n : 0; }

AILIB_API const ailib_message *ailib_convo_messages(const ailib_convo *cv, size_t *count) {
    if (count) *count = cv ? cv->n : 0;
    return cv ? cv->msgs : NULL;
}

AILIB_API void ailib_convo_truncate(ailib_convo *cv, size_t count) {
    if (!cv) return;
    while (cv->n > count) { cv->n--; ailib__free(&cv->alloc, cv->blocks[cv->n]); }
}

static int ailib__convo_room(ailib_convo *cv) {
    size_t ncap;
    ailib_message *nm;
    void **nb;
    if (cv->n < cv->cap) return 1;
    ncap = cv->cap ? cv->cap * 2 : 8;
    nm = (ailib_message *)ailib__realloc(&cv->alloc, cv->msgs, cv->cap * sizeof *nm, ncap * sizeof *nm);
    if (!nm) return 0;
    cv->msgs = nm;
    nb = (void **)ailib__realloc(&cv->alloc, (void *)cv->blocks, cv->cap * sizeof *nb, ncap * sizeof *nb);
    if (!nb) return 0;
    cv->blocks = nb;
    cv->cap = ncap;
    return 1;
}

AILIB_API ailib_result ailib_convo_add(ailib_convo *cv, const ailib_message *msg, ailib_error *err) {
    void *blk;
    if (!cv || !msg) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_convo_add: the conversation and the message are required");
    if (!ailib__convo_room(cv)) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    if (!(blk = ailib__msg_clone(&cv->alloc, msg, &cv->msgs[cv->n], err))) return err ? err->code : AILIB_INVALID_ARGUMENT;
    cv->blocks[cv->n++] = blk;
    return AILIB_OK;
}

AILIB_API ailib_result ailib_convo_add_user(ailib_convo *cv, const char *text, ailib_error *err) {
    ailib_message m = ailib_message_user(text);
    return ailib_convo_add(cv, &m, err);
}

AILIB_API ailib_result ailib_convo_add_response(ailib_convo *cv, const ailib_response *r, ailib_error *err) {
    if (!r) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_convo_add_response: the response is NULL");
    return ailib_convo_add(cv, ailib_response_message(r), err);
}

AILIB_API ailib_result ailib_convo_add_tool_result(ailib_convo *cv, const ailib_part *result, ailib_error *err) {
    ailib_message m, copy, *last;
    ailib_part *parts;
    void *blk;
    size_t n;
    if (!cv || !result) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_convo_add_tool_result: the conversation and the part are required");
    if (result->type != AILIB_PART_TOOL_RESULT)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_convo_add_tool_result: the part is not AILIB_PART_TOOL_RESULT "
                           "(make it with ailib_part_tool_result, _json or _error)");
    last = cv->n ? &cv->msgs[cv->n - 1] : NULL;
    if (!last || last->role != AILIB_ROLE_TOOL || !last->part_count) {
        m = ailib_message_parts(AILIB_ROLE_TOOL, result, 1);
        return ailib_convo_add(cv, &m, err);
    }
    /* one more result in the trailing tool turn: copy it anew with the part added */
    n = last->part_count;
    parts = (ailib_part *)ailib__malloc(&cv->alloc, (n + 1) * sizeof *parts);
    if (!parts) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    memcpy(parts, last->parts, n * sizeof *parts);
    parts[n] = *result;
    m = ailib_message_parts(AILIB_ROLE_TOOL, parts, n + 1);
    blk = ailib__msg_clone(&cv->alloc, &m, &copy, err);
    ailib__free(&cv->alloc, parts);
    if (!blk) return err ? err->code : AILIB_OUT_OF_MEMORY;
    ailib__free(&cv->alloc, cv->blocks[cv->n - 1]);
    cv->blocks[cv->n - 1] = blk;
    *last = copy;
    return AILIB_OK;
}

AILIB_API void ailib_convo_render(const ailib_convo *cv, ailib_request *req) {
    if (!cv || !req) return;
    req->messages = cv->msgs;
    req->message_count = cv->n;
    if (!req->system) req->system = cv->system;
}

/* Sends the rendered conversation; appends the reply on success. */
static ailib_result ailib__convo_send(ailib_client *c, ailib_convo *cv, const ailib_request *req, int stream,
                                      ailib_event_callback cb, void *user, ailib_response **out, ailib_error *err) {
    ailib_request local;
    ailib_response *r = NULL;
    ailib_result res;
    if (out) *out = NULL;
    if (!c || !cv) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_convo_chat: the client and the conversation are required");
    if (req && req->message_count)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_convo_chat: the conversation supplies the messages: add them with "
                           "ailib_convo_add() and leave request.messages empty");
    if (req) local = *req; else memset(&local, 0, sizeof local);
    ailib_convo_render(cv, &local);
    res = stream ? ailib_chat_stream(c, &local, cb, user, &r, err) : ailib_chat(c, &local, &r, err);
    if (res == AILIB_OK) res = ailib_convo_add_response(cv, r, err);
    if (out) *out = r; else ailib_response_destroy(r);
    return res;
}

AILIB_API ailib_result ailib_convo_chat(ailib_client *c, ailib_convo *cv, const ailib_request *req,
                                        ailib_response **out, ailib_error *err) {
    return ailib__convo_send(c, cv, req, 0, NULL, NULL, out, err);
}

AILIB_API ailib_result ailib_convo_chat_stream(ailib_client *c, ailib_convo *cv, const ailib_request *req,
                                               ailib_event_callback cb, void *user, ailib_response **out, ailib_error *err) {
    return ailib__convo_send(c, cv, req, 1, cb, user, out, err);
}

/* --- conversations as JSON --------------------------------------------------------------------- */

static void ailib__jw_opt(ailib_json_writer *w, const char *key, const char *s, size_t n) {
    if (!s) return;
    ailib_json_write_key(w, key);
    ailib_json_write_stringn(w, s, ailib__slen(s, n));
}

/* Bytes as one base64 JSON string. */
static void ailib__jw_base64(ailib_json_writer *w, const unsigned char *d, size_t n) {
    size_t i, o = 0, out = (n + 2) / 3 * 4;
    char *b = (char *)ailib__malloc(&w->alloc, out + 1);
    if (!b) { ailib__jw_fail(w, AILIB_OUT_OF_MEMORY); return; }
    for (i = 0; i + 3 <= n; i += 3) {
        uint32_t v = ((uint32_t)d[i] << 16) | ((uint32_t)d[i + 1] << 8) | d[i + 2];
        b[o++] = ailib__b64chars[v >> 18]; b[o++] = ailib__b64chars[(v >> 12) & 63];
        b[o++] = ailib__b64chars[(v >> 6) & 63]; b[o++] = ailib__b64chars[v & 63];
    }
    if (n - i) {
        uint32_t v = (uint32_t)d[i] << 16 | (n - i == 2 ? (uint32_t)d[i + 1] << 8 : 0u);
        b[o++] = ailib__b64chars[v >> 18]; b[o++] = ailib__b64chars[(v >> 12) & 63];
        b[o++] = n - i == 2 ? ailib__b64chars[(v >> 6) & 63] : '=';
        b[o++] = '=';
    }
    ailib_json_write_stringn(w, b, o);
    ailib__free(&w->alloc, b);
}

AILIB_API ailib_result ailib_message_write_json(ailib_json_writer *w, const ailib_message *m) {
    size_t i;
    if (!w || !m || (unsigned)m->role > (unsigned)AILIB_ROLE_TOOL) {
        if (w) ailib__jw_fail(w, AILIB_INVALID_ARGUMENT);
        return AILIB_INVALID_ARGUMENT;
    }
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "role");
    ailib_json_write_string(w, ailib__role_names[m->role]);
    if (!m->parts || !m->part_count) {
        ailib_json_write_key(w, "text");
        ailib_json_write_string(w, m->text ? m->text : "");
    } else {
        ailib_json_write_key(w, "parts");
        ailib_json_write_array_begin(w);
        for (i = 0; i < m->part_count; i++) {
            const ailib_part *p = &m->parts[i];
            if ((unsigned)p->type >= AILIB__PART_NAMES || (unsigned)p->call_kind > (unsigned)AILIB_CALL_MCP_APPROVAL) {
                ailib__jw_fail(w, AILIB_INVALID_ARGUMENT);
                break;
            }
            ailib_json_write_object_begin(w);
            ailib_json_write_key(w, "type");
            ailib_json_write_string(w, ailib__part_names[p->type]);
            ailib__jw_opt(w, "text", p->text, p->text_len);
            ailib__jw_opt(w, "id", p->id, p->id_len);
            ailib__jw_opt(w, "name", p->name, p->name_len);
            ailib__jw_opt(w, "url", p->url, p->url_len);
            ailib__jw_opt(w, "mime", p->mime, 0);
            if (p->data) { ailib_json_write_key(w, "data"); ailib__jw_base64(w, (const unsigned char *)p->data, p->data_len); }
            ailib__jw_opt(w, "signature", p->signature, p->signature_len);
            if (p->is_error) { ailib_json_write_key(w, "is_error"); ailib_json_write_bool(w, 1); }
            if (p->is_json) { ailib_json_write_key(w, "is_json"); ailib_json_write_bool(w, 1); }
            if (p->call_kind) { ailib_json_write_key(w, "call_kind"); ailib_json_write_string(w, ailib__call_kind_names[p->call_kind]); }
            ailib__jw_opt(w, "raw", p->raw, p->raw_len);
            if (p->origin >= 1 && p->origin <= (int)AILIB_PROTOCOL_COUNT) {
                ailib_json_write_key(w, "origin");
                ailib_json_write_string(w, ailib__origin_names[p->origin - 1]);
            }
            ailib_json_write_object_end(w);
        }
        ailib_json_write_array_end(w);
    }
    ailib_json_write_object_end(w);
    return w->error;
}

AILIB_API ailib_result ailib_convo_write_json(const ailib_convo *cv, ailib_json_writer *w) {
    size_t i;
    if (!cv || !w) return AILIB_INVALID_ARGUMENT;
    ailib_json_write_object_begin(w);
    if (cv->system) { ailib_json_write_key(w, "system"); ailib_json_write_string(w, cv->system); }
    ailib_json_write_key(w, "messages");
    ailib_json_write_array_begin(w);
    for (i = 0; i < cv->n; i++) ailib_message_write_json(w, &cv->msgs[i]);
    ailib_json_write_array_end(w);
    ailib_json_write_object_end(w);
    return w->error;
}

/* Index of the string value v in names[count], or -1. */
static int ailib__name_index(const ailib_json *v, const char *const *names, size_t count) {
    size_t i, n;
    const char *s = ailib_json_str(v, &n);
    if (!s) return -1;
    for (i = 0; i < count; i++) if (strlen(names[i]) == n && !memcmp(names[i], s, n)) return (int)i;
    return -1;
}

/* A string member into a part field: text and its length. */
static void ailib__json_field(const ailib_json *obj, const char *key, const char **s, size_t *n) {
    *s = ailib_json_str(ailib_json_get(obj, key), n);
}

/* Decodes base64 text into a new buffer (the client's allocator); NULL when malformed. */
static unsigned char *ailib__b64_decode(const ailib_allocator *a, const char *s, size_t n, size_t *out_len) {
    size_t size = ailib__b64_size(s, n), i, o = 0;
    uint32_t acc = 0;
    int bits = 0;
    unsigned char *b;
    if (size == (size_t)-1 || !(b = (unsigned char *)ailib__malloc(a, size + 1))) return NULL;
    for (i = 0; i < n && s[i] != '='; i++) {
        acc = (acc << 6) | (uint32_t)ailib__b64_val((unsigned char)s[i]);
        bits += 6;
        if (bits >= 8) { bits -= 8; b[o++] = (unsigned char)(acc >> bits); }
    }
    *out_len = o;
    return b;
}

/* One message object (as ailib_message_write_json writes it) appended to cv. */
static ailib_result ailib__convo_add_json1(ailib_convo *cv, const ailib_json *v, size_t index, ailib_error *err) {
    ailib_message m;
    ailib_part *parts = NULL;
    unsigned char **bytes = NULL;
    const ailib_json *pa, *pj;
    size_t i, np, k;
    int role = ailib__name_index(ailib_json_get(v, "role"), ailib__role_names, 4);
    ailib_result r = AILIB_OK;
    if (!ailib_json_is_object(v) || role < 0)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "message %lu: not a message object with \"role\" user, assistant, system or tool",
                           (unsigned long)index);
    memset(&m, 0, sizeof m);
    m.role = (ailib_role)role;
    pa = ailib_json_get(v, "parts");
    if (!ailib_json_is_array(pa) || !(np = ailib_json_size(pa))) {
        m.text = ailib_json_str(ailib_json_get(v, "text"), NULL);
        return ailib_convo_add(cv, &m, err);
    }
    parts = (ailib_part *)ailib__malloc(&cv->alloc, np * sizeof *parts);
    bytes = (unsigned char **)ailib__malloc(&cv->alloc, np * sizeof *bytes);
    if (!parts || !bytes) { r = ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); np = 0; goto done; }
    memset(parts, 0, np * sizeof *parts);
    memset((void *)bytes, 0, np * sizeof *bytes);
    for (i = 0, pj = ailib_json_first(pa); i < np; i++, pj = ailib_json_next(pj)) {
        ailib_part *p = &parts[i];
        const char *d;
        size_t dn;
        int type = ailib__name_index(ailib_json_get(pj, "type"), ailib__part_names, AILIB__PART_NAMES), origin, kind;
        if (type < 0) {
            r = ailib__fail(err, AILIB_INVALID_ARGUMENT, "message %lu, part %lu: \"type\" must be text, image, audio, tool_call, "
                            "tool_result, thinking, redacted_thinking, provider_tool_call or provider_tool_result",
                            (unsigned long)index, (unsigned long)i);
            goto done;
        }
        kind = ailib__name_index(ailib_json_get(pj, "call_kind"), ailib__call_kind_names, 5);
        p->call_kind = kind > 0 ? (ailib_call_kind)kind : AILIB_CALL_FUNCTION;
        ailib__json_field(pj, "raw", &p->raw, &p->raw_len);
        p->type = (ailib_part_type)type;
        ailib__json_field(pj, "text", &p->text, &p->text_len);
        ailib__json_field(pj, "id", &p->id, &p->id_len);
        ailib__json_field(pj, "name", &p->name, &p->name_len);
        ailib__json_field(pj, "url", &p->url, &p->url_len);
        ailib__json_field(pj, "signature", &p->signature, &p->signature_len);
        p->mime = ailib_json_str(ailib_json_get(pj, "mime"), NULL);
        p->is_error = ailib_json_bool(ailib_json_get(pj, "is_error"));
        p->is_json = ailib_json_bool(ailib_json_get(pj, "is_json"));
        origin = ailib__name_index(ailib_json_get(pj, "origin"), ailib__origin_names, AILIB_PROTOCOL_COUNT);
        p->origin = origin >= 0 ? AILIB_ORIGIN(origin) : 0;
        if ((d = ailib_json_str(ailib_json_get(pj, "data"), &dn)) != NULL) {
            if (!(bytes[i] = ailib__b64_decode(&cv->alloc, d, dn, &p->data_len))) {
                r = ailib__fail(err, AILIB_INVALID_ARGUMENT, "message %lu, part %lu: \"data\" is not base64", (unsigned long)index, (unsigned long)i);
                goto done;
            }
            p->data = bytes[i];
        }
    }
    m.parts = parts;
    m.part_count = np;
    r = ailib_convo_add(cv, &m, err);
done:
    for (k = 0; bytes && k < np; k++) ailib__free(&cv->alloc, bytes[k]);
    ailib__free(&cv->alloc, (void *)bytes);
    ailib__free(&cv->alloc, parts);
    return r;
}

AILIB_API ailib_result ailib_convo_add_json(ailib_convo *cv, const ailib_json *v, ailib_error *err) {
    const ailib_json *list = v, *e, *sys = NULL;
    size_t i, n, start;
    ailib_result r = AILIB_OK;
    if (!cv || !v) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_convo_add_json: the conversation and the JSON are required");
    if (ailib_json_is_object(v) && !ailib_json_get(v, "role")) {
        list = ailib_json_get(v, "messages");
        sys = ailib_json_get(v, "system");
        if (!ailib_json_is_array(list))
            return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_convo_add_json: expected a message, an array of messages or "
                               "{\"messages\":[...]}");
    }
    start = cv->n;
    if (ailib_json_is_array(list)) {
        n = ailib_json_size(list);
        for (i = 0, e = ailib_json_first(list); i < n && r == AILIB_OK; i++, e = ailib_json_next(e))
            r = ailib__convo_add_json1(cv, e, i, err);
    } else r = ailib__convo_add_json1(cv, list, 0, err);
    if (r == AILIB_OK && ailib_json_is_string(sys)) r = ailib_convo_set_system(cv, ailib_json_str(sys, NULL), err);
    if (r != AILIB_OK) ailib_convo_truncate(cv, start);      /* all or nothing */
    return r;
}

/* --- the tool loop ----------------------------------------------------------------------------- */

struct ailib_tool_output {
    ailib_allocator alloc;
    ailib__buf text;
    int is_json, is_error, set;
};

static void ailib__tool_out_set(ailib_tool_output *o, const char *s, size_t n, int is_json, int is_error) {
    if (!o) return;
    if (!ailib__buf_set(&o->alloc, &o->text, s ? s : "", s ? n : 0)) { o->set = 0; return; }
    o->is_json = is_json;
    o->is_error = is_error;
    o->set = 1;
}

AILIB_API void ailib_tool_output_text(ailib_tool_output *o, const char *text) {
    ailib__tool_out_set(o, text, text ? strlen(text) : 0, 0, 0);
}

AILIB_API void ailib_tool_output_error(ailib_tool_output *o, const char *message) {
    ailib__tool_out_set(o, message, message ? strlen(message) : 0, 0, 1);
}

AILIB_API ailib_result ailib_tool_output_json(ailib_tool_output *o, const char *fmt, ...) {
    va_list ap;
    ailib_error e;
    char *s;
    size_t n = 0;
    if (!o) return AILIB_INVALID_ARGUMENT;
    ailib_error_clear(&e);
    va_start(ap, fmt);
    s = ailib__vbuild(&o->alloc, &e, fmt, &ap, &n);
    va_end(ap);
    if (!s) {
        /* the model still gets an answer for its call, and the function its error code */
        char msg[600];
        snprintf(msg, sizeof msg, "the tool failed to write its result: %s", e.message);
        ailib_tool_output_error(o, msg);
        return e.code ? e.code : AILIB_INVALID_ARGUMENT;
    }
    ailib__tool_out_set(o, s, n, 1, 0);
    ailib__free(&o->alloc, s);
    return AILIB_OK;
}

/* Parsed parameter schemas of a loop's tools, one per handler (NULL: none given). */
static ailib_result ailib__tools_prepare(const ailib_tool_loop_desc *d, ailib_json_doc ***out, ailib_error *err) {
    ailib_json_doc **docs;
    size_t i, j;
    ailib_error e;
    *out = NULL;
    if (!d || !d->tools || !d->tool_count)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "tool loop: set desc.tools and desc.tool_count (each a tool and its C function)");
    docs = (ailib_json_doc **)AILIB_MALLOC(d->tool_count * sizeof *docs);
    if (!docs) return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    memset((void *)docs, 0, d->tool_count * sizeof *docs);
    for (i = 0; i < d->tool_count; i++) {
        const ailib_tool_handler *h = &d->tools[i];
        const char *why = NULL;
        if (!h->tool.name || !*h->tool.name) why = "has no tool.name";
        else if (!h->fn) why = "has no fn";
        for (j = 0; !why && j < i; j++) if (!strcmp(d->tools[j].tool.name, h->tool.name)) why = "repeats the name of another tool";
        if (!why && h->tool.parameters && *h->tool.parameters) {
            ailib_error_clear(&e);
            if (ailib_json_parse(h->tool.parameters, strlen(h->tool.parameters), NULL, &docs[i], &e) != AILIB_OK) why = "has parameters that are not JSON";
        }
        if (why) {
            ailib__fail(err, AILIB_INVALID_ARGUMENT, "tool loop: desc.tools[%lu] ('%s') %s", (unsigned long)i,
                        h->tool.name ? h->tool.name : "", why);
            while (i) ailib_json_doc_destroy(docs[i--]);
            ailib_json_doc_destroy(docs[0]);
            AILIB_FREE((void *)docs);
            return AILIB_INVALID_ARGUMENT;
        }
    }
    *out = docs;
    return AILIB_OK;
}

static void ailib__tools_release(const ailib_tool_loop_desc *d, ailib_json_doc **docs) {
    size_t i;
    if (!docs) return;
    for (i = 0; i < d->tool_count; i++) ailib_json_doc_destroy(docs[i]);
    AILIB_FREE((void *)docs);
}

/* Runs one call into o: the handler's function, or an error the model can act on (no such
   tool, arguments that are not JSON or do not match the schema). Returns the function's
   stop request. */
static int ailib__tool_call_run(const ailib_tool_loop_desc *d, ailib_json_doc **docs, const ailib_tool_call *tc,
                                ailib_tool_output *o) {
    char msg[768];
    size_t i, k;
    const ailib_tool_handler *h = NULL;
    ailib_error e;
    int stop;
    for (i = 0; i < d->tool_count && !h; i++)
        if (strlen(d->tools[i].tool.name) == tc->name_len && !memcmp(d->tools[i].tool.name, tc->name, tc->name_len)) h = &d->tools[i];
    if (!h) {
        size_t at = (size_t)snprintf(msg, sizeof msg, "there is no tool named '%.*s'; the tools are:", (int)(tc->name_len > 100 ? 100 : tc->name_len), tc->name);
        for (k = 0; k < d->tool_count && at < sizeof msg; k++)
            at += (size_t)snprintf(msg + at, sizeof msg - at, "%s %s", k ? "," : "", d->tools[k].tool.name);
        ailib_tool_output_error(o, msg);
        return 0;
    }
    if (tc->kind == AILIB_CALL_CUSTOM) {   /* free-form input: the function reads call->arguments */
        stop = h->fn(h->user, tc, o);
        if (!o->set) ailib_tool_output_text(o, "(the tool returned no output)");
        return stop;
    }
    if (!tc->args) {
        snprintf(msg, sizeof msg, "the arguments of %s are not valid JSON (%s): call it again with one JSON object that matches its schema",
                 h->tool.name, ailib_result_string(tc->args_error ? tc->args_error : AILIB_JSON_SYNTAX));
        ailib_tool_output_error(o, msg);
        return 0;
    }
    i = (size_t)(h - d->tools);
    if (docs[i] && !d->skip_validation) {
        ailib_error_clear(&e);
        if (ailib_schema_validate(ailib_json_doc_root(docs[i]), tc->args, &e) != AILIB_OK) {
            snprintf(msg, sizeof msg, "the arguments of %s do not match its schema (%s): call it again with corrected arguments",
                     h->tool.name, e.message);
            ailib_tool_output_error(o, msg);
            return 0;
        }
    }
    stop = h->fn(h->user, tc, o);
    if (!o->set) ailib_tool_output_text(o, "(the tool returned no output)");
    return stop;
}

/* The calls of r run into one tool message appended to cv. */
static ailib_result ailib__tools_run(ailib_convo *cv, const ailib_response *r, const ailib_tool_loop_desc *d,
                                     ailib_json_doc **docs, size_t *ran, int *stop, ailib_error *err) {
    size_t i, n = ailib_response_tool_call_count(r);
    ailib_tool_output *outs;
    ailib_part *parts;
    ailib_message m;
    ailib_result res;
    int stopped = 0;
    if (ran) *ran = 0;
    if (!n) return AILIB_OK;
    outs = (ailib_tool_output *)ailib__malloc(&cv->alloc, n * sizeof *outs);
    parts = (ailib_part *)ailib__malloc(&cv->alloc, n * sizeof *parts);
    if (!outs || !parts) {
        ailib__free(&cv->alloc, outs);
        ailib__free(&cv->alloc, parts);
        return ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory");
    }
    memset(outs, 0, n * sizeof *outs);
    for (i = 0; i < n; i++) {
        const ailib_tool_call *tc = ailib_response_tool_call(r, i);
        outs[i].alloc = cv->alloc;
        if (stopped) ailib_tool_output_error(&outs[i], "not run: the tool loop was stopped before this call");
        else {
            if (ailib__tool_call_run(d, docs, tc, &outs[i])) stopped = 1;
            if (ran) (*ran)++;
        }
        if (!outs[i].set) { res = ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); n = i + 1; goto done; }
        parts[i] = ailib_part_tool_result(tc, outs[i].text.p);
        parts[i].text_len = outs[i].text.len;
        parts[i].is_json = outs[i].is_json;
        parts[i].is_error = outs[i].is_error;
    }
    m = ailib_message_parts(AILIB_ROLE_TOOL, parts, n);
    res = ailib_convo_add(cv, &m, err);
done:
    for (i = 0; i < n; i++) ailib__free(&cv->alloc, outs[i].text.p);
    ailib__free(&cv->alloc, outs);
    ailib__free(&cv->alloc, parts);
    if (stop) *stop = stopped;
    return res;
}

AILIB_API ailib_result ailib_convo_run_tools(ailib_convo *cv, const ailib_response *r, int add_response,
                                             const ailib_tool_loop_desc *desc, size_t *ran, int *stop, ailib_error *err) {
    ailib_json_doc **docs;
    ailib_result res;
    if (ran) *ran = 0;
    if (stop) *stop = 0;
    if (!cv || !r) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_convo_run_tools: the conversation and the response are required");
    if ((res = ailib__tools_prepare(desc, &docs, err)) != AILIB_OK) return res;
    if (add_response) res = ailib_convo_add_response(cv, r, err);
    if (res == AILIB_OK) res = ailib__tools_run(cv, r, desc, docs, ran, stop, err);
    ailib__tools_release(desc, docs);
    return res;
}

struct ailib_tool_run {
    ailib_allocator alloc;
    ailib_tool_step *steps;     /* max_steps of them, allocated up front: step pointers stay put */
    ailib_response **resps;
    ailib_message *results;
    void **blocks;
    size_t n, max;
    ailib_loop_end end;
    ailib_usage usage;
    ailib_convo *own;           /* the conversation of a loop called without one */
};

AILIB_API void ailib_tool_run_destroy(ailib_tool_run *run) {
    size_t i;
    ailib_allocator a;
    if (!run) return;
    a = run->alloc;
    for (i = 0; i < run->n; i++) {
        ailib_response_destroy(run->resps[i]);
        ailib__free(&a, run->blocks[i]);
    }
    ailib_convo_destroy(run->own);
    ailib__free(&a, run->steps);
    ailib__free(&a, (void *)run->resps);
    ailib__free(&a, run->results);
    ailib__free(&a, (void *)run->blocks);
    ailib__free(&a, run);
}

AILIB_API size_t ailib_tool_run_step_count(const ailib_tool_run *run) { return run ? run->n : 0; }
AILIB_API const ailib_tool_step *ailib_tool_run_step(const ailib_tool_run *run, size_t i) {
    return run && i < run->n ? &run->steps[i] : NULL;
}
AILIB_API const ailib_response *ailib_tool_run_response(const ailib_tool_run *run) {
    return run && run->n ? run->resps[run->n - 1] : NULL;
}
AILIB_API ailib_loop_end ailib_tool_run_end(const ailib_tool_run *run) { return run ? run->end : AILIB_LOOP_FAILED; }
AILIB_API ailib_usage ailib_tool_run_usage(const ailib_tool_run *run) {
    ailib_usage u;
    if (run) return run->usage;
    memset(&u, 0, sizeof u);
    return u;
}

static ailib_tool_run *ailib__run_new(const ailib_allocator *a, size_t max) {
    ailib_tool_run *run = (ailib_tool_run *)ailib__malloc(a, sizeof *run);
    if (!run) return NULL;
    memset(run, 0, sizeof *run);
    run->alloc = *a;
    run->max = max;
    run->steps = (ailib_tool_step *)ailib__malloc(a, max * sizeof *run->steps);
    run->resps = (ailib_response **)ailib__malloc(a, max * sizeof *run->resps);
    run->results = (ailib_message *)ailib__malloc(a, max * sizeof *run->results);
    run->blocks = (void **)ailib__malloc(a, max * sizeof *run->blocks);
    if (!run->steps || !run->resps || !run->results || !run->blocks) { ailib_tool_run_destroy(run); return NULL; }
    return run;
}

static void ailib__usage_add(ailib_usage *u, const ailib_usage *v) {
    if (!v) return;
    u->input_tokens += v->input_tokens; u->output_tokens += v->output_tokens; u->total_tokens += v->total_tokens;
    u->cached_input_tokens += v->cached_input_tokens; u->cache_write_tokens += v->cache_write_tokens;
    u->reasoning_tokens += v->reasoning_tokens; u->reported |= v->reported;
}

/* Records a step: its response (the run takes it) and a copy of the results cv just got. */
static ailib_result ailib__run_step(ailib_tool_run *run, ailib_response *r, const ailib_convo *cv, int has_results, ailib_error *err) {
    size_t i = run->n;
    run->resps[i] = r;
    run->blocks[i] = NULL;
    run->steps[i].response = r;
    run->steps[i].results = NULL;
    run->n++;
    ailib__usage_add(&run->usage, ailib_response_usage(r));
    if (has_results) {
        if (!(run->blocks[i] = ailib__msg_clone(&run->alloc, &cv->msgs[cv->n - 1], &run->results[i], err))) return err ? err->code : AILIB_OUT_OF_MEMORY;
        run->steps[i].results = &run->results[i];
    }
    return AILIB_OK;
}

AILIB_API ailib_result ailib_tool_loop(ailib_client *c, ailib_convo *cv, const ailib_request *req,
                                       const ailib_tool_loop_desc *desc, ailib_tool_run **out, ailib_error *err) {
    ailib_json_doc **docs = NULL;
    ailib_tool *tools = NULL;
    ailib_tool_run *run = NULL;
    ailib_request local;
    ailib_allocator a = ailib__allocator(NULL);
    ailib_result res;
    size_t i, max;
    if (out) *out = NULL;
    if (!c) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_tool_loop: the client is NULL");
    if (req && req->tool_count)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_tool_loop: give the tools in desc.tools (each with its function), not request.tools");
    if (cv && req && req->message_count)
        return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_tool_loop: the conversation supplies the messages: leave request.messages "
                           "empty, or pass a NULL conversation");
    if ((res = ailib__tools_prepare(desc, &docs, err)) != AILIB_OK) return res;
    max = desc->max_steps > 0 ? (size_t)desc->max_steps : 10;
    if (cv) a = cv->alloc;
    tools = (ailib_tool *)ailib__malloc(&a, desc->tool_count * sizeof *tools);
    run = ailib__run_new(&a, max);
    if (!tools || !run) { res = ailib__fail(err, AILIB_OUT_OF_MEMORY, "out of memory"); goto done; }
    for (i = 0; i < desc->tool_count; i++) tools[i] = desc->tools[i].tool;
    if (req) local = *req; else memset(&local, 0, sizeof local);
    if (!cv) {
        if (!(run->own = cv = ailib_convo_create(NULL, err))) { res = err ? err->code : AILIB_OUT_OF_MEMORY; goto done; }
        for (i = 0; req && i < req->message_count; i++)
            if ((res = ailib_convo_add(cv, &req->messages[i], err)) != AILIB_OK) goto done;
    }
    local.messages = NULL;
    local.message_count = 0;
    local.tools = tools;
    local.tool_count = desc->tool_count;
    run->end = AILIB_LOOP_MAX_STEPS;
    while (run->n < max) {
        ailib_response *r = NULL;
        const ailib_tool_step *st;
        int stop = 0, calls;
        res = ailib__convo_send(c, cv, &local, desc->stream, desc->on_event, desc->event_user, &r, err);
        if (res != AILIB_OK) {
            run->end = AILIB_LOOP_FAILED;
            if (r) ailib__run_step(run, r, cv, 0, NULL);      /* what arrived stays readable */
            break;
        }
        calls = ailib_response_tool_call_count(r) > 0;
        if (calls && (res = ailib__tools_run(cv, r, desc, docs, NULL, &stop, err)) != AILIB_OK) {
            run->end = AILIB_LOOP_FAILED;
            ailib__run_step(run, r, cv, 0, NULL);
            break;
        }
        if ((res = ailib__run_step(run, r, cv, calls, err)) != AILIB_OK) { run->end = AILIB_LOOP_FAILED; break; }
        st = &run->steps[run->n - 1];
        if (desc->stop_when && desc->stop_when(desc->stop_user, st, run->n - 1)) stop = 1;
        if (!calls) { run->end = AILIB_LOOP_ANSWERED; break; }
        if (stop) { run->end = AILIB_LOOP_STOPPED; break; }
        /* a forced tool choice forces the first call only, or the loop could never end */
        if (local.tool_choice.mode == AILIB_TOOL_CHOICE_REQUIRED || local.tool_choice.mode == AILIB_TOOL_CHOICE_NAMED) {
            local.tool_choice.mode = AILIB_TOOL_CHOICE_AUTO;
            local.tool_choice.name = NULL;
        }
    }
done:
    ailib__tools_release(desc, docs);
    ailib__free(&a, tools);
    if (run && out) *out = run;
    else ailib_tool_run_destroy(run);
    return res;
}

/* --- the catalog before sending ---------------------------------------------------------------- */

/* Optimal string alignment distance (edits, adjacent swaps count one), ASCII case ignored;
   names longer than 63 bytes count as far from everything. */
static size_t ailib__edit_distance(const char *a, size_t an, const char *b, size_t bn) {
    size_t rows[3][64], i, j;
    size_t *pp = rows[0], *p = rows[1], *cur = rows[2], *t;
    if (an >= 64 || bn >= 64) return (size_t)-1;
    for (j = 0; j <= bn; j++) p[j] = j;
    for (i = 1; i <= an; i++) {
        cur[0] = i;
        for (j = 1; j <= bn; j++) {
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t v = p[j - 1] + !same;
            if (p[j] + 1 < v) v = p[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
        }
        t = pp; pp = p; p = cur; cur = t;
    }
    return p[bn];
}

static int ailib__icontains(const char *h, size_t hn, const char *n, size_t nn) {
    size_t i, j;
    if (nn > hn) return 0;
    for (i = 0; i + nn <= hn; i++) {
        for (j = 0; j < nn && tolower((unsigned char)h[i + j]) == tolower((unsigned char)n[j]); j++) {}
        if (j == nn) return 1;
    }
    return 0;
}

/* How near candidate c is to the name q: the edit distance, or (size_t)-1 when not near. Near
   means a few edits (a quarter of the shorter name, at least one) or one containing the other
   (at least 4 bytes of it): "gpt-4o-mni", "claude-sonnet", "antropic". */
static size_t ailib__nearness(const char *q, const char *c) {
    size_t qn = strlen(q), cn = strlen(c), d = ailib__edit_distance(q, qn, c, cn);
    size_t shorter = qn < cn ? qn : cn, allow = shorter / 4 ? shorter / 4 : 1;
    if (d <= allow) return d;
    if (shorter >= 4 && (ailib__icontains(c, cn, q, qn) || ailib__icontains(q, qn, c, cn))) return d == (size_t)-1 ? 63 : d;
    return (size_t)-1;
}

AILIB_API size_t ailib_model_suggest(const char *provider, const char *model, const ailib_model_info **out, size_t max) {
    size_t dist[16], n = 0, i, k;
    if (!model || !*model || !out || !max) return 0;
    if (max > 16) max = 16;
    for (i = 0; i < ailib_model_count(); i++) {
        const ailib_model_info *m = ailib_model_at(i);
        size_t d;
        if (provider && strcmp(m->provider, provider) != 0) continue;
        if ((d = ailib__nearness(model, m->name)) == (size_t)-1) continue;
        /* insertion into the best max, stable: catalog order (newest first) breaks ties */
        for (k = n; k > 0 && dist[k - 1] > d; k--) {
            if (k < max) { dist[k] = dist[k - 1]; out[k] = out[k - 1]; }
        }
        if (k < max) { dist[k] = d; out[k] = m; if (n < max) n++; }
    }
    return n;
}

AILIB_API const ailib_provider_info *ailib_provider_suggest(const char *name) {
    const ailib_provider_info *best = NULL;
    size_t i, bd = (size_t)-1;
    if (!name || !*name) return NULL;
    for (i = 0; i < ailib_provider_count(); i++) {
        size_t d = ailib__nearness(name, ailib_provider_at(i)->name);
        if (d < bd) { bd = d; best = ailib_provider_at(i); }
    }
    return best;
}

/* "a, b, c" of up to three catalog names near model (with their providers when all is set). */
static void ailib__suggest_text(char *buf, size_t cap, const char *provider, const char *model, int with_provider) {
    const ailib_model_info *nearest[3];
    size_t n = ailib_model_suggest(provider, model, nearest, 3), i, at = 0;
    buf[0] = 0;
    for (i = 0; i < n && at < cap; i++)
        at += (size_t)snprintf(buf + at, cap - at, "%s%s%s%s", i ? ", " : "", with_provider ? nearest[i]->provider : "",
                               with_provider ? "/" : "", nearest[i]->name);
}

/* The providers whose catalog rows list model (exactly, else by the catalog's prefix rule). */
static size_t ailib__providers_of(const char *model, const ailib_provider_info **out, size_t max) {
    size_t i, j, n = 0;
    int pass;
    for (pass = 0; pass < 2 && !n; pass++)
        for (i = 0; i < ailib_provider_count(); i++) {
            const ailib_provider_info *p = ailib_provider_at(i);
            int found = 0;
            if (pass == 0) {
                for (j = 0; j < ailib_model_count() && !found; j++)
                    found = !strcmp(ailib_model_at(j)->provider, p->name) && !strcmp(ailib_model_at(j)->name, model);
            } else found = ailib_model_find(p->name, model) != NULL;
            if (found && n < max) out[n++] = p;
        }
    return n;
}

AILIB_API ailib_result ailib_model_resolve(const char *model, const ailib_provider_info **provider, const char **bare,
                                           ailib_error *err) {
    const ailib_provider_info *found[8], *p;
    const char *slash;
    char nearest[256];
    size_t n;
    if (provider) *provider = NULL;
    if (bare) *bare = NULL;
    if (!model || !*model)
        return ailib__fail(err, AILIB_CONFIGURATION, "no model: set desc.model to \"provider/model\" (e.g. \"openai/gpt-4o-mini\") or AILIB_MODEL");
    slash = strchr(model, '/');
    p = slash ? ailib_provider_findn(model, (size_t)(slash - model)) : ailib_provider_find(model);
    if (p) {
        if (provider) *provider = p;
        if (bare) *bare = slash && slash[1] ? slash + 1 : p->default_model;
        return AILIB_OK;
    }
    /* a bare model id (which may hold a slash: "accounts/fireworks/models/x") that one provider lists */
    n = ailib__providers_of(model, found, 8);
    if (n == 1) {
        if (provider) *provider = found[0];
        if (bare) *bare = model;
        return AILIB_OK;
    }
    if (n > 1) {
        char list[256];
        size_t i, at = 0;
        for (i = 0; i < n && at < sizeof list; i++) at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", i ? ", " : "", found[i]->name);
        return ailib__fail(err, AILIB_CONFIGURATION, "model '%s' is served by %s: name one, e.g. \"%s/%s\"", model, list, found[0]->name, model);
    }
    if (slash) {
        const ailib_provider_info *s;
        char pname[64];
        ailib__copy_trunc(pname, sizeof pname, model, (size_t)(slash - model));
        s = ailib_provider_suggest(pname);
        if (s) return ailib__fail(err, AILIB_CONFIGURATION, "unknown provider '%s' in model '%s': did you mean '%s'? (`ailib providers` lists them)",
                                  pname, model, s->name);
        return ailib__fail(err, AILIB_CONFIGURATION, "unknown provider '%s' in model '%s' (`ailib providers` lists them)", pname, model);
    }
    if ((p = ailib_provider_suggest(model)) != NULL && ailib__edit_distance(model, strlen(model), p->name, strlen(p->name)) <= 2)
        return ailib__fail(err, AILIB_CONFIGURATION, "'%s' is neither a provider nor a catalog model: did you mean the provider '%s'? "
                           "(`ailib providers` lists them)", model, p->name);
    ailib__suggest_text(nearest, sizeof nearest, NULL, model, 1);
    if (nearest[0])
        return ailib__fail(err, AILIB_CONFIGURATION, "model '%s' names no provider and no catalog provider lists it: write it as "
                           "\"provider/model\"; near it in the catalog: %s", model, nearest);
    return ailib__fail(err, AILIB_CONFIGURATION, "model '%s' names no provider: write it as \"provider/model\" (e.g. \"openai/gpt-4o-mini\") "
                       "or set desc.provider", model);
}

static int ailib__provider_has_rows(const char *provider) {
    size_t i;
    for (i = 0; i < ailib_model_count(); i++) if (!strcmp(ailib_model_at(i)->provider, provider)) return 1;
    return 0;
}

static void ailib__warn_add(char *buf, size_t cap, const char *fmt, ...) {
    size_t at = strlen(buf);
    va_list ap;
    if (at + 3 >= cap) return;
    if (at) { memcpy(buf + at, "; ", 3); at += 2; }
    va_start(ap, fmt);
    vsnprintf(buf + at, cap - at, fmt, ap);
    va_end(ap);
}

/* The warning for a model the catalog does not know at a provider it knows ("" when none). */
static void ailib__model_warning(const ailib_provider_info *prov, const char *model, char *buf, size_t cap) {
    char nearest[256];
    const ailib_provider_info *others[8];
    size_t n;
    if (!prov || !model || !*model || prov->auth == AILIB_AUTH_NONE || !ailib__provider_has_rows(prov->name) ||
        ailib_model_find(prov->name, model))
        return;
    ailib__suggest_text(nearest, sizeof nearest, prov->name, model, 0);
    if (nearest[0]) ailib__warn_add(buf, cap, "model '%s' is not in the catalog of %s (nearest: %s); sending it as given", model, prov->name, nearest);
    else ailib__warn_add(buf, cap, "model '%s' is not in the catalog of %s (`ailib models %s` lists what it serves); sending it as given",
                         model, prov->name, prov->name);
    if ((n = ailib__providers_of(model, others, 8)) > 0)
        ailib__warn_add(buf, cap, "'%s' is a model of %s: write \"%s/%s\" to use it there", model, others[0]->name, others[0]->name, model);
}

static int ailib__wants_reasoning(const ailib_reasoning *r) {
    return (r->effort != AILIB_EFFORT_DEFAULT && r->effort != AILIB_EFFORT_NONE) || r->budget_tokens > 0;
}

/* The catalog checks of a request; warn_model: also the unknown-model warning. */
static ailib_result ailib__check(const ailib_provider_info *prov, const char *model, const ailib_request *req, int warn_model,
                                 char *warning, size_t cap, ailib_error *err) {
    const ailib_model_info *row;
    size_t i, j;
    int images = 0, audio = 0;
    if (warning && cap) warning[0] = 0;
    if (!prov || !req) return ailib__fail(err, AILIB_INVALID_ARGUMENT, "ailib_request_check: the provider and the request are required");
    if (!model || !*model) model = prov->default_model ? prov->default_model : "";
    row = ailib_model_find(prov->name, model);
    if (ailib__wants_reasoning(&req->reasoning) && row && !(row->caps & AILIB_CAP_REASONING)) {
        /* the alternative: the provider's default model when it reasons, else its first row that does */
        const ailib_model_info *alt = ailib_model_find(prov->name, prov->default_model ? prov->default_model : "");
        if (alt && !(alt->caps & AILIB_CAP_REASONING)) alt = NULL;
        for (i = 0; i < ailib_model_count() && !alt; i++)
            if (!strcmp(ailib_model_at(i)->provider, prov->name) && (ailib_model_at(i)->caps & AILIB_CAP_REASONING)) alt = ailib_model_at(i);
        if (alt)
            return ailib__fail(err, AILIB_UNSUPPORTED, "%s/%s cannot reason (its catalog row has no reasoning): remove request.reasoning, or "
                               "choose a model that reasons, e.g. %s/%s (a provider field can still go in request.extra_json)",
                               prov->name, row->name, prov->name, alt->name);
        return ailib__fail(err, AILIB_UNSUPPORTED, "%s/%s cannot reason (its catalog row has no reasoning, nor has any %s model): remove "
                           "request.reasoning (a provider field can still go in request.extra_json)", prov->name, row->name, prov->name);
    }
    if (req->reasoning.budget_tokens > 0 && req->max_tokens > 0) {
        int64_t mx = req->max_tokens, need = mx / 2 < 256 ? mx / 2 : 256, room = mx - req->reasoning.budget_tokens;
        if (room < need)
            return ailib__fail(err, AILIB_INVALID_ARGUMENT, "request.max_tokens %lld leaves %lld token%s for the answer after a thinking "
                               "budget of %lld (it covers both): raise request.max_tokens to at least %lld or lower "
                               "reasoning.budget_tokens to at most %lld", (long long)mx, (long long)(room > 0 ? room : 0),
                               room == 1 ? "" : "s", (long long)req->reasoning.budget_tokens,
                               (long long)(req->reasoning.budget_tokens + 256), (long long)(mx - need));
    }
    if (!warning || !cap) return AILIB_OK;
    if (warn_model) ailib__model_warning(prov, model, warning, cap);
    if (!row) return AILIB_OK;
    if (row->caps == AILIB_CAP_EMBEDDING || row->caps == (AILIB_CAP_EMBEDDING | AILIB_CAP_VISION))
        ailib__warn_add(warning, cap, "%s/%s is an embedding model: use ailib_embed() with it", prov->name, row->name);
    if (req->max_tokens > 0 && row->max_output > 0 && req->max_tokens > row->max_output)
        ailib__warn_add(warning, cap, "request.max_tokens %lld is above the %lld output tokens the catalog gives %s/%s",
                        (long long)req->max_tokens, (long long)row->max_output, prov->name, row->name);
    if (req->tool_count && !(row->caps & AILIB_CAP_TOOLS))
        ailib__warn_add(warning, cap, "the catalog says %s/%s does not call tools", prov->name, row->name);
    for (i = 0; i < req->message_count; i++)
        for (j = 0; req->messages[i].parts && j < req->messages[i].part_count; j++) {
            images |= req->messages[i].parts[j].type == AILIB_PART_IMAGE;
            audio |= req->messages[i].parts[j].type == AILIB_PART_AUDIO;
        }
    if (images && !(row->caps & AILIB_CAP_VISION)) ailib__warn_add(warning, cap, "the catalog says %s/%s does not take images", prov->name, row->name);
    if (audio && !(row->caps & AILIB_CAP_AUDIO)) ailib__warn_add(warning, cap, "the catalog says %s/%s does not take audio", prov->name, row->name);
    return AILIB_OK;
}

AILIB_API ailib_result ailib_request_check(const ailib_provider_info *provider, const char *model, const ailib_request *req,
                                           char *warning, size_t warning_cap, ailib_error *err) {
    return ailib__check(provider, model, req, 1, warning, warning_cap, err);
}

/* ailib_client_create's provider and model: an explicit row, "provider/model", desc.provider
   with a bare model, a provider name, or a bare model one catalog provider lists. Logs the
   unknown-model warning. */
static const ailib_provider_info *ailib__client_model(const ailib_client_desc *desc, const char **model, ailib_error *err) {
    const ailib_provider_info *prov = NULL;
    const char *m = *model, *bare = m;
    char warning[512];
    if (desc->provider_info) prov = desc->provider_info;
    else if (m && strchr(m, '/') && ailib_provider_findn(m, (size_t)(strchr(m, '/') - m))) {
        prov = ailib_provider_findn(m, (size_t)(strchr(m, '/') - m));
        bare = strchr(m, '/') + 1;
    } else if (desc->provider) {
        if (!(prov = ailib_provider_find(desc->provider))) {
            const ailib_provider_info *s = ailib_provider_suggest(desc->provider);
            ailib__fail(err, AILIB_CONFIGURATION, "unknown provider '%s' in desc.provider%s%s%s (`ailib providers` lists them)", desc->provider,
                        s ? ": did you mean '" : "", s ? s->name : "", s ? "'?" : "");
            return NULL;
        }
    } else if (ailib_model_resolve(m, &prov, &bare, err) != AILIB_OK) return NULL;
    if (!bare || !*bare) bare = prov->default_model;
    *model = bare;
    warning[0] = 0;
    if (desc->log && !desc->provider_info) {
        ailib__model_warning(prov, bare, warning, sizeof warning);
        if (warning[0]) desc->log(desc->log_user, AILIB_LOG_WARN, warning);
    }
    return prov;
}

/* ailib_chat_start's checks; the model warning only for a model other than the client's
   (whose warning came at creation). */
static ailib_result ailib__client_check(ailib_client *c, const ailib_provider_info *prov, const ailib_request *req, ailib_error *err) {
    const char *model = req->model, *slash;
    char warning[768];
    ailib_result r;
    if (model && (slash = strchr(model, '/')) != NULL && ailib_provider_findn(model, (size_t)(slash - model)) == prov) model = slash + 1;
    /* warnings only go to a logger: without one they are not even worded */
    r = ailib__check(prov, model, req, model && strcmp(model, c->model) != 0, c->log ? warning : NULL,
                     c->log ? sizeof warning : 0, err);
    if (r == AILIB_OK && c->log && warning[0]) ailib__log(c, AILIB_LOG_WARN, "%s", warning);
    return r;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#if defined(_MSC_VER)
#  pragma warning(pop)
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

/* ailib-mock - a local fake LLM provider server for tests, benchmarks and offline demos.

   It speaks the HTTP shapes of OpenAI chat, OpenAI Responses, Anthropic Messages, Gemini,
   Ollama, Cohere v2 and AWS Bedrock Converse (its binary event stream included) on loopback,
   answers deterministically, and injects faults (error statuses with each provider's error
   body, Retry-After in any form, redirects, 101, delays, dripping headers, stalls, resets,
   cuts, truncation, byte-by-byte writes, CRLF framing, oversized and endless bodies,
   tool-call floods, gzip bombs, invalid UTF-8, in-stream errors, broken structured output,
   replays of recorded traffic) chosen by a /x/<spec>/ path prefix, so a client under test
   only changes its base URL. It also answers structured-output requests (every protocol's
   JSON mode and schema, forced tool calls, a schema in the system prompt) with a JSON value
   generated from the schema, and describes the images of the user's turn.
   `ailib-mock --help` documents the CLI, the endpoints and the spec syntax.

   Plain C99 + POSIX sockets and threads, no other dependency (and deliberately not ailib.h:
   the server must not share bugs with the client it tests). One thread per connection with
   blocking I/O keeps delays and resets trivial; a kept-alive unary reply costs one recv and
   one writev.

   Build: cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 tools/ailib-mock.c -o build/ailib-mock -lpthread
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* >>limits ================================================================================== */

#define MOCK_MAX_HEAD      (64 * 1024)              /* request line + headers */
#define MOCK_MAX_HEADERS   128
#define MOCK_MAX_BODY      (64LL * 1024 * 1024)     /* decoded request body */
#define MOCK_MAX_ECHO      4096                     /* bytes of user text echoed in a reply */
#define MOCK_MAX_NAME      256                      /* bytes of a model or tool name echoed */
#define MOCK_JSON_DEPTH    200
#define MOCK_MAX_FIXTURE   (256LL * 1024 * 1024)
#define MOCK_MAX_OVERSIZE  (1024LL * 1024 * 1024)
#define MOCK_MAX_BOMB      (4LL * 1024 * 1024 * 1024)   /* decoded bytes of a gzip bomb */
#define MOCK_GEN_MAX_BYTES (1024LL * 1024 * 1024)       /* endless= / tool_flood=0: bytes sent at most */
#define MOCK_GEN_MAX_MS    (60LL * 1000)                /* ... and for at most this long */
#define MOCK_GEN_SLICE     1024                         /* text piece of generated streams */
#define MOCK_MAX_DELAY_MS  (3600LL * 1000)
#define MOCK_MAX_DIMS      4096
#define MOCK_DEFAULT_DIMS  16
#define MOCK_SPEC_HEADERS  16
#define MOCK_SLICE         16384                    /* text piece size of oversize streams */
#define MOCK_KEEP_BUF      (1024 * 1024)            /* bigger buffers are freed between requests */
#define MOCK_STACK         (512 * 1024)
#define MOCK_SCHEMA_DEPTH  16                       /* $ref / nesting depth of generated values */
#define MOCK_GEN_NODES     100000                   /* values in one generated document */
#define MOCK_GEN_BYTES     (8 * 1024 * 1024)        /* bytes of one generated document */

/* >>util ==================================================================================== */

typedef struct mock_span { const char *p; size_t n; } mock_span;

/* A growable byte buffer, always NUL-terminated. Allocation failure sets oom and turns later
   appends into no-ops, so builders stay linear and the sender checks once. */
typedef struct mock_buf { char *p; size_t len, cap; int oom; } mock_buf;

static int mock_room(mock_buf *b, size_t extra) {
    size_t need = b->len + extra + 1, ncap;
    char *np;
    if (b->oom || need < extra) { b->oom = 1; return 0; }
    if (need <= b->cap) return 1;
    ncap = b->cap ? b->cap : 1024;
    while (ncap < need) ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
    np = (char *)realloc(b->p, ncap);
    if (!np) { b->oom = 1; return 0; }
    b->p = np;
    b->cap = ncap;
    return 1;
}

static void mock_put(mock_buf *b, const char *s, size_t n) {
    if (!mock_room(b, n)) return;
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void mock_puts(mock_buf *b, const char *s) { mock_put(b, s, strlen(s)); }
static void mock_putc(mock_buf *b, char ch) { mock_put(b, &ch, 1); }
static void mock_putsp(mock_buf *b, mock_span s) { mock_put(b, s.p, s.n); }

static void mock_putu(mock_buf *b, unsigned long long v) {
    char t[24];
    size_t i = sizeof t;
    do { t[--i] = (char)('0' + v % 10); v /= 10; } while (v);
    mock_put(b, t + i, sizeof t - i);
}

static void mock_putf(mock_buf *b, const char *fmt, ...) {
    va_list ap;
    int n;
    if (!mock_room(b, 256)) return;
    va_start(ap, fmt);
    n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= b->cap - b->len) {
        if (!mock_room(b, (size_t)n)) return;
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

static void mock_buf_free(mock_buf *b) { free(b->p); memset(b, 0, sizeof *b); }

/* Empties a buffer for the next request, giving back memory a huge request or reply took. */
static void mock_buf_clear(mock_buf *b) {
    if (b->cap > MOCK_KEEP_BUF) mock_buf_free(b);
    b->len = 0;
    b->oom = 0;
    if (b->p) b->p[0] = 0;
}

static int mock_is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }
static char mock_lower(char ch) { return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch; }

/* Case-insensitive equality of s[0..n) with a literal; HTTP names and tokens are ASCII. */
static int mock_ieq(const char *s, size_t n, const char *lit) {
    size_t i;
    for (i = 0; i < n; i++)
        if (!lit[i] || mock_lower(s[i]) != mock_lower(lit[i])) return 0;
    return lit[n] == 0;
}

static int mock_is(mock_span s, const char *lit) {
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

static int mock_ends(const char *s, size_t n, const char *suffix) {
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static const char *mock_find(const char *s, size_t n, const char *lit) {
    size_t k = strlen(lit), i;
    for (i = 0; k && i + k <= n; i++)
        if (s[i] == lit[0] && memcmp(s + i, lit, k) == 0) return s + i;
    return NULL;
}

/* A whole string as a non-negative decimal integer, or -1: spec values must be exact. */
static long long mock_atoll(const char *s, size_t n) {
    long long v = 0;
    size_t i;
    if (!n || n > 18) return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int mock_hexval(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into out (out may be s); -1 on a malformed escape. */
static long mock_pct_decode(const char *s, size_t n, char *out) {
    size_t i, o = 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? mock_hexval(s[i + 1]) : -1, lo = hi >= 0 ? mock_hexval(s[i + 2]) : -1;
            if (lo < 0) return -1;
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    return (long)o;
}

static volatile sig_atomic_t mock_signalled;
static int mock_stopping(void);

/* Sleeps in short slices so a shutdown never waits out a long fault delay. */
static void mock_sleep_ms(long long ms) {
    while (ms > 0 && !mock_stopping()) {
        long long step = ms < 20 ? ms : 20;
        struct timespec ts;
        ts.tv_sec = 0;
        ts.tv_nsec = (long)(step * 1000000L);
        while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
        ms -= step;
    }
}

/* >>utf8 + json writing ===================================================================== */

/* Length of the valid UTF-8 sequence at s, or 0 (overlongs and surrogates are invalid). */
static size_t mock_utf8_len(const char *s, size_t n) {
    unsigned c = (unsigned char)s[0];
    unsigned long cp;
    size_t k, i;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { k = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { k = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { k = 4; cp = c & 0x07; }
    else return 0;
    if (n < k) return 0;
    for (i = 1; i < k; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | ((unsigned char)s[i] & 0x3F);
    }
    if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return k;
}

static size_t mock_utf8_enc(unsigned long cp, char *o) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Appends s as a JSON string literal. Invalid UTF-8 becomes U+FFFD, so every reply parses
   whatever bytes the request carried. */
static void mock_putj(mock_buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run;
    mock_putc(b, '"');
    while (i < n) {
        unsigned char c;
        for (run = i; run < n; run++) {
            c = (unsigned char)s[run];
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
        }
        if (run > i) { mock_put(b, s + i, run - i); i = run; continue; }
        c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t k = mock_utf8_len(s + i, n - i);
            if (k) mock_put(b, s + i, k); else mock_puts(b, "\\ufffd");
            i += k ? k : 1;
            continue;
        }
        switch (c) {
        case '"': mock_puts(b, "\\\""); break;
        case '\\': mock_puts(b, "\\\\"); break;
        case '\n': mock_puts(b, "\\n"); break;
        case '\r': mock_puts(b, "\\r"); break;
        case '\t': mock_puts(b, "\\t"); break;
        default: {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            mock_put(b, e, 6);
        }
        }
        i++;
    }
    mock_putc(b, '"');
}

static void mock_putjs(mock_buf *b, const char *s) { mock_putj(b, s, strlen(s)); }

/* One escape sequence at s (after the backslash) decoded into o; returns the bytes it used
   from s, or 0 when malformed (the caller then copies the backslash literally). */
static size_t mock_unescape(const char *s, size_t n, char *o, size_t *olen) {
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit;
    unsigned long cp = 0, lo = 0;
    size_t i;
    if (!n) return 0;
    if (s[0] != 'u') {
        hit = strchr(from, s[0]);
        if (!hit || !s[0]) return 0;
        o[0] = to[hit - from];
        *olen = 1;
        return 1;
    }
    if (n < 5) return 0;
    for (i = 1; i < 5; i++) { int h = mock_hexval(s[i]); if (h < 0) return 0; cp = cp * 16 + (unsigned)h; }
    if (cp >= 0xD800 && cp <= 0xDBFF && n >= 11 && s[5] == '\\' && s[6] == 'u') {
        for (i = 7; i < 11; i++) { int h = mock_hexval(s[i]); if (h < 0) break; lo = lo * 16 + (unsigned)h; }
        if (i == 11 && lo >= 0xDC00 && lo <= 0xDFFF) {
            *olen = mock_utf8_enc(0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00), o);
            return 11;
        }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    *olen = mock_utf8_enc(cp, o);
    return 5;
}

/* Decodes a JSON string's contents (escapes intact, no quotes) into b, at most max bytes,
   cut on a character boundary. Malformed escapes pass through: the mock is tolerant. */
static void mock_json_decode(mock_buf *b, const char *s, size_t n, size_t max) {
    size_t i = 0, start = b->len;
    while (i < n) {
        char u[4];
        const char *src = s + i;
        size_t k = 1, adv = 1;
        if (s[i] == '\\') {
            size_t used = mock_unescape(s + i + 1, n - i - 1, u, &k);
            if (used) { src = u; adv = used + 1; } else k = 1;
        } else if ((unsigned char)s[i] >= 0x80) {
            k = mock_utf8_len(s + i, n - i);
            if (!k) k = 1;
            adv = k;
        }
        if (b->len - start + k > max) break;
        mock_put(b, src, k);
        i += adv;
    }
}

/* >>json scanning =========================================================================== */

static const char *mock_ws(const char *p, const char *e) {
    while (p < e && mock_is_space(*p)) p++;
    return p;
}

/* p is just past an opening quote; returns the closing quote or NULL. A quote is escaped iff
   an odd run of backslashes precedes it, which lets memchr do the scanning. */
static const char *mock_str_end(const char *p, const char *e) {
    const char *q = p;
    while (q < e) {
        const char *hit = (const char *)memchr(q, '"', (size_t)(e - q)), *b;
        if (!hit) return NULL;
        for (b = hit; b > p && b[-1] == '\\'; b--) {}
        if ((hit - b) % 2 == 0) return hit;
        q = hit + 1;
    }
    return NULL;
}

static int mock_is_scalar(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == '.'
        || ch == 'E';
}

/* Skips one JSON value without building anything; NULL when it is malformed or cut. */
static const char *mock_json_skip(const char *p, const char *e) {
    int depth = 0;
    p = mock_ws(p, e);
    do {
        if (p >= e) return NULL;
        if (*p == '"') {
            p = mock_str_end(p + 1, e);
            if (!p) return NULL;
            p++;
        } else if (*p == '{' || *p == '[') {
            depth++; p++;
        } else if (*p == '}' || *p == ']') {
            if (--depth < 0) return NULL;
            p++;
        } else if (depth > 0 && (*p == ',' || *p == ':' || mock_is_space(*p))) {
            p++;
        } else if (mock_is_scalar(*p)) {
            while (p < e && mock_is_scalar(*p)) p++;
        } else {
            return NULL;
        }
    } while (depth > 0);
    return p;
}

/* Finds a top-level member of a JSON object: its raw value, or for a string its contents.
   Used on fixture lines, so it only needs to be right on well-formed JSON. */
static int mock_json_member(const char *p, size_t n, const char *key, mock_span *out, int *is_str) {
    const char *e = p + n, *k, *ke;
    p = mock_ws(p, e);
    if (p >= e || *p != '{') return 0;
    for (p++;;) {
        p = mock_ws(p, e);
        if (p >= e || *p != '"') return 0;
        k = p + 1;
        ke = mock_str_end(k, e);
        if (!ke) return 0;
        p = mock_ws(ke + 1, e);
        if (p >= e || *p != ':') return 0;
        p = mock_ws(p + 1, e);
        if ((size_t)(ke - k) == strlen(key) && memcmp(k, key, (size_t)(ke - k)) == 0) {
            const char *ve = mock_json_skip(p, e);
            if (!ve) return 0;
            *is_str = *p == '"';
            out->p = *is_str ? p + 1 : p;
            out->n = (size_t)(ve - p) - (*is_str ? 2 : 0);
            return 1;
        }
        p = mock_json_skip(p, e);
        if (!p) return 0;
        p = mock_ws(p, e);
        if (p < e && *p == ',') { p++; continue; }
        return 0;
    }
}

/* Iterates the elements of a raw JSON array (or yields a lone non-array value once).
   *cur starts NULL. */
static int mock_json_next(mock_span v, const char **cur, mock_span *item) {
    const char *e = v.p + v.n, *p = *cur, *q;
    if (!p) {
        p = mock_ws(v.p, e);
        if (p >= e) return 0;
        if (*p != '[') { item->p = p; item->n = (size_t)(e - p); *cur = e; return 1; }
        p++;
    }
    p = mock_ws(p, e);
    if (p < e && *p == ',') p = mock_ws(p + 1, e);
    if (p >= e || *p == ']') return 0;
    q = mock_json_skip(p, e);
    if (!q) return 0;
    item->p = p;
    item->n = (size_t)(q - p);
    *cur = q;
    return 1;
}

/* >>request analysis ======================================================================== */

/* What a reply needs from a request body, found by one tolerant pass over the JSON: spans
   point into the body, strings without their quotes and with their escapes intact. */
typedef struct mock_info {
    mock_span user_text;        /* last content/text string of the last user turn */
    mock_span any_text;         /* last content/text string anywhere (fallback) */
    mock_span prompt, model;    /* top-level "prompt" (Ollama generate), "model" */
    mock_span tool_name;        /* first "name" inside the top-level "tools" */
    mock_span tool_kind;        /* first tool "type" that is not "function" (Responses custom,
                                   local_shell, apply_patch, mcp, web_search; Anthropic server tools) */
    mock_span tool_result;      /* text of the last tool result */
    mock_span input;            /* raw top-level input / texts / inputs / requests */
    int tool_result_raw;        /* tool_result is raw JSON, not string contents */
    int has_tools, tool_city, has_tool_result;
    int has_assistant;          /* an assistant (Gemini: model) turn anywhere */
    int stream;                 /* top-level "stream": -1 absent, 0 false, 1 true */
    int include_usage, base64;
    long long dims;             /* dimensions / outputDimensionality, 0 when absent */
} mock_info;

/* One open object or array: what its subtree has shown so far. */
typedef struct mock_frame {
    int is_user, is_tool;
    mock_span text, result, response;
} mock_frame;

typedef struct mock_walk { const char *p, *e; int depth, in_tools; mock_info *in; } mock_walk;

static int mock_walk_value(mock_walk *w, mock_frame *up, mock_span key);

static int mock_is_input_key(mock_span k) {
    return mock_is(k, "input") || mock_is(k, "texts") || mock_is(k, "inputs") || mock_is(k, "requests");
}

static void mock_walk_string(mock_walk *w, mock_frame *up, mock_span key, mock_span s) {
    mock_info *in = w->in;
    if (mock_is(key, "role")) {
        if (mock_is(s, "user")) up->is_user = 1;
        else if (mock_is(s, "tool")) up->is_tool = 1;
        else if (mock_is(s, "assistant") || mock_is(s, "model")) in->has_assistant = 1;
    } else if (mock_is(key, "type")) {
        if (mock_is(s, "tool_result") || mock_is(s, "function_call_output") || mock_is(s, "custom_tool_call_output") ||
            mock_is(s, "local_shell_call_output") || mock_is(s, "apply_patch_call_output") || mock_is(s, "mcp_approval_response"))
            up->is_tool = 1;
        if (w->in_tools && w->depth == 3 && !in->tool_kind.p && !mock_is(s, "function")) in->tool_kind = s;
    } else if (mock_is(key, "name")) {
        if (w->in_tools && !in->tool_name.p) in->tool_name = s;
    } else if (mock_is(key, "encoding_format")) {
        in->base64 = mock_is(s, "base64");
    } else if (w->depth == 1 && mock_is(key, "model")) {
        in->model = s;
    } else if (w->depth == 1 && mock_is(key, "prompt")) {
        in->prompt = s;
    }
    if (mock_is(key, "content") || mock_is(key, "text")) {
        up->text = s;
        up->result = s;
        if (!w->in_tools) in->any_text = s;
    } else if (mock_is(key, "data") || mock_is(key, "result") || mock_is(key, "output")) {
        up->result = s;
    }
}

static void mock_walk_scalar(mock_walk *w, mock_span key, mock_span v) {
    if (w->depth == 1 && mock_is(key, "stream")) w->in->stream = mock_is(v, "true");
    else if (mock_is(key, "include_usage")) w->in->include_usage = mock_is(v, "true");
    else if (mock_is(key, "dimensions") || mock_is(key, "outputDimensionality")) w->in->dims = mock_atoll(v.p, v.n);
}

/* Settles a closed container: a user turn yields its last text, a tool result its text (or
   its raw JSON), and what the subtree found flows up to the parent. */
static void mock_walk_close(mock_walk *w, mock_frame *up, const mock_frame *f, mock_span key, mock_span raw) {
    mock_info *in = w->in;
    if (f->is_user && f->text.p) in->user_text = f->text;
    if (f->is_tool) {
        in->has_tool_result = 1;
        in->tool_result_raw = !f->result.p;
        in->tool_result = f->result.p ? f->result : f->response.p ? f->response : raw;
    }
    if (w->depth == 1 && mock_is_input_key(key)) in->input = raw;
    if (w->depth == 1 && (mock_is(key, "tools") || mock_is(key, "toolConfig"))) in->has_tools = 1;
    if (mock_is(key, "response")) up->response = raw;
    if (f->text.p) up->text = f->text;
    if (f->result.p) up->result = f->result;
}

static int mock_walk_key(mock_walk *w, mock_span *k) {
    const char *q;
    if (w->p >= w->e || *w->p != '"') return 0;
    q = mock_str_end(w->p + 1, w->e);
    if (!q) return 0;
    k->p = w->p + 1;
    k->n = (size_t)(q - w->p - 1);
    w->p = mock_ws(q + 1, w->e);
    if (w->p >= w->e || *w->p != ':') return 0;
    w->p++;
    return 1;
}

static int mock_walk_container(mock_walk *w, mock_frame *up, mock_span key) {
    mock_frame f;
    mock_span raw;
    char close = *w->p == '{' ? '}' : ']';
    int tools = w->depth == 1 && (mock_is(key, "tools") || mock_is(key, "toolConfig")), ok = 1;
    if (w->depth >= MOCK_JSON_DEPTH) return 0;
    memset(&f, 0, sizeof f);
    f.is_tool = mock_is(key, "functionResponse") || mock_is(key, "toolResult");
    raw.p = w->p++;
    w->depth++;
    w->in_tools += tools;
    for (;;) {
        mock_span k = { NULL, 0 };
        w->p = mock_ws(w->p, w->e);
        if (w->p >= w->e) { ok = 0; break; }
        if (*w->p == close) { w->p++; break; }
        if (close == '}') {
            if (!mock_walk_key(w, &k)) { ok = 0; break; }
            if (w->in_tools && mock_is(k, "city")) w->in->tool_city = 1;
        }
        if (!mock_walk_value(w, &f, k)) { ok = 0; break; }
        w->p = mock_ws(w->p, w->e);
        if (w->p < w->e && *w->p == ',') w->p++;
        else if (w->p >= w->e || *w->p != close) { ok = 0; break; }
    }
    w->depth--;
    w->in_tools -= tools;
    raw.n = (size_t)(w->p - raw.p);
    mock_walk_close(w, up, &f, key, raw);
    return ok;
}

static int mock_walk_value(mock_walk *w, mock_frame *up, mock_span key) {
    const char *p = mock_ws(w->p, w->e), *q;
    mock_span s;
    w->p = p;
    if (p >= w->e) return 0;
    if (*p == '{' || *p == '[') return mock_walk_container(w, up, key);
    if (*p == '"') {
        q = mock_str_end(p + 1, w->e);
        if (!q) return 0;
        s.p = p + 1;
        s.n = (size_t)(q - p - 1);
        w->p = q + 1;
        mock_walk_string(w, up, key, s);
        if (w->depth == 1 && mock_is_input_key(key)) { w->in->input.p = p; w->in->input.n = (size_t)(q + 1 - p); }
        return 1;
    }
    for (q = p; q < w->e && mock_is_scalar(*q); q++) {}
    if (q == p) return 0;
    s.p = p;
    s.n = (size_t)(q - p);
    mock_walk_scalar(w, key, s);
    w->p = q;
    return 1;
}

/* Fills info from a request body. Never fails: on malformed JSON it keeps what it saw. */
static void mock_analyze(const char *body, size_t len, mock_info *info) {
    mock_walk w;
    mock_frame top;
    mock_span none = { NULL, 0 };
    memset(info, 0, sizeof *info);
    memset(&top, 0, sizeof top);
    info->stream = -1;
    w.p = body ? body : "";
    w.e = w.p + (body ? len : 0);
    w.depth = 0;
    w.in_tools = 0;
    w.in = info;
    mock_walk_value(&w, &top, none);
}

/* >>spec ==================================================================================== */

enum { MOCK_SCN_DEFAULT, MOCK_SCN_TOOL, MOCK_SCN_REASONING, MOCK_SCN_SERVER_TOOLS };
enum { MOCK_IE_NONE, MOCK_IE_NATIVE, MOCK_IE_OPENAI, MOCK_IE_GROQ, MOCK_IE_OPENROUTER };
enum { MOCK_BAD_NONE, MOCK_BAD_SYNTAX, MOCK_BAD_SCHEMA };

/* reset_after=delta / eof_after=delta: just after the first delta piece of a stream. */
#define MOCK_AT_DELTA (-2LL)

/* The decoded /x/<spec>/ of one request. Strings point into the connection's spec buffer. */
typedef struct mock_spec {
    int scenario, status, bytewise, crlf, instream_error;
    int bad_json;                                 /* MOCK_BAD_* */
    int reset_head, upgrade, chunked, endless, bad_utf8;
    int error_body;                               /* error_body=S: the native error of S, 0 absent */
    const char *body;  size_t body_len;           /* body=, NULL when absent */
    const char *headers[MOCK_SPEC_HEADERS];       /* header=, "Name:Value" */
    int header_count;
    const char *retry_after, *retry_after_ms;     /* validated numbers, NULL when absent */
    const char *ctype, *location, *retry_delay;   /* header-safe text, NULL when absent */
    const char *tag;                              /* tag=: only names the counter */
    long long times, delay_ms, chunk_delay_ms, stall_ms, head_delay_ms, stall_delta_ms;
    long long reset_after, eof_after, truncate, oversize;   /* -1 when absent; MOCK_AT_DELTA */
    long long tool_flood, gzip_bomb;              /* -1 when absent; tool_flood=0: without end */
    const char *replay;
} mock_spec;

static void mock_spec_init(mock_spec *f) {
    memset(f, 0, sizeof *f);
    f->reset_after = f->eof_after = f->truncate = f->oversize = f->tool_flood = f->gzip_bomb = -1;
}

/* times=N exhausted: the request gets the normal reply, keeping only what is not a fault. */
static void mock_spec_strip(mock_spec *f) {
    int scenario = f->scenario, crlf = f->crlf;
    mock_spec_init(f);
    f->scenario = scenario;
    f->crlf = crlf;
}

static int mock_spec_fail(char *err, size_t cap, const char *fmt, const char *a) {
    snprintf(err, cap, fmt, a);
    return 0;
}

static int mock_is_number(const char *v) {
    size_t i, digits = 0, dots = 0;
    for (i = 0; v[i]; i++) {
        if (v[i] >= '0' && v[i] <= '9') digits++;
        else if (v[i] == '.') dots++;
        else return 0;
    }
    return digits > 0 && dots <= 1 && i <= 20;
}

static int mock_is_token_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr("!#$%&'*+-.^_`|~", ch);
}

/* header=Name:Value must not smuggle a CR/LF into the response head. */
static int mock_spec_header(mock_spec *f, const char *v, size_t n, char *err, size_t cap) {
    const char *colon = (const char *)memchr(v, ':', n);
    size_t i;
    if (!colon || colon == v) return mock_spec_fail(err, cap, "header=%s: expected Name:Value", v);
    for (i = 0; v + i < colon; i++)
        if (!mock_is_token_char(v[i])) return mock_spec_fail(err, cap, "header=%s: bad header name", v);
    for (i = 0; i < n; i++)
        if (v[i] == '\r' || v[i] == '\n' || v[i] == 0) return mock_spec_fail(err, cap, "header=%s: CR, LF or NUL in value", v);
    if (f->header_count >= MOCK_SPEC_HEADERS) return mock_spec_fail(err, cap, "too many header= keys (max %s)", "16");
    f->headers[f->header_count++] = v;
    return 1;
}

/* Numeric keys: name, where the value goes, its upper bound. */
static long long *mock_spec_num(mock_spec *f, const char *k, long long *max) {
    *max = MOCK_MAX_DELAY_MS;
    if (!strcmp(k, "delay_ms")) return &f->delay_ms;
    if (!strcmp(k, "chunk_delay_ms")) return &f->chunk_delay_ms;
    if (!strcmp(k, "stall_ms")) return &f->stall_ms;
    if (!strcmp(k, "head_delay_ms")) return &f->head_delay_ms;
    if (!strcmp(k, "stall_delta_ms")) return &f->stall_delta_ms;
    *max = 1000000000000LL;
    if (!strcmp(k, "times")) return &f->times;
    if (!strcmp(k, "reset_after")) return &f->reset_after;
    if (!strcmp(k, "eof_after")) return &f->eof_after;
    if (!strcmp(k, "truncate")) return &f->truncate;
    *max = 1000000000LL;
    if (!strcmp(k, "tool_flood")) return &f->tool_flood;
    *max = MOCK_MAX_OVERSIZE;
    if (!strcmp(k, "oversize")) return &f->oversize;
    *max = MOCK_MAX_BOMB;
    if (!strcmp(k, "gzip_bomb")) return &f->gzip_bomb;
    return NULL;
}

static int mock_spec_flag(const char *v, int *out) {
    if (strcmp(v, "0") && strcmp(v, "1")) return 0;
    *out = v[0] == '1';
    return 1;
}

/* The 0/1 keys. */
static int *mock_spec_bool(mock_spec *f, const char *k) {
    if (!strcmp(k, "bytewise")) return &f->bytewise;
    if (!strcmp(k, "crlf")) return &f->crlf;
    if (!strcmp(k, "reset_head")) return &f->reset_head;
    if (!strcmp(k, "upgrade")) return &f->upgrade;
    if (!strcmp(k, "chunked")) return &f->chunked;
    if (!strcmp(k, "endless")) return &f->endless;
    if (!strcmp(k, "bad_utf8")) return &f->bad_utf8;
    return NULL;
}

/* Text keys that end up in a header line or a JSON string: no CR, LF or NUL. */
static const char **mock_spec_text(mock_spec *f, const char *k) {
    if (!strcmp(k, "ctype")) return &f->ctype;
    if (!strcmp(k, "location")) return &f->location;
    if (!strcmp(k, "retry_delay")) return &f->retry_delay;
    if (!strcmp(k, "tag")) return &f->tag;
    return NULL;
}

static int mock_spec_enum(mock_spec *f, const char *k, const char *v, char *err, size_t cap) {
    static const char *const ie[] = { "0", "1", "openai", "groq", "openrouter" };
    static const char *const scn[] = { "default", "tool", "reasoning", "server_tools" };
    static const char *const bad[] = { "0", "syntax", "schema" };
    int i;
    if (!strcmp(k, "scenario")) {
        for (i = 0; i < 4; i++) if (!strcmp(v, scn[i])) { f->scenario = i; return 1; }
        return mock_spec_fail(err, cap, "scenario=%s: expected default, tool, reasoning or server_tools", v);
    }
    if (!strcmp(k, "bad_json")) {
        for (i = 0; i < 3; i++) if (!strcmp(v, bad[i])) { f->bad_json = i; return 1; }
        return mock_spec_fail(err, cap, "bad_json=%s: expected syntax or schema", v);
    }
    for (i = 0; i < 5; i++) if (!strcmp(v, ie[i])) { f->instream_error = i; return 1; }
    return mock_spec_fail(err, cap, "instream_error=%s: expected 0, 1, openai, groq or openrouter", v);
}

static int mock_spec_set(mock_spec *f, const char *k, const char *v, size_t n, char *err, size_t cap) {
    long long max, *num = mock_spec_num(f, k, &max);
    int *flag = mock_spec_bool(f, k);
    const char **text = mock_spec_text(f, k);
    if (num) {
        long long x = mock_atoll(v, n);
        if ((num == &f->reset_after || num == &f->eof_after) && !strcmp(v, "delta")) x = MOCK_AT_DELTA;
        else if (x < 0 || x > max) return mock_spec_fail(err, cap, "%s: expected a non-negative integer in range", k);
        *num = x;
        return 1;
    }
    if (flag) {
        if (!mock_spec_flag(v, flag)) return mock_spec_fail(err, cap, "%s: expected 0 or 1", k);
        return 1;
    }
    if (text) {
        size_t i;
        for (i = 0; i < n; i++)
            if (v[i] == '\r' || v[i] == '\n' || v[i] == 0) return mock_spec_fail(err, cap, "%s: CR, LF or NUL in value", k);
        if (strlen(v) != n) return mock_spec_fail(err, cap, "%s: NUL in value", k);
        *text = v;
        return 1;
    }
    if (!strcmp(k, "error_body")) {
        long long x = mock_atoll(v, n);
        if (x < 400 || x > 599) return mock_spec_fail(err, cap, "error_body=%s: expected 400..599", v);
        f->error_body = (int)x;
        return 1;
    }
    if (!strcmp(k, "scenario") || !strcmp(k, "instream_error") || !strcmp(k, "bad_json")) return mock_spec_enum(f, k, v, err, cap);
    if (!strcmp(k, "status")) {
        long long x = mock_atoll(v, n);
        if (x < 200 || x > 599) return mock_spec_fail(err, cap, "status=%s: expected 200..599", v);
        f->status = (int)x;
        return 1;
    }
    if (!strcmp(k, "body")) { f->body = v; f->body_len = n; return 1; }
    if (!strcmp(k, "header")) return mock_spec_header(f, v, n, err, cap);
    if (!strcmp(k, "retry_after") || !strcmp(k, "retry_after_ms")) {
        if (!mock_is_number(v)) return mock_spec_fail(err, cap, "%s: expected a number", k);
        if (k[11] == '_') f->retry_after_ms = v; else f->retry_after = v;
        return 1;
    }
    if (!strcmp(k, "replay")) {
        if (!n || strlen(v) != n || v[0] == '/' || mock_find(v, n, ".."))
            return mock_spec_fail(err, cap, "replay=%s: expected a path relative to the fixtures dir, without ..", v);
        f->replay = v;
        return 1;
    }
    return mock_spec_fail(err, cap, "unknown spec key '%s' (see ailib-mock --help)", k);
}

/* Parses a writable copy of the spec: commas split key=value pairs, values are
   percent-decoded in place. On failure err says which key is wrong. */
static int mock_spec_parse(char *s, mock_spec *f, char *err, size_t cap) {
    mock_spec_init(f);
    while (*s) {
        char *part = s, *comma = strchr(s, ','), *eq;
        long n;
        if (comma) { *comma = 0; s = comma + 1; } else s += strlen(s);
        if (!*part) continue;
        eq = strchr(part, '=');
        if (!eq) return mock_spec_fail(err, cap, "spec part '%s' is not key=value", part);
        *eq = 0;
        n = mock_pct_decode(eq + 1, strlen(eq + 1), eq + 1);
        if (n < 0) return mock_spec_fail(err, cap, "%s: bad percent escape in value", part);
        eq[1 + n] = 0;
        if (!mock_spec_set(f, part, eq + 1, (size_t)n, err, cap)) return 0;
    }
    return 1;
}

static int mock_fixture_suffix(const char *s, size_t n) {
    return mock_ends(s, n, ".sse") || mock_ends(s, n, ".jsonl") || mock_ends(s, n, ".ndjson") || mock_ends(s, n, ".json")
        || mock_ends(s, n, ".bin") || mock_ends(s, n, ".txt");
}

/* Where the spec after "/x/" ends. Normally at the next '/', but a replay= value may name a
   fixture with its folder unencoded (replay=openai/x.sse): while the last key is a replay=
   whose value has no fixture suffix yet, the next path segment still belongs to it. If no
   segment ever completes it, the plain rule stands (and the spec parser names the error). */
static size_t mock_spec_end(const char *s, size_t n) {
    const char *first = (const char *)memchr(s, '/', n);
    size_t end = 0;
    for (;;) {
        const char *slash = (const char *)memchr(s + end, '/', n - end), *part;
        size_t seg_end = slash ? (size_t)(slash - s) : n, i;
        for (i = seg_end; i > 0 && s[i - 1] != ','; i--) {}
        part = s + i;
        if (seg_end - i < 7 || memcmp(part, "replay=", 7) || mock_fixture_suffix(part, seg_end - i)) return seg_end;
        if (!slash) return first ? (size_t)(first - s) : n;
        end = seg_end + 1;
    }
}

/* >>stats =================================================================================== */

typedef struct mock_count {
    struct mock_count *next;
    unsigned long long n;
    size_t len;
    char key[];
} mock_count;

#define MOCK_BUCKETS 256

static struct {
    pthread_mutex_t mu;
    mock_count *tab[MOCK_BUCKETS];
    unsigned long long total, seq, served;
} mock_stats = { PTHREAD_MUTEX_INITIALIZER, { NULL }, 0, 0, 0 };

static unsigned mock_hash(const char *s, size_t n) {
    unsigned h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Counts one request under its spec; returns the spec's new count (times= compares with it)
   and a process-wide sequence number for ids. */
static unsigned long long mock_stats_hit(const char *key, size_t n, unsigned long long *seq) {
    mock_count **slot, *c;
    unsigned long long r = 0;
    pthread_mutex_lock(&mock_stats.mu);
    *seq = ++mock_stats.seq;
    mock_stats.total++;
    slot = &mock_stats.tab[mock_hash(key, n) % MOCK_BUCKETS];
    for (c = *slot; c && !(c->len == n && memcmp(c->key, key, n) == 0); c = c->next) {}
    if (!c && (c = (mock_count *)malloc(sizeof *c + n + 1)) != NULL) {
        memcpy(c->key, key, n);
        c->key[n] = 0;
        c->len = n;
        c->n = 0;
        c->next = *slot;
        *slot = c;
    }
    if (c) r = ++c->n;
    pthread_mutex_unlock(&mock_stats.mu);
    return r;
}

/* A fresh id for replies that are not counted (admin endpoints, rejected requests). */
static unsigned long long mock_next_seq(void) {
    unsigned long long s;
    pthread_mutex_lock(&mock_stats.mu);
    s = ++mock_stats.seq;
    pthread_mutex_unlock(&mock_stats.mu);
    return s;
}

static void mock_stats_clear_locked(void) {
    int i;
    for (i = 0; i < MOCK_BUCKETS; i++) {
        while (mock_stats.tab[i]) {
            mock_count *c = mock_stats.tab[i];
            mock_stats.tab[i] = c->next;
            free(c);
        }
    }
    mock_stats.total = 0;
}

static void mock_stats_reset(void) {
    pthread_mutex_lock(&mock_stats.mu);
    mock_stats_clear_locked();
    pthread_mutex_unlock(&mock_stats.mu);
}

static void mock_stats_json(mock_buf *b) {
    mock_count *c;
    int i, first = 1;
    pthread_mutex_lock(&mock_stats.mu);
    mock_puts(b, "{\"total\":");
    mock_putu(b, mock_stats.total);
    mock_puts(b, ",\"by_spec\":{");
    for (i = 0; i < MOCK_BUCKETS; i++) {
        for (c = mock_stats.tab[i]; c; c = c->next) {
            if (!first) mock_putc(b, ',');
            first = 0;
            mock_putj(b, c->key, c->len);
            mock_putc(b, ':');
            mock_putu(b, c->n);
        }
    }
    mock_puts(b, "}}");
    pthread_mutex_unlock(&mock_stats.mu);
}

/* >>last request ============================================================================ */

typedef struct mock_hdr { const char *name, *value; } mock_hdr;

/* A copy of the last counted request in one allocation, swapped in under a lock. */
typedef struct mock_last {
    char *method, *target, *body;
    size_t body_len, nh;
    mock_hdr *h;
} mock_last;

static struct { pthread_mutex_t mu; mock_last *last; } mock_lastreq = { PTHREAD_MUTEX_INITIALIZER, NULL };

static char *mock_stash(char **at, const char *s, size_t n) {
    char *r = *at;
    if (n) memcpy(r, s, n);
    r[n] = 0;
    *at += n + 1;
    return r;
}

static void mock_last_save(const char *method, const char *target, const mock_hdr *h, size_t nh,
                           const char *body, size_t body_len) {
    size_t need = sizeof(mock_last) + nh * sizeof(mock_hdr) + strlen(method) + strlen(target) + body_len + 3, i;
    mock_last *l, *old;
    char *at;
    for (i = 0; i < nh; i++) need += strlen(h[i].name) + strlen(h[i].value) + 2;
    l = (mock_last *)malloc(need);
    if (!l) return;
    l->h = (mock_hdr *)(l + 1);
    at = (char *)(l->h + nh);
    l->method = mock_stash(&at, method, strlen(method));
    l->target = mock_stash(&at, target, strlen(target));
    for (i = 0; i < nh; i++) {
        l->h[i].name = mock_stash(&at, h[i].name, strlen(h[i].name));
        l->h[i].value = mock_stash(&at, h[i].value, strlen(h[i].value));
    }
    l->nh = nh;
    l->body = mock_stash(&at, body ? body : "", body_len);
    l->body_len = body_len;
    pthread_mutex_lock(&mock_lastreq.mu);
    old = mock_lastreq.last;
    mock_lastreq.last = l;
    pthread_mutex_unlock(&mock_lastreq.mu);
    free(old);
}

static void mock_put_lower(mock_buf *b, const char *s) {
    mock_putc(b, '"');
    for (; *s; s++) mock_putc(b, mock_lower(*s));
    mock_putc(b, '"');
}

/* Headers as an object with lowercase names; repeated headers are joined with ", ". */
static void mock_last_headers(mock_buf *b, const mock_last *l) {
    size_t i, j;
    mock_putc(b, '{');
    for (i = 0; i < l->nh; i++) {
        mock_buf v = { NULL, 0, 0, 0 };
        for (j = 0; j < i && !mock_ieq(l->h[j].name, strlen(l->h[j].name), l->h[i].name); j++) {}
        if (j < i) continue;
        for (j = i; j < l->nh; j++) {
            if (!mock_ieq(l->h[j].name, strlen(l->h[j].name), l->h[i].name)) continue;
            if (v.len) mock_puts(&v, ", ");
            mock_puts(&v, l->h[j].value);
        }
        if (i) mock_putc(b, ',');
        mock_put_lower(b, l->h[i].name);
        mock_putc(b, ':');
        mock_putj(b, v.p ? v.p : "", v.len);
        mock_buf_free(&v);
    }
    mock_putc(b, '}');
}

/* Returns 0 when no request has been seen yet. */
static int mock_last_json(mock_buf *b) {
    mock_last *l;
    pthread_mutex_lock(&mock_lastreq.mu);
    l = mock_lastreq.last;
    if (l) {
        mock_puts(b, "{\"method\":");
        mock_putjs(b, l->method);
        mock_puts(b, ",\"path\":");
        mock_putjs(b, l->target);
        mock_puts(b, ",\"headers\":");
        mock_last_headers(b, l);
        mock_puts(b, ",\"body\":");
        mock_putj(b, l->body, l->body_len);
        mock_puts(b, ",\"body_length\":");
        mock_putu(b, l->body_len);
        mock_putc(b, '}');
    }
    pthread_mutex_unlock(&mock_lastreq.mu);
    return l != NULL;
}

/* >>http: requests ========================================================================== */

typedef struct mock_req {
    char *method, *target;                /* NUL-terminated inside the input buffer */
    mock_hdr h[MOCK_MAX_HEADERS];
    size_t nh;
    int http10, keep_alive, expect_continue, anthropic, chunked;
    long long clen;                        /* Content-Length, -1 when absent */
    char *body;
    size_t body_len, head_len, raw_len;    /* raw_len: bytes of input this request used */
} mock_req;

/* What the model "says", independent of protocol. Strings live in the connection. */
/* Responses client actions the tool scenario answers with, by the first non-function tool */
enum { MOCK_ACT_NONE, MOCK_ACT_CUSTOM, MOCK_ACT_LOCAL_SHELL, MOCK_ACT_APPLY_PATCH, MOCK_ACT_MCP };

typedef struct mock_answer {
    int tool;                                /* a tool call instead of text */
    int action;                              /* MOCK_ACT_*: the call is a Responses client action */
    int server;                              /* provider-run tools first (scenario=server_tools) */
    const char *query; size_t query_len;     /* what the server tool searched for, and a client
                                                action's input: the user text, decoded */
    const char *text;   size_t text_len;
    const char *reason; size_t reason_len;   /* reasoning text; 0 when none */
    const char *name;   size_t name_len;     /* tool name */
    const char *args;                        /* tool arguments, JSON (bad_json=syntax: not JSON) */
    const char *args_obj;                    /* args where a protocol embeds them as an object */
    const char *model;  size_t model_len;
    unsigned long long seq, in_tokens, out_tokens, reason_tokens;
    long long created;
    size_t slice;                            /* fixed piece size (oversize streams), else words */
    int include_usage, gm_array, ol_generate;
    char stamp[40];                          /* Ollama created_at */
} mock_answer;

/* How a generated body is sent (endless=, tool_flood=, gzip_bomb=): pieces [0, head), then
   the unit [unit0, unit1) again and again (or, for a flood, pieces built per tool call),
   then the tail [tail, nends). */
enum { MOCK_GEN_NONE, MOCK_GEN_REPEAT, MOCK_GEN_FLOOD, MOCK_GEN_BOMB };

typedef struct mock_genplan {
    int kind, proto;
    size_t head, unit0, unit1, tail;
    long long count;                       /* repeats or tool calls; -1: until a limit */
    long long total;                       /* MOCK_GEN_BOMB: bytes of the repeated part */
} mock_genplan;

/* A reply under construction: the body is a run of pieces (SSE events, NDJSON lines) so the
   sender can pace, fragment and cut it. */
typedef struct mock_resp {
    int status, stream, crlf, close, chunked, gzip;
    const char *ctype;
    mock_buf hdr;                          /* extra header lines, each ending in CRLF */
    mock_buf body;
    mock_buf tmp;                          /* scratch: Bedrock frames */
    size_t *ends, nends, cap_ends;         /* end offset of each piece */
    size_t cut;                            /* pieces kept when instream_error breaks off */
    size_t mark1;                          /* pieces up to the first delta; 0 when none */
    int marks, bad_utf8;                   /* bad_utf8: the next piece gets its invalid bytes */
    unsigned long long seqno;              /* Responses API sequence_number */
    mock_genplan gen;
    mock_answer ans;                       /* the answer a flood builds its calls from */
} mock_resp;

typedef struct mock_conn {
    struct mock_conn *next;
    pthread_t thread;
    int fd, done, dead, close_after;
    unsigned long long seq;
    char *in;
    size_t in_len, in_cap;
    mock_req req;
    mock_resp resp;
    mock_buf head, path, spec, text, reason, misc, args, aux;
} mock_conn;

/* Resizes the input buffer. The parsed head points into it, so those pointers move along
   (the head always sits at the start of the buffer). */
static int mock_in_realloc(mock_conn *c, size_t ncap) {
    mock_req *q = &c->req;
    size_t off[2 * MOCK_MAX_HEADERS + 2], i, n = q->method ? 2 + 2 * q->nh : 0;
    char *np;
    for (i = 0; i < n; i++)
        off[i] = (size_t)((i == 0 ? q->method : i == 1 ? q->target : i % 2 ? q->h[(i - 2) / 2].value : q->h[(i - 2) / 2].name) - c->in);
    np = (char *)realloc(c->in, ncap + 1);
    if (!np) return 0;
    c->in = np;
    c->in_cap = ncap;
    for (i = 0; i < n; i++) {
        if (i == 0) q->method = np + off[i];
        else if (i == 1) q->target = np + off[i];
        else if (i % 2) q->h[(i - 2) / 2].value = np + off[i];
        else q->h[(i - 2) / 2].name = np + off[i];
    }
    return 1;
}

/* Reads what the socket has into the input buffer, growing it up to limit.
   Returns bytes read, 0 at EOF, -1 on error, -2 when the buffer may not grow further. */
static long mock_fill(mock_conn *c, size_t limit) {
    ssize_t k;
    if (c->in_cap - c->in_len < 4096 && c->in_cap < limit) {
        size_t ncap = c->in_cap ? c->in_cap * 2 : 16384;
        if (!mock_in_realloc(c, ncap > limit ? limit : ncap)) return -1;
    }
    if (c->in_len >= c->in_cap) return -2;
    do k = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0); while (k < 0 && errno == EINTR);
    if (k > 0) c->in_len += (size_t)k;
    return (long)k;
}

/* Makes the input buffer hold at least need bytes (for a known Content-Length). */
static int mock_in_reserve(mock_conn *c, size_t need) {
    return need <= c->in_cap || mock_in_realloc(c, need);
}

/* End of the head ("\r\n\r\n" or a bare "\n\n") at or after *from; 0 when not there yet. */
static size_t mock_head_end(const char *s, size_t n, size_t *from) {
    size_t i = *from;
    while (i < n) {
        const char *nl = (const char *)memchr(s + i, '\n', n - i);
        if (!nl) break;
        i = (size_t)(nl - s) + 1;
        if (i < n && s[i] == '\n') return i + 1;
        if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n') return i + 2;
    }
    *from = n > 2 ? n - 2 : 0;
    return 0;
}

/* 1 with the head in place, 0 at a clean EOF, -1 on a broken connection, 431 when too big. */
static int mock_read_head(mock_conn *c, size_t *head_len) {
    size_t from = 0, skip = 0;
    for (;;) {
        long k;
        while (skip < c->in_len && (c->in[skip] == '\r' || c->in[skip] == '\n')) skip++;
        if (skip) {
            memmove(c->in, c->in + skip, c->in_len - skip);
            c->in_len -= skip;
            skip = 0;
            from = 0;
        }
        *head_len = mock_head_end(c->in, c->in_len, &from);
        if (*head_len) return 1;
        if (c->in_len >= MOCK_MAX_HEAD) return 431;
        k = mock_fill(c, MOCK_MAX_HEAD + 4096);
        if (k <= 0) return k == 0 && c->in_len == 0 ? 0 : -1;
    }
}

static int mock_token_in(const char *v, const char *tok) {
    size_t n = strlen(tok);
    while (*v) {
        const char *e;
        while (*v == ' ' || *v == '\t' || *v == ',') v++;
        for (e = v; *e && *e != ','; e++) {}
        while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
        if ((size_t)(e - v) == n && mock_ieq(v, n, tok)) return 1;
        while (*v && *v != ',') v++;
    }
    return 0;
}

/* Interprets the headers that frame the request or change the reply. Returns an HTTP error
   status or 0. */
static int mock_header_meaning(mock_req *q, const mock_hdr *h, const char **why) {
    size_t nlen = strlen(h->name);
    if (mock_ieq(h->name, nlen, "content-length")) {
        long long v = mock_atoll(h->value, strlen(h->value));
        if (v < 0 || (q->clen >= 0 && q->clen != v)) { *why = "bad Content-Length"; return 400; }
        q->clen = v;
    } else if (mock_ieq(h->name, nlen, "transfer-encoding")) {
        size_t vl = strlen(h->value);
        if (vl < 7 || !mock_ieq(h->value + vl - 7, 7, "chunked")) { *why = "only chunked transfer-encoding is supported"; return 501; }
        q->chunked = 1;
    } else if (mock_ieq(h->name, nlen, "expect")) {
        if (!mock_ieq(h->value, strlen(h->value), "100-continue")) { *why = "unsupported Expect"; return 417; }
        q->expect_continue = 1;
    } else if (mock_ieq(h->name, nlen, "connection")) {
        if (mock_token_in(h->value, "close")) q->keep_alive = 0;
        else if (mock_token_in(h->value, "keep-alive")) q->keep_alive = 1;
    } else if (mock_ieq(h->name, nlen, "anthropic-version")) {
        q->anthropic = 1;
    }
    return 0;
}

static int mock_parse_header(mock_req *q, char *line, char *eol, const char **why) {
    char *colon = (char *)memchr(line, ':', (size_t)(eol - line)), *v, *p;
    if (*line == ' ' || *line == '\t') { *why = "obsolete header line folding"; return 400; }
    if (!colon || colon == line) { *why = "malformed header line"; return 400; }
    for (p = line; p < colon; p++)
        if (!mock_is_token_char(*p)) { *why = "bad character in header name"; return 400; }
    if (q->nh >= MOCK_MAX_HEADERS) { *why = "too many headers"; return 431; }
    *colon = 0;
    for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++) {}
    while (eol > v && (eol[-1] == ' ' || eol[-1] == '\t')) eol--;
    *eol = 0;
    q->h[q->nh].name = line;
    q->h[q->nh].value = v;
    return mock_header_meaning(q, &q->h[q->nh++], why);
}

static int mock_parse_request_line(mock_req *q, char *line, const char **why) {
    char *sp1 = strchr(line, ' '), *sp2, *p;
    if (!sp1 || sp1 == line) { *why = "malformed request line"; return 400; }
    for (p = line; p < sp1; p++)
        if (*p < 'A' || *p > 'Z') { *why = "malformed method"; return 400; }
    *sp1 = 0;
    sp2 = strchr(sp1 + 1, ' ');
    if (!sp2 || sp2 == sp1 + 1) { *why = "malformed request line"; return 400; }
    *sp2 = 0;
    q->method = line;
    q->target = sp1 + 1;
    if (!strcmp(sp2 + 1, "HTTP/1.1")) q->keep_alive = 1;
    else if (!strcmp(sp2 + 1, "HTTP/1.0")) q->http10 = 1;
    else { *why = "unsupported HTTP version"; return 505; }
    if (q->target[0] != '/' && strncmp(q->target, "http://", 7)) { *why = "bad request target"; return 400; }
    return 0;
}

/* Parses the head in place (NUL-terminating its parts). Returns an HTTP error status or 0. */
static int mock_parse_head(mock_req *q, char *s, size_t n, const char **why) {
    char *end = s + n, *line = s, *nl, *eol;
    int rc, first = 1;
    q->nh = 0;
    q->http10 = q->keep_alive = q->expect_continue = q->anthropic = q->chunked = 0;
    q->clen = -1;
    q->body = NULL;
    q->body_len = 0;
    q->head_len = n;
    while ((nl = (char *)memchr(line, '\n', (size_t)(end - line))) != NULL) {
        eol = nl > line && nl[-1] == '\r' ? nl - 1 : nl;
        if (eol == line) break;
        *eol = 0;
        rc = first ? mock_parse_request_line(q, line, why) : mock_parse_header(q, line, eol, why);
        if (rc) return rc;
        first = 0;
        line = nl + 1;
    }
    if (q->chunked && q->clen >= 0) { *why = "both Content-Length and chunked"; return 400; }
    if (q->clen > MOCK_MAX_BODY) { *why = "request body larger than 64 MiB"; return 413; }
    return 0;
}

static int mock_write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t k = send(fd, p, n, 0);
        if (k < 0) {
            if (errno == EINTR) continue;
            return 0;
        }
        p += k;
        n -= (size_t)k;
    }
    return 1;
}

static int mock_writev_all(int fd, struct iovec *iov, int cnt) {
    while (cnt > 0) {
        ssize_t k = writev(fd, iov, cnt);
        if (k < 0) {
            if (errno == EINTR) continue;
            return 0;
        }
        while (cnt > 0 && (size_t)k >= iov->iov_len) { k -= (ssize_t)iov->iov_len; iov++; cnt--; }
        if (cnt > 0) { iov->iov_base = (char *)iov->iov_base + k; iov->iov_len -= (size_t)k; }
    }
    return 1;
}

/* Sends "100 Continue" once if the client waits for it and the body is not here yet. */
static int mock_continue(mock_conn *c, mock_req *q, size_t have, size_t need) {
    static const char msg[] = "HTTP/1.1 100 Continue\r\n\r\n";
    if (!q->expect_continue || q->http10 || have >= need) return 1;
    q->expect_continue = 0;
    return mock_write_all(c->fd, msg, sizeof msg - 1);
}

static int mock_read_sized(mock_conn *c, mock_req *q) {
    size_t need = q->head_len + (size_t)q->clen;
    if (!mock_in_reserve(c, need)) return -1;
    if (!mock_continue(c, q, c->in_len, need)) return -1;
    while (c->in_len < need)
        if (mock_fill(c, need) <= 0) return -1;
    q->body = c->in + q->head_len;
    q->body_len = (size_t)q->clen;
    q->raw_len = need;
    return 0;
}

/* Parses one chunk-size line at *rpos. 1 done (size in *size, *rpos past the line),
   0 need more input, -1 malformed. */
static int mock_chunk_line(const char *s, size_t n, size_t *rpos, unsigned long long *size) {
    const char *nl = (const char *)memchr(s + *rpos, '\n', n - *rpos), *p;
    unsigned long long v = 0;
    int digits = 0;
    if (!nl) return n - *rpos > 1024 ? -1 : 0;
    for (p = s + *rpos; p < nl && mock_hexval(*p) >= 0; p++, digits++) {
        if (v >> 56) return -1;
        v = v * 16 + (unsigned)mock_hexval(*p);
    }
    if (!digits || (p < nl && *p != ';' && *p != '\r' && *p != ' ' && *p != '\t')) return -1;
    *size = v;
    *rpos = (size_t)(nl - s) + 1;
    return 1;
}

/* Skips the trailer section after the last chunk. 1 done, 0 need more, -1 malformed. */
static int mock_chunk_trailers(const char *s, size_t n, size_t *rpos) {
    size_t p = *rpos;
    for (;;) {
        const char *nl = (const char *)memchr(s + p, '\n', n - p);
        if (!nl) return n - p > 8192 ? -1 : 0;
        if (nl == s + p || (nl == s + p + 1 && s[p] == '\r')) { *rpos = (size_t)(nl - s) + 1; return 1; }
        p = (size_t)(nl - s) + 1;
    }
}

/* Decodes a chunked body in place as it arrives: data moves down to *wpos while *rpos walks
   the raw input, so the work stays linear and the buffer holds one body plus one chunk. */
typedef struct mock_dechunk { size_t rpos, wpos; int in_data; unsigned long long left; } mock_dechunk;

static int mock_dechunk_step(mock_conn *c, mock_dechunk *d, const char **why) {
    for (;;) {
        if (d->in_data) {
            size_t have = c->in_len - d->rpos, take = have < d->left ? have : (size_t)d->left;
            memmove(c->in + d->wpos, c->in + d->rpos, take);
            d->wpos += take; d->rpos += take; d->left -= take;
            if (d->left) return 0;
            if (c->in_len - d->rpos < 1) return 0;
            if (c->in[d->rpos] == '\r') { if (c->in_len - d->rpos < 2) return 0; d->rpos++; }
            if (c->in[d->rpos] != '\n') { *why = "chunk data not followed by CRLF"; return 400; }
            d->rpos++;
            d->in_data = 0;
        } else {
            unsigned long long size;
            int r = mock_chunk_line(c->in, c->in_len, &d->rpos, &size);
            if (r <= 0) { if (r < 0) *why = "malformed chunk size line"; return r < 0 ? 400 : 0; }
            if (size == 0) return 1;
            if ((unsigned long long)(d->wpos - c->req.head_len) + size > (unsigned long long)MOCK_MAX_BODY) {
                *why = "request body larger than 64 MiB";
                return 413;
            }
            d->in_data = 1;
            d->left = size;
        }
    }
}

/* Drops the gap between decoded data and unparsed input so the buffer never holds the
   framing overhead of many tiny chunks. */
static void mock_dechunk_compact(mock_conn *c, mock_dechunk *d) {
    size_t gap = d->rpos - d->wpos;
    if (!gap) return;
    memmove(c->in + d->wpos, c->in + d->rpos, c->in_len - d->rpos);
    c->in_len -= gap;
    d->rpos = d->wpos;
}

static int mock_read_chunked(mock_conn *c, mock_req *q, const char **why) {
    mock_dechunk d;
    size_t limit = q->head_len + (size_t)MOCK_MAX_BODY + 65536;
    int r;
    d.rpos = d.wpos = q->head_len;
    d.in_data = 0;
    d.left = 0;
    if (!mock_continue(c, q, 0, 1)) return -1;
    while ((r = mock_dechunk_step(c, &d, why)) == 0) {
        long k;
        mock_dechunk_compact(c, &d);
        if (d.in_data && !mock_in_reserve(c, d.rpos + (size_t)d.left + 2)) return -1;
        k = mock_fill(c, limit);
        if (k == -2) { *why = "request body larger than 64 MiB"; return 413; }
        if (k <= 0) return -1;
    }
    if (r != 1) return r;
    while ((r = mock_chunk_trailers(c->in, c->in_len, &d.rpos)) == 0)
        if (mock_fill(c, limit) <= 0) return -1;
    if (r < 0) { *why = "malformed chunked trailer"; return 400; }
    q->body = c->in + q->head_len;
    q->body_len = d.wpos - q->head_len;
    q->raw_len = d.rpos;
    return 0;
}

/* Reads one whole request. 1 ready, 0 clean EOF, -1 broken connection, else an HTTP error
   status to answer before closing. */
static int mock_read_request(mock_conn *c, const char **why) {
    size_t head_len;
    int rc = mock_read_head(c, &head_len);
    if (rc == 431) { *why = "request head larger than 64 KiB"; return rc; }
    if (rc != 1) return rc;
    rc = mock_parse_head(&c->req, c->in, head_len, why);
    if (rc) return rc;
    if (c->req.chunked) rc = mock_read_chunked(c, &c->req, why);
    else if (c->req.clen > 0) rc = mock_read_sized(c, &c->req);
    else { c->req.body = c->in + head_len; c->req.body_len = 0; c->req.raw_len = head_len; }
    return rc ? rc : 1;
}

/* Moves pipelined bytes of the next request to the front; frees a buffer a huge body grew. */
static void mock_consume(mock_conn *c) {
    size_t rest = c->in_len - c->req.raw_len;
    memmove(c->in, c->in + c->req.raw_len, rest);
    c->in_len = rest;
    c->req.method = NULL;
    if (c->in_cap > MOCK_KEEP_BUF && rest < 16384) mock_in_realloc(c, 16384);
}

/* >>replies ================================================================================= */

static void mock_resp_reset(mock_resp *r) {
    r->status = 200;
    r->stream = r->crlf = r->close = r->chunked = r->gzip = 0;
    r->ctype = "application/json";
    mock_buf_clear(&r->hdr);
    mock_buf_clear(&r->body);
    mock_buf_clear(&r->tmp);
    r->nends = r->cut = r->mark1 = 0;
    r->marks = r->bad_utf8 = 0;
    r->seqno = 0;
    memset(&r->gen, 0, sizeof r->gen);
}

/* bad_utf8=1: the answer's text starts with an invalid byte, which the JSON writer turned
   into the escape \ufffd; the first such escape in p[0..n) becomes six 0xFF bytes (the same
   length, so no offset moves). Returns 1 when it found one. */
static int mock_bad_patch(char *p, size_t n) {
    const char *hit = mock_find(p, n, "\\ufffd");
    if (!hit) return 0;
    memset(p + (hit - p), 0xFF, 6);
    return 1;
}

/* Ends the current piece of a streamed body. */
static void mock_piece(mock_resp *r) {
    size_t start = r->nends ? r->ends[r->nends - 1] : 0;
    if (r->nends == r->cap_ends) {
        size_t ncap = r->cap_ends ? r->cap_ends * 2 : 64;
        size_t *np = (size_t *)realloc(r->ends, ncap * sizeof *np);
        if (!np) { r->body.oom = 1; return; }
        r->ends = np;
        r->cap_ends = ncap;
    }
    if (r->bad_utf8 && !r->body.oom && mock_bad_patch(r->body.p + start, r->body.len - start)) r->bad_utf8 = 0;
    r->ends[r->nends++] = r->body.len;
}

/* Remembers where an instream_error stream breaks off: after the second delta (or the
   first, when there is only one); and where the first delta ends (reset_after=delta,
   stall_delta_ms=, the unit of generated streams). */
static void mock_mark(mock_resp *r) {
    if (++r->marks <= 2) r->cut = r->nends;
    if (r->marks == 1) r->mark1 = r->nends;
}

static const char *mock_eol(const mock_resp *r) { return r->crlf ? "\r\n" : "\n"; }

static void mock_sse_begin(mock_resp *r, const char *event) {
    if (event) {
        mock_puts(&r->body, "event: ");
        mock_puts(&r->body, event);
        mock_puts(&r->body, mock_eol(r));
    }
    mock_puts(&r->body, "data: ");
}

static void mock_sse_end(mock_resp *r) {
    mock_puts(&r->body, r->crlf ? "\r\n\r\n" : "\n\n");
    mock_piece(r);
}

static void mock_stream_start(mock_resp *r, const char *ctype) {
    r->stream = 1;
    r->ctype = ctype;
}

static void mock_header(mock_resp *r, const char *name, const char *value) {
    mock_puts(&r->hdr, name);
    mock_puts(&r->hdr, ": ");
    mock_puts(&r->hdr, value);
    mock_puts(&r->hdr, "\r\n");
}

/* A plain reply: status, content type, body text. */
static void mock_simple(mock_resp *r, int status, const char *ctype, const char *text) {
    mock_resp_reset(r);
    r->status = status;
    r->ctype = ctype;
    mock_puts(&r->body, text);
}

static const char *mock_reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 529: return "Site Overloaded";
    default: return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
    }
}

/* >>sending ================================================================================= */

/* The body sender: applies truncate=, reset_after=, eof_after= and bytewise= to whatever it
   is given. */
typedef struct mock_out {
    int fd, chunked, bytewise, dead, done;
    long long sent, reset_after, eof_after, limit;    /* limit: truncate= point; -1 none */
} mock_out;

static int mock_write_chunk(int fd, const char *p, size_t n) {
    char hex[24];
    struct iovec iov[3];
    int k = snprintf(hex, sizeof hex, "%lx\r\n", (unsigned long)n);
    iov[0].iov_base = hex;
    iov[0].iov_len = (size_t)k;
    iov[1].iov_base = (void *)p;
    iov[1].iov_len = n;
    iov[2].iov_base = (void *)"\r\n";
    iov[2].iov_len = 2;
    return mock_writev_all(fd, iov, 3);
}

static void mock_out_raw(mock_out *o, const char *p, size_t n) {
    int ok = o->chunked ? mock_write_chunk(o->fd, p, n) : mock_write_all(o->fd, p, n);
    if (!ok) o->dead = 1;
}

/* Ends the connection with RST instead of FIN. The short pause lets the bytes already
   written leave the socket, which an abortive close would otherwise discard. */
static void mock_out_reset(mock_out *o) {
    struct linger lg;
    mock_sleep_ms(10);
    lg.l_onoff = 1;
    lg.l_linger = 0;
    setsockopt(o->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    o->dead = 1;
}

static long long mock_min_left(long long allow, long long point, long long sent) {
    return point >= 0 && allow > point - sent ? point - sent : allow;
}

static void mock_out_body(mock_out *o, const char *p, size_t n) {
    size_t allow = n, i;
    if (o->dead || o->done) return;
    allow = (size_t)mock_min_left((long long)allow, o->limit, o->sent);
    allow = (size_t)mock_min_left((long long)allow, o->reset_after, o->sent);
    allow = (size_t)mock_min_left((long long)allow, o->eof_after, o->sent);
    if (o->bytewise) for (i = 0; i < allow && !o->dead; i++) mock_out_raw(o, p + i, 1);
    else if (allow) mock_out_raw(o, p, allow);
    o->sent += (long long)allow;
    if (o->reset_after >= 0 && o->sent >= o->reset_after) mock_out_reset(o);
    else if (o->eof_after >= 0 && o->sent >= o->eof_after) o->dead = 1;   /* FIN, no terminator */
    else if (o->limit >= 0 && o->sent >= o->limit) o->done = 1;
}

/* >>gzip: DEFLATE with the fixed Huffman codes (RFC 1951 3.2.6) in a gzip member (RFC 1952).
   Enough for a bomb: literals, and matches that repeat the last P bytes. ================== */

static uint32_t mock_crc_tab[256];

/* Filled once in main, before any connection thread exists. */
static void mock_crc_init(void) {
    uint32_t i, c;
    int k;
    for (i = 0; i < 256; i++) {
        for (c = i, k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        mock_crc_tab[i] = c;
    }
}

/* CRC-32 as zlib's crc32(crc, p, n): gzip trailers and AWS event-stream frames. */
static uint32_t mock_crc32(uint32_t crc, const void *data, size_t n) {
    const unsigned char *p = (const unsigned char *)data;
    crc = ~crc;
    while (n--) crc = mock_crc_tab[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

typedef struct mock_gz {
    mock_out *o;
    uint32_t acc;                          /* bits not yet written, first bit lowest */
    int nacc, open;                        /* open: a fixed-code block has begun */
    unsigned char buf[8192];
    size_t len;
} mock_gz;

static void mock_gz_send(mock_gz *g) {
    if (g->len) mock_out_body(g->o, (const char *)g->buf, g->len);
    g->len = 0;
}

static void mock_gz_bits(mock_gz *g, uint32_t v, int n) {
    g->acc |= v << g->nacc;
    g->nacc += n;
    while (g->nacc >= 8) {
        g->buf[g->len++] = (unsigned char)(g->acc & 0xFF);
        if (g->len == sizeof g->buf) mock_gz_send(g);
        g->acc >>= 8;
        g->nacc -= 8;
    }
}

/* Huffman codes go out most significant bit first, everything else least first. */
static void mock_gz_code(mock_gz *g, uint32_t code, int len) {
    uint32_t r = 0;
    int i;
    for (i = 0; i < len; i++) { r = (r << 1) | (code & 1); code >>= 1; }
    mock_gz_bits(g, r, len);
}

static void mock_gz_sym(mock_gz *g, unsigned s) {
    if (s < 144) mock_gz_code(g, 0x30 + s, 8);
    else if (s < 256) mock_gz_code(g, 0x190 + s - 144, 9);
    else if (s < 280) mock_gz_code(g, s - 256, 7);
    else mock_gz_code(g, 0xC0 + s - 280, 8);
}

static void mock_gz_open(mock_gz *g) {
    if (g->open) return;
    mock_gz_bits(g, 0, 1);                 /* BFINAL 0 */
    mock_gz_bits(g, 1, 2);                 /* BTYPE 01: fixed codes */
    g->open = 1;
}

static void mock_gz_start(mock_gz *g, mock_out *o) {
    static const unsigned char head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
    memset(g, 0, sizeof *g);
    g->o = o;
    memcpy(g->buf, head, sizeof head);
    g->len = sizeof head;
}

static void mock_gz_lit(mock_gz *g, const char *p, size_t n) {
    size_t i;
    mock_gz_open(g);
    for (i = 0; i < n; i++) mock_gz_sym(g, (unsigned char)p[i]);
}

/* One match: len 3..258 bytes copied from dist 1..32768 back. */
static void mock_gz_match(mock_gz *g, unsigned len, unsigned dist) {
    static const unsigned short lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                              67, 83, 99, 115, 131, 163, 195, 227, 258 };
    static const unsigned char lextra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
    static const unsigned short dbase[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                              1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
    int i = 28, d = 29;
    while (lbase[i] > len) i--;
    while (dbase[d] > dist) d--;
    mock_gz_open(g);
    mock_gz_sym(g, 257 + (unsigned)i);
    if (lextra[i]) mock_gz_bits(g, len - lbase[i], lextra[i]);
    mock_gz_code(g, (uint32_t)d, 5);
    if (d >= 4) mock_gz_bits(g, dist - dbase[d], (d - 2) / 2);
}

/* Ends the block and byte-aligns with an empty stored block (a sync flush), so the client
   can decode everything sent so far; then sends it. */
static void mock_gz_flush(mock_gz *g) {
    if (g->open) mock_gz_sym(g, 256);
    g->open = 0;
    mock_gz_bits(g, 0, 3);
    if (g->nacc) mock_gz_bits(g, 0, 8 - g->nacc);
    mock_gz_bits(g, 0, 16);
    mock_gz_bits(g, 0xFFFF, 16);
    mock_gz_send(g);
}

/* An empty final block, then the trailer: CRC-32 and size of the decoded data. */
static void mock_gz_finish(mock_gz *g, uint32_t crc, unsigned long long size) {
    if (g->open) mock_gz_sym(g, 256);
    g->open = 0;
    mock_gz_bits(g, 1, 1);
    mock_gz_bits(g, 1, 2);
    mock_gz_sym(g, 256);
    if (g->nacc) mock_gz_bits(g, 0, 8 - g->nacc);
    mock_gz_bits(g, crc & 0xFFFF, 16);
    mock_gz_bits(g, crc >> 16, 16);
    mock_gz_bits(g, (uint32_t)(size & 0xFFFF), 16);
    mock_gz_bits(g, (uint32_t)((size >> 16) & 0xFFFF), 16);
    mock_gz_send(g);
}

/* CRC-32 arithmetic on polynomials over GF(2) modulo the CRC polynomial, in the reflected
   form the table uses (bit 31 holds x^0): enough to append a CRC for bytes not seen. */
static uint32_t mock_crc_mulmod(uint32_t a, uint32_t b) {
    uint32_t m = 0x80000000u, p = 0;
    while (m) {
        if (a & m) p ^= b;
        m >>= 1;
        b = (b & 1) ? (b >> 1) ^ 0xEDB88320u : b >> 1;   /* b times x */
    }
    return p;
}

/* x^(8 n) modulo the polynomial: what n appended bytes do to a CRC register. */
static uint32_t mock_crc_shift(unsigned long long n) {
    uint32_t r = 0x80000000u, sq = 0x00800000u;           /* 1 and x^8 */
    while (n) {
        if (n & 1) r = mock_crc_mulmod(r, sq);
        sq = mock_crc_mulmod(sq, sq);
        n >>= 1;
    }
    return r;
}

/* The CRC of A then B from crc(A), crc(B) and B's length. */
static uint32_t mock_crc_cat(uint32_t a, uint32_t b, unsigned long long blen) {
    return mock_crc_mulmod(mock_crc_shift(blen), a) ^ b;
}

/* CRC of total bytes that repeat unit[0..n) after crc, in O(log total) steps: a client that
   reads a whole gigabyte bomb does not cost a gigabyte of CRC work. */
static uint32_t mock_crc_repeat(uint32_t crc, const char *unit, size_t n, unsigned long long total) {
    unsigned long long k = total / n, len = n;
    uint32_t c = mock_crc32(0, unit, n);                  /* crc of unit repeated 2^j times */
    while (k) {
        if (k & 1) crc = mock_crc_cat(crc, c, len);
        c = mock_crc_cat(c, c, len);
        len *= 2;
        k >>= 1;
    }
    return mock_crc32(crc, unit, (size_t)(total % n));
}

/* >>send: pieces, generated bodies, heads ================================================== */

static long long mock_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One reply going out: the body sink (plain or through gzip) and its pacing. */
typedef struct mock_send {
    mock_conn *c;
    const mock_spec *f;
    mock_out o;
    mock_gz *gz;
    size_t pieces;                         /* pieces sent so far */
    long long t0;                          /* when the body began (generator time limit) */
} mock_send;

static int mock_send_live(const mock_send *s) { return !s->o.dead && !s->o.done; }

/* One piece: chunk_delay_ms before it (but the first), stall_ms after the first,
   stall_delta_ms after the first delta; a gzip body is flushed after each. */
static void mock_send_piece(mock_send *s, const char *p, size_t n) {
    const mock_spec *f = s->f;
    if (!mock_send_live(s)) return;
    if (s->pieces > 0 && f->chunk_delay_ms > 0) mock_sleep_ms(f->chunk_delay_ms);
    if (s->gz) { mock_gz_lit(s->gz, p, n); mock_gz_flush(s->gz); }
    else mock_out_body(&s->o, p, n);
    s->pieces++;
    if (s->pieces == 1 && f->stall_ms > 0) mock_sleep_ms(f->stall_ms);
    if (s->c->resp.mark1 && s->pieces == s->c->resp.mark1 && f->stall_delta_ms > 0) mock_sleep_ms(f->stall_delta_ms);
}

static void mock_send_range(mock_send *s, size_t from, size_t to) {
    const mock_resp *r = &s->c->resp;
    size_t i;
    for (i = from; i < to && mock_send_live(s); i++) {
        size_t start = i ? r->ends[i - 1] : 0;
        mock_send_piece(s, r->body.p + start, r->ends[i] - start);
    }
}

/* The server-side bound of endless bodies: a client that never stops reading (or a broken
   one) cannot keep a connection thread busy forever. */
static int mock_gen_over(const mock_send *s) {
    return s->o.sent >= MOCK_GEN_MAX_BYTES || mock_now_ms() - s->t0 >= MOCK_GEN_MAX_MS || mock_stopping();
}

static void mock_flood_call(mock_resp *r, long long i);

static void mock_send_generated(mock_send *s) {
    mock_resp *r = &s->c->resp;
    mock_genplan *g = &r->gen;
    long long k;
    mock_send_range(s, 0, g->head);
    for (k = 0; (g->count < 0 || k < g->count) && mock_send_live(s) && !mock_gen_over(s); k++) {
        if (g->kind == MOCK_GEN_REPEAT) {
            mock_send_range(s, g->unit0, g->unit1);
        } else {
            /* a flood builds each call after the tail, sends it, and takes it back */
            size_t len0 = r->body.len, n0 = r->nends;
            mock_flood_call(r, k);
            if (r->body.oom) { s->o.dead = 1; break; }
            mock_send_range(s, n0, r->nends);
            r->body.len = len0;
            r->nends = n0;
        }
    }
    mock_send_range(s, g->tail, r->nends);
}

/* gzip_bomb=: the head, then the unit repeated by matches (total bytes), then the tail, all
   compressed; a flush every 64 KiB of decoded data lets the client start decoding. The CRC
   is only computed when the client took the whole body. */
static void mock_send_bomb(mock_send *s) {
    mock_resp *r = &s->c->resp;
    mock_genplan *g = &r->gen;
    size_t u0 = g->unit0 ? r->ends[g->unit0 - 1] : 0, un = r->ends[g->unit0] - u0, t0 = r->ends[g->tail - 1];
    const char *unit = r->body.p + u0;
    unsigned long long done = 0, flushed = 0, size;
    uint32_t crc;
    mock_send_range(s, 0, g->head);
    if (mock_send_live(s)) {
        unsigned long long first = (unsigned long long)g->total < un ? (unsigned long long)g->total : un;
        mock_gz_lit(s->gz, unit, (size_t)first);
        done = first;
    }
    while (done < (unsigned long long)g->total && mock_send_live(s)) {
        unsigned long long rem = (unsigned long long)g->total - done;
        unsigned len = rem > 258 ? 258 : (unsigned)rem;
        if (rem < 3 || un > 32768) {
            mock_gz_lit(s->gz, unit + done % un, 1);
            done++;
            continue;
        }
        if (rem - len > 0 && rem - len < 3) len -= 3;
        mock_gz_match(s->gz, len, (unsigned)un);
        done += len;
        if (done - flushed >= 65536) {
            mock_gz_flush(s->gz);
            flushed = done;
            if (mock_now_ms() - s->t0 >= MOCK_GEN_MAX_MS || mock_stopping()) s->o.dead = 1;
        }
    }
    if (mock_send_live(s)) mock_gz_flush(s->gz);
    mock_send_range(s, g->tail, r->nends);
    if (!mock_send_live(s)) return;
    crc = mock_crc32(0, r->body.p, u0);
    crc = mock_crc_repeat(crc, unit, un, (unsigned long long)g->total);
    crc = mock_crc32(crc, r->body.p + t0, r->body.len - t0);
    size = u0 + (unsigned long long)g->total + (r->body.len - t0);
    mock_gz_finish(s->gz, crc, size);
}

static void mock_head(mock_conn *c, const mock_resp *r, long long clen) {
    mock_buf *h = &c->head;
    char id[40];
    h->len = 0;
    h->oom = 0;
    snprintf(id, sizeof id, "req_mock%012llu", c->seq);
    mock_puts(h, "HTTP/1.1 ");
    mock_putu(h, (unsigned long long)r->status);
    mock_putc(h, ' ');
    mock_puts(h, mock_reason(r->status));
    mock_puts(h, "\r\nContent-Type: ");
    mock_puts(h, r->ctype);
    if (r->chunked) mock_puts(h, "\r\nTransfer-Encoding: chunked");
    else { mock_puts(h, "\r\nContent-Length: "); mock_putu(h, (unsigned long long)clen); }
    if (r->stream) mock_puts(h, "\r\nCache-Control: no-cache");
    if (r->gzip) mock_puts(h, "\r\nContent-Encoding: gzip");
    mock_puts(h, "\r\nServer: ailib-mock\r\nx-request-id: ");
    mock_puts(h, id);
    mock_puts(h, "\r\nrequest-id: ");
    mock_puts(h, id);
    mock_puts(h, "\r\n");
    mock_put(h, r->hdr.p, r->hdr.len);
    if (c->close_after) mock_puts(h, "Connection: close\r\n");
    else if (c->req.http10) mock_puts(h, "Connection: keep-alive\r\n");
    mock_puts(h, "\r\n");
}

/* head_delay_ms=: the status line at once, then each header line (and the blank line that
   ends the head) after a pause: a server that drips its headers. */
static int mock_head_slowly(mock_conn *c, long long pause) {
    const char *p = c->head.p, *e = p + c->head.len;
    while (p < e) {
        const char *nl = (const char *)memchr(p, '\n', (size_t)(e - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(e - p);
        if (p != c->head.p) mock_sleep_ms(pause);
        if (!mock_write_all(c->fd, p, n)) return 0;
        p += n;
    }
    return 1;
}

/* upgrade=1: "101 Switching Protocols" although nobody asked, then bytes of some other
   protocol (a WebSocket text frame and a line of text), then the connection closes. */
static void mock_upgrade(mock_conn *c) {
    static const char head[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nServer: ailib-mock\r\n\r\n";
    static const char bytes[] = "\x81\x05hello" "ailib-mock switched protocols (upgrade=1) and speaks something else now\n";
    if (mock_write_all(c->fd, head, sizeof head - 1)) mock_write_all(c->fd, bytes, sizeof bytes - 1);
    c->dead = 1;
}

/* reset_after=delta / eof_after=delta: the byte just past the first delta of a stream (half
   the body of anything else). */
static long long mock_at(const mock_resp *r, long long v) {
    if (v != MOCK_AT_DELTA) return v;
    if (r->stream && r->mark1) return (long long)r->ends[r->mark1 - 1];
    return (long long)r->body.len / 2;
}

/* Writes the reply under the spec's faults. A plain unary reply is one writev. */
static void mock_emit(mock_conn *c, const mock_spec *f) {
    mock_resp *r = &c->resp;
    long long clen = (long long)r->body.len;
    mock_send s;
    mock_gz gz;
    if (r->body.oom || r->hdr.oom || r->tmp.oom) {
        mock_simple(r, 500, "text/plain", "ailib-mock: out of memory building the reply\n");
        c->close_after = 1;
    }
    if (r->close) c->close_after = 1;
    if (f->reset_head) {
        /* not one byte of a response: RST right after the request */
        memset(&s.o, 0, sizeof s.o);
        s.o.fd = c->fd;
        mock_out_reset(&s.o);
        c->dead = 1;
        return;
    }
    if (f->delay_ms > 0) mock_sleep_ms(f->delay_ms);
    if (f->upgrade) { mock_upgrade(c); return; }
    r->chunked = r->stream || f->chunked || r->gen.kind != MOCK_GEN_NONE;
    if (!r->chunked && f->truncate >= 0 && f->truncate < clen) clen = f->truncate;
    mock_head(c, r, clen);
    memset(&s, 0, sizeof s);
    s.c = c;
    s.f = f;
    s.o.fd = c->fd;
    s.o.bytewise = f->bytewise;
    s.o.reset_after = mock_at(r, f->reset_after);
    s.o.eof_after = mock_at(r, f->eof_after);
    s.o.limit = f->truncate;
    if (!r->chunked && !f->bytewise && s.o.reset_after < 0 && s.o.eof_after < 0 && f->stall_ms <= 0 && f->head_delay_ms <= 0) {
        struct iovec iov[2];
        iov[0].iov_base = c->head.p;
        iov[0].iov_len = c->head.len;
        iov[1].iov_base = r->body.p;
        iov[1].iov_len = (size_t)clen;
        if (!mock_writev_all(c->fd, iov, clen ? 2 : 1)) c->dead = 1;
        return;
    }
    if (f->head_delay_ms > 0 ? !mock_head_slowly(c, f->head_delay_ms) : !mock_write_all(c->fd, c->head.p, c->head.len)) {
        c->dead = 1;
        return;
    }
    if (s.o.reset_after == 0) mock_out_reset(&s.o);
    s.t0 = mock_now_ms();
    if (r->chunked) {
        s.o.chunked = 1;
        if (r->gzip) { mock_gz_start(&gz, &s.o); s.gz = &gz; }
        if (r->gen.kind == MOCK_GEN_BOMB) mock_send_bomb(&s);
        else if (r->gen.kind != MOCK_GEN_NONE) mock_send_generated(&s);
        else if (r->stream && r->nends) mock_send_range(&s, 0, r->nends);
        else mock_send_piece(&s, r->body.p, r->body.len);
        /* the terminating chunk, also after truncate= (a clean end); not after a cut */
        if (!s.o.dead && !mock_write_all(c->fd, "0\r\n\r\n", 5)) s.o.dead = 1;
    } else {
        if (f->stall_ms > 0) mock_sleep_ms(f->stall_ms);
        mock_out_body(&s.o, r->body.p, (size_t)clen);
    }
    if (s.o.dead) c->dead = 1;
}

/* >>answers ================================================================================= */

enum { MOCK_P_OPENAI, MOCK_P_ANTHROPIC, MOCK_P_GEMINI, MOCK_P_OLLAMA, MOCK_P_COHERE, MOCK_P_RESPONSES, MOCK_P_BEDROCK };

/* Next streamed piece: leading blanks plus one word, or a fixed slice when slice > 0. */
static int mock_word(const mock_answer *a, const char *s, size_t n, size_t *pos, mock_span *w) {
    size_t i = *pos;
    if (i >= n) return 0;
    if (a->slice) i += n - i < a->slice ? n - i : a->slice;
    else {
        while (i < n && mock_is_space(s[i])) i++;
        while (i < n && !mock_is_space(s[i])) i++;
    }
    w->p = s + *pos;
    w->n = i - *pos;
    *pos = i;
    return 1;
}

static unsigned long long mock_count_words(const char *s, size_t n) {
    unsigned long long k = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && mock_is_space(s[i])) i++;
        if (i < n) k++;
        while (i < n && !mock_is_space(s[i])) i++;
    }
    return k;
}

/* Tool arguments cut mid-token the way OpenAI streams them: {" city ":" Par is "}. */
static int mock_frag(const char *s, size_t *pos, size_t *turn, mock_span *w) {
    static const size_t sizes[] = { 2, 4, 3, 3, 2, 2 };
    size_t n = strlen(s), k;
    if (*pos >= n) return 0;
    k = sizes[(*turn)++ % 6];
    if (k > n - *pos) k = n - *pos;
    w->p = s + *pos;
    w->n = k;
    *pos += k;
    return 1;
}

static void mock_put_id(mock_buf *b, const char *prefix, const mock_answer *a) {
    mock_putc(b, '"');
    mock_puts(b, prefix);
    mock_putu(b, a->seq);
    mock_putc(b, '"');
}

/* An id for call number call of a tool-call flood ("call_mock7_12"), or the plain id (-1). */
static void mock_put_idn(mock_buf *b, const char *prefix, const mock_answer *a, long long call) {
    mock_putc(b, '"');
    mock_puts(b, prefix);
    mock_putu(b, a->seq);
    if (call >= 0) { mock_putc(b, '_'); mock_putu(b, (unsigned long long)call); }
    mock_putc(b, '"');
}

static const char mock_signature[] = "bW9jay10aGlua2luZy1zaWduYXR1cmUtZnJvbS1haWxpYi1tb2Nr";

/* >>openai ================================================================================== */

static void mock_oa_usage(mock_buf *b, const mock_answer *a) {
    unsigned long long out = a->out_tokens + a->reason_tokens;
    mock_puts(b, "{\"prompt_tokens\":");
    mock_putu(b, a->in_tokens);
    mock_puts(b, ",\"completion_tokens\":");
    mock_putu(b, out);
    mock_puts(b, ",\"total_tokens\":");
    mock_putu(b, a->in_tokens + out);
    mock_puts(b, ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                 "\"completion_tokens_details\":{\"reasoning_tokens\":");
    mock_putu(b, a->reason_tokens);
    mock_puts(b, ",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}");
}

static void mock_oa_tool_calls(mock_buf *b, const mock_answer *a, int stream) {
    mock_puts(b, "\"tool_calls\":[{");
    if (stream) mock_puts(b, "\"index\":0,");
    mock_puts(b, "\"id\":");
    mock_put_id(b, "call_mock", a);
    mock_puts(b, ",\"type\":\"function\",\"function\":{\"name\":");
    mock_putj(b, a->name, a->name_len);
    mock_puts(b, ",\"arguments\":");
    mock_putjs(b, stream ? "" : a->args);
    mock_puts(b, "}}]");
}

static void mock_oa_unary(mock_resp *r, const mock_answer *a) {
    mock_buf *b = &r->body;
    mock_puts(b, "{\"id\":");
    mock_put_id(b, "chatcmpl-mock", a);
    mock_puts(b, ",\"object\":\"chat.completion\",\"created\":");
    mock_putu(b, (unsigned long long)a->created);
    mock_puts(b, ",\"model\":");
    mock_putj(b, a->model, a->model_len);
    mock_puts(b, ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
    if (a->tool) mock_puts(b, "null");
    else mock_putj(b, a->text, a->text_len);
    if (a->reason_len) { mock_puts(b, ",\"reasoning_content\":"); mock_putj(b, a->reason, a->reason_len); }
    if (a->tool) { mock_putc(b, ','); mock_oa_tool_calls(b, a, 0); }
    mock_puts(b, ",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":");
    mock_puts(b, a->tool ? "\"tool_calls\"" : "\"stop\"");
    mock_puts(b, "}],\"usage\":");
    mock_oa_usage(b, a);
    mock_puts(b, ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_mock\"}");
}

/* Opens a chunk up to the inside of "choices":[ ; every gpt-4o-mini chunk repeats these. */
static void mock_oa_open(mock_resp *r, const mock_answer *a) {
    mock_buf *b = &r->body;
    mock_sse_begin(r, NULL);
    mock_puts(b, "{\"id\":");
    mock_put_id(b, "chatcmpl-mock", a);
    mock_puts(b, ",\"object\":\"chat.completion.chunk\",\"created\":");
    mock_putu(b, (unsigned long long)a->created);
    mock_puts(b, ",\"model\":");
    mock_putj(b, a->model, a->model_len);
    mock_puts(b, ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_mock\",\"choices\":[");
}

static void mock_oa_delta(mock_resp *r, const mock_answer *a) {
    mock_oa_open(r, a);
    mock_puts(&r->body, "{\"index\":0,\"delta\":{");
}

static void mock_oa_close(mock_resp *r, const mock_answer *a, const char *finish) {
    mock_buf *b = &r->body;
    mock_puts(b, "},\"logprobs\":null,\"finish_reason\":");
    mock_puts(b, finish ? finish : "null");
    mock_puts(b, "}]");
    if (a->include_usage) mock_puts(b, ",\"usage\":null");
    mock_puts(b, ",\"obfuscation\":\"m0ck\"}");
    mock_sse_end(r);
}

/* One delta chunk per word of s under the given delta key. */
static void mock_oa_words(mock_resp *r, const mock_answer *a, const char *key, const char *s, size_t n) {
    size_t pos = 0;
    mock_span w;
    while (mock_word(a, s, n, &pos, &w)) {
        mock_oa_delta(r, a);
        mock_puts(&r->body, key);
        mock_putj(&r->body, w.p, w.n);
        mock_oa_close(r, a, NULL);
        mock_mark(r);
    }
}

static void mock_oa_tool_stream(mock_resp *r, const mock_answer *a) {
    size_t pos = 0, turn = 0;
    mock_span w;
    while (mock_frag(a->args, &pos, &turn, &w)) {
        mock_oa_delta(r, a);
        mock_puts(&r->body, "\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":");
        mock_putj(&r->body, w.p, w.n);
        mock_puts(&r->body, "}}]");
        mock_oa_close(r, a, NULL);
        mock_mark(r);
    }
}

static void mock_oa_stream(mock_resp *r, const mock_answer *a) {
    mock_buf *b = &r->body;
    mock_stream_start(r, "text/event-stream; charset=utf-8");
    mock_oa_delta(r, a);
    mock_puts(b, a->tool ? "\"role\":\"assistant\",\"content\":null," : "\"role\":\"assistant\",\"content\":\"\",");
    if (a->tool) { mock_oa_tool_calls(b, a, 1); mock_putc(b, ','); }
    mock_puts(b, "\"refusal\":null");
    mock_oa_close(r, a, NULL);
    if (a->reason_len) mock_oa_words(r, a, "\"reasoning_content\":", a->reason, a->reason_len);
    if (a->tool) mock_oa_tool_stream(r, a);
    else mock_oa_words(r, a, "\"content\":", a->text, a->text_len);
    mock_oa_delta(r, a);
    mock_oa_close(r, a, a->tool ? "\"tool_calls\"" : "\"stop\"");
    if (a->include_usage) {
        mock_oa_open(r, a);
        mock_puts(b, "],\"usage\":");
        mock_oa_usage(b, a);
        mock_puts(b, ",\"obfuscation\":\"m0ck\"}");
        mock_sse_end(r);
    }
    mock_sse_begin(r, NULL);
    mock_puts(b, "[DONE]");
    mock_sse_end(r);
}

/* >>anthropic =============================================================================== */

static void mock_an_usage(mock_buf *b, const mock_answer *a, unsigned long long out) {
    mock_puts(b, "{\"input_tokens\":");
    mock_putu(b, a->in_tokens);
    mock_puts(b, ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":");
    mock_putu(b, out);
    mock_puts(b, ",\"service_tier\":\"standard\"}");
}

static void mock_an_head(mock_buf *b, const mock_answer *a) {
    mock_puts(b, "{\"id\":");
    mock_put_id(b, "msg_mock", a);
    mock_puts(b, ",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
    mock_putj(b, a->model, a->model_len);
    mock_puts(b, ",\"content\":");
}

/* scenario=server_tools: the provider's own web search ran before the answer (shapes of
   Anthropic's web search tool documentation): a server_tool_use block, its
   web_search_tool_result block, then text that cites the result. */
static const char mock_an_result[] =
    "{\"type\":\"web_search_result\",\"title\":\"ailib-mock search result\",\"url\":\"https://example.com/ailib-mock\","
    "\"encrypted_content\":\"ZW5jcnlwdGVkLWJ5LWFpbGliLW1vY2s=\",\"page_age\":null}";
static const char mock_an_citation[] =
    "{\"type\":\"web_search_result_location\",\"cited_text\":\"ailib-mock search result\",\"url\":\"https://example.com/ailib-mock\","
    "\"title\":\"ailib-mock search result\",\"encrypted_index\":\"aW5kZXgtYnktYWlsaWItbW9jaw==\"}";

static void mock_an_query(mock_buf *b, const mock_answer *a) {
    mock_puts(b, "{\"query\":");
    mock_putj(b, a->query, a->query_len);
    mock_putc(b, '}');
}

static void mock_an_server_blocks(mock_buf *b, const mock_answer *a) {
    mock_puts(b, "{\"type\":\"server_tool_use\",\"id\":");
    mock_put_id(b, "srvtoolu_mock", a);
    mock_puts(b, ",\"name\":\"web_search\",\"input\":");
    mock_an_query(b, a);
    mock_puts(b, "},{\"type\":\"web_search_tool_result\",\"tool_use_id\":");
    mock_put_id(b, "srvtoolu_mock", a);
    mock_puts(b, ",\"content\":[");
    mock_puts(b, mock_an_result);
    mock_puts(b, "]},");
}

static void mock_an_unary(mock_resp *r, const mock_answer *a) {
    mock_buf *b = &r->body;
    mock_an_head(b, a);
    mock_putc(b, '[');
    if (a->server) mock_an_server_blocks(b, a);
    if (a->reason_len) {
        mock_puts(b, "{\"type\":\"thinking\",\"thinking\":");
        mock_putj(b, a->reason, a->reason_len);
        mock_puts(b, ",\"signature\":");
        mock_putjs(b, mock_signature);
        mock_puts(b, "},");
    }
    if (a->tool) {
        mock_puts(b, "{\"type\":\"tool_use\",\"id\":");
        mock_put_id(b, "toolu_mock", a);
        mock_puts(b, ",\"name\":");
        mock_putj(b, a->name, a->name_len);
        mock_puts(b, ",\"input\":");
        mock_puts(b, a->args_obj);
    } else {
        mock_puts(b, "{\"type\":\"text\",\"text\":");
        mock_putj(b, a->text, a->text_len);
        if (a->server) { mock_puts(b, ",\"citations\":["); mock_puts(b, mock_an_citation); mock_putc(b, ']'); }
    }
    mock_puts(b, "}],\"stop_reason\":");
    mock_puts(b, a->tool ? "\"tool_use\"" : "\"end_turn\"");
    mock_puts(b, ",\"stop_sequence\":null,\"usage\":");
    mock_an_usage(b, a, a->out_tokens + a->reason_tokens);
    mock_putc(b, '}');
}

static void mock_an_event(mock_resp *r, const char *type) {
    mock_sse_begin(r, type);
    mock_puts(&r->body, "{\"type\":\"");
    mock_puts(&r->body, type);
    mock_putc(&r->body, '"');
}

static void mock_an_end(mock_resp *r) {
    mock_putc(&r->body, '}');
    mock_sse_end(r);
}

static void mock_an_block(mock_resp *r, const char *event, int index) {
    mock_an_event(r, event);
    mock_puts(&r->body, ",\"index\":");
    mock_putu(&r->body, (unsigned long long)index);
}

/* A whole content block: start, one delta per word (or fragment), stop. */
static void mock_an_deltas(mock_resp *r, const mock_answer *a, int index, const char *dtype,
                           const char *field, const char *s, size_t n, int frags) {
    size_t pos = 0, turn = 0;
    mock_span w;
    while (frags ? mock_frag(s, &pos, &turn, &w) : mock_word(a, s, n, &pos, &w)) {
        mock_an_block(r, "content_block_delta", index);
        mock_puts(&r->body, ",\"delta\":{\"type\":\"");
        mock_puts(&r->body, dtype);
        mock_puts(&r->body, "\",\"");
        mock_puts(&r->body, field);
        mock_puts(&r->body, "\":");
        mock_putj(&r->body, w.p, w.n);
        mock_putc(&r->body, '}');
        mock_an_end(r);
        mock_mark(r);
    }
}

static void mock_an_thinking(mock_resp *r, const mock_answer *a, int index) {
    mock_an_block(r, "content_block_start", index);
    mock_puts(&r->body, ",\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
    mock_an_end(r);
    mock_an_deltas(r, a, index, "thinking_delta", "thinking", a->reason, a->reason_len, 0);
    mock_an_block(r, "content_block_delta", index);
    mock_puts(&r->body, ",\"delta\":{\"type\":\"signature_delta\",\"signature\":");
    mock_putjs(&r->body, mock_signature);
    mock_putc(&r->body, '}');
    mock_an_end(r);
    mock_an_block(r, "content_block_stop", index);
    mock_an_end(r);
}

/* The server tool's blocks in a stream: its input as input_json_delta fragments, its result
   whole in content_block_start. Returns the next block index. */
static int mock_an_server_stream(mock_resp *r, const mock_answer *a, int index) {
    mock_buf *b = &r->body, q = { NULL, 0, 0, 0 };
    mock_an_block(r, "content_block_start", index);
    mock_puts(b, ",\"content_block\":{\"type\":\"server_tool_use\",\"id\":");
    mock_put_id(b, "srvtoolu_mock", a);
    mock_puts(b, ",\"name\":\"web_search\",\"input\":{}}");
    mock_an_end(r);
    mock_an_query(&q, a);
    mock_an_deltas(r, a, index, "input_json_delta", "partial_json", q.p ? q.p : "{}", 0, 1);
    mock_buf_free(&q);
    mock_an_block(r, "content_block_stop", index);
    mock_an_end(r);
    mock_an_block(r, "content_block_start", ++index);
    mock_puts(b, ",\"content_block\":{\"type\":\"web_search_tool_result\",\"tool_use_id\":");
    mock_put_id(b, "srvtoolu_mock", a);
    mock_puts(b, ",\"content\":[");
    mock_puts(b, mock_an_result);
    mock_puts(b, "]}");
    mock_an_end(r);
    mock_an_block(r, "content_block_stop", index);
    mock_an_end(r);
    return index + 1;
}

static void mock_an_answer(mock_resp *r, const mock_answer *a, int index) {
    mock_buf *b = &r->body;
    mock_an_block(r, "content_block_start", index);
    if (a->tool) {
        mock_puts(b, ",\"content_block\":{\"type\":\"tool_use\",\"id\":");
        mock_put_id(b, "toolu_mock", a);
        mock_puts(b, ",\"name\":");
        mock_putj(b, a->name, a->name_len);
        mock_puts(b, ",\"input\":{}}");
        mock_an_end(r);
        mock_an_block(r, "content_block_delta", index);
        mock_puts(b, ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}");
        mock_an_end(r);
        mock_an_deltas(r, a, index, "input_json_delta", "partial_json", a->args, 0, 1);
    } else if (a->server) {
        mock_puts(b, ",\"content_block\":{\"citations\":[],\"type\":\"text\",\"text\":\"\"}");
        mock_an_end(r);
        mock_an_block(r, "content_block_delta", index);
        mock_puts(b, ",\"delta\":{\"type\":\"citations_delta\",\"citation\":");
        mock_puts(b, mock_an_citation);
        mock_putc(b, '}');
        mock_an_end(r);
        mock_an_deltas(r, a, index, "text_delta", "text", a->text, a->text_len, 0);
    } else {
        mock_puts(b, ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}");
        mock_an_end(r);
        mock_an_deltas(r, a, index, "text_delta", "text", a->text, a->text_len, 0);
    }
    mock_an_block(r, "content_block_stop", index);
    mock_an_end(r);
}

static void mock_an_stream(mock_resp *r, const mock_answer *a) {
    mock_buf *b = &r->body;
    int index = 0;
    mock_stream_start(r, "text/event-stream; charset=utf-8");
    mock_an_event(r, "message_start");
    mock_puts(b, ",\"message\":");
    mock_an_head(b, a);
    mock_puts(b, "[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":");
    mock_an_usage(b, a, 1);
    mock_putc(b, '}');
    mock_an_end(r);
    mock_an_event(r, "ping");
    mock_an_end(r);
    if (a->reason_len) mock_an_thinking(r, a, index++);
    if (a->server) index = mock_an_server_stream(r, a, index);
    mock_an_answer(r, a, index);
    mock_an_event(r, "message_delta");
    mock_puts(b, ",\"delta\":{\"stop_reason\":");
    mock_puts(b, a->tool ? "\"tool_use\"" : "\"end_turn\"");
    mock_puts(b, ",\"stop_sequence\":null},\"usage\":{\"output_tokens\":");
    mock_putu(b, a->out_tokens + a->reason_tokens);
    if (a->server) mock_puts(b, ",\"server_tool_use\":{\"web_search_requests\":1}");
    mock_puts(b, "}");
    mock_an_end(r);
    mock_an_event(r, "message_stop");
    mock_an_end(r);
}

/* >>gemini ================================================================================== */

static void mock_gm_usage(mock_buf *b, const mock_answer *a, unsigned long long out, unsigned long long thoughts) {
    mock_puts(b, "\"usageMetadata\":{\"promptTokenCount\":");
    mock_putu(b, a->in_tokens);
    mock_puts(b, ",\"candidatesTokenCount\":");
    mock_putu(b, out);
    mock_puts(b, ",\"totalTokenCount\":");
    mock_putu(b, a->in_tokens + out + thoughts);
    mock_puts(b, ",\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":");
    mock_putu(b, a->in_tokens);
    mock_puts(b, "}]");
    if (thoughts) { mock_puts(b, ",\"thoughtsTokenCount\":"); mock_putu(b, thoughts); }
    mock_putc(b, '}');
}

static void mock_gm_call(mock_buf *b, const mock_answer *a) {
    mock_puts(b, "{\"functionCall\":{\"name\":");
    mock_putj(b, a->name, a->name_len);
    mock_puts(b, ",\"args\":");
    mock_puts(b, a->args_obj);
    mock_puts(b, "},\"thoughtSignature\":");
    mock_putjs(b, mock_signature);
    mock_putc(b, '}');
}

static void mock_gm_open(mock_buf *b) { mock_puts(b, "{\"candidates\":[{\"content\":{\"parts\":["); }

static void mock_gm_close(mock_buf *b, const mock_answer *a, int finish, unsigned long long out, unsigned long long thoughts) {
    mock_puts(b, "],\"role\":\"model\"}");
    if (finish) mock_puts(b, ",\"finishReason\":\"STOP\"");
    mock_puts(b, ",\"index\":0}],");
    mock_gm_usage(b, a, out, thoughts);
    mock_puts(b, ",\"modelVersion\":");
    mock_putj(b, a->model, a->model_len);
    mock_puts(b, ",\"responseId\":");
    mock_put_id(b, "mockresp", a);
    mock_putc(b, '}');
}

static void mock_gm_unary(mock_resp *r, const mock_answer *a) {
    mock_buf *b = &r->body;
    mock_gm_open(b);
    if (a->reason_len) {
        mock_puts(b, "{\"text\":");
        mock_putj(b, a->reason, a->reason_len);
        mock_puts(b, ",\"thought\":true},");
    }
    if (a->tool) mock_gm_call(b, a);
    else { mock_puts(b, "{\"text\":"); mock_putj(b, a->text, a->text_len); mock_putc(b, '}'); }
    mock_gm_close(b, a, 1, a->out_tokens, a->reason_tokens);
}

/* Frames one stream chunk: SSE data (CRLF like the real service) or, without alt=sse, an
   element of one long JSON array. */
static void mock_gm_chunk_begin(mock_resp *r, const mock_answer *a) {
    if (a->gm_array) mock_puts(&r->body, r->nends ? ",\r\n" : "[");
    else mock_sse_begin(r, NULL);
    mock_gm_open(&r->body);
}

static void mock_gm_chunk_end(mock_resp *r, const mock_answer *a, int finish, unsigned long long out, unsigned long long th) {
    mock_gm_close(&r->body, a, finish, out, th);
    if (a->gm_array) { mock_putc(&r->body, '\n'); mock_piece(r); }
    else mock_sse_end(r);
}

static void mock_gm_words(mock_resp *r, const mock_answer *a, int thought, int last_finishes) {
    const char *s = thought ? a->reason : a->text;
    size_t n = thought ? a->reason_len : a->text_len, pos = 0;
    unsigned long long k = 0, th = thought ? 0 : a->reason_tokens;
    mock_span w;
    while (mock_word(a, s, n, &pos, &w)) {
        k++;
        mock_gm_chunk_begin(r, a);
        mock_puts(&r->body, "{\"text\":");
        mock_putj(&r->body, w.p, w.n);
        mock_puts(&r->body, thought ? ",\"thought\":true}" : "}");
        mock_gm_chunk_end(r, a, last_finishes && pos >= n, thought ? 0 : k, thought ? k : th);
        mock_mark(r);
    }
}

static void mock_gm_stream(mock_resp *r, const mock_answer *a) {
    mock_stream_start(r, a->gm_array ? "application/json; charset=UTF-8" : "text/event-stream");
    if (a->reason_len) mock_gm_words(r, a, 1, 0);
    if (a->tool) {
        mock_gm_chunk_begin(r, a);
        mock_gm_call(&r->body, a);
        mock_gm_chunk_end(r, a, 1, a->out_tokens, a->reason_tokens);
        mock_mark(r);
    } else {
        mock_gm_words(r, a, 0, 1);
    }
    if (a->gm_array) { mock_puts(&r->body, "]"); mock_piece(r); }
}

/* >>ollama ================================================================================== */

static void mock_ol_open(mock_buf *b, const mock_answer *a) {
    mock_puts(b, "{\"model\":");
    mock_putj(b, a->model, a->model_len);
    mock_puts(b, ",\"created_at\":\"");
    mock_puts(b, a->stamp);
    mock_puts(b, a->ol_generate ? "\"," : "\",\"message\":{\"role\":\"assistant\",");
}

/* Ollama reports usage as counts and nanosecond timings on the done:true object. */
static void mock_ol_done(mock_buf *b, const mock_answer *a) {
    unsigned long long out = a->out_tokens + a->reason_tokens;
    mock_puts(b, "\"done\":true,\"done_reason\":\"stop\",\"total_duration\":");
    mock_putu(b, 1000000ULL * (out + 5));
    mock_puts(b, ",\"load_duration\":1000000,\"prompt_eval_count\":");
    mock_putu(b, a->in_tokens);
    mock_puts(b, ",\"prompt_eval_duration\":");
    mock_putu(b, 100000ULL * a->in_tokens);
    mock_puts(b, ",\"eval_count\":");
    mock_putu(b, out);
    mock_puts(b, ",\"eval_duration\":");
    mock_putu(b, 1000000ULL * out);
    mock_putc(b, '}');
}

static void mock_ol_tool_calls(mock_buf *b, const mock_answer *a) {
    mock_puts(b, ",\"tool_calls\":[{\"id\":");
    mock_put_id(b, "call_mock", a);
    mock_puts(b, ",\"function\":{\"index\":0,\"name\":");
    mock_putj(b, a->name, a->name_len);
    mock_puts(b, ",\"arguments\":");
    mock_puts(b, a->args_obj);
    mock_puts(b, "}}]");
}

/* The message (chat) or response (generate) fields of one object. */
static void mock_ol_fields(mock_buf *b, const mock_answer *a, mock_span content, mock_span thinking, int tool) {
    mock_puts(b, a->ol_generate ? "\"response\":" : "\"content\":");
    mock_putj(b, content.p, content.n);
    if (thinking.n) { mock_puts(b, ",\"thinking\":"); mock_putj(b, thinking.p, thinking.n); }
    if (tool && !a->ol_generate) mock_ol_tool_calls(b, a);
    mock_puts(b, a->ol_generate ? "," : "},");
}

static void mock_ol_unary(mock_resp *r, const mock_answer *a) {
    mock_span text, thinking;
    text.p = a->tool ? "" : a->text;
    text.n = a->tool ? 0 : a->text_len;
    thinking.p = a->reason;
    thinking.n = a->reason_len;
    mock_ol_open(&r->body, a);
    mock_ol_fields(&r->body, a, text, thinking, a->tool);
    mock_ol_done(&r->body, a);
}

static void mock_ol_line(mock_resp *r, const mock_answer *a, mock_span content, mock_span thinking, int tool) {
    mock_ol_open(&r->body, a);
    mock_ol_fields(&r->body, a, content, thinking, tool);
    mock_puts(&r->body, "\"done\":false}\n");
    mock_piece(r);
    mock_mark(r);
}

static void mock_ol_stream(mock_resp *r, const mock_answer *a) {
    mock_span w, none = { "", 0 };
    size_t pos = 0;
    mock_stream_start(r, "application/x-ndjson");
    while (mock_word(a, a->reason, a->reason_len, &pos, &w)) mock_ol_line(r, a, none, w, 0);
    pos = 0;
    if (a->tool && !a->ol_generate) mock_ol_line(r, a, none, none, 1);
    else while (mock_word(a, a->text, a->text_len, &pos, &w)) mock_ol_line(r, a, w, none, 0);
    mock_ol_open(&r->body, a);
    mock_ol_fields(&r->body, a, none, none, 0);
    mock_ol_done(&r->body, a);
    mock_putc(&r->body, '\n');
    mock_piece(r);
}

/* >>cohere ================================================================================== */

static void mock_co_usage(mock_buf *b, const mock_answer *a) {
    unsigned long long out = a->out_tokens + a->reason_tokens;
    mock_puts(b, "{\"billed_units\":{\"input_tokens\":");
    mock_putu(b, a->in_tokens);
    mock_puts(b, ",\"output_tokens\":");
    mock_putu(b, out);
    mock_puts(b, "},\"tokens\":{\"input_tokens\":");
    mock_putu(b, a->in_tokens);
    mock_puts(b, ",\"output_tokens\":");
    mock_putu(b, out);
    mock_puts(b, "},\"cached_tokens\":0}");
}

static void mock_co_id(mock_buf *b, const mock_answer *a) {
    char id[48];
    snprintf(id, sizeof id, "\"00000000-0000-4000-8000-%012llu\"", a->seq % 1000000000000ULL);
    mock_puts(b, id);
}

static void mock_co_tool_id(mock_buf *b, const mock_answer *a) {
    mock_buf tmp = { NULL, 0, 0, 0 };
    mock_put(&tmp, a->name, a->name_len);
    mock_puts(&tmp, "_mock");
    mock_putu(&tmp, a->seq);
    mock_putj(b, tmp.p ? tmp.p : "", tmp.len);
    mock_buf_free(&tmp);
}

static void mock_co_tool_plan(mock_buf *b, const mock_answer *a) {
    mock_buf tmp = { NULL, 0, 0, 0 };
    mock_puts(&tmp, "I will call ");
    mock_put(&tmp, a->name, a->name_len);
    mock_puts(&tmp, ".");
    mock_putj(b, tmp.p ? tmp.p : "", tmp.len);
    mock_buf_free(&tmp);
}

static void mock_co_unary(mock_resp *r, const mock_answer *a) {
    mock_buf *b = &r->body;
    mock_puts(b, "{\"id\":");
    mock_co_id(b, a);
    mock_puts(b, ",\"message\":{\"role\":\"assistant\"");
    if (a->tool) {
        mock_puts(b, ",\"tool_plan\":");
        mock_co_tool_plan(b, a);
        mock_puts(b, ",\"tool_calls\":[{\"id\":");
        mock_co_tool_id(b, a);
        mock_puts(b, ",\"type\":\"function\",\"function\":{\"name\":");
        mock_putj(b, a->name, a->name_len);
        mock_puts(b, ",\"arguments\":");
        mock_putjs(b, a->args);
        mock_puts(b, "}}]");
    }
    mock_puts(b, ",\"content\":[");
    if (a->reason_len) {
        mock_puts(b, "{\"type\":\"thinking\",\"thinking\":");
        mock_putj(b, a->reason, a->reason_len);
        mock_puts(b, a->tool ? "}" : "},");
    }
    if (!a->tool) { mock_puts(b, "{\"type\":\"text\",\"text\":"); mock_putj(b, a->text, a->text_len); mock_putc(b, '}'); }
    mock_puts(b, "]},\"finish_reason\":");
    mock_puts(b, a->tool ? "\"TOOL_CALL\"" : "\"COMPLETE\"");
    mock_puts(b, ",\"usage\":");
    mock_co_usage(b, a);
    mock_putc(b, '}');
}

static void mock_co_event(mock_resp *r, const char *type, int index) {
    mock_sse_begin(r, type);
    mock_puts(&r->body, "{\"type\":\"");
    mock_puts(&r->body, type);
    mock_putc(&r->body, '"');
    if (index >= 0) { mock_puts(&r->body, ",\"index\":"); mock_putu(&r->body, (unsigned long long)index); }
}

static void mock_co_end(mock_resp *r) {
    mock_putc(&r->body, '}');
    mock_sse_end(r);
}

/* A content block (thinking or text): start, one delta per word, end. */
static void mock_co_content(mock_resp *r, const mock_answer *a, int index, const char *kind, const char *s, size_t n) {
    size_t pos = 0;
    mock_span w;
    mock_co_event(r, "content-start", index);
    mock_puts(&r->body, ",\"delta\":{\"message\":{\"content\":{\"type\":\"");
    mock_puts(&r->body, kind);
    mock_puts(&r->body, "\",\"");
    mock_puts(&r->body, kind);
    mock_puts(&r->body, "\":\"\"}}}");
    mock_co_end(r);
    while (mock_word(a, s, n, &pos, &w)) {
        mock_co_event(r, "content-delta", index);
        mock_puts(&r->body, ",\"delta\":{\"message\":{\"content\":{\"");
        mock_puts(&r->body, kind);
        mock_puts(&r->body, "\":");
        mock_putj(&r->body, w.p, w.n);
        mock_puts(&r->body, "}}}");
        mock_co_end(r);
        mock_mark(r);
    }
    mock_co_event(r, "content-end", index);
    mock_co_end(r);
}

/* tool-plan-delta, then tool-call-start/delta/end; an empty-argument call sends no delta. */
static void mock_co_tool(mock_resp *r, const mock_answer *a) {
    mock_buf *b = &r->body;
    size_t pos = 0, turn = 0;
    mock_span w;
    mock_co_event(r, "tool-plan-delta", -1);
    mock_puts(b, ",\"delta\":{\"message\":{\"tool_plan\":");
    mock_co_tool_plan(b, a);
    mock_puts(b, "}}");
    mock_co_end(r);
    mock_co_event(r, "tool-call-start", 0);
    mock_puts(b, ",\"delta\":{\"message\":{\"tool_calls\":{\"id\":");
    mock_co_tool_id(b, a);
    mock_puts(b, ",\"type\":\"function\",\"function\":{\"name\":");
    mock_putj(b, a->name, a->name_len);
    mock_puts(b, ",\"arguments\":\"\"}}}}");
    mock_co_end(r);
    while (strcmp(a->args, "{}") && mock_frag(a->args, &pos, &turn, &w)) {
        mock_co_event(r, "tool-call-delta", 0);
        mock_puts(b, ",\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":");
        mock_putj(b, w.p, w.n);
        mock_puts(b, "}}}}");
        mock_co_end(r);
        mock_mark(r);
    }
    mock_co_event(r, "tool-call-end", 0);
    mock_co_end(r);
}

static void mock_co_message_end(mock_resp *r, const mock_answer *a, const char *finish) {
    mock_co_event(r, "message-end", -1);
    mock_puts(&r->body, ",\"delta\":{\"finish_reason\":\"");
    mock_puts(&r->body, finish);
    mock_puts(&r->body, "\",\"usage\":");
    mock_co_usage(&r->body, a);
    mock_putc(&r->body, '}');
    mock_co_end(r);
}

static void mock_co_stream(mock_resp *r, const mock_answer *a) {
    int index = 0;
    mock_stream_start(r, "text/event-stream");
    mock_sse_begin(r, "message-start");
    mock_puts(&r->body, "{\"id\":");
    mock_co_id(&r->body, a);
    mock_puts(&r->body, ",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\",\"content\":[],"
                        "\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}");
    mock_co_end(r);
    if (a->reason_len) mock_co_content(r, a, index++, "thinking", a->reason, a->reason_len);
    if (a->tool) mock_co_tool(r, a);
    else mock_co_content(r, a, index, "text", a->text, a->text_len);
    mock_co_message_end(r, a, a->tool ? "TOOL_CALL" : "COMPLETE");
}

/* >>responses =============================================================================== */

static void mock_rs_usage(mock_buf *b, const mock_answer *a) {
    unsigned long long out = a->out_tokens + a->reason_tokens;
    mock_puts(b, "{\"input_tokens\":");
    mock_putu(b, a->in_tokens);
    mock_puts(b, ",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":");
    mock_putu(b, out);
    mock_puts(b, ",\"output_tokens_details\":{\"reasoning_tokens\":");
    mock_putu(b, a->reason_tokens);
    mock_puts(b, "},\"total_tokens\":");
    mock_putu(b, a->in_tokens + out);
    mock_putc(b, '}');
}

/* The response object up to its status: id, timestamps, model. */
static void mock_rs_head(mock_buf *b, const mock_answer *a, const char *status) {
    mock_puts(b, "{\"id\":");
    mock_put_id(b, "resp_mock", a);
    mock_puts(b, ",\"object\":\"response\",\"created_at\":");
    mock_putu(b, (unsigned long long)a->created);
    mock_puts(b, ",\"status\":\"");
    mock_puts(b, status);
    mock_puts(b, strcmp(status, "failed") ? "\",\"error\":null" : "\",\"error\":{\"code\":\"server_error\",\"message\":\"The server had an "
                                                                  "error while processing your request.\"}");
    mock_puts(b, ",\"incomplete_details\":null,\"instructions\":null,\"model\":");
    mock_putj(b, a->model, a->model_len);
}

static void mock_rs_reasoning_item(mock_buf *b, const mock_answer *a, int whole) {
    mock_puts(b, "{\"id\":");
    mock_put_id(b, "rs_mock", a);
    mock_puts(b, ",\"type\":\"reasoning\",\"summary\":[");
    if (whole) { mock_puts(b, "{\"type\":\"summary_text\",\"text\":"); mock_putj(b, a->reason, a->reason_len); mock_putc(b, '}'); }
    mock_puts(b, "]}");
}

static void mock_rs_message_item(mock_buf *b, const mock_answer *a, int whole) {
    mock_puts(b, "{\"id\":");
    mock_put_id(b, "msg_mock", a);
    mock_puts(b, whole ? ",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":["
                       : ",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[");
    if (whole) { mock_puts(b, "{\"type\":\"output_text\",\"annotations\":[],\"text\":"); mock_putj(b, a->text, a->text_len); mock_putc(b, '}'); }
    mock_puts(b, "]}");
}

/* A function_call item; call numbers the calls of a flood (-1: the one call). */
static void mock_rs_call_item(mock_buf *b, const mock_answer *a, long long call, int whole) {
    mock_puts(b, "{\"id\":");
    mock_put_idn(b, "fc_mock", a, call);
    mock_puts(b, whole ? ",\"type\":\"function_call\",\"status\":\"completed\",\"call_id\":"
                       : ",\"type\":\"function_call\",\"status\":\"in_progress\",\"call_id\":");
    mock_put_idn(b, "call_mock", a, call);
    mock_puts(b, ",\"name\":");
    mock_putj(b, a->name, a->name_len);
    mock_puts(b, ",\"arguments\":");
    mock_putjs(b, whole ? a->args : "");
    mock_putc(b, '}');
}

/* scenario=server_tools: a web_search_call item (the Responses API's web search tool). */
static void mock_rs_search_item(mock_buf *b, const mock_answer *a, int whole) {
    mock_puts(b, "{\"id\":");
    mock_put_id(b, "ws_mock", a);
    if (!whole) { mock_puts(b, ",\"type\":\"web_search_call\",\"status\":\"in_progress\"}"); return; }
    mock_puts(b, ",\"type\":\"web_search_call\",\"status\":\"completed\",\"action\":{\"type\":\"search\",\"query\":");
    mock_putj(b, a->query, a->query_len);
    mock_puts(b, ",\"sources\":[{\"type\":\"url\",\"url\":\"https://example.com/ailib-mock\"}]}}");
}

/* The tool scenario's call when the request's first tool is a client action of the Responses
   API (custom, local_shell, apply_patch, mcp): that kind of item (whole = 0: as added). */
static void mock_rs_action_item(mock_buf *b, const mock_answer *a, int whole) {
    const char *st = whole ? "\"completed\"" : "\"in_progress\"";
    switch (a->action) {
    case MOCK_ACT_CUSTOM:
        mock_puts(b, "{\"type\":\"custom_tool_call\",\"id\":");
        mock_put_id(b, "ct_mock", a);
        mock_puts(b, ",\"call_id\":");
        mock_put_id(b, "call_mock", a);
        mock_puts(b, ",\"name\":");
        mock_putj(b, a->name, a->name_len);
        mock_puts(b, ",\"input\":");
        if (whole) mock_putj(b, a->query, a->query_len); else mock_puts(b, "\"\"");
        mock_puts(b, ",\"status\":");
        mock_puts(b, st);
        break;
    case MOCK_ACT_LOCAL_SHELL:
        mock_puts(b, "{\"id\":");
        mock_put_id(b, "lsh_mock", a);
        mock_puts(b, ",\"type\":\"local_shell_call\",\"status\":");
        mock_puts(b, st);
        mock_puts(b, ",\"call_id\":");
        mock_put_id(b, "call_mock", a);
        mock_puts(b, whole ? ",\"action\":{\"type\":\"exec\",\"command\":[\"echo\",\"hello\"],\"env\":{}}"
                           : ",\"action\":{\"type\":\"exec\",\"command\":[],\"env\":{}}");
        break;
    case MOCK_ACT_APPLY_PATCH:
        mock_puts(b, "{\"id\":");
        mock_put_id(b, "apc_mock", a);
        mock_puts(b, ",\"type\":\"apply_patch_call\",\"status\":");
        mock_puts(b, st);
        mock_puts(b, ",\"call_id\":");
        mock_put_id(b, "call_mock", a);
        mock_puts(b, ",\"operation\":{\"type\":\"create_file\",\"path\":\"hello.txt\",\"diff\":");
        mock_puts(b, whole ? "\"+hello\\n\"}" : "\"\"}");
        break;
    default:
        mock_puts(b, "{\"id\":");
        mock_put_id(b, "mcpr_mock", a);
        mock_puts(b, ",\"type\":\"mcp_approval_request\",\"name\":\"mock_echo\",\"server_label\":\"mock\",\"arguments\":");
        {
            mock_buf q = { NULL, 0, 0, 0 };
            mock_puts(&q, "{\"text\":");
            mock_putj(&q, a->query, a->query_len);
            mock_putc(&q, '}');
            mock_putj(b, q.p ? q.p : "{}", q.len);
            mock_buf_free(&q);
        }
        break;
    }
    mock_putc(b, '}');
}

static void mock_rs_output(mock_buf *b, const mock_answer *a) {
    mock_putc(b, '[');
    if (a->reason_len) { mock_rs_reasoning_item(b, a, 1); mock_putc(b, ','); }
    if (a->server) { mock_rs_search_item(b, a, 1); mock_putc(b, ','); }
    if (a->tool && a->action) mock_rs_action_item(b, a, 1);
    else if (a->tool) mock_rs_call_item(b, a, -1, 1);
    else mock_rs_message_item(b, a, 1);
    mock_putc(b, ']');
}

static void mock_rs_unary(mock_resp *r, const mock_answer *a) {
    mock_buf *b = &r->body;
    mock_rs_head(b, a, "completed");
    mock_puts(b, ",\"output\":");
    mock_rs_output(b, a);
    mock_puts(b, ",\"parallel_tool_calls\":true,\"store\":false,\"usage\":");
    mock_rs_usage(b, a);
    mock_putc(b, '}');
}

/* event: TYPE / data: {"type":TYPE ... ,"sequence_number":N} */
static void mock_rs_event(mock_resp *r, const char *type) {
    mock_sse_begin(r, type);
    mock_puts(&r->body, "{\"type\":\"");
    mock_puts(&r->body, type);
    mock_putc(&r->body, '"');
}

static void mock_rs_end(mock_resp *r) {
    mock_puts(&r->body, ",\"sequence_number\":");
    mock_putu(&r->body, r->seqno++);
    mock_putc(&r->body, '}');
    mock_sse_end(r);
}

/* An event about an item: its id and output index. */
static void mock_rs_item_event(mock_resp *r, const char *type, const char *prefix, const mock_answer *a, long long call, int index) {
    mock_rs_event(r, type);
    mock_puts(&r->body, ",\"item_id\":");
    mock_put_idn(&r->body, prefix, a, call);
    mock_puts(&r->body, ",\"output_index\":");
    mock_putu(&r->body, (unsigned long long)index);
}

static void mock_rs_response_event(mock_resp *r, const char *type, const mock_answer *a, int done) {
    mock_rs_event(r, type);
    mock_puts(&r->body, ",\"response\":");
    mock_rs_head(&r->body, a, done ? "completed" : "in_progress");
    if (done) {
        mock_puts(&r->body, ",\"output\":");
        mock_rs_output(&r->body, a);
        mock_puts(&r->body, ",\"usage\":");
        mock_rs_usage(&r->body, a);
        mock_putc(&r->body, '}');
    } else {
        mock_puts(&r->body, ",\"output\":[],\"usage\":null}");
    }
    mock_rs_end(r);
}

static void mock_rs_item_added(mock_resp *r, const char *type, int index) {
    mock_rs_event(r, type);
    mock_puts(&r->body, ",\"output_index\":");
    mock_putu(&r->body, (unsigned long long)index);
    mock_puts(&r->body, ",\"item\":");
}

static void mock_rs_reasoning_stream(mock_resp *r, const mock_answer *a) {
    size_t pos = 0;
    mock_span w;
    mock_rs_item_added(r, "response.output_item.added", 0);
    mock_rs_reasoning_item(&r->body, a, 0);
    mock_rs_end(r);
    mock_rs_item_event(r, "response.reasoning_summary_part.added", "rs_mock", a, -1, 0);
    mock_puts(&r->body, ",\"summary_index\":0,\"part\":{\"type\":\"summary_text\",\"text\":\"\"}");
    mock_rs_end(r);
    while (mock_word(a, a->reason, a->reason_len, &pos, &w)) {
        mock_rs_item_event(r, "response.reasoning_summary_text.delta", "rs_mock", a, -1, 0);
        mock_puts(&r->body, ",\"summary_index\":0,\"delta\":");
        mock_putj(&r->body, w.p, w.n);
        mock_rs_end(r);
        mock_mark(r);
    }
    mock_rs_item_event(r, "response.reasoning_summary_text.done", "rs_mock", a, -1, 0);
    mock_puts(&r->body, ",\"summary_index\":0,\"text\":");
    mock_putj(&r->body, a->reason, a->reason_len);
    mock_rs_end(r);
    mock_rs_item_added(r, "response.output_item.done", 0);
    mock_rs_reasoning_item(&r->body, a, 1);
    mock_rs_end(r);
}

static void mock_rs_text_stream(mock_resp *r, const mock_answer *a, int index) {
    size_t pos = 0;
    mock_span w;
    mock_rs_item_added(r, "response.output_item.added", index);
    mock_rs_message_item(&r->body, a, 0);
    mock_rs_end(r);
    mock_rs_item_event(r, "response.content_part.added", "msg_mock", a, -1, index);
    mock_puts(&r->body, ",\"content_index\":0,\"part\":{\"type\":\"output_text\",\"annotations\":[],\"text\":\"\"}");
    mock_rs_end(r);
    while (mock_word(a, a->text, a->text_len, &pos, &w)) {
        mock_rs_item_event(r, "response.output_text.delta", "msg_mock", a, -1, index);
        mock_puts(&r->body, ",\"content_index\":0,\"delta\":");
        mock_putj(&r->body, w.p, w.n);
        mock_rs_end(r);
        mock_mark(r);
    }
    mock_rs_item_event(r, "response.output_text.done", "msg_mock", a, -1, index);
    mock_puts(&r->body, ",\"content_index\":0,\"text\":");
    mock_putj(&r->body, a->text, a->text_len);
    mock_rs_end(r);
    mock_rs_item_event(r, "response.content_part.done", "msg_mock", a, -1, index);
    mock_puts(&r->body, ",\"content_index\":0,\"part\":{\"type\":\"output_text\",\"annotations\":[],\"text\":");
    mock_putj(&r->body, a->text, a->text_len);
    mock_putc(&r->body, '}');
    mock_rs_end(r);
    mock_rs_item_added(r, "response.output_item.done", index);
    mock_rs_message_item(&r->body, a, 1);
    mock_rs_end(r);
}

/* One function call: added, argument fragments (none for a flood's call: its arguments
   come whole in .done), done. */
static void mock_rs_call_stream(mock_resp *r, const mock_answer *a, long long call, int index) {
    size_t pos = 0, turn = 0;
    mock_span w;
    mock_rs_item_added(r, "response.output_item.added", index);
    mock_rs_call_item(&r->body, a, call, 0);
    mock_rs_end(r);
    while (call < 0 && mock_frag(a->args, &pos, &turn, &w)) {
        mock_rs_item_event(r, "response.function_call_arguments.delta", "fc_mock", a, call, index);
        mock_puts(&r->body, ",\"delta\":");
        mock_putj(&r->body, w.p, w.n);
        mock_rs_end(r);
        mock_mark(r);
    }
    mock_rs_item_event(r, "response.function_call_arguments.done", "fc_mock", a, call, index);
    mock_puts(&r->body, ",\"arguments\":");
    mock_putjs(&r->body, a->args);
    mock_rs_end(r);
    mock_rs_item_added(r, "response.output_item.done", index);
    mock_rs_call_item(&r->body, a, call, 1);
    mock_rs_end(r);
}

static void mock_rs_stream_head(mock_resp *r, const mock_answer *a) {
    mock_stream_start(r, "text/event-stream; charset=utf-8");
    mock_rs_response_event(r, "response.created", a, 0);
    mock_rs_response_event(r, "response.in_progress", a, 0);
}

/* The web search item as the API streams it: added, its progress events, done. */
static void mock_rs_search_stream(mock_resp *r, const mock_answer *a, int index) {
    static const char *const progress[] = { "response.web_search_call.in_progress", "response.web_search_call.searching",
                                            "response.web_search_call.completed" };
    int i;
    mock_rs_item_added(r, "response.output_item.added", index);
    mock_rs_search_item(&r->body, a, 0);
    mock_rs_end(r);
    for (i = 0; i < 3; i++) { mock_rs_item_event(r, progress[i], "ws_mock", a, -1, index); mock_rs_end(r); }
    mock_rs_item_added(r, "response.output_item.done", index);
    mock_rs_search_item(&r->body, a, 1);
    mock_rs_end(r);
}

/* A client action item: added, its input (custom) or diff (apply_patch) in fragments, done. */
static void mock_rs_action_stream(mock_resp *r, const mock_answer *a, int index) {
    size_t pos = 0, turn = 0;
    mock_span w;
    mock_rs_item_added(r, "response.output_item.added", index);
    mock_rs_action_item(&r->body, a, 0);
    mock_rs_end(r);
    if (a->action == MOCK_ACT_CUSTOM) {
        while (mock_word(a, a->query, a->query_len, &pos, &w)) {
            mock_rs_item_event(r, "response.custom_tool_call_input.delta", "ct_mock", a, -1, index);
            mock_puts(&r->body, ",\"delta\":");
            mock_putj(&r->body, w.p, w.n);
            mock_rs_end(r);
            mock_mark(r);
        }
    } else if (a->action == MOCK_ACT_APPLY_PATCH) {
        while (mock_frag("+hello\n", &pos, &turn, &w)) {
            mock_rs_item_event(r, "response.apply_patch_call_operation_diff.delta", "apc_mock", a, -1, index);
            mock_puts(&r->body, ",\"delta\":");
            mock_putj(&r->body, w.p, w.n);
            mock_rs_end(r);
            mock_mark(r);
        }
    }
    mock_rs_item_added(r, "response.output_item.done", index);
    mock_rs_action_item(&r->body, a, 1);
    mock_rs_end(r);
}

static void mock_rs_stream(mock_resp *r, const mock_answer *a) {
    int index = 0;
    mock_rs_stream_head(r, a);
    if (a->reason_len) { mock_rs_reasoning_stream(r, a); index++; }
    if (a->server) mock_rs_search_stream(r, a, index++);
    if (a->tool && a->action) mock_rs_action_stream(r, a, index);
    else if (a->tool) mock_rs_call_stream(r, a, -1, index);
    else mock_rs_text_stream(r, a, index);
    mock_rs_response_event(r, "response.completed", a, 1);
}

/* >>bedrock ================================================================================= */

static void mock_be16(mock_buf *b, unsigned v) {
    char x[2];
    x[0] = (char)((v >> 8) & 0xFF);
    x[1] = (char)(v & 0xFF);
    mock_put(b, x, 2);
}

static void mock_be32(mock_buf *b, uint32_t v) {
    char x[4];
    x[0] = (char)(v >> 24);
    x[1] = (char)((v >> 16) & 0xFF);
    x[2] = (char)((v >> 8) & 0xFF);
    x[3] = (char)(v & 0xFF);
    mock_put(b, x, 4);
}

static void mock_br_header(mock_buf *b, const char *name, const char *value) {
    size_t vn = strlen(value);
    mock_putc(b, (char)strlen(name));
    mock_puts(b, name);
    mock_putc(b, 7);                       /* string */
    mock_be16(b, (unsigned)vn);
    mock_put(b, value, vn);
}

static void mock_be32_at(char *p, uint32_t v) {
    p[0] = (char)(v >> 24);
    p[1] = (char)((v >> 16) & 0xFF);
    p[2] = (char)((v >> 8) & 0xFF);
    p[3] = (char)(v & 0xFF);
}

/* Turns body[start..len) (a JSON payload) into one AWS event-stream frame, as a piece:
   total and headers lengths, prelude CRC, headers, payload, CRC of all before it. kind is
   "event" (name: the :event-type) or "exception" (name: the :exception-type). */
static void mock_br_frame(mock_resp *r, size_t start, const char *kind, const char *name) {
    mock_buf *b = &r->body, *t = &r->tmp;
    size_t hl;
    if (b->oom) return;
    if (r->bad_utf8 && mock_bad_patch(b->p + start, b->len - start)) r->bad_utf8 = 0;   /* before the CRC */
    t->len = 0;
    mock_put(t, b->p + start, b->len - start);
    b->len = start;
    mock_put(b, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);   /* the prelude, filled in below */
    mock_br_header(b, strcmp(kind, "event") ? ":exception-type" : ":event-type", name);
    mock_br_header(b, ":content-type", "application/json");
    mock_br_header(b, ":message-type", kind);
    hl = b->len - start - 12;
    mock_put(b, t->p ? t->p : "", t->len);
    if (b->oom || t->oom) { b->oom = 1; return; }
    mock_be32_at(b->p + start, (uint32_t)(b->len - start + 4));
    mock_be32_at(b->p + start + 4, (uint32_t)hl);
    mock_be32_at(b->p + start + 8, mock_crc32(0, b->p + start, 8));
    mock_be32(b, mock_crc32(0, b->p + start, b->len - start));
    mock_piece(r);
}

static void mock_br_usage(mock_buf *b, const mock_answer *a) {
    unsigned long long out = a->out_tokens + a->reason_tokens;
    mock_puts(b, "{\"inputTokens\":");
    mock_putu(b, a->in_tokens);
    mock_puts(b, ",\"outputTokens\":");
    mock_putu(b, out);
    mock_puts(b, ",\"totalTokens\":");
    mock_putu(b, a->in_tokens + out);
    mock_puts(b, ",\"cacheReadInputTokens\":0,\"cacheWriteInputTokens\":0}");
}

static void mock_br_unary(mock_resp *r, const mock_answer *a) {
    mock_buf *b = &r->body;
    mock_puts(b, "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[");
    if (a->reason_len) {
        mock_puts(b, "{\"reasoningContent\":{\"reasoningText\":{\"text\":");
        mock_putj(b, a->reason, a->reason_len);
        mock_puts(b, ",\"signature\":");
        mock_putjs(b, mock_signature);
        mock_puts(b, "}}},");
    }
    if (a->tool) {
        mock_puts(b, "{\"toolUse\":{\"toolUseId\":");
        mock_put_id(b, "tooluse_mock", a);
        mock_puts(b, ",\"name\":");
        mock_putj(b, a->name, a->name_len);
        mock_puts(b, ",\"input\":");
        mock_puts(b, a->args_obj);
        mock_puts(b, "}}");
    } else {
        mock_puts(b, "{\"text\":");
        mock_putj(b, a->text, a->text_len);
        mock_putc(b, '}');
    }
    mock_puts(b, "]}},\"stopReason\":");
    mock_puts(b, a->tool ? "\"tool_use\"" : "\"end_turn\"");
    mock_puts(b, ",\"usage\":");
    mock_br_usage(b, a);
    mock_puts(b, ",\"metrics\":{\"latencyMs\":1}}");
}

/* A contentBlockDelta frame: {"contentBlockIndex":i,"delta":{<what>:<s>}} */
static void mock_br_delta(mock_resp *r, int index, const char *open, mock_span s, const char *close) {
    size_t start = r->body.len;
    mock_puts(&r->body, "{\"contentBlockIndex\":");
    mock_putu(&r->body, (unsigned long long)index);
    mock_puts(&r->body, ",\"delta\":");
    mock_puts(&r->body, open);
    mock_putj(&r->body, s.p, s.n);
    mock_puts(&r->body, close);
    mock_puts(&r->body, "}");
    mock_br_frame(r, start, "event", "contentBlockDelta");
}

static void mock_br_stop(mock_resp *r, int index) {
    size_t start = r->body.len;
    mock_puts(&r->body, "{\"contentBlockIndex\":");
    mock_putu(&r->body, (unsigned long long)index);
    mock_puts(&r->body, ",\"p\":\"abcdefgh\"}");
    mock_br_frame(r, start, "event", "contentBlockStop");
}

/* A toolUse block: start (id, name), the arguments (in fragments, or whole for a flood's
   call), stop. */
static void mock_br_tool(mock_resp *r, const mock_answer *a, long long call, int index) {
    size_t start = r->body.len, pos = 0, turn = 0;
    mock_span w;
    mock_puts(&r->body, "{\"contentBlockIndex\":");
    mock_putu(&r->body, (unsigned long long)index);
    mock_puts(&r->body, ",\"start\":{\"toolUse\":{\"toolUseId\":");
    mock_put_idn(&r->body, "tooluse_mock", a, call);
    mock_puts(&r->body, ",\"name\":");
    mock_putj(&r->body, a->name, a->name_len);
    mock_puts(&r->body, "}}}");
    mock_br_frame(r, start, "event", "contentBlockStart");
    if (call >= 0) {
        w.p = a->args;
        w.n = strlen(a->args);
        mock_br_delta(r, index, "{\"toolUse\":{\"input\":", w, "}}");
    }
    while (call < 0 && mock_frag(a->args, &pos, &turn, &w)) {
        mock_br_delta(r, index, "{\"toolUse\":{\"input\":", w, "}}");
        mock_mark(r);
    }
    mock_br_stop(r, index);
}

static void mock_br_stream_head(mock_resp *r) {
    size_t start;
    mock_stream_start(r, "application/vnd.amazon.eventstream");
    start = r->body.len;
    mock_puts(&r->body, "{\"p\":\"abcdefghijklmnopqr\",\"role\":\"assistant\"}");
    mock_br_frame(r, start, "event", "messageStart");
}

static void mock_br_stream_tail(mock_resp *r, const mock_answer *a, int tool) {
    size_t start = r->body.len;
    mock_puts(&r->body, tool ? "{\"p\":\"abcd\",\"stopReason\":\"tool_use\"}" : "{\"p\":\"abcd\",\"stopReason\":\"end_turn\"}");
    mock_br_frame(r, start, "event", "messageStop");
    start = r->body.len;
    mock_puts(&r->body, "{\"metrics\":{\"latencyMs\":1},\"p\":\"abcdefghijkl\",\"usage\":");
    mock_br_usage(&r->body, a);
    mock_putc(&r->body, '}');
    mock_br_frame(r, start, "event", "metadata");
}

static void mock_br_stream(mock_resp *r, const mock_answer *a) {
    int index = 0;
    size_t pos = 0;
    mock_span w;
    mock_br_stream_head(r);
    if (a->reason_len) {
        while (mock_word(a, a->reason, a->reason_len, &pos, &w)) {
            mock_br_delta(r, index, "{\"reasoningContent\":{\"text\":", w, "}}");
            mock_mark(r);
        }
        w.p = mock_signature;
        w.n = strlen(mock_signature);
        mock_br_delta(r, index, "{\"reasoningContent\":{\"signature\":", w, "}}");
        mock_br_stop(r, index++);
    }
    if (a->tool) mock_br_tool(r, a, -1, index);
    else {
        pos = 0;
        while (mock_word(a, a->text, a->text_len, &pos, &w)) {
            mock_br_delta(r, index, "{\"text\":", w, "}");
            mock_mark(r);
        }
        mock_br_stop(r, index);
    }
    mock_br_stream_tail(r, a, a->tool);
}

/* >>errors ================================================================================== */

/* What each provider says for a status: message, OpenAI type/code, Anthropic type, Google
   status, Bedrock exception (its x-amzn-ErrorType). Class rows (status 4 / 5) cover the rest.
   The types follow wire_formats.md's error tables: Anthropic 400 invalid_request_error ... 529
   overloaded_error, Google 400 INVALID_ARGUMENT ... 504 DEADLINE_EXCEEDED, OpenAI 429
   rate_limit_exceeded (type "requests", as recorded); Bedrock's from its API reference. */
typedef struct mock_errinfo {
    int status;
    const char *message, *oa_type, *oa_code, *an_type, *g_status, *br_type;
} mock_errinfo;

static const mock_errinfo mock_errors[] = {
    { 400, "Invalid request (simulated by ailib-mock).", "invalid_request_error", "invalid_request", "invalid_request_error", "INVALID_ARGUMENT", "ValidationException" },
    { 401, "Incorrect API key provided (simulated by ailib-mock).", "invalid_request_error", "invalid_api_key", "authentication_error", "UNAUTHENTICATED", "UnrecognizedClientException" },
    { 402, "Insufficient credit balance (simulated by ailib-mock).", "insufficient_quota", "insufficient_quota", "billing_error", "FAILED_PRECONDITION", "AccessDeniedException" },
    { 403, "Permission denied (simulated by ailib-mock).", "invalid_request_error", "permission_denied", "permission_error", "PERMISSION_DENIED", "AccessDeniedException" },
    { 404, "The model does not exist or you do not have access to it (simulated by ailib-mock).", "invalid_request_error", "model_not_found", "not_found_error", "NOT_FOUND", "ResourceNotFoundException" },
    { 408, "Request timed out (simulated by ailib-mock).", "timeout_error", "timeout", "timeout_error", "DEADLINE_EXCEEDED", "ModelTimeoutException" },
    { 409, "Conflict (simulated by ailib-mock).", "invalid_request_error", "conflict", "conflict_error", "ABORTED", "ConflictException" },
    { 413, "Request too large (simulated by ailib-mock).", "invalid_request_error", "request_too_large", "request_too_large", "INVALID_ARGUMENT", "ValidationException" },
    { 422, "Unprocessable request (simulated by ailib-mock).", "invalid_request_error", "unprocessable_entity", "invalid_request_error", "INVALID_ARGUMENT", "ValidationException" },
    { 429, "Rate limit reached for requests (simulated by ailib-mock).", "requests", "rate_limit_exceeded", "rate_limit_error", "RESOURCE_EXHAUSTED", "ThrottlingException" },
    { 500, "The server had an error while processing your request (simulated by ailib-mock).", "server_error", "server_error", "api_error", "INTERNAL", "InternalServerException" },
    { 502, "Bad gateway (simulated by ailib-mock).", "server_error", "bad_gateway", "api_error", "UNAVAILABLE", "InternalServerException" },
    { 503, "The model is overloaded. Please try again later (simulated by ailib-mock).", "server_error", "service_unavailable", "api_error", "UNAVAILABLE", "ServiceUnavailableException" },
    { 504, "Gateway timeout (simulated by ailib-mock).", "server_error", "timeout", "timeout_error", "DEADLINE_EXCEEDED", "ModelTimeoutException" },
    { 529, "Overloaded", "server_error", "overloaded", "overloaded_error", "UNAVAILABLE", "ServiceUnavailableException" },
    { 4, "Request failed (simulated by ailib-mock).", "invalid_request_error", "invalid_request", "invalid_request_error", "FAILED_PRECONDITION", "ValidationException" },
    { 5, "Internal error (simulated by ailib-mock).", "server_error", "server_error", "api_error", "INTERNAL", "InternalServerException" }
};

static const mock_errinfo *mock_errinfo_for(int status) {
    size_t i, n = sizeof mock_errors / sizeof mock_errors[0];
    for (i = 0; i < n; i++)
        if (mock_errors[i].status == status) return &mock_errors[i];
    return &mock_errors[status < 500 ? n - 2 : n - 1];
}

/* Gemini has no Retry-After header: the delay travels in a RetryInfo detail (retry_delay=
   verbatim, else from retry_after / retry_after_ms, else 1s). */
static void mock_gm_retry_delay(mock_buf *b, const mock_spec *f) {
    mock_buf t = { NULL, 0, 0, 0 };
    if (f->retry_delay) mock_puts(&t, f->retry_delay);
    else if (f->retry_after) { mock_puts(&t, f->retry_after); mock_putc(&t, 's'); }
    else if (f->retry_after_ms) mock_putf(&t, "%.3fs", strtod(f->retry_after_ms, NULL) / 1000.0);
    else mock_puts(&t, "1s");
    mock_putj(b, t.p ? t.p : "", t.len);
    mock_buf_free(&t);
}

static void mock_gm_error(mock_buf *b, int status, const char *msg, const char *gstatus, const mock_spec *f) {
    mock_puts(b, "{\"error\":{\"code\":");
    mock_putu(b, (unsigned long long)status);
    mock_puts(b, ",\"message\":");
    mock_putjs(b, msg);
    mock_puts(b, ",\"status\":\"");
    mock_puts(b, gstatus);
    mock_putc(b, '"');
    if (status == 429 || f->retry_delay) {
        mock_puts(b, ",\"details\":[");
        if (status == 429)
            mock_puts(b, "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":"
                         "[{\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"}]},");
        mock_puts(b, "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":");
        mock_gm_retry_delay(b, f);
        mock_puts(b, "}]");
    }
    mock_puts(b, "}}");
}

/* An error body in the protocol's native shape; msg NULL means the status's usual text. */
static void mock_error_body(mock_buf *b, int proto, int status, const char *msg, const mock_spec *f, unsigned long long seq) {
    const mock_errinfo *e = mock_errinfo_for(status);
    const char *oa_code = msg && status == 404 ? "not_found" : e->oa_code;   /* the mock's own 404s are not about models */
    if (!msg) msg = e->message;
    switch (proto) {
    case MOCK_P_ANTHROPIC:
        mock_puts(b, "{\"type\":\"error\",\"error\":{\"type\":\"");
        mock_puts(b, e->an_type);
        mock_puts(b, "\",\"message\":");
        mock_putjs(b, msg);
        mock_puts(b, "},\"request_id\":");
        mock_putf(b, "\"req_mock%012llu\"}", seq);
        break;
    case MOCK_P_GEMINI: mock_gm_error(b, status, msg, e->g_status, f); break;
    case MOCK_P_OLLAMA: mock_puts(b, "{\"error\":"); mock_putjs(b, msg); mock_putc(b, '}'); break;
    case MOCK_P_COHERE:
        mock_putf(b, "{\"id\":\"00000000-0000-4000-8000-%012llu\",\"message\":", seq % 1000000000000ULL);
        mock_putjs(b, msg);
        mock_putc(b, '}');
        break;
    case MOCK_P_BEDROCK: mock_puts(b, "{\"message\":"); mock_putjs(b, msg); mock_putc(b, '}'); break;
    default:
        mock_puts(b, "{\"error\":{\"message\":");
        mock_putjs(b, msg);
        mock_puts(b, ",\"type\":\"");
        mock_puts(b, e->oa_type);
        mock_puts(b, "\",\"param\":null,\"code\":\"");
        mock_puts(b, oa_code);
        mock_puts(b, "\"}}");
    }
}

/* Bedrock names the exception in a header; the body has only the message. */
static void mock_br_error_type(mock_resp *r, int status) {
    mock_buf t = { NULL, 0, 0, 0 };
    mock_puts(&t, mock_errinfo_for(status)->br_type);
    mock_puts(&t, ":http://internal.amazon.com/coral/com.amazon.bedrock/");
    mock_header(r, "x-amzn-ErrorType", t.p ? t.p : "");
    mock_buf_free(&t);
}

static void mock_error_reply(mock_conn *c, int proto, int status, const char *msg, const mock_spec *f) {
    mock_resp *r = &c->resp;
    r->status = status;
    r->ctype = "application/json";
    mock_buf_clear(&r->body);
    r->nends = 0;
    r->stream = 0;
    mock_error_body(&r->body, proto, status, msg, f, c->seq);
    if (proto == MOCK_P_BEDROCK) mock_br_error_type(r, status);
}

/* The in-stream error of each protocol, after which the stream ends without its normal
   terminator ([DONE], message_stop, done:true, ...). */
static void mock_instream_piece(mock_resp *r, int proto, int style, const mock_answer *a) {
    mock_buf *b = &r->body;
    if (proto == MOCK_P_OLLAMA) {
        mock_puts(b, "{\"error\":\"an error was encountered while running the model (simulated by ailib-mock)\"}\n");
        mock_piece(r);
        return;
    }
    if (proto == MOCK_P_COHERE) { mock_co_message_end(r, a, "ERROR"); return; }
    if (proto == MOCK_P_BEDROCK) {
        size_t start = b->len;
        mock_puts(b, "{\"message\":\"The model stream had an error (simulated by ailib-mock). Retry your request.\"}");
        mock_br_frame(r, start, "exception", "modelStreamErrorException");
        return;
    }
    if (proto == MOCK_P_RESPONSES) {
        /* the recorded shape: an error event, then response.failed */
        mock_rs_event(r, "error");
        mock_puts(b, ",\"error\":{\"type\":\"server_error\",\"code\":\"server_error\",\"message\":\"The server had an error while "
                     "processing your request.\",\"param\":null}");
        mock_rs_end(r);
        mock_rs_event(r, "response.failed");
        mock_puts(b, ",\"response\":");
        mock_rs_head(b, a, "failed");
        mock_puts(b, ",\"output\":[],\"usage\":null}");
        mock_rs_end(r);
        return;
    }
    if (proto == MOCK_P_ANTHROPIC) {
        mock_sse_begin(r, "error");
        mock_puts(b, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    } else if (proto == MOCK_P_GEMINI) {
        mock_sse_begin(r, NULL);
        mock_puts(b, "{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}");
    } else if (style == MOCK_IE_GROQ) {
        mock_sse_begin(r, "error");
        mock_puts(b, "{\"error\":{\"message\":\"Failed to call a function. Please adjust your prompt.\",\"type\":\"invalid_request_error\","
                     "\"code\":\"tool_use_failed\",\"failed_generation\":\"\",\"status_code\":400}}");
    } else if (style == MOCK_IE_OPENROUTER) {
        mock_oa_open(r, a);
        mock_puts(b, "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"error\",\"native_finish_reason\":\"error\"}],"
                     "\"error\":{\"code\":502,\"message\":\"Provider returned error\"}}");
        mock_sse_end(r);
        return;
    } else {
        mock_sse_begin(r, NULL);
        mock_puts(b, "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":\"server_error\"}}");
    }
    mock_sse_end(r);
}

/* Breaks a generated stream off after its second delta and appends the in-stream error. */
static void mock_instream_error(mock_resp *r, int proto, int style, const mock_answer *a) {
    size_t keep = r->marks ? r->cut : r->nends;
    if (a->gm_array) return;
    r->nends = keep;
    r->body.len = keep ? r->ends[keep - 1] : 0;
    r->seqno = keep;                         /* Responses: one event per piece */
    mock_instream_piece(r, proto, style, a);
}

/* >>embeddings ============================================================================== */

/* Newton's square root: the build links no libm. */
static double mock_sqrt(double x) {
    double r = x > 1 ? x : 1;
    int i;
    for (i = 0; i < 60; i++) r = 0.5 * (r + x / r);
    return r;
}

/* A deterministic unit vector from the input's bytes: the same text always embeds the same. */
static void mock_vector(const char *s, size_t n, long long dims, float *v) {
    unsigned long long h = 1469598103934665603ULL;
    double sum = 0, scale;
    long long i;
    size_t j;
    for (j = 0; j < n; j++) h = (h ^ (unsigned char)s[j]) * 1099511628211ULL;
    for (i = 0; i < dims; i++) {
        h ^= h >> 12; h ^= h << 25; h ^= h >> 27;
        v[i] = (float)((double)((h * 2685821657736338717ULL) >> 11) / 9007199254740992.0 * 2.0 - 1.0);
        sum += (double)v[i] * v[i];
    }
    scale = sum > 0 ? 1.0 / mock_sqrt(sum) : 1.0;
    for (i = 0; i < dims; i++) v[i] = (float)(v[i] * scale);
}

static void mock_put_floats(mock_buf *b, const float *v, long long dims) {
    long long i;
    mock_putc(b, '[');
    for (i = 0; i < dims; i++) mock_putf(b, i ? ",%.6f" : "%.6f", (double)v[i]);
    mock_putc(b, ']');
}

/* encoding_format "base64": little-endian float32 bytes, base64-encoded, as OpenAI sends. */
static void mock_put_base64_floats(mock_buf *b, const float *v, long long dims) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t total = (size_t)dims * 4, i;
    unsigned long t = 0;
    int k = 0;
    mock_putc(b, '"');
    for (i = 0; i < total; i++) {
        uint32_t bits;
        memcpy(&bits, &v[i / 4], 4);
        t = (t << 8) | ((bits >> (8 * (i % 4))) & 0xFF);
        if (++k == 3 || i + 1 == total) {
            char out[4];
            t <<= 8 * (3 - k);
            out[0] = tab[(t >> 18) & 63];
            out[1] = tab[(t >> 12) & 63];
            out[2] = k > 1 ? tab[(t >> 6) & 63] : '=';
            out[3] = k > 2 ? tab[t & 63] : '=';
            mock_put(b, out, 4);
            t = 0;
            k = 0;
        }
    }
    mock_putc(b, '"');
}

enum { MOCK_EP_NONE, MOCK_EP_INDEX, MOCK_EP_CHAT, MOCK_EP_GENERATE, MOCK_EP_EMBED, MOCK_EP_EMBED_BATCH,
       MOCK_EP_EMBED_LEGACY, MOCK_EP_MODELS, MOCK_EP_COUNT, MOCK_EP_VERSION };

/* What a path asks for: endpoint, protocol, the method it takes, Gemini's model and mode. */
typedef struct mock_route {
    int ep, proto, stream_path, gm_array;
    const char *method;
    mock_span model;
} mock_route;

/* Calls fn for each embedding input: the elements of input/texts/requests, or the whole body
   when the request has none (Gemini embedContent). An array of numbers is one token input. */
typedef struct mock_items { mock_span all; const char *cur; int single, done; } mock_items;

static void mock_items_init(mock_items *it, const mock_info *in, const char *body, size_t len) {
    mock_span first;
    const char *cur = NULL;
    memset(it, 0, sizeof *it);
    it->all = in->input;
    if (!in->input.p) { it->all.p = body; it->all.n = len; it->single = 1; return; }
    if (mock_json_next(in->input, &cur, &first) && (first.p[0] == '-' || (first.p[0] >= '0' && first.p[0] <= '9')))
        it->single = 1;
}

static int mock_items_next(mock_items *it, mock_span *item) {
    if (it->done) return 0;
    if (it->single) { *item = it->all; it->done = 1; return 1; }
    if (mock_json_next(it->all, &it->cur, item)) return 1;
    it->done = 1;
    return 0;
}

static void mock_embed_vectors(mock_buf *b, const mock_route *rt, const mock_info *in, mock_items *it, float *v, long long dims) {
    mock_span item;
    unsigned long long i = 0;
    while (mock_items_next(it, &item)) {
        mock_vector(item.p, item.n, dims, v);
        if (i) mock_putc(b, ',');
        if (rt->proto == MOCK_P_OPENAI) {
            mock_puts(b, "{\"object\":\"embedding\",\"index\":");
            mock_putu(b, i);
            mock_puts(b, ",\"embedding\":");
        } else if (rt->proto == MOCK_P_GEMINI) {
            mock_puts(b, "{\"values\":");
        }
        if (in->base64 && rt->proto == MOCK_P_OPENAI) mock_put_base64_floats(b, v, dims);
        else mock_put_floats(b, v, dims);
        if (rt->proto == MOCK_P_OPENAI || rt->proto == MOCK_P_GEMINI) mock_putc(b, '}');
        i++;
    }
}

static void mock_embed_texts(mock_buf *b, const mock_info *in) {
    const char *cur = NULL;
    mock_span item;
    int first = 1;
    mock_puts(b, ",\"texts\":[");
    while (in->input.p && mock_json_next(in->input, &cur, &item)) {
        mock_buf t = { NULL, 0, 0, 0 };
        if (item.n < 2 || item.p[0] != '"') continue;
        mock_json_decode(&t, item.p + 1, item.n - 2, MOCK_MAX_ECHO);
        if (!first) mock_putc(b, ',');
        first = 0;
        mock_putj(b, t.p ? t.p : "", t.len);
        mock_buf_free(&t);
    }
    mock_putc(b, ']');
}

static void mock_embed_shape(mock_conn *c, const mock_route *rt, const mock_info *in, float *v, long long dims) {
    mock_buf *b = &c->resp.body;
    mock_items it;
    unsigned long long tokens = c->req.body_len / 4 + 1;
    mock_items_init(&it, in, c->req.body, c->req.body_len);
    if (rt->ep == MOCK_EP_EMBED_LEGACY) { mock_puts(b, "{\"embedding\":"); it.single = 1; mock_embed_vectors(b, rt, in, &it, v, dims); mock_putc(b, '}'); return; }
    if (rt->proto == MOCK_P_GEMINI && rt->ep == MOCK_EP_EMBED) { mock_puts(b, "{\"embedding\":"); it.single = 1; }
    else if (rt->proto == MOCK_P_GEMINI) mock_puts(b, "{\"embeddings\":[");
    else if (rt->proto == MOCK_P_OLLAMA) { mock_puts(b, "{\"model\":"); mock_putj(b, c->misc.p, c->misc.len); mock_puts(b, ",\"embeddings\":["); }
    else if (rt->proto == MOCK_P_COHERE) { mock_puts(b, "{\"id\":\"00000000-0000-4000-8000-000000000000\",\"embeddings\":{\"float\":["); }
    else mock_puts(b, "{\"object\":\"list\",\"data\":[");
    mock_embed_vectors(b, rt, in, &it, v, dims);
    if (rt->proto == MOCK_P_GEMINI) { mock_puts(b, rt->ep == MOCK_EP_EMBED ? "}" : "]}"); return; }
    if (rt->proto == MOCK_P_OLLAMA) { mock_puts(b, "],\"total_duration\":1000000,\"load_duration\":100000,\"prompt_eval_count\":"); mock_putu(b, tokens); mock_putc(b, '}'); return; }
    if (rt->proto == MOCK_P_COHERE) {
        mock_puts(b, "]}");
        mock_embed_texts(b, in);
        mock_puts(b, ",\"meta\":{\"api_version\":{\"version\":\"2\"},\"billed_units\":{\"input_tokens\":");
        mock_putu(b, tokens);
        mock_puts(b, "}},\"response_type\":\"embeddings_by_type\"}");
        return;
    }
    mock_puts(b, "],\"model\":");
    mock_putj(b, c->misc.p, c->misc.len);
    mock_puts(b, ",\"usage\":{\"prompt_tokens\":");
    mock_putu(b, tokens);
    mock_puts(b, ",\"total_tokens\":");
    mock_putu(b, tokens);
    mock_puts(b, "}}");
}

static void mock_embed(mock_conn *c, const mock_route *rt) {
    mock_info in;
    long long dims;
    float *v;
    mock_analyze(c->req.body, c->req.body_len, &in);
    dims = in.dims > 0 && in.dims <= MOCK_MAX_DIMS ? in.dims : MOCK_DEFAULT_DIMS;
    mock_buf_clear(&c->misc);
    if (in.model.p) mock_json_decode(&c->misc, in.model.p, in.model.n, MOCK_MAX_NAME);
    else mock_puts(&c->misc, "mock-embed");
    v = (float *)malloc((size_t)dims * sizeof *v);
    if (!v) { c->resp.body.oom = 1; return; }
    mock_embed_shape(c, rt, &in, v, dims);
    free(v);
}

/* >>models and small endpoints ============================================================== */

static void mock_models(mock_resp *r, const mock_route *rt, int anthropic) {
    mock_buf *b = &r->body;
    if (rt->proto == MOCK_P_OLLAMA) {
        mock_puts(b, "{\"models\":[{\"name\":\"mock-model:latest\",\"model\":\"mock-model:latest\",\"modified_at\":\"2025-01-01T00:00:00Z\","
                     "\"size\":3825819519,\"digest\":\"0000000000000000000000000000000000000000000000000000000000000000\","
                     "\"details\":{\"format\":\"gguf\",\"family\":\"llama\",\"families\":null,\"parameter_size\":\"8B\",\"quantization_level\":\"Q4_0\"}}]}");
    } else if (rt->proto == MOCK_P_GEMINI) {
        mock_puts(b, "{\"models\":[{\"name\":\"models/mock-model\",\"version\":\"001\",\"displayName\":\"Mock Model\","
                     "\"description\":\"ailib-mock chat model\",\"inputTokenLimit\":1048576,\"outputTokenLimit\":65536,"
                     "\"supportedGenerationMethods\":[\"generateContent\",\"countTokens\"]},"
                     "{\"name\":\"models/mock-embed\",\"version\":\"001\",\"displayName\":\"Mock Embedding\","
                     "\"description\":\"ailib-mock embedding model\",\"inputTokenLimit\":2048,\"outputTokenLimit\":1,"
                     "\"supportedGenerationMethods\":[\"embedContent\"]}]}");
    } else if (anthropic) {
        mock_puts(b, "{\"data\":[{\"type\":\"model\",\"id\":\"claude-mock\",\"display_name\":\"Claude Mock\",\"created_at\":\"2025-01-01T00:00:00Z\"}],"
                     "\"has_more\":false,\"first_id\":\"claude-mock\",\"last_id\":\"claude-mock\"}");
    } else {
        mock_puts(b, "{\"object\":\"list\",\"data\":[{\"id\":\"mock-model\",\"object\":\"model\",\"created\":1735689600,\"owned_by\":\"ailib-mock\"},"
                     "{\"id\":\"mock-embed\",\"object\":\"model\",\"created\":1735689600,\"owned_by\":\"ailib-mock\"}]}");
    }
}

static void mock_count_tokens(mock_conn *c, const mock_route *rt) {
    mock_buf *b = &c->resp.body;
    unsigned long long n = c->req.body_len / 4 + 1;
    if (rt->proto == MOCK_P_GEMINI) {
        mock_puts(b, "{\"totalTokens\":");
        mock_putu(b, n);
        mock_puts(b, ",\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":");
        mock_putu(b, n);
        mock_puts(b, "}]}");
    } else {
        mock_puts(b, "{\"input_tokens\":");
        mock_putu(b, n);
        mock_putc(b, '}');
    }
}

static const char mock_index_text[] =
    "ailib-mock: a local fake LLM provider.\n"
    "POST /v1/chat/completions  /v1/messages  /v1beta/models/M:generateContent  /api/chat  /v2/chat\n"
    "Faults and scenarios: /x/<key=value,...>/<path>. Stats: /_mock/stats. Run ailib-mock --help.\n";

/* >>structured output ======================================================================= */

/* Members of raw JSON objects, for the few request paths that steer a reply. */

/* A member's raw value (a string keeps its quotes); 0 when obj is not an object or lacks it. */
static int mock_get(mock_span obj, const char *key, mock_span *v) {
    int is_str;
    if (!obj.p || !mock_json_member(obj.p, obj.n, key, v, &is_str)) return 0;
    if (is_str) { v->p--; v->n += 2; }
    return 1;
}

/* The contents of a raw JSON string (escapes intact); 0 when v is not a string. */
static int mock_str(mock_span v, mock_span *s) {
    if (!v.p || v.n < 2 || v.p[0] != '"') return 0;
    s->p = v.p + 1;
    s->n = v.n - 2;
    return 1;
}

static int mock_get_str(mock_span obj, const char *key, mock_span *s) {
    mock_span v;
    return mock_get(obj, key, &v) && mock_str(v, s);
}

/* A string member equal to lit, ASCII case-insensitively (Gemini writes "OBJECT", "ANY"). */
static int mock_get_is(mock_span obj, const char *key, const char *lit) {
    mock_span s;
    return mock_get_str(obj, key, &s) && mock_ieq(s.p, s.n, lit);
}

/* The first of two spellings (camelCase, snake_case) a member goes by. */
static int mock_get2(mock_span obj, const char *key, const char *alt, mock_span *v) {
    return mock_get(obj, key, v) || mock_get(obj, alt, v);
}

/* Iterates the members of a raw JSON object: key contents (escapes intact), raw value.
   *cur starts NULL. */
static int mock_json_pair(mock_span obj, const char **cur, mock_span *key, mock_span *val) {
    const char *e = obj.p + obj.n, *p = *cur, *q;
    if (!obj.p) return 0;
    if (!p) {
        p = mock_ws(obj.p, e);
        if (p >= e || *p != '{') return 0;
        p++;
    }
    p = mock_ws(p, e);
    if (p < e && *p == ',') p = mock_ws(p + 1, e);
    if (p >= e || *p != '"' || (q = mock_str_end(p + 1, e)) == NULL) return 0;
    key->p = p + 1;
    key->n = (size_t)(q - p - 1);
    p = mock_ws(q + 1, e);
    if (p >= e || *p != ':') return 0;
    p = mock_ws(p + 1, e);
    if ((q = mock_json_skip(p, e)) == NULL) return 0;
    val->p = p;
    val->n = (size_t)(q - p);
    *cur = q;
    return 1;
}

/* A member found by a key given as raw string contents. */
static int mock_get_span(mock_span obj, mock_span key, mock_span *v) {
    const char *cur = NULL;
    mock_span k;
    while (mock_json_pair(obj, &cur, &k, v))
        if (k.n == key.n && !memcmp(k.p, key.p, k.n)) return 1;
    return 0;
}

static int mock_span_eq(mock_span a, mock_span b) { return a.n == b.n && (!a.n || !memcmp(a.p, b.p, a.n)); }

/* A number member (JSON number text, whole); 0 when absent or not a number. */
static int mock_get_num(mock_span obj, const char *key, double *out) {
    mock_span v;
    char t[64], *end;
    if (!mock_get(obj, key, &v) || !v.n || v.n >= sizeof t) return 0;
    memcpy(t, v.p, v.n);
    t[v.n] = 0;
    *out = strtod(t, &end);
    return end == t + v.n && *out > -1e15 && *out < 1e15;
}

static long long mock_floor(double x) {
    long long v = (long long)x;
    return (double)v > x ? v - 1 : v;
}

static long long mock_ceil(double x) { return -mock_floor(-x); }

/* Generating a value from a schema: deterministic, and valid for the schemas clients send
   (see DEFAULT REPLY in --help for the rules). */
typedef struct mock_gen {
    mock_buf *b;
    mock_span root;                          /* for $ref */
    const char *echo; size_t echo_len;       /* the "answer" of an object without properties */
    size_t start;
    long nodes;
} mock_gen;

static void mock_gen_value(mock_gen *g, mock_span s, int depth);

/* "#", "#/$defs/X" or "#/definitions/X" in the root schema. */
static int mock_gen_ref(const mock_gen *g, mock_span ref, mock_span *out) {
    static const char *const prefix[] = { "#/$defs/", "#/definitions/" };
    static const char *const key[] = { "$defs", "definitions" };
    int i;
    if (mock_is(ref, "#")) { *out = g->root; return 1; }
    for (i = 0; i < 2; i++) {
        size_t k = strlen(prefix[i]);
        mock_span defs, name;
        if (ref.n <= k || memcmp(ref.p, prefix[i], k) || !mock_get(g->root, key[i], &defs)) continue;
        name.p = ref.p + k;
        name.n = ref.n - k;
        if (mock_get_span(defs, name, out)) return 1;
    }
    return 0;
}

/* Follows $ref links (a bounded number of them). */
static mock_span mock_gen_deref(const mock_gen *g, mock_span s) {
    mock_span ref, t;
    int k;
    for (k = 0; k < MOCK_SCHEMA_DEPTH && mock_get_str(s, "$ref", &ref) && mock_gen_ref(g, ref, &t); k++) s = t;
    return s;
}

/* The schema's type, lower-cased: a string, or the first non-"null" entry of an array
   ("null" when that is all there is); 0 without a type. */
static int mock_gen_type(mock_span s, char *t, size_t cap) {
    mock_span v, item, str;
    const char *cur = NULL;
    int any = 0;
    size_t i;
    if (!mock_get(s, "type", &v)) return 0;
    while (mock_json_next(v, &cur, &item)) {
        if (!mock_str(item, &str)) continue;
        any = 1;
        if (mock_ieq(str.p, str.n, "null") || str.n >= cap) continue;
        for (i = 0; i < str.n; i++) t[i] = mock_lower(str.p[i]);
        t[str.n] = 0;
        return 1;
    }
    if (any) snprintf(t, cap, "null");
    return any;
}

static void mock_gen_string(mock_gen *g, mock_span s) {
    double lo, hi;
    size_t want = 7, i;
    if (mock_get_num(s, "minLength", &lo) && lo > 7) want = lo > 65536 ? 65536 : (size_t)lo;
    if (mock_get_num(s, "maxLength", &hi) && hi >= 0 && hi < (double)want) want = (size_t)hi;
    mock_putc(g->b, '"');
    mock_put(g->b, "example", want < 7 ? want : 7);
    for (i = 7; i < want; i++) mock_putc(g->b, 'x');
    mock_putc(g->b, '"');
}

/* minimum (draft-4 boolean exclusiveMinimum: minimum+1), exclusiveMinimum+1, else the
   default kept under maximum / exclusiveMaximum. */
static void mock_gen_number(mock_gen *g, mock_span s, int integer) {
    mock_span raw;
    double x, d = integer ? 42 : 3.5;
    int excl = mock_get(s, "exclusiveMinimum", &raw) && mock_is(raw, "true");
    if (mock_get_num(s, "minimum", &x)) {
        if (!excl && !integer && mock_get(s, "minimum", &raw)) { mock_putsp(g->b, raw); return; }
        d = excl ? (integer ? (double)mock_floor(x) + 1 : x + 1) : (double)mock_ceil(x);
    } else if (mock_get_num(s, "exclusiveMinimum", &x)) {
        d = integer ? (double)mock_floor(x) + 1 : x + 1;
    } else if (mock_get_num(s, "maximum", &x) && x < d) {
        if (!integer && mock_get(s, "maximum", &raw)) { mock_putsp(g->b, raw); return; }
        d = (double)mock_floor(x);
    } else if (mock_get_num(s, "exclusiveMaximum", &x) && x <= d) {
        d = integer ? (double)mock_ceil(x) - 1 : x - 1;
    }
    if (integer) mock_putf(g->b, "%lld", (long long)d);
    else mock_putf(g->b, "%.15g", d);
}

static void mock_gen_array(mock_gen *g, mock_span s, int depth) {
    mock_span items = { NULL, 0 }, v;
    const char *cur = NULL;
    double lo, hi;
    long n = 1, i;
    if (mock_get_num(s, "minItems", &lo) && lo > 1) n = lo > 64 ? 64 : (long)lo;
    if (mock_get_num(s, "maxItems", &hi) && hi >= 0 && hi < (double)n) n = (long)hi;
    if (mock_get(s, "items", &v)) {
        if (*v.p == '[') { if (!mock_json_next(v, &cur, &items)) items.p = NULL; }   /* draft-4 tuple */
        else items = v;
    }
    mock_putc(g->b, '[');
    for (i = 0; i < n; i++) {
        if (i) mock_putc(g->b, ',');
        mock_gen_value(g, items, depth + 1);
    }
    mock_putc(g->b, ']');
}

#define MOCK_GEN_SOURCES 16

/* Every property in order, its own and (allOf) its branches', each name once. Without any,
   {"answer":"<echo>"} (or {} under additionalProperties: false). */
static void mock_gen_object(mock_gen *g, mock_span s, int depth) {
    mock_span src[MOCK_GEN_SOURCES], all, branch, v, k;
    const char *cur = NULL, *pc;
    int n = 0, i, j, first = 1;
    if (mock_get(s, "properties", &v)) src[n++] = v;
    if (mock_get(s, "allOf", &all))
        while (n < MOCK_GEN_SOURCES && mock_json_next(all, &cur, &branch))
            if (mock_get(mock_gen_deref(g, branch), "properties", &v)) src[n++] = v;
    mock_putc(g->b, '{');
    for (i = 0; i < n; i++) {
        for (pc = NULL; mock_json_pair(src[i], &pc, &k, &v);) {
            mock_span seen;
            for (j = 0; j < i && !mock_get_span(src[j], k, &seen); j++) {}
            if (j < i) continue;
            if (!first) mock_putc(g->b, ',');
            first = 0;
            mock_putc(g->b, '"');
            mock_putsp(g->b, k);
            mock_puts(g->b, "\":");
            mock_gen_value(g, v, depth + 1);
        }
    }
    if (first && !(mock_get(s, "additionalProperties", &v) && mock_is(v, "false"))) {
        mock_puts(g->b, "\"answer\":");
        mock_putj(g->b, g->echo, g->echo_len);
    }
    mock_putc(g->b, '}');
}

static void mock_gen_value(mock_gen *g, mock_span s, int depth) {
    mock_span v, item, ref;
    const char *cur = NULL;
    char type[16];
    if (depth > MOCK_SCHEMA_DEPTH || ++g->nodes > MOCK_GEN_NODES || g->b->len - g->start > MOCK_GEN_BYTES) {
        mock_puts(g->b, "null");
        return;
    }
    if (mock_get_str(s, "$ref", &ref)) {
        if (mock_gen_ref(g, ref, &v)) mock_gen_value(g, v, depth + 1);
        else mock_puts(g->b, "null");
        return;
    }
    if (mock_get(s, "const", &v)) { mock_putsp(g->b, v); return; }
    if (mock_get(s, "enum", &v) && mock_json_next(v, &cur, &item)) { mock_putsp(g->b, item); return; }
    if (mock_get(s, "anyOf", &v) || mock_get(s, "oneOf", &v)) {
        for (cur = NULL; mock_json_next(v, &cur, &item);)
            if (!mock_get_is(item, "type", "null")) { mock_gen_value(g, item, depth + 1); return; }
        mock_puts(g->b, "null");
        return;
    }
    if (mock_get(s, "allOf", &v) && !mock_get(s, "properties", &item)) {
        int props = 0;
        for (cur = NULL; !props && mock_json_next(v, &cur, &item);) props = mock_get(mock_gen_deref(g, item), "properties", &ref);
        cur = NULL;
        if (!props && mock_json_next(v, &cur, &item)) { mock_gen_value(g, item, depth + 1); return; }
        mock_gen_object(g, s, depth);
        return;
    }
    if (!mock_gen_type(s, type, sizeof type))
        snprintf(type, sizeof type, "%s", !mock_get(s, "properties", &v) && mock_get(s, "items", &v) ? "array" : "object");
    if (!strcmp(type, "string")) mock_gen_string(g, s);
    else if (!strcmp(type, "integer")) mock_gen_number(g, s, 1);
    else if (!strcmp(type, "number")) mock_gen_number(g, s, 0);
    else if (!strcmp(type, "boolean")) mock_puts(g->b, "true");
    else if (!strcmp(type, "null")) mock_puts(g->b, "null");
    else if (!strcmp(type, "array")) mock_gen_array(g, s, depth);
    else mock_gen_object(g, s, depth);
}

/* What a chat request asks for: a JSON text (from a schema, or the generic object) or a
   forced call of one tool with arguments from that tool's schema. */
enum { MOCK_SO_NONE, MOCK_SO_TEXT, MOCK_SO_TOOL };

typedef struct mock_so {
    int kind;
    mock_span schema;       /* raw root schema (in the body or the decoded system text), or none */
    mock_span tool;         /* forced tool name, string contents */
} mock_so;

/* OpenAI chat {"type":"json_schema","json_schema":{"schema":..}} or {"type":"json_object"};
   Cohere v2 {"type":"json_object","json_schema":{..the schema..}}. */
static int mock_so_response_format(mock_span body, mock_span *schema) {
    mock_span rf, js;
    if (!mock_get(body, "response_format", &rf)) return 0;
    if (mock_get_is(rf, "type", "json_schema")) {
        if (mock_get(rf, "json_schema", &js) && mock_get(js, "schema", schema)) return 1;
        mock_get(rf, "schema", schema);
        return 1;
    }
    if (!mock_get_is(rf, "type", "json_object")) return 0;
    if (mock_get(rf, "json_schema", &js) && !mock_get(js, "schema", schema)) *schema = js;
    return 1;
}

/* Responses API text.format {"type":"json_schema","schema":..} or {"type":"json_object"}. */
static int mock_so_responses(mock_span body, mock_span *schema) {
    mock_span t, fmt;
    if (!mock_get(body, "text", &t) || !mock_get(t, "format", &fmt)) return 0;
    if (mock_get_is(fmt, "type", "json_schema")) { mock_get(fmt, "schema", schema); return 1; }
    return mock_get_is(fmt, "type", "json_object");
}

/* Anthropic output_config.format (and the older beta output_format). */
static int mock_so_anthropic(mock_span body, mock_span *schema) {
    mock_span oc, fmt;
    if (!(mock_get(body, "output_config", &oc) && mock_get(oc, "format", &fmt)) && !mock_get(body, "output_format", &fmt)) return 0;
    if (!mock_get_is(fmt, "type", "json_schema")) return 0;
    mock_get(fmt, "schema", schema);
    return 1;
}

/* Gemini generationConfig: responseJsonSchema, responseSchema, or the JSON MIME type alone. */
static int mock_so_gemini(mock_span body, mock_span *schema) {
    mock_span gc, mime;
    if (!mock_get2(body, "generationConfig", "generation_config", &gc)) return 0;
    if (mock_get2(gc, "responseJsonSchema", "response_json_schema", schema)) return 1;
    if (mock_get2(gc, "responseSchema", "response_schema", schema)) return 1;
    return mock_get2(gc, "responseMimeType", "response_mime_type", &mime) && mock_is(mime, "\"application/json\"");
}

/* Ollama "format": "json" or a schema object. */
static int mock_so_ollama(mock_span body, mock_span *schema) {
    mock_span fmt;
    if (!mock_get(body, "format", &fmt)) return 0;
    if (*fmt.p == '{') { *schema = fmt; return 1; }
    return mock_is(fmt, "\"json\"");
}

/* The tool a request forces: OpenAI {"type":"function","function":{"name":X}} (or a flat
   "name"), Anthropic {"type":"tool","name":X}, Gemini functionCallingConfig mode ANY with
   allowedFunctionNames [X, ...], Cohere "REQUIRED" with a single tool. */
static int mock_so_forced(mock_span body, int proto, mock_span *name) {
    mock_span tc, fc, names, first;
    const char *cur = NULL;
    if (proto == MOCK_P_GEMINI) {
        if (!mock_get2(body, "toolConfig", "tool_config", &tc) || !mock_get2(tc, "functionCallingConfig", "function_calling_config", &fc)
            || !mock_get_is(fc, "mode", "any") || !mock_get2(fc, "allowedFunctionNames", "allowed_function_names", &names))
            return 0;
        return mock_json_next(names, &cur, &first) && mock_str(first, name);
    }
    if (proto == MOCK_P_BEDROCK) {
        mock_span tcfg;
        return mock_get(body, "toolConfig", &tcfg) && mock_get(tcfg, "toolChoice", &tc) && mock_get(tc, "tool", &fc)
            && mock_get_str(fc, "name", name);
    }
    if (!mock_get(body, "tool_choice", &tc)) return 0;
    if (proto == MOCK_P_COHERE && mock_str(tc, &first) && first.n == 8 && !memcmp(first.p, "REQUIRED", 8)) {
        /* Cohere v2 has no named choice: REQUIRED with one tool forces that tool */
        mock_span tools, t, extra;
        if (!mock_get(body, "tools", &tools) || !mock_json_next(tools, &cur, &t) || mock_json_next(tools, &cur, &extra)) return 0;
        return mock_get(t, "function", &fc) && mock_get_str(fc, "name", name);
    }
    if (proto == MOCK_P_ANTHROPIC) return mock_get_is(tc, "type", "tool") && mock_get_str(tc, "name", name);
    if (!mock_get_is(tc, "type", "function")) return 0;
    return (mock_get(tc, "function", &fc) && mock_get_str(fc, "name", name)) || mock_get_str(tc, "name", name);
}

/* One tool declaration named name: its parameters / input_schema / parametersJsonSchema /
   Bedrock inputSchema.json. */
static int mock_so_decl(mock_span t, mock_span name, mock_span *schema) {
    mock_span n, is;
    if (!mock_get_str(t, "name", &n) || !mock_span_eq(n, name)) return 0;
    if (!mock_get(t, "parameters", schema) && !mock_get(t, "input_schema", schema)
        && !mock_get2(t, "parametersJsonSchema", "parameters_json_schema", schema)
        && !(mock_get(t, "inputSchema", &is) && mock_get(is, "json", schema)))
        schema->p = NULL;
    return 1;
}

/* The schema of the forced tool among "tools": OpenAI/Ollama/Cohere {"function":{..}},
   Anthropic flat, Gemini functionDeclarations. */
static void mock_so_tool_schema(mock_span body, mock_span name, mock_span *schema) {
    mock_span tools, t, fn, decls, d, tcfg;
    const char *cur = NULL, *dc;
    schema->p = NULL;
    if (!mock_get(body, "tools", &tools) && !(mock_get(body, "toolConfig", &tcfg) && mock_get(tcfg, "tools", &tools))) return;
    while (mock_json_next(tools, &cur, &t)) {
        if (mock_so_decl(t, name, schema)) return;
        if ((mock_get(t, "function", &fn) || mock_get(t, "toolSpec", &fn)) && mock_so_decl(fn, name, schema)) return;
        if (mock_get2(t, "functionDeclarations", "function_declarations", &decls))
            for (dc = NULL; mock_json_next(decls, &dc, &d);)
                if (mock_so_decl(d, name, schema)) return;
    }
}

/* Appends a text value decoded: a string, an array of strings or {"text":..} blocks, or an
   object with such "parts" (Gemini). Pieces are joined with newlines. */
static void mock_put_texts(mock_span v, mock_buf *out) {
    mock_span s, parts, item;
    const char *cur = NULL;
    if (mock_str(v, &s)) {
        if (out->len) mock_putc(out, '\n');
        mock_json_decode(out, s.p, s.n, s.n);
        return;
    }
    if (mock_get(v, "parts", &parts)) v = parts;
    if (*v.p != '[') return;
    while (mock_json_next(v, &cur, &item)) {
        if (mock_str(item, &s) || mock_get_str(item, "text", &s)) {
            if (out->len) mock_putc(out, '\n');
            mock_json_decode(out, s.p, s.n, s.n);
        }
    }
}

/* The system text of a request, decoded: system and developer messages, Anthropic's (and
   Ollama generate's) top-level system, Gemini's systemInstruction. */
static void mock_system_text(mock_span body, int proto, mock_buf *out) {
    mock_span v, msgs, m, content;
    const char *cur = NULL;
    if (proto == MOCK_P_GEMINI) {
        if (mock_get2(body, "systemInstruction", "system_instruction", &v)) mock_put_texts(v, out);
        return;
    }
    if (mock_get(body, "system", &v)) mock_put_texts(v, out);
    if (mock_get(body, "instructions", &v)) mock_put_texts(v, out);   /* Responses API */
    if (!mock_get(body, "messages", &msgs) && !(proto == MOCK_P_RESPONSES && mock_get(body, "input", &msgs))) return;
    while (mock_json_next(msgs, &cur, &m))
        if ((mock_get_is(m, "role", "system") || mock_get_is(m, "role", "developer")) && mock_get(m, "content", &content))
            mock_put_texts(content, out);
}

static const char mock_schema_marker[] = "validate against this JSON Schema:\n";

/* The prompt route: a schema after the marker in the system text (kept decoded in sys), or
   just "Answer with a single JSON". 2 with a schema, 1 for the generic object, else 0. */
static int mock_so_prompt(mock_span body, int proto, mock_buf *sys, mock_span *schema) {
    const char *m, *p, *e;
    mock_system_text(body, proto, sys);
    if (!sys->len || sys->oom) return 0;
    m = mock_find(sys->p, sys->len, mock_schema_marker);
    if (m) {
        e = sys->p + sys->len;
        p = mock_ws(m + sizeof mock_schema_marker - 1, e);
        if (p < e && *p == '{' && (e = mock_json_skip(p, e)) != NULL) {
            schema->p = p;
            schema->n = (size_t)(e - p);
            return 2;
        }
        return 1;
    }
    return mock_find(sys->p, sys->len, "Answer with a single JSON") ? 1 : 0;
}

/* Settles the structured-output route of a chat request. A native schema beats a prompt
   schema, which beats a native JSON mode alone (the prompt route also sets that mode). A
   forced tool wins until the request carries a tool result; under bad_json, a tool result
   is the repair round of the tool route and the tool is called again. */
static void mock_so_detect(mock_conn *c, const mock_route *rt, const mock_spec *f, const mock_info *in, mock_so *so) {
    mock_span body, schema = { NULL, 0 }, pschema = { NULL, 0 };
    int native = 0, prompt;
    memset(so, 0, sizeof *so);
    if (!c->req.body || !c->req.body_len) return;
    body.p = c->req.body;
    body.n = c->req.body_len;
    switch (rt->proto) {
    case MOCK_P_ANTHROPIC: native = mock_so_anthropic(body, &schema); break;
    case MOCK_P_GEMINI: native = mock_so_gemini(body, &schema); break;
    case MOCK_P_OLLAMA: native = mock_so_ollama(body, &schema); break;
    case MOCK_P_RESPONSES: native = mock_so_responses(body, &schema); break;
    case MOCK_P_BEDROCK: native = 0; break;           /* Converse has no JSON mode */
    default: native = mock_so_response_format(body, &schema);
    }
    if ((!in->has_tool_result || f->bad_json) && mock_so_forced(body, rt->proto, &so->tool)) {
        so->kind = MOCK_SO_TOOL;
        mock_so_tool_schema(body, so->tool, &so->schema);
        return;
    }
    prompt = mock_so_prompt(body, rt->proto, &c->aux, &pschema);
    if (!native && !prompt) return;
    so->kind = MOCK_SO_TEXT;
    so->schema = schema.p ? schema : pschema;
}

/* The structured text (or tool arguments) into out; bad_json breaks it. */
static void mock_so_value(const mock_so *so, int bad, mock_span echo, mock_buf *out) {
    mock_gen g;
    mock_buf e = { NULL, 0, 0, 0 };
    if (bad == MOCK_BAD_SYNTAX) { mock_puts(out, "Sure! {\"answer\": "); return; }
    if (bad == MOCK_BAD_SCHEMA || (so->kind == MOCK_SO_TOOL && !so->schema.p)) { mock_puts(out, "{}"); return; }
    if (echo.p && echo.n) mock_json_decode(&e, echo.p, echo.n, MOCK_MAX_ECHO);
    else mock_puts(&e, "nothing");
    memset(&g, 0, sizeof g);
    g.b = out;
    g.root = so->schema;
    g.echo = e.p ? e.p : "";
    g.echo_len = e.len;
    g.start = out->len;
    mock_gen_value(&g, so->schema, 0);
    mock_buf_free(&e);
}

/* >>vision ================================================================================== */

static int mock_b64val(char ch) {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+' || ch == '-') return 62;
    if (ch == '/' || ch == '_') return 63;
    return -1;
}

/* Decoded size of base64 given as JSON string contents (\/ and whitespace allowed, either
   alphabet, padding optional), or -1 when invalid; the first bytes go to head. */
static long long mock_b64_size(const char *s, size_t n, unsigned char *head, size_t cap) {
    unsigned long acc = 0;
    long long out = 0;
    size_t i, q = 0, pad = 0;
    int bits = 0, v;
    for (i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 1 < n) {
            ch = s[++i];
            if (ch == 'n' || ch == 'r' || ch == 't') continue;
            if (ch != '/') return -1;
        }
        if (mock_is_space(ch)) continue;
        if (ch == '=') { pad++; continue; }
        if (pad || (v = mock_b64val(ch)) < 0) return -1;
        q++;
        acc = (acc << 6) | (unsigned long)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if ((unsigned long long)out < cap) head[out] = (unsigned char)(acc >> bits);
            out++;
            acc &= (1UL << bits) - 1;
        }
    }
    if (q % 4 == 1 || pad > 2 || (pad && (q + pad) % 4)) return -1;
    return out;
}

static const char *mock_sniff(const unsigned char *h, long long n) {
    if (n >= 4 && !memcmp(h, "\x89PNG", 4)) return "image/png";
    if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return "image/jpeg";
    if (n >= 4 && !memcmp(h, "GIF8", 4)) return "image/gif";
    if (n >= 12 && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WEBP", 4)) return "image/webp";
    return "image";
}

/* The images of one user turn, described: "image/png (67 bytes)" or the URL. */
typedef struct mock_seen { mock_buf list; unsigned long count; } mock_seen;

static void mock_see_next(mock_seen *v) {
    if (v->count++) mock_puts(&v->list, ", ");
}

static void mock_see_b64(mock_seen *v, mock_span mime, mock_span data) {
    unsigned char head[16];
    long long n = mock_b64_size(data.p, data.n, head, sizeof head);
    mock_see_next(v);
    if (mime.p && mime.n) mock_json_decode(&v->list, mime.p, mime.n, MOCK_MAX_NAME);
    else mock_puts(&v->list, n >= 0 ? mock_sniff(head, n) : "image");
    if (n < 0) { mock_puts(&v->list, " (invalid base64)"); return; }
    mock_puts(&v->list, " (");
    mock_putu(&v->list, (unsigned long long)n);
    mock_puts(&v->list, n == 1 ? " byte)" : " bytes)");
}

/* A URL, or a data: URL (its MIME type and decoded size). */
static void mock_see_url(mock_seen *v, mock_span url) {
    const char *comma, *semi;
    mock_span mime, data;
    size_t i;
    unsigned long long n = 0;
    if (url.n < 5 || memcmp(url.p, "data:", 5)) {
        mock_see_next(v);
        mock_json_decode(&v->list, url.p, url.n, MOCK_MAX_ECHO);
        return;
    }
    comma = (const char *)memchr(url.p, ',', url.n);
    mime.p = url.p + 5;
    mime.n = (size_t)((comma ? comma : url.p + url.n) - mime.p);
    semi = (const char *)memchr(mime.p, ';', mime.n);
    if (semi) mime.n = (size_t)(semi - mime.p);
    data.p = comma ? comma + 1 : url.p + url.n;
    data.n = (size_t)(url.p + url.n - data.p);
    if (!comma || mock_find(url.p, (size_t)(comma - url.p), ";base64")) {
        if (!comma) data.p = "!", data.n = 1;
        mock_see_b64(v, mime, data);
        return;
    }
    for (i = 0; i < data.n; i++, n++)
        if (data.p[i] == '%' && i + 2 < data.n) i += 2;
    mock_see_next(v);
    if (mime.n) mock_json_decode(&v->list, mime.p, mime.n, MOCK_MAX_NAME);
    else mock_puts(&v->list, "text/plain");
    mock_putf(&v->list, " (%llu %s)", n, n == 1 ? "byte" : "bytes");
}

/* One content part: OpenAI / Cohere image_url, Anthropic image, Gemini inlineData/fileData. */
static void mock_see_part(mock_seen *v, mock_span part) {
    mock_span u, t, src, mime = { NULL, 0 }, data;
    if (mock_get(part, "image_url", &u)) {
        if (mock_str(u, &t) || mock_get_str(u, "url", &t)) mock_see_url(v, t);
    } else if (mock_get_is(part, "type", "image") && mock_get(part, "source", &src)) {
        if (mock_get_str(src, "url", &t)) mock_see_url(v, t);
        else if (mock_get_str(src, "data", &data)) { mock_get_str(src, "media_type", &mime); mock_see_b64(v, mime, data); }
    } else if (mock_get2(part, "inlineData", "inline_data", &src) && mock_get_str(src, "data", &data)) {
        if (!mock_get_str(src, "mimeType", &mime)) mock_get_str(src, "mime_type", &mime);
        mock_see_b64(v, mime, data);
    } else if (mock_get(part, "image", &src) && mock_get(src, "source", &t) && mock_get_str(t, "bytes", &data)) {
        /* Bedrock {"image":{"format":"png","source":{"bytes":base64}}} */
        mock_span fmt;
        mock_buf m = { NULL, 0, 0, 0 };
        if (mock_get_str(src, "format", &fmt)) { mock_puts(&m, "image/"); mock_putsp(&m, fmt); mime.p = m.p; mime.n = m.len; }
        mock_see_b64(v, mime, data);
        mock_buf_free(&m);
    } else if (mock_get2(part, "fileData", "file_data", &src)
               && (mock_get_str(src, "fileUri", &t) || mock_get_str(src, "file_uri", &t))) {
        mock_see_url(v, t);
    }
}

/* "I see 2 images: image/png (67 bytes), https://example.com/cat.jpg. " for the images of
   the last user turn (Ollama: its "images"; /api/generate: the top-level ones). */
static void mock_vision(const mock_conn *c, const mock_route *rt, mock_buf *out) {
    mock_span body, msgs, item, last = { NULL, 0 }, v, role, s;
    mock_seen seen;
    const char *cur = NULL;
    if (!c->req.body || !c->req.body_len) return;
    body.p = c->req.body;
    body.n = c->req.body_len;
    if (rt->ep == MOCK_EP_GENERATE) last = body;
    else if (mock_get(body, rt->proto == MOCK_P_GEMINI ? "contents" : rt->proto == MOCK_P_RESPONSES ? "input" : "messages", &msgs))
        while (mock_json_next(msgs, &cur, &item))
            if (mock_get_str(item, "role", &role) ? mock_is(role, "user") : rt->proto == MOCK_P_GEMINI) last = item;
    if (!last.p) return;
    memset(&seen, 0, sizeof seen);
    if (mock_get(last, "images", &v))
        for (cur = NULL; mock_json_next(v, &cur, &item);)
            if (mock_str(item, &s)) { mock_span none = { NULL, 0 }; mock_see_b64(&seen, none, s); }
    if (mock_get(last, "content", &v) || mock_get(last, "parts", &v))
        for (cur = NULL; *v.p == '[' && mock_json_next(v, &cur, &item);) mock_see_part(&seen, item);
    if (seen.count) {
        mock_puts(out, "I see ");
        mock_putu(out, seen.count);
        mock_puts(out, seen.count == 1 ? " image: " : " images: ");
        mock_put(out, seen.list.p, seen.list.len);
        mock_puts(out, ". ");
    }
    mock_buf_free(&seen.list);
}

/* >>chat ==================================================================================== */

static mock_span mock_echo_source(const mock_info *in) {
    if (in->user_text.p) return in->user_text;
    if (in->prompt.p) return in->prompt;
    return in->any_text;
}

/* The answer text: the tool's result when the request carries one (closing a tool loop),
   else a greeting that echoes the user, after what it sees in the user's images. */
static void mock_answer_text(mock_conn *c, const mock_route *rt, const mock_info *in, mock_span echo) {
    mock_buf *t = &c->text;
    if (in->has_tool_result) {
        mock_puts(t, "The tool said: ");
        if (in->tool_result_raw) mock_put(t, in->tool_result.p, in->tool_result.n < MOCK_MAX_ECHO ? in->tool_result.n : MOCK_MAX_ECHO);
        else mock_json_decode(t, in->tool_result.p, in->tool_result.n, MOCK_MAX_ECHO);
        return;
    }
    mock_vision(c, rt, t);
    mock_puts(t, "Hello from ailib-mock. You said: ");
    if (echo.p) mock_json_decode(t, echo.p, echo.n, MOCK_MAX_ECHO);
    if (!echo.p || !echo.n) mock_puts(t, "nothing");
}

static void mock_answer_reason(mock_conn *c, mock_span echo) {
    mock_buf *t = &c->reason;
    mock_puts(t, "Let me think about this. The user said: ");
    if (echo.p && echo.n) mock_json_decode(t, echo.p, echo.n, MOCK_MAX_ECHO);
    else mock_puts(t, "nothing");
    mock_puts(t, ". I will greet them and repeat it back.");
}

static void mock_stamp(char *out, size_t cap, time_t now) {
    struct tm tm;
    gmtime_r(&now, &tm);
    if (!strftime(out, cap, "%Y-%m-%dT%H:%M:%S.000000000Z", &tm)) out[0] = 0;
}

static void mock_answer_build(mock_conn *c, const mock_route *rt, const mock_spec *f, const mock_info *in, mock_answer *a) {
    mock_span echo = mock_echo_source(in);
    mock_so so;
    size_t name_len;
    int bad;
    memset(a, 0, sizeof *a);
    mock_buf_clear(&c->text);
    mock_buf_clear(&c->reason);
    mock_buf_clear(&c->misc);
    mock_buf_clear(&c->args);
    mock_buf_clear(&c->aux);
    a->seq = c->seq;
    a->created = (long long)time(NULL);
    mock_stamp(a->stamp, sizeof a->stamp, (time_t)a->created);
    mock_so_detect(c, rt, f, in, &so);
    bad = in->has_assistant ? MOCK_BAD_NONE : f->bad_json;
    a->tool = (f->scenario == MOCK_SCN_TOOL && !in->has_tool_result) || so.kind == MOCK_SO_TOOL;
    if (so.kind == MOCK_SO_TEXT && !a->tool) mock_so_value(&so, bad, echo, &c->text);
    else mock_answer_text(c, rt, in, echo);
    if (f->bad_utf8) {
        /* a byte that is never UTF-8 first: the writer escapes it, mock_bad_patch puts it back */
        mock_buf_clear(&c->aux);
        mock_putc(&c->aux, (char)0xFF);
        mock_put(&c->aux, c->text.p ? c->text.p : "", c->text.len);
        mock_buf_clear(&c->text);
        mock_put(&c->text, c->aux.p, c->aux.len);
    }
    if (f->scenario == MOCK_SCN_REASONING) mock_answer_reason(c, echo);
    if (so.kind == MOCK_SO_TOOL) mock_json_decode(&c->misc, so.tool.p, so.tool.n, MOCK_MAX_NAME);
    else if (in->tool_name.p) mock_json_decode(&c->misc, in->tool_name.p, in->tool_name.n, MOCK_MAX_NAME);
    if (!c->misc.len) mock_puts(&c->misc, "get_weather");
    name_len = c->misc.len;
    if (rt->model.n) mock_put(&c->misc, rt->model.p, rt->model.n < MOCK_MAX_NAME ? rt->model.n : MOCK_MAX_NAME);
    else if (in->model.p && in->model.n) mock_json_decode(&c->misc, in->model.p, in->model.n, MOCK_MAX_NAME);
    else mock_puts(&c->misc, "mock-model");
    a->name = c->misc.p;
    a->name_len = name_len;
    a->model = c->misc.p + name_len;
    a->model_len = c->misc.len - name_len;
    a->text = c->text.p;
    a->text_len = c->text.len;
    a->reason = c->reason.p ? c->reason.p : "";
    a->reason_len = c->reason.len;
    a->args = in->tool_city || !in->has_tools ? "{\"city\":\"Paris\"}" : "{}";
    if (so.kind == MOCK_SO_TOOL) {
        mock_so_value(&so, bad, echo, &c->args);
        a->args = c->args.p && !c->args.oom ? c->args.p : "{}";
    }
    a->args_obj = bad == MOCK_BAD_SYNTAX && so.kind == MOCK_SO_TOOL ? "{}" : a->args;
    a->in_tokens = c->req.body_len / 4 + 1;
    a->out_tokens = a->tool ? 12 : mock_count_words(a->text, a->text_len);
    a->reason_tokens = mock_count_words(a->reason, a->reason_len);
    a->include_usage = in->include_usage;
    /* the Responses tool scenario calls the first tool of a kind other than function in its own
       kind of item; scenario=server_tools runs a web search first, on a turn with no answer yet */
    if (a->tool && in->tool_kind.p) {
        if (mock_is(in->tool_kind, "custom")) a->action = MOCK_ACT_CUSTOM;
        else if (mock_is(in->tool_kind, "local_shell")) a->action = MOCK_ACT_LOCAL_SHELL;
        else if (mock_is(in->tool_kind, "apply_patch")) a->action = MOCK_ACT_APPLY_PATCH;
        else if (mock_is(in->tool_kind, "mcp")) a->action = MOCK_ACT_MCP;
    }
    a->server = f->scenario == MOCK_SCN_SERVER_TOOLS && !in->has_assistant && !in->has_tool_result && !a->tool;
    /* aux is free again here (bad_utf8 above is done with it): the decoded user text */
    mock_buf_clear(&c->aux);
    if (echo.p && echo.n) mock_json_decode(&c->aux, echo.p, echo.n, MOCK_MAX_NAME);
    else mock_puts(&c->aux, "nothing");
    a->query = c->aux.p ? c->aux.p : "";
    a->query_len = c->aux.len;
    a->gm_array = rt->gm_array;
    a->ol_generate = rt->ep == MOCK_EP_GENERATE;
}

static void mock_chat_body(mock_resp *r, int proto, int stream, const mock_answer *a) {
    if (stream && proto == MOCK_P_GEMINI && !a->gm_array) r->crlf = 1;
    switch (proto) {
    case MOCK_P_ANTHROPIC: if (stream) mock_an_stream(r, a); else mock_an_unary(r, a); break;
    case MOCK_P_GEMINI: if (stream) mock_gm_stream(r, a); else mock_gm_unary(r, a); break;
    case MOCK_P_OLLAMA: if (stream) mock_ol_stream(r, a); else mock_ol_unary(r, a); break;
    case MOCK_P_COHERE: if (stream) mock_co_stream(r, a); else mock_co_unary(r, a); break;
    case MOCK_P_RESPONSES: if (stream) mock_rs_stream(r, a); else mock_rs_unary(r, a); break;
    case MOCK_P_BEDROCK: if (stream) mock_br_stream(r, a); else mock_br_unary(r, a); break;
    default: if (stream) mock_oa_stream(r, a); else mock_oa_unary(r, a);
    }
}

/* Fills text with n bytes of filler words (oversize=). */
static const char mock_filler_words[] = "lorem ipsum dolor sit amet consectetur adipiscing elit ";

static void mock_filler(mock_buf *t, size_t n) {
    const char *words = mock_filler_words;
    t->len = 0;
    if (!mock_room(t, n)) return;
    while (t->len < n) {
        size_t k = n - t->len < sizeof mock_filler_words - 1 ? n - t->len : sizeof mock_filler_words - 1;
        memcpy(t->p + t->len, words, k);
        t->len += k;
    }
    t->p[t->len] = 0;
}

/* oversize=N: a unary reply of exactly N bytes (when N exceeds the plain reply), or a stream
   carrying N bytes of text in fixed slices. */
static void mock_oversize(mock_conn *c, int proto, int stream, mock_answer *a, long long n) {
    mock_resp *r = &c->resp;
    size_t skeleton;
    a->tool = 0;
    a->reason_len = 0;
    a->reason_tokens = 0;
    a->slice = MOCK_SLICE;
    a->out_tokens = (unsigned long long)n / 4;   /* fixed first, so both builds print the same digits */
    if (!stream) {
        a->text_len = 0;
        mock_chat_body(r, proto, 0, a);
        skeleton = r->body.len;
        mock_buf_clear(&r->body);
        if (n > (long long)skeleton) n -= (long long)skeleton;
        else n = 0;
    }
    mock_filler(&c->text, (size_t)n);
    a->text = c->text.p ? c->text.p : "";
    a->text_len = c->text.len;
    mock_chat_body(r, proto, stream, a);
}

static int mock_wants_stream(const mock_route *rt, const mock_info *in) {
    if (rt->proto == MOCK_P_GEMINI || rt->proto == MOCK_P_BEDROCK) return rt->stream_path;
    if (rt->proto == MOCK_P_OLLAMA) return in->stream != 0;
    return in->stream == 1;
}

/* >>generated bodies: endless=, gzip_bomb=, tool_flood= ===================================== */

/* Rebuilds a reply around its text: the body becomes three pieces, what comes before the
   text, unit (the text, repeated by the sender), what comes after. 0 when the text cannot be
   found. */
static int mock_gen_unary(mock_conn *c, int proto, mock_answer *a, const char *unit, size_t un) {
    static const char marker[] = "@@ailib-mock-filler@@";
    mock_resp *r = &c->resp;
    const char *hit;
    size_t pre, post;
    a->text = marker;
    a->text_len = sizeof marker - 1;
    mock_chat_body(r, proto, 0, a);
    hit = r->body.oom ? NULL : mock_find(r->body.p, r->body.len, marker);
    if (!hit) return 0;
    pre = (size_t)(hit - r->body.p);
    post = r->body.len - pre - (sizeof marker - 1);
    mock_buf_clear(&r->tmp);
    mock_put(&r->tmp, hit + sizeof marker - 1, post);
    r->body.len = pre;
    mock_piece(r);
    mock_put(&r->body, unit, un);
    mock_piece(r);
    mock_put(&r->body, r->tmp.p ? r->tmp.p : "", post);
    mock_piece(r);
    r->gen.head = r->gen.unit0 = 1;
    r->gen.unit1 = r->gen.tail = 2;
    return !r->body.oom && !r->tmp.oom;
}

/* A stream whose text is three slices: the second delta is the unit that repeats (the
   first may open a Gemini array, the third carries Gemini's finish). 0 without deltas. */
static int mock_gen_stream(mock_conn *c, int proto, mock_answer *a) {
    mock_resp *r = &c->resp;
    mock_filler(&c->text, 3 * MOCK_GEN_SLICE);
    a->text = c->text.p ? c->text.p : "";
    a->text_len = c->text.len;
    a->slice = MOCK_GEN_SLICE;
    mock_chat_body(r, proto, 1, a);
    if (r->marks < 3 || r->body.oom) return 0;
    r->gen.head = r->gen.unit0 = r->cut - 1;
    r->gen.unit1 = r->gen.tail = r->cut;
    return 1;
}

/* endless=1 (kind REPEAT) and gzip_bomb=N (kind BOMB): plain text answers only. */
static void mock_gen_plan(mock_conn *c, int proto, int stream, mock_answer *a, int kind, long long n) {
    mock_resp *r = &c->resp;
    int ok;
    a->tool = 0;
    a->reason_len = 0;
    a->reason_tokens = 0;
    a->out_tokens = 1000000;
    ok = stream ? mock_gen_stream(c, proto, a) : mock_gen_unary(c, proto, a, mock_filler_words, sizeof mock_filler_words - 1);
    if (!ok) { r->body.oom = 1; return; }
    r->gen.kind = kind;
    r->gen.proto = proto;
    r->gen.count = -1;
    r->gzip = kind == MOCK_GEN_BOMB;
    if (kind == MOCK_GEN_BOMB) {
        size_t u0 = r->gen.unit0 ? r->ends[r->gen.unit0 - 1] : 0, un = r->ends[r->gen.unit0] - u0;
        long long outside = (long long)(r->body.len - un), rest = n > outside ? n - outside : 0;
        if (stream) rest = (rest / (long long)un > 0 ? rest / (long long)un : 1) * (long long)un;   /* whole events */
        r->gen.total = rest;
    }
}

/* tool_flood=N: the head and tail of a tool-call stream; the calls come from mock_flood_call
   as the sender goes (N of them, or until the client leaves). */
static void mock_flood_plan(mock_conn *c, int proto, mock_answer *a, long long n) {
    mock_resp *r = &c->resp;
    mock_buf *b = &r->body;
    size_t head;
    a->tool = 1;
    a->reason_len = 0;
    a->reason_tokens = 0;
    switch (proto) {
    case MOCK_P_ANTHROPIC:
        mock_stream_start(r, "text/event-stream; charset=utf-8");
        mock_an_event(r, "message_start");
        mock_puts(b, ",\"message\":");
        mock_an_head(b, a);
        mock_puts(b, "[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":");
        mock_an_usage(b, a, 1);
        mock_putc(b, '}');
        mock_an_end(r);
        head = r->nends;
        mock_an_event(r, "message_delta");
        mock_puts(b, ",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}");
        mock_an_end(r);
        mock_an_event(r, "message_stop");
        mock_an_end(r);
        break;
    case MOCK_P_GEMINI:
        mock_stream_start(r, "text/event-stream");
        r->crlf = 1;
        head = 0;
        mock_gm_chunk_begin(r, a);
        mock_puts(b, "{\"text\":\"\"}");
        mock_gm_chunk_end(r, a, 1, a->out_tokens, 0);
        break;
    case MOCK_P_OLLAMA:
        mock_stream_start(r, "application/x-ndjson");
        head = 0;
        mock_ol_open(b, a);
        mock_puts(b, "\"content\":\"\"},");
        mock_ol_done(b, a);
        mock_putc(b, '\n');
        mock_piece(r);
        break;
    case MOCK_P_COHERE:
        mock_stream_start(r, "text/event-stream");
        mock_sse_begin(r, "message-start");
        mock_puts(b, "{\"id\":");
        mock_co_id(b, a);
        mock_puts(b, ",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}");
        mock_co_end(r);
        head = r->nends;
        mock_co_message_end(r, a, "TOOL_CALL");
        break;
    case MOCK_P_RESPONSES:
        mock_rs_stream_head(r, a);
        head = r->nends;
        mock_rs_response_event(r, "response.completed", a, 1);
        break;
    case MOCK_P_BEDROCK:
        mock_br_stream_head(r);
        head = r->nends;
        mock_br_stream_tail(r, a, 1);
        break;
    default:
        mock_stream_start(r, "text/event-stream; charset=utf-8");
        mock_oa_delta(r, a);
        mock_puts(b, "\"role\":\"assistant\",\"content\":null,\"refusal\":null");
        mock_oa_close(r, a, NULL);
        head = r->nends;
        mock_oa_delta(r, a);
        mock_oa_close(r, a, "\"tool_calls\"");
        mock_sse_begin(r, NULL);
        mock_puts(b, "[DONE]");
        mock_sse_end(r);
    }
    r->ans = *a;
    r->gen.kind = MOCK_GEN_FLOOD;
    r->gen.proto = proto;
    r->gen.head = r->gen.tail = head;
    r->gen.count = n > 0 ? n : -1;
}

/* Call number i of a flood, whole (name and arguments at once), as each protocol streams a
   new call: a new index, a new id, a new block or part. */
static void mock_flood_call(mock_resp *r, long long i) {
    const mock_answer *a = &r->ans;
    mock_buf *b = &r->body;
    switch (r->gen.proto) {
    case MOCK_P_ANTHROPIC:
        mock_an_block(r, "content_block_start", (int)i);
        mock_puts(b, ",\"content_block\":{\"type\":\"tool_use\",\"id\":");
        mock_put_idn(b, "toolu_mock", a, i);
        mock_puts(b, ",\"name\":");
        mock_putj(b, a->name, a->name_len);
        mock_puts(b, ",\"input\":{}}");
        mock_an_end(r);
        mock_an_block(r, "content_block_delta", (int)i);
        mock_puts(b, ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":");
        mock_putjs(b, a->args);
        mock_putc(b, '}');
        mock_an_end(r);
        mock_an_block(r, "content_block_stop", (int)i);
        mock_an_end(r);
        break;
    case MOCK_P_GEMINI:
        mock_gm_chunk_begin(r, a);
        mock_gm_call(b, a);
        mock_gm_chunk_end(r, a, 0, a->out_tokens, 0);
        break;
    case MOCK_P_OLLAMA:
        mock_ol_open(b, a);
        mock_puts(b, "\"content\":\"\",\"tool_calls\":[{\"id\":");
        mock_put_idn(b, "call_mock", a, i);
        mock_puts(b, ",\"function\":{\"index\":");
        mock_putu(b, (unsigned long long)i);
        mock_puts(b, ",\"name\":");
        mock_putj(b, a->name, a->name_len);
        mock_puts(b, ",\"arguments\":");
        mock_puts(b, a->args_obj);
        mock_puts(b, "}}]},\"done\":false}\n");
        mock_piece(r);
        break;
    case MOCK_P_COHERE:
        mock_co_event(r, "tool-call-start", (int)i);
        mock_puts(b, ",\"delta\":{\"message\":{\"tool_calls\":{\"id\":");
        mock_put_idn(b, "call_mock", a, i);
        mock_puts(b, ",\"type\":\"function\",\"function\":{\"name\":");
        mock_putj(b, a->name, a->name_len);
        mock_puts(b, ",\"arguments\":\"\"}}}}");
        mock_co_end(r);
        mock_co_event(r, "tool-call-delta", (int)i);
        mock_puts(b, ",\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":");
        mock_putjs(b, a->args);
        mock_puts(b, "}}}}");
        mock_co_end(r);
        mock_co_event(r, "tool-call-end", (int)i);
        mock_co_end(r);
        break;
    case MOCK_P_RESPONSES: mock_rs_call_stream(r, a, i, (int)i); break;
    case MOCK_P_BEDROCK: mock_br_tool(r, a, i, (int)i); break;
    default:
        mock_oa_delta(r, a);
        mock_puts(b, "\"tool_calls\":[{\"index\":");
        mock_putu(b, (unsigned long long)i);
        mock_puts(b, ",\"id\":");
        mock_put_idn(b, "call_mock", a, i);
        mock_puts(b, ",\"type\":\"function\",\"function\":{\"name\":");
        mock_putj(b, a->name, a->name_len);
        mock_puts(b, ",\"arguments\":");
        mock_putjs(b, a->args);
        mock_puts(b, "}}]");
        mock_oa_close(r, a, NULL);
    }
}

static void mock_chat(mock_conn *c, const mock_route *rt, const mock_spec *f) {
    mock_resp *r = &c->resp;
    mock_info in;
    mock_answer a;
    int stream;
    r->crlf = f->crlf;
    r->bad_utf8 = f->bad_utf8;
    mock_analyze(c->req.body, c->req.body_len, &in);
    mock_answer_build(c, rt, f, &in, &a);
    stream = mock_wants_stream(rt, &in);
    if (f->oversize >= 0) mock_oversize(c, rt->proto, stream, &a, f->oversize);
    else if (f->gzip_bomb >= 0) mock_gen_plan(c, rt->proto, stream, &a, MOCK_GEN_BOMB, f->gzip_bomb);
    else if (f->endless) mock_gen_plan(c, rt->proto, stream, &a, MOCK_GEN_REPEAT, -1);
    else if (f->tool_flood >= 0 && stream && !a.gm_array) mock_flood_plan(c, rt->proto, &a, f->tool_flood);
    else mock_chat_body(r, rt->proto, stream, &a);
    if (stream && f->instream_error && r->gen.kind == MOCK_GEN_NONE) mock_instream_error(r, rt->proto, f->instream_error, &a);
    if (r->bad_utf8 && !r->body.oom) mock_bad_patch(r->body.p, r->body.len);   /* unary: no piece took it */
}

/* >>replay ================================================================================== */

typedef struct mock_config {
    const char *host, *port_file, *fixtures;
    int port, quiet;
    long long max_requests;
} mock_config;

static mock_config mock_cfg;

/* 1 read, 0 missing, -1 not a regular file or too big. */
static int mock_read_file(const char *path, mock_buf *b) {
    struct stat st;
    FILE *fp = fopen(path, "rb");
    size_t got;
    if (!fp) return 0;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) || (long long)st.st_size > MOCK_MAX_FIXTURE
        || !mock_room(b, (size_t)st.st_size)) {
        fclose(fp);
        return -1;
    }
    got = fread(b->p + b->len, 1, (size_t)st.st_size, fp);
    b->len += got;
    b->p[b->len] = 0;
    fclose(fp);
    return 1;
}

/* Copies text turning bare LF line ends into CRLF (crlf=1 on a replay). */
static void mock_put_lines(mock_buf *b, const char *s, size_t n, int crlf) {
    size_t i, start = 0;
    if (!crlf) { mock_put(b, s, n); return; }
    for (i = 0; i < n; i++) {
        if (s[i] != '\n' || (i > 0 && s[i - 1] == '\r')) continue;
        mock_put(b, s + start, i - start);
        mock_puts(b, "\r\n");
        start = i + 1;
    }
    mock_put(b, s + start, n - start);
}

/* .sse: verbatim, one piece per event (an event ends at a blank line). */
static void mock_replay_sse(mock_resp *r, const char *s, size_t n) {
    size_t pos = 0, piece_start = r->body.len;
    while (pos < n) {
        const char *nl = (const char *)memchr(s + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - s) + 1 : n;
        int blank = end - pos == 1 || (end - pos == 2 && s[pos] == '\r');
        mock_put_lines(&r->body, s + pos, end - pos, r->crlf);
        if (blank && r->body.len > piece_start) { mock_piece(r); piece_start = r->body.len; }
        pos = end;
    }
    if (r->body.len > piece_start) mock_piece(r);
}

static mock_span mock_line(const char *s, size_t n, size_t *pos) {
    mock_span l;
    const char *nl = (const char *)memchr(s + *pos, '\n', n - *pos);
    size_t end = nl ? (size_t)(nl - s) : n;
    l.p = s + *pos;
    l.n = end - *pos;
    if (l.n && l.p[l.n - 1] == '\r') l.n--;
    *pos = nl ? end + 1 : n;
    return l;
}

enum { MOCK_JL_OPENAI, MOCK_JL_TYPED, MOCK_JL_GEMINI };

/* Which framing a .chunks.jsonl file had: Anthropic/Cohere/Responses lines carry a "type"
   (-> event: lines), Gemini lines carry candidates/usageMetadata (no [DONE]), else OpenAI. */
static int mock_jsonl_kind(const char *s, size_t n, const char *name) {
    size_t pos = 0;
    int is_str;
    mock_span l, v;
    while (pos < n) {
        l = mock_line(s, n, &pos);
        if (!l.n) continue;
        if (mock_json_member(l.p, l.n, "type", &v, &is_str) && is_str) return MOCK_JL_TYPED;
        if (mock_json_member(l.p, l.n, "candidates", &v, &is_str) || mock_json_member(l.p, l.n, "usageMetadata", &v, &is_str))
            return MOCK_JL_GEMINI;
        break;
    }
    return strncmp(name, "gemini/", 7) ? MOCK_JL_OPENAI : MOCK_JL_GEMINI;
}

static void mock_replay_jsonl(mock_resp *r, const char *s, size_t n, const char *name) {
    int kind = mock_jsonl_kind(s, n, name), is_str;
    size_t pos = 0;
    mock_span l, type;
    while (pos < n) {
        l = mock_line(s, n, &pos);
        if (!l.n) continue;
        if (kind == MOCK_JL_TYPED && mock_json_member(l.p, l.n, "type", &type, &is_str) && is_str) {
            mock_puts(&r->body, "event: ");
            mock_putsp(&r->body, type);
            mock_puts(&r->body, mock_eol(r));
        }
        mock_puts(&r->body, "data: ");
        mock_putsp(&r->body, l);
        mock_sse_end(r);
    }
    if (kind == MOCK_JL_OPENAI) {
        mock_puts(&r->body, "data: [DONE]");
        mock_sse_end(r);
    }
}

static void mock_replay_ndjson(mock_resp *r, const char *s, size_t n) {
    size_t pos = 0;
    while (pos < n) {
        mock_span l = mock_line(s, n, &pos);
        if (!l.n) continue;
        mock_putsp(&r->body, l);
        mock_putc(&r->body, '\n');
        mock_piece(r);
    }
}

/* AWS event-stream: one piece per frame (big-endian total length first), so pacing and
   byte-splitting land on frame boundaries. */
static void mock_replay_frames(mock_resp *r, const char *s, size_t n) {
    size_t pos = 0;
    while (pos < n) {
        const unsigned char *u = (const unsigned char *)s + pos;
        size_t len = n - pos >= 4 ? ((size_t)u[0] << 24) | ((size_t)u[1] << 16) | ((size_t)u[2] << 8) | u[3] : 0;
        if (len < 16 || len > n - pos) len = n - pos;
        mock_put(&r->body, s + pos, len);
        mock_piece(r);
        pos += len;
    }
}

static void mock_replay_body(mock_resp *r, const char *name, const mock_buf *file) {
    size_t nl = strlen(name);
    if (mock_ends(name, nl, ".sse") || mock_ends(name, nl, ".txt")) {
        mock_stream_start(r, "text/event-stream");
        mock_replay_sse(r, file->p, file->len);
    } else if (mock_ends(name, nl, ".chunks.jsonl")) {
        mock_stream_start(r, "text/event-stream");
        mock_replay_jsonl(r, file->p, file->len, name);
    } else if (mock_ends(name, nl, ".ndjson") || mock_ends(name, nl, ".jsonl")) {
        mock_stream_start(r, "application/x-ndjson");
        mock_replay_ndjson(r, file->p, file->len);
    } else if (mock_ends(name, nl, ".bin")) {
        mock_stream_start(r, "application/vnd.amazon.eventstream");
        mock_replay_frames(r, file->p, file->len);
    } else {
        r->ctype = mock_ends(name, nl, ".json") ? "application/json" : "application/octet-stream";
        mock_put(&r->body, file->p, file->len);
    }
}

static void mock_replay(mock_conn *c, const mock_route *rt, const mock_spec *f) {
    mock_buf path = { NULL, 0, 0, 0 }, file = { NULL, 0, 0, 0 };
    int rc;
    mock_puts(&path, mock_cfg.fixtures);
    mock_putc(&path, '/');
    mock_puts(&path, f->replay);
    rc = path.oom ? -1 : mock_read_file(path.p, &file);
    if (rc <= 0) {
        mock_buf msg = { NULL, 0, 0, 0 };
        mock_putf(&msg, "ailib-mock: fixture %s: %s (fixtures dir: %s; set --fixtures or AILIB_FIXTURES)",
                  rc == 0 ? "not found" : "not a readable regular file, or too big", f->replay, mock_cfg.fixtures);
        mock_error_reply(c, rt->proto, 404, msg.p ? msg.p : "fixture not found", f);
        mock_buf_free(&msg);
    } else {
        c->resp.crlf = f->crlf;
        c->resp.status = f->status ? f->status : 200;
        mock_replay_body(&c->resp, f->replay, &file);
    }
    mock_buf_free(&path);
    mock_buf_free(&file);
}

/* >>routing ================================================================================= */

static int mock_route_gemini(mock_route *rt, const char *p, size_t n, const char *query) {
    static const char *const verbs[] = { ":generateContent", ":streamGenerateContent", ":countTokens", ":embedContent", ":batchEmbedContents" };
    static const int eps[] = { MOCK_EP_CHAT, MOCK_EP_CHAT, MOCK_EP_COUNT, MOCK_EP_EMBED, MOCK_EP_EMBED_BATCH };
    const char *colon = NULL, *slash;
    int i;
    for (i = 0; i < 5 && !mock_ends(p, n, verbs[i]); i++) {}
    if (i == 5) return 0;
    colon = p + n - strlen(verbs[i]);
    for (slash = colon; slash > p && slash[-1] != '/'; slash--) {}
    rt->ep = eps[i];
    rt->proto = MOCK_P_GEMINI;
    rt->stream_path = i == 1;
    rt->gm_array = i == 1 && !(query && mock_find(query, strlen(query), "alt=sse"));
    rt->model.p = slash;
    rt->model.n = (size_t)(colon - slash);
    return 1;
}

static int mock_route_ollama(mock_route *rt, const char *p, size_t n) {
    rt->proto = MOCK_P_OLLAMA;
    if (mock_ends(p, n, "/api/chat")) rt->ep = MOCK_EP_CHAT;
    else if (mock_ends(p, n, "/api/generate")) rt->ep = MOCK_EP_GENERATE;
    else if (mock_ends(p, n, "/api/embed")) rt->ep = MOCK_EP_EMBED;
    else if (mock_ends(p, n, "/api/embeddings")) rt->ep = MOCK_EP_EMBED_LEGACY;
    else if (mock_ends(p, n, "/api/tags")) { rt->ep = MOCK_EP_MODELS; rt->method = "GET"; }
    else if (mock_ends(p, n, "/api/version")) { rt->ep = MOCK_EP_VERSION; rt->method = "GET"; }
    else rt->proto = MOCK_P_OPENAI;
    return rt->ep != MOCK_EP_NONE;
}

/* Bedrock: .../model/{modelId}/converse and /converse-stream (the id percent-decoded; an
   inference-profile ARN may hold slashes). */
static int mock_route_bedrock(mock_route *rt, const char *p, size_t n) {
    const char *m;
    int stream = mock_ends(p, n, "/converse-stream");
    size_t tail = stream ? 16 : 9;
    if (!stream && !mock_ends(p, n, "/converse")) return 0;
    m = mock_find(p, n - tail, "/model/");
    if (!m) return 0;
    rt->ep = MOCK_EP_CHAT;
    rt->proto = MOCK_P_BEDROCK;
    rt->stream_path = stream;
    rt->model.p = m + 7;
    rt->model.n = (size_t)(p + n - tail - rt->model.p);
    return 1;
}

/* Maps a (decoded) path to an endpoint by its ending, so any base-URL prefix works. */
static void mock_route_path(mock_route *rt, const char *p, size_t n, const char *query) {
    memset(rt, 0, sizeof *rt);
    rt->method = "POST";
    rt->proto = MOCK_P_OPENAI;
    if (mock_route_gemini(rt, p, n, query) || mock_route_bedrock(rt, p, n) || mock_route_ollama(rt, p, n)) return;
    if (n == 1 && p[0] == '/') { rt->ep = MOCK_EP_INDEX; rt->method = "GET"; }
    else if (mock_ends(p, n, "/chat/completions")) rt->ep = MOCK_EP_CHAT;
    else if (mock_ends(p, n, "/responses")) { rt->ep = MOCK_EP_CHAT; rt->proto = MOCK_P_RESPONSES; }
    else if (mock_ends(p, n, "/messages/count_tokens")) { rt->ep = MOCK_EP_COUNT; rt->proto = MOCK_P_ANTHROPIC; }
    else if (mock_ends(p, n, "/messages")) { rt->ep = MOCK_EP_CHAT; rt->proto = MOCK_P_ANTHROPIC; }
    else if (mock_ends(p, n, "/v2/chat")) { rt->ep = MOCK_EP_CHAT; rt->proto = MOCK_P_COHERE; }
    else if (mock_ends(p, n, "/v2/embed")) { rt->ep = MOCK_EP_EMBED; rt->proto = MOCK_P_COHERE; }
    else if (mock_ends(p, n, "/embeddings")) rt->ep = MOCK_EP_EMBED;
    else if (mock_ends(p, n, "/models")) {
        rt->ep = MOCK_EP_MODELS;
        rt->method = "GET";
        if (mock_find(p, n, "v1beta")) rt->proto = MOCK_P_GEMINI;
    }
}

/* status= with body= serves that body; error_body=S the protocol's error for S (with status=,
   else 200); a 3xx alone a small HTML page (what servers send with a Location); status=
   alone an error in the protocol's shape. */
static void mock_status_reply(mock_conn *c, const mock_route *rt, const mock_spec *f) {
    mock_resp *r = &c->resp;
    if (!f->body && f->error_body) {
        mock_error_reply(c, rt->proto, f->error_body, NULL, f);
        r->status = f->status ? f->status : 200;
        return;
    }
    if (!f->body && f->status >= 300 && f->status < 400) {
        r->status = f->status;
        r->ctype = "text/html; charset=utf-8";
        mock_puts(&r->body, "<html><head><title>Moved</title></head><body><h1>Moved</h1><p>The document has moved.</p></body></html>\n");
        return;
    }
    if (!f->body) { mock_error_reply(c, rt->proto, f->status, NULL, f); return; }
    r->status = f->status ? f->status : 200;
    mock_put(&r->body, f->body, f->body_len);
    r->ctype = f->body_len && (f->body[0] == '{' || f->body[0] == '[') ? "application/json" : "text/plain; charset=utf-8";
}

static void mock_endpoint(mock_conn *c, const mock_route *rt, const mock_spec *f) {
    mock_resp *r = &c->resp;
    switch (rt->ep) {
    case MOCK_EP_CHAT: case MOCK_EP_GENERATE: mock_chat(c, rt, f); break;
    case MOCK_EP_EMBED: case MOCK_EP_EMBED_BATCH: case MOCK_EP_EMBED_LEGACY: mock_embed(c, rt); break;
    case MOCK_EP_MODELS: mock_models(r, rt, c->req.anthropic); break;
    case MOCK_EP_COUNT: mock_count_tokens(c, rt); break;
    case MOCK_EP_VERSION: mock_puts(&r->body, "{\"version\":\"0.12.0-ailib-mock\"}"); break;
    default: mock_simple(r, 200, "text/plain; charset=utf-8", mock_index_text);
    }
    if (f->status) r->status = f->status;
}

/* replay= serves any path with any method: recorded traffic may come from endpoints the mock
   does not model (Responses API, Bedrock). */
static void mock_dispatch(mock_conn *c, const mock_route *rt, const mock_spec *f, const char *path) {
    if (f->replay) {
        mock_replay(c, rt, f);
    } else if (rt->ep == MOCK_EP_NONE) {
        mock_buf msg = { NULL, 0, 0, 0 };
        mock_putf(&msg, "ailib-mock: no endpoint for %s %s (run ailib-mock --help for the list)", c->req.method, path);
        mock_error_reply(c, rt->proto, 404, msg.p ? msg.p : "no such endpoint", f);
        mock_buf_free(&msg);
    } else if (strcmp(c->req.method, rt->method)) {
        mock_buf msg = { NULL, 0, 0, 0 };
        mock_putf(&msg, "ailib-mock: %s takes %s, not %s", path, rt->method, c->req.method);
        mock_error_reply(c, rt->proto, 405, msg.p ? msg.p : "method not allowed", f);
        mock_header(&c->resp, "Allow", rt->method);
        mock_buf_free(&msg);
    } else if (f->body || f->status >= 300 || f->error_body) {
        mock_status_reply(c, rt, f);
    } else {
        mock_endpoint(c, rt, f);
    }
}

static void mock_fault_headers(mock_resp *r, const mock_spec *f) {
    int i;
    if (f->retry_after) mock_header(r, "retry-after", f->retry_after);
    if (f->retry_after_ms) mock_header(r, "retry-after-ms", f->retry_after_ms);
    if (f->location) mock_header(r, "Location", f->location);
    if (f->ctype) r->ctype = f->ctype;
    for (i = 0; i < f->header_count; i++) {
        const char *colon = strchr(f->headers[i], ':'), *v = colon + 1;
        while (*v == ' ' || *v == '\t') v++;
        mock_put(&r->hdr, f->headers[i], (size_t)(colon - f->headers[i]));
        mock_puts(&r->hdr, ": ");
        mock_puts(&r->hdr, v);
        mock_puts(&r->hdr, "\r\n");
    }
}

/* >>admin =================================================================================== */

static void mock_admin(mock_conn *c, const char *path) {
    mock_resp *r = &c->resp;
    const char *want = !strcmp(path, "/_mock/reset") ? "POST" : "GET";
    if (strcmp(c->req.method, want)) {
        mock_simple(r, 405, "text/plain; charset=utf-8", "ailib-mock: wrong method for this /_mock/ endpoint\n");
        mock_header(r, "Allow", want);
    } else if (!strcmp(path, "/_mock/health")) {
        mock_simple(r, 200, "text/plain; charset=utf-8", "ok");
    } else if (!strcmp(path, "/_mock/stats")) {
        mock_stats_json(&r->body);
    } else if (!strcmp(path, "/_mock/reset")) {
        mock_stats_reset();
        mock_puts(&r->body, "{\"ok\":true}");
    } else if (!strcmp(path, "/_mock/last_request")) {
        if (!mock_last_json(&r->body)) mock_simple(r, 404, "application/json", "{\"error\":{\"message\":\"ailib-mock: no request recorded yet\"}}");
    } else {
        mock_simple(r, 404, "text/plain; charset=utf-8", "ailib-mock: unknown /_mock/ endpoint (health, stats, reset, last_request)\n");
    }
}

/* >>requests ================================================================================ */

static void mock_log(const mock_conn *c) {
    if (mock_cfg.quiet) return;
    fprintf(stderr, "ailib-mock: %s %s -> %d%s\n", c->req.method, c->req.target, c->resp.status,
            c->dead ? " (connection dropped)" : "");
}

/* Splits the target into spec (after /x/), the routed path (percent-decoded into c->path)
   and the query. Returns 0 with *why set when a /x/ prefix has no path after it. */
static int mock_split_target(mock_conn *c, mock_span *spec, const char **query, const char **why) {
    const char *t = c->req.target, *rest, *qm;
    size_t n;
    long dn;
    if (!strncmp(t, "http://", 7)) { t = strchr(t + 7, '/'); if (!t) t = "/"; }
    qm = strchr(t, '?');
    n = qm ? (size_t)(qm - t) : strlen(t);
    *query = qm ? qm + 1 : NULL;
    spec->p = "";
    spec->n = 0;
    rest = t;
    if (n >= 3 && !memcmp(t, "/x/", 3)) {
        spec->p = t + 3;
        spec->n = mock_spec_end(t + 3, n - 3);
        rest = t + 3 + spec->n;
        if (rest == t + n) { *why = "expected /x/<spec>/<endpoint path>"; rest = "/"; n = 1; t = rest; }
    }
    n -= (size_t)(rest - t);
    mock_buf_clear(&c->path);
    if (!mock_room(&c->path, n)) return 0;
    dn = mock_pct_decode(rest, n, c->path.p);
    if (dn < 0) { memcpy(c->path.p, rest, n); dn = (long)n; }
    c->path.len = (size_t)dn;
    c->path.p[dn] = 0;
    return 1;
}

/* Counts the request, parses its spec (after counting, so a bad spec still shows in stats)
   and applies times=. Returns 0 with err set when the spec is invalid. */
static int mock_prepare(mock_conn *c, mock_span spec, mock_spec *f, char *err, size_t cap) {
    unsigned long long count = mock_stats_hit(spec.p, spec.n, &c->seq);
    mock_req *q = &c->req;
    mock_last_save(q->method, q->target, q->h, q->nh, q->body, q->body_len);
    mock_buf_clear(&c->spec);
    mock_put(&c->spec, spec.p, spec.n);
    if (c->spec.oom) { snprintf(err, cap, "out of memory"); return 0; }
    if (!mock_spec_parse(c->spec.p, f, err, cap)) return 0;
    if (f->times && count > (unsigned long long)f->times) mock_spec_strip(f);
    return 1;
}

static void mock_handle(mock_conn *c) {
    mock_spec f, none;
    mock_route rt;
    mock_span spec;
    const char *query, *why = NULL;
    char err[512];
    mock_resp_reset(&c->resp);
    mock_spec_init(&f);
    mock_spec_init(&none);
    if (!mock_split_target(c, &spec, &query, &why)) { mock_simple(&c->resp, 500, "text/plain", "out of memory\n"); mock_emit(c, &none); return; }
    if (!spec.n && !why && !strncmp(c->path.p, "/_mock/", 7)) {
        c->seq = mock_next_seq();
        mock_admin(c, c->path.p);
        mock_emit(c, &none);
        mock_log(c);
        return;
    }
    mock_route_path(&rt, c->path.p, c->path.len, query);
    if (!mock_prepare(c, spec, &f, err, sizeof err) || why) {
        mock_buf msg = { NULL, 0, 0, 0 };
        mock_putf(&msg, "ailib-mock: bad /x/ spec: %s", why ? why : err);
        mock_spec_init(&f);
        mock_error_reply(c, rt.proto, 400, msg.p ? msg.p : "bad spec", &f);
        mock_buf_free(&msg);
    } else {
        mock_dispatch(c, &rt, &f, c->path.p);
        mock_fault_headers(&c->resp, &f);
    }
    mock_emit(c, &f);
    mock_log(c);
}

/* >>connections ============================================================================= */

/* Live connections, so a shutdown can wake every blocked thread and join it. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    mock_conn *head;
    int live, stopping;
} mock_reg = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0 };

static int mock_wake[2] = { -1, -1 };

static int mock_stopping(void) {
    int s;
    pthread_mutex_lock(&mock_reg.mu);
    s = mock_reg.stopping;
    pthread_mutex_unlock(&mock_reg.mu);
    return s;
}

static void mock_wakeup(void) {
    if (write(mock_wake[1], "w", 1) < 0) {}
}

/* --max-requests: the Nth finished request asks the accept loop to shut down. */
static void mock_served(void) {
    int last;
    pthread_mutex_lock(&mock_stats.mu);
    last = mock_cfg.max_requests > 0 && ++mock_stats.served == (unsigned long long)mock_cfg.max_requests;
    pthread_mutex_unlock(&mock_stats.mu);
    if (last) mock_wakeup();
}

/* Answers a request that could not be read (bad framing, too big) and closes. */
static void mock_reject(mock_conn *c, int status, const char *why) {
    mock_spec none;
    mock_buf msg = { NULL, 0, 0, 0 };
    mock_spec_init(&none);
    c->seq = mock_next_seq();
    mock_putf(&msg, "ailib-mock: %s\n", why ? why : "bad request");
    c->close_after = 1;
    mock_simple(&c->resp, status, "text/plain; charset=utf-8", msg.p ? msg.p : "bad request\n");
    mock_emit(c, &none);
    mock_buf_free(&msg);
    if (!mock_cfg.quiet) fprintf(stderr, "ailib-mock: rejected a request: %d %s\n", status, why ? why : "");
}

static void mock_serve(mock_conn *c) {
    for (;;) {
        const char *why = NULL;
        int rc;
        c->req.method = NULL;
        rc = mock_read_request(c, &why);
        if (rc <= 0) return;
        if (rc != 1) { mock_reject(c, rc, why); return; }
        c->close_after = !c->req.keep_alive || mock_stopping();
        mock_handle(c);
        mock_served();
        if (c->dead || c->close_after) return;
        mock_consume(c);
    }
}

static void *mock_conn_main(void *arg) {
    mock_conn *c = (mock_conn *)arg;
    mock_serve(c);
    pthread_mutex_lock(&mock_reg.mu);
    close(c->fd);   /* under the lock, so a shutdown() never hits a reused descriptor */
    c->fd = -1;
    c->done = 1;
    mock_reg.live--;
    pthread_cond_broadcast(&mock_reg.cv);
    pthread_mutex_unlock(&mock_reg.mu);
    return NULL;
}

static void mock_conn_free(mock_conn *c) {
    free(c->in);
    free(c->resp.ends);
    mock_buf_free(&c->resp.hdr);
    mock_buf_free(&c->resp.body);
    mock_buf_free(&c->resp.tmp);
    mock_buf_free(&c->head);
    mock_buf_free(&c->path);
    mock_buf_free(&c->spec);
    mock_buf_free(&c->text);
    mock_buf_free(&c->reason);
    mock_buf_free(&c->misc);
    mock_buf_free(&c->args);
    mock_buf_free(&c->aux);
    free(c);
}

/* Joins finished connection threads (all of them when all is set, after a shutdown). */
static void mock_reap(int all) {
    mock_conn *done = NULL, **pp, *c;
    pthread_mutex_lock(&mock_reg.mu);
    for (pp = &mock_reg.head; (c = *pp) != NULL;) {
        if (c->done || all) { *pp = c->next; c->next = done; done = c; }
        else pp = &c->next;
    }
    pthread_mutex_unlock(&mock_reg.mu);
    while ((c = done) != NULL) {
        done = c->next;
        pthread_join(c->thread, NULL);
        mock_conn_free(c);
    }
}

static void mock_conn_start(int fd) {
    mock_conn *c = (mock_conn *)calloc(1, sizeof *c);
    pthread_attr_t attr;
    sigset_t all, old;
    int one = 1, rc;
    if (!c) { close(fd); return; }
    c->fd = fd;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, MOCK_STACK);
    sigfillset(&all);   /* signals belong to the accept loop; threads inherit this mask */
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_mutex_lock(&mock_reg.mu);
    rc = pthread_create(&c->thread, &attr, mock_conn_main, c);
    if (rc == 0) { c->next = mock_reg.head; mock_reg.head = c; mock_reg.live++; }
    pthread_mutex_unlock(&mock_reg.mu);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        if (!mock_write_all(fd, busy, sizeof busy - 1)) {}
        close(fd);
        free(c);
    }
}

/* Wakes every connection (shutdown() ends blocking reads and writes), waits for the
   threads to finish, then joins them. */
static void mock_shutdown_all(void) {
    struct timespec until;
    mock_conn *c;
    int left;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&mock_reg.mu);
    mock_reg.stopping = 1;
    for (c = mock_reg.head; c; c = c->next)
        if (c->fd >= 0) shutdown(c->fd, SHUT_RDWR);
    while (mock_reg.live > 0)
        if (pthread_cond_timedwait(&mock_reg.cv, &mock_reg.mu, &until) == ETIMEDOUT) break;
    left = mock_reg.live;
    pthread_mutex_unlock(&mock_reg.mu);
    if (left == 0) mock_reap(1);
}

static void mock_accept_ready(int lfd) {
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd >= 0) { mock_conn_start(fd); continue; }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE) mock_sleep_ms(20);  /* avoid a hot loop on a readable listener */
        return;
    }
}

static void mock_accept_loop(int lfd) {
    while (!mock_signalled) {
        struct pollfd pf[2];
        pf[0].fd = lfd;
        pf[0].events = POLLIN;
        pf[0].revents = 0;
        pf[1].fd = mock_wake[0];
        pf[1].events = POLLIN;
        pf[1].revents = 0;
        if (poll(pf, 2, 1000) < 0 && errno != EINTR) break;
        if (pf[1].revents) break;
        if (pf[0].revents & POLLIN) mock_accept_ready(lfd);
        mock_reap(0);
    }
}

/* >>cli ===================================================================================== */

static const char *const mock_help[] = {
"usage: ailib-mock [--port N] [--host ADDR] [--port-file PATH] [--fixtures DIR]",
"                  [--max-requests N] [--quiet] [--help]",
"",
"A local fake LLM provider: a real HTTP/1.1 server that speaks OpenAI chat, OpenAI",
"Responses, Anthropic Messages, Gemini, Ollama, Cohere v2 and AWS Bedrock Converse, answers",
"deterministically, and injects faults chosen by a path prefix, so a client under test",
"only changes its base URL.",
"",
"OPTIONS",
"  --port N          port to listen on; 0 (default) picks a free one",
"  --host ADDR       address to bind (default 127.0.0.1; ::1 and localhost work too).",
"                    Anything but loopback exposes the mock to the network.",
"  --port-file PATH  also write the chosen port to PATH (written to PATH.tmp.PID, then",
"                    renamed, so a reader never sees a partial file)",
"  --fixtures DIR    recorded traffic for replay= (default: $AILIB_FIXTURES, else",
"                    ../shared/fixtures relative to the working directory)",
"  --max-requests N  exit after serving N requests (any endpoint, /_mock/ included)",
"  --quiet           no per-request log lines on stderr",
"  --help            this text",
"On start it prints one line on stdout:  ailib-mock listening on http://127.0.0.1:PORT",
"SIGINT and SIGTERM shut it down cleanly (exit status 0).",
"",
"ENDPOINTS (matched by how the path ends, so any prefix works: /v1/chat/completions,",
"/openai/v1/chat/completions, /openai/deployments/D/chat/completions?api-version=...)",
"  POST .../chat/completions          OpenAI chat; SSE when the body has \"stream\": true,",
"                                     usage chunk with stream_options.include_usage",
"  POST .../messages                  Anthropic Messages (SSE with event: lines when streaming)",
"  POST .../messages/count_tokens     Anthropic token count",
"  POST .../models/M:generateContent  Gemini",
"  POST .../models/M:streamGenerateContent?alt=sse",
"                                     Gemini SSE (data-only, CRLF, no [DONE]); without",
"                                     alt=sse a streamed JSON array, like the real service",
"  POST .../models/M:countTokens | :embedContent | :batchEmbedContents",
"  POST /api/chat, /api/generate      Ollama native (NDJSON stream unless \"stream\": false)",
"  POST /api/embed, /api/embeddings   Ollama embeddings (current and legacy)",
"  GET  /api/tags, /api/version       Ollama model list, version",
"  POST /v2/chat, /v2/embed           Cohere v2 (SSE with event: lines when streaming)",
"  POST .../responses                 OpenAI Responses API; SSE with event: lines and a",
"                                     sequence_number when the body has \"stream\": true,",
"                                     ended by response.completed (usage in it)",
"  POST .../model/M/converse          AWS Bedrock Converse (M percent-encoded)",
"  POST .../model/M/converse-stream   its application/vnd.amazon.eventstream frames",
"                                     (prelude and message CRC-32s); errors carry",
"                                     x-amzn-ErrorType and a {\"message\"} body",
"  POST .../embeddings                OpenAI embeddings (encoding_format base64 honoured)",
"  GET  .../models                    OpenAI model list; Gemini's shape under a v1beta path;",
"                                     Anthropic's when the request has anthropic-version",
"  GET  /_mock/health                 200 \"ok\"",
"  GET  /_mock/stats                  {\"total\":N,\"by_spec\":{\"<spec>\":N,...}}",
"  POST /_mock/reset                  zero the counters (times= starts over)",
"  GET  /_mock/last_request           last counted request: method, path, headers, body",
"Every reply has x-request-id and request-id headers. /_mock/ requests are not counted",
"and not recorded as the last request.",
"",
"DEFAULT REPLY",
"  Text \"Hello from ailib-mock. You said: <text>\", where <text> is the last content/text",
"  string of the last user turn (else Ollama's prompt, else the last content/text string,",
"  else \"nothing\"; at most 4096 bytes). Streams send one word per chunk. Usage: input",
"  tokens = body bytes / 4 + 1, output tokens = words. Model: the request's, else mock-model.",
"  A request that carries a tool result (role \"tool\", a tool_result block, a",
"  functionResponse part, a function_call_output item) is answered with",
"  \"The tool said: <result>\", in every scenario, so a client can run a whole tool loop.",
"  When the last user turn has images, the text starts with what it sees:",
"  \"I see 2 images: image/png (67 bytes), https://example.com/cat.jpg. Hello from ...\"",
"  (base64: the MIME type given, else sniffed from PNG/JPEG/GIF/WEBP magic, else",
"  \"image\", and the decoded size, or \"(invalid base64)\"; URLs as given). Images are",
"  OpenAI and Cohere image_url parts (data: URLs or links), Anthropic image blocks (base64",
"  or url source), Gemini inlineData / fileData parts, Ollama \"images\" (of the message;",
"  top-level for /api/generate).",
"  Responses API input items (input_text, input_image, function_call_output) and Bedrock",
"  content blocks (text, image bytes, toolResult) count the same way.",
"  Embeddings are deterministic unit vectors of 16 floats (or dimensions /",
"  outputDimensionality, up to 4096), derived from each input's bytes.",
"",
"STRUCTURED OUTPUT",
"  A chat request that asks for JSON gets, as its text, a JSON value generated from the",
"  schema (compact, deterministic). Asked by: OpenAI response_format json_schema (its",
"  json_schema.schema) or json_object; Anthropic output_config.format json_schema;",
"  Gemini generationConfig.responseJsonSchema, responseSchema (OpenAPI subset: upper-case",
"  types, nullable) or responseMimeType application/json; Ollama format (\"json\" or a",
"  schema); Cohere response_format json_object (with json_schema, the schema itself);",
"  Responses text.format json_schema or json_object; or the system text (system/developer",
"  messages, Anthropic system, Gemini systemInstruction, Responses instructions)",
"  holding \"validate against this JSON Schema:\\n\" then the schema, or just \"Answer",
"  with a single JSON\". A native schema beats a prompt schema, which beats a JSON mode",
"  alone. No schema: {\"answer\":\"<user text>\"}.",
"  A forced tool (OpenAI tool_choice {\"type\":\"function\",\"function\":{\"name\":X}},",
"  also Ollama and Cohere; Anthropic {\"type\":\"tool\",\"name\":X}; Gemini",
"  functionCallingConfig mode ANY with allowedFunctionNames [X]; Responses",
"  {\"type\":\"function\",\"name\":X}; Bedrock toolConfig.toolChoice {\"tool\":{\"name\":X}})",
"  is called, in any scenario, with arguments generated from that tool's parameters /",
"  input_schema / parametersJsonSchema / inputSchema.json ({} without one); a request",
"  carrying a tool result gets the text",
"  answer instead (JSON if it also asks for JSON).",
"  scenario=tool still calls its tool first; the answer after the result is JSON.",
"  Values: const, else enum[0]; object: every property in order (allOf branches merged),",
"  none: {\"answer\":\"<user text>\"} ({} with additionalProperties false); string:",
"  \"example\" padded with x to minLength (cut to maxLength); integer: minimum, or",
"  exclusiveMinimum+1, else 42 (kept under maximum); number: the same with 3.5; boolean",
"  true; null null; array: max(minItems,1) items (at most 64) from items; a type array:",
"  the first non-null type; anyOf/oneOf: the first branch that is not {\"type\":\"null\"};",
"  no type: object (array with only items); $ref #, #/$defs/X, #/definitions/X resolved in",
"  the root; null below 16 levels.",
"",
"SCENARIOS AND FAULTS:  http://127.0.0.1:PORT/x/<spec>/<normal path>",
"  <spec> is key=value pairs separated by commas; values are percent-decoded (write a",
"  comma as %2C, a slash as %2F). The spec also names the request's counter in",
"  /_mock/stats. Keys:",
"  scenario=default|tool|reasoning|server_tools",
"      tool: one tool call named after the first tool in the request's tools (else",
"      get_weather), arguments {\"city\":\"Paris\"} when the tools mention a city property",
"      (or there are no tools), else {}; finish reason tool_calls / tool_use / TOOL_CALL.",
"      Streamed as each protocol does: OpenAI id+name delta then argument fragments cut",
"      mid-token, Anthropic tool_use + input_json_delta, Gemini a whole functionCall,",
"      Ollama whole tool_calls, Cohere tool-plan-delta + tool-call-start/delta/end,",
"      Responses a function_call item + function_call_arguments.delta, Bedrock",
"      contentBlockStart toolUse + toolUse input deltas. On Responses, when the first tool",
"      that is not a function is custom, local_shell, apply_patch or mcp, the call is that",
"      client action: a custom_tool_call (input: the user text, streamed as",
"      custom_tool_call_input.delta), a local_shell_call (echo hello), an apply_patch_call",
"      (create_file hello.txt, diff streamed as apply_patch_call_operation_diff.delta) or",
"      an mcp_approval_request (mock_echo on server mock); their outputs",
"      (custom_tool_call_output, local_shell_call_output, apply_patch_call_output,",
"      mcp_approval_response) count as tool results.",
"      reasoning: reasoning text first (reasoning_content deltas, an Anthropic thinking",
"      block with signature_delta, Gemini thought:true parts, Ollama message.thinking,",
"      a Cohere thinking content block, a Responses reasoning item with summary text",
"      deltas, Bedrock reasoningContent text + signature deltas), then the answer.",
"      server_tools: on a turn with no assistant turn before it, the provider's own web",
"      search runs first. Anthropic: a server_tool_use block (web_search, input",
"      {\"query\": <user text>} as input_json_delta), a web_search_tool_result block, then",
"      text with a web_search_result_location citation (citations_delta), end_turn, usage",
"      with server_tool_use.web_search_requests. Responses: a web_search_call item (added,",
"      in_progress, searching, completed, done with its action), then the message. Other",
"      protocols answer as default.",
"  bad_json=syntax|schema",
"                      a structured reply (above) comes out broken while the request has",
"                      no assistant turn (role assistant, Gemini model), so the client's",
"                      repair round (which carries the bad answer back) gets a good one.",
"                      syntax: the text  Sure! {\"answer\":   (not JSON); schema: {} (JSON",
"                      without the required properties). A forced tool call gets them as",
"                      its arguments where they are a string (OpenAI, Cohere, Anthropic",
"                      input_json_delta); where arguments are an object, syntax gives {}.",
"                      Under bad_json a forced-tool request that carries a tool result is",
"                      the tool route's repair round: the tool is called again.",
"  status=N            reply with status N (200..599). Without body= the body is the",
"                      protocol's native error for N (OpenAI 429 rate_limit_exceeded,",
"                      Anthropic 529 overloaded_error, Gemini 429 RESOURCE_EXHAUSTED with",
"                      RetryInfo, Ollama {\"error\":...}, Cohere {\"id\",\"message\"},",
"                      Responses as OpenAI, Bedrock {\"message\"} + x-amzn-ErrorType).",
"                      A 3xx without body= is a small text/html page (add location=).",
"                      A 2xx status without body= just changes the normal reply's status.",
"  error_body=S        the body is the protocol's native error for status S (400..599),",
"                      sent with status= (default 200): an error JSON with a 200",
"  body=TEXT           the reply body, verbatim (JSON content type if it starts with { or [,",
"                      else text/plain; ctype= changes it)",
"  ctype=TYPE          the Content-Type of the reply, whatever it is (ctype=text%2Fhtml)",
"  header=Name:Value   add a response header (repeatable, up to 16): any value text,",
"                      e.g. hostile hints  header=retry-after:inf  header=retry-after:-5",
"  location=URL        add Location: URL (with status=301..308: a redirect)",
"  retry_after=S       add retry-after: S (also Gemini's RetryInfo retryDelay)",
"  retry_after_ms=MS   add retry-after-ms: MS",
"  retry_delay=TEXT    Gemini errors carry RetryInfo with retryDelay TEXT verbatim (\"34.4s\",",
"                      \"-5s\", \"1e300s\"); 429s have one anyway (from retry_after, else 1s)",
"  tag=TEXT            nothing but a distinct counter name in /_mock/stats",
"  times=N             every key but scenario and crlf applies only to the first N requests",
"                      with this exact spec; later ones get the normal reply",
"  delay_ms=N          wait before the response headers",
"  head_delay_ms=N     send the status line at once, then each header line (and the blank",
"                      line ending the head) N ms apart: headers that drip",
"  chunk_delay_ms=N    wait between streamed pieces (events, lines)",
"  stall_ms=N          pause after the first piece of a stream (after the headers of a",
"                      non-streamed reply): for idle-timeout tests",
"  stall_delta_ms=N    pause N ms after the first delta of a stream (text, reasoning or",
"                      tool arguments): a stall after output reached the client",
"  reset_after=N       after N body bytes, reset the connection (RST, SO_LINGER 0);",
"                      reset_after=delta: just after the first delta of a stream (half",
"                      the body of a unary reply)",
"  reset_head=1        reset the connection before one byte of the response is sent",
"  eof_after=N|delta   after N body bytes (or the first delta) close the connection",
"                      (FIN) without ending the body: no terminating chunk, or fewer",
"                      bytes than Content-Length said",
"  chunked=1           send a unary reply with Transfer-Encoding: chunked",
"  upgrade=1           answer 101 Switching Protocols (Upgrade: websocket) that nobody",
"                      asked for, then bytes of another protocol, then close",
"  bad_utf8=1          the answer's text starts with invalid UTF-8 (six 0xFF bytes, raw",
"                      in the JSON string; in the first delta of a stream, inside the",
"                      CRC of a Bedrock frame)",
"  bytewise=1          write the body one byte per write() (streams: one byte per chunk)",
"  crlf=1              SSE line ends as CRLF (Gemini streams always use CRLF)",
"  truncate=N          send only the first N body bytes, then end the response cleanly",
"                      (chunked terminator, or a Content-Length of N)",
"  oversize=N          a 200 reply of N bytes of valid JSON (a huge text; exact when N is",
"                      bigger than the plain reply); streams carry N bytes of text in",
"                      16 KiB deltas",
"  endless=1           a valid reply that never ends: streams repeat one 1 KiB text delta",
"                      (the same event every time), a unary reply is chunked and its",
"                      text grows without end; until the client goes away, or 1 GiB or",
"                      60 s (the server's safety bound), then the normal ending",
"  tool_flood=N        (streams) N new tool calls, one after another, each whole (new",
"                      index / id / block / item / part); 0: without end, bounded as",
"                      endless= is",
"  gzip_bomb=N         Content-Encoding: gzip, a small compressed body that expands to",
"                      about N bytes (up to 4 GiB) of a valid reply: unary text grown to",
"                      exactly N bytes, streams the same 1 KiB delta repeated; written",
"                      here as DEFLATE with fixed Huffman codes (~120:1), flushed every",
"                      64 KiB of decoded data so the client decodes as it goes",
"  instream_error=1|openai|groq|openrouter",
"                      streams start, then break off after two deltas with the protocol's",
"                      in-stream error and no normal terminator: Anthropic event: error",
"                      overloaded_error, OpenAI data: {\"error\":...} (groq: event: error",
"                      with tool_use_failed; openrouter: a chunk with error and",
"                      finish_reason \"error\"), Gemini a data line with {\"error\":...},",
"                      Ollama an {\"error\":...} line, Cohere message-end with ERROR",
"  replay=PATH         serve a recorded file from the fixtures dir: .sse (and .txt) verbatim",
"                      as text/event-stream; .chunks.jsonl as data: lines (event: lines too",
"                      when the lines have a \"type\", a final data: [DONE] for OpenAI-style",
"                      files, none for Gemini); .ndjson verbatim as application/x-ndjson;",
"                      .json as application/json with status= if given; .bin as",
"                      application/vnd.amazon.eventstream. crlf, bytewise, chunk_delay_ms,",
"                      stall_ms, reset_after and truncate combine with it. The folder slash",
"                      may be written plainly: /x/replay=openai/x.sse/v1/chat/completions.",
"                      A missing fixture is a 404 that names the path.",
"  Streams use Transfer-Encoding: chunked; other replies Content-Length.",
"  Byte counts (reset_after, eof_after, truncate) count the bytes on the wire: after",
"  gzip, before chunked framing.",
"",
"EXAMPLES",
"  BASE=http://127.0.0.1:PORT",
"  curl $BASE/v1/chat/completions -d '{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'",
"  curl -N $BASE/v1/messages -d '{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'",
"  curl -N \"$BASE/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse\" \\",
"       -d '{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}'",
"  curl $BASE/x/status=429,retry_after=2,times=2/v1/chat/completions -d '{}'  (twice 429, then 200)",
"  curl $BASE/x/status=529/v1/messages -d '{}'",
"  curl $BASE/x/scenario=tool/api/chat -d '{\"stream\":false,\"tools\":[{\"type\":\"function\",",
"       \"function\":{\"name\":\"get_weather\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'",
"  curl -N $BASE/x/scenario=reasoning,chunk_delay_ms=50/v2/chat -d '{\"stream\":true}'",
"  curl -N $BASE/x/reset_after=200/v1/chat/completions -d '{\"stream\":true}'",
"  curl -N $BASE/x/replay=anthropic%2Fmessages-stream-thinking-signature.sse,bytewise=1/v1/messages",
"  curl $BASE/x/body=%7B%22oops%22/v1/chat/completions -d '{}'        (malformed JSON, 200)",
"  curl --compressed $BASE/x/gzip_bomb=100000000/v1/responses -d '{}' | wc -c   (100000000)",
"  curl -N $BASE/x/tool_flood=0/model/m/converse-stream -d '{}' | head -c 1000000 | wc -c",
"  curl $BASE/_mock/stats;  curl -X POST $BASE/_mock/reset;  curl $BASE/_mock/last_request",
NULL
};

static void mock_usage(FILE *to) {
    int i;
    for (i = 0; mock_help[i]; i++) fprintf(to, "%s\n", mock_help[i]);
}

static int mock_arg_num(const char *opt, const char *v, long long max, long long *out) {
    long long x = v ? mock_atoll(v, strlen(v)) : -1;
    if (x < 0 || x > max) {
        fprintf(stderr, "ailib-mock: %s needs a number from 0 to %lld (see --help)\n", opt, max);
        return 0;
    }
    *out = x;
    return 1;
}

/* Parses argv into mock_cfg. Returns 0 to run, 1 to exit successfully (--help), 2 on error. */
static int mock_parse_args(int argc, char **argv) {
    int i;
    long long x;
    const char *env = getenv("AILIB_FIXTURES");
    mock_cfg.host = "127.0.0.1";
    mock_cfg.fixtures = env && *env ? env : "../shared/fixtures";
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { mock_usage(stdout); return 1; }
        if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) { mock_cfg.quiet = 1; continue; }
        if (!v) { fprintf(stderr, "ailib-mock: unknown option or missing value: %s (see --help)\n", a); return 2; }
        if (!strcmp(a, "--port")) { if (!mock_arg_num(a, v, 65535, &x)) return 2; mock_cfg.port = (int)x; }
        else if (!strcmp(a, "--max-requests")) { if (!mock_arg_num(a, v, 1000000000000LL, &x)) return 2; mock_cfg.max_requests = x; }
        else if (!strcmp(a, "--host")) mock_cfg.host = v;
        else if (!strcmp(a, "--port-file")) mock_cfg.port_file = v;
        else if (!strcmp(a, "--fixtures")) mock_cfg.fixtures = v;
        else { fprintf(stderr, "ailib-mock: unknown option %s (see --help)\n", a); return 2; }
        i++;
    }
    return 0;
}

/* >>main ==================================================================================== */

static void mock_on_signal(int sig) {
    int saved = errno;
    (void)sig;
    mock_signalled = 1;
    if (write(mock_wake[1], "s", 1) < 0) {}
    errno = saved;
}

static int mock_signals(void) {
    struct sigaction sa;
    if (pipe(mock_wake) != 0) return 0;
    fcntl(mock_wake[0], F_SETFL, O_NONBLOCK);
    fcntl(mock_wake[1], F_SETFL, O_NONBLOCK);
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN;            /* a client that hangs up must not kill the server */
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = mock_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return 1;
}

/* Binds and listens; fills addr with the bound address (for the chosen port). */
static int mock_listen(struct sockaddr_storage *ss, socklen_t *len) {
    const char *host = !strcmp(mock_cfg.host, "localhost") ? "127.0.0.1" : mock_cfg.host;
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    int fd, one = 1;
    memset(ss, 0, sizeof *ss);
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)mock_cfg.port);
        *len = sizeof *v4;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)mock_cfg.port);
        *len = sizeof *v6;
    } else {
        fprintf(stderr, "ailib-mock: --host %s is not an IPv4 or IPv6 address\n", mock_cfg.host);
        return -1;
    }
    fd = socket(ss->ss_family, SOCK_STREAM, 0);
    if (fd < 0) { perror("ailib-mock: socket"); return -1; }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)ss, *len) != 0 || listen(fd, 1024) != 0
        || getsockname(fd, (struct sockaddr *)ss, len) != 0) {
        fprintf(stderr, "ailib-mock: cannot listen on %s port %d: %s\n", mock_cfg.host, mock_cfg.port, strerror(errno));
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

static int mock_write_port_file(int port) {
    char tmp[4096];
    FILE *fp;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", mock_cfg.port_file, (long)getpid());
    fp = fopen(tmp, "w");
    if (!fp) { fprintf(stderr, "ailib-mock: cannot write %s: %s\n", tmp, strerror(errno)); return 0; }
    fprintf(fp, "%d\n", port);
    if (fclose(fp) != 0 || rename(tmp, mock_cfg.port_file) != 0) {
        fprintf(stderr, "ailib-mock: cannot write %s: %s\n", mock_cfg.port_file, strerror(errno));
        remove(tmp);
        return 0;
    }
    return 1;
}

static void mock_announce(const struct sockaddr_storage *ss) {
    char addr[INET6_ADDRSTRLEN];
    int port, v6 = ss->ss_family == AF_INET6;
    if (v6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof addr);
        port = ntohs(a->sin6_port);
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, addr, sizeof addr);
        port = ntohs(a->sin_port);
    }
    printf("ailib-mock listening on http://%s%s%s:%d\n", v6 ? "[" : "", addr, v6 ? "]" : "", port);
    fflush(stdout);
    mock_cfg.port = port;
}

static void mock_cleanup(int lfd) {
    close(lfd);
    mock_shutdown_all();
    pthread_mutex_lock(&mock_stats.mu);
    mock_stats_clear_locked();
    pthread_mutex_unlock(&mock_stats.mu);
    free(mock_lastreq.last);
    mock_lastreq.last = NULL;
    close(mock_wake[0]);
    close(mock_wake[1]);
}

int main(int argc, char **argv) {
    struct sockaddr_storage ss;
    socklen_t len;
    int lfd, rc = mock_parse_args(argc, argv);
    if (rc) return rc == 1 ? 0 : 2;
    if (!mock_signals()) { perror("ailib-mock: pipe"); return 1; }
    mock_crc_init();
    lfd = mock_listen(&ss, &len);
    if (lfd < 0) return 1;
    mock_announce(&ss);
    if (mock_cfg.port_file && !mock_write_port_file(mock_cfg.port)) { close(lfd); return 1; }
    mock_accept_loop(lfd);
    mock_cleanup(lfd);
    if (!mock_cfg.quiet) fprintf(stderr, "ailib-mock: stopped\n");
    return 0;
}

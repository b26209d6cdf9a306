/* seeds.c - assembles the fuzz targets' seed corpora under build/ from the recorded fixtures,
   read in place: seeds OUT_DIR SHARED_FIXTURES REPO_FIXTURES. Each seed is a body wrapped in
   its target's input layout (see checks.c): protocol and flag bytes in front, .chunks.jsonl
   files turned into the SSE a provider sends, Bedrock's decoded frames encoded back into the
   binary event stream. A missing fixtures directory is skipped. */
#define AILIB_NO_CURL
#define AILIB_IMPLEMENTATION
#include "../../ailib.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct sb { char *p; size_t len, cap; } sb;

static void sb_add(sb *b, const void *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1) cap *= 2;
        b->p = (char *)realloc(b->p, cap);
        if (!b->p) exit(1);
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void sb_str(sb *b, const char *s) { sb_add(b, s, strlen(s)); }
static void sb_byte(sb *b, int c) { unsigned char x = (unsigned char)c; sb_add(b, &x, 1); }

static const char *out_dir;
static unsigned long written;

static void put_seed(const char *target, const char *name, const void *data, size_t n) {
    char path[1024];
    FILE *f;
    size_t i;
    snprintf(path, sizeof path, "%s/%s", out_dir, target);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/", out_dir, target);
    for (i = 0; name[i] && strlen(path) < sizeof path - 2; i++) {
        size_t l = strlen(path);
        path[l] = (name[i] == '/' ? '_' : name[i]);
        path[l + 1] = 0;
    }
    f = fopen(path, "wb");
    if (!f) { fprintf(stderr, "seeds: cannot write %s: %s\n", path, strerror(errno)); exit(1); }
    fwrite(data, 1, n, f);
    fclose(f);
    written++;
}

/* A seed with a prefix of option bytes. */
static void put_with(const char *target, const char *name, const unsigned char *pre, size_t pn, const char *body, size_t n) {
    sb b = {0, 0, 0};
    sb_add(&b, pre, pn);
    sb_add(&b, body, n);
    put_seed(target, name, b.p, b.len);
    free(b.p);
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) { fclose(f); return NULL; }
    buf = (char *)malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); fclose(f); return NULL; }
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

static int has(const char *s, const char *sub) { return strstr(s, sub) != NULL; }
static int ends(const char *s, const char *suf) { size_t a = strlen(s), b = strlen(suf); return a >= b && strcmp(s + a - b, suf) == 0; }

/* The protocol a fixture was recorded from, by its path. */
static int protocol_of(const char *path) {
    if (has(path, "/anthropic/")) return AILIB_PROTOCOL_ANTHROPIC;
    if (has(path, "/gemini/")) return AILIB_PROTOCOL_GEMINI;
    if (has(path, "/ollama/")) return has(path, "openai-compat") ? AILIB_PROTOCOL_OPENAI_CHAT : AILIB_PROTOCOL_OLLAMA;
    if (has(path, "/cohere/")) return AILIB_PROTOCOL_COHERE;
    if (has(path, "/responses/") || has(path, "/responses-")) return AILIB_PROTOCOL_OPENAI_RESPONSES;
    if (has(path, "/bedrock/")) return AILIB_PROTOCOL_BEDROCK;
    return AILIB_PROTOCOL_OPENAI_CHAT;
}

/* .chunks.jsonl: one data: payload per line, framed as the provider sends it (event: lines for
   typed streams, [DONE] for OpenAI-style ones). */
static void wrap_chunks(const char *raw, size_t len, int proto, sb *out) {
    size_t i = 0;
    int typed = proto == AILIB_PROTOCOL_ANTHROPIC || proto == AILIB_PROTOCOL_COHERE || proto == AILIB_PROTOCOL_OPENAI_RESPONSES;
    while (i < len) {
        const char *nl = (const char *)memchr(raw + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - raw) : len;
        if (e > i) {
            if (typed) {
                ailib_json_doc *d = NULL;
                size_t tl = 0;
                const char *t;
                if (ailib_json_parse(raw + i, e - i, NULL, &d, NULL) == AILIB_OK &&
                    (t = ailib_json_str(ailib_json_get(ailib_json_doc_root(d), "type"), &tl)) != NULL) {
                    sb_str(out, "event: "); sb_add(out, t, tl); sb_str(out, "\n");
                }
                ailib_json_doc_destroy(d);
            }
            sb_str(out, "data: "); sb_add(out, raw + i, e - i); sb_str(out, "\n\n");
        }
        i = e + 1;
    }
    if (proto == AILIB_PROTOCOL_OPENAI_CHAT) sb_str(out, "data: [DONE]\n\n");
}

static uint32_t crc32_of(const char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= (unsigned char)p[i];
        for (k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return ~c;
}

static void put_u32(sb *b, uint32_t v) { sb_byte(b, (int)(v >> 24)); sb_byte(b, (int)(v >> 16) & 255); sb_byte(b, (int)(v >> 8) & 255); sb_byte(b, (int)v & 255); }

/* Decoded frames ({"headers":{...},"payload":{...}} per line) back to the binary stream. */
static void encode_frames(const char *text, size_t len, sb *out) {
    size_t i = 0;
    while (i < len) {
        const char *nl = (const char *)memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len, n, start, hl = 0;
        ailib_json_doc *d = NULL;
        const ailib_json *hs, *k;
        ailib_json_writer w;
        if (e > i && ailib_json_parse(text + i, e - i, NULL, &d, NULL) == AILIB_OK) {
            hs = ailib_json_get(ailib_json_doc_root(d), "headers");
            for (n = ailib_json_size(hs), k = ailib_json_first(hs); n; n--, k = ailib_json_next(ailib_json_next(k))) {
                size_t a = 0, v = 0;
                ailib_json_str(k, &a);
                ailib_json_str(ailib_json_next(k), &v);
                hl += 1 + a + 1 + 2 + v;
            }
            ailib_json_writer_init(&w, NULL);
            ailib_json_write_value(&w, ailib_json_get(ailib_json_doc_root(d), "payload"));
            ailib_json_writer_finish(&w);
            start = out->len;
            put_u32(out, (uint32_t)(12 + hl + w.len + 4));
            put_u32(out, (uint32_t)hl);
            put_u32(out, crc32_of(out->p + start, 8));
            for (n = ailib_json_size(hs), k = ailib_json_first(hs); n; n--, k = ailib_json_next(ailib_json_next(k))) {
                size_t a = 0, v = 0;
                const char *name = ailib_json_str(k, &a), *val = ailib_json_str(ailib_json_next(k), &v);
                sb_byte(out, (int)a); sb_add(out, name ? name : "", a); sb_byte(out, 7);
                sb_byte(out, (int)(v >> 8)); sb_byte(out, (int)(v & 255)); sb_add(out, val ? val : "", v);
            }
            sb_add(out, w.buf, w.len);
            put_u32(out, crc32_of(out->p + start, out->len - start));
            ailib_json_writer_deinit(&w);
        }
        ailib_json_doc_destroy(d);
        i = e + 1;
    }
}

/* An HTTP status named in a fixture's file name ("error-429-..."), else 200. */
static int status_of(const char *name) {
    const char *e = strstr(name, "error-");
    int s = 0;
    if (!e) return 200;
    e += 6;
    while (*e >= '0' && *e <= '9') s = s * 10 + (*e++ - '0');
    return s >= 100 && s <= 599 ? s : 400;
}

static void seed_stream_body(const char *name, int proto, const char *body, size_t n) {
    unsigned char pre[5];
    int think = has(name, "think-tags") ? 8 : 0;
    pre[0] = (unsigned char)(proto | think); pre[1] = 7;
    put_with("stream", name, pre, 2, body, n);
    pre[0] = (unsigned char)(proto | think | 32); pre[1] = 0x13;
    {
        char nm[700];
        snprintf(nm, sizeof nm, "%s.snap", name);
        put_with("stream", nm, pre, 2, body, n);
    }
    if (proto != AILIB_PROTOCOL_BEDROCK) {
        pre[0] = 0; pre[1] = 7;
        put_with(proto == AILIB_PROTOCOL_OLLAMA ? "ndjson" : "sse", name, pre, 2, body, n);
    }
    if (proto != AILIB_PROTOCOL_BEDROCK && proto != AILIB_PROTOCOL_OLLAMA) {
        /* Gemini and Vertex send CRLF line ends: the same stream with them */
        sb b = {0, 0, 0};
        size_t i;
        char nm[700];
        pre[0] = (unsigned char)(proto | think); pre[1] = 0x2A;
        sb_add(&b, pre, 2);
        for (i = 0; i < n; i++) { if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) sb_byte(&b, '\r'); sb_byte(&b, body[i]); }
        snprintf(nm, sizeof nm, "%s.crlf", name);
        put_seed("stream", nm, b.p, b.len);
        free(b.p);
    }
    /* the engine, streamed: 200, a request id and a content type */
    {
        sb b = {0, 0, 0};
        pre[0] = (unsigned char)(proto | think | 32); pre[1] = 0; pre[2] = 0; pre[3] = 200; pre[4] = 7;
        sb_add(&b, pre, 5);
        sb_str(&b, "content-type: text/event-stream\nx-request-id: req_fuzz\n\n");
        sb_add(&b, body, n);
        put_seed("engine", name, b.p, b.len);
        free(b.p);
    }
}

static void seed_whole_body(const char *name, int proto, const char *body, size_t n) {
    unsigned char pre[5];
    int status = status_of(name), which = 0;
    char nm[700];
    if (has(name, "models") || has(name, "tags")) which = 2;
    else if (has(name, "embed")) which = 1;
    if (!has(name, "error") || which) {
        pre[0] = (unsigned char)(proto | (which << 5)); pre[1] = (unsigned char)(status >> 8); pre[2] = (unsigned char)(status & 255);
        put_with("response", name, pre, 3, body, n);
    }
    pre[0] = 0; pre[1] = 0; pre[2] = (unsigned char)(status >= 300 ? status >> 8 : 1); pre[3] = (unsigned char)(status >= 300 ? status & 255 : 0x90);
    pre[4] = (unsigned char)proto;
    put_with("error", name, pre, 5, body, n);
    put_seed("json", name, body, n);
    if (!which) {
        sb b = {0, 0, 0};
        pre[0] = (unsigned char)proto; pre[1] = 0; pre[2] = (unsigned char)(status >> 8); pre[3] = (unsigned char)(status & 255); pre[4] = 3;
        sb_add(&b, pre, 5);
        sb_str(&b, status == 429 ? "retry-after: 2\nx-request-id: req_fuzz\n\n" : "content-type: application/json\n\n");
        sb_add(&b, body, n);
        snprintf(nm, sizeof nm, "%s.unary", name);
        put_seed("engine", nm, b.p, b.len);
        free(b.p);
    }
}

/* Lines of a JSON-lines body as JSON seeds (a few per file). */
static void seed_json_lines(const char *name, const char *raw, size_t len) {
    size_t i = 0, k = 0;
    while (i < len && k < 6) {
        const char *nl = (const char *)memchr(raw + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - raw) : len;
        if (e > i) {
            char nm[700];
            snprintf(nm, sizeof nm, "%s.%lu", name, (unsigned long)k++);
            put_seed("json", nm, raw + i, e - i);
        }
        i = e + 1;
    }
}

static void seed_file(const char *root, const char *rel) {
    char path[1024], name[600];
    size_t n = 0;
    char *raw;
    int proto;
    snprintf(path, sizeof path, "%s/%s", root, rel);
    snprintf(name, sizeof name, "%s%s", strstr(root, "shared") ? "shared_" : "repo_", rel);
    proto = protocol_of(path);
    if (ends(rel, ".md") || !(raw = read_all(path, &n))) return;
    if (ends(rel, ".chunks.jsonl")) {
        sb b = {0, 0, 0};
        unsigned char pre[2] = { 0, 7 };
        wrap_chunks(raw, n, proto, &b);
        seed_stream_body(name, proto, b.p, b.len);
        put_with("ndjson", name, pre, 2, raw, n);
        seed_json_lines(name, raw, n);
        free(b.p);
    } else if (proto == AILIB_PROTOCOL_BEDROCK && ends(rel, ".jsonl")) {
        sb b = {0, 0, 0};
        encode_frames(raw, n, &b);
        seed_stream_body(name, proto, b.p, b.len);
        seed_json_lines(name, raw, n);
        free(b.p);
    } else if (ends(rel, ".eventstream.bin") || ends(rel, ".sse") || ends(rel, ".ndjson")) {
        seed_stream_body(name, proto, raw, n);
        if (ends(rel, ".ndjson")) seed_json_lines(name, raw, n);
    } else if (ends(rel, ".json")) {
        seed_whole_body(name, proto, raw, n);
    }
    free(raw);
}

static void walk(const char *root, const char *sub, int depth) {
    char path[1024];
    DIR *d;
    struct dirent *e;
    snprintf(path, sizeof path, "%s%s%s", root, *sub ? "/" : "", sub);
    if (!(d = opendir(path))) return;
    while ((e = readdir(d)) != NULL) {
        char rel[512];
        struct stat st;
        char full[1024];
        if (e->d_name[0] == '.') continue;
        if (strlen(sub) + strlen(e->d_name) + 2 > sizeof rel) continue;
        strcpy(rel, sub);
        if (*sub) strcat(rel, "/");
        strcat(rel, e->d_name);
        snprintf(full, sizeof full, "%s/%s", root, rel);
        if (stat(full, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) { if (depth < 3) walk(root, rel, depth + 1); }
        else seed_file(root, rel);
    }
    closedir(d);
}

/* Hand-written seeds for what the fixtures do not show. */
static void seed_handwritten(void) {
    static const char *const json[] = {
        "0", "-0", "-0.0", "1e308", "1e-400", "123456789012345678901234567890", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "0.1", "2.5e-324", "1.7976931348623157e308",
        "3.602879701896397e16", "[1,2.5,-3e2,{\"a\":[true,false,null]}]", "\"\\ud83d\\ude00 \\u00e9 \\n\"",
        "{\"a\":1,\"a\":2,\"b\":{\"c\":\"d\"}}", "\"\\ud800\"", "[[[[[[[[[[[]]]]]]]]]]]", " \t\n[ ] ",
    };
    static const char *const schemas[] = {
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"minLength\":1},\"n\":{\"type\":\"integer\",\"minimum\":0}},"
        "\"required\":[\"city\"],\"additionalProperties\":false}\0{\"city\":\"Paris\",\"n\":3}",
        "{\"anyOf\":[{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}},{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"}}]}\0"
        "[[[[{\"a\":[[1]]}]]]]",
        "{\"$defs\":{\"n\":{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/n\"}},"
        "\"kind\":{\"const\":\"a\"}},\"required\":[\"kind\"]}},\"anyOf\":[{\"$ref\":\"#/$defs/n\"},{\"type\":\"null\"}]}\0"
        "{\"kind\":\"a\",\"kids\":[{\"kind\":\"a\",\"kids\":[]},{\"kind\":\"b\"}]}",
        "{\"type\":[\"string\",\"null\"],\"enum\":[\"x\",\"y\",null]}\0\"x\"",
        "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"number\"},{\"type\":\"string\"}],\"items\":false,\"uniqueItems\":true,"
        "\"contains\":{\"const\":1}}\0[1,\"a\"]",
        "{\"oneOf\":[{\"multipleOf\":0.1},{\"exclusiveMaximum\":3}],\"not\":{\"type\":\"string\"}}\0 0.3",
        "{\"if\":{\"properties\":{\"a\":{\"const\":1}}},\"then\":{\"required\":[\"b\"]},\"else\":{\"required\":[\"c\"]}}\0{\"a\":1}",
        "{\"allOf\":[{\"$ref\":\"#/definitions/a\"},{\"properties\":{\"z\":{\"type\":\"boolean\"}}}],\"definitions\":{\"a\":"
        "{\"properties\":{\"y\":{\"type\":\"string\",\"format\":\"date-time\"}},\"required\":[\"y\"]}}}\0{\"y\":\"2026\",\"z\":true}",
        "{\"type\":\"object\",\"nullable\":true,\"properties\":{\"a\":{\"type\":\"integer\",\"exclusiveMinimum\":0,\"maximum\":10}},"
        "\"minProperties\":1,\"maxProperties\":3,\"patternProperties\":{\"^x\":{}}}\0null",
        "{\"$defs\":{\"a\":{\"type\":\"array\",\"items\":[{\"$ref\":\"#/$defs/b\"},{\"$ref\":\"#/$defs/b\"}]},"
        "\"b\":{\"type\":\"array\",\"items\":[{\"$ref\":\"#/$defs/c\"},{\"$ref\":\"#/$defs/c\"}]},\"c\":{\"type\":\"string\"}},"
        "\"$ref\":\"#/$defs/a\"}\0[[\"a\",\"b\"],[\"c\",\"d\"]]",
    };
    static const char *const think[] = {
        "<think>plan</think>answer", "a<thi<think>b</think</think>c", "<think></think><think>x", "</think>text<", "<<think>>",
    };
    static const char *const sse[] = {
        "event: a\nid: 1\nretry: 100\ndata: x\ndata:y\n\n: comment\n\ndata\n\n", ("\xEF\xBB\xBF" "data: bom\r\n\r\ndata: cr\r\rdata: z\n\n"),
        "id: \0x\ndata: a\n\nfoo: bar\nevent:\ndata: b\n\n",
    };
    size_t i;
    for (i = 0; i < sizeof json / sizeof json[0]; i++) {
        char nm[32];
        snprintf(nm, sizeof nm, "hand_%lu", (unsigned long)i);
        put_seed("json", nm, json[i], strlen(json[i]));
    }
    for (i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
        char nm[32];
        const char *s = schemas[i];
        size_t a = strlen(s), b = strlen(s + a + 1);
        snprintf(nm, sizeof nm, "hand_%lu", (unsigned long)i);
        put_seed("schema", nm, s, a + 1 + b);
    }
    for (i = 0; i < sizeof think / sizeof think[0]; i++) {
        char nm[32];
        unsigned char pre[2];
        pre[0] = (unsigned char)(i & 1); pre[1] = (unsigned char)i;
        snprintf(nm, sizeof nm, "hand_%lu", (unsigned long)i);
        put_with("think", nm, pre, 2, think[i], strlen(think[i]));
    }
    for (i = 0; i < sizeof sse / sizeof sse[0]; i++) {
        char nm[32];
        unsigned char pre[2];
        size_t n = i == 2 ? 43 : strlen(sse[i]);
        pre[0] = (unsigned char)(i & 3); pre[1] = (unsigned char)(3 * i);
        snprintf(nm, sizeof nm, "hand_%lu", (unsigned long)i);
        put_with("sse", nm, pre, 2, sse[i], n);
    }
    {
        /* the engine: a status-less exchange, a 101, a Retry-After date */
        static const unsigned char a[] = { 0, 4, 0, 0, 1 };
        static const unsigned char b[] = { 0, 0, 0, 101, 2 };
        static const unsigned char c[] = { 1, 0, 1, 0xF5, 3 };   /* 501 */
        static const char *const ta = "\n\n<html>hi</html>", *const tb = "upgrade: websocket\n\nraw bytes",
                          *const tc = "retry-after: Wed, 21 Oct 2015 07:28:00 GMT\n\n{\"error\":{\"message\":\"x\"}}";
        put_with("engine", "hand_nostatus", a, 5, ta, strlen(ta));
        put_with("engine", "hand_101", b, 5, tb, strlen(tb));
        put_with("engine", "hand_retry", c, 5, tc, strlen(tc));
        {
            /* hostile retry hints: a number past int64 milliseconds, infinity, a date with huge fields */
            static const char *const hostile[] = {
                "retry-after: 1e300\n\n{}", "retry-after-ms: inf\n\n{}",
                "retry-after: Fri, 31 Dec 2147483647 2147483647:59:59 GMT\n\n{}",
            };
            static const unsigned char h429[] = { 0, 0, 1, 0xAD, 1 };
            size_t k;
            for (k = 0; k < sizeof hostile / sizeof hostile[0]; k++) {
                char nm[32];
                snprintf(nm, sizeof nm, "hand_retry_hostile_%lu", (unsigned long)k);
                put_with("engine", nm, h429, 5, hostile[k], strlen(hostile[k]));
            }
        }
    }
    {
        static const unsigned char s0[] = { 0, 0, 0, 0, 0 };
        static const unsigned char s101[] = { 0, 0, 0, 101, 1 };
        put_with("error", "hand_status0_html", s0, 5, "<html>502</html>", 16);
        put_with("error", "hand_status101", s101, 5, "{\"error\":\"upgrade\"}", 19);
    }
}

int main(int argc, char **argv) {
    int i;
    if (argc < 2) { fprintf(stderr, "usage: seeds OUT_DIR [FIXTURE_DIR...]\n"); return 2; }
    out_dir = argv[1];
    mkdir(out_dir, 0777);
    for (i = 2; i < argc; i++) walk(argv[i], "", 0);
    seed_handwritten();
    printf("seeds: %lu files in %s\n", written, out_dir);
    return 0;
}

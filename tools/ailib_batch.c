/* ailib_batch.c - see ailib_batch.h. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "ailib_batch.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JB_WINDOW 512               /* requests parsed and handed to ailib_chat_batch at a time */

static int64_t jb_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- one input line as a request ------------------------------------------------------------- */

typedef struct jb_item {
    size_t line;
    const char *id;                 /* the id as JSON text, or NULL */
    ailib_json_doc *doc;
    ailib_request req;
    void **owned; size_t nowned, cowned;   /* what the request points to besides the document */
} jb_item;

static void *jb_own(jb_item *it, size_t size) {
    void *p;
    if (it->nowned == it->cowned) {
        size_t nc = it->cowned ? it->cowned * 2 : 8;
        void **no = (void **)realloc(it->owned, nc * sizeof *no);
        if (!no) return NULL;
        it->owned = no;
        it->cowned = nc;
    }
    if (!(p = calloc(1, size ? size : 1))) return NULL;
    it->owned[it->nowned++] = p;
    return p;
}

static void jb_item_free(jb_item *it) {
    size_t i;
    for (i = 0; i < it->nowned; i++) free(it->owned[i]);
    free(it->owned);
    ailib_json_doc_destroy(it->doc);
    memset(it, 0, sizeof *it);
}

/* A JSON value as compact text owned by the item (tool parameters, schemas). */
static const char *jb_text(jb_item *it, const ailib_json *v) {
    ailib_json_writer w;
    char *s = NULL;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_value(&w, v);
    if (ailib_json_writer_finish(&w) == AILIB_OK && (s = (char *)jb_own(it, w.len + 1)) != NULL) memcpy(s, w.buf, w.len + 1);
    ailib_json_writer_deinit(&w);
    return s;
}

static int jb_bad(char *why, size_t cap, const char *fmt, const char *what) {
    snprintf(why, cap, fmt, what);
    return 0;
}

/* The parts of one message's content (a string, or an array of text / image_url parts). */
static int jb_content(jb_item *it, const ailib_json *content, ailib_message *m, ailib_part *extra, size_t nextra, char *why, size_t cap) {
    size_t n, i, k = 0;
    const ailib_json *p;
    ailib_part *parts;
    if (ailib_json_is_string(content) || ailib_json_is_null(content)) {
        if (!nextra) { m->text = ailib_json_is_string(content) ? ailib_json_str(content, NULL) : ""; return 1; }
        n = 1;
    } else if (ailib_json_is_array(content)) n = ailib_json_size(content);
    else return jb_bad(why, cap, "%s: content must be a string or an array of parts", "messages");
    if (!(parts = (ailib_part *)jb_own(it, (n + nextra) * sizeof *parts))) return jb_bad(why, cap, "%s", "out of memory");
    if (ailib_json_is_array(content)) {
        for (i = 0, p = ailib_json_first(content); i < n; i++, p = ailib_json_next(p)) {
            const char *type = ailib_json_str(ailib_json_get(p, "type"), NULL);
            if (ailib_json_is_string(p)) { parts[k].type = AILIB_PART_TEXT; parts[k++].text = ailib_json_str(p, NULL); }
            else if (type && !strcmp(type, "text")) { parts[k].type = AILIB_PART_TEXT; parts[k++].text = ailib_json_str(ailib_json_get(p, "text"), NULL); }
            else if (type && !strcmp(type, "image_url")) {
                const ailib_json *u = ailib_json_get(p, "image_url");
                parts[k].type = AILIB_PART_IMAGE;
                parts[k].url = ailib_json_is_string(u) ? ailib_json_str(u, NULL) : ailib_json_str(ailib_json_get(u, "url"), NULL);
                if (!parts[k++].url) return jb_bad(why, cap, "%s: an image_url part has no url", "messages");
            } else return jb_bad(why, cap, "messages: content part type '%s' is not supported (text, image_url)", type ? type : "?");
            if (parts[k - 1].type == AILIB_PART_TEXT && !parts[k - 1].text) return jb_bad(why, cap, "%s: a text part has no text", "messages");
        }
    } else if (ailib_json_is_string(content)) { parts[k].type = AILIB_PART_TEXT; parts[k++].text = ailib_json_str(content, NULL); }
    for (i = 0; i < nextra; i++) parts[k++] = extra[i];
    m->parts = parts;
    m->part_count = k;
    return 1;
}

static int jb_messages(jb_item *it, const ailib_json *arr, char *why, size_t cap) {
    size_t n = ailib_json_size(arr), i, j, nt;
    const ailib_json *mv, *tc;
    ailib_message *msgs;
    if (!ailib_json_is_array(arr) || !n) return jb_bad(why, cap, "%s must be a non-empty array", "messages");
    if (!(msgs = (ailib_message *)jb_own(it, n * sizeof *msgs))) return jb_bad(why, cap, "%s", "out of memory");
    for (i = 0, mv = ailib_json_first(arr); i < n; i++, mv = ailib_json_next(mv)) {
        const char *role = ailib_json_str(ailib_json_get(mv, "role"), NULL);
        const ailib_json *content = ailib_json_get(mv, "content");
        ailib_message *m = &msgs[i];
        if (!ailib_json_is_object(mv) || !role) return jb_bad(why, cap, "%s: each message is an object with a role", "messages");
        if (!strcmp(role, "system") || !strcmp(role, "developer")) m->role = AILIB_ROLE_SYSTEM;
        else if (!strcmp(role, "user")) m->role = AILIB_ROLE_USER;
        else if (!strcmp(role, "assistant")) {
            const ailib_json *calls = ailib_json_get(mv, "tool_calls");
            ailib_part *extra = NULL;
            m->role = AILIB_ROLE_ASSISTANT;
            nt = ailib_json_is_array(calls) ? ailib_json_size(calls) : 0;
            if (nt && !(extra = (ailib_part *)jb_own(it, nt * sizeof *extra))) return jb_bad(why, cap, "%s", "out of memory");
            for (j = 0, tc = ailib_json_first(calls); j < nt; j++, tc = ailib_json_next(tc)) {
                const ailib_json *fn = ailib_json_get(tc, "function");
                extra[j].type = AILIB_PART_TOOL_CALL;
                extra[j].id = ailib_json_str(ailib_json_get(tc, "id"), NULL);
                extra[j].name = ailib_json_str(ailib_json_get(fn, "name"), NULL);
                extra[j].text = ailib_json_str(ailib_json_get(fn, "arguments"), NULL);
                if (!extra[j].text && ailib_json_is_object(ailib_json_get(fn, "arguments"))) extra[j].text = jb_text(it, ailib_json_get(fn, "arguments"));
                if (!extra[j].id || !extra[j].name) return jb_bad(why, cap, "%s: a tool call needs an id and function.name", "messages");
                if (!extra[j].text) extra[j].text = "{}";
            }
            if (!jb_content(it, ailib_json_is_null(content) && nt ? NULL : content, m, extra, nt, why, cap)) return 0;
            if (nt && ailib_json_is_null(content)) { m->text = NULL; }
            continue;
        } else if (!strcmp(role, "tool")) {
            ailib_part *p = (ailib_part *)jb_own(it, sizeof *p);
            if (!p) return jb_bad(why, cap, "%s", "out of memory");
            m->role = AILIB_ROLE_TOOL;
            p->type = AILIB_PART_TOOL_RESULT;
            p->id = ailib_json_str(ailib_json_get(mv, "tool_call_id"), NULL);
            p->name = ailib_json_str(ailib_json_get(mv, "name"), NULL);
            p->text = ailib_json_is_string(content) ? ailib_json_str(content, NULL) : content ? jb_text(it, content) : "";
            if (!p->id) return jb_bad(why, cap, "%s: a tool message needs tool_call_id", "messages");
            m->parts = p;
            m->part_count = 1;
            continue;
        } else return jb_bad(why, cap, "messages: unknown role '%s' (system, developer, user, assistant, tool)", role);
        if (!jb_content(it, content, m, NULL, 0, why, cap)) return 0;
    }
    it->req.messages = msgs;
    it->req.message_count = n;
    return 1;
}

static int jb_number(const ailib_json *o, const char *key, double *out) {
    const ailib_json *v = ailib_json_get(o, key);
    if (!ailib_json_is_number(v)) return 0;
    *out = ailib_json_double(v);
    return 1;
}

/* Parses one line into it->req; 0 with why filled when it is not a valid request. */
static int jb_parse(jb_item *it, const char *line, size_t len, char *why, size_t cap, ailib_result *code) {
    ailib_error e;
    const ailib_json *root, *v;
    double d;
    const char *s;
    *code = AILIB_INVALID_ARGUMENT;
    if (ailib_json_parse(line, len, NULL, &it->doc, &e) != AILIB_OK) {
        *code = e.code;
        snprintf(why, cap, "line %lu is not valid JSON: %.300s", (unsigned long)it->line, e.message);
        return 0;
    }
    root = ailib_json_doc_root(it->doc);
    if (!ailib_json_is_object(root)) return jb_bad(why, cap, "%s: each line must be a JSON object with messages or prompt", "input");
    if ((v = ailib_json_get(root, "id")) != NULL) it->id = jb_text(it, v);
    if ((v = ailib_json_get(root, "messages")) != NULL) { if (!jb_messages(it, v, why, cap)) return 0; }
    else if ((s = ailib_json_str(ailib_json_get(root, "prompt"), NULL)) != NULL) {
        ailib_message *m = (ailib_message *)jb_own(it, sizeof *m);
        if (!m) return jb_bad(why, cap, "%s", "out of memory");
        m->role = AILIB_ROLE_USER;
        m->text = s;
        it->req.messages = m;
        it->req.message_count = 1;
    } else return jb_bad(why, cap, "%s: a line needs \"messages\" (OpenAI chat shape) or \"prompt\"", "input");
    it->req.model = ailib_json_str(ailib_json_get(root, "model"), NULL);
    it->req.system = ailib_json_str(ailib_json_get(root, "system"), NULL);
    if (jb_number(root, "max_tokens", &d) || jb_number(root, "max_completion_tokens", &d)) it->req.max_tokens = (int64_t)d;
    if (jb_number(root, "temperature", &d)) it->req.temperature = ailib_set(d);
    if (jb_number(root, "top_p", &d)) it->req.top_p = ailib_set(d);
    if (jb_number(root, "presence_penalty", &d)) it->req.presence_penalty = ailib_set(d);
    if (jb_number(root, "frequency_penalty", &d)) it->req.frequency_penalty = ailib_set(d);
    if (jb_number(root, "top_k", &d)) it->req.top_k = ailib_set_int((int64_t)d);
    if (jb_number(root, "seed", &d)) it->req.seed = ailib_set_int((int64_t)d);
    if ((v = ailib_json_get(root, "stop")) != NULL) {
        const char **stops;
        size_t n = ailib_json_is_array(v) ? ailib_json_size(v) : 1, i;
        const ailib_json *sv = ailib_json_is_array(v) ? ailib_json_first(v) : v;
        if (!(stops = (const char **)jb_own(it, n * sizeof *stops))) return jb_bad(why, cap, "%s", "out of memory");
        for (i = 0; i < n; i++, sv = ailib_json_next(sv))
            if (!(stops[i] = ailib_json_str(sv, NULL))) return jb_bad(why, cap, "%s must be a string or an array of strings", "stop");
        it->req.stop = stops;
        it->req.stop_count = n;
    }
    if ((s = ailib_json_str(ailib_json_get(root, "reasoning_effort"), NULL)) != NULL) {
        static const char *const names[] = { "", "none", "minimal", "low", "medium", "high", "xhigh" };
        int k;
        for (k = 1; k < 7 && strcmp(s, names[k]); k++) {}
        if (k == 7) return jb_bad(why, cap, "reasoning_effort '%s' is not none, minimal, low, medium, high or xhigh", s);
        it->req.reasoning.effort = (ailib_effort)k;
    }
    if ((v = ailib_json_get(root, "tools")) != NULL) {
        size_t n = ailib_json_size(v), i;
        const ailib_json *tv;
        ailib_tool *tools;
        if (!ailib_json_is_array(v)) return jb_bad(why, cap, "%s must be an array", "tools");
        if (!(tools = (ailib_tool *)jb_own(it, (n ? n : 1) * sizeof *tools))) return jb_bad(why, cap, "%s", "out of memory");
        for (i = 0, tv = ailib_json_first(v); i < n; i++, tv = ailib_json_next(tv)) {
            const ailib_json *fn = ailib_json_get(tv, "function");
            if (!fn) fn = tv;
            tools[i].name = ailib_json_str(ailib_json_get(fn, "name"), NULL);
            tools[i].description = ailib_json_str(ailib_json_get(fn, "description"), NULL);
            if (ailib_json_get(fn, "parameters")) tools[i].parameters = jb_text(it, ailib_json_get(fn, "parameters"));
            tools[i].strict = ailib_json_bool(ailib_json_get(fn, "strict"));
            if (!tools[i].name) return jb_bad(why, cap, "%s: each tool needs function.name", "tools");
        }
        it->req.tools = tools;
        it->req.tool_count = n;
    }
    if ((v = ailib_json_get(root, "response_format")) != NULL) {
        const char *type = ailib_json_str(ailib_json_get(v, "type"), NULL);
        if (type && !strcmp(type, "json_object")) it->req.response_format.type = AILIB_FORMAT_JSON;
        else if (type && !strcmp(type, "json_schema")) {
            const ailib_json *js = ailib_json_get(v, "json_schema");
            it->req.response_format.type = AILIB_FORMAT_JSON_SCHEMA;
            it->req.response_format.name = ailib_json_str(ailib_json_get(js, "name"), NULL);
            it->req.response_format.strict = ailib_json_bool(ailib_json_get(js, "strict"));
            if (!ailib_json_is_object(ailib_json_get(js, "schema"))) return jb_bad(why, cap, "%s: json_schema.schema must be an object", "response_format");
            it->req.response_format.schema = jb_text(it, ailib_json_get(js, "schema"));
        } else if (!type || strcmp(type, "text")) return jb_bad(why, cap, "response_format type '%s' is not text, json_object or json_schema", type ? type : "?");
    }
    *code = AILIB_OK;
    return 1;
}

static void jb_defaults(ailib_request *r, const ailib_request *d) {
    size_t i;
    int has_system = r->system != NULL;
    if (!d) return;
    for (i = 0; i < r->message_count; i++) if (r->messages[i].role == AILIB_ROLE_SYSTEM) has_system = 1;
    if (!has_system && d->system) r->system = d->system;
    if (!r->max_tokens) r->max_tokens = d->max_tokens;
    if (!r->temperature.set) r->temperature = d->temperature;
    if (!r->top_p.set) r->top_p = d->top_p;
    if (!r->reasoning.effort) r->reasoning = d->reasoning;
}

/* --- one result as an output line ----------------------------------------------------------- */

static void jb_opt_string(ailib_json_writer *w, const char *key, const char *s) {
    ailib_json_write_key(w, key);
    if (s && *s) ailib_json_write_string(w, s); else ailib_json_write_null(w);
}

static void jb_usage_field(ailib_json_writer *w, const ailib_usage *u, const char *key, int64_t v, uint32_t bit) {
    ailib_json_write_key(w, key);
    if (u && (u->reported & bit)) ailib_json_write_int(w, v); else ailib_json_write_null(w);
}

/* The response as `ailib --json` prints it (the CLI calls this too: one shape for both). */
void jsonl_batch_write_response(ailib_json_writer *w, const ailib_response *r, const char *requested) {
    const ailib_usage *u = ailib_response_usage(r);
    const char *s;
    size_t len, i, n = ailib_response_tool_call_count(r);
    ailib_json_write_object_begin(w);
    ailib_json_write_key(w, "model");
    ailib_json_write_string(w, *ailib_response_model(r) ? ailib_response_model(r) : requested ? requested : "");
    jb_opt_string(w, "id", ailib_response_id(r));
    s = ailib_response_text(r, &len);
    ailib_json_write_key(w, "text");
    ailib_json_write_stringn(w, s, len);
    s = ailib_response_reasoning(r, &len);
    ailib_json_write_key(w, "reasoning");
    if (len) ailib_json_write_stringn(w, s, len); else ailib_json_write_null(w);
    ailib_json_write_key(w, "tool_calls");
    ailib_json_write_array_begin(w);
    for (i = 0; i < n; i++) {
        const ailib_tool_call *tc = ailib_response_tool_call(r, i);
        ailib_json_write_object_begin(w);
        ailib_json_write_key(w, "id");        ailib_json_write_stringn(w, tc->id, tc->id_len);
        ailib_json_write_key(w, "name");      ailib_json_write_stringn(w, tc->name, tc->name_len);
        ailib_json_write_key(w, "arguments"); ailib_json_write_stringn(w, tc->arguments, tc->arguments_len);
        ailib_json_write_object_end(w);
    }
    ailib_json_write_array_end(w);
    ailib_json_write_key(w, "finish_reason");
    ailib_json_write_string(w, ailib_finish_reason_name(ailib_response_finish_reason(r)));
    jb_opt_string(w, "finish_reason_raw", ailib_response_finish_reason_raw(r));
    ailib_json_write_key(w, "usage");
    ailib_json_write_object_begin(w);
    jb_usage_field(w, u, "input", u ? u->input_tokens : 0, AILIB_USAGE_INPUT);
    jb_usage_field(w, u, "output", u ? u->output_tokens : 0, AILIB_USAGE_OUTPUT);
    jb_usage_field(w, u, "total", u ? u->total_tokens : 0, AILIB_USAGE_TOTAL);
    jb_usage_field(w, u, "cached_input", u ? u->cached_input_tokens : 0, AILIB_USAGE_CACHED);
    jb_usage_field(w, u, "cache_write", u ? u->cache_write_tokens : 0, AILIB_USAGE_CACHE_WRITE);
    jb_usage_field(w, u, "reasoning", u ? u->reasoning_tokens : 0, AILIB_USAGE_REASONING);
    ailib_json_write_object_end(w);
    jb_opt_string(w, "request_id", ailib_response_request_id(r));
    ailib_json_write_object_end(w);
}

typedef struct jb_run {
    ailib_client *c;
    const jsonl_batch_opts *o;
    jsonl_batch_stats *st;
    FILE *out;
    jb_item *items;
    size_t total;                   /* requests this run will send, 0 when unknown (stdin) */
    size_t done_before;             /* finished in earlier windows */
    int64_t start, last_bar;
    int io_failed;
    ailib_error io_err;
} jb_run;

/* Writes one result line and flushes it, so a crash loses nothing that finished. */
static void jb_write(jb_run *b, size_t line, const char *id, ailib_result res, const ailib_response *r, const ailib_error *e) {
    ailib_json_writer w;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_object_begin(&w);
    ailib_json_write_key(&w, "line");
    ailib_json_write_int(&w, (int64_t)line);
    ailib_json_write_key(&w, "id");
    if (id) ailib_json_write_raw(&w, id, strlen(id)); else ailib_json_write_null(&w);
    ailib_json_write_key(&w, "response");
    if (res == AILIB_OK && r) jsonl_batch_write_response(&w, r, ailib_client_model(b->c)); else ailib_json_write_null(&w);
    ailib_json_write_key(&w, "error");
    if (res == AILIB_OK) ailib_json_write_null(&w);
    else {
        ailib_json_write_object_begin(&w);
        ailib_json_write_key(&w, "code");
        ailib_json_write_string(&w, ailib_result_name(res));
        ailib_json_write_key(&w, "message");
        ailib_json_write_string(&w, e ? e->message : ailib_result_string(res));
        ailib_json_write_key(&w, "http_status");
        if (e && e->http_status) ailib_json_write_int(&w, e->http_status); else ailib_json_write_null(&w);
        jb_opt_string(&w, "provider_type", e ? e->provider_type : NULL);
        jb_opt_string(&w, "provider_code", e ? e->provider_code : NULL);
        jb_opt_string(&w, "request_id", e ? e->request_id : NULL);
        ailib_json_write_object_end(&w);
    }
    ailib_json_write_object_end(&w);
    if (ailib_json_writer_finish(&w) != AILIB_OK || fwrite(w.buf, 1, w.len, b->out) != w.len || fputc('\n', b->out) == EOF ||
        fflush(b->out) != 0) {
        if (!b->io_failed) snprintf(b->io_err.message, sizeof b->io_err.message, "could not write to %s", b->o->out_path);
        b->io_failed = 1;
    }
    ailib_json_writer_deinit(&w);
}

static void jb_bar(jb_run *b, size_t done, size_t failed, int64_t in_tok, int64_t out_tok, int final) {
    int64_t el = jb_now_ms() - b->start;
    double rate = el > 0 ? (double)done * 1000.0 / (double)el : 0;
    char eta[32] = "";
    FILE *f = b->o->progress;
    if (!f) return;
    if (b->total && rate > 0 && done < b->total) {
        long s = (long)((double)(b->total - done) / rate);
        snprintf(eta, sizeof eta, " ETA %ldm%02lds", s / 60, s % 60);
    }
    if (b->total) {
        int width = 24, filled = (int)((double)width * (double)done / (double)b->total), i;
        fputs("\r[", f);
        for (i = 0; i < width; i++) fputc(i < filled ? '=' : i == filled ? '>' : ' ', f);
        fprintf(f, "] %lu/%lu", (unsigned long)done, (unsigned long)b->total);
    } else fprintf(f, "\r%lu done", (unsigned long)done);
    fprintf(f, "  %.1f/s%s  tokens in %lld out %lld", rate, eta, (long long)in_tok, (long long)out_tok);
    if (failed) fprintf(f, "  %lu failed", (unsigned long)failed);
    fputs(final ? "\n" : "  \b\b", f);
    fflush(f);
}

static void jb_on_item(void *user, size_t index, ailib_batch_item *r) {
    jb_run *b = (jb_run *)user;
    jb_item *it = &b->items[index];
    if (r->result == AILIB_CANCELLED && b->o->stop && *b->o->stop) return;   /* interrupted: the next run does it */
    if (r->result == AILIB_OK) b->st->ok++; else b->st->failed++;
    if (r->response) {
        const ailib_usage *u = ailib_response_usage(r->response);
        b->st->input_tokens += u->input_tokens;
        b->st->output_tokens += u->output_tokens;
    }
    jb_write(b, it->line, it->id, r->result, r->response, &r->error);
    ailib_response_destroy(r->response);          /* written: memory stays flat */
    r->response = NULL;
}

static int jb_on_progress(void *user, const ailib_batch_progress *p) {
    jb_run *b = (jb_run *)user;
    int64_t now = jb_now_ms();
    (void)p;
    if (now - b->last_bar >= 100) {
        b->last_bar = now;
        jb_bar(b, b->st->ok + b->st->failed, b->st->failed, b->st->input_tokens, b->st->output_tokens, 0);
    }
    return (b->o->stop && *b->o->stop) || b->io_failed;
}

/* Lines of the output already done: 1 succeeded, 2 failed (the last line for a number wins). */
typedef struct jb_done { unsigned char *v; size_t n; } jb_done;

static int jb_done_set(jb_done *d, size_t line, unsigned char what) {
    if (line >= d->n) {
        size_t nn = d->n ? d->n : 1024;
        unsigned char *nv;
        while (nn <= line) nn *= 2;
        if (!(nv = (unsigned char *)realloc(d->v, nn))) return 0;
        memset(nv + d->n, 0, nn - d->n);
        d->v = nv;
        d->n = nn;
    }
    d->v[line] = what;
    return 1;
}

/* Reads the output file's complete lines; *ends_nl says whether it ends in a newline (a
   half-written line needs one before anything is appended). */
static int jb_read_done(const char *path, jb_done *d, int *ends_nl) {
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    *ends_nl = 1;
    if (!f) return 1;                    /* nothing yet */
    while ((n = getline(&line, &cap, f)) > 0) {
        ailib_json_doc *doc = NULL;
        if (line[n - 1] != '\n') { *ends_nl = 0; break; }
        if (ailib_json_parse(line, (size_t)n, NULL, &doc, NULL) == AILIB_OK) {
            const ailib_json *root = ailib_json_doc_root(doc), *ln = ailib_json_get(root, "line");
            if (ailib_json_type_of(ln) == AILIB_JSON_INT && ailib_json_int(ln) > 0 &&
                !jb_done_set(d, (size_t)ailib_json_int(ln), ailib_json_is_null(ailib_json_get(root, "error")) ? 1 : 2)) {
                ailib_json_doc_destroy(doc);
                free(line);
                fclose(f);
                return 0;
            }
        }
        ailib_json_doc_destroy(doc);
    }
    free(line);
    fclose(f);
    return 1;
}

static int jb_blank(const char *s, ssize_t n) {
    ssize_t i;
    for (i = 0; i < n; i++) if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return 0;
    return 1;
}

static int jb_skip(const jsonl_batch_opts *o, const jb_done *d, size_t line) {
    unsigned char v = line < d->n ? d->v[line] : 0;
    return v == 1 || (v == 2 && !o->retry_failed);
}

/* Runs a window of parsed items through ailib_chat_batch. */
static ailib_result jb_window(jb_run *b, size_t n, ailib_error *err) {
    ailib_request *reqs = (ailib_request *)malloc((n ? n : 1) * sizeof *reqs);
    ailib_batch_item *res = (ailib_batch_item *)malloc((n ? n : 1) * sizeof *res);
    ailib_batch_desc bd;
    ailib_result r;
    size_t i;
    if (!reqs || !res) {
        free(reqs);
        free(res);
        if (err) { ailib_error_clear(err); err->code = AILIB_OUT_OF_MEMORY; snprintf(err->message, sizeof err->message, "out of memory"); }
        return AILIB_OUT_OF_MEMORY;
    }
    for (i = 0; i < n; i++) reqs[i] = b->items[i].req;
    memset(&bd, 0, sizeof bd);
    bd.concurrency = b->o->concurrency > 0 ? b->o->concurrency : 8;
    bd.on_item = jb_on_item;
    bd.on_progress = jb_on_progress;
    bd.user = b;
    r = ailib_chat_batch(b->c, reqs, n, &bd, res, err);
    ailib_batch_free(res, n);
    free(reqs);
    free(res);
    return r;
}

static jsonl_batch_status jb_fail(ailib_error *err, jsonl_batch_status st, const char *fmt, const char *what) {
    if (err) {
        ailib_error_clear(err);
        err->code = st == JSONL_BATCH_IO_ERROR ? AILIB_INVALID_ARGUMENT : AILIB_NETWORK;
        snprintf(err->message, sizeof err->message, fmt, what);
    }
    return st;
}

jsonl_batch_status jsonl_batch_run(ailib_client *c, const jsonl_batch_opts *o, jsonl_batch_stats *stats, ailib_error *err) {
    jsonl_batch_stats local;
    jb_run b;
    jb_done done;
    FILE *in = NULL;
    char *line = NULL, why[400];
    size_t cap = 0, lineno = 0, k = 0, i;
    ssize_t n;
    int ends_nl = 1, from_stdin;
    ailib_result wr = AILIB_OK, code;
    jsonl_batch_status st = JSONL_BATCH_OK;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    memset(&done, 0, sizeof done);
    memset(&b, 0, sizeof b);
    if (!c || !o || !o->in_path || !o->out_path) return jb_fail(err, JSONL_BATCH_IO_ERROR, "%s", "jsonl_batch_run: client, input and output are required");
    from_stdin = strcmp(o->in_path, "-") == 0;
    if (!jb_read_done(o->out_path, &done, &ends_nl)) return jb_fail(err, JSONL_BATCH_IO_ERROR, "out of memory reading %s", o->out_path);
    if (!from_stdin) {
        /* a first pass counts what this run will send, for the progress bar's total and ETA */
        if (!(in = fopen(o->in_path, "rb"))) { free(done.v); return jb_fail(err, JSONL_BATCH_IO_ERROR, "cannot open %s", o->in_path); }
        while ((n = getline(&line, &cap, in)) >= 0) {
            lineno++;
            if (!jb_blank(line, n) && !jb_skip(o, &done, lineno)) b.total++;
        }
        fclose(in);
        lineno = 0;
    }
    in = from_stdin ? stdin : fopen(o->in_path, "rb");
    if (!in) { free(done.v); free(line); return jb_fail(err, JSONL_BATCH_IO_ERROR, "cannot open %s", o->in_path); }
    if (!(b.out = fopen(o->out_path, "ab"))) {
        if (!from_stdin) fclose(in);
        free(done.v);
        free(line);
        return jb_fail(err, JSONL_BATCH_IO_ERROR, "cannot open %s for writing", o->out_path);
    }
    if (!ends_nl) fputc('\n', b.out);               /* a half-written last line stays alone on its line */
    b.c = c;
    b.o = o;
    b.st = stats;
    b.start = jb_now_ms();
    if (!(b.items = (jb_item *)calloc(JB_WINDOW, sizeof *b.items))) {
        st = jb_fail(err, JSONL_BATCH_IO_ERROR, "%s", "out of memory");
        goto out;
    }
    while (!b.io_failed && !(o->stop && *o->stop) && (n = getline(&line, &cap, in)) >= 0) {
        jb_item *it;
        lineno++;
        if (jb_blank(line, n)) continue;
        stats->lines++;
        if (jb_skip(o, &done, lineno)) {
            stats->skipped++;
            if (lineno < done.n && done.v[lineno] == 2) stats->skipped_failed++;
            continue;
        }
        it = &b.items[k];
        memset(it, 0, sizeof *it);
        it->line = lineno;
        if (!jb_parse(it, line, (size_t)n, why, sizeof why, &code)) {
            ailib_error e;
            ailib_error_clear(&e);
            e.code = code;
            snprintf(e.message, sizeof e.message, "%s", why);
            jb_write(&b, lineno, it->id, code, NULL, &e);
            stats->failed++;
            stats->invalid++;
            jb_item_free(it);
            continue;
        }
        jb_defaults(&it->req, o->defaults);
        if (++k == JB_WINDOW) {
            wr = jb_window(&b, k, err);
            for (i = 0; i < k; i++) jb_item_free(&b.items[i]);
            k = 0;
            if (wr != AILIB_OK) break;
        }
    }
    if (k && wr == AILIB_OK && !b.io_failed) wr = jb_window(&b, k, err);
    for (i = 0; i < k; i++) jb_item_free(&b.items[i]);
    jb_bar(&b, stats->ok + stats->failed, stats->failed, stats->input_tokens, stats->output_tokens, 1);
    if (b.io_failed) { st = JSONL_BATCH_IO_ERROR; if (err) *err = b.io_err; }
    else if (o->stop && *o->stop) st = JSONL_BATCH_INTERRUPTED;
    else if (wr != AILIB_OK && wr != AILIB_CANCELLED) st = JSONL_BATCH_TRANSPORT_ERROR;
    else if (!from_stdin && ferror(in)) st = jb_fail(err, JSONL_BATCH_IO_ERROR, "could not read %s", o->in_path);
    else if (stats->failed) st = JSONL_BATCH_SOME_FAILED;
out:
    stats->elapsed_ms = jb_now_ms() - b.start;
    free(b.items);
    free(line);
    free(done.v);
    if (!from_stdin) fclose(in);
    if (fclose(b.out) != 0 && st == JSONL_BATCH_OK) st = jb_fail(err, JSONL_BATCH_IO_ERROR, "could not write to %s", o->out_path);
    return st;
}

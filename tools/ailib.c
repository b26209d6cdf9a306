/* ailib - the command-line client of ailib: ask any catalog provider from the shell.

   ailib "prompt"                 stream the answer (Ctrl-C cancels cleanly, exit 130)
   ailib --json "prompt"          one non-streamed call, the normalized response as JSON
   ailib providers                the provider catalog and which keys are set
   ailib models [provider]        the model catalog; with a provider, its live model list
                                  merged with the catalog (catalog only when no key is set)

   Exit codes: 0 ok, 1 provider error, 2 usage error, 3 configuration (no key, unknown
   provider), 4 network or timeout, 130 interrupted. `ailib --help` has the rest.

   Every call runs on the library's non-blocking core with a short poll timeout, so SIGINT
   (which only sets a flag) is noticed within 50 ms and the call is cancelled from the loop.

   Build: cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -I. tools/ailib.c -o build/ailib -lcurl -lm -lpthread
*/
#define AILIB_IMPLEMENTATION
#include "ailib.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_PROVIDER = 1, EXIT_USAGE = 2, EXIT_CONFIG = 3, EXIT_NETWORK = 4, EXIT_INTERRUPTED = 130 };

static volatile sig_atomic_t g_interrupted = 0;

/* The first Ctrl-C asks the poll loop to cancel the call; a second one ends the process
   at once, should anything ever keep the loop from noticing the first. */
static void on_sigint(int sig) {
    (void)sig;
    if (g_interrupted) _exit(EXIT_INTERRUPTED);
    g_interrupted = 1;
}

typedef struct cli_options {
    const char *model, *system, *base_url;
    const char *prompt_arg;          /* joined positional arguments, or NULL: read stdin */
    ailib_optf temperature;
    int64_t max_tokens;
    ailib_effort effort;
    int64_t timeout_ms;
    int verbose, json;
} cli_options;

static const char *usage_text =
    "usage: ailib [options] [prompt...]      ask a model (prompt from stdin when none given)\n"
    "       ailib providers                  list the provider catalog and which keys are set\n"
    "       ailib models [options] [provider]\n"
    "                                        the model catalog; with a provider (or -m provider),\n"
    "                                        the models it lists now, merged with the catalog\n"
    "\n"
    "options:\n"
    "  -m provider/model     model to use (default: $AILIB_MODEL, else the default model of the\n"
    "                        first provider whose key variable is set); a bare provider name\n"
    "                        takes its default model\n"
    "  -s TEXT               system prompt\n"
    "  -t TEMP               temperature (e.g. 0.2)\n"
    "  --max-tokens N        cap on output tokens\n"
    "  --reasoning LEVEL     reasoning effort: low, medium or high (also none, minimal, xhigh)\n"
    "  --base-url URL        send to this base URL instead of the catalog's (proxies, local\n"
    "                        servers, the ailib-mock test server)\n"
    "  --timeout SECS        give up after this long (default: $AI_TIMEOUT_SECS, else 600)\n"
    "  --json                no streaming; print the normalized response as JSON (models: the\n"
    "                        rows as a JSON array)\n"
    "  -v                    log the chosen model, requests, retries and errors to stderr (never\n"
    "                        keys or prompts); reasoning goes to stderr when stdout is no terminal\n"
    "  --help, --version\n"
    "  --                    end of options (for a prompt that starts with '-')\n"
    "\n"
    "The API key comes from the provider's variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...;\n"
    "`ailib providers` names them all). Reasoning is shown dimmed when stdout is a terminal.\n"
    "Ctrl-C cancels a call.\n"
    "\n"
    "ailib models PROVIDER asks the provider for its models (-m, --base-url, --timeout, --json\n"
    "and -v apply) and prints one row per model with a SOURCE column: live+catalog (listed and\n"
    "in the catalog, whose context, capabilities and prices fill in what the provider does not\n"
    "say), live (listed, not in the catalog) or catalog only (a catalog row the provider did\n"
    "not list). Without the provider's key, or for a protocol without a model list (bedrock),\n"
    "it prints the catalog rows alone, says why on stderr and exits 0; a failed request exits\n"
    "1 or 4 like a chat call.\n"
    "\n"
    "exit codes: 0 ok, 1 provider error, 2 usage error, 3 configuration (missing key, unknown\n"
    "provider), 4 network error or timeout, 130 interrupted\n";

static int usage_error(const char *fmt, const char *arg) {
    fputs("ailib: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see ailib --help)\n", stderr);
    return EXIT_USAGE;
}

/* --- small helpers ------------------------------------------------------------------------- */

/* Parses a whole string as a finite number (the C locale is in force: no setlocale call). */
static int parse_double(const char *s, double *out) {
    char *end;
    double d;
    if (!s || !*s) return 0;
    errno = 0;
    d = strtod(s, &end);
    if (*end || errno || d != d) return 0;
    *out = d;
    return 1;
}

static int parse_int64(const char *s, int64_t *out) {
    char *end;
    long long v;
    if (!s || !*s) return 0;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (*end || errno) return 0;
    *out = (int64_t)v;
    return 1;
}

/* The first variable of a space-separated list that is set and non-empty (the library's
   rule), copied to which. */
static int env_any(const char *names, char *which, size_t cap) {
    const char *p = names;
    while (p && *p) {
        char name[128];
        size_t n = strcspn(p, " ");
        if (n && n < sizeof name) {
            const char *v;
            memcpy(name, p, n);
            name[n] = 0;
            v = getenv(name);
            if (v && *v) {
                if (which) snprintf(which, cap, "%s", name);
                return 1;
            }
        }
        p += n;
        while (*p == ' ') p++;
    }
    return 0;
}

static const char *protocol_name(ailib_protocol p) {
    switch (p) {
    case AILIB_PROTOCOL_OPENAI_CHAT: return "openai-chat";
    case AILIB_PROTOCOL_ANTHROPIC: return "anthropic";
    case AILIB_PROTOCOL_GEMINI: return "gemini";
    case AILIB_PROTOCOL_OLLAMA: return "ollama";
    case AILIB_PROTOCOL_COHERE: return "cohere";
    case AILIB_PROTOCOL_OPENAI_RESPONSES: return "openai-responses";
    case AILIB_PROTOCOL_BEDROCK: return "bedrock";
    default: return "?";
    }
}

static int needs_key(const ailib_provider_info *p) { return p->api_key_env && p->auth != AILIB_AUTH_NONE; }

static const char *key_status(const ailib_provider_info *p) {
    if (!needs_key(p)) return "local, no key needed";
    return env_any(p->api_key_env, NULL, 0) ? "key set" : "no key";
}

/* Reads all of f into a NUL-terminated malloc'd buffer; NULL on failure or interruption. */
static char *read_all(FILE *f) {
    size_t len = 0, cap = 4096, n;
    char *buf = (char *)malloc(cap), *nb;
    if (!buf) return NULL;
    for (;;) {
        if (cap - len < 2) {
            nb = (char *)realloc(buf, cap * 2);
            if (!nb) { free(buf); return NULL; }
            buf = nb;
            cap *= 2;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0) {
            if (ferror(f) || g_interrupted) { free(buf); return NULL; }
            break;
        }
    }
    buf[len] = 0;
    return buf;
}

/* Maps a library result to the documented exit codes. */
static int exit_code_of(ailib_result r) {
    switch (r) {
    case AILIB_OK: return EXIT_OK;
    case AILIB_CONFIGURATION: case AILIB_UNSUPPORTED: return EXIT_CONFIG;
    case AILIB_NETWORK: case AILIB_TIMEOUT: return EXIT_NETWORK;
    case AILIB_CANCELLED: return EXIT_INTERRUPTED;
    default: return EXIT_PROVIDER;
    }
}

/* Prints msg with the library's desc-field advice turned into this tool's flags. */
static void print_cli_message(const char *msg) {
    static const char *const subst[][2] = {
        { " or desc.api_key", "" }, { "desc.timeout_ms", "--timeout SECS" }, { "desc.base_url", "--base-url" },
        { "desc.model", "-m" }, { " or set desc.provider", "" }
    };
    const char *p = msg;
    while (*p) {
        size_t k, best = 0, at = strlen(p);
        for (k = 0; k < sizeof subst / sizeof subst[0]; k++) {
            const char *f = strstr(p, subst[k][0]);
            if (f && (size_t)(f - p) < at) { at = (size_t)(f - p); best = k + 1; }
        }
        fwrite(p, 1, at, stderr);
        if (!best) break;
        fputs(subst[best - 1][1], stderr);
        p += at + strlen(subst[best - 1][0]);
    }
}

static int report_error(ailib_result r, const ailib_error *err) {
    const char *msg = err->message[0] ? err->message : ailib_result_string(r);
    if (r == AILIB_CANCELLED && g_interrupted) msg = "interrupted";
    fputs("ailib: ", stderr);
    print_cli_message(msg);
    if (err->request_id[0]) fprintf(stderr, " (request id %s)", err->request_id);
    fputc('\n', stderr);
    return exit_code_of(r);
}

static void log_to_stderr(void *user, ailib_log_level level, const char *message) {
    static const char *names[] = { "error", "warn", "info", "debug" };
    (void)user;
    fprintf(stderr, "ailib: %s: %s\n", (unsigned)level < 4 ? names[level] : "log", message);
}

/* --- catalog listings ---------------------------------------------------------------------- */

static int cmd_providers(void) {
    size_t i, n = ailib_provider_count();
    int w[4] = { 8, 8, 13, 12 };
    for (i = 0; i < n; i++) {
        const ailib_provider_info *p = ailib_provider_at(i);
        const char *cols[4];
        int k;
        cols[0] = p->name; cols[1] = protocol_name(p->protocol);
        cols[2] = p->default_model ? p->default_model : "-";
        cols[3] = p->api_key_env ? p->api_key_env : "-";
        for (k = 0; k < 4; k++) if ((int)strlen(cols[k]) > w[k]) w[k] = (int)strlen(cols[k]);
    }
    printf("%-*s  %-*s  %-*s  %-*s  %s\n", w[0], "PROVIDER", w[1], "PROTOCOL", w[2], "DEFAULT MODEL",
           w[3], "KEY VARIABLE", "STATUS");
    for (i = 0; i < n; i++) {
        const ailib_provider_info *p = ailib_provider_at(i);
        printf("%-*s  %-*s  %-*s  %-*s  %s\n", w[0], p->name, w[1], protocol_name(p->protocol),
               w[2], p->default_model ? p->default_model : "-", w[3], p->api_key_env ? p->api_key_env : "-",
               key_status(p));
    }
    return EXIT_OK;
}

/* "$/M" price with up to 3 decimals, trailing zeros dropped; "-" for 0 (free or unknown). */
static void fmt_price(char *out, size_t cap, double v) {
    size_t n;
    if (v <= 0) { snprintf(out, cap, "-"); return; }
    snprintf(out, cap, "%.3f", v);
    n = strlen(out);
    while (n > 0 && out[n - 1] == '0') out[--n] = 0;
    if (n > 0 && out[n - 1] == '.') out[--n] = 0;
}

static void fmt_tokens(char *out, size_t cap, int64_t v) {
    if (v <= 0) snprintf(out, cap, "-");
    else snprintf(out, cap, "%lld", (long long)v);
}

static void fmt_caps(char *out, uint32_t caps) {
    static const char letters[] = "TVRJAE";
    int i;
    for (i = 0; i < 6; i++) out[i] = (caps & (1u << i)) ? letters[i] : '-';
    out[6] = 0;
}

/* --- the call ------------------------------------------------------------------------------ */

/* Pretty-prints one valid, compact JSON text with two-space indentation. */
static void print_json_pretty(const char *s, size_t n) {
    size_t i;
    int depth = 0, in_str = 0, esc = 0, k;
    for (i = 0; i < n; i++) {
        char ch = s[i];
        if (in_str) {
            putchar(ch);
            if (esc) esc = 0;
            else if (ch == '\\') esc = 1;
            else if (ch == '"') in_str = 0;
            continue;
        }
        switch (ch) {
        case '"': in_str = 1; putchar(ch); break;
        case '{': case '[':
            putchar(ch);
            if (i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']')) { putchar(s[++i]); break; }
            depth++;
            putchar('\n');
            for (k = 0; k < depth; k++) fputs("  ", stdout);
            break;
        case '}': case ']':
            depth--;
            putchar('\n');
            for (k = 0; k < depth; k++) fputs("  ", stdout);
            putchar(ch);
            break;
        case ',':
            putchar(ch);
            putchar('\n');
            for (k = 0; k < depth; k++) fputs("  ", stdout);
            break;
        case ':': fputs(": ", stdout); break;
        default: putchar(ch);
        }
    }
    putchar('\n');
}

/* Ends a JSON document of the CLI: printed indented, the writer released. */
static int print_json_done(ailib_json_writer *w, const char *what) {
    int rc = EXIT_OK;
    if (ailib_json_writer_finish(w) != AILIB_OK) {
        fprintf(stderr, "ailib: could not write %s as JSON (%s)\n", what, ailib_result_string(w->error));
        rc = EXIT_PROVIDER;
    } else print_json_pretty(w->buf, w->len);
    ailib_json_writer_deinit(w);
    return rc;
}

static void write_usage_field(ailib_json_writer *w, const ailib_usage *u, const char *key, int64_t v, uint32_t bit) {
    ailib_json_write_key(w, key);
    if (u && (u->reported & bit)) ailib_json_write_int(w, v);
    else ailib_json_write_null(w);
}

/* A string the provider may not have sent: null when empty, so every field keeps one type
   or null across providers. */
static void write_opt_string(ailib_json_writer *w, const char *key, const char *s) {
    ailib_json_write_key(w, key);
    if (s && *s) ailib_json_write_string(w, s);
    else ailib_json_write_null(w);
}

/* requested: the model asked for, shown when the provider's reply names none. */
static int print_response_json(const ailib_response *r, const char *requested) {
    ailib_json_writer w;
    const ailib_usage *u = ailib_response_usage(r);
    const char *s;
    size_t len, i, n;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_object_begin(&w);
    ailib_json_write_key(&w, "model");
    ailib_json_write_string(&w, *ailib_response_model(r) ? ailib_response_model(r) : requested);
    write_opt_string(&w, "id", ailib_response_id(r));
    s = ailib_response_text(r, &len);
    ailib_json_write_key(&w, "text");
    ailib_json_write_stringn(&w, s ? s : "", s ? len : 0);
    s = ailib_response_reasoning(r, &len);
    ailib_json_write_key(&w, "reasoning");
    if (s && len) ailib_json_write_stringn(&w, s, len); else ailib_json_write_null(&w);
    ailib_json_write_key(&w, "tool_calls");
    ailib_json_write_array_begin(&w);
    n = ailib_response_tool_call_count(r);
    for (i = 0; i < n; i++) {
        const ailib_tool_call *tc = ailib_response_tool_call(r, i);
        ailib_json_write_object_begin(&w);
        ailib_json_write_key(&w, "id");        ailib_json_write_stringn(&w, tc->id, tc->id_len);
        ailib_json_write_key(&w, "name");      ailib_json_write_stringn(&w, tc->name, tc->name_len);
        ailib_json_write_key(&w, "arguments"); ailib_json_write_stringn(&w, tc->arguments, tc->arguments_len);
        ailib_json_write_object_end(&w);
    }
    ailib_json_write_array_end(&w);
    ailib_json_write_key(&w, "finish_reason");
    ailib_json_write_string(&w, ailib_finish_reason_name(ailib_response_finish_reason(r)));
    write_opt_string(&w, "finish_reason_raw", ailib_response_finish_reason_raw(r));
    ailib_json_write_key(&w, "usage");
    ailib_json_write_object_begin(&w);
    write_usage_field(&w, u, "input", u ? u->input_tokens : 0, AILIB_USAGE_INPUT);
    write_usage_field(&w, u, "output", u ? u->output_tokens : 0, AILIB_USAGE_OUTPUT);
    write_usage_field(&w, u, "total", u ? u->total_tokens : 0, AILIB_USAGE_TOTAL);
    write_usage_field(&w, u, "cached_input", u ? u->cached_input_tokens : 0, AILIB_USAGE_CACHED);
    write_usage_field(&w, u, "cache_write", u ? u->cache_write_tokens : 0, AILIB_USAGE_CACHE_WRITE);
    write_usage_field(&w, u, "reasoning", u ? u->reasoning_tokens : 0, AILIB_USAGE_REASONING);
    ailib_json_write_object_end(&w);
    write_opt_string(&w, "request_id", ailib_response_request_id(r));
    ailib_json_write_object_end(&w);
    return print_json_done(&w, "the response");
}

/* Where streamed reasoning goes: dimmed on stdout when that is a terminal, else to stderr
   with -v (dimmed when stderr is a terminal), else nowhere. */
typedef struct stream_state {
    FILE *rout;            /* reasoning destination, or NULL */
    int rdim;              /* wrap reasoning in the dim attribute */
    int in_reasoning;      /* reasoning was the last thing written */
    int printed;           /* anything written to stdout */
    char last;             /* the last byte written to stdout */
} stream_state;

static void end_reasoning(stream_state *st) {
    if (!st->in_reasoning) return;
    if (st->rdim) fputs("\033[0m", st->rout);
    fputc('\n', st->rout);
    fflush(st->rout);
    if (st->rout == stdout) st->last = '\n';
    st->in_reasoning = 0;
}

static void on_event(stream_state *st, const ailib_event *ev) {
    if (ev->type == AILIB_EVENT_TEXT_DELTA && ev->text_len) {
        end_reasoning(st);
        fwrite(ev->text, 1, ev->text_len, stdout);
        st->printed = 1;
        st->last = ev->text[ev->text_len - 1];
        fflush(stdout);
    } else if (ev->type == AILIB_EVENT_REASONING_DELTA && ev->text_len && st->rout) {
        if (!st->in_reasoning && st->rdim) fputs("\033[2m", st->rout);
        st->in_reasoning = 1;
        fwrite(ev->text, 1, ev->text_len, st->rout);
        if (st->rout == stdout) st->printed = 1;
        fflush(st->rout);
    }
}

/* After a streamed answer: say on stderr when it did not end normally, and with -v how it
   ended and what it cost. */
static void stream_summary(const ailib_response *r, int verbose) {
    ailib_finish_reason f = ailib_response_finish_reason(r);
    const ailib_usage *u = ailib_response_usage(r);
    if (f == AILIB_FINISH_LENGTH)
        fputs("ailib: the answer was cut off at the output token limit (raise --max-tokens)\n", stderr);
    else if (f == AILIB_FINISH_CONTENT_FILTER)
        fputs("ailib: the provider's content filter stopped the answer\n", stderr);
    if (!verbose) return;
    fprintf(stderr, "ailib: finish_reason %s (\"%s\")", ailib_finish_reason_name(f), ailib_response_finish_reason_raw(r));
    if (u && (u->reported & AILIB_USAGE_INPUT)) fprintf(stderr, ", %lld input tokens", (long long)u->input_tokens);
    if (u && (u->reported & AILIB_USAGE_OUTPUT)) fprintf(stderr, ", %lld output tokens", (long long)u->output_tokens);
    if (*ailib_response_request_id(r)) fprintf(stderr, ", request id %s", ailib_response_request_id(r));
    fputc('\n', stderr);
}

/* Runs one call on the non-blocking core, so Ctrl-C can cancel it between polls. */
static int run_call(ailib_client *c, const ailib_request *req, const cli_options *o) {
    ailib_call_desc cd;
    ailib_call *call = NULL;
    ailib_response *resp = NULL;
    ailib_error err;
    ailib_event ev;
    ailib_result r, poll_r = AILIB_OK;
    stream_state st;
    int stream = !o->json, code;
    memset(&st, 0, sizeof st);
    if (isatty(STDOUT_FILENO)) { st.rout = stdout; st.rdim = 1; }
    else if (o->verbose) { st.rout = stderr; st.rdim = isatty(STDERR_FILENO); }
    memset(&cd, 0, sizeof cd);
    cd.stream = stream;
    ailib_error_clear(&err);
    r = ailib_chat_start(c, req, &cd, &call, &err);
    if (r != AILIB_OK) return report_error(r, &err);
    while (!ailib_call_done(call)) {
        if (g_interrupted) { ailib_call_cancel(call); break; }
        poll_r = ailib_client_poll(c, 50);
        while (ailib_call_next_event(call, &ev) == AILIB_OK) on_event(&st, &ev);
        if (poll_r != AILIB_OK) { ailib_call_cancel(call); break; }
    }
    r = ailib_call_finish(call, &resp, &err);
    end_reasoning(&st);
    if (stream && st.printed && st.last != '\n') fputc('\n', stdout);   /* end the line for the shell */
    fflush(stdout);
    if (g_interrupted) r = AILIB_CANCELLED;
    if (r != AILIB_OK && poll_r != AILIB_OK && !g_interrupted) {
        fprintf(stderr, "ailib: the transport failed (%s)\n", ailib_result_string(poll_r));
        code = EXIT_NETWORK;
    } else if (r != AILIB_OK) code = report_error(r, &err);
    else if (o->json) code = print_response_json(resp, ailib_client_model(c));
    else {
        stream_summary(resp, o->verbose);
        code = EXIT_OK;
    }
    ailib_response_destroy(resp);
    return code;
}

/* The provider when neither -m nor $AILIB_MODEL names one: the first catalog row whose key
   variable is set (local servers need none, so they are never picked this way). */
static const ailib_provider_info *default_provider(char *var, size_t cap) {
    size_t i, n = ailib_provider_count();
    for (i = 0; i < n; i++) {
        const ailib_provider_info *p = ailib_provider_at(i);
        if (needs_key(p) && env_any(p->api_key_env, var, cap)) return p;
    }
    return NULL;
}

/* Picks the model string for the client; NULL with a message printed when there is none.
   With -v it says where the choice came from (never the key itself). */
static const char *choose_model(const cli_options *o) {
    const char *model = o->model;
    const char *slash;
    char var[128];
    if (model && *model) {
        if (o->verbose) fprintf(stderr, "ailib: model %s (from -m)\n", model);
    } else if ((model = getenv("AILIB_MODEL")) != NULL && *model) {
        if (o->verbose) fprintf(stderr, "ailib: model %s (from $AILIB_MODEL)\n", model);
    } else {
        const ailib_provider_info *p = default_provider(var, sizeof var);
        if (!p) {
            fprintf(stderr, "ailib: no provider key found: set one provider's key variable (e.g. OPENAI_API_KEY or "
                            "ANTHROPIC_API_KEY), or choose with -m provider/model or AILIB_MODEL; `ailib providers` "
                            "lists the variables\n");
            return NULL;
        }
        if (o->verbose)
            fprintf(stderr, "ailib: model %s/%s (%s is set; -m or AILIB_MODEL picks another)\n", p->name,
                    p->default_model ? p->default_model : "", var);
        return p->name;
    }
    /* "nope/x": say which part is wrong; the library would only say the model names no provider */
    slash = strchr(model, '/');
    if (slash && !ailib_provider_findn(model, (size_t)(slash - model))) {
        fprintf(stderr, "ailib: unknown provider '%.*s' in '%s' (`ailib providers` lists them)\n",
                (int)(slash - model), model, model);
        return NULL;
    }
    return model;
}

static int cmd_chat(const cli_options *o) {
    ailib_client_desc desc;
    ailib_client *c;
    ailib_error err;
    ailib_message msg;
    ailib_request req;
    char *input = NULL;
    const char *prompt = o->prompt_arg, *model;
    int code;
    if (!(model = choose_model(o))) return EXIT_CONFIG;
    if (!prompt) {
        size_t n;
        if (isatty(STDIN_FILENO)) fputs("ailib: reading the prompt from the terminal; end it with Ctrl-D\n", stderr);
        input = read_all(stdin);
        if (!input) {
            if (g_interrupted) { fputs("ailib: interrupted\n", stderr); return EXIT_INTERRUPTED; }
            fprintf(stderr, "ailib: could not read the prompt from stdin: %s\n", strerror(errno));
            return EXIT_USAGE;
        }
        /* a piped prompt's final newline is not part of the question */
        n = strlen(input);
        while (n > 0 && (input[n - 1] == '\n' || input[n - 1] == '\r')) input[--n] = 0;
        prompt = input;
    }
    if (!*prompt) { free(input); return usage_error("%sno prompt: give it as an argument or on stdin", ""); }
    memset(&desc, 0, sizeof desc);
    desc.model = model;
    desc.base_url = o->base_url;
    desc.timeout_ms = o->timeout_ms;
    if (o->verbose) desc.log = log_to_stderr;
    ailib_error_clear(&err);
    if (ailib_global_init() != AILIB_OK) {
        fprintf(stderr, "ailib: libcurl could not be initialised\n");
        free(input);
        return EXIT_NETWORK;
    }
    c = ailib_client_create(&desc, &err);
    if (!c) {
        code = report_error(err.code, &err);
        free(input);
        return code;
    }
    memset(&msg, 0, sizeof msg);
    msg.role = AILIB_ROLE_USER;
    msg.text = prompt;
    memset(&req, 0, sizeof req);
    req.system = o->system;
    req.messages = &msg;
    req.message_count = 1;
    req.temperature = o->temperature;
    req.max_tokens = o->max_tokens;
    req.reasoning.effort = o->effort;
    code = run_call(c, &req, o);
    ailib_client_destroy(c);
    free(input);
    return code;
}

/* --- model listings ------------------------------------------------------------------------ */

/* One row of a model listing: a model the provider listed (with its catalog row when there is
   one), or a catalog row. */
typedef struct model_row {
    const char *provider, *id, *owned_by;
    int64_t context_window, max_output;
    uint32_t caps;
    const ailib_model_info *catalog;   /* NULL: the provider listed it and the catalog has no row */
    const char *source;                /* "live+catalog", "live", "catalog only", or "catalog" */
} model_row;

static void row_of_catalog(model_row *r, const ailib_model_info *m, const char *source) {
    memset(r, 0, sizeof *r);
    r->provider = m->provider;
    r->id = m->name;
    r->owned_by = "";
    r->context_window = m->context_window;
    r->max_output = m->max_output;
    r->caps = m->caps;
    r->catalog = m;
    r->source = source;
}

static int cmp_entry_id(const void *a, const void *b) {
    return strcmp((*(const ailib_model_entry *const *)a)->id, (*(const ailib_model_entry *const *)b)->id);
}

static void print_models_table(const model_row *rows, size_t n, int with_source) {
    size_t i;
    int wp = 8, wm = 5;
    for (i = 0; i < n; i++) {
        if ((int)strlen(rows[i].provider) > wp) wp = (int)strlen(rows[i].provider);
        if ((int)strlen(rows[i].id) > wm) wm = (int)strlen(rows[i].id);
    }
    printf("%-*s  %-*s  %9s  %10s  %-6s  %8s  %8s%s\n", wp, "PROVIDER", wm, "MODEL", "CONTEXT", "MAX OUTPUT", "CAPS",
           "IN $/M", "OUT $/M", with_source ? "  SOURCE" : "");
    for (i = 0; i < n; i++) {
        const model_row *m = &rows[i];
        char ctx[32], mo[32], caps[8], pin[32], pout[32];
        fmt_tokens(ctx, sizeof ctx, m->context_window);
        fmt_tokens(mo, sizeof mo, m->max_output);
        fmt_caps(caps, m->caps);
        fmt_price(pin, sizeof pin, m->catalog ? m->catalog->price_input : 0);
        fmt_price(pout, sizeof pout, m->catalog ? m->catalog->price_output : 0);
        printf("%-*s  %-*s  %9s  %10s  %-6s  %8s  %8s", wp, m->provider, wm, m->id, ctx, mo, caps, pin, pout);
        if (with_source) printf("  %s", m->source);
        putchar('\n');
    }
    printf("\ncaps: T tools, V vision, R reasoning, J JSON schema, A audio, E embeddings; "
           "prices in USD per million tokens, - when free or unknown\n");
    if (with_source)
        printf("source: live+catalog listed by the provider and in the catalog, live listed only, "
               "catalog only in the catalog but not listed\n");
}

static void write_opt_int(ailib_json_writer *w, const char *key, int64_t v) {
    ailib_json_write_key(w, key);
    if (v > 0) ailib_json_write_int(w, v);
    else ailib_json_write_null(w);
}

static void write_opt_price(ailib_json_writer *w, const char *key, double v) {
    ailib_json_write_key(w, key);
    if (v > 0) ailib_json_write_double(w, v);
    else ailib_json_write_null(w);
}

/* The rows as a JSON array: every field keeps one type or null. */
static int print_models_json(const model_row *rows, size_t n) {
    static const char *const cap_names[6] = { "tools", "vision", "reasoning", "json", "audio", "embed" };
    ailib_json_writer w;
    size_t i;
    int k;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_array_begin(&w);
    for (i = 0; i < n; i++) {
        const model_row *m = &rows[i];
        ailib_json_write_object_begin(&w);
        ailib_json_write_key(&w, "provider"); ailib_json_write_string(&w, m->provider);
        ailib_json_write_key(&w, "id");       ailib_json_write_string(&w, m->id);
        ailib_json_write_key(&w, "source");   ailib_json_write_string(&w, m->source);
        write_opt_string(&w, "owned_by", m->owned_by);
        write_opt_int(&w, "context_window", m->context_window);
        write_opt_int(&w, "max_output", m->max_output);
        ailib_json_write_key(&w, "capabilities");
        ailib_json_write_array_begin(&w);
        for (k = 0; k < 6; k++) if (m->caps & (1u << k)) ailib_json_write_string(&w, cap_names[k]);
        ailib_json_write_array_end(&w);
        ailib_json_write_key(&w, "price");
        if (m->catalog) {
            ailib_json_write_object_begin(&w);
            write_opt_price(&w, "input", m->catalog->price_input);
            write_opt_price(&w, "cached_input", m->catalog->price_cached_input);
            write_opt_price(&w, "cache_write", m->catalog->price_cache_write);
            write_opt_price(&w, "output", m->catalog->price_output);
            write_opt_string(&w, "date", m->catalog->price_date);
            ailib_json_write_object_end(&w);
        } else ailib_json_write_null(&w);
        ailib_json_write_object_end(&w);
    }
    ailib_json_write_array_end(&w);
    return print_json_done(&w, "the model list");
}

/* The provider's live list (NULL: none, the catalog alone) merged with the catalog: the
   listed models sorted by id, then the catalog rows of prov (every provider when prov is
   NULL) that no listed model matched. */
static int print_models(const ailib_provider_info *prov, const ailib_model_list *live, int json) {
    size_t i, j, nlive = ailib_model_list_count(live), ncat = ailib_model_count(), n = 0;
    const ailib_model_entry **sorted;
    model_row *rows;
    int code;
    rows = (model_row *)malloc(sizeof *rows * (nlive + ncat + 1));
    sorted = (const ailib_model_entry **)malloc(sizeof *sorted * (nlive + 1));
    if (!rows || !sorted) {
        free(rows);
        free((void *)sorted);
        fprintf(stderr, "ailib: out of memory\n");
        return EXIT_PROVIDER;
    }
    for (i = 0; i < nlive; i++) sorted[i] = ailib_model_list_at(live, i);
    qsort((void *)sorted, nlive, sizeof *sorted, cmp_entry_id);
    for (i = 0; i < nlive; i++) {
        const ailib_model_entry *e = sorted[i];
        model_row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        r->provider = prov->name;
        r->id = e->id;
        r->owned_by = e->owned_by;
        r->context_window = e->context_window;
        r->max_output = e->max_output;
        r->caps = e->caps;
        r->catalog = e->catalog;
        r->source = e->catalog ? "live+catalog" : "live";
    }
    for (i = 0; i < ncat; i++) {
        const ailib_model_info *m = ailib_model_at(i);
        int listed = 0;
        if (prov && strcmp(m->provider, prov->name) != 0) continue;
        /* listed: a model the provider named maps onto this row (the library's catalog
           match, so "llama3.2:latest" and dated snapshots count) */
        for (j = 0; j < nlive && !listed; j++) listed = sorted[j]->catalog == m;
        if (!listed) row_of_catalog(&rows[n++], m, prov ? "catalog only" : "catalog");
    }
    if (json) code = print_models_json(rows, n);
    else {
        print_models_table(rows, n, prov != NULL);
        code = EXIT_OK;
    }
    free(rows);
    free((void *)sorted);
    return code;
}

/* ailib models [provider]: the whole catalog without a provider; with one, the provider's
   live model list merged with the catalog, falling back to the catalog (exit 0, a note on
   stderr) when no client can be configured (no key) or the protocol has no model list. */
static int cmd_models(const cli_options *o, const char *name) {
    const ailib_provider_info *prov = NULL;
    ailib_client_desc desc;
    ailib_client *c;
    ailib_model_list *live = NULL;
    ailib_error err;
    ailib_result r;
    int code;
    if (o->model && *o->model) {
        /* -m provider/model or -m provider; only the provider matters here */
        const char *slash = strchr(o->model, '/');
        const ailib_provider_info *mp = slash ? ailib_provider_findn(o->model, (size_t)(slash - o->model))
                                              : ailib_provider_find(o->model);
        if (!mp && !name) {
            if (slash)
                fprintf(stderr, "ailib: unknown provider '%.*s' in '%s' (`ailib providers` lists them)\n",
                        (int)(slash - o->model), o->model, o->model);
            else
                fprintf(stderr, "ailib: -m '%s' names no provider: write it as provider/model "
                                "(`ailib providers` lists them)\n", o->model);
            return EXIT_CONFIG;
        }
        if (mp && name && strcmp(mp->name, name) != 0) {
            fprintf(stderr, "ailib: -m '%s' and the provider '%s' disagree: give one of them (see ailib --help)\n",
                    o->model, name);
            return EXIT_USAGE;
        }
        prov = mp;
    }
    if (name && !(prov = ailib_provider_find(name))) {
        fprintf(stderr, "ailib: unknown provider '%s' (`ailib providers` lists them)\n", name);
        return EXIT_CONFIG;
    }
    if (!prov) {
        if (o->base_url) return usage_error("--base-url needs a provider: ailib models PROVIDER --base-url URL%s", "");
        return print_models(NULL, NULL, o->json);
    }
    memset(&desc, 0, sizeof desc);
    desc.model = prov->name;            /* a bare provider name: never $AILIB_MODEL's provider */
    desc.base_url = o->base_url;
    desc.timeout_ms = o->timeout_ms;
    if (o->verbose) desc.log = log_to_stderr;
    ailib_error_clear(&err);
    if (ailib_global_init() != AILIB_OK) {
        fprintf(stderr, "ailib: libcurl could not be initialised\n");
        return EXIT_NETWORK;
    }
    c = ailib_client_create(&desc, &err);
    if (!c) {
        if (err.code != AILIB_CONFIGURATION) return report_error(err.code, &err);
        fputs("ailib: ", stderr);
        print_cli_message(err.message);
        fputs("; listing the catalog only\n", stderr);
        return print_models(prov, NULL, o->json);
    }
    if (o->verbose) fprintf(stderr, "ailib: listing the models of %s\n", prov->name);
    r = ailib_models(c, &live, &err);
    ailib_client_destroy(c);
    if (r == AILIB_UNSUPPORTED) {
        fputs("ailib: ", stderr);
        print_cli_message(err.message[0] ? err.message : ailib_result_string(r));
        fputs("; listing the catalog only\n", stderr);
        return print_models(prov, NULL, o->json);
    }
    if (r != AILIB_OK) return report_error(r, &err);
    code = print_models(prov, live, o->json);
    ailib_model_list_destroy(live);
    return code;
}

/* --- argument parsing ---------------------------------------------------------------------- */

/* Value of an option given as "--opt value" or "--opt=value"; NULL when missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') return argv[*i] + n + 1;
    if (*i + 1 < argc) return argv[++*i];
    return NULL;
}

/* arg is the option name, or (long options only) "name=value". */
static int is_opt(const char *arg, const char *name) {
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == 0 || (arg[n] == '=' && name[1] == '-'));
}

/* Joins argv[from..argc) with spaces; NULL when there are none. */
static char *join_args(int argc, char **argv, int from) {
    size_t len = 0;
    int i;
    char *s;
    if (from >= argc) return NULL;
    for (i = from; i < argc; i++) len += strlen(argv[i]) + 1;
    s = (char *)malloc(len);
    if (!s) return NULL;
    len = 0;
    for (i = from; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i > from) s[len++] = ' ';
        memcpy(s + len, argv[i], n);
        len += n;
    }
    s[len] = 0;
    return s;
}

static int parse_effort(const char *v, ailib_effort *out) {
    static const struct { const char *name; ailib_effort e; } map[] = {
        { "low", AILIB_EFFORT_LOW }, { "medium", AILIB_EFFORT_MEDIUM }, { "high", AILIB_EFFORT_HIGH },
        { "none", AILIB_EFFORT_NONE }, { "minimal", AILIB_EFFORT_MINIMAL }, { "xhigh", AILIB_EFFORT_XHIGH }
    };
    size_t k;
    for (k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strcmp(v, map[k].name) == 0) { *out = map[k].e; return 1; }
    return 0;
}

/* Fills o from the options argv[first..]; the positional arguments go to pos[*npos]. Returns -1 to go
   on, or the exit code to end with (--help, --version, a usage error). */
static int parse_args(int argc, char **argv, int first, cli_options *o, char **pos, int *npos) {
    int i;
    for (i = first; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "--") == 0) { while (++i < argc) pos[(*npos)++] = argv[i]; break; }
        if (a[0] != '-' || a[1] == 0) { pos[(*npos)++] = argv[i]; continue; }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { fputs(usage_text, stdout); return EXIT_OK; }
        if (strcmp(a, "--version") == 0) { printf("ailib %s\n", ailib_version_string()); return EXIT_OK; }
        if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) { o->verbose = 1; continue; }
        if (strcmp(a, "--json") == 0) { o->json = 1; continue; }
        if (is_opt(a, "-m") || is_opt(a, "--model")) {
            if (!(v = opt_value(argc, argv, &i, "--model"))) break;
            o->model = v;
        } else if (is_opt(a, "-s") || is_opt(a, "--system")) {
            if (!(v = opt_value(argc, argv, &i, "--system"))) break;
            o->system = v;
        } else if (is_opt(a, "-t") || is_opt(a, "--temperature")) {
            double d;
            if (!(v = opt_value(argc, argv, &i, "--temperature"))) break;
            if (!parse_double(v, &d) || d < 0) return usage_error("bad temperature '%s': give a number like 0.7", v);
            o->temperature = ailib_set(d);
        } else if (is_opt(a, "--max-tokens")) {
            if (!(v = opt_value(argc, argv, &i, "--max-tokens"))) break;
            if (!parse_int64(v, &o->max_tokens) || o->max_tokens <= 0)
                return usage_error("bad --max-tokens '%s': give a positive integer", v);
        } else if (is_opt(a, "--reasoning")) {
            if (!(v = opt_value(argc, argv, &i, "--reasoning"))) break;
            if (!parse_effort(v, &o->effort)) return usage_error("bad --reasoning '%s': use low, medium or high", v);
        } else if (is_opt(a, "--base-url")) {
            if (!(v = opt_value(argc, argv, &i, "--base-url"))) break;
            o->base_url = v;
        } else if (is_opt(a, "--timeout")) {
            double d;
            if (!(v = opt_value(argc, argv, &i, "--timeout"))) break;
            if (!parse_double(v, &d) || d <= 0 || d > 1e9) return usage_error("bad --timeout '%s': give seconds, e.g. 30", v);
            o->timeout_ms = (int64_t)(d * 1000.0);
            if (o->timeout_ms < 1) o->timeout_ms = 1;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (i < argc) return usage_error("option '%s' needs a value", argv[i]);   /* a break above */
    return -1;
}

int main(int argc, char **argv) {
    cli_options o;
    struct sigaction sa;
    int code, npos = 0;
    char *joined;
    char **pos;
    memset(&o, 0, sizeof o);
    if (argc >= 2 && strcmp(argv[1], "providers") == 0) {
        if (argc > 2) return usage_error("'providers' takes no arguments%s", "");
        return cmd_providers();
    }
    pos = (char **)malloc(sizeof *pos * (size_t)(argc + 1));
    if (!pos) { fprintf(stderr, "ailib: out of memory\n"); return EXIT_PROVIDER; }
    if (argc >= 2 && strcmp(argv[1], "models") == 0) {
        /* no SIGINT handler here: Ctrl-C ends the (blocking) listing at once */
        code = parse_args(argc, argv, 2, &o, pos, &npos);
        if (code < 0) {
            if (npos > 1) code = usage_error("'models' takes at most one provider name%s", "");
            else if (o.system || o.temperature.set || o.max_tokens || o.effort)
                code = usage_error("'models' takes only -m, --base-url, --timeout, --json and -v%s", "");
            else code = cmd_models(&o, npos ? pos[0] : NULL);
        }
        free(pos);
        ailib_global_cleanup();
        return code;
    }
    code = parse_args(argc, argv, 1, &o, pos, &npos);
    if (code >= 0) { free(pos); return code; }
    joined = join_args(npos, pos, 0);
    free(pos);
    if (npos && !joined) { fprintf(stderr, "ailib: out of memory\n"); return EXIT_PROVIDER; }
    o.prompt_arg = joined;

    /* no SA_RESTART: a blocking read of the prompt returns at Ctrl-C instead of resuming */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);

    code = cmd_chat(&o);
    free(joined);
    ailib_global_cleanup();
    return code;
}

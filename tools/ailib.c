/* ailib - the command-line client of ailib: ask any catalog provider from the shell.

   ailib "prompt"                 stream the answer (Ctrl-C cancels cleanly, exit 130)
   git diff | ailib "Review:"     the prompt, a blank line, then what came on stdin
   ailib -c "and then?"           continue the last conversation (--cid ID: another one)
   ailib logs                     past calls with tokens and cost (the log is JSONL)
   ailib models [provider]        the model catalog; with a provider, its live model list
   ailib batch in.jsonl -o out.jsonl -c 8   a JSONL file of requests, 8 at a time, resumable
   ailib -u "prompt"              tokens by kind and the cost in USD on stderr after the answer
   ailib --record F / --replay F  record the HTTP exchanges to a cassette / answer from it offline
   ailib -m route/<group> ...     a route group (AILIB_ROUTE_<GROUP>, or [routes] in the config)
   ailib embed | check | providers | aliases | config | help

   Exit codes: 0 ok, 1 provider error (batch: some lines failed), 2 usage error (also a file
   that cannot be read or written), 3 configuration (no key, unknown provider), 4 network or
   timeout, 130 interrupted. `ailib --help` has the rest.

   Structure: a table of commands (name, function, help) and a table of options (spelling,
   values, which commands take it, an id handled in apply_option()); a new subcommand or
   option is a row in each plus its code. Every chat call runs on the library's non-blocking
   core with a short poll timeout, so SIGINT (which only sets a flag) is noticed within 50 ms
   and the call is cancelled from the loop; the calls that block (embed, models, --schema)
   end the process at once on Ctrl-C instead.

   Features: make builds it with AILIB_ENABLE_ROUTING, _COST and _INTERCEPTORS on (route groups,
   --usage with costs and the batch's ledger, --record/--replay); built without one, the options
   that need it say so (tokens are still counted, costs come from the catalog's plain prices).

   Build: cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -DAILIB_ENABLE_ROUTING=1 -DAILIB_ENABLE_COST=1
          -DAILIB_ENABLE_INTERCEPTORS=1 -I. tools/ailib.c tools/ailib_batch.c -o build/ailib -lcurl -lm -lpthread
*/
#define AILIB_IMPLEMENTATION
#include "ailib.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ailib_batch.h"

enum { EXIT_OK = 0, EXIT_PROVIDER = 1, EXIT_USAGE = 2, EXIT_CONFIG = 3, EXIT_NETWORK = 4, EXIT_INTERRUPTED = 130 };

#define MAX_LIST 64

static volatile sig_atomic_t g_interrupted = 0;
static volatile sig_atomic_t g_blocking = 1;    /* a blocking library call runs: Ctrl-C ends the process */
#if AILIB_ENABLE_INTERCEPTORS
static const char *g_cassette_path;     /* the cassette of this run, for messages */
#endif
static int g_replaying;                 /* a cassette answers (--replay, --record-missing): a miss is its */
static int g_cassette_failed;           /* the cassette could not be written: the run exits 2 */

/* The first Ctrl-C asks the poll loop to cancel the call; inside a blocking call, or at a
   second Ctrl-C, the process ends at once (write and _exit are async-signal-safe). */
static void on_sigint(int sig) {
    static const char msg[] = "\nailib: interrupted\n";
    (void)sig;
    if (g_interrupted || g_blocking) {
        if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) { /* nothing left to do */ }
        _exit(EXIT_INTERRUPTED);
    }
    g_interrupted = 1;
}

typedef struct cli_attachment { const char *path, *mime; } cli_attachment;

/* Which cassette option was given (the library's modes exist only with interceptors on). */
enum { CAS_NONE = 0, CAS_RECORD, CAS_REPLAY, CAS_RECORD_MISSING };

typedef struct cli_options {
    const char *model, *system, *base_url, *cid, *schema, *query, *input_type;
    ailib_optf temperature;
    int64_t max_tokens, timeout_ms, count, chain_limit, dimensions;
    ailib_effort effort;
    int verbose, json, cont, no_stream, extract, no_log, log, lines;
    int usage;                                       /* -u: tokens and cost on stderr */
    const char *cassette; int cassette_mode;         /* --record/--replay/--record-missing FILE (CAS_*) */
    const char *out_path; int64_t concurrency; int retry_failed;   /* batch */
    cli_attachment attach[MAX_LIST]; size_t nattach;
    const char *opts[MAX_LIST]; size_t nopts;        /* -o key=value */
    const char *tools[MAX_LIST]; size_t ntools;      /* -T FILE */
} cli_options;

/* --- the configuration file ----------------------------------------------------------------- */

typedef struct cli_config {
    char path[1024];
    int found;
    char *text;                                      /* the file; the values below point into it */
    const char *model, *system, *reasoning, *embed_model, *log_file;
    double temperature; int has_temperature;
    int64_t max_tokens, timeout_ms;
    int log_off;
    const char *alias_name[MAX_LIST], *alias_model[MAX_LIST]; size_t naliases;
    const char *opt_key[MAX_LIST], *opt_val[MAX_LIST]; size_t nopts;   /* defaults for -o key=value */
    const char *route_name[MAX_LIST], *route_spec[MAX_LIST]; size_t nroutes;   /* [routes] */
} cli_config;

static cli_config g_cfg;

/* --- small helpers ---------------------------------------------------------------------------- */

static int usage_error(const char *fmt, const char *arg) {
    fputs("ailib: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see ailib --help)\n", stderr);
    return EXIT_USAGE;
}

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

static int parse_bool(const char *s, int *out) {
    if (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "yes")) { *out = 1; return 1; }
    if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "no")) { *out = 0; return 1; }
    return 0;
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

/* Reads all of f into a NUL-terminated malloc'd buffer (*len its length); NULL on failure
   or interruption. */
static char *read_all_n(FILE *f, size_t *len_out) {
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
    if (len_out) *len_out = len;
    return buf;
}

/* A file's bytes (NUL-terminated); NULL with errno set. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *s;
    int e;
    if (!f) return NULL;
    s = read_all_n(f, len);
    e = errno;
    fclose(f);
    errno = e;
    return s;
}

/* A prompt typed at a terminal. The line discipline hands over a line at a time; a read that
   returns bytes without a final newline means Ctrl-D was pressed after text on the line, and
   a read of 0 bytes means Ctrl-D at the start of a line: either way one Ctrl-D ends the
   prompt (reading on, as stdio does, would need a second one). */
static char *read_tty_prompt(void) {
    size_t len = 0, cap = 16384;
    char *buf = (char *)malloc(cap);
    if (!buf) return NULL;
    for (;;) {
        ssize_t n;
        if (cap - len < 8192 + 1) {
            char *nb = (char *)realloc(buf, cap * 2);
            if (!nb) { free(buf); return NULL; }
            buf = nb;
            cap *= 2;
        }
        n = read(STDIN_FILENO, buf + len, 8192);
        if (n < 0) {
            if (errno == EINTR && !g_interrupted) continue;
            free(buf);
            return NULL;
        }
        len += (size_t)n;
        if (n == 0 || buf[len - 1] != '\n') break;
    }
    buf[len] = 0;
    return buf;
}

/* Maps a library result to the documented exit codes. */
static int exit_code_of(ailib_result r) {
    switch (r) {
    case AILIB_OK: return EXIT_OK;
    case AILIB_CONFIGURATION: case AILIB_UNSUPPORTED: return EXIT_CONFIG;
    case AILIB_INVALID_ARGUMENT: return EXIT_USAGE;           /* refused before sending: the options are wrong */
    case AILIB_NETWORK: case AILIB_TIMEOUT: return EXIT_NETWORK;
    case AILIB_CANCELLED: return EXIT_INTERRUPTED;
    default: return EXIT_PROVIDER;
    }
}

/* Writes msg with the library's desc-field advice turned into this tool's flags. */
static void put_cli_message(FILE *f, const char *msg) {
    static const char *const subst[][2] = {
        { " or desc.api_key", "" }, { "desc.timeout_ms", "--timeout SECS" }, { "desc.base_url", "--base-url" },
        { "desc.model", "-m" }, { " or set desc.provider", "" }, { "request.max_tokens", "--max-tokens" },
        { "request.reasoning", "--reasoning / -o budget" }, { "reasoning.budget_tokens", "-o budget" },
        { " (a provider field can still go in request.extra_json)", "" },
        { "(AILIB_CASSETTE_RECORD_MISSING)", "(--record-missing FILE)" }
    };
    const char *p = msg;
    while (*p) {
        size_t k, best = 0, at = strlen(p);
        for (k = 0; k < sizeof subst / sizeof subst[0]; k++) {
            const char *hit = strstr(p, subst[k][0]);
            if (hit && (size_t)(hit - p) < at) { at = (size_t)(hit - p); best = k + 1; }
        }
        fwrite(p, 1, at, f);
        if (!best) break;
        fputs(subst[best - 1][1], f);
        p += at + strlen(subst[best - 1][0]);
    }
}

static void print_cli_message(const char *msg) { put_cli_message(stderr, msg); }

/* The friendly name of a result name ("AILIB_RATE_LIMITED" -> "rate limited"). */
static const char *result_words(const char *name, size_t n) {
    int r;
    for (r = 0; r < (int)AILIB_RESULT_COUNT; r++) {
        const char *s = ailib_result_name((ailib_result)r);
        if (strlen(s) == n && !memcmp(s, name, n)) return ailib_result_string((ailib_result)r);
    }
    return "failed";
}

/* The library's logger. With -v everything goes to stderr; without it only what a shell user
   acts on: a retry that waits longer than 2 s ("rate limited, retrying in 41 s") and catalog
   warnings that name a likely intended model (a warning without one is noise for the
   aggregators whose models the catalog does not list). */
static void cli_logger(void *user, ailib_log_level level, const char *message) {
    static const char *names[] = { "error", "warn", "info", "debug" };
    int verbose = user != NULL;
    const char *r = strstr(message, "), retry ");
    if (verbose) fprintf(stderr, "ailib: %s: %s\n", (unsigned)level < 4 ? names[level] : "log", message);
    if (level != AILIB_LOG_WARN) return;
    if (r) {
        /* "<provider> failed (AILIB_X), retry N of M in MS ms" */
        const char *open = strstr(message, " failed (");
        int n = 0, m = 0;
        long long ms = 0;
        if (open && sscanf(r, "), retry %d of %d in %lld ms", &n, &m, &ms) == 3 && ms > 2000)
            fprintf(stderr, "ailib: %.*s %s, retrying in %lld s (retry %d of %d)\n", (int)(open - message), message,
                    result_words(open + 9, (size_t)(r - open - 9)), (ms + 999) / 1000, n, m);
        return;
    }
    if (!verbose && (strstr(message, "catalog") || strstr(message, "embedding model")) &&
        !(strstr(message, "is not in the catalog") && !strstr(message, "nearest:") && !strstr(message, "; "))) {
        fputs("ailib: warning: ", stderr);
        print_cli_message(message);
        fputc('\n', stderr);
    }
}

/* Edit distance of two short words, a swap of neighbours counting one ("modles" is 1 from
   "models"); longer than 63 bytes: far. */
static size_t edit_distance(const char *a, const char *b) {
    size_t rows[3][64], i, j, an = strlen(a), bn = strlen(b);
    size_t *pp = rows[0], *p = rows[1], *cur = rows[2], *t;
    if (an >= 64 || bn >= 64) return 99;
    for (j = 0; j <= bn; j++) p[j] = j;
    for (i = 1; i <= an; i++) {
        cur[0] = i;
        for (j = 1; j <= bn; j++) {
            size_t v = p[j - 1] + (a[i - 1] != b[j - 1]);
            if (p[j] + 1 < v) v = p[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v) v = pp[j - 2] + 1;
            cur[j] = v;
        }
        t = pp; pp = p; p = cur; cur = t;
    }
    return p[bn];
}

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* mkdir -p of the directory part of path (0700: logs hold prompts). */
static int make_parent_dirs(const char *path) {
    char tmp[1024];
    size_t i, n = strlen(path);
    if (n >= sizeof tmp) return 0;
    memcpy(tmp, path, n + 1);
    for (i = 1; i < n; i++) {
        if (tmp[i] != '/') continue;
        tmp[i] = 0;
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return 0;
        tmp[i] = '/';
    }
    return 1;
}

/* $XDG_<kind>_HOME/ailib/<file>, else $HOME/<fallback>/ailib/<file>; 0 when neither is set. */
static int xdg_path(char *out, size_t cap, const char *xdg_var, const char *fallback, const char *file) {
    const char *x = getenv(xdg_var), *home = getenv("HOME");
    if (x && *x) snprintf(out, cap, "%s/ailib/%s", x, file);
    else if (home && *home) snprintf(out, cap, "%s/%s/ailib/%s", home, fallback, file);
    else { out[0] = 0; return 0; }
    return 1;
}

/* The log file: config log-file, else $XDG_DATA_HOME/ailib/logs.jsonl (~/.local/share/...). */
static int log_path(char *out, size_t cap) {
    const char *f = g_cfg.log_file, *home = getenv("HOME");
    if (f && *f) {
        if (f[0] == '~' && f[1] == '/' && home) snprintf(out, cap, "%s%s", home, f + 1);
        else snprintf(out, cap, "%s", f);
        return 1;
    }
    return xdg_path(out, cap, "XDG_DATA_HOME", ".local/share", "logs.jsonl");
}

static char *trim(char *s) {
    char *e;
    while (*s == ' ' || *s == '\t' || *s == '\r') s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) *--e = 0;
    if (e - s >= 2 && ((s[0] == '"' && e[-1] == '"') || (s[0] == '\'' && e[-1] == '\''))) { e[-1] = 0; s++; }
    return s;
}

/* Setting names take '-' or '_' alike. */
static int key_is(const char *k, const char *name) {
    for (; *k && *name; k++, name++)
        if (!(*k == *name || (*k == '_' && *name == '-'))) return 0;
    return *k == *name;
}

static int config_error(size_t line, const char *fmt, const char *arg) {
    fprintf(stderr, "ailib: %s:%lu: ", g_cfg.path, (unsigned long)line);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

/* A [routes] line: the group's spec goes to AILIB_ROUTE_<NAME>, where the library reads route
   groups, unless that variable is set already (the environment wins over the file, as
   $AILIB_MODEL does). -1 to go on, else the exit code. */
static int config_route(size_t lineno, const char *name, const char *spec) {
    char var[140];
    size_t i, n = strlen(name);
    if (n > 100) return config_error(lineno, "a route name is 1 to 100 characters: '%s'", name);
    if (!*spec) return config_error(lineno, "route '%s' has no endpoints (e.g. fast = openai/gpt-4o-mini; groq/llama-3.1-8b-instant)", name);
    memcpy(var, "AILIB_ROUTE_", 12);
    for (i = 0; i < n; i++) {
        char ch = name[i];
        var[12 + i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) ? ch : '_';
    }
    var[12 + n] = 0;
    if (setenv(var, spec, 0) != 0) return config_error(lineno, "cannot set the route '%s' (out of memory)", name);
    g_cfg.route_name[g_cfg.nroutes] = name;
    g_cfg.route_spec[g_cfg.nroutes++] = spec;
    return -1;
}

/* Reads the configuration: $AILIB_CONFIG, else $XDG_CONFIG_HOME/ailib/config, else
   ~/.config/ailib/config. A missing file is no error; a wrong line is (exit 2, naming it).

       # defaults, overridden by options and by $AILIB_MODEL for the model
       model = anthropic/claude-haiku-5-5
       system = Answer briefly.
       temperature = 0.3        max-tokens = 2000        reasoning = low
       timeout = 60             log = on|off             log-file = ~/ailib.jsonl
       embed-model = openai/text-embedding-3-small
       [aliases]
       fast = groq/llama-3.1-8b-instant
       [options]                (defaults of -o key=value)
       top_p = 0.9
       [routes]                 (route groups for -m route/<name>, the syntax of AILIB_ROUTE_<NAME>)
       fast = strategy=latency; groq/llama-3.1-8b-instant; openai/gpt-4o-mini                    */
static int load_config(void) {
    static const char *const known[] = { "model", "system", "temperature", "max-tokens", "reasoning", "timeout", "log", "log-file",
                                         "embed-model" };
    const char *env = getenv("AILIB_CONFIG");
    char *line, *next, section[32] = "";
    size_t lineno = 0, k;
    if (env && *env) snprintf(g_cfg.path, sizeof g_cfg.path, "%s", env);
    else if (!xdg_path(g_cfg.path, sizeof g_cfg.path, "XDG_CONFIG_HOME", ".config", "config")) return -1;
    g_cfg.text = read_file(g_cfg.path, NULL);
    if (!g_cfg.text) {
        if (errno == ENOENT || errno == ENOTDIR) return -1;
        fprintf(stderr, "ailib: cannot read the configuration %s: %s\n", g_cfg.path, strerror(errno));
        return EXIT_USAGE;
    }
    g_cfg.found = 1;
    for (line = g_cfg.text; line; line = next) {
        char *eq, *key, *val;
        lineno++;
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        line = trim(line);
        if (!*line || *line == '#' || *line == ';') continue;
        if (*line == '[') {
            char *close = strchr(line, ']');
            if (!close || close[1]) return config_error(lineno, "a section is written [name]: '%s'", line);
            *close = 0;
            snprintf(section, sizeof section, "%s", line + 1);
            if (strcmp(section, "aliases") && strcmp(section, "options") && strcmp(section, "defaults") && strcmp(section, "routes"))
                return config_error(lineno, "unknown section [%s] (there are [defaults], [aliases], [options] and [routes])", section);
            continue;
        }
        if (!(eq = strchr(line, '='))) return config_error(lineno, "expected key = value, found '%s'", line);
        *eq = 0;
        key = trim(line);
        val = trim(eq + 1);
        if (!*key) return config_error(lineno, "a setting has no name%s", "");
        if (!strcmp(section, "aliases")) {
            if (g_cfg.naliases == MAX_LIST) return config_error(lineno, "more than 64 aliases%s", "");
            g_cfg.alias_name[g_cfg.naliases] = key;
            g_cfg.alias_model[g_cfg.naliases++] = val;
            continue;
        }
        if (!strcmp(section, "routes")) {
            int rc;
            if (g_cfg.nroutes == MAX_LIST) return config_error(lineno, "more than 64 routes%s", "");
            if ((rc = config_route(lineno, key, val)) >= 0) return rc;
            continue;
        }
        if (!strcmp(section, "options")) {
            if (g_cfg.nopts == MAX_LIST) return config_error(lineno, "more than 64 options%s", "");
            g_cfg.opt_key[g_cfg.nopts] = key;
            g_cfg.opt_val[g_cfg.nopts++] = val;
            continue;
        }
        if (key_is(key, "model")) g_cfg.model = val;
        else if (key_is(key, "system")) g_cfg.system = val;
        else if (key_is(key, "reasoning")) g_cfg.reasoning = val;
        else if (key_is(key, "embed-model")) g_cfg.embed_model = val;
        else if (key_is(key, "log-file")) g_cfg.log_file = val;
        else if (key_is(key, "temperature")) {
            if (!parse_double(val, &g_cfg.temperature)) return config_error(lineno, "temperature '%s' is not a number", val);
            g_cfg.has_temperature = 1;
        } else if (key_is(key, "max-tokens")) {
            if (!parse_int64(val, &g_cfg.max_tokens) || g_cfg.max_tokens <= 0) return config_error(lineno, "max-tokens '%s' is not a positive integer", val);
        } else if (key_is(key, "timeout")) {
            double d;
            if (!parse_double(val, &d) || d <= 0) return config_error(lineno, "timeout '%s' is not a number of seconds", val);
            g_cfg.timeout_ms = (int64_t)(d * 1000.0);
        } else if (key_is(key, "log")) {
            int on;
            if (!parse_bool(val, &on)) return config_error(lineno, "log is on or off, not '%s'", val);
            g_cfg.log_off = !on;
        } else {
            const char *best = NULL;
            for (k = 0; k < sizeof known / sizeof known[0] && !best; k++)
                if (edit_distance(key, known[k]) <= 2) best = known[k];
            fprintf(stderr, "ailib: %s:%lu: unknown setting '%s'", g_cfg.path, (unsigned long)lineno, key);
            if (best) fprintf(stderr, " (did you mean '%s'?)", best);
            fputs("; settings: model, system, temperature, max-tokens, reasoning, timeout, log, log-file, embed-model, "
                  "and the sections [aliases], [options] and [routes]\n", stderr);
            return EXIT_USAGE;
        }
    }
    return -1;
}

/* An alias of the configuration, or the name itself. */
static const char *resolve_alias(const char *name) {
    size_t i;
    if (!name) return NULL;
    for (i = 0; i < g_cfg.naliases; i++) if (!strcmp(g_cfg.alias_name[i], name)) return g_cfg.alias_model[i];
    return name;
}

/* --- options: one table for every command ----------------------------------------------------- */

/* Which commands take an option. */
enum { S_PROMPT = 1u << 0, S_MODELS = 1u << 1, S_EMBED = 1u << 2, S_CHECK = 1u << 3, S_LOGS = 1u << 4, S_CHAT = 1u << 5,
       S_BATCH = 1u << 6 };
#define S_NET (S_PROMPT | S_MODELS | S_EMBED | S_CHECK | S_CHAT)
#define S_CALLS (S_PROMPT | S_CHAT | S_BATCH)   /* the commands that make chat calls */

enum {
    OPT_MODEL, OPT_SYSTEM, OPT_TEMPERATURE, OPT_MAX_TOKENS, OPT_REASONING, OPT_BASE_URL, OPT_TIMEOUT, OPT_JSON,
    OPT_VERBOSE, OPT_CONTINUE, OPT_CID, OPT_ATTACH, OPT_ATTACH_TYPE, OPT_SCHEMA, OPT_NO_STREAM, OPT_OPTION, OPT_TOOL,
    OPT_CHAIN_LIMIT, OPT_NO_LOG, OPT_LOG, OPT_EXTRACT, OPT_COUNT, OPT_QUERY, OPT_LINES, OPT_DIMENSIONS, OPT_INPUT_TYPE,
    OPT_USAGE, OPT_RECORD, OPT_REPLAY, OPT_RECORD_MISSING, OPT_OUTPUT, OPT_CONCURRENCY, OPT_RETRY_FAILED
};

typedef struct cli_opt {
    const char *shrt, *lng;      /* "-m", "--model"; either may be NULL */
    int id;
    int nvalues;                 /* values that follow: 0, 1 or 2 (--at FILE MIME) */
    unsigned scope;              /* S_* of the commands that take it */
} cli_opt;

static const cli_opt cli_opts[] = {
    { "-m", "--model", OPT_MODEL, 1, S_NET | S_LOGS | S_BATCH },
    { "-s", "--system", OPT_SYSTEM, 1, S_CALLS },
    { "-t", "--temperature", OPT_TEMPERATURE, 1, S_CALLS },
    { NULL, "--max-tokens", OPT_MAX_TOKENS, 1, S_CALLS },
    { NULL, "--reasoning", OPT_REASONING, 1, S_CALLS },
    { NULL, "--base-url", OPT_BASE_URL, 1, S_NET | S_BATCH },
    { NULL, "--timeout", OPT_TIMEOUT, 1, S_NET | S_BATCH },
    { NULL, "--json", OPT_JSON, 0, S_NET | S_LOGS },
    { "-v", "--verbose", OPT_VERBOSE, 0, S_NET | S_LOGS | S_BATCH },
    { "-u", "--usage", OPT_USAGE, 0, S_CALLS },
    { NULL, "--record", OPT_RECORD, 1, S_CALLS },
    { NULL, "--replay", OPT_REPLAY, 1, S_CALLS },
    { NULL, "--record-missing", OPT_RECORD_MISSING, 1, S_CALLS },
    /* batch spells -o and -c as `llm` and xargs users expect; looked up in its scope first */
    { "-o", "--output", OPT_OUTPUT, 1, S_BATCH },
    { "-c", "--concurrency", OPT_CONCURRENCY, 1, S_BATCH },
    { NULL, "--retry-failed", OPT_RETRY_FAILED, 0, S_BATCH },
    { "-c", "--continue", OPT_CONTINUE, 0, S_PROMPT | S_LOGS | S_CHAT },
    { NULL, "--cid", OPT_CID, 1, S_PROMPT | S_LOGS | S_CHAT },
    { "-a", "--attach", OPT_ATTACH, 1, S_PROMPT },
    { NULL, "--at", OPT_ATTACH_TYPE, 2, S_PROMPT },
    { NULL, "--schema", OPT_SCHEMA, 1, S_PROMPT },
    { NULL, "--no-stream", OPT_NO_STREAM, 0, S_PROMPT },
    { "-o", "--option", OPT_OPTION, 1, S_PROMPT | S_CHAT },
    { "-T", "--tool", OPT_TOOL, 1, S_PROMPT | S_CHAT },
    { NULL, "--chain-limit", OPT_CHAIN_LIMIT, 1, S_PROMPT | S_CHAT },
    { "-n", "--no-log", OPT_NO_LOG, 0, S_PROMPT | S_CHAT },
    { NULL, "--log", OPT_LOG, 0, S_PROMPT | S_CHAT },
    { "-x", "--extract", OPT_EXTRACT, 0, S_PROMPT },
    { "-n", "--count", OPT_COUNT, 1, S_LOGS },
    { "-q", "--query", OPT_QUERY, 1, S_LOGS },
    { NULL, "--lines", OPT_LINES, 0, S_EMBED },
    { NULL, "--dimensions", OPT_DIMENSIONS, 1, S_EMBED },
    { NULL, "--input-type", OPT_INPUT_TYPE, 1, S_EMBED }
};

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

/* Applies one option; -1 to go on, else the exit code of a bad value. */
static int apply_option(cli_options *o, int id, const char *v, const char *v2) {
    double d;
    switch (id) {
    case OPT_MODEL: o->model = v; break;
    case OPT_SYSTEM: o->system = v; break;
    case OPT_TEMPERATURE:
        if (!parse_double(v, &d) || d < 0) return usage_error("bad temperature '%s': give a number like 0.7", v);
        o->temperature = ailib_set(d);
        break;
    case OPT_MAX_TOKENS:
        if (!parse_int64(v, &o->max_tokens) || o->max_tokens <= 0) return usage_error("bad --max-tokens '%s': give a positive integer", v);
        break;
    case OPT_REASONING:
        if (!parse_effort(v, &o->effort)) return usage_error("bad --reasoning '%s': use low, medium or high (also none, minimal, xhigh)", v);
        break;
    case OPT_BASE_URL: o->base_url = v; break;
    case OPT_TIMEOUT:
        if (!parse_double(v, &d) || d <= 0 || d > 1e9) return usage_error("bad --timeout '%s': give seconds, e.g. 30", v);
        o->timeout_ms = (int64_t)(d * 1000.0);
        if (o->timeout_ms < 1) o->timeout_ms = 1;
        break;
    case OPT_JSON: o->json = 1; break;
    case OPT_VERBOSE: o->verbose = 1; break;
    case OPT_CONTINUE: o->cont = 1; break;
    case OPT_CID: o->cid = v; break;
    case OPT_ATTACH: case OPT_ATTACH_TYPE:
        if (o->nattach == MAX_LIST) return usage_error("more than 64 attachments%s", "");
        o->attach[o->nattach].path = v;
        o->attach[o->nattach++].mime = id == OPT_ATTACH_TYPE ? v2 : NULL;
        break;
    case OPT_SCHEMA: o->schema = v; break;
    case OPT_NO_STREAM: o->no_stream = 1; break;
    case OPT_OPTION:
        if (!strchr(v, '=')) return usage_error("-o takes key=value, not '%s' (e.g. -o temperature=0.2; see ailib help prompt)", v);
        if (o->nopts == MAX_LIST) return usage_error("more than 64 -o options%s", "");
        o->opts[o->nopts++] = v;
        break;
    case OPT_TOOL:
        if (o->ntools == MAX_LIST) return usage_error("more than 64 tool files%s", "");
        o->tools[o->ntools++] = v;
        break;
    case OPT_CHAIN_LIMIT:
        if (!parse_int64(v, &o->chain_limit) || o->chain_limit <= 0 || o->chain_limit > 1000)
            return usage_error("bad --chain-limit '%s': give the most model calls of a tool loop, 1 to 1000", v);
        break;
    case OPT_NO_LOG: o->no_log = 1; break;
    case OPT_LOG: o->log = 1; break;
    case OPT_EXTRACT: o->extract = 1; break;
    case OPT_COUNT:
        if (!parse_int64(v, &o->count) || o->count < 0) return usage_error("bad --count '%s': give how many calls to list (0: all)", v);
        break;
    case OPT_QUERY: o->query = v; break;
    case OPT_LINES: o->lines = 1; break;
    case OPT_DIMENSIONS:
        if (!parse_int64(v, &o->dimensions) || o->dimensions <= 0) return usage_error("bad --dimensions '%s': give a positive integer", v);
        break;
    case OPT_INPUT_TYPE:
        if (strcmp(v, "query") && strcmp(v, "document")) return usage_error("bad --input-type '%s': query or document", v);
        o->input_type = v;
        break;
    case OPT_USAGE: o->usage = 1; break;
    case OPT_RECORD: case OPT_REPLAY: case OPT_RECORD_MISSING:
        if (o->cassette) return usage_error("one cassette per run: --record, --replay or --record-missing, once (%s)", v);
        if (!*v) return usage_error("a cassette needs a file name%s", "");
        o->cassette = v;
        o->cassette_mode = id == OPT_RECORD ? CAS_RECORD : id == OPT_REPLAY ? CAS_REPLAY : CAS_RECORD_MISSING;
        break;
    case OPT_OUTPUT: o->out_path = v; break;
    case OPT_CONCURRENCY:
        if (!parse_int64(v, &o->concurrency) || o->concurrency < 1 || o->concurrency > 1024)
            return usage_error("bad --concurrency '%s': give the calls at once, 1 to 1024", v);
        break;
    case OPT_RETRY_FAILED: o->retry_failed = 1; break;
    default: break;
    }
    return -1;
}

/* The option argv[i] spells (its value attached as "--opt=value" in *inline_v), or NULL. */
/* A spelling two commands use differently (-n) is looked up within the command's scope first. */
static const cli_opt *find_option(const char *arg, unsigned scope, const char **inline_v) {
    size_t k;
    int pass;
    *inline_v = NULL;
    for (pass = 0; pass < 2; pass++)
    for (k = 0; k < sizeof cli_opts / sizeof cli_opts[0]; k++) {
        const cli_opt *op = &cli_opts[k];
        size_t n;
        if (pass == 0 && !(op->scope & scope)) continue;
        if (op->shrt && !strcmp(arg, op->shrt)) return op;
        if (!op->lng) continue;
        if (!strcmp(arg, op->lng)) return op;
        n = strlen(op->lng);
        if (op->nvalues == 1 && !strncmp(arg, op->lng, n) && arg[n] == '=') { *inline_v = arg + n + 1; return op; }
    }
    return NULL;
}

typedef struct cli_command cli_command;
static void print_command_help(const cli_command *cmd);
static const char *usage_text;

/* Fills o from argv[first..] for a command of the given scope; positional arguments go to
   pos[*npos]. Returns -1 to go on, or the exit code to end with (--help, --version, errors). */
static int parse_args(int argc, char **argv, int first, unsigned scope, const cli_command *cmd, const char *cmd_name,
                      cli_options *o, char **pos, int *npos) {
    int i;
    for (i = first; i < argc; i++) {
        const char *a = argv[i], *v = NULL, *v2 = NULL;
        const cli_opt *op;
        int r;
        if (strcmp(a, "--") == 0) { while (++i < argc) pos[(*npos)++] = argv[i]; break; }
        if (a[0] != '-' || a[1] == 0) { pos[(*npos)++] = argv[i]; continue; }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            if (cmd) print_command_help(cmd); else fputs(usage_text, stdout);
            return EXIT_OK;
        }
        if (strcmp(a, "--version") == 0) { printf("ailib %s\n", ailib_version_string()); return EXIT_OK; }
        if (!(op = find_option(a, scope, &v))) {
            size_t k, best = 99;
            const char *near = NULL;
            for (k = 0; k < sizeof cli_opts / sizeof cli_opts[0]; k++) {
                size_t dd = cli_opts[k].lng ? edit_distance(a, cli_opts[k].lng) : 99;
                if (dd < best) { best = dd; near = cli_opts[k].lng; }
            }
            fprintf(stderr, "ailib: unknown option '%s'", a);
            if (near && best <= 2) fprintf(stderr, " (did you mean %s?)", near);
            fputs(" (see ailib --help)\n", stderr);
            return EXIT_USAGE;
        }
        if (!(op->scope & scope)) {
            fprintf(stderr, "ailib: %s is not an option of `ailib %s` (see ailib help %s)\n", a, cmd_name, cmd_name);
            return EXIT_USAGE;
        }
        if (op->nvalues >= 1 && !v) {
            if (i + 1 >= argc) return usage_error("option '%s' needs a value", a);
            v = argv[++i];
        }
        if (op->nvalues == 2) {
            if (i + 1 >= argc) return usage_error("option '%s' needs two values", a);
            v2 = argv[++i];
        }
        if ((r = apply_option(o, op->id, v, v2)) >= 0) return r;
    }
    return -1;
}

/* Joins words with spaces; NULL when there are none. */
static char *join_args(int n, char **words) {
    size_t len = 0;
    int i;
    char *s;
    if (n <= 0) return NULL;
    for (i = 0; i < n; i++) len += strlen(words[i]) + 1;
    s = (char *)malloc(len);
    if (!s) return NULL;
    len = 0;
    for (i = 0; i < n; i++) {
        size_t k = strlen(words[i]);
        if (i) s[len++] = ' ';
        memcpy(s + len, words[i], k);
        len += k;
    }
    s[len] = 0;
    return s;
}

/* --- errors a shell user can act on ------------------------------------------------------------ */

/* What the failure needs from the user, beyond the library's message: the key variable on an
   authentication failure, the model list on a 404. */
static void failure_hint(ailib_result r, const ailib_provider_info *prov, const char *model, char *hint, size_t cap) {
    char var[128];
    hint[0] = 0;
    if (!prov) return;
    if (r == AILIB_AUTH) {
        if (needs_key(prov) && env_any(prov->api_key_env, var, sizeof var))
            snprintf(hint, cap, "check the key in %s (the %s key it holds was refused)", var, prov->name);
        else if (prov->api_key_env)
            snprintf(hint, cap, "set %s to a %s API key", prov->api_key_env, prov->name);
    } else if (r == AILIB_NOT_FOUND) {
        const ailib_model_info *near[3];
        size_t n = model && !ailib_model_find(prov->name, model) ? ailib_model_suggest(prov->name, model, near, 3) : 0, i, at;
        at = (size_t)snprintf(hint, cap, "`ailib models %s` lists the models it serves", prov->name);
        for (i = 0; i < n && at < cap; i++)
            at += (size_t)snprintf(hint + at, cap - at, "%s%s", i ? ", " : "; near it in the catalog: ", near[i]->name);
    } else if (r == AILIB_QUOTA_EXCEEDED) {
        snprintf(hint, cap, "the %s account is out of credit or over its quota", prov->name);
    }
}

static void write_opt_string(ailib_json_writer *w, const char *key, const char *s);
static void print_json_pretty(const char *s, size_t n);

/* {"error":{...}} on stdout for --json: every field always present (null when unknown). */
static void print_error_json(ailib_result r, const ailib_error *err, const char *message, const char *hint) {
    ailib_json_writer w;
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_object_begin(&w);
    ailib_json_write_key(&w, "error");
    ailib_json_write_object_begin(&w);
    ailib_json_write_key(&w, "code");     ailib_json_write_string(&w, ailib_result_name(r));
    ailib_json_write_key(&w, "message");  ailib_json_write_string(&w, message);
    write_opt_string(&w, "hint", hint);
    ailib_json_write_key(&w, "exit_code"); ailib_json_write_int(&w, exit_code_of(r));
    ailib_json_write_key(&w, "http_status");
    if (err && err->http_status) ailib_json_write_int(&w, err->http_status); else ailib_json_write_null(&w);
    write_opt_string(&w, "provider_type", err ? err->provider_type : NULL);
    write_opt_string(&w, "provider_code", err ? err->provider_code : NULL);
    write_opt_string(&w, "provider_message", err ? err->provider_message : NULL);
    write_opt_string(&w, "request_id", err ? err->request_id : NULL);
    ailib_json_write_key(&w, "retryable"); ailib_json_write_bool(&w, err && err->retryable);
    ailib_json_write_key(&w, "retry_after_ms");
    if (err && err->retry_after_ms >= 0) ailib_json_write_int(&w, err->retry_after_ms); else ailib_json_write_null(&w);
    ailib_json_write_object_end(&w);
    ailib_json_write_object_end(&w);
    if (ailib_json_writer_finish(&w) == AILIB_OK) print_json_pretty(w.buf, w.len);
    ailib_json_writer_deinit(&w);
}

/* Reports a failure on stderr (and as JSON on stdout with --json); returns the exit code. */
static int report_failure(ailib_result r, const ailib_error *err, const ailib_provider_info *prov, const char *model, int json) {
    const char *msg = err && err->message[0] ? err->message : ailib_result_string(r);
    char hint[512];
    if (r == AILIB_CANCELLED && g_interrupted) msg = "interrupted";
    failure_hint(r, prov, model, hint, sizeof hint);
    if (r == AILIB_NOT_FOUND && g_replaying && !(err && err->http_status)) hint[0] = 0;   /* the cassette's miss, not a 404 */
    if (r == AILIB_CONFIGURATION && strstr(msg, "route group '") && strstr(msg, "is not defined"))
        snprintf(hint, sizeof hint, "or define it under [routes] in %.400s (ailib help config)", g_cfg.path[0] ? g_cfg.path : "the configuration");
    fputs("ailib: ", stderr);
    if (hint[0]) {
        /* "...provider's words." and "; hint": no full stop before the semicolon */
        char m[1024];
        size_t n = strlen(msg);
        snprintf(m, sizeof m, "%s", msg);
        if (n && n < sizeof m && m[n - 1] == '.') m[n - 1] = 0;
        print_cli_message(m);
        fprintf(stderr, "; %s", hint);
    } else print_cli_message(msg);
    if (err && err->request_id[0]) fprintf(stderr, " (request id %s)", err->request_id);
    fputc('\n', stderr);
    if (json) print_error_json(r, err, msg, hint[0] ? hint : NULL);
    return exit_code_of(r);
}

static int report_error(ailib_result r, const ailib_error *err) { return report_failure(r, err, NULL, NULL, 0); }

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

/* requested: the model asked for, shown when the provider's reply names none. The shape is
   the one a batch line's "response" has (ailib_batch.c writes both). */
static int print_response_json(const ailib_response *r, const char *requested) {
    ailib_json_writer w;
    ailib_json_writer_init(&w, NULL);
    jsonl_batch_write_response(&w, r, requested);
    return print_json_done(&w, "the response");
}

/* Where streamed reasoning goes: dimmed on stdout when that is a terminal, else to stderr
   with -v (dimmed when stderr is a terminal), else nowhere. */

/* --- a call ------------------------------------------------------------------------------------ */

typedef struct cli_tool cli_tool;
static const cli_tool *find_cli_tool(const char *name, size_t n);
static int cli_tool_runs(const cli_tool *t);

/* Where streamed output goes: text to stdout as it comes (when streaming); reasoning dimmed on
   stdout when that is a terminal, else to stderr with -v (dimmed when stderr is a terminal),
   else nowhere; a tool call as a line of its own, on stdout when it is the answer (no command
   runs it) and on stderr when the command of a -T tool runs it. */
typedef struct stream_state {
    FILE *rout;            /* reasoning destination, or NULL */
    int rdim;              /* wrap reasoning in the dim attribute */
    int in_reasoning;      /* reasoning was the last thing written */
    int printed;           /* anything written to stdout */
    char last;             /* the last byte written to stdout */
    int stream_text;       /* text deltas go to stdout */
} stream_state;

static void end_reasoning(stream_state *st) {
    if (!st->in_reasoning) return;
    if (st->rdim) fputs("\033[0m", st->rout);
    fputc('\n', st->rout);
    fflush(st->rout);
    if (st->rout == stdout) st->last = '\n';
    st->in_reasoning = 0;
}

static void print_tool_call(stream_state *st, const char *name, size_t nl, const char *args, size_t al) {
    const cli_tool *t = find_cli_tool(name, nl);
    FILE *f = t && cli_tool_runs(t) ? stderr : stdout;
    int dim = isatty(fileno(f));
    end_reasoning(st);
    if (f == stdout && st->printed && st->last != '\n') fputc('\n', stdout);
    fprintf(f, "%stool call: %.*s %.*s%s\n", dim ? "\033[2m" : "", (int)nl, name, (int)al, al ? args : "{}", dim ? "\033[0m" : "");
    fflush(f);
    if (f == stdout) { st->printed = 1; st->last = '\n'; }
}

static void on_event(stream_state *st, const ailib_event *ev) {
    if (ev->type == AILIB_EVENT_TEXT_DELTA && ev->text_len && st->stream_text) {
        end_reasoning(st);
        fwrite(ev->text, 1, ev->text_len, stdout);
        st->printed = 1;
        st->last = ev->text[ev->text_len - 1];
        fflush(stdout);
    } else if (ev->type == AILIB_EVENT_REASONING_DELTA && ev->text_len && st->rout && st->stream_text) {
        if (!st->in_reasoning && st->rdim) fputs("\033[2m", st->rout);
        st->in_reasoning = 1;
        fwrite(ev->text, 1, ev->text_len, st->rout);
        if (st->rout == stdout) st->printed = 1;
        fflush(st->rout);
    } else if (ev->type == AILIB_EVENT_TOOL_CALL_END && st->stream_text) {
        print_tool_call(st, ev->name, ev->name_len, ev->text, ev->text_len);
    }
}

static void usage_add(ailib_usage *u, const ailib_usage *v) {
    if (!v) return;
    u->input_tokens += v->input_tokens; u->output_tokens += v->output_tokens; u->total_tokens += v->total_tokens;
    u->cached_input_tokens += v->cached_input_tokens; u->cache_write_tokens += v->cache_write_tokens;
    u->reasoning_tokens += v->reasoning_tokens; u->reported |= v->reported;
}

/* After an answer: say on stderr when it did not end normally, and with -v how it ended. */
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

/* Runs one call on the non-blocking core, so Ctrl-C can cancel it between polls. *transport
   is set when the transport itself failed (not the call). */
static ailib_result run_call(ailib_client *c, const ailib_request *req, int stream, stream_state *st, ailib_response **out,
                             ailib_error *err, int *transport) {
    ailib_call_desc cd;
    ailib_call *call = NULL;
    ailib_event ev;
    ailib_result r, poll_r = AILIB_OK;
    *out = NULL;
    *transport = 0;
    memset(&cd, 0, sizeof cd);
    cd.stream = stream;
    ailib_error_clear(err);
    r = ailib_chat_start(c, req, &cd, &call, err);
    if (r != AILIB_OK) return r;
    g_blocking = 0;
    while (!ailib_call_done(call)) {
        if (g_interrupted) { ailib_call_cancel(call); break; }
        poll_r = ailib_client_poll(c, 50);
        while (ailib_call_next_event(call, &ev) == AILIB_OK) on_event(st, &ev);
        if (poll_r != AILIB_OK) { ailib_call_cancel(call); break; }
    }
    g_blocking = 1;
    r = ailib_call_finish(call, out, err);
    end_reasoning(st);
    if (st->printed && st->last != '\n') { fputc('\n', stdout); st->last = '\n'; }   /* end the line for the shell */
    fflush(stdout);
    if (g_interrupted) r = AILIB_CANCELLED;
    if (r != AILIB_OK && poll_r != AILIB_OK && !g_interrupted) *transport = 1;
    return r;
}

/* --- the log: one JSON object per line ---------------------------------------------------------
   Why JSONL and not SQLite: the tool's only dependency stays libcurl; a record is one append
   (O_APPEND, one write), so concurrent ailib processes do not interleave and a crash costs at
   most the line being written; jq and grep read it; nothing to migrate. Reading is a linear
   scan of the file, which stays in the milliseconds for the tens of MB a year of heavy use
   makes; past that, rotate the file (log-file in the configuration).

   A record: {"id","cid","time","model","system","prompt","attachments":[{"path","mime","bytes"}],
   "response","tool_calls","finish_reason","usage":{...},"cost_usd","duration_ms","messages":[...]}
   where messages are the turn's messages in ailib_message_write_json form (the user turn, the
   assistant turns, tool results): a conversation is its records' messages in order. */

typedef struct log_rec { ailib_json_doc *doc; const ailib_json *root; const char *id, *cid; } log_rec;
typedef struct log_db { log_rec *recs; size_t n, cap; size_t bad; char *text; } log_db;

static void log_free(log_db *db) {
    size_t i;
    for (i = 0; i < db->n; i++) ailib_json_doc_destroy(db->recs[i].doc);
    free(db->recs);
    free(db->text);
    memset(db, 0, sizeof *db);
}

/* Every record of the log (a missing file is an empty log). 0 ok, else an exit code. */
static int log_load(const char *path, log_db *db) {
    char *line, *next;
    memset(db, 0, sizeof *db);
    if (!(db->text = read_file(path, NULL))) {
        if (errno == ENOENT || errno == ENOTDIR) return 0;
        fprintf(stderr, "ailib: cannot read the log %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    for (line = db->text; line && *line; line = next) {
        log_rec rec;
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        if (!*line) continue;
        memset(&rec, 0, sizeof rec);
        if (ailib_json_parse(line, strlen(line), NULL, &rec.doc, NULL) != AILIB_OK ||
            !(rec.id = ailib_json_str(ailib_json_get(ailib_json_doc_root(rec.doc), "id"), NULL)) ||
            !(rec.cid = ailib_json_str(ailib_json_get(ailib_json_doc_root(rec.doc), "cid"), NULL))) {
            ailib_json_doc_destroy(rec.doc);
            db->bad++;                                /* a torn last line, an edit: skipped */
            continue;
        }
        rec.root = ailib_json_doc_root(rec.doc);
        if (db->n == db->cap) {
            size_t ncap = db->cap ? db->cap * 2 : 64;
            log_rec *nr = (log_rec *)realloc(db->recs, ncap * sizeof *nr);
            if (!nr) { ailib_json_doc_destroy(rec.doc); log_free(db); fputs("ailib: out of memory\n", stderr); return EXIT_PROVIDER; }
            db->recs = nr;
            db->cap = ncap;
        }
        db->recs[db->n++] = rec;
    }
    return 0;
}

/* The conversation id want names: a conversation id or a record id, whole or a unique prefix
   of at least 4 characters; NULL want: the latest conversation. NULL when there is none (a
   message on stderr says why). */
static const char *log_find_cid(const log_db *db, const char *want, const char *path) {
    size_t i, wl;
    const char *hit = NULL;
    if (!db->n) {
        fprintf(stderr, "ailib: no conversation to continue: the log %s has no calls yet\n", path);
        return NULL;
    }
    if (!want) return db->recs[db->n - 1].cid;
    for (i = 0; i < db->n; i++)
        if (!strcmp(db->recs[i].cid, want) || !strcmp(db->recs[i].id, want)) return db->recs[i].cid;
    wl = strlen(want);
    for (i = 0; wl >= 4 && i < db->n; i++) {
        const log_rec *r = &db->recs[i];
        if (!strncmp(r->cid, want, wl) || !strncmp(r->id, want, wl)) {
            if (hit && strcmp(hit, r->cid)) {
                fprintf(stderr, "ailib: '%s' is the start of more than one conversation (%s, %s): give more of it\n", want, hit, r->cid);
                return NULL;
            }
            hit = r->cid;
        }
    }
    if (!hit) fprintf(stderr, "ailib: no conversation '%s' in %s (`ailib logs` lists them)\n", want, path);
    return hit;
}

/* A new id: hex milliseconds since the epoch and 16 random bits, so ids sort by time. */
static void new_id(char *out, size_t cap) {
    struct timespec ts;
    unsigned r;
    clock_gettime(CLOCK_REALTIME, &ts);
    r = ((unsigned)getpid() * 2654435761u) ^ (unsigned)ts.tv_nsec ^ ((unsigned)ts.tv_nsec >> 16);
    snprintf(out, cap, "%011llx%04x", (unsigned long long)ts.tv_sec * 1000ull + (unsigned long long)(ts.tv_nsec / 1000000), r & 0xffffu);
}

#if !AILIB_ENABLE_COST
/* USD of a call from the catalog's plain prices (a build without AILIB_ENABLE_COST); 0 when the
   catalog has no price for the model. */
static int cost_usd(const char *provider, const char *model, const ailib_usage *u, double *usd) {
    const ailib_model_info *m = ailib_model_find(provider, model);
    double pin, pc, pw;
    int64_t plain;
    if (!m || !u || (m->price_input <= 0 && m->price_output <= 0)) return 0;
    pin = m->price_input;
    pc = m->price_cached_input > 0 ? m->price_cached_input : pin;
    pw = m->price_cache_write > 0 ? m->price_cache_write : pin;
    plain = u->input_tokens - u->cached_input_tokens - u->cache_write_tokens;   /* input counts both */
    if (plain < 0) plain = 0;
    *usd = ((double)plain * pin + (double)u->cached_input_tokens * pc + (double)u->cache_write_tokens * pw +
            (double)u->output_tokens * m->price_output) / 1e6;
    return 1;
}
#endif

/* What the calls of a turn (or a run) cost: a sum while every call's cost is known, "unknown"
   as soon as one is not (a sum that left out an unpriced call would read as a true total). */
typedef struct cli_cost {
    double usd;
    int calls, unknown;
    char why[320];                    /* why the first unknown one is unknown */
} cli_cost;

static void cost_add(cli_cost *k, ailib_client *c, const ailib_response *r) {
    const char *model = *ailib_response_model(r) ? ailib_response_model(r) : ailib_client_model(c);
#if AILIB_ENABLE_COST
    ailib_cost cost;
    k->calls++;
    if (ailib_response_cost(r, &cost) == AILIB_OK && cost.known) { k->usd += cost.total; return; }
    k->unknown++;
    if (k->why[0]) return;
    if (cost.flags & AILIB_COST_NO_USAGE) snprintf(k->why, sizeof k->why, "the provider reported no usage");
    else
        snprintf(k->why, sizeof k->why, "no price for %.40s/%.100s: set AILIB_PRICE_<PROVIDER>_<MODEL> or COST_INPUT_PER_1K and "
                 "COST_OUTPUT_PER_1K to price it", ailib_client_provider(c)->name, cost.model[0] ? cost.model : model);
#else
    double usd = 0;
    k->calls++;
    if (cost_usd(ailib_client_provider(c)->name, model, ailib_response_usage(r), &usd)) { k->usd += usd; return; }
    k->unknown++;
    if (!k->why[0]) snprintf(k->why, sizeof k->why, "no price for %.40s/%.100s in the catalog", ailib_client_provider(c)->name, model);
#endif
}

/* A USD amount: at least two decimals, up to the tenth of a micro-dollar a one-token call costs. */
static void fmt_usd(char *out, size_t cap, double v) {
    size_t n;
    snprintf(out, cap, "$%.8f", v);
    n = strlen(out);
    while (n > 4 && out[n - 1] == '0' && out[n - 3] != '.') out[--n] = 0;
}

/* -u: the tokens of a turn by kind and its cost, one line on stderr. */
static void print_usage(const ailib_usage *u, const cli_cost *k, const ailib_response *last) {
    char usd[48];
    fputs("ailib: usage: ", stderr);
    if (u->reported & AILIB_USAGE_INPUT) fprintf(stderr, "%lld input", (long long)u->input_tokens); else fputs("input not reported", stderr);
    if (u->reported & AILIB_USAGE_OUTPUT) fprintf(stderr, ", %lld output", (long long)u->output_tokens); else fputs(", output not reported", stderr);
    fputs(" tokens", stderr);
    if (u->reported & (AILIB_USAGE_CACHED | AILIB_USAGE_CACHE_WRITE | AILIB_USAGE_REASONING)) {
        const char *sep = " (";
        if (u->reported & AILIB_USAGE_CACHED) { fprintf(stderr, "%s%lld cached input", sep, (long long)u->cached_input_tokens); sep = ", "; }
        if (u->reported & AILIB_USAGE_CACHE_WRITE) { fprintf(stderr, "%s%lld cache write", sep, (long long)u->cache_write_tokens); sep = ", "; }
        if (u->reported & AILIB_USAGE_REASONING) fprintf(stderr, "%s%lld reasoning", sep, (long long)u->reasoning_tokens);
        fputc(')', stderr);
    }
    if (k->calls > 1) fprintf(stderr, " over %d calls", k->calls);
    if (k->unknown) fprintf(stderr, "; cost unknown (%s)", k->why);
    else { fmt_usd(usd, sizeof usd, k->usd); fprintf(stderr, "; cost %s", usd); }
#if AILIB_ENABLE_ROUTING
    {
        const ailib_route_report *rr = last ? ailib_response_route(last) : NULL;
        if (rr && rr->endpoint_name[0]) {
            fprintf(stderr, "; answered by %s", rr->endpoint_name);
            if (rr->fallbacks) fprintf(stderr, " after %lu fall back%s", (unsigned long)rr->fallbacks, rr->fallbacks == 1 ? "" : "s");
        }
    }
#else
    (void)last;
#endif
    fputc('\n', stderr);
}

typedef struct turn_info {
    const char *id, *cid, *provider, *model, *route, *system, *prompt;
    const cli_options *o;
    const ailib_response *last;       /* the final reply */
    ailib_usage usage;                /* every call of the turn added up */
    cli_cost cost;                    /* and what they cost */
    size_t tool_calls;
    int64_t duration_ms;
    const ailib_convo *cv;
    size_t first;                     /* the turn's first message in cv */
} turn_info;

static void write_usage_field(ailib_json_writer *w, const ailib_usage *u, const char *key, int64_t v, uint32_t bit);

/* Appends the turn's record to the log; a failure is a warning, the answer is out already. */
static void log_write(const turn_info *t) {
    char path[1024], stamp[32];
    ailib_json_writer w;
    time_t now = time(NULL);
    struct tm tmv;
    size_t i, n;
    const ailib_message *ms;
    const ailib_usage *u = &t->usage;
    int fd;
    if (!log_path(path, sizeof path)) { fputs("ailib: warning: no HOME or XDG_DATA_HOME: the call is not logged\n", stderr); return; }
    gmtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    ailib_json_writer_init(&w, NULL);
    ailib_json_write_object_begin(&w);
    ailib_json_write_key(&w, "id"); ailib_json_write_string(&w, t->id);
    ailib_json_write_key(&w, "cid"); ailib_json_write_string(&w, t->cid);
    ailib_json_write_key(&w, "time"); ailib_json_write_string(&w, stamp);
    ailib_json_write_key(&w, "provider"); ailib_json_write_string(&w, t->provider);
    ailib_json_write_key(&w, "model"); ailib_json_write_string(&w, t->model);
    if (t->route) { ailib_json_write_key(&w, "route"); ailib_json_write_string(&w, t->route); }
    write_opt_string(&w, "system", t->system);
    ailib_json_write_key(&w, "prompt"); ailib_json_write_string(&w, t->prompt ? t->prompt : "");
    ailib_json_write_key(&w, "attachments");
    ailib_json_write_array_begin(&w);
    for (i = 0; i < t->o->nattach; i++) {
        ailib_json_write_object_begin(&w);
        ailib_json_write_key(&w, "path"); ailib_json_write_string(&w, t->o->attach[i].path);
        write_opt_string(&w, "mime", t->o->attach[i].mime);
        ailib_json_write_object_end(&w);
    }
    ailib_json_write_array_end(&w);
    ailib_json_write_key(&w, "response"); ailib_json_write_string(&w, ailib_response_text(t->last, NULL));
    ailib_json_write_key(&w, "tool_calls"); ailib_json_write_int(&w, (int64_t)t->tool_calls);
    ailib_json_write_key(&w, "finish_reason");
    ailib_json_write_string(&w, ailib_finish_reason_name(ailib_response_finish_reason(t->last)));
    ailib_json_write_key(&w, "usage");
    ailib_json_write_object_begin(&w);
    write_usage_field(&w, u, "input", u->input_tokens, AILIB_USAGE_INPUT);
    write_usage_field(&w, u, "output", u->output_tokens, AILIB_USAGE_OUTPUT);
    write_usage_field(&w, u, "cached_input", u->cached_input_tokens, AILIB_USAGE_CACHED);
    write_usage_field(&w, u, "cache_write", u->cache_write_tokens, AILIB_USAGE_CACHE_WRITE);
    write_usage_field(&w, u, "reasoning", u->reasoning_tokens, AILIB_USAGE_REASONING);
    ailib_json_write_object_end(&w);
    ailib_json_write_key(&w, "cost_usd");
    if (t->cost.calls && !t->cost.unknown) ailib_json_write_double(&w, t->cost.usd); else ailib_json_write_null(&w);   /* null: unknown */
    ailib_json_write_key(&w, "duration_ms"); ailib_json_write_int(&w, t->duration_ms);
    ailib_json_write_key(&w, "messages");
    ailib_json_write_array_begin(&w);
    ms = ailib_convo_messages(t->cv, &n);
    for (i = t->first; i < n; i++) ailib_message_write_json(&w, &ms[i]);
    ailib_json_write_array_end(&w);
    ailib_json_write_object_end(&w);
    if (ailib_json_writer_finish(&w) != AILIB_OK) {
        fprintf(stderr, "ailib: warning: the call could not be logged (%s)\n", ailib_result_string(w.error));
        ailib_json_writer_deinit(&w);
        return;
    }
    if (!make_parent_dirs(path) || (fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600)) < 0) {
        fprintf(stderr, "ailib: warning: cannot write the log %s: %s\n", path, strerror(errno));
    } else {
        /* one write of the line and its newline: appends of concurrent processes stay whole */
        char *line = (char *)malloc(w.len + 1);
        if (line) {
            memcpy(line, w.buf, w.len);
            line[w.len] = '\n';
            if (write(fd, line, w.len + 1) != (ssize_t)(w.len + 1))
                fprintf(stderr, "ailib: warning: the log %s was not fully written: %s\n", path, strerror(errno));
            free(line);
        }
        close(fd);
    }
    ailib_json_writer_deinit(&w);
}

/* --- attachments ------------------------------------------------------------------------------- */

typedef struct loaded_att {
    char *bytes; size_t len;        /* file contents (images, audio) */
    char *text;                     /* a text file, wrapped in <file name="..."> */
    const char *url;                /* an image by URL */
    const char *mime;
    ailib_part_type type;
} loaded_att;

/* Valid UTF-8 without NUL bytes: what is sent as a text attachment. */
static int utf8_text(const unsigned char *s, size_t n) {
    size_t i = 0, k, need;
    while (i < n) {
        unsigned char ch = s[i];
        if (!ch) return 0;
        need = ch < 0x80 ? 0 : (ch & 0xE0) == 0xC0 ? 1 : (ch & 0xF0) == 0xE0 ? 2 : (ch & 0xF8) == 0xF0 ? 3 : 9;
        if (need == 9 || (need && i + need >= n)) return 0;
        for (k = 1; k <= need; k++) if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += need + 1;
    }
    return 1;
}

static const char *ext_of(const char *path) {
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static int ext_is(const char *ext, const char *list) {
    size_t n = strlen(ext);
    const char *p = list;
    if (!n) return 0;
    while ((p = strstr(p, ext)) != NULL) {
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) return 1;
        p += n;
    }
    return 0;
}

/* The MIME type of an attachment: the bytes' magic first, then the extension; NULL when it
   is neither an image, audio nor text. */
static const char *sniff_mime(const char *path, const unsigned char *b, size_t n) {
    const char *ext = ext_of(path);
    char lower[16];
    size_t i;
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
    if (n >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6))) return "image/gif";
    if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4)) return "image/webp";
    if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WAVE", 4)) return "audio/wav";
    if (n >= 4 && !memcmp(b, "OggS", 4)) return "audio/ogg";
    if (n >= 4 && !memcmp(b, "fLaC", 4)) return "audio/flac";
    if (n >= 3 && (!memcmp(b, "ID3", 3) || (b[0] == 0xFF && (b[1] & 0xE0) == 0xE0))) return "audio/mp3";
    if (n >= 12 && !memcmp(b + 4, "ftypM4A", 7)) return "audio/m4a";
    if (n >= 5 && !memcmp(b, "%PDF-", 5)) return "application/pdf";
    for (i = 0; ext[i] && i + 1 < sizeof lower; i++) lower[i] = (char)((ext[i] >= 'A' && ext[i] <= 'Z') ? ext[i] + 32 : ext[i]);
    lower[i] = 0;
    if (ext_is(lower, "png")) return "image/png";
    if (ext_is(lower, "jpg jpeg")) return "image/jpeg";
    if (ext_is(lower, "gif")) return "image/gif";
    if (ext_is(lower, "webp")) return "image/webp";
    if (ext_is(lower, "wav")) return "audio/wav";
    if (ext_is(lower, "mp3")) return "audio/mp3";
    if (utf8_text(b, n)) return "text/plain";
    return NULL;
}

static void free_att(loaded_att *a) { free(a->bytes); free(a->text); memset(a, 0, sizeof *a); }

/* Loads -a / --at: a file, "-" (stdin), or an http(s) image URL. 0 ok, else an exit code. */
static int load_attachment(const cli_attachment *in, loaded_att *a) {
    const char *p = in->path, *mime = in->mime;
    const char *name;
    memset(a, 0, sizeof *a);
    if (!strncmp(p, "http://", 7) || !strncmp(p, "https://", 8)) {
        const char *m = mime ? mime : sniff_mime(p, (const unsigned char *)"", 0);
        if (!m || strncmp(m, "image/", 6)) {
            fprintf(stderr, "ailib: -a %s: only images are sent by URL (.png .jpg .gif .webp, or --at URL image/...); "
                            "download other files and attach them\n", p);
            return EXIT_USAGE;
        }
        a->url = p;
        a->mime = m;
        a->type = AILIB_PART_IMAGE;
        return 0;
    }
    if (!strcmp(p, "-")) a->bytes = read_all_n(stdin, &a->len);
    else a->bytes = read_file(p, &a->len);
    if (!a->bytes) {
        fprintf(stderr, "ailib: cannot read the attachment %s: %s\n", p, strerror(errno));
        return EXIT_USAGE;
    }
    if (!mime) mime = sniff_mime(p, (const unsigned char *)a->bytes, a->len);
    if (!mime || (strncmp(mime, "image/", 6) && strncmp(mime, "audio/", 6) && strncmp(mime, "text/", 5))) {
        fprintf(stderr, "ailib: cannot attach %s (%s): images, audio and text files only (--at FILE TYPE names the type)\n",
                p, mime ? mime : "binary, of no known type");
        free_att(a);
        return EXIT_USAGE;
    }
    a->mime = mime;
    if (!strncmp(mime, "text/", 5)) {
        size_t cap;
        if (!utf8_text((const unsigned char *)a->bytes, a->len)) {
            fprintf(stderr, "ailib: %s is not UTF-8 text: attach it with --at FILE TYPE if it is an image or audio\n", p);
            free_att(a);
            return EXIT_USAGE;
        }
        name = strcmp(p, "-") ? p : "stdin";
        cap = a->len + strlen(name) + 64;
        if (!(a->text = (char *)malloc(cap))) { free_att(a); fputs("ailib: out of memory\n", stderr); return EXIT_PROVIDER; }
        snprintf(a->text, cap, "<file name=\"%s\">\n%s%s</file>", name, a->bytes, a->len && a->bytes[a->len - 1] == '\n' ? "" : "\n");
        a->type = AILIB_PART_TEXT;
    } else a->type = strncmp(mime, "image/", 6) ? AILIB_PART_AUDIO : AILIB_PART_IMAGE;
    return 0;
}

static ailib_part part_of_att(const loaded_att *a) {
    if (a->type == AILIB_PART_TEXT) return ailib_part_text(a->text);
    if (a->url) return ailib_part_image_url(a->url);
    if (a->type == AILIB_PART_AUDIO) return ailib_part_audio(a->bytes, a->len, a->mime);
    return ailib_part_image(a->bytes, a->len, a->mime);
}

/* --- --schema: a file, JSON text, or the short form "name, age int, bio: a short bio" ---------- */

static char *schema_short_form(const char *spec) {
    ailib_json_writer w;
    char *copy = (char *)malloc(strlen(spec) + 1), *item, *next, *out;
    const char *names[MAX_LIST];
    size_t n = 0, i;
    if (!copy) return NULL;
    strcpy(copy, spec);
    ailib_json_writer_init(&w, NULL);
    ailib_json_pack(&w, "{s:s, s:{", "type", "object", "properties");
    for (item = copy; item; item = next) {
        char *colon, *sp, *name, *type = NULL;
        const char *jt = "string";
        next = item + strcspn(item, ",\n");
        if (*next) *next++ = 0; else next = NULL;
        if ((colon = strchr(item, ':')) != NULL) *colon++ = 0;
        name = trim(item);
        if (!*name) continue;
        if ((sp = strpbrk(name, " \t")) != NULL) { *sp++ = 0; type = trim(sp); }
        if (type && *type) {
            if (!strcmp(type, "int") || !strcmp(type, "integer")) jt = "integer";
            else if (!strcmp(type, "float") || !strcmp(type, "number")) jt = "number";
            else if (!strcmp(type, "bool") || !strcmp(type, "boolean")) jt = "boolean";
            else if (strcmp(type, "str") && strcmp(type, "string")) {
                fprintf(stderr, "ailib: --schema: '%s' of '%s' is not a type (str, int, float, bool)\n", type, name);
                free(copy);
                ailib_json_writer_deinit(&w);
                return NULL;
            }
        }
        ailib_json_pack(&w, "s:{s:s", name, "type", jt);
        if (colon && *trim(colon)) ailib_json_pack(&w, "s:s", "description", trim(colon));
        ailib_json_pack(&w, "}");
        if (n < MAX_LIST) names[n++] = name;
    }
    ailib_json_pack(&w, "} s:[", "required");
    for (i = 0; i < n; i++) ailib_json_pack(&w, "s", names[i]);
    ailib_json_pack(&w, "] s:b}", "additionalProperties", 0);
    out = ailib_json_writer_finish(&w) == AILIB_OK && n ? ailib_json_writer_take(&w, NULL) : NULL;
    if (!n) fputs("ailib: --schema names no field (e.g. --schema 'name, age int')\n", stderr);
    ailib_json_writer_deinit(&w);
    free(copy);
    return out;
}

static char *load_schema(const char *v) {
    struct stat sb;
    char *s;
    const char *t = v;
    ailib_json_doc *d = NULL;
    ailib_error e;
    while (*t == ' ' || *t == '\n' || *t == '\t') t++;
    if (stat(v, &sb) == 0 && S_ISREG(sb.st_mode)) {
        if (!(s = read_file(v, NULL))) { fprintf(stderr, "ailib: cannot read the schema %s: %s\n", v, strerror(errno)); return NULL; }
    } else if (*t == '{') {
        if (!(s = (char *)malloc(strlen(v) + 1))) return NULL;
        strcpy(s, v);
    } else return schema_short_form(v);
    ailib_error_clear(&e);
    if (ailib_json_parse(s, strlen(s), NULL, &d, &e) != AILIB_OK || !ailib_json_is_object(ailib_json_doc_root(d))) {
        fprintf(stderr, "ailib: --schema %s is not a JSON Schema object%s%s\n", v, e.message[0] ? ": " : "", e.message);
        free(s);
        s = NULL;
    }
    ailib_json_doc_destroy(d);
    return s;
}

/* --- -o key=value -------------------------------------------------------------------------------- */

typedef struct o_state { const char *stop[16]; size_t nstop; } o_state;

static int apply_o(ailib_request *req, o_state *st, const char *key, size_t kl, const char *val) {
    char k[64];
    double d;
    int64_t i;
    int b;
    size_t j;
    if (kl >= sizeof k) kl = sizeof k - 1;
    for (j = 0; j < kl; j++) k[j] = key[j] == '-' ? '_' : key[j];
    k[kl] = 0;
#define O_NUM(name, field) if (!strcmp(k, name)) { if (!parse_double(val, &d)) goto bad; req->field = ailib_set(d); return -1; }
#define O_INT(name, field) if (!strcmp(k, name)) { if (!parse_int64(val, &i)) goto bad; req->field = ailib_set_int(i); return -1; }
    O_NUM("temperature", temperature) O_NUM("top_p", top_p) O_NUM("presence_penalty", presence_penalty)
    O_NUM("frequency_penalty", frequency_penalty) O_INT("top_k", top_k) O_INT("seed", seed)
#undef O_NUM
#undef O_INT
    if (!strcmp(k, "max_tokens")) { if (!parse_int64(val, &i) || i <= 0) goto bad; req->max_tokens = i; return -1; }
    if (!strcmp(k, "stop")) { if (st->nstop == 16) goto bad; st->stop[st->nstop++] = val; req->stop = st->stop; req->stop_count = st->nstop; return -1; }
    if (!strcmp(k, "reasoning") || !strcmp(k, "effort")) { if (!parse_effort(val, &req->reasoning.effort)) goto bad; return -1; }
    if (!strcmp(k, "budget") || !strcmp(k, "thinking_budget")) {
        if (!parse_int64(val, &i) || i <= 0) goto bad;
        req->reasoning.budget_tokens = i;
        return -1;
    }
    if (!strcmp(k, "exclude_reasoning")) { if (!parse_bool(val, &b)) goto bad; req->reasoning.exclude = b; return -1; }
    if (!strcmp(k, "parallel_tool_calls")) { if (!parse_bool(val, &b)) goto bad; req->parallel_tool_calls = b ? AILIB_ON : AILIB_OFF; return -1; }
    if (!strcmp(k, "tool_choice")) {
        if (!strcmp(val, "auto")) req->tool_choice.mode = AILIB_TOOL_CHOICE_AUTO;
        else if (!strcmp(val, "none")) req->tool_choice.mode = AILIB_TOOL_CHOICE_NONE;
        else if (!strcmp(val, "required")) req->tool_choice.mode = AILIB_TOOL_CHOICE_REQUIRED;
        else { req->tool_choice.mode = AILIB_TOOL_CHOICE_NAMED; req->tool_choice.name = val; }
        return -1;
    }
    if (!strcmp(k, "user")) { req->user = val; return -1; }
    if (!strcmp(k, "json")) { if (!parse_bool(val, &b)) goto bad; req->response_format.type = b ? AILIB_FORMAT_JSON : AILIB_FORMAT_TEXT; return -1; }
    if (!strcmp(k, "extra")) {
        ailib_json_doc *doc = NULL;
        int ok = ailib_json_parse(val, strlen(val), NULL, &doc, NULL) == AILIB_OK && ailib_json_is_object(ailib_json_doc_root(doc));
        ailib_json_doc_destroy(doc);
        if (!ok) goto bad;
        req->extra_json = val;
        return -1;
    }
    fprintf(stderr, "ailib: unknown option -o %s; the options: temperature, top_p, top_k, seed, max_tokens, presence_penalty, "
                    "frequency_penalty, stop (repeatable), reasoning (effort), budget (thinking tokens), exclude_reasoning, "
                    "parallel_tool_calls, tool_choice (auto, none, required or a tool name), user, json, extra (a JSON object "
                    "merged into the request body)\n", k);
    return EXIT_USAGE;
bad:
    fprintf(stderr, "ailib: bad value '%s' for -o %s (see ailib help prompt)\n", val, k);
    return EXIT_USAGE;
}

/* --- tools: -T FILE ----------------------------------------------------------------------------
   A file holds one tool or an array of them: {"name","description","parameters":{schema},
   "command":"shell command"} (OpenAI's {"type":"function","function":{...}} too). With a
   command, ailib runs it for each call: the arguments JSON on its stdin, AILIB_TOOL_NAME in
   its environment, its stdout the result (a non-zero exit is an error result). Without one,
   the call is printed as the answer. */

struct cli_tool { char *name, *description, *parameters, *command; };
static cli_tool g_tools[MAX_LIST];
static size_t g_ntools;

static const cli_tool *find_cli_tool(const char *name, size_t n) {
    size_t i;
    for (i = 0; name && i < g_ntools; i++) if (strlen(g_tools[i].name) == n && !memcmp(g_tools[i].name, name, n)) return &g_tools[i];
    return NULL;
}

static int cli_tool_runs(const cli_tool *t) { return t->command != NULL; }

static char *dup_json_str(const ailib_json *v) {
    size_t n;
    const char *s = ailib_json_str(v, &n);
    char *d;
    if (!s || !(d = (char *)malloc(n + 1))) return NULL;
    memcpy(d, s, n + 1);
    return d;
}

static int add_tool(const ailib_json *t, const char *file) {
    const ailib_json *def = ailib_json_is_object(ailib_json_get(t, "function")) ? ailib_json_get(t, "function") : t;
    const ailib_json *cmd = ailib_json_get(def, "command") ? ailib_json_get(def, "command") : ailib_json_get(t, "command");
    const ailib_json *params = ailib_json_get(def, "parameters");
    cli_tool *ct;
    ailib_json_writer w;
    if (g_ntools == MAX_LIST) { fprintf(stderr, "ailib: %s: more than 64 tools\n", file); return EXIT_USAGE; }
    ct = &g_tools[g_ntools];
    memset(ct, 0, sizeof *ct);
    if (!(ct->name = dup_json_str(ailib_json_get(def, "name"))) || !*ct->name) {
        fprintf(stderr, "ailib: %s: a tool without a \"name\"\n", file);
        free(ct->name);
        return EXIT_USAGE;
    }
    if (find_cli_tool(ct->name, strlen(ct->name))) {
        fprintf(stderr, "ailib: %s: the tool '%s' is defined twice\n", file, ct->name);
        free(ct->name);
        return EXIT_USAGE;
    }
    if (params && !ailib_json_is_object(params)) {
        fprintf(stderr, "ailib: %s: the \"parameters\" of '%s' must be a JSON Schema object\n", file, ct->name);
        free(ct->name);
        return EXIT_USAGE;
    }
    ct->description = dup_json_str(ailib_json_get(def, "description"));
    ct->command = dup_json_str(cmd);
    if (params) {
        ailib_json_writer_init(&w, NULL);
        ailib_json_write_value(&w, params);
        if (ailib_json_writer_finish(&w) == AILIB_OK) ct->parameters = ailib_json_writer_take(&w, NULL);
        ailib_json_writer_deinit(&w);
    }
    g_ntools++;
    return 0;
}

static int load_tools(const cli_options *o) {
    size_t i, k;
    for (i = 0; i < o->ntools; i++) {
        ailib_json_doc *d = NULL;
        ailib_error e;
        char *text = read_file(o->tools[i], NULL);
        const ailib_json *root, *t;
        int rc = 0;
        if (!text) { fprintf(stderr, "ailib: cannot read the tool file %s: %s\n", o->tools[i], strerror(errno)); return EXIT_USAGE; }
        ailib_error_clear(&e);
        if (ailib_json_parse(text, strlen(text), NULL, &d, &e) != AILIB_OK) {
            fprintf(stderr, "ailib: the tool file %s is not JSON: %s\n", o->tools[i], e.message);
            free(text);
            return EXIT_USAGE;
        }
        root = ailib_json_doc_root(d);
        if (ailib_json_is_array(root)) {
            for (k = 0, t = ailib_json_first(root); k < ailib_json_size(root) && !rc; k++, t = ailib_json_next(t)) rc = add_tool(t, o->tools[i]);
        } else if (ailib_json_is_object(root)) rc = add_tool(root, o->tools[i]);
        else { fprintf(stderr, "ailib: the tool file %s holds neither a tool object nor an array of them\n", o->tools[i]); rc = EXIT_USAGE; }
        ailib_json_doc_destroy(d);
        free(text);
        if (rc) return rc;
    }
    return 0;
}

static void free_tools(void) {
    size_t i;
    for (i = 0; i < g_ntools; i++) {
        free(g_tools[i].name); free(g_tools[i].description); free(g_tools[i].parameters); free(g_tools[i].command);
    }
    g_ntools = 0;
}

/* Runs command with input on its stdin; *out gets its stdout (at most 1 MiB kept). Returns the
   exit status, or -1 when it could not run. */
static int run_command(const char *command, const char *name, const char *input, size_t in_len, char **out, size_t *out_len) {
    int in[2], outp[2], status = 0;
    pid_t pid;
    size_t len = 0, cap = 4096;
    char *buf = (char *)malloc(cap);
    *out = NULL;
    *out_len = 0;
    if (!buf || pipe(in) != 0) { free(buf); return -1; }
    if (pipe(outp) != 0) { close(in[0]); close(in[1]); free(buf); return -1; }
    pid = fork();
    if (pid < 0) { close(in[0]); close(in[1]); close(outp[0]); close(outp[1]); free(buf); return -1; }
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(outp[1], STDOUT_FILENO);
        close(in[0]); close(in[1]); close(outp[0]); close(outp[1]);
        setenv("AILIB_TOOL_NAME", name, 1);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    if (in_len && write(in[1], input, in_len) < 0) { /* the command did not read its input: its business */ }
    close(in[1]);
    for (;;) {
        char chunk[4096];
        ssize_t n = read(outp[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (len + (size_t)n > ((size_t)1 << 20)) continue;      /* past 1 MiB: drained, not kept */
        if (len + (size_t)n + 1 > cap) {
            char *nb = (char *)realloc(buf, cap * 4);
            if (!nb) continue;
            buf = nb;
            cap *= 4;
        }
        memcpy(buf + len, chunk, (size_t)n);
        len += (size_t)n;
    }
    close(outp[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    buf[len] = 0;
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = 0;
    *out = buf;
    *out_len = len;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int cli_tool_fn(void *user, const ailib_tool_call *call, ailib_tool_output *out) {
    const cli_tool *t = (const cli_tool *)user;
    char *res = NULL;
    size_t n = 0;
    int st, dim = isatty(STDERR_FILENO);
    if (!t->command) {
        ailib_tool_output_error(out, "not run: this tool has no command; the user runs it");
        return 1;
    }
    st = run_command(t->command, t->name, call->arguments, call->arguments_len, &res, &n);
    if (st < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "the tool could not be started: %s", strerror(errno));
        ailib_tool_output_error(out, msg);
    } else if (st == 0) {
        ailib_json_doc *d = NULL;
        if (n && ailib_json_parse(res, n, NULL, &d, NULL) == AILIB_OK) ailib_tool_output_json(out, "j", res);
        else ailib_tool_output_text(out, res);
        ailib_json_doc_destroy(d);
    } else {
        size_t cap = n + 64;
        char *msg = (char *)malloc(cap);
        if (msg) {
            snprintf(msg, cap, "exit status %d%s%s", st, n ? ": " : "", res);
            ailib_tool_output_error(out, msg);
            free(msg);
        }
    }
    fprintf(stderr, "%stool result: %s%s %.*s%s%s\n", dim ? "\033[2m" : "", t->name, st == 0 ? "" : " (failed)",
            (int)(n > 200 ? 200 : n), res ? res : "", n > 200 ? "..." : "", dim ? "\033[0m" : "");
    free(res);
    return g_interrupted ? 1 : 0;
}

/* --- the client of the chat commands: a cassette in front of the network ------------------------ */

/* Opens the cassette of --record, --replay or --record-missing (*out NULL when none was asked).
   -1 to go on, else the exit code. */
static int cassette_open(const cli_options *o, void **out) {
#if AILIB_ENABLE_INTERCEPTORS
    ailib_cassette_desc cd;
    ailib_error err;
    *out = NULL;
    if (!o->cassette) return -1;
    memset(&cd, 0, sizeof cd);
    cd.mode = o->cassette_mode == CAS_RECORD ? AILIB_CASSETTE_RECORD
            : o->cassette_mode == CAS_REPLAY ? AILIB_CASSETTE_REPLAY : AILIB_CASSETTE_RECORD_MISSING;
    ailib_error_clear(&err);
    if (!(*out = ailib_cassette_open(o->cassette, &cd, &err))) {
        fputs("ailib: ", stderr);
        print_cli_message(err.message);
        fputc('\n', stderr);
        return EXIT_USAGE;                      /* a file that cannot be read or written */
    }
    g_cassette_path = o->cassette;
    g_replaying = o->cassette_mode != CAS_RECORD;
    return -1;
#else
    *out = NULL;
    if (!o->cassette) return -1;
    fputs("ailib: --record, --replay and --record-missing need a build with AILIB_ENABLE_INTERCEPTORS=1 (`make tools` builds "
          "build/ailib so)\n", stderr);
    return EXIT_CONFIG;
#endif
}

/* Destroys the client, then gives the cassette up: the file is complete once no client holds
   it, and a write that failed on the way is reported now. */
static void cli_client_destroy(ailib_client *c, void *cassette) {
    ailib_client_destroy(c);
#if AILIB_ENABLE_INTERCEPTORS
    if (cassette) {
        ailib_error err;
        ailib_error_clear(&err);
        if (ailib_cassette_close((ailib_cassette *)cassette, &err) != AILIB_OK) {
            fprintf(stderr, "ailib: the cassette %s is not complete: %s\n", g_cassette_path, err.message);
            g_cassette_failed = 1;
        }
    }
#else
    (void)cassette;
#endif
}

/* The client of a chat command (prompt, chat, batch): the model, the settings and the
   cassette, which sits next to the network. A --replay run needs no key: a placeholder stands
   in for a missing one (a cassette holds no credentials, so nothing compares it). NULL with
   *code set on failure. */
static ailib_client *cli_client_create(const cli_options *o, const char *model, void **cassette, int *code) {
    ailib_client_desc desc;
    ailib_error err;
    ailib_client *c;
    int is_route = strncmp(model, "route/", 6) == 0;
    *cassette = NULL;
    memset(&desc, 0, sizeof desc);
    desc.model = model;
    desc.base_url = o->base_url;
    desc.timeout_ms = o->timeout_ms ? o->timeout_ms : g_cfg.timeout_ms;
    desc.log = cli_logger;
    desc.log_user = o->verbose ? (void *)o : NULL;
    if (o->cassette_mode == CAS_REPLAY && !is_route) {
        const ailib_provider_info *p = NULL;
        const char *bare = NULL;
        if (ailib_model_resolve(model, &p, &bare, NULL) == AILIB_OK && p && needs_key(p) && !env_any(p->api_key_env, NULL, 0))
            desc.api_key = "ailib-replay-needs-no-key";
    }
    if (is_route && o->base_url)
        fputs("ailib: warning: --base-url does not apply to a route group: give each endpoint base_url= in its spec\n", stderr);
    if (ailib_global_init() != AILIB_OK) { fputs("ailib: libcurl could not be initialised\n", stderr); *code = EXIT_NETWORK; return NULL; }
    if ((*code = cassette_open(o, cassette)) >= 0) return NULL;
    ailib_error_clear(&err);
    if (!(c = ailib_client_create(&desc, &err))) {
        *code = report_failure(err.code, &err, NULL, NULL, o->json);
        cli_client_destroy(NULL, *cassette);
        *cassette = NULL;
        return NULL;
    }
#if AILIB_ENABLE_INTERCEPTORS
    if (*cassette && ailib_client_add_cassette(c, (ailib_cassette *)*cassette, &err) != AILIB_OK) {
        *code = report_error(err.code, &err);
        cli_client_destroy(c, *cassette);
        *cassette = NULL;
        return NULL;
    }
#endif
    return c;
}

/* --- ailib [prompt] ------------------------------------------------------------------------------- */

/* The provider when nothing names a model: the first catalog row whose key variable is set
   (local servers need none, so they are never picked this way). */
static const ailib_provider_info *default_provider(char *var, size_t cap) {
    size_t i, n = ailib_provider_count();
    for (i = 0; i < n; i++) {
        const ailib_provider_info *p = ailib_provider_at(i);
        if (needs_key(p) && env_any(p->api_key_env, var, cap)) return p;
    }
    return NULL;
}

/* The model: -m (or an alias), else the continued conversation's, else $AILIB_MODEL, else the
   configuration's, else the first provider with a key. NULL with a message when none. */
static const char *choose_model(const cli_options *o, const char *conversation_model, char *buf, size_t cap) {
    const char *model = o->model, *from = "-m";
    char var[128];
    if (!model || !*model) { model = conversation_model; from = "the conversation"; }
    if (!model || !*model) { model = getenv("AILIB_MODEL"); from = "$AILIB_MODEL"; }
    if (!model || !*model) { model = g_cfg.model; from = g_cfg.path; }
    if (!model || !*model) {
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
        snprintf(buf, cap, "%s", p->name);
        return buf;
    }
    snprintf(buf, cap, "%s", resolve_alias(model));
    if (o->verbose) {
        if (strcmp(buf, model)) fprintf(stderr, "ailib: model %s (alias %s, from %s)\n", buf, model, from);
        else fprintf(stderr, "ailib: model %s (from %s)\n", buf, from);
    }
    return buf;
}

/* Continues a logged conversation: its messages into cv, its last model and system. */
static int load_conversation(const cli_options *o, ailib_convo *cv, char *cid, size_t cid_cap, char *model, size_t mcap,
                             char **system) {
    char path[1024];
    log_db db;
    const char *want;
    size_t i;
    int rc;
    if (!log_path(path, sizeof path)) { fputs("ailib: no HOME or XDG_DATA_HOME: there is no log to continue from\n", stderr); return EXIT_USAGE; }
    if ((rc = log_load(path, &db)) != 0) return rc;
    if (!(want = log_find_cid(&db, o->cid, path))) { log_free(&db); return EXIT_USAGE; }
    snprintf(cid, cid_cap, "%s", want);
    for (i = 0; i < db.n; i++) {
        const log_rec *r = &db.recs[i];
        ailib_error e;
        const char *prov, *m, *sys;
        if (strcmp(r->cid, cid)) continue;
        ailib_error_clear(&e);
        if (ailib_convo_add_json(cv, ailib_json_get(r->root, "messages"), &e) != AILIB_OK) {
            fprintf(stderr, "ailib: the logged call %s cannot be read back (%s): edit or remove its line in %s\n", r->id, e.message, path);
            log_free(&db);
            return EXIT_USAGE;
        }
        prov = ailib_json_str(ailib_json_get(r->root, "provider"), NULL);
        m = ailib_json_str(ailib_json_get(r->root, "model"), NULL);
        if (ailib_json_str(ailib_json_get(r->root, "route"), NULL))        /* a routed turn: its group */
            snprintf(model, mcap, "%s", ailib_json_str(ailib_json_get(r->root, "route"), NULL));
        else if (prov && m) snprintf(model, mcap, "%s/%s", prov, m);
        sys = ailib_json_str(ailib_json_get(r->root, "system"), NULL);
        free(*system);
        *system = NULL;
        if (sys && (*system = (char *)malloc(strlen(sys) + 1)) != NULL) strcpy(*system, sys);
    }
    log_free(&db);
    return 0;
}

/* The first ``` fenced block of text (its body), else the whole text. */
static void print_extracted(const char *t, size_t n) {
    const char *open = strstr(t, "```"), *body, *close;
    if (open && (body = strchr(open, '\n')) != NULL && (close = strstr(body + 1, "```")) != NULL) {
        fwrite(body + 1, 1, (size_t)(close - body - 1), stdout);
        if (close > body + 1 && close[-1] != '\n') putchar('\n');
        return;
    }
    fwrite(t, 1, n, stdout);
    if (n && t[n - 1] != '\n') putchar('\n');
}

/* The prompt: the arguments, then a blank line and stdin when something is piped in
   (`git diff | ailib "Review:"`); typed at the terminal when there are neither. */
static char *read_prompt(const cli_options *o, int npos, char **pos, int *failed) {
    char *arg = join_args(npos, pos), *in = NULL, *out;
    size_t i, n;
    int stdin_used = 0;
    *failed = 0;
    for (i = 0; i < o->nattach; i++) stdin_used |= !strcmp(o->attach[i].path, "-");
    if (npos && !arg) { *failed = EXIT_PROVIDER; return NULL; }
    if (!stdin_used && !isatty(STDIN_FILENO)) {
        if (!(in = read_all_n(stdin, &n))) {
            free(arg);
            fprintf(stderr, "ailib: could not read stdin: %s\n", strerror(errno));
            *failed = EXIT_USAGE;
            return NULL;
        }
    } else if (!stdin_used && !arg && !o->nattach) {
        fputs("ailib: type the prompt, end it with Ctrl-D (Ctrl-C cancels)\n", stderr);
        g_blocking = 0;
        in = read_tty_prompt();
        g_blocking = 1;
        if (!in) {
            if (g_interrupted) { fputs("ailib: interrupted\n", stderr); *failed = EXIT_INTERRUPTED; }
            else { fprintf(stderr, "ailib: could not read the prompt: %s\n", strerror(errno)); *failed = EXIT_USAGE; }
            return NULL;
        }
    }
    if (in) {
        /* a piped prompt's final newline is not part of the question */
        n = strlen(in);
        while (n > 0 && (in[n - 1] == '\n' || in[n - 1] == '\r')) in[--n] = 0;
    }
    if (arg && in && *in) {
        out = (char *)malloc(strlen(arg) + strlen(in) + 3);
        if (out) sprintf(out, "%s\n\n%s", arg, in);
        free(arg);
        free(in);
        if (!out) *failed = EXIT_PROVIDER;
        return out;
    }
    if (arg) { free(in); return arg; }
    return in;
}

typedef struct prompt_run {
    ailib_client *client;
    void *cassette;                   /* --record/--replay: an ailib_cassette */
    ailib_convo *cv;
    ailib_request req;
    o_state ost;
    ailib_tool *tools;
    ailib_tool_handler *handlers;
    loaded_att atts[MAX_LIST];
    size_t natts;
    char *schema, *system, *prompt;
} prompt_run;

static void prompt_run_free(prompt_run *pr) {
    size_t i;
    for (i = 0; i < pr->natts; i++) free_att(&pr->atts[i]);
    ailib_convo_destroy(pr->cv);
    cli_client_destroy(pr->client, pr->cassette);
    pr->client = NULL;
    pr->cassette = NULL;
    free(pr->tools);
    free(pr->handlers);
    free(pr->schema);
    free(pr->system);
    free(pr->prompt);
    free_tools();
}

/* The request's settings: configuration defaults, then options, then -o pairs (config's, then
   the command line's). */
static int prompt_settings(const cli_options *o, prompt_run *pr) {
    ailib_request *req = &pr->req;
    size_t i;
    int rc;
    req->temperature = o->temperature.set ? o->temperature : g_cfg.has_temperature ? ailib_set(g_cfg.temperature) : o->temperature;
    req->max_tokens = o->max_tokens ? o->max_tokens : g_cfg.max_tokens;
    req->reasoning.effort = o->effort;
    if (!o->effort && g_cfg.reasoning && !parse_effort(g_cfg.reasoning, &req->reasoning.effort)) {
        fprintf(stderr, "ailib: %s: reasoning is low, medium or high (also none, minimal, xhigh), not '%s'\n", g_cfg.path, g_cfg.reasoning);
        return EXIT_USAGE;
    }
    for (i = 0; i < g_cfg.nopts; i++)
        if ((rc = apply_o(req, &pr->ost, g_cfg.opt_key[i], strlen(g_cfg.opt_key[i]), g_cfg.opt_val[i])) >= 0) return rc;
    for (i = 0; i < o->nopts; i++) {
        const char *eq = strchr(o->opts[i], '=');
        if ((rc = apply_o(req, &pr->ost, o->opts[i], (size_t)(eq - o->opts[i]), eq + 1)) >= 0) return rc;
    }
    if (o->schema) {
        if (!(pr->schema = load_schema(o->schema))) return EXIT_USAGE;
        req->response_format.type = AILIB_FORMAT_JSON_SCHEMA;
        req->response_format.schema = pr->schema;
    }
    if (o->ntools) {
        if ((rc = load_tools(o)) != 0) return rc;
        pr->tools = (ailib_tool *)calloc(g_ntools, sizeof *pr->tools);
        pr->handlers = (ailib_tool_handler *)calloc(g_ntools, sizeof *pr->handlers);
        if (!pr->tools || !pr->handlers) { fputs("ailib: out of memory\n", stderr); return EXIT_PROVIDER; }
        for (i = 0; i < g_ntools; i++) {
            pr->tools[i] = ailib_tool_make(g_tools[i].name, g_tools[i].description, g_tools[i].parameters);
            pr->handlers[i].tool = pr->tools[i];
            pr->handlers[i].fn = cli_tool_fn;
            pr->handlers[i].user = &g_tools[i];
        }
        req->tools = pr->tools;
        req->tool_count = g_ntools;
    }
    return -1;
}

/* Prints a finished step in the non-streamed plain modes: its text and its tool calls. */
static void print_step(stream_state *st, const ailib_response *r) {
    size_t n, i;
    const char *t = ailib_response_text(r, &n);
    if (n) {
        fwrite(t, 1, n, stdout);
        st->printed = 1;
        st->last = t[n - 1];
        if (st->last != '\n') { putchar('\n'); st->last = '\n'; }
    }
    for (i = 0; i < ailib_response_tool_call_count(r); i++) {
        const ailib_tool_call *tc = ailib_response_tool_call(r, i);
        print_tool_call(st, tc->name, tc->name_len, tc->arguments, tc->arguments_len);
    }
    fflush(stdout);
}

/* What a prompt needs before its text: the conversation to continue, the model, the settings,
   the client (so a missing key is said before anything is typed). -1 to go on, else the exit code. */
static int prompt_setup(cli_options *o, prompt_run *pr, char *cid, size_t cid_cap) {
    ailib_error err;
    char model_buf[512], conv_model[512] = "";
    const char *model;
    int rc;
    if (o->cont && o->cid) return usage_error("give -c (the last conversation) or --cid ID, not both%s", "");
    if (o->schema && o->ntools) return usage_error("--schema and -T do not go together: a tool loop answers in text%s", "");
    if (!(pr->cv = ailib_convo_create(NULL, &err))) return report_error(err.code, &err);
    if ((o->cont || o->cid) && (rc = load_conversation(o, pr->cv, cid, cid_cap, conv_model, sizeof conv_model, &pr->system)) != 0)
        return rc;
    if (!(model = choose_model(o, conv_model[0] ? conv_model : NULL, model_buf, sizeof model_buf))) return EXIT_CONFIG;
    if ((rc = prompt_settings(o, pr)) >= 0) return rc;
    if (!(pr->client = cli_client_create(o, model, &pr->cassette, &rc))) return rc;
    /* the system prompt: -s, else the continued conversation's, else the configuration's */
    if (o->system || (!pr->system && g_cfg.system)) {
        const char *sys = o->system ? o->system : g_cfg.system;
        free(pr->system);
        if ((pr->system = (char *)malloc(strlen(sys) + 1)) != NULL) strcpy(pr->system, sys);
    }
    ailib_convo_set_system(pr->cv, pr->system, NULL);
    return -1;
}

/* One turn on pr->cv, whose user message is in: the call, or with -T the tool loop, or with
   --schema the structured call. *resp gets the last reply (also on failure, when there is
   one); turn gets the summed usage and the tool calls. */
static ailib_result run_turn(prompt_run *pr, const cli_options *o, int stream, stream_state *st, ailib_response **resp,
                             const ailib_json **value, turn_info *turn, ailib_error *err, int *transport) {
    ailib_result r;
    ailib_tool_loop_desc td;
    ailib_tool_choice choice = pr->req.tool_choice;
    int step;
    *resp = NULL;
    *transport = 0;
    if (o->schema) {
        ailib_request rq = pr->req;
        ailib_convo_render(pr->cv, &rq);
        r = ailib_chat_json(pr->client, &rq, resp, value, err);      /* blocking: Ctrl-C ends the process */
        if (r == AILIB_OK) r = ailib_convo_add_response(pr->cv, *resp, err);
        if (*resp) { usage_add(&turn->usage, ailib_response_usage(*resp)); cost_add(&turn->cost, pr->client, *resp); }
        return r;
    }
    memset(&td, 0, sizeof td);
    td.tools = pr->handlers;
    td.tool_count = g_ntools;
    for (step = 0;; step++) {
        ailib_request rq = pr->req;
        size_t calls, ran = 0;
        int stop = 0;
        ailib_response_destroy(*resp);
        *resp = NULL;
        rq.tool_choice = choice;
        ailib_convo_render(pr->cv, &rq);
        r = run_call(pr->client, &rq, stream, st, resp, err, transport);
        if (r != AILIB_OK) break;
        usage_add(&turn->usage, ailib_response_usage(*resp));
        cost_add(&turn->cost, pr->client, *resp);
        if (!stream && !o->json && !o->extract) print_step(st, *resp);
        calls = ailib_response_tool_call_count(*resp);
        turn->tool_calls += calls;
        if (!calls || !g_ntools) { r = ailib_convo_add_response(pr->cv, *resp, err); break; }
        if ((r = ailib_convo_run_tools(pr->cv, *resp, 1, &td, &ran, &stop, err)) != AILIB_OK) break;
        if (g_interrupted) { r = AILIB_CANCELLED; break; }
        if (stop) break;
        if (step + 1 >= (o->chain_limit ? o->chain_limit : 5)) {
            fprintf(stderr, "ailib: stopped after %d model calls (--chain-limit); `ailib -c` goes on\n", step + 1);
            break;
        }
        /* a forced tool choice forces the first call only */
        if (choice.mode == AILIB_TOOL_CHOICE_REQUIRED || choice.mode == AILIB_TOOL_CHOICE_NAMED) {
            choice.mode = AILIB_TOOL_CHOICE_AUTO;
            choice.name = NULL;
        }
    }
    return r;
}

/* Reports a failed turn (the transport, or the call); the exit code. */
static int turn_failed(prompt_run *pr, const cli_options *o, ailib_result r, const ailib_error *err, const ailib_response *resp,
                       int transport) {
    int code;
    if (transport && !g_interrupted) { fputs("ailib: the transport failed\n", stderr); return EXIT_NETWORK; }
    code = report_failure(r, err, ailib_client_provider(pr->client), ailib_client_model(pr->client), o->json);
    if (r == AILIB_SCHEMA_MISMATCH && resp) {
        fputs("ailib: the last reply was:\n", stderr);
        fputs(ailib_response_text(resp, NULL), stderr);
        fputc('\n', stderr);
    }
    return code;
}

/* Logs a turn unless -n or the configuration says off (and no --log). A turn that starts a
   conversation names it: cid (empty) gets its id. */
static void turn_log(prompt_run *pr, const cli_options *o, turn_info *turn, char *cid, size_t cid_cap, const ailib_response *resp,
                     size_t first, const char *prompt) {
    char id[64], prov[64], model[256];
    if (o->no_log || (g_cfg.log_off && !o->log)) return;
    new_id(id, sizeof id);
    if (!cid[0]) snprintf(cid, cid_cap, "%s", id);
    turn->id = id;
    turn->cid = cid;
    turn->provider = ailib_client_provider(pr->client)->name;
    turn->model = ailib_client_model(pr->client);
#if AILIB_ENABLE_ROUTING
    /* a routed turn: provider and model of the endpoint that answered, and the group asked for,
       which -c continues with */
    if (ailib_client_is_router(pr->client)) {
        const ailib_route_report *rr = ailib_response_route(resp);
        const char *name = rr ? rr->endpoint_name : "", *slash = strchr(name, '/');
        turn->route = ailib_client_model(pr->client);
        if (slash && ailib_provider_findn(name, (size_t)(slash - name))) {
            snprintf(prov, sizeof prov, "%s", ailib_provider_findn(name, (size_t)(slash - name))->name);
            snprintf(model, sizeof model, "%s", slash + 1);
            turn->provider = prov;
            turn->model = model;
        }
    }
#endif
    (void)prov; (void)model;
    turn->system = pr->system;
    turn->prompt = prompt;
    turn->o = o;
    turn->last = resp;
    turn->cv = pr->cv;
    turn->first = first;
    log_write(turn);
}

static void stream_setup(stream_state *st, const cli_options *o, int stream) {
    memset(st, 0, sizeof *st);
    if (isatty(STDOUT_FILENO)) { st->rout = stdout; st->rdim = 1; }
    else if (o->verbose) { st->rout = stderr; st->rdim = isatty(STDERR_FILENO); }
    st->stream_text = stream;
}

static int cmd_prompt(cli_options *o, int npos, char **pos) {
    prompt_run pr;
    ailib_error err;
    ailib_response *resp = NULL;
    stream_state st;
    turn_info turn;
    char cid[64] = "";
    const ailib_json *value = NULL;
    ailib_part parts[MAX_LIST + 1];
    size_t nparts = 0, i, first;
    int rc, transport = 0, stream, code = EXIT_OK;
    ailib_result r;
    int64_t t0;
    memset(&pr, 0, sizeof pr);
    memset(&turn, 0, sizeof turn);
    if ((rc = prompt_setup(o, &pr, cid, sizeof cid)) >= 0) { prompt_run_free(&pr); return rc; }
    for (i = 0; i < o->nattach; i++) {
        if ((rc = load_attachment(&o->attach[i], &pr.atts[i])) != 0) { prompt_run_free(&pr); return rc; }
        pr.natts++;
        if (!o->attach[i].mime) o->attach[i].mime = pr.atts[i].mime;
    }
    pr.prompt = read_prompt(o, npos, pos, &rc);
    if (rc) { prompt_run_free(&pr); return rc; }
    if ((!pr.prompt || !*pr.prompt) && !pr.natts) { prompt_run_free(&pr); return usage_error("%sno prompt: give it as an argument or on stdin", ""); }
    /* the user's turn: attachments, then the prompt text */
    for (i = 0; i < pr.natts; i++) parts[nparts++] = part_of_att(&pr.atts[i]);
    if (pr.prompt && *pr.prompt) parts[nparts++] = ailib_part_text(pr.prompt);
    first = ailib_convo_count(pr.cv);
    {
        ailib_message m = nparts == 1 && parts[0].type == AILIB_PART_TEXT ? ailib_message_user(parts[0].text)
                                                                          : ailib_message_parts(AILIB_ROLE_USER, parts, nparts);
        if (ailib_convo_add(pr.cv, &m, &err) != AILIB_OK) { code = report_error(err.code, &err); prompt_run_free(&pr); return code; }
    }
    stream = !o->json && !o->no_stream && !o->extract && !o->schema;
    stream_setup(&st, o, stream);
    t0 = now_ms();
    r = run_turn(&pr, o, stream, &st, &resp, &value, &turn, &err, &transport);
    turn.duration_ms = now_ms() - t0;
    if (r != AILIB_OK) {
        code = turn_failed(&pr, o, r, &err, resp, transport);
        ailib_response_destroy(resp);
        prompt_run_free(&pr);
        return code;
    }
    if (o->schema) {
        ailib_json_writer w;
        ailib_json_writer_init(&w, NULL);
        ailib_json_write_value(&w, value);
        code = print_json_done(&w, "the structured answer");
    } else if (o->json) code = print_response_json(resp, ailib_client_model(pr.client));
    else if (o->extract) {
        size_t n;
        const char *t = ailib_response_text(resp, &n);
        print_extracted(t, n);
    } else stream_summary(resp, o->verbose);
    if (o->usage) print_usage(&turn.usage, &turn.cost, resp);
    turn_log(&pr, o, &turn, cid, sizeof cid, resp, first, pr.prompt);
    ailib_response_destroy(resp);
    prompt_run_free(&pr);
    return code;
}

/* --- ailib chat ------------------------------------------------------------------------------------ */

typedef struct line_buf { char *p; size_t cap; } line_buf;

/* One line typed at the prompt (or read from a pipe), without its newline: NULL at the end of
   input; *interrupted when Ctrl-C dropped the line. At a terminal a read returns one line, or
   the text before a Ctrl-D (which ends that line like Enter); 0 bytes is Ctrl-D on an empty line. */
static char *read_chat_line(line_buf *lb, int *interrupted) {
    ssize_t n;
    *interrupted = 0;
    if (!isatty(STDIN_FILENO)) {
        n = getline(&lb->p, &lb->cap, stdin);
        if (n < 0) return NULL;
    } else {
        if (lb->cap < 8192 + 1) {
            char *nb = (char *)realloc(lb->p, 8192 + 1);
            if (!nb) return NULL;
            lb->p = nb;
            lb->cap = 8192 + 1;
        }
        do {
            g_blocking = 0;
            n = read(STDIN_FILENO, lb->p, lb->cap - 1);
            g_blocking = 1;
            if (n < 0 && errno == EINTR && g_interrupted) {
                g_interrupted = 0;
                *interrupted = 1;
                fputc('\n', stderr);
                lb->p[0] = 0;
                return lb->p;
            }
        } while (n < 0 && errno == EINTR);
        if (n <= 0) return NULL;
    }
    while (n > 0 && (lb->p[n - 1] == '\n' || lb->p[n - 1] == '\r')) n--;
    lb->p[n] = 0;
    return lb->p;
}

/* An interactive conversation: each line is a turn, streamed; !multi ... !end for several lines;
   Ctrl-C cancels an answer (the turn is dropped) or the line being typed; Ctrl-D or exit ends. */
static int cmd_chat(cli_options *o, int npos, char **pos) {
    prompt_run pr;
    line_buf lb = { NULL, 0 };
    char cid[64] = "", *multi = NULL;
    size_t multi_len = 0;
    int rc, tty = isatty(STDIN_FILENO);
    (void)pos;
    if (npos) return usage_error("'chat' takes no prompt: type it at the > marker%s", "");
    if (o->json || o->schema || o->extract || o->nattach || o->no_stream)
        return usage_error("'chat' streams text: --json, --schema, -x, -a and --no-stream are for single prompts%s", "");
    memset(&pr, 0, sizeof pr);
    if ((rc = prompt_setup(o, &pr, cid, sizeof cid)) >= 0) { prompt_run_free(&pr); return rc; }
    fprintf(stderr, "ailib: chatting with %s/%s%s; Ctrl-D or exit ends, Ctrl-C cancels an answer, !multi ... !end for "
                    "several lines\n", ailib_client_provider(pr.client)->name, ailib_client_model(pr.client),
            cid[0] ? " (continuing the conversation)" : "");
    for (;;) {
        int interrupted;
        char *line;
        size_t first;
        stream_state st;
        turn_info turn;
        ailib_response *resp = NULL;
        ailib_error err;
        ailib_result r;
        int transport = 0;
        int64_t t0;
        const char *text;
        if (tty) { fputs(multi ? "... " : "> ", stderr); fflush(stderr); }
        if (!(line = read_chat_line(&lb, &interrupted))) break;
        if (interrupted) { free(multi); multi = NULL; multi_len = 0; continue; }
        if (!multi && !strcmp(line, "!multi")) {
            if (!(multi = (char *)calloc(1, 1))) break;
            continue;
        }
        if (multi && strcmp(line, "!end")) {
            size_t n = strlen(line);
            char *nm = (char *)realloc(multi, multi_len + n + 2);
            if (!nm) break;
            multi = nm;
            if (multi_len) multi[multi_len++] = '\n';
            memcpy(multi + multi_len, line, n + 1);
            multi_len += n;
            continue;
        }
        text = multi ? multi : line;
        if (!multi && (!strcmp(text, "exit") || !strcmp(text, "quit"))) break;
        if (!*text) { free(multi); multi = NULL; multi_len = 0; continue; }
        first = ailib_convo_count(pr.cv);
        if (ailib_convo_add_user(pr.cv, text, &err) != AILIB_OK) break;
        memset(&turn, 0, sizeof turn);
        stream_setup(&st, o, 1);
        t0 = now_ms();
        r = run_turn(&pr, o, 1, &st, &resp, NULL, &turn, &err, &transport);
        turn.duration_ms = now_ms() - t0;
        if (r != AILIB_OK) {
            turn_failed(&pr, o, r, &err, resp, transport);
            ailib_convo_truncate(pr.cv, first);                     /* the failed turn is not part of it */
            g_interrupted = 0;
        } else {
            stream_summary(resp, o->verbose);
            if (o->usage) print_usage(&turn.usage, &turn.cost, resp);
            turn_log(&pr, o, &turn, cid, sizeof cid, resp, first, text);      /* later turns join the first one's */
        }
        ailib_response_destroy(resp);
        free(multi);
        multi = NULL;
        multi_len = 0;
    }
    free(multi);
    free(lb.p);
    if (tty) fputc('\n', stderr);
    prompt_run_free(&pr);
    return EXIT_OK;
}

/* --- ailib batch ---------------------------------------------------------------------------------- */

/* The batch's statuses in the command's one scheme of exit codes. */
static int batch_exit_code(jsonl_batch_status st) {
    switch (st) {
    case JSONL_BATCH_OK: return EXIT_OK;
    case JSONL_BATCH_SOME_FAILED: return EXIT_PROVIDER;          /* like a call the provider refused */
    case JSONL_BATCH_INTERRUPTED: return EXIT_INTERRUPTED;
    case JSONL_BATCH_IO_ERROR: return EXIT_USAGE;                /* like an attachment or a log that cannot be read */
    default: return EXIT_NETWORK;                                /* JSONL_BATCH_TRANSPORT_ERROR */
    }
}

#if AILIB_ENABLE_COST
static void print_ledger_row(const char *what, const ailib_ledger_entry *e) {
    char usd[48];
    fprintf(stderr, "ailib: usage: %s: %lld request%s", what, (long long)e->requests, e->requests == 1 ? "" : "s");
    if (e->failed) fprintf(stderr, " (%lld failed)", (long long)e->failed);
    fprintf(stderr, ", %lld input, %lld output tokens (%lld cached input, %lld cache write, %lld reasoning); ", (long long)e->input_tokens,
            (long long)e->output_tokens, (long long)e->cached_input_tokens, (long long)e->cache_write_tokens, (long long)e->reasoning_tokens);
    fmt_usd(usd, sizeof usd, e->cost);
    if (e->unpriced && e->unpriced >= e->requests) fputs("cost unknown (no price for the model)\n", stderr);
    else if (e->unpriced) fprintf(stderr, "cost %s and unknown for the %lld requests without a price\n", usd, (long long)e->unpriced);
    else fprintf(stderr, "cost %s\n", usd);
}
#endif

/* -u after a batch: the client's ledger, a row per provider and model, then the total. */
static void print_batch_usage(ailib_client *c, const jsonl_batch_stats *stats) {
#if AILIB_ENABLE_COST
    ailib_ledger *l = ailib_client_ledger(c);
    ailib_ledger_entry e;
    size_t i, n = ailib_ledger_count(l);
    (void)stats;
    for (i = 0; n > 1 && ailib_ledger_entry_at(l, i, &e); i++) {
        char what[160];
        snprintf(what, sizeof what, "%s/%s", e.provider, e.model);
        print_ledger_row(what, &e);
    }
    ailib_ledger_total(l, &e);
    print_ledger_row("total", &e);
#else
    (void)c;
    fprintf(stderr, "ailib: usage: total: %lld input, %lld output tokens; cost unknown (a build without AILIB_ENABLE_COST)\n",
            (long long)stats->input_tokens, (long long)stats->output_tokens);
#endif
}

/* ailib batch IN -o OUT: one request per JSONL line, -c at a time over one client (or route
   group), results appended to OUT as they finish; lines already in OUT are skipped, so running
   the command again after Ctrl-C or a crash does the rest. */
static int cmd_batch(cli_options *o, int npos, char **pos) {
    jsonl_batch_opts bo;
    jsonl_batch_stats stats;
    jsonl_batch_status st;
    ailib_request defaults;
    ailib_client *c;
    ailib_error err;
    void *cassette = NULL;
    char model_buf[512];
    const char *model;
    int code;
    if (npos != 1) return usage_error("'batch' takes one input file, - for stdin (ailib batch in.jsonl -o out.jsonl)%s", "");
    if (!o->out_path || !*o->out_path || !strcmp(o->out_path, "-"))
        return usage_error("'batch' needs -o FILE for the results: a file, so that a second run skips what is done%s", "");
    if (!strcmp(pos[0], o->out_path)) return usage_error("the input and the output are the same file '%s'", pos[0]);
    if (!(model = choose_model(o, NULL, model_buf, sizeof model_buf))) return EXIT_CONFIG;
    /* the defaults of lines that do not set them: options, then the configuration */
    memset(&defaults, 0, sizeof defaults);
    defaults.system = o->system ? o->system : g_cfg.system;
    defaults.max_tokens = o->max_tokens ? o->max_tokens : g_cfg.max_tokens;
    defaults.temperature = o->temperature.set ? o->temperature : g_cfg.has_temperature ? ailib_set(g_cfg.temperature) : o->temperature;
    defaults.reasoning.effort = o->effort;
    if (!o->effort && g_cfg.reasoning && !parse_effort(g_cfg.reasoning, &defaults.reasoning.effort)) {
        fprintf(stderr, "ailib: %s: reasoning is low, medium or high (also none, minimal, xhigh), not '%s'\n", g_cfg.path, g_cfg.reasoning);
        return EXIT_USAGE;
    }
    if (!(c = cli_client_create(o, model, &cassette, &code))) return code;
    memset(&bo, 0, sizeof bo);
    bo.in_path = pos[0];
    bo.out_path = o->out_path;
    bo.concurrency = o->concurrency ? (int)o->concurrency : 8;
    bo.retry_failed = o->retry_failed;
    bo.defaults = &defaults;
    bo.progress = isatty(STDERR_FILENO) ? stderr : NULL;
    bo.stop = &g_interrupted;
    ailib_error_clear(&err);
    g_blocking = 0;                                  /* Ctrl-C stops the batch; what finished is written */
    st = jsonl_batch_run(c, &bo, &stats, &err);
    g_blocking = 1;
    if (st != JSONL_BATCH_IO_ERROR || stats.lines) {
        fprintf(stderr, "ailib: batch: %lu lines: %lu ok, %lu failed", (unsigned long)stats.lines, (unsigned long)stats.ok,
                (unsigned long)stats.failed);
        if (stats.invalid) fprintf(stderr, " (%lu not valid requests)", (unsigned long)stats.invalid);
        if (stats.skipped) fprintf(stderr, ", %lu skipped (in %s already, %lu of them failed)", (unsigned long)stats.skipped, o->out_path,
                                   (unsigned long)stats.skipped_failed);
        fprintf(stderr, "; %lld input and %lld output tokens in %.1f s; results in %s\n", (long long)stats.input_tokens,
                (long long)stats.output_tokens, (double)stats.elapsed_ms / 1000.0, o->out_path);
    }
    if (st == JSONL_BATCH_IO_ERROR || st == JSONL_BATCH_TRANSPORT_ERROR) {
        fputs("ailib: ", stderr);
        print_cli_message(err.message[0] ? err.message : "the batch stopped");
        fputc('\n', stderr);
    } else if (st == JSONL_BATCH_INTERRUPTED) {
        fputs("ailib: interrupted: the same command again does the lines not yet in the output\n", stderr);
    } else if (st == JSONL_BATCH_SOME_FAILED) {
        fprintf(stderr, "ailib: the failed lines have \"error\" set in %s; --retry-failed runs them again\n", o->out_path);
    }
    if (st == JSONL_BATCH_OK && stats.skipped_failed) {
        /* the exit code speaks of the output file: 0 only when every line has an answer there */
        fprintf(stderr, "ailib: %lu lines of %s failed in an earlier run; --retry-failed runs them again\n",
                (unsigned long)stats.skipped_failed, o->out_path);
        st = JSONL_BATCH_SOME_FAILED;
    }
    if (o->usage) print_batch_usage(c, &stats);
    cli_client_destroy(c, cassette);
    return batch_exit_code(st);
}

/* --- ailib embed ---------------------------------------------------------------------------------- */

/* One float the way JSON wants it: %.9g keeps a float32 exact (the C locale is in force). */
static void put_float(float f) {
    char b[32];
    snprintf(b, sizeof b, "%.9g", (double)f);
    fputs(b, stdout);
}

static int cmd_embed(cli_options *o, int npos, char **pos) {
    ailib_client_desc desc;
    ailib_client *c;
    ailib_embed_request req;
    ailib_embeddings *e = NULL;
    ailib_error err;
    ailib_result r;
    char model_buf[512], var[128], *joined = NULL, *in = NULL;
    const char *model = o->model ? o->model : g_cfg.embed_model;
    const char **inputs = NULL;
    size_t n = 0, i, j, dims;
    int code = EXIT_OK;
    if (!model || !*model) {
        /* the first provider with a key and an embedding model in the catalog */
        for (i = 0; i < ailib_provider_count() && !model; i++) {
            const ailib_provider_info *p = ailib_provider_at(i);
            for (j = 0; j < ailib_model_count() && needs_key(p) && env_any(p->api_key_env, var, sizeof var); j++)
                if (!strcmp(ailib_model_at(j)->provider, p->name) && (ailib_model_at(j)->caps & AILIB_CAP_EMBEDDING)) {
                    snprintf(model_buf, sizeof model_buf, "%s/%s", p->name, ailib_model_at(j)->name);
                    model = model_buf;
                    break;
                }
        }
        if (!model) {
            fputs("ailib: no embedding model: give -m provider/model (e.g. openai/text-embedding-3-small), set embed-model in "
                  "the configuration, or set the key of a provider with one\n", stderr);
            return EXIT_CONFIG;
        }
    } else model = resolve_alias(model);
    /* inputs: the arguments joined as one text, else stdin (one input, or one per line with --lines) */
    if (npos) {
        if (o->lines) return usage_error("--lines reads the inputs from stdin: give no text arguments with it%s", "");
        if (!(joined = join_args(npos, pos))) return EXIT_PROVIDER;
    } else {
        if (isatty(STDIN_FILENO)) fputs("ailib: reading the text to embed from the terminal; end it with Ctrl-D\n", stderr);
        if (!(in = read_all_n(stdin, NULL))) { fprintf(stderr, "ailib: could not read stdin: %s\n", strerror(errno)); return EXIT_USAGE; }
    }
    inputs = (const char **)malloc(sizeof *inputs * (in ? strlen(in) / 2 + 2 : 1));
    if (!inputs) { free(joined); free(in); return EXIT_PROVIDER; }
    if (joined) inputs[n++] = joined;
    else if (o->lines) {
        char *line, *next;
        for (line = in; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next) *next++ = 0;
            if (*line && strcmp(line, "\r")) inputs[n++] = line;
        }
    } else {
        size_t k = strlen(in);
        while (k && (in[k - 1] == '\n' || in[k - 1] == '\r')) in[--k] = 0;
        inputs[n++] = in;
    }
    if (!n || !*inputs[0]) { free(joined); free(in); free((void *)inputs); return usage_error("%snothing to embed: give text as arguments or on stdin", ""); }
    memset(&desc, 0, sizeof desc);
    desc.model = model;
    desc.base_url = o->base_url;
    desc.timeout_ms = o->timeout_ms ? o->timeout_ms : g_cfg.timeout_ms;
    desc.log = cli_logger;
    desc.log_user = o->verbose ? (void *)o : NULL;
    ailib_error_clear(&err);
    ailib_global_init();
    if (!(c = ailib_client_create(&desc, &err))) {
        code = report_failure(err.code, &err, NULL, NULL, o->json);
    } else {
        memset(&req, 0, sizeof req);
        req.inputs = inputs;
        req.input_count = n;
        req.dimensions = o->dimensions;
        req.input_type = o->input_type;
        r = ailib_embed(c, &req, &e, &err);                   /* blocking: Ctrl-C ends the process */
        if (r != AILIB_OK) code = report_failure(r, &err, ailib_client_provider(c), ailib_client_model(c), o->json);
        else if (o->json) {
            const ailib_usage *u = ailib_embeddings_usage(e);
            printf("{\n  \"model\": \"%s\",\n  \"usage\": {\"input\": ", ailib_embeddings_model(e));
            if (u && (u->reported & AILIB_USAGE_INPUT)) printf("%lld", (long long)u->input_tokens); else fputs("null", stdout);
            fputs("},\n  \"embeddings\": [", stdout);
            for (i = 0; i < ailib_embeddings_count(e); i++) {
                const float *v = ailib_embeddings_vector(e, i, &dims);
                fputs(i ? ",\n    [" : "\n    [", stdout);
                for (j = 0; j < dims; j++) { if (j) putchar(','); put_float(v[j]); }
                putchar(']');
            }
            fputs("\n  ]\n}\n", stdout);
        } else {
            for (i = 0; i < ailib_embeddings_count(e); i++) {
                const float *v = ailib_embeddings_vector(e, i, &dims);
                putchar('[');
                for (j = 0; j < dims; j++) { if (j) putchar(','); put_float(v[j]); }
                fputs("]\n", stdout);
            }
        }
        ailib_embeddings_destroy(e);
        ailib_client_destroy(c);
    }
    free(joined);
    free(in);
    free((void *)inputs);
    return code;
}

/* --- ailib check ---------------------------------------------------------------------------------- */

typedef struct check_row {
    char name[160];
    const ailib_provider_info *prov;
    ailib_client *client;
    ailib_call *call;
    ailib_result result;
    ailib_error err;
    int64_t started, ms;
    int done;
} check_row;

/* One one-token call per provider with a key (or per name given), all at once; a row each:
   latency and OK, or the reason. Exit 0 when every one answered, 1 otherwise. */
static int cmd_check(cli_options *o, int npos, char **pos) {
    check_row *rows;
    size_t n = 0, i, total = (size_t)npos ? (size_t)npos : ailib_provider_count();
    ailib_message msg = ailib_message_user("Reply with OK.");
    ailib_request req;
    int failed = 0, pending, w = 8, wm = 5;
    char var[128];
    rows = (check_row *)calloc(total ? total : 1, sizeof *rows);
    if (!rows) return EXIT_PROVIDER;
    if (npos) {
        for (i = 0; i < (size_t)npos; i++) snprintf(rows[n++].name, sizeof rows[0].name, "%s", resolve_alias(pos[i]));
    } else {
        for (i = 0; i < ailib_provider_count(); i++) {
            const ailib_provider_info *p = ailib_provider_at(i);
            if (needs_key(p) && env_any(p->api_key_env, var, sizeof var)) snprintf(rows[n++].name, sizeof rows[0].name, "%s", p->name);
        }
        if (!n) {
            free(rows);
            fputs("ailib: no provider key is set: nothing to check (`ailib providers` names the variables; `ailib check PROVIDER` "
                  "checks one anyway)\n", stderr);
            return EXIT_CONFIG;
        }
    }
    if (o->base_url && n > 1) { free(rows); return usage_error("--base-url applies to one provider: ailib check PROVIDER --base-url URL%s", ""); }
    ailib_global_init();
    memset(&req, 0, sizeof req);
    req.messages = &msg;
    req.message_count = 1;
    req.max_tokens = 1;
    for (i = 0; i < n; i++) {
        ailib_client_desc desc;
        check_row *r = &rows[i];
        memset(&desc, 0, sizeof desc);
        desc.model = r->name;
        desc.base_url = o->base_url;
        desc.timeout_ms = o->timeout_ms ? o->timeout_ms : 30000;
        desc.max_retries = -1;                                  /* a check reports, it does not insist */
        desc.log = cli_logger;
        desc.log_user = o->verbose ? (void *)o : NULL;
        ailib_error_clear(&r->err);
        r->started = now_ms();
        if (!(r->client = ailib_client_create(&desc, &r->err)) ||
            ailib_chat_start(r->client, &req, NULL, &r->call, &r->err) != AILIB_OK) {
            r->result = r->err.code;
            r->done = 1;
        }
        if (r->client) r->prov = ailib_client_provider(r->client);
    }
    g_blocking = 0;
    do {
        pending = 0;
        for (i = 0; i < n; i++) {
            check_row *r = &rows[i];
            if (r->done) continue;
            if (g_interrupted) ailib_call_cancel(r->call);
            else ailib_client_poll(r->client, 0);
            if (ailib_call_done(r->call) || g_interrupted) {
                r->ms = now_ms() - r->started;
                r->result = ailib_call_finish(r->call, NULL, &r->err);
                r->call = NULL;
                r->done = 1;
            } else pending = 1;
        }
        if (pending) sleep_ms(5);
    } while (pending);
    g_blocking = 1;
    for (i = 0; i < n; i++) {
        const char *m = rows[i].client ? ailib_client_model(rows[i].client) : "-";
        if ((int)strlen(rows[i].prov ? rows[i].prov->name : rows[i].name) > w) w = (int)strlen(rows[i].prov ? rows[i].prov->name : rows[i].name);
        if ((int)strlen(m) > wm) wm = (int)strlen(m);
    }
    if (o->json) fputs("[", stdout);
    else printf("%-*s  %-*s  %-6s  %8s  %s\n", w, "PROVIDER", wm, "MODEL", "RESULT", "LATENCY", "DETAIL");
    for (i = 0; i < n; i++) {
        check_row *r = &rows[i];
        const char *m = r->client ? ailib_client_model(r->client) : "-";
        char hint[512], detail[1200], lat[32];
        failure_hint(r->result, r->prov, m, hint, sizeof hint);
        if (r->result == AILIB_OK) detail[0] = 0;
        else {
            size_t dn;
            snprintf(detail, sizeof detail, "%s", r->err.message[0] ? r->err.message : ailib_result_string(r->result));
            dn = strlen(detail);
            if (hint[0] && dn && detail[dn - 1] == '.') detail[--dn] = 0;
            if (hint[0]) snprintf(detail + dn, sizeof detail - dn, "; %s", hint);
        }
        if (r->result != AILIB_OK) failed = 1;
        if (r->call || !r->ms) snprintf(lat, sizeof lat, "-"); else snprintf(lat, sizeof lat, "%lld ms", (long long)r->ms);
        if (o->json) {
            ailib_json_writer jw;
            ailib_json_writer_init(&jw, NULL);
            ailib_json_pack(&jw, "{s:s, s:s, s:b, s:s", "provider", r->prov ? r->prov->name : r->name, "model", m,
                            "ok", r->result == AILIB_OK, "code", ailib_result_name(r->result));
            if (r->ms && r->result != AILIB_CONFIGURATION) ailib_json_pack(&jw, "s:I", "latency_ms", (int64_t)r->ms);
            else ailib_json_pack(&jw, "s:n", "latency_ms");
            if (detail[0]) ailib_json_pack(&jw, "s:s}", "detail", detail); else ailib_json_pack(&jw, "s:n}", "detail");
            if (ailib_json_writer_finish(&jw) == AILIB_OK) printf("%s\n  %s", i ? "," : "", jw.buf);
            ailib_json_writer_deinit(&jw);
        } else {
            printf("%-*s  %-*s  %-6s  %8s  ", w, r->prov ? r->prov->name : r->name, wm, m, r->result == AILIB_OK ? "OK" : "FAILED",
                   r->result == AILIB_CONFIGURATION ? "-" : lat);
            put_cli_message(stdout, detail);
            putchar('\n');
        }
        if (r->call) ailib_call_finish(r->call, NULL, NULL);
        ailib_client_destroy(r->client);
    }
    if (o->json) fputs("\n]\n", stdout);
    free(rows);
    if (g_interrupted) { fputs("ailib: interrupted\n", stderr); return EXIT_INTERRUPTED; }
    return failed ? EXIT_PROVIDER : EXIT_OK;
}

/* --- ailib logs ----------------------------------------------------------------------------------- */

static int64_t jint(const ailib_json *root, const char *a, const char *b) {
    const ailib_json *v = ailib_json_get(root, a);
    if (b) v = ailib_json_get(v, b);
    return ailib_json_int(v);
}

static const char *jstr(const ailib_json *root, const char *k) {
    const char *s = ailib_json_str(ailib_json_get(root, k), NULL);
    return s ? s : "";
}

static int rec_matches(const log_rec *r, const cli_options *o, const char *cid) {
    if (cid && strcmp(r->cid, cid)) return 0;
    if (o->model) {
        char full[512];
        snprintf(full, sizeof full, "%s/%s", jstr(r->root, "provider"), jstr(r->root, "model"));
        if (!strstr(full, resolve_alias(o->model))) return 0;
    }
    if (o->query && !strstr(jstr(r->root, "prompt"), o->query) && !strstr(jstr(r->root, "response"), o->query)) return 0;
    return 1;
}

/* One line of text: newlines as spaces, cut to width (on a UTF-8 boundary) with "...". */
static void put_oneline(const char *s, size_t width) {
    size_t n = 0;
    for (; *s && n < width; s++, n++) {
        if ((unsigned char)*s < 0x20) putchar(' ');
        else putchar(*s);
    }
    while (*s && ((unsigned char)*s & 0xC0) == 0x80) putchar(*s++);
    if (*s) fputs("...", stdout);
}

static int cmd_logs(cli_options *o, int npos, char **pos) {
    char path[1024];
    log_db db;
    const char *cid = NULL;
    size_t i, start, shown = 0, *sel, unpriced = 0;
    int64_t tin = 0, tout = 0;
    double tcost = 0;
    int rc, any_cost = 0;
    if (!log_path(path, sizeof path)) { fputs("ailib: no HOME or XDG_DATA_HOME: no log\n", stderr); return EXIT_CONFIG; }
    if (npos == 1 && !strcmp(pos[0], "path")) { puts(path); return EXIT_OK; }
    if (npos) return usage_error("'logs' takes no arguments but `path` (see ailib help logs)%s", "");
    if (o->cont && o->cid) return usage_error("give -c (the last conversation) or --cid ID, not both%s", "");
    if ((rc = log_load(path, &db)) != 0) return rc;
    if (!db.n) {
        if (o->json) puts("[]");
        else fprintf(stderr, "ailib: no calls logged yet (the log is %s)\n", path);
        log_free(&db);
        return EXIT_OK;
    }
    if ((o->cont || o->cid) && !(cid = log_find_cid(&db, o->cid, path))) { log_free(&db); return EXIT_USAGE; }
    sel = (size_t *)malloc(db.n * sizeof *sel);
    if (!sel) { log_free(&db); return EXIT_PROVIDER; }
    for (i = 0; i < db.n; i++) if (rec_matches(&db.recs[i], o, cid)) sel[shown++] = i;
    /* the last N (default 20; a whole conversation by default) */
    start = 0;
    {
        int64_t want = o->count ? o->count : cid ? 0 : 20;
        if (want > 0 && (size_t)want < shown) start = shown - (size_t)want;
    }
    if (o->json) {
        ailib_json_writer w;
        ailib_json_writer_init(&w, NULL);
        ailib_json_write_array_begin(&w);
        for (i = start; i < shown; i++) ailib_json_write_value(&w, db.recs[sel[i]].root);
        ailib_json_write_array_end(&w);
        rc = print_json_done(&w, "the log");
    } else if (cid) {
        /* a conversation: every turn in full */
        for (i = start; i < shown; i++) {
            const ailib_json *r = db.recs[sel[i]].root;
            double c = ailib_json_double(ailib_json_get(r, "cost_usd"));
            printf("## %s  %s  %s/%s  %lld in, %lld out", jstr(r, "id"), jstr(r, "time"), jstr(r, "provider"), jstr(r, "model"),
                   (long long)jint(r, "usage", "input"), (long long)jint(r, "usage", "output"));
            if (ailib_json_is_number(ailib_json_get(r, "cost_usd"))) printf(", $%.6f", c);
            else printf(", cost unknown");
            printf("\n\n");
            if (*jstr(r, "system")) printf("system: %s\n\n", jstr(r, "system"));
            printf("> %s\n\n%s\n\n", jstr(r, "prompt"), jstr(r, "response"));
        }
        printf("conversation %s: %lu calls\n", cid, (unsigned long)(shown - start));
        rc = EXIT_OK;
    } else {
        printf("%-15s  %-15s  %-20s  %-28s  %7s  %7s  %10s  %s\n", "ID", "CONVERSATION", "TIME", "MODEL", "IN", "OUT", "COST", "PROMPT");
        for (i = start; i < shown; i++) {
            const ailib_json *r = db.recs[sel[i]].root;
            char full[256], cost[32];
            const ailib_json *cv = ailib_json_get(r, "cost_usd");
            snprintf(full, sizeof full, "%s/%s", jstr(r, "provider"), jstr(r, "model"));
            if (ailib_json_is_number(cv)) { snprintf(cost, sizeof cost, "$%.6f", ailib_json_double(cv)); tcost += ailib_json_double(cv); any_cost = 1; }
            else { snprintf(cost, sizeof cost, "unknown"); unpriced++; }      /* never $0: no price is not free */
            tin += jint(r, "usage", "input");
            tout += jint(r, "usage", "output");
            printf("%-15s  %-15s  %-20s  %-28s  %7lld  %7lld  %10s  ", jstr(r, "id"), jstr(r, "cid"), jstr(r, "time"), full,
                   (long long)jint(r, "usage", "input"), (long long)jint(r, "usage", "output"), cost);
            put_oneline(jstr(r, "prompt"), 40);
            putchar('\n');
        }
        printf("%lu calls, %lld input and %lld output tokens", (unsigned long)(shown - start), (long long)tin, (long long)tout);
        if (any_cost) printf(", $%.6f", tcost);
        if (unpriced) printf("%s%lu call%s of unknown cost", any_cost ? " and " : ", ", (unsigned long)unpriced, unpriced == 1 ? "" : "s");
        printf(" (log: %s", path);
        if (db.bad) printf("; %lu unreadable lines skipped", (unsigned long)db.bad);
        printf(")\n");
        rc = EXIT_OK;
    }
    free(sel);
    log_free(&db);
    return rc;
}

/* --- ailib aliases, ailib config ------------------------------------------------------------------- */

static int cmd_aliases(cli_options *o, int npos, char **pos) {
    size_t i;
    (void)o; (void)pos;
    if (npos) return usage_error("'aliases' takes no arguments (aliases are the [aliases] section of %s)", g_cfg.path);
    if (!g_cfg.naliases) {
        fprintf(stderr, "ailib: no aliases: add an [aliases] section to %s, e.g.\n  [aliases]\n  fast = groq/llama-3.1-8b-instant\n",
                g_cfg.path[0] ? g_cfg.path : "~/.config/ailib/config");
        return EXIT_OK;
    }
    for (i = 0; i < g_cfg.naliases; i++) printf("%-16s %s\n", g_cfg.alias_name[i], g_cfg.alias_model[i]);
    return EXIT_OK;
}

static int cmd_config(cli_options *o, int npos, char **pos) {
    char lp[1024];
    size_t i;
    (void)o;
    if (npos == 1 && !strcmp(pos[0], "path")) { puts(g_cfg.path[0] ? g_cfg.path : "(no HOME: no configuration file)"); return EXIT_OK; }
    if (npos) return usage_error("'config' takes no arguments but `path`%s", "");
    printf("config file: %s (%s)\n", g_cfg.path[0] ? g_cfg.path : "-", g_cfg.found ? "read" : "not there: defaults");
    printf("log file:    %s (%s)\n", log_path(lp, sizeof lp) ? lp : "-", g_cfg.log_off ? "off" : "on");
    if (g_cfg.model) printf("model = %s\n", g_cfg.model);
    if (g_cfg.system) printf("system = %s\n", g_cfg.system);
    if (g_cfg.has_temperature) printf("temperature = %g\n", g_cfg.temperature);
    if (g_cfg.max_tokens) printf("max-tokens = %lld\n", (long long)g_cfg.max_tokens);
    if (g_cfg.reasoning) printf("reasoning = %s\n", g_cfg.reasoning);
    if (g_cfg.timeout_ms) printf("timeout = %g\n", (double)g_cfg.timeout_ms / 1000.0);
    if (g_cfg.embed_model) printf("embed-model = %s\n", g_cfg.embed_model);
    if (g_cfg.nopts) puts("[options]");
    for (i = 0; i < g_cfg.nopts; i++) printf("%s = %s\n", g_cfg.opt_key[i], g_cfg.opt_val[i]);
    if (g_cfg.naliases) puts("[aliases]");
    for (i = 0; i < g_cfg.naliases; i++) printf("%s = %s\n", g_cfg.alias_name[i], g_cfg.alias_model[i]);
    if (g_cfg.nroutes) puts("[routes]");
    for (i = 0; i < g_cfg.nroutes; i++) printf("%s = %s\n", g_cfg.route_name[i], g_cfg.route_spec[i]);
    return EXIT_OK;
}
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
    desc.log = cli_logger;
    desc.log_user = o->verbose ? (void *)o : NULL;
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


/* --- commands ------------------------------------------------------------------------------------- */

static int cmd_providers_main(cli_options *o, int npos, char **pos) {
    (void)o; (void)pos;
    if (npos) return usage_error("'providers' takes no arguments%s", "");
    return cmd_providers();
}

static int cmd_models_main(cli_options *o, int npos, char **pos) {
    int code;
    if (npos > 1) return usage_error("'models' takes at most one provider name%s", "");
    if (o->model) o->model = resolve_alias(o->model);
    code = cmd_models(o, npos ? pos[0] : NULL);
    return code;
}

static int cmd_help(cli_options *o, int npos, char **pos);

struct cli_command {
    const char *name;
    int (*run)(cli_options *o, int npos, char **pos);
    unsigned scope;             /* the options it takes (S_*) */
    const char *summary;
    const char *help;
};

static const cli_command cli_commands[] = {
    { "prompt", cmd_prompt, S_PROMPT, "ask a model (the default: `ailib \"...\"` is `ailib prompt \"...\"`)",
      "usage: ailib [prompt] [options] [text...]\n"
      "\n"
      "The prompt is the arguments joined by spaces. When something is piped in, it follows the\n"
      "arguments after a blank line (git diff | ailib \"Review:\"); with neither, the prompt is typed\n"
      "at the terminal and one Ctrl-D ends it. The answer streams to stdout; Ctrl-C cancels.\n"
      "\n"
      "  -m MODEL              provider/model, a bare catalog model (gpt-4o-mini), a provider (its\n"
      "                        default model) or an alias of the configuration; default: the\n"
      "                        conversation's (-c), $AILIB_MODEL, the configuration's model, else the\n"
      "                        default model of the first provider whose key variable is set\n"
      "  -s TEXT               system prompt\n"
      "  -t TEMP               temperature (e.g. 0.2)\n"
      "  --max-tokens N        cap on output tokens\n"
      "  --reasoning LEVEL     reasoning effort: low, medium or high (also none, minimal, xhigh)\n"
      "  -o KEY=VALUE          a request option (repeatable): temperature, top_p, top_k, seed,\n"
      "                        max_tokens, presence_penalty, frequency_penalty, stop, reasoning,\n"
      "                        budget (thinking tokens), exclude_reasoning, parallel_tool_calls,\n"
      "                        tool_choice, user, json, extra (a JSON object merged into the body)\n"
      "  -a FILE|URL|-         attach an image, audio or text file (by its bytes and extension),\n"
      "                        an image URL, or stdin; repeatable\n"
      "  --at FILE TYPE        attach with an explicit MIME type (image/png, audio/wav, text/plain)\n"
      "  --schema SCHEMA       structured output, printed as JSON: a JSON Schema file, JSON text,\n"
      "                        or the short form 'name, age int, score float: 0 to 1, ok bool'\n"
      "  -T FILE               tools from a JSON file: {\"name\",\"description\",\"parameters\",\n"
      "                        \"command\"} or an array of them; a command runs for each call (the\n"
      "                        arguments on its stdin, its stdout the result), a tool without one\n"
      "                        is printed as the answer\n"
      "  --chain-limit N       most model calls of a tool loop (default 5)\n"
      "  -c, --continue        continue the last conversation of the log\n"
      "  --cid ID              continue that conversation (an id or a unique prefix, `ailib logs`)\n"
      "  -n, --no-log          do not log this call (--log: log it though the configuration says off)\n"
      "  --no-stream           wait for the whole answer, then print it\n"
      "  -x, --extract         print only the first ``` fenced block of the answer\n"
      "  --json                no streaming; the normalized response as JSON (errors as\n"
      "                        {\"error\":{...}} on stdout too)\n"
      "  -u, --usage           after the answer, its tokens by kind and its cost in USD on stderr\n"
      "                        (\"cost unknown\" for a model without prices, never $0)\n"
      "  --record FILE         record the HTTP exchanges to a cassette (keys never reach it)\n"
      "  --replay FILE         answer from the cassette, no network and no key; a request it does\n"
      "                        not hold fails (exit 1)\n"
      "  --record-missing FILE replay what the cassette holds, record what it does not\n"
      "  --base-url URL        another server for the provider's protocol (proxies, ailib-mock)\n"
      "  --timeout SECS        give up after this long (default: $AI_TIMEOUT_SECS, else 600)\n"
      "  -v                    log the chosen model, requests, retries and errors to stderr (never\n"
      "                        keys or prompts); reasoning goes to stderr when stdout is no terminal\n"
      "\n"
      "-m route/GROUP routes the call over a group of endpoints (fall back, strategies): the group is\n"
      "$AILIB_ROUTE_GROUP, else [routes] in the configuration (ailib help config).\n" },
    { "chat", cmd_chat, S_CHAT, "an interactive conversation: a line per turn, streamed, logged",
      "usage: ailib chat [-m MODEL] [-s TEXT] [-c | --cid ID] [-t TEMP] [--max-tokens N] [--reasoning LEVEL]\n"
      "                  [-o KEY=VALUE] [-T FILE] [--base-url URL] [--timeout SECS] [-n] [-u] [-v]\n"
      "                  [--record FILE | --replay FILE | --record-missing FILE]\n"
      "\n"
      "Each line typed at the > marker is a turn of one conversation; the answer streams. !multi starts\n"
      "a turn of several lines and !end sends it. Ctrl-C cancels an answer (the turn is dropped) or the\n"
      "line being typed; Ctrl-D on an empty line, exit or quit ends the chat. The turns are logged as\n"
      "one conversation (-c or --cid continue an earlier one; `ailib logs -c` shows it). Lines can\n"
      "also come from a pipe, one turn each. -u prints each turn's tokens and cost on stderr.\n" },
    { "batch", cmd_batch, S_BATCH, "a JSONL file of requests, N at a time, one result line each, resumable",
      "usage: ailib batch IN.jsonl -o OUT.jsonl [-c N] [-m MODEL] [-s TEXT] [-t TEMP] [--max-tokens N]\n"
      "                   [--reasoning LEVEL] [--retry-failed] [-u] [--base-url URL] [--timeout SECS] [-v]\n"
      "                   [--record FILE | --replay FILE | --record-missing FILE]\n"
      "\n"
      "Each line of IN (- for stdin) is a request: {\"messages\": [...]} in the OpenAI chat shape, or\n"
      "{\"prompt\": \"...\"}, with optional id (echoed back), model, system, max_tokens, temperature,\n"
      "top_p, seed, stop, reasoning_effort, tools, response_format. -m, -s, -t, --max-tokens and\n"
      "--reasoning are the defaults of lines that do not set them. N calls run at once (-c, default 8).\n"
      "Each result is appended to OUT as it finishes, one line:\n"
      "    {\"line\": 3, \"id\": ..., \"response\": {the --json shape of `ailib prompt`}, \"error\": null}\n"
      "    {\"line\": 4, \"id\": ..., \"response\": null, \"error\": {\"code\": \"AILIB_RATE_LIMITED\", \"message\",\n"
      "     \"http_status\", \"provider_type\", \"provider_code\", \"request_id\"}}\n"
      "A line that is not a valid request gets an error line (AILIB_JSON_SYNTAX, AILIB_INVALID_ARGUMENT)\n"
      "and is never sent; one failure never stops the others. Lines already in OUT are skipped, so the\n"
      "same command after Ctrl-C (or a crash) does the rest; --retry-failed also runs the lines whose\n"
      "last result is an error. A progress bar goes to stderr when it is a terminal; a summary line\n"
      "always. -u: the tokens and cost of the run by model, and their total.\n"
      "\n"
      "exit: 0 every line has an answer in OUT, 1 some lines failed (this run or an earlier one: see\n"
      "their \"error\"), 2 usage or a file that cannot be read or written, 3 configuration (no key),\n"
      "4 the network layer failed, 130 interrupted.\n" },
    { "models", cmd_models_main, S_MODELS, "the model catalog; with a provider, what it lists now",
      "usage: ailib models [PROVIDER] [-m provider/...] [--base-url URL] [--timeout SECS] [--json] [-v]\n"
      "\n"
      "Without a provider: the catalog (context, max output, capabilities, $/M tokens). With one, the\n"
      "models it lists now with a SOURCE column: live+catalog (listed and in the catalog, whose context,\n"
      "capabilities and prices fill in what the provider does not say), live (listed, not in the\n"
      "catalog) or catalog only (a catalog row the provider did not list). Without the provider's key,\n"
      "or for a protocol without a model list (bedrock), it prints the catalog rows alone, says why on\n"
      "stderr and exits 0; a failed request exits 1 or 4 like a chat call.\n" },
    { "providers", cmd_providers_main, 0, "the provider catalog and which keys are set",
      "usage: ailib providers\n\nEach provider: its protocol, default model, key variable and whether the key is set.\n" },
    { "logs", cmd_logs, S_LOGS, "past calls with tokens and cost; -c/--cid shows a conversation",
      "usage: ailib logs [-n N] [-q TEXT] [-m MODEL] [-c | --cid ID] [--json]\n"
      "       ailib logs path\n"
      "\n"
      "Lists the last N calls (default 20, 0: all) with their conversation, time, model, tokens, cost\n"
      "(from the catalog's prices) and prompt; -q keeps calls whose prompt or answer contains TEXT, -m\n"
      "those whose provider/model contains MODEL. -c (the latest) or --cid ID prints a conversation in\n"
      "full. --json prints the records. The log is $XDG_DATA_HOME/ailib/logs.jsonl\n"
      "(~/.local/share/ailib/logs.jsonl), or log-file in the configuration; one JSON object per call.\n" },
    { "embed", cmd_embed, S_EMBED, "embedding vectors of text",
      "usage: ailib embed [-m MODEL] [--dimensions N] [--input-type query|document] [--lines] [--json] [text...]\n"
      "\n"
      "Embeds the arguments (joined as one text), else stdin: one input, or one per line with --lines.\n"
      "Prints one JSON array of floats per input, a line each; --json prints {\"model\",\"usage\",\n"
      "\"embeddings\"}. The model: -m (a provider alone takes its catalog embedding model), else\n"
      "embed-model of the configuration, else the first provider with a key and an embedding model.\n" },
    { "check", cmd_check, S_CHECK, "a one-token call to each provider with a key: latency, OK or why not",
      "usage: ailib check [PROVIDER|provider/model ...] [--timeout SECS] [--base-url URL] [--json] [-v]\n"
      "\n"
      "Without names: every provider whose key variable is set. Each gets one call (max_tokens 1, no\n"
      "retries) at the same time; a row each with the model, OK or FAILED, the latency and what to do\n"
      "(the key variable on 401, `ailib models` on 404). Exit 0 when all answered, 1 otherwise.\n" },
    { "aliases", cmd_aliases, 0, "the model aliases of the configuration",
      "usage: ailib aliases\n\nThe [aliases] section of the configuration: NAME = provider/model, usable wherever -m is.\n" },
    { "config", cmd_config, 0, "where the configuration and the log are, and what is set",
      "usage: ailib config [path]\n"
      "\n"
      "The configuration file is $AILIB_CONFIG, else $XDG_CONFIG_HOME/ailib/config, else\n"
      "~/.config/ailib/config:\n"
      "    model = anthropic/claude-haiku-5-5     # defaults: model, system, temperature, max-tokens,\n"
      "    temperature = 0.3                      # reasoning, timeout, log (on|off), log-file,\n"
      "    [aliases]                              # embed-model\n"
      "    fast = groq/llama-3.1-8b-instant\n"
      "    [options]                              # defaults of -o\n"
      "    top_p = 0.9\n"
      "    [routes]                               # -m route/fast (unless $AILIB_ROUTE_FAST is set)\n"
      "    fast = strategy=latency; groq/llama-3.1-8b-instant; openai/gpt-4o-mini\n"
      "Options on the command line win, then $AILIB_MODEL (for the model), then the file.\n" },
    { "help", cmd_help, 0, "this help, or a command's: ailib help COMMAND", "usage: ailib help [COMMAND]\n" }
};

#define NCOMMANDS (sizeof cli_commands / sizeof cli_commands[0])

static const char *usage_text =
    "usage: ailib [options] [prompt...]        ask a model (see ailib help prompt)\n"
    "       ailib COMMAND [options] [args...]\n"
    "\n"
    "commands:\n"
    "  prompt     ask a model (the default)\n"
    "  chat       an interactive conversation: a line per turn, streamed, logged\n"
    "  batch      a JSONL file of requests, N at a time, one result line each, resumable\n"
    "  models     the model catalog; with a provider, what it lists now\n"
    "  providers  the provider catalog and which keys are set\n"
    "  logs       past calls with tokens and cost; -c/--cid shows a conversation\n"
    "  embed      embedding vectors of text\n"
    "  check      a one-token call to each provider with a key: latency, OK or why not\n"
    "  aliases    the model aliases of the configuration\n"
    "  config     where the configuration and the log are, and what is set\n"
    "  help       this help, or a command's: ailib help COMMAND\n"
    "\n"
    "common options: -m MODEL, -s TEXT, -t TEMP, -o KEY=VALUE, -a FILE, --schema SCHEMA, -T TOOLS,\n"
    "-c/--cid ID, --no-stream, --json, -u/--usage, --record FILE, --replay FILE, --record-missing FILE,\n"
    "--base-url URL, --timeout SECS, -v, --help, --version; `--` ends the options (for a prompt that\n"
    "starts with '-'). -m route/GROUP routes over a group of endpoints ($AILIB_ROUTE_GROUP or [routes]).\n"
    "\n"
    "A prompt of one bare word is taken for a command: `ailib prompt hello` (or `ailib -- hello`) sends\n"
    "it; an unknown command is an error, never a prompt. The API key comes from the provider's\n"
    "variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...; `ailib providers` names them all). Calls are\n"
    "logged to a JSONL file (`ailib logs path`); -n skips that.\n"
    "\n"
    "exit codes: 0 ok, 1 provider error (also a request a --replay cassette does not hold; batch: some\n"
    "lines failed), 2 usage error (also options the catalog refuses before sending, and a file that\n"
    "cannot be read or written: batch input or output, a cassette), 3 configuration (missing key,\n"
    "unknown provider, a model the catalog says cannot do what is asked), 4 network error or timeout,\n"
    "130 interrupted\n";

static void print_command_help(const cli_command *cmd) { fputs(cmd->help, stdout); }

static const cli_command *find_command(const char *name) {
    size_t i;
    for (i = 0; i < NCOMMANDS; i++) if (!strcmp(cli_commands[i].name, name)) return &cli_commands[i];
    return NULL;
}

static int cmd_help(cli_options *o, int npos, char **pos) {
    const cli_command *c;
    (void)o;
    if (!npos) { fputs(usage_text, stdout); return EXIT_OK; }
    if (npos > 1 || !(c = find_command(pos[0]))) return usage_error("no command '%s' (ailib help lists them)", pos[0]);
    print_command_help(c);
    return EXIT_OK;
}

/* A first argument that reads like a command: one bare lowercase word. */
static int looks_like_command(const char *s) {
    if (!*s || *s < 'a' || *s > 'z') return 0;
    for (; *s; s++) if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_')) return 0;
    return 1;
}

/* The command of argv: the first positional argument when it names one ("prompt" is the default).
   An unknown bare word that is a typo of a command, or that stands alone with no option before
   it, is an error: never a prompt sent to a model. *at gets its index (0: none). */
static const cli_command *pick_command(int argc, char **argv, int *at, int *err) {
    int i, first = 0, npos = 0, opts = 0;
    const cli_command *c;
    *at = 0;
    *err = 0;
    for (i = 1; i < argc; i++) {
        const char *v;
        const cli_opt *op;
        if (!strcmp(argv[i], "--")) { if (!first) return find_command("prompt"); break; }
        if (argv[i][0] == '-' && argv[i][1]) {
            op = find_option(argv[i], S_PROMPT, &v);
            if (op && !v) i += op->nvalues;
            if (!first) opts++;
            continue;
        }
        if (!first) first = i;
        npos++;
    }
    if (!first) return find_command("prompt");
    if ((c = find_command(argv[first])) != NULL) { *at = first; return c; }
    if (looks_like_command(argv[first])) {
        size_t k, len = strlen(argv[first]), best = 99;
        const char *near = NULL;
        for (k = 0; k < NCOMMANDS; k++) {
            size_t d = edit_distance(argv[first], cli_commands[k].name);
            /* before more words, only a close typo counts ("modles openai"), so sentences
               ("what is ...", near "chat") stay prompts */
            if (npos > 1 && (argv[first][0] != cli_commands[k].name[0] || !(len >= 8 ? d <= 2 : len >= 6 && d <= 1))) continue;
            if (d < best) { best = d; near = cli_commands[k].name; }
        }
        if (best <= (len <= 5 ? 1u : 2u)) {
            fprintf(stderr, "ailib: unknown command '%s': did you mean '%s'? (to send it as a prompt: ailib prompt %s ...)\n",
                    argv[first], near, argv[first]);
            *err = EXIT_USAGE;
            return NULL;
        }
        if (npos == 1 && !opts) {              /* `ailib -m x hello` is a prompt: options said so */
            fprintf(stderr, "ailib: unknown command '%s' (ailib help lists them); to send it as a prompt: ailib prompt %s\n",
                    argv[first], argv[first]);
            *err = EXIT_USAGE;
            return NULL;
        }
    }
    return find_command("prompt");
}

int main(int argc, char **argv) {
    cli_options o;
    struct sigaction sa;
    const cli_command *cmd;
    char **args, **pos;
    int code, npos = 0, at, nargs = 0, i;
    memset(&o, 0, sizeof o);
    /* no SA_RESTART: a blocking read of the prompt returns at Ctrl-C instead of resuming */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);                    /* a tool command that exits early, a closed pipe: errors, not death */
    if (!(cmd = pick_command(argc, argv, &at, &code))) return code;
    args = (char **)malloc(sizeof *args * (size_t)(argc + 1));
    pos = (char **)malloc(sizeof *pos * (size_t)(argc + 1));
    if (!args || !pos) { fprintf(stderr, "ailib: out of memory\n"); return EXIT_PROVIDER; }
    for (i = 0; i < argc; i++) if (i != at || !at) args[nargs++] = argv[i];
    if ((code = load_config()) >= 0) { free(args); free(pos); return code; }
    code = parse_args(nargs, args, 1, cmd->scope, at || strcmp(cmd->name, "prompt") ? cmd : NULL, cmd->name, &o, pos, &npos);
    if (code < 0) code = cmd->run(&o, npos, pos);
    if (code == EXIT_OK && g_cassette_failed) code = EXIT_USAGE;     /* a recording that is not whole is no success */
    free(args);
    free(pos);
    free(g_cfg.text);
    ailib_global_cleanup();
    return code;
}

/* bench_estimate - the error of ailib's fast input-token estimate against the providers' own
   counts, on a sample of recorded requests (tools/bench/estimate_sample.py writes it from
   pydantic-ai's VCR cassettes: each request with the input tokens its provider reported).
   Prints per provider: requests, mean and median absolute error, 90th percentile, worst,
   and the bias (mean signed error; positive: the estimate is high). No network: the clients
   only price and estimate.
   Usage: bench_estimate sample.jsonl */
#define AILIB_ENABLE_COST 1
#define AILIB_IMPLEMENTATION
#include "../../ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 4096

static int cmp_dbl(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct stats { const char *name; double err[MAXN]; double signed_sum; int n; int64_t tokens, abs_diff; } stats;

static void report(stats *s) {
    double sum = 0;
    int i;
    if (!s->n) return;
    for (i = 0; i < s->n; i++) sum += s->err[i];
    qsort(s->err, (size_t)s->n, sizeof s->err[0], cmp_dbl);
    printf("  %-10s %4d requests %6lld tokens  |err| per request: mean %5.1f%% median %5.1f%% p90 %5.1f%% worst %6.1f%%"
           "  bias %+5.1f%%  per token %5.1f%%\n", s->name, s->n, (long long)s->tokens, 100 * sum / s->n, 100 * s->err[s->n / 2],
           100 * s->err[(s->n * 9) / 10], 100 * s->err[s->n - 1], 100 * s->signed_sum / s->n, 100.0 * (double)s->abs_diff / (double)s->tokens);
}

static const char *str(const ailib_json *o, const char *k) {
    const char *s = ailib_json_str(ailib_json_get(o, k), NULL);
    return s ? s : "";
}

int main(int argc, char **argv) {
    static stats st[4];
    static char line[1 << 20];
    const char *names[3] = { "openai", "anthropic", "gemini" };
    const char *models[3] = { "openai/gpt-4o-mini", "anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash" };
    ailib_client *cl[3];
    FILE *f;
    int i;
    if (argc < 2 || !(f = fopen(argv[1], "r"))) { fprintf(stderr, "usage: bench_estimate sample.jsonl\n"); return 2; }
    for (i = 0; i < 3; i++) {
        ailib_client_desc d;
        ailib_error err;
        memset(&d, 0, sizeof d);
        d.model = models[i];
        d.api_key = "none";
        d.base_url = "http://127.0.0.1:9";
        if (!(cl[i] = ailib_client_create(&d, &err))) { fprintf(stderr, "%s\n", err.message); return 1; }
        st[i].name = names[i];
    }
    st[3].name = "all";
    while (fgets(line, sizeof line, f)) {
        ailib_json_doc *doc = NULL;
        const ailib_json *root, *ms, *ts, *e;
        ailib_message msgs[256];
        ailib_part parts[512];
        ailib_tool tools[64];
        ailib_request req;
        ailib_estimate est;
        ailib_error err;
        size_t n, k, nm = 0, np = 0, nt = 0;
        int p;
        int64_t actual;
        double er;
        if (ailib_json_parse(line, strlen(line), NULL, &doc, NULL) != AILIB_OK) continue;
        root = ailib_json_doc_root(doc);
        for (p = 0; p < 3 && strcmp(names[p], str(root, "provider")); p++) {}
        if (p == 3) { ailib_json_doc_destroy(doc); continue; }
        memset(&req, 0, sizeof req);
        req.system = str(root, "system");
        ms = ailib_json_get(root, "messages");
        for (n = ailib_json_size(ms), e = ailib_json_first(ms); n && nm < 256; n--, e = ailib_json_next(e)) {
            const char *role = str(e, "role");
            const ailib_json *calls = ailib_json_get(e, "calls"), *c;
            ailib_message *m = &msgs[nm++];
            memset(m, 0, sizeof *m);
            m->role = !strcmp(role, "assistant") ? AILIB_ROLE_ASSISTANT : !strcmp(role, "tool") ? AILIB_ROLE_TOOL : AILIB_ROLE_USER;
            m->parts = &parts[np];
            if (m->role == AILIB_ROLE_TOOL) {
                memset(&parts[np], 0, sizeof parts[np]);
                parts[np].type = AILIB_PART_TOOL_RESULT;
                parts[np].text = str(e, "text");
                parts[np].id = "call";
                np++;
            } else if (*str(e, "text")) {
                memset(&parts[np], 0, sizeof parts[np]);
                parts[np].text = str(e, "text");
                np++;
            }
            for (k = ailib_json_size(calls), c = ailib_json_first(calls); k && np < 512; k--, c = ailib_json_next(c)) {
                memset(&parts[np], 0, sizeof parts[np]);
                parts[np].type = AILIB_PART_TOOL_CALL;
                parts[np].id = "call";
                parts[np].name = str(c, "name");
                parts[np].text = str(c, "arguments");
                np++;
            }
            m->part_count = (size_t)(&parts[np] - m->parts);
        }
        req.messages = msgs;
        req.message_count = nm;
        ts = ailib_json_get(root, "tools");
        for (n = ailib_json_size(ts), e = ailib_json_first(ts); n && nt < 64; n--, e = ailib_json_next(e)) {
            memset(&tools[nt], 0, sizeof tools[nt]);
            tools[nt].name = str(e, "name");
            tools[nt].description = str(e, "description");
            tools[nt].parameters = str(e, "parameters");
            nt++;
        }
        req.tools = tools;
        req.tool_count = nt;
        if (*str(root, "schema")) { req.response_format.type = AILIB_FORMAT_JSON_SCHEMA; req.response_format.schema = str(root, "schema"); }
        {
            /* Gemini's thought signatures, carried back in the history: one part holds them all */
            static char sig[1 << 16];
            int64_t sb = ailib_json_int(ailib_json_get(root, "signature_bytes"));
            if (sb > 0 && nm && np < 512 && sb < (int64_t)sizeof sig) {
                memset(sig, 'A', (size_t)sb);
                sig[sb] = 0;
                memset(&parts[np], 0, sizeof parts[np]);
                parts[np].type = AILIB_PART_THINKING;
                parts[np].signature = sig;
                parts[np].text = "";
                msgs[nm - 1].parts = msgs[nm - 1].part_count ? msgs[nm - 1].parts : &parts[np];
                if (msgs[nm - 1].parts + msgs[nm - 1].part_count == &parts[np]) msgs[nm - 1].part_count++;
                np++;
            }
        }
        if (!strcmp(str(root, "tool_choice"), "any") || !strcmp(str(root, "tool_choice"), "tool")) req.tool_choice.mode = AILIB_TOOL_CHOICE_REQUIRED;
        actual = ailib_json_int(ailib_json_get(root, "tokens"));
        if (ailib_client_estimate(cl[p], &req, &est, &err) == AILIB_OK && actual > 0 && st[p].n < MAXN) {
            er = (double)(est.input_tokens - actual) / (double)actual;
            if (argc > 2) printf("%s %lld est %lld %+.0f%% %s\n", names[p], (long long)actual, (long long)est.input_tokens, 100 * er, str(root, "source"));
            st[p].err[st[p].n++] = er < 0 ? -er : er;
            st[p].signed_sum += er;
            st[p].tokens += actual;
            st[p].abs_diff += est.input_tokens > actual ? est.input_tokens - actual : actual - est.input_tokens;
            st[3].err[st[3].n++] = er < 0 ? -er : er;
            st[3].signed_sum += er;
            st[3].tokens += actual;
            st[3].abs_diff += est.input_tokens > actual ? est.input_tokens - actual : actual - est.input_tokens;
        }
        ailib_json_doc_destroy(doc);
    }
    fclose(f);
    printf("ailib_estimate_tokens() against the providers' own input-token counts (%s):\n", argv[1]);
    for (i = 0; i < 4; i++) report(&st[i]);
    for (i = 0; i < 3; i++) ailib_client_destroy(cl[i]);
    return 0;
}

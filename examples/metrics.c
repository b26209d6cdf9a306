/* metrics.c - OpenTelemetry GenAI metrics and spans of your calls: printed as they happen,
   dumped as Prometheus text, and exported over OTLP/HTTP JSON when a collector is configured
   (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://localhost:4318, and OTEL_SERVICE_NAME).

   Build:  cc -std=c99 -I. examples/metrics.c -o ex_metrics -lcurl -lm
   Run:    AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... ./ex_metrics
           make examples      (offline, against the bundled ailib-mock and a local collector) */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_attrs(const ailib_attr *a, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (a[i].type == AILIB_ATTR_INT) printf(" %s=%lld", a[i].key, (long long)a[i].i);
        else if (a[i].type == AILIB_ATTR_DOUBLE) printf(" %s=%g", a[i].key, a[i].d);
        else if (a[i].type == AILIB_ATTR_STRING || a[i].type == AILIB_ATTR_STRING_LIST) printf(" %s=%s", a[i].key, a[i].str);
    }
    printf("\n");
}

static void on_metric(void *user, const ailib_metric *m) {
    (void)user;
    printf("metric %s = %g %s", m->name, m->value, m->unit);
    print_attrs(m->attrs, m->attr_count);
}

static void on_span(void *user, const ailib_span *s) {
    (void)user;
    printf("span %s trace=%s span=%s parent=%s %.3f ms%s", s->name, s->trace_id, s->span_id, s->parent_span_id[0] ? s->parent_span_id : "-",
           (double)(s->end_unix_ns - s->start_unix_ns) / 1e6, s->error ? " ERROR" : "");
    print_attrs(s->attrs, s->attr_count);
}

int main(int argc, char **argv) {
    const char *model = getenv("AILIB_MODEL"), *mock = getenv("AILIB_MOCK_URL");
    char url[512], *prom;
    ailib_client_desc desc;
    ailib_metrics_desc md;
    ailib_metrics *metrics;
    ailib_metrics_stats st;
    ailib_client *client;
    ailib_message msg;
    ailib_request req;
    ailib_response *resp = NULL;
    ailib_error err;
    (void)argc;

    memset(&desc, 0, sizeof desc);
    if (!model && !mock) {
        fprintf(stderr, "Set AILIB_MODEL and the provider's key (AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... %s),\n"
                        "or run all examples offline against ailib-mock with: make examples\n", argv[0]);
        return 2;
    }
    if (model) desc.model = model;
    else {
        snprintf(url, sizeof url, "%s/v1", mock);
        desc.model = "openai/gpt-4o-mini";
        desc.base_url = url;
        desc.api_key = "mock";
        printf("Running offline against ailib-mock at %s\n", url);
    }

    /* One metrics object for all your clients; OTLP export follows the OTEL_* variables. */
    memset(&md, 0, sizeof md);
    md.on_metric = on_metric;
    md.on_span = on_span;
    metrics = ailib_metrics_create(&md, &err);
    if (!metrics) { fprintf(stderr, "error: %s\n", err.message); return 1; }
    client = ailib_client_create(&desc, &err);
    if (!client || ailib_client_set_metrics(client, metrics, &err) != AILIB_OK) { fprintf(stderr, "error: %s\n", err.message); return 1; }
    /* The caller's own span (from its tracing): the call's spans become its children and the
       request carries a traceparent header. */
    if (ailib_client_set_traceparent(client, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", NULL, &err) != AILIB_OK) {
        fprintf(stderr, "error: %s\n", err.message);
        return 1;
    }

    memset(&msg, 0, sizeof msg);
    msg.role = AILIB_ROLE_USER;
    msg.text = "Name three prime numbers.";
    memset(&req, 0, sizeof req);
    req.messages = &msg;
    req.message_count = 1;
    req.max_tokens = 100;
    /* a unary call, then a streamed one (which also reports its chunk timings) */
    if (ailib_chat(client, &req, NULL, &err) != AILIB_OK) { fprintf(stderr, "error: %s\n", err.message); return 1; }
    if (ailib_chat_stream(client, &req, NULL, NULL, &resp, &err) != AILIB_OK) { fprintf(stderr, "error: %s\n", err.message); return 1; }
    printf("assistant: %s\n", ailib_response_text(resp, NULL));
    ailib_response_destroy(resp);

    prom = ailib_metrics_prometheus(metrics, NULL);
    printf("--- Prometheus text ---\n%s", prom ? prom : "");
    ailib_free(prom);
    ailib_metrics_stats_get(metrics, &st);
    if (st.exporting) {
        if (ailib_metrics_flush(metrics, 5000, &err) == AILIB_OK) {
            ailib_metrics_stats_get(metrics, &st);
            printf("exported over OTLP: %llu posts, %llu spans\n", (unsigned long long)st.exports_ok, (unsigned long long)st.spans_exported);
        } else printf("OTLP export: %s\n", err.message);
    } else printf("no OTLP export (set OTEL_EXPORTER_OTLP_ENDPOINT to send to a collector)\n");
    ailib_client_destroy(client);
    ailib_metrics_destroy(metrics);
    return 0;
}

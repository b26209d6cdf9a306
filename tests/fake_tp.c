/* fake_tp.c - see fake_tp.h. */
#include "fake_tp.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fake_inst { fake_config *cfg; } fake_inst;

const char *fake_openai_body(const char *text, const char *finish) {
    static char buf[1024];
    snprintf(buf, sizeof buf,
             "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"model\":\"fake-model\",\"choices\":[{\"index\":0,"
             "\"message\":{\"role\":\"assistant\",\"content\":\"%s\"},\"finish_reason\":\"%s\"}],"
             "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2,\"total_tokens\":12}}", text, finish ? finish : "stop");
    return buf;
}

static void *fk_create(void *user, const ailib_transport_config *cfg, ailib_error *err) {
    fake_inst *t = (fake_inst *)malloc(sizeof *t);
    (void)cfg; (void)err;
    if (t) t->cfg = (fake_config *)user;
    return t;
}

static void fk_destroy(void *t) { free(t); }

static void fk_deliver(fake_config *cfg, fake_exchange *x) {
    char host[128];
    const char *h, *p, *body;
    int status = x->reply.status ? x->reply.status : 200;
    x->done = 1;
    cfg->pending--;
    if (cfg->clock) *cfg->clock += x->reply.advance_ms;
    x->cb->on_status(x->ctx, status);
    for (h = x->reply.headers; h && *h; h = p + (*p == '\n')) {
        const char *colon = strchr(h, ':'), *v;
        p = strchr(h, '\n');
        if (!p) p = h + strlen(h);
        if (colon && colon < p) {
            for (v = colon + 1; *v == ' '; v++) {}
            x->cb->on_header(x->ctx, h, (size_t)(colon - h), v, (size_t)(p - v));
        }
    }
    body = x->reply.body;
    if (!body) {
        const char *s = strstr(x->url, "://");
        size_t n;
        s = s ? s + 3 : x->url;
        n = strcspn(s, "/");
        snprintf(host, sizeof host, "ok %.*s", (int)(n < 100 ? n : 100), s);
        body = fake_openai_body(host, NULL);
    }
    if (!x->cb->on_body(x->ctx, body, strlen(body))) x->cb->on_done(x->ctx, AILIB_OK, "");
    else x->cb->on_done(x->ctx, AILIB_CANCELLED, "stopped");
}

static ailib_result fk_start(void *t, const ailib_wire_request *req, const ailib_http_callbacks *cb, void *ctx, void **handle, ailib_error *err) {
    fake_config *cfg = ((fake_inst *)t)->cfg;
    fake_exchange *x = (fake_exchange *)calloc(1, sizeof *x);
    (void)err;
    if (!x) return AILIB_OUT_OF_MEMORY;
    snprintf(x->url, sizeof x->url, "%s", req->url);
    x->body = (char *)malloc(req->body_len + 1);
    if (x->body) { memcpy(x->body, req->body, req->body_len); x->body[req->body_len] = 0; }
    x->cb = cb;
    x->ctx = ctx;
    x->started_seq = cfg->started;
    if (cfg->answer) x->reply = cfg->answer(cfg->user, x->url, x->body ? x->body : "", cfg->started);
    /* the answer's strings may be the test's scratch buffers: keep copies */
    if (x->reply.body && !(x->reply_body = strdup(x->reply.body))) { free(x->body); free(x); return AILIB_OUT_OF_MEMORY; }
    if (x->reply.headers && !(x->reply_headers = strdup(x->reply.headers))) { free(x->reply_body); free(x->body); free(x); return AILIB_OUT_OF_MEMORY; }
    x->reply.body = x->reply_body;
    x->reply.headers = x->reply_headers;
    x->held = x->reply.hold;
    if (cfg->started == cfg->cap) {
        int nc = cfg->cap ? cfg->cap * 2 : 256;
        fake_exchange **na = (fake_exchange **)realloc(cfg->all, (size_t)nc * sizeof *na);
        if (!na) { free(x->body); free(x); return AILIB_OUT_OF_MEMORY; }
        cfg->all = na;
        cfg->cap = nc;
    }
    cfg->all[cfg->started++] = x;
    cfg->pending++;
    *handle = x;
    return AILIB_OK;
}

static ailib_result fk_poll(void *t, int timeout_ms) {
    fake_config *cfg = ((fake_inst *)t)->cfg;
    int i, n = cfg->started;
    (void)timeout_ms;
    if (cfg->lifo) {
        for (i = n - 1; i >= 0; i--)
            if (cfg->all[i] && !cfg->all[i]->done && !cfg->all[i]->held) { fk_deliver(cfg, cfg->all[i]); break; }
        return AILIB_OK;
    }
    for (i = 0; i < n; i++)      /* n fixed first: exchanges started by callbacks wait for the next poll */
        if (cfg->all[i] && !cfg->all[i]->done && !cfg->all[i]->held) fk_deliver(cfg, cfg->all[i]);
    return AILIB_OK;
}

static void fk_cancel(void *t, void *handle) {
    fake_config *cfg = ((fake_inst *)t)->cfg;
    fake_exchange *x = (fake_exchange *)handle;
    if (x->done) return;
    x->done = 1;
    cfg->pending--;
    x->cb->on_done(x->ctx, AILIB_CANCELLED, "cancelled");
}

static void fk_release(void *t, void *handle) {
    fake_exchange *x = (fake_exchange *)handle;
    (void)t;
    x->cb = NULL;          /* kept in cfg->all for the test to read; freed by fake_reset */
}

static void fk_wakeup(void *t) { (void)t; }

ailib_transport fake_transport(fake_config *cfg) {
    ailib_transport tp;
    tp.create = fk_create;
    tp.destroy = fk_destroy;
    tp.start = fk_start;
    tp.poll = fk_poll;
    tp.cancel = fk_cancel;
    tp.wakeup = fk_wakeup;
    tp.release = fk_release;
    tp.user = cfg;
    return tp;
}

int fake_release(fake_config *cfg, int n) {
    int i, k = 0, lim = cfg->started;
    for (i = 0; i < lim && (n < 0 || k < n); i++)
        if (cfg->all[i] && cfg->all[i]->held && !cfg->all[i]->done) { cfg->all[i]->held = 0; k++; }
    return k;
}

int fake_count(const fake_config *cfg, const char *s) {
    int i, k = 0, lim = cfg->started;
    for (i = 0; i < lim; i++) if (cfg->all[i] && strstr(cfg->all[i]->url, s)) k++;
    return k;
}

void fake_reset(fake_config *cfg) {
    int i, lim = cfg->started;
    for (i = 0; i < lim; i++)
        if (cfg->all[i]) { free(cfg->all[i]->body); free(cfg->all[i]->reply_body); free(cfg->all[i]->reply_headers); free(cfg->all[i]); }
    free(cfg->all);
    memset(cfg, 0, sizeof *cfg);
}

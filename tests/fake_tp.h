/* fake_tp.h - a transport without a network, for engine-level tests of the gate, routing and
   batch: every exchange is answered by the test's function (status, headers, body), at the
   next poll or when the test lets it go, so distributions over thousands of calls, queue
   order and clock-driven behaviour are checked in milliseconds and deterministically. */
#ifndef AILIB_FAKE_TP_H
#define AILIB_FAKE_TP_H
#include "../ailib.h"

typedef struct fake_reply {
    int status;                 /* (default 200) */
    const char *headers;        /* "Name: value\n" lines, or NULL */
    const char *body;           /* (default: a one-line OpenAI chat completion saying "ok <url host>") */
    int hold;                   /* 1: kept pending until fake_release() */
    int64_t advance_ms;         /* added to *fake.clock just before the reply is delivered */
} fake_reply;

typedef struct fake_exchange {
    char url[256];
    char *body;                 /* the request body, NUL-terminated */
    char *reply_body, *reply_headers;   /* copies of the reply's strings */
    fake_reply reply;
    int held, done, started_seq;
    const ailib_http_callbacks *cb;
    void *ctx;
} fake_exchange;

typedef struct fake_config {
    /* decides the reply of each request (NULL: 200 with the default body) */
    fake_reply (*answer)(void *user, const char *url, const char *body, int seq);
    void *user;
    int64_t *clock;             /* (optional) the clock advance_ms moves */
    int lifo;                   /* 1: each poll answers only the newest pending exchange */
    /* what happened */
    int started;                /* exchanges started */
    int pending;                /* started and not answered */
    fake_exchange **all;        /* every exchange, in start order */
    int cap;
} fake_config;

/* A transport over cfg (which must outlive the clients that use it). */
ailib_transport fake_transport(fake_config *cfg);
/* Lets held exchanges go: the first n in start order (n < 0: all). Returns how many. */
int fake_release(fake_config *cfg, int n);
/* Counts exchanges whose URL contains s. */
int fake_count(const fake_config *cfg, const char *s);
/* Frees what the config recorded (after the clients are destroyed). */
void fake_reset(fake_config *cfg);
/* An OpenAI chat completion body saying text, with usage. Static storage, overwritten by the next call. */
const char *fake_openai_body(const char *text, const char *finish);
#endif

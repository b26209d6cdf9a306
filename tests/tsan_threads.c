/* tsan_threads.c - one client per thread on 4 threads against ailib-mock, plus a thread that
   wakes a polling client from outside; built with -fsanitize=thread by `make tsan`. */
#define AILIB_IMPLEMENTATION
#include "../ailib.h"
#include "mockctl.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define THREADS 4
#define CALLS 10

static mock_server server;
/* The client thread 0 polls, woken by another thread: wakeup is safe from any thread while the
   client lives, so the pointer is handed over (and withdrawn before destroy) under a lock. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static ailib_client *shared_client;
/* A streamed call of thread 0 that the waker thread cancels: ailib_call_cancel is safe from
   any thread until the call is finished, so it is withdrawn under the lock before that. */
static ailib_call *shared_call;
static int shared_call_cancelled;

typedef struct job { int id; int ok; char why[256]; } job;

static int on_event(void *user, const ailib_event *e) {
    size_t *n = (size_t *)user;
    if (e->type == AILIB_EVENT_TEXT_DELTA) *n += e->text_len;
    return 0;
}

static void *worker(void *arg) {
    job *j = (job *)arg;
    char base[128], prompt[64], want[128];
    ailib_client_desc d;
    ailib_client *c;
    ailib_error err;
    int i;
    static const char *models[THREADS] = { "openai/gpt-4o-mini", "anthropic/claude-haiku-5-5", "cohere/command-a-03-2025", "ollama/llama3.2" };
    static const char *suffix[THREADS] = { "/v1", "/v1", "/v2", "" };
    mock_url(&server, NULL, suffix[j->id], base, sizeof base);
    memset(&d, 0, sizeof d);
    d.model = models[j->id];
    d.base_url = base;
    d.api_key = "k";
    c = ailib_client_create(&d, &err);
    if (!c) { snprintf(j->why, sizeof j->why, "create: %s", err.message); return NULL; }
    if (j->id == 0) { pthread_mutex_lock(&shared_lock); shared_client = c; pthread_mutex_unlock(&shared_lock); }
    j->ok = 1;
    for (i = 0; i < CALLS && j->ok; i++) {
        ailib_message msg;
        ailib_request req;
        ailib_response *r = NULL;
        size_t streamed = 0;
        memset(&msg, 0, sizeof msg);
        memset(&req, 0, sizeof req);
        snprintf(prompt, sizeof prompt, "thread %d call %d", j->id, i);
        snprintf(want, sizeof want, "Hello from ailib-mock. You said: %s", prompt);
        msg.text = prompt;
        req.messages = &msg;
        req.message_count = 1;
        if (ailib_chat(c, &req, &r, &err) != AILIB_OK || strcmp(ailib_response_text(r, NULL), want) != 0) {
            snprintf(j->why, sizeof j->why, "chat %d: %s", i, err.message);
            j->ok = 0;
        }
        ailib_response_destroy(r);
        r = NULL;
        if (j->ok && (ailib_chat_stream(c, &req, on_event, &streamed, &r, &err) != AILIB_OK ||
                      strcmp(ailib_response_text(r, NULL), want) != 0 || streamed != strlen(want))) {
            snprintf(j->why, sizeof j->why, "stream %d: %s", i, err.message);
            j->ok = 0;
        }
        ailib_response_destroy(r);
    }
    if (j->id == 0 && j->ok) {
        /* a slow stream that another thread cancels while this one polls */
        ailib_message msg;
        ailib_request req;
        ailib_call_desc cd;
        ailib_call *call;
        ailib_client *sc;
        char sbase[160];
        mock_url(&server, "chunk_delay_ms=50", "/v1", sbase, sizeof sbase);
        d.base_url = sbase;
        d.model = "openai/gpt-4o-mini";
        sc = ailib_client_create(&d, &err);
        memset(&msg, 0, sizeof msg);
        memset(&req, 0, sizeof req);
        memset(&cd, 0, sizeof cd);
        msg.text = "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p";
        req.messages = &msg;
        req.message_count = 1;
        cd.stream = 1;
        if (!sc || ailib_chat_start(sc, &req, &cd, &call, &err) != AILIB_OK) {
            snprintf(j->why, sizeof j->why, "cancel scenario: %s", err.message);
            j->ok = 0;
        } else {
            ailib_event ev;
            pthread_mutex_lock(&shared_lock); shared_call = call; pthread_mutex_unlock(&shared_lock);
            while (!ailib_call_done(call)) {
                ailib_client_poll(sc, 1000);
                while (ailib_call_next_event(call, &ev) == AILIB_OK) {}
            }
            pthread_mutex_lock(&shared_lock); shared_call = NULL; pthread_mutex_unlock(&shared_lock);
            if (ailib_call_finish(call, NULL, &err) != AILIB_CANCELLED || !shared_call_cancelled) {
                snprintf(j->why, sizeof j->why, "cancel scenario: the call ended with %s", ailib_result_name(err.code));
                j->ok = 0;
            }
        }
        ailib_client_destroy(sc);
    }
    if (j->id == 0) {
        /* an idle poll that the waker thread interrupts */
        ailib_client_poll(c, 3000);
        pthread_mutex_lock(&shared_lock);
        shared_client = NULL;
        pthread_mutex_unlock(&shared_lock);
    }
    ailib_client_destroy(c);
    return NULL;
}

static void *waker(void *arg) {
    int i;
    (void)arg;
    for (i = 0; i < 200; i++) {
        struct timespec ts = { 0, 20 * 1000000L };
        pthread_mutex_lock(&shared_lock);
        if (shared_client) ailib_client_wakeup(shared_client);
        if (shared_call && i % 10 == 9) { ailib_call_cancel(shared_call); shared_call_cancelled = 1; }
        pthread_mutex_unlock(&shared_lock);
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int main(void) {
    pthread_t th[THREADS], w;
    job jobs[THREADS];
    int i, ok = 1;
    if (ailib_global_init() != AILIB_OK) { puts("tsan: ailib_global_init failed"); return 1; }
    if (!mock_start(&server, NULL)) { puts("tsan: could not start build/ailib-mock"); return 1; }
    for (i = 0; i < THREADS; i++) { memset(&jobs[i], 0, sizeof jobs[i]); jobs[i].id = i; pthread_create(&th[i], NULL, worker, &jobs[i]); }
    pthread_create(&w, NULL, waker, NULL);
    for (i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        if (!jobs[i].ok) { printf("tsan: thread %d failed: %s\n", i, jobs[i].why); ok = 0; }
    }
    pthread_join(w, NULL);
    mock_stop(&server);
    ailib_global_cleanup();
    printf("tsan: %d threads x %d blocking + %d streamed calls, one client each, with cross-thread wakeups and a "
           "cross-thread cancel: %s\n",
           THREADS, CALLS, CALLS, ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}

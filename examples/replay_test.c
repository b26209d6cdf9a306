/* replay_test.c - a test of your own application that runs offline: a conversation recorded
   once (examples/replay_test.cassette) is replayed byte for byte, streams included, with no
   network, no key and no server. The application code below is a game's innkeeper who keeps
   the dialogue; the test plays two lines of the player and checks the innkeeper's answers.

   Build:  cc -std=c99 -I. examples/replay_test.c -o ex_replay_test -lcurl -lm
   Run:    ./ex_replay_test                         (replays examples/replay_test.cassette)
   Record: AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... ./ex_replay_test --record
           (or AILIB_MOCK_URL=http://127.0.0.1:PORT for ailib-mock); then update the expected
           lines below. A request the cassette does not hold fails with AILIB_NOT_FOUND and a
           message that shows where it differs from the closest recorded one. */
#define AILIB_ENABLE_INTERCEPTORS 1
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the application ------------------------------------------------------------------------ */

#define MAX_TURNS 16

typedef struct dialogue {
    ailib_message turns[MAX_TURNS];
    char text[MAX_TURNS][1024];
    size_t n;
} dialogue;

typedef struct line { char *out; size_t cap, len; } line;

/* The innkeeper's words arrive as they are spoken (a game would type them into a speech bubble). */
static int on_words(void *user, const ailib_event *ev) {
    line *l = (line *)user;
    if (ev->type == AILIB_EVENT_TEXT_DELTA && l->len + ev->text_len < l->cap) {
        memcpy(l->out + l->len, ev->text, ev->text_len);
        l->len += ev->text_len;
        l->out[l->len] = 0;
    }
    return 0;
}

/* The player says something; the innkeeper answers, knowing the whole dialogue. */
static ailib_result innkeeper_reply(ailib_client *c, dialogue *d, const char *player, ailib_error *err) {
    ailib_request req;
    line l;
    ailib_result r;
    if (d->n + 2 > MAX_TURNS) return AILIB_TOO_LARGE;
    snprintf(d->text[d->n], sizeof d->text[d->n], "%s", player);
    memset(&d->turns[d->n], 0, sizeof d->turns[d->n]);
    d->turns[d->n].role = AILIB_ROLE_USER;
    d->turns[d->n].text = d->text[d->n];
    d->n++;
    memset(&req, 0, sizeof req);
    req.system = "You are Berta, the innkeeper of the Prancing Goat. Answer in one short, friendly sentence.";
    req.messages = d->turns;
    req.message_count = d->n;
    req.max_tokens = 100;
    l.out = d->text[d->n];
    l.cap = sizeof d->text[d->n];
    l.len = 0;
    l.out[0] = 0;
    if ((r = ailib_chat_stream(c, &req, on_words, &l, NULL, err)) != AILIB_OK) return r;
    memset(&d->turns[d->n], 0, sizeof d->turns[d->n]);
    d->turns[d->n].role = AILIB_ROLE_ASSISTANT;
    d->turns[d->n].text = d->text[d->n];
    d->n++;
    return AILIB_OK;
}

/* --- the test ------------------------------------------------------------------------------- */

static const char *const player_lines[] = { "Good evening! Any rooms free tonight?", "Splendid. And what is for supper?" };
/* What the innkeeper said when the cassette was recorded (against ailib-mock). */
static const char *const expected[] = {
    "Hello from ailib-mock. You said: Good evening! Any rooms free tonight?",
    "Hello from ailib-mock. You said: Splendid. And what is for supper?" };

int main(int argc, char **argv) {
    const char *path = getenv("REPLAY_CASSETTE") ? getenv("REPLAY_CASSETTE") : "examples/replay_test.cassette";
    int record = argc > 1 && strcmp(argv[1], "--record") == 0, failures = 0;
    ailib_client_desc desc;
    ailib_cassette_desc cd;
    ailib_cassette *cas;
    ailib_cassette_stats st;
    ailib_client *client;
    ailib_error err;
    dialogue *d = (dialogue *)calloc(1, sizeof *d);
    char base[512];
    size_t i;

    memset(&desc, 0, sizeof desc);
    memset(&cd, 0, sizeof cd);
    if (record) {
        desc.model = getenv("AILIB_MODEL");
        if (!desc.model && getenv("AILIB_MOCK_URL")) {
            snprintf(base, sizeof base, "%s/v1", getenv("AILIB_MOCK_URL"));
            desc.model = "openai/gpt-4o-mini";
            desc.base_url = base;
            desc.api_key = "mock";
        } else if (!desc.model) {
            fprintf(stderr, "--record needs AILIB_MODEL (and its key) or AILIB_MOCK_URL\n");
            return 2;
        }
        cd.mode = AILIB_CASSETTE_RECORD;
    } else {
        /* The client the application would make in production: the cassette answers for it,
           whatever host it names, and the key is never looked at. */
        desc.model = "openai/gpt-4o-mini";
        desc.api_key = "not-needed-for-a-replay";
        cd.mode = AILIB_CASSETTE_REPLAY;
        cd.pace = 0;                      /* 1: the words arrive at the recorded pace, as in the game */
    }
    if (!(cas = ailib_cassette_open(path, &cd, &err)) || !(client = ailib_client_create(&desc, &err)) ||
        ailib_client_add_cassette(client, cas, &err) != AILIB_OK) {
        fprintf(stderr, "error: %s\n", err.message);
        return 1;
    }
    printf("%s %s\n", record ? "Recording to" : "Replaying", path);

    for (i = 0; i < 2; i++) {
        printf("player:    %s\n", player_lines[i]);
        if (innkeeper_reply(client, d, player_lines[i], &err) != AILIB_OK) {
            printf("FAIL: %s\n", err.message);
            failures++;
            break;
        }
        printf("innkeeper: %s\n", d->text[d->n - 1]);
        if (!record && strcmp(d->text[d->n - 1], expected[i]) != 0) {
            printf("FAIL: expected \"%s\"\n", expected[i]);
            failures++;
        }
    }
    ailib_cassette_get_stats(cas, &st);
    if (!record && (st.unplayed || st.unmatched)) {
        printf("FAIL: %lu recorded exchanges were not played, %lu requests had no recording\n", (unsigned long)st.unplayed,
               (unsigned long)st.unmatched);
        failures++;
    }
    ailib_client_destroy(client);
    if (ailib_cassette_close(cas, &err) != AILIB_OK) { printf("FAIL: %s\n", err.message); failures++; }
    if (!failures) printf("ok: %lu replies %s, the dialogue has %lu turns\n", (unsigned long)(record ? st.recorded : st.played),
                          record ? "recorded" : "replayed with no network", (unsigned long)d->n);
    free(d);
    ailib_global_cleanup();
    return failures ? 1 : 0;
}

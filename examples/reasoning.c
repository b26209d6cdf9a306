/* reasoning.c - a streamed answer from a reasoning model: the reasoning text as it arrives,
   prefixed and apart from the answer's text, then the token usage with the reasoning tokens.

   Build:  cc -std=c99 -I. examples/reasoning.c -o ex_reasoning -lcurl -lm
   Run:    AILIB_MODEL=anthropic/claude-haiku-5-5 ANTHROPIC_API_KEY=... ./ex_reasoning
           make examples      (offline, against the bundled ailib-mock) */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the stream printed last, to start a new labelled line when it switches. */
enum shown { SHOWN_NOTHING, SHOWN_REASONING, SHOWN_TEXT };

static int on_event(void *user, const ailib_event *ev) {
    enum shown *last = (enum shown *)user;
    size_t i;
    if (ev->type == AILIB_EVENT_REASONING_DELTA) {
        if (*last != SHOWN_REASONING) printf("%s[reasoning] ", *last == SHOWN_NOTHING ? "" : "\n");
        for (i = 0; i < ev->text_len; i++) {      /* every reasoning line gets the prefix */
            putchar(ev->text[i]);
            if (ev->text[i] == '\n') printf("[reasoning] ");
        }
        *last = SHOWN_REASONING;
    } else if (ev->type == AILIB_EVENT_TEXT_DELTA) {
        if (*last != SHOWN_TEXT) printf("%sanswer: ", *last == SHOWN_NOTHING ? "" : "\n");
        fwrite(ev->text, 1, ev->text_len, stdout);
        *last = SHOWN_TEXT;
    } else if (ev->type == AILIB_EVENT_FINISH) {
        printf("\n[finish: %s]\n", ailib_finish_reason_name(ev->finish_reason));
        *last = SHOWN_NOTHING;
    }
    fflush(stdout);
    return 0;                                     /* non-zero would cancel the call */
}

int main(int argc, char **argv) {
    ailib_client_desc desc;
    ailib_client *client;
    ailib_message question;
    ailib_request req;
    ailib_response *resp = NULL;
    ailib_error err;
    const ailib_usage *u;
    enum shown last = SHOWN_NOTHING;
    char url[512];
    ailib_result rc;
    (void)argc;

    memset(&desc, 0, sizeof desc);
    desc.model = getenv("AILIB_MODEL");           /* set: that provider, with the key from its variable */
    if (!desc.model) {
        if (!getenv("AILIB_MOCK_URL")) {
            fprintf(stderr, "Set AILIB_MODEL to a reasoning model and its key (AILIB_MODEL=anthropic/claude-haiku-5-5 "
                            "ANTHROPIC_API_KEY=... %s),\nor run all examples offline against ailib-mock with: make examples\n", argv[0]);
            return 2;
        }
        /* offline: the mock's reasoning scenario streams reasoning text before the answer */
        snprintf(url, sizeof url, "%s/x/scenario=reasoning/v1", getenv("AILIB_MOCK_URL"));
        desc.model = "openai/gpt-6-luna";
        desc.api_key = "mock";
        desc.base_url = url;
        printf("Running offline against ailib-mock at %s\n", url);
    }
    if (!(client = ailib_client_create(&desc, &err))) { fprintf(stderr, "error: %s\n", err.message); return 1; }

    memset(&question, 0, sizeof question);
    question.role = AILIB_ROLE_USER;
    question.text = "A bat and a ball cost 1.10 in total. The bat costs 1.00 more than the ball. What does the ball cost?";
    memset(&req, 0, sizeof req);
    req.messages = &question;
    req.message_count = 1;
    req.reasoning.effort = AILIB_EFFORT_MEDIUM;   /* mapped to each provider's knob ... */
    req.reasoning.budget_tokens = 2048;           /* ... or a token budget where it takes one */
    req.max_tokens = 4096;                        /* room for the reasoning and the answer */
    printf("user: %s\n", question.text);

    rc = ailib_chat_stream(client, &req, on_event, &last, &resp, &err);
    if (rc != AILIB_OK) fprintf(stderr, "\nerror: %s\n", err.message);
    else {
        u = ailib_response_usage(resp);
        printf("usage: %lld tokens in, %lld out, of which reasoning: ", (long long)u->input_tokens, (long long)u->output_tokens);
        if (u->reported & AILIB_USAGE_REASONING) printf("%lld\n", (long long)u->reasoning_tokens);
        else printf("not reported\n");
        printf("reasoning text: %lu bytes\n", (unsigned long)strlen(ailib_response_reasoning(resp, NULL)));
    }
    ailib_response_destroy(resp);                 /* also after a failure: *out may hold the partial answer */
    ailib_client_destroy(client);
    ailib_global_cleanup();
    return rc == AILIB_OK ? 0 : 1;
}

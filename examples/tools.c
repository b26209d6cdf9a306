/* tools.c - a complete tool loop: the model asks for get_weather(city), this program runs a
   local C function with the parsed arguments and sends the result back, until the model
   answers in text.

   Build:  cc -std=c99 -I. examples/tools.c -o ex_tools -lcurl -lm
   Run:    AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... ./ex_tools
           make examples      (offline, against the bundled ailib-mock) */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROUNDS 5
#define MAX_CALLS 8       /* tool calls answered per round */

static const char weather_schema[] =
    "{\"type\":\"object\","
    "\"properties\":{\"city\":{\"type\":\"string\",\"description\":\"City name, e.g. Paris\"}},"
    "\"required\":[\"city\"],\"additionalProperties\":false}";

/* The local function the model may call. Writes a JSON result into out. */
static void get_weather(const char *city, char *out, size_t size) {
    int temp = 12 + (int)(strlen(city) * 7 % 15);   /* made up, but the same for the same city */
    snprintf(out, size, "{\"city\":\"%s\",\"temp_c\":%d,\"sky\":\"%s\"}", city, temp, temp > 20 ? "sunny" : "cloudy");
}

/* Runs one tool call and fills the tool-result part that answers it. */
static void run_tool(const ailib_tool_call *tc, ailib_part *result, char *out, size_t size) {
    const char *city = ailib_json_str(ailib_json_get(tc->args, "city"), NULL);
    memset(result, 0, sizeof *result);
    result->type = AILIB_PART_TOOL_RESULT;
    result->id = tc->id;                    /* the result answers this call */
    result->name = tc->name;
    result->text = out;
    if (strcmp(tc->name, "get_weather") != 0) {
        snprintf(out, size, "unknown tool '%s'", tc->name);
        result->is_error = 1;
    } else if (!city || strchr(city, '"') || strchr(city, '\\')) {
        snprintf(out, size, "get_weather needs {\"city\": \"name\"}, got %s", tc->arguments);
        result->is_error = 1;
    } else {
        get_weather(city, out, size);
        result->is_json = 1;
    }
    printf("  run %s -> %s%s\n", tc->name, out, result->is_error ? " (error)" : "");
}

int main(int argc, char **argv) {
    static ailib_part results[MAX_ROUNDS][MAX_CALLS];
    static char outputs[MAX_ROUNDS][MAX_CALLS][256];
    ailib_message msgs[1 + 2 * MAX_ROUNDS];
    ailib_response *resps[MAX_ROUNDS];
    ailib_client_desc desc;
    ailib_request req;
    ailib_tool tool;
    ailib_client *client;
    ailib_error err;
    char base[512];
    const char *mock = getenv("AILIB_MOCK_URL");
    int round, rounds = 0, status = 1;
    size_t n = 0, i;
    (void)argc;

    /* A real provider when AILIB_MODEL is set (key from its variable), else the offline mock. */
    memset(&desc, 0, sizeof desc);
    desc.model = getenv("AILIB_MODEL");
    if (!desc.model && mock) {
        snprintf(base, sizeof base, "%s/x/scenario=tool/v1", mock);   /* the mock's tool-call scenario */
        desc.model = "openai/gpt-4o-mini";
        desc.base_url = base;
        desc.api_key = "mock";
        printf("Running offline against ailib-mock at %s\n", base);
    } else if (!desc.model) {
        fprintf(stderr, "Set AILIB_MODEL and the provider's key (AILIB_MODEL=openai/gpt-4o-mini OPENAI_API_KEY=... %s),\n"
                        "or run all examples offline against ailib-mock with: make examples\n", argv[0]);
        return 2;
    }
    if (!(client = ailib_client_create(&desc, &err))) { fprintf(stderr, "error: %s\n", err.message); return 1; }

    memset(&tool, 0, sizeof tool);
    tool.name = "get_weather";
    tool.description = "Current weather of a city: temperature in Celsius and sky.";
    tool.parameters = weather_schema;
    memset(msgs, 0, sizeof msgs);
    msgs[n].role = AILIB_ROLE_USER;
    msgs[n++].text = "What is the weather in Paris right now? Use the tool.";
    printf("user: %s\n", msgs[0].text);
    memset(&req, 0, sizeof req);
    req.tools = &tool;
    req.tool_count = 1;
    req.max_tokens = 1024;

    for (round = 0; round < MAX_ROUNDS; round++) {
        ailib_response *r;
        size_t calls;
        req.messages = msgs;
        req.message_count = n;
        if (ailib_chat(client, &req, &resps[round], &err) != AILIB_OK) {
            fprintf(stderr, "error: %s\n", err.message);
            break;
        }
        r = resps[round];
        rounds = round + 1;
        calls = ailib_response_tool_call_count(r);
        printf("round %d: finish=%s, %lu tool call(s)\n", round + 1,
               ailib_finish_reason_name(ailib_response_finish_reason(r)), (unsigned long)calls);
        if (calls == 0) {                                  /* a final answer */
            printf("assistant: %s\n", ailib_response_text(r, NULL));
            status = 0;
            break;
        }
        if (*ailib_response_text(r, NULL)) printf("  assistant says: %s\n", ailib_response_text(r, NULL));
        if (calls > MAX_CALLS) calls = MAX_CALLS;
        msgs[n++] = *ailib_response_message(r);            /* the assistant turn with its tool calls */
        for (i = 0; i < calls; i++) {
            const ailib_tool_call *tc = ailib_response_tool_call(r, i);
            printf("  model calls %s(%s) [id %s]\n", tc->name, tc->arguments, tc->id);
            run_tool(tc, &results[round][i], outputs[round][i], sizeof outputs[round][i]);
        }
        msgs[n].role = AILIB_ROLE_TOOL;                    /* one message with every result */
        msgs[n].parts = results[round];
        msgs[n++].part_count = calls;
    }
    if (round == MAX_ROUNDS) fprintf(stderr, "error: no final answer after %d rounds\n", MAX_ROUNDS);

    /* msgs point into the responses: free them only when the conversation is over */
    for (round = 0; round < rounds; round++) ailib_response_destroy(resps[round]);
    ailib_client_destroy(client);
    ailib_global_cleanup();
    return status;
}

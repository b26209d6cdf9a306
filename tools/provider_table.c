/* provider_table.c - prints the README's provider table from the catalog, so the README can
   never disagree with ailib_providers.h (tools/readme_check.sh compares them). */
#define AILIB_IMPLEMENTATION
#include "../ailib.h"
#include <stdio.h>

static const char *proto(ailib_protocol p) {
    switch (p) {
    case AILIB_PROTOCOL_OPENAI_CHAT: return "OpenAI chat";
    case AILIB_PROTOCOL_ANTHROPIC: return "Anthropic Messages";
    case AILIB_PROTOCOL_GEMINI: return "Gemini";
    case AILIB_PROTOCOL_OLLAMA: return "Ollama native";
    case AILIB_PROTOCOL_COHERE: return "Cohere v2";
    case AILIB_PROTOCOL_OPENAI_RESPONSES: return "OpenAI Responses";
    case AILIB_PROTOCOL_BEDROCK: return "Bedrock Converse";
    default: return "?";
    }
}

/* "`A` `B`" for the space-separated names "A B"; "none" for NULL. */
static void vars(const char *list) {
    const char *p = list;
    if (!list || !*list) { printf("none"); return; }
    while (*p) {
        size_t n = strcspn(p, " ");
        printf("%s`%.*s`", p == list ? "" : " ", (int)n, p);
        p += n;
        while (*p == ' ') p++;
    }
}

int main(void) {
    size_t i;
    printf("| provider | protocol | key variable | base URL variable | default base URL | default model |\n"
           "|---|---|---|---|---|---|\n");
    for (i = 0; i < ailib_provider_count(); i++) {
        const ailib_provider_info *p = ailib_provider_at(i);
        printf("| `%s` | %s | ", p->name, proto(p->protocol));
        vars(p->api_key_env);
        printf(" | ");
        vars(p->base_url_env);
        printf(" | `%s` | `%s` |\n", p->base_url, p->default_model ? p->default_model : "");
    }
    return 0;
}

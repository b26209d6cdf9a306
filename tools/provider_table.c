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

int main(void) {
    size_t i;
    printf("| provider | protocol | base URL | key variable | default model |\n|---|---|---|---|---|\n");
    for (i = 0; i < ailib_provider_count(); i++) {
        const ailib_provider_info *p = ailib_provider_at(i);
        printf("| `%s` | %s | `%s` | %s%s%s | `%s` |\n", p->name, proto(p->protocol), p->base_url,
               p->api_key_env ? "`" : "", p->api_key_env ? p->api_key_env : "none", p->api_key_env ? "`" : "",
               p->default_model ? p->default_model : "");
    }
    return 0;
}

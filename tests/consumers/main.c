/* A consumer of the header: compiles the implementation itself. Prints what it linked, so
   tools/consumers.sh can tell that the library answers, not just that it linked. */
#define AILIB_IMPLEMENTATION
#include "ailib.h"
#include <stdio.h>

int main(void) {
    const ailib_provider_info *p = ailib_provider_find("openai");
    printf("ailib %s, %u providers, openai key variable %s\n", ailib_version_string(),
           (unsigned)ailib_provider_count(), p ? p->api_key_env : "?");
    return p && ailib_version() == ((AILIB_VERSION_MAJOR << 16) | (AILIB_VERSION_MINOR << 8) | AILIB_VERSION_PATCH) ? 0 : 1;
}

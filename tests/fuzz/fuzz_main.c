/* fuzz_main.c - one libFuzzer target: build with -DFZ_TARGET=<name> (json, sse, ...). A
   failed property aborts, which libFuzzer reports as a crash and keeps as an artifact. */
#include "checks.h"
#include <stdio.h>
#include <stdlib.h>

#define FZ_CAT2(a, b) a##b
#define FZ_CAT(a, b) FZ_CAT2(a, b)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *why = FZ_CAT(fz_check_, FZ_TARGET)(data, size);
    if (why) {
        fprintf(stderr, "\n== property violated: %s\n", why);
        abort();
    }
    return 0;
}

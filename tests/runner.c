/* runner.c - runs every TEST() collected into build/test_registry.h. */
#include "test.h"
#include <stdarg.h>
#include <stdlib.h>

ailib_test_state ailib_test_cur;
static int ailib_test_is_quick;

#define X(name) void ailib_test_##name(void);
#include "test_registry.h"
#undef X

typedef struct { const char *name; void (*fn)(void); } test_entry;
static const test_entry tests[] = {
#define X(name) { #name, ailib_test_##name },
#include "test_registry.h"
#undef X
    { NULL, NULL }
};

void ailib_test_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    ailib_test_cur.failures++;
    printf("  FAIL %s (%s:%d): ", ailib_test_cur.name, file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

int ailib_test_str_eq(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

int ailib_test_mem_eq(const char *a, size_t alen, const char *b, size_t blen) {
    if (!a || !b) return a == b;
    return alen == blen && memcmp(a, b, alen) == 0;
}

char *ailib_test_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) { fclose(f); return NULL; }
    buf = (char *)malloc((size_t)n + 1);
    if (!buf) { fclose(f); return NULL; }
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); fclose(f); return NULL; }
    fclose(f);
    buf[n] = 0;
    if (len) *len = (size_t)n;
    return buf;
}

char *ailib_test_fixture(const char *rel_path, size_t *len) {
    char path[1024];
    const char *root = getenv("AILIB_FIXTURES");
    if (!root || !*root) root = "../shared/fixtures";
    snprintf(path, sizeof path, "%s/%s", root, rel_path);
    return ailib_test_read_file(path, len);
}

int ailib_test_quick(void) { return ailib_test_is_quick; }

static int matches(const char *name, int argc, char **argv) {
    int i, any = 0;
    for (i = 1; i < argc; i++) {
        if (argv[i][0] == '-') continue;
        any = 1;
        if (strstr(name, argv[i])) return 1;
    }
    return !any;
}

int main(int argc, char **argv) {
    volatile int passed = 0, failed = 0, skipped = 0, i;
    const char *q = getenv("AILIB_TEST_QUICK");
    ailib_test_is_quick = q && *q && *q != '0';
    for (i = 1; i < argc; i++) if (strcmp(argv[i], "--quick") == 0) ailib_test_is_quick = 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (i = 0; tests[i].name; i++) {
        if (!matches(tests[i].name, argc, argv)) continue;
        ailib_test_cur.failures = 0;
        ailib_test_cur.skipped = 0;
        ailib_test_cur.name = tests[i].name;
        if (setjmp(ailib_test_cur.jump) == 0) tests[i].fn();
        if (ailib_test_cur.skipped && !ailib_test_cur.failures) skipped++;
        else if (ailib_test_cur.failures) { failed++; printf("FAILED %s\n", tests[i].name); }
        else passed++;
    }
    printf("%d passed, %d failed, %d skipped\n", (int)passed, (int)failed, (int)skipped);
    return failed ? 1 : 0;
}

/* test_fuzz_regress.c - the fuzz targets' checks in the normal build: every input a target
   once failed on (tests/fuzz/regress/<target>/) is replayed through the same check function
   the libFuzzer binary runs (tests/fuzz/checks.c, included here), so a fixed finding stays
   fixed under make test, ASan and valgrind alike. */
#include "test.h"
#include "fuzz/checks.c"
#include <dirent.h>
#include <stdlib.h>

/* Replays every file of tests/fuzz/regress/<target>/; returns how many there were. */
static int fzr_replay(const char *target, fz_check_fn fn) {
    char dir[256], path[768];
    DIR *d;
    struct dirent *e;
    int n = 0;
    snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", target);
    if (!(d = opendir(dir))) return 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = 0;
        char *data;
        const char *why;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (!(data = ailib_test_read_file(path, &len))) { ailib_test_fail(__FILE__, __LINE__, "%s: unreadable", path); continue; }
        why = fn((const uint8_t *)data, len);
        if (why) ailib_test_fail(__FILE__, __LINE__, "%s: %s", path, why);
        free(data);
        n++;
    }
    closedir(d);
    return n;
}

TEST(fuzz_regress_json) { fzr_replay("json", fz_check_json); }
TEST(fuzz_regress_sse) { fzr_replay("sse", fz_check_sse); }
TEST(fuzz_regress_ndjson) { fzr_replay("ndjson", fz_check_ndjson); }
TEST(fuzz_regress_stream) { fzr_replay("stream", fz_check_stream); }
TEST(fuzz_regress_response) { fzr_replay("response", fz_check_response); }
TEST(fuzz_regress_error) { fzr_replay("error", fz_check_error); }
TEST(fuzz_regress_schema) { fzr_replay("schema", fz_check_schema); }
TEST(fuzz_regress_think) { fzr_replay("think", fz_check_think); }
TEST(fuzz_regress_engine) { fzr_replay("engine", fz_check_engine); }

/* The inputs are where the replays look (the runner starts in the repository root). */
TEST(fuzz_regress_inputs_found) {
    const fz_target *t;
    int targets = 0, files = 0;
    for (t = fz_targets; t->name; t++) {
        char dir[256];
        DIR *d;
        struct dirent *e;
        targets++;
        snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", t->name);
        if ((d = opendir(dir)) == NULL) continue;
        while ((e = readdir(d)) != NULL) files += e->d_name[0] != '.';
        closedir(d);
    }
    EXPECT_EQ(targets, 9);
    EXPECT_GE(files, 8);
}

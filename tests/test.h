/* test.h - ailib's own single-header test harness.

   A test is   TEST(name) { ... }   in any tests/test_*.c file; the Makefile collects the names
   into build/test_registry.h, so tests register themselves by existing.
   EXPECT_* records a failure and goes on; ASSERT_* records it and ends the test.
   TEST_SKIP("why") ends the test as skipped. The runner takes substrings of test names as
   filters and ends with the line "N passed, N failed, N skipped". */
#ifndef AILIB_TEST_H
#define AILIB_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ailib_test_state {
    jmp_buf jump;
    int failures;       /* failed checks in the current test */
    int skipped;
    const char *name;
} ailib_test_state;

extern ailib_test_state ailib_test_cur;
void ailib_test_fail(const char *file, int line, const char *fmt, ...);

#define TEST(name) void ailib_test_##name(void)

#define TEST_SKIP(why) do { printf("  skip %s: %s\n", ailib_test_cur.name, (why)); \
    ailib_test_cur.skipped = 1; longjmp(ailib_test_cur.jump, 1); } while (0)

#define AILIB_T_CHECK(cond, fatal, ...) do { if (!(cond)) { \
    ailib_test_fail(__FILE__, __LINE__, __VA_ARGS__); \
    if (fatal) longjmp(ailib_test_cur.jump, 1); } } while (0)

#define EXPECT_TRUE(c)  AILIB_T_CHECK((c), 0, "expected true: %s", #c)
#define ASSERT_TRUE(c)  AILIB_T_CHECK((c), 1, "expected true: %s", #c)
#define EXPECT_FALSE(c) AILIB_T_CHECK(!(c), 0, "expected false: %s", #c)
#define ASSERT_FALSE(c) AILIB_T_CHECK(!(c), 1, "expected false: %s", #c)

#define AILIB_T_INT(a, op, b, fatal) do { long long ailib_t_a = (long long)(a), ailib_t_b = (long long)(b); \
    AILIB_T_CHECK(ailib_t_a op ailib_t_b, fatal, "%s %s %s: %lld vs %lld", #a, #op, #b, ailib_t_a, ailib_t_b); } while (0)
#define EXPECT_EQ(a, b) AILIB_T_INT(a, ==, b, 0)
#define ASSERT_EQ(a, b) AILIB_T_INT(a, ==, b, 1)
#define EXPECT_NE(a, b) AILIB_T_INT(a, !=, b, 0)
#define ASSERT_NE(a, b) AILIB_T_INT(a, !=, b, 1)
#define EXPECT_LT(a, b) AILIB_T_INT(a, <, b, 0)
#define EXPECT_LE(a, b) AILIB_T_INT(a, <=, b, 0)
#define EXPECT_GT(a, b) AILIB_T_INT(a, >, b, 0)
#define EXPECT_GE(a, b) AILIB_T_INT(a, >=, b, 0)

#define AILIB_T_DBL(a, b, fatal) do { double ailib_t_a = (double)(a), ailib_t_b = (double)(b); \
    AILIB_T_CHECK(ailib_t_a == ailib_t_b, fatal, "%s == %s: %.17g vs %.17g", #a, #b, ailib_t_a, ailib_t_b); } while (0)
#define EXPECT_DBL_EQ(a, b) AILIB_T_DBL(a, b, 0)
#define ASSERT_DBL_EQ(a, b) AILIB_T_DBL(a, b, 1)

/* Strings: NULL compares unequal to anything but NULL. */
int ailib_test_str_eq(const char *a, const char *b);
int ailib_test_mem_eq(const char *a, size_t alen, const char *b, size_t blen);
#define AILIB_T_STR(a, b, fatal) do { const char *ailib_t_a = (a), *ailib_t_b = (b); \
    AILIB_T_CHECK(ailib_test_str_eq(ailib_t_a, ailib_t_b), fatal, "%s == %s: \"%s\" vs \"%s\"", #a, #b, \
        ailib_t_a ? ailib_t_a : "(null)", ailib_t_b ? ailib_t_b : "(null)"); } while (0)
#define EXPECT_STR_EQ(a, b) AILIB_T_STR(a, b, 0)
#define ASSERT_STR_EQ(a, b) AILIB_T_STR(a, b, 1)
/* A (pointer, length) pair against a NUL-terminated expectation. */
#define AILIB_T_MEM(p, n, b, fatal) do { const char *ailib_t_p = (p); size_t ailib_t_n = (n); const char *ailib_t_b = (b); \
    AILIB_T_CHECK(ailib_test_mem_eq(ailib_t_p, ailib_t_n, ailib_t_b, ailib_t_b ? strlen(ailib_t_b) : 0), fatal, \
        "%s == %s: \"%.*s\" vs \"%s\"", #p, #b, (int)(ailib_t_p ? ailib_t_n : 6), ailib_t_p ? ailib_t_p : "(null)", \
        ailib_t_b ? ailib_t_b : "(null)"); } while (0)
#define EXPECT_MEM_EQ(p, n, b) AILIB_T_MEM(p, n, b, 0)
#define ASSERT_MEM_EQ(p, n, b) AILIB_T_MEM(p, n, b, 1)

/* Fixtures: the recorded corpus lives outside the repository ($AILIB_FIXTURES, else
   ../shared/fixtures). Returns a malloc'd, NUL-terminated copy, or NULL when absent. */
char *ailib_test_fixture(const char *rel_path, size_t *len);
/* Reads a file relative to the repository root (tests/fixtures/... ). NULL when absent. */
char *ailib_test_read_file(const char *path, size_t *len);
/* 1 when the runner was asked to be quick (valgrind): long loops may sample. */
int ailib_test_quick(void);

#ifdef __cplusplus
}
#endif

#endif

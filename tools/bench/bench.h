/* bench.h - what the benchmark programs share: a monotonic clock, medians and an allocator
   that counts its calls. Included by one .c file each (everything is static). */
#ifndef AILIB_BENCH_H
#define AILIB_BENCH_H
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_dbl(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) { qsort(v, (size_t)n, sizeof *v, cmp_dbl); return v[n / 2]; }

/* Counting allocator: the figure that matters is calls during the measured phase. */
static size_t n_alloc;
static void *c_malloc(void *ctx, size_t n) { (void)ctx; n_alloc++; return malloc(n); }
static void *c_realloc(void *ctx, void *p, size_t o, size_t n) { (void)ctx; (void)o; n_alloc++; return realloc(p, n); }
static void c_free(void *ctx, void *p) { (void)ctx; free(p); }
#endif

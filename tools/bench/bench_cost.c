/* bench_cost - the CPU a call pays for cost and metrics: the same sequential calls through the
   same in-memory transport (no sockets: only the library's own work is measured), on a client
   of a plain build (AILIB_ENABLE_COST=0, no metrics) and on one of a build with the cost
   feature and a metrics object attached (totals kept, no callbacks, no export), both linked
   into this process (tools/bench/bench_cost_side.c twice, every function static). Runs
   alternate between the sides; medians of the per-call CPU time of each.
   Budget (DESIGN.md / issue 11): <= 0.5 us more CPU per call with metrics and cost on. */
#include <stdio.h>
#include <stdlib.h>

double bench_run_plain(int n, int stream, int mode);
double bench_run_featured(int n, int stream, int mode);

#define RUNS 15
#define CALLS 4000

static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }
static double median(double *v, int n) { qsort(v, (size_t)n, sizeof *v, cmp); return v[n / 2]; }

static double row(const char *what, int stream, int mode) {
    double p[RUNS], f[RUNS], mp, mf;
    int i;
    for (i = 0; i < RUNS; i++) {
        p[i] = bench_run_plain(CALLS, stream, 0);
        f[i] = bench_run_featured(CALLS, stream, mode);
    }
    mp = median(p, RUNS);
    mf = median(f, RUNS);
    printf("  %-54s plain %7.0f ns   cost+metrics %7.0f ns   added %+6.0f ns per call\n", what, mp, mf, mf - mp);
    return mf - mp;
}

int main(void) {
    double unary, streamed, budget;
    printf("bench_cost: CPU per call, %d calls per run, %d runs per side (alternating), medians; in-memory transport\n", CALLS, RUNS);
    unary = row("unary call (2 messages, 256-byte prompt)", 0, 0);
    streamed = row("streamed call (10 text chunks + usage)", 1, 0);
    budget = row("unary call, with a budget (estimate + reservation)", 0, 1);
    row("unary call, cost only (no metrics object)", 0, 2);
    printf("  a call with metrics and cost on costs <= 0.5 us more CPU: budget %s (unary call %+.0f ns); a streamed call adds\n"
           "  %+.0f ns with its 10 chunk timings, a budget check %+.0f ns\n", unary <= 500 ? "met" : "MISSED", unary, streamed, budget);
    return 0;
}

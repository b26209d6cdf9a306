/* bench_cost - the CPU a call pays for cost and metrics: the same sequential calls through the
   same in-memory transport (no sockets: only the library's own work is measured), on a client
   of a plain build (AILIB_ENABLE_COST=0, no metrics) and on one of a build with the cost
   feature and a metrics object attached (totals kept, no callbacks, no export), both linked
   into this process (tools/bench/bench_cost_side.c twice, every function static). Batches of
   calls alternate between the two clients, so both see the same machine; the figures are the
   medians of the batches' per-call CPU time, and of the per-pair differences.
   Budget (issue 11): <= 0.5 us more CPU per call with metrics and cost on. */
#include <stdio.h>
#include <stdlib.h>

void *bench_open_plain(int stream, int mode);
double bench_batch_plain(void *h, int n);
void bench_close_plain(void *h);
void *bench_open_featured(int stream, int mode);
double bench_batch_featured(void *h, int n);
void bench_close_featured(void *h);

#define PAIRS 201
#define BATCH 200

static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }
static double median(double *v, int n) { qsort(v, (size_t)n, sizeof *v, cmp); return v[n / 2]; }

static double row(const char *what, int stream, int mode) {
    static double p[PAIRS], f[PAIRS], d[PAIRS];
    void *hp = bench_open_plain(stream, 0), *hf = bench_open_featured(stream, mode);
    double mp, mf, md;
    int i;
    for (i = 0; i < PAIRS; i++) {
        if (i & 1) { f[i] = bench_batch_featured(hf, BATCH); p[i] = bench_batch_plain(hp, BATCH); }
        else { p[i] = bench_batch_plain(hp, BATCH); f[i] = bench_batch_featured(hf, BATCH); }
        d[i] = f[i] - p[i];
    }
    bench_close_plain(hp);
    bench_close_featured(hf);
    mp = median(p, PAIRS);
    mf = median(f, PAIRS);
    md = median(d, PAIRS);
    printf("  %-52s plain %6.0f ns   cost+metrics %6.0f ns   added %+5.0f ns per call\n", what, mp, mf, md);
    return md;
}

int main(void) {
    double unary, streamed, budget;
    printf("bench_cost: CPU per call, %d pairs of %d-call batches alternating between the two clients, medians; in-memory transport\n",
           PAIRS, BATCH);
    unary = row("unary call (2 messages, 256-byte prompt)", 0, 0);
    streamed = row("streamed call (10 text chunks + usage)", 1, 0);
    budget = row("unary call, with a budget (estimate + reservation)", 0, 1);
    row("unary call, cost only (no metrics object)", 0, 2);
    printf("  budget: a call with metrics and cost on costs <= 0.5 us more CPU: unary %s (%+.0f ns), streamed %s (%+.0f ns,\n"
           "  10 chunk timings); a budget check adds %+.0f ns (an estimate of the request and a reservation)\n",
           unary <= 500 ? "met" : "MISSED", unary, streamed <= 500 ? "met" : "MISSED", streamed, budget);
    return 0;
}

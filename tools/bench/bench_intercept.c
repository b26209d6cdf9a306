/* bench_intercept.c - what AILIB_ENABLE_INTERCEPTORS costs a call and a stream event.

   The same engine path is measured in two builds linked into this one program
   (bench_intercept_side.c compiled with the macro off and on): a unary call (600-byte OpenAI
   reply) and the events of a streamed call (4,000 OpenAI chunks), through ailib_chat and
   ailib_chat_stream against a transport that answers from memory. Runs alternate between the
   builds, timed in thread CPU time (others' processes on a shared machine do not count);
   the differences are medians of the paired runs. Budgets (DESIGN.md, issue 12): an empty chain (the macro on,
   no interceptor on the client) costs <= 50 ns per call and <= 5 ns per stream event next to
   the macro off, in the same run. For scale, a chain of one interceptor with an on_event
   hook is measured too (no budget: that is work asked for). */
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double bench_event_path_off(int mode, long n);
double bench_event_path_on(int mode, long n);
double bench_call_path_off(int mode, long n);
double bench_call_path_on(int mode, long n);
double bench_calls_off(int mode, int n);
double bench_calls_on(int mode, int n);
double bench_events_off(int mode, int n, size_t *events_per_call);
double bench_events_on(int mode, int n, size_t *events_per_call);
void bench_setup_off(const char *ub, size_t ul, const char *sb, size_t sl);
void bench_setup_on(const char *ub, size_t ul, const char *sb, size_t sl);

#define RUNS 41
#define CALLS 4000
#define STREAM_CALLS 4
#define CHUNKS 4000
#define LOOP_EVENTS 2000000L
#define LOOP_CALLS 200000L

static const char unary[] =
    "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion\",\"created\":1741570283,"
    "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
    "\"Benchmarks measure what they measure, so read the method before the number.\",\"refusal\":null,"
    "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":31,"
    "\"completion_tokens\":16,\"total_tokens\":47,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
    "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
    "\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\",\"system_fingerprint\":\"fp_06737a9306\"}";

static char *make_stream(size_t *len) {
    static const char chunk[] = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
        "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"finish_reason\":null}]}\n\n";
    static const char tail[] = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
        "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    size_t n = CHUNKS * (sizeof chunk - 1) + sizeof tail, i;
    char *b = (char *)malloc(n), *o = b;
    for (i = 0; i < CHUNKS; i++) { memcpy(o, chunk, sizeof chunk - 1); o += sizeof chunk - 1; }
    memcpy(o, tail, sizeof tail);
    *len = (size_t)(o - b) + sizeof tail - 1;
    return b;
}

/* One measurement of each kind per run: the macro off twice around the macro on (the
   difference between the two offs is the noise floor of the same build), and a chain of one
   interceptor with an on_event hook. */
typedef struct figures { double off, on, one, diff, noise; } figures;

static void summarize(double (*m)[4], int runs, figures *f) {
    double off[RUNS], on[RUNS], one[RUNS], diff[RUNS], noise[RUNS];
    int i;
    for (i = 0; i < runs; i++) {
        off[i] = (m[i][0] + m[i][2]) / 2;
        on[i] = m[i][1];
        one[i] = m[i][3];
        diff[i] = m[i][1] - off[i];
        noise[i] = m[i][2] - m[i][0];
        if (noise[i] < 0) noise[i] = -noise[i];
    }
    f->off = median(off, runs); f->on = median(on, runs); f->one = median(one, runs);
    f->diff = median(diff, runs); f->noise = median(noise, runs);
}

int main(void) {
    static double mc[RUNS][4], me[RUNS][4], pc[RUNS][4], pe[RUNS][4];
    figures fc, fe, gc, ge;
    size_t slen, epc = 0;
    char *stream = make_stream(&slen);
    int i;
    bench_setup_off(unary, sizeof unary - 1, stream, slen);
    bench_setup_on(unary, sizeof unary - 1, stream, slen);
    for (i = 0; i < RUNS; i++) {
        mc[i][0] = bench_calls_off(0, CALLS);
        mc[i][1] = bench_calls_on(0, CALLS);
        mc[i][2] = bench_calls_off(0, CALLS);
        mc[i][3] = bench_calls_on(1, CALLS);
        me[i][0] = bench_events_off(0, STREAM_CALLS, &epc);
        me[i][1] = bench_events_on(0, STREAM_CALLS, &epc);
        me[i][2] = bench_events_off(0, STREAM_CALLS, &epc);
        me[i][3] = bench_events_on(1, STREAM_CALLS, &epc);
        pe[i][0] = bench_event_path_off(0, LOOP_EVENTS);
        pe[i][1] = bench_event_path_on(0, LOOP_EVENTS);
        pe[i][2] = bench_event_path_off(0, LOOP_EVENTS);
        pe[i][3] = bench_event_path_on(1, LOOP_EVENTS);
        pc[i][0] = bench_call_path_off(0, LOOP_CALLS);
        pc[i][1] = bench_call_path_on(0, LOOP_CALLS);
        pc[i][2] = bench_call_path_off(0, LOOP_CALLS);
        pc[i][3] = bench_call_path_on(1, LOOP_CALLS);
    }
    summarize(mc, RUNS, &fc);
    summarize(me, RUNS, &fe);
    summarize(pc, RUNS, &gc);
    summarize(pe, RUNS, &ge);
    printf("== bench_intercept: AILIB_ENABLE_INTERCEPTORS=0 vs =1 linked in one program, thread CPU time, medians of %d runs\n", RUNS);
    printf("   the feature path (tight loops; the budgets):\n");
    printf("     per call (6 hook points; a chain adds the request copy): off %7.2f ns  on, empty chain %7.2f ns  difference %+6.2f ns"
           " (budget <= 50; off vs off %.2f)\n",
           gc.off, gc.on, gc.diff, gc.noise);
    printf("       a chain of one interceptor (on_event only): %7.2f ns (%+.2f)\n", gc.one, gc.one - gc.off);
    printf("     per stream event, its delivery: off %7.2f ns  on, empty chain %7.2f ns  difference %+6.2f ns (budget <= 5; off vs off %.2f)\n",
           ge.off, ge.on, ge.diff, ge.noise);
    printf("       a chain of one interceptor (on_event):      %7.2f ns (%+.2f)\n", ge.one, ge.one - ge.off);
    printf("   the whole path (in-memory transport; a cross-check, its noise is larger than the budgets):\n");
    printf("     unary call:   off %8.1f ns  on, empty chain %8.1f ns  difference %+7.1f ns (off vs off %.1f)  one interceptor %+.1f ns\n",
           fc.off, fc.on, fc.diff, fc.noise, fc.one - fc.off);
    printf("     stream event: off %8.2f ns  on, empty chain %8.2f ns  difference %+7.2f ns (off vs off %.2f)  one interceptor %+.2f ns"
           " (%lu events a call)\n", fe.off, fe.on, fe.diff, fe.noise, fe.one - fe.off, (unsigned long)epc);
    printf("   budgets (empty chain, feature path): per call %s, per event %s\n", gc.diff <= 50 ? "met" : "NOT MET", ge.diff <= 5 ? "met" : "NOT MET");
    free(stream);
    return 0;
}

/* The AILIB_ENABLE_COST and metrics declarations used from a second translation unit (the
   implementation is elsewhere), in C and as C++ (tools/matrix.sh compiles it both ways).
   Exits non-zero on a wrong answer. */
#include "ailib.h"
#include <string.h>

int main(void) {
    ailib_usage u;
    ailib_metrics *m = ailib_metrics_create(NULL, NULL);
    char *text;
    int ok = m != NULL;
#if AILIB_ENABLE_COST
    ailib_cost c;
    ailib_ledger *l = ailib_ledger_create(NULL, NULL);
    ailib_budget b;
    memset(&u, 0, sizeof u);
    u.input_tokens = 1000000;
    u.output_tokens = 1000000;
    u.reported = AILIB_USAGE_INPUT | AILIB_USAGE_OUTPUT;
    /* gpt-4o-mini: 0.15 + 0.60 USD per million */
    ok = ok && ailib_cost_of("openai", "gpt-4o-mini", &u, AILIB_PRICE_STANDARD, &c) == AILIB_OK && c.total > 0.749 && c.total < 0.751;
    memset(&b, 0, sizeof b);
    b.limit_usd = 1;
    ok = ok && l && ailib_ledger_add_budget(l, &b, NULL) == AILIB_OK && ailib_ledger_budget_count(l) == 1;
    ailib_ledger_destroy(l);
#else
    memset(&u, 0, sizeof u);
#endif
    {
        ailib_metric p;
        memset(&p, 0, sizeof p);
        p.name = "matrix.points";
        p.unit = "{point}";
        p.kind = AILIB_METRIC_COUNTER;
        p.value = 2;
        ailib_metrics_record(m, &p);
    }
    text = ailib_metrics_prometheus(m, NULL);
    ok = ok && text && strstr(text, "matrix_points_total 2\n") != NULL;
    ailib_free(text);
    ailib_metrics_destroy(m);
    return ok ? 0 : 1;
}

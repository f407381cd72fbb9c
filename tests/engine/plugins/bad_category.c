/* Reports a category outside the fixed list, then fails: both are check
 * errors, contained. */
#include "ecs_doctor/plugin.h"

static int run_bad(const edoc_host *h, edoc_ctx *ctx)
{
    h->finding(ctx, "made_up_category", "high", 0.9, "not a real category");
    return 0;
}

static int run_fail(const edoc_host *h, edoc_ctx *ctx)
{
    (void)h;
    (void)ctx;
    return 3;
}

static const edoc_check checks[] = {
    {"test.plugin_bad_category", "unknown_failure", "low", "x", "ecs.tasks", run_bad},
    {"test.plugin_fails", "unknown_failure", "low", "x", "ecs.tasks", run_fail},
};
EDOC_PLUGIN_DEFINE("bad", "1.0", checks);

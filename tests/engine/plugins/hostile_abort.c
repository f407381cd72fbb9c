/* abort()s in run(). */
#include <stdlib.h>

#include "ecs_doctor/plugin.h"

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    (void)h;
    (void)ctx;
    abort();
}

static const edoc_check checks[] = {{"hostile.abort", "unknown_failure", "low", "aborts", "", run}};
EDOC_PLUGIN_DEFINE("hostile-abort", "1", checks);

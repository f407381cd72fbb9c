/* exit(0)s half-way through run(), after starting a finding. */
#include <stdlib.h>

#include "ecs_doctor/plugin.h"

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    h->finding(ctx, "unknown_failure", "critical", 0.9, "never delivered");
    exit(0);
}

static const edoc_check checks[] = {{"hostile.exit", "unknown_failure", "low", "exits early", "", run}};
EDOC_PLUGIN_DEFINE("hostile-exit", "1", checks);

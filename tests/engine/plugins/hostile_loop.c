/* Loops forever in run(), ignoring everything but SIGKILL. */
#include <signal.h>

#include "ecs_doctor/plugin.h"

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    volatile unsigned long n = 0;
    (void)h;
    (void)ctx;
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    for (;;)
        n++;
    return 0;
}

static const edoc_check checks[] = {{"hostile.loop", "unknown_failure", "low", "never returns", "", run}};
EDOC_PLUGIN_DEFINE("hostile-loop", "1", checks);

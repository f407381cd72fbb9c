/* Reuses good.so's check id (loaded later, alphabetically): refused as a
 * duplicate, while its other check still loads. */
#include "ecs_doctor/plugin.h"

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    (void)h;
    (void)ctx;
    return 0;
}

static const edoc_check checks[] = {
    {"test.plugin_good", "unknown_failure", "low", "duplicate id of good.so", "", run},
    {"test.plugin_unique", "unknown_failure", "low", "loads fine", "", run},
};
EDOC_PLUGIN_DEFINE("dup", "1.0", checks);

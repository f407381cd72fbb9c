/* Declares a category outside the fixed list: the whole plugin is refused. */
#include "ecs_doctor/plugin.h"

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    (void)h;
    (void)ctx;
    return 0;
}

static const edoc_check checks[] = {
    {"test.bad_descriptor", "nope", "high", "x", "", run},
};
EDOC_PLUGIN_DEFINE("bad-descriptor", "1.0", checks);

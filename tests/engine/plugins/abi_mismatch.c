/* Claims a future ABI version: the host must refuse it. */
#include "ecs_doctor/plugin.h"

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    (void)h;
    (void)ctx;
    return 0;
}

static const edoc_check checks[] = {{"test.abi", "unknown_failure", "low", "x", "", run}};
EDOC_EXPORT const edoc_plugin edoc_plugin_v1 = {99u, (uint32_t)sizeof(edoc_plugin), "abi", "1", checks, 1,
                                               (uint32_t)sizeof(edoc_check)};

/* A constructor that leaves a mark, in a plugin built for another ABI: the
 * host must refuse it from the file, before dlopen runs the constructor. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "ecs_doctor/plugin.h"

__attribute__((constructor)) static void mark(void)
{
    const char *m = getenv("EDOC_CTOR_MARKER");
    if (m)
        close(open(m, O_WRONLY | O_CREAT, 0600));
}

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    (void)h;
    (void)ctx;
    return 0;
}

static const edoc_check checks[] = {{"hostile.ctor_abi", "unknown_failure", "low", "x", "", run}};
EDOC_EXPORT const edoc_plugin edoc_plugin_v1 = {99u, (uint32_t)sizeof(edoc_plugin), "ctor", "1", checks, 1,
                                               (uint32_t)sizeof(edoc_check)};

/* Dereferences NULL in run(): the run must go on, this check an error naming
 * the signal (issue 17 item 5). */
#include <stdint.h>

#include "ecs_doctor/plugin.h"

/* An unmapped address that is not NULL: a real fault, not something the
 * sanitizers of a test build catch first as undefined behaviour (read
 * through a volatile so the compiler cannot see it either). */
static volatile uintptr_t bad_address = 64;

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    volatile int *p = (volatile int *)bad_address;
    h->finding(ctx, "unknown_failure", "low", 0.5, "segv reported before crashing");
    return *p;
}

static const edoc_check checks[] = {{"hostile.segv", "unknown_failure", "low", "segfaults", "", run}};
EDOC_PLUGIN_DEFINE("hostile-segv", "1", checks);

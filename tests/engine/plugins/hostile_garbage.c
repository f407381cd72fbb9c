/* Writes garbage to every descriptor it may have inherited (the result pipe
 * among them) and to stdout, then leaves without returning. */
#include <string.h>
#include <unistd.h>

#include "ecs_doctor/plugin.h"

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    static const char junk[] = "{\"findings\":[{\"title\":\x01\xff not json at all";
    int fd;
    (void)h;
    (void)ctx;
    for (fd = 1; fd < 64; fd++)
        if (fd != 2)
            (void)!write(fd, junk, sizeof junk - 1);
    _exit(0);
}

static const edoc_check checks[] = {{"hostile.garbage", "unknown_failure", "low", "writes garbage", "", run}};
EDOC_PLUGIN_DEFINE("hostile-garbage", "1", checks);

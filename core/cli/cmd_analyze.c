/* cmd_analyze — `ecs-doctor analyze FILE`. Placeholder until the engine lands. */
#include <stdio.h>
#include "cli/cli.h"

int cmd_analyze(struct cli_opts *o)
{
    (void)o;
    fprintf(stderr, "ecs-doctor: analyze: not built yet\n");
    return EXIT_USAGE;
}

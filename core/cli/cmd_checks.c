/* cmd_checks — `ecs-doctor checks list|test|new`. Placeholder until the engine lands. */
#include <stdio.h>
#include "cli/cli.h"

int cmd_checks(struct cli_opts *o)
{
    (void)o;
    fprintf(stderr, "ecs-doctor: checks: not built yet\n");
    return EXIT_USAGE;
}

/* cmd_target — `service`, `task`, `cluster` and `collect`: resolve the
 * target, collect evidence, then analyze. Placeholder until collectors land. */
#include <stdio.h>
#include "cli/cli.h"

static int not_yet(struct cli_opts *o)
{
    fprintf(stderr, "ecs-doctor: %s: not built yet\n", o->command);
    return EXIT_USAGE;
}

int cmd_service(struct cli_opts *o) { return not_yet(o); }
int cmd_task(struct cli_opts *o) { return not_yet(o); }
int cmd_cluster(struct cli_opts *o) { return not_yet(o); }
int cmd_collect(struct cli_opts *o) { return not_yet(o); }

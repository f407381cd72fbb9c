/* cmd_analyze — `ecs-doctor analyze FILE`. Placeholder until the engine lands. */
#include <stdio.h>
#include "cli/cli.h"

int cli_analyze_evidence(struct cJSON *evidence, struct cli_opts *o)
{
    (void)evidence;
    (void)o;
    fprintf(stderr, "ecs-doctor: analysis engine not built yet\n");
    return EXIT_USAGE;
}

int cmd_analyze(struct cli_opts *o)
{
    (void)o;
    fprintf(stderr, "ecs-doctor: analyze: not built yet\n");
    return EXIT_USAGE;
}

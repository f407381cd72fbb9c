/* main — ecs-doctor's entry point: parse the command and global options,
 * dispatch to cmd_<name>(), map the result to an exit code. The only file
 * that calls exit(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_config.h"
#include "cli/cli.h"

static const char usage[] =
    "usage: ecs-doctor <command> [options]\n"
    "\n"
    "Diagnose an unhealthy Amazon ECS service: gather the evidence read-only from the\n"
    "AWS APIs, match it against known failure patterns, and print a ranked diagnosis.\n"
    "\n"
    "commands:\n"
    "  service NAME|ARN     diagnose one service (--cluster C, default 'default')\n"
    "  task ID|ARN          diagnose one task\n"
    "  cluster NAME|ARN     diagnose every service in a cluster\n"
    "  collect service|task|cluster NAME -o FILE\n"
    "                       save the evidence to a bundle (redacted) for offline analysis\n"
    "  analyze FILE         diagnose a saved evidence bundle, offline\n"
    "  review service|cluster|task NAME | review FILE\n"
    "                       only the ECS best-practice recommendations (docs/best-practices.md)\n"
    "  checks list|test DIR|new NAME\n"
    "                       list the checks, test checks against fixtures, scaffold a check\n"
    "  version              print the version\n"
    "\n"
    "global options:\n"
    "  --profile P  --region R  --cluster C  --endpoint-url URL\n"
    "  --output text|json|markdown|junit   --no-color   --debug   --verbose\n"
    "  --since DURATION (3h)  --max-tasks N (100)  --deadline DURATION\n"
    "  --plugin-dir DIR  --check-dir DIR  --only ID  --skip ID\n"
    "  --fail-on SEVERITY (high)  --mute-file FILE  --no-recommendations\n"
    "\n"
    "exit codes: 0 healthy, 1 findings at or above --fail-on, 2 usage or input error,\n"
    "3 AWS or credential error, 4 inconclusive, 5 --wait timed out.\n"
    "\n"
    "example: ecs-doctor service web-service --cluster prod\n";

struct command {
    const char *name;
    int (*fn)(struct cli_opts *o);
};

static const struct command commands[] = {
    {"service", cmd_service}, {"task", cmd_task},       {"cluster", cmd_cluster},
    {"collect", cmd_collect}, {"analyze", cmd_analyze}, {"checks", cmd_checks},
    {"review", cmd_review},
};

int main(int argc, char **argv)
{
    struct cli_opts o;
    size_t i;
    int rc;
    if (argc < 2) {
        fputs(usage, stderr);
        exit(EXIT_USAGE);
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage, stdout);
        exit(EXIT_HEALTHY);
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("ecs-doctor %s\n", EDOC_VERSION);
        exit(EXIT_HEALTHY);
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name))
            continue;
        memset(&o, 0, sizeof o);
        o.command = commands[i].name;
        rc = cli_parse(argc - 1, argv + 1, &o);
        if (rc == 0)
            rc = commands[i].fn(&o);
        fflush(stdout);
        exit(rc);
    }
    if (argv[1][0] == '-')
        fprintf(stderr, "ecs-doctor: unknown option '%s'\n", argv[1]);
    else
        fprintf(stderr, "ecs-doctor: unknown command '%s'\n", argv[1]);
    fputs(usage, stderr);
    exit(EXIT_USAGE);
}

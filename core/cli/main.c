/* main — ecs-doctor's entry point: parse the command and global options,
 * dispatch to cmd_<name>(), map the result to an exit code. The only file
 * that calls exit(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_config.h"
#include "edoc_revision.h"
#include "cli/cli.h"
#include "util/textsafe.h"
#include "util/strutil.h"

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
    "  --fail-on SEVERITY (high)  --mute-file FILE  --no-recommendations  --no-plugins\n"
    "  --no-redact (collect)  --wait --timeout DURATION (service)\n"
    "\n"
    "--region, --profile, --output, --endpoint-url, --debug, --no-color and --verbose\n"
    "may also come before the command (ecs-doctor --region eu-west-1 service web).\n"
    "\n"
    "ecs-doctor <command> --help shows a command's options and an example.\n"
    "\n"
    "exit codes: 0 healthy, 1 findings at or above --fail-on, 2 usage or input error,\n"
    "3 AWS or credential error, 4 inconclusive, 5 --wait timed out.\n"
    "\n"
    "example: ecs-doctor service web-service --cluster prod\n";

/* Per-command help (`ecs-doctor <command> --help`): the flags that command
 * reads and an example. Keep in step with opts.c, docs/man/ecs-doctor.1 and
 * scripts/completions/ (tests/render/completion_test.sh compares them). */
#define H_AWS                                                                                   \
    "  --profile P           AWS profile (else AWS_PROFILE, else default)\n"                     \
    "  --region R            AWS region (else AWS_REGION, AWS_DEFAULT_REGION, the profile)\n"    \
    "  --endpoint-url URL    send every AWS call to URL (testing, VPC endpoints)\n"
#define H_CLUSTER "  --cluster C           the cluster (default 'default')\n"
#define H_COLLECT                                                                               \
    "  --since DURATION      how far back to look at stopped tasks and events (3h)\n"            \
    "  --max-tasks N         at most N stopped tasks, newest first (100)\n"                      \
    "  --deadline DURATION   stop collecting after DURATION and diagnose what arrived\n"
#define H_ANALYZE                                                                               \
    "  --output FORMAT       text (default), json, markdown or junit\n"                          \
    "  --fail-on SEVERITY    exit 1 at or above: critical, high (default), medium, low, info, none\n" \
    "  --mute-file FILE      mutes to apply (default ./.ecs-doctor-mutes.json when present)\n"   \
    "  --no-recommendations  show diagnoses only\n"                                              \
    "  --no-color            no colour even on a terminal (NO_COLOR works too)\n"                \
    "  --plugin-dir DIR      also load C checks from DIR (repeatable)\n"                         \
    "  --no-plugins          load no C check plugin (Lua checks only)\n"                         \
    "  --check-dir DIR       also load Lua checks from DIR (repeatable)\n"                       \
    "  --only ID  --skip ID  run only / skip these checks (repeatable)\n"                        \
    "  --verbose  --debug    more detail / log every AWS request to stderr\n"

static const char help_service[] =
    "usage: ecs-doctor service NAME|ARN [--cluster C] [options]\n"
    "\n"
    "Diagnose one ECS service: collect the evidence read-only, run the checks, print\n"
    "the ranked diagnosis. With --wait, first follow the newest deployment until it\n"
    "completes or fails, then diagnose.\n"
    "\n"
    "options:\n" H_CLUSTER H_COLLECT H_AWS H_ANALYZE
    "  --wait                follow the newest deployment first (progress on stderr)\n"
    "  --timeout DURATION    give up waiting after DURATION (15m); exit 5\n"
    "\n"
    "example: ecs-doctor service web-service --cluster prod --output markdown\n";
static const char help_task[] =
    "usage: ecs-doctor task ID|ARN [--cluster C] [options]\n"
    "\n"
    "Diagnose one task (running or recently stopped) and the service it belongs to.\n"
    "ID is the whole task id (32 hex digits) or the task's ARN.\n"
    "\n"
    "options:\n" H_CLUSTER H_COLLECT H_AWS H_ANALYZE
    "\n"
    "example: ecs-doctor task 0a1b2c3d4e5f60718293a4b5c6d7e8f9 --cluster prod\n";
static const char help_cluster[] =
    "usage: ecs-doctor cluster NAME|ARN [options]\n"
    "\n"
    "Diagnose every service in a cluster; findings name their service.\n"
    "\n"
    "options:\n" H_COLLECT H_AWS H_ANALYZE
    "\n"
    "example: ecs-doctor cluster prod --fail-on medium --output junit > ecs-doctor.xml\n";
static const char help_collect[] =
    "usage: ecs-doctor collect service|task|cluster NAME -o FILE [options]\n"
    "\n"
    "Save the evidence to a JSON bundle for offline analysis (`ecs-doctor analyze`);\n"
    "prints where it went and its size on stderr. The bundle is always JSON.\n"
    "Environment values and secret-looking strings are redacted unless --no-redact.\n"
    "\n"
    "options:\n"
    "  -o FILE               where to write the bundle (required; - = standard output)\n"
    "  --no-redact           keep environment values and secret-looking strings\n"
    "  --cluster C           the cluster of a service or task (default 'default')\n" H_COLLECT H_AWS
    "  --debug               log every AWS request to stderr\n"
    "\n"
    "example: ecs-doctor collect service web-service --cluster prod -o web.json\n";
static const char help_analyze[] =
    "usage: ecs-doctor analyze FILE [options]\n"
    "\n"
    "Diagnose a saved evidence bundle offline: no AWS calls. FILE - reads standard input.\n"
    "\n"
    "options:\n" H_ANALYZE
    "\n"
    "example: ecs-doctor analyze web.json --output json | jq '.findings[0]'\n";
static const char help_review[] =
    "usage: ecs-doctor review service|task|cluster NAME [options]\n"
    "       ecs-doctor review FILE [options]\n"
    "\n"
    "The ECS best-practice review alone: security, reliability, performance and\n"
    "cost recommendations for a live target or a saved evidence bundle. Exits 0,\n"
    "or 1 when --fail-on SEVERITY is given and an unmuted recommendation is at or\n"
    "above it (a CI gate: --fail-on medium).\n"
    "\n"
    "options:\n"
    "  --cluster C  --profile P  --region R  --endpoint-url URL\n"
    "  --output text|json|markdown|junit  --no-color  --fail-on SEVERITY\n"
    "  --mute-file FILE      mutes by rule id (see ecs-doctor(1))\n"
    "\n"
    "example: ecs-doctor review service web-service --cluster prod\n";

static const char help_checks[] =
    "usage: ecs-doctor checks list | checks test DIR | checks new NAME [options]\n"
    "\n"
    "list: every check with the severities it reports, its category, the evidence it\n"
    "needs and its source (--output json: also the evidence it uses).\n"
    "test DIR: run the checks against the fixtures in DIR (exit 1 on a failure).\n"
    "new NAME: write a Lua check skeleton and a fixture to start from.\n"
    "\n"
    "options:\n"
    "  --plugin-dir DIR      also load C checks from DIR (repeatable)\n"
    "  --no-plugins          load no C check plugin (Lua checks only)\n"
    "  --check-dir DIR       also load Lua checks from DIR (repeatable)\n"
    "  --only ID  --skip ID  these checks only / not these (repeatable)\n"
    "  --output json         list: as JSON\n"
    "  --verbose  --debug    more detail\n"
    "\n"
    "example: ecs-doctor checks test checks/network\n";

struct command {
    const char *name;
    int (*fn)(struct cli_opts *o);
    const char *help;
};

static const struct command commands[] = {
    {"service", cmd_service, help_service}, {"task", cmd_task, help_task},
    {"cluster", cmd_cluster, help_cluster}, {"collect", cmd_collect, help_collect},
    {"analyze", cmd_analyze, help_analyze}, {"checks", cmd_checks, help_checks},
    {"review", cmd_review, help_review},
};

/* `--help`/`-h` anywhere before a `--` asks for the command's help. */
static int wants_help(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

/* The command a mistyped name was likely meant to be, else NULL. */
static const struct command *nearest_command(const char *name)
{
    const char *names[sizeof commands / sizeof commands[0] + 1];
    const char *near;
    size_t i;
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        names[i] = commands[i].name;
    names[i] = "version";
    near = str_nearest(name, names, i + 1, STR_TYPO(name));
    for (i = 0; near && i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(near, commands[i].name))
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    struct cli_opts o;
    size_t i;
    int rc, at = 1, k, n;
    char shown[128];
    const struct command *near;
    if (argc < 2) {
        fputs(usage, stderr);
        exit(EXIT_USAGE);
    }
    /* Global options may come before the command, as with the AWS CLI
     * ("ecs-doctor --region eu-west-1 service web"): skip them to find it,
     * then move the command in front so getopt sees them after it. */
    while (at < argc && (n = cli_global_option(argc - at, argv + at)) > 0)
        at += n;
    if (at > 1 && at < argc) {
        char *cmd = argv[at];
        for (k = at; k > 1; k--)
            argv[k] = argv[k - 1];
        argv[1] = cmd;
    } else if (at >= argc) {
        fprintf(stderr, "ecs-doctor: no command after the options\n");
        fputs(usage, stderr);
        exit(EXIT_USAGE);
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        for (i = 0; argc > 2 && i < sizeof commands / sizeof commands[0]; i++) {
            if (!strcmp(argv[2], commands[i].name)) {
                fputs(commands[i].help, stdout);
                exit(EXIT_HEALTHY);
            }
        }
        fputs(usage, stdout);
        exit(EXIT_HEALTHY);
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        /* The revision only when built from git (or given one): a tarball
         * build prints the bare version rather than an empty "(git )". */
        if (EDOC_REVISION[0])
            printf("ecs-doctor %s (git %s)\n", EDOC_VERSION, EDOC_REVISION);
        else
            printf("ecs-doctor %s\n", EDOC_VERSION);
        exit(EXIT_HEALTHY);
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name))
            continue;
        if (wants_help(argc - 1, argv + 1)) {
            fputs(commands[i].help, stdout);
            exit(EXIT_HEALTHY);
        }
        memset(&o, 0, sizeof o);
        o.command = commands[i].name;
        rc = cli_parse(argc - 1, argv + 1, &o);
        if (rc == 0)
            rc = commands[i].fn(&o);
        else if (o.show_help) {
            fputc('\n', stderr);
            fputs(commands[i].help, stderr);
        }
        fflush(stdout);
        exit(rc);
    }
    str_printable(argv[1], shown, sizeof shown);
    if (argv[1][0] == '-') {
        const char *opt = cli_nearest_option(shown);
        size_t len = strcspn(shown, "=");
        if (opt && strlen(opt) == len && !strncmp(opt, shown, len))
            textsafe_line(stderr, "ecs-doctor: %s goes after the command (ecs-doctor <command> ... %s)\n", opt, opt);
        else if (opt)
            textsafe_line(stderr, "ecs-doctor: unknown option '%s' before the command (did you mean %s?)\n", shown, opt);
        else
            textsafe_line(stderr, "ecs-doctor: unknown option '%s' before the command (only --region, --profile, "
                            "--output, --endpoint-url, --debug, --no-color and --verbose go there)\n", shown);
        fputs(usage, stderr);
        exit(EXIT_USAGE);
    }
    near = nearest_command(argv[1]);
    if (near) {
        textsafe_line(stderr, "ecs-doctor: unknown command '%s' (did you mean '%s'?)\n\n", shown, near->name);
        fputs(near->help, stderr);
    } else {
        textsafe_line(stderr, "ecs-doctor: unknown command '%s'\n", shown);
        fputs(usage, stderr);
    }
    exit(EXIT_USAGE);
}

/* opts — global option parsing shared by every command. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"
#include "util/textsafe.h"

enum {
    O_PROFILE = 256, O_REGION, O_CLUSTER, O_ENDPOINT, O_OUTPUT, O_DEBUG, O_NOCOLOR,
    O_SINCE, O_MAXTASKS, O_DEADLINE, O_PLUGINDIR, O_CHECKDIR, O_ONLY, O_SKIP,
    O_FAILON, O_MUTEFILE, O_VERBOSE, O_NOREDACT, O_WAIT, O_TIMEOUT, O_NOREC, O_NOPLUGINS
};

static const struct option longopts[] = {
    {"profile", required_argument, NULL, O_PROFILE},
    {"region", required_argument, NULL, O_REGION},
    {"cluster", required_argument, NULL, O_CLUSTER},
    {"endpoint-url", required_argument, NULL, O_ENDPOINT},
    {"output", required_argument, NULL, O_OUTPUT},
    {"debug", no_argument, NULL, O_DEBUG},
    {"no-color", no_argument, NULL, O_NOCOLOR},
    {"since", required_argument, NULL, O_SINCE},
    {"max-tasks", required_argument, NULL, O_MAXTASKS},
    {"deadline", required_argument, NULL, O_DEADLINE},
    {"plugin-dir", required_argument, NULL, O_PLUGINDIR},
    {"check-dir", required_argument, NULL, O_CHECKDIR},
    {"only", required_argument, NULL, O_ONLY},
    {"skip", required_argument, NULL, O_SKIP},
    {"fail-on", required_argument, NULL, O_FAILON},
    {"mute-file", required_argument, NULL, O_MUTEFILE},
    {"verbose", no_argument, NULL, O_VERBOSE},
    {"no-redact", no_argument, NULL, O_NOREDACT},
    {"wait", no_argument, NULL, O_WAIT},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"no-recommendations", no_argument, NULL, O_NOREC},
    {"no-plugins", no_argument, NULL, O_NOPLUGINS},
    {NULL, 0, NULL, 0},
};

static int push(const char **list, size_t *n, const char *v, const char *flag)
{
    if (*n >= CLI_MAX_LIST) {
        textsafe_line(stderr, "ecs-doctor: %s given more than %d times\n", flag, CLI_MAX_LIST);
        return EXIT_USAGE;
    }
    list[(*n)++] = v;
    return 0;
}

/* zero_ok: what 0 means for this flag (--deadline 0 = no deadline), or NULL
 * when 0 is refused (--since 0 would look at nothing). */
static int duration(const char *v, const char *flag, const char *zero_ok, long *out)
{
    long s = str_duration(v);
    if (s == -2) {
        fprintf(stderr, "ecs-doctor: %s: '%s' has no unit: say %ss, %sm, %sh, %sd or %sw (e.g. 90s, 15m, 1.5h, 2d, 1w)\n",
                flag, v, v, v, v, v, v);
        return EXIT_USAGE;
    }
    if (s < 0) {
        char shown[64];
        textsafe_line(stderr, "ecs-doctor: %s: invalid duration '%s' (a number and a unit: 90s, 15m, 1.5h, 2d, 1w)\n",
                flag, str_printable(v, shown, sizeof shown));
        return EXIT_USAGE;
    }
    if (s == 0 && !zero_ok) {
        textsafe_line(stderr, "ecs-doctor: %s: must be longer than 0 (e.g. 30m)\n", flag);
        return EXIT_USAGE;
    }
    *out = s;
    return 0;
}

static int number(const char *v, const char *flag, long *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n <= 0 || n > 1000000) {
        textsafe_line(stderr, "ecs-doctor: %s: expected a positive number, got '%s'\n", flag, v);
        return EXIT_USAGE;
    }
    *out = n;
    return 0;
}

/* The options accepted before the command, as the AWS CLI's global ones. */
static const struct { const char *name; int value; } globals[] = {
    {"--region", 1}, {"--profile", 1}, {"--output", 1}, {"--endpoint-url", 1},
    {"--debug", 0}, {"--no-color", 0}, {"--verbose", 0},
};

int cli_global_option(int argc, char **argv)
{
    size_t i, n;
    if (argc < 1 || strncmp(argv[0], "--", 2))
        return 0;
    for (i = 0; i < sizeof globals / sizeof globals[0]; i++) {
        n = strlen(globals[i].name);
        if (strncmp(argv[0], globals[i].name, n))
            continue;
        if (!argv[0][n])
            return globals[i].value && argc > 1 ? 2 : 1;
        if (argv[0][n] == '=' && globals[i].value)
            return 1;
    }
    return 0;
}

const char *cli_nearest_option(const char *arg)
{
    static char out[64];
    const char *names[sizeof longopts / sizeof longopts[0]], *near, *eq;
    char name[64];
    size_t i, n = 0;
    if (!arg || strncmp(arg, "--", 2))
        return NULL;
    /* "--regoin=eu-west-1" is compared as "regoin". */
    eq = strchr(arg, '=');
    snprintf(name, sizeof name, "%.*s", (int)(eq ? (size_t)(eq - arg - 2) : strlen(arg + 2)), arg + 2);
    for (i = 0; longopts[i].name; i++)
        names[n++] = longopts[i].name;
    near = str_nearest(name, names, n, STR_TYPO(name));
    if (!near)
        return NULL;
    snprintf(out, sizeof out, "--%s", near);
    return out;
}

int cli_parse(int argc, char **argv, struct cli_opts *o)
{
    int c, rc = 0;
    o->since_s = 3 * 3600;
    o->max_tasks = 100;
    o->wait_timeout_s = 15 * 60;
    o->fail_on = "high";
    o->output = "text";
    opterr = 0;
    optind = 1;
    optopt = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
        switch (c) {
        case O_PROFILE: o->profile = optarg; break;
        case O_REGION: o->region = optarg; break;
        case O_CLUSTER: o->cluster = optarg; break;
        case O_ENDPOINT: o->endpoint_url = optarg; break;
        case O_OUTPUT:
            if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "markdown") &&
                strcmp(optarg, "junit")) {
                textsafe_line(stderr, "ecs-doctor: --output: unknown format '%s' (text, json, markdown, junit)\n",
                        optarg);
                rc = EXIT_USAGE;
            }
            o->output = optarg;
            o->output_given = 1;
            break;
        case 'o': o->out_file = optarg; break;
        case O_DEBUG: o->debug = 1; break;
        case O_NOCOLOR: o->no_color = 1; break;
        case O_SINCE: rc = duration(optarg, "--since", NULL, &o->since_s); break;
        case O_MAXTASKS: rc = number(optarg, "--max-tasks", &o->max_tasks); break;
        case O_DEADLINE: rc = duration(optarg, "--deadline", "no deadline", &o->deadline_s); break;
        case O_TIMEOUT: rc = duration(optarg, "--timeout", NULL, &o->wait_timeout_s); break;
        case O_PLUGINDIR: rc = push(o->plugin_dirs, &o->n_plugin_dirs, optarg, "--plugin-dir"); break;
        case O_CHECKDIR: rc = push(o->check_dirs, &o->n_check_dirs, optarg, "--check-dir"); break;
        case O_ONLY: rc = push(o->only, &o->n_only, optarg, "--only"); break;
        case O_SKIP: rc = push(o->skip, &o->n_skip, optarg, "--skip"); break;
        case O_FAILON:
            if (strcmp(optarg, "critical") && strcmp(optarg, "high") && strcmp(optarg, "medium") &&
                strcmp(optarg, "low") && strcmp(optarg, "info") && strcmp(optarg, "none")) {
                textsafe_line(stderr, "ecs-doctor: --fail-on: unknown severity '%s' (critical, high, medium, low, info, none)\n",
                        optarg);
                rc = EXIT_USAGE;
            }
            o->fail_on = optarg;
            o->fail_on_given = 1;
            break;
        case O_MUTEFILE: o->mute_file = optarg; break;
        case O_VERBOSE: o->verbose = 1; break;
        case O_NOREDACT: o->no_redact = 1; break;
        case O_WAIT: o->wait = 1; break;
        case O_NOREC: o->no_recommendations = 1; break;
        case O_NOPLUGINS: o->no_plugins = 1; break;
        case ':':
            textsafe_line(stderr, "ecs-doctor: %s: missing value\n", argv[optind - 1]);
            rc = EXIT_USAGE;
            break;
        default: {
            const char *bad = argv[optind - 1], *near;
            char shown[128];
            /* getopt reports an unknown short option by its letter. */
            if (optopt && bad[0] == '-' && bad[1] != '-')
                snprintf(shown, sizeof shown, "-%c", optopt);
            else
                str_printable(bad, shown, sizeof shown);
            near = cli_nearest_option(shown);
            if (near)
                textsafe_line(stderr, "ecs-doctor: %s: unknown option '%s' (did you mean %s?)\n", o->command, shown, near);
            else
                textsafe_line(stderr, "ecs-doctor: %s: unknown option '%s'\n", o->command, shown);
            o->show_help = 1;
            rc = EXIT_USAGE;
            break;
        }
        }
    }
    if (rc == 0) {
        o->args = argv + optind;
        o->n_args = argc - optind;
    }
    return rc;
}

double cli_plugin_timeout(const struct cli_opts *o)
{
    return o->deadline_s > 0 && (double)o->deadline_s < 30.0 ? (double)o->deadline_s : 30.0;
}

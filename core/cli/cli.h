/* cli — command-line surface: global options, the command table and the
 * documented exit codes. main.c parses and dispatches; each command lives in
 * its own cmd_<name>.c. Only main.c calls exit(). */
#ifndef EDOC_CLI_H
#define EDOC_CLI_H

#include <stddef.h>

/* Exit codes: documented in the README and the man page; never renumbered. */
enum cli_exit {
    EXIT_HEALTHY = 0,      /* no finding at or above the threshold */
    EXIT_FINDINGS = 1,     /* findings at or above the threshold (and `checks test` failures) */
    EXIT_USAGE = 2,        /* usage or input error */
    EXIT_AWS = 3,          /* AWS or credential error that prevented a diagnosis */
    EXIT_INCONCLUSIVE = 4, /* missing evidence or a failed check left the diagnosis open */
    EXIT_WAIT_TIMEOUT = 5  /* --wait timed out */
};

#define CLI_MAX_LIST 32

/* Global options, shared by every command (AWS CLI spellings). Strings are
 * borrowed from argv. */
struct cli_opts {
    const char *command;
    const char *profile, *region, *cluster, *endpoint_url;
    const char *output;      /* text | json | markdown | junit */
    int output_given;        /* --output was on the command line */
    const char *out_file;    /* -o FILE (collect); "-" = standard output */
    const char *fail_on;     /* severity threshold; default "high" ("none" for review) */
    int fail_on_given;       /* --fail-on was on the command line */
    const char *mute_file;
    long since_s;            /* --since; default 3h */
    long max_tasks;          /* --max-tasks; default 100 */
    long deadline_s;         /* --deadline; 0 = none */
    long wait_timeout_s;     /* --timeout with --wait; default 15m */
    int debug, verbose, no_color, no_redact, wait, no_recommendations;
    int review;              /* `review`: only the best-practice rules ran */
    int no_plugins;          /* --no-plugins: load no C plugin */
    const char *plugin_dirs[CLI_MAX_LIST]; size_t n_plugin_dirs;
    const char *check_dirs[CLI_MAX_LIST];  size_t n_check_dirs;
    const char *only[CLI_MAX_LIST];        size_t n_only;
    const char *skip[CLI_MAX_LIST];        size_t n_skip;
    char **args; int n_args; /* positionals after the command */
    int show_help;           /* set with a usage error: print the command's help after it */
};

/* Parses argv after the command name into o. Returns 0, or EXIT_USAGE after
 * printing a one-line error naming the bad flag (with a did-you-mean for an
 * unknown one, and o->show_help set). */
int cli_parse(int argc, char **argv, struct cli_opts *o);

/* How many argv entries the global option at argv[0] takes (1 or 2: "--region
 * R", "--region=R", "--debug"), or 0 when argv[0] is not one of the global
 * options main() accepts before the command (AWS CLI style). */
int cli_global_option(int argc, char **argv);

/* The long option nearest to an unknown "--name" (with its "--"), when it is a
 * plausible typo, else NULL. Static storage. */
const char *cli_nearest_option(const char *arg);

/* The shared back half of every diagnosing command: evidence -> checks ->
 * findings -> rank -> render, and the exit code. `analyze` calls it on a
 * loaded bundle, `service`/`task`/`cluster` on freshly collected evidence.
 * The evidence stays owned by the caller. Implemented in cmd_analyze.c. */
struct cJSON;
int cli_analyze_evidence(struct cJSON *evidence, struct cli_opts *o);

/* The time one C check may run (its isolated child is killed after it):
 * --deadline when shorter than the 30 s default. */
double cli_plugin_timeout(const struct cli_opts *o);

/* Commands: each returns an enum cli_exit. */
int cmd_analyze(struct cli_opts *o);
int cmd_collect(struct cli_opts *o);
int cmd_service(struct cli_opts *o);
int cmd_task(struct cli_opts *o);
int cmd_cluster(struct cli_opts *o);
int cmd_checks(struct cli_opts *o);
int cmd_review(struct cli_opts *o); /* best-practice review only: cmd_review.c */

#endif

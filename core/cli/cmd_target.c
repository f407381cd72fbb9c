/* cmd_target — `service`, `task`, `cluster` and `collect`: resolve the
 * target, collect the evidence (core/collect), then analyse it
 * (cli_analyze_evidence) or, for `collect -o FILE`, save it atomically. The
 * document is redacted inside collect_run unless --no-redact, so neither the
 * saved bundle nor any output format can carry what redaction masks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "collect/collect.h"
#include "collect/refs.h"
#include "report/wait.h"
#include "util/jsonx.h"
#include "util/textsafe.h"
#include "util/strutil.h"

struct progress {
    int tty, dumb, verbose, shown, width;
    long stall_bucket; /* the last 15 s step of a stall said off a terminal */
    char last[512], done[64];
};

/* One updating line on a terminal; plain lines with --verbose otherwise. */
static void on_progress(void *arg, const char *line)
{
    struct progress *p = arg;
    if (!strcmp(p->last, line))
        return;
    snprintf(p->last, sizeof p->last, "%s", line);
    if (p->tty) {
        /* Clipped to the terminal so the line never wraps (and \r works).
         * TERM=dumb knows no escape sequences: spaces clear the rest. */
        if (p->dumb) {
            fputc('\r', stderr);
            textsafe_line(stderr, "%-*.*s", p->width, p->width, line);
        } else {
            fprintf(stderr, "\r\033[K");
            textsafe_line(stderr, "%.*s", p->width, line);
        }
        p->shown = 1;
    } else if (p->verbose) {
        /* Not a terminal: one line per finished source is plenty. */
        const char *semi = strchr(line, ';');
        size_t n = semi ? (size_t)(semi - line) : strlen(line);
        if (strlen(p->done) != n || strncmp(p->done, line, n)) {
            snprintf(p->done, sizeof p->done, "%.*s", (int)n, line);
            textsafe_line(stderr, "ecs-doctor: %s\n", line);
        }
    }
}

/* A call that has not answered for AWS_STALL_S: on a terminal it takes the
 * progress line; elsewhere one line each 15 s of the wait. */
static void on_stall(void *arg, const char *action, const char *endpoint, double waited)
{
    struct progress *p = arg;
    char line[512], url[256];
    long bucket = (long)(waited / 15.0);
    snprintf(line, sizeof line, "waiting %.0fs for %s at %s (no answer yet)", waited, action,
             str_printable(endpoint, url, sizeof url));
    if (p->tty) {
        on_progress(p, line);
    } else if (bucket > p->stall_bucket) {
        p->stall_bucket = bucket;
        fprintf(stderr, "ecs-doctor: %s\n", line);
    }
}

static void progress_clear(struct progress *p)
{
    if (p->tty && p->shown && p->dumb)
        fprintf(stderr, "\r%*s\r", p->width, "");
    else if (p->tty && p->shown)
        fputs("\r\033[K", stderr);
    p->shown = 0;
}

static double now_epoch(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The region an ARN target names, so `service arn:aws:ecs:eu-west-1:...`
 * works without --region. */
static void region_of(const char *target, const char *kind, char *region, size_t len)
{
    char cl[256], name[512];
    region[0] = '\0';
    if (refs_ecs_target(target, kind, cl, sizeof cl, name, sizeof name, region, len) != 0)
        region[0] = '\0';
}

/* --wait: follow the service's newest deployment (core/report/wait.c) before
 * collecting, so the diagnosis describes how the rollout ended. */
static int follow_deployment(const struct cli_opts *o, struct aws_client *client, const char *target,
                             int *timed_out)
{
    char cl[256] = "", name[512] = "", region[32];
    struct wait_opts wo;
    struct err e;
    enum wait_outcome w;
    if (refs_ecs_target(target, "service", cl, sizeof cl, name, sizeof name, region, sizeof region) != 0 ||
        !name[0])
        snprintf(name, sizeof name, "%s", target);
    memset(&wo, 0, sizeof wo);
    wo.timeout_s = o->wait_timeout_s;
    err_clear(&e);
    w = wait_service(client, o->cluster ? o->cluster : cl[0] ? cl : "default", name, &wo, &e);
    if (w == WAIT_ERROR) {
        textsafe_line(stderr, "ecs-doctor: %s\n", e.msg);
        return e.code == ERR_NOT_FOUND ? EXIT_USAGE : EXIT_AWS;
    }
    *timed_out = w == WAIT_TIMEOUT;
    return 0;
}

static int run_target(struct cli_opts *o, enum collect_kind kind, const char *target, int save)
{
    static const char *const kinds[] = {"", "service", "task", "cluster"};
    struct aws_options ao;
    struct aws_client *client = NULL;
    struct collect_io io;
    struct collect_opts co;
    struct collect_stats st;
    struct progress prog;
    struct err e;
    char region[32];
    cJSON *ev = NULL;
    char *text = NULL;
    enum err_code rc;
    int exit_code, timed_out = 0;

    if (o->wait && (kind != COLLECT_SERVICE || save)) {
        textsafe_line(stderr, "ecs-doctor: --wait is for `ecs-doctor service NAME`\n");
        return EXIT_USAGE;
    }
    memset(&ao, 0, sizeof ao);
    memset(&prog, 0, sizeof prog);
    prog.tty = isatty(2);
    prog.dumb = getenv("TERM") && !strcmp(getenv("TERM"), "dumb");
    prog.width = 79;
    err_clear(&e);
    region_of(target, kinds[kind], region, sizeof region);
    if (!region[0] && o->cluster)
        region_of(o->cluster, "cluster", region, sizeof region);
    ao.profile = o->profile;
    ao.region = o->region ? o->region : region[0] ? region : NULL;
    ao.endpoint_url = o->endpoint_url;
    ao.debug = o->debug;
    ao.on_stall = on_stall;
    ao.stall_arg = &prog;
    /* With --wait the collection deadline starts after the wait (below). */
    ao.deadline = o->deadline_s > 0 && !o->wait ? now_epoch() + (double)o->deadline_s : 0;
    rc = aws_client_new(&ao, &client, &e);
    if (rc != ERR_OK) {
        textsafe_line(stderr, "ecs-doctor: %s\n", e.msg);
        return EXIT_AWS;
    }
    collect_io_aws(&io, client);
    if (o->wait && (exit_code = follow_deployment(o, client, target, &timed_out)) != 0)
        goto out;

    memset(&co, 0, sizeof co);
    co.kind = kind;
    co.target = target;
    co.cluster = o->cluster;
    co.since_s = o->since_s;
    co.max_tasks = o->max_tasks;
    co.deadline = o->wait && o->deadline_s > 0 ? now_epoch() + (double)o->deadline_s : ao.deadline;
    co.no_redact = o->no_redact;
    if (prog.tty) {
        struct winsize ws;
        if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
            prog.width = ws.ws_col - 1;
    }
    prog.verbose = o->verbose;
    co.progress = on_progress;
    co.progress_arg = &prog;
    rc = collect_run(&io, &co, &ev, &st, &e);
    progress_clear(&prog);
    if (o->verbose)
        fprintf(stderr,
                "ecs-doctor: collected in %.0f ms: %d calls, %d round trips deep (dependency graph: %d)\n",
                st.wall_ms, st.calls, st.depth, collect_graph_depth(co.kind));
    if (rc != ERR_OK) {
        textsafe_line(stderr, "ecs-doctor: %s\n", e.msg);
        exit_code = rc == ERR_NOT_FOUND || rc == ERR_USAGE ? EXIT_USAGE : EXIT_AWS;
        goto out;
    }
    if (save) {
        text = cJSON_Print(ev);
        if (!text) {
            textsafe_line(stderr, "ecs-doctor: out of memory\n");
            exit_code = EXIT_AWS;
            goto out;
        }
        if (!strcmp(o->out_file, "-")) {
            /* "-o -": the bundle on standard output, as `analyze -` reads it. */
            size_t len = strlen(text);
            if (fwrite(text, 1, len, stdout) != len || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
                textsafe_line(stderr, "ecs-doctor: collect: cannot write the bundle to standard output\n");
                exit_code = EXIT_USAGE;
                goto out;
            }
        } else if (jsonx_write_atomic(o->out_file, text, &e) != ERR_OK) {
            textsafe_line(stderr, "ecs-doctor: %s\n", e.msg);
            exit_code = EXIT_USAGE;
            goto out;
        }
        {
            /* Where it went and how big: the next step is attaching or analysing it. */
            double kb = (double)strlen(text) / 1024.0;
            char shown[256];
            textsafe_line(stderr, "ecs-doctor: evidence (%s) written to %s: %.*f %s\n",
                    o->no_redact ? "NOT redacted" : "redacted",
                    !strcmp(o->out_file, "-") ? "standard output" : str_printable(o->out_file, shown, sizeof shown),
                    kb >= 1024 ? 1 : 0, kb >= 1024 ? kb / 1024.0 : kb, kb >= 1024 ? "MB" : "KB");
        }
        exit_code = EXIT_HEALTHY;
        goto out;
    }
    exit_code = cli_analyze_evidence(ev, o);
    /* A rollout still running at the timeout: the diagnosis is printed, the
     * exit status says the wait timed out (unless the analysis itself failed). */
    if (timed_out && (exit_code == EXIT_HEALTHY || exit_code == EXIT_FINDINGS || exit_code == EXIT_INCONCLUSIVE))
        exit_code = EXIT_WAIT_TIMEOUT;
out:
    free(text);
    cJSON_Delete(ev);
    aws_client_free(client);
    return exit_code;
}

/* `cluster NAME --cluster C`: two clusters, of which C was silently
 * ignored. The same cluster twice is harmless (scripts pass it to every
 * command); another one is refused. */
static int cluster_flag_refused(const char *command, const char *target, const char *flag)
{
    char shown[256];
    if (!strcmp(str_basename(target), str_basename(flag)))
        return 0;
    fprintf(stderr, "ecs-doctor: %s: the cluster is the NAME argument, not --cluster %s (--cluster is for service "
                    "and task targets)\n", command, str_printable(flag, shown, sizeof shown));
    return EXIT_USAGE;
}

static int one_target(struct cli_opts *o, enum collect_kind kind, const char *what)
{
    if (o->n_args != 1) {
        textsafe_line(stderr, "ecs-doctor: %s: expected one %s (see ecs-doctor --help)\n", o->command, what);
        return EXIT_USAGE;
    }
    if (o->out_file) {
        textsafe_line(stderr, "ecs-doctor: %s: -o is for `collect` (use `ecs-doctor collect %s ... -o FILE`)\n",
                o->command, o->command);
        return EXIT_USAGE;
    }
    if (kind == COLLECT_CLUSTER && o->cluster && cluster_flag_refused(o->command, o->args[0], o->cluster))
        return EXIT_USAGE;
    return run_target(o, kind, o->args[0], 0);
}

int cmd_service(struct cli_opts *o) { return one_target(o, COLLECT_SERVICE, "service name or ARN"); }
int cmd_task(struct cli_opts *o) { return one_target(o, COLLECT_TASK, "task id or ARN"); }
int cmd_cluster(struct cli_opts *o) { return one_target(o, COLLECT_CLUSTER, "cluster name or ARN"); }

int cmd_collect(struct cli_opts *o)
{
    enum collect_kind kind;
    if (o->n_args != 2) {
        textsafe_line(stderr, "ecs-doctor: collect: usage: ecs-doctor collect service|task|cluster NAME -o FILE\n");
        return EXIT_USAGE;
    }
    if (!strcmp(o->args[0], "service"))
        kind = COLLECT_SERVICE;
    else if (!strcmp(o->args[0], "task"))
        kind = COLLECT_TASK;
    else if (!strcmp(o->args[0], "cluster")) {
        kind = COLLECT_CLUSTER;
        if (o->cluster && cluster_flag_refused("collect cluster", o->args[1], o->cluster))
            return EXIT_USAGE;
    }
    else {
        textsafe_line(stderr, "ecs-doctor: collect: unknown target kind '%s' (service, task, cluster)\n", o->args[0]);
        return EXIT_USAGE;
    }
    if (o->output_given) {
        fprintf(stderr, "ecs-doctor: collect: --output sets a report's format, and collect writes no report: "
                        "the bundle is always JSON, written to -o FILE (-o - for standard output); "
                        "`ecs-doctor analyze FILE --output %s` renders it\n", o->output);
        return EXIT_USAGE;
    }
    if (!o->out_file) {
        textsafe_line(stderr, "ecs-doctor: collect: -o FILE is required (-o - writes to standard output)\n");
        return EXIT_USAGE;
    }
    return run_target(o, kind, o->args[1], 1);
}

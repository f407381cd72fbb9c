/* cmd_analyze — `ecs-doctor analyze FILE`: load a saved evidence bundle, run
 * every check over it and print the report.
 * cli_analyze_evidence() is the shared tail of every diagnosing command
 * (service/task/cluster call it on freshly collected evidence). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/engine.h"
#include "engine/evidence.h"
#include "engine/report.h"

static int print_report(const cJSON *report, const struct cli_opts *o)
{
    if (!strcmp(o->output, "json")) {
        char *txt = cJSON_Print(report);
        if (!txt) {
            fprintf(stderr, "ecs-doctor: out of memory printing the report\n");
            return EXIT_USAGE;
        }
        fputs(txt, stdout);
        fputc('\n', stdout);
        cJSON_free(txt);
        return 0;
    }
    /* text/markdown/junit: core/render/ replaces this minimal listing. */
    report_text_min(report, stdout);
    return 0;
}

int cli_analyze_evidence(struct cJSON *evidence, struct cli_opts *o)
{
    struct engine_opts eo;
    struct analyze_opts ao;
    struct engine *eng;
    struct err e = {0};
    cJSON *report = NULL;
    int rc;
    memset(&eo, 0, sizeof eo);
    eo.plugin_dirs = o->plugin_dirs;
    eo.n_plugin_dirs = o->n_plugin_dirs;
    eo.check_dirs = o->check_dirs;
    eo.n_check_dirs = o->n_check_dirs;
    eo.debug = o->debug;
    eng = engine_new(&eo);
    if (!eng) {
        fprintf(stderr, "ecs-doctor: out of memory\n");
        return EXIT_USAGE;
    }
    if (engine_select(eng, o->only, o->n_only, o->skip, o->n_skip, &e) != ERR_OK) {
        fprintf(stderr, "ecs-doctor: %s\n", e.msg);
        rc = EXIT_USAGE;
        goto out;
    }
    memset(&ao, 0, sizeof ao);
    ao.fail_on = o->fail_on;
    ao.no_recommendations = o->no_recommendations;
    report = engine_analyze(eng, evidence, &ao);
    if (!report) {
        fprintf(stderr, "ecs-doctor: out of memory building the report\n");
        rc = EXIT_USAGE;
        goto out;
    }
    rc = print_report(report, o);
    if (rc == 0)
        rc = report_exit_code(report, o->fail_on);
out:
    cJSON_Delete(report);
    engine_free(eng);
    return rc;
}

int cmd_analyze(struct cli_opts *o)
{
    struct err e = {0};
    cJSON *ev;
    int rc;
    if (o->n_args != 1) {
        fprintf(stderr, "ecs-doctor: analyze: expected one evidence FILE (ecs-doctor analyze FILE)\n");
        return EXIT_USAGE;
    }
    ev = evidence_load(o->args[0], &e);
    if (!ev) {
        fprintf(stderr, "ecs-doctor: %s\n", e.msg);
        return EXIT_USAGE;
    }
    rc = cli_analyze_evidence(ev, o);
    cJSON_Delete(ev);
    return rc;
}

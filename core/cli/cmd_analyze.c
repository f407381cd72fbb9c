/* cmd_analyze — `ecs-doctor analyze FILE`: load a saved evidence bundle, run
 * every check over it and print the report.
 * cli_analyze_evidence() is the shared tail of every diagnosing command
 * (service/task/cluster call it on freshly collected evidence). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "report/verdict.h"
#include "engine/engine.h"
#include "engine/evidence.h"
#include "engine/report.h"
#include "report/publish.h"
#include "util/textsafe.h"

int cli_analyze_evidence(struct cJSON *evidence, struct cli_opts *o)
{
    struct engine_opts eo;
    struct analyze_opts ao;
    struct publish_opts po;
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
    eo.no_plugins = o->no_plugins;
    eo.plugin_timeout_s = cli_plugin_timeout(o);
    eng = engine_new(&eo);
    if (!eng) {
        textsafe_line(stderr, "ecs-doctor: out of memory\n");
        return EXIT_USAGE;
    }
    if (engine_select(eng, o->only, o->n_only, o->skip, o->n_skip, &e) != ERR_OK) {
        textsafe_line(stderr, "ecs-doctor: %s\n", e.msg);
        rc = EXIT_USAGE;
        goto out;
    }
    memset(&ao, 0, sizeof ao);
    ao.fail_on = o->fail_on;
    ao.no_recommendations = o->no_recommendations;
    ao.review = o->review;
    report = engine_analyze(eng, evidence, &ao);
    if (!report) {
        textsafe_line(stderr, "ecs-doctor: out of memory building the report\n");
        rc = EXIT_USAGE;
        goto out;
    }
    /* A review ran only the best-practice rules: the report says so, and its
     * summary counts recommendations instead of claiming the service is
     * healthy (no diagnosis check looked). */
    if (o->review && (!cJSON_AddStringToObject(report, "mode", "review") || verdict_refresh(report) < 0)) {
        textsafe_line(stderr, "ecs-doctor: out of memory building the report\n");
        rc = EXIT_USAGE;
        goto out;
    }
    /* Mutes, what changed, timeline, the chosen format, the exit code. */
    memset(&po, 0, sizeof po);
    po.format = o->output;
    po.fail_on = o->fail_on;
    po.mute_file = o->mute_file;
    po.no_color = o->no_color;
    po.no_recommendations = o->no_recommendations;
    po.verbose = o->verbose;
    rc = publish_report(report, evidence, &po);
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
        textsafe_line(stderr, "ecs-doctor: analyze: expected one evidence FILE (ecs-doctor analyze FILE)\n");
        return EXIT_USAGE;
    }
    ev = evidence_load(o->args[0], &e);
    if (!ev) {
        textsafe_line(stderr, "ecs-doctor: %s\n", e.msg);
        return EXIT_USAGE;
    }
    rc = cli_analyze_evidence(ev, o);
    evidence_free(ev);
    return rc;
}

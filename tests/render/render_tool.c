/* render_tool — test driver: renders a report fixture the way the CLI does
 * (render_opts_detect on stdout), optionally after applying a mute file, and
 * exits with report_exit_code. Lets the script tests run the renderers under
 * a pseudo-terminal and parse their output.
 *   render_tool FORMAT REPORT.json [--no-color] [--width N] [--verbose]
 *               [--no-recommendations] [--fail-on SEV] [--mutes FILE --now EPOCH]
 *               [--evidence FILE]   (then through publish_report, as the CLI does) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/report.h"
#include "render/render.h"
#include "report/mutes.h"
#include "report/publish.h"
#include "report/verdict.h"
#include "util/jsonx.h"

int main(int argc, char **argv)
{
    struct render_opts ro;
    struct err e = {0};
    const char *mutes = NULL, *fail_on = "high", *evidence = NULL;
    long now = 0;
    int i, no_color = 0, width = 0, verbose = 0, norec = 0, rc;
    cJSON *report;
    if (argc < 3) {
        fprintf(stderr, "usage: render_tool FORMAT REPORT.json [options]\n");
        return 2;
    }
    for (i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--no-color"))
            no_color = 1;
        else if (!strcmp(argv[i], "--verbose"))
            verbose = 1;
        else if (!strcmp(argv[i], "--no-recommendations"))
            norec = 1;
        else if (!strcmp(argv[i], "--width") && i + 1 < argc)
            width = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--fail-on") && i + 1 < argc)
            fail_on = argv[++i];
        else if (!strcmp(argv[i], "--mutes") && i + 1 < argc)
            mutes = argv[++i];
        else if (!strcmp(argv[i], "--evidence") && i + 1 < argc)
            evidence = argv[++i];
        else if (!strcmp(argv[i], "--now") && i + 1 < argc)
            now = atol(argv[++i]);
        else {
            fprintf(stderr, "render_tool: bad option %s\n", argv[i]);
            return 2;
        }
    }
    report = jsonx_load_file(argv[2], 0, &e);
    if (!report) {
        fprintf(stderr, "render_tool: %s\n", e.msg);
        return 2;
    }
    if (evidence) {
        struct publish_opts po;
        cJSON *ev = jsonx_load_file(evidence, 0, &e);
        if (!ev) {
            fprintf(stderr, "render_tool: %s\n", e.msg);
            cJSON_Delete(report);
            return 2;
        }
        memset(&po, 0, sizeof po);
        po.format = argv[1];
        po.fail_on = fail_on;
        po.mute_file = mutes;
        po.no_color = no_color;
        po.no_recommendations = norec;
        po.verbose = verbose;
        po.now = (time_t)now;
        rc = publish_report(report, ev, &po);
        cJSON_Delete(ev);
        cJSON_Delete(report);
        return rc;
    }
    if (mutes && mutes_apply(report, mutes, (time_t)now, &e) != ERR_OK) {
        fprintf(stderr, "ecs-doctor: %s\n", e.msg);
        cJSON_Delete(report);
        return 2;
    }
    render_opts_detect(&ro, stdout, no_color);
    if (width)
        ro.width = width;
    ro.verbose = verbose;
    ro.no_recommendations = norec;
    ro.fail_on = fail_on;
    if (render_report(report, argv[1], stdout, &ro, &e) != ERR_OK) {
        fprintf(stderr, "render_tool: %s\n", e.msg);
        cJSON_Delete(report);
        return 2;
    }
    rc = report_exit_code(report, fail_on);
    cJSON_Delete(report);
    return rc;
}

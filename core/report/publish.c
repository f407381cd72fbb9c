/* publish — see publish.h. */
#include "report/publish.h"


#include "engine/report.h"
#include "render/render.h"
#include "report/mutes.h"
#include "report/timeline.h"
#include "report/verdict.h"
#include "report/whatchanged.h"
#include "util/textsafe.h"

#define EXIT_USAGE_CODE 2 /* enum cli_exit EXIT_USAGE; core does not include cli.h */

static void replace(cJSON *report, const char *key, cJSON *value)
{
    if (!value)
        return;
    if (cJSON_GetObjectItemCaseSensitive(report, key))
        cJSON_ReplaceItemInObjectCaseSensitive(report, key, value);
    else
        cJSON_AddItemToObject(report, key, value);
}

int publish_report(cJSON *report, const cJSON *evidence, const struct publish_opts *po)
{
    struct render_opts ro;
    struct err e = {0};
    FILE *out = po->out ? po->out : stdout;
    if (mutes_apply(report, po->mute_file, po->now ? po->now : time(NULL), &e) != ERR_OK) {
        textsafe_line(stderr, "ecs-doctor: %s\n", e.msg);
        return EXIT_USAGE_CODE;
    }
    if (evidence) {
        cJSON *wc = whatchanged_build(evidence);
        if (wc)
            replace(report, "what_changed", wc);
        /* Ours replaces any timeline the engine wrote: deployments, events,
         * stops, target health and CloudTrail, newest last (docs/report.md). */
        replace(report, "timeline", timeline_build(evidence));
    }
    render_opts_detect(&ro, out, po->no_color);
    ro.no_recommendations = po->no_recommendations;
    ro.verbose = po->verbose;
    ro.fail_on = po->fail_on;
    if (render_report(report, po->format, out, &ro, &e) != ERR_OK) {
        textsafe_line(stderr, "ecs-doctor: %s\n", e.msg);
        return EXIT_USAGE_CODE;
    }
    return report_exit_code(report, po->fail_on);
}

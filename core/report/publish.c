/* publish — see publish.h. */
#include "report/publish.h"

#include <stdio.h>
#include <string.h>

#include "engine/finding.h"
#include "engine/report.h"
#include "render/render.h"
#include "report/mutes.h"
#include "report/timeline.h"
#include "report/verdict.h"
#include "report/whatchanged.h"
#include "util/textsafe.h"
#include "util/jsonx.h"

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

/* The evidence window (--since) the report speaks for: {"since", "until",
 * "duration"}, both ends as epoch seconds, the length as "3h". A bundle from
 * outside may hold any numbers: only a sane, ordered pair is copied. */
static cJSON *window_of(const cJSON *evidence)
{
    static const struct { long s; char unit; } units[] = {{604800, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}};
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(evidence, "window");
    const cJSON *since = cJSON_GetObjectItemCaseSensitive(w, "since");
    const cJSON *until = cJSON_GetObjectItemCaseSensitive(w, "until");
    double a, b;
    long long len;
    char label[32];
    size_t i;
    cJSON *o;
    if (!cJSON_IsNumber(since) || !cJSON_IsNumber(until))
        return NULL;
    a = since->valuedouble;
    b = until->valuedouble;
    if (!(a > 0 && b >= a && b < 1e11))
        return NULL;
    len = (long long)(b - a + 0.5);
    snprintf(label, sizeof label, "%llds", len);
    for (i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (len > 0 && len % units[i].s == 0) {
            snprintf(label, sizeof label, "%lld%c", len / units[i].s, units[i].unit);
            break;
        }
    }
    o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "since", (double)(long long)a);
    cJSON_AddNumberToObject(o, "until", (double)(long long)b);
    cJSON_AddStringToObject(o, "duration", label);
    return o;
}

/* report_exit_code, and for `review` (mode "review": only recommendations
 * ran) 1 when an unmuted recommendation is at or above --fail-on, as
 * `review --help` promises; other commands never fail on a recommendation. */
static int exit_code(const cJSON *report, const char *fail_on)
{
    const cJSON *f;
    int rc = report_exit_code(report, fail_on), threshold;
    if (rc == 1 || strcmp(jsonx_str(report, "mode", ""), "review") || !fail_on || !strcmp(fail_on, "none"))
        return rc;
    threshold = finding_severity_level(fail_on);
    if (threshold <= 0)
        return rc;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings")) {
        if (!jsonx_bool(f, "muted", 0) && !strcmp(jsonx_str(f, "kind", ""), "recommendation") &&
            finding_severity_level(jsonx_str(f, "severity", "")) >= threshold)
            return 1;
    }
    return rc;
}

int publish_report(cJSON *report, const cJSON *evidence, const struct publish_opts *po)
{
    struct render_opts ro;
    struct err e = {0};
    FILE *out = po->out ? po->out : stdout;
    if (mutes_apply_warn(report, po->mute_file, po->now ? po->now : time(NULL), stderr, &e) != ERR_OK) {
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
        replace(report, "window", window_of(evidence));
    }
    render_opts_detect(&ro, out, po->no_color);
    ro.no_recommendations = po->no_recommendations;
    ro.verbose = po->verbose;
    ro.fail_on = po->fail_on;
    if (render_report(report, po->format, out, &ro, &e) != ERR_OK) {
        textsafe_line(stderr, "ecs-doctor: %s\n", e.msg);
        return EXIT_USAGE_CODE;
    }
    return exit_code(report, po->fail_on);
}

/* publish — the last steps of every diagnosing command, after the engine has
 * ranked the findings into a report: apply the mutes, add what changed and
 * the timeline from the evidence, render in the requested format, and compute
 * the exit code. cli_analyze_evidence() calls it; it owns nothing. */
#ifndef EDOC_PUBLISH_H
#define EDOC_PUBLISH_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <time.h>

struct publish_opts {
    const char *format;    /* text | json | markdown | junit; NULL = text */
    const char *fail_on;   /* NULL = "high" */
    const char *mute_file; /* NULL = ./.ecs-doctor-mutes.json when present */
    int no_color, no_recommendations, verbose;
    FILE *out;             /* NULL = stdout */
    time_t now;            /* 0 = time(NULL): when mutes expire */
};

/* Completes report in place and prints it. Returns an exit code of
 * core/cli/cli.h: 0, 1 or 4 from the report; 2 after printing a one-line
 * error (malformed mute file, output failure). */
int publish_report(cJSON *report, const cJSON *evidence, const struct publish_opts *po);

#endif

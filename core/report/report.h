/* report — small shared rules over the report document (docs/report.md):
 * severity order, the verdict and summary line, the process exit code, and
 * UTC time parsing/formatting. Used by mutes, the renderers and the CLI; owns
 * no state. Strings returned are static unless a function says otherwise. */
#ifndef EDOC_REPORT_H
#define EDOC_REPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <time.h>

/* critical 4, high 3, medium 2, low 1, info 0; "none" 5 (nothing reaches it);
 * -1 for anything else. */
int report_severity_rank(const char *severity);

/* The verdict per docs/report.md from the findings (unmuted diagnoses) and the
 * checks: "unhealthy" | "degraded" | "inconclusive" | "healthy". */
const char *report_verdict_compute(const cJSON *report);

/* Recomputes report.verdict after findings changed (mutes). When the verdict
 * changes, report.summary is rewritten in the engine's format
 * ("web-service: UNHEALTHY — 0 of 4 tasks running; root cause: …"). Returns 1
 * when the verdict changed, 0 when not, -1 on allocation failure. */
int report_refresh_verdict(cJSON *report);

/* Exit code (core/cli/cli.h): 1 when an unmuted diagnosis is at or above
 * fail_on (default "high"; "none" never), else 4 when the verdict is
 * inconclusive, else 0. Recommendations never count. */
int report_exit_code(const cJSON *report, const char *fail_on);

/* The report's main subject for lines like the verdict ("web-service"). Borrowed. */
const char *report_subject(const cJSON *report);

/* Parses "YYYY-MM-DD" (that day 00:00:00 UTC) or RFC 3339
 * "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)". Returns 0 and sets *out, or -1. */
int report_time_parse(const char *s, time_t *out);

/* Formats t as "HH:MM:SS" or, with_date, "YYYY-MM-DD HH:MM:SS" (UTC) into out. */
void report_time_format(time_t t, int with_date, char *out, size_t len);

#endif

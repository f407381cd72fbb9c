/* verdict — the rules of docs/report.md over a finished report document:
 * severity order, the verdict and its summary line. Used by mutes (which
 * change what counts) and the renderers; owns no state. Strings returned are
 * static or borrowed from the report. The exit code is the engine's
 * report_exit_code() (engine/report.h): it honours "muted" and "kind" and
 * reads the verdict that verdict_refresh() rewrites. */
#ifndef EDOC_VERDICT_H
#define EDOC_VERDICT_H

#include <cjson/cJSON.h>

/* critical 4, high 3, medium 2, low 1, info 0; "none" 5 (nothing reaches it);
 * -1 for anything else. */
int verdict_severity_rank(const char *severity);

/* The verdict per docs/report.md from the findings (unmuted diagnoses), the
 * checks and the service state's floor (report.state.floor, which mutes do not
 * change): "unhealthy" | "degraded" | "inconclusive" | "healthy". The one
 * rule: the engine's report_build() and mutes both come through here. */
const char *verdict_compute(const cJSON *report);

/* The service state's first reason ("web-service: 0 of 4 running for 2 h"),
 * borrowed; NULL when the state has none. */
const char *verdict_state_reason(const cJSON *report);

/* Recomputes report.verdict and rewrites report.summary after findings
 * changed (mutes), in the engine's format ("web-service: UNHEALTHY — 0 of 4
 * tasks running; root cause: …", the root being the first unmuted root
 * diagnosis). Returns 1 when the verdict changed, 0 when not, -1 on
 * allocation failure. */
int verdict_refresh(cJSON *report);

/* The report's main subject for lines like the verdict ("web-service"). Borrowed. */
const char *verdict_subject(const cJSON *report);

#endif

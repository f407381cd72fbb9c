/* report — builds the report document (docs/report.md) from ranked findings
 * and the checks' results: verdict, summary, status, evidence gaps, timeline.
 * Also the exit-code rule shared by every command that prints a report. */
#ifndef EDOC_REPORT_H
#define EDOC_REPORT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "engine/finding.h"

#define REPORT_SCHEMA "ecs-doctor/report/v1"

/* Returns a new report (caller frees). Takes ownership of `checks` (the
 * checks[] array built by the engine) and of `state` (svcstate_build's
 * document, may be NULL). Verdict and summary come from verdict_refresh(). */
cJSON *report_build(const cJSON *evidence, const struct finding_list *ranked, cJSON *checks, cJSON *state);

/* enum cli_exit value: 1 when an unmuted diagnosis, or the service state's
 * severity (`state.severity`, which mutes do not reach; not in "mode":
 * "review"), is at or above fail_on ("none" never), else 4 when the verdict
 * is inconclusive, else 0. */
int report_exit_code(const cJSON *report, const char *fail_on);

#endif

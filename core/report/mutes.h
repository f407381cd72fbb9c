/* mutes — silences known findings for a while. A mute file (JSON, see
 * docs/report.md "Mutes") names a check id, a category or a recommendation
 * rule, a service (or "*"), a mandatory reason and an expiry date. Muted
 * findings stay in the report with "muted": true and stop counting for the
 * verdict and the exit code; expired mutes stop applying and are listed in
 * report.expired_mutes so someone renews or deletes them. Owns nothing. */
#ifndef EDOC_MUTES_H
#define EDOC_MUTES_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <time.h>

#include "util/err.h"

#define MUTES_DEFAULT_FILE ".ecs-doctor-mutes.json"

/* Applies the mute file at path to report (in place) as of now, then
 * recomputes report.verdict/summary if muting changed it. path NULL means
 * MUTES_DEFAULT_FILE, which may be absent (no mutes); an explicitly named file
 * must exist. A malformed file is ERR_PARSE/ERR_SCHEMA with a one-line message
 * "FILE: mutes[2]: missing 'expires'" and leaves the report untouched. */
enum err_code mutes_apply(cJSON *report, const char *path, time_t now, struct err *e);
/* The same, and one warning line on warn (when not NULL) for each mute whose
 * check id, category or rule names nothing known to this report, with the
 * nearest real id: "FILE: mutes[0]: no check id 'x' (nearest: 'y'); ...". */
enum err_code mutes_apply_warn(cJSON *report, const char *path, time_t now, FILE *warn, struct err *e);

#endif

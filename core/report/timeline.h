/* timeline — one list of what happened, newest last: deployments created and
 * finished, service events, task stops, target health at collection time and
 * CloudTrail changes (evidence.changes). Capped to the most recent
 * TIMELINE_MAX entries. Entry shape: {"time": epoch seconds, "kind", "text",
 * "subject"} (docs/report.md "timeline"). */
#ifndef EDOC_TIMELINE_H
#define EDOC_TIMELINE_H

#include <cjson/cJSON.h>

#define TIMELINE_MAX 40
#define TIMELINE_TEXT_MAX 300

/* Returns a new array (caller frees; empty when the evidence has no dated
 * facts), or NULL on allocation failure. */
cJSON *timeline_build(const cJSON *evidence);

#endif

/* whatchanged — "what changed": for each target service whose deployment is
 * failing or in progress (or that runs short of its desired count), the
 * difference between the failing task definition and the last one that ran
 * healthy (the older deployment's, or the previous revision in
 * task_definition_history). Environment variables are compared by name only:
 * values never leave the evidence. Shape: docs/report.md "what_changed". */
#ifndef EDOC_WHATCHANGED_H
#define EDOC_WHATCHANGED_H

#include <cjson/cJSON.h>

/* Returns a new {"services": [...]} (caller frees), or NULL when no target
 * service has a failing deployment (or on allocation failure). */
cJSON *whatchanged_build(const cJSON *evidence);

#endif

/* unexplained — "unexplained is a finding, not silence": after the checks
 * ran, each service (or task target) whose state (analysis/svcstate.h) has a
 * severity and that no diagnosis of medium severity or worse explains gets a
 * diagnosis of its own (check `state.unexplained`, category
 * `unknown_failure`, the state's severity): what is wrong, the evidence it
 * read (counts, rollout, events, the newest messages) and the next commands,
 * with every value from the evidence shell-quoted. Owns nothing; the findings
 * it adds belong to the list. */
#ifndef EDOC_UNEXPLAINED_H
#define EDOC_UNEXPLAINED_H

#include <cjson/cJSON.h>

#include "engine/finding.h"

#define UNEXPLAINED_CHECK "state.unexplained"
#define UNEXPLAINED_SOURCE "core:analysis/svcstate.c"

/* Appends the findings to raw (before ranking). Returns how many were
 * added, or -1 when out of memory (raw stays valid). */
int unexplained_add(struct finding_list *raw, const cJSON *evidence, const cJSON *state);

#endif

/* corroborate — the time dimension of a diagnosis, after ranking: links each
 * root finding to the CloudTrail change (evidence `changes`) that most
 * plausibly caused it (a change to one of its resources shortly before the
 * first failure: `change` on the finding, the change cited as evidence,
 * confidence +0.1), and cites metric series (evidence `metrics`) that support
 * OOM and load-balancer findings. Re-ranks when a confidence changed. Owns
 * nothing; the findings keep what it attaches. */
#ifndef EDOC_CORROBORATE_H
#define EDOC_CORROBORATE_H

#include <cjson/cJSON.h>

#include "engine/finding.h"

/* How far before the first failure a change may be its cause. */
#define CORROBORATE_LOOKBACK_S (2 * 3600)
#define CORROBORATE_CONFIDENCE_BOOST 0.1
#define CORROBORATE_CONFIDENCE_MAX 0.99

/* Applies both steps to a ranked list (rank_findings' output) in place.
 * Returns ERR_OK, or ERR_NOMEM (the list is then still valid). */
enum err_code corroborate_findings(struct finding_list *ranked, const cJSON *evidence);

/* The first failure the evidence shows: the earliest stoppedAt of a task
 * that stopped on its own (not UserInitiated / ServiceSchedulerInitiated),
 * else fallback. Exposed for tests. */
double corroborate_first_failure(const cJSON *evidence, double fallback);

/* Index in evidence.changes of the change that best explains finding f
 * failing first at t_fail: a successful change touching one of f's resources
 * (or an id in its evidence pointers) within [t_fail - LOOKBACK, t_fail + 60];
 * destructive verbs (Delete, Revoke, Detach, Disassociate, Remove,
 * Deregister, Replace) before others, then the latest. -1 when none; *matched
 * (may be NULL) points at the change's resource that matched (borrowed). */
int corroborate_best_change(const struct finding *f, const cJSON *evidence, double t_fail,
                            const char **matched);

#endif

/* rank — merges, scores, links and orders findings (docs/report.md):
 * findings of one check with the same key merge; score = severity weight ×
 * confidence + blast radius + recency; a finding that `explains` a category
 * or check id becomes the root of matching findings; roots are followed by
 * their symptoms, diagnoses precede recommendations, ties break on check id
 * then title, so the order is the same on every run. */
#ifndef EDOC_RANK_H
#define EDOC_RANK_H

#include <cjson/cJSON.h>

#include "engine/finding.h"

/* Moves every finding of `in` (left empty) into `out` in rank order, with
 * id, rank, score and caused_by (an index into out) filled in. evidence gives
 * the reference time for recency (window.until); may be NULL. */
enum err_code rank_findings(struct finding_list *in, const cJSON *evidence, struct finding_list *out);

/* The score of one finding against reference time ref (epoch seconds, 0 when
 * unknown). Exposed for tests. */
double rank_score(const struct finding *f, double ref);

#endif

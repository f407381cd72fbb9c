/* rchange — the one sentence every renderer prints for a root finding's
 * linked change (report finding.change, docs/report.md): what changed, when,
 * by whom and how, and how long before the first failure. Owns nothing. */
#ifndef EDOC_RCHANGE_H
#define EDOC_RCHANGE_H

#include <cjson/cJSON.h>

#include "util/buf.h"

/* Appends "DeleteRoute rtb-0b2 0.0.0.0/0 at 12:03:11 UTC by
 * arn:aws:iam::123456789012:user/alice (console), 12 min before the first
 * failure" to out. Returns 1 when the finding has a change, else 0 (out
 * untouched). */
int rchange_sentence(const cJSON *finding, struct buf *out);

#endif

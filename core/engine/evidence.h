/* evidence — loads an evidence document (docs/evidence.md) from a file and
 * checks its schema version and top-level shape before any check sees it.
 * The returned tree is owned by the caller and read-only: free it with
 * evidence_free() (it lives in an arena, util/jarena.h). */
#ifndef EDOC_EVIDENCE_H
#define EDOC_EVIDENCE_H

#include <cjson/cJSON.h>

#include "util/err.h"

#define EVIDENCE_SCHEMA "ecs-doctor/evidence/v1"
#define EVIDENCE_MAX_BYTES ((size_t)512 * 1024 * 1024)

/* NULL on failure with a one-line message naming the file in e:
 * "FILE: not an ecs-doctor evidence bundle (no "schema" field)",
 * "FILE: unsupported schema 'x' (this ecs-doctor reads ecs-doctor/evidence/v1)". */
/* path "-" reads standard input. */
cJSON *evidence_load(const char *path, struct err *e);

/* Frees a tree from evidence_load() (any other tree: cJSON_Delete). */
void evidence_free(cJSON *doc);

/* The same checks on a parsed document; `what` names it in messages. */
enum err_code evidence_validate(const cJSON *doc, const char *what, struct err *e);

#endif

/* nodeidx — O(1) amortised indexing into cJSON arrays and objects, whose
 * members are a linked list: checks walk /tasks/0, /tasks/1, ... and cite
 * pointers in the same order, which cJSON_GetArrayItem makes quadratic.
 * Remembers the last position reached in a few containers and walks on from
 * there. Holds only borrowed pointers; nodeidx_reset() forgets them and must
 * be called whenever an evidence tree is freed (engine_analyze does). */
#ifndef EDOC_NODEIDX_H
#define EDOC_NODEIDX_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The i-th member of an array or object (NULL when out of range). */
const cJSON *nodeidx_at(const cJSON *container, size_t i);

/* Member count of an array or object (0 for anything else). */
size_t nodeidx_len(const cJSON *container);

/* RFC 6901 lookup like jsonx_pointer(), using nodeidx_at for indexes. */
const cJSON *nodeidx_pointer(const cJSON *root, const char *pointer);

void nodeidx_reset(void);

#endif

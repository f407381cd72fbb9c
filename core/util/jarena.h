/* jarena — a parsed JSON tree in a few large blocks instead of one malloc
 * per node, for the evidence document.
 *
 * cJSON allocates every node (64 bytes) and every string separately: for a
 * bundle of 100,000 tasks that is tens of millions of mallocs, a fifth of the
 * memory in allocator headers, and a parse bound by the allocator. While an
 * arena is open, cJSON's allocations go to it (bump allocation in blocks that
 * grow geometrically); freeing a node that lives in an arena does nothing, and
 * the arena's blocks go back all at once in jarena_delete().
 *
 * The hooks are cJSON's global ones, installed on first use and kept: the
 * free hook tells arena memory from heap memory by address, so trees built
 * with malloc before or after stay fine. Not thread-safe (neither is the
 * engine); open an arena only around a parse.
 *
 * Ownership: jarena_parse() returns a tree owned by its arena; free it with
 * jarena_delete() (plain cJSON_Delete() would leave the blocks behind). Such
 * a tree is for reading: nodes must not be added to it (they would not be
 * freed); deleting its nodes is harmless, but a node detached from it must
 * not outlive the tree (freeing it after jarena_delete() is an invalid
 * free). */
#ifndef EDOC_JARENA_H
#define EDOC_JARENA_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/err.h"

/* jsonx_parse() into a new arena: same errors; NULL on failure. */
cJSON *jarena_parse(const char *text, size_t len, const char *what, struct err *e);

/* Frees a tree from jarena_parse() with its arena, in one step per block
 * (no walk over the nodes); any other tree is simply cJSON_Delete()d. NULL
 * is fine. */
void jarena_delete(cJSON *root);

/* Bytes held by live arenas (for tests and --debug). */
size_t jarena_bytes(void);

#endif

/* textidx — the failure texts of an evidence document's tasks, indexed once
 * per analysis so that checks do not each walk every task.
 *
 * Every failure check used to loop over all of `tasks`, read each stopped
 * reason and container reason through the Lua proxies and test it against
 * its patterns: 50 checks x N tasks of interpreted work, for texts that are
 * nearly all the same few dozen messages. The index lists each task's texts
 * as ids of distinct texts (with their edoc.norm form), so a question such as
 * "which tasks mention 'cannotpullcontainererror'" costs one test per
 * distinct text plus a scan of an integer array; the check's own loop body
 * then runs only for the tasks that can match.
 *
 * Ownership: the index borrows the evidence's cJSON nodes and strings (it
 * copies only the normalised texts). textidx_reset() frees it and must be
 * called whenever an evidence tree is freed (engine_analyze does, as for
 * nodeidx). Single-threaded, like the engine. */
#ifndef EDOC_TEXTIDX_H
#define EDOC_TEXTIDX_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define TEXTIDX_NONE UINT32_MAX

/* Which texts of a task a query looks at (a mask): the task fields
 * indexed (TEXTIDX_FIELDS of them, in this order), and the containers'
 * reasons. */
enum textidx_scope {
    TEXTIDX_REASON = 1,      /* stoppedReason */
    TEXTIDX_STOPCODE = 2,    /* stopCode */
    TEXTIDX_GROUP = 4,       /* group ("service:NAME") */
    TEXTIDX_TASKDEF = 8,     /* taskDefinitionArn */
    TEXTIDX_LASTSTATUS = 16, /* lastStatus */
    TEXTIDX_CONTAINERS = 32, /* each container's reason */
};
#define TEXTIDX_FIELDS 5

/* The scope bit of a field name ("stoppedReason", ..., "containers"), or 0. */
unsigned textidx_scope_bit(const char *name);

struct textidx_text {
    const char *raw;  /* borrowed from the evidence */
    size_t len;
    char *norm;       /* edoc.norm(raw), owned */
    size_t nlen;
};

struct textidx {
    const cJSON *root;       /* the evidence this index describes */
    size_t n_tasks;
    const cJSON **task;      /* n_tasks task nodes (borrowed) */
    /* Task i's texts are ids[off[i] .. off[i + 1]): its TEXTIDX_FIELDS
     * fields (TEXTIDX_NONE when absent or not a string), then one per
     * container with a reason. */
    uint32_t *off, *ids;
    size_t n_texts;
    struct textidx_text *text;
};

/* The index of the evidence root's `tasks`, built on first use and kept
 * until textidx_reset() or a call with another root. NULL when out of memory;
 * an evidence without tasks gives an empty index. */
const struct textidx *textidx_get(const cJSON *root);

/* Marks in hit[0 .. n_tasks) (1 = matches) the tasks for which text_hit
 * (one flag per distinct text, n_texts of them) holds for a text in scope
 * (a mask of enum textidx_scope). Returns how many tasks matched. */
size_t textidx_tasks(const struct textidx *ix, const unsigned char *text_hit, unsigned scope, unsigned char *hit);

/* Sets in_scope[id] = 1 for each distinct text that some task carries in
 * scope (others are left as they are). */
void textidx_in_scope(const struct textidx *ix, unsigned scope, unsigned char *in_scope);

/* The distinct values of one field (a single scope bit other than
 * TEXTIDX_CONTAINERS), in the order the tasks first show them: their text
 * ids into out (room for n_texts). Returns how many, or (size_t)-1 when out
 * of memory. */
size_t textidx_values(const struct textidx *ix, unsigned field, uint32_t *out);

void textidx_reset(void);

/* edoc.norm: lower-case ASCII, fold typographic quotes and the ellipsis,
 * collapse whitespace (including NBSP), trim. Writes at most n bytes (the
 * result is never longer than the input) and returns the length; no NUL. */
size_t textidx_norm(char *out, const char *s, size_t n);

#endif

/* jarena — see jarena.h. */
#include "util/jarena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonx.h"

#define BLOCK_MIN ((size_t)64 * 1024)
#define BLOCK_MAX ((size_t)32 * 1024 * 1024)
#define ALIGN 8 /* cJSON nodes hold pointers and a double */

struct block {
    char *base;
    size_t size, used;
};

struct arena {
    const cJSON *root;
    struct block *b;
    size_t n, cap;
};

/* Live arenas; few at a time (one per loaded document). */
static struct arena *live;
static size_t n_live, cap_live;
static struct arena *open_arena; /* where cJSON allocates now, or NULL */
static int hooked;

static int owns(const struct arena *a, const void *p)
{
    size_t i;
    for (i = 0; i < a->n; i++)
        if ((const char *)p >= a->b[i].base && (const char *)p < a->b[i].base + a->b[i].size)
            return 1;
    return 0;
}

static void *bump(struct arena *a, size_t n)
{
    struct block *cur = a->n ? &a->b[a->n - 1] : NULL;
    size_t want = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (!cur || cur->size - cur->used < want) {
        size_t size = cur ? cur->size * 2 : BLOCK_MIN;
        struct block nb;
        if (size > BLOCK_MAX)
            size = BLOCK_MAX;
        if (size < want)
            size = want;
        if (a->n == a->cap) {
            size_t c = a->cap ? a->cap * 2 : 16;
            struct block *v = realloc(a->b, c * sizeof *v);
            if (!v)
                return NULL;
            a->b = v;
            a->cap = c;
        }
        if (!(nb.base = malloc(size)))
            return NULL;
        nb.size = size;
        nb.used = 0;
        a->b[a->n++] = nb;
        cur = &a->b[a->n - 1];
    }
    cur->used += want;
    return cur->base + cur->used - want;
}

static void *hook_malloc(size_t n)
{
    return open_arena ? bump(open_arena, n) : malloc(n);
}

static void hook_free(void *p)
{
    size_t i;
    if (!p)
        return;
    for (i = 0; i < n_live; i++)
        if (owns(&live[i], p))
            return; /* goes back with its arena */
    free(p);
}

static void release(size_t at)
{
    size_t i;
    for (i = 0; i < live[at].n; i++)
        free(live[at].b[i].base);
    free(live[at].b);
    live[at] = live[--n_live];
}

cJSON *jarena_parse(const char *text, size_t len, const char *what, struct err *e)
{
    cJSON *root;
    if (!hooked) {
        cJSON_Hooks h = {hook_malloc, hook_free};
        cJSON_InitHooks(&h);
        hooked = 1;
    }
    if (n_live == cap_live) {
        size_t c = cap_live ? cap_live * 2 : 4;
        struct arena *v = realloc(live, c * sizeof *v);
        if (!v)
            return jsonx_parse(text, len, what, e); /* no arena: a plain tree */
        live = v;
        cap_live = c;
    }
    memset(&live[n_live], 0, sizeof live[n_live]);
    open_arena = &live[n_live++];
    root = jsonx_parse(text, len, what, e);
    open_arena = NULL;
    if (!root) {
        release(n_live - 1);
        if (!n_live) {
            free(live);
            live = NULL;
            cap_live = 0;
        }
        return NULL;
    }
    live[n_live - 1].root = root;
    return root;
}

void jarena_delete(cJSON *root)
{
    size_t i;
    if (!root)
        return;
    for (i = 0; i < n_live && live[i].root != root; i++)
        ;
    if (i == n_live) {
        cJSON_Delete(root); /* not an arena tree */
        return;
    }
    /* No walk over the nodes: they all live in the blocks. */
    release(i);
    if (!n_live) {
        free(live);
        live = NULL;
        cap_live = 0;
    }
}

size_t jarena_bytes(void)
{
    size_t i, k, n = 0;
    for (i = 0; i < n_live; i++)
        for (k = 0; k < live[i].n; k++)
            n += live[i].b[k].size;
    return n;
}

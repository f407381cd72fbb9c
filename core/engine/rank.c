/* rank — see rank.h. */
#include "engine/rank.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonx.h"
#include "util/strutil.h"

static double severity_weight(const char *s)
{
    switch (finding_severity_level(s)) {
    case 5: return 100.0;
    case 4: return 70.0;
    case 3: return 40.0;
    case 2: return 15.0;
    case 1: return 5.0;
    default: return 0.0;
    }
}

double rank_score(const struct finding *f, double ref)
{
    /* Blast radius grows with the log of the count so a thousand symptoms do
     * not outrank one certain root cause; recency adds up to 5 points for
     * what happened in the last day of the evidence window. */
    double blast = 2.0 * log2((double)f->count + 1.0);
    double recency = 0.0, s;
    if (blast > 20.0)
        blast = 20.0;
    if (ref > 0 && f->when > 0) {
        double age = ref - f->when;
        if (age < 0)
            age = 0;
        recency = 5.0 * (1.0 - age / 86400.0);
        if (recency < 0)
            recency = 0;
    }
    s = severity_weight(f->severity) * f->confidence + blast + recency;
    return round(s * 10.0) / 10.0;
}

static int str_cmp0(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* Score descending, then check id, title and key ascending; the caller's
 * original position settles exact duplicates, so the order is total. */
struct item {
    struct finding *f;
    size_t pos;
};

static int cmp_items(const void *pa, const void *pb)
{
    const struct item *a = pa, *b = pb;
    int c;
    if (a->f->score != b->f->score)
        return a->f->score > b->f->score ? -1 : 1;
    if ((c = str_cmp0(a->f->check, b->f->check)) != 0)
        return c;
    if ((c = str_cmp0(a->f->title, b->f->title)) != 0)
        return c;
    if ((c = str_cmp0(a->f->key, b->f->key)) != 0)
        return c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int explains(const struct finding *root, const struct finding *sym)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, root->explains)
        if (cJSON_IsString(it) && ((sym->category && !strcmp(it->valuestring, sym->category)) ||
                                   !strcmp(it->valuestring, sym->check)))
            return 1;
    return 0;
}

static int is_diag(const struct finding *f) { return !strcmp(f->kind, "diagnosis"); }

/* Merges findings of the same check and key into the first one. */
static void merge(struct finding_list *in)
{
    size_t i, j, k = 0;
    for (i = 0; i < in->n; i++) {
        struct finding *f = in->v[i];
        int merged = 0;
        if (f->key && *f->key) {
            for (j = 0; j < k; j++) {
                struct finding *g = in->v[j];
                if (g->key && !strcmp(g->key, f->key) && !strcmp(g->check, f->check)) {
                    finding_merge_into(g, f);
                    finding_free(f);
                    merged = 1;
                    break;
                }
            }
        }
        if (!merged)
            in->v[k++] = f;
    }
    in->n = k;
}

/* A root's weight for the order of roots; ties keep the score order. */
struct weighted {
    double w;
    size_t i; /* index into the score order */
};

static int cmp_weight(const void *pa, const void *pb)
{
    const struct weighted *a = pa, *b = pb;
    if (a->w != b->w)
        return a->w > b->w ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

enum err_code rank_findings(struct finding_list *in, const cJSON *evidence, struct finding_list *out)
{
    struct item *items = NULL, *order = NULL;
    struct weighted *byw = NULL;
    long *root = NULL, *newpos = NULL;
    size_t *nsym = NULL;
    size_t i, j, p, n, k = 0;
    double ref = jsonx_num(cJSON_GetObjectItemCaseSensitive(evidence, "window"), "until", 0);
    enum err_code rc = ERR_NOMEM;

    merge(in);
    n = in->n;
    if (n == 0) {
        free(in->v);
        in->v = NULL;
        in->cap = 0;
        return ERR_OK;
    }
    if (ref <= 0)
        for (i = 0; i < n; i++)
            if (in->v[i]->when > ref)
                ref = in->v[i]->when;
    items = calloc(n, sizeof *items);
    order = calloc(n, sizeof *order);
    root = calloc(n, sizeof *root);
    newpos = calloc(n, sizeof *newpos);
    nsym = calloc(n, sizeof *nsym);
    byw = calloc(n, sizeof *byw);
    if (!items || !order || !root || !newpos || !nsym || !byw)
        goto out;
    for (i = 0; i < n; i++) {
        in->v[i]->score = rank_score(in->v[i], ref);
        items[i].f = in->v[i];
        items[i].pos = i;
        root[i] = -1;
    }
    /* Sorted by score, the first eligible root of a symptom is the
     * highest-scoring one. Links are one level deep: a symptom cannot be a
     * root and a root cannot become a symptom, so no cycle can form. */
    qsort(items, n, sizeof *items, cmp_items);
    for (i = 0; i < n; i++) {
        struct finding *r = items[i].f;
        if (!is_diag(r) || root[i] >= 0 || cJSON_GetArraySize(r->explains) == 0)
            continue;
        for (j = 0; j < n; j++) {
            struct finding *s = items[j].f;
            if (j == i || !is_diag(s) || root[j] >= 0 || nsym[j] > 0 || !explains(r, s))
                continue;
            root[j] = (long)i;
            nsym[i]++;
        }
    }
    /* Roots in order of their own score plus half their strongest symptom's:
     * the cause of a failed deployment goes before a lesser problem that
     * scores higher on its own, because what it explains is part of its
     * weight. One symptom, not their sum: a pile of symptoms must not carry
     * a doubtful root past a certain one (their counts are in their scores). */
    for (i = 0; i < n; i++) {
        byw[i].w = 0;
        byw[i].i = i;
    }
    for (i = 0; i < n; i++)
        if (root[i] >= 0 && 0.5 * items[i].f->score > byw[root[i]].w)
            byw[root[i]].w = 0.5 * items[i].f->score;
    for (i = 0; i < n; i++)
        byw[i].w += items[i].f->score;
    qsort(byw, n, sizeof *byw, cmp_weight);
    /* Diagnoses' roots, each followed by its symptoms; then recommendations. */
    for (p = 0; p < n; p++) {
        i = byw[p].i;
        if (!is_diag(items[i].f) || root[i] >= 0)
            continue;
        order[k++] = items[i];
        newpos[i] = (long)k - 1;
        for (j = 0; j < n; j++) {
            if (root[j] == (long)i) {
                order[k] = items[j];
                order[k].f->caused_by = (long)i; /* remapped below */
                newpos[j] = (long)k;
                k++;
            }
        }
    }
    for (i = 0; i < n; i++) {
        if (is_diag(items[i].f))
            continue;
        newpos[i] = (long)k;
        order[k++] = items[i];
    }
    for (i = 0; i < n; i++) {
        struct finding *f = order[i].f;
        char id[400];
        size_t same = 0;
        f->caused_by = f->caused_by >= 0 ? newpos[f->caused_by] : -1;
        f->rank = (int)i + 1;
        for (j = 0; j < i; j++)
            if (!strcmp(order[j].f->check, f->check))
                same++;
        snprintf(id, sizeof id, "%s#%zu", f->check, same + 1);
        free(f->id);
        f->id = str_dup(id);
        if (finding_list_push(out, f) != ERR_OK)
            goto out;
        in->v[order[i].pos] = NULL;
    }
    rc = ERR_OK;
out:
    /* Whatever was not moved stays in `in` for the caller to free. */
    for (i = 0, k = 0; i < in->n; i++)
        if (in->v[i])
            in->v[k++] = in->v[i];
    in->n = k;
    free(items);
    free(order);
    free(root);
    free(newpos);
    free(nsym);
    free(byw);
    return rc;
}

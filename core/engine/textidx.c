/* textidx — see textidx.h. */
#include "engine/textidx.h"

#include <stdlib.h>
#include <string.h>

static struct textidx cur;
static int built;

static const char *const field_names[TEXTIDX_FIELDS] = {
    "stoppedReason", "stopCode", "group", "taskDefinitionArn", "lastStatus",
};

unsigned textidx_scope_bit(const char *name)
{
    unsigned f;
    for (f = 0; name && f < TEXTIDX_FIELDS; f++)
        if (!strcmp(name, field_names[f]))
            return 1u << f;
    return name && !strcmp(name, "containers") ? TEXTIDX_CONTAINERS : 0;
}

size_t textidx_norm(char *out, const char *s, size_t n)
{
    size_t i, k = 0;
    int space = 1; /* drops leading whitespace */
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80) {
            unsigned char d = (unsigned char)s[i + 2];
            if (d == 0x98 || d == 0x99 || d == 0x9C || d == 0x9D) {
                out[k++] = (d == 0x98 || d == 0x99) ? '\'' : '"';
                space = 0;
                i += 2;
                continue;
            }
            if (d == 0xA6) {
                memcpy(out + k, "...", 3);
                k += 3;
                space = 0;
                i += 2;
                continue;
            }
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            c = ' ';
            i++;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            if (!space)
                out[k++] = ' ';
            space = 1;
            continue;
        }
        out[k++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
        space = 0;
    }
    if (k && out[k - 1] == ' ')
        k--;
    return k;
}

void textidx_reset(void)
{
    size_t i;
    for (i = 0; i < cur.n_texts; i++)
        free(cur.text[i].norm);
    free(cur.text);
    free(cur.task);
    free(cur.off);
    free(cur.ids);
    memset(&cur, 0, sizeof cur);
    built = 0;
}

/* The whole text is hashed (not a sample): reasons that differ only in an
 * IP address or a task id in the middle must not share a probe chain. */
static uint64_t hash_text(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
    while (n >= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94D049BB133111EBull;
    return h ^ (h >> 29);
}

/* Distinct texts during the build: open addressing over text ids + 1. */
struct dict {
    uint32_t *slot;
    uint64_t *hash; /* per text id */
    size_t mask, cap;
};

static int dict_grow(struct dict *d, const struct textidx *ix)
{
    size_t n = d->slot ? (d->mask + 1) * 2 : 1024, i;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s)
        return -1;
    for (i = 0; i < ix->n_texts; i++) {
        size_t at = d->hash[i] & (n - 1);
        while (s[at])
            at = (at + 1) & (n - 1);
        s[at] = (uint32_t)i + 1;
    }
    free(d->slot);
    d->slot = s;
    d->mask = n - 1;
    return 0;
}

/* The id of text s (added when new), or TEXTIDX_NONE when out of memory. */
static uint32_t intern(struct dict *d, struct textidx *ix, const char *s)
{
    size_t n = strlen(s), at;
    uint64_t h = hash_text(s, n);
    struct textidx_text *t;
    if (!d->slot || (ix->n_texts + 1) * 2 > d->mask + 1)
        if (dict_grow(d, ix) < 0)
            return TEXTIDX_NONE;
    for (at = h & d->mask; d->slot[at]; at = (at + 1) & d->mask) {
        uint32_t id = d->slot[at] - 1;
        if (d->hash[id] == h && ix->text[id].len == n && memcmp(ix->text[id].raw, s, n) == 0)
            return id;
    }
    if (ix->n_texts == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        struct textidx_text *nt = realloc(ix->text, cap * sizeof *nt);
        uint64_t *nh;
        if (!nt)
            return TEXTIDX_NONE;
        ix->text = nt;
        if (!(nh = realloc(d->hash, cap * sizeof *nh)))
            return TEXTIDX_NONE;
        d->hash = nh;
        d->cap = cap;
    }
    t = &ix->text[ix->n_texts];
    if (!(t->norm = malloc(n + 1)))
        return TEXTIDX_NONE;
    t->raw = s;
    t->len = n;
    t->nlen = textidx_norm(t->norm, s, n);
    t->norm[t->nlen] = '\0';
    d->hash[ix->n_texts] = h;
    d->slot[at] = (uint32_t)ix->n_texts + 1;
    return (uint32_t)ix->n_texts++;
}

static const char *str_member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* Appends id to ix->ids (growing it), or fails. */
static int push_id(struct textidx *ix, size_t *n, size_t *cap, uint32_t id)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 1024;
        uint32_t *v = realloc(ix->ids, c * sizeof *v);
        if (!v)
            return -1;
        ix->ids = v;
        *cap = c;
    }
    ix->ids[(*n)++] = id;
    return 0;
}

static int build(const cJSON *root)
{
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(root, "tasks"), *t, *c;
    struct dict d = {0};
    size_t n = 0, nid = 0, cap = 0, i = 0;
    int rc = -1;
    cur.root = root;
    if (!cJSON_IsArray(tasks))
        return 0;
    for (t = tasks->child; t; t = t->next)
        n++;
    cur.task = malloc((n ? n : 1) * sizeof *cur.task);
    cur.off = malloc((n + 1) * sizeof *cur.off);
    if (!cur.task || !cur.off)
        goto out;
    for (t = tasks->child; t; t = t->next, i++) {
        const cJSON *cs = cJSON_IsObject(t) ? cJSON_GetObjectItemCaseSensitive(t, "containers") : NULL;
        uint32_t id;
        size_t f;
        cur.task[i] = t;
        cur.off[i] = (uint32_t)nid;
        for (f = 0; f < TEXTIDX_FIELDS; f++) {
            const char *v = cJSON_IsObject(t) ? str_member(t, field_names[f]) : NULL;
            id = v ? intern(&d, &cur, v) : TEXTIDX_NONE;
            if ((v && id == TEXTIDX_NONE) || push_id(&cur, &nid, &cap, id) < 0)
                goto out;
        }
        for (c = cJSON_IsArray(cs) ? cs->child : NULL; c; c = c->next) {
            const char *cr = cJSON_IsObject(c) ? str_member(c, "reason") : NULL;
            if (!cr)
                continue;
            if ((id = intern(&d, &cur, cr)) == TEXTIDX_NONE || push_id(&cur, &nid, &cap, id) < 0)
                goto out;
        }
    }
    cur.off[n] = (uint32_t)nid;
    cur.n_tasks = n;
    rc = 0;
out:
    free(d.slot);
    free(d.hash);
    return rc;
}

const struct textidx *textidx_get(const cJSON *root)
{
    if (built && cur.root == root)
        return &cur;
    textidx_reset();
    if (build(root) < 0) {
        textidx_reset();
        return NULL;
    }
    built = 1;
    return &cur;
}

static int flagged(const struct textidx *ix, const unsigned char *text_hit, size_t k)
{
    return ix->ids[k] != TEXTIDX_NONE && text_hit[ix->ids[k]];
}

size_t textidx_tasks(const struct textidx *ix, const unsigned char *text_hit, unsigned scope, unsigned char *hit)
{
    size_t i, k, found = 0;
    for (i = 0; i < ix->n_tasks; i++) {
        size_t at = ix->off[i], f;
        int h = 0;
        for (f = 0; f < TEXTIDX_FIELDS && !h; f++)
            h = (scope & (1u << f)) && flagged(ix, text_hit, at + f);
        for (k = at + TEXTIDX_FIELDS; !h && (scope & TEXTIDX_CONTAINERS) && k < ix->off[i + 1]; k++)
            h = flagged(ix, text_hit, k);
        hit[i] = (unsigned char)h;
        found += (size_t)h;
    }
    return found;
}

void textidx_in_scope(const struct textidx *ix, unsigned scope, unsigned char *in_scope)
{
    size_t i, k;
    for (i = 0; i < ix->n_tasks; i++) {
        size_t at = ix->off[i];
        for (k = at; k < ix->off[i + 1]; k++) {
            unsigned part = k < at + TEXTIDX_FIELDS ? 1u << (k - at) : TEXTIDX_CONTAINERS;
            if ((scope & part) && ix->ids[k] != TEXTIDX_NONE)
                in_scope[ix->ids[k]] = 1;
        }
    }
}

size_t textidx_values(const struct textidx *ix, unsigned field, uint32_t *out)
{
    size_t i, n = 0, f = 0;
    unsigned char *seen;
    while (f < TEXTIDX_FIELDS && field != 1u << f)
        f++;
    if (f == TEXTIDX_FIELDS)
        return 0;
    if (!(seen = calloc(ix->n_texts + 1, 1)))
        return (size_t)-1;
    for (i = 0; i < ix->n_tasks; i++) {
        uint32_t id = ix->ids[ix->off[i] + f];
        if (id != TEXTIDX_NONE && !seen[id]) {
            seen[id] = 1;
            out[n++] = id;
        }
    }
    free(seen);
    return n;
}

/* nodeidx — see nodeidx.h. */
#include "engine/nodeidx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 8

static struct {
    const cJSON *container, *item;
    size_t index;
    size_t len; /* SIZE_MAX until counted */
} slots[SLOTS];
static size_t next_slot;

void nodeidx_reset(void)
{
    memset(slots, 0, sizeof slots);
    next_slot = 0;
}

static size_t slot_of(const cJSON *c)
{
    size_t s;
    for (s = 0; s < SLOTS; s++)
        if (slots[s].container == c)
            return s;
    s = next_slot;
    next_slot = (next_slot + 1) % SLOTS;
    slots[s].container = c;
    slots[s].item = NULL;
    slots[s].index = 0;
    slots[s].len = SIZE_MAX;
    return s;
}

size_t nodeidx_len(const cJSON *c)
{
    const cJSON *it;
    size_t s, n = 0;
    if (!c || !(cJSON_IsArray(c) || cJSON_IsObject(c)))
        return 0;
    for (s = 0; s < SLOTS; s++)
        if (slots[s].container == c && slots[s].len != SIZE_MAX)
            return slots[s].len;
    for (it = c->child; it; it = it->next)
        n++;
    if (n >= 16) { /* small containers never take a slot (see nodeidx_at) */
        s = slot_of(c);
        slots[s].len = n;
    }
    return n;
}

const cJSON *nodeidx_at(const cJSON *c, size_t i)
{
    const cJSON *it;
    size_t k, s;
    if (!c || !(cJSON_IsArray(c) || cJSON_IsObject(c)))
        return NULL;
    /* Short walks are cheap: only long containers take a slot, so the
     * thousands of small per-task arrays cannot evict /tasks. */
    if (i < 16) {
        for (it = c->child, k = 0; it && k < i; it = it->next)
            k++;
        return it;
    }
    for (s = 0; s < SLOTS; s++)
        if (slots[s].container == c)
            break;
    if (s < SLOTS && slots[s].item && slots[s].index <= i) {
        it = slots[s].item;
        k = slots[s].index;
    } else {
        it = c->child;
        k = 0;
    }
    while (it && k < i) {
        it = it->next;
        k++;
    }
    if (!it)
        return NULL;
    if (s == SLOTS)
        s = slot_of(c);
    slots[s].item = it;
    slots[s].index = i;
    return it;
}

const cJSON *nodeidx_pointer(const cJSON *root, const char *p)
{
    char tok[1024];
    const cJSON *cur = root;
    if (!root || !p)
        return NULL;
    while (*p == '/' && cur) {
        size_t k = 0;
        p++;
        while (*p && *p != '/') {
            char ch = *p++;
            if (ch == '~') {
                if (*p != '0' && *p != '1')
                    return NULL;
                ch = *p++ == '0' ? '~' : '/';
            }
            if (k + 1 >= sizeof tok)
                return NULL;
            tok[k++] = ch;
        }
        tok[k] = '\0';
        if (cJSON_IsArray(cur)) {
            char *end;
            unsigned long idx;
            if (!tok[0] || (tok[0] == '0' && tok[1]) || tok[0] < '0' || tok[0] > '9')
                return NULL;
            idx = strtoul(tok, &end, 10);
            if (*end)
                return NULL;
            cur = nodeidx_at(cur, idx);
        } else if (cJSON_IsObject(cur)) {
            cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
        } else {
            return NULL;
        }
    }
    return *p ? NULL : cur;
}

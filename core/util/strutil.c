/* strutil — see strutil.h. */
#include "util/strutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *str_dup(const char *s)
{
    return s ? str_ndup(s, strlen(s)) : NULL;
}

char *str_ndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

int str_starts(const char *s, const char *prefix)
{
    return s && prefix && strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_ends(const char *s, const char *suffix)
{
    size_t a, b;
    if (!s || !suffix)
        return 0;
    a = strlen(s);
    b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

const char *str_icase_find(const char *hay, const char *needle)
{
    size_t n;
    if (!hay || !needle)
        return NULL;
    n = strlen(needle);
    if (!n)
        return hay;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return hay;
    }
    return NULL;
}

const char *str_basename(const char *s)
{
    const char *p;
    if (!s)
        return NULL;
    p = strrchr(s, '/');
    if (p)
        return p + 1;
    p = strrchr(s, ':');
    return p ? p + 1 : s;
}

long str_duration(const char *s)
{
    char *end;
    double v, mult;
    /* Digits, at most one '.', then exactly one unit: "1.5h", "1w". strtod
     * alone would accept "1e3", "inf", hex and leading spaces. */
    const char *p = s;
    int dots = 0;
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    while (isdigit((unsigned char)*p) || (*p == '.' && !dots++))
        p++;
    v = strtod(s, &end);
    if (end != p)
        return -1;
    if (!*end)
        /* A bare number is ambiguous (seconds? hours?): only 0 reads the same
         * in every unit. */
        return v == 0 ? 0 : -2;
    switch (*end) {
    case 's': mult = 1; break;
    case 'm': mult = 60; break;
    case 'h': mult = 3600; break;
    case 'd': mult = 86400; break;
    case 'w': mult = 7 * 86400; break;
    default: return -1;
    }
    if (end[1] || v * mult > 100.0 * 365 * 86400)
        return -1;
    return (long)(v * mult + 0.5);
}

char *str_printable(const char *s, char *out, size_t len)
{
    size_t i;
    if (!len)
        return out;
    for (i = 0; s && s[i] && i + 1 < len; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    out[i] = '\0';
    return out;
}

#define DIST_MAX 64

int str_distance(const char *a, const char *b)
{
    /* Three rows of Damerau-Levenshtein (optimal string alignment). */
    int rows[3][DIST_MAX + 1], *pp = rows[0], *prev = rows[1], *cur = rows[2], *t;
    size_t la = strlen(a), lb = strlen(b), i, j;
    if (la > DIST_MAX || lb > DIST_MAX)
        return 1000;
    for (j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1], v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
        }
        t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

const char *str_nearest(const char *s, const char *const *candidates, size_t n, int max_dist)
{
    const char *best = NULL;
    int best_d = 1001;
    size_t i;
    if (!s)
        return NULL;
    for (i = 0; i < n; i++) {
        int d;
        if (!candidates[i])
            continue;
        d = str_distance(s, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    if (best_d >= 1000) /* too long to compare: nothing is near */
        return NULL;
    return max_dist < 0 || best_d <= max_dist ? best : NULL;
}

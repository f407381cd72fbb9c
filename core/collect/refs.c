/* refs — see refs.h. */
#include "collect/refs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_n(char *dst, size_t dlen, const char *src, size_t n)
{
    if (!dlen)
        return;
    if (n >= dlen)
        n = dlen - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void copy(char *dst, size_t dlen, const char *src)
{
    copy_n(dst, dlen, src, strlen(src));
}

int refs_arn_parse(const char *s, struct arn *out)
{
    const char *f[5];
    const char *p;
    int i;
    memset(out, 0, sizeof *out);
    if (!s || strncmp(s, "arn:", 4))
        return -1;
    p = s + 4;
    /* f[0..3]: partition, service, region, account, each ended by ':';
     * f[4]: the resource (may itself contain ':'). */
    for (i = 0; i < 4; i++) {
        f[i] = p;
        p = strchr(p, ':');
        if (!p)
            return -1;
        p++;
    }
    f[4] = p;
    copy_n(out->partition, sizeof out->partition, f[0], (size_t)(f[1] - f[0] - 1));
    copy_n(out->service, sizeof out->service, f[1], (size_t)(f[2] - f[1] - 1));
    copy_n(out->region, sizeof out->region, f[2], (size_t)(f[3] - f[2] - 1));
    copy_n(out->account, sizeof out->account, f[3], (size_t)(f[4] - f[3] - 1));
    copy(out->resource, sizeof out->resource, f[4]);
    return out->partition[0] && out->service[0] && out->resource[0] ? 0 : -1;
}

int refs_ecs_target(const char *s, const char *kind, char *cluster, size_t clen, char *name,
                    size_t nlen, char *region, size_t rlen)
{
    struct arn a;
    size_t kl = strlen(kind);
    const char *r, *slash;
    if (clen)
        cluster[0] = '\0';
    if (rlen)
        region[0] = '\0';
    if (refs_arn_parse(s, &a) != 0) {
        copy(name, nlen, s);
        return 0;
    }
    if (strcmp(a.service, "ecs") || strncmp(a.resource, kind, kl) || a.resource[kl] != '/')
        return -1;
    copy(region, rlen, a.region);
    r = a.resource + kl + 1;
    if (!strcmp(kind, "cluster")) {
        copy(name, nlen, r);
        return *r ? 0 : -1;
    }
    slash = strchr(r, '/');
    if (slash) {
        copy_n(cluster, clen, r, (size_t)(slash - r));
        r = slash + 1;
    }
    copy(name, nlen, r);
    return *r ? 0 : -1;
}

/* "<acct>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]" */
static int ecr_host(const char *host, struct image_ref *out)
{
    const char *p = strchr(host, '.'), *q;
    size_t n = p ? (size_t)(p - host) : 0;
    size_t i;
    if (n != 12)
        return 0;
    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)host[i]))
            return 0;
    if (!strncmp(p, ".dkr.ecr.", 9))
        p += 9;
    else if (!strncmp(p, ".dkr.ecr-fips.", 14))
        p += 14;
    else
        return 0;
    q = strchr(p, '.');
    if (!q || (strcmp(q, ".amazonaws.com") && strcmp(q, ".amazonaws.com.cn")))
        return 0;
    copy_n(out->registry_id, sizeof out->registry_id, host, n);
    copy_n(out->region, sizeof out->region, p, (size_t)(q - p));
    return 1;
}

int refs_image_parse(const char *ref, struct image_ref *out)
{
    char tmp[1024];
    char *at, *slash, *colon, *rest = tmp;
    memset(out, 0, sizeof *out);
    if (!ref || !*ref || strlen(ref) >= sizeof tmp)
        return -1;
    copy(tmp, sizeof tmp, ref);
    at = strchr(tmp, '@');
    if (at) {
        *at = '\0';
        copy(out->digest, sizeof out->digest, at + 1);
        if (!out->digest[0])
            return -1;
    }
    /* The first component is a registry host when it looks like one
     * (Docker's rule: contains '.' or ':' or is "localhost"). */
    slash = strchr(tmp, '/');
    if (slash) {
        *slash = '\0';
        if (strchr(tmp, '.') || strchr(tmp, ':') || !strcmp(tmp, "localhost")) {
            copy(out->host, sizeof out->host, tmp);
            rest = slash + 1;
        } else {
            *slash = '/';
        }
    }
    colon = strrchr(rest, ':');
    if (colon && !strchr(colon, '/')) {
        *colon = '\0';
        copy(out->tag, sizeof out->tag, colon + 1);
        if (!out->tag[0])
            return -1;
    }
    if (!*rest)
        return -1;
    if (!out->tag[0] && !out->digest[0])
        copy(out->tag, sizeof out->tag, "latest");
    if (out->host[0] && ecr_host(out->host, out)) {
        copy(out->registry, sizeof out->registry, "ecr");
        copy(out->repository, sizeof out->repository, rest);
    } else if (!out->host[0] || !strcmp(out->host, "docker.io") ||
               !strcmp(out->host, "index.docker.io") || !strcmp(out->host, "registry-1.docker.io")) {
        copy(out->registry, sizeof out->registry, "dockerhub");
        if (!strchr(rest, '/')) {
            /* Docker Hub's official images live under "library/". */
            if (strlen(rest) + 8 >= sizeof out->repository)
                return -1;
            memcpy(out->repository, "library/", 8);
            copy(out->repository + 8, sizeof out->repository - 8, rest);
        } else
            copy(out->repository, sizeof out->repository, rest);
    } else {
        copy(out->registry, sizeof out->registry, "other");
        copy(out->repository, sizeof out->repository, rest);
    }
    return 0;
}

int refs_secret_parse(const char *v, struct secret_ref *out)
{
    struct arn a;
    memset(out, 0, sizeof *out);
    if (!v || !*v || strlen(v) >= sizeof out->id)
        return -1;
    if (refs_arn_parse(v, &a) != 0) {
        /* A bare name is a Parameter Store name in the task's region. */
        out->kind = SECRET_SSM;
        copy(out->id, sizeof out->id, v);
        copy(out->name, sizeof out->name, v);
        return 0;
    }
    copy(out->region, sizeof out->region, a.region);
    if (!strcmp(a.service, "secretsmanager")) {
        /* resource = "secret:NAME[:json-key:version-stage:version-id]" */
        const char *name, *end;
        const char *res = a.resource;
        size_t base;
        if (strncmp(res, "secret:", 7) || !res[7])
            return -1;
        name = res + 7;
        end = strchr(name, ':');
        out->kind = SECRET_SM;
        copy_n(out->name, sizeof out->name, name, end ? (size_t)(end - name) : strlen(name));
        if (end) {
            const char *k2 = strchr(end + 1, ':');
            copy_n(out->json_key, sizeof out->json_key, end + 1,
                   k2 ? (size_t)(k2 - end - 1) : strlen(end + 1));
        }
        base = (size_t)(strstr(v, ":secret:") + 8 - v) + strlen(out->name);
        copy_n(out->id, sizeof out->id, v, base);
        return 0;
    }
    if (!strcmp(a.service, "ssm")) {
        const char *p;
        if (strncmp(a.resource, "parameter/", 10) || !a.resource[10])
            return -1;
        p = a.resource + 10;
        out->kind = SECRET_SSM;
        copy(out->id, sizeof out->id, v);
        /* parameter/a/b names "/a/b"; parameter/x names "x". */
        if (strchr(p, '/'))
            snprintf(out->name, sizeof out->name, "/%s", p);
        else
            copy(out->name, sizeof out->name, p);
        return 0;
    }
    return -1;
}

char *refs_stream_name(const char *prefix, const char *container, const char *task, char *out,
                       size_t len)
{
    const char *id;
    int n;
    if (!prefix || !container || !task || !*prefix || !*container || !*task)
        return NULL;
    id = strrchr(task, '/');
    id = id ? id + 1 : task;
    n = snprintf(out, len, "%s/%s/%s", prefix, container, id);
    return n < 0 || (size_t)n >= len ? NULL : out;
}

int refs_taskdef_family(const char *arn, char *family, size_t flen, long *rev)
{
    const char *p = strstr(arn ? arn : "", "task-definition/"), *colon;
    p = p ? p + 16 : arn;
    *rev = 0;
    if (!p || !*p)
        return -1;
    colon = strrchr(p, ':');
    if (colon) {
        *rev = strtol(colon + 1, NULL, 10);
        copy_n(family, flen, p, (size_t)(colon - p));
    } else {
        copy(family, flen, p);
    }
    return family[0] ? 0 : -1;
}

size_t refs_batches(size_t n, size_t max)
{
    return max ? (n + max - 1) / max : 0;
}

int refs_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    int row[256], prev, tmp;
    if (la > 255 || lb > 255)
        return 255;
    for (j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (i = 1; i <= la; i++) {
        prev = row[0];
        row[0] = (int)i;
        for (j = 1; j <= lb; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = prev + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            tmp = row[j];
            row[j] = best;
            prev = tmp;
        }
    }
    return row[lb] > 255 ? 255 : row[lb];
}

void refs_suggest(const char *name, const char *const *cand, size_t n, char *out, size_t len)
{
    int best[3] = {256, 256, 256};
    const char *pick[3] = {NULL, NULL, NULL};
    size_t i, nl = strlen(name), used = 0;
    int limit = nl < 6 ? 2 : (int)(nl / 3);
    int k;
    if (len)
        out[0] = '\0';
    for (i = 0; i < n; i++) {
        int d = refs_edit_distance(name, cand[i]);
        /* A name that contains the typed one (or vice versa) is close too. */
        if (d > limit && (strstr(cand[i], name) || strstr(name, cand[i])) && nl >= 3)
            d = limit;
        if (d > limit)
            continue;
        for (k = 0; k < 3; k++) {
            if (d < best[k]) {
                int m;
                for (m = 2; m > k; m--) {
                    best[m] = best[m - 1];
                    pick[m] = pick[m - 1];
                }
                best[k] = d;
                pick[k] = cand[i];
                break;
            }
        }
    }
    for (k = 0; k < 3 && pick[k]; k++) {
        int w = snprintf(out + used, len - used, "%s%s", k ? ", " : "", pick[k]);
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *refs_url_decode(const char *s)
{
    size_t n = strlen(s);
    char *o = malloc(n + 1), *w = o;
    if (!o)
        return NULL;
    while (*s) {
        int h, l;
        if (*s == '%' && (h = hexval((unsigned char)s[1])) >= 0 && (l = hexval((unsigned char)s[2])) >= 0) {
            *w++ = (char)(h * 16 + l);
            s += 3;
        } else {
            *w++ = *s++;
        }
    }
    *w = '\0';
    return o;
}

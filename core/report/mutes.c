/* mutes — see mutes.h. */
#include "report/mutes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/finding.h"
#include "report/utc.h"
#include "report/verdict.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#define MUTES_MAX_BYTES ((size_t)1024 * 1024)
#define MUTES_MAX 1000

/* One validated mute entry; strings borrowed from the parsed file. */
struct mute {
    const char *what;  /* "check" | "category" | "recommendation" */
    const char *value;
    const char *service;
    const char *reason;
    const char *expires;
    time_t until;      /* first instant at which the mute no longer applies */
    int index;
};

static const char *const selectors[] = {"check", "category", "recommendation"};

static enum err_code parse_one(const cJSON *m, int i, const char *path, struct mute *out, struct err *e)
{
    const cJSON *v;
    size_t k;
    int n = 0;
    memset(out, 0, sizeof *out);
    out->index = i;
    if (!cJSON_IsObject(m))
        return err_set(e, ERR_SCHEMA, "%s: mutes[%d]: expected an object", path, i);
    for (k = 0; k < sizeof selectors / sizeof selectors[0]; k++) {
        v = cJSON_GetObjectItemCaseSensitive(m, selectors[k]);
        if (!v)
            continue;
        if (!cJSON_IsString(v) || !*v->valuestring)
            return err_set(e, ERR_SCHEMA, "%s: mutes[%d]: '%s' must be a non-empty string", path, i,
                           selectors[k]);
        out->what = selectors[k];
        out->value = v->valuestring;
        n++;
    }
    if (n != 1)
        return err_set(e, ERR_SCHEMA, "%s: mutes[%d]: needs exactly one of 'check', 'category', 'recommendation'",
                       path, i);
#define REQUIRE_STR(field, key)                                                                    \
    do {                                                                                           \
        v = cJSON_GetObjectItemCaseSensitive(m, key);                                              \
        if (!v)                                                                                    \
            return err_set(e, ERR_SCHEMA, "%s: mutes[%d]: missing '%s'", path, i, key);            \
        if (!cJSON_IsString(v) || !*v->valuestring)                                                \
            return err_set(e, ERR_SCHEMA, "%s: mutes[%d]: '%s' must be a non-empty string", path, i, key); \
        out->field = v->valuestring;                                                               \
    } while (0)
    REQUIRE_STR(service, "service");
    REQUIRE_STR(reason, "reason");
    REQUIRE_STR(expires, "expires");
#undef REQUIRE_STR
    if (utc_parse(out->expires, &out->until))
        return err_set(e, ERR_SCHEMA, "%s: mutes[%d]: 'expires' is not a date (YYYY-MM-DD or RFC 3339): '%s'",
                       path, i, out->expires);
    /* A bare date means "through that day" (UTC), the way people write it. */
    if (strlen(out->expires) == 10)
        out->until += 86400;
    return ERR_OK;
}

static int matches(const struct mute *m, const cJSON *f, const char *target_subject)
{
    const char *subject = jsonx_str(f, "subject", target_subject);
    if (strcmp(m->service, "*") && strcmp(m->service, subject ? subject : ""))
        return 0;
    if (!strcmp(m->what, "check"))
        return !strcmp(jsonx_str(f, "check", ""), m->value);
    if (!strcmp(m->what, "category"))
        return !strcmp(jsonx_str(f, "category", ""), m->value);
    /* A recommendation rule: its "rule" id, or its check id (the same for checks/review/). */
    return !strcmp(jsonx_str(f, "kind", ""), "recommendation") &&
           (!strcmp(jsonx_str(f, "rule", ""), m->value) || !strcmp(jsonx_str(f, "check", ""), m->value));
}

static cJSON *describe(const struct mute *m, const char *path)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, m->what, m->value);
    cJSON_AddStringToObject(o, "service", m->service);
    cJSON_AddStringToObject(o, "reason", m->reason);
    cJSON_AddStringToObject(o, "expires", m->expires);
    cJSON_AddStringToObject(o, "file", path);
    cJSON_AddNumberToObject(o, "index", m->index);
    return o;
}

static cJSON *set_item(cJSON *obj, const char *key, cJSON *item)
{
    if (!item)
        return NULL;
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    cJSON_AddItemToObject(obj, key, item);
    return item;
}

static enum err_code load(const char *path, int must_exist, cJSON **out, struct err *e)
{
    struct stat st;
    *out = NULL;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && !must_exist)
            return ERR_OK;
        return err_set(e, ERR_IO, "%s: cannot read mute file: %s", path, strerror(errno));
    }
    *out = jsonx_load_file(path, MUTES_MAX_BYTES, e);
    return *out ? ERR_OK : (e ? e->code : ERR_PARSE);
}

#define WARN_MAX 20 /* unknown ids named one by one; the rest counted */

/* The ids a mute of this kind can name: the checks of the report (every one
 * loaded, skipped ones too) and, for recommendations, the findings' rules;
 * for categories the fixed vocabulary. NULL on out of memory. */
static const char **known_ids(const cJSON *report, const char *what, size_t *n)
{
    const cJSON *c, *checks = cJSON_GetObjectItemCaseSensitive(report, "checks");
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(report, "findings");
    size_t cap = (size_t)cJSON_GetArraySize(checks) + (size_t)cJSON_GetArraySize(findings) + 64, k = 0;
    const char **v = malloc(cap * sizeof *v);
    if (!v)
        return NULL;
    if (!strcmp(what, "category")) {
        const char *name;
        for (; k < cap && (name = finding_category_name(k)) != NULL; k++)
            v[k] = name;
    } else {
        cJSON_ArrayForEach(c, checks)
            if (k < cap && jsonx_str(c, "id", NULL))
                v[k++] = jsonx_str(c, "id", NULL);
        if (!strcmp(what, "recommendation"))
            cJSON_ArrayForEach(c, findings)
                if (k < cap && jsonx_str(c, "rule", NULL))
                    v[k++] = jsonx_str(c, "rule", NULL);
    }
    *n = k;
    return v;
}

static int is_known(const char *s, const char *const *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!strcmp(s, v[i]))
            return 1;
    return 0;
}

/* A plausible typo first; else the closest id of the same family ("net." of
 * "net.no_route"), which says more than letters in common; else any. */
static const char *nearest(const char *s, const char **ids, size_t n)
{
    const char *near = str_nearest(s, ids, n, STR_TYPO(s)), *dot = strchr(s, '.');
    const char **fam;
    size_t i, k = 0;
    if (near || !dot || !n || !(fam = malloc(n * sizeof *fam)))
        return near ? near : str_nearest(s, ids, n, -1);
    for (i = 0; i < n; i++)
        if (!strncmp(ids[i], s, (size_t)(dot - s) + 1))
            fam[k++] = ids[i];
    near = str_nearest(s, k ? fam : ids, k ? k : n, -1);
    free(fam);
    return near;
}

/* A mute naming no known check, category or rule silences nothing, usually
 * because of a typo or a renamed check: say so, with the nearest real id. A
 * report without a checks list (a rendered fixture) has nothing to compare. */
static void warn_unknown(const cJSON *report, const struct mute *mutes, int n, const char *path, FILE *warn)
{
    const char **ids[3] = {NULL, NULL, NULL};
    char pbuf[256], vbuf[101], nbuf[101];
    size_t nids[3] = {0, 0, 0}, k;
    int i, shown = 0, more = 0;
    if (!warn || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(report, "checks")))
        return;
    for (i = 0; i < n; i++) {
        const char *near;
        for (k = 0; k < 3 && strcmp(selectors[k], mutes[i].what); k++)
            ;
        if (k == 3)
            continue;
        if (!ids[k] && !(ids[k] = known_ids(report, selectors[k], &nids[k])))
            break;
        if (is_known(mutes[i].value, ids[k], nids[k]))
            continue;
        if (shown >= WARN_MAX) {
            more++;
            continue;
        }
        shown++;
        near = nearest(mutes[i].value, ids[k], nids[k]);
        fprintf(warn, "ecs-doctor: warning: %s: mutes[%d]: no %s '%s'%s%s%s; it silences nothing (%s)\n",
                str_printable(path, pbuf, sizeof pbuf), mutes[i].index,
                !strcmp(selectors[k], "check") ? "check id" : selectors[k],
                str_printable(mutes[i].value, vbuf, sizeof vbuf), near ? " (nearest: '" : "",
                near ? str_printable(near, nbuf, sizeof nbuf) : "", near ? "')" : "",
                k == 1 ? "docs/categories.md lists the categories" : "ecs-doctor checks list shows the ids");
    }
    if (more)
        fprintf(warn, "ecs-doctor: warning: %s: %d more mutes name nothing known\n",
                str_printable(path, pbuf, sizeof pbuf), more);
    for (k = 0; k < 3; k++)
        free(ids[k]);
}

enum err_code mutes_apply(cJSON *report, const char *path, time_t now, struct err *e)
{
    return mutes_apply_warn(report, path, now, NULL, e);
}

enum err_code mutes_apply_warn(cJSON *report, const char *path, time_t now, FILE *warn, struct err *e)
{
    cJSON *doc = NULL, *expired = NULL, *f;
    const cJSON *list, *m;
    struct mute *mutes = NULL;
    const char *target_subject = verdict_subject(report);
    enum err_code rc;
    int n = 0, i, any = 0;

    rc = load(path ? path : MUTES_DEFAULT_FILE, path != NULL, &doc, e);
    if (path == NULL)
        path = MUTES_DEFAULT_FILE;
    if (rc != ERR_OK || !doc)
        goto out;
    list = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "mutes");
    if (!cJSON_IsArray(list)) {
        rc = err_set(e, ERR_SCHEMA, "%s: expected an object with a 'mutes' array", path);
        goto out;
    }
    n = cJSON_GetArraySize(list);
    if (n > MUTES_MAX) {
        rc = err_set(e, ERR_LIMIT, "%s: %d mutes, at most %d allowed", path, n, MUTES_MAX);
        goto out;
    }
    mutes = n ? calloc((size_t)n, sizeof *mutes) : NULL;
    if (n && !mutes) {
        rc = err_set(e, ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    /* Validate everything before touching the report: a bad file changes nothing. */
    i = 0;
    cJSON_ArrayForEach(m, list) {
        rc = parse_one(m, i, path, &mutes[i], e);
        if (rc != ERR_OK)
            goto out;
        i++;
    }
    warn_unknown(report, mutes, n, path, warn);
    expired = cJSON_CreateArray();
    if (!expired) {
        rc = err_set(e, ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    for (i = 0; i < n; i++)
        if (now >= mutes[i].until)
            cJSON_AddItemToArray(expired, describe(&mutes[i], path));
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings")) {
        for (i = 0; i < n; i++) {
            if (now >= mutes[i].until || !matches(&mutes[i], f, target_subject))
                continue;
            set_item(f, "muted", cJSON_CreateTrue());
            set_item(f, "mute", describe(&mutes[i], path));
            any = 1;
            break;
        }
    }
    if (cJSON_GetArraySize(expired) > 0) {
        set_item(report, "expired_mutes", expired);
        expired = NULL;
    }
    if (any && verdict_refresh(report) < 0)
        rc = err_set(e, ERR_NOMEM, "%s: out of memory", path);
out:
    cJSON_Delete(expired);
    free(mutes);
    cJSON_Delete(doc);
    return rc;
}

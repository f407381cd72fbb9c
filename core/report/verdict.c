/* verdict — see verdict.h. */
#include "report/verdict.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/svcstate.h"
#include "util/buf.h"
#include "util/jsonx.h"

int verdict_severity_rank(const char *s)
{
    static const char *const names[] = {"info", "low", "medium", "high", "critical", "none"};
    int i;
    if (!s)
        return -1;
    for (i = 0; i < 6; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

static int is_diagnosis(const cJSON *f)
{
    return !strcmp(jsonx_str(f, "kind", "diagnosis"), "diagnosis");
}

static int is_muted(const cJSON *f)
{
    return jsonx_bool(f, "muted", 0);
}

/* Highest severity rank among unmuted diagnoses; -1 when there is none. */
static int worst_unmuted(const cJSON *report)
{
    const cJSON *f;
    int worst = -1, r;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings")) {
        if (!is_diagnosis(f) || is_muted(f))
            continue;
        r = verdict_severity_rank(jsonx_str(f, "severity", NULL));
        if (r > worst && r <= 4)
            worst = r;
    }
    return worst;
}

/* Checks that could not decide: evidence they need is missing
 * ("incomplete"), or the check itself failed ("error": it did not load,
 * raised, crashed or timed out, so it decided nothing). Counts those with
 * the given status, or both when status is NULL. */
static int count_undecided(const cJSON *report, const char *status)
{
    const cJSON *c;
    int n = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "checks")) {
        const char *st = jsonx_str(c, "status", "");
        /* Recommendation-only checks never make the verdict inconclusive. */
        if (!strcmp(jsonx_str(c, "category", ""), "best_practice"))
            continue;
        if (status ? !strcmp(st, status) : (!strcmp(st, "incomplete") || !strcmp(st, "error")))
            n++;
    }
    return n;
}

static int any_undecided(const cJSON *report) { return count_undecided(report, NULL) > 0; }

/* The floor the service state sets (analysis/svcstate.c): 0 healthy,
 * 1 inconclusive, 2 degraded, 3 unhealthy. A report without a state (a
 * document from before it existed, or hand-made) has no floor. Mutes never
 * touch it, so muting every finding cannot hide a service that is down. */
static int state_floor(const cJSON *report)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(report, "state");
    int r;
    if (!cJSON_IsObject(st))
        return 0;
    r = svcstate_floor_rank(jsonx_str(st, "floor", NULL));
    /* An unreadable floor is not evidence of health. */
    return r < 0 ? 1 : r;
}

const char *verdict_compute(const cJSON *report)
{
    static const char *const names[] = {"healthy", "inconclusive", "degraded", "unhealthy"};
    int worst = worst_unmuted(report), v = 0, floor_r = state_floor(report);
    if (worst >= 3)
        v = 3;
    else if (worst == 2)
        v = 2;
    else if (any_undecided(report))
        v = 1;
    return names[floor_r > v ? floor_r : v];
}

const char *verdict_state_reason(const cJSON *report)
{
    const cJSON *r = cJSON_GetArrayItem(jsonx_pointer(report, "/state/reasons"), 0);
    return cJSON_IsString(r) ? r->valuestring : NULL;
}

const char *verdict_subject(const cJSON *report)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(report, "target");
    const char *kind = jsonx_str(t, "kind", "");
    const char *s = NULL;
    if (!strcmp(kind, "task"))
        s = jsonx_str(t, "task", NULL);
    else if (!strcmp(kind, "cluster"))
        s = jsonx_str(t, "cluster", NULL);
    if (!s)
        s = jsonx_str(t, "service", NULL);
    if (!s)
        s = jsonx_str(t, "cluster", NULL);
    return s ? s : "ecs";
}

/* Whether the finding with this id is listed and unmuted. */
static int live(const cJSON *report, const char *id)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings"))
        if (!strcmp(jsonx_str(f, "id", ""), id))
            return !is_muted(f);
    return 0;
}

/* The first unmuted root diagnosis in rank order (the report is ranked). A
 * symptom whose root is muted stands as a root itself, as renderers show it. */
static const cJSON *top_root(const cJSON *report)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings")) {
        const char *cause = jsonx_str(f, "caused_by", NULL);
        if (is_diagnosis(f) && !is_muted(f) && (!cause || !live(report, cause)))
            return f;
    }
    return NULL;
}

static int set_str(cJSON *o, const char *k, const char *v)
{
    cJSON *n = cJSON_CreateString(v);
    int ok;
    if (!n)
        return -1;
    if (cJSON_GetObjectItemCaseSensitive(o, k))
        ok = cJSON_ReplaceItemInObjectCaseSensitive(o, k, n);
    else
        ok = cJSON_AddItemToObject(o, k, n);
    if (!ok) {
        cJSON_Delete(n);
        return -1;
    }
    return 0;
}

int verdict_refresh(cJSON *report)
{
    const char *old = jsonx_str(report, "verdict", "");
    const char *v = verdict_compute(report);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(report, "status");
    const cJSON *root;
    struct buf b;
    char up[16];
    size_t i;
    int rc = strcmp(old, v) != 0;
    for (i = 0; v[i] && i < sizeof up - 1; i++)
        up[i] = (char)toupper((unsigned char)v[i]);
    up[i] = '\0';
    buf_init(&b, 4096);
    if (!strcmp(jsonx_str(report, "mode", ""), "review")) {
        /* Only the best-practice rules ran: count what they say, claim no health. */
        int n = 0;
        cJSON_ArrayForEach(root, cJSON_GetObjectItemCaseSensitive(report, "findings"))
            n += !strcmp(jsonx_str(root, "kind", ""), "recommendation") && !is_muted(root);
        buf_printf(&b, "%s: BEST-PRACTICE REVIEW \xe2\x80\x94 %d recommendation%s (no diagnosis ran)",
                   verdict_subject(report), n, n == 1 ? "" : "s");
        goto done;
    }
    buf_printf(&b, "%s: %s", verdict_subject(report), up);
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(st, "desired")))
        buf_printf(&b, " \xe2\x80\x94 %.0f of %.0f tasks running", jsonx_num(st, "running", 0),
                   jsonx_num(st, "desired", 0));
    root = top_root(report);
    if (root && (!strcmp(v, "unhealthy") || !strcmp(v, "degraded")))
        buf_printf(&b, "; root cause: %s", jsonx_str(root, "title", "?"));
    else if (!strcmp(v, "inconclusive") && count_undecided(report, "incomplete"))
        buf_puts(&b, "; some evidence was missing");
    else if (!strcmp(v, "inconclusive") && count_undecided(report, "error"))
        buf_printf(&b, "; %d check%s failed", count_undecided(report, "error"),
                   count_undecided(report, "error") == 1 ? "" : "s");
    else if (strcmp(v, "healthy") && verdict_state_reason(report))
        /* The floor alone decided (no finding left, or none that explains):
         * say what the state saw. */
        buf_printf(&b, "; %s", verdict_state_reason(report));
done:
    if (set_str(report, "verdict", v) || set_str(report, "summary", b.data ? b.data : ""))
        rc = -1;
    buf_cleanup(&b);
    return rc;
}

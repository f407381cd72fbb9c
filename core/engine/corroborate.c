/* corroborate — see corroborate.h. */
#include "engine/corroborate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/rank.h"
#include "util/jsonx.h"
#include "util/strutil.h"

/* Changes are dated by CloudTrail seconds apart from ECS: a change logged a
 * little after the first stop may still be the one. */
#define SLACK_S 60

double corroborate_first_failure(const cJSON *evidence, double fallback)
{
    const cJSON *t;
    double first = 0;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(evidence, "tasks")) {
        const char *code = jsonx_str(t, "stopCode", "");
        double at = jsonx_num(t, "stoppedAt", 0);
        if (at <= 0 || !strcmp(code, "UserInitiated") || !strcmp(code, "ServiceSchedulerInitiated"))
            continue;
        if (first == 0 || at < first)
            first = at;
    }
    return first > 0 ? first : fallback;
}

/* a names b: equal, or an ARN whose last segment is the plain name
 * (CloudTrail gives role names, findings may cite role ARNs). */
static int same_resource(const char *a, const char *b)
{
    if (!a || !b || !*a || !*b)
        return 0;
    if (!strcmp(a, b))
        return 1;
    if (str_starts(a, "arn:") && !str_starts(b, "arn:"))
        return !strcmp(str_basename(a), b);
    if (str_starts(b, "arn:") && !str_starts(a, "arn:"))
        return !strcmp(str_basename(b), a);
    return 0;
}

/* Does pointer (an RFC 6901 path) have a segment equal to id? Segments are
 * compared unescaped ("~1" is "/"), so "/iam/roles/ecsTaskExecutionRole/..."
 * and "/network/route_tables/rtb-0b2/Routes" name their resources. */
static int pointer_names(const char *pointer, const char *id)
{
    char seg[512];
    const char *p = pointer;
    while (p && *p == '/') {
        size_t n = 0;
        p++;
        while (*p && *p != '/' && n < sizeof seg - 1) {
            if (p[0] == '~' && p[1] == '1') {
                seg[n++] = '/';
                p += 2;
            } else if (p[0] == '~' && p[1] == '0') {
                seg[n++] = '~';
                p += 2;
            } else {
                seg[n++] = *p++;
            }
        }
        seg[n] = '\0';
        if (n >= 3 && same_resource(seg, id))
            return 1;
        while (*p && *p != '/')
            p++;
    }
    return 0;
}

static int finding_names(const struct finding *f, const char *id)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, f->resources)
        if (cJSON_IsString(it) && same_resource(it->valuestring, id))
            return 1;
    cJSON_ArrayForEach(it, f->evidence)
        if (pointer_names(jsonx_str(it, "pointer", NULL), id))
            return 1;
    return 0;
}

static int destructive(const char *event)
{
    static const char *const verbs[] = {"Delete", "Revoke", "Detach", "Disassociate", "Remove",
                                        "Deregister", "Replace", "BatchDelete"};
    size_t i;
    for (i = 0; event && i < sizeof verbs / sizeof verbs[0]; i++)
        if (str_starts(event, verbs[i]))
            return 1;
    return 0;
}

int corroborate_best_change(const struct finding *f, const cJSON *evidence, double t_fail,
                            const char **matched)
{
    const cJSON *ch, *r;
    int i = -1, best = -1, best_rank = -1;
    double best_time = 0;
    if (matched)
        *matched = NULL;
    cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(evidence, "changes")) {
        double t = jsonx_num(ch, "EventTime", 0);
        const char *hit = NULL;
        int rank;
        i++;
        /* A refused attempt changed nothing. */
        if (jsonx_str(ch, "error_code", NULL) || t <= 0 || t < t_fail - CORROBORATE_LOOKBACK_S ||
            t > t_fail + SLACK_S)
            continue;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(ch, "resources"))
            if (!hit && cJSON_IsString(r) && finding_names(f, r->valuestring))
                hit = r->valuestring;
        if (!hit)
            continue;
        rank = destructive(jsonx_str(ch, "EventName", NULL));
        if (rank > best_rank || (rank == best_rank && t > best_time)) {
            best = i;
            best_rank = rank;
            best_time = t;
            if (matched)
                *matched = hit;
        }
    }
    return best;
}

static void hhmm(double t, char *out, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        snprintf(out, len, "?");
    else
        strftime(out, len, "%H:%M:%S", &tm);
}

/* Cites pointer with note, making room when the evidence is at its cap:
 * the corroboration is worth more than the last of many similar quotes. */
static void cite(struct finding *f, const cJSON *evidence, const char *pointer, const char *note)
{
    if (cJSON_GetArraySize(f->evidence) >= FINDING_MAX_EVIDENCE)
        cJSON_DeleteItemFromArray(f->evidence, FINDING_MAX_EVIDENCE - 1);
    finding_add_evidence(f, evidence, pointer, note);
}

static void boost(struct finding *f, double by, int *changed)
{
    double c = f->confidence + by;
    if (c > CORROBORATE_CONFIDENCE_MAX)
        c = CORROBORATE_CONFIDENCE_MAX;
    if (c > f->confidence) {
        f->confidence = round(c * 1000.0) / 1000.0;
        *changed = 1;
    }
}

static enum err_code link_change(struct finding *f, const cJSON *evidence, double t_fail, int *changed)
{
    const char *matched;
    int idx = corroborate_best_change(f, evidence, t_fail, &matched);
    const cJSON *ch;
    cJSON *o;
    char ptr[64], note[400], at[16];
    double t, minutes;
    if (idx < 0)
        return ERR_OK;
    ch = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(evidence, "changes"), idx);
    t = jsonx_num(ch, "EventTime", 0);
    minutes = floor((t_fail - t) / 60.0 + 0.5);
    o = cJSON_CreateObject();
    if (!o)
        return ERR_NOMEM;
    snprintf(ptr, sizeof ptr, "/changes/%d", idx);
    cJSON_AddStringToObject(o, "event", jsonx_str(ch, "EventName", "?"));
    cJSON_AddNumberToObject(o, "time", floor(t));
    cJSON_AddStringToObject(o, "actor", jsonx_str(ch, "actor", "unknown"));
    cJSON_AddStringToObject(o, "via", jsonx_str(ch, "via", "unknown"));
    cJSON_AddStringToObject(o, "resource", matched ? matched : "");
    cJSON_AddStringToObject(o, "summary", jsonx_str(ch, "summary", jsonx_str(ch, "EventName", "?")));
    cJSON_AddNumberToObject(o, "minutes_before_failure", minutes);
    cJSON_AddStringToObject(o, "pointer", ptr);
    cJSON_Delete(f->change);
    f->change = o;
    hhmm(t, at, sizeof at);
    if (minutes >= 0)
        snprintf(note, sizeof note, "changed at %s UTC by %s (%s), %.0f min before the first failure", at,
                 jsonx_str(ch, "actor", "unknown"), jsonx_str(ch, "via", "unknown"), minutes);
    else
        snprintf(note, sizeof note, "changed at %s UTC by %s (%s), as the failures began", at,
                 jsonx_str(ch, "actor", "unknown"), jsonx_str(ch, "via", "unknown"));
    snprintf(ptr, sizeof ptr, "/changes/%d/summary", idx);
    cite(f, evidence, ptr, note);
    boost(f, CORROBORATE_CONFIDENCE_BOOST, changed);
    return ERR_OK;
}

static int has_resource(const struct finding *f, const char *id)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, f->resources)
        if (cJSON_IsString(it) && id && !strcmp(it->valuestring, id))
            return 1;
    return 0;
}

static int in_list(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (!strcmp(s, *list))
            return 1;
    return 0;
}

/* Metric series that support a finding: memory at its limit for an OOM,
 * target-group alarms for the load-balancer categories. */
static void cite_metrics(struct finding *f, const cJSON *evidence, int *changed)
{
    static const char *const elb_cats[] = {"elb_health_check_failed", "load_balancer_misconfigured",
                                           "health_check_grace_period_too_short",
                                           "container_health_check_failed", NULL};
    static const char *const elb_metrics[] = {"HTTPCode_Target_5XX_Count", "TargetResponseTime",
                                              "UnHealthyHostCount", NULL};
    const cJSON *series = jsonx_pointer(evidence, "/metrics/series"), *s;
    const char *target_svc = jsonx_str(cJSON_GetObjectItemCaseSensitive(evidence, "target"), "service", NULL);
    int i = -1, oom = f->category && !strcmp(f->category, "container_oom");
    int elb = in_list(f->category, elb_cats), any_tg = 0, cited = 0;
    if (!oom && !elb)
        return;
    cJSON_ArrayForEach(s, series)
        any_tg |= jsonx_str(s, "target_group", NULL) && has_resource(f, jsonx_str(s, "target_group", NULL));
    cJSON_ArrayForEach(s, series) {
        const char *metric = jsonx_str(s, "metric", ""), *svc = jsonx_str(s, "service", NULL);
        const cJSON *fa = cJSON_GetObjectItemCaseSensitive(s, "first_above");
        char ptr[64], note[400], at[16];
        i++;
        if (!cJSON_IsNumber(fa) || jsonx_num(s, "points", 0) <= 0)
            continue;
        if (oom) {
            const char *subj = f->subject ? f->subject : target_svc;
            if (strcmp(metric, "MemoryUtilization") != 0 || (svc && subj && strcmp(svc, subj) != 0))
                continue;
        } else {
            const char *tg = jsonx_str(s, "target_group", NULL);
            if (!in_list(metric, elb_metrics) || !tg || (any_tg && !has_resource(f, tg)))
                continue;
        }
        hhmm(fa->valuedouble, at, sizeof at);
        snprintf(note, sizeof note, "%s (%s) peaked at %g %s; above %g since %s UTC for %g min, trend %+.1f/h",
                 metric, jsonx_str(s, "stat", "?"), jsonx_num(s, "peak", 0), jsonx_str(s, "unit", ""),
                 jsonx_num(s, "threshold", 0), at, jsonx_num(s, "minutes_above", 0),
                 jsonx_num(s, "slope_per_hour", 0));
        snprintf(ptr, sizeof ptr, "/metrics/series/%d/peak", i);
        cite(f, evidence, ptr, note);
        cited = 1;
    }
    if (cited)
        boost(f, 0.05, changed);
}

enum err_code corroborate_findings(struct finding_list *ranked, const cJSON *evidence)
{
    struct finding_list tmp;
    double until = jsonx_num(cJSON_GetObjectItemCaseSensitive(evidence, "window"), "until", 0);
    size_t i;
    int changed = 0;
    enum err_code rc = ERR_OK;
    /* The first failure does not depend on the finding: one scan of the
     * tasks, not one per root finding (O(findings x tasks) on a large bundle). */
    double first = corroborate_first_failure(evidence, 0);
    for (i = 0; i < ranked->n; i++) {
        struct finding *f = ranked->v[i];
        if (strcmp(f->kind, "diagnosis") != 0)
            continue;
        cite_metrics(f, evidence, &changed);
        /* Only roots: a symptom's cause is its root finding. */
        if (f->caused_by < 0 && rc == ERR_OK)
            rc = link_change(f, evidence, first > 0 ? first : f->when > 0 ? f->when : until, &changed);
    }
    if (!changed)
        return rc;
    /* Confidence moved the scores: rank again so the order stays the rule
     * of docs/report.md. */
    tmp = *ranked;
    memset(ranked, 0, sizeof *ranked);
    for (i = 0; i < tmp.n; i++)
        tmp.v[i]->caused_by = -1;
    if (rank_findings(&tmp, evidence, ranked) != ERR_OK)
        rc = ERR_NOMEM;
    /* What rank could not move (out of memory) is kept, unranked. */
    for (i = 0; i < tmp.n; i++)
        if (finding_list_push(ranked, tmp.v[i]) != ERR_OK)
            finding_free(tmp.v[i]);
    free(tmp.v);
    return rc;
}

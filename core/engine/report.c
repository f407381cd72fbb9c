/* report — see report.h. */
#include "engine/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build_config.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#define TIMELINE_MAX 50

static const char *worst_verdict(const struct finding_list *ranked, const cJSON *checks)
{
    size_t i;
    int worst = 0;
    const cJSON *c;
    for (i = 0; i < ranked->n; i++) {
        const struct finding *f = ranked->v[i];
        int lvl = finding_severity_level(f->severity);
        if (!f->muted && !strcmp(f->kind, "diagnosis") && lvl > worst)
            worst = lvl;
    }
    if (worst >= 4)
        return "unhealthy";
    if (worst == 3)
        return "degraded";
    cJSON_ArrayForEach(c, checks) {
        const char *st = jsonx_str(c, "status", "");
        /* Best-practice checks only recommend: what they could not see never
         * hides a failure (same rule as verdict.c). */
        if (!strcmp(jsonx_str(c, "category", ""), "best_practice"))
            continue;
        /* A check that failed (did not load, raised, crashed, timed out)
         * decided nothing: never `healthy` over it. */
        if (!strcmp(st, "incomplete") || !strcmp(st, "error"))
            return "inconclusive";
    }
    return "healthy";
}

/* The target itself names the headline: a task target's is the task, not
 * the service it belongs to (the same order as verdict_subject). */
static const char *subject_of(const cJSON *target)
{
    const char *s = !strcmp(jsonx_str(target, "kind", ""), "task") ? jsonx_str(target, "task", NULL) : NULL;
    if (!s)
        s = jsonx_str(target, "service", NULL);
    if (!s)
        s = jsonx_str(target, "task", NULL);
    if (!s)
        s = jsonx_str(target, "cluster", NULL);
    return s ? s : "target";
}

/* desired/running/pending of the target service(s), when known. */
static cJSON *status_of(const cJSON *evidence)
{
    const cJSON *svcs = cJSON_GetObjectItemCaseSensitive(evidence, "services"), *s;
    double d = 0, r = 0, p = 0;
    int any = 0;
    cJSON *o;
    cJSON_ArrayForEach(s, svcs) {
        if (!cJSON_IsObject(s))
            continue;
        d += jsonx_num(s, "desiredCount", 0);
        r += jsonx_num(s, "runningCount", 0);
        p += jsonx_num(s, "pendingCount", 0);
        any = 1;
    }
    if (!any)
        return cJSON_CreateNull();
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "desired", d);
    cJSON_AddNumberToObject(o, "running", r);
    cJSON_AddNumberToObject(o, "pending", p);
    return o;
}

/* Why the verdict is inconclusive: missing evidence, else failed checks.
 * Returns a literal or why. */
static const char *inconclusive_why(const cJSON *checks, char *why, size_t n)
{
    const cJSON *c;
    int failed = 0;
    cJSON_ArrayForEach(c, checks) {
        const char *st = jsonx_str(c, "status", "");
        if (!strcmp(jsonx_str(c, "category", ""), "best_practice"))
            continue;
        if (!strcmp(st, "incomplete"))
            return "; some evidence was missing";
        failed += !strcmp(st, "error");
    }
    snprintf(why, n, "; %d check%s failed", failed, failed == 1 ? "" : "s");
    return why;
}

static cJSON *summary_of(const cJSON *evidence, const char *verdict, const struct finding_list *ranked,
                         const cJSON *status, const cJSON *checks)
{
    char buf[800], upper[32], tasks[96] = "", why[64];
    size_t i;
    const char *root = NULL;
    for (i = 0; verdict[i] && i < sizeof upper - 1; i++)
        upper[i] = (char)(verdict[i] >= 'a' && verdict[i] <= 'z' ? verdict[i] - 32 : verdict[i]);
    upper[i] = '\0';
    if (cJSON_IsObject(status))
        snprintf(tasks, sizeof tasks, " \xE2\x80\x94 %.0f of %.0f tasks running",
                 jsonx_num(status, "running", 0), jsonx_num(status, "desired", 0));
    for (i = 0; i < ranked->n && !root; i++)
        if (!ranked->v[i]->muted && !strcmp(ranked->v[i]->kind, "diagnosis"))
            root = ranked->v[i]->title;
    if (root)
        snprintf(buf, sizeof buf, "%s: %s%s; root cause: %s",
                 subject_of(cJSON_GetObjectItemCaseSensitive(evidence, "target")), upper, tasks, root);
    else
        snprintf(buf, sizeof buf, "%s: %s%s%s", subject_of(cJSON_GetObjectItemCaseSensitive(evidence, "target")),
                 upper, tasks, !strcmp(verdict, "inconclusive") ? inconclusive_why(checks, why, sizeof why) : "");
    return cJSON_CreateString(buf);
}

static int listed(const cJSON *check, const char *field, const char *source)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(check, field))
        if (cJSON_IsString(it) && !strcmp(it->valuestring, source))
            return 1;
    return 0;
}

/* A gap affects the checks that need or use the source, and those that said
 * they lacked it (edoc.incomplete). */
static int needs_source(const cJSON *check, const char *source)
{
    return listed(check, "needs", source) || listed(check, "uses", source) ||
           listed(check, "missing", source);
}

static cJSON *gaps_of(const cJSON *evidence, const cJSON *checks)
{
    const cJSON *src, *c;
    cJSON *gaps = cJSON_CreateArray();
    cJSON_ArrayForEach(src, cJSON_GetObjectItemCaseSensitive(evidence, "sources")) {
        const char *st = jsonx_str(src, "status", "");
        const cJSON *err0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(src, "errors"), 0);
        const char *msg;
        cJSON *g, *aff;
        if (strcmp(st, "denied") && strcmp(st, "error") && strcmp(st, "partial") &&
            !(!strcmp(st, "skipped") && !strcmp(jsonx_str(src, "reason", ""), "deadline")))
            continue;
        g = cJSON_CreateObject();
        cJSON_AddStringToObject(g, "source", src->string ? src->string : "");
        cJSON_AddStringToObject(g, "status", st);
        if (jsonx_str(err0, "action", NULL))
            cJSON_AddStringToObject(g, "action", jsonx_str(err0, "action", ""));
        else
            cJSON_AddNullToObject(g, "action");
        /* Which call failed and how, for gaps that are not denials too
         * (throttled, timed out, unreachable): "precisely what is missing". */
        if (jsonx_str(err0, "operation", NULL))
            cJSON_AddStringToObject(g, "operation", jsonx_str(err0, "operation", ""));
        if (jsonx_str(err0, "code", NULL))
            cJSON_AddStringToObject(g, "code", jsonx_str(err0, "code", ""));
        msg = jsonx_str(err0, "message", jsonx_str(src, "reason", NULL));
        if (msg)
            cJSON_AddStringToObject(g, "message", msg);
        else
            cJSON_AddNullToObject(g, "message");
        aff = cJSON_AddArrayToObject(g, "affects");
        cJSON_ArrayForEach(c, checks)
            if (src->string && needs_source(c, src->string))
                cJSON_AddItemToArray(aff, cJSON_CreateString(jsonx_str(c, "id", "")));
        cJSON_AddItemToArray(gaps, g);
    }
    return gaps;
}

struct tl {
    double time;
    const char *kind, *text, *who;
};

static int cmp_tl(const void *pa, const void *pb)
{
    const struct tl *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time > b->time ? -1 : 1;
    return strcmp(a->text, b->text);
}

/* Stopped tasks and service events, newest first, capped. */
static cJSON *timeline_of(const cJSON *evidence)
{
    const cJSON *t, *s, *ev;
    struct tl *v = NULL;
    size_t n = 0, cap = 0, i;
    cJSON *arr = cJSON_CreateArray();
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(evidence, "tasks")) {
        double at = jsonx_num(t, "stoppedAt", 0);
        if (at <= 0)
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct tl *nv = realloc(v, nc * sizeof *nv);
            if (!nv)
                break;
            v = nv;
            cap = nc;
        }
        v[n++] = (struct tl){at, "task_stopped", jsonx_str(t, "stoppedReason", "stopped"),
                             str_basename(jsonx_str(t, "taskArn", "?"))};
    }
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(evidence, "services")) {
        cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(s, "events")) {
            double at = jsonx_num(ev, "createdAt", 0);
            if (at <= 0 || !jsonx_str(ev, "message", NULL))
                continue;
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 64;
                struct tl *nv = realloc(v, nc * sizeof *nv);
                if (!nv)
                    break;
                v = nv;
                cap = nc;
            }
            v[n++] = (struct tl){at, "service_event", jsonx_str(ev, "message", ""), NULL};
        }
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_tl);
    for (i = 0; i < n && i < TIMELINE_MAX; i++) {
        cJSON *o = cJSON_CreateObject();
        char text[700];
        if (v[i].who)
            snprintf(text, sizeof text, "task %s stopped: %.600s", v[i].who, v[i].text);
        else
            snprintf(text, sizeof text, "%.690s", v[i].text);
        cJSON_AddNumberToObject(o, "time", floor(v[i].time));
        cJSON_AddStringToObject(o, "kind", v[i].kind);
        cJSON_AddStringToObject(o, "text", text);
        cJSON_AddItemToArray(arr, o);
    }
    free(v);
    return arr;
}

cJSON *report_build(const cJSON *evidence, const struct finding_list *ranked, cJSON *checks)
{
    cJSON *r = cJSON_CreateObject(), *tool, *findings, *status;
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(evidence, "target");
    const char *verdict;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    size_t i;
    if (!r) {
        cJSON_Delete(checks);
        return NULL;
    }
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    verdict = worst_verdict(ranked, checks);
    cJSON_AddStringToObject(r, "schema", REPORT_SCHEMA);
    tool = cJSON_AddObjectToObject(r, "tool");
    cJSON_AddStringToObject(tool, "name", "ecs-doctor");
    cJSON_AddStringToObject(tool, "version", EDOC_VERSION);
    cJSON_AddStringToObject(r, "generated_at", now);
    cJSON_AddItemToObject(r, "target", target ? cJSON_Duplicate(target, 1) : cJSON_CreateObject());
    cJSON_AddStringToObject(r, "verdict", verdict);
    status = status_of(evidence);
    cJSON_AddItemToObject(r, "summary", summary_of(evidence, verdict, ranked, status, checks));
    cJSON_AddItemToObject(r, "status", status);
    findings = cJSON_AddArrayToObject(r, "findings");
    for (i = 0; i < ranked->n; i++)
        cJSON_AddItemToArray(findings, finding_to_json(ranked->v[i], ranked));
    cJSON_AddItemToObject(r, "evidence_gaps", gaps_of(evidence, checks));
    cJSON_AddItemToObject(r, "checks", checks);
    cJSON_AddItemToObject(r, "timeline", timeline_of(evidence));
    return r;
}

int report_exit_code(const cJSON *report, const char *fail_on)
{
    const cJSON *f;
    int threshold = fail_on && !strcmp(fail_on, "none") ? 99 : finding_severity_level(fail_on ? fail_on : "high");
    if (!threshold)
        threshold = 4;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings")) {
        if (jsonx_bool(f, "muted", 0) || strcmp(jsonx_str(f, "kind", ""), "diagnosis"))
            continue;
        if (finding_severity_level(jsonx_str(f, "severity", "")) >= threshold)
            return 1;
    }
    if (!strcmp(jsonx_str(report, "verdict", ""), "inconclusive"))
        return 4;
    return 0;
}

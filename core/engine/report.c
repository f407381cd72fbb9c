/* report — see report.h. */
#include "engine/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build_config.h"
#include "report/verdict.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#define TIMELINE_MAX 50

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

cJSON *report_build(const cJSON *evidence, const struct finding_list *ranked, cJSON *checks, cJSON *state)
{
    cJSON *r = cJSON_CreateObject(), *tool, *findings, *status;
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(evidence, "target");
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    size_t i;
    if (!r) {
        cJSON_Delete(checks);
        cJSON_Delete(state);
        return NULL;
    }
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(r, "schema", REPORT_SCHEMA);
    tool = cJSON_AddObjectToObject(r, "tool");
    cJSON_AddStringToObject(tool, "name", "ecs-doctor");
    cJSON_AddStringToObject(tool, "version", EDOC_VERSION);
    cJSON_AddStringToObject(r, "generated_at", now);
    cJSON_AddItemToObject(r, "target", target ? cJSON_Duplicate(target, 1) : cJSON_CreateObject());
    /* Placeholders: verdict_refresh() below writes both by the one rule the
     * mutes use too (report/verdict.c), so the two can never disagree. */
    cJSON_AddStringToObject(r, "verdict", "");
    cJSON_AddStringToObject(r, "summary", "");
    status = status_of(evidence);
    cJSON_AddItemToObject(r, "status", status);
    cJSON_AddItemToObject(r, "state", state ? state : cJSON_CreateNull());
    findings = cJSON_AddArrayToObject(r, "findings");
    for (i = 0; i < ranked->n; i++)
        cJSON_AddItemToArray(findings, finding_to_json(ranked->v[i], ranked));
    cJSON_AddItemToObject(r, "evidence_gaps", gaps_of(evidence, checks));
    cJSON_AddItemToObject(r, "checks", checks);
    cJSON_AddItemToObject(r, "timeline", timeline_of(evidence));
    if (verdict_refresh(r) < 0) {
        cJSON_Delete(r);
        return NULL;
    }
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
    /* The service's own state counts like a diagnosis that no mute reaches:
     * a service down with every finding muted still fails. A review (only
     * best-practice rules, no diagnosis) is judged by its findings alone. */
    if (strcmp(jsonx_str(report, "mode", ""), "review") &&
        finding_severity_level(jsonx_str(jsonx_pointer(report, "/state"), "severity", "")) >= threshold)
        return 1;
    if (!strcmp(jsonx_str(report, "verdict", ""), "inconclusive"))
        return 4;
    return 0;
}

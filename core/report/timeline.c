/* timeline — see timeline.h. */
#include "report/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/utc.h"
#include "report/verdict.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/strutil.h"

struct entry {
    double time;
    size_t seq; /* insertion order: keeps equal times stable */
    const char *kind;
    const char *subject;
    char *text;
    const cJSON *task; /* task_stopped: the task (borrowed), to merge a batch */
    int count;
};

struct list {
    struct entry *v;
    size_t n, cap;
    int oom;
};

/* AWS JSON protocols send epoch seconds; converted XML and CloudTrail's
 * readers may give ISO 8601 strings. 0 when absent or unreadable. */
static double when(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    time_t t;
    if (cJSON_IsNumber(v))
        return v->valuedouble > 1e11 ? v->valuedouble / 1000.0 : v->valuedouble; /* tolerate ms */
    if (cJSON_IsString(v) && utc_parse(v->valuestring, &t) == 0)
        return (double)t;
    return 0;
}

static void add(struct list *l, double t, const char *kind, const char *subject, struct buf *text)
{
    struct entry *nv;
    char *s;
    if (t <= 0 || l->oom)
        goto out;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) {
            l->oom = 1;
            goto out;
        }
        l->v = nv;
        l->cap = cap;
    }
    s = buf_take(text);
    if (strlen(s) > TIMELINE_TEXT_MAX) {
        size_t k = TIMELINE_TEXT_MAX - 3;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) /* never split a UTF-8 sequence */
            k--;
        strcpy(s + k, "...");
    }
    l->v[l->n].time = t;
    l->v[l->n].seq = l->n;
    l->v[l->n].kind = kind;
    l->v[l->n].subject = subject;
    l->v[l->n].text = s;
    l->v[l->n].task = NULL;
    l->v[l->n].count = 1;
    l->n++;
out:
    buf_cleanup(text);
}

static void deployments(struct list *l, const cJSON *svc, const char *name)
{
    const cJSON *d;
    struct buf b;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(svc, "deployments")) {
        const char *id = jsonx_str(d, "id", "?"), *rs = jsonx_str(d, "rolloutState", NULL);
        double created = when(d, "createdAt"), updated = when(d, "updatedAt");
        buf_init(&b, 4096);
        /* status (PRIMARY/ACTIVE) is today's, not the one at creation: left out. */
        buf_printf(&b, "deployment %s started: %s", id, str_basename(jsonx_str(d, "taskDefinition", "?")));
        add(l, created, "deployment", name, &b);
        if (!rs || updated <= created)
            continue;
        buf_init(&b, 4096);
        buf_printf(&b, "deployment %s %s: running %.0f of %.0f, %.0f failed tasks", id, rs,
                   jsonx_num(d, "runningCount", 0), jsonx_num(d, "desiredCount", 0), jsonx_num(d, "failedTasks", 0));
        if (jsonx_str(d, "rolloutStateReason", NULL))
            buf_printf(&b, " (%s)", jsonx_str(d, "rolloutStateReason", ""));
        add(l, updated, "deployment", name, &b);
    }
}

static void service_events(struct list *l, const cJSON *svc, const char *name)
{
    const cJSON *ev;
    struct buf b;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(svc, "events")) {
        buf_init(&b, 4096);
        buf_puts(&b, jsonx_str(ev, "message", ""));
        add(l, when(ev, "createdAt"), "service_event", name, &b);
    }
}

static void task_stops(struct list *l, const cJSON *ev)
{
    const cJSON *t;
    struct buf b;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(ev, "tasks")) {
        const char *group = jsonx_str(t, "group", NULL);
        const char *subject = group && str_starts(group, "service:") ? group + 8 : NULL;
        if (!when(t, "stoppedAt"))
            continue;
        buf_init(&b, 4096);
        buf_printf(&b, "task %s stopped", str_basename(jsonx_str(t, "taskArn", "?")));
        if (jsonx_str(t, "stopCode", NULL))
            buf_printf(&b, " (%s)", jsonx_str(t, "stopCode", ""));
        if (jsonx_str(t, "stoppedReason", NULL))
            buf_printf(&b, ": %s", jsonx_str(t, "stoppedReason", ""));
        add(l, when(t, "stoppedAt"), "task_stopped", subject, &b);
        if (l->n && !l->oom)
            l->v[l->n - 1].task = t;
    }
}

/* Target health has no timestamp: it is what the collector saw, so it is
 * dated at collection time. One line per target group. */
static void target_health(struct list *l, const cJSON *ev)
{
    const cJSON *tgs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "elb"), "target_groups");
    const cJSON *tg, *th;
    double at = when(ev, "collected_at");
    struct buf b;
    if (!at)
        at = jsonx_num(cJSON_GetObjectItemCaseSensitive(ev, "window"), "until", 0);
    cJSON_ArrayForEach(tg, tgs) {
        const cJSON *list = cJSON_GetObjectItemCaseSensitive(tg, "TargetHealthDescriptions");
        int healthy = 0, other = 0;
        const char *reason = NULL;
        if (!cJSON_IsArray(list))
            continue;
        cJSON_ArrayForEach(th, list) {
            const cJSON *h = cJSON_GetObjectItemCaseSensitive(th, "TargetHealth");
            if (!strcmp(jsonx_str(h, "State", ""), "healthy")) {
                healthy++;
            } else {
                other++;
                if (!reason)
                    reason = jsonx_str(h, "Reason", jsonx_str(h, "State", NULL));
            }
        }
        buf_init(&b, 4096);
        buf_printf(&b, "target group %s: %d healthy, %d not healthy",
                   jsonx_str(tg, "TargetGroupName", str_basename(tg->string)), healthy, other);
        if (reason)
            buf_printf(&b, " (%s)", reason);
        add(l, at, "target_health", NULL, &b);
    }
}

/* CloudTrail changes: the collector's summary, actor and how they came
 * ("DeleteRoute rtb-0b2 0.0.0.0/0 by arn:...:user/alice (console)"); raw
 * LookupEvents events (older bundles) by name, source and user. */
static void changes(struct list *l, const cJSON *ev)
{
    const cJSON *c;
    struct buf b;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ev, "changes")) {
        const char *src = jsonx_str(c, "EventSource", NULL), *sum = jsonx_str(c, "summary", NULL);
        buf_init(&b, 4096);
        if (sum) {
            const char *actor = jsonx_str(c, "actor", jsonx_str(c, "Username", "unknown"));
            const char *acct = str_starts(actor, "arn:") ? strstr(actor, "::") : NULL;
            /* "arn:aws:iam::…:user/alice": the account is the target's. */
            if (acct && strchr(acct + 2, ':'))
                buf_printf(&b, "%s by %.*s\xE2\x80\xA6%s", sum, (int)(acct + 2 - actor), actor, strchr(acct + 2, ':'));
            else
                buf_printf(&b, "%s by %s", sum, actor);
            if (jsonx_str(c, "via", NULL) && strcmp(jsonx_str(c, "via", ""), "unknown") != 0)
                buf_printf(&b, " (%s)", jsonx_str(c, "via", ""));
            add(l, when(c, "EventTime"), "change", NULL, &b);
            continue;
        }
        buf_printf(&b, "%s", jsonx_str(c, "EventName", "?"));
        if (src)
            buf_printf(&b, " (%.*s)", (int)(strchr(src, '.') ? (size_t)(strchr(src, '.') - src) : strlen(src)), src);
        if (jsonx_str(c, "Username", NULL))
            buf_printf(&b, " by %s", jsonx_str(c, "Username", ""));
        add(l, when(c, "EventTime"), "change", NULL, &b);
    }
}

/* Metric threshold crossings (evidence.metrics): when a series first
 * reached its threshold, with its peak. */
static void metric_crossings(struct list *l, const cJSON *ev)
{
    const cJSON *s;
    struct buf b;
    cJSON_ArrayForEach(s, jsonx_pointer(ev, "/metrics/series")) {
        const char *unit = jsonx_str(s, "unit", ""), *u = !strcmp(unit, "Percent") ? " %" : !strcmp(unit, "Seconds") ? " s" : "";
        const char *of = jsonx_str(s, "service", NULL), *tg = jsonx_str(s, "target_group", NULL);
        char peak_at[16];
        if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(s, "first_above")))
            continue;
        if (!of && tg)
            of = strstr(tg, ":targetgroup/") ? strstr(tg, ":targetgroup/") + 1 : tg;
        utc_format((time_t)jsonx_num(s, "peak_time", 0), 0, peak_at, sizeof peak_at);
        buf_init(&b, 4096);
        buf_printf(&b, "%s of %s reached %g%s (%s); peak %g%s at %s", jsonx_str(s, "metric", "?"), of ? of : "?",
                   jsonx_num(s, "threshold", 0), u, jsonx_str(s, "stat", "?"), jsonx_num(s, "peak", 0), u, peak_at);
        add(l, when(s, "first_above"), "metric", jsonx_str(s, "service", NULL), &b);
    }
}

#define MERGE_WINDOW_S 60.0

static int same_stop(const struct entry *a, const struct entry *b)
{
    return a->task && b->task && b->time - a->time <= MERGE_WINDOW_S &&
           !strcmp(a->subject ? a->subject : "", b->subject ? b->subject : "") &&
           !strcmp(jsonx_str(a->task, "stopCode", ""), jsonx_str(b->task, "stopCode", "")) &&
           !strcmp(jsonx_str(a->task, "stoppedReason", ""), jsonx_str(b->task, "stoppedReason", ""));
}

/* Tasks that stopped within a minute for the same reason (a deployment's
 * whole batch) become one line, "4 tasks stopped (…): …", with "count".
 * Works on the sorted list in place; returns the new length. */
static size_t merge_stops(struct entry *v, size_t n)
{
    size_t i = 0, out = 0, j, k;
    struct buf b;
    while (i < n) {
        for (j = i + 1; j < n && same_stop(&v[i], &v[j]); j++)
            ;
        if (j - i > 1) {
            buf_init(&b, 4096);
            buf_printf(&b, "%zu tasks stopped", j - i);
            if (jsonx_str(v[i].task, "stopCode", NULL))
                buf_printf(&b, " (%s)", jsonx_str(v[i].task, "stopCode", ""));
            if (jsonx_str(v[i].task, "stoppedReason", NULL))
                buf_printf(&b, ": %.280s", jsonx_str(v[i].task, "stoppedReason", ""));
            if (b.data) {
                free(v[i].text);
                v[i].text = buf_take(&b);
            }
            buf_cleanup(&b);
            v[i].count = (int)(j - i);
            for (k = i + 1; k < j; k++)
                free(v[k].text);
        }
        v[out++] = v[i];
        i = j;
    }
    return out;
}

static int cmp(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

cJSON *timeline_build(const cJSON *evidence)
{
    struct list l = {0};
    const cJSON *svc;
    cJSON *out = NULL, *o;
    size_t i, first;
    cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(evidence, "services")) {
        const char *name = jsonx_str(svc, "serviceName", NULL);
        deployments(&l, svc, name);
        service_events(&l, svc, name);
    }
    task_stops(&l, evidence);
    target_health(&l, evidence);
    changes(&l, evidence);
    metric_crossings(&l, evidence);
    if (l.oom)
        goto out;
    if (l.n) {
        qsort(l.v, l.n, sizeof *l.v, cmp);
        l.n = merge_stops(l.v, l.n);
    }
    out = cJSON_CreateArray();
    first = l.n > TIMELINE_MAX ? l.n - TIMELINE_MAX : 0;
    for (i = first; out && i < l.n; i++) {
        o = cJSON_CreateObject();
        if (!o) {
            cJSON_Delete(out);
            out = NULL;
            break;
        }
        cJSON_AddNumberToObject(o, "time", (double)(long long)l.v[i].time);
        cJSON_AddStringToObject(o, "kind", l.v[i].kind);
        cJSON_AddStringToObject(o, "text", l.v[i].text);
        if (l.v[i].subject)
            cJSON_AddStringToObject(o, "subject", l.v[i].subject);
        if (l.v[i].count > 1)
            cJSON_AddNumberToObject(o, "count", l.v[i].count);
        cJSON_AddItemToArray(out, o);
    }
out:
    for (i = 0; i < l.n; i++)
        free(l.v[i].text);
    free(l.v);
    return out;
}

/* svcstate — see svcstate.h. The rules are docs/report.md "Service state";
 * keep the two in step. Evidence is hostile: every member may be missing or
 * of another type (a hand-edited bundle), so reads go through jsonx getters
 * and absent facts count as unknown, never as healthy. */
#include "analysis/svcstate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/jsonx.h"
#include "util/strutil.h"

static const char *const ev_names[SVCSTATE_EV_COUNT] = {
    "other", "steady_state", "placement_failure", "start_failure", "throttling",
    "unhealthy_target", "started", "stopped",
};

const char *svcstate_event_name(enum svcstate_event c)
{
    return c >= 0 && c < SVCSTATE_EV_COUNT ? ev_names[c] : "other";
}

/* Fragments of the service event messages of AWS's "Amazon ECS service event
 * messages" page (and the older forms still seen in the field), matched
 * case-insensitively anywhere in the message, so the prefixes `(service X) `,
 * `service X ` and `(service X, taskSet Y) ` all work. Order matters: the
 * first class whose fragment matches wins. */
static const struct {
    enum svcstate_event cls;
    const char *frag;
} ev_frags[] = {
    {SVCSTATE_EV_STEADY, "has reached a steady state"},
    {SVCSTATE_EV_THROTTLED, "operations are being throttled"},
    {SVCSTATE_EV_THROTTLED, "rate exceeded"},
    {SVCSTATE_EV_THROTTLED, "throttl"},
    {SVCSTATE_EV_PLACEMENT, "unable to place a task"},
    {SVCSTATE_EV_PLACEMENT, "unable to place task"},
    {SVCSTATE_EV_START_FAIL, "unable to consistently start tasks"},
    {SVCSTATE_EV_START_FAIL, "failed to launch a task"},
    {SVCSTATE_EV_START_FAIL, "deployment failed"},
    {SVCSTATE_EV_START_FAIL, "tasks failed to start"},
    {SVCSTATE_EV_START_FAIL, "unable to start"},
    {SVCSTATE_EV_UNHEALTHY, "failed elb health checks"},
    {SVCSTATE_EV_UNHEALTHY, "failed container health checks"},
    {SVCSTATE_EV_UNHEALTHY, "is unhealthy in"},
    {SVCSTATE_EV_UNHEALTHY, "health checks failed"},
    {SVCSTATE_EV_STARTED, "has started"},
    {SVCSTATE_EV_STOPPED, "has stopped"},
};

enum svcstate_event svcstate_event_class(const char *m)
{
    size_t i;
    if (!m)
        return SVCSTATE_EV_OTHER;
    for (i = 0; i < sizeof ev_frags / sizeof ev_frags[0]; i++)
        if (str_icase_find(m, ev_frags[i].frag))
            return ev_frags[i].cls;
    return SVCSTATE_EV_OTHER;
}

int svcstate_floor_rank(const char *f)
{
    static const char *const names[] = {"healthy", "inconclusive", "degraded", "unhealthy"};
    int i;
    for (i = 0; f && i < 4; i++)
        if (!strcmp(f, names[i]))
            return i;
    return -1;
}

/* ---- small helpers ---------------------------------------------------- */

static const char *sev_name(int r)
{
    return r >= 3 ? "critical" : r == 2 ? "high" : r == 1 ? "medium" : NULL;
}

/* A number member, or a numeric string (XML services), else dflt. */
static double num_of(const cJSON *o, const char *k, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    char *end;
    double d;
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble))
        return v->valuedouble;
    if (cJSON_IsString(v) && v->valuestring && *v->valuestring) {
        d = strtod(v->valuestring, &end);
        if (!*end && isfinite(d))
            return d;
    }
    return dflt;
}

/* Whether member k is a count: a finite number (or a numeric string, as
 * num_of reads it) of at least 0. */
static int count_known(const cJSON *o, const char *k)
{
    double d = num_of(o, k, -1);
    return d >= 0 && d < 1e12;
}

/* An epoch time member: ECS, CloudTrail changes and the evidence's own
 * stamps are epoch seconds (docs/evidence.md); 0 when absent or not a
 * positive number. */
static double time_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (cJSON_IsNumber(v))
        return isfinite(v->valuedouble) && v->valuedouble > 0 ? v->valuedouble : 0;
    return 0;
}

static int str_is(const cJSON *o, const char *k, const char *want)
{
    const char *s = jsonx_str(o, k, NULL);
    return s && !strcmp(s, want);
}

/* "2 h 10 min", "4 min", "35 s". */
static void fmt_span(double s, char *out, size_t len)
{
    long v = s > 0 ? (long)s : 0;
    if (v >= 3600)
        snprintf(out, len, "%ld h %ld min", v / 3600, (v % 3600) / 60);
    else if (v >= 60)
        snprintf(out, len, "%ld min", v / 60);
    else
        snprintf(out, len, "%ld s", v);
}

static void fmt_utc(double t, char *out, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t <= 0 || !gmtime_r(&tt, &tm)) {
        snprintf(out, len, "an unknown time");
        return;
    }
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void add_pointer(cJSON *ev, const char *pointer, const char *note)
{
    cJSON *o;
    if (cJSON_GetArraySize(ev) >= 16)
        return;
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "pointer", pointer);
    cJSON_AddStringToObject(o, "note", note);
    cJSON_AddItemToArray(ev, o);
}

static void add_reason(cJSON *reasons, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void add_reason(cJSON *reasons, const char *fmt, ...)
{
    char tmp[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    cJSON_AddItemToArray(reasons, cJSON_CreateString(tmp));
}

/* A task's own clock: the first of these it has (0: untimed). */
static double task_time(const cJSON *t)
{
    static const char *const keys[] = {"stoppedAt", "stoppingAt", "startedAt", "createdAt"};
    size_t i;
    double v;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if ((v = time_of(t, keys[i])) > 0)
            return v;
    return 0;
}

static int task_unhealthy(const cJSON *t)
{
    const cJSON *c;
    if (str_is(t, "healthStatus", "UNHEALTHY"))
        return 1;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(t, "containers"))
        if (str_is(c, "healthStatus", "UNHEALTHY"))
            return 1;
    return 0;
}

/* Stops that are operations, not failures. */
static int stop_is_normal(const cJSON *t)
{
    static const char *const normal[] = {"UserInitiated", "ServiceSchedulerInitiated", "SpotInterruption",
                                         "TerminationNotice"};
    const char *code = jsonx_str(t, "stopCode", NULL);
    size_t i;
    for (i = 0; code && i < sizeof normal / sizeof normal[0]; i++)
        if (!strcmp(code, normal[i]))
            return 1;
    return 0;
}

/* ---- per service ------------------------------------------------------- */

struct svc_in {
    const cJSON *ev, *svc;
    int index;
    double now;
};

static cJSON *deployments_of(const struct svc_in *in, double grace, const cJSON **newest, int *newest_i,
                             int *any_failed, int *stuck_i)
{
    cJSON *arr = cJSON_CreateArray();
    const cJSON *d;
    int i = 0;
    double newest_t = -1;
    *newest = NULL;
    *newest_i = -1;
    *any_failed = -1;
    *stuck_i = -1;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(in->svc, "deployments")) {
        cJSON *o = cJSON_CreateObject();
        char ptr[96];
        double created = time_of(d, "createdAt"), updated = time_of(d, "updatedAt");
        const char *rs = jsonx_str(d, "rolloutState", NULL);
        int stuck = rs && !strcmp(rs, "IN_PROGRESS") && created > 0 &&
                    in->now - created > SVCSTATE_DEPLOY_ALLOWANCE + grace;
        int failed = rs && !strcmp(rs, "FAILED");
        snprintf(ptr, sizeof ptr, "/services/%d/deployments/%d", in->index, i);
        cJSON_AddStringToObject(o, "pointer", ptr);
        cJSON_AddStringToObject(o, "id", jsonx_str(d, "id", "?"));
        cJSON_AddStringToObject(o, "status", jsonx_str(d, "status", "?"));
        if (rs)
            cJSON_AddStringToObject(o, "rollout_state", rs);
        else
            cJSON_AddNullToObject(o, "rollout_state");
        if (created > 0) {
            cJSON_AddNumberToObject(o, "created_at", created);
            cJSON_AddNumberToObject(o, "age_s", floor(in->now - created));
        }
        if (updated > 0)
            cJSON_AddNumberToObject(o, "updated_at", updated);
        cJSON_AddNumberToObject(o, "desired", num_of(d, "desiredCount", 0));
        cJSON_AddNumberToObject(o, "running", num_of(d, "runningCount", 0));
        cJSON_AddNumberToObject(o, "pending", num_of(d, "pendingCount", 0));
        cJSON_AddNumberToObject(o, "failed_tasks", num_of(d, "failedTasks", 0));
        cJSON_AddBoolToObject(o, "stuck", stuck);
        cJSON_AddBoolToObject(o, "failed", failed);
        cJSON_AddItemToArray(arr, o);
        if (failed && *any_failed < 0)
            *any_failed = i;
        if (stuck && str_is(d, "status", "PRIMARY"))
            *stuck_i = i;
        /* The newest deployment is the rollout that decides: PRIMARY, or
         * the newest by createdAt when none says PRIMARY. */
        if (str_is(d, "status", "PRIMARY") ? newest_t < 1e18 : created > newest_t) {
            if (str_is(d, "status", "PRIMARY"))
                newest_t = 1e18;
            else
                newest_t = created;
            *newest = d;
            *newest_i = i;
        }
        i++;
    }
    return arr;
}

struct tg_health {
    int healthy, unhealthy, initial, draining, unused, other, total;
};

/* Target health of the service's target groups; min_healthy receives the
 * smallest healthy count over groups whose health was collected (-1: none). */
static cJSON *targets_of(const struct svc_in *in, int *min_healthy, int *unhealthy_total, cJSON *evid)
{
    cJSON *arr = cJSON_CreateArray();
    const cJSON *lb, *groups = jsonx_pointer(in->ev, "/elb/target_groups");
    int li = 0;
    *min_healthy = -1;
    *unhealthy_total = 0;
    cJSON_ArrayForEach(lb, cJSON_GetObjectItemCaseSensitive(in->svc, "loadBalancers")) {
        const char *arn = jsonx_str(lb, "targetGroupArn", NULL);
        const cJSON *tg = arn ? cJSON_GetObjectItemCaseSensitive(groups, arn) : NULL;
        const cJSON *thd = cJSON_GetObjectItemCaseSensitive(tg, "TargetHealthDescriptions"), *d;
        struct tg_health h = {0};
        cJSON *o, *reasons;
        int di = 0, seen = 0;
        li++;
        if (!arn || !cJSON_IsArray(thd))
            continue;
        /* A group listed twice (two ports) is counted once. */
        cJSON_ArrayForEach(o, arr)
            seen |= !strcmp(jsonx_str(o, "target_group", ""), arn);
        if (seen)
            continue;
        o = cJSON_CreateObject();
        reasons = cJSON_CreateArray();
        cJSON_ArrayForEach(d, thd) {
            const cJSON *th = cJSON_GetObjectItemCaseSensitive(d, "TargetHealth");
            const char *st = jsonx_str(th, "State", "");
            const char *rsn = jsonx_str(th, "Reason", NULL);
            h.total++;
            if (!strcmp(st, "healthy"))
                h.healthy++;
            else if (!strcmp(st, "unhealthy") || !strcmp(st, "unhealthy.draining") ||
                     !strcmp(st, "unavailable")) {
                h.unhealthy++;
                if (rsn && cJSON_GetArraySize(reasons) < 8) {
                    int dup = 0;
                    const cJSON *r;
                    cJSON_ArrayForEach(r, reasons)
                        dup |= cJSON_IsString(r) && !strcmp(r->valuestring, rsn);
                    if (!dup)
                        cJSON_AddItemToArray(reasons, cJSON_CreateString(rsn));
                }
                if (h.unhealthy == 1) {
                    struct buf b;
                    buf_init(&b, 2048);
                    buf_puts(&b, "/elb/target_groups/");
                    jsonx_pointer_append(&b, arn);
                    buf_printf(&b, "/TargetHealthDescriptions/%d/TargetHealth", di);
                    if (b.data)
                        add_pointer(evid, b.data, "target health");
                    buf_cleanup(&b);
                }
            } else if (!strcmp(st, "initial"))
                h.initial++;
            else if (!strcmp(st, "draining"))
                h.draining++;
            else if (!strcmp(st, "unused"))
                h.unused++;
            else
                h.other++;
            di++;
        }
        cJSON_AddStringToObject(o, "target_group", arn);
        cJSON_AddNumberToObject(o, "healthy", h.healthy);
        cJSON_AddNumberToObject(o, "unhealthy", h.unhealthy);
        cJSON_AddNumberToObject(o, "initial", h.initial);
        cJSON_AddNumberToObject(o, "draining", h.draining);
        cJSON_AddNumberToObject(o, "unused", h.unused);
        cJSON_AddNumberToObject(o, "other", h.other);
        cJSON_AddNumberToObject(o, "total", h.total);
        cJSON_AddItemToObject(o, "reasons", reasons);
        cJSON_AddItemToArray(arr, o);
        if (*min_healthy < 0 || h.healthy < *min_healthy)
            *min_healthy = h.healthy;
        *unhealthy_total += h.unhealthy;
    }
    (void)li;
    return arr;
}

/* Who deleted the service and when, from CloudTrail `changes` (newest first). */
static cJSON *deleted_of(const struct svc_in *in, const char *name, cJSON *evid)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *ch;
    int i = 0;
    cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(in->ev, "changes")) {
        const cJSON *r;
        int touches = 0;
        if (!str_is(ch, "EventName", "DeleteService") || jsonx_str(ch, "error_code", NULL)) {
            i++;
            continue;
        }
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(ch, "resources"))
            touches |= cJSON_IsString(r) && (!strcmp(r->valuestring, name) ||
                                             !strcmp(str_basename(r->valuestring), name));
        if (touches) {
            char ptr[64];
            snprintf(ptr, sizeof ptr, "/changes/%d", i);
            cJSON_AddNumberToObject(o, "at", time_of(ch, "EventTime"));
            cJSON_AddStringToObject(o, "by", jsonx_str(ch, "actor", "unknown"));
            cJSON_AddStringToObject(o, "pointer", ptr);
            snprintf(ptr, sizeof ptr, "/changes/%d/summary", i);
            add_pointer(evid, ptr, "CloudTrail DeleteService");
            return o;
        }
        i++;
    }
    cJSON_AddNullToObject(o, "at");
    cJSON_AddNullToObject(o, "by");
    return o;
}

static cJSON *service_state(const struct svc_in *in, int *sev_out, int *floor_out)
{
    const cJSON *svc = in->svc, *t, *e, *newest = NULL;
    const char *name = jsonx_str(svc, "serviceName", "?");
    const char *status = jsonx_str(svc, "status", NULL);
    cJSON *o = cJSON_CreateObject(), *reasons = cJSON_CreateArray(), *evid = cJSON_CreateArray();
    cJSON *tasks, *events, *counts, *last, *deps, *targets;
    double desired = num_of(svc, "desiredCount", 0), running = num_of(svc, "runningCount", 0);
    double pending = num_of(svc, "pendingCount", 0);
    double grace = num_of(svc, "healthCheckGracePeriodSeconds", 0);
    double mhp = num_of(jsonx_pointer(svc, "/deploymentConfiguration"), "minimumHealthyPercent", 100);
    double last_steady = 0, newest_ev = 0, short_since = 0, min_healthy;
    int n_run = 0, n_pend = 0, n_pend_long = 0, n_stop = 0, n_stop_fail = 0, n_untimed = 0;
    int n_unhealthy_tasks = 0, n_unhealthy_ct = 0, ecount[SVCSTATE_EV_COUNT] = {0};
    double elast[SVCSTATE_EV_COUNT] = {0};
    int newest_i, failed_i, stuck_i, tg_min, tg_unhealthy, sev = 0, floor_r = 0, positive = 1, starting = 0;
    int ei = 0, ti = 0, n_fail_ev;
    double healthy_n;
    char ptr[160], span[64], when[64], group[600];
    char sp[64];

    snprintf(sp, sizeof sp, "/services/%d", in->index);
    snprintf(group, sizeof group, "service:%s", name);
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "pointer", sp);
    if (status)
        cJSON_AddStringToObject(o, "status", status);
    else
        cJSON_AddNullToObject(o, "status");
    cJSON_AddNumberToObject(o, "desired", desired);
    cJSON_AddNumberToObject(o, "running", running);
    cJSON_AddNumberToObject(o, "pending", pending);

    /* Tasks of this service (group "service:NAME"). */
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(in->ev, "tasks")) {
        const char *ls = jsonx_str(t, "lastStatus", "");
        double tt = task_time(t);
        if (str_is(t, "group", group)) {
            if (!strcmp(ls, "RUNNING")) {
                n_run++;
                if (task_unhealthy(t)) {
                    const cJSON *c;
                    int ci = 0;
                    n_unhealthy_tasks++;
                    snprintf(ptr, sizeof ptr, "/tasks/%d/healthStatus", ti);
                    add_pointer(evid, ptr, "task health");
                    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(t, "containers")) {
                        n_unhealthy_ct += str_is(c, "healthStatus", "UNHEALTHY");
                        ci++;
                    }
                }
            } else if (!strcmp(ls, "PENDING") || !strcmp(ls, "PROVISIONING") || !strcmp(ls, "ACTIVATING")) {
                double created = time_of(t, "createdAt");
                n_pend++;
                if (created > 0 && in->now - created > SVCSTATE_PENDING_MAX) {
                    n_pend_long++;
                    snprintf(ptr, sizeof ptr, "/tasks/%d/lastStatus", ti);
                    add_pointer(evid, ptr, "task pending");
                }
            } else if (!strcmp(ls, "STOPPED") || str_is(t, "desiredStatus", "STOPPED")) {
                if (tt <= 0)
                    n_untimed++;
                else if (in->now - tt <= SVCSTATE_STOP_WINDOW) {
                    n_stop++;
                    n_stop_fail += !stop_is_normal(t);
                }
            }
        }
        ti++;
    }
    tasks = cJSON_AddObjectToObject(o, "tasks");
    cJSON_AddNumberToObject(tasks, "running", n_run);
    cJSON_AddNumberToObject(tasks, "pending", n_pend);
    cJSON_AddNumberToObject(tasks, "pending_too_long", n_pend_long);
    cJSON_AddNumberToObject(tasks, "stopped_last_hour", n_stop);
    cJSON_AddNumberToObject(tasks, "failed_last_hour", n_stop_fail);
    cJSON_AddNumberToObject(tasks, "stopped_untimed", n_untimed);
    cJSON_AddNumberToObject(tasks, "unhealthy", n_unhealthy_tasks);
    cJSON_AddNumberToObject(tasks, "unhealthy_containers", n_unhealthy_ct);

    /* Events: newest first on the wire, but sort-independent here. */
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(svc, "events")) {
        double at = time_of(e, "createdAt");
        enum svcstate_event c = svcstate_event_class(jsonx_str(e, "message", NULL));
        if (at > newest_ev)
            newest_ev = at;
        if (c == SVCSTATE_EV_STEADY && at > last_steady)
            last_steady = at;
        (void)ei;
    }
    n_fail_ev = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(svc, "events")) {
        double at = time_of(e, "createdAt");
        enum svcstate_event c = svcstate_event_class(jsonx_str(e, "message", NULL));
        /* What happened since the last steady state is what matters now. */
        if (at > last_steady || (!last_steady && at <= 0)) {
            ecount[c]++;
            if (at > elast[c])
                elast[c] = at;
            if (c != SVCSTATE_EV_STEADY && c != SVCSTATE_EV_OTHER && at > 0 &&
                (!short_since || at < short_since))
                short_since = at;
            if (c == SVCSTATE_EV_PLACEMENT || c == SVCSTATE_EV_START_FAIL || c == SVCSTATE_EV_UNHEALTHY) {
                n_fail_ev++;
                if (n_fail_ev <= 3) {
                    snprintf(ptr, sizeof ptr, "%s/events/%d/message", sp, ei);
                    add_pointer(evid, ptr, svcstate_event_name(c));
                }
            }
        }
        ei++;
    }
    events = cJSON_AddObjectToObject(o, "events");
    counts = cJSON_AddObjectToObject(events, "since_steady_state");
    last = cJSON_AddObjectToObject(events, "last");
    {
        int c;
        for (c = 1; c < SVCSTATE_EV_COUNT; c++) {
            cJSON_AddNumberToObject(counts, ev_names[c], ecount[c]);
            if (elast[c] > 0)
                cJSON_AddNumberToObject(last, ev_names[c], elast[c]);
        }
    }
    if (last_steady > 0)
        cJSON_AddNumberToObject(events, "last_steady_state", last_steady);
    else
        cJSON_AddNullToObject(events, "last_steady_state");
    cJSON_AddNumberToObject(events, "total", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(svc, "events")));

    deps = deployments_of(in, grace, &newest, &newest_i, &failed_i, &stuck_i);
    cJSON_AddItemToObject(o, "deployments", deps);
    if (newest) {
        cJSON *ro = cJSON_AddObjectToObject(o, "rollout");
        double created = time_of(newest, "createdAt"), updated = time_of(newest, "updatedAt");
        cJSON_AddStringToObject(ro, "id", jsonx_str(newest, "id", "?"));
        cJSON_AddStringToObject(ro, "state", jsonx_str(newest, "rolloutState", "UNKNOWN"));
        if (created > 0)
            cJSON_AddNumberToObject(ro, "age_s", floor(in->now - created));
        /* A rollout that has not completed since the last steady state is
         * when being short can have begun, too. (A COMPLETED one only says
         * the service was whole then: it dates nothing.) */
        if (!str_is(newest, "rolloutState", "COMPLETED")) {
            if (updated > last_steady && updated > 0 && (!short_since || updated < short_since))
                short_since = updated;
            if (created > last_steady && created > 0 && (!short_since || created < short_since))
                short_since = created;
        }
    } else {
        cJSON_AddNullToObject(o, "rollout");
    }

    targets = targets_of(in, &tg_min, &tg_unhealthy, evid);
    cJSON_AddItemToObject(o, "targets", targets);

    /* Healthy tasks: running ones, less those whose container health says
     * UNHEALTHY. */
    healthy_n = running - n_unhealthy_tasks;
    if (healthy_n < 0)
        healthy_n = 0;
    /* A target group with no healthy target serves nothing, whatever runs.
     * Fewer healthy targets than tasks is not counted against the tasks
     * (registration lags, a group shared with another service); unhealthy
     * targets are a reason of their own below. */
    if (tg_min == 0)
        healthy_n = 0;
    min_healthy = ceil(desired * mhp / 100.0);
    if (min_healthy > desired)
        min_healthy = desired;
    cJSON_AddNumberToObject(o, "healthy", healthy_n);
    cJSON_AddNumberToObject(o, "minimum_healthy_percent", mhp);
    cJSON_AddNumberToObject(o, "minimum_healthy", min_healthy);
    cJSON_AddNumberToObject(o, "short", desired > healthy_n ? desired - healthy_n : 0);

    snprintf(ptr, sizeof ptr, "%s/runningCount", sp);
    add_pointer(evid, ptr, "running");
    snprintf(ptr, sizeof ptr, "%s/desiredCount", sp);
    add_pointer(evid, ptr, "desired");

    /* ---- the rules ---- */
    if (status && !strcmp(status, "INACTIVE")) {
        cJSON *del = deleted_of(in, name, evid);
        double at = jsonx_num(del, "at", 0);
        snprintf(ptr, sizeof ptr, "%s/status", sp);
        add_pointer(evid, ptr, "service status");
        fmt_utc(at, when, sizeof when);
        if (at > 0)
            add_reason(reasons, "service %s was deleted (status INACTIVE) at %s by %s", name, when,
                       jsonx_str(del, "by", "unknown"));
        else
            add_reason(reasons, "service %s was deleted (status INACTIVE)", name);
        cJSON_AddItemToObject(o, "deleted", del);
        sev = sev < 2 ? 2 : sev;
    } else if (status && !strcmp(status, "DRAINING")) {
        snprintf(ptr, sizeof ptr, "%s/status", sp);
        add_pointer(evid, ptr, "service status");
        add_reason(reasons, "service %s is being deleted (status DRAINING)", name);
        sev = sev < 2 ? 2 : sev;
    } else if (!status || strcmp(status, "ACTIVE")) {
        positive = 0;
        add_reason(reasons, "service %s has no ACTIVE status in the evidence", name);
    }

    /* A count that is absent or not a number is unknown, not zero: it can
     * never show the service healthy. */
    if (!count_known(svc, "desiredCount") || !count_known(svc, "runningCount")) {
        positive = 0;
        add_reason(reasons, "desired or running count unknown in the evidence");
    }

    if (desired > 0 && healthy_n < desired) {
        double since = short_since > 0 ? in->now - short_since : -1;
        int s;
        positive = 0;
        if (short_since > 0) {
            cJSON_AddNumberToObject(o, "short_since", short_since);
            cJSON_AddNumberToObject(o, "short_for_s", floor(since));
        } else {
            cJSON_AddNullToObject(o, "short_since");
            cJSON_AddNullToObject(o, "short_for_s");
        }
        starting = since >= 0 && since < SVCSTATE_START_ALLOWANCE && !n_fail_ev && failed_i < 0 &&
                   stuck_i < 0 && !n_pend_long && !n_unhealthy_tasks && tg_unhealthy == 0;
        if (starting) {
            fmt_span(since, span, sizeof span);
            add_reason(reasons, "%.0f of %.0f running, starting for %s (allowance %d s)", healthy_n, desired,
                       span, SVCSTATE_START_ALLOWANCE);
        } else {
            if (healthy_n <= 0)
                s = 3;
            else if (healthy_n < min_healthy)
                s = 2;
            else
                s = 1;
            sev = s > sev ? s : sev;
            span[0] = '\0';
            if (since >= 0) {
                char tmp[48];
                fmt_span(since, tmp, sizeof tmp);
                snprintf(span, sizeof span, " for %s", tmp);
            }
            if (healthy_n < running)
                add_reason(reasons, "%.0f of %.0f tasks healthy (%.0f running)%s; minimum healthy %.0f", healthy_n,
                           desired, running, span, min_healthy);
            else
                add_reason(reasons, "%.0f of %.0f running%s; minimum healthy %.0f (%.0f %%)", running, desired,
                           span, min_healthy, mhp);
        }
    } else {
        cJSON_AddNullToObject(o, "short_since");
        cJSON_AddNullToObject(o, "short_for_s");
    }
    cJSON_AddBoolToObject(o, "starting", starting);

    if (failed_i >= 0) {
        /* A FAILED rollout that was rolled back leaves the service on its
         * old revision: a change failed (medium). Failing while short is
         * already high or critical by the count above. */
        const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(svc, "deployments"), failed_i);
        snprintf(ptr, sizeof ptr, "%s/deployments/%d/rolloutStateReason", sp, failed_i);
        add_pointer(evid, ptr, "failed deployment");
        add_reason(reasons, "deployment %s FAILED: %.300s", jsonx_str(d, "id", "?"),
                   jsonx_str(d, "rolloutStateReason", "no reason given"));
        sev = sev < 1 ? 1 : sev;
        positive = 0;
    }
    if (stuck_i >= 0) {
        const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(svc, "deployments"), stuck_i);
        double created = time_of(d, "createdAt");
        fmt_utc(created, when, sizeof when);
        fmt_span(in->now - created, span, sizeof span);
        snprintf(ptr, sizeof ptr, "%s/deployments/%d/rolloutState", sp, stuck_i);
        add_pointer(evid, ptr, "rollout state");
        add_reason(reasons, "deployment %s IN_PROGRESS since %s (%s; allowance %.0f s)", jsonx_str(d, "id", "?"),
                   when, span, SVCSTATE_DEPLOY_ALLOWANCE + grace);
        sev = sev < 2 ? 2 : sev;
        positive = 0;
    }
    if (n_pend_long) {
        add_reason(reasons, "%d task%s PENDING for more than %d s", n_pend_long, n_pend_long == 1 ? "" : "s",
                   SVCSTATE_PENDING_MAX);
        sev = sev < 1 ? 1 : sev;
        positive = 0;
    }
    if (tg_unhealthy > 0 || n_unhealthy_tasks > 0) {
        if (tg_unhealthy > 0)
            add_reason(reasons, "%d unhealthy target%s in the service's target groups", tg_unhealthy,
                       tg_unhealthy == 1 ? "" : "s");
        if (n_unhealthy_tasks > 0)
            add_reason(reasons, "%d running task%s with container health UNHEALTHY", n_unhealthy_tasks,
                       n_unhealthy_tasks == 1 ? "" : "s");
        sev = sev < 1 ? 1 : sev;
        positive = 0;
    }
    /* A rollout still in progress whose new tasks already failed shows no
     * health, whatever its age (the circuit breaker counts the same
     * failures): never healthy. Not a severity by itself: the counts, the
     * stuck rule and the checks say how bad it is. */
    if (newest && str_is(newest, "rolloutState", "IN_PROGRESS") && num_of(newest, "failedTasks", 0) > 0) {
        snprintf(ptr, sizeof ptr, "%s/deployments/%d/failedTasks", sp, newest_i);
        add_pointer(evid, ptr, "failed tasks of the rollout");
        add_reason(reasons, "deployment %s IN_PROGRESS with %.0f failed task%s", jsonx_str(newest, "id", "?"),
                   num_of(newest, "failedTasks", 0), num_of(newest, "failedTasks", 0) == 1 ? "" : "s");
        positive = 0;
    }
    /* Positive evidence of a finished rollout: the newest deployment is
     * COMPLETED, or a steady-state event came after it started. A rollout
     * whose start is unknown (no createdAt, or not an epoch time) cannot be
     * shown finished by an event. */
    if (positive) {
        const char *rs = newest ? jsonx_str(newest, "rolloutState", NULL) : NULL;
        double created = newest ? time_of(newest, "createdAt") : 0;
        int started_unknown = rs && strcmp(rs, "COMPLETED") && created <= 0;
        if (!(rs && !strcmp(rs, "COMPLETED")) && (started_unknown || !(last_steady > 0 && last_steady >= created))) {
            positive = 0;
            if (newest && rs)
                add_reason(reasons, "deployment %s is %s and no steady-state event since it started",
                           jsonx_str(newest, "id", "?"), rs);
            else
                add_reason(reasons, "no COMPLETED deployment and no steady-state event");
        }
    }
    if (newest_i >= 0 && newest) {
        snprintf(ptr, sizeof ptr, "%s/deployments/%d/rolloutState", sp, newest_i);
        add_pointer(evid, ptr, "rollout state");
    }
    if (n_untimed)
        add_reason(reasons, "%d stopped task%s without timestamps (kept, untimed)", n_untimed,
                   n_untimed == 1 ? "" : "s");

    floor_r = sev >= 2 ? 3 : sev == 1 ? 2 : positive ? 0 : 1;
    cJSON_AddStringToObject(o, "floor", floor_r == 3 ? "unhealthy" : floor_r == 2 ? "degraded"
                                        : floor_r == 1 ? "inconclusive" : "healthy");
    if (sev_name(sev))
        cJSON_AddStringToObject(o, "severity", sev_name(sev));
    else
        cJSON_AddNullToObject(o, "severity");
    cJSON_AddBoolToObject(o, "positive", floor_r == 0);
    cJSON_AddItemToObject(o, "reasons", reasons);
    cJSON_AddItemToObject(o, "evidence", evid);
    *sev_out = sev;
    *floor_out = floor_r;
    return o;
}

/* A task target's own task (kind=task): RUNNING and not UNHEALTHY, or
 * STOPPED with every essential container at exit 0, is positive evidence. */
static cJSON *task_state(const cJSON *ev, double now, int *sev_out, int *floor_out)
{
    const char *want = jsonx_str(jsonx_pointer(ev, "/target"), "task", "");
    const cJSON *t;
    cJSON *o = cJSON_CreateObject(), *reasons = cJSON_CreateArray();
    int i = 0, found = -1, floor_r = 1, sev = 0;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(ev, "tasks")) {
        const char *arn = jsonx_str(t, "taskArn", "");
        if (*want && (!strcmp(arn, want) || !strcmp(str_basename(arn), want))) {
            found = i;
            break;
        }
        i++;
    }
    if (found < 0) {
        add_reason(reasons, "task %s is not in the evidence", *want ? want : "?");
    } else {
        const char *ls = jsonx_str(t, "lastStatus", "?");
        char ptr[64];
        snprintf(ptr, sizeof ptr, "/tasks/%d", found);
        cJSON_AddStringToObject(o, "pointer", ptr);
        cJSON_AddStringToObject(o, "last_status", ls);
        if (!strcmp(ls, "RUNNING")) {
            if (task_unhealthy(t)) {
                sev = 1;
                add_reason(reasons, "task %s is RUNNING with container health UNHEALTHY", str_basename(want));
            } else {
                floor_r = 0;
            }
        } else if (!strcmp(ls, "PENDING") || !strcmp(ls, "PROVISIONING") || !strcmp(ls, "ACTIVATING")) {
            double created = time_of(t, "createdAt");
            if (created > 0 && now - created > SVCSTATE_PENDING_MAX) {
                sev = 1;
                add_reason(reasons, "task %s %s for more than %d s", str_basename(want), ls, SVCSTATE_PENDING_MAX);
            } else {
                add_reason(reasons, "task %s is %s", str_basename(want), ls);
            }
        } else if (!strcmp(ls, "STOPPED")) {
            const cJSON *c;
            int clean = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "containers")) > 0;
            cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(t, "containers"))
                clean &= cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(c, "exitCode")) &&
                         jsonx_num(c, "exitCode", 1) == 0;
            if (clean)
                floor_r = 0;
            else
                add_reason(reasons, "task %s STOPPED (%.200s)", str_basename(want),
                           jsonx_str(t, "stoppedReason", jsonx_str(t, "stopCode", "no reason given")));
        } else {
            add_reason(reasons, "task %s is %s", str_basename(want), ls);
        }
    }
    if (sev)
        floor_r = 2;
    cJSON_AddStringToObject(o, "floor", floor_r == 2 ? "degraded" : floor_r == 1 ? "inconclusive" : "healthy");
    if (sev)
        cJSON_AddStringToObject(o, "severity", "medium");
    else
        cJSON_AddNullToObject(o, "severity");
    cJSON_AddBoolToObject(o, "positive", floor_r == 0);
    cJSON_AddItemToObject(o, "reasons", reasons);
    *sev_out = sev;
    *floor_out = floor_r;
    return o;
}

cJSON *svcstate_build(const cJSON *ev, double now)
{
    cJSON *st = cJSON_CreateObject(), *svcs, *reasons;
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(ev, "target"), *s;
    const char *kind = jsonx_str(target, "kind", "");
    double until = jsonx_num(jsonx_pointer(ev, "/window"), "until", 0);
    int i = 0, worst_sev = 0, worst_floor = 0, any = 0;
    struct svc_in in;
    if (!st)
        return NULL;
    in.ev = ev;
    in.now = until > 0 ? until : now;
    cJSON_AddNumberToObject(st, "now", floor(in.now));
    svcs = cJSON_AddObjectToObject(st, "services");
    reasons = cJSON_CreateArray();
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(ev, "services")) {
        const char *name = jsonx_str(s, "serviceName", NULL);
        int sev = 0, fl = 0;
        cJSON *one, *r;
        const cJSON *have;
        if (!cJSON_IsObject(s) || !name) {
            i++;
            continue;
        }
        in.svc = s;
        in.index = i;
        one = service_state(&in, &sev, &fl);
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(one, "reasons"))
            if (fl > 0 && cJSON_GetArraySize(reasons) < 20)
                add_reason(reasons, "%s: %s", name, r->valuestring);
        /* The same name twice (a hostile or hand-made bundle): the worse
         * entry stands, whatever the order. */
        have = cJSON_GetObjectItemCaseSensitive(svcs, name);
        if (!have)
            cJSON_AddItemToObject(svcs, name, one);
        else if (svcstate_floor_rank(jsonx_str(one, "floor", NULL)) >
                 svcstate_floor_rank(jsonx_str(have, "floor", NULL)))
            cJSON_ReplaceItemInObjectCaseSensitive(svcs, name, one);
        else
            cJSON_Delete(one);
        worst_sev = sev > worst_sev ? sev : worst_sev;
        worst_floor = fl > worst_floor ? fl : worst_floor;
        any = 1;
        i++;
    }
    if (!strcmp(kind, "task")) {
        int sev = 0, fl = 0;
        cJSON *t = task_state(ev, in.now, &sev, &fl), *r;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(t, "reasons"))
            if (fl > 0 && cJSON_GetArraySize(reasons) < 20)
                add_reason(reasons, "%s", r->valuestring);
        cJSON_AddItemToObject(st, "task", t);
        worst_sev = sev > worst_sev ? sev : worst_sev;
        /* The task's service (when it has one) decides too; without one the
         * task alone does. */
        worst_floor = any ? (fl > worst_floor ? fl : worst_floor) : fl;
        any = 1;
    } else if (!any) {
        /* Nothing to show health with: a cluster without services, or a
         * bundle without the services section. */
        if (!strcmp(kind, "cluster") && cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(ev, "services")) &&
            !cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ev, "services"))) {
            worst_floor = 0;
        } else {
            worst_floor = 1;
            add_reason(reasons, "no service in the evidence to show health");
        }
    }
    cJSON_AddStringToObject(st, "floor", worst_floor == 3 ? "unhealthy" : worst_floor == 2 ? "degraded"
                                         : worst_floor == 1 ? "inconclusive" : "healthy");
    if (sev_name(worst_sev))
        cJSON_AddStringToObject(st, "severity", sev_name(worst_sev));
    else
        cJSON_AddNullToObject(st, "severity");
    cJSON_AddItemToObject(st, "reasons", reasons);
    return st;
}

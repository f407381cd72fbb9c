/* collect_metrics — CloudWatch GetMetricData over the window (evidence
 * `metrics`): each service's CPUUtilization and MemoryUtilization (AWS/ECS)
 * and each target group's UnHealthyHostCount, HTTPCode_Target_5XX_Count and
 * TargetResponseTime (AWS/ApplicationELB), all in one paginated call.
 * Series are summarised here (peak, last, slope, first time above a
 * threshold, minutes above it) with a few downsampled points for the
 * timeline; raw datapoints never enter the evidence. */
#include "collect/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/utc.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#define METRICS_MAX_SERVICES 20
#define METRICS_MAX_TGS 10
#define METRICS_MAX_POINTS 1440 /* per series: what one GetMetricData page may carry */

struct metric_def {
    const char *ns, *name, *stat, *unit, *tag;
    double threshold;
};

/* Thresholds: the level a responder would call a problem, per period. */
static const struct metric_def ecs_defs[] = {
    {"AWS/ECS", "CPUUtilization", "Maximum", "Percent", "cpu", 90.0},
    {"AWS/ECS", "MemoryUtilization", "Maximum", "Percent", "mem", 90.0},
};
static const struct metric_def alb_defs[] = {
    {"AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", "Count", "unhealthy", 1.0},
    {"AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", "Count", "http5xx", 10.0},
    {"AWS/ApplicationELB", "TargetResponseTime", "Average", "Seconds", "latency", 1.0},
};

long metrics_period(double span_s)
{
    static const long steps[] = {300, 900, 3600, 21600, 86400};
    size_t i;
    /* One-minute points up to 3 hours; beyond, CloudWatch keeps 1-minute
     * data only 15 days and a longer window reads as a trend: the smallest
     * standard period of 5 minutes or more within 1440 points. */
    if (span_s <= 3 * 3600)
        return 60;
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span_s / (double)steps[i] <= METRICS_MAX_POINTS)
            return steps[i];
    return 86400;
}

struct point {
    double t, v;
};

static int by_time(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t;
}

void metrics_summarise(const double *t, const double *v, size_t n, double threshold, long period,
                       size_t max_samples, cJSON *out)
{
    struct point *p = n ? calloc(n, sizeof *p) : NULL;
    size_t i, peak = 0, above = 0;
    double st = 0, sv = 0, stt = 0, stv = 0, first_above = 0, slope = 0, step = (double)period;
    cJSON *samples;
    cJSON_AddNumberToObject(out, "points", (double)(p ? n : 0));
    if (!p)
        return;
    for (i = 0; i < n; i++)
        p[i] = (struct point){t[i], v[i]};
    qsort(p, n, sizeof *p, by_time);
    for (i = 0; i < n; i++) {
        /* Time in hours from the first point keeps the sums well scaled. */
        double x = (p[i].t - p[0].t) / 3600.0;
        if (p[i].v > p[peak].v)
            peak = i;
        if (p[i].v >= threshold) {
            if (!above)
                first_above = p[i].t;
            above++;
        }
        st += x;
        sv += p[i].v;
        stt += x * x;
        stv += x * p[i].v;
    }
    /* A point stands for its period, or for the actual spacing when the
     * series is sparser than asked (CloudWatch may aggregate). */
    if (n >= 2 && (p[n - 1].t - p[0].t) / (double)(n - 1) > (double)period)
        step = (p[n - 1].t - p[0].t) / (double)(n - 1);
    if (n >= 2 && (double)n * stt - st * st > 1e-12)
        slope = ((double)n * stv - st * sv) / ((double)n * stt - st * st);
    cJSON_AddNumberToObject(out, "peak", p[peak].v);
    cJSON_AddNumberToObject(out, "peak_time", p[peak].t);
    cJSON_AddNumberToObject(out, "last", p[n - 1].v);
    cJSON_AddNumberToObject(out, "last_time", p[n - 1].t);
    cJSON_AddNumberToObject(out, "first", p[0].v);
    cJSON_AddNumberToObject(out, "first_time", p[0].t);
    cJSON_AddNumberToObject(out, "slope_per_hour", round(slope * 1000.0) / 1000.0);
    if (above)
        cJSON_AddNumberToObject(out, "first_above", first_above);
    else
        cJSON_AddNullToObject(out, "first_above");
    cJSON_AddNumberToObject(out, "minutes_above", round((double)above * step / 60.0));
    /* Downsampled: the maximum of each of max_samples equal slices, so a
     * spike survives; the last point is always the last sample. */
    samples = cJSON_AddArrayToObject(out, "samples");
    if (max_samples == 0)
        max_samples = 1;
    for (i = 0; samples && i < max_samples && i < n; i++) {
        size_t lo = i * n / (max_samples < n ? max_samples : n);
        size_t hi = (i + 1) * n / (max_samples < n ? max_samples : n), j, best = lo;
        cJSON *pt;
        if (hi <= lo)
            continue;
        for (j = lo; j < hi; j++)
            if (p[j].v > p[best].v)
                best = j;
        pt = cJSON_CreateArray();
        cJSON_AddItemToArray(pt, cJSON_CreateNumber(hi == n ? p[n - 1].t : p[best].t));
        cJSON_AddItemToArray(pt, cJSON_CreateNumber(hi == n && p[n - 1].v >= p[best].v ? p[n - 1].v : p[best].v));
        cJSON_AddItemToArray(samples, pt);
    }
    free(p);
}

static void iso(double t, char *out, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double num_of(const cJSON *j)
{
    time_t t;
    if (cJSON_IsNumber(j))
        return j->valuedouble;
    if (cJSON_IsString(j)) {
        if (utc_parse(j->valuestring, &t) == 0 && strchr(j->valuestring, 'T'))
            return (double)t;
        return strtod(j->valuestring, NULL);
    }
    return NAN;
}

static cJSON *series_by_id(cJSON *series, const char *id)
{
    cJSON *s;
    cJSON_ArrayForEach(s, series)
        if (id && !strcmp(jsonx_str(s, "id", ""), id))
            return s;
    return NULL;
}

static int on_data(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *series = jsonx_pointer(c->ev, "/metrics/series"), *r;
    long period = k->num;
    if (res->error.kind != ERR_OK)
        return 0;
    cJSON_ArrayForEach(r, xlist(res->body, "MetricDataResults")) {
        cJSON *s = series_by_id(series, xstr(r, "Id"));
        cJSON *ts = xlist(r, "Timestamps"), *vs = xlist(r, "Values");
        int n = cJSON_GetArraySize(ts), i, m = 0;
        double *t, *v;
        /* A series split across pages keeps its first part: at most 70
         * series of <= 1440 points fit one page (100,800 datapoints). */
        if (!s || jsonx_num(s, "points", 0) > 0)
            continue;
        if (n > METRICS_MAX_POINTS * 2)
            n = METRICS_MAX_POINTS * 2;
        if (n != cJSON_GetArraySize(vs) || n == 0)
            continue;
        t = calloc((size_t)n, sizeof *t);
        v = calloc((size_t)n, sizeof *v);
        for (i = 0; t && v && i < n; i++) {
            double a = num_of(cJSON_GetArrayItem(ts, i)), b = num_of(cJSON_GetArrayItem(vs, i));
            if (isnan(a) || isnan(b))
                continue;
            t[m] = a;
            v[m] = b;
            m++;
        }
        if (t && v && m > 0) {
            cJSON_DeleteItemFromObjectCaseSensitive(s, "points");
            metrics_summarise(t, v, (size_t)m, jsonx_num(s, "threshold", 0), period, 12, s);
        } else if (!t || !v) {
            c->oom = 1;
        }
        free(t);
        free(v);
    }
    return 0;
}

/* "arn:...:targetgroup/web/0f3c" -> "targetgroup/web/0f3c" (the dimension). */
static const char *arn_suffix(const char *arn, const char *marker)
{
    const char *p = arn ? strstr(arn, marker) : NULL;
    return p ? p + 1 : NULL;
}

static cJSON *dim(const char *name, const char *value)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "Name", name);
    cJSON_AddStringToObject(d, "Value", value);
    return d;
}

/* Adds the query and the series skeleton (filled by on_data). */
static void add_query(cJSON *queries, cJSON *series, const struct metric_def *d, int idx, long period,
                      const char *k1, const char *v1, const char *k2, const char *v2, const char *service,
                      const char *tg)
{
    cJSON *q = cJSON_CreateObject(), *ms, *m, *dims, *s = cJSON_CreateObject(), *sd;
    char id[32];
    snprintf(id, sizeof id, "%s%d", d->tag, idx);
    cJSON_AddStringToObject(q, "Id", id);
    ms = cJSON_AddObjectToObject(q, "MetricStat");
    m = cJSON_AddObjectToObject(ms, "Metric");
    cJSON_AddStringToObject(m, "Namespace", d->ns);
    cJSON_AddStringToObject(m, "MetricName", d->name);
    dims = cJSON_AddArrayToObject(m, "Dimensions");
    cJSON_AddItemToArray(dims, dim(k1, v1));
    cJSON_AddItemToArray(dims, dim(k2, v2));
    cJSON_AddNumberToObject(ms, "Period", (double)period);
    cJSON_AddStringToObject(ms, "Stat", d->stat);
    cJSON_AddTrueToObject(q, "ReturnData");
    cJSON_AddItemToArray(queries, q);

    cJSON_AddStringToObject(s, "id", id);
    cJSON_AddStringToObject(s, "namespace", d->ns);
    cJSON_AddStringToObject(s, "metric", d->name);
    cJSON_AddStringToObject(s, "stat", d->stat);
    cJSON_AddStringToObject(s, "unit", d->unit);
    sd = cJSON_AddObjectToObject(s, "dimensions");
    cJSON_AddStringToObject(sd, k1, v1);
    cJSON_AddStringToObject(sd, k2, v2);
    if (service)
        cJSON_AddStringToObject(s, "service", service);
    if (tg)
        cJSON_AddStringToObject(s, "target_group", tg);
    cJSON_AddNumberToObject(s, "threshold", d->threshold);
    cJSON_AddNumberToObject(s, "points", 0);
    cJSON_AddItemToArray(series, s);
}

void metrics_start(struct collect *c)
{
    cJSON *m, *series, *queries = cJSON_CreateArray(), *p, *svc, *tg;
    long period = metrics_period(c->now - c->since);
    char t0[32], t1[32];
    int ns = 0, nt = 0;
    size_t i;
    m = ev_section(c, "metrics", NULL);
    series = m ? jsonx_arr(m, "series") : NULL;
    if (!series || !queries) {
        cJSON_Delete(queries);
        c->oom = 1;
        return;
    }
    /* Align to the period so every point covers a whole period. */
    cJSON_AddNumberToObject(m, "period", (double)period);
    cJSON_AddNumberToObject(m, "start", floor(c->since / (double)period) * (double)period);
    cJSON_AddNumberToObject(m, "end", ceil(c->now / (double)period) * (double)period);
    cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(c->ev, "services")) {
        const char *name = xstr(svc, "serviceName");
        if (!name || ns >= METRICS_MAX_SERVICES)
            continue;
        for (i = 0; i < sizeof ecs_defs / sizeof ecs_defs[0]; i++)
            add_query(queries, series, &ecs_defs[i], ns, period, "ClusterName", c->cluster, "ServiceName", name,
                      name, NULL);
        ns++;
    }
    cJSON_ArrayForEach(tg, jsonx_pointer(c->ev, "/elb/target_groups")) {
        const char *tgdim = arn_suffix(tg->string, ":targetgroup/");
        const cJSON *lb0 = cJSON_GetArrayItem(xlist(tg, "LoadBalancerArns"), 0);
        const char *lbdim = arn_suffix(cJSON_IsString(lb0) ? lb0->valuestring : NULL, ":loadbalancer/");
        /* ALB metrics need both dimensions; NLBs publish other metrics. */
        if (!tgdim || !lbdim || !str_starts(lbdim, "loadbalancer/app/") || nt >= METRICS_MAX_TGS)
            continue;
        lbdim += strlen("loadbalancer/");
        for (i = 0; i < sizeof alb_defs / sizeof alb_defs[0]; i++)
            add_query(queries, series, &alb_defs[i], nt, period, "TargetGroup", tgdim, "LoadBalancer", lbdim, NULL,
                      tg->string);
        nt++;
    }
    if (!cJSON_GetArraySize(queries)) {
        cJSON_Delete(queries);
        collect_skip(c, S_METRICS, "no service or target group to read metrics for");
        return;
    }
    iso(jsonx_num(m, "start", 0), t0, sizeof t0);
    iso(jsonx_num(m, "end", 0), t1, sizeof t1);
    p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, "MetricDataQueries", queries);
    cJSON_AddStringToObject(p, "StartTime", t0);
    cJSON_AddStringToObject(p, "EndTime", t1);
    cJSON_AddStringToObject(p, "ScanBy", "TimestampAscending");
    collect_call(c, N_METRICS, S_METRICS, "cloudwatch", "GetMetricData", p, AWS_CALL_PAGINATE, 0, on_data, NULL,
                 NULL, period);
}

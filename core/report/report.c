/* report — see report.h. */
#include "report/report.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/jsonx.h"

int report_severity_rank(const char *s)
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
        r = report_severity_rank(jsonx_str(f, "severity", NULL));
        if (r > worst && r <= 4)
            worst = r;
    }
    return worst;
}

/* A check that could not decide because evidence it needs is missing. */
static int any_undecided(const cJSON *report)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "checks")) {
        const char *st = jsonx_str(c, "status", "");
        const cJSON *missing = cJSON_GetObjectItemCaseSensitive(c, "missing");
        if (!strcmp(st, "incomplete"))
            return 1;
        if (!strcmp(st, "error") && cJSON_IsArray(missing) && cJSON_GetArraySize(missing) > 0)
            return 1;
    }
    return 0;
}

const char *report_verdict_compute(const cJSON *report)
{
    int worst = worst_unmuted(report);
    if (worst >= 3)
        return "unhealthy";
    if (worst == 2)
        return "degraded";
    if (any_undecided(report))
        return "inconclusive";
    return "healthy";
}

const char *report_subject(const cJSON *report)
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

/* The first unmuted root diagnosis in rank order (the report is ranked). */
static const cJSON *top_root(const cJSON *report)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings")) {
        if (is_diagnosis(f) && !is_muted(f) && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(f, "caused_by")))
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

int report_refresh_verdict(cJSON *report)
{
    const char *old = jsonx_str(report, "verdict", "");
    const char *v = report_verdict_compute(report);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(report, "status");
    const cJSON *root;
    struct buf b;
    char up[16];
    size_t i;
    int rc = 1;
    if (!strcmp(old, v))
        return 0;
    for (i = 0; v[i] && i < sizeof up - 1; i++)
        up[i] = (char)toupper((unsigned char)v[i]);
    up[i] = '\0';
    buf_init(&b, 4096);
    buf_printf(&b, "%s: %s", report_subject(report), up);
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(st, "desired")))
        buf_printf(&b, " \xe2\x80\x94 %.0f of %.0f tasks running", jsonx_num(st, "running", 0),
                   jsonx_num(st, "desired", 0));
    root = top_root(report);
    if (root && (!strcmp(v, "unhealthy") || !strcmp(v, "degraded")))
        buf_printf(&b, "; root cause: %s", jsonx_str(root, "title", "?"));
    else if (!strcmp(v, "inconclusive"))
        buf_puts(&b, "; some checks could not decide (evidence missing)");
    if (set_str(report, "verdict", v) || set_str(report, "summary", b.data ? b.data : ""))
        rc = -1;
    buf_cleanup(&b);
    return rc;
}

int report_exit_code(const cJSON *report, const char *fail_on)
{
    int threshold = report_severity_rank(fail_on ? fail_on : "high");
    int worst = worst_unmuted(report);
    if (threshold < 0)
        threshold = 3;
    if (worst >= 0 && worst >= threshold)
        return 1;
    if (!strcmp(jsonx_str(report, "verdict", ""), "inconclusive"))
        return 4;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil): timegm() is not POSIX. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    long long era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int i, v = 0;
    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int report_time_parse(const char *s, time_t *out)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
    const char *p;
    if (!s || strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return -1;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return -1;
    p = s + 10;
    if (*p) {
        if ((*p != 'T' && *p != 't' && *p != ' ') || strlen(p) < 9 || digits(p + 1, 2, &h) || p[3] != ':' ||
            digits(p + 4, 2, &mi) || p[6] != ':' || digits(p + 7, 2, &se))
            return -1;
        if (h > 23 || mi > 59 || se > 60)
            return -1;
        p += 9;
        if (*p == '.') {
            p++;
            if (!isdigit((unsigned char)*p))
                return -1;
            while (isdigit((unsigned char)*p))
                p++;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            sign = *p == '+' ? 1 : -1;
            if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
                return -1;
            p += 6;
        } else {
            return -1; /* RFC 3339 requires an offset */
        }
        if (*p)
            return -1;
    }
    *out = (time_t)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL + h * 3600 + mi * 60 + se -
                    sign * (oh * 3600 + om * 60));
    return 0;
}

void report_time_format(time_t t, int with_date, char *out, size_t len)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(out, len, "?");
        return;
    }
    strftime(out, len, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
}

/* render_junit — the report as JUnit XML for CI systems: one <testcase> per
 * check in report.checks; a <failure> when the check produced an unmuted
 * diagnosis at or above the fail threshold (message = its title; evidence and
 * fix in the body); <error> for a check that failed to run; <skipped> for one
 * that was skipped or lacked evidence. Everything from the report is escaped
 * (rtext_xml), including characters XML 1.0 cannot carry. */
#include "render/render.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/rchange.h"
#include "render/rtext.h"
#include "report/verdict.h"
#include "util/buf.h"
#include "util/jsonx.h"

#define JUNIT_VALUE_CHARS 2000

struct ju {
    const struct render_opts *ro;
    struct buf *b;
    const cJSON *report;
    int threshold;
    enum err_code rc;
};

static void put(struct ju *j, const char *s)
{
    if (j->rc == ERR_OK)
        j->rc = buf_puts(j->b, s);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void putf(struct ju *j, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(tmp, sizeof tmp, fmt, ap) < 0)
        j->rc = ERR_INTERNAL;
    va_end(ap);
    put(j, tmp);
}

static void xml(struct ju *j, const char *s)
{
    struct buf t;
    buf_init(&t, 0);
    rtext_xml(&t, s);
    buf_puts(&t, "");
    if (!t.data && j->rc == ERR_OK)
        j->rc = ERR_NOMEM;
    put(j, t.data ? t.data : "");
    buf_cleanup(&t);
}

static int is_diag(const cJSON *f)
{
    return !strcmp(jsonx_str(f, "kind", "diagnosis"), "diagnosis");
}

static int fails(const struct ju *j, const cJSON *f)
{
    return is_diag(f) && !jsonx_bool(f, "muted", 0) &&
           verdict_severity_rank(jsonx_str(f, "severity", "")) >= j->threshold;
}

/* The plain-text account of one finding, appended to t (escaped later). */
static void describe(struct ju *j, const cJSON *f, struct buf *t)
{
    const cJSON *x, *r;
    buf_printf(t, "[%s] %s\n", jsonx_str(f, "severity", "?"), jsonx_str(f, "title", ""));
    buf_printf(t, "confidence %.0f%%, %.0f occurrence(s), id %s\n", jsonx_num(f, "confidence", 0) * 100.0,
               jsonx_num(f, "count", 1), jsonx_str(f, "id", "?"));
    if (jsonx_str(f, "caused_by", NULL))
        buf_printf(t, "symptom of %s\n", jsonx_str(f, "caused_by", ""));
    if (cJSON_GetObjectItemCaseSensitive(f, "change")) {
        buf_puts(t, "changed before it: ");
        rchange_sentence(f, t);
        buf_puts(t, "\n");
    }
    if (jsonx_str(f, "explanation", NULL))
        buf_printf(t, "%s\n", jsonx_str(f, "explanation", ""));
    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f, "resources")) > 0) {
        buf_puts(t, "affected:");
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(f, "resources"))
            buf_printf(t, " %s", cJSON_IsString(r) ? r->valuestring : "?");
        buf_puts(t, "\n");
    }
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(f, "evidence")) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, "value");
        char *s = cJSON_IsString(v) ? NULL : cJSON_PrintUnformatted(v);
        buf_printf(t, "evidence %s = ", jsonx_str(x, "pointer", "?"));
        rtext_clean(t, cJSON_IsString(v) ? v->valuestring : (s ? s : "null"), RTEXT_ONELINE,
                    j->ro->verbose ? 0 : JUNIT_VALUE_CHARS);
        buf_puts(t, "\n");
        free(s);
    }
    /* The fix as the text report prints it: each comment one line (a
     * newline in a value must not turn the rest of it into a command), the
     * command as the host quoted it, control characters removed. */
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(f, "remediation")) {
        if (jsonx_str(r, "description", NULL)) {
            buf_puts(t, "# ");
            rtext_clean(t, jsonx_str(r, "description", ""), RTEXT_ONELINE, 0);
            buf_puts(t, "\n");
        }
        if (jsonx_str(r, "command", NULL)) {
            rtext_clean(t, jsonx_str(r, "command", ""), RTEXT_KEEP_NEWLINES, 0);
            buf_puts(t, "\n");
        }
        if (jsonx_str(r, "docs", NULL)) {
            buf_puts(t, "# docs: ");
            rtext_clean(t, jsonx_str(r, "docs", ""), RTEXT_ONELINE, 0);
            buf_puts(t, "\n");
        }
    }
}

/* A check's duration_ms as seconds; 0 when unknown or not a sane number. */
static double check_seconds(const cJSON *check)
{
    double ms = jsonx_num(check, "duration_ms", 0);
    return ms > 0 && ms < 1e9 ? ms / 1000.0 : 0.0;
}

static void testcase(struct ju *j, const char *id, const cJSON *check)
{
    const cJSON *f, *first = NULL;
    const char *st = jsonx_str(check, "status", "ok");
    struct buf fail_body, out_body;
    int nfail = 0;
    buf_init(&fail_body, 0);
    buf_init(&out_body, 0);
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(j->report, "findings")) {
        if (strcmp(jsonx_str(f, "check", ""), id))
            continue;
        if (fails(j, f)) {
            if (!first)
                first = f;
            nfail++;
            describe(j, f, &fail_body);
            buf_puts(&fail_body, "\n");
        } else {
            if (jsonx_bool(f, "muted", 0))
                buf_puts(&out_body, "(muted) ");
            else if (!is_diag(f))
                buf_puts(&out_body, "(recommendation) ");
            describe(j, f, &out_body);
            buf_puts(&out_body, "\n");
        }
    }
    put(j, "    <testcase classname=\"ecs-doctor.");
    xml(j, verdict_subject(j->report));
    put(j, "\" name=\"");
    xml(j, id);
    /* The check's run time in seconds (CI systems chart and sort by it). */
    putf(j, "\" time=\"%.3f\">\n", check_seconds(check));
    if (first) {
        struct buf msg;
        buf_init(&msg, 0);
        buf_puts(&msg, jsonx_str(first, "title", ""));
        if (nfail > 1)
            buf_printf(&msg, " (and %d more)", nfail - 1);
        put(j, "      <failure message=\"");
        xml(j, msg.data ? msg.data : "");
        put(j, "\" type=\"");
        xml(j, jsonx_str(first, "severity", "?"));
        put(j, "\">");
        xml(j, fail_body.data ? fail_body.data : "");
        put(j, "</failure>\n");
        buf_cleanup(&msg);
    } else if (!strcmp(st, "error")) {
        put(j, "      <error message=\"");
        xml(j, jsonx_str(check, "message", "check failed"));
        put(j, "\" type=\"check_error\"/>\n");
    } else if (!strcmp(st, "skipped") || !strcmp(st, "incomplete")) {
        const cJSON *m;
        struct buf msg;
        int i = 0;
        buf_init(&msg, 0);
        buf_puts(&msg, jsonx_str(check, "message", !strcmp(st, "skipped") ? "skipped" : "evidence missing"));
        cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(check, "missing"))
            buf_printf(&msg, "%s%s", i++ ? ", " : "; missing: ", cJSON_IsString(m) ? m->valuestring : "?");
        put(j, "      <skipped message=\"");
        xml(j, msg.data ? msg.data : "");
        put(j, "\"/>\n");
        buf_cleanup(&msg);
    }
    if (out_body.len) {
        put(j, "      <system-out>");
        xml(j, out_body.data);
        put(j, "</system-out>\n");
    }
    put(j, "    </testcase>\n");
    buf_cleanup(&fail_body);
    buf_cleanup(&out_body);
}

static int check_listed(const cJSON *checks, const char *id)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, checks)
        if (!strcmp(jsonx_str(k, "id", ""), id))
            return 1;
    return 0;
}

/* Check ids of findings whose check is missing from report.checks (an engine
 * that lists only failing checks): they still get a testcase. */
static cJSON *orphan_checks(const cJSON *report)
{
    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(report, "checks"), *f, *o;
    cJSON *out = cJSON_CreateArray();
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings")) {
        const char *id = jsonx_str(f, "check", NULL);
        int seen = 0;
        if (!id || check_listed(checks, id))
            continue;
        cJSON_ArrayForEach(o, out)
            seen |= !strcmp(o->valuestring, id);
        if (!seen && out)
            cJSON_AddItemToArray(out, cJSON_CreateString(id));
    }
    return out;
}

static void counts(struct ju *j, const cJSON *orphans, int *tests, int *failures, int *errors, int *skipped)
{
    const cJSON *k, *f, *o;
    *tests = *failures = *errors = *skipped = 0;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(j->report, "checks")) {
        const char *id = jsonx_str(k, "id", ""), *st = jsonx_str(k, "status", "ok");
        int failed = 0;
        (*tests)++;
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(j->report, "findings"))
            failed |= !strcmp(jsonx_str(f, "check", ""), id) && fails(j, f);
        if (failed)
            (*failures)++;
        else if (!strcmp(st, "error"))
            (*errors)++;
        else if (!strcmp(st, "skipped") || !strcmp(st, "incomplete"))
            (*skipped)++;
    }
    cJSON_ArrayForEach(o, orphans) {
        int failed = 0;
        (*tests)++;
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(j->report, "findings"))
            failed |= !strcmp(jsonx_str(f, "check", ""), o->valuestring) && fails(j, f);
        *failures += failed;
    }
}

enum err_code render_junit(const cJSON *report, const struct render_opts *ro, struct buf *b)
{
    struct ju j;
    cJSON *orphans = orphan_checks(report);
    const cJSON *k, *o;
    int tests, failures, errors, skipped;
    memset(&j, 0, sizeof j);
    j.ro = ro;
    j.b = b;
    j.report = report;
    j.threshold = verdict_severity_rank(ro->fail_on ? ro->fail_on : "high");
    if (j.threshold < 0)
        j.threshold = 3;
    if (!orphans)
        return ERR_NOMEM;
    counts(&j, orphans, &tests, &failures, &errors, &skipped);
    put(&j, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    putf(&j, "<testsuites name=\"ecs-doctor\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n", tests,
         failures, errors, skipped);
    put(&j, "  <testsuite name=\"ecs-doctor: ");
    xml(&j, verdict_subject(report));
    putf(&j, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\"", tests, failures, errors, skipped);
    {
        double total = 0;
        cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(report, "checks"))
            total += check_seconds(k);
        putf(&j, " time=\"%.3f\"", total);
    }
    if (jsonx_str(report, "generated_at", NULL)) {
        put(&j, " timestamp=\"");
        xml(&j, jsonx_str(report, "generated_at", ""));
        put(&j, "\"");
    }
    put(&j, ">\n    <properties>\n      <property name=\"verdict\" value=\"");
    xml(&j, jsonx_str(report, "verdict", "?"));
    put(&j, "\"/>\n      <property name=\"summary\" value=\"");
    xml(&j, jsonx_str(report, "summary", ""));
    put(&j, "\"/>\n      <property name=\"fail_on\" value=\"");
    xml(&j, ro->fail_on ? ro->fail_on : "high");
    put(&j, "\"/>\n    </properties>\n");
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(report, "checks"))
        testcase(&j, jsonx_str(k, "id", "?"), k);
    cJSON_ArrayForEach(o, orphans)
        testcase(&j, o->valuestring, NULL);
    put(&j, "  </testsuite>\n</testsuites>\n");
    cJSON_Delete(orphans);
    return j.rc;
}

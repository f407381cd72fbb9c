/* Unit tests for core/report: verdict and exit code, time parsing, mutes,
 * what-changed and the timeline, on the fixtures in tests/render/fixtures. */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "engine/report.h"
#include "report/mutes.h"
#include "report/publish.h"
#include "report/utc.h"
#include "report/verdict.h"
#include "report/timeline.h"
#include "report/whatchanged.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#define NOW 1795749165L /* 2026-11-27T03:12:45Z, the fixtures' generated_at */

static cJSON *fixture(const char *name)
{
    char path[1024];
    struct err e;
    cJSON *j;
    const char *src = getenv("EDOC_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/render/fixtures/%s", src ? src : ".", name);
    j = jsonx_load_file(path, 0, &e);
    if (!j)
        printf("# cannot load %s: %s\n", path, e.msg);
    return j;
}

static void write_file(char *path, const char *text)
{
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_time(void)
{
    time_t t;
    char s[32];
    CHECK(utc_parse("2026-11-27", &t) == 0 && t == 1795737600);
    CHECK(utc_parse("2026-11-27T03:12:45Z", &t) == 0 && t == NOW);
    CHECK(utc_parse("2026-11-27T04:12:45.123+01:00", &t) == 0 && t == NOW);
    CHECK(utc_parse("2024-02-29", &t) == 0);
    CHECK(utc_parse("2026-02-29", &t) == -1);
    CHECK(utc_parse("2026-13-01", &t) == -1);
    CHECK(utc_parse("2026-11-27T03:12:45", &t) == -1); /* no offset */
    CHECK(utc_parse("next week", &t) == -1);
    CHECK(utc_parse(NULL, &t) == -1);
    utc_format(NOW, 0, s, sizeof s);
    CHECK_STR(s, "03:12:45");
    utc_format(NOW, 1, s, sizeof s);
    CHECK_STR(s, "2026-11-27 03:12:45");
}

static void test_verdict_exit(void)
{
    cJSON *u = fixture("report-unhealthy.json"), *h = fixture("report-healthy.json");
    cJSON *i = fixture("report-inconclusive.json");
    CHECK(u && h && i);
    if (!u || !h || !i)
        goto out;
    CHECK_STR(verdict_compute(u), "unhealthy");
    CHECK_STR(verdict_compute(h), "healthy");
    CHECK_STR(verdict_compute(i), "inconclusive");
    CHECK(report_exit_code(u, "high") == 1);
    CHECK(report_exit_code(u, "critical") == 1);
    CHECK(report_exit_code(u, "none") == 0);
    CHECK(report_exit_code(u, NULL) == 1);
    CHECK(report_exit_code(h, "info") == 0);
    CHECK(report_exit_code(i, "high") == 4);
    CHECK_STR(verdict_subject(u), "web-service");
    CHECK(verdict_severity_rank("critical") == 4 && verdict_severity_rank("info") == 0);
    CHECK(verdict_severity_rank("bogus") == -1);
    /* Only the low recommendation left: it never counts, even at --fail-on info. */
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(u, "findings"), 0);
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(u, "findings"), 0);
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(u, "findings"), 0);
    CHECK(verdict_refresh(u) == 1);
    /* The incomplete check keeps it undecided. */
    CHECK_STR(jsonx_str(u, "verdict", ""), "inconclusive");
    CHECK(report_exit_code(u, "info") == 4);
    CHECK(verdict_refresh(u) == 0);
out:
    cJSON_Delete(u);
    cJSON_Delete(h);
    cJSON_Delete(i);
}

static const cJSON *finding(const cJSON *report, const char *id)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(report, "findings"))
        if (!strcmp(jsonx_str(f, "id", ""), id))
            return f;
    return NULL;
}

static void test_mutes(void)
{
    char path[] = "/tmp/edoc-mutes-XXXXXX";
    struct err e = {0};
    cJSON *u = fixture("report-unhealthy.json");
    const cJSON *x;
    if (!u)
        return;
    /* mutes[0] expired yesterday; mutes[1] (a category, any service) is active
     * until tomorrow and covers the critical root; mutes[2]/[3] mute the
     * symptoms' checks for this service only. */
    write_file(path, "{\"mutes\": [\n"
                     " {\"check\": \"ecs.pull_error\", \"service\": \"web-service\", \"reason\": \"old ticket\", \"expires\": \"2026-11-26\"},\n"
                     " {\"check\": \"net.no_route_to_registry\", \"service\": \"*\", \"reason\": \"NAT migration OPS-12\", \"expires\": \"2026-11-28T00:00:00Z\"},\n"
                     " {\"category\": \"deployment_circuit_breaker\", \"service\": \"web-service\", \"reason\": \"r\", \"expires\": \"2026-11-27\"},\n"
                     " {\"check\": \"ecs.pull_error\", \"service\": \"other-service\", \"reason\": \"r\", \"expires\": \"2027-01-01\"}\n"
                     "]}\n");
    CHECK(mutes_apply(u, path, NOW, &e) == ERR_OK);
    CHECK(jsonx_bool(finding(u, "net.no_route_to_registry#1"), "muted", 0) == 1);
    CHECK_STR(jsonx_str(cJSON_GetObjectItem(finding(u, "net.no_route_to_registry#1"), "mute"), "reason", ""),
              "NAT migration OPS-12");
    CHECK(jsonx_bool(finding(u, "deploy.circuit_breaker#1"), "muted", 0) == 1); /* date = through that day */
    CHECK(jsonx_bool(finding(u, "ecs.pull_error#1"), "muted", 0) == 0);         /* expired; other service */
    x = cJSON_GetObjectItem(u, "expired_mutes");
    CHECK(cJSON_GetArraySize(x) == 1);
    CHECK_STR(jsonx_str(cJSON_GetArrayItem(x, 0), "check", ""), "ecs.pull_error");
    CHECK(jsonx_num(cJSON_GetArrayItem(x, 0), "index", -1) == 0);
    /* The high pull-error symptom is still unmuted: still unhealthy, exit 1;
     * --fail-on critical now passes because the critical root is muted. */
    CHECK_STR(jsonx_str(u, "verdict", ""), "unhealthy");
    /* The summary's root cause is no longer the muted one but its live symptom. */
    CHECK_STR(jsonx_str(u, "summary", ""), "web-service: UNHEALTHY \xe2\x80\x94 0 of 4 tasks running; root cause: "
                                           "12 tasks stopped with CannotPullContainerError (i/o timeout)");
    CHECK(report_exit_code(u, "high") == 1);
    CHECK(report_exit_code(u, "critical") == 0);
    cJSON_Delete(u);
    unlink(path);

    /* Mute everything of this service: the verdict and summary are recomputed. */
    u = fixture("report-unhealthy.json");
    strcpy(path, "/tmp/edoc-mutes-XXXXXX");
    write_file(path, "[{\"category\": \"network_no_route\", \"service\": \"web-service\", \"reason\": \"a\", \"expires\": \"2030-01-01\"},"
                     " {\"check\": \"ecs.pull_error\", \"service\": \"web-service\", \"reason\": \"b\", \"expires\": \"2030-01-01\"},"
                     " {\"check\": \"deploy.circuit_breaker\", \"service\": \"*\", \"reason\": \"c\", \"expires\": \"2030-01-01\"},"
                     " {\"recommendation\": \"cost.log_retention\", \"service\": \"*\", \"reason\": \"d\", \"expires\": \"2030-01-01\"}]");
    CHECK(mutes_apply(u, path, NOW, &e) == ERR_OK);
    CHECK(jsonx_bool(finding(u, "logs.retention#1"), "muted", 0) == 1);
    CHECK_STR(jsonx_str(u, "verdict", ""), "inconclusive"); /* one check is incomplete */
    CHECK(strstr(jsonx_str(u, "summary", ""), "INCONCLUSIVE") != NULL);
    CHECK(report_exit_code(u, "high") == 4);
    CHECK(cJSON_GetObjectItem(u, "expired_mutes") == NULL);
    cJSON_Delete(u);
    unlink(path);
}

static void bad_mutes(const char *text, const char *want_suffix)
{
    char path[] = "/tmp/edoc-mutes-XXXXXX", want[256];
    struct err e = {0};
    cJSON *u = fixture("report-unhealthy.json"), *before;
    if (!u)
        return;
    before = cJSON_Duplicate(u, 1);
    write_file(path, text);
    snprintf(want, sizeof want, "%s: %s", path, want_suffix);
    CHECK(mutes_apply(u, path, NOW, &e) != ERR_OK);
    if (want_suffix[0] == '*')
        CHECK(strstr(e.msg, path) == e.msg && strstr(e.msg, want_suffix + 1));
    else
        CHECK_STR(e.msg, want);
    CHECK(cJSON_Compare(u, before, 1)); /* a bad file changes nothing */
    cJSON_Delete(before);
    cJSON_Delete(u);
    unlink(path);
}

static void test_mutes_errors(void)
{
    struct err e = {0};
    cJSON *u = fixture("report-unhealthy.json"), *before;
    char cwd[1024], dir[] = "/tmp/edoc-mutedir-XXXXXX";
    bad_mutes("{\"mutes\": [{\"check\": \"a\", \"service\": \"*\", \"reason\": \"r\", \"expires\": \"2030-01-01\"},"
              " {\"check\": \"b\", \"service\": \"*\", \"reason\": \"r\", \"expires\": \"2030-01-01\"},"
              " {\"check\": \"c\", \"service\": \"*\", \"reason\": \"r\"}]}",
              "mutes[2]: missing 'expires'");
    bad_mutes("{\"mutes\": [{\"check\": \"a\", \"service\": \"*\", \"expires\": \"2030-01-01\"}]}",
              "mutes[0]: missing 'reason'");
    bad_mutes("{\"mutes\": [{\"check\": \"a\", \"service\": \"*\", \"reason\": \"\", \"expires\": \"2030-01-01\"}]}",
              "mutes[0]: 'reason' must be a non-empty string");
    bad_mutes("{\"mutes\": [{\"check\": \"a\", \"service\": \"*\", \"reason\": \"r\", \"expires\": \"soon\"}]}",
              "mutes[0]: 'expires' is not a date (YYYY-MM-DD or RFC 3339): 'soon'");
    bad_mutes("{\"mutes\": [{\"service\": \"*\", \"reason\": \"r\", \"expires\": \"2030-01-01\"}]}",
              "mutes[0]: needs exactly one of 'check', 'category', 'recommendation'");
    bad_mutes("{\"mutes\": [{\"check\": \"a\", \"reason\": \"r\", \"expires\": \"2030-01-01\"}]}",
              "mutes[0]: missing 'service'");
    bad_mutes("{\"mutes\": [42]}", "mutes[0]: expected an object");
    bad_mutes("{\"mute\": []}", "expected an object with a 'mutes' array");
    bad_mutes("{\"mutes\": [", "*invalid JSON");
    if (!u)
        return;
    /* An explicitly named file must exist. */
    CHECK(mutes_apply(u, "/nonexistent/mutes.json", NOW, &e) == ERR_IO);
    CHECK(strstr(e.msg, "/nonexistent/mutes.json: ") == e.msg);
    /* The default file may be absent: no mutes, no change. */
    before = cJSON_Duplicate(u, 1);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(mkdtemp(dir) != NULL);
    CHECK(chdir(dir) == 0);
    CHECK(mutes_apply(u, NULL, NOW, &e) == ERR_OK);
    CHECK(cJSON_Compare(u, before, 1));
    CHECK(chdir(cwd) == 0);
    rmdir(dir);
    cJSON_Delete(before);
    cJSON_Delete(u);
}

static const cJSON *change(const cJSON *changes, const char *container, const char *field)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, changes)
        if (!strcmp(jsonx_str(c, "field", ""), field) &&
            !strcmp(jsonx_str(c, "container", ""), container ? container : ""))
            return c;
    return NULL;
}

static int has(const cJSON *arr, const char *s)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
        if (cJSON_IsString(x) && !strcmp(x->valuestring, s))
            return 1;
    return 0;
}

static void test_whatchanged(void)
{
    cJSON *ev = fixture("evidence-deploy.json"), *wc;
    const cJSON *svcs, *web, *worker, *ch, *c;
    char *text;
    if (!ev)
        return;
    wc = whatchanged_build(ev);
    CHECK(wc != NULL);
    svcs = cJSON_GetObjectItem(wc, "services");
    CHECK(cJSON_GetArraySize(svcs) == 2); /* api's deployment completed: nothing to explain */
    web = cJSON_GetArrayItem(svcs, 0);
    worker = cJSON_GetArrayItem(svcs, 1);
    CHECK_STR(jsonx_str(web, "service", ""), "web-service");
    CHECK_STR(jsonx_str(cJSON_GetObjectItem(web, "failing"), "task_definition", ""),
              "arn:aws:ecs:us-east-1:123456789012:task-definition/web:43");
    CHECK_STR(jsonx_str(cJSON_GetObjectItem(web, "failing"), "rollout_state", ""), "FAILED");
    CHECK_STR(jsonx_str(cJSON_GetObjectItem(web, "baseline"), "task_definition", ""),
              "arn:aws:ecs:us-east-1:123456789012:task-definition/web:42");
    CHECK_STR(jsonx_str(cJSON_GetObjectItem(web, "baseline"), "source", ""), "deployment");
    ch = cJSON_GetObjectItem(web, "changes");
    c = change(ch, "app", "image");
    CHECK(c && !strcmp(jsonx_str(c, "before", ""), "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v41") &&
          !strcmp(jsonx_str(c, "after", ""), "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v42"));
    c = change(ch, "app", "environment");
    CHECK(c && has(cJSON_GetObjectItem(c, "added"), "FEATURE_X") && has(cJSON_GetObjectItem(c, "removed"), "OLD_FLAG"));
    CHECK(c && cJSON_GetArraySize(cJSON_GetObjectItem(c, "added")) == 1);
    c = change(ch, "app", "portMappings");
    CHECK(c && has(cJSON_GetObjectItem(c, "added"), "8081/tcp") && has(cJSON_GetObjectItem(c, "removed"), "8080/tcp"));
    c = change(ch, "app", "secrets[DB_PASSWORD].valueFrom");
    CHECK(c && strstr(jsonx_str(c, "after", ""), "db-v2"));
    CHECK(change(ch, "app", "secrets") == NULL); /* same names */
    CHECK(change(ch, "app", "healthCheck") != NULL);
    CHECK(change(ch, "app", "logConfiguration") == NULL);
    c = change(ch, NULL, "memory");
    CHECK(c && !strcmp(jsonx_str(c, "before", ""), "512") && !strcmp(jsonx_str(c, "after", ""), "1024"));
    CHECK(change(ch, NULL, "taskRoleArn") != NULL);
    CHECK(change(ch, NULL, "cpu") == NULL);
    CHECK(change(ch, NULL, "containers") == NULL);
    CHECK(change(ch, "sidecar", "image") == NULL);
    /* Environment values never leave the evidence. */
    text = cJSON_PrintUnformatted(wc);
    CHECK(text && strstr(text, "<redacted>") == NULL && strstr(text, "LOG_LEVEL") == NULL);
    free(text);
    /* worker: only the in-progress deployment: the previous revision is the baseline. */
    CHECK_STR(jsonx_str(cJSON_GetObjectItem(worker, "baseline"), "source", ""), "previous_revision");
    CHECK_STR(jsonx_str(cJSON_GetObjectItem(worker, "baseline"), "task_definition", ""),
              "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:4");
    CHECK(change(cJSON_GetObjectItem(worker, "changes"), "worker", "command") != NULL);
    cJSON_Delete(wc);
    /* After a circuit-breaker rollback the PRIMARY is the rollback to :42,
     * IN_PROGRESS; the change to explain is still the FAILED :43. */
    {
        cJSON *deps = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(ev, "services"), 0), "deployments");
        cJSON *d43 = cJSON_GetArrayItem(deps, 0), *d42 = cJSON_GetArrayItem(deps, 1);
        cJSON_ReplaceItemInObject(d43, "status", cJSON_CreateString("ACTIVE"));
        cJSON_ReplaceItemInObject(d42, "status", cJSON_CreateString("PRIMARY"));
        cJSON_ReplaceItemInObject(d42, "rolloutState", cJSON_CreateString("IN_PROGRESS"));
        cJSON_ReplaceItemInObject(d42, "createdAt", cJSON_CreateNumber(1795746900));
        wc = whatchanged_build(ev);
        web = cJSON_GetArrayItem(cJSON_GetObjectItem(wc, "services"), 0);
        CHECK_STR(jsonx_str(cJSON_GetObjectItem(web, "failing"), "task_definition", ""),
                  "arn:aws:ecs:us-east-1:123456789012:task-definition/web:43");
        CHECK_STR(jsonx_str(cJSON_GetObjectItem(web, "baseline"), "task_definition", ""),
                  "arn:aws:ecs:us-east-1:123456789012:task-definition/web:42");
        c = change(cJSON_GetObjectItem(web, "changes"), "app", "image");
        CHECK(c && strstr(jsonx_str(c, "after", ""), "web:v42") != NULL);
        cJSON_Delete(wc);
    }
    /* No earlier revision in the evidence: a note instead of a diff. */
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(ev, "task_definitions"),
                               "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:4");
    wc = whatchanged_build(ev);
    worker = cJSON_GetArrayItem(cJSON_GetObjectItem(wc, "services"), 1);
    CHECK(jsonx_str(worker, "note", NULL) != NULL && cJSON_GetObjectItem(worker, "changes") == NULL);
    CHECK(strstr(jsonx_str(worker, "note", ""), "was not read") == NULL);
    cJSON_Delete(wc);
    /* The family's history was never read (the collector's bound on
     * families, recorded in the source's note): the report says so instead
     * of implying there is no earlier revision. */
    {
        cJSON *hist = cJSON_GetObjectItem(ev, "task_definition_history"), *srcs = cJSON_GetObjectItem(ev, "sources");
        cJSON *saved = cJSON_DetachItemFromObject(hist, "worker"), *st;
        CHECK(saved != NULL);
        if (!srcs)
            srcs = cJSON_AddObjectToObject(ev, "sources");
        st = cJSON_GetObjectItem(srcs, "ecs.task_definitions");
        if (!st) {
            st = cJSON_AddObjectToObject(srcs, "ecs.task_definitions");
            cJSON_AddStringToObject(st, "status", "ok");
        }
        cJSON_AddStringToObject(st, "note", "revision history (ListTaskDefinitions) read for 64 of 300 task "
                                            "definition families");
        wc = whatchanged_build(ev);
        worker = cJSON_GetArrayItem(cJSON_GetObjectItem(wc, "services"), 1);
        CHECK(strstr(jsonx_str(worker, "note", ""), "revision history of family worker was not read") != NULL);
        CHECK(strstr(jsonx_str(worker, "note", ""), "read for 64 of 300") != NULL);
        cJSON_Delete(wc);
        cJSON_DeleteItemFromObject(st, "note");
        cJSON_AddItemToObject(hist, "worker", saved);
    }
    /* Nothing failing: NULL. */
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(ev, "services"), 2);
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(ev, "services"), 0);
    CHECK(whatchanged_build(ev) == NULL);
    /* api's rollout completed and its counts are fine, but its tasks keep
     * exiting: the definition those tasks used is compared with the one before. */
    {
        cJSON *td7 = cJSON_Duplicate(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "task_definitions"),
                                                        "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:5"), 1);
        cJSON *td6 = cJSON_Duplicate(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "task_definitions"),
                                                        "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:5"), 1);
        cJSON *t = cJSON_CreateObject(), *hist = cJSON_CreateArray();
        cJSON_ReplaceItemInObject(td7, "family", cJSON_CreateString("api"));
        cJSON_ReplaceItemInObject(td6, "family", cJSON_CreateString("api"));
        cJSON_ReplaceItemInObject(td6, "memory", cJSON_CreateString("512"));
        cJSON_AddItemToObject(cJSON_GetObjectItem(ev, "task_definitions"),
                              "arn:aws:ecs:us-east-1:123456789012:task-definition/api:7", td7);
        cJSON_AddItemToObject(cJSON_GetObjectItem(ev, "task_definitions"),
                              "arn:aws:ecs:us-east-1:123456789012:task-definition/api:6", td6);
        cJSON_AddItemToArray(hist, cJSON_CreateString("arn:aws:ecs:us-east-1:123456789012:task-definition/api:7"));
        cJSON_AddItemToArray(hist, cJSON_CreateString("arn:aws:ecs:us-east-1:123456789012:task-definition/api:6"));
        cJSON_AddItemToObject(cJSON_GetObjectItem(ev, "task_definition_history"), "api", hist);
        cJSON_AddStringToObject(t, "group", "service:api");
        cJSON_AddStringToObject(t, "stopCode", "EssentialContainerExited");
        cJSON_AddStringToObject(t, "taskDefinitionArn", "arn:aws:ecs:us-east-1:123456789012:task-definition/api:7");
        cJSON_AddNumberToObject(t, "stoppedAt", 1795746000);
        cJSON_AddItemToArray(cJSON_GetObjectItem(ev, "tasks"), t);
        wc = whatchanged_build(ev);
        web = cJSON_GetArrayItem(cJSON_GetObjectItem(wc, "services"), 0);
        CHECK_STR(jsonx_str(web, "service", ""), "api");
        CHECK(jsonx_num(cJSON_GetObjectItem(web, "failing"), "failed_tasks", 0) == 1);
        CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(web, "failing"), "deployment") == NULL);
        CHECK_STR(jsonx_str(cJSON_GetObjectItem(web, "baseline"), "source", ""), "previous_revision");
        c = change(cJSON_GetObjectItem(web, "changes"), NULL, "memory");
        CHECK(c && !strcmp(jsonx_str(c, "before", ""), "512") && !strcmp(jsonx_str(c, "after", ""), "1024"));
        cJSON_Delete(wc);
    }
    cJSON_Delete(ev);
}

static void test_timeline(void)
{
    cJSON *ev = fixture("evidence-deploy.json"), *tl, *svc, *events, *e;
    const cJSON *x;
    double prev = 0;
    int n, i, ok = 1;
    if (!ev)
        return;
    tl = timeline_build(ev);
    CHECK(tl != NULL);
    n = cJSON_GetArraySize(tl);
    CHECK(n == 14);
    cJSON_ArrayForEach(x, tl) {
        ok &= jsonx_num(x, "time", 0) >= prev;
        prev = jsonx_num(x, "time", 0);
    }
    CHECK(ok); /* newest last */
    x = cJSON_GetArrayItem(tl, 0);
    CHECK_STR(jsonx_str(x, "kind", ""), "deployment"); /* api's deployment, the oldest */
    CHECK(jsonx_num(x, "time", 0) == 1795600000);
    x = cJSON_GetArrayItem(tl, n - 1);
    CHECK_STR(jsonx_str(x, "kind", ""), "target_health"); /* dated at collection */
    CHECK(strstr(jsonx_str(x, "text", ""), "web-tg: 1 healthy, 1 not healthy (Target.ResponseCodeMismatch)"));
    ok = 0;
    cJSON_ArrayForEach(x, tl) {
        if (!strcmp(jsonx_str(x, "kind", ""), "task_stopped")) {
            ok = jsonx_num(x, "time", 0) == 1795746300 && !strcmp(jsonx_str(x, "subject", ""), "web-service") &&
                 strstr(jsonx_str(x, "text", ""), "(TaskFailedToStart): CannotPullContainerError") != NULL;
        }
        if (!strcmp(jsonx_str(x, "kind", ""), "change") && jsonx_num(x, "time", 0) == 1795745940)
            CHECK_STR(jsonx_str(x, "text", ""), "RegisterTaskDefinition (ecs) by deploy-bot");
    }
    CHECK(ok);
    cJSON_Delete(tl);
    /* A batch of tasks stopping together for one reason is one line. */
    {
        cJSON *tasks = cJSON_GetObjectItem(ev, "tasks"), *t0 = cJSON_GetArrayItem(tasks, 0), *t;
        for (i = 0; i < 3; i++) {
            t = cJSON_Duplicate(t0, 1);
            cJSON_ReplaceItemInObject(t, "stoppedAt", cJSON_CreateNumber(1795746300 + 10 * (i + 1)));
            cJSON_AddItemToArray(tasks, t);
        }
        t = cJSON_Duplicate(t0, 1); /* same reason, but 10 minutes later: its own line */
        cJSON_ReplaceItemInObject(t, "stoppedAt", cJSON_CreateNumber(1795746900));
        cJSON_AddItemToArray(tasks, t);
        tl = timeline_build(ev);
        n = 0;
        cJSON_ArrayForEach(x, tl) {
            if (strcmp(jsonx_str(x, "kind", ""), "task_stopped"))
                continue;
            n++;
            if (jsonx_num(x, "time", 0) == 1795746300) {
                CHECK(jsonx_num(x, "count", 0) == 4);
                CHECK(str_starts(jsonx_str(x, "text", ""), "4 tasks stopped (TaskFailedToStart): CannotPullContainerError"));
            } else {
                CHECK(jsonx_num(x, "time", 0) == 1795746900 && cJSON_GetObjectItem(x, "count") == NULL);
            }
        }
        CHECK(n == 2);
        cJSON_Delete(tl);
    }
    /* The cap keeps the most recent entries. */
    svc = cJSON_GetArrayItem(cJSON_GetObjectItem(ev, "services"), 1);
    events = cJSON_GetObjectItem(svc, "events");
    for (i = 0; i < 100; i++) {
        e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "createdAt", 1795800000 + i);
        cJSON_AddStringToObject(e, "message", "(service api) has reached a steady state.");
        cJSON_AddItemToArray(events, e);
    }
    tl = timeline_build(ev);
    CHECK(cJSON_GetArraySize(tl) == TIMELINE_MAX);
    CHECK(jsonx_num(cJSON_GetArrayItem(tl, TIMELINE_MAX - 1), "time", 0) == 1795800099);
    CHECK(jsonx_num(cJSON_GetArrayItem(tl, 0), "time", 0) == 1795800060);
    cJSON_Delete(tl);
    /* Evidence without dated facts: an empty list. */
    tl = timeline_build(cJSON_GetObjectItem(ev, "target"));
    CHECK(tl && cJSON_GetArraySize(tl) == 0);
    cJSON_Delete(tl);
    cJSON_Delete(ev);
}

static void test_publish(void)
{
    cJSON *r = fixture("report-unhealthy.json"), *ev = fixture("evidence-deploy.json"), *back;
    struct publish_opts po;
    char *text = NULL, path[] = "/tmp/edoc-mutes-XXXXXX";
    size_t len = 0;
    FILE *f;
    if (!r || !ev)
        goto out;
    memset(&po, 0, sizeof po);
    po.format = "json";
    po.now = NOW;
    po.mute_file = "/nonexistent/none.json";
    f = open_memstream(&text, &len);
    po.out = f;
    CHECK(publish_report(r, ev, &po) == 2); /* a named mute file must exist */
    fclose(f);
    CHECK(len == 0);
    free(text);
    write_file(path, "{\"mutes\": []}");
    po.mute_file = path;
    f = open_memstream(&text, &len);
    po.out = f;
    CHECK(publish_report(r, ev, &po) == 1);
    fclose(f);
    back = cJSON_Parse(text);
    CHECK(back != NULL);
    /* what_changed and the timeline now come from the evidence. */
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(back, "what_changed"), "services")) == 2);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(back, "timeline")) == 14);
    cJSON_Delete(back);
    free(text);
    po.format = "markdown";
    po.fail_on = "none";
    f = open_memstream(&text, &len);
    po.out = f;
    CHECK(publish_report(r, ev, &po) == 0);
    fclose(f);
    CHECK(text && strncmp(text, "## ", 3) == 0);
    free(text);
    unlink(path);
out:
    cJSON_Delete(r);
    cJSON_Delete(ev);
}

/* Evidence and reports of the wrong shape: the report services must not
 * crash (deterministic random node replacements; ASan in CI). */
static unsigned long rng = 777;
static unsigned long next_rand(void)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return rng >> 33;
}

static void collect_nodes(cJSON *n, cJSON **out, int *count, int max)
{
    cJSON *c;
    if (*count < max)
        out[(*count)++] = n;
    for (c = n->child; c; c = c->next)
        collect_nodes(c, out, count, max);
}

static cJSON *random_value(void)
{
    switch (next_rand() % 6) {
    case 0: return cJSON_CreateNull();
    case 1: return cJSON_CreateNumber(1e300);
    case 2: return cJSON_CreateString("2026-13-99T99:99:99Z");
    case 3: return cJSON_CreateArray();
    case 4: return cJSON_CreateObject();
    default: return cJSON_CreateString("");
    }
}

static void mutate(cJSON *r, int edits)
{
    cJSON *nodes[1024], *victim, *parent, *c;
    int n, i, k;
    for (k = 0; k < edits; k++) {
        n = 0;
        parent = NULL;
        collect_nodes(r, nodes, &n, 1024);
        if (n < 2)
            return;
        victim = nodes[1 + next_rand() % (unsigned long)(n - 1)];
        for (i = 0; i < n && !parent; i++)
            for (c = nodes[i]->child; c; c = c->next)
                if (c == victim)
                    parent = nodes[i];
        if (parent)
            cJSON_ReplaceItemViaPointer(parent, victim, random_value());
    }
}

static void test_wrong_shapes(void)
{
    cJSON *ev0 = fixture("evidence-deploy.json"), *rep0 = fixture("report-unhealthy.json"), *ev, *rep, *x;
    char path[] = "/tmp/edoc-mutes-XXXXXX";
    struct err e;
    int round, rounds = getenv("EDOC_SHAPE_ROUNDS") ? atoi(getenv("EDOC_SHAPE_ROUNDS")) : 300;
    if (!ev0 || !rep0)
        goto out;
    write_file(path, "{\"mutes\": [{\"category\": \"network_no_route\", \"service\": \"*\", \"reason\": \"r\", "
                     "\"expires\": \"2030-01-01\"}, {\"check\": \"x\", \"service\": \"*\", \"reason\": \"r\", "
                     "\"expires\": \"2020-01-01\"}]}");
    for (round = 0; round < rounds; round++) {
        ev = cJSON_Duplicate(ev0, 1);
        rep = cJSON_Duplicate(rep0, 1);
        mutate(ev, 1 + (int)(next_rand() % 4));
        mutate(rep, 1 + (int)(next_rand() % 4));
        cJSON_Delete(whatchanged_build(ev));
        x = timeline_build(ev);
        CHECK(x != NULL);
        cJSON_Delete(x);
        (void)mutes_apply(rep, path, NOW, &e);
        (void)verdict_refresh(rep);
        (void)report_exit_code(rep, "high");
        cJSON_Delete(ev);
        cJSON_Delete(rep);
    }
    unlink(path);
out:
    cJSON_Delete(ev0);
    cJSON_Delete(rep0);
}

int main(void)
{
    test_publish();
    test_time();
    test_verdict_exit();
    test_mutes();
    test_mutes_errors();
    test_whatchanged();
    test_timeline();
    test_wrong_shapes();
    return test_done();
}

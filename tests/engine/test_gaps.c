/* test_gaps — "inconclusive is a verdict": which sources count as missing
 * (denied/error/deadline, never merely absent), edoc.incomplete from Lua and
 * host->incomplete from a C plugin, evidence_gaps[].affects, and the verdict
 * rule (recommendation-only checks never make it inconclusive) computed the
 * same way by the engine (report.c) and by verdict.c after mutes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/report.h"
#include "report/verdict.h"
#include "test.h"
#include "util/jsonx.h"

static struct engine *eng;

#define DENIED(action) "{\"status\":\"denied\",\"errors\":[{\"operation\":\"" action "\",\"action\":\"" action "\",\"code\":\"AccessDenied\",\"message\":\"not authorized\"}]}"
#define OK "{\"status\":\"ok\"}"
#define STOPPED_TASK "{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/prod/t1\",\"lastStatus\":\"STOPPED\"}"
#define RUNNING_TASK "{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/prod/t2\",\"lastStatus\":\"RUNNING\"}"

/* The service carries positive evidence of health (ACTIVE, 1 of 1, its
 * rollout COMPLETED): only the gaps decide between healthy and
 * inconclusive here (analysis/svcstate.c sets the floor). */
static cJSON *run(const char *service, const char *sources, const char *tasks)
{
    char doc[4096];
    cJSON *ev, *report;
    snprintf(doc, sizeof doc,
             "{\"schema\":\"ecs-doctor/evidence/v1\",\"target\":{\"kind\":\"service\",\"cluster\":\"prod\","
             "\"service\":\"%s\",\"region\":\"us-east-1\"},\"sources\":{%s},"
             "\"services\":[{\"serviceName\":\"web\",\"status\":\"ACTIVE\",\"desiredCount\":1,\"runningCount\":1,"
             "\"deployments\":[{\"status\":\"PRIMARY\",\"rolloutState\":\"COMPLETED\",\"createdAt\":1}]}],"
             "\"tasks\":[%s]}",
             service, sources, tasks);
    ev = cJSON_Parse(doc);
    CHECK(ev != NULL);
    report = engine_analyze(eng, ev, NULL);
    CHECK(report != NULL);
    cJSON_Delete(ev);
    /* verdict.c (used after mutes) agrees with the engine's verdict. */
    CHECK_STR(verdict_compute(report), jsonx_str(report, "verdict", ""));
    return report;
}

static const cJSON *check_of(const cJSON *report, const char *id)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(report, "checks"))
        if (!strcmp(jsonx_str(c, "id", ""), id))
            return c;
    return NULL;
}

static const char *status_of(const cJSON *report, const char *id)
{
    return jsonx_str(check_of(report, id), "status", "(no such check)");
}

static int lists(const cJSON *arr, const char *s)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
        if (cJSON_IsString(it) && !strcmp(it->valuestring, s))
            return 1;
    return 0;
}

static const cJSON *gap_of(const cJSON *report, const char *source)
{
    const cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItem(report, "evidence_gaps"))
        if (!strcmp(jsonx_str(g, "source", ""), source))
            return g;
    return NULL;
}

int main(void)
{
    const char *lua_dirs[1] = {TEST_GAPS_LUA_DIR}, *plugin_dirs[1] = {TEST_GAPS_PLUGIN_DIR};
    struct engine_opts o = {0};
    cJSON *r, *r2;
    const cJSON *g;
    o.check_dirs = lua_dirs;
    o.n_check_dirs = 1;
    o.plugin_dirs = plugin_dirs;
    o.n_plugin_dirs = 1;
    o.no_default_dirs = 1;
    eng = engine_new(&o);
    CHECK(eng && eng->n_refused == 0 && eng->n_checks == 3);

    /* Nothing collected but the services (an offline fixture): absent
     * sources are no gap; everything decides, healthy, exit 0. */
    r = run("web", "\"ecs.services\":" OK, RUNNING_TASK);
    CHECK_STR(status_of(r, "test.gaps_lua"), "ok");
    CHECK_STR(status_of(r, "test.gaps_plugin"), "ok");
    CHECK_STR(status_of(r, "test.gaps_review"), "ok"); /* iam.roles absent: not missing */
    CHECK_STR(jsonx_str(r, "verdict", ""), "healthy");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(r, "evidence_gaps")) == 0);
    CHECK(report_exit_code(r, "high") == 0);
    cJSON_Delete(r);

    /* A needed source denied: incomplete, inconclusive, exit 4. */
    r = run("web", "\"ecs.services\":" DENIED("ecs:DescribeServices"), RUNNING_TASK);
    CHECK_STR(status_of(r, "test.gaps_lua"), "incomplete");
    CHECK(lists(cJSON_GetObjectItem(check_of(r, "test.gaps_lua"), "missing"), "ecs.services"));
    CHECK_STR(status_of(r, "test.gaps_plugin"), "incomplete");
    CHECK_STR(jsonx_str(r, "verdict", ""), "inconclusive");
    CHECK(report_exit_code(r, "high") == 4);
    g = gap_of(r, "ecs.services");
    CHECK(g != NULL);
    CHECK_STR(jsonx_str(g, "action", ""), "ecs:DescribeServices");
    CHECK(lists(cJSON_GetObjectItem(g, "affects"), "test.gaps_lua"));
    CHECK(lists(cJSON_GetObjectItem(g, "affects"), "test.gaps_plugin"));
    CHECK_STR(jsonx_str(check_of(r, "test.gaps_lua"), "message", ""), "missing evidence: ecs.services (denied)");
    cJSON_Delete(r);

    /* error, partial (some calls failed) and a deadline skip are missing;
     * "nothing to look at" is not. */
    r2 = run("web", "\"ecs.services\":{\"status\":\"partial\"}", "");
    CHECK_STR(status_of(r2, "test.gaps_lua"), "incomplete");
    CHECK_STR(jsonx_str(r2, "verdict", ""), "inconclusive");
    cJSON_Delete(r2);
    r = run("web", "\"ecs.services\":{\"status\":\"error\"}", "");
    CHECK_STR(status_of(r, "test.gaps_lua"), "incomplete");
    cJSON_Delete(r);
    r = run("web", "\"ecs.services\":{\"status\":\"skipped\",\"reason\":\"deadline\"}", "");
    CHECK_STR(status_of(r, "test.gaps_lua"), "incomplete");
    CHECK_STR(jsonx_str(r, "verdict", ""), "inconclusive");
    cJSON_Delete(r);
    r = run("web", "\"ecs.services\":{\"status\":\"skipped\",\"reason\":\"no services\"}", "");
    CHECK_STR(status_of(r, "test.gaps_lua"), "ok");
    CHECK_STR(jsonx_str(r, "verdict", ""), "healthy");
    cJSON_Delete(r);

    /* Explanatory sources denied but nothing to explain: still healthy, the
     * gaps listed with the checks that use them; the best-practice check whose
     * need is denied is incomplete yet never makes the verdict inconclusive. */
    r = run("web",
            "\"ecs.services\":" OK ",\"ec2.route_tables\":" DENIED("ec2:DescribeRouteTables")
            ",\"iam.roles\":" DENIED("iam:GetRole"),
            RUNNING_TASK);
    CHECK_STR(status_of(r, "test.gaps_lua"), "ok");
    CHECK_STR(status_of(r, "test.gaps_plugin"), "ok");
    CHECK_STR(status_of(r, "test.gaps_review"), "incomplete");
    CHECK_STR(jsonx_str(r, "verdict", ""), "healthy");
    CHECK(report_exit_code(r, "high") == 0);
    g = gap_of(r, "ec2.route_tables");
    CHECK(g != NULL);
    CHECK_STR(jsonx_str(g, "action", ""), "ec2:DescribeRouteTables");
    CHECK(lists(cJSON_GetObjectItem(g, "affects"), "test.gaps_lua")); /* via uses */
    CHECK(lists(cJSON_GetObjectItem(gap_of(r, "iam.roles"), "affects"), "test.gaps_review"));
    cJSON_Delete(r);

    /* The same gaps with a failure to explain: the Lua check and the plugin
     * report what they lacked; incomplete with the source and the why. */
    r = run("web",
            "\"ecs.services\":" OK ",\"ec2.route_tables\":" DENIED("ec2:DescribeRouteTables")
            ",\"iam.roles\":" DENIED("iam:GetRole"),
            STOPPED_TASK);
    CHECK_STR(status_of(r, "test.gaps_lua"), "incomplete");
    CHECK(lists(cJSON_GetObjectItem(check_of(r, "test.gaps_lua"), "missing"), "ec2.route_tables"));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(check_of(r, "test.gaps_lua"), "missing")) == 1);
    CHECK_STR(jsonx_str(check_of(r, "test.gaps_lua"), "message", ""),
              "saw a pull timeout but the route tables are missing");
    CHECK_STR(status_of(r, "test.gaps_plugin"), "incomplete");
    CHECK(lists(cJSON_GetObjectItem(check_of(r, "test.gaps_plugin"), "missing"), "iam.roles"));
    CHECK_STR(jsonx_str(check_of(r, "test.gaps_plugin"), "message", ""),
              "plugin could not evaluate the execution role");
    CHECK(lists(cJSON_GetObjectItem(gap_of(r, "iam.roles"), "affects"), "test.gaps_plugin"));
    CHECK_STR(jsonx_str(r, "verdict", ""), "inconclusive");
    CHECK(strstr(jsonx_str(r, "summary", ""), "some evidence was missing") != NULL);
    CHECK(report_exit_code(r, "high") == 4);
    cJSON_Delete(r);

    /* A check may report a source that was never collected: it decided it
     * needed it. No gap entry (nothing failed), but the check is incomplete. */
    r = run("web", "\"ecs.services\":" OK, STOPPED_TASK);
    CHECK_STR(status_of(r, "test.gaps_lua"), "incomplete");
    CHECK(gap_of(r, "ec2.route_tables") == NULL);
    CHECK_STR(jsonx_str(r, "verdict", ""), "inconclusive");
    cJSON_Delete(r);

    /* An unknown source name is a bug in the check, reported as its error. */
    r = run("bad", "\"ecs.services\":" OK, "");
    CHECK_STR(status_of(r, "test.gaps_lua"), "error");
    CHECK(strstr(jsonx_str(check_of(r, "test.gaps_lua"), "message", ""),
                 "decides.lua:7: edoc.incomplete: unknown evidence source 'ec2.no_such_source'") != NULL);
    cJSON_Delete(r);

    engine_free(eng);
    return test_done();
}

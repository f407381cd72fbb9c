/* test_timeline — the time dimension (issue 12): CloudTrail events turned
 * into changes (actor, via, request allowlist, ids, summary), the metric
 * summary (peak, slope, threshold crossing, downsampling, period), the
 * collectors driven through the canned transport (filtering, order, denied),
 * the engine's change matching and corroboration, and the timeline entries. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collect/internal.h"
#include "collect/fakeio.h"
#include "engine/corroborate.h"
#include "engine/finding.h"
#include "report/timeline.h"
#include "test.h"
#include "util/jsonx.h"

#define NOW 1795747964.0

static const char *pstr(const cJSON *root, const char *ptr)
{
    const cJSON *v = jsonx_pointer(root, ptr);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A LookupEvents Event with its CloudTrailEvent record. */
static cJSON *event(const char *id, const char *name, double t, const char *resource, const char *record)
{
    char buf[8192];
    snprintf(buf, sizeof buf,
             "{\"EventId\": \"%s\", \"EventName\": \"%s\", \"EventTime\": %.0f, \"ReadOnly\": \"false\","
             " \"EventSource\": \"ec2.amazonaws.com\", \"Username\": \"alice\","
             " \"Resources\": [{\"ResourceType\": \"AWS::EC2::RouteTable\", \"ResourceName\": \"%s\"}],"
             " \"CloudTrailEvent\": \"\"}",
             id, name, t, resource);
    {
        cJSON *e = cJSON_Parse(buf);
        cJSON_ReplaceItemInObject(e, "CloudTrailEvent", cJSON_CreateString(record));
        return e;
    }
}

static void test_change_parse(void)
{
    cJSON *e, *ch;
    char *txt;
    /* DeleteRoute from the console by an IAM user. */
    e = event("e1", "DeleteRoute", NOW - 1800, "rtb-0b2",
              "{\"userIdentity\": {\"type\": \"IAMUser\", \"arn\": \"arn:aws:iam::123456789012:user/alice\"},"
              " \"sourceIPAddress\": \"203.0.113.9\", \"userAgent\": \"console.ec2.amazonaws.com\","
              " \"requestParameters\": {\"routeTableId\": \"rtb-0b2\", \"destinationCidrBlock\": \"0.0.0.0/0\"}}");
    ch = trail_change_new(e);
    CHECK(ch != NULL);
    CHECK_STR(pstr(ch, "/summary"), "DeleteRoute rtb-0b2 0.0.0.0/0");
    CHECK_STR(pstr(ch, "/actor"), "arn:aws:iam::123456789012:user/alice");
    CHECK_STR(pstr(ch, "/via"), "console");
    CHECK_STR(pstr(ch, "/request/destinationCidrBlock"), "0.0.0.0/0");
    CHECK_STR(pstr(ch, "/resources/0"), "rtb-0b2");
    CHECK(jsonx_num(ch, "EventTime", 0) == NOW - 1800);
    CHECK(cJSON_GetObjectItem(ch, "CloudTrailEvent") == NULL);
    cJSON_Delete(ch);
    cJSON_Delete(e);

    /* A security-group rule, from Terraform (sdk): the rule is summarised. */
    e = event("e2", "RevokeSecurityGroupEgress", NOW - 900, "sg-task",
              "{\"userIdentity\": {\"type\": \"AssumedRole\", \"arn\": \"arn:aws:sts::123456789012:assumed-role/ci/tf\"},"
              " \"userAgent\": \"APN/1.0 HashiCorp/1.0 Terraform/1.7.5\", \"requestParameters\": {\"groupId\": \"sg-task\","
              " \"ipPermissions\": {\"items\": [{\"ipProtocol\": \"tcp\", \"fromPort\": 443, \"toPort\": 443,"
              " \"ipRanges\": {\"items\": [{\"cidrIp\": \"0.0.0.0/0\"}]}}]}}}");
    ch = trail_change_new(e);
    CHECK_STR(pstr(ch, "/summary"), "RevokeSecurityGroupEgress sg-task tcp 443 0.0.0.0/0");
    CHECK_STR(pstr(ch, "/via"), "sdk");
    cJSON_Delete(ch);
    cJSON_Delete(e);

    /* RegisterTaskDefinition: images kept, environment values never. */
    e = event("e3", "RegisterTaskDefinition", NOW - 600, "web",
              "{\"userIdentity\": {\"type\": \"IAMUser\", \"arn\": \"arn:aws:iam::1:user/bob\"},"
              " \"userAgent\": \"aws-cli/2.15.0 Python/3.11\", \"requestParameters\": {\"family\": \"web\","
              " \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"repo/web:v2\","
              " \"environment\": [{\"name\": \"DB_PASSWORD\", \"value\": \"hunter2\"}]}]}}");
    ch = trail_change_new(e);
    txt = cJSON_PrintUnformatted(ch);
    CHECK(txt && strstr(txt, "hunter2") == NULL);
    CHECK(txt && strstr(txt, "DB_PASSWORD") == NULL);
    CHECK_STR(pstr(ch, "/request/images"), "repo/web:v2");
    CHECK_STR(pstr(ch, "/via"), "cli");
    CHECK_STR(pstr(ch, "/summary"), "RegisterTaskDefinition web repo/web:v2");
    free(txt);
    cJSON_Delete(ch);
    cJSON_Delete(e);

    /* A refused attempt keeps its error; DetachRolePolicy names role and policy. */
    e = event("e4", "DetachRolePolicy", NOW - 300, "ecsTaskExecutionRole",
              "{\"userIdentity\": {\"type\": \"AssumedRole\", \"arn\": \"arn:aws:sts::1:assumed-role/Admin/bob\"},"
              " \"errorCode\": \"AccessDenied\", \"requestParameters\": {\"roleName\": \"ecsTaskExecutionRole\","
              " \"policyArn\": \"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy\"}}");
    ch = trail_change_new(e);
    CHECK_STR(pstr(ch, "/error_code"), "AccessDenied");
    CHECK_STR(pstr(ch, "/summary"),
              "DetachRolePolicy ecsTaskExecutionRole AmazonECSTaskExecutionRolePolicy (failed: AccessDenied)");
    CHECK_STR(pstr(ch, "/via"), "unknown");
    cJSON_Delete(ch);
    cJSON_Delete(e);

    /* No CloudTrailEvent at all: still a change, actor from Username. */
    e = cJSON_Parse("{\"EventId\": \"x\", \"EventName\": \"DeleteNatGateway\", \"EventTime\": 5,"
                    " \"Username\": \"ops\", \"Resources\": [{\"ResourceName\": \"nat-1\"}]}");
    ch = trail_change_new(e);
    CHECK_STR(pstr(ch, "/actor"), "ops");
    CHECK_STR(pstr(ch, "/summary"), "DeleteNatGateway nat-1");
    cJSON_Delete(ch);
    cJSON_Delete(e);
    e = cJSON_Parse("{\"EventId\": \"y\"}");
    CHECK(trail_change_new(e) == NULL);
    cJSON_Delete(e);

    CHECK_STR(trail_via("AWSService", "ecs.amazonaws.com", "ecs.amazonaws.com", "ecs.amazonaws.com"), "service");
    CHECK_STR(trail_via("IAMUser", NULL, "198.51.100.1", "signin.amazonaws.com"), "console");
    CHECK_STR(trail_via("IAMUser", NULL, "198.51.100.1", "Boto3/1.34.0 md/Botocore#1.34.0"), "sdk");
    CHECK_STR(trail_via(NULL, NULL, NULL, NULL), "unknown");
}

static void test_metric_summary(void)
{
    double t[40], v[40];
    cJSON *o = cJSON_CreateObject(), *flat = cJSON_CreateObject(), *empty = cJSON_CreateObject();
    size_t i;
    /* Memory climbing 1 %/min from 61 to 100: shuffled input, sorted inside. */
    for (i = 0; i < 40; i++) {
        size_t k = (i * 7) % 40;
        t[i] = NOW - 60.0 * (39 - (double)k);
        v[i] = 61.0 + (double)k;
    }
    metrics_summarise(t, v, 40, 90.0, 60, 12, o);
    CHECK(jsonx_num(o, "points", 0) == 40);
    CHECK(jsonx_num(o, "peak", 0) == 100.0);
    CHECK(jsonx_num(o, "peak_time", 0) == NOW);
    CHECK(jsonx_num(o, "last", 0) == 100.0);
    CHECK(jsonx_num(o, "first", 0) == 61.0);
    CHECK(fabs(jsonx_num(o, "slope_per_hour", 0) - 60.0) < 0.01);
    CHECK(jsonx_num(o, "first_above", 0) == NOW - 60.0 * 10); /* 90 reached 10 min before the end */
    CHECK(jsonx_num(o, "minutes_above", 0) == 11);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(o, "samples")) == 12);
    /* The last sample is the last point. */
    CHECK(cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "samples"), 11), 1)->valuedouble == 100.0);
    /* Flat below threshold: no crossing, zero slope; sparse 5-minute points count 5 min each. */
    for (i = 0; i < 6; i++) {
        t[i] = NOW - 300.0 * (double)i;
        v[i] = 40.0;
    }
    v[2] = 95.0; /* one spike */
    metrics_summarise(t, v, 6, 90.0, 60, 12, flat);
    CHECK(jsonx_num(flat, "minutes_above", 0) == 5);
    CHECK(jsonx_num(flat, "first_above", 0) == NOW - 600.0);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(flat, "samples")) == 6);
    metrics_summarise(t, v, 0, 90.0, 60, 12, empty);
    CHECK(jsonx_num(empty, "points", -1) == 0);
    CHECK(cJSON_GetObjectItem(empty, "peak") == NULL);
    CHECK(metrics_period(3 * 3600) == 60);
    CHECK(metrics_period(3 * 3600 + 1) == 300);
    CHECK(metrics_period(2 * 86400) == 300);
    CHECK(metrics_period(10 * 86400) == 900);
    CHECK(metrics_period(400 * 86400) == 86400);
    cJSON_Delete(o);
    cJSON_Delete(flat);
    cJSON_Delete(empty);
}

/* ---- the collectors through the canned transport ---- */

static cJSON *load_rules(double *now)
{
    const char *src = getenv("EDOC_SOURCE_DIR");
    char path[1024];
    struct err e = {0};
    cJSON *sc, *rules;
    snprintf(path, sizeof path, "%s/tests/collect/data/service.json", src ? src : ".");
    sc = jsonx_load_file(path, 0, &e);
    if (!sc) {
        printf("# %s\n", e.msg);
        return NULL;
    }
    *now = jsonx_num(sc, "now", NOW);
    rules = cJSON_DetachItemFromObject(sc, "rules");
    cJSON_Delete(sc);
    return rules;
}

static void trail_rules(cJSON *rules, double now)
{
    cJSON *events = cJSON_CreateArray(), *body = cJSON_CreateObject(), *rule = cJSON_CreateObject();
    cJSON_AddItemToArray(events, event("old", "DeleteRoute", now - 7200, "rtb-main",
                                       "{\"userIdentity\": {\"arn\": \"arn:aws:iam::1:user/alice\"},"
                                       " \"userAgent\": \"console.ec2.amazonaws.com\"}"));
    cJSON_AddItemToArray(events, event("new", "RevokeSecurityGroupEgress", now - 600, "sg-task",
                                       "{\"userIdentity\": {\"arn\": \"arn:aws:iam::1:user/carol\"},"
                                       " \"userAgent\": \"aws-cli/2\"}"));
    cJSON_AddItemToArray(events, event("other", "DeleteRoute", now - 300, "rtb-somebody-else", "{}"));
    {
        cJSON *ro = event("ro", "DescribeRouteTables", now - 100, "rtb-main", "{}");
        cJSON_ReplaceItemInObject(ro, "ReadOnly", cJSON_CreateString("true"));
        cJSON_AddItemToArray(events, ro);
    }
    cJSON_AddItemToObject(body, "Events", events);
    cJSON_AddStringToObject(rule, "service", "cloudtrail");
    cJSON_AddStringToObject(rule, "operation", "LookupEvents");
    cJSON_AddItemToObject(rule, "body", body);
    cJSON_InsertItemInArray(rules, 0, rule);
}

static void metric_rules(cJSON *rules, double now)
{
    char buf[4096];
    cJSON *rule;
    /* The XML converter's shape: every leaf a string, ISO timestamps. */
    snprintf(buf, sizeof buf,
             "{\"service\": \"cloudwatch\", \"operation\": \"GetMetricData\", \"body\": {\"MetricDataResults\": ["
             "{\"Id\": \"mem0\", \"Label\": \"MemoryUtilization\", \"StatusCode\": \"Complete\","
             " \"Timestamps\": [\"2026-11-27T03:10:00Z\", \"2026-11-27T03:11:00Z\", \"2026-11-27T03:12:00Z\"],"
             " \"Values\": [\"80\", \"92.5\", \"99\"]},"
             "{\"Id\": \"cpu0\", \"Label\": \"CPUUtilization\", \"StatusCode\": \"Complete\", \"Timestamps\": [], \"Values\": []}]}}");
    (void)now;
    rule = cJSON_Parse(buf);
    cJSON_InsertItemInArray(rules, 0, rule);
}

static void test_collectors(void)
{
    struct fake_io f;
    struct collect_opts o;
    struct err e = {0};
    double now = NOW;
    cJSON *rules = load_rules(&now), *ev = NULL, *ch;
    const cJSON *s;
    int i, mem = -1, tg = 0;
    if (!rules) {
        CHECK(rules != NULL);
        return;
    }
    trail_rules(rules, now);
    metric_rules(rules, now);
    fakeio_init(&f, rules);
    memset(&o, 0, sizeof o);
    o.kind = COLLECT_SERVICE;
    o.target = "web";
    o.cluster = "prod";
    o.since_s = 3 * 3600;
    o.now = now;
    CHECK(collect_run(&f.io, &o, &ev, NULL, &e) == ERR_OK);
    CHECK_STR(pstr(ev, "/sources/cloudtrail/status"), "ok");
    CHECK_STR(pstr(ev, "/sources/metrics/status"), "ok");
    /* One account-wide call of write events, no per-resource fallback. */
    CHECK(fakeio_count(&f, "cloudtrail", "LookupEvents") == 1);
    CHECK(fakeio_count(&f, "cloudwatch", "GetMetricData") == 1);
    /* Only the changes to the evidence's resources, newest first; never reads. */
    ch = cJSON_GetObjectItem(ev, "changes");
    CHECK(cJSON_GetArraySize(ch) == 2);
    CHECK_STR(pstr(ev, "/changes/0/EventId"), "new");
    CHECK_STR(pstr(ev, "/changes/1/EventId"), "old");
    CHECK_STR(pstr(ev, "/changes/0/actor"), "arn:aws:iam::1:user/carol");
    /* Series: the service's CPU and memory, the target group's three. */
    i = 0;
    cJSON_ArrayForEach(s, jsonx_pointer(ev, "/metrics/series")) {
        if (!strcmp(jsonx_str(s, "id", ""), "mem0"))
            mem = i;
        tg += jsonx_str(s, "target_group", NULL) != NULL;
        i++;
    }
    CHECK(i == 5 && tg == 3 && mem >= 0);
    s = cJSON_GetArrayItem(jsonx_pointer(ev, "/metrics/series"), mem);
    CHECK(jsonx_num(s, "points", 0) == 3);
    CHECK(jsonx_num(s, "peak", 0) == 99.0);
    CHECK(jsonx_num(s, "minutes_above", 0) == 2);
    CHECK_STR(pstr(s, "/dimensions/ServiceName"), "web");
    CHECK(jsonx_num(jsonx_pointer(ev, "/metrics"), "period", 0) == 60);
    cJSON_Delete(ev);
    fakeio_cleanup(&f);

    /* Denied: the sources say so and name the actions; the rest is collected. */
    fakeio_deny(rules, "cloudtrail", "LookupEvents", NULL);
    fakeio_deny(rules, "cloudwatch", "GetMetricData", NULL);
    fakeio_init(&f, rules);
    ev = NULL;
    CHECK(collect_run(&f.io, &o, &ev, NULL, &e) == ERR_OK);
    CHECK_STR(pstr(ev, "/sources/cloudtrail/status"), "denied");
    CHECK_STR(pstr(ev, "/sources/cloudtrail/errors/0/action"), "cloudtrail:LookupEvents");
    CHECK_STR(pstr(ev, "/sources/metrics/status"), "denied");
    CHECK_STR(pstr(ev, "/sources/metrics/errors/0/action"), "cloudwatch:GetMetricData");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(ev, "changes")) == 0);
    CHECK_STR(pstr(ev, "/sources/ecs.services/status"), "ok");
    cJSON_Delete(ev);
    fakeio_cleanup(&f);
    cJSON_Delete(rules);
}

/* A busy account: the account-wide read stops at its cap with a NextToken,
 * so the most telling resources are looked up one by one (route tables,
 * the task's security group and roles first), and what they find is kept. */
static void test_busy_account(void)
{
    struct fake_io f;
    struct collect_opts o;
    struct err e = {0};
    double now = NOW;
    cJSON *rules = load_rules(&now), *ev = NULL, *log;
    const cJSON *it;
    char buf[2048];
    int by_name = 0, first_rtb = 0;
    if (!rules) {
        CHECK(rules != NULL);
        return;
    }
    /* Prepended: the last one added is tried first. */
    fakeio_body(rules, "cloudtrail", "LookupEvents", NULL, "{\"Events\": []}");
    snprintf(buf, sizeof buf,
             "{\"Events\": [{\"EventId\": \"busy1\", \"EventName\": \"DeleteRoute\", \"EventTime\": %.0f,"
             " \"ReadOnly\": \"false\", \"Resources\": [{\"ResourceName\": \"rtb-main\"}]}]}", now - 900);
    fakeio_body(rules, "cloudtrail", "LookupEvents", "rtb-main", buf);
    fakeio_body(rules, "cloudtrail", "LookupEvents", "ReadOnly", "{\"Events\": [], \"NextToken\": \"more\"}");
    fakeio_init(&f, rules);
    memset(&o, 0, sizeof o);
    o.kind = COLLECT_SERVICE;
    o.target = "web";
    o.cluster = "prod";
    o.since_s = 3 * 3600;
    o.now = now;
    CHECK(collect_run(&f.io, &o, &ev, NULL, &e) == ERR_OK);
    log = f.log;
    cJSON_ArrayForEach(it, log) {
        const char *params = jsonx_str(it, "params", "");
        if (strcmp(jsonx_str(it, "operation", ""), "LookupEvents") || !strstr(params, "ResourceName"))
            continue;
        /* The first per-resource lookup is a route table. */
        if (!by_name++)
            first_rtb = strstr(params, "rtb-main") != NULL;
    }
    CHECK(by_name >= 5 && by_name <= 20);
    CHECK(first_rtb);
    CHECK(fakeio_count(&f, "cloudtrail", "LookupEvents") == by_name + 1);
    CHECK_STR(pstr(ev, "/changes/0/EventId"), "busy1");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(ev, "changes")) == 1);
    CHECK_STR(pstr(ev, "/sources/cloudtrail/status"), "ok");

    cJSON_Delete(ev);
    fakeio_cleanup(&f);
    cJSON_Delete(rules);
}

/* ---- the engine: change matching and corroboration ---- */

static cJSON *evidence_with_changes(void)
{
    char buf[4096];
    snprintf(buf, sizeof buf,
             "{\"schema\": \"ecs-doctor/evidence/v1\", \"window\": {\"since\": %.0f, \"until\": %.0f},"
             " \"target\": {\"service\": \"web\"},"
             " \"tasks\": [{\"stoppedAt\": %.0f, \"stopCode\": \"TaskFailedToStart\"},"
             "             {\"stoppedAt\": %.0f, \"stopCode\": \"ServiceSchedulerInitiated\"}],"
             " \"changes\": ["
             "  {\"EventName\": \"AuthorizeSecurityGroupIngress\", \"EventTime\": %.0f, \"actor\": \"x\", \"via\": \"sdk\","
             "   \"resources\": [\"rtb-0b2\"], \"summary\": \"late\"},"
             "  {\"EventName\": \"CreateRoute\", \"EventTime\": %.0f, \"actor\": \"bob\", \"via\": \"cli\","
             "   \"resources\": [\"rtb-0b2\"], \"summary\": \"CreateRoute rtb-0b2\"},"
             "  {\"EventName\": \"DeleteRoute\", \"EventTime\": %.0f, \"actor\": \"arn:aws:iam::1:user/alice\","
             "   \"via\": \"console\", \"resources\": [\"rtb-0b2\"], \"summary\": \"DeleteRoute rtb-0b2 0.0.0.0/0\"},"
             "  {\"EventName\": \"DeleteRoute\", \"EventTime\": %.0f, \"actor\": \"eve\", \"error_code\": \"AccessDenied\","
             "   \"resources\": [\"rtb-0b2\"], \"summary\": \"refused\"},"
             "  {\"EventName\": \"DetachRolePolicy\", \"EventTime\": %.0f, \"actor\": \"bob\", \"via\": \"cli\","
             "   \"resources\": [\"arn:aws:iam::aws:policy/X\", \"execRole\"], \"summary\": \"DetachRolePolicy execRole X\"},"
             "  {\"EventName\": \"DeleteRoute\", \"EventTime\": %.0f, \"actor\": \"old\", \"resources\": [\"rtb-0b2\"],"
             "   \"summary\": \"too old\"}],"
             " \"network\": {\"route_tables\": {\"rtb-0b2\": {\"routeTableId\": \"rtb-0b2\"}}},"
             " \"metrics\": {\"series\": [{\"metric\": \"MemoryUtilization\", \"service\": \"web\", \"stat\": \"Maximum\","
             "   \"unit\": \"Percent\", \"threshold\": 90, \"points\": 30, \"peak\": 100, \"first_above\": %.0f,"
             "   \"minutes_above\": 7, \"slope_per_hour\": 60}]}}",
             NOW - 3 * 3600, NOW, NOW - 1200, NOW - 5000, /* first failure 20 min ago; a scale-in earlier */
             NOW - 1200 + 3600,                          /* after the failure: not a cause */
             NOW - 1500,                                 /* a closer, non-destructive change */
             NOW - 1200 - 720,                           /* the DeleteRoute, 12 min before */
             NOW - 1300,                                 /* refused */
             NOW - 2400, NOW - 1200 - 3 * 3600,          /* IAM; outside the 2 h lookback */
             NOW - 900);
    return cJSON_Parse(buf);
}

static struct finding *diag(const char *check, const char *category, double confidence, const char *res)
{
    struct finding *f = finding_new(check, "lua:test");
    finding_set(f, "category", category);
    finding_set(f, "severity", "critical");
    finding_set(f, "title", check);
    f->confidence = confidence;
    if (res)
        finding_add_resource(f, res);
    return f;
}

static void test_matching(void)
{
    cJSON *ev = evidence_with_changes();
    struct finding *f;
    const char *matched = NULL;
    int idx;
    CHECK(ev != NULL);
    CHECK(corroborate_first_failure(ev, 0) == NOW - 1200);
    CHECK(corroborate_first_failure(cJSON_GetObjectItem(ev, "window"), 42) == 42);
    /* By resource: the destructive DeleteRoute beats the later CreateRoute;
     * the refused one and the one outside the lookback never count. */
    f = diag("net.x", "network_no_route", 0.9, "rtb-0b2");
    idx = corroborate_best_change(f, ev, NOW - 1200, &matched);
    CHECK(idx == 2);
    CHECK_STR(matched, "rtb-0b2");
    finding_free(f);
    /* By an evidence pointer's segment, with no resources. */
    f = diag("net.y", "network_no_route", 0.9, NULL);
    finding_add_evidence(f, ev, "/network/route_tables/rtb-0b2/routeTableId", NULL);
    CHECK(corroborate_best_change(f, ev, NOW - 1200, NULL) == 2);
    finding_free(f);
    /* A role ARN matches CloudTrail's role name. */
    f = diag("iam.x", "execution_role_invalid", 0.9, "arn:aws:iam::123456789012:role/execRole");
    CHECK(corroborate_best_change(f, ev, NOW - 1200, &matched) == 4);
    CHECK_STR(matched, "execRole");
    finding_free(f);
    /* Unrelated resources, or a window with nothing in it. */
    f = diag("img.x", "image_not_found", 0.9, "repo/web:v1");
    CHECK(corroborate_best_change(f, ev, NOW - 1200, NULL) == -1);
    finding_free(f);
    f = diag("net.z", "network_no_route", 0.9, "rtb-0b2");
    CHECK(corroborate_best_change(f, ev, NOW - 20 * 3600, NULL) == -1);
    finding_free(f);
    cJSON_Delete(ev);
}

static void test_corroborate(void)
{
    cJSON *ev = evidence_with_changes(), *j;
    struct finding_list l = {0};
    struct finding *root = diag("net.root", "network_no_route", 0.95, "rtb-0b2");
    struct finding *other = diag("aaa.other", "image_not_found", 0.96, "nothing");
    struct finding *oom = diag("container.exit", "container_oom", 0.9, "task-1");
    size_t i;
    finding_list_push(&l, other);
    finding_list_push(&l, root);
    finding_list_push(&l, oom);
    CHECK(corroborate_findings(&l, ev) == ERR_OK);
    CHECK(l.n == 3);
    /* The linked root rose above the other and carries its change. */
    CHECK(l.v[0] == root);
    CHECK(fabs(root->confidence - 0.99) < 1e-9);
    CHECK(root->change != NULL);
    CHECK_STR(jsonx_str(root->change, "event", NULL), "DeleteRoute");
    CHECK_STR(jsonx_str(root->change, "actor", NULL), "arn:aws:iam::1:user/alice");
    CHECK_STR(jsonx_str(root->change, "via", NULL), "console");
    CHECK_STR(jsonx_str(root->change, "pointer", NULL), "/changes/2");
    CHECK(jsonx_num(root->change, "minutes_before_failure", 0) == 12);
    CHECK(jsonx_num(root->change, "time", 0) == NOW - 1200 - 720);
    j = cJSON_GetArrayItem(root->evidence, cJSON_GetArraySize(root->evidence) - 1);
    CHECK_STR(jsonx_str(j, "pointer", NULL), "/changes/2/summary");
    CHECK_STR(jsonx_str(j, "value", NULL), "DeleteRoute rtb-0b2 0.0.0.0/0");
    CHECK(strstr(jsonx_str(j, "note", ""), "12 min before the first failure") != NULL);
    CHECK(other->change == NULL && other->confidence == 0.96);
    /* The OOM finding cites the memory series, no change. */
    CHECK(oom->change == NULL);
    j = cJSON_GetArrayItem(oom->evidence, 0);
    CHECK_STR(jsonx_str(j, "pointer", NULL), "/metrics/series/0/peak");
    CHECK(strstr(jsonx_str(j, "note", ""), "MemoryUtilization (Maximum) peaked at 100") != NULL);
    CHECK(fabs(oom->confidence - 0.95) < 1e-9);
    /* The report form carries the change. */
    j = finding_to_json(root, &l);
    CHECK_STR(pstr(j, "/change/summary"), "DeleteRoute rtb-0b2 0.0.0.0/0");
    cJSON_Delete(j);
    for (i = 0; i < l.n; i++)
        CHECK(l.v[i]->rank == (int)i + 1);
    finding_list_cleanup(&l);

    /* Without changes or metrics nothing moves. */
    cJSON_DeleteItemFromObject(ev, "changes");
    cJSON_DeleteItemFromObject(ev, "metrics");
    root = diag("net.root", "network_no_route", 0.95, "rtb-0b2");
    finding_list_push(&l, root);
    CHECK(corroborate_findings(&l, ev) == ERR_OK);
    CHECK(root->change == NULL && root->confidence == 0.95 && cJSON_GetArraySize(root->evidence) == 0);
    finding_list_cleanup(&l);
    cJSON_Delete(ev);
}

/* 5xx and latency alarms support the load-balancer findings of their
 * target group, never another category. */
static void test_elb_metrics(void)
{
    const char *tg = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/abc";
    char buf[2048];
    cJSON *ev;
    struct finding_list l = {0};
    struct finding *hc, *net;
    snprintf(buf, sizeof buf,
             "{\"window\": {\"until\": %.0f}, \"metrics\": {\"series\": ["
             "{\"metric\": \"CPUUtilization\", \"service\": \"web\", \"points\": 5, \"first_above\": %.0f, \"peak\": 99},"
             "{\"metric\": \"HTTPCode_Target_5XX_Count\", \"target_group\": \"%s\", \"stat\": \"Sum\", \"unit\": \"Count\","
             " \"points\": 5, \"threshold\": 10, \"peak\": 240, \"first_above\": %.0f, \"minutes_above\": 4},"
             "{\"metric\": \"TargetResponseTime\", \"target_group\": \"%s\", \"points\": 5, \"first_above\": null}]}}",
             NOW, NOW - 300, tg, NOW - 240, tg);
    ev = cJSON_Parse(buf);
    hc = diag("elb.health_check_failed", "elb_health_check_failed", 0.8, tg);
    net = diag("net.x", "network_no_route", 0.8, tg);
    finding_list_push(&l, hc);
    finding_list_push(&l, net);
    CHECK(corroborate_findings(&l, ev) == ERR_OK);
    CHECK(cJSON_GetArraySize(hc->evidence) == 1);
    CHECK_STR(jsonx_str(cJSON_GetArrayItem(hc->evidence, 0), "pointer", NULL), "/metrics/series/1/peak");
    CHECK(strstr(jsonx_str(cJSON_GetArrayItem(hc->evidence, 0), "note", ""), "HTTPCode_Target_5XX_Count (Sum) peaked at 240") != NULL);
    CHECK(fabs(hc->confidence - 0.85) < 1e-9);
    CHECK(cJSON_GetArraySize(net->evidence) == 0 && net->confidence == 0.8);
    finding_list_cleanup(&l);
    cJSON_Delete(ev);
}

static void test_timeline(void)
{
    cJSON *ev = evidence_with_changes(), *tl;
    const cJSON *it;
    int changes = 0, metrics = 0;
    double last = 0;
    tl = timeline_build(ev);
    CHECK(tl != NULL);
    cJSON_ArrayForEach(it, tl) {
        const char *kind = jsonx_str(it, "kind", "");
        CHECK(jsonx_num(it, "time", 0) >= last);
        last = jsonx_num(it, "time", 0);
        if (!strcmp(kind, "change")) {
            changes++;
            if (strstr(jsonx_str(it, "text", ""), "DeleteRoute rtb-0b2"))
                CHECK_STR(jsonx_str(it, "text", ""),
                          "DeleteRoute rtb-0b2 0.0.0.0/0 by arn:aws:iam::\xE2\x80\xA6:user/alice (console)");
        }
        if (!strcmp(kind, "metric")) {
            metrics++;
            CHECK(strstr(jsonx_str(it, "text", ""), "MemoryUtilization of web reached 90 % (Maximum)") != NULL);
            CHECK(jsonx_num(it, "time", 0) == NOW - 900);
        }
    }
    CHECK(changes == 6);
    CHECK(metrics == 1);
    cJSON_Delete(tl);
    cJSON_Delete(ev);
}

int main(void)
{
    test_change_parse();
    test_metric_summary();
    test_collectors();
    test_busy_account();
    test_matching();
    test_corroborate();
    test_elb_metrics();
    test_timeline();
    return test_done();
}

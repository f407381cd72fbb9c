/* Unit tests for core/collect driven by canned API answers (fakeio): the
 * evidence document's shape (docs/evidence.md), per-source statuses,
 * de-duplication, batching, dependency depth, not-found and denied paths,
 * redaction of the assembled document. */
#include "test.h"

#include <stdlib.h>
#include <time.h>

#include "collect/collect.h"
#include "fakeio.h"
#include "util/jsonx.h"
#include "util/strutil.h"

static cJSON *scenario;

static cJSON *load(const char *name)
{
    char path[1024];
    struct err e;
    const char *src = getenv("EDOC_SOURCE_DIR");
    cJSON *j;
    snprintf(path, sizeof path, "%s/tests/collect/data/%s", src ? src : ".", name);
    j = jsonx_load_file(path, 0, &e);
    if (!j)
        printf("# %s\n", e.msg);
    return j;
}

/* A fresh copy of the scenario's rules (tests prepend overrides). */
static cJSON *rules(void)
{
    return cJSON_Duplicate(cJSON_GetObjectItem(scenario, "rules"), 1);
}

struct run {
    struct fake_io f;
    cJSON *ev;
    cJSON *rules;
    struct collect_stats st;
    struct err e;
    enum err_code rc;
    int progress_lines, saw_inflight;
};

static void on_progress(void *arg, const char *line)
{
    struct run *r = arg;
    r->progress_lines++;
    if (strstr(line, "in flight:"))
        r->saw_inflight = 1;
}

static void run(struct run *r, cJSON *rl, enum collect_kind kind, const char *target, const char *cluster,
                int no_redact, double deadline)
{
    struct collect_opts o;
    memset(r, 0, sizeof *r);
    r->rules = rl;
    fakeio_init(&r->f, rl);
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.target = target;
    o.cluster = cluster;
    o.since_s = 3 * 3600;
    o.max_tasks = 100;
    o.now = cJSON_GetObjectItem(scenario, "now")->valuedouble;
    o.no_redact = no_redact;
    o.deadline = deadline;
    o.progress = on_progress;
    o.progress_arg = r;
    r->rc = collect_run(&r->f.io, &o, &r->ev, &r->st, &r->e);
    if (r->rc != ERR_OK)
        printf("# collect_run: %s: %s\n", err_str(r->rc), r->e.msg);
}

static void done(struct run *r)
{
    cJSON_Delete(r->ev);
    fakeio_cleanup(&r->f);
    cJSON_Delete(r->rules);
}

static const char *status(const cJSON *ev, const char *source)
{
    char ptr[128];
    snprintf(ptr, sizeof ptr, "/sources/%s/status", source);
    return cJSON_GetStringValue(jsonx_pointer(ev, ptr));
}

static const char *pstr(const cJSON *ev, const char *ptr)
{
    return cJSON_GetStringValue(jsonx_pointer(ev, ptr));
}

static int psize(const cJSON *ev, const char *ptr)
{
    cJSON *v = jsonx_pointer(ev, ptr);
    return v ? cJSON_GetArraySize(v) : -1;
}

/* No identical call twice, and only read-only operations. */
static void check_calls(const struct fake_io *f)
{
    cJSON *a, *b;
    int i = 0, dups = 0, writes = 0;
    cJSON_ArrayForEach(a, f->log) {
        const char *op = cJSON_GetObjectItem(a, "operation")->valuestring;
        int j = 0;
        if (strncmp(op, "Describe", 8) && strncmp(op, "List", 4) && strncmp(op, "Get", 3) &&
            strncmp(op, "Lookup", 6)) {
            writes++;
            printf("# mutating call %s\n", op);
        }
        cJSON_ArrayForEach(b, f->log) {
            if (j++ <= i)
                continue;
            if (!strcmp(op, cJSON_GetObjectItem(b, "operation")->valuestring) &&
                !strcmp(cJSON_GetObjectItem(a, "service")->valuestring, cJSON_GetObjectItem(b, "service")->valuestring) &&
                !strcmp(cJSON_GetObjectItem(a, "params")->valuestring, cJSON_GetObjectItem(b, "params")->valuestring)) {
                dups++;
                printf("# repeated call %s %s\n", op, cJSON_GetObjectItem(a, "params")->valuestring);
            }
        }
        i++;
    }
    CHECK(dups == 0);
    CHECK(writes == 0);
}

static void test_service(void)
{
    static const char *const ok_sources[] = {
        "ecs.cluster", "ecs.services", "ecs.tasks", "ecs.task_definitions", "elb.target_groups",
        "elb.target_health", "elb.load_balancers", "iam.roles", "ec2.subnets", "ec2.route_tables",
        "ec2.gateways", "ec2.vpc_endpoints", "ec2.security_groups", "ec2.network_acls", "logs",
        "ecr.images", "secrets", "scaling"};
    struct run r;
    size_t i;
    char *text;
    cJSON *ev;
    run(&r, rules(), COLLECT_SERVICE, "web", "prod", 0, 0);
    ev = r.ev;
    CHECK(r.rc == ERR_OK);
    if (!ev) {
        done(&r);
        return;
    }
    CHECK_STR(pstr(ev, "/schema"), "ecs-doctor/evidence/v1");
    CHECK_STR(pstr(ev, "/target/kind"), "service");
    CHECK_STR(pstr(ev, "/target/cluster"), "prod");
    CHECK_STR(pstr(ev, "/target/cluster_arn"), "arn:aws:ecs:us-east-1:123456789012:cluster/prod");
    CHECK_STR(pstr(ev, "/target/service"), "web");
    CHECK_STR(pstr(ev, "/target/services/0"), "web");
    CHECK_STR(pstr(ev, "/target/account"), "123456789012");
    CHECK_STR(pstr(ev, "/target/region"), "us-east-1");
    CHECK_STR(pstr(ev, "/collected_at"), "2026-11-27T02:52:44Z");
    CHECK(jsonx_num(cJSON_GetObjectItem(ev, "window"), "until", 0) == 1795747964);
    CHECK(jsonx_num(cJSON_GetObjectItem(ev, "window"), "since", 0) == 1795747964 - 3 * 3600);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(ev, "redacted")));
    for (i = 0; i < sizeof ok_sources / sizeof ok_sources[0]; i++) {
        CHECK_STR(status(ev, ok_sources[i]), "ok");
    }
    CHECK_STR(status(ev, "ecs.capacity"), "skipped");
    CHECK(strstr(pstr(ev, "/sources/ecs.capacity/reason"), "Fargate") != NULL);
    CHECK(jsonx_num(jsonx_pointer(ev, "/sources/ecs.tasks"), "calls", 0) == 3);

    /* Service: events capped at 100, the object otherwise as returned. */
    CHECK(psize(ev, "/services/0/events") == 100);
    CHECK_STR(pstr(ev, "/services/0/deployments/0/rolloutState"), "IN_PROGRESS");
    CHECK(cJSON_IsTrue(jsonx_pointer(ev, "/services/0/deploymentConfiguration/deploymentCircuitBreaker/enable")));
    /* Tasks: stopped in the window newest first, then running; the one
     * outside the window is dropped. */
    CHECK(psize(ev, "/tasks") == 3);
    CHECK(str_ends(pstr(ev, "/tasks/0/taskArn"), "/t1"));
    CHECK(str_ends(pstr(ev, "/tasks/1/taskArn"), "/told"));
    CHECK(str_ends(pstr(ev, "/tasks/2/taskArn"), "/t2"));
    /* Task definitions: in use (12), the previous revision (11), a stopped
     * task's older one (10); the family history without web-worker. */
    CHECK(jsonx_pointer(ev, "/task_definitions/arn:aws:ecs:us-east-1:123456789012:task-definition~1web:12") != NULL);
    CHECK(jsonx_pointer(ev, "/task_definitions/arn:aws:ecs:us-east-1:123456789012:task-definition~1web:11") != NULL);
    CHECK(jsonx_pointer(ev, "/task_definitions/arn:aws:ecs:us-east-1:123456789012:task-definition~1web:10") != NULL);
    CHECK(psize(ev, "/task_definitions") == 3);
    CHECK(psize(ev, "/task_definition_history/web") == 4);
    CHECK(fakeio_count(&r.f, "ecs", "DescribeTaskDefinition") == 3);
    CHECK(jsonx_pointer(ev, "/sources/ecs.task_definitions/note") == NULL); /* under the bound: no cut */
    /* ELB */
    {
        cJSON *tg = cJSON_GetArrayItem(jsonx_pointer(ev, "/elb/target_groups"), 0);
        cJSON *lb = cJSON_GetArrayItem(jsonx_pointer(ev, "/elb/load_balancers"), 0);
        CHECK_STR(pstr(tg, "/TargetGroupName"), "web-tg");
        CHECK_STR(pstr(tg, "/HealthCheckPath"), "/health");
        CHECK_STR(pstr(tg, "/Attributes/deregistration_delay.timeout_seconds"), "300");
        CHECK_STR(pstr(tg, "/TargetHealthDescriptions/0/TargetHealth/Reason"), "Target.ResponseCodeMismatch");
        CHECK_STR(pstr(lb, "/Scheme"), "internet-facing");
        CHECK_STR(pstr(lb, "/Listeners/0/Port"), "443");
    }
    /* IAM: both roles, trust policy parsed, shared managed policy fetched once. */
    CHECK_STR(pstr(ev, "/iam/roles/ecsTaskExecutionRole/AssumeRolePolicyDocument/Statement/0/Principal/Service"),
              "ecs-tasks.amazonaws.com");
    CHECK_STR(pstr(ev, "/iam/roles/web-task/Path"), "/app/");
    CHECK_STR(pstr(ev, "/iam/roles/web-task/AttachedPolicies/0/DefaultVersionId"), "v3");
    CHECK_STR(pstr(ev, "/iam/roles/ecsTaskExecutionRole/AttachedPolicies/0/Document/Statement/0/Action/0"),
              "ecr:GetAuthorizationToken");
    CHECK_STR(pstr(ev, "/iam/roles/ecsTaskExecutionRole/InlinePolicies/0/Document/Statement/0/Action"),
              "ssm:GetParameters");
    CHECK(psize(ev, "/iam/roles/web-task/InlinePolicies") == 0);
    CHECK(fakeio_count(&r.f, "iam", "GetPolicy") == 1);
    CHECK(fakeio_count(&r.f, "iam", "GetPolicyVersion") == 1);
    CHECK(fakeio_count(&r.f, "iam", "GetRole") == 2);
    /* Network */
    CHECK(psize(ev, "/network/subnets") == 2);
    CHECK_STR(pstr(ev, "/network/vpcs/vpc-1/cidrBlock"), "10.0.0.0/16");
    CHECK(jsonx_pointer(ev, "/network/route_tables/rtb-main") != NULL);
    CHECK(psize(ev, "/network/nat_gateways") == 0);
    CHECK(jsonx_pointer(ev, "/network/internet_gateways/igw-1") != NULL);
    CHECK(psize(ev, "/network/vpc_endpoints") == 2);
    CHECK(jsonx_pointer(ev, "/network/security_groups/sg-task") != NULL);
    CHECK(jsonx_pointer(ev, "/network/security_groups/sg-lb") != NULL);
    CHECK(jsonx_pointer(ev, "/network/security_groups/sg-vpce") != NULL);
    CHECK(jsonx_pointer(ev, "/network/prefix_lists/pl-s3") != NULL);
    CHECK(jsonx_pointer(ev, "/network/network_acls/acl-1") != NULL);
    CHECK(fakeio_count(&r.f, "ec2", "DescribeSecurityGroups") == 2);
    CHECK(fakeio_count(&r.f, "ec2", "DescribeRouteTables") == 1);
    /* Logs: the two stopped tasks' essential container, last 50 lines. */
    CHECK(cJSON_IsTrue(jsonx_pointer(ev, "/logs/groups/~1ecs~1web/exists")));
    CHECK(jsonx_num(jsonx_pointer(ev, "/logs/groups/~1ecs~1web"), "retentionInDays", 0) == 30);
    /* t1 and told (stopped) and t2 (running). */
    CHECK(psize(ev, "/logs/streams") == 3);
    CHECK(psize(ev, "/logs/streams/~1ecs~1web~1ecs~1app~1t1/events") == 50);
    CHECK_STR(pstr(ev, "/logs/streams/~1ecs~1web~1ecs~1app~1t1/container"), "app");
    CHECK_STR(pstr(ev, "/logs/streams/~1ecs~1web~1ecs~1app~1t1/task"), "t1");
    CHECK(cJSON_IsTrue(jsonx_pointer(ev, "/logs/streams/~1ecs~1web~1ecs~1app~1t1/truncated")));
    CHECK(fakeio_count(&r.f, "logs", "DescribeLogGroups") == 1);
    /* Images */
    CHECK(cJSON_IsTrue(jsonx_pointer(ev, "/images/123456789012.dkr.ecr.us-east-1.amazonaws.com~1web:v42/exists")));
    CHECK_STR(pstr(ev, "/images/nginx:1.25/registry"), "dockerhub");
    CHECK(cJSON_IsNull(jsonx_pointer(ev, "/images/nginx:1.25/exists")));
    CHECK(fakeio_count(&r.f, "ecr", "DescribeImages") == 1);
    /* Secrets: existence only; one DescribeSecret for two json keys. */
    CHECK(cJSON_IsTrue(jsonx_pointer(ev, "/secrets/arn:aws:secretsmanager:us-east-1:123456789012:secret:prod~1db-AbCdEf:password::/exists")));
    CHECK(cJSON_IsTrue(jsonx_pointer(ev, "/secrets/~1prod~1api-key/exists")));
    CHECK_STR(pstr(ev, "/secrets/~1prod~1api-key/kind"), "ssm");
    CHECK(cJSON_IsFalse(jsonx_pointer(ev, "/secrets/~1prod~1missing/exists")));
    CHECK(cJSON_IsFalse(jsonx_pointer(ev, "/secrets/~1prod~1splunk-token/exists")));
    CHECK(jsonx_pointer(ev, "/secrets/~1prod~1api-key/detail/Value") == NULL);
    CHECK(fakeio_count(&r.f, "secretsmanager", "DescribeSecret") == 1);
    CHECK(fakeio_count(&r.f, "ssm", "GetParameters") == 1);
    CHECK(psize(ev, "/scaling/scalable_targets") == 1);
    CHECK(psize(ev, "/scaling/activities") == 1);

    /* Redaction of the assembled document: grep for every secret. */
    text = cJSON_PrintUnformatted(ev);
    CHECK(strstr(text, "sk_live_51HxyzSECRETVALUE") == NULL);
    CHECK(strstr(text, "tok_abcdef123456") == NULL);
    CHECK(strstr(text, "hunter2") == NULL);
    CHECK(strstr(text, "AKIAIOSFODNN7EXAMPLE") == NULL);
    CHECK(strstr(text, "abcdefghijklmnopqrstuvwxyz123") == NULL);
    CHECK(strstr(text, "wJalrXUtnFEMI") == NULL);
    CHECK(strstr(text, "eyJzdWIiOiIxMjM0NTY3ODkwIn0") == NULL);
    CHECK(strstr(text, "AQICAHhSECRETCIPHERTEXT") == NULL);
    /* ...while the secret's ARN in the stop reason stays readable. */
    CHECK(strstr(text, "failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf") != NULL);
    free(text);

    /* Calls: one DescribeTasks, nothing twice, nothing mutating; depth. */
    CHECK(fakeio_count(&r.f, "ecs", "DescribeTasks") == 1);
    CHECK(fakeio_count(&r.f, "ecs", "DescribeServices") == 1);
    check_calls(&r.f);
    CHECK(r.st.depth == r.f.round);
    CHECK(r.st.depth == 5);
    CHECK(r.st.depth <= collect_graph_depth(COLLECT_SERVICE));
    CHECK(r.st.calls == cJSON_GetArraySize(r.f.log));
    CHECK(r.progress_lines > 0 && r.saw_inflight);
    done(&r);
}

static void test_no_redact(void)
{
    struct run r;
    char *text;
    run(&r, rules(), COLLECT_SERVICE, "web", "prod", 1, 0);
    CHECK(r.rc == ERR_OK);
    text = r.ev ? cJSON_PrintUnformatted(r.ev) : NULL;
    CHECK(text && strstr(text, "sk_live_51HxyzSECRETVALUE") != NULL);
    CHECK(text && strstr(text, "hunter2") != NULL);
    /* Parameter values are never kept, redaction or not. */
    CHECK(text && strstr(text, "AQICAHhSECRETCIPHERTEXT") == NULL);
    CHECK(r.ev && cJSON_IsFalse(cJSON_GetObjectItem(r.ev, "redacted")));
    free(text);
    done(&r);
}

static void test_denied(void)
{
    struct run r;
    cJSON *rl = rules();
    fakeio_deny(rl, "iam", "GetRole", NULL);
    fakeio_deny(rl, "iam", "ListAttachedRolePolicies", NULL);
    fakeio_deny(rl, "iam", "ListRolePolicies", NULL);
    fakeio_deny(rl, "ec2", "DescribeVpcEndpoints", NULL);
    fakeio_deny(rl, "elbv2", "DescribeTargetHealth", NULL);
    fakeio_deny(rl, "ecr", "DescribeImages", NULL);
    run(&r, rl, COLLECT_SERVICE, "web", "prod", 0, 0);
    CHECK(r.rc == ERR_OK);
    if (r.ev) {
        CHECK_STR(status(r.ev, "iam.roles"), "denied");
        CHECK_STR(pstr(r.ev, "/sources/iam.roles/errors/0/action"), "iam:GetRole");
        CHECK_STR(pstr(r.ev, "/sources/iam.roles/errors/0/code"), "AccessDenied");
        CHECK_STR(status(r.ev, "ec2.vpc_endpoints"), "denied");
        CHECK_STR(pstr(r.ev, "/sources/ec2.vpc_endpoints/errors/0/action"), "ec2:DescribeVpcEndpoints");
        CHECK_STR(status(r.ev, "elb.target_health"), "denied");
        CHECK_STR(pstr(r.ev, "/sources/elb.target_health/errors/0/action"),
                  "elasticloadbalancing:DescribeTargetHealth");
        CHECK_STR(status(r.ev, "elb.target_groups"), "ok");
        CHECK_STR(status(r.ev, "ecr.images"), "denied");
        CHECK(cJSON_IsNull(jsonx_pointer(r.ev, "/images/123456789012.dkr.ecr.us-east-1.amazonaws.com~1web:v42/exists")));
        CHECK_STR(status(r.ev, "ecs.services"), "ok");
        /* Only the task SGs and LB SGs: the endpoints (denied) named none. */
        CHECK(jsonx_pointer(r.ev, "/network/security_groups/sg-vpce") == NULL);
        CHECK_STR(status(r.ev, "ec2.security_groups"), "ok");
    }
    done(&r);

    /* One role readable, the other not: partial. */
    rl = rules();
    fakeio_deny(rl, "iam", "GetRole", "web-task");
    run(&r, rl, COLLECT_SERVICE, "web", "prod", 0, 0);
    CHECK(r.ev && !strcmp(status(r.ev, "iam.roles"), "partial"));
    CHECK(r.ev && jsonx_pointer(r.ev, "/iam/roles/ecsTaskExecutionRole/Arn") != NULL);
    done(&r);

    /* No DescribeClusters, no GetCallerIdentity: cluster ARN and account
     * still come from the service's ARNs. */
    rl = rules();
    fakeio_deny(rl, "ecs", "DescribeClusters", NULL);
    fakeio_deny(rl, "sts", "GetCallerIdentity", NULL);
    run(&r, rl, COLLECT_SERVICE, "web", "prod", 0, 0);
    CHECK(r.ev && !strcmp(status(r.ev, "ecs.cluster"), "denied"));
    CHECK(r.ev && pstr(r.ev, "/target/cluster_arn") &&
          !strcmp(pstr(r.ev, "/target/cluster_arn"), "arn:aws:ecs:us-east-1:123456789012:cluster/prod"));
    CHECK(r.ev && pstr(r.ev, "/target/account") && !strcmp(pstr(r.ev, "/target/account"), "123456789012"));
    CHECK(r.ev && jsonx_pointer(r.ev, "/cluster") == NULL);
    done(&r);

    /* The target itself unreadable: nothing to diagnose. */
    rl = rules();
    fakeio_deny(rl, "ecs", "DescribeServices", NULL);
    run(&r, rl, COLLECT_SERVICE, "web", "prod", 0, 0);
    CHECK(r.rc == ERR_DENIED);
    CHECK(r.ev == NULL);
    CHECK(strstr(r.e.msg, "ecs:DescribeServices") != NULL);
    done(&r);
}

static void test_facts_not_errors(void)
{
    struct run r;
    cJSON *rl = rules();
    fakeio_error(rl, "ecr", "DescribeImages", NULL, ERR_NOT_FOUND, "ImageNotFoundException");
    fakeio_error(rl, "secretsmanager", "DescribeSecret", NULL, ERR_NOT_FOUND, "ResourceNotFoundException");
    fakeio_error(rl, "iam", "GetRole", "web-task", ERR_NOT_FOUND, "NoSuchEntity");
    fakeio_error(rl, "iam", "ListAttachedRolePolicies", "web-task", ERR_NOT_FOUND, "NoSuchEntity");
    fakeio_error(rl, "iam", "ListRolePolicies", "web-task", ERR_NOT_FOUND, "NoSuchEntity");
    fakeio_body(rl, "logs", "DescribeLogGroups", NULL, "{\"logGroups\":[{\"logGroupName\":\"/ecs/web-worker\"}]}");
    run(&r, rl, COLLECT_SERVICE, "web", "prod", 0, 0);
    CHECK(r.rc == ERR_OK);
    if (r.ev) {
        CHECK(cJSON_IsFalse(jsonx_pointer(r.ev, "/images/123456789012.dkr.ecr.us-east-1.amazonaws.com~1web:v42/exists")));
        CHECK_STR(pstr(r.ev, "/images/123456789012.dkr.ecr.us-east-1.amazonaws.com~1web:v42/error/code"),
                  "ImageNotFoundException");
        CHECK_STR(status(r.ev, "ecr.images"), "ok");
        CHECK(cJSON_IsFalse(jsonx_pointer(r.ev, "/secrets/arn:aws:secretsmanager:us-east-1:123456789012:secret:prod~1db-AbCdEf:password::/exists")));
        CHECK_STR(status(r.ev, "secrets"), "ok");
        CHECK(cJSON_IsFalse(jsonx_pointer(r.ev, "/iam/roles/web-task/exists")));
        CHECK_STR(status(r.ev, "iam.roles"), "ok");
        CHECK(cJSON_IsFalse(jsonx_pointer(r.ev, "/logs/groups/~1ecs~1web/exists")));
    }
    done(&r);
}

static void test_not_found(void)
{
    struct run r;
    cJSON *rl = rules();
    fakeio_body(rl, "ecs", "DescribeServices", NULL,
                "{\"services\":[],\"failures\":[{\"arn\":\"arn:aws:ecs:us-east-1:1:service/prod/wbe\",\"reason\":\"MISSING\"}]}");
    run(&r, rl, COLLECT_SERVICE, "wbe", "prod", 0, 0);
    CHECK(r.rc == ERR_NOT_FOUND);
    CHECK(strstr(r.e.msg, "service 'wbe' not found in cluster 'prod'") != NULL);
    CHECK(strstr(r.e.msg, "did you mean: web") != NULL);
    done(&r);

    rl = rules();
    fakeio_body(rl, "ecs", "DescribeClusters", NULL,
                "{\"clusters\":[],\"failures\":[{\"arn\":\"arn:aws:ecs:us-east-1:1:cluster/prd\",\"reason\":\"MISSING\"}]}");
    fakeio_error(rl, "ecs", "DescribeServices", NULL, ERR_NOT_FOUND, "ClusterNotFoundException");
    fakeio_error(rl, "ecs", "ListTasks", NULL, ERR_NOT_FOUND, "ClusterNotFoundException");
    run(&r, rl, COLLECT_SERVICE, "web", "prd", 0, 0);
    CHECK(r.rc == ERR_NOT_FOUND);
    CHECK_STR(r.e.msg, "cluster 'prd' not found in us-east-1 (did you mean: prod?)");
    done(&r);

    rl = rules();
    fakeio_body(rl, "ecs", "DescribeTasks", NULL, "{\"tasks\":[],\"failures\":[{\"arn\":\"x\",\"reason\":\"MISSING\"}]}");
    run(&r, rl, COLLECT_TASK, "0123abcd", "prod", 0, 0);
    CHECK(r.rc == ERR_NOT_FOUND);
    CHECK(strstr(r.e.msg, "task '0123abcd' not found in cluster 'prod'") != NULL);
    done(&r);

    /* Simply absent (no failures entry, as some emulators answer): not
     * found all the same, never an empty report that reads as healthy. */
    rl = rules();
    fakeio_body(rl, "ecs", "DescribeServices", NULL, "{\"services\":[],\"failures\":[]}");
    run(&r, rl, COLLECT_SERVICE, "wbe", "prod", 0, 0);
    CHECK(r.rc == ERR_NOT_FOUND);
    CHECK(strstr(r.e.msg, "service 'wbe' not found in cluster 'prod' (did you mean: web") != NULL);
    done(&r);
    rl = rules();
    fakeio_body(rl, "ecs", "DescribeTasks", NULL, "{\"tasks\":[]}");
    run(&r, rl, COLLECT_TASK, "0123abcd", "prod", 0, 0);
    CHECK(r.rc == ERR_NOT_FOUND);
    CHECK(strstr(r.e.msg, "task '0123abcd' not found in cluster 'prod'") != NULL);
    CHECK(strstr(r.e.msg, "about an hour") != NULL && !strchr(r.e.msg, '\n'));
    done(&r);

    run(&r, rules(), COLLECT_SERVICE, "arn:aws:ecs:us-east-1:1:task/prod/x", NULL, 0, 0);
    CHECK(r.rc == ERR_USAGE);
    done(&r);
}

static void test_batching(void)
{
    struct run r;
    cJSON *rl = rules(), *stopped = cJSON_CreateObject(), *running = cJSON_CreateObject();
    cJSON *sa = cJSON_AddArrayToObject(stopped, "taskArns"), *ra = cJSON_AddArrayToObject(running, "taskArns");
    cJSON *td, *cd, *secrets;
    char buf[128], *txt;
    int i;
    for (i = 0; i < 150; i++) {
        snprintf(buf, sizeof buf, "arn:aws:ecs:us-east-1:123456789012:task/prod/s%03d", i);
        cJSON_AddItemToArray(sa, cJSON_CreateString(buf));
    }
    for (i = 0; i < 30; i++) {
        snprintf(buf, sizeof buf, "arn:aws:ecs:us-east-1:123456789012:task/prod/r%03d", i);
        cJSON_AddItemToArray(ra, cJSON_CreateString(buf));
    }
    /* The stopped list repeats a running task (a task stopping right now). */
    cJSON_AddItemToArray(sa, cJSON_CreateString(buf));
    txt = cJSON_PrintUnformatted(stopped);
    fakeio_body(rl, "ecs", "ListTasks", "STOPPED", txt);
    free(txt);
    txt = cJSON_PrintUnformatted(running);
    fakeio_body(rl, "ecs", "ListTasks", "RUNNING", txt);
    free(txt);
    /* Twelve SSM parameters: two GetParameters calls (10 + 2). */
    td = cJSON_Duplicate(jsonx_pointer(scenario, "/rules/6/body"), 1);
    cd = jsonx_pointer(td, "/taskDefinition/containerDefinitions/0");
    secrets = cJSON_GetObjectItem(cd, "secrets");
    while (cJSON_GetArraySize(secrets))
        cJSON_DeleteItemFromArray(secrets, 0);
    for (i = 0; i < 12; i++) {
        cJSON *s = cJSON_CreateObject();
        snprintf(buf, sizeof buf, "/prod/p%02d", i);
        cJSON_AddStringToObject(s, "name", buf + 6);
        cJSON_AddStringToObject(s, "valueFrom", buf);
        cJSON_AddItemToArray(secrets, s);
    }
    txt = cJSON_PrintUnformatted(td);
    fakeio_body(rl, "ecs", "DescribeTaskDefinition", "web:12", txt);
    free(txt);
    cJSON_Delete(td);
    cJSON_Delete(stopped);
    cJSON_Delete(running);
    run(&r, rl, COLLECT_SERVICE, "web", "prod", 0, 0);
    CHECK(r.rc == ERR_OK);
    /* 180 distinct tasks: two DescribeTasks, the first full. */
    CHECK(fakeio_count(&r.f, "ecs", "DescribeTasks") == 2);
    {
        cJSON *e;
        int sizes = 0;
        cJSON_ArrayForEach(e, r.f.log) {
            if (!strcmp(cJSON_GetObjectItem(e, "operation")->valuestring, "DescribeTasks")) {
                cJSON *p = cJSON_Parse(cJSON_GetObjectItem(e, "params")->valuestring);
                sizes += cJSON_GetArraySize(cJSON_GetObjectItem(p, "tasks"));
                CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(p, "tasks")) <= 100);
                cJSON_Delete(p);
            }
        }
        CHECK(sizes == 180);
    }
    CHECK(fakeio_count(&r.f, "ssm", "GetParameters") == 2);
    check_calls(&r.f);
    done(&r);
}

static void test_kinds(void)
{
    struct run r;
    run(&r, rules(), COLLECT_TASK, "arn:aws:ecs:us-east-1:123456789012:task/prod/t1", NULL, 0, 0);
    CHECK(r.rc == ERR_OK);
    if (r.ev) {
        CHECK_STR(pstr(r.ev, "/target/kind"), "task");
        CHECK_STR(pstr(r.ev, "/target/task"), "t1");
        CHECK_STR(pstr(r.ev, "/target/cluster"), "prod");
        CHECK(jsonx_pointer(r.ev, "/target/service") == NULL);
        CHECK_STR(pstr(r.ev, "/services/0/serviceName"), "web");
        CHECK_STR(status(r.ev, "ec2.subnets"), "ok");
        CHECK(fakeio_count(&r.f, "ecs", "ListTasks") == 0);
        check_calls(&r.f);
        CHECK(r.st.depth <= collect_graph_depth(COLLECT_TASK));
    }
    done(&r);

    run(&r, rules(), COLLECT_CLUSTER, "prod", "ignored", 0, 0);
    CHECK(r.rc == ERR_OK);
    if (r.ev) {
        CHECK_STR(pstr(r.ev, "/target/kind"), "cluster");
        CHECK(psize(r.ev, "/target/services") == 3);
        CHECK_STR(pstr(r.ev, "/target/services/2"), "api");
        CHECK(fakeio_count(&r.f, "ecs", "DescribeServices") == 1);
        CHECK(fakeio_count(&r.f, "ecs", "ListServices") == 1);
        /* Many services: the scaling namespace is read once, not per service. */
        CHECK(fakeio_count(&r.f, "application-autoscaling", "DescribeScalingActivities") == 1);
        CHECK(fakeio_count(&r.f, "application-autoscaling", "DescribeScalingPolicies") == 1);
        check_calls(&r.f);
        CHECK(r.st.depth <= collect_graph_depth(COLLECT_CLUSTER));
    }
    done(&r);
}

/* EC2 capacity: container instances (batched) and the strategy's providers. */
static void test_capacity(void)
{
    struct run r;
    cJSON *rl = rules(), *svc = cJSON_Duplicate(jsonx_pointer(scenario, "/rules/2/body"), 1), *cis, *arns;
    char *txt, buf[96];
    int i;
    cJSON_DeleteItemFromObject(cJSON_GetArrayItem(cJSON_GetObjectItem(svc, "services"), 0), "launchType");
    cJSON_AddItemToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(svc, "services"), 0), "capacityProviderStrategy",
                          cJSON_Parse("[{\"capacityProvider\":\"cp-asg\",\"weight\":1}]"));
    txt = cJSON_PrintUnformatted(svc);
    fakeio_body(rl, "ecs", "DescribeServices", NULL, txt);
    free(txt);
    cJSON_Delete(svc);
    cis = cJSON_CreateObject();
    arns = cJSON_AddArrayToObject(cis, "containerInstanceArns");
    for (i = 0; i < 120; i++) {
        snprintf(buf, sizeof buf, "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci%03d", i);
        cJSON_AddItemToArray(arns, cJSON_CreateString(buf));
    }
    txt = cJSON_PrintUnformatted(cis);
    fakeio_body(rl, "ecs", "ListContainerInstances", NULL, txt);
    free(txt);
    cJSON_Delete(cis);
    fakeio_body(rl, "ecs", "DescribeContainerInstances", NULL,
                "{\"containerInstances\":[{\"containerInstanceArn\":\"ci\",\"agentConnected\":false,"
                "\"status\":\"ACTIVE\",\"remainingResources\":[{\"name\":\"CPU\",\"integerValue\":0}]}]}");
    fakeio_body(rl, "ecs", "DescribeCapacityProviders", NULL,
                "{\"capacityProviders\":[{\"name\":\"cp-asg\",\"autoScalingGroupProvider\":"
                "{\"managedScaling\":{\"status\":\"DISABLED\"}}}]}");
    run(&r, rl, COLLECT_SERVICE, "web", "prod", 0, 0);
    CHECK(r.rc == ERR_OK);
    if (r.ev) {
        CHECK_STR(status(r.ev, "ecs.capacity"), "ok");
        CHECK(fakeio_count(&r.f, "ecs", "DescribeContainerInstances") == 2);
        CHECK(psize(r.ev, "/capacity/container_instances") == 2);
        CHECK(cJSON_IsFalse(jsonx_pointer(r.ev, "/capacity/container_instances/0/agentConnected")));
        CHECK_STR(pstr(r.ev, "/capacity/capacity_providers/0/autoScalingGroupProvider/managedScaling/status"),
                  "DISABLED");
        check_calls(&r.f);
    }
    done(&r);
}

/* Instances listed but not described (DescribeContainerInstances refused):
 * the list is absent (unknown), not [] ("none", a false diagnosis); a
 * cluster with no instances at all is []. */
static void test_capacity_unknown(void)
{
    struct run r;
    int pass;
    for (pass = 0; pass < 2; pass++) {
        cJSON *rl = rules(), *svc = cJSON_Duplicate(jsonx_pointer(scenario, "/rules/2/body"), 1);
        char *txt;
        cJSON_ReplaceItemInObject(cJSON_GetArrayItem(cJSON_GetObjectItem(svc, "services"), 0), "launchType",
                                  cJSON_CreateString("EC2"));
        txt = cJSON_PrintUnformatted(svc);
        fakeio_body(rl, "ecs", "DescribeServices", NULL, txt);
        free(txt);
        cJSON_Delete(svc);
        fakeio_body(rl, "ecs", "ListContainerInstances", NULL,
                    pass ? "{\"containerInstanceArns\":[]}"
                         : "{\"containerInstanceArns\":[\"arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci1\"]}");
        fakeio_deny(rl, "ecs", "DescribeContainerInstances", NULL);
        run(&r, rl, COLLECT_SERVICE, "web", "prod", 0, 0);
        CHECK(r.rc == ERR_OK);
        if (r.ev && !pass) {
            CHECK_STR(status(r.ev, "ecs.capacity"), "partial");
            CHECK(jsonx_pointer(r.ev, "/capacity/container_instances") == NULL);
        } else if (r.ev) {
            CHECK_STR(status(r.ev, "ecs.capacity"), "ok");
            CHECK(psize(r.ev, "/capacity/container_instances") == 0);
            CHECK(fakeio_count(&r.f, "ecs", "DescribeContainerInstances") == 0);
        }
        done(&r);
    }
}

/* A cluster of 70 services, one task definition family each: the revision
 * history is listed for MAX_TD_HISTORY_FAMILIES (64) families, failing and
 * changing services' first, and the cut is in the source's status. */
static void test_td_history_cut(void)
{
    enum { NSVC = 70 };
    struct run r;
    cJSON *rl = rules(), *list = cJSON_CreateObject(), *arns = cJSON_AddArrayToObject(list, "taskArns");
    char buf[160], match[16], *txt;
    int i, b, n = 0;
    (void)arns;
    txt = cJSON_PrintUnformatted(list);
    fakeio_body(rl, "ecs", "ListTasks", NULL, txt); /* no tasks: families come from the services */
    free(txt);
    cJSON_Delete(list);
    list = cJSON_CreateObject();
    arns = cJSON_AddArrayToObject(list, "serviceArns");
    for (i = 0; i < NSVC; i++) {
        snprintf(buf, sizeof buf, "arn:aws:ecs:us-east-1:123456789012:service/prod/f%02d", i);
        cJSON_AddItemToArray(arns, cJSON_CreateString(buf));
    }
    txt = cJSON_PrintUnformatted(list);
    fakeio_body(rl, "ecs", "ListServices", NULL, txt);
    free(txt);
    cJSON_Delete(list);
    /* DescribeServices in batches of 10: each answered by the rule matching
     * its first name. f65, f67, f69 (past the bound) are mid-deployment. */
    for (b = 0; b < NSVC / 10; b++) {
        cJSON *body = cJSON_CreateObject(), *svcs = cJSON_AddArrayToObject(body, "services");
        for (i = b * 10; i < b * 10 + 10; i++) {
            int troubled = i == 65 || i == 67 || i == 69;
            cJSON *svc = cJSON_CreateObject(), *d = cJSON_CreateObject();
            snprintf(buf, sizeof buf, "arn:aws:ecs:us-east-1:123456789012:service/prod/f%02d", i);
            cJSON_AddStringToObject(svc, "serviceArn", buf);
            snprintf(buf, sizeof buf, "f%02d", i);
            cJSON_AddStringToObject(svc, "serviceName", buf);
            cJSON_AddStringToObject(svc, "clusterArn", "arn:aws:ecs:us-east-1:123456789012:cluster/prod");
            cJSON_AddStringToObject(svc, "status", "ACTIVE");
            cJSON_AddNumberToObject(svc, "desiredCount", 1);
            cJSON_AddNumberToObject(svc, "runningCount", troubled ? 0 : 1);
            cJSON_AddStringToObject(svc, "launchType", "FARGATE");
            snprintf(buf, sizeof buf, "arn:aws:ecs:us-east-1:123456789012:task-definition/fam%02d:2", i);
            cJSON_AddStringToObject(svc, "taskDefinition", buf);
            cJSON_AddStringToObject(d, "id", "ecs-svc/1");
            cJSON_AddStringToObject(d, "status", "PRIMARY");
            cJSON_AddStringToObject(d, "taskDefinition", buf);
            cJSON_AddStringToObject(d, "rolloutState", troubled ? "IN_PROGRESS" : "COMPLETED");
            cJSON_AddNumberToObject(d, "desiredCount", 1);
            cJSON_AddNumberToObject(d, "runningCount", troubled ? 0 : 1);
            cJSON_AddItemToArray(cJSON_AddArrayToObject(svc, "deployments"), d);
            cJSON_AddItemToArray(svcs, svc);
        }
        txt = cJSON_PrintUnformatted(body);
        snprintf(match, sizeof match, "\"f%d0\"", b);
        fakeio_body(rl, "ecs", "DescribeServices", match, txt);
        free(txt);
        cJSON_Delete(body);
    }
    run(&r, rl, COLLECT_CLUSTER, "prod", NULL, 0, 0);
    CHECK(r.rc == ERR_OK);
    if (r.ev) {
        const char *note = pstr(r.ev, "/sources/ecs.task_definitions/note");
        cJSON *h;
        CHECK(psize(r.ev, "/target/services") == NSVC);
        CHECK(fakeio_count(&r.f, "ecs", "ListTaskDefinitions") == 64);
        CHECK(psize(r.ev, "/task_definition_history") == 64);
        /* The services that need a baseline got theirs although they come last. */
        CHECK(jsonx_pointer(r.ev, "/task_definition_history/fam65") != NULL);
        CHECK(jsonx_pointer(r.ev, "/task_definition_history/fam67") != NULL);
        CHECK(jsonx_pointer(r.ev, "/task_definition_history/fam69") != NULL);
        cJSON_ArrayForEach(h, jsonx_pointer(r.ev, "/task_definition_history"))
            n += !strcmp(h->string, "fam64") || !strcmp(h->string, "fam66") || !strcmp(h->string, "fam68");
        CHECK(n == 0);
        CHECK(note != NULL && strstr(note, "read for 64 of 70 task definition families") != NULL &&
              strstr(note, "the other 6 ") != NULL);
        /* Every in-use revision is still described, cut or not. */
        CHECK(fakeio_count(&r.f, "ecs", "DescribeTaskDefinition") == NSVC);
        check_calls(&r.f);
    }
    done(&r);
}

static void test_deadline(void)
{
    struct run r;
    run(&r, rules(), COLLECT_SERVICE, "web", "prod", 0, (double)time(NULL) - 10);
    CHECK(r.rc == ERR_OK);
    if (r.ev) {
        CHECK_STR(status(r.ev, "ecs.services"), "skipped");
        CHECK_STR(pstr(r.ev, "/sources/ecs.services/reason"), "deadline");
        CHECK_STR(pstr(r.ev, "/sources/iam.roles/reason"), "deadline");
    }
    CHECK(cJSON_GetArraySize(r.f.log) == 0);
    done(&r);
}

int main(void)
{
    scenario = load("service.json");
    CHECK(scenario != NULL);
    if (!scenario)
        return test_done();
    CHECK(collect_graph_depth(COLLECT_SERVICE) == 5);
    test_service();
    test_no_redact();
    test_denied();
    test_facts_not_errors();
    test_not_found();
    test_batching();
    test_kinds();
    test_capacity();
    test_capacity_unknown();
    test_td_history_cut();
    test_deadline();
    cJSON_Delete(scenario);
    return test_done();
}

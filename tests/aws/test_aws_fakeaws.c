/* End-to-end: the aws client against tests/fakeaws (the project's fake AWS,
 * which checks every signature with botocore's signer and validates inputs
 * against botocore's models), with injected throttling and 5xx faults. */
#include "test.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/aws.h"
#include "util/buf.h"
#include "util/jsonx.h"

static pid_t server;

static int start_fake(const char *dir, int *port)
{
    const char *src = getenv("EDOC_SOURCE_DIR");
    char script[1024], scen[1024], pf[512], log[512];
    struct timespec ts = {0, 100 * 1000 * 1000};
    snprintf(script, sizeof script, "%s/tests/fakeaws/fakeaws-server", src ? src : ".");
    snprintf(scen, sizeof scen, "%s/tests/fakeaws/scenarios/healthy.json", src ? src : ".");
    snprintf(pf, sizeof pf, "%s/port", dir);
    snprintf(log, sizeof log, "%s/calls.jsonl", dir);
    if (access(script, R_OK) != 0)
        return 1;
    server = fork();
    if (server == 0) {
        execl("/usr/bin/python3", "python3", script, "--scenario", scen, "--port-file", pf,
              "--call-log", log, "--throttle-first", "2@ecs:DescribeClusters", "--error-first",
              "1@ec2:DescribeVpcs", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 150; i++) {
        FILE *f = fopen(pf, "r");
        if (f) {
            int ok = fscanf(f, "%d", port) == 1;
            fclose(f);
            if (ok && *port > 0)
                return 0;
        }
        nanosleep(&ts, NULL);
    }
    return -1;
}

static cJSON *call_ok(struct aws_client *c, const char *svc, const char *op, const char *params,
                      int flags)
{
    struct aws_result r;
    cJSON *body;
    aws_call(c, svc, op, params ? cJSON_Parse(params) : NULL, flags, &r);
    if (r.error.kind != ERR_OK)
        printf("# %s %s: %s HTTP %ld %s: %s\n", svc, op, err_str(r.error.kind), r.error.http_status,
               r.error.code, r.error.message);
    CHECK(r.error.kind == ERR_OK);
    body = r.body;
    r.body = NULL;
    return body;
}

static void run(struct aws_client *c)
{
    cJSON *b, *p;
    char params[2048], account[32], arn[256];
    struct err e;
    struct aws_result r;

    CHECK(aws_whoami(c, account, sizeof account, arn, sizeof arn, &e) == ERR_OK);
    CHECK_STR(account, "123456789012");

    /* Throttled twice by the fake, then answered: standard retries. */
    aws_call(c, "ecs", "DescribeClusters", cJSON_Parse("{\"clusters\":[\"prod\"]}"), 0, &r);
    CHECK(r.error.kind == ERR_OK);
    CHECK(r.attempts == 3);
    CHECK_STR(jsonx_str(jsonx_pointer(r.body, "/clusters/0"), "clusterName", NULL), "prod");
    aws_result_cleanup(&r);

    b = call_ok(c, "ecs", "DescribeServices", "{\"cluster\":\"prod\",\"services\":[\"web-service\"]}", 0);
    CHECK_STR(jsonx_str(jsonx_pointer(b, "/services/0"), "serviceName", NULL), "web-service");
    snprintf(params, sizeof params, "{\"taskDefinition\":\"%s\"}",
             jsonx_str(jsonx_pointer(b, "/services/0"), "taskDefinition", "x"));
    cJSON_Delete(b);
    b = call_ok(c, "ecs", "DescribeTaskDefinition", params, 0);
    CHECK(jsonx_pointer(b, "/taskDefinition/containerDefinitions/0") != NULL);
    cJSON_Delete(b);
    b = call_ok(c, "ecs", "ListServices", "{\"cluster\":\"prod\"}", AWS_CALL_PAGINATE);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(b, "serviceArns")) >= 1);
    cJSON_Delete(b);
    b = call_ok(c, "ecs", "ListTasks", "{\"cluster\":\"prod\",\"serviceName\":\"web-service\",\"maxResults\":1}",
                AWS_CALL_PAGINATE);
    {
        cJSON *arns = cJSON_GetObjectItem(b, "taskArns");
        CHECK(cJSON_GetArraySize(arns) >= 1);
        p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "cluster", "prod");
        cJSON_AddItemToObject(p, "tasks", cJSON_Duplicate(arns, 1));
        cJSON_Delete(b);
        aws_call(c, "ecs", "DescribeTasks", p, 0, &r);
        CHECK(r.error.kind == ERR_OK);
        CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "tasks")) >= 1);
        aws_result_cleanup(&r);
    }

    /* ELBv2 (Query/XML). */
    b = call_ok(c, "elbv2", "DescribeTargetGroups", NULL, AWS_CALL_PAGINATE);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(b, "TargetGroups")) >= 1);
    snprintf(params, sizeof params, "{\"TargetGroupArn\":\"%s\"}",
             jsonx_str(jsonx_pointer(b, "/TargetGroups/0"), "TargetGroupArn", "x"));
    cJSON_Delete(b);
    b = call_ok(c, "elbv2", "DescribeTargetHealth", params, 0);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(b, "TargetHealthDescriptions")) >= 1);
    cJSON_Delete(b);
    b = call_ok(c, "elbv2", "DescribeLoadBalancers", NULL, AWS_CALL_PAGINATE);
    CHECK_STR(jsonx_str(jsonx_pointer(b, "/LoadBalancers/0"), "LoadBalancerName", NULL), "prod-alb");
    cJSON_Delete(b);

    /* EC2 (its own Query dialect); the first DescribeVpcs answers 5xx. */
    aws_call(c, "ec2", "DescribeVpcs", NULL, AWS_CALL_PAGINATE, &r);
    CHECK(r.error.kind == ERR_OK);
    CHECK(r.attempts == 2);
    snprintf(params, sizeof params, "{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]}",
             jsonx_str(jsonx_pointer(r.body, "/vpcSet/0"), "vpcId", "x"));
    aws_result_cleanup(&r);
    b = call_ok(c, "ec2", "DescribeSubnets", params, AWS_CALL_PAGINATE);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(b, "subnetSet")) == 4);
    cJSON_Delete(b);
    b = call_ok(c, "ec2", "DescribeRouteTables", params, AWS_CALL_PAGINATE);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(b, "routeTableSet")) >= 2);
    cJSON_Delete(b);
    b = call_ok(c, "ec2", "DescribeSecurityGroups", NULL, AWS_CALL_PAGINATE);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(b, "securityGroupInfo")) >= 1);
    cJSON_Delete(b);
    cJSON_Delete(call_ok(c, "ec2", "DescribeNatGateways", NULL, AWS_CALL_PAGINATE));
    cJSON_Delete(call_ok(c, "ec2", "DescribeInternetGateways", NULL, AWS_CALL_PAGINATE));

    /* IAM (global endpoint, signed for us-east-1) and Logs, ECR (JSON). */
    b = call_ok(c, "iam", "GetRole", "{\"RoleName\":\"ecsTaskExecutionRole\"}", 0);
    CHECK(jsonx_pointer(b, "/Role/Arn") != NULL);
    {
        const cJSON *doc = jsonx_pointer(b, "/Role/AssumeRolePolicyDocument");
        char *dec = cJSON_IsString(doc) ? aws_url_decode(doc->valuestring) : NULL;
        cJSON *pol = dec ? cJSON_Parse(dec) : NULL;
        CHECK(pol != NULL && cJSON_GetObjectItem(pol, "Statement") != NULL);
        cJSON_Delete(pol);
        free(dec);
    }
    cJSON_Delete(b);
    b = call_ok(c, "iam", "ListAttachedRolePolicies", "{\"RoleName\":\"ecsTaskExecutionRole\"}", AWS_CALL_PAGINATE);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(b, "AttachedPolicies")) == 1);
    cJSON_Delete(b);
    b = call_ok(c, "logs", "DescribeLogGroups", NULL, AWS_CALL_PAGINATE);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(b, "logGroups")) >= 1);
    cJSON_Delete(b);
    b = call_ok(c, "ecr", "DescribeImages", "{\"repositoryName\":\"web-service\"}", AWS_CALL_PAGINATE);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(b, "imageDetails")) >= 1);
    cJSON_Delete(b);

    /* The remaining protocols' serialisers, validated against the models by
     * the fake: nested Query structures (CloudWatch), JSON services. */
    b = call_ok(c, "cloudwatch", "GetMetricData",
                "{\"MetricDataQueries\":[{\"Id\":\"cpu\",\"MetricStat\":{\"Metric\":{"
                "\"Namespace\":\"AWS/ECS\",\"MetricName\":\"CPUUtilization\",\"Dimensions\":["
                "{\"Name\":\"ClusterName\",\"Value\":\"prod\"},{\"Name\":\"ServiceName\","
                "\"Value\":\"web-service\"}]},\"Period\":60,\"Stat\":\"Average\"}}],"
                "\"StartTime\":\"2026-01-01T00:00:00Z\",\"EndTime\":\"2026-01-01T01:00:00Z\"}",
                AWS_CALL_PAGINATE);
    CHECK(cJSON_IsArray(cJSON_GetObjectItem(b, "MetricDataResults")));
    cJSON_Delete(b);
    cJSON_Delete(call_ok(c, "application-autoscaling", "DescribeScalableTargets",
                         "{\"ServiceNamespace\":\"ecs\"}", AWS_CALL_PAGINATE));
    cJSON_Delete(call_ok(c, "application-autoscaling", "DescribeScalingActivities",
                         "{\"ServiceNamespace\":\"ecs\",\"ResourceId\":\"service/prod/web-service\"}",
                         AWS_CALL_PAGINATE));
    cJSON_Delete(call_ok(c, "cloudtrail", "LookupEvents",
                         "{\"LookupAttributes\":[{\"AttributeKey\":\"ResourceName\","
                         "\"AttributeValue\":\"web-service\"}]}", AWS_CALL_PAGINATE));
    cJSON_Delete(call_ok(c, "ssm", "DescribeParameters", NULL, AWS_CALL_PAGINATE));
    cJSON_Delete(call_ok(c, "ecs", "DescribeCapacityProviders", NULL, 0));
    cJSON_Delete(call_ok(c, "ec2", "DescribeNetworkAcls", NULL, AWS_CALL_PAGINATE));
    cJSON_Delete(call_ok(c, "ec2", "DescribeVpcEndpoints", NULL, AWS_CALL_PAGINATE));
    b = call_ok(c, "logs", "FilterLogEvents", "{\"logGroupName\":\"/ecs/web-service\",\"limit\":5}",
                AWS_CALL_PAGINATE);
    CHECK(cJSON_IsArray(cJSON_GetObjectItem(b, "events")));
    cJSON_Delete(b);
    aws_call(c, "secretsmanager", "DescribeSecret", cJSON_Parse("{\"SecretId\":\"no-such-secret\"}"), 0, &r);
    CHECK(r.error.kind == ERR_NOT_FOUND);
    CHECK_STR(r.error.code, "ResourceNotFoundException");
    aws_result_cleanup(&r);

    /* A not-found error keeps its shape through the fake. */
    aws_call(c, "ecs", "DescribeServices",
             cJSON_Parse("{\"cluster\":\"no-such-cluster\",\"services\":[\"x\"]}"), 0, &r);
    CHECK(r.error.kind == ERR_NOT_FOUND);
    CHECK_STR(r.error.code, "ClusterNotFoundException");
    CHECK(r.error.request_id[0] != '\0');
    aws_result_cleanup(&r);
}

int main(void)
{
    char dir[] = "/tmp/edoc-fakeaws-XXXXXX", url[64], cmd[600];
    int port = 0, rc;
    struct aws_client *c = NULL;
    struct aws_options o;
    struct err e;
    if (!mkdtemp(dir))
        return 1;
    rc = start_fake(dir, &port);
    if (rc == 1) {
        printf("# note: tests/fakeaws not present: end-to-end test skipped\n");
        return test_done();
    }
    CHECK(rc == 0);
    if (rc != 0)
        goto out;
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    setenv("HOME", dir, 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_SESSION_TOKEN");
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLEFAKE00001", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "fake/secret/KEY/EXAMPLE+0000000000000", 1);
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("AWS_ENDPOINT_URL", url, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("EDOC_AWS_RETRY_BASE_MS", "20", 1);
    memset(&o, 0, sizeof o);
    CHECK(aws_client_new(&o, &c, &e) == ERR_OK);
    if (c)
        run(c);
    aws_client_free(c);
    c = NULL;

    /* The credential chain against the fake: a profile that assumes a role
     * from static keys; later calls are signed with the role's temporary
     * credentials, which the fake issued and now verifies. */
    {
        char cfg[600], cred[600];
        FILE *f;
        snprintf(cfg, sizeof cfg, "%s/config", dir);
        snprintf(cred, sizeof cred, "%s/credentials", dir);
        f = fopen(cred, "w");
        if (f) {
            fputs("[base]\naws_access_key_id = AKIDEXAMPLEFAKE00001\n"
                  "aws_secret_access_key = fake/secret/KEY/EXAMPLE+0000000000000\n", f);
            fclose(f);
        }
        f = fopen(cfg, "w");
        if (f) {
            fputs("[profile diag]\nregion = us-east-1\n"
                  "role_arn = arn:aws:iam::123456789012:role/web-service-task-role\n"
                  "source_profile = base\n", f);
            fclose(f);
        }
        setenv("AWS_CONFIG_FILE", cfg, 1);
        setenv("AWS_SHARED_CREDENTIALS_FILE", cred, 1);
        o.profile = "diag";
        CHECK(aws_client_new(&o, &c, &e) == ERR_OK);
        if (c) {
            char acct[32], who[256];
            CHECK(aws_whoami(c, acct, sizeof acct, who, sizeof who, &e) == ERR_OK);
            printf("# assumed identity: %s\n", who);
            CHECK(strstr(who, "assumed-role/web-service-task-role/") != NULL);
            cJSON_Delete(call_ok(c, "ecs", "DescribeClusters", "{\"clusters\":[\"prod\"]}", 0));
        }
        aws_client_free(c);
    }
out:
    if (server > 0) {
        kill(server, SIGTERM);
        waitpid(server, NULL, 0);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return test_done();
}

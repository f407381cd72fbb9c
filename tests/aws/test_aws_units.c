/* Unit tests for the pure parts of core/aws: the INI parser, endpoints and
 * partitions, xml2json, the Query/EC2 and JSON protocols, error mapping,
 * retry rules, the rate limiter, pagination merging, the allowlist (and its
 * agreement with docs/iam-policy.json), URL decoding and time parsing. */
#include "test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aws/allowlist.h"
#include "aws/aws.h"
#include "aws/config.h"
#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/paginate.h"
#include "aws/proto_json.h"
#include "aws/proto_query.h"
#include "aws/ratelimit.h"
#include "aws/retry.h"
#include "aws/xml2json.h"
#include "util/jsonx.h"

static void test_config(void)
{
    struct config *c = NULL;
    struct err e;
    const char *text = "# comment\n"
                       "; another\n"
                       "[default]\n"
                       "region = eu-west-1\n"
                       "  \n"
                       "[profile   prod]\n"
                       "  role_arn=arn:aws:iam::1:role/x  \n"
                       "s3 =\n"
                       "  max_concurrent_requests = 10\n"
                       "  addressing_style = path\n"
                       "region = us-east-1\n"
                       "[services local]\n"
                       "ecs =\n"
                       "  endpoint_url = http://127.0.0.1:1\n";
    CHECK(config_parse(text, "cfg", &c, &e) == ERR_OK);
    CHECK_STR(config_get(c, "default", "region"), "eu-west-1");
    CHECK_STR(config_get(c, "profile prod", "role_arn"), "arn:aws:iam::1:role/x");
    CHECK_STR(config_get(c, "profile prod", "region"), "us-east-1");
    CHECK_STR(config_get(c, "profile prod", "s3.max_concurrent_requests"), "10");
    CHECK_STR(config_get(c, "profile prod", "s3"), "");
    CHECK_STR(config_get(c, "services local", "ecs.endpoint_url"), "http://127.0.0.1:1");
    CHECK(config_get(c, "profile prod", "max_concurrent_requests") == NULL);
    CHECK(config_has_section(c, "profile prod"));
    CHECK(!config_has_section(c, "prod"));
    config_free(c);

    CHECK(config_parse("[a]\nthis is not a pair\n", "f.ini", &c, &e) == ERR_CONFIG);
    CHECK_STR(e.msg, "f.ini:2: expected 'key = value' or '[section]'");
    CHECK(c == NULL);
    CHECK(config_parse("k = v\n", "f.ini", &c, &e) == ERR_CONFIG);
    CHECK_STR(e.msg, "f.ini:1: 'key = value' before any [section]");
    CHECK(config_parse("[a\n", "f.ini", &c, &e) == ERR_CONFIG);
    CHECK_STR(e.msg, "f.ini:1: section header without closing ']'");
    CHECK(config_parse("[a]\n = v\n", "f.ini", &c, &e) == ERR_CONFIG);
    CHECK(config_parse("", "f.ini", &c, &e) == ERR_OK);
    config_free(c);
}

static void test_endpoints(void)
{
    struct endpoint ep;
    struct err e;
    struct config *cfg = NULL;
    const char *names[] = {"ecs", "elbv2", "ec2", "iam", "sts", "logs", "ecr", "secretsmanager",
                           "ssm", "application-autoscaling", "cloudtrail", "cloudwatch"};
    const char *hosts[] = {"ecs.eu-west-1.amazonaws.com", "elasticloadbalancing.eu-west-1.amazonaws.com",
                           "ec2.eu-west-1.amazonaws.com", "iam.amazonaws.com",
                           "sts.eu-west-1.amazonaws.com", "logs.eu-west-1.amazonaws.com",
                           "api.ecr.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com",
                           "ssm.eu-west-1.amazonaws.com",
                           "application-autoscaling.eu-west-1.amazonaws.com",
                           "cloudtrail.eu-west-1.amazonaws.com", "monitoring.eu-west-1.amazonaws.com"};
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_ECS");
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const struct aws_service *s = endpoint_service(names[i]);
        CHECK(s != NULL);
        if (!s)
            continue;
        CHECK(endpoint_resolve(s, "eu-west-1", NULL, NULL, NULL, &ep, &e) == ERR_OK);
        CHECK_STR(ep.host, hosts[i]);
        CHECK_STR(ep.path, "/");
    }
    CHECK(endpoint_resolve(endpoint_service("iam"), "eu-west-1", NULL, NULL, NULL, &ep, &e) == ERR_OK);
    CHECK_STR(ep.sign_region, "us-east-1");
    CHECK_STR(ep.url, "https://iam.amazonaws.com");
    CHECK(endpoint_resolve(endpoint_service("iam"), "cn-north-1", NULL, NULL, NULL, &ep, &e) == ERR_OK);
    CHECK_STR(ep.host, "iam.cn-north-1.amazonaws.com.cn");
    CHECK_STR(ep.sign_region, "cn-north-1");
    CHECK(endpoint_resolve(endpoint_service("iam"), "us-gov-east-1", NULL, NULL, NULL, &ep, &e) == ERR_OK);
    CHECK_STR(ep.host, "iam.us-gov.amazonaws.com");
    CHECK_STR(ep.sign_region, "us-gov-west-1");
    CHECK(endpoint_resolve(endpoint_service("ecs"), "cn-northwest-1", NULL, NULL, NULL, &ep, &e) == ERR_OK);
    CHECK_STR(ep.host, "ecs.cn-northwest-1.amazonaws.com.cn");
    CHECK(endpoint_resolve(endpoint_service("sts"), "us-gov-west-1", NULL, NULL, NULL, &ep, &e) == ERR_OK);
    CHECK_STR(ep.host, "sts.us-gov-west-1.amazonaws.com");
    CHECK_STR(endpoint_partition("cn-north-1"), "aws-cn");
    CHECK_STR(endpoint_partition("us-gov-west-1"), "aws-us-gov");
    CHECK_STR(endpoint_partition("eu-west-1"), "aws");

    /* Precedence: cli > service env > global env > services section > profile. */
    CHECK(config_parse("[profile p]\nendpoint_url = http://cfg-global:1\nservices = s\n"
                       "[services s]\necs =\n  endpoint_url = http://cfg-ecs:2/base\n",
                       "cfg", &cfg, &e) == ERR_OK);
    CHECK(endpoint_resolve(endpoint_service("ecs"), "eu-west-1", NULL, cfg, "profile p", &ep, &e) == ERR_OK);
    CHECK_STR(ep.url, "http://cfg-ecs:2/base");
    CHECK_STR(ep.host, "cfg-ecs:2");
    CHECK_STR(ep.path, "/base/");
    CHECK(endpoint_resolve(endpoint_service("ec2"), "eu-west-1", NULL, cfg, "profile p", &ep, &e) == ERR_OK);
    CHECK_STR(ep.host, "cfg-global:1");
    CHECK_STR(ep.sign_region, "eu-west-1");
    setenv("AWS_ENDPOINT_URL", "http://env-global:3", 1);
    CHECK(endpoint_resolve(endpoint_service("ecs"), "eu-west-1", NULL, cfg, "profile p", &ep, &e) == ERR_OK);
    CHECK_STR(ep.host, "env-global:3");
    setenv("AWS_ENDPOINT_URL_ECS", "http://env-ecs:4/", 1);
    CHECK(endpoint_resolve(endpoint_service("ecs"), "eu-west-1", NULL, cfg, "profile p", &ep, &e) == ERR_OK);
    CHECK_STR(ep.host, "env-ecs:4");
    CHECK_STR(ep.url, "http://env-ecs:4");
    CHECK(endpoint_resolve(endpoint_service("ecs"), "eu-west-1", "https://cli:5", cfg, "profile p", &ep, &e) == ERR_OK);
    CHECK_STR(ep.host, "cli:5");
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    CHECK(endpoint_resolve(endpoint_service("ecs"), "eu-west-1", NULL, cfg, "profile p", &ep, &e) == ERR_OK);
    CHECK_STR(ep.host, "ecs.eu-west-1.amazonaws.com");
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    CHECK(endpoint_resolve(endpoint_service("ecs"), "eu-west-1", "ftp://x", NULL, NULL, &ep, &e) == ERR_CONFIG);
    CHECK(endpoint_resolve(endpoint_service("ecs"), "", NULL, NULL, NULL, &ep, &e) == ERR_CONFIG);
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_ECS");
    config_free(cfg);
}

static void test_xml2json(void)
{
    struct err e;
    const char *xml = "<?xml version=\"1.0\"?><R xmlns=\"urn:x\"><a>1</a><list><member><n>x</n></member>"
                      "<member><n>y</n></member></list><items><item>i1</item></items><emptySet/>"
                      "<empty/><rep>1</rep><rep>2</rep><nested><deep><v>&amp;&lt;</v></deep></nested></R>";
    cJSON *j = xml2json_parse(xml, strlen(xml), &e), *r;
    char deep[4096] = "";
    CHECK(j != NULL);
    r = cJSON_GetObjectItem(j, "R");
    CHECK_STR(jsonx_str(r, "a", NULL), "1");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(r, "list")) == 2);
    CHECK_STR(jsonx_str(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "list"), 1), "n", NULL), "y");
    CHECK(cJSON_IsArray(cJSON_GetObjectItem(r, "items")));
    CHECK(cJSON_IsArray(cJSON_GetObjectItem(r, "emptySet")) &&
          cJSON_GetArraySize(cJSON_GetObjectItem(r, "emptySet")) == 0);
    CHECK_STR(jsonx_str(r, "empty", NULL), "");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(r, "rep")) == 2);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "nested"), "deep"), "v")->valuestring, "&<");
    cJSON_Delete(j);
    CHECK(xml2json_parse("<a><b></a>", 10, &e) == NULL);
    CHECK(e.code == ERR_PARSE);
    CHECK(strstr(e.msg, "xml:1:") != NULL);
    for (int i = 0; i < 100; i++)
        strcat(deep, "<d>");
    CHECK(xml2json_parse(deep, strlen(deep), &e) == NULL);
    CHECK(e.code == ERR_LIMIT);
    CHECK(xml2json_parse("", 0, &e) == NULL);
    {
        /* No DOCTYPE, hence no entity: refused before a single one expands. */
        static const char *const refused[] = {
            "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><r>&b;&b;</r>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r><r>x</r>",
            "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r>x</r>",
            "<!DOCTYPE r [<!ENTITY % p \"x\">]><r/>",
        };
        for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
            CHECK(xml2json_parse(refused[i], strlen(refused[i]), &e) == NULL);
            CHECK(e.code == ERR_REFUSED);
            CHECK(strstr(e.msg, "DOCTYPE refused") != NULL);
        }
        /* Predefined and numeric references still decode. */
        j = xml2json_parse("<r>&amp;&#65;&#x42;</r>", strlen("<r>&amp;&#65;&#x42;</r>"), &e);
        CHECK_STR(jsonx_str(j, "r", NULL), "&AB");
        cJSON_Delete(j);
        /* The answer's text is capped as a whole, across elements. */
        j = xml2json_parse_max("<r><a>12345</a><b>67890</b></r>", 31, 10, &e);
        CHECK(j != NULL);
        cJSON_Delete(j);
        CHECK(xml2json_parse_max("<r><a>12345</a><b>67890</b><c>1</c></r>", 39, 10, &e) == NULL);
        CHECK(e.code == ERR_LIMIT);
        CHECK(strstr(e.msg, "more than 10 bytes of text") != NULL);
    }
    {
        /* A wide object is refused (quadratic conversion), a long list is not. */
        struct buf w, l;
        buf_init(&w, 0);
        buf_init(&l, 0);
        buf_puts(&w, "<r>");
        buf_puts(&l, "<r>");
        for (int i = 0; i < 5000; i++) {
            buf_printf(&w, "<k%d>v</k%d>", i, i);
            buf_puts(&l, "<member>v</member>");
        }
        buf_puts(&w, "</r>");
        buf_puts(&l, "</r>");
        CHECK(xml2json_parse(w.data, w.len, &e) == NULL);
        CHECK(e.code == ERR_LIMIT);
        j = xml2json_parse(l.data, l.len, &e);
        CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "r")) == 5000);
        cJSON_Delete(j);
        buf_cleanup(&w);
        buf_cleanup(&l);
    }
}

static void test_query(void)
{
    struct buf b;
    cJSON *p = cJSON_Parse("{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"vpc-1\",\"vpc 2\"]}],"
                           "\"SubnetIds\":[\"subnet-1\",\"subnet-2\"],\"GroupIds\":[\"sg-1\"],"
                           "\"VpcEndpointIds\":[\"vpce-1\"],\"NatGatewayIds\":[\"nat-1\"],"
                           "\"RouteTableIds\":[\"rtb-1\"],\"DryRun\":false,\"MaxResults\":5}");
    buf_init(&b, 0);
    CHECK(proto_query_build(endpoint_service("ec2"), "DescribeSubnets", p, &b) == ERR_OK);
    CHECK_STR(b.data, "Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=vpc-id"
                      "&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc%202&SubnetId.1=subnet-1"
                      "&SubnetId.2=subnet-2&GroupId.1=sg-1&VpcEndpointId.1=vpce-1"
                      "&NatGatewayId.1=nat-1&RouteTableId.1=rtb-1&DryRun=false&MaxResults=5");
    cJSON_Delete(p);
    buf_reset(&b);
    p = cJSON_Parse("{\"TargetGroupArns\":[\"arn:aws:x/a\",\"b\"],\"PageSize\":10,"
                    "\"Targets\":[{\"Id\":\"i-1\",\"Port\":80}],\"Empty\":[],\"S\":{\"A\":true}}");
    CHECK(proto_query_build(endpoint_service("elbv2"), "DescribeTargetGroups", p, &b) == ERR_OK);
    CHECK_STR(b.data, "Action=DescribeTargetGroups&Version=2015-12-01&TargetGroupArns.member.1="
                      "arn%3Aaws%3Ax%2Fa&TargetGroupArns.member.2=b&PageSize=10"
                      "&Targets.member.1.Id=i-1&Targets.member.1.Port=80&Empty=&S.A=true");
    cJSON_Delete(p);
    buf_reset(&b);
    CHECK(proto_query_build(endpoint_service("cloudwatch"), "GetMetricData", NULL, &b) == ERR_OK);
    CHECK_STR(b.data, "Action=GetMetricData&Version=2010-08-01");
    buf_cleanup(&b);
    CHECK_STR(proto_query_ec2_name("InternetGatewayIds"), "InternetGatewayId");
    CHECK_STR(proto_query_ec2_name("Other"), "Other");
}

static void test_parse(void)
{
    struct aws_error err;
    cJSON *out;
    const char *ok = "<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups>"
                     "<member><TargetGroupArn>a</TargetGroupArn></member></TargetGroups>"
                     "</DescribeTargetGroupsResult><ResponseMetadata><RequestId>rid-1</RequestId>"
                     "</ResponseMetadata></DescribeTargetGroupsResponse>";
    const char *qerr = "<ErrorResponse><Error><Type>Sender</Type><Code>TargetGroupNotFound</Code>"
                       "<Message>nope</Message></Error><RequestId>rid-2</RequestId></ErrorResponse>";
    const char *ec2ok = "<DescribeVpcsResponse><requestId>ec2-rid</requestId><vpcSet><item><vpcId>v"
                        "</vpcId></item></vpcSet></DescribeVpcsResponse>";
    const char *ec2err = "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no"
                         "</Message></Error></Errors><RequestID>ec2-rid-2</RequestID></Response>";
    memset(&err, 0, sizeof err);
    CHECK(proto_query_parse(endpoint_service("elbv2"), "DescribeTargetGroups", 200, ok, strlen(ok),
                            &out, &err) == ERR_OK);
    CHECK_STR(err.request_id, "rid-1");
    CHECK_STR(jsonx_str(cJSON_GetArrayItem(cJSON_GetObjectItem(out, "TargetGroups"), 0),
                        "TargetGroupArn", NULL), "a");
    cJSON_Delete(out);
    memset(&err, 0, sizeof err);
    CHECK(proto_query_parse(endpoint_service("elbv2"), "DescribeTargetHealth", 400, qerr,
                            strlen(qerr), &out, &err) == ERR_NOT_FOUND);
    CHECK_STR(err.code, "TargetGroupNotFound");
    CHECK_STR(err.message, "nope");
    CHECK_STR(err.request_id, "rid-2");
    CHECK(err.http_status == 400);
    memset(&err, 0, sizeof err);
    CHECK(proto_query_parse(endpoint_service("ec2"), "DescribeVpcs", 200, ec2ok, strlen(ec2ok),
                            &out, &err) == ERR_OK);
    CHECK_STR(err.request_id, "ec2-rid");
    CHECK(cJSON_GetObjectItem(out, "requestId") == NULL);
    CHECK_STR(jsonx_str(cJSON_GetArrayItem(cJSON_GetObjectItem(out, "vpcSet"), 0), "vpcId", NULL), "v");
    cJSON_Delete(out);
    memset(&err, 0, sizeof err);
    CHECK(proto_query_parse(endpoint_service("ec2"), "DescribeVpcs", 400, ec2err, strlen(ec2err),
                            &out, &err) == ERR_DENIED);
    CHECK_STR(err.code, "UnauthorizedOperation");
    CHECK_STR(err.request_id, "ec2-rid-2");
    memset(&err, 0, sizeof err);
    CHECK(proto_query_parse(endpoint_service("ec2"), "DescribeVpcs", 200, "<trunc", 6, &out, &err) == ERR_PARSE);

    memset(&err, 0, sizeof err);
    {
        const char *j1 = "{\"__type\":\"com.amazonaws.ecs#ClusterNotFoundException\",\"message\":\"Cluster not found.\"}";
        CHECK(proto_json_parse("DescribeServices", 400, j1, strlen(j1), NULL, &out, &err) == ERR_NOT_FOUND);
    }
    CHECK_STR(err.code, "ClusterNotFoundException");
    CHECK_STR(err.message, "Cluster not found.");
    memset(&err, 0, sizeof err);
    {
        const char *j2 = "{\"__type\":\"AccessDeniedException\",\"Message\":\"no\"}";
        CHECK(proto_json_parse("DescribeServices", 400, j2, strlen(j2), NULL, &out, &err) == ERR_DENIED);
    }
    CHECK_STR(err.message, "no");
    memset(&err, 0, sizeof err);
    CHECK(proto_json_parse("DescribeServices", 400, "", 0, "ThrottlingException:http://internal.amazon.com/coral/", &out,
                           &err) == ERR_THROTTLED);
    CHECK_STR(err.code, "ThrottlingException");
    memset(&err, 0, sizeof err);
    CHECK(proto_json_parse("DescribeServices", 200, "{\"a\":", 5, NULL, &out, &err) == ERR_PARSE);
    CHECK(proto_json_parse("DescribeServices", 200, "", 0, NULL, &out, &err) == ERR_OK);
    CHECK(cJSON_IsObject(out));
    cJSON_Delete(out);
}

static void test_retry(void)
{
    struct aws_error e;
    struct retry_quota q;
    const char *throttles[] = {"Throttling", "ThrottlingException", "ThrottledException",
                               "RequestThrottledException", "TooManyRequestsException",
                               "ProvisionedThroughputExceededException",
                               "TransactionInProgressException", "RequestLimitExceeded",
                               "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
                               "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException"};
    for (size_t i = 0; i < sizeof throttles / sizeof throttles[0]; i++) {
        memset(&e, 0, sizeof e);
        e.kind = ERR_THROTTLED;
        e.http_status = 400;
        snprintf(e.code, sizeof e.code, "%s", throttles[i]);
        CHECK(retry_classify(&e) == RETRY_THROTTLE);
        CHECK(retry_error_kind(throttles[i]) == ERR_THROTTLED);
    }
    memset(&e, 0, sizeof e);
    e.kind = ERR_AWS;
    e.http_status = 503;
    CHECK(retry_classify(&e) == RETRY_TRANSIENT);
    e.http_status = 400;
    snprintf(e.code, sizeof e.code, "RequestTimeout");
    CHECK(retry_classify(&e) == RETRY_TRANSIENT);
    snprintf(e.code, sizeof e.code, "ValidationException");
    CHECK(retry_classify(&e) == RETRY_NO);
    e.kind = ERR_TIMEOUT;
    CHECK(retry_classify(&e) == RETRY_TIMEOUT);
    e.kind = ERR_NETWORK;
    CHECK(retry_classify(&e) == RETRY_TRANSIENT);
    CHECK(retry_error_kind("AccessDenied") == ERR_DENIED);
    CHECK(retry_error_kind("UnauthorizedAccess") == ERR_DENIED);
    CHECK(retry_error_kind("AuthorizationError") == ERR_DENIED);
    CHECK(retry_error_kind("InvalidSubnetID.NotFound") == ERR_NOT_FOUND);
    CHECK(retry_error_kind("NoSuchEntity") == ERR_NOT_FOUND);
    CHECK(retry_error_kind("InvalidParameterException") == ERR_AWS);
    CHECK(retry_backoff_ms(1, 0.5, 100) == 50);
    CHECK(retry_backoff_ms(3, 1.0, 100) == 400);
    CHECK(retry_backoff_ms(20, 0.99, 100) == RETRY_MAX_BACKOFF_MS);
    retry_quota_init(&q);
    CHECK(retry_quota_acquire(&q, RETRY_THROTTLE) == 5);
    CHECK(retry_quota_acquire(&q, RETRY_TIMEOUT) == 10);
    CHECK(q.tokens == 485);
    retry_quota_success(&q, 15);
    CHECK(q.tokens == 500);
    retry_quota_success(&q, 0);
    CHECK(q.tokens == 500);
    q.tokens = 4;
    CHECK(retry_quota_acquire(&q, RETRY_TRANSIENT) == 0);
}

static void test_ratelimit(void)
{
    struct ratelimit r;
    int taken = 0;
    ratelimit_init(&r);
    for (int i = 0; i < 120; i++)
        taken += ratelimit_take(&r, "ecs", "DescribeTasks", 100.0) == 0;
    CHECK(taken == 90); /* ECS cluster resource reads: bucket 100, 10% headroom */
    /* ListTasks shares DescribeTasks's category bucket: now empty too. */
    CHECK(ratelimit_take(&r, "ecs", "ListTasks", 100.0) > 0.04);
    CHECK(ratelimit_take(&r, "ecs", "DescribeTasks", 100.1) == 0); /* 20/s refill: 2 tokens */
    /* Another category has its own bucket. */
    CHECK(ratelimit_take(&r, "ecs", "DescribeServices", 100.1) == 0);
    /* EC2: each action its own bucket of 100 (90 used). */
    for (int i = 0; i < 90; i++)
        CHECK(ratelimit_take(&r, "ec2", "DescribeSubnets", 100.0) == 0);
    CHECK(ratelimit_take(&r, "ec2", "DescribeSubnets", 100.0) > 0);
    CHECK(ratelimit_take(&r, "ec2", "DescribeRouteTables", 100.0) == 0);
    CHECK(ratelimit_take(&r, "cloudtrail", "LookupEvents", 5.0) == 0);
    CHECK(ratelimit_take(&r, "cloudtrail", "LookupEvents", 5.0) == 0);
    CHECK(ratelimit_take(&r, "cloudtrail", "LookupEvents", 5.0) > 0.4);
    ratelimit_set(&r, "ecs", "", 0, 0); /* disabled, categories included */
    CHECK(ratelimit_take(&r, "ecs", "DescribeTasks", 100.1) == 0);
    CHECK(ratelimit_take(&r, "ecs", "ListTasks", 100.1) == 0);
    {
        /* Adaptive: a throttle cuts the rate to 70% and the burst to one
         * second of it; successes bring it back to the configured rate. */
        struct ratelimit a;
        int n = 0;
        ratelimit_init(&a);
        ratelimit_throttled(&a, "ecs", "DescribeServices");
        for (int i = 0; i < 100; i++)
            n += ratelimit_take(&a, "ecs", "ListServices", 300.0) == 0;
        CHECK(n == 14); /* the shared bucket: 14 tokens (20 * 0.7), not 90 */
        CHECK(fabs(ratelimit_take(&a, "ecs", "DescribeServices", 300.0) - 1.0 / 14.0) < 1e-9);
        for (int i = 0; i < 30; i++)
            ratelimit_throttled(&a, "ecs", "DescribeServices");
        CHECK(fabs(ratelimit_take(&a, "ecs", "DescribeServices", 300.0) - 1.0 / RATELIMIT_MIN_RATE) < 1e-9);
        for (int i = 0; i < 19; i++)
            ratelimit_success(&a, "ecs", "DescribeServices");
        CHECK(fabs(ratelimit_take(&a, "ecs", "DescribeServices", 300.0) - 1.0 / 19.5) < 1e-9);
        ratelimit_success(&a, "ecs", "DescribeServices");
        CHECK(fabs(ratelimit_take(&a, "ecs", "DescribeServices", 300.0) - 1.0 / 20.0) < 1e-9);
        /* Other buckets are untouched; the full burst returns with the rate. */
        CHECK(ratelimit_take(&a, "ecs", "DescribeTasks", 300.0) == 0);
        CHECK(ratelimit_take(&a, "ecs", "DescribeServices", 400.0) == 0);
        n = 1;
        for (int i = 0; i < 200; i++)
            n += ratelimit_take(&a, "ecs", "DescribeServices", 400.0) == 0;
        CHECK(n == 90);
        /* A disabled bucket stays disabled. */
        ratelimit_set(&a, "ecs", "", 0, 0);
        ratelimit_throttled(&a, "ecs", "DescribeServices");
        CHECK(ratelimit_take(&a, "ecs", "DescribeServices", 400.0) == 0);
    }
    ratelimit_set(&r, "ecs", "DescribeTasks,ListTasks", 1, 1); /* a shared bucket */
    CHECK(ratelimit_take(&r, "ecs", "ListTasks", 200.0) == 0);
    CHECK(ratelimit_take(&r, "ecs", "DescribeTasks", 200.0) > 0.5);
}

static void test_paginate(void)
{
    const struct paginate_spec *s = paginate_find("elbv2", "DescribeTargetGroups");
    cJSON *acc = cJSON_Parse("{\"TargetGroups\":[{\"n\":1}],\"NextMarker\":\"m2\"}");
    cJSON *p2 = cJSON_Parse("{\"TargetGroups\":[{\"n\":2},{\"n\":3}]}");
    cJSON *params = cJSON_CreateObject();
    CHECK(s != NULL);
    CHECK_STR(paginate_next_token(s, acc), "m2");
    CHECK(paginate_merge(s, acc, p2) == 3);
    CHECK(paginate_next_token(s, acc) == NULL);
    paginate_truncate(s, acc, 2);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(acc, "TargetGroups")) == 2);
    paginate_set_token(s, params, "m9");
    paginate_set_token(s, params, "m10");
    CHECK_STR(jsonx_str(params, "Marker", NULL), "m10");
    cJSON_Delete(p2);
    cJSON_Delete(acc);
    cJSON_Delete(params);
    s = paginate_find("iam", "ListRolePolicies");
    acc = cJSON_Parse("{\"PolicyNames\":\"\",\"IsTruncated\":\"false\",\"Marker\":\"x\"}");
    CHECK(paginate_normalise(s, acc) == 0);
    CHECK(cJSON_IsArray(cJSON_GetObjectItem(acc, "PolicyNames")));
    CHECK(paginate_next_token(s, acc) == NULL); /* IsTruncated false wins over Marker */
    cJSON_Delete(acc);
    CHECK(paginate_find("ec2", "DescribeSubnets") != NULL);
    CHECK_STR(paginate_find("ec2", "DescribeSecurityGroups")->results[0], "securityGroupInfo");
    CHECK(paginate_find("ecs", "DescribeTasks") == NULL);
}

static void test_allowlist_policy(void)
{
    const char *src = getenv("EDOC_SOURCE_DIR");
    char path[1024], act[160];
    struct err e;
    cJSON *pol, *actions;
    size_t n, in_policy = 0;
    const struct allowlist_entry *all = allowlist_entries(&n);
    snprintf(path, sizeof path, "%s/docs/iam-policy.json", src ? src : ".");
    pol = jsonx_load_file(path, 0, &e);
    CHECK(pol != NULL);
    if (!pol) {
        printf("# %s\n", e.msg);
        return;
    }
    actions = jsonx_pointer(pol, "/Statement/0/Action");
    CHECK(cJSON_IsArray(actions));
    /* Every allowlisted operation is in the policy, and nothing else is. */
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        cJSON *a;
        aws_iam_action(all[i].service, all[i].operation, act, sizeof act);
        cJSON_ArrayForEach(a, actions) found |= cJSON_IsString(a) && strcmp(a->valuestring, act) == 0;
        if (found != all[i].in_policy)
            printf("# policy mismatch: %s\n", act);
        CHECK(found == all[i].in_policy);
        in_policy += all[i].in_policy;
    }
    CHECK((size_t)cJSON_GetArraySize(actions) == in_policy);
    CHECK_STR(jsonx_str(jsonx_pointer(pol, "/Statement/0"), "Effect", NULL), "Allow");
    cJSON_Delete(pol);
    CHECK(allowlist_allows("ecs", "DescribeServices"));
    CHECK(!allowlist_allows("ecs", "UpdateService"));
    CHECK(!allowlist_allows("ec2", "TerminateInstances"));
    CHECK(!allowlist_allows("iam", "PutRolePolicy"));
    CHECK_STR(aws_iam_action("elbv2", "DescribeTargetHealth", act, sizeof act),
              "elasticloadbalancing:DescribeTargetHealth");
    CHECK_STR(aws_iam_action("cloudwatch", "GetMetricData", act, sizeof act), "cloudwatch:GetMetricData");
    CHECK_STR(aws_iam_action("ecr", "DescribeImages", act, sizeof act), "ecr:DescribeImages");
}

static void test_misc(void)
{
    char *d = aws_url_decode("%7B%22Version%22%3A%20%222012-10-17%22%7D+%zz");
    CHECK_STR(d, "{\"Version\": \"2012-10-17\"}+%zz");
    free(d);
    CHECK(aws_url_decode(NULL) == NULL);
    CHECK(creds_parse_time("1970-01-01T00:00:10Z") == 10);
    CHECK(creds_parse_time("2024-03-15T10:15:02Z") == 1710497702);
    CHECK(creds_parse_time("2024-03-15T10:15:02.123+01:00") == 1710497702 - 3600);
    CHECK(creds_parse_time("yesterday") < 0);
}

int main(void)
{
    test_config();
    test_endpoints();
    test_xml2json();
    test_query();
    test_parse();
    test_retry();
    test_ratelimit();
    test_paginate();
    test_allowlist_policy();
    test_misc();
    return test_done();
}

/* Unit tests of core/analysis/iam_eval: every evaluation rule on small
 * hand-written role documents shaped like docs/evidence.md's iam.roles. */
#include <stdlib.h>
#include <string.h>

#include "analysis/iam_eval.h"
#include "ecs_doctor/plugin.h"
#include "test.h"

static const char *ROLES =
    "{\"iam\":{\"roles\":{"
    /* Managed ECR policy + an inline secrets policy with a Deny on one secret. */
    "\"execRole\":{\"RoleName\":\"execRole\","
    " \"AssumeRolePolicyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "   \"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]},"
    " \"AttachedPolicies\":[{\"PolicyName\":\"AmazonECSTaskExecutionRolePolicy\","
    "   \"PolicyArn\":\"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy\","
    "   \"Document\":{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":["
    "     \"ecr:GetAuthorizationToken\",\"ecr:BatchCheckLayerAvailability\",\"ecr:GetDownloadUrlForLayer\","
    "     \"ecr:BatchGetImage\",\"logs:CreateLogStream\",\"logs:PutLogEvents\"],\"Resource\":\"*\"}]}}],"
    " \"InlinePolicies\":[{\"PolicyName\":\"secrets\",\"Document\":{\"Statement\":["
    "   {\"Sid\":\"ReadAppSecrets\",\"Effect\":\"Allow\",\"Action\":\"secretsmanager:GetSecretValue\","
    "    \"Resource\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-??????\"},"
    "   {\"Effect\":\"Deny\",\"Action\":\"secretsmanager:*\","
    "    \"Resource\":[\"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/root-*\","
    "     \"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-LOCKED\"]}]}}]},"
    /* Statement as a single object, NotAction / NotResource, Conditions. */
    "\"oddRole\":{\"RoleName\":\"oddRole\","
    " \"AssumeRolePolicyDocument\":{\"Statement\":{\"Effect\":\"Allow\","
    "   \"Principal\":{\"Service\":[\"ec2.amazonaws.com\",\"ECS-TASKS.amazonaws.com\"]},\"Action\":[\"sts:AssumeRole\"]}},"
    " \"AttachedPolicies\":[{\"PolicyName\":\"notaction\",\"Document\":{\"Statement\":"
    "   {\"Sid\":\"AllButIam\",\"Effect\":\"Allow\",\"NotAction\":[\"iam:*\",\"kms:*\"],\"NotResource\":\"arn:aws:s3:::private-*\"}}}],"
    " \"InlinePolicies\":[{\"PolicyName\":\"cond\",\"Document\":{\"Statement\":["
    "   {\"Sid\":\"KmsViaSM\",\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
    "    \"Condition\":{\"StringEquals\":{\"kms:ViaService\":\"secretsmanager.us-east-1.amazonaws.com\"}}},"
    "   {\"Effect\":\"Deny\",\"Action\":\"ssm:GetParameters\",\"Resource\":\"*\","
    "    \"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}}]},"
    /* A role whose managed policy document could not be fetched. */
    "\"partialRole\":{\"RoleName\":\"partialRole\",\"AssumeRolePolicyDocument\":{\"Statement\":[{\"Effect\":\"Allow\","
    "   \"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]},"
    " \"AttachedPolicies\":[{\"PolicyName\":\"Unfetched\",\"PolicyArn\":\"arn:aws:iam::123456789012:policy/Unfetched\"}],"
    " \"InlinePolicies\":[]},"
    "\"denyTrust\":{\"RoleName\":\"denyTrust\",\"AssumeRolePolicyDocument\":{\"Statement\":["
    "   {\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:*\"},"
    "   {\"Sid\":\"NoEcs\",\"Effect\":\"Deny\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}}"
    "}}}";

static int eval(const cJSON *ev, const char *role, const char *action, const char *res, char *why)
{
    return iam_eval(ev, role, action, res, why, 512);
}

int main(void)
{
    cJSON *ev = cJSON_Parse(ROLES);
    char why[512];
    const char *secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-AbCdEf";

    CHECK(ev != NULL);
    if (!ev)
        return test_done();

    /* Allow from a managed policy; actions are case-insensitive. */
    CHECK(eval(ev, "execRole", "ecr:GetAuthorizationToken", "*", why) == EDOC_IAM_ALLOWED);
    CHECK(strstr(why, "AmazonECSTaskExecutionRolePolicy statement #0") != NULL);
    CHECK(eval(ev, "execRole", "ECR:batchgetimage",
               "arn:aws:ecr:us-east-1:123456789012:repository/app", why) == EDOC_IAM_ALLOWED);

    /* Implicit deny: the managed policy does not cover secrets in general. */
    CHECK(eval(ev, "execRole", "ssm:GetParameters",
               "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db", why) == EDOC_IAM_IMPLICIT_DENY);
    CHECK(strstr(why, "no statement in the 2 policies of role execRole allows ssm:GetParameters") != NULL);

    /* Resource wildcards: '?' matches one character, exactly six here. */
    CHECK(eval(ev, "execRole", "secretsmanager:GetSecretValue", secret, why) == EDOC_IAM_ALLOWED);
    CHECK(strstr(why, "policy secrets statement \"ReadAppSecrets\"") != NULL);
    CHECK(eval(ev, "execRole", "secretsmanager:GetSecretValue",
               "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-AbCdE", why) ==
          EDOC_IAM_IMPLICIT_DENY);
    /* Resources are case-sensitive. */
    CHECK(eval(ev, "execRole", "secretsmanager:GetSecretValue",
               "arn:aws:secretsmanager:us-east-1:123456789012:secret:PROD/app-AbCdEf", why) ==
          EDOC_IAM_IMPLICIT_DENY);

    /* Explicit Deny wins over a matching Allow, and names the deny statement. */
    CHECK(eval(ev, "execRole", "secretsmanager:GetSecretValue",
               "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-LOCKED", why) ==
          EDOC_IAM_EXPLICIT_DENY);
    CHECK(strstr(why, "policy secrets statement #1 explicitly denies") != NULL);
    CHECK(eval(ev, "execRole", "secretsmanager:DescribeSecret",
               "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/root-x1y2z3", why) ==
          EDOC_IAM_EXPLICIT_DENY);

    /* NotAction/NotResource, Statement as one object: allowed outside the exclusions. */
    CHECK(eval(ev, "oddRole", "s3:GetObject", "arn:aws:s3:::public-bucket/x", why) == EDOC_IAM_ALLOWED);
    CHECK(strstr(why, "policy notaction statement \"AllButIam\"") != NULL);
    CHECK(eval(ev, "oddRole", "s3:GetObject", "arn:aws:s3:::private-bucket/x", why) ==
          EDOC_IAM_IMPLICIT_DENY);
    CHECK(eval(ev, "oddRole", "iam:PassRole", "*", why) == EDOC_IAM_IMPLICIT_DENY);

    /* A Condition on the only Allow: conditional, never allowed. */
    CHECK(eval(ev, "oddRole", "kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/k1", why) ==
          EDOC_IAM_CONDITIONAL);
    CHECK(strstr(why, "KmsViaSM") != NULL && strstr(why, "not evaluated") != NULL);
    /* An unconditional Allow with a conditional Deny: conditional too. */
    CHECK(eval(ev, "oddRole", "ssm:GetParameters", "arn:aws:ssm:us-east-1:1:parameter/x", why) ==
          EDOC_IAM_CONDITIONAL);
    CHECK(strstr(why, "denies it under a Condition") != NULL);

    /* Explicit deny with an allow present (NotAction covers secretsmanager). */
    CHECK(eval(ev, "oddRole", "secretsmanager:GetSecretValue", "*", why) == EDOC_IAM_ALLOWED);

    /* Unknowns: role absent, document absent, no action. */
    CHECK(eval(ev, "ghostRole", "ecr:BatchGetImage", "*", why) == EDOC_IAM_UNKNOWN);
    CHECK(strstr(why, "role ghostRole is not in the evidence") != NULL);
    CHECK(eval(ev, "partialRole", "ecr:BatchGetImage", "*", why) == EDOC_IAM_UNKNOWN);
    CHECK(strstr(why, "1 attached policy document(s) are missing") != NULL);
    CHECK(eval(ev, "execRole", NULL, "*", why) == EDOC_IAM_UNKNOWN);
    CHECK(iam_eval(NULL, "execRole", "ecr:BatchGetImage", "*", NULL, 0) == EDOC_IAM_UNKNOWN);
    /* NULL resource means "*". */
    CHECK(eval(ev, "execRole", "logs:PutLogEvents", NULL, why) == EDOC_IAM_ALLOWED);

    /* Malformed documents: never a crash, never "allowed" from garbage. */
    {
        cJSON *bad = cJSON_Parse(
            "{\"iam\":{\"roles\":{\"r\":{\"AttachedPolicies\":[7, null, {\"PolicyName\":\"p\",\"Document\":"
            "{\"Statement\":[\"x\", 1, {\"Effect\":\"Allow\",\"Action\":7,\"Resource\":\"*\"},"
            "{\"Effect\":\"Allow\",\"Action\":\"ecr:*\"},"
            "{\"Effect\":\"Allow\",\"Action\":[\"ecr:*\", 3],\"Resource\":[null, \"arn:x\"]}]}}],"
            "\"InlinePolicies\":\"nope\",\"AssumeRolePolicyDocument\":{\"Statement\":\"x\"}}}}}");
        CHECK(bad != NULL);
        CHECK(iam_eval(bad, "r", "ecr:BatchGetImage", "arn:y", why, sizeof why) == EDOC_IAM_IMPLICIT_DENY);
        CHECK(iam_eval(bad, "r", "ecr:BatchGetImage", "arn:x", why, sizeof why) == EDOC_IAM_ALLOWED);
        CHECK(iam_trusts_service(bad, "r", "ecs-tasks.amazonaws.com", why, sizeof why) == 0);
        CHECK(iam_eval(bad, "r", "ecr:BatchGetImage", "arn:x", why, 1) == EDOC_IAM_ALLOWED && why[0] == '\0');
        cJSON_Delete(bad);
    }
    /* Wildcards: '*' in the middle, several stars, '?' at the end. */
    {
        cJSON *w = cJSON_Parse("{\"iam\":{\"roles\":{\"w\":{\"AttachedPolicies\":[{\"PolicyName\":\"g\",\"Document\":"
                               "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s*:Get*Val?e\","
                               "\"Resource\":\"arn:*:secret:a*b*c\"}}}]}}}}");
        CHECK(iam_eval(w, "w", "secretsmanager:GetSecretValue", "arn:aws:secret:aXbYc", why, sizeof why) == EDOC_IAM_ALLOWED);
        CHECK(iam_eval(w, "w", "secretsmanager:GetSecretValue", "arn:aws:secret:aXbYcd", why, sizeof why) ==
              EDOC_IAM_IMPLICIT_DENY);
        CHECK(iam_eval(w, "w", "ssm:GetParameter", "arn:aws:secret:abc", why, sizeof why) == EDOC_IAM_IMPLICIT_DENY);
        cJSON_Delete(w);
    }

    /* One policy document on its own (endpoint / key policies). */
    {
        cJSON *pol = cJSON_Parse("{\"Statement\":[{\"Sid\":\"Own\",\"Effect\":\"Allow\",\"Principal\":\"*\","
                                 "\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::acme-*\"},"
                                 "{\"Sid\":\"NoTmp\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                                 "\"Resource\":\"arn:aws:s3:::acme-tmp/*\"}]}");
        CHECK(iam_eval_policy(pol, "endpoint vpce-1", "s3:GetObject", "arn:aws:s3:::acme-data/x", why, sizeof why) ==
              EDOC_IAM_ALLOWED);
        CHECK(strstr(why, "policy endpoint vpce-1 statement \"Own\" allows") != NULL);
        CHECK(iam_eval_policy(pol, "endpoint vpce-1", "s3:GetObject", "arn:aws:s3:::acme-tmp/x", why, sizeof why) ==
              EDOC_IAM_EXPLICIT_DENY);
        CHECK(iam_eval_policy(pol, "endpoint vpce-1", "s3:GetObject",
                              "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*", why, sizeof why) == EDOC_IAM_IMPLICIT_DENY);
        CHECK(strstr(why, "no statement in the 1 policy of endpoint vpce-1 allows") != NULL);
        CHECK(iam_eval_policy(NULL, "x", "s3:GetObject", "*", why, sizeof why) == EDOC_IAM_UNKNOWN);
        cJSON_Delete(pol);
    }

    /* Trust policies. */
    CHECK(iam_trusts_service(ev, "execRole", "ecs-tasks.amazonaws.com", why, sizeof why) == 1);
    CHECK(strstr(why, "lets ecs-tasks.amazonaws.com call sts:AssumeRole") != NULL);
    CHECK(iam_trusts_service(ev, "oddRole", "ecs-tasks.amazonaws.com", why, sizeof why) == 1);
    CHECK(iam_trusts_service(ev, "partialRole", "ecs-tasks.amazonaws.com", why, sizeof why) == 0);
    CHECK(strstr(why, "does not let ecs-tasks.amazonaws.com call sts:AssumeRole") != NULL);
    CHECK(iam_trusts_service(ev, "denyTrust", "ecs-tasks.amazonaws.com", why, sizeof why) == 0);
    CHECK(strstr(why, "\"NoEcs\" denies") != NULL);
    CHECK(iam_trusts_service(ev, "ghostRole", NULL, why, sizeof why) == -1);

    cJSON_Delete(ev);
    return test_done();
}

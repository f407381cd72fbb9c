/* allowlist — see allowlist.h. Every entry is a Describe/List/Get/Lookup
 * operation (plus STS's credential exchanges); nothing here can change an
 * account. Adding an operation means adding it to docs/iam-policy.json too. */
#include "aws/allowlist.h"

#include <string.h>

static const struct allowlist_entry entries[] = {
    {"ecs", "DescribeClusters", 1},
    {"ecs", "ListClusters", 1}, /* "did you mean" for a cluster that does not exist */
    {"ecs", "ListServices", 1},
    {"ecs", "DescribeServices", 1},
    {"ecs", "ListTasks", 1},
    {"ecs", "DescribeTasks", 1},
    {"ecs", "DescribeTaskDefinition", 1},
    {"ecs", "ListTaskDefinitions", 1},
    {"ecs", "ListContainerInstances", 1},
    {"ecs", "DescribeContainerInstances", 1},
    {"ecs", "DescribeCapacityProviders", 1},
    {"elbv2", "DescribeTargetGroups", 1},
    {"elbv2", "DescribeTargetHealth", 1},
    {"elbv2", "DescribeTargetGroupAttributes", 1},
    {"elbv2", "DescribeLoadBalancers", 1},
    {"elbv2", "DescribeListeners", 1},
    {"elbv2", "DescribeRules", 1},
    {"ec2", "DescribeSubnets", 1},
    {"ec2", "DescribeRouteTables", 1},
    {"ec2", "DescribeVpcs", 1},
    {"ec2", "DescribeNatGateways", 1},
    {"ec2", "DescribeInternetGateways", 1},
    {"ec2", "DescribeVpcEndpoints", 1},
    {"ec2", "DescribeSecurityGroups", 1},
    {"ec2", "DescribeNetworkAcls", 1},
    {"ec2", "DescribeNetworkInterfaces", 1},
    {"ec2", "DescribeManagedPrefixLists", 1},
    {"ec2", "DescribePrefixLists", 1},
    {"iam", "GetRole", 1},
    {"iam", "ListAttachedRolePolicies", 1},
    {"iam", "ListRolePolicies", 1},
    {"iam", "GetRolePolicy", 1},
    {"iam", "GetPolicy", 1},
    {"iam", "GetPolicyVersion", 1},
    /* GetCallerIdentity needs no permission at all (AWS documents it as
     * always allowed); listing it is harmless and makes the intent explicit. */
    {"sts", "GetCallerIdentity", 1},
    /* The credential chain calls these with the source profile's identity;
     * the policy attached to the diagnosing role does not need them. */
    {"sts", "AssumeRole", 0},
    {"sts", "AssumeRoleWithWebIdentity", 0},
    {"logs", "DescribeLogGroups", 1},
    {"logs", "DescribeLogStreams", 1},
    {"logs", "GetLogEvents", 1},
    {"logs", "FilterLogEvents", 1},
    {"ecr", "DescribeImages", 1},
    {"ecr", "DescribeRepositories", 1},
    {"secretsmanager", "DescribeSecret", 1},
    {"ssm", "GetParameters", 1},
    {"ssm", "DescribeParameters", 1},
    {"application-autoscaling", "DescribeScalableTargets", 1},
    {"application-autoscaling", "DescribeScalingActivities", 1},
    {"application-autoscaling", "DescribeScalingPolicies", 1},
    {"cloudtrail", "LookupEvents", 1},
    {"cloudwatch", "GetMetricData", 1},
};

const struct allowlist_entry *allowlist_entries(size_t *n)
{
    *n = sizeof entries / sizeof entries[0];
    return entries;
}

const struct allowlist_entry *allowlist_find(const char *service, const char *operation)
{
    if (!service || !operation)
        return NULL;
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        if (strcmp(entries[i].service, service) == 0 && strcmp(entries[i].operation, operation) == 0)
            return &entries[i];
    return NULL;
}

int allowlist_allows(const char *service, const char *operation)
{
    return allowlist_find(service, operation) != NULL;
}

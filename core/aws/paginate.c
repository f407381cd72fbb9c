/* paginate — see paginate.h. Member names checked against botocore's
 * paginators-1.json; EC2 answers keep their XML names ("subnetSet"). */
#include "aws/paginate.h"

#include <string.h>

#define R1(a) {a, NULL, NULL}
#define R2(a, b) {a, b, NULL}

static const struct paginate_spec specs[] = {
    {"ecs", "ListTasks", "nextToken", "nextToken", NULL, R1("taskArns"), "maxResults", 100},
    {"ecs", "ListServices", "nextToken", "nextToken", NULL, R1("serviceArns"), "maxResults", 100},
    {"ecs", "ListClusters", "nextToken", "nextToken", NULL, R1("clusterArns"), "maxResults", 100},
    {"ecs", "ListContainerInstances", "nextToken", "nextToken", NULL,
     R1("containerInstanceArns"), "maxResults", 100},
    {"ecs", "ListTaskDefinitions", "nextToken", "nextToken", NULL, R1("taskDefinitionArns"),
     "maxResults", 100},
    {"ecs", "DescribeCapacityProviders", "nextToken", "nextToken", NULL, R1("capacityProviders"),
     "maxResults", 10},
    {"logs", "DescribeLogGroups", "nextToken", "nextToken", NULL, R1("logGroups"), "limit", 50},
    {"logs", "DescribeLogStreams", "nextToken", "nextToken", NULL, R1("logStreams"), "limit", 50},
    {"logs", "FilterLogEvents", "nextToken", "nextToken", NULL,
     R2("events", "searchedLogStreams"), "limit", 10000},
    /* GetLogEvents returns the same forward token at the end of the stream:
     * the repeated-token rule ends the loop there. */
    {"logs", "GetLogEvents", "nextToken", "nextForwardToken", NULL, R1("events"), "limit", 10000},
    {"ec2", "DescribeSubnets", "NextToken", "nextToken", NULL, R1("subnetSet"), NULL, 0},
    {"ec2", "DescribeRouteTables", "NextToken", "nextToken", NULL, R1("routeTableSet"), NULL, 0},
    {"ec2", "DescribeVpcs", "NextToken", "nextToken", NULL, R1("vpcSet"), NULL, 0},
    {"ec2", "DescribeNatGateways", "NextToken", "nextToken", NULL, R1("natGatewaySet"), NULL, 0},
    {"ec2", "DescribeInternetGateways", "NextToken", "nextToken", NULL, R1("internetGatewaySet"),
     NULL, 0},
    {"ec2", "DescribeVpcEndpoints", "NextToken", "nextToken", NULL, R1("vpcEndpointSet"), NULL, 0},
    {"ec2", "DescribeSecurityGroups", "NextToken", "nextToken", NULL, R1("securityGroupInfo"),
     NULL, 0},
    {"ec2", "DescribeNetworkAcls", "NextToken", "nextToken", NULL, R1("networkAclSet"), NULL, 0},
    {"ec2", "DescribeNetworkInterfaces", "NextToken", "nextToken", NULL,
     R1("networkInterfaceSet"), NULL, 0},
    {"ec2", "DescribeManagedPrefixLists", "NextToken", "nextToken", NULL, R1("prefixListSet"),
     NULL, 0},
    {"ec2", "DescribePrefixLists", "NextToken", "nextToken", NULL, R1("prefixListSet"), NULL, 0},
    {"elbv2", "DescribeTargetGroups", "Marker", "NextMarker", NULL, R1("TargetGroups"), "PageSize",
     400},
    {"elbv2", "DescribeLoadBalancers", "Marker", "NextMarker", NULL, R1("LoadBalancers"),
     "PageSize", 400},
    {"elbv2", "DescribeListeners", "Marker", "NextMarker", NULL, R1("Listeners"), "PageSize", 400},
    {"elbv2", "DescribeRules", "Marker", "NextMarker", NULL, R1("Rules"), "PageSize", 400},
    {"iam", "ListAttachedRolePolicies", "Marker", "Marker", "IsTruncated", R1("AttachedPolicies"),
     "MaxItems", 1000},
    {"iam", "ListRolePolicies", "Marker", "Marker", "IsTruncated", R1("PolicyNames"), "MaxItems",
     1000},
    {"application-autoscaling", "DescribeScalableTargets", "NextToken", "NextToken", NULL,
     R1("ScalableTargets"), "MaxResults", 50},
    {"application-autoscaling", "DescribeScalingActivities", "NextToken", "NextToken", NULL,
     R1("ScalingActivities"), "MaxResults", 50},
    {"application-autoscaling", "DescribeScalingPolicies", "NextToken", "NextToken", NULL,
     R1("ScalingPolicies"), "MaxResults", 50},
    {"cloudtrail", "LookupEvents", "NextToken", "NextToken", NULL, R1("Events"), "MaxResults", 50},
    {"ecr", "DescribeImages", "nextToken", "nextToken", NULL, R1("imageDetails"), "maxResults",
     1000},
    {"ecr", "DescribeRepositories", "nextToken", "nextToken", NULL, R1("repositories"),
     "maxResults", 1000},
    {"ssm", "DescribeParameters", "NextToken", "NextToken", NULL, R1("Parameters"), "MaxResults",
     50},
    {"cloudwatch", "GetMetricData", "NextToken", "NextToken", NULL, R2("MetricDataResults",
     "Messages"), NULL, 0},
};

const struct paginate_spec *paginate_find(const char *service, const char *operation)
{
    for (size_t i = 0; service && operation && i < sizeof specs / sizeof specs[0]; i++)
        if (strcmp(specs[i].service, service) == 0 && strcmp(specs[i].operation, operation) == 0)
            return &specs[i];
    return NULL;
}

const char *paginate_next_token(const struct paginate_spec *s, const cJSON *page)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(page, s->out_token);
    if (s->more_key) {
        const cJSON *more = cJSON_GetObjectItemCaseSensitive(page, s->more_key);
        int truncated = cJSON_IsTrue(more) ||
                        (cJSON_IsString(more) && strcmp(more->valuestring, "true") == 0);
        if (!truncated)
            return NULL;
    }
    if (!cJSON_IsString(t) || !t->valuestring[0])
        return NULL;
    return t->valuestring;
}

int paginate_set_token(const struct paginate_spec *s, cJSON *params, const char *token)
{
    cJSON *v = cJSON_CreateString(token);
    if (!v)
        return -1;
    if (cJSON_GetObjectItemCaseSensitive(params, s->in_token))
        cJSON_ReplaceItemInObjectCaseSensitive(params, s->in_token, v);
    else
        cJSON_AddItemToObject(params, s->in_token, v);
    return 0;
}

int paginate_normalise(const struct paginate_spec *s, cJSON *page)
{
    int count = 0;
    for (int i = 0; i < PAGINATE_MAX_RESULTS && s->results[i]; i++) {
        cJSON *r = cJSON_GetObjectItemCaseSensitive(page, s->results[i]);
        if (r && !cJSON_IsArray(r)) {
            /* An empty Query list (<TargetGroups/>) converts to "". A lone
             * object (should not happen) is wrapped. */
            cJSON *arr = cJSON_CreateArray();
            if (!arr)
                return -1;
            if (cJSON_IsObject(r))
                cJSON_AddItemToArray(arr, cJSON_Duplicate(r, 1));
            cJSON_ReplaceItemInObjectCaseSensitive(page, s->results[i], arr);
            r = arr;
        }
        if (i == 0)
            count = r ? cJSON_GetArraySize(r) : 0;
    }
    return count;
}

int paginate_merge(const struct paginate_spec *s, cJSON *acc, cJSON *page)
{
    paginate_normalise(s, page);
    for (int i = 0; i < PAGINATE_MAX_RESULTS && s->results[i]; i++) {
        cJSON *src = cJSON_GetObjectItemCaseSensitive(page, s->results[i]);
        cJSON *dst = cJSON_GetObjectItemCaseSensitive(acc, s->results[i]);
        if (!src)
            continue;
        if (!dst) {
            cJSON_AddItemToObject(acc, s->results[i], cJSON_DetachItemViaPointer(page, src));
            continue;
        }
        while (src->child)
            cJSON_AddItemToArray(dst, cJSON_DetachItemViaPointer(src, src->child));
    }
    {
        cJSON *t = cJSON_GetObjectItemCaseSensitive(page, s->out_token);
        cJSON_DeleteItemFromObjectCaseSensitive(acc, s->out_token);
        if (t)
            cJSON_AddItemToObject(acc, s->out_token, cJSON_DetachItemViaPointer(page, t));
        if (s->more_key) {
            cJSON *m = cJSON_GetObjectItemCaseSensitive(page, s->more_key);
            cJSON_DeleteItemFromObjectCaseSensitive(acc, s->more_key);
            if (m)
                cJSON_AddItemToObject(acc, s->more_key, cJSON_DetachItemViaPointer(page, m));
        }
    }
    {
        cJSON *r0 = cJSON_GetObjectItemCaseSensitive(acc, s->results[0]);
        return r0 ? cJSON_GetArraySize(r0) : 0;
    }
}

void paginate_truncate(const struct paginate_spec *s, cJSON *acc, int max_items)
{
    cJSON *r0;
    if (max_items <= 0)
        return;
    r0 = cJSON_GetObjectItemCaseSensitive(acc, s->results[0]);
    while (cJSON_IsArray(r0) && cJSON_GetArraySize(r0) > max_items)
        cJSON_DeleteItemFromArray(r0, cJSON_GetArraySize(r0) - 1);
}

void paginate_finish(const struct paginate_spec *s, cJSON *acc, int complete)
{
    if (!complete)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(acc, s->out_token);
    if (s->more_key)
        cJSON_DeleteItemFromObjectCaseSensitive(acc, s->more_key);
}

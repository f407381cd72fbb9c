/* Unit tests of core/analysis/netpath: one test per hop that can fail, on a
 * small VPC (tests/analysis/data/network.json) mutated per case. Leaves are
 * strings, as the EC2 XML converter produces them. */
#include <stdlib.h>
#include <string.h>

#include "analysis/netpath.h"
#include "ecs_doctor/plugin.h"
#include "test.h"
#include "util/jsonx.h"

static cJSON *doc;
static char why[1024];

static void fresh(void)
{
    char path[1024];
    const char *src = getenv("EDOC_SOURCE_DIR");
    struct err e;
    cJSON_Delete(doc);
    snprintf(path, sizeof path, "%s/tests/analysis/data/network.json", src ? src : ".");
    doc = jsonx_load_file(path, 0, &e);
    if (!doc) {
        printf("cannot load %s: %s\n", path, e.msg);
        exit(1);
    }
}

static void set_str(const char *ptr, const char *key, const char *val)
{
    cJSON *o = jsonx_pointer(doc, ptr);
    if (!o) {
        printf("no %s\n", ptr);
        exit(1);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    if (val)
        cJSON_AddStringToObject(o, key, val);
}

static void put(const char *ptr, const char *key, const char *json)
{
    cJSON *o = jsonx_pointer(doc, ptr), *v = cJSON_Parse(json);
    if (!o || !v) {
        printf("bad put %s %s\n", ptr, json);
        exit(1);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    cJSON_AddItemToObject(o, key, v);
}

static int reach(const char *subnet, const char *sg, int pub, const char *svc)
{
    const char *sgs[2] = {sg, NULL};
    return netpath_reach(doc, subnet, sg ? sgs : NULL, sg ? 1 : 0, pub, svc, why, sizeof why);
}

#define HAS(s) CHECK(strstr(why, (s)) != NULL)
#define SHOW() printf("# %s\n", why)

static const char *EP_DKR =
    "{\"vpcEndpointId\":\"vpce-dkr\",\"vpcEndpointType\":\"Interface\",\"vpcId\":\"vpc-0c3\","
    "\"serviceName\":\"com.amazonaws.us-east-1.ecr.dkr\",\"state\":\"available\",\"privateDnsEnabled\":\"true\","
    "\"subnetIdSet\":[\"subnet-iso\"],\"groupSet\":[{\"groupId\":\"sg-ep\",\"groupName\":\"endpoints\"}]}";
static const char *EP_S3 =
    "{\"vpcEndpointId\":\"vpce-s3\",\"vpcEndpointType\":\"Gateway\",\"vpcId\":\"vpc-0c3\","
    "\"serviceName\":\"com.amazonaws.us-east-1.s3\",\"state\":\"available\",\"routeTableIdSet\":[\"rtb-main\"]}";

int main(void)
{
    /* 1. Private subnet through an available NAT in a public subnet: yes. */
    fresh();
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_YES);
    HAS("ok: via NAT gateway nat-1");
    CHECK(reach("subnet-priv", "sg-task", 0, "ecr.dkr") == EDOC_REACH_YES);

    /* 2. Missing evidence: unknown, naming what is missing. */
    CHECK(reach("subnet-nope", "sg-task", 0, "ecr.api") == EDOC_REACH_UNKNOWN);
    HAS("evidence: subnet subnet-nope is not in the evidence");
    CHECK(reach("subnet-priv", "sg-missing", 0, "ecr.api") == EDOC_REACH_UNKNOWN);
    HAS("security group sg-missing is not in the evidence");
    CHECK(reach("subnet-priv", "sg-task", 0, "dynamodb") == EDOC_REACH_UNKNOWN);
    put("/network", "route_tables", "null");
    CHECK(reach("subnet-priv", "sg-task", 0, "ecr.api") == EDOC_REACH_UNKNOWN);
    HAS("route tables are not in the evidence");
    fresh();
    set_str("/network/route_tables/rtb-priv/routeSet/1", "natGatewayId", "nat-gone");
    CHECK(reach("subnet-priv", "sg-task", 0, "ecr.api") == EDOC_REACH_UNKNOWN);
    HAS("NAT gateway nat-gone");

    /* 3. No explicit association: the VPC's main table, which has no default route. */
    fresh();
    CHECK(reach("subnet-iso", "sg-task", 0, "ecr.dkr") == EDOC_REACH_NO);
    HAS("route: route table rtb-main (main table of vpc-0c3) has no 0.0.0.0/0 route, and vpc-0c3 "
        "has no com.amazonaws.us-east-1.ecr.dkr endpoint");
    CHECK(reach("subnet-iso", "sg-task", 0, "internet") == EDOC_REACH_NO);
    HAS("route: route table rtb-main (main table of vpc-0c3) has no 0.0.0.0/0 route");

    /* 4. Blackhole route (the NAT gateway was deleted). */
    fresh();
    set_str("/network/route_tables/rtb-priv/routeSet/1", "state", "blackhole");
    CHECK(reach("subnet-priv", "sg-task", 0, "ecr.api") == EDOC_REACH_NO);
    HAS("blackhole: the 0.0.0.0/0 route of route table rtb-priv (associated with subnet-priv) points to nat-1");

    /* 5. NAT gateway not available. */
    fresh();
    set_str("/network/nat_gateways/nat-1", "state", "failed");
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_NO);
    HAS("nat: the 0.0.0.0/0 route of route table rtb-priv (associated with subnet-priv) goes to NAT gateway nat-1, which is failed");

    /* 6. NAT gateway placed in a private subnet (no IGW route there). */
    fresh();
    set_str("/network/nat_gateways/nat-1", "subnetId", "subnet-iso");
    CHECK(reach("subnet-priv", "sg-task", 0, "secretsmanager") == EDOC_REACH_NO);
    HAS("nat: NAT gateway nat-1 sits in subnet-iso, whose route table rtb-main has no 0.0.0.0/0 route to an internet gateway");
    /* A private NAT gateway cannot reach the internet. */
    fresh();
    set_str("/network/nat_gateways/nat-1", "connectivityType", "private");
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_NO);
    HAS("private NAT gateway");

    /* 7. Public subnet: needs a public IP. */
    fresh();
    CHECK(reach("subnet-pub", "sg-task", 0, "ecr.api") == EDOC_REACH_NO);
    HAS("public_ip: route table rtb-pub (associated with subnet-pub) routes 0.0.0.0/0 to internet gateway igw-1 but the task has no public IP");
    CHECK(reach("subnet-pub", "sg-task", 1, "ecr.api") == EDOC_REACH_YES);
    HAS("ok: via internet gateway igw-1");

    /* 8. Internet gateway detached. */
    put("/network/internet_gateways/igw-1", "attachmentSet", "[]");
    CHECK(reach("subnet-pub", "sg-task", 1, "internet") == EDOC_REACH_NO);
    HAS("igw: the 0.0.0.0/0 route of route table rtb-pub (associated with subnet-pub) goes to internet gateway igw-1, which is not attached to vpc-0c3");

    /* 9. Route fine, security group allows only port 80 out. */
    fresh();
    CHECK(reach("subnet-priv", "sg-web80", 0, "ecr.dkr") == EDOC_REACH_NO);
    HAS("sg_egress: security group sg-web80 allows no egress on tcp/443 to 0.0.0.0/0");
    /* An SG rule with a port range covering 443 is enough. */
    put("/network/security_groups/sg-web80/ipPermissionsEgress/0", "toPort", "\"1024\"");
    CHECK(reach("subnet-priv", "sg-web80", 0, "ecr.dkr") == EDOC_REACH_YES);

    /* 10. Interface endpoint with private DNS: the only path, and it works. */
    fresh();
    put("/network/vpc_endpoints", "vpce-dkr", EP_DKR);
    CHECK(reach("subnet-iso", "sg-task", 0, "ecr.dkr") == EDOC_REACH_YES);
    HAS("ok: via interface endpoint vpce-dkr");
    /* The endpoint's group does not admit the task. */
    put("/network/security_groups/sg-ep", "ipPermissions", "[]");
    CHECK(reach("subnet-iso", "sg-task", 0, "ecr.dkr") == EDOC_REACH_NO);
    HAS("endpoint_sg: security group sg-ep of endpoint vpce-dkr (com.amazonaws.us-east-1.ecr.dkr) allows no inbound tcp/443");
    /* ...but a CIDR rule holding the task subnet does. */
    put("/network/security_groups/sg-ep", "ipPermissions",
        "[{\"ipProtocol\":\"tcp\",\"fromPort\":\"443\",\"toPort\":\"443\",\"ipRanges\":[{\"cidrIp\":\"10.0.0.0/16\"}]}]");
    CHECK(reach("subnet-iso", "sg-task", 0, "ecr.dkr") == EDOC_REACH_YES);
    /* Task SG egress only to the endpoint SG: fine for the endpoint... */
    put("/network/security_groups/sg-task", "ipPermissionsEgress",
        "[{\"ipProtocol\":\"tcp\",\"fromPort\":\"443\",\"toPort\":\"443\",\"groups\":[{\"groupId\":\"sg-ep\"}],\"ipRanges\":[]}]");
    CHECK(reach("subnet-iso", "sg-task", 0, "ecr.dkr") == EDOC_REACH_YES);
    /* ...not for S3 through the gateway endpoint (needs the prefix list). */
    put("/network/vpc_endpoints", "vpce-s3", EP_S3);
    CHECK(reach("subnet-iso", "sg-task", 0, "s3") == EDOC_REACH_NO);
    HAS("sg_egress: security group sg-task allows no egress on tcp/443 to 0.0.0.0/0 or the S3 prefix list pl-63a5400a");
    put("/network/security_groups/sg-task/ipPermissionsEgress/0", "prefixListIds",
        "[{\"prefixListId\":\"pl-63a5400a\"}]");
    CHECK(reach("subnet-iso", "sg-task", 0, "s3") == EDOC_REACH_YES);
    HAS("ok: via S3 gateway endpoint vpce-s3 associated with route table rtb-main");

    /* The gateway endpoint's policy (a JSON string on the wire) must allow
     * ECR's layer bucket. */
    put("/network/vpc_endpoints/vpce-s3", "policyDocument",
        "\"{\\\"Version\\\":\\\"2008-10-17\\\",\\\"Statement\\\":[{\\\"Sid\\\":\\\"OwnBuckets\\\",\\\"Effect\\\":\\\"Allow\\\","
        "\\\"Principal\\\":\\\"*\\\",\\\"Action\\\":\\\"s3:*\\\",\\\"Resource\\\":[\\\"arn:aws:s3:::acme-*\\\"]}]}\"");
    CHECK(reach("subnet-iso", "sg-task", 0, "s3") == EDOC_REACH_NO);
    HAS("endpoint_policy: no statement in the 1 policy of S3 gateway endpoint vpce-s3 allows s3:GetObject on "
        "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*");
    put("/network/vpc_endpoints/vpce-s3", "policyDocument",
        "\"{\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":\\\"*\\\",\\\"Action\\\":\\\"*\\\",\\\"Resource\\\":\\\"*\\\"}]}\"");
    CHECK(reach("subnet-iso", "sg-task", 0, "s3") == EDOC_REACH_YES);

    /* 11. Endpoints in use, S3 gateway endpoint missing: an endpoint hop. */
    fresh();
    put("/network/vpc_endpoints", "vpce-dkr", EP_DKR);
    CHECK(reach("subnet-iso", "sg-task", 0, "s3") == EDOC_REACH_NO);
    HAS("endpoint: vpc-0c3 uses VPC endpoints but has no com.amazonaws.us-east-1.s3 endpoint (gateway)");
    /* The S3 gateway endpoint exists but is associated with another table. */
    put("/network/vpc_endpoints", "vpce-s3", EP_S3);
    put("/network/vpc_endpoints/vpce-s3", "routeTableIdSet", "[\"rtb-priv\"]");
    CHECK(reach("subnet-iso", "sg-task", 0, "s3") == EDOC_REACH_NO);
    HAS("endpoint: S3 gateway endpoint vpce-s3 exists in vpc-0c3 but is not associated with route table rtb-main");

    /* A lone logs endpoint in a VPC with an available NAT gateway is an
     * optimisation: the broken hop is the route, not the endpoints. */
    fresh();
    put("/network/vpc_endpoints", "vpce-logs",
        "{\"vpcEndpointId\":\"vpce-logs\",\"vpcEndpointType\":\"Interface\",\"vpcId\":\"vpc-0c3\","
        "\"serviceName\":\"com.amazonaws.us-east-1.logs\",\"state\":\"available\",\"privateDnsEnabled\":\"true\","
        "\"groupSet\":[{\"groupId\":\"sg-ep\"}]}");
    CHECK(reach("subnet-iso", "sg-task", 0, "ecr.dkr") == EDOC_REACH_NO);
    HAS("route: route table rtb-main (main table of vpc-0c3) has no 0.0.0.0/0 route");
    /* Without a NAT gateway the same VPC is an endpoint design. */
    put("/network", "nat_gateways", "{}");
    CHECK(reach("subnet-iso", "sg-task", 0, "ecr.dkr") == EDOC_REACH_NO);
    HAS("endpoint: vpc-0c3 uses VPC endpoints but has no com.amazonaws.us-east-1.ecr.dkr endpoint");

    /* 12. Interface endpoint with private DNS off, and no route out. */
    fresh();
    put("/network/vpc_endpoints", "vpce-dkr", EP_DKR);
    set_str("/network/vpc_endpoints/vpce-dkr", "privateDnsEnabled", "false");
    CHECK(reach("subnet-iso", "sg-task", 0, "ecr.dkr") == EDOC_REACH_NO);
    HAS("endpoint: interface endpoint vpce-dkr (com.amazonaws.us-east-1.ecr.dkr) has private DNS disabled");
    /* With a NAT route the public name still works; the note stays. */
    CHECK(reach("subnet-priv", "sg-task", 0, "ecr.dkr") == EDOC_REACH_YES);
    HAS("private DNS disabled");
    /* Endpoint pending acceptance. */
    set_str("/network/vpc_endpoints/vpce-dkr", "privateDnsEnabled", "true");
    set_str("/network/vpc_endpoints/vpce-dkr", "state", "pendingAcceptance");
    CHECK(reach("subnet-iso", "sg-task", 0, "ecr.dkr") == EDOC_REACH_NO);
    HAS("is in state pendingAcceptance");
    /* State spelled "Available" (console/CLI style) is accepted. */
    set_str("/network/vpc_endpoints/vpce-dkr", "state", "Available");
    CHECK(reach("subnet-iso", "sg-task", 0, "ecr.dkr") == EDOC_REACH_YES);

    /* 13. Network ACL denies outbound 443, or inbound ephemeral ports. */
    fresh();
    put("/network/network_acls/acl-default", "entrySet",
        "[{\"ruleNumber\":\"90\",\"protocol\":\"6\",\"ruleAction\":\"deny\",\"egress\":\"true\",\"cidrBlock\":\"0.0.0.0/0\",\"portRange\":{\"from\":\"443\",\"to\":\"443\"}},"
        " {\"ruleNumber\":\"100\",\"protocol\":\"-1\",\"ruleAction\":\"allow\",\"egress\":\"true\",\"cidrBlock\":\"0.0.0.0/0\"},"
        " {\"ruleNumber\":\"100\",\"protocol\":\"-1\",\"ruleAction\":\"allow\",\"egress\":\"false\",\"cidrBlock\":\"0.0.0.0/0\"}]");
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_NO);
    HAS("nacl: network ACL acl-default of subnet-priv denies outbound tcp/443 to 0.0.0.0/0 (rule 90)");
    put("/network/network_acls/acl-default", "entrySet",
        "[{\"ruleNumber\":\"100\",\"protocol\":\"6\",\"ruleAction\":\"allow\",\"egress\":\"true\",\"cidrBlock\":\"0.0.0.0/0\",\"portRange\":{\"from\":\"443\",\"to\":\"443\"}},"
        " {\"ruleNumber\":\"100\",\"protocol\":\"6\",\"ruleAction\":\"allow\",\"egress\":\"false\",\"cidrBlock\":\"0.0.0.0/0\",\"portRange\":{\"from\":\"80\",\"to\":\"80\"}}]");
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_NO);
    HAS("nacl: network ACL acl-default of subnet-priv has no rule allowing inbound ephemeral ports");
    /* No NACL evidence at all: answered from the other hops, with a note. */
    put("/network", "network_acls", "null");
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_YES);
    HAS("network ACLs are not in the evidence");

    /* 14. Route through a transit gateway: not analysed. */
    fresh();
    set_str("/network/route_tables/rtb-priv/routeSet/1", "natGatewayId", NULL);
    set_str("/network/route_tables/rtb-priv/routeSet/1", "transitGatewayId", "tgw-9");
    CHECK(reach("subnet-priv", "sg-task", 0, "ecr.api") == EDOC_REACH_UNKNOWN);
    HAS("other: the 0.0.0.0/0 route of route table rtb-priv (associated with subnet-priv) goes to tgw-9");

    /* 15. SDK/CLI spellings (Routes, Associations) are accepted too. */
    fresh();
    put("/network/route_tables", "rtb-priv",
        "{\"RouteTableId\":\"rtb-priv\",\"VpcId\":\"vpc-0c3\",\"Routes\":[{\"DestinationCidrBlock\":\"0.0.0.0/0\","
        "\"NatGatewayId\":\"nat-1\",\"State\":\"active\"}],\"Associations\":[{\"SubnetId\":\"subnet-priv\",\"Main\":false}]}");
    CHECK(reach("subnet-priv", "sg-task", 0, "ecr.api") == EDOC_REACH_YES);

    /* 16. Malformed evidence of every kind: wrong types, bad CIDRs, non-object
     * entries. Never a crash, never a "yes" built on garbage. */
    fresh();
    put("/network/route_tables/rtb-priv", "routeSet", "[1, \"x\", null, {\"destinationCidrBlock\": 7}]");
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_NO);
    HAS("route:");
    fresh();
    put("/network/subnets/subnet-priv", "cidrBlock", "\"10.0.1.0/33\"");
    put("/network/security_groups/sg-task", "ipPermissionsEgress",
        "[{\"ipProtocol\":\"tcp\",\"fromPort\":\"x\",\"toPort\":\"443\",\"ipRanges\":[{\"cidrIp\":\"0.0.0.0/0\"}]}]");
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_NO);
    HAS("sg_egress:");
    fresh();
    put("/network", "security_groups", "[]");
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_UNKNOWN);
    put("/network", "subnets", "\"oops\"");
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_UNKNOWN);
    fresh();
    put("/network/network_acls/acl-default", "entrySet", "{\"ruleNumber\": \"100\"}");
    CHECK(reach("subnet-priv", "sg-task", 0, "internet") == EDOC_REACH_NO);
    HAS("nacl:");
    /* A why buffer of 1 byte is still NUL-terminated. */
    {
        char tiny[1] = {'x'};
        const char *sgs[1] = {"sg-task"};
        fresh();
        CHECK(netpath_reach(doc, "subnet-priv", sgs, 1, 0, "internet", tiny, sizeof tiny) == EDOC_REACH_YES);
        CHECK(tiny[0] == '\0');
    }

    /* 17. No network section: unknown; NULL why is accepted. */
    CHECK(netpath_reach(NULL, "subnet-priv", NULL, 0, 0, "ecr.api", NULL, 0) == EDOC_REACH_UNKNOWN);

    cJSON_Delete(doc);
    return test_done();
}

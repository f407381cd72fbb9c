/* collect_net — the task network: subnets and their VPCs, route tables (by
 * VPC, so the main table and explicit associations come in one call), NAT and
 * internet gateways, VPC endpoints, security groups (tasks', load balancers',
 * endpoints'), managed prefix lists they or the routes reference, and the
 * subnets' network ACLs. EC2 answers use the wire's lowerCamel names. */
#include "collect/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/jsonx.h"

/* network.<section>[id] = item for every item of the answer's list. The
 * model's UpperCamel names are accepted too, in case the converter maps them. */
static void store_items(struct collect *c, const char *section, const cJSON *body, const char *wire_list,
                        const char *model_list, const char *wire_id, const char *model_id)
{
    cJSON *list = xlist(body, wire_list), *it, *sec;
    if (!list)
        list = xlist(body, model_list);
    sec = ev_section(c, "network", section);
    cJSON_ArrayForEach(it, list) {
        const char *id = xstr(it, wire_id);
        if (!id)
            id = xstr(it, model_id);
        if (id && sec)
            xput(sec, id, it);
    }
}

static void add_list(struct collect *c, struct strset *s, const cJSON *arr)
{
    cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        if (cJSON_IsString(it) && strset_add(s, it->valuestring) < 0)
            c->oom = 1;
    }
}

/* awsvpcConfiguration of the services and their deployments: subnets or SGs. */
static void service_vpc_lists(struct collect *c, const char *what, struct strset *out)
{
    cJSON *svc, *d;
    cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(c->ev, "services")) {
        add_list(c, out, jsonx_pointer(svc, what[0] == 's' && what[1] == 'u'
                                                ? "/networkConfiguration/awsvpcConfiguration/subnets"
                                                : "/networkConfiguration/awsvpcConfiguration/securityGroups"));
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(svc, "deployments"))
            add_list(c, out, jsonx_pointer(d, what[0] == 's' && what[1] == 'u'
                                                  ? "/networkConfiguration/awsvpcConfiguration/subnets"
                                                  : "/networkConfiguration/awsvpcConfiguration/securityGroups"));
    }
}

void task_subnets(struct collect *c, struct strset *out)
{
    cJSON *t, *a, *d;
    service_vpc_lists(c, "subnets", out);
    if (c->o.kind != COLLECT_TASK)
        return;
    /* A task's ENI attachment names its subnet. */
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(c->ev, "tasks")) {
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(t, "attachments")) {
            cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(a, "details")) {
                const char *n = xstr(d, "name"), *v = xstr(d, "value");
                if (n && v && !strcmp(n, "subnetId") && strset_add(out, v) < 0)
                    c->oom = 1;
            }
        }
    }
}

static cJSON *ids_param(const char *key, const struct strset *s, size_t from, size_t n)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, key, str_array(s, from, n));
    return p;
}

static cJSON *filter_param(const char *param, const char *name, const struct strset *values)
{
    cJSON *p = cJSON_CreateObject(), *fl = cJSON_AddArrayToObject(p, param), *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "Name", name);
    cJSON_AddItemToObject(f, "Values", str_array(values, 0, values->n));
    cJSON_AddItemToArray(fl, f);
    return p;
}

/* The VPCs of the subnets collected so far. */
static void vpc_ids(struct collect *c, struct strset *out)
{
    cJSON *s;
    cJSON_ArrayForEach(s, jsonx_pointer(c->ev, "/network/subnets")) {
        const char *v = xstr(s, "vpcId");
        if (!v)
            v = xstr(s, "VpcId");
        if (v && strset_add(out, v) < 0)
            c->oom = 1;
    }
}

static int on_subnets(struct collect *c, struct call *k, struct aws_result *res)
{
    (void)k;
    if (res->error.kind == ERR_OK)
        store_items(c, "subnets", res->body, "subnetSet", "Subnets", "subnetId", "SubnetId");
    return 0;
}

void net_subnets_start(struct collect *c)
{
    struct strset s = {0};
    size_t i;
    task_subnets(c, &s);
    if (!s.n)
        collect_skip(c, S_SUBNETS, "no awsvpc subnets (not awsvpc network mode)");
    for (i = 0; i < s.n; i += MAX_EC2_IDS)
        collect_call(c, N_SUBNETS, S_SUBNETS, "ec2", "DescribeSubnets", ids_param("SubnetIds", &s, i, MAX_EC2_IDS),
                     0, 0, on_subnets, NULL, NULL, 0);
    strset_cleanup(&s);
}

static int on_vpcs(struct collect *c, struct call *k, struct aws_result *res)
{
    (void)k;
    if (res->error.kind == ERR_OK)
        store_items(c, "vpcs", res->body, "vpcSet", "Vpcs", "vpcId", "VpcId");
    return 0;
}

void net_vpcs_start(struct collect *c)
{
    struct strset v = {0};
    vpc_ids(c, &v);
    if (v.n)
        collect_call(c, N_VPCS, S_SUBNETS, "ec2", "DescribeVpcs", ids_param("VpcIds", &v, 0, v.n), 0, 0,
                     on_vpcs, NULL, NULL, 0);
    strset_cleanup(&v);
}

static int on_routes(struct collect *c, struct call *k, struct aws_result *res)
{
    (void)k;
    if (res->error.kind == ERR_OK)
        store_items(c, "route_tables", res->body, "routeTableSet", "RouteTables", "routeTableId",
                    "RouteTableId");
    return 0;
}

void net_routes_start(struct collect *c)
{
    struct strset v = {0};
    vpc_ids(c, &v);
    if (!v.n)
        collect_skip(c, S_ROUTES, "no VPC known (subnets unavailable)");
    else
        collect_call(c, N_ROUTES, S_ROUTES, "ec2", "DescribeRouteTables", filter_param("Filters", "vpc-id", &v),
                     AWS_CALL_PAGINATE, 0, on_routes, NULL, NULL, 0);
    strset_cleanup(&v);
}

static int on_nat(struct collect *c, struct call *k, struct aws_result *res)
{
    (void)k;
    if (res->error.kind == ERR_OK)
        store_items(c, "nat_gateways", res->body, "natGatewaySet", "NatGateways", "natGatewayId",
                    "NatGatewayId");
    return 0;
}

static int on_igw(struct collect *c, struct call *k, struct aws_result *res)
{
    (void)k;
    if (res->error.kind == ERR_OK)
        store_items(c, "internet_gateways", res->body, "internetGatewaySet", "InternetGateways",
                    "internetGatewayId", "InternetGatewayId");
    return 0;
}

void net_gateways_start(struct collect *c)
{
    struct strset v = {0};
    vpc_ids(c, &v);
    if (!v.n) {
        collect_skip(c, S_GATEWAYS, "no VPC known (subnets unavailable)");
    } else {
        /* DescribeNatGateways spells its filter list "Filter". */
        ev_section(c, "network", "nat_gateways");
        ev_section(c, "network", "internet_gateways");
        collect_call(c, N_GATEWAYS, S_GATEWAYS, "ec2", "DescribeNatGateways", filter_param("Filter", "vpc-id", &v),
                     AWS_CALL_PAGINATE, 0, on_nat, NULL, NULL, 0);
        collect_call(c, N_GATEWAYS, S_GATEWAYS, "ec2", "DescribeInternetGateways",
                     filter_param("Filters", "attachment.vpc-id", &v), AWS_CALL_PAGINATE, 0, on_igw, NULL,
                     NULL, 0);
    }
    strset_cleanup(&v);
}

static int on_sgs(struct collect *c, struct call *k, struct aws_result *res)
{
    (void)k;
    if (res->error.kind == ERR_OK)
        store_items(c, "security_groups", res->body, "securityGroupInfo", "SecurityGroups", "groupId",
                    "GroupId");
    return 0;
}

/* Fetches the groups of ids not fetched yet (shared by tasks, load
 * balancers and endpoints: each group once). */
static void describe_sgs(struct collect *c, int node, const struct strset *ids)
{
    struct strset todo = {0};
    size_t i;
    for (i = 0; i < ids->n; i++)
        if (collect_once(c, "sg", ids->v[i]) && strset_add(&todo, ids->v[i]) < 0)
            c->oom = 1;
    for (i = 0; i < todo.n; i += MAX_EC2_IDS)
        collect_call(c, node, S_SG, "ec2", "DescribeSecurityGroups", ids_param("GroupIds", &todo, i, MAX_EC2_IDS),
                     0, 0, on_sgs, NULL, NULL, 0);
    strset_cleanup(&todo);
}

static int on_vpce(struct collect *c, struct call *k, struct aws_result *res)
{
    struct strset sg = {0};
    cJSON *e, *g;
    (void)k;
    if (res->error.kind != ERR_OK)
        return 0;
    store_items(c, "vpc_endpoints", res->body, "vpcEndpointSet", "VpcEndpoints", "vpcEndpointId",
                "VpcEndpointId");
    /* Interface endpoints' groups decide whether the task may reach them. */
    cJSON_ArrayForEach(e, jsonx_pointer(c->ev, "/network/vpc_endpoints")) {
        cJSON *groups = xlist(e, "groupSet");
        if (!groups)
            groups = xlist(e, "Groups");
        cJSON_ArrayForEach(g, groups) {
            const char *id = xstr(g, "groupId") ? xstr(g, "groupId") : xstr(g, "GroupId");
            if (id && strset_add(&sg, id) < 0)
                c->oom = 1;
        }
    }
    describe_sgs(c, N_VPCE, &sg);
    strset_cleanup(&sg);
    return 0;
}

void net_vpce_start(struct collect *c)
{
    struct strset v = {0};
    vpc_ids(c, &v);
    if (!v.n) {
        collect_skip(c, S_VPCE, "no VPC known (subnets unavailable)");
    } else {
        ev_section(c, "network", "vpc_endpoints");
        collect_call(c, N_VPCE, S_VPCE, "ec2", "DescribeVpcEndpoints", filter_param("Filters", "vpc-id", &v),
                     AWS_CALL_PAGINATE, 0, on_vpce, NULL, NULL, 0);
    }
    strset_cleanup(&v);
}

static int on_nacl(struct collect *c, struct call *k, struct aws_result *res)
{
    (void)k;
    if (res->error.kind == ERR_OK)
        store_items(c, "network_acls", res->body, "networkAclSet", "NetworkAcls", "networkAclId",
                    "NetworkAclId");
    return 0;
}

void net_nacl_start(struct collect *c)
{
    struct strset s = {0};
    task_subnets(c, &s);
    if (!s.n)
        collect_skip(c, S_NACL, "no awsvpc subnets (not awsvpc network mode)");
    else
        collect_call(c, N_NACL, S_NACL, "ec2", "DescribeNetworkAcls",
                     filter_param("Filters", "association.subnet-id", &s), AWS_CALL_PAGINATE, 0, on_nacl,
                     NULL, NULL, 0);
    strset_cleanup(&s);
}

void net_sg_start(struct collect *c)
{
    struct strset ids = {0};
    cJSON *lb;
    service_vpc_lists(c, "securityGroups", &ids);
    cJSON_ArrayForEach(lb, jsonx_pointer(c->ev, "/elb/load_balancers")) {
        cJSON *l = xlist(lb, "SecurityGroups");
        add_list(c, &ids, l);
    }
    if (!ids.n && !c->src[S_SG].calls)
        collect_skip(c, S_SG, "no security groups referenced");
    describe_sgs(c, N_SG, &ids);
    strset_cleanup(&ids);
}

static void rule_prefix_lists(struct collect *c, const cJSON *perms, struct strset *out)
{
    cJSON *p, *pl;
    cJSON_ArrayForEach(p, perms) {
        cJSON *lists = xlist(p, "prefixListIds");
        if (!lists)
            lists = xlist(p, "PrefixListIds");
        cJSON_ArrayForEach(pl, lists) {
            const char *id = xstr(pl, "prefixListId") ? xstr(pl, "prefixListId") : xstr(pl, "PrefixListId");
            if (id && strset_add(out, id) < 0)
                c->oom = 1;
        }
    }
}

static int on_prefix(struct collect *c, struct call *k, struct aws_result *res)
{
    (void)k;
    if (res->error.kind == ERR_OK)
        store_items(c, "prefix_lists", res->body, "prefixListSet", "PrefixLists", "prefixListId",
                    "PrefixListId");
    return 0;
}

void net_prefix_start(struct collect *c)
{
    struct strset ids = {0};
    cJSON *sg, *rt, *r;
    cJSON_ArrayForEach(sg, jsonx_pointer(c->ev, "/network/security_groups")) {
        rule_prefix_lists(c, xlist(sg, "ipPermissions"), &ids);
        rule_prefix_lists(c, xlist(sg, "ipPermissionsEgress"), &ids);
    }
    /* Gateway endpoints (S3) show up as routes to a prefix list. */
    cJSON_ArrayForEach(rt, jsonx_pointer(c->ev, "/network/route_tables")) {
        cJSON_ArrayForEach(r, xlist(rt, "routeSet")) {
            const char *id = xstr(r, "destinationPrefixListId");
            if (id && strset_add(&ids, id) < 0)
                c->oom = 1;
        }
    }
    if (ids.n)
        collect_call(c, N_PREFIX, S_SG, "ec2", "DescribeManagedPrefixLists",
                     ids_param("PrefixListIds", &ids, 0, ids.n), AWS_CALL_PAGINATE, 0, on_prefix, NULL,
                     NULL, 0);
    strset_cleanup(&ids);
}

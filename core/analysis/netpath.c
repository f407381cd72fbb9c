/* netpath — see netpath.h.
 *
 * EC2 evidence comes through the XML converter: element names are the wire's
 * lowerCamel names (routeSet, associationSet, ipPermissionsEgress, groups) and
 * every leaf is a string ("true", "443"). Lists may arrive as [] or, when the
 * converter could not tell, as an empty string, so every list read tolerates
 * a non-array. Where the SDK/CLI spelling differs (Routes, Associations) it is
 * accepted too, so a bundle written by hand from `aws ec2 describe-*` output
 * still analyses. */
#include "analysis/netpath.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/iam_eval.h"
#include "ecs_doctor/plugin.h"

#define NOTE_MAX 512

struct np {
    const cJSON *net;
    const char *region, *subnet_id, *vpc, *subnet_cidr, *vpc_cidr;
    const cJSON *rtb;
    const char *rtb_id;
    char rtb_desc[160];
    const char *const *sgs;
    size_t n_sg;
    int public_ip;
    char note[NOTE_MAX];      /* non-fatal observations, appended to the answer */
    char ep_issue[NOTE_MAX];  /* why the endpoint route could not be used */
};

/* ---- small JSON helpers ------------------------------------------------ */

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

/* First present of two spellings (wire name, SDK name). */
static const cJSON *get2(const cJSON *o, const char *a, const char *b)
{
    const cJSON *v = get(o, a);
    return v ? v : get(o, b);
}

static const char *sget(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(get(o, k));
}

static const char *sget2(const cJSON *o, const char *a, const char *b)
{
    const char *v = sget(o, a);
    return v ? v : sget(o, b);
}

static int truthy(const cJSON *n)
{
    return cJSON_IsTrue(n) || (cJSON_IsString(n) && strcasecmp(n->valuestring, "true") == 0);
}

/* A number or numeric string; dflt otherwise. */
static long num(const cJSON *n, long dflt)
{
    char *end;
    long v;
    if (cJSON_IsNumber(n))
        return (long)n->valuedouble;
    if (!cJSON_IsString(n) || !n->valuestring[0])
        return dflt;
    v = strtol(n->valuestring, &end, 10);
    return *end ? dflt : v;
}

/* Iterates a list that may not be an array (then it is empty). */
#define EACH(it, list) for (it = cJSON_IsArray(list) ? (list)->child : NULL; it; it = it->next)

static void append(char *buf, size_t sz, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void append(char *buf, size_t sz, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    if (len + 1 >= sz)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + len, sz - len, fmt, ap);
    va_end(ap);
}

/* ---- IPv4 CIDRs -------------------------------------------------------- */

static int cidr_parse(const char *s, uint32_t *net, int *len)
{
    unsigned a, b, c, d;
    int n, used = 0;
    if (!s || sscanf(s, "%u.%u.%u.%u/%d%n", &a, &b, &c, &d, &n, &used) != 5 || s[used] ||
        a > 255 || b > 255 || c > 255 || d > 255 || n < 0 || n > 32)
        return 0;
    *net = (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
    *len = n;
    return 1;
}

/* 1 when every address of inner lies inside outer. */
static int cidr_contains(const char *outer, const char *inner)
{
    uint32_t on, in, mask;
    int ol, il;
    if (!cidr_parse(outer, &on, &ol) || !cidr_parse(inner, &in, &il) || il < ol)
        return 0;
    mask = ol == 0 ? 0 : 0xFFFFFFFFu << (32 - ol);
    return (on & mask) == (in & mask);
}

/* ---- lookups ------------------------------------------------------------ */

static const cJSON *section(const struct np *p, const char *name)
{
    const cJSON *s = get(p->net, name);
    return cJSON_IsObject(s) ? s : NULL;
}

static const cJSON *lookup(const struct np *p, const char *sect, const char *id)
{
    return id ? get(section(p, sect), id) : NULL;
}

/* The subnet's route table: explicit association, else the VPC's main one. */
static const cJSON *route_table_for(const struct np *p, const char *subnet, const char *vpc,
                                    int *is_main)
{
    const cJSON *rt, *as, *main_rt = NULL;
    cJSON_ArrayForEach(rt, section(p, "route_tables"))
    {
        EACH(as, get2(rt, "associationSet", "Associations"))
        {
            const char *sid = sget2(as, "subnetId", "SubnetId");
            if (sid && subnet && strcmp(sid, subnet) == 0) {
                *is_main = 0;
                return rt;
            }
            if (truthy(get2(as, "main", "Main")) && vpc) {
                const char *rv = sget2(rt, "vpcId", "VpcId");
                if (rv && strcmp(rv, vpc) == 0)
                    main_rt = rt;
            }
        }
    }
    *is_main = 1;
    return main_rt;
}

static const char *rt_id(const cJSON *rt)
{
    const char *id = sget2(rt, "routeTableId", "RouteTableId");
    return id ? id : (rt && rt->string ? rt->string : "?");
}

static const cJSON *default_route(const cJSON *rt)
{
    const cJSON *r;
    EACH(r, get2(rt, "routeSet", "Routes"))
    {
        const char *d = sget2(r, "destinationCidrBlock", "DestinationCidrBlock");
        if (d && strcmp(d, "0.0.0.0/0") == 0)
            return r;
    }
    return NULL;
}

static const char *route_target(const cJSON *r)
{
    static const char *const keys[][2] = {
        {"natGatewayId", "NatGatewayId"},         {"gatewayId", "GatewayId"},
        {"transitGatewayId", "TransitGatewayId"}, {"vpcPeeringConnectionId", "VpcPeeringConnectionId"},
        {"networkInterfaceId", "NetworkInterfaceId"}, {"instanceId", "InstanceId"},
        {"egressOnlyInternetGatewayId", "EgressOnlyInternetGatewayId"},
        {"localGatewayId", "LocalGatewayId"},     {"carrierGatewayId", "CarrierGatewayId"}};
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = sget2(r, keys[i][0], keys[i][1]);
        if (v && *v)
            return v;
    }
    return NULL;
}

static int state_available(const char *state)
{
    return state && strcasecmp(state, "available") == 0;
}

/* An endpoint of the VPC for com.amazonaws.<region>.<svc> of the given type
 * ("Interface" / "Gateway"); an available one is preferred. */
static const cJSON *find_endpoint(const struct np *p, const char *svc, const char *type)
{
    char name[128];
    const cJSON *ep, *found = NULL;
    snprintf(name, sizeof name, "com.amazonaws.%s.%s", p->region ? p->region : "", svc);
    cJSON_ArrayForEach(ep, section(p, "vpc_endpoints"))
    {
        const char *sn = sget2(ep, "serviceName", "ServiceName");
        const char *vpc = sget2(ep, "vpcId", "VpcId");
        const char *t = sget2(ep, "vpcEndpointType", "VpcEndpointType");
        if (!sn || strcmp(sn, name) != 0 || !vpc || !p->vpc || strcmp(vpc, p->vpc) != 0)
            continue;
        if (t && strcasecmp(t, type) != 0)
            continue;
        if (!t && strcmp(type, "Interface") != 0)
            continue;
        if (!found || state_available(sget2(ep, "state", "State")))
            found = ep;
    }
    return found;
}

static const char *ep_id(const cJSON *ep)
{
    const char *id = sget2(ep, "vpcEndpointId", "VpcEndpointId");
    return id ? id : (ep && ep->string ? ep->string : "?");
}

static int vpc_has_available_nat(const struct np *p)
{
    const cJSON *n;
    cJSON_ArrayForEach(n, section(p, "nat_gateways"))
    {
        const char *v = sget2(n, "vpcId", "VpcId"), *ct = sget2(n, "connectivityType", "ConnectivityType");
        if (v && p->vpc && strcmp(v, p->vpc) == 0 && state_available(sget2(n, "state", "State")) &&
            (!ct || strcasecmp(ct, "public") == 0))
            return 1;
    }
    return 0;
}

/* Is the VPC built to reach the task's dependencies through endpoints (no
 * NAT)? Then a missing one is an endpoint misconfiguration rather than "no
 * route". ECR's own endpoints (or the S3 gateway) say so; a lone logs or
 * secrets endpoint in a VPC that has a NAT gateway is an optimisation, and
 * there the broken path is the route. */
static int vpc_uses_endpoints(const struct np *p)
{
    static const char *const core_svcs[] = {"ecr.api", "ecr.dkr", "s3"};
    static const char *const other[] = {"logs", "secretsmanager", "ssm", "sts"};
    size_t i;
    for (i = 0; i < sizeof core_svcs / sizeof core_svcs[0]; i++)
        if (find_endpoint(p, core_svcs[i], "Interface") || find_endpoint(p, core_svcs[i], "Gateway"))
            return 1;
    if (vpc_has_available_nat(p))
        return 0;
    for (i = 0; i < sizeof other / sizeof other[0]; i++)
        if (find_endpoint(p, other[i], "Interface"))
            return 1;
    return 0;
}

/* ---- security groups ----------------------------------------------------- */

/* Does one permission cover tcp/port? */
static int perm_covers(const cJSON *perm, long port)
{
    const char *proto = sget2(perm, "ipProtocol", "IpProtocol");
    long from, to;
    if (!proto)
        return 0;
    if (strcmp(proto, "-1") == 0 || strcasecmp(proto, "all") == 0)
        return 1;
    if (strcasecmp(proto, "tcp") != 0 && strcmp(proto, "6") != 0)
        return 0;
    from = num(get2(perm, "fromPort", "FromPort"), -1);
    to = num(get2(perm, "toPort", "ToPort"), -1);
    return from >= 0 && to >= from && port >= from && port <= to;
}

/* Where a task's egress must go: 0.0.0.0/0, a prefix list, or an endpoint
 * (its security groups, or a CIDR holding its subnets / the VPC). */
struct dest {
    int any;
    const char *pl;
    const cJSON *ep;
};

static int list_has_str(const cJSON *list, const char *key, const char *key2, const char *v)
{
    const cJSON *it;
    EACH(it, list)
    {
        const char *s = cJSON_IsString(it) ? it->valuestring : sget2(it, key, key2);
        if (s && v && strcmp(s, v) == 0)
            return 1;
    }
    return 0;
}

static int cidr_reaches_endpoint(const struct np *p, const char *cidr, const cJSON *ep)
{
    const cJSON *s;
    if (p->vpc_cidr && cidr_contains(cidr, p->vpc_cidr))
        return 1;
    EACH(s, get2(ep, "subnetIdSet", "SubnetIds"))
    {
        const cJSON *sub = lookup(p, "subnets", cJSON_GetStringValue(s));
        const char *sc = sget2(sub, "cidrBlock", "CidrBlock");
        if (sc && cidr_contains(cidr, sc))
            return 1;
    }
    return 0;
}

static int egress_perm_reaches(const struct np *p, const cJSON *perm, const struct dest *d)
{
    const cJSON *r, *g;
    EACH(r, get2(perm, "ipRanges", "IpRanges"))
    {
        const char *c = sget2(r, "cidrIp", "CidrIp");
        if (!c)
            continue;
        if (strcmp(c, "0.0.0.0/0") == 0)
            return 1;
        if (d->ep && cidr_reaches_endpoint(p, c, d->ep))
            return 1;
    }
    if (d->pl && list_has_str(get2(perm, "prefixListIds", "PrefixListIds"), "prefixListId",
                              "PrefixListId", d->pl))
        return 1;
    if (d->ep) {
        EACH(g, get2(perm, "groups", "UserIdGroupPairs"))
        {
            const char *gid = sget2(g, "groupId", "GroupId");
            if (gid && list_has_str(get2(d->ep, "groupSet", "Groups"), "groupId", "GroupId", gid))
                return 1;
        }
    }
    return 0;
}

static void sg_list(const struct np *p, char *out, size_t sz)
{
    size_t i;
    out[0] = '\0';
    for (i = 0; i < p->n_sg; i++)
        append(out, sz, "%s%s", i ? ", " : "", p->sgs[i] ? p->sgs[i] : "?");
}

/* 1 allowed, 0 blocked, -1 a group is not in the evidence. */
static int sg_egress_ok(const struct np *p, const struct dest *d, char *missing, size_t msz)
{
    size_t i;
    if (p->n_sg == 0)
        return 1; /* no groups given: nothing to filter (the caller said so) */
    for (i = 0; i < p->n_sg; i++) {
        const cJSON *sg = lookup(p, "security_groups", p->sgs[i]), *perm;
        if (!sg) {
            snprintf(missing, msz, "%s", p->sgs[i] ? p->sgs[i] : "?");
            return -1;
        }
        EACH(perm, get2(sg, "ipPermissionsEgress", "IpPermissionsEgress"))
        {
            if (perm_covers(perm, 443) && egress_perm_reaches(p, perm, d))
                return 1;
        }
    }
    return 0;
}

/* Does the endpoint's group admit tcp/443 from the task? 1 yes, 0 no, -1 unknown. */
static int endpoint_ingress_ok(const struct np *p, const cJSON *ep, char *which, size_t wsz)
{
    const cJSON *g, *perm, *r, *pair;
    int seen = 0;
    which[0] = '\0';
    EACH(g, get2(ep, "groupSet", "Groups"))
    {
        const char *gid = sget2(g, "groupId", "GroupId");
        const cJSON *sg = lookup(p, "security_groups", gid);
        append(which, wsz, "%s%s", which[0] ? ", " : "", gid ? gid : "?");
        if (!sg)
            continue;
        seen++;
        EACH(perm, get2(sg, "ipPermissions", "IpPermissions"))
        {
            size_t i;
            if (!perm_covers(perm, 443))
                continue;
            EACH(r, get2(perm, "ipRanges", "IpRanges"))
            {
                const char *c = sget2(r, "cidrIp", "CidrIp");
                if (c && p->subnet_cidr && cidr_contains(c, p->subnet_cidr))
                    return 1;
            }
            EACH(pair, get2(perm, "groups", "UserIdGroupPairs"))
            {
                const char *src = sget2(pair, "groupId", "GroupId");
                for (i = 0; src && i < p->n_sg; i++)
                    if (p->sgs[i] && strcmp(p->sgs[i], src) == 0)
                        return 1;
            }
        }
    }
    return seen ? 0 : -1;
}

/* ---- network ACLs -------------------------------------------------------- */

static const cJSON *nacl_for(const struct np *p)
{
    const cJSON *acl, *as, *dflt = NULL;
    cJSON_ArrayForEach(acl, section(p, "network_acls"))
    {
        const char *vpc = sget2(acl, "vpcId", "VpcId");
        EACH(as, get2(acl, "associationSet", "Associations"))
        {
            const char *sid = sget2(as, "subnetId", "SubnetId");
            if (sid && strcmp(sid, p->subnet_id) == 0)
                return acl;
        }
        if (truthy(get2(acl, "default", "IsDefault")) && vpc && p->vpc && strcmp(vpc, p->vpc) == 0)
            dflt = acl;
    }
    return dflt;
}

/* First-match evaluation by rule number of one direction for tcp/port and a
 * peer CIDR. Returns 1 allow, 0 deny; *rule receives the deciding number
 * (-1 for the implicit final deny). */
static int nacl_allows(const cJSON *acl, int egress, long port, const char *peer, long *rule)
{
    const cJSON *e, *best = NULL;
    long best_no = 0;
    EACH(e, get2(acl, "entrySet", "Entries"))
    {
        const char *proto = sget2(e, "protocol", "Protocol");
        const char *cidr = sget2(e, "cidrBlock", "CidrBlock");
        const cJSON *pr = get2(e, "portRange", "PortRange");
        long no = num(get2(e, "ruleNumber", "RuleNumber"), -1);
        if (truthy(get2(e, "egress", "Egress")) != egress || no < 0 || !cidr ||
            !cidr_contains(cidr, peer) || !proto)
            continue;
        if (strcmp(proto, "-1") != 0) {
            long from, to;
            if (strcmp(proto, "6") != 0 && strcasecmp(proto, "tcp") != 0)
                continue;
            from = num(get2(pr, "from", "From"), -1);
            to = num(get2(pr, "to", "To"), -1);
            if (port < from || port > to)
                continue;
        }
        if (!best || no < best_no) {
            best = e;
            best_no = no;
        }
    }
    *rule = best ? best_no : -1;
    if (!best)
        return 0;
    {
        const char *act = sget2(best, "ruleAction", "RuleAction");
        return act && strcasecmp(act, "allow") == 0;
    }
}

/* 1 ok, 0 blocked (why filled). peer: the CIDR on the other side. */
static int nacl_ok(struct np *p, const char *peer, char *why, size_t whylen)
{
    const cJSON *acl;
    const char *id;
    long rule;
    if (!section(p, "network_acls")) {
        append(p->note, sizeof p->note, "%snetwork ACLs are not in the evidence and were not checked",
               p->note[0] ? "; " : "");
        return 1;
    }
    acl = nacl_for(p);
    if (!acl) {
        append(p->note, sizeof p->note, "%sno network ACL of %s found in the evidence",
               p->note[0] ? "; " : "", p->subnet_id);
        return 1;
    }
    id = sget2(acl, "networkAclId", "NetworkAclId");
    if (!id)
        id = acl->string ? acl->string : "?";
    if (!nacl_allows(acl, 1, 443, peer, &rule)) {
        if (rule < 0)
            snprintf(why, whylen, "nacl: network ACL %s of %s has no rule allowing outbound tcp/443 to %s",
                     id, p->subnet_id, peer);
        else
            snprintf(why, whylen, "nacl: network ACL %s of %s denies outbound tcp/443 to %s (rule %ld)",
                     id, p->subnet_id, peer, rule);
        return 0;
    }
    /* Return traffic lands on an ephemeral port (Linux uses 32768-60999). */
    if (!nacl_allows(acl, 0, 40000, peer, &rule)) {
        if (rule < 0)
            snprintf(why, whylen,
                     "nacl: network ACL %s of %s has no rule allowing inbound ephemeral ports "
                     "(1024-65535) from %s, so responses on 443 are dropped",
                     id, p->subnet_id, peer);
        else
            snprintf(why, whylen,
                     "nacl: network ACL %s of %s denies inbound ephemeral ports (rule %ld) from %s, "
                     "so responses on 443 are dropped",
                     id, p->subnet_id, rule, peer);
        return 0;
    }
    return 1;
}

/* ---- the hops --------------------------------------------------------------- */

static int finish_yes(struct np *p, char *why, size_t whylen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static int finish_yes(struct np *p, char *why, size_t whylen, const char *fmt, ...)
{
    char head[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    if (p->ep_issue[0])
        append(p->note, sizeof p->note, "%s%s", p->note[0] ? "; " : "", p->ep_issue);
    if (p->note[0])
        snprintf(why, whylen, "ok: %s (%s)", head, p->note);
    else
        snprintf(why, whylen, "ok: %s", head);
    return EDOC_REACH_YES;
}

static int check_sg(struct np *p, const struct dest *d, const char *to, char *why, size_t whylen)
{
    char missing[64], sgs[256];
    int r = sg_egress_ok(p, d, missing, sizeof missing);
    if (r < 0) {
        snprintf(why, whylen, "evidence: security group %s is not in the evidence (ec2.security_groups)",
                 missing);
        return EDOC_REACH_UNKNOWN;
    }
    if (r == 0) {
        sg_list(p, sgs, sizeof sgs);
        snprintf(why, whylen, "sg_egress: security group%s %s allow%s no egress on tcp/443 to %s",
                 p->n_sg > 1 ? "s" : "", sgs, p->n_sg > 1 ? "" : "s", to);
        return EDOC_REACH_NO;
    }
    return 0;
}

/* Through an interface endpoint with private DNS: the name resolves to the
 * endpoint's addresses, so this is the only path and it must work. */
static int via_interface(struct np *p, const cJSON *ep, const char *svcname, char *why,
                         size_t whylen)
{
    struct dest d = {0, NULL, ep};
    char to[200], groups[200];
    int r;
    snprintf(to, sizeof to, "the %s endpoint %s", svcname, ep_id(ep));
    if ((r = check_sg(p, &d, to, why, whylen)) != 0)
        return r;
    r = endpoint_ingress_ok(p, ep, groups, sizeof groups);
    if (r == 0) {
        snprintf(why, whylen,
                 "endpoint_sg: security group %s of endpoint %s (%s) allows no inbound tcp/443 from "
                 "the task's security groups or subnet CIDR %s",
                 groups[0] ? groups : "(none)", ep_id(ep), svcname,
                 p->subnet_cidr ? p->subnet_cidr : "?");
        return EDOC_REACH_NO;
    }
    if (r < 0)
        append(p->note, sizeof p->note, "%ssecurity group %s of endpoint %s is not in the evidence",
               p->note[0] ? "; " : "", groups[0] ? groups : "(none)", ep_id(ep));
    if (!nacl_ok(p, p->vpc_cidr ? p->vpc_cidr : (p->subnet_cidr ? p->subnet_cidr : "0.0.0.0/0"),
                 why, whylen))
        return EDOC_REACH_NO;
    return finish_yes(p, why, whylen, "via interface endpoint %s (%s)", ep_id(ep), svcname);
}

static int gateway_associated(const struct np *p, const cJSON *gw, const char **pl)
{
    const cJSON *r;
    int assoc = list_has_str(get2(gw, "routeTableIdSet", "RouteTableIds"), "routeTableId",
                             "RouteTableId", p->rtb_id);
    *pl = NULL;
    EACH(r, get2(p->rtb, "routeSet", "Routes"))
    {
        const char *plid = sget2(r, "destinationPrefixListId", "DestinationPrefixListId");
        const char *gid = sget2(r, "gatewayId", "GatewayId");
        if (plid && gid && strcmp(gid, ep_id(gw)) == 0) {
            *pl = plid;
            assoc = 1;
        }
    }
    return assoc;
}

/* The prefix list of the S3 service, for SG rules written against it. */
static const char *s3_prefix_list(const struct np *p, char *name, size_t nsz)
{
    const cJSON *pl;
    snprintf(name, nsz, "com.amazonaws.%s.s3", p->region ? p->region : "");
    cJSON_ArrayForEach(pl, section(p, "prefix_lists"))
    {
        const char *n = sget2(pl, "prefixListName", "PrefixListName");
        if (n && strcmp(n, name) == 0)
            return sget2(pl, "prefixListId", "PrefixListId") ? sget2(pl, "prefixListId", "PrefixListId")
                                                              : pl->string;
    }
    return NULL;
}

/* ECR serves image layers from the S3 bucket prod-<region>-starport-layer-bucket;
 * a gateway endpoint policy that restricts S3 to the account's own buckets
 * breaks every pull with a 403 (AWS: "Minimum Amazon S3 bucket permissions for
 * Amazon ECR"). Returns EDOC_REACH_NO with why filled, or 0. The policy is a
 * JSON string on the wire, parsed here. */
static int gateway_policy_ok(struct np *p, const cJSON *gw, char *why, size_t whylen)
{
    const cJSON *pol = get2(gw, "policyDocument", "PolicyDocument");
    cJSON *parsed = NULL;
    char res[160], name[128], pwhy[480];
    int d, rv = 0;
    if (cJSON_IsString(pol))
        pol = parsed = cJSON_Parse(pol->valuestring);
    if (!cJSON_IsObject(pol))
        goto out;
    snprintf(res, sizeof res, "arn:aws:s3:::prod-%s-starport-layer-bucket/*", p->region ? p->region : "?");
    snprintf(name, sizeof name, "S3 gateway endpoint %s", ep_id(gw));
    d = iam_eval_policy(pol, name, "s3:GetObject", res, pwhy, sizeof pwhy);
    if (d == EDOC_IAM_IMPLICIT_DENY || d == EDOC_IAM_EXPLICIT_DENY) {
        snprintf(why, whylen, "endpoint_policy: %s (ECR serves image layers from that bucket)", pwhy);
        rv = EDOC_REACH_NO;
    } else if (d == EDOC_IAM_CONDITIONAL) {
        append(p->note, sizeof p->note, "%s%s", p->note[0] ? "; " : "", pwhy);
    }
out:
    cJSON_Delete(parsed);
    return rv;
}

/* The S3 gateway endpoint: an enum edoc_reach (why filled), or 0 when it is
 * not associated with the task's route table (then the other paths apply). */
static int via_gateway(struct np *p, const cJSON *gw, char *why, size_t whylen)
{
    const char *pl = NULL;
    char plname[96];
    struct dest d = {0, NULL, NULL};
    char to[200];
    int r;
    if (!gateway_associated(p, gw, &pl)) {
        snprintf(p->ep_issue, sizeof p->ep_issue,
                 "S3 gateway endpoint %s exists in %s but is not associated with %s", ep_id(gw),
                 p->vpc, p->rtb_desc);
        return 0;
    }
    if (!state_available(sget2(gw, "state", "State"))) {
        snprintf(why, whylen, "endpoint: S3 gateway endpoint %s is in state %s, not available",
                 ep_id(gw), sget2(gw, "state", "State") ? sget2(gw, "state", "State") : "unknown");
        return EDOC_REACH_NO;
    }
    if ((r = gateway_policy_ok(p, gw, why, whylen)) != 0)
        return r;
    if (!pl)
        pl = s3_prefix_list(p, plname, sizeof plname);
    d.pl = pl;
    snprintf(to, sizeof to, "0.0.0.0/0 or the S3 prefix list%s%s (gateway endpoint %s)",
             pl ? " " : "", pl ? pl : "", ep_id(gw));
    if ((r = check_sg(p, &d, to, why, whylen)) != 0)
        return r;
    if (!nacl_ok(p, "0.0.0.0/0", why, whylen))
        return EDOC_REACH_NO;
    return finish_yes(p, why, whylen, "via S3 gateway endpoint %s associated with %s", ep_id(gw),
                      p->rtb_desc);
}

/* A failure on the route path: with endpoints in use (or an endpoint problem
 * noted) it is reported as an endpoint hop. */
static int route_fail(struct np *p, const char *svcname, const char *tag, char *why,
                      size_t whylen, const char *detail)
{
    if (svcname && p->ep_issue[0])
        snprintf(why, whylen, "endpoint: %s, and %s", p->ep_issue, detail);
    else if (svcname && vpc_uses_endpoints(p))
        snprintf(why, whylen,
                 "endpoint: %s uses VPC endpoints but has no %s endpoint%s, and %s", p->vpc,
                 svcname, strstr(svcname, ".s3") ? " (gateway) associated with that route table" : "",
                 detail);
    else if (svcname)
        snprintf(why, whylen, "%s: %s, and %s has no %s endpoint", tag, detail, p->vpc, svcname);
    else
        snprintf(why, whylen, "%s: %s", tag, detail);
    return EDOC_REACH_NO;
}

static int via_route(struct np *p, const char *svcname, char *why, size_t whylen)
{
    const cJSON *r = default_route(p->rtb);
    const char *target, *state;
    char detail[400];
    struct dest any = {1, NULL, NULL};
    int rv;

    if (!r) {
        snprintf(detail, sizeof detail, "%s has no 0.0.0.0/0 route", p->rtb_desc);
        return route_fail(p, svcname, "route", why, whylen, detail);
    }
    target = route_target(r);
    state = sget2(r, "state", "State");
    if (state && strcasecmp(state, "blackhole") == 0) {
        snprintf(detail, sizeof detail,
                 "the 0.0.0.0/0 route of %s points to %s, which no longer exists (state blackhole)",
                 p->rtb_desc, target ? target : "a deleted target");
        return route_fail(p, svcname, "blackhole", why, whylen, detail);
    }
    if (!target) {
        snprintf(why, whylen, "evidence: the 0.0.0.0/0 route of %s names no target", p->rtb_desc);
        return EDOC_REACH_UNKNOWN;
    }
    if (strncmp(target, "nat-", 4) == 0) {
        const cJSON *nat = lookup(p, "nat_gateways", target), *nrt, *nr;
        const char *ns, *nsub, *ntgt;
        int main_;
        if (!nat) {
            snprintf(why, whylen, "evidence: NAT gateway %s (0.0.0.0/0 of %s) is not in the evidence "
                                  "(ec2.gateways)", target, p->rtb_desc);
            return EDOC_REACH_UNKNOWN;
        }
        ns = sget2(nat, "state", "State");
        if (!state_available(ns)) {
            snprintf(detail, sizeof detail, "the 0.0.0.0/0 route of %s goes to NAT gateway %s, which is %s",
                     p->rtb_desc, target, ns ? ns : "in an unknown state");
            return route_fail(p, svcname, "nat", why, whylen, detail);
        }
        if (sget2(nat, "connectivityType", "ConnectivityType") &&
            strcasecmp(sget2(nat, "connectivityType", "ConnectivityType"), "private") == 0) {
            snprintf(detail, sizeof detail,
                     "the 0.0.0.0/0 route of %s goes to NAT gateway %s, a private NAT gateway that "
                     "cannot reach the internet", p->rtb_desc, target);
            return route_fail(p, svcname, "nat", why, whylen, detail);
        }
        nsub = sget2(nat, "subnetId", "SubnetId");
        nrt = route_table_for(p, nsub, p->vpc, &main_);
        if (!nrt) {
            snprintf(why, whylen, "evidence: the route table of %s (subnet of NAT gateway %s) is not in "
                                  "the evidence", nsub ? nsub : "?", target);
            return EDOC_REACH_UNKNOWN;
        }
        nr = default_route(nrt);
        ntgt = nr ? route_target(nr) : NULL;
        if (!ntgt || strncmp(ntgt, "igw-", 4) != 0 ||
            (sget2(nr, "state", "State") && strcasecmp(sget2(nr, "state", "State"), "blackhole") == 0)) {
            snprintf(detail, sizeof detail,
                     "NAT gateway %s sits in %s, whose route table %s has no 0.0.0.0/0 route to an "
                     "internet gateway", target, nsub ? nsub : "?", rt_id(nrt));
            return route_fail(p, svcname, "nat", why, whylen, detail);
        }
        target = ntgt; /* continue with the IGW check, the NAT supplies the public IP */
        {
            const cJSON *igw = lookup(p, "internet_gateways", target), *a;
            int attached = 0;
            if (!igw) {
                snprintf(why, whylen, "evidence: internet gateway %s is not in the evidence", target);
                return EDOC_REACH_UNKNOWN;
            }
            EACH(a, get2(igw, "attachmentSet", "Attachments"))
            {
                const char *v = sget2(a, "vpcId", "VpcId"), *st = sget2(a, "state", "State");
                if (v && strcmp(v, p->vpc) == 0 && st &&
                    (strcasecmp(st, "available") == 0 || strcasecmp(st, "attached") == 0))
                    attached = 1;
            }
            if (!attached) {
                snprintf(detail, sizeof detail, "internet gateway %s behind NAT gateway %s is not attached to %s",
                         target, sget2(nat, "natGatewayId", "NatGatewayId") ? sget2(nat, "natGatewayId", "NatGatewayId") : "?", p->vpc);
                return route_fail(p, svcname, "igw", why, whylen, detail);
            }
        }
        if ((rv = check_sg(p, &any, "0.0.0.0/0", why, whylen)) != 0)
            return rv;
        if (!nacl_ok(p, "0.0.0.0/0", why, whylen))
            return EDOC_REACH_NO;
        return finish_yes(p, why, whylen, "via NAT gateway %s (route table %s)",
                          sget2(nat, "natGatewayId", "NatGatewayId") ? sget2(nat, "natGatewayId", "NatGatewayId") : nat->string,
                          p->rtb_id);
    }
    if (strncmp(target, "igw-", 4) == 0) {
        const cJSON *igw = lookup(p, "internet_gateways", target), *a;
        int attached = 0;
        if (!igw) {
            snprintf(why, whylen, "evidence: internet gateway %s is not in the evidence (ec2.gateways)",
                     target);
            return EDOC_REACH_UNKNOWN;
        }
        EACH(a, get2(igw, "attachmentSet", "Attachments"))
        {
            const char *v = sget2(a, "vpcId", "VpcId"), *st = sget2(a, "state", "State");
            if (v && strcmp(v, p->vpc) == 0 && st &&
                (strcasecmp(st, "available") == 0 || strcasecmp(st, "attached") == 0))
                attached = 1;
        }
        if (!attached) {
            snprintf(detail, sizeof detail, "the 0.0.0.0/0 route of %s goes to internet gateway %s, "
                                            "which is not attached to %s", p->rtb_desc, target, p->vpc);
            return route_fail(p, svcname, "igw", why, whylen, detail);
        }
        if (!p->public_ip) {
            snprintf(detail, sizeof detail,
                     "%s routes 0.0.0.0/0 to internet gateway %s but the task has no public IP "
                     "(assignPublicIp is DISABLED)", p->rtb_desc, target);
            return route_fail(p, svcname, "public_ip", why, whylen, detail);
        }
        if ((rv = check_sg(p, &any, "0.0.0.0/0", why, whylen)) != 0)
            return rv;
        if (!nacl_ok(p, "0.0.0.0/0", why, whylen))
            return EDOC_REACH_NO;
        return finish_yes(p, why, whylen, "via internet gateway %s with the task's public IP (route table %s)",
                          target, p->rtb_id);
    }
    snprintf(why, whylen,
             "other: the 0.0.0.0/0 route of %s goes to %s; the path beyond it is not analysed",
             p->rtb_desc, target);
    return EDOC_REACH_UNKNOWN;
}

static int known_service(const char *s)
{
    static const char *const all[] = {"ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager", "ssm",
                                      "sts", "internet"};
    size_t i;
    for (i = 0; s && i < sizeof all / sizeof all[0]; i++)
        if (strcmp(s, all[i]) == 0)
            return 1;
    return 0;
}

int netpath_reach(const cJSON *evidence, const char *subnet_id, const char *const *sg_ids,
                  size_t n_sg, int assign_public_ip, const char *service, char *why,
                  size_t whylen)
{
    struct np p;
    const cJSON *subnet, *vpc;
    const cJSON *ep = NULL;
    char svcname[128], dummy[2];
    int is_main = 0, internet;

    if (!why || !whylen) {
        why = dummy;
        whylen = sizeof dummy;
    }
    memset(&p, 0, sizeof p);
    if (!known_service(service)) {
        snprintf(why, whylen, "evidence: unknown service '%s'", service ? service : "(null)");
        return EDOC_REACH_UNKNOWN;
    }
    internet = strcmp(service, "internet") == 0;
    p.net = get(evidence, "network");
    p.region = sget(get(evidence, "target"), "region");
    p.subnet_id = subnet_id;
    p.sgs = sg_ids;
    p.n_sg = sg_ids ? n_sg : 0;
    p.public_ip = assign_public_ip;
    if (!cJSON_IsObject(p.net)) {
        snprintf(why, whylen, "evidence: the network section is not in the evidence");
        return EDOC_REACH_UNKNOWN;
    }
    if (!subnet_id || !(subnet = lookup(&p, "subnets", subnet_id))) {
        snprintf(why, whylen, "evidence: subnet %s is not in the evidence (ec2.subnets)",
                 subnet_id ? subnet_id : "(none)");
        return EDOC_REACH_UNKNOWN;
    }
    p.vpc = sget2(subnet, "vpcId", "VpcId");
    p.subnet_cidr = sget2(subnet, "cidrBlock", "CidrBlock");
    vpc = lookup(&p, "vpcs", p.vpc);
    p.vpc_cidr = sget2(vpc, "cidrBlock", "CidrBlock");
    if (!p.vpc) {
        snprintf(why, whylen, "evidence: subnet %s has no vpcId in the evidence", subnet_id);
        return EDOC_REACH_UNKNOWN;
    }
    if (!section(&p, "route_tables")) {
        snprintf(why, whylen, "evidence: route tables are not in the evidence (ec2.route_tables)");
        return EDOC_REACH_UNKNOWN;
    }
    p.rtb = route_table_for(&p, subnet_id, p.vpc, &is_main);
    if (!p.rtb) {
        snprintf(why, whylen,
                 "evidence: no route table is associated with %s and the main table of %s is not in "
                 "the evidence", subnet_id, p.vpc);
        return EDOC_REACH_UNKNOWN;
    }
    p.rtb_id = rt_id(p.rtb);
    if (is_main)
        snprintf(p.rtb_desc, sizeof p.rtb_desc, "route table %s (main table of %s)", p.rtb_id, p.vpc);
    else
        snprintf(p.rtb_desc, sizeof p.rtb_desc, "route table %s (associated with %s)", p.rtb_id,
                 subnet_id);

    if (internet)
        return via_route(&p, NULL, why, whylen);

    snprintf(svcname, sizeof svcname, "com.amazonaws.%s.%s", p.region ? p.region : "?", service);
    if (!section(&p, "vpc_endpoints"))
        append(p.note, sizeof p.note, "VPC endpoints are not in the evidence and were not considered");
    if (strcmp(service, "s3") == 0) {
        const cJSON *gw = find_endpoint(&p, "s3", "Gateway");
        if (gw) {
            int r = via_gateway(&p, gw, why, whylen);
            if (r != 0)
                return r;
        }
    }
    ep = find_endpoint(&p, service, "Interface");
    if (ep) {
        const char *st = sget2(ep, "state", "State");
        if (!state_available(st))
            snprintf(p.ep_issue, sizeof p.ep_issue, "interface endpoint %s (%s) is in state %s, not available",
                     ep_id(ep), svcname, st ? st : "unknown");
        else if (!truthy(get2(ep, "privateDnsEnabled", "PrivateDnsEnabled")))
            snprintf(p.ep_issue, sizeof p.ep_issue,
                     "interface endpoint %s (%s) has private DNS disabled, so the service name "
                     "resolves to public addresses", ep_id(ep), svcname);
        else
            return via_interface(&p, ep, svcname, why, whylen);
    }
    return via_route(&p, svcname, why, whylen);
}

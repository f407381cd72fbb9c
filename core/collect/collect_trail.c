/* collect_trail — the change history (evidence `changes`): CloudTrail
 * LookupEvents over the window plus a margin before it — the account's write
 * events, kept when they touch a resource already in the evidence, and
 * per-resource lookups when the account is too busy for that — newest
 * first. Each kept event carries CloudTrail's
 * own fields, the actor (identity ARN or type, and how they came: console,
 * cli, sdk, service), the ids it touched and the request parameters that
 * matter, from an allowlist: a task definition's environment or a policy
 * document never enters the evidence through here. */
#include "collect/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/jsonx.h"
#include "util/strutil.h"

/* LookupEvents takes one lookup attribute per call and AWS allows 2 calls
 * per second per account (the client's rate limiter enforces it), so the
 * per-resource fallback is ordered by how often a change to a resource
 * breaks a service and capped: 20 calls are 10 seconds. */
#define TRAIL_MAX_RESOURCES 20
#define TRAIL_MAX_CHANGES 100
#define TRAIL_PAGE 50
/* Changes that break a service often land a while before the first task
 * fails (a route deleted before the next deployment pulls). */
#define TRAIL_MARGIN_S 3600
#define TRAIL_MAX_IDS 16
#define TRAIL_MAX_NAMES 200     /* resources an event is matched against */
#define TRAIL_WRITE_EVENTS 200  /* account-wide write events read first (4 pages) */

/* ---- turning one CloudTrail event into a change (pure) ---- */

/* Request parameters kept verbatim when they are scalars: ids, names and the
 * few settings a responder asks about. Everything else is dropped. */
static const char *const kept_params[] = {
    "routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId",
    "natGatewayId", "gatewayId", "instanceId", "networkInterfaceId", "vpcPeeringConnectionId",
    "transitGatewayId", "vpcEndpointId", "associationId", "subnetId", "groupId", "groupName",
    "roleName", "policyArn", "policyName", "targetGroupArn", "loadBalancerArn", "healthCheckPath",
    "healthCheckPort", "repositoryName", "imageTag", "imageDigest", "secretId", "logGroupName",
    "service", "cluster", "taskDefinition", "desiredCount", "forceNewDeployment", "family",
    "executionRoleArn", "taskRoleArn", "cpu", "memory", "platformVersion",
};

/* The order of the summary's details: what a responder reads first. */
static const char *const summary_params[] = {
    "routeTableId", "destinationCidrBlock", "natGatewayId", "gatewayId", "groupId", "rule", "roleName",
    "policyArn", "policyName", "vpcEndpointId", "targetGroupArn", "repositoryName", "imageTag", "tags",
    "secretId", "logGroupName", "service", "cluster", "taskDefinition", "family", "images",
    "desiredCount", "subnetId", "associationId",
};

/* Strings that name a resource a finding may cite. */
static int id_like(const char *s)
{
    static const char *const pfx[] = {"rtb-", "sg-", "nat-", "vpce-", "subnet-", "igw-", "eni-",
                                      "vpc-", "pl-", "acl-", "arn:", "sgr-", "rtbassoc-"};
    size_t i;
    if (!s || strlen(s) < 5 || strlen(s) > 400)
        return 0;
    for (i = 0; i < sizeof pfx / sizeof pfx[0]; i++)
        if (str_starts(s, pfx[i]))
            return 1;
    return 0;
}

static void add_id(cJSON *ids, const char *s)
{
    const cJSON *it;
    if (!s || !*s || cJSON_GetArraySize(ids) >= TRAIL_MAX_IDS)
        return;
    cJSON_ArrayForEach(it, ids)
        if (!strcmp(it->valuestring, s))
            return;
    cJSON_AddItemToArray(ids, cJSON_CreateString(s));
}

/* Every id-looking string anywhere in the request parameters (DeleteVpcEndpoints
 * nests its ids under DeleteVpcEndpointsRequest.VpcEndpointId.content). */
static void harvest_ids(const cJSON *j, cJSON *ids, int depth)
{
    const cJSON *it;
    if (!j || depth > 8)
        return;
    if (cJSON_IsString(j)) {
        if (id_like(j->valuestring))
            add_id(ids, j->valuestring);
        return;
    }
    cJSON_ArrayForEach(it, j) {
        /* Values here are ids, never secrets, but a policy document's
         * Resource list is not "what changed": skip documents. */
        if (it->string && str_icase_find(it->string, "document"))
            continue;
        harvest_ids(it, ids, depth + 1);
    }
}

/* EC2 writes lists as {"items": [...]}; the newer form is a plain array. */
static const cJSON *items(const cJSON *j)
{
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(j, "items");
    return cJSON_IsArray(i) ? i : cJSON_IsArray(j) ? j : NULL;
}

/* "tcp 443 0.0.0.0/0" for the first permission of an authorize/revoke. */
static void sg_rule(const cJSON *rp, struct buf *b)
{
    const cJSON *perm = cJSON_GetArrayItem(items(cJSON_GetObjectItemCaseSensitive(rp, "ipPermissions")), 0);
    const cJSON *r;
    const char *proto;
    double from, to;
    if (!perm)
        return;
    proto = jsonx_str(perm, "ipProtocol", "?");
    from = jsonx_num(perm, "fromPort", -1);
    to = jsonx_num(perm, "toPort", -1);
    buf_puts(b, !strcmp(proto, "-1") ? "all" : proto);
    if (from >= 0 && strcmp(proto, "-1") != 0) {
        if (to > from)
            buf_printf(b, " %.0f-%.0f", from, to);
        else
            buf_printf(b, " %.0f", from);
    }
    cJSON_ArrayForEach(r, items(cJSON_GetObjectItemCaseSensitive(perm, "ipRanges")))
        buf_printf(b, " %s", jsonx_str(r, "cidrIp", "?"));
    cJSON_ArrayForEach(r, items(cJSON_GetObjectItemCaseSensitive(perm, "ipv6Ranges")))
        buf_printf(b, " %s", jsonx_str(r, "cidrIpv6", "?"));
    cJSON_ArrayForEach(r, items(cJSON_GetObjectItemCaseSensitive(perm, "prefixListIds")))
        buf_printf(b, " %s", jsonx_str(r, "prefixListId", "?"));
    cJSON_ArrayForEach(r, items(cJSON_GetObjectItemCaseSensitive(perm, "groups")))
        buf_printf(b, " %s", jsonx_str(r, "groupId", "?"));
}

static void put_joined(cJSON *req, const char *key, const cJSON *list, const char *field)
{
    struct buf b;
    const cJSON *it;
    int n = 0;
    buf_init(&b, 1024);
    cJSON_ArrayForEach(it, list) {
        const char *s = field ? jsonx_str(it, field, NULL) : cJSON_IsString(it) ? it->valuestring : NULL;
        if (s && n++ < 8)
            buf_printf(&b, "%s%s", n > 1 ? " " : "", s);
    }
    if (b.len)
        cJSON_AddStringToObject(req, key, b.data);
    buf_cleanup(&b);
}

static cJSON *request_of(const cJSON *rp)
{
    cJSON *req = cJSON_CreateObject();
    size_t i;
    struct buf rule;
    if (!req || !cJSON_IsObject(rp))
        return req;
    for (i = 0; i < sizeof kept_params / sizeof kept_params[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(rp, kept_params[i]);
        if ((cJSON_IsString(v) && strlen(v->valuestring) <= 512) || cJSON_IsNumber(v) || cJSON_IsBool(v))
            cJSON_AddItemToObject(req, kept_params[i], cJSON_Duplicate(v, 0));
    }
    buf_init(&rule, 1024);
    sg_rule(rp, &rule);
    if (rule.len)
        cJSON_AddStringToObject(req, "rule", rule.data);
    buf_cleanup(&rule);
    /* RegisterTaskDefinition: the images only, never the environment. */
    put_joined(req, "images", cJSON_GetObjectItemCaseSensitive(rp, "containerDefinitions"), "image");
    put_joined(req, "tags", cJSON_GetObjectItemCaseSensitive(rp, "imageIds"), "imageTag");
    put_joined(req, "securityGroupRuleIds", items(cJSON_GetObjectItemCaseSensitive(rp, "securityGroupRuleIds")),
               NULL);
    return req;
}

const char *trail_via(const char *identity_type, const char *invoked_by, const char *source_ip,
                      const char *user_agent)
{
    const char *ua = user_agent ? user_agent : "";
    if (str_icase_find(ua, "console") || str_icase_find(ua, "signin.amazonaws.com"))
        return "console";
    if ((identity_type && !strcmp(identity_type, "AWSService")) || (invoked_by && *invoked_by) ||
        (source_ip && str_ends(source_ip, ".amazonaws.com")) || !strcmp(ua, "AWS Internal"))
        return "service";
    if (str_starts(ua, "aws-cli/"))
        return "cli";
    if (*ua)
        return "sdk";
    return "unknown";
}

/* The detail that names a value best: policy ARNs by their name, target
 * groups by "targetgroup/<name>". */
static const char *short_value(const char *key, const char *v)
{
    if (!strcmp(key, "policyArn"))
        return str_basename(v);
    if (!strcmp(key, "taskDefinition") && strrchr(v, '/'))
        return strrchr(v, '/') + 1;
    if (!strcmp(key, "targetGroupArn") && strstr(v, ":targetgroup/"))
        return strstr(v, ":targetgroup/") + 1;
    return v;
}

cJSON *trail_change_new(const cJSON *event)
{
    cJSON *ch = cJSON_CreateObject(), *ct = NULL, *req, *ids, *res;
    const cJSON *ui, *rp, *r;
    const char *name = jsonx_str(event, "EventName", NULL), *raw = jsonx_str(event, "CloudTrailEvent", NULL);
    const char *ua, *actor;
    struct buf sum;
    size_t i;
    int details = 0;
    if (!ch || !name) {
        cJSON_Delete(ch);
        return NULL;
    }
    if (raw)
        ct = cJSON_Parse(raw);
    ui = cJSON_GetObjectItemCaseSensitive(ct, "userIdentity");
    rp = cJSON_GetObjectItemCaseSensitive(ct, "requestParameters");
    cJSON_AddStringToObject(ch, "EventId", jsonx_str(event, "EventId", ""));
    cJSON_AddStringToObject(ch, "EventName", name);
    cJSON_AddNumberToObject(ch, "EventTime", jsonx_num(event, "EventTime", 0));
    cJSON_AddStringToObject(ch, "EventSource", jsonx_str(event, "EventSource", jsonx_str(ct, "eventSource", "")));
    if (jsonx_str(event, "Username", NULL))
        cJSON_AddStringToObject(ch, "Username", jsonx_str(event, "Username", ""));
    res = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(event, "Resources"), 1);
    cJSON_AddItemToObject(ch, "Resources", res ? res : cJSON_CreateArray());
    actor = jsonx_str(ui, "arn", NULL);
    if (!actor)
        actor = jsonx_str(ui, "invokedBy", NULL);
    if (!actor)
        actor = jsonx_str(event, "Username", NULL);
    if (!actor)
        actor = jsonx_str(ui, "type", "unknown");
    cJSON_AddStringToObject(ch, "actor", actor);
    if (jsonx_str(ui, "type", NULL))
        cJSON_AddStringToObject(ch, "actor_type", jsonx_str(ui, "type", ""));
    ua = jsonx_str(ct, "userAgent", NULL);
    cJSON_AddStringToObject(ch, "via", trail_via(jsonx_str(ui, "type", NULL), jsonx_str(ui, "invokedBy", NULL),
                                                 jsonx_str(ct, "sourceIPAddress", NULL), ua));
    if (jsonx_str(ct, "sourceIPAddress", NULL))
        cJSON_AddStringToObject(ch, "source_ip", jsonx_str(ct, "sourceIPAddress", ""));
    if (ua) {
        char cut[201];
        snprintf(cut, sizeof cut, "%s", ua);
        cJSON_AddStringToObject(ch, "user_agent", cut);
    }
    if (jsonx_str(ct, "errorCode", NULL))
        cJSON_AddStringToObject(ch, "error_code", jsonx_str(ct, "errorCode", ""));
    req = request_of(rp);
    ids = cJSON_CreateArray();
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(event, "Resources"))
        add_id(ids, jsonx_str(r, "ResourceName", NULL));
    harvest_ids(rp, ids, 0);
    /* Names that are not id-shaped but are what findings cite. */
    add_id(ids, jsonx_str(req, "roleName", NULL));
    add_id(ids, jsonx_str(req, "repositoryName", NULL));
    add_id(ids, jsonx_str(req, "logGroupName", NULL));
    add_id(ids, jsonx_str(req, "secretId", NULL));
    add_id(ids, jsonx_str(req, "family", NULL));
    add_id(ids, jsonx_str(req, "service", NULL));
    add_id(ids, jsonx_str(req, "cluster", NULL));
    buf_init(&sum, 2048);
    buf_puts(&sum, name);
    for (i = 0; i < sizeof summary_params / sizeof summary_params[0] && details < 4; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, summary_params[i]);
        if (cJSON_IsString(v)) {
            buf_printf(&sum, " %s", short_value(summary_params[i], v->valuestring));
            details++;
        } else if (cJSON_IsNumber(v)) {
            buf_printf(&sum, " %s=%g", summary_params[i], v->valuedouble);
            details++;
        }
    }
    /* Direction of a security-group rule change is in the name. */
    if (!details && cJSON_GetArraySize(ids) > 0)
        buf_printf(&sum, " %s", cJSON_GetArrayItem(ids, 0)->valuestring);
    if (jsonx_str(ch, "error_code", NULL))
        buf_printf(&sum, " (failed: %s)", jsonx_str(ch, "error_code", ""));
    cJSON_AddItemToObject(ch, "request", req ? req : cJSON_CreateObject());
    cJSON_AddItemToObject(ch, "resources", ids ? ids : cJSON_CreateArray());
    cJSON_AddStringToObject(ch, "summary", sum.data ? sum.data : name);
    buf_cleanup(&sum);
    cJSON_Delete(ct);
    return ch;
}

/* ---- the node ---- */

static void add_name(struct strset *s, const char *v, size_t cap, int *oom)
{
    if (v && *v && s->n < cap && strset_add(s, v) < 0)
        *oom = 1;
}

static void add_keys(struct strset *s, const cJSON *obj, size_t cap, int *oom)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
        add_name(s, it->string, cap, oom);
}

/* "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/web:v1" -> "team/web". */
static void ecr_repo(const char *image, char *out, size_t len)
{
    const char *slash = image ? strchr(image, '/') : NULL;
    size_t n;
    out[0] = '\0';
    if (!slash || !strstr(image, ".dkr.ecr."))
        return;
    slash++;
    n = strcspn(slash, ":@");
    if (n < len)
        snprintf(out, len, "%.*s", (int)n, slash);
}

void trail_resources(const cJSON *ev, const char *cluster, size_t cap, struct strset *out, int *oom)
{
    const cJSON *net = cJSON_GetObjectItemCaseSensitive(ev, "network"), *td, *cd, *s, *it;
    const cJSON *tds = cJSON_GetObjectItemCaseSensitive(ev, "task_definitions");
    char repo[256];
    add_keys(out, cJSON_GetObjectItemCaseSensitive(net, "route_tables"), cap, oom);
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(ev, "services"))
        cJSON_ArrayForEach(it, jsonx_pointer(s, "/networkConfiguration/awsvpcConfiguration/securityGroups"))
            if (cJSON_IsString(it))
                add_name(out, it->valuestring, cap, oom);
    cJSON_ArrayForEach(td, tds) {
        add_name(out, str_basename(jsonx_str(td, "executionRoleArn", NULL)), cap, oom);
        add_name(out, str_basename(jsonx_str(td, "taskRoleArn", NULL)), cap, oom);
    }
    add_keys(out, cJSON_GetObjectItemCaseSensitive(net, "nat_gateways"), cap, oom);
    add_keys(out, cJSON_GetObjectItemCaseSensitive(net, "vpc_endpoints"), cap, oom);
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(ev, "services"))
        add_name(out, jsonx_str(s, "serviceName", NULL), cap, oom);
    add_name(out, cluster, cap, oom);
    cJSON_ArrayForEach(td, tds)
        add_name(out, jsonx_str(td, "family", NULL), cap, oom);
    add_keys(out, jsonx_pointer(ev, "/elb/target_groups"), cap, oom);
    cJSON_ArrayForEach(td, tds) {
        cJSON_ArrayForEach(cd, cJSON_GetObjectItemCaseSensitive(td, "containerDefinitions")) {
            const cJSON *opts = jsonx_pointer(cd, "/logConfiguration/options");
            ecr_repo(jsonx_str(cd, "image", NULL), repo, sizeof repo);
            add_name(out, repo[0] ? repo : NULL, cap, oom);
            add_name(out, jsonx_str(opts, "awslogs-group", NULL), cap, oom);
            cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(cd, "secrets")) {
                const char *vf = jsonx_str(it, "valueFrom", NULL);
                if (vf && str_starts(vf, "arn:") && strstr(vf, ":secretsmanager:"))
                    add_name(out, vf, cap, oom);
            }
        }
    }
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(ev, "services"))
        cJSON_ArrayForEach(it, jsonx_pointer(s, "/networkConfiguration/awsvpcConfiguration/subnets"))
            if (cJSON_IsString(it))
                add_name(out, it->valuestring, cap, oom);
    add_keys(out, cJSON_GetObjectItemCaseSensitive(net, "security_groups"), cap, oom);
}

int trail_touches(const cJSON *change, const struct strset *names)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(change, "resources")) {
        const char *s = it->valuestring;
        if (strset_has(names, s) || (str_starts(s, "arn:") && strset_has(names, str_basename(s))))
            return 1;
    }
    return 0;
}

static void lookup(struct collect *c, const char *key, const char *value, int max_items);

/* Keeps the write events that touch the evidence's resources, once each. */
static int on_events(struct collect *c, struct call *k, struct aws_result *res)
{
    struct strset names = {0};
    cJSON *arr, *e;
    size_t i;
    if (res->error.kind != ERR_OK)
        return 0;
    arr = jsonx_arr(c->ev, "changes");
    trail_resources(c->ev, c->cluster, TRAIL_MAX_NAMES, &names, &c->oom);
    if (!arr) {
        c->oom = 1;
        goto out;
    }
    cJSON_ArrayForEach(e, xlist(res->body, "Events")) {
        const char *ro = xstr(e, "ReadOnly"), *id = xstr(e, "EventId");
        cJSON *ch;
        if (ro && !strcmp(ro, "true"))
            continue;
        ch = trail_change_new(e);
        /* One event touches several looked-up resources: keep it once. */
        if (ch && trail_touches(ch, &names) && cJSON_GetArraySize(arr) >= TRAIL_MAX_CHANGES * 2 &&
            collect_once(c, "ct", id ? id : jsonx_str(ch, "summary", ""))) {
            collect_discard(c, S_TRAIL, 1, "changes past the collection cap");
            cJSON_Delete(ch);
        } else if (ch && trail_touches(ch, &names) &&
                   collect_once(c, "ct", id ? id : jsonx_str(ch, "summary", ""))) {
            cJSON_AddItemToArray(arr, ch);
        } else {
            cJSON_Delete(ch);
        }
    }
    /* The account-wide read of write events stopped at its cap before the
     * window's start: a busy account. Ask per resource for the most
     * telling ones, which AWS indexes, so their changes are not crowded
     * out by unrelated activity. */
    if (!k->tag2 || strcmp(k->tag2, "false") != 0 || !xstr(res->body, "NextToken"))
        goto out;
    for (i = 0; i < names.n && i < TRAIL_MAX_RESOURCES; i++)
        lookup(c, "ResourceName", names.v[i], 0);
out:
    strset_cleanup(&names);
    return 0;
}

static void lookup(struct collect *c, const char *key, const char *value, int max_items)
{
    cJSON *p = cJSON_CreateObject(), *attrs = cJSON_CreateArray(), *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "AttributeKey", key);
    cJSON_AddStringToObject(a, "AttributeValue", value);
    cJSON_AddItemToArray(attrs, a);
    cJSON_AddItemToObject(p, "LookupAttributes", attrs);
    cJSON_AddNumberToObject(p, "StartTime", (double)(long long)(c->since - TRAIL_MARGIN_S));
    cJSON_AddNumberToObject(p, "EndTime", (double)(long long)c->now);
    cJSON_AddNumberToObject(p, "MaxResults", TRAIL_PAGE);
    collect_call(c, N_TRAIL, S_TRAIL, "cloudtrail", "LookupEvents", p, max_items ? AWS_CALL_PAGINATE : 0,
                 max_items, on_events, key, value, 0);
}

void trail_start(struct collect *c)
{
    struct strset names = {0};
    trail_resources(c->ev, c->cluster, TRAIL_MAX_NAMES, &names, &c->oom);
    if (!names.n) {
        collect_skip(c, S_TRAIL, "no resources to look up");
        strset_cleanup(&names);
        return;
    }
    /* The section exists once looked up: an empty list is "no changes". */
    if (!jsonx_arr(c->ev, "changes"))
        c->oom = 1;
    /* First the account's write events of the window, a few pages: in most
     * accounts that is all of them, in 1-4 calls instead of one call per
     * resource at 2 calls per second. */
    lookup(c, "ReadOnly", "false", TRAIL_WRITE_EVENTS);
    strset_cleanup(&names);
}

static int newest_first(const cJSON *a, const cJSON *b)
{
    double ta = jsonx_num(a, "EventTime", 0), tb = jsonx_num(b, "EventTime", 0);
    if (ta != tb)
        return ta > tb ? -1 : 1;
    return strcmp(jsonx_str(a, "EventId", ""), jsonx_str(b, "EventId", ""));
}

void trail_finish(struct collect *c)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(c->ev, "changes");
    cJSON **v;
    int n = cJSON_GetArraySize(arr), i, j;
    if (n < 2)
        return;
    v = calloc((size_t)n, sizeof *v);
    if (!v) {
        c->oom = 1;
        return;
    }
    for (i = 0; i < n; i++)
        v[i] = cJSON_DetachItemFromArray(arr, 0);
    /* Insertion sort: at most 20 pages of 50. */
    for (i = 1; i < n; i++) {
        cJSON *x = v[i];
        for (j = i; j > 0 && newest_first(v[j - 1], x) > 0; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    for (i = 0; i < n; i++) {
        if (i < TRAIL_MAX_CHANGES)
            cJSON_AddItemToArray(arr, v[i]);
        else
            cJSON_Delete(v[i]);
    }
    free(v);
    if (n > TRAIL_MAX_CHANGES)
        collect_discard(c, S_TRAIL, n - TRAIL_MAX_CHANGES, "older changes past the newest 100");
}

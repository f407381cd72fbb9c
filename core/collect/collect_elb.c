/* collect_elb — the service's target groups (attributes, target health) and
 * the load balancers in front of them (with listeners). */
#include "collect/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/jsonx.h"

/* elb.target_groups[arn], created on first touch: answers arrive in any order. */
static cJSON *tg_entry(struct collect *c, const char *arn)
{
    cJSON *tgs = ev_section(c, "elb", "target_groups");
    return tgs && arn ? jsonx_obj(tgs, arn) : NULL;
}

static void merge(cJSON *dst, const cJSON *src)
{
    cJSON *it;
    cJSON_ArrayForEach(it, src) {
        if (it->string)
            xput(dst, it->string, it);
    }
}

static int on_tgs(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *it;
    (void)k;
    if (res->error.kind != ERR_OK)
        return 0;
    cJSON_ArrayForEach(it, xlist(res->body, "TargetGroups"))
        merge(tg_entry(c, xstr(it, "TargetGroupArn")), it);
    return 0;
}

static int on_tg_attrs(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *attrs, *it, *e;
    if (res->error.kind != ERR_OK)
        return 0;
    e = tg_entry(c, k->tag);
    attrs = cJSON_CreateObject();
    /* [{Key, Value}] becomes {"Key": "Value"}: what checks look up. */
    cJSON_ArrayForEach(it, xlist(res->body, "Attributes")) {
        const char *key = xstr(it, "Key"), *val = xstr(it, "Value");
        if (key && val)
            cJSON_AddStringToObject(attrs, key, val);
    }
    if (e && attrs) {
        xput(e, "Attributes", attrs);
    }
    cJSON_Delete(attrs);
    return 0;
}

static int on_tg_health(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *list;
    if (res->error.kind != ERR_OK)
        return 0;
    list = xlist(res->body, "TargetHealthDescriptions");
    if (list)
        xput(tg_entry(c, k->tag), "TargetHealthDescriptions", list);
    else {
        cJSON *empty = cJSON_CreateArray();
        xput(tg_entry(c, k->tag), "TargetHealthDescriptions", empty);
        cJSON_Delete(empty);
    }
    return 0;
}

static cJSON *one(const char *key, const char *val)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, key, val);
    return p;
}

void elb_tg_start(struct collect *c)
{
    struct strset arns = {0};
    cJSON *svc, *lb;
    size_t i;
    cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(c->ev, "services")) {
        cJSON_ArrayForEach(lb, cJSON_GetObjectItemCaseSensitive(svc, "loadBalancers")) {
            const char *a = xstr(lb, "targetGroupArn");
            if (a && strset_add(&arns, a) < 0)
                c->oom = 1;
        }
    }
    if (!arns.n) {
        collect_skip(c, S_TG, "the service has no target groups");
        collect_skip(c, S_TH, "the service has no target groups");
        return;
    }
    for (i = 0; i < arns.n; i += MAX_ELB_ARNS) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddItemToObject(p, "TargetGroupArns", str_array(&arns, i, MAX_ELB_ARNS));
        collect_call(c, N_TG, S_TG, "elbv2", "DescribeTargetGroups", p, 0, 0, on_tgs, NULL, NULL, 0);
    }
    for (i = 0; i < arns.n; i++) {
        tg_entry(c, arns.v[i]);
        collect_call(c, N_TG, S_TG, "elbv2", "DescribeTargetGroupAttributes",
                     one("TargetGroupArn", arns.v[i]), 0, 0, on_tg_attrs, arns.v[i], NULL, 0);
        collect_call(c, N_TG, S_TH, "elbv2", "DescribeTargetHealth", one("TargetGroupArn", arns.v[i]),
                     0, 0, on_tg_health, arns.v[i], NULL, 0);
    }
    strset_cleanup(&arns);
}

static cJSON *lb_entry(struct collect *c, const char *arn)
{
    cJSON *lbs = ev_section(c, "elb", "load_balancers");
    return lbs && arn ? jsonx_obj(lbs, arn) : NULL;
}

static int on_lbs(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *it;
    (void)k;
    if (res->error.kind != ERR_OK)
        return 0;
    cJSON_ArrayForEach(it, xlist(res->body, "LoadBalancers"))
        merge(lb_entry(c, xstr(it, "LoadBalancerArn")), it);
    return 0;
}

static int on_listeners(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *list;
    if (res->error.kind != ERR_OK)
        return 0;
    list = xlist(res->body, "Listeners");
    if (list) {
        xput(lb_entry(c, k->tag), "Listeners", list);
    } else {
        cJSON *empty = cJSON_CreateArray();
        xput(lb_entry(c, k->tag), "Listeners", empty);
        cJSON_Delete(empty);
    }
    return 0;
}

void elb_lb_start(struct collect *c)
{
    struct strset arns = {0};
    cJSON *tg, *a;
    size_t i;
    cJSON_ArrayForEach(tg, jsonx_pointer(c->ev, "/elb/target_groups")) {
        cJSON_ArrayForEach(a, xlist(tg, "LoadBalancerArns")) {
            if (cJSON_IsString(a) && strset_add(&arns, a->valuestring) < 0)
                c->oom = 1;
        }
    }
    if (!arns.n) {
        collect_skip(c, S_LB, "no load balancer in front of the service's target groups");
        return;
    }
    for (i = 0; i < arns.n; i += MAX_ELB_ARNS) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddItemToObject(p, "LoadBalancerArns", str_array(&arns, i, MAX_ELB_ARNS));
        collect_call(c, N_LB, S_LB, "elbv2", "DescribeLoadBalancers", p, 0, 0, on_lbs, NULL, NULL, 0);
    }
    for (i = 0; i < arns.n; i++) {
        lb_entry(c, arns.v[i]);
        collect_call(c, N_LB, S_LB, "elbv2", "DescribeListeners", one("LoadBalancerArn", arns.v[i]),
                     AWS_CALL_PAGINATE, 0, on_listeners, arns.v[i], NULL, 0);
    }
    strset_cleanup(&arns);
}

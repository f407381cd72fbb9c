/* collect_iam — the task definitions' execution and task roles: the role
 * (trust policy parsed), its attached managed policies (default version's
 * document) and inline policies. A managed policy shared by two roles is
 * fetched once (policies cache) and attached to both at the end. */
#include "collect/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/jsonx.h"
#include "util/strutil.h"

static cJSON *role_entry(struct collect *c, const char *name)
{
    cJSON *roles = ev_section(c, "iam", "roles");
    return roles ? jsonx_obj(roles, name) : NULL;
}

static cJSON *one(const char *k1, const char *v1, const char *k2, const char *v2)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, k1, v1);
    if (k2)
        cJSON_AddStringToObject(p, k2, v2);
    return p;
}

static int on_get_role(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *e = role_entry(c, k->tag), *role, *it;
    if (res->error.kind != ERR_OK) {
        /* A role the task definition names but that does not exist is a fact
         * the checks need, not a collection failure. */
        if (e && (!strcmp(res->error.code, "NoSuchEntity") || res->error.kind == ERR_NOT_FOUND)) {
            cJSON_AddFalseToObject(e, "exists");
            cJSON_AddStringToObject(e, "RoleName", k->tag);
            return 1;
        }
        return 0;
    }
    role = xget(res->body, "Role");
    cJSON_ArrayForEach(it, role) {
        if (!it->string)
            continue;
        if (!strcmp(it->string, "AssumeRolePolicyDocument")) {
            cJSON *doc = policy_parse(it);
            if (doc) {
                xput(e, it->string, doc);
                cJSON_Delete(doc);
                continue;
            }
        }
        xput(e, it->string, it);
    }
    return 0;
}

static int on_policy_version(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *pv, *doc, *entry;
    if (res->error.kind != ERR_OK)
        return 0;
    pv = xget(res->body, "PolicyVersion");
    doc = policy_parse(cJSON_GetObjectItemCaseSensitive(pv, "Document"));
    entry = jsonx_obj(c->policies, k->tag);
    if (entry && doc)
        cJSON_AddItemToObject(entry, "Document", doc);
    else
        cJSON_Delete(doc);
    return 0;
}

static int on_get_policy(struct collect *c, struct call *k, struct aws_result *res)
{
    const char *ver;
    cJSON *entry;
    if (res->error.kind != ERR_OK)
        return 0;
    ver = xstr(xget(res->body, "Policy"), "DefaultVersionId");
    entry = jsonx_obj(c->policies, k->tag);
    if (!ver || !entry)
        return 0;
    cJSON_AddStringToObject(entry, "DefaultVersionId", ver);
    collect_call(c, N_IAM, S_IAM, "iam", "GetPolicyVersion", one("PolicyArn", k->tag, "VersionId", ver), 0,
                 0, on_policy_version, k->tag, NULL, 0);
    return 0;
}

static int on_attached(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *e = role_entry(c, k->tag), *arr, *it;
    if (res->error.kind != ERR_OK)
        return !strcmp(res->error.code, "NoSuchEntity");
    arr = jsonx_arr(e, "AttachedPolicies");
    cJSON_ArrayForEach(it, xlist(res->body, "AttachedPolicies")) {
        const char *arn = xstr(it, "PolicyArn");
        cJSON *ap = cJSON_CreateObject();
        cJSON_AddStringToObject(ap, "PolicyName", xstr(it, "PolicyName") ? xstr(it, "PolicyName") : "");
        cJSON_AddStringToObject(ap, "PolicyArn", arn ? arn : "");
        cJSON_AddItemToArray(arr, ap);
        if (arn && collect_once(c, "policy", arn))
            collect_call(c, N_IAM, S_IAM, "iam", "GetPolicy", one("PolicyArn", arn, NULL, NULL), 0, 0,
                         on_get_policy, arn, NULL, 0);
    }
    return 0;
}

static int on_role_policy(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *e = role_entry(c, k->tag), *ip, *doc;
    if (res->error.kind != ERR_OK)
        return 0;
    doc = policy_parse(xget(res->body, "PolicyDocument"));
    ip = cJSON_CreateObject();
    cJSON_AddStringToObject(ip, "PolicyName", k->tag2);
    if (doc)
        cJSON_AddItemToObject(ip, "Document", doc);
    cJSON_AddItemToArray(jsonx_arr(e, "InlinePolicies"), ip);
    return 0;
}

static int on_inline(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *it;
    if (res->error.kind != ERR_OK)
        return !strcmp(res->error.code, "NoSuchEntity");
    jsonx_arr(role_entry(c, k->tag), "InlinePolicies");
    cJSON_ArrayForEach(it, xlist(res->body, "PolicyNames")) {
        if (cJSON_IsString(it))
            collect_call(c, N_IAM, S_IAM, "iam", "GetRolePolicy",
                         one("RoleName", k->tag, "PolicyName", it->valuestring), 0, 0, on_role_policy, k->tag,
                         it->valuestring, 0);
    }
    return 0;
}

void iam_roles_start(struct collect *c)
{
    struct strset tds = {0}, roles = {0};
    size_t i;
    inuse_taskdefs(c, &tds);
    for (i = 0; i < tds.n; i++) {
        cJSON *td = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c->ev, "task_definitions"),
                                                     tds.v[i]);
        const char *r1 = xstr(td, "executionRoleArn"), *r2 = xstr(td, "taskRoleArn");
        /* The role name is the ARN's last component: paths are not part of it. */
        if (r1 && strset_add(&roles, str_basename(r1)) < 0)
            c->oom = 1;
        if (r2 && strset_add(&roles, str_basename(r2)) < 0)
            c->oom = 1;
    }
    if (!roles.n)
        collect_skip(c, S_IAM, tds.n ? "the task definitions name no roles" : "no task definition available");
    for (i = 0; i < roles.n; i++) {
        const char *r = roles.v[i];
        if (!collect_once(c, "role", r))
            continue;
        role_entry(c, r);
        collect_call(c, N_IAM, S_IAM, "iam", "GetRole", one("RoleName", r, NULL, NULL), 0, 0, on_get_role, r,
                     NULL, 0);
        collect_call(c, N_IAM, S_IAM, "iam", "ListAttachedRolePolicies", one("RoleName", r, NULL, NULL),
                     AWS_CALL_PAGINATE, 0, on_attached, r, NULL, 0);
        collect_call(c, N_IAM, S_IAM, "iam", "ListRolePolicies", one("RoleName", r, NULL, NULL),
                     AWS_CALL_PAGINATE, 0, on_inline, r, NULL, 0);
    }
    strset_cleanup(&tds);
    strset_cleanup(&roles);
}

/* Attaches each managed policy's version and document to every role using it. */
void iam_roles_finish(struct collect *c)
{
    cJSON *role, *ap;
    cJSON_ArrayForEach(role, jsonx_pointer(c->ev, "/iam/roles")) {
        cJSON_ArrayForEach(ap, cJSON_GetObjectItemCaseSensitive(role, "AttachedPolicies")) {
            cJSON *pol = cJSON_GetObjectItemCaseSensitive(c->policies, xstr(ap, "PolicyArn"));
            cJSON *v = cJSON_GetObjectItemCaseSensitive(pol, "DefaultVersionId");
            cJSON *d = cJSON_GetObjectItemCaseSensitive(pol, "Document");
            if (v)
                xput(ap, "DefaultVersionId", v);
            if (d)
                xput(ap, "Document", d);
        }
    }
}

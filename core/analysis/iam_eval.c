/* iam_eval — see iam_eval.h.
 *
 * Identity-policy evaluation in the order IAM documents it for a single
 * account: an explicit Deny anywhere wins, then any Allow, else the implicit
 * deny. Conditions are never evaluated: an Allow that carries one makes the
 * answer "conditional", and a conditional Deny that could override an Allow
 * does too, so a caller never reads "allowed" when a condition might say no.
 * Permissions boundaries, SCPs and resource policies (KMS key policies,
 * endpoint policies) are not in the evidence; the why text says so. */
#include "analysis/iam_eval.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ecs_doctor/plugin.h"

/* Glob match with '*' (any run) and '?' (one character); icase folds ASCII.
 * Iterative with one backtrack point, so it is linear-ish and never recurses. */
static int glob_match(const char *pat, const char *s, int icase)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        char pc = *pat, sc = *s;
        if (icase) {
            pc = (char)tolower((unsigned char)pc);
            sc = (char)tolower((unsigned char)sc);
        }
        if (*pat == '*') {
            star = pat++;
            resume = s;
        } else if (*pat && (*pat == '?' || pc == sc)) {
            pat++;
            s++;
        } else if (star) {
            pat = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

/* A policy element that may be a string or an array of strings: 1 when any
 * entry matches value. */
static int element_matches(const cJSON *el, const char *value, int icase)
{
    const cJSON *it;
    if (cJSON_IsString(el))
        return glob_match(el->valuestring, value, icase);
    if (!cJSON_IsArray(el))
        return 0;
    cJSON_ArrayForEach(it, el)
    {
        if (cJSON_IsString(it) && glob_match(it->valuestring, value, icase))
            return 1;
    }
    return 0;
}

/* Does the statement apply to (action, resource)? Action/NotAction and
 * Resource/NotResource; a statement missing both of a pair matches nothing
 * (IAM rejects such a policy, so it cannot grant anything). */
static int statement_applies(const cJSON *st, const char *action, const char *resource)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(st, "Action");
    const cJSON *na = cJSON_GetObjectItemCaseSensitive(st, "NotAction");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(st, "Resource");
    const cJSON *nr = cJSON_GetObjectItemCaseSensitive(st, "NotResource");
    int act, res;

    if (a)
        act = element_matches(a, action, 1);
    else if (na)
        act = !element_matches(na, action, 1);
    else
        return 0;
    if (!act)
        return 0;
    if (r)
        res = element_matches(r, resource, 0);
    else if (nr)
        res = !element_matches(nr, resource, 0);
    else
        return 0;
    return res;
}

static int has_condition(const cJSON *st)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(st, "Condition");
    return c && !cJSON_IsNull(c) && !(cJSON_IsObject(c) && c->child == NULL);
}

/* "policy P statement \"Sid\"" or "policy P statement #n". */
static void describe(char *out, size_t outsz, const char *policy, const cJSON *st, int index)
{
    const cJSON *sid = cJSON_GetObjectItemCaseSensitive(st, "Sid");
    if (cJSON_IsString(sid) && sid->valuestring[0])
        snprintf(out, outsz, "policy %s statement \"%s\"", policy, sid->valuestring);
    else
        snprintf(out, outsz, "policy %s statement #%d", policy, index);
}

/* What the scan of all statements found; the first of each kind is named. */
struct verdict {
    char deny[256], cond_deny[256], allow[256], cond_allow[256];
    int n_docs, missing_docs;
};

static void scan_document(struct verdict *v, const char *policy, const cJSON *doc,
                          const char *action, const char *resource)
{
    const cJSON *stmts = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
    /* Statement may be one object or an array of them. */
    int single = cJSON_IsObject(stmts);
    const cJSON *st = single ? stmts : (cJSON_IsArray(stmts) ? stmts->child : NULL);
    int idx = 0;

    v->n_docs++;
    for (; st; st = single ? NULL : st->next, idx++) {
        const char *eff;
        char *slot = NULL;
        int cond;
        if (!cJSON_IsObject(st) || !statement_applies(st, action, resource))
            continue;
        eff = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "Effect"));
        cond = has_condition(st);
        if (eff && strcmp(eff, "Deny") == 0)
            slot = cond ? v->cond_deny : v->deny;
        else if (eff && strcmp(eff, "Allow") == 0)
            slot = cond ? v->cond_allow : v->allow;
        if (slot && !slot[0])
            describe(slot, 256, policy, st, idx);
    }
}

static void scan_list(struct verdict *v, const cJSON *list, const char *action,
                      const char *resource)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, list)
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "PolicyName"));
        const cJSON *doc = cJSON_GetObjectItemCaseSensitive(p, "Document");
        if (!cJSON_IsObject(p))
            continue; /* not a policy entry at all */
        if (!name)
            name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "PolicyArn"));
        if (!cJSON_IsObject(doc)) {
            v->missing_docs++;
            continue;
        }
        scan_document(v, name ? name : "?", doc, action, resource);
    }
}

static const cJSON *find_role(const cJSON *evidence, const char *role_name)
{
    const cJSON *roles = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(evidence, "iam"), "roles");
    if (!role_name || !cJSON_IsObject(roles))
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(roles, role_name);
}

/* Turns what the scan found into the decision and its sentence. who is "role
 * R" or "endpoint policy P"; caveat is appended to an Allow. */
static int decide(const struct verdict *v, const char *who, const char *action,
                  const char *resource, const char *caveat, char *why, size_t whylen)
{
    if (v->deny[0]) {
        snprintf(why, whylen, "%s explicitly denies %s on %s for %s", v->deny, action, resource,
                 who);
        return EDOC_IAM_EXPLICIT_DENY;
    }
    if (v->allow[0] && !v->cond_deny[0]) {
        snprintf(why, whylen, "%s allows %s on %s for %s%s", v->allow, action, resource, who,
                 caveat);
        return EDOC_IAM_ALLOWED;
    }
    if (v->allow[0] || v->cond_allow[0]) {
        if (v->cond_deny[0])
            snprintf(why, whylen,
                     "%s allows %s on %s for %s but %s denies it under a Condition "
                     "that was not evaluated",
                     v->allow[0] ? v->allow : v->cond_allow, action, resource, who, v->cond_deny);
        else
            snprintf(why, whylen,
                     "only %s allows %s on %s for %s, under a Condition that was not "
                     "evaluated",
                     v->cond_allow, action, resource, who);
        return EDOC_IAM_CONDITIONAL;
    }
    if (v->missing_docs) {
        snprintf(why, whylen,
                 "no statement in the %d evaluated policies of %s allows %s on %s, but %d "
                 "attached policy document(s) are missing from the evidence",
                 v->n_docs, who, action, resource, v->missing_docs);
        return EDOC_IAM_UNKNOWN;
    }
    snprintf(why, whylen, "no statement in the %d polic%s of %s allows %s on %s", v->n_docs,
             v->n_docs == 1 ? "y" : "ies", who, action, resource);
    return EDOC_IAM_IMPLICIT_DENY;
}

int iam_eval(const cJSON *evidence, const char *role_name, const char *action,
             const char *resource, char *why, size_t whylen)
{
    struct verdict v;
    const cJSON *role = find_role(evidence, role_name);
    char dummy[2], who[160];
    const char *rn = role_name ? role_name : "?";

    if (!why || !whylen) {
        why = dummy;
        whylen = sizeof dummy;
    }
    if (!action || !*action) {
        snprintf(why, whylen, "no action given to evaluate for role %s", rn);
        return EDOC_IAM_UNKNOWN;
    }
    if (!resource || !*resource)
        resource = "*";
    if (!cJSON_IsObject(role)) {
        snprintf(why, whylen, "role %s is not in the evidence (iam.roles), so %s was not evaluated",
                 rn, action);
        return EDOC_IAM_UNKNOWN;
    }
    memset(&v, 0, sizeof v);
    scan_list(&v, cJSON_GetObjectItemCaseSensitive(role, "AttachedPolicies"), action, resource);
    scan_list(&v, cJSON_GetObjectItemCaseSensitive(role, "InlinePolicies"), action, resource);
    snprintf(who, sizeof who, "role %s", rn);
    return decide(&v, who, action, resource,
                  " (identity policies only: a permissions boundary, SCP, key or endpoint policy "
                  "may still deny it)",
                  why, whylen);
}

int iam_eval_policy(const cJSON *doc, const char *policy_name, const char *action,
                    const char *resource, char *why, size_t whylen)
{
    struct verdict v;
    char dummy[2];
    const char *pn = policy_name ? policy_name : "policy";

    if (!why || !whylen) {
        why = dummy;
        whylen = sizeof dummy;
    }
    if (!cJSON_IsObject(doc) || !action || !*action) {
        snprintf(why, whylen, "%s was not evaluated (no document or no action)", pn);
        return EDOC_IAM_UNKNOWN;
    }
    if (!resource || !*resource)
        resource = "*";
    memset(&v, 0, sizeof v);
    scan_document(&v, pn, doc, action, resource);
    return decide(&v, pn, action, resource, "", why, whylen);
}

/* Does a Principal element name the service? Accepts "Service" as a string or
 * an array, and the wildcard principal "*". */
static int principal_has_service(const cJSON *pr, const char *svc)
{
    const cJSON *s, *it;
    if (cJSON_IsString(pr))
        return strcmp(pr->valuestring, "*") == 0;
    if (!cJSON_IsObject(pr))
        return 0;
    s = cJSON_GetObjectItemCaseSensitive(pr, "Service");
    if (cJSON_IsString(s))
        return strcasecmp(s->valuestring, svc) == 0;
    cJSON_ArrayForEach(it, s)
    {
        if (cJSON_IsString(it) && strcasecmp(it->valuestring, svc) == 0)
            return 1;
    }
    return 0;
}

int iam_trusts_service(const cJSON *evidence, const char *role_name, const char *principal_service,
                       char *why, size_t whylen)
{
    const cJSON *role = find_role(evidence, role_name);
    const cJSON *doc, *stmts, *st;
    char dummy[2], allow[256] = "", deny[256] = "";
    const char *rn = role_name ? role_name : "?";
    int idx = 0, single;

    if (!why || !whylen) {
        why = dummy;
        whylen = sizeof dummy;
    }
    if (!principal_service)
        principal_service = "ecs-tasks.amazonaws.com";
    if (!cJSON_IsObject(role)) {
        snprintf(why, whylen, "role %s is not in the evidence (iam.roles)", rn);
        return -1;
    }
    doc = cJSON_GetObjectItemCaseSensitive(role, "AssumeRolePolicyDocument");
    if (!cJSON_IsObject(doc)) {
        snprintf(why, whylen, "the trust policy of role %s is not in the evidence", rn);
        return -1;
    }
    stmts = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
    single = cJSON_IsObject(stmts);
    st = single ? stmts : (cJSON_IsArray(stmts) ? stmts->child : NULL);
    for (; st; st = single ? NULL : st->next, idx++) {
        const char *eff = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "Effect"));
        const cJSON *act = cJSON_GetObjectItemCaseSensitive(st, "Action");
        char *slot;
        if (!eff || !element_matches(act, "sts:AssumeRole", 1) ||
            !principal_has_service(cJSON_GetObjectItemCaseSensitive(st, "Principal"),
                                   principal_service))
            continue;
        slot = strcmp(eff, "Deny") == 0 ? deny : (strcmp(eff, "Allow") == 0 ? allow : NULL);
        if (slot && !slot[0])
            describe(slot, sizeof allow, "AssumeRolePolicyDocument", st, idx);
    }
    if (deny[0]) {
        snprintf(why, whylen, "trust policy of role %s: %s denies %s sts:AssumeRole", rn, deny,
                 principal_service);
        return 0;
    }
    if (allow[0]) {
        snprintf(why, whylen, "trust policy of role %s: %s lets %s call sts:AssumeRole", rn, allow,
                 principal_service);
        return 1;
    }
    snprintf(why, whylen, "the trust policy of role %s does not let %s call sts:AssumeRole", rn,
             principal_service);
    return 0;
}

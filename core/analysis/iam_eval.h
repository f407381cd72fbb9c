/* iam_eval — evaluates a role's identity policies from the evidence document.
 *
 * Answers "may role R perform action A on resource X?" from the managed and
 * inline policies collected under /iam/roles/<R> (docs/evidence.md): explicit
 * Deny over Allow, Action/NotAction, Resource/NotResource with * and ?
 * wildcards, actions compared case-insensitively and resources case-
 * sensitively. Statements with a Condition are not evaluated: a decision that
 * rests on one is reported as EDOC_IAM_CONDITIONAL, never silently allowed.
 * Also checks a trust policy for a service principal. */
#ifndef EDOC_IAM_EVAL_H
#define EDOC_IAM_EVAL_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Returns an enum edoc_iam value (include/ecs_doctor/plugin.h). why (may be
 * NULL) receives one sentence naming the deciding policy and statement. */
int iam_eval(const cJSON *evidence, const char *role_name, const char *action,
             const char *resource, char *why, size_t whylen);

/* Evaluates one policy document on its own (a VPC endpoint policy, a key
 * policy) with the same rules; Principal is not matched (endpoint policies
 * name "*" or the callers, which the evidence cannot tell apart). name
 * labels the policy in why. Returns an enum edoc_iam value; EDOC_IAM_UNKNOWN
 * when doc is not an object. */
int iam_eval_policy(const cJSON *doc, const char *name, const char *action, const char *resource,
                    char *why, size_t whylen);

/* 1 when the role's trust policy lets `principal_service`
 * ("ecs-tasks.amazonaws.com") call sts:AssumeRole, 0 when it does not, -1
 * when the role is not in the evidence. */
int iam_trusts_service(const cJSON *evidence, const char *role_name, const char *principal_service,
                       char *why, size_t whylen);

#endif

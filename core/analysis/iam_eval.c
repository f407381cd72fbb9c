/* iam_eval — see iam_eval.h. Placeholder: answers "unknown" until the
 * evaluator lands (catalog issue). */
#include "analysis/iam_eval.h"

#include <stdio.h>

#include "ecs_doctor/plugin.h"

int iam_eval(const cJSON *evidence, const char *role_name, const char *action,
             const char *resource, char *why, size_t whylen)
{
    (void)evidence; (void)action; (void)resource;
    if (why && whylen)
        snprintf(why, whylen, "policies of role %s not evaluated", role_name ? role_name : "?");
    return EDOC_IAM_UNKNOWN;
}

int iam_trusts_service(const cJSON *evidence, const char *role_name, const char *principal_service,
                       char *why, size_t whylen)
{
    (void)evidence; (void)role_name; (void)principal_service;
    if (why && whylen)
        why[0] = '\0';
    return -1;
}

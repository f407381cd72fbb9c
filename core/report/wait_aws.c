/* wait_aws — the live poller of wait.h: ecs:DescribeServices. Kept apart
 * from wait.c so that the polling logic links without the AWS client. */
#include "report/wait.h"

#include "aws/aws.h"
#include "util/jsonx.h"

#include <string.h>

struct target {
    struct aws_client *c;
    const char *cluster, *service;
};

static cJSON *describe(void *arg, struct err *e)
{
    struct target *t = arg;
    struct aws_result res;
    cJSON *params = cJSON_CreateObject(), *svcs, *svc = NULL;
    const cJSON *fail;
    memset(&res, 0, sizeof res);
    if (!params) {
        err_set(e, ERR_NOMEM, "ecs: DescribeServices: out of memory");
        return NULL;
    }
    cJSON_AddStringToObject(params, "cluster", t->cluster);
    svcs = cJSON_AddArrayToObject(params, "services");
    cJSON_AddItemToArray(svcs, cJSON_CreateString(t->service));
    if (aws_call(t->c, "ecs", "DescribeServices", params, 0, &res) != ERR_OK) {
        err_set(e, res.error.kind, "ecs: DescribeServices: %s%s%s", res.error.code, *res.error.code ? ": " : "",
                res.error.message);
        goto out;
    }
    svcs = cJSON_GetObjectItemCaseSensitive(res.body, "services");
    fail = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res.body, "failures"), 0);
    if (cJSON_GetArraySize(svcs) < 1 || !strcmp(jsonx_str(cJSON_GetArrayItem(svcs, 0), "status", ""), "INACTIVE")) {
        err_set(e, ERR_NOT_FOUND, "ecs: DescribeServices: service '%s' not found in cluster '%s'%s%s", t->service,
                t->cluster, fail ? ": " : "", fail ? jsonx_str(fail, "reason", "") : "");
        goto out;
    }
    svc = cJSON_DetachItemFromArray(svcs, 0);
out:
    aws_result_cleanup(&res);
    return svc;
}

enum wait_outcome wait_service(struct aws_client *c, const char *cluster, const char *service,
                               const struct wait_opts *wo, struct err *e)
{
    struct target t;
    t.c = c;
    t.cluster = cluster ? cluster : "default";
    t.service = service;
    return wait_follow(describe, &t, wo, e);
}

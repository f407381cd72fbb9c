/* Test plugin: reports a missing source through host->incomplete when it sees
 * a stopped task; an unknown source must be refused with -1. It also reads
 * the service-state model through host->service_state (the member appended
 * after incomplete): the test documents' service "web" runs 1 of 1 with its
 * rollout COMPLETED, so its floor is healthy; an unknown service is NULL. */
#include <string.h>

#include "ecs_doctor/plugin.h"

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    const edoc_node *tasks = h->ptr(ctx, "/tasks");
    size_t i, n = h->len(tasks);
    if (!EDOC_HOST_HAS(h, incomplete))
        return 9;
    if (h->incomplete(ctx, "no.such_source", "typo") != -1)
        return 7;
    if (!EDOC_HOST_HAS(h, service_state))
        return 10;
    {
        const edoc_node *web = h->service_state(ctx, "web"), *all = h->service_state(ctx, NULL);
        const char *floor = h->str(h->get(web, "floor"));
        if (!web || h->num(h->get(web, "desired"), -1) != 1 || !floor || strcmp(floor, "healthy"))
            return 11;
        if (h->service_state(ctx, "nope") != NULL || h->get(h->get(all, "services"), "web") != web)
            return 12;
    }
    for (i = 0; i < n; i++) {
        const char *st = h->str(h->get(h->at(tasks, i), "lastStatus"));
        if (st && !strcmp(st, "STOPPED"))
            return h->incomplete(ctx, "iam.roles", "plugin could not evaluate the execution role") == 0 ? 0 : 8;
    }
    return 0;
}

static const edoc_check checks[] = {
    {"test.gaps_plugin", "unknown_failure", "high", "test plugin for evidence gaps", "ecs.services", run},
};
EDOC_PLUGIN_DEFINE("gaps", "1.0", checks);

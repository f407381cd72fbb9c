/* A well-formed test plugin: one finding per stopped task (merged by key). */
#include "ecs_doctor/plugin.h"

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    const edoc_node *tasks = h->ptr(ctx, "/tasks");
    size_t i, n = h->len(tasks);
    for (i = 0; i < n; i++) {
        edoc_finding *f = h->finding(ctx, "unknown_failure", "low", 0.5, "test plugin saw a task");
        h->set(f, "key", "same");
        h->resource(f, h->str(h->get(h->at(tasks, i), "taskArn")));
        h->evidence(f, "/tasks/0/stoppedReason", "quoted by the host");
    }
    return 0;
}

static const edoc_check checks[] = {
    {"test.plugin_good", "unknown_failure", "low", "test plugin", "ecs.tasks", run},
};
EDOC_PLUGIN_DEFINE("good", "1.0", checks);

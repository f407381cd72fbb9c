/* A well-behaved plugin loaded after the hostile ones: its finding (with
 * evidence, a resource and a remediation) must come back through the
 * isolation intact. */
#include <stdio.h>

#include "ecs_doctor/plugin.h"

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    edoc_finding *f = h->finding(ctx, "unknown_failure", "low", 0.7, "zz_good saw the evidence");
    printf("a plugin printing to stdout must not corrupt --output json\n");
    h->set(f, "explanation", "reported from an isolated child");
    h->set(f, "key", "one");
    h->evidence(f, "/target/service", "the service");
    h->resource(f, "sg-0123");
    h->count(f, 3);
    h->remediation(f, "look", "echo hi", "https://example.com");
    return 0;
}

static const edoc_check checks[] = {{"hostile.zz_good", "unknown_failure", "low", "behaves", "", run}};
EDOC_PLUGIN_DEFINE("hostile-zz-good", "1", checks);

/* test_remediation_cmd — the plugin API's fix commands (issue 17): values go
 * through host->remediation_cmd as arguments the host quotes; a refused
 * template fails the check with the reason and prints nothing; the plain
 * host->remediation is a template without arguments; {region} is the
 * target's. Runs a check through pluginhost_run as the engine does. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "engine/finding.h"
#include "engine/pluginhost.h"
#include "test.h"

static const char *hostile = "x'$(touch pwned)'";

static int run_ok(const edoc_host *h, edoc_ctx *ctx)
{
    edoc_finding *f = h->finding(ctx, "unknown_failure", "low", 0.5, "t");
    const char *args[] = {"c", hostile, "n", "app\n;id", NULL};
    if (!EDOC_HOST_HAS(h, remediation_cmd))
        return 1;
    if (h->remediation_cmd(f, "d", "aws logs x --c {c} | jq --arg n {n} '.[] | select(.name == $n)'"
                                  " --region {region}",
                           args, "https://example.com") != 0)
        return 2;
    h->remediation(f, "plain", "aws ecs list-clusters --region {region}", NULL);
    return 0;
}

static int run_quoted(const edoc_host *h, edoc_ctx *ctx)
{
    edoc_finding *f = h->finding(ctx, "unknown_failure", "low", 0.5, "t");
    const char *args[] = {"c", hostile, NULL};
    return h->remediation_cmd(f, "d", "aws logs x --c '{c}'", args, NULL) == -1 ? 0 : 3;
}

static int run_plain_stray(const edoc_host *h, edoc_ctx *ctx)
{
    edoc_finding *f = h->finding(ctx, "unknown_failure", "low", 0.5, "t");
    /* What a plugin formatting values into the plain form would produce. */
    h->remediation(f, "d", "aws logs x --c 'x'$(touch pwned)''' --d {d}", NULL);
    return 0;
}

static int run_unused(const edoc_host *h, edoc_ctx *ctx)
{
    edoc_finding *f = h->finding(ctx, "unknown_failure", "low", 0.5, "t");
    const char *args[] = {"c", "v", "typo", "w", NULL};
    return h->remediation_cmd(f, "d", "aws x {c}", args, NULL) == -1 ? 0 : 4;
}

static int run_null_value(const edoc_host *h, edoc_ctx *ctx)
{
    edoc_finding *f = h->finding(ctx, "unknown_failure", "low", 0.5, "t");
    const char *args[] = {"c", NULL, NULL};
    return h->remediation_cmd(f, "d", "aws x {c}", args, NULL) == -1 ? 0 : 5;
}

static int run_long(const edoc_host *h, edoc_ctx *ctx)
{
    static char big[6000];
    edoc_finding *f = h->finding(ctx, "unknown_failure", "low", 0.5, "t");
    const char *args[] = {"c", big, NULL};
    memset(big, '\'', sizeof big - 1);
    return h->remediation_cmd(f, "d", "aws x {c}", args, NULL);
}

/* Runs fn as check id on evidence; returns the findings' list (caller
 * cleans up) and fills ctx. */
static void run(int (*fn)(const edoc_host *, edoc_ctx *), cJSON *ev, struct finding_list *out,
                struct edoc_ctx *ctx, int *rc)
{
    static struct check c;
    memset(&c, 0, sizeof c);
    c.id = "test.remediation_cmd";
    c.category = "unknown_failure";
    c.severity = "low";
    c.source = "plugin:test";
    c.lang = CHECK_C;
    c.c.run = fn;
    memset(ctx, 0, sizeof *ctx);
    ctx->evidence = ev;
    ctx->check = &c;
    ctx->out = out;
    ctx->diag = stderr;
    *rc = pluginhost_run(&c, ctx, 10);
}

static const char *command(const struct finding_list *l, size_t i)
{
    const cJSON *r = l->n ? cJSON_GetArrayItem(l->v[0]->remediation, (int)i) : NULL;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, "command");
    return cJSON_IsString(c) ? c->valuestring : NULL;
}

int main(void)
{
    cJSON *ev = cJSON_Parse("{\"target\":{\"region\":\"eu-west-1\"}}");
    struct finding_list out;
    struct edoc_ctx ctx;
    int rc;

    memset(&out, 0, sizeof out);
    run(run_ok, ev, &out, &ctx, &rc);
    CHECK(rc == 0 && !ctx.failed);
    CHECK_STR(command(&out, 0), "aws logs x --c 'x'\\''$(touch pwned)'\\''' | jq --arg n 'app\n;id' "
                                "'.[] | select(.name == $n)' --region eu-west-1");
    CHECK_STR(command(&out, 1), "aws ecs list-clusters --region eu-west-1");
    finding_list_cleanup(&out);

    memset(&out, 0, sizeof out);
    run(run_quoted, ev, &out, &ctx, &rc);
    CHECK(rc == 0 && ctx.failed && strstr(ctx.message, "inside a quoted string"));
    CHECK(command(&out, 0) == NULL);
    finding_list_cleanup(&out);

    memset(&out, 0, sizeof out);
    run(run_plain_stray, ev, &out, &ctx, &rc);
    CHECK(ctx.failed && strstr(ctx.message, "remediation command refused"));
    CHECK(command(&out, 0) == NULL);
    finding_list_cleanup(&out);

    memset(&out, 0, sizeof out);
    run(run_unused, ev, &out, &ctx, &rc);
    CHECK(rc == 0 && ctx.failed && strstr(ctx.message, "{typo} is not used"));
    finding_list_cleanup(&out);

    memset(&out, 0, sizeof out);
    run(run_null_value, ev, &out, &ctx, &rc);
    CHECK(rc == 0 && ctx.failed && strstr(ctx.message, "has no value"));
    finding_list_cleanup(&out);

    /* Longer than the cap: left out whole, never cut inside a quote. */
    memset(&out, 0, sizeof out);
    run(run_long, ev, &out, &ctx, &rc);
    CHECK(rc == 0 && !ctx.failed);
    CHECK(out.n == 1 && command(&out, 0) == NULL);
    CHECK(out.n == 1 && strstr(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                                   cJSON_GetArrayItem(out.v[0]->remediation, 0), "description")),
                               "the command is left out") != NULL);
    finding_list_cleanup(&out);

    /* Without a region in the evidence {region} has no value: refused. */
    cJSON_Delete(ev);
    ev = cJSON_Parse("{\"target\":{}}");
    memset(&out, 0, sizeof out);
    run(run_ok, ev, &out, &ctx, &rc);
    CHECK(rc == 2 && ctx.failed && strstr(ctx.message, "{region} has no argument"));
    finding_list_cleanup(&out);
    cJSON_Delete(ev);
    return test_done();
}

/* cmd_review — `ecs-doctor review service|task|cluster NAME` (live) and
 * `ecs-doctor review FILE` (a saved bundle, offline): the ECS best-practice
 * review alone. It selects the recommendation rules of checks/review (ids
 * security.*, reliability.*, cost.*; docs/best-practices.md) and hands over
 * to the live commands or to analyze, so the report holds only
 * recommendations. They never drive the verdict; the exit code is 1 when
 * --fail-on is given and an unmuted recommendation is at or above it
 * (publish.c), else 0 unless the evidence could not be gathered. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/textsafe.h"

/* The review rules' id families. Diagnosis checks use other prefixes
 * (image., net., placement., deployment., elb., registry., ...). */
static const char *const review_rules[] = {"security.*", "reliability.*", "cost.*"};

static const char review_usage[] =
    "usage: ecs-doctor review service NAME [--cluster C]   review a live service\n"
    "       ecs-doctor review cluster NAME                  every service of a cluster\n"
    "       ecs-doctor review task ID [--cluster C]         one task's task definition\n"
    "       ecs-doctor review FILE                          a saved evidence bundle, offline\n";

/* Drops the first positional (the target kind) before handing over. */
static void shift(struct cli_opts *o)
{
    o->args++;
    o->n_args--;
}

int cmd_review(struct cli_opts *o)
{
    const char *kind;
    size_t i;
    if (o->n_args < 1) {
        fputs(review_usage, stderr);
        return EXIT_USAGE;
    }
    if (o->no_recommendations) {
        textsafe_line(stderr, "ecs-doctor: review: --no-recommendations would hide the whole review\n");
        return EXIT_USAGE;
    }
    /* An explicit --only narrows the review to the rules the user named. */
    if (o->n_only == 0)
        for (i = 0; i < sizeof review_rules / sizeof review_rules[0]; i++)
            o->only[o->n_only++] = review_rules[i];
    o->review = 1; /* the report's summary then says no diagnosis ran */
    /* Advisory by default; a CI gate says --fail-on SEVERITY. */
    if (!o->fail_on_given)
        o->fail_on = "none";
    kind = o->args[0];
    if (!strcmp(kind, "service")) {
        shift(o);
        return cmd_service(o);
    }
    if (!strcmp(kind, "cluster")) {
        shift(o);
        return cmd_cluster(o);
    }
    if (!strcmp(kind, "task")) {
        shift(o);
        return cmd_task(o);
    }
    if (o->n_args == 1)
        return cmd_analyze(o);
    textsafe_line(stderr, "ecs-doctor: review: unknown target '%s'\n", kind);
    fputs(review_usage, stderr);
    return EXIT_USAGE;
}

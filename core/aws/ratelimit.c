/* ratelimit — see ratelimit.h. */
#include "aws/ratelimit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Refill rate (sustained) / bucket capacity (burst), per account and region,
 * as AWS publishes them:
 * - ECS, "Request throttling for the Amazon ECS API": one bucket per action
 *   category, e.g. cluster resource reads (DescribeTasks, ListTasks...)
 *   20/s with a bucket of 100, service reads 20/100, task definition reads
 *   20/50.
 * - EC2, "Request throttling for the Amazon EC2 API": each non-mutating
 *   action (Describe*) has its own bucket of 100 refilled at 20/s.
 * - ELBv2, "Request throttling for the ELB API": describe actions 10/s with
 *   a bucket of 40, and one account-level bucket of the same size shared by
 *   every action, hence one shared bucket here.
 * - The others are the services' documented per-second quotas.
 * The account's buckets are shared with everything else calling AWS, and
 * requests arrive with jitter, so the client keeps HEADROOM of each default
 * bucket unused: sustained rates are AWS's, bursts 10% smaller
 * (rounded down: a bucket of 2 stays 2). */
#define HEADROOM 0.10

static const struct {
    const char *service, *operation;
    double rate, burst;
    int per_op;
} defaults[] = {
    {"ecs", "DescribeClusters,ListClusters", 20, 50, 0},
    {"ecs", "DescribeTaskDefinition,ListTaskDefinitions,ListTaskDefinitionFamilies", 20, 50, 0},
    {"ecs", "DescribeCapacityProviders", 20, 50, 0},
    {"ecs", "ListTagsForResource", 20, 50, 0},
    {"ecs", "DescribeContainerInstances,DescribeTasks,ListAttributes,ListContainerInstances,ListTasks",
     20, 100, 0},
    {"ecs", "DescribeServices,ListServices", 20, 100, 0},
    {"ecs", "DescribeServiceDeployments,ListServiceDeployments", 20, 50, 0},
    {"ecs", "", 20, 50, 0},                       /* any other read: the smallest read bucket */
    {"ec2", "", 20, 100, 1},                      /* per action */
    {"elbv2", "", 10, 40, 0},                     /* account-level, shared */
    {"iam", "", 10, 20, 0},                       /* IAM read APIs: ~10/s per account (global) */
    {"sts", "", 20, 50, 0},
    {"logs", "", 10, 20, 0},                      /* DescribeLogGroups 10/s */
    {"logs", "FilterLogEvents", 5, 5, 0},         /* 5/s */
    {"logs", "GetLogEvents", 25, 25, 0},          /* 25/s */
    {"logs", "DescribeLogStreams", 25, 25, 0},    /* 25/s */
    {"ecr", "", 10, 20, 0},                       /* DescribeImages/Repositories 10/s */
    {"secretsmanager", "", 20, 50, 0},
    {"ssm", "", 20, 40, 0},                       /* GetParameters 40/s standard throughput */
    {"application-autoscaling", "", 10, 20, 0},
    {"cloudtrail", "LookupEvents", 2, 2, 0},      /* 2/s per account per region */
    {"cloudwatch", "", 20, 50, 0},                /* GetMetricData 50/s */
};

static struct ratelimit_bucket *add(struct ratelimit *r, const char *service, const char *operation)
{
    struct ratelimit_bucket *b;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->b[i].service, service) == 0 && strcmp(r->b[i].operation, operation) == 0)
            return &r->b[i];
    if (r->n == RATELIMIT_MAX)
        return NULL;
    b = &r->b[r->n++];
    memset(b, 0, sizeof *b);
    snprintf(b->service, sizeof b->service, "%s", service);
    snprintf(b->operation, sizeof b->operation, "%s", operation);
    return b;
}

static void fill(struct ratelimit_bucket *b, double rate, double burst, int per_op)
{
    b->rate = rate;
    b->base_rate = rate;
    b->burst = burst < 1 ? 1 : burst;
    b->tokens = b->burst;
    b->last = -1;
    b->per_op = per_op;
}

void ratelimit_init(struct ratelimit *r)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        struct ratelimit_bucket *b = add(r, defaults[i].service, defaults[i].operation);
        if (b)
            fill(b, defaults[i].rate, defaults[i].burst - floor(defaults[i].burst * HEADROOM),
                 defaults[i].per_op);
    }
}

void ratelimit_set(struct ratelimit *r, const char *service, const char *operation, double rate,
                   double burst)
{
    struct ratelimit_bucket *b;
    if (!operation[0]) {
        /* One limit for the whole service: drop its per-category buckets. */
        size_t i, k = 0;
        for (i = 0; i < r->n; i++)
            if (strcmp(r->b[i].service, service) != 0)
                r->b[k++] = r->b[i];
        r->n = k;
    }
    b = add(r, service, operation);
    if (b)
        fill(b, rate, burst, 0);
}

/* Whether op is one of the comma-separated names in list. */
static int in_list(const char *list, const char *op)
{
    size_t n = strlen(op);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, op, n) == 0)
            return 1;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

static struct ratelimit_bucket *find(struct ratelimit *r, const char *service, const char *op)
{
    struct ratelimit_bucket *any = NULL, *cat = NULL;
    for (size_t i = 0; i < r->n; i++) {
        struct ratelimit_bucket *b = &r->b[i];
        if (strcmp(b->service, service) != 0)
            continue;
        if (strcmp(b->operation, op) == 0)
            return b;
        if (!b->operation[0])
            any = b;
        else if (!cat && strchr(b->operation, ',') && in_list(b->operation, op))
            cat = b;
    }
    if (cat)
        return cat;
    if (any && any->per_op && strlen(op) < sizeof any->operation) {
        /* EC2: every action has its own bucket of the template's size. */
        double rate = any->base_rate, burst = any->burst;
        struct ratelimit_bucket *own = add(r, service, op);
        if (own) {
            fill(own, rate, burst, 0);
            return own;
        }
        /* The table is full: the rest share the template's bucket. */
    }
    return any;
}

/* A slowed bucket holds one second of its rate, as botocore's adaptive
 * bucket does: no burst at the old speed right after a throttle. */
static double cap(const struct ratelimit_bucket *b)
{
    if (b->rate < b->base_rate)
        return b->rate > 1 ? b->rate : 1;
    return b->burst;
}

void ratelimit_throttled(struct ratelimit *r, const char *service, const char *operation)
{
    struct ratelimit_bucket *b = find(r, service, operation);
    if (!b || b->rate <= 0)
        return;
    b->rate *= RATELIMIT_BACKOFF;
    if (b->rate < RATELIMIT_MIN_RATE)
        b->rate = b->base_rate < RATELIMIT_MIN_RATE ? b->base_rate : RATELIMIT_MIN_RATE;
    if (b->tokens > cap(b))
        b->tokens = cap(b);
}

void ratelimit_success(struct ratelimit *r, const char *service, const char *operation)
{
    struct ratelimit_bucket *b = find(r, service, operation);
    if (!b || b->rate <= 0 || b->rate >= b->base_rate)
        return;
    b->rate += b->base_rate * RATELIMIT_RECOVER;
    if (b->rate > b->base_rate)
        b->rate = b->base_rate;
}

double ratelimit_take(struct ratelimit *r, const char *service, const char *operation, double now)
{
    struct ratelimit_bucket *b = find(r, service, operation);
    if (!b || b->rate <= 0)
        return 0;
    if (b->last >= 0 && now > b->last)
        b->tokens += (now - b->last) * b->rate;
    b->last = now;
    if (b->tokens > cap(b))
        b->tokens = cap(b);
    if (b->tokens >= 1) {
        b->tokens -= 1;
        return 0;
    }
    return (1 - b->tokens) / b->rate;
}

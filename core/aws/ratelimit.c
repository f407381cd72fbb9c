/* ratelimit — see ratelimit.h. */
#include "aws/ratelimit.h"

#include <stdio.h>
#include <string.h>

/* Sustained rate / burst, per account and region, from the services'
 * published quotas (rounded down: we share the account with others). */
static const struct {
    const char *service, *operation;
    double rate, burst;
} defaults[] = {
    {"ecs", "", 20, 50},                     /* ECS Describe and List: 20/s, burst 50 */
    {"ec2", "", 20, 100},                    /* EC2 non-mutating actions: bucket 100, refill 20/s */
    {"elbv2", "", 10, 40},                   /* ELBv2 Describe calls: 10/s */
    {"iam", "", 10, 20},                     /* IAM read APIs: ~10/s per account (global) */
    {"sts", "", 20, 50},
    {"logs", "", 10, 20},                    /* DescribeLogGroups 10/s */
    {"logs", "FilterLogEvents", 5, 5},       /* 5/s */
    {"logs", "GetLogEvents", 25, 25},        /* 25/s */
    {"logs", "DescribeLogStreams", 25, 25},  /* 25/s */
    {"ecr", "", 10, 20},                     /* DescribeImages/Repositories 10/s */
    {"secretsmanager", "", 20, 50},
    {"ssm", "", 20, 40},                     /* GetParameters 40/s standard throughput */
    {"application-autoscaling", "", 10, 20},
    {"cloudtrail", "LookupEvents", 2, 2},    /* 2/s per account per region */
    {"cloudwatch", "", 20, 50},              /* GetMetricData 50/s */
};

void ratelimit_init(struct ratelimit *r)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        ratelimit_set(r, defaults[i].service, defaults[i].operation, defaults[i].rate,
                      defaults[i].burst);
}

void ratelimit_set(struct ratelimit *r, const char *service, const char *operation, double rate,
                   double burst)
{
    struct ratelimit_bucket *b = NULL;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->b[i].service, service) == 0 && strcmp(r->b[i].operation, operation) == 0)
            b = &r->b[i];
    if (!b) {
        if (r->n == RATELIMIT_MAX)
            return;
        b = &r->b[r->n++];
        snprintf(b->service, sizeof b->service, "%s", service);
        snprintf(b->operation, sizeof b->operation, "%s", operation);
    }
    b->rate = rate;
    b->burst = burst < 1 ? 1 : burst;
    b->tokens = b->burst;
    b->last = -1;
}

static struct ratelimit_bucket *find(struct ratelimit *r, const char *service, const char *op)
{
    struct ratelimit_bucket *any = NULL;
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->b[i].service, service) != 0)
            continue;
        if (strcmp(r->b[i].operation, op) == 0)
            return &r->b[i];
        if (!r->b[i].operation[0])
            any = &r->b[i];
    }
    return any;
}

double ratelimit_take(struct ratelimit *r, const char *service, const char *operation, double now)
{
    struct ratelimit_bucket *b = find(r, service, operation);
    if (!b || b->rate <= 0)
        return 0;
    if (b->last >= 0 && now > b->last) {
        b->tokens += (now - b->last) * b->rate;
        if (b->tokens > b->burst)
            b->tokens = b->burst;
    }
    b->last = now;
    if (b->tokens >= 1) {
        b->tokens -= 1;
        return 0;
    }
    return (1 - b->tokens) / b->rate;
}

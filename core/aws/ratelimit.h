/* ratelimit — client-side token buckets per (service, operation class), so
 * a large scan stays under AWS's published API rate limits instead of
 * discovering them through throttling errors.
 *
 * Defaults come from a table modelled on AWS's documented limits (ECS
 * describe/list 20/s sustained with a burst of 50, EC2 describe 20/s with a
 * burst of 100, IAM 10/s, CloudTrail LookupEvents 2/s...). The struct owns
 * its buckets; ratelimit_set() overrides one (tests, tuning). */
#ifndef EDOC_RATELIMIT_H
#define EDOC_RATELIMIT_H

#include <stddef.h>

#define RATELIMIT_MAX 64

struct ratelimit_bucket {
    char service[32];
    char operation[64]; /* "" = any operation of the service */
    double rate;        /* tokens per second; <= 0 = unlimited */
    double burst;
    double tokens;
    double last;        /* monotonic seconds of the last refill */
};

struct ratelimit {
    struct ratelimit_bucket b[RATELIMIT_MAX];
    size_t n;
};

void ratelimit_init(struct ratelimit *r);
/* Adds or replaces the bucket for (service, operation or ""). */
void ratelimit_set(struct ratelimit *r, const char *service, const char *operation, double rate,
                   double burst);
/* Takes one token for the call at monotonic time now. Returns 0 when taken,
 * else the seconds to wait before trying again (nothing taken). */
double ratelimit_take(struct ratelimit *r, const char *service, const char *operation, double now);

#endif

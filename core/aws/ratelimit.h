/* ratelimit — client-side token buckets per (service, operation class), so
 * a large scan stays under AWS's published API rate limits instead of
 * discovering them through throttling errors.
 *
 * Defaults are AWS's published request-token buckets (ratelimit.c cites
 * them): ECS throttles per action *category* (DescribeTasks and ListTasks
 * share one bucket), EC2 per action, ELBv2 per account. A bucket names one
 * operation, a comma list of operations sharing it, or "" for the rest of
 * the service. The struct owns its buckets; ratelimit_set() overrides one
 * (tests, tuning). */
#ifndef EDOC_RATELIMIT_H
#define EDOC_RATELIMIT_H

#include <stddef.h>

#define RATELIMIT_MAX 64

struct ratelimit_bucket {
    char service[32];
    char operation[160]; /* "Op", "OpA,OpB" (one shared bucket) or "" = the rest */
    double rate;         /* tokens per second; <= 0 = unlimited */
    double burst;
    double tokens;
    double last;         /* monotonic seconds of the last refill */
    int per_op;          /* a "" template: each operation gets its own copy (EC2) */
};

struct ratelimit {
    struct ratelimit_bucket b[RATELIMIT_MAX];
    size_t n;
};

void ratelimit_init(struct ratelimit *r);
/* Adds or replaces the bucket for (service, operation list or ""). With
 * operation "" it replaces every bucket of the service: one shared limit. */
void ratelimit_set(struct ratelimit *r, const char *service, const char *operation, double rate,
                   double burst);
/* Takes one token for the call at monotonic time now. Returns 0 when taken,
 * else the seconds to wait before trying again (nothing taken). */
double ratelimit_take(struct ratelimit *r, const char *service, const char *operation, double now);

#endif

/* ratelimit — client-side token buckets per (service, operation class), so
 * a large scan stays under AWS's published API rate limits instead of
 * discovering them through throttling errors.
 *
 * Defaults are AWS's published request-token buckets (ratelimit.c cites
 * them): ECS throttles per action *category* (DescribeTasks and ListTasks
 * share one bucket), EC2 per action, ELBv2 per account. A bucket names one
 * operation, a comma list of operations sharing it, or "" for the rest of
 * the service. The struct owns its buckets; ratelimit_set() overrides one
 * (tests, tuning).
 *
 * Adaptive (the SDKs' "adaptive" retry mode, simplified to AIMD): each
 * throttling answer cuts its bucket's rate by RATELIMIT_BACKOFF (down to
 * RATELIMIT_MIN_RATE) and its burst to one second of that rate, so the
 * client slows down where AWS pushes back instead of spending retries; each
 * success adds RATELIMIT_RECOVER of the configured rate back. */
#ifndef EDOC_RATELIMIT_H
#define EDOC_RATELIMIT_H

#include <stddef.h>

#define RATELIMIT_MAX 64
#define RATELIMIT_BACKOFF 0.7   /* botocore's CUBIC beta */
#define RATELIMIT_MIN_RATE 0.5  /* botocore's minimum fill rate, per second */
#define RATELIMIT_RECOVER 0.05  /* of the configured rate, per success */

struct ratelimit_bucket {
    char service[32];
    char operation[160]; /* "Op", "OpA,OpB" (one shared bucket) or "" = the rest */
    double rate;         /* tokens per second now; <= 0 = unlimited */
    double base_rate;    /* the configured rate, which rate recovers to */
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
/* A throttling answer for (service, operation): slow its bucket down. */
void ratelimit_throttled(struct ratelimit *r, const char *service, const char *operation);
/* A successful answer: let a slowed bucket recover. */
void ratelimit_success(struct ratelimit *r, const char *service, const char *operation);

#endif

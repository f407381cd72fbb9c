/* retry — the SDK "standard" retry mode: which errors are retried, the
 * backoff delay and the client-wide retry quota.
 *
 * Transient codes, HTTP 500/502/503/504, network errors and unparsable 2xx
 * bodies are retried up to max_attempts, waiting
 * min(rand * base * 2^attempt, 20 s) (full jitter). Each such retry spends
 * quota tokens (5, or 10 after a timeout) from a bucket of 500; a success
 * refunds what its retries spent, or 1 token. With the bucket empty, no
 * retry. Throttling codes are retried by the client outside both bounds,
 * until the deadline (aws.h, AWS_THROTTLE_BUDGET_MS), with the adaptive rate
 * of ratelimit.h slowing the operation down. */
#ifndef EDOC_RETRY_H
#define EDOC_RETRY_H

#include "aws/aws.h"

enum retry_class {
    RETRY_NO = 0,
    RETRY_THROTTLE = 1,
    RETRY_TRANSIENT = 2,
    RETRY_TIMEOUT = 3
};

#define RETRY_QUOTA_MAX 500
#define RETRY_COST 5
#define RETRY_COST_TIMEOUT 10
#define RETRY_MAX_BACKOFF_MS 20000.0

/* The error kind for an AWS error code: ERR_DENIED, ERR_NOT_FOUND,
 * ERR_THROTTLED, else ERR_AWS. */
enum err_code retry_error_kind(const char *code);
int retry_is_throttle_code(const char *code);

/* How err should be retried (RETRY_NO: final). */
enum retry_class retry_classify(const struct aws_error *err);

/* Backoff before attempt number `attempt` (1 = the first retry). rand01 in
 * [0,1); base_ms the base delay (100 ms). */
double retry_backoff_ms(int attempt, double rand01, double base_ms);

struct retry_quota {
    int tokens;
};

void retry_quota_init(struct retry_quota *q);
/* Spends the cost of a retry of class c; returns the cost spent, or 0 when
 * the quota cannot afford it (then: do not retry). */
int retry_quota_acquire(struct retry_quota *q, enum retry_class c);
/* On success: refunds spent (the call's retry costs), or 1 when none. */
void retry_quota_success(struct retry_quota *q, int spent);

#endif

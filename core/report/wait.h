/* wait — `service NAME --wait`: follow the service's newest deployment until
 * its rollout is COMPLETED or FAILED (or, without rollout states, the service
 * is steady), printing progress — deployment state, running/desired, new
 * service events — to a stream, polling with backoff. The diagnosis runs
 * afterwards as usual. The polling is separate from the AWS call so tests
 * drive it with scripted answers and a fake clock. */
#ifndef EDOC_WAIT_H
#define EDOC_WAIT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "util/err.h"

enum wait_outcome {
    WAIT_COMPLETED = 0, /* rolloutState COMPLETED */
    WAIT_FAILED = 1,    /* rolloutState FAILED (circuit breaker, or stopped) */
    WAIT_STEADY = 2,    /* no rollout state: one deployment, running == desired */
    WAIT_TIMEOUT = 3,   /* still rolling out when the timeout came */
    WAIT_ERROR = 4      /* DescribeServices failed for good (e filled) */
};

/* One poll: a new DescribeServices service object (caller frees), or NULL
 * with e filled. ERR_THROTTLED/ERR_NETWORK/ERR_TIMEOUT are retried. */
typedef cJSON *(*wait_describe_fn)(void *arg, struct err *e);

struct wait_opts {
    long timeout_s;           /* 0: 15 minutes */
    double first_interval_s;  /* 0: 5 s, then x1.5 per unchanged poll */
    double max_interval_s;    /* 0: 30 s */
    FILE *progress;           /* NULL: stderr */
    /* Test hooks; NULL means the real monotonic clock and nanosleep. */
    double (*now)(void *clock_arg);
    void (*sleep)(void *clock_arg, double seconds);
    void *clock_arg;
};

const char *wait_outcome_str(enum wait_outcome w);

enum wait_outcome wait_follow(wait_describe_fn describe, void *arg, const struct wait_opts *wo, struct err *e);

/* The live poller: ecs:DescribeServices for cluster/service through c. */
struct aws_client;
enum wait_outcome wait_service(struct aws_client *c, const char *cluster, const char *service,
                               const struct wait_opts *wo, struct err *e);

#endif

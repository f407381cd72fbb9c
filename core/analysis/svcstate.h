/* svcstate — the service-state model: what the evidence says about each
 * service's own state (counts, rollout, status, pending tasks, stops,
 * container and target health, classes of service events), computed before
 * any check runs. It decides the verdict's floor (docs/report.md "Service
 * state"): a service short of its desired count, a failing or stuck
 * deployment, an INACTIVE/DRAINING service, unhealthy targets or containers,
 * or tasks stuck PENDING can never be `healthy`, and `healthy` needs positive
 * evidence. Checks read it (edoc.service_state, host->service_state); the
 * report carries it as `state`. Owns nothing beyond the document it returns. */
#ifndef EDOC_SVCSTATE_H
#define EDOC_SVCSTATE_H

#include <cjson/cJSON.h>

/* Thresholds (seconds), documented in docs/report.md. */
#define SVCSTATE_START_ALLOWANCE 300   /* short of desired this long is still "starting" */
#define SVCSTATE_DEPLOY_ALLOWANCE 1800 /* a rollout IN_PROGRESS longer than this (+ grace) is stuck */
#define SVCSTATE_PENDING_MAX 600       /* a task PENDING/PROVISIONING longer than this is stuck */
#define SVCSTATE_STOP_WINDOW 3600      /* recent stops are counted over this span */

/* Event classes of DescribeServices events (svcstate_event_class). */
enum svcstate_event {
    SVCSTATE_EV_OTHER = 0,
    SVCSTATE_EV_STEADY,      /* "has reached a steady state" */
    SVCSTATE_EV_PLACEMENT,   /* "was unable to place a task" */
    SVCSTATE_EV_START_FAIL,  /* "is unable to consistently start tasks", "failed to launch a task", deployment failed */
    SVCSTATE_EV_THROTTLED,   /* "operations are being throttled", "Rate exceeded" */
    SVCSTATE_EV_UNHEALTHY,   /* "failed ELB health checks", "is unhealthy in", "failed container health checks" */
    SVCSTATE_EV_STARTED,     /* "has started N tasks" */
    SVCSTATE_EV_STOPPED,     /* "has stopped N running tasks" */
    SVCSTATE_EV_COUNT
};

/* The class of one service event message (NULL: OTHER). */
enum svcstate_event svcstate_event_class(const char *message);
/* "steady_state", "placement_failure", ... (static). */
const char *svcstate_event_name(enum svcstate_event c);

/* Builds the state document of the evidence (caller frees):
 *   {"now": <epoch>, "floor": "healthy|inconclusive|degraded|unhealthy",
 *    "severity": "critical|high|medium" | null, "reasons": [...],
 *    "services": {"<name>": {...per service, docs/report.md...}},
 *    "task": {...}   (task targets)}
 * `now` is the evidence's reference time: window.until, else the `now`
 * argument. NULL only when out of memory. */
cJSON *svcstate_build(const cJSON *evidence, double now);

/* The floor's order: healthy 0, inconclusive 1, degraded 2, unhealthy 3;
 * -1 for anything else. */
int svcstate_floor_rank(const char *floor);

#endif

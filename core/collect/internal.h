/* internal — what the collector nodes share: the run state (struct collect),
 * the node and source tables, the call wrapper that counts calls per source
 * and tracks round-trip depth, and tolerant accessors for API answers (JSON
 * services verbatim; XML services after the generic converter, which may or
 * may not keep the <Op>Result wrapper). Not a public header. */
#ifndef EDOC_COLLECT_INTERNAL_H
#define EDOC_COLLECT_INTERNAL_H

#include <stddef.h>
#include "collect/collect.h"

enum node_id {
    N_CLUSTER, N_IDENTITY, N_SERVICES, N_TASKS, N_TASKDEFS, N_TDHIST, N_TG, N_LB,
    N_SUBNETS, N_VPCS, N_ROUTES, N_GATEWAYS, N_VPCE, N_NACL, N_SG, N_PREFIX,
    N_IAM, N_IMAGES, N_SECRETS, N_LOGS, N_CAPACITY, N_SCALING, N_TRAIL, N_METRICS, N_COUNT
};

enum source_id {
    S_NONE = -1,
    S_CLUSTER, S_SERVICES, S_TASKS, S_TASKDEFS, S_CAPACITY, S_TG, S_TH, S_LB, S_IAM,
    S_SUBNETS, S_ROUTES, S_GATEWAYS, S_VPCE, S_SG, S_NACL, S_LOGS, S_IMAGES, S_SECRETS,
    S_SCALING, S_TRAIL, S_METRICS, S_COUNT
};

/* A set of strings (small: linear search is fine at these sizes). */
struct strset {
    char **v;
    size_t n, cap;
};
int strset_add(struct strset *s, const char *str); /* 1 added, 0 present, -1 no memory */
int strset_has(const struct strset *s, const char *str);
void strset_cleanup(struct strset *s);

struct source {
    int calls, ok, failed, timeouts, denied;
    double t0, t1;   /* monotonic ms of first start / last end */
    cJSON *errors;   /* array, NULL until the first error */
    char reason[160];
    char note[256];  /* a bound that cut what the source read (collect_note) */
    int discarded;   /* items a collector dropped on purpose (window, caps) */
    char discard_why[200];
};

struct node {
    int state; /* 0 waiting, 1 running, 2 done */
    int pending;
    int depth_in, depth_done;
};

struct collect {
    const struct collect_io *io;
    struct collect_opts o;
    double now, since;
    cJSON *ev;               /* the document being built */
    char cluster[256];       /* cluster name */
    char target[512];        /* service name or task id or cluster name */
    struct node nodes[N_COUNT];
    struct source src[S_COUNT];
    int cur_depth, calls;
    int abort;               /* target missing: stop starting nodes */
    enum err_code fatal;     /* set with msg when the target is missing/unreadable */
    char msg[ERR_MSG_MAX];
    struct strset seen;      /* de-duplication keys: "<kind>:<id>" */
    struct strset tasks_seen;
    cJSON *service_names;    /* array of names, in target order */
    cJSON *policies;         /* policyArn -> {DefaultVersionId, Document} */
    cJSON *task_arns[2];     /* ListTasks results: STOPPED, RUNNING */
    int listtasks_left;
    int cluster_missing;     /* an ECS call said ClusterNotFoundException */
    cJSON *suggest;          /* task target missing: ListTasks names for "did you mean" */
    int suggest_left;
    int oom;
};

struct call;
/* A call's completion handler. Returns 1 when it consumed an error as a fact
 * (ImageNotFound, a missing secret...), so the source does not count it as a
 * failure; 0 otherwise. */
typedef int (*call_fn)(struct collect *c, struct call *k, struct aws_result *res);

struct call {
    struct collect *c;
    int node, src, depth;
    call_fn fn;
    char *tag, *tag2; /* owned context strings */
    long num;
    double t0;
    char service[32], operation[64];
};

/* Issues one call for node (counted against src). params is taken. */
void collect_call(struct collect *c, int node, int src, const char *service, const char *operation,
                  cJSON *params, int flags, int max_items, call_fn fn, const char *tag,
                  const char *tag2, long num);
/* collect_call in another region (an image or secret that lives elsewhere);
 * NULL or the client's region is collect_call. Without a transport that can
 * (io->call_in), the call completes as a CrossRegion error. */
void collect_call_in(struct collect *c, const char *region, int node, int src, const char *service,
                     const char *operation, cJSON *params, int flags, int max_items, call_fn fn, const char *tag,
                     const char *tag2, long num);
/* Marks a source as having nothing to do (first reason wins). */
void collect_skip(struct collect *c, int src, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Records in the source's status ("note") a bound that cut what it read,
 * although its calls succeeded (first note wins). */
void collect_note(struct collect *c, int src, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Counts n items of src dropped on purpose, with why ("12 stopped tasks
 * older than the window"): reported as the source's `discarded` and
 * `discarded_why`, so nothing is dropped silently. */
void collect_discard(struct collect *c, int src, int n, const char *why);
/* Sets the fatal error (first one wins) and stops starting new nodes. */
void collect_fail(struct collect *c, enum err_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Adds "<kind>:<id>" to the de-dup set: 1 when new (the caller fetches it). */
int collect_once(struct collect *c, const char *kind, const char *id);
/* Monotonic milliseconds (source durations). */
double collect_clock_ms(void);

/* Tolerant accessors for answers. */
cJSON *xget(const cJSON *body, const char *key);    /* member, looking through ...Result and ...Response wrappers */
cJSON *xlist(const cJSON *body, const char *key);   /* that member when it is an array, else NULL */
const char *xstr(const cJSON *obj, const char *key); /* string member or NULL */
/* Copies item into obj[key] (replacing). */
void xput(cJSON *obj, const char *key, const cJSON *item);
/* A new JSON array of s->v[from .. from+count) (caller owns it). */
cJSON *str_array(const struct strset *s, size_t from, size_t count);
/* Parses a (maybe URL-encoded) policy document string into JSON; NULL if not JSON. */
cJSON *policy_parse(const cJSON *doc);

/* Shared helpers over the document being built. */
cJSON *ev_section(struct collect *c, const char *path1, const char *path2); /* obj, creating */
void inuse_taskdefs(struct collect *c, struct strset *out);
void task_subnets(struct collect *c, struct strset *out);

/* Node start (and finish) functions, one per node, in collect_*.c. */
void ecs_cluster_start(struct collect *c);
void ecs_identity_start(struct collect *c);
void ecs_services_start(struct collect *c);
void ecs_services_finish(struct collect *c);
void ecs_tasks_start(struct collect *c);
void ecs_tasks_finish(struct collect *c);
void ecs_taskdefs_start(struct collect *c);
void ecs_tdhist_start(struct collect *c);
void ecs_capacity_start(struct collect *c);
void ecs_scaling_start(struct collect *c);
void elb_tg_start(struct collect *c);
void elb_lb_start(struct collect *c);
void net_subnets_start(struct collect *c);
void net_vpcs_start(struct collect *c);
void net_routes_start(struct collect *c);
void net_gateways_start(struct collect *c);
void net_vpce_start(struct collect *c);
void net_nacl_start(struct collect *c);
void net_sg_start(struct collect *c);
void net_prefix_start(struct collect *c);
void iam_roles_start(struct collect *c);
void iam_roles_finish(struct collect *c);
void art_images_start(struct collect *c);
void art_secrets_start(struct collect *c);
void art_logs_start(struct collect *c);
void trail_start(struct collect *c);
void trail_finish(struct collect *c);
void metrics_start(struct collect *c);

/* collect_trail: one CloudTrail event (LookupEvents' Event) as an evidence
 * change (docs/evidence.md "changes"); NULL without an EventName. Caller frees. */
cJSON *trail_change_new(const cJSON *event);
/* How the actor came: "console", "cli", "sdk", "service" or "unknown". */
const char *trail_via(const char *identity_type, const char *invoked_by, const char *source_ip,
                      const char *user_agent);
/* The evidence's resource names a change may touch, most telling first
 * (route tables, task security groups, roles, NAT gateways, endpoints,
 * services, cluster, families, target groups, repositories, log groups,
 * secrets, subnets, other groups), at most cap. */
void trail_resources(const cJSON *ev, const char *cluster, size_t cap, struct strset *out, int *oom);
/* 1 when one of the change's "resources" is in names (an ARN also by its
 * last segment). */
int trail_touches(const cJSON *change, const struct strset *names);
/* collect_metrics: the GetMetricData period for a window (60 s up to 3 h,
 * then the smallest standard period keeping <= 1440 points). */
long metrics_period(double span_s);
/* Adds the summary of one series (points, peak, peak_time, last, last_time,
 * first, first_time, slope_per_hour, first_above, minutes_above, samples) to
 * out. t/v need not be sorted. */
void metrics_summarise(const double *t, const double *v, size_t n, double threshold, long period,
                       size_t max_samples, cJSON *out);

/* Batch limits (the APIs' maxima). */
#define MAX_DESCRIBE_TASKS 100
#define MAX_DESCRIBE_SERVICES 10
#define MAX_GET_PARAMETERS 10
#define MAX_ELB_ARNS 20
#define MAX_EC2_IDS 200
#define MAX_CONTAINER_INSTANCES 100
#define MAX_LOG_LINES 50
#define MAX_LOG_BYTES (16 * 1024)
#define MAX_LOG_TASKS 5
#define MAX_EVENTS 100
/* Task definition families whose revision history is listed (one
 * ListTaskDefinitions each); beyond it the source's status says so. */
#define MAX_TD_HISTORY_FAMILIES 64

#endif

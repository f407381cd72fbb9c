/* collect — gathers the evidence document (docs/evidence.md) for one target.
 *
 * Collectors are nodes of a small dependency graph (collect.c): each declares
 * the nodes whose facts it needs and starts as soon as they are done, so all
 * independent calls are in flight together on the one client and the wall
 * time is about the graph's depth in round trips. Every AWS call goes through
 * a struct collect_io, which production binds to the aws client
 * (collect_io_aws) and unit tests replace with canned answers. */
#ifndef EDOC_COLLECT_H
#define EDOC_COLLECT_H

#include <cjson/cJSON.h>
#include "aws/aws.h"
#include "util/err.h"

/* The transport: start one asynchronous call (params taken; cb runs later,
 * from run(), never re-entrantly), and drive all calls to completion. */
struct collect_io {
    void *ctx;
    enum err_code (*call)(void *ctx, const char *service, const char *operation, cJSON *params,
                          int flags, int max_items, aws_done_fn cb, void *arg);
    enum err_code (*run)(void *ctx);
    /* The same call in another region (NULL: the transport has one region,
     * and such calls complete as a CrossRegion error). */
    enum err_code (*call_in)(void *ctx, const char *region, const char *service, const char *operation,
                             cJSON *params, int flags, int max_items, aws_done_fn cb, void *arg);
    /* ("elbv2","DescribeTargetHealth") -> "elasticloadbalancing:DescribeTargetHealth" */
    const char *(*iam_action)(const char *service, const char *operation, char *buf, size_t len);
    const char *region;    /* the client's region (borrowed) */
    const char *partition; /* "aws"... (borrowed) */
};

/* Binds io to an aws client (borrowed; must outlive io). */
void collect_io_aws(struct collect_io *io, struct aws_client *client);

enum collect_kind { COLLECT_SERVICE = 1, COLLECT_TASK, COLLECT_CLUSTER };

struct collect_opts {
    enum collect_kind kind;
    const char *target;   /* service name/ARN, task id/ARN, or cluster name/ARN */
    const char *cluster;  /* --cluster (name or ARN); NULL: from the target ARN, else "default" */
    long since_s;         /* window: now - since_s .. now */
    long max_tasks;       /* stopped tasks kept, newest first */
    double now;           /* epoch seconds; 0: the clock */
    double deadline;      /* epoch seconds; 0: none. Nodes not started by then are skipped */
    int no_redact;        /* keep environment values and secret-looking strings */
    /* Progress: called with a one-line status whenever a source starts or ends. */
    void (*progress)(void *arg, const char *line);
    void *progress_arg;
};

struct collect_stats {
    int depth;      /* round trips on the critical path actually taken */
    int calls;      /* AWS calls issued */
    double wall_ms;
};

/* Collects the evidence for o's target through io. On success *out is the
 * document (caller frees with cJSON_Delete), redacted unless o->no_redact.
 * ERR_NOT_FOUND: the target does not exist (e says so, with near matches);
 * ERR_USAGE: a malformed target; any other code: an AWS/credential error that
 * left nothing to diagnose (e names it). stats may be NULL. */
enum err_code collect_run(const struct collect_io *io, const struct collect_opts *o, cJSON **out,
                          struct collect_stats *stats, struct err *e);

/* The static critical-path depth of the graph for a target kind, in round
 * trips (what collect_stats.depth is at most, absent pagination). */
int collect_graph_depth(enum collect_kind kind);

#endif

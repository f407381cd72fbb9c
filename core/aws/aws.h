/* aws — the read-only AWS client facade that collectors call.
 *
 * One client resolves region, endpoints and credentials once (the AWS CLI's
 * rules), then runs many calls concurrently on a curl multi handle: SigV4
 * signing, JSON 1.1 and Query/XML protocols, the SDK "standard" retry mode
 * (throttling retried until the deadline, with an adaptive rate), pagination
 * and per-operation rate limits are all inside. Callers see one
 * shape: a cJSON body (XML answers converted, see xml2json.h) or one error
 * value. Any operation not on the read-only allowlist (allowlist.h) is
 * refused before a byte is sent.
 *
 * Threading: single-threaded. Callbacks run inside aws_run() and may start
 * more calls. Ownership: params passed to a call are taken by the client;
 * a result is borrowed for the duration of the callback — a callback that
 * wants to keep the body takes it (res->body = NULL).
 */
#ifndef EDOC_AWS_H
#define EDOC_AWS_H

#include <cjson/cJSON.h>
#include "util/err.h"

struct aws_client;

/* Everything a caller may set; zeros/NULLs mean "the SDK default". */
struct aws_options {
    const char *profile;      /* --profile, else AWS_PROFILE, else "default" */
    const char *region;       /* --region, else AWS_REGION, AWS_DEFAULT_REGION, profile */
    const char *endpoint_url; /* --endpoint-url: every service (STS of the credential
                                 chain included); else AWS_ENDPOINT_URL[_<SVC>], config */
    long call_timeout_ms;     /* per attempt; default 10000 */
    int max_attempts;         /* default 3 (standard mode); throttling not counted */
    int max_inflight;         /* concurrent requests; default 32 */
    double deadline;          /* epoch seconds; 0 = none. Calls after it fail ERR_TIMEOUT */
    long throttle_budget_ms;  /* without a deadline, how long one call (page) may
                                 keep retrying throttling; default
                                 AWS_THROTTLE_BUDGET_MS */
    int debug;                /* log each request to stderr (never secrets) */
    /* Called from aws_run about once a second while the oldest call in
     * flight has waited AWS_STALL_S or more, so a silent endpoint is named:
     * the action ("iam:GetRole"), the endpoint's URL, the seconds waited
     * (retries included). NULL: nothing is said. */
    void (*on_stall)(void *arg, const char *action, const char *endpoint, double waited_s);
    void *stall_arg;
};

/* Throttled calls are retried (jittered exponential backoff from 1 s, at
 * most 20 s apart, the operation's client-side rate slowed: see
 * ratelimit.h) until the deadline, or for this long without one. Other
 * retryable errors are bounded by max_attempts. */
#define AWS_THROTTLE_BUDGET_MS 60000L
#define AWS_STALL_S 10.0

struct aws_error {
    enum err_code kind;  /* ERR_AWS, ERR_DENIED, ERR_NOT_FOUND, ERR_THROTTLED, ERR_NETWORK, ERR_TIMEOUT, ERR_REFUSED... */
    long http_status;    /* 0 when no HTTP answer */
    char code[128];      /* AWS error code: "AccessDeniedException", "InvalidParameterException" */
    char message[1024];
    char request_id[96];
};

struct aws_result {
    cJSON *body;            /* parsed answer (NULL on error); owned by the result */
    struct aws_error error; /* error.kind == ERR_OK on success */
    const char *service;    /* "ecs", "ec2"... (borrowed, static) */
    const char *operation;  /* "DescribeTasks" (borrowed) */
    int attempts;           /* 1 + retries */
    int pages;              /* pages followed when AWS_CALL_PAGINATE */
    double latency_ms;      /* wall time of the whole call including retries */
};

/* Flags for aws_call_async. */
#define AWS_CALL_PAGINATE 0x1 /* follow the operation's next-token to the end
                                 (or max_items) and concatenate the result
                                 arrays into the first page's body */

typedef void (*aws_done_fn)(void *arg, struct aws_result *res);

/* Builds a client. Region and credentials resolve here (credentials lazily on
 * first call when they need a network round trip). ERR_CREDENTIALS/ERR_CONFIG
 * with a one-line message listing what was tried. */
enum err_code aws_client_new(const struct aws_options *opt, struct aws_client **out,
                             struct err *e);
void aws_client_free(struct aws_client *c);

const char *aws_client_region(const struct aws_client *c);   /* borrowed */
const char *aws_client_partition(const struct aws_client *c); /* "aws", "aws-cn", "aws-us-gov" */

/* Starts a call. service is the SDK name: "ecs", "elbv2", "ec2", "iam", "sts",
 * "logs", "ecr", "secretsmanager", "ssm", "application-autoscaling",
 * "cloudtrail", "cloudwatch". params (may be NULL) is the operation's input
 * as JSON with the model's member names; for Query services the client
 * flattens it (lists -> Name.member.N, or EC2's Name.N; structs -> Name.Sub).
 * EC2 list members are renamed to their wire names by a small table of the
 * members ecs-doctor uses (Filters -> Filter.N.Name / Filter.N.Value.M,
 * SubnetIds -> SubnetId.N, GroupIds -> GroupId.N, VpcEndpointIds,
 * NatGatewayIds, RouteTableIds, VpcIds, NetworkAclIds, NetworkInterfaceIds,
 * InternetGatewayIds, PrefixListIds, GroupNames); other names pass as is.
 * Answers: JSON services give the model's names; Query/EC2 answers are
 * converted generically from XML and keep the XML names: Query gives the
 * <OpResult> content ({"TargetGroups": [...], "NextMarker": "..."}), EC2 the
 * response element minus requestId ({"subnetSet": [{"subnetId": ...}]}).
 * Every leaf of a converted XML answer is a string ("true", "80").
 * params is taken. max_items bounds pagination (0 = all). Refused operations
 * and argument errors complete immediately through cb (never re-entrantly
 * from inside this call: they are queued for aws_run). */
enum err_code aws_call_async(struct aws_client *c, const char *service, const char *operation,
                             cJSON *params, int flags, int max_items, aws_done_fn cb, void *arg);

/* The same in another region of the client's partition (an ECR image or a
 * secret that lives elsewhere); NULL or the client's region is the plain
 * call. A malformed region or one of another partition completes with
 * ERR_USAGE "CrossPartition" through cb. */
enum err_code aws_call_async_in(struct aws_client *c, const char *region, const char *service,
                                const char *operation, cJSON *params, int flags, int max_items, aws_done_fn cb,
                                void *arg);

/* Drives every pending call (and those callbacks start) to completion. */
enum err_code aws_run(struct aws_client *c);

/* Synchronous convenience: one call, driven to completion (with aws_run, so
 * other pending calls progress too). Not for use inside a callback. *out
 * must be released with aws_result_cleanup. Returns out->error.kind. */
enum err_code aws_call(struct aws_client *c, const char *service, const char *operation,
                       cJSON *params, int flags, struct aws_result *out);
void aws_result_cleanup(struct aws_result *r);

/* The IAM action that authorises an operation: ("elbv2","DescribeTargetHealth")
 * -> "elasticloadbalancing:DescribeTargetHealth". Writes into buf. */
const char *aws_iam_action(const char *service, const char *operation, char *buf, size_t len);

/* IAM returns policy documents URL-encoded (GetRolePolicy's PolicyDocument,
 * GetPolicyVersion's Document, GetRole's AssumeRolePolicyDocument): decodes
 * %XX escapes ('+' stays '+'). Returns a malloc'ed string, NULL for NULL. */
char *aws_url_decode(const char *s);

/* Internal tuning: replaces the client-side rate limit of one operation (or
 * of a whole service when operation is NULL). rate <= 0 disables it. */
void aws_client_set_rate_limit(struct aws_client *c, const char *service, const char *operation,
                               double rate, double burst);

/* Caller identity (sts:GetCallerIdentity), cached: account id and ARN. */
enum err_code aws_whoami(struct aws_client *c, char *account, size_t alen, char *arn, size_t arnlen,
                         struct err *e);

#endif

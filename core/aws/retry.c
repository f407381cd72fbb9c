/* retry — see retry.h. Code lists from the SDKs' standard retry mode
 * (botocore/retries/standard.py and the AWS SDK retry-behavior reference). */
#include "aws/retry.h"

#include <math.h>
#include <string.h>

static const char *const throttle_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException", NULL};

static const char *const transient_codes[] = {"RequestTimeout", "RequestTimeoutException",
                                              "InternalError", NULL};

static const char *const denied_codes[] = {"AccessDenied", "AccessDeniedException",
                                           "UnauthorizedOperation", "UnauthorizedAccess",
                                           "AuthorizationError", NULL};

static int in_list(const char *const *list, const char *code)
{
    for (size_t i = 0; code && list[i]; i++)
        if (strcmp(list[i], code) == 0)
            return 1;
    return 0;
}

int retry_is_throttle_code(const char *code)
{
    return in_list(throttle_codes, code);
}

enum err_code retry_error_kind(const char *code)
{
    if (in_list(denied_codes, code))
        return ERR_DENIED;
    if (in_list(throttle_codes, code))
        return ERR_THROTTLED;
    /* ClusterNotFoundException, TargetGroupNotFound, NoSuchEntity,
     * InvalidSubnetID.NotFound, ResourceNotFoundException... */
    if (code && (strstr(code, "NotFound") || strcmp(code, "NoSuchEntity") == 0 ||
                 strcmp(code, "ParameterNotFound") == 0))
        return ERR_NOT_FOUND;
    return ERR_AWS;
}

enum retry_class retry_classify(const struct aws_error *err)
{
    switch (err->kind) {
    case ERR_OK:
        return RETRY_NO;
    case ERR_TIMEOUT:
        return RETRY_TIMEOUT;
    case ERR_NETWORK:
    case ERR_PARSE: /* truncated or garbled 2xx body */
        return RETRY_TRANSIENT;
    default:
        break;
    }
    if (in_list(throttle_codes, err->code) || err->http_status == 429)
        return RETRY_THROTTLE;
    if (in_list(transient_codes, err->code))
        return RETRY_TRANSIENT;
    if (err->http_status == 500 || err->http_status == 502 || err->http_status == 503 ||
        err->http_status == 504)
        return RETRY_TRANSIENT;
    return RETRY_NO;
}

double retry_backoff_ms(int attempt, double rand01, double base_ms)
{
    double d;
    if (attempt < 1)
        attempt = 1;
    if (attempt > 30)
        attempt = 30;
    d = rand01 * base_ms * pow(2.0, attempt - 1);
    return d < RETRY_MAX_BACKOFF_MS ? d : RETRY_MAX_BACKOFF_MS;
}

void retry_quota_init(struct retry_quota *q)
{
    q->tokens = RETRY_QUOTA_MAX;
}

int retry_quota_acquire(struct retry_quota *q, enum retry_class c)
{
    int cost = c == RETRY_TIMEOUT ? RETRY_COST_TIMEOUT : RETRY_COST;
    if (c == RETRY_NO || q->tokens < cost)
        return 0;
    q->tokens -= cost;
    return cost;
}

void retry_quota_success(struct retry_quota *q, int spent)
{
    q->tokens += spent > 0 ? spent : 1;
    if (q->tokens > RETRY_QUOTA_MAX)
        q->tokens = RETRY_QUOTA_MAX;
}

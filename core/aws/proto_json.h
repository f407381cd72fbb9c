/* proto_json — the AWS JSON 1.1 protocol: request body and headers, and the
 * parsing of answers and of errors ({"__type": "prefix#Code", "message"}).
 * Bodies go into caller-owned buffers; parsed answers are new cJSON trees
 * the caller frees. */
#ifndef EDOC_PROTO_JSON_H
#define EDOC_PROTO_JSON_H

#include <cjson/cJSON.h>
#include "aws/aws.h"
#include "aws/endpoint.h"
#include "util/buf.h"

/* Serialises params (NULL = {}) into body; writes "Prefix.Op" into target. */
enum err_code proto_json_build(const struct aws_service *svc, const char *operation,
                               const cJSON *params, struct buf *body, char *target,
                               size_t tlen);

/* Parses an answer of operation ("DescribeServices"). 2xx: *out = the body
 * ({} when empty); an unparsable 2xx body is ERR_PARSE in err (retryable).
 * Otherwise fills err from the JSON error (kind, code, message); header_code
 * is x-amzn-ErrorType when sent. An error answer that is not JSON (a proxy's
 * HTML page) or carries no message gets code HTTP<status> (or the header's)
 * and a message naming the operation and the status, never an empty one. */
enum err_code proto_json_parse(const char *operation, long status, const char *body, size_t len,
                               const char *header_code, cJSON **out, struct aws_error *err);

#endif

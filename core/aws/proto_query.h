/* proto_query — the AWS Query and EC2 protocols: form-encoded POST bodies
 * flattened from JSON params, and XML answers converted with xml2json.
 *
 * Callers pass the model's member names ("Filters", "SubnetIds",
 * "TargetGroupArns"). Query services (ELBv2, IAM, STS, CloudWatch) flatten
 * lists to Name.member.N; EC2 flattens to Wire.N where Wire is the member's
 * locationName from EC2's model (a small table: Filters -> Filter,
 * Values -> Value, SubnetIds -> SubnetId, GroupIds -> GroupId...; any other
 * name is sent as is). Structs flatten to Name.Sub; booleans true/false.
 * The answer body is the <OpResult> content (Query) or the root's content
 * minus requestId (EC2), with XML names kept. */
#ifndef EDOC_PROTO_QUERY_H
#define EDOC_PROTO_QUERY_H

#include <cjson/cJSON.h>
#include "aws/aws.h"
#include "aws/endpoint.h"
#include "util/buf.h"

enum err_code proto_query_build(const struct aws_service *svc, const char *operation,
                                const cJSON *params, struct buf *body);

/* The EC2 wire name of a model member name (static), or name itself. */
const char *proto_query_ec2_name(const char *member);

/* Parses an answer; request_id (may be NULL) receives the answer's id. */
enum err_code proto_query_parse(const struct aws_service *svc, const char *operation, long status,
                                const char *body, size_t len, cJSON **out,
                                struct aws_error *err);

/* Percent-decodes s (IAM's URL-encoded policy documents). Caller frees. */
char *proto_query_url_decode(const char *s);

#endif

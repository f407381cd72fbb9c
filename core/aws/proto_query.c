/* proto_query — see proto_query.h. */
#include "aws/proto_query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/retry.h"
#include "aws/sigv4.h"
#include "aws/xml2json.h"
#include "util/jsonx.h"
#include "util/strutil.h"

/* EC2 list members used by ecs-doctor and their locationName in
 * botocore/data/ec2/2016-11-15/service-2.json (the serializer capitalises
 * it). Checked for every EC2 operation on the allowlist. */
static const struct {
    const char *member, *wire;
} ec2_names[] = {
    {"Filters", "Filter"},
    {"Values", "Value"},
    {"SubnetIds", "SubnetId"},
    {"RouteTableIds", "RouteTableId"},
    {"VpcIds", "VpcId"},
    {"NatGatewayIds", "NatGatewayId"},
    {"InternetGatewayIds", "InternetGatewayId"},
    {"VpcEndpointIds", "VpcEndpointId"},
    {"GroupIds", "GroupId"},
    {"GroupNames", "GroupName"},
    {"NetworkAclIds", "NetworkAclId"},
    {"NetworkInterfaceIds", "NetworkInterfaceId"},
    {"PrefixListIds", "PrefixListId"},
};

const char *proto_query_ec2_name(const char *member)
{
    for (size_t i = 0; i < sizeof ec2_names / sizeof ec2_names[0]; i++)
        if (strcmp(ec2_names[i].member, member) == 0)
            return ec2_names[i].wire;
    return member;
}

static enum err_code add_pair(struct buf *body, const char *key, const char *value)
{
    enum err_code rc = buf_puts(body, "&");
    if (rc == ERR_OK)
        rc = sigv4_uri_encode(body, key, strlen(key), 0);
    if (rc == ERR_OK)
        rc = buf_puts(body, "=");
    if (rc == ERR_OK)
        rc = sigv4_uri_encode(body, value, strlen(value), 0);
    return rc;
}

static enum err_code flatten(int ec2, const char *prefix, const cJSON *v, struct buf *body,
                             int depth)
{
    enum err_code rc = ERR_OK;
    char key[1024], num[64];
    if (depth > 16)
        return ERR_LIMIT;
    if (cJSON_IsObject(v)) {
        const cJSON *c;
        cJSON_ArrayForEach(c, v)
        {
            const char *name = ec2 ? proto_query_ec2_name(c->string) : c->string;
            if (prefix && *prefix)
                snprintf(key, sizeof key, "%s.%s", prefix, name);
            else
                snprintf(key, sizeof key, "%s", name);
            if ((rc = flatten(ec2, key, c, body, depth + 1)) != ERR_OK)
                return rc;
        }
    } else if (cJSON_IsArray(v)) {
        const cJSON *c;
        int i = 0;
        if (cJSON_GetArraySize(v) == 0 && !ec2)
            return add_pair(body, prefix, ""); /* botocore sends "Name=" for [] */
        cJSON_ArrayForEach(c, v)
        {
            snprintf(key, sizeof key, ec2 ? "%s.%d" : "%s.member.%d", prefix, ++i);
            if ((rc = flatten(ec2, key, c, body, depth + 1)) != ERR_OK)
                return rc;
        }
    } else if (cJSON_IsString(v)) {
        rc = add_pair(body, prefix, v->valuestring);
    } else if (cJSON_IsBool(v)) {
        rc = add_pair(body, prefix, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9e15)
            snprintf(num, sizeof num, "%.0f", d);
        else
            snprintf(num, sizeof num, "%.17g", d);
        rc = add_pair(body, prefix, num);
    }
    return rc;
}

enum err_code proto_query_build(const struct aws_service *svc, const char *operation,
                                const cJSON *params, struct buf *body)
{
    enum err_code rc = buf_printf(body, "Action=%s&Version=%s", operation, svc->api_version);
    if (rc == ERR_OK && params)
        rc = flatten(svc->proto == AWS_PROTO_EC2, "", params, body, 0);
    return rc;
}

static void copy_str(char *dst, size_t len, const cJSON *v)
{
    if (cJSON_IsString(v))
        snprintf(dst, len, "%s", v->valuestring);
}

static enum err_code parse_error(long status, cJSON *doc, struct aws_error *err)
{
    const cJSON *root, *e = NULL;
    if ((root = cJSON_GetObjectItemCaseSensitive(doc, "ErrorResponse"))) {
        /* Query: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/> */
        e = cJSON_GetObjectItemCaseSensitive(root, "Error");
        copy_str(err->request_id, sizeof err->request_id,
                 cJSON_GetObjectItemCaseSensitive(root, "RequestId"));
    } else if ((root = cJSON_GetObjectItemCaseSensitive(doc, "Response"))) {
        /* EC2: <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/> */
        const cJSON *errors = cJSON_GetObjectItemCaseSensitive(root, "Errors");
        e = cJSON_GetObjectItemCaseSensitive(errors, "Error");
        if (cJSON_IsArray(e))
            e = cJSON_GetArrayItem(e, 0);
        copy_str(err->request_id, sizeof err->request_id,
                 cJSON_GetObjectItemCaseSensitive(root, "RequestID"));
    }
    if (e) {
        copy_str(err->code, sizeof err->code, cJSON_GetObjectItemCaseSensitive(e, "Code"));
        copy_str(err->message, sizeof err->message,
                 cJSON_GetObjectItemCaseSensitive(e, "Message"));
    }
    if (!err->code[0])
        snprintf(err->code, sizeof err->code, "HTTP%ld", status);
    err->kind = retry_error_kind(err->code);
    return err->kind;
}

enum err_code proto_query_parse(const struct aws_service *svc, const char *operation, long status,
                                const char *body, size_t len, cJSON **out, struct aws_error *err)
{
    struct err xe;
    cJSON *doc = len ? xml2json_parse_op(body, len, xmlshape_find(svc->name, operation), &xe) : NULL;
    enum err_code rc;
    *out = NULL;
    err->http_status = status;
    if (status < 200 || status >= 300) {
        if (!doc) {
            snprintf(err->code, sizeof err->code, "HTTP%ld", status);
            if (len && (xe.code == ERR_REFUSED || xe.code == ERR_LIMIT))
                snprintf(err->message, sizeof err->message, "%s: error answer refused: %s", operation,
                         xe.msg);
            else
                snprintf(err->message, sizeof err->message, "%s",
                         len ? "unparsable error answer" : "empty error answer");
            err->kind = ERR_AWS;
            return err->kind;
        }
        rc = parse_error(status, doc, err);
        cJSON_Delete(doc);
        return rc;
    }
    if (!doc && len && (xe.code == ERR_REFUSED || xe.code == ERR_LIMIT)) {
        /* Hostile or absurd, not truncated: asking again would only fetch
         * it again, so this is final (ERR_AWS is not retried). */
        err->kind = ERR_AWS;
        snprintf(err->code, sizeof err->code, "InvalidResponse");
        snprintf(err->message, sizeof err->message, "%s: HTTP %ld answer refused: %s", operation,
                 status, xe.msg);
        return err->kind;
    }
    if (!doc || !doc->child) {
        err->kind = ERR_PARSE;
        snprintf(err->code, sizeof err->code, "InvalidResponse");
        snprintf(err->message, sizeof err->message, "HTTP %ld answer is not XML: %s", status,
                 len ? xe.msg : "empty body");
        cJSON_Delete(doc);
        return err->kind;
    }
    {
        cJSON *root = doc->child; /* <OpResponse> */
        cJSON *result;
        if (svc->proto == AWS_PROTO_EC2) {
            copy_str(err->request_id, sizeof err->request_id,
                     cJSON_GetObjectItemCaseSensitive(root, "requestId"));
            if (cJSON_IsObject(root)) {
                cJSON_DeleteItemFromObjectCaseSensitive(root, "requestId");
                result = cJSON_DetachItemViaPointer(doc, root);
            } else {
                result = cJSON_CreateObject();
            }
        } else {
            char rname[160];
            cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "ResponseMetadata");
            copy_str(err->request_id, sizeof err->request_id,
                     cJSON_GetObjectItemCaseSensitive(meta, "RequestId"));
            snprintf(rname, sizeof rname, "%sResult", operation);
            result = cJSON_GetObjectItemCaseSensitive(root, rname);
            if (cJSON_IsObject(result))
                result = cJSON_DetachItemViaPointer(root, result);
            else
                result = cJSON_CreateObject(); /* an empty <OpResult/> or none */
        }
        cJSON_Delete(doc);
        if (!result) {
            err->kind = ERR_NOMEM;
            return ERR_NOMEM;
        }
        *out = result;
    }
    err->kind = ERR_OK;
    return ERR_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* RFC 3986 decoding, like Python's urllib.parse.unquote: '+' stays '+'
 * (IAM encodes spaces as %20, and '+' may appear literally in a policy). */
char *proto_query_url_decode(const char *s)
{
    struct buf b;
    if (!s)
        return NULL;
    buf_init(&b, 0);
    buf_puts(&b, "");
    for (; *s; s++) {
        if (s[0] == '%' && s[1] && s[2] && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
            char c = (char)(hexval(s[1]) * 16 + hexval(s[2]));
            if (buf_append(&b, &c, 1) != ERR_OK)
                break;
            s += 2;
        } else if (buf_append(&b, s, 1) != ERR_OK) {
            break;
        }
    }
    return buf_take(&b);
}

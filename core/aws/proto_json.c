/* proto_json — see proto_json.h. */
#include "aws/proto_json.h"

#include <stdio.h>
#include <string.h>

#include "aws/retry.h"
#include "util/jsonx.h"
#include "util/textsafe.h"

enum err_code proto_json_build(const struct aws_service *svc, const char *operation,
                               const cJSON *params, struct buf *body, char *target, size_t tlen)
{
    char *text = params ? cJSON_PrintUnformatted(params) : NULL;
    enum err_code rc;
    snprintf(target, tlen, "%s.%s", svc->target_prefix, operation);
    rc = buf_puts(body, text ? text : "{}");
    cJSON_free(text);
    return rc;
}

/* "com.amazonaws.ecs#ClusterNotFoundException" -> "ClusterNotFoundException";
 * "Foo:http://internal.amazon.com/..." (x-amzn-ErrorType) -> "Foo". */
static void clean_code(const char *in, char *out, size_t len)
{
    const char *hash = strrchr(in, '#');
    size_t n;
    if (hash)
        in = hash + 1;
    n = strcspn(in, ":");
    snprintf(out, len, "%.*s", (int)n, in);
}

enum err_code proto_json_parse(const char *operation, long status, const char *body, size_t len,
                               const char *header_code, cJSON **out, struct aws_error *err)
{
    cJSON *j = NULL;
    *out = NULL;
    err->http_status = status;
    if (len > 0)
        j = cJSON_ParseWithLength(body, len);
    /* Invalid UTF-8 from an endpoint is replaced here, where it enters:
     * the evidence, the saved bundle, what checks read and quote, and
     * every report are then valid UTF-8 (cJSON itself passes such bytes
     * through). XML answers need nothing: expat refuses invalid UTF-8. */
    if (j && textsafe_json_tree(j) < 0) {
        cJSON_Delete(j);
        err->kind = ERR_NOMEM;
        snprintf(err->code, sizeof err->code, "OutOfMemory");
        snprintf(err->message, sizeof err->message, "out of memory");
        return ERR_NOMEM;
    }
    if (status >= 200 && status < 300) {
        if (len == 0)
            j = cJSON_CreateObject();
        if (!j || !cJSON_IsObject(j)) {
            cJSON_Delete(j);
            err->kind = ERR_PARSE;
            snprintf(err->code, sizeof err->code, "InvalidResponse");
            snprintf(err->message, sizeof err->message,
                     "HTTP %ld answer is not a JSON object (%zu bytes)", status, len);
            return err->kind;
        }
        *out = j;
        err->kind = ERR_OK;
        return ERR_OK;
    }
    {
        const char *type = jsonx_str(j, "__type", NULL);
        const char *msg = jsonx_str(j, "message", NULL);
        if (!msg)
            msg = jsonx_str(j, "Message", NULL);
        if (!type && header_code && *header_code)
            type = header_code;
        if (type)
            clean_code(type, err->code, sizeof err->code);
        else
            snprintf(err->code, sizeof err->code, "HTTP%ld", status);
        if (msg && *msg)
            snprintf(err->message, sizeof err->message, "%s", msg);
        else if (!cJSON_IsObject(j))
            /* A proxy's or load balancer's page (an HTML 502), or nothing:
             * the operation and the status are all there is to say. */
            snprintf(err->message, sizeof err->message, "%s: HTTP %ld, %s (%zu bytes)",
                     operation ? operation : "?", status,
                     len ? "the error answer is not JSON" : "an empty error answer", len);
        else
            snprintf(err->message, sizeof err->message, "%s: HTTP %ld %s without a message",
                     operation ? operation : "?", status, err->code);
    }
    err->kind = retry_error_kind(err->code);
    cJSON_Delete(j);
    return err->kind;
}

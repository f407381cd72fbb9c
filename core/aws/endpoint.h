/* endpoint — the service table (protocol, endpoint prefix, signing name,
 * API version, JSON target) and endpoint/partition resolution.
 *
 * Precedence as the SDKs: --endpoint-url > AWS_ENDPOINT_URL_<SERVICE> >
 * AWS_ENDPOINT_URL > the profile's services section (<svc> = endpoint_url)
 * > the profile's endpoint_url > https://{prefix}.{region}.{dnsSuffix}.
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips the env/config forms. All
 * returned pointers are static or borrowed from the inputs. */
#ifndef EDOC_ENDPOINT_H
#define EDOC_ENDPOINT_H

#include <stddef.h>
#include "aws/config.h"
#include "util/err.h"

enum aws_proto { AWS_PROTO_JSON = 1, AWS_PROTO_QUERY = 2, AWS_PROTO_EC2 = 3 };

struct aws_service {
    const char *name;          /* SDK name: "elbv2" */
    const char *prefix;        /* endpoint prefix: "elasticloadbalancing" */
    const char *signing_name;  /* SigV4 service: "monitoring" for cloudwatch */
    const char *iam_prefix;    /* IAM action prefix: "elasticloadbalancing" */
    enum aws_proto proto;
    const char *target_prefix; /* JSON 1.1 X-Amz-Target prefix */
    const char *api_version;   /* Query Version */
    const char *env_id;        /* AWS_ENDPOINT_URL_<env_id> */
    const char *config_id;     /* key in a [services x] section */
    int global;                /* one endpoint per partition (IAM) */
};

/* NULL when unknown. */
const struct aws_service *endpoint_service(const char *name);
const struct aws_service *endpoint_services(size_t *n);

/* "aws", "aws-cn" or "aws-us-gov" from the region name. */
const char *endpoint_partition(const char *region);

struct endpoint {
    char url[512];         /* "https://ecs.eu-west-1.amazonaws.com" (no trailing /) */
    char host[256];        /* "ecs.eu-west-1.amazonaws.com" or "127.0.0.1:8080" */
    char path[256];        /* "/" or the override's path */
    char sign_region[64];  /* "us-east-1" for IAM in aws */
    const char *source;    /* "cli", "env", "config", "default" (static) */
};

/* cli_url may be NULL; cfg/profile_section may be NULL. */
enum err_code endpoint_resolve(const struct aws_service *svc, const char *region,
                               const char *cli_url, const struct config *cfg,
                               const char *profile_section, struct endpoint *out, struct err *e);

#endif

/* endpoint — see endpoint.h. */
#include "aws/endpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strutil.h"

/* Protocols, prefixes and versions checked against botocore's models
 * (botocore/data/<svc>/<version>/service-2.json metadata). */
static const struct aws_service services[] = {
    {"ecs", "ecs", "ecs", "ecs", AWS_PROTO_JSON, "AmazonEC2ContainerServiceV20141113", NULL, "ECS",
     "ecs", 0},
    {"elbv2", "elasticloadbalancing", "elasticloadbalancing", "elasticloadbalancing",
     AWS_PROTO_QUERY, NULL, "2015-12-01", "ELASTIC_LOAD_BALANCING_V2", "elastic_load_balancing_v2",
     0},
    {"ec2", "ec2", "ec2", "ec2", AWS_PROTO_EC2, NULL, "2016-11-15", "EC2", "ec2", 0},
    {"iam", "iam", "iam", "iam", AWS_PROTO_QUERY, NULL, "2010-05-08", "IAM", "iam", 1},
    {"sts", "sts", "sts", "sts", AWS_PROTO_QUERY, NULL, "2011-06-15", "STS", "sts", 0},
    {"logs", "logs", "logs", "logs", AWS_PROTO_JSON, "Logs_20140328", NULL, "CLOUDWATCH_LOGS",
     "cloudwatch_logs", 0},
    {"ecr", "api.ecr", "ecr", "ecr", AWS_PROTO_JSON, "AmazonEC2ContainerRegistry_V20150921", NULL,
     "ECR", "ecr", 0},
    {"secretsmanager", "secretsmanager", "secretsmanager", "secretsmanager", AWS_PROTO_JSON,
     "secretsmanager", NULL, "SECRETS_MANAGER", "secrets_manager", 0},
    {"ssm", "ssm", "ssm", "ssm", AWS_PROTO_JSON, "AmazonSSM", NULL, "SSM", "ssm", 0},
    {"application-autoscaling", "application-autoscaling", "application-autoscaling",
     "application-autoscaling", AWS_PROTO_JSON, "AnyScaleFrontendService", NULL,
     "APPLICATION_AUTO_SCALING", "application_auto_scaling", 0},
    {"cloudtrail", "cloudtrail", "cloudtrail", "cloudtrail", AWS_PROTO_JSON,
     "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", NULL, "CLOUDTRAIL", "cloudtrail", 0},
    {"cloudwatch", "monitoring", "monitoring", "cloudwatch", AWS_PROTO_QUERY, NULL, "2010-08-01",
     "CLOUDWATCH", "cloudwatch", 0},
};

const struct aws_service *endpoint_services(size_t *n)
{
    *n = sizeof services / sizeof services[0];
    return services;
}

const struct aws_service *endpoint_service(const char *name)
{
    for (size_t i = 0; name && i < sizeof services / sizeof services[0]; i++)
        if (strcmp(services[i].name, name) == 0)
            return &services[i];
    return NULL;
}

const char *endpoint_partition(const char *region)
{
    if (region && str_starts(region, "cn-"))
        return "aws-cn";
    if (region && str_starts(region, "us-gov-"))
        return "aws-us-gov";
    return "aws";
}

static int truthy(const char *v)
{
    return v && strcasecmp(v, "true") == 0;
}

/* Splits an override URL into host and path; only http and https. */
static enum err_code set_url(struct endpoint *out, const char *url, const char *source,
                             struct err *e)
{
    const char *rest, *slash;
    size_t l = strlen(url);
    while (l > 0 && url[l - 1] == '/')
        l--;
    if (str_starts(url, "https://"))
        rest = url + 8;
    else if (str_starts(url, "http://"))
        rest = url + 7;
    else
        return err_set(e, ERR_CONFIG, "endpoint URL '%s' (%s): must start with http:// or https://",
                       url, source);
    if (l >= sizeof out->url || (size_t)(rest - url) >= l)
        return err_set(e, ERR_CONFIG, "endpoint URL '%s' (%s): empty or too long", url, source);
    snprintf(out->url, sizeof out->url, "%.*s", (int)l, url);
    slash = strchr(rest, '/');
    if (slash && (size_t)(slash - url) < l) {
        snprintf(out->host, sizeof out->host, "%.*s", (int)(slash - rest), rest);
        snprintf(out->path, sizeof out->path, "%.*s/", (int)(l - (size_t)(slash - url)), slash);
    } else {
        snprintf(out->host, sizeof out->host, "%.*s", (int)(l - (size_t)(rest - url)), rest);
        snprintf(out->path, sizeof out->path, "/");
    }
    out->source = source;
    return ERR_OK;
}

enum err_code endpoint_resolve(const struct aws_service *svc, const char *region,
                               const char *cli_url, const struct config *cfg,
                               const char *profile_section, struct endpoint *out, struct err *e)
{
    const char *part = endpoint_partition(region);
    const char *suffix = strcmp(part, "aws-cn") == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    int ignore = truthy(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
    char env[96];
    const char *v;
    memset(out, 0, sizeof *out);
    if (!region || !*region)
        return err_set(e, ERR_CONFIG, "%s: no region (use --region, AWS_REGION or a profile region)",
                       svc->name);
    snprintf(out->sign_region, sizeof out->sign_region, "%s", region);
    if (svc->global) {
        /* IAM is global: one endpoint and one signing region per partition. */
        if (strcmp(part, "aws-cn") == 0) {
            snprintf(out->sign_region, sizeof out->sign_region, "cn-north-1");
            snprintf(out->host, sizeof out->host, "%s.cn-north-1.%s", svc->prefix, suffix);
        } else if (strcmp(part, "aws-us-gov") == 0) {
            snprintf(out->sign_region, sizeof out->sign_region, "us-gov-west-1");
            snprintf(out->host, sizeof out->host, "%s.us-gov.%s", svc->prefix, suffix);
        } else {
            snprintf(out->sign_region, sizeof out->sign_region, "us-east-1");
            snprintf(out->host, sizeof out->host, "%s.%s", svc->prefix, suffix);
        }
    } else {
        snprintf(out->host, sizeof out->host, "%s.%s.%s", svc->prefix, region, suffix);
    }
    snprintf(out->url, sizeof out->url, "https://%s", out->host);
    snprintf(out->path, sizeof out->path, "/");
    out->source = "default";

    if (cli_url && *cli_url)
        return set_url(out, cli_url, "--endpoint-url", e);
    if (ignore)
        return ERR_OK;
    snprintf(env, sizeof env, "AWS_ENDPOINT_URL_%s", svc->env_id);
    if ((v = getenv(env)) && *v)
        return set_url(out, v, "AWS_ENDPOINT_URL_<SERVICE>", e);
    if ((v = getenv("AWS_ENDPOINT_URL")) && *v)
        return set_url(out, v, "AWS_ENDPOINT_URL", e);
    if (cfg && profile_section) {
        const char *services_name = config_get(cfg, profile_section, "services");
        if (services_name) {
            char sect[160], key[128];
            snprintf(sect, sizeof sect, "services %s", services_name);
            snprintf(key, sizeof key, "%s.endpoint_url", svc->config_id);
            if ((v = config_get(cfg, sect, key)) && *v)
                return set_url(out, v, "config services section", e);
        }
        if ((v = config_get(cfg, profile_section, "endpoint_url")) && *v)
            return set_url(out, v, "config endpoint_url", e);
    }
    return ERR_OK;
}

/* creds — the AWS credential chain, in the AWS CLI's (botocore's) order:
 * environment, profile role_arn (STS AssumeRole, chained through
 * source_profile / credential_source), web identity (env or profile), IAM
 * Identity Center (sso_session / sso_start_url: the token `aws sso login`
 * cached, exchanged by GetRoleCredentials; never refreshed or written here),
 * credentials-file keys, credential_process, config-file keys, ECS container
 * endpoint, EC2 IMDSv2. An explicit --profile skips the environment.
 *
 * Resolution is synchronous (a handful of small requests with short
 * timeouts). struct creds owns its strings and wipes them in creds_cleanup. */
#ifndef EDOC_CREDS_H
#define EDOC_CREDS_H

#include "aws/config.h"
#include "util/err.h"

struct creds {
    char *access_key_id, *secret_access_key, *session_token;
    double expiration; /* epoch seconds; 0 = does not expire */
    char source[96];   /* "environment", "profile prod", "assume-role ...", "imds"... */
};

struct creds_env {
    const char *profile;        /* resolved name ("default" when none) */
    int profile_explicit;       /* --profile given: skip the environment provider */
    const char *region;         /* for STS; NULL = us-east-1 */
    const struct config *config;      /* ~/.aws/config (may be NULL) */
    const struct config *credentials; /* ~/.aws/credentials (may be NULL) */
    const char *config_path, *credentials_path; /* for messages */
    const char *cli_endpoint_url;     /* --endpoint-url (applies to STS too) */
    const char *ca_bundle;
    long timeout_ms;            /* STS/container requests; IMDS uses its own short one */
};

enum err_code creds_resolve(const struct creds_env *env, struct creds *out, struct err *e);

/* True when c expires within margin seconds of now (never for long-term). */
int creds_expiring(const struct creds *c, double now, double margin);

void creds_cleanup(struct creds *c);

/* "2024-03-15T10:15:02Z" (fractions, offsets allowed) -> epoch seconds, or -1. */
double creds_parse_time(const char *iso);

/* The [section] name of a profile in the config file ("default" or "profile x"). */
void creds_profile_section(const char *profile, char *out, size_t len);

/* What to do when AWS refuses these credentials (expired: ExpiredToken,
 * rejected: InvalidClientTokenId, a bad signature...), by their source:
 * "credentials from sso 1234/Admin (profile prod) have expired: run 'aws sso
 * login --profile prod'". Writes one line (no newline) into out. */
void creds_refresh_hint(const struct creds *c, int expired, char *out, size_t len);

#endif

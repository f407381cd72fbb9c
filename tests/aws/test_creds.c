/* Credential-chain tests: every provider, with a temporary HOME and config
 * files, and the STS, ECS container and IMDS endpoints served by
 * tests/aws/testserver.py on 127.0.0.1 (never a real address). */
#include "test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aws/aws.h"
#include "aws/config.h"
#include "aws/creds.h"
#include "testsrv.h"
#include "util/buf.h"

static struct testsrv srv;
static char home[] = "/tmp/edoc-creds-XXXXXX";
static char cfg_path[256], cred_path[256];

static void write_file(const char *path, const char *text, int mode)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    chmod(path, (mode_t)mode);
}

static void clean_env(void)
{
    const char *vars[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                          "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
                          "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
                          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                          "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_REGION", "AWS_DEFAULT_REGION",
                          "AWS_ENDPOINT_URL", "EDOC_AWS_CONTAINER_HOST", "AWS_ENDPOINT_URL_SSO",
                          "AWS_EC2_METADATA_V1_DISABLED", NULL};
    for (int i = 0; vars[i]; i++)
        unsetenv(vars[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("AWS_ENDPOINT_URL_STS", srv.url, 1);
    write_file(cfg_path, "", 0600);
    write_file(cred_path, "", 0600);
}

/* Resolves with the files as they are now. */
static enum err_code resolve(const char *profile, int explicit_profile, struct creds *out,
                             struct err *e)
{
    struct config *cfg = NULL, *cred = NULL;
    struct creds_env env;
    enum err_code rc;
    struct err le;
    if (config_load(cfg_path, &cfg, &le) != ERR_OK || config_load(cred_path, &cred, &le) != ERR_OK) {
        config_free(cfg);
        return err_set(e, le.code, "%s", le.msg);
    }
    memset(&env, 0, sizeof env);
    env.profile = profile;
    env.profile_explicit = explicit_profile;
    env.region = "eu-west-1";
    env.config = cfg;
    env.credentials = cred;
    env.config_path = cfg_path;
    env.credentials_path = cred_path;
    env.timeout_ms = 3000;
    rc = creds_resolve(&env, out, e);
    config_free(cfg);
    config_free(cred);
    return rc;
}

static void test_env_and_files(void)
{
    struct creds c;
    struct err e;
    clean_env();
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    setenv("AWS_SESSION_TOKEN", "envtoken", 1);
    CHECK(resolve("default", 0, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "AKIDENV");
    CHECK_STR(c.session_token, "envtoken");
    CHECK_STR(c.source, "environment");
    CHECK(c.expiration == 0);
    creds_cleanup(&c);
    unsetenv("AWS_SECRET_ACCESS_KEY");
    CHECK(resolve("default", 0, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "AWS_SECRET_ACCESS_KEY") != NULL);

    /* An explicit --profile skips the environment. */
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    write_file(cred_path, "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s0\n"
                          "[p]\naws_access_key_id=AKIDP\naws_secret_access_key=s1\naws_session_token=t1\n", 0600);
    CHECK(resolve("p", 1, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "AKIDP");
    CHECK_STR(c.session_token, "t1");
    CHECK_STR(c.source, "profile p");
    creds_cleanup(&c);
    clean_env();
    write_file(cred_path, "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s0\n", 0600);
    CHECK(resolve("default", 0, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "AKIDDEFAULT");
    CHECK(c.session_token == NULL);
    creds_cleanup(&c);
    /* Keys in the config file's [profile x]. */
    write_file(cfg_path, "[profile cfgkeys]\nregion = eu-west-3\naws_access_key_id = AKIDCFG\n"
                         "aws_secret_access_key = s2\n", 0600);
    CHECK(resolve("cfgkeys", 1, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "AKIDCFG");
    creds_cleanup(&c);
}

static void test_process(void)
{
    struct creds c;
    struct err e;
    char script[512], cfg[1024];
    clean_env();
    snprintf(script, sizeof script, "%s/proc.sh", home);
    write_file(script, "#!/bin/sh\necho \"$1\" >> \"$(dirname \"$0\")/proc.runs\"\n"
                       "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": "
                       "\"PROCESSSECRETdoNotLeak/0123456789abcdef\", \"SessionToken\": \"ptok\", "
                       "\"Expiration\": \"2099-01-01T00:00:00Z\"}'\n", 0700);
    snprintf(cfg, sizeof cfg, "[profile proc]\ncredential_process = %s arg1\n"
                              "[profile badproc]\ncredential_process = /bin/false\n"
                              "[profile slowproc]\ncredential_process = exec sleep 30\n"
                              "[profile bigproc]\ncredential_process = head -c 100000 /dev/zero\n"
                              "[profile badver]\ncredential_process = /bin/echo '{\"Version\": 2}'\n", script);
    write_file(cfg_path, cfg, 0600);
    CHECK(resolve("proc", 1, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "AKIDPROCESS");
    CHECK_STR(c.session_token, "ptok");
    CHECK(c.expiration == 4070908800.0);
    creds_cleanup(&c);
    CHECK(resolve("badproc", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "command failed") != NULL);
    CHECK(resolve("badver", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "Version") != NULL);
    /* A helper that never answers is stopped at the limit, not waited for. */
    setenv("EDOC_CREDENTIAL_PROCESS_TIMEOUT", "1", 1);
    CHECK(resolve("slowproc", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK_STR(e.msg, "credential_process (profile slowproc): no answer within 1 s: stopped "
                     "(EDOC_CREDENTIAL_PROCESS_TIMEOUT sets the limit)");
    unsetenv("EDOC_CREDENTIAL_PROCESS_TIMEOUT");
    CHECK(resolve("bigproc", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "output larger than 65536 bytes") != NULL);
}

static void test_assume_role(void)
{
    struct creds c;
    struct err e;
    clean_env();
    write_file(cred_path, "[base]\naws_access_key_id = AKIDPROFILE\n"
                          "aws_secret_access_key = PROFILESECRETdoNotLeak/0123456789abcdef\n", 0600);
    write_file(cfg_path,
               "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/diag\nsource_profile = base\n"
               "external_id = ext-ok\nrole_session_name = sess\nduration_seconds = 900\n"
               "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/second\nsource_profile = role\n"
               "[profile badext]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = base\n"
               "external_id = wrong\n"
               "[profile deny]\nrole_arn = arn:aws:iam::123456789012:role/deny\nsource_profile = base\n"
               "[profile loop1]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop2\n"
               "[profile loop2]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop1\n"
               "[profile nosrc]\nrole_arn = arn:aws:iam::1:role/a\n"
               "[profile baddur]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = base\nduration_seconds = 5\n"
               "[profile fromenv]\nrole_arn = arn:aws:iam::123456789012:role/diag\ncredential_source = Environment\n",
               0600);
    testsrv_reset(&srv);
    CHECK(resolve("role", 1, &c, &e) == ERR_OK);
    if (c.access_key_id == NULL)
        printf("# %s\n", e.msg);
    CHECK_STR(c.access_key_id, "ASIATEMPROLE");
    CHECK_STR(c.session_token, "TOKEN-ASIATEMPROLE-doNotLeak");
    CHECK(c.expiration > 4e9);
    CHECK(strstr(c.source, "assume-role diag") != NULL);
    creds_cleanup(&c);
    {
        /* The request carried the profile's settings, signed by the source. */
        cJSON *log = testsrv_get(&srv, "/__log"), *last = cJSON_GetArrayItem(log, cJSON_GetArraySize(log) - 1);
        const char *body = cJSON_GetObjectItem(last, "body")->valuestring;
        CHECK(strstr(body, "Action=AssumeRole&") != NULL);
        CHECK(strstr(body, "ExternalId=ext-ok") != NULL);
        CHECK(strstr(body, "RoleSessionName=sess") != NULL);
        CHECK(strstr(body, "DurationSeconds=900") != NULL);
        CHECK(strstr(cJSON_GetObjectItem(cJSON_GetObjectItem(last, "headers"), "Authorization")->valuestring,
                     "Credential=AKIDPROFILE/") != NULL);
        cJSON_Delete(log);
    }
    /* Chained: chained -> role -> base; the second AssumeRole is signed with
     * the first one's temporary credentials (checked by the server). */
    CHECK(resolve("chained", 1, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "ASIATEMPROLE");
    creds_cleanup(&c);
    CHECK(resolve("badext", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "AccessDenied") != NULL);
    CHECK(resolve("deny", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "HTTP 403 AccessDenied") != NULL);
    CHECK(resolve("loop1", 1, &c, &e) == ERR_CONFIG);
    CHECK(strstr(e.msg, "loop") != NULL);
    CHECK(resolve("nosrc", 1, &c, &e) == ERR_CONFIG);
    CHECK(resolve("baddur", 1, &c, &e) == ERR_CONFIG);
    setenv("AWS_ACCESS_KEY_ID", "AKIDPROFILE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "PROFILESECRETdoNotLeak/0123456789abcdef", 1);
    CHECK(resolve("fromenv", 1, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "ASIATEMPROLE");
    creds_cleanup(&c);
}

static void test_web_identity(void)
{
    struct creds c;
    struct err e;
    char tok[512], cfg[1024];
    clean_env();
    snprintf(tok, sizeof tok, "%s/token", home);
    write_file(tok, "web-identity-token-doNotLeak\n", 0600);
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tok, 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web", 1);
    setenv("AWS_ROLE_SESSION_NAME", "websess", 1);
    CHECK(resolve("default", 0, &c, &e) == ERR_OK);
    if (!c.access_key_id)
        printf("# %s\n", e.msg);
    CHECK_STR(c.access_key_id, "ASIAWEBIDENT");
    CHECK(strstr(c.source, "web identity") != NULL);
    creds_cleanup(&c);
    unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    unsetenv("AWS_ROLE_ARN");
    snprintf(cfg, sizeof cfg, "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/web\n"
                              "web_identity_token_file = %s\n", tok);
    write_file(cfg_path, cfg, 0600);
    CHECK(resolve("web", 1, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "ASIAWEBIDENT");
    creds_cleanup(&c);
    write_file(tok, "wrong-token\n", 0600);
    CHECK(resolve("web", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "InvalidIdentityToken") != NULL);
}

static void test_container_and_imds(void)
{
    struct creds c;
    struct err e;
    char host[64], full[128], tokfile[512];
    clean_env();
    snprintf(host, sizeof host, "127.0.0.1:%d", srv.port);
    setenv("EDOC_AWS_CONTAINER_HOST", host, 1);
    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds/rel", 1);
    CHECK(resolve("default", 0, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "ASIACONTAINER");
    CHECK_STR(c.source, "container");
    creds_cleanup(&c);
    /* The test seam is honoured for loopback hosts only: anything else is
     * refused before any request (the fake server logs none). */
    {
        static const char *const bad[] = {
            "192.0.2.10", "192.0.2.10:80", "evil.example.com", "127.0.0.1.evil.example.com",
            "127.0.0.1@192.0.2.10", "127.0.0.1:80@192.0.2.10", "127.0.0.1/x", "127.0.0.1:",
            "127.0.0.256", "127.1", "localhost.evil.example.com", "[::1]x", "[::2]", "169.254.170.2",
            NULL};
        char ok[64];
        cJSON *log;
        for (size_t i = 0; bad[i]; i++) {
            testsrv_reset(&srv);
            setenv("EDOC_AWS_CONTAINER_HOST", bad[i], 1);
            CHECK(resolve("default", 0, &c, &e) == ERR_CREDENTIALS);
            CHECK(strstr(e.msg, "EDOC_AWS_CONTAINER_HOST") != NULL && strstr(e.msg, "not a loopback") != NULL);
            log = testsrv_get(&srv, "/__log");
            CHECK(cJSON_GetArraySize(log) == 0);
            cJSON_Delete(log);
        }
        snprintf(ok, sizeof ok, "localhost:%d", srv.port);
        setenv("EDOC_AWS_CONTAINER_HOST", ok, 1);
        CHECK(resolve("default", 0, &c, &e) == ERR_OK);
        CHECK_STR(c.access_key_id, "ASIACONTAINER");
        creds_cleanup(&c);
        /* A relative URI that is not a path would move the request
         * off the host ("http://169.254.170.2@host/..."). */
        setenv("EDOC_AWS_CONTAINER_HOST", host, 1);
        setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "@192.0.2.10/creds/rel", 1);
        CHECK(resolve("default", 0, &c, &e) == ERR_CREDENTIALS);
        CHECK(strstr(e.msg, "does not start with /") != NULL);
        setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds/rel", 1);
    }
    unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    snprintf(full, sizeof full, "%s/creds/auth", srv.url);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", full, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-doNotLeak", 1);
    CHECK(resolve("default", 0, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "ASIACONTAINER");
    creds_cleanup(&c);
    /* The token file wins over the variable. */
    snprintf(tokfile, sizeof tokfile, "%s/ctok", home);
    write_file(tokfile, "wrong\n", 0600);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokfile, 1);
    CHECK(resolve("default", 0, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "HTTP 401") != NULL);
    write_file(tokfile, "container-auth-doNotLeak\n", 0600);
    CHECK(resolve("default", 0, &c, &e) == ERR_OK);
    creds_cleanup(&c);
    /* Plain http elsewhere than loopback/ECS hosts is refused (no request). */
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10/creds", 1);
    CHECK(resolve("default", 0, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "not https") != NULL);
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");

    /* IMDSv2 through the overridable endpoint. */
    setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", srv.url, 1);
    testsrv_reset(&srv);
    CHECK(resolve("default", 0, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "ASIAIMDS");
    CHECK_STR(c.session_token, "TOKEN-ASIAIMDS-doNotLeak");
    creds_cleanup(&c);
    {
        cJSON *log = testsrv_get(&srv, "/__log");
        CHECK(cJSON_GetArraySize(log) == 3);
        CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(log, 0), "method")->valuestring, "PUT");
        cJSON_Delete(log);
    }
    /* An IMDSv1-only service (token API answers 403): the SDKs' fallback,
     * unless AWS_EC2_METADATA_V1_DISABLED. */
    {
        char v1[300];
        snprintf(v1, sizeof v1, "%s/v1only", srv.url);
        setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", v1, 1);
        testsrv_reset(&srv);
        CHECK(resolve("default", 0, &c, &e) == ERR_OK);
        CHECK_STR(c.access_key_id, "ASIAIMDS");
        creds_cleanup(&c);
        {
            cJSON *log = testsrv_get(&srv, "/__log");
            CHECK(cJSON_GetArraySize(log) == 3);
            CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(log, 2), "path")->valuestring,
                      "/v1only/latest/meta-data/iam/security-credentials/v1-role");
            cJSON_Delete(log);
        }
        setenv("AWS_EC2_METADATA_V1_DISABLED", "true", 1);
        CHECK(resolve("default", 0, &c, &e) == ERR_CREDENTIALS);
        CHECK(strstr(e.msg, "token request HTTP 403") != NULL);
        unsetenv("AWS_EC2_METADATA_V1_DISABLED");
        write_file(cfg_path, "[default]\nec2_metadata_v1_disabled = true\n", 0600);
        CHECK(resolve("default", 0, &c, &e) == ERR_CREDENTIALS);
        CHECK(strstr(e.msg, "token request HTTP 403") != NULL);
        write_file(cfg_path, "", 0600);
    }
}

/* IAM Identity Center: an sso-session profile and a legacy one, the token
 * from ~/.aws/sso/cache/<sha1>.json (names computed independently, by
 * Python's hashlib), and every way it can be wrong. */
static void test_sso(void)
{
    struct creds c;
    struct err e;
    char dir[512], newc[600], oldc[600];
    const char *cfg =
        "[profile ssonew]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
        "sso_registration_scopes = sso:account:access\n"
        "[profile ssold]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_account_id = 111122223333\nsso_role_name = Admin\n"
        "[profile norole]\nsso_session = corp\nsso_account_id = 123456789012\n"
        "[profile nosession]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = R\n"
        "[profile denied]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = NoSuchRole\n"
        "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = ssonew\n"
        "[profile loginonly]\nsso_session = corp\n";
    clean_env();
    setenv("AWS_ENDPOINT_URL_SSO", srv.url, 1);
    write_file(cfg_path, cfg, 0600);
    snprintf(dir, sizeof dir, "%s/.aws/sso/cache", home);
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
        CHECK(system(cmd) == 0);
    }
    snprintf(newc, sizeof newc, "%s/ee0bfd2552fbd840c02cc48b6e823320543c450f.json", dir);
    snprintf(oldc, sizeof oldc, "%s/33d5ca4bf3b1a62edb96b47f7c203034a43ac435.json", dir);
    /* No login yet. */
    CHECK(resolve("ssonew", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "no SSO login found") && strstr(e.msg, "aws sso login --profile ssonew"));
    write_file(newc, "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"eu-west-1\", "
                     "\"accessToken\": \"sso-access-token-doNotLeak\", \"expiresAt\": \"2099-01-01T00:00:00Z\", "
                     "\"refreshToken\": \"refresh-doNotLeak\"}", 0600);
    testsrv_reset(&srv);
    CHECK(resolve("ssonew", 1, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "ASIASSO");
    CHECK_STR(c.session_token, "TOKEN-ASIASSO-doNotLeak");
    CHECK(c.expiration > 4e9);
    CHECK_STR(c.source, "sso 123456789012/ReadOnly (profile ssonew)");
    creds_cleanup(&c);
    {
        cJSON *log = testsrv_get(&srv, "/__log"), *r = cJSON_GetArrayItem(log, 0), *h;
        CHECK(cJSON_GetArraySize(log) == 1);
        CHECK_STR(cJSON_GetObjectItem(r, "method")->valuestring, "GET");
        CHECK_STR(cJSON_GetObjectItem(r, "path")->valuestring,
                  "/federation/credentials?role_name=ReadOnly&account_id=123456789012");
        h = cJSON_GetObjectItem(r, "headers");
        CHECK(cJSON_GetObjectItem(h, "Authorization") == NULL); /* a bearer token, not SigV4 */
        cJSON_Delete(log);
    }
    /* Legacy profile; the CLI v1 wrote "UTC" for "Z". */
    write_file(oldc, "{\"startUrl\": \"https://old.awsapps.com/start\", \"region\": \"us-east-1\", "
                     "\"accessToken\": \"sso-access-token-doNotLeak\", \"expiresAt\": \"2099-01-01T00:00:00UTC\"}",
               0600);
    CHECK(resolve("ssold", 1, &c, &e) == ERR_OK);
    CHECK_STR(c.source, "sso 111122223333/Admin (profile ssold)");
    creds_cleanup(&c);
    /* An SSO profile as the source of an assume-role chain. */
    CHECK(resolve("chained", 1, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "ASIATEMPROLE");
    creds_cleanup(&c);
    /* Refused and expired tokens, a role the user lacks, broken profiles. */
    write_file(oldc, "{\"accessToken\": \"stale-doNotLeak\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}", 0600);
    CHECK(resolve("ssold", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "refused the cached token (HTTP 401: Session token not found or invalid)") != NULL);
    CHECK(strstr(e.msg, "aws sso login --profile ssold") != NULL);
    CHECK(strstr(e.msg, "doNotLeak") == NULL);
    write_file(oldc, "{\"accessToken\": \"x\", \"expiresAt\": \"2020-01-01T00:00:00Z\"}", 0600);
    CHECK(resolve("ssold", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "the SSO session expired at 2020-01-01T00:00:00Z") != NULL);
    write_file(oldc, "not json", 0600);
    CHECK(resolve("ssold", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "is not an SSO token cache") != NULL);
    CHECK(resolve("denied", 1, &c, &e) == ERR_CREDENTIALS);
    CHECK(strstr(e.msg, "HTTP 403") != NULL);
    CHECK(resolve("norole", 1, &c, &e) == ERR_CONFIG);
    CHECK(strstr(e.msg, "profile norole: SSO needs") && strstr(e.msg, "missing sso_role_name"));
    /* A profile with only sso_session is for `aws sso login`: its keys are used (botocore's trigger). */
    write_file(cred_path, "[loginonly]\naws_access_key_id = AKIDPROFILE\n"
                          "aws_secret_access_key = PROFILESECRETdoNotLeak/0123456789abcdef\n", 0600);
    CHECK(resolve("loginonly", 1, &c, &e) == ERR_OK);
    CHECK_STR(c.access_key_id, "AKIDPROFILE");
    creds_cleanup(&c);
    write_file(cred_path, "", 0600);
    CHECK(resolve("nosession", 1, &c, &e) == ERR_CONFIG);
    CHECK(strstr(e.msg, "sso_session 'gone' has no [sso-session gone] section") != NULL);
    unsetenv("AWS_ENDPOINT_URL_SSO");
}

static void test_nothing_found(void)
{
    struct creds c;
    struct err e;
    double t0 = (double)time(NULL);
    clean_env();
    /* IMDS on a closed local port: refused at once, and listed as tried. */
    setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
    CHECK(resolve("default", 0, &c, &e) == ERR_CREDENTIALS);
    printf("# %s\n", e.msg);
    CHECK(strstr(e.msg, "no AWS credentials found; tried:") != NULL);
    CHECK(strstr(e.msg, "environment") != NULL);
    CHECK(strstr(e.msg, "web identity") != NULL);
    CHECK(strstr(e.msg, "profile default") != NULL);
    CHECK(strstr(e.msg, "container") != NULL);
    CHECK(strstr(e.msg, "EC2 instance metadata") != NULL);
    CHECK((double)time(NULL) - t0 < 3);
    CHECK(resolve("missing", 1, &c, &e) == ERR_CONFIG);
    CHECK(strstr(e.msg, "profile 'missing' not found") != NULL);
}

static void test_client_level(void)
{
    struct aws_client *cl = NULL;
    struct aws_options o;
    struct aws_result r;
    struct err e;
    char script[512], cfg[1024], runs[512];
    struct buf b;
    clean_env();
    unsetenv("AWS_ENDPOINT_URL_STS");
    setenv("AWS_ENDPOINT_URL", srv.url, 1);
    memset(&o, 0, sizeof o);
    /* Malformed config: ERR_CONFIG naming file and line. */
    write_file(cfg_path, "[default]\nregion = eu-west-1\noops\n", 0600);
    CHECK(aws_client_new(&o, &cl, &e) == ERR_CONFIG);
    CHECK(strstr(e.msg, ":3: expected") != NULL);
    CHECK(cl == NULL);
    /* No region anywhere. */
    write_file(cfg_path, "[default]\n", 0600);
    CHECK(aws_client_new(&o, &cl, &e) == ERR_CONFIG);
    CHECK(strstr(e.msg, "no region") != NULL);
    /* Unknown --profile. */
    o.profile = "ghost";
    o.region = "eu-west-1";
    CHECK(aws_client_new(&o, &cl, &e) == ERR_CONFIG);
    CHECK(strstr(e.msg, "ghost") != NULL);

    /* Region from the profile; temporary credentials from a process that
     * expire within the refresh margin are fetched again for the next run. */
    snprintf(script, sizeof script, "%s/proc2.sh", home);
    snprintf(runs, sizeof runs, "%s/proc2.runs", home);
    {
        char sh[1024];
        time_t soon = time(NULL) + 120;
        struct tm tm;
        char exp[32];
        gmtime_r(&soon, &tm);
        strftime(exp, sizeof exp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        snprintf(sh, sizeof sh, "#!/bin/sh\necho run >> %s\n"
                                "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": "
                                "\"PROCESSSECRETdoNotLeak/0123456789abcdef\", \"Expiration\": \"%s\"}'\n", runs, exp);
        write_file(script, sh, 0700);
    }
    snprintf(cfg, sizeof cfg, "[profile p2]\nregion = ap-southeast-2\ncredential_process = %s\n", script);
    write_file(cfg_path, cfg, 0600);
    o.profile = "p2";
    o.region = NULL;
    CHECK(aws_client_new(&o, &cl, &e) == ERR_OK);
    if (!cl) {
        printf("# %s\n", e.msg);
        return;
    }
    CHECK_STR(aws_client_region(cl), "ap-southeast-2");
    CHECK(aws_call(cl, "sts", "GetCallerIdentity", NULL, 0, &r) == ERR_OK);
    if (r.error.kind)
        printf("# %s %s\n", r.error.code, r.error.message);
    aws_result_cleanup(&r);
    CHECK(aws_call(cl, "sts", "GetCallerIdentity", NULL, 0, &r) == ERR_OK);
    aws_result_cleanup(&r);
    aws_client_free(cl);
    buf_init(&b, 0);
    CHECK(buf_read_file(&b, runs, NULL) == ERR_OK);
    CHECK(b.data && strcmp(b.data, "run\nrun\n") == 0);
    buf_cleanup(&b);

    /* Region precedence: --region > AWS_REGION > AWS_DEFAULT_REGION > profile. */
    setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
    CHECK(aws_client_new(&o, &cl, &e) == ERR_OK);
    CHECK_STR(aws_client_region(cl), "us-west-1");
    aws_client_free(cl);
    setenv("AWS_REGION", "cn-north-1", 1);
    CHECK(aws_client_new(&o, &cl, &e) == ERR_OK);
    CHECK_STR(aws_client_region(cl), "cn-north-1");
    CHECK_STR(aws_client_partition(cl), "aws-cn");
    aws_client_free(cl);
    o.region = "us-gov-west-1";
    CHECK(aws_client_new(&o, &cl, &e) == ERR_OK);
    CHECK_STR(aws_client_partition(cl), "aws-us-gov");
    aws_client_free(cl);
}

static void test_expiring(void)
{
    struct creds c;
    memset(&c, 0, sizeof c);
    CHECK(!creds_expiring(&c, 1000, 300));
    c.expiration = 1200;
    CHECK(creds_expiring(&c, 1000, 300));
    CHECK(!creds_expiring(&c, 800, 300));
}

int main(void)
{
    if (!mkdtemp(home) || testsrv_start(&srv) != 0) {
        printf("not ok - cannot start tests/aws/testserver.py\n");
        return 1;
    }
    setenv("HOME", home, 1);
    snprintf(cfg_path, sizeof cfg_path, "%s/config", home);
    snprintf(cred_path, sizeof cred_path, "%s/credentials", home);
    setenv("AWS_CONFIG_FILE", cfg_path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
    test_env_and_files();
    test_process();
    test_assume_role();
    test_web_identity();
    test_container_and_imds();
    test_sso();
    test_nothing_found();
    test_client_level();
    test_expiring();
    testsrv_stop(&srv);
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", home);
    }
    return test_done();
}

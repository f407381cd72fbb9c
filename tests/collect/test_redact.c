/* Unit tests for core/collect/redact: every secret pattern is masked (the
 * printed document is grepped for each secret), references are kept. */
#include "test.h"

#include <stdlib.h>

#include "collect/redact.h"

static void check_text(const char *in, int free_text, const char *want)
{
    char *out = redact_text(in, free_text);
    if (!want) {
        CHECK(out == NULL);
        if (out)
            printf("# unexpected redaction of '%s' -> '%s'\n", in, out);
    } else {
        CHECK_STR(out, want);
    }
    free(out);
}

static void test_text(void)
{
    check_text("key AKIAIOSFODNN7EXAMPLE used", 0, "key <redacted> used");
    check_text("ASIAIOSFODNN7EXAMPLE", 0, "<redacted>");
    check_text("XAKIAIOSFODNN7EXAMPLE", 0, NULL);
    check_text("secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end", 1, "secret <redacted> end");
    check_text("secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end", 0, NULL);
    check_text("Authorization: Bearer abcdefghijklmnop rest", 0, "Authorization: Bearer <redacted> rest");
    check_text("t eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_x-y z", 0, "t <redacted> z");
    check_text("connect password=hunter2 now", 1, "connect password=<redacted> now");
    check_text("DB_PASSWORD=hunter2", 1, "DB_PASSWORD=<redacted>");
    check_text("{\"client_secret\": \"abc123\"}", 1, "{\"client_secret\": \"<redacted>\"}");
    check_text("url?x=1&token=abc&y=2", 1, "url?x=1&token=<redacted>&y=2");
    check_text("--api-key=zzz", 1, "--api-key=<redacted>");
    /* Vendor tokens anywhere; a URL's userinfo password in prose. */
    check_text("git clone https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/a/b", 0,
               "git clone https://<redacted>@github.com/a/b");
    check_text("slack xoxb-1234567890-abcdefghijkl done", 0, "slack <redacted> done");
    check_text("ghp_short", 0, NULL);
    check_text("db postgres://app:s3cr3t@db.internal:5432/x", 1, "db postgres://app:<redacted>@db.internal:5432/x");
    check_text("https://example.com:8443/path@x", 1, NULL);
    /* References and ids are not secrets. */
    check_text("arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf", 1, NULL);
    check_text("image web:3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39", 1, NULL);
    check_text("ecs/app/0a1b2c3d4e5f60718293a4b5c6d7e8f9", 1, NULL);
    check_text("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1, NULL);
    check_text("password=<redacted>", 1, NULL);
    check_text("", 1, NULL);
}

/* Issue 17, item 9: the common secret shapes that used to pass, one by
 * one, each with look-alikes that must be kept. */
static void test_shapes(void)
{
    /* A flag's value after a space. */
    check_text("sync --api-token abc123XYZ --verbose", 1, "sync --api-token <redacted> --verbose");
    check_text("login --password hunter2", 1, "login --password <redacted>");
    check_text("app -token s3cr3t", 1, "app -token <redacted>");
    check_text("run --token-file /run/secrets/t", 1, NULL);  /* a path flag, not the value */
    check_text("use --password - < file", 1, NULL);         /* "-": read from stdin */
    check_text("max --tokens 5", 1, NULL);                  /* "tokens" is not a secret word */
    /* NAME = value with spaces. */
    check_text("password = hunter2", 1, "password = <redacted>");
    check_text("db_password  = hunter2;", 1, "db_password  = <redacted>;");
    check_text("the password is required", 1, NULL);
    check_text("password = ", 1, NULL);
    check_text("max_tokens = 5", 1, NULL);
    /* HTTP basic credentials. */
    check_text("Authorization: Basic dXNlcjpwYXNzd29yZA== sent", 1, "Authorization: Basic <redacted> sent");
    check_text("basic YWRtaW46aHVudGVyMg==", 1, "basic <redacted>");
    check_text("basic settings applied", 1, NULL);
    check_text("Basic Settings", 1, NULL);
    check_text("Basic authentication failed", 1, NULL);
    /* mysql's -pPASSWORD, only in a mysql/mariadb command. */
    check_text("mysql -h db -uroot -phunter2 app", 1, "mysql -h db -uroot -p<redacted> app");
    check_text("mariadb-dump -pS3cret! --all", 1, "mariadb-dump -p<redacted> --all");
    check_text("docker run -p8080:80 nginx", 1, NULL);
    check_text("mysql -p", 1, NULL);                        /* prompts: nothing to hide */
    /* curl -u / --user USER:PASSWORD: the password only. */
    check_text("curl -u admin:hunter2 https://x", 1, "curl -u admin:<redacted> https://x");
    check_text("curl -s --user bob:pw1 https://x", 1, "curl -s --user bob:<redacted> https://x");
    check_text("curl --user=bob:pw1 https://x", 1, "curl --user=bob:<redacted> https://x");
    check_text("curl -uadmin:pw https://x", 1, "curl -uadmin:<redacted> https://x");
    check_text("curl -u admin https://x", 1, NULL);         /* prompts for the password */
    check_text("docker run -u 1000:1000 img", 1, NULL);     /* uid:gid, not curl */
    /* URL userinfo, everywhere (not only prose), a raw '@' in the password. */
    check_text("https://user:pass@host/x", 0, "https://user:<redacted>@host/x");
    check_text("fetch https://user:p@ss@host/x", 1, "fetch https://user:<redacted>@host/x");
    check_text("https://host/a@b", 1, NULL);
    check_text("https://user@host/", 1, NULL);
    /* JSON escaped inside a string (a JSON log line quoted in another). */
    check_text("{\\\"user\\\":\\\"bob\\\",\\\"password\\\":\\\"hunter2\\\"}", 1,
               "{\\\"user\\\":\\\"bob\\\",\\\"password\\\":\\\"<redacted>\\\"}");
    check_text("{\\\"db_password\\\": \\\"hun\\\\\\\"ter2\\\", \\\"x\\\":1}", 1,
               "{\\\"db_password\\\": \\\"<redacted>\\\", \\\"x\\\":1}");
    check_text("{\\\"passwordPolicy\\\":\\\"strict\\\"}", 1, NULL);
    /* Not in prose mode (ids, names): none of the prose-only shapes. */
    check_text("--api-token abc123XYZ", 0, NULL);
    check_text("password = hunter2", 0, NULL);
}

/* An argv list: a flag's value is the next element; the tool named by any
 * element decides -p and -u. */
static void test_argv(void)
{
    const char *doc_text =
        "{\"task_definitions\":{\"td\":{\"containerDefinitions\":["
        "{\"command\":[\"sync\",\"--api-token\",\"ARGV_SECRET1\",\"--verbose\"]},"
        "{\"command\":[\"mysql\",\"-uroot\",\"-pARGV_SECRET2\"]},"
        "{\"entryPoint\":[\"curl\",\"-u\",\"admin:ARGV_SECRET3\",\"https://x\"]},"
        "{\"command\":[\"docker\",\"run\",\"-p8080:80\",\"-u\",\"1000:1000\",\"--tokens\",\"5\"]}]}}}";
    cJSON *doc = cJSON_Parse(doc_text);
    char *out;
    CHECK(doc != NULL);
    CHECK(redact_evidence(doc) == 3);
    out = cJSON_PrintUnformatted(doc);
    CHECK(strstr(out, "ARGV_SECRET") == NULL);
    CHECK(strstr(out, "\"--api-token\",\"<redacted>\",\"--verbose\"") != NULL);
    CHECK(strstr(out, "\"-p<redacted>\"") != NULL);
    CHECK(strstr(out, "\"admin:<redacted>\"") != NULL);
    CHECK(strstr(out, "\"-p8080:80\",\"-u\",\"1000:1000\",\"--tokens\",\"5\"") != NULL);
    free(out);
    cJSON_Delete(doc);
}

static void test_document(void)
{
    const char *doc_text =
        "{\"schema\":\"ecs-doctor/evidence/v1\",\"redacted\":false,"
        "\"task_definitions\":{\"td\":{\"containerDefinitions\":[{\"name\":\"app\","
        "\"environment\":[{\"name\":\"STRIPE_KEY\",\"value\":\"sk_live_SECRETVALUE1\"}],"
        "\"environmentFiles\":[{\"value\":\"arn:aws:s3:::bucket/envfile-SECRET2\",\"type\":\"s3\"}],"
        "\"secrets\":[{\"name\":\"DB\",\"valueFrom\":\"arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf\"}],"
        "\"command\":[\"serve\",\"--token=tok_SECRET3\"]}]}},"
        "\"tasks\":[{\"stoppedReason\":\"failed with AKIAIOSFODNN7EXAMPLE\","
        "\"overrides\":{\"containerOverrides\":[{\"environment\":[{\"name\":\"X\",\"value\":\"override_SECRET4\"}]}]}}],"
        "\"logs\":{\"streams\":{\"g/s\":{\"stream\":\"ecs/app/0a1b\",\"events\":["
        "{\"timestamp\":1,\"message\":\"login password=SECRET5 ok\"},"
        "{\"timestamp\":2,\"message\":\"key wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET6KEY\"},"
        "{\"timestamp\":3,\"message\":\"Bearer SECRET7abcdefgh\"}]}}},"
        "\"services\":[{\"events\":[{\"message\":\"(service web) token=SECRET8\"}]}]}";
    static const char *const secrets[] = {"SECRETVALUE1", "SECRET2", "SECRET3", "AKIAIOSFODNN7EXAMPLE",
                                          "SECRET4", "SECRET5", "SECRET6", "SECRET7", "SECRET8"};
    cJSON *doc = cJSON_Parse(doc_text);
    char *out;
    size_t i;
    CHECK(doc != NULL);
    CHECK(redact_evidence(doc) >= 9);
    out = cJSON_PrintUnformatted(doc);
    for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        CHECK(strstr(out, secrets[i]) == NULL);
        if (strstr(out, secrets[i]))
            printf("# leaked %s\n", secrets[i]);
    }
    /* Kept: the secret's ARN (a reference), names, the stream name. */
    CHECK(strstr(out, "arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf") != NULL);
    CHECK(strstr(out, "STRIPE_KEY") != NULL);
    CHECK(strstr(out, "ecs/app/0a1b") != NULL);
    CHECK(strstr(out, "\"redacted\":true") != NULL);
    free(out);
    /* Idempotent: a second pass changes nothing. */
    CHECK(redact_evidence(doc) == 0);
    cJSON_Delete(doc);
}

int main(void)
{
    test_text();
    test_shapes();
    test_argv();
    test_document();
    return test_done();
}

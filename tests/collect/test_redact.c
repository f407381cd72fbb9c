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
    test_document();
    return test_done();
}

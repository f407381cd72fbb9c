/* Unit tests for core/collect/refs: ARNs, targets, image references, secret
 * references, stream names, batching and "did you mean". */
#include "test.h"

#include <stdlib.h>

#include "collect/refs.h"

static void test_arn(void)
{
    struct arn a;
    CHECK(refs_arn_parse("arn:aws:iam::123456789012:role/app/web-task", &a) == 0);
    CHECK_STR(a.service, "iam");
    CHECK_STR(a.region, "");
    CHECK_STR(a.account, "123456789012");
    CHECK_STR(a.resource, "role/app/web-task");
    CHECK(refs_arn_parse("arn:aws-cn:ecs:cn-north-1:1:cluster/x", &a) == 0);
    CHECK_STR(a.partition, "aws-cn");
    CHECK(refs_arn_parse("web", &a) == -1);
    CHECK(refs_arn_parse("arn:aws:ecs", &a) == -1);
}

static void test_targets(void)
{
    char cl[64], nm[128], rg[32];
    CHECK(refs_ecs_target("web", "service", cl, sizeof cl, nm, sizeof nm, rg, sizeof rg) == 0);
    CHECK_STR(nm, "web");
    CHECK_STR(cl, "");
    CHECK(refs_ecs_target("arn:aws:ecs:eu-west-1:1:service/prod/web", "service", cl, sizeof cl, nm, sizeof nm,
                          rg, sizeof rg) == 0);
    CHECK_STR(cl, "prod");
    CHECK_STR(nm, "web");
    CHECK_STR(rg, "eu-west-1");
    /* Old ARN format: no cluster in it. */
    CHECK(refs_ecs_target("arn:aws:ecs:eu-west-1:1:service/web", "service", cl, sizeof cl, nm, sizeof nm, rg,
                          sizeof rg) == 0);
    CHECK_STR(cl, "");
    CHECK_STR(nm, "web");
    CHECK(refs_ecs_target("arn:aws:ecs:us-east-1:1:task/prod/0a1b2c", "task", cl, sizeof cl, nm, sizeof nm, rg,
                          sizeof rg) == 0);
    CHECK_STR(cl, "prod");
    CHECK_STR(nm, "0a1b2c");
    CHECK(refs_ecs_target("arn:aws:ecs:us-east-1:1:cluster/prod", "cluster", cl, sizeof cl, nm, sizeof nm, rg,
                          sizeof rg) == 0);
    CHECK_STR(nm, "prod");
    /* A task ARN is not a service. */
    CHECK(refs_ecs_target("arn:aws:ecs:us-east-1:1:task/prod/x", "service", cl, sizeof cl, nm, sizeof nm, rg,
                          sizeof rg) == -1);
}

static void test_images(void)
{
    struct image_ref r;
    CHECK(refs_image_parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/web:v42", &r) == 0);
    CHECK_STR(r.registry, "ecr");
    CHECK_STR(r.registry_id, "123456789012");
    CHECK_STR(r.region, "us-east-1");
    CHECK_STR(r.repository, "team/web");
    CHECK_STR(r.tag, "v42");
    CHECK_STR(r.digest, "");
    CHECK(refs_image_parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:abcd", &r) == 0);
    CHECK_STR(r.tag, "");
    CHECK_STR(r.digest, "sha256:abcd");
    CHECK_STR(r.region, "eu-west-1");
    CHECK(refs_image_parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/web", &r) == 0);
    CHECK_STR(r.tag, "latest");
    CHECK(refs_image_parse("nginx:1.25", &r) == 0);
    CHECK_STR(r.registry, "dockerhub");
    CHECK_STR(r.repository, "library/nginx");
    CHECK_STR(r.tag, "1.25");
    CHECK(refs_image_parse("bitnami/redis", &r) == 0);
    CHECK_STR(r.registry, "dockerhub");
    CHECK_STR(r.repository, "bitnami/redis");
    CHECK(refs_image_parse("docker.io/library/alpine:3", &r) == 0);
    CHECK_STR(r.registry, "dockerhub");
    CHECK(refs_image_parse("registry.example.com:5000/app:1", &r) == 0);
    CHECK_STR(r.registry, "other");
    CHECK_STR(r.host, "registry.example.com:5000");
    CHECK_STR(r.repository, "app");
    CHECK_STR(r.tag, "1");
    CHECK(refs_image_parse("public.ecr.aws/nginx/nginx:latest", &r) == 0);
    CHECK_STR(r.registry, "other");
    CHECK(refs_image_parse("", &r) == -1);
    CHECK(refs_image_parse("web:", &r) == -1);
    CHECK(refs_image_parse("web@", &r) == -1);
}

static void test_secrets(void)
{
    struct secret_ref s;
    CHECK(refs_secret_parse("arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf:password::", &s) == 0);
    CHECK(s.kind == SECRET_SM);
    CHECK_STR(s.id, "arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf");
    CHECK_STR(s.name, "prod/db-AbCdEf");
    CHECK_STR(s.json_key, "password");
    CHECK_STR(s.region, "us-east-1");
    CHECK(refs_secret_parse("arn:aws:secretsmanager:us-east-1:1:secret:plain-XyZ123", &s) == 0);
    CHECK_STR(s.id, "arn:aws:secretsmanager:us-east-1:1:secret:plain-XyZ123");
    CHECK_STR(s.json_key, "");
    CHECK(refs_secret_parse("arn:aws:ssm:eu-west-1:1:parameter/prod/api-key", &s) == 0);
    CHECK(s.kind == SECRET_SSM);
    CHECK_STR(s.name, "/prod/api-key");
    CHECK_STR(s.id, "arn:aws:ssm:eu-west-1:1:parameter/prod/api-key");
    CHECK_STR(s.region, "eu-west-1");
    CHECK(refs_secret_parse("arn:aws:ssm:eu-west-1:1:parameter/flat", &s) == 0);
    CHECK_STR(s.name, "flat");
    CHECK(refs_secret_parse("/prod/api-key", &s) == 0);
    CHECK(s.kind == SECRET_SSM);
    CHECK_STR(s.region, "");
    CHECK(refs_secret_parse("arn:aws:s3:::bucket/key", &s) == -1);
    CHECK(refs_secret_parse("", &s) == -1);
}

static void test_misc(void)
{
    char buf[128], out[128];
    long rev;
    char *d;
    CHECK_STR(refs_stream_name("ecs", "app", "arn:aws:ecs:us-east-1:1:task/prod/0a1b", buf, sizeof buf),
              "ecs/app/0a1b");
    CHECK_STR(refs_stream_name("svc", "web", "0a1b", buf, sizeof buf), "svc/web/0a1b");
    CHECK(refs_stream_name("", "app", "x", buf, sizeof buf) == NULL);
    CHECK(refs_stream_name("ecs", "app", "x", buf, 5) == NULL);
    CHECK(refs_taskdef_family("arn:aws:ecs:us-east-1:1:task-definition/web:12", buf, sizeof buf, &rev) == 0);
    CHECK_STR(buf, "web");
    CHECK(rev == 12);
    CHECK(refs_taskdef_family("web-worker:3", buf, sizeof buf, &rev) == 0);
    CHECK_STR(buf, "web-worker");
    CHECK(rev == 3);
    CHECK(refs_batches(0, 100) == 0);
    CHECK(refs_batches(1, 100) == 1);
    CHECK(refs_batches(100, 100) == 1);
    CHECK(refs_batches(101, 100) == 2);
    CHECK(refs_batches(25, 10) == 3);
    CHECK(refs_edit_distance("web-servce", "web-service") == 1);
    CHECK(refs_edit_distance("WEB", "web") == 0);
    CHECK(refs_edit_distance("", "abc") == 3);
    {
        const char *cand[] = {"web-service", "api", "web-worker", "billing"};
        refs_suggest("web-servce", cand, 4, out, sizeof out);
        CHECK_STR(out, "web-service");
        refs_suggest("zzzzzzzz", cand, 4, out, sizeof out);
        CHECK_STR(out, "");
        refs_suggest("web", cand, 4, out, sizeof out);
        CHECK(strstr(out, "web-service") && strstr(out, "web-worker"));
    }
    d = refs_url_decode("%7B%22a%22%3A%20%22b%2Bc%22%7D+x");
    CHECK_STR(d, "{\"a\": \"b+c\"}+x");
    free(d);
    d = refs_url_decode("bad%zz%4");
    CHECK_STR(d, "bad%zz%4");
    free(d);
}

int main(void)
{
    test_arn();
    test_targets();
    test_images();
    test_secrets();
    test_misc();
    return test_done();
}

/* Unit tests for core/aws/sigv4: the official AWS SigV4 suite (read from
 * $EDOC_SHARED_DIR/testdata/sigv4, never copied into the project) and the
 * project's own botocore-generated cases (tests/aws/sigv4-own). */
#include "test.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aws/sigv4.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#define MAXH 32

struct req {
    char method[16];
    char *path, *query;
    char *names[MAXH], *values[MAXH];
    struct sigv4_header h[MAXH];
    size_t nh;
    char *head; /* the raw request line + header lines, for the signed request */
    char *body;
    size_t body_len;
};

static char *slurp(const char *path)
{
    struct buf b;
    buf_init(&b, 0);
    if (buf_read_file(&b, path, NULL) != ERR_OK) {
        buf_cleanup(&b);
        return NULL;
    }
    return buf_take(&b);
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Parses the suite's raw request format: "METHOD URI HTTP/1.1", header lines
 * (continuation lines start with whitespace), a blank line, the body. */
static int parse_req(const char *text, struct req *r)
{
    const char *eol = strchr(text, '\n'), *sp, *ver, *p;
    memset(r, 0, sizeof *r);
    if (!eol)
        eol = text + strlen(text);
    sp = strchr(text, ' ');
    ver = eol;
    while (ver > sp && *ver != ' ')
        ver--;
    if (!sp || ver <= sp || (size_t)(sp - text) >= sizeof r->method)
        return -1;
    memcpy(r->method, text, (size_t)(sp - text));
    {
        char *uri = str_ndup(sp + 1, (size_t)(ver - sp - 1));
        char *q = strchr(uri, '?');
        if (q) {
            *q = '\0';
            r->query = str_dup(q + 1);
        }
        r->path = uri;
    }
    p = *eol ? eol + 1 : eol;
    while (*p && *p != '\n') {
        const char *le = strchr(p, '\n'), *colon;
        size_t l;
        if (!le)
            le = p + strlen(p);
        l = (size_t)(le - p);
        if ((*p == ' ' || *p == '\t') && r->nh > 0) {
            char *old = r->values[r->nh - 1], *line = str_ndup(p, l);
            size_t n = strlen(old) + l + 2;
            char *nv = malloc(n);
            snprintf(nv, n, "%s\n%s", old, line);
            free(old);
            free(line);
            r->values[r->nh - 1] = nv;
        } else {
            colon = memchr(p, ':', l);
            if (!colon || r->nh == MAXH)
                return -1;
            r->names[r->nh] = str_ndup(p, (size_t)(colon - p));
            r->values[r->nh] = str_ndup(colon + 1, (size_t)(le - colon - 1));
            r->nh++;
        }
        p = *le ? le + 1 : le;
    }
    r->head = str_ndup(text, (size_t)(p - text));
    if (r->head[0] && r->head[strlen(r->head) - 1] == '\n')
        r->head[strlen(r->head) - 1] = '\0';
    if (*p == '\n') {
        r->body = str_dup(p + 1);
        r->body_len = strlen(r->body);
    }
    for (size_t i = 0; i < r->nh; i++) {
        r->h[i].name = r->names[i];
        r->h[i].value = r->values[i];
    }
    return 0;
}

static void free_req(struct req *r)
{
    free(r->path);
    free(r->query);
    for (size_t i = 0; i < r->nh; i++) {
        free(r->names[i]);
        free(r->values[i]);
    }
    free(r->head);
    free(r->body);
}

static int classic_total, classic_ok, crt_total, crt_ok, own_total, own_ok, pre_total, pre_ok;

static char *token_from_sreq(const char *sreq)
{
    const char *t = strstr(sreq, "X-Amz-Security-Token:");
    if (!t)
        return NULL;
    t += strlen("X-Amz-Security-Token:");
    return str_ndup(t, strcspn(t, "\n"));
}

static void run_classic(const char *dir, const char *name)
{
    char path[4096];
    char *req = NULL, *creq = NULL, *sts = NULL, *authz = NULL, *sreq = NULL, *token = NULL;
    struct req r;
    struct sigv4_out out;
    struct sigv4_creds cr = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};
    int fails_before = test_failures;
#define LOAD(var, ext)                                              \
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);        \
    var = slurp(path);
    LOAD(req, "req");
    LOAD(creq, "creq");
    LOAD(sts, "sts");
    LOAD(authz, "authz");
    LOAD(sreq, "sreq");
    classic_total++;
    CHECK(req && creq && sts && authz && sreq);
    if (!req || !creq || !sts || !authz || !sreq || parse_req(req, &r) != 0) {
        printf("# classic %s: unreadable\n", name);
        test_failures++;
        goto out;
    }
    /* The session token is not in the .req: the suite's README gives it,
     * and each session case's .sreq carries it. */
    if (strstr(name, "session-token") || str_starts(name, "post-sts"))
        cr.session_token = token = token_from_sreq(sreq);
    {
        struct sigv4_in in = {r.method, r.path, r.query, r.h, r.nh, r.body, r.body_len,
                              "us-east-1", "service", "20150830T123600Z", 1, 0,
                              strstr(name, "header-after") != NULL};
        struct buf sb;
        CHECK(sigv4_sign(&in, &cr, NULL, &out, NULL) == ERR_OK);
        CHECK_STR(out.canonical_request, creq);
        CHECK_STR(out.string_to_sign, sts);
        CHECK_STR(out.authorization, authz);
        /* The signed request: the original request plus the added headers. */
        buf_init(&sb, 0);
        buf_puts(&sb, r.head);
        for (size_t i = 0; i < out.n_added; i++)
            buf_printf(&sb, "\n%s:%s%s", out.added[i].name,
                       strcmp(out.added[i].name, "Authorization") == 0 ? " " : "",
                       out.added[i].value);
        if (r.body)
            buf_printf(&sb, "\n\n%s", r.body);
        if (strcmp(name, "get-vanilla-with-session-token") == 0 && strstr(sreq, authz) == NULL) {
            /* Known error in the suite (README): this .sreq carries
             * get-vanilla's signature; .authz has the right one. Compare the
             * rest of the signed request and the Authorization from .authz. */
            char *a = strstr(sreq, "Authorization: ");
            if (a) {
                struct buf fixed;
                buf_init(&fixed, 0);
                buf_append(&fixed, sreq, (size_t)(a - sreq));
                buf_printf(&fixed, "Authorization: %s", authz);
                CHECK_STR(sb.data, fixed.data);
                buf_cleanup(&fixed);
            }
        } else {
            CHECK_STR(sb.data, sreq);
        }
        buf_cleanup(&sb);
        sigv4_out_cleanup(&out);
    }
    free_req(&r);
out:
    if (test_failures == fails_before)
        classic_ok++;
    else
        printf("# classic case failed: %s\n", name);
    free(req);
    free(creq);
    free(sts);
    free(authz);
    free(sreq);
    free(token);
}

/* Compares two signed requests as a set of lines: the aws-c-auth signer
 * places its added headers in its own order, which HTTP does not care about. */
static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int same_lines(const char *a, const char *b)
{
    char *x = str_dup(a), *y = str_dup(b), *lx[64], *ly[64], *s;
    size_t nx = 0, ny = 0;
    int same;
    for (s = strtok(x, "\n"); s && nx < 64; s = strtok(NULL, "\n"))
        lx[nx++] = s;
    for (s = strtok(y, "\n"); s && ny < 64; s = strtok(NULL, "\n"))
        ly[ny++] = s;
    same = nx == ny;
    if (same) {
        qsort(lx, nx, sizeof *lx, cmp_lines);
        qsort(ly, ny, sizeof *ly, cmp_lines);
        for (size_t i = 0; i < nx && same; i++)
            same = strcmp(lx[i], ly[i]) == 0;
    }
    free(x);
    free(y);
    return same;
}

static void run_crt(const char *dir, const char *name)
{
    char path[4096];
    char *req, *creq, *sts, *sig, *sreq, *ctxt;
    cJSON *ctx = NULL;
    struct req r;
    struct sigv4_out out;
    int fails_before = test_failures;
#define LOADC(var, file)                                   \
    snprintf(path, sizeof path, "%s/%s/%s", dir, name, file); \
    var = slurp(path);
    LOADC(req, "request.txt");
    LOADC(creq, "header-canonical-request.txt");
    LOADC(sts, "header-string-to-sign.txt");
    LOADC(sig, "header-signature.txt");
    LOADC(sreq, "header-signed-request.txt");
    LOADC(ctxt, "context.json");
    crt_total++;
    if (!req || !creq || !sts || !sig || !sreq || !ctxt || parse_req(req, &r) != 0 ||
        !(ctx = cJSON_Parse(ctxt))) {
        printf("# aws-c-auth %s: unreadable\n", name);
        test_failures++;
        goto out;
    }
    {
        cJSON *c = cJSON_GetObjectItem(ctx, "credentials");
        struct sigv4_creds cr = {jsonx_str(c, "access_key_id", ""),
                                 jsonx_str(c, "secret_access_key", ""),
                                 jsonx_str(c, "token", NULL)};
        struct sigv4_in in = {r.method, r.path, r.query, r.h, r.nh, r.body, r.body_len,
                              jsonx_str(ctx, "region", ""), jsonx_str(ctx, "service", ""),
                              "20150830T123600Z", jsonx_bool(ctx, "normalize", 1),
                              jsonx_bool(ctx, "sign_body", 0),
                              jsonx_bool(ctx, "omit_session_token", 0)};
        struct buf sb;
        CHECK(strcmp(jsonx_str(ctx, "timestamp", ""), "2015-08-30T12:36:00Z") == 0);
        CHECK(sigv4_sign(&in, &cr, NULL, &out, NULL) == ERR_OK);
        CHECK_STR(out.canonical_request, creq);
        CHECK_STR(out.string_to_sign, sts);
        CHECK(out.authorization && strstr(out.authorization, sig) != NULL);
        buf_init(&sb, 0);
        buf_puts(&sb, r.head);
        for (size_t i = 0; i < out.n_added; i++)
            buf_printf(&sb, "\n%s:%s", out.added[i].name, out.added[i].value);
        if (r.body)
            buf_printf(&sb, "\n\n%s", r.body);
        CHECK(same_lines(sb.data, sreq));
        if (!same_lines(sb.data, sreq))
            printf("# got signed request:\n%s\n# want:\n%s\n", sb.data, sreq);
        buf_cleanup(&sb);
        sigv4_out_cleanup(&out);
    }
    free_req(&r);
out:
    if (test_failures == fails_before)
        crt_ok++;
    else
        printf("# aws-c-auth case failed: %s\n", name);
    cJSON_Delete(ctx);
    free(req);
    free(creq);
    free(sts);
    free(sig);
    free(sreq);
    free(ctxt);
}

/* The same aws-c-auth case signed as a presigned URL (query-* files). */
static void run_crt_query(const char *dir, const char *name)
{
    char path[4096];
    char *req, *creq, *sts, *sig, *sreq, *ctxt;
    cJSON *ctx = NULL;
    struct req r;
    struct sigv4_out out;
    int fails_before = test_failures;
    LOADC(req, "request.txt");
    LOADC(creq, "query-canonical-request.txt");
    LOADC(sts, "query-string-to-sign.txt");
    LOADC(sig, "query-signature.txt");
    LOADC(sreq, "query-signed-request.txt");
    LOADC(ctxt, "context.json");
    pre_total++;
    if (!req || !creq || !sts || !sig || !sreq || !ctxt || parse_req(req, &r) != 0 ||
        !(ctx = cJSON_Parse(ctxt))) {
        printf("# aws-c-auth presigned %s: unreadable\n", name);
        test_failures++;
        goto out;
    }
    {
        cJSON *c = cJSON_GetObjectItem(ctx, "credentials");
        struct sigv4_creds cr = {jsonx_str(c, "access_key_id", ""),
                                 jsonx_str(c, "secret_access_key", ""),
                                 jsonx_str(c, "token", NULL)};
        struct sigv4_in in = {r.method, r.path, r.query, r.h, r.nh, r.body, r.body_len,
                              jsonx_str(ctx, "region", ""), jsonx_str(ctx, "service", ""),
                              "20150830T123600Z", jsonx_bool(ctx, "normalize", 1), 0,
                              jsonx_bool(ctx, "omit_session_token", 0)};
        struct buf sb;
        const char *nl = strchr(r.head, '\n');
        CHECK(sigv4_presign(&in, &cr, (long)jsonx_num(ctx, "expiration_in_seconds", 0), NULL,
                            &out, NULL) == ERR_OK);
        CHECK_STR(out.canonical_request, creq);
        CHECK_STR(out.string_to_sign, sts);
        CHECK(out.presigned_query && strstr(out.presigned_query, sig) != NULL);
        buf_init(&sb, 0);
        buf_printf(&sb, "%s %s?%s%s%s HTTP/1.1%s", r.method, r.path, r.query ? r.query : "",
                   r.query ? "&" : "", out.presigned_query ? out.presigned_query : "",
                   nl ? nl : "");
        /* These files always end with the blank line, body or not. */
        buf_printf(&sb, "\n\n%s", r.body ? r.body : "");
        CHECK_STR(sb.data, sreq);
        buf_cleanup(&sb);
        sigv4_out_cleanup(&out);
    }
    free_req(&r);
out:
    if (test_failures == fails_before)
        pre_ok++;
    else
        printf("# aws-c-auth presigned case failed: %s\n", name);
    cJSON_Delete(ctx);
    free(req);
    free(creq);
    free(sts);
    free(sig);
    free(sreq);
    free(ctxt);
}

/* Walks dir: a folder holding <name>.req is a classic case; recurse one
 * level (normalize-path/, post-sts-token/). */
static void walk_classic(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char sub[1400], reqp[3000];
    if (!d)
        return;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "aws-c-auth-v4") == 0)
            continue;
        snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
        snprintf(reqp, sizeof reqp, "%s/%s.req", sub, de->d_name);
        if (exists(reqp))
            run_classic(sub, de->d_name);
        else if (depth < 2)
            walk_classic(sub, depth + 1);
    }
    closedir(d);
}

/* Returns 0 when the suite is not there (and CI does not require it): main
 * then reports the whole test as skipped, not passed on the few own cases. */
static int test_suite(void)
{
    const char *shared = getenv("EDOC_SHARED_DIR"), *ci = getenv("CI");
    char dir[1024], crt[1100];
    DIR *d;
    struct dirent *de;
    snprintf(dir, sizeof dir, "%s/testdata/sigv4", shared ? shared : "../shared");
    if (!exists(dir)) {
        if (ci && !strcmp(ci, "true")) {
            printf("# AWS SigV4 suite not found at %s: required under CI=true\n", dir);
            CHECK(!"the official SigV4 suite is present");
            return 1;
        }
        printf("# AWS SigV4 suite not found at %s: the official cases did not run; "
               "the test is reported skipped\n", dir);
        return 0;
    }
    walk_classic(dir, 0);
    snprintf(crt, sizeof crt, "%s/aws-c-auth-v4", dir);
    if ((d = opendir(crt))) {
        while ((de = readdir(d)))
            if (de->d_name[0] != '.') {
                run_crt(crt, de->d_name);
                run_crt_query(crt, de->d_name);
            }
        closedir(d);
    }
    printf("# AWS suite: classic %d/%d cases pass, aws-c-auth header-signing %d/%d, "
           "presigned %d/%d\n",
           classic_ok, classic_total, crt_ok, crt_total, pre_ok, pre_total);
    CHECK(classic_total >= 30);
    CHECK(crt_total >= 30);
    CHECK(pre_total == crt_total);
    return 1;
}

/* The project's own cases: tests/aws/sigv4-own/cases.json, generated by
 * gen_sigv4_own.py with botocore's SigV4Auth (an independent signer). */
static void test_own(void)
{
    const char *src = getenv("EDOC_SOURCE_DIR");
    char path[4096];
    cJSON *cases, *c;
    struct err e;
    snprintf(path, sizeof path, "%s/tests/aws/sigv4-own/cases.json", src ? src : ".");
    cases = jsonx_load_file(path, 0, &e);
    CHECK(cases != NULL);
    if (!cases) {
        printf("# %s\n", e.msg);
        return;
    }
    cJSON_ArrayForEach(c, cases)
    {
        struct sigv4_header hs[MAXH];
        size_t nh = 0;
        cJSON *h;
        const char *body = jsonx_str(c, "body", "");
        struct sigv4_creds cr = {jsonx_str(c, "access_key", ""), jsonx_str(c, "secret_key", ""),
                                 jsonx_str(c, "token", NULL)};
        struct sigv4_out out;
        int before = test_failures;
        cJSON_ArrayForEach(h, cJSON_GetObjectItem(c, "headers"))
        {
            if (nh < MAXH) {
                hs[nh].name = jsonx_str(h, "name", "");
                hs[nh].value = jsonx_str(h, "value", "");
                nh++;
            }
        }
        {
            struct sigv4_in in = {jsonx_str(c, "method", "POST"), jsonx_str(c, "path", "/"),
                                  jsonx_str(c, "query", ""), hs, nh, body, strlen(body),
                                  jsonx_str(c, "region", ""), jsonx_str(c, "service", ""),
                                  jsonx_str(c, "amz_date", ""), 1, 0, 0};
            own_total++;
            CHECK(sigv4_sign(&in, &cr, NULL, &out, NULL) == ERR_OK);
            CHECK_STR(out.canonical_request, jsonx_str(c, "canonical_request", "?"));
            CHECK_STR(out.string_to_sign, jsonx_str(c, "string_to_sign", "?"));
            CHECK_STR(out.authorization, jsonx_str(c, "authorization", "?"));
            sigv4_out_cleanup(&out);
        }
        if (test_failures == before)
            own_ok++;
        else
            printf("# own case failed: %s\n", jsonx_str(c, "name", "?"));
    }
    printf("# own botocore cases: %d/%d pass\n", own_ok, own_total);
    CHECK(own_total >= 8);
    cJSON_Delete(cases);
}

static void test_cache(void)
{
    struct sigv4_cache cache;
    struct sigv4_header h[] = {{"Host", "ecs.us-east-1.amazonaws.com"}};
    struct sigv4_creds cr = {"AKIDEXAMPLE", "secret1", NULL};
    struct sigv4_in in = {"POST", "/", NULL, h, 1, "{}", 2, "us-east-1", "ecs",
                          "20240101T000000Z", 1, 0, 0};
    struct sigv4_out a, b, c;
    sigv4_cache_init(&cache);
    CHECK(sigv4_sign(&in, &cr, &cache, &a, NULL) == ERR_OK);
    CHECK(sigv4_sign(&in, &cr, &cache, &b, NULL) == ERR_OK);
    CHECK(cache.misses == 1 && cache.hits == 1);
    CHECK_STR(a.authorization, b.authorization);
    /* A rotated secret must not reuse the cached key. */
    cr.secret_access_key = "secret2";
    CHECK(sigv4_sign(&in, &cr, &cache, &c, NULL) == ERR_OK);
    CHECK(cache.misses == 2);
    CHECK(strcmp(a.authorization, c.authorization) != 0);
    sigv4_out_cleanup(&a);
    sigv4_out_cleanup(&b);
    sigv4_out_cleanup(&c);
    sigv4_cache_cleanup(&cache);
}

int main(void)
{
    int suite_ran = test_suite(), rc;
    test_own();
    test_cache();
    rc = test_done();
    /* 77: ctest's SKIP_RETURN_CODE for this test (tests/aws/tests.cmake). */
    return rc == 0 && !suite_ran ? 77 : rc;
}

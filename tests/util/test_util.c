/* Unit tests for core/util: err, buf, jsonx, jarena, strutil. */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/jarena.h"
#include "util/jsonx.h"
#include "util/strutil.h"

static void test_err(void)
{
    struct err e;
    CHECK(err_set(&e, ERR_IO, "x %d", 3) == ERR_IO);
    CHECK_STR(e.msg, "x 3");
    err_prefix(&e, "ctx");
    CHECK_STR(e.msg, "ctx: x 3");
    CHECK_STR(err_str(ERR_DENIED), "denied");
    CHECK(err_set(NULL, ERR_USAGE, "ignored") == ERR_USAGE);
}

static void test_buf(void)
{
    struct buf b;
    char *s;
    buf_init(&b, 8);
    CHECK(buf_puts(&b, "abcd") == ERR_OK);
    CHECK(buf_printf(&b, "%d", 123) == ERR_OK);
    CHECK_STR(b.data, "abcd123");
    CHECK(buf_puts(&b, "xy") == ERR_LIMIT); /* cap of 8 */
    CHECK(b.len == 7);
    s = buf_take(&b);
    CHECK_STR(s, "abcd123");
    free(s);
    CHECK(b.data == NULL);
    buf_cleanup(&b);
}

static void test_pointer(void)
{
    struct err e;
    struct buf b;
    const char *doc = "{\"a\":{\"b/c\":[1,{\"d~e\":\"x\"}]},\"\":2}";
    cJSON *j = jsonx_parse(doc, strlen(doc), "doc", &e);
    CHECK(j != NULL);
    CHECK(jsonx_pointer(j, "") == j);
    CHECK_STR(cJSON_GetStringValue(jsonx_pointer(j, "/a/b~1c/1/d~0e")), "x");
    CHECK(jsonx_pointer(j, "/a/b~1c/01") == NULL);
    CHECK(jsonx_pointer(j, "/a/b~1c/7") == NULL);
    CHECK(jsonx_pointer(j, "/a/b~2c") == NULL);
    CHECK(jsonx_pointer(j, "/") != NULL); /* the "" member */
    buf_init(&b, 0);
    jsonx_pointer_append(&b, "tasks");
    jsonx_pointer_append(&b, "arn:x/y~z");
    CHECK_STR(b.data, "/tasks/arn:x~1y~0z");
    buf_cleanup(&b);
    cJSON_Delete(j);
}

static void test_parse_error(void)
{
    struct err e;
    const char *bad = "{\n  \"a\": 1,\n  oops\n}";
    CHECK(jsonx_parse(bad, strlen(bad), "f.json", &e) == NULL);
    CHECK(e.code == ERR_PARSE);
    CHECK(strstr(e.msg, "f.json:3:") == e.msg);
    CHECK(jsonx_parse("", 0, "empty.json", &e) == NULL);
    CHECK(strstr(e.msg, "empty") != NULL);
}

static void test_atomic(void)
{
    struct err e;
    char path[] = "/tmp/edoc-test-XXXXXX";
    int fd = mkstemp(path);
    cJSON *j;
    CHECK(fd >= 0);
    close(fd);
    CHECK(jsonx_write_atomic(path, "{\"k\":true}", &e) == ERR_OK);
    j = jsonx_load_file(path, 0, &e);
    CHECK(j && jsonx_bool(j, "k", 0) == 1);
    cJSON_Delete(j);
    unlink(path);
    CHECK(jsonx_load_file("/nonexistent/x.json", 0, &e) == NULL);
    CHECK(e.code == ERR_IO);
}

static void test_str(void)
{
    CHECK(str_duration("90s") == 90);
    CHECK(str_duration("15m") == 900);
    CHECK(str_duration("3h") == 10800);
    /* A bare number is ambiguous: refused (-2) unless it is 0 (issue #21). */
    CHECK(str_duration("2") == -2);
    CHECK(str_duration("6") == -2);
    CHECK(str_duration("0") == 0);
    CHECK(str_duration("0s") == 0);
    CHECK(str_duration("1w") == 7 * 86400);
    CHECK(str_duration("1.5h") == 5400);
    CHECK(str_duration("0.5m") == 30);
    CHECK(str_duration("1.5.2h") == -1);
    CHECK(str_duration("1e3s") == -1);
    CHECK(str_duration(" 1h") == -1);
    CHECK(str_duration("1hh") == -1);
    CHECK(str_duration("99999999999w") == -1);
    CHECK(str_distance("region", "region") == 0);
    CHECK(str_distance("regoin", "region") == 1); /* a swap is one edit */
    CHECK(str_distance("", "abc") == 3);
    {
        static const char *const opts[] = {"region", "profile", NULL, "output"};
        char buf[8];
        CHECK_STR(str_nearest("regin", opts, 4, STR_TYPO("regin")), "region");
        CHECK(str_nearest("zzzzzzzz", opts, 4, STR_TYPO("zzzzzzzz")) == NULL);
        CHECK_STR(str_nearest("zzzzzzzz", opts, 4, -1), "region");
        CHECK(str_nearest("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", opts, 4, -1) == NULL);
        CHECK_STR(str_printable("a\x1b[31mb\x7f", buf, sizeof buf), "a?[31mb");
    }
    CHECK(str_duration("5x") == -1);
    CHECK(str_duration("") == -1);
    CHECK(str_duration("-1m") == -1);
    CHECK_STR(str_basename("arn:aws:iam::1:role/app/x"), "x");
    CHECK_STR(str_basename("plain"), "plain");
    CHECK(str_icase_find("CannotPullContainerError: x", "cannotpull") != NULL);
    CHECK(str_ends("a.lua", ".lua"));
}

/* jarena: the same tree as a plain parse, errors the same, everything
 * released (ASan's leak check in CI), plain trees still freed normally, and
 * nodes deleted or detached from an arena tree are harmless. */
static void test_jarena(void)
{
    const char *doc = "{\"a\":[1,2.5,\"x\",null,true,{\"k\":\"v\"}],\"s\":\"\\u00e9t\\u00e9\"}";
    struct err e = {0};
    cJSON *plain = cJSON_Parse(doc), *ar, *ar2, *later;
    char *a, *b;
    ar = jarena_parse(doc, strlen(doc), "doc.json", &e);
    CHECK(ar != NULL && jarena_bytes() > 0);
    a = cJSON_PrintUnformatted(plain);
    b = cJSON_PrintUnformatted(ar);
    CHECK_STR(a, b);
    cJSON_free(a);
    cJSON_free(b);
    /* A second live arena, then errors: same message as jsonx_parse, nothing kept. */
    ar2 = jarena_parse("[1,2]", 5, "two.json", &e);
    CHECK(cJSON_GetArraySize(ar2) == 2);
    CHECK(jarena_parse("{\"a\":", 5, "bad.json", &e) == NULL);
    CHECK_STR(e.msg, "bad.json:1:5: invalid JSON near ':'");
    CHECK(jarena_parse("", 0, "empty.json", &e) == NULL);
    CHECK_STR(e.msg, "empty.json: empty document, expected JSON");
    /* Deleting a node of an arena tree frees nothing and breaks nothing. */
    cJSON_DeleteItemFromObject(ar, "s");
    CHECK(cJSON_GetObjectItem(ar, "s") == NULL);
    /* Trees built with malloc while arenas live are freed as usual. */
    later = cJSON_CreateObject();
    cJSON_AddStringToObject(later, "k", "v");
    cJSON_Delete(later);
    jarena_delete(ar);
    jarena_delete(ar2);
    CHECK(jarena_bytes() == 0);
    jarena_delete(plain); /* not an arena tree: cJSON_Delete */
    jarena_delete(NULL);
}

int main(void)
{
    test_err();
    test_buf();
    test_pointer();
    test_parse_error();
    test_atomic();
    test_str();
    test_jarena();
    return test_done();
}

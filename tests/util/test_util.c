/* Unit tests for core/util: err, buf, jsonx, jarena, strutil. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/jarena.h"
#include "util/jsonx.h"
#include "util/strutil.h"
#include "util/textsafe.h"

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
    {
        /* The old predictable temp name (path.tmp.PID) planted as a symlink
         * to a victim file: never followed; the result is 0600 whatever the
         * umask, and no temp file is left behind. */
        char dir[] = "/tmp/edoc-atomic-XXXXXX", out[256], planted[300], victim[256];
        struct stat st;
        mode_t old = umask(022);
        DIR *d;
        struct dirent *de;
        int n = 0;
        CHECK(mkdtemp(dir) != NULL);
        snprintf(out, sizeof out, "%s/bundle.json", dir);
        snprintf(victim, sizeof victim, "%s/victim", dir);
        snprintf(planted, sizeof planted, "%s.tmp.%ld", out, (long)getpid());
        fd = open(victim, O_WRONLY | O_CREAT | O_EXCL, 0644);
        CHECK(fd >= 0 && write(fd, "keep", 4) == 4);
        close(fd);
        CHECK(symlink(victim, planted) == 0);
        CHECK(jsonx_write_atomic(out, "{\"account\":\"123\"}", &e) == ERR_OK);
        CHECK(stat(out, &st) == 0 && (st.st_mode & 0777) == 0600);
        CHECK(lstat(planted, &st) == 0 && S_ISLNK(st.st_mode));
        j = jsonx_load_file(victim, 0, &e);
        CHECK(j == NULL); /* still "keep", not JSON */
        CHECK(stat(victim, &st) == 0 && st.st_size == 4);
        /* An existing bundle (0644) is replaced by a 0600 one. */
        CHECK(chmod(out, 0644) == 0);
        CHECK(jsonx_write_atomic(out, "{}", &e) == ERR_OK);
        CHECK(stat(out, &st) == 0 && (st.st_mode & 0777) == 0600);
        /* A symlink at the target itself is replaced, not written through. */
        unlink(out);
        CHECK(symlink(victim, out) == 0);
        CHECK(jsonx_write_atomic(out, "{}", &e) == ERR_OK);
        CHECK(lstat(out, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600);
        CHECK(stat(victim, &st) == 0 && st.st_size == 4);
        /* A folder that cannot be written: one line naming the path. */
        snprintf(planted, sizeof planted, "%s/missing/bundle.json", dir);
        CHECK(jsonx_write_atomic(planted, "{}", &e) == ERR_IO);
        CHECK(strstr(e.msg, planted) == e.msg && strchr(e.msg, '\n') == NULL);
        d = opendir(dir);
        while (d && (de = readdir(d)))
            n += de->d_name[0] != '.';
        if (d)
            closedir(d);
        CHECK(n == 3); /* bundle.json, victim, the planted link: no temp left */
        snprintf(planted, sizeof planted, "%s.tmp.%ld", out, (long)getpid());
        unlink(planted);
        unlink(out);
        unlink(victim);
        CHECK(rmdir(dir) == 0);
        umask(old);
    }
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

static void check_term(const char *in, size_t n, const char *want)
{
    struct buf b;
    buf_init(&b, 0);
    CHECK(textsafe_term(&b, in, n ? n : strlen(in)) == ERR_OK);
    CHECK_STR(b.data ? b.data : "", want);
    CHECK(textsafe_utf8_valid(b.data ? b.data : "", b.len));
    buf_cleanup(&b);
}

/* textsafe: the one sanitiser for outside text on a terminal and in JSON. */
static void test_textsafe(void)
{
    struct buf b;
    cJSON *j;
    char *s;
    int fds[2];
    FILE *f;
    char got[256];
    size_t n;
    check_term("plain \xc3\xa9t\xc3\xa9 \xe2\x9c\x94", 0, "plain \xc3\xa9t\xc3\xa9 \xe2\x9c\x94");
    check_term("\x1b[31mred\x1b[0m", 0, "\\x1b[31mred\\x1b[0m");
    check_term("\x1b]52;c;ZWNobw==\x07", 0, "\\x1b]52;c;ZWNobw==\\x07");
    check_term("a\nb\tc\rd\x7f", 0, "a\\x0ab\\x09c\\x0dd\\x7f");
    check_term("nul\0end", 7, "nul\\x00end");
    check_term("c1 \xc2\x9b" "2J", 0, "c1 \\x9b" "2J");                            /* U+009B CSI */
    check_term("\xe2\x80\xae" "evil \xe2\x81\xa6" "x", 0, "\\u202eevil \\u2066x"); /* bidi */
    check_term("bad \xff\xfe end", 0, "bad \xef\xbf\xbd\xef\xbf\xbd end");
    check_term("over \xc0\xaf long", 0, "over \xef\xbf\xbd\xef\xbf\xbd long"); /* overlong '/' */
    check_term("sur \xed\xa0\x80", 0, "sur \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* a surrogate */
    check_term("cut \xe2\x9c", 0, "cut \xef\xbf\xbd\xef\xbf\xbd");
    /* JSON: invalid UTF-8 replaced, the rest (controls too) kept for the printer. */
    buf_init(&b, 0);
    CHECK(textsafe_utf8(&b, "ok \x1b \xff \xc3\xa9", 9) == ERR_OK);
    CHECK_STR(b.data, "ok \x1b \xef\xbf\xbd \xc3\xa9");
    buf_cleanup(&b);
    j = cJSON_Parse("{\"a\":[\"x\xff\"],\"k\xfe\":{\"m\":\"\xc3\xa9\\u001b\"}}");
    CHECK(j != NULL);
    CHECK(textsafe_json_tree(j) == 2);
    s = cJSON_PrintUnformatted(j);
    CHECK_STR(s, "{\"a\":[\"x\xef\xbf\xbd\"],\"k\xef\xbf\xbd\":{\"m\":\"\xc3\xa9\\u001b\"}}");
    free(s);
    CHECK(textsafe_json_tree(j) == 0);
    cJSON_Delete(j);
    /* textsafe_line: one line, its trailing newline kept, the rest escaped. */
    CHECK(pipe(fds) == 0);
    f = fdopen(fds[1], "w");
    textsafe_line(f, "ecs-doctor: %s: %s\n", "ecs:DescribeServices", "denied\n\x1b]52;c;eA==\x07");
    fclose(f);
    n = (size_t)read(fds[0], got, sizeof got - 1);
    got[n] = '\0';
    close(fds[0]);
    CHECK_STR(got, "ecs-doctor: ecs:DescribeServices: denied\\x0a\\x1b]52;c;eA==\\x07\n");
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
    test_textsafe();
    return test_done();
}

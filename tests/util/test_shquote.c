/* test_shquote — shell quoting (shlex.quote's rules) and command templates:
 * the refusals, and a round trip through real shells (sh and bash) showing
 * that every hostile value arrives as exactly one intact argument. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "util/shquote.h"

static char *quote(const char *s)
{
    struct buf b;
    buf_init(&b, 0);
    shq_quote(&b, s);
    return buf_take(&b);
}

static void quote_is(const char *s, const char *want)
{
    char *q = quote(s);
    CHECK_STR(q, want);
    free(q);
}

/* Renders tmpl with scalar arguments name=value (NULL-terminated pairs);
 * NULL when refused (the reason in *why when given). */
static char *render(const char *tmpl, const char *const *pairs, char *why, size_t whylen)
{
    struct shq_arg args[SHQ_MAX_ARGS + 2];
    size_t n = 0;
    struct buf b;
    struct err e = {0};
    for (; pairs && pairs[0]; pairs += 2, n++) {
        args[n].name = pairs[0];
        args[n].values = &pairs[1];
        args[n].n = 1;
        args[n].list = 0;
    }
    buf_init(&b, 0);
    if (shq_render(&b, tmpl, args, n, &e) != ERR_OK) {
        if (why)
            snprintf(why, whylen, "%s", e.msg);
        CHECK(e.msg[0] != '\0');
        CHECK(b.len == 0);
        buf_cleanup(&b);
        return NULL;
    }
    return buf_take(&b);
}

static void refused(const char *tmpl, const char *const *pairs, const char *reason_part)
{
    char why[600] = "";
    char *r = render(tmpl, pairs, why, sizeof why);
    CHECK(r == NULL);
    if (r)
        printf("#   accepted: %s -> %s\n", tmpl, r);
    else if (!strstr(why, reason_part))
        printf("#   %s: reason '%s' lacks '%s'\n", tmpl, why, reason_part);
    CHECK(r == NULL && strstr(why, reason_part) != NULL);
    free(r);
}

/* Runs `shell -c cmd` and returns its stdout (up to cap bytes), or -1. */
static long run_shell(const char *shell, const char *cmd, char *out, size_t cap)
{
    int fd[2], st;
    pid_t pid;
    size_t len = 0;
    ssize_t n;
    if (access(shell, X_OK) != 0)
        return -2;
    if (pipe(fd) != 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl(shell, shell, "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    while (len < cap && (n = read(fd[0], out + len, cap - len)) > 0)
        len += (size_t)n;
    close(fd[0]);
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? (long)len : -1;
}

/* `printf '[%s]' {v}` through the shell must print exactly [v]: one
 * argument, nothing expanded, nothing executed. */
static void round_trip(const char *shell, const char *v)
{
    const char *pairs[] = {"v", v, NULL};
    char *cmd = render("printf '[%s]' {v}", pairs, NULL, 0);
    char out[8192], want[8192];
    long n;
    CHECK(cmd != NULL);
    if (!cmd)
        return;
    n = run_shell(shell, cmd, out, sizeof out);
    free(cmd);
    if (n == -2)
        return; /* that shell is not installed */
    snprintf(want, sizeof want, "[%s]", v);
    CHECK(n == (long)strlen(want) && !memcmp(out, want, strlen(want)));
    if (n != (long)strlen(want) || memcmp(out, want, strlen(want)))
        printf("#   %s: value %s did not survive (got %ld bytes)\n", shell, v, n);
}

int main(void)
{
    /* shlex.quote's answers. */
    quote_is("", "''");
    quote_is("prod", "prod");
    quote_is("web-service:7", "web-service:7");
    quote_is("arn:aws:ecs:us-east-1:123456789012:service/prod/web", "arn:aws:ecs:us-east-1:123456789012:service/prod/web");
    quote_is("a b", "'a b'");
    quote_is("x'$(touch pwned)'", "'x'\\''$(touch pwned)'\\'''");
    quote_is("'", "''\\'''");
    quote_is("`id`", "'`id`'");
    quote_is("a;b", "'a;b'");
    quote_is("$HOME", "'$HOME'");
    quote_is("--flag", "--flag");
    quote_is("a\nb", "'a\nb'");
    quote_is("tab\there", "'tab\there'");
    quote_is("\x1b]52;c;aGk=\a", "'\x1b]52;c;aGk=\a'");
    quote_is("~root", "'~root'");
    quote_is("*", "'*'");
    quote_is("caf\xc3\xa9", "'caf\xc3\xa9'");
    quote_is(NULL, "''");

    /* Templates. */
    {
        const char *a[] = {"cluster", "prod", "service", "web service", NULL};
        char *r = render("aws ecs update-service --cluster {cluster} --service {service}", a, NULL, 0);
        CHECK_STR(r, "aws ecs update-service --cluster prod --service 'web service'");
        free(r);
    }
    {
        const char *a[] = {"c", "x'$(touch pwned)'", "file", "/tmp/td.json", NULL};
        char *r = render("aws ecs describe-task-definition --query taskDefinition | jq --arg c {c} "
                         "'.containerDefinitions |= map(select(.name == $c))' > {file}",
                         a, NULL, 0);
        CHECK_STR(r, "aws ecs describe-task-definition --query taskDefinition | jq --arg c 'x'\\''$(touch "
                     "pwned)'\\''' '.containerDefinitions |= map(select(.name == $c))' > /tmp/td.json");
        free(r);
    }
    {
        /* Literal braces: JMESPath in quotes, ${var}, \{ and a non-identifier. */
        const char *a[] = {"c", "prod", NULL};
        char *r = render("aws ecs describe-services --cluster {c} --query 'services[].{id:id}' "
                         "--x \"{a:b}\" ${HOME} \\{c} {1} {a-b}",
                         a, NULL, 0);
        CHECK_STR(r, "aws ecs describe-services --cluster prod --query 'services[].{id:id}' --x \"{a:b}\" "
                     "${HOME} \\{c} {1} {a-b}");
        free(r);
    }
    {
        /* Adjacent to literal text, and a list argument. */
        struct shq_arg args[2];
        const char *subnets[] = {"subnet-1", "subnet 2"}, *vpc[] = {"vpc-1"};
        struct buf b;
        struct err e = {0};
        args[0] = (struct shq_arg){"subnets", subnets, 2, 1};
        args[1] = (struct shq_arg){"vpc", vpc, 1, 0};
        buf_init(&b, 0);
        CHECK(shq_render(&b, "aws ec2 describe-subnets --subnet-ids {subnets} --filters Name=vpc-id,Values={vpc}",
                         args, 2, &e) == ERR_OK);
        CHECK_STR(b.data, "aws ec2 describe-subnets --subnet-ids subnet-1 'subnet 2' --filters Name=vpc-id,Values=vpc-1");
        buf_reset(&b);
        args[0].n = 0;
        CHECK(shq_render(&b, "x {subnets} {vpc}", args, 2, &e) == ERR_OK);
        CHECK_STR(b.data, "x  vpc-1");
        buf_cleanup(&b);
    }
    {
        /* A here-string takes a word; a for loop's body is fine. */
        const char *a[] = {"v", "a b", NULL};
        char *r = render("jq . <<< {v}; for s in a b; do echo $s {v}; done", a, NULL, 0);
        CHECK_STR(r, "jq . <<< 'a b'; for s in a b; do echo $s 'a b'; done");
        free(r);
    }

    /* Refusals. */
    {
        const char *a[] = {"c", "prod", NULL};
        const char *none[] = {NULL};
        refused("aws ecs list-tasks --cluster '{c}'", a, "inside a quoted string");
        refused("aws ecs list-tasks --cluster \"{c}\"", a, "inside a quoted string");
        refused("jq '.[] | select(.name == \"{c}\")'", a, "inside a quoted string");
        refused("echo $'{c}'", a, "inside a quoted string");
        refused("aws ecs list-tasks --cluster {x}", a, "has no argument");
        refused("aws ecs list-tasks --cluster {c} --service {s}", a, "{s} has no argument");
        refused("aws ecs list-tasks", a, "{c} is not used");
        refused("aws ecs list-tasks --query 'x", none, "ends inside a single-quoted string");
        refused("aws ecs list-tasks --query \"x", none, "ends inside a double-quoted string");
        refused("{c} --version", a, "where a command name goes");
        refused("aws ecs list-tasks | {c}", a, "where a command name goes");
        refused("true; {c}", a, "where a command name goes");
        refused("echo $({c})", a, "where a command name goes");
        refused("aws ecs list-tasks # cluster {c}", a, "inside a # comment");
        refused("for x in a; do {c}; done", a, "where a command name goes");
        refused("if true; then {c} x; fi", a, "where a command name goes");
        refused("aws x | xargs {c}", a, "where a command name goes");
        refused("sudo {c}", a, "where a command name goes");
        refused("env  {c} --help", a, "where a command name goes");
        refused("bash -c {c}", a, "follows -c");
        refused("docker run img sh -c {c}", a, "follows -c");
        refused("cat <<EOF\n{c}\nEOF", a, "here-document");
    }
    {
        const char *dup[] = {"c", "a", "c", "b", NULL};
        const char *bad[] = {"1c", "a", NULL};
        refused("x {c}", dup, "given twice");
        refused("x {1c}", bad, "not an identifier");
    }
    CHECK(shq_uses("aws x{region}", "region"));
    CHECK(shq_uses("aws --region {region} --x 'region'", "region"));
    CHECK(!shq_uses("aws --query '{region}'", "region"));
    CHECK(!shq_uses("aws # {region}", "region"));
    CHECK(!shq_uses("aws ecs", "region"));

    /* Round trips through real shells: every hostile value is one intact
     * argument, and nothing runs. */
    {
        static const char *const hostile[] = {
            "x'$(touch pwned)'", "`touch pwned`", "; touch pwned", "a\ntouch pwned\n", "$(touch pwned)",
            "--flag", "-x", "'", "''", "\\", "\\'", "a'b'c", "\"$HOME\"", "${IFS}", "*", "~", "!!", "#x",
            "x\r\ny", "\t", " ", "", "caf\xc3\xa9", "\x1b[31mred\x1b[0m", "{c}", "a&&b||c", "<(x)", ">f",
            "%s%n", "\x7f", "\x01\x02\x03",
        };
        char all[256];
        size_t i;
        for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
            round_trip("/bin/sh", hostile[i]);
            round_trip("/bin/bash", hostile[i]);
        }
        /* Every byte but NUL, in one value. */
        for (i = 1; i < 256; i++)
            all[i - 1] = (char)i;
        all[255] = '\0';
        round_trip("/bin/sh", all);
        round_trip("/bin/bash", all);
        CHECK(access("pwned", F_OK) != 0);
    }
    return test_done();
}

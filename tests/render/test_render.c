/* Unit tests for core/render: the text report's order and content, colour and
 * ASCII fallbacks, width, hostile strings, Markdown and JSON. (JUnit XML and
 * the schema are checked by parsing in render_formats.py; the terminal
 * detection under a pseudo-terminal in render_tty.sh.) */
#include "test.h"

#include <stdlib.h>

#include "render/render.h"
#include "render/rtext.h"
#include "util/buf.h"
#include "util/jsonx.h"

static cJSON *fixture(const char *name)
{
    char path[1024];
    struct err e;
    cJSON *j;
    const char *src = getenv("EDOC_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/render/fixtures/%s", src ? src : ".", name);
    j = jsonx_load_file(path, 0, &e);
    if (!j)
        printf("# cannot load %s: %s\n", path, e.msg);
    return j;
}

static struct render_opts plain(void)
{
    struct render_opts ro = {0};
    ro.width = 100;
    return ro;
}

static char *render(const cJSON *report, const char *format, const struct render_opts *ro)
{
    struct buf b;
    enum err_code rc;
    buf_init(&b, 0);
    if (!strcmp(format, "text"))
        rc = render_text(report, ro, &b);
    else if (!strcmp(format, "markdown"))
        rc = render_markdown(report, ro, &b);
    else if (!strcmp(format, "junit"))
        rc = render_junit(report, ro, &b);
    else
        rc = render_json(report, &b);
    CHECK(rc == ERR_OK);
    return buf_take(&b);
}

/* Position of needle in hay, or -1. */
static long at(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    return p ? (long)(p - hay) : -1;
}

static int all_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

static int max_line_width(const char *s)
{
    int w = 0, best = 0;
    for (; *s; s++) {
        if (*s == '\n') {
            w = 0;
            continue;
        }
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
        if (w > best)
            best = w;
    }
    return best;
}

static void test_text_unhealthy(void)
{
    cJSON *r = fixture("report-unhealthy.json");
    struct render_opts ro = plain();
    char *t;
    if (!r)
        return;
    t = render(r, "text", &ro);
    /* The verdict comes first, in one sentence. */
    CHECK(at(t, "web-service: UNHEALTHY - 0 of 4 tasks running; root cause: Tasks cannot reach ECR") == 0);
    /* Root, then its symptoms nested (indented) under it, then recommendations. */
    CHECK(at(t, "X 1. CRITICAL  Tasks cannot reach ECR") > 0);
    CHECK(at(t, "Symptoms of this (2):") > at(t, "X 1. CRITICAL"));
    CHECK(at(t, "\n      > 2. HIGH  12 tasks stopped") > at(t, "Symptoms of this (2):"));
    CHECK(at(t, "\n      > 3. HIGH  Deployment ecs-svc/9876543210") > at(t, "> 2. HIGH"));
    CHECK(at(t, "\nRecommendations\n") > at(t, "> 3. HIGH"));
    CHECK(at(t, "> 4. LOW  Log group /ecs/web keeps logs forever") > at(t, "\nRecommendations\n"));
    /* Evidence quoted with its pointer; a long value truncated. */
    CHECK(at(t, "/tasks/3/stoppedReason = \"CannotPullContainerError: pull image manifest") > 0);
    {
        /* The long /tasks/3 value is cut before its tail ("... dial tcp
         * 52.94.1.10:443: i/o timeout"), ending in an ellipsis, before the
         * next evidence line; the short /tasks/0 quote, which ends the same
         * way, must not count. */
        long q = at(t, "/tasks/3/stoppedReason = "), next = at(t, "\n      /network/route_tables/rtb-0b2");
        const char *ell = q >= 0 ? strstr(t + q, "...\n") : NULL, *tail = q >= 0 ? strstr(t + q, "i/o") : NULL;
        CHECK(q > 0 && next > q);
        CHECK(ell != NULL && ell - t < next);
        CHECK(tail == NULL || tail - t > next);
        CHECK(at(t, "/tasks/0/stoppedReason = \"CannotPullContainerError: ... dial tcp 52.94.1.10:443: i/o\n"
                    "                timeout\"\n") > next);
    }
    CHECK(at(t, "(only the local route)") > 0);
    CHECK(at(t, "confidence 95% | 12 occurrences | last seen 02:36:40 UTC") > 0);
    CHECK(at(t, "Affected (2): subnet-0a1, rtb-0b2") > 0);
    /* Commands whole on their lines, even past the width; descriptions as comments. */
    CHECK(at(t, "\n      aws ec2 create-route --route-table-id rtb-0b2 --destination-cidr-block 0.0.0.0/0 "
                "--nat-gateway-id nat-0c3 --region us-east-1\n") > 0);
    CHECK(at(t, "\n      # Route the private subnet's default traffic") > 0);
    CHECK(at(t, "\n      aws ec2 create-vpc-endpoint --vpc-id vpc-0d4 --vpc-endpoint-type Interface \\\n"
                "        --service-name com.amazonaws.us-east-1.ecr.dkr") > 0);
    /* Blind spots, failed checks, what changed, timeline: in that order, at the end. */
    CHECK(at(t, "iam.roles (denied): needs iam:GetRole - affects iam.execution_role_policy") > at(t, "> 4. LOW"));
    CHECK(at(t, "To see it, allow the caller: iam:GetRole") > 0);
    CHECK(at(t, "\nChecks that failed\n") > at(t, "Evidence I could not see"));
    CHECK(at(t, "X lb.health_check_path: checks/lb/health_check_path.lua:14:") > 0);
    CHECK(at(t, "1 check could not decide for lack of evidence: iam.execution_role_policy") > 0);
    CHECK(at(t, "\nWhat changed\n") > at(t, "\nChecks that failed\n"));
    CHECK(at(t, "web-service: web:43 (failing, FAILED) vs web:42 (last healthy") > 0);
    CHECK(at(t, "app environment: +FEATURE_X") > 0);
    CHECK(at(t, "\nTimeline (UTC, newest last)\n") > at(t, "\nWhat changed\n"));
    CHECK(at(t, "  02:20:00  deploy  deployment ecs-svc/9876543210 started") > 0);
    CHECK(at(t, "02:35:00  deploy") > at(t, "02:25:00  task"));
    /* The verdict stays short: a long summary is cut to about two lines. */
    {
        cJSON *r2 = cJSON_Duplicate(r, 1);
        char longsum[1200], *t2;
        memset(longsum, 0, sizeof longsum);
        strcpy(longsum, "web-service: UNHEALTHY - root cause:");
        while (strlen(longsum) < 1000)
            strcat(longsum, " word");
        cJSON_ReplaceItemInObject(r2, "summary", cJSON_CreateString(longsum));
        t2 = render(r2, "text", &ro);
        CHECK(at(t2, "...\n  cluster prod") > 0 && at(t2, "...\n  cluster prod") < 2 * 100 + 10);
        free(t2);
        cJSON_Delete(r2);
    }
    /* Not a terminal: no escapes, no Unicode. */
    CHECK(at(t, "(same value at") < 0);
    CHECK(strchr(t, '\x1b') == NULL);
    CHECK(all_ascii(t));
    free(t);

    /* --no-recommendations hides them. */
    ro.no_recommendations = 1;
    t = render(r, "text", &ro);
    CHECK(at(t, "Recommendations") < 0 && at(t, "Log group /ecs/web") < 0);
    CHECK(at(t, "X 1. CRITICAL") > 0);
    free(t);

    /* Colour and Unicode when asked (a terminal). */
    ro = plain();
    ro.color = ro.unicode = 1;
    t = render(r, "text", &ro);
    CHECK(at(t, "\x1b[1;31mweb-service: UNHEALTHY \xe2\x80\x94 0 of 4") == 0);
    CHECK(at(t, "\x1b[1;31m\xe2\x9c\x96\x1b[0m 1. ") > 0);
    CHECK(at(t, "\xe2\x96\xb8") > 0);
    /* ...but never inside a command line. */
    CHECK(at(t, "\n      aws ec2 create-route --route-table-id rtb-0b2 --destination-cidr-block 0.0.0.0/0 "
                "--nat-gateway-id nat-0c3 --region us-east-1\n") > 0);
    free(t);

    /* Narrow: prose wraps within the width; only unbreakable words and commands exceed it. */
    ro = plain();
    ro.width = 60;
    ro.no_recommendations = 1;
    t = render(r, "text", &ro);
    {
        const char *line = t, *nl;
        int over = 0;
        for (; *line; line = nl + 1) {
            int w = 0;
            const char *p;
            nl = strchr(line, '\n');
            if (!nl)
                break;
            for (p = line; p < nl; p++)
                w += ((unsigned char)*p & 0xC0) != 0x80;
            /* Allowed past the width: one unbreakable word, or a line of a fix block. */
            if (w > 60) {
                const char *q = line;
                while (*q == ' ')
                    q++;
                if (memchr(q, ' ', (size_t)(nl - q)) && strncmp(q, "aws ", 4) && strncmp(q, "--", 2) &&
                    strncmp(q, "# docs: ", 8))
                    over++;
            }
        }
        CHECK(over == 0);
    }
    CHECK(max_line_width(t) > 60); /* the create-route command stays on one line */
    free(t);
    cJSON_Delete(r);
}

/* One value seen at many places is quoted once, the other places listed. */
static void test_evidence_dedupe(void)
{
    cJSON *r = fixture("report-unhealthy.json"), *ev, *x;
    struct render_opts ro = plain();
    char *t;
    int i;
    if (!r)
        return;
    ev = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "findings"), 1), "evidence");
    for (i = 1; i <= 12; i++) {
        char ptr[64];
        snprintf(ptr, sizeof ptr, "/tasks/%d/stoppedReason", i);
        x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "pointer", ptr);
        cJSON_AddStringToObject(x, "value", "CannotPullContainerError: ... dial tcp 52.94.1.10:443: i/o timeout");
        cJSON_AddItemToArray(ev, x);
    }
    t = render(r, "text", &ro);
    CHECK(at(t, "/tasks/1/stoppedReason =") < 0);
    CHECK(at(t, "(same value at /tasks/1/stoppedReason, /tasks/2/stoppedReason,") > 0);
    CHECK(at(t, "/tasks/10/stoppedReason and 2 more)") > 0);
    free(t);
    ro.verbose = 1;
    t = render(r, "text", &ro);
    CHECK(at(t, "/tasks/11/stoppedReason,") > 0 && at(t, "/tasks/12/stoppedReason)") > 0 && at(t, "more)") < 0);
    free(t);
    t = render(r, "markdown", &ro);
    CHECK(at(t, "\n  # same value at /tasks/1/stoppedReason, /tasks/2/stoppedReason,") > 0);
    CHECK(at(t, "\n/tasks/1/stoppedReason =") < 0);
    free(t);
    cJSON_Delete(r);
}

static void test_text_healthy_inconclusive(void)
{
    cJSON *h = fixture("report-healthy.json"), *i = fixture("report-inconclusive.json");
    struct render_opts ro = plain();
    char *t;
    if (!h || !i)
        goto out;
    t = render(h, "text", &ro);
    CHECK(at(t, "api: HEALTHY - 3 of 3 tasks running\n") == 0);
    CHECK(at(t, "OK No problems found (3 checks ran).") > 0);
    CHECK(at(t, "Diagnosis") < 0 && at(t, "Evidence I could not see") < 0);
    free(t);
    t = render(i, "text", &ro);
    CHECK(at(t, "worker: INCONCLUSIVE") == 0);
    CHECK(at(t, "some checks could not decide") > 0);
    CHECK(at(t, "To see it, allow the caller: iam:GetRole, ec2:DescribeRouteTables") > 0);
    CHECK(at(t, "Checks that could not decide") > 0);
    free(t);
out:
    cJSON_Delete(h);
    cJSON_Delete(i);
}

/* Text from AWS and applications is hostile: escapes, control characters and
 * broken UTF-8 must not reach the terminal. */
static void test_hostile(void)
{
    cJSON *r = fixture("report-unhealthy.json"), *f, *ev;
    struct render_opts ro = plain();
    char *t;
    struct buf b;
    if (!r)
        return;
    f = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "findings"), 0);
    cJSON_ReplaceItemInObject(f, "title", cJSON_CreateString("evil \x1b]0;pwned\x07title\x1b[2J <b>|x|</b> `code`"));
    ev = cJSON_GetArrayItem(cJSON_GetObjectItem(f, "evidence"), 0);
    cJSON_ReplaceItemInObject(ev, "value", cJSON_CreateString("line1\nline2\r\x1b[31mred \xff\xfe bad utf8"));
    t = render(r, "text", &ro);
    CHECK(strchr(t, '\x1b') == NULL && strchr(t, '\x07') == NULL && strchr(t, '\r') == NULL);
    CHECK(at(t, "evil ]0;pwnedtitle[2J <b>|x|</b> `code`") > 0);
    CHECK(at(t, "\"line1 line2 [31mred ?? bad utf8\"") > 0);
    free(t);
    ro.unicode = 1;
    t = render(r, "text", &ro);
    CHECK(at(t, "red \xef\xbf\xbd\xef\xbf\xbd bad utf8") > 0);
    free(t);
    t = render(r, "markdown", &ro);
    CHECK(strchr(t, '\x1b') == NULL);
    /* A balanced `pair` is a code span (issue #21: no literal backticks). */
    CHECK(at(t, "&lt;b&gt;\\|x\\|&lt;/b&gt; `code`") > 0);
    CHECK(at(t, "<b>") < 0);
    free(t);
    t = render(r, "junit", &ro);
    CHECK(strchr(t, '\x1b') == NULL && strchr(t, '\x07') == NULL);
    CHECK(at(t, "&lt;b&gt;|x|&lt;/b&gt;") > 0);
    free(t);
    cJSON_Delete(r);
    /* rtext primitives */
    buf_init(&b, 0);
    rtext_clean(&b, "a\xe2\x80\x94" "b\xe2\x80\xa6" "c", RTEXT_ASCII, 0);
    CHECK_STR(b.data, "a-b...c");
    buf_reset(&b);
    rtext_clean(&b, "\xc3\x97" "1 \xe2\x89\xa5 2 \xc3\xa9", RTEXT_ASCII, 0); /* x1 >= 2, e-acute kept */
    CHECK_STR(b.data, "x1 >= 2 \xc3\xa9");
    buf_reset(&b);
    rtext_clean(&b, "\xc0\xaf\xed\xa0\x80x", 0, 0); /* overlong '/', a surrogate */
    CHECK_STR(b.data, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx");
    buf_reset(&b);
    rtext_clean(&b, "abcdef", 0, 3);
    CHECK_STR(b.data, "abc\xe2\x80\xa6");
    buf_reset(&b);
    rtext_xml(&b, "a&<>\"'\x01\x7f" "b");
    CHECK_STR(b.data, "a&amp;&lt;&gt;&quot;&apos;b");
    CHECK(rtext_longest_run("a``b```c", '`') == 3);
    CHECK(rtext_width("\xe2\x9c\x96 ok") == 4);
    buf_cleanup(&b);
}

/* Issue 17, item 10: values from AWS neither notify people nor become
 * links in a PR comment, and cannot reorder what the reader sees; the
 * report's own docs links stay links. */
static void test_markdown_neutral(void)
{
    cJSON *r = fixture("report-unhealthy.json"), *f, *res;
    struct render_opts ro = plain();
    char *t;
    if (!r)
        return;
    f = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "findings"), 0);
    cJSON_ReplaceItemInObject(f, "title", cJSON_CreateString(
        "ping @octocat and @acme/oncall: see https://evil.example/x, HTTP://EVIL.example, www.evil.example, "
        "WWW.Evil.example, mail ops@evil.example, \xe2\x80\xae" "txt.exe\xe2\x80\xac \xe2\x81\xa6iso\xe2\x81\xa9 end"));
    ro.unicode = 1;
    t = render(r, "markdown", &ro);
    /* No mention, no autolink pattern left anywhere outside code. */
    CHECK(at(t, "@octocat") < 0 && at(t, "@acme") < 0 && at(t, "@evil.example") < 0);
    CHECK(at(t, "https://evil") < 0 && at(t, "HTTP://EVIL") < 0);
    CHECK(at(t, "www.evil") < 0 && at(t, "WWW.Evil") < 0);
    CHECK(at(t, "@&#8203;octocat and @&#8203;acme/oncall") > 0);
    CHECK(at(t, "https:/&#8203;/evil.example/x") > 0 && at(t, "www&#8203;.evil.example") > 0);
    CHECK(at(t, "ops@&#8203;evil.example") > 0);
    /* Direction overrides and isolates dropped. */
    CHECK(at(t, "\xe2\x80\xae") < 0 && at(t, "\xe2\x80\xac") < 0 && at(t, "\xe2\x81\xa6") < 0 &&
          at(t, "\xe2\x81\xa9") < 0);
    CHECK(at(t, "txt.exe iso end") > 0);
    /* The tool's own docs link is still a link. */
    CHECK(at(t, "Docs: <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>") > 0);
    free(t);
    /* Resource ids are inline code, where no renderer links or mentions. */
    res = cJSON_GetObjectItem(f, "resources");
    CHECK(cJSON_IsArray(res));
    cJSON_AddItemToArray(res, cJSON_CreateString("@octocat-https://evil.example"));
    t = render(r, "markdown", &ro);
    CHECK(at(t, "`@octocat-https://evil.example`") > 0);
    free(t);
    /* Ordinary text is unchanged (no '@', no scheme, "awww." is not "www."). */
    cJSON_ReplaceItemInObject(f, "title", cJSON_CreateString("subnet-0a1 has no route (awww.x, a:b/c)"));
    t = render(r, "markdown", &ro);
    CHECK(at(t, "subnet-0a1 has no route (awww.x, a:b/c)") > 0);
    free(t);
    cJSON_Delete(r);
}

static void test_markdown(void)
{
    cJSON *r = fixture("report-unhealthy.json");
    struct render_opts ro = plain();
    char *t;
    if (!r)
        return;
    t = render(r, "markdown", &ro);
    CHECK(at(t, "## \xf0\x9f\x94\xb4 web-service: UNHEALTHY") == 0);
    CHECK(at(t, "| # | Severity | Finding | Check | Confidence | Count |\n|---:|") > 0);
    CHECK(at(t, "| 1 | **critical** | Tasks cannot reach ECR: subnet-0a1 has no route") > 0);
    CHECK(at(t, "| 2 | **high** | \xe2\x86\xb3 12 tasks stopped") > 0);
    CHECK(at(t, "| 4 | low | recommendation: Log group /ecs/web") > 0);
    CHECK(at(t, "<details><summary>Evidence (3)</summary>") > 0);
    CHECK(at(t, "```sh\n# Route the private subnet's default traffic through the NAT gateway nat-0c3 in the public "
                "subnet\naws ec2 create-route --route-table-id rtb-0b2") > 0);
    CHECK(at(t, "Docs: <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>") > 0);
    CHECK(at(t, "## Evidence I could not see") > 0 && at(t, "`iam:GetRole`") > 0);
    CHECK(at(t, "## What changed") > 0);
    CHECK(at(t, "<details><summary>Timeline (UTC, 3 entries, newest last)</summary>") > 0);
    CHECK(strchr(t, '\x1b') == NULL);
    free(t);
    cJSON_Delete(r);
}

static void test_json_and_dispatch(void)
{
    cJSON *r = fixture("report-unhealthy.json"), *back;
    struct render_opts ro = plain();
    struct err e = {0};
    char *t;
    FILE *f;
    if (!r)
        return;
    t = render(r, "json", &ro);
    back = cJSON_Parse(t);
    CHECK(back && cJSON_Compare(back, r, 1)); /* the report as is */
    CHECK(at(t, "\n\t\"schema\"") > 0);        /* pretty-printed */
    cJSON_Delete(back);
    free(t);
    f = tmpfile();
    CHECK(render_report(r, "yaml", f, &ro, &e) == ERR_USAGE);
    CHECK(strstr(e.msg, "unknown output format 'yaml'") != NULL);
    CHECK(render_report(r, "text", f, &ro, &e) == ERR_OK);
    CHECK(ftell(f) > 1000);
    fclose(f);
    CHECK(render_report(NULL, "text", stdout, &ro, &e) == ERR_SCHEMA);
    cJSON_Delete(r);
}

/* The timeline prints dates only when it spans days; newest last as given. */
static void test_timeline_dates(void)
{
    cJSON *r = fixture("report-unhealthy.json"), *tl, *e;
    struct render_opts ro = plain();
    char *t;
    if (!r)
        return;
    tl = cJSON_GetObjectItem(r, "timeline");
    e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "time", 1795600000); /* 2026-11-25 09:46:40 */
    cJSON_AddStringToObject(e, "kind", "change");
    cJSON_AddStringToObject(e, "text", "UpdateService (ecs) by deploy-bot");
    cJSON_InsertItemInArray(tl, 0, e);
    t = render(r, "text", &ro);
    CHECK(at(t, "  2026-11-25 09:46:40  change  UpdateService (ecs) by deploy-bot\n") > 0);
    CHECK(at(t, "  2026-11-27 02:35:00  deploy") > at(t, "2026-11-25 09:46:40"));
    free(t);
    cJSON_Delete(r);
}

static void test_detect(void)
{
    struct render_opts ro;
    FILE *f = tmpfile();
    setenv("COLUMNS", "132", 1);
    render_opts_detect(&ro, f, 0);
    CHECK(ro.color == 0 && ro.unicode == 0 && ro.width == 132);
    unsetenv("COLUMNS");
    render_opts_detect(&ro, f, 0);
    CHECK(ro.width == 100);
    fclose(f);
}

/* Reports of the wrong shape (a tool's report edited by hand, a future
 * engine): every renderer must still finish without crashing. Deterministic
 * random replacements of nodes of the fixture; run under ASan in CI. */
static unsigned long rng = 12345;
static unsigned long next_rand(void)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return rng >> 33;
}

static void collect_nodes(cJSON *n, cJSON **out, int *count, int max)
{
    cJSON *c;
    if (*count < max)
        out[(*count)++] = n;
    for (c = n->child; c; c = c->next)
        collect_nodes(c, out, count, max);
}

static cJSON *random_value(void)
{
    switch (next_rand() % 7) {
    case 0: return cJSON_CreateNull();
    case 1: return cJSON_CreateNumber(-1e300);
    case 2: return cJSON_CreateString("\x1b[2J\xff<&>\"'`|\n\t" "\xe2\x80");
    case 3: return cJSON_CreateArray();
    case 4: return cJSON_CreateObject();
    case 5: return cJSON_CreateTrue();
    default: {
        cJSON *a = cJSON_CreateArray();
        cJSON_AddItemToArray(a, cJSON_CreateNumber(3));
        cJSON_AddItemToArray(a, cJSON_CreateString(""));
        return a;
    }
    }
}

static void test_wrong_shapes(void)
{
    cJSON *base = fixture("report-unhealthy.json"), *r, *nodes[512];
    struct render_opts ro = plain();
    int round, ok = 1, rounds = getenv("EDOC_SHAPE_ROUNDS") ? atoi(getenv("EDOC_SHAPE_ROUNDS")) : 300;
    if (!base)
        return;
    for (round = 0; round < rounds; round++) {
        int n = 0, k, edits = 1 + (int)(next_rand() % 4);
        r = cJSON_Duplicate(base, 1);
        for (k = 0; k < edits; k++) {
            cJSON *victim, *parent = NULL, *c;
            int i;
            n = 0;
            collect_nodes(r, nodes, &n, 512);
            if (n < 2)
                break;
            victim = nodes[1 + next_rand() % (unsigned long)(n - 1)];
            for (i = 0; i < n && !parent; i++)
                for (c = nodes[i]->child; c; c = c->next)
                    if (c == victim)
                        parent = nodes[i];
            if (parent)
                cJSON_ReplaceItemViaPointer(parent, victim, random_value());
        }
        ro.color = ro.unicode = (int)(round & 1);
        ro.verbose = (int)((round >> 1) & 1);
        {
            struct buf b;
            buf_init(&b, 0);
            ok &= render_text(r, &ro, &b) == ERR_OK;
            buf_reset(&b);
            ok &= render_markdown(r, &ro, &b) == ERR_OK;
            buf_reset(&b);
            ok &= render_junit(r, &ro, &b) == ERR_OK;
            buf_reset(&b);
            ok &= render_json(r, &b) == ERR_OK;
            buf_cleanup(&b);
        }
        cJSON_Delete(r);
    }
    CHECK(ok);
    cJSON_Delete(base);
}

int main(void)
{
    test_text_unhealthy();
    test_text_healthy_inconclusive();
    test_evidence_dedupe();
    test_hostile();
    test_markdown();
    test_markdown_neutral();
    test_json_and_dispatch();
    test_detect();
    test_timeline_dates();
    test_wrong_shapes();
    return test_done();
}

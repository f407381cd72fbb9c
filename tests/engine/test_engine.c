/* test_engine — finding model, ranking, the plugin host against broken
 * plugins, the Lua sandbox against hostile scripts, evidence validation and
 * the expectation matcher. */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/checktest.h"
#include "engine/engine.h"
#include "engine/evidence.h"
#include "engine/rank.h"
#include "test.h"
#include "util/buf.h"
#include "util/jsonx.h"

static char *slurp(FILE *f)
{
    long n;
    char *s;
    fflush(f);
    n = ftell(f);
    s = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
    rewind(f);
    if (n > 0 && fread(s, 1, (size_t)n, f) != (size_t)n)
        s[0] = '\0';
    return s;
}

static cJSON *load_fixture(const char *name)
{
    char path[1024];
    struct err e = {0};
    cJSON *ev;
    snprintf(path, sizeof path, "%s/%s", TEST_FIXTURE_DIR, name);
    ev = evidence_load(path, &e);
    if (!ev)
        printf("# %s\n", e.msg);
    return ev;
}

static const cJSON *find_check(const cJSON *report, const char *id)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "checks"))
        if (!strcmp(jsonx_str(c, "id", ""), id))
            return c;
    return NULL;
}

static const cJSON *find_finding(const cJSON *report, const char *check)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings"))
        if (!strcmp(jsonx_str(f, "check", ""), check))
            return f;
    return NULL;
}

static const char *check_msg(const cJSON *report, const char *id)
{
    return jsonx_str(find_check(report, id), "message", "");
}

/* ---- finding model ------------------------------------------------------ */

static void test_finding(void)
{
    struct finding *f = finding_new("x.y", "lua:x.lua");
    struct err e = {0};
    cJSON *ev = cJSON_Parse("{\"tasks\":[{\"r\":\"hello\",\"n\":137}]}");
    char big[2000];
    CHECK(f != NULL);
    CHECK(finding_validate(f, &e) != ERR_OK); /* no title */
    finding_set(f, "title", "t");
    finding_set(f, "category", "nope");
    finding_set(f, "severity", "high");
    CHECK(finding_validate(f, &e) == ERR_SCHEMA);
    CHECK(strstr(e.msg, "unknown category 'nope'") != NULL);
    finding_set(f, "category", "container_oom");
    CHECK(finding_validate(f, &e) == ERR_OK);
    f->confidence = 1.5;
    CHECK(finding_validate(f, &e) == ERR_SCHEMA);
    f->confidence = 0.5;
    finding_set(f, "kind", "guess");
    CHECK(finding_validate(f, &e) == ERR_SCHEMA);
    finding_set(f, "kind", "recommendation");
    finding_set(f, "category", "best_practice");
    CHECK(finding_validate(f, &e) == ERR_OK);
    finding_add_evidence(f, ev, "/tasks/0/r", NULL);
    finding_add_evidence(f, ev, "/tasks/0/n", "exit");
    finding_add_evidence(f, ev, "/tasks/9", NULL);
    CHECK_STR(jsonx_str(cJSON_GetArrayItem(f->evidence, 0), "value", ""), "hello");
    CHECK(jsonx_num(cJSON_GetArrayItem(f->evidence, 1), "value", 0) == 137);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(f->evidence, 2), "value")));
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    finding_set(f, "title", big);
    CHECK(strlen(f->title) <= FINDING_SHORT_MAX + 3);
    finding_add_resource(f, "r1");
    finding_add_resource(f, "r1");
    CHECK(cJSON_GetArraySize(f->resources) == 1);
    CHECK(finding_category_valid("api_throttled") && !finding_category_valid("api"));
    finding_free(f);
    finding_free(NULL);
    cJSON_Delete(ev);
}

/* ---- ranking ------------------------------------------------------------ */

static struct finding *mk(const char *check, const char *cat, const char *sev, double conf, const char *title,
                          const char *key, const char *explains, long count)
{
    struct finding *f = finding_new(check, "test");
    finding_set(f, "category", cat);
    finding_set(f, "severity", sev);
    finding_set(f, "title", title);
    if (key)
        finding_set(f, "key", key);
    if (explains)
        finding_add_explains(f, explains);
    f->confidence = conf;
    f->count = count;
    return f;
}

static void fill(struct finding_list *l, int reverse)
{
    struct finding *v[7];
    int i;
    v[0] = mk("deploy.circuit_breaker", "deployment_circuit_breaker", "high", 0.9, "Circuit breaker tripped", NULL, NULL, 1);
    v[1] = mk("image.not_found", "image_not_found", "critical", 0.9, "Image not found", "img", "deployment_circuit_breaker", 1);
    v[2] = mk("image.not_found", "image_not_found", "critical", 0.9, "Image not found", "img", "deployment_circuit_breaker", 2);
    v[3] = mk("container.exit", "container_oom", "high", 0.9, "OOM", "oom", "elb.health", 1);
    v[4] = mk("elb.health", "elb_health_check_failed", "medium", 0.8, "Targets unhealthy", NULL, NULL, 4);
    v[5] = mk("tune.x", "best_practice", "low", 0.5, "Recommendation", NULL, "deployment_circuit_breaker", 1);
    v[6] = mk("a.same", "unknown_failure", "medium", 0.5, "Same score B", NULL, NULL, 1);
    finding_set(v[5], "kind", "recommendation");
    for (i = 0; i < 7; i++)
        finding_list_push(l, v[reverse ? 6 - i : i]);
}

static void test_rank(void)
{
    struct finding_list in = {0}, out = {0}, in2 = {0}, out2 = {0};
    size_t i;
    fill(&in, 0);
    CHECK(rank_findings(&in, NULL, &out) == ERR_OK);
    CHECK(in.n == 0);
    CHECK(out.n == 6); /* the two image findings merged */
    CHECK_STR(out.v[0]->check, "image.not_found");
    CHECK(out.v[0]->count == 3);
    CHECK(out.v[0]->caused_by == -1);
    CHECK_STR(out.v[1]->check, "deploy.circuit_breaker");
    CHECK(out.v[1]->caused_by == 0);               /* symptom under its root */
    CHECK_STR(out.v[2]->check, "container.exit");
    CHECK_STR(out.v[3]->check, "elb.health");
    CHECK(out.v[3]->caused_by == 2);               /* by check id */
    CHECK_STR(out.v[4]->check, "a.same");
    CHECK_STR(out.v[5]->check, "tune.x");          /* recommendations last, never roots */
    CHECK(out.v[5]->caused_by == -1);
    CHECK_STR(out.v[0]->id, "image.not_found#1");
    for (i = 0; i < out.n; i++)
        CHECK(out.v[i]->rank == (int)i + 1);
    CHECK(out.v[0]->score > out.v[2]->score);
    /* The same findings in another order rank identically. */
    fill(&in2, 1);
    CHECK(rank_findings(&in2, NULL, &out2) == ERR_OK);
    CHECK(out2.n == out.n);
    for (i = 0; i < out.n && i < out2.n; i++) {
        CHECK_STR(out.v[i]->id, out2.v[i]->id);
        CHECK(out.v[i]->caused_by == out2.v[i]->caused_by);
    }
    finding_list_cleanup(&in);
    finding_list_cleanup(&out);
    finding_list_cleanup(&in2);
    finding_list_cleanup(&out2);
}

/* A doubtful root that explains a strong symptom goes before a stronger
 * finding that explains nothing; a pile of weak symptoms does not. */
static void test_rank_weight(void)
{
    struct finding_list in = {0}, out = {0};
    finding_list_push(&in, mk("elb.health", "elb_health_check_failed", "high", 0.75, "ELB", NULL, NULL, 1));
    finding_list_push(&in, mk("net.x", "network_no_route", "high", 0.45, "Net", NULL, "deployment_circuit_breaker", 1));
    finding_list_push(&in, mk("deploy.cb", "deployment_circuit_breaker", "medium", 0.9, "CB", NULL, NULL, 8));
    CHECK(rank_findings(&in, NULL, &out) == ERR_OK);
    CHECK(out.n == 3);
    CHECK_STR(out.v[0]->check, "net.x");
    CHECK_STR(out.v[1]->check, "deploy.cb");
    CHECK(out.v[1]->caused_by == 0);
    CHECK_STR(out.v[2]->check, "elb.health");
    CHECK(out.v[0]->score < out.v[2]->score); /* scores are the findings' own */
    finding_list_cleanup(&in);
    finding_list_cleanup(&out);
    /* Weak symptoms, however many, do not lift a weak root past a strong one. */
    finding_list_push(&in, mk("elb.health", "elb_health_check_failed", "critical", 0.9, "ELB", NULL, NULL, 1));
    finding_list_push(&in, mk("net.x", "network_no_route", "high", 0.45, "Net", NULL, "unknown_failure", 1));
    for (int k = 0; k < 6; k++) {
        char key[8];
        snprintf(key, sizeof key, "k%d", k);
        finding_list_push(&in, mk("u.x", "unknown_failure", "low", 0.3, "U", key, NULL, 1));
    }
    CHECK(rank_findings(&in, NULL, &out) == ERR_OK);
    CHECK_STR(out.v[0]->check, "elb.health");
    CHECK_STR(out.v[1]->check, "net.x");
    finding_list_cleanup(&in);
    finding_list_cleanup(&out);
}

static void test_rank_cycles(void)
{
    struct finding_list in = {0}, out = {0};
    size_t i;
    /* A explains B and B explains A; C explains itself: no cycle, no self-link. */
    finding_list_push(&in, mk("a", "container_crash", "high", 0.9, "A", NULL, "b", 1));
    finding_list_push(&in, mk("b", "container_oom", "high", 0.8, "B", NULL, "a", 1));
    finding_list_push(&in, mk("c", "disk_full", "high", 0.7, "C", NULL, "c", 1));
    CHECK(rank_findings(&in, NULL, &out) == ERR_OK);
    CHECK(out.n == 3);
    CHECK_STR(out.v[0]->check, "a");
    CHECK(out.v[0]->caused_by == -1);
    CHECK_STR(out.v[1]->check, "b");
    CHECK(out.v[1]->caused_by == 0);
    CHECK(out.v[2]->caused_by == -1);
    for (i = 0; i < out.n; i++)
        CHECK(out.v[i]->caused_by != (long)i);
    finding_list_cleanup(&in);
    finding_list_cleanup(&out);
}

/* ---- plugins ------------------------------------------------------------ */

static void test_plugins(void)
{
    const char *dirs[1] = {TEST_PLUGIN_DIR};
    struct engine_opts o = {0};
    struct engine *eng;
    FILE *diag = tmpfile();
    cJSON *ev = load_fixture("pull_and_oom.json"), *report;
    char *msgs;
    const cJSON *f;
    o.plugin_dirs = dirs;
    o.n_plugin_dirs = 1;
    o.no_default_dirs = 1;
    o.diag = diag;
    eng = engine_new(&o);
    msgs = slurp(diag);
    CHECK(strstr(msgs, "abi_mismatch.so: refused: built for plugin ABI version 99, this ecs-doctor speaks version 1") != NULL);
    CHECK(strstr(msgs, "no_symbol.so: refused: no 'edoc_plugin_v1' symbol") != NULL);
    CHECK(strstr(msgs, "small_descriptor.so: refused: descriptor size 8 is smaller than the minimum") != NULL);
    CHECK(strstr(msgs, "refused: duplicate check id 'test.plugin_good'") != NULL);
    CHECK(strstr(msgs, "bad_descriptor.so: refused: check 'test.bad_descriptor' declares an unknown category 'nope'") != NULL);
    CHECK(eng->n_refused == 5);
    CHECK(eng->n_checks == 4); /* bad_category x2, good, zz_duplicate's unique one */
    report = engine_analyze(eng, ev, NULL);
    CHECK(report != NULL);
    f = find_finding(report, "test.plugin_good");
    CHECK(f != NULL);
    CHECK(jsonx_num(f, "count", 0) == 5); /* one per task, merged by key */
    CHECK_STR(jsonx_str(cJSON_GetArrayItem(cJSON_GetObjectItem(f, "evidence"), 0), "note", ""), "quoted by the host");
    CHECK_STR(jsonx_str(find_check(report, "test.plugin_bad_category"), "status", ""), "error");
    CHECK(strstr(check_msg(report, "test.plugin_bad_category"), "unknown category 'made_up_category'") != NULL);
    CHECK(find_finding(report, "test.plugin_bad_category") == NULL);
    CHECK_STR(jsonx_str(find_check(report, "test.plugin_fails"), "status", ""), "error");
    CHECK(strstr(check_msg(report, "test.plugin_fails"), "run() returned 3") != NULL);
    CHECK_STR(jsonx_str(find_check(report, "test.plugin_unique"), "status", ""), "ok");
    cJSON_Delete(report);
    engine_free(eng);
    free(msgs);
    fclose(diag);
    evidence_free(ev);
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
    struct buf b;
    struct err e;
    FILE *f;
    int rc = -1;
    buf_init(&b, 0);
    if (buf_read_file(&b, from, &e) == ERR_OK && (f = fopen(to, "wb"))) {
        rc = fwrite(b.data, 1, b.len, f) == b.len ? 0 : -1;
        fclose(f);
        chmod(to, mode);
    }
    buf_cleanup(&b);
    return rc;
}

static void test_plugin_permissions(void)
{
    char tmpl[] = "/tmp/edoc-test-XXXXXX", so[300];
    char *dir = mkdtemp(tmpl);
    const char *dirs[1];
    struct engine_opts o = {0};
    struct engine *eng;
    FILE *diag;
    char *msgs;
    CHECK(dir != NULL);
    if (!dir)
        return;
    snprintf(so, sizeof so, "%s/good.so", dir);
    CHECK(copy_file(TEST_PLUGIN_DIR "/good.so", so, 0757) == 0);
    chmod(so, 0757); /* world-writable */
    dirs[0] = dir;
    o.plugin_dirs = dirs;
    o.n_plugin_dirs = 1;
    o.no_default_dirs = 1;
    o.diag = diag = tmpfile();
    eng = engine_new(&o);
    msgs = slurp(diag);
    CHECK(strstr(msgs, "good.so: refused: the file is writable by group or others") != NULL);
    CHECK(eng->n_checks == 0);
    engine_free(eng);
    free(msgs);
    fclose(diag);
    /* A safe file in a world-writable folder is refused too. */
    chmod(so, 0755);
    chmod(dir, 0777);
    o.diag = diag = tmpfile();
    eng = engine_new(&o);
    msgs = slurp(diag);
    CHECK(strstr(msgs, "refused: its folder is writable by group or others") != NULL);
    CHECK(eng->n_checks == 0);
    engine_free(eng);
    free(msgs);
    fclose(diag);
    /* Group-writable: refused unless the group is the owner's private one. */
    chmod(dir, 0755);
    chmod(so, 0775);
    o.diag = diag = tmpfile();
    eng = engine_new(&o);
    {
        struct passwd *pw = getpwuid(geteuid());
        struct group *gr = getgrgid(getegid());
        int upg = pw && gr && pw->pw_gid == getegid() && !strcmp(pw->pw_name, gr->gr_name) &&
                  (!gr->gr_mem || !gr->gr_mem[0]);
        msgs = slurp(diag);
        CHECK(eng->n_checks == (upg ? 1u : 0u));
        CHECK((strstr(msgs, "writable by group or others") == NULL) == upg);
        free(msgs);
    }
    engine_free(eng);
    fclose(diag);
    chmod(so, 0755);
    o.diag = diag = tmpfile();
    eng = engine_new(&o);
    CHECK(eng->n_checks == 1);
    engine_free(eng);
    fclose(diag);
    /* A symlink in the safe folder to a safe file in a world-writable folder:
     * whoever can write there can swap the code; refused. */
    {
        char tmpl2[] = "/tmp/edoc-test-XXXXXX", real[300];
        char *wdir = mkdtemp(tmpl2);
        CHECK(wdir != NULL);
        if (wdir) {
            snprintf(real, sizeof real, "%s/good.so", wdir);
            CHECK(rename(so, real) == 0);
            chmod(wdir, 0777);
            CHECK(symlink(real, so) == 0);
            o.diag = diag = tmpfile();
            eng = engine_new(&o);
            msgs = slurp(diag);
            CHECK(strstr(msgs, "refused: the folder its symlink leads to is writable by group or others") != NULL);
            CHECK(eng->n_checks == 0);
            engine_free(eng);
            free(msgs);
            fclose(diag);
            unlink(so);
            unlink(real);
            rmdir(wdir);
        }
    }
    unlink(so);
    rmdir(dir);
}

/* ---- Lua sandbox -------------------------------------------------------- */

static void test_lua(void)
{
    const char *dirs[1] = {TEST_LUA_DIR};
    struct engine_opts o = {0};
    struct engine *eng;
    FILE *diag = tmpfile();
    cJSON *ev = load_fixture("pull_and_oom.json"), *report;
    const cJSON *f;
    char *msgs;
    time_t t0 = time(NULL);
    o.check_dirs = dirs;
    o.n_check_dirs = 1;
    o.no_default_dirs = 1;
    o.diag = diag;
    o.lua_budget = 20000000L;
    o.lua_mem_max = 16u << 20;
    eng = engine_new(&o);
    CHECK(eng->n_refused == 0);
    CHECK(eng->n_checks == 15);
    report = engine_analyze(eng, ev, NULL);
    msgs = slurp(diag);
    CHECK(time(NULL) - t0 < 60);
    /* The good check still reports, with its line-free findings merged. */
    f = find_finding(report, "test.lua_good");
    CHECK(f != NULL);
    CHECK_STR(jsonx_str(find_check(report, "test.lua_good"), "status", ""), "incomplete");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(find_check(report, "test.lua_good"), "missing"), 0)),
              "iam.roles");
    CHECK(jsonx_num(f, "count", 0) == 2);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(f, "resources")) == 3);
    {
        /* iam.roles is denied in the fixture: the gap names the action and the check it affects. */
        const cJSON *g, *gap = NULL;
        cJSON_ArrayForEach(g, cJSON_GetObjectItem(report, "evidence_gaps"))
            if (!strcmp(jsonx_str(g, "source", ""), "iam.roles"))
                gap = g;
        CHECK(gap != NULL);
        CHECK_STR(jsonx_str(gap, "action", ""), "iam:GetRole");
        CHECK_STR(jsonx_str(gap, "status", ""), "denied");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(gap, "affects"), 0)), "test.lua_good");
    }
    CHECK_STR(jsonx_str(f, "title", ""), "good lua check saw 5 tasks");
    CHECK_STR(jsonx_str(f, "source", ""), "lua:" TEST_LUA_DIR "/good.lua");
    CHECK(strstr(check_msg(report, "test.lua_errors"), "/lua/errors.lua:4: attempt to index a nil value") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_loop"), "loop.lua:4: instruction budget exceeded") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_alloc"), "memory limit of 16 MiB exceeded") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_io"), "io_open.lua:2: attempt to index a nil value (global 'io')") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_os_execute"), "os_execute.lua:2: attempt to call a nil value (field 'execute')") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_require"), "require.lua:2: attempt to call a nil value (global 'require')") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_dump"), "dump.lua:2: attempt to call a nil value (field 'dump')") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_binary_chunk"), "attempt to load a binary chunk") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_modify"), "modify.lua:2: attempt to modify read-only evidence") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_rawset"), "rawset.lua:6: attempt to modify read-only evidence") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_errobj"), "errobj.lua:2: (error object is a table value)") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_bad_category"), "bad_category.lua:2: edoc.finding:") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_bad_category"), "unknown category 'not_a_category'") != NULL);
    CHECK(strstr(check_msg(report, "test.lua_string_mt"), "string_mt.lua:2:") != NULL);
    CHECK(access("/tmp/edoc-pwned", F_OK) != 0);
    CHECK(strstr(check_msg(report, "test.lua_gc_loop"), "gc_loop.lua:7: __gc metamethods are not available to checks") != NULL);
    CHECK(strstr(msgs, "check test.lua_loop failed") != NULL);
    /* The evidence itself is untouched. */
    CHECK_STR(jsonx_str(cJSON_GetArrayItem(cJSON_GetObjectItem(ev, "tasks"), 0), "lastStatus", ""), "STOPPED");
    /* A second run over the same engine (as `checks test` does) works. */
    cJSON_Delete(report);
    report = engine_analyze(eng, ev, NULL);
    CHECK(find_finding(report, "test.lua_good") != NULL);
    cJSON_Delete(report);
    engine_free(eng);
    free(msgs);
    fclose(diag);
    evidence_free(ev);
}

/* The title of test.tasks_matching's finding that starts with prefix. */
static const char *title_of(const cJSON *report, const char *prefix)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings"))
        if (!strcmp(jsonx_str(f, "check", ""), "test.tasks_matching") &&
            !strncmp(jsonx_str(f, "title", ""), prefix, strlen(prefix)))
            return jsonx_str(f, "title", "");
    return "(none)";
}

/* edoc.tasks_matching from a check: the tasks it yields equal a plain loop
 * over ev.tasks (the check compares them and says so in its titles). */
static void test_tasks_matching(void)
{
    const char *dirs[1] = {TEST_LUA_TASKS_DIR};
    struct engine_opts o = {0};
    struct engine *eng;
    FILE *diag = tmpfile();
    struct err e = {0};
    /* Off-schema on purpose (odd task shapes): kept in tests/engine/odd, out
     * of the e2e test that holds every fixture to the evidence schema. */
    cJSON *ev = jsonx_load_file(TEST_ODD_DIR "/task_texts.json", 1 << 20, &e), *report;
    int run;
    CHECK(ev != NULL);
    o.check_dirs = dirs;
    o.n_check_dirs = 1;
    o.no_default_dirs = 1;
    o.diag = diag;
    eng = engine_new(&o);
    CHECK(eng && eng->n_checks == 1);
    for (run = 0; run < 2; run++) { /* the second run rebuilds nothing stale */
        report = engine_analyze(eng, ev, NULL);
        CHECK_STR(jsonx_str(find_check(report, "test.tasks_matching"), "status", ""), "ok");
        CHECK_STR(title_of(report, "pull:"), "pull: 1,6");
        CHECK_STR(title_of(report, "timeout-reason:"), "timeout-reason: 1,6");
        CHECK_STR(title_of(report, "timeout-containers:"), "timeout-containers: 1");
        CHECK_STR(title_of(report, "oom:"), "oom: 2");
        CHECK_STR(title_of(report, "spot-code:"), "spot-code: 3");
        CHECK_STR(title_of(report, "spot-both:"), "spot-both: 3");
        CHECK_STR(title_of(report, "none:"), "none: ");
        CHECK_STR(title_of(report, "function:"), "function: 2,7 once=true calls=4");
        CHECK_STR(title_of(report, "error: false edoc.tasks_matching: expected"),
                  "error: false edoc.tasks_matching: expected a pattern, a list of patterns or a function, got number");
        CHECK(strstr(title_of(report, "error: false edoc.tasks_matching: unknown scope '"),
                     "unknown scope 'nosuchfield' (stoppedReason, stopCode, group, taskDefinitionArn, lastStatus or containers)") != NULL);
        CHECK_STR(title_of(report, "values:"), "values: service:web,service:api | td:1,td:2");
        CHECK_STR(title_of(report, "running:"), "running: 5");
        CHECK_STR(title_of(report, "with:"), "with: 1,2 none=0 td=1,6");
        CHECK_STR(title_of(report, "messages:"), "messages: /tasks/0/containers/0/reason+c,/tasks/5/stoppedReason,"
                                                 "/services/0/events/0/message+s");
        CHECK_STR(title_of(report, "messages-essential:"),
                  "messages-essential: /tasks/1/stoppedReason,/tasks/1/containers/0/reason+c,/tasks/6/stoppedReason,"
                  "/tasks/6/containers/0/reason+c,/services/0/events/0/message+s");
        CHECK_STR(title_of(report, "messages-stopped:"),
                  "messages-stopped: /tasks/1/stoppedReason,/tasks/6/stoppedReason,/services/0/events/0/message+s");
        CHECK_STR(title_of(report, "messages-containers:"),
                  "messages-containers: /tasks/6/containers/0/reason+c,/services/0/events/0/message+s");
        CHECK(strstr(title_of(report, "with-error:"), "edoc.tasks_with: 'containers' is not a task field") != NULL);
        CHECK(strstr(title_of(report, "values-error:"), "'containers' is not a task field") != NULL);
        CHECK(strstr(title_of(report, "error: false edoc.tasks_matching: unknown scope number"), "number") != NULL);
        CHECK_STR(title_of(report, "error: false edoc.tasks_matching: pattern"),
                  "error: false edoc.tasks_matching: pattern 1 is a number (strings only)");
        CHECK_STR(title_of(report, "raise:"), "raise: false boom");
        cJSON_Delete(report);
    }
    engine_free(eng);
    fclose(diag);
    cJSON_Delete(ev);
}

static void test_lua_load_errors(void)
{
    char tmpl[] = "/tmp/edoc-lua-XXXXXX", p[300];
    char *dir = mkdtemp(tmpl);
    const char *dirs[1];
    struct engine_opts o = {0};
    struct engine *eng;
    FILE *diag, *f;
    char *msgs;
    static const char *const scripts[][2] = {
        {"a_syntax.lua", "return {\n  id = \n"},
        {"b_notable.lua", "return 42\n"},
        {"c_noid.lua", "return { category = 'disk_full', run = function() end }\n"},
        {"d_badcat.lua", "return { id = 'x.y', category = 'nope', run = function() end }\n"},
        {"e_loop.lua", "while true do end\n"},
        {"f_ok.lua", "return { id = 'x.ok', category = 'disk_full', run = function() end }\n"},
        {"g_dup.lua", "return { id = 'x.ok', category = 'disk_full', run = function() end }\n"},
        {"h_needs.lua", "return { id = 'x.needs', category = 'disk_full', needs = {'ecs.task'}, run = function() end }\n"},
    };
    size_t i;
    if (!dir)
        return;
    for (i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, scripts[i][0]);
        f = fopen(p, "w");
        fputs(scripts[i][1], f);
        fclose(f);
    }
    dirs[0] = dir;
    o.check_dirs = dirs;
    o.n_check_dirs = 1;
    o.no_default_dirs = 1;
    o.lua_budget = 1000000L;
    o.diag = diag = tmpfile();
    eng = engine_new(&o);
    msgs = slurp(diag);
    CHECK(strstr(msgs, "a_syntax.lua:3: unexpected symbol near <eof>") != NULL);
    CHECK(strstr(msgs, "b_notable.lua: the script must return a check table (got number)") != NULL);
    CHECK(strstr(msgs, "c_noid.lua: the check table needs an 'id'") != NULL);
    CHECK(strstr(msgs, "d_badcat.lua: check 'x.y': unknown category 'nope'") != NULL);
    CHECK(strstr(msgs, "e_loop.lua:1: instruction budget exceeded") != NULL);
    CHECK(strstr(msgs, "g_dup.lua: refused: duplicate check id 'x.ok'") != NULL);
    CHECK(strstr(msgs, "h_needs.lua: refused: check 'x.needs' needs unknown evidence source 'ecs.task'") != NULL);
    CHECK(eng->n_checks == 1);
    engine_free(eng);
    free(msgs);
    fclose(diag);
    for (i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, scripts[i][0]);
        unlink(p);
    }
    rmdir(dir);
}

/* ---- selection, evidence, expectations ------------------------------------ */

static void test_select(void)
{
    const char *dirs[1] = {TEST_LUA_DIR};
    const char *only[1] = {"test.lua_goo*"}, *skip[1] = {"test.lua_good"}, *none[1] = {"nope.*"};
    struct engine_opts o = {0};
    struct engine *eng;
    struct err e = {0};
    size_t i, n = 0;
    o.check_dirs = dirs;
    o.n_check_dirs = 1;
    o.no_default_dirs = 1;
    o.diag = tmpfile();
    eng = engine_new(&o);
    CHECK(engine_select(eng, only, 1, NULL, 0, &e) == ERR_OK);
    for (i = 0; i < eng->n_checks; i++)
        n += eng->checks[i]->selected;
    CHECK(n == 1);
    CHECK(engine_select(eng, only, 1, skip, 1, &e) == ERR_OK);
    for (i = 0, n = 0; i < eng->n_checks; i++)
        n += eng->checks[i]->selected;
    CHECK(n == 0);
    CHECK(engine_select(eng, none, 1, NULL, 0, &e) == ERR_USAGE);
    CHECK(strstr(e.msg, "--only nope.*: no check matches") != NULL);
    fclose(o.diag);
    engine_free(eng);
}

static void test_evidence(void)
{
    struct err e = {0};
    cJSON *d = cJSON_Parse("{\"target\":{},\"sources\":{}}");
    CHECK(evidence_validate(d, "f.json", &e) == ERR_SCHEMA);
    CHECK_STR(e.msg, "f.json: not an ecs-doctor evidence bundle (no \"schema\" field)");
    cJSON_AddStringToObject(d, "schema", "ecs-doctor/evidence/v9");
    CHECK(evidence_validate(d, "f.json", &e) == ERR_SCHEMA);
    CHECK_STR(e.msg, "f.json: unsupported schema 'ecs-doctor/evidence/v9' (this ecs-doctor reads ecs-doctor/evidence/v1)");
    cJSON_ReplaceItemInObject(d, "schema", cJSON_CreateString(EVIDENCE_SCHEMA));
    CHECK(evidence_validate(d, "f.json", &e) == ERR_OK);
    cJSON_AddStringToObject(d, "tasks", "oops");
    CHECK(evidence_validate(d, "f.json", &e) == ERR_SCHEMA);
    CHECK_STR(e.msg, "f.json: \"tasks\" must be an array");
    cJSON_Delete(d);
    CHECK(evidence_load("/nonexistent/x.json", &e) == NULL);
    CHECK(strstr(e.msg, "/nonexistent/x.json: No such file") != NULL);
}

static void test_expect(void)
{
    cJSON *report = cJSON_Parse(
        "{\"verdict\":\"unhealthy\",\"findings\":["
        "{\"rank\":1,\"id\":\"a#1\",\"check\":\"a\",\"category\":\"image_not_found\",\"severity\":\"critical\",\"count\":3,\"caused_by\":null},"
        "{\"rank\":2,\"id\":\"b#1\",\"check\":\"b\",\"category\":\"deployment_stuck\",\"severity\":\"high\",\"count\":1,\"caused_by\":\"a#1\"}]}");
    cJSON *ok = cJSON_Parse("{\"verdict\":\"unhealthy\",\"findings\":[{\"check\":\"a\",\"min_count\":3,\"rank\":1},"
                            "{\"category\":\"deployment_stuck\",\"caused_by\":\"image_not_found\"}],\"absent\":[\"c\"]}");
    cJSON *bad = cJSON_Parse("{\"verdict\":\"healthy\",\"findings\":[{\"check\":\"a\",\"min_count\":4},"
                             "{\"check\":\"b\",\"max_rank\":1},{\"check\":\"b\",\"caused_by\":\"zzz\"}],\"absent\":[\"a\"]}");
    char why[2048];
    CHECK(checktest_compare(report, ok, why, sizeof why) == 0);
    CHECK(checktest_compare(report, bad, why, sizeof why) == 5);
    CHECK(strstr(why, "found a count of 3") != NULL);
    CHECK(strstr(why, "its best rank is 2") != NULL);
    CHECK(strstr(why, "not linked under zzz") != NULL);
    CHECK(strstr(why, "expected no finding of a") != NULL);
    CHECK(strstr(why, "expected verdict healthy, got unhealthy") != NULL);
    cJSON_Delete(report);
    cJSON_Delete(ok);
    cJSON_Delete(bad);
}

int main(void)
{
    test_finding();
    test_rank();
    test_rank_weight();
    test_rank_cycles();
    test_plugins();
    test_plugin_permissions();
    test_lua();
    test_tasks_matching();
    test_lua_load_errors();
    test_select();
    test_evidence();
    test_expect();
    return test_done();
}

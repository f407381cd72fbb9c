/* cmd_checks — `ecs-doctor checks list | test DIR | new NAME [DIR]`: the tools
 * of a check author. `test` loads DIR's checks (Lua and .so) in addition to
 * the default ones and runs them against DIR's fixtures. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "engine/checktest.h"
#include "engine/engine.h"
#include "engine/finding.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/textsafe.h"

static struct engine *engine_for(struct cli_opts *o, const char *extra_dir)
{
    struct engine_opts eo;
    const char *pdirs[CLI_MAX_LIST + 1], *cdirs[CLI_MAX_LIST + 1];
    size_t np = 0, nc = 0, i;
    /* DIR first: its checks win over an installed copy of the same id. */
    if (extra_dir) {
        pdirs[np++] = extra_dir;
        cdirs[nc++] = extra_dir;
    }
    for (i = 0; i < o->n_plugin_dirs; i++)
        pdirs[np++] = o->plugin_dirs[i];
    for (i = 0; i < o->n_check_dirs; i++)
        cdirs[nc++] = o->check_dirs[i];
    memset(&eo, 0, sizeof eo);
    eo.plugin_dirs = pdirs;
    eo.n_plugin_dirs = np;
    eo.check_dirs = cdirs;
    eo.n_check_dirs = nc;
    eo.debug = o->debug;
    eo.no_plugins = o->no_plugins;
    eo.plugin_timeout_s = cli_plugin_timeout(o);
    return engine_new(&eo);
}

/* The severities a check reports: the declared one, and for a Lua check
 * every severity literal on its lines that set one (`severity = "low"`,
 * `severity = f.resolved and "low" or "medium"`), as "low..medium". A C
 * plugin's are known only from its descriptor. */
static void severity_range(const struct check *c, char *out, size_t len)
{
    static const char *const names[] = {"info", "low", "medium", "high", "critical"};
    int lo = finding_severity_level(c->severity), hi = lo, lvl;
    struct buf b;
    struct err e = {0};
    size_t k;
    buf_init(&b, (size_t)1024 * 1024);
    if (c->lang == CHECK_LUA && buf_read_file(&b, c->path, &e) == ERR_OK) {
        char *line = b.data, *nl;
        for (; line && *line; line = nl ? nl + 1 : NULL) {
            nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            if (!strstr(line, "severity"))
                continue;
            for (k = 0; k < sizeof names / sizeof names[0]; k++) {
                char q[16];
                snprintf(q, sizeof q, "\"%s\"", names[k]);
                if (strstr(strstr(line, "severity"), q)) {
                    lvl = (int)k + 1;
                    lo = lo == 0 || lvl < lo ? lvl : lo;
                    hi = lvl > hi ? lvl : hi;
                }
            }
        }
    }
    buf_cleanup(&b);
    if (lo == 0 || hi == 0)
        snprintf(out, len, "%s", c->severity);
    else if (lo == hi)
        snprintf(out, len, "%s", names[lo - 1]);
    else
        snprintf(out, len, "%s..%s", names[lo - 1], names[hi - 1]);
}

static void needs_text(const struct check *c, char *out, size_t len)
{
    const cJSON *n;
    size_t used = 0;
    out[0] = '\0';
    cJSON_ArrayForEach(n, c->needs) {
        if (!cJSON_IsString(n))
            continue;
        used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s", used ? "," : "", n->valuestring);
        if (used >= len)
            break;
    }
    if (!out[0])
        snprintf(out, len, "-");
}

static int list(struct cli_opts *o)
{
    struct engine *eng = engine_for(o, NULL);
    struct err e = {0};
    size_t i;
    int rc = 0, w_id = 2, w_sev = 8, w_cat = 8, w_needs = 5;
    char sev[32], needs[512];
    if (!eng)
        return EXIT_USAGE;
    if (engine_select(eng, o->only, o->n_only, o->skip, o->n_skip, &e) != ERR_OK) {
        textsafe_line(stderr, "ecs-doctor: %s\n", e.msg);
        engine_free(eng);
        return EXIT_USAGE;
    }
    if (!strcmp(o->output, "json")) {
        cJSON *arr = cJSON_CreateArray();
        char *txt;
        for (i = 0; i < eng->n_checks; i++) {
            const struct check *c = eng->checks[i];
            cJSON *j;
            if (!c->selected)
                continue;
            j = cJSON_CreateObject();
            severity_range(c, sev, sizeof sev);
            cJSON_AddStringToObject(j, "id", c->id);
            cJSON_AddStringToObject(j, "language", c->lang == CHECK_LUA ? "lua" : "c");
            cJSON_AddStringToObject(j, "source", c->source);
            cJSON_AddStringToObject(j, "path", c->path);
            cJSON_AddStringToObject(j, "category", c->category);
            cJSON_AddStringToObject(j, "severity", c->severity);
            cJSON_AddStringToObject(j, "reports", sev);
            cJSON_AddStringToObject(j, "summary", c->summary);
            cJSON_AddItemToObject(j, "needs", cJSON_Duplicate(c->needs, 1));
            cJSON_AddItemToObject(j, "uses", c->uses ? cJSON_Duplicate(c->uses, 1) : cJSON_CreateArray());
            cJSON_AddItemToArray(arr, j);
        }
        txt = cJSON_Print(arr);
        if (txt)
            printf("%s\n", txt);
        cJSON_free(txt);
        cJSON_Delete(arr);
    } else {
        size_t shown = 0;
        /* Columns as wide as their longest entry, so they line up. */
        for (i = 0; i < eng->n_checks; i++) {
            const struct check *c = eng->checks[i];
            if (!c->selected)
                continue;
            severity_range(c, sev, sizeof sev);
            needs_text(c, needs, sizeof needs);
            w_id = (int)strlen(c->id) > w_id ? (int)strlen(c->id) : w_id;
            w_sev = (int)strlen(sev) > w_sev ? (int)strlen(sev) : w_sev;
            w_cat = (int)strlen(c->category) > w_cat ? (int)strlen(c->category) : w_cat;
            w_needs = (int)strlen(needs) > w_needs ? (int)strlen(needs) : w_needs;
        }
        printf("%-*s %-4s %-*s %-*s %-*s %s\n", w_id, "ID", "LANG", w_sev, "SEVERITY", w_cat, "CATEGORY",
               w_needs, "NEEDS", "SOURCE");
        for (i = 0; i < eng->n_checks; i++) {
            const struct check *c = eng->checks[i];
            if (!c->selected)
                continue;
            severity_range(c, sev, sizeof sev);
            needs_text(c, needs, sizeof needs);
            printf("%-*s %-4s %-*s %-*s %-*s %s\n", w_id, c->id, c->lang == CHECK_LUA ? "lua" : "c", w_sev, sev,
                   w_cat, c->category, w_needs, needs, strchr(c->source, ':') + 1);
            shown++;
        }
        if (shown == eng->n_checks)
            printf("%zu checks\n", eng->n_checks);
        else
            printf("%zu of %zu checks\n", shown, eng->n_checks);
    }
    engine_free(eng);
    return rc;
}

static int test(struct cli_opts *o)
{
    struct checktest_result res;
    struct engine *eng;
    struct stat st;
    const char *dir;
    if (o->n_args != 2) {
        textsafe_line(stderr, "ecs-doctor: checks test: expected one DIR (ecs-doctor checks test DIR)\n");
        return EXIT_USAGE;
    }
    dir = o->args[1];
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        textsafe_line(stderr, "ecs-doctor: checks test: %s: %s\n", dir,
                errno && stat(dir, &st) != 0 ? strerror(errno) : "not a directory");
        return EXIT_USAGE;
    }
    eng = engine_for(o, dir);
    if (!eng)
        return EXIT_USAGE;
    checktest_run(eng, dir, stdout, &res);
    engine_free(eng);
    if (res.fixtures == 0) {
        textsafe_line(stderr, "ecs-doctor: checks test: %s: no fixtures (tests/NAME.json with tests/NAME.expect.json)\n",
                dir);
        return EXIT_USAGE;
    }
    printf("%d passed, %d failed\n", res.passed, res.failed);
    return res.failed ? EXIT_FINDINGS : EXIT_HEALTHY;
}

/* ---- checks new -------------------------------------------------------- */

static const char scaffold_lua[] =
    "-- %1$s: TODO say what this check diagnoses and which evidence shows it.\n"
    "-- Contract: checks/API.md. Test: ecs-doctor checks test <this folder>\n"
    "return {\n"
    "  id       = \"%1$s\",\n"
    "  category = \"container_crash\",       -- the fixed list in docs/categories.md\n"
    "  severity = \"high\",                  -- critical | high | medium | low | info\n"
    "  summary  = \"TODO: one line for ecs-doctor checks list\",\n"
    "  needs    = { \"ecs.tasks\" },           -- evidence sources (docs/evidence.md)\n"
    "\n"
    "  run = function(ev)\n"
    "    -- Only the tasks whose stopped reason says so: the host indexes the\n"
    "    -- texts once (checks/API.md, \"Scanning the tasks\"); i is the index in ev.tasks.\n"
    "    for i, task in edoc.tasks_matching(\"essential container in task exited\", \"stoppedReason\") do\n"
    "      if edoc.match(task.stoppedReason, { \"essential container in task exited\" }) then\n"
    "        edoc.finding {\n"
    "          title       = \"Essential container exited in task \" .. edoc.task_id(task.taskArn),\n"
    "          confidence  = 0.6,\n"
    "          explanation = \"TODO: why this matters and what causes it.\",\n"
    "          evidence    = { edoc.ptr(\"tasks\", i - 1, \"stoppedReason\") },\n"
    "          resources   = { edoc.task_id(task.taskArn) },\n"
    "          key         = \"essential-exit\",      -- same key => one finding, counts summed\n"
    "          when        = task.stoppedAt,\n"
    "          remediation = {\n"
    "            { description = \"Look at the stopped task\",\n"
    "              -- a literal template: the host quotes each {value} from args\n"
    "              command = edoc.with_region(\"aws ecs describe-tasks --cluster {cluster} --tasks {task}\"),\n"
    "              args = { cluster = edoc.cluster() or \"default\", task = edoc.task_id(task.taskArn) } },\n"
    "          },\n"
    "        }\n"
    "      end\n"
    "    end\n"
    "  end,\n"
    "}\n";

static const char scaffold_fixture[] =
    "{\n"
    "  \"schema\": \"ecs-doctor/evidence/v1\",\n"
    "  \"target\": {\"kind\": \"service\", \"cluster\": \"prod\", \"service\": \"web\", \"services\": [\"web\"],\n"
    "             \"region\": \"us-east-1\", \"account\": \"123456789012\", \"partition\": \"aws\"},\n"
    "  \"sources\": {\"ecs.tasks\": {\"status\": \"ok\", \"calls\": 1}},\n"
    "  \"tasks\": [\n"
    "    {\"taskArn\": \"arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef\",\n"
    "     \"group\": \"service:web\", \"lastStatus\": \"STOPPED\", \"stopCode\": \"EssentialContainerExited\",\n"
    "     \"stoppedReason\": \"Essential container in task exited\", \"stoppedAt\": 1795747000,\n"
    "     \"containers\": [{\"name\": \"app\", \"lastStatus\": \"STOPPED\"}]}\n"
    "  ]\n"
    "}\n";

static const char scaffold_expect[] =
    "{\n"
    "  \"findings\": [ {\"check\": \"%s\", \"min_count\": 1} ],\n"
    "  \"absent\": [ \"image.not_found\" ]\n"
    "}\n";

static int valid_name(const char *s)
{
    if (!*s || strlen(s) > 100)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static int write_new(const char *path, const char *fmt, const char *name)
{
    FILE *f;
    struct stat st;
    if (stat(path, &st) == 0) {
        textsafe_line(stderr, "ecs-doctor: checks new: %s already exists (not overwritten)\n", path);
        return -1;
    }
    f = fopen(path, "wx");
    if (!f) {
        textsafe_line(stderr, "ecs-doctor: checks new: %s: %s\n", path, strerror(errno));
        return -1;
    }
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
    fprintf(f, fmt, name);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
    if (fclose(f) != 0) {
        textsafe_line(stderr, "ecs-doctor: checks new: %s: %s\n", path, strerror(errno));
        return -1;
    }
    printf("created %s\n", path);
    return 0;
}

static int scaffold(struct cli_opts *o)
{
    const char *name, *dir;
    char file[128], p1[4096], p2[4096], p3[4096], tdir[4096];
    size_t i;
    if (o->n_args < 2 || o->n_args > 3) {
        textsafe_line(stderr, "ecs-doctor: checks new: expected NAME [DIR] (ecs-doctor checks new team.my_check checks/)\n");
        return EXIT_USAGE;
    }
    name = o->args[1];
    dir = o->n_args == 3 ? o->args[2] : ".";
    if (!valid_name(name)) {
        textsafe_line(stderr, "ecs-doctor: checks new: '%s': use lower-case letters, digits, '.', '_' and '-' (e.g. team.my_check)\n",
                name);
        return EXIT_USAGE;
    }
    for (i = 0; name[i] && i < sizeof file - 1; i++)
        file[i] = name[i] == '.' ? '_' : name[i];
    file[i] = '\0';
    if (snprintf(tdir, sizeof tdir, "%s/tests", dir) >= (int)sizeof tdir ||
        snprintf(p1, sizeof p1, "%s/%s.lua", dir, file) >= (int)sizeof p1 ||
        snprintf(p2, sizeof p2, "%s/%s.json", tdir, file) >= (int)sizeof p2 ||
        snprintf(p3, sizeof p3, "%s/%s.expect.json", tdir, file) >= (int)sizeof p3) {
        textsafe_line(stderr, "ecs-doctor: checks new: %s: path too long\n", dir);
        return EXIT_USAGE;
    }
    if ((mkdir(dir, 0755) != 0 && errno != EEXIST) || (mkdir(tdir, 0755) != 0 && errno != EEXIST)) {
        textsafe_line(stderr, "ecs-doctor: checks new: %s: %s\n", tdir, strerror(errno));
        return EXIT_USAGE;
    }
    if (write_new(p1, scaffold_lua, name) || write_new(p2, scaffold_fixture, name) ||
        write_new(p3, scaffold_expect, name))
        return EXIT_USAGE;
    printf("next: edit %s, then run: ecs-doctor checks test %s\n", p1, dir);
    return EXIT_HEALTHY;
}

int cmd_checks(struct cli_opts *o)
{
    const char *sub = o->n_args > 0 ? o->args[0] : NULL;
    if (sub && !strcmp(sub, "list") && o->n_args == 1)
        return list(o);
    if (sub && !strcmp(sub, "test"))
        return test(o);
    if (sub && !strcmp(sub, "new"))
        return scaffold(o);
    textsafe_line(stderr, "ecs-doctor: checks: expected 'list', 'test DIR' or 'new NAME [DIR]'\n");
    return EXIT_USAGE;
}

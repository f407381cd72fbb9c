/* engine — see engine.h. Search path, selection and the run loop; ranking
 * lives in rank.c and the report document in report.c. */
/* realpath() is an XSI extension in glibc's headers. */
#define _XOPEN_SOURCE 700
#include "engine/engine.h"
#include "engine/corroborate.h"
#include "engine/unexplained.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/svcstate.h"
#include "build_config.h"
#include "engine/luacheck.h"
#include "engine/nodeidx.h"
#include "engine/textidx.h"
#include "engine/pluginhost.h"
#include "engine/rank.h"
#include "engine/report.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/strutil.h"
#include "util/textsafe.h"

void check_free(struct check *c)
{
    if (!c)
        return;
    free(c->id); free(c->category); free(c->severity); free(c->summary);
    free(c->source); free(c->path);
    cJSON_Delete(c->needs);
    cJSON_Delete(c->uses);
    luacheck_free(c->lua);
    free(c);
}

/* The evidence sources of docs/evidence.md: a check's `needs` names them, so
 * a typo would leave the check "incomplete" forever. */
static const char *const known_sources[] = {
    "ecs.cluster", "ecs.services", "ecs.tasks", "ecs.task_definitions", "ecs.capacity",
    "elb.target_groups", "elb.target_health", "elb.load_balancers", "iam.roles", "ec2.subnets",
    "ec2.route_tables", "ec2.gateways", "ec2.vpc_endpoints", "ec2.security_groups",
    "ec2.network_acls", "logs", "ecr.images", "secrets", "scaling", "cloudtrail", "metrics",
};

int engine_source_known(const char *name)
{
    size_t i;
    for (i = 0; name && i < sizeof known_sources / sizeof known_sources[0]; i++)
        if (!strcmp(name, known_sources[i]))
            return 1;
    return 0;
}

static const char *unknown_need(const struct check *c)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, c->needs)
        if (!engine_source_known(it->valuestring))
            return it->valuestring;
    cJSON_ArrayForEach(it, c->uses)
        if (!engine_source_known(it->valuestring))
            return it->valuestring;
    return NULL;
}

static int in_list(const cJSON *arr, const char *s)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
        if (cJSON_IsString(it) && !strcmp(it->valuestring, s))
            return 1;
    return 0;
}

int engine_report_incomplete(struct edoc_ctx *ctx, const char *source, const char *why)
{
    if (!engine_source_known(source))
        return -1;
    if (!ctx->gaps)
        ctx->gaps = cJSON_CreateArray();
    if (!ctx->gaps || in_list(ctx->gaps, source))
        return 0;
    /* A check may lack several sources at once; one line per run is kept. */
    if (cJSON_GetArraySize(ctx->gaps) >= 32)
        return 0;
    cJSON_AddItemToArray(ctx->gaps, cJSON_CreateString(source));
    if (!ctx->why[0])
        snprintf(ctx->why, sizeof ctx->why, "%s", why && *why ? why : source);
    return 0;
}

void engine_load_failed(struct engine *eng, const char *lang, const char *display, const char *path,
                        const char *id, const char *message)
{
    struct load_failure *lf;
    char source[PATH_MAX + 16];
    size_t i;
    snprintf(source, sizeof source, "%s:%s", lang, display);
    eng->n_refused++;
    for (i = 0; i < eng->n_failures; i++)
        if (!strcmp(eng->failures[i].source, source) && (!id || !strcmp(eng->failures[i].id, id)))
            return;
    if (eng->n_failures == eng->cap_failures) {
        size_t nc = eng->cap_failures ? eng->cap_failures * 2 : 8;
        struct load_failure *nv = realloc(eng->failures, nc * sizeof *nv);
        if (!nv)
            return;
        eng->failures = nv;
        eng->cap_failures = nc;
    }
    lf = &eng->failures[eng->n_failures];
    memset(lf, 0, sizeof *lf);
    lf->id = str_dup(id && *id ? id : display);
    lf->source = str_dup(source);
    lf->path = str_dup(path ? path : display);
    lf->message = str_dup(message);
    lf->selected = 1;
    if (!lf->id || !lf->source || !lf->path || !lf->message) {
        free(lf->id); free(lf->source); free(lf->path); free(lf->message);
        return;
    }
    eng->n_failures++;
}

int engine_add_check(struct engine *eng, struct check *c)
{
    size_t i;
    const char *bad = unknown_need(c);
    char msg[PATH_MAX + 300];
    if (bad) {
        snprintf(msg, sizeof msg, "refused: check '%s' needs unknown evidence source '%.100s' (see docs/evidence.md)",
                 c->id, bad);
        goto refused;
    }
    for (i = 0; i < eng->n_checks; i++) {
        if (!strcmp(eng->checks[i]->id, c->id)) {
            snprintf(msg, sizeof msg, "refused: duplicate check id '%s' (already loaded from %s)", c->id,
                     eng->checks[i]->source);
            goto refused;
        }
    }
    if (eng->n_checks == eng->cap_checks) {
        size_t nc = eng->cap_checks ? eng->cap_checks * 2 : 32;
        struct check **nv = realloc(eng->checks, nc * sizeof *nv);
        if (!nv) {
            check_free(c);
            return -1;
        }
        eng->checks = nv;
        eng->cap_checks = nc;
    }
    c->selected = 1;
    eng->checks[eng->n_checks++] = c;
    return 0;
refused:
    textsafe_line(eng->diag, "ecs-doctor: %s: %s\n", strchr(c->source, ':') + 1, msg);
    {
        /* c->source is "lua:DISPLAY" / "plugin:DISPLAY" */
        char lang[8];
        size_t ll = (size_t)(strchr(c->source, ':') - c->source);
        snprintf(lang, sizeof lang, "%.*s", (int)(ll < sizeof lang ? ll : sizeof lang - 1), c->source);
        engine_load_failed(eng, lang, strchr(c->source, ':') + 1, c->path, c->id, msg);
    }
    check_free(c);
    return -1;
}

/* ---- directory scanning ------------------------------------------------ */

/* Each folder is scanned once per kind (Lua, plugins), however many search
 * path entries name it. */
static int seen_dir(struct engine *eng, const char *dir, int lua)
{
    char real[PATH_MAX + 2];
    size_t i;
    real[0] = lua ? 'L' : 'P';
    real[1] = ':';
    if (!realpath(dir, real + 2))
        return 1; /* missing dirs are simply skipped */
    for (i = 0; i < eng->n_seen; i++)
        if (!strcmp(eng->seen_dirs[i], real))
            return 1;
    if (eng->n_seen == eng->cap_seen) {
        size_t nc = eng->cap_seen ? eng->cap_seen * 2 : 8;
        char **nv = realloc(eng->seen_dirs, nc * sizeof *nv);
        if (!nv)
            return 1;
        eng->seen_dirs = nv;
        eng->cap_seen = nc;
    }
    eng->seen_dirs[eng->n_seen] = str_dup(real);
    if (!eng->seen_dirs[eng->n_seen])
        return 1;
    eng->n_seen++;
    return 0;
}

static void load_lua_file(struct engine *eng, const char *path, const char *display)
{
    struct err e = {0};
    struct check *c;
    char real[PATH_MAX];
    /* A script others can edit could put its own command into a remediation
     * the user copies: same ownership rule as plugins. */
    if (pluginhost_file_safe(path, &e) != ERR_OK) {
        textsafe_line(eng->diag, "ecs-doctor: check %s: %s\n", display, e.msg);
        engine_load_failed(eng, "lua", display, path, NULL, e.msg);
        return;
    }
    /* The same file reached twice (`checks test checks/review` inside the
     * default checks/ tree, or a symlinked dir) is one check, not a
     * duplicate: compare canonical paths and load it once. */
    if (realpath(path, real)) {
        size_t i;
        for (i = 0; i < eng->n_checks; i++)
            if (eng->checks[i]->lang == CHECK_LUA && eng->checks[i]->path &&
                !strcmp(eng->checks[i]->path, real))
                return;
        path = real;
    }
    c = luacheck_load(path, display, eng->opts.lua_budget, eng->opts.lua_mem_max, &e);
    if (!c) {
        textsafe_line(eng->diag, "ecs-doctor: check %s\n", e.msg);
        engine_load_failed(eng, "lua", display, path, NULL, e.msg);
        return;
    }
    engine_add_check(eng, c);
}

/* Walks dir (sorted, so the load order is stable) for *.lua files, skipping
 * hidden entries and tests/ folders (fixtures live there). */
static void scan_lua(struct engine *eng, const char *dir, const char *display, int depth)
{
    struct dirent **ents = NULL;
    int n, i;
    if (depth > 8)
        return;
    n = scandir(dir, &ents, NULL, alphasort);
    for (i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        char path[PATH_MAX], disp[PATH_MAX];
        struct stat st;
        if (name[0] == '.' || (depth >= 0 && !strcmp(name, "tests")))
            goto next;
        if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
            snprintf(disp, sizeof disp, "%s/%s", display, name) >= (int)sizeof disp)
            goto next;
        if (stat(path, &st) != 0)
            goto next;
        if (S_ISDIR(st.st_mode))
            scan_lua(eng, path, disp, depth + 1);
        else if (S_ISREG(st.st_mode) && str_ends(name, ".lua"))
            load_lua_file(eng, path, disp);
    next:
        free(ents[i]);
    }
    free(ents);
}

static void scan_plugins(struct engine *eng, const char *dir, const char *display)
{
    struct dirent **ents = NULL;
    int n, i;
    n = scandir(dir, &ents, NULL, alphasort);
    for (i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        char path[PATH_MAX], disp[PATH_MAX];
        struct stat st;
        if (name[0] != '.' && str_ends(name, ".so") &&
            snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path &&
            snprintf(disp, sizeof disp, "%s/%s", display, name) < (int)sizeof disp &&
            stat(path, &st) == 0 && S_ISREG(st.st_mode))
            pluginhost_load(eng, path, disp);
        free(ents[i]);
    }
    free(ents);
}

void engine_load_dir(struct engine *eng, const char *dir, const char *display, int want_lua,
                     int want_plugins)
{
    char *d = str_dup(dir);
    size_t n;
    if (!d)
        return;
    n = strlen(d);
    while (n > 1 && d[n - 1] == '/')
        d[--n] = '\0';
    if (want_plugins && !eng->opts.no_plugins && !seen_dir(eng, d, 0))
        scan_plugins(eng, d, display ? display : d);
    if (want_lua && !seen_dir(eng, d, 1))
        scan_lua(eng, d, display ? display : d, 0);
    free(d);
}

/* ---- the search path --------------------------------------------------- */

static int exe_dir(char *out, size_t n)
{
    char buf[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", buf, sizeof buf - 1);
    char *slash;
    if (k <= 0)
        return 0;
    buf[k] = '\0';
    slash = strrchr(buf, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    return snprintf(out, n, "%s", buf) < (int)n;
}

static int same_dir(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

/* Each environment list is colon-separated; empty entries are ignored. */
static void load_env_path(struct engine *eng, const char *var, int lua)
{
    const char *v = getenv(var), *p, *q;
    char dir[PATH_MAX];
    for (p = v; p && *p; p = *q ? q + 1 : q) {
        q = strchr(p, ':');
        if (!q)
            q = p + strlen(p);
        if (q > p && (size_t)(q - p) < sizeof dir) {
            memcpy(dir, p, (size_t)(q - p));
            dir[q - p] = '\0';
            /* A relative entry would load code from whatever folder the
             * command runs in (a cloned repository, a download folder). */
            if (dir[0] != '/') {
                char msg[PATH_MAX + 96];
                snprintf(msg, sizeof msg, "%s: relative entry '%s' refused (use an absolute path)", var, dir);
                textsafe_line(eng->diag, "ecs-doctor: %s\n", msg);
                engine_load_failed(eng, lua ? "lua" : "plugin", dir, NULL, NULL, msg);
                continue;
            }
            engine_load_dir(eng, dir, dir, lua, !lua);
        }
    }
}

static void load_defaults(struct engine *eng, int lua)
{
    char exe[PATH_MAX], dir[PATH_MAX], prefix[PATH_MAX];
    const char *home = getenv("HOME");
    size_t bl = strlen(EDOC_INSTALL_BINDIR);
    load_env_path(eng, lua ? "ECS_DOCTOR_CHECK_PATH" : "ECS_DOCTOR_PLUGIN_PATH", lua);
    if (home && *home &&
        snprintf(dir, sizeof dir, "%s/.config/ecs-doctor/%s", home, lua ? "checks" : "plugins") <
            (int)sizeof dir)
        engine_load_dir(eng, dir, dir, lua, !lua);
    if (!exe_dir(exe, sizeof exe))
        snprintf(exe, sizeof exe, "%s/%s", EDOC_INSTALL_PREFIX, EDOC_INSTALL_BINDIR);
    if (same_dir(exe, EDOC_BUILD_DIR)) {
        /* Running from the build tree: the in-tree checks, no install needed. */
        if (lua)
            engine_load_dir(eng, EDOC_SOURCE_DIR "/checks", "checks", 1, 0);
        else
            engine_load_dir(eng, EDOC_BUILD_DIR "/plugins", "plugins", 0, 1);
        return;
    }
    /* Installed: <prefix>/bin/ecs-doctor finds <prefix>/lib/... even when the
     * whole tree was moved elsewhere. */
    if (strlen(exe) > bl + 1 && !strcmp(exe + strlen(exe) - bl, EDOC_INSTALL_BINDIR) &&
        exe[strlen(exe) - bl - 1] == '/') {
        snprintf(prefix, sizeof prefix, "%.*s", (int)(strlen(exe) - bl - 1), exe);
    } else {
        snprintf(prefix, sizeof prefix, "%s", EDOC_INSTALL_PREFIX);
    }
    if (snprintf(dir, sizeof dir, "%s/%s", prefix, lua ? EDOC_REL_CHECKDIR : EDOC_REL_PLUGINDIR) <
        (int)sizeof dir)
        engine_load_dir(eng, dir, lua ? "checks" : "plugins", lua, !lua);
}

struct engine *engine_new(const struct engine_opts *o)
{
    struct engine *eng = calloc(1, sizeof *eng);
    size_t i;
    if (!eng)
        return NULL;
    if (o)
        eng->opts = *o;
    eng->diag = eng->opts.diag ? eng->opts.diag : stderr;
    /* Plugins first, then Lua: on a duplicate id the first loaded wins, and
     * explicit dirs come before the defaults so a team can shadow nothing
     * silently (the duplicate is reported). */
    for (i = 0; i < eng->opts.n_plugin_dirs && !eng->opts.no_plugins; i++)
        engine_load_dir(eng, eng->opts.plugin_dirs[i], eng->opts.plugin_dirs[i], 0, 1);
    if (!eng->opts.no_default_dirs && !eng->opts.no_plugins)
        load_defaults(eng, 0);
    for (i = 0; i < eng->opts.n_check_dirs; i++)
        engine_load_dir(eng, eng->opts.check_dirs[i], eng->opts.check_dirs[i], 1, 0);
    if (!eng->opts.no_default_dirs)
        load_defaults(eng, 1);
    return eng;
}

void engine_free(struct engine *eng)
{
    size_t i;
    if (!eng)
        return;
    for (i = 0; i < eng->n_checks; i++)
        check_free(eng->checks[i]);
    free(eng->checks);
    /* After the checks: their strings were copied, but run pointers live in
     * the plugins' code. */
    for (i = 0; i < eng->n_plugins; i++)
        pluginhost_close(eng->plugins[i]);
    free(eng->plugins);
    for (i = 0; i < eng->n_seen; i++)
        free(eng->seen_dirs[i]);
    free(eng->seen_dirs);
    for (i = 0; i < eng->n_failures; i++) {
        free(eng->failures[i].id); free(eng->failures[i].source);
        free(eng->failures[i].path); free(eng->failures[i].message);
    }
    free(eng->failures);
    free(eng);
}

/* ---- selection --------------------------------------------------------- */

static int id_matches(const char *pattern, const char *id)
{
    return !strcmp(pattern, id) || fnmatch(pattern, id, 0) == 0;
}

enum err_code engine_select(struct engine *eng, const char *const *only, size_t n_only,
                            const char *const *skip, size_t n_skip, struct err *e)
{
    size_t i, j;
    for (j = 0; j < n_only; j++) {
        int hit = 0;
        for (i = 0; i < eng->n_checks; i++)
            hit |= id_matches(only[j], eng->checks[i]->id);
        if (!hit)
            return err_set(e, ERR_USAGE, "--only %s: no check matches (see ecs-doctor checks list)",
                           only[j]);
    }
    /* A mistyped --skip silently skips nothing: refused like --only's. A
     * check that did not load counts (by id or file): --skip may name it. */
    for (j = 0; j < n_skip; j++) {
        int hit = 0;
        for (i = 0; i < eng->n_checks; i++)
            hit |= id_matches(skip[j], eng->checks[i]->id);
        for (i = 0; i < eng->n_failures; i++)
            hit |= id_matches(skip[j], eng->failures[i].id) ||
                   id_matches(skip[j], strchr(eng->failures[i].source, ':') + 1);
        if (!hit)
            return err_set(e, ERR_USAGE, "--skip %s: no check matches (see ecs-doctor checks list)",
                           skip[j]);
    }
    for (i = 0; i < eng->n_checks; i++) {
        struct check *c = eng->checks[i];
        c->selected = n_only == 0;
        for (j = 0; j < n_only; j++)
            if (id_matches(only[j], c->id))
                c->selected = 1;
        for (j = 0; j < n_skip; j++)
            if (id_matches(skip[j], c->id))
                c->selected = 0;
    }
    /* A check that did not load is reported unless the selection leaves it
     * out by its id (or file): --skip silences a known-broken check. */
    for (i = 0; i < eng->n_failures; i++) {
        struct load_failure *lf = &eng->failures[i];
        const char *file = strchr(lf->source, ':') + 1;
        lf->selected = n_only == 0;
        for (j = 0; j < n_only; j++)
            if (id_matches(only[j], lf->id) || id_matches(only[j], file))
                lf->selected = 1;
        for (j = 0; j < n_skip; j++)
            if (id_matches(skip[j], lf->id) || id_matches(skip[j], file))
                lf->selected = 0;
    }
    return ERR_OK;
}

/* ---- running ----------------------------------------------------------- */

/* A needed source is missing when the collector tried and failed: denied,
 * error, partial (some of its calls failed: ListTasks answered but
 * DescribeTasks was denied, so the part the check would decide on is
 * unseen), or skipped because the deadline expired. A source absent from
 * `sources` was never collected (an offline fixture, a bundle from an older
 * collector): that is not a gap, and "skipped: nothing to look at" is
 * complete. `uses` sources never make a check incomplete by themselves. */
static int source_failed(const cJSON *evidence, const char *name)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(evidence, "sources"),
                                                      name);
    const char *st = jsonx_str(s, "status", "");
    return !strcmp(st, "denied") || !strcmp(st, "error") || !strcmp(st, "partial") ||
           (!strcmp(st, "skipped") && !strcmp(jsonx_str(s, "reason", ""), "deadline"));
}

static cJSON *missing_sources(const struct check *c, const cJSON *evidence)
{
    const cJSON *it;
    cJSON *missing = cJSON_CreateArray();
    cJSON_ArrayForEach(it, c->needs)
        if (source_failed(evidence, it->valuestring))
            cJSON_AddItemToArray(missing, cJSON_CreateString(it->valuestring));
    return missing;
}

/* Plugins report findings without validating vocabularies: drop the invalid
 * ones from this run's tail of the list and fail the check with the reason. */
static void validate_tail(struct edoc_ctx *ctx, size_t start)
{
    size_t i, k = start;
    struct err e = {0};
    for (i = start; i < ctx->out->n; i++) {
        struct finding *f = ctx->out->v[i];
        if (finding_validate(f, &e) != ERR_OK) {
            if (!ctx->failed) {
                ctx->failed = 1;
                snprintf(ctx->message, sizeof ctx->message, "%s", e.msg);
            }
            finding_free(f);
            continue;
        }
        ctx->out->v[k++] = f;
    }
    ctx->out->n = k;
}

/* Merges this run's findings by key, then caps the distinct ones. */
static void merge_tail(struct edoc_ctx *ctx)
{
    size_t i, k = ctx->start;
    for (i = ctx->start; i < ctx->out->n; i++) {
        struct finding *f = ctx->out->v[i];
        struct finding_list done = {ctx->out->v, k, k};
        if (finding_list_merge_key(&done, ctx->start, f) ||
            k - ctx->start >= FINDING_MAX_PER_CHECK) {
            if (k - ctx->start >= FINDING_MAX_PER_CHECK && !ctx->message[0])
                snprintf(ctx->message, sizeof ctx->message, "more than %d findings: the rest were dropped",
                         FINDING_MAX_PER_CHECK);
            finding_free(f);
            continue;
        }
        ctx->out->v[k++] = f;
    }
    ctx->out->n = k;
}

static cJSON *run_one(struct engine *eng, struct check *c, const cJSON *evidence,
                      struct finding_list *out)
{
    struct edoc_ctx ctx;
    size_t start = out->n;
    cJSON *res = cJSON_CreateObject(), *missing = missing_sources(c, evidence);
    const char *status;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(&ctx, 0, sizeof ctx);
    ctx.start = start;
    ctx.evidence = evidence;
    ctx.state = eng->state;
    ctx.check = c;
    ctx.out = out;
    ctx.debug = eng->opts.debug;
    ctx.diag = eng->diag;
    if (c->lang == CHECK_LUA) {
        luacheck_run(c, &ctx);
    } else {
        int rc = pluginhost_run(c, &ctx, eng->opts.plugin_timeout_s);
        if (rc != 0 && !ctx.failed) {
            ctx.failed = 1;
            snprintf(ctx.message, sizeof ctx.message, "%s: run() returned %d", c->source + 7, rc);
        }
        validate_tail(&ctx, start);
        merge_tail(&ctx);
    }
    finding_list_cleanup(&ctx.scratch);
    /* A best_practice check recommends, whatever kind its findings declare:
     * a team policy check left at the default kind must not turn a healthy
     * service UNHEALTHY (checks/API.md). The reverse needs no rule: a
     * recommendation never drives the verdict. */
    if (!strcmp(c->category, "best_practice")) {
        size_t i;
        for (i = start; i < out->n; i++) {
            if (strcmp(out->v[i]->kind, "recommendation") &&
                finding_set(out->v[i], "kind", "recommendation") != ERR_OK && !ctx.failed) {
                ctx.failed = 1;
                snprintf(ctx.message, sizeof ctx.message, "out of memory");
            }
        }
    }
    {
        const cJSON *g;
        cJSON_ArrayForEach(g, ctx.gaps)
            if (!in_list(missing, g->valuestring))
                cJSON_AddItemToArray(missing, cJSON_CreateString(g->valuestring));
        cJSON_Delete(ctx.gaps);
        if (!ctx.message[0] && ctx.why[0])
            snprintf(ctx.message, sizeof ctx.message, "%s", ctx.why);
        /* Static gaps say which evidence too: "missing evidence: ecs.tasks (partial)". */
        if (!ctx.message[0] && cJSON_GetArraySize(missing) > 0) {
            const cJSON *m0 = cJSON_GetArrayItem(missing, 0);
            snprintf(ctx.message, sizeof ctx.message, "missing evidence: %s (%s)%s", m0->valuestring,
                     jsonx_str(cJSON_GetObjectItemCaseSensitive(
                                   cJSON_GetObjectItemCaseSensitive(evidence, "sources"), m0->valuestring),
                               "status", "?"),
                     cJSON_GetArraySize(missing) > 1 ? " and more" : "");
        }
    }
    status = ctx.failed ? "error" : cJSON_GetArraySize(missing) > 0 ? "incomplete" : "ok";
    if (ctx.failed)
        textsafe_line(eng->diag, "ecs-doctor: check %s failed: %s\n", c->id, ctx.message);
    cJSON_AddStringToObject(res, "id", c->id);
    cJSON_AddStringToObject(res, "source", c->source);
    cJSON_AddStringToObject(res, "category", c->category);
    cJSON_AddStringToObject(res, "status", status);
    if (ctx.message[0])
        cJSON_AddStringToObject(res, "message", ctx.message);
    else
        cJSON_AddNullToObject(res, "message");
    cJSON_AddItemToObject(res, "missing", missing);
    cJSON_AddItemToObject(res, "needs", cJSON_Duplicate(c->needs, 1));
    cJSON_AddItemToObject(res, "uses", c->uses ? cJSON_Duplicate(c->uses, 1) : cJSON_CreateArray());
    cJSON_AddNumberToObject(res, "findings", (double)(out->n - start));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* CPU-heavy checks show up here (and in --debug). */
    cJSON_AddNumberToObject(res, "duration_ms",
                            round(((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) * 10) / 10);
    if (eng->opts.debug)
        textsafe_line(eng->diag, "debug: check %s: %s, %zu findings, %.1f ms\n", c->id, status, out->n - start,
                cJSON_GetNumberValue(cJSON_GetObjectItem(res, "duration_ms")));
    return res;
}

cJSON *engine_analyze(struct engine *eng, const cJSON *evidence, const struct analyze_opts *ao)
{
    struct finding_list raw = {0}, ranked = {0};
    cJSON *checks = cJSON_CreateArray(), *report = NULL;
    /* The service's own state, before any check: checks read it and it sets
     * the verdict's floor (docs/report.md "Service state"). */
    cJSON *state = svcstate_build(evidence, (double)time(NULL));
    size_t i;
    if (!state || !checks) {
        cJSON_Delete(state);
        cJSON_Delete(checks);
        return NULL;
    }
    eng->state = state;
    /* Positions remembered in a previous document may dangle now. */
    nodeidx_reset();
    textidx_reset();
    for (i = 0; i < eng->n_checks; i++) {
        struct check *c = eng->checks[i];
        if (!c->selected) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "id", c->id);
            cJSON_AddStringToObject(r, "source", c->source);
            cJSON_AddStringToObject(r, "category", c->category);
            cJSON_AddStringToObject(r, "status", "skipped");
            cJSON_AddStringToObject(r, "message", "not selected (--only/--skip)");
            cJSON_AddItemToObject(r, "missing", cJSON_CreateArray());
            cJSON_AddItemToObject(r, "needs", cJSON_Duplicate(c->needs, 1));
            cJSON_AddItemToObject(r, "uses", c->uses ? cJSON_Duplicate(c->uses, 1) : cJSON_CreateArray());
            cJSON_AddItemToArray(checks, r);
            continue;
        }
        cJSON_AddItemToArray(checks, run_one(eng, c, evidence, &raw));
    }
    for (i = 0; i < eng->n_failures; i++) {
        const struct load_failure *lf = &eng->failures[i];
        cJSON *r;
        if (!lf->selected)
            continue;
        r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "id", lf->id);
        cJSON_AddStringToObject(r, "source", lf->source);
        /* Its category is unknown or untrusted: never best_practice, so a
         * broken check always counts against `healthy`. */
        cJSON_AddStringToObject(r, "category", "unknown");
        cJSON_AddStringToObject(r, "status", "error");
        cJSON_AddStringToObject(r, "message", lf->message);
        cJSON_AddItemToObject(r, "missing", cJSON_CreateArray());
        cJSON_AddItemToObject(r, "needs", cJSON_CreateArray());
        cJSON_AddItemToObject(r, "uses", cJSON_CreateArray());
        cJSON_AddNumberToObject(r, "findings", 0);
        cJSON_AddBoolToObject(r, "load_error", 1);
        cJSON_AddItemToArray(checks, r);
    }
    eng->state = NULL;
    if (ao && ao->no_recommendations) {
        size_t k = 0;
        for (i = 0; i < raw.n; i++) {
            if (!strcmp(raw.v[i]->kind, "recommendation"))
                finding_free(raw.v[i]);
            else
                raw.v[k++] = raw.v[i];
        }
        raw.n = k;
    }
    /* A service the state calls unhealthy that no diagnosis explains is a
     * finding of its own, never silence. (A review runs no diagnosis at all:
     * it lists recommendations only.) */
    if (!(ao && ao->review))
        (void)unexplained_add(&raw, evidence, state);
    /* The time dimension (changes, metrics) corroborates the ranked roots;
     * a failure there leaves the ranking as it was. */
    if (rank_findings(&raw, evidence, &ranked) == ERR_OK) {
        (void)corroborate_findings(&ranked, evidence);
        report = report_build(evidence, &ranked, checks, state);
    } else {
        cJSON_Delete(checks);
        cJSON_Delete(state);
    }
    finding_list_cleanup(&raw);
    finding_list_cleanup(&ranked);
    nodeidx_reset();
    textidx_reset();
    return report;
}

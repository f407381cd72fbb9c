/* pluginhost — see pluginhost.h. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "engine/pluginhost.h"

#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/iam_eval.h"
#include "analysis/netpath.h"
#include "engine/finding.h"
#include "engine/nodeidx.h"
#include "util/jsonx.h"
#include "util/strutil.h"

struct plugin {
    void *handle;
    char *path;
};

/* ---- safety of the file on disk ---------------------------------------- */

/* A user-private group (the owner's primary group, named after the owner,
 * with no other members: the umask-002 convention of Fedora and Ubuntu)
 * gives group write to nobody else. */
static int private_group(const struct stat *st)
{
    struct passwd *pw = getpwuid(st->st_uid);
    struct group *gr;
    if (!pw || pw->pw_gid != st->st_gid)
        return 0;
    gr = getgrgid(st->st_gid);
    return gr && gr->gr_name && pw->pw_name && !strcmp(gr->gr_name, pw->pw_name) &&
           (!gr->gr_mem || !gr->gr_mem[0]);
}

static enum err_code stat_safe(const char *path, const char *what, struct err *e)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return err_set(e, ERR_PLUGIN, "%s: %s", what, strerror(errno));
    /* A file or folder others can write is a way to run their code as us. */
    if ((st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) && !private_group(&st)))
        return err_set(e, ERR_PLUGIN, "refused: %s is writable by group or others (chmod go-w)", what);
    if (st.st_uid != 0 && st.st_uid != geteuid())
        return err_set(e, ERR_PLUGIN, "refused: %s is owned by uid %ld, not by root or you", what,
                       (long)st.st_uid);
    return ERR_OK;
}

/* The file and its folder must be safe both where the name is and where
 * symlinks lead: a link in a safe folder to a file in a world-writable one
 * would otherwise pass (stat follows the link, dirname does not). */
enum err_code pluginhost_file_safe(const char *path, struct err *e)
{
    char *copy = str_dup(path), *real = realpath(path, NULL), *rcopy = NULL;
    enum err_code rc;
    if (!copy) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = stat_safe(path, "the file", e);
    if (rc == ERR_OK)
        rc = stat_safe(dirname(copy), "its folder", e);
    if (rc == ERR_OK && !real)
        rc = err_set(e, ERR_PLUGIN, "the file: %s", strerror(errno));
    if (rc == ERR_OK && strcmp(real, path) != 0) {
        if (!(rcopy = str_dup(real)))
            rc = err_set(e, ERR_NOMEM, "out of memory");
        else
            rc = stat_safe(dirname(rcopy), "the folder its symlink leads to", e);
    }
out:
    free(copy);
    free(rcopy);
    free(real);
    return rc;
}

/* ---- loading ----------------------------------------------------------- */

static void refuse(struct engine *eng, const char *display, const char *msg)
{
    fprintf(eng->diag, "ecs-doctor: plugin %s: %s\n", display, msg);
    eng->n_refused++;
}

static char *dup_or_empty(const char *s) { return str_dup(s ? s : ""); }

/* "ecs.tasks, ec2.route_tables" -> ["ecs.tasks", "ec2.route_tables"] */
static void split_sources(const char *list, cJSON *into)
{
    const char *p, *q;
    for (p = list; p && *p; p = *q ? q + 1 : q) {
        char name[128];
        size_t n;
        while (*p == ' ' || *p == ',')
            p++;
        q = p;
        while (*q && *q != ',')
            q++;
        n = (size_t)(q - p);
        while (n && p[n - 1] == ' ')
            n--;
        if (n && n < sizeof name) {
            memcpy(name, p, n);
            name[n] = '\0';
            cJSON_AddItemToArray(into, cJSON_CreateString(name));
        }
    }
}

static struct check *check_from(const edoc_check *ec, const char *source, const char *path)
{
    struct check *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->lang = CHECK_C;
    c->c = *ec;
    c->id = dup_or_empty(ec->id);
    c->category = dup_or_empty(ec->category);
    c->severity = dup_or_empty(ec->severity);
    c->summary = dup_or_empty(ec->summary);
    c->source = str_dup(source);
    c->path = str_dup(path);
    c->needs = cJSON_CreateArray();
    c->uses = cJSON_CreateArray();
    if (!c->id || !c->category || !c->severity || !c->summary || !c->source || !c->path || !c->needs ||
        !c->uses) {
        check_free(c);
        return NULL;
    }
    split_sources(ec->needs, c->needs);
    return c;
}

static int push_plugin(struct engine *eng, struct plugin *p)
{
    if (eng->n_plugins == eng->cap_plugins) {
        size_t nc = eng->cap_plugins ? eng->cap_plugins * 2 : 8;
        struct plugin **nv = realloc(eng->plugins, nc * sizeof *nv);
        if (!nv)
            return -1;
        eng->plugins = nv;
        eng->cap_plugins = nc;
    }
    eng->plugins[eng->n_plugins++] = p;
    return 0;
}

static int id_valid(const char *id)
{
    size_t n = 0;
    if (!id || !*id)
        return 0;
    for (; *id; id++, n++)
        if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') || (*id >= '0' && *id <= '9') ||
              *id == '.' || *id == '_' || *id == '-'))
            return 0;
    return n <= 128;
}

enum err_code pluginhost_load(struct engine *eng, const char *path, const char *display)
{
    struct err e = {0};
    char msg[700], source[600], real[PATH_MAX];
    void *h = NULL;
    const void *sym;
    edoc_plugin desc;
    struct check **added = NULL;
    struct plugin *pl = NULL;
    size_t i, n_added = 0, csize;
    uint32_t psize;

    if (pluginhost_file_safe(path, &e) != ERR_OK) {
        refuse(eng, display, e.msg);
        return ERR_PLUGIN;
    }
    /* The same file reached through two search-path entries (a symlink, or
     * `checks test` on a folder of the default path) is loaded once. */
    if (realpath(path, real)) {
        for (i = 0; i < eng->n_plugins; i++)
            if (!strcmp(eng->plugins[i]->path, real))
                return ERR_OK;
        path = real;
    }
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *de = dlerror();
        snprintf(msg, sizeof msg, "cannot load: %s", de ? de : "unknown dlopen error");
        refuse(eng, display, msg);
        return ERR_PLUGIN;
    }
    sym = dlsym(h, EDOC_PLUGIN_SYMBOL);
    if (!sym) {
        refuse(eng, display, "refused: no '" EDOC_PLUGIN_SYMBOL "' symbol (not an ecs-doctor plugin, "
                             "or built for another ABI)");
        goto fail;
    }
    /* Read the fixed head first: the version decides how to read the rest. */
    memset(&desc, 0, sizeof desc);
    memcpy(&desc, sym, offsetof(edoc_plugin, name));
    if (desc.abi_version != EDOC_ABI_VERSION) {
        snprintf(msg, sizeof msg,
                 "refused: built for plugin ABI version %u, this ecs-doctor speaks version %u "
                 "(rebuild it against this ecs-doctor's plugin.h)",
                 (unsigned)desc.abi_version, (unsigned)EDOC_ABI_VERSION);
        refuse(eng, display, msg);
        goto fail;
    }
    psize = desc.size;
    if (psize < offsetof(edoc_plugin, check_size)) {
        snprintf(msg, sizeof msg, "refused: descriptor size %u is smaller than the minimum %u",
                 (unsigned)psize, (unsigned)offsetof(edoc_plugin, check_size));
        refuse(eng, display, msg);
        goto fail;
    }
    /* Members beyond the plugin's declared size read as zero (ABI policy). */
    memcpy(&desc, sym, psize < sizeof desc ? psize : sizeof desc);
    csize = desc.check_size ? desc.check_size : sizeof(edoc_check);
    if (csize < offsetof(edoc_check, run) + sizeof(void (*)(void))) {
        snprintf(msg, sizeof msg, "refused: check descriptor size %zu is smaller than the minimum %zu",
                 csize, offsetof(edoc_check, run) + sizeof(void (*)(void)));
        refuse(eng, display, msg);
        goto fail;
    }
    if (!desc.checks || desc.n_checks == 0 || desc.n_checks > 1000) {
        snprintf(msg, sizeof msg, "refused: descriptor lists %zu checks", desc.n_checks);
        refuse(eng, display, msg);
        goto fail;
    }
    snprintf(source, sizeof source, "plugin:%s", display);
    added = calloc(desc.n_checks, sizeof *added);
    if (!added)
        goto fail;
    for (i = 0; i < desc.n_checks; i++) {
        edoc_check ec;
        memset(&ec, 0, sizeof ec);
        memcpy(&ec, (const char *)desc.checks + i * csize, csize < sizeof ec ? csize : sizeof ec);
        if (!id_valid(ec.id) || !ec.run) {
            snprintf(msg, sizeof msg, "refused: check #%zu has %s", i,
                     !ec.run ? "no run function" : "an invalid id (letters, digits, . _ - only)");
            refuse(eng, display, msg);
            goto fail;
        }
        if (!finding_category_valid(ec.category) || !finding_severity_level(ec.severity)) {
            snprintf(msg, sizeof msg, "refused: check '%s' declares %s '%.40s' (see docs/categories.md)", ec.id,
                     !finding_category_valid(ec.category) ? "an unknown category" : "an unknown severity",
                     !finding_category_valid(ec.category) ? (ec.category ? ec.category : "(none)")
                                                          : (ec.severity ? ec.severity : "(none)"));
            refuse(eng, display, msg);
            goto fail;
        }
        added[n_added] = check_from(&ec, source, path);
        if (!added[n_added])
            goto fail;
        n_added++;
    }
    pl = calloc(1, sizeof *pl);
    if (!pl || !(pl->path = str_dup(path)) || push_plugin(eng, pl) != 0)
        goto fail;
    pl->handle = h;
    /* Duplicate ids are refused one by one: the plugin's other checks stay. */
    for (i = 0; i < n_added; i++) {
        engine_add_check(eng, added[i]);
        added[i] = NULL;
    }
    free(added);
    return ERR_OK;
fail:
    for (i = 0; added && i < n_added; i++)
        check_free(added[i]);
    free(added);
    if (pl) {
        free(pl->path);
        free(pl);
    }
    dlclose(h);
    return ERR_PLUGIN;
}

void pluginhost_close(struct plugin *p)
{
    if (!p)
        return;
    if (p->handle)
        dlclose(p->handle);
    free(p->path);
    free(p);
}

/* ---- the host table ---------------------------------------------------- */

#define NODE(n) ((const cJSON *)(const void *)(n))
#define EDNODE(j) ((const edoc_node *)(const void *)(j))

static const edoc_node *h_root(edoc_ctx *ctx) { return ctx ? EDNODE(ctx->evidence) : NULL; }

static const edoc_node *h_ptr(edoc_ctx *ctx, const char *p)
{
    return ctx && p ? EDNODE(nodeidx_pointer(ctx->evidence, p)) : NULL;
}

static const edoc_node *h_get(const edoc_node *obj, const char *key)
{
    const cJSON *o = NODE(obj);
    return cJSON_IsObject(o) && key ? EDNODE(cJSON_GetObjectItemCaseSensitive(o, key)) : NULL;
}

static const edoc_node *h_at(const edoc_node *n, size_t i)
{
    return EDNODE(nodeidx_at(NODE(n), i));
}

static size_t h_len(const edoc_node *n)
{
    return nodeidx_len(NODE(n));
}

static int h_type(const edoc_node *n)
{
    const cJSON *o = NODE(n);
    if (!o) return EDOC_T_MISSING;
    if (cJSON_IsNull(o)) return EDOC_T_NULL;
    if (cJSON_IsBool(o)) return EDOC_T_BOOL;
    if (cJSON_IsNumber(o)) return EDOC_T_NUMBER;
    if (cJSON_IsString(o)) return EDOC_T_STRING;
    if (cJSON_IsArray(o)) return EDOC_T_ARRAY;
    if (cJSON_IsObject(o)) return EDOC_T_OBJECT;
    return EDOC_T_NULL;
}

static const char *h_key(const edoc_node *m) { return m ? NODE(m)->string : NULL; }

static const char *h_str(const edoc_node *n)
{
    const cJSON *o = NODE(n);
    return cJSON_IsString(o) ? o->valuestring : NULL;
}

static double h_num(const edoc_node *n, double dflt)
{
    const cJSON *o = NODE(n);
    char *end;
    double d;
    if (cJSON_IsNumber(o))
        return o->valuedouble;
    /* XML services give numbers as strings ("80"). */
    if (cJSON_IsString(o) && o->valuestring && *o->valuestring) {
        d = strtod(o->valuestring, &end);
        if (!*end && isfinite(d))
            return d;
    }
    return dflt;
}

static int h_truthy(const edoc_node *n)
{
    const cJSON *o = NODE(n);
    if (cJSON_IsTrue(o)) return 1;
    if (cJSON_IsNumber(o)) return o->valuedouble != 0;
    if (cJSON_IsString(o)) return o->valuestring && !strcmp(o->valuestring, "true");
    return 0;
}

/* Findings past the cap still need an object the plugin can call set() and
 * evidence() on: they go to the run's scratch list, freed after the run.
 * Vocabulary checks run after the check returns (engine.c), so a plugin sees
 * the same rules as a Lua check. */
static edoc_finding *h_finding(edoc_ctx *ctx, const char *category, const char *severity,
                               double confidence, const char *title)
{
    struct finding *f;
    struct finding_list *dst;
    if (!ctx)
        return NULL;
    f = finding_new(ctx->check->id, ctx->check->source);
    if (!f)
        return NULL;
    finding_set(f, "category", category ? category : ctx->check->category);
    finding_set(f, "severity", severity ? severity : ctx->check->severity);
    finding_set(f, "title", title);
    f->confidence = confidence;
    /* Keys are set after creation, so C findings merge when run() returns
     * (engine.c); until then the raw count is capped. */
    dst = ctx->n_findings < FINDING_MAX_RAW ? ctx->out : &ctx->scratch;
    if (ctx->n_findings == FINDING_MAX_RAW && !ctx->message[0])
        snprintf(ctx->message, sizeof ctx->message, "more than %d findings: the rest were dropped",
                 FINDING_MAX_RAW);
    if (finding_list_push(dst, f) != ERR_OK) {
        finding_free(f);
        return NULL;
    }
    ctx->n_findings++;
    return (edoc_finding *)(void *)f;
}

#define FIND(f) ((struct finding *)(void *)(f))

static void h_set(edoc_finding *f, const char *field, const char *value)
{
    if (f && field && value)
        finding_set(FIND(f), field, value);
}

static edoc_ctx *current_ctx;

static void h_evidence(edoc_finding *f, const char *pointer, const char *note)
{
    if (f && current_ctx)
        finding_add_evidence(FIND(f), current_ctx->evidence, pointer, note);
}

static void h_resource(edoc_finding *f, const char *id)
{
    if (f)
        finding_add_resource(FIND(f), id);
}

static void h_count(edoc_finding *f, long n)
{
    if (f)
        FIND(f)->count = n;
}

static void h_when(edoc_finding *f, double t)
{
    if (f && isfinite(t) && t > 0)
        FIND(f)->when = t;
}

static void h_remediation(edoc_finding *f, const char *d, const char *c, const char *u)
{
    if (f)
        finding_add_remediation(FIND(f), d, c, u);
}

static void h_explains(edoc_finding *f, const char *what)
{
    if (f)
        finding_add_explains(FIND(f), what);
}

static int h_iam_eval(edoc_ctx *ctx, const char *role, const char *action, const char *resource,
                      char *why, size_t whylen)
{
    if (!ctx || !role || !action)
        return EDOC_IAM_UNKNOWN;
    return iam_eval(ctx->evidence, role, action, resource ? resource : "*", why, whylen);
}

static int h_net_reach(edoc_ctx *ctx, const char *subnet, const char *const *sgs, size_t n_sg,
                       int public_ip, const char *service, char *why, size_t whylen)
{
    if (!ctx || !subnet || !service)
        return EDOC_REACH_UNKNOWN;
    return netpath_reach(ctx->evidence, subnet, sgs, sgs ? n_sg : 0, public_ip, service, why, whylen);
}

static void h_log(edoc_ctx *ctx, const char *message)
{
    if (ctx && ctx->debug && message)
        fprintf(ctx->diag, "debug: %s: %s\n", ctx->check->id, message);
}

static int h_incomplete(edoc_ctx *ctx, const char *source, const char *why)
{
    if (!ctx || !source)
        return -1;
    return engine_report_incomplete(ctx, source, why);
}

static const edoc_node *h_service_state(edoc_ctx *ctx, const char *service)
{
    const cJSON *st = ctx ? ctx->state : NULL;
    if (service)
        st = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "services"), service);
    return cJSON_IsObject(st) ? (const edoc_node *)(const void *)st : NULL;
}

static const edoc_host host = {
    EDOC_ABI_VERSION, (uint32_t)sizeof(edoc_host),
    h_root, h_ptr, h_get, h_at, h_len, h_type, h_key, h_str, h_num, h_truthy,
    h_finding, h_set, h_evidence, h_resource, h_count, h_when, h_remediation, h_explains,
    h_iam_eval, h_net_reach, h_log, h_incomplete, h_service_state,
};

const edoc_host *pluginhost_table(void) { return &host; }

int pluginhost_run(struct check *c, struct edoc_ctx *ctx)
{
    int rc;
    /* evidence() receives only the finding, so the run's context is kept here
     * for the duration of the call (checks run one at a time). */
    current_ctx = ctx;
    rc = c->c.run(&host, ctx);
    current_ctx = NULL;
    return rc;
}

/* collect — the scheduler, the call wrapper and the document skeleton. See
 * collect.h for the model and internal.h for what nodes share. */
#include "collect/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build_config.h"
#include "collect/redact.h"
#include "collect/refs.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#define BIT(n) (1ull << (n))

static const char *const source_names[S_COUNT] = {
    "ecs.cluster", "ecs.services", "ecs.tasks", "ecs.task_definitions", "ecs.capacity",
    "elb.target_groups", "elb.target_health", "elb.load_balancers", "iam.roles", "ec2.subnets",
    "ec2.route_tables", "ec2.gateways", "ec2.vpc_endpoints", "ec2.security_groups",
    "ec2.network_acls", "logs", "ecr.images", "secrets", "scaling", "cloudtrail", "metrics",
};

struct node_def {
    const char *name; /* for progress: the source it fills */
    int rounds;       /* sequential round trips inside the node (static depth) */
    void (*start)(struct collect *c);
    void (*finish)(struct collect *c);
};

static const struct node_def node_defs[N_COUNT] = {
    [N_CLUSTER] = {"ecs.cluster", 1, ecs_cluster_start, NULL},
    [N_IDENTITY] = {"sts.identity", 1, ecs_identity_start, NULL},
    [N_SERVICES] = {"ecs.services", 1, ecs_services_start, ecs_services_finish},
    [N_TASKS] = {"ecs.tasks", 2, ecs_tasks_start, ecs_tasks_finish},
    [N_TASKDEFS] = {"ecs.task_definitions", 1, ecs_taskdefs_start, NULL},
    [N_TDHIST] = {"ecs.task_definitions", 2, ecs_tdhist_start, NULL},
    [N_TG] = {"elb.target_groups", 1, elb_tg_start, NULL},
    [N_LB] = {"elb.load_balancers", 1, elb_lb_start, NULL},
    [N_SUBNETS] = {"ec2.subnets", 1, net_subnets_start, NULL},
    [N_VPCS] = {"ec2.subnets", 1, net_vpcs_start, NULL},
    [N_ROUTES] = {"ec2.route_tables", 1, net_routes_start, NULL},
    [N_GATEWAYS] = {"ec2.gateways", 1, net_gateways_start, NULL},
    [N_VPCE] = {"ec2.vpc_endpoints", 2, net_vpce_start, NULL},
    [N_NACL] = {"ec2.network_acls", 1, net_nacl_start, NULL},
    [N_SG] = {"ec2.security_groups", 1, net_sg_start, NULL},
    [N_PREFIX] = {"ec2.security_groups", 1, net_prefix_start, NULL},
    [N_IAM] = {"iam.roles", 3, iam_roles_start, iam_roles_finish},
    [N_IMAGES] = {"ecr.images", 1, art_images_start, NULL},
    [N_SECRETS] = {"secrets", 1, art_secrets_start, NULL},
    [N_LOGS] = {"logs", 1, art_logs_start, NULL},
    [N_CAPACITY] = {"ecs.capacity", 2, ecs_capacity_start, NULL},
    [N_SCALING] = {"scaling", 1, ecs_scaling_start, NULL},
    [N_TRAIL] = {"cloudtrail", 1, trail_start, trail_finish},
    [N_METRICS] = {"metrics", 1, metrics_start, NULL},
};

/* The dependency graph. A task target is found by DescribeTasks first; the
 * others start from the service(s). */
static unsigned long long node_deps(enum collect_kind kind, int n)
{
    unsigned long long base = kind == COLLECT_TASK ? BIT(N_TASKS) : BIT(N_SERVICES);
    switch (n) {
    case N_SERVICES: return kind == COLLECT_TASK ? BIT(N_TASKS) : 0;
    case N_TASKDEFS: return base;
    case N_TDHIST: return BIT(N_SERVICES) | BIT(N_TASKS);
    case N_TG: return BIT(N_SERVICES);
    case N_LB: return BIT(N_TG);
    case N_SUBNETS: return base;
    case N_NACL: return base;
    case N_VPCS: case N_ROUTES: case N_GATEWAYS: case N_VPCE: return BIT(N_SUBNETS);
    case N_SG: return BIT(N_SERVICES) | BIT(N_TASKS) | BIT(N_LB);
    case N_PREFIX: return BIT(N_SG) | BIT(N_ROUTES);
    case N_IAM: case N_IMAGES: case N_SECRETS: return BIT(N_TASKDEFS);
    /* Stopped tasks may run revisions only the history node fetches. */
    case N_LOGS: return BIT(N_TASKDEFS) | BIT(N_TASKS) | BIT(N_TDHIST);
    case N_CAPACITY: return BIT(N_CLUSTER) | BIT(N_SERVICES) | BIT(N_TASKS);
    case N_SCALING: return BIT(N_SERVICES);
    /* CloudTrail looks up the resources the other nodes found: route
     * tables, security groups, gateways, endpoints, roles, target groups. */
    case N_TRAIL: return BIT(N_TASKDEFS) | BIT(N_ROUTES) | BIT(N_GATEWAYS) | BIT(N_VPCE) | BIT(N_SG) | BIT(N_TG);
    case N_METRICS: return BIT(N_SERVICES) | BIT(N_TG);
    default: return 0;
    }
}

static int node_rounds(enum collect_kind kind, int n)
{
    if (n == N_TASKS && kind == COLLECT_TASK)
        return 1;
    if (n == N_SERVICES && kind == COLLECT_CLUSTER)
        return 2;
    return node_defs[n].rounds;
}

int collect_graph_depth(enum collect_kind kind)
{
    int d[N_COUNT], pass, n, m, best = 0;
    memset(d, 0, sizeof d);
    /* Longest path by relaxation: the graph is acyclic and small. */
    for (pass = 0; pass < N_COUNT; pass++)
        for (n = 0; n < N_COUNT; n++) {
            int in = 0;
            for (m = 0; m < N_COUNT; m++)
                if ((node_deps(kind, n) & BIT(m)) && d[m] > in)
                    in = d[m];
            d[n] = in + node_rounds(kind, n);
        }
    for (n = 0; n < N_COUNT; n++)
        if (d[n] > best)
            best = d[n];
    return best;
}

/* ---- small shared utilities ---- */

int strset_has(const struct strset *s, const char *str)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], str))
            return 1;
    return 0;
}

int strset_add(struct strset *s, const char *str)
{
    if (!str || strset_has(s, str))
        return 0;
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 16;
        char **nv = realloc(s->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        s->v = nv;
        s->cap = ncap;
    }
    s->v[s->n] = str_dup(str);
    if (!s->v[s->n])
        return -1;
    s->n++;
    return 1;
}

void strset_cleanup(struct strset *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

cJSON *str_array(const struct strset *s, size_t from, size_t count)
{
    cJSON *a = cJSON_CreateArray();
    size_t i;
    for (i = from; a && i < s->n && i < from + count; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(s->v[i]));
    return a;
}

double collect_clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int ends_with(const char *s, const char *suffix)
{
    return s && str_ends(s, suffix);
}

cJSON *xget(const cJSON *body, const char *key)
{
    cJSON *it, *v;
    if (!body || !cJSON_IsObject(body))
        return NULL;
    v = cJSON_GetObjectItemCaseSensitive(body, key);
    if (v)
        return v;
    /* Query services may come wrapped: <OpResponse><OpResult>...</OpResult>. */
    cJSON_ArrayForEach(it, body) {
        if (cJSON_IsObject(it) && (ends_with(it->string, "Result") || ends_with(it->string, "Response"))) {
            v = xget(it, key);
            if (v)
                return v;
        }
    }
    return NULL;
}

cJSON *xlist(const cJSON *body, const char *key)
{
    cJSON *v = xget(body, key);
    if (v && cJSON_IsObject(v)) {
        cJSON *m = cJSON_GetObjectItemCaseSensitive(v, "member");
        if (!m)
            m = cJSON_GetObjectItemCaseSensitive(v, "item");
        v = m;
    }
    return v && cJSON_IsArray(v) ? v : NULL;
}

const char *xstr(const cJSON *obj, const char *key)
{
    cJSON *v = obj && cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void xput(cJSON *obj, const char *key, const cJSON *item)
{
    cJSON *dup = cJSON_Duplicate(item, 1);
    if (!obj || !dup) {
        cJSON_Delete(dup);
        return;
    }
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, dup);
    else
        cJSON_AddItemToObject(obj, key, dup);
}

cJSON *policy_parse(const cJSON *doc)
{
    char *dec;
    cJSON *j;
    if (cJSON_IsObject(doc))
        return cJSON_Duplicate(doc, 1);
    if (!cJSON_IsString(doc))
        return NULL;
    j = cJSON_Parse(doc->valuestring);
    if (j)
        return j;
    dec = refs_url_decode(doc->valuestring);
    j = dec ? cJSON_Parse(dec) : NULL;
    free(dec);
    return j;
}

cJSON *ev_section(struct collect *c, const char *p1, const char *p2)
{
    cJSON *s = jsonx_obj(c->ev, p1);
    if (s && p2)
        s = jsonx_obj(s, p2);
    if (!s)
        c->oom = 1;
    return s;
}

int collect_once(struct collect *c, const char *kind, const char *id)
{
    char key[1200];
    int r;
    snprintf(key, sizeof key, "%s:%s", kind, id ? id : "");
    r = strset_add(&c->seen, key);
    if (r < 0)
        c->oom = 1;
    return r == 1;
}

void collect_skip(struct collect *c, int src, const char *fmt, ...)
{
    va_list ap;
    if (src < 0 || c->src[src].reason[0])
        return;
    va_start(ap, fmt);
    vsnprintf(c->src[src].reason, sizeof c->src[src].reason, fmt, ap);
    va_end(ap);
}

void collect_note(struct collect *c, int src, const char *fmt, ...)
{
    va_list ap;
    if (src < 0 || c->src[src].note[0])
        return;
    va_start(ap, fmt);
    vsnprintf(c->src[src].note, sizeof c->src[src].note, fmt, ap);
    va_end(ap);
}

void collect_discard(struct collect *c, int src, int n, const char *why)
{
    struct source *s;
    size_t len;
    if (src < 0 || src >= S_COUNT || n <= 0)
        return;
    s = &c->src[src];
    s->discarded += n;
    len = strlen(s->discard_why);
    snprintf(s->discard_why + len, sizeof s->discard_why - len, "%s%d %s", len ? "; " : "", n, why);
}

void collect_fail(struct collect *c, enum err_code code, const char *fmt, ...)
{
    va_list ap;
    c->abort = 1;
    if (c->fatal != ERR_OK)
        return;
    c->fatal = code;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof c->msg, fmt, ap);
    va_end(ap);
}

/* ---- progress ---- */

static void progress(struct collect *c)
{
    char line[512];
    const char *shown[N_COUNT];
    size_t used, ns = 0;
    int n, done = 0, k;
    if (!c->o.progress)
        return;
    for (n = 0; n < N_COUNT; n++)
        done += c->nodes[n].state == 2;
    used = (size_t)snprintf(line, sizeof line, "collecting evidence: %d/%d steps", done, N_COUNT);
    for (n = 0; n < N_COUNT && used < sizeof line; n++) {
        int dup = 0;
        if (c->nodes[n].state != 1)
            continue;
        for (k = 0; k < (int)ns; k++)
            dup |= !strcmp(shown[k], node_defs[n].name);
        if (dup)
            continue;
        shown[ns] = node_defs[n].name;
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", ns ? ", " : "; in flight: ",
                                 node_defs[n].name);
        ns++;
    }
    c->o.progress(c->o.progress_arg, line);
}

/* ---- the scheduler ---- */

static void schedule(struct collect *c);

static void finish_node(struct collect *c, int n)
{
    struct node *nd = &c->nodes[n];
    if (node_defs[n].finish)
        node_defs[n].finish(c);
    nd->state = 2;
    progress(c);
    schedule(c);
}

static double now_epoch(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int past_deadline(const struct collect *c)
{
    return c->o.deadline > 0 && now_epoch() >= c->o.deadline;
}

static void start_node(struct collect *c, int n)
{
    struct node *nd = &c->nodes[n];
    unsigned long long deps = node_deps(c->o.kind, n);
    int m, saved = c->cur_depth;
    nd->state = 1;
    nd->depth_in = 0;
    for (m = 0; m < N_COUNT; m++)
        if ((deps & BIT(m)) && c->nodes[m].depth_done > nd->depth_in)
            nd->depth_in = c->nodes[m].depth_done;
    nd->depth_done = nd->depth_in;
    progress(c);
    nd->pending++; /* hold the node open while start issues calls */
    c->cur_depth = nd->depth_in;
    if (past_deadline(c)) {
        int s;
        for (s = 0; s < S_COUNT; s++)
            if (!strcmp(source_names[s], node_defs[n].name))
                collect_skip(c, s, "deadline");
    } else if (!c->abort) {
        node_defs[n].start(c);
    }
    c->cur_depth = saved;
    if (--nd->pending == 0)
        finish_node(c, n);
}

static void schedule(struct collect *c)
{
    int n, m, ready;
    for (n = 0; n < N_COUNT; n++) {
        unsigned long long deps;
        if (c->nodes[n].state != 0)
            continue;
        deps = node_deps(c->o.kind, n);
        ready = 1;
        for (m = 0; m < N_COUNT; m++)
            if ((deps & BIT(m)) && c->nodes[m].state != 2)
                ready = 0;
        if (ready)
            start_node(c, n);
    }
}

static void record_error(struct collect *c, struct source *s, const struct call *k,
                         const struct aws_result *res)
{
    char action[160], op[128];
    cJSON *e;
    if (!s->errors)
        s->errors = cJSON_CreateArray();
    /* Keep the first few: one denied action repeated per role says nothing more. */
    if (!s->errors || cJSON_GetArraySize(s->errors) >= 10)
        return;
    e = cJSON_CreateObject();
    if (!e)
        return;
    snprintf(op, sizeof op, "%s:%s", k->service, k->operation);
    cJSON_AddStringToObject(e, "operation", op);
    if (res->error.kind == ERR_DENIED) {
        action[0] = '\0';
        if (c->io->iam_action)
            c->io->iam_action(k->service, k->operation, action, sizeof action);
        cJSON_AddStringToObject(e, "action", action[0] ? action : op);
    }
    cJSON_AddStringToObject(e, "code", res->error.code[0] ? res->error.code : err_str(res->error.kind));
    cJSON_AddStringToObject(e, "message", res->error.message);
    if (res->error.http_status)
        cJSON_AddNumberToObject(e, "http_status", (double)res->error.http_status);
    if (res->error.request_id[0])
        cJSON_AddStringToObject(e, "request_id", res->error.request_id);
    cJSON_AddItemToArray(s->errors, e);
}

static void call_done(void *arg, struct aws_result *res)
{
    struct call *k = arg;
    struct collect *c = k->c;
    struct node *nd = &c->nodes[k->node];
    int saved = c->cur_depth, handled = 0;
    c->cur_depth = k->depth;
    if (k->depth > nd->depth_done)
        nd->depth_done = k->depth;
    handled = k->fn(c, k, res);
    if (k->src >= 0) {
        struct source *s = &c->src[k->src];
        s->t1 = collect_clock_ms();
        if (res->error.kind == ERR_OK || handled) {
            s->ok++;
        } else {
            s->failed++;
            s->denied += res->error.kind == ERR_DENIED;
            s->timeouts += res->error.kind == ERR_TIMEOUT;
            record_error(c, s, k, res);
        }
    }
    c->cur_depth = saved;
    free(k->tag);
    free(k->tag2);
    free(k);
    if (--nd->pending == 0)
        finish_node(c, (int)(nd - c->nodes));
}

void collect_call(struct collect *c, int node, int src, const char *service, const char *operation,
                  cJSON *params, int flags, int max_items, call_fn fn, const char *tag,
                  const char *tag2, long num)
{
    collect_call_in(c, NULL, node, src, service, operation, params, flags, max_items, fn, tag, tag2, num);
}

void collect_call_in(struct collect *c, const char *region, int node, int src, const char *service,
                     const char *operation, cJSON *params, int flags, int max_items, call_fn fn, const char *tag,
                     const char *tag2, long num)
{
    struct call *k = calloc(1, sizeof *k);
    int other = region && *region && (!c->io->region || strcmp(region, c->io->region) != 0);
    enum err_code qrc;
    if (!k || (tag && !(k->tag = str_dup(tag))) || (tag2 && !(k->tag2 = str_dup(tag2)))) {
        if (k) {
            free(k->tag);
            free(k);
        }
        cJSON_Delete(params);
        c->oom = 1;
        return;
    }
    k->c = c;
    k->node = node;
    k->src = src;
    k->depth = c->cur_depth + 1;
    k->fn = fn;
    k->num = num;
    k->t0 = collect_clock_ms();
    snprintf(k->service, sizeof k->service, "%s", service);
    snprintf(k->operation, sizeof k->operation, "%s", operation);
    if (src >= 0) {
        if (!c->src[src].calls)
            c->src[src].t0 = k->t0;
        c->src[src].calls++;
    }
    c->calls++;
    c->nodes[node].pending++;
    if (other && !c->io->call_in) {
        struct aws_result res;
        memset(&res, 0, sizeof res);
        cJSON_Delete(params);
        res.error.kind = ERR_USAGE;
        snprintf(res.error.code, sizeof res.error.code, "CrossRegion");
        snprintf(res.error.message, sizeof res.error.message, "%s:%s: this transport cannot call region %s",
                 service, operation, region);
        res.service = service;
        res.operation = operation;
        call_done(k, &res);
        return;
    }
    qrc = other ? c->io->call_in(c->io->ctx, region, service, operation, params, flags, max_items, call_done, k)
                : c->io->call(c->io->ctx, service, operation, params, flags, max_items, call_done, k);
    if (qrc != ERR_OK) {
        /* The transport could not even queue it: complete it as an error now,
         * outside the caller's loop invariants (the node is held open). */
        struct aws_result res;
        memset(&res, 0, sizeof res);
        res.error.kind = ERR_INTERNAL;
        snprintf(res.error.message, sizeof res.error.message, "%s:%s: could not start the call",
                 service, operation);
        res.service = service;
        res.operation = operation;
        call_done(k, &res);
    }
}

/* ---- the document ---- */

static void iso8601(double t, char *out, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static cJSON *skeleton(struct collect *c)
{
    cJSON *ev = cJSON_CreateObject(), *tool, *win, *tg;
    char ts[32];
    if (!ev)
        return NULL;
    cJSON_AddStringToObject(ev, "schema", "ecs-doctor/evidence/v1");
    tool = cJSON_AddObjectToObject(ev, "tool");
    cJSON_AddStringToObject(tool, "name", "ecs-doctor");
    cJSON_AddStringToObject(tool, "version", EDOC_VERSION);
    iso8601(c->now, ts, sizeof ts);
    cJSON_AddStringToObject(ev, "collected_at", ts);
    win = cJSON_AddObjectToObject(ev, "window");
    cJSON_AddNumberToObject(win, "since", (double)(long long)c->since);
    cJSON_AddNumberToObject(win, "until", (double)(long long)c->now);
    cJSON_AddFalseToObject(ev, "redacted");
    tg = cJSON_AddObjectToObject(ev, "target");
    cJSON_AddStringToObject(tg, "kind", c->o.kind == COLLECT_SERVICE ? "service"
                                       : c->o.kind == COLLECT_TASK  ? "task"
                                                                    : "cluster");
    cJSON_AddStringToObject(tg, "cluster", c->cluster);
    if (c->o.kind == COLLECT_SERVICE)
        cJSON_AddStringToObject(tg, "service", c->target);
    if (c->o.kind == COLLECT_TASK)
        cJSON_AddStringToObject(tg, "task", c->target);
    cJSON_AddStringToObject(tg, "region", c->io->region ? c->io->region : "");
    cJSON_AddStringToObject(tg, "partition", c->io->partition ? c->io->partition : "aws");
    cJSON_AddObjectToObject(ev, "sources");
    if (!cJSON_GetObjectItemCaseSensitive(ev, "sources")) {
        cJSON_Delete(ev);
        return NULL;
    }
    return ev;
}

static cJSON *source_status(struct collect *c, struct source *s)
{
    cJSON *o = cJSON_CreateObject();
    const char *status;
    int deadline = s->timeouts && c->o.deadline > 0 && now_epoch() >= c->o.deadline - 0.5;
    if (!o)
        return NULL;
    if (!s->calls)
        status = "skipped";
    else if (!s->failed)
        status = "ok";
    else if (s->ok)
        status = "partial";
    else if (deadline)
        status = "skipped";
    else if (s->denied == s->failed)
        status = "denied";
    else
        status = "error";
    cJSON_AddStringToObject(o, "status", status);
    if (s->calls) {
        cJSON_AddNumberToObject(o, "calls", s->calls);
        cJSON_AddNumberToObject(o, "duration_ms", (double)(long long)(s->t1 > s->t0 ? s->t1 - s->t0 : 0));
    }
    if (!s->calls || (deadline && s->failed))
        cJSON_AddStringToObject(o, "reason", deadline ? "deadline" : s->reason[0] ? s->reason : "not applicable");
    if (s->note[0])
        cJSON_AddStringToObject(o, "note", s->note);
    if (s->errors) {
        cJSON_AddItemToObject(o, "errors", s->errors);
        s->errors = NULL;
    }
    if (s->discarded) {
        cJSON_AddNumberToObject(o, "discarded", s->discarded);
        cJSON_AddStringToObject(o, "discarded_why", s->discard_why);
    }
    return o;
}

static void finish_document(struct collect *c)
{
    cJSON *srcs = cJSON_GetObjectItemCaseSensitive(c->ev, "sources");
    cJSON *tg = cJSON_GetObjectItemCaseSensitive(c->ev, "target");
    int s;
    for (s = 0; s < S_COUNT; s++) {
        cJSON *st = source_status(c, &c->src[s]);
        if (st)
            cJSON_AddItemToObject(srcs, source_names[s], st);
        else
            c->oom = 1;
    }
    /* Without DescribeClusters or GetCallerIdentity, the ARNs still say. */
    if (!xstr(tg, "cluster_arn")) {
        cJSON *arn = jsonx_pointer(c->ev, "/services/0/clusterArn");
        if (!arn)
            arn = jsonx_pointer(c->ev, "/tasks/0/clusterArn");
        if (cJSON_IsString(arn))
            xput(tg, "cluster_arn", arn);
    }
    if (!xstr(tg, "account") && xstr(tg, "cluster_arn")) {
        struct arn a;
        if (refs_arn_parse(xstr(tg, "cluster_arn"), &a) == 0 && a.account[0])
            cJSON_AddStringToObject(tg, "account", a.account);
    }
    if (!cJSON_GetObjectItemCaseSensitive(tg, "services")) {
        cJSON *names = cJSON_CreateArray();
        cJSON *svc;
        cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(c->ev, "services")) {
            const char *nm = xstr(svc, "serviceName");
            if (nm)
                cJSON_AddItemToArray(names, cJSON_CreateString(nm));
        }
        cJSON_AddItemToObject(tg, "services", names);
    }
}

/* Which source is the target's own: without it there is nothing to diagnose. */
static int primary_source(enum collect_kind k)
{
    return k == COLLECT_TASK ? S_TASKS : k == COLLECT_CLUSTER ? S_CLUSTER : S_SERVICES;
}

static enum err_code resolve_target(struct collect *c, struct err *e)
{
    char cl[256], name[512], region[32];
    const char *kind = c->o.kind == COLLECT_SERVICE ? "service" : c->o.kind == COLLECT_TASK ? "task" : "cluster";
    if (!c->o.target || !*c->o.target)
        return err_set(e, ERR_USAGE, "%s: missing name", kind);
    if (refs_ecs_target(c->o.target, kind, cl, sizeof cl, name, sizeof name, region, sizeof region) != 0)
        return err_set(e, ERR_USAGE, "'%s' is not an ECS %s name or ARN", c->o.target, kind);
    if (c->o.kind == COLLECT_CLUSTER) {
        if (strlen(name) >= sizeof c->cluster)
            return err_set(e, ERR_USAGE, "cluster name too long");
        memcpy(c->cluster, name, strlen(name) + 1);
    } else if (cl[0]) {
        /* An ARN names its cluster; it wins over --cluster. */
        snprintf(c->cluster, sizeof c->cluster, "%s", cl);
    } else if (c->o.cluster && *c->o.cluster) {
        char cn[256], cc[8], cr[32];
        if (refs_ecs_target(c->o.cluster, "cluster", cc, sizeof cc, cn, sizeof cn, cr, sizeof cr) != 0)
            return err_set(e, ERR_USAGE, "--cluster: '%s' is not a cluster name or ARN", c->o.cluster);
        snprintf(c->cluster, sizeof c->cluster, "%s", cn);
    } else {
        snprintf(c->cluster, sizeof c->cluster, "default");
    }
    snprintf(c->target, sizeof c->target, "%s", c->o.kind == COLLECT_CLUSTER ? c->cluster : name);
    return ERR_OK;
}

enum err_code collect_run(const struct collect_io *io, const struct collect_opts *o, cJSON **out,
                          struct collect_stats *stats, struct err *e)
{
    struct collect *c = calloc(1, sizeof *c);
    enum err_code rc = ERR_OK;
    double t0 = collect_clock_ms();
    int n, s, prim;
    *out = NULL;
    if (!c)
        return err_set(e, ERR_NOMEM, "collect: out of memory");
    c->io = io;
    c->o = *o;
    c->now = o->now > 0 ? o->now : (double)time(NULL);
    c->since = c->now - (double)(o->since_s > 0 ? o->since_s : 3 * 3600);
    if (c->o.max_tasks <= 0)
        c->o.max_tasks = 100;
    rc = resolve_target(c, e);
    if (rc != ERR_OK)
        goto out;
    c->ev = skeleton(c);
    c->policies = cJSON_CreateObject();
    c->service_names = cJSON_CreateArray();
    if (!c->ev || !c->policies || !c->service_names) {
        rc = err_set(e, ERR_NOMEM, "collect: out of memory");
        goto out;
    }
    schedule(c);
    rc = io->run(io->ctx);
    if (rc != ERR_OK) {
        err_set(e, rc, "collect: transport failed: %s", err_str(rc));
        goto out;
    }
    for (n = 0; n < N_COUNT; n++)
        if (c->nodes[n].state != 2) {
            rc = err_set(e, ERR_INTERNAL, "collect: node %s never finished", node_defs[n].name);
            goto out;
        }
    if (c->fatal != ERR_OK) {
        rc = err_set(e, c->fatal, "%s", c->msg);
        goto out;
    }
    prim = primary_source(o->kind);
    if (c->src[prim].calls && !c->src[prim].ok) {
        /* The target itself could not be read: nothing to diagnose. */
        cJSON *first = c->src[prim].errors ? cJSON_GetArrayItem(c->src[prim].errors, 0) : NULL;
        enum err_code code = c->src[prim].denied == c->src[prim].failed ? ERR_DENIED : ERR_AWS;
        rc = err_set(e, code, "%s: %s: %s", jsonx_str(first, "operation", source_names[prim]),
                     jsonx_str(first, "code", "error"), jsonx_str(first, "message", "failed"));
        goto out;
    }
    finish_document(c);
    if (c->oom) {
        rc = err_set(e, ERR_NOMEM, "collect: out of memory while building the evidence");
        goto out;
    }
    if (!o->no_redact && redact_evidence(c->ev) < 0) {
        rc = err_set(e, ERR_NOMEM, "collect: out of memory while redacting");
        goto out;
    }
    *out = c->ev;
    c->ev = NULL;
out:
    if (stats) {
        stats->calls = c->calls;
        stats->depth = 0;
        for (n = 0; n < N_COUNT; n++)
            if (c->nodes[n].depth_done > stats->depth)
                stats->depth = c->nodes[n].depth_done;
        stats->wall_ms = collect_clock_ms() - t0;
    }
    for (s = 0; s < S_COUNT; s++)
        cJSON_Delete(c->src[s].errors);
    cJSON_Delete(c->ev);
    cJSON_Delete(c->policies);
    cJSON_Delete(c->service_names);
    cJSON_Delete(c->task_arns[0]);
    cJSON_Delete(c->task_arns[1]);
    cJSON_Delete(c->suggest);
    strset_cleanup(&c->seen);
    strset_cleanup(&c->tasks_seen);
    free(c);
    return rc;
}

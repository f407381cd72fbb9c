/* collect_ecs — the ECS nodes: cluster, caller identity, services, tasks,
 * task definitions (in use and the family's history), capacity and
 * Application Auto Scaling. */
#include "collect/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/refs.h"
#include "util/jsonx.h"
#include "util/strutil.h"

static cJSON *cluster_param(struct collect *c)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "cluster", c->cluster);
    return p;
}

static int is_code(const struct aws_result *res, const char *code)
{
    return res->error.kind != ERR_OK && !strcmp(res->error.code, code);
}

/* An ECS "failures" entry with reason MISSING for any of the asked names. */
static int has_missing(const cJSON *body)
{
    cJSON *f;
    cJSON_ArrayForEach(f, xlist(body, "failures")) {
        const char *r = xstr(f, "reason");
        if (r && !strcmp(r, "MISSING"))
            return 1;
    }
    return 0;
}

/* Names (ARN basenames) of a list answer, for "did you mean". */
static void suggest_from(const cJSON *arns, const char *name, char *out, size_t len)
{
    const char *cand[512];
    size_t n = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, arns) {
        const char *b = cJSON_IsString(it) ? str_basename(it->valuestring) : NULL;
        const char *p;
        int printable = b != NULL;
        /* Names from the answer go into a one-line message: none with
         * control characters. */
        for (p = b; printable && *p; p++)
            printable = (unsigned char)*p >= 0x20 && *p != 0x7f;
        if (printable && n < sizeof cand / sizeof cand[0])
            cand[n++] = b;
    }
    refs_suggest(name, cand, n, out, len);
}

/* ---- cluster ---- */

static int on_list_clusters(struct collect *c, struct call *k, struct aws_result *res)
{
    char near[400] = "";
    (void)k;
    if (res->error.kind == ERR_OK)
        suggest_from(xlist(res->body, "clusterArns"), c->cluster, near, sizeof near);
    collect_fail(c, ERR_NOT_FOUND, "cluster '%s' not found in %s%s%s%s", c->cluster,
                 c->io->region ? c->io->region : "this region", near[0] ? " (did you mean: " : "", near,
                 near[0] ? "?)" : "");
    return res->error.kind == ERR_OK ? 0 : 1;
}

static int on_describe_clusters(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *cl;
    (void)k;
    if (res->error.kind != ERR_OK)
        return 0;
    cl = cJSON_GetArrayItem(xlist(res->body, "clusters"), 0);
    if (cl && !(xstr(cl, "status") && !strcmp(xstr(cl, "status"), "INACTIVE"))) {
        cJSON *tg = cJSON_GetObjectItemCaseSensitive(c->ev, "target");
        xput(c->ev, "cluster", cl);
        if (xstr(cl, "clusterArn"))
            xput(tg, "cluster_arn", cJSON_GetObjectItemCaseSensitive(cl, "clusterArn"));
    } else if (cl || has_missing(res->body)) {
        collect_call(c, N_CLUSTER, S_NONE, "ecs", "ListClusters", NULL, AWS_CALL_PAGINATE, 1000,
                     on_list_clusters, NULL, NULL, 0);
    }
    return 0;
}

void ecs_cluster_start(struct collect *c)
{
    cJSON *p = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(p, "clusters");
    cJSON_AddItemToArray(a, cJSON_CreateString(c->cluster));
    collect_call(c, N_CLUSTER, S_CLUSTER, "ecs", "DescribeClusters", p, 0, 0, on_describe_clusters,
                 NULL, NULL, 0);
}

/* ---- caller identity (not a source: its failure is not fatal) ---- */

static int on_identity(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *v = res->error.kind == ERR_OK ? xget(res->body, "Account") : NULL;
    (void)k;
    if (cJSON_IsString(v))
        xput(cJSON_GetObjectItemCaseSensitive(c->ev, "target"), "account", v);
    return 1; /* not a source: a failure only loses the account id */
}

void ecs_identity_start(struct collect *c)
{
    collect_call(c, N_IDENTITY, S_NONE, "sts", "GetCallerIdentity", NULL, 0, 0, on_identity, NULL,
                 NULL, 0);
}

/* ---- services ---- */

static void add_service(struct collect *c, const cJSON *svc)
{
    cJSON *arr = jsonx_arr(c->ev, "services");
    cJSON *dup = cJSON_Duplicate(svc, 1), *events;
    if (!arr || !dup) {
        cJSON_Delete(dup);
        c->oom = 1;
        return;
    }
    /* DescribeServices returns up to 100 events, newest first; keep that bound. */
    events = cJSON_GetObjectItemCaseSensitive(dup, "events");
    if (cJSON_IsArray(events) && cJSON_GetArraySize(events) > MAX_EVENTS)
        collect_discard(c, S_SERVICES, cJSON_GetArraySize(events) - MAX_EVENTS,
                        "service events past the newest 100");
    while (cJSON_IsArray(events) && cJSON_GetArraySize(events) > MAX_EVENTS)
        cJSON_DeleteItemFromArray(events, cJSON_GetArraySize(events) - 1);
    cJSON_AddItemToArray(arr, dup);
}

static int on_list_services_suggest(struct collect *c, struct call *k, struct aws_result *res)
{
    char near[400] = "";
    (void)k;
    if (res->error.kind == ERR_OK)
        suggest_from(xlist(res->body, "serviceArns"), c->target, near, sizeof near);
    collect_fail(c, ERR_NOT_FOUND, "service '%s' not found in cluster '%s'%s%s%s", c->target, c->cluster,
                 near[0] ? " (did you mean: " : "", near, near[0] ? "?)" : "");
    return res->error.kind == ERR_OK ? 0 : 1;
}

static int on_describe_services(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *svc;
    int found = 0;
    if (is_code(res, "ClusterNotFoundException")) {
        c->cluster_missing = 1;
        return 1;
    }
    if (res->error.kind != ERR_OK)
        return 0;
    cJSON_ArrayForEach(svc, xlist(res->body, "services")) {
        add_service(c, svc);
        found++;
    }
    /* MISSING, or simply no service in the answer: either way it is not
     * there, and a report about nothing would read as healthy. */
    if (!found && c->o.kind == COLLECT_SERVICE) {
        cJSON *p = cluster_param(c);
        collect_call(c, k->node, S_NONE, "ecs", "ListServices", p, AWS_CALL_PAGINATE, 1000,
                     on_list_services_suggest, NULL, NULL, 0);
    }
    return 0;
}

static void describe_services(struct collect *c, cJSON *names)
{
    int n = cJSON_GetArraySize(names), i;
    for (i = 0; i < n; i += MAX_DESCRIBE_SERVICES) {
        cJSON *p = cluster_param(c), *a = cJSON_AddArrayToObject(p, "services");
        int j;
        for (j = i; j < n && j < i + MAX_DESCRIBE_SERVICES; j++)
            cJSON_AddItemToArray(a, cJSON_CreateString(cJSON_GetArrayItem(names, j)->valuestring));
        collect_call(c, N_SERVICES, S_SERVICES, "ecs", "DescribeServices", p, 0, 0,
                     on_describe_services, NULL, NULL, i);
    }
}

static int on_list_services(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *it;
    (void)k;
    if (is_code(res, "ClusterNotFoundException")) {
        c->cluster_missing = 1;
        return 1;
    }
    if (res->error.kind != ERR_OK)
        return 0;
    cJSON_ArrayForEach(it, xlist(res->body, "serviceArns")) {
        if (cJSON_IsString(it))
            cJSON_AddItemToArray(c->service_names, cJSON_CreateString(str_basename(it->valuestring)));
    }
    if (!cJSON_GetArraySize(c->service_names))
        collect_skip(c, S_SERVICES, "no services in the cluster");
    describe_services(c, c->service_names);
    return 0;
}

void ecs_services_start(struct collect *c)
{
    if (c->o.kind == COLLECT_CLUSTER) {
        /* The largest page (100; the API's default is 10): a 300-service
         * cluster lists in 3 calls instead of 30. */
        cJSON *p = cluster_param(c);
        cJSON_AddNumberToObject(p, "maxResults", 100);
        collect_call(c, N_SERVICES, S_SERVICES, "ecs", "ListServices", p, AWS_CALL_PAGINATE, 0,
                     on_list_services, NULL, NULL, 0);
        return;
    }
    if (c->o.kind == COLLECT_TASK) {
        /* A service's tasks carry group "service:NAME". */
        cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c->ev, "tasks"), 0);
        const char *g = xstr(t, "group");
        if (!g || strncmp(g, "service:", 8) || !g[8]) {
            collect_skip(c, S_SERVICES, "the task was not started by a service");
            return;
        }
        cJSON_AddItemToArray(c->service_names, cJSON_CreateString(g + 8));
    } else {
        cJSON_AddItemToArray(c->service_names, cJSON_CreateString(c->target));
    }
    describe_services(c, c->service_names);
}

/* Cluster targets list services in ListServices order; answers arrive in any order. */
void ecs_services_finish(struct collect *c)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(c->ev, "services");
    cJSON *sorted, *name, *tg = cJSON_GetObjectItemCaseSensitive(c->ev, "target");
    if (c->o.kind == COLLECT_CLUSTER)
        xput(tg, "services", c->service_names);
    if (!arr || c->o.kind != COLLECT_CLUSTER)
        return;
    sorted = cJSON_CreateArray();
    if (!sorted) {
        c->oom = 1;
        return;
    }
    cJSON_ArrayForEach(name, c->service_names) {
        int i, n = cJSON_GetArraySize(arr);
        for (i = 0; i < n; i++) {
            cJSON *svc = cJSON_GetArrayItem(arr, i);
            const char *sn = xstr(svc, "serviceName");
            if (sn && !strcmp(sn, name->valuestring)) {
                cJSON_AddItemToArray(sorted, cJSON_DetachItemFromArray(arr, i));
                break;
            }
        }
    }
    while (cJSON_GetArraySize(arr))
        cJSON_AddItemToArray(sorted, cJSON_DetachItemFromArray(arr, 0));
    cJSON_ReplaceItemInObjectCaseSensitive(c->ev, "services", sorted);
}

/* ---- tasks ---- */

static int on_list_tasks_suggest(struct collect *c, struct call *k, struct aws_result *res)
{
    char near[400] = "";
    cJSON *it;
    (void)k;
    if (res->error.kind == ERR_OK && c->suggest)
        cJSON_ArrayForEach(it, xlist(res->body, "taskArns"))
            if (cJSON_IsString(it) && cJSON_GetArraySize(c->suggest) < 2000)
                cJSON_AddItemToArray(c->suggest, cJSON_CreateString(it->valuestring));
    if (--c->suggest_left > 0)
        return res->error.kind == ERR_OK ? 0 : 1;
    suggest_from(c->suggest, c->target, near, sizeof near);
    collect_fail(c, ERR_NOT_FOUND,
                 "task '%s' not found in cluster '%s'%s%s%s (stopped tasks stay visible for about an hour)",
                 c->target, c->cluster, near[0] ? " (did you mean: " : "", near, near[0] ? "?)" : "");
    return res->error.kind == ERR_OK ? 0 : 1;
}

/* The asked task is not there: name it, with the cluster's task ids that
 * come close (running and recently stopped), then fail. */
static void task_missing(struct collect *c, int node)
{
    static const char *const status[2] = {"RUNNING", "STOPPED"};
    int w;
    if (c->suggest)
        return;
    c->suggest = cJSON_CreateArray();
    if (!c->suggest) {
        c->oom = 1;
        return;
    }
    c->suggest_left = 2;
    for (w = 0; w < 2; w++) {
        cJSON *p = cluster_param(c);
        cJSON_AddStringToObject(p, "desiredStatus", status[w]);
        collect_call(c, node, S_NONE, "ecs", "ListTasks", p, AWS_CALL_PAGINATE, 1000, on_list_tasks_suggest,
                     NULL, NULL, w);
    }
}

static int on_describe_tasks(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *t, *arr;
    int found = 0;
    if (is_code(res, "ClusterNotFoundException")) {
        c->cluster_missing = 1;
        return 1;
    }
    if (res->error.kind != ERR_OK)
        return 0;
    arr = jsonx_arr(c->ev, "tasks");
    cJSON_ArrayForEach(t, xlist(res->body, "tasks")) {
        cJSON_AddItemToArray(arr, cJSON_Duplicate(t, 1));
        found++;
    }
    /* MISSING, or no task at all in the answer. */
    if (!found && c->o.kind == COLLECT_TASK)
        task_missing(c, k->node);
    return 0;
}

static void describe_tasks(struct collect *c, const struct strset *arns)
{
    size_t i;
    for (i = 0; i < arns->n; i += MAX_DESCRIBE_TASKS) {
        cJSON *p = cluster_param(c);
        cJSON_AddItemToObject(p, "tasks", str_array(arns, i, MAX_DESCRIBE_TASKS));
        collect_call(c, N_TASKS, S_TASKS, "ecs", "DescribeTasks", p, 0, 0, on_describe_tasks, NULL,
                     NULL, (long)i);
    }
}

static int on_list_tasks(struct collect *c, struct call *k, struct aws_result *res)
{
    int which = (int)k->num;
    if (is_code(res, "ClusterNotFoundException")) {
        c->cluster_missing = 1;
        res->error.kind = ERR_OK; /* reported once, by the cluster */
    }
    if (res->error.kind == ERR_OK && xlist(res->body, "taskArns"))
        c->task_arns[which] = cJSON_Duplicate(xlist(res->body, "taskArns"), 1);
    /* Describe the union of both lists once both are in: fewer, fuller batches. */
    if (--c->listtasks_left == 0) {
        struct strset all = {0};
        int w;
        cJSON *it;
        for (w = 0; w < 2; w++)
            cJSON_ArrayForEach(it, c->task_arns[w]) {
                if (cJSON_IsString(it) && strset_add(&all, it->valuestring) < 0)
                    c->oom = 1;
            }
        if (!all.n)
            collect_skip(c, S_TASKS, "no running or recently stopped tasks");
        describe_tasks(c, &all);
        strset_cleanup(&all);
    }
    return res->error.kind == ERR_OK ? 1 : 0;
}

void ecs_tasks_start(struct collect *c)
{
    static const char *const status[2] = {"STOPPED", "RUNNING"};
    int w;
    if (c->o.kind == COLLECT_TASK) {
        struct strset one = {0};
        if (strset_add(&one, c->target) < 0)
            c->oom = 1;
        describe_tasks(c, &one);
        strset_cleanup(&one);
        return;
    }
    c->listtasks_left = 2;
    for (w = 0; w < 2; w++) {
        cJSON *p = cluster_param(c);
        if (c->o.kind == COLLECT_SERVICE)
            cJSON_AddStringToObject(p, "serviceName", c->target);
        cJSON_AddStringToObject(p, "desiredStatus", status[w]);
        /* ListTasks has no time filter: bound the STOPPED list by --max-tasks
         * and keep what falls in the window after DescribeTasks. */
        collect_call(c, N_TASKS, S_TASKS, "ecs", "ListTasks", p, AWS_CALL_PAGINATE,
                     w == 0 ? (int)c->o.max_tasks : 1000, on_list_tasks, NULL, NULL, w);
    }
}

static double task_time(const cJSON *t)
{
    static const char *const keys[] = {"stoppedAt", "stoppingAt", "startedAt", "createdAt"};
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(t, keys[i]);
        if (cJSON_IsNumber(v))
            return v->valuedouble;
    }
    return 0;
}

static int is_stopped(const cJSON *t)
{
    const char *d = xstr(t, "desiredStatus"), *l = xstr(t, "lastStatus");
    return (d && !strcmp(d, "STOPPED")) || (l && !strcmp(l, "STOPPED"));
}

static int cmp_tasks(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    int sx = is_stopped(x), sy = is_stopped(y);
    double tx = task_time(x), ty = task_time(y);
    if (sx != sy)
        return sy - sx; /* stopped first */
    return tx < ty ? 1 : tx > ty ? -1 : 0;
}

/* Keep STOPPED tasks of the window (newest first, at most --max-tasks) and
 * every RUNNING one. */
void ecs_tasks_finish(struct collect *c)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(c->ev, "tasks"), *out;
    cJSON **v;
    int n, i, kept_stopped = 0, dropped_old = 0, dropped_cap = 0;
    if (!arr)
        return;
    n = cJSON_GetArraySize(arr);
    v = calloc((size_t)n + 1, sizeof *v);
    out = cJSON_CreateArray();
    if (!v || !out) {
        free(v);
        cJSON_Delete(out);
        c->oom = 1;
        return;
    }
    for (i = 0; i < n; i++)
        v[i] = cJSON_DetachItemFromArray(arr, 0);
    qsort(v, (size_t)n, sizeof *v, cmp_tasks);
    for (i = 0; i < n; i++) {
        int keep = 1, untimed = task_time(v[i]) <= 0;
        /* A stopped task without stoppedAt/createdAt cannot be placed in
         * the window, but it may be the one failure that explains the
         * outage: it is kept and flagged ("untimed": true). */
        if (c->o.kind != COLLECT_TASK && is_stopped(v[i])) {
            if (kept_stopped >= c->o.max_tasks) {
                keep = 0;
                dropped_cap++;
            } else if (!untimed && task_time(v[i]) < c->since) {
                keep = 0;
                dropped_old++;
            }
        }
        if (keep) {
            kept_stopped += is_stopped(v[i]);
            if (untimed && is_stopped(v[i]) && !cJSON_AddTrueToObject(v[i], "untimed"))
                c->oom = 1;
            cJSON_AddItemToArray(out, v[i]);
        } else {
            cJSON_Delete(v[i]);
        }
    }
    free(v);
    collect_discard(c, S_TASKS, dropped_old, "stopped tasks that stopped before the window");
    collect_discard(c, S_TASKS, dropped_cap, "stopped tasks past --max-tasks");
    cJSON_ReplaceItemInObjectCaseSensitive(c->ev, "tasks", out);
}

/* ---- task definitions ---- */

static void add_str(struct collect *c, struct strset *s, const char *v)
{
    if (v && *v && strset_add(s, v) < 0)
        c->oom = 1;
}

static void service_taskdefs(struct collect *c, struct strset *out)
{
    cJSON *svc, *d;
    cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(c->ev, "services")) {
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(svc, "deployments"))
            add_str(c, out, xstr(d, "taskDefinition"));
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(svc, "taskSets"))
            add_str(c, out, xstr(d, "taskDefinition"));
        add_str(c, out, xstr(svc, "taskDefinition"));
    }
}

static void tasks_taskdefs(struct collect *c, struct strset *out)
{
    cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(c->ev, "tasks"))
        add_str(c, out, xstr(t, "taskDefinitionArn"));
}

/* The task definitions the target runs: its deployments' (or the task's own). */
void inuse_taskdefs(struct collect *c, struct strset *out)
{
    if (c->o.kind == COLLECT_TASK)
        tasks_taskdefs(c, out);
    else
        service_taskdefs(c, out);
}

static int on_describe_taskdef(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *td = xget(res->body, "taskDefinition");
    const char *arn = xstr(td, "taskDefinitionArn");
    if (res->error.kind != ERR_OK || !td)
        return 0;
    xput(ev_section(c, "task_definitions", NULL), arn ? arn : k->tag, td);
    return 0;
}

static void describe_taskdef(struct collect *c, int node, const char *arn)
{
    cJSON *p;
    if (!collect_once(c, "td", arn))
        return;
    p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "taskDefinition", arn);
    collect_call(c, node, S_TASKDEFS, "ecs", "DescribeTaskDefinition", p, 0, 0, on_describe_taskdef,
                 arn, NULL, 0);
}

void ecs_taskdefs_start(struct collect *c)
{
    struct strset s = {0};
    size_t i;
    inuse_taskdefs(c, &s);
    if (!s.n)
        collect_skip(c, S_TASKDEFS, "no task definition referenced");
    for (i = 0; i < s.n; i++)
        describe_taskdef(c, N_TASKDEFS, s.v[i]);
    strset_cleanup(&s);
}

static int on_list_taskdefs(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *hist, *list, *it;
    const char *prev = NULL;
    if (res->error.kind != ERR_OK)
        return 0;
    hist = ev_section(c, "task_definition_history", NULL);
    list = cJSON_CreateArray();
    /* familyPrefix matches "web" and "web-worker": keep the exact family. */
    cJSON_ArrayForEach(it, xlist(res->body, "taskDefinitionArns")) {
        char fam[256];
        long rev;
        if (!cJSON_IsString(it) || refs_taskdef_family(it->valuestring, fam, sizeof fam, &rev) != 0 ||
            strcmp(fam, k->tag))
            continue;
        cJSON_AddItemToArray(list, cJSON_CreateString(it->valuestring));
        /* The newest revision older than the newest in use: what a failing
         * deployment replaces, the last one that (probably) ran healthy. */
        if (!prev && rev < k->num)
            prev = it->valuestring;
    }
    if (hist && list)
        cJSON_AddItemToObject(hist, k->tag, list);
    else
        cJSON_Delete(list);
    if (prev)
        describe_taskdef(c, N_TDHIST, prev);
    return 0;
}

/* 1 when the service is failing or changing (what "what changed" and the
 * deployment checks compare): a deployment not COMPLETED or short of its
 * desired count. */
static int service_troubled(const cJSON *svc)
{
    cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(svc, "deployments")) {
        const char *rs = xstr(d, "rolloutState");
        if ((rs && strcmp(rs, "COMPLETED")) ||
            jsonx_num(d, "runningCount", 0) < jsonx_num(d, "desiredCount", 0))
            return 1;
    }
    return 0;
}

static void add_family(struct collect *c, struct strset *fams, const char *arn)
{
    char fam[256];
    long rev;
    if (arn && refs_taskdef_family(arn, fam, sizeof fam, &rev) == 0)
        add_str(c, fams, fam);
}

/* The families to read the history of, the ones that need it first: those
 * of failing or changing services and of tasks that failed, then the rest. */
static void history_families(struct collect *c, struct strset *fams)
{
    cJSON *svc, *d, *t;
    cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(c->ev, "services")) {
        if (!service_troubled(svc))
            continue;
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(svc, "deployments"))
            add_family(c, fams, xstr(d, "taskDefinition"));
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(svc, "taskSets"))
            add_family(c, fams, xstr(d, "taskDefinition"));
        add_family(c, fams, xstr(svc, "taskDefinition"));
    }
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(c->ev, "tasks")) {
        const char *code = xstr(t, "stopCode");
        if (code && (!strcmp(code, "TaskFailedToStart") || !strcmp(code, "EssentialContainerExited")))
            add_family(c, fams, xstr(t, "taskDefinitionArn"));
    }
}

void ecs_tdhist_start(struct collect *c)
{
    struct strset all = {0}, fams = {0};
    size_t i, f;
    service_taskdefs(c, &all);
    tasks_taskdefs(c, &all);
    history_families(c, &fams);
    for (i = 0; i < all.n; i++) {
        /* Stopped tasks may run revisions no deployment lists any more. */
        describe_taskdef(c, N_TDHIST, all.v[i]);
        add_family(c, &fams, all.v[i]);
    }
    /* One ListTaskDefinitions per family (and maybe one more
     * DescribeTaskDefinition): bounded, and the cut said in the source's
     * status, so a family without history is "not read", not "no history". */
    if (fams.n > MAX_TD_HISTORY_FAMILIES)
        collect_note(c, S_TASKDEFS,
                     "revision history (ListTaskDefinitions) read for %d of %zu task definition families, "
                     "failing and changing services' first; the other %zu have no earlier revision to "
                     "compare with",
                     MAX_TD_HISTORY_FAMILIES, fams.n, fams.n - MAX_TD_HISTORY_FAMILIES);
    for (f = 0; f < fams.n && f < MAX_TD_HISTORY_FAMILIES; f++) {
        cJSON *p = cJSON_CreateObject();
        long newest = 0;
        for (i = 0; i < all.n; i++) {
            char fam[256];
            long rev;
            if (refs_taskdef_family(all.v[i], fam, sizeof fam, &rev) == 0 && !strcmp(fam, fams.v[f]) &&
                rev > newest)
                newest = rev;
        }
        cJSON_AddStringToObject(p, "familyPrefix", fams.v[f]);
        cJSON_AddStringToObject(p, "sort", "DESC");
        cJSON_AddNumberToObject(p, "maxResults", 10);
        collect_call(c, N_TDHIST, S_TASKDEFS, "ecs", "ListTaskDefinitions", p, 0, 0, on_list_taskdefs,
                     fams.v[f], NULL, newest);
    }
    strset_cleanup(&all);
    strset_cleanup(&fams);
}

/* ---- capacity (EC2 launch type / capacity providers) ---- */

static int is_fargate(const char *cp)
{
    return cp && (!strcmp(cp, "FARGATE") || !strcmp(cp, "FARGATE_SPOT"));
}

static void strategy_providers(struct collect *c, const cJSON *strategy, struct strset *cps, int *ec2)
{
    cJSON *it;
    cJSON_ArrayForEach(it, strategy) {
        const char *cp = xstr(it, "capacityProvider");
        if (cp && !is_fargate(cp)) {
            *ec2 = 1;
            add_str(c, cps, cp);
        }
    }
}

static int on_describe_cps(struct collect *c, struct call *k, struct aws_result *res)
{
    (void)k;
    if (res->error.kind == ERR_OK && xlist(res->body, "capacityProviders"))
        xput(ev_section(c, "capacity", NULL), "capacity_providers", xlist(res->body, "capacityProviders"));
    return 0;
}

static int on_describe_cis(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *arr, *it;
    (void)k;
    if (res->error.kind != ERR_OK)
        return 0;
    arr = jsonx_arr(ev_section(c, "capacity", NULL), "container_instances");
    cJSON_ArrayForEach(it, xlist(res->body, "containerInstances"))
        cJSON_AddItemToArray(arr, cJSON_Duplicate(it, 1));
    return 0;
}

static int on_list_cis(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *arns = xlist(res->body, "containerInstanceArns");
    int n = cJSON_GetArraySize(arns), i;
    (void)k;
    if (res->error.kind != ERR_OK)
        return 0;
    /* No instances at all is a fact ([]); with some listed, only what
     * DescribeContainerInstances answers goes in: if it is refused the list
     * stays absent (unknown), never an empty one that reads as "none". */
    if (!n)
        jsonx_arr(ev_section(c, "capacity", NULL), "container_instances");
    for (i = 0; i < n; i += MAX_CONTAINER_INSTANCES) {
        cJSON *p = cluster_param(c), *a = cJSON_AddArrayToObject(p, "containerInstances");
        int j;
        for (j = i; j < n && j < i + MAX_CONTAINER_INSTANCES; j++)
            cJSON_AddItemToArray(a, cJSON_Duplicate(cJSON_GetArrayItem(arns, j), 1));
        collect_call(c, N_CAPACITY, S_CAPACITY, "ecs", "DescribeContainerInstances", p, 0, 0,
                     on_describe_cis, NULL, NULL, i);
    }
    return 0;
}

void ecs_capacity_start(struct collect *c)
{
    struct strset cps = {0};
    int ec2 = 0;
    cJSON *svc, *t, *cl = cJSON_GetObjectItemCaseSensitive(c->ev, "cluster");
    cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(c->ev, "services")) {
        const char *lt = xstr(svc, "launchType");
        cJSON *st = cJSON_GetObjectItemCaseSensitive(svc, "capacityProviderStrategy");
        if (lt && (!strcmp(lt, "EC2") || !strcmp(lt, "EXTERNAL")))
            ec2 = 1;
        if (cJSON_GetArraySize(st))
            strategy_providers(c, st, &cps, &ec2);
        else if (!lt)
            strategy_providers(c, cJSON_GetObjectItemCaseSensitive(cl, "defaultCapacityProviderStrategy"),
                               &cps, &ec2);
    }
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(c->ev, "tasks")) {
        const char *lt = xstr(t, "launchType");
        if ((lt && strcmp(lt, "FARGATE")) || xstr(t, "containerInstanceArn"))
            ec2 = 1;
        if (xstr(t, "capacityProviderName") && !is_fargate(xstr(t, "capacityProviderName")))
            add_str(c, &cps, xstr(t, "capacityProviderName"));
    }
    if (!ec2) {
        collect_skip(c, S_CAPACITY, "Fargate only: no container instances to look at");
        goto out;
    }
    collect_call(c, N_CAPACITY, S_CAPACITY, "ecs", "ListContainerInstances", cluster_param(c),
                 AWS_CALL_PAGINATE, 1000, on_list_cis, NULL, NULL, 0);
    if (cps.n) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddItemToObject(p, "capacityProviders", str_array(&cps, 0, cps.n));
        collect_call(c, N_CAPACITY, S_CAPACITY, "ecs", "DescribeCapacityProviders", p, 0, 0,
                     on_describe_cps, NULL, NULL, 0);
    }
out:
    strset_cleanup(&cps);
}

/* ---- Application Auto Scaling ---- */

/* k->tag, when set, is the JSON array of resource ids a namespace-wide
 * answer is filtered to (cluster targets: one call instead of one per service). */
static int on_scaling(struct collect *c, struct call *k, struct aws_result *res)
{
    static const char *const keys[3][2] = {{"ScalableTargets", "scalable_targets"},
                                           {"ScalingActivities", "activities"},
                                           {"ScalingPolicies", "policies"}};
    cJSON *arr, *it, *want = k->tag ? cJSON_Parse(k->tag) : NULL;
    if (res->error.kind != ERR_OK) {
        cJSON_Delete(want);
        return 0;
    }
    arr = jsonx_arr(ev_section(c, "scaling", NULL), keys[k->num][1]);
    cJSON_ArrayForEach(it, xlist(res->body, keys[k->num][0])) {
        const char *rid = xstr(it, "ResourceId");
        int keep = !want;
        cJSON *w;
        cJSON_ArrayForEach(w, want) {
            if (rid && cJSON_IsString(w) && !strcmp(w->valuestring, rid))
                keep = 1;
        }
        if (keep)
            cJSON_AddItemToArray(arr, cJSON_Duplicate(it, 1));
    }
    cJSON_Delete(want);
    return 0;
}

static cJSON *scaling_param(const char *rid)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "ServiceNamespace", "ecs");
    /* The API takes a scalable dimension only together with a resource id. */
    if (rid) {
        cJSON_AddStringToObject(p, "ResourceId", rid);
        cJSON_AddStringToObject(p, "ScalableDimension", "ecs:service:DesiredCount");
    }
    return p;
}

void ecs_scaling_start(struct collect *c)
{
    struct strset rids = {0};
    cJSON *svc;
    size_t i;
    cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(c->ev, "services")) {
        char rid[600];
        if (!xstr(svc, "serviceName"))
            continue;
        snprintf(rid, sizeof rid, "service/%s/%s", c->cluster, xstr(svc, "serviceName"));
        add_str(c, &rids, rid);
    }
    if (!rids.n) {
        collect_skip(c, S_SCALING, "no services");
        return;
    }
    ev_section(c, "scaling", NULL);
    for (i = 0; i < rids.n; i += 50) {
        cJSON *p = scaling_param(NULL);
        cJSON_AddItemToObject(p, "ResourceIds", str_array(&rids, i, 50));
        cJSON_AddStringToObject(p, "ScalableDimension", "ecs:service:DesiredCount");
        collect_call(c, N_SCALING, S_SCALING, "application-autoscaling", "DescribeScalableTargets", p,
                     AWS_CALL_PAGINATE, 0, on_scaling, NULL, NULL, 0);
    }
    if (rids.n == 1) {
        cJSON *p = scaling_param(rids.v[0]);
        cJSON_AddNumberToObject(p, "MaxResults", 20);
        collect_call(c, N_SCALING, S_SCALING, "application-autoscaling", "DescribeScalingActivities", p, 0,
                     0, on_scaling, NULL, NULL, 1);
        collect_call(c, N_SCALING, S_SCALING, "application-autoscaling", "DescribeScalingPolicies",
                     scaling_param(rids.v[0]), AWS_CALL_PAGINATE, 0, on_scaling, NULL, NULL, 2);
    } else {
        /* Application Auto Scaling allows few requests per second: for many
         * services, read the namespace once and keep ours. */
        cJSON *want = str_array(&rids, 0, rids.n);
        char *tag = want ? cJSON_PrintUnformatted(want) : NULL;
        cJSON_Delete(want);
        if (!tag) {
            c->oom = 1;
        } else {
            collect_call(c, N_SCALING, S_SCALING, "application-autoscaling", "DescribeScalingActivities",
                         scaling_param(NULL), AWS_CALL_PAGINATE, 200, on_scaling, tag, NULL, 1);
            collect_call(c, N_SCALING, S_SCALING, "application-autoscaling", "DescribeScalingPolicies",
                         scaling_param(NULL), AWS_CALL_PAGINATE, 500, on_scaling, tag, NULL, 2);
        }
        free(tag);
    }
    strset_cleanup(&rids);
}

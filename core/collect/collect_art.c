/* collect_art — what the task definitions point at: container images (ECR:
 * does the tag/digest exist), secrets (existence only — values are never
 * fetched) and the last log lines of the newest stopped tasks' essential
 * containers using awslogs. */
#include "collect/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/endpoint.h"
#include "collect/refs.h"
#include "util/jsonx.h"

static cJSON *inuse_defs(struct collect *c, struct strset *tds)
{
    inuse_taskdefs(c, tds);
    return cJSON_GetObjectItemCaseSensitive(c->ev, "task_definitions");
}

static void add_error(cJSON *entry, const struct aws_result *res)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "code", res->error.code[0] ? res->error.code : err_str(res->error.kind));
    cJSON_AddStringToObject(e, "message", res->error.message);
    xput(entry, "error", e);
    cJSON_Delete(e);
}

static int region_ok(struct collect *c, const char *region)
{
    return !region || !*region || !c->io->region || !strcmp(region, c->io->region);
}

/* Another region is fine (asked there); another partition is not: the
 * client's credentials do not exist there. Records why on entry. */
static int partition_ok(struct collect *c, const char *region, cJSON *entry, const char *what)
{
    char msg[200];
    cJSON *e;
    if (region_ok(c, region) || !c->io->partition || !strcmp(endpoint_partition(region), c->io->partition))
        return 1;
    e = cJSON_AddObjectToObject(entry, "error");
    snprintf(msg, sizeof msg, "the %s is in %s, another AWS partition than the client's (%s)", what, region,
             c->io->partition);
    cJSON_AddStringToObject(e, "code", "CrossPartition");
    cJSON_AddStringToObject(e, "message", msg);
    return 0;
}

/* ---- images ---- */

static int on_images(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *img = jsonx_obj(ev_section(c, "images", NULL), k->tag);
    if (!img)
        return 0;
    if (res->error.kind == ERR_OK) {
        cJSON *d = cJSON_GetArrayItem(xlist(res->body, "imageDetails"), 0);
        cJSON_ReplaceItemInObjectCaseSensitive(img, "exists", cJSON_CreateBool(d != NULL));
        if (d)
            xput(img, "imageDetail", d);
        return 0;
    }
    add_error(img, res);
    if (!strcmp(res->error.code, "ImageNotFoundException") ||
        !strcmp(res->error.code, "RepositoryNotFoundException")) {
        cJSON_ReplaceItemInObjectCaseSensitive(img, "exists", cJSON_CreateFalse());
        return 1;
    }
    return 0;
}

static void image_entry(struct collect *c, const char *ref)
{
    struct image_ref r;
    cJSON *img = jsonx_obj(ev_section(c, "images", NULL), ref), *p, *ids, *id;
    if (!img || cJSON_GetObjectItemCaseSensitive(img, "registry"))
        return;
    if (refs_image_parse(ref, &r) != 0) {
        cJSON_AddStringToObject(img, "registry", "other");
        cJSON_AddNullToObject(img, "exists");
        cJSON_AddStringToObject(img, "error", "unparseable image reference");
        return;
    }
    cJSON_AddStringToObject(img, "registry", r.registry);
    if (r.registry_id[0])
        cJSON_AddStringToObject(img, "registryId", r.registry_id);
    cJSON_AddStringToObject(img, "repository", r.repository);
    if (r.tag[0])
        cJSON_AddStringToObject(img, "tag", r.tag);
    else
        cJSON_AddNullToObject(img, "tag");
    if (r.digest[0])
        cJSON_AddStringToObject(img, "digest", r.digest);
    else
        cJSON_AddNullToObject(img, "digest");
    if (r.region[0])
        cJSON_AddStringToObject(img, "region", r.region);
    cJSON_AddNullToObject(img, "exists");
    if (strcmp(r.registry, "ecr") || !partition_ok(c, r.region, img, "registry"))
        return;
    p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "registryId", r.registry_id);
    cJSON_AddStringToObject(p, "repositoryName", r.repository);
    ids = cJSON_AddArrayToObject(p, "imageIds");
    id = cJSON_CreateObject();
    if (r.digest[0])
        cJSON_AddStringToObject(id, "imageDigest", r.digest);
    else
        cJSON_AddStringToObject(id, "imageTag", r.tag);
    cJSON_AddItemToArray(ids, id);
    /* A registry in another region is asked there (same credentials). */
    collect_call_in(c, r.region, N_IMAGES, S_IMAGES, "ecr", "DescribeImages", p, 0, 0, on_images, ref, NULL, 0);
}

void art_images_start(struct collect *c)
{
    struct strset tds = {0};
    cJSON *defs = inuse_defs(c, &tds), *cd;
    size_t i;
    for (i = 0; i < tds.n; i++) {
        cJSON *td = cJSON_GetObjectItemCaseSensitive(defs, tds.v[i]);
        cJSON_ArrayForEach(cd, cJSON_GetObjectItemCaseSensitive(td, "containerDefinitions")) {
            const char *img = xstr(cd, "image");
            if (img && collect_once(c, "image", img))
                image_entry(c, img);
        }
    }
    if (!c->src[S_IMAGES].calls)
        collect_skip(c, S_IMAGES, tds.n ? "no ECR images referenced" : "no task definition available");
    strset_cleanup(&tds);
}

/* ---- secrets ---- */

static void secret_fill(struct collect *c, enum secret_kind kind, const char *id, int exists,
                        const cJSON *detail, const struct aws_result *err)
{
    cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(c->ev, "secrets")) {
        struct secret_ref r;
        if (refs_secret_parse(s->string, &r) != 0 || r.kind != kind || strcmp(r.id, id))
            continue;
        cJSON_ReplaceItemInObjectCaseSensitive(s, "exists", exists < 0 ? cJSON_CreateNull() : cJSON_CreateBool(exists));
        if (detail) {
            cJSON *d = cJSON_Duplicate(detail, 1);
            /* Existence only: GetParameters returns String values even
             * without decryption, and SecureString ciphertext. Never keep them. */
            cJSON_DeleteItemFromObjectCaseSensitive(d, "Value");
            cJSON_DeleteItemFromObjectCaseSensitive(d, "SecretString");
            cJSON_DeleteItemFromObjectCaseSensitive(d, "SecretBinary");
            xput(s, "detail", d);
            if (xstr(d, "ARN"))
                xput(s, "arn", cJSON_GetObjectItemCaseSensitive(d, "ARN"));
            cJSON_Delete(d);
        }
        if (err)
            add_error(s, err);
    }
}

static int on_describe_secret(struct collect *c, struct call *k, struct aws_result *res)
{
    if (res->error.kind == ERR_OK) {
        secret_fill(c, SECRET_SM, k->tag, 1, res->body, NULL);
        return 0;
    }
    if (!strcmp(res->error.code, "ResourceNotFoundException")) {
        secret_fill(c, SECRET_SM, k->tag, 0, NULL, res);
        return 1;
    }
    secret_fill(c, SECRET_SM, k->tag, -1, NULL, res);
    return 0;
}

static int on_get_parameters(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *names = cJSON_Parse(k->tag), *n, *p;
    if (!names)
        return 0;
    cJSON_ArrayForEach(n, names) {
        struct secret_ref r;
        int found = 0;
        if (!cJSON_IsString(n) || refs_secret_parse(n->valuestring, &r) != 0)
            continue;
        if (res->error.kind != ERR_OK) {
            secret_fill(c, SECRET_SSM, r.id, -1, NULL, res);
            continue;
        }
        cJSON_ArrayForEach(p, xlist(res->body, "Parameters")) {
            const char *pn = xstr(p, "Name"), *pa = xstr(p, "ARN");
            if ((pn && (!strcmp(pn, r.id) || !strcmp(pn, r.name))) || (pa && !strcmp(pa, r.id))) {
                secret_fill(c, SECRET_SSM, r.id, 1, p, NULL);
                found = 1;
                break;
            }
        }
        if (!found)
            secret_fill(c, SECRET_SSM, r.id, 0, NULL, NULL);
    }
    cJSON_Delete(names);
    return 0;
}

/* GetParameters for n names (at most MAX_GET_PARAMETERS) in region (NULL:
 * the client's). Existence only: see on_get_parameters. */
static void get_parameters(struct collect *c, const char *region, const char *const *names, size_t n)
{
    cJSON *p = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(p, "Names");
    char *tag;
    size_t i;
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    tag = cJSON_PrintUnformatted(a);
    cJSON_AddFalseToObject(p, "WithDecryption");
    collect_call_in(c, region, N_SECRETS, S_SECRETS, "ssm", "GetParameters", p, 0, 0, on_get_parameters, tag,
                    NULL, 0);
    free(tag);
}

static void secret_entry(struct collect *c, const char *value_from, struct strset *ssm)
{
    struct secret_ref r;
    cJSON *s = jsonx_obj(ev_section(c, "secrets", NULL), value_from);
    if (!s || cJSON_GetObjectItemCaseSensitive(s, "kind"))
        return;
    if (refs_secret_parse(value_from, &r) != 0) {
        cJSON_AddNullToObject(s, "kind");
        cJSON_AddNullToObject(s, "exists");
        cJSON_AddStringToObject(s, "error", "not a Secrets Manager ARN or SSM parameter");
        return;
    }
    cJSON_AddStringToObject(s, "kind", r.kind == SECRET_SM ? "secretsmanager" : "ssm");
    cJSON_AddNullToObject(s, "exists");
    cJSON_AddStringToObject(s, "name", r.name);
    if (r.kind == SECRET_SM)
        cJSON_AddStringToObject(s, "arn", r.id);
    if (!partition_ok(c, r.region, s, r.kind == SECRET_SM ? "secret" : "parameter") ||
        !collect_once(c, r.kind == SECRET_SM ? "secret" : "param", r.id))
        return;
    if (r.kind == SECRET_SM) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "SecretId", r.id);
        collect_call_in(c, r.region, N_SECRETS, S_SECRETS, "secretsmanager", "DescribeSecret", p, 0, 0,
                        on_describe_secret, r.id, NULL, 0);
    } else if (!region_ok(c, r.region)) {
        /* The client's region batches its parameters (get_parameters);
         * one in another region (an ARN) is asked there on its own. */
        const char *one = r.id;
        get_parameters(c, r.region, &one, 1);
    } else if (strset_add(ssm, r.id) < 0) {
        c->oom = 1;
    }
}

void art_secrets_start(struct collect *c)
{
    struct strset tds = {0}, ssm = {0};
    cJSON *defs = inuse_defs(c, &tds), *cd, *s;
    size_t i;
    for (i = 0; i < tds.n; i++) {
        cJSON *td = cJSON_GetObjectItemCaseSensitive(defs, tds.v[i]);
        cJSON_ArrayForEach(cd, cJSON_GetObjectItemCaseSensitive(td, "containerDefinitions")) {
            const char *rc = xstr(cJSON_GetObjectItemCaseSensitive(cd, "repositoryCredentials"),
                                  "credentialsParameter");
            cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(cd, "secrets")) {
                if (xstr(s, "valueFrom"))
                    secret_entry(c, xstr(s, "valueFrom"), &ssm);
            }
            if (rc)
                secret_entry(c, rc, &ssm);
            /* Log drivers read secrets too (a Splunk token, a Datadog key). */
            cJSON_ArrayForEach(s, jsonx_pointer(cd, "/logConfiguration/secretOptions")) {
                if (xstr(s, "valueFrom"))
                    secret_entry(c, xstr(s, "valueFrom"), &ssm);
            }
        }
    }
    for (i = 0; i < ssm.n; i += MAX_GET_PARAMETERS)
        get_parameters(c, NULL, (const char *const *)ssm.v + i,
                       ssm.n - i < MAX_GET_PARAMETERS ? ssm.n - i : MAX_GET_PARAMETERS);
    if (!c->src[S_SECRETS].calls)
        collect_skip(c, S_SECRETS, tds.n ? "no secrets referenced" : "no task definition available");
    strset_cleanup(&tds);
    strset_cleanup(&ssm);
}

/* ---- logs ---- */

/* k->tag: the evidence key (the group's name, or "region|name" for a group
 * in another region); k->tag2: the name. */
static int on_log_groups(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *g = jsonx_obj(ev_section(c, "logs", "groups"), k->tag), *it;
    int found = 0;
    if (res->error.kind != ERR_OK || !g)
        return 0;
    /* The prefix matches "/ecs/web" and "/ecs/web-worker": look for the name. */
    cJSON_ArrayForEach(it, xlist(res->body, "logGroups")) {
        const char *n = xstr(it, "logGroupName");
        cJSON *f;
        if (!n || strcmp(n, k->tag2))
            continue;
        found = 1;
        cJSON_ArrayForEach(f, it) {
            if (f->string)
                xput(g, f->string, f);
        }
    }
    cJSON_DeleteItemFromObjectCaseSensitive(g, "exists");
    cJSON_AddBoolToObject(g, "exists", found);
    return 0;
}

/* Keeps the newest lines within MAX_LOG_LINES and MAX_LOG_BYTES. */
static int on_log_events(struct collect *c, struct call *k, struct aws_result *res)
{
    cJSON *st = jsonx_obj(ev_section(c, "logs", "streams"), k->tag2), *events, *ev;
    cJSON *list = xlist(res->body, "events");
    int n, i, first;
    size_t bytes = 0;
    if (!st)
        return 0;
    events = cJSON_AddArrayToObject(st, "events");
    if (res->error.kind != ERR_OK) {
        add_error(st, res);
        cJSON_AddBoolToObject(st, "truncated", 0);
        if (!strcmp(res->error.code, "ResourceNotFoundException")) {
            cJSON_AddFalseToObject(st, "exists");
            return 1;
        }
        return 0;
    }
    n = cJSON_GetArraySize(list);
    first = n > MAX_LOG_LINES ? n - MAX_LOG_LINES : 0;
    for (i = n - 1; i >= first; i--) {
        const char *m = xstr(cJSON_GetArrayItem(list, i), "message");
        size_t len = m ? strlen(m) : 0;
        if (bytes + len > MAX_LOG_BYTES)
            break;
        bytes += len;
    }
    /* i is the last index that did not fit: keep (i, n). */
    cJSON_AddBoolToObject(st, "truncated", i >= 0);
    for (i = i + 1; i < n; i++) {
        cJSON *src = cJSON_GetArrayItem(list, i);
        ev = cJSON_CreateObject();
        if (cJSON_GetObjectItemCaseSensitive(src, "timestamp"))
            xput(ev, "timestamp", cJSON_GetObjectItemCaseSensitive(src, "timestamp"));
        cJSON_AddStringToObject(ev, "message", xstr(src, "message") ? xstr(src, "message") : "");
        cJSON_AddItemToArray(events, ev);
    }
    return 0;
}

static void log_stream(struct collect *c, const cJSON *task, const cJSON *cd, struct strset *groups)
{
    cJSON *lc = cJSON_GetObjectItemCaseSensitive(cd, "logConfiguration");
    cJSON *opt = cJSON_GetObjectItemCaseSensitive(lc, "options"), *st, *p;
    const char *drv = xstr(lc, "logDriver"), *group = xstr(opt, "awslogs-group");
    const char *prefix = xstr(opt, "awslogs-stream-prefix"), *name = xstr(cd, "name");
    const char *task_arn = xstr(task, "taskArn"), *region = xstr(opt, "awslogs-region");
    char stream[1024], key[2048];
    if (!drv || strcmp(drv, "awslogs") || !group || !name || !task_arn)
        return;
    if (region_ok(c, region))
        region = NULL;
    /* Logs in another partition cannot be read with these credentials; a
     * value that cannot be a region name is not followed either. */
    else if (strlen(region) >= 32 || (c->io->partition && strcmp(endpoint_partition(region), c->io->partition)))
        return;
    /* "region|group" for a group elsewhere ('|' is not allowed in names). */
    snprintf(key, sizeof key, "%s%s%s", region ? region : "", region ? "|" : "", group);
    if (strset_add(groups, key) < 0)
        c->oom = 1;
    /* Without a prefix the stream is named after the Docker container id. */
    if (!prefix || !refs_stream_name(prefix, name, task_arn, stream, sizeof stream))
        return;
    snprintf(key, sizeof key, "%s/%s", group, stream);
    if (!collect_once(c, "stream", key))
        return;
    st = jsonx_obj(ev_section(c, "logs", "streams"), key);
    cJSON_AddStringToObject(st, "group", group);
    cJSON_AddStringToObject(st, "stream", stream);
    cJSON_AddStringToObject(st, "task", strrchr(task_arn, '/') ? strrchr(task_arn, '/') + 1 : task_arn);
    cJSON_AddStringToObject(st, "container", name);
    if (region)
        cJSON_AddStringToObject(st, "region", region);
    p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "logGroupName", group);
    cJSON_AddStringToObject(p, "logStreamName", stream);
    cJSON_AddNumberToObject(p, "limit", MAX_LOG_LINES);
    cJSON_AddFalseToObject(p, "startFromHead");
    collect_call_in(c, region, N_LOGS, S_LOGS, "logs", "GetLogEvents", p, 0, 0, on_log_events, NULL, key, 0);
}

void art_logs_start(struct collect *c)
{
    struct strset groups = {0};
    cJSON *t, *defs = cJSON_GetObjectItemCaseSensitive(c->ev, "task_definitions"), *cd;
    int stopped_n = 0, running_n = 0;
    size_t i;
    /* The newest stopped tasks say why they died, and the newest running one
     * what the application says now (a task that never started has no
     * stream). Tasks are sorted newest first within each status. */
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(c->ev, "tasks")) {
        const char *ds = xstr(t, "desiredStatus");
        cJSON *td = cJSON_GetObjectItemCaseSensitive(defs, xstr(t, "taskDefinitionArn"));
        int stopped = ds && !strcmp(ds, "STOPPED");
        if (!td || (stopped && stopped_n >= MAX_LOG_TASKS) || (!stopped && running_n >= 1))
            continue;
        stopped_n += stopped;
        running_n += !stopped;
        cJSON_ArrayForEach(cd, cJSON_GetObjectItemCaseSensitive(td, "containerDefinitions")) {
            cJSON *ess = cJSON_GetObjectItemCaseSensitive(cd, "essential");
            if (!cJSON_IsFalse(ess))
                log_stream(c, t, cd, &groups);
        }
    }
    for (i = 0; i < groups.n; i++) {
        const char *bar = strchr(groups.v[i], '|'), *group = bar ? bar + 1 : groups.v[i];
        char region[32] = "";
        cJSON *p;
        if (!collect_once(c, "loggroup", groups.v[i]))
            continue;
        if (bar)
            snprintf(region, sizeof region, "%.*s", (int)(bar - groups.v[i]), groups.v[i]);
        p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "logGroupNamePrefix", group);
        collect_call_in(c, region, N_LOGS, S_LOGS, "logs", "DescribeLogGroups", p, 0, 0, on_log_groups, groups.v[i],
                        group, 0);
    }
    if (!c->src[S_LOGS].calls)
        collect_skip(c, S_LOGS, stopped_n + running_n ? "no essential container logs with awslogs"
                                                      : "no task to read logs of");
    strset_cleanup(&groups);
}

/* whatchanged — see whatchanged.h. */
#include "report/whatchanged.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonx.h"
#include "util/strutil.h"

static const char *const task_fields[] = {"cpu", "memory", "executionRoleArn", "taskRoleArn", "networkMode",
                                          "runtimePlatform", "ephemeralStorage", "requiresCompatibilities"};
static const char *const container_fields[] = {"image",   "essential", "command",           "entryPoint",
                                               "cpu",     "memory",    "memoryReservation", "healthCheck",
                                               "logConfiguration", "user", "workingDirectory"};

static cJSON *dup_or_null(const cJSON *v)
{
    return v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
}

/* Appends {"field", ["container"], "before", "after"} when a and b differ. */
static void diff_value(cJSON *changes, const char *container, const char *field, const cJSON *before,
                       const cJSON *after)
{
    cJSON *c;
    if (!before && !after)
        return;
    if (before && after && cJSON_Compare(before, after, 1))
        return;
    c = cJSON_CreateObject();
    if (!c)
        return;
    cJSON_AddStringToObject(c, "field", field);
    if (container)
        cJSON_AddStringToObject(c, "container", container);
    cJSON_AddItemToObject(c, "before", dup_or_null(before));
    cJSON_AddItemToObject(c, "after", dup_or_null(after));
    cJSON_AddItemToArray(changes, c);
}

static int in_list(const cJSON *arr, const char *s)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
        if (cJSON_IsString(x) && !strcmp(x->valuestring, s))
            return 1;
    return 0;
}

/* Appends {"field", ["container"], "added": [...], "removed": [...]} when the
 * two string sets differ. Takes both arrays. */
static void diff_sets(cJSON *changes, const char *container, const char *field, cJSON *before, cJSON *after)
{
    cJSON *added = cJSON_CreateArray(), *removed = cJSON_CreateArray(), *c = NULL;
    const cJSON *x;
    cJSON_ArrayForEach(x, after)
        if (!in_list(before, x->valuestring) && !in_list(added, x->valuestring))
            cJSON_AddItemToArray(added, cJSON_CreateString(x->valuestring));
    cJSON_ArrayForEach(x, before)
        if (!in_list(after, x->valuestring) && !in_list(removed, x->valuestring))
            cJSON_AddItemToArray(removed, cJSON_CreateString(x->valuestring));
    if (cJSON_GetArraySize(added) || cJSON_GetArraySize(removed))
        c = cJSON_CreateObject();
    if (c) {
        cJSON_AddStringToObject(c, "field", field);
        if (container)
            cJSON_AddStringToObject(c, "container", container);
        cJSON_AddItemToObject(c, "added", added);
        cJSON_AddItemToObject(c, "removed", removed);
        cJSON_AddItemToArray(changes, c);
        added = removed = NULL;
    }
    cJSON_Delete(added);
    cJSON_Delete(removed);
    cJSON_Delete(before);
    cJSON_Delete(after);
}

/* The "name" members of an array of objects (environment, secrets, containers). */
static cJSON *names(const cJSON *arr)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *x;
    cJSON_ArrayForEach(x, arr) {
        const char *n = jsonx_str(x, "name", NULL);
        if (n)
            cJSON_AddItemToArray(out, cJSON_CreateString(n));
    }
    return out;
}

/* "8080/tcp", or "8080/tcp host 80" when a different host port is fixed. */
static cJSON *ports(const cJSON *arr)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *x;
    char s[96];
    cJSON_ArrayForEach(x, arr) {
        double cp = jsonx_num(x, "containerPort", -1), hp = jsonx_num(x, "hostPort", 0);
        const char *proto = jsonx_str(x, "protocol", "tcp");
        if (hp > 0 && hp != cp)
            snprintf(s, sizeof s, "%.0f/%s host %.0f", cp, proto, hp);
        else
            snprintf(s, sizeof s, "%.0f/%s", cp, proto);
        cJSON_AddItemToArray(out, cJSON_CreateString(s));
    }
    return out;
}

static const cJSON *find_named(const cJSON *arr, const char *name)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
        if (!strcmp(jsonx_str(x, "name", ""), name))
            return x;
    return NULL;
}

static void diff_container(cJSON *changes, const cJSON *a, const cJSON *b)
{
    const char *name = jsonx_str(b, "name", "?");
    const cJSON *sa = cJSON_GetObjectItemCaseSensitive(a, "secrets");
    const cJSON *sb = cJSON_GetObjectItemCaseSensitive(b, "secrets"), *s;
    char field[300];
    size_t i;
    for (i = 0; i < sizeof container_fields / sizeof container_fields[0]; i++) {
        if (i == 2) { /* after image and essential: the name-level sets */
            diff_sets(changes, name, "environment", names(cJSON_GetObjectItemCaseSensitive(a, "environment")),
                      names(cJSON_GetObjectItemCaseSensitive(b, "environment")));
            diff_sets(changes, name, "secrets", names(sa), names(sb));
            cJSON_ArrayForEach(s, sb) {
                const cJSON *old = find_named(sa, jsonx_str(s, "name", ""));
                if (!old)
                    continue;
                snprintf(field, sizeof field, "secrets[%s].valueFrom", jsonx_str(s, "name", "?"));
                diff_value(changes, name, field, cJSON_GetObjectItemCaseSensitive(old, "valueFrom"),
                           cJSON_GetObjectItemCaseSensitive(s, "valueFrom"));
            }
            diff_sets(changes, name, "portMappings", ports(cJSON_GetObjectItemCaseSensitive(a, "portMappings")),
                      ports(cJSON_GetObjectItemCaseSensitive(b, "portMappings")));
        }
        diff_value(changes, name, container_fields[i], cJSON_GetObjectItemCaseSensitive(a, container_fields[i]),
                   cJSON_GetObjectItemCaseSensitive(b, container_fields[i]));
    }
}

/* Differences from `before` (healthy) to `after` (failing), in reading order:
 * containers added/removed, task-level fields, then each container. */
static cJSON *diff_task_definitions(const cJSON *before, const cJSON *after)
{
    cJSON *changes = cJSON_CreateArray();
    const cJSON *ca = cJSON_GetObjectItemCaseSensitive(before, "containerDefinitions");
    const cJSON *cb = cJSON_GetObjectItemCaseSensitive(after, "containerDefinitions"), *c;
    size_t i;
    if (!changes)
        return NULL;
    diff_sets(changes, NULL, "containers", names(ca), names(cb));
    for (i = 0; i < sizeof task_fields / sizeof task_fields[0]; i++)
        diff_value(changes, NULL, task_fields[i], cJSON_GetObjectItemCaseSensitive(before, task_fields[i]),
                   cJSON_GetObjectItemCaseSensitive(after, task_fields[i]));
    cJSON_ArrayForEach(c, cb) {
        const cJSON *old = find_named(ca, jsonx_str(c, "name", ""));
        if (old)
            diff_container(changes, old, c);
    }
    return changes;
}

/* The deployment to explain. A FAILED one first (the newest): after a
 * circuit-breaker rollback the PRIMARY is the rollback to the old revision,
 * and the change that broke things is the failed deployment's. Else a PRIMARY
 * still rolling out; else, when the service simply runs short, its PRIMARY. */
static const cJSON *failing_deployment(const cJSON *svc)
{
    const cJSON *deps = cJSON_GetObjectItemCaseSensitive(svc, "deployments"), *d, *primary = NULL, *failed = NULL;
    cJSON_ArrayForEach(d, deps) {
        if (!strcmp(jsonx_str(d, "rolloutState", ""), "FAILED") &&
            (!failed || jsonx_num(d, "createdAt", 0) > jsonx_num(failed, "createdAt", 0)))
            failed = d;
        if (!strcmp(jsonx_str(d, "status", ""), "PRIMARY"))
            primary = d;
    }
    if (failed)
        return failed;
    if (primary && !strcmp(jsonx_str(primary, "rolloutState", ""), "IN_PROGRESS"))
        return primary;
    if (primary && jsonx_num(svc, "runningCount", 0) < jsonx_num(svc, "desiredCount", 0))
        return primary;
    return NULL;
}

static long revision_of(const char *arn)
{
    const char *colon = arn ? strrchr(arn, ':') : NULL;
    return colon ? strtol(colon + 1, NULL, 10) : -1;
}

/* The last definition that ran healthy: another deployment's that did not
 * fail — COMPLETED first, else one still serving or being rolled back to —
 * else the newest older revision of the family that the evidence holds.
 * *source says which. Borrowed. */
static const char *baseline_arn(const cJSON *ev, const cJSON *svc, const cJSON *failing, const char *failing_td,
                                const char **source)
{
    const cJSON *d, *tds = cJSON_GetObjectItemCaseSensitive(ev, "task_definitions"), *hist, *a;
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(tds, failing_td);
    const char *other = NULL;
    long rev = revision_of(failing_td);
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(svc, "deployments")) {
        const char *arn = jsonx_str(d, "taskDefinition", NULL), *rs = jsonx_str(d, "rolloutState", "");
        if (d == failing || !arn || !strcmp(arn, failing_td) || !strcmp(rs, "FAILED"))
            continue;
        if (!strcmp(rs, "COMPLETED")) {
            *source = "deployment";
            return arn;
        }
        if (!other)
            other = arn;
    }
    if (other) {
        *source = "deployment";
        return other;
    }
    hist = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "task_definition_history"),
                                            jsonx_str(td, "family", ""));
    cJSON_ArrayForEach(a, hist) {
        if (!cJSON_IsString(a) || !strcmp(a->valuestring, failing_td))
            continue;
        if (revision_of(a->valuestring) < rev && cJSON_GetObjectItemCaseSensitive(tds, a->valuestring)) {
            *source = "previous_revision";
            return a->valuestring;
        }
    }
    return NULL;
}

/* With no deployment to blame (rollout done, counts fine) tasks may still be
 * failing: the task definition the newest failed task of this service used,
 * and how many failed. */
static const char *failing_tasks_td(const cJSON *ev, const cJSON *svc, int *n)
{
    const cJSON *t, *newest = NULL;
    const char *name = jsonx_str(svc, "serviceName", "");
    *n = 0;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(ev, "tasks")) {
        const char *group = jsonx_str(t, "group", ""), *code = jsonx_str(t, "stopCode", "");
        if (!str_starts(group, "service:") || strcmp(group + 8, name) ||
            (strcmp(code, "TaskFailedToStart") && strcmp(code, "EssentialContainerExited")) ||
            !jsonx_str(t, "taskDefinitionArn", NULL))
            continue;
        (*n)++;
        if (!newest || jsonx_num(t, "stoppedAt", 0) > jsonx_num(newest, "stoppedAt", 0))
            newest = t;
    }
    return jsonx_str(newest, "taskDefinitionArn", NULL);
}

/* Why there is no baseline. When the family's history was never read —
 * the collector's bound on families (its source status "note" says so) or
 * a failed ListTaskDefinitions — the report says that rather than implying
 * there is no earlier revision. */
/* Copies at most cap-1 bytes of s (evidence text: hostile), never splitting
 * a UTF-8 sequence. */
static void clip_utf8(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

static void add_no_baseline_note(cJSON *o, const cJSON *ev, const char *failing_td)
{
    char note[512], famc[101], cutc[301];
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "task_definitions"),
                                                       failing_td);
    const cJSON *hist = cJSON_GetObjectItemCaseSensitive(ev, "task_definition_history");
    const cJSON *st = jsonx_pointer(ev, "/sources/ecs.task_definitions");
    const char *fam = jsonx_str(td, "family", NULL), *cut = jsonx_str(st, "note", NULL);
    if (!fam || !cJSON_IsObject(hist) || cJSON_GetObjectItemCaseSensitive(hist, fam)) {
        cJSON_AddStringToObject(o, "note", "no earlier task definition in the evidence to compare with");
        return;
    }
    clip_utf8(famc, sizeof famc, fam);
    clip_utf8(cutc, sizeof cutc, cut ? cut : "");
    snprintf(note, sizeof note, "no earlier task definition in the evidence to compare with: the revision "
             "history of family %s was not read%s%s%s", famc, cut ? " (" : "", cutc, cut ? ")" : "");
    cJSON_AddStringToObject(o, "note", note);
}

static cJSON *service_entry(const cJSON *ev, const cJSON *svc)
{
    const cJSON *dep = failing_deployment(svc), *tds = cJSON_GetObjectItemCaseSensitive(ev, "task_definitions");
    const char *failing_td = jsonx_str(dep, "taskDefinition", NULL), *base, *source = NULL;
    const cJSON *after, *before;
    cJSON *o, *x;
    int failed_tasks = 0;
    if (!failing_td) {
        dep = NULL;
        failing_td = failing_tasks_td(ev, svc, &failed_tasks);
    }
    if (!failing_td)
        return NULL;
    o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "service", jsonx_str(svc, "serviceName", "?"));
    x = cJSON_AddObjectToObject(o, "failing");
    cJSON_AddStringToObject(x, "task_definition", failing_td);
    if (jsonx_str(dep, "id", NULL))
        cJSON_AddStringToObject(x, "deployment", jsonx_str(dep, "id", ""));
    if (jsonx_str(dep, "rolloutState", NULL))
        cJSON_AddStringToObject(x, "rollout_state", jsonx_str(dep, "rolloutState", ""));
    if (failed_tasks)
        cJSON_AddNumberToObject(x, "failed_tasks", failed_tasks);
    base = baseline_arn(ev, svc, dep, failing_td, &source);
    if (!base) {
        add_no_baseline_note(o, ev, failing_td);
        return o;
    }
    x = cJSON_AddObjectToObject(o, "baseline");
    cJSON_AddStringToObject(x, "task_definition", base);
    cJSON_AddStringToObject(x, "source", source);
    after = cJSON_GetObjectItemCaseSensitive(tds, failing_td);
    before = cJSON_GetObjectItemCaseSensitive(tds, base);
    if (!after || !before) {
        cJSON_AddStringToObject(o, "note", after ? "the earlier task definition is not in the evidence"
                                                 : "the failing task definition is not in the evidence");
        return o;
    }
    x = diff_task_definitions(before, after);
    if (x)
        cJSON_AddItemToObject(o, "changes", x);
    return o;
}

cJSON *whatchanged_build(const cJSON *evidence)
{
    cJSON *out, *arr, *entry;
    const cJSON *svc;
    out = cJSON_CreateObject();
    arr = out ? cJSON_AddArrayToObject(out, "services") : NULL;
    if (!arr) {
        cJSON_Delete(out);
        return NULL;
    }
    cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(evidence, "services")) {
        entry = service_entry(evidence, svc);
        if (entry)
            cJSON_AddItemToArray(arr, entry);
    }
    if (cJSON_GetArraySize(arr) == 0) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* unexplained — see unexplained.h. */
#include "engine/unexplained.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/shquote.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#define DOCS_EVENTS "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html"
#define DOCS_STOPPED "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html"

/* Categories that restate the state (a rollout that failed or does not
 * move) and wait for a root cause to be linked under them: they do not
 * explain it. The unexplained finding declares that it explains them, so
 * they rank as its symptoms. */
static const char *const restating[] = {"deployment_circuit_breaker", "deployment_stuck"};

static int restates(const char *category)
{
    size_t i;
    for (i = 0; category && i < sizeof restating / sizeof restating[0]; i++)
        if (!strcmp(category, restating[i]))
            return 1;
    return 0;
}

/* A diagnosis of medium or worse about this subject (or about no subject in
 * particular, which on a one-service target is that service). One that only
 * restates the state explains it when it is at least as severe as the state
 * (it then tells the whole impact: a rollout blocked by its own settings);
 * below that (a rollout "stuck at 0/4" at medium while nothing runs) the
 * report would understate the impact and name no cause. */
static int explained(const struct finding_list *raw, const char *subject, int many, const char *severity)
{
    size_t i;
    for (i = 0; i < raw->n; i++) {
        const struct finding *f = raw->v[i];
        int lvl = finding_severity_level(f->severity);
        if (strcmp(f->kind, "diagnosis") || lvl < 3 ||
            (restates(f->category) && lvl < finding_severity_level(severity)))
            continue;
        if (!many || !f->subject || !*f->subject || !strcmp(f->subject, subject))
            return 1;
    }
    return 0;
}

/* A next command: a literal template whose {cluster}, {service}, {task} and
 * {region} the host quotes (finding_add_command; never formatted in).
 * {region} is the target's; without one the template's " --region {region}"
 * is left out. */
static void add_cmd(struct finding *f, const char *desc, const char *tmpl, const cJSON *target,
                    const char *name, const char *docs)
{
    const char *cluster = jsonx_str(target, "cluster", "default");
    const char *region = jsonx_str(target, "region", NULL);
    struct shq_arg a[3];
    size_t n = 0;
    struct buf t;
    struct err e = {0};
    if (shq_uses(tmpl, "cluster"))
        a[n++] = (struct shq_arg){"cluster", &cluster, 1, 0};
    if (name && (shq_uses(tmpl, "service") || shq_uses(tmpl, "task")))
        a[n++] = (struct shq_arg){shq_uses(tmpl, "service") ? "service" : "task", &name, 1, 0};
    buf_init(&t, 4096);
    buf_puts(&t, tmpl);
    if (region && *region)
        buf_puts(&t, " --region {region}");
    /* The templates are this file's literals: a refusal is a bug here. */
    if (finding_add_command(f, desc, t.data ? t.data : "", a, n, region, docs, &e) != ERR_OK)
        fprintf(stderr, "ecs-doctor: internal: state.unexplained command refused: %s\n", e.msg);
    buf_cleanup(&t);
}

/* The state's own citations, each pointer once. */
static void add_common(struct finding *f, const cJSON *ev, const cJSON *st)
{
    const cJSON *e, *have;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(st, "evidence")) {
        const char *p = jsonx_str(e, "pointer", "");
        int dup = 0;
        cJSON_ArrayForEach(have, f->evidence)
            dup |= !strcmp(jsonx_str(have, "pointer", ""), p);
        if (!dup)
            finding_add_evidence(f, ev, p, jsonx_str(e, "note", NULL));
    }
}

static struct finding *new_finding(const char *severity, const char *subject)
{
    struct finding *f = finding_new(UNEXPLAINED_CHECK, UNEXPLAINED_SOURCE);
    if (!f)
        return NULL;
    if (finding_set(f, "category", "unknown_failure") != ERR_OK || finding_set(f, "severity", severity) != ERR_OK ||
        finding_set(f, "kind", "diagnosis") != ERR_OK || (subject && finding_set(f, "subject", subject) != ERR_OK) ||
        (subject && finding_set(f, "key", subject) != ERR_OK)) {
        finding_free(f);
        return NULL;
    }
    f->confidence = 0.6;
    for (size_t i = 0; i < sizeof restating / sizeof restating[0]; i++)
        finding_add_explains(f, restating[i]);
    return f;
}

static struct finding *for_service(const cJSON *ev, const cJSON *st)
{
    const char *name = jsonx_str(st, "name", "?");
    const char *sp = jsonx_str(st, "pointer", "");
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(ev, "target");
    const cJSON *svc = jsonx_pointer(ev, sp), *r, *e;
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(svc, "events");
    struct finding *f = new_finding(jsonx_str(st, "severity", "medium"), name);
    struct buf b;
    int i, have_stopped = 0, deleted = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(st, "deleted"));
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(st, "tasks");
    if (!f)
        return NULL;
    buf_init(&b, 16384);
    /* Title: the first reason, which is the most severe fact. */
    r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(st, "reasons"), 0);
    if (deleted)
        buf_printf(&b, "Service %s was deleted", name);
    else
        buf_printf(&b, "%s: %s; no check explains why", name,
                   cJSON_IsString(r) ? r->valuestring : "not healthy");
    finding_set(f, "title", b.data ? b.data : name);
    buf_reset(&b);

    /* Explanation: every reason, whether stopped tasks are still visible,
     * and the newest event messages. */
    i = 0;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(st, "reasons"))
        if (cJSON_IsString(r))
            buf_printf(&b, "%s%s", i++ ? "; " : "", r->valuestring);
    if (!deleted) {
        have_stopped = jsonx_num(tasks, "stopped_last_hour", 0) > 0 || jsonx_num(tasks, "stopped_untimed", 0) > 0;
        if (!have_stopped && !jsonx_num(tasks, "pending", 0) && !jsonx_num(tasks, "running", 0) &&
            jsonx_num(st, "short", 0) > 0) {
            const cJSON *src = jsonx_pointer(ev, "/sources/ecs.tasks");
            if (!src || !strcmp(jsonx_str(src, "status", "ok"), "ok") ||
                !strcmp(jsonx_str(src, "status", ""), "skipped"))
                buf_puts(&b, "; no stopped task of the service is in the evidence (ECS keeps stopped tasks about "
                             "an hour: they are no longer retained), so only the service's events and "
                             "deployments tell what happened");
            else
                buf_printf(&b, "; the service's tasks could not be read (ecs.tasks %s)",
                           jsonx_str(src, "status", "?"));
        }
        buf_puts(&b, ". No check recognised the cause");
    }
    buf_puts(&b, ". Newest service events:");
    i = 0;
    {
        int at = -1;
        cJSON_ArrayForEach(e, events) {
            char ptr[96];
            at++;
            if (i == 3)
                break;
            if (!jsonx_str(e, "message", NULL))
                continue;
            buf_printf(&b, " \"%.300s\"", jsonx_str(e, "message", ""));
            snprintf(ptr, sizeof ptr, "%s/events/%d/message", sp, at);
            finding_add_evidence(f, ev, ptr, "newest service event");
            if (jsonx_num(e, "createdAt", 0) > f->when)
                f->when = jsonx_num(e, "createdAt", 0);
            i++;
        }
    }
    if (!i)
        buf_puts(&b, " none");
    finding_set(f, "explanation", b.data ? b.data : "");
    add_common(f, ev, st);
    finding_add_resource(f, jsonx_str(svc, "serviceArn", name));

    /* Next commands. */
    add_cmd(f, "Read the service's status, deployments and newest events",
            "aws ecs describe-services --cluster {cluster} --services {service} --query "
            "'services[0].{status:status,desired:desiredCount,running:runningCount,"
            "deployments:deployments,events:events[:10]}'",
            target, name, DOCS_EVENTS);
    if (deleted) {
        add_cmd(f, "Who deleted it, and when (CloudTrail keeps 90 days)",
                "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=DeleteService "
                "--query 'Events[].{time:EventTime,user:Username,resources:Resources}'",
                target, NULL, "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events-cli.html");
    } else {
        add_cmd(f,
                "List the tasks that stopped (kept about an hour); then `aws ecs describe-tasks "
                "--tasks ID` shows their stoppedReason",
                "aws ecs list-tasks --cluster {cluster} --service-name {service} --desired-status STOPPED",
                target, name, DOCS_STOPPED);
        add_cmd(f,
                "Run the diagnosis again while the next task fails (its stopped reason is then in the evidence)",
                "ecs-doctor service {service} --cluster {cluster} --wait", target, name,
                "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html");
    }
    buf_cleanup(&b);
    return f;
}

static struct finding *for_task(const cJSON *ev, const cJSON *st)
{
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(ev, "target"), *r;
    const char *task = jsonx_str(target, "task", "?");
    struct finding *f = new_finding(jsonx_str(st, "severity", "medium"), str_basename(task));
    struct buf b;
    int i = 0;
    if (!f)
        return NULL;
    buf_init(&b, 8192);
    r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(st, "reasons"), 0);
    buf_printf(&b, "%s; no check explains why", cJSON_IsString(r) ? r->valuestring : "task not healthy");
    finding_set(f, "title", b.data ? b.data : "task not healthy");
    buf_reset(&b);
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(st, "reasons"))
        if (cJSON_IsString(r))
            buf_printf(&b, "%s%s", i++ ? "; " : "", r->valuestring);
    buf_puts(&b, ". No check recognised the cause.");
    finding_set(f, "explanation", b.data ? b.data : "");
    if (jsonx_str(st, "pointer", NULL)) {
        char ptr[96];
        snprintf(ptr, sizeof ptr, "%s/lastStatus", jsonx_str(st, "pointer", ""));
        finding_add_evidence(f, ev, ptr, "task status");
        snprintf(ptr, sizeof ptr, "%s/healthStatus", jsonx_str(st, "pointer", ""));
        finding_add_evidence(f, ev, ptr, "task health");
    }
    finding_add_resource(f, task);
    add_cmd(f, "Read the task's status, containers and health",
            "aws ecs describe-tasks --cluster {cluster} --tasks {task}", target, task, DOCS_STOPPED);
    buf_cleanup(&b);
    return f;
}

int unexplained_add(struct finding_list *raw, const cJSON *evidence, const cJSON *state)
{
    const cJSON *svcs = cJSON_GetObjectItemCaseSensitive(state, "services"), *s;
    const cJSON *task = cJSON_GetObjectItemCaseSensitive(state, "task");
    int many = cJSON_GetArraySize(svcs) > 1, added = 0;
    cJSON_ArrayForEach(s, svcs) {
        struct finding *f;
        if (!jsonx_str(s, "severity", NULL) || explained(raw, jsonx_str(s, "name", ""), many, jsonx_str(s, "severity", "")))
            continue;
        f = for_service(evidence, s);
        if (!f || finding_list_push(raw, f) != ERR_OK) {
            finding_free(f);
            return -1;
        }
        added++;
    }
    if (jsonx_str(task, "severity", NULL) && !explained(raw, "", 0, jsonx_str(task, "severity", ""))) {
        struct finding *f = for_task(evidence, task);
        if (!f || finding_list_push(raw, f) != ERR_OK) {
            finding_free(f);
            return -1;
        }
        added++;
    }
    return added;
}

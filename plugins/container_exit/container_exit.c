/* container_exit — diagnoses stopped tasks by their essential containers'
 * exit codes: 137 with OutOfMemoryError evidence (container_oom), 137 without
 * it (SIGKILL after the stop timeout: low confidence), 127 or "exec: ... not
 * found" (container_command_not_found), any other non-zero exit
 * (container_crash). Exit 143 (SIGTERM) is a normal stop and is ignored.
 *
 * Uses only include/ecs_doctor/plugin.h. */
#include <stdio.h>
#include <string.h>

#include "ecs_doctor/plugin.h"

enum { OOM, KILLED, NOTFOUND, CRASH };

/* Case-insensitive substring search (plugins never link the core). */
static int has(const char *hay, const char *needle)
{
    size_t n = strlen(needle), i, j;
    if (!hay)
        return 0;
    for (i = 0; hay[i]; i++) {
        for (j = 0; j < n; j++) {
            char a = hay[i + j], b = needle[j];
            if (!a)
                return 0;
            if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
            if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
            if (a != b)
                break;
        }
        if (j == n)
            return 1;
    }
    return 0;
}

static const char *last_segment(const char *arn)
{
    const char *s = arn ? strrchr(arn, '/') : NULL;
    return s ? s + 1 : (arn ? arn : "?");
}

/* Essential unless the task definition says "essential": false. */
static int essential(const edoc_host *h, const edoc_node *td, const char *name)
{
    const edoc_node *defs = h->get(td, "containerDefinitions");
    size_t i, n = h->len(defs);
    for (i = 0; i < n; i++) {
        const edoc_node *d = h->at(defs, i);
        const char *dn = h->str(h->get(d, "name"));
        if (dn && name && !strcmp(dn, name)) {
            const edoc_node *e = h->get(d, "essential");
            return h->type(e) == EDOC_T_BOOL || h->type(e) == EDOC_T_STRING ? h->truthy(e) : 1;
        }
    }
    return 1;
}

static int classify(long code, const char *reason, const char *stopped)
{
    if (has(reason, "OutOfMemoryError") || has(reason, "OOMKilled") ||
        (code == 137 && has(stopped, "OutOfMemoryError")))
        return OOM;
    if (code == 137)
        return KILLED;
    if (code == 127 || (has(reason, "exec") && has(reason, "not found")) ||
        has(reason, "executable file not found"))
        return NOTFOUND;
    return CRASH;
}

static void report(const edoc_host *h, edoc_ctx *ctx, int kind, size_t ti, size_t ci,
                   const edoc_node *task, const edoc_node *c, long code)
{
    static const char *cat[] = {"container_oom", "container_crash", "container_command_not_found",
                                "container_crash"};
    static const char *sev[] = {"high", "medium", "critical", "high"};
    static const double conf[] = {0.9, 0.4, 0.9, 0.7};
    const char *name = h->str(h->get(c, "name"));
    const char *tdarn = h->str(h->get(task, "taskDefinitionArn"));
    const char *region = h->str(h->ptr(ctx, "/target/region"));
    const char *family = last_segment(tdarn);
    char title[300], key[300], ptr[128], cmd[1024], expl[600];
    edoc_finding *f;
    if (!name)
        name = "?";
    switch (kind) {
    case OOM:
        snprintf(title, sizeof title, "Container %s ran out of memory (OOM-killed, exit %ld)", name, code);
        snprintf(expl, sizeof expl,
                 "The kernel killed container %s because it exceeded its memory limit. ECS stops the task "
                 "when an essential container exits, so the service keeps replacing tasks.", name);
        break;
    case KILLED:
        snprintf(title, sizeof title, "Container %s was killed with SIGKILL (exit 137)", name);
        snprintf(expl, sizeof expl,
                 "Exit 137 without OutOfMemoryError evidence usually means the container did not stop "
                 "within stopTimeout after SIGTERM and was killed; it may also be an OOM kill the agent "
                 "did not report.");
        break;
    case NOTFOUND:
        snprintf(title, sizeof title, "Container %s: command or entrypoint not found (exit %ld)", name, code);
        snprintf(expl, sizeof expl,
                 "The container's command or entryPoint names an executable that does not exist in the "
                 "image, so it exits immediately.");
        break;
    default:
        snprintf(title, sizeof title, "Essential container %s exited with code %ld", name, code);
        snprintf(expl, sizeof expl,
                 "An essential container exited with a non-zero code, which stops the whole task. The "
                 "application's own logs say why.");
        break;
    }
    f = h->finding(ctx, cat[kind], sev[kind], conf[kind], title);
    if (!f)
        return;
    h->set(f, "explanation", expl);
    snprintf(key, sizeof key, "%d:%s:%ld", kind, name, code);
    h->set(f, "key", key);
    {
        const char *group = h->str(h->get(task, "group"));
        if (group && !strncmp(group, "service:", 8))
            h->set(f, "subject", group + 8);
    }
    snprintf(ptr, sizeof ptr, "/tasks/%zu/containers/%zu/exitCode", ti, ci);
    h->evidence(f, ptr, NULL);
    snprintf(ptr, sizeof ptr, "/tasks/%zu/containers/%zu/reason", ti, ci);
    if (h->ptr(ctx, ptr))
        h->evidence(f, ptr, NULL);
    snprintf(ptr, sizeof ptr, "/tasks/%zu/stoppedReason", ti);
    h->evidence(f, ptr, NULL);
    h->resource(f, last_segment(h->str(h->get(task, "taskArn"))));
    h->when(f, h->num(h->get(task, "stoppedAt"), 0));
    h->explains(f, "deployment_circuit_breaker");
    h->explains(f, "deployment_stuck");
    if (kind == OOM) {
        h->explains(f, "elb_health_check_failed");
        h->explains(f, "container_health_check_failed");
        snprintf(cmd, sizeof cmd,
                 "aws ecs describe-task-definition --task-definition %s --region %s "
                 "--query \"taskDefinition.{taskMemory:memory,containers:containerDefinitions[?name=='%s']."
                 "{memory:memory,memoryReservation:memoryReservation}}\"",
                 family, region ? region : "us-east-1", name);
        h->remediation(f, "Check the task and container memory limits", cmd,
                       "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-oom.html");
        h->remediation(f, "Register a task definition revision with more memory for the container "
                          "(or fix the leak), then update the service to it", NULL,
                       "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory");
    } else {
        snprintf(cmd, sizeof cmd,
                 "aws ecs describe-task-definition --task-definition %s --region %s "
                 "--query \"taskDefinition.containerDefinitions[?name=='%s'].{image:image,entryPoint:entryPoint,"
                 "command:command,stopTimeout:stopTimeout}\"",
                 family, region ? region : "us-east-1", name);
        h->remediation(f, kind == NOTFOUND ? "Check the container's entryPoint and command against the image"
                                           : "Look at the container's definition and its last log lines",
                       cmd, "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html");
    }
}

/* A task that ECS or a person stopped on purpose (scale-in, a deployment
 * replacing it, a health-check replacement, a Spot reclaim) has its
 * containers SIGTERMed and, past the stop timeout, SIGKILLed: exit 137 there
 * is the stop itself, not a crash. Such tasks carry a stopCode other than
 * EssentialContainerExited; other checks (ELB/container health, spot)
 * diagnose why they were stopped. An essential exit keeps its own reason. */
static int stopped_on_purpose(const edoc_host *h, const edoc_node *task, const char *stopped)
{
    const char *code = h->str(h->get(task, "stopCode"));
    if (stopped && strstr(stopped, "Essential container in task exited"))
        return 0;
    if (stopped && strncmp(stopped, "Scaling activity initiated by", 29) == 0)
        return 1;
    return code && (!strcmp(code, "ServiceSchedulerInitiated") || !strcmp(code, "UserInitiated") ||
                    !strcmp(code, "SpotInterruption") || !strcmp(code, "TerminationNotice"));
}

static int run(const edoc_host *h, edoc_ctx *ctx)
{
    const edoc_node *tasks = h->ptr(ctx, "/tasks");
    const edoc_node *tds = h->ptr(ctx, "/task_definitions");
    size_t ti, nt = h->len(tasks);
    const char *tds_status = h->str(h->ptr(ctx, "/sources/ecs.task_definitions/status"));
    const char *tds_reason = h->str(h->ptr(ctx, "/sources/ecs.task_definitions/reason"));
    int tds_failed = tds_status && (!strcmp(tds_status, "denied") || !strcmp(tds_status, "error") ||
                                    (!strcmp(tds_status, "skipped") && tds_reason &&
                                     !strcmp(tds_reason, "deadline")));
    for (ti = 0; ti < nt; ti++) {
        const edoc_node *task = h->at(tasks, ti);
        const edoc_node *containers = h->get(task, "containers");
        const char *stopped = h->str(h->get(task, "stoppedReason"));
        const edoc_node *td = h->get(tds, h->str(h->get(task, "taskDefinitionArn")));
        size_t ci, nc = h->len(containers);
        const char *ls = h->str(h->get(task, "lastStatus"));
        if (!ls || strcmp(ls, "STOPPED") != 0 || stopped_on_purpose(h, task, stopped))
            continue;
        for (ci = 0; ci < nc; ci++) {
            const edoc_node *c = h->at(containers, ci);
            const edoc_node *ec = h->get(c, "exitCode");
            const char *reason = h->str(h->get(c, "reason"));
            long code;
            if (h->type(ec) != EDOC_T_NUMBER)
                continue;
            code = (long)h->num(ec, 0);
            if (code == 0 || code == 143)
                continue;
            if (!essential(h, td, h->str(h->get(c, "name"))))
                continue;
            /* Without the task definition a sidecar's exit is taken for an
             * essential one: say which evidence would have told them apart. */
            if (!td && tds_failed && EDOC_HOST_HAS(h, incomplete))
                h->incomplete(ctx, "ecs.task_definitions",
                              "could not tell essential containers from sidecars: ecs.task_definitions is missing");
            report(h, ctx, classify(code, reason, stopped), ti, ci, task, c, code);
        }
    }
    return 0;
}

static const edoc_check checks[] = {
    {"container.exit", "container_crash", "high",
     "Essential containers that exited non-zero: OOM kills, missing commands, crashes",
     /* Task definitions only tell sidecars apart: run() reports their loss
      * through host->incomplete when it mattered. */
     "ecs.tasks", run},
};

EDOC_PLUGIN_DEFINE("container_exit", "1.0.0", checks);

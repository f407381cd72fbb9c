/* container_exit — diagnoses stopped tasks by their essential containers'
 * exit codes: 137 with OutOfMemoryError evidence (container_oom), 137 without
 * it (SIGKILL after the stop timeout: low confidence), 127 or "exec: ... not
 * found" (container_command_not_found, also when runc refused to start the
 * process and there is no exit code at all: CannotStartContainerError), any
 * other non-zero exit (container_crash). Exit 143 (SIGTERM) is a normal stop
 * and is ignored. Findings quote the container's last log lines when the
 * evidence has them, and the remediation names the task definition
 * family:revision and the awslogs group/stream.
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

/* runc refused to start the process (CannotStartContainerError ... exec:
 * "x": executable file not found / no such file or directory): the
 * container never ran, so it has no exit code. */
static int start_failed_exec(const char *text)
{
    return has(text, "executable file not found") ||
           (has(text, "CannotStartContainerError") && has(text, "exec:") &&
            (has(text, "not found") || has(text, "no such file or directory")));
}

static const edoc_node *container_def(const edoc_host *h, const edoc_node *td, const char *name)
{
    const edoc_node *defs = h->get(td, "containerDefinitions");
    size_t i, n = h->len(defs);
    for (i = 0; i < n && name; i++) {
        const char *dn = h->str(h->get(h->at(defs, i), "name"));
        if (dn && !strcmp(dn, name))
            return h->at(defs, i);
    }
    return NULL;
}

/* Escapes one JSON pointer token ('~' -> "~0", '/' -> "~1"); truncates to cap. */
static void ptr_token(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (; s && *s && o + 3 < cap; s++) {
        if (*s == '~' || *s == '/') {
            out[o++] = '~';
            out[o++] = *s == '~' ? '0' : '1';
        } else {
            out[o++] = *s;
        }
    }
    out[o] = '\0';
}

/* The awslogs stream of this task's container in the evidence (logs.streams
 * member), or NULL. */
static const edoc_node *log_stream(const edoc_host *h, edoc_ctx *ctx, const char *task_id, const char *name)
{
    const edoc_node *streams = h->ptr(ctx, "/logs/streams");
    size_t i, n = h->len(streams);
    for (i = 0; i < n; i++) {
        const edoc_node *st = h->at(streams, i);
        const char *t = h->str(h->get(st, "task")), *c = h->str(h->get(st, "container"));
        if (t && c && task_id && name && !strcmp(t, task_id) && !strcmp(c, name) &&
            h->len(h->get(st, "events")) > 0)
            return st;
    }
    return NULL;
}

/* Quotes the stream's last lines (up to 3: the error is usually among them). */
static void cite_log_tail(const edoc_host *h, edoc_finding *f, const edoc_node *st)
{
    char tok[600], ptr[700];
    size_t n = h->len(h->get(st, "events")), i;
    ptr_token(tok, sizeof tok, h->key(st));
    for (i = n > 3 ? n - 3 : 0; i < n; i++) {
        snprintf(ptr, sizeof ptr, "/logs/streams/%s/events/%zu/message", tok, i);
        h->evidence(f, ptr, i + 1 == n ? "the container's last log line" : NULL);
    }
}

/* A fix step with values: the command is a literal template whose {name}
 * placeholders the host fills with quoted values (args: name/value pairs,
 * NULL-terminated). A host without remediation_cmd gets the description
 * only: never a command with unquoted values in it. */
static void fix(const edoc_host *h, edoc_finding *f, const char *desc, const char *tmpl, const char *const *args,
                const char *docs)
{
    if (EDOC_HOST_HAS(h, remediation_cmd))
        h->remediation_cmd(f, desc, tmpl, args, docs);
    else
        h->remediation(f, desc, NULL, docs);
}

/* "aws logs get-log-events ..." for the container's stream: from the
 * collected stream, else from the awslogs options in the task definition. */
static int logs_fix(const edoc_host *h, edoc_finding *f, const edoc_node *st, const edoc_node *def,
                    const char *task_id, const char *name, const char *region)
{
    const char *group = h->str(h->get(st, "group")), *stream = h->str(h->get(st, "stream"));
    char built[400];
    if (!group || !stream) {
        const edoc_node *lc = h->get(def, "logConfiguration");
        const edoc_node *opts = h->get(lc, "options");
        const char *drv = h->str(h->get(lc, "logDriver"));
        const char *prefix = h->str(h->get(opts, "awslogs-stream-prefix"));
        group = h->str(h->get(opts, "awslogs-group"));
        if (!drv || strcmp(drv, "awslogs") != 0 || !group || !prefix || !task_id)
            return 0;
        snprintf(built, sizeof built, "%s/%s/%s", prefix, name, task_id);
        stream = built;
    }
    {
        const char *args[] = {"group", group, "stream", stream, "region", region, NULL};
        fix(h, f, "Read the container's last log lines (the application says why it exited)",
            "aws logs get-log-events --log-group-name {group} --log-stream-name {stream} --limit 50 "
            "--region {region} --query 'events[].message' --output text",
            args, "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html");
    }
    return 1;
}

/* The executable runc could not find: exec: "gunicorn": ... -> gunicorn
 * (only shell-safe characters are kept, for the suggested command). */
static void exec_name(const char *text, char *out, size_t cap)
{
    const char *p = text ? strstr(text, "exec: \"") : NULL;
    size_t o = 0;
    out[0] = '\0';
    if (!p)
        return;
    for (p += 7; *p && *p != '"' && o + 1 < cap; p++) {
        char ch = *p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              strchr("/._-+", ch)))
            break;
        out[o++] = ch;
    }
    out[o] = '\0';
}

static void describe(int kind, const char *name, long code, int has_code, char *title, size_t tcap,
                     char *expl, size_t ecap)
{
    switch (kind) {
    case OOM:
        snprintf(title, tcap, "Container %s ran out of memory (OOM-killed, exit %ld)", name, code);
        snprintf(expl, ecap,
                 "The kernel killed container %s because it exceeded its memory limit. ECS stops the task "
                 "when an essential container exits, so the service keeps replacing tasks.", name);
        break;
    case KILLED:
        snprintf(title, tcap, "Container %s was killed with SIGKILL (exit 137)", name);
        snprintf(expl, ecap,
                 "Exit 137 without OutOfMemoryError evidence usually means the container did not stop "
                 "within stopTimeout after SIGTERM and was killed; it may also be an OOM kill the agent "
                 "did not report.");
        break;
    case NOTFOUND:
        if (has_code)
            snprintf(title, tcap, "Container %s: command or entrypoint not found (exit %ld)", name, code);
        else
            snprintf(title, tcap, "Container %s could not start: command or entrypoint not found in the image",
                     name);
        snprintf(expl, ecap,
                 "The container's command or entryPoint names an executable that does not exist in the "
                 "image (or is not on its PATH), so the process cannot start and the task stops at once.");
        break;
    default:
        snprintf(title, tcap, "Essential container %s exited with code %ld", name, code);
        snprintf(expl, ecap,
                 "An essential container exited with a non-zero code, which stops the whole task. The "
                 "application's own logs say why.");
        break;
    }
}

static void report(const edoc_host *h, edoc_ctx *ctx, int kind, size_t ti, size_t ci,
                   const edoc_node *task, const edoc_node *td, long code, int has_code)
{
    static const char *cat[] = {"container_oom", "container_crash", "container_command_not_found",
                                "container_crash"};
    static const char *sev[] = {"high", "medium", "critical", "high"};
    static const double conf[] = {0.9, 0.4, 0.9, 0.7};
    const edoc_node *c = h->at(h->get(task, "containers"), ci);
    const char *name = h->str(h->get(c, "name"));
    const char *tdarn = h->str(h->get(task, "taskDefinitionArn"));
    const char *region = h->str(h->ptr(ctx, "/target/region"));
    const char *family = last_segment(tdarn);
    const char *task_id = h->str(h->get(task, "taskArn")) ? last_segment(h->str(h->get(task, "taskArn"))) : NULL;
    const edoc_node *def, *st;
    char title[300], key[300], ptr[128], expl[600];
    int logs_done = 0;
    edoc_finding *f;
    if (!name)
        name = "?";
    if (!region)
        region = "us-east-1";
    def = container_def(h, td, name);
    st = log_stream(h, ctx, task_id, name);
    describe(kind, name, code, has_code, title, sizeof title, expl, sizeof expl);
    f = h->finding(ctx, cat[kind], sev[kind], conf[kind], title);
    if (!f)
        return;
    h->set(f, "explanation", expl);
    snprintf(key, sizeof key, "%d:%s:%ld", kind, name, has_code ? code : -1L);
    h->set(f, "key", key);
    {
        const char *group = h->str(h->get(task, "group"));
        if (group && !strncmp(group, "service:", 8))
            h->set(f, "subject", group + 8);
    }
    if (has_code) {
        snprintf(ptr, sizeof ptr, "/tasks/%zu/containers/%zu/exitCode", ti, ci);
        h->evidence(f, ptr, NULL);
    }
    snprintf(ptr, sizeof ptr, "/tasks/%zu/containers/%zu/reason", ti, ci);
    if (h->ptr(ctx, ptr))
        h->evidence(f, ptr, NULL);
    snprintf(ptr, sizeof ptr, "/tasks/%zu/stoppedReason", ti);
    h->evidence(f, ptr, NULL);
    if (st)
        cite_log_tail(h, f, st);
    h->resource(f, task_id ? task_id : "?");
    h->when(f, h->num(h->get(task, "stoppedAt"), 0));
    h->explains(f, "deployment_circuit_breaker");
    h->explains(f, "deployment_stuck");
    if (kind == OOM) {
        h->explains(f, "elb_health_check_failed");
        h->explains(f, "container_health_check_failed");
        {
            const char *args[] = {"td", family, "region", region, "container", name, NULL};
            fix(h, f, "Check the task and container memory limits",
                "aws ecs describe-task-definition --task-definition {td} --region {region} --query taskDefinition"
                " | jq --arg c {container} '{taskMemory: .memory, containers: [.containerDefinitions[]"
                " | select(.name == $c) | {memory: .memory, memoryReservation: .memoryReservation}]}'",
                args, "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-oom.html");
        }
        snprintf(expl, sizeof expl,
                 "Register a revision of %s with more memory for container %s (or fix the leak), then "
                 "update the service to it", family, name);
        h->remediation(f, expl, NULL,
                       "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory");
    } else {
        /* For a crash the application's last words come first. */
        if (kind != NOTFOUND && !logs_done && logs_fix(h, f, st, def, task_id, name, region))
            logs_done = 1;
        {
            const char *args[] = {"td", family, "region", region, "container", name, NULL};
            fix(h, f,
                kind == NOTFOUND ? "Check the container's entryPoint and command against the image"
                : kind == KILLED ? "Check the container's stopTimeout and whether it handles SIGTERM"
                                 : "Look at the container's definition",
                "aws ecs describe-task-definition --task-definition {td} --region {region} --query taskDefinition"
                " | jq --arg c {container} '.containerDefinitions[] | select(.name == $c)"
                " | {image: .image, entryPoint: .entryPoint, command: .command, stopTimeout: .stopTimeout}'",
                args, "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html");
        }
    }
    if (kind != NOTFOUND && !logs_done)
        logs_fix(h, f, st, def, task_id, name, region);
    if (kind == NOTFOUND) {
        const char *image = h->str(h->get(c, "image"));
        char exe[128];
        exec_name(h->str(h->get(c, "reason")), exe, sizeof exe);
        if (!exe[0])
            exec_name(h->str(h->get(task, "stoppedReason")), exe, sizeof exe);
        {
            /* The executable goes to sh -c as "$1": a value, never code. */
            const char *args[] = {"image", image ? image : "IMAGE", "exe", exe[0] ? exe : "EXECUTABLE", NULL};
            fix(h, f,
                "Check that the executable exists in the image (run locally), then register a revision with "
                "the right command or image",
                "docker run --rm --entrypoint sh -- {image} -c 'command -v \"$1\" || echo missing' sh {exe}", args,
                "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_command");
        }
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

/* A number, or a string holding one (hand-edited or re-serialised bundles). */
static int numeric(const edoc_host *h, const edoc_node *n)
{
    const char *s = h->str(n);
    if (h->type(n) == EDOC_T_NUMBER)
        return 1;
    if (!s || !*s)
        return 0;
    if (*s == '-')
        s++;
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* Without the task definition a sidecar's exit is taken for an essential
 * one: say which evidence would have told them apart. */
static void lacking_td(const edoc_host *h, edoc_ctx *ctx, const edoc_node *td, int tds_failed)
{
    if (!td && tds_failed && EDOC_HOST_HAS(h, incomplete))
        h->incomplete(ctx, "ecs.task_definitions",
                      "could not tell essential containers from sidecars: ecs.task_definitions is missing");
}

static void run_task(const edoc_host *h, edoc_ctx *ctx, size_t ti, const edoc_node *task, const edoc_node *td,
                     const char *stopped, int tds_failed)
{
    const edoc_node *containers = h->get(task, "containers");
    size_t ci, nc = h->len(containers);
    int start_failure_seen = 0;
    for (ci = 0; ci < nc; ci++) {
        const edoc_node *c = h->at(containers, ci);
        const edoc_node *ec = h->get(c, "exitCode");
        const char *reason = h->str(h->get(c, "reason"));
        long code;
        if (!essential(h, td, h->str(h->get(c, "name"))))
            continue;
        if (!numeric(h, ec)) {
            /* No exit code: only a process runc could not exec is ours. */
            if (!start_failure_seen && (start_failed_exec(reason) || (!reason && start_failed_exec(stopped)))) {
                lacking_td(h, ctx, td, tds_failed);
                report(h, ctx, NOTFOUND, ti, ci, task, td, 0, 0);
                start_failure_seen = 1;
            }
            continue;
        }
        code = (long)h->num(ec, 0);
        if (code == 0 || code == 143)
            continue;
        lacking_td(h, ctx, td, tds_failed);
        report(h, ctx, classify(code, reason, stopped), ti, ci, task, td, code, 1);
    }
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
        const char *stopped = h->str(h->get(task, "stoppedReason"));
        const char *ls = h->str(h->get(task, "lastStatus"));
        if (!ls || strcmp(ls, "STOPPED") != 0 || stopped_on_purpose(h, task, stopped))
            continue;
        run_task(h, ctx, ti, task, h->get(tds, h->str(h->get(task, "taskDefinitionArn"))), stopped, tds_failed);
    }
    return 0;
}

static const edoc_check checks[] = {
    {"container.exit", "container_crash", "high",
     "Essential containers that exited or could not start: OOM kills (container_oom), missing "
     "commands (container_command_not_found), crashes (container_crash)",
     /* Task definitions only tell sidecars apart: run() reports their loss
      * through host->incomplete when it mattered. */
     "ecs.tasks", run},
};

EDOC_PLUGIN_DEFINE("container_exit", "1.0.0", checks);

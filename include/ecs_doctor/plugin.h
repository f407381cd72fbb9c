/* ecs_doctor/plugin.h — the public API for ecs-doctor check plugins.
 *
 * A plugin is a shared object that exports exactly one symbol, the descriptor
 * `edoc_plugin_v1` (see EDOC_PLUGIN_DEFINE below). The host reads the
 * descriptor's ABI version and size from the file, then dlopen()s it with
 * RTLD_NOW | RTLD_LOCAL, and calls each registered check's run() with a table
 * of host functions, in a forked child per run (a crash or a hang is that
 * check's error; static state does not carry over between runs). Plugins
 * never link the core and never see cJSON or any core struct: the evidence is
 * reached through opaque, read-only nodes and findings through an opaque builder.
 *
 * This header is self-contained (C99 or later, no other project header).
 * Build a plugin out of tree with:
 *     cc -shared -fPIC -fvisibility=hidden $(pkg-config --cflags ecs-doctor-plugin) \
 *        -o my_checks.so my_checks.c
 *
 * ABI policy (Redis module API rule):
 *  - EDOC_ABI_VERSION changes only on an incompatible change; the host refuses
 *    a plugin built for another version, with a message naming both versions.
 *  - Additions never bump it: new members are appended to edoc_host (and to
 *    edoc_plugin/edoc_check). The host sets edoc_host.size to its sizeof; a
 *    plugin that wants a member added later tests EDOC_HOST_HAS(host, member)
 *    first. The host reads plugin/check members beyond the plugin's declared
 *    size as zero.
 *
 * Ownership: every pointer the host returns is borrowed and valid until the
 * check's run() returns. Strings passed to the host are copied by it.
 */
#ifndef ECS_DOCTOR_PLUGIN_H
#define ECS_DOCTOR_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EDOC_ABI_VERSION 1u
#define EDOC_PLUGIN_SYMBOL "edoc_plugin_v1"

#if defined(__GNUC__)
#define EDOC_EXPORT __attribute__((visibility("default")))
#else
#define EDOC_EXPORT
#endif

/* Opaque handles. */
typedef struct edoc_ctx edoc_ctx;         /* one run of one check */
typedef struct edoc_node edoc_node;       /* a read-only node of the evidence */
typedef struct edoc_finding edoc_finding; /* a finding being built (host-owned) */

/* Node types, as JSON has them. */
enum edoc_type {
    EDOC_T_MISSING = 0, /* the node pointer was NULL */
    EDOC_T_NULL = 1,
    EDOC_T_BOOL = 2,
    EDOC_T_NUMBER = 3,
    EDOC_T_STRING = 4,
    EDOC_T_ARRAY = 5,
    EDOC_T_OBJECT = 6
};

/* IAM evaluation results (host->iam_eval). */
enum edoc_iam {
    EDOC_IAM_ALLOWED = 1,        /* an Allow matches and no Deny does */
    EDOC_IAM_IMPLICIT_DENY = 2,  /* no statement allows it */
    EDOC_IAM_EXPLICIT_DENY = 3,  /* a Deny statement matches */
    EDOC_IAM_CONDITIONAL = 4,    /* allowed only by statements with Conditions (not evaluated) */
    EDOC_IAM_UNKNOWN = 5         /* the role or its policies are not in the evidence */
};

/* Network reachability results (host->net_reach). */
enum edoc_reach {
    EDOC_REACH_YES = 1,
    EDOC_REACH_NO = 2,
    EDOC_REACH_UNKNOWN = 3       /* evidence missing (e.g. route tables denied) */
};

/* The host's function table, passed to every run(). Members are only ever
 * appended. */
typedef struct edoc_host {
    uint32_t abi_version; /* EDOC_ABI_VERSION of the host */
    uint32_t size;        /* sizeof(edoc_host) in the host */

    /* ---- Evidence, read-only. NULL nodes are accepted everywhere and yield
     * NULL / 0 / EDOC_T_MISSING, so lookups chain without checks. */
    const edoc_node *(*root)(edoc_ctx *ctx);
    /* RFC 6901 pointer from the root, e.g. "/services/0/events". */
    const edoc_node *(*ptr)(edoc_ctx *ctx, const char *json_pointer);
    const edoc_node *(*get)(const edoc_node *obj, const char *key);
    const edoc_node *(*at)(const edoc_node *arr_or_obj, size_t index);
    size_t (*len)(const edoc_node *n);          /* array or object member count */
    int (*type)(const edoc_node *n);            /* enum edoc_type */
    const char *(*key)(const edoc_node *member); /* object member's name, else NULL */
    const char *(*str)(const edoc_node *n);     /* string value, else NULL */
    double (*num)(const edoc_node *n, double dflt); /* number (or numeric string) */
    int (*truthy)(const edoc_node *n);          /* true, "true", non-zero number */

    /* ---- Findings. category and severity use the fixed vocabularies in
     * docs/categories.md ("critical","high","medium","low","info"). The
     * check's id is recorded automatically. */
    edoc_finding *(*finding)(edoc_ctx *ctx, const char *category, const char *severity,
                             double confidence, const char *title);
    /* Sets a text field: "explanation", "key" (dedupe key: findings of one
     * check with the same key merge, counts add up), "kind" ("diagnosis" or
     * "recommendation"), "rule" (recommendation rule id), "subject"
     * (the service/task the finding is about). Unknown fields are ignored. */
    void (*set)(edoc_finding *f, const char *field, const char *value);
    /* Cites evidence: a JSON pointer into the document; the host quotes the
     * value found there. note may be NULL. */
    void (*evidence)(edoc_finding *f, const char *json_pointer, const char *note);
    void (*resource)(edoc_finding *f, const char *id); /* task id, target id, sg-..., ... */
    void (*count)(edoc_finding *f, long n);            /* occurrences (default 1) */
    void (*when)(edoc_finding *f, double epoch_seconds); /* latest occurrence */
    /* A fix step whose command is literal text (see remediation_cmd for one
     * that carries values): it is read as a template without arguments, so
     * "{region}" becomes the target's region, quoted; a stray "{name}" or an
     * unbalanced quote fails the check. Never format values into it. */
    void (*remediation)(edoc_finding *f, const char *description, const char *command,
                        const char *docs_url);
    /* Declares that this finding explains others: a category
     * ("deployment_circuit_breaker") or a check id ("ecs.pull_error"). The
     * ranker links matching findings under this one (caused_by). */
    void (*explains)(edoc_finding *f, const char *category_or_check);

    /* ---- Analysis helpers (core/analysis/iam_eval.c, core/analysis/netpath.c).
     * why/whylen receive one sentence naming the deciding statement or hop. */
    int (*iam_eval)(edoc_ctx *ctx, const char *role_name, const char *action,
                    const char *resource, char *why, size_t whylen);
    /* Can a task in subnet_id with the given security groups reach `service`
     * ("ecr.api","ecr.dkr","s3","logs","secretsmanager","ssm","sts",
     * "internet")? assign_public_ip is 1 when the task got a public IP. */
    int (*net_reach)(edoc_ctx *ctx, const char *subnet_id, const char *const *sg_ids,
                     size_t n_sg, int assign_public_ip, const char *service,
                     char *why, size_t whylen);

    /* Diagnostic message for --debug / verbose runs. */
    void (*log)(edoc_ctx *ctx, const char *message);

    /* ---- Added after 0.1.0 (test EDOC_HOST_HAS(host, incomplete)).
     * The check saw something it had to decide (a failure to explain) but the
     * evidence source it needed is missing (denied, failed, or not in the
     * bundle; the check decides): the run is reported `incomplete`, with `source` in its
     * `missing` list and `why` as its message, and the verdict cannot be
     * `healthy`. Returns 0, or -1 for an unknown source name. */
    int (*incomplete)(edoc_ctx *ctx, const char *source, const char *why);

    /* ---- Added after 0.2.0 (test EDOC_HOST_HAS(host, remediation_cmd)).
     * A fix step with values in it. `command` is a literal template; each
     * "{name}" outside quotes is replaced by the value of that name in
     * `args`, quoted by the host the way Python's shlex.quote does (values
     * read from AWS are hostile: never format them into the template). args
     * holds name/value pairs ended by a NULL name:
     *     const char *args[] = {"td", family_rev, "container", name, NULL};
     *     host->remediation_cmd(f, "Show the container's definition",
     *         "aws ecs describe-task-definition --task-definition {td} --region {region} "
     *         "--query taskDefinition | jq --arg c {container} "
     *         "'.containerDefinitions[] | select(.name == $c)'", args, docs_url);
     * {region} is the target's unless args names it. A value used inside a
     * jq program goes in with `jq --arg NAME {value}`. The template is refused
     * — -1, the step is dropped and the check reported as an error naming why
     * — when a placeholder is inside quotes, a # comment, a here-document or
     * where a command name goes, when it has no argument, when an argument is
     * unused, or when the template ends inside a quote. Returns 0 otherwise. */
    int (*remediation_cmd)(edoc_finding *f, const char *description, const char *command,
                           const char *const *args, const char *docs_url);
    /* ---- Added after 0.1.0 (test EDOC_HOST_HAS(host, service_state)).
     * The service-state model, computed from the evidence before any check
     * ran (docs/report.md "Service state"): for `service` its node
     * ({"status", "desired", "running", "healthy", "short_for_s", "rollout",
     * "deployments", "tasks", "targets", "events", "floor", "severity",
     * "reasons", ...}), NULL when the evidence has no such service; for NULL
     * the whole model ({"floor", "severity", "reasons", "services", "task"}).
     * Read it with get/at/str/num like evidence nodes; read-only, borrowed
     * until run() returns. */
    const edoc_node *(*service_state)(edoc_ctx *ctx, const char *service);
} edoc_host;

#define EDOC_HOST_HAS(host, member) \
    ((host)->size >= offsetof(edoc_host, member) + sizeof((host)->member))

/* One check. run() returns 0 when it ran to completion (with or without
 * findings); non-zero means the check itself failed, which the host reports
 * as a check error while the other checks go on. */
typedef struct edoc_check {
    const char *id;       /* stable, unique: "net.no_route_to_ecr" */
    const char *category; /* main category it reports */
    const char *severity; /* default severity */
    const char *summary;  /* one line for `ecs-doctor checks list` */
    /* Comma-separated evidence sources the check cannot decide without
     * ("ecs.tasks,ecs.services"); when one was denied, failed, partial or cut
     * by the deadline the host marks the check's result incomplete. A source absent from the evidence (never
     * collected) is not missing. Sources read only to explain what the check
     * sees do not belong here: when one is missing and it mattered, call
     * host->incomplete(). (No member is appended here: positional
     * initializers would then warn under -Wextra in every existing plugin.) */
    const char *needs;
    int (*run)(const edoc_host *host, edoc_ctx *ctx);
} edoc_check;

/* The descriptor: the plugin's one exported symbol. */
typedef struct edoc_plugin {
    uint32_t abi_version;  /* EDOC_ABI_VERSION the plugin was built with */
    uint32_t size;         /* sizeof(edoc_plugin) at build time */
    const char *name;
    const char *version;
    const edoc_check *checks;
    size_t n_checks;
    uint32_t check_size;   /* sizeof(edoc_check) at build time */
} edoc_plugin;

/* Defines the exported descriptor. Usage:
 *   static const edoc_check checks[] = { { "x.y", "container_oom", "high", "...", "ecs.tasks", run_y } };
 *   EDOC_PLUGIN_DEFINE("my-team-checks", "1.0.0", checks);
 */
#define EDOC_PLUGIN_DEFINE(name_, version_, checks_)                                 \
    EDOC_EXPORT const edoc_plugin edoc_plugin_v1 = {                                 \
        EDOC_ABI_VERSION, (uint32_t)sizeof(edoc_plugin), (name_), (version_),       \
        (checks_), sizeof(checks_) / sizeof((checks_)[0]), (uint32_t)sizeof(edoc_check)}

#ifdef __cplusplus
}
#endif
#endif

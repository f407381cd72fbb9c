/* finding — see finding.h. */
#include "engine/finding.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/nodeidx.h"
#include "util/jsonx.h"
#include "util/shquote.h"
#include "util/strutil.h"

/* The fixed category vocabulary (issue #7); best_practice is for
 * recommendations. Keep in sync with docs/categories.md. */
static const char *const categories[] = {
    "image_not_found", "registry_auth_failed", "registry_rate_limited", "image_platform_mismatch",
    "network_no_route", "security_group_egress_blocked", "vpc_endpoint_misconfigured",
    "subnet_ip_exhausted", "eni_provisioning_failed", "secrets_access_denied", "secret_not_found",
    "execution_role_invalid", "log_configuration_error", "efs_mount_failed", "container_oom",
    "container_crash", "container_command_not_found", "container_health_check_failed",
    "elb_health_check_failed", "load_balancer_misconfigured", "health_check_grace_period_too_short",
    "placement_insufficient_resources", "placement_port_conflict", "placement_constraint_unsatisfied",
    "no_container_instances", "capacity_unavailable", "service_quota_exceeded",
    "task_definition_invalid", "spot_interruption", "host_maintenance", "deployment_circuit_breaker",
    "deployment_stuck", "disk_full", "agent_disconnected", "api_throttled", "unknown_failure",
    "best_practice",
};

const char *finding_category_name(size_t i)
{
    return i < sizeof categories / sizeof categories[0] ? categories[i] : NULL;
}

int finding_category_valid(const char *category)
{
    size_t i;
    if (!category)
        return 0;
    for (i = 0; i < sizeof categories / sizeof categories[0]; i++)
        if (!strcmp(category, categories[i]))
            return 1;
    return 0;
}

int finding_severity_level(const char *s)
{
    if (!s)
        return 0;
    if (!strcmp(s, "critical")) return 5;
    if (!strcmp(s, "high")) return 4;
    if (!strcmp(s, "medium")) return 3;
    if (!strcmp(s, "low")) return 2;
    if (!strcmp(s, "info")) return 1;
    return 0;
}

/* Copies at most max bytes of s, cutting on a UTF-8 boundary and marking the
 * cut with "…" so a reader knows the value was longer. */
static char *capped_dup(const char *s, size_t max)
{
    size_t n;
    char *r;
    if (!s)
        return NULL;
    n = strlen(s);
    if (n <= max)
        return str_dup(s);
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    r = malloc(max + 4);
    if (!r)
        return NULL;
    memcpy(r, s, max);
    memcpy(r + max, "\xE2\x80\xA6", 4);
    return r;
}

struct finding *finding_new(const char *check, const char *source)
{
    struct finding *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->check = str_dup(check);
    f->source = str_dup(source);
    f->kind = str_dup("diagnosis");
    f->confidence = 0.5;
    f->count = 1;
    f->caused_by = -1;
    f->evidence = cJSON_CreateArray();
    f->resources = cJSON_CreateArray();
    f->remediation = cJSON_CreateArray();
    f->explains = cJSON_CreateArray();
    if (!f->check || !f->source || !f->kind || !f->evidence || !f->resources || !f->remediation ||
        !f->explains) {
        finding_free(f);
        return NULL;
    }
    return f;
}

void finding_free(struct finding *f)
{
    if (!f)
        return;
    free(f->check); free(f->source); free(f->kind); free(f->category); free(f->severity);
    free(f->title); free(f->explanation); free(f->key); free(f->subject); free(f->rule);
    free(f->id);
    cJSON_Delete(f->evidence);
    cJSON_Delete(f->resources);
    cJSON_Delete(f->remediation);
    cJSON_Delete(f->explains);
    cJSON_Delete(f->change);
    free(f);
}

static enum err_code replace(char **slot, const char *value, size_t max)
{
    char *v = capped_dup(value, max);
    if (value && !v)
        return ERR_NOMEM;
    free(*slot);
    *slot = v;
    return ERR_OK;
}

enum err_code finding_set(struct finding *f, const char *field, const char *value)
{
    if (!f || !field)
        return ERR_OK;
    if (!strcmp(field, "title")) return replace(&f->title, value, FINDING_SHORT_MAX);
    if (!strcmp(field, "category")) return replace(&f->category, value, 64);
    if (!strcmp(field, "severity")) return replace(&f->severity, value, 16);
    if (!strcmp(field, "kind")) return replace(&f->kind, value, 16);
    if (!strcmp(field, "explanation")) return replace(&f->explanation, value, FINDING_TEXT_MAX);
    if (!strcmp(field, "key")) return replace(&f->key, value, FINDING_SHORT_MAX);
    if (!strcmp(field, "subject")) return replace(&f->subject, value, FINDING_SHORT_MAX);
    if (!strcmp(field, "rule")) return replace(&f->rule, value, FINDING_SHORT_MAX);
    return ERR_OK;
}

/* The quoted value of a cited node: strings as (capped) strings, numbers and
 * booleans as themselves, containers as their compact JSON (capped). */
static cJSON *quote(const cJSON *v)
{
    char *txt, *capped;
    cJSON *r;
    if (!v)
        return cJSON_CreateNull();
    if (cJSON_IsString(v)) {
        capped = capped_dup(v->valuestring ? v->valuestring : "", FINDING_VALUE_MAX);
        r = cJSON_CreateString(capped ? capped : "");
        free(capped);
        return r;
    }
    if (cJSON_IsNumber(v))
        return cJSON_CreateNumber(v->valuedouble);
    if (cJSON_IsBool(v))
        return cJSON_CreateBool(cJSON_IsTrue(v));
    if (cJSON_IsNull(v))
        return cJSON_CreateNull();
    txt = cJSON_PrintUnformatted(v);
    capped = capped_dup(txt ? txt : "", FINDING_VALUE_MAX);
    r = cJSON_CreateString(capped ? capped : "");
    free(txt);
    free(capped);
    return r;
}

void finding_add_evidence(struct finding *f, const cJSON *evidence, const char *pointer,
                          const char *note)
{
    cJSON *item;
    const cJSON *v;
    char *p, *n;
    if (!f || !pointer || cJSON_GetArraySize(f->evidence) >= FINDING_MAX_EVIDENCE)
        return;
    v = nodeidx_pointer(evidence, pointer);
    item = cJSON_CreateObject();
    if (!item)
        return;
    p = capped_dup(pointer, FINDING_SHORT_MAX);
    n = capped_dup(v ? note : (note ? note : "not present in the evidence"), FINDING_SHORT_MAX);
    cJSON_AddStringToObject(item, "pointer", p ? p : "");
    cJSON_AddItemToObject(item, "value", quote(v));
    if (n)
        cJSON_AddStringToObject(item, "note", n);
    else
        cJSON_AddNullToObject(item, "note");
    free(p);
    free(n);
    cJSON_AddItemToArray(f->evidence, item);
}

static int array_has(const cJSON *arr, const char *s)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
        if (cJSON_IsString(it) && !strcmp(it->valuestring, s))
            return 1;
    return 0;
}

static void add_unique(cJSON *arr, const char *s, int max)
{
    char *c;
    if (!s || !*s || cJSON_GetArraySize(arr) >= max || array_has(arr, s))
        return;
    c = capped_dup(s, FINDING_SHORT_MAX);
    if (c)
        cJSON_AddItemToArray(arr, cJSON_CreateString(c));
    free(c);
}

void finding_add_resource(struct finding *f, const char *id)
{
    if (f)
        add_unique(f->resources, id, FINDING_MAX_RESOURCES);
}

void finding_add_explains(struct finding *f, const char *what)
{
    if (f)
        add_unique(f->explains, what, FINDING_MAX_EXPLAINS);
}

static void add_capped_string(cJSON *obj, const char *name, const char *v, size_t max)
{
    char *c = capped_dup(v, max);
    if (c)
        cJSON_AddStringToObject(obj, name, c);
    else
        cJSON_AddNullToObject(obj, name);
    free(c);
}

static void add_remediation(struct finding *f, const char *description, const char *command,
                            const char *docs)
{
    cJSON *r;
    if (!f || cJSON_GetArraySize(f->remediation) >= FINDING_MAX_REMEDIATION)
        return;
    r = cJSON_CreateObject();
    if (!r)
        return;
    add_capped_string(r, "description", description, FINDING_TEXT_MAX);
    add_capped_string(r, "command", command, FINDING_TEXT_MAX);
    add_capped_string(r, "docs", docs, FINDING_SHORT_MAX);
    cJSON_AddItemToArray(f->remediation, r);
}

void finding_add_rendered(struct finding *f, const char *description, const char *command, const char *docs)
{
    add_remediation(f, description, command, docs);
}

enum err_code finding_add_command(struct finding *f, const char *description, const char *command,
                                  const struct shq_arg *args, size_t n_args, const char *region,
                                  const char *docs, struct err *e)
{
    struct shq_arg all[SHQ_MAX_ARGS + 1];
    struct buf out;
    enum err_code rc;
    size_t i;
    int has_region = 0;
    if (!command) {
        if (f)
            add_remediation(f, description, NULL, docs);
        return ERR_OK;
    }
    if (n_args > SHQ_MAX_ARGS)
        return err_set(e, ERR_SCHEMA, "more than %d command arguments", SHQ_MAX_ARGS);
    for (i = 0; i < n_args; i++) {
        all[i] = args[i];
        if (args[i].name && !strcmp(args[i].name, "region"))
            has_region = 1;
    }
    if (!has_region && region && shq_uses(command, "region")) {
        all[n_args] = (struct shq_arg){"region", &region, 1, 0};
        n_args++;
    }
    /* One byte over the cap tells "too long" from "exactly the cap". */
    buf_init(&out, FINDING_TEXT_MAX + 1);
    rc = shq_render(&out, command, all, n_args, e);
    if (rc == ERR_LIMIT) {
        struct buf d;
        buf_init(&d, 0);
        buf_printf(&d, "%s (the command is left out: with its values it is longer than %d bytes)",
                   description ? description : "", FINDING_TEXT_MAX);
        if (f)
            add_remediation(f, d.data, NULL, docs);
        buf_cleanup(&d);
        rc = ERR_OK;
    } else if (rc == ERR_OK && f) {
        add_remediation(f, description, out.data ? out.data : "", docs);
    }
    buf_cleanup(&out);
    return rc;
}

enum err_code finding_validate(const struct finding *f, struct err *e)
{
    if (!f->title || !*f->title)
        return err_set(e, ERR_SCHEMA, "finding without a title");
    if (!finding_category_valid(f->category))
        return err_set(e, ERR_SCHEMA, "finding '%s': unknown category '%s' (see docs/categories.md)",
                       f->title, f->category ? f->category : "(none)");
    if (!finding_severity_level(f->severity))
        return err_set(e, ERR_SCHEMA,
                       "finding '%s': unknown severity '%s' (critical, high, medium, low, info)",
                       f->title, f->severity ? f->severity : "(none)");
    if (!f->kind || (strcmp(f->kind, "diagnosis") && strcmp(f->kind, "recommendation")))
        return err_set(e, ERR_SCHEMA, "finding '%s': unknown kind '%s' (diagnosis, recommendation)",
                       f->title, f->kind ? f->kind : "(none)");
    if (!(f->confidence >= 0.0 && f->confidence <= 1.0))
        return err_set(e, ERR_SCHEMA, "finding '%s': confidence %g is not between 0 and 1", f->title,
                       f->confidence);
    if (f->count < 1)
        return err_set(e, ERR_SCHEMA, "finding '%s': count %ld is not positive", f->title, f->count);
    return ERR_OK;
}

void finding_merge_into(struct finding *dst, const struct finding *src)
{
    const cJSON *it;
    dst->count = (dst->count > 1000000000L - src->count) ? 1000000000L : dst->count + src->count;
    if (src->when > dst->when)
        dst->when = src->when;
    if (src->confidence > dst->confidence)
        dst->confidence = src->confidence;
    cJSON_ArrayForEach(it, src->resources)
        add_unique(dst->resources, it->valuestring, FINDING_MAX_RESOURCES);
    cJSON_ArrayForEach(it, src->explains)
        add_unique(dst->explains, it->valuestring, FINDING_MAX_EXPLAINS);
    cJSON_ArrayForEach(it, src->evidence) {
        if (cJSON_GetArraySize(dst->evidence) >= FINDING_MAX_EVIDENCE)
            break;
        cJSON_AddItemToArray(dst->evidence, cJSON_Duplicate(it, 1));
    }
}

static void add_opt_string(cJSON *o, const char *name, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

cJSON *finding_to_json(const struct finding *f, const struct finding_list *ranked)
{
    cJSON *o = cJSON_CreateObject(), *sym;
    size_t i;
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "rank", f->rank);
    add_opt_string(o, "id", f->id);
    add_opt_string(o, "check", f->check);
    add_opt_string(o, "source", f->source);
    add_opt_string(o, "kind", f->kind);
    add_opt_string(o, "category", f->category);
    add_opt_string(o, "severity", f->severity);
    cJSON_AddNumberToObject(o, "confidence", f->confidence);
    cJSON_AddNumberToObject(o, "score", f->score);
    add_opt_string(o, "title", f->title);
    add_opt_string(o, "explanation", f->explanation);
    add_opt_string(o, "subject", f->subject);
    if (f->rule)
        cJSON_AddStringToObject(o, "rule", f->rule);
    cJSON_AddItemToObject(o, "evidence", cJSON_Duplicate(f->evidence, 1));
    cJSON_AddItemToObject(o, "resources", cJSON_Duplicate(f->resources, 1));
    cJSON_AddNumberToObject(o, "count", (double)f->count);
    if (f->when > 0)
        cJSON_AddNumberToObject(o, "last_seen", floor(f->when));
    else
        cJSON_AddNullToObject(o, "last_seen");
    if (ranked && f->caused_by >= 0 && (size_t)f->caused_by < ranked->n)
        cJSON_AddStringToObject(o, "caused_by", ranked->v[f->caused_by]->id);
    else
        cJSON_AddNullToObject(o, "caused_by");
    sym = cJSON_AddArrayToObject(o, "symptoms");
    for (i = 0; ranked && sym && i < ranked->n; i++)
        if (ranked->v[i]->caused_by >= 0 && ranked->v[ranked->v[i]->caused_by] == f)
            cJSON_AddItemToArray(sym, cJSON_CreateString(ranked->v[i]->id));
    cJSON_AddItemToObject(o, "explains", cJSON_Duplicate(f->explains, 1));
    if (f->change)
        cJSON_AddItemToObject(o, "change", cJSON_Duplicate(f->change, 1));
    if (f->key)
        cJSON_AddStringToObject(o, "key", f->key);
    cJSON_AddItemToObject(o, "remediation", cJSON_Duplicate(f->remediation, 1));
    cJSON_AddBoolToObject(o, "muted", f->muted);
    return o;
}

int finding_list_merge_key(struct finding_list *l, size_t start, const struct finding *f)
{
    size_t i;
    if (!f->key || !*f->key)
        return 0;
    for (i = start; i < l->n; i++) {
        struct finding *g = l->v[i];
        if (g->key && !strcmp(g->key, f->key) && !strcmp(g->check, f->check)) {
            finding_merge_into(g, f);
            return 1;
        }
    }
    return 0;
}

enum err_code finding_list_push(struct finding_list *l, struct finding *f)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        struct finding **nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return ERR_NOMEM;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = f;
    return ERR_OK;
}

void finding_list_cleanup(struct finding_list *l)
{
    size_t i;
    for (i = 0; i < l->n; i++)
        finding_free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

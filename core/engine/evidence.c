/* evidence — see evidence.h. */
#include "engine/evidence.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonx.h"

/* Sections with a fixed JSON type; absent is fine (unknown), another type is
 * not: a check must be able to trust that ev.tasks is a list. */
static const struct {
    const char *name;
    int array;
} shapes[] = {
    {"cluster", 0}, {"services", 1}, {"tasks", 1}, {"task_definitions", 0},
    {"task_definition_history", 0}, {"elb", 0}, {"iam", 0}, {"network", 0}, {"logs", 0},
    {"images", 0}, {"secrets", 0}, {"capacity", 0}, {"scaling", 0}, {"changes", 1},
    {"metrics", 0}, {"window", 0},
};

enum err_code evidence_validate(const cJSON *doc, const char *what, struct err *e)
{
    const cJSON *schema, *v;
    size_t i;
    if (!cJSON_IsObject(doc))
        return err_set(e, ERR_SCHEMA, "%s: not an ecs-doctor evidence bundle (expected a JSON object)", what);
    schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
    if (!schema)
        return err_set(e, ERR_SCHEMA, "%s: not an ecs-doctor evidence bundle (no \"schema\" field)", what);
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, EVIDENCE_SCHEMA) != 0) {
        char *txt = cJSON_IsString(schema) ? NULL : cJSON_PrintUnformatted(schema);
        err_set(e, ERR_SCHEMA, "%s: unsupported schema '%.80s' (this ecs-doctor reads " EVIDENCE_SCHEMA ")",
                what, cJSON_IsString(schema) ? schema->valuestring : (txt ? txt : "?"));
        cJSON_free(txt);
        return ERR_SCHEMA;
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "target");
    if (!cJSON_IsObject(v))
        return err_set(e, ERR_SCHEMA, "%s: \"target\" is %s (expected an object, docs/evidence.md)", what,
                       v ? "not an object" : "missing");
    v = cJSON_GetObjectItemCaseSensitive(doc, "sources");
    if (!cJSON_IsObject(v))
        return err_set(e, ERR_SCHEMA, "%s: \"sources\" is %s (expected an object, docs/evidence.md)", what,
                       v ? "not an object" : "missing");
    for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        v = cJSON_GetObjectItemCaseSensitive(doc, shapes[i].name);
        if (v && !cJSON_IsNull(v) && !(shapes[i].array ? cJSON_IsArray(v) : cJSON_IsObject(v)))
            return err_set(e, ERR_SCHEMA, "%s: \"%s\" must be %s", what, shapes[i].name,
                           shapes[i].array ? "an array" : "an object");
    }
    return ERR_OK;
}

/* Key interning. A bundle repeats the same few hundred member names
 * ("taskArn", "containers", "stoppedReason"...) hundreds of thousands of
 * times, and cJSON gives each its own malloc'ed copy: 400,000 of them, about
 * 13 MB, in a 10,000-task bundle. Loading points every short key at one
 * shared copy instead (cJSON_StringIsConst tells cJSON_Delete not to free
 * it). The pool lives for the process and is bounded: keys are at most
 * INTERN_KEY_MAX bytes, INTERN_SLOTS of them; others keep their own copy. */
#define INTERN_SLOTS 4096 /* power of two */
#define INTERN_KEY_MAX 64

static char *intern_pool[INTERN_SLOTS];

static const char *intern(const char *k)
{
    size_t n = strlen(k), i;
    uint32_t h = 2166136261u;
    if (n > INTERN_KEY_MAX)
        return NULL;
    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 16777619u;
    for (i = 0; i < 16; i++) {
        char **slot = &intern_pool[(h + i) & (INTERN_SLOTS - 1)];
        if (!*slot) {
            *slot = malloc(n + 1);
            if (*slot)
                memcpy(*slot, k, n + 1);
            return *slot;
        }
        if (!strcmp(*slot, k))
            return *slot;
    }
    return NULL; /* a crowded neighbourhood: keep the key's own copy */
}

static void intern_keys(cJSON *node)
{
    cJSON *it;
    for (it = node ? node->child : NULL; it; it = it->next) {
        if (it->string && !(it->type & cJSON_StringIsConst)) {
            const char *k = intern(it->string);
            if (k) {
                cJSON_free(it->string);
                it->string = (char *)k;
                it->type |= cJSON_StringIsConst;
            }
        }
        if (it->child)
            intern_keys(it);
    }
}

cJSON *evidence_load(const char *path, struct err *e)
{
    cJSON *doc = jsonx_load_file(path, EVIDENCE_MAX_BYTES, e);
    if (!doc)
        return NULL;
    if (evidence_validate(doc, path, e) != ERR_OK) {
        cJSON_Delete(doc);
        return NULL;
    }
    intern_keys(doc);
    return doc;
}

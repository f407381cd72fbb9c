/* evidence — see evidence.h. */
#include "engine/evidence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/jarena.h"
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

cJSON *evidence_load(const char *path, struct err *e)
{
    struct buf b;
    cJSON *doc = NULL;
    buf_init(&b, EVIDENCE_MAX_BYTES);
    /* The tree lives in an arena (util/jarena.h): a bundle of 100,000 tasks
     * is tens of millions of nodes, and one malloc each cost a fifth of the
     * memory and most of the parse. */
    /* "-": standard input (`ecs-doctor collect ... -o - | ecs-doctor analyze -`). */
    if (!strcmp(path, "-")) {
        path = "standard input";
        if (buf_read_stream(&b, stdin, path, e) == ERR_OK)
            doc = jarena_parse(b.data, b.len, path, e);
    } else if (buf_read_file(&b, path, e) == ERR_OK) {
        doc = jarena_parse(b.data, b.len, path, e);
    }
    buf_cleanup(&b);
    if (doc && evidence_validate(doc, path, e) != ERR_OK) {
        evidence_free(doc);
        return NULL;
    }
    return doc;
}

void evidence_free(cJSON *doc)
{
    jarena_delete(doc);
}

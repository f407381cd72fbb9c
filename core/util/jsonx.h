/* jsonx — small helpers on top of cJSON used across the core.
 *
 * Parsing with a size cap and a precise "file:line:col" error, RFC 6901 JSON
 * pointers (the address a finding uses to cite its evidence), and typed
 * getters that tolerate missing members. Returned cJSON pointers are borrowed
 * from the tree passed in unless a function's name says _take/_dup. */
#ifndef EDOC_JSONX_H
#define EDOC_JSONX_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include "util/err.h"
#include "util/buf.h"

/* Parses text (len bytes) into a new tree (caller frees with cJSON_Delete).
 * On failure returns NULL and sets e: "<what>:LINE:COL: invalid JSON near '...'". */
cJSON *jsonx_parse(const char *text, size_t len, const char *what, struct err *e);

/* Reads and parses a file, at most max_bytes (0: 256 MiB). */
cJSON *jsonx_load_file(const char *path, size_t max_bytes, struct err *e);

/* Writes text to path atomically: a temp file in the same folder made by
 * mkstemp (unpredictable name, O_EXCL, no symlink followed), mode 0600,
 * fsync, rename. Never leaves a half-written file at path. The result is
 * readable by its owner only (bundles hold account data). */
enum err_code jsonx_write_atomic(const char *path, const char *text, struct err *e);

/* RFC 6901 lookup: "" is the root, "/a/0/b~1c" walks object keys and array
 * indexes ("~1" is "/", "~0" is "~"). NULL when absent or malformed. */
cJSON *jsonx_pointer(const cJSON *root, const char *pointer);

/* Appends one escaped reference token to a pointer being built in b. */
enum err_code jsonx_pointer_append(struct buf *b, const char *token);

/* Typed getters: the member's value, or dflt when missing or of another type. */
const char *jsonx_str(const cJSON *obj, const char *key, const char *dflt);
double jsonx_num(const cJSON *obj, const char *key, double dflt);
int jsonx_bool(const cJSON *obj, const char *key, int dflt);

/* Returns the object member `key`, creating it as an empty object/array when
 * missing (borrowed). NULL on allocation failure or type clash. */
cJSON *jsonx_obj(cJSON *parent, const char *key);
cJSON *jsonx_arr(cJSON *parent, const char *key);

#endif

/* jsonx — see jsonx.h. */
#include "util/jsonx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

cJSON *jsonx_parse(const char *text, size_t len, const char *what, struct err *e)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!j) {
        /* cJSON reports where it stopped; turn that into line:col. */
        size_t off = (end && end >= text) ? (size_t)(end - text) : 0, i;
        int line = 1, col = 1;
        char near[24];
        size_t k = 0;
        if (off > len)
            off = len;
        for (i = 0; i < off; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        for (i = off; i < len && k < sizeof near - 1 && text[i] != '\n'; i++)
            near[k++] = (text[i] >= 32 && text[i] < 127) ? text[i] : '?';
        near[k] = '\0';
        if (len == 0)
            err_set(e, ERR_PARSE, "%s: empty document, expected JSON", what);
        else
            err_set(e, ERR_PARSE, "%s:%d:%d: invalid JSON near '%s'", what, line, col, near);
    }
    return j;
}

cJSON *jsonx_load_file(const char *path, size_t max_bytes, struct err *e)
{
    struct buf b;
    cJSON *j = NULL;
    buf_init(&b, max_bytes ? max_bytes : (size_t)256 * 1024 * 1024);
    if (buf_read_file(&b, path, e) == ERR_OK)
        j = jsonx_parse(b.data, b.len, path, e);
    buf_cleanup(&b);
    return j;
}

enum err_code jsonx_write_atomic(const char *path, const char *text, struct err *e)
{
    struct buf tmp;
    int fd;
    size_t n = strlen(text), off = 0;
    enum err_code rc = ERR_OK;
    buf_init(&tmp, 0);
    /* mkstemp: a name nobody can predict, created with O_CREAT|O_EXCL (a
     * symlink or file planted there is never followed or reused) and mode
     * 0600, in the target's own folder so rename() stays atomic. A bundle
     * holds account data: only its owner reads it, whatever the umask. */
    if (buf_printf(&tmp, "%s.XXXXXX", path) != ERR_OK) {
        buf_cleanup(&tmp);
        return err_set(e, ERR_NOMEM, "%s: out of memory", path);
    }
    fd = mkstemp(tmp.data);
    if (fd < 0) {
        rc = err_set(e, ERR_IO, "%s: cannot create a temporary file: %s", path, strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) != 0) {
        rc = err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
        goto fail;
    }
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = err_set(e, ERR_IO, "%s: write failed: %s", path, strerror(w < 0 ? errno : EIO));
            goto fail;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        rc = err_set(e, ERR_IO, "%s: write failed: %s", path, strerror(errno));
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = err_set(e, ERR_IO, "%s: write failed: %s", path, strerror(errno));
        goto fail;
    }
    fd = -1;
    /* rename() replaces the directory entry: a symlink at path is replaced,
     * not followed. */
    if (rename(tmp.data, path) != 0) {
        rc = err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
        goto fail;
    }
    goto out;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp.data);
out:
    buf_cleanup(&tmp);
    return rc;
}

/* Decodes one reference token (up to '/' or end) into out; returns the
 * position after it. */
static const char *next_token(const char *p, char *out, size_t outsz, int *ok)
{
    size_t k = 0;
    *ok = 1;
    while (*p && *p != '/') {
        char c = *p++;
        if (c == '~') {
            if (*p == '0')
                c = '~';
            else if (*p == '1')
                c = '/';
            else {
                *ok = 0;
                return p;
            }
            p++;
        }
        if (k + 1 >= outsz) {
            *ok = 0;
            return p;
        }
        out[k++] = c;
    }
    out[k] = '\0';
    return p;
}

cJSON *jsonx_pointer(const cJSON *root, const char *pointer)
{
    char tok[1024];
    const char *p = pointer;
    const cJSON *cur = root;
    int ok;
    if (!root || !pointer)
        return NULL;
    if (*p == '\0')
        return (cJSON *)root;
    while (*p == '/' && cur) {
        p = next_token(p + 1, tok, sizeof tok, &ok);
        if (!ok)
            return NULL;
        if (cJSON_IsArray(cur)) {
            char *end;
            long idx;
            if (!tok[0] || (tok[0] == '0' && tok[1]))
                return NULL;
            idx = strtol(tok, &end, 10);
            if (*end || idx < 0)
                return NULL;
            cur = cJSON_GetArrayItem(cur, (int)idx);
        } else if (cJSON_IsObject(cur)) {
            cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
        } else {
            return NULL;
        }
    }
    return *p ? NULL : (cJSON *)cur;
}

enum err_code jsonx_pointer_append(struct buf *b, const char *token)
{
    enum err_code rc = buf_append(b, "/", 1);
    for (; rc == ERR_OK && *token; token++) {
        if (*token == '~')
            rc = buf_append(b, "~0", 2);
        else if (*token == '/')
            rc = buf_append(b, "~1", 2);
        else
            rc = buf_append(b, token, 1);
    }
    return rc;
}

const char *jsonx_str(const cJSON *obj, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : dflt;
}

double jsonx_num(const cJSON *obj, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

int jsonx_bool(const cJSON *obj, const char *key, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v);
    return dflt;
}

static cJSON *member(cJSON *parent, const char *key, int want_array)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (v)
        return (want_array ? cJSON_IsArray(v) : cJSON_IsObject(v)) ? v : NULL;
    v = want_array ? cJSON_CreateArray() : cJSON_CreateObject();
    if (v && !cJSON_AddItemToObject(parent, key, v)) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

cJSON *jsonx_obj(cJSON *parent, const char *key) { return member(parent, key, 0); }
cJSON *jsonx_arr(cJSON *parent, const char *key) { return member(parent, key, 1); }

/* buf — see buf.h. */
#include "util/buf.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max ? max : BUF_DEFAULT_MAX;
}

void buf_cleanup(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_wipe(struct buf *b)
{
    if (b->data)
        OPENSSL_cleanse(b->data, b->cap);
    buf_cleanup(b);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static enum err_code reserve(struct buf *b, size_t extra)
{
    size_t need, ncap;
    char *p;
    if (extra > b->max || b->len > b->max - extra)
        return ERR_LIMIT;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return ERR_OK;
    ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap *= 2;
    p = realloc(b->data, ncap);
    if (!p)
        return ERR_NOMEM;
    b->data = p;
    b->cap = ncap;
    return ERR_OK;
}

enum err_code buf_append(struct buf *b, const void *p, size_t n)
{
    enum err_code rc = reserve(b, n);
    if (rc != ERR_OK)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return ERR_OK;
}

enum err_code buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

enum err_code buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    int n;
    enum err_code rc;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return ERR_INTERNAL;
    }
    rc = reserve(b, (size_t)n);
    if (rc == ERR_OK) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
    return rc;
}

char *buf_take(struct buf *b)
{
    char *p = b->data;
    if (!p) {
        p = malloc(1);
        if (p)
            p[0] = '\0';
    }
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

enum err_code buf_read_file(struct buf *b, const char *path, struct err *e)
{
    char chunk[16384];
    size_t n;
    enum err_code rc = ERR_OK;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        rc = buf_append(b, chunk, n);
        if (rc == ERR_LIMIT) {
            err_set(e, rc, "%s: larger than the %zu-byte limit", path, b->max);
            break;
        }
        if (rc != ERR_OK) {
            err_set(e, rc, "%s: out of memory", path);
            break;
        }
    }
    if (rc == ERR_OK && ferror(f))
        rc = err_set(e, ERR_IO, "%s: read error", path);
    fclose(f);
    if (rc == ERR_OK && !b->data)
        rc = buf_append(b, "", 0);
    return rc;
}

enum err_code buf_shquote(struct buf *b, const char *s)
{
    static const char plain_set[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@,+-%";
    enum err_code rc;
    const char *p;
    if (!s)
        s = "";
    if (*s && strspn(s, plain_set) == strlen(s))
        return buf_puts(b, s);
    if ((rc = buf_puts(b, "'")) != ERR_OK)
        return rc;
    for (p = s; *p; p++) {
        rc = *p == '\'' ? buf_puts(b, "'\\''") : buf_append(b, p, 1);
        if (rc != ERR_OK)
            return rc;
    }
    return buf_puts(b, "'");
}

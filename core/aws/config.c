/* config — see config.h. */
#include "aws/config.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strutil.h"

#define CONFIG_MAX_BYTES (4u * 1024 * 1024)

struct entry {
    char *section, *key, *value;
};

struct config {
    struct entry *e;
    size_t n, cap;
};

static char *trim(char *s)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* "profile   x" -> "profile x": the CLI splits section names on whitespace. */
static char *norm_section(const char *s)
{
    struct buf b;
    int space = 0;
    buf_init(&b, 0);
    buf_puts(&b, "");
    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            space = 1;
            continue;
        }
        if (space && b.len)
            buf_puts(&b, " ");
        space = 0;
        buf_append(&b, s, 1);
    }
    return buf_take(&b);
}

static enum err_code put(struct config *c, const char *section, const char *key, const char *value)
{
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, key) == 0) {
            char *v = str_dup(value);
            if (!v)
                return ERR_NOMEM;
            free(c->e[i].value);
            c->e[i].value = v; /* last one wins, as in configparser */
            return ERR_OK;
        }
    }
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        struct entry *ne = realloc(c->e, ncap * sizeof *ne);
        if (!ne)
            return ERR_NOMEM;
        c->e = ne;
        c->cap = ncap;
    }
    c->e[c->n].section = str_dup(section);
    c->e[c->n].key = str_dup(key);
    c->e[c->n].value = str_dup(value);
    c->n++;
    return c->e[c->n - 1].section && c->e[c->n - 1].key && c->e[c->n - 1].value ? ERR_OK
                                                                             : ERR_NOMEM;
}

enum err_code config_parse(const char *text, const char *what, struct config **out, struct err *e)
{
    enum err_code rc = ERR_OK;
    struct config *c = calloc(1, sizeof *c);
    char *copy = str_dup(text ? text : ""), *line, *next;
    char *section = NULL, parent[256] = "";
    int lineno = 0;
    *out = NULL;
    if (!c || !copy) {
        rc = err_set(e, ERR_NOMEM, "%s: out of memory", what);
        goto out;
    }
    for (line = copy; line; line = next) {
        char *nl = strchr(line, '\n'), *t, *eq;
        int indented = line[0] == ' ' || line[0] == '\t';
        next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        lineno++;
        t = trim(line);
        if (!*t || *t == '#' || *t == ';')
            continue;
        if (*t == '[') {
            char *close = strrchr(t, ']');
            if (!close || close[1] != '\0') {
                rc = err_set(e, ERR_CONFIG, "%s:%d: section header without closing ']'", what, lineno);
                goto out;
            }
            *close = '\0';
            free(section);
            section = norm_section(t + 1);
            parent[0] = '\0';
            if (!section || !*section) {
                rc = err_set(e, ERR_CONFIG, "%s:%d: empty section name", what, lineno);
                goto out;
            }
            continue;
        }
        eq = strchr(t, '=');
        if (!eq) {
            rc = err_set(e, ERR_CONFIG, "%s:%d: expected 'key = value' or '[section]'", what, lineno);
            goto out;
        }
        if (!section) {
            rc = err_set(e, ERR_CONFIG, "%s:%d: 'key = value' before any [section]", what, lineno);
            goto out;
        }
        *eq = '\0';
        {
            char *key = trim(t), *value = trim(eq + 1);
            if (!*key) {
                rc = err_set(e, ERR_CONFIG, "%s:%d: empty key", what, lineno);
                goto out;
            }
            if (indented && parent[0]) {
                /* A nested key ("s3 =\n  x = y"): kept as "s3.x". */
                char nk[512];
                snprintf(nk, sizeof nk, "%s.%s", parent, key);
                rc = put(c, section, nk, value);
            } else {
                rc = put(c, section, key, value);
                if (!*value && strlen(key) < sizeof parent)
                    snprintf(parent, sizeof parent, "%s", key);
                else
                    parent[0] = '\0';
            }
            if (rc != ERR_OK) {
                err_set(e, rc, "%s:%d: out of memory", what, lineno);
                goto out;
            }
        }
    }
    *out = c;
    c = NULL;
out:
    free(section);
    free(copy);
    config_free(c);
    return rc;
}

enum err_code config_load(const char *path, struct config **out, struct err *e)
{
    struct buf b;
    enum err_code rc;
    buf_init(&b, CONFIG_MAX_BYTES);
    *out = NULL;
    rc = buf_read_file(&b, path, e);
    if (rc == ERR_OK)
        rc = config_parse(b.data ? b.data : "", path, out, e);
    buf_wipe(&b); /* the credentials file holds secrets */
    return rc;
}

void config_free(struct config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].section);
        free(c->e[i].key);
        if (c->e[i].value)
            OPENSSL_cleanse(c->e[i].value, strlen(c->e[i].value));
        free(c->e[i].value);
    }
    free(c->e);
    free(c);
}

const char *config_get(const struct config *c, const char *section, const char *key)
{
    if (!c || !section || !key)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, key) == 0)
            return c->e[i].value;
    return NULL;
}

int config_has_section(const struct config *c, const char *section)
{
    if (!c || !section)
        return 0;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->e[i].section, section) == 0)
            return 1;
    return 0;
}

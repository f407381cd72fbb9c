/* textsafe — see textsafe.h. */
#include "util/textsafe.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (at most n bytes) and its code
 * point, or 0 when invalid: overlong forms, surrogates and values past
 * U+10FFFF are invalid, as RFC 3629 says. */
static size_t decode(const unsigned char *s, size_t n, unsigned long *cp)
{
    size_t len, i;
    unsigned long c;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        c = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        c = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static int bidi_control(unsigned long cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

enum err_code textsafe_term(struct buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;
    enum err_code rc = ERR_OK;
    /* Safe runs are appended whole; only what needs escaping is rewritten. */
    while (i < n && rc == ERR_OK) {
        unsigned long cp;
        size_t len = decode(p + i, n - i, &cp);
        if (len && cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) && !bidi_control(cp)) {
            i += len;
            continue;
        }
        rc = buf_append(b, s + run, i - run);
        if (rc != ERR_OK)
            break;
        if (!len) {
            rc = buf_puts(b, REPLACEMENT);
            i++;
        } else if (bidi_control(cp)) {
            rc = buf_printf(b, "\\u%04lx", cp);
            i += len;
        } else {
            rc = buf_printf(b, "\\x%02lx", cp);
            i += len;
        }
        run = i;
    }
    if (rc == ERR_OK)
        rc = buf_append(b, s + run, n - run);
    return rc;
}

void textsafe_line(FILE *f, const char *fmt, ...)
{
    va_list ap;
    char small[1024], *text = small;
    struct buf b;
    int n;
    size_t len;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof small) {
        text = malloc((size_t)n + 1);
        if (!text)
            return;
        va_start(ap, fmt);
        vsnprintf(text, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    len = (size_t)n;
    buf_init(&b, 0);
    if (len && text[len - 1] == '\n')
        len--;
    if (textsafe_term(&b, text, len) == ERR_OK && ((size_t)n == len || buf_puts(&b, "\n") == ERR_OK))
        fwrite(b.data ? b.data : "", 1, b.len, f);
    buf_cleanup(&b);
    if (text != small)
        free(text);
}

int textsafe_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned long cp;
        size_t len = decode(p + i, n - i, &cp);
        if (!len)
            return 0;
        i += len;
    }
    return 1;
}

enum err_code textsafe_utf8(struct buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;
    enum err_code rc = ERR_OK;
    while (i < n && rc == ERR_OK) {
        unsigned long cp;
        size_t len = decode(p + i, n - i, &cp);
        if (len) {
            i += len;
            continue;
        }
        rc = buf_append(b, s + run, i - run);
        if (rc == ERR_OK)
            rc = buf_puts(b, REPLACEMENT);
        run = ++i;
    }
    if (rc == ERR_OK)
        rc = buf_append(b, s + run, n - run);
    return rc;
}

/* A fixed copy of s, NULL when s is valid (nothing to do) or on failure
 * (*oom set). */
static char *fixed(const char *s, int *oom)
{
    struct buf b;
    size_t n = strlen(s);
    if (textsafe_utf8_valid(s, n))
        return NULL;
    buf_init(&b, n * 3 + 16);
    if (textsafe_utf8(&b, s, n) != ERR_OK) {
        buf_cleanup(&b);
        *oom = 1;
        return NULL;
    }
    return buf_take(&b);
}

int textsafe_json_tree(cJSON *node)
{
    cJSON *it;
    int changed = 0, oom = 0;
    for (it = node ? node->child : NULL; it; it = it->next) {
        char *f;
        if (it->string && (f = fixed(it->string, &oom))) {
            /* cJSON owns member names unless flagged constant. */
            if (!(it->type & cJSON_StringIsConst))
                free(it->string);
            it->type &= ~cJSON_StringIsConst;
            it->string = f;
            changed++;
        }
        if (oom)
            return -1;
        if (cJSON_IsString(it) && it->valuestring && (f = fixed(it->valuestring, &oom))) {
            if (!cJSON_SetValuestring(it, f)) {
                free(f);
                return -1;
            }
            free(f);
            changed++;
        } else if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
            int r = textsafe_json_tree(it);
            if (r < 0)
                return -1;
            changed += r;
        }
        if (oom)
            return -1;
    }
    return changed;
}

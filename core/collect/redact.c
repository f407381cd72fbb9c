/* redact — see redact.h. */
#include "collect/redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

static int is_b64(int c)
{
    return isalnum(c) || c == '/' || c == '+';
}

static int is_ident(int c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '.';
}

static int is_tok(int c)
{
    return isalnum(c) || c == '_' || c == '-';
}

/* AKIA/ASIA + 16 upper-case alphanumerics, not inside a longer word. */
static size_t match_key_id(const char *s, size_t i)
{
    size_t k;
    if (i > 0 && isalnum((unsigned char)s[i - 1]))
        return 0;
    if (strncmp(s + i, "AKIA", 4) && strncmp(s + i, "ASIA", 4))
        return 0;
    for (k = 4; k < 20; k++) {
        unsigned char c = (unsigned char)s[i + k];
        if (!(isupper(c) || isdigit(c)))
            return 0;
    }
    return isalnum((unsigned char)s[i + 20]) ? 0 : 20;
}

/* A JWT: eyJ<base64url>.eyJ<base64url>.<sig> */
static size_t match_jwt(const char *s, size_t i)
{
    size_t k = i, part;
    if (strncmp(s + i, "eyJ", 3) || (i > 0 && is_tok((unsigned char)s[i - 1])))
        return 0;
    for (part = 0; part < 3; part++) {
        size_t st = k;
        while (is_tok((unsigned char)s[k]))
            k++;
        if (k == st && part < 2)
            return 0;
        if (part < 2) {
            if (s[k] != '.')
                return 0;
            k++;
            if (part == 0 && strncmp(s + k, "eyJ", 3))
                return 0;
        }
    }
    return k - i;
}

/* Exactly 40 base64 characters mixing cases and digits: an AWS secret access
 * key's shape. Lower-case hex (git SHAs, task ids) never matches. */
static size_t match_secret_key(const char *s, size_t i)
{
    size_t k = i;
    int up = 0, lo = 0, dg = 0;
    if (i > 0 && (is_b64((unsigned char)s[i - 1]) || s[i - 1] == '='))
        return 0;
    while (is_b64((unsigned char)s[k])) {
        unsigned char c = (unsigned char)s[k];
        up |= isupper(c) != 0;
        lo |= islower(c) != 0;
        dg |= isdigit(c) != 0;
        k++;
    }
    if (k - i != 40 || s[k] == '=' || !(up && lo && dg))
        return 0;
    return 40;
}

/* Vendor tokens with a fixed, registered prefix (GitHub, GitLab, Slack,
 * Stripe, npm): the prefix alone makes them unambiguous, so they are masked
 * anywhere, like key ids. At least 16 token characters must follow. */
static size_t match_prefixed_token(const char *s, size_t i)
{
    static const char *const prefixes[] = {
        "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-",
        "xoxr-", "xoxs-", "sk_live_", "rk_live_", "sk_test_", "npm_",
    };
    size_t k, p, pl;
    if (i > 0 && is_tok((unsigned char)s[i - 1]))
        return 0;
    for (p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
        pl = strlen(prefixes[p]);
        if (strncmp(s + i, prefixes[p], pl))
            continue;
        k = i + pl;
        while (is_tok((unsigned char)s[k]))
            k++;
        if (k - i - pl >= 16)
            return k - i;
    }
    return 0;
}

/* scheme://user:password@host: the password part of a URL's userinfo. */
static size_t match_url_password(const char *s, size_t i, size_t *start)
{
    size_t k = i + 3, colon = 0;
    if (strncmp(s + i, "://", 3))
        return 0;
    for (; s[k] && !isspace((unsigned char)s[k]) && !strchr("/?#\"'", s[k]); k++) {
        if (s[k] == ':' && !colon)
            colon = k;
        if (s[k] == '@')
            break;
    }
    if (s[k] != '@' || !colon || k == colon + 1 || !strncmp(s + colon + 1, REDACT_MASK, strlen(REDACT_MASK)))
        return 0;
    *start = colon + 1;
    return k - colon - 1;
}

static const char *const secret_names[] = {
    /* Not "auth" or "credentials": stop reasons say "registry auth: <cause>". */
    "password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "access_key",
    "secret_key", "private_key",
};

/* NAME=value / NAME: value / "NAME": "value" where NAME ends with a secret
 * word. Returns the value's length and sets *start to its offset. */
static size_t match_pair(const char *s, size_t i, size_t *start)
{
    size_t b = i, e, v, k;
    char sep = s[i];
    if (sep != '=' && sep != ':')
        return 0;
    if (sep == ':' && s[i + 1] != ' ' && s[i + 1] != '"' && s[i + 1] != '\'')
        return 0; /* "secret:prod/db" inside an ARN is a reference, not a pair */
    if (b > 0 && (s[b - 1] == '"' || s[b - 1] == '\''))
        b--;
    e = b;
    while (b > 0 && is_ident((unsigned char)s[b - 1]))
        b--;
    if (e == b)
        return 0;
    for (k = 0; k < sizeof secret_names / sizeof secret_names[0]; k++) {
        size_t nl = strlen(secret_names[k]), j;
        int ok = 1;
        if (e - b < nl)
            continue;
        for (j = 0; j < nl; j++)
            if (tolower((unsigned char)s[e - nl + j]) != secret_names[k][j])
                ok = 0;
        if (ok)
            break;
    }
    if (k == sizeof secret_names / sizeof secret_names[0])
        return 0;
    v = i + 1;
    while (s[v] == ' ')
        v++;
    if (s[v] == '"' || s[v] == '\'')
        v++;
    k = v;
    while (s[k] && !isspace((unsigned char)s[k]) && !strchr("\"',;&})", s[k]))
        k++;
    if (k == v || !strncmp(s + v, REDACT_MASK, strlen(REDACT_MASK)))
        return 0;
    *start = v;
    return k - v;
}

/* "Bearer <token>" (any case). */
static size_t match_bearer(const char *s, size_t i, size_t *start)
{
    size_t k;
    if (strncasecmp(s + i, "bearer ", 7) || (i > 0 && isalnum((unsigned char)s[i - 1])))
        return 0;
    k = i + 7;
    while (s[k] == ' ')
        k++;
    *start = k;
    while (s[k] && !isspace((unsigned char)s[k]) && s[k] != '"' && s[k] != '\'')
        k++;
    if (k - *start < 8 || !strncmp(s + *start, REDACT_MASK, strlen(REDACT_MASK)))
        return 0;
    return k - *start;
}

char *redact_text(const char *s, int free_text)
{
    struct buf b;
    size_t i = 0, done = 0, n;
    int changed = 0;
    if (!s)
        return NULL;
    n = strlen(s);
    buf_init(&b, n * 2 + 64);
    while (i < n) {
        size_t start = i, len = match_key_id(s, i);
        if (!len)
            len = match_jwt(s, i);
        if (!len)
            len = match_prefixed_token(s, i);
        if (!len)
            len = match_bearer(s, i, &start);
        if (!len && free_text)
            len = match_url_password(s, i, &start);
        if (!len && free_text)
            len = match_secret_key(s, i);
        if (!len && free_text)
            len = match_pair(s, i, &start);
        if (!len) {
            i++;
            continue;
        }
        if (buf_append(&b, s + done, start - done) != ERR_OK || buf_puts(&b, REDACT_MASK) != ERR_OK) {
            buf_wipe(&b);
            return NULL;
        }
        done = i = start + len;
        changed = 1;
    }
    if (!changed) {
        buf_cleanup(&b);
        return NULL;
    }
    if (buf_append(&b, s + done, n - done) != ERR_OK) {
        buf_wipe(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* Keys whose string values (and nested strings) are prose or commands. */
static int free_text_key(const char *k)
{
    static const char *const keys[] = {
        "message", "stoppedReason", "reason", "command", "entryPoint", "statusReason",
        "dockerLabels", "options", "description", "Description", "cause", "details",
        "StatusMessage", "stoppedReasonDetail", "healthCheck", "systemControls", "value",
    };
    size_t i;
    for (i = 0; k && i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(k, keys[i]))
            return 1;
    return 0;
}

static int set_mask(cJSON *item)
{
    if (!cJSON_IsString(item) || !strcmp(item->valuestring, REDACT_MASK))
        return 0;
    return cJSON_SetValuestring(item, REDACT_MASK) ? 1 : -1;
}

/* environment: [{name, value}], environmentFiles: [{value, type}] */
static int mask_env(cJSON *list)
{
    cJSON *it;
    int n = 0, r;
    cJSON_ArrayForEach(it, list) {
        r = set_mask(cJSON_GetObjectItemCaseSensitive(it, "value"));
        if (r < 0)
            return -1;
        n += r;
    }
    return n;
}

static int walk(cJSON *node, int free_text)
{
    cJSON *it;
    int n = 0, r;
    cJSON_ArrayForEach(it, node) {
        int ft = free_text || free_text_key(it->string);
        if (it->string && (!strcmp(it->string, "environment") || !strcmp(it->string, "environmentFiles"))) {
            r = mask_env(it);
            if (r < 0)
                return -1;
            n += r;
        }
        if (cJSON_IsString(it)) {
            char *red = redact_text(it->valuestring, ft);
            if (red) {
                char *ok = cJSON_SetValuestring(it, red);
                free(red);
                if (!ok)
                    return -1;
                n++;
            }
        } else if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
            r = walk(it, ft);
            if (r < 0)
                return -1;
            n += r;
        }
    }
    return n;
}

int redact_evidence(cJSON *doc)
{
    int n;
    cJSON *flag;
    if (!doc)
        return 0;
    n = walk(doc, 0);
    if (n < 0)
        return -1;
    flag = cJSON_GetObjectItemCaseSensitive(doc, "redacted");
    if (flag)
        cJSON_ReplaceItemInObjectCaseSensitive(doc, "redacted", cJSON_CreateTrue());
    else
        cJSON_AddTrueToObject(doc, "redacted");
    return n;
}

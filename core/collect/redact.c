/* redact — see redact.h. */
#include "collect/redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/strutil.h"

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

/* scheme://user:password@host: the password part of a URL's userinfo. The
 * authority ends at the last '@' before the path: a password written with a
 * raw '@' ("p@ss") is masked whole. */
static size_t match_url_password(const char *s, size_t i, size_t *start)
{
    size_t k = i + 3, colon = 0, at = 0;
    if (strncmp(s + i, "://", 3))
        return 0;
    for (; s[k] && !isspace((unsigned char)s[k]) && !strchr("/?#\"'\\", s[k]); k++) {
        if (s[k] == ':' && !colon && !at)
            colon = k;
        if (s[k] == '@')
            at = k;
    }
    if (!at || !colon || colon > at || at == colon + 1 ||
        !strncmp(s + colon + 1, REDACT_MASK, strlen(REDACT_MASK)))
        return 0;
    *start = colon + 1;
    return at - colon - 1;
}

static const char *const secret_names[] = {
    /* Not "auth" or "credentials": stop reasons say "registry auth: <cause>". */
    "password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "access_key",
    "secret_key", "private_key",
};

/* Whether the name s[b, e) ends with a secret word (any case). */
static int secret_name(const char *s, size_t b, size_t e)
{
    for (size_t k = 0; k < sizeof secret_names / sizeof secret_names[0]; k++) {
        size_t nl = strlen(secret_names[k]), j;
        int ok = 1;
        if (e - b < nl)
            continue;
        for (j = 0; j < nl && ok; j++)
            ok = tolower((unsigned char)s[e - nl + j]) == secret_names[k][j];
        if (ok)
            return 1;
    }
    return 0;
}

static int masked(const char *s)
{
    return !strncmp(s, REDACT_MASK, strlen(REDACT_MASK));
}

/* NAME=value / NAME = value / NAME: value / "NAME": "value" and its JSON
 * escaped form inside a string (\"NAME\":\"value\", a JSON log line quoted
 * in another) where NAME ends with a secret word. Returns the value's length
 * and sets *start to its offset. */
static size_t match_pair(const char *s, size_t i, size_t *start)
{
    size_t b = i, e, v, k;
    char sep = s[i];
    int esc = 0;
    if (sep != '=' && sep != ':')
        return 0;
    if (sep == ':' && s[i + 1] != ' ' && s[i + 1] != '"' && s[i + 1] != '\'' &&
        !(s[i + 1] == '\\' && s[i + 2] == '"'))
        return 0; /* "secret:prod/db" inside an ARN is a reference, not a pair */
    if (sep == '=')
        while (b > 0 && s[b - 1] == ' ' && b + 3 > i)
            b--; /* "password = x": at most two spaces before '=' */
    if (b > 0 && (s[b - 1] == '"' || s[b - 1] == '\'')) {
        b--;
        if (b > 0 && s[b - 1] == '\\')
            b--;
    }
    e = b;
    while (b > 0 && is_ident((unsigned char)s[b - 1]))
        b--;
    if (e == b || !secret_name(s, b, e))
        return 0;
    v = i + 1;
    while (s[v] == ' ')
        v++;
    if (s[v] == '\\' && s[v + 1] == '"') {
        esc = 1;
        v += 2;
    } else if (s[v] == '"' || s[v] == '\'') {
        v++;
    }
    k = v;
    if (esc) {
        /* Outer escapes: \\ is the inner JSON's backslash, which escapes the
         * next inner character (\\\" is an inner quote, not the end);
         * \" unescaped ends the inner string. */
        while (s[k] && !(s[k] == '\\' && s[k + 1] == '"')) {
            if (s[k] == '\\' && s[k + 1] == '\\') {
                k += 2;
                k += s[k] == '\\' && s[k + 1] ? 2 : s[k] ? 1 : 0;
            } else {
                k++;
            }
        }
    } else
        while (s[k] && !isspace((unsigned char)s[k]) && !strchr("\"',;&})", s[k]))
            k++;
    if (k == v || masked(s + v))
        return 0;
    *start = v;
    return k - v;
}

/* A command-line flag whose name ends with a secret word, its value after
 * spaces: "--api-token X", "--password X", "-token X". (NAME=X is a pair.) */
static size_t match_flag(const char *s, size_t i, size_t *start)
{
    size_t b, e, v, k;
    if (s[i] != '-' || (i > 0 && !isspace((unsigned char)s[i - 1]) && s[i - 1] != '"' && s[i - 1] != '\''))
        return 0;
    b = i;
    while (s[b] == '-')
        b++;
    if (b - i > 2)
        return 0;
    e = b;
    while (is_ident((unsigned char)s[e]))
        e++;
    if (e == b || s[e] != ' ' || !secret_name(s, b, e))
        return 0;
    v = e;
    while (s[v] == ' ')
        v++;
    k = v;
    while (s[k] && !isspace((unsigned char)s[k]) && s[k] != '"' && s[k] != '\'')
        k++;
    if (k == v || s[v] == '-' || masked(s + v))
        return 0;
    *start = v;
    return k - v;
}

/* "Basic <base64>" (HTTP basic credentials). The token must look like
 * base64 (length a multiple of 4, at least 8, and an upper-case letter or
 * digit past its first character, or padding), so prose such as "basic
 * settings" is kept. */
static size_t match_basic(const char *s, size_t i, size_t *start)
{
    size_t k, v;
    int mixed = 0;
    if (strncasecmp(s + i, "basic ", 6) || (i > 0 && isalnum((unsigned char)s[i - 1])))
        return 0;
    v = k = i + 6;
    while (is_b64((unsigned char)s[k])) {
        if (k > v && (isupper((unsigned char)s[k]) || isdigit((unsigned char)s[k]) || s[k] == '+' || s[k] == '/'))
            mixed = 1;
        k++;
    }
    while (s[k] == '=' && k - v < 2048) {
        mixed = 1;
        k++;
    }
    if (k - v < 8 || (k - v) % 4 || !mixed || isalnum((unsigned char)s[k]) || masked(s + v))
        return 0;
    *start = v;
    return k - v;
}

/* Which command-line tool a string mentions: its flags differ. */
#define TOOL_MYSQL 1 /* -pPASSWORD (no space) */
#define TOOL_CURL 2  /* -u / --user USER:PASSWORD */

static int tools_in(const char *s)
{
    int t = 0;
    if (str_icase_find(s, "mysql") || str_icase_find(s, "mariadb"))
        t |= TOOL_MYSQL;
    if (str_icase_find(s, "curl"))
        t |= TOOL_CURL;
    return t;
}

/* mysql/mariadb's -pPASSWORD: the value glued to -p. */
static size_t match_mysql_p(const char *s, size_t i, size_t *start)
{
    size_t k;
    if (s[i] != '-' || s[i + 1] != 'p' || (i > 0 && !isspace((unsigned char)s[i - 1]) && s[i - 1] != '"' &&
                                           s[i - 1] != '\''))
        return 0;
    k = i + 2;
    while (s[k] && !isspace((unsigned char)s[k]) && s[k] != '"' && s[k] != '\'')
        k++;
    if (k == i + 2 || masked(s + i + 2))
        return 0;
    *start = i + 2;
    return k - i - 2;
}

/* curl's -u / --user USER:PASSWORD (also -uUSER:PASSWORD, --user=...): the
 * password after the first colon. */
static size_t match_curl_user(const char *s, size_t i, size_t *start)
{
    size_t v, k, colon = 0;
    if (s[i] != '-' || (i > 0 && !isspace((unsigned char)s[i - 1]) && s[i - 1] != '"' && s[i - 1] != '\''))
        return 0;
    if (!strncmp(s + i, "--user", 6) && (s[i + 6] == ' ' || s[i + 6] == '='))
        v = i + 7;
    else if (s[i + 1] == 'u')
        v = i + 2;
    else
        return 0;
    while (s[v] == ' ')
        v++;
    if (s[v] == '"' || s[v] == '\'')
        v++;
    for (k = v; s[k] && !isspace((unsigned char)s[k]) && s[k] != '"' && s[k] != '\''; k++)
        if (s[k] == ':' && !colon)
            colon = k;
    if (!colon || k == colon + 1 || masked(s + colon + 1))
        return 0;
    *start = colon + 1;
    return k - colon - 1;
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

/* free_text: 1 for prose; tools: TOOL_* flags of the command this string
 * belongs to (an argv element does not name its tool). */
static char *redact_text_tools(const char *s, int free_text, int tools)
{
    struct buf b;
    size_t i = 0, done = 0, n;
    int changed = 0;
    if (!s)
        return NULL;
    n = strlen(s);
    if (free_text)
        tools |= tools_in(s);
    buf_init(&b, n * 2 + 64);
    while (i < n) {
        size_t start = i, len = match_key_id(s, i);
        if (!len)
            len = match_jwt(s, i);
        if (!len)
            len = match_prefixed_token(s, i);
        if (!len)
            len = match_bearer(s, i, &start);
        if (!len)
            len = match_url_password(s, i, &start);
        if (!len && free_text)
            len = match_basic(s, i, &start);
        if (!len && free_text)
            len = match_flag(s, i, &start);
        if (!len && free_text && (tools & TOOL_MYSQL))
            len = match_mysql_p(s, i, &start);
        if (!len && free_text && (tools & TOOL_CURL))
            len = match_curl_user(s, i, &start);
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

char *redact_text(const char *s, int free_text)
{
    return redact_text_tools(s, free_text, 0);
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

/* An argv element that is a secret flag on its own ("--api-token",
 * "--password"): its value is the next element. 2 for curl's "-u"/"--user",
 * whose next element is USER:PASSWORD. */
static int secret_flag(const char *a, int tools)
{
    size_t d = 0;
    while (a[d] == '-' && d < 2)
        d++;
    if (!d)
        return 0;
    if ((tools & TOOL_CURL) && (!strcmp(a, "-u") || !strcmp(a, "--user")))
        return 2;
    for (size_t k = d; a[k]; k++)
        if (!is_ident((unsigned char)a[k]))
            return 0;
    return a[d] && secret_name(a, d, strlen(a));
}

/* The element after a secret flag: masked whole, or after its colon. */
static char *mask_flag_value(const char *v, int kind)
{
    const char *colon;
    struct buf b;
    if (!*v || *v == '-' || masked(v))
        return NULL;
    if (kind == 1)
        return str_dup(REDACT_MASK);
    colon = strchr(v, ':');
    if (!colon || !colon[1] || masked(colon + 1))
        return NULL;
    buf_init(&b, 0);
    if (buf_append(&b, v, (size_t)(colon - v) + 1) != ERR_OK || buf_puts(&b, REDACT_MASK) != ERR_OK) {
        buf_cleanup(&b);
        return NULL;
    }
    return buf_take(&b);
}

static int walk(cJSON *node, int free_text)
{
    cJSON *it;
    int n = 0, r, tools = 0, flag = 0;
    /* An argv list (command, entryPoint): the tool it runs decides which
     * short flags carry secrets, and a flag's value is the next element. */
    if (cJSON_IsArray(node) && free_text)
        cJSON_ArrayForEach(it, node) if (cJSON_IsString(it)) tools |= tools_in(it->valuestring);
    cJSON_ArrayForEach(it, node) {
        int ft = free_text || free_text_key(it->string);
        if (it->string && (!strcmp(it->string, "environment") || !strcmp(it->string, "environmentFiles"))) {
            r = mask_env(it);
            if (r < 0)
                return -1;
            n += r;
        }
        if (cJSON_IsString(it)) {
            char *red = NULL;
            if (flag)
                red = mask_flag_value(it->valuestring, flag);
            flag = cJSON_IsArray(node) && ft ? secret_flag(it->valuestring, tools) : 0;
            if (!red)
                red = redact_text_tools(it->valuestring, ft, tools);
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

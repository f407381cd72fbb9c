/* shquote — shell quoting and command templates (see shquote.h). */
#include "util/shquote.h"

#include <string.h>

static int safe_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("_@%+=:,./-", c) != NULL);
}

enum err_code shq_quote(struct buf *b, const char *s)
{
    const char *p;
    enum err_code rc;
    if (!s)
        s = "";
    for (p = s; *p && safe_byte((unsigned char)*p); p++)
        ;
    if (*s && !*p)
        return buf_puts(b, s);
    if ((rc = buf_puts(b, "'")) != ERR_OK)
        return rc;
    for (p = s; *p; p++) {
        const char *q = strchr(p, '\'');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if ((rc = buf_append(b, p, n)) != ERR_OK)
            return rc;
        if (!q)
            break;
        /* Close the quote, an escaped quote, open again: the POSIX way. */
        if ((rc = buf_puts(b, "'\\''")) != ERR_OK)
            return rc;
        p = q;
    }
    return buf_puts(b, "'");
}

static int ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

/* Length of "{name}" at p (0 when p is not a placeholder); the name is
 * copied to name. */
static size_t placeholder(const char *p, char name[SHQ_NAME_MAX + 1])
{
    size_t n = 0;
    if (p[0] != '{' || !ident_start(p[1]))
        return 0;
    while (ident_char(p[1 + n]))
        n++;
    if (p[1 + n] != '}' || n > SHQ_NAME_MAX)
        return 0;
    memcpy(name, p + 1, n);
    name[n] = '\0';
    return n + 2;
}

static const struct shq_arg *find_arg(const struct shq_arg *args, size_t n, const char *name, size_t *at)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (args[i].name && !strcmp(args[i].name, name)) {
            *at = i;
            return &args[i];
        }
    return NULL;
}

/* Appends or returns the buffer's failure: ERR_LIMIT (the caller's cap) or
 * ERR_NOMEM, with a message. */
#define EMIT(expr)                                                                                 \
    do {                                                                                           \
        enum err_code rc_ = (expr);                                                                \
        if (rc_ != ERR_OK)                                                                         \
            return err_set(e, rc_, rc_ == ERR_LIMIT ? "the command is longer than its size cap"    \
                                                    : "out of memory");                            \
    } while (0)

/* Words after which the next word is a program to run (shell keywords and
 * the usual wrappers), so a placeholder there would let a value choose it. */
static int command_word(const char *w)
{
    static const char *const words[] = {"do",   "then",   "else", "elif",   "while",   "until", "if",
                                        "time", "!",      "exec", "eval",   "xargs",   "sudo",  "env",
                                        "nohup", "command", "builtin", "nice", "timeout", "watch", "strace"};
    size_t i;
    for (i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(w, words[i]))
            return 1;
    return 0;
}

enum quote_state { Q_NONE, Q_SINGLE, Q_DOUBLE, Q_ANSI, Q_COMMENT };

/* One pass over the template, shared by shq_render (out != NULL) and
 * shq_uses (out == NULL: reports whether `want` is used, never fails). */
static enum err_code walk(struct buf *out, const char *tmpl, const struct shq_arg *args, size_t n_args,
                          const char *want, int *found, struct err *e)
{
    enum quote_state st = Q_NONE;
    int used[SHQ_MAX_ARGS] = {0};
    int cmdpos = 1;    /* the next word would be a command name */
    int wordstart = 1; /* the previous byte ended a word */
    int heredoc = 0;
    int script = 0;    /* the previous word was -c: the next is a script */
    char word[16];     /* the current unquoted literal word, when short */
    size_t wlen = 0;
    int wdirty = 0;    /* it holds quotes, a placeholder or is too long */
    const char *p = tmpl;
    char name[SHQ_NAME_MAX + 1];
    size_t i;
    if (n_args > SHQ_MAX_ARGS)
        return err_set(e, ERR_SCHEMA, "more than %d arguments", SHQ_MAX_ARGS);
    for (i = 0; i < n_args; i++) {
        size_t j, k = 0;
        if (!args[i].name || !ident_start(args[i].name[0]) || strlen(args[i].name) > SHQ_NAME_MAX)
            return err_set(e, ERR_SCHEMA, "argument name '%.40s' is not an identifier",
                           args[i].name ? args[i].name : "(null)");
        for (j = 0; args[i].name[j]; j++)
            if (!ident_char(args[i].name[j]))
                return err_set(e, ERR_SCHEMA, "argument name '%.40s' is not an identifier", args[i].name);
        if (find_arg(args, i, args[i].name, &k))
            return err_set(e, ERR_SCHEMA, "argument {%s} given twice", args[i].name);
        if (!args[i].list && args[i].n != 1)
            return err_set(e, ERR_SCHEMA, "argument {%s} has no value", args[i].name);
        for (j = 0; j < args[i].n; j++)
            if (!args[i].values || !args[i].values[j])
                return err_set(e, ERR_SCHEMA, "argument {%s} has no value", args[i].name);
    }
    while (*p) {
        char c = *p;
        size_t len;
        switch (st) {
        case Q_SINGLE:
        case Q_DOUBLE:
        case Q_ANSI:
            if ((st != Q_SINGLE) && c == '\\' && p[1]) {
                if (out)
                    EMIT(buf_append(out, p, 2));
                p += 2;
                continue;
            }
            if ((c == '\'' && st != Q_DOUBLE) || (c == '"' && st == Q_DOUBLE))
                st = Q_NONE;
            else if ((len = placeholder(p, name)) > 0 && (!want || !strcmp(name, want))) {
                if (!out)
                    return ERR_OK; /* a quoted placeholder is not a use */
                return err_set(e, ERR_SCHEMA,
                               "placeholder {%s} is inside a quoted string (a value in a jq program goes in "
                               "with jq --arg NAME {%s}; elsewhere leave the placeholder unquoted: the host "
                               "quotes it)",
                               name, name);
            }
            break;
        case Q_COMMENT:
            if (c == '\n') {
                st = Q_NONE;
                cmdpos = wordstart = 1;
                script = 0;
                wlen = 0;
                wdirty = 0;
            } else if (out && (len = placeholder(p, name)) > 0) {
                return err_set(e, ERR_SCHEMA,
                               "placeholder {%s} is inside a # comment (a newline in the value would end it)",
                               name);
            }
            break;
        case Q_NONE:
            if (c == '\\' && p[1]) {
                if (out)
                    EMIT(buf_append(out, p, 2));
                p += 2;
                cmdpos = wordstart = 0;
                wdirty = 1;
                continue;
            }
            if (c == '$' && p[1] == '{') {
                /* ${var}: the shell's, not a placeholder; copied to its brace. */
                const char *end = strchr(p, '}');
                len = end ? (size_t)(end - p) + 1 : strlen(p);
                if (out)
                    EMIT(buf_append(out, p, len));
                p += len;
                cmdpos = wordstart = 0;
                wdirty = 1;
                continue;
            }
            if ((len = placeholder(p, name)) > 0) {
                const struct shq_arg *a;
                size_t at = 0, j;
                if (!out) {
                    if (!strcmp(name, want))
                        *found = 1;
                    p += len;
                    cmdpos = wordstart = 0;
                    continue;
                }
                if (heredoc)
                    return err_set(e, ERR_SCHEMA, "placeholder {%s} follows a here-document (<<)", name);
                if (script && wordstart)
                    return err_set(e, ERR_SCHEMA,
                                   "placeholder {%s} follows -c (a value must never be a script; pass it as "
                                   "an argument: sh -c '... \"$1\"' sh {%s})",
                                   name, name);
                if (cmdpos)
                    return err_set(e, ERR_SCHEMA,
                                   "placeholder {%s} is where a command name goes (a value must never choose "
                                   "the program)",
                                   name);
                if (!(a = find_arg(args, n_args, name, &at)))
                    return err_set(e, ERR_SCHEMA, "placeholder {%s} has no argument", name);
                used[at] = 1;
                for (j = 0; j < a->n; j++) {
                    if (j)
                        EMIT(buf_puts(out, " "));
                    EMIT(shq_quote(out, a->values[j]));
                }
                p += len;
                cmdpos = wordstart = 0;
                wdirty = 1;
                continue;
            }
            if (c == '\'') {
                st = (p > tmpl && p[-1] == '$') ? Q_ANSI : Q_SINGLE;
            } else if (c == '"') {
                st = Q_DOUBLE;
            } else if (c == '#' && wordstart) {
                st = Q_COMMENT;
            } else if (c == '<' && p[1] == '<' && p[2] == '<') {
                /* A here-string (<<<) takes a word like any argument. */
                if (out)
                    EMIT(buf_append(out, p, 3));
                p += 3;
                cmdpos = wordstart = 0;
                continue;
            } else if (c == '<' && p[1] == '<') {
                /* A here-document's body expands $(...) even in quotes. */
                heredoc = 1;
            }
            if (st != Q_NONE) {
                cmdpos = wordstart = 0;
                wdirty = 1;
                break;
            }
            if (c == ' ' || c == '\t') {
                if (wlen || wdirty) {
                    word[wlen] = '\0';
                    cmdpos = !wdirty && command_word(word);
                    script = !wdirty && !strcmp(word, "-c");
                }
                wlen = 0;
                wdirty = 0;
                wordstart = 1;
            } else if (strchr("|;&(\n`", c)) {
                cmdpos = wordstart = 1;
                script = 0;
                wlen = 0;
                wdirty = 0;
            } else {
                cmdpos = wordstart = 0;
                if (wlen + 1 < sizeof word)
                    word[wlen++] = c;
                else
                    wdirty = 1;
            }
            break;
        }
        if (out)
            EMIT(buf_append(out, p, 1));
        p++;
    }
    if (!out)
        return ERR_OK;
    if (st == Q_SINGLE || st == Q_DOUBLE || st == Q_ANSI)
        return err_set(e, ERR_SCHEMA, "the command ends inside a %s-quoted string",
                       st == Q_DOUBLE ? "double" : "single");
    for (i = 0; i < n_args; i++)
        if (!used[i])
            return err_set(e, ERR_SCHEMA, "argument {%s} is not used by the command", args[i].name);
    return ERR_OK;
}

enum err_code shq_render(struct buf *out, const char *tmpl, const struct shq_arg *args, size_t n_args,
                         struct err *e)
{
    struct buf tmp;
    enum err_code rc;
    if (!tmpl)
        return err_set(e, ERR_SCHEMA, "no command template");
    buf_init(&tmp, out->max);
    rc = walk(&tmp, tmpl, args, n_args, NULL, NULL, e);
    if (rc == ERR_OK && tmp.len)
        rc = buf_append(out, tmp.data, tmp.len);
    buf_cleanup(&tmp);
    return rc;
}

int shq_uses(const char *tmpl, const char *name)
{
    int found = 0;
    if (tmpl && name)
        walk(NULL, tmpl, NULL, 0, name, &found, NULL);
    return found;
}

/* shquote — the one place where values become words of a shell command.
 *
 * ecs-doctor prints remediation commands that people paste into a shell during
 * an incident, and the values in them (cluster, service, image, log stream,
 * env var names, ...) come from AWS or from a received bundle: hostile. A
 * command is therefore a literal template written by the check plus named
 * arguments, and only this module turns an argument into shell text, quoted the
 * way Python's shlex.quote does (POSIX sh single quotes). Checks never splice
 * values into command strings themselves.
 *
 * Template syntax: `{name}` (name: [A-Za-z_][A-Za-z0-9_]*) outside any quotes
 * is replaced by the quoted argument (a list argument becomes several words).
 * Everything else is copied as written. shq_render() refuses a template that
 * puts a placeholder inside a quoted string (values inside a jq program go in
 * with `jq --arg NAME {value}`), at the position of a command name, that
 * references an argument not given, leaves an argument unused, or ends inside
 * a quote. */
#ifndef EDOC_SHQUOTE_H
#define EDOC_SHQUOTE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Longest placeholder name, and most arguments one command may take. */
#define SHQ_NAME_MAX 32
#define SHQ_MAX_ARGS 32

/* One named argument: n values (borrowed). A scalar has n == 1 and list == 0;
 * a list (list == 1) renders as its values quoted one by one and separated by
 * single spaces (nothing for an empty list). */
struct shq_arg {
    const char *name;
    const char *const *values;
    size_t n;
    int list;
};

/* Appends s quoted for a POSIX shell: unchanged when it is non-empty and
 * every byte is in [A-Za-z0-9_@%+=:,./-]; otherwise in single quotes, each '
 * written as '\'' ; the empty string as ''. Control characters and newlines
 * stay inside the quotes, where the shell gives them no meaning. */
enum err_code shq_quote(struct buf *b, const char *s);

/* Renders tmpl with args into out (appended). On a refused template returns
 * ERR_SCHEMA with a one-line reason in e ("placeholder {x} is inside a quoted
 * string ...") and out is left as it was. */
enum err_code shq_render(struct buf *out, const char *tmpl, const struct shq_arg *args, size_t n_args,
                         struct err *e);

/* True when the template references {name} outside quotes (the Lua and
 * plugin glue fill an implicit {region} only when it is used). */
int shq_uses(const char *tmpl, const char *name);

#endif

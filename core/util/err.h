/* err — the one status enum of ecs-doctor, and a small detail struct.
 *
 * Fallible functions return an `enum err_code`; when the caller passes a
 * `struct err *`, the place that found the problem writes a one-line message
 * into it ("ecs: DescribeServices: HTTP 400 ClusterNotFoundException: ...").
 * Codes are explicitly numbered and never renumbered (curl's rule): tests and
 * logs may key on them. A diagnosed problem in the user's account is a
 * finding, never an error code. */
#ifndef EDOC_ERR_H
#define EDOC_ERR_H

#include <stddef.h>

enum err_code {
    ERR_OK = 0,
    ERR_USAGE = 1,       /* bad flags or arguments */
    ERR_IO = 2,          /* file could not be read or written */
    ERR_PARSE = 3,       /* malformed JSON/XML/INI input */
    ERR_SCHEMA = 4,      /* well-formed input of the wrong shape or version */
    ERR_NOMEM = 5,
    ERR_AWS = 6,         /* AWS answered with an error */
    ERR_DENIED = 7,      /* AWS answered AccessDenied / UnauthorizedOperation */
    ERR_NOT_FOUND = 8,   /* the named resource does not exist */
    ERR_CREDENTIALS = 9, /* no usable credentials */
    ERR_TIMEOUT = 10,    /* per-call timeout or the run's deadline */
    ERR_NETWORK = 11,    /* transport failure */
    ERR_LIMIT = 12,      /* an input exceeded a cap (body size, depth, memory) */
    ERR_PLUGIN = 13,     /* a C plugin was refused or failed */
    ERR_LUA = 14,        /* a Lua check was refused or failed */
    ERR_REFUSED = 15,    /* operation not on the read-only allowlist */
    ERR_INTERNAL = 16,
    ERR_THROTTLED = 17,  /* throttled after all retries */
    ERR_CONFIG = 18      /* bad config/credentials file */
};

#define ERR_MSG_MAX 512

struct err {
    enum err_code code;
    char msg[ERR_MSG_MAX];
};

/* Stable lower-case name of a code ("denied", "timeout"...). Never NULL. */
const char *err_str(enum err_code code);

/* Fills *e (when e is not NULL) with code and a printf-formatted message and
 * returns code, so callers can write `return err_set(e, ERR_IO, ...)`. */
enum err_code err_set(struct err *e, enum err_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prefixes the message already in *e with "prefix: " (for context). */
void err_prefix(struct err *e, const char *prefix);

void err_clear(struct err *e);

#endif

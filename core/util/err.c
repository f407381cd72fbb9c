/* err — see err.h. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *err_str(enum err_code code)
{
    switch (code) {
    case ERR_OK: return "ok";
    case ERR_USAGE: return "usage";
    case ERR_IO: return "io";
    case ERR_PARSE: return "parse";
    case ERR_SCHEMA: return "schema";
    case ERR_NOMEM: return "nomem";
    case ERR_AWS: return "aws";
    case ERR_DENIED: return "denied";
    case ERR_NOT_FOUND: return "not_found";
    case ERR_CREDENTIALS: return "credentials";
    case ERR_TIMEOUT: return "timeout";
    case ERR_NETWORK: return "network";
    case ERR_LIMIT: return "limit";
    case ERR_PLUGIN: return "plugin";
    case ERR_LUA: return "lua";
    case ERR_REFUSED: return "refused";
    case ERR_INTERNAL: return "internal";
    case ERR_THROTTLED: return "throttled";
    case ERR_CONFIG: return "config";
    }
    return "unknown";
}

enum err_code err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        e->code = code;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void err_prefix(struct err *e, const char *prefix)
{
    char tmp[ERR_MSG_MAX * 2];
    if (!e || !prefix)
        return;
    /* Room for both, then cut to size: the prefix matters more than the tail. */
    snprintf(tmp, sizeof tmp, "%s: %s", prefix, e->msg);
    memcpy(e->msg, tmp, ERR_MSG_MAX - 1);
    e->msg[ERR_MSG_MAX - 1] = '\0';
}

void err_clear(struct err *e)
{
    if (e) {
        e->code = ERR_OK;
        e->msg[0] = '\0';
    }
}

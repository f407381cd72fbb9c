/* config — a robust parser for the AWS shared config and credentials files
 * (INI dialect of the AWS CLI).
 *
 * Comments (';' or '#' at line start), blank lines and surrounding spaces are
 * ignored; "[profile  x]" is normalised to "profile x"; an indented block
 * after "key =" (e.g. "s3 =\n  max_concurrent_requests = 10" or a services
 * section's "ecs =\n  endpoint_url = ...") is stored as "key.sub". A line
 * that is none of these is ERR_CONFIG "file:line: ...". The parsed file owns
 * all its strings; lookups return borrowed pointers. */
#ifndef EDOC_CONFIG_H
#define EDOC_CONFIG_H

#include "util/err.h"

struct config;

/* Parses text; what names the source in errors ("~/.aws/config"). */
enum err_code config_parse(const char *text, const char *what, struct config **out, struct err *e);
/* Loads path. A missing file is ERR_IO (callers usually treat it as empty). */
enum err_code config_load(const char *path, struct config **out, struct err *e);
void config_free(struct config *c);

/* Value of key in section, or NULL. Section names as normalised above. */
const char *config_get(const struct config *c, const char *section, const char *key);
int config_has_section(const struct config *c, const char *section);

#endif

/* redact — masks secrets in an evidence document before it is saved or
 * analysed, so no output format can leak them. Environment values are always
 * replaced; free text (log lines, commands, stop reasons, events) is scanned
 * for secret-looking patterns; AWS key ids and JWTs are masked anywhere.
 * Secret ARNs and parameter names are references, not secrets: kept. */
#ifndef EDOC_REDACT_H
#define EDOC_REDACT_H

#include <cjson/cJSON.h>

#define REDACT_MASK "<redacted>"

/* Returns a malloc'ed copy of s with secrets masked, or NULL when nothing
 * matched (or on allocation failure: callers then keep... nothing — see
 * redact_evidence, which drops the string instead). free_text enables the
 * patterns that are only safe in prose: 40-char secret keys, name=value
 * pairs (password=, password = x, secret: x, JSON-escaped \"token\":\"x\"),
 * flags with their value after a space (--api-token X), HTTP "Basic
 * <base64>", mysql's -pPASSWORD and curl's -u USER:PASSWORD (only in a
 * string naming that tool). A URL's user:password@ is masked anywhere. In an
 * argv list (command, entryPoint) a secret flag's value is the next element
 * and the tool any element names counts for all. */
char *redact_text(const char *s, int free_text);

/* Redacts the whole document in place and sets "redacted": true. Returns the
 * number of strings changed, -1 on allocation failure (the document is then
 * unsafe to write and must be dropped). */
int redact_evidence(cJSON *doc);

#endif

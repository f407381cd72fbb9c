/* strutil — string helpers the C library lacks. All returned strings are
 * malloc'ed and owned by the caller unless noted. */
#ifndef EDOC_STRUTIL_H
#define EDOC_STRUTIL_H

#include <stddef.h>

char *str_dup(const char *s);                 /* NULL-safe strdup */
char *str_ndup(const char *s, size_t n);
int str_starts(const char *s, const char *prefix);
int str_ends(const char *s, const char *suffix);
/* Case-insensitive ASCII substring search; returns pointer into hay or NULL. */
const char *str_icase_find(const char *hay, const char *needle);
/* Last path component of an ARN or path ("arn:...:role/app/x" -> "x"). Borrowed. */
const char *str_basename(const char *s);
/* Parses "90s", "15m", "1.5h", "2d", "1w" into seconds (rounded); a bare "0" is
 * 0. -2 for any other number without a unit, -1 for anything else bad. */
long str_duration(const char *s);

#endif

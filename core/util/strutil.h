/* strutil — string helpers the C library lacks. All returned strings are
 * malloc'ed and owned by the caller unless noted. */
#ifndef EDOC_STRUTIL_H
#define EDOC_STRUTIL_H

#include <stddef.h>
#include <string.h>

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
/* Copies s into out (at most len-1 bytes, NUL-terminated), control bytes
 * (C0, DEL) replaced by '?': a value from a file or AWS, made safe to print
 * on a terminal in an error line. Returns out. */
char *str_printable(const char *s, char *out, size_t len);
/* Edit distance (insert, delete, substitute, swap of neighbours) between a and
 * b, for did-you-mean; strings longer than 64 bytes compare as far apart. */
int str_distance(const char *a, const char *b);
/* The candidate closest to s by str_distance (NULL entries skipped), the
 * first of equals; NULL when none is within max_dist (-1: any distance;
 * STR_TYPO(s): close enough to be a plausible typo). Borrowed. */
const char *str_nearest(const char *s, const char *const *candidates, size_t n, int max_dist);
#define STR_TYPO(s) ((int)(strlen(s) / 3) + 1)

#endif

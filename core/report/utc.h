/* utc — the UTC times of the report: parsing the dates people write in mute
 * files and RFC 3339 stamps, and formatting epoch seconds for the timeline.
 * timegm() is not POSIX, so the calendar arithmetic is here. */
#ifndef EDOC_UTC_H
#define EDOC_UTC_H

#include <stddef.h>
#include <time.h>

/* Parses "YYYY-MM-DD" (that day 00:00:00 UTC) or RFC 3339
 * "YYYY-MM-DDTHH:MM:SS[.frac](Z|+-HH:MM)". Returns 0 and sets *out, or -1. */
int utc_parse(const char *s, time_t *out);

/* Formats t as "HH:MM:SS" or, with_date, "YYYY-MM-DD HH:MM:SS" into out. */
void utc_format(time_t t, int with_date, char *out, size_t len);

#endif

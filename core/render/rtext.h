/* rtext — text hygiene shared by the renderers. Report strings carry text from
 * AWS and from applications (stop reasons, log lines): they may hold control
 * characters, terminal escape sequences or broken UTF-8, none of which may
 * reach a terminal, a Markdown comment or an XML file unchanged. */
#ifndef EDOC_RTEXT_H
#define EDOC_RTEXT_H

#include <stddef.h>

#include "util/buf.h"

#define RTEXT_ONELINE 0x1       /* newlines and tabs become spaces, runs collapse */
#define RTEXT_ASCII 0x2         /* typographic characters (— – ’ “ … × ≥ ✔ ✖ ▸ · →) become ASCII */
#define RTEXT_KEEP_NEWLINES 0x4 /* keep \n (commands, code blocks); other controls still go */

/* Appends s cleaned to b: invalid UTF-8 becomes U+FFFD ('?' with ASCII),
 * control characters (ESC included) and Unicode direction controls
 * (U+202A-U+202E, U+2066-U+2069) are dropped, flags as above. max_chars > 0
 * truncates to that many characters and appends "…" ("..." with ASCII). */
void rtext_clean(struct buf *b, const char *s, int flags, size_t max_chars);

/* Display columns of a clean UTF-8 string (one per code point). */
size_t rtext_width(const char *s);

/* Appends s as XML 1.0 character data/attribute value: & < > " ' escaped,
 * characters XML cannot carry dropped, invalid UTF-8 replaced. */
void rtext_xml(struct buf *b, const char *s);

/* Appends s for Markdown prose or a table cell: HTML-significant characters
 * as entities, Markdown punctuation backslash-escaped, | escaped, one line;
 * "@" mentions, "scheme://" and "www." autolinks (and so e-mail autolinks)
 * broken by an invisible zero-width space; direction controls dropped. */
void rtext_md(struct buf *b, const char *s, size_t max_chars);

/* Length of the longest run of c in s (to pick a Markdown fence longer than it). */
size_t rtext_longest_run(const char *s, char c);

#endif

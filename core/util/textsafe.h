/* textsafe — the one sanitiser for text that came from outside (AWS answers,
 * bundles, log lines, Lua checks, plugins) on its way to a terminal or into
 * a JSON document.
 *
 * Terminal (stderr lines): C0 controls (newline and tab included: one line
 * stays one line), DEL and C1 controls become a visible "\xNN"; the Unicode
 * direction controls (U+202A-U+202E, U+2066-U+2069, which reorder what the
 * reader sees) become "\u202e"; invalid UTF-8 becomes U+FFFD; valid UTF-8 is
 * kept. So an ESC sequence (colours, cursor moves, OSC 52 clipboard writes,
 * window titles) is shown, never obeyed.
 *
 * JSON: invalid UTF-8 becomes U+FFFD, everything else is kept (the JSON
 * printer escapes controls itself). */
#ifndef EDOC_TEXTSAFE_H
#define EDOC_TEXTSAFE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

/* Appends n bytes of s to b made safe for a terminal line (see above). */
enum err_code textsafe_term(struct buf *b, const char *s, size_t n);

/* printf to f, the whole formatted text made safe for a terminal except one
 * trailing newline. For every stderr line that carries outside text. */
void textsafe_line(FILE *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Appends n bytes of s to b with invalid UTF-8 replaced by U+FFFD. */
enum err_code textsafe_utf8(struct buf *b, const char *s, size_t n);

/* Whether s (n bytes) is valid UTF-8. */
int textsafe_utf8_valid(const char *s, size_t n);

/* Replaces invalid UTF-8 in every string and member name of the tree, in
 * place. Returns the number of strings changed, -1 on allocation failure. */
int textsafe_json_tree(cJSON *node);

#endif

/* buf — a growable byte buffer with a hard cap (curl's dynbuf).
 *
 * Every buffer filled from outside input (HTTP bodies, log tails, files) has a
 * maximum; appending past it fails with ERR_LIMIT instead of growing without
 * bound. The buffer owns its memory; buf_take() hands it to the caller. The
 * contents are always NUL-terminated (the NUL is not counted in len). */
#ifndef EDOC_BUF_H
#define EDOC_BUF_H

#include <stddef.h>
#include <stdio.h>
#include "util/err.h"

struct buf {
    char *data;
    size_t len;
    size_t cap;  /* allocated */
    size_t max;  /* hard limit on len; 0 means BUF_DEFAULT_MAX */
};

#define BUF_DEFAULT_MAX ((size_t)64 * 1024 * 1024)

void buf_init(struct buf *b, size_t max);
void buf_cleanup(struct buf *b); /* frees; wipes nothing (see buf_wipe) */
void buf_wipe(struct buf *b);    /* cleanses then frees: for secrets */
void buf_reset(struct buf *b);   /* len = 0, keeps memory */
enum err_code buf_append(struct buf *b, const void *p, size_t n);
enum err_code buf_puts(struct buf *b, const char *s);
enum err_code buf_printf(struct buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends s quoted for a POSIX shell, as one word: unchanged when it is
 * non-empty and made only of [A-Za-z0-9_./:=@,+%-], else in single quotes
 * with each ' written '\''. The one quoting rule for values from AWS that go
 * into printed commands (edoc.shellquote follows it too). */
/* Returns the malloc'ed, NUL-terminated contents (never NULL: "" when empty)
 * and leaves the buffer empty. Caller frees. */
char *buf_take(struct buf *b);

/* Reads a whole file into b (respecting b->max); a directory is an error
 * that says so. */
enum err_code buf_read_file(struct buf *b, const char *path, struct err *e);
/* Reads f to its end into b; name is for error messages ("standard input"). */
enum err_code buf_read_stream(struct buf *b, FILE *f, const char *name, struct err *e);

#endif

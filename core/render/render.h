/* render — the report document (docs/report.md) as text for a terminal or a
 * log, JSON, Markdown (PR comments, chat) or JUnit XML (CI). Renderers see
 * only the report: every format says the same thing. They write to a FILE the
 * caller owns and keep nothing. */
#ifndef EDOC_RENDER_H
#define EDOC_RENDER_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "util/err.h"

struct render_opts {
    int color;              /* ANSI colour (text only) */
    int unicode;            /* ✔ ✖ ▸ — glyphs; ASCII fallbacks otherwise */
    int width;              /* wrap prose at this many columns */
    int no_recommendations; /* hide findings of kind "recommendation" */
    int verbose;            /* no truncation of evidence, every check listed */
    const char *fail_on;    /* JUnit: severity that fails a testcase; NULL = "high" */
};

/* Fills ro for out: colour and Unicode only when out is a terminal (colour off
 * with NO_COLOR set, TERM=dumb or no_color_flag; Unicode off when the locale is
 * not UTF-8), width from the terminal (TIOCGWINSZ), else COLUMNS, else 100
 * (clamped to 40..400). fail_on is left NULL ("high"). */
void render_opts_detect(struct render_opts *ro, FILE *out, int no_color_flag);

/* Renders report in format "text" | "json" | "markdown" | "junit" to out.
 * ERR_USAGE for an unknown format, ERR_IO when writing fails. */
enum err_code render_report(const cJSON *report, const char *format, FILE *out, const struct render_opts *ro,
                            struct err *e);

/* The formats, each appending its whole output to b (tests call these). */
struct buf;
enum err_code render_text(const cJSON *report, const struct render_opts *ro, struct buf *b);
enum err_code render_json(const cJSON *report, struct buf *b);
enum err_code render_markdown(const cJSON *report, const struct render_opts *ro, struct buf *b);
enum err_code render_junit(const cJSON *report, const struct render_opts *ro, struct buf *b);

#endif

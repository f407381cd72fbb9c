/* render — see render.h. */
#include "render/render.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/strutil.h"
#include "util/textsafe.h"

#define RENDER_MAX_OUTPUT ((size_t)32 * 1024 * 1024)

/* The locale's character set, the way setlocale() would pick it: the first
 * of LC_ALL, LC_CTYPE, LANG that is set. Unset everywhere counts as UTF-8
 * (what every current terminal speaks); "C"/"POSIX" and others do not. */
static int locale_is_utf8(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    size_t i;
    for (i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return str_icase_find(v, "UTF-8") != NULL || str_icase_find(v, "utf8") != NULL;
    }
    return 1;
}

void render_opts_detect(struct render_opts *ro, FILE *out, int no_color_flag)
{
    int fd = out ? fileno(out) : -1, tty = fd >= 0 && isatty(fd);
    const char *nc = getenv("NO_COLOR"), *cols = getenv("COLUMNS"), *term = getenv("TERM");
    struct winsize ws;
    long w = 0;
    memset(ro, 0, sizeof *ro);
    /* no-color.org: NO_COLOR set to a non-empty value disables colour; so
     * does a terminal that declares it cannot do escapes (TERM=dumb). */
    ro->color = tty && !no_color_flag && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
    ro->unicode = tty && locale_is_utf8();
    if (tty && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        w = ws.ws_col;
    if (!w && cols && *cols)
        w = strtol(cols, NULL, 10);
    if (w <= 0)
        w = 100;
    if (w < 40)
        w = 40;
    if (w > 400)
        w = 400;
    ro->width = (int)w;
}

enum err_code render_json(const cJSON *report, struct buf *b)
{
    char *s = cJSON_Print(report);
    enum err_code rc;
    if (!s)
        return ERR_NOMEM;
    /* The last guard: text a check or plugin made up, or a bundle carried,
     * may hold invalid UTF-8, which cJSON prints as is. AWS answers were
     * already cleaned where they entered (proto_json.c). */
    rc = textsafe_utf8(b, s, strlen(s));
    if (rc == ERR_OK)
        rc = buf_puts(b, "\n");
    free(s);
    return rc;
}

enum err_code render_report(const cJSON *report, const char *format, FILE *out, const struct render_opts *ro,
                            struct err *e)
{
    struct render_opts dflt;
    struct buf b;
    enum err_code rc;
    if (!ro) {
        render_opts_detect(&dflt, out, 0);
        ro = &dflt;
    }
    if (!cJSON_IsObject(report))
        return err_set(e, ERR_SCHEMA, "render: the report is not a JSON object");
    buf_init(&b, RENDER_MAX_OUTPUT);
    if (!format || !strcmp(format, "text"))
        rc = render_text(report, ro, &b);
    else if (!strcmp(format, "json"))
        rc = render_json(report, &b);
    else if (!strcmp(format, "markdown"))
        rc = render_markdown(report, ro, &b);
    else if (!strcmp(format, "junit"))
        rc = render_junit(report, ro, &b);
    else
        rc = err_set(e, ERR_USAGE, "render: unknown output format '%s' (text, json, markdown, junit)", format);
    if (rc == ERR_USAGE)
        goto out;
    if (rc != ERR_OK) {
        err_set(e, rc, "render: %s output: %s", format ? format : "text",
                rc == ERR_LIMIT ? "report too large" : "out of memory");
        goto out;
    }
    if (b.len && (fwrite(b.data, 1, b.len, out) != b.len || fflush(out) != 0))
        rc = err_set(e, ERR_IO, "render: writing the report failed");
out:
    buf_cleanup(&b);
    return rc;
}

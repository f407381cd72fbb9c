/* render_text — the default report for a terminal or a log: the verdict in
 * one line, then root causes with their symptoms nested, evidence quoted and
 * fixes in copyable blocks, then recommendations, blind spots, what changed
 * and a timeline. Colour and Unicode glyphs only when render_opts says so. */
#include "render/render.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/rchange.h"
#include "render/rtext.h"
#include "report/utc.h"
#include "report/verdict.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/strutil.h"

#define EVIDENCE_SHOWN 4      /* distinct evidence values per finding without --verbose */
#define EVIDENCE_CHARS 240    /* characters of one evidence value without --verbose */
#define VERBOSE_CHARS 4000
#define RESOURCES_SHOWN 10
#define EXPLANATION_CHARS 800
#define MAX_DEPTH 3           /* symptom nesting; the engine links one level */

struct ctx {
    const struct render_opts *ro;
    struct buf *b;
    enum err_code rc;
    const cJSON *report;
    const char *subject; /* the report's main subject */
    long long day;       /* UTC day of generated_at: times that day print without a date */
    /* parent_of() of every finding, computed once (parents_build): asking it
     * per pair of findings was O(F^3) and took minutes on a 300-service
     * cluster report. NULL when out of memory (then asked each time). */
    const cJSON **parent;
};

static void put(struct ctx *c, const char *s)
{
    if (c->rc == ERR_OK)
        c->rc = buf_puts(c->b, s);
}

static void putn(struct ctx *c, const char *s, size_t n)
{
    if (c->rc == ERR_OK)
        c->rc = buf_append(c->b, s, n);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void putf(struct ctx *c, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        c->rc = ERR_INTERNAL;
        return;
    }
    /* Callers format short, bounded pieces; long text goes through put(). */
    put(c, tmp);
}

static void spaces(struct ctx *c, int n)
{
    while (n-- > 0)
        put(c, " ");
}

static const char *glyph(struct ctx *c, const char *uni, const char *ascii)
{
    return c->ro->unicode ? uni : ascii;
}

static void sgr(struct ctx *c, const char *code)
{
    if (c->ro->color && code) {
        put(c, "\x1b[");
        put(c, code);
        put(c, "m");
    }
}

static void reset(struct ctx *c, const char *code)
{
    if (c->ro->color && code)
        put(c, "\x1b[0m");
}

static const char *severity_color(const char *sev)
{
    switch (verdict_severity_rank(sev)) {
    case 4: return "1;31";
    case 3: return "31";
    case 2: return "33";
    case 1: return "36";
    default: return "2";
    }
}

static const char *verdict_color(const char *v)
{
    if (!strcmp(v, "unhealthy"))
        return "1;31";
    if (!strcmp(v, "degraded"))
        return "1;33";
    if (!strcmp(v, "inconclusive"))
        return "1;35";
    return "1;32";
}

/* Cleaned, one-line copy of s (caller frees). */
static char *clean(struct ctx *c, const char *s, size_t max)
{
    struct buf t;
    buf_init(&t, 0);
    rtext_clean(&t, s, RTEXT_ONELINE | (c->ro->unicode ? 0 : RTEXT_ASCII), max);
    return buf_take(&t);
}

/* Writes raw text word-wrapped to the width: the first line continues at
 * column col (the caller wrote that much), the next ones start at hang.
 * Words longer than a line (ARNs, URLs) are never split: a copied ID must
 * stay whole. Each line's text is coloured separately, so indentation and
 * newlines never carry escape codes. */
static void wrap_lead(struct ctx *c, int col, int hang, const char *lead, const char *code, const char *raw,
                      size_t max)
{
    char *t = clean(c, raw, max);
    const char *p = t, *q;
    int width = c->ro->width, line_has = 0;
    size_t wl;
    sgr(c, code);
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        for (q = p; *q && *q != ' '; q++)
            ;
        wl = 0;
        {
            const char *r;
            for (r = p; r < q; r++)
                if (((unsigned char)*r & 0xC0) != 0x80)
                    wl++;
        }
        if (line_has && col + 1 + (int)wl > width) {
            reset(c, code);
            put(c, "\n");
            spaces(c, hang);
            if (lead)
                put(c, lead);
            sgr(c, code);
            col = hang + (lead ? (int)rtext_width(lead) : 0);
            line_has = 0;
        }
        if (line_has) {
            put(c, " ");
            col++;
        }
        putn(c, p, (size_t)(q - p));
        col += (int)wl;
        line_has = 1;
        p = q;
    }
    reset(c, code);
    put(c, "\n");
    free(t);
}

static void wrap(struct ctx *c, int col, int hang, const char *code, const char *raw, size_t max)
{
    wrap_lead(c, col, hang, NULL, code, raw, max);
}

static void heading(struct ctx *c, const char *title)
{
    put(c, "\n");
    sgr(c, "1;4");
    put(c, title);
    reset(c, "1;4");
    put(c, "\n");
}

/* A JSON value as one line: strings quoted as they are, others compact JSON. */
static char *value_text(const cJSON *v)
{
    struct buf t;
    char *s;
    if (cJSON_IsString(v)) {
        buf_init(&t, 0);
        buf_printf(&t, "\"%s\"", v->valuestring);
        return buf_take(&t);
    }
    if (!v || cJSON_IsNull(v))
        return strdup("(none)");
    s = cJSON_PrintUnformatted(v);
    return s ? s : strdup("?");
}

static const char *upper(const char *s, char *out, size_t len)
{
    size_t i;
    for (i = 0; s[i] && i < len - 1; i++)
        out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
    out[i] = '\0';
    return out;
}

/* ---- findings ---------------------------------------------------------- */

static int is_diag(const cJSON *f)
{
    return !strcmp(jsonx_str(f, "kind", "diagnosis"), "diagnosis");
}

static int shown_diag(const cJSON *f)
{
    return is_diag(f) && !jsonx_bool(f, "muted", 0);
}

static const cJSON *find_by_id(const cJSON *findings, const char *id)
{
    const cJSON *f;
    if (!id)
        return NULL;
    cJSON_ArrayForEach(f, findings)
        if (!strcmp(jsonx_str(f, "id", ""), id))
            return f;
    return NULL;
}

/* The finding f is nested under: its caused_by, else a finding listing it in
 * symptoms[]. NULL (a root) when that parent is absent, muted or itself. */
static const cJSON *parent_of(const cJSON *findings, const cJSON *f)
{
    const cJSON *p = find_by_id(findings, jsonx_str(f, "caused_by", NULL)), *g, *s;
    const char *id = jsonx_str(f, "id", "");
    if (!p) {
        cJSON_ArrayForEach(g, findings) {
            if (g == f)
                continue;
            cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(g, "symptoms"))
                if (cJSON_IsString(s) && !strcmp(s->valuestring, id))
                    p = g;
            if (p)
                break;
        }
    }
    if (!p || p == f || !shown_diag(p))
        return NULL;
    return p;
}

static void parents_build(struct ctx *c)
{
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(c->report, "findings"), *f;
    int n = cJSON_GetArraySize(findings), i = 0;
    c->parent = n > 0 ? calloc((size_t)n, sizeof *c->parent) : NULL;
    if (!c->parent)
        return;
    cJSON_ArrayForEach(f, findings)
        c->parent[i++] = parent_of(findings, f);
}

/* parent_of(findings, f) for the i-th finding f. */
static const cJSON *parent_at(const struct ctx *c, const cJSON *findings, int i, const cJSON *f)
{
    return c->parent ? c->parent[i] : parent_of(findings, f);
}

static void meta_line(struct ctx *c, const cJSON *f, int body)
{
    struct buf m;
    const char *sep = glyph(c, " \xc2\xb7 ", " | ");
    const char *subj = jsonx_str(f, "subject", NULL);
    double conf = jsonx_num(f, "confidence", -1), count = jsonx_num(f, "count", 0);
    double last = jsonx_num(f, "last_seen", 0);
    char t[32];
    buf_init(&m, 4096);
    if (conf >= 0)
        buf_printf(&m, "confidence %.0f%%", conf * 100.0);
    if (count > 1)
        buf_printf(&m, "%s%.0f occurrences", m.len ? sep : "", count);
    if (last > 0) {
        utc_format((time_t)last, (long long)last / 86400 != c->day, t, sizeof t);
        buf_printf(&m, "%slast seen %s UTC", m.len ? sep : "", t);
    }
    if (subj && strcmp(subj, c->subject))
        buf_printf(&m, "%s%s", m.len ? sep : "", subj);
    buf_printf(&m, "%scheck %s", m.len ? sep : "", jsonx_str(f, "check", "?"));
    spaces(c, body);
    wrap(c, body, body, "2", m.data ? m.data : "", 0);
    buf_cleanup(&m);
}

static const cJSON *ev_value(const cJSON *x)
{
    return cJSON_GetObjectItemCaseSensitive(x, "value");
}

/* Whether an earlier item of ev quotes the same value as x. */
static int repeated(const cJSON *ev, const cJSON *x)
{
    const cJSON *y;
    cJSON_ArrayForEach(y, ev) {
        if (y == x)
            return 0;
        if (ev_value(y) && cJSON_Compare(ev_value(y), ev_value(x), 1))
            return 1;
    }
    return 0;
}

/* Evidence quoted as "pointer = value". The same value seen at several
 * places (every stopped task saying the same thing) is quoted once, with the
 * other pointers listed under it: at 3 a.m. nobody reads a value five times. */
static void evidence(struct ctx *c, const cJSON *f, int body)
{
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(f, "evidence"), *x, *y;
    int distinct = 0, shown = 0;
    size_t max = c->ro->verbose ? VERBOSE_CHARS : EVIDENCE_CHARS;
    struct buf line;
    cJSON_ArrayForEach(x, ev)
        distinct += !repeated(ev, x);
    if (!distinct)
        return;
    spaces(c, body);
    put(c, "Evidence:\n");
    cJSON_ArrayForEach(x, ev) {
        char *v;
        int same = 0, after = 0;
        if (repeated(ev, x))
            continue;
        if (!c->ro->verbose && shown == EVIDENCE_SHOWN) {
            spaces(c, body + 2);
            putf(c, "%s %d more (--verbose shows them)\n", glyph(c, "\xe2\x80\xa6", "..."), distinct - shown);
            break;
        }
        v = value_text(ev_value(x));
        buf_init(&line, 0);
        buf_printf(&line, "%s = %s", jsonx_str(x, "pointer", "?"), v ? v : "?");
        free(v);
        spaces(c, body + 2);
        wrap(c, body + 2, body + 6, NULL, line.data ? line.data : "", max);
        buf_reset(&line);
        if (jsonx_str(x, "note", NULL)) {
            buf_printf(&line, "(%s)", jsonx_str(x, "note", ""));
            spaces(c, body + 6);
            wrap(c, body + 6, body + 6, "2", line.data ? line.data : "", max);
            buf_reset(&line);
        }
        cJSON_ArrayForEach(y, ev) {
            if (y == x) {
                after = 1;
                continue;
            }
            if (!after || !ev_value(x) || !cJSON_Compare(ev_value(y), ev_value(x), 1))
                continue;
            if (same < RESOURCES_SHOWN || c->ro->verbose)
                buf_printf(&line, "%s%s", same ? ", " : "(same value at ", jsonx_str(y, "pointer", "?"));
            same++;
        }
        if (same) {
            if (same > RESOURCES_SHOWN && !c->ro->verbose)
                buf_printf(&line, " and %d more", same - RESOURCES_SHOWN);
            buf_puts(&line, ")");
            spaces(c, body + 6);
            wrap(c, body + 6, body + 7, "2", line.data ? line.data : "", 0);
        }
        buf_cleanup(&line);
        shown++;
    }
}

static void resources(struct ctx *c, const cJSON *f, int body)
{
    const cJSON *rs = cJSON_GetObjectItemCaseSensitive(f, "resources"), *r;
    int n = cJSON_GetArraySize(rs), i = 0;
    struct buf line;
    if (n <= 0)
        return;
    buf_init(&line, 0);
    buf_printf(&line, "Affected (%d):", n);
    cJSON_ArrayForEach(r, rs) {
        if (!c->ro->verbose && i == RESOURCES_SHOWN) {
            buf_printf(&line, " and %d more", n - i);
            break;
        }
        buf_printf(&line, "%s %s", i ? "," : "", cJSON_IsString(r) ? r->valuestring : "?");
        i++;
    }
    spaces(c, body);
    wrap(c, body, body + 2, NULL, line.data ? line.data : "", 0);
    buf_cleanup(&line);
}

/* The fix as a block a reader can copy whole into a shell: descriptions and
 * links as comments, commands exactly as given — never wrapped, never
 * coloured, control characters removed. */
static void remediation(struct ctx *c, const cJSON *f, int body)
{
    const cJSON *rem = cJSON_GetObjectItemCaseSensitive(f, "remediation"), *r;
    if (cJSON_GetArraySize(rem) <= 0)
        return;
    spaces(c, body);
    put(c, "Fix:\n");
    cJSON_ArrayForEach(r, rem) {
        const char *desc = jsonx_str(r, "description", NULL), *cmd = jsonx_str(r, "command", NULL);
        const char *docs = jsonx_str(r, "docs", NULL);
        if (desc) {
            /* Wrapped, every line a comment: the block still pastes. */
            spaces(c, body + 2);
            put(c, "# ");
            wrap_lead(c, body + 4, body + 2, "# ", NULL, desc, 0);
        }
        if (cmd) {
            struct buf t;
            const char *p, *nl;
            buf_init(&t, 0);
            rtext_clean(&t, cmd, RTEXT_KEEP_NEWLINES, 0);
            for (p = t.data ? t.data : ""; *p; p = nl ? nl + 1 : p + strlen(p)) {
                nl = strchr(p, '\n');
                spaces(c, body + 2);
                putn(c, p, nl ? (size_t)(nl - p) : strlen(p));
                put(c, "\n");
            }
            buf_cleanup(&t);
        }
        if (docs) {
            char *d = clean(c, docs, 0);
            spaces(c, body + 2);
            put(c, "# docs: ");
            put(c, d);
            put(c, "\n");
            free(d);
        }
    }
}

/* The change linked as the likely cause (finding.change), bold. */
static void cause_line(struct ctx *c, const cJSON *f, int body)
{
    struct buf b;
    buf_init(&b, 4096);
    buf_puts(&b, "Changed before it: ");
    if (rchange_sentence(f, &b)) {
        spaces(c, body);
        wrap(c, body, body, "1", b.data, 0);
    }
    buf_cleanup(&b);
}

static void finding(struct ctx *c, const cJSON *f, int indent, int depth)
{
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(c->report, "findings"), *s;
    const char *sev = jsonx_str(f, "severity", "info"), *code = severity_color(sev);
    const char *marker = depth ? glyph(c, "\xe2\x96\xb8", ">") : glyph(c, "\xe2\x9c\x96", "X");
    char num[32], up[16];
    int body = indent + 4, col, nsym = 0, i;
    spaces(c, indent);
    sgr(c, code);
    put(c, marker);
    reset(c, code);
    snprintf(num, sizeof num, " %.0f. ", jsonx_num(f, "rank", 0));
    put(c, num);
    sgr(c, code);
    put(c, upper(sev, up, sizeof up));
    reset(c, code);
    put(c, "  ");
    col = indent + 1 + (int)strlen(num) + (int)strlen(up) + 2;
    wrap(c, col, body, "1", jsonx_str(f, "title", "(untitled)"), 0);
    meta_line(c, f, body);
    cause_line(c, f, body);
    if (jsonx_str(f, "explanation", NULL)) {
        spaces(c, body);
        wrap(c, body, body, NULL, jsonx_str(f, "explanation", ""), c->ro->verbose ? 0 : EXPLANATION_CHARS);
    }
    evidence(c, f, body);
    resources(c, f, body);
    remediation(c, f, body);
    if (depth >= MAX_DEPTH)
        return;
    i = 0;
    cJSON_ArrayForEach(s, findings) {
        if (shown_diag(s) && parent_at(c, findings, i, s) == f)
            nsym++;
        i++;
    }
    if (!nsym)
        return;
    spaces(c, body);
    putf(c, "Symptoms of this (%d):\n", nsym);
    i = 0;
    cJSON_ArrayForEach(s, findings) {
        if (shown_diag(s) && parent_at(c, findings, i, s) == f)
            finding(c, s, body + 2, depth + 1);
        i++;
    }
}

/* ---- sections ---------------------------------------------------------- */

static void verdict(struct ctx *c)
{
    const char *v = jsonx_str(c->report, "verdict", "inconclusive");
    const char *summary = jsonx_str(c->report, "summary", NULL);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(c->report, "target");
    const cJSON *win = cJSON_GetObjectItemCaseSensitive(c->report, "window");
    const char *sep = glyph(c, " \xc2\xb7 ", " | ");
    struct buf line;
    char up[16];
    buf_init(&line, 0);
    if (!summary) {
        buf_printf(&line, "%s: %s", c->subject, upper(v, up, sizeof up));
        summary = line.data ? line.data : "";
    }
    /* At most about two lines: the root cause title follows in full below. */
    wrap(c, 0, 2, verdict_color(v), summary, (size_t)(2 * c->ro->width - 12));
    buf_reset(&line);
    if (jsonx_str(t, "cluster", NULL))
        buf_printf(&line, "cluster %s", jsonx_str(t, "cluster", ""));
    if (jsonx_str(t, "region", NULL))
        buf_printf(&line, "%s%s", line.len ? sep : "", jsonx_str(t, "region", ""));
    if (jsonx_str(t, "account", NULL))
        buf_printf(&line, "%saccount %s", line.len ? sep : "", jsonx_str(t, "account", ""));
    if (jsonx_str(c->report, "generated_at", NULL))
        buf_printf(&line, "%sgenerated %s", line.len ? sep : "", jsonx_str(c->report, "generated_at", ""));
    if (jsonx_str(win, "duration", NULL)) {
        /* The --since window: a failure older than it is not in the evidence. */
        char at[32];
        double since = jsonx_num(win, "since", 0);
        utc_format((time_t)since, (long long)since / 86400 != c->day, at, sizeof at);
        buf_printf(&line, "%swindow %.16s (since %s UTC)", line.len ? sep : "", jsonx_str(win, "duration", ""), at);
    }
    if (line.len) {
        spaces(c, 2);
        wrap(c, 2, 2, "2", line.data, 0);
    }
    buf_cleanup(&line);
}

static void diagnosis(struct ctx *c)
{
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(c->report, "findings"), *f;
    const char *v = jsonx_str(c->report, "verdict", "");
    int roots = 0, i = 0;
    cJSON_ArrayForEach(f, findings) {
        if (shown_diag(f) && !parent_at(c, findings, i, f))
            roots++;
        i++;
    }
    if (!roots && !strcmp(jsonx_str(c->report, "mode", ""), "review"))
        return; /* a review ran no diagnosis: nothing to say here */
    if (!roots) {
        put(c, "\n");
        if (!strcmp(v, "inconclusive")) {
            sgr(c, "1;35");
            put(c, "? ");
            reset(c, "1;35");
            put(c, "No problem found, but some checks could not decide: see \"Evidence I could not see\".\n");
        } else {
            sgr(c, "1;32");
            put(c, glyph(c, "\xe2\x9c\x94", "OK"));
            reset(c, "1;32");
            putf(c, " No problems found (%d checks ran).\n",
                 cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c->report, "checks")));
        }
        return;
    }
    heading(c, roots == 1 ? "Diagnosis" : "Diagnosis (root causes first)");
    i = -1;
    cJSON_ArrayForEach(f, findings) {
        i++;
        if (!shown_diag(f) || parent_at(c, findings, i, f))
            continue;
        put(c, "\n");
        finding(c, f, 0, 0);
    }
}

static void muted(struct ctx *c)
{
    const cJSON *f;
    int n = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(c->report, "findings"))
        if (jsonx_bool(f, "muted", 0) && (is_diag(f) || !c->ro->no_recommendations))
            n++;
    if (!n)
        return;
    heading(c, "Muted");
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(c->report, "findings")) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(f, "mute");
        struct buf line;
        if (!jsonx_bool(f, "muted", 0) || (!is_diag(f) && c->ro->no_recommendations))
            continue;
        buf_init(&line, 0);
        buf_printf(&line, "[%s] %s (%s)", jsonx_str(f, "severity", "?"), jsonx_str(f, "title", "?"),
                   jsonx_str(f, "check", "?"));
        if (m)
            buf_printf(&line, " %s muted until %s: %s", glyph(c, "\xe2\x80\x94", "-"), jsonx_str(m, "expires", "?"),
                       jsonx_str(m, "reason", ""));
        put(c, "  - ");
        wrap(c, 4, 6, "2", line.data ? line.data : "", 0);
        buf_cleanup(&line);
    }
}

static void recommendations(struct ctx *c)
{
    const cJSON *f;
    int n = 0;
    if (c->ro->no_recommendations)
        return;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(c->report, "findings"))
        if (!is_diag(f) && !jsonx_bool(f, "muted", 0))
            n++;
    if (!n)
        return;
    heading(c, "Recommendations");
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(c->report, "findings")) {
        if (is_diag(f) || jsonx_bool(f, "muted", 0))
            continue;
        put(c, "\n");
        finding(c, f, 0, MAX_DEPTH);
    }
}

static int in_array(const cJSON *arr, const char *s)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
        if (cJSON_IsString(x) && !strcmp(x->valuestring, s))
            return 1;
    return 0;
}

static void gaps(struct ctx *c)
{
    const cJSON *gs = cJSON_GetObjectItemCaseSensitive(c->report, "evidence_gaps"), *g, *a;
    cJSON *actions;
    struct buf line;
    if (cJSON_GetArraySize(gs) <= 0)
        return;
    heading(c, "Evidence I could not see");
    actions = cJSON_CreateArray();
    buf_init(&line, 0);
    cJSON_ArrayForEach(g, gs) {
        const char *action = jsonx_str(g, "action", NULL);
        int i = 0;
        buf_reset(&line);
        buf_printf(&line, "%s (%s)", jsonx_str(g, "source", "?"), jsonx_str(g, "status", "?"));
        if (action) {
            buf_printf(&line, ": needs %s", action);
            if (actions && !in_array(actions, action))
                cJSON_AddItemToArray(actions, cJSON_CreateString(action));
        } else if (jsonx_str(g, "message", NULL)) {
            buf_printf(&line, ": %s", jsonx_str(g, "message", ""));
        }
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(g, "affects"))
            buf_printf(&line, "%s%s", i++ ? ", " : " - affects ", cJSON_IsString(a) ? a->valuestring : "?");
        put(c, "  ");
        sgr(c, "33");
        put(c, glyph(c, "\xe2\x96\xb8", "-"));
        reset(c, "33");
        put(c, " ");
        wrap(c, 4, 6, NULL, line.data ? line.data : "", c->ro->verbose ? 0 : 400);
        if (c->ro->verbose && action && jsonx_str(g, "message", NULL)) {
            spaces(c, 6);
            wrap(c, 6, 6, "2", jsonx_str(g, "message", ""), 0);
        }
    }
    if (cJSON_GetArraySize(actions) > 0) {
        int i = 0;
        buf_reset(&line);
        buf_puts(&line, "To see it, allow the caller:");
        cJSON_ArrayForEach(a, actions)
            buf_printf(&line, "%s %s", i++ ? "," : "", a->valuestring);
        put(c, "  ");
        wrap(c, 2, 4, "1", line.data, 0);
    }
    buf_cleanup(&line);
    cJSON_Delete(actions);
}

static void failed_checks(struct ctx *c)
{
    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(c->report, "checks"), *k;
    int errors = 0, incomplete = 0, i = 0;
    struct buf line;
    cJSON_ArrayForEach(k, checks) {
        const char *st = jsonx_str(k, "status", "");
        errors += !strcmp(st, "error");
        incomplete += !strcmp(st, "incomplete");
    }
    if (!errors && !incomplete)
        return;
    heading(c, errors ? "Checks that failed" : "Checks that could not decide");
    buf_init(&line, 0);
    cJSON_ArrayForEach(k, checks) {
        if (strcmp(jsonx_str(k, "status", ""), "error"))
            continue;
        buf_reset(&line);
        buf_printf(&line, "%s: %s", jsonx_str(k, "id", "?"), jsonx_str(k, "message", "failed"));
        put(c, "  ");
        sgr(c, "31");
        put(c, glyph(c, "\xe2\x9c\x96", "X"));
        reset(c, "31");
        put(c, " ");
        wrap(c, 4, 6, NULL, line.data ? line.data : "", c->ro->verbose ? 0 : 300);
    }
    if (incomplete) {
        buf_reset(&line);
        buf_printf(&line, "%d check%s could not decide for lack of evidence:", incomplete, incomplete == 1 ? "" : "s");
        cJSON_ArrayForEach(k, checks) {
            if (strcmp(jsonx_str(k, "status", ""), "incomplete"))
                continue;
            if (!c->ro->verbose && i == RESOURCES_SHOWN) {
                buf_printf(&line, " and %d more", incomplete - i);
                break;
            }
            buf_printf(&line, "%s %s", i++ ? "," : "", jsonx_str(k, "id", "?"));
        }
        put(c, "  ");
        wrap(c, 2, 4, NULL, line.data ? line.data : "", 0);
    }
    buf_cleanup(&line);
}

static void expired_mutes(struct ctx *c)
{
    const cJSON *m;
    struct buf line;
    buf_init(&line, 0);
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(c->report, "expired_mutes")) {
        const char *what = jsonx_str(m, "check", NULL) ? "check"
                           : jsonx_str(m, "category", NULL) ? "category" : "recommendation";
        buf_reset(&line);
        buf_printf(&line, "Expired mute: %s %s for %s expired %s (%s, mutes[%.0f]: %s) %s renew or delete it.", what,
                   jsonx_str(m, what, "?"), jsonx_str(m, "service", "?"), jsonx_str(m, "expires", "?"),
                   jsonx_str(m, "file", "?"), jsonx_num(m, "index", 0), jsonx_str(m, "reason", ""),
                   glyph(c, "\xe2\x80\x94", "-"));
        put(c, "\n");
        sgr(c, "33");
        put(c, "!");
        reset(c, "33");
        put(c, " ");
        wrap(c, 2, 4, NULL, line.data ? line.data : "", 0);
    }
    buf_cleanup(&line);
}

static void change_line(struct ctx *c, const cJSON *ch)
{
    struct buf line;
    const cJSON *x;
    const char *arrow = glyph(c, " \xe2\x86\x92 ", " -> ");
    size_t max = c->ro->verbose ? VERBOSE_CHARS : 200;
    buf_init(&line, 0);
    buf_printf(&line, "%s %s:", jsonx_str(ch, "container", "task"), jsonx_str(ch, "field", "?"));
    if (cJSON_GetObjectItemCaseSensitive(ch, "added") || cJSON_GetObjectItemCaseSensitive(ch, "removed")) {
        cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(ch, "added"))
            buf_printf(&line, " +%s", cJSON_IsString(x) ? x->valuestring : "?");
        cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(ch, "removed"))
            buf_printf(&line, " -%s", cJSON_IsString(x) ? x->valuestring : "?");
    } else {
        char *a = value_text(cJSON_GetObjectItemCaseSensitive(ch, "before"));
        char *b = value_text(cJSON_GetObjectItemCaseSensitive(ch, "after"));
        char *ca = clean(c, a ? a : "?", max), *cb = clean(c, b ? b : "?", max);
        buf_printf(&line, " %s%s%s", ca, arrow, cb);
        free(a);
        free(b);
        free(ca);
        free(cb);
    }
    spaces(c, 4);
    wrap(c, 4, 8, NULL, line.data ? line.data : "", 0);
    buf_cleanup(&line);
}

static void what_changed(struct ctx *c)
{
    const cJSON *wc = cJSON_GetObjectItemCaseSensitive(c->report, "what_changed"), *s, *ch;
    struct buf line;
    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(wc, "services")) <= 0)
        return;
    heading(c, "What changed");
    buf_init(&line, 0);
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(wc, "services")) {
        const cJSON *fail = cJSON_GetObjectItemCaseSensitive(s, "failing");
        const cJSON *base = cJSON_GetObjectItemCaseSensitive(s, "baseline");
        const cJSON *changes = cJSON_GetObjectItemCaseSensitive(s, "changes");
        buf_reset(&line);
        buf_printf(&line, "%s: %s (failing", jsonx_str(s, "service", "?"),
                   str_basename(jsonx_str(fail, "task_definition", "?")));
        if (jsonx_str(fail, "rollout_state", NULL))
            buf_printf(&line, ", %s", jsonx_str(fail, "rollout_state", ""));
        if (jsonx_num(fail, "failed_tasks", 0) > 0)
            buf_printf(&line, ", %.0f failed tasks", jsonx_num(fail, "failed_tasks", 0));
        buf_puts(&line, ")");
        if (base)
            buf_printf(&line, " vs %s (last healthy, from %s)", str_basename(jsonx_str(base, "task_definition", "?")),
                       !strcmp(jsonx_str(base, "source", ""), "deployment") ? "the previous deployment"
                                                                            : "the previous revision");
        put(c, "  ");
        wrap(c, 2, 4, "1", line.data ? line.data : "", 0);
        if (jsonx_str(s, "note", NULL)) {
            spaces(c, 4);
            wrap(c, 4, 4, "2", jsonx_str(s, "note", ""), 0);
        } else if (cJSON_GetArraySize(changes) == 0) {
            spaces(c, 4);
            wrap(c, 4, 4, "2", "no differences in the compared fields (a forced redeploy, or the cause is elsewhere)", 0);
        }
        cJSON_ArrayForEach(ch, changes)
            change_line(c, ch);
    }
    buf_cleanup(&line);
}

static const char *kind_label(const char *k)
{
    if (!strcmp(k, "deployment"))
        return "deploy";
    if (!strcmp(k, "service_event"))
        return "event";
    if (!strcmp(k, "task_stopped"))
        return "task";
    if (!strcmp(k, "target_health"))
        return "targets";
    if (!strcmp(k, "change"))
        return "change";
    return k;
}

static void timeline(struct ctx *c)
{
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(c->report, "timeline"), *e;
    int n = cJSON_GetArraySize(tl), with_date;
    double first, last;
    char t[32], lab[16];
    if (n <= 0)
        return;
    first = jsonx_num(cJSON_GetArrayItem(tl, 0), "time", 0);
    last = jsonx_num(cJSON_GetArrayItem(tl, n - 1), "time", 0);
    with_date = (long long)first / 86400 != (long long)last / 86400;
    heading(c, "Timeline (UTC, newest last)");
    cJSON_ArrayForEach(e, tl) {
        int col;
        utc_format((time_t)jsonx_num(e, "time", 0), with_date, t, sizeof t);
        snprintf(lab, sizeof lab, "%-7s", kind_label(jsonx_str(e, "kind", "?")));
        put(c, "  ");
        put(c, t);
        put(c, "  ");
        sgr(c, "2");
        put(c, lab);
        reset(c, "2");
        put(c, " ");
        col = 2 + (int)strlen(t) + 2 + (int)strlen(lab) + 1;
        if (c->ro->verbose) {
            wrap(c, col, col, NULL, jsonx_str(e, "text", ""), 0);
        } else {
            /* Compact: one line each, cut to the width. */
            int room = c->ro->width - col - (c->ro->unicode ? 1 : 3); /* room for the ellipsis */
            char *s = clean(c, jsonx_str(e, "text", ""), (size_t)(room > 20 ? room : 20));
            put(c, s);
            put(c, "\n");
            free(s);
        }
    }
}

enum err_code render_text(const cJSON *report, const struct render_opts *ro, struct buf *b)
{
    struct ctx c;
    time_t gen;
    memset(&c, 0, sizeof c);
    c.day = -1;
    c.ro = ro;
    c.b = b;
    c.report = report;
    c.subject = verdict_subject(report);
    if (utc_parse(jsonx_str(report, "generated_at", ""), &gen) == 0)
        c.day = (long long)gen / 86400;
    parents_build(&c);
    verdict(&c);
    diagnosis(&c);
    muted(&c);
    recommendations(&c);
    gaps(&c);
    failed_checks(&c);
    expired_mutes(&c);
    what_changed(&c);
    timeline(&c);
    free(c.parent);
    return c.rc;
}

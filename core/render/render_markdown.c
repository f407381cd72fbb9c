/* render_markdown — the report for a pull-request comment or a chat message:
 * the verdict as a short heading, a findings table, each finding with its
 * evidence folded in <details> and its fix in a ```sh block. No ANSI; every
 * string from the report is escaped (it may come from AWS or an application's
 * logs). The document stays under GitHub's comment limit (65,536 characters)
 * whatever the cluster's size: it is rendered in pieces, each with a priority,
 * and the most important pieces that fit are kept, in document order, with a
 * note saying what was cut. */
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

#define MD_CELL_CHARS 160
#define MD_VALUE_CHARS 1000
#define URL_CHARS                                                                          \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&'()*+,;=%"

/* GitHub refuses a comment over 65,536 characters; bytes are >= characters,
 * and the margin holds the note on what was cut. */
#define MD_LIMIT_BYTES 65536
#define MD_NOTE_RESERVE 600

/* Priorities, most important first: what must be kept before what. */
enum md_prio {
    P_HEADER = 0,   /* verdict heading and target line */
    P_ROW_DIAG,     /* a diagnosis's row in the table */
    P_DIAG,         /* a diagnosis: title, explanation, affected, fix */
    P_GAPS,         /* evidence gaps, failed checks, what changed */
    P_EVIDENCE,     /* a diagnosis's quoted evidence */
    P_ROW_REC,      /* a recommendation's row */
    P_REC,          /* a recommendation's section */
    P_REST,         /* muted, expired mutes, timeline */
};

/* What a piece is, for the note on what was cut. */
enum md_kind { K_FIXED, K_ROW, K_FINDING, K_EVIDENCE, K_SECTION };

struct piece {
    struct buf text;
    enum md_prio prio;
    enum md_kind kind;
    int keep;
};

struct md {
    const struct render_opts *ro;
    struct buf *b;           /* the piece being written */
    const cJSON *report;
    enum err_code rc;        /* sticky: the first append that failed */
    struct piece *pieces;
    size_t n, cap;
};

/* Starts a new piece: what follows is written into it. */
static void piece(struct md *m, enum md_prio prio, enum md_kind kind)
{
    struct piece *p;
    if (m->rc != ERR_OK)
        return;
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        p = realloc(m->pieces, nc * sizeof *p);
        if (!p) {
            m->rc = ERR_NOMEM;
            return;
        }
        m->pieces = p;
        m->cap = nc;
    }
    p = &m->pieces[m->n++];
    buf_init(&p->text, 0);
    p->prio = prio;
    p->kind = kind;
    p->keep = 0;
    m->b = &p->text;
}

static void put(struct md *m, const char *s)
{
    if (m->rc == ERR_OK && m->b)
        m->rc = buf_puts(m->b, s);
}

/* Short formatted pieces (numbers, fixed words); long text goes through put. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void mdf(struct md *m, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(tmp, sizeof tmp, fmt, ap) < 0)
        m->rc = ERR_INTERNAL;
    va_end(ap);
    put(m, tmp);
}

static void put_buf(struct md *m, struct buf *t)
{
    if (!t->data && m->rc == ERR_OK)
        m->rc = ERR_NOMEM;
    put(m, t->data ? t->data : "");
    buf_cleanup(t);
}

static void text(struct md *m, const char *s, size_t max)
{
    struct buf t;
    buf_init(&t, 0);
    rtext_md(&t, s, max);
    buf_puts(&t, "");
    put_buf(m, &t);
}

/* `s` as an inline code span that survives backticks and table pipes. */
static void code(struct md *m, const char *s)
{
    struct buf t;
    const char *p;
    size_t fence, i;
    buf_init(&t, 0);
    rtext_clean(&t, s, RTEXT_ONELINE, MD_CELL_CHARS);
    fence = rtext_longest_run(t.data, '`') + 1;
    for (i = 0; i < fence; i++)
        put(m, "`");
    if (t.data && (t.data[0] == '`' || (t.len && t.data[t.len - 1] == '`')))
        put(m, " ");
    for (p = t.data ? t.data : ""; *p; p++) {
        char one[2] = {*p, '\0'};
        put(m, *p == '|' ? "\\|" : one);
    }
    if (t.data && (t.data[0] == '`' || (t.len && t.data[t.len - 1] == '`')))
        put(m, " ");
    for (i = 0; i < fence; i++)
        put(m, "`");
    buf_cleanup(&t);
}

/* Text whose `quoted` spans are meant as code (check titles and explanations
 * write `user`, `--force-new-deployment`): each balanced pair on one line
 * becomes a code span, the rest is escaped text; a lone backtick stays an
 * escaped, literal one. */
static void prose(struct md *m, const char *s, size_t max)
{
    struct buf clean;
    const char *p, *open, *close;
    buf_init(&clean, 0);
    rtext_clean(&clean, s, RTEXT_ONELINE, max);
    p = clean.data ? clean.data : "";
    while (*p) {
        open = strchr(p, '`');
        close = open ? strchr(open + 1, '`') : NULL;
        if (!open || !close || close == open + 1) {
            text(m, p, 0);
            break;
        }
        {
            /* The text before and the span, NUL-separated in one buffer. */
            struct buf seg;
            buf_init(&seg, 0);
            buf_append(&seg, p, (size_t)(open - p));
            buf_append(&seg, "", 1);
            buf_append(&seg, open + 1, (size_t)(close - open - 1));
            if (!seg.data || seg.len != (size_t)(close - p)) {
                buf_cleanup(&seg);
                m->rc = ERR_NOMEM;
                break;
            }
            text(m, seg.data, 0);
            code(m, seg.data + (open - p) + 1);
            buf_cleanup(&seg);
        }
        p = close + 1;
    }
    buf_cleanup(&clean);
}

/* A fenced block whose fence is longer than any backtick run inside it. */
static void block(struct md *m, const char *lang, const char *body)
{
    size_t fence = rtext_longest_run(body, '`') + 1, i;
    if (fence < 3)
        fence = 3;
    for (i = 0; i < fence; i++)
        put(m, "`");
    put(m, lang);
    put(m, "\n");
    put(m, body);
    if (!*body || body[strlen(body) - 1] != '\n')
        put(m, "\n");
    for (i = 0; i < fence; i++)
        put(m, "`");
    put(m, "\n");
}

static int is_diag(const cJSON *f)
{
    return !strcmp(jsonx_str(f, "kind", "diagnosis"), "diagnosis");
}

static const char *verdict_icon(const char *v)
{
    if (!strcmp(v, "unhealthy"))
        return "\xf0\x9f\x94\xb4"; /* red circle */
    if (!strcmp(v, "degraded"))
        return "\xf0\x9f\x9f\xa0"; /* orange circle */
    if (!strcmp(v, "inconclusive"))
        return "\xe2\x9d\x94"; /* white question mark */
    return "\xe2\x9c\x85"; /* check mark */
}

/* A short heading (GitHub shows it large: the verdict, not the story), then
 * the summary sentence as a paragraph. */
static void header(struct md *m)
{
    const char *v = jsonx_str(m->report, "verdict", "inconclusive");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(m->report, "target");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(m->report, "status"), *f, *root = NULL;
    char up[16];
    size_t i;
    piece(m, P_HEADER, K_FIXED);
    for (i = 0; v[i] && i < sizeof up - 1; i++)
        up[i] = (char)(v[i] >= 'a' && v[i] <= 'z' ? v[i] - 32 : v[i]);
    up[i] = '\0';
    mdf(m, "## %s ", verdict_icon(v));
    text(m, verdict_subject(m->report), 80);
    mdf(m, ": %s", up);
    if (cJSON_IsObject(st))
        mdf(m, " \xe2\x80\x94 %.0f of %.0f tasks running", jsonx_num(st, "running", 0), jsonx_num(st, "desired", 0));
    if (!strcmp(jsonx_str(m->report, "mode", ""), "review"))
        put(m, " (review)");
    put(m, "\n\n");
    /* The root cause in a sentence (the summary repeats the heading). */
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(m->report, "findings")) {
        if (is_diag(f) && !jsonx_bool(f, "muted", 0) && !jsonx_str(f, "caused_by", NULL)) {
            root = f;
            break;
        }
    }
    if (root) {
        put(m, "**Root cause:** ");
        prose(m, jsonx_str(root, "title", ""), 600);
        put(m, "\n\n");
    } else if (jsonx_str(m->report, "summary", NULL)) {
        prose(m, jsonx_str(m->report, "summary", ""), 600);
        put(m, "\n\n");
    }
    if (jsonx_str(t, "cluster", NULL)) {
        put(m, "Cluster ");
        code(m, jsonx_str(t, "cluster", ""));
    }
    if (jsonx_str(t, "region", NULL)) {
        put(m, " \xc2\xb7 region ");
        code(m, jsonx_str(t, "region", ""));
    }
    if (jsonx_str(t, "account", NULL)) {
        put(m, " \xc2\xb7 account ");
        code(m, jsonx_str(t, "account", ""));
    }
    if (jsonx_str(m->report, "generated_at", NULL)) {
        put(m, " \xc2\xb7 generated ");
        text(m, jsonx_str(m->report, "generated_at", ""), 40);
    }
    if (jsonx_str(cJSON_GetObjectItemCaseSensitive(m->report, "window"), "duration", NULL)) {
        put(m, " \xc2\xb7 window ");
        text(m, jsonx_str(cJSON_GetObjectItemCaseSensitive(m->report, "window"), "duration", ""), 16);
    }
    put(m, "\n");
}

static int listed(const struct md *m, const cJSON *f)
{
    if (jsonx_bool(f, "muted", 0))
        return 0;
    return is_diag(f) || !m->ro->no_recommendations;
}

static void table(struct md *m)
{
    const cJSON *f;
    int n = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(m->report, "findings"))
        n += listed(m, f);
    if (!n) {
        put(m, "\nNo findings.\n");
        return;
    }
    put(m, "\n| # | Severity | Finding | Check | Confidence | Count |\n|---:|---|---|---|---:|---:|\n");
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(m->report, "findings")) {
        const char *cause = jsonx_str(f, "caused_by", NULL);
        if (!listed(m, f))
            continue;
        piece(m, is_diag(f) ? P_ROW_DIAG : P_ROW_REC, K_ROW);
        mdf(m, "| %.0f | %s%s%s | ", jsonx_num(f, "rank", 0), is_diag(f) ? "**" : "",
                   jsonx_str(f, "severity", "?"), is_diag(f) ? "**" : "");
        if (!is_diag(f))
            put(m, "recommendation: ");
        else if (cause)
            put(m, "\xe2\x86\xb3 "); /* ↳ marks a symptom */
        prose(m, jsonx_str(f, "title", ""), MD_CELL_CHARS);
        put(m, " | ");
        code(m, jsonx_str(f, "check", "?"));
        mdf(m, " | %.0f%% | %.0f |\n", jsonx_num(f, "confidence", 0) * 100.0, jsonx_num(f, "count", 1));
    }
}

/* Whether an earlier item of ev quotes the same value as x. */
static int repeated(const cJSON *ev, const cJSON *x)
{
    const cJSON *y, *v = cJSON_GetObjectItemCaseSensitive(x, "value");
    cJSON_ArrayForEach(y, ev) {
        if (y == x)
            return 0;
        if (v && cJSON_Compare(cJSON_GetObjectItemCaseSensitive(y, "value"), v, 1))
            return 1;
    }
    return 0;
}

/* Evidence folded in <details>; a value seen at several pointers is quoted
 * once, the other pointers listed under it (as in the text report). */
static void evidence(struct md *m, const cJSON *f)
{
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(f, "evidence"), *x, *y;
    struct buf body;
    if (cJSON_GetArraySize(ev) <= 0)
        return;
    buf_init(&body, 0);
    cJSON_ArrayForEach(x, ev) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, "value");
        char *s;
        int after = 0, same = 0;
        if (repeated(ev, x))
            continue;
        s = cJSON_IsString(v) ? NULL : cJSON_PrintUnformatted(v);
        buf_printf(&body, "%s = ", jsonx_str(x, "pointer", "?"));
        rtext_clean(&body, cJSON_IsString(v) ? v->valuestring : (s ? s : "null"), RTEXT_ONELINE,
                    m->ro->verbose ? 0 : MD_VALUE_CHARS);
        if (jsonx_str(x, "note", NULL)) {
            buf_puts(&body, "  # ");
            rtext_clean(&body, jsonx_str(x, "note", ""), RTEXT_ONELINE, 300);
        }
        buf_puts(&body, "\n");
        cJSON_ArrayForEach(y, ev) {
            if (y == x) {
                after = 1;
                continue;
            }
            if (!after || !v || !cJSON_Compare(cJSON_GetObjectItemCaseSensitive(y, "value"), v, 1))
                continue;
            buf_puts(&body, same++ ? ", " : "  # same value at ");
            rtext_clean(&body, jsonx_str(y, "pointer", "?"), RTEXT_ONELINE, 300);
        }
        if (same)
            buf_puts(&body, "\n");
        free(s);
    }
    piece(m, is_diag(f) ? P_EVIDENCE : P_REC, K_EVIDENCE);
    mdf(m, "\n<details><summary>Evidence (%d)</summary>\n\n", cJSON_GetArraySize(ev));
    block(m, "text", body.data ? body.data : "");
    put(m, "\n</details>\n");
    buf_cleanup(&body);
}

static void fix(struct md *m, const cJSON *f)
{
    const cJSON *rem = cJSON_GetObjectItemCaseSensitive(f, "remediation"), *r;
    struct buf body;
    int docs = 0;
    if (cJSON_GetArraySize(rem) <= 0)
        return;
    buf_init(&body, 0);
    cJSON_ArrayForEach(r, rem) {
        if (jsonx_str(r, "description", NULL)) {
            buf_puts(&body, "# ");
            rtext_clean(&body, jsonx_str(r, "description", ""), RTEXT_ONELINE, 0);
            buf_puts(&body, "\n");
        }
        if (jsonx_str(r, "command", NULL)) {
            rtext_clean(&body, jsonx_str(r, "command", ""), RTEXT_KEEP_NEWLINES, 0);
            buf_puts(&body, "\n");
        }
    }
    piece(m, is_diag(f) ? P_DIAG : P_REC, K_FIXED);
    put(m, "\n**Fix**\n\n");
    block(m, "sh", body.data ? body.data : "");
    cJSON_ArrayForEach(r, rem) {
        const char *d = jsonx_str(r, "docs", NULL);
        const cJSON *q;
        int seen = 0;
        if (!d || (!str_starts(d, "https://") && !str_starts(d, "http://")) ||
            strspn(d, URL_CHARS) != strlen(d))
            continue; /* an autolink takes no escapes: print only plain URLs */
        /* Several steps often cite one page: each link once. */
        cJSON_ArrayForEach(q, rem) {
            if (q == r)
                break;
            seen |= !strcmp(jsonx_str(q, "docs", ""), d);
        }
        if (seen)
            continue;
        put(m, docs++ ? " \xc2\xb7 <" : "\nDocs: <");
        put(m, d);
        put(m, ">");
    }
    if (docs)
        put(m, "\n");
    buf_cleanup(&body);
}

/* first_rec: the first recommendation, which carries the section heading. */
static void detail(struct md *m, const cJSON *f, int first_rec)
{
    const cJSON *rs = cJSON_GetObjectItemCaseSensitive(f, "resources"), *r;
    int i = 0;
    piece(m, is_diag(f) ? P_DIAG : P_REC, K_FINDING);
    if (first_rec)
        put(m, "\n## Recommendations\n");
    /* A heading GitHub can link to, short: the full title follows. */
    mdf(m, "\n### %.0f. ", jsonx_num(f, "rank", 0));
    prose(m, jsonx_str(f, "title", ""), MD_CELL_CHARS);
    if (strlen(jsonx_str(f, "title", "")) > MD_CELL_CHARS) {
        put(m, "\n\n");
        prose(m, jsonx_str(f, "title", ""), 0);
    }
    mdf(m, "\n\n**%s** \xc2\xb7 confidence %.0f%%", jsonx_str(f, "severity", "?"),
               jsonx_num(f, "confidence", 0) * 100.0);
    if (jsonx_num(f, "count", 0) > 1)
        mdf(m, " \xc2\xb7 %.0f occurrences", jsonx_num(f, "count", 0));
    put(m, " \xc2\xb7 check ");
    code(m, jsonx_str(f, "check", "?"));
    if (jsonx_str(f, "caused_by", NULL)) {
        put(m, " \xc2\xb7 symptom of ");
        code(m, jsonx_str(f, "caused_by", ""));
    }
    put(m, "\n");
    {
        struct buf ch;
        buf_init(&ch, 4096);
        if (rchange_sentence(f, &ch)) {
            put(m, "\n**Changed before it:** ");
            prose(m, ch.data, 0);
            put(m, "\n");
        }
        buf_cleanup(&ch);
    }
    if (jsonx_str(f, "explanation", NULL)) {
        put(m, "\n");
        prose(m, jsonx_str(f, "explanation", ""), 0);
        put(m, "\n");
    }
    if (cJSON_GetArraySize(rs) > 0) {
        mdf(m, "\n**Affected (%d):** ", cJSON_GetArraySize(rs));
        cJSON_ArrayForEach(r, rs) {
            if (i++)
                put(m, ", ");
            code(m, cJSON_IsString(r) ? r->valuestring : "?");
        }
        put(m, "\n");
    }
    evidence(m, f);
    fix(m, f);
}

static void sections(struct md *m)
{
    const cJSON *f, *g, *a, *k;
    int n;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(m->report, "findings"))
        if (listed(m, f) && is_diag(f))
            detail(m, f, 0);
    n = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(m->report, "findings"))
        if (listed(m, f) && !is_diag(f))
            detail(m, f, n++ == 0);
    n = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(m->report, "findings"))
        n += jsonx_bool(f, "muted", 0);
    if (n) {
        piece(m, P_REST, K_SECTION);
        put(m, "\n## Muted\n\n");
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(m->report, "findings")) {
            const cJSON *mu = cJSON_GetObjectItemCaseSensitive(f, "mute");
            if (!jsonx_bool(f, "muted", 0))
                continue;
            put(m, "- ");
            text(m, jsonx_str(f, "title", ""), MD_CELL_CHARS);
            put(m, " (");
            code(m, jsonx_str(f, "check", "?"));
            put(m, ")");
            if (mu) {
                put(m, " until ");
                text(m, jsonx_str(mu, "expires", "?"), 40);
                put(m, ": ");
                text(m, jsonx_str(mu, "reason", ""), MD_CELL_CHARS);
            }
            put(m, "\n");
        }
    }
    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(m->report, "evidence_gaps")) > 0) {
        piece(m, P_GAPS, K_SECTION);
        put(m, "\n## Evidence I could not see\n\n");
        cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(m->report, "evidence_gaps")) {
            int i = 0;
            put(m, "- ");
            code(m, jsonx_str(g, "source", "?"));
            put(m, " (");
            text(m, jsonx_str(g, "status", "?"), 20);
            put(m, ")");
            if (jsonx_str(g, "action", NULL)) {
                put(m, ": needs ");
                code(m, jsonx_str(g, "action", ""));
            }
            cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(g, "affects")) {
                put(m, i++ ? ", " : " \xe2\x80\x94 affects ");
                code(m, cJSON_IsString(a) ? a->valuestring : "?");
            }
            put(m, "\n");
        }
    }
    n = 0;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(m->report, "checks"))
        n += !strcmp(jsonx_str(k, "status", ""), "error");
    if (n) {
        piece(m, P_GAPS, K_SECTION);
        put(m, "\n## Checks that failed\n\n");
        cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(m->report, "checks")) {
            if (strcmp(jsonx_str(k, "status", ""), "error"))
                continue;
            put(m, "- ");
            code(m, jsonx_str(k, "id", "?"));
            put(m, ": ");
            text(m, jsonx_str(k, "message", ""), 300);
            put(m, "\n");
        }
    }
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(m->report, "expired_mutes")) {
        piece(m, P_REST, K_SECTION);
        put(m, "\n> **Expired mute** (");
        text(m, jsonx_str(a, "file", "?"), 100);
        put(m, "): ");
        text(m, jsonx_str(a, "check", jsonx_str(a, "category", jsonx_str(a, "recommendation", "?"))), 100);
        put(m, " for ");
        text(m, jsonx_str(a, "service", "?"), 100);
        put(m, " expired ");
        text(m, jsonx_str(a, "expires", "?"), 40);
        put(m, " \xe2\x80\x94 renew or delete it.\n");
    }
}

static void what_changed(struct md *m)
{
    const cJSON *s, *ch, *x;
    const cJSON *svcs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(m->report, "what_changed"),
                                                        "services");
    if (cJSON_GetArraySize(svcs) <= 0)
        return;
    piece(m, P_GAPS, K_SECTION);
    put(m, "\n## What changed\n");
    cJSON_ArrayForEach(s, svcs) {
        const cJSON *fail = cJSON_GetObjectItemCaseSensitive(s, "failing");
        const cJSON *base = cJSON_GetObjectItemCaseSensitive(s, "baseline");
        put(m, "\n**");
        text(m, jsonx_str(s, "service", "?"), 100);
        put(m, "**: ");
        code(m, str_basename(jsonx_str(fail, "task_definition", "?")));
        put(m, " (failing)");
        if (base) {
            put(m, " vs ");
            code(m, str_basename(jsonx_str(base, "task_definition", "?")));
            put(m, " (last healthy)");
        }
        put(m, "\n\n");
        if (jsonx_str(s, "note", NULL)) {
            text(m, jsonx_str(s, "note", ""), 0);
            put(m, "\n");
        }
        cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(s, "changes")) {
            put(m, "- ");
            code(m, jsonx_str(ch, "container", "task"));
            put(m, " ");
            text(m, jsonx_str(ch, "field", "?"), 100);
            put(m, ":");
            if (cJSON_GetObjectItemCaseSensitive(ch, "added") || cJSON_GetObjectItemCaseSensitive(ch, "removed")) {
                cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(ch, "added")) {
                    put(m, " +");
                    code(m, cJSON_IsString(x) ? x->valuestring : "?");
                }
                cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(ch, "removed")) {
                    put(m, " \xe2\x88\x92"); /* minus sign: a '-' would start a list item */
                    code(m, cJSON_IsString(x) ? x->valuestring : "?");
                }
            } else {
                const cJSON *before = cJSON_GetObjectItemCaseSensitive(ch, "before");
                const cJSON *after = cJSON_GetObjectItemCaseSensitive(ch, "after");
                char *a = cJSON_IsString(before) ? NULL : cJSON_PrintUnformatted(before);
                char *b = cJSON_IsString(after) ? NULL : cJSON_PrintUnformatted(after);
                put(m, " ");
                code(m, cJSON_IsString(before) ? before->valuestring : (a ? a : "null"));
                put(m, " \xe2\x86\x92 ");
                code(m, cJSON_IsString(after) ? after->valuestring : (b ? b : "null"));
                free(a);
                free(b);
            }
            put(m, "\n");
        }
    }
}

static void timeline(struct md *m)
{
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(m->report, "timeline"), *e;
    int n = cJSON_GetArraySize(tl), with_date;
    char t[32];
    if (n <= 0)
        return;
    with_date = (long long)jsonx_num(cJSON_GetArrayItem(tl, 0), "time", 0) / 86400 !=
                (long long)jsonx_num(cJSON_GetArrayItem(tl, n - 1), "time", 0) / 86400;
    piece(m, P_REST, K_SECTION);
    mdf(m, "\n<details><summary>Timeline (UTC, %d entries, newest last)</summary>\n\n", n);
    put(m, "| Time | Kind | What |\n|---|---|---|\n");
    cJSON_ArrayForEach(e, tl) {
        utc_format((time_t)jsonx_num(e, "time", 0), with_date, t, sizeof t);
        mdf(m, "| %s | ", t);
        text(m, jsonx_str(e, "kind", "?"), 20);
        put(m, " | ");
        text(m, jsonx_str(e, "text", ""), 300);
        put(m, " |\n");
    }
    put(m, "\n</details>\n");
}

/* Keeps the most important pieces that fit under the limit (by priority,
 * then document order: the table's rows and the findings in rank order),
 * writes them in document order, then a note on what was cut. */
static void assemble(struct md *m, struct buf *out)
{
    size_t used = 0, i, limit = MD_LIMIT_BYTES - MD_NOTE_RESERVE;
    int prio, cut_rows = 0, cut_findings = 0, cut_evidence = 0, cut_sections = 0;
    for (prio = P_HEADER; prio <= P_REST; prio++) {
        /* Once a piece does not fit, the rest of its priority is cut too: the
         * kept ones are a prefix in rank order (and "## Recommendations",
         * carried by the first, never goes missing above a later one). */
        int full = 0;
        for (i = 0; i < m->n && !full; i++) {
            struct piece *p = &m->pieces[i];
            if ((int)p->prio != prio)
                continue;
            /* A fix without its finding would float under another heading. */
            if (p->kind == K_FIXED && prio != P_HEADER && i > 0 && !m->pieces[i - 1].keep &&
                m->pieces[i - 1].kind != K_EVIDENCE)
                continue;
            if (p->kind == K_FIXED && prio != P_HEADER && i > 1 && m->pieces[i - 1].kind == K_EVIDENCE &&
                !m->pieces[i - 2].keep)
                continue;
            if (used + p->text.len <= limit || prio == P_HEADER) {
                p->keep = 1;
                used += p->text.len;
            } else {
                full = 1;
            }
        }
    }
    for (i = 0; i < m->n && m->rc == ERR_OK; i++) {
        struct piece *p = &m->pieces[i];
        if (p->keep) {
            m->rc = buf_append(out, p->text.data ? p->text.data : "", p->text.len);
            continue;
        }
        cut_rows += p->kind == K_ROW;
        cut_findings += p->kind == K_FINDING;
        cut_evidence += p->kind == K_EVIDENCE;
        cut_sections += p->kind == K_SECTION;
    }
    if (m->rc == ERR_OK && (cut_rows || cut_findings || cut_evidence || cut_sections)) {
        char note[MD_NOTE_RESERVE];
        snprintf(note, sizeof note,
                 "\n---\n_Cut to fit a GitHub comment (65,536 characters), most important kept: "
                 "%d table rows, %d findings, %d evidence blocks and %d sections left out. "
                 "The whole report: `--output text` or `--output json`._\n",
                 cut_rows, cut_findings, cut_evidence, cut_sections);
        m->rc = buf_puts(out, note);
    }
}

enum err_code render_markdown(const cJSON *report, const struct render_opts *ro, struct buf *b)
{
    struct md m;
    size_t i;
    memset(&m, 0, sizeof m);
    m.ro = ro;
    m.report = report;
    m.rc = ERR_OK;
    header(&m);
    table(&m);
    sections(&m);
    what_changed(&m);
    timeline(&m);
    if (m.rc == ERR_OK)
        assemble(&m, b);
    for (i = 0; i < m.n; i++)
        buf_cleanup(&m.pieces[i].text);
    free(m.pieces);
    return m.rc;
}

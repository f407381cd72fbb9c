/* rtext — see rtext.h. */
#include "render/rtext.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* U+200B ZERO WIDTH SPACE as an HTML entity (Markdown passes entities). */
#define MD_BREAK "&#8203;"

/* Decodes one UTF-8 sequence at s; returns its length (1..4) and the code
 * point, or 0 when the bytes are not valid UTF-8 (overlongs, surrogates and
 * values above U+10FFFF included). */
static size_t utf8_decode(const unsigned char *s, unsigned long *cp)
{
    size_t n, i;
    unsigned long v;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        v = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        v = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        v = s[0] & 0x07;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

static const char *ascii_for(unsigned long cp)
{
    switch (cp) {
    case 0x2014: return "-";   /* — */
    case 0x2013: return "-";   /* – */
    case 0x2018: case 0x2019: return "'";
    case 0x201C: case 0x201D: return "\"";
    case 0x2026: return "..."; /* … */
    case 0x2714: return "OK";  /* ✔ */
    case 0x2716: return "X";   /* ✖ */
    case 0x25B8: return ">";   /* ▸ */
    case 0x00B7: return "|";   /* · */
    case 0x2192: return "->";  /* → */
    case 0x00A0: return " ";
    case 0x00D7: return "x";   /* × */
    case 0x2265: return ">=";  /* ≥ */
    case 0x2264: return "<=";  /* ≤ */
    case 0x2022: return "*";   /* • */
    case 0x2713: return "OK";  /* ✓ */
    case 0x2717: return "X";   /* ✗ */
    case 0x2190: return "<-";  /* ← */
    case 0x21B3: return "->";  /* ↳ */
    case 0x26A0: return "!";   /* ⚠ */
    case 0x2212: return "-";   /* − */
    default: return NULL;
    }
}

void rtext_clean(struct buf *b, const char *s, int flags, size_t max_chars)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t chars = 0, n;
    unsigned long cp;
    int last_space = 0;
    const char *a;
    while (*p) {
        if (max_chars && chars >= max_chars) {
            buf_puts(b, (flags & RTEXT_ASCII) ? "..." : "\xe2\x80\xa6");
            return;
        }
        n = utf8_decode(p, &cp);
        if (n == 0) {
            buf_puts(b, (flags & RTEXT_ASCII) ? "?" : "\xef\xbf\xbd");
            p++;
            chars++;
            last_space = 0;
            continue;
        }
        if (cp == '\n' && (flags & RTEXT_KEEP_NEWLINES)) {
            buf_puts(b, "\n");
        } else if (cp == '\n' || cp == '\t' || cp == '\r') {
            if (flags & RTEXT_ONELINE) {
                if (!last_space)
                    buf_puts(b, " ");
                last_space = 1;
                chars++;
            } else if (cp == '\t') {
                buf_puts(b, " ");
            }
            p += n;
            continue;
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || (cp >= 0x202A && cp <= 0x202E) ||
                   (cp >= 0x2066 && cp <= 0x2069)) {
            /* C0/C1 controls: ESC would let a log line drive the terminal.
             * Direction overrides and isolates would reorder what a reader
             * sees (a command shown as harmless, "Trojan Source"). */
            p += n;
            continue;
        } else if ((flags & RTEXT_ASCII) && cp >= 0x80 && (a = ascii_for(cp)) != NULL) {
            buf_puts(b, a);
        } else if ((flags & RTEXT_ONELINE) && cp == ' ' && last_space) {
            p += n;
            continue;
        } else {
            buf_append(b, p, n);
        }
        last_space = cp == ' ';
        chars++;
        p += n;
    }
}

size_t rtext_width(const char *s)
{
    size_t w = 0;
    for (; s && *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

void rtext_xml(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    unsigned long cp;
    size_t n;
    while (*p) {
        n = utf8_decode(p, &cp);
        if (n == 0) {
            buf_puts(b, "\xef\xbf\xbd");
            p++;
            continue;
        }
        switch (cp) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&apos;"); break;
        default:
            /* XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF] */
            /* minus DEL, C1 and the direction controls, as rtext_clean. */
            if ((cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF && cp != 0x7F) ||
                 (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000) &&
                !(cp >= 0x80 && cp < 0xA0) && !(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069))
                buf_append(b, p, n);
            break;
        }
        p += n;
    }
}

void rtext_md(struct buf *b, const char *s, size_t max_chars)
{
    struct buf clean;
    const char *p;
    buf_init(&clean, 0);
    rtext_clean(&clean, s, RTEXT_ONELINE, max_chars);
    for (p = clean.data ? clean.data : ""; *p; p++) {
        /* A PR comment is read by GitHub/GitLab, which turn "@name" into a
         * notification and "https://..." / "www...." / "a@b.example" into
         * links. Text from AWS must do neither: a zero-width space (as an
         * entity, visible in no renderer) breaks each pattern while the
         * reader still sees the same characters. The report's own docs
         * links do not come through here. */
        if (*p == '@') {
            buf_puts(b, "@" MD_BREAK);
            continue;
        }
        if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
            buf_puts(b, ":/" MD_BREAK "/");
            p += 2;
            continue;
        }
        if ((p == clean.data || !isalnum((unsigned char)p[-1])) && !strncasecmp(p, "www.", 4)) {
            buf_append(b, p, 3);
            buf_puts(b, MD_BREAK ".");
            p += 3;
            continue;
        }
        switch (*p) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '|': case '\\': case '`': case '*': case '_': case '[': case ']': case '#':
            buf_printf(b, "\\%c", *p);
            break;
        default: buf_append(b, p, 1); break;
        }
    }
    buf_cleanup(&clean);
}

size_t rtext_longest_run(const char *s, char c)
{
    size_t best = 0, run = 0;
    for (; s && *s; s++) {
        run = *s == c ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

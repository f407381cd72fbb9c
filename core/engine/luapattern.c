/* luapattern — Lua 5.4 pattern matching with a step budget (see luapattern.h).
 *
 * Written from the reference manual (§6.4.1 and the string.find/match/gmatch/
 * gsub entries). It is a backtracking matcher like Lua's, and it recurses at
 * the same places (captures, '?', '*', '+', '-'), so malformed patterns are
 * reported at the same moment and with the same message as Lua, and the same
 * nesting depth gives "pattern too complex". What it adds: every iteration of
 * the match loop and every backtrack spends one step of a per-call budget;
 * when the budget is gone the call raises LUAPATTERN_BUDGET_MSG, which the
 * sandbox reports like any other error of the check. The steps are also
 * booked on a per-state account (struct meter below). */
#include "engine/luapattern.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define MAX_CAPTURES 32 /* LUA_MAXCAPTURES */
#define MAX_DEPTH 200   /* Lua's MAXCCALLS for the matcher */
#define CAP_OPEN (-1)   /* capture started, not closed yet */
#define CAP_POS (-2)    /* position capture "()" */
#define SPECIALS "^$*+?.([%-"

struct pm {
    lua_State *L;
    const char *s0;    /* subject start */
    const char *s_end; /* subject end */
    const char *p_end; /* pattern end */
    int ncap;          /* captures opened so far */
    int depth;         /* recursion levels left */
    long steps;        /* budget left for this call */
    long booked;       /* value of steps when last booked on the meter */
    struct meter *meter;
    struct {
        const char *at;
        ptrdiff_t len; /* or CAP_OPEN / CAP_POS */
    } cap[MAX_CAPTURES];
};

/* The state's account, shared by every call: what is left of the state's
 * budget, and whether a call already ran out. Once one did, every later
 * pattern call fails at once (plain finds stay linear and are not counted): otherwise a loop of pcall(string.find, ...) would spend a
 * whole call budget per few VM instructions, far between the hook's checks. It
 * lives in a userdata kept only in the registry, out of the checks' reach. */
struct meter {
    long long left;
    int tripped;
};

static const char meter_key = 'm';

/* Books the steps spent since the last booking on the state's account. Done
 * before anything that may raise or run Lua code (callbacks may nest calls). */
static void book(struct pm *m)
{
    m->meter->left -= m->booked - m->steps;
    m->booked = m->steps;
}

/* Raises msg after booking the steps spent. */
static void fail(struct pm *m, const char *msg)
{
    book(m);
    luaL_error(m->L, "%s", msg);
}

static void fail_index(struct pm *m, int i)
{
    char msg[64];
    snprintf(msg, sizeof msg, "invalid capture index %%%d", i);
    fail(m, msg);
}

static void out_of_steps(struct pm *m)
{
    m->steps = 0;
    book(m);
    m->meter->tripped = 1;
    luaL_error(m->L, "%s", LUAPATTERN_BUDGET_MSG);
}

#define STEP(m)                                                                                    \
    do {                                                                                           \
        if (--(m)->steps < 0)                                                                      \
            out_of_steps(m);                                                                       \
    } while (0)

/* Starts a call: its budget is the per-call one, or what the state has left. */
static void pm_init(struct pm *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
    long budget = (long)lua_tointeger(L, lua_upvalueindex(1));
    m->L = L;
    m->s0 = s;
    m->s_end = s + ls;
    m->p_end = p + lp;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &meter_key);
    m->meter = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!m->meter)
        luaL_error(L, "luapattern: not installed in this state");
    m->steps = m->booked = 0;
    if (m->meter->tripped || m->meter->left <= 0)
        out_of_steps(m);
    if (budget > m->meter->left)
        budget = (long)m->meter->left;
    m->steps = m->booked = budget;
}

/* Ends a call normally. */
static void pm_done(struct pm *m)
{
    book(m);
}

/* Each attempt at a new start position begins with no captures. */
static void pm_reset(struct pm *m)
{
    m->ncap = 0;
    m->depth = MAX_DEPTH;
}

/* ---- single items ---------------------------------------------------------- */

/* The end of the single-character item at p (a char, %x, '.' or a set). */
static const char *item_end(struct pm *m, const char *p)
{
    char c = *p++;
    if (c == '%') {
        if (p >= m->p_end)
            fail(m, "malformed pattern (ends with '%')");
        return p + 1;
    }
    if (c != '[')
        return p;
    if (*p == '^')
        p++;
    /* The first character of a set is never its closing ']' ("[]]"). */
    do {
        if (p >= m->p_end)
            fail(m, "malformed pattern (missing ']')");
        c = *p++;
        if (c == '%' && p < m->p_end)
            p++; /* "%]" does not close */
    } while (*p != ']');
    return p + 1;
}

/* Does character c belong to class %cl? Upper-case classes are complements;
 * a non-class letter or punctuation stands for itself. */
static int class_has(int c, int cl)
{
    int r;
    /* cl | 0x20 lowers ASCII letters and lands in 'a'..'z' for letters only;
     * cheaper than tolower() in this hot path, same result in the C locale. */
    switch (cl | 0x20) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = c >= '0' && c <= '9'; break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    case 'z': r = c == 0; break; /* deprecated in the manual, still accepted by 5.4 */
    default: return cl == c;
    }
    if (cl < 'a') /* an upper-case class letter: the complement */
        return !r;
    return r != 0;
}

/* Does c belong to the set [ ... ] that opens at p and closes at close? */
static int set_has(int c, const char *p, const char *close)
{
    int in = 1;
    if (p[1] == '^') {
        in = 0;
        p++;
    }
    for (p++; p < close; p++) {
        if (*p == '%') {
            p++;
            if (class_has(c, (unsigned char)*p))
                return in;
        } else if (p[1] == '-' && p + 2 < close) {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
                return in;
            p += 2;
        } else if ((unsigned char)*p == c) {
            return in;
        }
    }
    return !in;
}

/* Does the item p..ep match the character at s? */
static int item_matches(const struct pm *m, const char *s, const char *p, const char *ep)
{
    int c;
    if (s >= m->s_end)
        return 0;
    c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case '%': return class_has(c, (unsigned char)p[1]);
    case '[': return set_has(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

/* ---- the matcher ----------------------------------------------------------- */

static const char *do_match(struct pm *m, const char *s, const char *p);

/* x* and x+: take as many as possible, then give back one at a time. */
static const char *greedy(struct pm *m, const char *s, const char *p, const char *ep)
{
    ptrdiff_t n = 0;
    while (item_matches(m, s + n, p, ep)) {
        STEP(m);
        n++;
    }
    for (; n >= 0; n--) {
        const char *r;
        STEP(m);
        r = do_match(m, s + n, ep + 1);
        if (r)
            return r;
    }
    return NULL;
}

/* x-: try the rest first, take one more x only when the rest fails. */
static const char *lazy(struct pm *m, const char *s, const char *p, const char *ep)
{
    for (;;) {
        const char *r;
        STEP(m);
        r = do_match(m, s, ep + 1);
        if (r)
            return r;
        if (!item_matches(m, s, p, ep))
            return NULL;
        s++;
    }
}

static const char *open_capture(struct pm *m, const char *s, const char *p, ptrdiff_t what)
{
    const char *r;
    if (m->ncap >= MAX_CAPTURES)
        fail(m, "too many captures");
    m->cap[m->ncap].at = s;
    m->cap[m->ncap].len = what;
    m->ncap++;
    r = do_match(m, s, p);
    if (!r)
        m->ncap--; /* undo on backtrack */
    return r;
}

static const char *close_capture(struct pm *m, const char *s, const char *p)
{
    int i;
    const char *r;
    for (i = m->ncap - 1; i >= 0 && m->cap[i].len != CAP_OPEN; i--)
        ;
    if (i < 0)
        fail(m, "invalid pattern capture");
    m->cap[i].len = s - m->cap[i].at;
    r = do_match(m, s, p);
    if (!r)
        m->cap[i].len = CAP_OPEN;
    return r;
}

/* %bxy at p (p points at x): a balanced x...y run starting at s. */
static const char *balance(struct pm *m, const char *s, const char *p)
{
    int open, close, level = 1;
    if (p >= m->p_end - 1)
        fail(m, "malformed pattern (missing arguments to '%b')");
    if (s >= m->s_end || *s != *p)
        return NULL;
    open = (unsigned char)p[0];
    close = (unsigned char)p[1];
    while (++s < m->s_end) {
        int c = (unsigned char)*s;
        STEP(m);
        if (c == close) {
            if (--level == 0)
                return s + 1;
        } else if (c == open) {
            level++;
        }
    }
    return NULL;
}

/* The index of capture %d (d is the digit character), checked. */
static int capture_index(struct pm *m, int d)
{
    int i = d - '1';
    if (i < 0 || i >= m->ncap || m->cap[i].len == CAP_OPEN)
        fail_index(m, i + 1);
    return i;
}

/* %1..%9: the same text as an earlier capture. */
static const char *backref(struct pm *m, const char *s, int d)
{
    int i = capture_index(m, d);
    size_t len = (size_t)m->cap[i].len;
    if ((size_t)(m->s_end - s) >= len && memcmp(m->cap[i].at, s, len) == 0)
        return s + len;
    return NULL;
}

/* %f[set]: the previous character is not in set and the current one is (the
 * subject's ends count as '\0'). p points after "%f". */
static const char *frontier(struct pm *m, const char *s, const char *p)
{
    const char *ep;
    int prev, cur;
    if (*p != '[')
        fail(m, "missing '[' after '%f' in pattern");
    ep = item_end(m, p);
    prev = s == m->s0 ? 0 : (unsigned char)s[-1];
    cur = s < m->s_end ? (unsigned char)*s : 0;
    if (!set_has(prev, p, ep - 1) && set_has(cur, p, ep - 1))
        return ep;
    return NULL;
}

/* Matches pattern p against the subject from s; the end of the match or NULL.
 * Straight-line items loop here; alternatives recurse (depth-limited). */
static const char *do_match(struct pm *m, const char *s, const char *p)
{
    const char *r = NULL, *ep;
    if (m->depth-- == 0)
        fail(m, "pattern too complex");
    while (s) {
        STEP(m);
        if (p >= m->p_end) {
            r = s;
            break;
        }
        if (*p == '(') {
            if (p + 1 < m->p_end && p[1] == ')')
                r = open_capture(m, s, p + 2, CAP_POS);
            else
                r = open_capture(m, s, p + 1, CAP_OPEN);
            break;
        }
        if (*p == ')') {
            r = close_capture(m, s, p + 1);
            break;
        }
        if (*p == '$' && p + 1 == m->p_end) {
            r = s == m->s_end ? s : NULL;
            break;
        }
        if (*p == '%' && p + 1 < m->p_end) {
            if (p[1] == 'b') {
                s = balance(m, s, p + 2);
                p += 4;
                continue;
            }
            if (p[1] == 'f') {
                const char *next = frontier(m, s, p + 2);
                if (!next)
                    s = NULL;
                p = next;
                continue;
            }
            if (isdigit((unsigned char)p[1])) {
                s = backref(m, s, (unsigned char)p[1]);
                p += 2;
                continue;
            }
        }
        /* A single-character item, perhaps with a quantifier. */
        ep = item_end(m, p);
        if (!item_matches(m, s, p, ep)) {
            if (ep < m->p_end && (*ep == '*' || *ep == '?' || *ep == '-')) {
                p = ep + 1; /* zero repetitions are fine */
                continue;
            }
            s = NULL;
            continue;
        }
        if (ep < m->p_end && *ep == '?') {
            r = do_match(m, s + 1, ep + 1);
            if (r)
                break;
            p = ep + 1;
            continue;
        }
        if (ep < m->p_end && *ep == '+') {
            r = greedy(m, s + 1, p, ep);
            break;
        }
        if (ep < m->p_end && *ep == '*') {
            r = greedy(m, s, p, ep);
            break;
        }
        if (ep < m->p_end && *ep == '-') {
            r = lazy(m, s, p, ep);
            break;
        }
        s++;
        p = ep;
    }
    m->depth++;
    return r;
}

/* ---- pushing results ------------------------------------------------------- */

/* Pushes capture i; with no captures at all, i == 0 is the whole match s..e. */
static void push_capture(struct pm *m, int i, const char *s, const char *e)
{
    if (i >= m->ncap) {
        if (i != 0)
            fail_index(m, i + 1);
        lua_pushlstring(m->L, s, (size_t)(e - s));
        return;
    }
    if (m->cap[i].len == CAP_OPEN)
        fail(m, "unfinished capture");
    if (m->cap[i].len == CAP_POS)
        lua_pushinteger(m->L, (m->cap[i].at - m->s0) + 1);
    else
        lua_pushlstring(m->L, m->cap[i].at, (size_t)m->cap[i].len);
}

/* Pushes all captures (or the whole match when there are none and s is set). */
static int push_captures(struct pm *m, const char *s, const char *e)
{
    int i, n = (m->ncap == 0 && s) ? 1 : m->ncap;
    luaL_checkstack(m->L, n, "too many captures");
    for (i = 0; i < n; i++)
        push_capture(m, i, s, e);
    return n;
}

/* ---- the library functions ------------------------------------------------- */

/* Lua 5.4's rule for init: negative counts from the end, 0 and too-negative
 * mean 1. Returns a 1-based position (may exceed len + 1). */
static size_t start_pos(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len)
        return 1;
    return len + (size_t)pos + 1;
}

/* Plain substring search; NULL when absent. */
static const char *find_plain(const char *s, size_t ls, const char *p, size_t lp)
{
    const char *end;
    if (lp == 0)
        return s;
    if (lp > ls)
        return NULL;
    end = s + (ls - lp);
    while (s <= end) {
        const char *hit = memchr(s, *p, (size_t)(end - s) + 1);
        if (!hit)
            return NULL;
        if (memcmp(hit + 1, p + 1, lp - 1) == 0)
            return hit;
        s = hit + 1;
    }
    return NULL;
}

/* Like Lua: any special character, also after an embedded '\0', means a pattern. */
static int has_specials(const char *p, size_t lp)
{
    size_t i;
    for (i = 0; i < lp; i++)
        if (p[i] != '\0' && strchr(SPECIALS, p[i]))
            return 1;
    return 0;
}

static int find_or_match(lua_State *L, int find)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_pos(luaL_optinteger(L, 3, 1), ls) - 1;
    struct pm m;
    const char *at;
    int anchored;
    if (init > ls) {
        lua_pushnil(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        at = find_plain(s + init, ls - init, p, lp);
        if (!at) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)(at - s) + 1);
        lua_pushinteger(L, (lua_Integer)(at - s + (ptrdiff_t)lp));
        return 2;
    }
    anchored = lp > 0 && *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    pm_init(&m, L, s, ls, p, lp);
    at = s + init;
    do {
        const char *e;
        pm_reset(&m);
        e = do_match(&m, at, p);
        if (e) {
            pm_done(&m);
            if (!find)
                return push_captures(&m, at, e);
            lua_pushinteger(L, (lua_Integer)(at - s) + 1);
            lua_pushinteger(L, (lua_Integer)(e - s));
            return push_captures(&m, NULL, NULL) + 2;
        }
        STEP(&m);
    } while (at++ < m.s_end && !anchored);
    pm_done(&m);
    lua_pushnil(L);
    return 1;
}

static int l_find(lua_State *L) { return find_or_match(L, 1); }
static int l_match(lua_State *L) { return find_or_match(L, 0); }

/* gmatch's iterator. Upvalues: budget, subject, pattern, next position
 * (0-based), end of the last match (0-based, -1 for none). Plain values, not
 * a userdata: the sandbox keeps full userdata for its evidence proxies. */
static int gmatch_step(lua_State *L)
{
    size_t ls, lp;
    const char *s = lua_tolstring(L, lua_upvalueindex(2), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(3), &lp);
    lua_Integer pos = lua_tointeger(L, lua_upvalueindex(4));
    lua_Integer last = lua_tointeger(L, lua_upvalueindex(5));
    struct pm m;
    const char *at;
    pm_init(&m, L, s, ls, p, lp);
    for (at = s + pos; at <= m.s_end; at++) {
        const char *e;
        pm_reset(&m);
        e = do_match(&m, at, p);
        if (e && (last < 0 || e != s + last)) {
            lua_pushinteger(L, (lua_Integer)(e - s));
            lua_copy(L, -1, lua_upvalueindex(4));
            lua_replace(L, lua_upvalueindex(5));
            pm_done(&m);
            return push_captures(&m, at, e);
        }
        STEP(&m);
    }
    pm_done(&m);
    lua_pushinteger(L, (lua_Integer)ls + 1);
    lua_replace(L, lua_upvalueindex(4)); /* exhausted: stay exhausted */
    return 0;
}

static int l_gmatch(lua_State *L)
{
    size_t ls;
    luaL_checklstring(L, 1, &ls);
    luaL_checkstring(L, 2);
    size_t init = start_pos(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls)
        init = ls + 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushinteger(L, (lua_Integer)init);
    lua_pushinteger(L, -1);
    lua_pushcclosure(L, gmatch_step, 5);
    return 1;
}

/* gsub: appends the replacement string for the match s..e, with %0-%9 and %%. */
static void add_template(struct pm *m, luaL_Buffer *b, const char *s, const char *e)
{
    size_t lr;
    const char *r = lua_tolstring(m->L, 3, &lr);
    const char *r_end = r + lr;
    while (r < r_end) {
        const char *pct = memchr(r, '%', (size_t)(r_end - r));
        if (!pct) {
            luaL_addlstring(b, r, (size_t)(r_end - r));
            return;
        }
        luaL_addlstring(b, r, (size_t)(pct - r));
        r = pct + 1; /* the string is NUL-ended, so r[0] is readable */
        if (*r == '%') {
            luaL_addchar(b, '%');
        } else if (isdigit((unsigned char)*r)) {
            if (*r == '0') {
                luaL_addlstring(b, s, (size_t)(e - s));
            } else {
                push_capture(m, *r - '1', s, e);
                luaL_tolstring(m->L, -1, NULL); /* a position capture becomes text */
                lua_remove(m->L, -2);
                luaL_addvalue(b);
            }
        } else {
            fail(m, "invalid use of '%' in replacement string");
        }
        r++;
    }
}

/* gsub: appends the replacement for s..e given by a table or a function; a
 * false or nil result keeps the original text. */
static void add_replacement(struct pm *m, luaL_Buffer *b, const char *s, const char *e, int kind)
{
    lua_State *L = m->L;
    book(m); /* the callback or __index may raise, or call us again */
    if (kind == LUA_TFUNCTION) {
        int n;
        lua_pushvalue(L, 3);
        n = push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (kind == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_template(m, b, s, e);
        return;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return;
    }
    if (!lua_isstring(L, -1))
        fail(m, lua_pushfstring(L, "invalid replacement value (a %s)", luaL_typename(L, -1)));
    luaL_addvalue(b);
}

static int l_gsub(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *last = NULL, *at = s;
    int kind = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1), n = 0;
    int anchored = lp > 0 && *p == '^';
    struct pm m;
    luaL_Buffer b;
    luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION ||
                            kind == LUA_TTABLE,
                     3, "string/function/table");
    luaL_buffinit(L, &b);
    if (anchored) {
        p++;
        lp--;
    }
    pm_init(&m, L, s, ls, p, lp);
    while (n < max) {
        const char *e;
        STEP(&m);
        pm_reset(&m);
        e = do_match(&m, at, p);
        if (e && e != last) {
            n++;
            add_replacement(&m, &b, at, e, kind);
            at = last = e;
        } else if (at < m.s_end) {
            luaL_addchar(&b, *at++);
        } else {
            break;
        }
        if (anchored)
            break;
    }
    pm_done(&m);
    luaL_addlstring(&b, at, (size_t)(m.s_end - at));
    luaL_pushresult(&b);
    lua_pushinteger(L, n);
    return 2;
}

void luapattern_install_budget(lua_State *L, int string_table_index, long per_call, long long per_state)
{
    static const luaL_Reg fns[] = {
        {"find", l_find}, {"match", l_match}, {"gmatch", l_gmatch}, {"gsub", l_gsub}, {NULL, NULL},
    };
    const luaL_Reg *f;
    int t = lua_absindex(L, string_table_index);
    struct meter *meter;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &meter_key) == LUA_TNIL) {
        meter = lua_newuserdatauv(L, sizeof *meter, 0);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &meter_key);
    } else {
        meter = lua_touserdata(L, -1);
    }
    lua_pop(L, 1);
    meter->left = per_state;
    meter->tripped = 0;
    for (f = fns; f->name; f++) {
        lua_pushinteger(L, (lua_Integer)per_call);
        lua_pushcclosure(L, f->func, 1);
        lua_setfield(L, t, f->name);
    }
}

void luapattern_install(lua_State *L, int string_table_index)
{
    luapattern_install_budget(L, string_table_index, LUAPATTERN_STEP_BUDGET, LUAPATTERN_STATE_BUDGET);
}

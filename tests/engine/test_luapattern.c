/* Differential test of luapattern against Lua 5.4's own string library: the
 * same calls run in a plain state (luaL_openlibs) and in a state where
 * luapattern_install replaced find/match/gmatch/gsub; results and error
 * messages must be identical. Then seeded random patterns, then the budget:
 * the catastrophic-backtracking case must stop quickly with the budget error. */
#define _POSIX_C_SOURCE 200809L
#include "test.h"

#include "engine/luapattern.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>
#include <time.h>

/* Runs in both states: RUN(op, ...) serialises pcall(op, ...) to one string. */
static const char *const harness[] = {
    "local function ser(...)\n"
    "  local t = {}\n"
    "  for i = 1, select('#', ...) do\n"
    "    local v = select(i, ...)\n"
    "    t[#t + 1] = type(v) .. ':' .. (type(v) == 'string' and string.format('%q', v) or tostring(v))\n"
    "  end\n"
    "  return table.concat(t, '|')\n"
    "end\n"
    "local ops = {}\n"
    "function ops.find(s, p, i) return string.find(s, p, i) end\n"
    "function ops.findplain(s, p, i) return string.find(s, p, i, true) end\n"
    "function ops.match(s, p, i) return string.match(s, p, i) end\n"
    "function ops.mfind(s, p, i) return s:find(p, i) end\n"
    "function ops.mmatch(s, p, i) return s:match(p, i) end\n"
    "function ops.gmatch(s, p, i)\n"
    "  local out, n = {}, 0\n"
    "  for a, b, c in string.gmatch(s, p, i) do\n"
    "    n = n + 1; out[#out + 1] = ser(a, b, c)\n"
    "    if n > 60 then break end\n"
    "  end\n"
    "  return n .. '#' .. table.concat(out, ';')\n"
    "end\n"
    "function ops.mgmatch(s, p)\n"
    "  local out = {}\n"
    "  for a in s:gmatch(p) do out[#out + 1] = ser(a); if #out > 60 then break end end\n"
    "  return table.concat(out, ';')\n"
    "end\n"
    "function ops.gsub(s, p, r, n) return string.gsub(s, p, r, n) end\n"
    "function ops.mgsub(s, p, r) return s:gsub(p, r) end\n"
    "local T = { a = 'X', b = false, ['1'] = 'one', c = {}, d = 42, [''] = 'E', ab = 'AB' }\n"
    "function ops.gsubt(s, p, n) return string.gsub(s, p, T, n) end\n"
    "function ops.gsubf(s, p, n)\n"
    "  return string.gsub(s, p, function(...)\n"
    "    if select('#', ...) == 3 then return nil end\n"
    "    if (...) == 'c' then return false end\n"
    "    if (...) == 'd' then return {} end\n"
    "    if (...) == 'e' then return 7 end\n"
    "    return '<' .. ser(...) .. '>'\n"
    "  end, n)\n"
    "end\n"
    "function ops.gsubnum(s, p) return string.gsub(s, p, 5) end\n"
    "function ops.badarg(s, p) return string.gsub(s, p, true) end\n"
    "function ops.notstr() return string.find({}, 'a') end\n"
    "function ops.numsubj() return string.find(12345, '3(4)') end\n"
    "function RUN(op, ...) return ser(pcall(ops[op], ...)) end\n"
    "local function T_(op, s, p, x, y) return { op, s, p, x, y } end\n"
    "CASES = {\n"
    /* basics, classes, sets */
    "  T_('find', 'hello world', 'o w'), T_('find', 'hello world', 'l+'), T_('find', 'hello', ''),\n"
    "  T_('find', '', ''), T_('find', '', 'a'), T_('find', '', '.*'), T_('match', '', '.-'),\n"
    "  T_('find', 'hello', '', 10), T_('find', 'hello', '', 6), T_('find', 'hello', '', 7),\n",
    "  T_('find', 'hello', 'l', -2), T_('find', 'hello', 'l', -100), T_('find', 'hello', 'h', 0),\n"
    "  T_('match', 'hello', '.', 6), T_('match', 'hello', '()', 6), T_('match', 'hello', '()', 7),\n"
    "  T_('match', 'key = value', '(%w+)%s*=%s*(%w+)'), T_('match', 'A1 b2_C3', '%a%d'),\n"
    "  T_('match', 'x\\1y', '%c'), T_('match', 'ab12', '%D+'), T_('match', ' \\t\\nz', '%S'),\n"
    "  T_('match', 'aBc', '%u'), T_('match', 'aBc', '%l+'), T_('match', 'a.b,c', '%p'),\n"
    "  T_('match', 'a.b,c', '%P+'), T_('match', 'deadBEEFx', '%x+'), T_('match', 'ab cd', '%g+'),\n"
    "  T_('match', '_ab9', '%w+'), T_('match', '_ab9', '%W'), T_('match', 'a\\0b', '%z'),\n"
    "  T_('match', 'a\\0b', '[%z]'), T_('match', 'a\\0b', '%Z+'),\n"
    "  T_('match', 'abc-def', '[a-c]+'), T_('match', 'abc-def', '[^a-c]+'), T_('match', 'a-b', '[a%-]+'),\n"
    "  T_('match', ']]x', '[]]+'), T_('match', '^^x', '[^^]'), T_('match', 'a^b', '[b^]+'),\n"
    "  T_('match', 'x-y', '[x-]+'), T_('match', 'x-y', '[-x]+'), T_('match', 'a1_', '[%d_]+'),\n"
    "  T_('match', 'a1_', '[^%a]+'), T_('match', 'ab%', '[%%]'), T_('match', 'ab]', '[%]]'),\n"
    "  T_('match', 'a.b', '%.'), T_('match', 'a+b', 'a%+b'), T_('match', 'a(b)', '%((%a)%)'),\n"
    "  T_('match', 'a$b', 'a$b'), T_('match', 'a$', 'a$'), T_('match', 'ab', 'a$'), T_('match', 'x^y', 'x^y'),\n"
    "  T_('match', '\\200\\255', '[\\128-\\255]+'), T_('match', '\\200', '.'),\n"
    /* quantifiers */
    "  T_('match', 'aaab', 'a*'), T_('match', 'aaab', 'a-'), T_('match', 'aaab', 'a-b'),\n"
    "  T_('match', 'aaab', 'a+'), T_('match', 'b', 'a+'), T_('match', 'ab', 'a?b'), T_('match', 'b', 'a?b'),\n"
    "  T_('match', 'aab', 'a?ab'), T_('match', '<a><b>', '<.*>'), T_('match', '<a><b>', '<.->'),\n"
    "  T_('match', 'xay', '.-a'), T_('match', 'abc', '.-$'), T_('match', 'abc', 'a*?'),\n"
    "  T_('match', 'a*', 'a%*'), T_('match', '*a', '*a'), T_('match', '+a', '+a'), T_('match', '-a', '-a'),\n"
    "  T_('match', '?a', '?a'), T_('match', 'aaa', 'a-$'),\n"
    /* anchors */
    "  T_('find', 'abab', '^ab'), T_('find', 'abab', '^b'), T_('find', 'abab', '^ab', 3),\n"
    "  T_('find', 'abab', '^ab', 2), T_('match', 'abab', '^(ab)$'), T_('match', 'ab', '^(ab)$'),\n"
    "  T_('find', 'ab', '^'), T_('find', 'ab', '$'), T_('find', 'ab', '^$'), T_('find', '', '^$'),\n"
    "  T_('find', 'a^', '^^'), T_('match', '$$', '$$'), T_('match', 'a', '^a^'),\n"
    /* captures */
    "  T_('match', 'hello', '()ll()'), T_('find', 'hello', '()ll()'), T_('match', 'hello', '(h)(e)(l)(l)(o)'),\n",
    "  T_('match', 'hello', '((h)(e))'), T_('match', 'hello', '(h(e(l)))'), T_('match', 'hello', 'h()'),\n"
    "  T_('match', 'hello', '(.-)$'), T_('match', 'hello', '(x?)'), T_('match', '', '()'),\n"
    "  T_('find', 'hello', '(l)(l)', -3), T_('match', 'abc', '(a)(b)(c)()'),\n"
    "  T_('match', 'abab', '(ab)%1'), T_('match', 'abba', '(a)(b)%2%1'), T_('match', 'aXa', '(.).%1'),\n"
    "  T_('match', 'xx', '()%1'), T_('match', 'say \"hi\" ok', '([\"\\'])(.-)%1'),\n"
    "  T_('match', 'aa', '(a%1)'), T_('match', 'aa', '%1'), T_('match', 'aa', '(a)%2'), T_('match', 'aa', '(a)%0'),\n"
    "  T_('match', 'a', '(a'), T_('match', 'a', 'a)'), T_('find', 'a', '(a'), T_('find', 'a', '(()'),\n"
    "  T_('match', 'a', '(()'), T_('match', 'b', '(a'), T_('match', 'a', '(a)(a'),\n"
    "  T_('match', string.rep('a', 40), string.rep('(a)', 32)), T_('match', string.rep('a', 40), string.rep('(a)', 33)),\n"
    "  T_('match', string.rep('a', 300), string.rep('a?', 300)), T_('match', string.rep('a', 300), string.rep('a', 300)),\n"
    "  T_('match', 'ab', string.rep('(', 150) .. 'a' .. string.rep(')', 150)),\n"
    /* %b and %f */
    "  T_('match', 'f(a(b)c) x', '%b()'), T_('match', 'f(a(b c', '%b()'), T_('match', 'x)', '%b()'),\n"
    "  T_('match', '[[x]]', '%b[]'), T_('match', 'aab', '%baa'), T_('match', 'abab', '%bab'),\n"
    "  T_('match', 'x', '%b'), T_('match', 'x', '%bx'), T_('match', '(x)y', '%b()y'), T_('match', '(x)y', '(%b())'),\n"
    "  T_('gsub', 'THE (quick) fox', '%f[%a]%a+', 'W'), T_('match', 'hello', '%f[%l]%l+'),\n"
    "  T_('find', 'the cat', '%f[%a]%a'), T_('find', 'abc', '%f[%z]'), T_('find', 'abc', '%f[%Z]'),\n"
    "  T_('find', 'abc', '%f[^%z]'), T_('find', '', '%f[%a]'), T_('find', 'ab', '%f[%A]'),\n"
    "  T_('find', 'x', '%f'), T_('find', 'x', '%fa'), T_('find', 'x', '%f[a'), T_('find', 'x', '%f[]'),\n"
    /* malformed */
    "  T_('find', 'x', '%'), T_('find', 'x', 'a%'), T_('find', 'x', '['), T_('find', 'x', '[a'),\n"
    "  T_('find', 'x', '[^'), T_('find', 'x', '[%'), T_('find', 'x', '[%]'), T_('find', 'x', '[]'),\n"
    "  T_('find', 'x', '[^]'), T_('find', '', '['), T_('match', 'x', 'x['), T_('match', 'y', 'x[a'),\n"
    "  T_('find', 'x', ')'), T_('find', 'x', '%1'), T_('gmatch', 'x', '%'), T_('gsub', 'x', '[', 'a'),\n"
    /* plain find and embedded zeros */
    "  T_('findplain', 'a.b', '.'), T_('findplain', 'a.b', '.', 3), T_('findplain', 'a.b', ''),\n"
    "  T_('findplain', 'a.b', '', 4), T_('findplain', 'a.b', '', 5), T_('findplain', 'a', 'ab'),\n"
    "  T_('findplain', 'a%b', '%'), T_('findplain', 'aaab', 'aab'), T_('find', 'a\\0b.c', '\\0b.'),\n",
    "  T_('find', 'a\\0b.c', 'b.'), T_('find', 'a\\0bc', '\\0b'), T_('match', 'a\\0b', '.%z?(.)'),\n"
    "  T_('mfind', 'x', 'x'), T_('mmatch', 'key=val', '(%w+)=(%w+)'), T_('mfind', 'abc', 'c', -1),\n"
    /* gmatch */
    "  T_('gmatch', 'abc', ''), T_('gmatch', 'abc', '', 2), T_('gmatch', 'abc', '', 4), T_('gmatch', 'abc', '', 5),\n"
    "  T_('gmatch', 'abc', '', 10), T_('gmatch', 'abc', '', -1), T_('gmatch', 'abc', '', -10),\n"
    "  T_('gmatch', 'hello world from lua', '%a+'), T_('gmatch', 'k1=v1, k2=v2', '(%w+)=(%w+)'),\n"
    "  T_('gmatch', 'abc', '()'), T_('gmatch', 'abc', '.-'), T_('gmatch', 'abc', 'a*'), T_('gmatch', 'aXbX', '^.'),\n"
    "  T_('gmatch', '^a^b', '^.'), T_('gmatch', 'one two', '%a*'), T_('gmatch', 'a,b,,c', '([^,]*)'),\n"
    "  T_('gmatch', '', ''), T_('gmatch', '', 'a'), T_('gmatch', 'abc', '(a)(b)(c)()'), T_('gmatch', 'x', '(x'),\n"
    "  T_('mgmatch', 'a b c', '%a'), T_('gmatch', 'aaa', 'a-', 2),\n"
    /* gsub: templates, anchors, max n */
    "  T_('gsub', 'hello world', 'o', '0'), T_('gsub', 'hello world', '(o)', '[%1]'), T_('gsub', 'hello', '', '-'),\n"
    "  T_('gsub', 'hello', 'l', '%0%0'), T_('gsub', 'hello', 'l', '%%'), T_('gsub', 'hello', 'l', '%1'),\n"
    "  T_('gsub', 'hello', 'l', '%2'), T_('gsub', 'hello', '(l)', '%2'), T_('gsub', 'hello', 'l', '%x'),\n"
    "  T_('gsub', 'hello', 'l', 'a%'), T_('gsub', 'hello', '()l', '%1'), T_('gsub', 'hello', '(h)(e)', '%2%1'),\n"
    "  T_('gsub', 'hello', 'l', 'L', 1), T_('gsub', 'hello', 'l', 'L', 0), T_('gsub', 'hello', 'l', 'L', -1),\n"
    "  T_('gsub', 'hello', '^h', 'H'), T_('gsub', 'hello', '^l', 'L'), T_('gsub', 'hello', '^', '>'),\n"
    "  T_('gsub', 'hello', '$', '<'), T_('gsub', 'hello', '^$', '!'), T_('gsub', '', '^$', '!'),\n"
    "  T_('gsub', 'abc', '%w', '%0%0'), T_('gsub', 'abc', '.-', '-'), T_('gsub', 'abc', 'x*', '-'),\n"
    "  T_('gsub', 'a b', '%s*', '_'), T_('gsub', 'hello', '(l)(l', 'x'), T_('gsub', 'x', 'x', '%\\0'),\n"
    "  T_('gsub', 'abc', 'b', 'a\\0c'), T_('mgsub', 'abc', 'b', 'B'), T_('gsubnum', 'abc', 'b'),\n"
    "  T_('gsubt', 'a b c d ab', '%a+'), T_('gsubt', 'a b c d', '(%a)'), T_('gsubt', '1 x', '%d'),\n"
    "  T_('gsubt', 'xyz', ''), T_('gsubt', 'a b', '()'), T_('gsubt', 'a b a', '%a', 1),\n"
    "  T_('gsubf', 'a b c d e f', '%a'), T_('gsubf', 'a=1, b=2', '(%w+)=(%w+)'), T_('gsubf', 'abc', '(a)(b)(c)'),\n"
    "  T_('gsubf', 'abc', '()'), T_('gsubf', 'abc', ''), T_('gsubf', 'hello', 'l', 1),\n"
    "  T_('badarg', 'a', 'a'), T_('notstr'), T_('numsubj'), T_('gsub', 'a', 'a'), T_('gsub', 'a', 'a', 'b', 'x'),\n",
    "  T_('find', 'a', 'a', 'x'), T_('find', 'a', 'a', 1.5), T_('find', 'a', nil),\n"
    "}\n",
    NULL,
};

static lua_State *new_state(int mine, long budget, long long total)
{
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (mine) {
        lua_getglobal(L, "string");
        luapattern_install_budget(L, -1, budget, total);
        lua_pop(L, 1);
    }
    luaL_Buffer b;
    size_t i;
    luaL_buffinit(L, &b);
    for (i = 0; harness[i]; i++)
        luaL_addstring(&b, harness[i]);
    luaL_pushresult(&b);
    if (luaL_dostring(L, lua_tostring(L, -1)) != LUA_OK) {
        printf("not ok - harness: %s\n", lua_tostring(L, -1));
        exit(1);
    }
    lua_settop(L, 0);
    return L;
}

/* Calls RUN(op, args...) with the args on the stack of neither state: each
 * arg is (pointer, length) or a NULL pointer for nil. Returns a copy. */
struct arg {
    const char *s;
    size_t n;
    int is_int;
    lua_Integer i;
};

static char *run(lua_State *L, const char *op, const struct arg *a, int na)
{
    int i;
    char *r;
    lua_getglobal(L, "RUN");
    lua_pushstring(L, op);
    for (i = 0; i < na; i++) {
        if (a[i].is_int)
            lua_pushinteger(L, a[i].i);
        else if (a[i].s)
            lua_pushlstring(L, a[i].s, a[i].n);
        else
            lua_pushnil(L);
    }
    if (lua_pcall(L, na + 1, 1, 0) != LUA_OK)
        return strdup(lua_tostring(L, -1));
    r = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return r;
}

static int compared, differed;

static void compare(lua_State *ref, lua_State *mine, const char *op, const struct arg *a, int na,
                    const char *label)
{
    char *x = run(ref, op, a, na), *y = run(mine, op, a, na);
    compared++;
    if (strcmp(x, y) != 0) {
        differed++;
        if (differed <= 20)
            printf("# differs: %s %s\n#   lua : %s\n#   mine: %s\n", op, label, x, y);
    }
    free(x);
    free(y);
}

static void table_cases(lua_State *ref, lua_State *mine)
{
    lua_Integer i, n;
    lua_getglobal(ref, "CASES");
    n = (lua_Integer)lua_rawlen(ref, -1);
    CHECK(n > 200);
    for (i = 1; i <= n; i++) {
        char code[128];
        char *x, *y;
        snprintf(code, sizeof code,
                 "local c = CASES[%lld] return RUN(c[1], c[2], c[3], c[4], c[5]), c[1], c[2], c[3]",
                 (long long)i);
        if (luaL_dostring(ref, code) != LUA_OK || luaL_dostring(mine, code) != LUA_OK) {
            CHECK(!"case runs");
            continue;
        }
        x = strdup(lua_tostring(ref, -4));
        y = strdup(lua_tostring(mine, -4));
        compared++;
        if (strcmp(x, y) != 0) {
            differed++;
            printf("# case %lld differs: %s(%s, %s)\n#   lua : %s\n#   mine: %s\n", (long long)i,
                   lua_tostring(ref, -3), lua_tostring(ref, -2), lua_tostring(ref, -1), x, y);
        }
        CHECK(strcmp(x, y) == 0);
        free(x);
        free(y);
        lua_pop(ref, 4);
        lua_pop(mine, 4);
    }
    lua_pop(ref, 1);
}

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void random_cases(lua_State *ref, lua_State *mine, int count)
{
    static const char *const tok[] = {
        "a", "b", "c", ".", "%a", "%d", "%s", "%w", "%p", "%A", "%S", "[ab]", "[^a]", "[a-c]", "[%a_]",
        "[]", "*", "+", "-", "?", "(", ")", "()", "%1", "%2", "^", "$", "%b()", "%bab", "%f[%w]",
        "%f[a]", "%", "[", "]", "%z", "%.", "%(", " ", "x", "1", "a*", "b-", ".-", ".*", "(a)", "(.)",
    };
    static const char alpha[] = "aabbc(). x1-_A";
    static const char *const ops[] = {"find", "match", "gmatch", "gsub", "gsubf", "gsubt"};
    static const char *const repl[] = {"<%0>", "%1", "%2%1", "-", "%%", "%"};
    int k;
    for (k = 0; k < count; k++) {
        char pat[64] = "", subj[16];
        struct arg a[4];
        int i, nt = (int)rnd(6), ns = (int)rnd(10);
        const char *op = ops[rnd(6)];
        for (i = 0; i < nt; i++)
            strcat(pat, tok[rnd(sizeof tok / sizeof tok[0])]);
        for (i = 0; i < ns; i++)
            subj[i] = alpha[rnd(sizeof alpha - 1)];
        subj[ns] = '\0';
        memset(a, 0, sizeof a);
        a[0].s = subj;
        a[0].n = (size_t)ns;
        a[1].s = pat;
        a[1].n = strlen(pat);
        if (strcmp(op, "gsub") == 0) {
            a[2].s = repl[rnd(6)];
            a[2].n = strlen(a[2].s);
            a[3].is_int = rnd(3) == 0;
            a[3].i = (lua_Integer)rnd(4);
        } else {
            a[2].is_int = rnd(2);
            a[2].i = (lua_Integer)rnd(14) - 6;
        }
        compare(ref, mine, op, a, 4, pat);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = s ? strlen(s) : 0, k = strlen(tail);
    if (!s)
        return 0;
    return n >= k && strcmp(s + n - k, tail) == 0;
}

/* The hang: every form of it must stop with the budget error, fast. */
static void budget_cases(void)
{
    lua_State *mine;
    static const char *const hang[] = {
        "return pcall(string.find, ('a'):rep(5000), '.-.-.-.-.-.-b')",
        "return pcall(function() return ('a'):rep(5000):find('.-.-.-.-.-.-b') end)",
        "return pcall(function() return ('a'):rep(5000):match('.-.-.-.-.-.-b') end)",
        "return pcall(function() return ('a'):rep(5000):gsub('.-.-.-.-.-.-b', 'x') end)",
        "return pcall(function() for _ in ('a'):rep(5000):gmatch('.-.-.-.-.-.-b') do end end)",
        "return pcall(string.match, ('a'):rep(3000), ('a*'):rep(8) .. 'b')",
        "return pcall(string.find, ('a'):rep(30), ('a?'):rep(30) .. ('a'):rep(30) .. 'b')",
    };
    size_t i;
    for (i = 0; i < sizeof hang / sizeof hang[0]; i++) {
        double t0, took;
        mine = new_state(1, LUAPATTERN_STEP_BUDGET, LUAPATTERN_STATE_BUDGET);
        t0 = now();
        CHECK(luaL_dostring(mine, hang[i]) == LUA_OK);
        took = now() - t0;
        CHECK(lua_toboolean(mine, -2) == 0);
        CHECK(ends_with(lua_tostring(mine, -1), LUAPATTERN_BUDGET_MSG));
        CHECK(took < 5.0);
        printf("# budget case %zu stopped in %.3f s\n", i, took);
        lua_settop(mine, 0);
        /* Tripped: a retry fails at once instead of spending another budget. */
        t0 = now();
        CHECK(luaL_dostring(mine, "for i = 1, 1000 do pcall(string.find, ('a'):rep(5000), "
                                  "'.-.-.-.-.-.-b') end return pcall(string.find, 'abc', '.c')") == LUA_OK);
        CHECK(!lua_toboolean(mine, -2));
        CHECK(ends_with(lua_tostring(mine, -1), LUAPATTERN_BUDGET_MSG));
        CHECK(now() - t0 < 1.0);
        if (i + 1 < sizeof hang / sizeof hang[0])
            lua_close(mine);
    }
    /* The methods are the installed functions, not Lua's. */
    CHECK(luaL_dostring(mine, "return ('x').find == string.find and ('x').gsub == string.gsub") ==
          LUA_OK);
    CHECK(lua_toboolean(mine, -1));
    lua_close(mine);
}

/* A small budget stops even an ordinary long scan; a big one lets it finish. */
static void small_budget(void)
{
    lua_State *L = new_state(1, 1000, LUAPATTERN_STATE_BUDGET);
    CHECK(luaL_dostring(L, "return pcall(string.gsub, ('ab'):rep(10000), 'b', 'c')") == LUA_OK);
    CHECK(!lua_toboolean(L, -2));
    CHECK_STR(lua_tostring(L, -1), LUAPATTERN_BUDGET_MSG);
    CHECK(luaL_dostring(L, "return pcall(string.find, 'xyz', 'z')") == LUA_OK);
    CHECK(lua_toboolean(L, -2));
    lua_close(L);
    L = new_state(1, LUAPATTERN_STEP_BUDGET, LUAPATTERN_STATE_BUDGET);
    CHECK(luaL_dostring(L, "return select(2, string.gsub(('ab'):rep(100000), 'b', 'c'))") == LUA_OK);
    CHECK(lua_tointeger(L, -1) == 100000);
    lua_close(L);
}

/* The state's account: unspent steps come back (also after a pattern error),
 * and calls that each stay under the per-call budget still end together. */
static void state_budget(void)
{
    lua_State *L = new_state(1, 1000, 200000);
    CHECK(luaL_dostring(L, "local n = 0 for i = 1, 5000 do if string.find('abc', 'b') then n = n + 1 end "
                           "if not pcall(string.find, 'a', 'a[') then n = n + 1 end end return n") == LUA_OK);
    CHECK(lua_tointeger(L, -1) == 10000);
    CHECK(luaL_dostring(L, "local n = 0 while true do local ok, e = pcall(string.find, ('a'):rep(50), '.b') "
                           "if not ok then return n, e end n = n + 1 end") == LUA_OK);
    printf("# state budget: %lld calls of ~200 steps before it ended\n", (long long)lua_tointeger(L, -2));
    CHECK(lua_tointeger(L, -2) > 300 && lua_tointeger(L, -2) < 3000);
    CHECK(ends_with(lua_tostring(L, -1), LUAPATTERN_BUDGET_MSG));
    lua_close(L);
}

/* Check-like calls (ARNs, log lines): our matcher must stay close to Lua's.
 * The bound is loose because a sanitizer build instruments only our side. */
static double workload(lua_State *L)
{
    static const char code[] =
        "local s = 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef'\n"
        "local log = 'CannotPullContainerError: pull image manifest has been retried 5 time(s)'\n"
        "local t0, n = os.clock(), 0\n"
        "for i = 1, 20000 do\n"
        "  local r, a = s:match('^arn:aws:ecs:([%w-]+):(%d+):task/')\n"
        "  if s:find('task/', 1, true) then n = n + 1 end\n"
        "  local x = log:gsub('%s+', ' ')\n"
        "  for w in s:gmatch('[^/]+') do n = n + 1 end\n"
        "  if log:find('CannotPull%a+Error') then n = n + 1 end\n"
        "  if log:lower():find('no space left', 1, true) then n = n + 1 end\n"
        "  local k = log:match('retried (%d+) time')\n"
        "end\n"
        "return os.clock() - t0\n";
    double r;
    CHECK(luaL_dostring(L, code) == LUA_OK);
    r = lua_tonumber(L, -1);
    lua_settop(L, 0);
    return r;
}

static void speed(lua_State *ref, lua_State *mine)
{
    double a = workload(ref), b = workload(mine);
    printf("# workload: lua %.3f s, luapattern %.3f s (x%.2f)\n", a, b, a > 0 ? b / a : 0);
    CHECK(b < a * 6 + 0.05);
}

int main(void)
{
    lua_State *ref = new_state(0, 0, 0);
    lua_State *mine = new_state(1, LUAPATTERN_STEP_BUDGET, LUAPATTERN_STATE_BUDGET);
    table_cases(ref, mine);
    random_cases(ref, mine, 20000);
    printf("# %d comparisons, %d differences\n", compared, differed);
    CHECK(differed == 0);
    speed(ref, mine);
    budget_cases();
    small_budget();
    state_budget();
    lua_close(ref);
    lua_close(mine);
    return test_done();
}

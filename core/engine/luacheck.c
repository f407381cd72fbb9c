/* luacheck — see luacheck.h. */
#include "engine/luacheck.h"

#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/iam_eval.h"
#include "analysis/netpath.h"
#include "engine/luapattern.h"
#include "engine/textidx.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/shquote.h"
#include "util/strutil.h"
#include "util/textsafe.h"

#define HOOK_STEP 10000        /* VM instructions between budget checks */
#define DEADLINE_S 20.0        /* wall clock per call, for loops inside C calls' callers */
#define SCRIPT_MAX (1024 * 1024)

enum stop { STOP_NONE, STOP_BUDGET, STOP_MEM, STOP_DEADLINE };

struct luacheck {
    lua_State *L;
    size_t used, mem_max;
    int enforce;               /* the cap applies while check code runs */
    int mem_exceeded;
    long budget, executed;
    enum stop stopped;
    double deadline;
    char where[200];           /* position when the hook stopped the check */
    int ref;                   /* registry ref of the check table */
    unsigned gen;              /* run generation, stamped on proxies */
    int runs;                  /* runs so far: every run after the first reloads */
    char *display;
    struct edoc_ctx *ctx;      /* during a run */
    struct lstr_slot *lstr;    /* this run's long-string index (push_text) */
};

/* Registry keys (their addresses). */
static char cache_key, pin_key, mt_key, keys_key, strs_key;

static struct luacheck *LC(lua_State *L) { return *(struct luacheck **)lua_getextraspace(L); }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- limits ------------------------------------------------------------ */

static void *lalloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct luacheck *lc = ud;
    void *p;
    if (!ptr)
        osize = 0; /* osize is a type tag for new blocks */
    if (nsize == 0) {
        free(ptr);
        lc->used -= osize;
        return NULL;
    }
    if (lc->enforce && nsize > osize && lc->used + (nsize - osize) > lc->mem_max) {
        lc->mem_exceeded = 1;
        return NULL;
    }
    p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    lc->used = lc->used - osize + nsize;
    return p;
}

static const char *stop_text(const struct luacheck *lc)
{
    switch (lc->stopped) {
    case STOP_BUDGET: return "instruction budget exceeded: stopped (endless loop?)";
    case STOP_MEM: return "memory limit exceeded: stopped";
    case STOP_DEADLINE: return "time limit exceeded: stopped";
    default: return "stopped";
    }
}

/* Redis's trick: once the budget is spent, the hook fires on every
 * instruction and raises again, so a pcall inside the check cannot swallow
 * the stop and carry on. */
static void hook(lua_State *L, lua_Debug *ar)
{
    struct luacheck *lc = LC(L);
    if (!lc->stopped) {
        lc->executed += HOOK_STEP;
        if (lc->executed > lc->budget)
            lc->stopped = STOP_BUDGET;
        else if (lc->mem_exceeded)
            lc->stopped = STOP_MEM;
        else if (now_s() > lc->deadline)
            lc->stopped = STOP_DEADLINE;
        if (!lc->stopped)
            return;
        if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
            snprintf(lc->where, sizeof lc->where, "%s:%d", ar->short_src, ar->currentline);
        lua_sethook(L, hook, LUA_MASKCOUNT, 1);
    }
    luaL_error(L, "%s", stop_text(lc));
}

static void arm(struct luacheck *lc)
{
    lc->executed = 0;
    lc->stopped = STOP_NONE;
    lc->mem_exceeded = 0;
    lc->where[0] = '\0';
    lc->deadline = now_s() + DEADLINE_S;
    lc->enforce = 1;
    lua_sethook(lc->L, hook, LUA_MASKCOUNT, HOOK_STEP);
}

/* The host's own work between runs is not the check's: no cap, no hook. */
static void disarm(struct luacheck *lc)
{
    lua_sethook(lc->L, NULL, 0, 0);
    lc->enforce = 0;
}

static int gc_step(lua_State *L)
{
    lua_gc(L, LUA_GCCOLLECT, 0);
    return 0;
}

/* Host-side collection and close. Checks cannot install __gc finalizers (see
 * safe_setmetatable); the stopped hook is a second line of defence for any
 * Lua code that would still run here. */
static void collect_stopped(struct luacheck *lc, int close)
{
    lc->stopped = STOP_BUDGET;
    lc->enforce = 0;
    lua_sethook(lc->L, hook, LUA_MASKCOUNT, 1);
    if (close) {
        lua_close(lc->L);
        lc->L = NULL;
        return;
    }
    lua_pushcfunction(lc->L, gc_step);
    lua_pcall(lc->L, 0, 0, 0);
    lua_settop(lc->L, 0);
    disarm(lc);
}

/* ---- error messages ---------------------------------------------------- */

/* "src:line" of the innermost Lua function on the stack, so errors raised by
 * C functions (the proxies, the edoc library) also name the check's line. */
static int lua_where(lua_State *L, char *out, size_t n)
{
    lua_Debug ar;
    int level;
    for (level = 1; level < 50 && lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(out, n, "%s:%d", ar.short_src, ar.currentline);
            return 1;
        }
    }
    return 0;
}

static int tostring_protected(lua_State *L)
{
    luaL_tolstring(L, 1, NULL);
    return 1;
}

static int msgh(lua_State *L)
{
    char where[220];
    const char *msg;
    int has_where = lua_where(L, where, sizeof where);
    if (lua_type(L, 1) == LUA_TSTRING) {
        msg = lua_tostring(L, 1);
    } else {
        /* An error object whose __tostring itself errors must not take the
         * handler down with it. */
        lua_pushcfunction(L, tostring_protected);
        lua_pushvalue(L, 1);
        if (lua_pcall(L, 1, 1, 0) != LUA_OK || lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        }
        msg = lua_tostring(L, -1);
    }
    /* Lua's own runtime errors already start with "src:line:". */
    if (has_where && strncmp(msg, where, strcspn(where, ":")) != 0)
        lua_pushfstring(L, "%s: %s", where, msg);
    else
        lua_pushstring(L, msg);
    /* The report keeps one line; --debug also gets the stack. */
    if (LC(L)->ctx && LC(L)->ctx->debug) {
        int enforce = LC(L)->enforce;
        LC(L)->enforce = 0; /* a check stopped at its memory cap still gets its stack printed */
        luaL_traceback(L, L, lua_tostring(L, -1), 1);
        {
            /* A traceback is several lines: each one sanitised on its own. */
            const char *t = lua_tostring(L, -1), *nl;
            for (; t && *t; t = nl ? nl + 1 : t + strlen(t)) {
                nl = strchr(t, '\n');
                textsafe_line(LC(L)->ctx->diag, "debug: %s: %.*s\n", LC(L)->ctx->check->id,
                              (int)(nl ? (size_t)(nl - t) : strlen(t)), t);
            }
        }
        lua_pop(L, 1);
        LC(L)->enforce = enforce;
    }
    return 1;
}

/* One line, capped, into dst. */
static void flatten(char *dst, size_t n, const char *src)
{
    size_t i, k = 0;
    for (i = 0; src[i] && k + 1 < n; i++)
        dst[k++] = (src[i] == '\n' || src[i] == '\r' || src[i] == '\t') ? ' ' : src[i];
    dst[k] = '\0';
}

static void describe_failure(struct luacheck *lc, int status, char *out, size_t n)
{
    const char *m = lua_type(lc->L, -1) == LUA_TSTRING ? lua_tostring(lc->L, -1) : NULL;
    char tmp[600];
    if (lc->stopped || status == LUA_ERRMEM) {
        if (status == LUA_ERRMEM && !lc->stopped)
            lc->stopped = STOP_MEM;
        if (lc->stopped == STOP_MEM)
            snprintf(tmp, sizeof tmp, "%s: memory limit of %zu MiB exceeded: stopped",
                     lc->where[0] ? lc->where : lc->display, lc->mem_max >> 20);
        else
            snprintf(tmp, sizeof tmp, "%s: %s", lc->where[0] ? lc->where : lc->display,
                     stop_text(lc));
    } else if (status == LUA_ERRERR) {
        snprintf(tmp, sizeof tmp, "%s: error while handling an error", lc->display);
    } else {
        snprintf(tmp, sizeof tmp, "%s", m ? m : "unknown error");
    }
    flatten(out, n, tmp);
}

/* ---- evidence proxies -------------------------------------------------- */

/* A proxy is a full userdata (fast: __index reads it directly, no table
 * lookups) that `type()` reports as "table". It carries the run generation:
 * a proxy kept from an earlier run points into freed evidence and is refused. */
struct pnode {
    const cJSON *node;
    unsigned gen;
    size_t n;
    const cJSON *items[]; /* arrays only: O(1) indexing over cJSON's list */
};

static void push_json(lua_State *L, const cJSON *v);

/* Arrays of at least PIN_MIN items stay cached for the whole run (see
 * new_run_tables). */
#define PIN_MIN 64

static void push_proxy(lua_State *L, const cJSON *node)
{
    struct pnode *pn;
    const cJSON *it;
    size_t n = 0, i = 0;
    /* Cached per run, so ev.tasks == ev.tasks and proxies work as keys. */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &cache_key);
    if (lua_rawgetp(L, -1, node) == LUA_TUSERDATA) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    /* Objects count their members only when asked (#, rarely used). */
    if (cJSON_IsArray(node))
        for (it = node->child; it; it = it->next)
            n++;
    else
        n = SIZE_MAX;
    pn = lua_newuserdatauv(L, sizeof *pn + (cJSON_IsArray(node) ? n * sizeof(cJSON *) : 0), 0);
    pn->node = node;
    pn->gen = LC(L)->gen;
    pn->n = n;
    if (cJSON_IsArray(node))
        for (it = node->child; it; it = it->next)
            pn->items[i++] = it;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &mt_key);
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, node);
    lua_remove(L, -2);
    if (n != SIZE_MAX && n >= PIN_MIN) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &pin_key);
        lua_pushvalue(L, -2);
        lua_rawsetp(L, -2, node);
        lua_pop(L, 1);
    }
}

/* Long evidence strings, shared within a run. Lua interns strings up to 40
 * bytes; longer ones (stop reasons, container reasons) were copied into a
 * fresh Lua string on every access by every check: malloc, copy, collect,
 * which grew faster than the bundle (the allocator's free lists). Within a
 * run, equal texts now come back as one Lua string, kept in the registry
 * table strs[slot + 1] and found through this C index by content. Bounded:
 * LSTR_SLOTS strings of at most LSTR_MAX bytes per run; others are pushed
 * as before. */
#define LSTR_SLOTS 1024 /* power of two */
#define LSTR_MAX 4096
#define LSTR_PROBES 8

struct lstr_slot {
    uint64_t hash;
    size_t len;
    int used;
};

static uint64_t norm_hash(const char *s, size_t n);

static void push_text(lua_State *L, const char *s)
{
    struct luacheck *lc = LC(L);
    size_t n = strlen(s), i;
    uint64_t h;
    if (n <= 40 || n > LSTR_MAX || (!lc->lstr && !(lc->lstr = calloc(LSTR_SLOTS, sizeof *lc->lstr)))) {
        lua_pushlstring(L, s, n);
        return;
    }
    h = norm_hash(s, n);
    for (i = 0; i < LSTR_PROBES; i++) {
        size_t at = (h + i) & (LSTR_SLOTS - 1);
        struct lstr_slot *sl = &lc->lstr[at];
        if (!sl->used) {
            lua_pushlstring(L, s, n);
            lua_rawgetp(L, LUA_REGISTRYINDEX, &strs_key);
            lua_pushvalue(L, -2);
            lua_rawseti(L, -2, (lua_Integer)at + 1);
            lua_pop(L, 1);
            sl->used = 1;
            sl->hash = h;
            sl->len = n;
            return;
        }
        if (sl->hash == h && sl->len == n) {
            lua_rawgetp(L, LUA_REGISTRYINDEX, &strs_key);
            lua_rawgeti(L, -1, (lua_Integer)at + 1);
            lua_remove(L, -2);
            if (lua_type(L, -1) == LUA_TSTRING && memcmp(lua_tostring(L, -1), s, n) == 0)
                return;
            lua_pop(L, 1);
        }
    }
    lua_pushlstring(L, s, n);
}

static void push_json(lua_State *L, const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        lua_pushnil(L);
    else if (cJSON_IsBool(v))
        lua_pushboolean(L, cJSON_IsTrue(v));
    else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            lua_pushinteger(L, (lua_Integer)d);
        else
            lua_pushnumber(L, d);
    } else if (cJSON_IsString(v))
        push_text(L, v->valuestring ? v->valuestring : "");
    else if (cJSON_IsArray(v) || cJSON_IsObject(v))
        push_proxy(L, v);
    else
        lua_pushnil(L);
}

/* Any evidence proxy, current or stale. */
static struct pnode *any_pnode(lua_State *L, int idx)
{
    struct pnode *pn;
    int same;
    if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx))
        return NULL;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &mt_key);
    same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    pn = same ? lua_touserdata(L, idx) : NULL;
    return pn;
}

/* The pnode behind a proxy of this run's evidence, or NULL. */
static struct pnode *to_pnode(lua_State *L, int idx)
{
    struct pnode *pn = any_pnode(L, idx);
    return pn && pn->gen == LC(L)->gen ? pn : NULL;
}

static struct pnode *check_pnode(lua_State *L, int idx)
{
    struct pnode *pn = to_pnode(L, idx);
    if (!pn)
        luaL_error(L, "evidence table from a previous run used");
    return pn;
}

/* Metamethods: Lua calls them only with a proxy as the first operand (their
 * metatable is locked and no other full userdata is reachable from the sandbox), so
 * the metatable test of check_pnode() is skipped on this hot path; the run
 * generation is still checked. */
static struct pnode *self_pnode(lua_State *L)
{
    struct pnode *pn = lua_touserdata(L, 1);
    if (!pn || lua_type(L, 1) != LUA_TUSERDATA || pn->gen != LC(L)->gen)
        luaL_error(L, "evidence table from a previous run used");
    return pn;
}

static int p_index(lua_State *L)
{
    struct pnode *pn = self_pnode(L);
    if (cJSON_IsArray(pn->node)) {
        int isnum;
        lua_Integer k = lua_tointegerx(L, 2, &isnum);
        if (isnum && k >= 1 && (size_t)k <= pn->n)
            push_json(L, pn->items[k - 1]);
        else
            lua_pushnil(L);
    } else if (lua_type(L, 2) == LUA_TSTRING) {
        push_json(L, cJSON_GetObjectItemCaseSensitive(pn->node, lua_tostring(L, 2)));
    } else {
        lua_pushnil(L);
    }
    return 1;
}

static int p_newindex(lua_State *L) { return luaL_error(L, "attempt to modify read-only evidence"); }

static int p_len(lua_State *L)
{
    struct pnode *pn = self_pnode(L);
    if (pn->n == SIZE_MAX) {
        const cJSON *it;
        pn->n = 0;
        for (it = pn->node->child; it; it = it->next)
            pn->n++;
    }
    lua_pushinteger(L, (lua_Integer)pn->n);
    return 1;
}

/* pairs iterator: upvalue 1 is the next cJSON member, upvalue 2 its index. */
static int p_next(lua_State *L)
{
    const cJSON *it = lua_touserdata(L, lua_upvalueindex(1));
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
    if (!it)
        return 0;
    lua_pushlightuserdata(L, (void *)it->next);
    lua_replace(L, lua_upvalueindex(1));
    lua_pushinteger(L, i + 1);
    lua_replace(L, lua_upvalueindex(2));
    if (it->string)
        lua_pushstring(L, it->string);
    else
        lua_pushinteger(L, i + 1);
    push_json(L, it);
    /* A JSON null would end a generic for loop: give it a visible value. */
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 0);
    }
    return 2;
}

static int p_pairs(lua_State *L)
{
    struct pnode *pn = check_pnode(L, 1);
    lua_pushlightuserdata(L, (void *)pn->node->child);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, p_next, 2);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int p_tostring(lua_State *L)
{
    struct pnode *pn = to_pnode(L, 1);
    lua_pushfstring(L, "evidence %s", pn && cJSON_IsArray(pn->node) ? "array" : "object");
    return 1;
}

static void new_run_tables(lua_State *L)
{
    LC(L)->gen++;
    /* cache: node -> proxy, weak-valued: a proxy lives as long as the check
     * holds it (identity, table keys), so a check that walks 100,000 tasks
     * does not keep a million proxies it has dropped (memory cap, collector
     * work). Large arrays are pinned for the run: one collected and
     * re-created in a loop (ev.tasks[i] for i = 1, #ev.tasks) would copy its
     * item vector each time. */
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "v");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &cache_key);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &pin_key);
    lua_newtable(L); /* finding key -> index in ctx->out */
    lua_rawsetp(L, LUA_REGISTRYINDEX, &keys_key);
    lua_newtable(L); /* strs: slot + 1 -> long string (push_text) */
    lua_rawsetp(L, LUA_REGISTRYINDEX, &strs_key);
    if (LC(L)->lstr)
        memset(LC(L)->lstr, 0, LSTR_SLOTS * sizeof *LC(L)->lstr);
}

static int p_eq(lua_State *L)
{
    struct pnode *a = to_pnode(L, 1), *b = to_pnode(L, 2);
    lua_pushboolean(L, a && b && a->node == b->node);
    return 1;
}

static void proxy_metatable(lua_State *L)
{
    static const luaL_Reg mm[] = {
        {"__index", p_index}, {"__newindex", p_newindex}, {"__len", p_len},
        {"__pairs", p_pairs}, {"__tostring", p_tostring}, {"__eq", p_eq}, {NULL, NULL},
    };
    lua_newtable(L);
    luaL_setfuncs(L, mm, 0);
    lua_pushliteral(L, "read-only evidence");
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &mt_key);
}

/* ---- the edoc library -------------------------------------------------- */

static struct edoc_ctx *run_ctx(lua_State *L)
{
    struct luacheck *lc = LC(L);
    if (!lc->ctx)
        luaL_error(L, "edoc functions can only be used inside run()");
    return lc->ctx;
}

/* edoc.norm: lower-case ASCII, fold typographic quotes and the ellipsis,
 * collapse whitespace (including NBSP), trim. The result is never longer
 * than the input, so it is written in place into a buffer of that size. */
static size_t norm_into(char *out, const char *s, size_t n)
{
    return textidx_norm(out, s, n);
}

/* The normalisation cache. Every check normalises the same stop reasons
 * (edoc.norm, edoc.match*): with 50 checks and thousands of tasks that was
 * the engine's largest cost. Normalised texts are kept here, shared by all
 * checks of the process and keyed by content (never by address: Lua strings
 * come and go), so each distinct text is normalised once per analysis.
 * Bounded: NORM_SLOTS entries and NORM_BYTES of text; when either is full
 * the cache starts over. Freed when the last Lua check is freed. */
#define NORM_SLOTS 4096 /* power of two */
#define NORM_PROBES 8
#define NORM_MAX_LEN 4096
#define NORM_BYTES ((size_t)16 * 1024 * 1024)

struct norm_entry {
    char *src;  /* original text, then its normalised form, one allocation */
    size_t len, nlen;
    uint64_t hash;
};

static struct {
    struct norm_entry *slot;
    size_t used, bytes;
    int states; /* live Lua checks: the last one out frees the cache */
} normc;

/* A cheap hash: the length and eight words sampled across the text. Equal
 * samples only cost a memcmp per probe; the text itself is compared. */
static uint64_t norm_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
    size_t i, step = n > 8 ? (n - 8) / 7 : 0;
    for (i = 0; i < 8; i++) {
        size_t at = n > 8 ? i * step : 0;
        w = 0;
        memcpy(&w, s + at, n < 8 ? n : 8);
        h = (h ^ w) * 0x100000001B3ull;
        h ^= h >> 29;
        if (n <= 8)
            break;
    }
    return h;
}

static void normc_clear(void)
{
    size_t i;
    for (i = 0; normc.slot && i < NORM_SLOTS; i++)
        free(normc.slot[i].src);
    free(normc.slot);
    normc.slot = NULL;
    normc.used = normc.bytes = 0;
}

/* The normalised form of s[0..n) and its length, from the cache or computed
 * and remembered. NULL when it cannot be cached (the caller normalises). */
static const char *normc_get(const char *s, size_t n, size_t *nlen)
{
    uint64_t h;
    size_t i, at;
    struct norm_entry *e;
    if (n > NORM_MAX_LEN)
        return NULL;
    if (!normc.slot) {
        normc.slot = calloc(NORM_SLOTS, sizeof *normc.slot);
        if (!normc.slot)
            return NULL;
    }
    h = norm_hash(s, n);
    for (i = 0; i < NORM_PROBES; i++) {
        e = &normc.slot[(h + i) & (NORM_SLOTS - 1)];
        if (!e->src)
            break;
        if (e->hash == h && e->len == n && memcmp(e->src, s, n) == 0) {
            *nlen = e->nlen;
            return e->src + n + 1;
        }
    }
    if (i == NORM_PROBES)
        return NULL;
    if (normc.used >= NORM_SLOTS / 2 || normc.bytes + 2 * n + 2 > NORM_BYTES) {
        normc_clear();
        return normc_get(s, n, nlen);
    }
    at = (h + i) & (NORM_SLOTS - 1);
    e = &normc.slot[at];
    e->src = malloc(2 * n + 2);
    if (!e->src)
        return NULL;
    memcpy(e->src, s, n);
    e->src[n] = '\0';
    e->nlen = norm_into(e->src + n + 1, s, n);
    e->src[n + 1 + e->nlen] = '\0';
    e->len = n;
    e->hash = h;
    normc.used++;
    normc.bytes += 2 * n + 2;
    *nlen = e->nlen;
    return e->src + n + 1;
}

static void push_norm(lua_State *L, int idx)
{
    luaL_Buffer lb;
    size_t n, k;
    const char *s, *c;
    char *out;
    if (lua_type(L, idx) != LUA_TSTRING && lua_type(L, idx) != LUA_TNUMBER) {
        lua_pushliteral(L, "");
        return;
    }
    s = lua_tolstring(L, idx, &n);
    c = normc_get(s, n, &k);
    if (c) {
        lua_pushlstring(L, c, k);
        return;
    }
    out = luaL_buffinitsize(L, &lb, n + 1);
    luaL_pushresultsize(&lb, norm_into(out, s, n));
}

static int l_norm(lua_State *L)
{
    push_norm(L, 1);
    return 1;
}

/* edoc.match / edoc.match_any run for every message of every task in every
 * check, each with a list of patterns: normalising into C buffers instead of
 * new Lua strings keeps the allocator and the collector out of that loop.
 * Short texts use the stack; longer ones one heap buffer per call. */
#define NORM_STACK 512

struct normbuf {
    char stack[NORM_STACK];
    char *heap;
};

/* The normalised text of the value at idx ("" for non-strings), NUL-ended,
 * in nb (release with normbuf_free), or in the cache when cached is set (it
 * stays valid until the next normc_get). NULL when out of memory. */
static const char *norm_c(lua_State *L, int idx, struct normbuf *nb, int cached)
{
    size_t n, k;
    const char *s;
    char *out = nb->stack;
    nb->heap = NULL;
    if (lua_type(L, idx) != LUA_TSTRING && lua_type(L, idx) != LUA_TNUMBER)
        return "";
    s = lua_tolstring(L, idx, &n);
    if (cached) {
        const char *c = normc_get(s, n, &k);
        if (c)
            return c;
    }
    if (n >= NORM_STACK) {
        out = nb->heap = malloc(n + 1);
        if (!out)
            return NULL;
    }
    k = norm_into(out, s, n);
    out[k] = '\0';
    return out;
}

static void normbuf_free(struct normbuf *nb)
{
    free(nb->heap);
    nb->heap = NULL;
}

/* Lists handed to edoc functions (patterns, scopes, security groups) are
 * walked in C, where the instruction budget never fires: a table whose
 * __len claims 2^53 entries would hang the run, so lists are capped. An
 * evidence array (a proxy: `type()` says "table") is a list too. Raises a
 * Lua error for anything else, naming the function. */
#define LIST_MAX 100000

static lua_Integer list_len(lua_State *L, int idx, const char *fn)
{
    struct pnode *pn = to_pnode(L, idx);
    lua_Integer n;
    if (pn) {
        if (!cJSON_IsArray(pn->node))
            luaL_error(L, "edoc.%s: expected a list, got an evidence object", fn);
        return (lua_Integer)pn->n;
    }
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "edoc.%s: expected a list, got %s", fn, luaL_typename(L, idx));
    n = luaL_len(L, idx);
    if (n > LIST_MAX)
        luaL_error(L, "edoc.%s: a list of %I entries (at most %d)", fn, (LUAI_UACINT)n, LIST_MAX);
    return n < 0 ? 0 : n;
}

/* Whether the normalised haystack h contains the normalised pattern at idx. */
static int has_pattern(lua_State *L, const char *h, int idx)
{
    struct normbuf nb;
    /* Patterns are short and must not touch the cache, which holds h. */
    const char *p = norm_c(L, idx, &nb, 0);
    int hit = p && strstr(h, p) != NULL;
    normbuf_free(&nb);
    return hit;
}

/* Matches the normalised haystack h against a list argument (a table, a
 * proxy, or a single string): all of them (want_all) or any. */
static int each_pattern(lua_State *L, const char *h, int pats, int want_all)
{
    lua_Integer i, n;
    int found_all = 1, found_any = 0;
    if (lua_type(L, pats) == LUA_TSTRING)
        return has_pattern(L, h, pats);
    n = list_len(L, pats, want_all ? "match" : "match_any");
    for (i = 1; i <= n; i++) {
        int hit;
        lua_geti(L, pats, i);
        hit = has_pattern(L, h, -1);
        lua_pop(L, 1);
        if (hit)
            found_any = 1;
        else
            found_all = 0;
        /* The answer is known: stop (patterns have no side effects). */
        if (want_all ? !found_all : found_any)
            break;
    }
    return want_all ? found_all : found_any;
}

static int match_common(lua_State *L, int want_all)
{
    struct normbuf nb;
    const char *h = norm_c(L, 1, &nb, 1);
    int r;
    if (!h)
        return luaL_error(L, "not enough memory");
    /* luaL_checktype in each_pattern may longjmp: keep the heap buffer on
     * the Lua side only when there is one (rare: texts over NORM_STACK). */
    if (nb.heap) {
        char *copy = lua_newuserdatauv(L, strlen(h) + 1, 0);
        memcpy(copy, h, strlen(h) + 1);
        normbuf_free(&nb);
        h = copy;
    }
    r = each_pattern(L, h, 2, want_all);
    lua_pushboolean(L, r);
    return 1;
}

static int l_match(lua_State *L)
{
    return match_common(L, 1);
}

static int l_match_any(lua_State *L)
{
    return match_common(L, 0);
}

static int l_basename(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushstring(L, str_basename(lua_tostring(L, 1)));
    return 1;
}

/* edoc.ptr runs for every task a check cites: it builds the pointer in a
 * luaL_Buffer and copies each token in one piece unless it needs escaping
 * (RFC 6901: '~' -> "~0", '/' -> "~1"), instead of byte by byte into a heap
 * buffer. */
static int l_ptr(lua_State *L)
{
    luaL_Buffer lb;
    int i, n = lua_gettop(L);
    for (i = 1; i <= n; i++)
        if (!lua_isinteger(L, i) && lua_type(L, i) != LUA_TSTRING)
            return luaL_error(L, "edoc.ptr: part %d is a %s (strings and integers only)", i,
                              luaL_typename(L, i));
    luaL_buffinit(L, &lb);
    for (i = 1; i <= n; i++) {
        char num[32];
        const char *tok;
        size_t len;
        luaL_addchar(&lb, '/');
        if (lua_isinteger(L, i)) {
            len = (size_t)snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, i));
            luaL_addlstring(&lb, num, len);
            continue;
        }
        tok = lua_tostring(L, i);
        len = strlen(tok); /* a NUL ends the token, as it always did */
        if (!memchr(tok, '~', len) && !memchr(tok, '/', len)) {
            luaL_addlstring(&lb, tok, len);
            continue;
        }
        for (; *tok; tok++) {
            if (*tok == '~')
                luaL_addstring(&lb, "~0");
            else if (*tok == '/')
                luaL_addstring(&lb, "~1");
            else
                luaL_addchar(&lb, *tok);
        }
    }
    luaL_pushresult(&lb);
    return 1;
}

/* A file name for a command to write to, from a value: only [A-Za-z0-9_.-]
 * kept (others become '_'), no leading '.' or '-', at most 100 bytes, so a
 * family name from AWS cannot point the write elsewhere ("../", "/etc/..."). */
static int l_file_name(lua_State *L)
{
    size_t n, i;
    const char *s = luaL_checklstring(L, 1, &n);
    char out[101];
    if (n > 100)
        n = 100;
    for (i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 ((c == '.' || c == '-') && i > 0);
        out[i] = ok ? c : '_';
    }
    out[n] = '\0';
    lua_pushstring(L, n ? out : "file");
    return 1;
}

/* A JSON string literal (with its quotes) for a value a check puts into a
 * JSON document of a command (a policy): AWS values must not end the string. */
static int l_json_string(lua_State *L)
{
    size_t n, i;
    const char *s = luaL_checklstring(L, 1, &n);
    luaL_Buffer lb;
    luaL_buffinit(L, &lb);
    luaL_addchar(&lb, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            luaL_addchar(&lb, '\\');
            luaL_addchar(&lb, (char)c);
        } else if (c < 0x20 || c == 0x7f) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            luaL_addstring(&lb, esc);
        } else {
            luaL_addchar(&lb, (char)c);
        }
    }
    luaL_addchar(&lb, '"');
    luaL_pushresult(&lb);
    return 1;
}

static int l_shellquote(lua_State *L)
{
    size_t n, i;
    const char *s = luaL_tolstring(L, 1, &n);
    luaL_Buffer lb;
    int plain = n > 0;
    for (i = 0; i < n && plain; i++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@,+-%",
                       s[i]) != NULL && s[i];
    if (plain) {
        lua_pushlstring(L, s, n);
        return 1;
    }
    luaL_buffinit(L, &lb);
    luaL_addchar(&lb, '\'');
    for (i = 0; i < n; i++) {
        if (s[i] == '\'')
            luaL_addstring(&lb, "'\\''");
        else
            luaL_addchar(&lb, s[i]);
    }
    luaL_addchar(&lb, '\'');
    luaL_pushresult(&lb);
    return 1;
}

static const cJSON *target_field(lua_State *L, const char *name)
{
    struct edoc_ctx *ctx = run_ctx(L);
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ctx->evidence, "target"),
                                            name);
}

static int l_region(lua_State *L)
{
    push_json(L, target_field(L, "region"));
    return 1;
}

static int l_cluster(lua_State *L)
{
    push_json(L, target_field(L, "cluster"));
    return 1;
}

static int l_source_ok(lua_State *L)
{
    struct edoc_ctx *ctx = run_ctx(L);
    const char *name = luaL_checkstring(L, 1);
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(ctx->evidence, "sources"), name);
    const char *st = jsonx_str(src, "status", "");
    lua_pushboolean(L, !strcmp(st, "ok") || !strcmp(st, "partial"));
    return 1;
}

/* edoc.service_state([name]): the service-state model (analysis/svcstate.h,
 * docs/report.md "Service state") of one service as a read-only table, nil
 * when the evidence has no such service; without a name, the whole model
 * (floor, severity, reasons, services, task). */
static int l_service_state(lua_State *L)
{
    struct edoc_ctx *ctx = run_ctx(L);
    const cJSON *st = ctx->state;
    if (!lua_isnoneornil(L, 1))
        st = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "services"),
                                              luaL_checkstring(L, 1));
    push_json(L, cJSON_IsObject(st) ? st : NULL);
    return 1;
}

/* edoc.incomplete(source, why): the check saw something to decide but the
 * evidence to decide it was missing; the engine marks the run incomplete. */
static int l_incomplete(lua_State *L)
{
    struct edoc_ctx *ctx = run_ctx(L);
    const char *source = luaL_checkstring(L, 1), *why = luaL_optstring(L, 2, NULL);
    if (engine_report_incomplete(ctx, source, why) != 0)
        return luaL_error(L, "edoc.incomplete: unknown evidence source '%s' (see docs/evidence.md)", source);
    return 0;
}

/* One --debug line from a check: its text is the check's (or the
 * evidence's) and goes through the terminal sanitiser, NUL bytes included. */
static void debug_line(struct luacheck *lc, const struct buf *text)
{
    struct buf line;
    buf_init(&line, 0);
    if (buf_printf(&line, "debug: %s: ", lc->ctx->check->id) == ERR_OK &&
        textsafe_term(&line, text->data ? text->data : "", text->len) == ERR_OK && buf_puts(&line, "\n") == ERR_OK)
        fwrite(line.data, 1, line.len, lc->ctx->diag);
    buf_cleanup(&line);
}

static int l_log(lua_State *L)
{
    struct luacheck *lc = LC(L);
    size_t len;
    const char *m = luaL_tolstring(L, 1, &len);
    if (lc->ctx && lc->ctx->debug) {
        struct buf t;
        buf_init(&t, 0);
        if (buf_append(&t, m, len) == ERR_OK)
            debug_line(lc, &t);
        buf_cleanup(&t);
    }
    return 0;
}

static int l_print(lua_State *L)
{
    /* print() would corrupt --output json on stdout: it goes to --debug. */
    int i, n = lua_gettop(L);
    struct luacheck *lc = LC(L);
    struct buf t;
    buf_init(&t, 0);
    for (i = 1; i <= n; i++) {
        size_t len;
        const char *m = luaL_tolstring(L, i, &len);
        if (lc->ctx && lc->ctx->debug && (i == 1 || buf_puts(&t, " ") == ERR_OK))
            buf_append(&t, m, len);
        lua_pop(L, 1);
    }
    if (lc->ctx && lc->ctx->debug)
        debug_line(lc, &t);
    buf_cleanup(&t);
    return 0;
}

static const char *iam_names[] = {"unknown", "allowed", "implicit_deny", "explicit_deny",
                                  "conditional", "unknown"};

static int l_iam_eval(lua_State *L)
{
    struct edoc_ctx *ctx = run_ctx(L);
    char why[512] = "";
    const char *role = luaL_checkstring(L, 1), *action = luaL_checkstring(L, 2);
    const char *res = luaL_optstring(L, 3, "*");
    int d = iam_eval(ctx->evidence, role, action, res, why, sizeof why);
    lua_pushstring(L, iam_names[(d >= 1 && d <= 5) ? d : 0]);
    lua_pushstring(L, why);
    return 2;
}

/* edoc.net_reach(subnet, sgs, public_ip, service). The security groups are
 * one id, a list of ids (a table or an evidence array), or nil. Each id
 * stays on the Lua stack while netpath reads it (a number converted there
 * would not outlive its slot otherwise), so the stack is grown for them
 * first, and only ids take a slot: a list of anything else used to push one
 * slot per entry past the stack's end. A list that is not all ids, or longer
 * than NET_SG_MAX (an ENI has at most 16), is not evaluated: "unknown" with
 * the reason, never a guess from part of the list. */
#define NET_SG_MAX 32

static int l_net_reach(lua_State *L)
{
    struct edoc_ctx *ctx = run_ctx(L);
    char why[512] = "";
    const char *subnet = luaL_checkstring(L, 1), *service = luaL_checkstring(L, 4);
    const char *sgs[NET_SG_MAX];
    size_t n = 0;
    lua_Integer i, len;
    int r;
    lua_settop(L, 4);
    if (lua_type(L, 2) == LUA_TSTRING) {
        sgs[n++] = lua_tostring(L, 2);
    } else if (!lua_isnil(L, 2)) {
        if (lua_type(L, 2) != LUA_TTABLE && !to_pnode(L, 2))
            return luaL_error(L, "edoc.net_reach: security groups must be an id or a list of ids, got %s",
                              luaL_typename(L, 2));
        len = list_len(L, 2, "net_reach");
        if (len > NET_SG_MAX) {
            snprintf(why, sizeof why, "%lld security groups listed (more than %d): not evaluated",
                     (long long)len, NET_SG_MAX);
            goto unknown;
        }
        luaL_checkstack(L, NET_SG_MAX + 2, "edoc.net_reach");
        for (i = 1; i <= len; i++) {
            int ty = lua_geti(L, 2, i); /* stays on the stack so the string stays alive */
            if (ty != LUA_TSTRING) {
                snprintf(why, sizeof why, "security group entry %lld is a %s, not an id: not evaluated",
                         (long long)i, lua_typename(L, ty));
                goto unknown;
            }
            sgs[n++] = lua_tostring(L, -1);
        }
    }
    r = netpath_reach(ctx->evidence, subnet, sgs, n, lua_toboolean(L, 3), service, why, sizeof why);
    lua_pushstring(L, r == EDOC_REACH_YES ? "yes" : r == EDOC_REACH_NO ? "no" : "unknown");
    lua_pushstring(L, why);
    return 2;
unknown:
    lua_pushliteral(L, "unknown");
    lua_pushstring(L, why);
    return 2;
}

/* edoc.ipairs / edoc.pairs accept nil (a missing section iterates nothing)
 * and walk a proxy by its length, so a JSON null does not end the loop. */
static int ipairs_step(lua_State *L)
{
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    lua_Integer n = lua_tointeger(L, lua_upvalueindex(1));
    if (i > n)
        return 0;
    lua_pushinteger(L, i);
    lua_geti(L, 1, i);
    if (lua_isnil(L, -1) && to_pnode(L, 1) == NULL)
        return 0;
    return 2;
}

/* Evidence arrays iterate straight from the proxy's item vector. */
static int ipairs_proxy_step(lua_State *L)
{
    struct pnode *pn = check_pnode(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (i < 1 || (size_t)i > pn->n || !cJSON_IsArray(pn->node))
        return 0;
    lua_pushinteger(L, i);
    push_json(L, pn->items[i - 1]);
    return 2;
}

static int empty_iter(lua_State *L)
{
    (void)L;
    return 0;
}

static int l_ipairs(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        lua_pushcfunction(L, empty_iter);
        return 1;
    }
    luaL_checkany(L, 1);
    if (to_pnode(L, 1) && cJSON_IsArray(to_pnode(L, 1)->node)) {
        lua_pushcfunction(L, ipairs_proxy_step);
        lua_pushvalue(L, 1);
        lua_pushinteger(L, 0);
        return 3;
    }
    lua_pushinteger(L, luaL_len(L, 1));
    lua_pushcclosure(L, ipairs_step, 1);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int l_pairs(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        lua_pushcfunction(L, empty_iter);
        return 1;
    }
    if (to_pnode(L, 1))
        return p_pairs(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getglobal(L, "next");
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* ---- edoc.tasks_matching ------------------------------------------------ */

/* The tasks a query matched, walked by a stateful iterator. Stamped with
 * the run generation: the task nodes belong to this run's evidence. */
struct tmatch {
    unsigned gen;
    size_t n, pos;
    uint32_t idx[];
};

static int tasks_matching_step(lua_State *L)
{
    struct tmatch *tm = lua_touserdata(L, lua_upvalueindex(1));
    const struct textidx *ix;
    uint32_t i;
    if (tm->gen != LC(L)->gen)
        return luaL_error(L, "edoc.tasks_matching: iterator from a previous run used");
    if (tm->pos >= tm->n)
        return 0;
    if (!(ix = textidx_get(run_ctx(L)->evidence)))
        return luaL_error(L, "not enough memory");
    i = tm->idx[tm->pos++];
    lua_pushinteger(L, (lua_Integer)i + 1);
    push_json(L, ix->task[i]);
    return 2;
}

/* Pushes the iterator over the tasks that text_hit selects in scope (hit:
 * scratch for n_tasks flags). */
static int push_matches(lua_State *L, const struct textidx *ix, const unsigned char *text_hit, unsigned scope,
                        unsigned char *hit)
{
    size_t i, n = textidx_tasks(ix, text_hit, scope, hit);
    struct tmatch *tm = lua_newuserdatauv(L, sizeof *tm + n * sizeof tm->idx[0], 0);
    tm->gen = LC(L)->gen;
    tm->n = n;
    tm->pos = 0;
    for (i = 0, n = 0; i < ix->n_tasks; i++)
        if (hit[i])
            tm->idx[n++] = (uint32_t)i;
    lua_pushcclosure(L, tasks_matching_step, 1);
    return 1;
}

/* Which distinct texts a pattern list (edoc.match_any's rules) matches.
 * text_hit comes in with 1 for the texts in scope, the others 0. */
static void hit_patterns(lua_State *L, const struct textidx *ix, int pats, unsigned char *text_hit)
{
    unsigned char *in_scope = text_hit + ix->n_texts + ix->n_tasks + 1; /* see l_tasks_matching */
    lua_Integer k, np = lua_type(L, pats) == LUA_TSTRING ? 1 : list_len(L, pats, "tasks_matching");
    size_t t;
    for (k = 1; k <= np; k++) {
        struct normbuf nb;
        const char *p;
        if (lua_type(L, pats) == LUA_TSTRING)
            lua_pushvalue(L, pats);
        else
            lua_geti(L, pats, k);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "edoc.tasks_matching: pattern %d is a %s (strings only)", (int)k, luaL_typename(L, -1));
        /* The pattern sits on the Lua stack: norm_c's heap buffer is freed
         * below before anything here can raise an error. */
        if (!(p = norm_c(L, -1, &nb, 0)))
            luaL_error(L, "not enough memory");
        for (t = 0; t < ix->n_texts; t++)
            if (in_scope[t] == 1 && strstr(ix->text[t].norm, p))
                in_scope[t] = 2;
        normbuf_free(&nb);
        lua_pop(L, 1);
    }
    for (t = 0; t < ix->n_texts; t++)
        text_hit[t] = in_scope[t] == 2;
}

/* Which distinct texts a predicate function accepts: one call per text in
 * scope. */
static void hit_function(lua_State *L, const struct textidx *ix, int fn, unsigned char *text_hit)
{
    const unsigned char *in_scope = text_hit + ix->n_texts + ix->n_tasks + 1;
    size_t t;
    for (t = 0; t < ix->n_texts; t++) {
        if (!in_scope[t])
            continue;
        lua_pushvalue(L, fn);
        push_text(L, ix->text[t].raw);
        lua_call(L, 1, 1);
        text_hit[t] = (unsigned char)lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
}

/* The scope argument: a field name or a list of them; by default the
 * stopped reason and the containers' reasons. */
#define SCOPE_NAMES "stoppedReason, stopCode, group, taskDefinitionArn, lastStatus or containers"

static unsigned scope_name(lua_State *L, int idx, const char *fn)
{
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
    unsigned bit = textidx_scope_bit(s);
    if (!bit)
        luaL_error(L, "edoc.%s: unknown scope %s%s%s (" SCOPE_NAMES ")", fn, s ? "'" : "",
                   s ? s : luaL_typename(L, idx), s ? "'" : "");
    return bit;
}

static unsigned scope_arg(lua_State *L, int idx)
{
    unsigned scope = 0;
    lua_Integer k, n;
    if (lua_isnoneornil(L, idx))
        return TEXTIDX_REASON | TEXTIDX_CONTAINERS;
    if (lua_type(L, idx) != LUA_TTABLE && !to_pnode(L, idx))
        return scope_name(L, idx, "tasks_matching");
    n = list_len(L, idx, "tasks_matching");
    for (k = 1; k <= n; k++) {
        lua_geti(L, idx, k);
        scope |= scope_name(L, -1, "tasks_matching");
        lua_pop(L, 1);
    }
    return scope;
}

/* edoc.tasks_matching(what [, scope]): iterates (index, task) over the
 * evidence's tasks, in order, whose texts in scope ("stoppedReason",
 * "stopCode", "containers" (their reasons), or a list of these; default
 * {"stoppedReason", "containers"}) match `what`: a pattern or list of
 * patterns as in edoc.match_any, or a function called once per distinct
 * text. The texts are indexed once per analysis (textidx), so a check pays
 * for the tasks that match, not for all. */
static int l_tasks_matching(lua_State *L)
{
    struct edoc_ctx *ctx = run_ctx(L);
    const struct textidx *ix;
    unsigned char *text_hit, *hit;
    unsigned scope = scope_arg(L, 2);
    int kind = lua_type(L, 1);
    if (kind == LUA_TUSERDATA && to_pnode(L, 1))
        kind = LUA_TTABLE; /* an evidence array of patterns */
    if (kind != LUA_TSTRING && kind != LUA_TTABLE && kind != LUA_TFUNCTION)
        return luaL_error(L, "edoc.tasks_matching: expected a pattern, a list of patterns or a function, got %s",
                          luaL_typename(L, 1));
    if (!(ix = textidx_get(ctx->evidence)))
        return luaL_error(L, "not enough memory");
    /* Scratch as userdata (a raising pattern or predicate leaks nothing):
     * text_hit[n_texts], hit[n_tasks + 1], in_scope[n_texts]. */
    text_hit = lua_newuserdatauv(L, 2 * ix->n_texts + ix->n_tasks + 1, 0);
    memset(text_hit, 0, 2 * ix->n_texts + ix->n_tasks + 1);
    hit = text_hit + ix->n_texts;
    textidx_in_scope(ix, scope, hit + ix->n_tasks + 1);
    if (kind == LUA_TFUNCTION)
        hit_function(L, ix, 1, text_hit);
    else
        hit_patterns(L, ix, 1, text_hit);
    /* A predicate may have run a nested query: take the index again. */
    if (!(ix = textidx_get(ctx->evidence)))
        return luaL_error(L, "not enough memory");
    return push_matches(L, ix, text_hit, scope, hit);
}

/* edoc.tasks_with(field, value): iterates (index, task) over the tasks whose
 * field (a task field of tasks_matching's scopes) is exactly value — the
 * tasks of one service (`"group", "service:web"`), of one task definition. */
static int l_tasks_with(lua_State *L)
{
    struct edoc_ctx *ctx = run_ctx(L);
    const struct textidx *ix;
    unsigned field = scope_name(L, 1, "tasks_with");
    unsigned char *text_hit, *hit;
    size_t t, len;
    const char *want = luaL_checklstring(L, 2, &len);
    if (field == TEXTIDX_CONTAINERS)
        return luaL_error(L, "edoc.tasks_with: 'containers' is not a task field (use edoc.tasks_matching)");
    if (!(ix = textidx_get(ctx->evidence)))
        return luaL_error(L, "not enough memory");
    text_hit = lua_newuserdatauv(L, ix->n_texts + ix->n_tasks + 1, 0);
    hit = text_hit + ix->n_texts;
    for (t = 0; t < ix->n_texts; t++)
        text_hit[t] = ix->text[t].len == len && memcmp(ix->text[t].raw, want, len) == 0;
    return push_matches(L, ix, text_hit, field, hit);
}

/* edoc.task_values(field): the distinct string values of one task field
 * (a scope name other than "containers"), in the order the tasks first show
 * them: which task definitions, services, stop codes the tasks have, without
 * walking every task. */
static int l_task_values(lua_State *L)
{
    struct edoc_ctx *ctx = run_ctx(L);
    const struct textidx *ix;
    unsigned field = scope_name(L, 1, "task_values");
    uint32_t *ids;
    size_t i, n;
    if (field == TEXTIDX_CONTAINERS)
        return luaL_error(L, "edoc.task_values: 'containers' is not a task field (use edoc.tasks_matching)");
    if (!(ix = textidx_get(ctx->evidence)))
        return luaL_error(L, "not enough memory");
    ids = lua_newuserdatauv(L, (ix->n_texts + 1) * sizeof *ids, 0);
    if ((n = textidx_values(ix, field, ids)) == (size_t)-1)
        return luaL_error(L, "not enough memory");
    lua_createtable(L, (int)(n < INT_MAX ? n : 0), 0);
    for (i = 0; i < n; i++) {
        push_text(L, ix->text[ids[i]].raw);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ---- edoc.finding ------------------------------------------------------- */

/* A string field of a table. Only real strings: the value stays anchored in
 * the table after the pop (a number converted on the stack would not). */
static const char *opt_field_str(lua_State *L, int t, const char *name)
{
    int ty = lua_getfield(L, t, name);
    const char *s = NULL;
    if (ty == LUA_TSTRING)
        s = lua_tostring(L, -1);
    else if (ty != LUA_TNIL)
        luaL_error(L, "edoc.finding: field '%s' must be a string, got %s", name, lua_typename(L, ty));
    lua_pop(L, 1);
    return s;
}

/* Calls fn for each element of the list in field `name` (a single string is
 * accepted as a list of one). */
static void each_listed(lua_State *L, int t, const char *name,
                        void (*fn)(lua_State *L, struct finding *f, int idx), struct finding *f)
{
    int ty = lua_getfield(L, t, name);
    lua_Integer i, n;
    if (ty == LUA_TSTRING || ty == LUA_TNUMBER) {
        fn(L, f, lua_gettop(L));
    } else if (ty == LUA_TTABLE || (ty == LUA_TUSERDATA && to_pnode(L, -1))) {
        /* An evidence array (type() says "table") is a list too. */
        int lt = lua_gettop(L);
        n = ty == LUA_TTABLE ? luaL_len(L, lt) : list_len(L, lt, "finding");
        for (i = 1; i <= n && i <= 1000; i++) {
            lua_geti(L, lt, i);
            fn(L, f, lua_gettop(L));
            lua_pop(L, 1);
        }
    } else if (ty != LUA_TNIL) {
        luaL_error(L, "edoc.finding: field '%s' must be a list, got %s", name, lua_typename(L, ty));
    }
    lua_pop(L, 1);
}

static void add_resource(lua_State *L, struct finding *f, int idx)
{
    if (lua_type(L, idx) == LUA_TSTRING || lua_type(L, idx) == LUA_TNUMBER)
        finding_add_resource(f, lua_tostring(L, idx));
}

static void add_explains(lua_State *L, struct finding *f, int idx)
{
    if (lua_type(L, idx) == LUA_TSTRING)
        finding_add_explains(f, lua_tostring(L, idx));
}

static void add_evidence(lua_State *L, struct finding *f, int idx)
{
    struct luacheck *lc = LC(L);
    if (lua_type(L, idx) == LUA_TSTRING) {
        finding_add_evidence(f, lc->ctx->evidence, lua_tostring(L, idx), NULL);
    } else if (lua_type(L, idx) == LUA_TTABLE) {
        const char *p = opt_field_str(L, idx, "pointer");
        const char *note = opt_field_str(L, idx, "note");
        if (!p)
            luaL_error(L, "edoc.finding: evidence entry without a pointer");
        finding_add_evidence(f, lc->ctx->evidence, p, note);
    } else {
        luaL_error(L, "edoc.finding: evidence entries are pointers or {pointer=, note=} tables");
    }
}

/* A list argument: a Lua table, or an evidence proxy of a JSON array. */
static int arg_is_list(lua_State *L, int idx)
{
    int same;
    const struct pnode *pn;
    if (lua_istable(L, idx))
        return 1;
    if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx))
        return 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &mt_key);
    same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    pn = lua_touserdata(L, idx);
    return same && cJSON_IsArray(pn->node);
}

/* One argument value of a remediation command as a string kept alive in the
 * anchor table at `anchor` (a proxy's __index makes a fresh string each
 * time). Strings, integers and floats only. */
static const char *arg_value(lua_State *L, int anchor, const char *name)
{
    const char *s;
    size_t n;
    int ty = lua_type(L, -1);
    if (ty == LUA_TNUMBER && lua_isinteger(L, -1)) {
        lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, -1));
    } else if (ty == LUA_TNUMBER || ty == LUA_TSTRING) {
        lua_pushvalue(L, -1);
        lua_tostring(L, -1);
    } else {
        luaL_error(L, "edoc.finding: remediation argument {%s} must be a string, a number or a list of them, "
                      "got %s", name, lua_typename(L, ty));
        return NULL;
    }
    s = lua_tolstring(L, -1, &n);
    if (strlen(s) != n) {
        luaL_error(L, "edoc.finding: remediation argument {%s} contains a NUL byte", name);
        return NULL;
    }
    lua_rawseti(L, anchor, (lua_Integer)lua_rawlen(L, anchor) + 1);
    return s;
}

/* {description=, command=, args=, docs=}: command is a literal template and
 * args its values, which only the host quotes (util/shquote.h). The arrays
 * live in a userdata and the strings in an anchor table, both on the stack,
 * so a Lua error half-way leaks nothing. */
static void add_remediation(lua_State *L, struct finding *f, int idx)
{
    const char *desc, *cmd, *docs, *region;
    struct shq_arg *args = NULL;
    const char **vals = NULL;
    size_t n_args = 0, n_vals = 0;
    int top = lua_gettop(L), at, anchor;
    struct err e = {0};
    const cJSON *r;
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "edoc.finding: remediation entries are {description=, command=, args=, docs=} tables");
    desc = opt_field_str(L, idx, "description");
    cmd = opt_field_str(L, idx, "command");
    docs = opt_field_str(L, idx, "docs");
    luaL_checkstack(L, 8, "edoc.finding");
    at = top + 1;
    lua_getfield(L, idx, "args");
    if (!lua_isnil(L, at)) {
        if (!lua_istable(L, at))
            luaL_error(L, "edoc.finding: remediation args must be a table of name = value");
        if (!cmd)
            luaL_error(L, "edoc.finding: remediation args without a command");
        /* First pass: how many arguments and values. */
        lua_pushnil(L);
        while (lua_next(L, at)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                luaL_error(L, "edoc.finding: remediation args must be a table of name = value");
            if (++n_args > SHQ_MAX_ARGS)
                luaL_error(L, "edoc.finding: more than %d remediation arguments", SHQ_MAX_ARGS);
            if (arg_is_list(L, -1)) {
                lua_Integer len = luaL_len(L, -1);
                if (len < 0 || len > 4096)
                    luaL_error(L, "edoc.finding: remediation argument {%s} lists more than 4096 values",
                               lua_tostring(L, -2));
                n_vals += (size_t)len;
            } else {
                n_vals++;
            }
            lua_pop(L, 1);
        }
        args = lua_newuserdatauv(L, n_args * sizeof *args + n_vals * sizeof *vals + 1, 0);
        vals = (const char **)(void *)(args + n_args);
        lua_newtable(L);
        anchor = lua_gettop(L);
        n_args = n_vals = 0;
        lua_pushnil(L);
        while (lua_next(L, at)) {
            struct shq_arg *a = &args[n_args++];
            a->name = lua_tostring(L, -2); /* the key stays in the args table */
            a->values = &vals[n_vals];
            if (arg_is_list(L, -1)) {
                lua_Integer len = luaL_len(L, -1), k;
                a->list = 1;
                a->n = 0;
                for (k = 1; k <= len; k++) {
                    lua_geti(L, -1, k);
                    vals[n_vals++] = arg_value(L, anchor, a->name);
                    a->n++;
                    lua_pop(L, 1);
                }
            } else {
                a->list = 0;
                a->n = 1;
                vals[n_vals++] = arg_value(L, anchor, a->name);
            }
            lua_pop(L, 1);
        }
    }
    r = target_field(L, "region");
    region = cJSON_IsString(r) ? r->valuestring : NULL;
    if (finding_add_command(f, desc, cmd, args, n_args, region, docs, &e) != ERR_OK)
        luaL_error(L, "edoc.finding: remediation command refused: %s", e.msg);
    lua_settop(L, top);
}

/* The finding under construction lives in a userdata with __gc until it is
 * handed to the list, so a Lua error half-way through cannot leak it. */
static int holder_gc(lua_State *L)
{
    struct finding **h = lua_touserdata(L, 1);
    finding_free(*h);
    *h = NULL;
    return 0;
}

/* A later finding with a known key only adds to the first one: count, latest
 * time, highest confidence, resources, explains and (up to the cap) evidence.
 * Its other fields are not read: 10,000 tasks with one key cost one finding. */
static void merge_fields(lua_State *L, struct finding *g)
{
    long add = 1;
    if (lua_getfield(L, 1, "count") != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1)
            luaL_error(L, "edoc.finding: count must be a positive integer");
        add = (long)lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    g->count = g->count > 1000000000L - add ? 1000000000L : g->count + add;
    if (lua_getfield(L, 1, "when") != LUA_TNIL && lua_isnumber(L, -1)) {
        double w = lua_tonumber(L, -1);
        if (isfinite(w) && w > g->when)
            g->when = w;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "confidence") != LUA_TNIL && lua_isnumber(L, -1)) {
        double c = lua_tonumber(L, -1);
        if (c >= 0 && c <= 1 && c > g->confidence)
            g->confidence = c;
    }
    lua_pop(L, 1);
    each_listed(L, 1, "resources", add_resource, g);
    each_listed(L, 1, "explains", add_explains, g);
    if (cJSON_GetArraySize(g->evidence) < FINDING_MAX_EVIDENCE)
        each_listed(L, 1, "evidence", add_evidence, g);
}

static int l_finding(lua_State *L)
{
    struct edoc_ctx *ctx = run_ctx(L);
    struct finding **h, *f;
    static const char *const text[] = {"title", "category", "severity", "explanation", "key",
                                       "kind", "rule", "subject"};
    struct err e = {0};
    size_t i;
    int keyed;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    /* stack: 1 the table, 2 the key as a string (or nil), 3 the key map */
    keyed = lua_getfield(L, 1, "key");
    if (keyed == LUA_TSTRING || keyed == LUA_TNUMBER) {
        luaL_tolstring(L, 2, NULL);
        lua_replace(L, 2);
        keyed = lua_rawlen(L, 2) > 0;
    } else {
        keyed = 0;
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &keys_key);
    if (keyed) {
        lua_pushvalue(L, 2);
        if (lua_rawget(L, 3) == LUA_TNUMBER) {
            lua_Integer at = lua_tointeger(L, -1);
            if (at >= 0 && (size_t)at < ctx->out->n)
                merge_fields(L, ctx->out->v[at]);
            return 0;
        }
        lua_pop(L, 1);
    }
    h = lua_newuserdatauv(L, sizeof *h, 0);
    *h = NULL;
    lua_newtable(L);
    lua_pushcfunction(L, holder_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    f = *h = finding_new(ctx->check->id, ctx->check->source);
    if (!f)
        return luaL_error(L, "edoc.finding: out of memory");
    finding_set(f, "category", ctx->check->category);
    finding_set(f, "severity", ctx->check->severity);
    for (i = 0; i < sizeof text / sizeof text[0]; i++) {
        int ty = lua_getfield(L, 1, text[i]);
        if (ty == LUA_TSTRING || ty == LUA_TNUMBER)
            finding_set(f, text[i], lua_tostring(L, -1));
        else if (ty != LUA_TNIL)
            return luaL_error(L, "edoc.finding: field '%s' must be a string, got %s", text[i],
                              lua_typename(L, ty));
        lua_pop(L, 1);
    }
    if (lua_getfield(L, 1, "confidence") != LUA_TNIL) {
        if (!lua_isnumber(L, -1))
            return luaL_error(L, "edoc.finding: confidence must be a number between 0 and 1");
        f->confidence = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "count") != LUA_TNIL) {
        if (!lua_isinteger(L, -1))
            return luaL_error(L, "edoc.finding: count must be an integer");
        f->count = (long)lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "when") != LUA_TNIL && lua_isnumber(L, -1)) {
        double w = lua_tonumber(L, -1);
        if (isfinite(w) && w > 0)
            f->when = w;
    }
    lua_pop(L, 1);
    each_listed(L, 1, "evidence", add_evidence, f);
    each_listed(L, 1, "resources", add_resource, f);
    each_listed(L, 1, "explains", add_explains, f);
    each_listed(L, 1, "remediation", add_remediation, f);
    if (finding_validate(f, &e) != ERR_OK)
        return luaL_error(L, "edoc.finding: %s", e.msg);
    if (ctx->out->n - ctx->start >= FINDING_MAX_PER_CHECK) {
        if (!ctx->message[0])
            snprintf(ctx->message, sizeof ctx->message, "more than %d findings: the rest were dropped",
                     FINDING_MAX_PER_CHECK);
        return 0;
    }
    if (keyed) {
        lua_pushvalue(L, 2);
        lua_pushinteger(L, (lua_Integer)ctx->out->n);
        lua_rawset(L, 3);
    }
    if (finding_list_push(ctx->out, f) != ERR_OK)
        return luaL_error(L, "edoc.finding: out of memory");
    *h = NULL;
    ctx->n_findings++;
    return 0;
}

/* ---- the sandbox ------------------------------------------------------- */

static int safe_load(lua_State *L)
{
    /* load(chunk [, chunkname [, mode [, env]]]) with mode forced to text. */
    int n = lua_gettop(L);
    lua_settop(L, n < 3 ? 3 : n);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int safe_collectgarbage(lua_State *L)
{
    const char *opt = luaL_optstring(L, 1, "count");
    if (strcmp(opt, "count") != 0)
        return luaL_error(L, "collectgarbage('%s') is not available to checks", opt);
    lua_pushnumber(L, (lua_Number)lua_gc(L, LUA_GCCOUNT, 0) +
                          (lua_Number)lua_gc(L, LUA_GCCOUNTB, 0) / 1024.0);
    return 1;
}

/* Lua runs __gc finalizers with hooks off, so a finalizer would escape the
 * instruction budget: metatables with __gc are refused. (A __gc field added
 * after setmetatable never marks the object for finalization.) */
static int safe_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not available to checks");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* Evidence objects and arrays are tables to a check. */
static int safe_type(lua_State *L)
{
    luaL_checkany(L, 1);
    if (any_pnode(L, 1))
        lua_pushliteral(L, "table");
    else
        lua_pushstring(L, luaL_typename(L, 1));
    return 1;
}

static int safe_rawset(lua_State *L)
{
    if (any_pnode(L, 1))
        return luaL_error(L, "attempt to modify read-only evidence");
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

/* xpcall(f, msgh, ...) whose handler runs after the error unwound, as an
 * ordinary protected call. Lua calls a real message handler from inside the
 * raising function; when that is the budget hook, hooks are off
 * (allowhook = 0) and a looping handler would never be stopped. Checks have no
 * debug library, so they cannot tell the difference. */
static int safe_xpcall(lua_State *L)
{
    int n = lua_gettop(L), i;
    luaL_checktype(L, 2, LUA_TFUNCTION);
    /* The arguments are copied above themselves: xpcall(f, h, table.unpack(big))
     * needs as many free slots as it has arguments. */
    luaL_checkstack(L, n + 2, "too many arguments to xpcall");
    lua_pushvalue(L, 1);
    for (i = 3; i <= n; i++)
        lua_pushvalue(L, i);
    if (lua_pcall(L, n - 2, LUA_MULTRET, 0) == LUA_OK) {
        lua_pushboolean(L, 1);
        lua_insert(L, n + 1);
        return lua_gettop(L) - n;
    }
    lua_pushvalue(L, 2);
    lua_insert(L, -2);
    lua_pcall(L, 1, 1, 0); /* the handler's error, if any, is the result */
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

/* Helpers every check may share, written in Lua and run in each sandbox once
 * `edoc` exists: the sandbox has no require, so without them each check
 * carried its own copy (the review rules did). Text chunk, same budget. */
/* core/engine/families.lua, embedded by the build (sources.cmake). */
extern const unsigned char luacheck_families_lua[];
extern const size_t luacheck_families_lua_len;

static const char prelude[] =
    "local edoc = edoc\n"
    /* Template text, not the value: the host fills {region} from the
     * target and quotes it (util/shquote.h). */
    "function edoc.region_flag()\n"
    "  return type(edoc.region()) == 'string' and ' --region {region}' or ''\n"
    "end\n"
    "function edoc.with_region(cmd)\n"
    "  return cmd .. edoc.region_flag()\n"
    "end\n"
    "do\n"
    "  -- Many tasks share one message: each distinct text once. Bounded (a\n"
    "  -- bundle of distinct texts must not fill the check's memory): started\n"
    "  -- over past 4096 entries.\n"
    "  local cache, n = {}, 0\n"
    "  function edoc.norm_str(s)\n"
    "    if type(s) ~= 'string' then return '' end\n"
    "    local v = cache[s]\n"
    "    if not v then\n"
    "      if n >= 4096 then cache, n = {}, 0 end\n"
    "      v = edoc.norm(s); cache[s] = v; n = n + 1\n"
    "    end\n"
    "    return v\n"
    "  end\n"
    "end\n"
    "function edoc.log_group(ev, name, region)\n"
    "  local groups = ev.logs and ev.logs.groups\n"
    "  if not groups or type(name) ~= 'string' then return nil end\n"
    "  if type(region) == 'string' and region ~= edoc.region() then return groups[region .. '|' .. name] end\n"
    "  return groups[name]\n"
    "end\n"
    "function edoc.list(v) return type(v) == 'table' and v or {} end\n"
    "function edoc.str(v) return type(v) == 'string' and v or nil end\n"
    "function edoc.num(v) return tonumber(type(v) == 'table' and nil or v) end\n"
    "function edoc.recent_events(svc)\n"
    "  local out = {}\n"
    "  for i, e in ipairs(edoc.list(svc.events)) do\n"
    "    local m = edoc.norm(edoc.str(e.message))\n"
    "    if m:find('has reached a steady state', 1, true) then break end\n"
    "    out[#out + 1] = { i = i, e = e, m = m }\n"
    "  end\n"
    "  return out\n"
    "end\n"
    "function edoc.each_message(ev, what, fn, scope)\n"
    "  -- Which texts become messages: those of the scope (the stopped reason\n"
    "  -- when the scope names neither it nor the containers).\n"
    "  local want_reason, want_containers = true, true\n"
    "  if scope ~= nil then\n"
    "    want_reason, want_containers = false, false\n"
    "    for _, f in ipairs(type(scope) == 'table' and scope or { scope }) do\n"
    "      if f == 'stoppedReason' then want_reason = true elseif f == 'containers' then want_containers = true end\n"
    "    end\n"
    "    if not want_containers then want_reason = true end\n"
    "  end\n"
    "  for ti, t in edoc.tasks_matching(what, scope) do\n"
    "    local out = {}\n"
    "    if want_reason and t.stoppedReason then\n"
    "      out[1] = { text = t.stoppedReason, ptr = edoc.ptr('tasks', ti - 1, 'stoppedReason'), task = t, when = t.stoppedAt }\n"
    "    end\n"
    "    if want_containers then\n"
    "      for ci, c in ipairs(t.containers or {}) do\n"
    "        if c.reason and c.reason == t.stoppedReason and #out == 1 and not out[1].container then\n"
    "          out[1].container, out[1].ptr = c, edoc.ptr('tasks', ti - 1, 'containers', ci - 1, 'reason')\n"
    "        elseif c.reason then\n"
    "          out[#out + 1] = { text = c.reason, ptr = edoc.ptr('tasks', ti - 1, 'containers', ci - 1, 'reason'),\n"
    "            task = t, container = c, when = t.stoppedAt }\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "    for _, m in ipairs(out) do fn(m) end\n"
    "  end\n"
    "  for si, s in ipairs(ev.services or {}) do\n"
    "    for ei, e in ipairs(s.events or {}) do\n"
    "      if edoc.norm_str(e.message):find('has reached a steady state', 1, true) then break end\n"
    "      fn({ text = e.message, ptr = edoc.ptr('services', si - 1, 'events', ei - 1, 'message'),\n"
    "        service = s, when = e.createdAt })\n"
    "    end\n"
    "  end\n"
    "end\n"
    "function edoc.has_any(s, list)\n"
    "  local n = edoc.norm_str(s)\n"
    "  for _, p in ipairs(list) do if n:find(p, 1, true) then return true end end\n"
    "  return false\n"
    "end\n"
    "function edoc.cluster_of(svc)\n"
    "  return (svc.clusterArn and edoc.basename(svc.clusterArn)) or edoc.cluster() or 'default'\n"
    "end\n"
    "function edoc.td_scope(ev)\n"
    "  local out, seen = {}, {}\n"
    "  for _, svc in ipairs(ev.services or {}) do\n"
    "    local arn = svc.taskDefinition\n"
    "    if arn and ev.task_definitions and ev.task_definitions[arn] then\n"
    "      out[#out + 1] = { arn = arn, td = ev.task_definitions[arn], svc = svc }\n"
    "      seen[arn] = true\n"
    "    end\n"
    "  end\n"
    "  if #out == 0 then\n"
    "    for _, task in ipairs(ev.tasks or {}) do\n"
    "      local arn = task.taskDefinitionArn\n"
    "      if arn and not seen[arn] and ev.task_definitions and ev.task_definitions[arn] then\n"
    "        seen[arn] = true\n"
    "        out[#out + 1] = { arn = arn, td = ev.task_definitions[arn] }\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "  return out\n"
    "end\n";

static int sandbox(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base}, {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_OSLIBNAME, luaopen_os},
        {NULL, NULL},
    };
    static const luaL_Reg edoc[] = {
        {"finding", l_finding}, {"ptr", l_ptr}, {"norm", l_norm}, {"match", l_match},
        {"match_any", l_match_any}, {"task_id", l_basename}, {"basename", l_basename},
        {"iam_eval", l_iam_eval}, {"net_reach", l_net_reach}, {"source_ok", l_source_ok},
        {"region", l_region}, {"cluster", l_cluster}, {"shellquote", l_shellquote},
        {"json_string", l_json_string}, {"file_name", l_file_name},
        {"log", l_log}, {"ipairs", l_ipairs}, {"pairs", l_pairs}, {"incomplete", l_incomplete},
        {"service_state", l_service_state},
        {"tasks_matching", l_tasks_matching}, {"tasks_with", l_tasks_with}, {"task_values", l_task_values},
        {NULL, NULL},
    };
    static const char *const removed[] = {"dofile", "loadfile", "require", "module"};
    const luaL_Reg *lib;
    size_t i;
    for (lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    for (i = 0; i < sizeof removed / sizeof removed[0]; i++) {
        lua_pushnil(L);
        lua_setglobal(L, removed[i]);
    }
    lua_getglobal(L, "load");
    lua_pushcclosure(L, safe_load, 1);
    lua_setglobal(L, "load");
    lua_pushcfunction(L, safe_collectgarbage);
    lua_setglobal(L, "collectgarbage");
    lua_pushcfunction(L, safe_rawset);
    lua_setglobal(L, "rawset");
    lua_pushcfunction(L, safe_type);
    lua_setglobal(L, "type");
    lua_pushcfunction(L, safe_xpcall);
    lua_setglobal(L, "xpcall");
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, safe_setmetatable, 1);
    lua_setglobal(L, "setmetatable");
    lua_pushcfunction(L, l_print);
    lua_setglobal(L, "print");
    /* os: only time and date. */
    lua_getglobal(L, "os");
    lua_createtable(L, 0, 2);
    lua_getfield(L, -2, "time");
    lua_setfield(L, -2, "time");
    lua_getfield(L, -2, "date");
    lua_setfield(L, -2, "date");
    lua_setglobal(L, "os");
    lua_pop(L, 1);
    /* string.dump would hand out binary chunks. Lua's pattern matcher
     * backtracks in C where the hook never fires: use the step-budgeted one
     * (also for methods: the strings' __index is this table). */
    lua_getglobal(L, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    luapattern_install(L, -1);
    lua_pop(L, 1);
    /* Lock the string metatable: getmetatable("") no longer hands it out. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    /* Drop the loaded-libraries registry so nothing reaches the full os. */
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    luaL_newlib(L, edoc);
    lua_setglobal(L, "edoc");
    if (luaL_loadbufferx(L, prelude, sizeof prelude - 1, "=edoc-prelude", "t") != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 0);
    /* Its Lua half: failure families and documented wordings (families.lua). */
    if (luaL_loadbufferx(L, (const char *)luacheck_families_lua, luacheck_families_lua_len,
                         "=edoc-families", "t") != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 0);
    proxy_metatable(L);
    new_run_tables(L);
    return 0;
}

/* ---- loading and running ------------------------------------------------ */

void luacheck_free(struct luacheck *lc)
{
    if (!lc)
        return;
    if (lc->L)
        collect_stopped(lc, 1);
    if (--normc.states == 0)
        normc_clear(); /* the last Lua check is gone */
    free(lc->lstr);
    free(lc->display);
    free(lc);
}

static char *field_dup(lua_State *L, int t, const char *name)
{
    char *r = NULL;
    lua_pushstring(L, name);
    if (lua_rawget(L, t) == LUA_TSTRING)
        r = str_dup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return r;
}

static int valid_id(const char *id)
{
    if (!id || !*id || strlen(id) > 128)
        return 0;
    for (; *id; id++)
        if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') || (*id >= '0' && *id <= '9') ||
              *id == '.' || *id == '_' || *id == '-'))
            return 0;
    return 1;
}

/* `needs` / `uses`: lists of evidence source names (at most 64). */
static void read_sources(lua_State *L, int t, const char *field, cJSON *into)
{
    lua_Integer i, n;
    lua_pushstring(L, field);
    if (lua_rawget(L, t) == LUA_TTABLE) {
        n = (lua_Integer)lua_rawlen(L, -1);
        for (i = 1; i <= n && i <= 64; i++) {
            if (lua_rawgeti(L, -1, i) == LUA_TSTRING)
                cJSON_AddItemToArray(into, cJSON_CreateString(lua_tostring(L, -1)));
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

static enum err_code read_table(struct check *c, lua_State *L, int t, const char *display,
                                struct err *e)
{
    c->id = field_dup(L, t, "id");
    c->category = field_dup(L, t, "category");
    c->severity = field_dup(L, t, "severity");
    c->summary = field_dup(L, t, "summary");
    if (!valid_id(c->id))
        return err_set(e, ERR_LUA, "%s: the check table needs an 'id' (letters, digits, . _ -)", display);
    if (!finding_category_valid(c->category))
        return err_set(e, ERR_LUA, "%s: check '%s': unknown category '%s' (see docs/categories.md)",
                       display, c->id, c->category ? c->category : "(none)");
    if (!c->severity)
        c->severity = str_dup("medium");
    if (!finding_severity_level(c->severity))
        return err_set(e, ERR_LUA, "%s: check '%s': unknown severity '%s'", display, c->id, c->severity);
    if (!c->summary)
        c->summary = str_dup("");
    lua_pushliteral(L, "run");
    if (lua_rawget(L, t) != LUA_TFUNCTION)
        return err_set(e, ERR_LUA, "%s: check '%s' has no run function", display, c->id);
    lua_pop(L, 1);
    read_sources(L, t, "needs", c->needs);
    if ((c->uses = cJSON_CreateArray()) == NULL)
        return err_set(e, ERR_NOMEM, "%s: out of memory", display);
    read_sources(L, t, "uses", c->uses);
    return ERR_OK;
}

struct check *luacheck_load(const char *path, const char *display, long budget, size_t mem_max,
                            struct err *e)
{
    struct luacheck *lc = NULL;
    struct check *c = NULL;
    struct buf src;
    char chunkname[520], msg[600];
    int st;
    buf_init(&src, SCRIPT_MAX);
    if (buf_read_file(&src, path, e) != ERR_OK)
        goto fail;
    lc = calloc(1, sizeof *lc);
    if (lc)
        normc.states++; /* luacheck_free counts it down */
    c = calloc(1, sizeof *c);
    if (!lc || !c || !(lc->display = str_dup(display)) || !(c->needs = cJSON_CreateArray())) {
        err_set(e, ERR_NOMEM, "%s: out of memory", display);
        goto fail;
    }
    lc->mem_max = mem_max ? mem_max : ENGINE_LUA_MEM_DEFAULT;
    lc->budget = budget > 0 ? budget : ENGINE_LUA_BUDGET_DEFAULT;
    lc->ref = LUA_NOREF;
    lc->L = lua_newstate(lalloc, lc);
    if (!lc->L) {
        err_set(e, ERR_NOMEM, "%s: cannot create a Lua state", display);
        goto fail;
    }
    *(struct luacheck **)lua_getextraspace(lc->L) = lc;
    lua_pushcfunction(lc->L, sandbox);
    if (lua_pcall(lc->L, 0, 0, 0) != LUA_OK) {
        err_set(e, ERR_LUA, "%s: cannot set up the sandbox", display);
        goto fail;
    }
    snprintf(chunkname, sizeof chunkname, "@%s", display);
    arm(lc);
    lua_pushcfunction(lc->L, msgh);
    st = luaL_loadbufferx(lc->L, src.data ? src.data : "", src.len, chunkname, "t");
    if (st == LUA_OK)
        st = lua_pcall(lc->L, 0, 1, 1);
    disarm(lc);
    if (st != LUA_OK) {
        describe_failure(lc, st, msg, sizeof msg);
        err_set(e, ERR_LUA, "%s", msg);
        goto fail;
    }
    if (!lua_istable(lc->L, -1)) {
        err_set(e, ERR_LUA, "%s: the script must return a check table (got %s)", display,
                luaL_typename(lc->L, -1));
        goto fail;
    }
    if (read_table(c, lc->L, lua_gettop(lc->L), display, e) != ERR_OK)
        goto fail;
    lc->ref = luaL_ref(lc->L, LUA_REGISTRYINDEX);
    lua_settop(lc->L, 0);
    c->lang = CHECK_LUA;
    c->lua = lc;
    c->path = str_dup(path);
    snprintf(msg, sizeof msg, "lua:%s", display);
    c->source = str_dup(msg);
    if (!c->path || !c->source) {
        err_set(e, ERR_NOMEM, "%s: out of memory", display);
        goto fail;
    }
    buf_cleanup(&src);
    return c;
fail:
    buf_cleanup(&src);
    if (c) {
        c->lua = NULL;
        check_free(c);
    }
    luacheck_free(lc);
    return NULL;
}

/* Gives lc a freshly loaded state of its script, so nothing a previous run
 * left in globals, library tables or upvalues reaches this one (`checks test`
 * runs every fixture through the same checks). The old state is closed. */
static enum err_code reload(struct check *c, struct luacheck *lc, struct err *e)
{
    struct check *fresh = luacheck_load(c->path, lc->display, lc->budget, lc->mem_max, e);
    struct luacheck *nl;
    lua_State *old;
    size_t used;
    if (!fresh)
        return ERR_LUA;
    nl = fresh->lua;
    old = lc->L;
    used = lc->used;
    lc->L = nl->L;
    lc->ref = nl->ref;
    lc->used = nl->used;
    lua_setallocf(lc->L, lalloc, lc);
    *(struct luacheck **)lua_getextraspace(lc->L) = lc;
    nl->L = old;
    nl->used = used;
    lua_setallocf(old, lalloc, nl);
    *(struct luacheck **)lua_getextraspace(old) = nl;
    check_free(fresh);
    return ERR_OK;
}

enum err_code luacheck_run(struct check *c, struct edoc_ctx *ctx)
{
    struct luacheck *lc = c->lua;
    lua_State *L;
    int st;
    if (lc->runs++ > 0) {
        struct err e;
        err_clear(&e);
        if (reload(c, lc, &e) != ERR_OK) {
            snprintf(ctx->message, sizeof ctx->message, "%s", e.msg);
            ctx->failed = 1;
            return ERR_LUA;
        }
    }
    L = lc->L;
    lua_settop(L, 0);
    collect_stopped(lc, 0);
    new_run_tables(L); /* proxies never outlive the evidence they point into */
    lc->ctx = ctx;
    arm(lc);
    lua_pushcfunction(L, msgh);
    lua_rawgeti(L, LUA_REGISTRYINDEX, lc->ref);
    lua_pushliteral(L, "run");
    lua_rawget(L, -2);
    lua_remove(L, -2);
    push_json(L, ctx->evidence);
    st = lua_pcall(L, 1, 0, 1);
    disarm(lc);
    lc->ctx = NULL;
    if (st != LUA_OK) {
        describe_failure(lc, st, ctx->message, sizeof ctx->message);
        ctx->failed = 1;
    }
    lua_settop(L, 0);
    /* Drop this run's proxies and anything the check built. */
    new_run_tables(L);
    collect_stopped(lc, 0);
    return st == LUA_OK ? ERR_OK : ERR_LUA;
}

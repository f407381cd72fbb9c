/* luapattern — Lua 5.4 pattern matching (manual §6.4.1) with a step budget.
 * Lua's own matcher backtracks in C where the sandbox's instruction hook never
 * fires; this one counts its steps and raises a Lua error when they run out.
 * It owns no memory: state lives on the C stack of each call. */
#ifndef EDOC_LUAPATTERN_H
#define EDOC_LUAPATTERN_H

#include <lua.h>

/* Steps (match-loop iterations and backtracks) one call of find, match, gsub
 * or one gmatch iteration may take: about 50 ms of CPU, far above any real check. */
#define LUAPATTERN_STEP_BUDGET 10000000L

/* The error text raised when a call spends its budget. */
#define LUAPATTERN_BUDGET_MSG "pattern matching exceeded its step budget"

/* Replaces find, match, gmatch and gsub in the table at string_table_index
 * (normally the string library, which is also the strings' __index) with the
 * budgeted versions. Leaves the stack as it was. */
void luapattern_install(lua_State *L, int string_table_index);

/* As luapattern_install, with another per-call step budget (tests). */
void luapattern_install_budget(lua_State *L, int string_table_index, long budget);

#endif

/* luapattern — Lua 5.4 pattern matching (manual §6.4.1) with a step budget.
 * Lua's own matcher backtracks in C where the sandbox's instruction hook never
 * fires; this one counts its steps and raises a Lua error when they run out.
 * Match state lives on the C stack of each call; the per-state step account is
 * a userdata owned by the lua_State (registry), freed with it. */
#ifndef EDOC_LUAPATTERN_H
#define EDOC_LUAPATTERN_H

#include <lua.h>

/* Steps (match-loop iterations and backtracks) one call of find, match, gsub
 * or one gmatch iteration may take: about 50 ms of CPU, far above any real check. */
#define LUAPATTERN_STEP_BUDGET 10000000L

/* Steps all calls in one lua_State may take together (about 2.5 s of CPU):
 * a loop of calls that each stay under the per-call budget still ends. */
#define LUAPATTERN_STATE_BUDGET 500000000LL

/* The error text raised when a call spends its budget. Once a call has
 * raised it, every later call in the same state raises it at once, so a
 * pcall loop cannot retry its way around the budget. */
#define LUAPATTERN_BUDGET_MSG "pattern matching exceeded its step budget"

/* Replaces find, match, gmatch and gsub in the table at string_table_index
 * (normally the string library, which is also the strings' __index) with the
 * budgeted versions and keeps the state's step account in the registry.
 * Leaves the stack as it was. */
void luapattern_install(lua_State *L, int string_table_index);

/* As luapattern_install, with other budgets (tests). */
void luapattern_install_budget(lua_State *L, int string_table_index, long per_call, long long per_state);

#endif

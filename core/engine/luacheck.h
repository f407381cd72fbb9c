/* luacheck — Lua 5.4 checks, each in its own sandboxed state (checks/API.md):
 * an allow-list of libraries, text chunks only, a capped allocator, an
 * instruction budget whose hook re-arms so pcall cannot swallow it, and the
 * evidence exposed through lazily created read-only proxy tables over the
 * cJSON tree (never copied).
 *
 * A struct luacheck owns its lua_State; luacheck_free() closes it. */
#ifndef EDOC_LUACHECK_H
#define EDOC_LUACHECK_H

#include "engine/engine.h"

/* Loads path (shown as `display` in messages and chunk names), runs the chunk
 * in a fresh sandbox and reads the check table it returns into a new struct
 * check (caller owns; c->lua owns the state). On failure returns NULL with a
 * one-line "display:line: message" in e. */
struct check *luacheck_load(const char *path, const char *display, long budget, size_t mem_max,
                            struct err *e);

/* Runs the check's run(ev) over ctx->evidence. On failure returns ERR_LUA
 * and fills ctx->message (file:line: message). Findings go to ctx->out. */
enum err_code luacheck_run(struct check *c, struct edoc_ctx *ctx);

void luacheck_free(struct luacheck *lc);

#endif

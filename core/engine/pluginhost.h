/* pluginhost — loads C check plugins (dlopen) after refusing unsafe or
 * incompatible files, and implements the host side of the plugin ABI
 * (include/ecs_doctor/plugin.h): the edoc_host function table.
 *
 * A struct plugin owns its dlopen handle; the engine owns the plugins and
 * closes them in engine_free(), after every check string has been copied. */
#ifndef EDOC_PLUGINHOST_H
#define EDOC_PLUGINHOST_H

#include "engine/engine.h"

/* Loads one .so and registers its checks with the engine. On refusal prints
 * "ecs-doctor: plugin PATH: reason" to the diagnostic stream and returns
 * ERR_PLUGIN; nothing of the plugin stays registered. */
enum err_code pluginhost_load(struct engine *eng, const char *path, const char *display);

/* Refuses files (and their folder) writable by group or others, or owned by
 * someone other than root or the current user. Also used for Lua checks. */
enum err_code pluginhost_file_safe(const char *path, struct err *e);

/* Runs a C check in a forked child (Linux: fork, a pipe, PR_SET_PDEATHSIG)
 * that sends its findings back as JSON; they are rebuilt into ctx->out. A
 * crash (signal), running past timeout_s (<= 0: PLUGINHOST_TIMEOUT_DEFAULT;
 * the child is killed), exiting without a result or sending an unreadable
 * one fails the check with a message naming the plugin and what happened.
 * Returns the check's run() value, or -1 for those failures. */
#define PLUGINHOST_TIMEOUT_DEFAULT 30.0
int pluginhost_run(struct check *c, struct edoc_ctx *ctx, double timeout_s);

/* The host table handed to plugins. */
const edoc_host *pluginhost_table(void);

void pluginhost_close(struct plugin *p);

#endif

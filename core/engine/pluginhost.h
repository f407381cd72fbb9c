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

/* Runs a C check. Returns 0 or non-zero as the check's run() did. */
int pluginhost_run(struct check *c, struct edoc_ctx *ctx);

/* The host table handed to plugins. */
const edoc_host *pluginhost_table(void);

void pluginhost_close(struct plugin *p);

#endif

/* engine — loads checks (C plugins and sandboxed Lua scripts) from the search
 * path, runs them over an evidence document and builds the report document
 * (docs/report.md).
 *
 * The engine owns its checks, the plugins' dlopen handles and the Lua states;
 * engine_free() releases all of them. engine_analyze() returns a new report
 * (caller frees with cJSON_Delete). Problems with single checks (refused
 * plugins, broken scripts) are printed to the engine's diagnostic stream and
 * the other checks go on. */
#ifndef EDOC_ENGINE_H
#define EDOC_ENGINE_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "ecs_doctor/plugin.h"
#include "engine/finding.h"
#include "util/err.h"

enum check_lang { CHECK_C = 1, CHECK_LUA = 2 };

struct luacheck;
struct plugin;

struct check {
    char *id, *category, *severity, *summary;
    char *source;   /* "lua:checks/image/image_not_found.lua" or "plugin:plugins/x.so" */
    char *path;     /* the file on disk */
    cJSON *needs;   /* [string] sources it cannot decide without (missing -> incomplete) */
    cJSON *uses;    /* [string] sources it reads when present, to explain what it
                     * sees; missing ones matter only through edoc.incomplete() */
    enum check_lang lang;
    edoc_check c;   /* C checks: the descriptor entry, zero-extended */
    struct luacheck *lua;
    int selected;
};

/* The run context of one check (the plugin ABI's edoc_ctx). */
struct edoc_ctx {
    const cJSON *evidence;
    struct check *check;
    struct finding_list *out;
    size_t start;           /* this check's first finding in out */
    size_t n_findings;      /* findings reported so far (C: before merging) */
    int failed;             /* the check reported an error */
    char message[512];      /* first error (or a note such as the findings cap) */
    int debug;
    FILE *diag;
    struct finding_list scratch; /* findings past the cap (freed after the run) */
    const cJSON *state;     /* the service-state model (analysis/svcstate.h), read-only */
    cJSON *gaps;            /* sources the check reported lacking (edoc.incomplete) */
    char why[512];          /* the first such report's reason */
};

struct engine_opts {
    const char *const *plugin_dirs; size_t n_plugin_dirs;
    const char *const *check_dirs;  size_t n_check_dirs;
    int no_default_dirs;     /* only the dirs given (tests, `checks test` isolation) */
    int no_plugins;          /* --no-plugins: load no C plugin from anywhere */
    double plugin_timeout_s; /* per C check run (isolated child); <= 0: 30 s */
    int debug;
    long lua_budget;         /* VM instructions per Lua call; 0: default */
    size_t lua_mem_max;      /* bytes per Lua check; 0: default */
    FILE *diag;              /* refusals and debug lines; NULL: stderr */
};

#define ENGINE_LUA_BUDGET_DEFAULT 100000000L
#define ENGINE_LUA_MEM_DEFAULT ((size_t)64 * 1024 * 1024)

/* A check that did not load (a Lua error, a refused plugin, an unknown
 * category or `needs` source, a duplicate id): reported in checks[] with
 * status "error" so a broken team check is never a clean run. */
struct load_failure {
    char *id;       /* the check's id when known, else the file as displayed */
    char *source;   /* "lua:DISPLAY" or "plugin:DISPLAY" */
    char *path;     /* the file on disk (`checks test` matches it to its DIR) */
    char *message;  /* the one-line reason */
    int selected;
};

struct engine {
    struct check **checks;
    size_t n_checks, cap_checks;
    struct plugin **plugins;
    size_t n_plugins, cap_plugins;
    char **seen_dirs;        /* realpaths already scanned */
    size_t n_seen, cap_seen;
    struct engine_opts opts;
    FILE *diag;
    int n_refused;
    struct load_failure *failures;
    size_t n_failures, cap_failures;
    const cJSON *state;      /* during engine_analyze: the evidence's service state */
};

/* Records a check that did not load (see struct load_failure) and prints
 * "ecs-doctor: WHAT: MESSAGE" to the diagnostic stream. lang is "lua" or
 * "plugin"; id may be NULL. Repeats of one source are recorded once. */
void engine_load_failed(struct engine *eng, const char *lang, const char *display, const char *path,
                        const char *id, const char *message);

/* Builds an engine and loads every check on the search path. Never NULL
 * unless out of memory; refusals are printed and counted in n_refused. */
struct engine *engine_new(const struct engine_opts *o);
void engine_free(struct engine *eng);

/* Loads the checks of one more directory (Lua files and .so plugins). */
void engine_load_dir(struct engine *eng, const char *dir, const char *display, int want_lua,
                     int want_plugins);

/* Applies --only/--skip (exact ids or globs). ERR_USAGE with a message when an
 * --only pattern matches no check. */
enum err_code engine_select(struct engine *eng, const char *const *only, size_t n_only,
                            const char *const *skip, size_t n_skip, struct err *e);

struct analyze_opts {
    const char *fail_on;     /* severity threshold for exit code; unused here */
    int no_recommendations;
    int review;              /* only best-practice rules: no unexplained-state diagnosis */
};

/* Runs every selected check over the evidence and returns the report. */
cJSON *engine_analyze(struct engine *eng, const cJSON *evidence, const struct analyze_opts *ao);

/* Internal: registers a loaded check (takes ownership). Refuses duplicate ids
 * with a message; returns 0 when added. */
int engine_add_check(struct engine *eng, struct check *c);
void check_free(struct check *c);

/* Whether name is an evidence source of docs/evidence.md. */
int engine_source_known(const char *name);

/* A check reports that it saw something to decide but lacked `source`
 * (edoc.incomplete / host->incomplete): the run ends `incomplete` with the
 * source in `missing` and `why` as its message. Returns -1 for an unknown
 * source name, 0 otherwise. Repeats are recorded once. */
int engine_report_incomplete(struct edoc_ctx *ctx, const char *source, const char *why);

#endif

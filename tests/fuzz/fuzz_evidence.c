/* Fuzz target: the evidence-bundle loader and the whole analysis behind it
 * (every in-tree Lua check and C plugin, ranking, report building) on
 * arbitrary documents. A check that errors is contained by design; what this
 * hunts is a crash, leak or sanitizer report in the host. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "build_config.h"
#include "engine/engine.h"
#include "engine/evidence.h"
#include "util/jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct engine *eng;
static FILE *devnull;

static void load_engine(void)
{
    static const char *checks[] = {EDOC_SOURCE_DIR "/checks"};
    static const char *plugins[] = {EDOC_BUILD_DIR "/plugins"};
    struct engine_opts o = {0};
    devnull = fopen("/dev/null", "w");
    o.check_dirs = checks;
    o.n_check_dirs = 1;
    o.plugin_dirs = plugins;
    o.n_plugin_dirs = 1;
    o.no_default_dirs = 1;
    o.lua_budget = 2000000; /* keep each input fast */
    o.diag = devnull;
    eng = engine_new(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e;
    cJSON *doc, *report;
    if (!eng)
        load_engine();
    doc = jsonx_parse((const char *)data, size, "fuzz", &e);
    if (!doc)
        return 0;
    if (evidence_validate(doc, "fuzz", &e) == ERR_OK && eng) {
        struct analyze_opts ao = {"high", 0, 0};
        report = engine_analyze(eng, doc, &ao);
        cJSON_Delete(report);
    }
    cJSON_Delete(doc);
    return 0;
}

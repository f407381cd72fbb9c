/* checktest — `ecs-doctor checks test DIR`: runs the loaded checks against
 * the fixture bundles found in DIR's tests/ folders (any depth) and compares
 * each report with the fixture's NAME.expect.json (format: checks/API.md).
 * Prints one line per fixture and ends with "N passed, M failed". */
#ifndef EDOC_CHECKTEST_H
#define EDOC_CHECKTEST_H

#include <stdio.h>

#include "engine/engine.h"

struct checktest_result {
    int passed, failed, fixtures;
};

/* Runs every fixture under dir. Checks whose source lies in dir and that
 * fail on a fixture make that fixture fail too; each check of dir that did
 * not load (eng->failures) counts as one failed test. */
void checktest_run(struct engine *eng, const char *dir, FILE *out, struct checktest_result *res);

/* Compares one report with one expectation document; appends one line per
 * unmet expectation to `why` (NUL-terminated) and returns the number unmet. */
int checktest_compare(const cJSON *report, const cJSON *expect, char *why, size_t whylen);

#endif

/* report_text_min — a stop-gap plain-text listing of a report, used by
 * `analyze` for --output text|markdown|junit until core/render/ lands. The
 * lead may delete this file (and its line in sources.cmake) then. */
#include "engine/report.h"

#include <stdio.h>
#include <string.h>

#include "util/jsonx.h"

void report_text_min(const cJSON *report, FILE *out)
{
    const cJSON *f, *c;
    fprintf(out, "%s\n", jsonx_str(report, "summary", ""));
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(report, "findings")) {
        fprintf(out, "%s%d. [%s] %s  (%s)\n", jsonx_str(f, "caused_by", NULL) ? "   " : "",
                (int)jsonx_num(f, "rank", 0), jsonx_str(f, "severity", "?"), jsonx_str(f, "title", ""),
                jsonx_str(f, "check", "?"));
    }
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "checks"))
        if (!strcmp(jsonx_str(c, "status", ""), "error"))
            fprintf(out, "check %s failed: %s\n", jsonx_str(c, "id", "?"), jsonx_str(c, "message", ""));
}

/* rchange — see rchange.h. */
#include "render/rchange.h"

#include <time.h>

#include "report/utc.h"
#include "util/jsonx.h"

int rchange_sentence(const cJSON *finding, struct buf *out)
{
    const cJSON *ch = cJSON_GetObjectItemCaseSensitive(finding, "change");
    const cJSON *mins;
    char at[32];
    if (!cJSON_IsObject(ch))
        return 0;
    mins = cJSON_GetObjectItemCaseSensitive(ch, "minutes_before_failure");
    utc_format((time_t)jsonx_num(ch, "time", 0), 0, at, sizeof at);
    buf_printf(out, "%s at %s UTC by %s", jsonx_str(ch, "summary", jsonx_str(ch, "event", "?")), at,
               jsonx_str(ch, "actor", "unknown"));
    if (jsonx_str(ch, "via", NULL) && jsonx_str(ch, "via", "")[0])
        buf_printf(out, " (%s)", jsonx_str(ch, "via", ""));
    if (cJSON_IsNumber(mins) && mins->valuedouble > 0)
        buf_printf(out, ", %.0f min before the first failure", mins->valuedouble);
    else if (cJSON_IsNumber(mins))
        buf_puts(out, ", as the failures began");
    return 1;
}

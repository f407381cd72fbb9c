/* netpath — see netpath.h. Placeholder: answers "unknown" until the analyser
 * lands (catalog issue). */
#include "analysis/netpath.h"

#include <stdio.h>

#include "ecs_doctor/plugin.h"

int netpath_reach(const cJSON *evidence, const char *subnet_id, const char *const *sg_ids,
                  size_t n_sg, int assign_public_ip, const char *service, char *why,
                  size_t whylen)
{
    (void)evidence; (void)sg_ids; (void)n_sg; (void)assign_public_ip;
    if (why && whylen)
        snprintf(why, whylen, "path from %s to %s not analysed", subnet_id ? subnet_id : "?",
                 service ? service : "?");
    return EDOC_REACH_UNKNOWN;
}

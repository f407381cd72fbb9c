/* A descriptor that declares a size smaller than the fixed head. */
#include "ecs_doctor/plugin.h"

EDOC_EXPORT const edoc_plugin edoc_plugin_v1 = {EDOC_ABI_VERSION, 8u, "small", "1", NULL, 0, 0};

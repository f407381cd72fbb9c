/* Exports something, but not the descriptor: the host must refuse it. */
#include "ecs_doctor/plugin.h"

EDOC_EXPORT int edoc_plugin_v0 = 1;

# One line per C plugin folder (edoc_plugin from plugins/CMakeLists.txt).
edoc_plugin(container_exit container_exit/container_exit.c)

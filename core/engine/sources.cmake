# Check engine: finding model, plugin host, Lua sandbox, ranking, report, evidence loading.
list(APPEND EDOC_CORE_SOURCES
  engine/finding.c
  engine/pluginhost.c
  engine/luacheck.c
  engine/luapattern.c
  engine/engine.c
  engine/rank.c
  engine/corroborate.c
  engine/unexplained.c
  engine/report.c
  engine/evidence.c
  engine/checktest.c
  engine/nodeidx.c
  engine/textidx.c)
# The Lua half of the check prelude (failure families, documented wordings,
# service event kinds: core/engine/families.lua), embedded as a byte array so
# the binary needs no file at run time. Regenerated when the file changes.
set(EDOC_FAMILIES_LUA ${CMAKE_CURRENT_LIST_DIR}/families.lua)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${EDOC_FAMILIES_LUA})
file(READ ${EDOC_FAMILIES_LUA} _edoc_fam_hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _edoc_fam_hex "${_edoc_fam_hex}")
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/families_lua.c.in
  "/* Generated from core/engine/families.lua by core/engine/sources.cmake. */\n"
  "#include <stddef.h>\n"
  "const unsigned char luacheck_families_lua[] = {${_edoc_fam_hex}0};\n"
  "const size_t luacheck_families_lua_len = sizeof luacheck_families_lua - 1;\n")
configure_file(${CMAKE_CURRENT_BINARY_DIR}/families_lua.c.in ${CMAKE_CURRENT_BINARY_DIR}/families_lua.c COPYONLY)
list(APPEND EDOC_CORE_SOURCES ${CMAKE_CURRENT_BINARY_DIR}/families_lua.c)

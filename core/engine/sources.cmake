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

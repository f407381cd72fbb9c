list(APPEND EDOC_CORE_SOURCES
  util/err.c
  util/buf.c
  util/jsonx.c
  util/strutil.c)

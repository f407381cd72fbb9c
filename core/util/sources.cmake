list(APPEND EDOC_CORE_SOURCES
  util/err.c
  util/buf.c
  util/jsonx.c
  util/jarena.c
  util/strutil.c
  util/textsafe.c
  util/shquote.c)

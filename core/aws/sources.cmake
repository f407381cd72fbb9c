list(APPEND EDOC_CORE_SOURCES
  aws/sigv4.c
)

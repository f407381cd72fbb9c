list(APPEND EDOC_CORE_SOURCES
  analysis/iam_eval.c
  analysis/netpath.c
  analysis/svcstate.c)

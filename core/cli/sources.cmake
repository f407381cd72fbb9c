# main.c is the executable's own source (core/CMakeLists.txt); commands live in the library so tests can call them.
list(APPEND EDOC_CORE_SOURCES
  cli/opts.c
  cli/cmd_analyze.c
  cli/cmd_checks.c
  cli/cmd_review.c
  cli/cmd_target.c)

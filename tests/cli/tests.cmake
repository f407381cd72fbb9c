# The command-line surface end to end (issue #21): options, durations, exit
# codes, warnings and outputs through the real binary, offline and against
# the fake AWS server.
if(EDOC_PYTHON)
  add_test(NAME cli_e2e
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/e2e_cli.py $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli_e2e PROPERTIES TIMEOUT 300)
endif()
# The man page against the code: SYNOPSIS has every command, ENVIRONMENT every
# variable core/ reads (getenv names).
if(EDOC_PYTHON)
  add_test(NAME cli_man_page
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/man_page.py $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli_man_page PROPERTIES TIMEOUT 60)
endif()

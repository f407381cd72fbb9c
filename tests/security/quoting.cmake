# Printed fix commands are inert (issue 17, docs/SECURITY.md): the command
# lint over every shipped check and plugin, its self-test, and every fix
# command of the fixtures, of hostile bundles and of the fake-AWS scenarios
# run by bash with stubbed aws/jq/docker/curl. The unit test of the quoting
# itself is test_shquote (tests/util).
if(EDOC_PYTHON)
  add_test(NAME security_command_lint
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/command_lint.py ${PROJECT_SOURCE_DIR})
  add_test(NAME security_command_lint_selftest
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/command_lint.py --self-test)
  foreach(part bundles hostile scenarios)
    add_test(NAME security_quoting_${part}
             COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/quoting_test.py
                     $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR} --only ${part})
    set_tests_properties(security_quoting_${part} PROPERTIES TIMEOUT 1200)
  endforeach()
endif()

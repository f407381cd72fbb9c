# Reliability and security suite (issue 10): fault-injected and
# permission-gap end-to-end runs against the fake AWS server, the secrets
# scan, the Lua sandbox escape suite, and the read-only assertion over every
# call log the whole ctest run produced. docs/SECURITY.md maps each promise to
# these tests.
set(EDOC_CALL_LOG_DIR ${PROJECT_BINARY_DIR}/fakeaws-calls)
include(${CMAKE_CURRENT_LIST_DIR}/quoting.cmake)
if(EDOC_PYTHON)
  foreach(mode faults throttling terminal permissions secrets)
    add_test(NAME security_${mode}
             COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/e2e_security.py ${mode}
                     $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
    # permissions: about 110 runs (3 to 6 minutes on a loaded machine).
    set_tests_properties(security_${mode} PROPERTIES TIMEOUT 1200 SKIP_RETURN_CODE 77)
  endforeach()
  add_test(NAME security_sandbox
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/sandbox_test.py
                   $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
  set_tests_properties(security_sandbox PROPERTIES TIMEOUT 300)

  # Every test of this directory logs its fake AWS calls into one directory;
  # security_readonly checks them after all of them (FIXTURES_CLEANUP runs
  # after every test requiring the fixture). Deferred to the end of the
  # directory so areas included after this file are covered too. The fake's
  # own test suite is left out: it sends mutating calls on purpose, to test
  # that they are refused.
  add_test(NAME security_calllog_reset
           COMMAND ${CMAKE_COMMAND} -E rm -rf ${EDOC_CALL_LOG_DIR})
  add_test(NAME security_readonly
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/readonly.py ${EDOC_CALL_LOG_DIR} ${PROJECT_SOURCE_DIR})
  set_tests_properties(security_calllog_reset PROPERTIES FIXTURES_SETUP edoc_calllogs)
  set_tests_properties(security_readonly PROPERTIES FIXTURES_CLEANUP edoc_calllogs TIMEOUT 120 SKIP_RETURN_CODE 77)
  function(edoc_route_call_logs)
    get_property(tests DIRECTORY PROPERTY TESTS)
    foreach(t ${tests})
      if(NOT t MATCHES "^(security_calllog_reset|security_readonly|security_readonly_selftest)$"
         AND NOT t MATCHES "^fakeaws")
        set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT "FAKEAWS_CALL_LOG_DIR=${EDOC_CALL_LOG_DIR}")
        set_property(TEST ${t} APPEND PROPERTY FIXTURES_REQUIRED edoc_calllogs)
      endif()
    endforeach()
  endfunction()
  cmake_language(DEFER CALL edoc_route_call_logs)
endif()
if(EDOC_PYTHON)
  add_test(NAME security_readonly_selftest
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/readonly.py --self-test ${PROJECT_SOURCE_DIR})
endif()

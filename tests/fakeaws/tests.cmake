# The fake AWS server's own suite: signature checks (botocore-signed requests
# accepted, tampered ones refused), model validation, faults, the call log,
# every operation's answer parsed back by botocore's parsers, and the AWS CLI
# against the demo scenario (skipped when `aws` is not installed). Named
# fakeaws* so the read-only call-log assertion leaves it out: it sends
# mutating calls on purpose, to test that they are refused.
if(EDOC_PYTHON)
  add_test(NAME fakeaws_selftest
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_fakeaws.py
           WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
  set_tests_properties(fakeaws_selftest PROPERTIES TIMEOUT 300)
endif()

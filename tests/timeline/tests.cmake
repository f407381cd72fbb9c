# The time dimension (issue 12): CloudTrail changes, metric summaries, change
# matching and corroboration, timeline entries (unit, canned transport); then
# the real binary against the fake AWS server on the change_* and memory_*
# scenarios in every output format, with and without the permissions.
edoc_unit_test(test_timeline timeline/test_timeline.c collect/fakeio.c)
if(EDOC_PYTHON)
  add_test(NAME timeline_e2e
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/e2e_timeline.py $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
  set_tests_properties(timeline_e2e PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()

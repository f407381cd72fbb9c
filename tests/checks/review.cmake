# The ECS best-practice rules (checks/review, issue #11): fixture expectations through the real
# binary's `checks test`, and end-to-end runs of `analyze` on the review bundles.
add_test(NAME review_rules_fixtures
         COMMAND $<TARGET_FILE:ecs-doctor> checks test ${PROJECT_SOURCE_DIR}/checks/review
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(review_rules_fixtures PROPERTIES TIMEOUT 120)

add_test(NAME review_analyze_e2e
         COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/review/test_review_e2e.py
                 $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR}
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(review_analyze_e2e PROPERTIES TIMEOUT 180)

# On the fake AWS endpoint, once the collectors are built (exit 77 = skipped without tests/fakeaws).
if(EXISTS ${PROJECT_SOURCE_DIR}/core/collect/sources.cmake)
  add_test(NAME review_fakeaws_e2e
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/review/test_review_fakeaws.py
                   $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(review_fakeaws_e2e PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
endif()

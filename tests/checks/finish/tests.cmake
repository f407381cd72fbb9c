# The engine's skeleton categories (image_not_found: checks/image;
# container_oom / container_crash / container_command_not_found: the C plugin
# container.exit) end to end against the fake AWS endpoint, the drift check of
# their generated scenarios, and the catalog coverage test: every category of
# docs/categories.md has a check, a top-ranked e2e scenario and a docs section.
add_test(NAME checks_finish_e2e_fakeaws
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/e2e_scenarios.py $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
set_tests_properties(checks_finish_e2e_fakeaws PROPERTIES TIMEOUT 600)

add_test(NAME checks_finish_scenarios_fresh
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/make_scenarios.py --check)
set_tests_properties(checks_finish_scenarios_fresh PROPERTIES TIMEOUT 60)

# Robustness: numeric fields as strings or missing (hand-edited and partial
# bundles) must not make these checks error; fixtures plus mutants.
add_test(NAME checks_finish_robustness_fixtures
  COMMAND $<TARGET_FILE:ecs-doctor> checks test ${PROJECT_SOURCE_DIR}/tests/checks/finish/robustness)
set_tests_properties(checks_finish_robustness_fixtures PROPERTIES TIMEOUT 60)
add_test(NAME checks_finish_mutants
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/robust.py $<TARGET_FILE:ecs-doctor> 4
          ${PROJECT_SOURCE_DIR}/tests/checks/finish/robustness ${PROJECT_SOURCE_DIR}/checks/image
          ${PROJECT_SOURCE_DIR}/plugins/container_exit)
set_tests_properties(checks_finish_mutants PROPERTIES TIMEOUT 300)

# Catalog coverage: every category has a check, a top-ranked e2e scenario and a
# section in docs/categories.md (whose contents list all 36 in order).
add_test(NAME checks_catalog_coverage
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/coverage.py $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
set_tests_properties(checks_catalog_coverage PROPERTIES TIMEOUT 120)

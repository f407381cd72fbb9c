# Runtime-category checks (checks/{container,elb,placement,deployment,host,general}):
# the fixture runner per area, the report-level expectations (top finding,
# remediation with real ids, quoted evidence, healthy bundles below medium)
# through `ecs-doctor analyze`, and a drift check of the generated fixtures.
set(EDOC_RUNTIME_AREAS container elb placement deployment host general)
set(EDOC_RUNTIME_AREA_DIRS)
foreach(area ${EDOC_RUNTIME_AREAS})
  add_test(NAME checks_runtime_${area}
    COMMAND $<TARGET_FILE:ecs-doctor> checks test ${PROJECT_SOURCE_DIR}/checks/${area})
  set_tests_properties(checks_runtime_${area} PROPERTIES TIMEOUT 120)
  list(APPEND EDOC_RUNTIME_AREA_DIRS ${PROJECT_SOURCE_DIR}/checks/${area})
endforeach()

add_test(NAME checks_runtime_report
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/verify_bundles.py $<TARGET_FILE:ecs-doctor> ${EDOC_RUNTIME_AREA_DIRS})
set_tests_properties(checks_runtime_report PROPERTIES TIMEOUT 300)

add_test(NAME checks_runtime_fixtures_fresh
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/gen_fixtures.py --check)
set_tests_properties(checks_runtime_fixtures_fresh PROPERTIES TIMEOUT 60)

# Robustness: fields deleted, nulled or emptied (what partial collection does)
# must never make a runtime check error.
add_test(NAME checks_runtime_mutants
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/mutate_bundles.py $<TARGET_FILE:ecs-doctor> 20 ${EDOC_RUNTIME_AREA_DIRS})
set_tests_properties(checks_runtime_mutants PROPERTIES TIMEOUT 600)

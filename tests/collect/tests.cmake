# Collector tests: pure parsers and redaction, and the collectors driven by a
# canned-answer transport (fakeio) over tests/collect/data/*.json; then the
# real binary against the fake AWS server (e2e_collect.py; skipped, exit 77,
# when tests/fakeaws is absent).
edoc_unit_test(test_collect_refs collect/test_refs.c)
edoc_unit_test(test_collect_redact collect/test_redact.c)
edoc_unit_test(test_collect collect/test_collect.c collect/fakeio.c)
if(EDOC_PYTHON)
  add_test(NAME collect_e2e
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/e2e_collect.py $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
  set_tests_properties(collect_e2e PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()

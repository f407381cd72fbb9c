# Failure families (docs/categories.md "Failure families"): one fixture bundle
# per documented wording variant in checks/general/tests/families/family_*.json, run by
# checks_runtime_general; this keeps them equal to their generator.
add_test(NAME checks_families_fresh
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/make_fixtures.py --check)
set_tests_properties(checks_families_fresh PROPERTIES TIMEOUT 60)

# Versions and packaging. The Debian packages themselves are built and checked
# by scripts/package --check (CI), since they need a separate /usr build.
add_test(NAME packaging_version
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/packaging/version.sh $<TARGET_FILE:ecs-doctor>
          ${PROJECT_SOURCE_DIR} ${PROJECT_VERSION} ${CMAKE_COMMAND} ${PROJECT_BINARY_DIR})
set_tests_properties(packaging_version PROPERTIES TIMEOUT 60)
add_test(NAME packaging_containerfile
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/packaging/containerfile.py ${PROJECT_SOURCE_DIR})
set_tests_properties(packaging_containerfile PROPERTIES TIMEOUT 30)

# Check catalogs: one folder per catalog, each with its own tests.cmake.
include(${CMAKE_CURRENT_LIST_DIR}/runtime/tests.cmake OPTIONAL)
include(${CMAKE_CURRENT_LIST_DIR}/net/tests.cmake OPTIONAL)
include(${CMAKE_CURRENT_LIST_DIR}/finish/tests.cmake OPTIONAL)
include(${CMAKE_CURRENT_LIST_DIR}/families/tests.cmake OPTIONAL)

# Fuzz targets (libFuzzer, built with -DEDOC_FUZZ=ON and clang; scripts/fuzz
# runs them time-bounded). In every other build each target links the plain
# driver and its seed corpus plus the kept crash inputs run as a regression
# test, so they also run under the ASan+UBSan build.
set(EDOC_FUZZ_TARGETS xml2json config sigv4 evidence luacheck)
foreach(t ${EDOC_FUZZ_TARGETS})
  if(EDOC_FUZZ)
    add_executable(fuzz_${t} fuzz/fuzz_${t}.c)
    target_compile_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
    set(args -runs=0 ${EDOC_TEST_DIR}/fuzz/corpus/${t})
  else()
    add_executable(fuzz_${t} fuzz/fuzz_${t}.c fuzz/driver.c)
    set(args ${EDOC_TEST_DIR}/fuzz/corpus/${t})
  endif()
  target_link_libraries(fuzz_${t} PRIVATE edoc_core)
  add_test(NAME fuzz_regress_${t} COMMAND fuzz_${t} ${args})
  set_tests_properties(fuzz_regress_${t} PROPERTIES TIMEOUT 300)
endforeach()

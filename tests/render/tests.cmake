# Renderers and report services (core/render, core/report).
edoc_unit_test(test_render render/test_render.c)
edoc_unit_test(test_report render/test_report.c)
edoc_unit_test(test_wait render/test_wait.c)
add_executable(render_tool render/render_tool.c)
target_link_libraries(render_tool PRIVATE edoc_core)
add_test(NAME render_tty
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/render/render_tty.sh $<TARGET_FILE:render_tool>
          ${CMAKE_CURRENT_SOURCE_DIR}/render/fixtures/report-unhealthy.json)
set_tests_properties(render_tty PROPERTIES TIMEOUT 60 SKIP_RETURN_CODE 77)
add_test(NAME render_formats
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/render/render_formats.py $<TARGET_FILE:render_tool>
          ${PROJECT_SOURCE_DIR})
set_tests_properties(render_formats PROPERTIES TIMEOUT 120)
add_test(NAME cli_completion
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/render/completion_test.sh $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli_completion PROPERTIES TIMEOUT 60)
add_test(NAME render_e2e
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/render/e2e_report.py $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
set_tests_properties(render_e2e PROPERTIES TIMEOUT 120)
add_test(NAME wait_e2e
  COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/render/e2e_wait.py $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
set_tests_properties(wait_e2e PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77)

# Renderers and report services (core/render, core/report).
edoc_unit_test(test_render render/test_render.c)
edoc_unit_test(test_report render/test_report.c)
add_executable(render_tool render/render_tool.c)
target_link_libraries(render_tool PRIVATE edoc_core)

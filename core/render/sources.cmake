# Renderers: the report document to text, JSON, Markdown and JUnit.
list(APPEND EDOC_CORE_SOURCES
  render/render.c
  render/render_text.c
  render/render_markdown.c
  render/render_junit.c
  render/rtext.c
  render/rchange.c)

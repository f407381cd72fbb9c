return { id = "test.lua_bad_category", category = "unknown_failure", severity = "low",
  run = function(ev) edoc.finding { title = "x", category = "not_a_category" } end }

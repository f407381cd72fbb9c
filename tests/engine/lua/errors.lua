return { id = "test.lua_errors", category = "unknown_failure", severity = "low", needs = {"ecs.tasks"},
  run = function(ev)
    local t = nil
    return t.field
  end }

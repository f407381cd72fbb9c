return { id = "test.lua_rawset", category = "unknown_failure", severity = "low",
  run = function(ev)
    assert(getmetatable(ev) == "read-only evidence")
    assert(not pcall(setmetatable, ev, nil))
    assert(not pcall(table.insert, ev.tasks, 1))
    rawset(ev, "tasks", {})
  end }

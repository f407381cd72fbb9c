return { id = "test.lua_modify", category = "unknown_failure", severity = "low",
  run = function(ev) ev.tasks[1].lastStatus = "RUNNING" end }

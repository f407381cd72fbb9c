return { id = "test.lua_io", category = "unknown_failure", severity = "low",
  run = function(ev) local f = io.open("/etc/passwd") end }

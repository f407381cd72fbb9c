return { id = "test.lua_string_mt", category = "unknown_failure", severity = "low",
  run = function(ev) getmetatable("").__index = { upper = function() return "pwned" end } end }

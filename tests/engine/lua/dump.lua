return { id = "test.lua_dump", category = "unknown_failure", severity = "low",
  run = function(ev) local f = load(string.dump(function() return 1 end)) end }

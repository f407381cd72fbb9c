-- pcall must not swallow the budget stop.
return { id = "test.lua_loop", category = "unknown_failure", severity = "low",
  run = function(ev)
    while true do pcall(function() while true do end end) end
  end }

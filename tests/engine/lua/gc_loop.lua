-- A finalizer would run with hooks off (outside the budget): refused.
return { id = "test.lua_gc_loop", category = "unknown_failure", severity = "low",
  run = function(ev)
    local mt = {}
    setmetatable({}, mt)
    mt.__gc = function() while true do end end   -- too late: never marks the object
    setmetatable({}, { __gc = function() while true do end end })
  end }

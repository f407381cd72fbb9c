-- A __gc finalizer runs with debug hooks off: an endless loop there would
-- escape the instruction budget, so finalizers must be refused.
return { id = "sec.gc_loop", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: __gc", needs = { "ecs.tasks" },
  run = function(ev)
    for i = 1, 100 do setmetatable({}, { __gc = function() while true do end end }) end
    local t = {}
    for i = 1, 1e6 do t[i % 1000] = { i } end
  end,
}

-- A to-be-closed variable whose __close loops runs while the budget error
-- unwinds: the budget must still stop it.
return { id = "sec.close_loop", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: __close", needs = { "ecs.tasks" },
  run = function(ev)
    local x <close> = setmetatable({}, { __close = function() while true do end end })
    while true do end
  end,
}

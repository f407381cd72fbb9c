-- Wrapping an endless loop in coroutines must not reset or escape the instruction budget.
return { id = "sec.coroutine_budget", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: coroutine_budget", needs = { "ecs.tasks" },
  run = function(ev)
    local function spin() while true do end end
    while true do
      local co = coroutine.wrap(function() pcall(spin) end)
      pcall(co)
    end
  end,
}

-- An infinite loop inside pcall/xpcall (and inside their handlers) is still stopped by the budget.
return { id = "sec.pcall_loop", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: pcall_loop", needs = { "ecs.tasks" },
  run = function(ev)
    while true do
      xpcall(function() while true do end end, function() while true do end end)
      pcall(error)
    end
  end,
}

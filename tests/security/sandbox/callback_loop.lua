-- Lua callbacks called from C (table.sort comparators, load readers, gsub
-- replacements) loop forever: each must still be stopped by the budget.
return { id = "sec.callback_loop", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: looping callbacks from C", needs = { "ecs.tasks" },
  run = function(ev)
    pcall(load, function() while true do end end)
    pcall(string.gsub, "abc", ".", function() while true do end end)
    local t = {} for i = 1, 100 do t[i] = i end
    table.sort(t, function(a, b) while true do end end)
  end,
}

-- A well-behaved check, loaded last: its finding must survive all the hostile ones.
return { id = "sec.zz_normal", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: zz_normal", needs = { "ecs.tasks" },
  run = function(ev)
    local n = 0
    for _, t in edoc.ipairs(ev.tasks) do if t.lastStatus == "STOPPED" then n = n + 1 end end
    edoc.finding { title = "normal check saw " .. n .. " stopped tasks", confidence = 0.9, severity = "high", count = n,
                   evidence = { edoc.ptr("tasks", 0, "lastStatus") } }
  end,
}

-- string.rep memory bombs hit the memory cap, not the machine.
return { id = "sec.rep_bomb", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: rep_bomb", needs = { "ecs.tasks" },
  run = function(ev)
    local ok = pcall(string.rep, "x", 1 << 40)
    local s = string.rep("x", 1 << 20)
    local t = {}
    for i = 1, 1000 do t[i] = s .. i end
    error("unreachable: 1 GiB held")
  end,
}

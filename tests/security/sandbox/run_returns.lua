-- run returning strange values (a function, a huge string, a trapped table) is ignored, not interpreted.
return { id = "sec.run_returns", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: run_returns", needs = { "ecs.tasks" },
  run = function(ev)
    return function() end, string.rep("z", 1e6), setmetatable({}, { __index = function() error("no") end })
  end,
}

-- An error object whose __tostring errors, or loops, must not crash or hang the host.
return { id = "sec.errobj_tostring", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: errobj_tostring", needs = { "ecs.tasks" },
  run = function(ev)
    error(setmetatable({}, { __tostring = function() while true do end end }))
  end,
}

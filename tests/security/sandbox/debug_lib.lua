-- debug must not exist: no sethook removal, no getregistry, no upvalue tricks.
return { id = "sec.debug_lib", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: debug_lib", needs = { "ecs.tasks" },
  run = function(ev)
    if debug then edoc.finding { title = "ESCAPED: debug exists" } end
    debug.sethook()
  end,
}

-- Yielding out of run (across the host call and its hook) must be an error, not a hang or crash.
return { id = "sec.coroutine_yield", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: coroutine_yield", needs = { "ecs.tasks" },
  run = function(ev)
    coroutine.yield("escape")
    edoc.finding { title = "ESCAPED: resumed after yielding out of run" }
  end,
}

-- Many live coroutines (each with its own stack) are bounded by the memory cap.
return { id = "sec.coroutine_many", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: coroutine_many", needs = { "ecs.tasks" },
  run = function(ev)
    local t = {}
    for i = 1, 1e7 do t[i] = coroutine.create(function() coroutine.yield() end); coroutine.resume(t[i]) end
  end,
}

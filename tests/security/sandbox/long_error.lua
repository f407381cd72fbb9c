-- A very long error message is cut to a sane length in the report and on stderr.
return { id = "sec.long_error", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: long_error", needs = { "ecs.tasks" },
  run = function(ev)
    error(string.rep("A", 8 * 1024 * 1024) .. "\n\27[31m\0 control bytes")
  end,
}

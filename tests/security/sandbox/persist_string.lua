-- Companion of persist: shared library tables must not carry another check's changes.
return { id = "sec.persist_string", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: persist_string", needs = { "ecs.tasks" },
  run = function(ev)
    if string.sandbox_mark or EDOC_SANDBOX_MARK or EDOC_SANDBOX_MARK2 then edoc.finding { title = "ESCAPED: another check's globals are visible" } end
  end,
}

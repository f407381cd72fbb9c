-- Globals set by one run must not be visible to the next (each fixture, each run gets a fresh state).
return { id = "sec.persist", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: persist", needs = { "ecs.tasks" },
  run = function(ev)
    if EDOC_SANDBOX_MARK then edoc.finding { title = "ESCAPED: state persisted across runs (" .. EDOC_SANDBOX_MARK .. ")" } end
    EDOC_SANDBOX_MARK = (EDOC_SANDBOX_MARK or 0) + 1
    rawset(_G, "EDOC_SANDBOX_MARK2", true)
    string.sandbox_mark = true  -- the string table is per state too
  end,
}
